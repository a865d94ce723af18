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
    if (srch_open_with(cli_open_path(ctx), &ctx->open, db, &err) != SRCH_OK)
        return cli_search_error(ctx, cmd, &err, NULL);
    cli_warn_missing(ctx, cmd, *db);
    return 0;
}

void cli_warn_missing(cli_ctx *ctx, const char *cmd, srch_db *db)
{
    const char *const *missing;
    size_t n = srch_missing_shards(db, &missing);
    for (size_t i = 0; i < n; i++) {
        if (ctx->json) {
            buf b = BUF_INIT;
            buf_puts(&b, "{\"warning\":");
            buf_json_str(&b, "a shard did not answer: the answer is from "
                             "the others (--partial)");
            buf_puts(&b, ",\"missing_shard\":");
            buf_json_str(&b, missing[i]);
            buf_puts(&b, "}\n");
            fputs(buf_cstr(&b), stderr);
            buf_free(&b);
        } else {
            fprintf(stderr,
                    "insearch %s: warning: a shard did not answer, so this "
                    "answer leaves it out (--partial): %s\n",
                    cmd, missing[i]);
        }
    }
}

void cli_name_index(cli_ctx *ctx, srch_error *err)
{
    const char *db = cli_index_name(ctx);
    /* A failing remote shard's message names it already. */
    if (ctx->remote_only)
        return;
    if (err->code != SRCH_ERR || strncmp(err->message, db, strlen(db)) == 0)
        return;
    char was[sizeof err->message];
    memcpy(was, err->message, sizeof was);
    buf b = BUF_INIT;
    buf_printf(&b, "%s: %s", db, was);
    snprintf(err->message, sizeof err->message, "%.*s",
             (int)(sizeof err->message - 1), buf_cstr(&b));
    buf_free(&b);
}

int cli_search_error(cli_ctx *ctx, const char *cmd, const srch_error *err_in,
                     const char *query)
{
    /* a failure of the index itself says which index */
    srch_error named = *err_in;
    cli_name_index(ctx, &named);
    const srch_error *err = &named;
    if (ctx->json) {
        buf b = BUF_INIT;
        cli_json_error(&b, err);
        buf_putc(&b, '\n');
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
