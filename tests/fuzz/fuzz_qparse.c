/* fuzz_qparse.c - libFuzzer target for the query parser (searcher/qparse).
 *
 * The whole input is one query. A parse either fails with a sensible error
 * (offset within the query, a 1-based column, a message) or gives a tree
 * that keeps every promise of qparse.h's THE TREE section, whose spans lie
 * in the query and whose description can be written. Parsing twice gives
 * the same tree: the parser keeps no state between calls.
 */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "searcher/qparse.h"
#include "tests/fuzz/fuzz-common.h"


static const char *const fields[] = {
    "provider", "urn", "type", "kind", "grade", "year", "date", "section",
    "theme", "polarity", "level", NULL};

static int is_leaf(qp_kind k)
{
    return k == QP_WORD || k == QP_PHRASE || k == QP_PREFIX ||
           k == QP_FILTER;
}

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* A range end: "YYYY" for years, a real "YYYY-MM-DD" for dates. */
static int range_end_valid(const char *field, const char *v)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strcmp(field, "year") == 0)
        return strlen(v) == 4 && digits(v, 4);
    if (strlen(v) != 10 || v[4] != '-' || v[7] != '-' || !digits(v, 4) ||
        !digits(v + 5, 2) || !digits(v + 8, 2))
        return 0;
    int y = atoi(v), m = atoi(v + 5), d = atoi(v + 8);
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

static void check_leaf(const qp_node *n, const char *q)
{
    FUZZ_CHECK(n->text != NULL);
    FUZZ_CHECK(n->n_kids == 0 && n->kids == NULL);
    FUZZ_CHECK(n->len > 0);
    const char *span = q + n->pos;
    size_t tl = strlen(n->text);
    switch (n->kind) {
    case QP_WORD:
        /* the word exactly as typed */
        FUZZ_CHECK(n->field == NULL);
        FUZZ_CHECK(n->len == tl && memcmp(span, n->text, tl) == 0);
        break;
    case QP_PREFIX:
        FUZZ_CHECK(n->field == NULL && tl > 0);
        FUZZ_CHECK(n->len == tl + 1 && memcmp(span, n->text, tl) == 0 &&
                   span[tl] == '*');
        break;
    case QP_PHRASE:
        /* between the quotes, as typed: the span holds it */
        FUZZ_CHECK(n->field == NULL);
        FUZZ_CHECK(n->len >= tl);
        FUZZ_CHECK(tl == 0 || memmem(span, n->len, n->text, tl) != NULL);
        break;
    case QP_FILTER: {
        FUZZ_CHECK(n->field != NULL);
        int known = 0;
        for (size_t i = 0; fields[i]; i++)
            known |= strcmp(n->field, fields[i]) == 0;
        FUZZ_CHECK(known);
        int ranged = strcmp(n->field, "year") == 0 ||
                     strcmp(n->field, "date") == 0;
        if (!ranged) {
            FUZZ_CHECK(n->range_lo == NULL && n->range_hi == NULL);
        } else {
            FUZZ_CHECK(n->range_lo != NULL || n->range_hi != NULL);
            FUZZ_CHECK(!n->range_lo || range_end_valid(n->field, n->range_lo));
            FUZZ_CHECK(!n->range_hi || range_end_valid(n->field, n->range_hi));
            FUZZ_CHECK(!n->range_lo || !n->range_hi ||
                       strcmp(n->range_lo, n->range_hi) <= 0);
        }
        if (strcmp(n->field, "urn") == 0)
            FUZZ_CHECK(tl > 0 && digits(n->text, tl));
        break;
    }
    default:
        abort();
    }
}

static void check_tree(const qp_node *n, const qp_node *parent,
                       const char *q, size_t qlen, size_t *leaves,
                       unsigned depth)
{
    FUZZ_CHECK(n != NULL);
    FUZZ_CHECK(depth < 4 * QP_MAX_DEPTH + 8);
    FUZZ_CHECK(n->pos <= qlen && n->len <= qlen - n->pos);
    if (is_leaf(n->kind)) {
        check_leaf(n, q);
        (*leaves)++;
        FUZZ_CHECK(*leaves <= QP_MAX_TERMS);
        return;
    }
    FUZZ_CHECK(n->text == NULL && n->field == NULL);
    FUZZ_CHECK(n->kids != NULL);
    switch (n->kind) {
    case QP_NOT:
        FUZZ_CHECK(n->n_kids == 1);
        FUZZ_CHECK(parent != NULL && parent->kind == QP_AND);
        FUZZ_CHECK(n->kids[0]->kind != QP_NOT);  /* double NOTs cancel */
        FUZZ_CHECK(!n->required);
        break;
    case QP_AND: {
        FUZZ_CHECK(n->n_kids >= 2);
        int seen_not = 0;
        for (size_t i = 0; i < n->n_kids; i++) {
            const qp_node *k = n->kids[i];
            if (k->kind == QP_NOT)
                seen_not = 1;
            else
                FUZZ_CHECK(!seen_not);        /* NOTs come last */
            FUZZ_CHECK(k->kind != QP_AND || k->required);
        }
        FUZZ_CHECK(n->kids[0]->kind != QP_NOT); /* something positive */
        break;
    }
    case QP_OR:
        FUZZ_CHECK(n->n_kids >= 2);
        for (size_t i = 0; i < n->n_kids; i++) {
            const qp_node *k = n->kids[i];
            FUZZ_CHECK(k->kind != QP_OR || k->required);
            FUZZ_CHECK(k->kind != QP_NOT);
        }
        break;
    case QP_NEAR:
        FUZZ_CHECK(n->n_kids >= 2);
        FUZZ_CHECK(n->window >= 1 && n->window <= QP_NEAR_MAX);
        for (size_t i = 0; i < n->n_kids; i++) {
            qp_kind k = n->kids[i]->kind;
            FUZZ_CHECK(k == QP_WORD || k == QP_PREFIX || k == QP_PHRASE);
        }
        break;
    default:
        abort();
    }
    if (parent == NULL)
        FUZZ_CHECK(n->kind != QP_NOT);
    for (size_t i = 0; i < n->n_kids; i++)
        check_tree(n->kids[i], n, q, qlen, leaves, depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* exactly `size` bytes, no terminator: the parser takes a length */
    char *q = malloc(size ? size : 1);
    FUZZ_CHECK(q != NULL);
    memcpy(q, data, size);

    qp_node *n = (qp_node *)1;
    qp_error e;
    memset(&e, 0x55, sizeof e);
    int rc = qp_parse(q, size, &n, &e);
    if (rc != 0) {
        FUZZ_CHECK(rc == -1);
        FUZZ_CHECK(n == NULL);
        FUZZ_CHECK(e.offset <= size);
        FUZZ_CHECK(e.column >= 1 && e.column <= e.offset + 1);
        FUZZ_CHECK(memchr(e.message, '\0', sizeof e.message) != NULL);
        FUZZ_CHECK(e.message[0] != '\0');
        /* and without an error record */
        qp_node *m = (qp_node *)1;
        FUZZ_CHECK(qp_parse(q, size, &m, NULL) == -1 && m == NULL);
        free(q);
        return 0;
    }
    FUZZ_CHECK(size <= QP_MAX_QUERY_BYTES);
    FUZZ_CHECK(n != NULL);
    size_t leaves = 0;
    check_tree(n, NULL, q, size, &leaves, 0);
    FUZZ_CHECK(leaves >= 1);

    char *d = qp_node_describe(n);
    FUZZ_CHECK(d != NULL && d[0] == '(');

    qp_node *again = NULL;
    FUZZ_CHECK(qp_parse(q, size, &again, NULL) == 0);
    char *d2 = qp_node_describe(again);
    FUZZ_CHECK(d2 != NULL && strcmp(d, d2) == 0);

    free(d2);
    free(d);
    qp_node_free(again);
    qp_node_free(n);
    free(q);
    return 0;
}
