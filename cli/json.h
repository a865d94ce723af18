/* json.h - the JSON documents of the reading commands. `insearch CMD
 * --json` prints them and `insearch serve` answers with them (doc/API.md),
 * so the two cannot drift apart. Each function appends one JSON value to
 * the buffer, with no trailing newline; the buffer records running out of
 * memory (buf_error). */
#ifndef INSEARCH_CLI_JSON_H
#define INSEARCH_CLI_JSON_H

#include "searcher/searcher.h"
#include "util/buf.h"

/* A JSON string, or null for NULL or "". */
void cli_json_str_or_null(buf *b, const char *s);
/* ["a","b"]: n strings as a JSON array. */
void cli_json_str_array(buf *b, const char *const *v, size_t n);
/* A report record (the shape `reports --json` prints; full adds format,
 * charset, passages and judgements); null for NULL. */
void cli_json_report(buf *b, const srch_report *r, int full);
/* The few fields of a report that name it. */
void cli_json_report_brief(buf *b, const srch_report *r);
/* A passage with its section, polarity, themes and report. */
void cli_json_passage(buf *b, const srch_hit *h);
/* A search hit; with_snippet adds the snippet, highlights, the number of
 * other passages of its report and the report (search), without them it
 * is a passage of a shown report. */
void cli_json_hit(buf *b, const srch_hit *h, int with_snippet);

/* {"error","kind","column"}: kind is query, not_found, ambiguous or
 * failed; column is null unless the query is malformed. */
void cli_json_error(buf *b, const srch_error *err);

typedef struct cli_search_shape {
    unsigned offset, limit;
    int by_report, explain, facets;
} cli_search_shape;

void cli_json_search(buf *b, const char *query, const srch_results *res,
                     const cli_search_shape *shape);
void cli_json_shown(buf *b, const srch_shown *s);
void cli_json_report_list(buf *b, const srch_report_list *l);
void cli_json_stats(buf *b, const srch_stats *st, const char *dbpath);
void cli_json_theme_list(buf *b, const srch_theme_list *l);
/* At most `limit` themes (0: all) with at most `examples` passages each. */
void cli_json_aggregate(buf *b, const char *query, const srch_aggregate *a,
                        unsigned limit, unsigned examples);
void cli_json_distinctive(buf *b, const char *query,
                          const srch_distinctive *d);
void cli_json_history(buf *b, const srch_history *h);
void cli_json_similar(buf *b, const srch_similar *s, int improved);
/* A size band of `similar` in words ("100-499 learners"). */
const char *cli_size_words(unsigned long n);

#endif /* INSEARCH_CLI_JSON_H */
