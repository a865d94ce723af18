/* indexer.c - see indexer.h; the term scheme is in doc/DESIGN.md. */
#define _GNU_SOURCE
#include "indexer/indexer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "corpus/report.h"
#include "indexer/terms.h"
#include "stemmer/stemmer.h"
#include "themes/themes.h"
#include "util/buf.h"
#include "xapian-c/xapian-c.h"

/* Commit a shard after this many passages or this much input, whichever
 * first. Xapian keeps uncommitted postings in memory, so this bounds the
 * indexer's memory; and small batches are also faster, as Xapian's
 * in-memory structures get dearer as they grow. Measured on 2,000
 * generated reports (48.7 MB, 2 shards): 2,500 passages 11.7-12.6 s and
 * 40 MB peak RSS; 10,000: 14.1-16.3 s, 123 MB; 50,000: 21.4 s, 507 MB. */
#define COMMIT_EVERY_BYTES ((uint64_t)8 * 1024 * 1024)
#define COMMIT_EVERY_PASSAGES 2500u
/* Folders deeper than this are not descended (symlink mazes, mistakes). */
#define MAX_DEPTH 64
/* The index is split into shards, one writer thread each: Xapian writes a
 * database from one thread, and with one document per passage the
 * writing is most of the work, so shards are how indexing uses more than
 * one core. A file always goes to the same shard (by its report id). */
#define MAX_SHARDS IDX_MAX_SHARDS
#define DEFAULT_MAX_SHARDS 4
#define QUEUE_CAP 16

/* How often a report uses each word (its stem or protected form): the
 * report's text signature (SLOT_SIGNATURE). A hash table reused for every
 * report of a shard; words past the cap are not counted (a report has a
 * few thousand distinct words). */
#define WORDS_CAP 16384

typedef struct word_count {
    char *term;      /* "Z..." or "K..."; NULL: empty */
    uint32_t count;
} word_count;

typedef struct word_counter {
    word_count *v;   /* WORDS_CAP * 2 slots */
    size_t n;
} word_counter;

static void words_count(word_counter *wc, const char *term, size_t n)
{
    if (!wc->v) {
        wc->v = calloc(WORDS_CAP * 2, sizeof *wc->v);
        if (!wc->v)
            return;
    }
    size_t mask = WORDS_CAP * 2 - 1, i = (size_t)str_hash(term, n) & mask;
    while (wc->v[i].term) {
        if (strlen(wc->v[i].term) == n && memcmp(wc->v[i].term, term, n) == 0) {
            wc->v[i].count++;
            return;
        }
        i = (i + 1) & mask;
    }
    if (wc->n >= WORDS_CAP)
        return;
    wc->v[i].term = str_ndup(term, n);
    if (wc->v[i].term) {
        wc->v[i].count = 1;
        wc->n++;
    }
}

static void words_reset(word_counter *wc)
{
    for (size_t i = 0; wc->v && wc->n && i < WORDS_CAP * 2; i++) {
        if (wc->v[i].term) {
            free(wc->v[i].term);
            wc->v[i].term = NULL;
        }
    }
    wc->n = 0;
}

static void words_free(word_counter *wc)
{
    words_reset(wc);
    free(wc->v);
    wc->v = NULL;
}

static int cmp_word_count(const void *a, const void *b)
{
    const word_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->term, y->term);
}

/* "term count term count ...": the SIGNATURE_TERMS words used most. */
static void words_signature(word_counter *wc, buf *b)
{
    buf_reset(b);
    if (!wc->v || wc->n == 0)
        return;
    word_count *all = malloc(wc->n * sizeof *all);
    if (!all)
        return;
    size_t k = 0;
    for (size_t i = 0; i < WORDS_CAP * 2; i++)
        if (wc->v[i].term)
            all[k++] = wc->v[i];
    qsort(all, k, sizeof *all, cmp_word_count);
    for (size_t i = 0; i < k && i < SIGNATURE_TERMS; i++)
        buf_printf(b, "%s%s %u", i ? " " : "", all[i].term, all[i].count);
    free(all);
}

typedef struct job {
    char *path;
    char abs_path[PATH_MAX];
    char rid[13];
    struct stat st;
} job;

typedef struct shard {
    struct idx_indexer *ix;
    char *path;
    xc_db *db;
    stm_analyser *an;
    thm_scorer *scorer;
    word_counter words;     /* the current report's word counts */
    /* Report ids already in this shard (a hash set of their 48-bit
     * values): a file not in it needs no look-up and no delete, which on a
     * first run is every file. */
    uint64_t *known;
    size_t known_cap, known_n;
    uint64_t pending_bytes, pending_passages;
    job *queue[QUEUE_CAP];
    size_t q_head, q_len;
    /* A write failed: this shard's uncommitted changes may hold half a
     * file, so they are never committed (closing discards them). */
    int failed;
    /* The shard was created with features "3": its passages' wdfs are
     * length-normalised (terms.h, WDF_SCALE). */
    int scaled_wdf;
} shard;

/* A thread writing shards t, t + n_threads, t + 2 * n_threads, ... */
typedef struct worker {
    struct idx_indexer *ix;
    size_t t;
    pthread_t thread;
    int started;
} worker;

struct idx_indexer {
    shard shards[MAX_SHARDS];
    size_t n_shards;
    worker workers[MAX_SHARDS];
    size_t n_threads;
    unsigned jobs;         /* idx_options.jobs */
    unsigned part_k, part_n; /* idx_options.part_*, or the index's own */
    char *dbpath;
    idx_callbacks cb;
    idx_stats stats;
    thm_set *themes;      /* read-only once the shards start */
    /* One lock for the queues, the stats, the callbacks (so the caller's
     * callbacks never run concurrently) and the fatal error. */
    pthread_mutex_t lock;
    pthread_cond_t work;   /* a job was queued, or it is time to quit */
    pthread_cond_t space;  /* a job was taken or finished */
    size_t busy;           /* jobs queued or running */
    int quit;
    char *fatal;           /* the first database failure, owned */
    /* (dev, ino) of the folders on the current walk, against loops. */
    struct { dev_t dev; ino_t ino; } dirs[MAX_DEPTH];
    size_t n_dirs;
    int stopped;
    int lock_fd;           /* the writers' lock (writer_lock), or -1 */
    int creating;          /* no stub yet: written after the first commit */
};

static uint64_t rid_value(const char *rid)
{
    return strtoull(rid, NULL, 16) | (1ULL << 63); /* never 0: 0 is empty */
}

static int known_add(shard *sh, uint64_t v)
{
    if (2 * (sh->known_n + 1) > sh->known_cap) {
        size_t cap = sh->known_cap ? sh->known_cap * 2 : 1024;
        uint64_t *t = calloc(cap, sizeof *t);
        if (!t)
            return -1;
        for (size_t i = 0; i < sh->known_cap; i++) {
            uint64_t x = sh->known[i];
            if (!x)
                continue;
            size_t j = (size_t)(x * 0x9E3779B97F4A7C15ULL) & (cap - 1);
            while (t[j])
                j = (j + 1) & (cap - 1);
            t[j] = x;
        }
        free(sh->known);
        sh->known = t;
        sh->known_cap = cap;
    }
    size_t j = (size_t)(v * 0x9E3779B97F4A7C15ULL) & (sh->known_cap - 1);
    while (sh->known[j]) {
        if (sh->known[j] == v)
            return 0;
        j = (j + 1) & (sh->known_cap - 1);
    }
    sh->known[j] = v;
    sh->known_n++;
    return 0;
}

static int known_has(const shard *sh, uint64_t v)
{
    if (!sh->known_cap)
        return 0;
    size_t j = (size_t)(v * 0x9E3779B97F4A7C15ULL) & (sh->known_cap - 1);
    while (sh->known[j]) {
        if (sh->known[j] == v)
            return 1;
        j = (j + 1) & (sh->known_cap - 1);
    }
    return 0;
}

/* Load the ids of the reports already indexed: report records are the
 * only documents with a `Q` term. */
static int known_load(shard *sh)
{
    xc_termiter *it = NULL;
    if (xc_db_allterms(sh->db, TERM_UNIQUE, &it) != XC_OK)
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
        if (known_add(sh, rid_value(rid)) < 0) {
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

/* The same, naming the shard (and so the index) it happened in. */
static char *shard_message(const shard *sh, const char *what)
{
    return str_printf("%s: %s: %s", sh->path, what, xc_last_error());
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

static void *shard_worker(void *arg);

static int shard_count_wanted(unsigned jobs)
{
    if (jobs)
        return (int)(jobs > MAX_SHARDS ? MAX_SHARDS : jobs);
    const char *env = getenv("INSEARCH_SHARDS");
    long n = env && *env ? strtol(env, NULL, 10)
                         : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    if (n > (env && *env ? MAX_SHARDS : DEFAULT_MAX_SHARDS))
        n = env && *env ? MAX_SHARDS : DEFAULT_MAX_SHARDS;
    return (int)n;
}

static int path_exists(const char *dir, const char *name)
{
    char *p = str_printf("%s/%s", dir, name);
    struct stat st;
    int ok = p && stat(p, &st) == 0;
    free(p);
    return ok;
}

/* The shard folders of an index: an index made by one writer is a single
 * Xapian database in the folder itself; otherwise shard-0, shard-1, ...
 * and a Xapian stub file XAPIANDB naming them, so that the folder opens as
 * one database for the searcher (and for quest, delve, xapian-compact). */
static int remove_tree(const char *path);

/* The shards of the index. An existing index is what its stub XAPIANDB
 * lists, and every shard listed must have been committed (iamglass): one
 * missing is damage, and writing on would lose its reports for good.
 * Without a stub the index was never completed: its shard folders, if any,
 * were left by a run stopped before its first commit, and those without a
 * committed revision are removed and made again. The stub is written only
 * once every shard has committed (idx_open_with), so a reader never sees
 * a stub naming shards that are not there. */
static int layout_shards(idx_indexer *ix, char **err)
{
    const char *db = ix->dbpath;
    if (path_exists(db, "iamglass")) {
        ix->shards[0].path = str_dup(db);
        ix->n_shards = 1;
        return ix->shards[0].path ? 0 : -1;
    }
    char *stub_path = str_printf("%s/XAPIANDB", db);
    if (!stub_path)
        return -1;
    FILE *f = fopen(stub_path, "r");
    free(stub_path);
    if (f) {
        char line[256];
        size_t n = 0;
        int bad = 0;
        while (fgets(line, sizeof line, f)) {
            char want[64];
            snprintf(want, sizeof want, "auto shard-%zu\n", n);
            if (n >= MAX_SHARDS || strcmp(line, want) != 0) {
                bad = 1;
                break;
            }
            n++;
        }
        fclose(f);
        if (bad || n == 0) {
            if (err)
                *err = str_printf("%s: the index is damaged: its file "
                                  "XAPIANDB does not list its shards; index "
                                  "again into a new folder", db);
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            ix->shards[i].path = str_printf("%s/shard-%zu", db, i);
            if (!ix->shards[i].path)
                return -1;
            if (!path_exists(ix->shards[i].path, "iamglass")) {
                ix->n_shards = i + 1;
                if (err)
                    *err = str_printf("%s: the index is damaged: shard-%zu, "
                                      "which XAPIANDB lists, is missing or "
                                      "incomplete; index again into a new "
                                      "folder", db, i);
                return -1;
            }
        }
        ix->n_shards = n;
        return 0;
    }
    size_t n = (size_t)shard_count_wanted(ix->jobs);
    for (size_t i = 0; i < n; i++) {
        ix->shards[i].path = str_printf("%s/shard-%zu", db, i);
        if (!ix->shards[i].path)
            return -1;
        ix->n_shards = i + 1;
        if (!path_exists(ix->shards[i].path, "iamglass") &&
            remove_tree(ix->shards[i].path) != 0 && errno != ENOENT) {
            if (err)
                *err = str_printf("%s: cannot clear the unfinished shard "
                                  "left by a stopped run: %s",
                                  ix->shards[i].path, strerror(errno));
            return -1;
        }
    }
    ix->creating = 1;
    return 0;
}

/* The stub XAPIANDB, written whole, synced and renamed into place, so a
 * reader never sees half of it. */
static int write_stub(idx_indexer *ix, char **err)
{
    const char *db = ix->dbpath;
    buf stub = BUF_INIT;
    for (size_t i = 0; i < ix->n_shards; i++)
        buf_printf(&stub, "auto shard-%zu\n", i);
    char *tmp = str_printf("%s/XAPIANDB.tmp", db);
    char *dst = str_printf("%s/XAPIANDB", db);
    FILE *f = tmp ? fopen(tmp, "w") : NULL;
    int rc = -1;
    if (f) {
        size_t w = fwrite(buf_cstr(&stub), 1, stub.len, f);
        if (fflush(f) == 0 && fsync(fileno(f)) == 0 && w == stub.len)
            rc = 0;
        if (fclose(f) != 0)
            rc = -1;
        if (rc == 0 && rename(tmp, dst) != 0)
            rc = -1;
    }
    if (rc == 0) {
        /* the rename itself reaches the disk with the folder */
        int dfd = open(db, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            if (fsync(dfd) != 0)
                rc = -1;
            close(dfd);
        }
    }
    if (rc != 0 && err)
        *err = str_printf("%s: cannot write the stub file XAPIANDB: %s", db,
                          strerror(errno));
    if (rc != 0 && tmp)
        unlink(tmp);
    free(tmp);
    free(dst);
    buf_free(&stub);
    return rc;
}

/* The writers' lock: DBPATH/insearch.lock, flock'd for as long as an
 * indexer has the index open and holding its process id. Xapian's own
 * lock cannot say who holds it (an open-file-description lock has no
 * owner) and cannot be waited for; this one can. The kernel drops it when
 * the process ends, however it ends, so it is never stale. */
static int writer_lock(const char *dbpath, int wait, int *fd_out, char **err)
{
    *fd_out = -1;
    char *path = str_printf("%s/insearch.lock", dbpath);
    if (!path) {
        if (err)
            *err = str_dup("out of memory");
        return IDX_ERR;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (err)
            *err = str_printf("%s: cannot open the lock file: %s", path,
                              strerror(errno));
        free(path);
        return IDX_ERR;
    }
    free(path);
    if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
        int e = errno;
        char who[32] = "";
        ssize_t n = e == EWOULDBLOCK ? pread(fd, who, sizeof who - 1, 0) : 0;
        long pid = n > 0 ? strtol(who, NULL, 10) : 0;
        close(fd);
        if (err) {
            if (e == EINTR)
                *err = str_printf("%s: stopped while waiting for another "
                                  "indexer to finish", dbpath);
            else if (e != EWOULDBLOCK)
                *err = str_printf("%s: cannot lock the index: %s", dbpath,
                                  strerror(e));
            else if (pid > 0)
                *err = str_printf("%s: the index is locked by process %ld "
                                  "(another insearch index is writing it); "
                                  "try again when it has finished, or give "
                                  "--wait", dbpath, pid);
            else
                *err = str_printf("%s: the index is locked by another "
                                  "insearch index; try again when it has "
                                  "finished, or give --wait", dbpath);
        }
        return e == EWOULDBLOCK ? IDX_ERR_LOCK : IDX_ERR;
    }
    char me[32];
    int len = snprintf(me, sizeof me, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, me, (size_t)len, 0) != len) {
        /* The lock holds without the pid: a waiting writer just cannot
         * name us. */
    }
    *fd_out = fd;
    return IDX_OK;
}

static int shard_open_inner(idx_indexer *ix, shard *sh, char **err);
static int shard_commit(shard *sh, char **err);

/* Does the part an index holds (`have`, "K/N" or "" for all) agree with
 * the part asked for (*k / *n, 0/0 for none)? Asking for none takes the
 * index's; asking for another is an error (the index would hold files of
 * two parts). */
static int part_agree(const char *dbpath, const char *have, size_t hl,
                      unsigned *want_k, unsigned *want_n, char **err)
{
    unsigned k = 0, n = 0;
    char tail;
    if (hl == 0) {
        if (*want_n && err)
            *err = str_printf("%s: the index holds all the files, not "
                              "part %u/%u: index part %u/%u into a new "
                              "folder", dbpath, *want_k, *want_n, *want_k,
                              *want_n);
        return *want_n ? IDX_ERR : IDX_OK;
    }
    if (sscanf(have, "%u/%u%c", &k, &n, &tail) != 2 || k < 1 || k > n) {
        if (err)
            *err = str_printf("%s: the index names a part it holds that "
                              "this insearch cannot read ('%.*s')", dbpath,
                              (int)hl, have);
        return IDX_ERR;
    }
    if (*want_n && (k != *want_k || n != *want_n)) {
        if (err)
            *err = str_printf("%s: the index holds part %u/%u of the "
                              "files, not %u/%u", dbpath, k, n, *want_k,
                              *want_n);
        return IDX_ERR;
    }
    *want_k = k;
    *want_n = n;
    return IDX_OK;
}

/* The part of the files a shard holds agrees with the run's: a new shard
 * records the run's; on an existing one, part_agree. */
static int part_settle(idx_indexer *ix, shard *sh, char **err)
{
    char *have = NULL;
    size_t hl = 0;
    if (xc_db_get_metadata(sh->db, TERM_META_PART, &have, &hl) != XC_OK) {
        if (err)
            *err = xc_message(sh->path);
        return IDX_ERR;
    }
    int rc = IDX_OK;
    if (ix->creating || (hl == 0 && !sh->known_n)) {
        char want[32];
        snprintf(want, sizeof want, "%u/%u", ix->part_k, ix->part_n);
        if (ix->part_n &&
            xc_db_set_metadata(sh->db, TERM_META_PART, want, strlen(want)) != XC_OK) {
            if (err)
                *err = xc_message(sh->path);
            rc = IDX_ERR;
        }
    } else {
        rc = part_agree(ix->dbpath, have, hl, &ix->part_k, &ix->part_n, err);
    }
    free(have);
    return rc;
}

/* A failure once the shard is open marks it failed, so that closing does
 * not commit what a failed write left behind (a revision pointing at a
 * block that never reached the disk). */
static int shard_open(idx_indexer *ix, shard *sh, char **err)
{
    int rc = shard_open_inner(ix, sh, err);
    if (rc != IDX_OK && sh->db)
        sh->failed = 1;
    return rc;
}

static int shard_open_inner(idx_indexer *ix, shard *sh, char **err)
{
    sh->ix = ix;
    if (mkdir_parents(sh->path) < 0) {
        if (err)
            *err = str_printf("%s: cannot create the database folder: %s",
                              sh->path, strerror(errno));
        return IDX_ERR;
    }
    int rc = xc_db_open(sh->path, XC_OPEN_WRITE, &sh->db);
    if (rc != XC_OK) {
        if (err)
            *err = rc == XC_ERR_LOCK
                       ? str_printf("%s: the database is being written by "
                                    "another insearch process (%s)",
                                    ix->dbpath, xc_last_error())
                       : str_printf("%s: cannot open the database: %s",
                                    sh->path, xc_last_error());
        return rc == XC_ERR_LOCK ? IDX_ERR_LOCK : IDX_ERR;
    }
    char *fmt = NULL;
    size_t fmt_len = 0;
    if (xc_db_get_metadata(sh->db, TERM_META_FORMAT, &fmt, &fmt_len) != XC_OK) {
        if (err)
            *err = xc_message(sh->path);
        return IDX_ERR;
    }
    sh->scaled_wdf = fmt_len == 0;
    if (fmt_len == 0) {
        if (xc_db_set_metadata(sh->db, TERM_META_FORMAT, IDX_FORMAT_VERSION,
                               strlen(IDX_FORMAT_VERSION)) != XC_OK ||
            xc_db_set_metadata(sh->db, TERM_META_FEATURES, IDX_FEATURES,
                               strlen(IDX_FEATURES)) != XC_OK) {
            free(fmt);
            if (err)
                *err = xc_message(sh->path);
            return IDX_ERR;
        }
    } else if (strcmp(fmt, IDX_FORMAT_VERSION) != 0) {
        if (err)
            *err = str_printf("%s: index format %s, this insearch writes "
                              "format %s: index into a new folder",
                              ix->dbpath, fmt, IDX_FORMAT_VERSION);
        free(fmt);
        return IDX_ERR;
    }
    free(fmt);
    if (fmt_len > 0) {
        char *feat = NULL;
        size_t feat_len = 0;
        if (xc_db_get_metadata(sh->db, TERM_META_FEATURES, &feat, &feat_len) !=
            XC_OK) {
            if (err)
                *err = xc_message(sh->path);
            return IDX_ERR;
        }
        sh->scaled_wdf = feat_len > 0 && atoi(feat) >= 3;
        free(feat);
    }
    if (known_load(sh) < 0) {
        if (err)
            *err = xc_message(sh->path);
        return IDX_ERR;
    }
    char *aerr = NULL;
    if (stm_analyser_new(STM_MODE_INDEX, &sh->an, &aerr) != STM_OK) {
        if (err)
            *err = str_printf("analyser: %s", aerr ? aerr : "failed");
        free(aerr);
        return IDX_ERR;
    }
    if (xc_db_set_metadata(sh->db, TERM_META_THEMES, thm_set_text(ix->themes),
                           strlen(thm_set_text(ix->themes))) != XC_OK) {
        if (err)
            *err = xc_message(sh->path);
        return IDX_ERR;
    }
    if (thm_scorer_new(ix->themes, &sh->scorer, &aerr) != THM_OK) {
        if (err)
            *err = str_printf("themes: %s", aerr ? aerr : "failed");
        free(aerr);
        return IDX_ERR;
    }
    if (part_settle(ix, sh, err) != IDX_OK)
        return IDX_ERR;
    /* A new index: each shard commits (empty, with its metadata) before
     * the stub names it. */
    if (ix->creating && shard_commit(sh, err) != IDX_OK)
        return IDX_ERR;
    return IDX_OK;
}

/* The taxonomy an index was scored with (first shard that has one), or
 * NULL; malloc'd. */
static char *stored_themes(idx_indexer *ix)
{
    for (size_t i = 0; i < ix->n_shards; i++) {
        xc_db *db = NULL;
        if (xc_db_open(ix->shards[i].path, XC_OPEN_READ, &db) != XC_OK)
            continue;
        char *v = NULL;
        size_t n = 0;
        int rc = xc_db_get_metadata(db, TERM_META_THEMES, &v, &n);
        xc_db_close(db);
        if (rc == XC_OK && n > 0)
            return v;
        free(v);
    }
    return NULL;
}

static int choose_themes(idx_indexer *ix, const idx_options *opt, char **err)
{
    char *stored = stored_themes(ix);
    const char *text = opt && opt->themes_text ? opt->themes_text : NULL;
    const char *source = opt && opt->themes_source ? opt->themes_source
                                                   : "themes";
    if (text && stored && strcmp(text, stored) != 0) {
        if (err)
            *err = str_printf(
                "%s: the index was built with other themes, and passages are "
                "scored when they are indexed: to use %s it must be built "
                "again (idx_rebuild; or leave out --themes to keep the "
                "index's)",
                ix->dbpath, source);
        free(stored);
        return IDX_ERR_THEMES_DIFFER;
    }
    if (!text && stored) {
        text = stored;
        source = "the index's themes";
    }
    if (!text) {
        text = thm_default_text();
        source = "built-in themes";
    }
    char *terr = NULL;
    int rc = thm_set_parse(text, strlen(text), source, &ix->themes, &terr);
    free(stored);
    if (rc != THM_OK) {
        if (err)
            *err = terr ? terr : str_dup("cannot read the themes");
        else
            free(terr);
        return IDX_ERR_THEMES;
    }
    return IDX_OK;
}

/* The index folder, made when it does not exist with its lock file
 * already inside (made beside it and renamed into place): a reader takes
 * a folder holding the lock and no stub for an index being created, and
 * a kill between making the folder and the lock would otherwise leave a
 * folder that is neither an index nor one being made. */
/* Remove what a db_folder_make killed before its rename left beside
 * `path`: "NAME.new-PID" folders whose process has gone and that hold
 * nothing but the lock file. */
static void db_folder_litter(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? str_ndup(path, slash == path ? 1 : (size_t)(slash - path))
                      : str_dup(".");
    const char *base = slash ? slash + 1 : path;
    size_t bl = strlen(base);
    DIR *d = dir ? opendir(dir) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        const char *pid_s = e->d_name + bl + 5;
        char *end = NULL;
        long pid;
        if (strncmp(e->d_name, base, bl) != 0 ||
            strncmp(e->d_name + bl, ".new-", 5) != 0 || !*pid_s)
            continue;
        pid = strtol(pid_s, &end, 10);
        if (*end || pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
            continue;
        char *t = str_printf("%s/%s", dir, e->d_name);
        char *l = t ? str_printf("%s/insearch.lock", t) : NULL;
        if (l) {
            unlink(l);
            rmdir(t);   /* only if nothing else was in it */
        }
        free(l);
        free(t);
    }
    if (d)
        closedir(d);
    free(dir);
}

static int db_folder_make(const char *dbpath)
{
    struct stat st;
    if (stat(dbpath, &st) == 0)
        return 0;
    char *path = str_dup(dbpath);
    if (!path)
        return -1;
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        path[--n] = '\0';
    char *slash = strrchr(path, '/');
    if (slash && slash != path) {
        *slash = '\0';
        int prc = mkdir_parents(path);
        *slash = '/';
        if (prc < 0) {
            free(path);
            return -1;
        }
    }
    db_folder_litter(path);
    char *tmp = str_printf("%s.new-%ld", path, (long)getpid());
    char *lock = tmp ? str_printf("%s/insearch.lock", tmp) : NULL;
    int rc = -1, fd;
    if (!lock) {
        errno = ENOMEM;
    } else if (mkdir(tmp, 0755) == 0) {
        if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) >= 0) {
            close(fd);
            if (rename(tmp, path) == 0)
                rc = 0;
            else if (errno == EEXIST || errno == ENOTEMPTY)
                rc = 0;  /* another writer made it first: the lock decides */
        }
        if (rc != 0 || stat(tmp, &st) == 0) {
            unlink(lock);
            rmdir(tmp);
        }
    }
    free(lock);
    free(tmp);
    free(path);
    return rc;
}

/* One thread per shard, or `jobs` threads sharing the shards. */
static int workers_start(idx_indexer *ix, char **err)
{
    size_t n = ix->n_shards;
    if (ix->jobs && ix->jobs < n)
        n = ix->jobs;
    /* Set before any thread runs: each worker's share of the shards is
     * computed from it, and a shard must never have two writers. */
    ix->n_threads = n;
    for (size_t t = 0; t < n; t++) {
        worker *w = &ix->workers[t];
        w->ix = ix;
        w->t = t;
        if (pthread_create(&w->thread, NULL, shard_worker, w) != 0) {
            /* no file has been queued yet; idx_close ends the others */
            if (err)
                *err = str_dup("cannot start an indexing thread");
            return IDX_ERR;
        }
        w->started = 1;
    }
    return IDX_OK;
}

int idx_open(const char *dbpath, const idx_callbacks *cb, idx_indexer **out,
             char **err)
{
    return idx_open_with(dbpath, cb, NULL, out, err);
}

int idx_open_with(const char *dbpath, const idx_callbacks *cb,
                  const idx_options *opt, idx_indexer **out, char **err)
{
    *out = NULL;
    if (db_folder_make(dbpath) < 0) {
        if (err)
            *err = str_printf("%s: cannot create the database folder: %s",
                              dbpath, strerror(errno));
        return IDX_ERR;
    }
    idx_indexer *ix = calloc(1, sizeof *ix);
    if (!ix || !(ix->dbpath = str_dup(dbpath))) {
        free(ix);
        if (err)
            *err = str_dup("out of memory");
        return IDX_ERR;
    }
    if (cb)
        ix->cb = *cb;
    if (opt) {
        ix->jobs = opt->jobs;
        ix->part_k = opt->part_k;
        ix->part_n = opt->part_n;
    }
    ix->lock_fd = -1;
    pthread_mutex_init(&ix->lock, NULL);
    pthread_cond_init(&ix->work, NULL);
    pthread_cond_init(&ix->space, NULL);
    int lrc = writer_lock(dbpath, opt && opt->wait_for_lock, &ix->lock_fd,
                          err);
    if (lrc != IDX_OK) {
        idx_close(ix, NULL);
        return lrc;
    }
    /* Xapian commits by itself every 10,000 documents unless told not to,
     * which could land in the middle of a file (half its passages
     * committed). Commits are ours, between files (COMMIT_EVERY_*). Set
     * before any writer opens, while this is the only thread. */
    setenv("XAPIAN_FLUSH_THRESHOLD", "1000000000", 1);
    int rc = layout_shards(ix, err) == 0 ? IDX_OK : IDX_ERR;
    if (rc != IDX_OK && err && !*err)
        *err = str_printf("%s: cannot lay out the index", dbpath);
    if (rc == IDX_OK)
        rc = choose_themes(ix, opt, err);
    for (size_t i = 0; rc == IDX_OK && i < ix->n_shards; i++)
        rc = shard_open(ix, &ix->shards[i], err);
    if (rc == IDX_OK && ix->creating) {
        rc = write_stub(ix, err) == 0 ? IDX_OK : IDX_ERR;
        ix->creating = 0;
    }
    if (rc == IDX_OK)
        rc = workers_start(ix, err);
    if (rc != IDX_OK) {
        idx_close(ix, NULL);
        return rc;
    }
    *out = ix;
    return IDX_OK;
}

const idx_stats *idx_get_stats(const idx_indexer *ix) { return &ix->stats; }

static int shard_commit(shard *sh, char **err)
{
    if (sh->failed) {
        if (err)
            *err = str_printf("%s: not committed after a write error: the "
                              "shard stays at its last commit", sh->path);
        return IDX_ERR;
    }
    if (xc_db_commit(sh->db) != XC_OK) {
        sh->failed = 1;
        if (err)
            *err = str_printf("%s: commit failed: %s", sh->path,
                              xc_last_error());
        return IDX_ERR;
    }
    sh->pending_bytes = 0;
    sh->pending_passages = 0;
    return IDX_OK;
}

/* Wait until every queued file is done. */
static void wait_idle(idx_indexer *ix)
{
    pthread_mutex_lock(&ix->lock);
    while (ix->busy > 0)
        pthread_cond_wait(&ix->space, &ix->lock);
    pthread_mutex_unlock(&ix->lock);
}

int idx_commit(idx_indexer *ix, char **err)
{
    wait_idle(ix);
    int rc = IDX_OK;
    for (size_t i = 0; i < ix->n_shards; i++)
        if (ix->shards[i].db && shard_commit(&ix->shards[i], err) != IDX_OK &&
            rc == IDX_OK) {
            rc = IDX_ERR;
            err = NULL; /* keep the first message */
        }
    return rc;
}

int idx_close(idx_indexer *ix, char **err)
{
    if (!ix)
        return IDX_OK;
    pthread_mutex_lock(&ix->lock);
    ix->quit = 1;
    pthread_cond_broadcast(&ix->work);
    pthread_mutex_unlock(&ix->lock);
    for (size_t t = 0; t < MAX_SHARDS; t++)
        if (ix->workers[t].started)
            pthread_join(ix->workers[t].thread, NULL);
    int rc = IDX_OK;
    for (size_t i = 0; i < ix->n_shards; i++) {
        shard *sh = &ix->shards[i];
        if (sh->db && shard_commit(sh, rc == IDX_OK ? err : NULL) != IDX_OK)
            rc = IDX_ERR;
        xc_db_close(sh->db);
        stm_analyser_free(sh->an);
        thm_scorer_free(sh->scorer);
        words_free(&sh->words);
        free(sh->known);
        free(sh->path);
        for (size_t q = 0; q < sh->q_len; q++)
            free(sh->queue[(sh->q_head + q) % QUEUE_CAP]);
    }
    pthread_mutex_destroy(&ix->lock);
    pthread_cond_destroy(&ix->work);
    pthread_cond_destroy(&ix->space);
    /* last: the shards' own locks are gone by now. Emptied first, so that
     * a pid in the file always names a live holder. */
    if (ix->lock_fd >= 0) {
        if (ftruncate(ix->lock_fd, 0) != 0) {
            /* a stale pid is only read while someone holds the lock */
        }
        close(ix->lock_fd);
    }
    free(ix->fatal);
    free(ix->dbpath);
    thm_set_free(ix->themes);
    free(ix);
    return rc;
}

/* ---------- documents ---------- */

typedef struct term_ctx {
    xc_doc *doc;
    thm_scorer *scorer;
    word_counter *words;
    int rc;
    size_t tokens; /* positional terms added: the passage's length */
} term_ctx;

/* One positional term per token: the stem (`Z`), or the protected form
 * (`K`) for a protected token. Phrases and NEAR therefore match on stems,
 * and a word is indexed once, not twice (unstemmed and stemmed): with one
 * document per passage, Xapian's cost is per posting, and this halves it.
 * The same tokens feed the theme scorer, so a passage is analysed once. */
static int add_token_terms(void *vctx, const stm_token *tok)
{
    term_ctx *ctx = vctx;
    char term[TERM_MAX_BYTES + 2];
    if (ctx->scorer && thm_scorer_token(ctx->scorer, tok) != THM_OK) {
        ctx->rc = -1;
        return 1;
    }
    const char *form = tok->protected_form ? tok->protected_form : tok->stem;
    size_t n = tok->protected_form ? strlen(form) : tok->stem_len;
    if (!form || n == 0 || n > TERM_MAX_BYTES)
        return 0;
    term[0] = tok->protected_form ? TERM_PROTECTED : TERM_STEM;
    memcpy(term + 1, form, n);
    term[n + 1] = '\0';
    /* the signature: words that can tell reports apart (no stopwords,
     * numbers or two-letter words) */
    if (ctx->words && !(tok->flags & (STM_TOK_STOPWORD | STM_TOK_NUMERIC)) &&
        tok->word_len >= 3)
        words_count(ctx->words, term, n + 1);
    if (xc_doc_add_posting(ctx->doc, term, tok->position, 1) != XC_OK) {
        ctx->rc = -1;
        return 1;
    }
    ctx->tokens++;
    return 0;
}

/* terms.h, WDF_SCALE: the factor a passage of `tokens` terms multiplies
 * its text terms' wdfs by. */
static double wdf_factor(size_t tokens)
{
    double l = 1.0 - WDF_B + WDF_B * (double)tokens / WDF_PIVOT;
    if (l > WDF_SCALE)
        l = WDF_SCALE;
    return WDF_SCALE / l;
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

/* The provider a report belongs to, for grouping reports into histories:
 * its URN when known, else "name:" and its provider-name slug; then a tab
 * and the name as written. And its profile: kind, stated learners and
 * area, tab-separated. */
static int add_provider_values(xc_doc *doc, const rpt_report *r)
{
    buf b = BUF_INIT;
    if (r->urn && *r->urn) {
        buf_puts(&b, r->urn);
    } else {
        char *slug = str_slugify(r->provider ? r->provider : "");
        if (!slug)
            return XC_ERR_NOMEM;
        if (*slug)
            buf_printf(&b, "name:%s", slug);
        free(slug);
    }
    int rc = XC_OK;
    if (b.len) {
        buf_putc(&b, '\t');
        buf_puts(&b, r->provider ? r->provider : "");
        rc = buf_error(&b) ? XC_ERR_NOMEM
                           : xc_doc_add_value(doc, SLOT_PROVIDER_KEY, b.data,
                                              b.len > TERM_MAX_BYTES * 4
                                                  ? TERM_MAX_BYTES * 4
                                                  : b.len);
    }
    buf_reset(&b);
    buf_printf(&b, "%s\t%lu\t%s", r->kind ? r->kind : "",
               r->learners, r->area ? r->area : "");
    if (rc == XC_OK)
        rc = buf_error(&b) ? XC_ERR_NOMEM
                           : xc_doc_add_value(doc, SLOT_PROFILE, b.data, b.len);
    buf_free(&b);
    return rc;
}

static int add_signature(xc_doc *doc, word_counter *wc)
{
    buf b = BUF_INIT;
    words_signature(wc, &b);
    int rc = buf_error(&b) ? XC_ERR_NOMEM
             : b.len ? xc_doc_add_value(doc, SLOT_SIGNATURE, b.data, b.len)
                     : XC_OK;
    buf_free(&b);
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

/* Per theme, what a report's passages say (the report record's terms). */
#define RT_ABOUT 1u
#define RT_WEAK 2u
#define RT_STRONG 4u

/* What a report's passages say per theme, gathered as they are written:
 * the flags above, and the summed strengths of its weakness and strength
 * passages (the report's theme vectors, which `similar` compares). */
typedef struct report_themes {
    unsigned char *flags;
    double *weak, *strong;
} report_themes;

/* "id:weight,..." for the themes with weight, or "" */
static void vector_value(buf *b, const thm_set *set, const double *w)
{
    buf_reset(b);
    for (size_t t = 0; t < thm_set_count(set); t++)
        if (w[t] > 0)
            buf_printf(b, "%s%s:%.2f", b->len ? "," : "", thm_set_id(set, t),
                       w[t]);
}

static int add_report_themes(xc_doc *doc, const thm_set *set,
                             const report_themes *rt)
{
    const unsigned char *flags = rt->flags;
    buf weak = BUF_INIT, strong = BUF_INIT;
    int rc = XC_OK;
    for (size_t t = 0; t < thm_set_count(set) && rc == XC_OK; t++) {
        const char *id = thm_set_id(set, t);
        if ((flags[t] & RT_ABOUT) &&
            (rc = add_bool(doc, TERM_REPORT_THEME, id)) != XC_OK)
            break;
        if (flags[t] & RT_STRONG) {
            rc = add_bool(doc, TERM_REPORT_STRONG, id);
            if (strong.len)
                buf_putc(&strong, ',');
            buf_puts(&strong, id);
        }
        if (rc == XC_OK && (flags[t] & RT_WEAK)) {
            rc = add_bool(doc, TERM_REPORT_WEAK, id);
            if (weak.len)
                buf_putc(&weak, ',');
            buf_puts(&weak, id);
        }
    }
    if (rc == XC_OK && (buf_error(&weak) || buf_error(&strong)))
        rc = XC_ERR_NOMEM;
    if (rc == XC_OK && weak.len)
        rc = xc_doc_add_value(doc, SLOT_THEMES, weak.data, weak.len);
    if (rc == XC_OK && strong.len)
        rc = xc_doc_add_value(doc, SLOT_STRONG_THEMES, strong.data,
                              strong.len);
    if (rc == XC_OK) {
        vector_value(&weak, set, rt->weak);
        vector_value(&strong, set, rt->strong);
        if (buf_error(&weak) || buf_error(&strong))
            rc = XC_ERR_NOMEM;
    }
    if (rc == XC_OK && weak.len)
        rc = xc_doc_add_value(doc, SLOT_WEAK_VECTOR, weak.data, weak.len);
    if (rc == XC_OK && strong.len)
        rc = xc_doc_add_value(doc, SLOT_STRONG_VECTOR, strong.data,
                              strong.len);
    buf_free(&weak);
    buf_free(&strong);
    return rc;
}

/* A report record's SLOT_DATE_ORDER and SLOT_DATE_ORDER_ASC: its date
 * and id. */
static int add_date_order(xc_doc *doc, const rpt_report *r, const char *rid)
{
    char v[80];
    snprintf(v, sizeof v, "%.10s%s", r->date_start, rid);
    int rc = xc_doc_add_value(doc, SLOT_DATE_ORDER, v, strlen(v));
    return rc != XC_OK ? rc
                       : xc_doc_add_value(doc, SLOT_DATE_ORDER_ASC, v, strlen(v));
}

static int write_report_record(shard *sh, const rpt_report *r,
                               const char *rid, const char *abs_path,
                               const struct stat *st,
                               const report_themes *rt, char **err)
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
    char nlearn[24];
    snprintf(nlearn, sizeof nlearn, "%lu", r->learners);
    kv(&data, "learners", r->learners ? nlearn : "");
    kv(&data, "area", r->area);
    kv(&data, "stamp", stamp);
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
        (rc = add_report_themes(doc, sh->ix->themes, rt)) != XC_OK ||
        (rc = add_provider_values(doc, r)) != XC_OK ||
        (rc = add_signature(doc, &sh->words)) != XC_OK ||
        (rc = xc_doc_add_value(doc, SLOT_STAMP, stamp, strlen(stamp))) !=
            XC_OK ||
        (rc = xc_doc_add_value(doc, SLOT_ORDER, rid, strlen(rid))) != XC_OK ||
        (rc = add_date_order(doc, r, rid)) != XC_OK ||
        (rc = xc_db_replace_document(sh->db, qterm, doc, NULL)) != XC_OK)
        goto fail;
    xc_doc_free(doc);
    buf_free(&data);
    return IDX_OK;
fail:
    if (err)
        *err = rc == XC_ERR_NOMEM ? str_dup("out of memory")
                                  : shard_message(sh, "writing the report record");
    xc_doc_free(doc);
    buf_free(&data);
    return IDX_ERR;
}

/* The TERM_THEME_TIER of a strength: floor(log2(strength)), at most
 * THEME_TIER_MAX (frexp is exact, so a strength of 16 is tier 4 on any
 * machine). */
static int theme_tier(double strength)
{
    int e = 0;
    frexp(strength, &e); /* strength = m * 2^e, 0.5 <= m < 1 */
    return e - 1 > THEME_TIER_MAX ? THEME_TIER_MAX : e - 1;
}

/* A passage's themes: terms and values from the scorer's result, and the
 * report's per-theme flags updated. */
static int add_passage_themes(xc_doc *doc, const thm_set *set,
                              const thm_result *res, report_themes *rt,
                              buf *scratch)
{
    unsigned char *flags = rt->flags;
    int rc = XC_OK;
    buf_reset(scratch);
    for (size_t t = 0; t < res->n && rc == XC_OK; t++) {
        if (res->score[t] > 0) {
            char v[16];
            size_t vn = xc_sortable_serialise(res->score[t], v);
            rc = xc_doc_add_value(doc, SLOT_THEME_SCORE + (unsigned)t, v, vn);
        }
        if (!res->tagged[t] || rc != XC_OK)
            continue;
        const char *id = thm_set_id(set, t);
        rc = add_bool(doc, TERM_THEME, id);
        int tier = theme_tier(res->score[t]);
        if (rc == XC_OK && tier >= THEME_TIER_MIN &&
            res->polarity != THM_NEUTRAL) {
            char tv[TERM_MAX_BYTES];
            snprintf(tv, sizeof tv, "%s/%s/%d", id,
                     thm_polarity_name(res->polarity), tier);
            rc = add_bool(doc, TERM_THEME_TIER, tv);
        }
        if (scratch->len)
            buf_putc(scratch, ',');
        buf_puts(scratch, id);
        flags[t] |= RT_ABOUT;
        if (res->polarity == THM_WEAKNESS) {
            flags[t] |= RT_WEAK;
            rt->weak[t] += res->score[t];
        } else if (res->polarity == THM_STRENGTH) {
            flags[t] |= RT_STRONG;
            rt->strong[t] += res->score[t];
        }
    }
    const char *pol = thm_polarity_name(res->polarity);
    if (rc == XC_OK && scratch->len)
        rc = buf_error(scratch) ? XC_ERR_NOMEM
                                : xc_doc_add_value(doc, SLOT_THEMES,
                                                   scratch->data, scratch->len);
    if (rc == XC_OK)
        rc = add_bool(doc, TERM_POLARITY, pol);
    if (rc == XC_OK)
        rc = xc_doc_add_value(doc, SLOT_POLARITY, pol, strlen(pol));
    return rc;
}

/* SLOT_PASSAGE_TEXT (terms.h): what a search shows of a passage, in one
 * value, so that a hit costs one value read, not one per slot. */
static void pack_passage(buf *out, const thm_set *set, const char *rid,
                         size_t index, const thm_result *res,
                         const buf *text)
{
    buf_printf(out, "%c%s\t%zu\t%s\t", PASSAGE_PACKED, rid, index,
               thm_polarity_name(res->polarity));
    int first = 1;
    for (size_t t = 0; t < res->n; t++) {
        if (!res->tagged[t])
            continue;
        buf_printf(out, "%s%s:%.17g", first ? "" : ",", thm_set_id(set, t),
                   res->score[t] > 0 ? res->score[t] : 0.0);
        first = 0;
    }
    buf_putc(out, '\n');
    buf_append(out, text->data, text->len);
}

static int write_passages(shard *sh, const rpt_report *r,
                          const char *rid, report_themes *rt, char **err)
{
    buf data = BUF_INIT, scratch = BUF_INIT, packed = BUF_INIT;
    int rc = IDX_OK;
    size_t np = r->n_passages;
    const char **texts = malloc((np ? np : 1) * sizeof *texts);
    size_t *secs = malloc((np ? np : 1) * sizeof *secs);
    if (!texts || !secs) {
        free(texts);
        free(secs);
        if (err)
            *err = str_dup("out of memory");
        return IDX_ERR;
    }
    for (size_t i = 0; i < np; i++) {
        texts[i] = r->passages[i].text;
        secs[i] = r->passages[i].section;
    }
    for (size_t i = 0; i < np; i++) {
        const rpt_passage *p = &r->passages[i];
        const rpt_section *s =
            p->section < r->n_sections ? &r->sections[p->section] : NULL;
        xc_doc *doc = NULL;
        if (xc_doc_new(&doc) != XC_OK) {
            rc = IDX_ERR;
            break;
        }
        /* Passage text: section title, page, then the text, in a value
         * (SLOT_PASSAGE_TEXT says why); the report id and the passage
         * index are values too (searcher/records.c). The
         * report record holds no text, so a search reads only the
         * passages it shows. */
        char nbuf[24], obuf[64], dbuf[80], abuf[80];
        snprintf(nbuf, sizeof nbuf, "%zu", i);
        snprintf(obuf, sizeof obuf, "%s%08zu", rid, i);
        snprintf(abuf, sizeof abuf, "%.10s%s", r->date_start, obuf);
        snprintf(dbuf, sizeof dbuf, "%.10s%s%08zu", r->date_start, rid,
                 (size_t)99999999 - (i < 99999999 ? i : 99999999));
        buf_reset(&data);
        buf_printf(&data, "%s\n%u\n", s ? s->title : "", p->page);
        buf_puts(&data, p->text);
        long lead = thm_lead_in(texts, secs, i);
        term_ctx tctx = {doc, sh->scorer, &sh->words, 0, 0};
        char *aerr = NULL;
        int arc = thm_scorer_begin(sh->scorer, p->text, s ? s->title : NULL,
                                   lead >= 0 ? texts[lead] : NULL, &aerr);
        if (arc == THM_OK)
            arc = stm_analyse(sh->an, p->text, strlen(p->text),
                              add_token_terms, &tctx, &aerr);
        thm_result res;
        if (arc == 0 && !tctx.rc)
            arc = thm_scorer_finish(sh->scorer, &res);
        if (arc == 0 && !tctx.rc && sh->scaled_wdf && tctx.tokens > 0 &&
            xc_doc_scale_wdf(doc, "ZK", wdf_factor(tctx.tokens)) != XC_OK)
            tctx.rc = -1;
        if (arc < 0 || tctx.rc) {
            if (err)
                *err = str_printf("analysing a passage: %s",
                                  aerr ? aerr : xc_last_error());
            free(aerr);
            xc_doc_free(doc);
            rc = IDX_ERR;
            break;
        }
        buf_reset(&packed);
        pack_passage(&packed, sh->ix->themes, rid, i, &res, &data);
        if (buf_error(&data) || buf_error(&packed) ||
            xc_doc_add_value(doc, SLOT_PASSAGE_TEXT, packed.data,
                             packed.len) != XC_OK ||
            add_bool(doc, TERM_DOCTYPE, "passage") != XC_OK ||
            /* in the packed value too; read from here only in an index
             * made before it */
            (!sh->scaled_wdf &&
             xc_doc_add_value(doc, SLOT_PASSAGE, nbuf, strlen(nbuf)) != XC_OK) ||
            xc_doc_add_value(doc, SLOT_ORDER, obuf, strlen(obuf)) != XC_OK ||
            xc_doc_add_value(doc, SLOT_DATE_ORDER, dbuf, strlen(dbuf)) != XC_OK ||
            xc_doc_add_value(doc, SLOT_DATE_ORDER_ASC, abuf, strlen(abuf)) != XC_OK ||
            add_bool(doc, TERM_SECTION, s ? s->slug : "") != XC_OK ||
            add_report_filters(doc, r, rid) != XC_OK ||
            add_passage_themes(doc, sh->ix->themes, &res, rt, &scratch) !=
                XC_OK ||
            xc_db_add_document(sh->db, doc, NULL) != XC_OK) {
            if (err)
                *err = shard_message(sh, "writing a passage");
            xc_doc_free(doc);
            rc = IDX_ERR;
            break;
        }
        xc_doc_free(doc);
        sh->pending_passages++;
    }
    free(texts);
    free(secs);
    buf_free(&data);
    buf_free(&scratch);
    buf_free(&packed);
    return rc;
}

/* Is the stored record of this file up to date? */
static int is_unchanged(shard *sh, const char *rid, const char *stamp)
{
    char qterm[TERM_MAX_BYTES];
    snprintf(qterm, sizeof qterm, "%s%s", TERM_UNIQUE, rid);
    uint32_t docid = 0;
    if (xc_db_first_posting(sh->db, qterm, &docid) != XC_OK || docid == 0)
        return 0;
    xc_doc *doc = NULL;
    if (xc_db_get_document(sh->db, docid, &doc) != XC_OK)
        return 0;
    const char *v;
    size_t n;
    int same = xc_doc_get_value(doc, SLOT_STAMP, &v, &n) == XC_OK &&
               n == strlen(stamp) && memcmp(v, stamp, n) == 0;
    xc_doc_free(doc);
    return same;
}

/* Called with the lock held. */
static void report_error_locked(idx_indexer *ix, const char *path,
                                const char *msg)
{
    ix->stats.files_failed++;
    if (ix->cb.on_error)
        ix->cb.on_error(ix->cb.ctx, path, msg);
}

static void report_error(idx_indexer *ix, const char *path, const char *msg)
{
    pthread_mutex_lock(&ix->lock);
    report_error_locked(ix, path, msg);
    pthread_mutex_unlock(&ix->lock);
}

static void report_errorf(idx_indexer *ix, const char *path, const char *fmt,
                          ...) __attribute__((format(printf, 3, 4)));
static void report_errorf(idx_indexer *ix, const char *path, const char *fmt,
                          ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf b = BUF_INIT;
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    report_error(ix, path, buf_error(&b) ? path : buf_cstr(&b));
    buf_free(&b);
}

/* Index one file in its shard (a worker thread). A bad file is reported
 * and skipped; IDX_ERR means the shard's database failed. */
static int index_job(shard *sh, const job *j, char **err)
{
    idx_indexer *ix = sh->ix;
    char stamp[64];
    snprintf(stamp, sizeof stamp, "%lld:%lld.%09ld", (long long)j->st.st_size,
             (long long)j->st.st_mtim.tv_sec, (long)j->st.st_mtim.tv_nsec);
    int known = known_has(sh, rid_value(j->rid));
    if (known && is_unchanged(sh, j->rid, stamp)) {
        pthread_mutex_lock(&ix->lock);
        ix->stats.files_unchanged++;
        if (ix->cb.on_progress)
            ix->cb.on_progress(ix->cb.ctx, &ix->stats, j->path);
        pthread_mutex_unlock(&ix->lock);
        return IDX_OK;
    }
    rpt_report *r = NULL;
    char *rerr = NULL;
    if (rpt_read_file(j->path, &r, &rerr) != RPT_OK) {
        report_error(ix, j->path, rerr ? rerr : "cannot read");
        free(rerr);
        return IDX_OK;
    }
    /* A changed file: its old passages go first, in the same commit as
     * the new ones, so a reader never sees both or neither. */
    char rterm[TERM_MAX_BYTES];
    snprintf(rterm, sizeof rterm, "%s%s", TERM_REPORT, j->rid);
    int rc = IDX_OK;
    uint64_t before = sh->pending_passages;
    if (known && xc_db_delete_documents(sh->db, rterm) != XC_OK) {
        if (err)
            *err = shard_message(sh, "replacing an old version");
        rc = IDX_ERR;
    }
    size_t nt = thm_set_count(ix->themes) + 1;
    report_themes rt = {calloc(nt, 1), calloc(nt, sizeof(double)),
                        calloc(nt, sizeof(double))};
    if (!rt.flags || !rt.weak || !rt.strong) {
        if (err)
            *err = str_dup("out of memory");
        rc = IDX_ERR;
    }
    words_reset(&sh->words);
    if (rc == IDX_OK)
        rc = write_passages(sh, r, j->rid, &rt, err);
    if (rc == IDX_OK)
        rc = write_report_record(sh, r, j->rid, j->abs_path, &j->st, &rt,
                                 err);
    free(rt.flags);
    free(rt.weak);
    free(rt.strong);
    if (rc == IDX_OK && known_add(sh, rid_value(j->rid)) < 0) {
        if (err)
            *err = str_dup("out of memory");
        rc = IDX_ERR;
    }
    int is_report = strcmp(nz(r->kind), "other") != 0;
    uint64_t written = sh->pending_passages - before;
    rpt_report_free(r);
    if (rc == IDX_OK) {
        sh->pending_bytes += (uint64_t)j->st.st_size;
        if (sh->pending_bytes >= COMMIT_EVERY_BYTES ||
            sh->pending_passages >= COMMIT_EVERY_PASSAGES)
            rc = shard_commit(sh, err);
    }
    pthread_mutex_lock(&ix->lock);
    if (rc == IDX_OK) {
        ix->stats.files_indexed++;
        ix->stats.reports += is_report ? 1 : 0;
        ix->stats.bytes += (uint64_t)j->st.st_size;
        ix->stats.passages += written;
    }
    if (ix->cb.on_progress)
        ix->cb.on_progress(ix->cb.ctx, &ix->stats, j->path);
    pthread_mutex_unlock(&ix->lock);
    return rc;
}

/* The next of a worker's shards with a queued file, taking them in turn
 * from after `last`; NULL when none has one. Called with ix->lock. */
static shard *worker_next(idx_indexer *ix, const worker *w, size_t *last)
{
    size_t mine = (ix->n_shards - w->t + ix->n_threads - 1) / ix->n_threads;
    for (size_t k = 1; k <= mine; k++) {
        size_t i = (*last + k) % mine;
        shard *sh = &ix->shards[w->t + i * ix->n_threads];
        if (sh->q_len > 0) {
            *last = i;
            return sh;
        }
    }
    return NULL;
}

static void *shard_worker(void *arg)
{
    worker *w = arg;
    idx_indexer *ix = w->ix;
    size_t last = 0;
    shard *sh;
    pthread_mutex_lock(&ix->lock);
    for (;;) {
        while (!ix->quit && !(sh = worker_next(ix, w, &last)))
            pthread_cond_wait(&ix->work, &ix->lock);
        if (ix->quit && !(sh = worker_next(ix, w, &last)))
            break; /* quit, and nothing left */
        job *j = sh->queue[sh->q_head];
        sh->q_head = (sh->q_head + 1) % QUEUE_CAP;
        sh->q_len--;
        int skip = ix->stopped || ix->fatal;
        pthread_mutex_unlock(&ix->lock);
        char *err = NULL;
        int rc = skip ? IDX_OK : index_job(sh, j, &err);
        if (rc != IDX_OK)
            sh->failed = 1;
        pthread_mutex_lock(&ix->lock);
        if (rc != IDX_OK && !ix->fatal)
            ix->fatal = err ? err : str_dup("the index could not be written");
        else
            free(err);
        free(j->path);
        free(j);
        ix->busy--;
        pthread_cond_broadcast(&ix->space);
    }
    pthread_mutex_unlock(&ix->lock);
    return NULL;
}

/* Which of n parts a report belongs to (0-based): from other bits of its
 * id than the shard choice (rid % n_shards), mixed, so that a part's
 * files still spread over all of its shards. */
static unsigned part_of(const char *rid, unsigned n)
{
    uint64_t x = rid_value(rid);
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return (unsigned)(x % n);
}

/* Hand a regular file to its shard's thread; waits while the queue is
 * full, which is what keeps memory bounded when walking huge folders. */
static int enqueue_file(idx_indexer *ix, const char *path,
                        const struct stat *st)
{
    job *j = calloc(1, sizeof *j);
    if (!j || !(j->path = str_dup(path))) {
        free(j);
        return IDX_ERR;
    }
    if (!realpath(path, j->abs_path)) {
        report_errorf(ix, path, "%s: %s", path, strerror(errno));
        free(j->path);
        free(j);
        return IDX_OK;
    }
    idx_report_id(j->abs_path, j->rid);
    j->st = *st;
    if (ix->part_n && part_of(j->rid, ix->part_n) != ix->part_k - 1) {
        pthread_mutex_lock(&ix->lock);
        ix->stats.files_seen++;
        ix->stats.files_elsewhere++;
        pthread_mutex_unlock(&ix->lock);
        free(j->path);
        free(j);
        return IDX_OK;
    }
    shard *sh = &ix->shards[rid_value(j->rid) % ix->n_shards];
    pthread_mutex_lock(&ix->lock);
    ix->stats.files_seen++;
    while (sh->q_len == QUEUE_CAP && !ix->fatal)
        pthread_cond_wait(&ix->space, &ix->lock);
    if (ix->fatal) {
        pthread_mutex_unlock(&ix->lock);
        free(j->path);
        free(j);
        return IDX_ERR;
    }
    sh->queue[(sh->q_head + sh->q_len) % QUEUE_CAP] = j;
    sh->q_len++;
    ix->busy++;
    pthread_cond_broadcast(&ix->work);
    pthread_mutex_unlock(&ix->lock);
    return IDX_OK;
}

/* Files a folder walk picks up: report-like names. A file named on the
 * command line is always tried, whatever its name. */
static int wanted_in_folder(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return 1;
    static const char *const exts[] = {".txt", ".text", ".md", ".markdown",
                                       ".pdf", ".html", ".htm", ".xhtml",
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
    /* A Xapian database (this index, a shard of it, or any other) holds no
     * reports: an index kept inside the folder it indexes must not index
     * itself. Skipped without a word: it is not a bad file. */
    {
        static const char *const marks[] = {"iamglass", "XAPIANDB",
                                            "iamchert", "insearch.lock"};
        for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
            char *m = str_printf("%s/%s", path, marks[i]);
            struct stat ms;
            int is_db = m && lstat(m, &ms) == 0;
            free(m);
            if (is_db)
                return IDX_OK;
        }
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
        pthread_mutex_lock(&ix->lock);
        ix->stopped = 1;
        pthread_mutex_unlock(&ix->lock);
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
        /* Named, or in a folder under a report's name (a FIFO called
         * report.txt): said, never read (a FIFO would block the run). Other
         * special files in a folder are none of our business. */
        const char *base = strrchr(path, '/');
        if (named || wanted_in_folder(base ? base + 1 : path)) {
            const char *what = S_ISFIFO(st.st_mode)   ? "a FIFO"
                               : S_ISSOCK(st.st_mode) ? "a socket"
                               : S_ISCHR(st.st_mode)  ? "a character device"
                               : S_ISBLK(st.st_mode)  ? "a block device"
                                                      : "not a file";
            char *m = str_printf("%s: not a regular file (%s): skipped", path,
                                 what);
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
    if (enqueue_file(ix, path, &st) != IDX_OK) {
        pthread_mutex_lock(&ix->lock);
        if (err && !*err)
            *err = str_dup(ix->fatal ? ix->fatal : "out of memory");
        pthread_mutex_unlock(&ix->lock);
        return IDX_ERR;
    }
    return IDX_OK;
}

int idx_add_path(idx_indexer *ix, const char *path, char **err)
{
    ix->n_dirs = 0;
    int rc = walk(ix, path, 1, 0, err);
    wait_idle(ix);
    pthread_mutex_lock(&ix->lock);
    if (ix->fatal) {
        if (err && !*err)
            *err = str_dup(ix->fatal);
        rc = IDX_ERR;
    }
    int stopped = ix->stopped;
    pthread_mutex_unlock(&ix->lock);
    if (rc == IDX_OK && stopped) {
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

static int shard_prune(idx_indexer *ix, shard *sh, char **err)
{
    /* Collect first, delete after: deleting while walking a posting list
     * would be walking a moving target. */
    char dterm[32];
    snprintf(dterm, sizeof dterm, "%sreport", TERM_DOCTYPE);
    uint32_t count = 0;
    if (xc_db_termfreq(sh->db, dterm, &count) != XC_OK) {
        if (err)
            *err = shard_message(sh, "prune");
        return IDX_ERR;
    }
    if (count == 0)
        return IDX_OK;
    uint32_t *ids = malloc(count * sizeof *ids);
    size_t n = 0;
    if (!ids || xc_db_postings(sh->db, dterm, ids, count, &n) != XC_OK) {
        free(ids);
        if (err)
            *err = shard_message(sh, "prune");
        return IDX_ERR;
    }
    int rc = IDX_OK;
    for (size_t i = 0; i < n && rc == IDX_OK; i++) {
        xc_doc *doc = NULL;
        if (xc_db_get_document(sh->db, ids[i], &doc) != XC_OK)
            continue;
        const char *data = NULL;
        size_t len = 0;
        if (xc_doc_get_data(doc, &data, &len) != XC_OK) {
            /* unreadable (damaged): neither kept nor dropped on a guess */
            data = "";
            len = 0;
        }
        char *source = idx_record_field(data, len, "source");
        char *rid = idx_record_field(data, len, "id");
        struct stat st;
        if (source && rid && (stat(source, &st) < 0 || !S_ISREG(st.st_mode))) {
            char rterm[64];
            snprintf(rterm, sizeof rterm, "%s%s", TERM_REPORT, rid);
            if (xc_db_delete_documents(sh->db, rterm) != XC_OK) {
                if (err)
                    *err = shard_message(sh, "prune");
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

int idx_prune(idx_indexer *ix, char **err)
{
    wait_idle(ix);
    for (size_t i = 0; i < ix->n_shards; i++)
        if (shard_prune(ix, &ix->shards[i], err) != IDX_OK)
            return IDX_ERR;
    return IDX_OK;
}

/* ---------- rebuilding with other themes ---------- */

static int rm_entry(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

static int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The source files of the report records of one database. */
static int collect_sources(xc_db *db, char ***list, size_t *n, size_t *cap)
{
    char term[16];
    snprintf(term, sizeof term, "%sreport", TERM_DOCTYPE);
    uint32_t count = 0;
    if (xc_db_termfreq(db, term, &count) != XC_OK)
        return -1;
    uint32_t *ids = malloc((count + 1) * sizeof *ids);
    size_t got = 0;
    if (!ids || xc_db_postings(db, term, ids, count, &got) != XC_OK) {
        free(ids);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < got && rc == 0; i++) {
        xc_doc *doc = NULL;
        const char *data;
        size_t len;
        if (xc_db_get_document(db, ids[i], &doc) != XC_OK ||
            xc_doc_get_data(doc, &data, &len) != XC_OK) {
            xc_doc_free(doc);
            rc = -1;
            break;
        }
        char *src = idx_record_field(data, len, "source");
        xc_doc_free(doc);
        if (!src || !*src) {
            free(src);
            continue;
        }
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 256;
            char **nl = realloc(*list, nc * sizeof *nl);
            if (!nl) {
                free(src);
                rc = -1;
                break;
            }
            *list = nl;
            *cap = nc;
        }
        (*list)[(*n)++] = src;
    }
    free(ids);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* An index held while a replacement is made beside it (rebuild, compact):
 * the writers' lock, and every shard open for writing so that Xapian's
 * own lock keeps out any other writer too. */
typedef struct held_index {
    idx_indexer layout;       /* dbpath and the shards' paths */
    xc_db *db[MAX_SHARDS];
    int lock_fd;
} held_index;

static int index_hold(held_index *h, const char *dbpath, int wait, char **err)
{
    memset(h, 0, sizeof *h);
    h->layout.dbpath = (char *)dbpath;
    h->lock_fd = -1;
    int rc = writer_lock(dbpath, wait, &h->lock_fd, err);
    if (rc != IDX_OK)
        return rc;
    if (layout_shards(&h->layout, err) != 0)
        return IDX_ERR;
    for (size_t i = 0; i < h->layout.n_shards; i++) {
        int orc = xc_db_open(h->layout.shards[i].path, XC_OPEN_WRITE, &h->db[i]);
        if (orc != XC_OK) {
            if (err)
                *err = orc == XC_ERR_LOCK
                           ? str_printf("%s: the database is being written by "
                                        "another insearch process", dbpath)
                           : str_printf("%s: cannot open the database: %s",
                                        h->layout.shards[i].path, xc_last_error());
            return orc == XC_ERR_LOCK ? IDX_ERR_LOCK : IDX_ERR;
        }
    }
    return IDX_OK;
}

/* Put the index made in `tmp` in the held index's place in one atomic
 * exchange of the two folders, so that its path always holds a whole
 * index; then remove the old one. On failure both stay as they were;
 * `what` names the new one in the message. */
static int index_swap_in(held_index *h, const char *tmp, const char *what,
                         char **err)
{
    const char *dbpath = h->layout.dbpath;
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dbpath, RENAME_EXCHANGE) != 0) {
        if (err)
            *err = str_printf("%s: cannot put the %s in place: %s (the index "
                              "is unchanged)", dbpath, what, strerror(errno));
        return IDX_ERR;
    }
    for (size_t i = 0; i < h->layout.n_shards; i++) {
        xc_db_close(h->db[i]);
        h->db[i] = NULL;
    }
    remove_tree(tmp); /* now the old index */
    return IDX_OK;
}

static void index_release(held_index *h)
{
    for (size_t i = 0; i < h->layout.n_shards; i++) {
        xc_db_close(h->db[i]);
        free(h->layout.shards[i].path);
    }
    if (h->lock_fd >= 0) {
        if (ftruncate(h->lock_fd, 0) != 0) {
            /* as in idx_close */
        }
        close(h->lock_fd);
    }
}

/* The bytes of the regular files under `path`. */
static uint64_t tree_bytes(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    uint64_t n = 0;
    while (d && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *p = str_printf("%s/%s", path, e->d_name);
        struct stat st;
        if (p && lstat(p, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                n += tree_bytes(p);
            else if (S_ISREG(st.st_mode))
                n += (uint64_t)st.st_size;
        }
        free(p);
    }
    if (d)
        closedir(d);
    return n;
}

/* Make `path` (a file just written, or a folder) reach the disk. */
static int sync_path(const char *path, int dir)
{
    int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int idx_compact(const char *dbpath, int wait_for_lock, int keep_shards,
                uint64_t *bytes_before, uint64_t *bytes_after,
                size_t *shards_before, size_t *shards_after, char **err)
{
    size_t dl = strlen(dbpath);
    while (dl > 1 && dbpath[dl - 1] == '/')
        dl--;
    if (bytes_before)
        *bytes_before = 0;
    if (bytes_after)
        *bytes_after = 0;
    struct stat st;
    if (stat(dbpath, &st) != 0 || !S_ISDIR(st.st_mode)) {
        if (err)
            *err = str_printf("%s: no index here", dbpath);
        return IDX_ERR;
    }
    if (!path_exists(dbpath, "XAPIANDB") && !path_exists(dbpath, "iamglass")) {
        if (err)
            *err = str_printf("%s: not an index (no XAPIANDB or iamglass)", dbpath);
        return IDX_ERR;
    }
    char *tmp = str_printf("%.*s.compact", (int)dl, dbpath);
    if (!tmp) {
        if (err)
            *err = str_dup("out of memory");
        return IDX_ERR;
    }
    held_index h;
    int rc = index_hold(&h, dbpath, wait_for_lock, err);
    if (rc != IDX_OK)
        goto done;
    if (bytes_before)
        *bytes_before = tree_bytes(dbpath);
    if (remove_tree(tmp) != 0 && errno != ENOENT) {
        if (err)
            *err = str_printf("%s: cannot remove: %s", tmp, strerror(errno));
        rc = IDX_ERR;
        goto done;
    }
    /* one database in the folder itself, or shard-N and a stub */
    int single = strcmp(h.layout.shards[0].path, dbpath) == 0;
    if (!single && mkdir(tmp, 0755) != 0) {
        if (err)
            *err = str_printf("%s: cannot create: %s", tmp, strerror(errno));
        rc = IDX_ERR;
        goto done;
    }
    /* Shards are merged into one unless asked to keep them: a search then
     * descends one B-tree per term instead of one per shard. Nothing
     * depends on document ids (ties are broken by SLOT_ORDER), so the
     * renumbering a merge needs changes no answer. A later `index --jobs
     * N` shares the one shard between its threads. */
    size_t n_out = keep_shards ? h.layout.n_shards : 1;
    if (shards_before)
        *shards_before = h.layout.n_shards;
    for (size_t i = 0; i < n_out && rc == IDX_OK; i++) {
        char *dst = single ? str_dup(tmp) : str_printf("%s/shard-%zu", tmp, i);
        const char *src[IDX_MAX_SHARDS];
        size_t n_src = 0;
        if (keep_shards)
            src[n_src++] = h.layout.shards[i].path;
        else
            for (size_t k = 0; k < h.layout.n_shards && k < IDX_MAX_SHARDS; k++)
                src[n_src++] = h.layout.shards[k].path;
        if (!dst || xc_db_compact_shards(src, n_src, dst) != XC_OK) {
            if (err)
                *err = str_printf("%s: compacting failed: %s (the index is "
                                  "unchanged)",
                                  n_src == 1 ? src[0] : h.layout.dbpath,
                                  dst ? xc_last_error() : "out of memory");
            rc = IDX_ERR;
        }
        free(dst);
    }
    if (rc == IDX_OK && shards_after)
        *shards_after = n_out;
    if (rc == IDX_OK && !single) {
        idx_indexer neu;
        memset(&neu, 0, sizeof neu);
        neu.dbpath = tmp;
        neu.n_shards = n_out;
        if (write_stub(&neu, err) != 0)
            rc = IDX_ERR;
    }
    if (rc == IDX_OK) {
        /* the lock file a reader looks for, and the folder on disk */
        char *lk = str_printf("%s/insearch.lock", tmp);
        int fd = lk ? open(lk, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;
        if (fd >= 0)
            close(fd);
        free(lk);
        if (sync_path(tmp, 1) != 0) {
            if (err)
                *err = str_printf("%s: %s", tmp, strerror(errno));
            rc = IDX_ERR;
        }
    }
    if (rc == IDX_OK && bytes_after)
        *bytes_after = tree_bytes(tmp);
    if (rc == IDX_OK)
        rc = index_swap_in(&h, tmp, "compacted index", err);
    if (rc != IDX_OK)
        remove_tree(tmp);
done:
    index_release(&h);
    free(tmp);
    return rc;
}

/* The part of the files ("K/N") a held index holds, into o->part_k/n: a
 * rebuild keeps it (part_agree). */
static int held_part(held_index *h, idx_options *o, char **err)
{
    char *have = NULL;
    size_t hl = 0;
    if (h->layout.n_shards == 0)
        return IDX_OK;
    if (xc_db_get_metadata(h->db[0], TERM_META_PART, &have, &hl) != XC_OK) {
        if (err)
            *err = xc_message(h->layout.dbpath);
        return IDX_ERR;
    }
    int rc = part_agree(h->layout.dbpath, have, hl, &o->part_k, &o->part_n,
                        err);
    free(have);
    return rc;
}

int idx_rebuild(const char *dbpath, const idx_callbacks *cb,
                const idx_options *opt, const char *const *paths,
                size_t n_paths, idx_stats *stats, char **err)
{
    if (stats)
        memset(stats, 0, sizeof *stats);
    /* Hold the old shards for writing: the lock keeps other indexers out
     * until the new index has replaced this one. */
    held_index h;
    char **sources = NULL;
    size_t n_sources = 0, cap = 0;
    /* "db/" names the folder db: its sibling is "db.rebuild", not
     * "db/.rebuild" */
    size_t dl = strlen(dbpath);
    while (dl > 1 && dbpath[dl - 1] == '/')
        dl--;
    char *tmp = str_printf("%.*s.rebuild", (int)dl, dbpath);
    int rc = IDX_OK;
    if (!tmp) {
        if (err)
            *err = str_dup("out of memory");
        return IDX_ERR;
    }
    rc = index_hold(&h, dbpath, opt && opt->wait_for_lock, err);
    /* The new index holds the same part of the files as the old one. */
    idx_options o;
    if (opt)
        o = *opt;
    else
        memset(&o, 0, sizeof o);
    if (rc == IDX_OK)
        rc = held_part(&h, &o, err);
    for (size_t i = 0; i < h.layout.n_shards && rc == IDX_OK; i++) {
        if (collect_sources(h.db[i], &sources, &n_sources, &cap) < 0) {
            if (err)
                *err = xc_message("reading the indexed files");
            rc = IDX_ERR;
        }
    }
    if (rc != IDX_OK)
        goto done;
    qsort(sources, n_sources, sizeof *sources, cmp_str);
    /* A leftover of an earlier run that did not finish: start afresh. */
    if (remove_tree(tmp) != 0) {
        if (err)
            *err = str_printf("%s: cannot remove: %s", tmp, strerror(errno));
        rc = IDX_ERR;
        goto done;
    }
    idx_indexer *ix = NULL;
    rc = idx_open_with(tmp, cb, &o, &ix, err);
    if (rc != IDX_OK)
        goto done;
    uint64_t gone = 0;
    for (size_t i = 0; i < n_sources && rc == IDX_OK; i++) {
        struct stat st;
        if (stat(sources[i], &st) != 0 || !S_ISREG(st.st_mode)) {
            gone++;
            continue;
        }
        rc = idx_add_path(ix, sources[i], err);
    }
    for (size_t i = 0; i < n_paths && rc == IDX_OK; i++)
        rc = idx_add_path(ix, paths[i], err);
    idx_stats st = *idx_get_stats(ix);
    st.files_pruned += gone;
    int crc = idx_close(ix, rc == IDX_OK ? err : NULL);
    if (rc == IDX_OK)
        rc = crc;
    if (stats)
        *stats = st;
    if (rc != IDX_OK) {
        remove_tree(tmp);
        goto done;
    }
    /* The switch; until it, the old index is untouched. On failure the
     * new one is left in tmp (a later run removes it). */
    rc = index_swap_in(&h, tmp, "new index", err);
done:
    index_release(&h);
    for (size_t i = 0; i < n_sources; i++)
        free(sources[i]);
    free(sources);
    free(tmp);
    return rc;
}
