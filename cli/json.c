/* json.c - the JSON documents of the reading commands (json.h). */
#include <stdio.h>
#include <string.h>

#include "cli/json.h"

void cli_json_str_or_null(buf *b, const char *s)
{
    buf_json_str(b, s && *s ? s : NULL);
}

void cli_json_report(buf *b, const srch_report *r, int full)
{
    if (!r) {
        buf_puts(b, "null");
        return;
    }
    buf_puts(b, "{\"id\":");
    buf_json_str(b, r->id);
    buf_puts(b, ",\"provider\":");
    cli_json_str_or_null(b, r->provider);
    buf_puts(b, ",\"urn\":");
    cli_json_str_or_null(b, r->urn);
    buf_puts(b, ",\"kind\":");
    cli_json_str_or_null(b, r->kind);
    buf_puts(b, ",\"type\":");
    cli_json_str_or_null(b, r->type);
    buf_puts(b, ",\"date_start\":");
    cli_json_str_or_null(b, r->date_start);
    buf_puts(b, ",\"date_end\":");
    cli_json_str_or_null(b, r->date_end);
    buf_puts(b, ",\"grade\":");
    cli_json_str_or_null(b, r->grade);
    buf_puts(b, ",\"previous_grade\":");
    cli_json_str_or_null(b, r->previous_grade);
    buf_puts(b, ",\"source\":");
    cli_json_str_or_null(b, r->source);
    buf_puts(b, ",\"title\":");
    cli_json_str_or_null(b, r->title);
    if (r->learners)
        buf_printf(b, ",\"learners\":%lu", r->learners);
    else
        buf_puts(b, ",\"learners\":null");
    buf_puts(b, ",\"area\":");
    cli_json_str_or_null(b, r->area);
    if (full) {
        buf_puts(b, ",\"format\":");
        cli_json_str_or_null(b, r->format);
        buf_puts(b, ",\"charset\":");
        cli_json_str_or_null(b, r->charset);
        buf_printf(b, ",\"passages\":%u,\"judgements\":[", r->n_passages);
        for (size_t i = 0; i < r->n_judgements; i++) {
            buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
            buf_json_str(b, r->judgements[i].name);
            buf_puts(b, ",\"grade\":");
            cli_json_str_or_null(b, r->judgements[i].grade);
            buf_putc(b, '}');
        }
        buf_putc(b, ']');
    }
    buf_putc(b, '}');
}

void cli_json_report_brief(buf *b, const srch_report *r)
{
    if (!r) {
        buf_puts(b, "null");
        return;
    }
    buf_puts(b, "{\"id\":");
    buf_json_str(b, r->id);
    buf_puts(b, ",\"provider\":");
    cli_json_str_or_null(b, r->provider);
    buf_puts(b, ",\"urn\":");
    cli_json_str_or_null(b, r->urn);
    buf_puts(b, ",\"type\":");
    cli_json_str_or_null(b, r->type);
    buf_puts(b, ",\"kind\":");
    cli_json_str_or_null(b, r->kind);
    buf_puts(b, ",\"date_start\":");
    cli_json_str_or_null(b, r->date_start);
    buf_puts(b, ",\"grade\":");
    cli_json_str_or_null(b, r->grade);
    buf_puts(b, ",\"source\":");
    cli_json_str_or_null(b, r->source);
    buf_putc(b, '}');
}

void cli_json_passage(buf *b, const srch_hit *h)
{
    buf_puts(b, "{\"passage\":");
    buf_json_str(b, h->passage);
    buf_puts(b, ",\"section\":");
    cli_json_str_or_null(b, h->section);
    buf_printf(b, ",\"passage_index\":%u,\"polarity\":", h->passage_index);
    cli_json_str_or_null(b, h->polarity);
    buf_puts(b, ",\"themes\":[");
    for (size_t i = 0; i < h->n_themes; i++) {
        buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
        buf_json_str(b, h->themes[i].id);
        buf_printf(b, ",\"score\":%.3f}", h->themes[i].score);
    }
    buf_puts(b, "],\"report\":");
    cli_json_report_brief(b, h->report);
    buf_putc(b, '}');
}

void cli_json_hit(buf *b, const srch_hit *h, int with_snippet)
{
    buf_printf(b, "{\"rank\":%u,\"score\":%.4f,\"passage\":", h->rank,
               h->score);
    buf_json_str(b, h->passage);
    if (with_snippet) {
        buf_puts(b, ",\"snippet\":");
        buf_json_str(b, h->snippet ? h->snippet : h->passage);
        buf_puts(b, ",\"highlights\":[");
        for (size_t i = 0; i < h->n_highlights; i++)
            buf_printf(b, "%s[%zu,%zu]", i ? "," : "", h->highlights[i].start,
                       h->highlights[i].end);
        buf_putc(b, ']');
    }
    buf_puts(b, ",\"section\":");
    cli_json_str_or_null(b, h->section);
    buf_printf(b, ",\"page\":");
    if (h->page)
        buf_printf(b, "%u", h->page);
    else
        buf_puts(b, "null");
    buf_printf(b, ",\"passage_index\":%u,\"polarity\":", h->passage_index);
    cli_json_str_or_null(b, h->polarity);
    buf_puts(b, ",\"themes\":[");
    for (size_t i = 0; i < h->n_themes; i++) {
        buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
        buf_json_str(b, h->themes[i].id);
        buf_printf(b, ",\"score\":%.3f}", h->themes[i].score);
    }
    buf_putc(b, ']');
    if (with_snippet) {
        if (h->collapsed_unknown)
            buf_puts(b, ",\"more_in_report\":null,\"report\":");
        else
            buf_printf(b, ",\"more_in_report\":%u,\"report\":", h->collapsed);
        cli_json_report(b, h->report, 0);
    }
    buf_putc(b, '}');
}


void cli_json_error(buf *b, const srch_error *err)
{
    static const char *const kinds[] = {"", "failed", "query", "not_found",
                                        "ambiguous"};
    int k = -err->code;
    buf_puts(b, "{\"error\":");
    buf_json_str(b, err->message);
    buf_printf(b, ",\"kind\":\"%s\"", k >= 1 && k <= 4 ? kinds[k] : "failed");
    /* a column only where the query is at fault at a known place */
    if (err->code == SRCH_ERR_QUERY && err->column > 0)
        buf_printf(b, ",\"column\":%zu}", err->column);
    else
        buf_puts(b, ",\"column\":null}");
}

void cli_json_str_array(buf *b, const char *const *v, size_t n)
{
    buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(b, ',');
        buf_json_str(b, v[i]);
    }
    buf_putc(b, ']');
}

void cli_json_search(buf *b, const char *query, const srch_results *res,
                     const cli_search_shape *shape)
{
    buf_puts(b, "{\"query\":");
    buf_json_str(b, query);
    buf_printf(b, ",\"total\":%u,\"total_lower\":%u,\"total_upper\":%u,"
               "\"offset\":%u,\"limit\":%u,\"by_report\":%s,\"results\":[",
               res->total, res->total_lower, res->total_upper, shape->offset,
               shape->limit, shape->by_report ? "true" : "false");
    for (size_t i = 0; i < res->n_hits; i++) {
        if (i)
            buf_putc(b, ',');
        cli_json_hit(b, &res->hits[i], 1);
    }
    buf_puts(b, "],\"did_you_mean\":");
    buf_json_str(b, res->did_you_mean);
    if (res->n_missing_shards > 0) {
        /* Only in a partial answer (--partial): which shards it lacks. */
        buf_puts(b, ",\"partial\":true,\"missing_shards\":");
        cli_json_str_array(b, (const char *const *)res->missing_shards,
                           res->n_missing_shards);
    }
    if (shape->explain) {
        buf_puts(b, ",\"xapian_query\":");
        buf_json_str(b, res->query_description);
    }
    if (shape->facets) {
        buf_puts(b, ",\"facets\":{");
        for (size_t f = 0; f < res->n_facets; f++) {
            buf_printf(b, "%s\"%s\":{", f ? "," : "", res->facets[f].field);
            for (size_t j = 0; j < res->facets[f].n_values; j++) {
                if (j)
                    buf_putc(b, ',');
                buf_json_str(b, res->facets[f].values[j].value);
                buf_printf(b, ":%u", res->facets[f].values[j].count);
            }
            buf_putc(b, '}');
        }
        buf_putc(b, '}');
    }
    buf_putc(b, '}');
}

void cli_json_shown(buf *b, const srch_shown *s)
{
    buf_puts(b, "{\"report\":");
    cli_json_report(b, s->report, 1);
    buf_puts(b, ",\"passages\":[");
    for (size_t i = 0; i < s->n_passages; i++) {
        if (i)
            buf_putc(b, ',');
        cli_json_hit(b, &s->passages[i], 0);
    }
    buf_puts(b, "],\"other_reports\":");
    cli_json_str_array(b, (const char *const *)s->other_ids, s->n_other_ids);
    buf_putc(b, '}');
}

void cli_json_report_list(buf *b, const srch_report_list *l)
{
    buf_printf(b, "{\"total\":%u,\"reports\":[", l->total);
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            buf_putc(b, ',');
        cli_json_report(b, l->reports[i], 0);
    }
    buf_puts(b, "]}");
}

void cli_json_stats(buf *b, const srch_stats *st, const char *dbpath)
{
    buf_printf(b, "{\"reports\":%llu,\"others\":%llu,\"passages\":%llu,"
               "\"terms\":%llu,\"size_bytes\":%llu,\"db\":",
               (unsigned long long)st->reports,
               (unsigned long long)st->others,
               (unsigned long long)st->passages,
               (unsigned long long)st->terms,
               (unsigned long long)st->size_bytes);
    buf_json_str(b, dbpath);
    buf_putc(b, '}');
}

void cli_json_theme_list(buf *b, const srch_theme_list *l)
{
    buf_puts(b, "{\"themes\":[");
    for (size_t i = 0; i < l->n; i++) {
        const srch_theme_info *t = &l->themes[i];
        buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
        buf_json_str(b, t->id);
        buf_puts(b, ",\"name\":");
        buf_json_str(b, t->name);
        buf_puts(b, ",\"description\":");
        buf_json_str(b, t->description);
        buf_printf(b, ",\"passages\":%u,\"reports\":%u,"
                   "\"weakness_reports\":%u,\"strength_reports\":%u}",
                   t->passages, t->reports, t->weakness_reports,
                   t->strength_reports);
    }
    buf_puts(b, "]}");
}

void cli_json_aggregate(buf *b, const char *query, const srch_aggregate *a,
                        unsigned limit, unsigned examples)
{
    size_t shown = a->n_themes;
    if (limit && limit < shown)
        shown = limit;
    buf_puts(b, "{\"query\":");
    buf_json_str(b, query);
    buf_puts(b, ",\"polarity\":");
    buf_json_str(b, a->polarity);
    buf_printf(b, ",\"reports\":%u,\"by_year\":{", a->reports_matching);
    for (size_t y = 0; y < a->n_years; y++)
        buf_printf(b, "%s\"%s\":%u", y ? "," : "", a->years[y].year,
                   a->years[y].matching);
    buf_puts(b, "},\"themes\":[");
    for (size_t i = 0; i < shown; i++) {
        const srch_agg_theme *t = &a->themes[i];
        buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
        buf_json_str(b, t->id);
        buf_puts(b, ",\"name\":");
        buf_json_str(b, t->name);
        buf_printf(b, ",\"reports\":%u,\"share\":%.4f,\"by_year\":[",
                   t->reports, t->share);
        for (size_t y = 0; y < t->n_years; y++)
            buf_printf(b, "%s{\"year\":\"%s\",\"reports\":%u,"
                       "\"of\":%u,\"share\":%.4f}",
                       y ? "," : "", t->by_year[y].year,
                       t->by_year[y].reports, t->by_year[y].matching,
                       t->by_year[y].matching
                           ? (double)t->by_year[y].reports /
                                 t->by_year[y].matching
                           : 0.0);
        buf_puts(b, "],\"passages\":[");
        for (size_t k = 0; k < t->n_examples && k < examples; k++) {
            if (k)
                buf_putc(b, ',');
            cli_json_passage(b, &t->examples[k]);
        }
        buf_puts(b, "]}");
    }
    buf_puts(b, "]}");
}

void cli_json_distinctive(buf *b, const char *query,
                          const srch_distinctive *d)
{
    buf_puts(b, "{\"query\":");
    buf_json_str(b, query);
    buf_printf(b, ",\"group_passages\":%u,\"group_reports\":%u,"
               "\"sampled_group\":%u,\"sampled_other\":%u,\"phrases\":[",
               d->group_passages, d->group_reports, d->sampled_group,
               d->sampled_other);
    for (size_t i = 0; i < d->n_phrases; i++) {
        const srch_phrase *ph = &d->phrases[i];
        buf_puts(b, i ? ",{\"text\":" : "{\"text\":");
        buf_json_str(b, ph->text);
        buf_printf(b, ",\"passages\":%u,\"reports\":%u,"
                   "\"group_share\":%.4f,\"other_share\":%.4f,"
                   "\"score\":%.2f,\"examples\":[",
                   ph->passages, ph->reports, ph->group_share,
                   ph->other_share, ph->score);
        for (size_t k = 0; k < ph->n_examples; k++) {
            if (k)
                buf_putc(b, ',');
            cli_json_passage(b, &ph->examples[k]);
        }
        buf_puts(b, "]}");
    }
    buf_puts(b, "]}");
}

static void json_weights(buf *b, const char *key, const srch_theme_weight *w,
                         size_t n)
{
    buf_printf(b, ",\"%s\":[", key);
    for (size_t i = 0; i < n; i++) {
        buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
        buf_json_str(b, w[i].id);
        buf_printf(b, ",\"weight\":%.2f}", w[i].weight);
    }
    buf_putc(b, ']');
}

static void json_ids(buf *b, const char *key, char *const *ids, size_t n)
{
    buf_printf(b, ",\"%s\":[", key);
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(b, ',');
        buf_json_str(b, ids[i]);
    }
    buf_putc(b, ']');
}

void cli_json_history(buf *b, const srch_history *h)
{
    buf_puts(b, "{\"provider\":");
    buf_json_str(b, h->provider);
    buf_puts(b, ",\"urn\":");
    cli_json_str_or_null(b, h->urn);
    buf_puts(b, ",\"reports\":[");
    for (size_t i = 0; i < h->n_reports; i++) {
        const srch_history_entry *e = &h->reports[i];
        if (i)
            buf_putc(b, ',');
        /* the record as `reports` prints it, with the themes added */
        cli_json_report(b, e->report, 0);
        if (b->len && !buf_error(b))
            b->len--; /* reopen the object */
        json_weights(b, "weaknesses", e->weaknesses, e->n_weaknesses);
        json_weights(b, "strengths", e->strengths, e->n_strengths);
        json_ids(b, "improved", e->improved, e->n_improved);
        json_ids(b, "declined", e->declined, e->n_declined);
        buf_putc(b, '}');
    }
    buf_puts(b, "]}");
}

/* The size bands of `similar` in words (providers.c has the numbers). */
const char *cli_size_words(unsigned long n)
{
    if (n == 0)
        return "size not stated";
    if (n < 100)
        return "under 100 learners";
    if (n < 500)
        return "100-499 learners";
    if (n < 2000)
        return "500-1,999 learners";
    return "2,000 learners or more";
}

static void json_matches(buf *b, const srch_peer *p)
{
    int first = 1;
    buf_puts(b, ",\"matches\":{");
#define MATCH(name, val)                                                   \
    do {                                                                   \
        buf_printf(b, "%s\"%s\":", first ? "" : ",", name);                \
        buf_json_str(b, val);                                              \
        first = 0;                                                         \
    } while (0)
    if (p->same_type)
        MATCH("type", p->report->type);
    if (p->same_level)
        MATCH("grade", p->report->grade);
    if (p->same_size)
        MATCH("size", cli_size_words(p->learners));
    if (p->same_area)
        MATCH("area", p->area);
#undef MATCH
    buf_putc(b, '}');
}

static void json_passage_or_null(buf *b, const srch_hit *h)
{
    if (h)
        cli_json_passage(b, h);
    else
        buf_puts(b, "null");
}

void cli_json_similar(buf *b, const srch_similar *s, int improved)
{
    buf_puts(b, "{\"target\":");
    cli_json_report_brief(b, s->target);
    buf_printf(b, ",\"improved\":%s,\"providers\":[",
               improved ? "true" : "false");
    for (size_t i = 0; i < s->n_peers; i++) {
        const srch_peer *p = &s->peers[i];
        buf_puts(b, i ? ",{\"provider\":" : "{\"provider\":");
        buf_json_str(b, p->provider);
        buf_puts(b, ",\"urn\":");
        cli_json_str_or_null(b, p->urn);
        buf_printf(b, ",\"score\":%.4f,\"findings\":%.4f,"
                   "\"text\":%.4f,\"profile\":%.4f,\"report\":",
                   p->score, p->findings, p->text, p->profile);
        cli_json_report_brief(b, p->report);
        if (improved) {
            buf_puts(b, ",\"after\":");
            cli_json_report_brief(b, p->after);
        }
        buf_puts(b, ",\"shared\":[");
        for (size_t k = 0; k < p->n_shared; k++) {
            const srch_shared_theme *st = &p->shared[k];
            buf_puts(b, k ? ",{\"theme\":" : "{\"theme\":");
            buf_json_str(b, st->id);
            buf_puts(b, ",\"polarity\":");
            buf_json_str(b, st->polarity);
            buf_printf(b, ",\"mine\":%.2f,\"theirs\":%.2f,"
                       "\"passages\":{\"mine\":", st->mine, st->theirs);
            json_passage_or_null(b, st->mine_passage);
            buf_puts(b, ",\"theirs\":");
            json_passage_or_null(b, st->their_passage);
            if (improved) {
                buf_puts(b, ",\"after\":");
                json_passage_or_null(b, st->after_passage);
            }
            buf_puts(b, "}}");
        }
        buf_putc(b, ']');
        json_matches(b, p);
        buf_putc(b, '}');
    }
    buf_puts(b, "]}");
}
