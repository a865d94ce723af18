/* api.c - the JSON API of `insearch serve` (doc/API.md): parameters in,
 * the CLI's JSON documents (cli/json.c) out. No HTTP here, so the unit
 * tests drive it directly. */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/csv.h"
#include "cli/plan_doc.h"
#include "cli/json.h"
#include "searcher/qparse.h"
#include "themes/themes.h"
#include "web/web.h"

/* A failure as the JSON error document; returns the HTTP status. */
static int answer_error(buf *out, int status, const char *kind, long column,
                        const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int answer_error(buf *out, int status, const char *kind, long column,
                        const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    buf_reset(out);
    buf_puts(out, "{\"error\":");
    buf_json_str(out, msg);
    buf_printf(out, ",\"kind\":\"%s\",\"column\":", kind);
    if (column > 0)
        buf_printf(out, "%ld}", column);
    else
        buf_puts(out, "null}");
    return status;
}

static int status_of(int code)
{
    switch (code) {
    case SRCH_ERR_QUERY:
    case SRCH_ERR_AMBIGUOUS: return 400;
    case SRCH_ERR_NOT_FOUND: return 404;
    default: return 500;
    }
}

/* A searcher failure. `q_shift` maps a column in the query that was run
 * back to one in the `q` parameter (the typed part is bracketed when
 * filters are added: 1); `q_len` is the length of `q`: a column past it
 * is in the added filters and has no place in `q`. */
static int answer_srch_error(buf *out, const srch_error *err, size_t q_shift,
                             size_t q_len)
{
    buf_reset(out);
    srch_error e = *err;
    if (e.code == SRCH_ERR_QUERY && q_shift) {
        size_t was = e.column;
        if (e.column > q_shift && e.column - q_shift <= q_len + 1)
            e.column -= q_shift;
        else
            e.column = 0;
        /* The message names the column too: say the one in q. */
        char from[40], to[40];
        snprintf(from, sizeof from, "column %zu", was);
        snprintf(to, sizeof to, e.column ? "column %zu" : "the filters",
                 e.column);
        char *at = strstr(e.message, from);
        if (at) {
            char rest[sizeof e.message];
            snprintf(rest, sizeof rest, "%s", at + strlen(from));
            snprintf(at, sizeof e.message - (size_t)(at - e.message), "%s%s",
                     to, rest);
        }
    }
    cli_json_error(out, &e);
    return status_of(e.code);
}

/* ------------------------------------------------------------ params */

typedef struct params {
    const web_param *v;
    size_t n;
} params;

static const char *param(const params *p, const char *key)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->v[i].key, key) == 0)
            return p->v[i].value ? p->v[i].value : "";
    return NULL;
}

/* 1 true, 0 false (absent too), -1 not a flag. */
static int flag(const params *p, const char *key)
{
    const char *v = param(p, key);
    if (!v || !*v || !strcmp(v, "0") || !strcasecmp(v, "false") ||
        !strcasecmp(v, "no") || !strcasecmp(v, "off"))
        return 0;
    if (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
        !strcasecmp(v, "on"))
        return 1;
    return -1;
}

/* A whole number in [lo, hi] or the default when absent or empty; -1 and
 * an error answer when it is something else. */
static int number(const params *p, const char *key, unsigned lo, unsigned hi,
                  unsigned dflt, unsigned *out, buf *ans, int *status)
{
    const char *v = param(p, key);
    *out = dflt;
    if (!v || !*v)
        return 0;
    char *end;
    unsigned long n = strtoul(v, &end, 10);
    if (!isdigit((unsigned char)*v) || *end || n < lo || n > hi) {
        *status = answer_error(ans, 400, "bad_request", 0,
                               "parameter %s takes a whole number from %u "
                               "to %u, not '%.40s'", key, lo, hi, v);
        return -1;
    }
    *out = (unsigned)n;
    return 0;
}

/* The filters a page sends as parameters, in the order they are added. */
static const char *const filter_fields[] = {
    "grade", "type", "kind", "year", "level", "provider", "urn",
    "section", "theme", "polarity"};

/* Values written bare (a range such as 2016..2019 cannot be quoted). */
static int bare_field(const char *f)
{
    return !strcmp(f, "year") || !strcmp(f, "level");
}

static int valid_value(const char *field, const char *v)
{
    for (const char *s = v; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == '"' || c == 0x7f)
            return 0;
        if (bare_field(field) && !isdigit(c) && c != '.')
            return 0;
    }
    return 1;
}

static int valid_date(const char *v)
{
    size_t n = strlen(v);
    if (n != 4 && n != 7 && n != 10)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (i == 4 || i == 7 ? v[i] != '-' : !isdigit((unsigned char)v[i]))
            return 0;
    int month = n >= 7 ? atoi(v + 5) : 1, day = n == 10 ? atoi(v + 8) : 1;
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/* The query run: q, bracketed when filters follow, and the filters. On a
 * bad parameter, the answer and its status. *shift is 1 when q was
 * bracketed. NULL query with status 0: nothing at all was asked. */
static char *build_query(const params *p, size_t *shift, size_t *q_len,
                         buf *ans, int *status)
{
    *status = 0;
    *shift = 0;
    const char *q = param(p, "q");
    if (!q)
        q = "";
    *q_len = strlen(q);
    if (*q_len > WEB_MAX_QUERY) {
        *status = answer_error(ans, 400, "bad_request", 0,
                               "the query is longer than %d bytes",
                               WEB_MAX_QUERY);
        return NULL;
    }
    buf f = BUF_INIT;
    for (size_t k = 0; k < sizeof filter_fields / sizeof *filter_fields;
         k++) {
        const char *field = filter_fields[k];
        unsigned count = 0;
        for (size_t i = 0; i < p->n; i++)
            if (!strcmp(p->v[i].key, field) && p->v[i].value &&
                *p->v[i].value)
                count++;
        if (count == 0)
            continue;
        buf_puts(&f, f.len ? " " : "");
        if (count > 1)
            buf_putc(&f, '(');
        unsigned done = 0;
        for (size_t i = 0; i < p->n; i++) {
            const char *v = p->v[i].value;
            if (strcmp(p->v[i].key, field) || !v || !*v)
                continue;
            if (strlen(v) > 200 || !valid_value(field, v)) {
                buf_free(&f);
                *status = answer_error(ans, 400, "bad_request", 0,
                                       "parameter %s: '%.60s' is not a value "
                                       "it takes", field, v);
                return NULL;
            }
            if (done++)
                buf_puts(&f, " OR ");
            if (bare_field(field))
                buf_printf(&f, "%s:%s", field, v);
            else
                buf_printf(&f, "%s:\"%s\"", field, v);
        }
        if (count > 1)
            buf_putc(&f, ')');
    }
    const char *from = param(p, "from"), *to = param(p, "to");
    if ((from && *from) || (to && *to)) {
        if ((from && *from && !valid_date(from)) ||
            (to && *to && !valid_date(to))) {
            buf_free(&f);
            *status = answer_error(ans, 400, "bad_request", 0,
                                   "parameters from and to take a date: "
                                   "YYYY, YYYY-MM or YYYY-MM-DD");
            return NULL;
        }
        buf_printf(&f, "%sdate:%s..%s", f.len ? " " : "",
                   from ? from : "", to ? to : "");
    }
    int typed = 0;
    for (const char *s = q; *s; s++)
        if (!isspace((unsigned char)*s))
            typed = 1;
    /* Each part is parsed on its own first, so that an error names a
     * column of q (an open quote in q would otherwise run on into the
     * filters) or the parameter at fault. */
    qp_node *tree = NULL;
    qp_error qe;
    if (typed && qp_parse(q, strlen(q), &tree, &qe) != 0) {
        buf_free(&f);
        *status = answer_error(ans, 400, "query", (long)qe.column, "%s",
                               qe.message);
        return NULL;
    }
    qp_node_free(tree);
    tree = NULL;
    if (f.len && qp_parse(buf_cstr(&f), f.len, &tree, &qe) != 0) {
        *status = answer_error(ans, 400, "bad_request", 0,
                               "the filter parameters (%s): %s",
                               buf_cstr(&f), qe.message);
        buf_free(&f);
        return NULL;
    }
    qp_node_free(tree);
    buf all = BUF_INIT;
    if (typed && f.len) {
        buf_printf(&all, "(%s) %s", q, buf_cstr(&f));
        *shift = 1;
    } else if (typed) {
        buf_puts(&all, q);
    } else if (f.len) {
        buf_puts(&all, buf_cstr(&f));
    }
    buf_free(&f);
    if (buf_error(&all)) {
        buf_free(&all);
        *status = answer_error(ans, 500, "failed", 0, "out of memory");
        return NULL;
    }
    if (all.len == 0) {
        buf_free(&all);
        return NULL;
    }
    return buf_detach(&all, NULL);
}

/* ------------------------------------------------------------ routes */

/* /api/search, and /api/search.csv (csv set): the same search, written
 * as CSV for a spreadsheet, up to 1,000 rows. */
static int api_search(srch_db *db, const params *p, int csv, buf *out)
{
    int status = 0;
    unsigned limit, offset;
    if (number(p, "limit", 1, csv ? 1000 : 100, csv ? 100 : 10, &limit, out,
               &status) < 0 ||
        number(p, "offset", 0, 100000, 0, &offset, out, &status) < 0)
        return status;
    int by_report = flag(p, "by_report"), facets = flag(p, "facets"),
        explain = flag(p, "explain");
    if (by_report < 0 || facets < 0 || explain < 0)
        return answer_error(out, 400, "bad_request", 0,
                            "by_report, facets and explain take 1 or 0");
    if (csv && (facets || explain))
        return answer_error(out, 400, "bad_request", 0,
                            "search.csv gives passages only: no facets or "
                            "explain");
    srch_sort sort = SRCH_SORT_RELEVANCE;
    const char *s = param(p, "sort");
    if (s && *s) {
        if (!strcmp(s, "date"))
            sort = SRCH_SORT_DATE_DESC;
        else if (!strcmp(s, "date-asc"))
            sort = SRCH_SORT_DATE_ASC;
        else if (strcmp(s, "relevance"))
            return answer_error(out, 400, "bad_request", 0,
                                "sort is relevance, date or date-asc");
    }
    size_t shift, q_len;
    char *query = build_query(p, &shift, &q_len, out, &status);
    if (!query)
        return status ? status
                      : answer_error(out, 400, "bad_request", 0,
                                     "give a query (q) or a filter");
    srch_options opt = SRCH_OPTIONS_INIT;
    opt.query = query;
    opt.limit = limit;
    opt.offset = offset;
    opt.by_report = by_report;
    opt.sort = sort;
    opt.facets = facets;
    srch_results *res = NULL;
    srch_error err;
    memset(&err, 0, sizeof err);
    if (srch_search(db, &opt, &res, &err) != SRCH_OK)
        status = answer_srch_error(out, &err, shift, q_len);
    else {
        if (csv) {
            /* The byte-order mark is how Excel, opening the download,
             * knows the file is UTF-8 (the CLI's --csv has none). */
            buf_puts(out, "\xEF\xBB\xBF");
            cli_csv_search(out, res);
        } else {
            cli_search_shape shape = {offset, limit, by_report, explain,
                                      facets};
            cli_json_search(out, query, res, &shape);
        }
        status = 200;
    }
    srch_results_free(res);
    free(query);
    return status;
}

static int api_report(srch_db *db, const char *id, buf *out)
{
    size_t n = strlen(id);
    int ok = n > 0 && n <= 40;
    for (size_t i = 0; i < n && ok; i++)
        ok = isalnum((unsigned char)id[i]);
    if (!ok)
        return answer_error(out, 404, "not_found", 0,
                            "no report has the id '%.40s'", id);
    srch_shown *s = NULL;
    srch_error err;
    memset(&err, 0, sizeof err);
    if (srch_show(db, id, &s, &err) != SRCH_OK)
        return answer_srch_error(out, &err, 0, 0);
    cli_json_shown(out, s);
    srch_shown_free(s);
    return 200;
}

static int api_reports(srch_db *db, const params *p, buf *out)
{
    int status = 0;
    unsigned limit, offset;
    if (number(p, "limit", 1, 1000, 100, &limit, out, &status) < 0 ||
        number(p, "offset", 0, 1000000, 0, &offset, out, &status) < 0)
        return status;
    const char *s = param(p, "sort");
    srch_sort sort = SRCH_SORT_DATE_DESC;
    if (s && !strcmp(s, "date-asc"))
        sort = SRCH_SORT_DATE_ASC;
    else if (s && *s && strcmp(s, "date"))
        return answer_error(out, 400, "bad_request", 0,
                            "sort is date or date-asc");
    size_t shift, q_len;
    char *filters = build_query(p, &shift, &q_len, out, &status);
    if (!filters && status)
        return status;
    srch_report_list *l = NULL;
    srch_error err;
    memset(&err, 0, sizeof err);
    if (srch_reports(db, filters, sort, offset, limit, &l, &err) != SRCH_OK)
        status = answer_srch_error(out, &err, shift, q_len);
    else {
        cli_json_report_list(out, l);
        status = 200;
    }
    srch_report_list_free(l);
    free(filters);
    return status;
}

static int api_aggregate(srch_db *db, const params *p, int polarity,
                         buf *out)
{
    int status = 0;
    unsigned examples, min_reports, limit;
    if (number(p, "examples", 0, 10, 3, &examples, out, &status) < 0 ||
        number(p, "min_reports", 0, 1000000, 0, &min_reports, out,
               &status) < 0 ||
        number(p, "limit", 0, 1000, 0, &limit, out, &status) < 0)
        return status;
    size_t shift, q_len;
    char *query = build_query(p, &shift, &q_len, out, &status);
    if (!query && status)
        return status;
    srch_agg_options ao = {query, polarity, examples, min_reports};
    srch_aggregate *a = NULL;
    srch_error err;
    memset(&err, 0, sizeof err);
    if (srch_aggregate_run(db, &ao, &a, &err) != SRCH_OK)
        status = answer_srch_error(out, &err, shift, q_len);
    else {
        cli_json_aggregate(out, query, a, limit, examples);
        status = 200;
    }
    srch_aggregate_free(a);
    free(query);
    return status;
}

static int api_distinctive(srch_db *db, const params *p, buf *out)
{
    int status = 0;
    unsigned limit, sample;
    if (number(p, "limit", 1, 200, 20, &limit, out, &status) < 0 ||
        number(p, "sample", 100, 100000, 4000, &sample, out, &status) < 0)
        return status;
    size_t shift, q_len;
    char *query = build_query(p, &shift, &q_len, out, &status);
    if (!query)
        return status ? status
                      : answer_error(out, 400, "bad_request", 0,
                                     "give a query (q) or a filter that "
                                     "picks the group");
    srch_distinctive_options dopt = {query, limit, sample};
    srch_distinctive *d = NULL;
    srch_error err;
    memset(&err, 0, sizeof err);
    if (srch_get_distinctive(db, &dopt, &d, &err) != SRCH_OK)
        status = answer_srch_error(out, &err, shift, q_len);
    else {
        cli_json_distinctive(out, query, d);
        status = 200;
    }
    srch_distinctive_free(d);
    free(query);
    return status;
}

static int api_similar(srch_db *db, const params *p, buf *out)
{
    int status = 0;
    srch_similar_options so = SRCH_SIMILAR_OPTIONS_INIT;
    if (number(p, "limit", 1, 50, 10, &so.limit, out, &status) < 0)
        return status;
    so.same_type = flag(p, "same_type");
    so.improved = flag(p, "improved");
    if (so.same_type < 0 || so.improved < 0)
        return answer_error(out, 400, "bad_request", 0,
                            "same_type and improved take 1 or 0");
    const char *fw = param(p, "findings_weight");
    if (fw && *fw) {
        char *end;
        double v = strtod(fw, &end);
        if (*end || v < 0 || v > 1)
            return answer_error(out, 400, "bad_request", 0,
                                "findings_weight takes a number from 0 to 1");
        so.findings_weight = v;
    }
    const char *who = param(p, "provider"), *rid = param(p, "report");
    so.who = who && *who ? who : NULL;
    so.report_id = rid && *rid ? rid : NULL;
    if (!so.who && !so.report_id)
        return answer_error(out, 400, "bad_request", 0,
                            "give provider (a URN or name) or report");
    if (!so.who)
        so.who = "";
    srch_similar *s = NULL;
    srch_error err;
    memset(&err, 0, sizeof err);
    if (srch_similar_run(db, &so, &s, &err) != SRCH_OK)
        return answer_srch_error(out, &err, 0, 0);
    cli_json_similar(out, s, so.improved);
    srch_similar_free(s);
    return 200;
}

static int api_history(srch_db *db, const params *p, buf *out)
{
    const char *who = param(p, "provider");
    if (!who || !*who)
        return answer_error(out, 400, "bad_request", 0,
                            "give provider (a URN or name)");
    srch_history *h = NULL;
    srch_error err;
    memset(&err, 0, sizeof err);
    if (srch_provider_history(db, who, &h, &err) != SRCH_OK)
        return answer_srch_error(out, &err, 0, 0);
    cli_json_history(out, h);
    srch_history_free(h);
    return 200;
}

/* /api/plan (JSON), /api/plan.csv and /api/plan.md (format 0, 1, 2): the
 * development plan of `insearch plan`, from the same writers. */
static int api_plan(srch_db *db, const params *p, int format, buf *out)
{
    srch_plan_options po = SRCH_PLAN_OPTIONS_INIT;
    const char *who = param(p, "provider"), *rid = param(p, "report");
    const char *since = param(p, "since");
    int no_since = flag(p, "no_since");
    if (no_since < 0)
        return answer_error(out, 400, "bad_request", 0,
                            "no_since takes 1 or 0");
    if ((!who || !*who) && (!rid || !*rid))
        return answer_error(out, 400, "bad_request", 0,
                            "give provider (a URN or name) or report (an id)");
    /* a report is named by its id here, never by a file on the server */
    if (rid && *rid && (strlen(rid) != 12 || strspn(rid, "0123456789abcdef") != 12))
        return answer_error(out, 400, "bad_request", 0,
                            "report takes a report id (12 hex digits)");
    if (since && *since &&
        (strlen(since) != 12 || strspn(since, "0123456789abcdef") != 12))
        return answer_error(out, 400, "bad_request", 0,
                            "since takes a report id (12 hex digits)");
    if (who && *who && strchr(who, '/'))
        return answer_error(out, 400, "bad_request", 0,
                            "provider takes a URN or name");
    po.who = rid && *rid ? rid : who;
    po.since = since && *since ? since : NULL;
    po.no_since = no_since;
    srch_plan *pl = NULL;
    srch_error err;
    memset(&err, 0, sizeof err);
    if (srch_plan_make(db, &po, &pl, &err) != SRCH_OK)
        return answer_srch_error(out, &err, 0, 0);
    if (format == 1) {
        buf_puts(out, "\xEF\xBB\xBF"); /* for Excel, as search.csv */
        cli_csv_plan(out, pl);
    } else if (format == 2)
        cli_md_plan(out, pl);
    else
        cli_json_plan(out, pl);
    srch_plan_free(pl);
    return 200;
}

static int api_suggest(srch_db *db, const params *p, buf *out)
{
    int status = 0;
    unsigned limit;
    if (number(p, "limit", 1, 20, 8, &limit, out, &status) < 0)
        return status;
    const char *prefix = param(p, "prefix");
    if (!prefix)
        return answer_error(out, 400, "bad_request", 0, "give prefix");
    srch_suggestions *s = NULL;
    srch_error err;
    memset(&err, 0, sizeof err);
    if (srch_suggest(db, prefix, limit, &s, &err) != SRCH_OK)
        return err.code == SRCH_ERR_QUERY
                   ? answer_error(out, 400, "bad_request", 0, "%s",
                                  err.message)
                   : answer_srch_error(out, &err, 0, 0);
    buf_puts(out, "{\"prefix\":");
    buf_json_str(out, prefix);
    buf_puts(out, ",\"themes\":[");
    for (size_t i = 0; i < s->n_themes; i++) {
        buf_puts(out, i ? ",{\"id\":" : "{\"id\":");
        buf_json_str(out, s->themes[i].id);
        buf_puts(out, ",\"name\":");
        buf_json_str(out, s->themes[i].name);
        buf_putc(out, '}');
    }
    buf_puts(out, "],\"providers\":[");
    for (size_t i = 0; i < s->n_providers; i++) {
        const srch_suggested_provider *pr = &s->providers[i];
        buf_puts(out, i ? ",{\"provider\":" : "{\"provider\":");
        buf_json_str(out, pr->name);
        buf_puts(out, ",\"urn\":");
        cli_json_str_or_null(out, pr->urn);
        buf_printf(out, ",\"reports\":%u,\"latest\":", pr->reports);
        cli_json_str_or_null(out, pr->latest);
        buf_putc(out, '}');
    }
    buf_puts(out, "]}");
    srch_suggestions_free(s);
    return 200;
}

int web_api_answer(srch_db *db, const srch_error *open_err,
                   const char *dbpath, const char *path,
                   const web_param *pv, size_t n_params, buf *out)
{
    params p = {pv, n_params};
    int status;
    if (strncmp(path, "/api/", 5) != 0)
        return answer_error(out, 404, "not_found", 0, "no such page");
    const char *route = path + 5;
    static const char *const known[] = {
        "search", "search.csv", "reports", "themes", "weaknesses", "strengths",
        "distinctive", "similar", "history", "stats", "suggest", "plan",
        "plan.csv", "plan.md"};
    int found = strncmp(route, "report/", 7) == 0;
    for (size_t i = 0; i < sizeof known / sizeof *known && !found; i++)
        found = strcmp(route, known[i]) == 0;
    if (!found)
        return answer_error(out, 404, "not_found", 0,
                            "no such API: %.80s (see doc/API.md)", path);
    if (!db)
        return answer_error(out, 503, "unavailable", 0, "%s",
                            open_err ? open_err->message
                                     : "the index is not open");
    if (!strncmp(route, "report/", 7))
        status = api_report(db, route + 7, out);
    else if (!strcmp(route, "search"))
        status = api_search(db, &p, 0, out);
    else if (!strcmp(route, "search.csv"))
        status = api_search(db, &p, 1, out);
    else if (!strcmp(route, "reports"))
        status = api_reports(db, &p, out);
    else if (!strcmp(route, "weaknesses"))
        status = api_aggregate(db, &p, THM_WEAKNESS, out);
    else if (!strcmp(route, "strengths"))
        status = api_aggregate(db, &p, THM_STRENGTH, out);
    else if (!strcmp(route, "distinctive"))
        status = api_distinctive(db, &p, out);
    else if (!strcmp(route, "similar"))
        status = api_similar(db, &p, out);
    else if (!strcmp(route, "history"))
        status = api_history(db, &p, out);
    else if (!strcmp(route, "suggest"))
        status = api_suggest(db, &p, out);
    else if (!strcmp(route, "plan"))
        status = api_plan(db, &p, 0, out);
    else if (!strcmp(route, "plan.csv"))
        status = api_plan(db, &p, 1, out);
    else if (!strcmp(route, "plan.md"))
        status = api_plan(db, &p, 2, out);
    else if (!strcmp(route, "themes")) {
        srch_theme_list *l = NULL;
        srch_error err;
        memset(&err, 0, sizeof err);
        if (srch_themes(db, &l, &err) != SRCH_OK)
            return answer_srch_error(out, &err, 0, 0);
        cli_json_theme_list(out, l);
        srch_theme_list_free(l);
        status = 200;
    } else { /* stats */
        srch_stats st;
        srch_error err;
        memset(&err, 0, sizeof err);
        if (srch_get_stats(db, dbpath, &st, &err) != SRCH_OK)
            return answer_srch_error(out, &err, 0, 0);
        cli_json_stats(out, &st, dbpath);
        status = 200;
    }
    if (buf_error(out))
        return answer_error(out, 500, "failed", 0, "out of memory");
    return status;
}
