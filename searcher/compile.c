/* compile.c - turning the parsed query language into a Xapian query, through
 * the same analysis chain the indexer used (doc/DESIGN.md has the terms).
 *
 * Words match by stem (`Z` terms) so "learners" finds "learner"; a word the
 * chain protects matches its protected sense only (`Prevent` -> `Kprevent`);
 * phrases, hyphenated words and NEAR match the same terms in order (every
 * term is positional).
 * Stopwords are dropped outside phrases, unless nothing else is left.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "indexer/terms.h"
#include "searcher/searcher-private.h"
#include "util/buf.h"

/* A prefix* that matches more words than this is refused with an error
 * rather than run as a huge OR. */
#define WILDCARD_MAX_EXPANSION 2000
/* year:1990..2030 becomes an OR of year terms: keep it sane. */
#define MAX_YEAR_SPAN 200
#define MAX_TOKENS_PER_LEAF 64

void srch_set_error(srch_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

int strlist_add(strlist *l, const char *s, size_t n)
{
    if (strlist_has(l, s, n))
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n] = str_ndup(s, n)))
        return -1;
    l->n++;
    return 0;
}

int strlist_has(const strlist *l, const char *s, size_t n)
{
    for (size_t i = 0; i < l->n; i++)
        if (strlen(l->v[i]) == n && memcmp(l->v[i], s, n) == 0)
            return 1;
    return 0;
}

void strlist_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

void hl_terms_free(hl_terms *hl)
{
    strlist_free(&hl->stems);
    strlist_free(&hl->kforms);
    strlist_free(&hl->prefixes);
    strlist_free(&hl->missing);
    for (size_t i = 0; i < hl->n_phrases; i++)
        strlist_free(&hl->phrases[i]);
    free(hl->phrases);
    memset(hl, 0, sizeof *hl);
}

static strlist *hl_new_phrase(hl_terms *hl)
{
    if (hl->n_phrases == hl->cap_phrases) {
        size_t cap = hl->cap_phrases ? hl->cap_phrases * 2 : 4;
        strlist *p = realloc(hl->phrases, cap * sizeof *p);
        if (!p)
            return NULL;
        hl->phrases = p;
        hl->cap_phrases = cap;
    }
    strlist *p = &hl->phrases[hl->n_phrases++];
    memset(p, 0, sizeof *p);
    return p;
}

/* ---- analysing a leaf ---- */

typedef struct leaf_token {
    char *word, *stem, *kform;
    unsigned flags;
} leaf_token;

typedef struct leaf {
    leaf_token t[MAX_TOKENS_PER_LEAF];
    size_t n;
    int overflow;
} leaf;

static int collect_token(void *vctx, const stm_token *tok)
{
    leaf *lf = vctx;
    if (lf->n == MAX_TOKENS_PER_LEAF) {
        lf->overflow = 1;
        return 1;
    }
    leaf_token *t = &lf->t[lf->n];
    t->word = str_ndup(tok->word, tok->word_len);
    t->stem = tok->stem ? str_ndup(tok->stem, tok->stem_len) : NULL;
    t->kform = tok->protected_form ? str_dup(tok->protected_form) : NULL;
    t->flags = tok->flags;
    lf->n++;
    return 0;
}

static void leaf_free(leaf *lf)
{
    for (size_t i = 0; i < lf->n; i++) {
        free(lf->t[i].word);
        free(lf->t[i].stem);
        free(lf->t[i].kform);
    }
    lf->n = 0;
}

static int analyse_leaf(srch_db *db, const qp_node *n, leaf *lf,
                        srch_error *err)
{
    memset(lf, 0, sizeof *lf);
    char *aerr = NULL;
    const char *text = n->text ? n->text : "";
    int rc = stm_analyse(db->query_an, text, strlen(text), collect_token, lf,
                         &aerr);
    if (rc < 0) {
        srch_set_error(err, SRCH_ERR, "analysing '%s': %s", text,
                       aerr ? aerr : "failed");
        free(aerr);
        leaf_free(lf);
        return -1;
    }
    if (lf->overflow) {
        err->column = n->pos + 1;
        srch_set_error(err, SRCH_ERR_QUERY,
                       "a phrase of more than %d words at column %zu",
                       MAX_TOKENS_PER_LEAF, n->pos + 1);
        leaf_free(lf);
        return -1;
    }
    return 0;
}

/* ---- building queries ---- */

xc_query *srch_term_query(const char *prefix, const char *value)
{
    char term[TERM_MAX_BYTES + 8];
    snprintf(term, sizeof term, "%s%s", prefix, value);
    xc_query *q = NULL;
    xc_query_term(term, 1, 0, &q);
    return q;
}

static xc_query *combine(xc_query_op op, xc_query **subs, size_t n,
                         uint32_t window)
{
    xc_query *q = NULL;
    if (n == 1 && op != XC_OP_PHRASE && op != XC_OP_NEAR) {
        xc_query_combine(XC_OP_AND, subs, 1, 0, &q); /* a copy */
        return q;
    }
    xc_query_combine(op, subs, n, window, &q);
    return q;
}

static void free_queries(xc_query **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        xc_query_free(v[i]);
}

/* The positional term of an analysed token, as the indexer wrote it: the
 * protected form or the stem. */
static void token_term(const leaf_token *t, char *out, size_t size)
{
    if (t->kform)
        snprintf(out, size, "K%s", t->kform);
    else
        snprintf(out, size, "Z%s", t->stem ? t->stem : t->word);
}

/* The phrase of a leaf's tokens (positions in order). */
static xc_query *phrase_of(leaf *lf, hl_terms *hl)
{
    xc_query *subs[MAX_TOKENS_PER_LEAF];
    strlist *ph = hl_new_phrase(hl);
    for (size_t i = 0; i < lf->n; i++) {
        char term[TERM_MAX_BYTES + 8];
        token_term(&lf->t[i], term, sizeof term);
        subs[i] = NULL;
        xc_query_term(term, 1, 0, &subs[i]);
        if (ph)
            strlist_add(ph, term, strlen(term));
    }
    xc_query *q = combine(XC_OP_PHRASE, subs, lf->n, (uint32_t)lf->n);
    free_queries(subs, lf->n);
    return q;
}

static uint32_t termfreq(srch_db *db, const char *prefix, const char *s)
{
    char term[TERM_MAX_BYTES + 8];
    snprintf(term, sizeof term, "%s%s", prefix, s);
    uint32_t f = 0;
    xc_db_termfreq(db->db, term, &f);
    return f;
}

/* One analysed word. */
static xc_query *word_query(srch_db *db, leaf_token *t, hl_terms *hl,
                            int track_missing)
{
    if (t->kform) {
        strlist_add(&hl->kforms, t->kform, strlen(t->kform));
        if (track_missing && termfreq(db, "K", t->kform) == 0)
            strlist_add(&hl->missing, t->word, strlen(t->word));
        return srch_term_query("K", t->kform);
    }
    const char *stem = t->stem ? t->stem : t->word;
    strlist_add(&hl->stems, stem, strlen(stem));
    int lower = !(t->flags & (STM_TOK_ALLCAPS | STM_TOK_NUMERIC));
    /* Only when the index has that acronym: a synonym is dearer to run
     * than one term (every posting of both is scored). */
    if (lower && strcmp(stem, t->word) != 0 &&
        termfreq(db, "Z", t->word) > 0) {
        /* A lowercase word also finds its capitalised acronym, which the
         * index keeps unstemmed: "dbs" finds DBS. */
        strlist_add(&hl->stems, t->word, strlen(t->word));
        xc_query *s[2] = {srch_term_query("Z", stem), srch_term_query("Z", t->word)};
        xc_query *q = combine(XC_OP_SYNONYM, s, 2, 0);
        if (track_missing && termfreq(db, "Z", stem) == 0 &&
            termfreq(db, "Z", t->word) == 0)
            strlist_add(&hl->missing, t->word, strlen(t->word));
        free_queries(s, 2);
        return q;
    }
    if (track_missing && termfreq(db, "Z", stem) == 0)
        strlist_add(&hl->missing, t->word, strlen(t->word));
    return srch_term_query("Z", stem);
}

/* ---- filters ---- */

/* A filter value that is not a stored slug exactly: every stored slug of
 * that field containing it as whole words ("provider:northbrook" ->
 * northbrook-skills-limited). */
static xc_query *slug_filter(srch_db *db, const char *prefix,
                             const char *value)
{
    char *slug = str_slugify(value);
    if (!slug)
        return NULL;
    xc_query *q = NULL;
    if (*slug && termfreq(db, prefix, slug) > 0) {
        q = srch_term_query(prefix, slug);
        free(slug);
        return q;
    }
    xc_query **subs = NULL;
    size_t n = 0, cap = 0;
    xc_termiter *it = NULL;
    size_t plen = strlen(prefix), slen = strlen(slug);
    if (*slug && xc_db_allterms(db->db, prefix, &it) == XC_OK) {
        const char *term;
        size_t len;
        while (xc_termiter_next(it, &term, &len, NULL) == 1) {
            const char *v = term + plen;
            size_t vlen = len - plen;
            /* whole-word containment within the slug */
            int hit = 0;
            for (size_t i = 0; i + slen <= vlen && !hit; i++) {
                if ((i == 0 || v[i - 1] == '-') &&
                    memcmp(v + i, slug, slen) == 0 &&
                    (i + slen == vlen || v[i + slen] == '-'))
                    hit = 1;
            }
            if (!hit)
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                xc_query **ns = realloc(subs, cap * sizeof *ns);
                if (!ns)
                    break;
                subs = ns;
            }
            char *t = str_ndup(term, len);
            subs[n] = NULL;
            if (t)
                xc_query_term(t, 1, 0, &subs[n]);
            free(t);
            if (subs[n])
                n++;
        }
        xc_termiter_free(it);
    }
    if (n == 0)
        xc_query_match_nothing(&q);
    else
        q = combine(XC_OP_OR, subs, n, 0);
    free_queries(subs, n);
    free(subs);
    free(slug);
    return q;
}

static const char *grade_alias(const char *v)
{
    static const char *const alias[][2] = {
        {"1", "outstanding"}, {"2", "good"}, {"3", "requires-improvement"},
        {"4", "inadequate"}, {"ri", "requires-improvement"},
        {"insufficient", "insufficient-progress"},
        {"reasonable", "reasonable-progress"},
        {"significant", "significant-progress"},
        {"strong", "strong-standard"}, {"expected", "expected-standard"},
        {NULL, NULL}};
    for (size_t i = 0; alias[i][0]; i++)
        if (strcmp(v, alias[i][0]) == 0)
            return alias[i][1];
    return v;
}

static xc_query *level_filter(const qp_node *n, srch_error *err);

/* year:LO..HI (either end open; LO = HI for one year) on an index with
 * year terms: the OR of the years the index has in that range, compared
 * as the value range compares them (bytes), weighing nothing. */
static xc_query *year_terms(srch_db *db, const char *lo, const char *hi)
{
    xc_termiter *it = NULL;
    xc_query *subs[256], *or_q = NULL, *q = NULL;
    size_t ns = 0, i;
    const char *t;
    size_t tl;
    if (xc_db_allterms(db->db, TERM_YEAR, &it) != XC_OK)
        return NULL;
    while (xc_termiter_next(it, &t, &tl, NULL) == 1 && ns < 256) {
        char term[64], *year;
        if (tl >= sizeof term)
            continue;
        memcpy(term, t, tl);
        term[tl] = '\0';
        year = term + strlen(TERM_YEAR);
        if ((lo && *lo && strcmp(year, lo) < 0) || (hi && *hi && strcmp(year, hi) > 0))
            continue;
        if (xc_query_term(term, 1, 0, &subs[ns]) == XC_OK)
            ns++;
    }
    xc_termiter_free(it);
    if (ns == 0) {
        xc_query_match_nothing(&q);
        return q;
    }
    if (xc_query_combine(XC_OP_OR, subs, ns, 0, &or_q) == XC_OK)
        xc_query_scale_weight(or_q, 0, &q);
    for (i = 0; i < ns; i++)
        xc_query_free(subs[i]);
    xc_query_free(or_q);
    return q;
}

static xc_query *filter_query(srch_db *db, const qp_node *n, srch_error *err)
{
    const char *f = n->field;
    const char *v = n->text ? n->text : "";
    xc_query *q = NULL;
    if (strcmp(f, "provider") == 0)
        return slug_filter(db, TERM_PROVIDER, v);
    if (strcmp(f, "type") == 0)
        return slug_filter(db, TERM_TYPE, v);
    if (strcmp(f, "section") == 0)
        return slug_filter(db, TERM_SECTION, v);
    if (strcmp(f, "urn") == 0) {
        for (const char *p = v; *p; p++)
            if (*p < '0' || *p > '9') {
                err->column = n->pos + 1;
                srch_set_error(err, SRCH_ERR_QUERY,
                               "urn: takes digits, not '%s' (column %zu)", v,
                               n->pos + 1);
                return NULL;
            }
        return srch_term_query(TERM_URN, v);
    }
    if (strcmp(f, "kind") == 0) {
        char *slug = str_slugify(v);
        if (!slug)
            return NULL;
        if (strcmp(slug, "monitoring") == 0) {
            /* new provider monitoring visits are monitoring visits too */
            xc_query *s[2] = {srch_term_query(TERM_KIND, "monitoring"),
                              srch_term_query(TERM_KIND,
                                              "new-provider-monitoring")};
            q = combine(XC_OP_OR, s, 2, 0);
            free_queries(s, 2);
        } else {
            q = srch_term_query(TERM_KIND, slug);
        }
        free(slug);
        return q;
    }
    if (strcmp(f, "grade") == 0) {
        char *slug = str_slugify(v);
        if (!slug)
            return NULL;
        q = srch_term_query(TERM_GRADE, grade_alias(slug));
        free(slug);
        return q;
    }
    if (strcmp(f, "year") == 0 && db->ordered)
        return year_terms(db, n->range_lo, n->range_hi);
    if (strcmp(f, "year") == 0 || strcmp(f, "date") == 0) {
        unsigned slot = strcmp(f, "year") == 0 ? SLOT_YEAR : SLOT_DATE;
        const char *lo = n->range_lo, *hi = n->range_hi;
        char hibuf[16];
        if (slot == SLOT_DATE && hi && strlen(hi) == 10) {
            /* inclusive end: dates are stored as "YYYY-MM-DD" exactly */
            snprintf(hibuf, sizeof hibuf, "%s", hi);
            hi = hibuf;
        }
        xc_query_value_range(slot, lo, hi, &q);
        return q;
    }
    if (strcmp(f, "theme") == 0) {
        char *slug = str_slugify(v);
        if (!slug)
            return NULL;
        if (!db->themes || thm_set_find(db->themes, slug) < 0) {
            buf known = BUF_INIT;
            for (size_t i = 0; db->themes && i < thm_set_count(db->themes);
                 i++)
                buf_printf(&known, "%s%s", i ? ", " : "",
                           thm_set_id(db->themes, i));
            err->column = n->pos + 1;
            srch_set_error(err, SRCH_ERR_QUERY,
                           "no theme '%s' (column %zu); the themes are: %s "
                           "('insearch themes' lists them)",
                           v, n->pos + 1, buf_cstr(&known));
            buf_free(&known);
            free(slug);
            return NULL;
        }
        q = srch_term_query(TERM_THEME, slug);
        free(slug);
        return q;
    }
    if (strcmp(f, "level") == 0)
        return level_filter(n, err);
    if (strcmp(f, "polarity") == 0) {
        int pol = thm_polarity_from_name(v);
        if (pol < 0) {
            err->column = n->pos + 1;
            srch_set_error(err, SRCH_ERR_QUERY,
                           "polarity: takes weakness, strength or neutral, "
                           "not '%s' (column %zu)", v, n->pos + 1);
            return NULL;
        }
        return srch_term_query(TERM_POLARITY, thm_polarity_name(pol));
    }
    err->column = n->pos + 1;
    srch_set_error(err, SRCH_ERR_QUERY, "unknown filter '%s:' at column %zu",
                   f, n->pos + 1);
    return NULL;
}

/* Grades of every framework on one scale, so that "the inadequate
 * providers" can be asked of 20 years of reports (doc/THEMES.md explains
 * each choice): 1 outstanding, 2 good, 3 requires improvement, 4
 * inadequate. Satisfactory became requires improvement in 2012; the 2025
 * report cards' expected standard is the new baseline of a good provider
 * and needs attention its "not yet"; a monitoring visit's progress
 * judgement stands for where the provider is heading. */
static const struct { const char *slug; int level; } grade_levels[] = {
    {"outstanding", 1}, {"exceptional", 1},
    {"good", 2}, {"strong-standard", 2}, {"expected-standard", 2},
    {"significant-progress", 2},
    {"requires-improvement", 3}, {"satisfactory", 3},
    {"needs-attention", 3}, {"reasonable-progress", 3},
    {"inadequate", 4}, {"unsatisfactory", 4}, {"very-weak", 4},
    {"urgent-improvement", 4}, {"insufficient-progress", 4},
};

int srch_grade_level(const char *slug)
{
    for (size_t i = 0; slug && i < sizeof grade_levels / sizeof grade_levels[0];
         i++)
        if (strcmp(grade_levels[i].slug, slug) == 0)
            return grade_levels[i].level;
    return 0;
}

static int level_of_word(const char *w, size_t n)
{
    static const struct { const char *w; int level; } names[] = {
        {"1", 1}, {"2", 2}, {"3", 3}, {"4", 4}, {"outstanding", 1},
        {"good", 2}, {"requires-improvement", 3}, {"ri", 3},
        {"inadequate", 4}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].w) == n && strncasecmp(names[i].w, w, n) == 0)
            return names[i].level;
    return 0;
}

/* level:4, level:3..4, level:..2, level:inadequate */
static xc_query *level_filter(const qp_node *n, srch_error *err)
{
    const char *v = n->text ? n->text : "";
    char *slug = str_slugify(v);
    if (!slug)
        return NULL;
    int lo = 0, hi = 0;
    const char *dots = strstr(v, "..");
    if (dots) {
        lo = dots == v ? 1 : level_of_word(v, (size_t)(dots - v));
        hi = dots[2] ? level_of_word(dots + 2, strlen(dots + 2)) : 4;
    } else {
        lo = hi = level_of_word(slug, strlen(slug));
    }
    free(slug);
    if (lo == 0 || hi == 0 || lo > hi) {
        err->column = n->pos + 1;
        srch_set_error(err, SRCH_ERR_QUERY,
                       "level: takes 1 to 4 (outstanding, good, "
                       "requires-improvement, inadequate) or a range such as "
                       "3..4, not '%s' (column %zu)", v, n->pos + 1);
        return NULL;
    }
    xc_query *subs[sizeof grade_levels / sizeof grade_levels[0]];
    size_t ns = 0;
    for (size_t i = 0; i < sizeof grade_levels / sizeof grade_levels[0]; i++)
        if (grade_levels[i].level >= lo && grade_levels[i].level <= hi)
            subs[ns++] = srch_term_query(TERM_GRADE, grade_levels[i].slug);
    xc_query *q = combine(XC_OP_OR, subs, ns, 0);
    free_queries(subs, ns);
    return q;
}

/* The theme a top-level `theme:` filter names, to rank by (-1: none). */
static long theme_boost(srch_db *db, const qp_node *n)
{
    if (n->kind != QP_FILTER || strcmp(n->field, "theme") != 0 ||
        !db->themes)
        return -1;
    char *slug = str_slugify(n->text ? n->text : "");
    long t = slug ? thm_set_find(db->themes, slug) : -1;
    free(slug);
    return t;
}

/* ---- the tree ---- */

typedef struct cctx {
    srch_db *db;
    hl_terms *hl;
    srch_error *err;
    int failed;
    int text;     /* a weighted text part exists */
    const char *doctype; /* "passage" or "report": what filters select */
} cctx;

static xc_query *compile_node(cctx *c, const qp_node *n, int positive);

/* A wildcard: the stems starting with `pfx` in the whole index, as one
 * synonym. Expanded here, over the index as one term list, and not by
 * Xapian's OP_WILDCARD, which expands and caps in each shard on its own:
 * the cap and the weights would then depend on how the index is split.
 * No stem: a query that matches nothing. Past the cap: a query error. */
static xc_query *wildcard_query(cctx *c, const char *pfx, const qp_node *n)
{
    xc_termiter *it = NULL;
    xc_query **subs = NULL, *q = NULL;
    size_t ns = 0, i;
    const char *t;
    size_t tl;
    int over = 0;
    if (xc_db_allterms(c->db->db, pfx, &it) != XC_OK)
        return NULL;
    subs = calloc(WILDCARD_MAX_EXPANSION, sizeof *subs);
    while (subs && xc_termiter_next(it, &t, &tl, NULL) == 1) {
        char term[TERM_MAX_BYTES + 8];
        if (ns == WILDCARD_MAX_EXPANSION) {
            over = 1;
            break;
        }
        if (tl >= sizeof term)
            continue;
        memcpy(term, t, tl);
        term[tl] = '\0';
        if (xc_query_term(term, 1, 0, &subs[ns]) == XC_OK)
            ns++;
    }
    xc_termiter_free(it);
    if (over) {
        c->err->column = n->pos + 1;
        srch_set_error(c->err, SRCH_ERR_QUERY,
                       "'%s*' at column %zu matches more than %d words: "
                       "make the prefix longer", n->text, n->pos + 1,
                       WILDCARD_MAX_EXPANSION);
        c->failed = 1;
    } else if (subs && ns == 0) {
        xc_query_match_nothing(&q);
    } else if (subs) {
        xc_query_combine(XC_OP_SYNONYM, subs, ns, 0, &q);
    }
    for (i = 0; i < ns; i++)
        xc_query_free(subs[i]);
    free(subs);
    return q;
}


static xc_query *compile_leaf(cctx *c, const qp_node *n, int positive)
{
    hl_terms scratch = {0};
    hl_terms *hl = positive ? c->hl : &scratch;
    leaf lf;
    xc_query *q = NULL;
    if (n->kind == QP_FILTER) {
        q = filter_query(c->db, n, c->err);
        if (!q)
            c->failed = 1;
        return q;
    }
    if (analyse_leaf(c->db, n, &lf, c->err) < 0) {
        c->failed = 1;
        return NULL;
    }
    if (lf.n == 0) {
        leaf_free(&lf);
        return NULL; /* punctuation only: nothing to search for */
    }
    if (positive)
        c->text = 1;
    switch (n->kind) {
    case QP_WORD:
        q = lf.n == 1 ? word_query(c->db, &lf.t[0], hl, positive)
                      : phrase_of(&lf, hl);
        break;
    case QP_PHRASE:
        /* Terms are stems, so a one-word phrase is that word. */
        q = lf.n == 1 ? word_query(c->db, &lf.t[0], hl, positive)
                      : phrase_of(&lf, hl);
        break;
    case QP_PREFIX:
        if (lf.n != 1) {
            c->err->column = n->pos + 1;
            srch_set_error(c->err, SRCH_ERR_QUERY,
                           "a wildcard applies to one word: '%s*' at column "
                           "%zu", n->text, n->pos + 1);
            c->failed = 1;
            break;
        }
        /* The prefix is matched against stems: "assess*" finds assess,
         * assessor, assessment (stem assess). */
        strlist_add(&hl->prefixes, lf.t[0].word, strlen(lf.t[0].word));
        {
            char pfx[TERM_MAX_BYTES + 8];
            snprintf(pfx, sizeof pfx, "Z%s", lf.t[0].word);
            q = wildcard_query(c, pfx, n);
        }
        break;
    default:
        break;
    }
    leaf_free(&lf);
    hl_terms_free(&scratch);
    return q;
}

/* A NEAR child: its term (a phrase for several words). */
static xc_query *near_operand(cctx *c, const qp_node *n)
{
    leaf lf;
    if (n->kind != QP_WORD && n->kind != QP_PHRASE) {
        c->err->column = n->pos + 1;
        srch_set_error(c->err, SRCH_ERR_QUERY,
                       "NEAR joins words or phrases (column %zu)", n->pos + 1);
        c->failed = 1;
        return NULL;
    }
    if (analyse_leaf(c->db, n, &lf, c->err) < 0) {
        c->failed = 1;
        return NULL;
    }
    xc_query *q = NULL;
    if (lf.n == 1) {
        char term[TERM_MAX_BYTES + 8];
        token_term(&lf.t[0], term, sizeof term);
        if (lf.t[0].kform)
            strlist_add(&c->hl->kforms, lf.t[0].kform, strlen(lf.t[0].kform));
        else
            strlist_add(&c->hl->stems, term + 1, strlen(term + 1));
        xc_query_term(term, 1, 0, &q);
    } else if (lf.n > 1) {
        q = phrase_of(&lf, c->hl);
    }
    leaf_free(&lf);
    return q;
}

static int is_stopword_leaf(cctx *c, const qp_node *n)
{
    if (n->kind != QP_WORD || !n->text)
        return 0;
    leaf lf;
    srch_error scratch;
    if (analyse_leaf(c->db, n, &lf, &scratch) < 0)
        return 0;
    int stop = lf.n == 1 && (lf.t[0].flags & STM_TOK_STOPWORD) &&
               !lf.t[0].kform;
    leaf_free(&lf);
    return stop;
}

static xc_query *compile_and(cctx *c, const qp_node *n, int positive)
{
    size_t k = n->n_kids;
    xc_query **text = calloc(k ? k : 1, sizeof *text);
    xc_query **filters = calloc(k ? k : 1, sizeof *filters);
    xc_query **negs = calloc(k ? k : 1, sizeof *negs);
    char *stop = calloc(k ? k : 1, 1);
    size_t nt = 0, nf = 0, nn = 0;
    xc_query *q = NULL;
    if (!text || !filters || !negs || !stop) {
        c->failed = 1;
        goto done;
    }
    /* Stopwords go unless they are all there is (each child analysed
     * once for this). */
    size_t content = 0;
    for (size_t i = 0; i < k; i++) {
        const qp_node *kid = n->kids[i];
        stop[i] = (char)is_stopword_leaf(c, kid);
        if (kid->kind != QP_NOT && kid->kind != QP_FILTER && !stop[i])
            content++;
    }
    for (size_t i = 0; i < k && !c->failed; i++) {
        const qp_node *kid = n->kids[i];
        if (kid->kind == QP_NOT) {
            const qp_node *inner = kid->n_kids ? kid->kids[0] : NULL;
            xc_query *sq = inner ? compile_node(c, inner, 0) : NULL;
            if (sq)
                negs[nn++] = sq;
            continue;
        }
        if (content > 0 && stop[i])
            continue;
        xc_query *sq = compile_node(c, kid, positive);
        if (!sq)
            continue;
        if (kid->kind == QP_FILTER)
            filters[nf++] = sq;
        else
            text[nt++] = sq;
    }
    if (c->failed)
        goto done;
    if (nt > 0) {
        q = combine(XC_OP_AND, text, nt, 0);
    } else if (nf > 0 || nn > 0) {
        /* Filters only: every passage, unweighted, then filtered. */
        char dt[16];
        snprintf(dt, sizeof dt, "%s%s", TERM_DOCTYPE, c->doctype);
        xc_query_term(dt, 1, 0, &q);
    }
    if (q && nf > 0) {
        xc_query *parts[2] = {q, combine(XC_OP_AND, filters, nf, 0)};
        xc_query *f = combine(XC_OP_FILTER, parts, 2, 0);
        free_queries(parts, 2);
        q = f;
    }
    if (q && nn > 0) {
        xc_query *parts[2] = {q, combine(XC_OP_OR, negs, nn, 0)};
        xc_query *f = combine(XC_OP_AND_NOT, parts, 2, 0);
        free_queries(parts, 2);
        q = f;
    }
done:
    if (text)
        free_queries(text, nt);
    if (filters)
        free_queries(filters, nf);
    if (negs)
        free_queries(negs, nn);
    free(text);
    free(filters);
    free(negs);
    free(stop);
    return q;
}

static xc_query *compile_node(cctx *c, const qp_node *n, int positive)
{
    if (c->failed)
        return NULL;
    switch (n->kind) {
    case QP_WORD:
    case QP_PHRASE:
    case QP_PREFIX:
    case QP_FILTER:
        return compile_leaf(c, n, positive);
    case QP_AND:
        return compile_and(c, n, positive);
    case QP_NOT: {
        /* A NOT outside an AND: the parser folds these, but be safe. */
        xc_query *inner = n->n_kids ? compile_node(c, n->kids[0], 0) : NULL;
        xc_query *all = NULL, *q = NULL;
        char dt[16];
        snprintf(dt, sizeof dt, "%s%s", TERM_DOCTYPE, c->doctype);
        xc_query_term(dt, 1, 0, &all);
        if (inner && all) {
            xc_query *parts[2] = {all, inner};
            q = combine(XC_OP_AND_NOT, parts, 2, 0);
        }
        xc_query_free(inner);
        xc_query_free(all);
        return q;
    }
    case QP_OR: {
        xc_query **subs = calloc(n->n_kids ? n->n_kids : 1, sizeof *subs);
        size_t ns = 0;
        if (!subs) {
            c->failed = 1;
            return NULL;
        }
        for (size_t i = 0; i < n->n_kids && !c->failed; i++) {
            xc_query *sq = compile_node(c, n->kids[i], positive);
            if (sq)
                subs[ns++] = sq;
        }
        xc_query *q = ns && !c->failed ? combine(XC_OP_OR, subs, ns, 0) : NULL;
        free_queries(subs, ns);
        free(subs);
        return q;
    }
    case QP_NEAR: {
        xc_query **subs = calloc(n->n_kids ? n->n_kids : 1, sizeof *subs);
        size_t ns = 0;
        if (!subs) {
            c->failed = 1;
            return NULL;
        }
        for (size_t i = 0; i < n->n_kids && !c->failed; i++) {
            xc_query *sq = near_operand(c, n->kids[i]);
            if (sq)
                subs[ns++] = sq;
        }
        xc_query *q = NULL;
        if (!c->failed && ns >= 2) {
            c->text |= positive;
            q = combine(XC_OP_NEAR, subs, ns,
                        (uint32_t)(n->window ? n->window : 10) +
                            (uint32_t)ns - 1);
        } else if (!c->failed && ns == 1) {
            q = subs[0];
            subs[0] = NULL;
            ns = 0;
        }
        free_queries(subs, ns);
        free(subs);
        return q;
    }
    }
    return NULL;
}

int srch_compile(srch_db *db, const qp_node *root, const char *doctype,
                 xc_query **out, int *text, hl_terms *hl, srch_error *err)
{
    cctx c = {db, hl, err, 0, 0, doctype};
    *out = NULL;
    *text = 0;
    xc_query *q = compile_node(&c, root, 1);
    double scale = srch_text_weight_scale(db);
    if (!c.failed && q && c.text && scale != 1.0) {
        /* before any theme boost joins: only the text's BM25 scales */
        xc_query *scaled = NULL;
        if (xc_query_scale_weight(q, scale, &scaled) != XC_OK)
            c.failed = 1;
        xc_query_free(q);
        q = scaled;
    }
    if (c.failed) {
        xc_query_free(q);
        if (err && err->code == 0)
            srch_set_error(err, SRCH_ERR, "cannot build the query: %s",
                           xc_last_error());
        return -1;
    }
    if (q && !c.text) {
        /* Filters only: report records and passages carry the same filter
         * terms, so keep to the kind of document asked for. The doctype
         * term weighs nothing, so that a theme-ranked result's score is
         * its theme strength. */
        xc_query *parts[2] = {NULL, q};
        char dt[16];
        xc_query *dtq = NULL;
        snprintf(dt, sizeof dt, "%s%s", TERM_DOCTYPE, doctype);
        xc_query_term(dt, 1, 0, &dtq);
        if (dtq)
            xc_query_scale_weight(dtq, 0, &parts[0]);
        xc_query_free(dtq);
        xc_query *f = combine(XC_OP_FILTER, parts, 2, 0);
        free_queries(parts, 2);
        q = f;
    }
    /* Theme strength joins the ranking for each theme: filter that every
     * result must pass (the root, or a child of a top-level AND): the
     * weight is then BM25 of the text plus the passage's stored theme
     * strength (doc/THEMES.md). Under OR or NOT a theme: stays a filter. */
    int boosted = 0;
    if (q && strcmp(doctype, "passage") == 0) {
        const qp_node *const *kids = &root;
        size_t nk = 1;
        if (root->kind == QP_AND) {
            kids = (const qp_node *const *)root->kids;
            nk = root->n_kids;
        }
        for (size_t i = 0; i < nk; i++) {
            long t = theme_boost(db, kids[i]);
            if (t < 0)
                continue;
            xc_query *parts[2] = {q, NULL};
            if (xc_query_value_weight(SLOT_THEME_SCORE + (unsigned)t,
                                      &parts[1]) != XC_OK)
                continue;
            xc_query *b = combine(XC_OP_AND_MAYBE, parts, 2, 0);
            free_queries(parts, 2);
            q = b;
            boosted = 1;
        }
    }
    *out = q;
    *text = (c.text ? SRCH_RANK_TEXT : 0) | (boosted ? SRCH_RANK_THEME : 0);
    return 0;
}
