/* xapian-c.h - a small C API over libxapian.
 *
 * The only C++ in insearch lives behind this header (xapian-c.cc). Every
 * entry point catches every exception (Xapian::Error, std::bad_alloc,
 * std::exception, ...) and turns it into a status code; the readable message
 * of the last failure on the calling thread is xc_last_error().
 *
 * Ownership: every xc_*_new / _open / _get_* that returns a handle through
 * `**out` gives the caller that handle, to be released with the matching
 * _free / _close. Strings returned by value (const char *) are borrowed; each
 * function says until when they stay valid.
 */
#ifndef INSEARCH_XAPIAN_C_H
#define INSEARCH_XAPIAN_C_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum xc_status {
    XC_OK = 0,
    XC_ERR_NOMEM = -1,        /* std::bad_alloc */
    XC_ERR_LOCK = -2,         /* DatabaseLockError: another writer holds it */
    XC_ERR_OPENING = -3,      /* DatabaseOpeningError, NotFound, Version */
    XC_ERR_CORRUPT = -4,      /* DatabaseCorruptError */
    XC_ERR_MODIFIED = -5,     /* DatabaseModifiedError: reopen and retry */
    XC_ERR_QUERY = -6,        /* QueryParserError, WildcardError */
    XC_ERR_NOT_FOUND = -7,    /* DocNotFoundError, or no such term/doc */
    XC_ERR_INVALID = -8,      /* InvalidArgumentError, bad use of the API */
    XC_ERR_IO = -9,           /* DatabaseError other than the above */
    XC_ERR_XAPIAN = -10,      /* any other Xapian::Error */
    XC_ERR_UNKNOWN = -11,     /* std::exception or anything else */
    XC_ERR_NETWORK = -12      /* NetworkError: a remote shard did not answer */
} xc_status;

/* A short fixed name of a status ("lock", "corrupt", ...). Static string. */
const char *xc_status_to_string(int status);

/* The message of the last failure on this thread ("" if none). Valid until
 * the next xc_* call on this thread. */
const char *xc_last_error(void);

/* ---------- databases ---------- */

typedef struct xc_db xc_db;

typedef enum xc_open_mode {
    XC_OPEN_READ = 0,        /* read-only */
    XC_OPEN_WRITE = 1,       /* writable, create if missing */
    XC_OPEN_WRITE_EXISTING = 2 /* writable, must exist */
} xc_open_mode;

/* Open the database at `path`. On success *out is the caller's, release it
 * with xc_db_close. */
int xc_db_open(const char *path, xc_open_mode mode, xc_db **out);

/* Open several databases (shards, local paths or remote stub files) as one
 * read-only database. */
int xc_db_open_many(const char *const *paths, size_t n, xc_db **out);

/* A read-only database of no shards yet, for xc_db_add_path and
 * xc_db_add_remote to fill. Reading one with no shards is an error. */
int xc_db_new_multi(xc_db **out);

/* Add the database (or stub) at `path` to `db` as one more shard. On
 * failure `db` is unchanged. */
int xc_db_add_path(xc_db *db, const char *path);

/* Add the shard that xapian-tcpsrv serves at host:port. `timeout_ms`
 * bounds each exchange, `connect_timeout_ms` the connecting. */
int xc_db_add_remote(xc_db *db, const char *host, unsigned port,
                     unsigned timeout_ms, unsigned connect_timeout_ms);

/* Add the shard served by a program speaking the remote protocol on its
 * standard input and output (xapian-progsrv): `args` is its arguments,
 * split at spaces. */
int xc_db_add_remote_prog(xc_db *db, const char *program, const char *args,
                          unsigned timeout_ms);

/* Close and free. For a writable database this does NOT commit: call
 * xc_db_commit first; uncommitted changes are discarded. Returns the status
 * of closing; the handle is freed whatever it returns. NULL is allowed. */
int xc_db_close(xc_db *db);

/* A read-only database with no documents (in memory): what a reader opens
 * for an index whose first commit has not happened yet. */
int xc_db_open_empty(xc_db **out);
/* Write a compacted copy of the database at `src` (one database, not a
 * stub) into the new folder `dst`: its B-trees full and merged, as
 * xapian-compact does, with the same document ids. */
int xc_db_compact(const char *src, const char *dst);
/* Merge the n databases at src[] (each one database, not a stub) into one
 * compacted database in the new folder `dst`, as xapian-compact does with
 * several inputs: the documents of src[0] first, then src[1]'s..., so
 * document ids change (n = 1 keeps them, as xc_db_compact). User metadata
 * keys found in more than one keep src[0]'s value. */
int xc_db_compact_shards(const char *const *src, size_t n, const char *dst);

/* Reopen a read-only database at its latest revision. */
int xc_db_reopen(xc_db *db);

int xc_db_doccount(xc_db *db, uint32_t *out);
int xc_db_lastdocid(xc_db *db, uint32_t *out);
/* Average document length (in terms, counting wdf). */
int xc_db_avlength(xc_db *db, double *out);
/* Number of documents a term indexes (0 if none). */
int xc_db_termfreq(xc_db *db, const char *term, uint32_t *out);
/* Total occurrences of a term in the collection. */
int xc_db_collection_freq(xc_db *db, const char *term, uint32_t *out);
/* First document indexed by a term: *out is its docid, or 0 if there is none
 * (that is not an error). */
int xc_db_first_posting(xc_db *db, const char *term, uint32_t *out);
/* Up to `max` documents indexed by a term, in docid order; *n_out how many. */
int xc_db_postings(xc_db *db, const char *term, uint32_t *docids, size_t max,
                   size_t *n_out);

/* User metadata. *value_out is malloc'd (the caller frees it); an unset key
 * gives an empty string. */
int xc_db_get_metadata(xc_db *db, const char *key, char **value_out,
                       size_t *len_out);
/* Writable databases only. */
int xc_db_set_metadata(xc_db *db, const char *key, const char *value,
                       size_t len);

/* ---------- documents ---------- */

typedef struct xc_doc xc_doc;

int xc_doc_new(xc_doc **out);
void xc_doc_free(xc_doc *doc);

/* Fetch a stored document; *out is the caller's. XC_ERR_NOT_FOUND if there
 * is no such docid. */
int xc_db_get_document(xc_db *db, uint32_t docid, xc_doc **out);

int xc_doc_set_data(xc_doc *doc, const char *data, size_t len);
/* The document's data, borrowed: valid until the next call on `doc` or its
 * free. */
int xc_doc_get_data(xc_doc *doc, const char **data, size_t *len);
int xc_doc_add_posting(xc_doc *doc, const char *term, uint32_t pos,
                       uint32_t wdf_inc);
int xc_doc_add_term(xc_doc *doc, const char *term, uint32_t wdf_inc);
int xc_doc_add_boolean_term(xc_doc *doc, const char *term);
/* Multiply the wdf of every term whose first byte is one of `prefixes` by
 * `factor` (>= 1), rounding to the nearest whole number: a document's
 * length normalisation stored in its wdfs (indexer/terms.h, WDF_SCALE). */
int xc_doc_scale_wdf(xc_doc *doc, const char *prefixes, double factor);
int xc_doc_add_value(xc_doc *doc, unsigned slot, const char *value,
                     size_t len);
/* A value, borrowed like xc_doc_get_data; empty if unset. */
int xc_doc_get_value(xc_doc *doc, unsigned slot, const char **value,
                     size_t *len);

/* Writable databases only. Replace the document(s) indexed by `unique_term`
 * with `doc` (adding it if there is none); *docid_out may be NULL. */
int xc_db_replace_document(xc_db *db, const char *unique_term, xc_doc *doc,
                           uint32_t *docid_out);
int xc_db_add_document(xc_db *db, xc_doc *doc, uint32_t *docid_out);
/* Delete every document indexed by `term` (not an error if none). */
int xc_db_delete_documents(xc_db *db, const char *term);
int xc_db_delete_document(xc_db *db, uint32_t docid);
/* Commit: atomic. On failure the database stays at its last commit. */
int xc_db_commit(xc_db *db);
int xc_db_begin_transaction(xc_db *db, int flushed);
int xc_db_commit_transaction(xc_db *db);
int xc_db_cancel_transaction(xc_db *db);

/* ---------- term iteration ---------- */

typedef struct xc_termiter xc_termiter;

/* Iterate the terms of the whole database that start with `prefix` ("" for
 * all), in byte order. *out is the caller's. */
int xc_db_allterms(xc_db *db, const char *prefix, xc_termiter **out);
/* Iterate the terms of one document. */
int xc_doc_termlist(xc_doc *doc, xc_termiter **out);
/* Advance: returns 1 and sets *term (borrowed, valid until the next call on
 * the iterator) and, if non-NULL, *termfreq (allterms: documents indexed;
 * termlist: wdf); returns 0 at the end; negative on error. */
int xc_termiter_next(xc_termiter *it, const char **term, size_t *len,
                     uint32_t *freq);
void xc_termiter_free(xc_termiter *it);

/* ---------- queries ---------- */

typedef struct xc_query xc_query;

typedef enum xc_query_op {
    XC_OP_AND = 0,
    XC_OP_OR,
    XC_OP_AND_NOT,     /* first AND NOT (the OR of the rest) */
    XC_OP_FILTER,      /* first, filtered by all the rest (no weight) */
    XC_OP_AND_MAYBE,   /* first, with the rest adding weight if present */
    XC_OP_PHRASE,      /* in order, within `window` positions (0: exact) */
    XC_OP_NEAR,        /* any order, within `window` positions */
    XC_OP_SYNONYM,     /* OR, weighted as one term */
    XC_OP_ELITE_SET,   /* OR of the `window` best-weighted subqueries */
    XC_OP_MAX          /* OR, weighted by the best subquery only */
} xc_query_op;

/* All query constructors give the caller a new handle; they copy what they
 * are given (Xapian queries are reference counted), so the caller still owns
 * and frees the inputs. */
/* A term (not empty: XC_ERR_INVALID; see xc_query_match_all). `pos` is its
 * position in the query (0 if none). */
int xc_query_term(const char *term, uint32_t wqf, uint32_t pos,
                  xc_query **out);
int xc_query_combine(xc_query_op op, xc_query *const *subs, size_t n,
                     uint32_t window, xc_query **out);
/* Documents whose value in `slot` lies within [lo, hi] (byte order); NULL
 * for an open end. Only documents with a value in `slot` match (both ends
 * NULL: every document that has one). */
int xc_query_value_range(unsigned slot, const char *lo, const char *hi,
                         xc_query **out);
/* Terms beginning with `prefix`, expanded at match time. If more than
 * `max_expansion` terms match, running the query fails with XC_ERR_QUERY
 * naming the cap. */
int xc_query_wildcard(const char *prefix, uint32_t max_expansion,
                      xc_query **out);
int xc_query_scale_weight(xc_query *q, double factor, xc_query **out);
int xc_query_match_all(xc_query **out);
int xc_query_match_nothing(xc_query **out);
/* Every document with a value in `slot`, weighted by that value read as a
 * number (stored with xc_sortable_serialise): ranks passages by a score
 * computed at index time. Combine with OP_AND to add it to a text score. */
int xc_query_value_weight(unsigned slot, xc_query **out);
/* A readable description (Xapian's), malloc'd. */
int xc_query_describe(const xc_query *q, char **out);
void xc_query_free(xc_query *q);

/* ---------- searching ---------- */

typedef struct xc_enquire xc_enquire;
typedef struct xc_mset xc_mset;

/* `db` must outlive the enquire. */
int xc_enquire_new(xc_db *db, xc_enquire **out);
void xc_enquire_free(xc_enquire *enq);
int xc_enquire_set_query(xc_enquire *enq, const xc_query *q);
int xc_enquire_set_bm25(xc_enquire *enq, double k1, double k2, double k3,
                        double b, double min_normlen);
int xc_enquire_set_boolean_weight(xc_enquire *enq);
/* Keep at most `max` results per distinct value in `slot` (0 to turn off
 * collapsing; slot given as -1). */
int xc_enquire_set_collapse_key(xc_enquire *enq, int slot, uint32_t max);
/* Sort by value in `slot` (then relevance); slot -1: relevance only. */
int xc_enquire_set_sort_by_value(xc_enquire *enq, int slot, int descending);
/* Break ties of that order by the value in `slot`, ascending, instead of
 * by document id (-1: by document id again). With a value unique to each
 * document, the order no longer depends on document ids, which differ
 * between one database and the same documents split over shards. Under a
 * value sort the tie-break replaces relevance as the second key. */
int xc_enquire_set_tiebreak(xc_enquire *enq, int slot);
/* Count the distinct values of `slot` over the whole match (facets).
 * Up to 8 spies per enquire; read with xc_mset_facet. */
int xc_enquire_add_facet(xc_enquire *enq, unsigned slot);
/* Run the query: results first..first+max-1; check_at_least makes the
 * estimate exact up to that many (and the facets count at least that many).
 * *out is the caller's. */
int xc_enquire_get_mset(xc_enquire *enq, uint32_t first, uint32_t max,
                        uint32_t check_at_least, xc_mset **out);

void xc_mset_free(xc_mset *mset);
uint32_t xc_mset_size(const xc_mset *mset);
uint32_t xc_mset_matches_estimated(const xc_mset *mset);
uint32_t xc_mset_matches_lower_bound(const xc_mset *mset);
uint32_t xc_mset_matches_upper_bound(const xc_mset *mset);
/* Item i (0-based within this page). */
int xc_mset_item(const xc_mset *mset, uint32_t i, uint32_t *docid,
                 double *weight, uint32_t *collapse_count);
int xc_mset_get_document(const xc_mset *mset, uint32_t i, xc_doc **out);
/* Item i's collapse key and sort key (the values of the collapse and
 * sort slots; "" when not set), copied into ck and sk (NUL-terminated,
 * cut to their capacity) with their whole lengths in *ck_len and *sk_len.
 * They come with the match, also from remote shards, without fetching
 * the document. Any of the four outputs may be NULL. */
int xc_mset_item_keys(const xc_mset *mset, uint32_t i, char *ck,
                      size_t ck_cap, size_t *ck_len, char *sk, size_t sk_cap,
                      size_t *sk_len);
/* Facet counts for the n-th spy added (0-based): call with idx 0.. until it
 * returns 0. Returns 1 and sets *value (borrowed, valid until the mset is
 * freed) and *count; 0 at the end; negative on error. */
int xc_mset_facet(const xc_mset *mset, unsigned spy, size_t idx,
                  const char **value, size_t *len, uint32_t *count);

/* As xc_enquire_add_facet, for a slot holding several values joined by
 * `sep` ("prevent,safeguarding"): each value is counted once per document. */
int xc_enquire_add_facet_multi(xc_enquire *enq, unsigned slot, char sep);

/* Facets whose value is the same for every document with the same value in
 * `slot` (a report's grade on each of its passages) need reading only once
 * per group: set the group slot (-1: none) and add them with
 * xc_enquire_add_facet_grouped. The counts are those of
 * xc_enquire_add_facet, found with fewer reads; they are wrong if the
 * values do differ within a group. */
int xc_enquire_set_facet_group(xc_enquire *enq, int slot);
int xc_enquire_add_facet_grouped(xc_enquire *enq, unsigned slot);

/* Called for every document the match looks at (with check_at_least set to
 * the database size: every match), with the values of the chosen slots
 * (values[i] is "" when unset; borrowed for the call). No document id is
 * given: on a database of several shards Xapian hands match spies each
 * shard's own ids, which name other documents in the combined database.
 * The callback must not call back into this API. One visitor per enquire;
 * NULL fn removes it. At most 16 slots. */
typedef void (*xc_visit_fn)(void *ctx, const char *const *values,
                            const size_t *lens);
int xc_enquire_set_visitor(xc_enquire *enq, const unsigned *slots, size_t n,
                           xc_visit_fn fn, void *ctx);

/* Query expansion: the terms that best tell documents `docids` apart from
 * the rest of the database (Xapian's ESet), only terms starting with one
 * of the characters of `first_chars` (e.g. "ZK"), best first. *out is an
 * array of *n_out terms the caller frees with xc_expand_free. */
typedef struct xc_expand_term {
    char *term;
    double weight;
} xc_expand_term;
int xc_db_expand(xc_db *db, const uint32_t *docids, size_t n_docids,
                 uint32_t max_terms, const char *first_chars,
                 xc_expand_term **out, size_t *n_out);
void xc_expand_free(xc_expand_term *terms, size_t n);

/* Numbers as strings that sort as the numbers do (for value slots). buf
 * needs 16 bytes; returns the length. */
size_t xc_sortable_serialise(double value, char buf[16]);
double xc_sortable_unserialise(const char *value, size_t len);

/* ---------- stemming ---------- */

typedef struct xc_stemmer xc_stemmer;

/* `language`: a Snowball language name ("english"). */
int xc_stemmer_new(const char *language, xc_stemmer **out);
void xc_stemmer_free(xc_stemmer *st);
/* Stem `word` (UTF-8, `len` bytes) into `buf` (NUL-terminated). If the stem
 * does not fit in `bufsize`, XC_ERR_INVALID. *outlen may be NULL. */
int xc_stemmer_stem(xc_stemmer *st, const char *word, size_t len, char *buf,
                    size_t bufsize, size_t *outlen);

/* The libxapian version string ("1.4.22"). Static. */
const char *xc_version_string(void);

#ifdef __cplusplus
}
#endif

#endif /* INSEARCH_XAPIAN_C_H */
