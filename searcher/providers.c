/* providers.c - providers as histories of reports: `history`, `similar`
 * and `similar --improved`.
 *
 * Everything is read from the report records, one per report, through a
 * match-spy visitor on eight value slots (indexer/terms.h): the provider
 * key and name, date, type, grade, kind/size/area, and the report's two
 * theme vectors (the summed strengths of its weakness and of its strength
 * passages per theme). Two thousand reports are one pass of a few
 * milliseconds, so nothing is precomputed beyond those values; passages
 * to explain a match are fetched only for the providers shown.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "indexer/terms.h"
#include "searcher/searcher-private.h"
#include "util/buf.h"

#define MAIN_THEMES 8        /* at most this many main weaknesses/strengths */
#define MAIN_SHARE 0.3       /* of the report's strongest theme */
#define MAIN_MIN 3.0         /* and at least this weight */
#define EXPLAIN_THEMES 3     /* shared themes explained with passages, each
                                polarity */
#define DEFAULT_FINDINGS_WEIGHT 0.7

typedef struct sterm {
    const char *term;        /* into rec.sig */
    size_t len;
    double w;                /* tf-idf, the vector normalised to length 1 */
} sterm;

typedef struct rec {
    char rid[13];
    char date[11];
    char *type, *grade, *key, *name, *kind, *area;
    unsigned long learners;
    double *weak, *strong;   /* one weight per theme */
    int level;
    char *sig;               /* "term count ..." (SLOT_SIGNATURE) */
    sterm *text;             /* its tf-idf vector, made when first needed */
    size_t n_text;
    int text_done;
} rec;

/* Document frequencies of signature words, looked up once each. */
typedef struct df_cache {
    char **term;
    uint32_t *df;
    size_t cap, n;
} df_cache;

typedef struct table {
    srch_db *db;
    size_t nt;
    rec *v;
    size_t n, cap;
    int failed;
    df_cache dfs;
    double n_passages;
} table;

static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* A weight as the indexer writes it ("12.34"): strtod is a tenth of a
 * `similar` otherwise. */
static double parse_weight(const char *s, size_t n)
{
    double v = 0, scale = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.' && scale == 0)
            scale = 1;
        else if (s[i] >= '0' && s[i] <= '9') {
            v = v * 10 + (s[i] - '0');
            if (scale)
                scale *= 10;
        } else
            return strtod(s, NULL); /* anything else: the slow way */
    }
    return scale ? v / scale : v;
}

/* "id:weight,..." into w[]. The indexer writes the ids in taxonomy
 * order, so each is looked for from where the last was found. */
static void parse_vector(const thm_set *set, const char *s, size_t n,
                         double *w)
{
    const char *end = s + n;
    size_t next = 0, nt = thm_set_count(set);
    while (s < end) {
        const char *c = memchr(s, ',', (size_t)(end - s));
        const char *e = c ? c : end;
        const char *colon = memchr(s, ':', (size_t)(e - s));
        if (colon) {
            char id[80], num[32];
            size_t il = (size_t)(colon - s), nl = (size_t)(e - colon - 1);
            if (il < sizeof id && nl < sizeof num) {
                memcpy(id, s, il);
                id[il] = '\0';
                memcpy(num, colon + 1, nl);
                num[nl] = '\0';
                long t = -1;
                for (size_t k = next; k < nt && t < 0; k++)
                    if (strcmp(thm_set_id(set, k), id) == 0)
                        t = (long)k;
                if (t < 0)
                    t = thm_set_find(set, id);
                if (t >= 0) {
                    w[t] = parse_weight(num, nl);
                    next = (size_t)t + 1;
                }
            }
        }
        s = c ? c + 1 : end;
    }
}

/* A field of a tab-separated value. */
static const char *field(const char *s, size_t n, int k, size_t *len)
{
    const char *end = s + n;
    for (int i = 0; i < k && s < end; i++) {
        const char *t = memchr(s, '\t', (size_t)(end - s));
        s = t ? t + 1 : end;
    }
    const char *t = memchr(s, '\t', (size_t)(end - s));
    *len = (size_t)((t ? t : end) - s);
    return s;
}

/* Slots: report id, date, type, grade, weak vector, strong vector,
 * provider, profile, signature. */
static void visit(void *ctx, const char *const *v, const size_t *n)
{
    table *t = ctx;
    if (t->failed || n[0] == 0 || n[0] > 12 || n[6] == 0)
        return;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        rec *nv = realloc(t->v, cap * sizeof *nv);
        if (!nv) {
            t->failed = 1;
            return;
        }
        t->v = nv;
        t->cap = cap;
    }
    rec *r = &t->v[t->n];
    memset(r, 0, sizeof *r);
    memcpy(r->rid, v[0], n[0]);
    r->rid[n[0]] = '\0';
    size_t dl = n[1] < 10 ? n[1] : 10;
    memcpy(r->date, v[1], dl);
    r->date[dl] = '\0';
    size_t kl, nl, kil, ll, al;
    const char *key = field(v[6], n[6], 0, &kl);
    const char *name = field(v[6], n[6], 1, &nl);
    const char *kind = field(v[7], n[7], 0, &kil);
    const char *learners = field(v[7], n[7], 1, &ll);
    const char *area = field(v[7], n[7], 2, &al);
    r->sig = dupn(v[8], n[8]);
    r->type = dupn(v[2], n[2]);
    r->grade = dupn(v[3], n[3]);
    r->key = dupn(key, kl);
    r->name = dupn(name, nl);
    r->kind = dupn(kind, kil);
    r->area = dupn(area, al);
    char num[24] = "";
    if (ll < sizeof num) {
        memcpy(num, learners, ll);
        num[ll] = '\0';
    }
    r->learners = strtoul(num, NULL, 10);
    r->weak = calloc(t->nt ? t->nt : 1, sizeof *r->weak);
    r->strong = calloc(t->nt ? t->nt : 1, sizeof *r->strong);
    if (!r->type || !r->grade || !r->key || !r->name || !r->kind ||
        !r->area || !r->weak || !r->strong || !r->sig) {
        t->failed = 1;
        t->n++; /* freed with the rest */
        return;
    }
    parse_vector(t->db->themes, v[4], n[4], r->weak);
    parse_vector(t->db->themes, v[5], n[5], r->strong);
    r->level = srch_grade_level(r->grade);
    t->n++;
}

static void table_free(table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        rec *r = &t->v[i];
        free(r->type);
        free(r->grade);
        free(r->key);
        free(r->name);
        free(r->kind);
        free(r->area);
        free(r->weak);
        free(r->strong);
        free(r->sig);
        free(r->text);
    }
    free(t->v);
    for (size_t i = 0; i < t->dfs.cap; i++)
        free(t->dfs.term ? t->dfs.term[i] : NULL);
    free(t->dfs.term);
    free(t->dfs.df);
}

/* The number of passages using a term (cached). */
static uint32_t df_of(table *t, const char *term, size_t len)
{
    df_cache *c = &t->dfs;
    if (!c->term) {
        c->cap = 16384;
        c->term = calloc(c->cap, sizeof *c->term);
        c->df = calloc(c->cap, sizeof *c->df);
        if (!c->term || !c->df) {
            free(c->term);
            free(c->df);
            c->term = NULL;
            c->df = NULL;
            c->cap = 0;
        }
    }
    char tmp[TERM_MAX_BYTES + 2];
    if (len >= sizeof tmp)
        return 0;
    memcpy(tmp, term, len);
    tmp[len] = '\0';
    size_t i = 0;
    if (c->cap) {
        i = (size_t)str_hash(term, len) & (c->cap - 1);
        while (c->term[i]) {
            if (strcmp(c->term[i], tmp) == 0)
                return c->df[i];
            i = (i + 1) & (c->cap - 1);
        }
    }
    uint32_t df = 0;
    xc_db_termfreq(t->db->db, tmp, &df);
    /* keep the table at most half full; past that, look up each time */
    if (c->cap && c->n < c->cap / 2 && (c->term[i] = str_dup(tmp))) {
        c->df[i] = df;
        c->n++;
    }
    return df;
}

/* A report's signature as a tf-idf vector of length 1: (1 + ln count) x
 * ln(1 + passages / passages using the word), so the words every report
 * uses ("apprentices", "learners") weigh little. */
static void make_text(table *t, rec *r)
{
    if (r->text_done)
        return;
    r->text_done = 1;
    size_t cap = SIGNATURE_TERMS;
    r->text = calloc(cap, sizeof *r->text);
    if (!r->text)
        return;
    const char *p = r->sig;
    double norm = 0;
    while (*p && r->n_text < cap) {
        const char *sp = strchr(p, ' ');
        if (!sp)
            break;
        char *end;
        unsigned long count = strtoul(sp + 1, &end, 10);
        size_t len = (size_t)(sp - p);
        uint32_t df = df_of(t, p, len);
        if (df > 0 && count > 0) {
            double w = (1.0 + log((double)count)) *
                       log(1.0 + t->n_passages / (double)df);
            r->text[r->n_text++] = (sterm){p, len, w};
            norm += w * w;
        }
        p = *end == ' ' ? end + 1 : end;
    }
    norm = sqrt(norm);
    for (size_t i = 0; norm > 0 && i < r->n_text; i++)
        r->text[i].w /= norm;
}

static int cmp_sterm(const void *x, const void *y)
{
    const sterm *a = x, *b = y;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->term, b->term, n);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* The cosine of two signatures; `a` (the report compared against every
 * other) is sorted once and searched. */
static double text_cosine(table *t, rec *a, rec *b)
{
    if (!a->text_done) {
        make_text(t, a);
        qsort(a->text, a->n_text, sizeof *a->text, cmp_sterm);
    }
    make_text(t, b);
    double dot = 0;
    for (size_t j = 0; j < b->n_text; j++) {
        const sterm *hit = bsearch(&b->text[j], a->text, a->n_text,
                                   sizeof *a->text, cmp_sterm);
        if (hit)
            dot += hit->w * b->text[j].w;
    }
    return dot;
}

static int cmp_rec_key_date(const void *a, const void *b)
{
    const rec *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c == 0)
        c = strcmp(x->date, y->date);
    return c ? c : strcmp(x->rid, y->rid);
}

/* Every report record (but kind "other"), or only those of the provider
 * with this URN when `urn` is not NULL (what `history URN` needs: the
 * whole table is 20,000 records at 20,000 reports, 0.3 s to read). */
static int table_load(srch_db *db, table *t, const char *urn,
                      srch_error *err)
{
    memset(t, 0, sizeof *t);
    t->db = db;
    if (!db->themes) {
        srch_set_error(err, SRCH_ERR, "the index has no reports yet");
        return SRCH_ERR;
    }
    t->nt = thm_set_count(db->themes);
    static const unsigned slots[9] = {
        SLOT_REPORT,       SLOT_DATE,         SLOT_TYPE,
        SLOT_GRADE,        SLOT_WEAK_VECTOR,  SLOT_STRONG_VECTOR,
        SLOT_PROVIDER_KEY, SLOT_PROFILE,      SLOT_SIGNATURE};
    xc_query *parts[2] = {srch_term_query(TERM_DOCTYPE, "report"),
                          srch_term_query(TERM_KIND, "other")};
    if (urn && parts[0]) {
        xc_query *f[2] = {parts[0], srch_term_query(TERM_URN, urn)};
        xc_query *fq = NULL;
        if (f[1])
            xc_query_combine(XC_OP_FILTER, f, 2, 0, &fq);
        xc_query_free(f[1]);
        xc_query_free(parts[0]);
        parts[0] = fq;
    }
    xc_query *q = NULL;
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    uint32_t doccount = 0;
    int rc = SRCH_ERR;
    xc_db_doccount(db->db, &doccount);
    {
        uint32_t np = 0;
        char dt[16];
        snprintf(dt, sizeof dt, "%spassage", TERM_DOCTYPE);
        xc_db_termfreq(db->db, dt, &np);
        t->n_passages = np;
    }
    if (parts[0] && parts[1] &&
        xc_query_combine(XC_OP_AND_NOT, parts, 2, 0, &q) == XC_OK &&
        srch_enquire_new(db, &enq) == XC_OK &&
        xc_enquire_set_query(enq, q) == XC_OK &&
        xc_enquire_set_boolean_weight(enq) == XC_OK &&
        xc_enquire_set_visitor(enq, slots, 9, visit, t) == XC_OK &&
        xc_enquire_get_mset(enq, 0, 0, doccount, &ms) == XC_OK)
        rc = t->failed ? SRCH_ERR : SRCH_OK;
    if (rc != SRCH_OK)
        srch_set_error(err, SRCH_ERR, "reading the reports: %s",
                       t->failed ? "out of memory" : xc_last_error());
    else if (t->n > 1) /* each provider's reports together, oldest first
                          (none at all for an unknown URN: t->v NULL) */
        qsort(t->v, t->n, sizeof *t->v, cmp_rec_key_date);
    xc_mset_free(ms);
    xc_enquire_free(enq);
    xc_query_free(q);
    xc_query_free(parts[0]);
    xc_query_free(parts[1]);
    return rc;
}

/* ------------------------------------------------------------ who */

/* Does `slug` occur in `name_slug` as whole words? */
static int slug_contains(const char *name_slug, const char *slug)
{
    size_t n = strlen(name_slug), m = strlen(slug);
    for (size_t i = 0; m && i + m <= n; i++)
        if ((i == 0 || name_slug[i - 1] == '-') &&
            memcmp(name_slug + i, slug, m) == 0 &&
            (i + m == n || name_slug[i + m] == '-'))
            return 1;
    return 0;
}

/* The provider key `who` names, or an error saying why not. */
static char *resolve(const table *t, const char *who, srch_error *err)
{
    while (*who == ' ')
        who++;
    if (str_all_digits(who)) {
        for (size_t i = 0; i < t->n; i++)
            if (strcmp(t->v[i].key, who) == 0)
                return str_dup(who);
        srch_set_error(err, SRCH_ERR_NOT_FOUND,
                       "no provider with URN %s in the index", who);
        return NULL;
    }
    char *slug = str_slugify(who);
    if (!slug || !*slug) {
        free(slug);
        srch_set_error(err, SRCH_ERR_NOT_FOUND,
                       "give a provider's URN or name, not '%s'", who);
        return NULL;
    }
    /* distinct keys whose name holds the words; an exact name wins */
    char **keys = NULL, **names = NULL;
    size_t nk = 0;
    char *exact = NULL;
    for (size_t i = 0; i < t->n && !exact; i++) {
        char *ns = str_slugify(t->v[i].name);
        if (!ns)
            continue;
        if (strcmp(ns, slug) == 0)
            exact = str_dup(t->v[i].key);
        else if (slug_contains(ns, slug)) {
            int seen = 0;
            for (size_t k = 0; k < nk && !seen; k++)
                seen = strcmp(keys[k], t->v[i].key) == 0;
            if (!seen) {
                char **nkeys = realloc(keys, (nk + 1) * sizeof *nkeys);
                char **nnames = nkeys ? realloc(names, (nk + 1) * sizeof *nnames)
                                      : NULL;
                if (nkeys)
                    keys = nkeys;
                if (nnames) {
                    names = nnames;
                    keys[nk] = t->v[i].key;
                    names[nk] = t->v[i].name;
                    nk++;
                }
            }
        }
        free(ns);
    }
    char *out = NULL;
    if (exact) {
        out = exact;
    } else if (nk == 1) {
        out = str_dup(keys[0]);
    } else if (nk == 0) {
        srch_set_error(err, SRCH_ERR_NOT_FOUND,
                       "no provider called '%s' in the index", who);
    } else {
        buf b = BUF_INIT;
        for (size_t k = 0; k < nk && k < 12; k++)
            buf_printf(&b, "%s%s (%s%s)", k ? "; " : "", names[k],
                       str_all_digits(keys[k]) ? "URN " : "",
                       str_all_digits(keys[k]) ? keys[k] : "no URN");
        if (nk > 12)
            buf_printf(&b, "; and %zu more", nk - 12);
        srch_set_error(err, SRCH_ERR_AMBIGUOUS,
                       "'%s' names %zu providers: %s. Give the URN or more of "
                       "the name.", who, nk, buf_cstr(&b));
        buf_free(&b);
    }
    free(keys);
    free(names);
    free(slug);
    return out;
}

/* ------------------------------------------------------------ helpers */

/* The reports of a provider, oldest first: a range of the sorted table
 * (malloc'd array of pointers). */
static rec **provider_recs(const table *t, const char *key, size_t *n)
{
    *n = 0;
    size_t i = 0;
    while (i < t->n && strcmp(t->v[i].key, key) != 0)
        i++;
    size_t j = i;
    while (j < t->n && strcmp(t->v[j].key, key) == 0)
        j++;
    rec **v = malloc((j > i ? j - i : 1) * sizeof *v);
    if (!v)
        return NULL;
    for (size_t k = i; k < j; k++)
        v[(*n)++] = &t->v[k];
    return v;
}

/* The report that stands for a provider: its latest full (or short)
 * inspection, whose findings are the fullest; else its latest report. */
static rec *latest(rec **v, size_t n)
{
    for (size_t i = n; i-- > 0;)
        if (strcmp(v[i]->kind, "full") == 0 || strcmp(v[i]->kind, "short") == 0)
            return v[i];
    return n ? v[n - 1] : NULL;
}

typedef struct tw {
    size_t t;
    double w;
} tw;

static int cmp_tw(const void *a, const void *b)
{
    const tw *x = a, *y = b;
    if (x->w != y->w)
        return x->w < y->w ? 1 : -1;
    return (x->t > y->t) - (x->t < y->t);
}

/* The main themes of a vector: at least MAIN_MIN and MAIN_SHARE of the
 * strongest, at most MAIN_THEMES, strongest first. */
static size_t main_themes(const double *w, size_t nt, tw *out)
{
    double max = 0;
    for (size_t t = 0; t < nt; t++)
        if (w[t] > max)
            max = w[t];
    size_t n = 0;
    for (size_t t = 0; t < nt; t++)
        if (w[t] >= MAIN_MIN && w[t] >= MAIN_SHARE * max)
            out[n++] = (tw){t, w[t]};
    qsort(out, n, sizeof *out, cmp_tw);
    return n < MAIN_THEMES ? n : MAIN_THEMES;
}

static int is_main(const double *w, size_t nt, size_t t)
{
    tw tmp[THM_MAX_THEMES];
    size_t n = main_themes(w, nt, tmp);
    for (size_t i = 0; i < n; i++)
        if (tmp[i].t == t)
            return 1;
    return 0;
}

static double cosine(const double *a, const double *b, size_t n)
{
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < n; i++) {
        ab += a[i] * b[i];
        aa += a[i] * a[i];
        bb += b[i] * b[i];
    }
    return aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : 0;
}

static int size_band(unsigned long learners)
{
    if (learners == 0)
        return 0;
    if (learners < 100)
        return 1;
    if (learners < 500)
        return 2;
    if (learners < 2000)
        return 3;
    return 4;
}

/* The passage of report `rid` most about theme t with this polarity (or
 * any polarity when pol is NULL); NULL when there is none. */
static srch_hit *best_passage(srch_db *db, srch_report ***reports,
                              size_t *n_reports, const char *rid, size_t t,
                              const char *pol)
{
    const char *id = thm_set_id(db->themes, t);
    xc_query *parts[3] = {srch_term_query(TERM_REPORT, rid), srch_term_query(TERM_THEME, id),
                          pol ? srch_term_query(TERM_POLARITY, pol) : NULL};
    xc_query *f = NULL, *vw = NULL, *q = NULL;
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    srch_hit *h = NULL;
    if (!parts[0] || !parts[1] || (pol && !parts[2]))
        goto done;
    if (xc_query_combine(XC_OP_AND, parts, pol ? 3 : 2, 0, &f) != XC_OK ||
        xc_query_value_weight(SLOT_THEME_SCORE + (unsigned)t, &vw) != XC_OK)
        goto done;
    xc_query *mq[2] = {f, vw};
    if (xc_query_combine(XC_OP_AND_MAYBE, mq, 2, 0, &q) != XC_OK ||
        srch_enquire_new(db, &enq) != XC_OK ||
        xc_enquire_set_query(enq, q) != XC_OK ||
        xc_enquire_set_bm25(enq, 1.2, 0, 1, 0, 0.5) != XC_OK ||
        xc_enquire_get_mset(enq, 0, 1, 1, &ms) != XC_OK ||
        xc_mset_size(ms) == 0)
        goto done;
    xc_doc *doc = NULL;
    if (xc_mset_get_document(ms, 0, &doc) != XC_OK)
        goto done;
    h = calloc(1, sizeof *h);
    char prid[13];
    unsigned index = 0;
    if (!h || srch_passage_locate(doc, prid, &index) != 0 ||
        srch_passage_fill(db, h, doc,
                          srch_report_cached(db, reports, n_reports, prid),
                          index) != 0) {
        if (h)
            srch_hit_clear(h);
        free(h);
        h = NULL;
    }
    xc_doc_free(doc);
done:
    for (size_t i = 0; i < 3; i++)
        xc_query_free(parts[i]);
    xc_query_free(f);
    xc_query_free(vw);
    xc_query_free(q);
    xc_mset_free(ms);
    xc_enquire_free(enq);
    return h;
}

static void hit_free(srch_hit *h)
{
    if (h) {
        srch_hit_clear(h);
        free(h);
    }
}

/* ------------------------------------------------------------ history */

void srch_history_free(srch_history *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n_reports; i++) {
        srch_history_entry *e = &h->reports[i];
        srch_report_free(e->report);
        for (size_t k = 0; k < e->n_weaknesses; k++)
            free(e->weaknesses[k].id);
        for (size_t k = 0; k < e->n_strengths; k++)
            free(e->strengths[k].id);
        free(e->weaknesses);
        free(e->strengths);
        for (size_t k = 0; k < e->n_improved; k++)
            free(e->improved[k]);
        for (size_t k = 0; k < e->n_declined; k++)
            free(e->declined[k]);
        free(e->improved);
        free(e->declined);
    }
    free(h->reports);
    free(h->provider);
    free(h->urn);
    free(h);
}

static srch_theme_weight *weights_of(const thm_set *set, const double *w,
                                     size_t nt, size_t *n)
{
    tw tmp[THM_MAX_THEMES];
    *n = main_themes(w, nt, tmp);
    srch_theme_weight *v = calloc(*n ? *n : 1, sizeof *v);
    for (size_t i = 0; v && i < *n; i++) {
        v[i].id = str_dup(thm_set_id(set, tmp[i].t));
        v[i].weight = tmp[i].w;
    }
    return v;
}

int srch_provider_history(srch_db *db, const char *who, srch_history **out,
                          srch_error *err)
{
    *out = NULL;
    memset(err, 0, sizeof *err);
    table t;
    /* A URN names one provider: only its records are read (resolve then
     * finds them or says there is none, as over the whole table). */
    const char *w = who ? who : "";
    while (*w == ' ')
        w++;
    int rc = table_load(db, &t, str_all_digits(w) ? w : NULL, err);
    if (rc != SRCH_OK) {
        table_free(&t);
        return rc;
    }
    char *key = resolve(&t, who ? who : "", err);
    if (!key) {
        table_free(&t);
        return err->code;
    }
    size_t n = 0;
    rec **v = provider_recs(&t, key, &n);
    srch_history *h = calloc(1, sizeof *h);
    if (!v || !h || !(h->reports = calloc(n ? n : 1, sizeof *h->reports))) {
        srch_set_error(err, SRCH_ERR, "out of memory");
        rc = SRCH_ERR;
        goto done;
    }
    h->urn = str_dup(str_all_digits(key) ? key : "");
    h->provider = str_dup(n ? v[n - 1]->name : "");
    for (size_t i = 0; i < n; i++) {
        srch_history_entry *e = &h->reports[h->n_reports];
        e->report = srch_report_load(db, v[i]->rid);
        if (!e->report)
            continue;
        h->n_reports++;
        e->weaknesses = weights_of(db->themes, v[i]->weak, t.nt,
                                   &e->n_weaknesses);
        e->strengths = weights_of(db->themes, v[i]->strong, t.nt,
                                  &e->n_strengths);
        e->improved = calloc(MAIN_THEMES, sizeof *e->improved);
        e->declined = calloc(MAIN_THEMES, sizeof *e->declined);
        if (i == 0 || !e->improved || !e->declined)
            continue;
        const rec *prev = v[i - 1], *cur = v[i];
        tw pw[THM_MAX_THEMES], ps[THM_MAX_THEMES];
        size_t npw = main_themes(prev->weak, t.nt, pw);
        size_t nps = main_themes(prev->strong, t.nt, ps);
        for (size_t k = 0; k < npw; k++)
            if (!is_main(cur->weak, t.nt, pw[k].t))
                e->improved[e->n_improved++] =
                    str_dup(thm_set_id(db->themes, pw[k].t));
        for (size_t k = 0; k < nps; k++)
            if (is_main(cur->weak, t.nt, ps[k].t))
                e->declined[e->n_declined++] =
                    str_dup(thm_set_id(db->themes, ps[k].t));
    }
    rc = SRCH_OK;
done:
    free(v);
    free(key);
    table_free(&t);
    if (rc == SRCH_OK)
        *out = h;
    else
        srch_history_free(h);
    return rc;
}

/* ------------------------------------------------------------ similar */

void srch_similar_free(srch_similar *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_peers; i++) {
        srch_peer *p = &s->peers[i];
        free(p->provider);
        free(p->urn);
        free(p->area);
        for (size_t k = 0; k < p->n_shared; k++) {
            free(p->shared[k].id);
            hit_free(p->shared[k].mine_passage);
            hit_free(p->shared[k].their_passage);
            hit_free(p->shared[k].after_passage);
        }
        free(p->shared);
    }
    free(s->peers);
    free(s->area);
    for (size_t i = 0; i < s->n_reports; i++)
        srch_report_free(s->reports[i]);
    free(s->reports);
    free(s);
}

typedef struct cand {
    rec *r;          /* their report compared */
    rec *after;      /* --improved: their next, better report */
    double score, findings, profile, text;
    int same_type, same_level, same_size, same_area;
    size_t fixed[MAIN_THEMES]; /* --improved: weaknesses shared and fixed */
    size_t n_fixed;
} cand;

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->n_fixed != y->n_fixed)
        return x->n_fixed < y->n_fixed ? 1 : -1;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return strcmp(x->r->key, y->r->key);
}

/* Kinds of provider that inspectors compare with one another: the same
 * type is the best match; these families the next best. */
static int type_family(const char *type)
{
    static const struct { const char *type; int family; } fam[] = {
        {"general-further-education-college", 1}, {"tertiary-college", 1},
        {"land-based-college", 1}, {"specialist-designated-college", 1},
        {"sixth-form-college", 2}, {"16-19-academy", 2},
        {"independent-learning-provider", 3}, {"employer", 3},
        {"local-authority", 4}, {"adult-community-learning", 4}};
    for (size_t i = 0; type && i < sizeof fam / sizeof fam[0]; i++)
        if (strcmp(fam[i].type, type) == 0)
            return fam[i].family;
    return 0;
}

static void compare(table *t, rec *me, cand *c, double fw)
{
    rec *r = c->r;
    size_t nt = t->nt;
    c->text = text_cosine(t, me, r);
    c->findings = 0.5 * cosine(me->weak, r->weak, nt) +
                  0.3 * cosine(me->strong, r->strong, nt) + 0.2 * c->text;
    c->same_type = *me->type && strcmp(me->type, r->type) == 0;
    c->same_level = me->level && me->level == r->level;
    int b1 = size_band(me->learners), b2 = size_band(r->learners);
    c->same_size = b1 && b1 == b2;
    c->same_area = *me->area && strcasecmp(me->area, r->area) == 0;
    double size = c->same_size ? 0.2 : (b1 && b2 && abs(b1 - b2) == 1) ? 0.1 : 0;
    int fam = type_family(me->type);
    double type = c->same_type ? 0.5
                  : fam && fam == type_family(r->type) ? 0.3 : 0;
    c->profile = type + 0.2 * c->same_level + size + 0.1 * c->same_area;
    c->score = fw * c->findings + (1 - fw) * c->profile;
}

int srch_similar_run(srch_db *db, const srch_similar_options *opt,
                     srch_similar **out, srch_error *err)
{
    *out = NULL;
    memset(err, 0, sizeof *err);
    table t;
    int rc = table_load(db, &t, NULL, err);
    if (rc != SRCH_OK) {
        table_free(&t);
        return rc;
    }
    double fw = opt->findings_weight < 0 ? DEFAULT_FINDINGS_WEIGHT
                                         : opt->findings_weight > 1
                                               ? 1
                                               : opt->findings_weight;
    unsigned limit = opt->limit ? opt->limit : 10;
    size_t nt = t.nt;
    srch_similar *s = calloc(1, sizeof *s);
    cand *cands = calloc(t.n ? t.n : 1, sizeof *cands);
    size_t nc = 0;
    char *key = NULL;
    rec *me = NULL;
    if (!s || !cands) {
        srch_set_error(err, SRCH_ERR, "out of memory");
        rc = SRCH_ERR;
        goto done;
    }
    if (opt->report_id && *opt->report_id) {
        for (size_t i = 0; i < t.n && !me; i++)
            if (strcmp(t.v[i].rid, opt->report_id) == 0)
                me = &t.v[i];
        if (!me) {
            srch_set_error(err, SRCH_ERR_NOT_FOUND,
                           "no inspection report with id '%s'",
                           opt->report_id);
            rc = SRCH_ERR_NOT_FOUND;
            goto done;
        }
        key = str_dup(me->key);
    } else {
        key = resolve(&t, opt->who ? opt->who : "", err);
        if (!key) {
            rc = err->code;
            goto done;
        }
        size_t n = 0;
        rec **v = provider_recs(&t, key, &n);
        me = v ? latest(v, n) : NULL;
        free(v);
    }
    if (!me) {
        srch_set_error(err, SRCH_ERR_NOT_FOUND, "no report for '%s'",
                       opt->who ? opt->who : "");
        rc = SRCH_ERR_NOT_FOUND;
        goto done;
    }
    s->target = srch_report_cached(db, &s->reports, &s->n_reports, me->rid);
    s->learners = me->learners;
    s->area = str_dup(me->area);
    tw mine[THM_MAX_THEMES];
    size_t n_mine = main_themes(me->weak, nt, mine);
    /* one candidate per other provider */
    for (size_t i = 0; i < t.n;) {
        size_t j = i;
        while (j < t.n && strcmp(t.v[j].key, t.v[i].key) == 0)
            j++;
        size_t n = j - i;
        rec **v = malloc(n * sizeof *v);
        int mine_group = strcmp(t.v[i].key, key) == 0;
        for (size_t k = 0; v && k < n; k++)
            v[k] = &t.v[i + k];
        i = j;
        if (!v || mine_group) {
            free(v);
            continue;
        }
        cand best;
        memset(&best, 0, sizeof best);
        if (!opt->improved) {
            best.r = latest(v, n);
            if (best.r)
                compare(&t, me, &best, fw);
        } else {
            /* a report that shared my main weaknesses, followed by a
             * better-graded one in which some of them no longer are */
            for (size_t a = 0; a + 1 < n; a++) {
                rec *before = v[a], *next = v[a + 1];
                if (!before->level || !next->level ||
                    next->level >= before->level)
                    continue;
                cand c;
                memset(&c, 0, sizeof c);
                c.r = before;
                c.after = next;
                for (size_t m = 0; m < n_mine; m++)
                    if (is_main(before->weak, nt, mine[m].t) &&
                        !is_main(next->weak, nt, mine[m].t))
                        c.fixed[c.n_fixed++] = mine[m].t;
                if (c.n_fixed == 0)
                    continue;
                compare(&t, me, &c, fw);
                if (!best.r || cmp_cand(&c, &best) < 0)
                    best = c;
            }
        }
        free(v);
        if (!best.r || (opt->same_type && !best.same_type))
            continue;
        cands[nc++] = best;
    }
    qsort(cands, nc, sizeof *cands, cmp_cand);
    if (nc > limit)
        nc = limit;
    s->peers = calloc(nc ? nc : 1, sizeof *s->peers);
    if (!s->peers) {
        srch_set_error(err, SRCH_ERR, "out of memory");
        rc = SRCH_ERR;
        goto done;
    }
    for (size_t i = 0; i < nc; i++) {
        const cand *c = &cands[i];
        srch_peer *p = &s->peers[s->n_peers++];
        p->provider = str_dup(c->r->name);
        p->urn = str_dup(str_all_digits(c->r->key) ? c->r->key : "");
        p->area = str_dup(c->r->area);
        p->learners = c->r->learners;
        p->score = c->score;
        p->findings = c->findings;
        p->profile = c->profile;
        p->text = c->text;
        p->same_type = c->same_type;
        p->same_level = c->same_level;
        p->same_size = c->same_size;
        p->same_area = c->same_area;
        p->report = srch_report_cached(db, &s->reports, &s->n_reports,
                                       c->r->rid);
        if (c->after)
            p->after = srch_report_cached(db, &s->reports, &s->n_reports,
                                          c->after->rid);
        p->shared = calloc(2 * MAIN_THEMES, sizeof *p->shared);
        if (!p->shared)
            continue;
        if (opt->improved) {
            for (size_t k = 0; k < c->n_fixed; k++) {
                srch_shared_theme *st = &p->shared[p->n_shared++];
                size_t th = c->fixed[k];
                st->id = str_dup(thm_set_id(db->themes, th));
                st->polarity = "weakness";
                st->mine = me->weak[th];
                st->theirs = c->r->weak[th];
                if (k < EXPLAIN_THEMES) {
                    st->mine_passage = best_passage(
                        db, &s->reports, &s->n_reports, me->rid, th, "weakness");
                    st->their_passage =
                        best_passage(db, &s->reports, &s->n_reports,
                                     c->r->rid, th, "weakness");
                    st->after_passage =
                        best_passage(db, &s->reports, &s->n_reports,
                                     c->after->rid, th, "strength");
                    if (!st->after_passage)
                        st->after_passage =
                            best_passage(db, &s->reports, &s->n_reports,
                                         c->after->rid, th, NULL);
                }
            }
            continue;
        }
        /* the main weaknesses, then strengths, both reports share */
        for (int pol = 0; pol < 2; pol++) {
            const double *a = pol ? me->strong : me->weak;
            const double *b = pol ? c->r->strong : c->r->weak;
            tw ma[THM_MAX_THEMES], shared[THM_MAX_THEMES];
            size_t na = main_themes(a, nt, ma), ns = 0;
            for (size_t k = 0; k < na; k++)
                if (is_main(b, nt, ma[k].t))
                    shared[ns++] = (tw){ma[k].t, fmin(a[ma[k].t], b[ma[k].t])};
            qsort(shared, ns, sizeof *shared, cmp_tw);
            const char *pn = pol ? "strength" : "weakness";
            for (size_t k = 0; k < ns && p->n_shared < 2 * MAIN_THEMES; k++) {
                srch_shared_theme *st = &p->shared[p->n_shared++];
                size_t th = shared[k].t;
                st->id = str_dup(thm_set_id(db->themes, th));
                st->polarity = pn;
                st->mine = a[th];
                st->theirs = b[th];
                if (k < EXPLAIN_THEMES) {
                    st->mine_passage = best_passage(
                        db, &s->reports, &s->n_reports, me->rid, th, pn);
                    st->their_passage = best_passage(
                        db, &s->reports, &s->n_reports, c->r->rid, th, pn);
                }
            }
        }
    }
    rc = SRCH_OK;
done:
    free(cands);
    free(key);
    table_free(&t);
    if (rc == SRCH_OK)
        *out = s;
    else
        srch_similar_free(s);
    return rc;
}

/* ------------------------------------------------------------ plan */

srch_hit *srch_best_passage(srch_db *db, srch_report ***reports,
                            size_t *n_reports, const char *rid, size_t t,
                            const char *pol)
{
    return best_passage(db, reports, n_reports, rid, t, pol);
}

void srch_fixers_free(srch_fixer *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].provider);
        free(v[i].urn);
    }
    free(v);
}

static int cmp_fixer(const void *a, const void *b)
{
    const srch_fixer *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return strcmp(x->before, y->before);
}

int srch_theme_fixers(srch_db *db, const char *rid, const size_t *themes,
                      size_t n, unsigned limit, srch_fixer **out,
                      size_t *n_out, srch_error *err)
{
    memset(err, 0, sizeof *err);
    for (size_t i = 0; i < n; i++) {
        out[i] = NULL;
        n_out[i] = 0;
    }
    table t;
    int rc = table_load(db, &t, NULL, err);
    if (rc != SRCH_OK) {
        table_free(&t);
        return rc;
    }
    rec *me = NULL;
    for (size_t i = 0; i < t.n && !me; i++)
        if (strcmp(t.v[i].rid, rid) == 0)
            me = &t.v[i];
    if (!me) {
        srch_set_error(err, SRCH_ERR_NOT_FOUND,
                       "no inspection report with id '%s'", rid);
        table_free(&t);
        return SRCH_ERR_NOT_FOUND;
    }
    size_t nt = t.nt;
    for (size_t k = 0; k < n && rc == SRCH_OK; k++) {
        size_t th = themes[k];
        if (th >= nt)
            continue;
        srch_fixer *v = calloc(t.n ? t.n : 1, sizeof *v);
        size_t nv = 0;
        if (!v) {
            rc = SRCH_ERR;
            break;
        }
        /* the table is sorted by provider then date: a provider's reports
         * are a run, and each pair of neighbours is a report and the next */
        for (size_t i = 0; i < t.n;) {
            size_t j = i;
            while (j < t.n && strcmp(t.v[j].key, t.v[i].key) == 0)
                j++;
            if (strcmp(t.v[i].key, me->key) != 0) {
                cand best;
                memset(&best, 0, sizeof best);
                for (size_t a = i; a + 1 < j; a++) {
                    rec *before = &t.v[a], *next = &t.v[a + 1];
                    if (!is_main(before->weak, nt, th) ||
                        !is_main(next->strong, nt, th) ||
                        is_main(next->weak, nt, th))
                        continue;
                    cand c;
                    memset(&c, 0, sizeof c);
                    c.r = before;
                    c.after = next;
                    compare(&t, me, &c, DEFAULT_FINDINGS_WEIGHT);
                    if (!best.r || c.score > best.score)
                        best = c;
                }
                if (best.r) {
                    srch_fixer *f = &v[nv++];
                    f->provider = str_dup(best.r->name);
                    f->urn = str_dup(str_all_digits(best.r->key) ? best.r->key
                                                             : "");
                    snprintf(f->before, sizeof f->before, "%s", best.r->rid);
                    snprintf(f->after, sizeof f->after, "%s",
                             best.after->rid);
                    f->score = best.score;
                    if (!f->provider || !f->urn)
                        rc = SRCH_ERR;
                }
            }
            i = j;
        }
        qsort(v, nv, sizeof *v, cmp_fixer);
        while (nv > limit) {
            nv--;
            free(v[nv].provider);
            free(v[nv].urn);
        }
        out[k] = v;
        n_out[k] = nv;
    }
    table_free(&t);
    if (rc != SRCH_OK) {
        for (size_t k = 0; k < n; k++) {
            srch_fixers_free(out[k], n_out[k]);
            out[k] = NULL;
            n_out[k] = 0;
        }
        srch_set_error(err, SRCH_ERR, "out of memory");
    }
    return rc;
}
