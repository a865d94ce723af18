/* cli.h - what the `insearch` subcommands share. */
#ifndef INSEARCH_CLI_H
#define INSEARCH_CLI_H

#include <stdarg.h>

#include "cli/json.h"
#include "searcher/searcher.h"
#include "util/buf.h"
#include "xapian-c/xapian-c.h"

typedef struct cli_ctx {
    char *db_path; /* --db, or NULL for the default */
    int json;      /* --json */
    /* --remote HOST:PORT (each), --partial; `remote_only` when --remote
     * is given without --db: the remote shards are the whole index */
    srch_open_opts open;
    const char **remotes;
    int remote_only;
    char *remote_label; /* "remote H:P, ..." for messages */
} cli_ctx;

typedef struct cli_command {
    const char *name;
    int (*run)(cli_ctx *ctx, int argc, char **argv);
    const char *help;
} cli_command;

/* Print "insearch CMD: message" (+ a pointer to help) and return 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Print "insearch CMD: message" and return 1. */
int cli_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *cli_db_path(cli_ctx *ctx);
/* What the index is called in messages: the --db path, or the remote
 * shards when they are the whole index. */
const char *cli_index_name(cli_ctx *ctx);
/* The path to open: NULL when the remote shards are the whole index. */
const char *cli_open_path(cli_ctx *ctx);

/* cli/common.c */
/* argv[from..argc) joined by spaces, malloc'd (the query). */
char *cli_join_args(int argc, char **argv, int from);
/* Open the index, or print why not and return 1. */
int cli_open_db(cli_ctx *ctx, const char *cmd, srch_db **db);
/* After opening with --partial: a warning on stderr for each shard left
 * out (with --json, a JSON object per line). */
void cli_warn_missing(cli_ctx *ctx, const char *cmd, srch_db *db);
/* Print a failure of the searcher and return 1: a bad query with a caret
 * under its column; with --json, {"error", "kind" (query, not_found,
 * ambiguous, failed), "column"} on stderr. */
int cli_search_error(cli_ctx *ctx, const char *cmd, const srch_error *err,
                     const char *query);
/* Put the index's path in front of a failure of the index itself
 * (SRCH_ERR) unless the message starts with it already. */
void cli_name_index(cli_ctx *ctx, srch_error *err);
/* Write the buffer to stdout and free it; 1 if it ran out of memory. */
int cli_print_buf(buf *b);
/* Print a passage cut to about `max` bytes at a word boundary. */
void cli_print_cut(const char *s, size_t max);
/* Print "Provider, year, grade (id ID)". */
void cli_print_report_ref(const srch_report *r);

int cmd_index(cli_ctx *ctx, int argc, char **argv);
int cmd_compact(cli_ctx *ctx, int argc, char **argv);
int cmd_search(cli_ctx *ctx, int argc, char **argv);
int cmd_show(cli_ctx *ctx, int argc, char **argv);
int cmd_reports(cli_ctx *ctx, int argc, char **argv);
int cmd_stats(cli_ctx *ctx, int argc, char **argv);
int cmd_themes(cli_ctx *ctx, int argc, char **argv);
int cmd_weaknesses(cli_ctx *ctx, int argc, char **argv);
int cmd_strengths(cli_ctx *ctx, int argc, char **argv);
int cmd_distinctive(cli_ctx *ctx, int argc, char **argv);
int cmd_similar(cli_ctx *ctx, int argc, char **argv);
int cmd_history(cli_ctx *ctx, int argc, char **argv);
int cmd_plan(cli_ctx *ctx, int argc, char **argv);
int cmd_serve(cli_ctx *ctx, int argc, char **argv);

extern const char cli_help_index[];
extern const char cli_help_compact[];
extern const char cli_help_search[];
extern const char cli_help_show[];
extern const char cli_help_reports[];
extern const char cli_help_stats[];
extern const char cli_help_themes[];
extern const char cli_help_weaknesses[];
extern const char cli_help_distinctive[];
extern const char cli_help_similar[];
extern const char cli_help_history[];
extern const char cli_help_plan[];
extern const char cli_help_serve[];

#endif /* INSEARCH_CLI_H */
