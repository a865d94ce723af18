/* fuzz_parse.c - libFuzzer target for the report parser (corpus/).
 *
 * Input: one byte choosing the format ("txt", "md" or "pdf": the low two
 * bits), then the text. The text goes to rpt_parse_text (through
 * stm_to_utf8 first when it is not valid UTF-8, as rpt_read_file does: the
 * parser is only promised UTF-8), and every line of it to rpt_parse_dates.
 * For "pdf" the text is first tidied by rpt_pdf_text_tidy, as pdftotext's
 * output is before it is parsed (pdftotext itself is not run here).
 * Besides memory safety the target checks the model report.h describes:
 * slugs from the lists there, real calendar dates, passages pointing at a
 * section that exists, valid UTF-8 everywhere.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus/report.h"
#include "corpus/pdf.h"
#include "corpus/report-private.h"
#include "stemmer/stemmer.h"
#include "tests/fuzz/fuzz-common.h"


#define MAX_INPUT (256u * 1024u)

/* FUZZ_KNOWN: a comma-separated list of open findings (doc/FUZZING.md) to
 * step around in a long run; the replay in `make check` never sets it.
 *   title-cut   a title cut at 200 bytes may end inside a character: the
 *               title is not checked for UTF-8;
 *   feb29       "29 February to 1 February 2020" starts on 2019-02-29
 *               (the year is moved back after the day was checked): a
 *               start date of 29 February is not checked. */
static int known_title_cut, known_feb29;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *e = getenv("FUZZ_KNOWN");
    known_title_cut = e != NULL && strstr(e, "title-cut") != NULL;
    known_feb29 = e != NULL && strstr(e, "feb29") != NULL;
    return 0;
}

static const char *const grades[] = {
    "outstanding", "good", "satisfactory", "requires-improvement",
    "inadequate", "unsatisfactory", "very-weak", "exceptional",
    "strong-standard", "expected-standard", "needs-attention",
    "urgent-improvement", "significant-progress", "reasonable-progress",
    "insufficient-progress", NULL};
static const char *const kinds[] = {
    "full", "short", "monitoring", "new-provider-monitoring", "other", NULL};
static const char *const types[] = {
    "", "general-further-education-college", "sixth-form-college",
    "tertiary-college", "land-based-college",
    "independent-specialist-college", "independent-learning-provider",
    "employer", "local-authority", "adult-community-learning",
    "higher-education-institution", "16-19-academy",
    "dance-and-drama-college", "prison", "specialist-designated-college",
    NULL};

static int in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

/* Strict UTF-8 (RFC 3629), our own so the check shares no code with what
 * it checks. */
static void check_utf8(const char *what, const char *s)
{
    FUZZ_CHECK(s != NULL);
    if (!utf8_valid((const unsigned char *)s, strlen(s))) {
        fprintf(stderr, "%s is not valid UTF-8: \"%s\"\n", what, s);
        abort();
    }
}

/* "YYYY-MM-DD" naming a day of the calendar. dates.c reads years
 * 1900-2099, and a range over new year ("30 December - 3 January 1900")
 * starts the year before. */
static int iso_date_valid(const char *d)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
            return 0;
    int y = atoi(d), m = atoi(d + 5), day = atoi(d + 8);
    if (y < 1899 || y > 2099 || m < 1 || m > 12 || day < 1 ||
        day > mdays[m - 1])
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && day == 29 && !leap);
}

static void check_dates(const char *line)
{
    char a[11], z[11];
    memset(a, 'x', sizeof a);
    memset(z, 'x', sizeof z);
    int rc = rpt_parse_dates(line, a, z);
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc == 0) {
        int known = known_feb29 && memcmp(a + 4, "-02-29", 6) == 0;
        if ((!iso_date_valid(a) && !known) || !iso_date_valid(z)) {
            fprintf(stderr, "\"%s\" gave dates \"%.10s\" \"%.10s\"\n", line,
                    a, z);
            abort();
        }
    }
    size_t at = 0, until = 0;
    rc = rpt_dates_find(line, a, z, &at, &until);
    if (rc == 0)
        FUZZ_CHECK(at < until && until <= strlen(line));
}

static void check_report(const rpt_report *r, const char *format)
{
    FUZZ_CHECK(strcmp(r->format, format) == 0);
    FUZZ_CHECK(strcmp(r->source, "fuzz-input") == 0);
    if (known_title_cut)
        FUZZ_CHECK(r->title != NULL);
    else
        check_utf8("title", r->title);
    check_utf8("provider", r->provider);
    check_utf8("area", r->area);
    FUZZ_CHECK(r->urn != NULL);
    for (const char *p = r->urn; *p; p++)
        FUZZ_CHECK(*p >= '0' && *p <= '9');
    FUZZ_CHECK(r->type != NULL && in_list(r->type, types));
    FUZZ_CHECK(r->kind != NULL && in_list(r->kind, kinds));
    FUZZ_CHECK(r->grade != NULL && r->previous_grade != NULL);
    FUZZ_CHECK(!r->grade[0] || in_list(r->grade, grades));
    FUZZ_CHECK(!r->previous_grade[0] || in_list(r->previous_grade, grades));
    int rank = rpt_grade_rank(r->grade);
    FUZZ_CHECK(rank >= 0 && rank <= 5);
    FUZZ_CHECK(r->date_start[10] == '\0' && r->date_end[10] == '\0');
    FUZZ_CHECK(!r->date_start[0] || iso_date_valid(r->date_start) ||
               (known_feb29 && memcmp(r->date_start + 4, "-02-29", 6) == 0));
    FUZZ_CHECK(!r->date_end[0] || iso_date_valid(r->date_end));
    FUZZ_CHECK(!r->date_end[0] || r->date_start[0]);
    if (strcmp(r->kind, "other") == 0)
        FUZZ_CHECK(r->learners == 0);
    for (size_t i = 0; i < r->n_judgements; i++) {
        check_utf8("judgement name", r->judgements[i].name);
        FUZZ_CHECK(r->judgements[i].grade != NULL);
        FUZZ_CHECK(in_list(r->judgements[i].grade, grades));
    }
    for (size_t i = 0; i < r->n_sections; i++) {
        check_utf8("section title", r->sections[i].title);
        const char *s = r->sections[i].slug;
        check_utf8("section slug", s);
        for (const char *p = s; *p; p++)
            FUZZ_CHECK(!(*p >= 'A' && *p <= 'Z') && *p != ' ');
    }
    for (size_t i = 0; i < r->n_passages; i++) {
        check_utf8("passage", r->passages[i].text);
        FUZZ_CHECK(r->passages[i].text[0] != '\0');
        FUZZ_CHECK(r->passages[i].section < r->n_sections ||
                   (r->n_sections == 0 && r->passages[i].section == 0));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const formats[] = {"txt", "md", "pdf", "txt"};
    if (size < 1)
        return 0;
    const char *format = formats[data[0] & 3];
    data++;
    size--;
    if (size > MAX_INPUT)
        size = MAX_INPUT;

    char *text = NULL, *err = NULL;
    size_t len = size;
    if (utf8_valid(data, size) && memchr(data, '\0', size) == NULL) {
        /* exactly `size` bytes and no terminator: the parser must respect
         * the length it was given */
        text = malloc(size ? size : 1);
        FUZZ_CHECK(text != NULL);
        memcpy(text, data, size);
    } else {
        const char *cs = NULL;
        int rc = stm_to_utf8((const char *)data, size, &text, &len, &cs,
                             &err);
        if (rc != 0) {          /* ICU could not be loaded */
            free(err);
            return 0;
        }
    }

    if (strcmp(format, "pdf") == 0) {
        /* the tidy wants room for a terminator */
        char *t = realloc(text, len + 1);
        FUZZ_CHECK(t != NULL);
        text = t;
        size_t n = rpt_pdf_text_tidy(text, len);
        FUZZ_CHECK(n <= len && text[n] == '\0');
        len = n;
        /* it promises valid UTF-8 (bad bytes become spaces) */
        FUZZ_CHECK(utf8_valid((const unsigned char *)text, len));
        FUZZ_CHECK(strlen(text) == len);
    }

    rpt_report *r = NULL;
    int rc = rpt_parse_text(text, len, format, "fuzz-input", &r, &err);
    if (rc == RPT_OK) {
        FUZZ_CHECK(r != NULL);
        check_report(r, format);
        rpt_report_free(r);
    } else {
        FUZZ_CHECK(r == NULL);
        FUZZ_CHECK(rc == RPT_ERR_EMPTY || rc == RPT_ERR_FORMAT ||
                   rc == RPT_ERR_TOO_BIG);
        FUZZ_CHECK(err != NULL);
        free(err);
    }

    /* The date reader on each line, as meta.c hands it lines. */
    char *line = malloc(len + 1);
    FUZZ_CHECK(line != NULL);
    size_t from = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || text[i] == '\n') {
            size_t n = i - from;
            if (n > 0 && n <= 4096) {
                memcpy(line, text + from, n);
                line[n] = '\0';
                check_dates(line);
            }
            from = i + 1;
        }
    }
    free(line);
    free(text);
    return 0;
}
