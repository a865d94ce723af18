/* check_web.c - the API of `insearch serve` without HTTP (web_api_answer)
 * over an index of the sample corpus, and the server itself in-process:
 * start on a free port, answer a request over a socket, stop. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <sys/time.h>
#include <time.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "cli/csv.h"
#include "util/buf.h"
#include "web/web.h"

static char tmpdir[256];
static char dbdir[300];
static srch_db *db;
static buf out;

static void setup_once(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/check_web.XXXXXX",
             t && *t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(dbdir, sizeof dbdir, "%s/db", tmpdir);
    const char *samples = getenv("SAMPLES");
    if (!samples || !*samples)
        samples = "corpus/samples";
    idx_indexer *ix = NULL;
    char *err = NULL;
    ck_assert_int_eq(idx_open(dbdir, NULL, &ix, &err), IDX_OK);
    ck_assert_int_eq(idx_add_path(ix, samples, &err), IDX_OK);
    ck_assert_int_eq(idx_close(ix, &err), IDX_OK);
    srch_error se;
    ck_assert_int_eq(srch_open(dbdir, &db, &se), SRCH_OK);
}

static void teardown_once(void)
{
    srch_close(db);
    db = NULL;
    char *cmd = str_printf("rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
}

/* GET path with "k=v" pairs (NULL-terminated); the status, body in out. */
static int get(const char *path, ...)
{
    web_param p[16];
    size_t n = 0;
    static char keys[16][64];
    va_list ap;
    va_start(ap, path);
    const char *kv;
    while ((kv = va_arg(ap, const char *)) && n < 16) {
        const char *eq = strchr(kv, '=');
        ck_assert_ptr_nonnull(eq);
        snprintf(keys[n], sizeof keys[n], "%.*s", (int)(eq - kv), kv);
        p[n].key = keys[n];
        p[n].value = eq + 1;
        n++;
    }
    va_end(ap);
    buf_reset(&out);
    return web_api_answer(db, NULL, dbdir, path, p, n, &out);
}

static int has(const char *needle)
{
    return strstr(buf_cstr(&out), needle) != NULL;
}

/* The CSV writer on results made by hand: quoting, a field a spreadsheet
 * would run as a formula, an unknown page, themes joined by ';'. */
START_TEST(test_csv_writer)
{
    srch_report r;
    srch_hit h[2];
    srch_hit_theme th[2] = {{(char *)"prevent", 0.9}, {(char *)"safeguarding", 0.5}};
    srch_results res;
    buf b = BUF_INIT;
    memset(&r, 0, sizeof r);
    memset(h, 0, sizeof h);
    memset(&res, 0, sizeof res);
    r.id = (char *)"000000000042";
    r.source = (char *)"/data/a \"b\".pdf";
    r.title = (char *)"Inspection of Quayside Training";
    r.provider = (char *)"Quayside Training, Ltd";
    r.urn = (char *)"123456";
    r.type = (char *)"independent-learning-provider";
    r.kind = (char *)"full";
    r.date_start = (char *)"2024-06-03";
    r.date_end = (char *)"2024-06-06";
    r.grade = (char *)"good";
    h[0].rank = 1;
    h[0].score = 3.25;
    h[0].passage = (char *)"Staff said \"it works\",\nand it does.";
    h[0].section = (char *)"Safeguarding";
    h[0].page = 7;
    h[0].report = &r;
    h[0].themes = th;
    h[0].n_themes = 2;
    h[0].polarity = "strength";
    h[1] = h[0];
    h[1].rank = 2;
    h[1].passage = (char *)"=HYPERLINK(\"http://x\") is not run";
    h[1].section = (char *)"-";
    h[1].page = 0;
    h[1].n_themes = 0;
    h[1].polarity = "neutral";
    r.provider = (char *)"";   /* no provider line: named by its title */
    res.hits = h;
    res.n_hits = 2;
    cli_csv_search(&b, &res);
    ck_assert(!buf_error(&b));
    ck_assert_str_eq(buf_cstr(&b),
        "\"rank\",\"provider\",\"urn\",\"type\",\"kind\",\"inspection_start\","
        "\"inspection_end\",\"grade\",\"section\",\"page\",\"polarity\",\"themes\","
        "\"score\",\"passage\",\"report_id\",\"source\"\r\n"
        "\"1\",\"Inspection of Quayside Training\",\"123456\","
        "\"independent-learning-provider\",\"full\",\"2024-06-03\",\"2024-06-06\","
        "\"good\",\"Safeguarding\",\"7\",\"strength\",\"prevent;safeguarding\","
        "\"3.2500\",\"Staff said \"\"it works\"\",\nand it does.\","
        "\"000000000042\",\"/data/a \"\"b\"\".pdf\"\r\n"
        "\"2\",\"Inspection of Quayside Training\",\"123456\","
        "\"independent-learning-provider\",\"full\",\"2024-06-03\",\"2024-06-06\","
        "\"good\",\"'-\",\"\",\"neutral\",\"\",\"3.2500\","
        "\"'=HYPERLINK(\"\"http://x\"\") is not run\",\"000000000042\","
        "\"/data/a \"\"b\"\".pdf\"\r\n");
    buf_free(&b);
}
END_TEST

START_TEST(test_filters_become_the_query)
{
    ck_assert_int_eq(get("/api/search", "q=apprentices OR learners",
                         "theme=prevent", "polarity=weakness", NULL),
                     200);
    /* the typed part is bracketed so its OR cannot swallow the filters */
    ck_assert_msg(has("\"query\":\"(apprentices OR learners) "
                      "theme:\\\"prevent\\\" polarity:\\\"weakness\\\"\""),
                  "%s", buf_cstr(&out));
    ck_assert_int_eq(get("/api/search", "grade=good", "grade=outstanding",
                         "kind=full", NULL),
                     200);
    ck_assert_msg(has("\"query\":\"(grade:\\\"good\\\" OR "
                      "grade:\\\"outstanding\\\") kind:\\\"full\\\"\""),
                  "%s", buf_cstr(&out));
    ck_assert_int_eq(get("/api/search", "from=2019", NULL), 200);
    ck_assert(has("\"query\":\"date:2019..\""));
    ck_assert_int_eq(get("/api/search", "to=2020-06", "level=3..4", NULL),
                     200);
    ck_assert_msg(has("\"query\":\"level:3..4 date:..2020-06\""), "%s",
                  buf_cstr(&out));
    /* empty values are no filter */
    ck_assert_int_eq(get("/api/search", "q=safeguarding", "grade=",
                         "theme=", NULL),
                     200);
    ck_assert(has("\"query\":\"safeguarding\""));
}
END_TEST

START_TEST(test_bad_parameters)
{
    ck_assert_int_eq(get("/api/search", NULL), 400);
    ck_assert(has("\"kind\":\"bad_request\""));
    ck_assert_int_eq(get("/api/search", "q=x", "limit=0", NULL), 400);
    ck_assert(has("parameter limit takes a whole number from 1 to 100"));
    ck_assert_int_eq(get("/api/search", "q=x", "limit=100", NULL), 200);
    ck_assert_int_eq(get("/api/search", "q=x", "offset=-1", NULL), 400);
    ck_assert_int_eq(get("/api/search", "q=x", "sort=random", NULL), 400);
    ck_assert_int_eq(get("/api/search", "level=1 OR x", NULL), 400);
    ck_assert(has("parameter level"));
    ck_assert_int_eq(get("/api/search", "provider=a\"b", NULL), 400);
    ck_assert_int_eq(get("/api/search", "from=2019-1", NULL), 400);
    ck_assert_int_eq(get("/api/weaknesses", "examples=11", NULL), 400);
    ck_assert_int_eq(get("/api/similar", "provider=58241",
                         "findings_weight=2", NULL),
                     400);
    ck_assert_int_eq(get("/api/suggest", NULL), 400);
}
END_TEST

START_TEST(test_query_errors_point_into_q)
{
    ck_assert_int_eq(get("/api/search", "q=safeguarding grade:", NULL), 400);
    ck_assert_msg(has("\"kind\":\"query\",\"column\":14}"), "%s",
                  buf_cstr(&out));
    /* the same with filters added after it: still the column in q */
    ck_assert_int_eq(get("/api/search", "q=safeguarding grade:",
                         "theme=prevent", NULL),
                     400);
    ck_assert_msg(has("\"column\":14}"), "%s", buf_cstr(&out));
    ck_assert_int_eq(get("/api/search", "q=(a OR", NULL), 400);
    ck_assert(has("\"kind\":\"query\""));
    /* the message names the same column as "column" */
    ck_assert_int_eq(get("/api/search", "q=training grade:", "grade=good",
                         NULL),
                     400);
    ck_assert_msg(has("column 10 ") && has("\"column\":10}"), "%s",
                  buf_cstr(&out));
    /* an open quote in q does not run on into the filters */
    ck_assert_int_eq(get("/api/search", "q=\"unclosed", "theme=prevent",
                         NULL),
                     400);
    ck_assert_msg(has("\"kind\":\"query\",\"column\":1}"), "%s",
                  buf_cstr(&out));
    /* a bad parameter is the parameter's fault, not q's */
    ck_assert_int_eq(get("/api/search", "q=x", "from=2019-13", NULL), 400);
    ck_assert(has("\"kind\":\"bad_request\""));
    ck_assert_int_eq(get("/api/search", "q=x", "level=7", NULL), 400);
    ck_assert_msg(has("\"column\":null"), "%s", buf_cstr(&out));
}
END_TEST

START_TEST(test_routes_and_statuses)
{
    ck_assert_int_eq(get("/api/nothing", NULL), 404);
    ck_assert(has("no such API"));
    ck_assert_int_eq(get("/api/report/000000000000", NULL), 404);
    ck_assert(has("\"kind\":\"not_found\""));
    ck_assert_int_eq(get("/api/report/../etc", NULL), 404);
    ck_assert_int_eq(get("/api/report/", NULL), 404);
    ck_assert_int_eq(get("/api/report/58241", NULL), 200);
    ck_assert(has("\"provider\":\"Northbrook Skills Limited\""));
    ck_assert_int_eq(get("/api/history", "provider=zzzznotthere", NULL), 404);
    ck_assert_int_eq(get("/api/themes", NULL), 200);
    ck_assert(has("\"id\":\"prevent\""));
    ck_assert_int_eq(get("/api/stats", NULL), 200);
    ck_assert(has("\"reports\":36,"));
    /* no index: 503 with the reason, but an unknown path is still 404 */
    srch_error oe;
    memset(&oe, 0, sizeof oe);
    snprintf(oe.message, sizeof oe.message, "no index at /nowhere");
    buf_reset(&out);
    ck_assert_int_eq(web_api_answer(NULL, &oe, "/nowhere", "/api/search",
                                    NULL, 0, &out),
                     503);
    ck_assert(has("no index at /nowhere"));
    buf_reset(&out);
    ck_assert_int_eq(web_api_answer(NULL, &oe, "/nowhere", "/api/x", NULL,
                                    0, &out),
                     404);
}
END_TEST

START_TEST(test_suggest)
{
    ck_assert_int_eq(get("/api/suggest", "prefix=NORTH", NULL), 200);
    ck_assert_msg(has("\"providers\":[{\"provider\":\"Northbrook Skills "
                      "Limited\",\"urn\":\"58241\",\"reports\":3,"
                      "\"latest\":\"2022-03-08\"}]"),
                  "%s", buf_cstr(&out));
    ck_assert_int_eq(get("/api/suggest", "prefix=safe", NULL), 200);
    ck_assert(has("{\"id\":\"safeguarding\",\"name\":\"Safeguarding\"}"));
    /* a word that starts the name ranks above a later word */
    ck_assert_int_eq(get("/api/suggest", "prefix=college", NULL), 200);
    ck_assert(has("\"providers\":[{"));
    ck_assert_int_eq(get("/api/suggest", "prefix=   ", NULL), 200);
    ck_assert(has("\"themes\":[],\"providers\":[]"));
    ck_assert_int_eq(get("/api/suggest", "prefix=college", "limit=2", NULL), 200);
    /* at most two providers */
    const char *p = strstr(buf_cstr(&out), "\"providers\":[");
    ck_assert_ptr_nonnull(p);
    int n = 0;
    for (const char *s = p; (s = strstr(s, "\"provider\":\"")); s++)
        n++;
    ck_assert_int_eq(n, 2);
    char longp[160];
    memset(longp, 'a', sizeof longp - 1);
    longp[sizeof longp - 1] = '\0';
    char *kv = str_printf("prefix=%s", longp);
    ck_assert_int_eq(get("/api/suggest", kv, NULL), 400);
    free(kv);
}
END_TEST

/* The server in this process: a request over a socket, then a stop that
 * joins the workers and closes their index handles (valgrind checks that
 * nothing is left). */
START_TEST(test_server_round_trip)
{
    web_options wo;
    memset(&wo, 0, sizeof wo);
    wo.db_path = dbdir;
    wo.threads = 2;
    web_server *srv = NULL;
    char *err = NULL;
    ck_assert_int_eq(web_server_start(&wo, &srv, &err), WEB_OK);
    unsigned port = web_server_port(srv);
    ck_assert_uint_gt(port, 0);
    for (int round = 0; round < 3; round++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        ck_assert_int_ge(fd, 0);
        struct sockaddr_in sa;
        memset(&sa, 0, sizeof sa);
        sa.sin_family = AF_INET;
        sa.sin_port = htons((uint16_t)port);
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
        const char *req = round == 2
                              ? "GET /api/search?q=%22the+Prevent+duty%22 "
                                "HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                              : "GET /api/stats HTTP/1.1\r\nHost: x\r\n"
                                "Connection: close\r\n\r\n";
        ck_assert_int_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
        buf resp = BUF_INIT;
        char chunk[4096];
        ssize_t k;
        while ((k = read(fd, chunk, sizeof chunk)) > 0)
            buf_append(&resp, chunk, (size_t)k);
        close(fd);
        ck_assert_msg(strncmp(buf_cstr(&resp), "HTTP/1.1 200", 12) == 0,
                      "%.200s", buf_cstr(&resp));
        ck_assert_ptr_nonnull(strstr(buf_cstr(&resp),
                                     round == 2 ? "\"total\":"
                                                : "\"reports\":36,"));
        buf_free(&resp);
    }
    web_server_stop(srv);
    /* a port that is taken */
    wo.port = port;
    web_server *a = NULL, *b = NULL;
    ck_assert_int_eq(web_server_start(&wo, &a, &err), WEB_OK);
    ck_assert_int_eq(web_server_start(&wo, &b, &err), WEB_ERR);
    ck_assert_ptr_nonnull(strstr(err, "cannot listen"));
    free(err);
    web_server_stop(a);
    wo.bind = "not-an-address";
    wo.port = 0;
    ck_assert_int_eq(web_server_start(&wo, &b, &err), WEB_ERR);
    ck_assert_ptr_nonnull(strstr(err, "--bind"));
    free(err);
}
END_TEST


static int connect_to(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

/* Seconds until the server closes the connection (read gives EOF), up to
 * `limit`; -1 if it is still open then. */
static double seconds_to_close(int fd, double limit)
{
    struct timeval tv = {0, 100 * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        char c;
        ssize_t k = read(fd, &c, 1);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double el = (double)(t1.tv_sec - t0.tv_sec) +
                    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        if (k == 0 || (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
            return el;
        if (el > limit)
            return -1;
    }
}

/* A client may hold only so many connections, and a stalled one (half a
 * request, then nothing) is cut off after the timeout. */
START_TEST(test_server_limits_clients)
{
    web_options wo;
    memset(&wo, 0, sizeof wo);
    wo.db_path = dbdir;
    wo.threads = 2;
    wo.timeout = 1;
    wo.max_per_client = 2;
    web_server *srv = NULL;
    char *err = NULL;
    ck_assert_int_eq(web_server_start(&wo, &srv, &err), WEB_OK);
    unsigned port = web_server_port(srv);
    int a = connect_to(port), b = connect_to(port);
    /* half a request line, and then silence */
    ck_assert_int_eq(write(a, "GET /api/st", 11), 11);
    usleep(100 * 1000);
    int c = connect_to(port); /* the third from this address */
    double t = seconds_to_close(c, 0.9);
    ck_assert_msg(t >= 0 && t < 0.9, "a third connection is refused (%f)", t);
    close(c);
    /* the stalled ones are closed after about a second, not kept */
    t = seconds_to_close(a, 5);
    ck_assert_msg(t >= 0 && t < 5, "a stalled client is cut off (%f)", t);
    ck_assert(seconds_to_close(b, 5) >= 0);
    close(a);
    close(b);
    /* and then there is room again (once the server has counted the
     * closed ones out: a few tries) */
    const char *req = "GET /api/stats HTTP/1.1\r\nHost: x\r\n"
                      "Connection: close\r\n\r\n";
    char resp[64] = "";
    ssize_t got = -1;
    for (int tries = 0; tries < 20 && got < 12; tries++) {
        usleep(100 * 1000);
        int d = connect_to(port);
        if (write(d, req, strlen(req)) == (ssize_t)strlen(req))
            got = read(d, resp, sizeof resp - 1);
        close(d);
    }
    ck_assert_int_gt(got, 12);
    ck_assert_msg(strncmp(resp, "HTTP/1.1 200", 12) == 0, "%s", resp);
    web_server_stop(srv);
}
END_TEST

static Suite *web_suite(void)
{
    Suite *s = suite_create("web");
    TCase *tc = tcase_create("api");
    tcase_add_unchecked_fixture(tc, setup_once, teardown_once);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_csv_writer);
    tcase_add_test(tc, test_filters_become_the_query);
    tcase_add_test(tc, test_bad_parameters);
    tcase_add_test(tc, test_query_errors_point_into_q);
    tcase_add_test(tc, test_routes_and_statuses);
    tcase_add_test(tc, test_suggest);
    tcase_add_test(tc, test_server_round_trip);
    tcase_add_test(tc, test_server_limits_clients);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(web_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    buf_free(&out);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
