/* plan.c - a development plan drafted from a report: `insearch plan`.
 *
 * The items are the report's own recommendations: the bullets of its
 * "need to do to improve" section (whatever the era calls it: "What does
 * the provider need to do to improve (further)?", "What should be
 * improved", "Key challenges for ...", "Key areas for improvement", "Next
 * steps") and those after "... should take further action to:" in a
 * monitoring visit. Everything is read at query time from the passages the
 * index already keeps (section title, page, themes, polarity), so the
 * index format does not change.
 *
 * Evidence and progress come from the passages' themes and polarity: a
 * report's weight on a theme is the summed strength of its weakness (or
 * strength) passages about it, as in the report vectors of providers.c.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "searcher/searcher-private.h"
#include "util/buf.h"

#define WORSE_MARGIN 0.5 /* of the balance (S - W) / (S + W), -1..1 */

/* ------------------------------------------------------------ finding the
 * recommendations */

/* 1: a section of recommendations; 2: a summary list of areas for
 * improvement (2005-2012), used only when a report has no section of the
 * first kind (Riverside College 2009 has both, and its "Areas for
 * improvement" says in short what the recommendations say); 0: neither. */
static int rec_tier(const char *title)
{
    char *slug = str_slugify(title ? title : "");
    int tier = 0;
    if (!slug)
        return 0;
    if (strstr(slug, "need-to-do-to-improve") ||
        strcmp(slug, "what-should-be-improved") == 0 ||
        strncmp(slug, "key-challenges", 14) == 0 ||
        strcmp(slug, "key-areas-for-improvement") == 0 ||
        strncmp(slug, "next-steps", 10) == 0)
        tier = 1;
    else if (strcmp(slug, "areas-for-improvement") == 0)
        tier = 2;
    free(slug);
    return tier;
}

/* The verbs recommendations start with. A passage in a recommendations
 * section that starts otherwise, with a capital, and has no "should"
 * near its start is the report's furniture ("Further aspects of provision
 * requiring improvement are identified...", "I am copying this letter..."),
 * not a recommendation. */
static const char *const verbs[] = {
    "act", "address", "adopt", "agree", "align", "allocate", "analyse",
    "apply",
    "appoint", "assess", "broaden", "build", "challenge", "check",
    "clarify", "collect", "communicate", "complete", "continue", "create",
    "deliver", "design", "develop", "eliminate", "embed", "enable",
    "encourage", "enhance", "enrich", "ensure", "equip", "establish",
    "evaluate", "expand", "extend", "focus", "give", "help", "hold",
    "identify", "implement", "improve", "increase", "inform", "integrate",
    "introduce", "involve", "maintain", "make", "manage", "measure",
    "monitor", "offer", "plan", "prepare", "prevent", "prioritise",
    "produce", "promote", "protect", "provide", "put", "raise", "recruit", "record",
    "reduce", "refine", "reinforce", "remove", "resolve", "restore",
    "retain", "review", "revise", "revisit", "secure", "set", "share",
    "sharpen", "stop", "strengthen", "stretch", "support", "sustain",
    "tackle", "take", "target", "teach", "tighten", "track", "train",
    "update", "use", "widen", "work",
    NULL};

static int starts_with_verb(const char *s)
{
    char w[24];
    size_t n = 0;
    while (n + 1 < sizeof w && isalpha((unsigned char)s[n])) {
        w[n] = (char)tolower((unsigned char)s[n]);
        n++;
    }
    w[n] = '\0';
    for (size_t i = 0; verbs[i]; i++)
        if (strcmp(w, verbs[i]) == 0)
            return 1;
    return 0;
}

/* "should" or "must" among the first twelve words ("Leaders should ...",
 * "Teachers of vocational courses should ...", "Leaders must urgently
 * ..."). */
static int should_near_start(const char *s)
{
    int words = 0;
    const char *p = s;
    while (*p && words < 12) {
        while (*p == ' ')
            p++;
        if ((strncasecmp(p, "should", 6) == 0 &&
             !isalpha((unsigned char)p[6])) ||
            (strncasecmp(p, "must", 4) == 0 && !isalpha((unsigned char)p[4])))
            return 1;
        while (*p && *p != ' ')
            p++;
        words++;
    }
    return 0;
}

static int ends_with_colon(const char *s)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return n && s[n - 1] == ':';
}

static int is_recommendation(const char *s)
{
    if (!s || !*s || ends_with_colon(s))
        return 0;
    return islower((unsigned char)*s) || starts_with_verb(s) ||
           should_near_start(s);
}

static int is_further_action_lead_in(const char *s)
{
    return ends_with_colon(s) && strcasestr(s, "further action") != NULL;
}

/* A recommendations heading the parser took for a passage ("What does
 * Birchley College need to do to improve?" right under a list): short,
 * no full stop. */
static int is_heading_passage(const char *s)
{
    size_t n = strlen(s);
    return n < 100 && n && s[n - 1] != '.' && rec_tier(s) == 1;
}

/* Marks rec[i] for the passages that are recommendations; returns how
 * many. */
static size_t find_recommendations(const srch_shown *s, char *rec)
{
    int best = 0;
    for (size_t i = 0; i < s->n_passages; i++) {
        int t = rec_tier(s->passages[i].section);
        if (is_heading_passage(s->passages[i].passage))
            t = 1;
        if (t && (!best || t < best))
            best = t;
    }
    size_t n = 0;
    for (size_t i = 0; i < s->n_passages; i++)
        rec[i] = best && rec_tier(s->passages[i].section) == best &&
                 !is_heading_passage(s->passages[i].passage) &&
                 is_recommendation(s->passages[i].passage);
    /* a bullet between two recommendations of the same section is one,
     * whatever verb it starts with */
    for (size_t i = 1; i + 1 < s->n_passages; i++)
        if (!rec[i] && rec[i - 1] && rec[i + 1] &&
            strcmp(s->passages[i - 1].section, s->passages[i].section) == 0 &&
            strcmp(s->passages[i + 1].section, s->passages[i].section) == 0 &&
            !ends_with_colon(s->passages[i].passage) &&
            !is_heading_passage(s->passages[i].passage))
            rec[i] = 2;
    for (size_t i = 0; i < s->n_passages; i++) {
        const srch_hit *h = &s->passages[i];
        if (is_further_action_lead_in(h->passage) ||
            is_heading_passage(h->passage))
            /* the bullets after it, in its section */
            for (size_t j = i + 1;
                 j < s->n_passages &&
                 strcmp(s->passages[j].section, h->section) == 0 &&
                 is_recommendation(s->passages[j].passage);
                 j++)
                rec[j] = 1;
    }
    for (size_t i = 0; i < s->n_passages; i++)
        n += rec[i] != 0;
    return n;
}

/* ------------------------------------------------------------ themes */

static double theme_score(const srch_hit *h, const char *id)
{
    for (size_t i = 0; i < h->n_themes; i++)
        if (strcmp(h->themes[i].id, id) == 0)
            return h->themes[i].score;
    return 0;
}

/* The summed strength on a theme of a report's weakness and strength
 * passages. */
static void theme_weights(const srch_shown *s, const char *id, double *weak,
                          double *strong)
{
    *weak = *strong = 0;
    for (size_t i = 0; i < s->n_passages; i++) {
        const srch_hit *h = &s->passages[i];
        double sc = theme_score(h, id);
        if (sc <= 0)
            continue;
        if (strcmp(h->polarity, "weakness") == 0)
            *weak += sc;
        else if (strcmp(h->polarity, "strength") == 0)
            *strong += sc;
    }
}

/* The passage most about a theme with a polarity, recommendations left
 * out unless `rec` is NULL; NULL when none. */
static const srch_hit *strongest(const srch_shown *s, const char *rec,
                                 const char *id, const char *pol)
{
    const srch_hit *best = NULL;
    double bs = 0;
    for (size_t i = 0; i < s->n_passages; i++) {
        const srch_hit *h = &s->passages[i];
        double sc = theme_score(h, id);
        if ((rec && rec[i]) || sc <= 0 || strcmp(h->polarity, pol) != 0 ||
            ends_with_colon(h->passage))
            continue;
        if (!best || sc > bs) {
            best = h;
            bs = sc;
        }
    }
    return best;
}

/* ------------------------------------------------------------ evidence */

/* Lower-case words of five letters or more: what a recommendation and
 * the passage it came from share ("subcontractors", "targets"). */
static size_t content_words(const char *s, char w[][24], size_t max)
{
    size_t n = 0;
    while (*s && n < max) {
        while (*s && !isalpha((unsigned char)*s))
            s++;
        size_t len = 0;
        char tmp[24];
        while (isalpha((unsigned char)*s)) {
            if (len + 1 < sizeof tmp)
                tmp[len++] = (char)tolower((unsigned char)*s);
            s++;
        }
        tmp[len] = '\0';
        if (len < 5)
            continue;
        int seen = 0;
        for (size_t k = 0; k < n && !seen; k++)
            seen = strcmp(w[k], tmp) == 0;
        if (!seen)
            memcpy(w[n++], tmp, len + 1);
    }
    return n;
}

static double overlap(char rw[][24], size_t nr, const char *text)
{
    char pw[256][24];
    size_t np = content_words(text, pw, 256), shared = 0;
    for (size_t i = 0; i < nr; i++)
        for (size_t k = 0; k < np; k++)
            if (strcmp(rw[i], pw[k]) == 0) {
                shared++;
                break;
            }
    return nr ? (double)shared / (double)nr : 0;
}

typedef struct scored {
    const srch_hit *h;
    double score;
} scored;

static int cmp_scored(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return (x->h->passage_index > y->h->passage_index) -
           (x->h->passage_index < y->h->passage_index);
}

/* The body's weakness passages on the item's theme, ranked by their
 * strength on it, and more the more words they share with the
 * recommendation (so "subcontracted courses" finds the passage about
 * subcontractors before another about the same theme). */
static int item_evidence(const srch_shown *s, const char *rec,
                         srch_plan_item *it, unsigned max)
{
    if (!*it->theme->id || max == 0)
        return 0;
    char rw[64][24];
    size_t nr = content_words(it->recommendation->passage, rw, 64);
    scored *v = calloc(s->n_passages ? s->n_passages : 1, sizeof *v);
    if (!v)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < s->n_passages; i++) {
        const srch_hit *h = &s->passages[i];
        double sc = theme_score(h, it->theme->id);
        if (rec[i] || sc <= 0 || strcmp(h->polarity, "weakness") != 0 ||
            ends_with_colon(h->passage))
            continue;
        v[n].h = h;
        v[n].score = sc * (0.5 + overlap(rw, nr, h->passage));
        n++;
    }
    qsort(v, n, sizeof *v, cmp_scored);
    if (n > max)
        n = max;
    it->evidence = calloc(n ? n : 1, sizeof *it->evidence);
    if (!it->evidence) {
        free(v);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        it->evidence[i] = v[i].h;
    it->n_evidence = n;
    free(v);
    return 0;
}

/* ------------------------------------------------------------ the plan */

void srch_plan_free(srch_plan *p)
{
    if (!p)
        return;
    {
        for (size_t i = 0; i < p->n_themes; i++) {
            srch_plan_theme *t = &p->themes[i];
            free(t->id);
            for (size_t k = 0; k < t->n_peers; k++) {
                free(t->peers[k].provider);
                free(t->peers[k].urn);
                if (t->peers[k].before_passage) {
                    srch_hit_clear(t->peers[k].before_passage);
                    free(t->peers[k].before_passage);
                }
                if (t->peers[k].after_passage) {
                    srch_hit_clear(t->peers[k].after_passage);
                    free(t->peers[k].after_passage);
                }
            }
            free(t->peers);
        }
        free(p->themes);
    }
    for (size_t i = 0; i < p->n_items; i++)
        free(p->items[i].evidence);
    free(p->items);
    for (size_t i = 0; i < p->n_progress; i++)
        free(p->progress[i].theme_id);
    free(p->progress);
    srch_shown_free(p->shown);
    srch_shown_free(p->shown_previous);
    for (size_t i = 0; i < p->n_reports; i++)
        srch_report_free(p->reports[i]);
    free(p->reports);
    free(p->provider);
    free(p->urn);
    free(p);
}

static const char *theme_name(srch_db *db, const char *id)
{
    long t = *id ? thm_set_find(db->themes, id) : -1;
    return t >= 0 ? thm_set_name(db->themes, (size_t)t) : "Other";
}

/* Each recommendation's theme: the one the index says it is most about;
 * for a bullet too short to reach the index's threshold on any theme
 * ("ensure all learners are visited and assessed regularly"), the theme
 * its words score highest on, scored here with the index's taxonomy;
 * "" when it scores on none. ids[i] for passage i (borrowed from the
 * passage or the db), NULL for the other passages. */
static const char **rec_theme_ids(srch_db *db, const srch_shown *s,
                                  const char *rec)
{
    const char **ids = calloc(s->n_passages ? s->n_passages : 1,
                              sizeof *ids);
    thm_scorer *sc = NULL;
    thm_set *set = NULL;
    int tried = 0;
    if (!ids)
        return NULL;
    for (size_t i = 0; i < s->n_passages; i++) {
        const srch_hit *h = &s->passages[i];
        if (!rec[i])
            continue;
        ids[i] = "";
        if (h->n_themes) {
            ids[i] = h->themes[0].id;
            continue;
        }
        char *msg = NULL;
        thm_result res;
        /* the db keeps only the taxonomy's names: the cues are parsed
         * from the text it was scored with, once, when first needed */
        if (!set && !tried) {
            const char *text = srch_themes_text(db);
            tried = 1;
            if (!text || thm_set_parse(text, strlen(text), "index", &set,
                                       &msg) != 0 ||
                thm_scorer_new(set, &sc, &msg) != 0) {
                free(msg);
                msg = NULL;
                sc = NULL;
            }
        }
        if (!sc)
            continue;
        if (thm_score_text(sc, h->passage, strlen(h->passage), h->section,
                           NULL, &res, &msg) != 0) {
            free(msg);
            continue;
        }
        double best = 0;
        for (size_t t = 0; t < res.n; t++)
            if (res.score[t] > best) {
                best = res.score[t];
                ids[i] = thm_set_id(db->themes, t);
            }
    }
    thm_scorer_free(sc);
    thm_set_free(set);
    return ids;
}

/* The groups of a report's recommendations by theme, in the order each
 * theme first comes, and the items grouped so. */
static int make_items(srch_db *db, srch_plan *p, const char *rec,
                      const char **tid, unsigned evidence)
{
    const srch_shown *s = p->shown;
    size_t n = 0;
    for (size_t i = 0; i < s->n_passages; i++)
        n += rec[i] != 0;
    p->themes = calloc(n ? n : 1, sizeof *p->themes);
    p->items = calloc(n ? n : 1, sizeof *p->items);
    if (!p->themes || !p->items)
        return -1;
    for (size_t i = 0; i < s->n_passages; i++) {
        if (!rec[i])
            continue;
        const char *id = tid[i];
        size_t g = 0;
        while (g < p->n_themes && strcmp(p->themes[g].id, id) != 0)
            g++;
        if (g == p->n_themes) {
            if (!(p->themes[g].id = str_dup(id)))
                return -1;
            p->themes[g].name = theme_name(db, id);
            p->n_themes++;
        }
    }
    for (size_t g = 0; g < p->n_themes; g++)
        for (size_t i = 0; i < s->n_passages; i++) {
            if (!rec[i] || strcmp(tid[i], p->themes[g].id) != 0)
                continue;
            srch_plan_item *it = &p->items[p->n_items++];
            it->theme = &p->themes[g];
            it->recommendation = &s->passages[i];
            it->rag = "";
            if (item_evidence(s, rec, it, evidence) != 0)
                return -1;
        }
    return 0;
}

/* Who fixed each theme: providers.c finds them, here their passages. */
static int add_peers(srch_db *db, srch_plan *p, unsigned limit,
                     srch_error *err)
{
    size_t *idx = calloc(p->n_themes ? p->n_themes : 1, sizeof *idx);
    size_t *map = calloc(p->n_themes ? p->n_themes : 1, sizeof *map);
    srch_fixer **fx = calloc(p->n_themes ? p->n_themes : 1, sizeof *fx);
    size_t *nfx = calloc(p->n_themes ? p->n_themes : 1, sizeof *nfx);
    size_t n = 0;
    int rc = SRCH_ERR;
    if (!idx || !map || !fx || !nfx) {
        srch_set_error(err, SRCH_ERR, "out of memory");
        goto done;
    }
    for (size_t g = 0; g < p->n_themes; g++) {
        long t = *p->themes[g].id ? thm_set_find(db->themes, p->themes[g].id)
                                  : -1;
        if (t >= 0) {
            idx[n] = (size_t)t;
            map[n++] = g;
        }
    }
    if (limit == 0 || n == 0) {
        rc = SRCH_OK;
        goto done;
    }
    rc = srch_theme_fixers(db, p->report->id, idx, n, limit, fx, nfx, err);
    if (rc != SRCH_OK)
        goto done;
    for (size_t k = 0; k < n; k++) {
        srch_plan_theme *th = &p->themes[map[k]];
        th->peers = calloc(nfx[k] ? nfx[k] : 1, sizeof *th->peers);
        if (!th->peers) {
            srch_set_error(err, SRCH_ERR, "out of memory");
            rc = SRCH_ERR;
            goto done;
        }
        for (size_t i = 0; i < nfx[k]; i++) {
            const srch_fixer *f = &fx[k][i];
            srch_plan_peer *pe = &th->peers[th->n_peers];
            pe->before = srch_report_cached(db, &p->reports, &p->n_reports,
                                            f->before);
            pe->after = srch_report_cached(db, &p->reports, &p->n_reports,
                                           f->after);
            if (!pe->before || !pe->after)
                continue;
            pe->provider = str_dup(f->provider);
            pe->urn = str_dup(f->urn);
            pe->score = f->score;
            pe->before_passage = srch_best_passage(
                db, &p->reports, &p->n_reports, f->before, idx[k], "weakness");
            pe->after_passage = srch_best_passage(
                db, &p->reports, &p->n_reports, f->after, idx[k], "strength");
            th->n_peers++;
            if (!pe->provider || !pe->urn) {
                srch_set_error(err, SRCH_ERR, "out of memory");
                rc = SRCH_ERR;
                goto done;
            }
        }
    }
done:
    for (size_t k = 0; fx && nfx && k < n; k++)
        srch_fixers_free(fx[k], nfx[k]);
    free(fx);
    free(nfx);
    free(idx);
    free(map);
    return rc;
}

static double balance(double weak, double strong)
{
    return weak + strong > 0 ? (strong - weak) / (strong + weak) : 0;
}

static const char *rag_of(const char *status)
{
    if (strcmp(status, "resolved") == 0)
        return "green";
    if (strcmp(status, "persisting") == 0)
        return "amber";
    if (strcmp(status, "worse") == 0)
        return "red";
    return "";
}

/* An earlier area for improvement against the report now (doc/API.md):
 * resolved when the report now makes no recommendation on its theme and
 * its strength passages on it outweigh its weakness ones (a strength now,
 * or absent with positive evidence); no-evidence when it says nothing
 * either way; otherwise persisting, or worse when the balance of strength
 * against weakness on the theme fell by more than WORSE_MARGIN. */
static void judge(const srch_plan *p, const char *rec_now,
                  srch_plan_progress *g)
{
    const char *id = g->theme_id;
    if (!*id) {
        g->status = "no-evidence";
        g->rag = "";
        return;
    }
    theme_weights(p->shown_previous, id, &g->weak_before, &g->strong_before);
    theme_weights(p->shown, id, &g->weak_now, &g->strong_now);
    const srch_plan_item *again = NULL;
    for (size_t i = 0; i < p->n_items && !again; i++)
        if (strcmp(p->items[i].theme->id, id) == 0)
            again = &p->items[i];
    if (!again && g->strong_now > g->weak_now) {
        g->status = "resolved";
        g->now = strongest(p->shown, rec_now, id, "strength");
    } else if (!again && g->weak_now == 0) {
        g->status = "no-evidence";
    } else {
        int worse = balance(g->weak_now, g->strong_now) <
                    balance(g->weak_before, g->strong_before) - WORSE_MARGIN;
        g->status = worse ? "worse" : "persisting";
        g->now = again ? again->recommendation
                       : strongest(p->shown, rec_now, id, "weakness");
    }
    g->rag = rag_of(g->status);
}

static int make_progress(srch_db *db, srch_plan *p, const char *rec_now,
                         srch_error *err)
{
    const srch_shown *s = p->shown_previous;
    char *rec = calloc(s->n_passages ? s->n_passages : 1, 1);
    if (!rec) {
        srch_set_error(err, SRCH_ERR, "out of memory");
        return SRCH_ERR;
    }
    size_t n = find_recommendations(s, rec);
    const char **tid = rec_theme_ids(db, s, rec);
    p->progress = calloc(n ? n : 1, sizeof *p->progress);
    if (!p->progress || !tid) {
        free(tid);
        free(rec);
        srch_set_error(err, SRCH_ERR, "out of memory");
        return SRCH_ERR;
    }
    for (size_t i = 0; i < s->n_passages; i++) {
        if (!rec[i])
            continue;
        srch_plan_progress *g = &p->progress[p->n_progress++];
        const char *id = tid[i];
        g->theme_id = str_dup(id);
        if (!g->theme_id) {
            free(tid);
            free(rec);
            srch_set_error(err, SRCH_ERR, "out of memory");
            return SRCH_ERR;
        }
        g->theme_name = theme_name(db, id);
        g->before = &s->passages[i];
        /* the passage then: its body's strongest weakness on the theme */
        g->before_evidence = *id ? strongest(s, rec, id, "weakness") : NULL;
        judge(p, rec_now, g);
    }
    /* the items now: new, or what the earlier area on their theme is */
    for (size_t i = 0; i < p->n_items; i++) {
        srch_plan_item *it = &p->items[i];
        it->status = "new";
        for (size_t k = 0; k < p->n_progress; k++)
            if (*it->theme->id &&
                strcmp(p->progress[k].theme_id, it->theme->id) == 0) {
                it->status = p->progress[k].status;
                break;
            }
        it->rag = rag_of(it->status);
        if (strcmp(it->status, "new") == 0)
            p->n_new++;
    }
    free(tid);
    free(rec);
    return SRCH_OK;
}

static int is_hex12(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isxdigit((unsigned char)s[n]) || isupper((unsigned char)s[n]))
            return 0;
    return n == 12;
}

/* A report named by id or file, with its passages. */
static int load_report(srch_db *db, const char *key, srch_shown **out,
                       srch_error *err)
{
    int rc = srch_show(db, key, out, err);
    if (rc == SRCH_OK && strcmp((*out)->report->kind, "other") == 0) {
        srch_set_error(err, SRCH_ERR_NOT_FOUND,
                       "'%s' is not an inspection report (%s)", key,
                       *(*out)->report->title ? (*out)->report->title
                                              : (*out)->report->source);
        srch_shown_free(*out);
        *out = NULL;
        return SRCH_ERR_NOT_FOUND;
    }
    return rc;
}

int srch_plan_make(srch_db *db, const srch_plan_options *opt,
                   srch_plan **out, srch_error *err)
{
    *out = NULL;
    memset(err, 0, sizeof *err);
    const char *who = opt->who ? opt->who : "";
    while (*who == ' ')
        who++;
    if (!*who) {
        srch_set_error(err, SRCH_ERR_NOT_FOUND,
                       "give a provider's URN or name, or a report");
        return SRCH_ERR_NOT_FOUND;
    }
    if (!db->themes) {
        srch_set_error(err, SRCH_ERR, "the index has no reports yet");
        return SRCH_ERR;
    }
    srch_plan *p = calloc(1, sizeof *p);
    srch_history *h = NULL;
    char *rec = NULL;
    int rc = SRCH_ERR;
    if (!p) {
        srch_set_error(err, SRCH_ERR, "out of memory");
        return SRCH_ERR;
    }
    /* A report id or an indexed file names a report; digits that are no
     * file and anything else name a provider (its latest report). */
    int by_report = is_hex12(who) || (!str_all_digits(who) && strchr(who, '/')) ||
                    (!str_all_digits(who) && access(who, F_OK) == 0);
    if (by_report) {
        if ((rc = load_report(db, who, &p->shown, err)) != SRCH_OK)
            goto done;
        const srch_report *r = p->shown->report;
        srch_error herr;
        /* its provider's other reports, for the comparison; a report
         * whose provider cannot be named alone has none */
        if (srch_provider_history(db, *r->urn ? r->urn : r->provider, &h,
                                  &herr) != SRCH_OK)
            h = NULL;
    } else {
        if ((rc = srch_provider_history(db, who, &h, err)) != SRCH_OK)
            goto done;
        if (h->n_reports == 0) {
            srch_set_error(err, SRCH_ERR_NOT_FOUND,
                           "no inspection report for '%s'", who);
            rc = SRCH_ERR_NOT_FOUND;
            goto done;
        }
        if ((rc = load_report(db, h->reports[h->n_reports - 1].report->id,
                              &p->shown, err)) != SRCH_OK)
            goto done;
    }
    p->report = p->shown->report;
    p->provider = str_dup(*p->report->provider ? p->report->provider
                                               : p->report->title);
    p->urn = str_dup(p->report->urn);
    rec = calloc(p->shown->n_passages ? p->shown->n_passages : 1, 1);
    if (!p->provider || !p->urn || !rec) {
        srch_set_error(err, SRCH_ERR, "out of memory");
        rc = SRCH_ERR;
        goto done;
    }
    if (find_recommendations(p->shown, rec) == 0) {
        const srch_report *r = p->report;
        size_t weak = 0;
        for (size_t i = 0; i < p->shown->n_passages; i++)
            weak += strcmp(p->shown->passages[i].polarity, "weakness") == 0;
        char why[96] = "";
        if (weak)
            snprintf(why, sizeof why, " (it states %zu weakness%s but "
                     "makes no recommendations)", weak, weak == 1 ? "" : "es");
        srch_set_error(err, SRCH_ERR_NOT_FOUND,
                       "the %s report of %s (%s, id %s) has no areas for "
                       "improvement to plan from%s%s",
                       r->kind, p->provider,
                       *r->date_start ? r->date_start : "no date", r->id, why,
                       by_report || !h || h->n_reports < 2
                           ? ""
                           : "; name an earlier report by its id "
                                   "('insearch history' lists them)");
        rc = SRCH_ERR_NOT_FOUND;
        goto done;
    }
    const char **tid = rec_theme_ids(db, p->shown, rec);
    int made = tid ? make_items(db, p, rec, tid, opt->evidence) : -1;
    free(tid);
    if (made != 0) {
        srch_set_error(err, SRCH_ERR, "out of memory");
        rc = SRCH_ERR;
        goto done;
    }
    /* The earlier report: the one named, else the provider's last full
     * or short inspection before this one (whose areas for improvement a
     * plan was made from), else its last report before. */
    if (opt->since && *opt->since && !opt->no_since) {
        if ((rc = load_report(db, opt->since, &p->shown_previous, err)) !=
            SRCH_OK) {
            char msg[sizeof err->message];
            snprintf(msg, sizeof msg, "--since: %.480s", err->message);
            srch_set_error(err, rc, "%.480s", msg);
            goto done;
        }
        const srch_report *a = p->shown_previous->report;
        if (strcmp(a->id, p->report->id) == 0 ||
            strcmp(a->date_start, p->report->date_start) > 0) {
            srch_set_error(err, SRCH_ERR_NOT_FOUND,
                           "--since: report %s (%s) is not earlier than "
                           "the report planned from (%s)",
                           a->id, a->date_start, p->report->date_start);
            rc = SRCH_ERR_NOT_FOUND;
            goto done;
        }
    } else if (!opt->no_since && h) {
        size_t me = h->n_reports;
        for (size_t i = 0; i < h->n_reports; i++)
            if (strcmp(h->reports[i].report->id, p->report->id) == 0)
                me = i;
        const srch_report *prev = NULL;
        for (size_t i = me; i-- > 0 && me < h->n_reports && !prev;) {
            const char *k = h->reports[i].report->kind;
            if (strcmp(k, "full") == 0 || strcmp(k, "short") == 0)
                prev = h->reports[i].report;
        }
        if (!prev && me < h->n_reports && me > 0)
            prev = h->reports[me - 1].report;
        if (prev && (rc = load_report(db, prev->id, &p->shown_previous,
                                      err)) != SRCH_OK)
            goto done;
    }
    if (p->shown_previous) {
        p->previous = p->shown_previous->report;
        if ((rc = make_progress(db, p, rec, err)) != SRCH_OK)
            goto done;
    }
    rc = add_peers(db, p, opt->peers, err);
done:
    free(rec);
    srch_history_free(h);
    if (rc == SRCH_OK)
        *out = p;
    else
        srch_plan_free(p);
    return rc;
}
