/* check_pdf.c - PDF input: rpt_pdf_extract's errors and limits (with real
 * pdftotext and with fake ones put first on PATH), the tidying of its
 * text, and PDFs read through rpt_read_file (by content, whatever the name,
 * also inside gzip).
 *
 * The fixture PDFs in tests/fixtures/pdf/ are written by pdf_make below,
 * by hand, object by object, so they hold only what the tests need;
 * `check_pdf --make-fixtures DIR` writes them again, and a test checks the
 * committed ones still match the generator.
 */
#define _POSIX_C_SOURCE 200809L
#include "corpus/pdf.h"
#include "corpus/report.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

/* ------------------------------------------------------------ PDF writer */

typedef struct pdfw {
    char *buf;
    size_t len, cap;
    size_t off[64];   /* byte offset of object i */
    int n_obj;
} pdfw;

static void pw_put(pdfw *w, const char *s, size_t n)
{
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < w->len + n + 1)
            cap *= 2;
        w->buf = realloc(w->buf, cap);
        if (!w->buf)
            abort();
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

static void pw_printf(pdfw *w, const char *fmt, ...)
{
    char tmp[8192];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        abort();
    pw_put(w, tmp, (size_t)n);
}

static void pw_obj(pdfw *w, int num, const char *body)
{
    w->off[num] = w->len;
    if (num > w->n_obj)
        w->n_obj = num;
    pw_printf(w, "%d 0 obj\n%s\nendobj\n", num, body);
}

static void pw_stream(pdfw *w, int num, const char *data, size_t n)
{
    w->off[num] = w->len;
    if (num > w->n_obj)
        w->n_obj = num;
    pw_printf(w, "%d 0 obj\n<< /Length %zu >>\nstream\n", num, n);
    pw_put(w, data, n);
    pw_printf(w, "\nendstream\nendobj\n");
}

/* xref table and trailer; `extra` goes into the trailer dictionary */
static void pw_finish(pdfw *w, const char *extra)
{
    size_t xref = w->len;
    int i;
    pw_printf(w, "xref\n0 %d\n0000000000 65535 f \n", w->n_obj + 1);
    for (i = 1; i <= w->n_obj; i++)
        pw_printf(w, "%010zu 00000 n \n", w->off[i]);
    pw_printf(w, "trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%zu\n%%%%EOF\n",
              w->n_obj + 1, extra ? extra : "", xref);
}

/* Content streams: one text line per call. `show` is a Tj or TJ operand and
 * operator, e.g. "(Good) Tj" or "[(Wo) 80 (rk)] TJ". */
typedef struct content {
    char buf[16384];
    size_t len;
} content;

static void ct_line(content *c, int font_size, int x, int y, const char *show)
{
    int n = snprintf(c->buf + c->len, sizeof c->buf - c->len,
                     "BT /F1 %d Tf 1 0 0 1 %d %d Tm %s ET\n", font_size, x, y, show);
    if (n < 0 || (size_t)n >= sizeof c->buf - c->len)
        abort();
    c->len += (size_t)n;
}

/* Lines of a paragraph, 14 points apart, from y down; returns the y below. */
static int ct_para(content *c, int y, const char *const lines[], size_t n)
{
    size_t i;
    char show[512];
    for (i = 0; i < n; i++) {
        snprintf(show, sizeof show, "(%s) Tj", lines[i]);
        ct_line(c, 10, 72, y, show);
        y -= 14;
    }
    return y - 14;
}

/* The running head and foot every page of the report has. */
static void ct_page_edges(content *c, int page, int pages)
{
    char show[128];
    ct_line(c, 8, 72, 800,
            "(Inspection report: Wendlebury Skills Limited, 3 to 6 June 2024) Tj");
    snprintf(show, sizeof show, "(Page %d of %d) Tj", page, pages);
    ct_line(c, 8, 280, 40, show);
}

enum pdf_kind { PDF_REPORT, PDF_ENCRYPTED, PDF_NO_TEXT, PDF_TWO_COLUMN };

/* Catalog 1, page tree 2, font 3, pages from 4 on (page, content). The
 * font encoding maps byte 0x80 to the glyph "fi", as many fonts do, so
 * poppler writes the ligature U+FB01. */
static char *pdf_make(enum pdf_kind kind, size_t *out_len)
{
    pdfw w;
    content c1, c2;
    memset(&w, 0, sizeof w);
    memset(&c1, 0, sizeof c1);
    memset(&c2, 0, sizeof c2);
    pw_printf(&w, "%%PDF-1.4\n%%\xE2\xE3\xCF\xD3\n");
    pw_obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    if (kind == PDF_NO_TEXT) {
        /* a page that is one picture: what a scan without OCR holds */
        static const char img[] =
            "q 200 0 0 100 72 600 cm\n"
            "BI /W 4 /H 2 /CS /G /BPC 8 ID\n"
            "\x10\x80\xF0\x40\x20\x90\xE0\x30\nEI Q\n"
            "0.5 g 72 300 200 100 re f\n";
        pw_obj(&w, 2, "<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
        pw_obj(&w, 3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        pw_obj(&w, 4, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                      "/Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>");
        pw_stream(&w, 5, img, sizeof img - 1);
        pw_finish(&w, NULL);
        *out_len = w.len;
        return w.buf;
    }
    if (kind == PDF_TWO_COLUMN) {
        /* A summary page set in two columns, as some years' reports were:
         * a heading across the page, then two columns of prose whose lines
         * sit at the same heights, so a layout extraction puts a left line
         * and a right line side by side on one line of text. */
        static const char *const left[] = {
            "Leaders and managers have set a clear",
            "vision for the curriculum. They work",
            "closely with employers to design",
            "programmes that meet local needs in",
            "construction and engineering.",
            "",
            "Governors hold leaders to account for",
            "the quality of education. They receive",
            "accurate reports about the progress",
            "that apprentices make.",
        };
        static const char *const right[] = {
            "Learners do not receive useful careers",
            "advice. Too few learners know what they",
            "could do when their course ends.",
            "",
            "Staff do not check the English and",
            "mathematics skills of learners well",
            "enough at the start, so functional",
            "skills teaching is not planned around",
            "what each learner needs to learn.",
        };
        size_t i;
        ct_line(&c1, 8, 72, 800,
                "(Inspection report: Wendlebury Skills Limited, 3 to 6 June 2024) Tj");
        ct_line(&c1, 12, 72, 760, "(Summary of key findings for learners) Tj");
        for (i = 0; i < sizeof left / sizeof left[0]; i++) {
            char show[256];
            if (!left[i][0])
                continue;
            snprintf(show, sizeof show, "(%s) Tj", left[i]);
            ct_line(&c1, 10, 72, 730 - 14 * (int)i, show);
        }
        for (i = 0; i < sizeof right / sizeof right[0]; i++) {
            char show[256];
            if (!right[i][0])
                continue;
            snprintf(show, sizeof show, "(%s) Tj", right[i]);
            ct_line(&c1, 10, 310, 730 - 14 * (int)i, show);
        }
        ct_line(&c1, 12, 72, 560, "(Full report) Tj");
        ct_line(&c1, 10, 72, 540, "(The provider has improved since the previous "
                                   "inspection.) Tj");
        ct_line(&c1, 8, 280, 40, "(Page 1 of 1) Tj");
        pw_obj(&w, 2, "<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
        pw_obj(&w, 3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        pw_obj(&w, 4, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                      "/Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>");
        pw_stream(&w, 5, c1.buf, c1.len);
        pw_finish(&w, NULL);
        *out_len = w.len;
        return w.buf;
    }
    pw_obj(&w, 2, "<< /Type /Pages /Kids [4 0 R 6 0 R] /Count 2 >>");
    pw_obj(&w, 3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                  "/Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding "
                  "/Differences [128 /fi] >> >>");
    {
        static const char *const about[] = {
            "Wendlebury Skills Limited is an independent learning provider based in",
            "Norwich. At the time of the inspection, 212 apprentices were on appren-",
            "ticeship programmes at levels 2 to 5. Most apprentices follow the work-",
            "based team leader standard, and the provider receives \\200nancial",
            "support for each of them from the levy.",
        };
        static const char *const like[] = {
            "Apprentices value the well-",
            "being support that their coaches give them. They develop new",
            "knowledge quickly and put it to use at work. Apprentices learn how to",
            "keep themselves safe online and know how to report any concerns.",
        };
        int y;
        ct_page_edges(&c1, 1, 2);
        ct_line(&c1, 16, 72, 760, "(Inspection of Wendlebury Skills Limited) Tj");
        ct_line(&c1, 10, 72, 730, "(Inspection dates: 3 to 6 June 2024) Tj");
        ct_line(&c1, 10, 72, 700, "(Overall effectiveness) Tj");
        ct_line(&c1, 10, 360, 700, "(Good) Tj");
        ct_line(&c1, 10, 72, 686, "(Apprenticeships) Tj");
        ct_line(&c1, 10, 360, 686, "(Good) Tj");
        ct_line(&c1, 12, 72, 650, "(Information about this provider) Tj");
        y = ct_para(&c1, 630, about, sizeof about / sizeof about[0]);
        ct_line(&c1, 12, 72, y - 10,
                "(What is it like to be a learner with this provider?) Tj");
        ct_para(&c1, y - 30, like, sizeof like / sizeof like[0]);
    }
    {
        static const char *const well[] = {
            "Leaders plan an ambitious curriculum with employers. Coaches check",
            "what apprentices already know at the start and plan the off-the-job",
            "training around it.",
        };
        ct_page_edges(&c2, 2, 2);
        ct_line(&c2, 12, 72, 760, "(What does the provider do well and what does it "
                                   "need to do better?) Tj");
        /* kerned and spaced with TJ, as typesetting programs write text */
        ct_line(&c2, 10, 72, 740,
                "[(T) 80 (utors) -250 (give) -250 (clear) -250 (feedback) -250 "
                "(on) -250 (written) -250 (work.)] TJ");
        ct_para(&c2, 712, well, sizeof well / sizeof well[0]);
        ct_line(&c2, 12, 72, 640, "(Provider details) Tj");
        ct_line(&c2, 10, 72, 620, "(Unique reference number) Tj");
        ct_line(&c2, 10, 300, 620, "(2786431) Tj");
        ct_line(&c2, 10, 72, 606, "(Address) Tj");
        ct_line(&c2, 10, 300, 606, "(14 Mill Lane, Norwich NR3 1AB) Tj");
        ct_line(&c2, 10, 72, 592, "(Provider type) Tj");
        ct_line(&c2, 10, 300, 592, "(Independent learning provider) Tj");
    }
    pw_obj(&w, 4, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                  "/Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>");
    pw_stream(&w, 5, c1.buf, c1.len);
    pw_obj(&w, 6, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                  "/Resources << /Font << /F1 3 0 R >> >> /Contents 7 0 R >>");
    pw_stream(&w, 7, c2.buf, c2.len);
    if (kind == PDF_ENCRYPTED) {
        /* Standard security handler, RC4 40-bit; /U is not what the empty
         * user password computes, so no reader can open it without one. */
        char enc[512];
        size_t i;
        int n = snprintf(enc, sizeof enc, "<< /Filter /Standard /V 1 /R 2 /P -44 /O <");
        for (i = 0; i < 32; i++)
            n += snprintf(enc + n, sizeof enc - (size_t)n, "%02X", (unsigned)(i * 7 + 3) & 0xFF);
        n += snprintf(enc + n, sizeof enc - (size_t)n, "> /U <");
        for (i = 0; i < 32; i++)
            n += snprintf(enc + n, sizeof enc - (size_t)n, "%02X", (unsigned)(i * 13 + 5) & 0xFF);
        snprintf(enc + n, sizeof enc - (size_t)n, "> >>");
        pw_obj(&w, 8, enc);
        pw_finish(&w, " /Encrypt 8 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> "
                      "<0123456789ABCDEF0123456789ABCDEF>]");
    } else {
        pw_finish(&w, NULL);
    }
    *out_len = w.len;
    return w.buf;
}

/* gzip with a fixed header (no name, mtime 0), so the bytes are stable */
static unsigned char *gzip_bytes(const void *data, size_t len, size_t *out_len)
{
    z_stream zs;
    size_t cap = compressBound((uLong)len) + 64;
    unsigned char *out = malloc(cap);
    if (!out)
        abort();
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    zs.next_in = (Bytef *)(uintptr_t)data;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
        abort();
    *out_len = zs.total_out;
    deflateEnd(&zs);
    return out;
}

static char *gunzip_bytes(const unsigned char *data, size_t len, size_t *out_len)
{
    z_stream zs;
    size_t cap = 1u << 20;
    char *out = malloc(cap);
    ck_assert_ptr_nonnull(out);
    memset(&zs, 0, sizeof zs);
    ck_assert_int_eq(inflateInit2(&zs, 15 + 16), Z_OK);
    zs.next_in = (Bytef *)(uintptr_t)data;
    zs.avail_in = (uInt)len;
    zs.next_out = (Bytef *)out;
    zs.avail_out = (uInt)cap;
    ck_assert_int_eq(inflate(&zs, Z_FINISH), Z_STREAM_END);
    *out_len = zs.total_out;
    inflateEnd(&zs);
    return out;
}

/* The fixtures, by file name: what the generator makes for each. */
typedef struct fixture {
    const char *name;
    char *data;
    size_t len;
} fixture;

#define N_FIXTURES 7

static void fixtures_make(fixture fx[N_FIXTURES])
{
    size_t n, gl;
    char *report = pdf_make(PDF_REPORT, &n);
    unsigned char *gz;
    fx[0].name = "report.pdf";
    fx[0].data = report;
    fx[0].len = n;
    fx[1].name = "encrypted.pdf";
    fx[1].data = pdf_make(PDF_ENCRYPTED, &fx[1].len);
    fx[2].name = "scanned.pdf";
    fx[2].data = pdf_make(PDF_NO_TEXT, &fx[2].len);
    /* cut inside the first page object: no xref, no trailer, no catalog
     * that a reconstruction could find */
    fx[3].name = "truncated.pdf";
    fx[3].len = 300;
    fx[3].data = malloc(fx[3].len);
    if (!fx[3].data)
        abort();
    memcpy(fx[3].data, report, fx[3].len);
    /* a PDF named like a text file */
    fx[4].name = "really-a-pdf.txt";
    fx[4].data = malloc(n);
    if (!fx[4].data)
        abort();
    memcpy(fx[4].data, report, n);
    fx[4].len = n;
    gz = gzip_bytes(report, n, &gl);
    fx[5].name = "report.pdf.gz";
    fx[5].data = (char *)gz;
    fx[5].len = gl;
    fx[6].name = "two-column.pdf";
    fx[6].data = pdf_make(PDF_TWO_COLUMN, &fx[6].len);
}

static void fixtures_free(fixture fx[N_FIXTURES])
{
    size_t i;
    for (i = 0; i < N_FIXTURES; i++)
        free(fx[i].data);
}

static int fixtures_write(const char *dir)
{
    fixture fx[N_FIXTURES];
    size_t i;
    int rc = 0;
    fixtures_make(fx);
    for (i = 0; i < N_FIXTURES; i++) {
        char p[4096];
        FILE *f;
        snprintf(p, sizeof p, "%s/%s", dir, fx[i].name);
        f = fopen(p, "wb");
        if (!f || fwrite(fx[i].data, 1, fx[i].len, f) != fx[i].len) {
            fprintf(stderr, "%s: %s\n", p, strerror(errno));
            rc = 1;
        }
        if (f && fclose(f) != 0)
            rc = 1;
    }
    fixtures_free(fx);
    return rc;
}

/* ------------------------------------------------------------ helpers */

static char tmpdir[256];
static char *saved_path;

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

static char *fixture_path(const char *name)
{
    char *dir = path_join(srcdir(), "tests/fixtures/pdf");
    char *p = path_join(dir, name);
    free(dir);
    return p;
}

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    const char *path = getenv("PATH");
    snprintf(tmpdir, sizeof tmpdir, "%s/check_pdf.XXXXXX", t && *t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    saved_path = strdup(path ? path : "/usr/bin:/bin");
    ck_assert_ptr_nonnull(saved_path);
}

static void teardown(void)
{
    char cmd[300];
    setenv("PATH", saved_path, 1);
    free(saved_path);
    saved_path = NULL;
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

static char *file_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

/* A fake pdftotext: `body` is a shell script's text after "#!/bin/sh",
 * installed in tmpdir/bin, which goes first on PATH. */
static void fake_install(const char *body)
{
    char *bin = path_join(tmpdir, "bin");
    char *prog = path_join(bin, "pdftotext");
    char *path;
    size_t n;
    FILE *f;
    ck_assert_int_eq(mkdir(bin, 0700) == 0 || errno == EEXIST, 1);
    f = fopen(prog, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(chmod(prog, 0700), 0);
    n = strlen(bin) + strlen(saved_path) + 2;
    path = malloc(n);
    ck_assert_ptr_nonnull(path);
    snprintf(path, n, "%s:%s", bin, saved_path);
    ck_assert_int_eq(setenv("PATH", path, 1), 0);
    free(path);
    free(prog);
    free(bin);
}

static void err_ends(const char *err, const char *path, const char *msg)
{
    char want[1024];
    ck_assert_ptr_nonnull(err);
    snprintf(want, sizeof want, "%s: %s", path, msg);
    ck_assert_str_eq(err, want);
}

/* Extract a fixture, expecting failure with code and exact message. */
static void extract_fails(const char *path, const rpt_pdf_limits *lim,
                          int code, const char *msg)
{
    char *text = (char *)1, *err = NULL;
    size_t len = 7;
    int rc = rpt_pdf_extract(path, NULL, 0, lim, &text, &len, &err);
    ck_assert_msg(rc == code, "rc %d, want %d (%s)", rc, code, err ? err : "");
    ck_assert_ptr_null(text);
    ck_assert_uint_eq(len, 0);
    err_ends(err, path, msg);
    free(err);
}

static void read_fails(const char *path, int code, const char *msg)
{
    rpt_report *r = (rpt_report *)1;
    char *err = NULL;
    int rc = rpt_read_file(path, &r, &err);
    ck_assert_msg(rc == code, "rc %d, want %d (%s)", rc, code, err ? err : "");
    ck_assert_ptr_null(r);
    err_ends(err, path, msg);
    free(err);
}

static int count_char(const char *s, size_t n, char c)
{
    int k = 0;
    size_t i;
    for (i = 0; i < n; i++)
        k += s[i] == c;
    return k;
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

/* ------------------------------------------------------------ tidying */

static char *tidy(const char *in)
{
    size_t n = strlen(in), m;
    char *t = malloc(n + 1);
    ck_assert_ptr_nonnull(t);
    memcpy(t, in, n + 1);
    m = rpt_pdf_text_tidy(t, n);
    ck_assert_uint_le(m, n);
    ck_assert_uint_eq(strlen(t), m);
    return t;
}

static const struct { const char *in, *out; } tidy_cases[] = {
    /* a broken word: joined, the rest of the line stays below */
    {"were on appren-\nticeship programmes\n", "were on apprenticeship\nprogrammes\n"},
    /* U+2010 HYPHEN too, and an indented next line (-layout) */
    {"on appren\xE2\x80\x90\n    ticeship programmes\n",
     "on apprenticeship\nprogrammes\n"},
    /* the word was the whole next line: that line goes */
    {"new appren-\nticeships.\nNext line\n", "new apprenticeships.\nNext line\n"},
    /* a compound-forming first part keeps its hyphen */
    {"the work-\nbased team\n", "the work-based\nteam\n"},
    {"their well-\nbeing\n", "their well-being\n"},
    {"a self-\nassessment report\n", "a self-assessment\nreport\n"},
    /* already a compound */
    {"the off-the-\njob training\n", "the off-the-job\ntraining\n"},
    /* the document decides: "overall" written whole elsewhere */
    {"the over-\nall picture; overall, good\n", "the overall\npicture; overall, good\n"},
    /* ... and "gate-way" written whole elsewhere keeps it */
    {"a gate-\nway course, the gate-way\n", "a gate-way\ncourse, the gate-way\n"},
    /* capitals, digits and acronyms after or before: not broken words */
    {"anti-\nSemitism\n", "anti-\nSemitism\n"},
    {"COVID-\n19 rules\n", "COVID-\n19 rules\n"},
    {"16-\nto 18-year-olds\n", "16-\nto 18-year-olds\n"},
    {"the NVQ-\nbased course\n", "the NVQ-\nbased course\n"},
    /* nothing on the next line, or a page break between */
    {"appren-\n\nticeship\n", "appren-\n\nticeship\n"},
    {"appren-\n\fticeship\n", "appren-\n\fticeship\n"},
    {"a list -\nnext\n", "a list -\nnext\n"},
    /* blanks at line ends go, page breaks stay */
    {"first   \nsecond\t \n\n\fthird  \f", "first\nsecond\n\n\fthird\f"},
    {"  indented stays\n", "  indented stays\n"},
    /* ligatures: the Latin ones parse.c expands too, and the letter pairs */
    {"\xEF\xAC\x81nancial \xEF\xAC\x82ow o\xEF\xAC\x83" "ce \xEF\xAC\x80" "ect",
     "financial flow office ffect"},
    {"\xC4\xB2sselmeer, \xC4\xB3, \xC7\x89, \xC7\x8C, \xC7\xB2",
     "IJsselmeer, ij, lj, nj, Dz"},
    /* other letters are left alone */
    {"caf\xC3\xA9 \xC5\x93uvre \xE2\x80\x94 na\xC3\xAFve", "caf\xC3\xA9 \xC5\x93uvre \xE2\x80\x94 na\xC3\xAFve"},
    /* invalid UTF-8: bytes made spaces */
    {"a\xFF" "b\xC3(c\xED\xA0\x80" "d", "a b (c   d"},
    /* a ligature inside a broken word still finds the whole word */
    {"the sta\xEF\xAC\x80-\ning was good; staffing\n", "the staffing\nwas good; staffing\n"},
    /* two columns side by side (-layout): the left column, then the
     * right, each keeping its paragraph breaks */
    {"Heading across\n"
     "Leaders set a clear vision          Learners do not get useful\n"
     "for the curriculum and work         careers advice in their first\n"
     "with employers on it.               weeks at the college.\n"
     "                                    Staff do not check their\n"
     "Governors hold leaders to           starting points in English\n"
     "account for the quality of          and mathematics well enough.\n"
     "\n"
     "\n"
     "Full report\n",
     "Heading across\n"
     "Leaders set a clear vision\nfor the curriculum and work\nwith employers on it.\n"
     "\n"
     "Governors hold leaders to\naccount for the quality of\n"
     "\n"
     "Learners do not get useful\ncareers advice in their first\nweeks at the college.\n"
     "Staff do not check their\nstarting points in English\nand mathematics well enough.\n"
     "\n"
     "\n"
     "Full report\n"},
    /* a word broken at the end of a left-column line joins its own
     * column's next line, not the right column's */
    {"Most apprentices follow the         Leaders plan the course with\n"
     "team leader standard and get        employers and check what each\n"
     "good careers guid-                  apprentice knows at the start of\n"
     "ance from their coaches.            the course and plan around it.\n",
     "Most apprentices follow the\nteam leader standard and get\n"
     "good careers guidance\nfrom their coaches.\n\n"
     "Leaders plan the course with\nemployers and check what each\n"
     "apprentice knows at the start of\nthe course and plan around it.\n"},
    /* a table of labels and values keeps its rows */
    {"Unique reference number          2786431\n"
     "Address                          14 Mill Lane\n"
     "                                 Norwich NR3 1AB\n"
     "Provider type                    Independent learning provider\n"
     "Age range of learners            16+\n",
     "Unique reference number          2786431\n"
     "Address                          14 Mill Lane\n"
     "                                 Norwich NR3 1AB\n"
     "Provider type                    Independent learning provider\n"
     "Age range of learners            16+\n"},
    /* three columns of prose-length cells: a table, left alone */
    {"Quality of teaching and learning     Good progress is made     Since the last visit\n"
     "Outcomes for learners and trainees   Reasonable progress here   Since the last visit\n"
     "Leadership and management of all     Significant progress made  Since the last visit\n",
     "Quality of teaching and learning     Good progress is made     Since the last visit\n"
     "Outcomes for learners and trainees   Reasonable progress here   Since the last visit\n"
     "Leadership and management of all     Significant progress made  Since the last visit\n"},
    /* at the very end of the text */
    {"an appren-\nticeship", "an apprenticeship"},
    {"", ""},
};

START_TEST(test_tidy_cases)
{
    char *t = tidy(tidy_cases[_i].in);
    ck_assert_msg(strcmp(t, tidy_cases[_i].out) == 0, "case %d: got \"%s\"", _i, t);
    free(t);
}
END_TEST

START_TEST(test_tidy_long)
{
    /* linear on a big text of broken words; the text only shrinks */
    size_t reps = 200000, i, n, m;
    const char *unit = "appren-\nticeship ";
    size_t ul = strlen(unit);
    char *t = malloc(reps * ul + 1);
    ck_assert_ptr_nonnull(t);
    for (i = 0; i < reps; i++)
        memcpy(t + i * ul, unit, ul);
    n = reps * ul;
    t[n] = '\0';
    m = rpt_pdf_text_tidy(t, n);
    /* the last one has nothing after it: no newline of its own */
    ck_assert_uint_eq(m, reps * strlen("apprenticeship\n") - 1);
    ck_assert_int_eq(strncmp(t, "apprenticeship\napprenticeship\n", 30), 0);
    free(t);
}
END_TEST

START_TEST(test_sniff)
{
    ck_assert_int_eq(rpt_pdf_sniff("%PDF-1.7\n", 9), 1);
    ck_assert_int_eq(rpt_pdf_sniff("%PDF", 4), 0);
    ck_assert_int_eq(rpt_pdf_sniff(NULL, 0), 0);
    /* binary junk before the header, as some mailers leave it */
    ck_assert_int_eq(rpt_pdf_sniff("\x01\x02junk\n%PDF-1.4\n", 17), 1);
    /* a text that quotes the header is still text */
    ck_assert_int_eq(rpt_pdf_sniff("A note.\n%PDF-1.4 starts a PDF\n", 30), 0);
    ck_assert_int_eq(rpt_pdf_sniff("Inspection report\n", 18), 0);
}
END_TEST

/* ------------------------------------------------------------ fixtures */

START_TEST(test_fixtures_current)
{
    fixture fx[N_FIXTURES];
    size_t i;
    fixtures_make(fx);
    for (i = 0; i < N_FIXTURES; i++) {
        char *p = fixture_path(fx[i].name);
        size_t n;
        char *got = file_slurp(p, &n);
        if (strstr(fx[i].name, ".gz")) {
            /* compare what is inside: zlib versions may compress apart */
            size_t a, b;
            char *x = gunzip_bytes((unsigned char *)got, n, &a);
            char *y = gunzip_bytes((unsigned char *)fx[i].data, fx[i].len, &b);
            ck_assert_uint_eq(a, b);
            ck_assert_int_eq(memcmp(x, y, a), 0);
            free(x);
            free(y);
        } else {
            ck_assert_msg(n == fx[i].len && memcmp(got, fx[i].data, n) == 0,
                          "%s differs from the generator: "
                          "run check_pdf --make-fixtures tests/fixtures/pdf", p);
        }
        free(got);
        free(p);
    }
    fixtures_free(fx);
}
END_TEST

/* ------------------------------------------------------------ real pdftotext */

START_TEST(test_extract_report)
{
    char *p = fixture_path("report.pdf");
    char *text = NULL, *err = NULL;
    size_t len = 0, i;
    int rc = rpt_pdf_extract(p, NULL, 0, NULL, &text, &len, &err);
    ck_assert_msg(rc == RPT_OK, "%s", err ? err : "?");
    ck_assert_ptr_null(err);
    ck_assert_uint_eq(strlen(text), len);
    /* two pages, each ended by a page break */
    ck_assert_int_eq(count_char(text, len, '\f'), 2);
    ck_assert_ptr_nonnull(strstr(text, "were on apprenticeship\n"));
    ck_assert_ptr_nonnull(strstr(text, "follow the work-based\n"));
    ck_assert_ptr_nonnull(strstr(text, "value the well-being\n"));
    ck_assert_ptr_nonnull(strstr(text, "receives financial"));
    ck_assert_ptr_nonnull(strstr(text, "Tutors give clear feedback on written work."));
    ck_assert_ptr_nonnull(strstr(text, "off-the-job"));
    /* the second page starts after the first break */
    ck_assert_ptr_nonnull(strstr(text, "Provider details"));
    ck_assert(strstr(text, "Provider details") > strchr(text, '\f'));
    ck_assert(strstr(text, "Norwich NR3 1AB") > strchr(text, '\f'));
    for (i = 0; i + 1 < len; i++)
        ck_assert_msg(!(text[i] == ' ' && (text[i + 1] == '\n' || text[i + 1] == '\f')),
                      "blank at a line end at %zu", i);
    free(text);
    free(p);
}
END_TEST

/* A page set in two columns comes out a column at a time, and its
 * passages are whole sentences of one column. */
START_TEST(test_extract_two_column)
{
    char *p = fixture_path("two-column.pdf");
    char *text = NULL, *err = NULL;
    size_t len = 0, i;
    rpt_report *r = NULL;
    int rc = rpt_pdf_extract(p, NULL, 0, NULL, &text, &len, &err);
    const char *want[] = {
        "Leaders and managers have set a clear vision for the curriculum. "
        "They work closely with employers to design programmes that meet "
        "local needs in construction and engineering.",
        "Governors hold leaders to account for the quality of education. "
        "They receive accurate reports about the progress that apprentices make.",
        "Learners do not receive useful careers advice. Too few learners know "
        "what they could do when their course ends.",
        "Staff do not check the English and mathematics skills of learners "
        "well enough at the start, so functional skills teaching is not "
        "planned around what each learner needs to learn.",
    };
    ck_assert_msg(rc == RPT_OK, "%s", err ? err : "?");
    ck_assert_ptr_nonnull(strstr(text, "a clear\nvision for the curriculum"));
    ck_assert_ptr_nonnull(strstr(text, "careers\nadvice. Too few"));
    /* the whole left column before the right one, and both before what
     * follows them on the page */
    ck_assert(strstr(text, "apprentices make.") < strstr(text, "Learners do not"));
    ck_assert(strstr(text, "needs to learn.") < strstr(text, "Full report"));
    free(text);

    rc = rpt_read_file(p, &r, &err);
    ck_assert_msg(rc == RPT_OK, "%s", err ? err : "?");
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        size_t k;
        int found = 0;
        for (k = 0; k < r->n_passages; k++)
            if (strcmp(r->passages[k].text, want[i]) == 0) {
                found = 1;
                ck_assert_uint_eq(r->passages[k].page, 1);
            }
        ck_assert_msg(found, "no passage \"%s\"", want[i]);
    }
    rpt_report_free(r);
    free(p);
}
END_TEST

static int dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

START_TEST(test_extract_from_memory)
{
    /* the bytes of a PDF that came out of gzip go through a temporary
     * file under $TMPDIR, gone afterwards */
    char *p = fixture_path("report.pdf");
    char *want = NULL, *text = NULL, *err = NULL, *data;
    char *priv = path_join(tmpdir, "tmp");
    const char *old = getenv("TMPDIR");
    char *old_copy = old ? strdup(old) : NULL;
    size_t wl, tl, dl;
    ck_assert_int_eq(rpt_pdf_extract(p, NULL, 0, NULL, &want, &wl, &err), RPT_OK);
    data = file_slurp(p, &dl);
    ck_assert_int_eq(mkdir(priv, 0700), 0);
    setenv("TMPDIR", priv, 1);
    ck_assert_int_eq(rpt_pdf_extract("inner.pdf", data, dl, NULL, &text, &tl, &err),
                     RPT_OK);
    ck_assert_uint_eq(tl, wl);
    ck_assert_int_eq(memcmp(text, want, wl), 0);
    ck_assert_int_eq(dir_entries(priv), 0);
    /* and when the extraction fails */
    free(text);
    text = NULL;
    ck_assert_int_eq(rpt_pdf_extract("inner.pdf", data, 300, NULL, &text, &tl, &err),
                     RPT_ERR_FORMAT);
    ck_assert_int_eq(strncmp(err, "inner.pdf: damaged PDF: ", 24), 0);
    free(err);
    ck_assert_int_eq(dir_entries(priv), 0);
    /* no place for the temporary file */
    setenv("TMPDIR", "/nonexistent/dir", 1);
    err = NULL;
    ck_assert_int_eq(rpt_pdf_extract("inner.pdf", data, dl, NULL, &text, &tl, &err),
                     RPT_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err, "cannot make a temporary file in /nonexistent/dir"));
    free(err);
    if (old_copy)
        setenv("TMPDIR", old_copy, 1);
    else
        unsetenv("TMPDIR");
    free(old_copy);
    free(data);
    free(want);
    free(priv);
    free(p);
}
END_TEST

START_TEST(test_extract_dash_name)
{
    /* a relative name that starts with '-' is a file, not an option */
    char cwd[4096];
    char *text = NULL, *err = NULL, *data, *p = fixture_path("report.pdf");
    char *abs;
    size_t dl, tl;
    if (p[0] != '/') {
        ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
        abs = path_join(cwd, p);
    } else {
        abs = strdup(p);
    }
    data = file_slurp(abs, &dl);
    free(file_write("-layout.pdf", data, dl));
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_int_eq(chdir(tmpdir), 0);
    ck_assert_int_eq(rpt_pdf_extract("-layout.pdf", NULL, 0, NULL, &text, &tl, &err),
                     RPT_OK);
    ck_assert_int_eq(chdir(cwd), 0);
    ck_assert_ptr_nonnull(strstr(text, "apprenticeship"));
    free(text);
    free(data);
    free(abs);
    free(p);
}
END_TEST

START_TEST(test_extract_encrypted)
{
    char *p = fixture_path("encrypted.pdf");
    extract_fails(p, NULL, RPT_ERR_FORMAT, "encrypted PDF: needs a password");
    read_fails(p, RPT_ERR_FORMAT, "encrypted PDF: needs a password");
    free(p);
}
END_TEST

START_TEST(test_extract_scanned)
{
    char *p = fixture_path("scanned.pdf");
    extract_fails(p, NULL, RPT_ERR_EMPTY, "no text layer (a scanned PDF?): needs OCR");
    read_fails(p, RPT_ERR_EMPTY, "no text layer (a scanned PDF?): needs OCR");
    free(p);
}
END_TEST

START_TEST(test_extract_truncated)
{
    char *p = fixture_path("truncated.pdf");
    char *text = NULL, *err = NULL;
    size_t len;
    int rc = rpt_pdf_extract(p, NULL, 0, NULL, &text, &len, &err);
    char want[4096];
    ck_assert_int_eq(rc, RPT_ERR_FORMAT);
    snprintf(want, sizeof want, "%s: damaged PDF: ", p);
    ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
    /* poppler's own words, its first error line */
    ck_assert_ptr_nonnull(strstr(err, "Error"));
    ck_assert_ptr_null(strchr(err, '\n'));
    free(err);
    free(p);
}
END_TEST

START_TEST(test_extract_garbage)
{
    static const char junk[] = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< >>\nstream\n\x01\x02\x03";
    char *p = file_write("junk.pdf", junk, sizeof junk - 1);
    char *err = NULL;
    rpt_report *r = NULL;
    ck_assert_int_eq(rpt_read_file(p, &r, &err), RPT_ERR_FORMAT);
    ck_assert_ptr_null(r);
    ck_assert_ptr_nonnull(strstr(err, ": damaged PDF: "));
    free(err);
    free(p);
}
END_TEST

/* ------------------------------------------------------------ through the reader */

static void report_check(const rpt_report *r, const char *format)
{
    size_t i;
    int k, pages[3] = {0, 0, 0};
    ck_assert_str_eq(r->format, format);
    ck_assert_str_eq(r->charset, "UTF-8");
    ck_assert_str_eq(r->provider, "Wendlebury Skills Limited");
    ck_assert_str_eq(r->urn, "2786431");
    ck_assert_str_eq(r->type, "independent-learning-provider");
    ck_assert_str_eq(r->date_start, "2024-06-03");
    ck_assert_str_eq(r->date_end, "2024-06-06");
    ck_assert_str_eq(r->grade, "good");
    ck_assert_ptr_nonnull(judgement_grade(r, "Apprenticeships"));
    ck_assert_str_eq(judgement_grade(r, "Apprenticeships"), "good");
    /* paragraphs whole, words whole, compounds kept, on their pages */
    k = passage_find(r, "were on apprenticeship programmes at levels 2 to 5");
    ck_assert_int_ge(k, 0);
    ck_assert_uint_eq(r->passages[k].page, 1);
    ck_assert_ptr_nonnull(strstr(r->passages[k].text, "follow the work-based team leader"));
    ck_assert_ptr_nonnull(strstr(r->passages[k].text, "receives financial support"));
    k = passage_find(r, "value the well-being support");
    ck_assert_int_ge(k, 0);
    ck_assert_uint_eq(r->passages[k].page, 1);
    k = passage_find(r, "Tutors give clear feedback on written work.");
    ck_assert_int_ge(k, 0);
    ck_assert_uint_eq(r->passages[k].page, 2);
    k = passage_find(r, "plan the off-the-job training around it.");
    ck_assert_int_ge(k, 0);
    ck_assert_uint_eq(r->passages[k].page, 2);
    for (i = 0; i < r->n_passages; i++) {
        const char *t = r->passages[i].text;
        ck_assert_uint_le(r->passages[i].page, 2);
        pages[r->passages[i].page]++;
        ck_assert_msg(strstr(t, "Page 1 of 2") == NULL && strstr(t, "Page 2 of 2") == NULL,
                      "footer in \"%s\"", t);
        ck_assert_msg(strstr(t, "Inspection report:") == NULL, "header in \"%s\"", t);
        ck_assert_ptr_null(strstr(t, "appren "));
        ck_assert_ptr_null(strstr(t, "workbased"));
    }
    ck_assert_int_gt(pages[1], 0);
    ck_assert_int_gt(pages[2], 0);
}

START_TEST(test_read_pdf)
{
    char *p = fixture_path("report.pdf");
    rpt_report *r = NULL;
    char *err = NULL;
    int rc = rpt_read_file(p, &r, &err);
    ck_assert_msg(rc == RPT_OK, "%s", err ? err : "?");
    ck_assert_str_eq(r->source, p);
    report_check(r, "pdf");
    rpt_report_free(r);
    free(p);
}
END_TEST

START_TEST(test_read_pdf_named_txt)
{
    char *p = fixture_path("really-a-pdf.txt");
    rpt_report *r = NULL;
    char *err = NULL;
    int rc = rpt_read_file(p, &r, &err);
    ck_assert_msg(rc == RPT_OK, "%s", err ? err : "?");
    report_check(r, "pdf");
    rpt_report_free(r);
    free(p);
}
END_TEST

START_TEST(test_read_pdf_gzip)
{
    char *p = fixture_path("report.pdf.gz");
    rpt_report *r = NULL;
    char *err = NULL, *data, *q;
    size_t n;
    int rc = rpt_read_file(p, &r, &err);
    ck_assert_msg(rc == RPT_OK, "%s", err ? err : "?");
    report_check(r, "pdf+gz");
    rpt_report_free(r);
    /* gzip by content too, under any name */
    data = file_slurp(p, &n);
    q = file_write("report.md", data, n);
    r = NULL;
    rc = rpt_read_file(q, &r, &err);
    ck_assert_msg(rc == RPT_OK, "%s", err ? err : "?");
    report_check(r, "pdf+gz");
    rpt_report_free(r);
    free(q);
    free(data);
    free(p);
}
END_TEST

START_TEST(test_read_pdf_gzip_errors)
{
    /* the errors of a PDF inside gzip name the gzip file */
    char *p = fixture_path("encrypted.pdf");
    size_t n, gl;
    char *data = file_slurp(p, &n), *q;
    unsigned char *gz = gzip_bytes(data, n, &gl);
    q = file_write("locked.pdf.gz", gz, gl);
    read_fails(q, RPT_ERR_FORMAT, "encrypted PDF: needs a password");
    free(q);
    free(gz);
    free(data);
    free(p);
}
END_TEST

/* ------------------------------------------------------------ fake pdftotext */

START_TEST(test_missing)
{
    char *p = fixture_path("report.pdf");
    char *empty = path_join(tmpdir, "nothing-here");
    ck_assert_int_eq(mkdir(empty, 0700), 0);
    setenv("PATH", empty, 1);
    extract_fails(p, NULL, RPT_ERR_IO,
                  "PDF support needs pdftotext: apt-get install poppler-utils");
    read_fails(p, RPT_ERR_IO,
               "PDF support needs pdftotext: apt-get install poppler-utils");
    free(empty);
    free(p);
}
END_TEST

START_TEST(test_cannot_exec)
{
    /* on PATH and executable, but not a program (no "#!", not ELF): the
     * kernel refuses it. (A script whose interpreter is missing would do
     * as well, but valgrind cannot survive that failed exec.) */
    char *p = fixture_path("report.pdf");
    char *text = NULL, *err = NULL;
    size_t len;
    char *bin = path_join(tmpdir, "bin"), *prog = path_join(bin, "pdftotext");
    FILE *f;
    fake_install("exit 0");
    f = fopen(prog, "w");
    ck_assert_ptr_nonnull(f);
    fputs("not a program\n", f);
    fclose(f);
    ck_assert_int_eq(rpt_pdf_extract(p, NULL, 0, NULL, &text, &len, &err), RPT_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err, ": cannot run "));
    ck_assert_ptr_nonnull(strstr(err, "Exec format error"));
    free(err);
    free(prog);
    free(bin);
    free(p);
}
END_TEST

START_TEST(test_cpu_limit)
{
    char *p = fixture_path("report.pdf");
    rpt_pdf_limits lim = {0};
    struct timespec a, b;
    lim.cpu_seconds = 1;
    lim.timeout_ms = 20000;
    fake_install("while :; do :; done");
    clock_gettime(CLOCK_MONOTONIC, &a);
    extract_fails(p, &lim, RPT_ERR_TOO_BIG, "PDF extraction stopped: took over 1 s of CPU");
    clock_gettime(CLOCK_MONOTONIC, &b);
    ck_assert_int_lt(b.tv_sec - a.tv_sec, 10);
    free(p);
}
END_TEST

START_TEST(test_timeout)
{
    /* asleep, using no CPU; a child of its own holds the pipe open too */
    char *p = fixture_path("report.pdf");
    rpt_pdf_limits lim = {0};
    struct timespec a, b;
    lim.timeout_ms = 300;
    fake_install("sleep 30 &\nsleep 30");
    clock_gettime(CLOCK_MONOTONIC, &a);
    extract_fails(p, &lim, RPT_ERR_TOO_BIG, "PDF extraction stopped: took over 300 ms");
    clock_gettime(CLOCK_MONOTONIC, &b);
    ck_assert_int_lt(b.tv_sec - a.tv_sec, 5);
    lim.timeout_ms = 1000;
    extract_fails(p, &lim, RPT_ERR_TOO_BIG, "PDF extraction stopped: took over 1 s");
    free(p);
}
END_TEST

START_TEST(test_timeout_after_closing)
{
    /* closes its output and lingers: still bounded by the deadline */
    char *p = fixture_path("report.pdf");
    rpt_pdf_limits lim = {0};
    lim.timeout_ms = 300;
    fake_install("echo Some text\nexec >&- 2>&-\nsleep 30");
    extract_fails(p, &lim, RPT_ERR_TOO_BIG, "PDF extraction stopped: took over 300 ms");
    free(p);
}
END_TEST

START_TEST(test_output_cap)
{
    char *p = fixture_path("report.pdf");
    rpt_pdf_limits lim = {0};
    lim.max_output = 1u << 20;
    fake_install("yes 'Apprentices make good progress.'");
    extract_fails(p, &lim, RPT_ERR_TOO_BIG, "PDF extraction stopped: gave over 1 MB of text");
    /* exactly at the cap is fine */
    fake_install("head -c 1048576 /dev/zero | tr '\\0' a");
    {
        char *text = NULL, *err = NULL;
        size_t len = 0;
        ck_assert_int_eq(rpt_pdf_extract(p, NULL, 0, &lim, &text, &len, &err), RPT_OK);
        ck_assert_uint_eq(len, 1u << 20);
        free(text);
    }
    free(p);
}
END_TEST

START_TEST(test_memory_message)
{
    /* what poppler does when an allocation fails under RLIMIT_AS */
    char *p = fixture_path("report.pdf");
    rpt_pdf_limits lim = {0};
    fake_install("echo 'Out of memory' >&2\nkill -ABRT $$");
    extract_fails(p, NULL, RPT_ERR_TOO_BIG, "PDF extraction stopped: used over 1 GB of memory");
    lim.mem_bytes = 256u << 20;
    fake_install("echo \"terminate called after throwing an instance of "
                 "'std::bad_alloc'\" >&2\nkill -ABRT $$");
    extract_fails(p, &lim, RPT_ERR_TOO_BIG,
                  "PDF extraction stopped: used over 256 MB of memory");
    free(p);
}
END_TEST

START_TEST(test_memory_real)
{
    /* the real pdftotext in 4 MB of address space cannot even load its
     * libraries */
    char *p = fixture_path("report.pdf");
    rpt_pdf_limits lim = {0};
    lim.mem_bytes = 4u << 20;
    extract_fails(p, &lim, RPT_ERR_TOO_BIG, "PDF extraction stopped: used over 4 MB of memory");
    free(p);
}
END_TEST

START_TEST(test_limits_applied)
{
    /* the child reports its own limits, its stdin and its arguments */
    char *p = fixture_path("report.pdf");
    rpt_pdf_limits lim = {0};
    char *text = NULL, *err = NULL, want[4096];
    size_t len;
    fake_install("echo \"cpu $(ulimit -t) as $(ulimit -v) fsize $(ulimit -f) "
                 "core $(ulimit -c) stdin $(wc -c)\"\necho \"args $*\"");
    ck_assert_int_eq(rpt_pdf_extract(p, NULL, 0, NULL, &text, &len, &err), RPT_OK);
    ck_assert_ptr_nonnull(strstr(text, "cpu 30 as 1048576 fsize 0 core 0 stdin 0\n"));
    snprintf(want, sizeof want, "args -enc UTF-8 -eol unix -layout %s -\n", p);
    ck_assert_ptr_nonnull(strstr(text, want));
    free(text);
    lim.cpu_seconds = 7;
    lim.mem_bytes = 300u << 20;
    ck_assert_int_eq(rpt_pdf_extract(p, NULL, 0, &lim, &text, &len, &err), RPT_OK);
    ck_assert_ptr_nonnull(strstr(text, "cpu 7 as 307200 fsize 0 core 0 stdin 0\n"));
    free(text);
    free(p);
}
END_TEST

START_TEST(test_fake_errors)
{
    char *p = fixture_path("report.pdf");
    fake_install("echo 'Syntax Warning: something odd' >&2\n"
                 "echo 'Syntax Error: Invalid XRef entry 3' >&2\n"
                 "echo 'Syntax Error: another' >&2\nexit 1");
    extract_fails(p, NULL, RPT_ERR_FORMAT, "damaged PDF: Syntax Error: Invalid XRef entry 3");
    fake_install("printf 'odd \\001 trouble\\n' >&2\nexit 99");
    extract_fails(p, NULL, RPT_ERR_FORMAT, "damaged PDF: odd  trouble");
    fake_install("exit 99");
    extract_fails(p, NULL, RPT_ERR_FORMAT, "damaged PDF: pdftotext failed (exit status 99)");
    fake_install("echo 'Permission Error: Copying of text from this document is "
                 "not allowed.' >&2\nexit 3");
    extract_fails(p, NULL, RPT_ERR_FORMAT,
                  "encrypted PDF: its owner forbids copying its text");
    fake_install("echo 'Some text'\nkill -SEGV $$");
    extract_fails(p, NULL, RPT_ERR_FORMAT, "damaged PDF: pdftotext died of signal 11");
    /* recovered nothing but errors: damaged, not scanned */
    fake_install("printf '\\f\\f'\necho 'Syntax Error: Bad block header' >&2\nexit 0");
    extract_fails(p, NULL, RPT_ERR_FORMAT, "damaged PDF: Syntax Error: Bad block header");
    /* only page numbers and glyph junk: scanned */
    fake_install("printf ' 1 \\f 2 \\342\\200\\242 \\356\\200\\201\\f'");
    extract_fails(p, NULL, RPT_ERR_EMPTY, "no text layer (a scanned PDF?): needs OCR");
    /* warnings alone do not fail a good extraction */
    fake_install("echo 'Syntax Warning: odd' >&2\necho 'Wendlebury'");
    {
        char *text = NULL, *err = NULL;
        size_t len;
        ck_assert_int_eq(rpt_pdf_extract(p, NULL, 0, NULL, &text, &len, &err), RPT_OK);
        ck_assert_str_eq(text, "Wendlebury\n");
        free(text);
    }
    free(p);
}
END_TEST

static Suite *pdf_suite(void)
{
    Suite *s = suite_create("pdf");
    TCase *tc;

    tc = tcase_create("tidy");
    tcase_add_loop_test(tc, test_tidy_cases, 0,
                        (int)(sizeof tidy_cases / sizeof tidy_cases[0]));
    tcase_add_test(tc, test_tidy_long);
    tcase_add_test(tc, test_sniff);
    suite_add_tcase(s, tc);

    tc = tcase_create("pdftotext");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_fixtures_current);
    tcase_add_test(tc, test_extract_report);
    tcase_add_test(tc, test_extract_two_column);
    tcase_add_test(tc, test_extract_from_memory);
    tcase_add_test(tc, test_extract_dash_name);
    tcase_add_test(tc, test_extract_encrypted);
    tcase_add_test(tc, test_extract_scanned);
    tcase_add_test(tc, test_extract_truncated);
    tcase_add_test(tc, test_extract_garbage);
    suite_add_tcase(s, tc);

    tc = tcase_create("reader");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_read_pdf);
    tcase_add_test(tc, test_read_pdf_named_txt);
    tcase_add_test(tc, test_read_pdf_gzip);
    tcase_add_test(tc, test_read_pdf_gzip_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_missing);
    tcase_add_test(tc, test_cannot_exec);
    tcase_add_test(tc, test_cpu_limit);
    tcase_add_test(tc, test_timeout);
    tcase_add_test(tc, test_timeout_after_closing);
    tcase_add_test(tc, test_output_cap);
    tcase_add_test(tc, test_memory_message);
    tcase_add_test(tc, test_memory_real);
    tcase_add_test(tc, test_limits_applied);
    tcase_add_test(tc, test_fake_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    SRunner *sr;
    int failed;
    if (argc == 3 && strcmp(argv[1], "--make-fixtures") == 0)
        return fixtures_write(argv[2]);
    sr = srunner_create(pdf_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
