/* check_corpus.c - the corpus module: dates, grades, the reader's errors,
 * parsing of PDF-damaged, double-spaced and markdown text, the real sample
 * reports (when ../shared/samples is there), every file of the bundled
 * sample corpus against corpus/samples/MANIFEST.tsv, and the providers'
 * size and place (learners, area) against corpus/samples/PROFILES.tsv.
 */
#define _POSIX_C_SOURCE 200809L
#include "corpus/report.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>

static char tmpdir[256];

static const char *srcdir(void)
{
    const char *s = getenv("srcdir");
    return s && *s ? s : ".";
}

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    ck_assert_ptr_nonnull(p);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

static void tmpdir_make(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/check_corpus.XXXXXX", t && *t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void tmpdir_remove(void)
{
    char cmd[300];
    /* only files we made in our own mkdtemp directory */
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

static char *file_write(const char *name, const void *data, size_t len)
{
    char *p = path_join(tmpdir, name);
    FILE *f = fopen(p, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
    return p;
}

/* gzip `len` bytes into a malloc'd buffer */
static unsigned char *gzip_bytes(const void *data, size_t len, size_t *out_len)
{
    z_stream zs;
    size_t cap = compressBound((uLong)len) + 64;
    unsigned char *out = malloc(cap);
    ck_assert_ptr_nonnull(out);
    memset(&zs, 0, sizeof zs);
    ck_assert_int_eq(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (Bytef *)(uintptr_t)data;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
    *out_len = zs.total_out;
    deflateEnd(&zs);
    return out;
}

static int passage_find(const rpt_report *r, const char *needle)
{
    size_t i;
    for (i = 0; i < r->n_passages; i++)
        if (strstr(r->passages[i].text, needle))
            return (int)i;
    return -1;
}

static const char *judgement_grade(const rpt_report *r, const char *name)
{
    size_t i;
    for (i = 0; i < r->n_judgements; i++)
        if (strcmp(r->judgements[i].name, name) == 0)
            return r->judgements[i].grade;
    return NULL;
}

static const char *section_of(const rpt_report *r, int passage)
{
    ck_assert_int_ge(passage, 0);
    ck_assert_uint_lt(r->passages[passage].section, r->n_sections);
    return r->sections[r->passages[passage].section].slug;
}

/* --------------------------------------------------------------- dates */

static const struct { const char *text, *start, *end; } date_cases[] = {
    {"8-11 August 2016", "2016-08-08", "2016-08-11"},
    {"17\xE2\x80\x93" "18 February 2021", "2021-02-17", "2021-02-18"},
    {"3 to 6 June 2023", "2023-06-03", "2023-06-06"},
    {"9 and 10 November 2022", "2022-11-09", "2022-11-10"},
    {"27 February-3 March 2006", "2006-02-27", "2006-03-03"},
    {"January 30-February 3 2006", "2006-01-30", "2006-02-03"},
    {"4 - 8 December 2006", "2006-12-04", "2006-12-08"},
    {"10-14 and 17-21 May 2004", "2004-05-10", "2004-05-21"},
    {"12 Oct 2017", "2017-10-12", "2017-10-12"},
    {"Last day of inspection: 12 March 2010", "2010-03-12", "2010-03-12"},
    {"Inspection dates: 14 to 17 May 2024", "2024-05-14", "2024-05-17"},
    {"29 November \xE2\x80\x93 2 December 2021", "2021-11-29", "2021-12-02"},
    {"30 December 2005 to 3 January 2006", "2005-12-30", "2006-01-03"},
    {"30 December - 3 January 2006", "2005-12-30", "2006-01-03"},
    {"between 3rd and 5th November 2021", "2021-11-03", "2021-11-05"},
    {"Tuesday 18 June 2024", "2024-06-18", "2024-06-18"},
    {"May 10-14, 2004", "2004-05-10", "2004-05-14"},
    {"Inspection report: Riverside College, 23\xE2\x80\x93" "27 November 2009",
     "2009-11-23", "2009-11-27"},
    {"visited on 12/03/2010", "2010-03-12", "2010-03-12"},
    {"16 to 19 study programmes began on 4 September 2017", "2017-09-04",
     "2017-09-04"},
};

START_TEST(test_dates_forms)
{
    char a[11], z[11];
    const char *t = date_cases[_i].text;
    ck_assert_msg(rpt_parse_dates(t, a, z) == 0, "no date in \"%s\"", t);
    ck_assert_str_eq(a, date_cases[_i].start);
    ck_assert_str_eq(z, date_cases[_i].end);
}
END_TEST

START_TEST(test_dates_none)
{
    static const char *const none[] = {
        "", "inspected in May", "in 2015/16 achievement rose",
        "16 to 18 year olds", "level 3 and level 4", "Grade 2",
        "November 2021", "staff may 12 times", "31 February 2020",
        "£2.4 million", "COVID-19", "on 45 June 2020",
    };
    char a[11], z[11];
    size_t i;
    for (i = 0; i < sizeof none / sizeof none[0]; i++)
        ck_assert_msg(rpt_parse_dates(none[i], a, z) == -1,
                      "found a date in \"%s\"", none[i]);
    ck_assert_int_eq(rpt_parse_dates(NULL, a, z), -1);
}
END_TEST

START_TEST(test_dates_long_input)
{
    /* linear on a long run of digits and separators */
    size_t n = 4u << 20, i;
    char *s = malloc(n + 1);
    char a[11], z[11];
    ck_assert_ptr_nonnull(s);
    for (i = 0; i < n; i++)
        s[i] = (i % 3 == 0) ? '1' : (i % 3 == 1 ? ' ' : '-');
    s[n] = '\0';
    ck_assert_int_eq(rpt_parse_dates(s, a, z), -1);
    memcpy(s + n - 20, " 5 May 2005        ", 19);
    ck_assert_int_eq(rpt_parse_dates(s, a, z), 0);
    ck_assert_str_eq(a, "2005-05-01");   /* "1 - 1 - ... - 5 May 2005" */
    ck_assert_str_eq(z, "2005-05-05");
    free(s);
}
END_TEST

/* -------------------------------------------------------------- grades */

START_TEST(test_grade_slugs)
{
    static const struct { const char *text, *slug; } g[] = {
        {"Outstanding", "outstanding"}, {"good", "good"},
        {"Requires improvement", "requires-improvement"},
        {"Requires Improvement", "requires-improvement"},
        {"requires-improvement", "requires-improvement"},
        {"Inadequate", "inadequate"}, {"Satisfactory", "satisfactory"},
        {"Unsatisfactory", "unsatisfactory"}, {"Very weak", "very-weak"},
        {"Grade 1", "outstanding"}, {"Grade 2", "good"},
        {"grade 4", "inadequate"}, {"Outstanding: Grade 1", "outstanding"},
        {"Good-2", "good"}, {"Satisfactory-3", "satisfactory"},
        {"Good (2)", "good"},
        {"Insufficient progress", "insufficient-progress"},
        {"Insufficientprogress", "insufficient-progress"},
        {"Reasonableprogress", "reasonable-progress"},
        {"Significant progress", "significant-progress"},
        {"**Insufficient progress**", "insufficient-progress"},
        {"strong standard", "strong-standard"},
        {"Exceptional", "exceptional"}, {"Expected standard", "expected-standard"},
        {"Needs attention", "needs-attention"},
        {"Urgent improvement", "urgent-improvement"},
    };
    size_t i;
    for (i = 0; i < sizeof g / sizeof g[0]; i++) {
        const char *s = rpt_grade_slug(g[i].text);
        ck_assert_msg(s != NULL, "no grade for \"%s\"", g[i].text);
        ck_assert_str_eq(s, g[i].slug);
    }
    ck_assert_ptr_null(rpt_grade_slug("Met"));
    ck_assert_ptr_null(rpt_grade_slug("Not previously inspected"));
    ck_assert_ptr_null(rpt_grade_slug("goodness"));
    ck_assert_ptr_null(rpt_grade_slug("The quality of education is good"));
    ck_assert_ptr_null(rpt_grade_slug(NULL));
    ck_assert_int_eq(rpt_grade_rank("outstanding"), 1);
    ck_assert_int_eq(rpt_grade_rank("requires-improvement"), 3);
    ck_assert_int_eq(rpt_grade_rank("very-weak"), 5);
    ck_assert_int_eq(rpt_grade_rank("urgent-improvement"), 5);
    ck_assert_int_gt(rpt_grade_rank("insufficient-progress"),
                     rpt_grade_rank("reasonable-progress"));
    ck_assert_int_gt(rpt_grade_rank("reasonable-progress"),
                     rpt_grade_rank("significant-progress"));
    ck_assert_int_eq(rpt_grade_rank("nonsense"), 0);
    ck_assert_int_eq(rpt_grade_rank(NULL), 0);
}
END_TEST

/* -------------------------------------------------------------- reader */

static void expect_error(const char *path, int code, const char *fragment)
{
    rpt_report *r = (rpt_report *)1;
    char *err = NULL;
    int rc = rpt_read_file(path, &r, &err);
    ck_assert_msg(rc == code, "%s: got %d, want %d (%s)", path, rc, code,
                  err ? err : "no message");
    ck_assert_ptr_null(r);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, path) != NULL, "message does not name the file: %s", err);
    ck_assert_msg(strstr(err, fragment) != NULL, "message \"%s\" lacks \"%s\"", err,
                  fragment);
    free(err);
}

START_TEST(test_reader_empty_and_special)
{
    char *p, *fifo;
    tmpdir_make();
    p = file_write("empty.txt", "", 0);
    expect_error(p, RPT_ERR_EMPTY, "empty");
    free(p);
    p = file_write("blank.txt", " \n\n\t\n", 5);
    expect_error(p, RPT_ERR_EMPTY, "no text");
    free(p);
    expect_error(tmpdir, RPT_ERR_IO, "directory");
    fifo = path_join(tmpdir, "pipe.txt");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    expect_error(fifo, RPT_ERR_IO, "FIFO");   /* must not hang */
    free(fifo);
    expect_error("/dev/null", RPT_ERR_IO, "not a regular file");
    p = path_join(tmpdir, "missing.txt");
    expect_error(p, RPT_ERR_IO, "cannot open");
    free(p);
    tmpdir_remove();
}
END_TEST

START_TEST(test_reader_gzip)
{
    static const char text[] =
        "Inspection of Quill Training Ltd\n\nInspection dates: 3 to 6 June 2023\n\n"
        "Overall effectiveness\tGood\n\nInformation about this provider\n\n"
        "Quill Training Ltd is an independent learning provider in Hull. It teaches "
        "apprentices in warehousing and logistics.\n";
    size_t gz_len, gz2_len;
    unsigned char *gz, *gz2;
    rpt_report *r;
    char *err = NULL, *p;

    tmpdir_make();
    gz = gzip_bytes(text, sizeof text - 1, &gz_len);
    /* recognised by magic bytes, whatever the name */
    p = file_write("quill.txt", gz, gz_len);
    ck_assert_int_eq(rpt_read_file(p, &r, &err), RPT_OK);
    ck_assert_str_eq(r->format, "txt+gz");
    ck_assert_str_eq(r->provider, "Quill Training Ltd");
    ck_assert_str_eq(r->date_start, "2023-06-03");
    ck_assert_str_eq(r->grade, "good");
    ck_assert_int_ge(passage_find(r, "warehousing and logistics"), 0);
    rpt_report_free(r);
    free(p);

    /* nested twice, named .md.gz.gz: inflated twice, markdown by name */
    gz2 = gzip_bytes(gz, gz_len, &gz2_len);
    p = file_write("quill.md.gz.gz", gz2, gz2_len);
    ck_assert_int_eq(rpt_read_file(p, &r, &err), RPT_OK);
    ck_assert_str_eq(r->format, "md+gz");
    ck_assert_str_eq(r->urn, "");
    rpt_report_free(r);
    free(p);

    /* four layers: refused */
    {
        size_t l3, l4;
        unsigned char *g3 = gzip_bytes(gz2, gz2_len, &l3);
        unsigned char *g4 = gzip_bytes(g3, l3, &l4);
        p = file_write("deep.txt.gz", g4, l4);
        expect_error(p, RPT_ERR_FORMAT, "nested");
        free(p);
        free(g3);
        free(g4);
    }

    /* truncated */
    p = file_write("cut.txt.gz", gz, gz_len / 2);
    expect_error(p, RPT_ERR_FORMAT, "truncated gzip data (unexpected end of file)");
    free(p);

    /* corrupt: damage the deflate data after the header */
    {
        unsigned char *bad = malloc(gz_len);
        size_t i;
        ck_assert_ptr_nonnull(bad);
        memcpy(bad, gz, gz_len);
        for (i = 10; i < 30 && i < gz_len; i++)
            bad[i] ^= 0xA5;
        p = file_write("bad.txt.gz", bad, gz_len);
        expect_error(p, RPT_ERR_FORMAT, "gzip");
        free(p);
        /* a bad checksum is also corruption */
        memcpy(bad, gz, gz_len);
        bad[gz_len - 6] ^= 0xFF;
        p = file_write("crc.txt.gz", bad, gz_len);
        expect_error(p, RPT_ERR_FORMAT, "corrupt gzip data");
        free(p);
        free(bad);
    }
    free(gz);
    free(gz2);
    tmpdir_remove();
}
END_TEST

START_TEST(test_reader_gzip_bomb)
{
    /* 200 MB of zeros deflated streaming: about 200 KB on disk */
    z_stream zs;
    static unsigned char zeros[1 << 16];
    size_t cap = 1 << 20, total = 200u << 20, fed = 0;
    unsigned char *out = malloc(cap);
    char *p;
    ck_assert_ptr_nonnull(out);
    memset(&zs, 0, sizeof zs);
    ck_assert_int_eq(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    while (fed < total) {
        zs.next_in = zeros;
        zs.avail_in = sizeof zeros;
        fed += sizeof zeros;
        ck_assert_int_eq(deflate(&zs, fed < total ? Z_NO_FLUSH : Z_FINISH),
                         fed < total ? Z_OK : Z_STREAM_END);
        ck_assert_uint_gt(zs.avail_out, 0);
    }
    tmpdir_make();
    p = file_write("bomb.txt.gz", out, zs.total_out);
    deflateEnd(&zs);
    free(out);
    expect_error(p, RPT_ERR_TOO_BIG, "limit");
    free(p);
    tmpdir_remove();
}
END_TEST

START_TEST(test_reader_binary_and_charset)
{
    static const char pdf[] = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< >>\nstream\n\x01\x02\x03";
    /* Windows-1252: curly quotes 0x91/0x92/0x93/0x94, pound 0xA3 */
    static const char cp[] =
        "Inspection of Elmtree Skills Ltd\r\n\r\nInspection dates: 8-11 August 2016\r\n\r\n"
        "Information about this provider\r\n\r\n"
        "Learners\x92 work is praised by employers, and a \x93new\x94 centre cost \xA3" "2.4 million.\r\n";
    rpt_report *r;
    char *err = NULL, *p;
    int i;

    tmpdir_make();
    p = file_write("report.txt", pdf, sizeof pdf - 1);
    expect_error(p, RPT_ERR_FORMAT, "damaged PDF:");
    free(p);
    {
        unsigned char bin[2048];
        for (i = 0; i < (int)sizeof bin; i++)
            bin[i] = (unsigned char)(i * 7);
        p = file_write("noise.txt", bin, sizeof bin);
        expect_error(p, RPT_ERR_FORMAT, "not text");
        free(p);
    }
    p = file_write("elmtree-cp1252.txt", cp, sizeof cp - 1);
    ck_assert_int_eq(rpt_read_file(p, &r, &err), RPT_OK);
    ck_assert_str_ne(r->charset, "UTF-8");
    i = passage_find(r, "Learners\xE2\x80\x99 work");
    ck_assert_int_ge(i, 0);
    ck_assert_ptr_nonnull(strstr(r->passages[i].text,
                                 "\xE2\x80\x9Cnew\xE2\x80\x9D centre cost \xC2\xA3" "2.4 million."));
    ck_assert_str_eq(r->date_end, "2016-08-11");
    rpt_report_free(r);
    free(p);
    tmpdir_remove();
}
END_TEST

/* ------------------------------------------------------------ fixtures */

static rpt_report *fixture_read(const char *name)
{
    char *dir = path_join(srcdir(), "tests/fixtures/corpus");
    char *p = path_join(dir, name);
    rpt_report *r = NULL;
    char *err = NULL;
    int rc = rpt_read_file(p, &r, &err);
    ck_assert_msg(rc == RPT_OK, "%s: %s", p, err ? err : "?");
    free(dir);
    free(p);
    return r;
}

START_TEST(test_fixture_pdf_damaged)
{
    rpt_report *r = fixture_read("pdf-damaged.txt");
    size_t i;
    int k;
    ck_assert_str_eq(r->provider, "Moorgate Learning Limited");
    ck_assert_str_eq(r->type, "independent-learning-provider");
    ck_assert_str_eq(r->date_start, "2017-12-04");
    ck_assert_str_eq(r->date_end, "2017-12-07");
    ck_assert_str_eq(r->grade, "requires-improvement");
    ck_assert_str_eq(r->previous_grade, "inadequate");
    ck_assert_str_eq(judgement_grade(r, "Apprenticeships"), "good");
    /* hyphens: broken words joined, real compounds kept */
    k = passage_find(r, "off-the-job training of apprentices");
    ck_assert_int_ge(k, 0);
    ck_assert_ptr_nonnull(strstr(r->passages[k].text, "so apprenticeships take"));
    ck_assert_str_eq(section_of(r, k), "this-provider-requires-improvement-because");
    ck_assert_uint_eq(r->passages[k].page, 1);
    ck_assert_int_ge(passage_find(r, "staff under financial pressure"), 0);
    /* a paragraph across a page break is one passage, without the footer */
    k = passage_find(r, "in the warehouse.");
    ck_assert_int_ge(k, 0);
    ck_assert_uint_eq(r->passages[k].page, 2);
    k = passage_find(r, "the well-being support");
    ck_assert_int_ge(k, 0);
    ck_assert_str_eq(section_of(r, k), "the-provider-has-the-following-strengths");
    for (i = 0; i < r->n_passages; i++) {
        const char *t = r->passages[i].text;
        ck_assert_ptr_null(strstr(t, "Page "));
        ck_assert_ptr_null(strstr(t, "Inspection report:"));
        ck_assert_ptr_null(strstr(t, "\xE2\x96\xA0"));   /* ■ */
        ck_assert_ptr_null(strstr(t, "\xE2\x80\xA2"));   /* • */
        ck_assert_ptr_null(strstr(t, "\xEF\xAC\x81"));   /* ﬁ */
        ck_assert_ptr_null(strstr(t, "\t"));
        ck_assert_ptr_null(strstr(t, "  "));
    }
    ck_assert_uint_eq(r->n_passages, 5);
    rpt_report_free(r);
}
END_TEST

START_TEST(test_fixture_double_spaced)
{
    rpt_report *r = fixture_read("double-spaced.txt");
    int k;
    ck_assert_str_eq(r->provider, "Wendle Community Trust");
    ck_assert_str_eq(r->urn, "1234567");
    ck_assert_str_eq(r->date_start, "2017-10-12");
    ck_assert_str_eq(r->date_end, "2017-10-12");
    ck_assert_uint_eq(r->passages[0].page, 0);
    /* wrapped lines with blank lines between are joined into paragraphs */
    k = passage_find(r, "and most of them return for a second course");
    ck_assert_int_ge(k, 0);
    ck_assert_ptr_nonnull(strstr(r->passages[k].text, "lack confidence."));
    ck_assert_int_ge(passage_find(r, "safety or the safety of others"), 0);
    ck_assert_uint_eq(r->n_passages, 6);
    rpt_report_free(r);
}
END_TEST

START_TEST(test_fixture_markdown)
{
    rpt_report *r = fixture_read("markdown-report.md");
    size_t i;
    int k;
    ck_assert_str_eq(r->format, "md");
    ck_assert_str_eq(r->provider, "Lark Rise Skills Ltd");
    ck_assert_str_eq(r->urn, "2765432");
    ck_assert_str_eq(r->type, "employer");
    ck_assert_str_eq(r->kind, "full");
    ck_assert_str_eq(r->date_start, "2022-11-09");
    ck_assert_str_eq(r->date_end, "2022-11-10");
    k = passage_find(r, "Leaders have designed a demanding curriculum; see the plan "
                        "for details. It is well taught.");
    ck_assert_int_ge(k, 0);
    ck_assert_str_eq(section_of(r, k),
                     "what-does-the-provider-do-well-and-what-does-it-need-to-do-better");
    ck_assert_int_ge(passage_find(r, "first point with emphasis"), 0);
    k = passage_find(r, "arrangements for safeguarding are effective");
    ck_assert_str_eq(section_of(r, k), "safeguarding");
    for (i = 0; i < r->n_passages; i++) {
        const char *t = r->passages[i].text;
        ck_assert_ptr_null(strpbrk(t, "|*<>#["));
        ck_assert_ptr_null(strstr(t, "Crown copyright"));
        ck_assert_ptr_null(strstr(t, "complain to Ofsted"));
    }
    rpt_report_free(r);
}
END_TEST

START_TEST(test_parse_text_direct)
{
    static const char t[] =
        "Name of college:\t\tOakfield College\n"
        "Type of college:\t\tSixth form college\n"
        "Unique reference number:\t130999\n"
        "Dates of inspection:\t\t10-14 and 17-21 May 2004\n\n"
        "Part A: Summary\n\n"
        "Overall, the effectiveness of the college is judged to be good. Students "
        "achieve well in most subjects and attendance is high.\n";
    static const char news[] =
        "College praised by inspectors\n\n"
        "A college in the Midlands was inspected in May and told it was good. "
        "The principal said staff were delighted with the outcome of the visit.\n";
    rpt_report *r;
    char *err = NULL;
    ck_assert_int_eq(rpt_parse_text(t, sizeof t - 1, "txt", "mem", &r, &err), RPT_OK);
    ck_assert_str_eq(r->source, "mem");
    ck_assert_str_eq(r->provider, "Oakfield College");
    ck_assert_str_eq(r->type, "sixth-form-college");
    ck_assert_str_eq(r->urn, "130999");
    ck_assert_str_eq(r->date_start, "2004-05-10");
    ck_assert_str_eq(r->date_end, "2004-05-21");
    ck_assert_str_eq(r->grade, "good");
    ck_assert_str_eq(r->kind, "full");
    ck_assert_uint_eq(r->n_passages, 1);
    ck_assert_str_eq(r->sections[r->passages[0].section].title, "Part A: Summary");
    rpt_report_free(r);

    ck_assert_int_eq(rpt_parse_text(news, sizeof news - 1, "txt", "news", &r, &err),
                     RPT_OK);
    ck_assert_str_eq(r->kind, "other");
    ck_assert_str_eq(r->date_start, "");
    ck_assert_str_eq(r->grade, "");
    ck_assert_str_eq(r->urn, "");
    ck_assert_int_ge(passage_find(r, "inspected in May"), 0);
    rpt_report_free(r);

    ck_assert_int_eq(rpt_parse_text("", 0, "txt", "nothing", &r, &err), RPT_OK);
    ck_assert_uint_eq(r->n_passages, 0);
    rpt_report_free(r);
}
END_TEST

START_TEST(test_parse_long_line)
{
    /* one line as long as a file may be: linear work, and passages cut to
     * a sane size; a byte more is refused */
    size_t n = RPT_MAX_TEXT_BYTES, i;
    char *s = malloc(n);
    rpt_report *r;
    char *err = NULL;
    size_t total = 0;
    ck_assert_ptr_nonnull(s);
    for (i = 0; i < n; i++)
        s[i] = "learners [make (good <progress ** "[i % 34];
    ck_assert_int_eq(rpt_parse_text(s, n, "md", "long", &r, &err), RPT_OK);
    ck_assert_uint_gt(r->n_passages, 100);
    for (i = 0; i < r->n_passages; i++) {
        ck_assert_uint_le(strlen(r->passages[i].text), 32u * 1024u);
        total += strlen(r->passages[i].text);
    }
    ck_assert_uint_gt(total, n / 2);
    rpt_report_free(r);
    s = realloc(s, n + 1);
    ck_assert_ptr_nonnull(s);
    s[n] = 'x';
    ck_assert_int_eq(rpt_parse_text(s, n + 1, "md", "long", &r, &err),
                     RPT_ERR_TOO_BIG);
    ck_assert_ptr_nonnull(strstr(err, "long: "));
    ck_assert_ptr_nonnull(strstr(err, "not one report"));
    free(err);
    free(s);
}
END_TEST

/* -------------------------------------------------------- real samples */

static char *shared_samples(void)
{
    const char *env = getenv("INSEARCH_SHARED_SAMPLES");
    struct stat st;
    char *p;
    if (env && *env)
        p = path_join(env, "");
    else
        p = path_join(srcdir(), "../shared/samples");
    if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
        free(p);
        return NULL;
    }
    return p;
}

static rpt_report *shared_read(const char *dir, const char *name)
{
    char *p = path_join(dir, name);
    rpt_report *r = NULL;
    char *err = NULL;
    int rc = rpt_read_file(p, &r, &err);
    ck_assert_msg(rc == RPT_OK, "%s: %s", p, err ? err : "?");
    free(p);
    return r;
}

START_TEST(test_real_monitoring_2021)
{
    char *dir = shared_samples();
    rpt_report *r;
    int k;
    size_t i;
    if (!dir) {
        fprintf(stderr, "check_corpus: ../shared/samples not found; "
                        "real-report checks skipped\n");
        return;
    }
    r = shared_read(dir, "halifax-opportunities-trust-monitoring-2021.md");
    ck_assert_str_eq(r->format, "md");
    ck_assert_str_eq(r->provider, "Halifax Opportunities Trust");
    ck_assert_str_eq(r->urn, "58139");
    ck_assert_str_eq(r->type, "independent-learning-provider");
    ck_assert_str_eq(r->kind, "monitoring");
    ck_assert_str_eq(r->date_start, "2021-02-17");
    ck_assert_str_eq(r->date_end, "2021-02-18");
    ck_assert_str_eq(r->grade, "insufficient-progress");
    ck_assert_uint_eq(r->n_judgements, 1);
    ck_assert_str_eq(r->judgements[0].grade, "insufficient-progress");
    ck_assert_ptr_nonnull(strstr(r->judgements[0].name,
                                 "including the provision of remote/online learning?"));
    ck_assert_ptr_null(strstr(r->judgements[0].name, "**"));
    k = passage_find(r, "should take further action to:");
    ck_assert_int_ge(k, 0);
    ck_assert_str_eq(section_of(r, k), "theme");
    /* a paragraph broken by the page ("provision of" / "online learning") */
    ck_assert_int_ge(passage_find(r, "provision of online learning, which leaders"), 0);
    for (i = 0; i < r->n_passages; i++) {
        const char *t = r->passages[i].text;
        ck_assert_ptr_null(strstr(t, "Crown copyright"));
        ck_assert_ptr_null(strstr(t, "Piccadilly Gate"));
        ck_assert_ptr_null(strstr(t, "Open Government Licence"));
        ck_assert_ptr_null(strstr(t, "<b>"));
        ck_assert_ptr_null(strstr(t, "]("));
        ck_assert_ptr_null(strstr(t, "Insufficient progress"));
    }
    rpt_report_free(r);
    free(dir);
}
END_TEST

START_TEST(test_real_full_2016)
{
    char *dir = shared_samples();
    rpt_report *r;
    int k;
    size_t i, prevent = 0, strengths = 0;
    if (!dir) {
        fprintf(stderr, "check_corpus: ../shared/samples not found; "
                        "real-report checks skipped\n");
        return;
    }
    r = shared_read(dir, "joint-learning-partnership-inspection-2016.txt");
    ck_assert_str_eq(r->provider, "Joint Learning Partnership Limited");
    ck_assert_str_eq(r->type, "independent-learning-provider");
    ck_assert_str_eq(r->kind, "full");
    ck_assert_str_eq(r->date_start, "2016-08-08");
    ck_assert_str_eq(r->date_end, "2016-08-11");
    ck_assert_str_eq(r->grade, "inadequate");
    ck_assert_str_eq(r->previous_grade, "good");
    ck_assert_str_eq(judgement_grade(r, "Effectiveness of leadership and management"),
                     "inadequate");
    ck_assert_str_eq(judgement_grade(r, "Quality of teaching, learning and assessment"),
                     "inadequate");
    ck_assert_str_eq(judgement_grade(r, "Personal development, behaviour and welfare"),
                     "inadequate");
    ck_assert_str_eq(judgement_grade(r, "Outcomes for learners"), "inadequate");
    ck_assert_str_eq(judgement_grade(r, "Apprenticeships"), "inadequate");
    ck_assert_ptr_null(judgement_grade(r, "Overall effectiveness at previous inspection"));
    /* the Prevent-duty passages and where they are */
    for (i = 0; i < r->n_passages; i++)
        if (strstr(r->passages[i].text, "'Prevent' duty"))
            prevent++;
    ck_assert_uint_eq(prevent, 3);
    k = passage_find(r, "Leaders have not promoted the 'Prevent' duty well enough.");
    ck_assert_str_eq(section_of(r, k), "this-is-an-inadequate-provider");
    k = passage_find(r, "The 'Prevent' duty, to improve apprentices'");
    ck_assert_int_eq(k, passage_find(r, "The 'Prevent' duty, to improve"));
    ck_assert_str_eq(r->passages[k].text, "The 'Prevent' duty, to improve apprentices' and "
                     "learners' understanding of the risks associated with terrorism, "
                     "radicalisation and extremism.");
    ck_assert_str_eq(section_of(r, k), "what-does-the-provider-need-to-do-to-improve-further");
    k = passage_find(r, "knowledge of the 'Prevent' duty is underdeveloped");
    ck_assert_str_eq(section_of(r, k), "personal-development-behaviour-and-welfare");
    /* the one listed strength */
    for (i = 0; i < r->n_passages; i++)
        if (strcmp(r->sections[r->passages[i].section].slug,
                   "the-provider-has-the-following-strengths") == 0) {
            strengths++;
            ck_assert_str_eq(r->passages[i].text, "The large number of learners aged "
                             "19+ on short 'preparing for work' courses achieve "
                             "consistently well.");
        }
    ck_assert_uint_eq(strengths, 1);
    /* the provider-information table and the footer are not passages */
    for (i = 0; i < r->n_passages; i++) {
        const char *t = r->passages[i].text;
        ck_assert_ptr_null(strstr(t, "Mooreskills"));
        ck_assert_ptr_null(strstr(t, "4,794"));
        ck_assert_ptr_null(strstr(t, "Crown copyright"));
        ck_assert_ptr_null(strstr(t, "Learner View"));
        ck_assert_ptr_null(strstr(t, "regulates and inspects"));
        ck_assert_msg(strncmp(t, "- ", 2) != 0 && strncmp(t, "\xE2\x96\xA0", 3) != 0,
                      "bullet left in \"%s\"", t);
        ck_assert_str_ne(t, "is inadequate");
    }
    ck_assert_int_ge(passage_find(r, "High staff turnover, including that of senior managers"), 0);
    ck_assert_int_ge(passage_find(r, "The governance of the company is inadequate."), 0);
    rpt_report_free(r);
    free(dir);
}
END_TEST

START_TEST(test_real_non_reports)
{
    static const char *const names[] = {
        "council-audit-committee-minutes-2022.txt",
        "alliance-learning-magazine-profile-2013.txt",
        "fe-news-digest-2024.txt",
    };
    char *dir = shared_samples();
    size_t i;
    if (!dir) {
        fprintf(stderr, "check_corpus: ../shared/samples not found; "
                        "real-report checks skipped\n");
        return;
    }
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        rpt_report *r = shared_read(dir, names[i]);
        ck_assert_msg(strcmp(r->kind, "other") == 0, "%s: kind %s", names[i], r->kind);
        ck_assert_str_eq(r->grade, "");
        ck_assert_str_eq(r->date_start, "");
        ck_assert_uint_eq(r->n_judgements, 0);
        ck_assert_uint_gt(r->n_passages, 5);
        rpt_report_free(r);
    }
    free(dir);
}
END_TEST

/* ------------------------------------------------------------ manifest */

static const char *dash(const char *s)
{
    return strcmp(s, "-") == 0 ? "" : s;
}

START_TEST(test_manifest)
{
    char *dir = path_join(srcdir(), "corpus/samples");
    char *mpath = path_join(dir, "MANIFEST.tsv");
    FILE *f = fopen(mpath, "r");
    char line[4096];
    int n = 0, failures = 0;

    ck_assert_msg(f != NULL, "cannot open %s", mpath);
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_msg(strncmp(line, "file\tkind\ttype\tprovider\turn\t", 27) == 0,
                  "bad manifest header");
    while (fgets(line, sizeof line, f)) {
        char *field[10], *p = line, *path, *err = NULL;
        rpt_report *r;
        int k, rc;
        size_t l = strlen(line);
        while (l > 0 && (line[l - 1] == '\n' || line[l - 1] == '\r'))
            line[--l] = '\0';
        if (l == 0)
            continue;
        for (k = 0; k < 10; k++) {
            field[k] = p;
            p = strchr(p, '\t');
            if (!p) {
                k++;
                break;
            }
            *p++ = '\0';
        }
        ck_assert_msg(k == 10, "manifest line %d: %d fields", n + 2, k);
        path = path_join(dir, field[0]);
        rc = rpt_read_file(path, &r, &err);
        ck_assert_msg(rc == RPT_OK, "%s: %s", path, err ? err : "?");
#define CHECK_FIELD(got, want, what)                                            \
        if (strcmp((got), dash(want)) != 0) {                                   \
            fprintf(stderr, "%s: %s is \"%s\", manifest says \"%s\"\n",         \
                    field[0], what, (got), (want));                             \
            failures++;                                                         \
        }
        CHECK_FIELD(r->kind, field[1], "kind");
        CHECK_FIELD(r->type, field[2], "type");
        CHECK_FIELD(r->provider, field[3], "provider");
        CHECK_FIELD(r->urn, field[4], "urn");
        CHECK_FIELD(r->date_start, field[5], "date_start");
        CHECK_FIELD(r->date_end, field[6], "date_end");
        CHECK_FIELD(r->grade, field[7], "grade");
        CHECK_FIELD(r->previous_grade, field[8], "previous_grade");
#undef CHECK_FIELD
        if (passage_find(r, field[9]) < 0) {
            fprintf(stderr, "%s: no passage holds \"%s\"\n", field[0], field[9]);
            failures++;
        }
        /* every passage points at a section */
        {
            size_t i;
            for (i = 0; i < r->n_passages; i++)
                ck_assert_uint_lt(r->passages[i].section, r->n_sections);
        }
        rpt_report_free(r);
        free(path);
        n++;
    }
    fclose(f);
    free(mpath);
    free(dir);
    ck_assert_int_gt(n, 0);
    ck_assert_msg(failures == 0, "%d manifest mismatches (see above)", failures);
}
END_TEST

START_TEST(test_name_line_holding_a_type)
{
    /* The name holds type words; the line after it is the bare type. */
    static const char t[] =
        "Fernleaf School of Dance and Drama\n\n"
        "Dance and drama college\n\n"
        "Inspection dates\t20-24 November 2017\n"
        "Overall effectiveness\tInadequate\n\n"
        "Summary of key findings\n\n"
        "This is an inadequate provider\n\n"
        "- Governance is ineffective.\n";
    rpt_report *r = NULL;
    char *err = NULL;
    ck_assert_int_eq(rpt_parse_text(t, sizeof t - 1, "txt", "mem", &r, &err),
                     RPT_OK);
    ck_assert_str_eq(r->provider, "Fernleaf School of Dance and Drama");
    ck_assert_str_eq(r->type, "dance-and-drama-college");
    rpt_report_free(r);
}
END_TEST

/* "Monitoring visit report: NAME" names the provider; "Monitoring visit:
 * main findings" is a heading, not a name. */
START_TEST(test_name_after_monitoring_colon)
{
    static const char named[] =
        "Monitoring visit report: Thornbeck Skills Limited\n\n"
        "Unique reference number:\t2598100\n"
        "Inspection dates:\t3 to 4 March 2019\n\n"
        "Monitoring visit: main findings\n\n"
        "Context and focus of visit\n\n"
        "This was a new provider monitoring visit to an apprenticeship "
        "provider that began teaching apprentices in 2018.\n\n"
        "Themes\n\n"
        "How much progress have leaders made in ensuring that apprentices "
        "benefit from high-quality training?\n"
        "Insufficient progress\n\n"
        "Leaders do not plan off-the-job training well enough.\n";
    static const char unnamed[] =
        "Monitoring visit report\n\n"
        "Unique reference number:\t2598100\n"
        "Inspection dates:\t3 to 4 March 2019\n\n"
        "Monitoring visit: main findings\n\n"
        "Context and focus of visit\n\n"
        "This was a new provider monitoring visit to an apprenticeship "
        "provider that began teaching apprentices in 2018.\n";
    rpt_report *r = NULL;
    char *err = NULL;
    ck_assert_int_eq(rpt_parse_text(named, sizeof named - 1, "txt", "mem",
                                    &r, &err), RPT_OK);
    ck_assert_str_eq(r->provider, "Thornbeck Skills Limited");
    ck_assert_str_eq(r->kind, "monitoring");
    rpt_report_free(r);
    r = NULL;
    ck_assert_int_eq(rpt_parse_text(unnamed, sizeof unnamed - 1, "txt",
                                    "mem", &r, &err), RPT_OK);
    ck_assert(r->provider == NULL || r->provider[0] == '\0' ||
              strstr(r->provider, "main findings") == NULL);
    rpt_report_free(r);
}
END_TEST

/* Under "Types of provision" (a heading that also heads grade tables),
 * each type with its grade heads its findings, and short findings in
 * bullets are passages, not table cells to drop. */
START_TEST(test_types_of_provision_findings)
{
    static const char t[] =
        "Brackenfold Training Limited\n\n"
        "Inspection dates\t4 to 7 June 2018\n"
        "Overall effectiveness\tRequires improvement\n"
        "Apprenticeships\tRequires improvement\n\n"
        "Summary of key findings\n\n"
        "This is a provider that requires improvement\n\n"
        "- Leaders have improved the planning of training since 2017.\n\n"
        "Types of provision\n\n"
        "Apprenticeships\n\n"
        "Requires improvement\n\n"
        "Trainers visit apprentices at work every month and set them "
        "clear tasks that their managers agree with them.\n\n"
        "- Too few apprentices get their off-the-job training hours.\n"
        "- Reviews rarely involve employers.\n"
        "- Trainers are expert in joinery and bricklaying, and apprentices "
        "value their advice.\n\n"
        "Information about this inspection\n\n"
        "The inspection team was assisted by the quality manager, as "
        "nominee, and took account of the provider's own assessment.\n";
    rpt_report *r = NULL;
    char *err = NULL;
    ck_assert_int_eq(rpt_parse_text(t, sizeof t - 1, "txt", "mem", &r, &err),
                     RPT_OK);
    int hours = passage_find(r, "Too few apprentices get their off-the-job");
    int reviews = passage_find(r, "Reviews rarely involve employers.");
    int expert = passage_find(r, "Trainers are expert in joinery");
    ck_assert_int_ge(hours, 0);
    ck_assert_int_ge(reviews, 0);
    ck_assert_int_ge(expert, 0);
    ck_assert_str_eq(r->sections[r->passages[hours].section].title,
                     "Apprenticeships");
    ck_assert_int_lt(passage_find(r, "Requires improvement"), 0);
    rpt_report_free(r);
}
END_TEST

/* ------------------------------------------------------------ profiles */

/* A small report around `body`, so that the parser takes it for one. */
static rpt_report *profile_parse(const char *head, const char *body)
{
    char text[4096];
    rpt_report *r = NULL;
    char *err = NULL;
    int n = snprintf(text, sizeof text,
                     "Inspection of Wrenfield Training Ltd\n\n"
                     "Inspection dates:\t3 to 6 June 2023\n"
                     "Unique reference number:\t2719934\n"
                     "%s\n"
                     "Information about this provider\n\n"
                     "%s\n\n"
                     "What does the provider need to do to improve?\n\n"
                     "- Tutors should plan reviews with employers.\n",
                     head, body);
    ck_assert_int_gt(n, 0);
    ck_assert_int_lt(n, (int)sizeof text);
    ck_assert_int_eq(rpt_parse_text(text, (size_t)n, "txt", "mem", &r, &err), RPT_OK);
    ck_assert_str_eq(r->provider, "Wrenfield Training Ltd");
    ck_assert_str_ne(r->kind, "other");
    ck_assert_ptr_nonnull(r->area);
    return r;
}

static unsigned long prose_learners(const char *body)
{
    rpt_report *r = profile_parse("", body);
    unsigned long n = r->learners;
    rpt_report_free(r);
    return n;
}

START_TEST(test_learners_prose)
{
    /* the EIF forms */
    ck_assert_uint_eq(prose_learners(
        "Wrenfield Training Ltd is an independent learning provider. It has "
        "provided apprenticeships since 2006 and, at the time of the "
        "inspection, had 588 apprentices in learning. Most study at level 3."), 588);
    ck_assert_uint_eq(prose_learners("It has 310 apprentices, most of them aged over 19."), 310);
    ck_assert_uint_eq(prose_learners(
        "The college enrolled around 2,300 learners aged 16 to 18 and 3,900 "
        "adults in 2014/15, as well as around 610 apprentices, a third of whom "
        "are trained by six subcontractors."), 6810);
    ck_assert_uint_eq(prose_learners(
        "At the time of the inspection, there were 2,310 students on education "
        "programmes for young people, 1,460 adult learners, 318 apprentices and "
        "96 learners with high needs."), 4184);
    /* a breakdown after a colon or "including" is not added again */
    ck_assert_uint_eq(prose_learners(
        "At the time of inspection, there were 248 learners: 61 apprentices and "
        "17 advanced apprentices in driving, and 76 adult learners."), 248);
    ck_assert_uint_eq(prose_learners(
        "At the time of the visit there were 420 learners, including 90 "
        "apprentices."), 420);
    /* "of whom" numbers and ages are not counts; "also" adds a cohort */
    ck_assert_uint_eq(prose_learners(
        "In 2001/02 the college enrolled 1,960 full-time students, of whom 1,720 "
        "were aged 16 to 18, and 6,300 part-time students. About 68% of students "
        "are adults. The college also provides training for 140 modern "
        "apprentices."), 8400);
    /* later subsets without "also" are not added */
    ck_assert_uint_eq(prose_learners(
        "At the time of the inspection, 2,140 students aged 16 to 19 were "
        "enrolled. Around 240 learners live in residential accommodation."), 2140);
    /* an outcome's denominator is not the provider's size */
    ck_assert_uint_eq(prose_learners(
        "In 2019/20, 45% of the 1,200 learners achieved their qualifications."), 0);
    /* staff, URNs, money, years, percentages never count */
    ck_assert_uint_eq(prose_learners("The company employs 91 staff at four depots."), 0);
    ck_assert_uint_eq(prose_learners(
        "The company employs 91 staff. At the time of the inspection there were "
        "40 apprentices."), 40);
    ck_assert_uint_eq(prose_learners(
        "The provider (URN 130611) had 75 trainees at the time of the visit."), 75);
    ck_assert_uint_eq(prose_learners(
        "At the time of the inspection, URN 130611 learners were listed."), 0);
    ck_assert_uint_eq(prose_learners(
        "At the time of the inspection, the 2017 learners were listed."), 0);
    ck_assert_uint_eq(prose_learners(
        "At the time of the inspection, the college had spent £2,400 on laptops "
        "and 2019 learners' results were published."), 0);
    ck_assert_uint_eq(prose_learners(
        "At the time of the inspection, 16- to 18-year-old learners made up 60% "
        "of learners."), 0);
    /* the inspection's own activity is not the provider's size */
    ck_assert_uint_eq(prose_learners(
        "Inspectors interviewed 71 learners and 26 workplace supervisors."), 0);
    ck_assert_uint_eq(prose_learners(
        "Inspectors interviewed 71 learners. At the time of inspection there "
        "were 214 learners."), 214);
}
END_TEST

START_TEST(test_learners_table)
{
    rpt_report *r;
    /* 2015-2019 provider details row; beats the prose */
    r = profile_parse("Approximate number of all learners over the previous full contract year\t7,120\n",
                      "At the time of the inspection there were 500 apprentices.");
    ck_assert_uint_eq(r->learners, 7120);
    rpt_report_free(r);
    /* the value split over a continuation row */
    r = profile_parse("Age range of learners\t14+\n"
                      "Approximate number of all learners over the previous full contract year\tFull-time: 1,790\n"
                      "\tPart-time: 6,350\n", "");
    ck_assert_uint_eq(r->learners, 8140);
    rpt_report_free(r);
    /* several counts with a total: the total */
    r = profile_parse("Number of enrolled learners\t16-18: 400\t19+: 600\tTotal: 1,000\n", "");
    ck_assert_uint_eq(r->learners, 1000);
    rpt_report_free(r);
    /* a preferred label wins whatever the order */
    r = profile_parse("Number of apprentices\t300\n"
                      "Number of learners\t1,150\n"
                      "Number of learners aged 14-16\t40\n", "");
    ck_assert_uint_eq(r->learners, 1150);
    rpt_report_free(r);
    /* pre-2005 "Label: value" line, and a label line with its value line */
    r = profile_parse("Number of learners: 312\n", "");
    ck_assert_uint_eq(r->learners, 312);
    rpt_report_free(r);
    r = profile_parse("\nApproximate number of all learners over the previous full contract year\n\n"
                      "4,210\n\n", "");
    ck_assert_uint_eq(r->learners, 4210);
    rpt_report_free(r);
    /* a row with no number falls back to the prose */
    r = profile_parse("Number of learners\tNot known\n", "It has 310 apprentices.");
    ck_assert_uint_eq(r->learners, 310);
    rpt_report_free(r);
    /* not a report: nothing is read */
    {
        static const char t[] = "Training news\n\nA local firm has 500 apprentices "
                                "and plans to grow.\n";
        char *err = NULL;
        ck_assert_int_eq(rpt_parse_text(t, sizeof t - 1, "txt", "mem", &r, &err), RPT_OK);
        ck_assert_str_eq(r->kind, "other");
        ck_assert_uint_eq(r->learners, 0);
        ck_assert_str_eq(r->area, "");
        rpt_report_free(r);
    }
}
END_TEST

static void area_is(const char *head, const char *body, const char *want)
{
    rpt_report *r = profile_parse(head, body);
    ck_assert_msg(strcmp(r->area, want) == 0, "area \"%s\", want \"%s\" for [%s|%s]",
                  r->area, want, head, body);
    rpt_report_free(r);
}

START_TEST(test_area)
{
    /* postcode areas, one or two letters */
    area_is("Address:\tUnit 7, Kirkstall Mills\n\tBridge Road\n\tLeeds\n\tLS5 3BW\n", "", "LS");
    area_is("Address\t12 Hagley Road\n\tBirmingham\n\tB15 2TT\n", "", "B");
    area_is("Address of college:\t\tAbbey Meadows\n\t\t\tColnbridge\n\t\t\tSN17 4QA\n", "", "SN");
    /* the address beats the prose; no postcode: the last town line */
    area_is("Address:\tQuayside Road\n\tLeeds\n",
            "Wrenfield Training Ltd is an independent learning provider based in Hull.", "Leeds");
    area_is("Address:\tMill Lane\n\tAldermoor\n\tDerbyshire\n", "", "Aldermoor");
    /* prose: the last place that is not a county */
    area_is("", "Wrenfield Training Ltd is an independent learning provider based in "
            "Kirkstall, Leeds; it moved there in 2018.", "Leeds");
    area_is("", "Wrenfield Training Ltd is a training provider in Aldermoor, "
            "Derbyshire, founded in 1974.", "Aldermoor");
    area_is("", "Wrenfield Training Ltd is a training provider based in Morley, near Leeds.",
            "Morley");
    area_is("", "Wrenfield Training Ltd is a provider with its head office in "
            "Newcastle upon Tyne.", "Newcastle upon Tyne");
    /* not the provider's sentence, or no place: unknown */
    area_is("", "Apprentices work for employers in Leeds and Bradford.", "");
    area_is("", "Wrenfield Training Ltd is a provider that began in September 2019.", "");
    /* the inspectorate's address in the header is not the provider's */
    area_is("\nAdult Learning Inspectorate\nSpring Place\nHerald Avenue\nCoventry CV5 6UD\n",
            "", "");
}
END_TEST

START_TEST(test_area_markdown_and_letter)
{
    static const char md[] =
        "# Wrenfield Training Ltd\n\nMonitoring visit report\n\n"
        "| | |\n|---|---|\n"
        "| <b>Unique reference number:</b> | 2719934 |\n"
        "| <b>Inspection dates:</b> | 9-10 March 2021 |\n"
        "| <b>Address:</b> | 3 Abbey Court<br>Priory Way<br>Coventry<br>CV1 5QD |\n\n"
        "## Monitoring visit: main findings\n\n"
        "At the time of the visit, there were 214 apprentices.\n";
    static const char letter[] =
        "Ofsted\nFurther education and skills\n\n4 April 2016\n\n"
        "Mrs A Principal\nPrincipal\nWrenfield College\nMill Lane\nAldermoor\n"
        "DE71 3HN\n\nDear Mrs Principal\n\n"
        "Short inspection of Wrenfield College\n\n"
        "Following the short inspection on 8 and 9 March 2016, I write to set "
        "out our findings.\n\nThis provider continues to be good.\n\n"
        "Leaders have sustained the good quality of education.\n\n"
        "Information about this inspection\n\n"
        "Inspectors met leaders, staff and 40 learners.\n";
    rpt_report *r = NULL;
    char *err = NULL;
    ck_assert_int_eq(rpt_parse_text(md, sizeof md - 1, "md", "mem", &r, &err), RPT_OK);
    ck_assert_str_eq(r->area, "CV");
    ck_assert_uint_eq(r->learners, 214);
    rpt_report_free(r);
    ck_assert_int_eq(rpt_parse_text(letter, sizeof letter - 1, "txt", "mem", &r, &err),
                     RPT_OK);
    ck_assert_str_eq(r->kind, "short");
    ck_assert_str_eq(r->area, "DE");
    ck_assert_uint_eq(r->learners, 0);
    rpt_report_free(r);
}
END_TEST

START_TEST(test_real_2016_learners)
{
    char *dir = shared_samples();
    rpt_report *r;
    if (!dir) {
        fprintf(stderr, "check_corpus: ../shared/samples not found; "
                        "real-report learner check skipped\n");
        return;
    }
    /* the provider-information table's "approximate number of all learners"
     * (a label line, a blank line, then the number) */
    r = shared_read(dir, "joint-learning-partnership-inspection-2016.txt");
    ck_assert_uint_eq(r->learners, 4794);
    rpt_report_free(r);
    r = shared_read(dir, "halifax-opportunities-trust-monitoring-2021.md");
    ck_assert_str_eq(r->area, "HX");
    rpt_report_free(r);
    free(dir);
}
END_TEST

/* corpus/samples/PROFILES.tsv: learners and area of every file of the
 * manifest, compared exactly; every mismatch is reported by file. */
START_TEST(test_profiles)
{
    char *dir = path_join(srcdir(), "corpus/samples");
    char *ppath = path_join(dir, "PROFILES.tsv");
    char *mpath = path_join(dir, "MANIFEST.tsv");
    FILE *f = fopen(ppath, "r");
    char line[4096];
    char **seen = NULL;
    size_t n_seen = 0, k;
    int n = 0, failures = 0;

    ck_assert_msg(f != NULL, "cannot open %s", ppath);
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_msg(strcmp(line, "file\tlearners\tarea\n") == 0 ||
                  strcmp(line, "file\tlearners\tarea\r\n") == 0, "bad PROFILES.tsv header");
    while (fgets(line, sizeof line, f)) {
        char *file, *num, *area, *path, *err = NULL, *end;
        rpt_report *r;
        unsigned long want;
        size_t l = strlen(line);
        int rc;
        while (l > 0 && (line[l - 1] == '\n' || line[l - 1] == '\r'))
            line[--l] = '\0';
        if (l == 0)
            continue;
        file = line;
        num = strchr(file, '\t');
        ck_assert_msg(num != NULL, "PROFILES.tsv line %d: no learners", n + 2);
        *num++ = '\0';
        area = strchr(num, '\t');
        ck_assert_msg(area != NULL, "PROFILES.tsv line %d: no area", n + 2);
        *area++ = '\0';
        ck_assert_msg(strchr(area, '\t') == NULL, "PROFILES.tsv line %d: extra fields", n + 2);
        want = strtoul(num, &end, 10);
        ck_assert_msg(*num && *end == '\0', "PROFILES.tsv line %d: learners \"%s\"", n + 2, num);
        path = path_join(dir, file);
        rc = rpt_read_file(path, &r, &err);
        ck_assert_msg(rc == RPT_OK, "%s: %s", path, err ? err : "?");
        if (r->learners != want) {
            fprintf(stderr, "%s: learners is %lu, PROFILES.tsv says %lu\n", file,
                    r->learners, want);
            failures++;
        }
        if (strcmp(r->area, dash(area)) != 0) {
            fprintf(stderr, "%s: area is \"%s\", PROFILES.tsv says \"%s\"\n", file,
                    r->area, area);
            failures++;
        }
        rpt_report_free(r);
        free(path);
        seen = realloc(seen, (n_seen + 1) * sizeof *seen);
        ck_assert_ptr_nonnull(seen);
        seen[n_seen] = strdup(file);
        ck_assert_ptr_nonnull(seen[n_seen]);
        n_seen++;
        n++;
    }
    fclose(f);
    /* every file of the manifest has its profile */
    f = fopen(mpath, "r");
    ck_assert_msg(f != NULL, "cannot open %s", mpath);
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        size_t l = strcspn(line, "\t\r\n");
        int found = 0;
        if (l == 0)
            continue;
        line[l] = '\0';
        for (k = 0; k < n_seen; k++)
            if (strcmp(seen[k], line) == 0)
                found = 1;
        if (!found) {
            fprintf(stderr, "%s: in MANIFEST.tsv but not in PROFILES.tsv\n", line);
            failures++;
        }
    }
    fclose(f);
    for (k = 0; k < n_seen; k++)
        free(seen[k]);
    free(seen);
    free(ppath);
    free(mpath);
    free(dir);
    ck_assert_int_gt(n, 0);
    ck_assert_msg(failures == 0, "%d profile mismatches (see above)", failures);
}
END_TEST

static Suite *corpus_suite(void)
{
    Suite *s = suite_create("corpus");
    TCase *tc;

    tc = tcase_create("dates");
    tcase_add_loop_test(tc, test_dates_forms, 0,
                        (int)(sizeof date_cases / sizeof date_cases[0]));
    tcase_add_test(tc, test_dates_none);
    tcase_add_test(tc, test_dates_long_input);
    suite_add_tcase(s, tc);

    tc = tcase_create("grades");
    tcase_add_test(tc, test_grade_slugs);
    suite_add_tcase(s, tc);

    tc = tcase_create("reader");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_reader_empty_and_special);
    tcase_add_test(tc, test_reader_gzip);
    tcase_add_test(tc, test_reader_gzip_bomb);
    tcase_add_test(tc, test_reader_binary_and_charset);
    suite_add_tcase(s, tc);

    tc = tcase_create("parse");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_fixture_pdf_damaged);
    tcase_add_test(tc, test_fixture_double_spaced);
    tcase_add_test(tc, test_fixture_markdown);
    tcase_add_test(tc, test_parse_text_direct);
    tcase_add_test(tc, test_parse_long_line);
    suite_add_tcase(s, tc);

    tc = tcase_create("samples");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_real_monitoring_2021);
    tcase_add_test(tc, test_real_full_2016);
    tcase_add_test(tc, test_real_non_reports);
    tcase_add_test(tc, test_manifest);
    tcase_add_test(tc, test_name_line_holding_a_type);
    tcase_add_test(tc, test_name_after_monitoring_colon);
    tcase_add_test(tc, test_types_of_provision_findings);
    suite_add_tcase(s, tc);

    tc = tcase_create("profiles");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_learners_prose);
    tcase_add_test(tc, test_learners_table);
    tcase_add_test(tc, test_area);
    tcase_add_test(tc, test_area_markdown_and_letter);
    tcase_add_test(tc, test_real_2016_learners);
    tcase_add_test(tc, test_profiles);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(corpus_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
