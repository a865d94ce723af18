/* search.c - opening the index and running a ranked passage search. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <errno.h>
#include <string.h>

#include "indexer/terms.h"
#include "searcher/searcher-private.h"
#include "util/buf.h"

/* BM25 with k1 as Xapian's default and b = 0 in Xapian's terms: with b >
 * 0 Xapian reads every matching passage's length, which measured as 40%
 * of the work of a query for a common word (callgrind, 2,000 reports:
 * "safeguarding" 15.0M instructions with b = 0.6, 8.9M with b = 0). An
 * index with features "3" has the length normalisation in its wdfs
 * instead (terms.h, WDF_SCALE); an older one has none. */
#define BM25_K1 1.2
#define BM25_B 0.0
#define MIN_CHECKED 250
#define SRCH_FORMAT_VERSION "2" /* indexer.h: IDX_FORMAT_VERSION */

/* An index whose first run has not committed yet: the indexer's lock file
 * is there but not the stub that names the shards (written once they have
 * all made their first, empty, commit). A reader sees it as empty, not as
 * broken. 1 when so; 0 when it is no index at all; -1 when the stub has
 * gone from an index that holds documents (damage). */
static int being_created(const char *dbpath)
{
    char *lock = str_printf("%s/insearch.lock", dbpath);
    char *stub = str_printf("%s/XAPIANDB", dbpath);
    char *glass = str_printf("%s/iamglass", dbpath);
    struct stat st;
    int yes = lock && stub && glass && stat(lock, &st) == 0 &&
              stat(stub, &st) != 0 && errno == ENOENT &&
              stat(glass, &st) != 0;
    free(lock);
    free(stub);
    free(glass);
    /* Shards that have committed must all still be empty. */
    for (unsigned i = 0; yes == 1 && i < 64; i++) {
        char *shard = str_printf("%s/shard-%u", dbpath, i);
        char *ver = str_printf("%s/shard-%u/iamglass", dbpath, i);
        int is_dir = shard && stat(shard, &st) == 0;
        int committed = is_dir && ver && stat(ver, &st) == 0;
        if (committed) {
            xc_db *d = NULL;
            uint32_t n = 0;
            if (xc_db_open(shard, XC_OPEN_READ, &d) != XC_OK ||
                xc_db_doccount(d, &n) != XC_OK || n > 0)
                yes = -1;
            xc_db_close(d);
        }
        free(shard);
        free(ver);
        if (!is_dir)
            break;
    }
    return yes;
}

int srch_enquire_new(srch_db *db, xc_enquire **out)
{
    xc_enquire *enq = NULL;
    int rc = xc_enquire_new(db->db, &enq);
    if (rc == XC_OK && db->ordered &&
        (rc = xc_enquire_set_tiebreak(enq, SLOT_ORDER)) != XC_OK) {
        xc_enquire_free(enq);
        enq = NULL;
    }
    *out = enq;
    return rc;
}

int srch_set_bm25(srch_db *db, xc_enquire *enq)
{
    /* With length-normalised wdfs (terms.h, WDF_SCALE) k1 scales with
     * them; srch_compile divides out the constant that leaves. */
    double k1 = db->scaled_wdf ? BM25_K1 * WDF_SCALE : BM25_K1;
    return xc_enquire_set_bm25(enq, k1, 0, 1, BM25_B, 0.5);
}

double srch_text_weight_scale(const srch_db *db)
{
    return db->scaled_wdf ? (BM25_K1 + 1) / (BM25_K1 * WDF_SCALE + 1) : 1.0;
}

int srch_sort_by_date(srch_db *db, xc_enquire *enq, int descending)
{
    int rc;
    if (!db->ordered) {
        if ((rc = xc_enquire_set_tiebreak(enq, -1)) != XC_OK)
            return rc;
        return xc_enquire_set_sort_by_value(enq, SLOT_DATE, descending);
    }
    if (descending) {
        /* one slot, unique per document: no tie is left to break */
        if ((rc = xc_enquire_set_tiebreak(enq, -1)) != XC_OK)
            return rc;
        return xc_enquire_set_sort_by_value(enq, SLOT_DATE_ORDER, 1);
    }
    if ((rc = xc_enquire_set_tiebreak(enq, -1)) != XC_OK)
        return rc;
    return xc_enquire_set_sort_by_value(enq, SLOT_DATE_ORDER_ASC, 0);
}

static long monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec;
}

/* Open shard by shard (--remote, --partial): shards.c. */
static int open_shards(srch_db *db, const char *dbpath,
                       const srch_open_opts *o, srch_error *err)
{
    strlist missing = {0};
    int remote = 0;
    if (srch_shards_open(dbpath, o, &db->db, &missing, &remote, err) != 0) {
        strlist_free(&missing);
        return -1;
    }
    db->remote = remote;
    db->missing = missing.v; /* the list's array and strings move over */
    db->n_missing = missing.n;
    return 0;
}

int srch_open(const char *dbpath, srch_db **out, srch_error *err)
{
    return srch_open_with(dbpath, NULL, out, err);
}

int srch_open_with(const char *dbpath, const srch_open_opts *opts,
                   srch_db **out, srch_error *err)
{
    *out = NULL;
    srch_db *db = calloc(1, sizeof *db);
    if (!db) {
        srch_set_error(err, SRCH_ERR, "out of memory");
        return SRCH_ERR;
    }
    db->opened_at = monotonic_seconds();
    const char *name = dbpath ? dbpath : "the remote shards";
    if (opts && (opts->partial || opts->n_remotes > 0)) {
        if (!dbpath && opts->n_remotes == 0) {
            srch_set_error(err, SRCH_ERR, "no index and no remote shard");
            free(db);
            return SRCH_ERR;
        }
        if (open_shards(db, dbpath, opts, err) != 0) {
            free(db);
            return SRCH_ERR;
        }
        goto opened;
    }
    int creating = 0;
    char why[512] = "";
    if (xc_db_open(dbpath, XC_OPEN_READ, &db->db) != XC_OK &&
        (snprintf(why, sizeof why, "%s", xc_last_error()), 1) &&
        !((creating = being_created(dbpath)) == 1 &&
          xc_db_open_empty(&db->db) == XC_OK)) {
        if (creating < 0) {
            srch_set_error(err, SRCH_ERR,
                           "%s: the index is damaged: its file XAPIANDB, "
                           "which names its shards, is missing ('insearch "
                           "index --db %s' writes it again)", dbpath, dbpath);
            free(db);
            return SRCH_ERR;
        }
        if (strstr(why, "Network"))
            srch_set_error(err, SRCH_ERR,
                           "%s: a remote shard did not answer (%s): is its "
                           "xapian-tcpsrv running and reachable?", dbpath,
                           why);
        else
            srch_set_error(err, SRCH_ERR,
                           "%s: cannot open the index (%s); build one with "
                           "'insearch index --db %s FOLDER'",
                           dbpath, why, dbpath);
        free(db);
        return SRCH_ERR;
    }
    db->remote = srch_names_remote(dbpath);
opened:;
    char *fmt = NULL;
    size_t fl = 0;
    if (xc_db_get_metadata(db->db, TERM_META_FORMAT, &fmt, &fl) == XC_OK &&
        fl > 0 && strcmp(fmt, SRCH_FORMAT_VERSION) != 0) {
        srch_set_error(err, SRCH_ERR,
                       "%s: index format %s is not one this insearch reads "
                       "(%s): index again into a new folder", name, fmt,
                       SRCH_FORMAT_VERSION);
        free(fmt);
        srch_close(db);
        return SRCH_ERR;
    }
    free(fmt);
    fmt = NULL;
    fl = 0;
    int features = xc_db_get_metadata(db->db, TERM_META_FEATURES, &fmt,
                                      &fl) == XC_OK && fl > 0
                       ? atoi(fmt)
                       : 0;
    db->ordered = features >= 2;
    db->scaled_wdf = features >= 3;
    const char *tiers = getenv("INSEARCH_THEME_TIERS");
    db->theme_tiers = features >= 4 && !(tiers && strcmp(tiers, "off") == 0);
    free(fmt);
    /* The taxonomy the passages were scored with: theme ids map to value
     * slots by their order in it. (An empty index has none yet.) */
    char *themes = NULL;
    size_t tl = 0;
    if (xc_db_get_metadata(db->db, TERM_META_THEMES, &themes, &tl) == XC_OK &&
        tl > 0) {
        char *terr = NULL;
        if (thm_set_parse_names(themes, tl, "the index's themes",
                                &db->themes, &terr) != THM_OK) {
            srch_set_error(err, SRCH_ERR, "%s: %s", name,
                           terr ? terr : "cannot read its themes");
            free(terr);
            free(themes);
            srch_close(db);
            return SRCH_ERR;
        }
    }
    free(themes);
    char *aerr = NULL;
    if (stm_analyser_new(STM_MODE_QUERY, &db->query_an, &aerr) != STM_OK ||
        stm_analyser_new(STM_MODE_INDEX, &db->index_an, &aerr) != STM_OK) {
        srch_set_error(err, SRCH_ERR, "analyser: %s", aerr ? aerr : "failed");
        free(aerr);
        srch_close(db);
        return SRCH_ERR;
    }
    *out = db;
    return SRCH_OK;
}

void srch_close(srch_db *db)
{
    if (!db)
        return;
    xc_db_close(db->db);
    thm_set_free(db->themes);
    stm_analyser_free(db->query_an);
    stm_analyser_free(db->index_an);
    for (size_t i = 0; i < db->n_missing; i++)
        free(db->missing[i]);
    free(db->missing);
    free(db);
}

size_t srch_missing_shards(const srch_db *db, const char *const **out)
{
    *out = (const char *const *)db->missing;
    return db->n_missing;
}

int srch_refresh(srch_db *db, srch_error *err)
{
    /* An index opened empty has no taxonomy to read yet: the caller opens
     * it again instead, which reads it. */
    if (!db->themes) {
        srch_set_error(err, SRCH_ERR, "the index had no themes when opened");
        return SRCH_ERR;
    }
    if (db->n_missing > 0 &&
        monotonic_seconds() - db->opened_at >= SRCH_RETRY_MISSING_S) {
        srch_set_error(err, SRCH_ERR, "shards were missing: try them again");
        return SRCH_ERR;
    }
    if (xc_db_reopen(db->db) != XC_OK) {
        srch_set_error(err, SRCH_ERR, "reopening the index: %s",
                       xc_last_error());
        return SRCH_ERR;
    }
    return SRCH_OK;
}

/* The results say which shards they were made without. */
static int copy_missing(const srch_db *db, srch_results *res)
{
    if (db->n_missing == 0)
        return 0;
    res->missing_shards = calloc(db->n_missing, sizeof *res->missing_shards);
    if (!res->missing_shards)
        return -1;
    for (size_t i = 0; i < db->n_missing; i++) {
        if (!(res->missing_shards[i] = str_dup(db->missing[i])))
            return -1;
        res->n_missing_shards++;
    }
    return 0;
}

void srch_results_free(srch_results *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->n_missing_shards; i++)
        free(res->missing_shards[i]);
    free(res->missing_shards);
    for (size_t i = 0; i < res->n_hits; i++)
        srch_hit_clear(&res->hits[i]);
    free(res->hits);
    for (size_t i = 0; i < res->n_reports; i++)
        srch_report_free(res->reports[i]);
    free(res->reports);
    for (size_t i = 0; i < res->n_facets; i++) {
        for (size_t j = 0; j < res->facets[i].n_values; j++)
            free(res->facets[i].values[j].value);
        free(res->facets[i].values);
    }
    free(res->facets);
    free(res->did_you_mean);
    free(res->query_description);
    free(res);
}

/* Replace each word of the query that has no hits by a suggestion. */
static char *did_you_mean(srch_db *db, const char *query, const strlist *missing)
{
    if (missing->n == 0)
        return NULL;
    buf b = BUF_INIT;
    int changed = 0;
    const char *p = query;
    while (*p) {
        /* copy separators */
        size_t sep = strspn(p, " \t\n\"()");
        buf_append(&b, p, sep);
        p += sep;
        size_t wl = strcspn(p, " \t\n\"()");
        if (wl == 0)
            continue;
        char *w = str_ndup(p, wl);
        char *lw = w ? str_dup(w) : NULL;
        for (char *c = lw; c && *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        char *sugg = NULL;
        if (lw && strlist_has(missing, lw, strlen(lw)))
            sugg = srch_suggest_word(db, lw);
        if (sugg) {
            buf_puts(&b, sugg);
            changed = 1;
        } else {
            buf_append(&b, p, wl);
        }
        free(sugg);
        free(w);
        free(lw);
        p += wl;
    }
    if (!changed || buf_error(&b)) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

/* Grade, kind, type and year are the report's, on each of its passages:
 * read once per report (SLOT_REPORT) rather than once per passage. */
static const struct {
    const char *field;
    unsigned slot;
    char sep;     /* several values per document, joined by this */
    int of_report;
} facet_slots[] = {{"grade", SLOT_GRADE, 0, 1},
                   {"kind", SLOT_KIND, 0, 1},
                   {"type", SLOT_TYPE, 0, 1},
                   {"year", SLOT_YEAR, 0, 1},
                   {"theme", SLOT_THEMES, ',', 0},
                   {"polarity", SLOT_POLARITY, 0, 0}};
#define N_FACETS (sizeof facet_slots / sizeof facet_slots[0])

int srch_search(srch_db *db, const srch_options *opt, srch_results **out,
                srch_error *err)
{
    *out = NULL;
    memset(err, 0, sizeof *err);
    const char *query = opt->query ? opt->query : "";
    qp_node *root = NULL;
    qp_error perr;
    memset(&perr, 0, sizeof perr);
    if (qp_parse(query, strlen(query), &root, &perr) != 0) {
        err->code = SRCH_ERR_QUERY;
        err->column = perr.column;
        snprintf(err->message, sizeof err->message, "%s", perr.message);
        return SRCH_ERR_QUERY;
    }
    hl_terms hl = {0};
    xc_query *q = NULL;
    int text = 0;
    if (srch_compile(db, root, "passage", &q, &text, &hl, err) < 0) {
        qp_node_free(root);
        hl_terms_free(&hl);
        return err->code ? err->code : SRCH_ERR;
    }
    qp_node_free(root);
    srch_results *res = calloc(1, sizeof *res);
    if (!res || copy_missing(db, res) != 0) {
        srch_results_free(res);
        xc_query_free(q);
        hl_terms_free(&hl);
        srch_set_error(err, SRCH_ERR, "out of memory");
        return SRCH_ERR;
    }
    if (!q) {
        /* Nothing left to search for (only punctuation): no results, not
         * an error. */
        hl_terms_free(&hl);
        *out = res;
        return SRCH_OK;
    }
    xc_query_describe(q, &res->query_description);
    unsigned limit = opt->limit ? opt->limit : 10;
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    int rc = SRCH_ERR;
    uint32_t doccount = 0;
    if (opt->facets) /* count the whole match */
        xc_db_doccount(db->db, &doccount);
    if (srch_enquire_new(db, &enq) != XC_OK ||
        xc_enquire_set_query(enq, q) != XC_OK)
        goto xfail;
    if (text) {
        if (srch_set_bm25(db, enq) != XC_OK)
            goto xfail;
    } else if (xc_enquire_set_boolean_weight(enq) != XC_OK) {
        goto xfail;
    }
    if (opt->by_report &&
        xc_enquire_set_collapse_key(enq, SLOT_REPORT, 1) != XC_OK)
        goto xfail;
    srch_sort sort = opt->sort;
    if (!text && sort == SRCH_SORT_RELEVANCE)
        sort = SRCH_SORT_DATE_DESC; /* nothing to rank by: newest first */
    if (sort != SRCH_SORT_RELEVANCE &&
        srch_sort_by_date(db, enq, sort == SRCH_SORT_DATE_DESC) != XC_OK)
        goto xfail;
    if (opt->facets) {
        if (xc_enquire_set_facet_group(enq, SLOT_REPORT) != XC_OK)
            goto xfail;
        for (size_t i = 0; i < N_FACETS; i++)
            if ((facet_slots[i].sep
                     ? xc_enquire_add_facet_multi(enq, facet_slots[i].slot,
                                                  facet_slots[i].sep)
                 : facet_slots[i].of_report
                     ? xc_enquire_add_facet_grouped(enq, facet_slots[i].slot)
                     : xc_enquire_add_facet(enq, facet_slots[i].slot)) !=
                XC_OK)
                goto xfail;
    }
    /* Count at least this many matches exactly: with only a page's worth,
     * Xapian's estimate of the total can be far off ("2" for 29). */
    uint32_t check = opt->offset + limit + 1;
    if (check < MIN_CHECKED)
        check = MIN_CHECKED;
    if (xc_enquire_get_mset(enq, opt->offset, limit,
                            opt->facets ? doccount : check, &ms) != XC_OK) {
        if (strstr(xc_last_error(), "Wildcard") ||
            strstr(xc_last_error(), "wildcard")) {
            srch_set_error(err, SRCH_ERR_QUERY,
                           "a wildcard matches too many words (the cap is "
                           "2000): make the prefix longer");
            rc = SRCH_ERR_QUERY;
            goto done;
        }
        goto xfail;
    }
    res->total = xc_mset_matches_estimated(ms);
    res->total_lower = xc_mset_matches_lower_bound(ms);
    res->total_upper = xc_mset_matches_upper_bound(ms);
    uint32_t size = xc_mset_size(ms);
    res->hits = calloc(size ? size : 1, sizeof *res->hits);
    if (!res->hits)
        goto xfail;
    for (uint32_t i = 0; i < size; i++) {
        srch_hit *h = &res->hits[res->n_hits];
        uint32_t docid, collapsed;
        double w;
        xc_doc *doc = NULL;
        char rid[13];
        if (xc_mset_item(ms, i, &docid, &w, &collapsed) != XC_OK ||
            xc_mset_get_document(ms, i, &doc) != XC_OK)
            goto xfail;
        memset(h, 0, sizeof *h);
        unsigned index = 0;
        int ok = srch_passage_locate(doc, rid, &index) == 0 &&
                 srch_passage_fill(db, h, doc,
                                   srch_report_cached(db, &res->reports,
                                                      &res->n_reports, rid),
                                   index) == 0;
        xc_doc_free(doc);
        if (!ok) {
            srch_hit_clear(h);
            continue; /* not a passage, or its report record is missing */
        }
        h->rank = opt->offset + (unsigned)res->n_hits + 1;
        h->score = text ? w : 0.0;
        h->collapsed = collapsed;
        h->collapsed_unknown = opt->by_report && db->remote;
        srch_make_snippet(db, h->passage, strlen(h->passage), &hl,
                          opt->snippet_words, h);
        res->n_hits++;
    }
    if (opt->facets) {
        res->facets = calloc(N_FACETS, sizeof *res->facets);
        for (size_t f = 0; res->facets && f < N_FACETS; f++) {
            srch_facet *fc = &res->facets[res->n_facets++];
            fc->field = facet_slots[f].field;
            const char *v;
            size_t vl;
            uint32_t count;
            for (size_t j = 0; xc_mset_facet(ms, (unsigned)f, j, &v, &vl,
                                             &count) == 1;
                 j++) {
                if (vl == 0)
                    continue; /* unknown values are not a facet */
                srch_facet_value *nv = realloc(
                    fc->values, (fc->n_values + 1) * sizeof *nv);
                if (!nv)
                    break;
                fc->values = nv;
                nv[fc->n_values].value = str_ndup(v, vl);
                nv[fc->n_values].count = count;
                fc->n_values++;
            }
        }
    }
    if (hl.missing.n > 0)
        res->did_you_mean = did_you_mean(db, query, &hl.missing);
    rc = SRCH_OK;
    goto done;
xfail:
    srch_set_error(err, SRCH_ERR, "search failed: %s", xc_last_error());
    rc = SRCH_ERR;
done:
    xc_mset_free(ms);
    xc_enquire_free(enq);
    xc_query_free(q);
    hl_terms_free(&hl);
    if (rc == SRCH_OK)
        *out = res;
    else
        srch_results_free(res);
    return rc;
}
