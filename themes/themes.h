/* themes.h - what a passage is about, and whether it states a strength or a
 * weakness.
 *
 * A theme taxonomy is data (themes/default.themes; the format is described
 * at the top of that file and in doc/THEMES.md): themes with weighted cue
 * phrases, and a polarity lexicon. Cues go through the same analysis chain
 * as report text, so "reviews" finds "reviewed" and "Prevent" (the duty)
 * never finds "prevented".
 *
 *   text --thm_set_parse--> thm_set (read-only, shareable between threads)
 *   thm_set --thm_scorer_new--> thm_scorer (one per thread)
 *   passage tokens --thm_scorer_*--> thm_result (scores, tags, polarity)
 *
 * SCORING (doc/THEMES.md has the worked reasoning)
 *   raw(theme) = sum over the theme's distinct cues found in the passage of
 *                weight * (1 + 0.3 * min(repeats, 2))
 *              + the weights of its section cues found in the heading
 *              + 0.5 * the weights of its cues found in the lead-in
 *                (the "...should:" line a bullet belongs to)
 *   A passage is about the theme ("tagged") when raw >= the theme's
 *   threshold (default 4). Its strength, used for ranking, discounts long
 *   passages that mention a theme in passing:
 *       score = raw * 150 / (150 + words)
 *   Polarity: each occurrence of a weakness cue adds its weight to W, of a
 *   strength cue to S, except that a strength cue with a negation word up
 *   to 3 words before it (same sentence) adds to W instead, and a negated
 *   weakness cue adds nothing. The heading's section cue (if any) gives a
 *   prior; thm_result.polarity documents the decision.
 */
#ifndef INSEARCH_THEMES_H
#define INSEARCH_THEMES_H

#include <stddef.h>

#include "stemmer/stemmer.h"

#define THM_OK 0
#define THM_ERR_NOMEM (-1)
#define THM_ERR_SYNTAX (-2)  /* the taxonomy text is malformed: see *err */
#define THM_ERR_IO (-3)
#define THM_ERR_ANALYSE (-4) /* the analysis chain failed */

/* Most themes a taxonomy may have (each costs a value slot per passage). */
#define THM_MAX_THEMES 256
#define THM_DEFAULT_THRESHOLD 4.0

typedef enum thm_polarity {
    THM_NEUTRAL = 0,
    THM_WEAKNESS = 1,
    THM_STRENGTH = 2
} thm_polarity;

/* "neutral", "weakness", "strength" (static). */
const char *thm_polarity_name(thm_polarity p);
/* The polarity a name stands for ("weakness", "weaknesses", "weak",
 * "strength", "strengths", "strong", "neutral"), or -1. */
int thm_polarity_from_name(const char *name);

typedef struct thm_set thm_set;

/* Parse a taxonomy. `source` names it in error messages ("FILE:LINE: ...").
 * On success *out is the caller's (thm_set_free). */
int thm_set_parse(const char *text, size_t len, const char *source,
                  thm_set **out, char **err);
/* Only the themes' ids, names, descriptions and thresholds: what a reader
 * of an index needs, without the cost of analysing every cue (which is
 * most of a search's work otherwise). Such a set cannot score: passing it
 * to thm_scorer_new is an error. */
int thm_set_parse_names(const char *text, size_t len, const char *source,
                        thm_set **out, char **err);
/* Read and parse a file. */
int thm_set_load(const char *path, thm_set **out, char **err);
/* The built-in taxonomy: themes/default.themes, compiled in so that the
 * binary works anywhere (static, NUL-terminated). */
const char *thm_default_text(void);
void thm_set_free(thm_set *set);

/* The text the set was parsed from (borrowed): the indexer stores it so
 * that the searcher knows what the scores in an index mean. */
const char *thm_set_text(const thm_set *set);

size_t thm_set_count(const thm_set *set);
/* Theme i's id ("prevent"), name ("Prevent duty") and description
 * (borrowed, valid while the set lives). */
const char *thm_set_id(const thm_set *set, size_t i);
const char *thm_set_name(const thm_set *set, size_t i);
const char *thm_set_description(const thm_set *set, size_t i);
/* Index of the theme with this id, or -1. */
long thm_set_find(const thm_set *set, const char *id);

typedef struct thm_result {
    size_t n;             /* themes in the set */
    const double *raw;    /* per theme: the cue sum (may be negative) */
    const double *score;  /* per theme: strength, 0 when raw <= 0 */
    const unsigned char *tagged; /* per theme: 1 = the passage is about it */
    thm_polarity polarity;
    double weakness, strength; /* the polarity evidence W and S */
    unsigned words;       /* tokens in the passage */
} thm_result;

typedef struct thm_scorer thm_scorer;

/* A scorer for one thread. It borrows `set` (which must outlive it). */
int thm_scorer_new(const thm_set *set, thm_scorer **out, char **err);
void thm_scorer_free(thm_scorer *sc);

/* Streaming use, for the indexer, which analyses each passage once and
 * hands every token to both the index and the scorer:
 *   thm_scorer_begin(sc, text, section_title, lead_in)
 *   thm_scorer_token(sc, tok)   for each token of the passage, in order
 *   thm_scorer_finish(sc, &res)
 * `text` is the passage (only its last character is read: a passage that
 * ends with ':' is a lead-in, and neutral); section_title and lead_in may
 * be NULL. The scorer analyses them itself
 * (caching the last of each, since consecutive passages share them). */
int thm_scorer_begin(thm_scorer *sc, const char *text,
                     const char *section_title, const char *lead_in,
                     char **err);
int thm_scorer_token(thm_scorer *sc, const stm_token *tok);
/* The result belongs to the scorer: valid until its next begin. */
int thm_scorer_finish(thm_scorer *sc, thm_result *out);

/* All three at once: analyse `text` (index mode) and score it. */
int thm_score_text(thm_scorer *sc, const char *text, size_t len,
                   const char *section_title, const char *lead_in,
                   thm_result *out, char **err);

/* The lead-in a passage belongs to: the nearest earlier passage of the same
 * section that ends with ':' ("Leaders should:"), when every passage from
 * there to this one is a short item (a bullet list). texts[i] is passage i,
 * sections[i] its section index. Returns an index < i, or -1. */
long thm_lead_in(const char *const *texts, const size_t *sections, size_t i);

#endif /* INSEARCH_THEMES_H */
