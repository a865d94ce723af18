/* names.c - type-ahead: the themes and providers whose names start with
 * what has been typed so far (`/api/suggest` of `insearch serve`). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/terms.h"
#include "searcher/searcher-private.h"
#include "util/buf.h"

/* Does a word of `s` (ASCII case folded; words split at anything that is
 * not a letter or digit) start with `prefix` (already lower case)? 2 when
 * the first word does, 1 for a later word, 0 for none. */
static int word_prefix_match(const char *s, size_t n, const char *prefix,
                             size_t pl)
{
    int first = 1;
    for (size_t i = 0; i < n;) {
        while (i < n && !isalnum((unsigned char)s[i]) &&
               !((unsigned char)s[i] & 0x80))
            i++;
        if (i >= n)
            break;
        size_t k = 0;
        while (k < pl && i + k < n &&
               tolower((unsigned char)s[i + k]) == (unsigned char)prefix[k])
            k++;
        if (k == pl)
            return first ? 2 : 1;
        first = 0;
        while (i < n && (isalnum((unsigned char)s[i]) ||
                         ((unsigned char)s[i] & 0x80)))
            i++;
    }
    return 0;
}

typedef struct prov_acc {
    srch_suggested_provider *v;
    int *rank; /* 2: the name starts with it, 1: a later word or the URN */
    size_t n, cap;
    const char *prefix;
    size_t pl;
    int failed;
} prov_acc;

/* Slots: provider key ("URN" or "name:slug", TAB, name) and date. */
static void visit(void *ctx, const char *const *v, const size_t *n)
{
    prov_acc *a = ctx;
    if (a->failed || n[0] == 0)
        return;
    const char *tab = memchr(v[0], '\t', n[0]);
    if (!tab)
        return;
    size_t kl = (size_t)(tab - v[0]);
    const char *name = tab + 1;
    size_t nl = n[0] - kl - 1;
    int m = word_prefix_match(name, nl, a->prefix, a->pl);
    int is_urn = strncmp(v[0], "name:", 5) != 0;
    if (!m && is_urn && kl >= a->pl && memcmp(v[0], a->prefix, a->pl) == 0)
        m = 1;
    if (!m)
        return;
    char date[11] = "";
    size_t dl = n[1] < 10 ? n[1] : 10;
    memcpy(date, v[1], dl);
    date[dl] = '\0';
    /* Few providers match a prefix: a linear look-up is enough. */
    for (size_t i = 0; i < a->n; i++) {
        if (strlen(a->v[i].key) == kl && memcmp(a->v[i].key, v[0], kl) == 0) {
            a->v[i].reports++;
            if (strcmp(date, a->v[i].latest) > 0)
                memcpy(a->v[i].latest, date, sizeof date);
            return;
        }
    }
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        srch_suggested_provider *nv = realloc(a->v, cap * sizeof *nv);
        int *nr = realloc(a->rank, cap * sizeof *nr);
        if (nv)
            a->v = nv;
        if (nr)
            a->rank = nr;
        if (!nv || !nr) {
            a->failed = 1;
            return;
        }
        a->cap = cap;
    }
    srch_suggested_provider *p = &a->v[a->n];
    memset(p, 0, sizeof *p);
    p->key = str_ndup(v[0], kl);
    p->name = str_ndup(name, nl);
    p->urn = str_ndup(is_urn ? v[0] : "", is_urn ? kl : 0);
    if (!p->key || !p->name || !p->urn) {
        free(p->key);
        free(p->name);
        free(p->urn);
        a->failed = 1;
        return;
    }
    p->reports = 1;
    memcpy(p->latest, date, sizeof date);
    a->rank[a->n] = m;
    a->n++;
}

/* Best first: the name starts with the prefix, then more reports, then
 * by name. (qsort_r is not C11: sort indexes through a copy instead.) */
typedef struct ranked {
    srch_suggested_provider p;
    int rank;
} ranked;

static int cmp_ranked(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->rank != b->rank)
        return b->rank - a->rank;
    if (a->p.reports != b->p.reports)
        return a->p.reports < b->p.reports ? 1 : -1;
    return strcmp(a->p.name, b->p.name);
}

void srch_suggestions_free(srch_suggestions *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_providers; i++) {
        free(s->providers[i].key);
        free(s->providers[i].name);
        free(s->providers[i].urn);
    }
    free(s->providers);
    free(s->themes);
    free(s);
}

int srch_suggest(srch_db *db, const char *prefix, size_t limit,
                 srch_suggestions **out, srch_error *err)
{
    *out = NULL;
    char low[SRCH_SUGGEST_MAX_PREFIX + 1];
    size_t pl = 0;
    for (const char *s = prefix; *s; s++) {
        if (pl == SRCH_SUGGEST_MAX_PREFIX) {
            srch_set_error(err, SRCH_ERR_QUERY, "the prefix is longer than "
                           "%d bytes", SRCH_SUGGEST_MAX_PREFIX);
            return SRCH_ERR_QUERY;
        }
        low[pl++] = (char)tolower((unsigned char)*s);
    }
    low[pl] = '\0';
    /* Leading and trailing spaces are not part of a word. */
    char *p = low;
    while (*p == ' ')
        p++, pl--;
    while (pl && p[pl - 1] == ' ')
        p[--pl] = '\0';
    srch_suggestions *s = calloc(1, sizeof *s);
    if (!s) {
        srch_set_error(err, SRCH_ERR, "out of memory");
        return SRCH_ERR;
    }
    *out = s;
    if (pl == 0 || limit == 0)
        return SRCH_OK;

    size_t nt = db->themes ? thm_set_count(db->themes) : 0;
    s->themes = calloc(nt ? nt : 1, sizeof *s->themes);
    if (!s->themes) {
        srch_suggestions_free(s);
        *out = NULL;
        srch_set_error(err, SRCH_ERR, "out of memory");
        return SRCH_ERR;
    }
    /* Names whose first word matches come before the others. */
    for (int pass = 2; pass >= 1; pass--)
        for (size_t i = 0; i < nt && s->n_themes < limit; i++) {
            const char *id = thm_set_id(db->themes, i);
            const char *name = thm_set_name(db->themes, i);
            int m = word_prefix_match(name, strlen(name), p, pl);
            int mi = word_prefix_match(id, strlen(id), p, pl);
            if (mi > m)
                m = mi;
            if (m == pass) {
                s->themes[s->n_themes].id = id;
                s->themes[s->n_themes].name = name;
                s->n_themes++;
            }
        }
    /* The strings belong to db->themes: the caller keeps db open while it
     * uses them (said in searcher.h). */

    static const unsigned slots[2] = {SLOT_PROVIDER_KEY, SLOT_DATE};
    prov_acc acc = {0};
    acc.prefix = p;
    acc.pl = pl;
    xc_query *parts[2] = {srch_term_query(TERM_DOCTYPE, "report"),
                          srch_term_query(TERM_KIND, "other")};
    xc_query *q = NULL;
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    uint32_t doccount = 0;
    int rc = SRCH_ERR;
    xc_db_doccount(db->db, &doccount);
    if (parts[0] && parts[1] &&
        xc_query_combine(XC_OP_AND_NOT, parts, 2, 0, &q) == XC_OK &&
        srch_enquire_new(db, &enq) == XC_OK &&
        xc_enquire_set_query(enq, q) == XC_OK &&
        xc_enquire_set_boolean_weight(enq) == XC_OK &&
        xc_enquire_set_visitor(enq, slots, 2, visit, &acc) == XC_OK &&
        xc_enquire_get_mset(enq, 0, 0, doccount ? doccount : 1, &ms) == XC_OK)
        rc = acc.failed ? SRCH_ERR : SRCH_OK;
    if (rc != SRCH_OK)
        srch_set_error(err, SRCH_ERR, "reading the providers: %s",
                       acc.failed ? "out of memory" : xc_last_error());
    xc_mset_free(ms);
    xc_enquire_free(enq);
    xc_query_free(q);
    xc_query_free(parts[0]);
    xc_query_free(parts[1]);

    ranked *rk = acc.n ? malloc(acc.n * sizeof *rk) : NULL;
    if (acc.n && !rk && rc == SRCH_OK) {
        srch_set_error(err, SRCH_ERR, "out of memory");
        rc = SRCH_ERR;
    }
    if (rk) {
        for (size_t i = 0; i < acc.n; i++) {
            rk[i].p = acc.v[i];
            rk[i].rank = acc.rank[i];
        }
        qsort(rk, acc.n, sizeof *rk, cmp_ranked);
        for (size_t i = 0; i < acc.n; i++)
            acc.v[i] = rk[i].p;
        free(rk);
    }
    free(acc.rank);
    s->providers = acc.v;
    s->n_providers = acc.n;
    /* Keep the best `limit`; free the rest. */
    for (size_t i = limit; i < s->n_providers; i++) {
        free(s->providers[i].key);
        free(s->providers[i].name);
        free(s->providers[i].urn);
    }
    if (s->n_providers > limit)
        s->n_providers = limit;
    if (rc != SRCH_OK) {
        srch_suggestions_free(s);
        *out = NULL;
    }
    return rc;
}
