/* qparse.c - recursive-descent parser for the query language in qparse.h.
 *
 * Grammar (lowest precedence first):
 *   query   := or END
 *   or      := and ( OR and )*
 *   and     := unary ( [AND] unary )*      adjacency is AND
 *   unary   := NOT* near
 *   near    := primary ( NEAR[/n] primary )*
 *   primary := [+|-] ( term | '(' or ')' )
 *
 * Recursion happens only through parentheses, which are capped at
 * QP_MAX_DEPTH, so the C stack stays small whatever the input. The lexer
 * never reads past QP_MAX_QUERY_BYTES: a longer query fails when parsing
 * reaches that point, so the first problem in reading order is the one
 * reported (10,000 ORs hit the term limit long before the length limit).
 */
#include "searcher/qparse.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every kids array is bounded by the number of leaves below it. */
#define QP_MAX_KIDS (2 * QP_MAX_TERMS)
/* How much of a user's text an error message quotes. */
#define QP_EXCERPT_BYTES 40
/* qp_node_describe output: far above what 8 KiB of query can produce. */
#define QP_DESCRIBE_MAX (1u << 20)

static const char *const filter_fields[] = {
    "provider", "urn", "type", "kind", "grade", "year", "date", "section",
    "theme", "polarity", "level",
};
#define N_FILTER_FIELDS (sizeof filter_fields / sizeof filter_fields[0])
#define FIELD_URN 1
#define FIELD_YEAR 5
#define FIELD_DATE 6

typedef enum {
    T_END, T_WORD, T_PHRASE, T_FILTER, T_LPAREN, T_RPAREN,
    T_AND, T_OR, T_NOT, T_NEAR
} tok_kind;

typedef struct {
    tok_kind kind;
    size_t pos, len;   /* the whole token, sign and quotes included */
    char sign;         /* '+', '-' or 0 */
    size_t tpos, tlen; /* word body, phrase content, filter value, '(' */
    int field;         /* T_FILTER: index into filter_fields */
    unsigned window;   /* T_NEAR */
} token;

typedef struct {
    const char *q;
    size_t len;       /* as given */
    size_t end;       /* min(len, QP_MAX_QUERY_BYTES) */
    int truncated;    /* len > QP_MAX_QUERY_BYTES */
    size_t cur;       /* where the lexer continues */
    token tok;        /* the current token */
    size_t n_terms;
    size_t n_phrases;
    qp_error *err;
    int failed;
} parser;

/* ---------------------------------------------------------------- errors */

static size_t column_at(const parser *p, size_t off)
{
    size_t col = 1;
    for (size_t i = 0; i < off && i < p->len; i++)
        if (((unsigned char)p->q[i] & 0xC0) != 0x80)
            col++;
    return col;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void fail(parser *p, size_t off, const char *fmt, ...)
{
    if (p->failed)
        return; /* the first error is the one that explains the rest */
    p->failed = 1;
    if (off > p->len)
        off = p->len;
    p->err->offset = off;
    p->err->column = column_at(p, off);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
    va_end(ap);
}

/* Quote at most QP_EXCERPT_BYTES of the query, cut on a character boundary,
 * so a message never carries half a UTF-8 sequence. */
static const char *excerpt(const parser *p, size_t pos, size_t len,
                           char *buf, size_t bufsz)
{
    size_t n = len;
    int cut = 0;
    if (n > QP_EXCERPT_BYTES) {
        n = QP_EXCERPT_BYTES;
        while (n > 0 && ((unsigned char)p->q[pos + n] & 0xC0) == 0x80)
            n--;
        cut = 1;
    }
    if (n + 4 > bufsz)
        n = 0;
    memcpy(buf, p->q + pos, n);
    if (cut)
        memcpy(buf + n, "\xE2\x80\xA6", 3); /* U+2026 ellipsis */
    buf[n + (cut ? 3 : 0)] = '\0';
    return buf;
}

static void fail_too_long(parser *p)
{
    size_t off = QP_MAX_QUERY_BYTES;
    while (off > 0 && ((unsigned char)p->q[off] & 0xC0) == 0x80)
        off--; /* point at the character the limit cuts, not inside it */
    fail(p, off,
         "the query is too long: the limit is %d bytes and it has %zu",
         QP_MAX_QUERY_BYTES, p->len);
}

static void fail_oom(parser *p)
{
    fail(p, p->cur, "out of memory");
}

/* ----------------------------------------------------------- characters */

/* Decode one strictly valid UTF-8 character at i (i < p->end). Returns its
 * length, or -1 after reporting the error. */
static int utf8_decode(parser *p, size_t i, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)p->q;
    unsigned char c = s[i];
    int n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1Fu;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0Fu;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07u;
        min = 0x10000;
    } else {
        goto bad;
    }
    if (i + (size_t)n > p->end) {
        if (p->truncated && i + (size_t)n <= p->len) {
            fail_too_long(p);
            return -1;
        }
        goto bad;
    }
    for (size_t k = 1; k < (size_t)n; k++) {
        if ((s[i + k] & 0xC0) != 0x80)
            goto bad;
        v = (v << 6) | (s[i + k] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        goto bad;
    *cp = v;
    return n;
bad:
    fail(p, i, "the query is not valid UTF-8 at column %zu", column_at(p, i));
    return -1;
}

static int is_space(uint32_t c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 ||
           c == 0xFEFF;
}

static int is_control(uint32_t c)
{
    return (c < 0x20 || (c >= 0x7F && c <= 0x9F)) && !is_space(c);
}

/* " and the curly pair; a phrase opened with one closes with any of them,
 * since pasted text mixes them freely. */
static int is_quote(uint32_t c)
{
    return c == '"' || c == 0x201C || c == 0x201D;
}

static int is_paren(uint32_t c)
{
    return c == '(' || c == ')';
}

static int is_ascii_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Classify the character at i (i < p->end) without failing on what is not
 * there: for lookahead after a token. */
static int quote_at(parser *p, size_t i)
{
    uint32_t cp;
    if (i >= p->end)
        return 0;
    unsigned char c = (unsigned char)p->q[i];
    if (c == '"')
        return 1;
    if (c != 0xE2 || i + 3 > p->end)
        return 0;
    int n = utf8_decode(p, i, &cp);
    return n > 0 && is_quote(cp);
}

/* ---------------------------------------------------------------- lexer */

/* From the opening quote at qpos, find the closing one. */
static int scan_quoted(parser *p, size_t qpos, size_t *cpos, size_t *clen,
                       size_t *after)
{
    uint32_t cp;
    int n = utf8_decode(p, qpos, &cp);
    if (n < 0)
        return -1;
    size_t i = qpos + (size_t)n;
    *cpos = i;
    while (i < p->end) {
        n = utf8_decode(p, i, &cp);
        if (n < 0)
            return -1;
        if (is_quote(cp)) {
            *clen = i - *cpos;
            *after = i + (size_t)n;
            return 0;
        }
        if (is_control(cp)) {
            fail(p, i, "control character in the query at column %zu",
                 column_at(p, i));
            return -1;
        }
        i += (size_t)n;
    }
    if (p->truncated)
        fail_too_long(p);
    else
        fail(p, qpos, "unterminated quote starting at column %zu",
             column_at(p, qpos));
    return -1;
}

static int field_lookup(const char *s, size_t n)
{
    for (size_t f = 0; f < N_FILTER_FIELDS; f++) {
        const char *name = filter_fields[f];
        if (strlen(name) != n)
            continue;
        size_t k = 0;
        while (k < n && (s[k] | 0x20) == name[k])
            k++;
        if (k == n)
            return (int)f;
    }
    return -1;
}

static int lex_near(parser *p, token *t, size_t b, size_t blen)
{
    t->kind = T_NEAR;
    t->window = QP_NEAR_DEFAULT;
    if (blen == 4)
        return 0;
    char ex[64];
    const char *d = p->q + b + 5;
    size_t nd = blen - 5;
    unsigned long v = 0;
    size_t k = 0;
    for (; k < nd && is_digit(d[k]); k++)
        if (v <= QP_NEAR_MAX)
            v = v * 10 + (unsigned long)(d[k] - '0');
    if (nd == 0 || k < nd) {
        fail(p, b, "'%s' at column %zu: NEAR/ needs a number of words, "
             "like NEAR/5", excerpt(p, b, blen, ex, sizeof ex),
             column_at(p, b));
        return -1;
    }
    if (v < 1 || v > QP_NEAR_MAX) {
        fail(p, b, "'%s' at column %zu: the distance must be 1 to %d words",
             excerpt(p, b, blen, ex, sizeof ex), column_at(p, b), QP_NEAR_MAX);
        return -1;
    }
    t->window = (unsigned)v;
    return 0;
}

/* The word run [i, j) is a term: keyword, filter or word. */
static int lex_word(parser *p, token *t, size_t i, size_t j)
{
    const char *q = p->q;
    size_t b = i, blen;
    char ex[64];

    t->pos = i;
    t->len = j - i;
    t->sign = 0;
    if ((q[i] == '+' || q[i] == '-') && j - i > 1 && q[i + 1] != '+' &&
        q[i + 1] != '-') {
        t->sign = q[i];
        b = i + 1;
    }
    blen = j - b;
    t->tpos = b;
    t->tlen = blen;

    if (!t->sign) {
        if (blen == 3 && memcmp(q + b, "AND", 3) == 0) {
            t->kind = T_AND;
            return 0;
        }
        if (blen == 2 && memcmp(q + b, "OR", 2) == 0) {
            t->kind = T_OR;
            return 0;
        }
        if (blen == 3 && memcmp(q + b, "NOT", 3) == 0) {
            t->kind = T_NOT;
            return 0;
        }
        if ((blen == 4 && memcmp(q + b, "NEAR", 4) == 0) ||
            (blen >= 5 && memcmp(q + b, "NEAR/", 5) == 0))
            return lex_near(p, t, b, blen);
    }

    size_t k = b;
    while (k < j && is_ascii_letter(q[k]))
        k++;
    if (k > b && k < j && q[k] == ':') {
        int f = field_lookup(q + b, k - b);
        int quoted = (k + 1 == j) && quote_at(p, j);
        if (p->failed)
            return -1;
        if (k + 1 < j || quoted) {
            if (f < 0) {
                fail(p, b, "unknown filter '%s:' at column %zu (known: "
                     "provider, urn, type, kind, grade, year, date, section,"
                     " theme, polarity, level; quote it to search for the text)",
                     excerpt(p, b, k - b, ex, sizeof ex), column_at(p, b));
                return -1;
            }
            t->kind = T_FILTER;
            t->field = f;
            if (quoted) {
                size_t after;
                if (scan_quoted(p, j, &t->tpos, &t->tlen, &after) < 0)
                    return -1;
                t->len = after - i;
                if (t->tlen == 0) {
                    fail(p, b, "filter '%s:' at column %zu needs a value",
                         filter_fields[f], column_at(p, b));
                    return -1;
                }
            } else {
                t->tpos = k + 1;
                t->tlen = j - (k + 1);
            }
            return 0;
        }
        if (f >= 0) {
            fail(p, b, "filter '%s:' at column %zu needs a value right after "
                 "the colon", filter_fields[f], column_at(p, b));
            return -1;
        }
        /* "Note:" followed by a space is just a word. */
    }
    t->kind = T_WORD;
    return 0;
}

static int lex(parser *p, token *t)
{
    size_t i = p->cur;
    uint32_t cp;
    int n;

    memset(t, 0, sizeof *t);
    for (;;) {
        for (;;) {
            if (i >= p->end) {
                if (p->truncated) {
                    fail_too_long(p);
                    return -1;
                }
                t->kind = T_END;
                t->pos = p->cur = i;
                return 0;
            }
            if ((n = utf8_decode(p, i, &cp)) < 0)
                return -1;
            if (!is_space(cp))
                break;
            i += (size_t)n;
        }
        if (is_control(cp)) {
            fail(p, i, "control character in the query at column %zu",
                 column_at(p, i));
            return -1;
        }
        if (is_paren(cp) || is_quote(cp))
            break;

        size_t j = i;
        while (j < p->end) {
            if ((n = utf8_decode(p, j, &cp)) < 0)
                return -1;
            if (is_space(cp) || is_paren(cp) || is_quote(cp))
                break;
            if (is_control(cp)) {
                fail(p, j, "control character in the query at column %zu",
                     column_at(p, j));
                return -1;
            }
            j += (size_t)n;
        }
        if (j == p->end && p->truncated) {
            fail_too_long(p);
            return -1;
        }
        size_t k = i;
        while (k < j && (p->q[k] == '+' || p->q[k] == '-'))
            k++;
        if (k == j) {
            /* Signs alone are nothing, but one sign counts right before a
             * phrase or group. */
            if (j - i == 1 && j < p->end &&
                (p->q[j] == '(' || quote_at(p, j))) {
                t->sign = p->q[i];
                t->pos = i;
                i = j;
                break;
            }
            if (p->failed)
                return -1;
            i = j;
            continue;
        }
        if (lex_word(p, t, i, j) < 0)
            return -1;
        p->cur = t->pos + t->len;
        return 0;
    }

    /* A parenthesis or a phrase at i, perhaps after a sign. */
    if (!t->sign)
        t->pos = i;
    if (p->q[i] == '(' || p->q[i] == ')') {
        t->kind = p->q[i] == '(' ? T_LPAREN : T_RPAREN;
        t->tpos = i;
        t->tlen = 1;
        p->cur = i + 1;
    } else {
        size_t after;
        if (scan_quoted(p, i, &t->tpos, &t->tlen, &after) < 0)
            return -1;
        t->kind = T_PHRASE;
        p->cur = after;
    }
    t->len = p->cur - t->pos;
    return 0;
}

static int advance(parser *p)
{
    return lex(p, &p->tok);
}

/* --------------------------------------------------------------- nodes */

static qp_node *node_new(parser *p, qp_kind kind, size_t pos, size_t len)
{
    qp_node *n = calloc(1, sizeof *n);
    if (!n) {
        fail_oom(p);
        return NULL;
    }
    n->kind = kind;
    n->pos = pos;
    n->len = len;
    return n;
}

void qp_node_free(qp_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_kids; i++)
        qp_node_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n->field);
    free(n->range_lo);
    free(n->range_hi);
    free(n);
}

/* Takes ownership of kid, freeing it on failure. */
static int node_add(parser *p, qp_node *parent, qp_node *kid)
{
    if (parent->n_kids >= QP_MAX_KIDS) {
        size_t at = kid->pos;
        qp_node_free(kid);
        fail(p, at, "too many terms at column %zu: the limit is %d",
             column_at(p, at), QP_MAX_TERMS);
        return -1;
    }
    if ((parent->n_kids & (parent->n_kids - 1)) == 0) {
        size_t cap = parent->n_kids ? parent->n_kids * 2 : 2;
        qp_node **k = realloc(parent->kids, cap * sizeof *k);
        if (!k) {
            qp_node_free(kid);
            fail_oom(p);
            return -1;
        }
        parent->kids = k;
    }
    parent->kids[parent->n_kids++] = kid;
    return 0;
}

/* Add kid to an AND or OR parent, merging a same-kind group into it. */
static int node_add_flat(parser *p, qp_node *parent, qp_node *kid)
{
    if (kid->kind != parent->kind || kid->required)
        return node_add(p, parent, kid);
    int rc = 0;
    for (size_t i = 0; i < kid->n_kids; i++) {
        if (rc == 0)
            rc = node_add(p, parent, kid->kids[i]);
        else
            qp_node_free(kid->kids[i]);
    }
    kid->n_kids = 0;
    qp_node_free(kid);
    return rc;
}

static void node_extend(qp_node *n, size_t pos, size_t end)
{
    size_t e = n->pos + n->len;
    if (pos < n->pos)
        n->pos = pos;
    if (end > e)
        e = end;
    n->len = e - n->pos;
}

static char *dup_bytes(parser *p, const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) {
        fail_oom(p);
        return NULL;
    }
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* Nothing positive: a NOT, or an AND of NOTs (their positives come first). */
static int only_excludes(const qp_node *n)
{
    return n->kind == QP_NOT ||
           (n->kind == QP_AND && n->n_kids > 0 && n->kids[0]->kind == QP_NOT);
}

/* NOT x, with double negation cancelled and NOT(NOT a AND NOT b) turned
 * into (a OR b), so a NOT never holds something that only excludes. */
static qp_node *negate(parser *p, qp_node *x, size_t pos)
{
    if (x->kind == QP_NOT) {
        qp_node *y = x->kids[0];
        x->n_kids = 0;
        qp_node_free(x);
        return y;
    }
    if (only_excludes(x)) {
        qp_node *o = node_new(p, QP_OR, x->pos, x->len);
        if (!o) {
            qp_node_free(x);
            return NULL;
        }
        node_extend(o, pos, x->pos + x->len);
        int rc = 0;
        for (size_t i = 0; i < x->n_kids; i++) {
            qp_node *inner = x->kids[i]->kids[0];
            x->kids[i]->n_kids = 0;
            qp_node_free(x->kids[i]);
            if (rc == 0)
                rc = node_add_flat(p, o, inner);
            else
                qp_node_free(inner);
        }
        x->n_kids = 0;
        qp_node_free(x);
        if (rc < 0) {
            qp_node_free(o);
            return NULL;
        }
        return o;
    }
    qp_node *n = node_new(p, QP_NOT, pos, x->pos + x->len - pos);
    if (!n || node_add(p, n, x) < 0) {
        if (!n)
            qp_node_free(x);
        qp_node_free(n);
        return NULL;
    }
    return n;
}

static qp_node *apply_sign(parser *p, qp_node *x, char sign, size_t pos)
{
    if (sign == '-')
        return negate(p, x, pos);
    if (sign == '+' && !only_excludes(x))
        x->required = 1;
    return x;
}

/* ---------------------------------------------------------- filter values */

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

static int digits_value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* YYYY with a non-zero first digit. */
static int parse_year(const char *s, size_t n)
{
    if (n != 4 || s[0] == '0')
        return -1;
    return digits_value(s, 4);
}

/* YYYY, YYYY-MM or YYYY-MM-DD into the first (hi = 0) or last (hi = 1) day
 * of that period. */
static int parse_date(const char *s, size_t n, int hi, char out[11])
{
    int y, m, d;
    if ((y = parse_year(s, n < 4 ? n : 4)) < 0)
        return -1;
    if (n == 4) {
        m = hi ? 12 : 1;
        d = hi ? 31 : 1;
    } else if ((n == 7 || n == 10) && s[4] == '-') {
        m = digits_value(s + 5, 2);
        if (m < 1 || m > 12)
            return -1;
        if (n == 7) {
            d = hi ? days_in_month(y, m) : 1;
        } else {
            if (s[7] != '-')
                return -1;
            d = digits_value(s + 8, 2);
            if (d < 1 || d > days_in_month(y, m))
                return -1;
        }
    } else {
        return -1;
    }
    /* y has four digits, m and d two: written by hand, no snprintf. */
    memcpy(out, s, 4);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
    return 0;
}

static int filter_range(parser *p, qp_node *n, int field, size_t vpos,
                        size_t vlen)
{
    const char *v = p->q + vpos;
    size_t dots = vlen, lo_len, hi_pos, hi_len;
    char ex[64], lo[11], hi[11];
    int is_year = field == FIELD_YEAR;

    for (size_t i = 0; i + 1 < vlen; i++)
        if (v[i] == '.' && v[i + 1] == '.') {
            dots = i;
            break;
        }
    /* A single value is both ends: date:2019 runs from 2019-01-01 to
     * 2019-12-31. */
    lo_len = dots;
    hi_pos = dots == vlen ? 0 : dots + 2;
    hi_len = dots == vlen ? vlen : vlen - hi_pos;
    if (dots != vlen && lo_len == 0 && hi_len == 0) {
        fail(p, vpos, "the range '..' at column %zu needs a start or an end",
             column_at(p, vpos));
        return -1;
    }
    for (int side = 0; side < 2; side++) {
        size_t off = side ? hi_pos : 0, len = side ? hi_len : lo_len;
        char *dst = side ? hi : lo;
        if (len == 0) {
            dst[0] = '\0';
            continue;
        }
        int bad = is_year ? parse_year(v + off, len) < 0
                          : parse_date(v + off, len, side, dst) < 0;
        if (bad) {
            if (is_year)
                fail(p, vpos + off, "invalid year '%s' at column %zu: write"
                     " four digits, like 2019 or 2019..2021",
                     excerpt(p, vpos + off, len, ex, sizeof ex),
                     column_at(p, vpos + off));
            else
                fail(p, vpos + off, "invalid date '%s' at column %zu: write"
                     " a real date as YYYY, YYYY-MM or YYYY-MM-DD",
                     excerpt(p, vpos + off, len, ex, sizeof ex),
                     column_at(p, vpos + off));
            return -1;
        }
        if (is_year) {
            memcpy(dst, v + off, 4);
            dst[4] = '\0';
        }
    }
    if (lo[0] && hi[0] && strcmp(lo, hi) > 0) {
        fail(p, vpos, "the range '%s' at column %zu starts after it ends",
             excerpt(p, vpos, vlen, ex, sizeof ex), column_at(p, vpos));
        return -1;
    }
    if (lo[0] && !(n->range_lo = dup_bytes(p, lo, strlen(lo))))
        return -1;
    if (hi[0] && !(n->range_hi = dup_bytes(p, hi, strlen(hi))))
        return -1;
    return 0;
}

/* --------------------------------------------------------------- parser */

static qp_node *parse_or(parser *p, unsigned depth);

static int starts_operand(tok_kind k)
{
    /* NEAR is let in so that `a AND NEAR b` blames NEAR, not AND. */
    return k == T_WORD || k == T_PHRASE || k == T_FILTER || k == T_LPAREN ||
           k == T_NOT || k == T_NEAR;
}

static int near_operand(const qp_node *n)
{
    return n->kind == QP_WORD || n->kind == QP_PREFIX ||
           n->kind == QP_PHRASE;
}

/* The text was validated by the lexer, so decoding cannot fail here. */
static int all_space(parser *p, size_t pos, size_t len)
{
    size_t i = pos;
    while (i < pos + len) {
        uint32_t cp;
        int n = utf8_decode(p, i, &cp);
        if (n < 0 || !is_space(cp))
            return 0;
        i += (size_t)n;
    }
    return 1;
}

static qp_node *make_leaf(parser *p)
{
    const token *t = &p->tok;
    const char *q = p->q;
    size_t lpos = t->sign ? t->pos + 1 : t->pos;
    size_t llen = t->pos + t->len - lpos;
    char ex[64];

    if (++p->n_terms > QP_MAX_TERMS) {
        fail(p, t->pos, "too many terms at column %zu: the limit is %d "
             "words, phrases and filters", column_at(p, t->pos),
             QP_MAX_TERMS);
        return NULL;
    }
    qp_node *n = node_new(p, QP_WORD, lpos, llen);
    if (!n)
        return NULL;
    size_t vpos = t->tpos, vlen = t->tlen;
    if (t->kind == T_PHRASE) {
        n->kind = QP_PHRASE;
        /* Each phrase checks the positions of every candidate: a few dozen
         * of common words can take seconds. */
        if (++p->n_phrases > QP_MAX_PHRASES) {
            fail(p, lpos, "too many phrases at column %zu: the limit is %d",
                 column_at(p, lpos), QP_MAX_PHRASES);
            goto fail;
        }
        if (all_space(p, vpos, vlen)) {
            fail(p, lpos, "empty phrase at column %zu", column_at(p, lpos));
            goto fail;
        }
    } else if (t->kind == T_FILTER) {
        n->kind = QP_FILTER;
        if (!(n->field = dup_bytes(p, filter_fields[t->field],
                                   strlen(filter_fields[t->field]))))
            goto fail;
        if (all_space(p, vpos, vlen)) {
            fail(p, lpos, "filter '%s:' at column %zu needs a value",
                 n->field, column_at(p, lpos));
            goto fail;
        }
        if (t->field == FIELD_YEAR || t->field == FIELD_DATE) {
            if (filter_range(p, n, t->field, vpos, vlen) < 0)
                goto fail;
        } else if (t->field == FIELD_URN) {
            size_t d = 0;
            while (d < vlen && is_digit(q[vpos + d]))
                d++;
            if (d < vlen || vlen > 12) {
                fail(p, vpos, "invalid URN '%s' at column %zu: a URN is a "
                     "number, like 130456",
                     excerpt(p, vpos, vlen, ex, sizeof ex),
                     column_at(p, vpos));
                goto fail;
            }
        }
    } else if (q[vpos + vlen - 1] == '*') {
        n->kind = QP_PREFIX;
        vlen--;
        if (vlen == 0) {
            fail(p, vpos, "'*' at column %zu needs the start of a word "
                 "before it, like assess*", column_at(p, vpos));
            goto fail;
        }
        if (q[vpos + vlen - 1] == '*') {
            fail(p, vpos, "'%s' at column %zu: use one '*' at the end of a "
                 "word, like assess*",
                 excerpt(p, vpos, t->tlen, ex, sizeof ex),
                 column_at(p, vpos));
            goto fail;
        }
    }
    if (!(n->text = dup_bytes(p, q + vpos, vlen)))
        goto fail;
    return n;
fail:
    qp_node_free(n);
    return NULL;
}

static qp_node *parse_primary(parser *p, unsigned depth)
{
    token t = p->tok;
    qp_node *x;

    switch (t.kind) {
    case T_WORD:
    case T_PHRASE:
    case T_FILTER:
        if (!(x = make_leaf(p)))
            return NULL;
        if (advance(p) < 0) {
            qp_node_free(x);
            return NULL;
        }
        return apply_sign(p, x, t.sign, t.pos);
    case T_LPAREN:
        if (depth >= QP_MAX_DEPTH) {
            fail(p, t.tpos, "too deeply nested at column %zu: the limit is "
                 "%d levels of parentheses", column_at(p, t.tpos),
                 QP_MAX_DEPTH);
            return NULL;
        }
        if (advance(p) < 0)
            return NULL;
        if (p->tok.kind == T_RPAREN) {
            fail(p, t.tpos, "empty parentheses at column %zu",
                 column_at(p, t.tpos));
            return NULL;
        }
        if (p->tok.kind == T_END) {
            fail(p, t.tpos, "unclosed '(' at column %zu",
                 column_at(p, t.tpos));
            return NULL;
        }
        if (!(x = parse_or(p, depth + 1)))
            return NULL;
        if (p->tok.kind != T_RPAREN) {
            qp_node_free(x);
            fail(p, t.tpos, "unclosed '(' at column %zu",
                 column_at(p, t.tpos));
            return NULL;
        }
        if (x->kind == QP_AND || x->kind == QP_OR)
            node_extend(x, t.tpos, p->tok.pos + 1);
        if (advance(p) < 0) {
            qp_node_free(x);
            return NULL;
        }
        return apply_sign(p, x, t.sign, t.pos);
    case T_AND:
    case T_OR:
        fail(p, t.pos, "%s needs something before it (column %zu)",
             t.kind == T_AND ? "AND" : "OR", column_at(p, t.pos));
        return NULL;
    case T_NEAR:
        fail(p, t.pos, "NEAR needs a word or phrase on each side (column "
             "%zu)", column_at(p, t.pos));
        return NULL;
    case T_RPAREN:
        fail(p, t.pos, "unbalanced ')' at column %zu", column_at(p, t.pos));
        return NULL;
    case T_END:
    case T_NOT:
    default:
        /* Callers check starts_operand first; this is a safety net. */
        fail(p, t.pos, "unexpected end of the query (column %zu)",
             column_at(p, t.pos));
        return NULL;
    }
}

static qp_node *parse_near(parser *p, unsigned depth)
{
    qp_node *left = parse_primary(p, depth);
    if (!left || p->tok.kind != T_NEAR)
        return left;
    token t = p->tok;
    if (!near_operand(left)) {
        qp_node_free(left);
        fail(p, t.pos, "NEAR needs a word or phrase on each side (column "
             "%zu)", column_at(p, t.pos));
        return NULL;
    }
    qp_node *near = node_new(p, QP_NEAR, left->pos, left->len);
    if (!near) {
        qp_node_free(left);
        return NULL;
    }
    near->window = t.window;
    if (node_add(p, near, left) < 0)
        goto fail;
    while (p->tok.kind == T_NEAR) {
        t = p->tok;
        if (t.window != near->window) {
            fail(p, t.pos, "NEAR/%u at column %zu differs from NEAR/%u "
                 "before it: a chain of NEAR takes one distance", t.window,
                 column_at(p, t.pos), near->window);
            goto fail;
        }
        if (near->n_kids >= QP_MAX_NEAR) {
            fail(p, t.pos, "too long a chain of NEAR at column %zu: the "
                 "limit is %d words or phrases", column_at(p, t.pos),
                 QP_MAX_NEAR);
            goto fail;
        }
        if (advance(p) < 0)
            goto fail;
        tok_kind k = p->tok.kind;
        if (k != T_WORD && k != T_PHRASE && k != T_LPAREN) {
            fail(p, t.pos, "NEAR needs a word or phrase on each side "
                 "(column %zu)", column_at(p, t.pos));
            goto fail;
        }
        qp_node *right = parse_primary(p, depth);
        if (!right)
            goto fail;
        if (!near_operand(right)) {
            qp_node_free(right);
            fail(p, t.pos, "NEAR needs a word or phrase on each side "
                 "(column %zu)", column_at(p, t.pos));
            goto fail;
        }
        node_extend(near, right->pos, right->pos + right->len);
        if (node_add(p, near, right) < 0)
            goto fail;
    }
    return near;
fail:
    qp_node_free(near);
    return NULL;
}

static qp_node *parse_unary(parser *p, unsigned depth)
{
    size_t nots = 0, first = 0, last = 0;
    while (p->tok.kind == T_NOT) {
        if (nots++ == 0)
            first = p->tok.pos;
        last = p->tok.pos;
        if (advance(p) < 0)
            return NULL;
    }
    if (nots && !starts_operand(p->tok.kind)) {
        fail(p, last, "NOT needs something after it (column %zu)",
             column_at(p, last));
        return NULL;
    }
    qp_node *x = parse_near(p, depth);
    if (x && nots % 2)
        x = negate(p, x, first);
    return x;
}

/* Positives first, exclusions after, each in the order typed. */
static void and_order(qp_node *a)
{
    qp_node *tmp[QP_MAX_KIDS];
    size_t k = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < a->n_kids; i++)
            if ((a->kids[i]->kind == QP_NOT) == (pass == 1))
                tmp[k++] = a->kids[i];
    memcpy(a->kids, tmp, k * sizeof *tmp);
}

static qp_node *parse_and(parser *p, unsigned depth)
{
    qp_node *a = node_new(p, QP_AND, p->tok.pos, 0);
    if (!a)
        return NULL;
    for (;;) {
        qp_node *u = parse_unary(p, depth);
        if (!u)
            goto fail;
        node_extend(a, u->pos, u->pos + u->len);
        if (node_add_flat(p, a, u) < 0)
            goto fail;
        if (p->tok.kind == T_AND) {
            size_t at = p->tok.pos;
            if (advance(p) < 0)
                goto fail;
            if (!starts_operand(p->tok.kind)) {
                fail(p, at, "AND needs something after it (column %zu)",
                     column_at(p, at));
                goto fail;
            }
            continue;
        }
        if (!starts_operand(p->tok.kind))
            break;
    }
    if (a->n_kids == 1) {
        qp_node *only = a->kids[0];
        a->n_kids = 0;
        qp_node_free(a);
        return only;
    }
    and_order(a);
    return a;
fail:
    qp_node_free(a);
    return NULL;
}

static qp_node *parse_or(parser *p, unsigned depth)
{
    qp_node *first = parse_and(p, depth);
    if (!first || p->tok.kind != T_OR)
        return first;
    qp_node *o = node_new(p, QP_OR, first->pos, first->len);
    if (!o) {
        qp_node_free(first);
        return NULL;
    }
    if (node_add_flat(p, o, first) < 0)
        goto fail;
    while (p->tok.kind == T_OR) {
        size_t at = p->tok.pos;
        if (advance(p) < 0)
            goto fail;
        if (!starts_operand(p->tok.kind)) {
            fail(p, at, "OR needs something after it (column %zu)",
                 column_at(p, at));
            goto fail;
        }
        qp_node *next = parse_and(p, depth);
        if (!next)
            goto fail;
        node_extend(o, next->pos, next->pos + next->len);
        if (node_add_flat(p, o, next) < 0)
            goto fail;
    }
    for (size_t i = 0; i < o->n_kids; i++)
        if (only_excludes(o->kids[i])) {
            size_t at = o->kids[i]->pos;
            fail(p, at, "OR needs something to search for on each side: "
                 "the part at column %zu only excludes", column_at(p, at));
            goto fail;
        }
    return o;
fail:
    qp_node_free(o);
    return NULL;
}

int qp_parse(const char *query, size_t len, qp_node **out, qp_error *err)
{
    qp_error scratch;
    parser p;
    qp_node *root = NULL;

    if (out)
        *out = NULL;
    memset(&p, 0, sizeof p);
    p.err = err ? err : &scratch;
    memset(p.err, 0, sizeof *p.err);
    p.q = query ? query : "";
    p.len = query ? len : 0;
    p.end = p.len > QP_MAX_QUERY_BYTES ? QP_MAX_QUERY_BYTES : p.len;
    p.truncated = p.len > QP_MAX_QUERY_BYTES;
    if (!out) {
        fail(&p, 0, "no place to put the parsed query");
        return -1;
    }
    if (advance(&p) < 0)
        return -1;
    if (p.tok.kind == T_END) {
        fail(&p, 0, "empty query");
        return -1;
    }
    if (p.tok.kind == T_RPAREN) {
        fail(&p, p.tok.pos, "unbalanced ')' at column %zu",
             column_at(&p, p.tok.pos));
        return -1;
    }
    if (!(root = parse_or(&p, 0)))
        return -1;
    if (p.tok.kind != T_END) {
        /* parse_or stops only at ')' or the end. */
        fail(&p, p.tok.pos, "unbalanced ')' at column %zu",
             column_at(&p, p.tok.pos));
        qp_node_free(root);
        return -1;
    }
    if (only_excludes(root)) {
        fail(&p, root->pos, "nothing to search for: the query only excludes");
        qp_node_free(root);
        return -1;
    }
    *out = root;
    return 0;
}

/* ------------------------------------------------------------- describe */

typedef struct {
    char *buf;
    size_t len, cap;
    int failed;
} strbuf;

static void sb_put(strbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *nb = cap > QP_DESCRIBE_MAX ? NULL : realloc(b->buf, cap);
        if (!nb) {
            b->failed = 1;
            return;
        }
        b->buf = nb;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static void sb_str(strbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

static void sb_quoted(strbuf *b, const char *s)
{
    sb_put(b, "\"", 1);
    for (; s && *s; s++) {
        char esc[5];
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            sb_put(b, esc, 2);
        } else if (c < 0x20 || c == 0x7F) {
            snprintf(esc, sizeof esc, "\\x%02x", c);
            sb_put(b, esc, 4);
        } else {
            sb_put(b, s, 1);
        }
    }
    sb_put(b, "\"", 1);
}

static void describe(strbuf *b, const qp_node *n)
{
    static const char *const names[] = {
        "word", "phrase", "prefix", "filter", "and", "or", "not", "near",
    };
    char num[32];
    sb_put(b, "(", 1);
    if ((size_t)n->kind < sizeof names / sizeof names[0])
        sb_str(b, names[n->kind]);
    else
        sb_str(b, "?");
    if (n->required)
        sb_put(b, "+", 1);
    switch (n->kind) {
    case QP_WORD:
    case QP_PHRASE:
    case QP_PREFIX:
        sb_put(b, " ", 1);
        sb_quoted(b, n->text);
        break;
    case QP_FILTER:
        sb_put(b, " ", 1);
        sb_str(b, n->field ? n->field : "?");
        sb_put(b, " ", 1);
        sb_quoted(b, n->text);
        if (n->range_lo || n->range_hi) {
            sb_put(b, " ", 1);
            sb_str(b, n->range_lo ? n->range_lo : "*");
            sb_put(b, " ", 1);
            sb_str(b, n->range_hi ? n->range_hi : "*");
        }
        break;
    case QP_NEAR:
        snprintf(num, sizeof num, " %u", n->window);
        sb_str(b, num);
        break;
    default:
        break;
    }
    for (size_t i = 0; i < n->n_kids; i++) {
        sb_put(b, " ", 1);
        describe(b, n->kids[i]);
    }
    sb_put(b, ")", 1);
}

char *qp_node_describe(const qp_node *n)
{
    strbuf b = {0};
    if (n)
        describe(&b, n);
    else
        sb_str(&b, "()");
    if (b.failed) {
        free(b.buf);
        return NULL;
    }
    return b.buf;
}
