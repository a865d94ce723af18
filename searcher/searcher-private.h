/* searcher-private.h - what the searcher's files share (not for other
 * modules). One section per file. */
#ifndef INSEARCH_SEARCHER_PRIVATE_H
#define INSEARCH_SEARCHER_PRIVATE_H

#include "searcher/qparse.h"
#include "searcher/searcher.h"
#include "stemmer/stemmer.h"
#include "themes/themes.h"
#include "xapian-c/xapian-c.h"

struct srch_db {
    xc_db *db;
    thm_set *themes;         /* the taxonomy the index was scored with */
    stm_analyser *query_an;  /* STM_MODE_QUERY: what people type */
    stm_analyser *index_an;  /* STM_MODE_INDEX: re-reading passages */
    int ordered;             /* TERM_META_FEATURES >= 2: every document
                                has SLOT_ORDER, SLOT_DATE_ORDER(_ASC) and
                                TERM_YEAR */
    int scaled_wdf;          /* TERM_META_FEATURES >= 3: passages' wdfs are
                                length-normalised (WDF_SCALE) */
    int theme_tiers;         /* TERM_META_FEATURES >= 4: TERM_THEME_TIER
                                (and not turned off by the environment's
                                INSEARCH_THEME_TIERS=off, a check of them) */
    int remote;              /* its stub names remote shards */
    char **missing;          /* shards left out ("SHARD (why)") */
    size_t n_missing;
    long opened_at;          /* CLOCK_MONOTONIC seconds */
};

void srch_set_error(srch_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- compile.c: query tree -> Xapian query ---- */

/* A growing list of strings. */
typedef struct strlist {
    char **v;
    size_t n, cap;
} strlist;

int strlist_add(strlist *l, const char *s, size_t n);
int strlist_has(const strlist *l, const char *s, size_t n);
void strlist_free(strlist *l);

/* What the snippet maker highlights: the matching forms of the positive
 * parts of the query. */
typedef struct hl_terms {
    strlist stems;     /* Z terms without the prefix */
    strlist kforms;    /* K terms without the prefix */
    strlist prefixes;  /* wildcard prefixes */
    strlist *phrases;  /* each a list of positional words */
    size_t n_phrases, cap_phrases;
    strlist missing;   /* words typed that match nothing (did you mean) */
} hl_terms;

void hl_terms_free(hl_terms *hl);

/* Compile a parsed query. A query of filters only selects documents of
 * `doctype` ("passage" or "report"). *out is NULL when nothing is left to
 * search for (only stopwords or punctuation). *text is set to non-zero
 * when results are ranked: SRCH_RANK_TEXT when the query has a text part
 * that weighs results, SRCH_RANK_THEME when a theme: filter at the top
 * level adds the passages' theme strength to the weight. */
/* The query for one term, prefix + value (a boolean filter term or a
 * word); NULL when out of memory. */
xc_query *srch_term_query(const char *prefix, const char *value);

/* A grade slug on the one 1-4 scale of `level:` (1 outstanding .. 4
 * inadequate; doc/THEMES.md); 0 for no or an unknown grade. */
int srch_grade_level(const char *slug);

#define SRCH_RANK_TEXT 1
#define SRCH_RANK_THEME 2
int srch_compile(srch_db *db, const qp_node *root, const char *doctype,
                 xc_query **out, int *text, hl_terms *hl, srch_error *err);

/* ---- snippet.c ---- */

int srch_make_snippet(srch_db *db, const char *text, size_t len,
                      const hl_terms *hl, unsigned window_words,
                      srch_hit *hit);

/* ---- shards.c ---- */

/* Open the shards of `dbpath` (a database or stub; NULL: none) and
 * o->remotes one by one into *out. With o->partial a shard that fails is
 * added to `missing` ("SHARD (why)") and left out; else, or when none
 * opens, -1 with *err set. *remote is 1 when a remote shard was named. */
int srch_shards_open(const char *dbpath, const srch_open_opts *o,
                     xc_db **out, strlist *missing, int *remote,
                     srch_error *err);

/* Does the index at `dbpath` name a remote shard (through its stubs)? */
int srch_names_remote(const char *dbpath);

/* The bytes on this machine of the index at `dbpath`: a folder whole, a
 * stub by the local shards it names. *remote (may be NULL) is set to 1
 * when it also names remote shards, not counted. */
uint64_t srch_local_size(const char *dbpath, int *remote);

/* ---- records.c ---- */

srch_report *srch_report_parse(const char *data, size_t len);
/* The report id and passage index of a passage document. */
int srch_passage_locate(xc_doc *doc, char rid[13], unsigned *index);
/* A passage's "section title \n page \n text", borrowed like
 * xc_doc_get_data: its SLOT_PASSAGE_TEXT value, else (an index made
 * before that slot) its document data. */
int srch_passage_text(xc_doc *doc, const char **data, size_t *len);
/* Fill a hit's passage, section, page, index, themes and polarity from its
 * document. */
int srch_passage_fill(srch_db *db, srch_hit *h, xc_doc *doc,
                      const srch_report *r, unsigned index);
/* Free what a hit owns (not the hit). */
void srch_hit_clear(srch_hit *h);
/* Fetch the report record of a report id (NULL if absent). */
srch_report *srch_report_load(srch_db *db, const char *rid);
/* The report of `rid`, loaded once into the owned list *list of *n
 * reports (what a result's hits point to); NULL if absent. */
const srch_report *srch_report_cached(srch_db *db, srch_report ***list,
                                      size_t *n, const char *rid);

/* ---- suggest.c ---- */

/* A corrected spelling for a word with no hits, or NULL. malloc'd. */
char *srch_suggest_word(srch_db *db, const char *word);

/* A new enquire on the index whose ties (equal scores, equal sort
 * values) are broken by SLOT_ORDER, a key each passage and report record
 * has, rather than by document id: the same documents in one database or
 * in several shards then come back in the same order. XC_OK or an
 * xapian-c error (xc_last_error). */
int srch_enquire_new(srch_db *db, xc_enquire **out);
/* Sort an enquire from srch_enquire_new by inspection date, newest first
 * (descending) or oldest first, passages of a report in reading order;
 * on an index made before SLOT_DATE_ORDER, by date then document id. */
int srch_sort_by_date(srch_db *db, xc_enquire *enq, int descending);
/* BM25 for ranking passages by text, fitted to how the index stores wdfs. */
int srch_set_bm25(srch_db *db, xc_enquire *enq);
/* What a text query's weight is multiplied by (srch_compile), so that a
 * score means the same with length-normalised wdfs as BM25 would. */
double srch_text_weight_scale(const srch_db *db);

/* ---- providers.c, for plan.c ---- */

/* A provider whose report `before` had theme t as a main weakness and
 * whose next report `after` has it as a main strength and not as a main
 * weakness. */
typedef struct srch_fixer {
    char *provider, *urn;
    char before[13], after[13];
    double score;          /* `similar`'s score of `before` against me */
} srch_fixer;

/* For each of the n themes (taxonomy indexes), at most `limit` fixers,
 * most like report `rid` first, one per provider, its own provider left
 * out: out[i] (malloc'd array, *n_out[i] long; free with
 * srch_fixers_free). */
int srch_theme_fixers(srch_db *db, const char *rid, const size_t *themes,
                      size_t n, unsigned limit, srch_fixer **out,
                      size_t *n_out, srch_error *err);
void srch_fixers_free(srch_fixer *v, size_t n);
/* The passage of report `rid` most about theme t with polarity `pol` (any
 * when NULL), its report loaded once into *reports; NULL when none. */
srch_hit *srch_best_passage(srch_db *db, srch_report ***reports,
                            size_t *n_reports, const char *rid, size_t t,
                            const char *pol);

#endif /* INSEARCH_SEARCHER_PRIVATE_H */
