/* aggregate.c - counts over themes: `insearch themes` and the common
 * weaknesses (or strengths) across the reports a query picks.
 *
 * A report "has a weakness on a theme" when at least one of its passages
 * is about the theme and reads as a weakness (themes/themes.h). The counts
 * come from one pass over the matching passages with a visitor on their
 * values (report id, year, polarity, themes), so they are exact however
 * many reports match; typical passages come from query expansion (below).
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/terms.h"
#include "searcher/searcher-private.h"
#include "util/buf.h"

#define MAX_YEARS 128
/* Candidates per theme for choosing typical passages (the ones most about
 * the theme): enough to find the vocabulary most of them share, few enough
 * that the expansion (which reads each candidate's term list) stays
 * cheap. */
#define TYPICAL_CANDIDATES 60
#define TYPICAL_TERMS 24

/* ---------------------------------------------------------- themes */

void srch_theme_list_free(srch_theme_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->themes[i].id);
        free(l->themes[i].name);
        free(l->themes[i].description);
    }
    free(l->themes);
    free(l);
}

const char *srch_themes_text(srch_db *db)
{
    return db->themes ? thm_set_text(db->themes) : NULL;
}

static uint32_t tf(srch_db *db, const char *prefix, const char *id)
{
    char term[TERM_MAX_BYTES + 1];
    snprintf(term, sizeof term, "%s%s", prefix, id);
    uint32_t n = 0;
    xc_db_termfreq(db->db, term, &n);
    return n;
}

int srch_themes(srch_db *db, srch_theme_list **out, srch_error *err)
{
    *out = NULL;
    memset(err, 0, sizeof *err);
    srch_theme_list *l = calloc(1, sizeof *l);
    size_t n = db->themes ? thm_set_count(db->themes) : 0;
    if (!l || !(l->themes = calloc(n ? n : 1, sizeof *l->themes))) {
        free(l);
        srch_set_error(err, SRCH_ERR, "out of memory");
        return SRCH_ERR;
    }
    for (size_t i = 0; i < n; i++) {
        srch_theme_info *t = &l->themes[l->n++];
        const char *id = thm_set_id(db->themes, i);
        t->id = str_dup(id);
        t->name = str_dup(thm_set_name(db->themes, i));
        t->description = str_dup(thm_set_description(db->themes, i));
        if (!t->id || !t->name || !t->description) {
            srch_theme_list_free(l);
            srch_set_error(err, SRCH_ERR, "out of memory");
            return SRCH_ERR;
        }
        /* Boolean terms: their frequencies are exact counts. */
        t->passages = tf(db, TERM_THEME, id);
        t->reports = tf(db, TERM_REPORT_THEME, id);
        t->weakness_reports = tf(db, TERM_REPORT_WEAK, id);
        t->strength_reports = tf(db, TERM_REPORT_STRONG, id);
    }
    *out = l;
    return SRCH_OK;
}

/* ---------------------------------------------------------- the pass */

/* A set of report ids (48-bit values of their hex), open addressing. */
typedef struct idset {
    uint64_t *v;
    size_t cap, n;
} idset;

static int idset_add(idset *s, uint64_t x)
{
    if (s->n * 2 >= s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        uint64_t *nv = calloc(cap, sizeof *nv);
        if (!nv)
            return -1;
        for (size_t i = 0; i < s->cap; i++)
            if (s->v[i]) {
                size_t h = (size_t)(s->v[i] * 0x9E3779B97F4A7C15ull) & (cap - 1);
                while (nv[h])
                    h = (h + 1) & (cap - 1);
                nv[h] = s->v[i];
            }
        free(s->v);
        s->v = nv;
        s->cap = cap;
    }
    size_t h = (size_t)(x * 0x9E3779B97F4A7C15ull) & (s->cap - 1);
    while (s->v[h]) {
        if (s->v[h] == x)
            return 0;
        h = (h + 1) & (s->cap - 1);
    }
    s->v[h] = x;
    s->n++;
    return 1;
}

typedef struct pass {
    srch_db *db;
    size_t n_themes;
    int polarity;                 /* the polarity counted: "weakness"... */
    const char *pol_name;
    idset all;                    /* reports matching */
    idset *per_theme;             /* reports with a matching passage */
    char years[MAX_YEARS][5];
    size_t n_years;
    uint32_t *year_all;           /* [year] reports matching */
    uint32_t *year_theme;         /* [theme * MAX_YEARS + year] */
    idset *year_seen;             /* [year]: (report) for year_all */
    uint32_t passages;            /* matching passages looked at */
    int records;                  /* visiting report records: slot 3 lists
                                     the themes of the polarity asked */
    int failed;
} pass;

static uint64_t rid_key(const char *v, size_t n)
{
    char tmp[17];
    if (n > 16)
        n = 16;
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    return strtoull(tmp, NULL, 16) | (1ull << 63);
}

static size_t year_index(pass *p, const char *v, size_t n)
{
    if (n != 4)
        return SIZE_MAX;
    for (size_t i = 0; i < p->n_years; i++)
        if (memcmp(p->years[i], v, 4) == 0)
            return i;
    if (p->n_years == MAX_YEARS)
        return SIZE_MAX;
    memcpy(p->years[p->n_years], v, 4);
    p->years[p->n_years][4] = '\0';
    return p->n_years++;
}

/* Visitor: values are report id, year, polarity, themes. */
static void visit(void *ctx, const char *const *v, const size_t *n)
{
    pass *p = ctx;
    if (p->failed || n[0] == 0)
        return;
    p->passages++;
    uint64_t rk = rid_key(v[0], n[0]);
    size_t y = year_index(p, v[1], n[1]);
    int added = idset_add(&p->all, rk);
    if (added < 0) {
        p->failed = 1;
        return;
    }
    if (y != SIZE_MAX) {
        int ya = idset_add(&p->year_seen[y], rk);
        if (ya < 0) {
            p->failed = 1;
            return;
        }
        if (ya > 0)
            p->year_all[y]++;
    }
    if (!p->records &&
        (n[2] != strlen(p->pol_name) || memcmp(v[2], p->pol_name, n[2]) != 0))
        return;
    /* each theme id of the comma list */
    const char *s = v[3], *end = v[3] + n[3];
    while (s < end) {
        const char *c = memchr(s, ',', (size_t)(end - s));
        size_t len = c ? (size_t)(c - s) : (size_t)(end - s);
        char id[80];
        if (len > 0 && len < sizeof id) {
            memcpy(id, s, len);
            id[len] = '\0';
            long t = thm_set_find(p->db->themes, id);
            if (t >= 0) {
                int ta = idset_add(&p->per_theme[t], rk);
                if (ta < 0) {
                    p->failed = 1;
                    return;
                }
                if (ta > 0 && y != SIZE_MAX)
                    p->year_theme[(size_t)t * MAX_YEARS + y]++;
            }
        }
        s = c ? c + 1 : end;
    }
}

/* Over remote shards the visitor is fed by fetching every matching
 * document over the network (xapian-c), which for a common word is
 * hundreds of thousands of documents. The same counts come from Xapian
 * itself, which runs on the shards: a match collapsed on the report id
 * (one result per report) and sorted by year carries each report's id
 * and year as the result's collapse and sort keys, with no document
 * fetched. One such match over the query gives the reports matching
 * (theme < 0); one over its passages of the polarity about theme t (or
 * its report records with a weakness or strength about t) gives the
 * reports for t. */
static int collect_reports(srch_db *db, const xc_query *q, pass *p, long t)
{
    uint32_t doccount = 0;
    xc_db_doccount(db->db, &doccount);
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    int rc = -1;
    /* (no tie-break: the order does not matter here, and a sort with one
     * is a KeyMaker, which the remote backend cannot run) */
    if (xc_enquire_new(db->db, &enq) == XC_OK &&
        xc_enquire_set_query(enq, q) == XC_OK &&
        xc_enquire_set_boolean_weight(enq) == XC_OK &&
        xc_enquire_set_collapse_key(enq, SLOT_REPORT, 1) == XC_OK &&
        xc_enquire_set_sort_by_value(enq, SLOT_YEAR, 0) == XC_OK &&
        xc_enquire_get_mset(enq, 0, doccount ? doccount : 1,
                            doccount, &ms) == XC_OK)
        rc = 0;
    for (uint32_t i = 0; rc == 0 && i < xc_mset_size(ms); i++) {
        char rid[32], year[8];
        size_t rl = 0, yl = 0;
        if (xc_mset_item_keys(ms, i, rid, sizeof rid, &rl, year, sizeof year,
                              &yl) != XC_OK) {
            rc = -1;
            break;
        }
        if (rl == 0)
            continue; /* no report id: the visitor skips these too */
        uint64_t rk = rid_key(rid, rl < sizeof rid ? rl : sizeof rid - 1);
        size_t y = yl == 4 ? year_index(p, year, 4) : SIZE_MAX;
        idset *set = t < 0 ? &p->all : &p->per_theme[t];
        int added = idset_add(set, rk);
        if (added < 0) {
            p->failed = 1;
            break;
        }
        if (added == 0 || y == SIZE_MAX)
            continue;
        if (t >= 0) {
            p->year_theme[(size_t)t * MAX_YEARS + y]++;
        } else {
            if (idset_add(&p->year_seen[y], rk) < 0) {
                p->failed = 1;
                break;
            }
            p->year_all[y]++;
        }
    }
    xc_mset_free(ms);
    xc_enquire_free(enq);
    return rc;
}

/* The counts of `visit`, from runs on the shards (collect_reports):
 * `q` is the query counted over (passages or report records). */
static int count_on_shards(srch_db *db, const xc_query *q, pass *p)
{
    if (collect_reports(db, q, p, -1) != 0)
        return -1;
    for (size_t t = 0; t < p->n_themes && !p->failed; t++) {
        const char *id = thm_set_id(p->db->themes, t);
        /* a report record lists the themes of its weakness (XW) and
         * strength (XV) passages; a passage has its polarity (XY) and
         * its themes (XH) */
        xc_query *parts[3] = {(xc_query *)q, NULL, NULL};
        size_t np = 2;
        if (p->records) {
            parts[1] = srch_term_query(p->polarity == THM_STRENGTH
                                           ? TERM_REPORT_STRONG
                                           : TERM_REPORT_WEAK,
                                       id);
        } else {
            parts[1] = srch_term_query(TERM_POLARITY, p->pol_name);
            parts[2] = srch_term_query(TERM_THEME, id);
            np = 3;
        }
        xc_query *tq = NULL;
        int rc = -1;
        if (parts[1] && (np == 2 || parts[2]) &&
            xc_query_combine(XC_OP_FILTER, parts, np, 0, &tq) == XC_OK)
            rc = collect_reports(db, tq, p, (long)t);
        xc_query_free(tq);
        xc_query_free(parts[1]);
        xc_query_free(parts[2]);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static void pass_free(pass *p)
{
    free(p->all.v);
    for (size_t t = 0; p->per_theme && t < p->n_themes; t++)
        free(p->per_theme[t].v);
    free(p->per_theme);
    for (size_t y = 0; p->year_seen && y < MAX_YEARS; y++)
        free(p->year_seen[y].v);
    free(p->year_seen);
    free(p->year_all);
    free(p->year_theme);
}

/* ------------------------------------------------------ typical passages */

/* q AND NOT kind:other (takes q; on failure returns it as it was) */
static xc_query *without_other(xc_query *q)
{
    xc_query *parts[2] = {q, srch_term_query(TERM_KIND, "other")};
    xc_query *nq = NULL;
    if (parts[1])
        xc_query_combine(XC_OP_AND_NOT, parts, 2, 0, &nq);
    xc_query_free(parts[1]);
    if (!nq)
        return q;
    xc_query_free(q);
    return nq;
}

/* The passages most typical of a theme's candidates: query expansion over
 * the candidates gives the terms that set them apart from the rest of the
 * index (their shared vocabulary); the passages (within the same filter)
 * that use most of it, weighted by BM25 with length normalisation so that
 * a long passage does not win by size, one per report, are typical rather
 * than merely long. */
/* The best TYPICAL_CANDIDATES documents of `query` (a filter AND_MAYBE a
 * theme's strength), best first, into out; how many. NULL query: none. */
static size_t run_candidates(srch_db *db, xc_query *query, uint32_t *out)
{
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    size_t n = 0;
    if (query && srch_enquire_new(db, &enq) == XC_OK &&
        xc_enquire_set_query(enq, query) == XC_OK &&
        xc_enquire_set_bm25(enq, 1.2, 0, 1, 0, 0.5) == XC_OK &&
        xc_enquire_get_mset(enq, 0, TYPICAL_CANDIDATES, 0, &ms) == XC_OK) {
        for (uint32_t i = 0; i < xc_mset_size(ms); i++) {
            double w;
            uint32_t c;
            if (xc_mset_item(ms, i, &out[n], &w, &c) == XC_OK)
                n++;
        }
    }
    xc_mset_free(ms);
    xc_enquire_free(enq);
    return n;
}

/* The filter's passages in strength tier `tier` of theme `id` and this
 * polarity or above (FILTER(filter, XI<id>/<polarity>/tier OR ... OR
 * .../THEME_TIER_MAX)), and how many passages those tiers hold in the
 * whole index (*in_tiers). A NULL filter: every passage in those tiers
 * but kind "other" (the terms imply the theme and the polarity). */
static xc_query *in_top_tiers(srch_db *db, const xc_query *filter,
                              const char *id, const char *polarity, int tier,
                              uint32_t *in_tiers)
{
    xc_query *terms[THEME_TIER_MAX - THEME_TIER_MIN + 1];
    size_t n = 0;
    *in_tiers = 0;
    for (int k = tier; k <= THEME_TIER_MAX; k++) {
        char tv[128];
        snprintf(tv, sizeof tv, "%s%s/%s/%d", TERM_THEME_TIER, id, polarity,
                 k);
        uint32_t tf = 0;
        xc_db_termfreq(db->db, tv, &tf);
        *in_tiers += tf;
        if (!(terms[n] = srch_term_query(TERM_THEME_TIER,
                                         tv + strlen(TERM_THEME_TIER))))
            break;
        n++;
    }
    xc_query *any = NULL, *q = NULL;
    if (n == (size_t)(THEME_TIER_MAX - tier + 1) &&
        xc_query_combine(XC_OP_OR, terms, n, 0, &any) == XC_OK) {
        if (filter) {
            xc_query *parts[2] = {(xc_query *)filter, any};
            xc_query_combine(XC_OP_FILTER, parts, 2, 0, &q);
        } else {
            q = without_other(any);
            any = NULL;
        }
    }
    for (size_t i = 0; i < n; i++)
        xc_query_free(terms[i]);
    xc_query_free(any);
    return q;
}

/* The TYPICAL_CANDIDATES passages of the filter most about the theme
 * (stored strength in `slot`). When the filter weighs nothing (no words)
 * and the index has strength tiers, they are looked for in the theme's
 * top tiers first: if those hold enough of the filter's passages, the
 * best of them are the best of all (every passage below holds less), and
 * only they were read. The same answer as reading every passage about the
 * theme (tests/theme-tiers.sh compares both). */
static size_t candidates(srch_db *db, const xc_query *filter, unsigned slot,
                         const char *id, const char *polarity,
                         int every_passage, int weighted, uint32_t *out)
{
    xc_query *vw = NULL;
    size_t n = 0;
    if (xc_query_value_weight(slot, &vw) != XC_OK)
        return 0;
    int done = 0;
    for (int tier = THEME_TIER_MAX;
         db->theme_tiers && !weighted && !done && tier >= THEME_TIER_MIN;
         tier--) {
        uint32_t in_tiers = 0;
        xc_query *f = in_top_tiers(db, every_passage ? NULL : filter, id,
                                   polarity, tier, &in_tiers);
        if (f && in_tiers >= TYPICAL_CANDIDATES) {
            xc_query *parts[2] = {f, vw}, *q = NULL;
            xc_query_combine(XC_OP_AND_MAYBE, parts, 2, 0, &q);
            n = run_candidates(db, q, out);
            done = n == TYPICAL_CANDIDATES;
            xc_query_free(q);
        }
        xc_query_free(f);
    }
    if (!done) {
        xc_query *parts[2] = {(xc_query *)filter, vw}, *q = NULL;
        xc_query_combine(XC_OP_AND_MAYBE, parts, 2, 0, &q);
        n = run_candidates(db, q, out);
        xc_query_free(q);
    }
    xc_query_free(vw);
    return n;
}

typedef struct cand_score {
    uint32_t docid;
    double score;
    char rid[13];
    unsigned index;
} cand_score;

/* Best first; ties by report and passage, not by document id, which
 * depends on how the index is sharded. */
static int cmp_cand(const void *x, const void *y)
{
    const cand_score *a = x, *b = y;
    if (a->score != b->score)
        return a->score < b->score ? 1 : -1;
    int c = strcmp(a->rid, b->rid);
    if (c)
        return c;
    return (a->index > b->index) - (a->index < b->index);
}

static int typical_passages(srch_db *db, const xc_query *filter,
                            unsigned slot, const char *id,
                            const char *polarity, int every_passage,
                            int weighted, unsigned want, uint32_t *out,
                            size_t *n_out)
{
    *n_out = 0;
    uint32_t cands[TYPICAL_CANDIDATES];
    size_t n_cands = candidates(db, filter, slot, id, polarity, every_passage,
                                weighted, cands);
    if (n_cands == 0)
        return 0;
    xc_expand_term *terms = NULL;
    size_t nt = 0;
    if (xc_db_expand(db->db, cands, n_cands, TYPICAL_TERMS, "ZK", &terms,
                     &nt) != XC_OK)
        return -1;
    /* (at most TYPICAL_TERMS come back: that many were asked for) */
    size_t n_use = nt < TYPICAL_TERMS ? nt : TYPICAL_TERMS;
    size_t term_len[TYPICAL_TERMS];
    for (size_t k = 0; k < n_use; k++)
        term_len[k] = strlen(terms[k].term);
    /* Each candidate's share of the shared vocabulary (the expansion
     * weights of the terms it uses), divided by the square root of its
     * length against the candidates' mean, so that a long passage does not
     * win by size alone. */
    cand_score cs[TYPICAL_CANDIDATES];
    size_t len[TYPICAL_CANDIDATES];
    double mean = 0;
    size_t nc = 0;
    for (size_t i = 0; i < n_cands; i++) {
        xc_doc *doc = NULL;
        xc_termiter *it = NULL;
        if (xc_db_get_document(db->db, cands[i], &doc) != XC_OK)
            continue;
        cand_score *c = &cs[nc];
        c->docid = cands[i];
        c->score = 0;
        len[nc] = 0;
        unsigned index = 0;
        if (srch_passage_locate(doc, c->rid, &index) != 0 ||
            xc_doc_termlist(doc, &it) != XC_OK) {
            xc_doc_free(doc);
            continue;
        }
        c->index = index;
        const char *t;
        size_t tl;
        uint32_t wdf;
        while (xc_termiter_next(it, &t, &tl, &wdf) == 1) {
            if (tl == 0 || (t[0] != 'Z' && t[0] != 'K'))
                continue;
            /* length-normalised wdfs (WDF_SCALE) are no counts: a
             * term is then one */
            len[nc] += db->scaled_wdf ? 1 : wdf;
            for (size_t k = 0; k < n_use; k++)
                if (term_len[k] == tl &&
                    memcmp(terms[k].term, t, tl) == 0) {
                    c->score += terms[k].weight;
                    break;
                }
        }
        xc_termiter_free(it);
        xc_doc_free(doc);
        mean += (double)len[nc];
        nc++;
    }
    xc_expand_free(terms, nt);
    if (nc == 0)
        return 0;
    mean /= (double)nc;
    for (size_t i = 0; i < nc; i++)
        cs[i].score /= sqrt(((double)len[i] + 1.0) / (mean + 1.0));
    qsort(cs, nc, sizeof *cs, cmp_cand);
    /* one per report */
    for (size_t i = 0; i < nc && *n_out < want; i++) {
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = strcmp(cs[j].rid, cs[i].rid) == 0; /* report picked */
        if (dup)
            continue;
        out[(*n_out)++] = cs[i].docid;
    }
    return 0;
}

/* ---------------------------------------------------------- aggregate */

void srch_aggregate_free(srch_aggregate *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n_themes; i++) {
        srch_agg_theme *t = &a->themes[i];
        free(t->id);
        free(t->name);
        free(t->by_year);
        for (size_t k = 0; k < t->n_examples; k++)
            srch_hit_clear(&t->examples[k]);
        free(t->examples);
    }
    free(a->themes);
    free(a->years);
    for (size_t i = 0; i < a->n_reports; i++)
        srch_report_free(a->reports[i]);
    free(a->reports);
    free(a);
}

static int cmp_year(const void *x, const void *y)
{
    return strcmp(((const srch_year_count *)x)->year,
                  ((const srch_year_count *)y)->year);
}

static int cmp_agg(const void *x, const void *y)
{
    const srch_agg_theme *a = x, *b = y;
    if (a->reports != b->reports)
        return a->reports < b->reports ? 1 : -1;
    return strcmp(a->id, b->id);
}

/* Is the query made of filters on the report alone (no words, and no
 * section:, theme: or polarity:, which are about passages)? */
static int report_level(const qp_node *n)
{
    static const char *const fields[] = {"provider", "urn", "type", "kind",
                                         "grade", "year", "date", "level"};
    if (n->kind == QP_FILTER) {
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
            if (strcmp(n->field, fields[i]) == 0)
                return 1;
        return 0;
    }
    if (n->kind != QP_AND && n->kind != QP_OR && n->kind != QP_NOT)
        return 0;
    for (size_t i = 0; i < n->n_kids; i++)
        if (!report_level(n->kids[i]))
            return 0;
    return 1;
}

int srch_aggregate_run(srch_db *db, const srch_agg_options *opt,
                       srch_aggregate **out, srch_error *err)
{
    *out = NULL;
    memset(err, 0, sizeof *err);
    if (!db->themes) {
        srch_set_error(err, SRCH_ERR, "the index has no themes yet (index "
                                      "some reports first)");
        return SRCH_ERR;
    }
    int polarity = opt->polarity == THM_STRENGTH ? THM_STRENGTH : THM_WEAKNESS;
    unsigned want = opt->examples ? opt->examples : 3;
    if (want > 10)
        want = 10;
    const char *query = opt->query ? opt->query : "";
    /* the query: the filters/text given, or every passage */
    xc_query *base = NULL;
    int text = 0;
    hl_terms hl = {0};
    qp_node *root = NULL;
    qp_error perr;
    memset(&perr, 0, sizeof perr);
    size_t ql = strlen(query);
    while (ql > 0 && (query[ql - 1] == ' ' || query[ql - 1] == '\t'))
        ql--;
    if (ql > 0) {
        if (qp_parse(query, strlen(query), &root, &perr) != 0) {
            err->code = SRCH_ERR_QUERY;
            err->column = perr.column;
            snprintf(err->message, sizeof err->message, "%s", perr.message);
            return SRCH_ERR_QUERY;
        }
        int rc = srch_compile(db, root, "passage", &base, &text, &hl, err);
        hl_terms_free(&hl);
        if (rc < 0) {
            qp_node_free(root);
            return err->code ? err->code : SRCH_ERR;
        }
    }
    int every_passage = base == NULL;
    if (!base)
        base = srch_term_query(TERM_DOCTYPE, "passage");
    /* Filters on the report alone (grade, type, year...): the counts come
     * from the report records, one per report, which carry the themes of
     * their weakness and strength passages; otherwise from every
     * matching passage. */
    xc_query *records = NULL;
    if (!root || report_level(root)) {
        int rtext = 0;
        hl_terms rhl = {0};
        if (root)
            srch_compile(db, root, "report", &records, &rtext, &rhl, err);
        else
            records = srch_term_query(TERM_DOCTYPE, "report");
        hl_terms_free(&rhl);
        memset(err, 0, sizeof *err);
    }
    qp_node_free(root);
    /* Weaknesses are an inspection report's: newsletters, minutes and
     * articles (kind "other") are left out. */
    base = without_other(base);
    if (records)
        records = without_other(records);
    /* the passages of the asked polarity, for typical examples */
    xc_query *polq = NULL;
    if (every_passage) {
        /* Only passages have a polarity: "every passage" is then not
         * needed, and leaving it out spares each typical-passage search
         * skipping through the one posting list that holds them all. */
        polq = without_other(
            srch_term_query(TERM_POLARITY, thm_polarity_name(polarity)));
    } else {
        xc_query *parts[2] = {base, srch_term_query(TERM_POLARITY,
                                           thm_polarity_name(polarity))};
        if (parts[1])
            xc_query_combine(XC_OP_FILTER, parts, 2, 0, &polq);
        xc_query_free(parts[1]);
    }
    size_t nt = thm_set_count(db->themes);
    pass p;
    memset(&p, 0, sizeof p);
    p.db = db;
    p.n_themes = nt;
    p.polarity = polarity;
    p.pol_name = thm_polarity_name(polarity);
    p.per_theme = calloc(nt, sizeof *p.per_theme);
    p.year_seen = calloc(MAX_YEARS, sizeof *p.year_seen);
    p.year_all = calloc(MAX_YEARS, sizeof *p.year_all);
    p.year_theme = calloc(nt * MAX_YEARS, sizeof *p.year_theme);
    srch_aggregate *a = calloc(1, sizeof *a);
    int rc = SRCH_ERR;
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    if (!p.per_theme || !p.year_seen || !p.year_all || !p.year_theme ||
        !a || !polq)
        goto nomem;
    /* One pass over every matching passage or report record. */
    const unsigned slots[4] = {
        SLOT_REPORT, SLOT_YEAR, SLOT_POLARITY,
        !records ? SLOT_THEMES
                 : polarity == THM_STRENGTH ? SLOT_STRONG_THEMES : SLOT_THEMES};
    p.records = records != NULL;
    uint32_t doccount = 0;
    xc_db_doccount(db->db, &doccount);
    if (db->remote) {
        if (count_on_shards(db, records ? records : base, &p) != 0 &&
            !p.failed) {
            srch_set_error(err, SRCH_ERR, "counting failed: %s",
                           xc_last_error());
            goto done;
        }
    } else if (srch_enquire_new(db, &enq) != XC_OK ||
        xc_enquire_set_query(enq, records ? records : base) != XC_OK ||
        xc_enquire_set_boolean_weight(enq) != XC_OK ||
        xc_enquire_set_visitor(enq, slots, 4, visit, &p) != XC_OK ||
        xc_enquire_get_mset(enq, 0, 0, doccount, &ms) != XC_OK) {
        srch_set_error(err, SRCH_ERR, "counting failed: %s", xc_last_error());
        goto done;
    }
    if (p.failed)
        goto nomem;
    a->reports_matching = (uint32_t)p.all.n;
    a->polarity = thm_polarity_name(polarity);
    a->years = calloc(p.n_years ? p.n_years : 1, sizeof *a->years);
    a->themes = calloc(nt ? nt : 1, sizeof *a->themes);
    if (!a->years || !a->themes)
        goto nomem;
    for (size_t y = 0; y < p.n_years; y++) {
        memcpy(a->years[y].year, p.years[y], 5);
        a->years[y].reports = p.year_all[y];
        a->years[y].matching = p.year_all[y];
    }
    a->n_years = p.n_years;
    qsort(a->years, a->n_years, sizeof *a->years, cmp_year);
    for (size_t t = 0; t < nt; t++) {
        uint32_t reports = (uint32_t)p.per_theme[t].n;
        if (reports == 0 || reports < opt->min_reports)
            continue;
        srch_agg_theme *at = &a->themes[a->n_themes++];
        at->id = str_dup(thm_set_id(db->themes, t));
        at->name = str_dup(thm_set_name(db->themes, t));
        at->reports = reports;
        at->share = p.all.n ? (double)reports / (double)p.all.n : 0;
        at->by_year = calloc(p.n_years ? p.n_years : 1, sizeof *at->by_year);
        if (!at->id || !at->name || !at->by_year)
            goto nomem;
        for (size_t y = 0; y < p.n_years; y++) {
            memcpy(at->by_year[y].year, p.years[y], 5);
            at->by_year[y].reports = p.year_theme[t * MAX_YEARS + y];
            at->by_year[y].matching = p.year_all[y];
        }
        at->n_years = p.n_years;
        qsort(at->by_year, at->n_years, sizeof *at->by_year, cmp_year);
        /* typical passages */
        xc_query *tq = NULL;
        {
            xc_query *parts[2] = {polq, srch_term_query(TERM_THEME, at->id)};
            if (parts[1])
                xc_query_combine(XC_OP_FILTER, parts, 2, 0, &tq);
            xc_query_free(parts[1]);
        }
        uint32_t ids[10];
        size_t nids = 0;
        if (tq)
            typical_passages(db, tq, SLOT_THEME_SCORE + (unsigned)t, at->id,
                             thm_polarity_name(polarity), every_passage, text,
                             want, ids, &nids);
        xc_query_free(tq);
        at->examples = calloc(nids ? nids : 1, sizeof *at->examples);
        if (!at->examples)
            goto nomem;
        for (size_t k = 0; k < nids; k++) {
            xc_doc *doc = NULL;
            if (xc_db_get_document(db->db, ids[k], &doc) != XC_OK)
                continue;
            char rid[13];
            unsigned index = 0;
            srch_hit *h = &at->examples[at->n_examples];
            memset(h, 0, sizeof *h);
            if (srch_passage_locate(doc, rid, &index) == 0 &&
                srch_passage_fill(db, h, doc,
                                  srch_report_cached(db, &a->reports,
                                                     &a->n_reports, rid),
                                  index) == 0) {
                h->rank = (unsigned)at->n_examples + 1;
                at->n_examples++;
            } else {
                srch_hit_clear(h);
            }
            xc_doc_free(doc);
        }
    }
    qsort(a->themes, a->n_themes, sizeof *a->themes, cmp_agg);
    rc = SRCH_OK;
    goto done;
nomem:
    srch_set_error(err, SRCH_ERR, "out of memory");
    rc = SRCH_ERR;
done:
    pass_free(&p);
    xc_mset_free(ms);
    xc_enquire_free(enq);
    xc_query_free(base);
    xc_query_free(records);
    xc_query_free(polq);
    if (rc == SRCH_OK)
        *out = a;
    else
        srch_aggregate_free(a);
    return rc;
}
