/* main.c - the `insearch` command: subcommands over the modules, in the
 * manner of git and notmuch. This is the only place that prints or exits.
 *
 * Exit status: 0 success (a search that matches nothing is a success);
 * 1 failure (bad query, unknown report, database error, or files that could
 * not be indexed); 2 wrong usage; 130 interrupted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config.h"

static const char *const usage_text =
    "usage: insearch [--db DIR] [--remote HOST:PORT]... [--partial]\n"
    "                COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "Full-text search of inspection reports.\n"
    "\n"
    "commands:\n"
    "  index PATH...       index report files and folders (recursively)\n"
    "  compact             compact the index (smaller, as fast to search)\n"
    "  search QUERY...     ranked passages with highlighted snippets\n"
    "  show ID|URN|FILE    a report's metadata and passages\n"
    "  reports [FILTERS]   list indexed reports (grade:, type:, year: ...)\n"
    "  stats               counts: reports, passages, terms, size\n"
    "  themes              the themes passages are scored on, with counts\n"
    "  weaknesses [QUERY]  the most common weaknesses across reports, by\n"
    "                      theme (strengths: the same for strengths)\n"
    "  distinctive QUERY   words and phrases that set a group of reports\n"
    "                      apart (e.g. grade:inadequate)\n"
    "  history URN|NAME    a provider's reports over time, and the themes\n"
    "                      that moved between weakness and strength\n"
    "  similar URN|NAME    comparable providers (--improved: those that\n"
    "                      fixed the same weaknesses)\n"
    "  plan URN|NAME       a development plan drafted from the latest\n"
    "                      report's areas for improvement (or a report's),\n"
    "                      with progress since the inspection before\n"
    "  serve               the search page and JSON API in your browser\n"
    "                      (http://127.0.0.1:8080/)\n"
    "  help [COMMAND]      help, e.g. 'insearch help search' for the query "
    "language\n"
    "  version             print the version\n"
    "\n"
    "The index is --db DIR, else $INSEARCH_DB, else\n"
    "$XDG_DATA_HOME/insearch (~/.local/share/insearch).\n"
    "--remote HOST:PORT adds a shard that xapian-tcpsrv serves (repeat it\n"
    "for more; without --db the remote shards are the whole index).\n"
    "--partial answers from the shards that answer when one does not,\n"
    "and says which are missing.\n"
    "Every command takes --json for output that scripts can read.\n";

static char *default_db_path(void)
{
    const char *env = getenv("INSEARCH_DB");
    if (env && *env)
        return str_dup(env);
    const char *xdg = getenv("XDG_DATA_HOME");
    if (xdg && *xdg)
        return str_printf("%s/insearch", xdg);
    const char *home = getenv("HOME");
    if (home && *home)
        return str_printf("%s/.local/share/insearch", home);
    return str_dup("insearch-db");
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "insearch%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'insearch help%s%s')\n", cmd ? " " : "",
            cmd ? cmd : "");
    return 2;
}

int cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "insearch%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

static int cmd_version(cli_ctx *ctx, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (ctx->json)
        printf("{\"version\":\"%s\",\"xapian\":\"%s\"}\n", PACKAGE_VERSION,
               xc_version_string());
    else
        printf("insearch %s (xapian %s)\n", PACKAGE_VERSION,
               xc_version_string());
    return 0;
}

static int cmd_help(cli_ctx *ctx, int argc, char **argv);

static const cli_command commands[] = {
    {"index", cmd_index, cli_help_index},
    {"compact", cmd_compact, cli_help_compact},
    {"search", cmd_search, cli_help_search},
    {"show", cmd_show, cli_help_show},
    {"reports", cmd_reports, cli_help_reports},
    {"stats", cmd_stats, cli_help_stats},
    {"themes", cmd_themes, cli_help_themes},
    {"weaknesses", cmd_weaknesses, cli_help_weaknesses},
    {"strengths", cmd_strengths, cli_help_weaknesses},
    {"distinctive", cmd_distinctive, cli_help_distinctive},
    {"history", cmd_history, cli_help_history},
    {"similar", cmd_similar, cli_help_similar},
    {"plan", cmd_plan, cli_help_plan},
    {"serve", cmd_serve, cli_help_serve},
    {"help", cmd_help, NULL},
    {"version", cmd_version, NULL},
    {NULL, NULL, NULL}};

static int cmd_help(cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    if (argc < 2) {
        fputs(usage_text, stdout);
        return 0;
    }
    for (size_t i = 0; commands[i].name; i++)
        if (strcmp(commands[i].name, argv[1]) == 0 && commands[i].help) {
            fputs(commands[i].help, stdout);
            return 0;
        }
    return cli_usage_error("help", "no help for '%s'", argv[1]);
}

/* Free what the global options allocated; returns `rc`. */
static int free_ctx(cli_ctx *ctx, int rc)
{
    free(ctx->db_path);
    free(ctx->remotes);
    free(ctx->remote_label);
    return rc;
}

int main(int argc, char **argv)
{
    cli_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    /* Global options before the command: --db DIR, --json. */
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            ctx.db_path = str_dup(argv[i + 1]);
            i += 2;
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            ctx.db_path = str_dup(argv[i] + 5);
            i++;
        } else if (strcmp(argv[i], "--json") == 0) {
            ctx.json = 1;
            i++;
        } else if (strcmp(argv[i], "--partial") == 0) {
            ctx.open.partial = 1;
            i++;
        } else if (strcmp(argv[i], "--remote") == 0 ||
                   strncmp(argv[i], "--remote=", 9) == 0) {
            const char *spec = argv[i][8] == '=' ? argv[i] + 9
                               : i + 1 < argc   ? argv[i + 1]
                                                : NULL;
            char host[256];
            unsigned port;
            if (!spec)
                return free_ctx(&ctx, cli_usage_error(
                                          NULL, "--remote needs HOST:PORT"));
            if (srch_parse_remote(spec, host, sizeof host, &port) != 0)
                return free_ctx(&ctx, cli_usage_error(
                                          NULL,
                                          "--remote '%s': not HOST:PORT (a "
                                          "port from 1 to 65535)",
                                          spec));
            const char **more = realloc(
                ctx.remotes, (ctx.open.n_remotes + 1) * sizeof *more);
            if (!more)
                return free_ctx(&ctx, cli_error(NULL, "out of memory"));
            ctx.remotes = more;
            ctx.remotes[ctx.open.n_remotes++] = spec;
            i += argv[i][8] == '=' ? 1 : 2;
        } else if (strcmp(argv[i], "--help") == 0 ||
                   strcmp(argv[i], "-h") == 0) {
            fputs(usage_text, stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            return cmd_version(&ctx, 0, NULL);
        } else {
            return free_ctx(&ctx, cli_usage_error(NULL, "unknown option '%s'",
                                                  argv[i]));
        }
    }
    if (i >= argc) {
        fputs(usage_text, stderr);
        return free_ctx(&ctx, 2);
    }
    const char *name = argv[i];
    ctx.open.remotes = ctx.remotes;
    ctx.remote_only = ctx.open.n_remotes > 0 && !ctx.db_path;
    if (ctx.open.n_remotes > 0) {
        buf b = BUF_INIT;
        for (size_t r = 0; r < ctx.open.n_remotes; r++)
            buf_printf(&b, "%sremote %s", r ? ", " : "", ctx.remotes[r]);
        ctx.remote_label = buf_detach(&b, NULL);
    }
    if ((ctx.open.n_remotes > 0 || ctx.open.partial) &&
        (strcmp(name, "index") == 0 || strcmp(name, "compact") == 0))
        return free_ctx(&ctx,
                        cli_usage_error(name, "--remote and --partial are "
                                              "for searching: run '%s' "
                                              "where the shard is",
                                        name));
    for (size_t c = 0; commands[c].name; c++) {
        if (strcmp(commands[c].name, name) != 0)
            continue;
        return free_ctx(&ctx, commands[c].run(&ctx, argc - i, argv + i));
    }
    return free_ctx(&ctx, cli_usage_error(NULL, "'%s' is not a command",
                                          name));
}

const char *cli_index_name(cli_ctx *ctx)
{
    if (ctx->remote_only && ctx->remote_label)
        return ctx->remote_label;
    return cli_db_path(ctx);
}

const char *cli_open_path(cli_ctx *ctx)
{
    return ctx->remote_only ? NULL : cli_db_path(ctx);
}

const char *cli_db_path(cli_ctx *ctx)
{
    if (!ctx->db_path)
        ctx->db_path = default_db_path();
    return ctx->db_path;
}
