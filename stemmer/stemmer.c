/* stemmer.c - the analyser: UAX #29 words with byte offsets, normalised,
 * classified and stemmed, handed to a callback one at a time.
 *
 * Input is cut into chunks of at most CHUNK_BYTES at a line break or a
 * space (inside a word only if 32 KB go by without either: junk that would
 * exceed STM_WORD_MAX anyway), each converted once to UTF-16 for ICU with
 * a table from UTF-16 units back to UTF-8 byte offsets. Memory is thus
 * bounded whatever the input size, and reused across calls.
 *
 * Deciding a token needs its neighbours (is "Prevent" followed by "duty"?
 * is "KEY" inside an all-caps heading?), so a token is emitted once the
 * next one is known: three slots (previous, pending, next) rotate.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/utf16.h>

#include "stemmer/icu.h"

#include "stemmer/stemmer-private.h"
#include "xapian-c/xapian-c.h"

#define CHUNK_BYTES 65536
/* Raw tokens longer than this cannot fold to STM_WORD_MAX bytes or less
 * (short of being mostly ignorable characters): skipped before ICU
 * normalisation sees them. */
#define RAW_WORD_MAX (4 * STM_WORD_MAX)
#define NORM_CAP 1024           /* UTF-16 units for one normalised word */
#define STEM_MAX (STM_WORD_MAX + 15)

/* The stem cache: open addressing, cleared in O(1) by bumping a
 * generation when it is 3/4 full. 8192 slots hold the working vocabulary
 * of a few thousand reports. */
/* The cache starts small and doubles up to CACHE_SLOTS: a query analyses
 * a few hundred words, and touching a 1 MB table's pages costs a search
 * more than the stemming it saves. */
#define CACHE_SLOTS 8192u
#define CACHE_FIRST_SLOTS 256u
#define CACHE_FILL_MAX(cap) ((cap) / 4 * 3)

/* What else is known of a cached word, worked out once. */
#define WORD_STOPWORD  0x01u
#define WORD_PROTECTED 0x02u    /* may be a protected term: check context */

typedef struct stem_entry {
    uint32_t gen;               /* live when == analyser's cache_gen */
    uint32_t hash;
    uint8_t word_len, stem_len, kind;
    char word[STM_WORD_MAX + 1];
    char stem[STEM_MAX + 1];
} stem_entry;

/* What lies between two tokens (or after the last one). */
typedef struct gap_info {
    unsigned empty : 1;
    unsigned spaces_only : 1;   /* horizontal white space only (or empty) */
    unsigned joiners_only : 1;  /* non-empty, only - / and similar */
    unsigned line_break : 1;
    unsigned sentence_end : 1;  /* . ! ? : ... or a bullet */
    unsigned lone_dot_first : 1; /* the only sentence mark: a '.' first */
    unsigned punct : 1;         /* anything but spaces and quotes */
    unsigned open_quote_last : 1;
    unsigned close_quote_first : 1;
} gap_info;

typedef struct raw_token {
    size_t start, end;          /* bytes in the analysed text */
    unsigned flags;             /* NUMERIC, JOINED, SENTENCE_START */
    stm_caps caps;
    unsigned letters;
    int plural_s;               /* "KSBs": capitals then a plural s */
    int pure_caps;              /* capitals only, not even an s */
    int inner_dot;              /* "e.g", "U.K": a '.' after ends nothing */
    gap_info gap;               /* the gap before this token */
    size_t len;
    char word[STM_WORD_MAX + 8]; /* room to finish one character */
} raw_token;

struct stm_analyser {
    stm_mode mode;
    int icu_only;               /* tests: no ASCII fast path */
    UBreakIterator *bi;
    const UNormalizer2 *nfkc_cf;
    xc_stemmer *stemmer;
    UChar *u16;                 /* CHUNK_BYTES units */
    uint32_t *u16_to_byte;      /* CHUNK_BYTES + 1 entries */
    UChar norm_in[RAW_WORD_MAX];
    UChar norm_out[NORM_CAP];
    stem_entry *cache;
    uint32_t cache_gen;
    unsigned cache_used;
    unsigned cache_cap;         /* slots, a power of two */
    char acronym[STM_WORD_MAX + 1];
    /* stm_analyser_limit_stems: stem only words whose first byte is set */
    int stems_limited;
    unsigned char stem_first[256];
};

/* One stm_analyse call. */
typedef struct run {
    stm_analyser *an;
    const char *text;
    size_t len;
    stm_token_fn fn;
    void *ctx;
    raw_token slot[3];
    raw_token *prev, *pending, *next; /* prev/pending may be NULL */
    size_t last_end;            /* end of the last raw token */
    int have_raw;               /* any raw token so far */
    unsigned position;
    int stop;                   /* the callback's non-zero value */
} run;

/* ---------- analyser ---------- */

int stm_analyser_new(stm_mode mode, stm_analyser **out, char **err)
{
    *out = NULL;
    if (mode != STM_MODE_INDEX && mode != STM_MODE_QUERY)
        return stm_error_set(err, STM_ERR_INVALID, "unknown analyser mode");
    stm_analyser *an = calloc(1, sizeof *an);
    if (an == NULL)
        return stm_error_set(err, STM_ERR_NOMEM, "out of memory");
    an->mode = mode;
    an->u16 = malloc(CHUNK_BYTES * sizeof *an->u16);
    an->u16_to_byte = malloc((CHUNK_BYTES + 1) * sizeof *an->u16_to_byte);
    an->cache = calloc(CACHE_FIRST_SLOTS, sizeof *an->cache);
    an->cache_cap = CACHE_FIRST_SLOTS;
    an->cache_gen = 1;
    if (an->u16 == NULL || an->u16_to_byte == NULL || an->cache == NULL) {
        stm_analyser_free(an);
        return stm_error_set(err, STM_ERR_NOMEM, "out of memory");
    }

    /* ICU's break iterator and normaliser come when the first text that
     * is not ASCII does (ensure_icu): see icu.h. */
    if (xc_stemmer_new("english", &an->stemmer) != 0) {
        stm_analyser_free(an);
        return stm_error_set(err, STM_ERR_INVALID,
                             "no Snowball English stemmer");
    }
    *out = an;
    return STM_OK;
}

void stm_analyser_free(stm_analyser *an)
{
    if (an == NULL)
        return;
    if (an->bi != NULL)
        stm_icu.ubrk_close(an->bi);
    if (an->stemmer != NULL)
        xc_stemmer_free(an->stemmer);
    free(an->u16);
    free(an->u16_to_byte);
    free(an->cache);
    free(an);
}

void stm_analyser_limit_stems(stm_analyser *an, const char *const *stems,
                              size_t n)
{
    an->stems_limited = stems != NULL;
    memset(an->stem_first, 0, sizeof an->stem_first);
    for (size_t i = 0; stems && i < n; i++) {
        if (stems[i][0] == '\0') {
            an->stems_limited = 0; /* "" starts every stem */
            return;
        }
        an->stem_first[(unsigned char)stems[i][0]] = 1;
    }
}

/* ---------- stems ---------- */

static uint32_t hash_word(const char *w, size_t len)
{
    uint32_t h = 2166136261u;  /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)w[i];
        h *= 16777619u;
    }
    return h;
}

/* WORD_STOPWORD and WORD_PROTECTED, as they apply to folded word w. */
static uint8_t word_kind(const char *w, size_t len)
{
    return (uint8_t)((stm_is_stopword(w, len) ? WORD_STOPWORD : 0) |
                     (stm_protected_candidate(w, len) ? WORD_PROTECTED : 0));
}

/* The cache entry of folded word w (len <= STM_WORD_MAX): its Snowball
 * stem and kind. Valid until the next call. */
static const stem_entry *word_lookup(stm_analyser *an, const char *w,
                                     size_t len)
{
    uint32_t h = hash_word(w, len);
    uint32_t mask = an->cache_cap - 1;
    uint32_t i = h & mask;
    stem_entry *e;
    for (;;) {
        e = &an->cache[i];
        if (e->gen != an->cache_gen)
            break;
        if (e->hash == h && e->word_len == len && memcmp(e->word, w, len) == 0)
            return e;
        i = (i + 1) & mask;
    }
    if (an->cache_used >= CACHE_FILL_MAX(an->cache_cap)) {
        stem_entry *bigger = an->cache_cap < CACHE_SLOTS
                                 ? calloc(an->cache_cap * 2, sizeof *bigger)
                                 : NULL;
        if (bigger) {
            /* Grow: move the live entries over. */
            unsigned cap = an->cache_cap * 2;
            for (unsigned k = 0; k < an->cache_cap; k++) {
                stem_entry *old = &an->cache[k];
                if (old->gen != an->cache_gen)
                    continue;
                uint32_t j = old->hash & (cap - 1);
                while (bigger[j].gen == an->cache_gen)
                    j = (j + 1) & (cap - 1);
                bigger[j] = *old;
            }
            free(an->cache);
            an->cache = bigger;
            an->cache_cap = cap;
            mask = cap - 1;
            i = h & mask;
            while (an->cache[i].gen == an->cache_gen)
                i = (i + 1) & mask;
            e = &an->cache[i];
        } else {
            /* Full size (or no memory to grow): start a new generation. */
            an->cache_gen++;
            an->cache_used = 0;
            if (an->cache_gen == 0) {  /* wrapped: really clear */
                memset(an->cache, 0, an->cache_cap * sizeof *an->cache);
                an->cache_gen = 1;
            }
            e = &an->cache[h & mask];
        }
    }
    size_t sl = 0;
    if (xc_stemmer_stem(an->stemmer, w, len, e->stem, sizeof e->stem, &sl) != 0) {
        /* Cannot happen for English at these lengths; the word itself is
         * the safest stand-in. */
        memcpy(e->stem, w, len);
        e->stem[len] = '\0';
        sl = len;
    }
    e->gen = an->cache_gen;
    e->hash = h;
    e->word_len = (uint8_t)len;
    e->stem_len = (uint8_t)sl;
    memcpy(e->word, w, len);
    e->word[len] = '\0';
    e->kind = word_kind(w, len);
    an->cache_used++;
    return e;
}

int stm_stem_word(stm_analyser *an, const char *word, size_t len, char *buf,
                  size_t bufsize)
{
    const char *stem = word;
    size_t sl = len;
    if (len == 0 || len > STM_WORD_MAX)
        return STM_ERR_INVALID;
    /* Numbers are not stemmed: as the analyser decides it, by the first
     * character (a digit of any script: ICU, loaded already for any word
     * that is not ASCII). */
    int numeric = word[0] >= '0' && word[0] <= '9';
    if (!numeric && ((unsigned char)word[0] & 0x80) &&
        stm_icu_load(NULL) == 0) {
        uint32_t c;
        stm_utf8_decode((const unsigned char *)word, len, &c);
        numeric = stm_icu.u_isdigit((UChar32)c) != 0;
    }
    if (!numeric) {
        const stem_entry *e = word_lookup(an, word, len);
        stem = e->stem;
        sl = e->stem_len;
    }
    if (sl + 1 > bufsize)
        return STM_ERR_INVALID;
    memcpy(buf, stem, sl);
    buf[sl] = '\0';
    return (int)sl;
}

/* ---------- gaps ---------- */

static int is_apostrophe(uint32_t c)
{
    return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02BC;
}

static gap_info gap_scan(const char *text, size_t from, size_t to)
{
    gap_info g = {0};
    const unsigned char *s = (const unsigned char *)text;
    if (to - from == 1 && s[from] == ' ') {     /* nearly every gap */
        g.spaces_only = 1;
        return g;
    }
    g.empty = from == to;
    g.spaces_only = 1;
    g.joiners_only = from < to;
    int sentence_marks = 0;
    for (size_t i = from; i < to;) {
        uint32_t c;
        size_t n = s[i] < 0x80 ? (c = s[i], 1) : stm_utf8_decode(s + i, to - i, &c);
        int space = 0, joiner = 0, quote_open = 0, quote_close = 0;
        int newline = 0;
        switch (c) {
        case ' ': case '\t': case 0xA0: case 0x2007: case 0x202F:
            space = 1;
            break;
        case '\n': case '\r': case '\f': case '\v': case 0x85:
        case 0x2028: case 0x2029:
            g.line_break = 1;
            newline = 1;
            break;
        case '.': case '!': case '?': case ':': case 0x2026:
        case 0x2022: case 0x25A0: case 0x25AA: case 0x25CF: case 0x2023:
        case 0x25E6: case 0x2043: case 0xB7: case 0xF0B7:
            g.sentence_end = 1;
            sentence_marks++;
            g.lone_dot_first = c == '.' && i == from && sentence_marks == 1;
            break;
        case '-': case '/': case 0x2010: case 0x2011: case 0x2013:
            joiner = 1;
            break;
        case '"': case '\'': case '`':
            quote_open = quote_close = 1;
            break;
        case 0x2018: case 0x201C: case 0xAB: case 0x2039:
            quote_open = 1;
            break;
        case 0x2019: case 0x201D: case 0xBB: case 0x203A:
            quote_close = 1;
            break;
        default:
            break;
        }
        if (sentence_marks > 1)
            g.lone_dot_first = 0;
        if (!space)
            g.spaces_only = 0;
        if (!joiner)
            g.joiners_only = 0;
        if (!space && !quote_open && !quote_close && !newline)
            g.punct = 1;
        if (i == from)
            g.close_quote_first = (unsigned)quote_close;
        i += n;
        if (i == to)
            g.open_quote_last = (unsigned)quote_open;
    }
    return g;
}

/* ---------- words ---------- */

/* Strip apostrophes a word may carry at either end ("learnersʼ": U+02BC
 * is a letter to UAX #29). Returns 0 if nothing is left. */
static int trim_apostrophes(const char *text, size_t *start, size_t *end)
{
    const unsigned char *s = (const unsigned char *)text;
    for (;;) {
        size_t a = *start, b = *end;
        if (a < b && s[a] == '\'')
            a++;
        else if (b - a >= 3 && s[a] == 0xE2 && s[a + 1] == 0x80 &&
                 (s[a + 2] == 0x98 || s[a + 2] == 0x99))
            a += 3;
        else if (b - a >= 2 && s[a] == 0xCA && s[a + 1] == 0xBC)
            a += 2;
        if (a < b && s[b - 1] == '\'')
            b--;
        else if (b - a >= 3 && s[b - 3] == 0xE2 && s[b - 2] == 0x80 &&
                 (s[b - 1] == 0x98 || s[b - 1] == 0x99))
            b -= 3;
        else if (b - a >= 2 && s[b - 2] == 0xCA && s[b - 1] == 0xBC)
            b -= 2;
        if (a == *start && b == *end)
            break;
        *start = a;
        *end = b;
    }
    return *start < *end;
}

/* Shape of the original letters -> caps, letters, plural_s. */
typedef struct shape {
    unsigned upper, lower;
    int first_upper;
    int last_s, before_last_upper, before_last_apos;
    int seen_any;
    int prev_upper, prev_apos;
} shape;

static void shape_add(shape *sh, uint32_t c, int upper, int lower)
{
    if (!sh->seen_any) {
        sh->seen_any = 1;
        sh->first_upper = upper;
    }
    sh->upper += (unsigned)upper;
    sh->lower += (unsigned)lower;
    sh->last_s = c == 's';
    sh->before_last_upper = sh->prev_upper;
    sh->before_last_apos = sh->prev_apos;
    sh->prev_upper = upper;
    sh->prev_apos = is_apostrophe(c);
}

static void shape_finish(const shape *sh, raw_token *t)
{
    t->letters = sh->upper + sh->lower;
    t->plural_s = 0;
    t->pure_caps = 0;
    t->caps = STM_CAPS_NONE;
    if (sh->upper >= 2 && (sh->lower == 0 ||
                           (sh->lower == 1 && sh->last_s &&
                            (sh->before_last_upper || sh->before_last_apos)))) {
        t->caps = STM_CAPS_ALLCAPS;
        t->plural_s = sh->lower == 1 && sh->before_last_upper;
        t->pure_caps = sh->lower == 0;
    } else if (sh->first_upper) {
        t->caps = STM_CAPS_CAPITALISED;
    }
}

/* Fold text[start..end) into t->word. Returns 0 when the word is to be
 * skipped (too long, or nothing left). */
static int word_fold(stm_analyser *an, const char *text, size_t start,
                     size_t end, raw_token *t)
{
    const unsigned char *s = (const unsigned char *)text + start;
    size_t n = end - start;
    shape sh = {0};
    int ascii = 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 0x80) {
            ascii = 0;
            break;
        }
    /* A word whose only non-ASCII characters are curly apostrophes
     * ("learner’s") folds as its ASCII spelling: the ICU path would map
     * them to ' anyway. */
    unsigned char plain[STM_WORD_MAX + 1];
    if (!ascii && n <= STM_WORD_MAX + 16) {
        size_t k = 0, i = 0;
        while (i < n && k <= STM_WORD_MAX) {
            if (s[i] < 0x80) {
                plain[k++] = s[i++];
            } else if (i + 2 < n + 0 && s[i] == 0xE2 && s[i + 1] == 0x80 &&
                       (s[i + 2] == 0x98 || s[i + 2] == 0x99)) {
                plain[k++] = '\'';
                i += 3;
            } else {
                break;
            }
        }
        if (i == n && k <= STM_WORD_MAX) {
            s = plain;
            n = k;
            ascii = 1;
        }
    }

    if (ascii) {
        if (n > STM_WORD_MAX)
            return 0;
        int alnum = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned c = s[i];
            unsigned up = c - 'A' < 26u, low = c - 'a' < 26u;
            alnum |= (int)(up | low | (c - '0' < 10u));
            sh.upper += up;
            sh.lower += low;
            t->word[i] = (char)(up ? c | 0x20 : c);
        }
        if (!alnum)             /* "____": a form's blank line */
            return 0;
        /* the rest of the shape, as shape_add would leave it */
        sh.first_upper = s[0] >= 'A' && s[0] <= 'Z';
        sh.last_s = s[n - 1] == 's';
        sh.before_last_upper = n >= 2 && s[n - 2] >= 'A' && s[n - 2] <= 'Z';
        sh.before_last_apos = n >= 2 && s[n - 2] == '\'';
        t->len = n;
        t->word[n] = '\0';
        shape_finish(&sh, t);
        t->flags |= (s[0] >= '0' && s[0] <= '9') ? STM_TOK_NUMERIC : 0;
        t->inner_dot = memchr(t->word, '.', n) != NULL;
        return 1;
    }

    if (n > RAW_WORD_MAX || !an->nfkc_cf)
        return 0;
    int32_t u = 0;
    int first = 1, alnum = 0;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        i += stm_utf8_decode(s + i, n - i, &c);
        int up = stm_icu.u_isupper((UChar32)c) || stm_icu.u_istitle((UChar32)c);
        int low = !up && stm_icu.u_islower((UChar32)c);
        shape_add(&sh, c, up, low);
        if (first && stm_icu.u_isdigit((UChar32)c))
            t->flags |= STM_TOK_NUMERIC;
        first = 0;
        alnum |= stm_icu.u_isalnum((UChar32)c);
        U16_APPEND_UNSAFE(an->norm_in, u, c);
    }
    if (!alnum)
        return 0;
    UErrorCode st = U_ZERO_ERROR;
    int32_t m = stm_icu.unorm2_normalize(an->nfkc_cf, an->norm_in, u, an->norm_out,
                                 NORM_CAP, &st);
    if (U_FAILURE(st))
        return 0;
    size_t len = 0;
    for (int32_t i = 0; i < m;) {
        UChar32 c;
        U16_NEXT(an->norm_out, i, m, c);
        if (c == 0xAD)          /* soft hyphen: nfkc_cf drops it; be sure */
            continue;
        if (c == 0x2018 || c == 0x2019 || c == 0x02BC)
            c = '\'';
        if (c < 0x80) {
            t->word[len++] = (char)c;
        } else if (c < 0x800) {
            t->word[len++] = (char)(0xC0 | (c >> 6));
            t->word[len++] = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            t->word[len++] = (char)(0xE0 | (c >> 12));
            t->word[len++] = (char)(0x80 | ((c >> 6) & 0x3F));
            t->word[len++] = (char)(0x80 | (c & 0x3F));
        } else {
            t->word[len++] = (char)(0xF0 | (c >> 18));
            t->word[len++] = (char)(0x80 | ((c >> 12) & 0x3F));
            t->word[len++] = (char)(0x80 | ((c >> 6) & 0x3F));
            t->word[len++] = (char)(0x80 | (c & 0x3F));
        }
        if (len > STM_WORD_MAX)
            return 0;
    }
    /* Apostrophes at the ends that only folding revealed (fullwidth). */
    size_t a = 0;
    while (a < len && t->word[a] == '\'')
        a++;
    while (len > a && t->word[len - 1] == '\'')
        len--;
    if (a == len)
        return 0;
    if (a > 0)
        memmove(t->word, t->word + a, len - a);
    len -= a;
    t->len = len;
    t->word[len] = '\0';
    shape_finish(&sh, t);
    t->inner_dot = memchr(t->word, '.', len) != NULL;
    return 1;
}

/* ---------- deciding and emitting ---------- */

static int adjacent(const gap_info *g)
{
    return g->spaces_only;
}

/* A heading word written in capitals ("SUMMARY OF KEY FINDINGS"), not an
 * acronym. The rule: a word in pure capitals (no lowercase plural or
 * possessive s: "KSBs" and "ESFA's" are always acronyms) whose neighbours
 * on the same line, across spaces only, are in pure capitals too, and
 * either it sits inside a run of three, or it or its neighbour has 5+
 * letters. Acronyms do sit side by side ("ICT EPA", "ESFA DBS") but are
 * short; heading words are mostly long ("SUMMARY", "FINDINGS"), and the
 * short ones ("OF", "KEY") have a long neighbour or sit between two.
 * A wrong call costs little: the word is then stemmed, and the query side
 * also searches the unstemmed form. */
static int pure_caps(const raw_token *t)
{
    return t != NULL && t->caps == STM_CAPS_ALLCAPS && t->pure_caps &&
           !(t->flags & STM_TOK_NUMERIC);
}

static int in_caps_heading(const raw_token *prev, const raw_token *t,
                           const raw_token *next)
{
    if (!pure_caps(t))
        return 0;
    int left = pure_caps(prev) && adjacent(&t->gap);
    int right = pure_caps(next) && adjacent(&next->gap);
    if (left && right)
        return 1;
    if (left && (prev->letters >= 5 || t->letters >= 5))
        return 1;
    if (right && (next->letters >= 5 || t->letters >= 5))
        return 1;
    return 0;
}

/* Decide the pending token (its neighbours: r->prev and r->next, or the
 * text's tail when next is NULL) and hand it to the callback. */
static void emit_pending(run *r)
{
    stm_analyser *an = r->an;
    raw_token *t = r->pending, *prev = r->prev, *next = r->next;
    gap_info tail;
    const gap_info *after;
    if (next != NULL) {
        after = &next->gap;
    } else {
        tail = gap_scan(r->text, t->end, r->len);
        after = &tail;
    }

    stm_token tok;
    memset(&tok, 0, sizeof tok);
    tok.word = t->word;
    tok.word_len = t->len;
    tok.start = t->start;
    tok.end = t->end;
    tok.flags = t->flags;
    if (t->flags & STM_TOK_NUMERIC) {
        tok.stem = t->word;
        tok.stem_len = t->len;
    } else {
        /* A word that no wanted stem starts with is not stemmed (its stem
         * would begin with the same byte: stm_analyser_limit_stems). */
        const char *stem = t->word;
        size_t stem_len = t->len;
        unsigned kind;
        if (an->stems_limited &&
            !an->stem_first[(unsigned char)t->word[0]]) {
            kind = word_kind(t->word, t->len);
        } else {
            const stem_entry *e = word_lookup(an, t->word, t->len);
            stem = e->stem;
            stem_len = e->stem_len;
            kind = e->kind;
        }
        if (kind & WORD_STOPWORD)
            tok.flags |= STM_TOK_STOPWORD;
        stm_protect_ctx pc = {0};
        pc.word = t->word;
        pc.len = t->len;
        int heading = t->caps == STM_CAPS_ALLCAPS &&
                      in_caps_heading(prev, t, next);
        pc.caps = t->caps;
        /* In a heading in capitals "PREVENT" reads like a sentence's first
         * word: "HOW TO PREVENT FRAUD" is the verb, "SAFEGUARDING AND
         * PREVENT" and "PREVENT DUTY" are the duty. */
        pc.sentence_start = (t->flags & STM_TOK_SENTENCE_START) || heading;
        pc.quoted = t->gap.open_quote_last && after->close_quote_first;
        if (prev != NULL && adjacent(&t->gap)) {
            pc.prev = prev->word;
            pc.prev_len = prev->len;
        }
        if (next != NULL && adjacent(&next->gap)) {
            pc.next = next->word;
            pc.next_len = next->len;
        }
        pc.alone = next == NULL || after->line_break || after->punct;
        pc.mode = an->mode;
        const char *form = (kind & WORD_PROTECTED)
                               ? stm_protected_match(&pc) : NULL;

        if (t->caps == STM_CAPS_CAPITALISED)
            tok.flags |= STM_TOK_CAPITALISED;
        if (form != NULL) {
            tok.protected_form = form;
            tok.flags |= STM_TOK_PROTECTED;
            if (t->caps == STM_CAPS_ALLCAPS)
                tok.flags |= STM_TOK_ALLCAPS;
        } else if (t->caps == STM_CAPS_ALLCAPS && !heading) {
            /* An acronym: not stemmed ("EPA" must not meet "epas" or
             * "ep"); possessive and plural s dropped. */
            size_t len = t->len;
            if (len > 2 && t->word[len - 2] == '\'' && t->word[len - 1] == 's')
                len -= 2;
            if (t->plural_s && len > 1 && t->word[len - 1] == 's')
                len--;
            memcpy(an->acronym, t->word, len);
            an->acronym[len] = '\0';
            tok.stem = an->acronym;
            tok.stem_len = len;
            tok.flags |= STM_TOK_ALLCAPS;
        } else {
            tok.stem = stem;
            tok.stem_len = stem_len;
        }
    }
    tok.position = ++r->position;
    r->stop = r->fn(r->ctx, &tok);
}

/* A new raw token has been folded into r->next: work out its gap flags,
 * decide the pending one, rotate. */
static void push_token(run *r)
{
    raw_token *t = r->next;
    t->gap = gap_scan(r->text, r->have_raw ? r->last_end : 0, t->start);
    if (!r->have_raw) {
        t->flags |= STM_TOK_SENTENCE_START;
    } else {
        const raw_token *before = r->pending;
        int abbrev = t->gap.lone_dot_first && before != NULL &&
                     before->end == r->last_end && before->inner_dot &&
                     !(before->flags & STM_TOK_NUMERIC);
        if (t->gap.line_break || (t->gap.sentence_end && !abbrev))
            t->flags |= STM_TOK_SENTENCE_START;
        if (t->gap.empty || t->gap.joiners_only)
            t->flags |= STM_TOK_JOINED;
    }
    r->have_raw = 1;
    r->last_end = t->end;
    if (r->pending != NULL)
        emit_pending(r);
    /* rotate: the old prev slot becomes free for the next token */
    raw_token *free_slot = r->prev;
    r->prev = r->pending;
    r->pending = t;
    if (free_slot == NULL) {
        for (int i = 0; i < 3; i++)
            if (&r->slot[i] != r->prev && &r->slot[i] != r->pending)
                free_slot = &r->slot[i];
    }
    r->next = free_slot;
}

/* Word candidate text[start..end): trim, fold, push. */
static void take_word(run *r, size_t start, size_t end)
{
    if (!trim_apostrophes(r->text, &start, &end))
        return;
    raw_token *t = r->next;
    t->flags = 0;
    t->start = start;
    t->end = end;
    if (!word_fold(r->an, r->text, start, end, t))
        return;
    push_token(r);
}

/* Where to end the chunk that starts at `from`: after the last line break
 * in its second half, else after the last space, else on a character
 * boundary. */
static size_t chunk_end(const char *text, size_t len, size_t from)
{
    if (len - from <= CHUNK_BYTES)
        return len;
    size_t limit = from + CHUNK_BYTES, half = from + CHUNK_BYTES / 2;
    for (size_t i = limit; i > half; i--)
        if (text[i - 1] == '\n')
            return i;
    for (size_t i = limit; i > half; i--)
        if (text[i - 1] == ' ' || text[i - 1] == '\t')
            return i;
    size_t i = limit;
    while (i > half && ((unsigned char)text[i] & 0xC0) == 0x80)
        i--;
    return i;
}

static int ascii_letter(unsigned c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ascii_digit(unsigned c) { return c >= '0' && c <= '9'; }

/* Word boundaries of pure-ASCII text, exactly as ICU's word rules (UAX #29
 * as ICU tailors it: the colon is not MidLetter) draw them, without
 * converting to UTF-16: letters, digits and '_' run together (WB5, WB8-10,
 * WB13a/b); '.' or an apostrophe joins two letters (WB6/7); '.', an
 * apostrophe, ',' or ';' joins two digits (WB11/12). Everything else is a
 * boundary and not a word. Most report text is ASCII, and ICU's iterator
 * was a third of the analysis time; tests/check_stemmer.c holds the two to
 * the same answers. */
/* Word-break classes the fast path knows. */
enum { FC_OTHER, FC_LETTER, FC_DIGIT, FC_EXTEND_NUM_LET, FC_MID_NUM_LET,
       FC_MID_NUM };

/* The class and byte length of the character at s[i]; *ok = 0 for a
 * character the fast path leaves to ICU. Beyond ASCII it knows only the
 * punctuation reports are full of, none of which can be part of a word
 * except the curly single quotes (MidNumLet, like '.'). */
static int fast_class(const unsigned char *s, size_t i, size_t to,
                      size_t *len, int *ok)
{
    unsigned c = s[i];
    *len = 1;
    if (c < 0x80) {
        if (ascii_letter(c))
            return FC_LETTER;
        if (ascii_digit(c))
            return FC_DIGIT;
        if (c == '_')
            return FC_EXTEND_NUM_LET;
        if (c == '.' || c == '\'')
            return FC_MID_NUM_LET;
        if (c == ',' || c == ';')
            return FC_MID_NUM;
        return FC_OTHER;
    }
    uint32_t cp;
    *len = stm_utf8_decode(s + i, to - i, &cp);
    switch (cp) {
    case 0x2018: case 0x2019:           /* ‘ ’ */
        return FC_MID_NUM_LET;
    case 0x00A0:                        /* no-break space */
    case 0x00A3: case 0x20AC:           /* £ € */
    case 0x00AB: case 0x00BB:           /* « » */
    case 0x2010: case 0x2011:           /* hyphens */
    case 0x2012: case 0x2013: case 0x2014: case 0x2015: /* dashes */
    case 0x201C: case 0x201D:           /* “ ” */
    case 0x2022: case 0x2026:           /* • … */
    case 0x25A0: case 0x25AA: case 0x25CF: /* ■ ▪ ● */
        return FC_OTHER;
    default:
        *ok = 0;
        return FC_OTHER;
    }
}

/* Word boundaries drawn as ICU's word rules (UAX #29 as ICU tailors it:
 * the colon is not MidLetter) draw them, for text of ASCII and the
 * punctuation fast_class knows, without a UTF-16 copy: letters, digits
 * and '_' run together (WB5, WB8-10, WB13a/b); a MidNumLet ('.', ', ‘,
 * ’) joins two letters (WB6/7); a MidNumLet, ',' or ';' joins two digits
 * (WB11/12). Everything else is a boundary and not a word. ICU's iterator
 * was a third of the analysis time; tests/check_stemmer.c holds the two
 * paths to the same answers. Sets *handled to 0, emitting nothing, when
 * the chunk has a character it does not know; returns 0 or the callback's
 * stop value. */
static int fast_words(run *r, size_t from, size_t to, int *handled)
{
    const unsigned char *s = (const unsigned char *)r->text;
    int ok = 1;
    size_t len;
    for (size_t i = from; i < to && ok; i += len)
        if (s[i] >= 0x80)
            fast_class(s, i, to, &len, &ok);
        else if (s[i] == '@')
            ok = 0, len = 1; /* ICU keeps "info@example.org" one word */
        else
            len = 1;
    *handled = ok;
    if (!ok)
        return 0;
    size_t i = from;
    while (i < to) {
        int c = fast_class(s, i, to, &len, &ok);
        if (c != FC_LETTER && c != FC_DIGIT && c != FC_EXTEND_NUM_LET) {
            i += len;
            continue;
        }
        size_t start = i;
        int prev = c;
        i += len;
        while (i < to) {
            size_t nl, ql;
            int n = fast_class(s, i, to, &nl, &ok);
            if (n == FC_LETTER || n == FC_DIGIT || n == FC_EXTEND_NUM_LET) {
                prev = n;
                i += nl;
                continue;
            }
            if ((n == FC_MID_NUM_LET || n == FC_MID_NUM) && i + nl < to) {
                int q = fast_class(s, i + nl, to, &ql, &ok);
                if ((n == FC_MID_NUM_LET && prev == FC_LETTER &&
                     q == FC_LETTER) ||
                    (prev == FC_DIGIT && q == FC_DIGIT)) {
                    prev = q;
                    i += nl + ql;
                    continue;
                }
            }
            break;
        }
        take_word(r, start, i);
        if (r->stop)
            return r->stop;
    }
    return 0;
}

void stm_analyser_set_icu_only(stm_analyser *an, int icu_only)
{
    an->icu_only = icu_only;
}

/* The analyser's ICU objects, made on first need. */
static int ensure_icu(stm_analyser *an, char **err)
{
    if (an->bi)
        return 0;
    int rc = stm_icu_load(err);
    if (rc < 0)
        return rc;
    UErrorCode st = U_ZERO_ERROR;
    an->nfkc_cf = stm_icu.unorm2_getNFKCCasefoldInstance(&st);
    if (U_SUCCESS(st))
        an->bi = stm_icu.ubrk_open(UBRK_WORD, "en", NULL, 0, &st);
    if (U_FAILURE(st)) {
        an->bi = NULL;
        return stm_error_set(err, STM_ERR_ICU, stm_icu.u_errorName(st));
    }
    return 0;
}

static int analyse_chunk(run *r, size_t from, size_t to, char **err)
{
    stm_analyser *an = r->an;
    const unsigned char *s = (const unsigned char *)r->text;
    if (!an->icu_only) {
        int handled = 0;
        int frc = fast_words(r, from, to, &handled);
        if (handled)
            return frc;
    }
    int irc = ensure_icu(an, err);
    if (irc < 0)
        return irc;
    int32_t n = 0;
    for (size_t i = from; i < to;) {
        if (s[i] < 0x80) {
            an->u16[n] = s[i];
            an->u16_to_byte[n++] = (uint32_t)(i - from);
            i++;
            continue;
        }
        uint32_t c;
        size_t k = stm_utf8_decode(s + i, to - i, &c);
        if (c >= 0x10000) {
            an->u16[n] = U16_LEAD(c);
            an->u16_to_byte[n++] = (uint32_t)(i - from);
            an->u16[n] = U16_TRAIL(c);
            an->u16_to_byte[n++] = (uint32_t)(i - from);
        } else {
            an->u16[n] = (UChar)c;
            an->u16_to_byte[n++] = (uint32_t)(i - from);
        }
        i += k;
    }
    an->u16_to_byte[n] = (uint32_t)(to - from);

    UErrorCode st = U_ZERO_ERROR;
    stm_icu.ubrk_setText(an->bi, an->u16, n, &st);
    if (U_FAILURE(st))
        return stm_error_set(err, STM_ERR_ICU, stm_icu.u_errorName(st));
    int32_t a = stm_icu.ubrk_first(an->bi), b;
    while ((b = stm_icu.ubrk_next(an->bi)) != UBRK_DONE) {
        int32_t status = stm_icu.ubrk_getRuleStatus(an->bi);
        if (status >= UBRK_WORD_NONE_LIMIT) {
            take_word(r, from + an->u16_to_byte[a], from + an->u16_to_byte[b]);
            if (r->stop)
                return r->stop;
        }
        a = b;
    }
    return 0;
}

int stm_analyse(stm_analyser *an, const char *text, size_t len,
                stm_token_fn fn, void *ctx, char **err)
{
    if (len == 0)
        return 0;
    if (text == NULL || fn == NULL)
        return stm_error_set(err, STM_ERR_INVALID, "no text or no callback");

    run r;
    memset(&r, 0, sizeof r);
    r.an = an;
    r.text = text;
    r.len = len;
    r.fn = fn;
    r.ctx = ctx;
    r.next = &r.slot[0];

    for (size_t from = 0; from < len;) {
        size_t to = chunk_end(text, len, from);
        int rc = analyse_chunk(&r, from, to, err);
        if (rc != 0)
            return rc;
        from = to;
    }
    if (r.pending != NULL) {
        r.next = NULL;
        emit_pending(&r);
    }
    return r.stop;
}
