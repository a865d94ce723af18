/* web.h - `insearch serve`: the local web page and its HTTP JSON API
 * (doc/API.md) over libmicrohttpd.
 *
 * The server answers from a pool of worker threads; each keeps its own
 * read-only handle on the index (Xapian handles are not shared between
 * threads) and moves it to the latest committed revision before each
 * request, so a running `insearch index` shows up without a restart.
 */
#ifndef INSEARCH_WEB_H
#define INSEARCH_WEB_H

#include <stddef.h>
#include <stdio.h>

#include "searcher/searcher.h"
#include "util/buf.h"

#define WEB_OK 0
#define WEB_ERR (-1)

typedef struct web_options {
    const char *db_path;       /* NULL: only open_opts's remote shards */
    const srch_open_opts *open_opts; /* --remote, --partial; NULL: none */
    const char *bind;          /* an IPv4 or IPv6 address; NULL: 127.0.0.1 */
    unsigned port;             /* 0: any free port (web_server_port) */
    unsigned threads;          /* workers; 0: 4 */
    unsigned max_connections;  /* 0: 512 */
    unsigned timeout;          /* idle seconds before a connection is
                                  closed (a slow or stalled client); 0: 15 */
    int max_per_client;        /* connections from one address; -1: the
                                  default (no limit on a loopback address,
                                  else 64); 0: none */
    const char *assets_dir;    /* NULL: the page compiled into the binary;
                                  else read from here at each request
                                  (developing the page) */
    FILE *log;                 /* one line per request; NULL: none */
} web_options;

typedef struct web_server web_server;

/* Start serving in background threads. On failure *err is a malloc'd
 * message. */
int web_server_start(const web_options *opt, web_server **out, char **err);
/* The port it listens on (the one chosen when the options said 0). */
unsigned web_server_port(const web_server *srv);
/* Stop: close the listening socket and connections, join the workers and
 * close their index handles. NULL is allowed. */
void web_server_stop(web_server *srv);

/* ---- the API without HTTP (web/api.c): what the server calls, and what
 * the unit tests call directly ---- */

typedef struct web_param {
    const char *key, *value;
} web_param;

#define WEB_MAX_PARAMS 64
#define WEB_MAX_QUERY 2000

/* Answer GET `path` (starting "/api/") with the query parameters given:
 * the JSON body goes to `out` and the HTTP status is returned (200, 400,
 * 404, 500, 503). `db` may be NULL when the index could not be opened
 * (then `open_err` says why and the answer is a 503). */
int web_api_answer(srch_db *db, const srch_error *open_err,
                   const char *dbpath, const char *path,
                   const web_param *params, size_t n_params, buf *out);

#endif /* INSEARCH_WEB_H */
