/* cmd_serve.c - `insearch serve`: the web page and JSON API (web/). */
#define _GNU_SOURCE
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "web/web.h"

const char cli_help_serve[] =
    "usage: insearch serve [--db DIR] [--bind ADDR] [--port N] [--threads N]\n"
    "                      [--max-connections N] [--max-per-client N]\n"
    "                      [--timeout S] [--quiet] [--assets DIR]\n"
    "\n"
    "Serve the search page and its JSON API (doc/API.md) over the index,\n"
    "on this machine only unless --bind says otherwise. Prints the address\n"
    "to open, then one line per request on stderr; stops on Ctrl-C\n"
    "(SIGINT) or SIGTERM.\n"
    "\n"
    "  --bind ADDR          the address to listen on (default 127.0.0.1;\n"
    "                       0.0.0.0 or :: opens it to the network)\n"
    "  --port N             the port (default 8080; 0: any free port)\n"
    "  --threads N          worker threads (default 4)\n"
    "  --max-connections N  open connections at once (default 512)\n"
    "  --max-per-client N   open connections from one address (default:\n"
    "                       no limit on 127.0.0.1 or ::1, else 64; 0: none)\n"
    "  --timeout S          close a connection idle for S seconds (a slow\n"
    "                       or stalled client; default 15)\n"
    "  --quiet              no request log\n"
    "  --assets DIR         read the page's files from DIR at each request,\n"
    "                       not from the binary (for working on the page)\n";

enum { S_DB = 500, S_BIND, S_PORT, S_THREADS, S_MAXCONN, S_QUIET, S_ASSETS,
       S_HELP, S_PERCLIENT, S_TIMEOUT };

static int parse_count(const char *opt, const char *s, unsigned lo,
                       unsigned hi, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return cli_usage_error("serve", "%s takes a number from %u to %u, "
                               "not '%s'", opt, lo, hi, s);
    *out = (unsigned)v;
    return 0;
}

int cmd_serve(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, S_DB},
        {"bind", required_argument, NULL, S_BIND},
        {"port", required_argument, NULL, S_PORT},
        {"threads", required_argument, NULL, S_THREADS},
        {"max-connections", required_argument, NULL, S_MAXCONN},
        {"quiet", no_argument, NULL, S_QUIET},
        {"max-per-client", required_argument, NULL, S_PERCLIENT},
        {"timeout", required_argument, NULL, S_TIMEOUT},
        {"assets", required_argument, NULL, S_ASSETS},
        {"help", no_argument, NULL, S_HELP},
        {NULL, 0, NULL, 0}};
    web_options wo;
    memset(&wo, 0, sizeof wo);
    wo.port = 8080;
    wo.max_per_client = -1;
    wo.log = stderr;
    optind = 1;
    opterr = 0;
    int c, rc;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case S_DB:
            free(ctx->db_path);
            ctx->db_path = str_dup(optarg);
            break;
        case S_BIND: wo.bind = optarg; break;
        case S_PORT:
            if ((rc = parse_count("--port", optarg, 0, 65535, &wo.port)))
                return rc;
            break;
        case S_THREADS:
            if ((rc = parse_count("--threads", optarg, 1, 64, &wo.threads)))
                return rc;
            break;
        case S_MAXCONN:
            if ((rc = parse_count("--max-connections", optarg, 1, 10000,
                                  &wo.max_connections)))
                return rc;
            break;
        case S_QUIET: wo.log = NULL; break;
        case S_PERCLIENT: {
            unsigned v;
            if ((rc = parse_count("--max-per-client", optarg, 0, 10000, &v)))
                return rc;
            wo.max_per_client = (int)v;
            break;
        }
        case S_TIMEOUT:
            if ((rc = parse_count("--timeout", optarg, 1, 3600, &wo.timeout)))
                return rc;
            break;
        case S_ASSETS: wo.assets_dir = optarg; break;
        case 'h':
        case S_HELP:
            fputs(cli_help_serve, stdout);
            return 0;
        default:
            return cli_usage_error("serve", "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("serve", "takes no arguments (the index is "
                                        "--db DIR)");
    wo.db_path = cli_open_path(ctx);
    wo.open_opts = &ctx->open;

    /* Say at once when there is no index, rather than on the first
     * search; the server still starts (an index may be built next). */
    srch_db *probe = NULL;
    srch_error err;
    memset(&err, 0, sizeof err);
    if (srch_open_with(wo.db_path, wo.open_opts, &probe, &err) != SRCH_OK)
        fprintf(stderr, "insearch serve: warning: %s\n", err.message);
    else
        cli_warn_missing(ctx, "serve", probe);
    srch_close(probe);

    /* The workers inherit this mask: the signals reach sigwait below. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    web_server *srv = NULL;
    char *msg = NULL;
    if (web_server_start(&wo, &srv, &msg) != WEB_OK) {
        rc = cli_error("serve", "%s", msg ? msg : "cannot start");
        free(msg);
        return rc;
    }
    const char *host = wo.bind && *wo.bind ? wo.bind : "127.0.0.1";
    int v6 = strchr(host, ':') != NULL;
    if (!strcmp(host, "0.0.0.0") || !strcmp(host, "::"))
        host = v6 ? "[::1]" : "127.0.0.1", v6 = 0;
    printf("insearch serve: http://%s%s%s:%u/\n", v6 ? "[" : "", host,
           v6 ? "]" : "", web_server_port(srv));
    fflush(stdout);
    fprintf(stderr, "insearch serve: index %s; Ctrl-C stops\n",
            cli_index_name(ctx));
    int sig = 0;
    sigwait(&stop, &sig);
    web_server_stop(srv);
    fprintf(stderr, "insearch serve: stopped (%s)\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    return 0;
}
