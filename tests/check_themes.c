/* check_themes.c - the taxonomy parser, cue matching, theme scores,
 * polarity rules and lead-ins (themes/themes.h). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "themes/themes.h"

/* A small taxonomy written for these tests: every rule has a case. */
static const char *const test_themes =
    "# test taxonomy\n"
    "[theme prevent]\n"
    "name = Prevent duty\n"
    "description = The Prevent duty, radicalisation and extremism\n"
    "4 Prevent duty\n"
    "4 Prevent\n"
    "4 radicalis*\n"
    "3 extremism\n"
    "\n"
    "[theme functional-skills]\n"
    "name = English and mathematics\n"
    "3 English\n"
    "3 mathematics\n"
    "4 functional skills\n"
    "-3 English literature\n"
    "section 4 English and mathematics\n"
    "\n"
    "[theme staffing]\n"
    "threshold = 6\n"
    "4 staff turnover\n"
    "2 recruitment\n"
    "\n"
    "[polarity]\n"
    "weakness 3 too few\n"
    "weakness 3 not ... enough\n"
    "weakness 2 weak\n"
    "strength 2 effective\n"
    "strength 2 good\n"
    "negation not\n"
    "negation no\n"
    "section weakness 4 need to do to improve\n"
    "section strength 4 following strengths\n"
    "section neutral 4 information about the provider\n";

static thm_set *set;
static thm_scorer *sc;

static void setup(void)
{
    char *err = NULL;
    ck_assert_int_eq(thm_set_parse(test_themes, strlen(test_themes), "test",
                                   &set, &err),
                     THM_OK);
    ck_assert_int_eq(thm_scorer_new(set, &sc, &err), THM_OK);
}

static void teardown(void)
{
    thm_scorer_free(sc);
    thm_set_free(set);
    sc = NULL;
    set = NULL;
}

static thm_result score(const char *text, const char *section,
                        const char *lead)
{
    thm_result r;
    char *err = NULL;
    ck_assert_int_eq(thm_score_text(sc, text, strlen(text), section, lead,
                                    &r, &err),
                     THM_OK);
    ck_assert_ptr_null(err);
    return r;
}

static size_t T(const char *id)
{
    long i = thm_set_find(set, id);
    ck_assert_int_ge(i, 0);
    return (size_t)i;
}

START_TEST(test_parse_reads_themes)
{
    ck_assert_uint_eq(thm_set_count(set), 3);
    ck_assert_str_eq(thm_set_id(set, 0), "prevent");
    ck_assert_str_eq(thm_set_name(set, 0), "Prevent duty");
    ck_assert_str_eq(thm_set_description(set, 0),
                     "The Prevent duty, radicalisation and extremism");
    /* no name: the id stands in */
    ck_assert_str_eq(thm_set_name(set, 2), "staffing");
    ck_assert_int_eq(thm_set_find(set, "functional-skills"), 1);
    ck_assert_int_eq(thm_set_find(set, "nope"), -1);
    ck_assert_str_eq(thm_set_text(set), test_themes);
}
END_TEST

static void expect_error(const char *text, const char *fragment)
{
    thm_set *s = NULL;
    char *err = NULL;
    int rc = thm_set_parse(text, strlen(text), "bad.themes", &s, &err);
    ck_assert_int_eq(rc, THM_ERR_SYNTAX);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(err);
    if (!strstr(err, fragment))
        ck_abort_msg("error '%s' lacks '%s'", err, fragment);
    free(err);
}

START_TEST(test_parse_errors_name_file_and_line)
{
    expect_error("[theme a]\n4 x\nfour words\n", "bad.themes:3:");
    expect_error("[theme Bad_Id]\n", "theme id 'Bad_Id'");
    expect_error("[Bad Id]\n", "theme id 'Bad Id'");
    expect_error("[theme a]\n[theme a]\n", "defined twice");
    expect_error("4 stray cue\n", "before the first");
    expect_error("[theme a]\n4 ... x\n", "cannot start with '...'");
    expect_error("[theme a]\n4 x ...\n", "cannot end with '...'");
    expect_error("[theme a]\n4 ab*\n", "3 letters");
    expect_error("[theme a]\ncolour = red\n", "unknown key 'colour'");
    expect_error("[theme a]\n[polarity]\nweakness x\n", "positive weight");
    expect_error("[theme a]\n[polarity]\nmaybe 2 x\n", "expected 'weakness");
    expect_error("[theme a]\n[polarity]\n[polarity]\n", "twice");
    expect_error("# nothing\n", "no themes");
    expect_error("[theme a\n", "must end with ']'");
}
END_TEST

START_TEST(test_default_taxonomy_has_the_promised_themes)
{
    static const char *const ids[] = {
        "safeguarding", "prevent", "british-values", "equality-diversity",
        "functional-skills", "off-the-job", "starting-points",
        "progress-reviews", "achievement", "careers-guidance", "governance",
        "quality-improvement", "staffing", "subcontracting", "employers",
        "feedback-assessment", "curriculum", "remote-learning",
        "high-needs-send", "welfare-wellbeing", "attendance",
        "end-point-assessment", "teaching-quality", "leadership"};
    thm_set *d = NULL;
    char *err = NULL;
    const char *text = thm_default_text();
    ck_assert_int_eq(thm_set_parse(text, strlen(text), "default", &d, &err),
                     THM_OK);
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        long k = thm_set_find(d, ids[i]);
        if (k < 0)
            ck_abort_msg("default taxonomy lacks '%s'", ids[i]);
        ck_assert(strlen(thm_set_description(d, (size_t)k)) > 10);
    }
    thm_set_free(d);
}
END_TEST

START_TEST(test_prevent_duty_not_the_verb)
{
    thm_result r = score("Learners understand the Prevent duty and the risks "
                         "of radicalisation.", NULL, NULL);
    ck_assert(r.tagged[T("prevent")]);
    ck_assert(r.raw[T("prevent")] >= 8);
    r = score("Managers prevented the decline in achievement and this "
              "prevents learners from falling behind.", NULL, NULL);
    ck_assert(!r.tagged[T("prevent")]);
    ck_assert(r.raw[T("prevent")] == 0);
    /* sentence-initial verb */
    r = score("Prevent the decline by acting early.", NULL, NULL);
    ck_assert(!r.tagged[T("prevent")]);
}
END_TEST

START_TEST(test_stems_and_prefixes_match)
{
    /* "radicalis*" matches the words, whatever the stem */
    thm_result r = score("Staff know how to spot signs of radicalised "
                         "views.", NULL, NULL);
    ck_assert(r.tagged[T("prevent")]);
    /* a plural matches the singular cue through the stem */
    r = score("Learners' functional skill levels rise.", NULL, NULL);
    ck_assert(r.tagged[T("functional-skills")]);
}
END_TEST

START_TEST(test_negative_cues_and_thresholds)
{
    thm_result r = score("Learners study English.", NULL, NULL);
    ck_assert_double_eq_tol(r.raw[T("functional-skills")], 3, 1e-9);
    ck_assert(!r.tagged[T("functional-skills")]); /* 3 < 4 */
    r = score("Learners study English literature.", NULL, NULL);
    /* English (3) + English literature (-3) */
    ck_assert_double_eq_tol(r.raw[T("functional-skills")], 0, 1e-9);
    ck_assert_double_eq_tol(r.score[T("functional-skills")], 0, 1e-9);
    /* a per-theme threshold: staffing needs 6 */
    r = score("High staff turnover hampers teaching.", NULL, NULL);
    ck_assert_double_eq_tol(r.raw[T("staffing")], 4, 1e-9);
    ck_assert(!r.tagged[T("staffing")]);
    r = score("High staff turnover and slow recruitment hamper teaching.",
              NULL, NULL);
    ck_assert(r.tagged[T("staffing")]);
}
END_TEST

START_TEST(test_repeats_add_a_little_and_long_passages_weigh_less)
{
    thm_result r = score("English matters. English again. English once more. "
                         "English yet again.", NULL, NULL);
    /* 3 * (1 + 0.3 * min(3, 2)) */
    ck_assert_double_eq_tol(r.raw[T("functional-skills")], 3 * 1.6, 1e-9);
    double short_score = score("Learners improve their English and "
                               "mathematics.", NULL, NULL)
                             .score[T("functional-skills")];
    char longer[4096] = "Learners improve their English and mathematics.";
    for (int i = 0; i < 40; i++)
        strcat(longer, " Other things happen here too.");
    r = score(longer, NULL, NULL);
    ck_assert_double_eq_tol(r.raw[T("functional-skills")], 6, 1e-9);
    ck_assert(r.score[T("functional-skills")] < short_score / 2);
    ck_assert_double_eq_tol(r.score[T("functional-skills")],
                            6 * 150.0 / (150.0 + r.words), 1e-9);
}
END_TEST

START_TEST(test_section_cues_count_once)
{
    thm_result r = score("Learners improve their reading.",
                         "English and mathematics", NULL);
    ck_assert_double_eq_tol(r.raw[T("functional-skills")], 4, 1e-9);
    ck_assert(r.tagged[T("functional-skills")]);
}
END_TEST

START_TEST(test_gaps_stay_within_a_sentence)
{
    thm_result r = score("Teachers do not challenge the most able learners "
                         "enough.", NULL, NULL);
    ck_assert_double_eq_tol(r.weakness, 3, 1e-9);
    ck_assert_int_eq(r.polarity, THM_WEAKNESS);
    /* over the gap limit (6 words) */
    r = score("Teachers do not ask one two three four five six seven "
              "questions enough.", NULL, NULL);
    ck_assert_double_eq_tol(r.weakness, 0, 1e-9);
    /* across a sentence: no match */
    r = score("Staff did not. Learners say there is enough.", NULL, NULL);
    ck_assert_double_eq_tol(r.weakness, 0, 1e-9);
}
END_TEST

START_TEST(test_negation_flips_strength)
{
    thm_result r = score("Safeguarding is effective.", NULL, NULL);
    ck_assert_int_eq(r.polarity, THM_STRENGTH);
    ck_assert_double_eq_tol(r.strength, 2, 1e-9);
    r = score("Safeguarding is not effective.", NULL, NULL);
    ck_assert_int_eq(r.polarity, THM_WEAKNESS);
    ck_assert_double_eq_tol(r.strength, 0, 1e-9);
    ck_assert_double_eq_tol(r.weakness, 2, 1e-9);
    /* a negated weakness counts for nothing */
    r = score("There are no weak areas.", NULL, NULL);
    ck_assert_double_eq_tol(r.weakness, 0, 1e-9);
    ck_assert_int_eq(r.polarity, THM_NEUTRAL);
    /* only within three words */
    r = score("It is not true that in every single case the work is "
              "effective.", NULL, NULL);
    ck_assert_int_eq(r.polarity, THM_STRENGTH);
}
END_TEST

START_TEST(test_shortcoming_outweighs_praise)
{
    thm_result r = score("Teaching is good. However, too few apprentices "
                         "complete on time.", NULL, NULL);
    ck_assert_int_eq(r.polarity, THM_WEAKNESS);
}
END_TEST

START_TEST(test_section_priors)
{
    thm_result r = score("Improve the use of targets.",
                         "What does the provider need to do to improve?",
                         NULL);
    ck_assert_int_eq(r.polarity, THM_WEAKNESS);
    r = score("Apprentices gain new skills.",
              "The provider has the following strengths", NULL);
    ck_assert_int_eq(r.polarity, THM_STRENGTH);
    /* a strength heading over a clearly weak item */
    r = score("Too few learners take part.",
              "The provider has the following strengths", NULL);
    ck_assert_int_eq(r.polarity, THM_WEAKNESS);
    /* provider information is neutral unless strongly worded */
    r = score("The provider is good at many things.",
              "Information about the provider", NULL);
    ck_assert_int_eq(r.polarity, THM_NEUTRAL);
    /* a lead-in line is neutral, whatever its heading */
    r = score("Leaders should:", "What does the provider need to do to "
              "improve?", NULL);
    ck_assert_int_eq(r.polarity, THM_NEUTRAL);
}
END_TEST

START_TEST(test_lead_in_counts_half)
{
    thm_result r = score("ensure that every learner takes the tests",
                         NULL, "Develop the functional skills provision to:");
    ck_assert_double_eq_tol(r.raw[T("functional-skills")], 2, 1e-9);
    r = score("improve their English further", NULL,
              "Develop the functional skills provision to:");
    ck_assert_double_eq_tol(r.raw[T("functional-skills")], 5, 1e-9);
    ck_assert(r.tagged[T("functional-skills")]);
}
END_TEST

START_TEST(test_lead_in_finder)
{
    const char *texts[] = {
        "A paragraph that says something at length about the provider.",
        "Leaders should:",
        "improve the tracking of progress",
        "strengthen governance",
        "An ordinary paragraph.",
        "A new lead-in:",
        "first item"};
    size_t secs[] = {0, 0, 0, 0, 0, 1, 1};
    ck_assert_int_eq(thm_lead_in(texts, secs, 0), -1);
    ck_assert_int_eq(thm_lead_in(texts, secs, 1), -1);
    ck_assert_int_eq(thm_lead_in(texts, secs, 2), 1);
    ck_assert_int_eq(thm_lead_in(texts, secs, 3), 1);
    /* a lead-in never crosses a section */
    size_t secs2[] = {0, 0, 0, 0, 0, 1, 2};
    ck_assert_int_eq(thm_lead_in(texts, secs2, 6), -1);
    ck_assert_int_eq(thm_lead_in(texts, secs, 6), 5);
}
END_TEST

START_TEST(test_streaming_equals_whole_text)
{
    /* The scorer keeps state between passages (cached headings): scoring a
     * passage after others gives the same answer as scoring it alone. */
    thm_result a = score("Too few learners know about radicalisation.",
                         "Safeguarding", NULL);
    double raw = a.raw[T("prevent")], w = a.weakness;
    score("Something else entirely about English.", "Other", "Lead:");
    thm_result b = score("Too few learners know about radicalisation.",
                         "Safeguarding", NULL);
    ck_assert_double_eq_tol(b.raw[T("prevent")], raw, 1e-9);
    ck_assert_double_eq_tol(b.weakness, w, 1e-9);
}
END_TEST

START_TEST(test_names_only_set)
{
    thm_set *n = NULL;
    char *err = NULL;
    ck_assert_int_eq(thm_set_parse_names(test_themes, strlen(test_themes),
                                         "test", &n, &err),
                     THM_OK);
    ck_assert_uint_eq(thm_set_count(n), thm_set_count(set));
    for (size_t i = 0; i < thm_set_count(n); i++) {
        ck_assert_str_eq(thm_set_id(n, i), thm_set_id(set, i));
        ck_assert_str_eq(thm_set_name(n, i), thm_set_name(set, i));
    }
    thm_scorer *s2 = NULL;
    ck_assert_int_eq(thm_scorer_new(n, &s2, &err), THM_ERR_SYNTAX);
    ck_assert_ptr_null(s2);
    ck_assert_ptr_nonnull(err);
    free(err);
    thm_set_free(n);
}
END_TEST

START_TEST(test_polarity_names)
{
    ck_assert_int_eq(thm_polarity_from_name("weakness"), THM_WEAKNESS);
    ck_assert_int_eq(thm_polarity_from_name("Weaknesses"), THM_WEAKNESS);
    ck_assert_int_eq(thm_polarity_from_name("strength"), THM_STRENGTH);
    ck_assert_int_eq(thm_polarity_from_name("neutral"), THM_NEUTRAL);
    ck_assert_int_eq(thm_polarity_from_name("meh"), -1);
    ck_assert_str_eq(thm_polarity_name(THM_WEAKNESS), "weakness");
}
END_TEST

static Suite *themes_suite(void)
{
    Suite *s = suite_create("themes");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_parse_reads_themes);
    tcase_add_test(tc, test_parse_errors_name_file_and_line);
    tcase_add_test(tc, test_default_taxonomy_has_the_promised_themes);
    tcase_add_test(tc, test_prevent_duty_not_the_verb);
    tcase_add_test(tc, test_stems_and_prefixes_match);
    tcase_add_test(tc, test_negative_cues_and_thresholds);
    tcase_add_test(tc, test_repeats_add_a_little_and_long_passages_weigh_less);
    tcase_add_test(tc, test_section_cues_count_once);
    tcase_add_test(tc, test_gaps_stay_within_a_sentence);
    tcase_add_test(tc, test_negation_flips_strength);
    tcase_add_test(tc, test_shortcoming_outweighs_praise);
    tcase_add_test(tc, test_section_priors);
    tcase_add_test(tc, test_lead_in_counts_half);
    tcase_add_test(tc, test_lead_in_finder);
    tcase_add_test(tc, test_streaming_equals_whole_text);
    tcase_add_test(tc, test_polarity_names);
    tcase_add_test(tc, test_names_only_set);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(themes_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
