/* cmd_search.c - the reading commands: search, show, reports, stats. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/csv.h"
#include "searcher/searcher.h"

const char cli_help_search[] =
    "usage: insearch search [OPTIONS] QUERY...\n"
    "\n"
    "Ranked passages (BM25) with the matches highlighted. Options may come\n"
    "before or after the query; quote a query that holds an exclusion\n"
    "('safeguarding -Prevent') or put it after --.\n"
    "\n"
    "  --limit N        results to show (default 10)\n"
    "  --offset N       results to skip (paging)\n"
    "  --by-report      only the best passage of each report\n"
    "  --sort relevance|date|date-asc   (default relevance; newest first)\n"
    "  --theme ID       passages about a theme (see 'insearch themes'),\n"
    "                   ranked by text relevance plus theme strength; with\n"
    "                   no query, by theme strength alone\n"
    "  --polarity weakness|strength|neutral   what the passage says\n"
    "  --facets         counts by grade, kind, type, year, theme and\n"
    "                   polarity for the whole result set\n"
    "  --full           print whole passages, not snippets\n"
    "  --color WHEN     auto (default), always, never\n"
    "  --explain        print the Xapian query that was run\n"
    "  --timing         print on stderr how long the search took in this\n"
    "                   process (open, search, snippets, output)\n"
    "  --json           results as JSON\n"
    "  --csv            results as CSV, one row per passage, with what a\n"
    "                   citation needs: provider, URN, inspection dates,\n"
    "                   grade, section, page, passage (use --limit for more\n"
    "                   than 10 rows; the columns are in doc/API.md)\n"
    "  --db DIR         the index\n"
    "\n"
    "The query language:\n"
    "  apprentices              a word; matches its forms (apprentice,\n"
    "                           apprentices') by stem\n"
    "  \"off-the-job training\"   an exact phrase (curly quotes work too)\n"
    "  off-the-job              a hyphenated word is a phrase too: it\n"
    "                           matches off-the-job and \"off the job\"\n"
    "  safeguarding Prevent     every word must match (AND is the default)\n"
    "  a AND b, a OR b, a NOT b, +a, -b, ( ... )   AND, OR and NOT are\n"
    "                           written in capitals; OR binds looser than AND\n"
    "  a NEAR b, a NEAR/5 b     within 10 (or 5) words of each other\n"
    "  assess*                  words starting with assess (at most 2000)\n"
    "  Prevent                  the Prevent duty: written with a capital P it\n"
    "                           is the counter-extremism duty; prevent,\n"
    "                           prevented, prevention find the verb. SEND in\n"
    "                           capitals is special educational needs.\n"
    "  Words such as the, of, and are ignored outside phrases.\n"
    "\n"
    "Filters (combine with words, OR and NOT; quote values with spaces):\n"
    "  provider:northbrook      provider name (any of its words)\n"
    "  urn:58241                unique reference number\n"
    "  type:independent-learning-provider   (or any word of it: type:college)\n"
    "  kind:full|short|monitoring|new-provider-monitoring|other\n"
    "  grade:inadequate         outstanding, good, satisfactory,\n"
    "                           requires-improvement (ri), inadequate,\n"
    "                           insufficient-progress, reasonable-progress,\n"
    "                           significant-progress, exceptional,\n"
    "                           strong-standard, expected-standard,\n"
    "                           needs-attention, urgent-improvement\n"
    "  year:2019, year:2016..2019         inspection year\n"
    "  date:2019-01-01..2021-12-31        inspection start date (open ends:\n"
    "                                     date:2020.., date:..2019-06)\n"
    "  section:safeguarding     the section a passage is in (any of its\n"
    "                           words)\n"
    "  theme:prevent            passages about a theme (also ranks by how\n"
    "                           strongly, unless under OR or NOT)\n"
    "  polarity:weakness        weakness, strength or neutral\n"
    "\n"
    "A query with only filters lists matching passages newest first.\n"
    "A malformed query is an error that names the column of the problem.\n";

const char cli_help_show[] =
    "usage: insearch show [--json] [--db DIR] ID|URN|FILE\n"
    "\n"
    "A report's metadata, judgements and passages. ID is the 12-digit id\n"
    "that search results give; a URN shows that provider's latest report\n"
    "(and lists the others); FILE is an indexed file's path.\n";

const char cli_help_reports[] =
    "usage: insearch reports [--json] [--db DIR] [--limit N] [--offset N]\n"
    "                        [--sort date|date-asc] [FILTERS...]\n"
    "\n"
    "The indexed reports, newest first, one line each; FILTERS are the\n"
    "filters of the query language, e.g. 'grade:inadequate year:2016..2019'\n"
    "or 'type:college OR kind:monitoring'.\n";

const char cli_help_stats[] =
    "usage: insearch stats [--json] [--db DIR]\n"
    "\n"
    "Counts: reports, other documents, passages, distinct words, size on\n"
    "disk.\n";

/* ---------- shared option parsing ---------- */

typedef struct read_opts {
    unsigned limit, offset;
    int by_report, facets, full, explain, color, timing, csv;
    srch_sort sort;
    const char *theme, *polarity; /* --theme, --polarity (argv strings) */
} read_opts;

enum { OPT_LIMIT = 256, OPT_OFFSET, OPT_BYREPORT, OPT_SORT, OPT_FACETS,
       OPT_FULL, OPT_COLOR, OPT_EXPLAIN, OPT_DB, OPT_JSON, OPT_HELP,
       OPT_TIMING, OPT_THEME, OPT_POLARITY, OPT_CSV };

static int parse_unsigned(const char *s, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || v > 1000000)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* Parse the options of a reading command; returns -1 when it printed help,
 * 2 on a usage error, 0 to go on. */
static int parse_read_opts(cli_ctx *ctx, const char *cmd, const char *help,
                           int argc, char **argv, read_opts *ro)
{
    static const struct option opts[] = {
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"offset", required_argument, NULL, OPT_OFFSET},
        {"by-report", no_argument, NULL, OPT_BYREPORT},
        {"sort", required_argument, NULL, OPT_SORT},
        {"facets", no_argument, NULL, OPT_FACETS},
        {"full", no_argument, NULL, OPT_FULL},
        {"color", required_argument, NULL, OPT_COLOR},
        {"colour", required_argument, NULL, OPT_COLOR},
        {"explain", no_argument, NULL, OPT_EXPLAIN},
        {"timing", no_argument, NULL, OPT_TIMING},
        {"theme", required_argument, NULL, OPT_THEME},
        {"polarity", required_argument, NULL, OPT_POLARITY},
        {"db", required_argument, NULL, OPT_DB},
        {"json", no_argument, NULL, OPT_JSON},
        {"csv", no_argument, NULL, OPT_CSV},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0}};
    memset(ro, 0, sizeof *ro);
    ro->limit = 10;
    ro->color = isatty(1) && !getenv("NO_COLOR");
    optind = 1;
    opterr = 0;
    int c;
    /* Options may come before or after the query. A query word that
     * starts with '-' (an exclusion) must then be quoted with the rest
     * ('safeguarding -Prevent') or follow "--". */
    while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
        case OPT_LIMIT:
            if (parse_unsigned(optarg, &ro->limit) < 0 || ro->limit == 0)
                return cli_usage_error(cmd, "--limit takes a number from 1 "
                                       "to 1000000, not '%s'", optarg);
            break;
        case OPT_OFFSET:
            if (parse_unsigned(optarg, &ro->offset) < 0)
                return cli_usage_error(cmd, "--offset takes a number, not '%s'",
                                       optarg);
            break;
        case OPT_BYREPORT: ro->by_report = 1; break;
        case OPT_FACETS: ro->facets = 1; break;
        case OPT_FULL: ro->full = 1; break;
        case OPT_EXPLAIN: ro->explain = 1; break;
        case OPT_TIMING: ro->timing = 1; break;
        case OPT_THEME: ro->theme = optarg; break;
        case OPT_POLARITY: ro->polarity = optarg; break;
        case OPT_JSON: ctx->json = 1; break;
        case OPT_CSV:
            if (strcmp(cmd, "search") != 0)
                return cli_usage_error(cmd, "--csv is an option of search");
            ro->csv = 1;
            break;
        case OPT_DB:
            free(ctx->db_path);
            ctx->db_path = str_dup(optarg);
            break;
        case OPT_SORT:
            if (strcmp(optarg, "relevance") == 0)
                ro->sort = SRCH_SORT_RELEVANCE;
            else if (strcmp(optarg, "date") == 0)
                ro->sort = SRCH_SORT_DATE_DESC;
            else if (strcmp(optarg, "date-asc") == 0)
                ro->sort = SRCH_SORT_DATE_ASC;
            else
                return cli_usage_error(cmd, "--sort is relevance, date or "
                                       "date-asc, not '%s'", optarg);
            break;
        case OPT_COLOR:
            if (strcmp(optarg, "always") == 0)
                ro->color = 1;
            else if (strcmp(optarg, "never") == 0)
                ro->color = 0;
            else if (strcmp(optarg, "auto") != 0)
                return cli_usage_error(cmd, "--color is auto, always or never");
            break;
        case 'h':
        case OPT_HELP:
            fputs(help, stdout);
            return -1;
        default:
            return cli_usage_error(cmd, "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    return 0;
}

/* The query with --theme/--polarity added as filters. The user's part is
 * grouped so that its OR cannot swallow them ("a OR b" stays one term of
 * the AND). NULL when there is nothing at all. */
static char *query_with_filters(const char *query, const char *theme,
                                const char *polarity)
{
    buf b = BUF_INIT;
    if (query && *query) {
        if (theme || polarity)
            buf_printf(&b, "(%s)", query);
        else
            buf_puts(&b, query);
    }
    if (theme)
        buf_printf(&b, "%stheme:\"%s\"", b.len ? " " : "", theme);
    if (polarity)
        buf_printf(&b, "%spolarity:\"%s\"", b.len ? " " : "", polarity);
    if (buf_error(&b) || b.len == 0) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

/* ---------- text output ---------- */

static const char *grade_words(const char *slug)
{
    return slug && *slug ? slug : "no grade";
}

static void print_report_line(const srch_report *r, int color)
{
    if (!r)
        return;
    const char *b0 = color ? "\033[1m" : "", *b1 = color ? "\033[0m" : "";
    const char *name = *r->provider ? r->provider : r->title;
    /* A document that is not a report may have only a long first line:
     * cut it at a character boundary. */
    size_t n = strlen(name), cut = n;
    if (n > 80) {
        cut = 80;
        while (cut > 0 && ((unsigned char)name[cut] & 0xC0) == 0x80)
            cut--;
    }
    printf("%s%.*s%s%s", b0, (int)cut, name, cut < n ? "..." : "", b1);
    if (*r->urn)
        printf(" (URN %s)", r->urn);
    printf(" - %s", *r->kind ? r->kind : "other");
    if (*r->date_start) {
        if (strcmp(r->date_start, r->date_end) && *r->date_end)
            printf(", %s to %s", r->date_start, r->date_end);
        else
            printf(", %s", r->date_start);
    }
    printf(", %s", grade_words(r->grade));
    if (*r->previous_grade)
        printf(" (previously %s)", r->previous_grade);
    putchar('\n');
}

static void print_highlighted(const char *text, const srch_span *sp, size_t n,
                              int color)
{
    size_t pos = 0, len = strlen(text);
    for (size_t i = 0; i < n; i++) {
        if (sp[i].start < pos || sp[i].end > len)
            continue;
        fwrite(text + pos, 1, sp[i].start - pos, stdout);
        if (color)
            fputs("\033[1;33m", stdout);
        fwrite(text + sp[i].start, 1, sp[i].end - sp[i].start, stdout);
        if (color)
            fputs("\033[0m", stdout);
        pos = sp[i].end;
    }
    fwrite(text + pos, 1, len - pos, stdout);
}

int cmd_search(cli_ctx *ctx, int argc, char **argv)
{
    read_opts ro;
    int rc = parse_read_opts(ctx, "search", cli_help_search, argc, argv, &ro);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (optind >= argc && !ro.theme && !ro.polarity)
        return cli_usage_error("search", "give a query (or --theme ID)");
    if (ro.csv && (ctx->json || ro.facets || ro.explain))
        return cli_usage_error("search", "--csv gives passages only: not "
                               "with --json, --facets or --explain");
    char *typed = cli_join_args(argc, argv, optind);
    char *query = query_with_filters(typed, ro.theme, ro.polarity);
    free(typed);
    if (!query)
        return cli_error("search", "out of memory");
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    srch_db *db = NULL;
    if ((rc = cli_open_db(ctx, "search", &db))) {
        free(query);
        return rc;
    }
    srch_options opt = SRCH_OPTIONS_INIT;
    opt.query = query;
    opt.limit = ro.limit;
    opt.offset = ro.offset;
    opt.by_report = ro.by_report;
    opt.sort = ro.sort;
    opt.facets = ro.facets;
    srch_results *res = NULL;
    srch_error err;
    rc = srch_search(db, &opt, &res, &err);
    if (rc != SRCH_OK) {
        cli_search_error(ctx, "search", &err, query);
        free(query);
        srch_close(db);
        return 1;
    }
    if (ctx->json) {
        buf b = BUF_INIT;
        cli_search_shape shape = {ro.offset, ro.limit, ro.by_report,
                                  ro.explain, ro.facets};
        cli_json_search(&b, query, res, &shape);
        buf_putc(&b, '\n');
        rc = cli_print_buf(&b);
    } else if (ro.csv) {
        buf b = BUF_INIT;
        cli_csv_search(&b, res);
        rc = cli_print_buf(&b);
    } else {
        if (ro.explain)
            printf("query: %s\n", res->query_description
                                      ? res->query_description
                                      : "(nothing to search for)");
        if (res->n_hits == 0) {
            printf("no passages match '%s'\n", query);
        } else {
            printf("%s%u %s; showing %u-%zu%s\n\n",
                   res->total_lower == res->total_upper ? "" : "about ",
                   res->total,
                   res->total == 1 ? "passage matches" : "passages match",
                   ro.offset + 1, ro.offset + res->n_hits,
                   ro.by_report ? " (best passage per report)" : "");
        }
        for (size_t i = 0; i < res->n_hits; i++) {
            const srch_hit *h = &res->hits[i];
            printf("%u. ", h->rank);
            print_report_line(h->report, ro.color);
            const char *d0 = ro.color ? "\033[2m" : "", *d1 = ro.color ? "\033[0m" : "";
            printf("   %s%s%s", d0, *h->section ? h->section : "(no section)", d1);
            if (h->page)
                printf("%s, page %u%s", d0, h->page, d1);
            printf("%s  score %.2f  id %s%s", d0, h->score,
                   h->report ? h->report->id : "?", d1);
            if (h->polarity && strcmp(h->polarity, "neutral") != 0)
                printf("%s  %s%s", d0, h->polarity, d1);
            for (size_t t = 0; t < h->n_themes; t++)
                printf("%s%s%s%s", d0, t ? ", " : "  themes: ",
                       h->themes[t].id, d1);
            printf("\n   ");
            if (ro.full)
                fputs(h->passage, stdout);
            else
                print_highlighted(h->snippet ? h->snippet : h->passage,
                                  h->highlights, h->n_highlights, ro.color);
            printf("\n\n");
        }
        if (res->did_you_mean)
            printf("did you mean: %s\n", res->did_you_mean);
        if (ro.facets) {
            for (size_t f = 0; f < res->n_facets; f++) {
                printf("%s:", res->facets[f].field);
                for (size_t j = 0; j < res->facets[f].n_values; j++)
                    printf(" %s (%u)", res->facets[f].values[j].value,
                           res->facets[f].values[j].count);
                putchar('\n');
            }
        }
        rc = 0;
    }
    srch_results_free(res);
    srch_close(db);
    free(query);
    if (ro.timing) {
        /* Everything but process start: what a long-running caller (a
         * server) would see. */
        struct timespec t1;
        fflush(stdout);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        fprintf(stderr, "insearch search: %.3f ms in process\n",
                (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    }
    return rc;
}

int cmd_show(cli_ctx *ctx, int argc, char **argv)
{
    read_opts ro;
    int rc = parse_read_opts(ctx, "show", cli_help_show, argc, argv, &ro);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (optind != argc - 1)
        return cli_usage_error("show", "give one report id, URN or file");
    srch_db *db = NULL;
    if ((rc = cli_open_db(ctx, "show", &db)))
        return rc;
    srch_shown *s = NULL;
    srch_error err;
    memset(&err, 0, sizeof err);
    if (srch_show(db, argv[optind], &s, &err) != SRCH_OK) {
        srch_close(db);
        cli_name_index(ctx, &err);
        return cli_error("show", "%s", err.message);
    }
    if (ctx->json) {
        buf b = BUF_INIT;
        cli_json_shown(&b, s);
        buf_putc(&b, '\n');
        rc = cli_print_buf(&b);
    } else {
        const srch_report *r = s->report;
        print_report_line(r, ro.color);
        printf("id:       %s\nsource:   %s (%s, %s)\n", r->id, r->source,
               r->format, r->charset);
        if (*r->type)
            printf("type:     %s\n", r->type);
        if (r->learners || *r->area) {
            printf("profile: ");
            if (r->learners)
                printf(" %lu learners", r->learners);
            if (*r->area)
                printf("%s area %s", r->learners ? "," : "", r->area);
            putchar('\n');
        }
        for (size_t i = 0; i < r->n_judgements; i++)
            printf("  %-60.60s %s\n", r->judgements[i].name,
                   grade_words(r->judgements[i].grade));
        if (s->n_other_ids) {
            printf("other reports for URN %s:", r->urn);
            for (size_t i = 0; i < s->n_other_ids; i++)
                printf(" %s", s->other_ids[i]);
            putchar('\n');
        }
        const char *last = NULL;
        for (size_t i = 0; i < s->n_passages; i++) {
            const srch_hit *h = &s->passages[i];
            if (!last || strcmp(last, h->section) != 0) {
                printf("\n%s%s%s\n", ro.color ? "\033[1m" : "",
                       *h->section ? h->section : "(no section)",
                       ro.color ? "\033[0m" : "");
                last = h->section;
            }
            printf("  [%u] %s\n", h->passage_index + 1, h->passage);
        }
        rc = 0;
    }
    srch_shown_free(s);
    srch_close(db);
    return rc;
}

int cmd_reports(cli_ctx *ctx, int argc, char **argv)
{
    read_opts ro;
    int rc = parse_read_opts(ctx, "reports", cli_help_reports, argc, argv, &ro);
    if (rc)
        return rc < 0 ? 0 : rc;
    /* No --limit given: list them all. */
    int limit_given = 0;
    for (int i = 1; i < optind; i++)
        if (strncmp(argv[i], "--limit", 7) == 0 || strcmp(argv[i], "-n") == 0)
            limit_given = 1;
    char *filters = cli_join_args(argc, argv, optind);
    srch_db *db = NULL;
    if ((rc = cli_open_db(ctx, "reports", &db))) {
        free(filters);
        return rc;
    }
    srch_report_list *l = NULL;
    srch_error err;
    memset(&err, 0, sizeof err);
    rc = srch_reports(db, filters,
                      ro.sort == SRCH_SORT_DATE_ASC ? SRCH_SORT_DATE_ASC
                                                    : SRCH_SORT_DATE_DESC,
                      ro.offset, limit_given ? ro.limit : 0, &l, &err);
    if (rc != SRCH_OK) {
        if (rc == SRCH_ERR_QUERY)
            fprintf(stderr, "insearch reports: bad filter: %s\n  %s\n%*s^\n",
                    err.message, filters, (int)err.column + 1, "");
        else {
            cli_name_index(ctx, &err);
            cli_error("reports", "%s", err.message);
        }
        free(filters);
        srch_close(db);
        return 1;
    }
    if (ctx->json) {
        buf b = BUF_INIT;
        cli_json_report_list(&b, l);
        buf_putc(&b, '\n');
        rc = cli_print_buf(&b);
    } else {
        for (size_t i = 0; i < l->n; i++) {
            printf("%s  ", l->reports[i]->id);
            print_report_line(l->reports[i], ro.color);
        }
        printf("%u document%s\n", l->total, l->total == 1 ? "" : "s");
        rc = 0;
    }
    srch_report_list_free(l);
    srch_close(db);
    free(filters);
    return rc;
}

int cmd_stats(cli_ctx *ctx, int argc, char **argv)
{
    read_opts ro;
    int rc = parse_read_opts(ctx, "stats", cli_help_stats, argc, argv, &ro);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (optind != argc)
        return cli_usage_error("stats", "takes no arguments");
    srch_db *db = NULL;
    if ((rc = cli_open_db(ctx, "stats", &db)))
        return rc;
    srch_stats st;
    srch_error err;
    memset(&err, 0, sizeof err);
    if (srch_get_stats(db, cli_open_path(ctx), &st, &err) != SRCH_OK) {
        srch_close(db);
        cli_name_index(ctx, &err);
        return cli_error("stats", "%s", err.message);
    }
    if (ctx->json) {
        buf b = BUF_INIT;
        cli_json_stats(&b, &st, cli_index_name(ctx));
        buf_putc(&b, '\n');
        srch_close(db);
        return cli_print_buf(&b);
    } else {
        printf("index:     %s\nreports:   %llu\nother:     %llu\n"
               "passages:  %llu\nwords:     %llu\nsize:      %.1f MB\n",
               cli_index_name(ctx), (unsigned long long)st.reports,
               (unsigned long long)st.others, (unsigned long long)st.passages,
               (unsigned long long)st.terms, (double)st.size_bytes / 1e6);
    }
    srch_close(db);
    return 0;
}
