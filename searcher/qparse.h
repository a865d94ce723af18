/* qparse.h - the insearch query language: text a person types -> a tree.
 *
 * The parser knows nothing of Xapian, stemming or the index: it checks the
 * syntax, validates filter values and hands back an abstract syntax tree that
 * the searcher compiles through the analysis chain. Words and phrases keep
 * their text exactly as typed (case matters later: `Prevent` vs `prevent`).
 *
 * THE QUERY LANGUAGE
 *
 *   apprentices              a word; every word must match (the default
 *   off-the-job  2015/16     operator is AND). A word is any run of
 *   £40.8  learners'  10:30  characters other than spaces, quotes and
 *                            parentheses; the analysis chain splits it later.
 *   assess*                  words starting with "assess" (a '*' at the end).
 *   "exact phrase"           the words in this order, next to each other;
 *   “curly quotes”           straight or curly double quotes.
 *   a AND b                  both (the same as `a b`).
 *   a OR b                   either. OR binds looser than AND:
 *                            `a b OR c` means `(a AND b) OR c`.
 *   a NOT b   a AND NOT b    a but not b (NOT excludes from what is beside
 *   a -b                     it: a query of only exclusions is an error).
 *   +word                    required (already the default under AND).
 *   (a OR b) c               parentheses group.
 *   a NEAR b                 a within 10 words of b; NEAR/5 for within 5
 *   a NEAR/5 b NEAR c        words (1 to 1000). NEAR binds tighter than AND,
 *                            takes words, prefixes and phrases, and chains.
 *   field:value              a filter; field:"several words" for spaces.
 *
 *   AND, OR, NOT and NEAR are operators only in UPPERCASE: `and`, `or`,
 *   `not`, `near` are ordinary words. A sign counts only at the start of a
 *   word, phrase or group (`-"a b"`, `-(a OR b)`): `off-the-job` is one
 *   word, and signs standing alone (`a - b`) are nothing.
 *
 *   Filters (field names in any case; values as typed):
 *     provider:"Example College"  urn:123456 (digits)
 *     type:independent-learning-provider
 *     kind:monitoring             grade:good   section:"leadership and management"
 *     theme:prevent   polarity:weakness (or strength, neutral)
 *     level:4  level:3..4  level:inadequate  (grades of every framework on
 *                           one 1-4 scale: searcher/compile.c)
 *     year:2019   year:2019..2021   year:2019..   year:..2021
 *     date:2019-05-01   date:2019-05   date:2019..2021
 *     date:2019-01-01..2021-12-31   date:2019-05..   date:..2020-12-31
 *   Dates are YYYY, YYYY-MM or YYYY-MM-DD and must exist on the calendar; a
 *   range's start is the first day of its period and its end the last day.
 *   Filters combine like words: `-grade:good`, `NOT kind:monitoring`,
 *   `grade:good OR grade:outstanding`. A word that looks like a filter
 *   (letters, ':', more text) but names no known field is an error: quote it
 *   to search for the text.
 *
 *   Limits: 8192 bytes, 32 levels of parentheses, 256 words, phrases and
 *   filters.
 *
 * THE TREE
 *
 * - Leaves are QP_WORD, QP_PHRASE, QP_PREFIX and QP_FILTER.
 * - QP_NOT has one child and appears only as a child of QP_AND, after all of
 *   that AND's positive children (`NOT b a` gives AND(a, NOT(b))). Double
 *   negations cancel; the top level and each side of an OR always have
 *   something positive.
 * - QP_AND and QP_OR have at least two children and no child of their own
 *   kind unless that child is `required` (nested groups are flattened).
 * - QP_NEAR has two or more children, each a QP_WORD, QP_PREFIX or
 *   QP_PHRASE, and the window N as typed (NEAR/N: "within N words"; a chain
 *   with two different distances is an error). Xapian's OP_NEAR window is
 *   the span of positions, so "within N words" of k terms is N + k - 1.
 * - `required` is set by '+' on leaves and groups (never on a QP_NOT).
 */
#ifndef INSEARCH_QPARSE_H
#define INSEARCH_QPARSE_H

#include <stddef.h>

#define QP_MAX_QUERY_BYTES 8192
#define QP_MAX_DEPTH 32        /* levels of parentheses */
#define QP_MAX_TERMS 256       /* leaves: words, prefixes, phrases, filters */
#define QP_MAX_PHRASES 32      /* quoted phrases: each reads positions */
#define QP_MAX_NEAR 8          /* words or phrases in one chain of NEAR */
#define QP_NEAR_DEFAULT 10
#define QP_NEAR_MAX 1000

typedef enum {
    QP_WORD,   /* text: the word as typed */
    QP_PHRASE, /* text: what is between the quotes, as typed */
    QP_PREFIX, /* text: the word without its trailing '*' */
    QP_FILTER, /* field, text (the value), range_lo/range_hi for year/date */
    QP_AND,
    QP_OR,
    QP_NOT,    /* one child */
    QP_NEAR    /* window */
} qp_kind;

typedef struct qp_node {
    qp_kind kind;
    char *text;     /* leaves; NULL for operators */
    char *field;    /* QP_FILTER: "provider", "urn", "type", "kind", "grade",
                     * "year", "date", "section", "theme", "polarity" or
                     * "level" */
    /* QP_FILTER on year/date: the inclusive range, normalised ("2019" for
     * years, "2019-01-01" for dates); NULL for an open end. A single value
     * gives lo == hi (`date:2019` is 2019-01-01..2019-12-31). NULL for the
     * other fields. */
    char *range_lo, *range_hi;
    int required;   /* written with a leading '+' */
    unsigned window; /* QP_NEAR: within this many words */
    /* The bytes of the query this node covers. A leaf covers the term
     * without its sign (quotes and `field:` included); QP_NOT from a '-' or
     * NOT covers the sign or keyword too. */
    size_t pos, len;
    struct qp_node **kids;
    size_t n_kids;
} qp_node;

typedef struct qp_error {
    size_t offset; /* byte offset into the query, <= its length */
    size_t column; /* 1-based, in characters (UTF-8 code points) */
    char message[256];
} qp_error;

/* Parse `len` bytes of `query` (UTF-8; need not be NUL-terminated). On
 * success returns 0 and the tree through *out, owned by the caller (free it
 * with qp_node_free). On failure returns -1, sets *out to NULL and, when err
 * is not NULL, fills it in; the message names the column where it helps. */
int qp_parse(const char *query, size_t len, qp_node **out, qp_error *err);

/* Free a tree from qp_parse (NULL is fine). */
void qp_node_free(qp_node *n);

/* The tree as an S-expression, for tests, --explain and debugging:
 *   (word "a")  (prefix "assess")  (phrase "a b")  (filter grade "good")
 *   (filter date "2019..2021" 2019-01-01 2021-12-31)  ('*' for an open end)
 *   (and ...)  (or ...)  (not X)  (near 10 X Y)
 * A required node's kind gets a '+': (word+ "a"). Strings escape '"' and
 * '\\'. malloc'd, the caller frees it; NULL when out of memory. */
char *qp_node_describe(const qp_node *n);

#endif
