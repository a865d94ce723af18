/* fuzz_web.c - libFuzzer target for the JSON API of `insearch serve`
 * (web_api_answer, web/api.c), and through it the query compiler, the
 * searcher, the aggregations and the JSON writers of cli/json.c.
 *
 * LLVMFuzzerInitialize indexes three short reports written to a private
 * temporary folder (removed at exit); every input is then one request:
 *   byte 0         the path: its value mod 12 picks one of /api/search,
 *                  reports, themes, weaknesses, strengths, distinctive,
 *                  similar, history, stats, suggest, report/<rest> (the
 *                  rest up to the first '&' is the id), or an unknown path
 *   the rest       "k=v&k=v...": at most WEB_MAX_PARAMS pairs, as
 *                  libmicrohttpd hands them over (already decoded). A value
 *                  (or report id) "@0", "@1" or "@2" is replaced by the id
 *                  of that indexed report, and "#0".."#2" by its URN, which
 *                  a fuzzer could not guess.
 * The query part is cut at WEB_MAX_QUERY bytes, the server's own limit.
 * Every answer must have one of the documented statuses, never 500 (the
 * index is sound, so a 500 is a bug), and be one well-formed JSON value.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "util/buf.h"
#include "web/web.h"
#include "tests/fuzz/fuzz-common.h"


/* Three providers of different kinds, types, eras and grades, so that the
 * filters, facets, history and similarity all have something to chew. */
static const char *const reports[3] = {
    "Inspection of Tallow Brook Training Limited\n\n"
    "Inspection dates: 6 to 9 February 2023\n\n"
    "Overall effectiveness\tRequires improvement\n"
    "The quality of education\tRequires improvement\n"
    "Leadership and management\tRequires improvement\n"
    "Apprenticeships\tRequires improvement\n\n"
    "Information about this provider\n\n"
    "Tallow Brook Training Limited is an independent learning provider in "
    "Norwich, NR3 1AB. It has 212 apprentices on standards.\n\n"
    "What does the provider do well and what does it need to do better?\n\n"
    "Leaders have not made sure that apprentices receive their off-the-job "
    "training. Too many apprentices fall behind and few achieve on time.\n\n"
    "Tutors do not check what apprentices already know, so some repeat "
    "work they can already do.\n\n"
    "Safeguarding\n\n"
    "The arrangements for safeguarding are effective. Apprentices know "
    "about the Prevent duty and the risks of radicalisation.\n\n"
    "Provider details\n\n"
    "Unique reference number\t1276431\n"
    "Provider type\tIndependent learning provider\n",

    "Inspection of Harrowgate Vale College\n\n"
    "Inspection dates: 12 to 15 March 2019\n\n"
    "Overall effectiveness\tGood\n"
    "The quality of education\tGood\n"
    "Behaviour and attitudes\tOutstanding\n"
    "Leadership and management\tGood\n\n"
    "What does the provider do well and what does it need to do better?\n\n"
    "Teachers plan lessons carefully and learners with SEND get effective "
    "support from specialist staff. Learners achieve well in English and "
    "mathematics.\n\n"
    "Governors hold leaders to account well; attendance is high.\n\n"
    "Safeguarding\n\n"
    "The arrangements for safeguarding are effective.\n\n"
    "Provider details\n\n"
    "Unique reference number\t130812\n"
    "Provider type\tGeneral further education college\n",

    "Monitoring visit report: Tallow Brook Training Limited\n\n"
    "Unique reference number: 1276431\n"
    "Dates of visit: 4 and 5 October 2023\n\n"
    "Themes\n\n"
    "What progress have leaders made in ensuring that apprentices receive "
    "their off-the-job training?\tReasonable progress\n\n"
    "Leaders now track off-the-job hours each month, and most apprentices "
    "are back on schedule.\n\n"
    "How much progress have leaders made in improving the quality of "
    "training?\tInsufficient progress\n\n"
    "Tutors still do not plan training from what apprentices know.\n",
};
static const char *const names[3] = {
    "tallow-brook-2023.txt", "harrowgate-vale-2019.txt",
    "tallow-brook-2023-monitoring.txt"};
static const char *const urns[3] = {"1276431", "130812", "1276431"};

static char dir[256], dbdir[300];
static char ids[3][13];
static srch_db *db;
static buf out = BUF_INIT;
static int verbose;     /* FUZZ_WEB_VERBOSE=1: print each answer */
/* FUZZ_KNOWN: a comma-separated list of open findings (doc/FUZZING.md) to
 * step around in a long run; the replay in `make check` never sets it.
 *   distinctive-500  /api/distinctive answers 500 (meant for an unreadable
 *                    index) when the group is nearly the whole index;
 *   reports-no-terms /api/reports?q=; answers 500: a query whose words give
 *                    no terms compiles to no query at all */
static int known_distinctive_500, known_reports_no_terms;

static void cleanup(void)
{
    srch_close(db);
    db = NULL;
    buf_free(&out);
    char *cmd = str_printf("rm -rf '%s'", dir);
    if (cmd && system(cmd) != 0)
        fprintf(stderr, "fuzz_web: could not remove %s\n", dir);
    free(cmd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *t = getenv("TMPDIR");
    char tmpl[256];
    snprintf(tmpl, sizeof tmpl, "%s/fuzz_web.XXXXXX", t && *t ? t : "/tmp");
    FUZZ_CHECK(mkdtemp(tmpl) != NULL);
    /* report ids hash the absolute path */
    FUZZ_CHECK(realpath(tmpl, dir) != NULL);
    char docs[300];
    snprintf(docs, sizeof docs, "%s/docs", dir);
    snprintf(dbdir, sizeof dbdir, "%s/db", dir);
    FUZZ_CHECK(mkdir(docs, 0700) == 0);
    for (int i = 0; i < 3; i++) {
        char *p = str_printf("%s/%s", docs, names[i]);
        FILE *f = fopen(p, "w");
        FUZZ_CHECK(f != NULL);
        fputs(reports[i], f);
        FUZZ_CHECK(fclose(f) == 0);
        idx_report_id(p, ids[i]);
        free(p);
    }
    idx_indexer *ix = NULL;
    char *err = NULL;
    if (idx_open(dbdir, NULL, &ix, &err) != IDX_OK ||
        idx_add_path(ix, docs, &err) != IDX_OK ||
        idx_close(ix, &err) != IDX_OK) {
        fprintf(stderr, "fuzz_web: indexing failed: %s\n", err ? err : "?");
        abort();
    }
    srch_error se;
    if (srch_open(dbdir, &db, &se) != SRCH_OK) {
        fprintf(stderr, "fuzz_web: %s\n", se.message);
        abort();
    }
    atexit(cleanup);
    verbose = getenv("FUZZ_WEB_VERBOSE") != NULL;
    const char *e = getenv("FUZZ_KNOWN");
    known_distinctive_500 = e && strstr(e, "distinctive-500") != NULL;
    known_reports_no_terms = e && strstr(e, "reports-no-terms") != NULL;
    return 0;
}

/* ---- a strict JSON checker (RFC 8259), so a writer that forgets an
 * escape or a comma is caught ---- */

typedef struct jp {
    const char *s, *end;
    int depth;
} jp;

static void ws(jp *p)
{
    while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' ||
                             *p->s == '\n' || *p->s == '\r'))
        p->s++;
}

static int lit(jp *p, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(p->end - p->s) < n || memcmp(p->s, w, n) != 0)
        return 0;
    p->s += n;
    return 1;
}

static int hex4(const char *s)
{
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
              (c >= 'A' && c <= 'F')))
            return 0;
    }
    return 1;
}

static int jstring(jp *p)
{
    if (p->s >= p->end || *p->s != '"')
        return 0;
    p->s++;
    while (p->s < p->end) {
        unsigned char c = (unsigned char)*p->s;
        if (c == '"') {
            p->s++;
            return 1;
        }
        if (c < 0x20)
            return 0;
        if (c == '\\') {
            if (p->end - p->s < 2)
                return 0;
            char e = p->s[1];
            if (e == 'u') {
                if (p->end - p->s < 6 || !hex4(p->s + 2))
                    return 0;
                p->s += 6;
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || e == '\0')
                return 0;
            p->s += 2;
            continue;
        }
        p->s++;
    }
    return 0;
}

static int jnumber(jp *p)
{
    const char *s = p->s;
    if (s < p->end && *s == '-')
        s++;
    if (s >= p->end)
        return 0;
    if (*s == '0') {
        s++;
    } else if (*s >= '1' && *s <= '9') {
        while (s < p->end && *s >= '0' && *s <= '9')
            s++;
    } else {
        return 0;
    }
    if (s < p->end && *s == '.') {
        s++;
        if (s >= p->end || *s < '0' || *s > '9')
            return 0;
        while (s < p->end && *s >= '0' && *s <= '9')
            s++;
    }
    if (s < p->end && (*s == 'e' || *s == 'E')) {
        s++;
        if (s < p->end && (*s == '+' || *s == '-'))
            s++;
        if (s >= p->end || *s < '0' || *s > '9')
            return 0;
        while (s < p->end && *s >= '0' && *s <= '9')
            s++;
    }
    p->s = s;
    return 1;
}

static int jvalue(jp *p)
{
    ws(p);
    if (p->s >= p->end || ++p->depth > 200)
        return 0;
    int ok = 0;
    char c = *p->s;
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        p->s++;
        ws(p);
        if (p->s < p->end && *p->s == close) {
            p->s++;
            ok = 1;
        } else {
            for (;;) {
                if (c == '{') {
                    ws(p);
                    if (!jstring(p))
                        break;
                    ws(p);
                    if (p->s >= p->end || *p->s != ':')
                        break;
                    p->s++;
                }
                if (!jvalue(p))
                    break;
                ws(p);
                if (p->s < p->end && *p->s == ',') {
                    p->s++;
                    continue;
                }
                if (p->s < p->end && *p->s == close) {
                    p->s++;
                    ok = 1;
                }
                break;
            }
        }
    } else if (c == '"') {
        ok = jstring(p);
    } else if (c == 't') {
        ok = lit(p, "true");
    } else if (c == 'f') {
        ok = lit(p, "false");
    } else if (c == 'n') {
        ok = lit(p, "null");
    } else {
        ok = jnumber(p);
    }
    p->depth--;
    return ok;
}

static int json_valid(const char *s, size_t n)
{
    jp p = {s, s + n, 0};
    if (!jvalue(&p))
        return 0;
    ws(&p);
    return p.s == p.end;
}

/* ---- the request ---- */

static const char *substitute(const char *v)
{
    if ((v[0] == '@' || v[0] == '#') && v[1] >= '0' && v[1] <= '2' &&
        v[2] == '\0')
        return v[0] == '@' ? ids[v[1] - '0'] : urns[v[1] - '0'];
    return v;
}

/* The CSV of /api/search.csv: a byte-order mark, then rows of 16 quoted
 * fields (quotes doubled inside), each row ended by CRLF; no field starts
 * with a character a spreadsheet reads as a formula. */
static int csv_valid(const char *s, size_t n)
{
    size_t i = 3, fields = 0;
    if (n < 3 || memcmp(s, "\xEF\xBB\xBF", 3) != 0)
        return 0;
    if (i == n)
        return 0;               /* the header row at least */
    while (i < n) {
        if (s[i] != '"')
            return 0;
        i++;
        if (i < n && strchr("=+-@\t\r", s[i]) && s[i] != '\0')
            return 0;
        for (;;) {
            if (i >= n)
                return 0;
            if (s[i] == '"') {
                if (i + 1 < n && s[i + 1] == '"') {
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            i++;
        }
        fields++;
        if (i < n && s[i] == ',') {
            i++;
            continue;
        }
        if (i + 1 < n && s[i] == '\r' && s[i + 1] == '\n') {
            if (fields != 16)
                return 0;
            fields = 0;
            i += 2;
            continue;
        }
        return 0;
    }
    return fields == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const routes[] = {
        "search", "reports", "themes", "weaknesses", "strengths",
        "distinctive", "similar", "history", "stats", "suggest", "report/",
        "nothing-here"};
    if (size < 1)
        return 0;
    const char *route = routes[data[0] % 12];
    /* search.csv on the high half of search's bytes, so that the seeds
     * written before it kept their routes */
    if (data[0] >= 128 && strcmp(route, "search") == 0)
        route = "search.csv";
    data++;
    size--;
    if (size > WEB_MAX_QUERY)
        size = WEB_MAX_QUERY;
    /* one NUL-terminated copy, cut into keys and values in place (a NUL
     * in the input ends its string early, as it would in C anyway) */
    char *q = malloc(size + 1);
    FUZZ_CHECK(q != NULL);
    memcpy(q, data, size);
    q[size] = '\0';

    char *rest = q;
    char path[WEB_MAX_QUERY + 32];
    if (strcmp(route, "report/") == 0) {
        char *amp = strchr(q, '&');
        if (amp) {
            *amp = '\0';
            rest = amp + 1;
        } else {
            rest = q + size;
        }
        snprintf(path, sizeof path, "/api/report/%s", substitute(q));
    } else {
        snprintf(path, sizeof path, "/api/%s", route);
    }

    web_param p[WEB_MAX_PARAMS];
    size_t n = 0;
    char *s = rest;
    while (*s && n < WEB_MAX_PARAMS) {
        char *amp = strchr(s, '&');
        if (amp)
            *amp = '\0';
        char *eq = strchr(s, '=');
        if (eq)
            *eq = '\0';
        p[n].key = s;
        p[n].value = eq ? substitute(eq + 1) : "";
        n++;
        if (!amp)
            break;
        s = amp + 1;
    }

    buf_reset(&out);
    int status = web_api_answer(db, NULL, dbdir, path, p, n, &out);
    int known = status == 500 && known_distinctive_500 &&
                strcmp(route, "distinctive") == 0 &&
                strstr(buf_cstr(&out), "almost the whole index") != NULL;
    known |= status == 500 && known_reports_no_terms &&
             strcmp(route, "reports") == 0 &&
             strstr(buf_cstr(&out), "'q' is NULL") != NULL;
    if (!(status == 200 || status == 400 || status == 404 || known)) {
        fprintf(stderr, "status %d for %s: %s\n", status, path,
                buf_cstr(&out));
        abort();
    }
    if (verbose)
        fprintf(stderr, "%d %s (%zu params): %.300s\n", status, path, n,
                buf_cstr(&out));
    FUZZ_CHECK(buf_error(&out) == 0);
    const char *body = buf_cstr(&out);
    if (status == 200 && strcmp(route, "search.csv") == 0) {
        if (!csv_valid(body, out.len)) {
            fprintf(stderr, "not CSV (%s): %s\n", path, body);
            abort();
        }
    } else if (!json_valid(body, out.len)) {
        fprintf(stderr, "not JSON (%s): %s\n", path, body);
        abort();
    }
    free(q);
    return 0;
}
