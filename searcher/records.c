/* records.c - report records: `show`, `reports`, `stats`. */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "indexer/indexer.h"
#include "indexer/terms.h"
#include "searcher/searcher-private.h"
#include "themes/themes.h"
#include "util/buf.h"

void srch_report_free(srch_report *r)
{
    if (!r)
        return;
    char **f[] = {&r->id, &r->source, &r->format, &r->charset, &r->title,
                  &r->provider, &r->urn, &r->type, &r->kind, &r->date_start,
                  &r->date_end, &r->grade, &r->previous_grade, &r->area};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        free(*f[i]);
    for (size_t i = 0; i < r->n_judgements; i++) {
        free(r->judgements[i].name);
        free(r->judgements[i].grade);
    }
    free(r->judgements);
    free(r);
}

srch_report *srch_report_parse(const char *data, size_t len)
{
    srch_report *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    char *np = NULL, *nl = NULL;
    /* One pass over the "key=value" lines; the first of a key wins, as in
     * idx_record_field. (Sixteen look-ups, one per field, made every
     * search hit scan its report's record sixteen times.) */
    const struct {
        const char *key;
        char **dst;
    } keys[] = {
        {"id", &r->id},
        {"source", &r->source},
        {"format", &r->format},
        {"charset", &r->charset},
        {"title", &r->title},
        {"provider", &r->provider},
        {"urn", &r->urn},
        {"type", &r->type},
        {"kind", &r->kind},
        {"date_start", &r->date_start},
        {"date_end", &r->date_end},
        {"grade", &r->grade},
        {"previous_grade", &r->previous_grade},
        {"passages", &np},
        {"learners", &nl},
        {"area", &r->area},
    };
    const size_t nk = sizeof keys / sizeof keys[0];
    for (const char *p = data, *end = data + len; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end;
        const char *eq = memchr(p, '=', (size_t)(le - p));
        if (eq == p + 9 && memcmp(p, "judgement", 9) == 0) {
            /* judgement=<grade>\t=<name>, in report order (indexer.c) */
            const char *g = eq + 1;
            const char *tab = memchr(g, '\t', (size_t)(le - g));
            if (tab && tab + 1 < le && tab[1] == '=') {
                srch_judgement *nj = realloc(
                    r->judgements, (r->n_judgements + 1) * sizeof *nj);
                if (!nj)
                    goto oom;
                r->judgements = nj;
                nj[r->n_judgements].grade = str_ndup(g, (size_t)(tab - g));
                nj[r->n_judgements].name =
                    str_ndup(tab + 2, (size_t)(le - tab - 2));
                r->n_judgements++;
            }
            eq = NULL;
        }
        for (size_t k = 0; eq && k < nk; k++)
            if (!*keys[k].dst && strlen(keys[k].key) == (size_t)(eq - p) &&
                memcmp(p, keys[k].key, (size_t)(eq - p)) == 0) {
                if (!(*keys[k].dst = str_ndup(eq + 1, (size_t)(le - eq - 1))))
                    goto oom;
                break;
            }
        p = le + 1;
    }
    for (size_t k = 0; k < nk; k++)
        if (!*keys[k].dst && !(*keys[k].dst = str_dup("")))
            goto oom;
    r->n_passages = (unsigned)strtoul(np, NULL, 10);
    r->learners = strtoul(nl, NULL, 10);
    free(np);
    free(nl);
    return r;
oom:
    free(np);
    free(nl);
    srch_report_free(r);
    return NULL;
}

static srch_report *load_docid(srch_db *db, uint32_t docid)
{
    xc_doc *doc = NULL;
    if (xc_db_get_document(db->db, docid, &doc) != XC_OK)
        return NULL;
    const char *data;
    size_t len;
    srch_report *r = NULL;
    if (xc_doc_get_data(doc, &data, &len) == XC_OK)
        r = srch_report_parse(data, len);
    xc_doc_free(doc);
    return r;
}

const srch_report *srch_report_cached(srch_db *db, srch_report ***list,
                                      size_t *n, const char *rid)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i]->id, rid) == 0)
            return (*list)[i];
    srch_report *r = srch_report_load(db, rid);
    if (!r)
        return NULL;
    srch_report **nl = realloc(*list, (*n + 1) * sizeof *nl);
    if (!nl) {
        srch_report_free(r);
        return NULL;
    }
    *list = nl;
    nl[(*n)++] = r;
    return r;
}

srch_report *srch_report_load(srch_db *db, const char *rid)
{
    char term[64];
    snprintf(term, sizeof term, "%s%s", TERM_UNIQUE, rid);
    uint32_t docid = 0;
    if (xc_db_first_posting(db->db, term, &docid) != XC_OK || docid == 0)
        return NULL;
    return load_docid(db, docid);
}

/* ---------- show ---------- */

void srch_shown_free(srch_shown *s)
{
    if (!s)
        return;
    srch_report_free(s->report);
    for (size_t i = 0; i < s->n_passages; i++)
        srch_hit_clear(&s->passages[i]);
    free(s->passages);
    for (size_t i = 0; i < s->n_other_ids; i++)
        free(s->other_ids[i]);
    free(s->other_ids);
    free(s);
}

static int is_hex_id(const char *s)
{
    if (strlen(s) != 12)
        return 0;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return 0;
    return 1;
}

void srch_hit_clear(srch_hit *h)
{
    free(h->passage);
    free(h->snippet);
    free(h->highlights);
    free(h->section);
    for (size_t i = 0; i < h->n_themes; i++)
        free(h->themes[i].id);
    free(h->themes);
    memset(h, 0, sizeof *h);
}

static int cmp_theme_score(const void *a, const void *b)
{
    const srch_hit_theme *x = a, *y = b;
    return (x->score < y->score) - (x->score > y->score);
}

/* A packed SLOT_PASSAGE_TEXT value (terms.h): its header fields (not
 * NUL-terminated; each ends at a tab or the newline) and the body after
 * the header. 0 when `v` is packed. */
typedef struct packed_passage {
    const char *rid, *index, *polarity, *themes, *body;
    size_t rid_len, polarity_len, themes_len, body_len;
} packed_passage;

static int unpack_passage(const char *v, size_t n, packed_passage *pp)
{
    if (n == 0 || v[0] != PASSAGE_PACKED)
        return -1;
    const char *end = v + n;
    const char *nl = memchr(v, '\n', n);
    if (!nl)
        return -1;
    const char *f[4];
    size_t fl[4];
    const char *p = v + 1;
    for (int i = 0; i < 4; i++) {
        const char *stop = i < 3 ? memchr(p, '\t', (size_t)(nl - p)) : nl;
        if (!stop)
            return -1;
        f[i] = p;
        fl[i] = (size_t)(stop - p);
        p = stop + 1;
    }
    pp->rid = f[0];
    pp->rid_len = fl[0];
    pp->index = f[1];
    pp->polarity = f[2];
    pp->polarity_len = fl[2];
    pp->themes = f[3];
    pp->themes_len = fl[3];
    pp->body = nl + 1;
    pp->body_len = (size_t)(end - pp->body);
    return 0;
}

static void set_polarity(srch_hit *h, const char *v, size_t n)
{
    int p = -1;
    char pol[16] = "";
    if (n < sizeof pol) {
        memcpy(pol, v, n);
        pol[n] = '\0';
        p = thm_polarity_from_name(pol);
    }
    h->polarity = thm_polarity_name(p < 0 ? THM_NEUTRAL : (thm_polarity)p);
}

/* A hit's themes from a list of ids joined by ','. Each id's strength
 * follows it after ':' (a packed header), or, with no ':', is read from
 * its slot of `doc` (SLOT_THEME_SCORE + i; 0 if absent or no doc). */
static int fill_theme_list(srch_db *db, srch_hit *h, const char *list,
                           size_t n, xc_doc *doc)
{
    if (!db->themes || n == 0)
        return 0;
    char *ids = str_ndup(list, n); /* a copy: `list` may be borrowed */
    if (!ids)
        return -1;
    size_t cap = 1;
    for (size_t i = 0; i < n; i++)
        cap += ids[i] == ',';
    h->themes = calloc(cap, sizeof *h->themes);
    if (!h->themes) {
        free(ids);
        return -1;
    }
    char *save = NULL;
    for (char *id = strtok_r(ids, ",", &save); id;
         id = strtok_r(NULL, ",", &save)) {
        char *colon = strrchr(id, ':');
        double score = 0;
        if (colon) {
            *colon = '\0';
            score = strtod(colon + 1, NULL);
        } else if (doc) {
            long t = thm_set_find(db->themes, id);
            const char *sv;
            size_t sn;
            if (t >= 0 &&
                xc_doc_get_value(doc, SLOT_THEME_SCORE + (unsigned)t, &sv,
                                 &sn) == XC_OK && sn > 0)
                score = xc_sortable_unserialise(sv, sn);
        }
        srch_hit_theme *ht = &h->themes[h->n_themes];
        ht->id = str_dup(id);
        if (!ht->id)
            break;
        ht->score = score;
        h->n_themes++;
    }
    free(ids);
    qsort(h->themes, h->n_themes, sizeof *h->themes, cmp_theme_score);
    return 0;
}

/* The polarity and themes of a packed header. */
static int fill_packed_themes(srch_db *db, srch_hit *h,
                              const packed_passage *pp)
{
    set_polarity(h, pp->polarity, pp->polarity_len);
    return fill_theme_list(db, h, pp->themes, pp->themes_len, NULL);
}

/* The same from an index made before the packed value: the passage's
 * polarity (SLOT_POLARITY), themes (SLOT_THEMES) and their strengths. */
static int fill_themes(srch_db *db, srch_hit *h, xc_doc *doc)
{
    const char *v;
    size_t n;
    if (xc_doc_get_value(doc, SLOT_POLARITY, &v, &n) == XC_OK)
        set_polarity(h, v, n);
    if (xc_doc_get_value(doc, SLOT_THEMES, &v, &n) != XC_OK)
        return 0;
    return fill_theme_list(db, h, v, n, doc);
}

int srch_passage_text(xc_doc *doc, const char **data, size_t *len)
{
    if (xc_doc_get_value(doc, SLOT_PASSAGE_TEXT, data, len) != XC_OK)
        return -1;
    packed_passage pp;
    if (unpack_passage(*data, *len, &pp) == 0) {
        *data = pp.body;
        *len = pp.body_len;
        return 0;
    }
    if (*len > 0)
        return 0;
    return xc_doc_get_data(doc, data, len) == XC_OK ? 0 : -1;
}

int srch_passage_fill(srch_db *db, srch_hit *h, xc_doc *doc,
                      const srch_report *r, unsigned index)
{
    const char *data;
    size_t len;
    if (xc_doc_get_value(doc, SLOT_PASSAGE_TEXT, &data, &len) != XC_OK)
        return -1;
    packed_passage pp;
    int packed = unpack_passage(data, len, &pp) == 0;
    if (packed) {
        data = pp.body;
        len = pp.body_len;
    } else if (srch_passage_text(doc, &data, &len) != 0) {
        return -1;
    }
    /* section title \n page \n text (indexer.c) */
    const char *nl1 = memchr(data, '\n', len);
    const char *nl2 = nl1 ? memchr(nl1 + 1, '\n', (size_t)(data + len - nl1 - 1))
                          : NULL;
    if (!nl2)
        return -1;
    h->passage_index = index;
    h->page = (unsigned)strtoul(nl1 + 1, NULL, 10);
    h->section = str_ndup(data, (size_t)(nl1 - data));
    h->passage = str_ndup(nl2 + 1, (size_t)(data + len - nl2 - 1));
    h->report = r;
    if (!h->section || !h->passage)
        return -1;
    h->polarity = "neutral";
    return packed ? fill_packed_themes(db, h, &pp) : fill_themes(db, h, doc);
}

static int cmp_passage_index(const void *a, const void *b)
{
    const srch_hit *x = a, *y = b;
    return (x->passage_index > y->passage_index) -
           (x->passage_index < y->passage_index);
}

int srch_passage_locate(xc_doc *doc, char rid[13], unsigned *index)
{
    const char *v;
    size_t n;
    packed_passage pp;
    if (xc_doc_get_value(doc, SLOT_PASSAGE_TEXT, &v, &n) == XC_OK &&
        unpack_passage(v, n, &pp) == 0) {
        if (pp.rid_len == 0 || pp.rid_len > 12)
            return -1;
        memcpy(rid, pp.rid, pp.rid_len);
        rid[pp.rid_len] = '\0';
        *index = (unsigned)strtoul(pp.index, NULL, 10);
        return 0;
    }
    if (xc_doc_get_value(doc, SLOT_REPORT, &v, &n) != XC_OK || n == 0 ||
        n > 12)
        return -1;
    memcpy(rid, v, n);
    rid[n] = '\0';
    if (xc_doc_get_value(doc, SLOT_PASSAGE, &v, &n) != XC_OK || n == 0 ||
        n > 10)
        return -1;
    char num[12];
    memcpy(num, v, n);
    num[n] = '\0';
    *index = (unsigned)strtoul(num, NULL, 10);
    return 0;
}

int srch_show(srch_db *db, const char *key, srch_shown **out, srch_error *err)
{
    *out = NULL;
    char rid[13] = "";
    srch_shown *s = calloc(1, sizeof *s);
    if (!s) {
        srch_set_error(err, SRCH_ERR, "out of memory");
        return SRCH_ERR;
    }
    struct stat st;
    char abs_path[PATH_MAX];
    if (is_hex_id(key)) {
        snprintf(rid, sizeof rid, "%s", key);
    } else if (str_all_digits(key) && stat(key, &st) != 0) {
        /* A URN: the newest of its reports, and the others listed. */
        char *filter = str_printf("urn:%s", key);
        srch_report_list *l = NULL;
        srch_error lerr;
        memset(&lerr, 0, sizeof lerr);
        if (filter && srch_reports(db, filter, SRCH_SORT_DATE_DESC, 0, 0, &l,
                                   &lerr) == SRCH_OK && l->n > 0) {
            snprintf(rid, sizeof rid, "%s", l->reports[0]->id);
            s->other_ids = calloc(l->n, sizeof *s->other_ids);
            for (size_t i = 1; s->other_ids && i < l->n; i++)
                s->other_ids[s->n_other_ids++] = str_dup(l->reports[i]->id);
        }
        srch_report_list_free(l);
        free(filter);
    } else if (realpath(key, abs_path)) {
        idx_report_id(abs_path, rid);
    }
    if (rid[0])
        s->report = srch_report_load(db, rid);
    if (!s->report && rid[0]) {
        /* The record is there but cannot be read: a damaged index, not a
         * report that was never indexed. */
        char qterm[64];
        uint32_t n = 0;
        snprintf(qterm, sizeof qterm, "%s%s", TERM_UNIQUE, rid);
        if (xc_db_termfreq(db->db, qterm, &n) == XC_OK && n > 0) {
            srch_set_error(err, SRCH_ERR,
                           "the index is damaged: the record of report %s "
                           "cannot be read", rid);
            srch_shown_free(s);
            return SRCH_ERR;
        }
    }
    if (!s->report) {
        srch_set_error(err, SRCH_ERR_NOT_FOUND,
                       "no report '%s' in the index (give a report id, a URN "
                       "or an indexed file)", key);
        srch_shown_free(s);
        return SRCH_ERR_NOT_FOUND;
    }
    /* Its passages: the documents with its report term, less the record
     * itself, in passage order. */
    char term[64];
    snprintf(term, sizeof term, "%s%s", TERM_REPORT, rid);
    uint32_t count = 0;
    xc_db_termfreq(db->db, term, &count);
    uint32_t *ids = malloc((count + 1) * sizeof *ids);
    size_t n = 0;
    if (!ids || xc_db_postings(db->db, term, ids, count, &n) != XC_OK) {
        free(ids);
        srch_set_error(err, SRCH_ERR, "reading passages: %s", xc_last_error());
        srch_shown_free(s);
        return SRCH_ERR;
    }
    s->passages = calloc(n ? n : 1, sizeof *s->passages);
    for (size_t i = 0; s->passages && i < n; i++) {
        xc_doc *doc = NULL;
        if (xc_db_get_document(db->db, ids[i], &doc) != XC_OK)
            continue;
        char prid[13];
        unsigned index = 0;
        srch_hit *h = &s->passages[s->n_passages];
        if (srch_passage_locate(doc, prid, &index) == 0 &&
            srch_passage_fill(db, h, doc, s->report, index) == 0) {
            s->n_passages++;
        } else {
            srch_hit_clear(h);
        }
        xc_doc_free(doc);
    }
    free(ids);
    qsort(s->passages, s->n_passages, sizeof *s->passages, cmp_passage_index);
    for (size_t i = 0; i < s->n_passages; i++)
        s->passages[i].rank = (unsigned)i + 1;
    *out = s;
    return SRCH_OK;
}

/* ---------- reports ---------- */

void srch_report_list_free(srch_report_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        srch_report_free(l->reports[i]);
    free(l->reports);
    free(l);
}

int srch_reports(srch_db *db, const char *filters, srch_sort sort,
                 unsigned offset, unsigned limit, srch_report_list **out,
                 srch_error *err)
{
    *out = NULL;
    xc_query *base = NULL, *q = NULL;
    char dt[16];
    snprintf(dt, sizeof dt, "%sreport", TERM_DOCTYPE);
    xc_query_term(dt, 1, 0, &base);
    if (filters && *filters) {
        qp_node *root = NULL;
        qp_error perr;
        memset(&perr, 0, sizeof perr);
        if (qp_parse(filters, strlen(filters), &root, &perr) != 0) {
            err->column = perr.column;
            srch_set_error(err, SRCH_ERR_QUERY, "%s", perr.message);
            xc_query_free(base);
            return SRCH_ERR_QUERY;
        }
        hl_terms hl = {0};
        xc_query *fq = NULL;
        int text = 0;
        int rc = srch_compile(db, root, "report", &fq, &text, &hl, err);
        hl_terms_free(&hl);
        qp_node_free(root);
        xc_query_free(base);
        if (rc < 0)
            return err->code ? err->code : SRCH_ERR;
        if (text) {
            xc_query_free(fq);
            srch_set_error(err, SRCH_ERR_QUERY,
                           "reports takes filters only (grade:, type:, "
                           "kind:, year:, date:, provider:, urn:); use "
                           "'insearch search' for words");
            return SRCH_ERR_QUERY;
        }
        if (!fq) {
            /* nothing left to filter by (only punctuation): every report,
             * as with no filter at all */
            fq = srch_term_query(TERM_DOCTYPE, "report");
            if (!fq) {
                srch_set_error(err, SRCH_ERR, "out of memory");
                return SRCH_ERR;
            }
        }
        q = fq;
    } else {
        q = base;
    }
    srch_report_list *l = calloc(1, sizeof *l);
    xc_enquire *enq = NULL;
    xc_mset *ms = NULL;
    int rc = SRCH_ERR;
    if (!l || srch_enquire_new(db, &enq) != XC_OK ||
        xc_enquire_set_query(enq, q) != XC_OK ||
        xc_enquire_set_boolean_weight(enq) != XC_OK ||
        srch_sort_by_date(db, enq, sort != SRCH_SORT_DATE_ASC) != XC_OK ||
        xc_enquire_get_mset(enq, offset, limit ? limit : 1000000, 0, &ms) !=
            XC_OK) {
        srch_set_error(err, SRCH_ERR, "listing reports: %s", xc_last_error());
        goto done;
    }
    l->total = xc_mset_matches_estimated(ms);
    uint32_t size = xc_mset_size(ms);
    l->reports = calloc(size ? size : 1, sizeof *l->reports);
    if (!l->reports)
        goto done;
    for (uint32_t i = 0; i < size; i++) {
        xc_doc *doc = NULL;
        if (xc_mset_get_document(ms, i, &doc) != XC_OK)
            continue;
        const char *data = NULL;
        size_t len = 0;
        /* A record that cannot be read (a damaged index) is left out. */
        srch_report *r = xc_doc_get_data(doc, &data, &len) == XC_OK
                             ? srch_report_parse(data, len)
                             : NULL;
        if (r)
            l->reports[l->n++] = r;
        xc_doc_free(doc);
    }
    rc = SRCH_OK;
done:
    xc_mset_free(ms);
    xc_enquire_free(enq);
    xc_query_free(q);
    if (rc == SRCH_OK)
        *out = l;
    else
        srch_report_list_free(l);
    return rc;
}

/* ---------- stats ---------- */

int srch_get_stats(srch_db *db, const char *dbpath, srch_stats *out,
                   srch_error *err)
{
    memset(out, 0, sizeof *out);
    uint32_t reports = 0, passages = 0, others = 0;
    char t1[16], t2[16], t3[16];
    snprintf(t1, sizeof t1, "%sreport", TERM_DOCTYPE);
    snprintf(t2, sizeof t2, "%spassage", TERM_DOCTYPE);
    snprintf(t3, sizeof t3, "%sother", TERM_KIND);
    if (xc_db_termfreq(db->db, t1, &reports) != XC_OK ||
        xc_db_termfreq(db->db, t2, &passages) != XC_OK ||
        xc_db_termfreq(db->db, t3, &others) != XC_OK) {
        srch_set_error(err, SRCH_ERR, "stats: %s", xc_last_error());
        return SRCH_ERR;
    }
    /* XKother counts the records and the passages of non-reports: count
     * only records, through the intersection's size. */
    uint32_t other_records = 0;
    if (others > 0) {
        xc_query *a = NULL, *b = NULL, *q = NULL;
        xc_query_term(t1, 1, 0, &a);
        xc_query_term(t3, 1, 0, &b);
        xc_query *parts[2] = {a, b};
        xc_query_combine(XC_OP_AND, parts, 2, 0, &q);
        xc_enquire *enq = NULL;
        xc_mset *ms = NULL;
        if (srch_enquire_new(db, &enq) == XC_OK &&
            xc_enquire_set_query(enq, q) == XC_OK &&
            xc_enquire_get_mset(enq, 0, 0, others, &ms) == XC_OK)
            other_records = xc_mset_matches_estimated(ms);
        xc_mset_free(ms);
        xc_enquire_free(enq);
        xc_query_free(q);
        xc_query_free(a);
        xc_query_free(b);
    }
    out->reports = reports - other_records;
    out->others = other_records;
    out->passages = passages;
    /* Distinct terms of the text: stems and protected forms. */
    static const char *const text_prefixes[] = {"Z", "K"};
    for (size_t i = 0; i < 2; i++) {
        xc_termiter *it = NULL;
        if (xc_db_allterms(db->db, text_prefixes[i], &it) != XC_OK)
            continue;
        const char *term;
        size_t len;
        while (xc_termiter_next(it, &term, &len, NULL) == 1)
            out->terms++;
        xc_termiter_free(it);
    }
    out->size_bytes = srch_local_size(dbpath, NULL);
    return SRCH_OK;
}
