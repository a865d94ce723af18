/* cmd_providers.c - providers over time and alike: history, similar. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const char cli_help_similar[] =
    "usage: insearch similar [--limit K] [--same-type] [--improved]\n"
    "                        [--report ID] [--findings-weight X] [--json]\n"
    "                        URN|NAME\n"
    "\n"
    "The providers most comparable to this one. Each provider stands for\n"
    "its latest full inspection (--report ID: compare that report instead).\n"
    "Similarity is findings - the themes its weaknesses and strengths are\n"
    "about and the words it uses (0.5 x cosine of the weakness theme\n"
    "vectors + 0.3 x cosine of the strength vectors + 0.2 x cosine of the\n"
    "tf-idf vectors of the words each report uses most) - and profile -\n"
    "same provider type 0.5 (a related\n"
    "type 0.3: colleges; sixth forms; work-based providers; adult and\n"
    "community learning), same grade level 0.2, same size band 0.2 (next\n"
    "band 0.1), same area 0.1 -\n"
    "combined as X x findings + (1 - X) x profile, X 0.7 by default.\n"
    "Each comes with the weaknesses and strengths both share (with the\n"
    "strongest passage on each side) and the metadata that agrees.\n"
    "\n"
    "  --limit K            providers to show (default 10)\n"
    "  --same-type          only providers of the same type\n"
    "  --improved           providers that shared this one's main\n"
    "                       weaknesses and whose next inspection was graded\n"
    "                       better, with what that report says on them\n"
    "  --report ID          compare this report, not the latest\n"
    "  --findings-weight X  0 (profile only) to 1 (findings only)\n"
    "  --json               {\"providers\":[{\"provider\",\"urn\",\"score\",\n"
    "                       \"shared\",\"matches\"}], ...}\n";

const char cli_help_history[] =
    "usage: insearch history [--json] URN|NAME\n"
    "\n"
    "A provider's reports, oldest first: dates, kind, grade, its main\n"
    "weaknesses and strengths by theme, and the themes that moved since\n"
    "the report before (a weakness no longer; a strength become a\n"
    "weakness).\n";

enum { P_JSON = 400, P_DB, P_HELP, P_LIMIT, P_SAME, P_IMPROVED, P_REPORT,
       P_FW };

static int parse_opts(cli_ctx *ctx, const char *cmd, const char *help,
                      int argc, char **argv, srch_similar_options *so)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, P_JSON},
        {"db", required_argument, NULL, P_DB},
        {"help", no_argument, NULL, P_HELP},
        {"limit", required_argument, NULL, P_LIMIT},
        {"same-type", no_argument, NULL, P_SAME},
        {"improved", no_argument, NULL, P_IMPROVED},
        {"report", required_argument, NULL, P_REPORT},
        {"findings-weight", required_argument, NULL, P_FW},
        {NULL, 0, NULL, 0}};
    optind = 1;
    opterr = 0;
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
        if (!so && c != P_JSON && c != P_DB && c != P_HELP && c != 'h')
            return cli_usage_error(cmd, "unknown option '%s'",
                                   argv[optind - 1]);
        switch (c) {
        case P_JSON: ctx->json = 1; break;
        case P_DB:
            free(ctx->db_path);
            ctx->db_path = str_dup(optarg);
            break;
        case 'n':
        case P_LIMIT: {
            unsigned long v = strtoul(optarg, &end, 10);
            if (!*optarg || *end || v == 0 || v > 10000)
                return cli_usage_error(cmd, "--limit takes 1 to 10000, not "
                                            "'%s'", optarg);
            so->limit = (unsigned)v;
            break;
        }
        case P_SAME: so->same_type = 1; break;
        case P_IMPROVED: so->improved = 1; break;
        case P_REPORT: so->report_id = optarg; break;
        case P_FW: {
            double v = strtod(optarg, &end);
            if (!*optarg || *end || v < 0 || v > 1)
                return cli_usage_error(cmd, "--findings-weight takes a "
                                            "number from 0 to 1, not '%s'",
                                       optarg);
            so->findings_weight = v;
            break;
        }
        case 'h':
        case P_HELP:
            fputs(help, stdout);
            return -1;
        default:
            return cli_usage_error(cmd, "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    return 0;
}

static const char *level_name(const srch_report *r)
{
    return r && *r->grade ? r->grade : "no grade";
}

/* ------------------------------------------------------------ history */

static void print_list(const char *label, char *const *ids, size_t n)
{
    if (n == 0)
        return;
    printf("      %s:", label);
    for (size_t i = 0; i < n; i++)
        printf("%s %s", i ? "," : "", ids[i]);
    putchar('\n');
}

int cmd_history(cli_ctx *ctx, int argc, char **argv)
{
    int rc = parse_opts(ctx, "history", cli_help_history, argc, argv, NULL);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (optind >= argc)
        return cli_usage_error("history", "give a provider's URN or name");
    char *who = cli_join_args(argc, argv, optind);
    srch_db *db = NULL;
    if ((rc = cli_open_db(ctx, "history", &db))) {
        free(who);
        return rc;
    }
    srch_history *h = NULL;
    srch_error err;
    if (srch_provider_history(db, who, &h, &err) != SRCH_OK) {
        rc = cli_search_error(ctx, "history", &err, who);
        free(who);
        srch_close(db);
        return rc;
    }
    buf b = BUF_INIT;
    if (ctx->json) {
        cli_json_history(&b, h);
        buf_putc(&b, '\n');
        rc = cli_print_buf(&b);
    } else {
        buf_free(&b);
        printf("%s", h->provider);
        if (*h->urn)
            printf(" (URN %s)", h->urn);
        printf(": %zu report%s\n", h->n_reports, h->n_reports == 1 ? "" : "s");
        for (size_t i = 0; i < h->n_reports; i++) {
            const srch_history_entry *e = &h->reports[i];
            const srch_report *r = e->report;
            printf("\n  %s  %-24s %-22s id %s\n",
                   *r->date_start ? r->date_start : "(no date)", r->kind,
                   level_name(r), r->id);
            if (e->n_weaknesses) {
                printf("      weaknesses:");
                for (size_t k = 0; k < e->n_weaknesses; k++)
                    printf("%s %s", k ? "," : "", e->weaknesses[k].id);
                putchar('\n');
            }
            if (e->n_strengths) {
                printf("      strengths:");
                for (size_t k = 0; k < e->n_strengths; k++)
                    printf("%s %s", k ? "," : "", e->strengths[k].id);
                putchar('\n');
            }
            print_list("no longer a weakness", e->improved, e->n_improved);
            print_list("now a weakness", e->declined, e->n_declined);
        }
        rc = 0;
    }
    srch_history_free(h);
    srch_close(db);
    free(who);
    return rc;
}

/* ------------------------------------------------------------ similar */

int cmd_similar(cli_ctx *ctx, int argc, char **argv)
{
    srch_similar_options so = SRCH_SIMILAR_OPTIONS_INIT;
    int rc = parse_opts(ctx, "similar", cli_help_similar, argc, argv, &so);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (optind >= argc && !so.report_id)
        return cli_usage_error("similar", "give a provider's URN or name "
                                          "(or --report ID)");
    char *who = cli_join_args(argc, argv, optind);
    so.who = who;
    srch_db *db = NULL;
    if ((rc = cli_open_db(ctx, "similar", &db))) {
        free(who);
        return rc;
    }
    srch_similar *s = NULL;
    srch_error err;
    if (srch_similar_run(db, &so, &s, &err) != SRCH_OK) {
        rc = cli_search_error(ctx, "similar", &err, who);
        free(who);
        srch_close(db);
        return rc;
    }
    buf b = BUF_INIT;
    if (ctx->json) {
        cli_json_similar(&b, s, so.improved);
        buf_putc(&b, '\n');
        rc = cli_print_buf(&b);
    } else {
        buf_free(&b);
        const srch_report *t = s->target;
        printf("%s providers like %s (%s, %s report of %s):\n",
               so.improved ? "Improved" : "Comparable",
               *t->provider ? t->provider : t->title,
               *t->type ? t->type : "type unknown", level_name(t),
               *t->date_start ? t->date_start : "no date");
        if (s->n_peers == 0)
            printf("\n  none found%s\n",
                   so.improved ? " (no provider that shared its main "
                                 "weaknesses has a better report after)"
                               : "");
        for (size_t i = 0; i < s->n_peers; i++) {
            const srch_peer *p = &s->peers[i];
            printf("\n%2zu. %s", i + 1, p->provider);
            if (*p->urn)
                printf(" (URN %s)", p->urn);
            printf("  score %.2f (findings %.2f, of which words %.2f; "
                   "profile %.2f)\n",
                   p->score, p->findings, p->text, p->profile);
            printf("    %s report of %s", level_name(p->report),
                   p->report->date_start);
            if (p->after)
                printf(" -> %s report of %s", level_name(p->after),
                       p->after->date_start);
            putchar('\n');
            printf("    matches:");
            int any = 0;
            if (p->same_type)
                printf("%s type %s", any++ ? "," : "", p->report->type);
            if (p->same_level)
                printf("%s grade level", any++ ? "," : "");
            if (p->same_size)
                printf("%s size (%s)", any++ ? "," : "",
                       cli_size_words(p->learners));
            if (p->same_area)
                printf("%s area %s", any++ ? "," : "", p->area);
            printf("%s\n", any ? "" : " none");
            for (size_t k = 0; k < p->n_shared; k++) {
                const srch_shared_theme *st = &p->shared[k];
                if (so.improved)
                    printf("    fixed weakness: %s\n", st->id);
                else
                    printf("    shared %s: %s\n", st->polarity, st->id);
                if (st->their_passage) {
                    printf("      theirs: ");
                    cli_print_cut(st->their_passage->passage, 160);
                    putchar('\n');
                }
                if (st->after_passage) {
                    printf("      later:  ");
                    cli_print_cut(st->after_passage->passage, 200);
                    putchar('\n');
                }
            }
        }
        rc = 0;
    }
    srch_similar_free(s);
    srch_close(db);
    free(who);
    return rc;
}
