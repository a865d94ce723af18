/* cmd_plan.c - `insearch plan`: a development plan drafted from a report. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/plan_doc.h"

const char cli_help_plan[] =
    "usage: insearch plan [--json|--csv|--markdown] [--since REPORT]\n"
    "                     [--no-since] URN|NAME|REPORT\n"
    "\n"
    "A development plan drafted from a provider's latest report (or the\n"
    "report named by id or file): one item per area for improvement - the\n"
    "bullets of \"What does the provider need to do to improve?\" and its\n"
    "older names (\"What should be improved\", \"Key challenges\", \"Key\n"
    "areas for improvement\", \"Next steps\") and those after \"should take\n"
    "further action to:\" - grouped by theme, each with the report's\n"
    "evidence for it (section and page), empty action, owner, milestone\n"
    "and RAG columns for the team, and up to three providers whose next\n"
    "report turned the same theme from a main weakness into a main\n"
    "strength, with the passage that shows it.\n"
    "\n"
    "When the provider has an earlier report (its previous full or short\n"
    "inspection, else its previous report), each of that report's areas\n"
    "is marked from the evidence of both: resolved (green: no\n"
    "recommendation on its theme now and more said for it than against),\n"
    "persisting (amber), worse (red: the balance moved clearly against\n"
    "it) or no evidence; new areas are listed apart.\n"
    "\n"
    "  --markdown      a document for a governance board\n"
    "  --csv           a spreadsheet: a row per area, then a row per\n"
    "                  earlier area (UTF-8, RFC 4180)\n"
    "  --json          {\"provider\",\"report\",\"previous\",\"items\",\n"
    "                  \"progress\",\"new_weaknesses\",\"rag_note\"}\n"
    "  --since REPORT  compare with this earlier report (id or file)\n"
    "  --no-since      no comparison with an earlier report\n";

enum { PL_JSON = 500, PL_CSV, PL_MD, PL_DB, PL_HELP, PL_SINCE, PL_NO_SINCE };

static void print_cut_line(const char *label, const srch_hit *h, size_t max)
{
    printf("%s", label);
    cli_print_cut(h->passage, max);
    printf("\n%*s(%s", (int)strlen(label), "", *h->section ? h->section
                                                           : "no section");
    if (h->page)
        printf(", page %u", h->page);
    printf(")\n");
}

static void print_text(const srch_plan *p)
{
    const srch_report *r = p->report;
    printf("Development plan for %s", p->provider);
    if (*p->urn)
        printf(" (URN %s)", p->urn);
    printf("\nfrom the %s report of %s, %s (id %s)\n", r->kind,
           *r->date_start ? r->date_start : "no date",
           *r->grade ? r->grade : "no grade", r->id);
    if (p->previous)
        printf("compared with the %s report of %s, %s (id %s)\n",
               p->previous->kind, p->previous->date_start,
               *p->previous->grade ? p->previous->grade : "no grade",
               p->previous->id);
    const srch_plan_theme *group = NULL;
    for (size_t i = 0; i < p->n_items; i++) {
        const srch_plan_item *it = &p->items[i];
        if (it->theme != group) {
            group = it->theme;
            printf("\n== %s\n", group->name);
        }
        printf("\n%2zu. ", i + 1);
        cli_print_cut(it->recommendation->passage, 400);
        putchar('\n');
        if (it->status)
            printf("    status: %s%s%s%s\n", it->status,
                   *it->rag ? " (" : "", it->rag, *it->rag ? ")" : "");
        for (size_t k = 0; k < it->n_evidence; k++)
            print_cut_line("    evidence: ", it->evidence[k], 200);
        if (i + 1 < p->n_items && p->items[i + 1].theme == group)
            continue;
        for (size_t k = 0; k < group->n_peers; k++) {
            const srch_plan_peer *pe = &group->peers[k];
            printf("    fixed by: %s%s%s%s, %s %s -> %s %s\n", pe->provider,
                   *pe->urn ? " (URN " : "", pe->urn, *pe->urn ? ")" : "",
                   *pe->before->grade ? pe->before->grade : "no grade",
                   pe->before->date_start,
                   *pe->after->grade ? pe->after->grade : "no grade",
                   pe->after->date_start);
            if (pe->after_passage) {
                printf("              ");
                cli_print_cut(pe->after_passage->passage, 200);
                putchar('\n');
            }
        }
    }
    if (!p->previous)
        return;
    printf("\n== Since the %s report of %s (status from evidence)\n",
           p->previous->kind, p->previous->date_start);
    for (size_t i = 0; i < p->n_progress; i++) {
        const srch_plan_progress *g = &p->progress[i];
        printf("\n%2zu. %-12s %s\n    then: ", i + 1, g->status,
               g->theme_name);
        cli_print_cut(g->before->passage, 200);
        putchar('\n');
        if (g->now) {
            printf("    now:  ");
            cli_print_cut(g->now->passage, 200);
            putchar('\n');
        }
    }
    printf("\nnew areas for improvement: %zu\n", p->n_new);
}

int cmd_plan(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, PL_JSON},
        {"csv", no_argument, NULL, PL_CSV},
        {"markdown", no_argument, NULL, PL_MD},
        {"md", no_argument, NULL, PL_MD},
        {"db", required_argument, NULL, PL_DB},
        {"help", no_argument, NULL, PL_HELP},
        {"since", required_argument, NULL, PL_SINCE},
        {"no-since", no_argument, NULL, PL_NO_SINCE},
        {NULL, 0, NULL, 0}};
    srch_plan_options po = SRCH_PLAN_OPTIONS_INIT;
    int format = ctx->json ? PL_JSON : 0, c, formats = ctx->json;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case PL_JSON:
        case PL_CSV:
        case PL_MD:
            if (formats++ && format != c)
                return cli_usage_error("plan", "give one of --json, --csv "
                                               "and --markdown");
            format = c;
            break;
        case PL_DB:
            free(ctx->db_path);
            ctx->db_path = str_dup(optarg);
            break;
        case PL_SINCE:
            if (!*optarg)
                return cli_usage_error("plan", "--since needs a report id "
                                               "or file");
            po.since = optarg;
            break;
        case PL_NO_SINCE: po.no_since = 1; break;
        case 'h':
        case PL_HELP: fputs(cli_help_plan, stdout); return 0;
        default:
            return cli_usage_error("plan", "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (po.since && po.no_since)
        return cli_usage_error("plan", "--since and --no-since contradict "
                                       "each other");
    if (optind >= argc)
        return cli_usage_error("plan", "give a provider's URN or name, or a "
                                       "report id or file");
    ctx->json = format == PL_JSON;
    char *who = cli_join_args(argc, argv, optind);
    po.who = who;
    srch_db *db = NULL;
    int rc;
    if ((rc = cli_open_db(ctx, "plan", &db))) {
        free(who);
        return rc;
    }
    srch_plan *p = NULL;
    srch_error err;
    if (srch_plan_make(db, &po, &p, &err) != SRCH_OK) {
        rc = cli_search_error(ctx, "plan", &err, who);
        free(who);
        srch_close(db);
        return rc;
    }
    buf b = BUF_INIT;
    if (format == PL_JSON) {
        cli_json_plan(&b, p);
        buf_putc(&b, '\n');
        rc = cli_print_buf(&b);
    } else if (format == PL_CSV) {
        cli_csv_plan(&b, p);
        rc = cli_print_buf(&b);
    } else if (format == PL_MD) {
        cli_md_plan(&b, p);
        rc = cli_print_buf(&b);
    } else {
        buf_free(&b);
        print_text(p);
        rc = 0;
    }
    srch_plan_free(p);
    srch_close(db);
    free(who);
    return rc;
}
