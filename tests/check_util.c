/* check_util.c - the growing buffer, JSON escaping and slugs. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

START_TEST(test_buf_grows_and_detaches)
{
    buf b = BUF_INIT;
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%d,", i);
    ck_assert_int_eq(buf_error(&b), 0);
    ck_assert(strncmp(buf_cstr(&b), "0,1,2,", 6) == 0);
    size_t len = 0;
    char *s = buf_detach(&b, &len);
    ck_assert_uint_eq(len, strlen(s));
    ck_assert_str_eq(buf_cstr(&b), "");
    free(s);
}
END_TEST

START_TEST(test_buf_cap_is_sticky)
{
    buf b = BUF_INIT;
    b.max = 16;
    buf_puts(&b, "0123456789");
    ck_assert_int_eq(buf_error(&b), 0);
    buf_puts(&b, "0123456789"); /* over the cap */
    ck_assert_int_eq(buf_error(&b), BUF_ERR_CAP);
    buf_puts(&b, "x"); /* a no-op once failed */
    ck_assert_str_eq(buf_cstr(&b), "0123456789");
    buf_free(&b);
}
END_TEST

START_TEST(test_json_escape)
{
    buf b = BUF_INIT;
    buf_json_str(&b, "say \"hi\"\n\t\\ \x01 caf\xC3\xA9 \xFF end");
    ck_assert_str_eq(buf_cstr(&b),
                     "\"say \\\"hi\\\"\\n\\t\\\\ \\u0001 caf\xC3\xA9 \xEF\xBF\xBD end\"");
    buf_reset(&b);
    buf_json_str(&b, NULL);
    ck_assert_str_eq(buf_cstr(&b), "null");
    buf_free(&b);
}
END_TEST

START_TEST(test_slugify)
{
    char *s = str_slugify("Requires Improvement");
    ck_assert_str_eq(s, "requires-improvement");
    free(s);
    s = str_slugify("  What does the provider need to do to improve further? ");
    ck_assert_str_eq(s, "what-does-the-provider-need-to-do-to-improve-further");
    free(s);
    s = str_slugify("Learners' views / St John's");
    ck_assert_str_eq(s, "learners-views-st-johns");
    free(s);
    s = str_slugify("---");
    ck_assert_str_eq(s, "");
    free(s);
}
END_TEST

START_TEST(test_all_digits)
{
    ck_assert(str_all_digits("58241"));
    ck_assert(str_all_digits("0"));
    ck_assert(!str_all_digits(""));
    ck_assert(!str_all_digits(" 58241"));
    ck_assert(!str_all_digits("58241 "));
    ck_assert(!str_all_digits("5824a"));
    ck_assert(!str_all_digits("\xd9\xa1")); /* an Arabic-Indic digit */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("buf");
    tcase_add_test(tc, test_buf_grows_and_detaches);
    tcase_add_test(tc, test_buf_cap_is_sticky);
    tcase_add_test(tc, test_json_escape);
    tcase_add_test(tc, test_slugify);
    tcase_add_test(tc, test_all_digits);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
