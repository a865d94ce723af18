/* csv.h - search results as CSV, for spreadsheets and citations.
 * `insearch search --csv` prints it and `insearch serve` answers
 * /api/search.csv with it (doc/API.md), from the same writer. */
#ifndef INSEARCH_CLI_CSV_H
#define INSEARCH_CLI_CSV_H

#include "searcher/searcher.h"
#include "util/buf.h"

/* The header row, then one row per hit, RFC 4180: every field quoted,
 * quotes doubled, rows ended by CRLF, UTF-8 without a byte-order mark.
 * The columns (doc/API.md): rank, provider, urn, type, kind,
 * inspection_start, inspection_end, grade, section, page, polarity,
 * themes (ids, ';' between), score, passage, report_id, source.
 *
 * A field a spreadsheet would run as a formula (first character = + - @,
 * tab or carriage return) gets a leading apostrophe: report text is
 * other people's text. */
void cli_csv_search(buf *b, const srch_results *res);

/* One field so written (quoted, quotes doubled, formula guard), then ','
 * or, for the last of a row, CRLF: for other tables (cli/plan_doc.c). */
void cli_csv_field(buf *b, const char *s, int last);

#endif /* INSEARCH_CLI_CSV_H */
