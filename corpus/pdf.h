/* pdf.h - text out of PDF files (private to corpus/).
 *
 * The PDF is never parsed in this process: poppler's pdftotext does it in a
 * child process held by resource limits, so a hostile or broken file can
 * cost at most the limits below and cannot crash the indexer.
 */
#ifndef INSEARCH_PDF_H
#define INSEARCH_PDF_H

#include <stddef.h>

/* Zero in a field means its default. */
typedef struct rpt_pdf_limits {
    unsigned cpu_seconds;         /* RLIMIT_CPU of the child; 30 */
    unsigned long long mem_bytes; /* RLIMIT_AS of the child; 1 GB */
    size_t max_output;            /* bytes of text read; 64 MB
                                     (RPT_MAX_TEXT_BYTES) */
    unsigned timeout_ms;          /* wall clock; 60,000 */
} rpt_pdf_limits;

#define RPT_PDF_CPU_SECONDS 30u
#define RPT_PDF_MEM_BYTES (1024ull * 1024ull * 1024ull)
#define RPT_PDF_TIMEOUT_MS 60000u

/* Does this look like a PDF? ("%PDF-" at the start, after at most a few
 * bytes of junk some writers put before it.) */
int rpt_pdf_sniff(const char *data, size_t len);

/* The text of a PDF, UTF-8, pages separated by '\f', tidied by
 * rpt_pdf_text_tidy. Reads the file `path`, or, when `data` is non-NULL,
 * the `len` bytes of `data` (a PDF that came out of gzip; `path` then only
 * names it in messages). `lim` may be NULL for the defaults.
 *
 * On success *text (malloc'd, NUL-terminated, the caller's) and *text_len.
 * On failure returns a negative RPT_ERR_* and sets *err (when err is
 * non-NULL) to "path: message":
 *   RPT_ERR_IO      pdftotext is not installed, cannot start it
 *   RPT_ERR_FORMAT  encrypted, damaged
 *   RPT_ERR_EMPTY   no text layer (a scanned PDF)
 *   RPT_ERR_TOO_BIG stopped by a limit (CPU, memory, output, time)
 *   RPT_ERR_NOMEM
 * The program run is the first "pdftotext" on PATH. */
int rpt_pdf_extract(const char *path, const char *data, size_t len,
                    const rpt_pdf_limits *lim, char **text, size_t *text_len,
                    char **err);

/* Tidy pdftotext's output in place and return the new length (it never
 * grows): words broken across line ends joined (see pdf.c for the rule),
 * ligature letters spelled out, blanks at line ends removed, invalid UTF-8
 * bytes made spaces; page breaks ('\f') kept. `text` has room for len + 1
 * bytes: text[result] is set to '\0'. */
size_t rpt_pdf_text_tidy(char *text, size_t len);

#endif /* INSEARCH_PDF_H */
