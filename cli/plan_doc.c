/* plan_doc.c - a development plan as JSON, CSV and markdown (plan_doc.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/csv.h"
#include "cli/json.h"
#include "cli/plan_doc.h"

/* What every format says about the RAG column, so none claims more. */
static const char rag_note[] =
    "RAG is filled only from evidence: comparing this report with the "
    "earlier one, theme by theme (green resolved, amber persisting, red "
    "worse); it is left empty for new areas and for the team to judge.";

static const char *const months[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

/* "7 to 10 February 2023" from ISO dates (as written when not ISO). */
static void human_dates(buf *b, const char *start, const char *end)
{
    int y1, m1, d1, y2, m2, d2;
    if (!start || sscanf(start, "%d-%d-%d", &y1, &m1, &d1) != 3 || m1 < 1 ||
        m1 > 12) {
        buf_puts(b, start && *start ? start : "no date");
        return;
    }
    if (!end || sscanf(end, "%d-%d-%d", &y2, &m2, &d2) != 3 || m2 < 1 ||
        m2 > 12 || strcmp(start, end) == 0) {
        buf_printf(b, "%d %s %d", d1, months[m1 - 1], y1);
        return;
    }
    if (y1 != y2)
        buf_printf(b, "%d %s %d to %d %s %d", d1, months[m1 - 1], y1, d2,
                   months[m2 - 1], y2);
    else if (m1 != m2)
        buf_printf(b, "%d %s to %d %s %d", d1, months[m1 - 1], d2,
                   months[m2 - 1], y2);
    else
        buf_printf(b, "%d to %d %s %d", d1, d2, months[m2 - 1], y2);
}

/* "requires improvement" from "requires-improvement". */
static void words(buf *b, const char *slug, const char *none)
{
    if (!slug || !*slug) {
        buf_puts(b, none);
        return;
    }
    for (; *slug; slug++)
        buf_putc(b, *slug == '-' ? ' ' : *slug);
}

/* "March 2018" */
static void month_year(buf *b, const char *date)
{
    int y, m, d;
    if (date && sscanf(date, "%d-%d-%d", &y, &m, &d) == 3 && m >= 1 &&
        m <= 12)
        buf_printf(b, "%s %d", months[m - 1], y);
    else
        buf_puts(b, date && *date ? date : "no date");
}

/* ------------------------------------------------------------ JSON */

static void json_passage(buf *b, const srch_hit *h)
{
    if (!h) {
        buf_puts(b, "null");
        return;
    }
    buf_puts(b, "{\"text\":");
    buf_json_str(b, h->passage);
    buf_puts(b, ",\"section\":");
    cli_json_str_or_null(b, h->section);
    if (h->page)
        buf_printf(b, ",\"page\":%u", h->page);
    else
        buf_puts(b, ",\"page\":null");
    buf_printf(b, ",\"passage_index\":%u,\"polarity\":", h->passage_index);
    cli_json_str_or_null(b, h->polarity);
    buf_puts(b, ",\"report_id\":");
    cli_json_str_or_null(b, h->report ? h->report->id : NULL);
    buf_putc(b, '}');
}

static void json_peers(buf *b, const srch_plan_theme *t)
{
    buf_putc(b, '[');
    for (size_t i = 0; i < t->n_peers; i++) {
        const srch_plan_peer *pe = &t->peers[i];
        buf_puts(b, i ? ",{\"provider\":" : "{\"provider\":");
        buf_json_str(b, pe->provider);
        buf_puts(b, ",\"urn\":");
        cli_json_str_or_null(b, pe->urn);
        buf_printf(b, ",\"score\":%.4f,\"before\":", pe->score);
        cli_json_report_brief(b, pe->before);
        buf_puts(b, ",\"after\":");
        cli_json_report_brief(b, pe->after);
        buf_puts(b, ",\"passage\":");
        json_passage(b, pe->after_passage);
        buf_puts(b, ",\"before_passage\":");
        json_passage(b, pe->before_passage);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');
}

void cli_json_plan(buf *b, const srch_plan *p)
{
    buf_puts(b, "{\"provider\":{\"name\":");
    buf_json_str(b, p->provider);
    buf_puts(b, ",\"urn\":");
    cli_json_str_or_null(b, p->urn);
    buf_puts(b, ",\"type\":");
    cli_json_str_or_null(b, p->report->type);
    buf_puts(b, "},\"report\":");
    cli_json_report(b, p->report, 0);
    buf_puts(b, ",\"previous\":");
    cli_json_report(b, p->previous, 0);
    buf_puts(b, ",\"items\":[");
    for (size_t i = 0; i < p->n_items; i++) {
        const srch_plan_item *it = &p->items[i];
        buf_printf(b, "%s{\"number\":%zu,\"theme\":", i ? "," : "", i + 1);
        cli_json_str_or_null(b, it->theme->id);
        buf_puts(b, ",\"theme_name\":");
        buf_json_str(b, it->theme->name);
        buf_puts(b, ",\"recommendation\":");
        json_passage(b, it->recommendation);
        buf_puts(b, ",\"evidence\":[");
        for (size_t k = 0; k < it->n_evidence; k++) {
            if (k)
                buf_putc(b, ',');
            json_passage(b, it->evidence[k]);
        }
        buf_puts(b, "],\"status\":");
        cli_json_str_or_null(b, it->status);
        buf_puts(b, ",\"rag\":");
        cli_json_str_or_null(b, it->rag);
        buf_puts(b, ",\"action\":null,\"owner\":null,\"milestone\":null,"
                    "\"peers\":");
        json_peers(b, it->theme);
        buf_putc(b, '}');
    }
    buf_puts(b, "],\"progress\":[");
    for (size_t i = 0; i < p->n_progress; i++) {
        const srch_plan_progress *g = &p->progress[i];
        buf_puts(b, i ? ",{\"theme\":" : "{\"theme\":");
        cli_json_str_or_null(b, g->theme_id);
        buf_puts(b, ",\"theme_name\":");
        buf_json_str(b, g->theme_name);
        buf_puts(b, ",\"status\":");
        buf_json_str(b, g->status);
        buf_puts(b, ",\"rag\":");
        cli_json_str_or_null(b, g->rag);
        buf_puts(b, ",\"before\":");
        json_passage(b, g->before);
        buf_puts(b, ",\"before_evidence\":");
        json_passage(b, g->before_evidence);
        buf_puts(b, ",\"now\":");
        json_passage(b, g->now);
        buf_printf(b, ",\"weights\":{\"weak_before\":%.2f,"
                   "\"strong_before\":%.2f,\"weak_now\":%.2f,"
                   "\"strong_now\":%.2f}}",
                   g->weak_before, g->strong_before, g->weak_now,
                   g->strong_now);
    }
    buf_puts(b, "],\"new_weaknesses\":[");
    int first = 1;
    for (size_t i = 0; p->previous && i < p->n_items; i++)
        if (p->items[i].status && strcmp(p->items[i].status, "new") == 0) {
            buf_printf(b, "%s%zu", first ? "" : ",", i + 1);
            first = 0;
        }
    buf_puts(b, "],\"rag_note\":");
    buf_json_str(b, rag_note);
    buf_putc(b, '}');
}

/* ------------------------------------------------------------ CSV */

/* "text (section, page N)" */
static void cite(buf *b, const srch_hit *h)
{
    if (!h)
        return;
    buf_puts(b, h->passage);
    buf_printf(b, " (%s", *h->section ? h->section : "no section");
    if (h->page)
        buf_printf(b, ", page %u", h->page);
    buf_putc(b, ')');
}

static void field_buf(buf *row, buf *tmp, int last)
{
    cli_csv_field(row, tmp->data ? tmp->data : "", last);
    buf_reset(tmp);
}

void cli_csv_plan(buf *b, const srch_plan *p)
{
    static const char *const header[] = {
        "part", "item", "theme", "theme_name", "recommendation", "section",
        "page", "evidence", "status", "rag", "action", "owner", "milestone",
        "who_fixed_this", "now", "report_id"};
    size_t n = sizeof header / sizeof header[0];
    buf t = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        cli_csv_field(b, header[i], i + 1 == n);
    for (size_t i = 0; i < p->n_items; i++) {
        const srch_plan_item *it = &p->items[i];
        const srch_hit *r = it->recommendation;
        cli_csv_field(b, "area for improvement", 0);
        buf_printf(&t, "%zu", i + 1);
        field_buf(b, &t, 0);
        cli_csv_field(b, it->theme->id, 0);
        cli_csv_field(b, it->theme->name, 0);
        cli_csv_field(b, r->passage, 0);
        cli_csv_field(b, r->section, 0);
        if (r->page)
            buf_printf(&t, "%u", r->page);
        field_buf(b, &t, 0);
        for (size_t k = 0; k < it->n_evidence; k++) {
            if (k)
                buf_puts(&t, "\n\n");
            cite(&t, it->evidence[k]);
        }
        field_buf(b, &t, 0);
        cli_csv_field(b, it->status, 0);
        cli_csv_field(b, it->rag, 0);
        cli_csv_field(b, "", 0);
        cli_csv_field(b, "", 0);
        cli_csv_field(b, "", 0);
        for (size_t k = 0; k < it->theme->n_peers; k++) {
            const srch_plan_peer *pe = &it->theme->peers[k];
            if (k)
                buf_puts(&t, "\n\n");
            buf_puts(&t, pe->provider);
            if (*pe->urn)
                buf_printf(&t, " (URN %s)", pe->urn);
            buf_puts(&t, ", ");
            words(&t, pe->before->grade, "no grade");
            buf_puts(&t, " ");
            month_year(&t, pe->before->date_start);
            buf_puts(&t, " -> ");
            words(&t, pe->after->grade, "no grade");
            buf_puts(&t, " ");
            month_year(&t, pe->after->date_start);
            if (pe->after_passage) {
                buf_puts(&t, ": ");
                cite(&t, pe->after_passage);
            }
        }
        field_buf(b, &t, 0);
        cli_csv_field(b, "", 0);
        cli_csv_field(b, p->report->id, 1);
    }
    for (size_t i = 0; i < p->n_progress; i++) {
        const srch_plan_progress *g = &p->progress[i];
        cli_csv_field(b, "since previous inspection", 0);
        buf_printf(&t, "%zu", i + 1);
        field_buf(b, &t, 0);
        cli_csv_field(b, g->theme_id, 0);
        cli_csv_field(b, g->theme_name, 0);
        cli_csv_field(b, g->before->passage, 0);
        cli_csv_field(b, g->before->section, 0);
        if (g->before->page)
            buf_printf(&t, "%u", g->before->page);
        field_buf(b, &t, 0);
        cite(&t, g->before_evidence);
        field_buf(b, &t, 0);
        cli_csv_field(b, g->status, 0);
        cli_csv_field(b, g->rag, 0);
        for (int k = 0; k < 4; k++)
            cli_csv_field(b, "", 0);
        cite(&t, g->now);
        field_buf(b, &t, 0);
        cli_csv_field(b, p->previous->id, 1);
    }
    buf_free(&t);
}

/* ------------------------------------------------------------ markdown */

/* Text in a table cell: no pipes, no line breaks. */
static void md_cell(buf *b, const char *s, size_t max)
{
    size_t n = 0;
    for (; s && *s; s++, n++) {
        if (max && n >= max && (*s == ' ')) {
            buf_puts(b, "...");
            return;
        }
        if (*s == '|')
            buf_puts(b, "\\|");
        else if (*s == '\n' || *s == '\r')
            buf_putc(b, ' ');
        else
            buf_putc(b, *s);
    }
}

static void md_where(buf *b, const srch_hit *h)
{
    buf_printf(b, "*(%s", *h->section ? h->section : "no section");
    if (h->page)
        buf_printf(b, ", page %u", h->page);
    buf_puts(b, ")*");
}

static void md_report(buf *b, const srch_report *r)
{
    words(b, r->kind, "report");
    buf_puts(b, r && strcmp(r->kind, "other") ? " inspection of " : " of ");
    human_dates(b, r->date_start, r->date_end);
}

static const char *status_words(const char *s)
{
    if (!s)
        return "";
    if (strcmp(s, "no-evidence") == 0)
        return "no evidence either way";
    return s;
}

void cli_md_plan(buf *b, const srch_plan *p)
{
    const srch_report *r = p->report;
    buf_puts(b, "# Development plan: ");
    buf_puts(b, p->provider);
    buf_puts(b, "\n\n");
    if (*p->urn)
        buf_printf(b, "URN %s · ", p->urn);
    words(b, r->type, "provider type not stated");
    buf_puts(b, " · ");
    md_report(b, r);
    buf_puts(b, " · overall effectiveness: ");
    words(b, r->grade, "not graded");
    buf_puts(b, "\n\n");
    buf_printf(b, "*A draft by insearch from the inspection report (id %s). "
                  "Each area for improvement is the report's own "
                  "recommendation, grouped by theme, with the report's "
                  "evidence for it and providers that fixed the same "
                  "weakness. Action, owner and milestone are for the "
                  "provider to complete. %s*\n\n", r->id, rag_note);
    buf_puts(b, "## Summary\n\n| # | Area for improvement | Theme | Status "
                "| RAG | Action | Owner | Milestone |\n|---|---|---|---|---|"
                "---|---|---|\n");
    for (size_t i = 0; i < p->n_items; i++) {
        const srch_plan_item *it = &p->items[i];
        buf_printf(b, "| %zu | ", i + 1);
        md_cell(b, it->recommendation->passage, 110);
        buf_puts(b, " | ");
        md_cell(b, it->theme->name, 0);
        buf_puts(b, " | ");
        buf_puts(b, it->status ? it->status : "");
        buf_puts(b, " | ");
        buf_puts(b, it->rag ? it->rag : "");
        buf_puts(b, " |  |  |  |\n");
    }
    if (p->previous) {
        buf_puts(b, "\n## Progress since the ");
        md_report(b, p->previous);
        buf_puts(b, "\n\nEach area for improvement of the earlier report, "
                    "judged on what the two reports say about its theme: "
                    "**resolved** (green) when this report makes no "
                    "recommendation on it and says more in its favour than "
                    "against; **persisting** (amber) when it is still a "
                    "weakness; **worse** (red) when the balance of what is "
                    "said has moved clearly against it; **no evidence** "
                    "when this report says nothing on it either way.\n\n");
        for (size_t i = 0; i < p->n_progress; i++) {
            const srch_plan_progress *g = &p->progress[i];
            buf_printf(b, "### %zu. %s: %s", i + 1, g->theme_name,
                       status_words(g->status));
            if (*g->rag)
                buf_printf(b, " (%s)", g->rag);
            buf_puts(b, "\n\n| Then | Now |\n|---|---|\n| ");
            md_cell(b, g->before->passage, 0);
            if (g->before_evidence) {
                buf_puts(b, "<br><br>");
                md_cell(b, g->before_evidence->passage, 0);
            }
            buf_puts(b, " | ");
            if (g->now)
                md_cell(b, g->now->passage, 0);
            else
                buf_puts(b, "*(nothing on this theme)*");
            buf_puts(b, " |\n\n");
        }
        buf_puts(b, "### New areas for improvement\n\n");
        if (p->n_new == 0)
            buf_puts(b, "None: every area of this report was one of the "
                        "earlier report's themes.\n");
        for (size_t i = 0; i < p->n_items; i++)
            if (p->items[i].status && !strcmp(p->items[i].status, "new")) {
                buf_printf(b, "- %zu. %s: ", i + 1, p->items[i].theme->name);
                md_cell(b, p->items[i].recommendation->passage, 0);
                buf_putc(b, '\n');
            }
    }
    buf_puts(b, "\n## Areas for improvement\n");
    const srch_plan_theme *group = NULL;
    for (size_t i = 0; i < p->n_items; i++) {
        const srch_plan_item *it = &p->items[i];
        if (it->theme != group) {
            group = it->theme;
            buf_printf(b, "\n### %s\n", group->name);
        }
        buf_printf(b, "\n#### %zu. ", i + 1);
        md_cell(b, it->recommendation->passage, 0);
        buf_puts(b, "\n\n");
        md_where(b, it->recommendation);
        if (it->status)
            buf_printf(b, " · status: %s", it->status);
        buf_puts(b, "\n\n**What the report says**\n\n");
        if (it->n_evidence == 0)
            buf_puts(b, "No other passage of the report is a weakness on "
                        "this theme.\n");
        for (size_t k = 0; k < it->n_evidence; k++) {
            buf_puts(b, "> ");
            md_cell(b, it->evidence[k]->passage, 0);
            buf_puts(b, "\n> ");
            md_where(b, it->evidence[k]);
            buf_puts(b, "\n\n");
        }
        buf_puts(b, "\n| Action | Owner | Milestone | RAG |\n|---|---|---|"
                    "---|\n|  |  |  | ");
        buf_puts(b, it->rag && *it->rag ? it->rag : "");
        if (it->rag && *it->rag)
            buf_puts(b, " (from evidence)");
        buf_puts(b, " |\n");
        if (i + 1 < p->n_items && p->items[i + 1].theme == group)
            continue;
        buf_printf(b, "\n**Who fixed this: %s**\n\n", group->name);
        if (group->n_peers == 0)
            buf_puts(b, "No other provider in the index turned this theme "
                        "from a main weakness into a main strength at its "
                        "next inspection.\n");
        for (size_t k = 0; k < group->n_peers; k++) {
            const srch_plan_peer *pe = &group->peers[k];
            buf_printf(b, "- **%s**", pe->provider);
            if (*pe->urn)
                buf_printf(b, " (URN %s)", pe->urn);
            buf_puts(b, ": ");
            words(b, pe->before->grade, "no grade");
            buf_puts(b, " (");
            month_year(b, pe->before->date_start);
            buf_puts(b, ") to ");
            words(b, pe->after->grade, "no grade");
            buf_puts(b, " (");
            month_year(b, pe->after->date_start);
            buf_puts(b, ")");
            if (pe->after_passage) {
                buf_puts(b, ": \"");
                md_cell(b, pe->after_passage->passage, 0);
                buf_puts(b, "\" ");
                md_where(b, pe->after_passage);
            }
            buf_putc(b, '\n');
        }
    }
}
