/* plan_doc.h - a development plan (srch_plan) as JSON, CSV and markdown.
 * `insearch plan` prints them and `insearch serve` answers /api/plan,
 * /api/plan.csv and /api/plan.md with them, from the same writers
 * (doc/API.md). Each appends to the buffer, which records running out of
 * memory (buf_error). */
#ifndef INSEARCH_CLI_PLAN_DOC_H
#define INSEARCH_CLI_PLAN_DOC_H

#include "searcher/searcher.h"
#include "util/buf.h"

/* {"provider","report","previous","items","progress","new_weaknesses",
 * "rag_note"}: one JSON value, no trailing newline. */
void cli_json_plan(buf *b, const srch_plan *p);

/* RFC 4180 like cli_csv_search (UTF-8, every field quoted, CRLF, formula
 * guard): a row per area for improvement, then a row per area of the
 * earlier report with its status. Columns: part, item, theme,
 * theme_name, recommendation, section, page, evidence, status, rag,
 * action, owner, milestone, who_fixed_this, now, report_id. */
void cli_csv_plan(buf *b, const srch_plan *p);

/* A document for a governance board: summary table, progress since the
 * earlier report, then each area with its evidence, who fixed it, and the
 * columns for the team to fill. */
void cli_md_plan(buf *b, const srch_plan *p);

#endif /* INSEARCH_CLI_PLAN_DOC_H */
