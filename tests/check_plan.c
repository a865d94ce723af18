/* check_plan.c - srch_plan_make on small reports written by the test, for
 * the cases the sample corpus does not have: a recommendations heading the
 * parser reads as a passage, a summary list used only when there is
 * nothing better, a lead-in and the report's furniture around a list, a
 * bullet that starts with an unusual verb, and the statuses against an
 * earlier report. */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "util/buf.h"

static char tmpdir[256];
static char dbdir[300];
static char docs[300];

typedef struct fixture {
    const char *file, *text;
} fixture;

static const fixture fixtures[] = {
    {"oakfield-2019.txt",
     "Inspection of Oakfield Training Limited\n\n"
     "Inspection dates: 5 to 8 March 2019\n\n"
     "Overall effectiveness\tRequires improvement\n"
     "The quality of education\tRequires improvement\n\n"
     "Information about this provider\n\n"
     "Oakfield Training Limited is an independent learning provider in "
     "Derby. It has 210 apprentices.\n\n"
     "What does the provider do well and what does it need to do better?\n\n"
     "Too many apprentices do not receive their entitlement to off-the-job "
     "training. Employers often cancel training days, and leaders do not "
     "check the hours that apprentices spend in training.\n\n"
     "Progress reviews are weak. Tutors set vague targets and do not check "
     "whether apprentices have met them at the next review.\n\n"
     "Apprentices who work shifts miss many of their training sessions "
     "because the timetable does not take account of their working "
     "patterns.\n\n"
     "Leaders do not check the quality of training well enough. "
     "Self-assessment is too generous.\n\n"
     "What does the provider need to do to improve?\n\n"
     "- Ensure that all apprentices receive their full entitlement to "
     "off-the-job training.\n"
     "- Improve progress reviews so that tutors set precise targets and "
     "check them at each review.\n"
     "- Rethink the timetable so that apprentices who work shifts can "
     "attend their training sessions.\n"
     "- Ensure that leaders check the quality of training regularly and "
     "that self-assessment is accurate.\n\n"
     "Provider details\n\nUnique reference number\t2200001\n"
     "Provider type\tIndependent learning provider\n"},
    {"oakfield-2023.txt",
     "Inspection of Oakfield Training Limited\n\n"
     "Inspection dates: 7 to 10 March 2023\n\n"
     "Overall effectiveness\tGood\nThe quality of education\tGood\n\n"
     "Information about this provider\n\n"
     "Oakfield Training Limited is an independent learning provider in "
     "Derby. It has 230 apprentices.\n\n"
     "What does the provider do well and what does it need to do better?\n\n"
     "Apprentices now receive their full entitlement to off-the-job "
     "training. Tutors and employers plan it well together, and leaders "
     "check the hours carefully each month.\n\n"
     "Progress reviews remain weak. Tutors still set vague targets and do "
     "not check whether apprentices have met them.\n\n"
     "Leaders have an accurate view of the quality of training. "
     "Self-assessment is accurate and identifies the right priorities.\n\n"
     "Apprentices receive little impartial careers advice about the "
     "options open to them beyond their current employer.\n\n"
     "What does the provider need to do to improve?\n\n"
     "- Improve progress reviews so that tutors set precise targets and "
     "check them at each review.\n"
     "- Ensure that apprentices receive impartial careers advice about the "
     "options open to them.\n\n"
     "Provider details\n\nUnique reference number\t2200001\n"
     "Provider type\tIndependent learning provider\n"},
    {"birchley-college-2009.txt",
     "Birchley College\n\nInspection report\n\n"
     "Unique reference number: 2200002\n\n"
     "Last day of inspection: 20 November 2009\n\n"
     "Overall effectiveness of provision\tGrade 3\n\n"
     "Key strengths\n- good teaching in health and social care\n"
     "- effective support for learners with learning difficulties\n\n"
     "Areas for improvement\n- low success rates on level 2 courses\n"
     "- poor attendance in foundation learning\n\n"
     "What does Birchley College need to do to improve?\n"
     "- Raise success rates on level 2 courses by tracking learners' "
     "progress more closely.\n"
     "- Improve attendance in foundation learning by following up every "
     "absence promptly.\n"
     "- Strengthen the monitoring of quality improvement plans by "
     "curriculum managers.\n"},
    {"cedar-college-2008.txt",
     "Cedar College\n\nInspection report\n\n"
     "Unique reference number: 2200003\n\n"
     "Last day of inspection: 14 February 2008\n\n"
     "Overall effectiveness of provision\tGrade 2\n\n"
     "Key strengths\n- high success rates on advanced courses\n"
     "- inspiring teaching in art and design\n\n"
     "Areas for improvement\n\nThe college should:\n"
     "- raise retention on part-time evening courses for adults\n"
     "- extend the use of the virtual learning environment in business "
     "studies.\n\n"
     "Further aspects of provision requiring improvement are identified "
     "in the full report.\n"},
    {"damson-training-2021-monitoring.txt",
     "Monitoring visit report\n\nDamson Training Limited\n\n"
     "Unique reference number: 2200004\n\n"
     "Monitoring visit: main findings\n\n"
     "Inspection dates: 9 and 10 March 2021\n\nThemes\n\n"
     "What progress are leaders and managers making in ensuring that "
     "apprentices receive good training? Reasonable progress\n\n"
     "Tutors plan training well for most apprentices, although a few "
     "apprentices have fallen behind.\n\n"
     "Leaders and managers should take further action to:\n\n"
     "- ensure that apprentices who have fallen behind catch up quickly\n"
     "- involve employers more closely in planning training.\n\n"
     "This report was produced from a remote visit.\n"},
    {"elm-college-2020-interim.txt",
     "Interim visit report\n\nElm College\n\n"
     "Unique reference number: 2200005\n\n"
     "Inspection dates: 3 and 4 November 2020\n\n"
     "Context and focus of visit\n\n"
     "Leaders have moved most teaching online since the spring. Learners "
     "told inspectors that they value the recorded lessons.\n"},
};
#define N_FIXTURES (sizeof fixtures / sizeof fixtures[0])

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/check_plan.XXXXXX",
             t && *t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(dbdir, sizeof dbdir, "%s/db", tmpdir);
    snprintf(docs, sizeof docs, "%s/docs", tmpdir);
    mkdir(docs, 0755);
    for (size_t i = 0; i < N_FIXTURES; i++) {
        char *p = str_printf("%s/%s", docs, fixtures[i].file);
        FILE *f = fopen(p, "w");
        ck_assert_ptr_nonnull(f);
        fputs(fixtures[i].text, f);
        fclose(f);
        free(p);
    }
    idx_indexer *ix = NULL;
    char *err = NULL;
    ck_assert_int_eq(idx_open(dbdir, NULL, &ix, &err), IDX_OK);
    ck_assert_int_eq(idx_add_path(ix, docs, &err), IDX_OK);
    ck_assert_uint_eq(idx_get_stats(ix)->files_indexed, N_FIXTURES);
    ck_assert_int_eq(idx_close(ix, &err), IDX_OK);
}

static void teardown(void)
{
    char *cmd = str_printf("rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
}

/* The plan of a fixture file (or a URN or name), or NULL with err set. */
static srch_plan *plan_of(srch_db *db, const char *who, const char *since,
                          int no_since, srch_error *err)
{
    char *path = strchr(who, '.') ? str_printf("%s/%s", docs, who)
                                  : str_dup(who);
    char *since_path = since ? str_printf("%s/%s", docs, since) : NULL;
    srch_plan_options po = SRCH_PLAN_OPTIONS_INIT;
    po.who = path;
    po.since = since_path;
    po.no_since = no_since;
    srch_plan *p = NULL;
    int rc = srch_plan_make(db, &po, &p, err);
    free(path);
    free(since_path);
    if (rc != SRCH_OK)
        ck_assert_ptr_null(p);
    return p;
}

/* How many items' recommendations start with `prefix`. */
static size_t items_starting(const srch_plan *p, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_items; i++)
        n += strncmp(p->items[i].recommendation->passage, prefix,
                     strlen(prefix)) == 0;
    return n;
}

static const srch_plan_progress *progress_on(const srch_plan *p,
                                             const char *theme)
{
    for (size_t i = 0; i < p->n_progress; i++)
        if (strcmp(p->progress[i].theme_id, theme) == 0)
            return &p->progress[i];
    return NULL;
}

static srch_db *open_db(void)
{
    srch_db *db = NULL;
    srch_error err;
    ck_assert_int_eq(srch_open(dbdir, &db, &err), SRCH_OK);
    return db;
}

START_TEST(test_heading_read_as_a_passage)
{
    /* The parser keeps "What does Birchley College need to do to improve?"
     * inside "Areas for improvement": the heading still starts the list,
     * and the summary list above it is not used. */
    srch_db *db = open_db();
    srch_error err;
    srch_plan *p = plan_of(db, "birchley-college-2009.txt", NULL, 1, &err);
    ck_assert_msg(p != NULL, "%s", err.message);
    ck_assert_uint_eq(p->n_items, 3);
    ck_assert_uint_eq(items_starting(p, "Raise success rates"), 1);
    ck_assert_uint_eq(items_starting(p, "Improve attendance"), 1);
    ck_assert_uint_eq(items_starting(p, "Strengthen the monitoring"), 1);
    ck_assert_uint_eq(items_starting(p, "low success"), 0);
    ck_assert_uint_eq(items_starting(p, "What does"), 0);
    srch_plan_free(p);
    srch_close(db);
}
END_TEST

START_TEST(test_summary_list_lead_in_and_furniture)
{
    /* only "Areas for improvement": used; its lead-in and the sentence
     * after the list are not items */
    srch_db *db = open_db();
    srch_error err;
    srch_plan *p = plan_of(db, "cedar-college-2008.txt", NULL, 1, &err);
    ck_assert_msg(p != NULL, "%s", err.message);
    ck_assert_uint_eq(p->n_items, 2);
    ck_assert_uint_eq(items_starting(p, "raise retention"), 1);
    ck_assert_uint_eq(items_starting(p, "extend the use"), 1);
    ck_assert_uint_eq(items_starting(p, "The college should"), 0);
    ck_assert_uint_eq(items_starting(p, "Further aspects"), 0);
    ck_assert_ptr_null(p->previous);
    for (size_t i = 0; i < p->n_items; i++) {
        ck_assert_ptr_null(p->items[i].status);
        ck_assert_str_eq(p->items[i].rag, "");
    }
    srch_plan_free(p);
    srch_close(db);
}
END_TEST

START_TEST(test_further_action)
{
    srch_db *db = open_db();
    srch_error err;
    srch_plan *p = plan_of(db, "2200004", NULL, 0, &err);
    ck_assert_msg(p != NULL, "%s", err.message);
    ck_assert_uint_eq(p->n_items, 2);
    ck_assert_uint_eq(items_starting(p, "ensure that apprentices who"), 1);
    ck_assert_uint_eq(items_starting(p, "involve employers"), 1);
    ck_assert_uint_eq(items_starting(p, "This report"), 0);
    srch_plan_free(p);
    srch_close(db);
}
END_TEST

START_TEST(test_unusual_verb_and_grouping)
{
    srch_db *db = open_db();
    srch_error err;
    srch_plan *p = plan_of(db, "oakfield-2019.txt", NULL, 0, &err);
    ck_assert_msg(p != NULL, "%s", err.message);
    ck_assert_uint_eq(p->n_items, 4);
    /* "Rethink" is not one of the verbs: a bullet between two items */
    ck_assert_uint_eq(items_starting(p, "Rethink the timetable"), 1);
    ck_assert_ptr_null(p->previous); /* its earliest report */
    /* grouped: each theme's items together, themes in first-item order */
    for (size_t i = 0; i + 1 < p->n_items; i++)
        for (size_t k = i + 2; k < p->n_items; k++)
            ck_assert(!(p->items[i].theme == p->items[k].theme &&
                        p->items[i + 1].theme != p->items[i].theme));
    ck_assert_str_eq(p->items[0].theme->id, "off-the-job");
    ck_assert_uint_eq(p->items[0].n_evidence, 1);
    ck_assert_ptr_nonnull(strstr(p->items[0].evidence[0]->passage,
                                 "entitlement to off-the-job"));
    srch_plan_free(p);
    srch_close(db);
}
END_TEST

START_TEST(test_progress)
{
    /* by URN: the latest report, against the one before */
    srch_db *db = open_db();
    srch_error err;
    srch_plan *p = plan_of(db, "2200001", NULL, 0, &err);
    ck_assert_msg(p != NULL, "%s", err.message);
    ck_assert_str_eq(p->report->date_start, "2023-03-07");
    ck_assert_ptr_nonnull(p->previous);
    ck_assert_str_eq(p->previous->date_start, "2019-03-05");
    ck_assert_uint_eq(p->n_progress, 4);
    const srch_plan_progress *g = progress_on(p, "off-the-job");
    ck_assert_ptr_nonnull(g);
    ck_assert_str_eq(g->status, "resolved");
    ck_assert_str_eq(g->rag, "green");
    ck_assert_ptr_nonnull(g->now);
    ck_assert_ptr_nonnull(strstr(g->now->passage, "now receive"));
    g = progress_on(p, "progress-reviews");
    ck_assert_ptr_nonnull(g);
    ck_assert_str_eq(g->status, "persisting");
    ck_assert_str_eq(g->rag, "amber");
    ck_assert_ptr_nonnull(strstr(g->now->passage, "Improve progress reviews"));
    /* the items now: progress reviews again, careers advice new */
    ck_assert_uint_eq(p->n_items, 2);
    ck_assert_uint_eq(p->n_new, 1);
    for (size_t i = 0; i < p->n_items; i++) {
        const srch_plan_item *it = &p->items[i];
        if (strcmp(it->theme->id, "progress-reviews") == 0)
            ck_assert_str_eq(it->status, "persisting");
        else
            ck_assert_str_eq(it->status, "new");
        ck_assert_uint_eq(it->theme->n_peers, 0); /* never itself */
    }
    srch_plan_free(p);
    /* --since names the same report: the same judgement */
    p = plan_of(db, "oakfield-2023.txt", "oakfield-2019.txt", 0, &err);
    ck_assert_msg(p != NULL, "%s", err.message);
    ck_assert_str_eq(progress_on(p, "off-the-job")->status, "resolved");
    srch_plan_free(p);
    srch_close(db);
}
END_TEST

START_TEST(test_errors)
{
    srch_db *db = open_db();
    srch_error err;
    ck_assert_ptr_null(plan_of(db, "elm-college-2020-interim.txt", NULL, 0,
                               &err));
    ck_assert_int_eq(err.code, SRCH_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(err.message, "has no areas for improvement"));
    ck_assert_ptr_null(plan_of(db, "Nowhere Training", NULL, 0, &err));
    ck_assert_int_eq(err.code, SRCH_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(err.message, "no provider called"));
    ck_assert_ptr_null(plan_of(db, "", NULL, 0, &err));
    ck_assert_int_eq(err.code, SRCH_ERR_NOT_FOUND);
    /* an earlier report cannot be compared against a later one */
    ck_assert_ptr_null(plan_of(db, "oakfield-2019.txt", "oakfield-2023.txt",
                               0, &err));
    ck_assert_int_eq(err.code, SRCH_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(err.message, "is not earlier"));
    ck_assert_ptr_null(plan_of(db, "oakfield-2023.txt",
                               "no-such-file.txt", 0, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "--since: no report"));
    srch_close(db);
}
END_TEST

static Suite *plan_suite(void)
{
    Suite *s = suite_create("plan");
    TCase *tc = tcase_create("plan");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_heading_read_as_a_passage);
    tcase_add_test(tc, test_summary_list_lead_in_and_furniture);
    tcase_add_test(tc, test_further_action);
    tcase_add_test(tc, test_unusual_verb_and_grouping);
    tcase_add_test(tc, test_progress);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(plan_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
