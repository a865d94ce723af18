/* report-private.h - what the files of corpus/ share and nothing else sees.
 *
 * parse.c cuts the text into blocks (paragraphs, bullets, headings, table
 * rows); meta.c reads the metadata and judgements from those blocks; parse.c
 * then turns the rest into sections and passages. dates.c and reader.c stand
 * alone.
 */
#ifndef INSEARCH_REPORT_PRIVATE_H
#define INSEARCH_REPORT_PRIVATE_H

#include "corpus/report.h"

#include <stddef.h>

/* ---- growing strings (strbuf.c is not worth a file: in parse.c) ---- */

typedef struct rpt_buf {
    char *data;
    size_t len, cap;
    size_t max;   /* hard cap on len; appending beyond it fails */
    int failed;   /* sticky: set once an append fails */
} rpt_buf;

void rpt_buf_init(rpt_buf *b, size_t max);
int rpt_buf_append(rpt_buf *b, const char *s, size_t n);
int rpt_buf_putc(rpt_buf *b, char c);
void rpt_buf_release(rpt_buf *b);

/* malloc'd copy of s[0..n), NUL-terminated, or NULL */
char *rpt_strndup(const char *s, size_t n);

/* Set *err (if err is non-NULL) to a malloc'd "source: message" and return
 * code. */
int rpt_error_set(char **err, int code, const char *source, const char *fmt,
                  ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* ---- blocks (parse.c) ---- */

enum rpt_block_kind {
    RPT_BLK_PARA,
    RPT_BLK_BULLET,
    RPT_BLK_HEADING,   /* markdown '#', or a line matching a known heading */
    RPT_BLK_ROW        /* table row: cells separated by '\t' in text */
};

#define RPT_BLK_BLANK_BEFORE 0x01u
#define RPT_BLK_BLANK_AFTER  0x02u
#define RPT_BLK_USED         0x04u  /* metadata: never a passage */
#define RPT_BLK_BOLD         0x08u  /* markdown: the whole line was bold */
#define RPT_BLK_MD_HEADING   0x10u  /* '#' heading */
#define RPT_BLK_CONT_ROW     0x20u  /* row that starts with an empty cell */
#define RPT_BLK_JUDGED       0x40u  /* a grade line already attached */

typedef struct rpt_block {
    int kind;
    char *text;         /* tidied text; rows: cells joined by '\t' */
    size_t len;
    unsigned page;      /* page of the first line (1-based), 0 if none */
    unsigned n_lines;
    unsigned flags;
    int level;          /* markdown heading level; 0 otherwise */
} rpt_block;

/* Lowercase letters and digits of s, words separated by one space, leading
 * "the " dropped, at most cap-1 bytes. Used to compare labels and headings
 * loosely. */
void rpt_text_fold(const char *s, size_t n, char *out, size_t cap);

/* Does this (tidied) line match a heading reports use? Returns 1/0. */
int rpt_heading_known(const char *text, size_t len);

/* Does the markdown-ish text look like markdown? */
int rpt_text_looks_markdown(const char *text, size_t len);

/* ---- metadata (meta.c) ---- */

typedef struct rpt_meta_ctx {
    rpt_report *r;
    rpt_block *blocks;
    size_t n_blocks;
    int is_markdown;
    int is_report;      /* set by rpt_meta_extract */
    size_t header_end;  /* blocks before this index are the report's header */
    const char *running_head; /* first "Inspection report: NAME, DATES" */
} rpt_meta_ctx;

/* Fill provider, urn, type, kind, dates, grades and judgements of ctx->r
 * from the blocks, marking the blocks that are pure metadata USED.
 * Returns RPT_OK or RPT_ERR_NOMEM. */
int rpt_meta_extract(rpt_meta_ctx *ctx);

/* Add a judgement unless one with the same (folded) name exists. */
int rpt_judgement_add(rpt_report *r, const char *name, size_t name_len,
                      const char *grade);

/* Type slug for a phrase ("Independent learning provider",
 * "Private training provider (work-based learning)"), or NULL. */
const char *rpt_type_slug(const char *text, size_t len);

/* Grade slug when the whole text is a grade, allowing "is"/"are" before it
 * and a dash or colon form "Inclusion – Strong standard" is NOT accepted
 * here (see rpt_grade_suffix). */
const char *rpt_grade_line(const char *text, size_t len);

/* If text ends with a grade after " - ", " – ", ": ", " is ", " are " or
 * "?", return the slug and set *name_len to the length of what precedes it
 * (trimmed). */
const char *rpt_grade_suffix(const char *text, size_t len, size_t *name_len);

/* Like rpt_parse_dates, also giving the byte range of the phrase. */
int rpt_dates_find(const char *text, char start[11], char end[11],
                   size_t *at, size_t *until);

#endif /* INSEARCH_REPORT_PRIVATE_H */
