/* check_html.c - HTML input: the converter on its own (entities,
 * structure, furniture, <main>), pages read through rpt_read_file (by
 * content whatever the name, inside gzip, windows-1252), and broken or
 * hostile pages (deep nesting, unterminated comments and scripts, a 10 MB
 * attribute, floods of stray end tags), which must give text or a clear
 * error, quickly.
 *
 * The fixtures in tests/fixtures/html/ were written for these tests; the
 * large hostile pages are made here, in a private temporary directory.
 */
#define _POSIX_C_SOURCE 200809L
#include "corpus/html.h"
#include "corpus/report.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

/* ------------------------------------------------------------ helpers */

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

static char *fixture_path(const char *name)
{
    char *dir = path_join(srcdir(), "tests/fixtures/html");
    char *p = path_join(dir, name);
    free(dir);
    return p;
}

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/check_html.XXXXXX", t && *t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
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

/* A growing string for the big generated pages. */
typedef struct sbuf {
    char *data;
    size_t len, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->data = realloc(b->data, cap);
        ck_assert_ptr_nonnull(b->data);
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

static void sb_repeat(sbuf *b, const char *s, size_t times)
{
    size_t i, n = strlen(s);
    for (i = 0; i < times; i++)
        sb_put(b, s, n);
}

/* The converter's text for a page; the caller frees it. */
static char *conv(const char *html, size_t len)
{
    char *text = NULL, *err = NULL;
    size_t n = 12345;
    int rc = rpt_html_to_text(html, len, &text, &n, &err);
    ck_assert_msg(rc == 0, "rpt_html_to_text: %d %s", rc, err ? err : "");
    ck_assert_ptr_null(err);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(strlen(text), n);
    return text;
}

static char *conv_s(const char *html)
{
    return conv(html, strlen(html));
}

/* The converted text must be exactly `want`. */
static void conv_is(const char *html, const char *want)
{
    char *t = conv_s(html);
    ck_assert_str_eq(t, want);
    free(t);
}

/* Text through parse.c as it reads HTML. */
static rpt_report *conv_parse(const char *html)
{
    char *t = conv_s(html), *err = NULL;
    rpt_report *r = NULL;
    int rc = rpt_parse_text(t, strlen(t), "md", "test.html", &r, &err);
    ck_assert_msg(rc == 0, "parse: %s", err ? err : "");
    free(t);
    return r;
}

static rpt_report *read_ok(const char *path)
{
    rpt_report *r = NULL;
    char *err = NULL;
    int rc = rpt_read_file(path, &r, &err);
    ck_assert_msg(rc == 0, "%s: %d %s", path, rc, err ? err : "");
    ck_assert_ptr_null(err);
    ck_assert_ptr_nonnull(r);
    return r;
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

static int section_find(const rpt_report *r, const char *slug)
{
    size_t i;
    for (i = 0; i < r->n_sections; i++)
        if (strcmp(r->sections[i].slug, slug) == 0)
            return (int)i;
    return -1;
}

/* Does the word appear anywhere a reader or the index would see it? */
static int report_mentions(const rpt_report *r, const char *w)
{
    size_t i;
    if (strstr(r->title, w) || strstr(r->provider, w) || strstr(r->area, w))
        return 1;
    for (i = 0; i < r->n_sections; i++)
        if (strstr(r->sections[i].title, w))
            return 1;
    for (i = 0; i < r->n_judgements; i++)
        if (strstr(r->judgements[i].name, w))
            return 1;
    for (i = 0; i < r->n_passages; i++)
        if (strstr(r->passages[i].text, w))
            return 1;
    return 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Time limits hold for a plain build; valgrind is some 50 times slower. */
static double time_limit(double plain)
{
    const char *pre = getenv("LD_PRELOAD");
    return pre && strstr(pre, "valgrind") ? plain * 60 : plain;
}

/* ------------------------------------------------------------ sniffing */

START_TEST(test_sniff)
{
    static const char *const yes[] = {
        "<!DOCTYPE html><html><body>x</body></html>",
        "<!doctype HTML>\n<p>x",
        "\xEF\xBB\xBF  \n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\">",
        "<?xml version=\"1.0\"?>\n<!DOCTYPE html>",
        "<!-- saved from url=(0040)https://example.org/ -->\n<html lang=en>",
        "<HTML>", "<head><title>t</title></head>", "\r\n<body class=x>",
        "<meta charset=utf-8>", "<html/>",
    };
    static const char *const no[] = {
        "", "   ", "Inspection of Saltmarsh Vale Training Ltd\n<html>",
        "# Inspection of X\n\n<b>URN</b>", "<htmlx>", "<header>", "<bodyguard>",
        "<!DOCTYPE svg>", "<!DOCTYPEhtml>", "<!-- never closed <html>",
        "<p>a fragment</p>", "%PDF-1.4 <html>",
    };
    size_t i;
    for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
        ck_assert_msg(rpt_html_sniff(yes[i], strlen(yes[i])) == 1, "yes %zu", i);
    for (i = 0; i < sizeof no / sizeof no[0]; i++)
        ck_assert_msg(rpt_html_sniff(no[i], strlen(no[i])) == 0, "no %zu", i);
    ck_assert_int_eq(rpt_html_sniff(NULL, 0), 0);
    /* only a length's worth is looked at */
    ck_assert_int_eq(rpt_html_sniff("<html>", 3), 0);
}
END_TEST

/* ------------------------------------------------------------ entities */

START_TEST(test_entities)
{
    conv_is("<p>&amp; &lt; &gt; &quot; &apos; a&nbsp;b</p>", "& \\< > \" ' a b\n");
    conv_is("<p>&ndash;&mdash;&lsquo;&rsquo;&ldquo;&rdquo;&hellip;</p>",
            "\xE2\x80\x93\xE2\x80\x94\xE2\x80\x98\xE2\x80\x99\xE2\x80\x9C"
            "\xE2\x80\x9D\xE2\x80\xA6\n");
    conv_is("<p>&pound;5 &euro;9 &copy; &reg; &trade; &middot; &bull; 9&deg; "
            "&frac12; caf&eacute; &Eacute;cole</p>",
            "\xC2\xA3" "5 \xE2\x82\xAC" "9 \xC2\xA9 \xC2\xAE \xE2\x84\xA2 \xC2\xB7 "
            "\xE2\x80\xA2 9\xC2\xB0 \xC2\xBD caf\xC3\xA9 \xC3\x89" "cole\n");
    /* the ends of the sorted table, and case */
    conv_is("<p>&AElig;&zwnj;&yuml;&QUOT;&Zeta;&zeta;&thetasym;&AMP;</p>",
            "\xC3\x86\xE2\x80\x8C\xC3\xBF\"\xCE\x96\xCE\xB6\xCF\x91&\n");
    /* numeric, decimal and hex, with and without ';' */
    conv_is("<p>&#65;&#x42;&#X43;&#0068;&#x45 &#8217;&#x1F600;</p>",
            "ABCDE \xE2\x80\x99\xF0\x9F\x98\x80\n");
    /* 0x80-0x9F mean windows-1252, as browsers read them */
    conv_is("<p>&#150; &#146;&#x93;</p>", "\xE2\x80\x93 \xE2\x80\x99\xE2\x80\x9C\n");
    /* invalid ones stay as written */
    conv_is("<p>&bogus; &#; &#x; &#xZZ; &#1114112; &#xD800; &#0; &#x81; & AT&T</p>",
            "&bogus; &#; &#x; &#xZZ; &#1114112; &#xD800; &#0; &#x81; & AT&T\n");
    /* without ';' only the few that pages really write so */
    conv_is("<p>&amp &ampx &copy 2020 &eacute &nbspx</p>",
            "& &ampx \xC2\xA9 2020 &eacute &nbspx\n");
    conv_is("<p>&#99999999999999999999; &#x110000;</p>",
            "&#99999999999999999999; &#x110000;\n");
    /* a reference cut by the end of the input */
    conv_is("<p>x &am", "x &am\n");
    /* a control character is a space */
    conv_is("<p>x&#3;y", "x y\n");
}
END_TEST

/* Characters that are markdown to parse.c survive it as text. */
START_TEST(test_markdown_characters)
{
    rpt_report *r = conv_parse(
        "<!DOCTYPE html><h2>Notes</h2><p>Use 5*3 and snake__case, `code`, "
        "[a](b), &lt;b&gt;bold&lt;/b&gt;, back\\slash and ![x] kept.</p>"
        "<table><tr><td>a|b</td><td>c</td></tr></table>");
    int k = passage_find(r, "Use 5*3");
    ck_assert_int_ge(k, 0);
    ck_assert_str_eq(r->passages[k].text,
                     "Use 5*3 and snake__case, `code`, [a](b), <b>bold</b>, "
                     "back\\slash and ![x] kept.");
    rpt_report_free(r);
    conv_is("<table><tr><td>a|b</td><td>c</td></tr></table>", "| a/b | c |\n");

    /* A paragraph that starts as a markdown line would (a heading, a
     * bullet, a table row, a quote) is still a paragraph, whole. */
    r = conv_parse(
        "<!DOCTYPE html><h2>Notes</h2>"
        "<p># 1 priority for leaders is the safety of learners at work.</p>"
        "<p>- 5% fewer apprentices left early than in the year before.</p>"
        "<p>| Staff in the kitchen teach food hygiene well, in small groups.</p>"
        "<p>&gt; Most learners said that they feel safe at the centre.</p>");
    static const char *const whole[] = {
        "# 1 priority for leaders is the safety of learners at work.",
        "- 5% fewer apprentices left early than in the year before.",
        "| Staff in the kitchen teach food hygiene well, in small groups.",
        "> Most learners said that they feel safe at the centre.",
    };
    for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++) {
        k = passage_find(r, whole[i] + 2);
        ck_assert_msg(k >= 0, "lost: %s", whole[i]);
        ck_assert_str_eq(r->passages[k].text, whole[i]);
        ck_assert_str_eq(r->sections[r->passages[k].section].title, "Notes");
    }
    rpt_report_free(r);
}
END_TEST

/* ------------------------------------------------------------ structure */

START_TEST(test_structure)
{
    conv_is("<h1>One</h1><h2>Two</h2><h3>Three</h3><h4>Four</h4><h5>Five</h5>"
            "<h6>Six</h6>",
            "# One\n\n## Two\n\n### Three\n\n#### Four\n\n##### Five\n\n"
            "###### Six\n");
    conv_is("<p>  a\n\t b  </p><div>c</div>d<br>e<section>f</section>",
            "a b\n\nc\n\nd\n\ne\n\nf\n");
    conv_is("<ul><li>one<li>two <b>bold</b><ul><li>inner</ul></ul><ol><li>three</li></ol>",
            "- one\n\n- two **bold**\n\n- inner\n\n- three\n");
    /* a heading with a line break and markup in it stays one line */
    conv_is("<h2>What is it like<br>to be a <em>learner</em>?</h2><p>x</p>",
            "## What is it like to be a learner?\n\nx\n");
    /* empty headings and items leave nothing behind */
    conv_is("<h2> </h2><ul><li></li></ul><p>after</p>", "after\n");
    /* tables: th and td, whitespace collapsed, empty rows dropped, a
     * leading empty cell kept (a continuation row) */
    conv_is("<p>before</p><table><caption>Grades</caption><thead><tr><th>Area</th><th>Grade</th></tr></thead>"
            "<tbody><tr><td> Overall\n effectiveness </td><td>Good</td></tr>"
            "<tr><td></td><td></td></tr><tr><td>&nbsp;</td><td>more</td></tr>"
            "</tbody></table><p>after</p>",
            "before\n\nGrades\n\n| Area | Grade |\n| Overall effectiveness | Good |\n"
            "|  | more |\n\nafter\n");
    /* unclosed cells and rows, as old pages write them */
    conv_is("<table><tr><td>a<td>b<tr><td>c<td>d</table>", "| a | b |\n| c | d |\n");
    /* a description list is a two-column table */
    conv_is("<dl class=\"govuk-summary-list\"><div><dt>Unique reference number</dt>"
            "<dd>2790123</dd></div><div><dt>Provider type</dt><dd>Employer</dd></div></dl>",
            "| Unique reference number | 2790123 |\n| Provider type | Employer |\n");
    /* block elements inside a cell are spaces */
    conv_is("<table><tr><td><p>one</p><p>two</p><ul><li>three</li></ul></td><td>x<br>y</td></tr></table>",
            "| one two three | x y |\n");
    /* bold around a whole paragraph: a heading to parse.c */
    conv_is("<p><strong>Is it good?</strong></p>", "**Is it good?**\n");
}
END_TEST

/* A table that holds a table or a heading is layout: its cells become
 * paragraphs and the inner table keeps its rows. */
START_TEST(test_layout_tables)
{
    conv_is("<table><tr><td>menu</td><td><h1>Report</h1><p>text</p>"
            "<table><tr><td>Overall effectiveness</td><td>Good</td></tr></table>"
            "<p>more</p></td></tr></table>",
            "menu\n\n# Report\n\ntext\n\n| Overall effectiveness | Good |\n\nmore\n");
    conv_is("<table><tr><td>a</td><td>b<table><tr><td>c</td><td>d</td></tr></table></td></tr>"
            "<tr><td>e</td></tr></table>",
            "a b\n\n| c | d |\n\ne\n");
}
END_TEST

/* ------------------------------------------------------------ furniture */

START_TEST(test_furniture)
{
    char *t = conv_s(
        "<!DOCTYPE html><html><head><title>aardvark</title>"
        "<style>p { content: 'aardvark'; }</style></head><body>"
        "<script>var x = '<p>aardvark</p>'; if (a < b) {}</script>"
        "<noscript><p>aardvark</p></noscript>"
        "<template><p>aardvark</p></template>"
        "<svg><text>aardvark</text><path d='M0'/></svg>"
        "<nav><p>aardvark</p></nav><header><p>aardvark</p></header>"
        "<aside>aardvark</aside><form><label>aardvark</label></form>"
        "<button>aardvark</button><iframe><p>aardvark</p></iframe>"
        "<select><option>aardvark</option></select>"
        "<div aria-hidden=\"true\">aardvark</div><div aria-hidden=\"false\">kept1</div>"
        "<p hidden>aardvark</p>"
        "<div class=\"gem-c-cookie-banner\">aardvark</div>"
        "<div class=\"govuk-breadcrumbs\"><ol><li>aardvark</li></ol></div>"
        "<a class=\"govuk-skip-link\">aardvark</a>"
        "<div id=\"site-header\">aardvark</div><div id=\"NavBar\">aardvark</div>"
        "<div class=\"govuk-header__navigation\">aardvark</div>"
        "<div class=\"unavailable-notice\">kept2</div>"
        "<article><header><h1>kept3</h1></header><p>kept4</p><footer>kept5</footer></article>"
        "<script>unterminated aardvark");
    ck_assert_ptr_null(strstr(t, "aardvark"));
    ck_assert_str_eq(t, "kept1\n\nkept2\n\n# kept3\n\nkept4\n\nkept5\n");
    free(t);
    /* an end tag in a script's string does not end it early unless it is
     * really "</script" */
    conv_is("<p>a</p><script>x = '</scripts>'; y = '<\\/script>';</script><p>b</p>",
            "a\n\nb\n");
    conv_is("<p>a</p><SCRIPT type=x>x</ScRiPt ><p>b</p>", "a\n\nb\n");
    /* comments and CDATA */
    conv_is("<p>a<!-- aardvark --->b<!---->c<!-->d<![CDATA[ aardvark ]]>e</p>",
            "abcde\n");
    conv_is("<p>a</p><!-- <p>aardvark</p> --><p>b</p><!DOCTYPE x><?php aardvark ?>",
            "a\n\nb\n");
}
END_TEST

START_TEST(test_main_only)
{
    conv_is("<body><p>outside</p><main><h1>Report</h1><p>inside</p></main><p>after</p></body>",
            "# Report\n\ninside\n");
    conv_is("<body><p>outside</p><div role=\"main\" class=\"nav-free\"><p>inside</p></div>"
            "<p>after</p></body>",
            "inside\n");
    /* a <main> in a comment or a script is no <main> */
    conv_is("<body><!-- <main> --><script>'<main>'</script><p>all</p></body>", "all\n");
    /* an empty <main>: the report is elsewhere, so keep the whole page */
    conv_is("<body><main> </main><p>report text</p></body>", "report text\n");
}
END_TEST

START_TEST(test_declared_charset)
{
    char name[40];
    static const char a[] = "<!DOCTYPE html><html><head><meta charset=\"Windows-1252\">";
    static const char b[] =
        "<html><head><!-- <meta charset=utf-8> --><META HTTP-EQUIV='content-type' "
        "CONTENT='text/html; charset=ISO-8859-1'></head>";
    static const char c[] = "<html><head><meta charset=utf-8 /></head>";
    static const char d[] = "<html><head><title>no charset</title></head><body>";
    ck_assert_int_eq(rpt_html_declared_charset(a, strlen(a), name, sizeof name), 1);
    ck_assert_str_eq(name, "windows-1252");
    ck_assert_int_eq(rpt_html_declared_charset(b, strlen(b), name, sizeof name), 1);
    ck_assert_str_eq(name, "iso-8859-1");
    ck_assert_int_eq(rpt_html_declared_charset(c, strlen(c), name, sizeof name), 1);
    ck_assert_str_eq(name, "utf-8");
    ck_assert_int_eq(rpt_html_declared_charset(d, strlen(d), name, sizeof name), 0);
    {
        /* only the first 1024 bytes are looked at */
        sbuf s = {0};
        sb_puts(&s, "<html><head>");
        sb_repeat(&s, " ", 1100);
        sb_puts(&s, "<meta charset=windows-1252>");
        ck_assert_int_eq(rpt_html_declared_charset(s.data, s.len, name, sizeof name), 0);
        free(s.data);
    }
    ck_assert_int_eq(rpt_html_charset_is_cp1252("windows-1252"), 1);
    ck_assert_int_eq(rpt_html_charset_is_cp1252("ISO-8859-1"), 1);
    ck_assert_int_eq(rpt_html_charset_is_cp1252("us-ascii"), 1);
    ck_assert_int_eq(rpt_html_charset_is_cp1252("utf-8"), 0);
    ck_assert_int_eq(rpt_html_charset_is_cp1252("iso-8859-2"), 0);
    ck_assert_int_eq(rpt_html_charset_is_cp1252(NULL), 0);
    {
        char *o;
        size_t n;
        ck_assert_int_eq(rpt_html_cp1252_to_utf8("caf\xE9 \x93q\x94 \x81\0!", 12, &o, &n), 0);
        ck_assert_uint_eq(n, strlen(o));
        ck_assert_str_eq(o, "caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D \xEF\xBF\xBD !");
        free(o);
    }
}
END_TEST

/* ------------------------------------------------------------ reading */

START_TEST(test_read_report)
{
    char *p = fixture_path("report.html");
    rpt_report *r = read_ok(p);
    static const char *const furniture[] = {
        "pangolin", "quokka", "wombat", "narwhal", "okapi", "armadillo",
        "Cookies", "Skip to main content", "Print this page", "Back to top",
        "Crown copyright", "GOV.UK",
    };
    size_t i;
    int k;

    ck_assert_str_eq(r->format, "html");
    ck_assert_str_eq(r->charset, "UTF-8");
    ck_assert_str_eq(r->provider, "Saltmarsh Vale Training Ltd");
    ck_assert_str_eq(r->urn, "2790123");
    ck_assert_str_eq(r->type, "independent-learning-provider");
    ck_assert_str_eq(r->kind, "full");
    ck_assert_str_eq(r->date_start, "2024-03-04");
    ck_assert_str_eq(r->date_end, "2024-03-07");
    ck_assert_str_eq(r->grade, "requires-improvement");
    ck_assert_str_eq(r->previous_grade, "good");
    ck_assert_uint_eq(r->learners, 212);
    ck_assert_str_eq(judgement_grade(r, "The quality of education"), "requires-improvement");
    ck_assert_str_eq(judgement_grade(r, "Behaviour and attitudes"), "good");
    ck_assert_str_eq(judgement_grade(r, "Apprenticeships"), "requires-improvement");

    ck_assert_int_ge(section_find(r, "information-about-this-provider"), 0);
    ck_assert_int_ge(section_find(r, "what-is-it-like-to-be-a-learner-with-this-provider"), 0);
    ck_assert_int_ge(section_find(r, "safeguarding"), 0);
    ck_assert_int_ge(section_find(r, "what-does-the-provider-need-to-do-to-improve"), 0);

    k = passage_find(r, "Too many apprentices wait several months");
    ck_assert_int_ge(k, 0);
    /* &nbsp; became a space, the paragraph's lines were joined */
    ck_assert_str_eq(r->passages[k].text,
                     "Too many apprentices wait several months before they start "
                     "off-the-job training sessions, and a few leave their programme "
                     "early as a result.");
    ck_assert_str_eq(r->sections[r->passages[k].section].slug,
                     "what-is-it-like-to-be-a-learner-with-this-provider");
    k = passage_find(r, "The arrangements for safeguarding are effective.");
    ck_assert_int_ge(k, 0);
    ck_assert_str_eq(r->sections[r->passages[k].section].slug, "safeguarding");
    /* bullets are passages of their own; &rsquo; decoded */
    k = passage_find(r, "Managers should help employers to plan apprentices\xE2\x80\x99 workplace");
    ck_assert_int_ge(k, 0);
    ck_assert_str_eq(r->sections[r->passages[k].section].slug,
                     "what-does-the-provider-need-to-do-to-improve");
    ck_assert_int_ge(passage_find(r, "Tutors check what apprentices know"), 0);
    /* bold inside a paragraph leaves no markup */
    ck_assert_int_ge(passage_find(r, "most of them in dental nursing and early years"), 0);
    for (i = 0; i < sizeof furniture / sizeof furniture[0]; i++)
        ck_assert_msg(!report_mentions(r, furniture[i]), "furniture: %s", furniture[i]);
    for (i = 0; i < r->n_passages; i++)
        ck_assert_ptr_null(strpbrk(r->passages[i].text, "|*<>#\\"));
    rpt_report_free(r);
    free(p);
}
END_TEST

START_TEST(test_read_txt_that_is_html)
{
    char *p = fixture_path("really-html.txt");
    rpt_report *r = read_ok(p);
    ck_assert_str_eq(r->format, "html");
    ck_assert_str_eq(r->provider, "Thornaby Ridge College");
    ck_assert_str_eq(r->urn, "130876");
    ck_assert_str_eq(r->type, "general-further-education-college");
    ck_assert_str_eq(r->date_start, "2010-03-12");
    ck_assert_str_eq(r->grade, "good");
    ck_assert_str_eq(judgement_grade(r, "Capacity to improve"), "outstanding");
    ck_assert_int_ge(section_find(r, "key-findings"), 0);
    ck_assert_int_ge(passage_find(r, "achieve well & progress to employment"), 0);
    ck_assert_int_ge(passage_find(r, "Teaching in the workshops is lively \xE2\x80\x93 learners"), 0);
    ck_assert_int_ge(passage_find(r, "targets set in reviews are too general."), 0);
    ck_assert(!report_mentions(r, "ocelot"));
    ck_assert(!report_mentions(r, "<"));
    rpt_report_free(r);
    free(p);
}
END_TEST

START_TEST(test_read_gzip)
{
    char *src = fixture_path("report.html");
    char *dst = path_join(tmpdir, "report.htm.gz");
    size_t n;
    char *data = file_slurp(src, &n);
    gzFile gz = gzopen(dst, "wb9");
    rpt_report *r;
    ck_assert_ptr_nonnull(gz);
    ck_assert_int_eq(gzwrite(gz, data, (unsigned)n), (int)n);
    ck_assert_int_eq(gzclose(gz), Z_OK);
    r = read_ok(dst);
    ck_assert_str_eq(r->format, "html+gz");
    ck_assert_str_eq(r->provider, "Saltmarsh Vale Training Ltd");
    ck_assert_str_eq(r->urn, "2790123");
    ck_assert_int_ge(passage_find(r, "The arrangements for safeguarding are effective."), 0);
    ck_assert(!report_mentions(r, "pangolin"));
    rpt_report_free(r);
    free(data);
    free(dst);
    free(src);
}
END_TEST

START_TEST(test_read_cp1252)
{
    char *p = fixture_path("cp1252.html");
    rpt_report *r = read_ok(p);
    int k;
    ck_assert_str_eq(r->format, "html");
    ck_assert_str_eq(r->charset, "windows-1252");
    ck_assert_str_eq(r->provider, "Brindlecombe Adult Skills");
    ck_assert_str_eq(r->urn, "2801456");
    ck_assert_str_eq(r->kind, "monitoring");
    ck_assert_str_eq(r->date_start, "2019-01-15");
    ck_assert_str_eq(r->date_end, "2019-01-16");
    ck_assert_str_eq(r->grade, "insufficient-progress");
    ck_assert_uint_eq(r->n_judgements, 2);
    ck_assert_str_eq(r->judgements[0].grade, "reasonable-progress");
    ck_assert_str_eq(r->judgements[1].grade, "insufficient-progress");
    k = passage_find(r, "Leaders\xE2\x80\x99 plans for the caf\xC3\xA9 and catering");
    ck_assert_int_ge(k, 0);
    ck_assert_ptr_nonnull(strstr(r->passages[k].text,
                                 "\xC2\xA3" "250 for each apprentice, and managers describe "
                                 "this as \xE2\x80\x9C" "fair\xE2\x80\x9D \xE2\x80\xA6 most"));
    ck_assert_int_ge(passage_find(r, "the na\xC3\xAFve early feedback"), 0);
    rpt_report_free(r);
    free(p);
}
END_TEST

/* A page that says it is windows-1252 is read so, even when the bytes
 * look like another charset to the detector (here KOI8-R). */
START_TEST(test_read_declared_charset_wins)
{
    static const char koi[] =
    "\xf0\xd2\xc9\xd7\xc5\xd4\x2c\x20\xcb\xc1\xcb\x20\xc4\xc5\xcc\xc1\x3f\x20"
    "\xfc\xd4\xcf\x20\xd4\xc5\xd3\xd4\xcf\xd7\xd9\xca\x20\xd4\xc5\xcb\xd3\xd4"
    "\x20\xce\xc1\x20\xd2\xd5\xd3\xd3\xcb\xcf\xcd\x20\xd1\xda\xd9\xcb\xc5\x2e"
    "\x20\xf0\xd2\xc9\xd7\xc5\xd4\x2c\x20\xcb\xc1\xcb\x20\xc4\xc5\xcc\xc1\x3f"
    "\x20\xfc\xd4\xcf\x20\xd4\xc5\xd3\xd4\xcf\xd7\xd9\xca\x20\xd4\xc5\xcb\xd3"
    "\xd4\x20\xce\xc1\x20\xd2\xd5\xd3\xd3\xcb\xcf\xcd\x20\xd1\xda\xd9\xcb\xc5"
    "\x2e\x20\xf0\xd2\xc9\xd7\xc5\xd4\x2c\x20\xcb\xc1\xcb\x20\xc4\xc5\xcc\xc1"
    "\x3f\x20\xfc\xd4\xcf\x20\xd4\xc5\xd3\xd4\xcf\xd7\xd9\xca\x20\xd4\xc5\xcb"
    "\xd3\xd4\x20\xce\xc1\x20\xd2\xd5\xd3\xd3\xcb\xcf\xcd\x20\xd1\xda\xd9\xcb"
    "\xc5\x2e\x20\xf0\xd2\xc9\xd7\xc5\xd4\x2c\x20\xcb\xc1\xcb\x20\xc4\xc5\xcc"
    "\xc1\x3f\x20\xfc\xd4\xcf\x20\xd4\xc5\xd3\xd4\xcf\xd7\xd9\xca\x20\xd4\xc5"
    "\xcb\xd3\xd4\x20\xce\xc1\x20\xd2\xd5\xd3\xd3\xcb\xcf\xcd\x20\xd1\xda\xd9"
    "\xcb\xc5\x2e\x20\xf0\xd2\xc9\xd7\xc5\xd4\x2c\x20\xcb\xc1\xcb\x20\xc4\xc5"
    "\xcc\xc1\x3f\x20\xfc\xd4\xcf\x20\xd4\xc5\xd3\xd4\xcf\xd7\xd9\xca\x20\xd4"
    "\xc5\xcb\xd3\xd4\x20\xce\xc1\x20\xd2\xd5\xd3\xd3\xcb\xcf\xcd\x20\xd1\xda"
    "\xd9\xcb\xc5\x2e\x20\xf0\xd2\xc9\xd7\xc5\xd4\x2c\x20\xcb\xc1\xcb\x20\xc4"
    "\xc5\xcc\xc1\x3f\x20\xfc\xd4\xcf\x20\xd4\xc5\xd3\xd4\xcf\xd7\xd9\xca\x20"
    "\xd4\xc5\xcb\xd3\xd4\x20\xce\xc1\x20\xd2\xd5\xd3\xd3\xcb\xcf\xcd\x20\xd1"
    "\xda\xd9\xcb\xc5\x2e\x20\xf0\xd2\xc9\xd7\xc5\xd4\x2c\x20\xcb\xc1\xcb\x20"
    "\xc4\xc5\xcc\xc1\x3f\x20\xfc\xd4\xcf\x20\xd4\xc5\xd3\xd4\xcf\xd7\xd9\xca"
    "\x20\xd4\xc5\xcb\xd3\xd4\x20\xce\xc1\x20\xd2\xd5\xd3\xd3\xcb\xcf\xcd\x20"
    "\xd1\xda\xd9\xcb\xc5\x2e\x20\xf0\xd2\xc9\xd7\xc5\xd4\x2c\x20\xcb\xc1\xcb"
    "\x20\xc4\xc5\xcc\xc1\x3f\x20\xfc\xd4\xcf\x20\xd4\xc5\xd3\xd4\xcf\xd7\xd9"
    "\xca\x20\xd4\xc5\xcb\xd3\xd4\x20\xce\xc1\x20\xd2\xd5\xd3\xd3\xcb\xcf\xcd"
    "\x20\xd1\xda\xd9\xcb\xc5\x2e\x20";
    sbuf s = {0};
    char *p;
    rpt_report *r;
    sb_puts(&s, "<!DOCTYPE html><html><head><meta charset=\"windows-1252\"></head>"
                "<body><p>");
    sb_puts(&s, koi);
    sb_puts(&s, "</p></body></html>\n");
    p = file_write("declared.html", s.data, s.len);
    r = read_ok(p);
    ck_assert_str_eq(r->charset, "windows-1252");
    /* 0xF0 0xD2 0xC9 read as windows-1252 */
    ck_assert_int_ge(passage_find(r, "\xC3\xB0\xC3\x92\xC3\x89"), 0);
    rpt_report_free(r);
    free(p);
    /* without the declaration the detector's guess stands */
    s.len = 0;
    sb_puts(&s, "<!DOCTYPE html><html><head></head><body><p>");
    sb_puts(&s, koi);
    sb_puts(&s, "</p></body></html>\n");
    p = file_write("undeclared.html", s.data, s.len);
    r = read_ok(p);
    ck_assert_str_ne(r->charset, "windows-1252");
    rpt_report_free(r);
    free(p);
    free(s.data);
}
END_TEST

START_TEST(test_read_fragment_by_name)
{
    static const char frag[] = "<h2>Safeguarding</h2>\n<p>The arrangements for "
                               "safeguarding are effective.</p>\n";
    char *p = file_write("fragment.html", frag, sizeof frag - 1);
    rpt_report *r = read_ok(p);
    ck_assert_str_eq(r->format, "html");
    ck_assert_int_ge(section_find(r, "safeguarding"), 0);
    rpt_report_free(r);
    free(p);
    /* the same bytes named .txt are not taken for HTML */
    p = file_write("fragment.txt", frag, sizeof frag - 1);
    r = read_ok(p);
    ck_assert_str_eq(r->format, "txt");
    rpt_report_free(r);
    free(p);
}
END_TEST

START_TEST(test_read_no_text)
{
    static const char page[] = "<!DOCTYPE html><html><head><title>Report</title></head>"
                               "<body><nav><a href=/>Home</a></nav><script>x()</script>"
                               "</body></html>";
    char *p = file_write("empty.html", page, sizeof page - 1);
    char *err = NULL, want[512];
    rpt_report *r = NULL;
    ck_assert_int_eq(rpt_read_file(p, &r, &err), RPT_ERR_EMPTY);
    ck_assert_ptr_null(r);
    snprintf(want, sizeof want, "%s: no text in the HTML page", p);
    ck_assert_str_eq(err, want);
    free(err);
    free(p);
}
END_TEST

/* ------------------------------------------------------------ malformed */

START_TEST(test_malformed)
{
    /* unclosed tags, stray end tags, end tags in the wrong order */
    conv_is("<p>one<p>two</x></td></tr></table></li></ul><div><span>three</div>"
            "</span></div></div></p><p>four",
            "one\n\ntwo\n\nthree\n\nfour\n");
    conv_is("<ul><li>a<li>b</ul></li></li>c", "- a\n\n- b\n\nc\n");
    conv_is("</br>x</p>y", "x\n\ny\n");
    conv_is("<td>loose cell</td><tr>row</tr><dd>loose dd</dd>",
            "loose cell\n\nrow\n\nloose dd\n");
    /* '<' that starts no tag is text */
    conv_is("<p>a < b, 3<4, <> and </> and <3</p>", "a \\< b, 3\\<4, \\<> and and \\<3\n");
    /* a tag cut by the end of the input is dropped */
    conv_is("<p>kept</p><div class=\"unterminated", "kept\n");
    conv_is("<p>kept</p><div class=x", "kept\n");
    /* an unterminated comment runs to the end, as in browsers */
    conv_is("<p>before</p><!-- never closed <p>after</p>", "before\n");
    conv_is("<p>before</p><![CDATA[ never closed", "before\n");
    conv_is("<p>before</p><!DOCTYPE never closed", "before\n");
    /* attributes with '>' inside quotes, odd spacing */
    conv_is("<p title='a > b' class = \"x\"data-x=1>text</p >", "text\n");
    /* text ends an unclosed <head> */
    conv_is("<html><head><title>t</title>\n <meta charset=utf-8>Loose text<p>para",
            "Loose text\n\npara\n");
    /* an empty page and an empty input */
    conv_is("", "");
    conv_is("<html><body></body></html>", "");
    {
        char *t = NULL, *err = NULL;
        size_t n = 9;
        ck_assert_int_eq(rpt_html_to_text(NULL, 0, &t, &n, &err), 0);
        ck_assert_str_eq(t, "");
        ck_assert_uint_eq(n, 0);
        free(t);
    }
    /* NUL bytes and invalid UTF-8 pass through for parse.c to clean */
    {
        static const char page[] = "<p>a\0b \xFF c</p>";
        char *t = NULL, *err = NULL;
        size_t n = 0;
        ck_assert_int_eq(rpt_html_to_text(page, sizeof page - 1, &t, &n, &err), 0);
        ck_assert_uint_eq(n, 8);
        ck_assert_uint_eq(memcmp(t, "a\0b \xFF c\n", 9), 0);
        free(t);
    }
}
END_TEST

START_TEST(test_deep_nesting)
{
    sbuf s = {0};
    struct timespec t0;
    char *t, *p;
    rpt_report *r;
    sb_puts(&s, "<!DOCTYPE html><html><body><p>Start of the report.</p>");
    sb_repeat(&s, "<div>", 100000);
    sb_puts(&s, "<p>Deep inside the nesting.</p><nav>hidden deep</nav>");
    sb_repeat(&s, "</div>", 100000);
    sb_puts(&s, "<h2>Safeguarding</h2><p>The arrangements for safeguarding are "
                "effective.</p></body></html>");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    t = conv(s.data, s.len);
    ck_assert_double_lt(seconds_since(&t0), time_limit(1.0));
    ck_assert_ptr_nonnull(strstr(t, "Start of the report."));
    ck_assert_ptr_nonnull(strstr(t, "Deep inside the nesting."));
    /* the structure after the nesting is intact */
    ck_assert_ptr_nonnull(strstr(t, "\n## Safeguarding\n\nThe arrangements"));
    free(t);
    /* and through the reader */
    p = file_write("deep.html", s.data, s.len);
    r = read_ok(p);
    ck_assert_int_ge(section_find(r, "safeguarding"), 0);
    ck_assert_int_ge(passage_find(r, "Deep inside the nesting."), 0);
    rpt_report_free(r);
    free(p);
    /* the same depth never closed, of tables and lists too */
    s.len = 0;
    sb_repeat(&s, "<div><table><tr><td><ul><li><b><span>", 20000);
    sb_puts(&s, "deepest words");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    t = conv(s.data, s.len);
    ck_assert_double_lt(seconds_since(&t0), time_limit(1.0));
    ck_assert_ptr_nonnull(strstr(t, "deepest words"));
    free(t);
    free(s.data);
}
END_TEST

START_TEST(test_stray_end_tag_flood)
{
    /* a deep stack of open elements, then a million end tags that match
     * nothing: every one must not walk the whole stack */
    sbuf s = {0};
    struct timespec t0;
    char *t;
    sb_puts(&s, "<p>first words</p>");
    sb_repeat(&s, "<span>", 1000);
    sb_repeat(&s, "</em></li></td>", 350000);
    sb_puts(&s, "<p>last words</p>");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    t = conv(s.data, s.len);
    ck_assert_double_lt(seconds_since(&t0), time_limit(1.0));
    ck_assert_str_eq(t, "first words\n\nlast words\n");
    free(t);
    /* and a million list items in one list: each closes the last */
    s.len = 0;
    sb_puts(&s, "<ul>");
    sb_repeat(&s, "<li>item", 1000000);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    t = conv(s.data, s.len);
    ck_assert_double_lt(seconds_since(&t0), time_limit(2.0));
    ck_assert_uint_eq(strlen(t), 1000000 * strlen("- item\n\n") - 1);
    free(t);
    free(s.data);
}
END_TEST

START_TEST(test_huge_attribute)
{
    sbuf s = {0};
    struct timespec t0;
    char *t, *p;
    rpt_report *r;
    size_t i;
    sb_puts(&s, "<!DOCTYPE html><html><body><p>Before the attribute.</p><div class=\"");
    for (i = 0; i < 10u * 1024u * 1024u / 16u; i++)
        sb_puts(&s, "navcookie> <p x ");
    sb_puts(&s, "\">inside</div><p>After the attribute.</p></body></html>");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    t = conv(s.data, s.len);
    ck_assert_double_lt(seconds_since(&t0), time_limit(1.0));
    /* the class names "nav" in its first bytes: the div is furniture */
    ck_assert_str_eq(t, "Before the attribute.\n\nAfter the attribute.\n");
    free(t);
    /* through the reader too, within its size limit */
    s.len = 0;
    sb_puts(&s, "<!DOCTYPE html><html><body><div class=\"");
    sb_repeat(&s, "x> <p ", (RPT_MAX_TEXT_BYTES - 4096u) / 6u);
    sb_puts(&s, "\">inside</div><p>After the attribute.</p></body></html>");
    p = file_write("attr.html", s.data, s.len);
    r = read_ok(p);
    ck_assert_int_ge(passage_find(r, "After the attribute."), 0);
    rpt_report_free(r);
    free(p);
    /* an attribute never closed: the rest of the page is inside it */
    s.len = 0;
    sb_puts(&s, "<p>Before the attribute.</p><div class=\"");
    sb_repeat(&s, "navcookie> <p x ", 10u * 1024u * 1024u / 16u);
    sb_puts(&s, "<p>After</p>");
    t = conv(s.data, s.len);
    ck_assert_str_eq(t, "Before the attribute.\n");
    free(t);
    /* ten megabytes of text in one unterminated script */
    s.len = 0;
    sb_puts(&s, "<p>Visible.</p><script>");
    sb_repeat(&s, "document.write('<p>x</p>'); ", 10u * 1024u * 1024u / 28u);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    t = conv(s.data, s.len);
    ck_assert_double_lt(seconds_since(&t0), time_limit(1.0));
    ck_assert_str_eq(t, "Visible.\n");
    free(t);
    free(s.data);
}
END_TEST

/* Escaping can make the text longer than the page: the cap holds. */
START_TEST(test_output_cap)
{
    sbuf s = {0};
    char *t = NULL, *err = NULL;
    size_t n = 0;
    sb_puts(&s, "<p>");
    sb_repeat(&s, "*", RPT_MAX_TEXT_BYTES / 2u + 1000u);
    ck_assert_int_eq(rpt_html_to_text(s.data, s.len, &t, &n, &err), RPT_ERR_TOO_BIG);
    ck_assert_ptr_null(t);
    ck_assert_uint_eq(n, 0);
    ck_assert_str_eq(err, "text of the HTML over the size limit");
    free(err);
    free(s.data);
}
END_TEST

/* ------------------------------------------------------------ suite */

static Suite *html_suite(void)
{
    Suite *s = suite_create("html");
    TCase *tc;

    tc = tcase_create("convert");
    tcase_add_test(tc, test_sniff);
    tcase_add_test(tc, test_entities);
    tcase_add_test(tc, test_markdown_characters);
    tcase_add_test(tc, test_structure);
    tcase_add_test(tc, test_layout_tables);
    tcase_add_test(tc, test_furniture);
    tcase_add_test(tc, test_main_only);
    tcase_add_test(tc, test_declared_charset);
    suite_add_tcase(s, tc);

    tc = tcase_create("reader");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_read_report);
    tcase_add_test(tc, test_read_txt_that_is_html);
    tcase_add_test(tc, test_read_gzip);
    tcase_add_test(tc, test_read_cp1252);
    tcase_add_test(tc, test_read_declared_charset_wins);
    tcase_add_test(tc, test_read_fragment_by_name);
    tcase_add_test(tc, test_read_no_text);
    suite_add_tcase(s, tc);

    tc = tcase_create("malformed");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_malformed);
    tcase_add_test(tc, test_deep_nesting);
    tcase_add_test(tc, test_stray_end_tag_flood);
    tcase_add_test(tc, test_huge_attribute);
    tcase_add_test(tc, test_output_cap);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    sr = srunner_create(html_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
