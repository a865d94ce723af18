/* fuzz_analyse.c - libFuzzer target for the analysis chain (stemmer/).
 *
 * Every input goes through stm_to_utf8 and then stm_analyse in index and in
 * query mode, and the raw bytes through stm_analyse as well (it promises to
 * read invalid UTF-8 as U+FFFD). Beyond "does not crash", the target checks
 * what stemmer.h promises, since a wrong offset or position would corrupt
 * snippets and phrase search without crashing anything:
 *   - stm_to_utf8 gives valid UTF-8 with no NUL, and returns valid UTF-8
 *     input (no BOM) unchanged;
 *   - tokens lie inside the input, in order, with consecutive positions,
 *     NUL-terminated strings of the stated lengths, at most 64 bytes;
 *   - a protected token has no stem, every other one has one, and a plain
 *     word's stem is what stm_stem_word gives;
 *   - pure-ASCII text gives exactly the same tokens on the fast path and
 *     through ICU (stemmer-private.h: "must give the same words").
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stemmer/stemmer.h"
#include "stemmer/stemmer-private.h"
#include "tests/fuzz/fuzz-common.h"

/* A check that fails aborts, so libFuzzer keeps the input as a crash. */

/* Inputs longer than this are cut: the chain works in chunks of its own,
 * so longer inputs find nothing new and only slow the search. */
#define MAX_INPUT (64u * 1024u)
/* Tokens recorded per analysis; the input cap keeps us far below it. */
#define MAX_TOKENS 40000u

typedef struct rec {
    char word[80], stem[80], prot[80];
    int has_stem, has_prot;
    size_t start, end;
    unsigned position, flags;
} rec;

typedef struct recs {
    rec *v;
    size_t n;
    size_t len;            /* bytes analysed */
} recs;

static stm_analyser *an_index, *an_query, *icu_index, *icu_query, *stem_an;
/* FUZZ_KNOWN: a comma-separated list of open findings (doc/FUZZING.md) to
 * step around, so a long run can look for other bugs meanwhile; the replay
 * in `make check` never sets it.
 *   at-sign     ICU 72 keeps "info@example.org" one word, the fast path
 *               splits it: ASCII inputs with an '@' are not compared;
 *   digit-stem  a word starting with a non-ASCII digit is its own stem in
 *               stm_analyse but stemmed by stm_stem_word: such words are
 *               not compared. */
static int known_at_sign, known_digit_stem;
static rec *store_a, *store_b;

static int copy_str(char *dst, const char *s, size_t len)
{
    if (len >= 80)
        return -1;
    memcpy(dst, s, len);
    dst[len] = '\0';
    return 0;
}

static int on_token(void *ctx, const stm_token *t)
{
    recs *r = ctx;
    FUZZ_CHECK(r->n < MAX_TOKENS);
    rec *x = &r->v[r->n];

    FUZZ_CHECK(t->word != NULL);
    FUZZ_CHECK(t->word_len > 0 && t->word_len <= STM_WORD_MAX);
    FUZZ_CHECK(strlen(t->word) == t->word_len);
    FUZZ_CHECK(t->start < t->end && t->end <= r->len);
    FUZZ_CHECK(t->position == r->n + 1);
    if (r->n > 0)
        FUZZ_CHECK(t->start >= r->v[r->n - 1].end);
    if (t->flags & STM_TOK_PROTECTED) {
        FUZZ_CHECK(t->protected_form != NULL && t->protected_form[0]);
        FUZZ_CHECK(t->stem == NULL);
    } else {
        FUZZ_CHECK(t->protected_form == NULL);
        FUZZ_CHECK(t->stem != NULL);
        FUZZ_CHECK(strlen(t->stem) == t->stem_len);
        FUZZ_CHECK(t->stem_len <= STM_WORD_MAX);
    }
    FUZZ_CHECK(copy_str(x->word, t->word, t->word_len) == 0);
    x->has_stem = t->stem != NULL;
    x->has_prot = t->protected_form != NULL;
    x->stem[0] = x->prot[0] = '\0';
    if (t->stem)
        FUZZ_CHECK(copy_str(x->stem, t->stem, t->stem_len) == 0);
    if (t->protected_form)
        FUZZ_CHECK(copy_str(x->prot, t->protected_form,
                            strlen(t->protected_form)) == 0);
    x->start = t->start;
    x->end = t->end;
    x->position = t->position;
    x->flags = t->flags;
    r->n++;
    return 0;
}

static void analyse(stm_analyser *an, const char *text, size_t len, recs *r)
{
    char *err = NULL;
    r->n = 0;
    r->len = len;
    int rc = stm_analyse(an, text, len, on_token, r, &err);
    /* ICU may refuse (it is loaded at run time); nothing else may fail. */
    FUZZ_CHECK(rc == 0 || rc == STM_ERR_ICU);
    free(err);
}

/* A plain word's stem is the one stm_stem_word gives (the "did you mean"
 * and query paths rely on it). Checked after the analysis, on another
 * analyser: stm_stem_word may grow the stem cache, which would free what
 * the callback's strings point into. */
static void check_stems(const recs *r)
{
    char buf[STM_WORD_MAX + 1];
    for (size_t i = 0; i < r->n; i++) {
        const rec *x = &r->v[i];
        if (x->flags & (STM_TOK_PROTECTED | STM_TOK_ALLCAPS))
            continue;
        if (known_digit_stem && (x->flags & STM_TOK_NUMERIC) &&
            !(x->word[0] >= '0' && x->word[0] <= '9'))
            continue;
        int n = stm_stem_word(stem_an, x->word, strlen(x->word), buf,
                              sizeof buf);
        FUZZ_CHECK(n >= 0);
        if (strcmp(buf, x->stem) != 0) {
            fprintf(stderr, "word \"%s\": stm_analyse stem \"%s\", "
                    "stm_stem_word \"%s\"\n", x->word, x->stem, buf);
            abort();
        }
    }
}

static void check_same(const recs *a, const recs *b, const char *what)
{
    size_t n = a->n < b->n ? a->n : b->n;
    for (size_t i = 0; i <= n; i++) {
        if (i == n) {
            if (a->n == b->n)
                return;
        } else {
            const rec *x = &a->v[i], *y = &b->v[i];
            if (strcmp(x->word, y->word) == 0 &&
                strcmp(x->stem, y->stem) == 0 &&
                strcmp(x->prot, y->prot) == 0 && x->start == y->start &&
                x->end == y->end && x->flags == y->flags)
                continue;
        }
        fprintf(stderr, "%s: fast path and ICU differ at token %zu "
                "(%zu vs %zu tokens)\n", what, i, a->n, b->n);
        if (i < a->n)
            fprintf(stderr, "  fast: \"%s\" stem \"%s\" [%zu,%zu) 0x%x\n",
                    a->v[i].word, a->v[i].stem, a->v[i].start, a->v[i].end,
                    a->v[i].flags);
        if (i < b->n)
            fprintf(stderr, "  icu:  \"%s\" stem \"%s\" [%zu,%zu) 0x%x\n",
                    b->v[i].word, b->v[i].stem, b->v[i].start, b->v[i].end,
                    b->v[i].flags);
        abort();
    }
}

/* Strict UTF-8 (RFC 3629: no overlongs, surrogates or values above
 * U+10FFFF), written here rather than taken from stemmer/ so the check does
 * not share the code it checks. */
static stm_analyser *new_analyser(stm_mode mode, int icu_only)
{
    stm_analyser *an = NULL;
    char *err = NULL;
    if (stm_analyser_new(mode, &an, &err) != 0) {
        fprintf(stderr, "fuzz_analyse: %s\n", err ? err : "no analyser");
        abort();
    }
    if (icu_only)
        stm_analyser_set_icu_only(an, 1);
    return an;
}

/* At exit, so that the replay under valgrind sees nothing left over. */
static void cleanup(void)
{
    stm_analyser_free(an_index);
    stm_analyser_free(an_query);
    stm_analyser_free(icu_index);
    stm_analyser_free(icu_query);
    stm_analyser_free(stem_an);
    free(store_a);
    free(store_b);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    an_index = new_analyser(STM_MODE_INDEX, 0);
    an_query = new_analyser(STM_MODE_QUERY, 0);
    icu_index = new_analyser(STM_MODE_INDEX, 1);
    icu_query = new_analyser(STM_MODE_QUERY, 1);
    stem_an = new_analyser(STM_MODE_INDEX, 0);
    store_a = malloc(MAX_TOKENS * sizeof *store_a);
    store_b = malloc(MAX_TOKENS * sizeof *store_b);
    FUZZ_CHECK(store_a && store_b);
    atexit(cleanup);
    const char *e = getenv("FUZZ_KNOWN");
    known_at_sign = e != NULL && strstr(e, "at-sign") != NULL;
    known_digit_stem = e != NULL && strstr(e, "digit-stem") != NULL;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        size = MAX_INPUT;
    /* A copy of exactly `size` bytes, so ASan sees any read past the end. */
    char *in = malloc(size ? size : 1);
    FUZZ_CHECK(in != NULL);
    memcpy(in, data, size);

    char *utf8 = NULL, *err = NULL;
    size_t ulen = 0;
    const char *charset = NULL;
    int rc = stm_to_utf8(in, size, &utf8, &ulen, &charset, &err);
    FUZZ_CHECK(rc == 0 || rc == STM_ERR_ICU);
    free(err);
    if (rc == 0) {
        FUZZ_CHECK(utf8 != NULL && utf8[ulen] == '\0');
        FUZZ_CHECK(strlen(utf8) == ulen);   /* NULs became spaces */
        FUZZ_CHECK(utf8_valid((const unsigned char *)utf8, ulen));
        int has_nul = memchr(in, '\0', size) != NULL;
        int bom = size >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0;
        if (!has_nul && !bom && utf8_valid((const unsigned char *)in, size)) {
            FUZZ_CHECK(ulen == size && memcmp(utf8, in, size) == 0);
            FUZZ_CHECK(charset != NULL && strcmp(charset, "UTF-8") == 0);
        }
    }

    recs a = {store_a, 0, 0}, b = {store_b, 0, 0};
    if (rc == 0) {
        analyse(an_index, utf8, ulen, &a);
        check_stems(&a);
        analyse(an_query, utf8, ulen, &a);
        check_stems(&a);
    }
    /* The raw bytes: invalid UTF-8 must come out as U+FFFD, not as reads
     * past a truncated sequence. */
    analyse(an_index, in, size, &a);

    int ascii = 1;
    for (size_t i = 0; i < size && ascii; i++)
        ascii = (unsigned char)in[i] < 0x80 && in[i] != '\0';
    if (ascii && known_at_sign && memchr(in, '@', size) != NULL)
        ascii = 0;
    if (ascii) {
        analyse(an_index, in, size, &a);
        analyse(icu_index, in, size, &b);
        check_same(&a, &b, "index mode");
        analyse(an_query, in, size, &a);
        analyse(icu_query, in, size, &b);
        check_same(&a, &b, "query mode");
    }
    free(utf8);
    free(in);
    return 0;
}
