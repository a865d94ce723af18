/* parse.c - text into blocks, blocks into sections and passages.
 *
 * Report text comes mostly from PDF extraction, so lines are not paragraphs:
 * one file has a paragraph per line, the next wraps lines at 90 columns with
 * a blank line after each, the next has no blank lines at all. Before
 * cutting, a quick pass measures the document (typical line width, share of
 * lines followed by a blank line) and the join rules use those figures.
 *
 *   lines --(clean, classify, join)--> blocks --meta.c--> metadata
 *         blocks --(headings, boilerplate, details tables)--> passages
 */
#include "corpus/report-private.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A passage longer than this is cut at a space: one 100 MB line of text
 * would otherwise be a single unusable passage. */
#define PASSAGE_MAX_BYTES (32u * 1024u)
/* Lines longer than this are never headings, labels or boilerplate. */
#define SHORT_LINE_MAX 200u

/* ---------------------------------------------------------------- buffers */

void rpt_buf_init(rpt_buf *b, size_t max)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->max = max;
    b->failed = 0;
}

static int buf_reserve(rpt_buf *b, size_t extra)
{
    size_t need, cap;
    char *p;
    if (b->failed)
        return -1;
    if (extra > b->max || b->len > b->max - extra) {
        b->failed = 1;
        return -1;
    }
    need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int rpt_buf_append(rpt_buf *b, const char *s, size_t n)
{
    if (buf_reserve(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int rpt_buf_putc(rpt_buf *b, char c)
{
    return rpt_buf_append(b, &c, 1);
}

void rpt_buf_release(rpt_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *rpt_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

int rpt_error_set(char **err, int code, const char *source, const char *fmt,
                  ...)
{
    char msg[512];
    va_list ap;
    size_t n;
    char *out;

    if (!err)
        return code;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!source)
        source = "(text)";
    n = strlen(source) + strlen(msg) + 3;
    out = malloc(n);
    if (out)
        snprintf(out, n, "%s: %s", source, msg);
    *err = out;
    return code;
}

/* ------------------------------------------------------------ char helpers */

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/* memmem is not C11 */
static const char *mem_find(const char *h, size_t hn, const char *n, size_t nn)
{
    size_t i;
    if (nn == 0 || hn < nn)
        return NULL;
    for (i = 0; i + nn <= hn; i++) {
        const char *p = memchr(h + i, n[0], hn - nn + 1 - i);
        if (!p)
            return NULL;
        if (memcmp(p, n, nn) == 0)
            return p;
        i = (size_t)(p - h);
    }
    return NULL;
}

static int is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static int is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_alpha(unsigned char c) { return is_lower(c) || is_upper(c); }
static int is_alnum(unsigned char c) { return is_alpha(c) || is_digit(c); }

void rpt_text_fold(const char *s, size_t n, char *out, size_t cap)
{
    size_t i, o = 0;
    int pending_space = 0;

    if (cap == 0)
        return;
    for (i = 0; i < n && o + 2 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_alnum(c)) {
            if (pending_space && o > 0)
                out[o++] = ' ';
            pending_space = 0;
            out[o++] = (char)(is_upper(c) ? c - 'A' + 'a' : c);
        } else if (c == '\'' ) {
            continue;   /* "learner's" folds as "learners" */
        } else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                   ((unsigned char)s[i + 2] == 0x99 ||
                    (unsigned char)s[i + 2] == 0x98)) {
            i += 2;     /* curly apostrophe */
        } else if (c >= 0x80) {
            /* other non-ASCII: keep letters (from U+00C0) as they are;
             * U+0080..U+00BF and the U+2000 block are punctuation */
            if ((c & 0xC0) == 0xC0 && c >= 0xC3 && c != 0xE2) {
                if (pending_space && o > 0)
                    out[o++] = ' ';
                pending_space = 0;
                out[o++] = (char)c;
                while (i + 1 < n && ((unsigned char)s[i + 1] & 0xC0) == 0x80 &&
                       o + 2 < cap)
                    out[o++] = s[++i];
            } else {
                pending_space = 1;
            }
        } else {
            pending_space = 1;
        }
    }
    out[o] = '\0';
    if (strncmp(out, "the ", 4) == 0)
        memmove(out, out + 4, o - 4 + 1);
}

/* ------------------------------------------------------- known headings */

/* Folded forms (rpt_text_fold) of the headings reports use, all eras. */
static const char *const known_headings[] = {
    /* 2015-2019 */
    "summary of key findings", "summary of key findings for learners",
    "summary of key findings for employers",
    "full report", "information about the provider",
    "information about this provider",
    "what does the provider need to do to improve further",
    "what does the provider need to do to improve",
    "what the provider needs to do to improve",
    "what does the college need to do to improve further",
    "inspection judgements", "provider details", "college details",
    "information about this inspection", "inspection team",
    "effectiveness of leadership and management",
    "quality of teaching learning and assessment",
    "personal development behaviour and welfare", "outcomes for learners",
    "provider has the following strengths",
    "this provider has the following strengths",
    "college has the following strengths",
    "this college has the following strengths",
    "provider information at the time of the inspection",
    "provider information", "main findings", "summary of findings",
    "summary of main findings", "provision for learners with high needs",
    /* 2019-2025 */
    "quality of education", "behaviour and attitudes", "personal development",
    "leadership and management", "what is it like to be a learner with this provider",
    "what is it like to be an apprentice with this provider",
    "what does the provider do well and what does it need to do better",
    "what does the college do well and what does it need to do better",
    "safeguarding", "contribution to meeting skills needs",
    "effectiveness of safeguarding", "effectiveness of the arrangements for safeguarding",
    /* monitoring */
    "monitoring visit main findings", "monitoring visit report",
    "context and focus of visit", "themes", "theme",
    "main findings from the visit", "context and focus of the visit",
    /* report cards */
    "about this report card", "evaluation areas", "types of provision",
    "context", "inclusion", "curriculum and teaching", "achievement",
    "participation and development", "leadership and governance",
    "next steps", "what the provider should do to improve",
    "what the college should do to improve", "areas for improvement",
    /* 2005-2012 */
    "introduction", "description of the provider", "description of the college",
    "summary of grades awarded", "overall judgement", "overall effectiveness",
    "overall effectiveness of provision", "capacity to improve",
    "achievement and standards", "quality of provision",
    "sector subject areas", "sector subject area", "key findings",
    "main findings", "what learners like", "what learners feel could improve",
    "what learners think could improve", "scope of the inspection",
    "learners achievements", "learners views", "employers views",
    "strengths", "weaknesses", "areas for improvement",
    "capacity to improve further", "effectiveness of provision",
    "equality of opportunity", "quality of provision", "grades",
    "curriculum areas", "contributory grades", "summary report",
    "what does the provider need to do to improve further",
    /* before 2005 */
    "basic information about the college", "part a summary",
    "part b the college as a whole", "part c curriculum and occupational areas",
    "part d college data", "information about the college",
    "how effective is the college", "key strengths", "what should be improved",
    "quality of provision in curriculum and occupational areas",
    "how well is the college led and managed",
    "how well does the college meet the needs of students",
    "how well does the college meet the needs of learners",
    "how well does the provider meet the needs of learners",
    "how well are students and trainees guided and supported",
    "students views of the college", "other information",
    "contents", "grading", "about the inspection", "description of the provider",
    "detailed inspection findings", "key challenges", "leadership and management",
    "quality assurance", "overall judgements",
};

/* Headings that open with a known start and carry a name or a grade. */
static const char *const known_heading_starts[] = {
    "what learners like about ", "what learners think ",
    "key challenges for ", "this is a good provider",
    "this is an outstanding provider", "this is an inadequate provider",
    "this provider requires improvement", "this college requires improvement",
    "this is a good college", "this is an outstanding college",
    "this is an inadequate college", "this provider is inadequate",
    "this provider is good", "inspection of ",
};

int rpt_heading_known(const char *text, size_t len)
{
    char f[256];
    size_t i;

    /* cheap rejections first: this runs on every short line */
    if (len > 120 || len == 0)
        return 0;
    {
        unsigned char c0 = (unsigned char)text[0], cl = (unsigned char)text[len - 1];
        if (is_lower(c0) || cl == '.' || cl == ',' || cl == ';')
            return 0;
    }
    rpt_text_fold(text, len, f, sizeof f);
    if (f[0] == '\0')
        return 0;
    for (i = 0; i < sizeof known_headings / sizeof known_headings[0]; i++)
        if (strcmp(f, known_headings[i]) == 0)
            return 1;
    for (i = 0; i < sizeof known_heading_starts / sizeof known_heading_starts[0];
         i++) {
        size_t n = strlen(known_heading_starts[i]);
        const char *s = known_heading_starts[i];
        if (strncmp(f, s, n) == 0) {
            /* "this is a good provider" must stand alone, "inspection of X"
             * must be short: these are title lines, not sentences. */
            if (s[n - 1] != ' ')
                return f[n] == '\0' || strlen(f) <= n + 12;
            return strlen(f) <= 80 && !memchr(text, '.', len);
        }
    }
    /* "Effectiveness of leadership and management is inadequate",
     * "Inclusion – Strong standard": a heading with its grade. */
    {
        size_t nl;
        if (rpt_grade_suffix(text, len, &nl) && nl < len) {
            rpt_text_fold(text, nl, f, sizeof f);
            for (i = 0; i < sizeof known_headings / sizeof known_headings[0]; i++)
                if (strcmp(f, known_headings[i]) == 0)
                    return 1;
        }
    }
    return 0;
}

/* -------------------------------------------------------- line cleaning */

typedef struct line_rec {
    const char *s;
    size_t n;
    unsigned page;
    unsigned char edge;   /* among the first/last lines of its page */
    unsigned char skip;   /* repeated running header/footer */
} line_rec;

/* Append UTF-8 text s[0..n) to out, cleaned: ligatures expanded, no-break
 * and odd spaces made plain, soft hyphens and zero-width characters dropped,
 * control characters made spaces, private-use bullets made "•". */
static int line_clean(rpt_buf *out, const char *s, size_t n, int *soft_hyphen_end)
{
    size_t i = 0;
    int leading = 1;
    *soft_hyphen_end = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t j = i;
        /* plain ASCII runs (most of any report) go across in one copy */
        while (j < n && (((unsigned char)s[j] >= 0x20 && (unsigned char)s[j] < 0x7F) ||
                         s[j] == '\t'))
            j++;
        if (j > i) {
            if (leading) {
                size_t k;
                for (k = i; k < j; k++)
                    if (!is_space((unsigned char)s[k])) {
                        leading = 0;
                        break;
                    }
            }
            if (rpt_buf_append(out, s + i, j - i) < 0)
                return -1;
            i = j;
            continue;
        }
        if (c < 0x80) {
            if (c < 0x20 && c != '\t')
                c = ' ';
            if (c == 0x7F)
                c = ' ';
            if (rpt_buf_putc(out, (char)c) < 0)
                return -1;
            if (!is_space(c))
                leading = 0;
            i++;
            continue;
        }
        if (c == 0xC2 && i + 1 < n) {
            unsigned char d = (unsigned char)s[i + 1];
            if (d == 0xA0) {                        /* no-break space */
                if (rpt_buf_putc(out, ' ') < 0)
                    return -1;
                i += 2;
                continue;
            }
            if (d == 0xAD) {                        /* soft hyphen */
                size_t k = i + 2;
                while (k < n && is_space((unsigned char)s[k]))
                    k++;
                if (k >= n)
                    *soft_hyphen_end = 1;
                i += 2;
                continue;
            }
            if (d >= 0x80 && d <= 0x9F) {           /* C1 controls */
                if (rpt_buf_putc(out, ' ') < 0)
                    return -1;
                i += 2;
                continue;
            }
        }
        if (c == 0xEF && i + 2 < n) {
            unsigned char d = (unsigned char)s[i + 1], e = (unsigned char)s[i + 2];
            static const char *const lig[] = {"ff", "fi", "fl", "ffi", "ffl",
                                              "ft", "st"};
            if (d == 0xAC && e >= 0x80 && e <= 0x86) {   /* U+FB00..FB06 */
                const char *l = lig[e - 0x80];
                if (rpt_buf_append(out, l, strlen(l)) < 0)
                    return -1;
                leading = 0;
                i += 3;
                continue;
            }
            if (d == 0xBB && e == 0xBF) {                /* BOM / ZWNBSP */
                i += 3;
                continue;
            }
        }
        /* private use area U+E000..U+F8FF: symbol-font bullets */
        if ((c == 0xEE || (c == 0xEF && i + 1 < n &&
                           (unsigned char)s[i + 1] < 0xA4)) && i + 2 < n) {
            if (leading && rpt_buf_append(out, "\xE2\x80\xA2", 3) < 0)
                return -1;
            i += 3;
            continue;
        }
        if (c == 0xE2 && i + 2 < n) {
            unsigned char d = (unsigned char)s[i + 1], e = (unsigned char)s[i + 2];
            if (d == 0x80 && (e == 0x8B || e == 0x8C || e == 0x8D ||
                              e == 0x8E || e == 0x8F)) {     /* zero width */
                i += 3;
                continue;
            }
            if ((d == 0x80 && (e <= 0x8A || e == 0xA8 || e == 0xA9 ||
                               e == 0xAF)) ||
                (d == 0x81 && e == 0x9F)) {                  /* odd spaces */
                if (rpt_buf_putc(out, ' ') < 0)
                    return -1;
                i += 3;
                continue;
            }
            if (d == 0x81 && e == 0xA0) {                    /* word joiner */
                i += 3;
                continue;
            }
        }
        if (c == 0xE3 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x80) {               /* ideographic sp */
            if (rpt_buf_putc(out, ' ') < 0)
                return -1;
            i += 3;
            continue;
        }
        /* copy one whole character */
        j = i + 1;
        while (j < n && ((unsigned char)s[j] & 0xC0) == 0x80)
            j++;
        if (rpt_buf_append(out, s + i, j - i) < 0)
            return -1;
        leading = 0;
        i = j;
    }
    return 0;
}

/* Markdown inline markup removed in place: **, __, `, <b>/<br> and other
 * simple tags, [text](url) links, backslash escapes. Lookahead is bounded so
 * a line of ten million '[' stays linear. */
static size_t md_inline_strip(char *s, size_t n)
{
    size_t i = 0, o = 0;
    while (i < n) {
        char c = s[i];
        if (c == '\\' && i + 1 < n && strchr("\\`*_{}[]()#+-.!|<>", s[i + 1])) {
            s[o++] = s[i + 1];
            i += 2;
            continue;
        }
        if ((c == '*' || c == '_') && i + 1 < n && s[i + 1] == c) {
            i += 2;
            continue;
        }
        if (c == '*' || c == '`') {
            int left = o > 0 && is_alnum((unsigned char)s[o - 1]);
            int right = i + 1 < n && is_alnum((unsigned char)s[i + 1]);
            if (c == '`' || !(left && right)) {
                i++;
                continue;
            }
        }
        if (c == '<') {
            size_t j = i + 1, lim = i + 64 < n ? i + 64 : n;
            if (j < lim && s[j] == '/')
                j++;
            if (j < lim && is_alpha((unsigned char)s[j])) {
                size_t k = j;
                while (k < lim && s[k] != '>' && s[k] != '<' && s[k] != '\n')
                    k++;
                if (k < lim && s[k] == '>') {
                    size_t wl = 0;
                    while (j + wl < k && is_alpha((unsigned char)s[j + wl]))
                        wl++;
                    if ((wl >= 4 && strncmp(s + j, "http", 4) == 0) ||
                        (wl == 6 && strncmp(s + j, "mailto", 6) == 0)) {
                        /* autolink: keep the address */
                        memmove(s + o, s + i + 1, k - i - 1);
                        o += k - i - 1;
                    } else if (wl == 2 && strncmp(s + j, "br", 2) == 0) {
                        s[o++] = ' ';
                    } else if (wl > 0 && wl <= 10) {
                        /* <b>, </b>, <span ...>: dropped */
                    } else {
                        s[o++] = c;
                        i++;
                        continue;
                    }
                    i = k + 1;
                    continue;
                }
            }
        }
        if (c == '!' && i + 1 < n && s[i + 1] == '[') {
            i++;
            continue;
        }
        if (c == '[') {
            size_t lim = i + 400 < n ? i + 400 : n, j = i + 1;
            while (j < lim && s[j] != ']' && s[j] != '[')
                j++;
            if (j < lim && s[j] == ']' && j + 1 < n && s[j + 1] == '(') {
                size_t k = j + 2;
                size_t lim2 = k + 400 < n ? k + 400 : n;
                while (k < lim2 && s[k] != ')' && s[k] != ' ')
                    k++;
                if (k < lim2 && s[k] == ')') {
                    memmove(s + o, s + i + 1, j - i - 1);
                    o += j - i - 1;
                    i = k + 1;
                    continue;
                }
            }
        }
        s[o++] = c;
        i++;
    }
    return o;
}

/* Length of a bullet marker at the start of s (after spaces), 0 if none. */
static size_t bullet_marker(const char *s, size_t n, int markdown)
{
    static const char *const glyphs[] = {
        "\xE2\x80\xA2", /* • */ "\xE2\x96\xA0", /* ■ */ "\xE2\x96\xAA", /* ▪ */
        "\xE2\x97\x8F", /* ● */ "\xE2\x97\xA6", /* ◦ */ "\xE2\x97\x8B", /* ○ */
        "\xE2\x96\xBA", /* ► */ "\xE2\x9E\xA2", /* ➢ */ "\xE2\x9C\x93", /* ✓ */
        "\xC2\xB7",     /* · */ "\xE2\x81\x83", /* ⁃ */ "\xE2\x96\xA1", /* □ */
        "\xEF\x82\xB7", /* private use, rarely survives cleaning */
    };
    size_t i;
    if (n == 0)
        return 0;
    for (i = 0; i < sizeof glyphs / sizeof glyphs[0]; i++) {
        size_t gl = strlen(glyphs[i]);
        if (n >= gl && memcmp(s, glyphs[i], gl) == 0) {
            size_t j = gl;
            while (j < n && is_space((unsigned char)s[j]))
                j++;
            return j;
        }
    }
    if ((s[0] == '-' || s[0] == '*' || (markdown && s[0] == '+')) && n > 1 &&
        (s[1] == ' ' || s[1] == '\t')) {
        size_t j = 1;
        while (j < n && is_space((unsigned char)s[j]))
            j++;
        return j < n ? j : 0;
    }
    /* en dash used as a bullet */
    if (n > 4 && memcmp(s, "\xE2\x80\x93", 3) == 0 && (s[3] == ' ' || s[3] == '\t'))
        return 4;
    if (markdown && is_digit((unsigned char)s[0])) {
        size_t j = 0;
        while (j < n && j < 3 && is_digit((unsigned char)s[j]))
            j++;
        if (j < n - 1 && (s[j] == '.' || s[j] == ')') && s[j + 1] == ' ')
            return j + 2;
    }
    return 0;
}

/* ----------------------------------------------------------- boilerplate */

static int line_is_page_number(const char *s, size_t n)
{
    char f[64];
    size_t i;
    if (n > 40 || !(is_digit((unsigned char)s[0]) || s[0] == 'P' || s[0] == 'p' ||
                    s[0] == '-' || s[0] == '['))
        return 0;
    rpt_text_fold(s, n, f, sizeof f);
    if (f[0] == '\0')
        return 0;
    /* "3", "- 3 -", "page 3", "page 3 of 14", "3 of 14" */
    i = 0;
    if (strncmp(f, "page ", 5) == 0)
        i = 5;
    if (!is_digit((unsigned char)f[i]))
        return 0;
    while (is_digit((unsigned char)f[i]))
        i++;
    if (f[i] == '\0')
        return i <= 4 || strncmp(f, "page ", 5) == 0;
    if (strncmp(f + i, " of ", 4) != 0)
        return 0;
    i += 4;
    if (!is_digit((unsigned char)f[i]))
        return 0;
    while (is_digit((unsigned char)f[i]))
        i++;
    return f[i] == '\0';
}

/* Ofsted's standard closing matter, and the like: a paragraph starting so is
 * not report text. Folded prefixes. */
static const char *const boilerplate_starts[] = {
    "office for standards in education childrens services and skills ofsted regulates",
    "if you would like a copy of this document in a different format",
    "you may reuse this information",
    "you may copy all or parts of this document",
    "this publication is available at",
    "interested in our work",
    "piccadilly gate", "aviation house", "alexandra house",
    "t 0300", "textphone", "e enquiries ofsted gov uk",
    "w www gov uk ofsted", "w www ofsted gov uk",
    "crown copyright", "c crown copyright",
    "if you are not happy with the inspection or the report",
    "any complaints about the inspection or the report",
    "learner view is a website", "employer view is a",
    "to find out more go to www",
    "this document may be reproduced in whole or in part",
    "website www ofsted gov uk", "reference no", "published date",
    "publication date", "date published", "this report is available",
    "copies of this report", "store street manchester",
    "ofsted piccadilly gate", "raising concerns and making complaints",
    "you can use parent view", "further education and skills inspection report",
};

static int para_is_boilerplate(const char *s, size_t n)
{
    char f[160];
    size_t i;
    rpt_text_fold(s, n < 400 ? n : 400, f, sizeof f);
    for (i = 0; i < sizeof boilerplate_starts / sizeof boilerplate_starts[0]; i++) {
        size_t l = strlen(boilerplate_starts[i]);
        if (strncmp(f, boilerplate_starts[i], l) == 0)
            return 1;
    }
    /* "© Crown copyright 2021" folds to "crown copyright 2021" already;
     * a line that is only an e-mail or web address is not text either. */
    if (n < 80 && !memchr(s, ' ', n) &&
        (memchr(s, '@', n) || (n > 4 && strncmp(s, "www.", 4) == 0) ||
         (n > 7 && strncmp(s, "http", 4) == 0)))
        return 1;
    return 0;
}

/* FNV-1a over a line folded with digit runs as '#', so that "Page 3 of 14"
 * and "Page 4 of 14" are the same footer. */
static uint64_t line_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    size_t i;
    int in_digits = 0, any = 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_digit(c)) {
            if (in_digits)
                continue;
            in_digits = 1;
            c = '#';
        } else {
            in_digits = 0;
            if (is_upper(c))
                c = (unsigned char)(c - 'A' + 'a');
            else if (!(is_lower(c) || c >= 0x80))
                continue;
        }
        h ^= c;
        h *= 1099511628211ull;
        any = 1;
    }
    return any ? h : 0;
}

typedef struct edge_count { uint64_t hash; unsigned pages, last_page; } edge_count;

#define EDGE_TABLE_SIZE 4096u
#define EDGE_LINES 3

/* The hash of a page-edge line worth counting, or 0. */
static uint64_t edge_line_hash(const line_rec *l)
{
    if (!l->edge || l->n > 150)
        return 0;
    return line_hash(l->s, l->n);
}

/* The slot of hash h in the table: where it is, or the empty slot where
 * it would go. */
static size_t edge_slot(const edge_count *tab, uint64_t h)
{
    size_t slot = (size_t)(h % EDGE_TABLE_SIZE);
    while (tab[slot].hash && tab[slot].hash != h)
        slot = (slot + 1) % EDGE_TABLE_SIZE;
    return slot;
}

/* Mark lines that repeat at page edges (running headers and footers) on
 * many pages. Only when the text has form feeds. */
static int lines_mark_running(line_rec *lines, size_t n_lines, unsigned n_pages)
{
    edge_count *tab;
    size_t i, used = 0;
    unsigned threshold;

    if (n_pages < 2)
        return 0;
    tab = calloc(EDGE_TABLE_SIZE, sizeof *tab);
    if (!tab)
        return -1;
    threshold = n_pages >= 4 ? (n_pages + 1) / 2 : 2;
    if (threshold < 2)
        threshold = 2;
    /* mark edges: first and last EDGE_LINES non-blank lines of a page */
    {
        size_t start = 0;
        while (start < n_lines) {
            size_t end = start, k, seen;
            while (end < n_lines && lines[end].page == lines[start].page)
                end++;
            for (k = start, seen = 0; k < end && seen < EDGE_LINES; k++)
                if (lines[k].n > 0) {
                    lines[k].edge = 1;
                    seen++;
                }
            for (k = end, seen = 0; k > start && seen < EDGE_LINES; k--)
                if (lines[k - 1].n > 0) {
                    lines[k - 1].edge = 1;
                    seen++;
                }
            start = end;
        }
    }
    for (i = 0; i < n_lines; i++) {
        uint64_t h = edge_line_hash(&lines[i]);
        size_t slot;
        if (!h)
            continue;
        slot = edge_slot(tab, h);
        if (!tab[slot].hash) {
            /* keep the table sparse: later new lines go uncounted */
            if (used >= EDGE_TABLE_SIZE * 3 / 4)
                continue;
            used++;
            tab[slot].hash = h;
            tab[slot].pages = 0;
            tab[slot].last_page = 0;
        }
        if (tab[slot].last_page != lines[i].page) {
            tab[slot].pages++;
            tab[slot].last_page = lines[i].page;
        }
    }
    for (i = 0; i < n_lines; i++) {
        uint64_t h = edge_line_hash(&lines[i]);
        size_t slot;
        if (!h)
            continue;
        slot = edge_slot(tab, h);
        if (tab[slot].hash == h && tab[slot].pages >= threshold)
            lines[i].skip = 1;
    }
    free(tab);
    return 0;
}

/* ------------------------------------------------------- block building */

typedef struct builder {
    rpt_block *blocks;
    size_t n, cap;
    int markdown;
    /* document measures */
    size_t wrap;          /* typical full line length (90th percentile) */
    int double_spaced;    /* a blank line after every wrapped line */
    /* open paragraph */
    rpt_buf para;
    int para_kind;        /* -1: none */
    unsigned para_page, para_lines, para_flags;
    size_t last_line_len;
    int para_soft_hyphen;
    int para_label;       /* the paragraph's first line was "Label: value" */
    size_t blank_run;
    int failed;
    char *running_head;   /* first "Inspection report: NAME, DATES" line */
} builder;

static int block_push(builder *b, int kind, const char *text, size_t len,
                      unsigned page, unsigned n_lines, unsigned flags, int level)
{
    rpt_block *bl;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        rpt_block *p = realloc(b->blocks, cap * sizeof *p);
        if (!p)
            return -1;
        b->blocks = p;
        b->cap = cap;
    }
    bl = &b->blocks[b->n];
    bl->text = rpt_strndup(text, len);
    if (!bl->text)
        return -1;
    bl->kind = kind;
    bl->len = len;
    bl->page = page;
    bl->n_lines = n_lines;
    bl->flags = flags;
    bl->level = level;
    if (b->blank_run > 0)
        bl->flags |= RPT_BLK_BLANK_BEFORE;
    if (b->n > 0 && b->blank_run > 0)
        b->blocks[b->n - 1].flags |= RPT_BLK_BLANK_AFTER;
    b->n++;
    return 0;
}

static int para_flush(builder *b)
{
    int rc = 0;
    if (b->para_kind < 0)
        return 0;
    if (b->para.failed)
        return -1;
    /* trim */
    while (b->para.len > 0 && is_space((unsigned char)b->para.data[b->para.len - 1]))
        b->para.len--;
    if (b->para.len > 0) {
        int kind = b->para_kind;
        unsigned flags = b->para_flags;
        /* a heading broken over two or three lines */
        if (kind == RPT_BLK_PARA && b->para_lines > 1 && b->para_lines <= 3 &&
            rpt_heading_known(b->para.data, b->para.len))
            kind = RPT_BLK_HEADING;
        rc = block_push(b, kind, b->para.data, b->para.len, b->para_page,
                        b->para_lines, flags, 0);
    }
    b->para.len = 0;
    b->para_kind = -1;
    b->para_lines = 0;
    b->para_flags = 0;
    b->para_soft_hyphen = 0;
    b->para_label = 0;
    b->blank_run = 0;
    return rc;
}

static int ends_terminal(const char *s, size_t n)
{
    while (n > 0) {
        unsigned char c = (unsigned char)s[n - 1];
        if (c == '.' || c == '!' || c == '?' || c == ':' || c == ';')
            return 1;
        /* closing quotes and brackets after the stop: ".)" ".'" ".”" */
        if (c == ')' || c == '\'' || c == '"' || c == ']') {
            n--;
            continue;
        }
        if (c == 0x9D && n >= 3 && (unsigned char)s[n - 2] == 0x80 &&
            (unsigned char)s[n - 3] == 0xE2) {
            n -= 3;
            continue;
        }
        if (c == 0x99 && n >= 3 && (unsigned char)s[n - 2] == 0x80 &&
            (unsigned char)s[n - 3] == 0xE2) {
            n -= 3;
            continue;
        }
        return 0;
    }
    return 0;
}

/* Word fragments before a line-end hyphen that keep it: "off-the-job",
 * "self-assessment", "well-being" are hyphenated words, not broken ones. */
static const char *const hyphen_keep[] = {
    "off", "on", "self", "well", "non", "co", "part", "full", "high", "low",
    "long", "short", "up", "one", "two", "three", "four", "five", "six",
    "end", "face", "day", "cross", "multi", "sub", "pre", "post", "anti",
    "semi", "under", "over", "mid", "first", "second", "third", "ex", "top",
    "hands", "work", "job", "follow", "best", "year", "age", "home", "life",
    "real", "open", "time", "small", "large", "wide", "decision", "problem",
    "fast", "old", "e", "in", "out", "back", "far", "hard", "know", "step",
    "all", "half", "broad", "sign", "check", "take", "drop", "hand", "group",
    "role", "risk", "pupil", "learner", "work", "low", "record", "world",
    "child", "person", "student", "teacher", "employer", "industry", "sector",
    "evidence", "data", "subject", "level", "entry", "re", "de", "vice",
};

static int hyphen_kept(const char *s, size_t n)
{
    /* s[0..n) ends with '-'; look at the fragment before it */
    size_t end = n - 1, start = end, i;
    while (start > 0 && is_alnum((unsigned char)s[start - 1]))
        start--;
    if (start == end)
        return 1;
    /* a compound already: "off-the-", "16-" */
    if (start > 0 && (s[start - 1] == '-' || s[start - 1] == '/'))
        return 1;
    if (is_digit((unsigned char)s[start]))
        return 1;
    for (i = 0; i < sizeof hyphen_keep / sizeof hyphen_keep[0]; i++) {
        size_t l = strlen(hyphen_keep[i]);
        if (l == end - start) {
            size_t k;
            for (k = 0; k < l; k++) {
                unsigned char c = (unsigned char)s[start + k];
                if (is_upper(c))
                    c = (unsigned char)(c - 'A' + 'a');
                if (c != (unsigned char)hyphen_keep[i][k])
                    break;
            }
            if (k == l)
                return 1;
        }
    }
    return 0;
}

/* Add line l to the open paragraph. */
static int para_join(builder *b, const char *l, size_t n)
{
    rpt_buf *p = &b->para;
    if (p->len > 0) {
        unsigned char last = (unsigned char)p->data[p->len - 1];
        unsigned char first = (unsigned char)l[0];
        if (b->para_soft_hyphen) {
            /* nothing between: the word continues */
        } else if (last == '-' && p->len > 1 && is_alpha((unsigned char)p->data[p->len - 2]) &&
                   is_lower(first)) {
            if (!hyphen_kept(p->data, p->len))
                p->len--;   /* "apprentice-" + "ships" */
        } else if (last == '-' && p->len > 1 && is_digit((unsigned char)p->data[p->len - 2]) &&
                   n >= 3 && strncmp(l, "to ", 3) == 0) {
            if (rpt_buf_putc(p, ' ') < 0)    /* "16-" + "to 18-year-olds" */
                return -1;
        } else if (last == '-' && p->len > 1 && !is_space((unsigned char)p->data[p->len - 2]) &&
                   (is_upper(first) || is_digit(first))) {
            /* "COVID-" + "19": a hyphenated word, keep it whole */
        } else {
            if (rpt_buf_putc(p, ' ') < 0)
                return -1;
        }
    }
    if (rpt_buf_append(p, l, n) < 0)
        return -1;
    b->para_lines++;
    b->last_line_len = n;
    return 0;
}

static int para_open(builder *b, int kind, unsigned page, unsigned flags)
{
    if (para_flush(b) < 0)
        return -1;
    b->para_kind = kind;
    b->para_page = page;
    b->para_flags = flags;
    b->para_lines = 0;
    b->para.len = 0;
    return 0;
}

/* "Label: value" with a short label: such lines stack without blank lines
 * in headers and must not be joined into one paragraph. */
static int line_is_label(const char *s, size_t n)
{
    size_t i, words = 1;
    if (n > SHORT_LINE_MAX || n == 0 || !(is_upper((unsigned char)s[0])))
        return 0;
    for (i = 0; i < n && i < 60; i++) {
        if (s[i] == ':')
            return i > 1 && words <= 7 && i + 1 < n;
        if (s[i] == ' ')
            words++;
        if (s[i] == '.' || s[i] == ',')
            return 0;
    }
    return 0;
}

static int starts_lower(const char *s, size_t n)
{
    return n > 0 && is_lower((unsigned char)s[0]);
}

/* Split a table row into cells joined by '\t' (trimmed), into out. A
 * markdown row "| a | b |" or a tab/3-space separated line. Returns the
 * number of non-empty cells. */
static int row_cells(const char *s, size_t n, int markdown_pipe, rpt_buf *out,
                     int *first_empty)
{
    size_t i = 0, start;
    int cells = 0, k = 0;
    out->len = 0;
    *first_empty = 0;
    if (markdown_pipe) {
        while (i < n && is_space((unsigned char)s[i]))
            i++;
        if (i < n && s[i] == '|')
            i++;
    }
    start = i;
    for (;;) {
        int at_end = i >= n;
        int sep = 0;
        if (!at_end) {
            if (markdown_pipe)
                sep = s[i] == '|' && (i == 0 || s[i - 1] != '\\');
            else if (s[i] == '\t')
                sep = 1;
            else if (s[i] == ' ' && i + 2 < n && s[i + 1] == ' ' && s[i + 2] == ' ')
                sep = 2;
        }
        if (at_end || sep) {
            size_t a = start, z = i;
            while (a < z && is_space((unsigned char)s[a]))
                a++;
            while (z > a && is_space((unsigned char)s[z - 1]))
                z--;
            if (!(at_end && markdown_pipe && a == z && k > 0)) {
                if (k > 0 && rpt_buf_putc(out, '\t') < 0)
                    return -1;
                if (rpt_buf_append(out, s + a, z - a) < 0)
                    return -1;
                if (k == 0 && a == z)
                    *first_empty = 1;
                if (z > a)
                    cells++;
                k++;
            }
            if (at_end)
                break;
            if (sep == 2)
                while (i < n && s[i] == ' ')
                    i++;
            else
                i++;
            start = i;
            continue;
        }
        i++;
    }
    return cells;
}

static int md_row_is_separator(const char *s, size_t n)
{
    size_t i;
    int dashes = 0;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c == '-')
            dashes++;
        else if (c != '|' && c != ':' && c != ' ' && c != '\t')
            return 0;
    }
    return dashes >= 3;
}

static int line_is_rule(const char *s, size_t n)
{
    size_t i, k = 0;
    char c;
    if (n < 3)
        return 0;
    c = s[0];
    if (c != '-' && c != '*' && c != '_' && c != '=')
        return 0;
    for (i = 0; i < n; i++) {
        if (s[i] == c)
            k++;
        else if (s[i] != ' ')
            return 0;
    }
    return k >= 3;
}

/* The running head of a PDF page: "Inspection report: NAME, DATES". */
static int line_is_running_head(const char *s, size_t n)
{
    char f[64];
    char a[11], z[11];
    char tmp[SHORT_LINE_MAX + 1];
    if (n > SHORT_LINE_MAX || !(s[0] == 'I' || s[0] == 'M' || s[0] == 'i' || s[0] == 'm'))
        return 0;
    rpt_text_fold(s, n < 40 ? n : 40, f, sizeof f);
    if (strncmp(f, "inspection report ", 18) != 0 &&
        strncmp(f, "monitoring visit report ", 24) != 0 &&
        strncmp(f, "monitoring visit ", 17) != 0)
        return 0;
    if (!memchr(s, ':', n < 30 ? n : 30) && !memchr(s, ',', n))
        return 0;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    return rpt_parse_dates(tmp, a, z) == 0;
}

static int build_blocks(builder *b, line_rec *lines, size_t n_lines)
{
    rpt_buf line;
    rpt_buf cells;
    size_t li;
    int rc = 0;

    rpt_buf_init(&line, RPT_MAX_TEXT_BYTES * 2u);
    rpt_buf_init(&cells, RPT_MAX_TEXT_BYTES * 2u);
    for (li = 0; li < n_lines && rc == 0; li++) {
        const line_rec *lr = &lines[li];
        const char *s;
        size_t n, ind = 0, bm;
        int soft = 0, bold, literal;

        line.len = 0;
        if (lr->skip)
            continue;
        if (line_clean(&line, lr->s, lr->n, &soft) < 0) {
            rc = -1;
            break;
        }
        s = line.data ? line.data : "";
        n = line.len;
        bold = 0;
        literal = 0;
        if (b->markdown && n > 0) {
            size_t a = 0, z = n;
            while (a < z && is_space((unsigned char)s[a]))
                a++;
            while (z > a && is_space((unsigned char)s[z - 1]))
                z--;
            bold = z - a > 4 && strncmp(s + a, "**", 2) == 0 &&
                   strncmp(s + z - 2, "**", 2) == 0;
            /* "\# 1 priority", "\- 5% fewer": an escaped first character
             * is text, not a heading, bullet or table row (html.c escapes
             * a paragraph that starts like one) */
            literal = z - a > 1 && s[a] == '\\' && s[a + 1] != '\0' &&
                      strchr("#-+|*", s[a + 1]) != NULL;
            n = md_inline_strip(line.data, n);
        }
        while (n > 0 && is_space((unsigned char)s[n - 1]))
            n--;
        while (ind < n && is_space((unsigned char)s[ind]))
            ind++;
        if (ind == n) {
            b->blank_run++;
            continue;
        }
        if (n - ind <= SHORT_LINE_MAX) {
            if (line_is_page_number(s + ind, n - ind))
                continue;
            if (line_is_running_head(s + ind, n - ind)) {
                if (!b->running_head &&
                    !(b->running_head = rpt_strndup(s + ind, n - ind))) {
                    rc = -1;
                    break;
                }
                continue;
            }
        }
        if (b->markdown && !literal) {
            const char *t = s + ind;
            size_t tn = n - ind;
            if (line_is_rule(t, tn)) {
                b->blank_run++;
                continue;
            }
            if (t[0] == '#') {
                size_t lv = 0, a;
                while (lv < tn && t[lv] == '#')
                    lv++;
                if (lv <= 6 && (lv == tn || t[lv] == ' ')) {
                    a = lv;
                    while (a < tn && (t[a] == ' ' || t[a] == '#'))
                        a++;
                    while (tn > a && (t[tn - 1] == '#' || t[tn - 1] == ' '))
                        tn--;
                    if (para_flush(b) < 0 ||
                        (tn > a && block_push(b, RPT_BLK_HEADING, t + a, tn - a,
                                              lr->page, 1, RPT_BLK_MD_HEADING,
                                              (int)lv) < 0)) {
                        rc = -1;
                        break;
                    }
                    b->blank_run = 0;
                    continue;
                }
            }
            if (t[0] == '|') {
                int first_empty;
                int nc;
                if (md_row_is_separator(t, tn))
                    continue;
                nc = row_cells(t, tn, 1, &cells, &first_empty);
                if (nc < 0 || para_flush(b) < 0) {
                    rc = -1;
                    break;
                }
                if (nc > 0 &&
                    block_push(b, RPT_BLK_ROW, cells.data, cells.len, lr->page,
                               1, first_empty ? RPT_BLK_CONT_ROW : 0, 0) < 0) {
                    rc = -1;
                    break;
                }
                b->blank_run = 0;
                continue;
            }
        }
        /* raw bold markers are gone; a markdown line that was all bold was
         * recorded by md_inline_strip only implicitly, so look at the
         * source line */
        bm = literal ? 0 : bullet_marker(s + ind, n - ind, b->markdown);
        if (bm) {
            const char *t = s + ind + bm;
            size_t tn = n - ind - bm;
            while (tn > 0 && is_space((unsigned char)*t)) {
                t++;
                tn--;
            }
            if (tn == 0) {
                /* a bullet glyph alone: the text is on the next line */
                if (para_open(b, RPT_BLK_BULLET, lr->page, 0) < 0)
                    rc = -1;
                b->para_lines = 0;
                continue;
            }
            if (para_open(b, RPT_BLK_BULLET, lr->page, 0) < 0 ||
                para_join(b, t, tn) < 0) {
                rc = -1;
                break;
            }
            b->para_soft_hyphen = soft;
            continue;
        }
        /* "\tSt Philips": the next line of the cell above */
        if (!b->markdown && s[0] == '\t' && b->para_kind < 0 && b->n > 0 &&
            b->blocks[b->n - 1].kind == RPT_BLK_ROW && b->blank_run == 0) {
            int first_empty;
            if (row_cells(s, n, 0, &cells, &first_empty) < 0 ||
                block_push(b, RPT_BLK_ROW, cells.data, cells.len, lr->page, 1,
                           RPT_BLK_CONT_ROW, 0) < 0) {
                rc = -1;
                break;
            }
            continue;
        }
        /* a table row: tabs (or wide gaps) between cells */
        if (!b->markdown && (memchr(s + ind, '\t', n - ind) ||
                             (n - ind <= SHORT_LINE_MAX * 2 &&
                              strstr(s + ind, "   ") != NULL &&
                              (size_t)(strstr(s + ind, "   ") - s) < n))) {
            int first_empty;
            int nc = row_cells(s, n, 0, &cells, &first_empty);
            if (nc < 0) {
                rc = -1;
                break;
            }
            if (nc >= 2 || (nc == 1 && (first_empty || memchr(s + ind, '\t', n - ind)))) {
                /* a continuation of an open bullet, indented by a tab */
                if (para_flush(b) < 0 ||
                    block_push(b, RPT_BLK_ROW, cells.data, cells.len, lr->page,
                               1, first_empty ? RPT_BLK_CONT_ROW : 0, 0) < 0) {
                    rc = -1;
                    break;
                }
                b->blank_run = 0;
                continue;
            }
        }
        {
            const char *t = s + ind;
            size_t tn = n - ind;
            int open = b->para_kind >= 0 && b->para.len > 0;
            int prev_terminal = open && ends_terminal(b->para.data, b->para.len);
            int can_head = !open || b->blank_run > 0 || prev_terminal;
            int label = line_is_label(t, tn);

            if (tn <= SHORT_LINE_MAX && can_head && !b->markdown &&
                rpt_heading_known(t, tn)) {
                if (para_flush(b) < 0 ||
                    block_push(b, RPT_BLK_HEADING, t, tn, lr->page, 1, 0, 0) < 0) {
                    rc = -1;
                    break;
                }
                b->blank_run = 0;
                continue;
            }
            if (tn <= 40 && rpt_grade_line(t, tn)) {
                /* "Insufficient progress", "is inadequate": its own block */
                if (para_flush(b) < 0 ||
                    block_push(b, RPT_BLK_PARA, t, tn, lr->page, 1, 0, 0) < 0) {
                    rc = -1;
                    break;
                }
                b->blank_run = 0;
                continue;
            }
            if (open) {
                int join;
                if (b->para_soft_hyphen) {
                    join = 1;
                } else if (b->blank_run == 0) {
                    join = 1;
                    if (label && b->para_label)
                        join = 0;
                    else if (b->markdown)
                        join = 1;
                    else if (b->wrap >= 200 && !starts_lower(t, tn) &&
                             !(b->para.data[b->para.len - 1] == '-' ||
                               b->para.data[b->para.len - 1] == ','))
                        join = 0;   /* unwrapped text: a line is a paragraph */
                    else if (b->last_line_len * 2 < b->wrap &&
                             !starts_lower(t, tn))
                        join = 0;   /* a stack of short lines: title, address */
                    else if (prev_terminal &&
                             (is_upper((unsigned char)t[0]) ||
                              is_digit((unsigned char)t[0]) || t[0] == '"' ||
                              (unsigned char)t[0] >= 0x80) &&
                             (b->wrap >= 200 ||
                              b->last_line_len * 10 < b->wrap * 8))
                        join = 0;
                } else {
                    join = 0;
                    if (!prev_terminal) {
                        if (starts_lower(t, tn))
                            join = 1;
                        else if (b->double_spaced &&
                                 b->last_line_len * 10 >= b->wrap * 6)
                            join = 1;
                        else if (b->para.data[b->para.len - 1] == '-' ||
                                 b->para.data[b->para.len - 1] == ',')
                            join = 1;
                    }
                }
                if (join) {
                    if (para_join(b, t, tn) < 0) {
                        rc = -1;
                        break;
                    }
                    b->para_soft_hyphen = soft;
                    b->blank_run = 0;
                    continue;
                }
            } else if (b->para_kind == RPT_BLK_BULLET && b->para.len == 0) {
                /* text of a bullet whose glyph stood alone */
                if (para_join(b, t, tn) < 0) {
                    rc = -1;
                    break;
                }
                b->para_soft_hyphen = soft;
                b->blank_run = 0;
                continue;
            }
            if (para_open(b, RPT_BLK_PARA, lr->page, bold ? RPT_BLK_BOLD : 0) < 0 ||
                para_join(b, t, tn) < 0) {
                rc = -1;
                break;
            }
            b->para_label = label;
            b->para_soft_hyphen = soft;
        }
    }
    if (rc == 0 && para_flush(b) < 0)
        rc = -1;
    rpt_buf_release(&line);
    rpt_buf_release(&cells);
    return rc;
}

/* ----------------------------------------------------- document measures */

static void measure(builder *b, const line_rec *lines, size_t n_lines)
{
    size_t hist[402];
    size_t n_text = 0, n_blank_after = 0, n_open = 0, i, acc, want;
    memset(hist, 0, sizeof hist);
    for (i = 0; i < n_lines; i++) {
        size_t n = lines[i].n, a = 0;
        const char *s = lines[i].s;
        while (n > 0 && is_space((unsigned char)s[n - 1]))
            n--;
        while (a < n && is_space((unsigned char)s[a]))
            a++;
        if (a == n || memchr(s, '\t', n))
            continue;
        n_text++;
        hist[n - a > 400 ? 401 : n - a]++;
        if (i + 1 < n_lines) {
            size_t m = lines[i + 1].n, k = 0;
            while (k < m && is_space((unsigned char)lines[i + 1].s[k]))
                k++;
            if (k == m)
                n_blank_after++;
        }
        if (!ends_terminal(s, n))
            n_open++;
    }
    b->wrap = 400;
    if (n_text > 0) {
        want = n_text - n_text / 10;   /* 90th percentile */
        for (i = 0, acc = 0; i < 402; i++) {
            acc += hist[i];
            if (acc >= want) {
                b->wrap = i;
                break;
            }
        }
    }
    if (b->wrap < 20)
        b->wrap = 20;
    b->double_spaced = n_text >= 20 && n_blank_after * 10 >= n_text * 8 &&
                       n_open * 10 >= n_text * 4 && b->wrap < 200;
}

int rpt_text_looks_markdown(const char *text, size_t len)
{
    size_t i = 0, lines = 0;
    int headings = 0, tables = 0, other = 0;
    while (i < len && lines < 400) {
        const char *s = text + i;
        const char *e = memchr(s, '\n', len - i);
        size_t n = e ? (size_t)(e - s) : len - i;
        if (n >= 2 && s[0] == '#') {
            size_t k = 0;
            while (k < n && s[k] == '#')
                k++;
            if (k <= 6 && k < n && s[k] == ' ')
                headings++;
        } else if (n >= 3 && s[0] == '|' && md_row_is_separator(s, n)) {
            tables++;
        } else if (n >= 4 && (mem_find(s, n, "**", 2) || mem_find(s, n, "](", 2))) {
            other++;
        }
        lines++;
        i += n + 1;
    }
    return tables > 0 || headings >= 2 || (headings == 1 && other > 0);
}

/* ----------------------------------------------------------- the report */

static int section_add(rpt_report *r, const char *title, size_t n)
{
    rpt_section *s = realloc(r->sections, (r->n_sections + 1) * sizeof *s);
    char *t, *slug;
    size_t i, o = 0;
    int sep = 0;
    if (!s)
        return -1;
    r->sections = s;
    t = rpt_strndup(title, n);
    slug = malloc(n + 1 > 81 ? 81 + 8 : n + 9);
    if (!t || !slug) {
        free(t);
        free(slug);
        return -1;
    }
    for (i = 0; i < n && o < 80; i++) {
        unsigned char c = (unsigned char)title[i];
        if (is_alnum(c)) {
            if (sep && o > 0)
                slug[o++] = '-';
            sep = 0;
            slug[o++] = (char)(is_upper(c) ? c - 'A' + 'a' : c);
        } else if (c == '\'') {
            /* "learners'" */
        } else if (c == 0xE2 && i + 2 < n && (unsigned char)title[i + 1] == 0x80 &&
                   (unsigned char)title[i + 2] == 0x99) {
            i += 2;
        } else {
            sep = 1;
        }
    }
    while (o > 0 && slug[o - 1] == '-')
        o--;
    slug[o] = '\0';
    s[r->n_sections].title = t;
    s[r->n_sections].slug = slug;
    r->n_sections++;
    return 0;
}

/* Whitespace tidied copy of s[0..n) into out (reset). */
static int text_tidy(rpt_buf *out, const char *s, size_t n)
{
    size_t i;
    int space = 0;
    out->len = 0;
    if (buf_reserve(out, n) < 0)
        return -1;
    for (i = 0; i < n;) {
        size_t j = i;
        if (is_space((unsigned char)s[i])) {
            space = 1;
            i++;
            continue;
        }
        while (j < n && !is_space((unsigned char)s[j]))
            j++;
        /* the output is never longer than the input: no reallocation */
        if (space && out->len > 0)
            out->data[out->len++] = ' ';
        space = 0;
        memcpy(out->data + out->len, s + i, j - i);
        out->len += j - i;
        i = j;
    }
    out->data[out->len] = '\0';
    if (out->len == 0 && rpt_buf_append(out, "", 0) < 0)
        return -1;
    return 0;
}

static int has_letters(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (is_alpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0xC3)
            return 1;
    return 0;
}

static size_t count_words(const char *s, size_t n)
{
    size_t i, w = 0;
    int in = 0;
    for (i = 0; i < n; i++) {
        if (is_space((unsigned char)s[i]))
            in = 0;
        else if (!in) {
            in = 1;
            w++;
        }
    }
    return w;
}

static int passage_add_one(rpt_report *r, const char *s, size_t n,
                           size_t section, unsigned page, size_t *cap)
{
    rpt_passage *p;
    if (r->n_passages == *cap) {
        size_t nc = *cap ? *cap * 2 : 32;
        p = realloc(r->passages, nc * sizeof *p);
        if (!p)
            return -1;
        r->passages = p;
        *cap = nc;
    }
    p = &r->passages[r->n_passages];
    p->text = rpt_strndup(s, n);
    if (!p->text)
        return -1;
    p->section = section;
    p->page = page;
    r->n_passages++;
    return 0;
}

typedef struct assembler {
    rpt_report *r;
    rpt_buf tidy;
    size_t cap;
    long section;    /* -1: none yet */
} assembler;

static int passage_add(assembler *a, const char *s, size_t n, unsigned page)
{
    size_t i;
    if (text_tidy(&a->tidy, s, n) < 0)
        return -1;
    s = a->tidy.data;
    n = a->tidy.len;
    if (n == 0 || !has_letters(s, n))
        return 0;
    if (a->section < 0) {
        if (section_add(a->r, "Introduction", 12) < 0)
            return -1;
        a->section = (long)a->r->n_sections - 1;
    }
    /* cut very long paragraphs at a space, keeping UTF-8 whole */
    i = 0;
    while (n - i > PASSAGE_MAX_BYTES) {
        size_t cut = i + PASSAGE_MAX_BYTES;
        size_t k = cut;
        while (k > i + PASSAGE_MAX_BYTES / 2 && s[k] != ' ')
            k--;
        if (s[k] != ' ') {
            k = cut;
            while (k > i && ((unsigned char)s[k] & 0xC0) == 0x80)
                k--;
        }
        if (passage_add_one(a->r, s + i, k - i, (size_t)a->section, page,
                            &a->cap) < 0)
            return -1;
        i = k;
        while (i < n && s[i] == ' ')
            i++;
    }
    if (n > i)
        return passage_add_one(a->r, s + i, n - i, (size_t)a->section, page,
                               &a->cap);
    return 0;
}

/* A short standalone line that reads as a heading in plain text. */
static int block_is_plain_heading(const rpt_block *blocks, size_t n_blocks,
                                  size_t i, int markdown)
{
    const rpt_block *b = &blocks[i];
    size_t words;
    unsigned char c0, cl;
    if (b->kind != RPT_BLK_PARA || b->len > 100 || b->n_lines > 2)
        return 0;
    if (markdown)
        return (b->flags & RPT_BLK_BOLD) != 0;
    c0 = (unsigned char)b->text[0];
    cl = (unsigned char)b->text[b->len - 1];
    if (!(is_upper(c0) || (is_digit(c0) && b->len > 3)))
        return 0;
    if (cl == '.' || cl == ',' || cl == ';' || cl == ':' || cl == '"' ||
        cl == ')' || cl == '\'')
        return 0;
    words = count_words(b->text, b->len);
    if (words > 12 || mem_find(b->text, b->len, ". ", 2) ||
        mem_find(b->text, b->len, ": ", 2))
        return 0;
    if (!(b->flags & RPT_BLK_BLANK_BEFORE) && i > 0 &&
        (blocks[i - 1].kind == RPT_BLK_PARA || blocks[i - 1].kind == RPT_BLK_BULLET) &&
        !ends_terminal(blocks[i - 1].text, blocks[i - 1].len))
        return 0;
    if (i + 1 < n_blocks && !(b->flags & RPT_BLK_BLANK_AFTER) &&
        blocks[i + 1].kind == RPT_BLK_PARA && starts_lower(blocks[i + 1].text,
                                                            blocks[i + 1].len))
        return 0;
    return 1;
}

static int heading_is_details(const char *t, size_t n)
{
    char f[128];
    static const char *const details[] = {
        "provider details", "college details", "basic information about the college",
        "provider information at the time of the inspection",
        "provider information", "inspection team", "contents",
        "summary of grades awarded", "grading", "grades", "evaluation areas",
        "types of provision", "inspection judgements", "curriculum areas",
    };
    size_t i;
    rpt_text_fold(t, n, f, sizeof f);
    for (i = 0; i < sizeof details / sizeof details[0]; i++)
        if (strcmp(f, details[i]) == 0)
            return strcmp(f, "contents") == 0 ? 2 : 1;
    return 0;
}

static int para_is_prose(const char *s, size_t n)
{
    return count_words(s, n) >= 12 && ends_terminal(s, n);
}

/* What a details section (a grade table, "Types of provision") keeps: its
 * prose, and bullets that are sentences: a report that puts each type of
 * provision's findings under such a heading lists them as short bullets
 * ("Too many apprentices do not receive their entitlement to off-the-job
 * training."), where a table's cells are neither. */
static int detail_is_text(const rpt_block *b)
{
    if (para_is_prose(b->text, b->len))
        return 1;
    return b->kind == RPT_BLK_BULLET && count_words(b->text, b->len) >= 5 &&
           ends_terminal(b->text, b->len);
}

/* "Safeguarding – Met", "Safeguarding: not met" */
static int heading_met_suffix(const char *t, size_t n, size_t *name_len)
{
    size_t i;
    char f[32];
    for (i = n; i-- > 0 && n - i < 16;) {
        if (t[i] == ':' || t[i] == '-' ||
            (i >= 2 && (unsigned char)t[i] == 0x93 && (unsigned char)t[i - 1] == 0x80)) {
            rpt_text_fold(t + i + 1, n - i - 1, f, sizeof f);
            if (strcmp(f, "met") == 0 || strcmp(f, "not met") == 0) {
                size_t k = (unsigned char)t[i] == 0x93 ? i - 2 : i;
                while (k > 0 && is_space((unsigned char)t[k - 1]))
                    k--;
                *name_len = k;
                return k > 0;
            }
        }
    }
    return 0;
}

/* Headings with nothing under them (a contents list, a table caption) are
 * dropped, and the passages' section indexes follow. */
static void sections_compact(rpt_report *r)
{
    size_t *map, i, o = 0;
    unsigned char *used;
    if (r->n_sections == 0)
        return;
    map = malloc(r->n_sections * sizeof *map);
    used = calloc(r->n_sections, 1);
    if (!map || !used) {
        free(map);
        free(used);
        return;   /* keeping empty sections is harmless */
    }
    for (i = 0; i < r->n_passages; i++)
        used[r->passages[i].section] = 1;
    for (i = 0; i < r->n_sections; i++) {
        if (used[i]) {
            map[i] = o;
            r->sections[o++] = r->sections[i];
        } else {
            free(r->sections[i].title);
            free(r->sections[i].slug);
        }
    }
    r->n_sections = o;
    for (i = 0; i < r->n_passages; i++)
        r->passages[i].section = map[r->passages[i].section];
    free(map);
    free(used);
}

static int assemble(rpt_meta_ctx *ctx)
{
    assembler a;
    size_t i;
    int details = 0;
    int rc = 0;
    rpt_report *r = ctx->r;
    rpt_block *blocks = ctx->blocks;

    a.r = r;
    a.cap = 0;
    a.section = -1;
    rpt_buf_init(&a.tidy, RPT_MAX_TEXT_BYTES * 2u);
    for (i = 0; i < ctx->n_blocks && rc == 0; i++) {
        rpt_block *b = &blocks[i];
        int heading = b->kind == RPT_BLK_HEADING;

        if (b->kind == RPT_BLK_ROW && i >= ctx->header_end &&
            !(b->flags & RPT_BLK_CONT_ROW)) {
            /* "Effectiveness of leadership and management<TAB>Inadequate"
             * in the body: a heading with its grade */
            const char *tab = memchr(b->text, '\t', b->len);
            size_t hl = tab ? (size_t)(tab - b->text) : b->len;
            if (tab && hl > 0 && rpt_heading_known(b->text, hl) &&
                rpt_grade_line(tab + 1, b->len - hl - 1)) {
                if (text_tidy(&a.tidy, b->text, hl) < 0 ||
                    section_add(r, a.tidy.data, a.tidy.len) < 0) {
                    rc = -1;
                    break;
                }
                a.section = (long)r->n_sections - 1;
                details = 0;
                continue;
            }
        }
        if (b->flags & RPT_BLK_USED)
            continue;
        if (!heading && i >= ctx->header_end && b->kind == RPT_BLK_PARA &&
            block_is_plain_heading(blocks, ctx->n_blocks, i, ctx->is_markdown) &&
            (!details || para_is_prose(b->text, b->len) ||
             /* "Apprenticeships" then "Good" under "Types of provision":
              * a type of provision and its grade head its findings */
             (i + 1 < ctx->n_blocks && blocks[i + 1].kind == RPT_BLK_PARA &&
              blocks[i + 1].len <= 40 &&
              rpt_grade_line(blocks[i + 1].text, blocks[i + 1].len))))
            heading = 1;
        if (heading) {
            size_t n = b->len;
            size_t nl;
            /* the title of a markdown export is not a section */
            if ((b->flags & RPT_BLK_MD_HEADING) && b->level == 1 &&
                i < ctx->header_end)
                continue;
            if (rpt_grade_suffix(b->text, n, &nl))
                n = nl;
            else if (n > 6 && heading_met_suffix(b->text, n, &nl))
                n = nl;
            while (n > 0 && (b->text[n - 1] == ':' || is_space((unsigned char)b->text[n - 1])))
                n--;
            if (n == 0)
                continue;
            if (text_tidy(&a.tidy, b->text, n) < 0 ||
                section_add(r, a.tidy.data, a.tidy.len) < 0) {
                rc = -1;
                break;
            }
            a.section = (long)r->n_sections - 1;
            details = heading_is_details(b->text, n);
            continue;
        }
        if (b->kind == RPT_BLK_ROW) {
            /* prose inside a table cell still counts */
            const char *c = b->text, *end = b->text + b->len;
            while (c < end) {
                const char *e = memchr(c, '\t', (size_t)(end - c));
                size_t cn = e ? (size_t)(e - c) : (size_t)(end - c);
                if (count_words(c, cn) >= 10 && ends_terminal(c, cn) &&
                    passage_add(&a, c, cn, b->page) < 0) {
                    rc = -1;
                    break;
                }
                c += cn + (e ? 1 : 0);
            }
            continue;
        }
        if (details == 2)
            continue;
        if (para_is_boilerplate(b->text, b->len))
            continue;
        if (i < ctx->header_end && ctx->is_report && !para_is_prose(b->text, b->len))
            continue;
        if (details && !detail_is_text(b))
            continue;
        if (b->kind == RPT_BLK_PARA && b->len <= 80 && rpt_grade_line(b->text, b->len))
            continue;
        /* a table caption ("Contributory grades:") */
        if (b->kind == RPT_BLK_PARA && b->len < 60 && b->text[b->len - 1] == ':' &&
            i + 1 < ctx->n_blocks && blocks[i + 1].kind == RPT_BLK_ROW)
            continue;
        if (passage_add(&a, b->text, b->len, b->page) < 0)
            rc = -1;
    }
    rpt_buf_release(&a.tidy);
    if (rc == 0)
        sections_compact(r);
    return rc;
}

/* ------------------------------------------------------------- entry */

void rpt_report_free(rpt_report *r)
{
    size_t i;
    if (!r)
        return;
    free(r->source);
    free(r->format);
    free(r->charset);
    free(r->title);
    free(r->provider);
    free(r->urn);
    free(r->type);
    free(r->kind);
    free(r->grade);
    free(r->previous_grade);
    free(r->area);
    for (i = 0; i < r->n_judgements; i++) {
        free(r->judgements[i].name);
        free(r->judgements[i].grade);
    }
    free(r->judgements);
    for (i = 0; i < r->n_sections; i++) {
        free(r->sections[i].title);
        free(r->sections[i].slug);
    }
    free(r->sections);
    for (i = 0; i < r->n_passages; i++)
        free(r->passages[i].text);
    free(r->passages);
    free(r);
}

static int lines_split(const char *text, size_t len, line_rec **out,
                       size_t *n_out, unsigned *n_pages, int *has_ff)
{
    size_t cap = 256, n = 0, i = 0;
    unsigned page = 1;
    line_rec *lines = malloc(cap * sizeof *lines);
    *has_ff = memchr(text, '\f', len) != NULL;
    if (!lines)
        return -1;
    while (i <= len) {
        size_t j = i;
        while (j < len && text[j] != '\n' && text[j] != '\r' && text[j] != '\f')
            j++;
        if (n == cap) {
            line_rec *p;
            cap *= 2;
            p = realloc(lines, cap * sizeof *p);
            if (!p) {
                free(lines);
                return -1;
            }
            lines = p;
        }
        lines[n].s = text + i;
        lines[n].n = j - i;
        lines[n].page = *has_ff ? page : 0;
        lines[n].edge = 0;
        lines[n].skip = 0;
        n++;
        if (j >= len)
            break;
        if (text[j] == '\r' && j + 1 < len && text[j + 1] == '\n')
            j++;
        else if (text[j] == '\f')
            page++;
        i = j + 1;
    }
    *out = lines;
    *n_out = n;
    *n_pages = page;
    return 0;
}

int rpt_parse_text(const char *text, size_t len, const char *format,
                   const char *source, rpt_report **out, char **err)
{
    rpt_report *r;
    line_rec *lines = NULL;
    size_t n_lines = 0, i;
    unsigned n_pages = 0;
    int has_ff = 0;
    builder b;
    rpt_meta_ctx ctx;
    int rc = RPT_OK;

    *out = NULL;
    if (!text)
        len = 0;
    if (len > RPT_MAX_TEXT_BYTES)
        return rpt_error_set(err, RPT_ERR_TOO_BIG, source ? source : "(text)",
                             "%zu bytes of text, over the limit of %u: not "
                             "one report", len, RPT_MAX_TEXT_BYTES);
    r = calloc(1, sizeof *r);
    if (!r)
        return rpt_error_set(err, RPT_ERR_NOMEM, source, "out of memory");
    r->source = rpt_strndup(source ? source : "", source ? strlen(source) : 0);
    r->format = rpt_strndup(format ? format : "txt", format ? strlen(format) : 3);
    r->charset = rpt_strndup("UTF-8", 5);
    if (!r->source || !r->format || !r->charset) {
        rpt_report_free(r);
        return rpt_error_set(err, RPT_ERR_NOMEM, source, "out of memory");
    }
    memset(&b, 0, sizeof b);
    b.para_kind = -1;
    b.markdown = format && strncmp(format, "md", 2) == 0;
    rpt_buf_init(&b.para, len + 16);

    if (len > 0) {
        if (lines_split(text, len, &lines, &n_lines, &n_pages, &has_ff) < 0 ||
            (has_ff && lines_mark_running(lines, n_lines, n_pages) < 0)) {
            rc = RPT_ERR_NOMEM;
            goto done;
        }
        measure(&b, lines, n_lines);
        if (build_blocks(&b, lines, n_lines) < 0) {
            rc = RPT_ERR_NOMEM;
            goto done;
        }
    }
    memset(&ctx, 0, sizeof ctx);
    ctx.r = r;
    ctx.blocks = b.blocks;
    ctx.n_blocks = b.n;
    ctx.is_markdown = b.markdown;
    ctx.running_head = b.running_head;
    if (rpt_meta_extract(&ctx) < 0 || assemble(&ctx) < 0) {
        rc = RPT_ERR_NOMEM;
        goto done;
    }
done:
    free(lines);
    for (i = 0; i < b.n; i++)
        free(b.blocks[i].text);
    free(b.blocks);
    free(b.running_head);
    rpt_buf_release(&b.para);
    if (rc != RPT_OK) {
        rpt_report_free(r);
        return rpt_error_set(err, rc, source, "out of memory");
    }
    *out = r;
    return RPT_OK;
}
