/* protected.c - domain terms that stemming must not conflate.
 *
 * A protected token gets a `K` term and no `Z` term (doc/DESIGN.md), so the
 * duty is found by "Prevent" and never by "prevented" or "prevention". The
 * rules below decide, from how a word is written and what surrounds it,
 * whether this occurrence is the domain term or the ordinary word.
 */
#include <string.h>

#include "stemmer/stemmer-private.h"

/* How a protected term is recognised. */
#define PROT_ALLCAPS      0x01u /* written in capitals anywhere: "SEND" */
#define PROT_CAPITALISED  0x02u /* capitalised mid-sentence, or sentence-
                                   initial but not read as the verb */
#define PROT_QUOTED       0x04u /* in quotes, whatever the case (index) */
#define PROT_LOWER_NOUN   0x08u /* lower case, directly followed by one of
                                   strong_nouns ("prevent duty") */

typedef struct protected_term {
    const char *word;   /* folded surface form */
    const char *form;   /* the K term */
    unsigned how;
} protected_term;

/* The whole list, with why each entry is here. */
static const protected_term protected_terms[] = {
    /* The Prevent duty (Counter-Terrorism and Security Act 2015, s.26):
     * providers must have due regard to preventing people being drawn into
     * terrorism. Reports judge it everywhere ("learners' understanding of
     * the Prevent duty"), and the stem "prevent" would drown it in every
     * "prevented", "preventing" and "prevention". */
    { "prevent", "prevent",
      PROT_ALLCAPS | PROT_CAPITALISED | PROT_QUOTED | PROT_LOWER_NOUN },
    /* SEND: special educational needs and disabilities. Written in
     * capitals it is never the verb "send", which is common ("send
     * learners on placements"). */
    { "send", "send", PROT_ALLCAPS },
};

/* Nouns that make a preceding "Prevent" the duty, even sentence-initial:
 * "Prevent training is...", "Prevent leads", "Prevent co-ordinator" (the
 * hyphen splits "co" off). Nouns a verb "prevent" often governs ("issues",
 * "harm", "action", "work") are left out on purpose. */
static const char *const duty_nouns[] = {
    "agenda", "awareness", "champion", "champions", "co", "coordinator",
    "coordinators", "course", "courses", "duties", "duty", "framework",
    "guidance", "lead", "leads", "legislation", "module", "modules",
    "obligations", "officer", "officers", "plan", "policies", "policy",
    "procedures", "programme", "programmes", "referral", "referrals",
    "requirements", "responsibilities", "responsibility", "risk", "risks",
    "strategies", "strategy", "team", "teams", "toolkit", "training",
    "workshop", "workshops",
};

/* Lower-case "prevent" is the verb unless one of these follows at once:
 * "prevent duty" is unambiguous, "prevent training" is not ("to prevent
 * training from lapsing"). */
static const char *const strong_nouns[] = {
    "duties", "duty", "strategies", "strategy",
};

/* Words after a sentence-initial "Prevent" that make it a noun (the
 * subject): "Prevent is a statutory duty". An imperative verb is followed
 * by its object ("Prevent learners from...", "Prevent the decline"), never
 * by these. */
static const char *const subject_followers[] = {
    "aims", "could", "covers", "forms", "had", "has", "includes", "is",
    "may", "means", "might", "must", "remains", "requires", "should",
    "sits", "was", "will",
};

static int in_list(const char *const *list, size_t n, const char *w,
                   size_t len)
{
    if (w == NULL)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && memcmp(list[i], w, len) == 0)
            return 1;
    return 0;
}

#define IN_LIST(list, w, len) \
    in_list((list), sizeof(list) / sizeof((list)[0]), (w), (len))

static const protected_term *term_find(const char *w, size_t len)
{
    /* "Prevent's aims", "SEND's": the possessive is still the term. */
    if (len > 2 && w[len - 2] == '\'' && w[len - 1] == 's')
        len -= 2;
    for (size_t i = 0; i < sizeof protected_terms / sizeof protected_terms[0];
         i++)
        if (strlen(protected_terms[i].word) == len &&
            memcmp(protected_terms[i].word, w, len) == 0)
            return &protected_terms[i];
    return NULL;
}

int stm_protected_candidate(const char *word, size_t len)
{
    return term_find(word, len) != NULL;
}

const char *stm_protected_match(const stm_protect_ctx *c)
{
    const protected_term *t = term_find(c->word, c->len);
    if (t == NULL)
        return NULL;

    int lower_noun = (t->how & PROT_LOWER_NOUN) &&
                     IN_LIST(strong_nouns, c->next, c->next_len);

    if (c->caps == STM_CAPS_ALLCAPS && (t->how & PROT_ALLCAPS)) {
        /* Capitals alone decide for terms like SEND; for Prevent a
         * heading line "PREVENT THE SPREAD" must still read as the verb,
         * so it goes through the capitalised rules below. */
        if (!(t->how & PROT_CAPITALISED))
            return t->form;
    }

    if (c->mode == STM_MODE_QUERY) {
        /* Taken as written: "Prevent" is the duty, "prevent" the verb;
         * "prevent duty" is what a report may say, so it is found too. */
        if (c->caps != STM_CAPS_NONE && (t->how & PROT_CAPITALISED))
            return t->form;
        return lower_noun ? t->form : NULL;
    }

    if (c->caps != STM_CAPS_NONE && (t->how & PROT_CAPITALISED)) {
        if (!c->sentence_start)
            return t->form;
        /* Sentence-initial: the duty only when it reads as a noun. */
        if (c->quoted || c->alone ||
            IN_LIST(duty_nouns, c->next, c->next_len) ||
            IN_LIST(subject_followers, c->next, c->next_len))
            return t->form;
        return NULL;
    }

    if ((t->how & PROT_QUOTED) && c->quoted)
        return t->form;
    if (lower_noun)
        return t->form;
    /* "the prevent lead": a determiner never comes before the verb. */
    if ((t->how & PROT_LOWER_NOUN) && c->prev != NULL && c->prev_len == 3 &&
        memcmp(c->prev, "the", 3) == 0 &&
        IN_LIST(duty_nouns, c->next, c->next_len))
        return t->form;
    return NULL;
}
