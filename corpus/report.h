/* report.h - reading inspection reports: files (txt, md, pdf, html, any of
 * them gzip-compressed) into a report model with metadata, sections and
 * passages.
 *
 * The model is a plain record (not opaque): everything it points to is owned
 * by the report and released by rpt_report_free.
 */
#ifndef INSEARCH_REPORT_H
#define INSEARCH_REPORT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RPT_OK 0
#define RPT_ERR_NOMEM (-1)
#define RPT_ERR_IO (-2)        /* cannot open/read: errno message */
#define RPT_ERR_FORMAT (-3)    /* corrupt gzip, binary data, ... */
#define RPT_ERR_TOO_BIG (-4)   /* over the size cap (raw or inflated) */
#define RPT_ERR_EMPTY (-5)     /* no text at all */

/* The most text one file may give (after gzip, PDF extraction or HTML):
 * more is refused with RPT_ERR_TOO_BIG, so a gzip bomb costs nothing. A
 * report's text is 20 KB to 1 MB; a file is committed whole, so this is
 * what bounds an indexer's memory (doc/DESIGN.md: under 256 MB measured
 * with two such files in the two writer threads at once). */
#define RPT_MAX_TEXT_BYTES (8u * 1024u * 1024u)
/* The largest file read at all: a PDF carries images besides its text. */
#define RPT_MAX_FILE_BYTES (128u * 1024u * 1024u)

/* Slugs used in the model (and as filter values):
 * kind:  "full", "short", "monitoring", "new-provider-monitoring", "other"
 * grade: "outstanding", "good", "satisfactory", "requires-improvement",
 *        "inadequate", "unsatisfactory", "very-weak" (pre-2005 scale),
 *        "exceptional", "strong-standard", "expected-standard",
 *        "needs-attention", "urgent-improvement" (report cards, Nov 2025-),
 *        "significant-progress", "reasonable-progress",
 *        "insufficient-progress" (monitoring visits)
 * type:  "general-further-education-college", "sixth-form-college",
 *        "tertiary-college", "land-based-college",
 *        "independent-specialist-college", "independent-learning-provider",
 *        "employer", "local-authority", "adult-community-learning",
 *        "higher-education-institution", "16-19-academy",
 *        "dance-and-drama-college", "prison", "specialist-designated-college",
 *        "" when unknown
 */

typedef struct rpt_judgement {
    char *name;    /* as written: "Effectiveness of leadership and management",
                      "Apprenticeships", or a monitoring theme's question */
    char *grade;   /* grade slug */
} rpt_judgement;

typedef struct rpt_section {
    char *title;   /* heading as written, tidied ("Summary of key findings") */
    char *slug;    /* lowercase words joined by '-' ("summary-of-key-findings") */
} rpt_section;

typedef struct rpt_passage {
    char *text;        /* one paragraph or bullet, whitespace tidied, UTF-8 */
    size_t section;    /* index into rpt_report.sections */
    unsigned page;     /* 1-based page when known, else 0 */
} rpt_passage;

typedef struct rpt_report {
    char *source;          /* path as given */
    char *format;          /* "txt", "md", "pdf", "html" (and "+gz" when
                              compressed) */
    char *charset;         /* what the bytes were read as ("UTF-8", ...) */
    char *title;           /* first heading / provider line */
    char *provider;        /* provider name, "" if unknown */
    char *urn;             /* digits, "" if unknown */
    char *type;            /* type slug */
    char *kind;            /* kind slug */
    char date_start[11];   /* "YYYY-MM-DD" or "" */
    char date_end[11];     /* "YYYY-MM-DD" or "" (same as start for one day) */
    char *grade;           /* overall effectiveness; monitoring visit: its
                              weakest progress judgement; report card: "" */
    char *previous_grade;  /* "" if not stated */
    rpt_judgement *judgements; size_t n_judgements;
    rpt_section *sections; size_t n_sections;
    rpt_passage *passages; size_t n_passages;
    unsigned long learners; /* provider's size as the report states it: a
                               "number of learners" row, else the first
                               sentence that counts its learners; 0 if not
                               stated (and always 0 for kind "other") */
    char *area;            /* where the provider is: the postcode area of
                              its address ("LS" from "LS5 3BW"), else the
                              town its address or description names
                              ("Leeds"), as written; "" if unknown */
} rpt_report;

/* Read and parse one file. Gzip is recognised by its magic bytes (whatever
 * the name), inflated with zlib, capped at RPT_MAX_TEXT_BYTES; nested gzip is
 * inflated again. A PDF, recognised by its content whatever the name, is
 * turned into text by pdftotext in a child process with CPU, memory, time
 * and output limits (corpus/pdf.h). Other text is converted to UTF-8
 * (stm_to_utf8; an HTML page's declared windows-1252 or ISO-8859-1 wins
 * over a detector's guess). HTML, recognised by its content (or by an
 * .html/.htm name when it starts with a tag), is turned into markdown-like
 * text (corpus/html.h) and parsed as "md"; its format is "html". On success
 * *out is the caller's; on failure returns RPT_ERR_* and sets *err (malloc'd,
 * names the file and the problem) when err is non-NULL. */
int rpt_read_file(const char *path, rpt_report **out, char **err);

/* Parse a UTF-8 text already in memory. `format` is "txt", "md" or "pdf"
 * ("md" decides whether markdown markup is stripped; HTML comes here as
 * "md"); `source` is recorded as is. */
int rpt_parse_text(const char *text, size_t len, const char *format,
                   const char *source, rpt_report **out, char **err);

/* Parse an inspection date phrase ("8-11 August 2016", "17–18 February 2021",
 * "January 30-February 3 2006", "Last day of inspection: 12 March 2010")
 * into ISO dates. Returns 0 and fills both (end = start for one day), or -1
 * if `text` holds no date. */
int rpt_parse_dates(const char *text, char start[11], char end[11]);

/* Map a grade phrase ("Requires improvement", "Grade 2", "Insufficient
 * progress", "Insufficientprogress", "strong standard") to its slug, or NULL.
 * Returns a static string. */
const char *rpt_grade_slug(const char *text);

/* Rank for sorting and filtering: 1 best .. 5 worst; 0 unknown. */
int rpt_grade_rank(const char *slug);

void rpt_report_free(rpt_report *r);

#ifdef __cplusplus
}
#endif

#endif /* INSEARCH_REPORT_H */
