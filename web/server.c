/* server.c - the HTTP side of `insearch serve` over libmicrohttpd: limits,
 * routing, the page's assets, one log line per request, and a handle on
 * the index per worker thread. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "web/web-private.h"
#include "web/web.h"
#include "config.h"

#include <dlfcn.h>

/* libmicrohttpd is opened when a server starts (MHD_SONAME, found by
 * configure), not linked: it brings GnuTLS and eight more libraries, and
 * loading them cost every `insearch search` process about 40% of its
 * start-up (LD_DEBUG=statistics) for a server it does not run. The
 * functions used are called through this table; the names below stand
 * for its entries. */
static struct {
    __typeof__(MHD_add_response_header) *add_response_header;
    __typeof__(MHD_lookup_connection_value) *lookup_connection_value;
    __typeof__(MHD_get_connection_values) *get_connection_values;
    __typeof__(MHD_stop_daemon) *stop_daemon;
    __typeof__(MHD_start_daemon) *start_daemon;
    __typeof__(MHD_queue_response) *queue_response;
    __typeof__(MHD_is_feature_supported) *is_feature_supported;
    __typeof__(MHD_get_daemon_info) *get_daemon_info;
    __typeof__(MHD_get_connection_info) *get_connection_info;
    __typeof__(MHD_destroy_response) *destroy_response;
    __typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
} mhd;
static pthread_once_t mhd_once = PTHREAD_ONCE_INIT;
static char mhd_error[512];

static void mhd_load(void)
{
    void *h = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(mhd_error, sizeof mhd_error,
                 "cannot load libmicrohttpd (%s): %s (apt-get install "
                 "libmicrohttpd12)", MHD_SONAME, dlerror());
        return;
    }
#define MHD_LOAD(field, name)                                               \
    if (!(*(void **)&mhd.field = dlsym(h, #name))) {                        \
        snprintf(mhd_error, sizeof mhd_error,                               \
                 "libmicrohttpd (%s) has no function %s", MHD_SONAME, #name);\
        return;                                                             \
    }
    MHD_LOAD(add_response_header, MHD_add_response_header)
    MHD_LOAD(lookup_connection_value, MHD_lookup_connection_value)
    MHD_LOAD(get_connection_values, MHD_get_connection_values)
    MHD_LOAD(stop_daemon, MHD_stop_daemon)
    MHD_LOAD(start_daemon, MHD_start_daemon)
    MHD_LOAD(queue_response, MHD_queue_response)
    MHD_LOAD(is_feature_supported, MHD_is_feature_supported)
    MHD_LOAD(get_daemon_info, MHD_get_daemon_info)
    MHD_LOAD(get_connection_info, MHD_get_connection_info)
    MHD_LOAD(destroy_response, MHD_destroy_response)
    MHD_LOAD(create_response_from_buffer, MHD_create_response_from_buffer)
#undef MHD_LOAD
    /* the library stays loaded for the life of the process */
}

#define MHD_add_response_header (*mhd.add_response_header)
#define MHD_lookup_connection_value (*mhd.lookup_connection_value)
#define MHD_get_connection_values (*mhd.get_connection_values)
#define MHD_stop_daemon (*mhd.stop_daemon)
#define MHD_start_daemon (*mhd.start_daemon)
#define MHD_queue_response (*mhd.queue_response)
#define MHD_is_feature_supported (*mhd.is_feature_supported)
#define MHD_get_daemon_info (*mhd.get_daemon_info)
#define MHD_get_connection_info (*mhd.get_connection_info)
#define MHD_destroy_response (*mhd.destroy_response)
#define MHD_create_response_from_buffer (*mhd.create_response_from_buffer)

/* 64 KB for a request's line and headers: a URL longer than that is
 * answered 414 by libmicrohttpd itself. */
#define MEMORY_LIMIT (64 * 1024)
#define MAX_ASSET (4 * 1024 * 1024)

struct web_server {
    struct MHD_Daemon *daemon;
    char *db_path;       /* NULL: only the remote shards of `open` */
    srch_open_opts open; /* --remote, --partial: the strings are owned */
    char *assets_dir;
    FILE *log;
    unsigned port;
    pthread_key_t key;   /* the worker's thread_db */
    int key_made;
};

/* A worker thread's handle on the index, opened on its first request and
 * freed when the thread ends (the key's destructor). */
typedef struct thread_db {
    srch_db *db;
    dev_t dev;
    ino_t ino;
} thread_db;

/* The server keeps its own copy of the open options. */
static void free_open_opts(srch_open_opts *o)
{
    for (size_t i = 0; i < o->n_remotes; i++)
        free((char *)o->remotes[i]);
    free((void *)o->remotes);
    memset(o, 0, sizeof *o);
}

static int copy_open_opts(srch_open_opts *to, const srch_open_opts *from)
{
    memset(to, 0, sizeof *to);
    if (!from)
        return 0;
    to->partial = from->partial;
    if (from->n_remotes == 0)
        return 0;
    char **v = calloc(from->n_remotes, sizeof *v);
    if (!v)
        return -1;
    to->remotes = (const char *const *)v;
    for (size_t i = 0; i < from->n_remotes; i++) {
        if (!(v[i] = str_dup(from->remotes[i])))
            return -1;
        to->n_remotes++;
    }
    return 0;
}

static void thread_db_free(void *p)
{
    thread_db *t = p;
    if (t) {
        srch_close(t->db);
        free(t);
    }
}

/* The worker's index handle at the latest revision; NULL with *err set
 * when the index cannot be opened. An index rebuilt with other themes is
 * swapped in as a new folder at the same path: a new inode means opening
 * it again, not moving the old handle on. */
static srch_db *thread_db_get(web_server *srv, int fresh, srch_error *err)
{
    thread_db *t = pthread_getspecific(srv->key);
    if (!t) {
        t = calloc(1, sizeof *t);
        if (!t || pthread_setspecific(srv->key, t) != 0) {
            free(t);
            snprintf(err->message, sizeof err->message, "out of memory");
            err->code = SRCH_ERR;
            return NULL;
        }
    }
    struct stat st;
    int have = srv->db_path ? stat(srv->db_path, &st) == 0 : 0;
    if (!srv->db_path) /* remote shards only: nothing on disk to watch */
        st.st_dev = t->dev, st.st_ino = t->ino, have = 1;
    if (t->db && !fresh && have && st.st_dev == t->dev &&
        st.st_ino == t->ino && srch_refresh(t->db, err) == SRCH_OK)
        return t->db;
    srch_close(t->db);
    t->db = NULL;
    if (srch_open_with(srv->db_path, &srv->open, &t->db, err) != SRCH_OK)
        return NULL;
    const char *const *missing;
    size_t n_missing = srch_missing_shards(t->db, &missing);
    for (size_t i = 0; i < n_missing && srv->log; i++)
        fprintf(srv->log, "insearch serve: a shard is missing (--partial "
                          "answers without it): %s\n", missing[i]);
    if (have) {
        t->dev = st.st_dev;
        t->ino = st.st_ino;
    }
    return t->db;
}

/* ------------------------------------------------------------ requests */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

typedef struct request {
    struct timespec start;
    char method[8];
    char *url;        /* the path, for the log */
    unsigned status;
    size_t bytes;
} request;

typedef struct param_list {
    web_param v[WEB_MAX_PARAMS];
    size_t n;
    int overflow;
} param_list;

static enum MHD_Result collect_param(void *cls, enum MHD_ValueKind kind,
                                     const char *key, const char *value)
{
    (void)kind;
    param_list *l = cls;
    if (l->n == WEB_MAX_PARAMS) {
        l->overflow = 1;
        return MHD_NO;
    }
    l->v[l->n].key = key;
    l->v[l->n].value = value ? value : "";
    l->n++;
    return MHD_YES;
}

static void add_common_headers(struct MHD_Response *r, const char *type,
                               int cache)
{
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; "
                            "frame-ancestors 'none'; base-uri 'none'; "
                            "form-action 'self'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Cache-Control",
                            cache ? "max-age=300" : "no-store");
}

/* Queue `len` bytes (taken over when `owned`, else static) with a status. */
static enum MHD_Result send_body(struct MHD_Connection *conn, request *rq,
                                 unsigned status, const char *type,
                                 void *data, size_t len, int owned, int cache)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, data, owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!r) {
        if (owned)
            free(data);
        return MHD_NO;
    }
    add_common_headers(r, type, cache);
    if (strncmp(type, "text/csv", 8) == 0 ||
        strncmp(type, "text/markdown", 13) == 0)
        MHD_add_response_header(
            r, "Content-Disposition",
            rq->url && strcmp(rq->url, "/api/plan.csv") == 0
                ? "attachment; filename=\"insearch-plan.csv\""
            : rq->url && strcmp(rq->url, "/api/plan.md") == 0
                ? "attachment; filename=\"insearch-plan.md\""
                : "attachment; filename=\"insearch-results.csv\"");
    if (status == 405)
        MHD_add_response_header(r, "Allow", "GET, HEAD");
    rq->status = status;
    rq->bytes = len;
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_json_error(struct MHD_Connection *conn,
                                       request *rq, unsigned status,
                                       const char *kind, const char *msg)
{
    buf b = BUF_INIT;
    buf_puts(&b, "{\"error\":");
    buf_json_str(&b, msg);
    buf_printf(&b, ",\"kind\":\"%s\",\"column\":null}\n", kind);
    size_t len;
    char *data = buf_detach(&b, &len);
    if (!data)
        return MHD_NO;
    return send_body(conn, rq, status, "application/json; charset=utf-8",
                     data, len, 1, 0);
}

static const char *asset_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return "application/octet-stream";
    if (!strcmp(dot, ".html"))
        return "text/html; charset=utf-8";
    if (!strcmp(dot, ".js"))
        return "text/javascript; charset=utf-8";
    if (!strcmp(dot, ".css"))
        return "text/css; charset=utf-8";
    if (!strcmp(dot, ".svg"))
        return "image/svg+xml";
    return "application/octet-stream";
}

/* The page's files: a fixed list of names. Only a name on it is ever
 * looked up, in the binary or (--assets) in one folder, so no URL reaches
 * another file. */
static const web_asset *asset_find(const char *path)
{
    const char *name = strcmp(path, "/") == 0 ? "index.html" : path + 1;
    if (path[0] != '/')
        return NULL;
    for (const web_asset *a = web_assets; a->name; a++)
        if (strcmp(a->name, name) == 0)
            return a;
    return NULL;
}

static enum MHD_Result serve_asset(web_server *srv,
                                   struct MHD_Connection *conn, request *rq,
                                   const web_asset *a)
{
    if (!srv->assets_dir)
        return send_body(conn, rq, 200, asset_type(a->name),
                         (void *)a->data, a->len, 0, 1);
    /* Developing the page: the same name, read from the folder now. */
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", srv->assets_dir, a->name);
    /* O_NOFOLLOW: a symlink in the folder must not lead out of it. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        st.st_size > MAX_ASSET) {
        if (fd >= 0)
            close(fd);
        return send_json_error(conn, rq, 404, "not_found",
                               "the asset is missing from --assets");
    }
    size_t len = (size_t)st.st_size, got = 0;
    char *data = malloc(len ? len : 1);
    while (data && got < len) {
        ssize_t k = read(fd, data + got, len - got);
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    close(fd);
    if (!data || got != len) {
        free(data);
        return send_json_error(conn, rq, 500, "failed", "reading the asset");
    }
    return send_body(conn, rq, 200, asset_type(a->name), data, len, 1, 0);
}

static enum MHD_Result serve_api(web_server *srv, struct MHD_Connection *conn,
                                 request *rq, const char *url)
{
    param_list pl;
    pl.n = 0;
    pl.overflow = 0;
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_param,
                              &pl);
    if (pl.overflow)
        return send_json_error(conn, rq, 400, "bad_request",
                               "too many parameters");
    srch_error oerr;
    memset(&oerr, 0, sizeof oerr);
    srch_db *db = thread_db_get(srv, 0, &oerr);
    buf b = BUF_INIT;
    int status = web_api_answer(db, &oerr, srv->db_path, url, pl.v, pl.n, &b);
    if (status == 500 && db) {
        /* A writer may have moved the index on mid-read (Xapian's
         * DatabaseModifiedError): once more on a fresh handle. */
        db = thread_db_get(srv, 1, &oerr);
        buf_reset(&b);
        status = web_api_answer(db, &oerr, srv->db_path, url, pl.v, pl.n, &b);
    }
    int csv = status == 200 && (strcmp(url, "/api/search.csv") == 0 ||
                                strcmp(url, "/api/plan.csv") == 0);
    int md = status == 200 && strcmp(url, "/api/plan.md") == 0;
    if (!csv && !md)
        buf_putc(&b, '\n');
    size_t len;
    char *data = buf_detach(&b, &len);
    if (!data)
        return MHD_NO;
    return send_body(conn, rq, (unsigned)status,
                     csv  ? "text/csv; charset=utf-8; header=present"
                     : md ? "text/markdown; charset=utf-8"
                          : "application/json; charset=utf-8",
                     data, len, 1, 0);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn,
                              const char *url, const char *method,
                              const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    (void)version;
    (void)upload_data;
    web_server *srv = cls;
    request *rq = *con_cls;
    if (!rq) {
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &rq->start);
        snprintf(rq->method, sizeof rq->method, "%s", method);
        rq->url = str_dup(url);
        *con_cls = rq;
    }
    /* Answer at once, before any body arrives: nothing here takes one. */
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
        strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return send_json_error(conn, rq, 405, "method",
                               "only GET and HEAD are served");
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 "Content-Length");
    if ((cl && strcmp(cl, "0") != 0) || (upload_data_size && *upload_data_size) ||
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                    "Transfer-Encoding"))
        return send_json_error(conn, rq, 413, "too_large",
                               "requests with a body are not served");
    if (strncmp(url, "/api/", 5) == 0)
        return serve_api(srv, conn, rq, url);
    const web_asset *a = asset_find(url);
    if (a)
        return serve_asset(srv, conn, rq, a);
    return send_json_error(conn, rq, 404, "not_found", "no such page");
}

/* Percent-decoding of the path and of each parameter, in place. A %00
 * stays as it is: decoded, it would end the C string early, and
 * "/app.js%00.html" would be served as "/app.js". */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    char *w = s;
    for (const char *r = s; *r; r++) {
        int hi, lo;
        if (r[0] == '%' && r[1] && r[2] &&
            (hi = hex_value(r[1])) >= 0 && (lo = hex_value(r[2])) >= 0 &&
            (hi || lo)) {
            *w++ = (char)(hi * 16 + lo);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

/* ------------------------------------------------------------ the log */

static enum MHD_Result log_param(void *cls, enum MHD_ValueKind kind,
                                 const char *key, const char *value)
{
    (void)kind;
    buf *b = cls;
    buf_putc(b, b->len && strchr(buf_cstr(b), '?') ? '&' : '?');
    /* Keep the line one line and printable. */
    for (int pass = 0; pass < 2; pass++) {
        const char *s = pass ? value : key;
        if (pass)
            buf_putc(b, '=');
        for (; s && *s; s++) {
            unsigned char c = (unsigned char)*s;
            if (c <= 0x20 || c == 0x7f || c == '%' || c == '&' || c == '=')
                buf_printf(b, "%%%02X", c);
            else
                buf_putc(b, (char)c);
        }
    }
    return b->len < 2048 ? MHD_YES : MHD_NO;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    web_server *srv = cls;
    request *rq = *con_cls;
    *con_cls = NULL;
    if (!rq)
        return;
    if (srv->log) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double ms = (double)(now.tv_sec - rq->start.tv_sec) * 1e3 +
                    (double)(now.tv_nsec - rq->start.tv_nsec) / 1e6;
        char addr[INET6_ADDRSTRLEN] = "-";
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
            conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (ci && ci->client_addr) {
            const struct sockaddr *sa = ci->client_addr;
            if (sa->sa_family == AF_INET)
                inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
                          addr, sizeof addr);
            else if (sa->sa_family == AF_INET6)
                inet_ntop(AF_INET6,
                          &((const struct sockaddr_in6 *)sa)->sin6_addr, addr,
                          sizeof addr);
        }
        time_t t = time(NULL);
        struct tm tm;
        char when[32];
        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
        buf line = BUF_INIT;
        buf_printf(&line, "%s %s %s ", when, addr, rq->method);
        buf path = BUF_INIT;
        MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, log_param,
                                  &path);
        buf_printf(&line, "%s%s %u %zu %.1fms%s\n", rq->url ? rq->url : "-",
                   buf_cstr(&path), rq->status, rq->bytes, ms,
                   toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? ""
                                                              : " (cut off)");
        buf_free(&path);
        fputs(buf_cstr(&line), srv->log);
        fflush(srv->log);
        buf_free(&line);
    }
    free(rq->url);
    free(rq);
}

/* ------------------------------------------------------------ the daemon */

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    web_server *srv = cls;
    if (!srv->log)
        return;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    fprintf(srv->log, "insearch serve: %s\n", msg);
}

static void set_err(char **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_err(char **err, const char *fmt, ...)
{
    if (!err)
        return;
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    *err = str_dup(msg);
}

int web_server_start(const web_options *opt, web_server **out, char **err)
{
    *out = NULL;
    if (err)
        *err = NULL;
    const char *bind = opt->bind && *opt->bind ? opt->bind : "127.0.0.1";
    if (!strcmp(bind, "localhost"))
        bind = "127.0.0.1";
    if (opt->port > 65535) {
        set_err(err, "--port takes 0 to 65535");
        return WEB_ERR;
    }
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, bind, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)opt->port);
    } else if (inet_pton(AF_INET6, bind, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)opt->port);
        flags |= MHD_USE_IPv6;
    } else {
        set_err(err, "--bind takes an IPv4 or IPv6 address, not '%s'", bind);
        return WEB_ERR;
    }
    pthread_once(&mhd_once, mhd_load);
    if (mhd_error[0]) {
        set_err(err, "%s", mhd_error);
        return WEB_ERR;
    }
    if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
        flags |= MHD_USE_EPOLL;
    else
        flags |= MHD_USE_POLL;
    web_server *srv = calloc(1, sizeof *srv);
    if (!srv || (opt->db_path && !(srv->db_path = str_dup(opt->db_path))) ||
        (opt->assets_dir && !(srv->assets_dir = str_dup(opt->assets_dir))) ||
        copy_open_opts(&srv->open, opt->open_opts) != 0) {
        if (srv) {
            free(srv->db_path);
            free(srv->assets_dir);
            free_open_opts(&srv->open);
            free(srv);
        }
        set_err(err, "out of memory");
        return WEB_ERR;
    }
    srv->log = opt->log;
    if (pthread_key_create(&srv->key, thread_db_free) != 0) {
        web_server_stop(srv);
        set_err(err, "cannot make the workers' keys");
        return WEB_ERR;
    }
    srv->key_made = 1;
    unsigned threads = opt->threads ? opt->threads : 4;
    unsigned maxconn = opt->max_connections ? opt->max_connections : 512;
    unsigned timeout = opt->timeout ? opt->timeout : 15;
    /* Every client of a loopback address is this machine's own user; on a
     * network, one client must not take every connection. */
    int loopback = (s4->sin_family == AF_INET &&
                    (ntohl(s4->sin_addr.s_addr) >> 24) == 127) ||
                   (s6->sin6_family == AF_INET6 &&
                    IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr));
    unsigned per_client = opt->max_per_client >= 0
                              ? (unsigned)opt->max_per_client
                              : loopback ? 0u : 64u;
    srv->daemon = MHD_start_daemon(
        flags, (uint16_t)opt->port, NULL, NULL, handle, srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, maxconn,
        MHD_OPTION_CONNECTION_TIMEOUT, timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MEMORY_LIMIT,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_client,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
        MHD_OPTION_NOTIFY_COMPLETED, completed, srv,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
        MHD_OPTION_END);
    if (!srv->daemon) {
        int e = errno;
        set_err(err, "cannot listen on %s port %u%s%s", bind, opt->port,
                e ? ": " : "", e ? strerror(e) : "");
        web_server_stop(srv);
        return WEB_ERR;
    }
    const union MHD_DaemonInfo *di =
        MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = di ? di->port : opt->port;
    *out = srv;
    return WEB_OK;
}

unsigned web_server_port(const web_server *srv)
{
    return srv ? srv->port : 0;
}

void web_server_stop(web_server *srv)
{
    if (!srv)
        return;
    /* The workers end here; their keys' destructors close their index
     * handles as they go. */
    if (srv->daemon)
        MHD_stop_daemon(srv->daemon);
    if (srv->key_made)
        pthread_key_delete(srv->key);
    free(srv->db_path);
    free_open_opts(&srv->open);
    free(srv->assets_dir);
    free(srv);
}
