/* cmd_themes.c - the theme commands: themes, weaknesses, strengths,
 * distinctive. */
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
#include "themes/themes.h"

const char cli_help_themes[] =
    "usage: insearch themes [--json] [--export] [--db DIR]\n"
    "\n"
    "The themes passages are scored on (the taxonomy the index was built\n"
    "with: see 'insearch help index' for --themes FILE), each with how many\n"
    "passages are about it, and how many reports have a passage about it,\n"
    "a weakness passage about it and a strength passage about it.\n"
    "\n"
    "  --export   print the taxonomy file itself, to copy and extend\n";

const char cli_help_weaknesses[] =
    "usage: insearch weaknesses [--json|--csv] [--examples N]\n"
    "                           [--min-reports N] [--limit N] [QUERY...]\n"
    "       insearch strengths  (the same options)\n"
    "\n"
    "The common weaknesses (or strengths) across the reports that QUERY\n"
    "picks: filters such as 'grade:inadequate type:independent-learning-\n"
    "provider year:2019..' and/or words (a report is picked when one of its\n"
    "passages matches); no QUERY: every report. Themes are listed by how\n"
    "many of those reports have a weakness passage about them, with the\n"
    "share of the reports, the trend by inspection year, and typical\n"
    "passages (the ones that share most of the vocabulary of that theme's\n"
    "weakness passages, one per report).\n"
    "\n"
    "  --examples N     typical passages per theme (default 3, at most 10)\n"
    "  --min-reports N  leave out themes found in fewer reports\n"
    "  --limit N        show the first N themes (default all)\n"
    "  --csv            one row per theme: counts by year as columns\n"
    "  --json           {\"themes\":[{\"id\",\"name\",\"reports\",\"share\",\n"
    "                   \"by_year\",\"passages\"}], ...}\n";

const char cli_help_distinctive[] =
    "usage: insearch distinctive [--json] [--limit N] QUERY...\n"
    "\n"
    "The words and phrases over-represented in the passages QUERY picks\n"
    "(e.g. 'grade:inadequate type:independent-learning-provider') against\n"
    "the rest of the index: what inspectors say about that group that they\n"
    "do not say about others. Each comes with how many of the group's\n"
    "passages and reports use it, its share in the group and elsewhere, and\n"
    "example passages. Large groups are sampled (the counts say so).\n"
    "\n"
    "  --limit N        phrases to show (default 20)\n"
    "  --sample N       passages sampled from each side (default 4000)\n"
    "  --json           {\"phrases\":[{\"text\",\"passages\",\"reports\",\n"
    "                   \"group_share\",\"other_share\",\"score\",\n"
    "                   \"examples\"}], ...}\n";

typedef struct agg_opts {
    unsigned examples, min_reports, limit, sample;
    int csv, export_;
} agg_opts;

enum { O_JSON = 300, O_CSV, O_EXAMPLES, O_MIN, O_LIMIT, O_DB, O_HELP,
       O_SAMPLE, O_EXPORT };

static int parse_num(const char *cmd, const char *opt, const char *s,
                     unsigned max, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || v > max)
        return cli_usage_error(cmd, "%s takes a number from 0 to %u, not '%s'",
                               opt, max, s);
    *out = (unsigned)v;
    return 0;
}

/* Options anywhere; returns -1 after help, 2 on a usage error. */
static int parse_agg(cli_ctx *ctx, const char *cmd, const char *help,
                     int argc, char **argv, agg_opts *o)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, O_JSON},
        {"csv", no_argument, NULL, O_CSV},
        {"examples", required_argument, NULL, O_EXAMPLES},
        {"min-reports", required_argument, NULL, O_MIN},
        {"limit", required_argument, NULL, O_LIMIT},
        {"sample", required_argument, NULL, O_SAMPLE},
        {"export", no_argument, NULL, O_EXPORT},
        {"db", required_argument, NULL, O_DB},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->examples = 3;
    optind = 1;
    opterr = 0;
    int c, rc;
    while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
        switch (c) {
        case O_JSON: ctx->json = 1; break;
        case O_CSV: o->csv = 1; break;
        case O_EXPORT: o->export_ = 1; break;
        case O_EXAMPLES:
            if ((rc = parse_num(cmd, "--examples", optarg, 10, &o->examples)))
                return rc;
            break;
        case O_MIN:
            if ((rc = parse_num(cmd, "--min-reports", optarg, 1000000,
                                &o->min_reports)))
                return rc;
            break;
        case 'n':
        case O_LIMIT:
            if ((rc = parse_num(cmd, "--limit", optarg, 1000000, &o->limit)))
                return rc;
            break;
        case O_SAMPLE:
            if ((rc = parse_num(cmd, "--sample", optarg, 1000000, &o->sample)))
                return rc;
            if (o->sample < 100)
                return cli_usage_error(cmd, "--sample takes 100 or more");
            break;
        case O_DB:
            free(ctx->db_path);
            ctx->db_path = str_dup(optarg);
            break;
        case 'h':
        case O_HELP:
            fputs(help, stdout);
            return -1;
        default:
            return cli_usage_error(cmd, "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (o->csv && ctx->json)
        return cli_usage_error(cmd, "give --json or --csv, not both");
    return 0;
}

/* ------------------------------------------------------------ themes */

int cmd_themes(cli_ctx *ctx, int argc, char **argv)
{
    agg_opts o;
    int rc = parse_agg(ctx, "themes", cli_help_themes, argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (optind < argc)
        return cli_usage_error("themes", "takes no arguments");
    srch_db *db = NULL;
    if ((rc = cli_open_db(ctx, "themes", &db)))
        return rc;
    if (o.export_) {
        const char *text = srch_themes_text(db);
        if (text)
            fputs(text, stdout);
        srch_close(db);
        return text ? 0 : cli_error("themes", "the index has no themes yet "
                                              "(index some reports first)");
    }
    srch_theme_list *l = NULL;
    srch_error err;
    if (srch_themes(db, &l, &err) != SRCH_OK) {
        srch_close(db);
        return cli_error("themes", "%s", err.message);
    }
    buf b = BUF_INIT;
    if (ctx->json) {
        cli_json_theme_list(&b, l);
        buf_putc(&b, '\n');
    } else {
        buf_printf(&b, "%-22s %9s %8s %9s %9s  %s\n", "theme", "passages",
                   "reports", "weakness", "strength", "name");
        for (size_t i = 0; i < l->n; i++) {
            const srch_theme_info *t = &l->themes[i];
            buf_printf(&b, "%-22s %9u %8u %9u %9u  %s\n", t->id, t->passages,
                       t->reports, t->weakness_reports, t->strength_reports,
                       t->name);
        }
        if (l->n == 0)
            buf_puts(&b, "(the index has no themes yet: index some reports)\n");
    }
    rc = cli_print_buf(&b);
    srch_theme_list_free(l);
    srch_close(db);
    return rc;
}

/* ------------------------------------------------- weaknesses/strengths */

static int run_aggregate(cli_ctx *ctx, int argc, char **argv, int polarity)
{
    const char *cmd = polarity == THM_STRENGTH ? "strengths" : "weaknesses";
    agg_opts o;
    int rc = parse_agg(ctx, cmd, cli_help_weaknesses, argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    char *query = cli_join_args(argc, argv, optind);
    srch_db *db = NULL;
    if ((rc = cli_open_db(ctx, cmd, &db))) {
        free(query);
        return rc;
    }
    srch_agg_options ao = {query, polarity, o.examples, o.min_reports};
    if (o.examples == 0)
        ao.examples = 0;
    srch_aggregate *a = NULL;
    srch_error err;
    if (srch_aggregate_run(db, &ao, &a, &err) != SRCH_OK) {
        rc = cli_search_error(ctx, cmd, &err, query ? query : "");
        free(query);
        srch_close(db);
        return rc;
    }
    size_t shown = a->n_themes;
    if (o.limit && o.limit < shown)
        shown = o.limit;
    unsigned want = o.examples;
    buf b = BUF_INIT;
    if (ctx->json) {
        cli_json_aggregate(&b, query, a, o.limit, want);
        buf_putc(&b, '\n');
    } else if (o.csv) {
        /* The dialect of search --csv (cli/csv.h): every field quoted,
         * CRLF, so that one spreadsheet import setting reads both. */
        char num[32];
        cli_csv_field(&b, "theme", 0);
        cli_csv_field(&b, "name", 0);
        cli_csv_field(&b, "reports", 0);
        cli_csv_field(&b, "share", a->n_years == 0);
        for (size_t y = 0; y < a->n_years; y++)
            cli_csv_field(&b, a->years[y].year, y + 1 == a->n_years);
        cli_csv_field(&b, "(all)", 0);
        cli_csv_field(&b, "(reports picked)", 0);
        snprintf(num, sizeof num, "%u", a->reports_matching);
        cli_csv_field(&b, num, 0);
        cli_csv_field(&b, "1.0000", a->n_years == 0);
        for (size_t y = 0; y < a->n_years; y++) {
            snprintf(num, sizeof num, "%u", a->years[y].matching);
            cli_csv_field(&b, num, y + 1 == a->n_years);
        }
        for (size_t i = 0; i < shown; i++) {
            const srch_agg_theme *t = &a->themes[i];
            cli_csv_field(&b, t->id, 0);
            cli_csv_field(&b, t->name, 0);
            snprintf(num, sizeof num, "%u", t->reports);
            cli_csv_field(&b, num, 0);
            snprintf(num, sizeof num, "%.4f", t->share);
            cli_csv_field(&b, num, t->n_years == 0);
            for (size_t y = 0; y < t->n_years; y++) {
                snprintf(num, sizeof num, "%u", t->by_year[y].reports);
                cli_csv_field(&b, num, y + 1 == t->n_years);
            }
        }
    }
    if (ctx->json || o.csv) {
        rc = cli_print_buf(&b);
    } else {
        buf_free(&b);
        printf("%s across %u report%s", polarity == THM_STRENGTH
                                            ? "Common strengths"
                                            : "Common weaknesses",
               a->reports_matching, a->reports_matching == 1 ? "" : "s");
        if (query && *query)
            printf(" picked by '%s'", query);
        printf(":\n");
        if (shown == 0)
            printf("\n  none found\n");
        for (size_t i = 0; i < shown; i++) {
            const srch_agg_theme *t = &a->themes[i];
            printf("\n%2zu. %s (%s): %u report%s, %.0f%%\n", i + 1, t->name,
                   t->id, t->reports, t->reports == 1 ? "" : "s",
                   t->share * 100);
            if (t->n_years > 1) {
                printf("    by year:");
                for (size_t y = 0; y < t->n_years; y++)
                    printf(" %s %u/%u", t->by_year[y].year,
                           t->by_year[y].reports, t->by_year[y].matching);
                putchar('\n');
            }
            for (size_t k = 0; k < t->n_examples && k < want; k++) {
                const srch_hit *h = &t->examples[k];
                printf("    - ");
                cli_print_cut(h->passage, 220);
                printf("\n      ");
                cli_print_report_ref(h->report);
                putchar('\n');
            }
        }
        rc = 0;
    }
    srch_aggregate_free(a);
    srch_close(db);
    free(query);
    return rc;
}

int cmd_weaknesses(cli_ctx *ctx, int argc, char **argv)
{
    return run_aggregate(ctx, argc, argv, THM_WEAKNESS);
}

int cmd_strengths(cli_ctx *ctx, int argc, char **argv)
{
    return run_aggregate(ctx, argc, argv, THM_STRENGTH);
}

/* ------------------------------------------------------- distinctive */

int cmd_distinctive(cli_ctx *ctx, int argc, char **argv)
{
    agg_opts o;
    int rc = parse_agg(ctx, "distinctive", cli_help_distinctive, argc, argv,
                       &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (o.csv)
        return cli_usage_error("distinctive", "--csv is for weaknesses and "
                                              "strengths");
    if (optind >= argc)
        return cli_usage_error("distinctive", "give filters or words that "
                               "pick the group (e.g. grade:inadequate)");
    char *query = cli_join_args(argc, argv, optind);
    srch_db *db = NULL;
    if ((rc = cli_open_db(ctx, "distinctive", &db))) {
        free(query);
        return rc;
    }
    srch_distinctive_options dopt = {query, o.limit, o.sample};
    srch_distinctive *d = NULL;
    srch_error err;
    if (srch_get_distinctive(db, &dopt, &d, &err) != SRCH_OK) {
        rc = cli_search_error(ctx, "distinctive", &err, query);
        free(query);
        srch_close(db);
        return rc;
    }
    buf b = BUF_INIT;
    if (ctx->json) {
        cli_json_distinctive(&b, query, d);
        buf_putc(&b, '\n');
        rc = cli_print_buf(&b);
    } else {
        buf_free(&b);
        printf("What sets %u passage%s from %u report%s apart ('%s')",
               d->group_passages, d->group_passages == 1 ? "" : "s",
               d->group_reports, d->group_reports == 1 ? "" : "s", query);
        if (d->sampled_group < d->group_passages)
            printf(", from a sample of %u", d->sampled_group);
        printf(",\nagainst %u passage%s of the rest of the index:\n\n",
               d->sampled_other, d->sampled_other == 1 ? "" : "s");
        if (d->n_phrases == 0)
            printf("  nothing stands out\n");
        else
            printf("  %-32s %8s %8s %8s %8s\n", "phrase", "reports", "here",
                   "elsewhere", "ratio");
        for (size_t i = 0; i < d->n_phrases; i++) {
            const srch_phrase *ph = &d->phrases[i];
            double ratio = ph->other_share > 0
                               ? ph->group_share / ph->other_share
                               : 0;
            printf("  %-32.32s %8u %7.1f%% %8.1f%% ", ph->text, ph->reports,
                   ph->group_share * 100, ph->other_share * 100);
            if (ratio > 0)
                printf("%7.1fx\n", ratio);
            else
                printf("%8s\n", "only here");
        }
        for (size_t i = 0; i < d->n_phrases && i < 5; i++) {
            const srch_phrase *ph = &d->phrases[i];
            if (ph->n_examples == 0)
                continue;
            printf("\n\"%s\", for example:\n", ph->text);
            for (size_t k = 0; k < ph->n_examples; k++) {
                printf("  - ");
                cli_print_cut(ph->examples[k].passage, 220);
                printf("\n    ");
                cli_print_report_ref(ph->examples[k].report);
                putchar('\n');
            }
        }
        rc = 0;
    }
    srch_distinctive_free(d);
    srch_close(db);
    free(query);
    return rc;
}
