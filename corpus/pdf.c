/* pdf.c - PDF to text through poppler's pdftotext, in a child process.
 *
 * Parsing PDF is a large attack surface and poppler has had its share of
 * crashes and runaway loops on broken files, so it never runs in the
 * indexer: pdftotext runs as a child with CPU, address-space, file-size and
 * core limits, stdin from /dev/null, its output read through a capped pipe
 * and a wall-clock deadline after which the whole process group is killed.
 *
 * Options: `-enc UTF-8 -eol unix` so the bytes are what parse.c reads, and
 * page breaks kept (no `-nopgbrk`): parse.c numbers pages by '\f' and finds
 * running headers and footers at page edges. `-layout`, because of what
 * the other two modes do to a report (tried on the fixtures of
 * tests/check_pdf.c with poppler 22.12):
 *  - the default reading-order mode puts a table's label column and value
 *    column in separate blocks ("Unique reference number", "Address", then
 *    "2786431", ...), so no label meets its value, and it removes every
 *    line-end hyphen itself, gluing real compounds ("work-/based" comes
 *    out "workbased") where the hyphen can no longer be told apart;
 *  - `-raw` follows the content stream, so a footer drawn first comes
 *    first, and it writes no blank lines between paragraphs.
 * `-layout` keeps a table row on one line with a wide gap between cells,
 * which parse.c cuts into cells; blank lines between blocks, which parse.c
 * reads as paragraph ends; and line-end hyphens, settled below by a rule
 * that keeps compounds. Its cost: the two columns of a two-column page
 * come out side by side on the same lines.
 *
 * pdftotext can read stdin ("-" becomes poppler's fd://0) but then we would
 * have to feed its stdin and drain its stdout at once; a PDF that came out
 * of gzip is written to a private mkstemp file instead, removed at the end.
 */
#define _GNU_SOURCE   /* pipe2, wait4 */
#include "corpus/pdf.h"
#include "corpus/report-private.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PDFTOTEXT "pdftotext"
#define STDERR_KEEP 4096u     /* of pdftotext's messages; the rest is read
                                 and dropped */
#define MESSAGE_LINE_MAX 200u
#define SNIFF_JUNK 1024u      /* PDF readers accept junk before %PDF- */

int rpt_pdf_sniff(const char *data, size_t len)
{
    size_t k = len < SNIFF_JUNK + 5 ? len : SNIFF_JUNK + 5, i;
    if (!data || len < 5)
        return 0;
    if (memcmp(data, "%PDF-", 5) == 0)
        return 1;
    /* Acrobat accepts a header within the first 1024 bytes; only take it
     * there when what precedes it is not text, or a text file quoting
     * "%PDF-" would be taken for a PDF. */
    for (i = 0; i + 5 <= k; i++) {
        unsigned char c = (unsigned char)data[i];
        if (data[i] == '%' && memcmp(data + i, "%PDF-", 5) == 0)
            return i > 0 && (data[i - 1] == '\n' || data[i - 1] == '\r') &&
                   (unsigned char)data[0] < 0x20 && data[0] != '\n' &&
                   data[0] != '\t' && data[0] != '\r';
        if (c == '\n' && i > 64)
            return 0;
    }
    return 0;
}

/* ------------------------------------------------------------ tidying */

/* Compound-forming words that keep a line-end hyphen when the document
 * itself does not settle it ("self-/assessment", "work-/based"). */
static const char *const compound_first[] = {
    "self", "well", "non", "co", "re", "de", "pre", "post", "anti", "semi",
    "multi", "sub", "inter", "cross", "mid", "ex", "off", "on", "up", "out",
    "in", "over", "under", "part", "full", "high", "low", "long", "short",
    "work", "job", "face", "day", "year", "age", "end", "time", "life",
    "hands", "follow", "real", "open", "wide", "broad", "small", "large",
    "one", "two", "three", "four", "five", "six", "first", "second", "third",
    "top", "best", "decision", "problem", "role", "sector", "industry",
    "employer", "learner", "student", "subject", "level", "entry", "e",
};

typedef struct word_set {
    uint64_t *slot;   /* 0 = empty */
    size_t mask, used;
} word_set;

static int is_alpha_ascii(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static unsigned char lower_ascii(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static uint64_t hash_add(uint64_t h, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= lower_ascii((unsigned char)s[i]);
        h *= 1099511628211ull;
    }
    return h;
}

#define HASH_START 14695981039346656037ull

static void set_add(word_set *ws, uint64_t h)
{
    size_t i;
    if (!ws->slot || ws->used * 4 >= (ws->mask + 1) * 3)
        return;   /* full: evidence stays incomplete, the fallback rule decides */
    h |= 1;
    for (i = (size_t)h & ws->mask; ws->slot[i]; i = (i + 1) & ws->mask)
        if (ws->slot[i] == h)
            return;
    ws->slot[i] = h;
    ws->used++;
}

static int set_has(const word_set *ws, uint64_t h)
{
    size_t i;
    if (!ws->slot)
        return 0;
    h |= 1;
    for (i = (size_t)h & ws->mask; ws->slot[i]; i = (i + 1) & ws->mask)
        if (ws->slot[i] == h)
            return 1;
    return 0;
}

/* Every ASCII word of the text, and every "word-word" written whole on one
 * line, folded to lowercase. */
static void set_build(word_set *ws, const char *t, size_t n)
{
    size_t i = 0, size = 1024;
    /* about one distinct word per 40 bytes of report text, capped at 8 MB
     * of table */
    while (size < n / 20 && size < (1u << 20))
        size <<= 1;
    ws->slot = calloc(size, sizeof *ws->slot);
    ws->mask = size - 1;
    ws->used = 0;
    if (!ws->slot)
        return;
    while (i < n) {
        size_t a = i, b;
        if (!is_alpha_ascii((unsigned char)t[i])) {
            i++;
            continue;
        }
        while (i < n && is_alpha_ascii((unsigned char)t[i]))
            i++;
        b = i;
        set_add(ws, hash_add(HASH_START, t + a, b - a));
        if (i + 1 < n && t[i] == '-' && is_alpha_ascii((unsigned char)t[i + 1]) &&
            (a == 0 || t[a - 1] != '-')) {
            size_t c = i + 1;
            uint64_t h = hash_add(HASH_START, t + a, b - a);
            while (c < n && is_alpha_ascii((unsigned char)t[c]))
                c++;
            h = hash_add(h, "-", 1);
            set_add(ws, hash_add(h, t + i + 1, c - i - 1));
        }
    }
}

static int compound_former(const char *s, size_t n)
{
    size_t i, k;
    for (i = 0; i < sizeof compound_first / sizeof compound_first[0]; i++) {
        const char *w = compound_first[i];
        if (strlen(w) != n)
            continue;
        for (k = 0; k < n; k++)
            if (lower_ascii((unsigned char)s[k]) != (unsigned char)w[k])
                break;
        if (k == n)
            return 1;
    }
    return 0;
}

/* The rule for "frag-" at a line end and "cont..." starting the next line
 * (frag: the ASCII letters before the hyphen, not itself the tail of a
 * compound or a number; cont: starts with a lowercase letter). Returns 1 to
 * join ("appren-" "ticeship" -> "apprenticeship"), 0 to keep the hyphen.
 *  1. The document decides first: if it writes "frag-cont" whole on some
 *     line, keep; else if it writes "fragcont" somewhere, join.
 *  2. Otherwise keep when frag is a word that commonly starts compounds
 *     (compound_first: "self-", "work-", "well-"), join otherwise.
 * A capital or digit after the hyphen ("anti-/Semitic", "COVID-/19") is not
 * a broken word and never gets here. */
static int hyphen_join(const word_set *ws, const char *frag, size_t fn,
                       const char *cont, size_t cn)
{
    uint64_t h = hash_add(HASH_START, frag, fn);
    if (set_has(ws, hash_add(hash_add(h, "-", 1), cont, cn)))
        return 0;
    if (set_has(ws, hash_add(h, cont, cn)))
        return 1;
    return !compound_former(frag, fn);
}

/* Length of a valid UTF-8 sequence at s[0..n), or 0. */
static size_t utf8_valid(const unsigned char *s, size_t n)
{
    size_t len, i;
    uint32_t cp;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
        cp = s[0] & 0x1F;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        cp = s[0] & 0x0F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return len;
}

/* Pass 1: ligatures spelled out, invalid UTF-8 bytes made spaces, blanks
 * at line ends dropped. parse.c expands U+FB00..FB06 itself, but they are
 * expanded here too because the hyphen rule looks words up: "ﬁnancial"
 * must be the same word as "financial". Every replacement is no longer
 * than what it replaces, so this works in place. */
static size_t text_clean(char *t, size_t n)
{
    static const char *const fb[] = {"ff", "fi", "fl", "ffi", "ffl", "st", "st"};
    size_t r = 0, w = 0, line_end_trim = 0;
    while (r < n) {
        unsigned char c = (unsigned char)t[r];
        size_t len;
        if (c == '\n' || c == '\f') {
            w = line_end_trim;
            t[w++] = (char)c;
            line_end_trim = w;
            r++;
            continue;
        }
        if (c < 0x80) {
            t[w++] = (char)c;
            if (c != ' ' && c != '\t' && c != '\r')
                line_end_trim = w;
            r++;
            continue;
        }
        len = utf8_valid((const unsigned char *)t + r, n - r);
        if (len == 0) {
            t[w++] = ' ';
            r++;
            continue;
        }
        if (len == 3 && c == 0xEF && (unsigned char)t[r + 1] == 0xAC &&
            (unsigned char)t[r + 2] <= 0x86) {               /* U+FB00..FB06 */
            const char *l = fb[(unsigned char)t[r + 2] - 0x80];
            size_t ln = strlen(l);
            memcpy(t + w, l, ln);
            w += ln;
            r += 3;
        } else if (len == 2 && (c == 0xC4 || c == 0xC7)) {
            /* U+0132/0133 IJ ij; U+01C7..01CC LJ Lj lj NJ Nj nj;
             * U+01F1..01F3 DZ Dz dz */
            unsigned cp = ((c & 0x1Fu) << 6) | ((unsigned char)t[r + 1] & 0x3Fu);
            static const char *const dig[] = {"LJ", "Lj", "lj", "NJ", "Nj", "nj"};
            static const char *const dz[] = {"DZ", "Dz", "dz"};
            const char *l = cp == 0x132 ? "IJ" : cp == 0x133 ? "ij" :
                            cp >= 0x1C7 && cp <= 0x1CC ? dig[cp - 0x1C7] :
                            cp >= 0x1F1 && cp <= 0x1F3 ? dz[cp - 0x1F1] : NULL;
            if (l) {
                t[w++] = l[0];
                t[w++] = l[1];
            } else {
                t[w++] = t[r];
                t[w++] = t[r + 1];
            }
            r += 2;
        } else {
            memmove(t + w, t + r, len);
            w += len;
            r += len;
        }
        line_end_trim = w;
    }
    return line_end_trim;
}

/* Is t[i..] a line-end hyphen: '-' or U+2010, then only the newline?
 * Sets *hl to its length. */
static int hyphen_at_eol(const char *t, size_t i, size_t n, size_t *hl)
{
    if (t[i] == '-' && i + 1 < n && t[i + 1] == '\n') {
        *hl = 1;
        return 1;
    }
    if (i + 3 < n && memcmp(t + i, "\xE2\x80\x90\n", 4) == 0) {
        *hl = 3;
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------ columns */

/* `-layout` sets a two-column page as lines holding a left-column line, a
 * gap, then the right-column line at the same height:
 *
 *   Leaders and managers have set a clear        Learners do not receive
 *   vision for the curriculum. They work         advice. Too few learners
 *
 * Read as it stands, every sentence of one column is cut by half a
 * sentence of the other. A region of such lines is rewritten as the whole
 * left column, a blank line, then the whole right column, each column
 * keeping its own paragraph breaks (a line where one column is empty is a
 * blank line in that column).
 *
 * A table row has the same shape ("Unique reference number    2786431",
 * "Overall effectiveness    Good"), and a table must stay a row per line
 * for parse.c to read its cells. What tells prose columns apart is that
 * both sides are prose: the lines with text on both sides number at least
 * COL_MIN_BOTH, and on average hold at least COL_MIN_WORDS words on each
 * side, where a table's labels and values hold one to three. */
#define COL_MIN_BOTH 3
#define COL_MIN_WORDS 4
#define COL_GAP 3          /* spaces between the columns, at least */
#define COL_MIN_START 16   /* the right column starts at least this far in */

typedef struct col_line {
    size_t at, len;        /* in the page, without the newline */
} col_line;

static size_t words_in(const char *s, size_t n)
{
    size_t w = 0, i;
    int in = 0;
    for (i = 0; i < n; i++) {
        int sp = s[i] == ' ' || s[i] == '\t';
        if (!sp && !in)
            w++;
        in = !sp;
    }
    return w;
}

static int line_blank(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

/* Where the right part of a line starts: the first character after the
 * first run of COL_GAP or more spaces that comes after some text, at
 * column COL_MIN_START or later; 0 when there is none. Columns are bytes:
 * pdftotext pads with spaces by characters, so a line with letters beyond
 * ASCII on its left is a few bytes longer than its column count, and is
 * allowed that much slack by the callers. */
static size_t right_start(const char *s, size_t n)
{
    size_t i = 0, run;
    while (i < n && s[i] == ' ')
        i++;
    while (i < n) {
        if (s[i] != ' ') {
            i++;
            continue;
        }
        run = 0;
        while (i + run < n && s[i + run] == ' ')
            run++;
        if (i + run >= n)
            return 0;
        if (run >= COL_GAP && i + run >= COL_MIN_START)
            return i + run;
        i += run;
    }
    return 0;
}

/* How a line sits against a gutter at column g: 0 blank, 1 left only,
 * 2 right only, 3 both, -1 it does not fit (text across the gutter). */
static int line_fit(const char *s, size_t n, size_t g)
{
    size_t lead = 0, end = n;
    if (line_blank(s, n))
        return 0;
    while (lead < n && s[lead] == ' ')
        lead++;
    while (end > 0 && s[end - 1] == ' ')
        end--;
    if (lead >= g - 1 && lead <= g + 1)
        return 2;
    if (lead > g + 1)
        return -1;              /* indented past the column: not this layout */
    if (end + 2 <= g)
        return 1;
    {
        size_t r = right_start(s, n);
        if (r + 1 >= g && r <= g + 1 && end > r)
            return 3;
    }
    return -1;
}

/* Rewrite lines [a, b) of a page as two columns split at g, into out;
 * returns the bytes written. */
static size_t columns_write(const char *page, const col_line *ln, size_t a,
                            size_t b, size_t g, char *out)
{
    size_t w = 0, i;
    int side, blank = 1;   /* the last line written was blank (or none) */
    for (side = 0; side < 2; side++) {
        if (side == 1 && !blank) {
            out[w++] = '\n';  /* the columns are separate paragraphs */
            blank = 1;
        }
        for (i = a; i < b; i++) {
            const char *s = page + ln[i].at;
            size_t n = ln[i].len, from, to;
            int f = line_fit(s, n, g);
            if (side == 0) {
                /* up to where the right part starts (it may be a byte
                 * either side of g: never cut inside a character) */
                from = 0;
                to = f == 1 ? n : f == 3 ? right_start(s, n) : 0;
            } else {
                from = f == 2 || f == 3 ? (f == 2 ? 0 : right_start(s, n)) : 0;
                to = f == 2 || f == 3 ? n : 0;
            }
            while (from < to && s[from] == ' ')
                from++;
            while (to > from && s[to - 1] == ' ')
                to--;
            if (to == from) {
                if (!blank)
                    out[w++] = '\n';
                blank = 1;
                continue;
            }
            memcpy(out + w, s + from, to - from);
            w += to - from;
            out[w++] = '\n';
            blank = 0;
        }
    }
    return w;
}

/* Find the two-column regions of one page (page[0..n), no '\f') and
 * rewrite them in place; returns the page's new length, never more. */
static size_t columns_page(char *page, size_t n)
{
    col_line *ln;
    size_t n_lines = 0, i, cap = 1, w, r, floor = 0;
    char *out = NULL;
    for (i = 0; i < n; i++)
        if (page[i] == '\n')
            cap++;
    if (cap < COL_MIN_BOTH)
        return n;
    ln = malloc(cap * sizeof *ln);
    if (!ln)
        return n;               /* left as it is: only the order suffers */
    for (i = 0; i <= n;) {
        size_t e = i;
        while (e < n && page[e] != '\n')
            e++;
        if (e == n && e == i)
            break;
        ln[n_lines].at = i;
        ln[n_lines].len = e - i;
        n_lines++;
        i = e + 1;
    }
    out = malloc(n + 2);
    if (!out) {
        free(ln);
        return n;
    }
    /* Rebuilt into `out` line by line; a rewritten region is used only
     * when it is no longer than what it replaces. */
    w = 0;
    for (r = 0; r < n_lines;) {
        size_t g = 0, a, b, k, both = 0, lw = 0, rw = 0, last_right, blanks;
        const char *s = page + ln[r].at;
        int f = -1;
        if (!line_blank(s, ln[r].len) && (g = right_start(s, ln[r].len)) != 0)
            f = line_fit(s, ln[r].len, g);
        if (f != 3) {
            memcpy(out + w, s, ln[r].len);
            w += ln[r].len;
            out[w++] = '\n';
            r++;
            continue;
        }
        /* Grow the region down from r while lines fit the gutter, through
         * single blank lines; it ends at the last line with right-hand
         * text and the left-only lines straight after it. Left-only lines
         * straight above r belong to it too. */
        a = r;
        while (a > floor && line_fit(page + ln[a - 1].at, ln[a - 1].len, g) == 1)
            a--;
        last_right = r;
        blanks = 0;
        for (k = r; k < n_lines; k++) {
            int fk = line_fit(page + ln[k].at, ln[k].len, g);
            if (fk < 0)
                break;
            if (fk == 0) {
                if (++blanks >= 2)
                    break;
                continue;
            }
            blanks = 0;
            if (fk >= 2)
                last_right = k;
        }
        b = last_right + 1;
        while (b < n_lines && line_fit(page + ln[b].at, ln[b].len, g) == 1)
            b++;
        for (k = a; k < b; k++) {
            const char *t = page + ln[k].at;
            size_t rs;
            if (line_fit(t, ln[k].len, g) != 3)
                continue;
            rs = right_start(t, ln[k].len);
            if (right_start(t + rs, ln[k].len - rs) != 0 ||
                words_in(t + rs, ln[k].len - rs) == 0) {
                both = 0;      /* a third column: a table, left alone */
                break;
            }
            both++;
            lw += words_in(t, rs);
            rw += words_in(t + rs, ln[k].len - rs);
        }
        if (both >= COL_MIN_BOTH && lw >= COL_MIN_WORDS * both &&
            rw >= COL_MIN_WORDS * both) {
            size_t old = ln[b - 1].at + ln[b - 1].len + 1 - ln[a].at, neu;
            /* Written aside first: a row can give two lines (one per
             * column), so the columns can come out longer than the region
             * they replace, and are then not used. */
            char *cols = malloc(2 * old + 16);
            neu = cols ? columns_write(page, ln, a, b, g, cols) : old + 1;
            if (neu <= old) {
                /* lines a..r-1 were already copied: replace them */
                for (k = a; k < r; k++)
                    w -= ln[k].len + 1;
                memcpy(out + w, cols, neu);
                w += neu;
                r = floor = b;
                free(cols);
                continue;
            }
            free(cols);
        }
        memcpy(out + w, s, ln[r].len);
        w += ln[r].len;
        out[w++] = '\n';
        r++;
    }
    /* the page's last line had no newline of its own */
    if (n > 0 && page[n - 1] != '\n' && w > 0)
        w--;
    if (w > n) {
        free(out);
        free(ln);
        return n;
    }
    memcpy(page, out, w);
    free(out);
    free(ln);
    return w;
}

/* Pass 1b: two-column regions, page by page, before the hyphen pass
 * (which moves a continuation up a line and must find the line that really
 * follows). */
static size_t text_columns(char *t, size_t n)
{
    size_t r = 0, w = 0;
    while (r <= n) {
        size_t e = r, m;
        while (e < n && t[e] != '\f')
            e++;
        m = columns_page(t + r, e - r);
        if (w != r)
            memmove(t + w, t + r, m);
        w += m;
        if (e >= n)
            break;
        t[w++] = '\f';
        r = e + 1;
    }
    return w;
}

size_t rpt_pdf_text_tidy(char *text, size_t len)
{
    word_set ws;
    size_t r = 0, w = 0, n;

    n = text_clean(text, len);
    n = text_columns(text, n);
    set_build(&ws, text, n);
    /* Pass 2: broken words. The continuation is moved up to the first line
     * ("appren-\nticeship is" -> "apprenticeship\nis"), joined or kept
     * whole with its hyphen, so parse.c sees a settled word either way.
     * The text only shrinks, w <= r throughout. */
    while (r < n) {
        size_t hl, a, fn, c, cn, tok_end, k;
        if (!(text[r] == '-' || (unsigned char)text[r] == 0xE2) ||
            !hyphen_at_eol(text, r, n, &hl)) {
            text[w++] = text[r++];
            continue;
        }
        /* fragment before the hyphen, in what is already written */
        a = w;
        while (a > 0 && is_alpha_ascii((unsigned char)text[a - 1]))
            a--;
        fn = w - a;
        c = r + hl + 1;   /* start of the next line */
        while (c < n && (text[c] == ' ' || text[c] == '\t'))
            c++;
        cn = 0;
        while (c + cn < n && is_alpha_ascii((unsigned char)text[c + cn]))
            cn++;
        if (fn == 0 || cn == 0 || !(text[c] >= 'a' && text[c] <= 'z') ||
            (a > 0 && (text[a - 1] == '/' ||
                       (text[a - 1] >= '0' && text[a - 1] <= '9') ||
                       ((unsigned char)text[a - 1] & 0x80))) ||
            (fn >= 2 && text[a] >= 'A' && text[a] <= 'Z' &&
             text[a + 1] >= 'A' && text[a + 1] <= 'Z')) {
            /* not a broken word: leave it to parse.c */
            text[w++] = text[r++];
            continue;
        }
        if (a > 0 && text[a - 1] == '-') {
            /* "off-the-" + "job": already a compound, keep the hyphen */
            memmove(text + w, text + r, hl);
            w += hl;
        } else if (!hyphen_join(&ws, text + a, fn, text + c, cn)) {
            memmove(text + w, text + r, hl);
            w += hl;
        }
        /* move the continuation (up to the next blank) up */
        tok_end = c;
        while (tok_end < n && text[tok_end] != ' ' && text[tok_end] != '\t' &&
               text[tok_end] != '\n' && text[tok_end] != '\f')
            tok_end++;
        memmove(text + w, text + c, tok_end - c);
        w += tok_end - c;
        k = tok_end;
        while (k < n && (text[k] == ' ' || text[k] == '\t'))
            k++;
        /* the rest of the next line below; when nothing is left of it,
         * its own newline ends the joined line */
        if (k < n && text[k] != '\n')
            text[w++] = '\n';
        r = k;
    }
    free(ws.slot);
    text[w] = '\0';
    return w;
}

/* ------------------------------------------------------------ the child */

typedef struct run_result {
    rpt_buf out;
    char errtext[STDERR_KEEP + 1];
    size_t errlen;
    int status;          /* from wait4 */
    struct rusage ru;
    int exec_errno;      /* exec failed: its errno */
    int timed_out, over_output;
    int killed;          /* by us: its signal says nothing about the PDF */
} run_result;

static unsigned long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000ull +
           (unsigned long long)ts.tv_nsec / 1000000ull;
}

/* The path of `name` on PATH, malloc'd, or NULL. Done in the parent so the
 * child only calls async-signal-safe functions between fork and exec. */
static char *program_find(const char *name)
{
    const char *path = getenv("PATH");
    const char *p;
    if (strchr(name, '/'))
        return access(name, X_OK) == 0 ? rpt_strndup(name, strlen(name)) : NULL;
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (p = path;;) {
        const char *e = strchr(p, ':');
        size_t dl = e ? (size_t)(e - p) : strlen(p);
        size_t nl = strlen(name);
        char *full = malloc(dl + nl + 3);
        struct stat st;
        if (!full)
            return NULL;
        if (dl == 0)
            memcpy(full, ".", 2);
        else {
            memcpy(full, p, dl);
            full[dl] = '\0';
        }
        strcat(full, "/");
        strcat(full, name);
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0)
            return full;
        free(full);
        if (!e)
            return NULL;
        p = e + 1;
    }
}

static void child_limit(int resource, rlim_t soft, rlim_t hard)
{
    struct rlimit rl;
    rl.rlim_cur = soft;
    rl.rlim_max = hard;
    if (setrlimit(resource, &rl) < 0) {
        /* a hard limit below ours: lower the soft one only */
        if (getrlimit(resource, &rl) == 0) {
            rl.rlim_cur = soft < rl.rlim_max ? soft : rl.rlim_max;
            (void)setrlimit(resource, &rl);
        }
    }
}

static int fd_onto(int fd, int target)
{
    if (fd == target)
        return fcntl(fd, F_SETFD, 0);
    return dup2(fd, target) < 0 ? -1 : 0;
}

/* In the child, after fork: only async-signal-safe calls. */
static void child_exec(const char *prog, char *const argv[], int out_fd,
                       int err_fd, int fail_fd, unsigned cpu,
                       unsigned long long mem)
{
    sigset_t none;
    int e, devnull;
    (void)setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGXCPU, SIG_DFL);
    signal(SIGXFSZ, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0 || fd_onto(devnull, 0) < 0 || fd_onto(out_fd, 1) < 0 ||
        fd_onto(err_fd, 2) < 0)
        goto fail;
    /* soft limit sends SIGXCPU, the hard one a second later SIGKILL */
    child_limit(RLIMIT_CPU, cpu, (rlim_t)cpu + 1);
    child_limit(RLIMIT_AS, (rlim_t)mem, (rlim_t)mem);
    child_limit(RLIMIT_FSIZE, 0, 0);   /* it writes no files */
    child_limit(RLIMIT_CORE, 0, 0);
    execv(prog, argv);
fail:
    e = errno;
    if (write(fail_fd, &e, sizeof e) < 0)
        _exit(126);
    _exit(127);
}

static void group_kill(pid_t pid)
{
    if (kill(-pid, SIGKILL) < 0)
        (void)kill(pid, SIGKILL);
}

/* Run prog with argv; fills res. Returns 0, or -1 with errno when the
 * child could not be started at all. */
static int child_run(const char *prog, char *const argv[], unsigned cpu,
                     unsigned long long mem, size_t max_out, unsigned timeout_ms,
                     run_result *res)
{
    int outp[2] = {-1, -1}, errp[2] = {-1, -1}, failp[2] = {-1, -1};
    pid_t pid;
    unsigned long long deadline;
    int out_open = 1, err_open = 1, killed = 0, e;
    ssize_t got;
    char chunk[65536];

    if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 ||
        pipe2(failp, O_CLOEXEC) < 0) {
        e = errno;
        goto fail_pipes;
    }
    pid = fork();
    if (pid < 0) {
        e = errno;
        goto fail_pipes;
    }
    if (pid == 0)
        child_exec(prog, argv, outp[1], errp[1], failp[1], cpu, mem);
    (void)setpgid(pid, pid);   /* whichever of us gets there first */
    close(outp[1]);
    close(errp[1]);
    close(failp[1]);
    /* EOF: exec worked and closed its copy; an int: exec failed */
    do
        got = read(failp[0], &res->exec_errno, sizeof res->exec_errno);
    while (got < 0 && errno == EINTR);
    if (got != (ssize_t)sizeof res->exec_errno)
        res->exec_errno = 0;
    close(failp[0]);

    deadline = now_ms() + timeout_ms;
    while ((out_open || err_open) && !killed) {
        struct pollfd pf[2];
        nfds_t np = 0;
        unsigned long long t = now_ms();
        int prc, wait_ms;
        if (t >= deadline) {
            res->timed_out = 1;
            group_kill(pid);
            killed = 1;
            break;
        }
        wait_ms = deadline - t > 1000000ull ? 1000000 : (int)(deadline - t);
        if (out_open) {
            pf[np].fd = outp[0];
            pf[np].events = POLLIN;
            np++;
        }
        if (err_open) {
            pf[np].fd = errp[0];
            pf[np].events = POLLIN;
            np++;
        }
        prc = poll(pf, np, wait_ms);
        if (prc < 0) {
            if (errno == EINTR)
                continue;
            group_kill(pid);
            killed = 1;
            break;
        }
        for (nfds_t i = 0; i < np; i++) {
            if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            got = read(pf[i].fd, chunk, sizeof chunk);
            if (got < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (got <= 0) {
                if (pf[i].fd == outp[0])
                    out_open = 0;
                else
                    err_open = 0;
                continue;
            }
            if (pf[i].fd == outp[0]) {
                if (rpt_buf_append(&res->out, chunk, (size_t)got) < 0) {
                    if (res->out.len + (size_t)got > max_out)
                        res->over_output = 1;
                    group_kill(pid);
                    killed = 1;
                    break;
                }
            } else if (res->errlen < STDERR_KEEP) {
                size_t take = (size_t)got;
                if (take > STDERR_KEEP - res->errlen)
                    take = STDERR_KEEP - res->errlen;
                memcpy(res->errtext + res->errlen, chunk, take);
                res->errlen += take;
                res->errtext[res->errlen] = '\0';
            }
        }
    }
    close(outp[0]);
    close(errp[0]);
    /* Both pipes closed: pdftotext is exiting, but a child that closed
     * them early must still not outlive the deadline. */
    for (;;) {
        pid_t w = wait4(pid, &res->status, killed ? 0 : WNOHANG, &res->ru);
        if (w == pid)
            break;
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            res->status = 0;
            break;
        }
        if (now_ms() >= deadline) {
            res->timed_out = 1;
            group_kill(pid);
            killed = 1;
            continue;
        }
        {
            struct timespec ts = {0, 5 * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    if (killed)
        group_kill(pid);   /* anything it left behind in its group */
    res->killed = killed;
    return 0;

fail_pipes:
    if (outp[0] >= 0) {
        close(outp[0]);
        close(outp[1]);
    }
    if (errp[0] >= 0) {
        close(errp[0]);
        close(errp[1]);
    }
    if (failp[0] >= 0) {
        close(failp[0]);
        close(failp[1]);
    }
    errno = e;
    return -1;
}

/* ------------------------------------------------------------ messages */

/* "64 MB", "1 GB", "30 s": the limits as people read them. */
static void bytes_phrase(char *out, size_t cap, unsigned long long n)
{
    if (n >= (1ull << 30) && n % (1ull << 30) == 0)
        snprintf(out, cap, "%llu GB", n >> 30);
    else if (n >= (1ull << 20) && n % (1ull << 20) == 0)
        snprintf(out, cap, "%llu MB", n >> 20);
    else if (n >= 1024 && n % 1024 == 0)
        snprintf(out, cap, "%llu KB", n >> 10);
    else
        snprintf(out, cap, "%llu bytes", n);
}

/* The line of pdftotext's stderr worth showing: the first that says
 * "Error", else the first non-empty one; control bytes dropped, cut at
 * MESSAGE_LINE_MAX. "" when it said nothing. */
static void stderr_line(const char *s, size_t n, char *out, size_t cap)
{
    const char *best = NULL, *first = NULL, *p = s, *end = s + n;
    size_t o = 0, bl;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        const char *le = e ? e : end;
        const char *q = p;
        while (q < le && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q < le) {
            if (!first)
                first = q;
            if (!best) {
                const char *x;
                for (x = q; x + 5 <= le; x++)
                    if (memcmp(x, "Error", 5) == 0) {
                        best = q;
                        break;
                    }
            }
        }
        if (!e)
            break;
        p = e + 1;
    }
    if (!best)
        best = first;
    out[0] = '\0';
    if (!best)
        return;
    for (bl = 0; best + bl < end && best[bl] != '\n' && o + 1 < cap &&
                 o < MESSAGE_LINE_MAX; bl++) {
        unsigned char c = (unsigned char)best[bl];
        if (c < 0x20 || c == 0x7f)
            continue;
        out[o++] = (char)c;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
}

static int contains_ci(const char *hay, const char *needle)
{
    size_t nl = strlen(needle), i, k;
    for (i = 0; hay[i]; i++) {
        for (k = 0; k < nl && hay[i + k]; k++)
            if (lower_ascii((unsigned char)hay[i + k]) != (unsigned char)needle[k])
                break;
        if (k == nl)
            return 1;
    }
    return 0;
}

/* Any letter at all? ASCII letters, and code points from U+00C0 on that are
 * not spaces, punctuation, symbols, private use or U+FFFD (a scan's text
 * layer, when it has one, is often only page numbers and glyph junk). */
static int text_has_letters(const char *t, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)t[i];
        size_t len;
        uint32_t cp;
        if (c < 0x80) {
            if (is_alpha_ascii(c))
                return 1;
            i++;
            continue;
        }
        len = utf8_valid((const unsigned char *)t + i, n - i);
        if (len == 0) {
            i++;
            continue;
        }
        cp = len == 2 ? (uint32_t)(c & 0x1F) : len == 3 ? (uint32_t)(c & 0x0F) :
                                                       (uint32_t)(c & 0x07);
        for (size_t k = 1; k < len; k++)
            cp = (cp << 6) | ((unsigned char)t[i + k] & 0x3F);
        if (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 &&
            !(cp >= 0x2000 && cp <= 0x2BFF) && !(cp >= 0x3000 && cp <= 0x303F) &&
            !(cp >= 0xE000 && cp <= 0xF8FF) && !(cp >= 0xFFF0 && cp <= 0xFFFF) &&
            !(cp >= 0xFE00 && cp <= 0xFE0F))
            return 1;
        i += len;
    }
    return 0;
}

/* ------------------------------------------------------------ extraction */

static int temp_write(const char *data, size_t len, char **tmp_path, int *code,
                      char *why, size_t why_cap)
{
    const char *dir = getenv("TMPDIR");
    size_t n;
    char *p;
    int fd;
    size_t off = 0;
    if (!dir || !*dir)
        dir = "/tmp";
    n = strlen(dir) + 32;
    p = malloc(n);
    if (!p) {
        *code = RPT_ERR_NOMEM;
        snprintf(why, why_cap, "out of memory");
        return -1;
    }
    snprintf(p, n, "%s/insearch-pdf.XXXXXX", dir);
    fd = mkostemp(p, O_CLOEXEC);
    if (fd < 0) {
        *code = RPT_ERR_IO;
        snprintf(why, why_cap, "cannot make a temporary file in %s: %s", dir,
                 strerror(errno));
        free(p);
        return -1;
    }
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            *code = RPT_ERR_IO;
            snprintf(why, why_cap, "cannot write a temporary file in %s: %s",
                     dir, w < 0 ? strerror(errno) : "short write");
            close(fd);
            unlink(p);
            free(p);
            return -1;
        }
        off += (size_t)w;
    }
    if (close(fd) < 0) {
        *code = RPT_ERR_IO;
        snprintf(why, why_cap, "cannot write a temporary file in %s: %s", dir,
                 strerror(errno));
        unlink(p);
        free(p);
        return -1;
    }
    *tmp_path = p;
    return 0;
}

int rpt_pdf_extract(const char *path, const char *data, size_t len,
                    const rpt_pdf_limits *lim, char **text, size_t *text_len,
                    char **err)
{
    unsigned cpu = lim && lim->cpu_seconds ? lim->cpu_seconds
                                           : RPT_PDF_CPU_SECONDS;
    unsigned long long mem = lim && lim->mem_bytes ? lim->mem_bytes
                                                   : RPT_PDF_MEM_BYTES;
    size_t max_out = lim && lim->max_output ? lim->max_output
                                            : RPT_MAX_TEXT_BYTES;
    unsigned timeout_ms = lim && lim->timeout_ms ? lim->timeout_ms
                                                 : RPT_PDF_TIMEOUT_MS;
    const char *name = path ? path : "(pdf)";
    char *prog = NULL, *tmp = NULL, *input = NULL;
    char *argv[9];
    run_result *res = NULL;
    char line[MESSAGE_LINE_MAX + 1], phrase[32];
    int rc = RPT_OK;

    *text = NULL;
    *text_len = 0;
    if (err)
        *err = NULL;
    if (!path && !data)
        return rpt_error_set(err, RPT_ERR_IO, name, "no PDF given");
    prog = program_find(PDFTOTEXT);
    if (!prog)
        return rpt_error_set(err, RPT_ERR_IO, name, "PDF support needs "
                             "pdftotext: apt-get install poppler-utils");
    if (data) {
        int code = RPT_ERR_IO;
        char why[300];
        if (temp_write(data, len, &tmp, &code, why, sizeof why) < 0) {
            free(prog);
            return rpt_error_set(err, code, name, "%s", why);
        }
    }
    {
        /* a relative name starting with '-' would be read as an option */
        const char *src = tmp ? tmp : path;
        size_t sl = strlen(src);
        input = malloc(sl + 3);
        if (!input) {
            rc = rpt_error_set(err, RPT_ERR_NOMEM, name, "out of memory");
            goto done;
        }
        if (src[0] == '-')
            snprintf(input, sl + 3, "./%s", src);
        else
            memcpy(input, src, sl + 1);
    }
    argv[0] = (char *)PDFTOTEXT;
    argv[1] = (char *)"-enc";
    argv[2] = (char *)"UTF-8";
    argv[3] = (char *)"-eol";
    argv[4] = (char *)"unix";
    argv[5] = (char *)"-layout";
    argv[6] = input;
    argv[7] = (char *)"-";
    argv[8] = NULL;

    res = calloc(1, sizeof *res);
    if (!res) {
        rc = rpt_error_set(err, RPT_ERR_NOMEM, name, "out of memory");
        goto done;
    }
    rpt_buf_init(&res->out, max_out);
    if (child_run(prog, argv, cpu, mem, max_out, timeout_ms, res) < 0) {
        rc = rpt_error_set(err, RPT_ERR_IO, name, "cannot run pdftotext: %s",
                           strerror(errno));
        goto done;
    }
    stderr_line(res->errtext, res->errlen, line, sizeof line);

    if (res->exec_errno) {
        if (res->exec_errno == ENOMEM) {
            bytes_phrase(phrase, sizeof phrase, mem);
            rc = rpt_error_set(err, RPT_ERR_TOO_BIG, name,
                               "PDF extraction stopped: used over %s of memory",
                               phrase);
        } else {
            rc = rpt_error_set(err, RPT_ERR_IO, name, "cannot run %s: %s", prog,
                               strerror(res->exec_errno));
        }
        goto done;
    }
    if (res->over_output) {
        bytes_phrase(phrase, sizeof phrase, max_out);
        rc = rpt_error_set(err, RPT_ERR_TOO_BIG, name,
                           "PDF extraction stopped: gave over %s of text", phrase);
        goto done;
    }
    if (res->timed_out) {
        if (timeout_ms % 1000 == 0)
            snprintf(phrase, sizeof phrase, "%u s", timeout_ms / 1000);
        else
            snprintf(phrase, sizeof phrase, "%u ms", timeout_ms);
        rc = rpt_error_set(err, RPT_ERR_TOO_BIG, name,
                           "PDF extraction stopped: took over %s", phrase);
        goto done;
    }
    if (res->out.failed) {
        rc = rpt_error_set(err, RPT_ERR_NOMEM, name, "out of memory");
        goto done;
    }
    if (res->killed) {
        rc = rpt_error_set(err, RPT_ERR_IO, name, "cannot read pdftotext's output");
        goto done;
    }
    /* poppler's gmem, a C++ allocation, or the dynamic loader failing
     * under RLIMIT_AS */
    if (contains_ci(res->errtext, "out of memory") ||
        contains_ci(res->errtext, "bad_alloc") ||
        contains_ci(res->errtext, "cannot allocate memory") ||
        contains_ci(res->errtext, "failed to map segment")) {
        bytes_phrase(phrase, sizeof phrase, mem);
        rc = rpt_error_set(err, RPT_ERR_TOO_BIG, name,
                           "PDF extraction stopped: used over %s of memory",
                           phrase);
        goto done;
    }
    if (WIFSIGNALED(res->status)) {
        int sig = WTERMSIG(res->status);
        const struct timeval *u = &res->ru.ru_utime, *k = &res->ru.ru_stime;
        double used = (double)u->tv_sec + (double)k->tv_sec +
                      ((double)u->tv_usec + (double)k->tv_usec) / 1e6;
        if (sig == SIGXCPU || (sig == SIGKILL && used + 0.5 >= (double)cpu)) {
            rc = rpt_error_set(err, RPT_ERR_TOO_BIG, name,
                               "PDF extraction stopped: took over %u s of CPU",
                               cpu);
        } else if (line[0]) {
            rc = rpt_error_set(err, RPT_ERR_FORMAT, name,
                               "damaged PDF: pdftotext died of signal %d (%s)",
                               sig, line);
        } else {
            rc = rpt_error_set(err, RPT_ERR_FORMAT, name,
                               "damaged PDF: pdftotext died of signal %d", sig);
        }
        goto done;
    }
    if (WIFEXITED(res->status) && WEXITSTATUS(res->status) != 0) {
        int code = WEXITSTATUS(res->status);
        /* poppler: 1 cannot open (a wrong password is one way), 3 text
         * copying forbidden by the owner */
        if (contains_ci(res->errtext, "password"))
            rc = rpt_error_set(err, RPT_ERR_FORMAT, name,
                               "encrypted PDF: needs a password");
        else if (code == 3)
            rc = rpt_error_set(err, RPT_ERR_FORMAT, name,
                               "encrypted PDF: its owner forbids copying its text");
        else if (line[0])
            rc = rpt_error_set(err, RPT_ERR_FORMAT, name, "damaged PDF: %s", line);
        else
            rc = rpt_error_set(err, RPT_ERR_FORMAT, name,
                               "damaged PDF: pdftotext failed (exit status %d)",
                               code);
        goto done;
    }
    if (!res->out.data) {
        /* no output at all: give it a buffer to tidy */
        res->out.data = malloc(1);
        if (!res->out.data) {
            rc = rpt_error_set(err, RPT_ERR_NOMEM, name, "out of memory");
            goto done;
        }
        res->out.data[0] = '\0';
    }
    res->out.len = rpt_pdf_text_tidy(res->out.data, res->out.len);
    if (!text_has_letters(res->out.data, res->out.len)) {
        /* poppler recovers what it can from a broken file and may print
         * nothing but errors: then the damage is the news, not OCR */
        if (line[0] && strstr(res->errtext, "Error"))
            rc = rpt_error_set(err, RPT_ERR_FORMAT, name, "damaged PDF: %s", line);
        else
            rc = rpt_error_set(err, RPT_ERR_EMPTY, name,
                               "no text layer (a scanned PDF?): needs OCR");
        goto done;
    }
    *text = res->out.data;
    *text_len = res->out.len;
    res->out.data = NULL;

done:
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    if (res) {
        rpt_buf_release(&res->out);
        free(res);
    }
    free(input);
    free(prog);
    return rc;
}
