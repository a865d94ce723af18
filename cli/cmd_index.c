/* cmd_index.c - `insearch index [--db DIR] [--prune] [--json] PATH...` */
#define _GNU_SOURCE
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "indexer/indexer.h"
#include "themes/themes.h"

const char cli_help_index[] =
    "usage: insearch index [--db DIR] [--themes FILE] [--prune] [--quiet]\n"
    "                      [--wait] [--jobs N] [--shard-of K/N]\n"
    "                      [--json] PATH...\n"
    "\n"
    "Index report files (text, markdown, PDF, HTML, any of them\n"
    "gzip-compressed; recognised by content) and folders, recursively\n"
    "(hidden files and folders are skipped; in folders only .txt, .text,\n"
    ".md, .markdown, .pdf, .html, .htm, .xhtml, .gz and extension-less\n"
    "files are read; a file named on the command line is always read).\n"
    "\n"
    "Files unchanged since the last run (same size and modification time)\n"
    "are skipped; a changed file's passages are replaced. --prune drops\n"
    "reports whose file has gone. A file that cannot be read is reported\n"
    "with the reason and the run carries on; the exit status is then 1.\n"
    "Ctrl-C commits what is done and stops.\n"
    "\n"
    "  --db DIR   the index folder (default: $INSEARCH_DB, else\n"
    "             $XDG_DATA_HOME/insearch)\n"
    "  --themes FILE  score passages with this theme taxonomy instead of\n"
    "             the built-in one (copy it from 'insearch themes --export'\n"
    "             or the installed default.themes, then edit; the format is\n"
    "             in its header). Also $INSEARCH_THEMES. An index keeps the\n"
    "             taxonomy it was built with: later runs need not repeat\n"
    "             it; given a different one, the index is built again\n"
    "             from its files (beside it, replacing it when done).\n"
    "  --prune    drop reports whose source file no longer exists\n"
    "  --quiet    no progress bar and no summary (errors still shown)\n"
    "  --wait     when another insearch index is writing the index, wait\n"
    "             for it to finish (without: say which process it is and\n"
    "             stop)\n"
    "  --jobs N   threads reading and writing (default: one per core, at\n"
    "             most 4); a new index gets N shards (at most 8). Any N\n"
    "             gives the same index and the same answers.\n"
    "  --shard-of K/N  index only part K of N of the files (by report id),\n"
    "             e.g. one part per machine, each given the same folders;\n"
    "             search the parts together with a stub file or --remote\n"
    "             (doc/SHARDS.md). The index remembers its part.\n"
    "  --json     print the summary as JSON on stdout\n";

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

typedef struct index_ui {
    int json;
    int tty;
    int quiet;
    double start;
    double last_draw;
    buf errors_json;
    size_t n_errors;
} index_ui;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void ui_clear_line(index_ui *ui)
{
    if (ui->tty && !ui->quiet)
        fputs("\r\033[K", stderr);
}

static void ui_error(void *vctx, const char *path, const char *message)
{
    index_ui *ui = vctx;
    (void)path;
    ui_clear_line(ui);
    fprintf(stderr, "insearch index: %s\n", message);
    if (ui->json) {
        if (ui->n_errors)
            buf_putc(&ui->errors_json, ',');
        buf_puts(&ui->errors_json, "{\"path\":");
        buf_json_str(&ui->errors_json, path);
        buf_puts(&ui->errors_json, ",\"message\":");
        buf_json_str(&ui->errors_json, message);
        buf_putc(&ui->errors_json, '}');
    }
    ui->n_errors++;
}

static void ui_progress(void *vctx, const idx_stats *st, const char *path)
{
    index_ui *ui = vctx;
    if (!ui->tty || ui->quiet)
        return;
    double t = now_seconds();
    if (t - ui->last_draw < 0.1)
        return;
    ui->last_draw = t;
    double secs = t - ui->start;
    double mb = (double)st->bytes / 1e6;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    fprintf(stderr, "\r\033[K%llu files  %llu passages  %.1f MB  %.1f MB/s  %.40s",
            (unsigned long long)(st->files_indexed + st->files_unchanged),
            (unsigned long long)st->passages, mb,
            secs > 0 ? mb / secs : 0.0, base);
}

static int ui_should_stop(void *vctx)
{
    (void)vctx;
    return interrupted;
}

int cmd_index(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"themes", required_argument, NULL, 't'},
                                         {"prune", no_argument, NULL, 'p'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"wait", no_argument, NULL, 'w'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"jobs", required_argument, NULL, 'J'},
                                         {"shard-of", required_argument, NULL, 'S'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int prune = 0, quiet = 0, wait = 0, c;
    unsigned jobs = 0, part_k = 0, part_n = 0;
    const char *themes_path = getenv("INSEARCH_THEMES");
    if (themes_path && !*themes_path)
        themes_path = NULL;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            free(ctx->db_path);
            ctx->db_path = str_dup(optarg);
            break;
        case 't': themes_path = optarg; break;
        case 'p': prune = 1; break;
        case 'q': quiet = 1; break;
        case 'w': wait = 1; break;
        case 'j': ctx->json = 1; break;
        case 'J': {
            char *end = NULL;
            unsigned long v = strtoul(optarg, &end, 10);
            if (!*optarg || *end || v < 1 || v > 64)
                return cli_usage_error("index", "--jobs takes a number from 1 "
                                       "to 64, not '%s'", optarg);
            jobs = (unsigned)v;
            break;
        }
        case 'S': {
            char tail;
            if (sscanf(optarg, "%u/%u%c", &part_k, &part_n, &tail) != 2 ||
                part_n < 1 || part_n > 1000 || part_k < 1 || part_k > part_n)
                return cli_usage_error("index", "--shard-of takes K/N with 1 <= "
                                       "K <= N <= 1000, not '%s'", optarg);
            break;
        }
        case 'h': fputs(cli_help_index, stdout); return 0;
        default:
            return cli_usage_error("index", "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    /* --themes alone re-scores what an index holds (idx_rebuild) */
    if (optind >= argc && !prune && !themes_path)
        return cli_usage_error("index", "give the files or folders to index");
    const char *db = cli_db_path(ctx);
    index_ui ui;
    memset(&ui, 0, sizeof ui);
    ui.json = ctx->json;
    ui.tty = isatty(2);
    ui.quiet = quiet;
    ui.start = now_seconds();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    idx_callbacks cb = {ui_error, ui_progress, ui_should_stop, &ui};
    idx_indexer *ix = NULL;
    char *err = NULL;
    idx_options iopt = IDX_OPTIONS_INIT;
    iopt.wait_for_lock = wait;
    iopt.jobs = jobs;
    iopt.part_k = part_k;
    iopt.part_n = part_n;
    thm_set *themes = NULL;
    if (themes_path) {
        /* Parsed here too, so that a bad file is reported before anything
         * is opened. */
        if (thm_set_load(themes_path, &themes, &err) != THM_OK) {
            int r = cli_error("index", "%s", err ? err : themes_path);
            free(err);
            return r;
        }
        iopt.themes_text = thm_set_text(themes);
        iopt.themes_source = themes_path;
    }
    int rc = idx_open_with(db, &cb, &iopt, &ix, &err);
    int rebuilt = 0;
    idx_stats st;
    memset(&st, 0, sizeof st);
    if (rc == IDX_ERR_THEMES_DIFFER) {
        /* Other themes for an existing index: scores are computed as
         * passages are written, so the index is built again from its
         * files, beside the old one, which it then replaces at once. */
        free(err);
        err = NULL;
        if (!quiet && !ctx->json)
            fprintf(stderr, "insearch index: %s was built with other themes: "
                            "indexing its files again with %s\n",
                    db, themes_path);
        rc = idx_rebuild(db, &cb, &iopt, (const char *const *)argv + optind,
                         (size_t)(argc - optind), &st, &err);
        rebuilt = 1;
    }
    if (rc != IDX_OK && !rebuilt) {
        int r = cli_error("index", "%s", err ? err : "cannot open the index");
        free(err);
        buf_free(&ui.errors_json);
        thm_set_free(themes);
        return r;
    }
    thm_set_free(themes); /* the indexer has its own copy */
    themes = NULL;
    int fatal = 0, stopped = 0;
    if (rebuilt) {
        stopped = rc == IDX_ERR_INTERRUPTED;
        fatal = rc != IDX_OK && !stopped;
    }
    for (int i = optind; !rebuilt && i < argc && !fatal && !stopped; i++) {
        rc = idx_add_path(ix, argv[i], &err);
        if (rc == IDX_ERR_INTERRUPTED)
            stopped = 1;
        else if (rc != IDX_OK)
            fatal = 1;
    }
    if (!rebuilt) {
        if (!fatal && !stopped && prune && idx_prune(ix, &err) != IDX_OK)
            fatal = 1;
        st = *idx_get_stats(ix);
        char *cerr = NULL;
        if (idx_close(ix, &cerr) != IDX_OK && !fatal) {
            fatal = 1;
            err = cerr;
            cerr = NULL;
        }
        free(cerr);
    }
    ui_clear_line(&ui);
    double secs = now_seconds() - ui.start;
    double mb = (double)st.bytes / 1e6;
    if (fatal)
        cli_error("index", "%s%s", err ? err : "failed",
                  " (the index keeps its last commit)");
    if (ctx->json) {
        printf("{\"files\":%llu,\"indexed\":%llu,\"unchanged\":%llu,"
               "\"failed\":%llu,\"pruned\":%llu,\"reports\":%llu,"
               "\"others\":%llu,\"passages\":%llu,\"bytes\":%llu,"
               "\"elsewhere\":%llu,"
               "\"seconds\":%.3f,\"mb_per_s\":%.2f,\"interrupted\":%s,"
               "\"errors\":[%s]}\n",
               (unsigned long long)(st.files_seen),
               (unsigned long long)st.files_indexed,
               (unsigned long long)st.files_unchanged,
               (unsigned long long)st.files_failed,
               (unsigned long long)st.files_pruned,
               (unsigned long long)st.reports,
               (unsigned long long)(st.files_indexed - st.reports),
               (unsigned long long)st.passages,
               (unsigned long long)st.bytes,
               (unsigned long long)st.files_elsewhere, secs,
               secs > 0 ? mb / secs : 0.0, stopped ? "true" : "false",
               buf_cstr(&ui.errors_json));
    } else if (!quiet) {
        fprintf(stderr,
                "%s %llu files (%llu reports, %llu other) in %.2f s: "
                "%llu passages, %.1f MB, %.1f MB/s; %llu unchanged, "
                "%llu pruned, %llu errors\n",
                stopped ? "interrupted after" : "indexed",
                (unsigned long long)st.files_indexed,
                (unsigned long long)st.reports,
                (unsigned long long)(st.files_indexed - st.reports), secs,
                (unsigned long long)st.passages, mb,
                secs > 0 ? mb / secs : 0.0,
                (unsigned long long)st.files_unchanged,
                (unsigned long long)st.files_pruned,
                (unsigned long long)st.files_failed);
        if (st.files_elsewhere)
            fprintf(stderr, "%llu files belong to the other parts "
                    "(--shard-of)\n",
                    (unsigned long long)st.files_elsewhere);
    }
    free(err);
    buf_free(&ui.errors_json);
    if (stopped)
        return 130;
    return fatal || st.files_failed ? 1 : 0;
}

/* ---------- compact ---------- */

const char cli_help_compact[] =
    "usage: insearch compact [--db DIR] [--keep-shards] [--wait] [--json]\n"
    "\n"
    "Compact the index: its shards are merged into one and its B-trees\n"
    "written again full (Xapian's compaction, as xapian-compact does), into\n"
    "a copy beside the index that then takes its place in one atomic\n"
    "rename. One shard answers faster than several; the answers are the\n"
    "same. Searches go on meanwhile; indexing waits (the writers' lock is\n"
    "held). Killed or failed part-way, the index is left as it was. Prints\n"
    "the size before and after. Needs free space for the copy.\n"
    "\n"
    "  --keep-shards  compact each shard on its own, keeping them apart\n"
    "  --wait         when an insearch index is writing the index, wait\n"
    "  --json         {\"bytes_before\":N,\"bytes_after\":N,\"shards_before\":N,\n"
    "                 \"shards_after\":N,\"seconds\":S}\n";

int cmd_compact(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"wait", no_argument, NULL, 'w'},
                                         {"keep-shards", no_argument, NULL, 'k'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int wait = 0, keep = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            free(ctx->db_path);
            ctx->db_path = str_dup(optarg);
            break;
        case 'w': wait = 1; break;
        case 'k': keep = 1; break;
        case 'j': ctx->json = 1; break;
        case 'h': fputs(cli_help_compact, stdout); return 0;
        default:
            return cli_usage_error("compact", "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("compact", "takes no arguments ('%s')",
                               argv[optind]);
    const char *db = cli_db_path(ctx);
    uint64_t before = 0, after = 0;
    size_t shards_before = 0, shards_after = 0;
    char *err = NULL;
    double t0 = now_seconds();
    int rc = idx_compact(db, wait, keep, &before, &after, &shards_before,
                         &shards_after, &err);
    double secs = now_seconds() - t0;
    if (rc != IDX_OK) {
        cli_error("compact", "%s", err ? err : "failed");
        free(err);
        return 1;
    }
    if (ctx->json)
        printf("{\"bytes_before\":%llu,\"bytes_after\":%llu,"
               "\"shards_before\":%zu,\"shards_after\":%zu,\"seconds\":%.3f}\n",
               (unsigned long long)before, (unsigned long long)after,
               shards_before, shards_after, secs);
    else {
        printf("compacted %s in %.1f s: %.1f MB -> %.1f MB (%.0f%%)", db, secs,
               (double)before / 1e6, (double)after / 1e6,
               before ? 100.0 * (double)after / (double)before : 100.0);
        if (shards_before != shards_after)
            printf(", %zu shards merged into %zu", shards_before,
                   shards_after);
        putchar('\n');
    }
    return 0;
}
