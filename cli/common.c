/* common.c - what the reading commands share: the index, the query from
 * the arguments, errors and output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

char *cli_join_args(int argc, char **argv, int from)
{
    buf b = BUF_INIT;
    for (int i = from; i < argc; i++) {
        if (i > from)
            buf_putc(&b, ' ');
        buf_puts(&b, argv[i]);
    }
    return buf_detach(&b, NULL);
}

int cli_open_db(cli_ctx *ctx, const char *cmd, srch_db **db)
{
    srch_error err;
    memset(&err, 0, sizeof err);
    if (srch_open(cli_db_path(ctx), db, &err) != SRCH_OK)
        return cli_error(cmd, "%s", err.message);
    return 0;
}

int cli_search_error(cli_ctx *ctx, const char *cmd, const srch_error *err,
                     const char *query)
{
    if (ctx->json) {
        static const char *const kinds[] = {"", "failed", "query",
                                            "not_found", "ambiguous"};
        int k = -err->code;
        buf b = BUF_INIT;
        buf_puts(&b, "{\"error\":");
        buf_json_str(&b, err->message);
        buf_printf(&b, ",\"kind\":\"%s\"", k >= 1 && k <= 4 ? kinds[k] : "failed");
        if (err->code == SRCH_ERR_QUERY)
            buf_printf(&b, ",\"column\":%zu", err->column);
        buf_puts(&b, "}\n");
        fputs(buf_cstr(&b), stderr);
        buf_free(&b);
    } else if (err->code == SRCH_ERR_QUERY) {
        fprintf(stderr, "insearch %s: bad query: %s\n  %s\n", cmd,
                err->message, query ? query : "");
        if (query && err->column > 0 && err->column <= strlen(query) + 1)
            fprintf(stderr, "  %*s^\n", (int)err->column - 1, "");
    } else {
        cli_error(cmd, "%s", err->message);
    }
    return 1;
}

int cli_print_buf(buf *b)
{
    if (buf_error(b)) {
        buf_free(b);
        return cli_error(NULL, "out of memory writing the output");
    }
    fwrite(b->data ? b->data : "", 1, b->len, stdout);
    buf_free(b);
    return 0;
}

void cli_json_str_or_null(buf *b, const char *s)
{
    buf_json_str(b, s && *s ? s : NULL);
}

void cli_json_report(buf *b, const srch_report *r, int full)
{
    if (!r) {
        buf_puts(b, "null");
        return;
    }
    buf_puts(b, "{\"id\":");
    buf_json_str(b, r->id);
    buf_puts(b, ",\"provider\":");
    cli_json_str_or_null(b, r->provider);
    buf_puts(b, ",\"urn\":");
    cli_json_str_or_null(b, r->urn);
    buf_puts(b, ",\"kind\":");
    cli_json_str_or_null(b, r->kind);
    buf_puts(b, ",\"type\":");
    cli_json_str_or_null(b, r->type);
    buf_puts(b, ",\"date_start\":");
    cli_json_str_or_null(b, r->date_start);
    buf_puts(b, ",\"date_end\":");
    cli_json_str_or_null(b, r->date_end);
    buf_puts(b, ",\"grade\":");
    cli_json_str_or_null(b, r->grade);
    buf_puts(b, ",\"previous_grade\":");
    cli_json_str_or_null(b, r->previous_grade);
    buf_puts(b, ",\"source\":");
    cli_json_str_or_null(b, r->source);
    buf_puts(b, ",\"title\":");
    cli_json_str_or_null(b, r->title);
    if (r->learners)
        buf_printf(b, ",\"learners\":%lu", r->learners);
    else
        buf_puts(b, ",\"learners\":null");
    buf_puts(b, ",\"area\":");
    cli_json_str_or_null(b, r->area);
    if (full) {
        buf_puts(b, ",\"format\":");
        cli_json_str_or_null(b, r->format);
        buf_puts(b, ",\"charset\":");
        cli_json_str_or_null(b, r->charset);
        buf_printf(b, ",\"passages\":%u,\"judgements\":[", r->n_passages);
        for (size_t i = 0; i < r->n_judgements; i++) {
            buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
            buf_json_str(b, r->judgements[i].name);
            buf_puts(b, ",\"grade\":");
            cli_json_str_or_null(b, r->judgements[i].grade);
            buf_putc(b, '}');
        }
        buf_putc(b, ']');
    }
    buf_putc(b, '}');
}

void cli_json_report_brief(buf *b, const srch_report *r)
{
    if (!r) {
        buf_puts(b, "null");
        return;
    }
    buf_puts(b, "{\"id\":");
    buf_json_str(b, r->id);
    buf_puts(b, ",\"provider\":");
    cli_json_str_or_null(b, r->provider);
    buf_puts(b, ",\"urn\":");
    cli_json_str_or_null(b, r->urn);
    buf_puts(b, ",\"type\":");
    cli_json_str_or_null(b, r->type);
    buf_puts(b, ",\"kind\":");
    cli_json_str_or_null(b, r->kind);
    buf_puts(b, ",\"date_start\":");
    cli_json_str_or_null(b, r->date_start);
    buf_puts(b, ",\"grade\":");
    cli_json_str_or_null(b, r->grade);
    buf_puts(b, ",\"source\":");
    cli_json_str_or_null(b, r->source);
    buf_putc(b, '}');
}

void cli_json_passage(buf *b, const srch_hit *h)
{
    buf_puts(b, "{\"passage\":");
    buf_json_str(b, h->passage);
    buf_puts(b, ",\"section\":");
    cli_json_str_or_null(b, h->section);
    buf_printf(b, ",\"passage_index\":%u,\"polarity\":", h->passage_index);
    cli_json_str_or_null(b, h->polarity);
    buf_puts(b, ",\"themes\":[");
    for (size_t i = 0; i < h->n_themes; i++) {
        buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
        buf_json_str(b, h->themes[i].id);
        buf_printf(b, ",\"score\":%.3f}", h->themes[i].score);
    }
    buf_puts(b, "],\"report\":");
    cli_json_report_brief(b, h->report);
    buf_putc(b, '}');
}

/* A passage cut to about `max` bytes at a word boundary, on one line. */
void cli_print_cut(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) {
        fputs(s, stdout);
        return;
    }
    size_t cut = max;
    while (cut > max / 2 && s[cut] != ' ')
        cut--;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    printf("%.*s ...", (int)cut, s);
}

void cli_print_report_ref(const srch_report *r)
{
    if (!r)
        return;
    const char *name = *r->provider ? r->provider : r->title;
    printf("%.60s", name);
    if (*r->date_start)
        printf(", %.4s", r->date_start);
    if (*r->grade)
        printf(", %s", r->grade);
    printf(" (id %s)", r->id);
}
