/* check_xapian_c.c - the C API over libxapian, against real databases in a
 * temporary directory. */
#define _XOPEN_SOURCE 700

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../xapian-c/xapian-c.h"

#define CK_OK(expr)                                                         \
    do {                                                                    \
        int ck_rc_ = (expr);                                                \
        ck_assert_msg(ck_rc_ == XC_OK, "%s: status %d (%s): %s", #expr,     \
                      ck_rc_, xc_status_to_string(ck_rc_), xc_last_error()); \
    } while (0)

/* Asserts the status and that a message came with it. */
#define CK_FAILS(expr, status)                                              \
    do {                                                                    \
        int ck_rc_ = (expr);                                                \
        ck_assert_msg(ck_rc_ == (status), "%s: status %d, wanted %d (%s)",  \
                      #expr, ck_rc_, (status), xc_last_error());            \
        ck_assert_msg(xc_last_error()[0] != '\0',                           \
                      "%s: failed without a message", #expr);               \
    } while (0)

/* Each test works in its own directory under one base directory. The base
 * is made and removed by an unchecked fixture, which runs in the parent
 * process: in fork mode a failing test's child exits without its checked
 * teardown, and the base's removal still cleans up after it. */
static char basedir[PATH_MAX];
static char tmpdir[PATH_MAX];

static int rm_entry(const char *path, const struct stat *sb, int flag,
                    struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0; /* keep going: remove as much as possible */
}

static void rm_tree(const char *dir)
{
    if (dir[0] != '\0')
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void base_setup(void)
{
    const char *base = getenv("TMPDIR");
    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    snprintf(basedir, sizeof basedir, "%s/check_xapian_c.XXXXXX", base);
    ck_assert_msg(mkdtemp(basedir) != NULL, "mkdtemp %s: %s", basedir,
                  strerror(errno));
}

static void base_teardown(void)
{
    rm_tree(basedir);
    basedir[0] = '\0';
}

static void setup(void)
{
    int n = snprintf(tmpdir, sizeof tmpdir, "%s/test.XXXXXX", basedir);
    ck_assert(n > 0 && (size_t)n < sizeof tmpdir);
    ck_assert_msg(mkdtemp(tmpdir) != NULL, "mkdtemp %s: %s", tmpdir,
                  strerror(errno));
}

static void teardown(void)
{
    rm_tree(tmpdir);
    tmpdir[0] = '\0';
}

static void path_in(char *buf, size_t size, const char *name)
{
    int n = snprintf(buf, size, "%s/%s", tmpdir, name);
    ck_assert(n > 0 && (size_t)n < size);
}

/* ---------- a small corpus ---------- */

struct fixture_doc {
    const char *uid;
    const char *text;
    const char *date;  /* slot 0 */
    const char *grade; /* slot 1 */
    const char *rid;   /* slot 2 */
    const char *kind;  /* boolean term XK... */
};

static const struct fixture_doc corpus[] = {
    {"Q1", "learners make good progress in english and maths", "2019-05-01",
     "2", "rA", "XKfull"},
    {"Q2", "apprentices make slow progress", "2021-03-10", "3", "rA",
     "XKshort"},
    {"Q3", "progress progress progress for learners with high needs",
     "2017-11-20", "1", "rB", "XKfull"},
    {"Q4", "safeguarding arrangements are effective for learners",
     "2023-01-15", "2", "rC", "XKfull"},
    {"Q5", "english learners progress", "2015-06-01", "4", "rB", "XKshort"},
};
#define N_CORPUS (sizeof corpus / sizeof corpus[0])

static void fill_doc(xc_doc *doc, const struct fixture_doc *fd)
{
    char buf[256];
    char *save = NULL;
    uint32_t pos = 1;

    ck_assert(strlen(fd->text) < sizeof buf);
    strcpy(buf, fd->text);
    for (char *w = strtok_r(buf, " ", &save); w != NULL;
         w = strtok_r(NULL, " ", &save))
        CK_OK(xc_doc_add_posting(doc, w, pos++, 1));
    CK_OK(xc_doc_add_boolean_term(doc, fd->uid));
    CK_OK(xc_doc_add_boolean_term(doc, fd->kind));
    CK_OK(xc_doc_add_value(doc, 0, fd->date, strlen(fd->date)));
    CK_OK(xc_doc_add_value(doc, 1, fd->grade, strlen(fd->grade)));
    CK_OK(xc_doc_add_value(doc, 2, fd->rid, strlen(fd->rid)));
    CK_OK(xc_doc_set_data(doc, fd->text, strlen(fd->text)));
}

static void add_fixture(xc_db *db, const struct fixture_doc *fd,
                        uint32_t *docid)
{
    xc_doc *doc = NULL;
    CK_OK(xc_doc_new(&doc));
    fill_doc(doc, fd);
    CK_OK(xc_db_replace_document(db, fd->uid, doc, docid));
    xc_doc_free(doc);
}

/* Builds the corpus at tmpdir/name, committed and closed. */
static void build_corpus(const char *name, size_t from, size_t to)
{
    char path[PATH_MAX];
    xc_db *db = NULL;

    path_in(path, sizeof path, name);
    CK_OK(xc_db_open(path, XC_OPEN_WRITE, &db));
    for (size_t i = from; i < to; i++) {
        uint32_t id = 0;
        add_fixture(db, &corpus[i], &id);
        ck_assert_uint_eq(id, i - from + 1);
    }
    CK_OK(xc_db_commit(db));
    CK_OK(xc_db_close(db));
}

static xc_db *open_corpus(void)
{
    char path[PATH_MAX];
    xc_db *db = NULL;

    build_corpus("db", 0, N_CORPUS);
    path_in(path, sizeof path, "db");
    CK_OK(xc_db_open(path, XC_OPEN_READ, &db));
    ck_assert_ptr_nonnull(db);
    return db;
}

static xc_query *term_q(const char *term)
{
    xc_query *q = NULL;
    CK_OK(xc_query_term(term, 1, 0, &q));
    return q;
}

/* Combines and frees the subqueries. */
static xc_query *combine2(xc_query_op op, xc_query *a, xc_query *b,
                          uint32_t window)
{
    xc_query *subs[2] = {a, b};
    xc_query *q = NULL;
    CK_OK(xc_query_combine(op, subs, 2, window, &q));
    xc_query_free(a);
    xc_query_free(b);
    return q;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The docids of an mset as "1,3,5", in rank order or sorted. */
static void mset_ids(const xc_mset *ms, int sorted, char *out, size_t size)
{
    uint32_t ids[64];
    uint32_t n = xc_mset_size(ms);
    size_t used = 0;

    ck_assert_uint_le(n, 64);
    for (uint32_t i = 0; i < n; i++)
        CK_OK(xc_mset_item(ms, i, &ids[i], NULL, NULL));
    if (sorted)
        qsort(ids, n, sizeof ids[0], cmp_u32);
    out[0] = '\0';
    for (uint32_t i = 0; i < n; i++) {
        int k = snprintf(out + used, size - used, "%s%u", i ? "," : "",
                         (unsigned)ids[i]);
        ck_assert(k > 0 && (size_t)k < size - used);
        used += (size_t)k;
    }
}

static xc_mset *run(xc_db *db, xc_query *q)
{
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;

    CK_OK(xc_enquire_new(db, &enq));
    CK_OK(xc_enquire_set_query(enq, q));
    CK_OK(xc_enquire_get_mset(enq, 0, 50, 50, &ms));
    xc_enquire_free(enq);
    return ms;
}

/* Runs `q` (and frees it), and checks the sorted docids. */
static void expect_docs(xc_db *db, xc_query *q, const char *want)
{
    char got[256];
    xc_mset *ms = run(db, q);
    mset_ids(ms, 1, got, sizeof got);
    ck_assert_str_eq(got, want);
    ck_assert_uint_eq(xc_mset_matches_estimated(ms), xc_mset_size(ms));
    xc_mset_free(ms);
    xc_query_free(q);
}

/* ---------- status and arguments ---------- */

/* Length normalisation in the wdf (indexer/terms.h, WDF_SCALE): only the
 * prefixes named scale, rounded to the nearest; a factor below 1 is
 * refused, as it could not be done by adding. */
START_TEST(test_scale_wdf)
{
    xc_doc *doc = NULL;
    CK_OK(xc_doc_new(&doc));
    CK_OK(xc_doc_add_posting(doc, "Zlearn", 1, 1));
    CK_OK(xc_doc_add_posting(doc, "Zlearn", 5, 1));
    CK_OK(xc_doc_add_posting(doc, "Kprevent", 2, 1));
    CK_OK(xc_doc_add_term(doc, "Ximport", 3));
    CK_OK(xc_doc_add_boolean_term(doc, "XDpassage"));
    CK_OK(xc_doc_scale_wdf(doc, "ZK", 2.6));
    CK_FAILS(xc_doc_scale_wdf(doc, "ZK", 0.5), XC_ERR_INVALID);
    xc_termiter *it = NULL;
    CK_OK(xc_doc_termlist(doc, &it));
    const char *t;
    size_t len;
    uint32_t wdf;
    int seen = 0;
    while (xc_termiter_next(it, &t, &len, &wdf) == 1) {
        if (len == 8 && memcmp(t, "Kprevent", 8) == 0) {
            ck_assert_uint_eq(wdf, 3); /* 1 x 2.6 */
            seen |= 1;
        } else if (len == 6 && memcmp(t, "Zlearn", 6) == 0) {
            ck_assert_uint_eq(wdf, 5); /* 2 x 2.6 */
            seen |= 2;
        } else if (len == 7 && memcmp(t, "Ximport", 7) == 0) {
            ck_assert_uint_eq(wdf, 3); /* not a prefix named */
            seen |= 4;
        } else if (len == 9 && memcmp(t, "XDpassage", 9) == 0) {
            ck_assert_uint_eq(wdf, 0);
            seen |= 8;
        }
    }
    ck_assert_int_eq(seen, 15);
    xc_termiter_free(it);
    xc_doc_free(doc);
}
END_TEST

START_TEST(test_status_strings)
{
    static const int codes[] = {
        XC_OK, XC_ERR_NOMEM, XC_ERR_LOCK, XC_ERR_OPENING, XC_ERR_CORRUPT,
        XC_ERR_MODIFIED, XC_ERR_QUERY, XC_ERR_NOT_FOUND, XC_ERR_INVALID,
        XC_ERR_IO, XC_ERR_XAPIAN, XC_ERR_UNKNOWN, XC_ERR_NETWORK};
    const size_t n = sizeof codes / sizeof codes[0];
    const char *other = xc_status_to_string(-1000);

    ck_assert_ptr_nonnull(other);
    for (size_t i = 0; i < n; i++) {
        const char *s = xc_status_to_string(codes[i]);
        ck_assert_ptr_nonnull(s);
        ck_assert_uint_gt(strlen(s), 0);
        ck_assert_str_ne(s, other);
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(s, xc_status_to_string(codes[j]));
    }
    ck_assert_str_eq(xc_status_to_string(XC_ERR_LOCK), "lock");
    ck_assert_str_eq(xc_status_to_string(XC_ERR_CORRUPT), "corrupt");
    ck_assert_str_eq(xc_status_to_string(1), other);
    /* libxapian's own version, "1.4.22" or similar. */
    ck_assert_ptr_nonnull(xc_version_string());
    ck_assert_ptr_nonnull(strchr(xc_version_string(), '.'));
}
END_TEST

START_TEST(test_null_arguments)
{
    xc_db *db = NULL;
    xc_doc *doc = NULL;
    xc_query *q = NULL;
    uint32_t u = 0;
    const char *s = NULL;
    size_t len = 0;

    CK_FAILS(xc_db_open(NULL, XC_OPEN_READ, &db), XC_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(xc_last_error(), "path"));
    CK_FAILS(xc_db_open("/nonexistent", XC_OPEN_READ, NULL), XC_ERR_INVALID);
    CK_FAILS(xc_db_open_many(NULL, 1, &db), XC_ERR_INVALID);
    {
        const char *paths[2] = {"/x", NULL};
        CK_FAILS(xc_db_open_many(paths, 2, &db), XC_ERR_INVALID);
        ck_assert_ptr_null(db);
    }
    CK_FAILS(xc_db_doccount(NULL, &u), XC_ERR_INVALID);
    CK_FAILS(xc_db_termfreq(NULL, "x", &u), XC_ERR_INVALID);
    CK_FAILS(xc_db_reopen(NULL), XC_ERR_INVALID);
    CK_FAILS(xc_db_commit(NULL), XC_ERR_INVALID);
    CK_FAILS(xc_db_get_metadata(NULL, "k", NULL, NULL), XC_ERR_INVALID);
    CK_FAILS(xc_doc_new(NULL), XC_ERR_INVALID);
    CK_FAILS(xc_doc_add_posting(NULL, "x", 1, 1), XC_ERR_INVALID);
    CK_FAILS(xc_doc_get_data(NULL, &s, &len), XC_ERR_INVALID);
    CK_FAILS(xc_query_term(NULL, 1, 0, &q), XC_ERR_INVALID);
    CK_FAILS(xc_query_term("", 1, 0, &q), XC_ERR_INVALID);
    ck_assert_ptr_null(q);
    CK_FAILS(xc_query_combine(XC_OP_AND, NULL, 2, 0, &q), XC_ERR_INVALID);
    CK_FAILS(xc_query_describe(NULL, NULL), XC_ERR_INVALID);
    CK_FAILS(xc_enquire_new(NULL, NULL), XC_ERR_INVALID);
    CK_FAILS(xc_enquire_get_mset(NULL, 0, 10, 0, NULL), XC_ERR_INVALID);
    CK_FAILS(xc_mset_item(NULL, 0, &u, NULL, NULL), XC_ERR_INVALID);
    CK_FAILS(xc_mset_facet(NULL, 0, 0, &s, &len, &u), XC_ERR_INVALID);
    CK_FAILS(xc_termiter_next(NULL, &s, &len, &u), XC_ERR_INVALID);
    CK_FAILS(xc_stemmer_new(NULL, NULL), XC_ERR_INVALID);
    CK_FAILS(xc_stemmer_stem(NULL, "x", 1, NULL, 0, NULL), XC_ERR_INVALID);
    ck_assert_uint_eq(xc_mset_size(NULL), 0);

    /* Releasing NULL is allowed. */
    ck_assert_int_eq(xc_db_close(NULL), XC_OK);
    xc_doc_free(NULL);
    xc_query_free(NULL);
    xc_enquire_free(NULL);
    xc_mset_free(NULL);
    xc_termiter_free(NULL);
    xc_stemmer_free(NULL);

    /* A non-NULL but empty buffer pair is fine. */
    CK_OK(xc_doc_new(&doc));
    CK_OK(xc_doc_set_data(doc, NULL, 0));
    CK_FAILS(xc_doc_set_data(doc, NULL, 3), XC_ERR_INVALID);
    xc_doc_free(doc);
    CK_FAILS(xc_query_combine((xc_query_op)99, NULL, 0, 0, &q),
             XC_ERR_INVALID);
}
END_TEST

/* ---------- databases and documents ---------- */

START_TEST(test_write_reopen)
{
    char path[PATH_MAX];
    xc_db *db = NULL, *rd = NULL;
    xc_doc *doc = NULL;
    uint32_t id = 0, u = 0;
    uint32_t ids[8];
    size_t n = 0;
    double avlen = 0;

    path_in(path, sizeof path, "w");
    CK_OK(xc_db_open(path, XC_OPEN_WRITE, &db));
    for (size_t i = 0; i < N_CORPUS; i++)
        add_fixture(db, &corpus[i], NULL);
    CK_OK(xc_db_commit(db));

    /* A reader opened now sees the commit, and keeps seeing it until it
     * reopens. */
    CK_OK(xc_db_open(path, XC_OPEN_READ, &rd));
    CK_OK(xc_db_doccount(rd, &u));
    ck_assert_uint_eq(u, 5);

    /* Replacing by unique term keeps the docid and the count. */
    CK_OK(xc_doc_new(&doc));
    CK_OK(xc_doc_add_posting(doc, "rewritten", 1, 1));
    CK_OK(xc_doc_add_boolean_term(doc, "Q2"));
    CK_OK(xc_db_replace_document(db, "Q2", doc, &id));
    xc_doc_free(doc);
    ck_assert_uint_eq(id, 2);

    /* A new unique term adds a document. */
    CK_OK(xc_doc_new(&doc));
    CK_OK(xc_doc_add_posting(doc, "progress", 1, 1));
    CK_OK(xc_doc_add_boolean_term(doc, "Q6"));
    CK_OK(xc_db_replace_document(db, "Q6", doc, &id));
    ck_assert_uint_eq(id, 6);
    CK_OK(xc_db_add_document(db, doc, &id));
    ck_assert_uint_eq(id, 7);
    xc_doc_free(doc);

    /* Q6 now indexes two documents: deleting by term removes both, and
     * deleting a term nothing has is not an error. */
    CK_OK(xc_db_termfreq(db, "Q6", &u));
    ck_assert_uint_eq(u, 2);
    CK_OK(xc_db_delete_documents(db, "Q6"));
    CK_OK(xc_db_delete_documents(db, "Qnothing"));
    CK_OK(xc_db_delete_document(db, 5));
    CK_FAILS(xc_db_delete_document(db, 5), XC_ERR_NOT_FOUND);
    /* The writer sees its own uncommitted changes. */
    CK_OK(xc_db_doccount(db, &u));
    ck_assert_uint_eq(u, 4);
    CK_OK(xc_db_commit(db));

    CK_OK(xc_db_doccount(rd, &u));
    ck_assert_uint_eq(u, 5);
    CK_OK(xc_db_reopen(rd));
    CK_OK(xc_db_doccount(rd, &u));
    ck_assert_uint_eq(u, 4);
    CK_OK(xc_db_lastdocid(rd, &u));
    ck_assert_uint_eq(u, 7);
    CK_OK(xc_db_termfreq(rd, "rewritten", &u));
    ck_assert_uint_eq(u, 1);
    CK_OK(xc_db_termfreq(rd, "apprentices", &u));
    ck_assert_uint_eq(u, 0);
    CK_OK(xc_db_termfreq(rd, "Q6", &u));
    ck_assert_uint_eq(u, 0);

    /* progress: Q1 once, Q3 three times (Q2 rewritten, Q5 deleted). */
    CK_OK(xc_db_termfreq(rd, "progress", &u));
    ck_assert_uint_eq(u, 2);
    CK_OK(xc_db_collection_freq(rd, "progress", &u));
    ck_assert_uint_eq(u, 4);
    CK_OK(xc_db_first_posting(rd, "progress", &u));
    ck_assert_uint_eq(u, 1);
    CK_OK(xc_db_first_posting(rd, "absent", &u));
    ck_assert_uint_eq(u, 0);
    CK_OK(xc_db_first_posting(rd, "Q4", &u));
    ck_assert_uint_eq(u, 4);
    CK_OK(xc_db_postings(rd, "learners", ids, 8, &n));
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(ids[0], 1);
    ck_assert_uint_eq(ids[1], 3);
    ck_assert_uint_eq(ids[2], 4);
    CK_OK(xc_db_postings(rd, "learners", ids, 2, &n));
    ck_assert_uint_eq(n, 2);
    CK_OK(xc_db_postings(rd, "learners", NULL, 0, &n));
    ck_assert_uint_eq(n, 0);

    /* Lengths: Q1 8, Q3 8, Q4 6, rewritten Q2 1 (boolean terms add no
     * length). */
    CK_OK(xc_db_avlength(rd, &avlen));
    ck_assert_double_eq_tol(avlen, (8 + 8 + 6 + 1) / 4.0, 1e-9);

    CK_FAILS(xc_db_get_document(rd, 5, &doc), XC_ERR_NOT_FOUND);
    ck_assert_ptr_null(doc);
    CK_FAILS(xc_db_commit(rd), XC_ERR_INVALID);
    CK_FAILS(xc_db_add_document(rd, doc, NULL), XC_ERR_INVALID);

    CK_OK(xc_db_close(rd));
    CK_OK(xc_db_close(db));

    /* Uncommitted changes are dropped by close. */
    CK_OK(xc_db_open(path, XC_OPEN_WRITE_EXISTING, &db));
    CK_OK(xc_db_delete_document(db, 1));
    CK_OK(xc_db_close(db));
    CK_OK(xc_db_open(path, XC_OPEN_READ, &rd));
    CK_OK(xc_db_doccount(rd, &u));
    ck_assert_uint_eq(u, 4);
    CK_OK(xc_db_close(rd));
}
END_TEST

START_TEST(test_transactions)
{
    char path[PATH_MAX];
    xc_db *db = NULL;
    uint32_t u = 0;

    path_in(path, sizeof path, "tx");
    CK_OK(xc_db_open(path, XC_OPEN_WRITE, &db));
    CK_OK(xc_db_begin_transaction(db, 1));
    add_fixture(db, &corpus[0], NULL);
    CK_OK(xc_db_cancel_transaction(db));
    CK_OK(xc_db_doccount(db, &u));
    ck_assert_uint_eq(u, 0);

    CK_OK(xc_db_begin_transaction(db, 1));
    add_fixture(db, &corpus[0], NULL);
    add_fixture(db, &corpus[1], NULL);
    CK_FAILS(xc_db_begin_transaction(db, 0), XC_ERR_INVALID);
    CK_OK(xc_db_commit_transaction(db));
    CK_FAILS(xc_db_commit_transaction(db), XC_ERR_INVALID);
    CK_OK(xc_db_close(db));

    /* A flushed transaction is committed on its own. */
    CK_OK(xc_db_open(path, XC_OPEN_READ, &db));
    CK_OK(xc_db_doccount(db, &u));
    ck_assert_uint_eq(u, 2);
    CK_OK(xc_db_close(db));
}
END_TEST

START_TEST(test_metadata)
{
    char path[PATH_MAX];
    xc_db *db = NULL;
    char *v = NULL;
    size_t len = 99;
    static const char bin[] = {'a', '\0', 'b'};

    path_in(path, sizeof path, "meta");
    CK_OK(xc_db_open(path, XC_OPEN_WRITE, &db));
    CK_OK(xc_db_set_metadata(db, "insearch:format", "1", 1));
    CK_OK(xc_db_set_metadata(db, "bin", bin, sizeof bin));
    CK_OK(xc_db_commit(db));
    CK_OK(xc_db_close(db));

    CK_OK(xc_db_open(path, XC_OPEN_READ, &db));
    CK_OK(xc_db_get_metadata(db, "insearch:format", &v, &len));
    ck_assert_str_eq(v, "1");
    ck_assert_uint_eq(len, 1);
    free(v);
    CK_OK(xc_db_get_metadata(db, "bin", &v, &len));
    ck_assert_uint_eq(len, 3);
    ck_assert_int_eq(memcmp(v, bin, 3), 0);
    free(v);
    CK_OK(xc_db_get_metadata(db, "unset", &v, NULL));
    ck_assert_str_eq(v, "");
    free(v);
    CK_FAILS(xc_db_set_metadata(db, "k", "v", 1), XC_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(xc_last_error(), "read-only"));
    CK_OK(xc_db_close(db));
}
END_TEST

START_TEST(test_document_roundtrip)
{
    xc_db *db = open_corpus();
    xc_doc *doc = NULL;
    xc_termiter *it = NULL;
    const char *s = NULL, *s2 = NULL;
    size_t len = 0;
    uint32_t freq = 0;
    int r, n;
    static const char bin[] = {'x', '\0', 'y', '\xff'};

    CK_OK(xc_db_get_document(db, 3, &doc));
    CK_OK(xc_doc_get_data(doc, &s, &len));
    ck_assert_uint_eq(len, strlen(corpus[2].text));
    ck_assert_str_eq(s, corpus[2].text);
    CK_OK(xc_doc_get_value(doc, 0, &s, &len));
    ck_assert_str_eq(s, "2017-11-20");
    ck_assert_uint_eq(len, 10);
    CK_OK(xc_doc_get_value(doc, 2, &s, &len));
    ck_assert_str_eq(s, "rB");
    CK_OK(xc_doc_get_value(doc, 9, &s, &len));
    ck_assert_str_eq(s, "");
    ck_assert_uint_eq(len, 0);

    /* Terms in byte order, with their wdf. */
    CK_OK(xc_doc_termlist(doc, &it));
    static const char *const want[] = {"Q3", "XKfull", "for", "high",
                                       "learners", "needs", "progress",
                                       "with"};
    static const uint32_t want_wdf[] = {0, 0, 1, 1, 1, 1, 3, 1};
    n = 0;
    while ((r = xc_termiter_next(it, &s, &len, &freq)) == 1) {
        ck_assert_int_lt(n, 8);
        ck_assert_str_eq(s, want[n]);
        ck_assert_uint_eq(len, strlen(want[n]));
        ck_assert_uint_eq(freq, want_wdf[n]);
        n++;
    }
    ck_assert_int_eq(r, 0);
    ck_assert_int_eq(n, 8);
    ck_assert_int_eq(xc_termiter_next(it, &s, NULL, NULL), 0);
    xc_termiter_free(it);
    xc_doc_free(doc);

    /* The whole database's terms under a prefix, with term frequencies. */
    CK_OK(xc_db_allterms(db, "XK", &it));
    ck_assert_int_eq(xc_termiter_next(it, &s, &len, &freq), 1);
    ck_assert_str_eq(s, "XKfull");
    ck_assert_uint_eq(freq, 3);
    ck_assert_int_eq(xc_termiter_next(it, &s, &len, &freq), 1);
    ck_assert_str_eq(s, "XKshort");
    ck_assert_uint_eq(freq, 2);
    ck_assert_int_eq(xc_termiter_next(it, &s, &len, &freq), 0);
    xc_termiter_free(it);
    CK_OK(xc_db_allterms(db, "", &it));
    n = 0;
    while ((r = xc_termiter_next(it, &s, NULL, NULL)) == 1)
        n++;
    ck_assert_int_eq(r, 0);
    /* 18 distinct words, Q1..Q5, XKfull, XKshort. */
    ck_assert_int_eq(n, 25);
    xc_termiter_free(it);
    CK_OK(xc_db_close(db));

    /* A document that was never stored, with binary data and values. */
    CK_OK(xc_doc_new(&doc));
    CK_OK(xc_doc_set_data(doc, bin, sizeof bin));
    CK_OK(xc_doc_add_value(doc, 5, bin, sizeof bin));
    CK_OK(xc_doc_add_term(doc, "b", 2));
    CK_OK(xc_doc_add_term(doc, "a", 1));
    CK_OK(xc_doc_add_term(doc, "b", 3));
    CK_OK(xc_doc_get_data(doc, &s, &len));
    CK_OK(xc_doc_get_value(doc, 5, &s2, NULL));
    /* Data and value are held apart, so both stay readable. */
    ck_assert_uint_eq(len, sizeof bin);
    ck_assert_int_eq(memcmp(s, bin, sizeof bin), 0);
    ck_assert_int_eq(memcmp(s2, bin, sizeof bin), 0);
    CK_OK(xc_doc_termlist(doc, &it));
    ck_assert_int_eq(xc_termiter_next(it, &s, &len, &freq), 1);
    ck_assert_str_eq(s, "a");
    ck_assert_uint_eq(freq, 1);
    ck_assert_int_eq(xc_termiter_next(it, &s, &len, &freq), 1);
    ck_assert_str_eq(s, "b");
    ck_assert_uint_eq(freq, 5);
    ck_assert_int_eq(xc_termiter_next(it, &s, &len, &freq), 0);
    xc_termiter_free(it);
    xc_doc_free(doc);
}
END_TEST

START_TEST(test_open_many)
{
    char a[PATH_MAX], b[PATH_MAX], stub[PATH_MAX];
    const char *paths[2];
    xc_db *db = NULL;
    xc_doc *doc = NULL;
    xc_mset *ms = NULL;
    xc_query *q;
    uint32_t u = 0;
    const char *s;
    FILE *f;

    build_corpus("shard-a", 0, 2);
    build_corpus("shard-b", 2, 5);
    path_in(a, sizeof a, "shard-a");
    path_in(b, sizeof b, "shard-b");
    /* A stub database file naming shard a. */
    path_in(stub, sizeof stub, "stub");
    f = fopen(stub, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "auto %s\n", a);
    ck_assert_int_eq(fclose(f), 0);

    paths[0] = stub;
    paths[1] = b;
    CK_OK(xc_db_open_many(paths, 2, &db));
    CK_OK(xc_db_doccount(db, &u));
    ck_assert_uint_eq(u, 5);
    CK_OK(xc_db_termfreq(db, "progress", &u));
    ck_assert_uint_eq(u, 4);

    /* Docids interleave: shard a's n-th document is 2n-1. */
    q = term_q("apprentices");
    ms = run(db, q);
    xc_query_free(q);
    ck_assert_uint_eq(xc_mset_size(ms), 1);
    CK_OK(xc_mset_item(ms, 0, &u, NULL, NULL));
    ck_assert_uint_eq(u, 3);
    CK_OK(xc_mset_get_document(ms, 0, &doc));
    CK_OK(xc_doc_get_data(doc, &s, NULL));
    ck_assert_str_eq(s, corpus[1].text);
    xc_doc_free(doc);
    xc_mset_free(ms);
    CK_FAILS(xc_db_set_metadata(db, "k", "v", 1), XC_ERR_INVALID);
    CK_OK(xc_db_close(db));

    /* No shards: an empty database. */
    CK_OK(xc_db_open_many(paths, 0, &db));
    CK_OK(xc_db_doccount(db, &u));
    ck_assert_uint_eq(u, 0);
    CK_OK(xc_db_close(db));

    /* One missing shard fails the whole open. */
    path_in(b, sizeof b, "no-such-shard");
    paths[1] = b;
    CK_FAILS(xc_db_open_many(paths, 2, &db), XC_ERR_OPENING);
    ck_assert_ptr_null(db);
}
END_TEST

/* Shards added one by one: the same database as opening them together,
 * and a shard that fails to open leaves the others usable. */
START_TEST(test_add_shards)
{
    char a[PATH_MAX], b[PATH_MAX], missing[PATH_MAX];
    xc_db *db = NULL;
    uint32_t u = 0;

    build_corpus("add-a", 0, 2);
    build_corpus("add-b", 2, 5);
    path_in(a, sizeof a, "add-a");
    path_in(b, sizeof b, "add-b");
    path_in(missing, sizeof missing, "add-missing");

    CK_OK(xc_db_new_multi(&db));
    CK_OK(xc_db_add_path(db, a));
    CK_FAILS(xc_db_add_path(db, missing), XC_ERR_OPENING);
    ck_assert_ptr_nonnull(strstr(xc_last_error(), "add-missing"));
    /* Port 1 on loopback: nothing listens there, so connecting is refused
     * at once; a network error, not an opening one. */
    CK_FAILS(xc_db_add_remote(db, "127.0.0.1", 1, 2000, 2000),
             XC_ERR_NETWORK);
    ck_assert_str_eq(xc_status_to_string(XC_ERR_NETWORK), "network");
    CK_FAILS(xc_db_add_remote_prog(db, "/nonexistent/xapian-progsrv", "x",
                                   2000),
             XC_ERR_NETWORK);
    CK_OK(xc_db_add_path(db, b));
    CK_OK(xc_db_doccount(db, &u));
    ck_assert_uint_eq(u, 5);
    CK_OK(xc_db_termfreq(db, "progress", &u));
    ck_assert_uint_eq(u, 4);
    CK_FAILS(xc_db_add_path(NULL, a), XC_ERR_INVALID);
    CK_FAILS(xc_db_add_remote(db, NULL, 1, 1, 1), XC_ERR_INVALID);
    CK_OK(xc_db_close(db));
}
END_TEST

/* ---------- queries ---------- */

START_TEST(test_phrase_near)
{
    xc_db *db = open_corpus();

    /* Exact phrase. */
    expect_docs(db, combine2(XC_OP_PHRASE, term_q("learners"),
                             term_q("progress"), 0), "5");
    {
        xc_query *subs[3] = {term_q("make"), term_q("good"),
                             term_q("progress")};
        xc_query *q = NULL;
        CK_OK(xc_query_combine(XC_OP_PHRASE, subs, 3, 0, &q));
        for (int i = 0; i < 3; i++)
            xc_query_free(subs[i]);
        expect_docs(db, q, "1");
    }
    expect_docs(db, combine2(XC_OP_PHRASE, term_q("make"),
                             term_q("progress"), 0), "");
    /* In order within three positions: "make good progress", "make slow
     * progress". */
    expect_docs(db, combine2(XC_OP_PHRASE, term_q("make"),
                             term_q("progress"), 3), "1,2");
    /* Order matters for a phrase... */
    expect_docs(db, combine2(XC_OP_PHRASE, term_q("progress"),
                             term_q("make"), 3), "");
    /* ...but not for NEAR. */
    expect_docs(db, combine2(XC_OP_NEAR, term_q("progress"),
                             term_q("make"), 3), "1,2");
    /* Q3 "progress for learners" spans 3, Q5 "learners progress" 2; Q1's
     * are 4 apart. */
    expect_docs(db, combine2(XC_OP_NEAR, term_q("progress"),
                             term_q("learners"), 3), "3,5");
    expect_docs(db, combine2(XC_OP_NEAR, term_q("progress"),
                             term_q("learners"), 4), "1,3,5");
    CK_OK(xc_db_close(db));
}
END_TEST

START_TEST(test_boolean_ops)
{
    xc_db *db = open_corpus();
    xc_mset *ms;
    xc_query *q, *plain;
    double w_filter = 0, w_plain = 0;
    uint32_t id = 0, id2 = 0;
    char ids[64];
    char *desc = NULL;

    expect_docs(db, combine2(XC_OP_AND, term_q("learners"),
                             term_q("english"), 0), "1,5");
    expect_docs(db, combine2(XC_OP_OR, term_q("apprentices"),
                             term_q("safeguarding"), 0), "2,4");
    expect_docs(db, combine2(XC_OP_AND_NOT, term_q("learners"),
                             term_q("english"), 0), "3,4");
    expect_docs(db, combine2(XC_OP_SYNONYM, term_q("apprentices"),
                             term_q("safeguarding"), 0), "2,4");
    expect_docs(db, combine2(XC_OP_FILTER, term_q("progress"),
                             term_q("XKfull"), 0), "1,3");
    {
        /* AND_NOT takes away the OR of all the rest. */
        xc_query *subs[3] = {term_q("learners"), term_q("english"),
                             term_q("safeguarding")};
        CK_OK(xc_query_combine(XC_OP_AND_NOT, subs, 3, 0, &q));
        for (int i = 0; i < 3; i++)
            xc_query_free(subs[i]);
        expect_docs(db, q, "3");
    }

    /* A filter adds no weight. */
    q = combine2(XC_OP_FILTER, term_q("progress"), term_q("XKshort"), 0);
    ms = run(db, q);
    xc_query_free(q);
    mset_ids(ms, 1, ids, sizeof ids);
    ck_assert_str_eq(ids, "2,5");
    CK_OK(xc_mset_item(ms, 0, &id, &w_filter, NULL));
    xc_mset_free(ms);
    plain = term_q("progress");
    ms = run(db, plain);
    for (uint32_t i = 0; i < xc_mset_size(ms); i++) {
        double w;
        CK_OK(xc_mset_item(ms, i, &id2, &w, NULL));
        if (id2 == id)
            w_plain = w;
    }
    xc_mset_free(ms);
    ck_assert_double_gt(w_plain, 0);
    ck_assert_double_eq_tol(w_filter, w_plain, 1e-9);

    /* Scaling by zero keeps the matches and drops the weight. */
    CK_OK(xc_query_scale_weight(plain, 0.0, &q));
    ms = run(db, q);
    ck_assert_uint_eq(xc_mset_size(ms), 4);
    CK_OK(xc_mset_item(ms, 0, NULL, &w_plain, NULL));
    ck_assert_double_eq(w_plain, 0.0);
    xc_mset_free(ms);
    xc_query_free(q);
    CK_FAILS(xc_query_scale_weight(plain, -1.0, &q), XC_ERR_INVALID);
    ck_assert_ptr_null(q);

    /* Describe gives Xapian's form. */
    CK_OK(xc_query_describe(plain, &desc));
    ck_assert_ptr_nonnull(strstr(desc, "progress"));
    free(desc);
    xc_query_free(plain);

    /* AND_MAYBE: every learner, the ones with "english" first. */
    q = combine2(XC_OP_AND_MAYBE, term_q("learners"), term_q("english"), 0);
    ms = run(db, q);
    xc_query_free(q);
    mset_ids(ms, 1, ids, sizeof ids);
    ck_assert_str_eq(ids, "1,3,4,5");
    CK_OK(xc_mset_item(ms, 0, &id, NULL, NULL));
    CK_OK(xc_mset_item(ms, 1, &id2, NULL, NULL));
    ck_assert((id == 1 && id2 == 5) || (id == 5 && id2 == 1));
    CK_FAILS(xc_mset_item(ms, 4, &id, NULL, NULL), XC_ERR_INVALID);
    xc_mset_free(ms);

    CK_OK(xc_query_match_all(&q));
    expect_docs(db, q, "1,2,3,4,5");
    CK_OK(xc_query_match_nothing(&q));
    expect_docs(db, q, "");
    CK_OK(xc_db_close(db));
}
END_TEST

START_TEST(test_value_range)
{
    xc_db *db = open_corpus();
    xc_query *q = NULL;

    CK_OK(xc_query_value_range(0, "2018-01-01", "2022-12-31", &q));
    expect_docs(db, q, "1,2");
    CK_OK(xc_query_value_range(0, "2021", NULL, &q));
    expect_docs(db, q, "2,4");
    CK_OK(xc_query_value_range(0, NULL, "2016-12-31", &q));
    expect_docs(db, q, "5");
    CK_OK(xc_query_value_range(0, NULL, NULL, &q));
    expect_docs(db, q, "1,2,3,4,5");
    CK_OK(xc_query_value_range(7, NULL, NULL, &q));
    expect_docs(db, q, "");
    CK_OK(xc_query_value_range(1, "2", "2", &q));
    expect_docs(db, q, "1,4");
    CK_OK(xc_db_close(db));
}
END_TEST

START_TEST(test_wildcard)
{
    xc_db *db = open_corpus();
    xc_query *q = NULL;
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    char cap[32];

    /* "a" expands to and, apprentices, are, arrangements. */
    CK_OK(xc_query_wildcard("a", 4, &q));
    expect_docs(db, q, "1,2,4");
    CK_OK(xc_query_wildcard("a", 0, &q));
    expect_docs(db, q, "1,2,4");
    CK_OK(xc_query_wildcard("zz", 1, &q));
    expect_docs(db, q, "");

    CK_OK(xc_query_wildcard("a", 3, &q));
    CK_OK(xc_enquire_new(db, &enq));
    CK_OK(xc_enquire_set_query(enq, q));
    CK_FAILS(xc_enquire_get_mset(enq, 0, 10, 0, &ms), XC_ERR_QUERY);
    ck_assert_ptr_null(ms);
    snprintf(cap, sizeof cap, "%d", 3);
    ck_assert_msg(strstr(xc_last_error(), "WildcardError") != NULL &&
                      strstr(xc_last_error(), cap) != NULL,
                  "message: %s", xc_last_error());
    xc_enquire_free(enq);
    xc_query_free(q);
    CK_OK(xc_db_close(db));
}
END_TEST

START_TEST(test_bm25_ranking)
{
    xc_db *db = open_corpus();
    xc_query *q = term_q("progress");
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    uint32_t id = 0;
    double w0 = 0, w1 = 0;

    CK_OK(xc_enquire_new(db, &enq));
    CK_OK(xc_enquire_set_query(enq, q));
    CK_OK(xc_enquire_set_bm25(enq, 1.2, 0, 1, 0.5, 0.5));
    CK_OK(xc_enquire_get_mset(enq, 0, 10, 10, &ms));
    ck_assert_uint_eq(xc_mset_size(ms), 4);
    ck_assert_uint_eq(xc_mset_matches_lower_bound(ms), 4);
    ck_assert_uint_eq(xc_mset_matches_upper_bound(ms), 4);
    /* Three occurrences beat one. */
    CK_OK(xc_mset_item(ms, 0, &id, &w0, NULL));
    CK_OK(xc_mset_item(ms, 1, NULL, &w1, NULL));
    ck_assert_uint_eq(id, 3);
    ck_assert_double_gt(w0, w1);
    xc_mset_free(ms);

    /* A page: the second and third. */
    CK_OK(xc_enquire_get_mset(enq, 1, 2, 10, &ms));
    ck_assert_uint_eq(xc_mset_size(ms), 2);
    ck_assert_uint_eq(xc_mset_matches_estimated(ms), 4);
    CK_OK(xc_mset_item(ms, 0, NULL, &w0, NULL));
    ck_assert_double_eq_tol(w0, w1, 1e-12);
    xc_mset_free(ms);

    /* Boolean weighting: all equal, zero. */
    CK_OK(xc_enquire_set_boolean_weight(enq));
    CK_OK(xc_enquire_get_mset(enq, 0, 10, 10, &ms));
    ck_assert_uint_eq(xc_mset_size(ms), 4);
    CK_OK(xc_mset_item(ms, 0, NULL, &w0, NULL));
    ck_assert_double_eq(w0, 0.0);
    xc_mset_free(ms);

    xc_enquire_free(enq);
    xc_query_free(q);
    CK_OK(xc_db_close(db));
}
END_TEST

START_TEST(test_collapse)
{
    xc_db *db = open_corpus();
    xc_query *q = term_q("progress");
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    xc_doc *doc = NULL;
    const char *v1, *v2;
    char key1[8];
    uint32_t c = 0;

    CK_OK(xc_enquire_new(db, &enq));
    CK_OK(xc_enquire_set_query(enq, q));
    CK_OK(xc_enquire_set_collapse_key(enq, 2, 1));
    CK_OK(xc_enquire_get_mset(enq, 0, 10, 10, &ms));
    /* progress: Q1, Q2 (rA); Q3, Q5 (rB): one of each report. */
    ck_assert_uint_eq(xc_mset_size(ms), 2);
    for (uint32_t i = 0; i < 2; i++) {
        CK_OK(xc_mset_item(ms, i, NULL, NULL, &c));
        ck_assert_uint_eq(c, 1);
    }
    CK_OK(xc_mset_get_document(ms, 0, &doc));
    CK_OK(xc_doc_get_value(doc, 2, &v1, NULL));
    snprintf(key1, sizeof key1, "%s", v1);
    xc_doc_free(doc);
    CK_OK(xc_mset_get_document(ms, 1, &doc));
    CK_OK(xc_doc_get_value(doc, 2, &v2, NULL));
    ck_assert_str_ne(key1, v2);
    xc_doc_free(doc);
    CK_FAILS(xc_mset_get_document(ms, 2, &doc), XC_ERR_INVALID);
    xc_mset_free(ms);

    /* Two per report: all four. */
    CK_OK(xc_enquire_set_collapse_key(enq, 2, 2));
    CK_OK(xc_enquire_get_mset(enq, 0, 10, 10, &ms));
    ck_assert_uint_eq(xc_mset_size(ms), 4);
    xc_mset_free(ms);

    /* Off again. */
    CK_OK(xc_enquire_set_collapse_key(enq, 2, 1));
    CK_OK(xc_enquire_set_collapse_key(enq, -1, 0));
    CK_OK(xc_enquire_get_mset(enq, 0, 10, 10, &ms));
    ck_assert_uint_eq(xc_mset_size(ms), 4);
    CK_OK(xc_mset_item(ms, 0, NULL, NULL, &c));
    ck_assert_uint_eq(c, 0);
    xc_mset_free(ms);
    CK_FAILS(xc_enquire_set_collapse_key(enq, -2, 1), XC_ERR_INVALID);

    xc_enquire_free(enq);
    xc_query_free(q);
    CK_OK(xc_db_close(db));
}
END_TEST

START_TEST(test_sort_by_value)
{
    xc_db *db = open_corpus();
    xc_query *q = NULL;
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    char ids[64];

    CK_OK(xc_query_match_all(&q));
    CK_OK(xc_enquire_new(db, &enq));
    CK_OK(xc_enquire_set_query(enq, q));
    CK_OK(xc_enquire_set_sort_by_value(enq, 0, 0));
    CK_OK(xc_enquire_get_mset(enq, 0, 10, 0, &ms));
    mset_ids(ms, 0, ids, sizeof ids);
    ck_assert_str_eq(ids, "5,3,1,2,4");
    xc_mset_free(ms);

    CK_OK(xc_enquire_set_sort_by_value(enq, 0, 1));
    CK_OK(xc_enquire_get_mset(enq, 0, 10, 0, &ms));
    mset_ids(ms, 0, ids, sizeof ids);
    ck_assert_str_eq(ids, "4,2,1,3,5");
    xc_mset_free(ms);
    xc_query_free(q);

    /* Back to relevance. */
    q = term_q("progress");
    CK_OK(xc_enquire_set_query(enq, q));
    CK_OK(xc_enquire_set_sort_by_value(enq, 0, 0));
    CK_OK(xc_enquire_get_mset(enq, 0, 10, 0, &ms));
    mset_ids(ms, 0, ids, sizeof ids);
    ck_assert_str_eq(ids, "5,3,1,2");
    xc_mset_free(ms);
    CK_OK(xc_enquire_set_sort_by_value(enq, -1, 0));
    CK_OK(xc_enquire_get_mset(enq, 0, 10, 0, &ms));
    mset_ids(ms, 0, ids, sizeof ids);
    ck_assert_int_eq(ids[0], '3');
    xc_mset_free(ms);
    CK_FAILS(xc_enquire_set_sort_by_value(enq, -5, 0), XC_ERR_INVALID);
    xc_query_free(q);
    xc_enquire_free(enq);
    CK_OK(xc_db_close(db));
}
END_TEST

static void expect_facet(const xc_mset *ms, unsigned spy, size_t idx,
                         const char *value, uint32_t count)
{
    const char *v = NULL;
    size_t len = 0;
    uint32_t c = 0;
    ck_assert_int_eq(xc_mset_facet(ms, spy, idx, &v, &len, &c), 1);
    ck_assert_str_eq(v, value);
    ck_assert_uint_eq(len, strlen(value));
    ck_assert_uint_eq(c, count);
}

START_TEST(test_facets)
{
    xc_db *db = open_corpus();
    xc_query *q = NULL;
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL, *ms2 = NULL;
    const char *v;
    uint32_t c;

    CK_OK(xc_query_match_all(&q));
    CK_OK(xc_enquire_new(db, &enq));
    CK_OK(xc_enquire_set_query(enq, q));
    xc_query_free(q);
    CK_OK(xc_enquire_add_facet(enq, 1));
    CK_OK(xc_enquire_add_facet(enq, 2));
    CK_OK(xc_enquire_get_mset(enq, 0, 1, 10, &ms));
    ck_assert_uint_eq(xc_mset_size(ms), 1);

    /* Grades: "2" twice, the rest once, ties in value order. */
    expect_facet(ms, 0, 0, "2", 2);
    expect_facet(ms, 0, 1, "1", 1);
    expect_facet(ms, 0, 2, "3", 1);
    expect_facet(ms, 0, 3, "4", 1);
    ck_assert_int_eq(xc_mset_facet(ms, 0, 4, &v, NULL, &c), 0);
    expect_facet(ms, 1, 0, "rA", 2);
    expect_facet(ms, 1, 1, "rB", 2);
    expect_facet(ms, 1, 2, "rC", 1);
    ck_assert_int_eq(xc_mset_facet(ms, 1, 3, &v, NULL, &c), 0);
    CK_FAILS(xc_mset_facet(ms, 2, 0, &v, NULL, &c), XC_ERR_INVALID);

    /* A second run counts only its own match, and leaves the first mset
     * as it was. */
    q = term_q("safeguarding");
    CK_OK(xc_enquire_set_query(enq, q));
    xc_query_free(q);
    CK_OK(xc_enquire_get_mset(enq, 0, 10, 10, &ms2));
    expect_facet(ms2, 1, 0, "rC", 1);
    ck_assert_int_eq(xc_mset_facet(ms2, 1, 1, &v, NULL, &c), 0);
    expect_facet(ms, 1, 0, "rA", 2);
    xc_mset_free(ms2);

    /* The mset also outlives its enquire. */
    xc_enquire_free(enq);
    expect_facet(ms, 0, 0, "2", 2);
    xc_mset_free(ms);

    CK_OK(xc_enquire_new(db, &enq));
    for (unsigned i = 0; i < 8; i++)
        CK_OK(xc_enquire_add_facet(enq, i));
    CK_FAILS(xc_enquire_add_facet(enq, 8), XC_ERR_INVALID);
    xc_enquire_free(enq);
    CK_OK(xc_db_close(db));
}
END_TEST


/* Grouped facets count what plain ones count, with fewer reads: 300
 * documents of 30 groups (more than the spy remembers at once), the groups
 * interleaved as on a sharded database, and a group with no value. */
START_TEST(test_grouped_facets_equal_plain_ones)
{
    char path[PATH_MAX];
    xc_db *db = NULL;
    path_in(path, sizeof path, "grouped");
    CK_OK(xc_db_open(path, XC_OPEN_WRITE, &db));
    for (unsigned i = 0; i < 300; i++) {
        unsigned g = (i * 7) % 30; /* interleaved */
        char group[16], grade[16], own[16];
        snprintf(group, sizeof group, "r%02u", g);
        snprintf(grade, sizeof grade, "g%u", g % 4);
        snprintf(own, sizeof own, "p%u", i % 3);
        xc_doc *doc = NULL;
        CK_OK(xc_doc_new(&doc));
        CK_OK(xc_doc_add_posting(doc, i % 2 ? "odd" : "even", 1, 1));
        CK_OK(xc_doc_add_value(doc, 2, group, strlen(group)));
        if (g != 5) /* group r05 has no grade */
            CK_OK(xc_doc_add_value(doc, 1, grade, strlen(grade)));
        CK_OK(xc_doc_add_value(doc, 3, own, strlen(own)));
        CK_OK(xc_db_add_document(db, doc, NULL));
        xc_doc_free(doc);
    }
    CK_OK(xc_db_commit(db));
    for (int odd = 0; odd < 2; odd++) {
        xc_query *q = term_q(odd ? "odd" : "even");
        xc_enquire *plain = NULL, *grouped = NULL;
        xc_mset *a = NULL, *b = NULL;
        CK_OK(xc_enquire_new(db, &plain));
        CK_OK(xc_enquire_new(db, &grouped));
        CK_OK(xc_enquire_set_query(plain, q));
        CK_OK(xc_enquire_set_query(grouped, q));
        xc_query_free(q);
        CK_OK(xc_enquire_add_facet(plain, 1));
        CK_OK(xc_enquire_add_facet(plain, 3));
        CK_OK(xc_enquire_set_facet_group(grouped, 2));
        CK_OK(xc_enquire_add_facet_grouped(grouped, 1));
        CK_OK(xc_enquire_add_facet(grouped, 3));
        CK_OK(xc_enquire_get_mset(plain, 0, 5, 300, &a));
        CK_OK(xc_enquire_get_mset(grouped, 0, 5, 300, &b));
        uint32_t total = 0;
        for (unsigned f = 0; f < 2; f++) {
            size_t i = 0;
            const char *va, *vb;
            size_t la, lb;
            uint32_t ca, cb;
            int ra, rb;
            while ((ra = xc_mset_facet(a, f, i, &va, &la, &ca)) == 1) {
                rb = xc_mset_facet(b, f, i, &vb, &lb, &cb);
                ck_assert_int_eq(rb, 1);
                ck_assert_str_eq(va, vb);
                ck_assert_uint_eq(ca, cb);
                if (f == 0)
                    total += ca;
                i++;
            }
            ck_assert_int_eq(ra, 0);
            ck_assert_int_eq(xc_mset_facet(b, f, i, &vb, &lb, &cb), 0);
            ck_assert_uint_gt(i, 1);
        }
        /* 150 documents each; the 10 of r05 (no grade) are all odd ones */
        ck_assert_uint_eq(total, odd ? 140 : 150);
        xc_mset_free(a);
        xc_mset_free(b);
        xc_enquire_free(plain);
        xc_enquire_free(grouped);
    }
    CK_OK(xc_db_close(db));
}
END_TEST

/* ---------- value weights, multi-value facets, visitors, expansion ---------- */

/* A database of 4 documents with a numeric score in slot 5 (not on the
 * last) and a comma list in slot 6. */
static xc_db *open_scored(void)
{
    static const struct { const char *text; double score; const char *list; }
    docs[] = {{"alpha beta", 2.5, "x,y"},
              {"alpha gamma", 7.0, "y"},
              {"beta gamma", 0.5, "x,y,z"},
              {"alpha delta", -1, ""}};
    char path[PATH_MAX];
    xc_db *db = NULL;
    path_in(path, sizeof path, "scored");
    CK_OK(xc_db_open(path, XC_OPEN_WRITE, &db));
    for (size_t i = 0; i < 4; i++) {
        xc_doc *doc = NULL;
        CK_OK(xc_doc_new(&doc));
        char buf[32], *save = NULL;
        uint32_t pos = 1;
        strcpy(buf, docs[i].text);
        for (char *w = strtok_r(buf, " ", &save); w;
             w = strtok_r(NULL, " ", &save))
            CK_OK(xc_doc_add_posting(doc, w, pos++, 1));
        if (docs[i].score >= 0) {
            char v[16];
            size_t n = xc_sortable_serialise(docs[i].score, v);
            ck_assert_uint_gt(n, 0);
            ck_assert_double_eq_tol(xc_sortable_unserialise(v, n),
                                    docs[i].score, 1e-12);
            CK_OK(xc_doc_add_value(doc, 5, v, n));
        }
        CK_OK(xc_doc_add_value(doc, 6, docs[i].list, strlen(docs[i].list)));
        CK_OK(xc_db_add_document(db, doc, NULL));
        xc_doc_free(doc);
    }
    CK_OK(xc_db_commit(db));
    return db;
}

START_TEST(test_value_weight_ranks_by_stored_score)
{
    xc_db *db = open_scored();
    xc_query *vw = NULL;
    CK_OK(xc_query_value_weight(5, &vw));
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    CK_OK(xc_enquire_new(db, &enq));
    CK_OK(xc_enquire_set_query(enq, vw));
    CK_OK(xc_enquire_get_mset(enq, 0, 10, 10, &ms));
    /* documents with a value, highest first, weight = the value */
    ck_assert_uint_eq(xc_mset_size(ms), 3);
    uint32_t id, c;
    double w;
    CK_OK(xc_mset_item(ms, 0, &id, &w, &c));
    ck_assert_uint_eq(id, 2);
    ck_assert_double_eq_tol(w, 7.0, 1e-9);
    CK_OK(xc_mset_item(ms, 2, &id, &w, &c));
    ck_assert_uint_eq(id, 3);
    xc_mset_free(ms);
    /* added to a text weight with AND_MAYBE */
    xc_query *q = combine2(XC_OP_AND_MAYBE, term_q("alpha"), vw, 0);
    CK_OK(xc_enquire_set_query(enq, q));
    CK_OK(xc_enquire_get_mset(enq, 0, 10, 10, &ms));
    ck_assert_uint_eq(xc_mset_size(ms), 3); /* every alpha, scored or not */
    CK_OK(xc_mset_item(ms, 0, &id, &w, &c));
    ck_assert_uint_eq(id, 2);
    CK_OK(xc_mset_item(ms, 2, &id, &w, &c));
    ck_assert_uint_eq(id, 4); /* no score: last */
    xc_mset_free(ms);
    xc_query_free(q);
    xc_enquire_free(enq);
    CK_OK(xc_db_close(db));
}
END_TEST

START_TEST(test_multi_value_facet)
{
    xc_db *db = open_scored();
    xc_query *q = NULL;
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    CK_OK(xc_query_match_all(&q));
    CK_OK(xc_enquire_new(db, &enq));
    CK_OK(xc_enquire_set_query(enq, q));
    CK_OK(xc_enquire_add_facet_multi(enq, 6, ','));
    CK_FAILS(xc_enquire_add_facet_multi(enq, 6, 0), XC_ERR_INVALID);
    CK_OK(xc_enquire_get_mset(enq, 0, 0, 10, &ms));
    expect_facet(ms, 0, 0, "y", 3);
    expect_facet(ms, 0, 1, "x", 2);
    expect_facet(ms, 0, 2, "z", 1);
    const char *v;
    uint32_t c;
    ck_assert_int_eq(xc_mset_facet(ms, 0, 3, &v, NULL, &c), 0);
    xc_mset_free(ms);
    xc_query_free(q);
    xc_enquire_free(enq);
    CK_OK(xc_db_close(db));
}
END_TEST

typedef struct visited {
    int calls;
    char seen[8][16];
} visited;

static void on_visit(void *ctx, const char *const *values, const size_t *lens)
{
    visited *v = ctx;
    if (v->calls < 8)
        snprintf(v->seen[v->calls], sizeof v->seen[0], "%.*s|%zu",
                 (int)lens[0], values[0], lens[1]);
    v->calls++;
}

/* Did the visitor see this "values|len" among its calls? */
static int visited_has(const visited *v, const char *want)
{
    for (int i = 0; i < v->calls && i < 8; i++)
        if (strcmp(v->seen[i], want) == 0)
            return 1;
    return 0;
}

/* Run "alpha" (3 matches) for a page of 1 with a visitor of slots 6
 * and 9 (9 is never set: ""). */
static void visit_alpha(xc_db *db, visited *v)
{
    xc_query *q = term_q("alpha");
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    CK_OK(xc_enquire_new(db, &enq));
    CK_OK(xc_enquire_set_query(enq, q));
    memset(v, 0, sizeof *v);
    unsigned slots[2] = {6, 9};
    CK_OK(xc_enquire_set_visitor(enq, slots, 2, on_visit, v));
    CK_OK(xc_enquire_get_mset(enq, 0, 1, 10, &ms));
    ck_assert_uint_eq(xc_mset_size(ms), 1);
    xc_mset_free(ms);
    xc_enquire_free(enq);
    xc_query_free(q);
}

/* "alpha" collapsed and sorted on slot 6: each result's keys are its
 * value of slot 6, read from the match (no document fetched). */
static void check_item_keys(xc_db *db)
{
    xc_query *q = term_q("alpha");
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    CK_OK(xc_enquire_new(db, &enq));
    CK_OK(xc_enquire_set_query(enq, q));
    CK_OK(xc_enquire_set_boolean_weight(enq));
    CK_OK(xc_enquire_set_collapse_key(enq, 6, 1));
    CK_OK(xc_enquire_set_sort_by_value(enq, 6, 0));
    CK_OK(xc_enquire_get_mset(enq, 0, 10, 10, &ms));
    ck_assert_uint_eq(xc_mset_size(ms), 3);
    static const char *const want[3] = {"", "x,y", "y"};
    for (uint32_t i = 0; i < 3; i++) {
        char ck[16], sk[16];
        size_t cl = 99, sl = 99;
        CK_OK(xc_mset_item_keys(ms, i, ck, sizeof ck, &cl, sk, sizeof sk, &sl));
        ck_assert_str_eq(ck, want[i]);
        ck_assert_str_eq(sk, want[i]);
        ck_assert_uint_eq(cl, strlen(want[i]));
        ck_assert_uint_eq(sl, strlen(want[i]));
    }
    /* cut to the room given, the whole length still told */
    char small[2];
    size_t cl = 0;
    CK_OK(xc_mset_item_keys(ms, 1, small, sizeof small, &cl, NULL, 0, NULL));
    ck_assert_str_eq(small, "x");
    ck_assert_uint_eq(cl, 3);
    CK_FAILS(xc_mset_item_keys(ms, 3, NULL, 0, NULL, NULL, 0, NULL),
             XC_ERR_INVALID);
    xc_mset_free(ms);
    xc_enquire_free(enq);
    xc_query_free(q);
}

START_TEST(test_item_keys)
{
    xc_db *db = open_scored();
    check_item_keys(db);
    CK_OK(xc_db_close(db));
}
END_TEST

/* Over a remote shard (xapian-progsrv, the remote protocol on a pipe:
 * no port needed) facets come from Xapian's own ValueCountMatchSpy, which
 * the shard runs itself, and a visitor from every match fetched: both
 * must count as a local database does, whatever page is asked for. */
START_TEST(test_facets_over_remote)
{
    if (system("command -v xapian-progsrv >/dev/null 2>&1") != 0) {
        fprintf(stderr, "note: xapian-progsrv (xapian-tools) not installed: "
                        "remote facets not tested\n");
        return;
    }
    xc_db_close(open_scored()); /* writes "scored" */
    char path[PATH_MAX];
    path_in(path, sizeof path, "scored");
    xc_db *db = NULL;
    CK_OK(xc_db_new_multi(&db));
    CK_OK(xc_db_add_remote_prog(db, "xapian-progsrv", path, 10000));
    xc_query *q = NULL;
    CK_OK(xc_query_match_all(&q));
    for (uint32_t max = 0; max <= 4; max += 2) {
        xc_enquire *enq = NULL;
        xc_mset *ms = NULL;
        CK_OK(xc_enquire_new(db, &enq));
        CK_OK(xc_enquire_set_query(enq, q));
        CK_OK(xc_enquire_add_facet_multi(enq, 6, ','));
        CK_OK(xc_enquire_add_facet(enq, 6));
        CK_OK(xc_enquire_get_mset(enq, 0, max, 10, &ms));
        ck_assert_uint_eq(xc_mset_size(ms), max);
        expect_facet(ms, 0, 0, "y", 3);
        expect_facet(ms, 0, 1, "x", 2);
        expect_facet(ms, 0, 2, "z", 1);
        expect_facet(ms, 1, 0, "x,y", 1);
        expect_facet(ms, 1, 1, "x,y,z", 1);
        expect_facet(ms, 1, 2, "y", 1);
        const char *none = NULL;
        ck_assert_int_eq(xc_mset_facet(ms, 1, 3, &none, NULL, NULL), 0);
        xc_mset_free(ms);
        xc_enquire_free(enq);
    }
    /* a visitor: every match once, fetched from the shard */
    visited v;
    visit_alpha(db, &v);
    ck_assert_int_eq(v.calls, 3);
    ck_assert(visited_has(&v, "x,y|0"));
    /* a result's collapse and sort keys come with the remote match */
    check_item_keys(db);
    xc_query_free(q);
    CK_OK(xc_db_close(db));
}
END_TEST

START_TEST(test_visitor_sees_every_match)
{
    xc_db *db = open_scored();
    xc_query *q = term_q("alpha");
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    CK_OK(xc_enquire_new(db, &enq));
    CK_OK(xc_enquire_set_query(enq, q));
    visited v;
    memset(&v, 0, sizeof v);
    unsigned slots[2] = {6, 9}; /* slot 9 is never set: "" */
    CK_OK(xc_enquire_set_visitor(enq, slots, 2, on_visit, &v));
    CK_OK(xc_enquire_get_mset(enq, 0, 1, 10, &ms));
    ck_assert_int_eq(v.calls, 3); /* all three matches, not the one shown */
    ck_assert(visited_has(&v, "x,y|0"));
    xc_mset_free(ms);
    /* removed: no more calls */
    CK_OK(xc_enquire_set_visitor(enq, NULL, 0, NULL, NULL));
    CK_OK(xc_enquire_get_mset(enq, 0, 1, 10, &ms));
    ck_assert_int_eq(v.calls, 3);
    xc_mset_free(ms);
    unsigned many[17] = {0};
    CK_FAILS(xc_enquire_set_visitor(enq, many, 17, on_visit, &v),
             XC_ERR_INVALID);
    xc_query_free(q);
    xc_enquire_free(enq);
    CK_OK(xc_db_close(db));
}
END_TEST

START_TEST(test_expand_finds_what_sets_documents_apart)
{
    xc_db *db = open_scored();
    /* documents 2 and 3 share "gamma", which no other has */
    uint32_t ids[2] = {2, 3};
    xc_expand_term *t = NULL;
    size_t n = 0;
    CK_OK(xc_db_expand(db, ids, 2, 5, "abcdefghijklmnopqrstuvwxyz", &t, &n));
    ck_assert_uint_ge(n, 1);
    ck_assert_str_eq(t[0].term, "gamma");
    ck_assert(t[0].weight > 0);
    xc_expand_free(t, n);
    /* the first-character filter */
    CK_OK(xc_db_expand(db, ids, 2, 5, "b", &t, &n));
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(t[i].term[0], 'b');
    xc_expand_free(t, n);
    CK_FAILS(xc_db_expand(db, NULL, 2, 5, "a", &t, &n), XC_ERR_INVALID);
    CK_OK(xc_db_close(db));
}
END_TEST

START_TEST(test_stemmer)
{
    xc_stemmer *st = NULL;
    char buf[64];
    size_t len = 0;

    CK_OK(xc_stemmer_new("english", &st));
    CK_OK(xc_stemmer_stem(st, "prevented", 9, buf, sizeof buf, &len));
    ck_assert_str_eq(buf, "prevent");
    ck_assert_uint_eq(len, 7);
    CK_OK(xc_stemmer_stem(st, "learners", 8, buf, sizeof buf, NULL));
    ck_assert_str_eq(buf, "learner");
    /* Only `len` bytes count. */
    CK_OK(xc_stemmer_stem(st, "inspections and more", 11, buf, sizeof buf,
                          &len));
    ck_assert_str_eq(buf, "inspect");
    CK_OK(xc_stemmer_stem(st, "", 0, buf, sizeof buf, &len));
    ck_assert_str_eq(buf, "");
    /* "prevent" needs 8 bytes. */
    CK_OK(xc_stemmer_stem(st, "prevented", 9, buf, 8, &len));
    CK_FAILS(xc_stemmer_stem(st, "prevented", 9, buf, 7, &len),
             XC_ERR_INVALID);
    xc_stemmer_free(st);

    CK_FAILS(xc_stemmer_new("klingon", &st), XC_ERR_INVALID);
    ck_assert_ptr_null(st);
    ck_assert_ptr_nonnull(strstr(xc_last_error(), "klingon"));
}
END_TEST

/* ---------- failures of the database ---------- */

START_TEST(test_open_missing)
{
    char path[PATH_MAX];
    xc_db *db = NULL;

    path_in(path, sizeof path, "missing");
    CK_FAILS(xc_db_open(path, XC_OPEN_READ, &db), XC_ERR_OPENING);
    ck_assert_ptr_null(db);
    ck_assert_msg(strstr(xc_last_error(), path) != NULL, "message: %s",
                  xc_last_error());
    CK_FAILS(xc_db_open(path, XC_OPEN_WRITE_EXISTING, &db), XC_ERR_OPENING);
    ck_assert_ptr_null(db);
    CK_FAILS(xc_db_open(path, (xc_open_mode)7, &db), XC_ERR_INVALID);
    ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

START_TEST(test_second_writer_locked)
{
    char path[PATH_MAX];
    xc_db *w1 = NULL, *w2 = NULL, *r = NULL;

    path_in(path, sizeof path, "locked");
    CK_OK(xc_db_open(path, XC_OPEN_WRITE, &w1));
    CK_FAILS(xc_db_open(path, XC_OPEN_WRITE, &w2), XC_ERR_LOCK);
    ck_assert_ptr_null(w2);
    ck_assert_msg(strstr(xc_last_error(), "DatabaseLockError") != NULL,
                  "message: %s", xc_last_error());
    CK_FAILS(xc_db_open(path, XC_OPEN_WRITE_EXISTING, &w2), XC_ERR_LOCK);
    /* Readers are not locked out. */
    CK_OK(xc_db_open(path, XC_OPEN_READ, &r));
    CK_OK(xc_db_close(r));
    /* Closing releases the lock. */
    CK_OK(xc_db_close(w1));
    CK_OK(xc_db_open(path, XC_OPEN_WRITE, &w2));
    CK_OK(xc_db_close(w2));
}
END_TEST

/* Replaces documents Q0..Q999, each with 20 terms t<n>_<round>. */
static void churn(xc_db *w, int round)
{
    char t[32];
    for (int i = 0; i < 1000; i++) {
        xc_doc *d = NULL;
        CK_OK(xc_doc_new(&d));
        for (int j = 0; j < 20; j++) {
            snprintf(t, sizeof t, "t%d_%d", (i * 7 + j) % 1500, round);
            CK_OK(xc_doc_add_posting(d, t, (uint32_t)j + 1, 1));
        }
        snprintf(t, sizeof t, "Q%d", i);
        CK_OK(xc_doc_add_boolean_term(d, t));
        CK_OK(xc_db_replace_document(w, t, d, NULL));
        xc_doc_free(d);
    }
    CK_OK(xc_db_commit(w));
}

/* A reader left two commits behind finds its blocks reused by the writer:
 * XC_ERR_MODIFIED, and a reopen recovers. */
START_TEST(test_reader_modified)
{
    char path[PATH_MAX], t[32];
    xc_db *w = NULL, *r = NULL;
    uint32_t u = 0;
    int rc = XC_OK;

    path_in(path, sizeof path, "churn");
    CK_OK(xc_db_open(path, XC_OPEN_WRITE, &w));
    churn(w, 0);
    CK_OK(xc_db_open(path, XC_OPEN_READ, &r));
    for (int round = 1; round <= 3; round++)
        churn(w, round);
    for (int i = 0; i < 1500 && rc == XC_OK; i++) {
        snprintf(t, sizeof t, "t%d_0", i);
        rc = xc_db_termfreq(r, t, &u);
    }
    ck_assert_msg(rc == XC_ERR_MODIFIED, "status %d: %s", rc,
                  xc_last_error());
    ck_assert_ptr_nonnull(strstr(xc_last_error(), "DatabaseModifiedError"));
    CK_OK(xc_db_reopen(r));
    CK_OK(xc_db_termfreq(r, "t0_0", &u));
    ck_assert_uint_eq(u, 0);
    CK_OK(xc_db_termfreq(r, "Q999", &u));
    ck_assert_uint_eq(u, 1);
    CK_OK(xc_db_close(r));
    CK_OK(xc_db_close(w));
}
END_TEST

/* Overwrites `file` in the database directory with the same number of
 * pseudo-random bytes. */
static void scribble(const char *dir, const char *file, uint32_t seed)
{
    char path[PATH_MAX];
    struct stat st;
    unsigned char buf[4096];
    FILE *f;
    off_t left;

    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (stat(path, &st) != 0)
        return;
    f = fopen(path, "r+b");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    for (left = st.st_size; left > 0;) {
        size_t n = left < (off_t)sizeof buf ? (size_t)left : sizeof buf;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (unsigned char)(seed >> 16);
        }
        ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
        left -= (off_t)n;
    }
    ck_assert_int_eq(fclose(f), 0);
}

static int is_damage_status(int rc)
{
    return rc == XC_ERR_CORRUPT || rc == XC_ERR_OPENING || rc == XC_ERR_IO;
}

/* Open and search a damaged database: it must fail with a damage status and
 * a message, at the open or at the search. */
static void expect_damage_reported(const char *path)
{
    xc_db *db = NULL;
    xc_query *q = NULL;
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    xc_doc *doc = NULL;
    uint32_t u;
    int rc;

    rc = xc_db_open(path, XC_OPEN_READ, &db);
    if (rc != XC_OK) {
        ck_assert_msg(is_damage_status(rc), "open: %d %s", rc,
                      xc_last_error());
        ck_assert_ptr_null(db);
        ck_assert_str_ne(xc_last_error(), "");
        return;
    }
    rc = xc_db_termfreq(db, "progress", &u);
    if (rc == XC_OK) {
        q = term_q("progress");
        rc = xc_enquire_new(db, &enq);
        if (rc == XC_OK)
            rc = xc_enquire_set_query(enq, q);
        if (rc == XC_OK)
            rc = xc_enquire_get_mset(enq, 0, 10, 10, &ms);
        if (rc == XC_OK)
            rc = xc_db_get_document(db, 1, &doc);
        if (rc == XC_OK) {
            const char *s;
            rc = xc_doc_get_data(doc, &s, NULL);
        }
        xc_doc_free(doc);
        xc_mset_free(ms);
        xc_enquire_free(enq);
        xc_query_free(q);
    }
    ck_assert_msg(rc != XC_OK, "damaged database searched without error");
    ck_assert_msg(is_damage_status(rc), "search: %d %s", rc, xc_last_error());
    ck_assert_str_ne(xc_last_error(), "");
    xc_db_close(db);
}

START_TEST(test_corrupt_tables)
{
    char path[PATH_MAX];
    static const char *const tables[] = {"postlist.glass", "termlist.glass",
                                         "docdata.glass", "position.glass"};

    build_corpus("corrupt", 0, N_CORPUS);
    path_in(path, sizeof path, "corrupt");
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        scribble(path, tables[i], 17u + (uint32_t)i);
    expect_damage_reported(path);
}
END_TEST

/* Only the document data: the database opens and the postings are sound, so
 * the damage shows when a document is read. */
START_TEST(test_corrupt_docdata)
{
    char path[PATH_MAX];

    build_corpus("corrupt-data", 0, N_CORPUS);
    path_in(path, sizeof path, "corrupt-data");
    scribble(path, "docdata.glass", 5u);
    expect_damage_reported(path);
}
END_TEST

START_TEST(test_corrupt_version_file)
{
    char path[PATH_MAX];

    build_corpus("corrupt-ver", 0, N_CORPUS);
    path_in(path, sizeof path, "corrupt-ver");
    scribble(path, "iamglass", 99u);
    expect_damage_reported(path);
}
END_TEST

static Suite *xapian_c_suite(void)
{
    Suite *s = suite_create("xapian-c");
    TCase *tc = tcase_create("core");

    tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_status_strings);
    tcase_add_test(tc, test_scale_wdf);
    tcase_add_test(tc, test_null_arguments);
    tcase_add_test(tc, test_write_reopen);
    tcase_add_test(tc, test_transactions);
    tcase_add_test(tc, test_metadata);
    tcase_add_test(tc, test_document_roundtrip);
    tcase_add_test(tc, test_open_many);
    tcase_add_test(tc, test_add_shards);
    tcase_add_test(tc, test_phrase_near);
    tcase_add_test(tc, test_boolean_ops);
    tcase_add_test(tc, test_value_range);
    tcase_add_test(tc, test_wildcard);
    tcase_add_test(tc, test_bm25_ranking);
    tcase_add_test(tc, test_collapse);
    tcase_add_test(tc, test_sort_by_value);
    tcase_add_test(tc, test_facets);
    tcase_add_test(tc, test_grouped_facets_equal_plain_ones);
    tcase_add_test(tc, test_stemmer);
    tcase_add_test(tc, test_value_weight_ranks_by_stored_score);
    tcase_add_test(tc, test_multi_value_facet);
    tcase_add_test(tc, test_item_keys);
    tcase_add_test(tc, test_facets_over_remote);
    tcase_add_test(tc, test_visitor_sees_every_match);
    tcase_add_test(tc, test_expand_finds_what_sets_documents_apart);
    tcase_add_test(tc, test_open_missing);
    tcase_add_test(tc, test_second_writer_locked);
    tcase_add_test(tc, test_reader_modified);
    tcase_add_test(tc, test_corrupt_tables);
    tcase_add_test(tc, test_corrupt_docdata);
    tcase_add_test(tc, test_corrupt_version_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(xapian_c_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
