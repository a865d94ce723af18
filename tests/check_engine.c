/* check_engine.c - the indexer and the searcher together, on small reports
 * written by the test into a temporary folder. */
#define _GNU_SOURCE
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "indexer/indexer.h"
#include "indexer/terms.h"
#include "searcher/searcher.h"
#include "util/buf.h"
#include "xapian-c/xapian-c.h"

static char tmpdir[256];
static char dbdir[300];
static char docs[300];

static const char report_a[] =
    "Inspection of Ashcombe Training Limited\n\n"
    "Inspection dates: 14 to 17 May 2024\n\n"
    "Overall effectiveness\tRequires improvement\n"
    "The quality of education\tRequires improvement\n"
    "Leadership and management\tRequires improvement\n\n"
    "Information about this provider\n\n"
    "Ashcombe Training Limited is an independent learning provider in "
    "Exeter. It has 310 apprentices on standards-based apprenticeships.\n\n"
    "What does the provider do well and what does it need to do better?\n\n"
    "Leaders have not ensured that apprentices receive their entitlement "
    "to off-the-job training. Too many apprentices fall behind.\n\n"
    "Staff shortages prevented several apprentices from completing their "
    "programmes on time, and leaders did too little to prevent the delays.\n\n"
    "Safeguarding\n\n"
    "The arrangements for safeguarding are effective.\n\n"
    "Apprentices understand the Prevent duty and the risks of "
    "radicalisation and extremism in their workplaces. Tutors cover "
    "'Prevent' in every progress review.\n\n"
    "Provider details\n\n"
    "Unique reference number\t1278341\n"
    "Provider type\tIndependent learning provider\n";

static const char report_b[] =
    "Inspection of Brindle Vale College\n\n"
    "Inspection dates: 3 to 6 June 2019\n\n"
    "Overall effectiveness\tGood\n"
    "The quality of education\tGood\n\n"
    "What does the provider do well and what does it need to do better?\n\n"
    "Learners develop their English and mathematics skills well, and most "
    "achieve their functional skills qualifications at level 2.\n\n"
    "Teachers plan the off the job element of study programmes carefully "
    "with employers.\n\n"
    "Safeguarding\n\n"
    "The arrangements for safeguarding are effective. Staff have had "
    "training on the Prevent duty and DBS checks are thorough.\n\n"
    "Provider details\n\n"
    "Unique reference number\t130999\n"
    "Provider type\tGeneral further education college\n";

static void write_file(const char *dir, const char *name, const char *text)
{
    char *p = str_printf("%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    free(p);
}

typedef struct errs {
    int count;
    char last[512];
} errs;

static void on_error(void *ctx, const char *path, const char *msg)
{
    errs *e = ctx;
    (void)path;
    e->count++;
    snprintf(e->last, sizeof e->last, "%s", msg);
}

static idx_stats run_index(const char *path, int prune, errs *e)
{
    idx_callbacks cb = {on_error, NULL, NULL, e};
    idx_indexer *ix = NULL;
    char *err = NULL;
    ck_assert_int_eq(idx_open(dbdir, &cb, &ix, &err), IDX_OK);
    if (path)
        ck_assert_int_eq(idx_add_path(ix, path, &err), IDX_OK);
    if (prune)
        ck_assert_int_eq(idx_prune(ix, &err), IDX_OK);
    idx_stats st = *idx_get_stats(ix);
    ck_assert_int_eq(idx_close(ix, &err), IDX_OK);
    return st;
}

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/check_engine.XXXXXX", t && *t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(dbdir, sizeof dbdir, "%s/db", tmpdir);
    snprintf(docs, sizeof docs, "%s/docs", tmpdir);
    mkdir(docs, 0755);
    write_file(docs, "ashcombe-2024.txt", report_a);
    write_file(docs, "brindle-2019.txt", report_b);
    write_file(docs, "empty.txt", "");
    errs e = {0, ""};
    idx_stats st = run_index(docs, 0, &e);
    ck_assert_uint_eq(st.files_indexed, 2);
    ck_assert_uint_eq(st.files_failed, 1); /* the empty file */
    ck_assert_int_eq(e.count, 1);
    ck_assert_ptr_nonnull(strstr(e.last, "empty.txt"));
}

static void teardown(void)
{
    char *cmd = str_printf("rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
}

static srch_results *search(const char *q, int by_report)
{
    srch_db *db = NULL;
    srch_error err;
    ck_assert_int_eq(srch_open(dbdir, &db, &err), SRCH_OK);
    srch_options opt = SRCH_OPTIONS_INIT;
    opt.query = q;
    opt.limit = 50;
    opt.by_report = by_report;
    srch_results *res = NULL;
    int rc = srch_search(db, &opt, &res, &err);
    ck_assert_msg(rc == SRCH_OK, "query '%s': %s", q, err.message);
    /* the hits' reports are owned by the results, the db can go */
    srch_close(db);
    return res;
}

static int hits_contain(const srch_results *r, const char *needle)
{
    for (size_t i = 0; i < r->n_hits; i++)
        if (strstr(r->hits[i].passage, needle))
            return 1;
    return 0;
}

static int all_hits_contain(const srch_results *r, const char *needle)
{
    for (size_t i = 0; i < r->n_hits; i++)
        if (!strstr(r->hits[i].passage, needle))
            return 0;
    return r->n_hits > 0;
}

START_TEST(test_word_and_stem)
{
    srch_results *r = search("apprentice", 0);
    ck_assert_uint_ge(r->n_hits, 2);
    ck_assert(hits_contain(r, "apprentices"));
    /* every hit has its report */
    for (size_t i = 0; i < r->n_hits; i++) {
        ck_assert_ptr_nonnull(r->hits[i].report);
        ck_assert_str_eq(r->hits[i].report->provider, "Ashcombe Training Limited");
        ck_assert_uint_ge(r->hits[i].n_highlights, 1);
    }
    srch_results_free(r);
}
END_TEST

START_TEST(test_prevent_duty_vs_verb)
{
    srch_results *r = search("Prevent", 0);
    ck_assert_uint_eq(r->n_hits, 2); /* Ashcombe's and Brindle's duty */
    ck_assert(!hits_contain(r, "prevented several"));
    srch_results_free(r);
    r = search("prevented", 0);
    ck_assert_uint_eq(r->n_hits, 1);
    ck_assert(all_hits_contain(r, "prevented several"));
    /* the highlight marks the verbs, not anything else */
    const srch_hit *h = &r->hits[0];
    ck_assert_uint_eq(h->n_highlights, 2); /* prevented ... prevent */
    ck_assert(strncmp(h->snippet + h->highlights[0].start, "prevented", 9) == 0);
    srch_results_free(r);
}
END_TEST

START_TEST(test_total_is_exact_for_small_results)
{
    /* Even when only one result is asked for, a small total is counted,
     * not guessed. */
    srch_db *db = NULL;
    srch_error err;
    ck_assert_int_eq(srch_open(dbdir, &db, &err), SRCH_OK);
    srch_options opt = SRCH_OPTIONS_INIT;
    opt.query = "apprentices";
    opt.limit = 1;
    srch_results *res = NULL;
    ck_assert_int_eq(srch_search(db, &opt, &res, &err), SRCH_OK);
    ck_assert_uint_eq(res->n_hits, 1);
    ck_assert_uint_eq(res->total_lower, res->total_upper);
    uint32_t total = res->total;
    srch_results_free(res);
    opt.limit = 100;
    ck_assert_int_eq(srch_search(db, &opt, &res, &err), SRCH_OK);
    ck_assert_uint_eq(res->n_hits, total);
    srch_results_free(res);
    srch_close(db);
}
END_TEST

START_TEST(test_snippet_bytes_capped)
{
    /* One paragraph of extraction junk (a 20 KB "word", no spaces) with
     * the match at its end: the snippet stays short and shows the match. */
    char *junk = malloc(20001);
    ck_assert_ptr_nonnull(junk);
    memset(junk, 'x', 20000);
    junk[20000] = '\0';
    char *text = str_printf("Inspection of Cobweb Training Limited\n\n"
                            "Inspection dates: 3 to 6 June 2019\n\n"
                            "Safeguarding\n\n%s zeppelin training.\n", junk);
    write_file(docs, "cobweb.txt", text);
    free(text);
    free(junk);
    errs e = {0, ""};
    run_index(docs, 0, &e);
    srch_results *r = search("zeppelin", 0);
    ck_assert_uint_eq(r->n_hits, 1);
    const srch_hit *h = &r->hits[0];
    ck_assert_uint_le(strlen(h->snippet), 700);
    ck_assert_uint_eq(h->n_highlights, 1);
    ck_assert(strncmp(h->snippet + h->highlights[0].start, "zeppelin", 8) == 0);
    ck_assert_uint_ge(strlen(h->passage), 20000); /* the passage is whole */
    srch_results_free(r);
}
END_TEST

START_TEST(test_hyphenated_phrase)
{
    /* off-the-job finds both the hyphenated and the spaced form */
    srch_results *r = search("off-the-job", 0);
    ck_assert_uint_eq(r->n_hits, 2);
    srch_results_free(r);
    r = search("\"off the job\"", 0);
    ck_assert_uint_eq(r->n_hits, 2);
    /* a phrase is highlighted as one span */
    for (size_t i = 0; i < r->n_hits; i++) {
        const srch_hit *h = &r->hits[i];
        ck_assert_uint_eq(h->n_highlights, 1);
        size_t n = h->highlights[0].end - h->highlights[0].start;
        ck_assert_uint_eq(n, strlen("off-the-job"));
    }
    srch_results_free(r);
}
END_TEST

START_TEST(test_filters)
{
    srch_results *r = search("safeguarding grade:good", 0);
    ck_assert_uint_ge(r->n_hits, 1);
    for (size_t i = 0; i < r->n_hits; i++)
        ck_assert_str_eq(r->hits[i].report->grade, "good");
    srch_results_free(r);
    r = search("safeguarding year:2024", 0);
    for (size_t i = 0; i < r->n_hits; i++)
        ck_assert_str_eq(r->hits[i].report->date_start, "2024-05-14");
    ck_assert_uint_ge(r->n_hits, 1);
    srch_results_free(r);
    r = search("safeguarding date:2019-01-01..2019-12-31", 0);
    ck_assert_uint_ge(r->n_hits, 1);
    for (size_t i = 0; i < r->n_hits; i++)
        ck_assert_str_eq(r->hits[i].report->urn, "130999");
    srch_results_free(r);
    r = search("safeguarding -urn:130999", 0);
    ck_assert_uint_ge(r->n_hits, 1);
    for (size_t i = 0; i < r->n_hits; i++)
        ck_assert_str_eq(r->hits[i].report->urn, "1278341");
    srch_results_free(r);
    r = search("provider:ashcombe", 0);
    ck_assert_uint_ge(r->n_hits, 3);
    for (size_t i = 0; i < r->n_hits; i++)
        ck_assert_str_eq(r->hits[i].report->urn, "1278341");
    srch_results_free(r);
    r = search("type:college Prevent", 0);
    ck_assert_uint_eq(r->n_hits, 1);
    srch_results_free(r);
}
END_TEST

START_TEST(test_by_report_and_boolean)
{
    srch_results *r = search("safeguarding OR apprentices", 1);
    ck_assert_uint_eq(r->n_hits, 2); /* one per report */
    ck_assert_str_ne(r->hits[0].report->id, r->hits[1].report->id);
    srch_results_free(r);
    r = search("safeguarding NOT Prevent", 0);
    ck_assert(!hits_contain(r, "Prevent"));
    ck_assert_uint_ge(r->n_hits, 1);
    srch_results_free(r);
    r = search("radicalisation NEAR/3 extremism", 0);
    ck_assert_uint_eq(r->n_hits, 1);
    srch_results_free(r);
    r = search("radical*", 0);
    ck_assert_uint_eq(r->n_hits, 1);
    srch_results_free(r);
}
END_TEST

START_TEST(test_bad_query_and_no_match)
{
    srch_db *db = NULL;
    srch_error err;
    ck_assert_int_eq(srch_open(dbdir, &db, &err), SRCH_OK);
    srch_options opt = SRCH_OPTIONS_INIT;
    srch_results *res = NULL;
    opt.query = "safeguarding AND (training";
    ck_assert_int_eq(srch_search(db, &opt, &res, &err), SRCH_ERR_QUERY);
    ck_assert_uint_gt(err.column, 0);
    ck_assert_ptr_null(res);
    opt.query = "zebra";
    ck_assert_int_eq(srch_search(db, &opt, &res, &err), SRCH_OK);
    ck_assert_uint_eq(res->n_hits, 0);
    srch_results_free(res);
    opt.query = "safegaurding";
    ck_assert_int_eq(srch_search(db, &opt, &res, &err), SRCH_OK);
    ck_assert_uint_eq(res->n_hits, 0);
    ck_assert_ptr_nonnull(res->did_you_mean);
    /* terms are stems: the suggestion is the stem, which finds the same */
    ck_assert_str_eq(res->did_you_mean, "safeguard");
    srch_results_free(res);
    srch_close(db);
}
END_TEST

START_TEST(test_show_reports_stats)
{
    srch_db *db = NULL;
    srch_error err;
    ck_assert_int_eq(srch_open(dbdir, &db, &err), SRCH_OK);
    srch_shown *s = NULL;
    ck_assert_int_eq(srch_show(db, "1278341", &s, &err), SRCH_OK);
    ck_assert_str_eq(s->report->provider, "Ashcombe Training Limited");
    ck_assert_str_eq(s->report->grade, "requires-improvement");
    ck_assert_uint_ge(s->n_passages, 4);
    for (size_t i = 0; i < s->n_passages; i++)
        ck_assert_uint_eq(s->passages[i].passage_index, i);
    char id[13];
    snprintf(id, sizeof id, "%s", s->report->id);
    srch_shown_free(s);
    ck_assert_int_eq(srch_show(db, id, &s, &err), SRCH_OK);
    ck_assert_str_eq(s->report->urn, "1278341");
    srch_shown_free(s);
    char *file = str_printf("%s/brindle-2019.txt", docs);
    ck_assert_int_eq(srch_show(db, file, &s, &err), SRCH_OK);
    ck_assert_str_eq(s->report->urn, "130999");
    srch_shown_free(s);
    free(file);
    ck_assert_int_eq(srch_show(db, "999999", &s, &err), SRCH_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(err.message, "999999"));

    srch_report_list *l = NULL;
    ck_assert_int_eq(srch_reports(db, "", SRCH_SORT_DATE_DESC, 0, 0, &l, &err),
                     SRCH_OK);
    ck_assert_uint_eq(l->n, 2);
    ck_assert_str_eq(l->reports[0]->date_start, "2024-05-14"); /* newest */
    srch_report_list_free(l);
    ck_assert_int_eq(srch_reports(db, "grade:good", SRCH_SORT_DATE_DESC, 0, 0,
                                  &l, &err), SRCH_OK);
    ck_assert_uint_eq(l->n, 1);
    ck_assert_str_eq(l->reports[0]->urn, "130999");
    srch_report_list_free(l);
    ck_assert_int_eq(srch_reports(db, "safeguarding", SRCH_SORT_DATE_DESC, 0,
                                  0, &l, &err), SRCH_ERR_QUERY);

    srch_stats st;
    ck_assert_int_eq(srch_get_stats(db, dbdir, &st, &err), SRCH_OK);
    ck_assert_uint_eq(st.reports, 2);
    ck_assert_uint_ge(st.passages, 8);
    ck_assert_uint_gt(st.terms, 50);
    ck_assert_uint_gt(st.size_bytes, 0);
    srch_close(db);
}
END_TEST

START_TEST(test_reindex_unchanged_changed_pruned)
{
    errs e = {0, ""};
    idx_stats st = run_index(docs, 0, &e);
    ck_assert_uint_eq(st.files_unchanged, 2);
    ck_assert_uint_eq(st.files_indexed, 0);
    ck_assert_uint_eq(st.passages, 0);

    /* change one file: its old passages go, the new ones come */
    const char *cut = strstr(report_b, "Safeguarding\n");
    ck_assert_ptr_nonnull(cut);
    char *text = str_printf("%.*sA new paragraph about zeppelins and "
                            "apprentices.\n\n%s", (int)(cut - report_b),
                            report_b, cut);
    write_file(docs, "brindle-2019.txt", text);
    free(text);
    /* make sure the mtime differs even on coarse clocks */
    char *p = str_printf("%s/brindle-2019.txt", docs);
    struct timeval tv[2] = {{1700000000, 0}, {1700000000, 0}};
    utimes(p, tv);
    st = run_index(docs, 0, &e);
    ck_assert_uint_eq(st.files_indexed, 1);
    ck_assert_uint_eq(st.files_unchanged, 1);
    srch_results *r = search("zeppelins", 0);
    ck_assert_uint_eq(r->n_hits, 1);
    srch_results_free(r);
    r = search("\"English and mathematics skills\"", 0);
    ck_assert_uint_eq(r->n_hits, 1); /* not two copies */
    srch_results_free(r);

    /* remove it and prune */
    ck_assert_int_eq(unlink(p), 0);
    free(p);
    st = run_index(NULL, 1, &e);
    ck_assert_uint_eq(st.files_pruned, 1);
    r = search("zeppelins", 0);
    ck_assert_uint_eq(r->n_hits, 0);
    srch_results_free(r);
    r = search("Prevent", 0);
    ck_assert_uint_eq(r->n_hits, 1);
    srch_results_free(r);
}
END_TEST


/* --- themes --- */

static int hit_has_theme(const srch_hit *h, const char *id)
{
    for (size_t i = 0; i < h->n_themes; i++)
        if (strcmp(h->themes[i].id, id) == 0)
            return 1;
    return 0;
}

START_TEST(test_theme_filter_ranks_by_strength)
{
    srch_results *r = search("theme:prevent", 0);
    /* Ashcombe's Prevent passage and Brindle's safeguarding one; never
     * the passage with "prevented ... prevent the delays" */
    ck_assert_uint_eq(r->n_hits, 2);
    ck_assert(!hits_contain(r, "prevented"));
    for (size_t i = 0; i < r->n_hits; i++) {
        ck_assert(hit_has_theme(&r->hits[i], "prevent"));
        ck_assert(r->hits[i].score > 0);
    }
    /* the passage all about the duty outranks the one that mentions it */
    ck_assert_ptr_nonnull(strstr(r->hits[0].passage, "radicalisation"));
    ck_assert(r->hits[0].score > r->hits[1].score);
    /* each hit's theme list is strongest first */
    for (size_t i = 0; i < r->n_hits; i++)
        for (size_t k = 1; k < r->hits[i].n_themes; k++)
            ck_assert(r->hits[i].themes[k - 1].score >=
                      r->hits[i].themes[k].score);
    srch_results_free(r);
    /* text and theme: the text must match */
    r = search("theme:prevent DBS", 0);
    ck_assert_uint_eq(r->n_hits, 1);
    ck_assert(hits_contain(r, "DBS checks"));
    srch_results_free(r);
    /* under OR the theme is only a filter */
    r = search("theme:prevent OR theme:off-the-job", 0);
    ck_assert_uint_ge(r->n_hits, 3);
    srch_results_free(r);
}
END_TEST

START_TEST(test_polarity_of_passages)
{
    srch_results *r = search("polarity:weakness", 0);
    ck_assert(hits_contain(r, "Too many apprentices fall behind"));
    for (size_t i = 0; i < r->n_hits; i++)
        ck_assert_str_eq(r->hits[i].polarity, "weakness");
    srch_results_free(r);
    r = search("polarity:strength", 0);
    ck_assert(hits_contain(r, "develop their English and mathematics skills well"));
    ck_assert(!hits_contain(r, "Too many apprentices fall behind"));
    srch_results_free(r);
}
END_TEST

START_TEST(test_theme_and_polarity_facets)
{
    srch_db *db = NULL;
    srch_error err;
    ck_assert_int_eq(srch_open(dbdir, &db, &err), SRCH_OK);
    srch_options opt = SRCH_OPTIONS_INIT;
    opt.query = "safeguarding OR apprentices OR learners";
    opt.facets = 1;
    srch_results *res = NULL;
    ck_assert_int_eq(srch_search(db, &opt, &res, &err), SRCH_OK);
    int saw_theme = 0, saw_pol = 0;
    for (size_t f = 0; f < res->n_facets; f++) {
        const srch_facet *fc = &res->facets[f];
        if (strcmp(fc->field, "theme") == 0) {
            /* each theme's count equals a search for it */
            for (size_t j = 0; j < fc->n_values; j++) {
                char q[256];
                snprintf(q, sizeof q, "(%s) theme:%s", opt.query,
                         fc->values[j].value);
                srch_results *t = search(q, 0);
                ck_assert_uint_eq(t->total, fc->values[j].count);
                srch_results_free(t);
                saw_theme = 1;
            }
        }
        if (strcmp(fc->field, "polarity") == 0)
            saw_pol = fc->n_values > 0;
    }
    ck_assert(saw_theme && saw_pol);
    srch_results_free(res);
    srch_close(db);
}
END_TEST

START_TEST(test_weaknesses_counts_match_searches)
{
    srch_db *db = NULL;
    srch_error err;
    ck_assert_int_eq(srch_open(dbdir, &db, &err), SRCH_OK);
    srch_agg_options ao = {NULL, 1 /* weakness */, 2, 0};
    srch_aggregate *a = NULL;
    ck_assert_int_eq(srch_aggregate_run(db, &ao, &a, &err), SRCH_OK);
    ck_assert_str_eq(a->polarity, "weakness");
    ck_assert_uint_eq(a->reports_matching, 2);
    ck_assert_uint_ge(a->n_themes, 1);
    for (size_t i = 0; i < a->n_themes; i++) {
        const srch_agg_theme *t = &a->themes[i];
        /* an independent count: distinct reports among the weakness
         * passages about the theme */
        char q[128];
        snprintf(q, sizeof q, "theme:%s polarity:weakness", t->id);
        srch_results *r = search(q, 1);
        ck_assert_uint_eq(t->reports, r->n_hits);
        srch_results_free(r);
        ck_assert(t->share > 0 && t->share <= 1.0);
        ck_assert_double_eq_tol(t->share, (double)t->reports / 2, 1e-9);
        uint32_t sum = 0;
        for (size_t y = 0; y < t->n_years; y++)
            sum += t->by_year[y].reports;
        ck_assert_uint_eq(sum, t->reports);
        ck_assert_uint_ge(t->n_examples, 1);
        for (size_t k = 0; k < t->n_examples; k++) {
            ck_assert_str_eq(t->examples[k].polarity, "weakness");
            ck_assert(hit_has_theme(&t->examples[k], t->id));
            ck_assert_ptr_nonnull(t->examples[k].report);
        }
        if (i > 0)
            ck_assert_uint_ge(a->themes[i - 1].reports, t->reports);
    }
    /* years: one report each in 2019 and 2024 */
    ck_assert_uint_eq(a->n_years, 2);
    ck_assert_str_eq(a->years[0].year, "2019");
    ck_assert_str_eq(a->years[1].year, "2024");
    srch_aggregate_free(a);
    /* a filter narrows the reports */
    ao.query = "grade:good";
    ck_assert_int_eq(srch_aggregate_run(db, &ao, &a, &err), SRCH_OK);
    ck_assert_uint_eq(a->reports_matching, 1);
    srch_aggregate_free(a);
    ao.query = "grade:";
    ck_assert_int_eq(srch_aggregate_run(db, &ao, &a, &err), SRCH_ERR_QUERY);
    srch_close(db);
}
END_TEST

START_TEST(test_themes_list_counts)
{
    srch_db *db = NULL;
    srch_error err;
    ck_assert_int_eq(srch_open(dbdir, &db, &err), SRCH_OK);
    srch_theme_list *l = NULL;
    ck_assert_int_eq(srch_themes(db, &l, &err), SRCH_OK);
    ck_assert_uint_ge(l->n, 24);
    int found = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->themes[i].id, "prevent") != 0)
            continue;
        found = 1;
        ck_assert_uint_eq(l->themes[i].passages, 2);
        ck_assert_uint_eq(l->themes[i].reports, 2);
    }
    ck_assert(found);
    ck_assert_ptr_nonnull(srch_themes_text(db));
    srch_theme_list_free(l);
    srch_close(db);
}
END_TEST

/* --- rebuilding with other themes --- */

static const char other_themes[] =
    "[food]\nname = Catering\n4 catering\n4 hospitality\n"
    "[polarity]\nweakness 2 too few\n";

static int stop_now(void *ctx)
{
    (void)ctx;
    return 1;
}

static size_t count_passages(void)
{
    srch_db *db = NULL;
    srch_error err;
    srch_stats st;
    ck_assert_int_eq(srch_open(dbdir, &db, &err), SRCH_OK);
    ck_assert_int_eq(srch_get_stats(db, dbdir, &st, &err), SRCH_OK);
    srch_close(db);
    return (size_t)st.passages;
}

static int index_has_theme(const char *id)
{
    srch_db *db = NULL;
    srch_error err;
    ck_assert_int_eq(srch_open(dbdir, &db, &err), SRCH_OK);
    srch_theme_list *l = NULL;
    ck_assert_int_eq(srch_themes(db, &l, &err), SRCH_OK);
    int found = 0;
    for (size_t i = 0; i < l->n; i++)
        found |= strcmp(l->themes[i].id, id) == 0;
    srch_theme_list_free(l);
    srch_close(db);
    return found;
}

START_TEST(test_other_themes_rebuild_or_nothing)
{
    size_t before = count_passages();
    idx_options opt = IDX_OPTIONS_INIT;
    opt.themes_text = other_themes;
    opt.themes_source = "test themes";
    idx_indexer *ix = NULL;
    char *err = NULL;
    /* opening with other themes says so, and changes nothing */
    ck_assert_int_eq(idx_open_with(dbdir, NULL, &opt, &ix, &err),
                     IDX_ERR_THEMES_DIFFER);
    ck_assert_ptr_nonnull(err);
    free(err);
    err = NULL;
    /* a rebuild stopped half way leaves the old index whole */
    idx_callbacks stop = {NULL, NULL, stop_now, NULL};
    idx_stats st;
    ck_assert_int_eq(idx_rebuild(dbdir, &stop, &opt, NULL, 0, &st, &err),
                     IDX_ERR_INTERRUPTED);
    free(err);
    err = NULL;
    ck_assert(index_has_theme("prevent"));
    ck_assert(!index_has_theme("food"));
    ck_assert_uint_eq(count_passages(), before);
    char *work = str_printf("%s.rebuild", dbdir);
    struct stat sb;
    ck_assert_int_ne(stat(work, &sb), 0); /* cleaned up */
    /* a whole rebuild puts the new themes in place, same passages */
    errs e = {0, ""};
    idx_callbacks cb = {on_error, NULL, NULL, &e};
    ck_assert_int_eq(idx_rebuild(dbdir, &cb, &opt, NULL, 0, &st, &err),
                     IDX_OK);
    ck_assert_uint_eq(st.files_indexed, 2);
    ck_assert(index_has_theme("food"));
    ck_assert(!index_has_theme("prevent"));
    ck_assert_uint_eq(count_passages(), before);
    ck_assert_int_ne(stat(work, &sb), 0);
    free(work);
    /* and later runs keep them without being told */
    ck_assert_int_eq(idx_open(dbdir, NULL, &ix, &err), IDX_OK);
    ck_assert_int_eq(idx_close(ix, &err), IDX_OK);
    ck_assert(index_has_theme("food"));
}
END_TEST

/* --- providers --- */

START_TEST(test_history_and_similar)
{
    srch_db *db = NULL;
    srch_error err;
    ck_assert_int_eq(srch_open(dbdir, &db, &err), SRCH_OK);
    srch_history *h = NULL;
    ck_assert_int_eq(srch_provider_history(db, "1278341", &h, &err), SRCH_OK);
    ck_assert_str_eq(h->provider, "Ashcombe Training Limited");
    ck_assert_str_eq(h->urn, "1278341");
    ck_assert_uint_eq(h->n_reports, 1);
    ck_assert_str_eq(h->reports[0].report->date_start, "2024-05-14");
    srch_history_free(h);
    /* by name, any of its words */
    ck_assert_int_eq(srch_provider_history(db, "brindle", &h, &err), SRCH_OK);
    ck_assert_str_eq(h->urn, "130999");
    srch_history_free(h);
    ck_assert_int_eq(srch_provider_history(db, "Nowhere Training", &h, &err),
                     SRCH_ERR_NOT_FOUND);
    ck_assert_ptr_null(h);
    ck_assert_ptr_nonnull(strstr(err.message, "no provider called"));

    srch_similar_options so = SRCH_SIMILAR_OPTIONS_INIT;
    so.who = "Ashcombe";
    srch_similar *s = NULL;
    ck_assert_int_eq(srch_similar_run(db, &so, &s, &err), SRCH_OK);
    ck_assert_str_eq(s->target->provider, "Ashcombe Training Limited");
    ck_assert_uint_eq(s->n_peers, 1);
    const srch_peer *p = &s->peers[0];
    ck_assert_str_eq(p->provider, "Brindle Vale College");
    ck_assert(p->score >= 0 && p->score <= 1);
    ck_assert_double_eq_tol(p->score, 0.7 * p->findings + 0.3 * p->profile,
                            1e-9);
    ck_assert(!p->same_type); /* a training provider and a college */
    ck_assert(p->text >= 0 && p->text <= 1.0 + 1e-9);
    ck_assert(p->text > 0); /* both reports speak of safeguarding, Prevent */
    srch_similar_free(s);
    /* --same-type leaves no one; --improved neither (no later reports) */
    so.same_type = 1;
    ck_assert_int_eq(srch_similar_run(db, &so, &s, &err), SRCH_OK);
    ck_assert_uint_eq(s->n_peers, 0);
    srch_similar_free(s);
    so.same_type = 0;
    so.improved = 1;
    ck_assert_int_eq(srch_similar_run(db, &so, &s, &err), SRCH_OK);
    ck_assert_uint_eq(s->n_peers, 0);
    srch_similar_free(s);
    /* a report id instead of a provider */
    so.improved = 0;
    so.who = NULL;
    so.report_id = "nosuchreport";
    ck_assert_int_eq(srch_similar_run(db, &so, &s, &err), SRCH_ERR_NOT_FOUND);
    srch_close(db);
}
END_TEST


typedef struct waiter {
    idx_indexer *ix;
    int rc;
} waiter;

static void *open_waiting(void *arg)
{
    waiter *w = arg;
    idx_options opt = IDX_OPTIONS_INIT;
    opt.wait_for_lock = 1;
    char *err = NULL;
    w->rc = idx_open_with(dbdir, NULL, &opt, &w->ix, &err);
    free(err);
    return NULL;
}

/* A second writer is told which process holds the index, or waits. */
START_TEST(test_second_writer_named_or_waits)
{
    idx_indexer *a = NULL, *b = NULL;
    char *err = NULL;
    ck_assert_int_eq(idx_open(dbdir, NULL, &a, &err), IDX_OK);
    ck_assert_int_eq(idx_open(dbdir, NULL, &b, &err), IDX_ERR_LOCK);
    ck_assert_ptr_null(b);
    char want[64];
    snprintf(want, sizeof want, "locked by process %ld", (long)getpid());
    ck_assert_msg(strstr(err, want) != NULL, "%s", err);
    ck_assert_ptr_nonnull(strstr(err, "--wait"));
    free(err);
    err = NULL;
    /* --wait: the second opens once the first has closed */
    waiter w = {NULL, 99};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, open_waiting, &w), 0);
    usleep(200 * 1000);
    ck_assert_int_eq(w.rc, 99); /* still waiting */
    ck_assert_int_eq(idx_close(a, &err), IDX_OK);
    pthread_join(t, NULL);
    ck_assert_int_eq(w.rc, IDX_OK);
    ck_assert_int_eq(idx_close(w.ix, &err), IDX_OK);
    /* searches go on meanwhile: the lock is the writers' only */
    srch_results *r = search("apprentices", 0);
    ck_assert_uint_gt(r->n_hits, 0);
    srch_results_free(r);
}
END_TEST

/* Rewrite every passage of every shard the way indexes made before
 * SLOT_PASSAGE_TEXT stored it: the text in the document data, no value.
 * Returns how many passages it rewrote. */
static size_t rewrite_passages_old_layout(void)
{
    size_t rewritten = 0;
    for (int s = 0; s < 16; s++) {
        char path[400];
        snprintf(path, sizeof path, "%s/shard-%d", dbdir, s);
        struct stat st;
        if (stat(path, &st) != 0)
            break;
        xc_db *db = NULL;
        ck_assert_int_eq(xc_db_open(path, XC_OPEN_WRITE_EXISTING, &db), XC_OK);
        uint32_t ids[4096];
        size_t n = 0;
        ck_assert_int_eq(xc_db_postings(db, TERM_DOCTYPE "passage", ids, 4096, &n),
                         XC_OK);
        ck_assert_uint_lt(n, 4096);
        for (size_t i = 0; i < n; i++) {
            xc_doc *doc = NULL;
            ck_assert_int_eq(xc_db_get_document(db, ids[i], &doc), XC_OK);
            const char *v;
            size_t vn;
            ck_assert_int_eq(xc_doc_get_value(doc, SLOT_PASSAGE_TEXT, &v, &vn), XC_OK);
            ck_assert_uint_gt(vn, 0); /* a new index has the value */
            ck_assert_int_eq(v[0], PASSAGE_PACKED);
            const char *nl = memchr(v, '\n', vn);
            ck_assert_ptr_nonnull(nl);
            /* the old layout: the body alone, in the data */
            size_t bn = vn - (size_t)(nl + 1 - v);
            char *text = strndup(nl + 1, bn);
            /* and the passage index in its own slot (read before the
             * document changes: `v` is borrowed) */
            const char *tab = memchr(v, '\t', vn);
            ck_assert_ptr_nonnull(tab);
            char num[16];
            snprintf(num, sizeof num, "%lu", strtoul(tab + 1, NULL, 10));
            ck_assert_int_eq(xc_doc_set_data(doc, text, bn), XC_OK);
            ck_assert_int_eq(xc_doc_add_value(doc, SLOT_PASSAGE, num, strlen(num)),
                             XC_OK);
            ck_assert_int_eq(xc_doc_add_value(doc, SLOT_PASSAGE_TEXT, "", 0), XC_OK);
            /* added before the original goes: the copy reads its terms
             * from it */
            ck_assert_int_eq(xc_db_add_document(db, doc, NULL), XC_OK);
            ck_assert_int_eq(xc_db_delete_document(db, ids[i]), XC_OK);
            free(text);
            xc_doc_free(doc);
            rewritten++;
        }
        ck_assert_int_eq(xc_db_commit(db), XC_OK);
        xc_db_close(db);
    }
    return rewritten;
}

/* A passage's text moved from the document data to a value, with what a
 * hit shows packed in front of it (format feature 3); an index made
 * before that (text in the data, themes, polarity, report and index in
 * their own slots) must read the same. */
START_TEST(test_passage_text_old_layout)
{
    const char *queries[] = {"Prevent", "apprentices", "\"off-the-job\""};
    srch_results *before[3];
    for (int q = 0; q < 3; q++) {
        before[q] = search(queries[q], 0);
        ck_assert_uint_ge(before[q]->n_hits, 1);
    }
    size_t n = count_passages();
    ck_assert_uint_gt(n, 0);
    ck_assert_uint_eq(rewrite_passages_old_layout(), n); /* every one */
    size_t themed = 0;
    for (int q = 0; q < 3; q++) {
        srch_results *after = search(queries[q], 0);
        ck_assert_uint_eq(after->n_hits, before[q]->n_hits);
        for (size_t i = 0; i < after->n_hits; i++) {
            const srch_hit *a = &after->hits[i], *b = &before[q]->hits[i];
            ck_assert_str_eq(a->passage, b->passage);
            ck_assert_str_eq(a->section, b->section);
            ck_assert_str_eq(a->snippet, b->snippet);
            ck_assert_uint_eq(a->page, b->page);
            ck_assert_uint_eq(a->passage_index, b->passage_index);
            /* the packed header against the separate slots */
            ck_assert_str_eq(a->polarity, b->polarity);
            ck_assert_str_eq(a->report->id, b->report->id);
            ck_assert_uint_eq(a->n_themes, b->n_themes);
            themed += a->n_themes;
            for (size_t t = 0; t < a->n_themes; t++) {
                ck_assert_str_eq(a->themes[t].id, b->themes[t].id);
                ck_assert(a->themes[t].score == b->themes[t].score);
            }
        }
        srch_results_free(after);
        srch_results_free(before[q]);
    }
    ck_assert_uint_gt(themed, 0); /* themes were compared */
}
END_TEST

static Suite *engine_suite(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("index+search");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_word_and_stem);
    tcase_add_test(tc, test_prevent_duty_vs_verb);
    tcase_add_test(tc, test_hyphenated_phrase);
    tcase_add_test(tc, test_total_is_exact_for_small_results);
    tcase_add_test(tc, test_snippet_bytes_capped);
    tcase_add_test(tc, test_filters);
    tcase_add_test(tc, test_by_report_and_boolean);
    tcase_add_test(tc, test_bad_query_and_no_match);
    tcase_add_test(tc, test_show_reports_stats);
    tcase_add_test(tc, test_reindex_unchanged_changed_pruned);
    tcase_add_test(tc, test_theme_filter_ranks_by_strength);
    tcase_add_test(tc, test_polarity_of_passages);
    tcase_add_test(tc, test_theme_and_polarity_facets);
    tcase_add_test(tc, test_weaknesses_counts_match_searches);
    tcase_add_test(tc, test_themes_list_counts);
    tcase_add_test(tc, test_other_themes_rebuild_or_nothing);
    tcase_add_test(tc, test_history_and_similar);
    tcase_add_test(tc, test_second_writer_named_or_waits);
    tcase_add_test(tc, test_passage_text_old_layout);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(engine_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
