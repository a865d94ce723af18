/* distinctive.c - what sets a group of reports apart: the words and phrases
 * over-represented in the passages a query picks, against the rest of the
 * index.
 *
 * Both sides are sampled (evenly over docid order, so the same index and
 * query always give the same answer), re-analysed with the index's
 * analysis chain, and cut into n-grams of 1 to 3 words within a sentence.
 * Each n-gram is counted once per passage and scored with Dunning's
 * log-likelihood ratio (G2) on a 2x2 table: group vs other passages, using
 * it or not. G2 rather than a ratio of shares because a ratio rewards words
 * seen twice in the group and never elsewhere; G2 weighs how sure the
 * difference is as well as how big.
 */


#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/terms.h"
#include "searcher/searcher-private.h"
#include "searcher/searcher.h"
#include "util/buf.h"

#define DEFAULT_LIMIT 20
#define DEFAULT_SAMPLE 4000
/* Reading and analysing a passage costs ~15 us (2,000 generated reports:
 * 4,000 a side take 0.13 s); past this many a side a call stops being
 * interactive, and the shares are long stable. */
#define MAX_SAMPLE 50000
#define MAX_LIMIT 1000
#define MIN_OTHERS 20
#define MAX_NGRAM 3
#define MIN_WORD_BYTES 3
/* A longer n-gram with at least this share of a shorter one's group
 * passages says the same thing better ("off the job" over "job"). */
#define SUBSUME_SHARE 0.8
/* Bounds on the n-gram table (~100 MB at most). Only the group's n-grams
 * are entered (the other side only counts them): 4,000 generated passages
 * give ~15,000, and real prose at worst ~100 a passage. When the table is
 * full, n-grams not seen yet are skipped (those seen keep being counted):
 * the ones that can matter are frequent, and so are seen early. */
#define MAX_NGRAMS 600000
#define MAX_ARENA_BYTES ((size_t)48 * 1024 * 1024)
#define MAX_KEY_BYTES 240

typedef struct ngram {
    uint32_t hash;
    uint32_t key_off, key_len;         /* stems joined by ' ' (arena) */
    uint32_t surface_off, surface_len; /* first occurrence (arena) */
    uint32_t group, other, reports;
    uint32_t last_passage;  /* 1-based sequence of the last passage counted */
    uint32_t last_report;   /* 1-based number of the last one counted */
    uint32_t ex_doc[2];     /* example passages, from different reports */
    uint8_t n_ex, n_words, eligible, dropped;
    double score;
} ngram;

typedef struct ngram_table {
    ngram *v;
    size_t n, cap;
    uint32_t *slots;    /* index + 1, 0 empty; open addressing */
    size_t n_slots;     /* power of two, over twice n */
    buf arena;
    int full;           /* some n-grams were skipped (see MAX_NGRAMS) */
} ngram_table;

/* A sampled group passage. The document is held from reading its report
 * id (to put a report's passages together) until it is analysed. */
typedef struct group_doc {
    uint32_t docid;
    uint32_t report; /* 1-based number, in report id order */
    char rid[13];
    xc_doc *doc;
} group_doc;

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

/* ---------- the n-gram table ---------- */

static int table_init(ngram_table *t)
{
    memset(t, 0, sizeof *t);
    t->n_slots = 1 << 16; /* grows by doubling, load kept under a half */
    t->slots = calloc(t->n_slots, sizeof *t->slots);
    t->arena.max = MAX_ARENA_BYTES;
    return t->slots ? 0 : -1;
}

static void table_free(ngram_table *t)
{
    free(t->v);
    free(t->slots);
    buf_free(&t->arena);
}

static const char *table_key(const ngram_table *t, const ngram *g)
{
    return t->arena.data + g->key_off;
}

static int table_grow_slots(ngram_table *t)
{
    size_t ns = t->n_slots * 2;
    uint32_t *s = calloc(ns, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < t->n; i++) {
        size_t j = t->v[i].hash & (ns - 1);
        while (s[j])
            j = (j + 1) & (ns - 1);
        s[j] = (uint32_t)i + 1;
    }
    free(t->slots);
    t->slots = s;
    t->n_slots = ns;
    return 0;
}

static ngram *table_find(const ngram_table *t, const char *key, size_t len,
                         uint32_t h, size_t *slot)
{
    size_t j = h & (t->n_slots - 1);
    while (t->slots[j]) {
        ngram *g = &t->v[t->slots[j] - 1];
        if (g->hash == h && g->key_len == len &&
            memcmp(table_key(t, g), key, len) == 0)
            return g;
        j = (j + 1) & (t->n_slots - 1);
    }
    if (slot)
        *slot = j;
    return NULL;
}

/* A new entry, or NULL when the table is full or memory runs out (then
 * t->full is set and the n-gram is simply not counted). */
static ngram *table_insert(ngram_table *t, const char *key, size_t len,
                           uint32_t h, size_t slot, unsigned n_words)
{
    if (t->n >= MAX_NGRAMS || t->arena.len + len + 1 > MAX_ARENA_BYTES) {
        t->full = 1;
        return NULL;
    }
    if ((t->n + 1) * 2 > t->n_slots) {
        if (table_grow_slots(t) < 0) {
            t->full = 1;
            return NULL;
        }
        table_find(t, key, len, h, &slot);
    }
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 8192;
        ngram *nv = realloc(t->v, nc * sizeof *nv);
        if (!nv) {
            t->full = 1;
            return NULL;
        }
        t->v = nv;
        t->cap = nc;
    }
    size_t off = t->arena.len;
    buf_append(&t->arena, key, len);
    buf_putc(&t->arena, '\0');
    if (buf_error(&t->arena)) {
        t->full = 1;
        return NULL;
    }
    ngram *g = &t->v[t->n];
    memset(g, 0, sizeof *g);
    g->hash = h;
    g->key_off = (uint32_t)off;
    g->key_len = (uint32_t)len;
    g->n_words = (uint8_t)n_words;
    t->slots[slot] = (uint32_t)t->n + 1;
    t->n++;
    return g;
}

/* ---------- cutting passages into n-grams ---------- */

typedef struct window_tok {
    char key[72];      /* stem, or \x01 + protected form */
    size_t key_len;
    size_t start, end;
    int edge_ok;       /* may start or end an n-gram */
} window_tok;

typedef struct cut_ctx {
    ngram_table *table;
    const char *text;
    int group;             /* counting the group (insert) or the others */
    uint32_t passage;      /* 1-based sequence number */
    uint32_t report;       /* group: the report's 1-based number */
    uint32_t docid;
    window_tok win[MAX_NGRAM];
    size_t n_win;          /* tokens in the window (<= MAX_NGRAM) */
} cut_ctx;

/* Characters that may sit between two words of one phrase: spaces, a
 * hyphen, a slash, an apostrophe (straight or curly), a no-break space.
 * Anything else (a comma, a bracket, a dash between clauses) ends it. */
static int joins_words(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '-' || c == '/' || c == '\'')
            continue;
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            i++;
            continue;
        }
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x99) {
            i += 2;
            continue;
        }
        return 0;
    }
    return 1;
}

/* Words that say something only with others: "too many apprentices" is a
 * finding, "too" alone is not (stems, as the window holds them). */
static int weak_alone(const window_tok *w)
{
    static const char *const words[] = {
        "not", "too", "mani", "much", "veri", "also", "well", "all", "some",
        "few", "more", "most", "less", "onli", "just", "can", "cannot",
        "doe", "did", "have", "has", "had", "been", "their", "they",
        "them", "this", "that", "these", "those", "which", "who", "what",
        "there", "here", "such", "other", "each", "both", "still", "yet",
        "howev", "when", "where", "would", "could", "should", "may",
        "might", "must", "will", "make", "take", "get", "enough", "over",
        "into", "onto", "from", "with", "without", "within", "while",
        "after", "befor", "sinc", "becaus", "although", "though", "off",
        "made", "given", "use", "base", "way", "ensur", "good"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == w->key_len &&
            memcmp(words[i], w->key, w->key_len) == 0)
            return 1;
    return 0;
}

static void count_ngram(cut_ctx *c, size_t first)
{
    size_t n_words = c->n_win - first;
    if (n_words == 1 && weak_alone(&c->win[first]))
        return;
    char key[MAX_KEY_BYTES];
    size_t kl = 0;
    for (size_t i = first; i < c->n_win; i++) {
        const window_tok *w = &c->win[i];
        if (kl + w->key_len + 1 > sizeof key)
            return;
        if (i > first)
            key[kl++] = ' ';
        memcpy(key + kl, w->key, w->key_len);
        kl += w->key_len;
    }
    uint32_t h = hash_bytes(key, kl);
    size_t slot = 0;
    ngram *g = table_find(c->table, key, kl, h, &slot);
    if (!g) {
        if (!c->group)
            return; /* only what the group uses is ever scored */
        g = table_insert(c->table, key, kl, h, slot, (unsigned)n_words);
        if (!g)
            return;
        /* the surface form: the text as written, lower case, one space
         * for any run of white space */
        size_t s = c->win[first].start, e = c->win[c->n_win - 1].end;
        ngram_table *t = c->table;
        if (t->arena.len + (e - s) + 1 <= MAX_ARENA_BYTES) {
            size_t off = t->arena.len;
            int space = 0;
            for (size_t i = s; i < e; i++) {
                char ch = c->text[i];
                if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
                    space = 1;
                    continue;
                }
                if (space)
                    buf_putc(&t->arena, ' ');
                space = 0;
                if (ch >= 'A' && ch <= 'Z')
                    ch = (char)(ch - 'A' + 'a');
                buf_putc(&t->arena, ch);
            }
            buf_putc(&t->arena, '\0');
            if (!buf_error(&t->arena)) {
                g->surface_off = (uint32_t)off;
                g->surface_len = (uint32_t)(t->arena.len - off - 1);
            }
        }
    }
    if (g->last_passage == c->passage)
        return;
    g->last_passage = c->passage;
    if (!c->group) {
        g->other++;
        return;
    }
    g->group++;
    /* Passages come grouped by report (see sample_order), so a change of
     * report is a new report for this n-gram. */
    if (g->last_report != c->report) {
        g->last_report = c->report;
        g->reports++;
        if (g->n_ex < 2) {
            g->ex_doc[g->n_ex++] = c->docid;
        }
    }
}

static int on_token(void *vctx, const stm_token *tok)
{
    cut_ctx *c = vctx;
    const char *k = tok->stem;
    size_t kl = tok->stem_len;
    int prot = 0;
    if (!k) {
        k = tok->protected_form;
        kl = k ? strlen(k) : 0;
        prot = 1;
    }
    if (!k || kl == 0 || kl + 2 > sizeof c->win[0].key) {
        c->n_win = 0; /* nothing to key it by: a phrase cannot span it */
        return 0;
    }
    int breaks = (tok->flags & STM_TOK_SENTENCE_START) != 0;
    if (c->n_win > 0 && !breaks) {
        const window_tok *prev = &c->win[c->n_win - 1];
        if (tok->start < prev->end ||
            !joins_words(c->text + prev->end, tok->start - prev->end))
            breaks = 1;
    }
    if (breaks)
        c->n_win = 0;
    if (c->n_win == MAX_NGRAM) {
        memmove(&c->win[0], &c->win[1], (MAX_NGRAM - 1) * sizeof c->win[0]);
        c->n_win--;
    }
    window_tok *w = &c->win[c->n_win++];
    w->key_len = 0;
    if (prot)
        w->key[w->key_len++] = '\x01';
    memcpy(w->key + w->key_len, k, kl);
    w->key_len += kl;
    w->start = tok->start;
    w->end = tok->end;
    w->edge_ok = !(tok->flags & (STM_TOK_STOPWORD | STM_TOK_NUMERIC)) &&
                 tok->word_len >= MIN_WORD_BYTES;
    if (!w->edge_ok)
        return 0;
    for (size_t first = c->n_win; first-- > 0;)
        if (c->win[first].edge_ok)
            count_ngram(c, first);
    return 0;
}

/* Count the n-grams of a passage document. A passage that cannot be read
 * is skipped (it still counts in the sample size: that only makes the
 * shares a little conservative). */
static void cut_passage(srch_db *db, cut_ctx *c, xc_doc *doc, uint32_t docid)
{
    const char *data;
    size_t len;
    if (!doc || srch_passage_text(doc, &data, &len) != 0)
        return;
    /* section title \n page \n text (indexer.c) */
    const char *nl1 = memchr(data, '\n', len);
    const char *nl2 =
        nl1 ? memchr(nl1 + 1, '\n', (size_t)(data + len - nl1 - 1)) : NULL;
    if (!nl2)
        return;
    c->text = nl2 + 1;
    c->n_win = 0;
    c->docid = docid;
    stm_analyse(db->index_an, c->text, (size_t)(data + len - c->text),
                on_token, c, NULL);
}

/* ---------- sampling ---------- */

/* Pick at most `want` of `n` items evenly: item floor(i * n / want). */
static size_t sample_index(size_t i, size_t n, size_t want)
{
    return (size_t)((unsigned long long)i * n / want);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Report id, then docid: a report's passages come together, which the
 * per-n-gram report count relies on. */
static int cmp_group_report(const void *a, const void *b)
{
    const group_doc *x = a, *y = b;
    int c = strcmp(x->rid, y->rid);
    if (c)
        return c;
    return (x->docid > y->docid) - (x->docid < y->docid);
}

/* ---------- scoring ---------- */

static double xlogx_ratio(double o, double e)
{
    return o > 0 && e > 0 ? o * log(o / e) : 0.0;
}

/* Dunning's G2 for a: group using, b: other using, of n1 group and n2
 * other passages. */
static double g2(double a, double b, double n1, double n2)
{
    double c = n1 - a, d = n2 - b, n = n1 + n2;
    double r1 = a + b, r2 = c + d;
    if (n <= 0 || r1 <= 0 || r2 <= 0)
        return 0.0;
    double s = xlogx_ratio(a, r1 * n1 / n) + xlogx_ratio(b, r1 * n2 / n) +
               xlogx_ratio(c, r2 * n1 / n) + xlogx_ratio(d, r2 * n2 / n);
    return 2.0 * s;
}

typedef struct ranked_ngram {
    const ngram *g;
    const char *key;
} ranked_ngram;

/* Best first; ties by key, so the order never depends on the table's. */
static int cmp_score(const void *a, const void *b)
{
    const ranked_ngram *x = a, *y = b;
    if (x->g->score != y->g->score)
        return x->g->score < y->g->score ? 1 : -1;
    return strcmp(x->key, y->key);
}

/* Drop a shorter n-gram when a longer eligible one that contains it is
 * used by at least SUBSUME_SHARE of its group passages. */
static void drop_subsumed(ngram_table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        const ngram *y = &t->v[i];
        if (!y->eligible || y->n_words < 2)
            continue;
        const char *key = table_key(t, y);
        size_t starts[MAX_NGRAM + 1], ends[MAX_NGRAM];
        size_t nw = 0, p = 0;
        while (nw < MAX_NGRAM) {
            starts[nw] = p;
            const char *sp = memchr(key + p, ' ', y->key_len - p);
            size_t e = sp ? (size_t)(sp - key) : y->key_len;
            ends[nw++] = e;
            if (!sp)
                break;
            p = e + 1;
        }
        for (size_t a = 0; a < nw; a++)
            for (size_t b = a; b < nw; b++) {
                if (a == 0 && b == nw - 1)
                    continue; /* itself */
                size_t s = starts[a], len = ends[b] - s;
                ngram *x = table_find(t, key + s, len,
                                      hash_bytes(key + s, len), NULL);
                if (x && x->eligible &&
                    (double)y->group >= SUBSUME_SHARE * (double)x->group)
                    x->dropped = 1;
            }
    }
}

/* ---------- the result ---------- */

void srch_distinctive_free(srch_distinctive *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_phrases; i++) {
        srch_phrase *p = &d->phrases[i];
        free(p->text);
        for (size_t j = 0; j < p->n_examples; j++)
            srch_hit_clear(&p->examples[j]);
        free(p->examples);
    }
    free(d->phrases);
    for (size_t i = 0; i < d->n_reports; i++)
        srch_report_free(d->reports[i]);
    free(d->reports);
    free(d);
}

static int fill_example(srch_db *db, srch_distinctive *d, srch_hit *h,
                        uint32_t docid)
{
    xc_doc *doc = NULL;
    if (xc_db_get_document(db->db, docid, &doc) != XC_OK)
        return -1;
    char rid[13];
    unsigned index = 0;
    memset(h, 0, sizeof *h);
    int rc = -1;
    if (srch_passage_locate(doc, rid, &index) == 0) {
        const srch_report *r =
            srch_report_cached(db, &d->reports, &d->n_reports, rid);
        if (r && srch_passage_fill(db, h, doc, r, index) == 0)
            rc = 0;
    }
    xc_doc_free(doc);
    if (rc < 0)
        srch_hit_clear(h);
    return rc;
}

/* The group: every passage the query matches, in docid order, and how
 * many reports they come from.
 *
 * The docids come from the match set itself, not from a match visitor:
 * over a sharded index (the indexer writes shards) Xapian 1.4 hands a
 * match spy each document with its docid within its shard, which names a
 * different passage of the combined index. */
static int match_group(srch_db *db, const char *query, uint32_t **docids,
                       size_t *n_docids, uint32_t *n_reports, srch_error *err)
{
    *docids = NULL;
    *n_docids = 0;
    *n_reports = 0;
    qp_node *root = NULL;
    qp_error perr;
    memset(&perr, 0, sizeof perr);
    if (qp_parse(query, strlen(query), &root, &perr) != 0) {
        err->code = SRCH_ERR_QUERY;
        err->column = perr.column;
        snprintf(err->message, sizeof err->message, "%s", perr.message);
        return SRCH_ERR_QUERY;
    }
    hl_terms hl = {0};
    xc_query *q = NULL;
    int text = 0;
    int rc = srch_compile(db, root, "passage", &q, &text, &hl, err);
    qp_node_free(root);
    hl_terms_free(&hl);
    if (rc < 0)
        return err->code ? err->code : SRCH_ERR;
    if (!q) {
        srch_set_error(err, SRCH_ERR_QUERY,
                       "give filters or words that pick the group (nothing "
                       "searchable is left in the query)");
        return SRCH_ERR_QUERY;
    }
    /* Passages only: some filters (provider:, urn:) also match the report
     * records, which have no text. */
    char dt[16];
    snprintf(dt, sizeof dt, "%spassage", TERM_DOCTYPE);
    xc_query *parts[2] = {q, NULL}, *fq = NULL;
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    uint32_t doccount = 0;
    rc = SRCH_ERR;
    if (xc_query_term(dt, 1, 0, &parts[1]) == XC_OK &&
        xc_query_combine(XC_OP_FILTER, parts, 2, 0, &fq) == XC_OK &&
        xc_db_doccount(db->db, &doccount) == XC_OK &&
        srch_enquire_new(db, &enq) == XC_OK &&
        xc_enquire_set_query(enq, fq) == XC_OK &&
        xc_enquire_set_boolean_weight(enq) == XC_OK &&
        xc_enquire_add_facet(enq, SLOT_REPORT) == XC_OK &&
        xc_enquire_get_mset(enq, 0, doccount, doccount ? doccount : 1,
                            &ms) == XC_OK)
        rc = SRCH_OK;
    else if (strstr(xc_last_error(), "ildcard"))
        srch_set_error(err, rc = SRCH_ERR_QUERY,
                       "a wildcard matches too many words (the cap is "
                       "2000): make the prefix longer");
    else
        srch_set_error(err, SRCH_ERR, "matching the group: %s",
                       xc_last_error());
    if (rc == SRCH_OK) {
        uint32_t size = xc_mset_size(ms);
        uint32_t *ids = malloc((size ? size : 1) * sizeof *ids);
        size_t n = 0;
        for (uint32_t i = 0; ids && i < size; i++) {
            uint32_t docid, collapsed;
            double w;
            if (xc_mset_item(ms, i, &docid, &w, &collapsed) == XC_OK)
                ids[n++] = docid;
        }
        const char *v;
        size_t vl;
        uint32_t count;
        for (size_t j = 0;
             xc_mset_facet(ms, 0, j, &v, &vl, &count) == 1; j++)
            if (vl > 0)
                (*n_reports)++;
        if (ids) {
            qsort(ids, n, sizeof *ids, cmp_u32);
            *docids = ids;
            *n_docids = n;
        } else {
            srch_set_error(err, rc = SRCH_ERR, "out of memory");
        }
    }
    xc_mset_free(ms);
    xc_enquire_free(enq);
    xc_query_free(fq);
    xc_query_free(parts[1]);
    xc_query_free(q);
    return rc;
}

/* The others: every passage not in the group (group docids sorted), sampled
 * evenly into *out. */
static int sample_others(srch_db *db, const uint32_t *group, size_t n_group,
                         size_t want, uint32_t **out, size_t *n_out,
                         srch_error *err)
{
    *out = NULL;
    *n_out = 0;
    char term[16];
    snprintf(term, sizeof term, "%spassage", TERM_DOCTYPE);
    uint32_t count = 0;
    if (xc_db_termfreq(db->db, term, &count) != XC_OK) {
        srch_set_error(err, SRCH_ERR, "counting passages: %s",
                       xc_last_error());
        return SRCH_ERR;
    }
    uint32_t *all = malloc(((size_t)count + 1) * sizeof *all);
    size_t n_all = 0;
    if (!all || xc_db_postings(db->db, term, all, count, &n_all) != XC_OK) {
        free(all);
        srch_set_error(err, SRCH_ERR, "reading passages: %s",
                       all ? xc_last_error() : "out of memory");
        return SRCH_ERR;
    }
    /* all minus group, in place: both are in docid order */
    size_t k = 0, g = 0;
    for (size_t i = 0; i < n_all; i++) {
        while (g < n_group && group[g] < all[i])
            g++;
        if (g < n_group && group[g] == all[i])
            continue;
        all[k++] = all[i];
    }
    if (k < MIN_OTHERS) {
        free(all);
        /* the question cannot be answered, not the index unreadable */
        srch_set_error(err, SRCH_ERR_QUERY,
                       "the group is almost the whole index: nothing to "
                       "compare it with (%zu other passages; narrow the "
                       "query)", k);
        return SRCH_ERR_QUERY;
    }
    size_t n = k < want ? k : want;
    for (size_t i = 0; i < n; i++)
        all[i] = all[sample_index(i, k, n)]; /* index >= i: safe in place */
    *out = all;
    *n_out = n;
    return SRCH_OK;
}

/* The group's sample: documents read, put in report order and numbered by
 * report. */
static int sample_group(srch_db *db, const uint32_t *group, size_t n_group,
                        size_t want, group_doc **out, size_t *n_out)
{
    size_t n = n_group < want ? n_group : want;
    group_doc *gd = calloc(n ? n : 1, sizeof *gd);
    *out = gd;
    *n_out = 0;
    if (!gd)
        return -1;
    for (size_t i = 0; i < n; i++) {
        group_doc *g = &gd[i];
        g->docid = group[sample_index(i, n_group, n)];
        const char *v;
        size_t vl;
        if (xc_db_get_document(db->db, g->docid, &g->doc) == XC_OK &&
            xc_doc_get_value(g->doc, SLOT_REPORT, &v, &vl) == XC_OK &&
            vl < sizeof g->rid) {
            memcpy(g->rid, v, vl);
            g->rid[vl] = '\0';
        }
    }
    *n_out = n;
    qsort(gd, n, sizeof *gd, cmp_group_report);
    uint32_t report = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(gd[i].rid, gd[i - 1].rid) != 0)
            report++;
        gd[i].report = report;
    }
    return 0;
}

static void group_docs_free(group_doc *gd, size_t n)
{
    for (size_t i = 0; gd && i < n; i++)
        xc_doc_free(gd[i].doc);
    free(gd);
}

int srch_get_distinctive(srch_db *db, const srch_distinctive_options *opt,
                         srch_distinctive **out, srch_error *err)
{
    *out = NULL;
    memset(err, 0, sizeof *err);
    if (!opt) {
        srch_set_error(err, SRCH_ERR, "srch_get_distinctive: no options");
        return SRCH_ERR;
    }
    const char *query = opt->query ? opt->query : "";
    if (query[strspn(query, " \t\r\n")] == '\0') {
        srch_set_error(err, SRCH_ERR_QUERY,
                       "give filters or words that pick the group (e.g. "
                       "grade:inadequate)");
        return SRCH_ERR_QUERY;
    }
    size_t limit = opt->limit ? opt->limit : DEFAULT_LIMIT;
    if (limit > MAX_LIMIT)
        limit = MAX_LIMIT;
    size_t want = opt->sample ? opt->sample : DEFAULT_SAMPLE;
    if (want > MAX_SAMPLE)
        want = MAX_SAMPLE;

    uint32_t *group = NULL, *others = NULL, n_reports = 0;
    size_t n_group_all = 0, n_others = 0, n_group = 0;
    group_doc *gdocs = NULL;
    ngram_table table;
    int have_table = 0;
    ranked_ngram *ranked = NULL;
    srch_distinctive *d = NULL;
    int rc = match_group(db, query, &group, &n_group_all, &n_reports, err);
    if (rc != SRCH_OK)
        goto done;
    rc = SRCH_ERR;
    d = calloc(1, sizeof *d);
    if (!d) {
        srch_set_error(err, SRCH_ERR, "out of memory");
        goto done;
    }
    d->group_passages = (uint32_t)n_group_all;
    d->group_reports = n_reports;
    if (sample_others(db, group, n_group_all, want, &others, &n_others,
                      err) != SRCH_OK)
        goto done;
    d->sampled_other = (uint32_t)n_others;
    if (n_group_all == 0) { /* nothing picked: nothing sets it apart */
        rc = SRCH_OK;
        goto done;
    }
    if (sample_group(db, group, n_group_all, want, &gdocs, &n_group) < 0) {
        srch_set_error(err, SRCH_ERR, "out of memory");
        goto done;
    }
    d->sampled_group = (uint32_t)n_group;

    if (table_init(&table) < 0) {
        srch_set_error(err, SRCH_ERR, "out of memory");
        goto done;
    }
    have_table = 1;
    cut_ctx cc;
    memset(&cc, 0, sizeof cc);
    cc.table = &table;
    cc.group = 1;
    for (size_t i = 0; i < n_group; i++) {
        cc.passage++;
        cc.report = gdocs[i].report;
        cut_passage(db, &cc, gdocs[i].doc, gdocs[i].docid);
        xc_doc_free(gdocs[i].doc);
        gdocs[i].doc = NULL;
    }
    cc.group = 0;
    cc.report = 0;
    for (size_t i = 0; i < n_others; i++) {
        xc_doc *doc = NULL;
        cc.passage++;
        if (xc_db_get_document(db->db, others[i], &doc) == XC_OK)
            cut_passage(db, &cc, doc, others[i]);
        xc_doc_free(doc);
    }
    if (buf_error(&table.arena) == BUF_ERR_NOMEM) {
        srch_set_error(err, SRCH_ERR, "out of memory");
        goto done;
    }

    /* Eligible: over-represented, used often enough and by enough
     * reports to be about the group rather than about one report. */
    double n1 = (double)n_group, n2 = (double)n_others;
    uint32_t min_passages = (uint32_t)ceil(0.02 * n1);
    if (min_passages < 3)
        min_passages = 3;
    uint32_t min_reports = n_reports > 1 ? 2 : 1;
    size_t n_eligible = 0;
    for (size_t i = 0; i < table.n; i++) {
        ngram *g = &table.v[i];
        if (g->group < min_passages || g->reports < min_reports ||
            g->surface_len == 0)
            continue;
        double gs = g->group / n1, os = g->other / n2;
        if (gs <= os)
            continue;
        g->score = g2(g->group, g->other, n1, n2);
        if (g->score <= 0)
            continue;
        g->eligible = 1;
        n_eligible++;
    }
    drop_subsumed(&table);
    ranked = malloc((n_eligible ? n_eligible : 1) * sizeof *ranked);
    if (!ranked) {
        srch_set_error(err, SRCH_ERR, "out of memory");
        goto done;
    }
    size_t n_ranked = 0;
    for (size_t i = 0; i < table.n; i++)
        if (table.v[i].eligible && !table.v[i].dropped) {
            ranked[n_ranked].g = &table.v[i];
            ranked[n_ranked++].key = table_key(&table, &table.v[i]);
        }
    qsort(ranked, n_ranked, sizeof *ranked, cmp_score);
    if (n_ranked > limit)
        n_ranked = limit;

    d->phrases = calloc(n_ranked ? n_ranked : 1, sizeof *d->phrases);
    if (!d->phrases) {
        srch_set_error(err, SRCH_ERR, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n_ranked; i++) {
        const ngram *g = ranked[i].g;
        srch_phrase *p = &d->phrases[d->n_phrases];
        p->text = str_ndup(table.arena.data + g->surface_off, g->surface_len);
        p->examples = calloc(2, sizeof *p->examples);
        if (!p->text || !p->examples) {
            free(p->text);
            free(p->examples);
            srch_set_error(err, SRCH_ERR, "out of memory");
            goto done;
        }
        d->n_phrases++;
        p->passages = g->group;
        p->reports = g->reports;
        p->group_share = g->group / n1;
        p->other_share = g->other / n2;
        p->score = g->score;
        for (unsigned j = 0; j < g->n_ex; j++)
            if (fill_example(db, d, &p->examples[p->n_examples],
                             g->ex_doc[j]) == 0)
                p->n_examples++;
    }
    rc = SRCH_OK;
done:
    free(ranked);
    if (have_table)
        table_free(&table);
    group_docs_free(gdocs, n_group);
    free(group);
    free(others);
    if (rc == SRCH_OK)
        *out = d;
    else
        srch_distinctive_free(d);
    return rc;
}
