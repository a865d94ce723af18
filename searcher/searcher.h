/* searcher.h - reading the index: ranked passage search with snippets,
 * report records (`show`, `reports`) and counts (`stats`).
 *
 * Every result object is owned by the caller and freed with its _free
 * function; the strings inside belong to that object.
 */
#ifndef INSEARCH_SEARCHER_H
#define INSEARCH_SEARCHER_H

#include <stddef.h>
#include <stdint.h>

#define SRCH_OK 0
#define SRCH_ERR (-1)           /* database or other failure */
#define SRCH_ERR_QUERY (-2)     /* the query is malformed: see column */
#define SRCH_ERR_NOT_FOUND (-3) /* show: no such report */
#define SRCH_ERR_AMBIGUOUS (-4) /* show: the key names several reports */

typedef struct srch_error {
    int code;
    size_t column;       /* SRCH_ERR_QUERY: 1-based column in the query */
    char message[512];
} srch_error;

typedef struct srch_db srch_db;

/* Open the index read-only. */
int srch_open(const char *dbpath, srch_db **out, srch_error *err);

/* How else an index can be opened. */
typedef struct srch_open_opts {
    const char *const *remotes; /* "HOST:PORT" of shards that xapian-tcpsrv
                                   serves, searched with the index at
                                   `dbpath` (or alone when it is NULL) */
    size_t n_remotes;
    int partial;                /* a shard that does not answer is left
                                   out (srch_missing_shards) rather than
                                   failing the open */
} srch_open_opts;

/* srch_open with `opts` (NULL: as srch_open). `dbpath` may be NULL when
 * opts names remote shards. */
int srch_open_with(const char *dbpath, const srch_open_opts *opts,
                   srch_db **out, srch_error *err);

/* The shards left out when the index was opened with `partial`, each
 * "SHARD (why)"; the array and strings are the db's. */
size_t srch_missing_shards(const srch_db *db, const char *const **out);

/* Split "HOST:PORT" (an empty HOST is 127.0.0.1); -1 when it is not one. */
int srch_parse_remote(const char *spec, char *host, size_t hostsz,
                      unsigned *port);

void srch_close(srch_db *db);
/* Move an open index to its latest committed revision (a long-running
 * reader: `serve`). On failure open it again with srch_open. An index
 * opened with shards missing fails here once SRCH_RETRY_MISSING_S
 * seconds have passed, so that they are tried again. */
#define SRCH_RETRY_MISSING_S 10
int srch_refresh(srch_db *db, srch_error *err);

typedef struct srch_judgement {
    char *name;
    char *grade;
} srch_judgement;

typedef struct srch_report {
    char *id, *source, *format, *charset, *title, *provider, *urn, *type,
        *kind, *date_start, *date_end, *grade, *previous_grade;
    unsigned n_passages;
    unsigned long learners; /* the size the report states, 0 when not */
    char *area;             /* postcode area or town as stated, or "" */
    srch_judgement *judgements;
    size_t n_judgements;
} srch_report;

typedef struct srch_span {
    size_t start, end; /* byte offsets into the snippet */
} srch_span;

typedef struct srch_hit_theme {
    char *id;      /* theme id ("prevent") */
    double score;  /* the passage's strength on it (doc/THEMES.md) */
} srch_hit_theme;

typedef struct srch_hit {
    unsigned rank;          /* 1-based over the whole result list */
    double score;           /* BM25 (0 for filter-only searches) */
    char *passage;          /* the full passage text */
    char *snippet;          /* a window of the passage around the matches */
    srch_span *highlights;  /* matched words/phrases in `snippet` */
    size_t n_highlights;
    char *section;
    unsigned page;          /* 0 unknown */
    unsigned passage_index; /* 0-based within the report */
    unsigned collapsed;     /* --by-report: other matching passages */
    int collapsed_unknown;  /* --by-report over remote shards: Xapian's
                               remote backend does not carry the count */
    const srch_report *report; /* owned by the results */
    srch_hit_theme *themes; /* the themes the passage is about, strongest
                               first */
    size_t n_themes;
    const char *polarity;   /* "weakness", "strength", "neutral" (static) */
} srch_hit;

typedef struct srch_facet_value {
    char *value;
    unsigned count;
} srch_facet_value;

typedef struct srch_facet {
    const char *field; /* "grade", "kind", "type", "year", "theme",
                          "polarity" (static) */
    srch_facet_value *values;
    size_t n_values;
} srch_facet;

typedef enum srch_sort {
    SRCH_SORT_RELEVANCE = 0,
    SRCH_SORT_DATE_DESC,
    SRCH_SORT_DATE_ASC
} srch_sort;

typedef struct srch_options {
    const char *query;  /* the query language: see qparse.h */
    unsigned offset;    /* results to skip */
    unsigned limit;     /* results to return (default 10 when 0) */
    int by_report;      /* keep the best passage of each report */
    srch_sort sort;
    int facets;         /* count grade/kind/type/year/theme/polarity over
                           the whole match */
    unsigned snippet_words; /* window size (default 36 when 0) */
} srch_options;

#define SRCH_OPTIONS_INIT {NULL, 0, 10, 0, SRCH_SORT_RELEVANCE, 0, 0}

typedef struct srch_results {
    srch_hit *hits;
    size_t n_hits;
    uint32_t total;        /* estimated matches */
    uint32_t total_lower, total_upper;
    char *did_you_mean;    /* a corrected query, or NULL */
    char *query_description; /* the Xapian query, for --explain */
    srch_facet *facets;
    size_t n_facets;
    /* owned reports the hits point to */
    srch_report **reports;
    size_t n_reports;
    /* shards left out (srch_open_with's `partial`): "SHARD (why)" */
    char **missing_shards;
    size_t n_missing_shards;
} srch_results;

int srch_search(srch_db *db, const srch_options *opt, srch_results **out,
                srch_error *err);
void srch_results_free(srch_results *res);

/* `show`: a report by id, URN, or source file path. For a URN with several
 * reports the most recent is shown and the others are listed. The passages
 * come back as hits in report order (rank = index + 1, no snippets). */
typedef struct srch_shown {
    srch_report *report;
    srch_hit *passages;
    size_t n_passages;
    char **other_ids;   /* other reports with the same URN */
    size_t n_other_ids;
} srch_shown;

int srch_show(srch_db *db, const char *key, srch_shown **out,
              srch_error *err);
void srch_shown_free(srch_shown *s);

/* `reports`: the report records matching a filter-only query (may be
 * empty: all), sorted by date (newest first unless sort says ascending). */
typedef struct srch_report_list {
    srch_report **reports;
    size_t n;
    uint32_t total;
} srch_report_list;

int srch_reports(srch_db *db, const char *filters, srch_sort sort,
                 unsigned offset, unsigned limit, srch_report_list **out,
                 srch_error *err);
void srch_report_list_free(srch_report_list *l);

typedef struct srch_stats {
    uint64_t reports;    /* inspection reports */
    uint64_t others;     /* indexed documents that are not reports */
    uint64_t passages;
    uint64_t terms;      /* distinct words (positional terms) */
    uint64_t size_bytes; /* on this machine's disk (remote shards not
                            counted) */
} srch_stats;

int srch_get_stats(srch_db *db, const char *dbpath, srch_stats *out,
                   srch_error *err);

void srch_report_free(srch_report *r);

/* ---- themes (searcher/aggregate.c) ---- */

/* `themes`: the taxonomy the index was scored with, with exact counts. */
typedef struct srch_theme_info {
    char *id, *name, *description;
    uint32_t passages;          /* passages about the theme */
    uint32_t reports;           /* documents with such a passage */
    uint32_t weakness_reports;  /* ... with a weakness passage about it */
    uint32_t strength_reports;  /* ... with a strength passage about it */
} srch_theme_info;

typedef struct srch_theme_list {
    srch_theme_info *themes;    /* in taxonomy order */
    size_t n;
} srch_theme_list;

int srch_themes(srch_db *db, srch_theme_list **out, srch_error *err);
/* The taxonomy's text as the index stores it (borrowed; NULL for an index
 * with nothing in it yet). */
const char *srch_themes_text(srch_db *db);
void srch_theme_list_free(srch_theme_list *l);

/* `weaknesses` / `strengths`: over the reports the query picks (filters
 * and/or text; empty: every report), the themes by how many reports have
 * a passage of that polarity about them. */
typedef struct srch_agg_options {
    const char *query;
    int polarity;          /* THM_WEAKNESS (1, default) or THM_STRENGTH (2) */
    unsigned examples;     /* typical passages per theme (default 3, max 10) */
    unsigned min_reports;  /* leave out themes with fewer reports */
} srch_agg_options;

typedef struct srch_year_count {
    char year[5];
    uint32_t reports;      /* reports of that year with it (for a theme) */
    uint32_t matching;     /* reports of that year the query picks */
} srch_year_count;

typedef struct srch_agg_theme {
    char *id, *name;
    uint32_t reports;      /* matching reports with such a passage */
    double share;          /* reports / reports matching */
    srch_year_count *by_year; /* every year of the match, ascending */
    size_t n_years;
    srch_hit *examples;    /* typical passages, one per report (no
                              snippets; `passage` is the whole text) */
    size_t n_examples;
} srch_agg_theme;

typedef struct srch_aggregate {
    const char *polarity;      /* "weakness" or "strength" (static) */
    uint32_t reports_matching; /* reports with a passage the query picks */
    srch_year_count *years;    /* matching reports per year, ascending */
    size_t n_years;
    srch_agg_theme *themes;    /* most reports first */
    size_t n_themes;
    srch_report **reports;     /* owned: what examples point to */
    size_t n_reports;
} srch_aggregate;

int srch_aggregate_run(srch_db *db, const srch_agg_options *opt,
                       srch_aggregate **out, srch_error *err);
void srch_aggregate_free(srch_aggregate *a);

/* ---- distinctive (searcher/distinctive.c) ---- */

typedef struct srch_phrase {
    char *text;            /* a surface form, lower case ("staff turnover") */
    uint32_t passages;     /* sampled group passages that use it */
    uint32_t reports;      /* distinct reports among those */
    double group_share;    /* passages / sampled group passages */
    double other_share;    /* share among the sampled other passages */
    double score;          /* signed log-likelihood ratio (G2), > 0 */
    srch_hit *examples;    /* up to 2 passages from different reports,
                              full text in `passage`, snippet NULL */
    size_t n_examples;
} srch_phrase;

typedef struct srch_distinctive {
    uint32_t group_passages;   /* passages matching the query */
    uint32_t group_reports;    /* reports they come from */
    uint32_t sampled_group, sampled_other;
    srch_phrase *phrases;      /* best first */
    size_t n_phrases;
    srch_report **reports;     /* owned: what examples[].report points to */
    size_t n_reports;
} srch_distinctive;

typedef struct srch_distinctive_options {
    const char *query;   /* the query language (filters and/or text) */
    unsigned limit;      /* phrases to return (default 20 when 0) */
    unsigned sample;     /* passages sampled from each side (default 4000) */
} srch_distinctive_options;

/* `distinctive`: the words and phrases over-represented in the passages
 * the query picks against the rest of the index (doc/THEMES.md). */
int srch_get_distinctive(srch_db *db, const srch_distinctive_options *opt,
                         srch_distinctive **out, srch_error *err);
void srch_distinctive_free(srch_distinctive *d);

/* ---- providers (searcher/providers.c) ---- */

/* A provider is named by its URN or by its name (any of its words, as
 * provider: does). A name that matches no provider is SRCH_ERR_NOT_FOUND
 * ("no provider called ..."); one that matches several is
 * SRCH_ERR_AMBIGUOUS, the message listing them. */

typedef struct srch_theme_weight {
    char *id;
    double weight;  /* summed strength of the report's passages on it */
} srch_theme_weight;

typedef struct srch_history_entry {
    srch_report *report;
    srch_theme_weight *weaknesses; /* its main weaknesses, strongest first */
    size_t n_weaknesses;
    srch_theme_weight *strengths;
    size_t n_strengths;
    char **improved;  /* main weaknesses of the report before that are not
                         weaknesses here (strengths, or not mentioned) */
    size_t n_improved;
    char **declined;  /* main strengths before that are weaknesses here */
    size_t n_declined;
} srch_history_entry;

typedef struct srch_history {
    char *provider;   /* the name of the latest report */
    char *urn;        /* "" when the reports give none */
    srch_history_entry *reports; /* oldest first */
    size_t n_reports;
} srch_history;

int srch_provider_history(srch_db *db, const char *who, srch_history **out,
                          srch_error *err);
void srch_history_free(srch_history *h);

typedef struct srch_similar_options {
    const char *who;        /* URN or name */
    const char *report_id;  /* compare this report of theirs, not the
                               latest (NULL: latest full inspection) */
    unsigned limit;         /* providers to return (default 10) */
    int same_type;          /* only providers of the same type */
    double findings_weight; /* 0..1: findings against profile (default
                               0.7 when negative) */
    int improved;           /* only providers whose next report improved on
                               the weaknesses they shared */
} srch_similar_options;

#define SRCH_SIMILAR_OPTIONS_INIT {NULL, NULL, 10, 0, -1.0, 0}

typedef struct srch_shared_theme {
    char *id;
    const char *polarity;   /* "weakness" or "strength" (static) */
    double mine, theirs;    /* the theme's weight in each report */
    srch_hit *mine_passage; /* the strongest passage on it in each report,
                               or NULL (owned) */
    srch_hit *their_passage;
    srch_hit *after_passage; /* --improved: what their next report says on
                                it (a strength when there is one) */
} srch_shared_theme;

typedef struct srch_peer {
    char *provider, *urn;
    double score;           /* findings_weight * findings + (1 - it) * profile */
    double findings;        /* 0.5 cos(weakness vectors) + 0.3 cos(strength
                               vectors) + 0.2 text */
    double text;            /* cosine of the reports' tf-idf signatures
                               (the words each uses most) */
    double profile;         /* type 0.5 (a related type 0.3: colleges;
                               sixth forms; work-based; adult and
                               community), grade level 0.2, size band 0.2
                               (adjacent 0.1), area 0.1 */
    const srch_report *report;  /* the report of theirs compared */
    const srch_report *after;   /* --improved: their next report */
    srch_shared_theme *shared;  /* shared weaknesses, then strengths; with
                                   --improved, the weaknesses they fixed */
    size_t n_shared;
    int same_type, same_level, same_size, same_area;
    unsigned long learners;     /* theirs, 0 unknown */
    char *area;
} srch_peer;

typedef struct srch_similar {
    const srch_report *target;  /* the report compared against */
    unsigned long learners;     /* the target's stated size, 0 unknown */
    char *area;
    srch_peer *peers;           /* best first */
    size_t n_peers;
    srch_report **reports;      /* owned: what the pointers point to */
    size_t n_reports;
} srch_similar;

int srch_similar_run(srch_db *db, const srch_similar_options *opt,
                     srch_similar **out, srch_error *err);
void srch_similar_free(srch_similar *s);

/* ---- type-ahead (searcher/names.c) ---- */

#define SRCH_SUGGEST_MAX_PREFIX 100

typedef struct srch_suggested_theme {
    const char *id, *name; /* owned by the db: valid while it is open */
} srch_suggested_theme;

typedef struct srch_suggested_provider {
    char *key;        /* URN, or "name:slug" when the reports give none */
    char *name;
    char *urn;        /* "" when none */
    unsigned reports; /* inspection reports (not kind other) */
    char latest[11]; /* the newest report's date, YYYY-MM-DD or "" */
} srch_suggested_provider;

typedef struct srch_suggestions {
    srch_suggested_theme *themes;
    size_t n_themes;
    srch_suggested_provider *providers;
    size_t n_providers;
} srch_suggestions;

/* The themes (id or name) and providers (name or URN) with a word that
 * starts with `prefix`, ASCII case folded, at most `limit` of each: those
 * whose first word matches first, then providers with more reports. */
int srch_suggest(srch_db *db, const char *prefix, size_t limit,
                 srch_suggestions **out, srch_error *err);
void srch_suggestions_free(srch_suggestions *s);

/* ---- development plan (searcher/plan.c) ---- */

/* A provider that fixed a weakness: in its report `before` the theme was
 * one of the main weaknesses, in its next report `after` one of the main
 * strengths and no longer a main weakness (the main themes of `history`). */
typedef struct srch_plan_peer {
    char *provider, *urn;
    const srch_report *before, *after; /* owned by the plan */
    double score;             /* how alike: `similar`'s score against the
                                 report planned from */
    srch_hit *before_passage; /* its strongest weakness passage on the theme
                                 in `before` (owned, may be NULL) */
    srch_hit *after_passage;  /* its strongest strength passage on it in
                                 `after` (owned) */
} srch_plan_peer;

/* One theme of the plan: the items about it and who fixed it. */
typedef struct srch_plan_theme {
    char *id;                 /* "" for recommendations about no theme */
    const char *name;         /* "Other" for those (owned by the db) */
    srch_plan_peer *peers;    /* best first, at most opt->peers */
    size_t n_peers;
} srch_plan_theme;

/* Statuses (static strings): "new", "persisting", "worse", "resolved",
 * "no-evidence"; RAG: "red", "amber", "green" or "" (for the team). */
typedef struct srch_plan_item {
    const srch_plan_theme *theme;      /* into plan->themes */
    const srch_hit *recommendation;    /* the report's own bullet */
    const srch_hit **evidence;         /* weakness passages on the theme in
                                          the body, best first */
    size_t n_evidence;
    const char *status;   /* NULL without an earlier report; else "new",
                             "persisting" or "worse" */
    const char *rag;
} srch_plan_item;

/* An area for improvement of the earlier report, judged against the
 * report planned from (doc/API.md, "plan"). */
typedef struct srch_plan_progress {
    char *theme_id;                    /* "" when the earlier bullet is
                                          about no theme (no-evidence) */
    const char *theme_name;
    const srch_hit *before;            /* the earlier recommendation */
    const srch_hit *before_evidence;   /* a body passage then, or NULL */
    const srch_hit *now;               /* the passage now that shows the
                                          status, or NULL (no-evidence) */
    const char *status;   /* "resolved", "persisting", "worse",
                             "no-evidence" */
    const char *rag;
    double weak_before, strong_before, weak_now, strong_now; /* summed
                             theme strength of the weakness and strength
                             passages on the theme in each report */
} srch_plan_progress;

typedef struct srch_plan {
    char *provider, *urn;
    const srch_report *report;        /* the report planned from */
    const srch_report *previous;      /* the earlier report, or NULL */
    srch_plan_theme *themes;          /* in the order of their first item */
    size_t n_themes;
    srch_plan_item *items;            /* grouped by theme */
    size_t n_items;
    srch_plan_progress *progress;     /* the earlier report's areas, in its
                                         order; empty without one */
    size_t n_progress;
    size_t n_new;                     /* items whose status is "new" */
    /* owned: what the pointers above point to */
    srch_shown *shown, *shown_previous;
    srch_report **reports;
    size_t n_reports;
} srch_plan;

typedef struct srch_plan_options {
    const char *who;     /* URN or name (its latest report), or a report
                            id or indexed file */
    const char *since;   /* an earlier report to compare with (id or file);
                            NULL: the provider's previous full or short
                            inspection, else its previous report */
    int no_since;        /* no comparison */
    unsigned peers;      /* per theme (default 3) */
    unsigned evidence;   /* passages per item (default 3) */
} srch_plan_options;

#define SRCH_PLAN_OPTIONS_INIT {NULL, NULL, 0, 3, 3}

/* `plan`: a development plan drafted from a report's areas for
 * improvement. SRCH_ERR_NOT_FOUND for an unknown provider or report and
 * for a report with no areas for improvement (the message says which). */
int srch_plan_make(srch_db *db, const srch_plan_options *opt,
                   srch_plan **out, srch_error *err);
void srch_plan_free(srch_plan *p);

#endif /* INSEARCH_SEARCHER_H */
