/* check_qparse.c - the query language: trees, errors with their columns,
 * limits, and random input that must never crash. */
#include "searcher/qparse.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ helpers */

static void check_tree(const qp_node *n, const qp_node *parent, size_t qlen,
                       size_t *leaves);

/* Parse and compare the S-expression. */
static void expect_tree(const char *q, const char *want)
{
    qp_node *n = (qp_node *)1;
    qp_error e;
    int rc = qp_parse(q, strlen(q), &n, &e);
    ck_assert_msg(rc == 0, "query [%s] failed: %s (offset %zu)", q,
                  e.message, e.offset);
    char *got = qp_node_describe(n);
    ck_assert_ptr_nonnull(got);
    ck_assert_msg(strcmp(got, want) == 0, "query [%s]\n  got  %s\n  want %s",
                  q, got, want);
    size_t leaves = 0;
    check_tree(n, NULL, strlen(q), &leaves);
    free(got);
    qp_node_free(n);
}

/* Parse, expect failure at a byte offset and column, with a message that
 * contains `part`. */
static void expect_error_n(const char *q, size_t len, size_t offset,
                           size_t column, const char *part)
{
    qp_node *n = (qp_node *)1;
    qp_error e;
    int rc = qp_parse(q, len, &n, &e);
    if (rc == 0) {
        char *d = qp_node_describe(n);
        ck_abort_msg("query [%.*s] parsed as %s, expected error '%s'",
                     (int)len, q, d ? d : "?", part);
    }
    ck_assert_int_eq(rc, -1);
    ck_assert_ptr_null(n);
    ck_assert_msg(strstr(e.message, part) != NULL,
                  "query [%.*s]: message '%s' lacks '%s'", (int)len, q,
                  e.message, part);
    ck_assert_msg(e.offset == offset && e.column == column,
                  "query [%.*s]: error '%s' at offset %zu column %zu, "
                  "expected offset %zu column %zu", (int)len, q, e.message,
                  e.offset, e.column, offset, column);
}

static void expect_error(const char *q, size_t offset, size_t column,
                         const char *part)
{
    expect_error_n(q, strlen(q), offset, column, part);
}

static int is_leaf(qp_kind k)
{
    return k == QP_WORD || k == QP_PHRASE || k == QP_PREFIX ||
           k == QP_FILTER;
}

/* The invariants qparse.h promises for every tree. */
static void check_tree(const qp_node *n, const qp_node *parent, size_t qlen,
                       size_t *leaves)
{
    ck_assert_ptr_nonnull(n);
    ck_assert_msg(n->pos + n->len <= qlen, "span %zu+%zu past %zu", n->pos,
                  n->len, qlen);
    if (is_leaf(n->kind)) {
        ck_assert_ptr_nonnull(n->text);
        ck_assert_uint_eq(n->n_kids, 0);
        ck_assert_uint_gt(n->len, 0);
        (*leaves)++;
        if (n->kind == QP_FILTER)
            ck_assert_ptr_nonnull(n->field);
        else
            ck_assert_ptr_null(n->field);
        if (n->kind == QP_PREFIX)
            ck_assert_uint_gt(strlen(n->text), 0);
        return;
    }
    ck_assert_ptr_null(n->text);
    switch (n->kind) {
    case QP_NOT:
        ck_assert_uint_eq(n->n_kids, 1);
        ck_assert_ptr_nonnull(parent);
        ck_assert_int_eq(parent->kind, QP_AND);
        ck_assert_int_ne(n->kids[0]->kind, QP_NOT);
        break;
    case QP_AND: {
        ck_assert_uint_ge(n->n_kids, 2);
        ck_assert_int_ne(n->kids[0]->kind, QP_NOT); /* something positive */
        int seen_not = 0;
        for (size_t i = 0; i < n->n_kids; i++) {
            if (n->kids[i]->kind == QP_NOT)
                seen_not = 1;
            else
                ck_assert_msg(!seen_not, "positive after NOT");
            ck_assert(n->kids[i]->kind != QP_AND || n->kids[i]->required);
        }
        break;
    }
    case QP_OR:
        ck_assert_uint_ge(n->n_kids, 2);
        for (size_t i = 0; i < n->n_kids; i++) {
            ck_assert(n->kids[i]->kind != QP_OR || n->kids[i]->required);
            ck_assert(n->kids[i]->kind != QP_NOT);
            ck_assert(n->kids[i]->kind != QP_AND ||
                      n->kids[i]->kids[0]->kind != QP_NOT);
        }
        break;
    case QP_NEAR:
        ck_assert_uint_ge(n->n_kids, 2);
        ck_assert(n->window >= 1 && n->window <= QP_NEAR_MAX);
        for (size_t i = 0; i < n->n_kids; i++) {
            qp_kind k = n->kids[i]->kind;
            ck_assert(k == QP_WORD || k == QP_PREFIX || k == QP_PHRASE);
        }
        break;
    default:
        ck_abort_msg("unknown node kind %d", (int)n->kind);
    }
    if (!parent)
        ck_assert_int_ne(n->kind, QP_NOT);
    for (size_t i = 0; i < n->n_kids; i++)
        check_tree(n->kids[i], n, qlen, leaves);
    ck_assert_uint_le(*leaves, QP_MAX_TERMS);
}

/* -------------------------------------------------------------- words */

START_TEST(test_words)
{
    expect_tree("apprentices", "(word \"apprentices\")");
    expect_tree("  apprentices\t\n", "(word \"apprentices\")");
    expect_tree("off-the-job", "(word \"off-the-job\")");
    expect_tree("2015/16", "(word \"2015/16\")");
    expect_tree("£40.8", "(word \"£40.8\")");
    expect_tree("learners’ progress",
                "(and (word \"learners’\") (word \"progress\"))");
    expect_tree("learners' progress",
                "(and (word \"learners'\") (word \"progress\"))");
    expect_tree("10:30", "(word \"10:30\")");
    expect_tree("Note: safeguarding",
                "(and (word \"Note:\") (word \"safeguarding\"))");
    expect_tree("16- to 18-year-old",
                "(and (word \"16-\") (word \"to\") (word \"18-year-old\"))");
    expect_tree("Prevent prevent",
                "(and (word \"Prevent\") (word \"prevent\"))");
    expect_tree("a*b", "(word \"a*b\")");
    expect_tree("ANDROID ORGAN NOTE NEARBY",
                "(and (word \"ANDROID\") (word \"ORGAN\") (word \"NOTE\") "
                "(word \"NEARBY\"))");
    /* No-break space and ideographic space separate words too. */
    expect_tree("a\xC2\xA0" "b\xE3\x80\x80" "c",
                "(and (word \"a\") (word \"b\") (word \"c\"))");
    expect_tree("a\\b", "(word \"a\\\\b\")");
}
END_TEST

START_TEST(test_lowercase_operators_are_words)
{
    expect_tree("a and b or not c near d",
                "(and (word \"a\") (word \"and\") (word \"b\") (word \"or\") "
                "(word \"not\") (word \"c\") (word \"near\") (word \"d\"))");
    expect_tree("And Or Not",
                "(and (word \"And\") (word \"Or\") (word \"Not\"))");
}
END_TEST

START_TEST(test_prefix)
{
    expect_tree("assess*", "(prefix \"assess\")");
    expect_tree("a*", "(prefix \"a\")");
    expect_tree("assess* plan",
                "(and (prefix \"assess\") (word \"plan\"))");
    expect_tree("x -assess*", "(and (word \"x\") (not (prefix \"assess\")))");
    expect_tree("+assess*", "(prefix+ \"assess\")");
    expect_tree("off-the-job*", "(prefix \"off-the-job\")");
}
END_TEST

START_TEST(test_phrases)
{
    expect_tree("\"exact phrase\"", "(phrase \"exact phrase\")");
    expect_tree("“exact phrase”", "(phrase \"exact phrase\")");
    expect_tree("“mixed quotes\"", "(phrase \"mixed quotes\")");
    expect_tree("\"16- to 18-year-old\"", "(phrase \"16- to 18-year-old\")");
    expect_tree("\"it’s (really) good\"",
                "(phrase \"it’s (really) good\")");
    expect_tree("\" spaced \"", "(phrase \" spaced \")");
    expect_tree("\"AND OR NOT\"", "(phrase \"AND OR NOT\")");
    expect_tree("\"grade:good\"", "(phrase \"grade:good\")");
    expect_tree("a \"b c\"d",
                "(and (word \"a\") (phrase \"b c\") (word \"d\"))");
    expect_tree("x\"b c\"", "(and (word \"x\") (phrase \"b c\"))");
    expect_tree("\"one\" \"two\"",
                "(and (phrase \"one\") (phrase \"two\"))");
    expect_tree("x -\"b c\"", "(and (word \"x\") (not (phrase \"b c\")))");
    expect_tree("+“b c”", "(phrase+ \"b c\")");
    expect_tree("\"assess* plan\"", "(phrase \"assess* plan\")");
}
END_TEST

/* ---------------------------------------------------------- operators */

START_TEST(test_and_or_precedence)
{
    expect_tree("a b c", "(and (word \"a\") (word \"b\") (word \"c\"))");
    expect_tree("a AND b", "(and (word \"a\") (word \"b\"))");
    expect_tree("a AND b c",
                "(and (word \"a\") (word \"b\") (word \"c\"))");
    expect_tree("a OR b", "(or (word \"a\") (word \"b\"))");
    expect_tree("a b OR c",
                "(or (and (word \"a\") (word \"b\")) (word \"c\"))");
    expect_tree("a OR b c",
                "(or (word \"a\") (and (word \"b\") (word \"c\")))");
    expect_tree("a AND b OR c AND d",
                "(or (and (word \"a\") (word \"b\")) "
                "(and (word \"c\") (word \"d\")))");
    expect_tree("a OR b OR c",
                "(or (word \"a\") (word \"b\") (word \"c\"))");
}
END_TEST

START_TEST(test_parentheses)
{
    expect_tree("(a OR b) c",
                "(and (or (word \"a\") (word \"b\")) (word \"c\"))");
    expect_tree("a (b OR c)",
                "(and (word \"a\") (or (word \"b\") (word \"c\")))");
    expect_tree("((a))", "(word \"a\")");
    expect_tree("(a b) c", "(and (word \"a\") (word \"b\") (word \"c\"))");
    expect_tree("a OR (b OR c)",
                "(or (word \"a\") (word \"b\") (word \"c\"))");
    expect_tree("a AND (b OR (c d))",
                "(and (word \"a\") (or (word \"b\") "
                "(and (word \"c\") (word \"d\"))))");
    expect_tree("((a OR b) (c OR d)) OR e",
                "(or (and (or (word \"a\") (word \"b\")) "
                "(or (word \"c\") (word \"d\"))) (word \"e\"))");
    expect_tree("x(a OR b)y",
                "(and (word \"x\") (or (word \"a\") (word \"b\")) "
                "(word \"y\"))");
    expect_tree("+(a b) c",
                "(and (and+ (word \"a\") (word \"b\")) (word \"c\"))");
    expect_tree("- (a)", "(word \"a\")"); /* a lone '-' is nothing */
}
END_TEST

START_TEST(test_not_forms)
{
    const char *want = "(and (word \"a\") (not (word \"b\")))";
    expect_tree("a NOT b", want);
    expect_tree("a AND NOT b", want);
    expect_tree("NOT b a", want);
    expect_tree("NOT b AND a", want);
    expect_tree("a -b", want);
    expect_tree("-b a", want);
    expect_tree("a NOT NOT NOT b", want);
    expect_tree("a NOT NOT b", "(and (word \"a\") (word \"b\"))");
    expect_tree("a NOT -b", "(and (word \"a\") (word \"b\"))");
    expect_tree("a -(NOT b)", "(and (word \"a\") (word \"b\"))");
    expect_tree("a -(b OR c)",
                "(and (word \"a\") (not (or (word \"b\") (word \"c\"))))");
    expect_tree("a NOT (NOT b NOT c)",
                "(and (word \"a\") (or (word \"b\") (word \"c\")))");
    expect_tree("-b a -c d",
                "(and (word \"a\") (word \"d\") (not (word \"b\")) "
                "(not (word \"c\")))");
    expect_tree("a (NOT b)", want);
    expect_tree("a OR b NOT c",
                "(or (word \"a\") (and (word \"b\") (not (word \"c\"))))");
    expect_tree("(a OR b) NOT (c OR d)",
                "(and (or (word \"a\") (word \"b\")) "
                "(not (or (word \"c\") (word \"d\"))))");
    expect_tree("-NOT a", "(and (word \"a\") (not (word \"NOT\")))");
}
END_TEST

START_TEST(test_signs)
{
    expect_tree("+a b", "(and (word+ \"a\") (word \"b\"))");
    expect_tree("a OR +b", "(or (word \"a\") (word+ \"b\"))");
    expect_tree("a - b", "(and (word \"a\") (word \"b\"))");
    expect_tree("a + b", "(and (word \"a\") (word \"b\"))");
    expect_tree("a -- b", "(and (word \"a\") (word \"b\"))");
    expect_tree("a -", "(word \"a\")");
    expect_tree("a +-b", "(and (word \"a\") (word \"+-b\"))");
    expect_tree("a --b", "(and (word \"a\") (word \"--b\"))");
    expect_tree("x -off-the-job",
                "(and (word \"x\") (not (word \"off-the-job\")))");
    expect_tree("+AND", "(word+ \"AND\")");
}
END_TEST

START_TEST(test_near)
{
    expect_tree("a NEAR b", "(near 10 (word \"a\") (word \"b\"))");
    expect_tree("a NEAR/5 b", "(near 5 (word \"a\") (word \"b\"))");
    expect_tree("a NEAR/1000 b", "(near 1000 (word \"a\") (word \"b\"))");
    expect_tree("a NEAR b NEAR c",
                "(near 10 (word \"a\") (word \"b\") (word \"c\"))");
    expect_tree("a NEAR/3 b NEAR/3 c",
                "(near 3 (word \"a\") (word \"b\") (word \"c\"))");
    expect_tree("a NEAR b NEAR/10 c",
                "(near 10 (word \"a\") (word \"b\") (word \"c\"))");
    expect_tree("\"work placement\" NEAR/3 assess*",
                "(near 3 (phrase \"work placement\") (prefix \"assess\"))");
    expect_tree("x a NEAR b y",
                "(and (word \"x\") (near 10 (word \"a\") (word \"b\")) "
                "(word \"y\"))");
    expect_tree("a NEAR b OR c",
                "(or (near 10 (word \"a\") (word \"b\")) (word \"c\"))");
    expect_tree("x NOT a NEAR b",
                "(and (word \"x\") (not (near 10 (word \"a\") "
                "(word \"b\"))))");
    expect_tree("(a) NEAR (b)", "(near 10 (word \"a\") (word \"b\"))");
    expect_tree("+a NEAR b", "(near 10 (word+ \"a\") (word \"b\"))");
}
END_TEST

/* ------------------------------------------------------------ filters */

START_TEST(test_filters)
{
    expect_tree("provider:acme", "(filter provider \"acme\")");
    expect_tree("provider:\"Example College\" apprenticeships",
                "(and (filter provider \"Example College\") "
                "(word \"apprenticeships\"))");
    expect_tree("provider:“Example College”",
                "(filter provider \"Example College\")");
    expect_tree("urn:130456", "(filter urn \"130456\")");
    expect_tree("type:independent-learning-provider",
                "(filter type \"independent-learning-provider\")");
    expect_tree("kind:monitoring", "(filter kind \"monitoring\")");
    expect_tree("grade:good", "(filter grade \"good\")");
    expect_tree("grade:\"requires improvement\"",
                "(filter grade \"requires improvement\")");
    expect_tree("section:\"leadership and management\"",
                "(filter section \"leadership and management\")");
    expect_tree("Grade:Good", "(filter grade \"Good\")");
    expect_tree("PROVIDER:x", "(filter provider \"x\")");
    expect_tree("grade:good OR grade:outstanding",
                "(or (filter grade \"good\") "
                "(filter grade \"outstanding\"))");
    expect_tree("safeguarding -grade:good",
                "(and (word \"safeguarding\") (not (filter grade \"good\")))");
    expect_tree("safeguarding NOT kind:monitoring",
                "(and (word \"safeguarding\") "
                "(not (filter kind \"monitoring\")))");
    expect_tree("+grade:good", "(filter+ grade \"good\")");
    expect_tree("grade:good", "(filter grade \"good\")");
    expect_tree("(grade:good OR grade:outstanding) year:2019 english",
                "(and (or (filter grade \"good\") "
                "(filter grade \"outstanding\")) "
                "(filter year \"2019\" 2019 2019) (word \"english\"))");
    expect_tree("grade:good\"x y\"",
                "(and (filter grade \"good\") (phrase \"x y\"))");
}
END_TEST

START_TEST(test_ranges)
{
    expect_tree("year:2019", "(filter year \"2019\" 2019 2019)");
    expect_tree("year:2019..2021", "(filter year \"2019..2021\" 2019 2021)");
    expect_tree("year:2019..", "(filter year \"2019..\" 2019 *)");
    expect_tree("year:..2021", "(filter year \"..2021\" * 2021)");
    expect_tree("year:2019..2019", "(filter year \"2019..2019\" 2019 2019)");
    expect_tree("date:2019-01-01..2021-12-31",
                "(filter date \"2019-01-01..2021-12-31\" "
                "2019-01-01 2021-12-31)");
    expect_tree("date:2019..2021",
                "(filter date \"2019..2021\" 2019-01-01 2021-12-31)");
    expect_tree("date:2019-05..", "(filter date \"2019-05..\" 2019-05-01 *)");
    expect_tree("date:..2020-12-31",
                "(filter date \"..2020-12-31\" * 2020-12-31)");
    expect_tree("date:2019", "(filter date \"2019\" 2019-01-01 2019-12-31)");
    expect_tree("date:2019-02", "(filter date \"2019-02\" 2019-02-01 2019-02-28)");
    expect_tree("date:2020-02", "(filter date \"2020-02\" 2020-02-01 2020-02-29)");
    expect_tree("date:1900-02", "(filter date \"1900-02\" 1900-02-01 1900-02-28)");
    expect_tree("date:2000-02", "(filter date \"2000-02\" 2000-02-01 2000-02-29)");
    expect_tree("date:2019-04..2019-06",
                "(filter date \"2019-04..2019-06\" 2019-04-01 2019-06-30)");
    expect_tree("date:2020-02-29", "(filter date \"2020-02-29\" "
                "2020-02-29 2020-02-29)");
    expect_tree("date:\"2019..2020\"",
                "(filter date \"2019..2020\" 2019-01-01 2020-12-31)");
    expect_tree("date:2019-12-31..2020",
                "(filter date \"2019-12-31..2020\" 2019-12-31 2020-12-31)");
}
END_TEST

/* ------------------------------------------------------------- spans */

START_TEST(test_spans)
{
    qp_node *n;
    qp_error e;
    const char *q = "ab -cd \"e f\" grade:good";
    ck_assert_int_eq(qp_parse(q, strlen(q), &n, &e), 0);
    ck_assert_int_eq(n->kind, QP_AND);
    ck_assert_uint_eq(n->pos, 0);
    ck_assert_uint_eq(n->len, strlen(q));
    ck_assert_uint_eq(n->n_kids, 4);
    /* positives first: ab, "e f", grade:good, then NOT cd */
    ck_assert_uint_eq(n->kids[0]->pos, 0);
    ck_assert_uint_eq(n->kids[0]->len, 2);
    ck_assert_int_eq(n->kids[1]->kind, QP_PHRASE);
    ck_assert_uint_eq(n->kids[1]->pos, 7);
    ck_assert_uint_eq(n->kids[1]->len, 5);
    ck_assert_int_eq(n->kids[2]->kind, QP_FILTER);
    ck_assert_uint_eq(n->kids[2]->pos, 13);
    ck_assert_uint_eq(n->kids[2]->len, 10);
    ck_assert_int_eq(n->kids[3]->kind, QP_NOT);
    ck_assert_uint_eq(n->kids[3]->pos, 3);
    ck_assert_uint_eq(n->kids[3]->len, 3);
    ck_assert_uint_eq(n->kids[3]->kids[0]->pos, 4);
    ck_assert_uint_eq(n->kids[3]->kids[0]->len, 2);
    qp_node_free(n);

    q = "x (a OR b) NOT y";
    ck_assert_int_eq(qp_parse(q, strlen(q), &n, &e), 0);
    ck_assert_int_eq(n->kids[1]->kind, QP_OR);
    ck_assert_uint_eq(n->kids[1]->pos, 2);
    ck_assert_uint_eq(n->kids[1]->len, 8);
    ck_assert_int_eq(n->kids[2]->kind, QP_NOT);
    ck_assert_uint_eq(n->kids[2]->pos, 11);
    ck_assert_uint_eq(n->kids[2]->len, 5);
    qp_node_free(n);

    /* The query need not be NUL-terminated: only len bytes are read. */
    char buf[8];
    memcpy(buf, "grade:goodXX", 8);
    ck_assert_int_eq(qp_parse(buf, 8, &n, &e), 0);
    ck_assert_str_eq(n->text, "go");
    ck_assert_str_eq(n->field, "grade");
    ck_assert_ptr_null(n->range_lo);
    qp_node_free(n);
}
END_TEST

/* ------------------------------------------------------------- errors */

START_TEST(test_errors_structure)
{
    expect_error("", 0, 1, "empty query");
    expect_error("   \t\n", 0, 1, "empty query");
    expect_error("-", 0, 1, "empty query");
    expect_error(" + - ", 0, 1, "empty query");
    expect_error("a (b c", 2, 3, "unclosed '(' at column 3");
    expect_error("(", 0, 1, "unclosed '(' at column 1");
    expect_error("((a)", 0, 1, "unclosed '(' at column 1");
    expect_error("a b c) AND (d", 5, 6, "unbalanced ')' at column 6");
    expect_error("apprentices) off", 11, 12, "unbalanced ')' at column 12");
    expect_error(")", 0, 1, "unbalanced ')' at column 1");
    expect_error("(a))", 3, 4, "unbalanced ')' at column 4");
    expect_error("()", 0, 1, "empty parentheses at column 1");
    expect_error("a ( ) b", 2, 3, "empty parentheses at column 3");
    expect_error("a \"bc", 2, 3, "unterminated quote starting at column 3");
    expect_error("“bc", 0, 1, "unterminated quote starting at column 1");
    expect_error("\"a\" \"b", 4, 5, "unterminated quote starting at column 5");
    expect_error("a \"\"", 2, 3, "empty phrase at column 3");
    expect_error("a “  ”", 2, 3, "empty phrase at column 3");
    expect_error("safeguarding training AND", 22, 23,
                 "AND needs something after it (column 23)");
    expect_error("a AND ) b", 2, 3, "AND needs something after it (column 3)");
    expect_error("a AND OR b", 2, 3, "AND needs something after it");
    expect_error("AND a", 0, 1, "AND needs something before it (column 1)");
    expect_error("(AND a)", 1, 2, "AND needs something before it (column 2)");
    expect_error("a OR", 2, 3, "OR needs something after it (column 3)");
    expect_error("a OR OR b", 2, 3, "OR needs something after it (column 3)");
    expect_error("OR a", 0, 1, "OR needs something before it (column 1)");
    expect_error("a NOT", 2, 3, "NOT needs something after it (column 3)");
    expect_error("a NOT NOT", 6, 7, "NOT needs something after it (column 7)");
    expect_error("a NOT OR b", 2, 3, "NOT needs something after it");
    expect_error("-a", 0, 1, "nothing to search for: the query only excludes");
    expect_error("NOT a", 0, 1, "nothing to search for: the query only excludes");
    expect_error("-a -b", 0, 1, "nothing to search for");
    expect_error("-(a b)", 0, 1, "nothing to search for");
    expect_error("-grade:good", 0, 1, "nothing to search for");
    expect_error("(NOT a)", 1, 2, "nothing to search for");
    expect_error("a OR -b", 5, 6, "the part at column 6 only excludes");
    expect_error("NOT a OR b", 0, 1, "the part at column 1 only excludes");
}
END_TEST

START_TEST(test_errors_near)
{
    const char *msg = "NEAR needs a word or phrase on each side";
    expect_error("NEAR a", 0, 1, msg);
    expect_error("a NEAR", 2, 3, msg);
    expect_error("a NEAR OR b", 2, 3, msg);
    expect_error("a NEAR -b", 2, 3, msg);
    expect_error("-a NEAR b", 3, 4, msg);
    expect_error("a NEAR grade:good", 2, 3, msg);
    expect_error("grade:good NEAR a", 11, 12, msg);
    expect_error("a NEAR (b OR c)", 2, 3, msg);
    expect_error("(a b) NEAR c", 6, 7, msg);
    expect_error("a AND NEAR b", 6, 7, msg);
    expect_error("a NEAR NEAR b", 2, 3, msg);
    expect_error("a NEAR/0 b", 2, 3, "the distance must be 1 to 1000");
    expect_error("a NEAR/1001 b", 2, 3, "the distance must be 1 to 1000");
    expect_error("a NEAR/99999999999999999999 b", 2, 3,
                 "the distance must be 1 to 1000");
    expect_error("a NEAR/ b", 2, 3, "NEAR/ needs a number of words");
    expect_error("a NEAR/x b", 2, 3, "NEAR/ needs a number of words");
    expect_error("a NEAR/5x b", 2, 3, "NEAR/ needs a number of words");
    expect_error("a NEAR/5 b NEAR/3 c", 11, 12, "a chain of NEAR takes one");
}
END_TEST

START_TEST(test_errors_filters)
{
    expect_error("foo:bar", 0, 1,
                 "unknown filter 'foo:' at column 1 (known: provider, urn, "
                 "type, kind, grade, year, date, section");
    expect_error("apprentices Region:north", 12, 13,
                 "unknown filter 'Region:' at column 13");
    expect_error("x -foo:bar", 3, 4, "unknown filter 'foo:'");
    expect_error("x foo:\"a b\"", 2, 3, "unknown filter 'foo:'");
    expect_error("grade: good", 0, 1, "filter 'grade:' at column 1 needs a value");
    expect_error("x grade:", 2, 3, "filter 'grade:' at column 3 needs a value");
    expect_error("grade:\"\"", 0, 1, "needs a value");
    expect_error("grade:\" \"", 0, 1, "needs a value");
    expect_error("x (grade:)", 3, 4, "needs a value");
    expect_error("grade:\"good", 6, 7, "unterminated quote starting at column 7");
    expect_error("urn:12x", 4, 5, "invalid URN '12x' at column 5");
    expect_error("urn:1234567890123", 4, 5, "invalid URN");
    expect_error("year:19", 5, 6, "invalid year '19' at column 6");
    expect_error("year:0999", 5, 6, "invalid year");
    expect_error("year:2019-05", 5, 6, "invalid year '2019-05'");
    expect_error("year:2019..20x1", 11, 12, "invalid year '20x1' at column 12");
    expect_error("year:2021..2019", 5, 6,
                 "the range '2021..2019' at column 6 starts after it ends");
    expect_error("year:..", 5, 6, "the range '..' at column 6 needs a start");
    expect_error("date:2019-13-01", 5, 6,
                 "invalid date '2019-13-01' at column 6");
    expect_error("date:2019-02-29", 5, 6, "invalid date '2019-02-29'");
    expect_error("date:1900-02-29", 5, 6, "invalid date");
    expect_error("date:2019-04-31", 5, 6, "invalid date");
    expect_error("date:2019-00", 5, 6, "invalid date");
    expect_error("date:2019-1-1", 5, 6, "invalid date");
    expect_error("date:2019/01/01", 5, 6, "invalid date");
    expect_error("date:19", 5, 6, "invalid date");
    expect_error("date:2019-01-01..2019-02-30", 17, 18,
                 "invalid date '2019-02-30' at column 18");
    expect_error("date:2019...2020", 11, 12, "invalid date '.2020'");
    expect_error("date:2020..2019-12", 5, 6, "starts after it ends");
    expect_error("date:\"2019 .. 2020\"", 6, 7, "invalid date '2019 '");
    expect_error("x date:..", 7, 8, "needs a start or an end");
    /* the error sits at the value even after multi-byte characters */
    expect_error("“ab” date:2019-99", 14, 11, "invalid date '2019-99' at column 11");
}
END_TEST

START_TEST(test_errors_wildcards_and_bytes)
{
    expect_error("*", 0, 1, "'*' at column 1 needs the start of a word");
    expect_error("a -*", 3, 4, "needs the start of a word");
    expect_error("assess**", 0, 1, "use one '*'");
    expect_error("a \xFF b", 2, 3, "not valid UTF-8 at column 3");
    expect_error("a \xC0\xAF", 2, 3, "not valid UTF-8");      /* overlong */
    expect_error("a \xED\xA0\x80", 2, 3, "not valid UTF-8");  /* surrogate */
    expect_error("ab\xE2\x80", 2, 3, "not valid UTF-8");      /* cut short */
    expect_error("\"ab\x80\"", 3, 4, "not valid UTF-8");
    expect_error("a\x01" "b", 1, 2, "control character");
    expect_error_n("a\0b", 3, 1, 2, "control character");
    expect_error("\"a\x1b\"", 2, 3, "control character");
    /* columns count characters, not bytes */
    expect_error("“café” )", 12, 8, "unbalanced ')' at column 8");
    expect_error("£5 AND", 4, 4, "AND needs something after it (column 4)");
}
END_TEST

START_TEST(test_api_edges)
{
    qp_node *n = (qp_node *)1;
    qp_error e;
    ck_assert_int_eq(qp_parse(NULL, 5, &n, &e), -1);
    ck_assert_ptr_null(n);
    ck_assert_str_eq(e.message, "empty query");
    ck_assert_int_eq(qp_parse("a", 1, NULL, &e), -1);
    ck_assert_int_eq(qp_parse("a )", 3, &n, NULL), -1); /* err may be NULL */
    ck_assert_ptr_null(n);
    ck_assert_int_eq(qp_parse("a", 1, &n, NULL), 0);
    qp_node_free(n);
    qp_node_free(NULL);
    char *d = qp_node_describe(NULL);
    ck_assert_str_eq(d, "()");
    free(d);
    /* quotes and backslashes are escaped in the description */
    const char *q = "say\\\"what\"";
    ck_assert_int_eq(qp_parse(q, 4, &n, &e), 0);
    d = qp_node_describe(n);
    ck_assert_str_eq(d, "(word \"say\\\\\")");
    free(d);
    qp_node_free(n);
}
END_TEST

/* ------------------------------------------------------------- limits */

static char *repeat(const char *unit, size_t times, const char *tail)
{
    size_t u = strlen(unit), t = strlen(tail);
    char *s = malloc(u * times + t + 1);
    ck_assert_ptr_nonnull(s);
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * u, unit, u);
    memcpy(s + u * times, tail, t + 1);
    return s;
}

START_TEST(test_limit_depth)
{
    char *open = repeat("(", 1000, "a");
    char *q = repeat(")", 1000, "");
    size_t lo = strlen(open), lq = strlen(q);
    char *full = malloc(lo + lq + 1);
    memcpy(full, open, lo);
    memcpy(full + lo, q, lq + 1);
    expect_error(full, 32, 33, "too deeply nested at column 33: the limit is 32");
    free(open);
    free(q);
    free(full);

    /* exactly 32 levels is fine */
    char buf[80];
    memset(buf, '(', 32);
    buf[32] = 'a';
    memset(buf + 33, ')', 32);
    buf[65] = '\0';
    expect_tree(buf, "(word \"a\")");
}
END_TEST

START_TEST(test_limit_terms)
{
    /* 10,000 ORs: the term limit is met before the length limit */
    char *q = repeat("a OR ", 10000, "a");
    expect_error(q, 256 * 5, 256 * 5 + 1,
                 "too many terms at column 1281: the limit is 256");
    free(q);

    q = repeat("w ", 255, "w");
    qp_node *n;
    qp_error e;
    ck_assert_int_eq(qp_parse(q, strlen(q), &n, &e), 0);
    ck_assert_uint_eq(n->n_kids, 256);
    qp_node_free(n);
    free(q);

    q = repeat("w ", 256, "w");
    expect_error(q, 512, 513, "too many terms");
    free(q);

    q = repeat("year:2019 ", 300, "");
    expect_error(q, 2560, 2561, "too many terms");
    free(q);

    /* phrases: 32 are fine, the 33rd is the error (at its column) */
    q = repeat("\"a b\" OR ", 31, "\"a b\"");
    ck_assert_int_eq(qp_parse(q, strlen(q), &n, &e), 0);
    qp_node_free(n);
    free(q);
    q = repeat("\"a b\" OR ", 32, "\"a b\"");
    expect_error(q, 32 * 9, 32 * 9 + 1, "too many phrases at column 289");
    free(q);

    /* a chain of NEAR: 8 words, not 9 */
    q = repeat("w NEAR ", 7, "w");
    ck_assert_int_eq(qp_parse(q, strlen(q), &n, &e), 0);
    ck_assert_uint_eq(n->n_kids, 8);
    qp_node_free(n);
    free(q);
    q = repeat("w NEAR ", 8, "w");
    expect_error(q, 8 * 7 - 5, 8 * 7 - 4, "too long a chain of NEAR");
    free(q);
}
END_TEST

START_TEST(test_limit_length)
{
    char *q = repeat("a", QP_MAX_QUERY_BYTES, "");
    qp_node *n;
    qp_error e;
    ck_assert_int_eq(qp_parse(q, strlen(q), &n, &e), 0);
    ck_assert_uint_eq(strlen(n->text), QP_MAX_QUERY_BYTES);
    qp_node_free(n);
    free(q);

    q = repeat("a", QP_MAX_QUERY_BYTES + 1, "");
    expect_error(q, 8192, 8193, "too long: the limit is 8192 bytes");
    free(q);

    q = repeat(" ", 9000, "");
    expect_error(q, 8192, 8193, "too long");
    free(q);

    q = repeat("x", 9000, "");
    q[0] = '"';
    expect_error(q, 8192, 8193, "too long");
    free(q);

    /* a multi-byte character cut by the limit is length, not bad UTF-8 */
    q = repeat("é", 5000, "");
    expect_error(q, 8192, 4097, "too long");
    free(q);
    char *tail = repeat("é", 5000, "");
    q = malloc(strlen(tail) + 2);
    q[0] = 'a'; /* shifts the characters: the limit now cuts one */
    strcpy(q + 1, tail);
    expect_error(q, 8191, 4097, "too long");
    free(q);
    free(tail);

    /* an error before the limit is reported first */
    q = repeat("b", 9000, "");
    q[0] = ')';
    expect_error(q, 0, 1, "unbalanced ')'");
    free(q);
}
END_TEST

/* --------------------------------------------------------- robustness */

static uint64_t rng_state;

static uint32_t rng(void)
{
    /* xorshift64*: seeded, so a failure can be replayed */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static void parse_checked(const char *q, size_t len)
{
    qp_node *n = (qp_node *)1;
    qp_error e;
    memset(&e, 0x55, sizeof e);
    int rc = qp_parse(q, len, &n, &e);
    if (rc == 0) {
        size_t leaves = 0;
        check_tree(n, NULL, len, &leaves);
        ck_assert_uint_ge(leaves, 1);
        char *d = qp_node_describe(n);
        ck_assert_ptr_nonnull(d);
        free(d);
        qp_node_free(n);
    } else {
        ck_assert_int_eq(rc, -1);
        ck_assert_ptr_null(n);
        ck_assert_uint_le(e.offset, len);
        ck_assert_uint_ge(e.column, 1);
        ck_assert_uint_le(e.column, e.offset + 1);
        ck_assert_uint_gt(strlen(e.message), 0);
        ck_assert_uint_lt(strlen(e.message), sizeof e.message);
    }
}

START_TEST(test_random_bytes)
{
    static const char pool[] = "aZ9 ()\"-+*:./'\t";
    char buf[96];
    rng_state = 0x9E3779B97F4A7C15ULL;
    for (int iter = 0; iter < 100000; iter++) {
        size_t len = rng() % sizeof buf;
        for (size_t i = 0; i < len; i++) {
            uint32_t r = rng();
            /* half raw bytes, half the language's own characters */
            buf[i] = (r & 1) ? (char)(r >> 8)
                             : pool[(r >> 8) % (sizeof pool - 1)];
        }
        parse_checked(buf, len);
    }
}
END_TEST

START_TEST(test_random_token_soup)
{
    static const char *const toks[] = {
        "a", "Apprentices", "off-the-job", "2015/16", "£40.8", "learners’",
        "10:30", "assess*", "*", "\"exact phrase\"", "“curly”", "\"", "“",
        "AND", "OR", "NOT", "NEAR", "NEAR/3", "NEAR/0", "(", ")", "-", "+",
        "-x", "+y", "and", "or", "grade:good", "-grade:good",
        "provider:\"Example College\"", "urn:123456", "urn:x",
        "year:2019", "year:2019..2021", "year:..2020", "year:20",
        "date:2019-05..", "date:..2020-12-31", "date:2019-02-29",
        "date:2019..2021", "kind:monitoring", "type:x", "section:\"a b\"",
        "foo:bar", "Note:", "grade:", "\"\"", "()", "é", "\xE2\x80",
    };
    const size_t ntoks = sizeof toks / sizeof toks[0];
    char buf[1024];
    size_t ok = 0;
    rng_state = 0xC0FFEE1234567ULL;
    for (int iter = 0; iter < 100000; iter++) {
        size_t n = 1 + rng() % 14, len = 0;
        for (size_t t = 0; t < n; t++) {
            const char *s = toks[rng() % ntoks];
            size_t l = strlen(s);
            if (len + l + 1 >= sizeof buf)
                break;
            memcpy(buf + len, s, l);
            len += l;
            if (rng() % 4)
                buf[len++] = ' ';
        }
        qp_node *tree;
        qp_error e;
        if (qp_parse(buf, len, &tree, &e) == 0) {
            ok++;
            qp_node_free(tree);
        }
        parse_checked(buf, len);
    }
    /* the soup must exercise both outcomes */
    ck_assert_uint_gt(ok, 1000);
    ck_assert_uint_lt(ok, 99000);
}
END_TEST

static Suite *qparse_suite(void)
{
    Suite *s = suite_create("qparse");
    TCase *tc = tcase_create("language");
    tcase_add_test(tc, test_words);
    tcase_add_test(tc, test_lowercase_operators_are_words);
    tcase_add_test(tc, test_prefix);
    tcase_add_test(tc, test_phrases);
    tcase_add_test(tc, test_and_or_precedence);
    tcase_add_test(tc, test_parentheses);
    tcase_add_test(tc, test_not_forms);
    tcase_add_test(tc, test_signs);
    tcase_add_test(tc, test_near);
    tcase_add_test(tc, test_filters);
    tcase_add_test(tc, test_ranges);
    tcase_add_test(tc, test_spans);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_test(tc, test_errors_structure);
    tcase_add_test(tc, test_errors_near);
    tcase_add_test(tc, test_errors_filters);
    tcase_add_test(tc, test_errors_wildcards_and_bytes);
    tcase_add_test(tc, test_api_edges);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_test(tc, test_limit_depth);
    tcase_add_test(tc, test_limit_terms);
    tcase_add_test(tc, test_limit_length);
    suite_add_tcase(s, tc);

    tc = tcase_create("robustness");
    /* generous: valgrind runs these 200,000 parses too */
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_random_bytes);
    tcase_add_test(tc, test_random_token_soup);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(qparse_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
