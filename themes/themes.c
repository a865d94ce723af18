/* themes.c - the taxonomy parser and the passage scorer (themes.h).
 *
 * Cues are compiled to sequences of elements: an exact term (the key a token
 * would be indexed under: 'Z' + stem, or 'K' + protected form), a word
 * prefix ("radicalis*", matched against the folded word before stemming), or
 * a gap ("...", up to CUE_GAP_MAX words). A passage is scored by looking up
 * each of its tokens in a hash of first elements, so the cost is per token,
 * not per cue: the full lexicon costs the indexer a few percent.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "themes/themes.h"
#include "util/buf.h"

#define CUE_GAP_MAX 6        /* words "..." may skip */
#define NEGATION_WINDOW 3    /* words before a cue a negation may be */
#define LEAD_IN_FACTOR 0.5
#define REPEAT_BONUS 0.3
#define REPEAT_CAP 2
#define LENGTH_PIVOT 150.0
#define THM_MAX_TEXT (4u * 1024u * 1024u)
#define THM_MAX_CUES 100000u
#define THM_MAX_TOKENS 20000u /* a passage is capped well below this */

enum elem_kind { EL_EXACT, EL_PREFIX, EL_GAP, EL_WORD };

typedef struct cue_elem {
    unsigned char kind;
    char *s;        /* EXACT: the term key; PREFIX: folded letters; WORD:
                       the folded word ("=weaknesses": not its stem) */
    size_t len;
} cue_elem;

enum cue_class { CUE_THEME, CUE_WEAK, CUE_STRONG, CUE_NEGATION };
enum cue_where { IN_TEXT, IN_SECTION };

typedef struct cue {
    cue_elem *el;
    size_t n;
    double weight;
    unsigned char cls;     /* cue_class */
    unsigned char where;   /* cue_where */
    unsigned char prior;   /* section polarity cue: its thm_polarity */
    size_t theme;          /* CUE_THEME */
} cue;

typedef struct theme {
    char *id, *name, *description;
    double threshold;
} theme;

struct thm_set {
    char *text;
    int names_only;     /* from thm_set_parse_names: no cues */
    theme *themes;
    size_t n_themes;
    cue *cues;
    size_t n_cues, cap_cues;
    /* hash of first EXACT element -> chain of cue indices (text cues and
     * section cues alike; the caller filters by where) */
    size_t *heads;   /* n_buckets, SIZE_MAX = empty */
    size_t *next;    /* per cue */
    size_t n_buckets;
};

const char *thm_polarity_name(thm_polarity p)
{
    switch (p) {
    case THM_WEAKNESS: return "weakness";
    case THM_STRENGTH: return "strength";
    default: return "neutral";
    }
}

int thm_polarity_from_name(const char *name)
{
    static const struct { const char *n; int p; } names[] = {
        {"weakness", THM_WEAKNESS}, {"weaknesses", THM_WEAKNESS},
        {"weak", THM_WEAKNESS},     {"strength", THM_STRENGTH},
        {"strengths", THM_STRENGTH}, {"strong", THM_STRENGTH},
        {"neutral", THM_NEUTRAL}};
    if (!name)
        return -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i].n) == 0)
            return names[i].p;
    return -1;
}

static uint64_t hash_more(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    return str_hash(s, n);
}

/* Where a cue's first element is filed, and what a token looks up: an
 * exact term under its key, an exact word under '=' + word, a prefix
 * under '*' + its first PREFIX_MIN bytes (prefixes are at least that
 * long). A token probes all three, so no cue is scanned for every token. */
#define PREFIX_MIN 3

static uint64_t hash_tagged(char tag, const char *s, size_t n)
{
    return hash_more(hash_bytes(&tag, 1), s, n);
}

/* ------------------------------------------------------------ parsing */

typedef struct parser {
    thm_set *set;
    stm_analyser *an;     /* query mode: cues are taken as written */
    const char *source;
    unsigned line;
    char **err;
    /* scratch for one cue */
    cue_elem *el;
    size_t n_el, cap_el;
    int failed;
    int names_only;       /* thm_set_parse_names: skip the cues */
} parser;

static int perr(parser *p, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int perr(parser *p, int code, const char *fmt, ...)
{
    if (p->err && !*p->err) {
        char msg[400];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        *p->err = p->line ? str_printf("%s:%u: %s", p->source, p->line, msg)
                          : str_printf("%s: %s", p->source, msg);
    }
    return code;
}

static int el_push(parser *p, unsigned char kind, const char *s, size_t len)
{
    if (p->n_el == p->cap_el) {
        size_t cap = p->cap_el ? p->cap_el * 2 : 8;
        cue_elem *n = realloc(p->el, cap * sizeof *n);
        if (!n)
            return THM_ERR_NOMEM;
        p->el = n;
        p->cap_el = cap;
    }
    cue_elem *e = &p->el[p->n_el];
    e->kind = kind;
    e->len = len;
    e->s = NULL;
    if (kind != EL_GAP) {
        e->s = str_ndup(s, len);
        if (!e->s)
            return THM_ERR_NOMEM;
    }
    p->n_el++;
    return THM_OK;
}

static void el_reset(parser *p)
{
    for (size_t i = 0; i < p->n_el; i++)
        free(p->el[i].s);
    p->n_el = 0;
}

/* Token key: what the indexer would write, without positions. */
static size_t token_key(const stm_token *tok, char *out, size_t cap)
{
    const char *form = tok->protected_form ? tok->protected_form : tok->stem;
    size_t n = tok->protected_form ? strlen(form) : tok->stem_len;
    if (!form || n == 0 || n + 2 > cap)
        return 0;
    out[0] = tok->protected_form ? 'K' : 'Z';
    memcpy(out + 1, form, n);
    out[n + 1] = '\0';
    return n + 1;
}

typedef struct cue_word_ctx {
    parser *p;
    int rc;
    int prefix;          /* the word ended with '*': its last token is a prefix */
    int exact;           /* the word began with '=': match words, not stems */
    size_t n_tokens, last;
} cue_word_ctx;

static int count_tokens(void *vctx, const stm_token *tok)
{
    (void)tok;
    ((cue_word_ctx *)vctx)->n_tokens++;
    return 0;
}

static int cue_word_token(void *vctx, const stm_token *tok)
{
    cue_word_ctx *c = vctx;
    char key[80];
    c->last++;
    if (c->prefix && c->last == c->n_tokens) {
        if (tok->word_len < PREFIX_MIN) {
            c->rc = perr(c->p, THM_ERR_SYNTAX,
                         "'%s*': a prefix needs %d letters or more",
                         tok->word, PREFIX_MIN);
            return 1;
        }
        c->rc = el_push(c->p, EL_PREFIX, tok->word, tok->word_len);
    } else if (c->exact) {
        c->rc = el_push(c->p, EL_WORD, tok->word, tok->word_len);
    } else {
        size_t n = token_key(tok, key, sizeof key);
        if (n == 0)
            return 0;
        c->rc = el_push(c->p, EL_EXACT, key, n);
    }
    return c->rc ? 1 : 0;
}

/* Compile a phrase into p->el. */
static int compile_phrase(parser *p, const char *s, size_t n)
{
    size_t i = 0;
    el_reset(p);
    while (i < n) {
        while (i < n && isspace((unsigned char)s[i]))
            i++;
        size_t st = i;
        while (i < n && !isspace((unsigned char)s[i]))
            i++;
        if (i == st)
            break;
        size_t wl = i - st;
        if ((wl == 3 && memcmp(s + st, "...", 3) == 0) ||
            (wl == 3 && memcmp(s + st, "\xE2\x80\xA6", 3) == 0)) {
            if (p->n_el == 0)
                return perr(p, THM_ERR_SYNTAX,
                            "a cue cannot start with '...'");
            if (p->el[p->n_el - 1].kind == EL_GAP)
                continue;
            int rc = el_push(p, EL_GAP, NULL, 0);
            if (rc)
                return rc;
            continue;
        }
        cue_word_ctx c = {p, 0, 0, 0, 0, 0};
        size_t wlen = wl;
        if (s[st] == '=' && wl > 1) {
            /* "=word": that word exactly, not every word of its stem */
            c.exact = 1;
            st++;
            wl--;
            wlen--;
        }
        if (s[st + wl - 1] == '*') {
            c.prefix = 1;
            wlen--;
            if (wlen < 3)
                return perr(p, THM_ERR_SYNTAX,
                            "'%.*s': a prefix needs 3 letters or more",
                            (int)wl, s + st);
        }
        char *aerr = NULL;
        int rc = stm_analyse(p->an, s + st, wlen, count_tokens, &c, &aerr);
        if (rc == 0)
            rc = stm_analyse(p->an, s + st, wlen, cue_word_token, &c, &aerr);
        if (rc < 0) {
            perr(p, THM_ERR_ANALYSE, "analysing '%.*s': %s", (int)wl, s + st,
                 aerr ? aerr : "failed");
            free(aerr);
            return THM_ERR_ANALYSE;
        }
        if (c.rc)
            return c.rc;
    }
    if (p->n_el == 0)
        return perr(p, THM_ERR_SYNTAX, "a cue has no words");
    if (p->el[p->n_el - 1].kind == EL_GAP)
        return perr(p, THM_ERR_SYNTAX, "a cue cannot end with '...'");
    return THM_OK;
}

static int cue_add(parser *p, double weight, unsigned char cls,
                   unsigned char where, unsigned char prior, size_t theme)
{
    thm_set *set = p->set;
    if (set->n_cues >= THM_MAX_CUES)
        return perr(p, THM_ERR_SYNTAX, "more than %u cues", THM_MAX_CUES);
    if (set->n_cues == set->cap_cues) {
        size_t cap = set->cap_cues ? set->cap_cues * 2 : 256;
        cue *n = realloc(set->cues, cap * sizeof *n);
        if (!n)
            return THM_ERR_NOMEM;
        set->cues = n;
        set->cap_cues = cap;
    }
    cue *c = &set->cues[set->n_cues];
    c->el = malloc(p->n_el * sizeof *c->el);
    if (!c->el)
        return THM_ERR_NOMEM;
    memcpy(c->el, p->el, p->n_el * sizeof *c->el);
    c->n = p->n_el;
    p->n_el = 0; /* the strings now belong to the cue */
    c->weight = weight;
    c->cls = cls;
    c->where = where;
    c->prior = prior;
    c->theme = theme;
    set->n_cues++;
    return THM_OK;
}

/* "  text  " -> trimmed [*s, *s + *n) */
static void trim(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* A signed number with an optional fraction, then space. Returns the
 * characters used (0: not a number). */
static size_t parse_weight(const char *s, size_t n, double *out)
{
    char tmp[32];
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    size_t digits = i;
    while (i < n && (isdigit((unsigned char)s[i]) || s[i] == '.'))
        i++;
    if (i == digits || i - 0 >= sizeof tmp)
        return 0;
    if (i < n && !isspace((unsigned char)s[i]))
        return 0;
    memcpy(tmp, s, i);
    tmp[i] = '\0';
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (*end || errno)
        return 0;
    *out = v;
    return i;
}

static int word_is(const char *s, size_t n, const char *w, size_t *used)
{
    size_t wl = strlen(w);
    if (n >= wl && strncasecmp(s, w, wl) == 0 &&
        (n == wl || isspace((unsigned char)s[wl]))) {
        *used = wl;
        return 1;
    }
    return 0;
}

static int valid_id(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
              s[i] == '-'))
            return 0;
    return 1;
}

/* One weighted cue line "[section] WEIGHT PHRASE" for a theme. */
static int parse_theme_cue(parser *p, const char *s, size_t n)
{
    size_t used = 0;
    unsigned char where = IN_TEXT;
    if (word_is(s, n, "section", &used)) {
        where = IN_SECTION;
        s += used;
        n -= used;
        trim(&s, &n);
    }
    double w;
    size_t k = parse_weight(s, n, &w);
    if (k == 0)
        return perr(p, THM_ERR_SYNTAX,
                    "expected 'WEIGHT PHRASE', 'section WEIGHT PHRASE', "
                    "'name = ...' or 'description = ...'");
    if (w < -100 || w > 100)
        return perr(p, THM_ERR_SYNTAX, "weight %g is out of -100..100", w);
    s += k;
    n -= k;
    trim(&s, &n);
    int rc = compile_phrase(p, s, n);
    if (rc)
        return rc;
    return cue_add(p, w, CUE_THEME, where, 0, p->set->n_themes - 1);
}

/* In [polarity]: "weakness W PHRASE", "strength W PHRASE",
 * "negation WORD", "section weakness|strength|neutral W PHRASE". */
static int parse_polarity_line(parser *p, const char *s, size_t n)
{
    size_t used = 0;
    unsigned char where = IN_TEXT, cls, prior = 0;
    if (word_is(s, n, "negation", &used)) {
        s += used;
        n -= used;
        trim(&s, &n);
        int rc = compile_phrase(p, s, n);
        if (rc)
            return rc;
        return cue_add(p, 0, CUE_NEGATION, IN_TEXT, 0, 0);
    }
    if (word_is(s, n, "section", &used)) {
        where = IN_SECTION;
        s += used;
        n -= used;
        trim(&s, &n);
    }
    if (word_is(s, n, "weakness", &used)) {
        cls = CUE_WEAK;
        prior = THM_WEAKNESS;
    } else if (word_is(s, n, "strength", &used)) {
        cls = CUE_STRONG;
        prior = THM_STRENGTH;
    } else if (where == IN_SECTION && word_is(s, n, "neutral", &used)) {
        cls = CUE_WEAK; /* class unused for section priors */
        prior = THM_NEUTRAL;
    } else {
        return perr(p, THM_ERR_SYNTAX,
                    "expected 'weakness W PHRASE', 'strength W PHRASE', "
                    "'negation WORD' or 'section weakness|strength|neutral "
                    "W PHRASE'");
    }
    s += used;
    n -= used;
    trim(&s, &n);
    double w;
    size_t k = parse_weight(s, n, &w);
    if (k == 0 || w <= 0 || w > 100)
        return perr(p, THM_ERR_SYNTAX,
                    "a polarity cue needs a positive weight before its phrase");
    s += k;
    n -= k;
    trim(&s, &n);
    int rc = compile_phrase(p, s, n);
    if (rc)
        return rc;
    return cue_add(p, w, cls, where, prior, 0);
}

static int theme_add(parser *p, const char *id, size_t n)
{
    thm_set *set = p->set;
    if (!valid_id(id, n))
        return perr(p, THM_ERR_SYNTAX,
                    "theme id '%.*s': use lowercase letters, digits and '-' "
                    "(1 to 64)", (int)n, id);
    for (size_t i = 0; i < set->n_themes; i++)
        if (strlen(set->themes[i].id) == n &&
            memcmp(set->themes[i].id, id, n) == 0)
            return perr(p, THM_ERR_SYNTAX, "theme '%.*s' is defined twice",
                        (int)n, id);
    if (set->n_themes >= THM_MAX_THEMES)
        return perr(p, THM_ERR_SYNTAX, "more than %d themes", THM_MAX_THEMES);
    theme *t = realloc(set->themes, (set->n_themes + 1) * sizeof *t);
    if (!t)
        return THM_ERR_NOMEM;
    set->themes = t;
    t = &set->themes[set->n_themes];
    memset(t, 0, sizeof *t);
    t->threshold = THM_DEFAULT_THRESHOLD;
    t->id = str_ndup(id, n);
    if (!t->id)
        return THM_ERR_NOMEM;
    set->n_themes++;
    return THM_OK;
}

static int build_hash(thm_set *set)
{
    size_t nb = 64;
    while (nb < set->n_cues * 2)
        nb *= 2;
    set->n_buckets = nb;
    set->heads = malloc(nb * sizeof *set->heads);
    set->next = malloc((set->n_cues ? set->n_cues : 1) * sizeof *set->next);
    if (!set->heads || !set->next)
        return THM_ERR_NOMEM;
    for (size_t i = 0; i < nb; i++)
        set->heads[i] = SIZE_MAX;
    /* insert in reverse so chains list cues in file order */
    for (size_t k = set->n_cues; k-- > 0;) {
        const cue_elem *e = &set->cues[k].el[0];
        uint64_t h = e->kind == EL_WORD ? hash_tagged('=', e->s, e->len)
                     : e->kind == EL_PREFIX ? hash_tagged('*', e->s, PREFIX_MIN)
                                            : hash_bytes(e->s, e->len);
        size_t b = (size_t)h & (nb - 1);
        set->next[k] = set->heads[b];
        set->heads[b] = k;
    }
    return THM_OK;
}

static int parse_set(const char *text, size_t len, const char *source,
                     int names_only, thm_set **out, char **err)
{
    *out = NULL;
    if (err)
        *err = NULL;
    parser p = {0};
    p.names_only = names_only;
    p.source = source ? source : "themes";
    p.err = err;
    if (len > THM_MAX_TEXT)
        return perr(&p, THM_ERR_SYNTAX, "over %u bytes", THM_MAX_TEXT);
    thm_set *set = calloc(1, sizeof *set);
    if (!set)
        return THM_ERR_NOMEM;
    p.set = set;
    int rc = THM_OK;
    set->text = str_ndup(text, len);
    if (!set->text) {
        rc = THM_ERR_NOMEM;
        goto done;
    }
    char *aerr = NULL;
    if (!names_only && stm_analyser_new(STM_MODE_QUERY, &p.an, &aerr) < 0) {
        rc = perr(&p, THM_ERR_ANALYSE, "%s", aerr ? aerr : "no analyser");
        free(aerr);
        goto done;
    }
    enum { TOP, THEME, POLARITY } state = TOP;
    int seen_polarity = 0;
    const char *s = set->text, *end = set->text + len;
    while (s < end && rc == THM_OK) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl ? nl : end;
        const char *l = s;
        size_t n = (size_t)(le - s);
        s = nl ? nl + 1 : end;
        p.line++;
        trim(&l, &n);
        if (n == 0 || l[0] == '#')
            continue;
        if (l[0] == '[') {
            if (l[n - 1] != ']')
                rc = perr(&p, THM_ERR_SYNTAX, "a '[' line must end with ']'");
            else {
                const char *in = l + 1;
                size_t m = n - 2;
                size_t used;
                trim(&in, &m);
                if (word_is(in, m, "theme", &used)) {
                    in += used;
                    m -= used;
                    trim(&in, &m);
                    rc = theme_add(&p, in, m);
                    state = THEME;
                } else if (m == 8 && memcmp(in, "polarity", 8) == 0) {
                    if (seen_polarity)
                        rc = perr(&p, THM_ERR_SYNTAX,
                                  "[polarity] appears twice");
                    seen_polarity = 1;
                    state = POLARITY;
                } else {
                    /* "[ID]" is short for "[theme ID]" */
                    rc = theme_add(&p, in, m);
                    state = THEME;
                }
            }
            continue;
        }
        if (state == TOP) {
            rc = perr(&p, THM_ERR_SYNTAX,
                      "text before the first '[theme ID]' or '[polarity]'");
            continue;
        }
        /* "key = value" starts with a letter; a cue starts with its
         * weight (or "section"), and may hold "=word" */
        const char *eq = memchr(l, '=', n);
        if (state == THEME && eq && isalpha((unsigned char)l[0]) &&
            !word_is(l, n, "section", &(size_t){0})) {
            const char *k = l, *v = eq + 1;
            size_t kn = (size_t)(eq - l), vn = n - kn - 1;
            trim(&k, &kn);
            trim(&v, &vn);
            theme *t = &set->themes[set->n_themes - 1];
            char **slot = NULL;
            if (kn == 4 && memcmp(k, "name", 4) == 0)
                slot = &t->name;
            else if (kn == 11 && memcmp(k, "description", 11) == 0)
                slot = &t->description;
            else if (kn == 9 && memcmp(k, "threshold", 9) == 0) {
                double w;
                if (parse_weight(v, vn, &w) != vn || w <= 0)
                    rc = perr(&p, THM_ERR_SYNTAX,
                              "threshold takes a positive number");
                else
                    t->threshold = w;
                continue;
            } else {
                rc = perr(&p, THM_ERR_SYNTAX,
                          "unknown key '%.*s' (name, description, threshold)",
                          (int)kn, k);
                continue;
            }
            if (*slot) {
                rc = perr(&p, THM_ERR_SYNTAX, "'%.*s' given twice", (int)kn, k);
                continue;
            }
            *slot = str_ndup(v, vn);
            if (!*slot)
                rc = THM_ERR_NOMEM;
            continue;
        }
        if (p.names_only)
            continue; /* cues are the scorer's business */
        rc = state == THEME ? parse_theme_cue(&p, l, n)
                            : parse_polarity_line(&p, l, n);
    }
    p.line = 0;
    if (rc == THM_OK && set->n_themes == 0)
        rc = perr(&p, THM_ERR_SYNTAX, "no themes");
    for (size_t i = 0; rc == THM_OK && i < set->n_themes; i++) {
        theme *t = &set->themes[i];
        if (!t->name && !(t->name = str_dup(t->id)))
            rc = THM_ERR_NOMEM;
        if (rc == THM_OK && !t->description && !(t->description = str_dup("")))
            rc = THM_ERR_NOMEM;
    }
    if (rc == THM_OK)
        rc = build_hash(set);
    set->names_only = names_only;
done:
    el_reset(&p);
    free(p.el);
    stm_analyser_free(p.an);
    if (rc != THM_OK) {
        if (rc == THM_ERR_NOMEM)
            perr(&p, rc, "out of memory");
        thm_set_free(set);
        return rc;
    }
    *out = set;
    return THM_OK;
}

int thm_set_parse(const char *text, size_t len, const char *source,
                  thm_set **out, char **err)
{
    return parse_set(text, len, source, 0, out, err);
}

int thm_set_parse_names(const char *text, size_t len, const char *source,
                        thm_set **out, char **err)
{
    return parse_set(text, len, source, 1, out, err);
}

int thm_set_load(const char *path, thm_set **out, char **err)
{
    *out = NULL;
    if (err)
        *err = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err)
            *err = str_printf("%s: %s", path, strerror(errno));
        return THM_ERR_IO;
    }
    buf b = BUF_INIT;
    b.max = THM_MAX_TEXT + 1;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    int ioerr = ferror(f);
    fclose(f);
    if (ioerr || buf_error(&b)) {
        if (err)
            *err = str_printf("%s: %s", path,
                              ioerr ? "read error"
                                    : buf_error(&b) == BUF_ERR_CAP
                                          ? "too big for a theme file"
                                          : "out of memory");
        buf_free(&b);
        return ioerr ? THM_ERR_IO : THM_ERR_SYNTAX;
    }
    int rc = thm_set_parse(buf_cstr(&b), b.len, path, out, err);
    buf_free(&b);
    return rc;
}

void thm_set_free(thm_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n_themes; i++) {
        free(set->themes[i].id);
        free(set->themes[i].name);
        free(set->themes[i].description);
    }
    free(set->themes);
    for (size_t k = 0; k < set->n_cues; k++) {
        for (size_t e = 0; e < set->cues[k].n; e++)
            free(set->cues[k].el[e].s);
        free(set->cues[k].el);
    }
    free(set->cues);
    free(set->heads);
    free(set->next);
    free(set->text);
    free(set);
}

const char *thm_set_text(const thm_set *set) { return set->text; }
size_t thm_set_count(const thm_set *set) { return set->n_themes; }
const char *thm_set_id(const thm_set *set, size_t i)
{
    return i < set->n_themes ? set->themes[i].id : NULL;
}
const char *thm_set_name(const thm_set *set, size_t i)
{
    return i < set->n_themes ? set->themes[i].name : NULL;
}
const char *thm_set_description(const thm_set *set, size_t i)
{
    return i < set->n_themes ? set->themes[i].description : NULL;
}

long thm_set_find(const thm_set *set, const char *id)
{
    for (size_t i = 0; id && i < set->n_themes; i++)
        if (strcmp(set->themes[i].id, id) == 0)
            return (long)i;
    return -1;
}

/* ------------------------------------------------------------ scoring */

typedef struct tokrec {
    uint32_t key, key_len;   /* offsets into the arena */
    uint32_t word, word_len;
    uint32_t sentence;
} tokrec;

/* The tokens of one text, with their keys in an arena. */
typedef struct tokseq {
    tokrec *t;
    size_t n, cap;
    buf arena;
    uint32_t sentence;
    int over;               /* over THM_MAX_TOKENS: the rest is ignored */
} tokseq;

struct thm_scorer {
    const thm_set *set;
    stm_analyser *an;       /* index mode, for headings and lead-ins */
    tokseq text, section, lead;
    char *section_src, *lead_src; /* what section/lead hold (cache keys) */
    int text_is_lead_in;    /* the passage itself ends with ':' */
    int text_is_question;   /* ... with '?' (a monitoring visit's theme) */
    double *raw, *score, *repeats;
    unsigned char *tagged;
    size_t *hits;           /* per cue: occurrences in the passage */
    size_t *touched;        /* cues with hits > 0 */
    size_t n_touched;
    thm_result res;
};

static void tokseq_reset(tokseq *q)
{
    q->n = 0;
    q->sentence = 0;
    q->over = 0;
    buf_reset(&q->arena);
    q->arena.err = 0;
}

static void tokseq_free(tokseq *q)
{
    free(q->t);
    buf_free(&q->arena);
}

static int tokseq_add(tokseq *q, const stm_token *tok)
{
    char key[80];
    if (q->over)
        return THM_OK;
    if (q->n >= THM_MAX_TOKENS) {
        q->over = 1;
        return THM_OK;
    }
    if ((tok->flags & STM_TOK_SENTENCE_START) && q->n > 0)
        q->sentence++;
    size_t kn = token_key(tok, key, sizeof key);
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 256;
        tokrec *n = realloc(q->t, cap * sizeof *n);
        if (!n)
            return THM_ERR_NOMEM;
        q->t = n;
        q->cap = cap;
    }
    tokrec *r = &q->t[q->n++];
    r->key = (uint32_t)q->arena.len;
    r->key_len = (uint32_t)kn;
    buf_append(&q->arena, key, kn);
    buf_putc(&q->arena, '\0');
    r->word = (uint32_t)q->arena.len;
    r->word_len = (uint32_t)tok->word_len;
    buf_append(&q->arena, tok->word, tok->word_len);
    buf_putc(&q->arena, '\0');
    r->sentence = q->sentence;
    return buf_error(&q->arena) ? THM_ERR_NOMEM : THM_OK;
}

static int tokseq_cb(void *ctx, const stm_token *tok)
{
    return tokseq_add(ctx, tok) ? 1 : 0;
}

int thm_scorer_new(const thm_set *set, thm_scorer **out, char **err)
{
    *out = NULL;
    if (err)
        *err = NULL;
    if (set->names_only) {
        if (err)
            *err = str_dup("a set of theme names cannot score passages");
        return THM_ERR_SYNTAX;
    }
    thm_scorer *sc = calloc(1, sizeof *sc);
    if (!sc)
        goto nomem;
    sc->set = set;
    size_t nt = set->n_themes ? set->n_themes : 1;
    size_t nc = set->n_cues ? set->n_cues : 1;
    sc->raw = calloc(nt, sizeof *sc->raw);
    sc->score = calloc(nt, sizeof *sc->score);
    sc->repeats = calloc(nt, sizeof *sc->repeats);
    sc->tagged = calloc(nt, 1);
    sc->hits = calloc(nc, sizeof *sc->hits);
    sc->touched = calloc(nc, sizeof *sc->touched);
    if (!sc->raw || !sc->score || !sc->repeats || !sc->tagged || !sc->hits ||
        !sc->touched)
        goto nomem;
    sc->text.arena.max = sc->section.arena.max = sc->lead.arena.max =
        THM_MAX_TEXT * 2;
    if (stm_analyser_new(STM_MODE_INDEX, &sc->an, err) < 0) {
        thm_scorer_free(sc);
        return THM_ERR_ANALYSE;
    }
    *out = sc;
    return THM_OK;
nomem:
    thm_scorer_free(sc);
    if (err)
        *err = str_dup("out of memory");
    return THM_ERR_NOMEM;
}

void thm_scorer_free(thm_scorer *sc)
{
    if (!sc)
        return;
    stm_analyser_free(sc->an);
    tokseq_free(&sc->text);
    tokseq_free(&sc->section);
    tokseq_free(&sc->lead);
    free(sc->section_src);
    free(sc->lead_src);
    free(sc->raw);
    free(sc->score);
    free(sc->repeats);
    free(sc->tagged);
    free(sc->hits);
    free(sc->touched);
    free(sc);
}

/* Analyse `text` into q unless q already holds it (*src is the cache key). */
static int context_load(thm_scorer *sc, tokseq *q, char **src,
                        const char *text, char **err)
{
    if (!text)
        text = "";
    if (*src && strcmp(*src, text) == 0)
        return THM_OK;
    free(*src);
    *src = NULL;
    tokseq_reset(q);
    int rc = stm_analyse(sc->an, text, strlen(text), tokseq_cb, q, err);
    if (rc != 0)
        return rc < 0 ? THM_ERR_ANALYSE : THM_ERR_NOMEM;
    *src = str_dup(text);
    return *src ? THM_OK : THM_ERR_NOMEM;
}

static int ends_with_char(const char *s, char c);

int thm_scorer_begin(thm_scorer *sc, const char *text,
                     const char *section_title, const char *lead_in,
                     char **err)
{
    if (err)
        *err = NULL;
    tokseq_reset(&sc->text);
    sc->text_is_lead_in = text && ends_with_char(text, ':');
    sc->text_is_question = text && ends_with_char(text, '?');
    int rc = context_load(sc, &sc->section, &sc->section_src, section_title,
                          err);
    if (rc == THM_OK)
        rc = context_load(sc, &sc->lead, &sc->lead_src, lead_in, err);
    return rc;
}

int thm_scorer_token(thm_scorer *sc, const stm_token *tok)
{
    return tokseq_add(&sc->text, tok);
}

static const char *tk_key(const tokseq *q, size_t i, size_t *n)
{
    *n = q->t[i].key_len;
    return q->arena.data + q->t[i].key;
}

static int elem_matches(const tokseq *q, size_t i, const cue_elem *e)
{
    const tokrec *r = &q->t[i];
    if (e->kind == EL_EXACT)
        return r->key_len == e->len &&
               memcmp(q->arena.data + r->key, e->s, e->len) == 0;
    if (e->kind == EL_WORD)
        return r->word_len == e->len &&
               memcmp(q->arena.data + r->word, e->s, e->len) == 0;
    return r->word_len >= e->len &&
           memcmp(q->arena.data + r->word, e->s, e->len) == 0;
}

/* Does cue element k.. match from token i? Gaps stay within a sentence. */
static int match_from(const tokseq *q, const cue *c, size_t k, size_t i)
{
    while (k < c->n) {
        if (i >= q->n)
            return 0;
        const cue_elem *e = &c->el[k];
        if (e->kind == EL_GAP) {
            uint32_t s = q->t[i - 1].sentence;
            for (size_t g = 0; g <= CUE_GAP_MAX && i + g < q->n; g++) {
                if (q->t[i + g].sentence != s)
                    return 0;
                if (match_from(q, c, k + 1, i + g))
                    return 1;
            }
            return 0;
        }
        if (!elem_matches(q, i, e))
            return 0;
        if (k > 0 && c->el[k - 1].kind != EL_GAP &&
            q->t[i].sentence != q->t[i - 1].sentence)
            return 0;
        k++;
        i++;
    }
    return 1;
}

/* Is there a negation cue ending in the NEGATION_WINDOW words before i? */
static int negated(const thm_set *set, const tokseq *q, size_t i)
{
    for (size_t back = 1; back <= NEGATION_WINDOW && back <= i; back++) {
        size_t j = i - back;
        if (q->t[j].sentence != q->t[i].sentence)
            return 0;
        size_t kn;
        const char *key = tk_key(q, j, &kn);
        size_t b = hash_bytes(key, kn) & (set->n_buckets - 1);
        for (size_t k = set->heads[b]; k != SIZE_MAX; k = set->next[k]) {
            const cue *c = &set->cues[k];
            if (c->cls == CUE_NEGATION && c->n == 1 && elem_matches(q, j, &c->el[0]))
                return 1;
        }
    }
    return 0;
}

typedef struct match_sink {
    thm_scorer *sc;
    double factor;        /* 1 text, LEAD_IN_FACTOR lead-in */
    unsigned char where;  /* which cues apply */
    double W, S;
    int prior;            /* section polarity prior: -1 none */
    double prior_weight;
} match_sink;

static void on_match(match_sink *m, const tokseq *q, size_t k, size_t i)
{
    thm_scorer *sc = m->sc;
    const thm_set *set = sc->set;
    const cue *c = &set->cues[k];
    if (c->where != m->where)
        return;
    switch (c->cls) {
    case CUE_THEME:
        if (m->where == IN_SECTION) {
            /* once per heading */
            if (sc->hits[k]++ == 0) {
                sc->touched[sc->n_touched++] = k;
                sc->raw[c->theme] += c->weight * m->factor;
            }
        } else if (m->factor < 1.0) {
            if (sc->hits[k] == 0) {
                sc->hits[k] = SIZE_MAX / 2; /* lead-in: counted once */
                sc->touched[sc->n_touched++] = k;
                sc->raw[c->theme] += c->weight * m->factor;
            }
        } else {
            if (sc->hits[k] == 0)
                sc->touched[sc->n_touched++] = k;
            sc->hits[k]++;
        }
        break;
    case CUE_WEAK:
    case CUE_STRONG:
        if (m->where == IN_SECTION) {
            if (c->weight > m->prior_weight) {
                m->prior = c->prior;
                m->prior_weight = c->weight;
            }
        } else if (negated(set, q, i)) {
            if (c->cls == CUE_STRONG)
                m->W += c->weight * m->factor;
        } else if (c->cls == CUE_WEAK) {
            m->W += c->weight * m->factor;
        } else {
            m->S += c->weight * m->factor;
        }
        break;
    default:
        break;
    }
}

static void scan_bucket(match_sink *m, const tokseq *q, size_t i, size_t b)
{
    const thm_set *set = m->sc->set;
    for (size_t k = set->heads[b]; k != SIZE_MAX; k = set->next[k]) {
        const cue *c = &set->cues[k];
        if (c->cls == CUE_NEGATION || c->where != m->where)
            continue;
        if (elem_matches(q, i, &c->el[0]) && match_from(q, c, 1, i + 1))
            on_match(m, q, k, i);
    }
}

static void scan(match_sink *m, const tokseq *q)
{
    size_t mask = m->sc->set->n_buckets - 1;
    for (size_t i = 0; i < q->n; i++) {
        size_t kn;
        const char *key = tk_key(q, i, &kn);
        const char *word = q->arena.data + q->t[i].word;
        size_t wn = q->t[i].word_len;
        size_t b[3], nb = 0;
        if (kn > 0)
            b[nb++] = (size_t)hash_bytes(key, kn) & mask;
        b[nb++] = (size_t)hash_tagged('=', word, wn) & mask;
        if (wn >= PREFIX_MIN)
            b[nb++] = (size_t)hash_tagged('*', word, PREFIX_MIN) & mask;
        /* each bucket once, or a cue in it would count twice */
        for (size_t x = 0; x < nb; x++) {
            int seen = 0;
            for (size_t y = 0; y < x; y++)
                seen |= b[y] == b[x];
            if (!seen)
                scan_bucket(m, q, i, b[x]);
        }
    }
}

int thm_scorer_finish(thm_scorer *sc, thm_result *out)
{
    const thm_set *set = sc->set;
    size_t nt = set->n_themes;
    for (size_t t = 0; t < nt; t++) {
        sc->raw[t] = 0;
        sc->score[t] = 0;
        sc->tagged[t] = 0;
    }
    match_sink m = {sc, 1.0, IN_TEXT, 0, 0, -1, 0};
    /* section cues on the heading */
    m.where = IN_SECTION;
    scan(&m, &sc->section);
    /* text cues on the passage, then (weaker) on its lead-in */
    m.where = IN_TEXT;
    scan(&m, &sc->text);
    for (size_t x = 0; x < sc->n_touched; x++) {
        size_t k = sc->touched[x];
        const cue *c = &set->cues[k];
        if (c->cls == CUE_THEME && c->where == IN_TEXT && sc->hits[k] > 0) {
            size_t extra = sc->hits[k] - 1;
            if (extra > REPEAT_CAP)
                extra = REPEAT_CAP;
            sc->raw[c->theme] += c->weight * (1.0 + REPEAT_BONUS * (double)extra);
        }
    }
    double textW = m.W, textS = m.S;
    m.factor = LEAD_IN_FACTOR;
    m.W = m.S = 0;
    scan(&m, &sc->lead);
    double leadW = m.W, leadS = m.S;
    for (size_t x = 0; x < sc->n_touched; x++)
        sc->hits[sc->touched[x]] = 0;
    sc->n_touched = 0;

    unsigned words = (unsigned)sc->text.n;
    double damp = LENGTH_PIVOT / (LENGTH_PIVOT + (double)words);
    for (size_t t = 0; t < nt; t++) {
        if (sc->raw[t] > 0)
            sc->score[t] = sc->raw[t] * damp;
        sc->tagged[t] = sc->raw[t] >= set->themes[t].threshold;
    }

    /* Polarity. A heading that says what the bullets are ("What does the
     * provider need to do to improve?", "Key strengths") decides, unless
     * the text clearly says the opposite; elsewhere the language decides,
     * and a stated shortcoming outweighs praise in the same passage
     * ("Staff are well qualified. However, too few apprentices..."): a
     * reader collecting weaknesses wants that passage. */
    double W = textW + leadW, S = textS + leadS;
    thm_polarity pol = THM_NEUTRAL;
    if ((sc->text_is_lead_in && sc->text.n <= 25) ||
        (sc->text_is_question && sc->text.n <= 40)) {
        /* "Leaders should:" - its bullets carry the judgement; "What
         * progress have leaders made...?" - a monitoring visit's theme,
         * judged by what follows */
        pol = THM_NEUTRAL;
    } else if ((leadW > 0 || leadS > 0) && m.prior != THM_WEAKNESS) {
        /* A lead-in says more about its bullets than the heading above
         * both ("What learners like" > "...would like to see improved:");
         * but under "What does the provider need to do to improve?"
         * everything is a weakness, "Develop ... to:" included */
        pol = W >= 2 ? THM_WEAKNESS : S >= 2 ? THM_STRENGTH
              : m.prior >= 0 && m.prior_weight > 0 ? (thm_polarity)m.prior
                                                   : THM_NEUTRAL;
    } else if (m.prior == THM_WEAKNESS) {
        /* "Improve...", "Ensure that... is of high quality": under such a
         * heading even praise words are what must be achieved */
        pol = THM_WEAKNESS;
    } else if (m.prior == THM_STRENGTH) {
        pol = (textW >= 3 && textW > textS) ? THM_WEAKNESS : THM_STRENGTH;
    } else if (m.prior == THM_NEUTRAL && m.prior_weight > 0) {
        pol = textW >= 4 ? THM_WEAKNESS
              : (textS >= 4 && textW == 0) ? THM_STRENGTH : THM_NEUTRAL;
    } else if (W >= 2) {
        pol = THM_WEAKNESS;
    } else if (S >= 2) {
        pol = THM_STRENGTH;
    }
    sc->res.n = nt;
    sc->res.raw = sc->raw;
    sc->res.score = sc->score;
    sc->res.tagged = sc->tagged;
    sc->res.polarity = pol;
    sc->res.weakness = W;
    sc->res.strength = S;
    sc->res.words = words;
    *out = sc->res;
    return THM_OK;
}

int thm_score_text(thm_scorer *sc, const char *text, size_t len,
                   const char *section_title, const char *lead_in,
                   thm_result *out, char **err)
{
    char *copy = str_ndup(text, len);
    if (!copy)
        return THM_ERR_NOMEM;
    int rc = thm_scorer_begin(sc, copy, section_title, lead_in, err);
    free(copy);
    if (rc != THM_OK)
        return rc;
    rc = stm_analyse(sc->an, text, len, tokseq_cb, &sc->text, err);
    if (rc != 0)
        return rc < 0 ? THM_ERR_ANALYSE : THM_ERR_NOMEM;
    return thm_scorer_finish(sc, out);
}

/* ------------------------------------------------------------ lead-ins */

static size_t count_words(const char *s)
{
    size_t w = 0;
    int in = 0;
    for (; *s; s++) {
        if (isspace((unsigned char)*s))
            in = 0;
        else if (!in) {
            in = 1;
            w++;
        }
    }
    return w;
}

static int ends_with_char(const char *s, char c)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return n && s[n - 1] == c;
}

long thm_lead_in(const char *const *texts, const size_t *sections, size_t i)
{
    /* Items of a list are short; a lead-in heads at most a dozen. */
    for (size_t back = 1; back <= 12 && back <= i; back++) {
        size_t j = i - back;
        if (sections[j] != sections[i])
            return -1;
        if (ends_with_char(texts[j], ':'))
            return count_words(texts[j]) <= 40 ? (long)j : -1;
        if (count_words(texts[j]) > 60)
            return -1;
    }
    return -1;
}
