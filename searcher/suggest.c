/* suggest.c - "did you mean": the most frequent indexed word within a small
 * edit distance of a word that matched nothing. Words are read straight
 * from the term list (positional terms), so no spelling table is built at
 * index time; only searches that miss pay for it. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "searcher/searcher-private.h"
#include "util/buf.h"

#define MAX_WORD 64

/* Optimal string alignment distance, giving up past `limit`. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb,
                            size_t limit)
{
    size_t d[MAX_WORD + 1][MAX_WORD + 1];
    if (la > MAX_WORD || lb > MAX_WORD)
        return limit + 1;
    if ((la > lb ? la - lb : lb - la) > limit)
        return limit + 1;
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t row_min = limit + 1;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
            if (v < row_min)
                row_min = v;
        }
        if (row_min > limit)
            return limit + 1;
    }
    return d[la][lb];
}

char *srch_suggest_word(srch_db *db, const char *typed)
{
    /* Terms are stems: compare the typed word's stem with them. */
    char word[MAX_WORD + 1];
    int sl = stm_stem_word(db->query_an, typed, strlen(typed), word,
                           sizeof word);
    if (sl <= 0)
        return NULL;
    size_t wl = (size_t)sl;
    if (wl < 3 || wl > MAX_WORD)
        return NULL;
    size_t limit = wl <= 5 ? 1 : 2;
    char prefix[3] = {'Z', word[0], '\0'};
    xc_termiter *it = NULL;
    if (xc_db_allterms(db->db, prefix, &it) != XC_OK)
        return NULL;
    char *best = NULL;
    size_t best_d = limit + 1;
    uint32_t best_f = 0;
    const char *term;
    size_t len;
    uint32_t freq;
    while (xc_termiter_next(it, &term, &len, &freq) == 1) {
        term++; /* the prefix */
        len--;
        if (len == wl && memcmp(term, word, wl) == 0)
            continue;
        size_t d = edit_distance(word, wl, term, len, limit);
        if (d > limit)
            continue;
        if (d < best_d || (d == best_d && freq > best_f)) {
            char *c = str_ndup(term, len);
            if (!c)
                break;
            free(best);
            best = c;
            best_d = d;
            best_f = freq;
        }
    }
    xc_termiter_free(it);
    return best;
}
