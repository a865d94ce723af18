/* stemmer-private.h - what the files of stemmer/ share and nobody else uses.
 *
 * One section per file: charset.c (UTF-8 checks), stopwords.c, protected.c.
 * stemmer.c holds the analyser itself.
 */
#ifndef INSEARCH_STEMMER_PRIVATE_H
#define INSEARCH_STEMMER_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "stemmer/stemmer.h"

/* Longest folded word that becomes a term. Xapian caps terms at 245 bytes,
 * but anything this long in a report is a URL, a hash or extraction junk;
 * such words are skipped (they get no token and no position). */
#define STM_WORD_MAX 64

/* ---------- stemmer.c ---------- */

/* Tests: segment everything with ICU, even pure-ASCII text (which
 * otherwise takes a fast path that must give the same words). */
void stm_analyser_set_icu_only(stm_analyser *an, int icu_only);

/* ---------- charset.c ---------- */

/* Length of the longest valid UTF-8 prefix of s[0..len) (== len when all of
 * it is valid). No ICU: this is the common path. */
size_t stm_utf8_valid_prefix(const char *s, size_t len);

/* Decode one code point at s[0..len) (len > 0). Sets *cp and returns the
 * number of bytes used; an invalid or truncated sequence gives U+FFFD and
 * uses exactly one byte, so every byte is accounted for. */
size_t stm_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* Set *err (when err is non-NULL) to a malloc'd copy of msg; returns code. */
int stm_error_set(char **err, int code, const char *msg);

/* ---------- stopwords.c ---------- */
/* (stm_is_stopword is public, in stemmer.h) */

/* ---------- protected.c ---------- */

/* How a word was written, from its original (unfolded) letters. */
typedef enum stm_caps {
    STM_CAPS_NONE = 0,      /* no letters, or lower case ("prevent") */
    STM_CAPS_CAPITALISED,   /* "Prevent", "I" */
    STM_CAPS_ALLCAPS        /* 2+ letters, all upper, maybe a plural s:
                               "PREVENT", "SEND", "KSBs" */
} stm_caps;

/* What the protected-term rules may look at around one word. */
typedef struct stm_protect_ctx {
    const char *word;       /* folded */
    size_t len;
    stm_caps caps;
    int sentence_start;
    int quoted;             /* an opening quote right before the word and a
                               closing one right after it */
    const char *prev;       /* folded previous word when only spaces
                               separate the two, else NULL */
    size_t prev_len;
    const char *next;       /* folded next word when only spaces (on the
                               same line) separate the two, else NULL */
    size_t next_len;
    int alone;              /* nothing follows in the same clause: end of
                               text, a line break or punctuation comes
                               next ("Prevent:", "Prevent, safeguarding") */
    stm_mode mode;
} stm_protect_ctx;

/* Could this folded word be a protected term in some context? (Cached per
 * word, so the context rules run only for these.) */
int stm_protected_candidate(const char *word, size_t len);

/* The protected form ("prevent", "send") this word takes in this context,
 * or NULL when it is an ordinary word. */
const char *stm_protected_match(const stm_protect_ctx *c);

#endif /* INSEARCH_STEMMER_PRIVATE_H */
