/* check_distinctive.c - what sets a group of reports apart, on six small
 * reports written by the test: three inadequate ones with staff turnover
 * and weak governance, three good ones with high-quality training. */
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

typedef struct fixture_report {
    const char *file, *provider, *grade, *dates, *urn, *type;
    const char *paragraphs[12];
} fixture_report;

/* Shared paragraphs: both groups use them, so they set neither apart. */
#define COMMON_1 "Learners attend their lessons regularly and complete " \
                 "their assignments on time."
#define COMMON_2 "The arrangements for safeguarding are effective. Staff " \
                 "complete checks before they start work."
#define COMMON_3 "Most learners move on to further study or employment " \
                 "when they finish their course."

static const fixture_report reports[] = {
    {"alder-2023.txt", "Alder Skills Limited", "Inadequate",
     "7 to 10 March 2023", "2100001", "Independent learning provider",
     {"Alder Skills Limited is an independent learning provider in Leeds.",
      "High staff turnover has disrupted the teaching of apprentices in "
      "engineering.",
      "Leaders have not dealt with staff turnover among assessors, so "
      "reviews are missed.",
      "Weak governance means that directors do not challenge leaders "
      "about the quality of training.",
      "Apprentices do not receive their entitlement to off-the-job "
      "training.",
      "Staff turnover also means that learners wait weeks for help with "
      "English.",
      COMMON_1, COMMON_2, COMMON_3, NULL}},
    {"birch-2022.txt", "Birch Training Services", "Inadequate",
     "14 to 17 June 2022", "2100002", "Independent learning provider",
     {"Birch Training Services is an independent learning provider in "
      "Hull.",
      "Staff turnover in the care team is high, and learners have had "
      "several tutors.",
      "Weak governance leaves managers without clear targets for "
      "improvement.",
      "Because of staff turnover, progress reviews are often cancelled at "
      "short notice.",
      "Too many apprentices leave their programme early.",
      "Learners on the business course enjoy their studies.",
      COMMON_1, COMMON_2, COMMON_3, NULL}},
    {"cedar-2024.txt", "Cedar Workforce Academy", "Inadequate",
     "2 to 5 July 2024", "2100003", "Independent learning provider",
     {"Cedar Workforce Academy is an independent learning provider in "
      "Derby.",
      "Learners say that staff turnover has slowed their progress in "
      "hairdressing.",
      "Weak governance has allowed the weaknesses found at the previous "
      "inspection to persist.",
      "Managers do not check the quality of off-the-job training.",
      "Leaders are recruiting to reduce staff turnover but it remains "
      "high.",
      "Apprentices in hospitality work in busy kitchens.",
      COMMON_1, COMMON_2, COMMON_3, NULL}},
    {"damson-2021.txt", "Damson Learning Partnership", "Good",
     "9 to 12 November 2021", "2100004", "Independent learning provider",
     {"Damson Learning Partnership is an independent learning provider in "
      "York.",
      "Apprentices benefit from high-quality training in well-equipped "
      "workshops.",
      "Tutors give precise feedback that helps learners improve their "
      "written work.",
      "Employers praise the high-quality training their apprentices "
      "receive.",
      "Leaders plan the curriculum carefully with local employers.",
      "Learners develop confidence in presenting to groups.",
      COMMON_1, COMMON_2, COMMON_3, NULL}},
    {"elm-2020.txt", "Elm Vocational College", "Good",
     "3 to 6 February 2020", "2100005", "Independent learning provider",
     {"Elm Vocational College is an independent learning provider in "
      "Bath.",
      "Learners receive high-quality training from experienced chefs.",
      "Teachers use assessment well to spot gaps in knowledge.",
      "The high-quality training in the salon prepares learners for "
      "work.",
      "Governors know the provider's strengths and hold leaders to "
      "account.",
      "Learners take part in useful work experience with local firms.",
      COMMON_1, COMMON_2, COMMON_3, NULL}},
    {"fir-2019.txt", "Fir Tree Apprenticeships", "Good",
     "21 to 24 May 2019", "2100006", "Independent learning provider",
     {"Fir Tree Apprenticeships is an independent learning provider in "
      "Kendal.",
      "Apprentices value the high-quality training they get from "
      "specialist trainers.",
      "Trainers link theory to the tasks apprentices carry out at work.",
      "Managers make sure that high-quality training continues when "
      "trainers are absent.",
      "Apprentices build strong practical skills in plumbing.",
      "Learners know how to keep themselves safe online.",
      COMMON_1, COMMON_2, COMMON_3, NULL}},
};
#define N_REPORTS (sizeof reports / sizeof reports[0])

static void write_report(const fixture_report *r)
{
    buf b = BUF_INIT;
    buf_printf(&b,
               "Inspection of %s\n\nInspection dates: %s\n\n"
               "Overall effectiveness\t%s\n"
               "The quality of education\t%s\n\n"
               "Information about this provider\n\n",
               r->provider, r->dates, r->grade, r->grade);
    for (size_t i = 0; r->paragraphs[i]; i++) {
        if (i == 1)
            buf_puts(&b, "What does the provider do well and what does it "
                         "need to do better?\n\n");
        buf_printf(&b, "%s\n\n", r->paragraphs[i]);
    }
    buf_printf(&b, "Provider details\n\nUnique reference number\t%s\n"
                   "Provider type\t%s\n", r->urn, r->type);
    ck_assert_int_eq(buf_error(&b), 0);
    char *p = str_printf("%s/%s", docs, r->file);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(buf_cstr(&b), f);
    fclose(f);
    free(p);
    buf_free(&b);
}

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/check_distinctive.XXXXXX",
             t && *t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(dbdir, sizeof dbdir, "%s/db", tmpdir);
    snprintf(docs, sizeof docs, "%s/docs", tmpdir);
    mkdir(docs, 0755);
    for (size_t i = 0; i < N_REPORTS; i++)
        write_report(&reports[i]);
    idx_indexer *ix = NULL;
    char *err = NULL;
    ck_assert_int_eq(idx_open(dbdir, NULL, &ix, &err), IDX_OK);
    ck_assert_int_eq(idx_add_path(ix, docs, &err), IDX_OK);
    ck_assert_uint_eq(idx_get_stats(ix)->files_indexed, N_REPORTS);
    ck_assert_int_eq(idx_close(ix, &err), IDX_OK);
}

static void teardown(void)
{
    char *cmd = str_printf("rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
}

static srch_distinctive *distinctive(const char *q, unsigned limit,
                                     unsigned sample)
{
    srch_db *db = NULL;
    srch_error err;
    ck_assert_int_eq(srch_open(dbdir, &db, &err), SRCH_OK);
    srch_distinctive_options opt = {q, limit, sample};
    srch_distinctive *d = NULL;
    int rc = srch_get_distinctive(db, &opt, &d, &err);
    ck_assert_msg(rc == SRCH_OK, "query '%s': %s", q, err.message);
    ck_assert_ptr_nonnull(d);
    srch_close(db); /* the result owns what it points to */
    return d;
}

static const srch_phrase *find_phrase(const srch_distinctive *d,
                                      const char *text)
{
    for (size_t i = 0; i < d->n_phrases; i++)
        if (strcmp(d->phrases[i].text, text) == 0)
            return &d->phrases[i];
    return NULL;
}

/* The number of passages of a filter-only search: the group's size. */
static uint32_t passages_matching(const char *q)
{
    srch_db *db = NULL;
    srch_error err;
    ck_assert_int_eq(srch_open(dbdir, &db, &err), SRCH_OK);
    srch_options opt = SRCH_OPTIONS_INIT;
    opt.query = q;
    opt.limit = 1000;
    srch_results *res = NULL;
    ck_assert_int_eq(srch_search(db, &opt, &res, &err), SRCH_OK);
    uint32_t n = (uint32_t)res->n_hits;
    srch_results_free(res);
    srch_close(db);
    return n;
}

START_TEST(test_inadequate_group)
{
    srch_distinctive *d = distinctive("grade:inadequate", 0, 0);
    ck_assert_uint_eq(d->group_reports, 3);
    ck_assert_uint_eq(d->group_passages, passages_matching("grade:inadequate"));
    ck_assert_uint_eq(d->sampled_group, d->group_passages); /* all fit */
    ck_assert_uint_eq(d->sampled_other,
                      passages_matching("grade:good"));
    ck_assert_uint_ge(d->n_phrases, 2);
    ck_assert_uint_le(d->n_phrases, 20);

    const srch_phrase *p = find_phrase(d, "staff turnover");
    ck_assert_msg(p != NULL, "no 'staff turnover' (top: '%s')",
                  d->phrases[0].text);
    ck_assert_uint_lt((size_t)(p - d->phrases), 5); /* among the top */
    ck_assert_uint_eq(p->reports, 3);
    ck_assert_uint_eq(p->passages, 7);
    ck_assert_double_eq_tol(p->group_share,
                            7.0 / d->sampled_group, 1e-9);
    ck_assert_double_eq(p->other_share, 0.0);
    /* two examples, from different reports, each using the phrase */
    ck_assert_uint_eq(p->n_examples, 2);
    ck_assert_ptr_nonnull(p->examples[0].report);
    ck_assert_ptr_nonnull(p->examples[1].report);
    ck_assert_str_ne(p->examples[0].report->id, p->examples[1].report->id);
    for (size_t i = 0; i < p->n_examples; i++) {
        ck_assert_ptr_nonnull(strcasestr(p->examples[i].passage,
                                         "staff turnover"));
        ck_assert_ptr_null(p->examples[i].snippet);
        ck_assert_str_eq(p->examples[i].report->grade, "inadequate");
    }
    ck_assert_ptr_nonnull(find_phrase(d, "weak governance"));

    /* a shorter n-gram always inside a longer one gives way to it */
    ck_assert_ptr_null(find_phrase(d, "turnover"));
    ck_assert_ptr_null(find_phrase(d, "governance"));
    /* what the other group says, and what both say, is not distinctive */
    for (size_t i = 0; i < d->n_phrases; i++) {
        const srch_phrase *q = &d->phrases[i];
        ck_assert_ptr_null(strstr(q->text, "high-quality"));
        ck_assert_ptr_null(strstr(q->text, "assignments"));
        ck_assert(q->group_share > q->other_share);
        ck_assert(q->score > 0);
        ck_assert_uint_ge(q->passages, 3);
        ck_assert_uint_ge(q->reports, 2);
        if (i > 0)
            ck_assert(q->score <= d->phrases[i - 1].score);
    }
    srch_distinctive_free(d);

    /* and the other way round */
    d = distinctive("grade:good", 0, 0);
    ck_assert_uint_eq(d->group_reports, 3);
    p = find_phrase(d, "high-quality training");
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p->reports, 3);
    ck_assert_ptr_null(find_phrase(d, "staff turnover"));
    srch_distinctive_free(d);
}
END_TEST

START_TEST(test_same_answer_twice)
{
    srch_distinctive *a = distinctive("grade:inadequate", 10, 0);
    srch_distinctive *b = distinctive("grade:inadequate", 10, 0);
    ck_assert_uint_eq(a->n_phrases, b->n_phrases);
    for (size_t i = 0; i < a->n_phrases; i++) {
        const srch_phrase *x = &a->phrases[i], *y = &b->phrases[i];
        ck_assert_str_eq(x->text, y->text);
        ck_assert_uint_eq(x->passages, y->passages);
        ck_assert_uint_eq(x->reports, y->reports);
        ck_assert_double_eq(x->score, y->score);
        ck_assert_uint_eq(x->n_examples, y->n_examples);
        for (size_t j = 0; j < x->n_examples; j++)
            ck_assert_str_eq(x->examples[j].passage, y->examples[j].passage);
    }
    srch_distinctive_free(a);
    srch_distinctive_free(b);

    /* a sample smaller than the group is the same sample every time */
    a = distinctive("grade:inadequate", 0, 7);
    b = distinctive("grade:inadequate", 0, 7);
    ck_assert_uint_eq(a->sampled_group, 7);
    ck_assert_uint_eq(a->group_passages, b->group_passages);
    ck_assert_uint_gt(a->group_passages, 7);
    ck_assert_uint_eq(a->n_phrases, b->n_phrases);
    for (size_t i = 0; i < a->n_phrases; i++) {
        ck_assert_str_eq(a->phrases[i].text, b->phrases[i].text);
        ck_assert_uint_eq(a->phrases[i].passages, b->phrases[i].passages);
    }
    srch_distinctive_free(a);
    srch_distinctive_free(b);
}
END_TEST

START_TEST(test_limit_text_and_single_report)
{
    srch_distinctive *d = distinctive("grade:inadequate", 1, 0);
    ck_assert_uint_eq(d->n_phrases, 1);
    srch_distinctive_free(d);

    /* words pick the group too: the passages about governance */
    d = distinctive("governance", 0, 0);
    /* "governors" is another word (stem "governor") */
    ck_assert_uint_eq(d->group_passages, 3);
    ck_assert_uint_eq(d->group_reports, 3);
    srch_distinctive_free(d);

    /* one report: a phrase of that report alone is enough */
    d = distinctive("provider:alder", 0, 0);
    ck_assert_uint_eq(d->group_reports, 1);
    const srch_phrase *p = find_phrase(d, "staff turnover");
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p->reports, 1);
    ck_assert_uint_eq(p->passages, 3);
    ck_assert_uint_eq(p->n_examples, 1);
    ck_assert_str_eq(p->examples[0].report->provider, "Alder Skills Limited");
    srch_distinctive_free(d);

    /* nothing picked: an empty answer, not an error */
    d = distinctive("zeppelin", 0, 0);
    ck_assert_uint_eq(d->group_passages, 0);
    ck_assert_uint_eq(d->n_phrases, 0);
    srch_distinctive_free(d);
}
END_TEST

START_TEST(test_errors)
{
    srch_db *db = NULL;
    srch_error err;
    ck_assert_int_eq(srch_open(dbdir, &db, &err), SRCH_OK);
    srch_distinctive *d = NULL;
    const char *empty[] = {NULL, "", "   ", "... ;"};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        srch_distinctive_options opt = {empty[i], 0, 0};
        ck_assert_int_eq(srch_get_distinctive(db, &opt, &d, &err),
                         SRCH_ERR_QUERY);
        ck_assert_ptr_null(d);
        ck_assert_ptr_nonnull(strstr(err.message, "pick the group"));
    }
    /* every passage of the index is in the group */
    srch_distinctive_options all = {"type:independent-learning-provider", 0,
                                    0};
    ck_assert_int_eq(srch_get_distinctive(db, &all, &d, &err), SRCH_ERR);
    ck_assert_ptr_null(d);
    ck_assert_ptr_nonnull(strstr(err.message, "whole index"));
    /* a malformed query says where */
    srch_distinctive_options bad = {"grade:inadequate (staff", 0, 0};
    ck_assert_int_eq(srch_get_distinctive(db, &bad, &d, &err),
                     SRCH_ERR_QUERY);
    ck_assert_uint_gt(err.column, 0);
    ck_assert_ptr_null(d);
    srch_close(db);
}
END_TEST

static Suite *distinctive_suite(void)
{
    Suite *s = suite_create("distinctive");
    TCase *tc = tcase_create("distinctive");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_inadequate_group);
    tcase_add_test(tc, test_same_answer_twice);
    tcase_add_test(tc, test_limit_text_and_single_report);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(distinctive_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
