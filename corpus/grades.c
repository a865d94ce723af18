/* grades.c - grade phrases, provider types and their slugs.
 *
 * Matching is done on a squeezed form (lowercase letters and digits only) so
 * that "Requires Improvement", "requires-improvement" and the glued
 * "Insufficientprogress" of old PDF extractions are one and the same.
 */
#include "corpus/report-private.h"

#include <string.h>

static const struct { const char *squeezed; const char *slug; int rank; }
grade_words[] = {
    {"outstanding", "outstanding", 1},
    {"good", "good", 2},
    {"satisfactory", "satisfactory", 3},
    {"requiresimprovement", "requires-improvement", 3},
    {"inadequate", "inadequate", 4},
    {"unsatisfactory", "unsatisfactory", 4},
    {"veryweak", "very-weak", 5},
    {"exceptional", "exceptional", 1},
    {"strongstandard", "strong-standard", 2},
    {"expectedstandard", "expected-standard", 3},
    {"needsattention", "needs-attention", 4},
    {"urgentimprovement", "urgent-improvement", 5},
    /* monitoring judgements sort with good / requires improvement /
     * inadequate, so that a filter "rank >= 3" means "not yet good". */
    {"significantprogress", "significant-progress", 2},
    {"reasonableprogress", "reasonable-progress", 3},
    {"insufficientprogress", "insufficient-progress", 4},
};

/* Numbers on the 2005-2012 scale (1-4); 5 exists only before 2005. The
 * parser re-reads numbers by the report's era (rpt_grade_number). */
static const char *const grade_numbers[6] = {
    NULL, "outstanding", "good", "satisfactory", "inadequate", "very-weak",
};

static size_t squeeze(const char *s, size_t n, char *out, size_t cap)
{
    size_t i, o = 0;
    for (i = 0; i < n && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            out[o++] = (char)(c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            out[o++] = (char)c;
    }
    out[o] = '\0';
    return o;
}

static const char *grade_squeezed_lookup(const char *sq)
{
    size_t i;
    for (i = 0; i < sizeof grade_words / sizeof grade_words[0]; i++)
        if (strcmp(sq, grade_words[i].squeezed) == 0)
            return grade_words[i].slug;
    return NULL;
}

static const char *grade_squeezed(const char *sq)
{
    const char *slug = grade_squeezed_lookup(sq);
    if (slug)
        return slug;
    /* "grade2", "grade2good", "good2"? only the first two forms. */
    if (strncmp(sq, "grade", 5) == 0 && sq[5] >= '1' && sq[5] <= '5') {
        if (sq[6] == '\0')
            return grade_numbers[sq[5] - '0'];
        slug = grade_squeezed_lookup(sq + 6);
        if (slug)
            return slug;
        return NULL;
    }
    if (sq[0] >= '1' && sq[0] <= '5' && sq[1] == '\0')
        return grade_numbers[sq[0] - '0'];
    /* "Good-2", "Satisfactory-3": the word with its number */
    {
        size_t l = strlen(sq);
        if (l > 1 && sq[l - 1] >= '1' && sq[l - 1] <= '5' && l < 40) {
            char head[40];
            memcpy(head, sq, l - 1);
            head[l - 1] = '\0';
            slug = grade_squeezed_lookup(head);
            if (slug)
                return slug;
        }
    }
    /* "Outstanding: Grade 1", "Good grade 2" */
    {
        const char *g = strstr(sq, "grade");
        if (g && g > sq && g[5] >= '1' && g[5] <= '5' && g[6] == '\0') {
            char head[64];
            size_t n = (size_t)(g - sq);
            if (n < sizeof head) {
                memcpy(head, sq, n);
                head[n] = '\0';
                return grade_squeezed_lookup(head);
            }
        }
    }
    return NULL;
}

const char *rpt_grade_slug(const char *text)
{
    char sq[96];
    const char *p, *slug;
    size_t n;

    if (!text)
        return NULL;
    n = strlen(text);
    if (n > 80)
        return NULL;
    squeeze(text, n, sq, sizeof sq);
    slug = grade_squeezed(sq);
    if (slug)
        return slug;
    /* "Good (2)", "Outstanding (grade 1)": the words decide. */
    p = memchr(text, '(', n);
    if (p) {
        squeeze(text, (size_t)(p - text), sq, sizeof sq);
        return grade_squeezed(sq);
    }
    return NULL;
}

int rpt_grade_rank(const char *slug)
{
    size_t i;
    if (!slug)
        return 0;
    for (i = 0; i < sizeof grade_words / sizeof grade_words[0]; i++)
        if (strcmp(slug, grade_words[i].slug) == 0)
            return grade_words[i].rank;
    return 0;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

const char *rpt_grade_line(const char *text, size_t len)
{
    char buf[96];
    size_t i = 0;

    while (len > 0 && is_space((unsigned char)text[len - 1]))
        len--;
    while (i < len && is_space((unsigned char)text[i]))
        i++;
    text += i;
    len -= i;
    if (len == 0 || len > 80)
        return NULL;
    /* "is inadequate", "are good": the rest of a split heading */
    if (len > 3 && strncmp(text, "is ", 3) == 0) {
        text += 3;
        len -= 3;
    } else if (len > 4 && strncmp(text, "are ", 4) == 0) {
        text += 4;
        len -= 4;
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    /* A bare number is a grade only in a table, not as a line of text. */
    if (len <= 2 && text[0] >= '0' && text[0] <= '9')
        return NULL;
    return rpt_grade_slug(buf);
}

const char *rpt_grade_suffix(const char *text, size_t len, size_t *name_len)
{
    /* Try each separator from the right; the grade is at most a few words. */
    size_t i;
    size_t lo = len > 64 ? len - 64 : 0;

    while (len > 0 && is_space((unsigned char)text[len - 1]))
        len--;
    for (i = len; i-- > lo;) {
        unsigned char c = (unsigned char)text[i];
        size_t cut = 0, tail = 0;
        if (c == '?' || c == ':') {
            cut = i + (c == '?');
            tail = i + 1;
        } else if (c == '-' && i > 0 && text[i - 1] == ' ') {
            cut = i;
            tail = i + 1;
        } else if (c == 0x93 && i >= 2 && (unsigned char)text[i - 1] == 0x80 &&
                   (unsigned char)text[i - 2] == 0xE2) {
            cut = i - 2;   /* en dash */
            tail = i + 1;
        } else if (c == ' ' && i >= 3 &&
                   (strncmp(text + i - 3, " is", 3) == 0 ||
                    (i >= 4 && strncmp(text + i - 4, " are", 4) == 0))) {
            cut = text[i - 1] == 's' ? i - 3 : i - 4;
            tail = i + 1;
        } else {
            continue;
        }
        if (tail < len) {
            const char *slug = rpt_grade_line(text + tail, len - tail);
            if (slug) {
                while (cut > 0 && is_space((unsigned char)text[cut - 1]))
                    cut--;
                if (cut == 0)
                    return NULL;
                *name_len = cut;
                return slug;
            }
        }
    }
    return NULL;
}

/* Order matters: the longer, more specific phrase first. */
static const struct { const char *folded; const char *slug; } type_phrases[] = {
    {"independent specialist college", "independent-specialist-college"},
    {"specialist designated college", "specialist-designated-college"},
    {"specialist designated institution", "specialist-designated-college"},
    {"designated institution", "specialist-designated-college"},
    {"general further education college", "general-further-education-college"},
    {"general fe college", "general-further-education-college"},
    {"general further education", "general-further-education-college"},
    {"further education college", "general-further-education-college"},
    {"sixth form college", "sixth-form-college"},
    {"sixth form centre", "sixth-form-college"},
    {"tertiary college", "tertiary-college"},
    {"land based college", "land-based-college"},
    {"agricultural college", "land-based-college"},
    {"agriculture and horticulture college", "land-based-college"},
    {"specialist college land based", "land-based-college"},
    {"independent learning provider", "independent-learning-provider"},
    {"independent training provider", "independent-learning-provider"},
    {"private training provider", "independent-learning-provider"},
    {"work based learning provider", "independent-learning-provider"},
    {"independent provider", "independent-learning-provider"},
    {"employer provider", "employer"},
    {"employer", "employer"},
    {"local authority", "local-authority"},
    {"adult and community learning", "adult-community-learning"},
    {"community learning and skills", "adult-community-learning"},
    {"adult community learning", "adult-community-learning"},
    {"higher education institution", "higher-education-institution"},
    {"16 to 19 academy", "16-19-academy"},
    {"16 19 academy", "16-19-academy"},
    {"dance and drama college", "dance-and-drama-college"},
    {"dance and drama", "dance-and-drama-college"},
    {"young offender institution", "prison"},
    {"prison", "prison"},
    {"hmp", "prison"},
    {"yoi", "prison"},
};

const char *rpt_type_slug(const char *text, size_t len)
{
    char f[256];
    size_t i, n;

    rpt_text_fold(text, len, f, sizeof f);
    n = strlen(f);
    if (n == 0)
        return NULL;
    /* The phrase must start the text or be a whole word inside it: "Local
     * authority (community learning and skills)" is a local authority. */
    for (i = 0; i < sizeof type_phrases / sizeof type_phrases[0]; i++) {
        const char *p = type_phrases[i].folded;
        size_t pl = strlen(p);
        const char *hit = f;
        while ((hit = strstr(hit, p)) != NULL) {
            int left_ok = hit == f || hit[-1] == ' ';
            int right_ok = hit[pl] == '\0' || hit[pl] == ' ';
            if (left_ok && right_ok)
                return type_phrases[i].slug;
            hit++;
        }
    }
    return NULL;
}
