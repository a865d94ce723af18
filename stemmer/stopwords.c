/* stopwords.c - the query stopword list.
 *
 * Only queries use it (a stopword outside a phrase is dropped); the indexer
 * indexes every word so that "the Prevent duty" still matches as a phrase.
 * Words that change a judgement ("not", "no", "more", "most", "well",
 * "good") are deliberately absent: "not good" must not become "good".
 */
#include <string.h>

#include "stemmer/stemmer-private.h"

/* Sorted (strcmp order) for bsearch. */
static const char *const stopwords[] = {
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as",
    "at", "be", "been", "being", "but", "by", "can", "could", "did", "do",
    "does", "for", "from", "had", "has", "have", "he", "her", "his", "how",
    "i", "if", "in", "into", "is", "it", "its", "may", "of", "on", "or",
    "our", "she", "should", "so", "such", "than", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "those", "to", "was",
    "we", "were", "what", "when", "where", "which", "while", "who", "will",
    "with", "would", "you", "your",
};

int stm_is_stopword(const char *word, size_t len)
{
    /* Nothing in the list is longer than 6 bytes; most words are. */
    if (len == 0 || len > 6)
        return 0;
    char key[8];
    memcpy(key, word, len);
    key[len] = '\0';
    size_t lo = 0, hi = sizeof stopwords / sizeof stopwords[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(key, stopwords[mid]);
        if (c == 0)
            return 1;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}
