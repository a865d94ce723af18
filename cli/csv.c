/* csv.c - search results as CSV (see csv.h). */
#include "cli/csv.h"

#include <stdio.h>
#include <string.h>

/* One quoted field, then the separator (',' or the row's CRLF). */
static void field(buf *b, const char *s, int last)
{
    buf_putc(b, '"');
    if (s && (*s == '=' || *s == '+' || *s == '-' || *s == '@' ||
              *s == '\t' || *s == '\r'))
        buf_putc(b, '\'');
    for (; s && *s; s++) {
        if (*s == '"')
            buf_putc(b, '"');
        buf_putc(b, *s);
    }
    buf_putc(b, '"');
    buf_puts(b, last ? "\r\n" : ",");
}

void cli_csv_field(buf *b, const char *s, int last)
{
    field(b, s, last);
}

static void field_unsigned(buf *b, unsigned long v, int known)
{
    char tmp[32];
    if (known)
        snprintf(tmp, sizeof tmp, "%lu", v);
    else
        tmp[0] = '\0';
    field(b, tmp, 0);
}

void cli_csv_search(buf *b, const srch_results *res)
{
    static const char *const header[] = {
        "rank", "provider", "urn", "type", "kind", "inspection_start",
        "inspection_end", "grade", "section", "page", "polarity", "themes",
        "score", "passage", "report_id", "source"};
    size_t i, t, n = sizeof header / sizeof header[0];
    for (i = 0; i < n; i++)
        field(b, header[i], i + 1 == n);
    for (i = 0; res && i < res->n_hits; i++) {
        const srch_hit *h = &res->hits[i];
        const srch_report *r = h->report;
        buf themes = BUF_INIT;
        char score[32];
        field_unsigned(b, h->rank, 1);
        /* a document with no provider line is named by its title, as the
         * text output does */
        field(b, r ? (*r->provider ? r->provider : r->title) : "", 0);
        field(b, r ? r->urn : "", 0);
        field(b, r ? r->type : "", 0);
        field(b, r ? r->kind : "", 0);
        field(b, r ? r->date_start : "", 0);
        field(b, r ? r->date_end : "", 0);
        field(b, r ? r->grade : "", 0);
        field(b, h->section, 0);
        field_unsigned(b, h->page, h->page != 0);
        field(b, h->polarity, 0);
        for (t = 0; t < h->n_themes; t++) {
            if (t)
                buf_putc(&themes, ';');
            buf_puts(&themes, h->themes[t].id);
        }
        field(b, themes.data ? themes.data : "", 0);
        buf_free(&themes);
        snprintf(score, sizeof score, "%.4f", h->score);
        field(b, score, 0);
        field(b, h->passage, 0);
        field(b, r ? r->id : "", 0);
        field(b, r ? r->source : "", 1);
    }
}
