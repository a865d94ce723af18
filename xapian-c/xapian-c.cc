/* xapian-c.cc - the C API of xapian-c.h over libxapian.
 *
 * Every entry point has the same shape:
 *
 *     try { ... } catch (...) { return map_current_exception(); }
 *
 * and map_current_exception() is the one place that knows which Xapian error
 * becomes which status. Xapian::Error does not derive from std::exception,
 * so the helper catches both hierarchies and then anything else: no
 * exception may cross into C.
 *
 * Built with -fvisibility=hidden; only the xc_ functions are marked for
 * export, and everything else here has internal linkage (tests/symbols.sh
 * checks the object).
 */
#include "xapian-c.h"

#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <unordered_map>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#define XC_EXPORT extern "C" __attribute__((visibility("default")))

/* An enquire re-creates its spies for every run, so this bounds the work a
 * run does on facets, not memory that grows. */
#define XC_MAX_FACETS 8

struct xc_db {
    /* `db` is what every read goes through; `wdb` points at the same object
     * when the database was opened for writing. */
    Xapian::Database *db;
    Xapian::WritableDatabase *wdb;
};

struct xc_doc {
    Xapian::Document doc;
    /* Hold what get_data/get_value hand out as borrowed pointers. */
    std::string data;
    std::string value;
};

struct xc_termiter {
    Xapian::TermIterator it;
    Xapian::TermIterator end;
    /* Keep the source alive for as long as the iterator walks it. */
    Xapian::Database db;
    Xapian::Document doc;
    bool is_termlist;
    std::string current;
};

struct xc_query {
    Xapian::Query q;
};

struct facet_spec {
    Xapian::valueno slot;
    char sep;     /* 0: one value per document */
    bool grouped; /* the same for every document of a group */
};

/* Counts the values of every facet slot in one pass over the match: one
 * spy, not one per slot, and no value read twice. A grouped facet (a
 * report's grade, on each of its passages) is read once per group (the
 * group slot's value: the report) and then only counted. The last few
 * groups are remembered, as the documents of a group arrive together but,
 * on a sharded database, interleaved with those of the other shards. */
class FacetSpy : public Xapian::MatchSpy {
  public:
    FacetSpy(const std::vector<facet_spec> &s, Xapian::valueno group,
             bool has_group)
        : specs(s), counts(s.size()), group_slot(group), use_group(has_group)
    {
        for (group_cache &g : cache)
            g.ctr.assign(s.size(), nullptr);
    }
    void operator()(const Xapian::Document &doc, double) override
    {
        group_cache *g = nullptr;
        if (use_group) {
            key = doc.get_value(group_slot);
            if (!key.empty()) {
                for (group_cache &c : cache)
                    if (c.used && c.key == key) {
                        g = &c;
                        break;
                    }
                if (!g) {
                    g = &cache[next];
                    next = (next + 1) % N_CACHE;
                    g->key = key;
                    g->used = true;
                    for (size_t i = 0; i < specs.size(); i++) {
                        g->ctr[i] = nullptr;
                        if (!specs[i].grouped)
                            continue;
                        std::string v = doc.get_value(specs[i].slot);
                        if (!v.empty()) /* as ValueCountMatchSpy: unset
                                           values are not counted */
                            g->ctr[i] = &counts[i][v];
                    }
                }
            }
        }
        for (size_t i = 0; i < specs.size(); i++) {
            const facet_spec &f = specs[i];
            if (f.grouped && g) {
                if (g->ctr[i])
                    ++*g->ctr[i];
                continue;
            }
            std::string v = doc.get_value(f.slot);
            if (!f.sep) {
                if (!v.empty())
                    ++*counter(i, v.data(), v.size());
                continue;
            }
            size_t start = 0;
            while (start < v.size()) {
                size_t end = v.find(f.sep, start);
                if (end == std::string::npos)
                    end = v.size();
                if (end > start)
                    ++*counter(i, v.data() + start, end - start);
                start = end + 1;
            }
        }
    }
    std::vector<facet_spec> specs;
    std::vector<std::unordered_map<std::string, uint32_t>> counts;

  private:
    /* The counter of value `v` of spy i. A facet has few values (three
     * polarities, a few dozen themes) met over and over: the last ones
     * found are looked at before the map, which costs a string and a
     * hash per value (profiled: a fifth of counting facets). */
    uint32_t *counter(size_t i, const char *v, size_t n)
    {
        value_cache &vc = recent[i];
        for (unsigned k = 0; k < N_RECENT; k++)
            if (vc.ctr[k] && vc.key[k].size() == n &&
                std::memcmp(vc.key[k].data(), v, n) == 0)
                return vc.ctr[k];
        key.assign(v, n);
        uint32_t *c = &counts[i][key];
        vc.key[vc.next].assign(v, n);
        vc.ctr[vc.next] = c;
        vc.next = (vc.next + 1) % N_RECENT;
        return c;
    }
    enum { N_CACHE = 8, N_RECENT = 8 };
    struct value_cache {
        std::string key[N_RECENT];
        uint32_t *ctr[N_RECENT] = {}; /* into counts: map nodes stay put */
        unsigned next = 0;
    };
    std::vector<value_cache> recent =
        std::vector<value_cache>(specs.size()); /* after specs */
    struct group_cache {
        std::string key;
        std::vector<uint32_t *> ctr; /* into counts: map nodes do not move */
        bool used = false;
    };
    group_cache cache[N_CACHE];
    unsigned next = 0;
    std::string key;
    Xapian::valueno group_slot;
    bool use_group;
};

/* Hands each matched document's values to a C callback. The callback is C
 * and cannot throw; it runs inside Xapian's match, so it must not re-enter
 * this API (documented on xc_enquire_set_visitor). */
class VisitorSpy : public Xapian::MatchSpy {
  public:
    VisitorSpy(const std::vector<Xapian::valueno> &s, xc_visit_fn f, void *c)
        : slots(s), fn(f), ctx(c), vals(s.size()), ptrs(s.size()),
          lens(s.size())
    {
    }
    void operator()(const Xapian::Document &doc, double) override
    {
        for (size_t i = 0; i < slots.size(); i++) {
            vals[i] = doc.get_value(slots[i]);
            ptrs[i] = vals[i].c_str();
            lens[i] = vals[i].size();
        }
        fn(ctx, ptrs.data(), lens.data());
    }

  private:
    std::vector<Xapian::valueno> slots;
    xc_visit_fn fn;
    void *ctx;
    std::vector<std::string> vals;
    std::vector<const char *> ptrs;
    std::vector<size_t> lens;
};

struct xc_enquire {
    Xapian::Enquire enq;
    std::vector<facet_spec> facet_slots;
    Xapian::valueno facet_group = Xapian::BAD_VALUENO;
    /* The enquire holds raw pointers to these; the destructor clears it of
     * them before they go. */
    std::vector<std::unique_ptr<Xapian::MatchSpy>> spies;
    std::vector<Xapian::valueno> visit_slots;
    xc_visit_fn visit_fn = nullptr;
    void *visit_ctx = nullptr;
    /* The order asked for: by relevance (sort_slot BAD_VALUENO) or by a
     * value, and the slot that breaks ties (BAD_VALUENO: document id). The
     * enquire holds a raw pointer to the key maker. */
    Xapian::valueno sort_slot = Xapian::BAD_VALUENO;
    bool sort_desc = false;
    Xapian::valueno tiebreak = Xapian::BAD_VALUENO;
    std::unique_ptr<Xapian::MultiValueKeyMaker> keymaker;

    Xapian::Database db;   /* what the enquire searches (for counting) */

    explicit xc_enquire(const Xapian::Database &d) : enq(d), db(d) {}
    ~xc_enquire() {
        try {
            enq.clear_matchspies();
            enq.set_sort_by_relevance();
        } catch (...) {}
    }
};

typedef std::vector<std::pair<std::string, uint32_t>> facet_counts;

struct xc_mset {
    Xapian::MSet mset;
    /* A snapshot taken when the match ran: the enquire's spies are reset by
     * the next run, and this mset must not change under its reader. */
    std::vector<facet_counts> facets;
};

struct xc_stemmer {
    Xapian::Stem stem;
};

namespace {

/* The message of the last failure on this thread. A fixed buffer, so
 * recording an error can neither fail nor allocate; long messages are cut. */
thread_local char last_error[1024];

void set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void set_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
}

int fail(int status, const char *msg)
{
    set_error("%s", msg);
    return status;
}

int set_xapian_error(int status, const Xapian::Error &e) noexcept
{
    const std::string &ctx = e.get_context();
    /* The system error behind an I/O failure ("Permission denied"), if
     * any; working it out may allocate, and a message without it will do. */
    const char *sys = nullptr;
    try {
        sys = e.get_error_string();
    } catch (...) {
    }
    set_error("%s: %s%s%s%s%s%s", e.get_type(), e.get_msg().c_str(),
              ctx.empty() ? "" : " (context: ", ctx.c_str(),
              ctx.empty() ? "" : ")", sys != nullptr ? ": " : "",
              sys != nullptr ? sys : "");
    return status;
}

/* Call only from inside a catch block. */
int map_current_exception() noexcept
{
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &e) {
        return set_xapian_error(XC_ERR_LOCK, e);
    } catch (const Xapian::DatabaseOpeningError &e) {
        /* Also DatabaseNotFoundError and DatabaseVersionError. */
        return set_xapian_error(XC_ERR_OPENING, e);
    } catch (const Xapian::DatabaseCorruptError &e) {
        return set_xapian_error(XC_ERR_CORRUPT, e);
    } catch (const Xapian::DatabaseModifiedError &e) {
        return set_xapian_error(XC_ERR_MODIFIED, e);
    } catch (const Xapian::QueryParserError &e) {
        return set_xapian_error(XC_ERR_QUERY, e);
    } catch (const Xapian::WildcardError &e) {
        return set_xapian_error(XC_ERR_QUERY, e);
    } catch (const Xapian::DocNotFoundError &e) {
        return set_xapian_error(XC_ERR_NOT_FOUND, e);
    } catch (const Xapian::InvalidArgumentError &e) {
        return set_xapian_error(XC_ERR_INVALID, e);
    } catch (const Xapian::InvalidOperationError &e) {
        return set_xapian_error(XC_ERR_INVALID, e);
    } catch (const Xapian::DatabaseError &e) {
        return set_xapian_error(XC_ERR_IO, e);
    } catch (const Xapian::NetworkError &e) {
        /* Also NetworkTimeoutError. */
        return set_xapian_error(XC_ERR_NETWORK, e);
    } catch (const Xapian::Error &e) {
        return set_xapian_error(XC_ERR_XAPIAN, e);
    } catch (const std::bad_alloc &) {
        return fail(XC_ERR_NOMEM, "out of memory");
    } catch (const std::exception &e) {
        set_error("C++ exception: %s", e.what());
        return XC_ERR_UNKNOWN;
    } catch (...) {
        return fail(XC_ERR_UNKNOWN, "unknown C++ exception");
    }
}

#define CHECK_ARG(p)                                                        \
    do {                                                                    \
        if ((p) == nullptr) {                                               \
            set_error("%s: argument '%s' is NULL", __func__, #p);           \
            return XC_ERR_INVALID;                                          \
        }                                                                   \
    } while (0)

int need_writable(const xc_db *db, const char *func)
{
    if (db->wdb == nullptr) {
        set_error("%s: the database is open read-only", func);
        return XC_ERR_INVALID;
    }
    return XC_OK;
}

uint32_t clamp32(unsigned long long v)
{
    return v > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(v);
}

/* A malloc'd copy of `s`, for strings the caller frees with free(). */
int copy_out(const std::string &s, char **out, size_t *len_out)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (p == nullptr)
        return fail(XC_ERR_NOMEM, "out of memory");
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    *out = p;
    if (len_out != nullptr)
        *len_out = s.size();
    return XC_OK;
}

bool map_op(xc_query_op op, Xapian::Query::op *out)
{
    switch (op) {
    case XC_OP_AND: *out = Xapian::Query::OP_AND; return true;
    case XC_OP_OR: *out = Xapian::Query::OP_OR; return true;
    case XC_OP_AND_NOT: *out = Xapian::Query::OP_AND_NOT; return true;
    case XC_OP_FILTER: *out = Xapian::Query::OP_FILTER; return true;
    case XC_OP_AND_MAYBE: *out = Xapian::Query::OP_AND_MAYBE; return true;
    case XC_OP_PHRASE: *out = Xapian::Query::OP_PHRASE; return true;
    case XC_OP_NEAR: *out = Xapian::Query::OP_NEAR; return true;
    case XC_OP_SYNONYM: *out = Xapian::Query::OP_SYNONYM; return true;
    case XC_OP_ELITE_SET: *out = Xapian::Query::OP_ELITE_SET; return true;
    case XC_OP_MAX: *out = Xapian::Query::OP_MAX; return true;
    }
    return false;
}

int new_query(Xapian::Query &&q, xc_query **out)
{
    xc_query *h = new xc_query{std::move(q)};
    *out = h;
    return XC_OK;
}

} // namespace

/* ---------- status ---------- */

XC_EXPORT const char *xc_status_to_string(int status)
{
    switch (status) {
    case XC_OK: return "ok";
    case XC_ERR_NOMEM: return "out of memory";
    case XC_ERR_LOCK: return "lock";
    case XC_ERR_OPENING: return "opening";
    case XC_ERR_CORRUPT: return "corrupt";
    case XC_ERR_MODIFIED: return "modified";
    case XC_ERR_QUERY: return "query";
    case XC_ERR_NOT_FOUND: return "not found";
    case XC_ERR_INVALID: return "invalid";
    case XC_ERR_IO: return "database error";
    case XC_ERR_XAPIAN: return "xapian error";
    case XC_ERR_UNKNOWN: return "unknown error";
    case XC_ERR_NETWORK: return "network";
    }
    return "unrecognised status";
}

XC_EXPORT const char *xc_last_error(void)
{
    return last_error;
}

XC_EXPORT const char *xc_version_string(void)
{
    return Xapian::version_string();
}

/* ---------- databases ---------- */

XC_EXPORT int xc_db_compact(const char *src, const char *dst)
{
    CHECK_ARG(src);
    CHECK_ARG(dst);
    try {
        /* The same document ids: nothing outside the database refers to
         * them, but a compacted index should answer exactly as before. */
        Xapian::Database(src).compact(dst, Xapian::DBCOMPACT_NO_RENUMBER);
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_compact_shards(const char *const *src, size_t n,
                                   const char *dst)
{
    CHECK_ARG(src);
    CHECK_ARG(dst);
    if (n == 0)
        return fail(XC_ERR_INVALID, "no databases to compact");
    for (size_t i = 0; i < n; i++)
        CHECK_ARG(src[i]);
    if (n == 1)
        return xc_db_compact(src[0], dst);
    try {
        /* The shards' document ids overlap (each starts at 1), so they
         * cannot be kept: Xapian renumbers them, shard after shard. */
        Xapian::Database all;
        for (size_t i = 0; i < n; i++)
            all.add_database(Xapian::Database(src[i]));
        all.compact(dst);
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_open_empty(xc_db **out)
{
    CHECK_ARG(out);
    *out = nullptr;
    xc_db *h = nullptr;
    try {
        h = new xc_db{nullptr, nullptr};
        /* An in-memory database: no documents, no metadata, but a real
         * one that an Enquire can run on (an empty stub database cannot). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        /* Deprecated for 1.5 but the only empty database that takes an
         * Enquire in 1.4: nothing is ever written to it. */
        h->db = new Xapian::Database(Xapian::InMemory::open());
#pragma GCC diagnostic pop
        *out = h;
        return XC_OK;
    } catch (...) {
        delete h;
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_open(const char *path, xc_open_mode mode, xc_db **out)
{
    CHECK_ARG(path);
    CHECK_ARG(out);
    *out = nullptr;
    xc_db *h = nullptr;
    try {
        h = new xc_db{nullptr, nullptr};
        switch (mode) {
        case XC_OPEN_READ:
            h->db = new Xapian::Database(path);
            break;
        case XC_OPEN_WRITE:
        case XC_OPEN_WRITE_EXISTING:
            h->wdb = new Xapian::WritableDatabase(
                path, mode == XC_OPEN_WRITE ? Xapian::DB_CREATE_OR_OPEN
                                            : Xapian::DB_OPEN);
            h->db = h->wdb;
            break;
        default:
            delete h;
            set_error("xc_db_open: unknown open mode %d", (int)mode);
            return XC_ERR_INVALID;
        }
        *out = h;
        return XC_OK;
    } catch (...) {
        delete h;
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_open_many(const char *const *paths, size_t n, xc_db **out)
{
    CHECK_ARG(paths);
    CHECK_ARG(out);
    *out = nullptr;
    for (size_t i = 0; i < n; i++) {
        if (paths[i] == nullptr) {
            set_error("xc_db_open_many: paths[%zu] is NULL", i);
            return XC_ERR_INVALID;
        }
    }
    xc_db *h = nullptr;
    try {
        h = new xc_db{new Xapian::Database(), nullptr};
        for (size_t i = 0; i < n; i++)
            h->db->add_database(Xapian::Database(paths[i]));
        *out = h;
        return XC_OK;
    } catch (...) {
        if (h != nullptr)
            delete h->db;
        delete h;
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_new_multi(xc_db **out)
{
    CHECK_ARG(out);
    *out = nullptr;
    try {
        std::unique_ptr<Xapian::Database> db(new Xapian::Database());
        *out = new xc_db{db.get(), nullptr};
        db.release();
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_add_path(xc_db *db, const char *path)
{
    CHECK_ARG(db);
    CHECK_ARG(path);
    try {
        db->db->add_database(Xapian::Database(path));
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_add_remote(xc_db *db, const char *host, unsigned port,
                               unsigned timeout_ms,
                               unsigned connect_timeout_ms)
{
    CHECK_ARG(db);
    CHECK_ARG(host);
    try {
        db->db->add_database(Xapian::Remote::open(
            host, port, timeout_ms, connect_timeout_ms));
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_add_remote_prog(xc_db *db, const char *program,
                                    const char *args, unsigned timeout_ms)
{
    CHECK_ARG(db);
    CHECK_ARG(program);
    try {
        db->db->add_database(Xapian::Remote::open(
            program, args != nullptr ? args : "", timeout_ms));
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_close(xc_db *db)
{
    if (db == nullptr)
        return XC_OK;
    int rc = XC_OK;
    if (db->wdb != nullptr) {
        /* Xapian's close() commits pending changes unless a transaction is
         * open, in which case it cancels the transaction, and an unflushed
         * transaction holds everything since the last commit. So opening
         * one here makes close() drop what was not committed, as the API
         * promises. It fails only if a transaction is already open, and
         * close() cancels that one just the same. */
        try {
            db->wdb->begin_transaction(false);
        } catch (const Xapian::InvalidOperationError &) {
        } catch (...) {
            rc = map_current_exception();
        }
    }
    try {
        /* An explicit close() reports what the destructor would swallow. */
        db->db->close();
    } catch (...) {
        rc = map_current_exception();
    }
    try {
        delete db->db;
    } catch (...) {
        /* Destructors of a closed database should not throw; if one does,
         * the handle is still gone. */
        if (rc == XC_OK)
            rc = map_current_exception();
    }
    delete db;
    return rc;
}

XC_EXPORT int xc_db_reopen(xc_db *db)
{
    CHECK_ARG(db);
    try {
        db->db->reopen();
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_doccount(xc_db *db, uint32_t *out)
{
    CHECK_ARG(db);
    CHECK_ARG(out);
    try {
        *out = clamp32(db->db->get_doccount());
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_lastdocid(xc_db *db, uint32_t *out)
{
    CHECK_ARG(db);
    CHECK_ARG(out);
    try {
        *out = clamp32(db->db->get_lastdocid());
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_avlength(xc_db *db, double *out)
{
    CHECK_ARG(db);
    CHECK_ARG(out);
    try {
        *out = db->db->get_avlength();
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_termfreq(xc_db *db, const char *term, uint32_t *out)
{
    CHECK_ARG(db);
    CHECK_ARG(term);
    CHECK_ARG(out);
    try {
        *out = clamp32(db->db->get_termfreq(term));
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_collection_freq(xc_db *db, const char *term, uint32_t *out)
{
    CHECK_ARG(db);
    CHECK_ARG(term);
    CHECK_ARG(out);
    try {
        *out = clamp32(db->db->get_collection_freq(term));
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_first_posting(xc_db *db, const char *term, uint32_t *out)
{
    CHECK_ARG(db);
    CHECK_ARG(term);
    CHECK_ARG(out);
    try {
        Xapian::PostingIterator it = db->db->postlist_begin(term);
        *out = it == db->db->postlist_end(term) ? 0 : *it;
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_postings(xc_db *db, const char *term, uint32_t *docids,
                             size_t max, size_t *n_out)
{
    CHECK_ARG(db);
    CHECK_ARG(term);
    CHECK_ARG(n_out);
    if (max > 0)
        CHECK_ARG(docids);
    *n_out = 0;
    try {
        size_t n = 0;
        Xapian::PostingIterator end = db->db->postlist_end(term);
        for (Xapian::PostingIterator it = db->db->postlist_begin(term);
             n < max && it != end; ++it)
            docids[n++] = *it;
        *n_out = n;
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_get_metadata(xc_db *db, const char *key, char **value_out,
                                 size_t *len_out)
{
    CHECK_ARG(db);
    CHECK_ARG(key);
    CHECK_ARG(value_out);
    *value_out = nullptr;
    try {
        return copy_out(db->db->get_metadata(key), value_out, len_out);
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_set_metadata(xc_db *db, const char *key,
                                 const char *value, size_t len)
{
    CHECK_ARG(db);
    CHECK_ARG(key);
    if (len > 0)
        CHECK_ARG(value);
    if (need_writable(db, __func__) != XC_OK)
        return XC_ERR_INVALID;
    try {
        db->wdb->set_metadata(key, std::string(value ? value : "", len));
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

/* ---------- documents ---------- */

XC_EXPORT int xc_doc_new(xc_doc **out)
{
    CHECK_ARG(out);
    *out = nullptr;
    try {
        *out = new xc_doc();
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT void xc_doc_free(xc_doc *doc)
{
    delete doc;
}

XC_EXPORT int xc_db_get_document(xc_db *db, uint32_t docid, xc_doc **out)
{
    CHECK_ARG(db);
    CHECK_ARG(out);
    *out = nullptr;
    xc_doc *h = nullptr;
    try {
        h = new xc_doc();
        h->doc = db->db->get_document(docid);
        *out = h;
        return XC_OK;
    } catch (...) {
        delete h;
        return map_current_exception();
    }
}

XC_EXPORT int xc_doc_set_data(xc_doc *doc, const char *data, size_t len)
{
    CHECK_ARG(doc);
    if (len > 0)
        CHECK_ARG(data);
    try {
        doc->doc.set_data(std::string(data ? data : "", len));
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_doc_get_data(xc_doc *doc, const char **data, size_t *len)
{
    CHECK_ARG(doc);
    CHECK_ARG(data);
    try {
        doc->data = doc->doc.get_data();
        *data = doc->data.c_str();
        if (len != nullptr)
            *len = doc->data.size();
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_doc_add_posting(xc_doc *doc, const char *term, uint32_t pos,
                                 uint32_t wdf_inc)
{
    CHECK_ARG(doc);
    CHECK_ARG(term);
    try {
        doc->doc.add_posting(term, pos, wdf_inc);
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_doc_add_term(xc_doc *doc, const char *term, uint32_t wdf_inc)
{
    CHECK_ARG(doc);
    CHECK_ARG(term);
    try {
        doc->doc.add_term(term, wdf_inc);
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_doc_scale_wdf(xc_doc *doc, const char *prefixes,
                               double factor)
{
    CHECK_ARG(doc);
    CHECK_ARG(prefixes);
    if (!(factor >= 1.0) || factor > 1e6)
        return fail(XC_ERR_INVALID, "xc_doc_scale_wdf: factor must be 1 to 1e6");
    try {
        /* Collected first: a document's termlist is not to be walked while
         * the document changes. Xapian has no "set wdf": with factor >= 1
         * the new wdf is never below the old, so adding the difference
         * does it. */
        std::vector<std::pair<std::string, Xapian::termcount>> grow;
        for (auto it = doc->doc.termlist_begin(); it != doc->doc.termlist_end();
             ++it) {
            const std::string &t = *it;
            if (t.empty() || !std::strchr(prefixes, t[0]))
                continue;
            Xapian::termcount w = it.get_wdf();
            double scaled = std::floor(double(w) * factor + 0.5);
            Xapian::termcount nw = scaled > 4e9 ? 4000000000u
                                                : Xapian::termcount(scaled);
            if (nw > w)
                grow.emplace_back(t, nw - w);
        }
        for (const auto &g : grow)
            doc->doc.add_term(g.first, g.second);
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_doc_add_boolean_term(xc_doc *doc, const char *term)
{
    CHECK_ARG(doc);
    CHECK_ARG(term);
    try {
        doc->doc.add_boolean_term(term);
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_doc_add_value(xc_doc *doc, unsigned slot, const char *value,
                               size_t len)
{
    CHECK_ARG(doc);
    if (len > 0)
        CHECK_ARG(value);
    if (slot == Xapian::BAD_VALUENO)
        return fail(XC_ERR_INVALID, "xc_doc_add_value: invalid value slot");
    try {
        doc->doc.add_value(slot, std::string(value ? value : "", len));
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_doc_get_value(xc_doc *doc, unsigned slot, const char **value,
                               size_t *len)
{
    CHECK_ARG(doc);
    CHECK_ARG(value);
    try {
        doc->value = doc->doc.get_value(slot);
        *value = doc->value.c_str();
        if (len != nullptr)
            *len = doc->value.size();
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_replace_document(xc_db *db, const char *unique_term,
                                     xc_doc *doc, uint32_t *docid_out)
{
    CHECK_ARG(db);
    CHECK_ARG(unique_term);
    CHECK_ARG(doc);
    if (need_writable(db, __func__) != XC_OK)
        return XC_ERR_INVALID;
    try {
        Xapian::docid id = db->wdb->replace_document(unique_term, doc->doc);
        if (docid_out != nullptr)
            *docid_out = id;
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_add_document(xc_db *db, xc_doc *doc, uint32_t *docid_out)
{
    CHECK_ARG(db);
    CHECK_ARG(doc);
    if (need_writable(db, __func__) != XC_OK)
        return XC_ERR_INVALID;
    try {
        Xapian::docid id = db->wdb->add_document(doc->doc);
        if (docid_out != nullptr)
            *docid_out = id;
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_delete_documents(xc_db *db, const char *term)
{
    CHECK_ARG(db);
    CHECK_ARG(term);
    if (need_writable(db, __func__) != XC_OK)
        return XC_ERR_INVALID;
    try {
        db->wdb->delete_document(std::string(term));
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_delete_document(xc_db *db, uint32_t docid)
{
    CHECK_ARG(db);
    if (need_writable(db, __func__) != XC_OK)
        return XC_ERR_INVALID;
    try {
        db->wdb->delete_document(static_cast<Xapian::docid>(docid));
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_commit(xc_db *db)
{
    CHECK_ARG(db);
    if (need_writable(db, __func__) != XC_OK)
        return XC_ERR_INVALID;
    try {
        db->wdb->commit();
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_begin_transaction(xc_db *db, int flushed)
{
    CHECK_ARG(db);
    if (need_writable(db, __func__) != XC_OK)
        return XC_ERR_INVALID;
    try {
        db->wdb->begin_transaction(flushed != 0);
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_commit_transaction(xc_db *db)
{
    CHECK_ARG(db);
    if (need_writable(db, __func__) != XC_OK)
        return XC_ERR_INVALID;
    try {
        db->wdb->commit_transaction();
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_db_cancel_transaction(xc_db *db)
{
    CHECK_ARG(db);
    if (need_writable(db, __func__) != XC_OK)
        return XC_ERR_INVALID;
    try {
        db->wdb->cancel_transaction();
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

/* ---------- term iteration ---------- */

XC_EXPORT int xc_db_allterms(xc_db *db, const char *prefix, xc_termiter **out)
{
    CHECK_ARG(db);
    CHECK_ARG(prefix);
    CHECK_ARG(out);
    *out = nullptr;
    xc_termiter *h = nullptr;
    try {
        h = new xc_termiter();
        h->db = *db->db;
        h->it = h->db.allterms_begin(prefix);
        h->end = h->db.allterms_end(prefix);
        h->is_termlist = false;
        *out = h;
        return XC_OK;
    } catch (...) {
        delete h;
        return map_current_exception();
    }
}

XC_EXPORT int xc_doc_termlist(xc_doc *doc, xc_termiter **out)
{
    CHECK_ARG(doc);
    CHECK_ARG(out);
    *out = nullptr;
    xc_termiter *h = nullptr;
    try {
        h = new xc_termiter();
        h->doc = doc->doc;
        h->it = h->doc.termlist_begin();
        h->end = h->doc.termlist_end();
        h->is_termlist = true;
        *out = h;
        return XC_OK;
    } catch (...) {
        delete h;
        return map_current_exception();
    }
}

XC_EXPORT int xc_termiter_next(xc_termiter *it, const char **term,
                               size_t *len, uint32_t *freq)
{
    CHECK_ARG(it);
    CHECK_ARG(term);
    try {
        if (it->it == it->end)
            return 0;
        it->current = *it->it;
        if (freq != nullptr)
            *freq = clamp32(it->is_termlist ? it->it.get_wdf()
                                            : it->it.get_termfreq());
        ++it->it;
        *term = it->current.c_str();
        if (len != nullptr)
            *len = it->current.size();
        return 1;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT void xc_termiter_free(xc_termiter *it)
{
    delete it;
}

/* ---------- queries ---------- */

XC_EXPORT int xc_query_term(const char *term, uint32_t wqf, uint32_t pos,
                            xc_query **out)
{
    CHECK_ARG(term);
    CHECK_ARG(out);
    *out = nullptr;
    /* Xapian reads the empty term as "match everything"; a caller that
     * means that says so with xc_query_match_all. */
    if (term[0] == '\0')
        return fail(XC_ERR_INVALID, "xc_query_term: empty term");
    try {
        return new_query(Xapian::Query(term, wqf, pos), out);
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_query_combine(xc_query_op op, xc_query *const *subs,
                               size_t n, uint32_t window, xc_query **out)
{
    CHECK_ARG(out);
    *out = nullptr;
    if (n > 0)
        CHECK_ARG(subs);
    for (size_t i = 0; i < n; i++) {
        if (subs[i] == nullptr) {
            set_error("xc_query_combine: subs[%zu] is NULL", i);
            return XC_ERR_INVALID;
        }
    }
    Xapian::Query::op xop;
    if (!map_op(op, &xop)) {
        set_error("xc_query_combine: unknown operator %d", (int)op);
        return XC_ERR_INVALID;
    }
    try {
        std::vector<Xapian::Query> qs;
        qs.reserve(n);
        for (size_t i = 0; i < n; i++)
            qs.push_back(subs[i]->q);
        return new_query(Xapian::Query(xop, qs.begin(), qs.end(), window),
                         out);
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_query_value_range(unsigned slot, const char *lo,
                                   const char *hi, xc_query **out)
{
    CHECK_ARG(out);
    *out = nullptr;
    try {
        if (lo != nullptr && hi != nullptr)
            return new_query(Xapian::Query(Xapian::Query::OP_VALUE_RANGE,
                                           slot, lo, hi), out);
        if (hi != nullptr)
            return new_query(Xapian::Query(Xapian::Query::OP_VALUE_LE, slot,
                                           hi), out);
        /* Xapian turns OP_VALUE_GE "" into MatchAll; every value that is
         * set is >= "\0", so that keeps to documents with a value. */
        std::string limit = lo != nullptr && *lo != '\0' ? std::string(lo)
                                                         : std::string(1, '\0');
        return new_query(Xapian::Query(Xapian::Query::OP_VALUE_GE, slot,
                                       limit), out);
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_query_wildcard(const char *prefix, uint32_t max_expansion,
                                xc_query **out)
{
    CHECK_ARG(prefix);
    CHECK_ARG(out);
    *out = nullptr;
    try {
        return new_query(Xapian::Query(Xapian::Query::OP_WILDCARD, prefix,
                                       max_expansion,
                                       Xapian::Query::WILDCARD_LIMIT_ERROR,
                                       Xapian::Query::OP_SYNONYM), out);
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_query_scale_weight(xc_query *q, double factor,
                                    xc_query **out)
{
    CHECK_ARG(q);
    CHECK_ARG(out);
    *out = nullptr;
    try {
        return new_query(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q,
                                       factor), out);
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_query_value_weight(unsigned slot, xc_query **out)
{
    CHECK_ARG(out);
    *out = nullptr;
    try {
        /* The query owns the source once released to it. */
        auto *src = new Xapian::ValueWeightPostingSource(slot);
        return new_query(Xapian::Query(src->release()), out);
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_query_match_all(xc_query **out)
{
    CHECK_ARG(out);
    *out = nullptr;
    try {
        return new_query(Xapian::Query(Xapian::Query::MatchAll), out);
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_query_match_nothing(xc_query **out)
{
    CHECK_ARG(out);
    *out = nullptr;
    try {
        return new_query(Xapian::Query(), out);
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_query_describe(const xc_query *q, char **out)
{
    CHECK_ARG(q);
    CHECK_ARG(out);
    *out = nullptr;
    try {
        return copy_out(q->q.get_description(), out, nullptr);
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT void xc_query_free(xc_query *q)
{
    delete q;
}

/* ---------- searching ---------- */

XC_EXPORT int xc_enquire_new(xc_db *db, xc_enquire **out)
{
    CHECK_ARG(db);
    CHECK_ARG(out);
    *out = nullptr;
    try {
        *out = new xc_enquire(*db->db);
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT void xc_enquire_free(xc_enquire *enq)
{
    delete enq;
}

XC_EXPORT int xc_enquire_set_query(xc_enquire *enq, const xc_query *q)
{
    CHECK_ARG(enq);
    CHECK_ARG(q);
    try {
        enq->enq.set_query(q->q);
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_enquire_set_bm25(xc_enquire *enq, double k1, double k2,
                                  double k3, double b, double min_normlen)
{
    CHECK_ARG(enq);
    try {
        enq->enq.set_weighting_scheme(
            Xapian::BM25Weight(k1, k2, k3, b, min_normlen));
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_enquire_set_boolean_weight(xc_enquire *enq)
{
    CHECK_ARG(enq);
    try {
        enq->enq.set_weighting_scheme(Xapian::BoolWeight());
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_enquire_set_collapse_key(xc_enquire *enq, int slot,
                                          uint32_t max)
{
    CHECK_ARG(enq);
    if (slot < -1)
        return fail(XC_ERR_INVALID,
                    "xc_enquire_set_collapse_key: slot must be >= -1");
    try {
        if (slot == -1 || max == 0)
            enq->enq.set_collapse_key(Xapian::BAD_VALUENO);
        else
            enq->enq.set_collapse_key(static_cast<Xapian::valueno>(slot),
                                      max);
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

/* Give the enquire the order recorded in enq (see xc_enquire). */
static void apply_sort(xc_enquire *enq)
{
    if (enq->tiebreak == Xapian::BAD_VALUENO) {
        if (enq->sort_slot == Xapian::BAD_VALUENO)
            enq->enq.set_sort_by_relevance();
        else
            enq->enq.set_sort_by_value_then_relevance(enq->sort_slot,
                                                      enq->sort_desc);
        return;
    }
    if (enq->sort_slot == Xapian::BAD_VALUENO) {
        enq->enq.set_sort_by_relevance_then_value(enq->tiebreak, false);
        return;
    }
    /* By value, then by the tie-break key: the key is unique to a
     * document, so relevance has nothing left to decide. */
    std::unique_ptr<Xapian::MultiValueKeyMaker> km(new Xapian::MultiValueKeyMaker);
    km->add_value(enq->sort_slot, enq->sort_desc);
    km->add_value(enq->tiebreak, false);
    enq->enq.set_sort_by_key(km.get(), false);
    enq->keymaker = std::move(km);  /* the old one only after the switch */
}

XC_EXPORT int xc_enquire_set_sort_by_value(xc_enquire *enq, int slot,
                                           int descending)
{
    CHECK_ARG(enq);
    if (slot < -1)
        return fail(XC_ERR_INVALID,
                    "xc_enquire_set_sort_by_value: slot must be >= -1");
    try {
        enq->sort_slot = slot == -1 ? Xapian::BAD_VALUENO
                                    : static_cast<Xapian::valueno>(slot);
        enq->sort_desc = descending != 0;
        apply_sort(enq);
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_enquire_set_tiebreak(xc_enquire *enq, int slot)
{
    CHECK_ARG(enq);
    if (slot < -1)
        return fail(XC_ERR_INVALID,
                    "xc_enquire_set_tiebreak: slot must be >= -1");
    try {
        enq->tiebreak = slot == -1 ? Xapian::BAD_VALUENO
                                   : static_cast<Xapian::valueno>(slot);
        apply_sort(enq);
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

static int add_facet(xc_enquire *enq, unsigned slot, char sep, bool grouped)
{
    CHECK_ARG(enq);
    if (enq->facet_slots.size() >= XC_MAX_FACETS) {
        set_error("xc_enquire_add_facet: at most %d facets per enquire",
                  XC_MAX_FACETS);
        return XC_ERR_INVALID;
    }
    if (slot == Xapian::BAD_VALUENO)
        return fail(XC_ERR_INVALID, "xc_enquire_add_facet: invalid slot");
    try {
        enq->facet_slots.push_back(facet_spec{slot, sep, grouped});
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_enquire_add_facet(xc_enquire *enq, unsigned slot)
{
    return add_facet(enq, slot, 0, false);
}

XC_EXPORT int xc_enquire_add_facet_grouped(xc_enquire *enq, unsigned slot)
{
    return add_facet(enq, slot, 0, true);
}

XC_EXPORT int xc_enquire_set_facet_group(xc_enquire *enq, int slot)
{
    CHECK_ARG(enq);
    enq->facet_group = slot < 0 ? Xapian::BAD_VALUENO
                                : static_cast<Xapian::valueno>(slot);
    return XC_OK;
}

XC_EXPORT int xc_enquire_add_facet_multi(xc_enquire *enq, unsigned slot,
                                         char sep)
{
    if (sep == 0)
        return fail(XC_ERR_INVALID, "xc_enquire_add_facet_multi: no separator");
    return add_facet(enq, slot, sep, false);
}

XC_EXPORT int xc_enquire_set_visitor(xc_enquire *enq, const unsigned *slots,
                                     size_t n, xc_visit_fn fn, void *ctx)
{
    CHECK_ARG(enq);
    if (fn != nullptr && (n > 16 || (n > 0 && slots == nullptr)))
        return fail(XC_ERR_INVALID, "xc_enquire_set_visitor: 0 to 16 slots");
    try {
        enq->visit_slots.assign(slots, slots + (fn ? n : 0));
        enq->visit_fn = fn;
        enq->visit_ctx = ctx;
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

/* The facet counts of `facets` made by one ValueCountMatchSpy per facet,
 * which remote shards run themselves: a slot of several values ("a,b")
 * is counted per distinct list, then each list's count goes to each of
 * its values, which is what FacetSpy counts. The grouped facets come out
 * the same too: FacetSpy's grouping is only a shortcut. */
static void count_facets_remotely(xc_enquire *enq, FacetSpy *facets,
                                  uint32_t first, uint32_t max,
                                  uint32_t check_at_least, xc_mset *h)
{
    enq->enq.clear_matchspies();
    std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
    for (const facet_spec &f : facets->specs) {
        spies.emplace_back(new Xapian::ValueCountMatchSpy(f.slot));
        enq->enq.add_matchspy(spies.back().get());
    }
    /* Counted in a run of its own that returns no documents: over remote
     * shards, Xapian 1.4's spies see some of the documents a run returns
     * twice (measured: 5 passages too many in 751,490 for a top 10, none
     * for a top 1), so the counts and the page come from separate runs. */
    try {
        enq->enq.get_mset(0, 0, check_at_least);
    } catch (...) {
        enq->enq.clear_matchspies(); /* before the spies go */
        throw;
    }
    enq->enq.clear_matchspies();
    h->mset = enq->enq.get_mset(first, max, check_at_least);
    for (size_t i = 0; i < spies.size(); i++) {
        const facet_spec &f = facets->specs[i];
        auto &counts = facets->counts[i];
        for (Xapian::TermIterator v = spies[i]->values_begin();
             v != spies[i]->values_end(); ++v) {
            const std::string value = *v;
            const Xapian::doccount n = v.get_termfreq();
            if (!f.sep) {
                counts[value] += n;
                continue;
            }
            size_t start = 0;
            while (start < value.size()) {
                size_t end = value.find(f.sep, start);
                if (end == std::string::npos)
                    end = value.size();
                if (end > start)
                    counts[value.substr(start, end - start)] += n;
                start = end + 1;
            }
        }
    }
}

XC_EXPORT int xc_enquire_get_mset(xc_enquire *enq, uint32_t first,
                                  uint32_t max, uint32_t check_at_least,
                                  xc_mset **out)
{
    CHECK_ARG(enq);
    CHECK_ARG(out);
    *out = nullptr;
    xc_mset *h = nullptr;
    try {
        /* Xapian's spies keep counting across runs; fresh ones per run make
         * each mset's facets describe its own match. */
        enq->enq.clear_matchspies();
        enq->spies.clear();
        FacetSpy *facets = nullptr;
        if (!enq->facet_slots.empty()) {
            facets = new FacetSpy(enq->facet_slots, enq->facet_group,
                                  enq->facet_group != Xapian::BAD_VALUENO);
            enq->spies.emplace_back(facets);
        }
        if (enq->visit_fn)
            enq->spies.emplace_back(new VisitorSpy(enq->visit_slots,
                                                   enq->visit_fn,
                                                   enq->visit_ctx));
        for (const auto &spy : enq->spies)
            enq->enq.add_matchspy(spy.get());

        h = new xc_mset();
        try {
            h->mset = enq->enq.get_mset(first, max, check_at_least);
        } catch (const Xapian::UnimplementedError &) {
            /* A remote shard (xapian-tcpsrv) runs only the spies it was
             * built with, and ours are not among them. Facets alone are
             * counted by Xapian's own ValueCountMatchSpy, which the
             * shards run where they are and send back as counts. */
            if (enq->spies.empty())
                throw;
            if (facets && !enq->visit_fn) {
                count_facets_remotely(enq, facets, first, max,
                                      check_at_least, h);
                goto counted;
            }
            /* Otherwise the spies are fed here, from every match, fetched
             * a page at a time: slower (each page runs the query again and
             * brings its documents over the network), but the same
             * counts. */
            enq->enq.clear_matchspies();
            const Xapian::doccount page = 20000;
            Xapian::doccount total = enq->db.get_doccount();
            for (Xapian::doccount at = 0; at < total; at += page) {
                Xapian::MSet part = enq->enq.get_mset(at, page);
                /* Asked for a few hundred at a time: libxapian 1.4.22
                 * crashed (in Enquire::Internal::request_doc) fetching
                 * 20,000 documents of remote shards at once. */
                const Xapian::doccount ahead = 256;
                Xapian::doccount k = 0;
                for (Xapian::MSetIterator it = part.begin(); it != part.end();
                     ++it, ++k) {
                    if (k % ahead == 0) {
                        Xapian::MSetIterator stop = it;
                        for (Xapian::doccount j = 0; j < ahead && stop != part.end(); j++)
                            ++stop;
                        part.fetch(it, stop);
                    }
                    Xapian::Document doc = it.get_document();
                    for (const auto &spy : enq->spies)
                        (*spy)(doc, it.get_weight());
                }
                if (part.size() < page)
                    break;
            }
            h->mset = enq->enq.get_mset(first, max, check_at_least);
        }
    counted:
        h->facets.resize(enq->facet_slots.size());
        for (size_t i = 0; facets && i < enq->facet_slots.size(); i++) {
            facet_counts &fc = h->facets[i];
            for (const auto &kv : facets->counts[i])
                if (kv.second)
                    fc.emplace_back(kv.first, kv.second);
            /* most first; equal counts in value order, so the order does
             * not depend on the hash table's */
            std::sort(fc.begin(), fc.end(),
                      [](const facet_counts::value_type &a,
                         const facet_counts::value_type &b) {
                          return a.second != b.second ? a.second > b.second
                                                      : a.first < b.first;
                      });
        }
        *out = h;
        return XC_OK;
    } catch (...) {
        delete h;
        return map_current_exception();
    }
}

XC_EXPORT void xc_mset_free(xc_mset *mset)
{
    delete mset;
}

XC_EXPORT uint32_t xc_mset_size(const xc_mset *mset)
{
    if (mset == nullptr)
        return 0;
    try {
        return clamp32(mset->mset.size());
    } catch (...) {
        map_current_exception();
        return 0;
    }
}

XC_EXPORT uint32_t xc_mset_matches_estimated(const xc_mset *mset)
{
    if (mset == nullptr)
        return 0;
    try {
        return clamp32(mset->mset.get_matches_estimated());
    } catch (...) {
        map_current_exception();
        return 0;
    }
}

XC_EXPORT uint32_t xc_mset_matches_lower_bound(const xc_mset *mset)
{
    if (mset == nullptr)
        return 0;
    try {
        return clamp32(mset->mset.get_matches_lower_bound());
    } catch (...) {
        map_current_exception();
        return 0;
    }
}

XC_EXPORT uint32_t xc_mset_matches_upper_bound(const xc_mset *mset)
{
    if (mset == nullptr)
        return 0;
    try {
        return clamp32(mset->mset.get_matches_upper_bound());
    } catch (...) {
        map_current_exception();
        return 0;
    }
}

XC_EXPORT int xc_mset_item(const xc_mset *mset, uint32_t i, uint32_t *docid,
                           double *weight, uint32_t *collapse_count)
{
    CHECK_ARG(mset);
    try {
        if (i >= mset->mset.size()) {
            set_error("xc_mset_item: index %u is past the end (size %u)",
                      (unsigned)i, (unsigned)mset->mset.size());
            return XC_ERR_INVALID;
        }
        Xapian::MSetIterator it = mset->mset[i];
        if (docid != nullptr)
            *docid = *it;
        if (weight != nullptr)
            *weight = it.get_weight();
        if (collapse_count != nullptr)
            *collapse_count = clamp32(it.get_collapse_count());
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

namespace {

void copy_key(const std::string &k, char *out, size_t cap, size_t *len)
{
    if (len != nullptr)
        *len = k.size();
    if (out == nullptr || cap == 0)
        return;
    size_t n = k.size() < cap - 1 ? k.size() : cap - 1;
    memcpy(out, k.data(), n);
    out[n] = '\0';
}

} // namespace

XC_EXPORT int xc_mset_item_keys(const xc_mset *mset, uint32_t i, char *ck,
                                size_t ck_cap, size_t *ck_len, char *sk,
                                size_t sk_cap, size_t *sk_len)
{
    CHECK_ARG(mset);
    try {
        if (i >= mset->mset.size()) {
            set_error("xc_mset_item_keys: index %u is past the end (size %u)",
                      (unsigned)i, (unsigned)mset->mset.size());
            return XC_ERR_INVALID;
        }
        Xapian::MSetIterator it = mset->mset[i];
        copy_key(it.get_collapse_key(), ck, ck_cap, ck_len);
        copy_key(it.get_sort_key(), sk, sk_cap, sk_len);
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT int xc_mset_get_document(const xc_mset *mset, uint32_t i,
                                   xc_doc **out)
{
    CHECK_ARG(mset);
    CHECK_ARG(out);
    *out = nullptr;
    xc_doc *h = nullptr;
    try {
        if (i >= mset->mset.size()) {
            set_error("xc_mset_get_document: index %u is past the end "
                      "(size %u)", (unsigned)i, (unsigned)mset->mset.size());
            return XC_ERR_INVALID;
        }
        h = new xc_doc();
        h->doc = mset->mset[i].get_document();
        *out = h;
        return XC_OK;
    } catch (...) {
        delete h;
        return map_current_exception();
    }
}

XC_EXPORT int xc_mset_facet(const xc_mset *mset, unsigned spy, size_t idx,
                            const char **value, size_t *len, uint32_t *count)
{
    CHECK_ARG(mset);
    CHECK_ARG(value);
    if (spy >= mset->facets.size()) {
        set_error("xc_mset_facet: no facet %u (the enquire had %zu)", spy,
                  mset->facets.size());
        return XC_ERR_INVALID;
    }
    const facet_counts &fc = mset->facets[spy];
    if (idx >= fc.size())
        return 0;
    *value = fc[idx].first.c_str();
    if (len != nullptr)
        *len = fc[idx].first.size();
    if (count != nullptr)
        *count = fc[idx].second;
    return 1;
}

/* ---------- stemming ---------- */

XC_EXPORT int xc_stemmer_new(const char *language, xc_stemmer **out)
{
    CHECK_ARG(language);
    CHECK_ARG(out);
    *out = nullptr;
    try {
        *out = new xc_stemmer{Xapian::Stem(language)};
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

XC_EXPORT void xc_stemmer_free(xc_stemmer *st)
{
    delete st;
}

XC_EXPORT int xc_stemmer_stem(xc_stemmer *st, const char *word, size_t len,
                              char *buf, size_t bufsize, size_t *outlen)
{
    CHECK_ARG(st);
    CHECK_ARG(buf);
    if (len > 0)
        CHECK_ARG(word);
    try {
        std::string stem = st->stem(std::string(word ? word : "", len));
        if (stem.size() >= bufsize) {
            set_error("xc_stemmer_stem: the stem needs %zu bytes, the buffer "
                      "has %zu", stem.size() + 1, bufsize);
            return XC_ERR_INVALID;
        }
        std::memcpy(buf, stem.data(), stem.size());
        buf[stem.size()] = '\0';
        if (outlen != nullptr)
            *outlen = stem.size();
        return XC_OK;
    } catch (...) {
        return map_current_exception();
    }
}

/* ---------- expansion, numbers ---------- */

namespace {
class FirstCharDecider : public Xapian::ExpandDecider {
  public:
    explicit FirstCharDecider(const char *c) : chars(c ? c : "") {}
    bool operator()(const std::string &term) const override
    {
        return !term.empty() && chars.find(term[0]) != std::string::npos;
    }

  private:
    std::string chars;
};
} // namespace

XC_EXPORT int xc_db_expand(xc_db *db, const uint32_t *docids,
                           size_t n_docids, uint32_t max_terms,
                           const char *first_chars, xc_expand_term **out,
                           size_t *n_out)
{
    CHECK_ARG(db);
    CHECK_ARG(out);
    CHECK_ARG(n_out);
    *out = nullptr;
    *n_out = 0;
    if (n_docids > 0 && docids == nullptr)
        return fail(XC_ERR_INVALID, "xc_db_expand: docids is NULL");
    xc_expand_term *terms = nullptr;
    size_t n = 0;
    try {
        Xapian::Enquire enq(*db->db);
        Xapian::RSet rset;
        for (size_t i = 0; i < n_docids; i++)
            rset.add_document(docids[i]);
        FirstCharDecider decider(first_chars);
        /* Exact term frequencies: over several shards Xapian otherwise
         * scales one shard's, and the weights (and so the terms chosen)
         * would depend on how the index is split. */
        Xapian::ESet eset = enq.get_eset(max_terms, rset,
                                         Xapian::Enquire::USE_EXACT_TERMFREQ,
                                         &decider);
        terms = static_cast<xc_expand_term *>(
            calloc(eset.size() ? eset.size() : 1, sizeof *terms));
        if (terms == nullptr)
            throw std::bad_alloc();
        for (Xapian::ESetIterator it = eset.begin(); it != eset.end(); ++it) {
            const std::string t = *it;
            terms[n].term = static_cast<char *>(malloc(t.size() + 1));
            if (terms[n].term == nullptr)
                throw std::bad_alloc();
            memcpy(terms[n].term, t.c_str(), t.size() + 1);
            terms[n].weight = it.get_weight();
            n++;
        }
        *out = terms;
        *n_out = n;
        return XC_OK;
    } catch (...) {
        xc_expand_free(terms, n);
        return map_current_exception();
    }
}

XC_EXPORT void xc_expand_free(xc_expand_term *terms, size_t n)
{
    if (terms == nullptr)
        return;
    for (size_t i = 0; i < n; i++)
        free(terms[i].term);
    free(terms);
}

XC_EXPORT size_t xc_sortable_serialise(double value, char buf[16])
{
    try {
        const std::string s = Xapian::sortable_serialise(value);
        size_t n = s.size() < 16 ? s.size() : 16;
        memcpy(buf, s.data(), n);
        return n;
    } catch (...) {
        map_current_exception();
        return 0;
    }
}

XC_EXPORT double xc_sortable_unserialise(const char *value, size_t len)
{
    if (value == nullptr)
        return 0;
    try {
        return Xapian::sortable_unserialise(std::string(value, len));
    } catch (...) {
        map_current_exception();
        return 0;
    }
}
