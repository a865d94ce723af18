/* indexer.c - see indexer.h; the term scheme is in doc/DESIGN.md. */
#define _GNU_SOURCE
#include "indexer/indexer.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "corpus/report.h"
#include "indexer/terms.h"
#include "stemmer/stemmer.h"
#include "util/buf.h"
#include "xapian-c/xapian-c.h"

/* Commit after this much input or this many passages, whichever first:
 * Xapian keeps uncommitted postings in memory, so this is what bounds the
 * indexer's memory (measured in bench/). */
#define COMMIT_EVERY_BYTES ((uint64_t)48 * 1024 * 1024)
#define COMMIT_EVERY_PASSAGES 40000u
/* Folders deeper than this are not descended (symlink mazes, mistakes). */
#define MAX_DEPTH 64

struct idx_indexer {
    xc_db *db;
    stm_analyser *an;
    idx_callbacks cb;
    idx_stats stats;
    uint64_t pending_bytes;
    uint64_t pending_passages;
    /* (dev, ino) of the folders on the current walk, against loops. */
    struct { dev_t dev; ino_t ino; } dirs[MAX_DEPTH];
    size_t n_dirs;
    int stopped;
    /* Report ids already in the index (a hash set of their 48-bit values):
     * a file not in it needs no look-up and no delete, which on a first
     * run is every file. */
    uint64_t *known;
    size_t known_cap, known_n;
};

static uint64_t rid_value(const char *rid)
{
    return strtoull(rid, NULL, 16) | (1ULL << 63); /* never 0: 0 is empty */
}

static int known_add(idx_indexer *ix, uint64_t v)
{
    if (2 * (ix->known_n + 1) > ix->known_cap) {
        size_t cap = ix->known_cap ? ix->known_cap * 2 : 1024;
        uint64_t *t = calloc(cap, sizeof *t);
        if (!t)
            return -1;
        for (size_t i = 0; i < ix->known_cap; i++) {
            uint64_t x = ix->known[i];
            if (!x)
                continue;
            size_t j = (size_t)(x * 0x9E3779B97F4A7C15ULL) & (cap - 1);
            while (t[j])
                j = (j + 1) & (cap - 1);
            t[j] = x;
        }
        free(ix->known);
        ix->known = t;
        ix->known_cap = cap;
    }
    size_t j = (size_t)(v * 0x9E3779B97F4A7C15ULL) & (ix->known_cap - 1);
    while (ix->known[j]) {
        if (ix->known[j] == v)
            return 0;
        j = (j + 1) & (ix->known_cap - 1);
    }
    ix->known[j] = v;
    ix->known_n++;
    return 0;
}

static int known_has(const idx_indexer *ix, uint64_t v)
{
    if (!ix->known_cap)
        return 0;
    size_t j = (size_t)(v * 0x9E3779B97F4A7C15ULL) & (ix->known_cap - 1);
    while (ix->known[j]) {
        if (ix->known[j] == v)
            return 1;
        j = (j + 1) & (ix->known_cap - 1);
    }
    return 0;
}

/* Load the ids of the reports already indexed: report records are the
 * only documents with a `Q` term. */
static int known_load(idx_indexer *ix)
{
    xc_termiter *it = NULL;
    if (xc_db_allterms(ix->db, TERM_UNIQUE, &it) != XC_OK)
        return -1;
    const char *term;
    size_t len;
    int rc = 0;
    while ((rc = xc_termiter_next(it, &term, &len, NULL)) == 1) {
        char rid[13];
        if (len != 13)
            continue;
        memcpy(rid, term + 1, 12);
        rid[12] = '\0';
        if (known_add(ix, rid_value(rid)) < 0) {
            rc = -1;
            break;
        }
    }
    xc_termiter_free(it);
    return rc < 0 ? -1 : 0;
}

static char *xc_message(const char *what)
{
    return str_printf("%s: %s", what, xc_last_error());
}

void idx_report_id(const char *abs_path, char out[13])
{
    /* FNV-1a 64: stable, fast, and 48 bits are plenty for one machine's
     * files; collisions would only merge two reports' records. */
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)abs_path; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    snprintf(out, 13, "%012llx", (unsigned long long)(h >> 16));
}

static int mkdir_parents(const char *path)
{
    char tmp[PATH_MAX];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(tmp, path, n + 1);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

int idx_open(const char *dbpath, const idx_callbacks *cb, idx_indexer **out,
             char **err)
{
    *out = NULL;
    if (mkdir_parents(dbpath) < 0) {
        if (err)
            *err = str_printf("%s: cannot create the database folder: %s",
                              dbpath, strerror(errno));
        return IDX_ERR;
    }
    idx_indexer *ix = calloc(1, sizeof *ix);
    if (!ix) {
        if (err)
            *err = str_dup("out of memory");
        return IDX_ERR;
    }
    if (cb)
        ix->cb = *cb;
    int rc = xc_db_open(dbpath, XC_OPEN_WRITE, &ix->db);
    if (rc != XC_OK) {
        if (err)
            *err = rc == XC_ERR_LOCK
                       ? str_printf("%s: the database is being written by "
                                    "another insearch process (%s)",
                                    dbpath, xc_last_error())
                       : str_printf("%s: cannot open the database: %s",
                                    dbpath, xc_last_error());
        free(ix);
        return rc == XC_ERR_LOCK ? IDX_ERR_LOCK : IDX_ERR;
    }
    char *fmt = NULL;
    size_t fmt_len = 0;
    if (xc_db_get_metadata(ix->db, TERM_META_FORMAT, &fmt, &fmt_len) != XC_OK) {
        if (err)
            *err = xc_message(dbpath);
        idx_close(ix, NULL);
        return IDX_ERR;
    }
    if (fmt_len == 0) {
        rc = xc_db_set_metadata(ix->db, TERM_META_FORMAT, IDX_FORMAT_VERSION,
                                strlen(IDX_FORMAT_VERSION));
    } else if (strcmp(fmt, IDX_FORMAT_VERSION) != 0) {
        if (err)
            *err = str_printf("%s: index format %s, this insearch writes "
                              "format %s: index into a new folder",
                              dbpath, fmt, IDX_FORMAT_VERSION);
        free(fmt);
        idx_close(ix, NULL);
        return IDX_ERR;
    }
    free(fmt);
    if (known_load(ix) < 0) {
        if (err)
            *err = xc_message(dbpath);
        idx_close(ix, NULL);
        return IDX_ERR;
    }
    char *aerr = NULL;
    if (stm_analyser_new(STM_MODE_INDEX, &ix->an, &aerr) != STM_OK) {
        if (err)
            *err = str_printf("analyser: %s", aerr ? aerr : "failed");
        free(aerr);
        idx_close(ix, NULL);
        return IDX_ERR;
    }
    *out = ix;
    return IDX_OK;
}

const idx_stats *idx_get_stats(const idx_indexer *ix) { return &ix->stats; }

int idx_commit(idx_indexer *ix, char **err)
{
    if (xc_db_commit(ix->db) != XC_OK) {
        if (err)
            *err = xc_message("commit");
        return IDX_ERR;
    }
    ix->pending_bytes = 0;
    ix->pending_passages = 0;
    return IDX_OK;
}

int idx_close(idx_indexer *ix, char **err)
{
    if (!ix)
        return IDX_OK;
    int rc = IDX_OK;
    if (ix->db)
        rc = idx_commit(ix, err);
    xc_db_close(ix->db);
    stm_analyser_free(ix->an);
    free(ix->known);
    free(ix);
    return rc;
}

/* ---------- documents ---------- */

typedef struct term_ctx {
    xc_doc *doc;
    int rc;
} term_ctx;

/* One positional term per token: the stem (`Z`), or the protected form
 * (`K`) for a protected token. Phrases and NEAR therefore match on stems,
 * and a word is indexed once, not twice (unstemmed and stemmed): with one
 * document per passage, Xapian's cost is per posting, and this halves it. */
static int add_token_terms(void *vctx, const stm_token *tok)
{
    term_ctx *ctx = vctx;
    char term[TERM_MAX_BYTES + 2];
    const char *form = tok->protected_form ? tok->protected_form : tok->stem;
    size_t n = tok->protected_form ? strlen(form) : tok->stem_len;
    if (!form || n == 0 || n > TERM_MAX_BYTES)
        return 0;
    term[0] = tok->protected_form ? TERM_PROTECTED : TERM_STEM;
    memcpy(term + 1, form, n);
    term[n + 1] = '\0';
    if (xc_doc_add_posting(ctx->doc, term, tok->position, 1) != XC_OK) {
        ctx->rc = -1;
        return 1;
    }
    return 0;
}

/* Add prefix+value as a boolean term if it fits; over-long values (a
 * provider name of 300 bytes) are cut at a UTF-8 boundary. */
static int add_bool(xc_doc *doc, const char *prefix, const char *value)
{
    if (!value || !*value)
        return XC_OK;
    char term[TERM_MAX_BYTES + 1];
    size_t p = strlen(prefix), n = strlen(value);
    if (p + n > TERM_MAX_BYTES) {
        n = TERM_MAX_BYTES - p;
        while (n > 0 && ((unsigned char)value[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(term, prefix, p);
    memcpy(term + p, value, n);
    term[p + n] = '\0';
    return xc_doc_add_boolean_term(doc, term);
}

/* The boolean terms and values every document of a report carries. */
static const char *nz(const char *s) { return s ? s : ""; }

static int add_report_filters(xc_doc *doc, const rpt_report *r,
                              const char *rid)
{
    int rc = XC_OK;
    char *pslug = str_slugify(r->provider ? r->provider : "");
    char year[5] = "";
    if (r->date_start[0]) {
        memcpy(year, r->date_start, 4);
        year[4] = '\0';
    }
    if (!pslug)
        return XC_ERR_NOMEM;
    if ((rc = add_bool(doc, TERM_REPORT, rid)) != XC_OK ||
        (rc = add_bool(doc, TERM_URN, r->urn)) != XC_OK ||
        (rc = add_bool(doc, TERM_PROVIDER, pslug)) != XC_OK ||
        (rc = add_bool(doc, TERM_TYPE, r->type)) != XC_OK ||
        (rc = add_bool(doc, TERM_KIND, r->kind)) != XC_OK ||
        (rc = add_bool(doc, TERM_GRADE, r->grade)) != XC_OK ||
        (rc = add_bool(doc, TERM_YEAR, year)) != XC_OK ||
        (rc = xc_doc_add_value(doc, SLOT_DATE, r->date_start,
                               strlen(r->date_start))) != XC_OK ||
        (rc = xc_doc_add_value(doc, SLOT_REPORT, rid, strlen(rid))) != XC_OK ||
        (rc = xc_doc_add_value(doc, SLOT_KIND, nz(r->kind), strlen(nz(r->kind)))) !=
            XC_OK ||
        (rc = xc_doc_add_value(doc, SLOT_TYPE, nz(r->type), strlen(nz(r->type)))) !=
            XC_OK ||
        (rc = xc_doc_add_value(doc, SLOT_YEAR, year, strlen(year))) != XC_OK ||
        (rc = xc_doc_add_value(doc, SLOT_GRADE, nz(r->grade), strlen(nz(r->grade)))) !=
            XC_OK) {
        /* rc holds the first failure */
    }
    free(pslug);
    return rc;
}

static void kv(buf *b, const char *key, const char *value)
{
    /* Values are one line each: newlines in a value become spaces. */
    buf_puts(b, key);
    buf_putc(b, '=');
    for (const char *p = value ? value : ""; *p; p++)
        buf_putc(b, (*p == '\n' || *p == '\r') ? ' ' : *p);
    buf_putc(b, '\n');
}

static int write_report_record(idx_indexer *ix, const rpt_report *r,
                               const char *rid, const char *abs_path,
                               const struct stat *st, char **err)
{
    xc_doc *doc = NULL;
    buf data = BUF_INIT;
    int rc = xc_doc_new(&doc);
    if (rc != XC_OK)
        goto fail;
    char stamp[64];
    snprintf(stamp, sizeof stamp, "%lld:%lld.%09ld", (long long)st->st_size,
             (long long)st->st_mtim.tv_sec, (long)st->st_mtim.tv_nsec);
    char npass[32];
    snprintf(npass, sizeof npass, "%zu", r->n_passages);
    kv(&data, "id", rid);
    kv(&data, "source", abs_path);
    kv(&data, "format", r->format);
    kv(&data, "charset", r->charset);
    kv(&data, "title", r->title);
    kv(&data, "provider", r->provider);
    kv(&data, "urn", r->urn);
    kv(&data, "type", r->type);
    kv(&data, "kind", r->kind);
    kv(&data, "date_start", r->date_start);
    kv(&data, "date_end", r->date_end);
    kv(&data, "grade", r->grade);
    kv(&data, "previous_grade", r->previous_grade);
    kv(&data, "passages", npass);
    kv(&data, "stamp", stamp);
    /* The text lives here, once per report, not in each passage
     * document: Xapian compresses every document's data separately, and
     * one tag per report compresses far better and cheaper than one per
     * passage (searcher/records.c reads it back). */
    for (size_t i = 0; i < r->n_sections; i++)
        kv(&data, "section", r->sections[i].title);
    for (size_t i = 0; i < r->n_passages; i++) {
        const rpt_passage *p = &r->passages[i];
        buf_printf(&data, "passage=%zu\t%u\t", p->section, p->page);
        kv(&data, "", p->text);
    }
    for (size_t i = 0; i < r->n_judgements; i++) {
        buf_puts(&data, "judgement=");
        buf_puts(&data, r->judgements[i].grade ? r->judgements[i].grade : "");
        buf_putc(&data, '\t');
        kv(&data, "", r->judgements[i].name);
    }
    if (buf_error(&data)) {
        rc = XC_ERR_NOMEM;
        goto fail;
    }
    char qterm[TERM_MAX_BYTES];
    snprintf(qterm, sizeof qterm, "%s%s", TERM_UNIQUE, rid);
    if ((rc = xc_doc_set_data(doc, data.data, data.len)) != XC_OK ||
        (rc = add_bool(doc, TERM_UNIQUE, rid)) != XC_OK ||
        (rc = add_bool(doc, TERM_DOCTYPE, "report")) != XC_OK ||
        (rc = add_report_filters(doc, r, rid)) != XC_OK ||
        (rc = xc_doc_add_value(doc, SLOT_STAMP, stamp, strlen(stamp))) !=
            XC_OK ||
        (rc = xc_db_replace_document(ix->db, qterm, doc, NULL)) != XC_OK)
        goto fail;
    xc_doc_free(doc);
    buf_free(&data);
    return IDX_OK;
fail:
    if (err)
        *err = rc == XC_ERR_NOMEM ? str_dup("out of memory")
                                  : xc_message("writing the report record");
    xc_doc_free(doc);
    buf_free(&data);
    return IDX_ERR;
}

static int write_passages(idx_indexer *ix, const rpt_report *r,
                          const char *rid, char **err)
{
    int rc = IDX_OK;
    for (size_t i = 0; i < r->n_passages; i++) {
        const rpt_passage *p = &r->passages[i];
        const rpt_section *s =
            p->section < r->n_sections ? &r->sections[p->section] : NULL;
        xc_doc *doc = NULL;
        if (xc_doc_new(&doc) != XC_OK) {
            rc = IDX_ERR;
            break;
        }
        /* No document data: a passage is found by its report id and
         * index (values), its text in the report record. */
        char nbuf[24];
        snprintf(nbuf, sizeof nbuf, "%zu", i);
        term_ctx tctx = {doc, 0};
        char *aerr = NULL;
        int arc = stm_analyse(ix->an, p->text, strlen(p->text),
                              add_token_terms, &tctx, &aerr);
        if (arc < 0 || tctx.rc) {
            if (err)
                *err = str_printf("analysing a passage: %s",
                                  aerr ? aerr : xc_last_error());
            free(aerr);
            xc_doc_free(doc);
            rc = IDX_ERR;
            break;
        }
        if (add_bool(doc, TERM_DOCTYPE, "passage") != XC_OK ||
            xc_doc_add_value(doc, SLOT_PASSAGE, nbuf, strlen(nbuf)) != XC_OK ||
            add_bool(doc, TERM_SECTION, s ? s->slug : "") != XC_OK ||
            add_report_filters(doc, r, rid) != XC_OK ||
            xc_db_add_document(ix->db, doc, NULL) != XC_OK) {
            if (err)
                *err = xc_message("writing a passage");
            xc_doc_free(doc);
            rc = IDX_ERR;
            break;
        }
        xc_doc_free(doc);
        ix->stats.passages++;
        ix->pending_passages++;
    }
    return rc;
}

/* Is the stored record of this file up to date? */
static int is_unchanged(idx_indexer *ix, const char *rid, const char *stamp)
{
    char qterm[TERM_MAX_BYTES];
    snprintf(qterm, sizeof qterm, "%s%s", TERM_UNIQUE, rid);
    uint32_t docid = 0;
    if (xc_db_first_posting(ix->db, qterm, &docid) != XC_OK || docid == 0)
        return 0;
    xc_doc *doc = NULL;
    if (xc_db_get_document(ix->db, docid, &doc) != XC_OK)
        return 0;
    const char *v;
    size_t n;
    int same = xc_doc_get_value(doc, SLOT_STAMP, &v, &n) == XC_OK &&
               n == strlen(stamp) && memcmp(v, stamp, n) == 0;
    xc_doc_free(doc);
    return same;
}

static void report_error(idx_indexer *ix, const char *path, const char *msg)
{
    ix->stats.files_failed++;
    if (ix->cb.on_error)
        ix->cb.on_error(ix->cb.ctx, path, msg);
}

/* Index one regular file. Returns IDX_OK (including for a bad file, which
 * is reported and skipped) or IDX_ERR when the database failed. */
static int index_file(idx_indexer *ix, const char *path, const struct stat *st,
                      char **err)
{
    char abs_path[PATH_MAX];
    if (!realpath(path, abs_path)) {
        char *m = str_printf("%s: %s", path, strerror(errno));
        report_error(ix, path, m ? m : path);
        free(m);
        return IDX_OK;
    }
    ix->stats.files_seen++;
    char rid[13];
    idx_report_id(abs_path, rid);
    char stamp[64];
    snprintf(stamp, sizeof stamp, "%lld:%lld.%09ld", (long long)st->st_size,
             (long long)st->st_mtim.tv_sec, (long)st->st_mtim.tv_nsec);
    int known = known_has(ix, rid_value(rid));
    if (known && is_unchanged(ix, rid, stamp)) {
        ix->stats.files_unchanged++;
        if (ix->cb.on_progress)
            ix->cb.on_progress(ix->cb.ctx, &ix->stats, path);
        return IDX_OK;
    }
    rpt_report *r = NULL;
    char *rerr = NULL;
    if (rpt_read_file(path, &r, &rerr) != RPT_OK) {
        report_error(ix, path, rerr ? rerr : "cannot read");
        free(rerr);
        return IDX_OK;
    }
    /* A changed file: its old passages go first, in the same commit as
     * the new ones, so a reader never sees both or neither. */
    char rterm[TERM_MAX_BYTES];
    snprintf(rterm, sizeof rterm, "%s%s", TERM_REPORT, rid);
    int rc = IDX_OK;
    if (known && xc_db_delete_documents(ix->db, rterm) != XC_OK) {
        if (err)
            *err = xc_message("replacing an old version");
        rc = IDX_ERR;
    }
    if (rc == IDX_OK)
        rc = write_passages(ix, r, rid, err);
    if (rc == IDX_OK)
        rc = write_report_record(ix, r, rid, abs_path, st, err);
    if (rc == IDX_OK && known_add(ix, rid_value(rid)) < 0) {
        if (err)
            *err = str_dup("out of memory");
        rc = IDX_ERR;
    }
    if (rc == IDX_OK) {
        ix->stats.files_indexed++;
        if (strcmp(nz(r->kind), "other") != 0)
            ix->stats.reports++;
        ix->stats.bytes += (uint64_t)st->st_size;
        ix->pending_bytes += (uint64_t)st->st_size;
    }
    rpt_report_free(r);
    if (rc == IDX_OK && (ix->pending_bytes >= COMMIT_EVERY_BYTES ||
                         ix->pending_passages >= COMMIT_EVERY_PASSAGES))
        rc = idx_commit(ix, err);
    if (ix->cb.on_progress)
        ix->cb.on_progress(ix->cb.ctx, &ix->stats, path);
    return rc;
}

/* Files a folder walk picks up: report-like names. A file named on the
 * command line is always tried, whatever its name. */
static int wanted_in_folder(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return 1;
    static const char *const exts[] = {".txt", ".text", ".md", ".markdown",
                                       ".gz", NULL};
    for (size_t i = 0; exts[i]; i++)
        if (strcasecmp(dot, exts[i]) == 0)
            return 1;
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(idx_indexer *ix, const char *path, int named, size_t depth,
                char **err);

static int walk_dir(idx_indexer *ix, const char *path, const struct stat *st,
                    size_t depth, char **err)
{
    for (size_t i = 0; i < ix->n_dirs; i++)
        if (ix->dirs[i].dev == st->st_dev && ix->dirs[i].ino == st->st_ino) {
            char *m = str_printf("%s: folder loop (a symbolic link leads back "
                                 "to a folder above it): skipped", path);
            report_error(ix, path, m ? m : path);
            free(m);
            return IDX_OK;
        }
    if (depth >= MAX_DEPTH) {
        char *m = str_printf("%s: folders nested deeper than %d: skipped",
                             path, MAX_DEPTH);
        report_error(ix, path, m ? m : path);
        free(m);
        return IDX_OK;
    }
    DIR *d = opendir(path);
    if (!d) {
        char *m = str_printf("%s: cannot open folder: %s", path,
                             strerror(errno));
        report_error(ix, path, m ? m : path);
        free(m);
        return IDX_OK;
    }
    /* Sorted, so runs are reproducible. */
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int rc = IDX_OK;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue; /* ".", "..", and hidden files such as .git */
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *names);
            if (!nn) {
                rc = IDX_ERR;
                break;
            }
            names = nn;
        }
        if (!(names[n] = str_dup(e->d_name))) {
            rc = IDX_ERR;
            break;
        }
        n++;
    }
    closedir(d);
    if (rc == IDX_OK) {
        qsort(names, n, sizeof *names, cmp_names);
        ix->dirs[ix->n_dirs].dev = st->st_dev;
        ix->dirs[ix->n_dirs].ino = st->st_ino;
        ix->n_dirs++;
        for (size_t i = 0; i < n && rc == IDX_OK && !ix->stopped; i++) {
            char *child = str_printf("%s%s%s", path,
                                     path[strlen(path) - 1] == '/' ? "" : "/",
                                     names[i]);
            if (!child) {
                rc = IDX_ERR;
                break;
            }
            rc = walk(ix, child, 0, depth + 1, err);
            free(child);
        }
        ix->n_dirs--;
    } else if (err) {
        *err = str_dup("out of memory listing a folder");
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

static int walk(idx_indexer *ix, const char *path, int named, size_t depth,
                char **err)
{
    if (ix->cb.should_stop && ix->cb.should_stop(ix->cb.ctx)) {
        ix->stopped = 1;
        return IDX_OK;
    }
    struct stat st;
    if (stat(path, &st) < 0) {
        char *m = str_printf("%s: %s", path,
                             errno == ELOOP ? "symbolic link loop"
                                            : strerror(errno));
        report_error(ix, path, m ? m : path);
        free(m);
        return IDX_OK;
    }
    if (S_ISDIR(st.st_mode))
        return walk_dir(ix, path, &st, depth, err);
    if (!S_ISREG(st.st_mode)) {
        if (named) {
            char *m = str_printf("%s: not a regular file (a device, FIFO or "
                                 "socket): skipped", path);
            report_error(ix, path, m ? m : path);
            free(m);
        }
        return IDX_OK;
    }
    if (!named) {
        const char *base = strrchr(path, '/');
        if (!wanted_in_folder(base ? base + 1 : path))
            return IDX_OK;
    }
    return index_file(ix, path, &st, err);
}

int idx_add_path(idx_indexer *ix, const char *path, char **err)
{
    ix->n_dirs = 0;
    int rc = walk(ix, path, 1, 0, err);
    if (rc == IDX_OK && ix->stopped) {
        rc = idx_commit(ix, err);
        return rc == IDX_OK ? IDX_ERR_INTERRUPTED : rc;
    }
    return rc;
}

/* Parse "key=value" out of a report record; returns a malloc'd value or
 * NULL. */
char *idx_record_field(const char *data, size_t len, const char *key)
{
    size_t klen = strlen(key);
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if ((size_t)(le - p) > klen && memcmp(p, key, klen) == 0 &&
            p[klen] == '=')
            return str_ndup(p + klen + 1, (size_t)(le - p - klen - 1));
        p = le + 1;
    }
    return NULL;
}

int idx_prune(idx_indexer *ix, char **err)
{
    /* Collect first, delete after: deleting while walking a posting list
     * would be walking a moving target. */
    char dterm[32];
    snprintf(dterm, sizeof dterm, "%sreport", TERM_DOCTYPE);
    uint32_t count = 0;
    if (xc_db_termfreq(ix->db, dterm, &count) != XC_OK) {
        if (err)
            *err = xc_message("prune");
        return IDX_ERR;
    }
    if (count == 0)
        return IDX_OK;
    uint32_t *ids = malloc(count * sizeof *ids);
    size_t n = 0;
    if (!ids || xc_db_postings(ix->db, dterm, ids, count, &n) != XC_OK) {
        free(ids);
        if (err)
            *err = xc_message("prune");
        return IDX_ERR;
    }
    int rc = IDX_OK;
    for (size_t i = 0; i < n && rc == IDX_OK; i++) {
        xc_doc *doc = NULL;
        if (xc_db_get_document(ix->db, ids[i], &doc) != XC_OK)
            continue;
        const char *data;
        size_t len;
        xc_doc_get_data(doc, &data, &len);
        char *source = idx_record_field(data, len, "source");
        char *rid = idx_record_field(data, len, "id");
        struct stat st;
        if (source && rid && (stat(source, &st) < 0 || !S_ISREG(st.st_mode))) {
            char rterm[64];
            snprintf(rterm, sizeof rterm, "%s%s", TERM_REPORT, rid);
            if (xc_db_delete_documents(ix->db, rterm) != XC_OK) {
                if (err)
                    *err = xc_message("prune");
                rc = IDX_ERR;
            } else {
                ix->stats.files_pruned++;
            }
        }
        free(source);
        free(rid);
        xc_doc_free(doc);
    }
    free(ids);
    return rc;
}
