/* stemmer.h - the analysis chain, used identically by the indexer and by the
 * query parser, so that a word as it appears in a report is found by typing
 * it.
 *
 *   bytes --stm_to_utf8--> UTF-8 --stm_analyse--> tokens (callback)
 *
 * stm_analyse segments with ICU (UAX #29 words), then normalises each word
 * (NFKC + case folding, curly apostrophes to ', soft hyphens removed,
 * ligatures expanded), recognises protected domain terms (the Prevent duty,
 * SEND) and acronyms, and stems the rest with Snowball English (through
 * xapian-c). See doc/DESIGN.md for how tokens become Xapian terms.
 */
#ifndef INSEARCH_STEMMER_H
#define INSEARCH_STEMMER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes: 0 success, negative failure. */
#define STM_OK 0
#define STM_ERR_NOMEM (-1)
#define STM_ERR_ICU (-2)
#define STM_ERR_INVALID (-3)

/* Token flags. */
#define STM_TOK_NUMERIC     0x01u /* starts with a digit ("2015", "40.8") */
#define STM_TOK_ALLCAPS     0x02u /* written in capitals, 2+ letters, maybe a
                                     plural s ("ICT", "KSBs"), and taken as
                                     an acronym (`stem` is the folded form);
                                     not set on the words of a heading in
                                     capitals ("SUMMARY OF KEY FINDINGS"),
                                     which are stemmed as usual */
#define STM_TOK_CAPITALISED 0x04u /* first letter upper, rest not all upper */
#define STM_TOK_PROTECTED   0x08u /* protected_form is set */
#define STM_TOK_JOINED      0x10u /* joined to the previous token with no
                                     space, by a hyphen, slash or similar
                                     ("off-the-job", "2015/16", "COVID-19") */
#define STM_TOK_SENTENCE_START 0x20u /* first word of a sentence/line */
#define STM_TOK_STOPWORD    0x40u /* `word` is a stopword (queries drop it
                                     outside phrases) */

typedef struct stm_token {
    const char *word;   /* normalised, case-folded form: the positional term.
                           NUL-terminated. */
    size_t word_len;
    const char *stem;   /* stem for the `Z` term; NULL when protected. For
                           capitalised acronyms: the folded form, plural
                           's' dropped ("ksb"). NUL-terminated. */
    size_t stem_len;
    const char *protected_form; /* form for the `K` term ("prevent",
                           "send"), else NULL. NUL-terminated. */
    size_t start, end;  /* byte offsets of the token in the analysed input
                           (a trailing apostrophe is not part of it:
                           "learners'" is [start, start + 8)) */
    unsigned position;  /* 1-based, consecutive over the analysed input */
    unsigned flags;     /* STM_TOK_* */
} stm_token;

/* Called once per token, in order. The strings in `tok` are borrowed: valid
 * only during the call. Return 0 to go on, non-zero to stop (stm_analyse
 * then returns that value). */
typedef int (*stm_token_fn)(void *ctx, const stm_token *tok);

typedef enum stm_mode {
    /* Report text: a capitalised "Prevent" is the duty unless it starts a
     * sentence and reads as the verb ("Prevent learners from ..."). */
    STM_MODE_INDEX = 0,
    /* Query text: what the person typed is taken as written: "Prevent" (or
     * 'PREVENT') is the duty, "prevent" the verb. */
    STM_MODE_QUERY = 1
} stm_mode;

typedef struct stm_analyser stm_analyser;

/* A new analyser. Not thread-safe: use one per thread (and do not call
 * stm_analyse on it from its own callback). It keeps ~1.7 MB of buffers
 * and a bounded stem cache, reused across calls. On failure returns
 * negative and, if err is non-NULL, sets *err to a malloc'd message. */
int stm_analyser_new(stm_mode mode, stm_analyser **out, char **err);
void stm_analyser_free(stm_analyser *an);

/* Stem only the words that could have one of these n stems (or prefixes of
 * stems): a word whose first byte starts none of them gets its folded form
 * as `stem` instead, which then matches none of them either. Snowball
 * English keeps a word's first letter (check_stemmer tests this over the
 * sample corpus), so a caller that only compares stems with these loses
 * nothing and skips most of the stemming (snippets). NULL stems: stem
 * every word again. The strings are not kept. */
void stm_analyser_limit_stems(stm_analyser *an, const char *const *stems,
                              size_t n);

/* Analyse `len` bytes of valid UTF-8 `text` (not necessarily
 * NUL-terminated; an invalid byte is read as U+FFFD, never dropped).
 * Positions restart at 1 on each call. Words longer than 64 bytes once
 * folded (URLs, hashes, extraction junk) yield no token and take no
 * position. Returns 0, the
 * callback's non-zero value, or a negative STM_ERR_* (message in *err if
 * err is non-NULL). */
int stm_analyse(stm_analyser *an, const char *text, size_t len,
                stm_token_fn fn, void *ctx, char **err);

/* Convert arbitrary bytes to valid UTF-8. Valid UTF-8 (with or without a
 * BOM) is copied as it is (BOM dropped); UTF-16 with a BOM is converted;
 * anything else is detected with ICU charset detection, falling back to
 * Windows-1252, and converted. NUL bytes become spaces. *out is malloc'd
 * (the caller frees it) and NUL-terminated; *charset (static string, may be
 * NULL) names what the input was taken to be ("UTF-8", "windows-1252"...). */
int stm_to_utf8(const char *bytes, size_t len, char **out, size_t *out_len,
                const char **charset, char **err);

/* Is this (folded) word a query stopword? */
int stm_is_stopword(const char *word, size_t len);

/* Stem one folded word outside an analysis (e.g. for "did you mean").
 * Writes a NUL-terminated stem to buf; returns its length or negative
 * (STM_ERR_INVALID: empty, over 64 bytes, or buf too small). A word that
 * starts with a digit is its own stem, as in stm_analyse. */
int stm_stem_word(stm_analyser *an, const char *word, size_t len, char *buf,
                  size_t bufsize);

#ifdef __cplusplus
}
#endif

#endif /* INSEARCH_STEMMER_H */
