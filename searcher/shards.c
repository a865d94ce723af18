/* shards.c - opening an index shard by shard: `--remote HOST:PORT` and
 * `--partial` (answer from the shards that answer, and say which did not).
 *
 * Xapian opens a stub (a file of "auto PATH" / "remote HOST:PORT" lines)
 * all or nothing. To leave one shard out, the stub is read here and each
 * shard it names is added on its own. Only the stub lines Xapian 1.4
 * reads are accepted; anything else is an error naming the line, as
 * Xapian would give. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "searcher/searcher-private.h"
#include "util/buf.h"

/* Xapian's own defaults for a remote shard named in a stub: the same
 * here, so `--partial` waits no longer and no shorter than a plain open. */
#define REMOTE_TIMEOUT_MS 10000
#define REMOTE_CONNECT_TIMEOUT_MS 10000
/* Stubs naming stubs: deeper than this is a loop. */
#define MAX_STUB_DEPTH 8

typedef struct shard_ctx {
    xc_db *db;
    int partial;
    int remote;        /* a remote shard was named */
    size_t opened;
    strlist *missing;  /* "SHARD: why" */
    srch_error *err;
} shard_ctx;

/* A shard did not open: with --partial, note it and go on; else fail. */
static int shard_failed(shard_ctx *c, const char *label, int status)
{
    const char *why = xc_last_error();
    if (c->partial && status != XC_ERR_NOMEM) {
        char *line = str_printf("%s (%s)", label, why);
        int rc = line && strlist_add(c->missing, line, strlen(line)) == 0
                     ? 0
                     : -1;
        free(line);
        if (rc != 0)
            srch_set_error(c->err, SRCH_ERR, "out of memory");
        return rc;
    }
    if (status == XC_ERR_NETWORK)
        srch_set_error(c->err, SRCH_ERR,
                       "%s: a remote shard did not answer (%s): is its "
                       "xapian-tcpsrv running and reachable? (--partial "
                       "answers from the other shards)", label, why);
    else
        srch_set_error(c->err, SRCH_ERR, "%s: cannot open this shard (%s)",
                       label, why);
    return -1;
}

/* "HOST:PORT" (HOST may be empty: this machine) into its parts. */
static int split_host_port(const char *spec, char *host, size_t hostsz,
                           unsigned *port)
{
    const char *colon = strrchr(spec, ':');
    if (!colon || colon[1] == '\0')
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (errno || *end != '\0' || p == 0 || p > 65535 ||
        !isdigit((unsigned char)colon[1]))
        return -1;
    size_t hl = (size_t)(colon - spec);
    if (hl >= hostsz)
        return -1;
    if (hl == 0)
        snprintf(host, hostsz, "127.0.0.1");
    else
        snprintf(host, hostsz, "%.*s", (int)hl, spec);
    *port = (unsigned)p;
    return 0;
}

int srch_parse_remote(const char *spec, char *host, size_t hostsz,
                      unsigned *port)
{
    return split_host_port(spec, host, hostsz, port);
}

static int add_tcp(shard_ctx *c, const char *spec)
{
    char host[256];
    unsigned port = 0;
    char *label = str_printf("remote %s", spec);
    if (!label) {
        srch_set_error(c->err, SRCH_ERR, "out of memory");
        return -1;
    }
    c->remote = 1;
    int rc = 0;
    if (split_host_port(spec, host, sizeof host, &port) != 0) {
        srch_set_error(c->err, SRCH_ERR,
                       "%s: not HOST:PORT (a port from 1 to 65535)", label);
        rc = -1;
    } else {
        int st = xc_db_add_remote(c->db, host, port, REMOTE_TIMEOUT_MS,
                                  REMOTE_CONNECT_TIMEOUT_MS);
        if (st == XC_OK)
            c->opened++;
        else
            rc = shard_failed(c, label, st);
    }
    free(label);
    return rc;
}

static int add_prog(shard_ctx *c, const char *line)
{
    char *prog = str_dup(line);
    char *label = str_printf("remote %s", line);
    int rc = 0;
    if (!prog || !label) {
        srch_set_error(c->err, SRCH_ERR, "out of memory");
        rc = -1;
    } else {
        c->remote = 1;
        char *args = prog + strcspn(prog, " \t");
        if (*args)
            *args++ = '\0';
        int st = xc_db_add_remote_prog(c->db, prog, args, REMOTE_TIMEOUT_MS);
        if (st == XC_OK)
            c->opened++;
        else
            rc = shard_failed(c, label, st);
    }
    free(prog);
    free(label);
    return rc;
}

/* A walk over the shards an index names, through stubs naming stubs:
 * `visit` is called for each shard with its kind and its path (LOCAL),
 * "HOST:PORT" (TCP) or "PROGRAM ARGS" (PROG). */
typedef enum { SHARD_LOCAL, SHARD_TCP, SHARD_PROG } shard_kind;
typedef int (*shard_visit)(void *ctx, shard_kind kind, const char *arg);

typedef struct walker {
    shard_visit visit;
    void *ctx;
    srch_error *err;
    int whole_dirs; /* a folder is visited as it is, its stub unread */
} walker;

static int walk_any(const walker *w, const char *path, int depth);

/* The lines of a stub: each names a shard (or another stub). */
static int walk_stub(const walker *w, const char *stub, int depth)
{
    srch_error *err = w->err;
    FILE *f = fopen(stub, "r");
    if (!f) {
        srch_set_error(err, SRCH_ERR, "%s: cannot read (%s)", stub,
                       strerror(errno));
        return -1;
    }
    /* Relative paths are relative to the stub's folder. */
    const char *slash = strrchr(stub, '/');
    int dirlen = slash ? (int)(slash - stub) : 0;
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    int rc = 0;
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            continue;
        char *word = p;
        p += strcspn(p, " \t");
        if (*p)
            *p++ = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0') {
            srch_set_error(err, SRCH_ERR, "%s:%u: '%s' names nothing", stub,
                           lineno, word);
            rc = -1;
        } else if (strcmp(word, "auto") == 0 || strcmp(word, "glass") == 0 ||
                   strcmp(word, "chert") == 0) {
            char *sub = *p == '/' || !slash ? str_dup(p)
                                            : str_printf("%.*s/%s", dirlen,
                                                         stub, p);
            if (!sub) {
                srch_set_error(err, SRCH_ERR, "out of memory");
                rc = -1;
            } else {
                rc = walk_any(w, sub, depth + 1);
                free(sub);
            }
        } else if (strcmp(word, "remote") == 0) {
            rc = w->visit(w->ctx, strchr(p, ':') ? SHARD_TCP : SHARD_PROG, p);
        } else {
            srch_set_error(err, SRCH_ERR,
                           "%s:%u: not a line of a Xapian stub: '%s'", stub,
                           lineno, word);
            rc = -1;
        }
    }
    free(line);
    fclose(f);
    return rc;
}

/* Is the file at `path` a stub (text) rather than a single-file
 * database? */
static int is_text_file(const char *path)
{
    unsigned char head[512];
    FILE *f = fopen(path, "rb");
    if (!f)
        return 1; /* the stub reader reports why */
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return memchr(head, '\0', n) == NULL;
}

static int walk_any(const walker *w, const char *path, int depth)
{
    if (depth > MAX_STUB_DEPTH) {
        srch_set_error(w->err, SRCH_ERR,
                       "%s: stubs name stubs more than %d deep (a loop?)",
                       path, MAX_STUB_DEPTH);
        return -1;
    }
    struct stat st;
    if (stat(path, &st) != 0) /* Xapian's error says what is wrong */
        return w->visit(w->ctx, SHARD_LOCAL, path);
    if (S_ISDIR(st.st_mode)) {
        char *stub = str_printf("%s/XAPIANDB", path);
        struct stat sst;
        int rc;
        if (!stub) {
            srch_set_error(w->err, SRCH_ERR, "out of memory");
            return -1;
        }
        rc = !w->whole_dirs && stat(stub, &sst) == 0
                 ? walk_stub(w, stub, depth)
                 : w->visit(w->ctx, SHARD_LOCAL, path);
        free(stub);
        return rc;
    }
    return is_text_file(path) ? walk_stub(w, path, depth)
                              : w->visit(w->ctx, SHARD_LOCAL, path);
}

static int add_local(shard_ctx *c, const char *path)
{
    int st = xc_db_add_path(c->db, path);
    if (st == XC_OK) {
        c->opened++;
        return 0;
    }
    return shard_failed(c, path, st);
}

static int add_shard(void *ctx, shard_kind kind, const char *arg)
{
    shard_ctx *c = ctx;
    switch (kind) {
    case SHARD_TCP:
        return add_tcp(c, arg);
    case SHARD_PROG:
        return add_prog(c, arg);
    case SHARD_LOCAL:
        break;
    }
    return add_local(c, arg);
}

static int note_remote(void *ctx, shard_kind kind, const char *arg)
{
    (void)arg;
    if (kind != SHARD_LOCAL)
        *(int *)ctx = 1;
    return 0;
}

int srch_names_remote(const char *dbpath)
{
    int remote = 0;
    srch_error ignored;
    walker w = {note_remote, &remote, &ignored, 0};
    walk_any(&w, dbpath, 0);
    return remote;
}

/* The bytes of the files of a local database folder (and the folders in
 * it, two levels down: an insearch index holds shard-N/). */
static uint64_t dir_size(const char *path, int depth)
{
    DIR *d = opendir(path);
    if (!d)
        return 0;
    uint64_t total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *p = str_printf("%s/%s", path, e->d_name);
        struct stat st;
        if (p && stat(p, &st) == 0) {
            if (S_ISREG(st.st_mode))
                total += (uint64_t)st.st_size;
            else if (S_ISDIR(st.st_mode) && depth < 2)
                total += dir_size(p, depth + 1);
        }
        free(p);
    }
    closedir(d);
    return total;
}

typedef struct size_ctx {
    uint64_t bytes;
    int remote;
} size_ctx;

static int add_size(void *ctx, shard_kind kind, const char *arg)
{
    size_ctx *s = ctx;
    struct stat st;
    if (kind != SHARD_LOCAL)
        s->remote = 1;
    else if (stat(arg, &st) == 0)
        s->bytes += S_ISDIR(st.st_mode) ? dir_size(arg, 0)
                                        : (uint64_t)st.st_size;
    return 0;
}

uint64_t srch_local_size(const char *dbpath, int *remote)
{
    size_ctx s = {0, 0};
    srch_error ignored;
    /* A folder is measured whole (an insearch index: its stub, lock and
     * shard-N folders); a stub file by the databases it names. */
    walker w = {add_size, &s, &ignored, 1};
    if (dbpath)
        walk_any(&w, dbpath, 0);
    if (remote)
        *remote = s.remote;
    return s.bytes;
}

int srch_shards_open(const char *dbpath, const srch_open_opts *o,
                     xc_db **out, strlist *missing, int *remote,
                     srch_error *err)
{
    *out = NULL;
    *remote = 0;
    shard_ctx c;
    memset(&c, 0, sizeof c);
    c.partial = o->partial;
    c.missing = missing;
    c.err = err;
    if (xc_db_new_multi(&c.db) != XC_OK) {
        srch_set_error(err, SRCH_ERR, "%s", xc_last_error());
        return -1;
    }
    walker w = {add_shard, &c, err, 0};
    int rc = dbpath ? walk_any(&w, dbpath, 0) : 0;
    for (size_t i = 0; rc == 0 && i < o->n_remotes; i++)
        rc = add_tcp(&c, o->remotes[i]);
    if (rc == 0 && c.opened == 0) {
        buf b = BUF_INIT;
        for (size_t i = 0; i < missing->n; i++)
            buf_printf(&b, "%s%s", i ? "; " : "", missing->v[i]);
        srch_set_error(err, SRCH_ERR, "no shard answered: %s",
                       missing->n ? buf_cstr(&b) : "none is named");
        buf_free(&b);
        rc = -1;
    }
    if (rc != 0) {
        xc_db_close(c.db);
        return -1;
    }
    *out = c.db;
    *remote = c.remote;
    return 0;
}
