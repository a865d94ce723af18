/* check_stemmer.c - the analysis chain on the kinds of text reports hold.
 *
 * Every sentence here is written for these tests, in the styles met across
 * the report eras (curly quotes from word processors, PDF extraction
 * leftovers, Windows-1252 files, headings in capitals).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stemmer/stemmer.h"
#include "stemmer/stemmer-private.h"

typedef struct tk {
    char word[80];
    char stem[80];
    int has_stem;
    char prot[16];
    size_t start, end;
    unsigned pos, flags;
} tk;

typedef struct col {
    tk *v;
    size_t n, cap;
    size_t stop_after;  /* 0: never stop */
    int rc;
} col;

static stm_analyser *an_index, *an_query;

static void setup(void)
{
    char *err = NULL;
    ck_assert_int_eq(stm_analyser_new(STM_MODE_INDEX, &an_index, &err), 0);
    ck_assert_int_eq(stm_analyser_new(STM_MODE_QUERY, &an_query, &err), 0);
}

static void teardown(void)
{
    stm_analyser_free(an_index);
    stm_analyser_free(an_query);
    an_index = an_query = NULL;
}

static int collect(void *ctx, const stm_token *t)
{
    col *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
        ck_assert_ptr_nonnull(c->v);
    }
    tk *k = &c->v[c->n++];
    memset(k, 0, sizeof *k);
    ck_assert_uint_lt(t->word_len, sizeof k->word);
    ck_assert_uint_eq(strlen(t->word), t->word_len);
    memcpy(k->word, t->word, t->word_len + 1);
    if (t->stem != NULL) {
        ck_assert_uint_eq(strlen(t->stem), t->stem_len);
        ck_assert_uint_lt(t->stem_len, sizeof k->stem);
        memcpy(k->stem, t->stem, t->stem_len + 1);
        k->has_stem = 1;
    }
    if (t->protected_form != NULL)
        snprintf(k->prot, sizeof k->prot, "%s", t->protected_form);
    /* A token has exactly one of a stem and a protected form. */
    ck_assert_int_eq(t->stem == NULL, t->protected_form != NULL);
    ck_assert_int_eq((t->flags & STM_TOK_PROTECTED) != 0,
                     t->protected_form != NULL);
    k->start = t->start;
    k->end = t->end;
    k->pos = t->position;
    k->flags = t->flags;
    if (c->stop_after != 0 && c->n == c->stop_after)
        return 7;
    return 0;
}

static col run_len(stm_analyser *an, const char *text, size_t len)
{
    col c;
    memset(&c, 0, sizeof c);
    char *err = NULL;
    c.rc = stm_analyse(an, text, len, collect, &c, &err);
    ck_assert_msg(c.rc == 0, "stm_analyse: %d %s", c.rc, err ? err : "");
    /* positions are 1..n, offsets in order and inside the text */
    for (size_t i = 0; i < c.n; i++) {
        ck_assert_uint_eq(c.v[i].pos, i + 1);
        ck_assert_uint_lt(c.v[i].start, c.v[i].end);
        ck_assert_uint_le(c.v[i].end, len);
        if (i > 0)
            ck_assert_uint_le(c.v[i - 1].end, c.v[i].start);
    }
    return c;
}

static col run(stm_analyser *an, const char *text)
{
    return run_len(an, text, strlen(text));
}

static col idx(const char *text) { return run(an_index, text); }
static col qry(const char *text) { return run(an_query, text); }

static void col_free(col *c)
{
    free(c->v);
    c->v = NULL;
}

/* The nth (0-based) token whose word is w. */
static const tk *find(const col *c, const char *w, int nth)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i].word, w) == 0 && nth-- == 0)
            return &c->v[i];
    ck_abort_msg("no token \"%s\"", w);
    return NULL;
}

/* The words, space separated. */
static const char *words(const col *c)
{
    static char buf[4096];
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < c->n && n + 82 < sizeof buf; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? " " : "",
                              c->v[i].word);
    return buf;
}

static void assert_span(const char *text, const tk *t, const char *expect)
{
    size_t n = strlen(expect);
    ck_assert_msg(t->end - t->start == n &&
                  memcmp(text + t->start, expect, n) == 0,
                  "token %s spans \"%.*s\", expected \"%s\"", t->word,
                  (int)(t->end - t->start), text + t->start, expect);
}

static void stem_of(stm_analyser *an, const char *w, char *buf, size_t size)
{
    int n = stm_stem_word(an, w, strlen(w), buf, size);
    ck_assert_int_gt(n, 0);
}

/* ---------- normalisation ---------- */

START_TEST(apostrophes)
{
    const char *s = "Learners’ and apprentices' views differ. The apprentice’s "
                    "log and the apprentice's log agree; learnersʼ too.";
    col c = idx(s);
    ck_assert_str_eq(words(&c), "learners and apprentices views differ the "
                     "apprentice's log and the apprentice's log agree "
                     "learners too");
    assert_span(s, find(&c, "learners", 0), "Learners");
    assert_span(s, find(&c, "apprentices", 0), "apprentices");
    assert_span(s, find(&c, "apprentice's", 0), "apprentice’s");
    assert_span(s, find(&c, "apprentice's", 1), "apprentice's");
    assert_span(s, find(&c, "learners", 1), "learners");
    /* curly and straight forms are one term, and Snowball drops the 's */
    char st[80];
    stem_of(an_index, "apprentice", st, sizeof st);
    ck_assert_str_eq(find(&c, "apprentice's", 0)->stem, st);
    ck_assert_str_eq(find(&c, "apprentice's", 1)->stem, st);
    stem_of(an_index, "learner", st, sizeof st);
    ck_assert_str_eq(find(&c, "learners", 0)->stem, st);
    col_free(&c);
}
END_TEST

START_TEST(ligatures_soft_hyphen_nbsp)
{
    const char *s = "The ﬁnancial ﬂexibility of inspec\u00ADtion at level\u00A03 "
                    "and ＡＢＣ";
    col c = idx(s);
    ck_assert_str_eq(words(&c), "the financial flexibility of inspection at "
                     "level 3 and abc");
    assert_span(s, find(&c, "financial", 0), "ﬁnancial");
    assert_span(s, find(&c, "flexibility", 0), "ﬂexibility");
    assert_span(s, find(&c, "inspection", 0), "inspec\u00ADtion");
    assert_span(s, find(&c, "level", 0), "level");
    /* NBSP separates, but does not join */
    ck_assert_uint_eq(find(&c, "3", 0)->flags & STM_TOK_JOINED, 0);
    char st[80];
    stem_of(an_index, "inspection", st, sizeof st);
    ck_assert_str_eq(find(&c, "inspection", 0)->stem, st);
    col_free(&c);
}
END_TEST

START_TEST(non_ascii_offsets)
{
    const char *s = "Café staff at Ysgol Gymraeg’s site: naïve “best” practice "
                    "— Zoë’s €5 ÉCOLE";
    col c = idx(s);
    ck_assert_str_eq(words(&c), "café staff at ysgol gymraeg's site naïve "
                     "best practice zoë's 5 école");
    assert_span(s, find(&c, "café", 0), "Café");
    assert_span(s, find(&c, "gymraeg's", 0), "Gymraeg’s");
    assert_span(s, find(&c, "naïve", 0), "naïve");
    assert_span(s, find(&c, "best", 0), "best");
    assert_span(s, find(&c, "zoë's", 0), "Zoë’s");
    assert_span(s, find(&c, "5", 0), "5");
    assert_span(s, find(&c, "école", 0), "ÉCOLE");
    ck_assert(find(&c, "café", 0)->flags & STM_TOK_CAPITALISED);
    ck_assert(find(&c, "école", 0)->flags & STM_TOK_ALLCAPS);
    col_free(&c);
}
END_TEST

/* ---------- hyphens and numbers ---------- */

START_TEST(off_the_job)
{
    const char *s = "Apprentices receive off-the-job training.";
    col c = idx(s);
    ck_assert_str_eq(words(&c), "apprentices receive off the job training");
    const tk *off = find(&c, "off", 0), *the = find(&c, "the", 0),
             *job = find(&c, "job", 0);
    ck_assert_uint_eq(off->flags & STM_TOK_JOINED, 0);
    ck_assert(the->flags & STM_TOK_JOINED);
    ck_assert(job->flags & STM_TOK_JOINED);
    ck_assert_uint_eq(find(&c, "training", 0)->flags & STM_TOK_JOINED, 0);
    ck_assert_uint_eq(the->pos, off->pos + 1);
    ck_assert_uint_eq(job->pos, off->pos + 2);
    assert_span(s, job, "job");
    col_free(&c);

    /* the query gives the same words, so a phrase matches either way */
    c = qry("off-the-job");
    ck_assert_str_eq(words(&c), "off the job");
    ck_assert(c.v[1].flags & STM_TOK_JOINED && c.v[2].flags & STM_TOK_JOINED);
    col_free(&c);
    c = qry("\"off the job\"");
    ck_assert_str_eq(words(&c), "off the job");
    ck_assert_uint_eq(c.v[1].flags & STM_TOK_JOINED, 0);
    col_free(&c);
}
END_TEST

START_TEST(ages_years_numbers)
{
    const char *s = "Provision for 16- to 18-year-old learners in 2015/16 "
                    "during COVID-19 cost £40.8 million at level 3.";
    col c = idx(s);
    ck_assert_str_eq(words(&c), "provision for 16 to 18 year old learners in "
                     "2015 16 during covid 19 cost 40.8 million at level 3");
    static const struct { const char *w; int nth; unsigned on, off; } want[] = {
        { "16", 0, STM_TOK_NUMERIC, STM_TOK_JOINED },
        { "to", 0, 0, STM_TOK_JOINED | STM_TOK_NUMERIC },
        { "18", 0, STM_TOK_NUMERIC, STM_TOK_JOINED },
        { "year", 0, STM_TOK_JOINED, STM_TOK_NUMERIC },
        { "old", 0, STM_TOK_JOINED, 0 },
        { "2015", 0, STM_TOK_NUMERIC, STM_TOK_JOINED },
        { "16", 1, STM_TOK_NUMERIC | STM_TOK_JOINED, 0 },
        { "covid", 0, STM_TOK_ALLCAPS, STM_TOK_JOINED },
        { "19", 0, STM_TOK_NUMERIC | STM_TOK_JOINED, 0 },
        { "40.8", 0, STM_TOK_NUMERIC, STM_TOK_JOINED },
        { "million", 0, 0, STM_TOK_JOINED | STM_TOK_NUMERIC },
        { "3", 0, STM_TOK_NUMERIC, STM_TOK_JOINED },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const tk *t = find(&c, want[i].w, want[i].nth);
        ck_assert_msg((t->flags & want[i].on) == want[i].on &&
                      (t->flags & want[i].off) == 0,
                      "%s: flags %#x", want[i].w, t->flags);
    }
    /* numbers are their own stems */
    ck_assert_str_eq(find(&c, "40.8", 0)->stem, "40.8");
    ck_assert_str_eq(find(&c, "2015", 0)->stem, "2015");
    assert_span(s, find(&c, "40.8", 0), "40.8");
    assert_span(s, find(&c, "covid", 0), "COVID");
    col_free(&c);
}
END_TEST

/* ---------- the Prevent duty ---------- */

static const tk *expect_prevent(const col *c, int nth, int duty)
{
    const tk *t = find(c, "prevent", nth);
    if (duty) {
        ck_assert_msg(t->flags & STM_TOK_PROTECTED,
                      "prevent #%d should be the duty", nth);
        ck_assert_str_eq(t->prot, "prevent");
        ck_assert(!t->has_stem);
    } else {
        ck_assert_msg(!(t->flags & STM_TOK_PROTECTED),
                      "prevent #%d should be the verb", nth);
        ck_assert_str_eq(t->stem, "prevent");
    }
    return t;
}

START_TEST(prevent_index)
{
    col c = idx("Learners' knowledge of the 'Prevent' duty is weak. "   /* 0 */
                "Staff know the Prevent duty well. "                    /* 1 */
                "Prevent training is up to date. "                      /* 2 */
                "Prevent the decline in attendance. "                   /* 3 */
                "Prevent learners from leaving early. "                 /* 4 */
                "Managers act to prevent harm. "                        /* 5 */
                "They follow the prevent duty guidance. "               /* 6 */
                "Leaders treat ‘Prevent’ seriously and “Prevent” too. " /* 7,8 */
                "Prevent is a statutory duty. "                         /* 9 */
                "They met the PREVENT lead. "                           /* 10 */
                "The lead is the prevent coordinator here. "            /* 11 */
                "Prevent: risk assessments are done. "                  /* 12 */
                "Prevent leads meet monthly.");                         /* 13 */
    static const int duty[] = {1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};
    for (int i = 0; i < (int)(sizeof duty / sizeof duty[0]); i++)
        expect_prevent(&c, i, duty[i]);
    ck_assert(find(&c, "prevent", 10)->flags & STM_TOK_ALLCAPS);
    ck_assert(find(&c, "prevent", 3)->flags & STM_TOK_SENTENCE_START);
    col_free(&c);

    /* other forms are ordinary words sharing the verb's stem */
    c = idx("The Prevented, Preventing and Prevention of harm: it prevented "
            "nothing, preventing little, prevention first.");
    const char *forms[] = {"prevented", "preventing", "prevention"};
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 2; k++) {
            const tk *t = find(&c, forms[i], k);
            ck_assert(!(t->flags & STM_TOK_PROTECTED));
            ck_assert_str_eq(t->stem, "prevent");
        }
    col_free(&c);

    /* a heading in capitals: the verb unless it reads as the duty */
    c = idx("HOW TO PREVENT FRAUD\nSAFEGUARDING AND PREVENT\nPREVENT DUTY\n"
            "The Prevent's aims are clear.");
    expect_prevent(&c, 0, 0);
    expect_prevent(&c, 1, 1);
    expect_prevent(&c, 2, 1);
    const tk *poss = find(&c, "prevent's", 0);
    ck_assert(poss->flags & STM_TOK_PROTECTED);
    ck_assert_str_eq(poss->prot, "prevent");
    col_free(&c);
}
END_TEST

START_TEST(prevent_query)
{
    col c = qry("Prevent the decline");
    expect_prevent(&c, 0, 1);  /* as typed: capitalised is the duty */
    col_free(&c);
    c = qry("prevent");
    expect_prevent(&c, 0, 0);
    col_free(&c);
    c = qry("PREVENT training");
    expect_prevent(&c, 0, 1);
    col_free(&c);
    c = qry("prevent duty");  /* what a report may say, found as typed */
    expect_prevent(&c, 0, 1);
    col_free(&c);
    c = qry("prevent training");
    expect_prevent(&c, 0, 0);
    col_free(&c);
    /* index mode reads the same words differently */
    c = idx("Prevent the decline");
    expect_prevent(&c, 0, 0);
    col_free(&c);
}
END_TEST

START_TEST(send_and_send)
{
    const char *s = "Learners with SEND get support. Staff send reports. "
                    "Send them on time. SEND's funding.";
    for (int m = 0; m < 2; m++) {
        col c = m ? qry(s) : idx(s);
        const tk *acr = find(&c, "send", 0);
        ck_assert(acr->flags & STM_TOK_PROTECTED);
        ck_assert_str_eq(acr->prot, "send");
        for (int k = 1; k <= 2; k++) {
            const tk *verb = find(&c, "send", k);
            ck_assert(!(verb->flags & STM_TOK_PROTECTED));
            ck_assert_str_eq(verb->stem, "send");
        }
        ck_assert(find(&c, "send's", 0)->flags & STM_TOK_PROTECTED);
        col_free(&c);
    }
}
END_TEST

/* ---------- capitals ---------- */

START_TEST(acronyms)
{
    const char *s = "The ICT team checked KSBs, DBS records, the EPA plan, "
                    "ESFA rules, NVQs and an EHCP for the ESFA's audit.";
    col c = idx(s);
    static const struct { const char *w, *stem; } want[] = {
        {"ict", "ict"}, {"ksbs", "ksb"}, {"dbs", "dbs"}, {"epa", "epa"},
        {"esfa", "esfa"}, {"nvqs", "nvq"}, {"ehcp", "ehcp"},
        {"esfa's", "esfa"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const tk *t = find(&c, want[i].w, 0);
        ck_assert_msg(t->flags & STM_TOK_ALLCAPS, "%s not ALLCAPS", t->word);
        ck_assert_str_eq(t->stem, want[i].stem);
    }
    assert_span(s, find(&c, "ksbs", 0), "KSBs");
    ck_assert(find(&c, "the", 0)->flags & STM_TOK_CAPITALISED);
    ck_assert_uint_eq(find(&c, "team", 0)->flags &
                      (STM_TOK_CAPITALISED | STM_TOK_ALLCAPS), 0);
    col_free(&c);
}
END_TEST

START_TEST(heading_in_capitals)
{
    col c = idx("SUMMARY OF KEY FINDINGS FOR LEARNERS\n"
                "Leaders use ICT EPA tools.");
    const char *heading[] = {"summary", "of", "key", "findings", "for",
                             "learners"};
    for (int i = 0; i < 6; i++) {
        const tk *t = find(&c, heading[i], 0);
        char st[80];
        stem_of(an_index, heading[i], st, sizeof st);
        ck_assert_msg(!(t->flags & STM_TOK_ALLCAPS), "%s taken as acronym",
                      t->word);
        ck_assert_str_eq(t->stem, st);
    }
    /* short acronyms side by side stay acronyms */
    ck_assert(find(&c, "ict", 0)->flags & STM_TOK_ALLCAPS);
    ck_assert(find(&c, "epa", 0)->flags & STM_TOK_ALLCAPS);
    ck_assert(find(&c, "leaders", 0)->flags & STM_TOK_SENTENCE_START);
    col_free(&c);
}
END_TEST

/* ---------- flags ---------- */

START_TEST(sentence_starts)
{
    col c = idx("Leaders act. Staff agree! Why? Because: tutors care, "
                "mostly\n• Mentors help\nreviews (e.g. Tutors) run. "
                "End");
    static const struct { const char *w; int ss; } want[] = {
        {"leaders", 1}, {"act", 0}, {"staff", 1}, {"why", 1},
        {"because", 1}, {"tutors", 1}, {"care", 0}, {"mostly", 0},
        {"mentors", 1}, {"reviews", 1}, {"e.g", 0}, {"tutors", 0},
        {"end", 1},
    };
    int seen_tutors = 0;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int nth = 0;
        if (strcmp(want[i].w, "tutors") == 0)
            nth = seen_tutors++;
        const tk *t = find(&c, want[i].w, nth);
        ck_assert_msg(((t->flags & STM_TOK_SENTENCE_START) != 0) == want[i].ss,
                      "%s: sentence start %d", t->word, !want[i].ss);
    }
    col_free(&c);
}
END_TEST

START_TEST(stopwords)
{
    col c = idx("The quality of the provision is not good and it is weak");
    ck_assert(find(&c, "the", 0)->flags & STM_TOK_STOPWORD);
    ck_assert(find(&c, "of", 0)->flags & STM_TOK_STOPWORD);
    ck_assert(find(&c, "is", 0)->flags & STM_TOK_STOPWORD);
    ck_assert(find(&c, "and", 0)->flags & STM_TOK_STOPWORD);
    ck_assert_uint_eq(find(&c, "not", 0)->flags & STM_TOK_STOPWORD, 0);
    ck_assert_uint_eq(find(&c, "quality", 0)->flags & STM_TOK_STOPWORD, 0);
    ck_assert_uint_eq(find(&c, "good", 0)->flags & STM_TOK_STOPWORD, 0);
    /* the indexer still gets every word, at every position */
    ck_assert_uint_eq(c.n, 12);
    col_free(&c);

    const char *yes[] = {"a", "about", "an", "and", "are", "as", "at", "be",
                         "by", "for", "from", "in", "is", "it", "of", "on",
                         "or", "should", "that", "the", "this", "to", "with",
                         "your"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        ck_assert_msg(stm_is_stopword(yes[i], strlen(yes[i])), "%s", yes[i]);
    const char *no[] = {"", "not", "no", "prevent", "good", "thee", "th",
                        "shoulder", "zzz"};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        ck_assert_msg(!stm_is_stopword(no[i], strlen(no[i])), "%s", no[i]);
    ck_assert(stm_is_stopword("theory", 3));  /* length counts, not NUL */
}
END_TEST

/* ---------- edges ---------- */

START_TEST(empty_punctuation_long)
{
    col c = idx("");
    ck_assert_uint_eq(c.n, 0);
    col_free(&c);
    c = run_len(an_index, NULL, 0);
    ck_assert_uint_eq(c.n, 0);
    col_free(&c);
    c = idx("... -- !! ?? “” ‘’ ■ • — / ____ ***");
    ck_assert_uint_eq(c.n, 0);
    col_free(&c);

    char text[400];
    char w64[65], w65[66];
    memset(w64, 'a', 64);
    w64[64] = '\0';
    memset(w65, 'b', 65);
    w65[65] = '\0';
    snprintf(text, sizeof text, "before %s middle %s after https://example"
             "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
             "aaaaaaaaaaaaaaaaaaaaaaaaa end", w64, w65);
    c = idx(text);
    ck_assert_str_eq(find(&c, w64, 0)->word, w64);
    ck_assert_uint_eq(find(&c, "middle", 0)->pos, 3);
    ck_assert_uint_eq(find(&c, "after", 0)->pos, 4);  /* w65 skipped */
    for (size_t i = 0; i < c.n; i++)
        ck_assert_uint_le(strlen(c.v[i].word), 64);
    ck_assert_uint_eq(find(&c, "end", 0)->pos, c.n);
    col_free(&c);
}
END_TEST

START_TEST(invalid_utf8_in_analyse)
{
    /* stm_analyse is promised UTF-8; a stray byte still costs no word */
    const char s[] = "ab\xff" "cd \xe2\x80 ef\xc3";
    col c = run_len(an_index, s, sizeof s - 1);
    ck_assert_str_eq(words(&c), "ab cd ef");
    assert_span(s, find(&c, "cd", 0), "cd");
    assert_span(s, find(&c, "ef", 0), "ef");
    col_free(&c);
}
END_TEST

START_TEST(callback_stops)
{
    col c;
    memset(&c, 0, sizeof c);
    c.stop_after = 2;
    const char *s = "one two three four";
    int rc = stm_analyse(an_index, s, strlen(s), collect, &c, NULL);
    ck_assert_int_eq(rc, 7);
    ck_assert_uint_eq(c.n, 2);
    col_free(&c);
    /* and the analyser is fine afterwards */
    c = idx("five six");
    ck_assert_str_eq(words(&c), "five six");
    col_free(&c);
}
END_TEST

START_TEST(large_input_chunks)
{
    /* Over several chunks: every token found once, positions consecutive,
     * spans exact. */
    const char *unit = "Leaders’ off-the-job plans for 2015/16 improved. ";
    size_t ul = strlen(unit), reps = 6000;
    /* no NUL at the end: stm_analyse must not read past len */
    char *big = malloc(ul * reps);
    ck_assert_ptr_nonnull(big);
    for (size_t i = 0; i < reps; i++)
        memcpy(big + i * ul, unit, ul);
    col c = run_len(an_index, big, ul * reps);
    ck_assert_uint_eq(c.n, 9 * reps);
    for (size_t i = 0; i < c.n; i += 9) {
        ck_assert_str_eq(c.v[i].word, "leaders");
        ck_assert_str_eq(c.v[i + 3].word, "job");
        ck_assert(c.v[i + 3].flags & STM_TOK_JOINED);
        ck_assert(c.v[i].flags & STM_TOK_SENTENCE_START);
        assert_span(big, &c.v[i + 7], "16");
    }
    col_free(&c);

    /* one 100 KB line with no spaces: chunks split between characters */
    size_t n = 100000;
    char *line = malloc(n);
    ck_assert_ptr_nonnull(line);
    for (size_t i = 0; i < n; i += 2) {
        line[i] = 'x';
        line[i + 1] = '-';
    }
    c = run_len(an_index, line, n);
    ck_assert_uint_eq(c.n, n / 2);
    col_free(&c);
    free(line);
    free(big);
}
END_TEST

START_TEST(stem_word_and_cache)
{
    char buf[80];
    ck_assert_int_eq(stm_stem_word(an_index, "inspections", 11, buf,
                                   sizeof buf), (int)strlen(buf));
    char again[80];
    stem_of(an_index, "inspection", again, sizeof again);
    ck_assert_str_eq(buf, again);
    ck_assert_int_eq(stm_stem_word(an_index, "2019", 4, buf, sizeof buf), 4);
    ck_assert_str_eq(buf, "2019");
    ck_assert_int_lt(stm_stem_word(an_index, "inspections", 11, buf, 3), 0);
    ck_assert_int_lt(stm_stem_word(an_index, "", 0, buf, sizeof buf), 0);

    /* more distinct words than the cache holds: stems stay right after it
     * is cleared */
    size_t nwords = 9000;
    char *text = malloc(nwords * 12 + 1);
    ck_assert_ptr_nonnull(text);
    size_t len = 0;
    for (size_t i = 0; i < nwords; i++) {
        size_t k = i;
        text[len++] = 'q';
        for (int d = 0; d < 4; d++, k /= 26)
            text[len++] = (char)('a' + k % 26);
        memcpy(text + len, "ings ", 5);
        len += 5;
    }
    text[len] = '\0';
    for (int pass = 0; pass < 2; pass++) {
        col c = idx(text);
        ck_assert_uint_eq(c.n, nwords);
        for (size_t i = 0; i < c.n; i += 97) {
            stm_analyser *fresh;
            ck_assert_int_eq(stm_analyser_new(STM_MODE_INDEX, &fresh, NULL), 0);
            stem_of(fresh, c.v[i].word, buf, sizeof buf);
            ck_assert_str_eq(c.v[i].stem, buf);
            stm_analyser_free(fresh);
        }
        col_free(&c);
    }
    free(text);
}
END_TEST

/* ---------- charsets ---------- */

static char *to_utf8(const char *b, size_t n, const char **cs, size_t *out_len)
{
    char *out = NULL, *err = NULL;
    size_t ol = 0;
    int rc = stm_to_utf8(b, n, &out, &ol, cs, &err);
    ck_assert_msg(rc == 0, "stm_to_utf8: %d %s", rc, err ? err : "");
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(strlen(out), ol);  /* no NUL inside */
    /* the result is valid UTF-8: converting it again changes nothing */
    const char *cs2;
    char *again = NULL;
    size_t al;
    ck_assert_int_eq(stm_to_utf8(out, ol, &again, &al, &cs2, NULL), 0);
    ck_assert_str_eq(cs2, "UTF-8");
    ck_assert_uint_eq(al, ol);
    ck_assert_int_eq(memcmp(again, out, ol), 0);
    free(again);
    if (out_len != NULL)
        *out_len = ol;
    return out;
}

START_TEST(charset_utf8)
{
    const char *cs;
    const char *s = "Learners’ “progress” £40";
    char *o = to_utf8(s, strlen(s), &cs, NULL);
    ck_assert_str_eq(cs, "UTF-8");
    ck_assert_str_eq(o, s);
    free(o);
    o = to_utf8("\xef\xbb\xbfHello", 8, &cs, NULL);
    ck_assert_str_eq(cs, "UTF-8");
    ck_assert_str_eq(o, "Hello");
    free(o);
    size_t n;
    o = to_utf8("", 0, &cs, &n);
    ck_assert_uint_eq(n, 0);
    ck_assert_str_eq(o, "");
    free(o);
    /* NUL bytes become spaces, length kept */
    o = to_utf8("a\0b\0\0c", 6, &cs, &n);
    ck_assert_str_eq(o, "a b  c");
    ck_assert_uint_eq(n, 6);
    free(o);
}
END_TEST

START_TEST(charset_windows_1252)
{
    const char *cs;
    /* a typical word-processor file saved as "ANSI" */
    const char *s = "The provider\x92s learners said the training was "
                    "\x93useful\x94 and cost \xa3" "40 \x96 fair value.";
    char *o = to_utf8(s, strlen(s), &cs, NULL);
    ck_assert_str_eq(cs, "windows-1252");
    ck_assert_str_eq(o, "The provider’s learners said the training was "
                     "“useful” and cost £40 – fair value.");
    col c = idx(o);
    ck_assert_str_eq(c.v[1].word, "provider's");
    ck_assert_str_eq(find(&c, "40", 0)->word, "40");
    col_free(&c);
    free(o);

    /* Latin-1 accents */
    const char *l = "Caf\xe9 staff were na\xefve about the r\xe9sum\xe9s.";
    o = to_utf8(l, strlen(l), &cs, NULL);
    ck_assert_str_eq(o, "Café staff were naïve about the résumés.");
    free(o);

    /* bytes windows-1252 leaves undefined: visible U+FFFD, not dropped */
    o = to_utf8("a\x81" "b\x9d", 4, &cs, NULL);
    ck_assert_str_eq(o, "a\xef\xbf\xbd" "b\xef\xbf\xbd");
    free(o);
}
END_TEST

START_TEST(charset_utf16_and_repair)
{
    const char *cs;
    /* UTF-16LE with BOM: "Hi’ £" */
    const char le[] = "\xff\xfeH\0i\0\x19\x20 \0\xa3\0";
    char *o = to_utf8(le, sizeof le - 1, &cs, NULL);
    ck_assert_str_eq(cs, "UTF-16LE");
    ck_assert_str_eq(o, "Hi’ £");
    free(o);
    /* UTF-16BE with BOM, a NUL character and an odd trailing byte */
    const char be[] = "\xfe\xff\0O\0K\0\0\0!\0";
    o = to_utf8(be, sizeof be - 1, &cs, NULL);
    ck_assert_str_eq(cs, "UTF-16BE");
    ck_assert_str_eq(o, "OK !\xef\xbf\xbd");
    free(o);
    /* UTF-8 with BOM and a stray Windows apostrophe: the byte is kept as
     * the character it most likely was */
    o = to_utf8("\xef\xbb\xbfLeaders\x92 plans \xc3\xa9t\xc3", 22, &cs, NULL);
    ck_assert_str_eq(cs, "UTF-8");
    ck_assert_str_eq(o, "Leaders’ plans étÃ");
    free(o);
    /* mostly UTF-8 with one invalid byte, no BOM: never silently lost */
    const char mix[] = "Le caf\xc3\xa9 \xff fine";
    size_t n;
    o = to_utf8(mix, sizeof mix - 1, &cs, &n);
    ck_assert_ptr_nonnull(cs);
    ck_assert_uint_ge(n, sizeof mix - 1);
    ck_assert_ptr_nonnull(strstr(o, "fine"));
    free(o);
    ck_assert_int_lt(stm_to_utf8(NULL, 5, &o, &n, &cs, NULL), 0);
}
END_TEST

START_TEST(charset_detected)
{
    const char *cs;
    /* long enough for ICU's detector: Cyrillic saved as windows-1251 */
    const char *ru = "\xca\xee\xeb\xeb\xe5\xe4\xe6 \xef\xf0\xe5\xe4\xeb"
        "\xe0\xe3\xe0\xe5\xf2 \xee\xe1\xf3\xf7\xe5\xed\xe8\xe5 \xe4\xeb"
        "\xff \xe2\xe7\xf0\xee\xf1\xeb\xfb\xf5 \xf3\xf7\xe0\xf9\xe8\xf5"
        "\xf1\xff \xe8 \xf1\xf2\xe0\xe6\xb8\xf0\xee\xe2 \xe2 \xe3\xee\xf0"
        "\xee\xe4\xe5, \xe8 \xea\xe0\xf7\xe5\xf1\xf2\xe2\xee \xee\xe1\xf3"
        "\xf7\xe5\xed\xe8\xff \xf5\xee\xf0\xee\xf8\xe5\xe5.";
    char *o = to_utf8(ru, strlen(ru), &cs, NULL);
    ck_assert_str_eq(cs, "windows-1251");
    ck_assert_str_eq(o, "Колледж предлагает обучение для взрослых учащихся "
                     "и стажёров в городе, и качество обучения хорошее.");
    col c = idx(o);
    ck_assert_str_eq(c.v[0].word, "колледж");
    assert_span(o, &c.v[0], "Колледж");
    ck_assert_uint_eq(c.n, 14);
    col_free(&c);
    free(o);

    /* English with Windows quotes, long enough to be detected: still
     * windows-1252 (ICU's own answer, or our fallback) */
    const char *en = "Inspectors found that the college\x92s leaders had "
                     "\x93high expectations\x94 of staff and learners.";
    o = to_utf8(en, strlen(en), &cs, NULL);
    ck_assert_str_eq(cs, "windows-1252");
    ck_assert_ptr_nonnull(strstr(o, "college’s leaders had “high"));
    free(o);
}
END_TEST


/* ---------- the ASCII fast path gives ICU's words ---------- */

typedef struct tokdump {
    char *s;
    size_t len, cap;
} tokdump;

static int dump_token(void *ctx, const stm_token *t)
{
    tokdump *d = ctx;
    char line[512];
    int n = snprintf(line, sizeof line, "%u %zu %zu %s %s %s %x\n",
                     t->position, t->start, t->end, t->word,
                     t->stem ? t->stem : "-",
                     t->protected_form ? t->protected_form : "-", t->flags);
    if (d->len + (size_t)n + 1 > d->cap) {
        d->cap = (d->cap + (size_t)n + 1) * 2;
        d->s = realloc(d->s, d->cap);
        ck_assert_ptr_nonnull(d->s);
    }
    memcpy(d->s + d->len, line, (size_t)n + 1);
    d->len += (size_t)n;
    return 0;
}

static void same_as_icu(stm_analyser *fast, stm_analyser *icu,
                        const char *text, size_t len)
{
    tokdump a = {NULL, 0, 0}, b = {NULL, 0, 0};
    ck_assert_int_eq(stm_analyse(fast, text, len, dump_token, &a, NULL), 0);
    ck_assert_int_eq(stm_analyse(icu, text, len, dump_token, &b, NULL), 0);
    ck_assert_msg((a.len == 0 && b.len == 0) ||
                      (a.s && b.s && strcmp(a.s, b.s) == 0),
                  "fast path and ICU differ on \"%.*s\":\nfast:\n%s\nicu:\n%s",
                  (int)(len < 200 ? len : 200), text, a.s ? a.s : "",
                  b.s ? b.s : "");
    free(a.s);
    free(b.s);
}

START_TEST(ascii_fast_path_matches_icu)
{
    stm_analyser *fast = NULL, *icu = NULL;
    ck_assert_int_eq(stm_analyser_new(STM_MODE_INDEX, &fast, NULL), 0);
    ck_assert_int_eq(stm_analyser_new(STM_MODE_INDEX, &icu, NULL), 0);
    stm_analyser_set_icu_only(icu, 1);
    static const char *const cases[] = {
        "off-the-job training for 16- to 18-year-olds in 2015/16",
        "COVID-19 cost \xc2\xa3" "40.8 million; level 3, e.g. U.K. and i.e.",
        "apprentice's learners' 'Prevent' \"the Prevent duty\" don't",
        "3.5 1,000 2;3 1.a a.1 a_b _x_ __ a'b'c a..b 1..2 1,,2 x:y 10:30",
        "KSBs, DBS-checked; ESFA's EPA. SUMMARY OF KEY FINDINGS\n- Prevent",
        "a. b' 'c .d ,e ;f 9. 9' '9 .9 ,9 ;9 a' 'a", "", "...", "'", "_",
        "learner\xe2\x80\x99s learners\xe2\x80\x99 \xe2\x80\x98Prevent\xe2\x80\x99 "
        "\xe2\x80\x9cthe Prevent duty\xe2\x80\x9d \xc2\xa3" "2.4\xc2\xa0million "
        "2015\xe2\x80\x93" "16 \xe2\x80\xa2 item \xe2\x96\xa0 item\xe2\x80\xa6 "
        "off\xe2\x80\x91the\xe2\x80\x91job 1\xe2\x80\x99" "000 a\xc2\xb7" "b",
        "APPRENTICE\xe2\x80\x99S KSB\xe2\x80\x99s don\xe2\x80\x99t "
        "\xe2\x80\x99tis x\xe2\x80\x99 \xe2\x80\x98y \xe2\x82\xac" "5",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        same_as_icu(fast, icu, cases[i], strlen(cases[i]));
    /* Random ASCII over the characters the rules care about. */
    static const char *const alphabet[] = {
        "a", "Z", "q", "0", "9", "_", ".", "'", ",", ";", ":", " ", "-",
        "\n", "\t", "\"", "(", "/", "\xe2\x80\x99", "\xe2\x80\x98",
        "\xe2\x80\x9c", "\xe2\x80\x93", "\xc2\xa0", "\xc2\xa3",
        "\xe2\x80\xa2", "S", "s", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
    const size_t n_alpha = sizeof alphabet / sizeof alphabet[0];
    unsigned seed = 12345;
    char text[512];
    for (int round = 0; round < 20000; round++) {
        size_t n = 0, parts = 1 + (seed % 60);
        for (size_t k = 0; k < parts; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *a = alphabet[(seed >> 16) % n_alpha];
            size_t al = strlen(a);
            memcpy(text + n, a, al);
            n += al;
        }
        same_as_icu(fast, icu, text, n);
    }
    /* Every line of a few sample files (lines with characters the fast
     * path does not know take ICU in both). */
    const char *srcdir = getenv("srcdir") ? getenv("srcdir") : ".";
    static const char *const files[] = {
        "northbrook-skills-2017.txt", "riverside-college-2014.txt",
        "ellesbury-college-2016.txt", "holmecroft-sixth-form-academy-2018.txt",
        "lanyon-academy-of-performing-arts-2018.txt",
        "fenwick-sixth-form-college-2025-report-card.txt"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/corpus/samples/%s", srcdir, files[f]);
        FILE *fp = fopen(path, "r");
        ck_assert_msg(fp != NULL, "cannot open %s", path);
        char line[8192];
        while (fgets(line, sizeof line, fp))
            same_as_icu(fast, icu, line, strlen(line));
        fclose(fp);
    }
    stm_analyser_free(fast);
    stm_analyser_free(icu);
}
END_TEST

/* Snowball English keeps a word's first byte, which is what lets
 * stm_analyser_limit_stems skip stemming: checked over every token of
 * the sample corpus. A limited analyser then gives the same tokens, and
 * the same stem wherever the stem is one it was asked for. */
START_TEST(limited_stems)
{
    const char *srcdir = getenv("srcdir") ? getenv("srcdir") : ".";
    char dirpath[1024];
    snprintf(dirpath, sizeof dirpath, "%s/corpus/samples", srcdir);
    DIR *d = opendir(dirpath);
    ck_assert_msg(d != NULL, "cannot open %s", dirpath);
    static const char *const wanted[] = {"learner", "assess", "safeguard",
                                         "off", "job", "2019", "ksb"};
    const size_t nw = sizeof wanted / sizeof wanted[0];
    size_t files = 0, tokens = 0, matched = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t nl = strlen(de->d_name);
        if (nl < 4 || (strcmp(de->d_name + nl - 4, ".txt") != 0 &&
                       strcmp(de->d_name + nl - 3, ".md") != 0))
            continue;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dirpath, de->d_name);
        FILE *fp = fopen(path, "rb");
        ck_assert_ptr_nonnull(fp);
        static char text[1 << 20];
        size_t len = fread(text, 1, sizeof text, fp);
        fclose(fp);
        col all = {0}, lim = {0};
        stm_analyser_limit_stems(an_index, NULL, 0);
        ck_assert_int_eq(stm_analyse(an_index, text, len, collect, &all, NULL), 0);
        stm_analyser_limit_stems(an_index, wanted, nw);
        ck_assert_int_eq(stm_analyse(an_index, text, len, collect, &lim, NULL), 0);
        stm_analyser_limit_stems(an_index, NULL, 0);
        ck_assert_uint_eq(all.n, lim.n);
        for (size_t i = 0; i < all.n; i++) {
            const tk *a = &all.v[i], *l = &lim.v[i];
            ck_assert_str_eq(a->word, l->word);
            ck_assert_uint_eq(a->pos, l->pos);
            ck_assert_uint_eq(a->flags, l->flags);
            ck_assert_str_eq(a->prot, l->prot);
            ck_assert_int_eq(a->has_stem, l->has_stem);
            if (!a->has_stem)
                continue;
            ck_assert_msg(a->stem[0] == a->word[0],
                          "%s: stem %s of %s starts with another byte",
                          de->d_name, a->stem, a->word);
            int want_a = 0, want_l = 0;
            for (size_t w = 0; w < nw; w++) {
                want_a |= strcmp(a->stem, wanted[w]) == 0;
                want_l |= strcmp(l->stem, wanted[w]) == 0;
            }
            ck_assert_int_eq(want_a, want_l);
            if (want_a) {
                ck_assert_str_eq(a->stem, l->stem);
                matched++;
            }
            tokens++;
        }
        free(all.v);
        free(lim.v);
        files++;
    }
    closedir(d);
    ck_assert_uint_gt(files, 20);
    ck_assert_uint_gt(tokens, 30000);
    ck_assert_uint_gt(matched, 500);
}
END_TEST

static Suite *stemmer_suite(void)
{
    Suite *s = suite_create("stemmer");
    TCase *tc = tcase_create("analyse");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, apostrophes);
    tcase_add_test(tc, ligatures_soft_hyphen_nbsp);
    tcase_add_test(tc, non_ascii_offsets);
    tcase_add_test(tc, off_the_job);
    tcase_add_test(tc, ages_years_numbers);
    tcase_add_test(tc, prevent_index);
    tcase_add_test(tc, prevent_query);
    tcase_add_test(tc, send_and_send);
    tcase_add_test(tc, acronyms);
    tcase_add_test(tc, heading_in_capitals);
    tcase_add_test(tc, sentence_starts);
    tcase_add_test(tc, stopwords);
    tcase_add_test(tc, empty_punctuation_long);
    tcase_add_test(tc, invalid_utf8_in_analyse);
    tcase_add_test(tc, callback_stops);
    tcase_add_test(tc, large_input_chunks);
    tcase_add_test(tc, stem_word_and_cache);
    tcase_add_test(tc, charset_utf8);
    tcase_add_test(tc, charset_windows_1252);
    tcase_add_test(tc, charset_utf16_and_repair);
    tcase_add_test(tc, charset_detected);
    tcase_add_test(tc, ascii_fast_path_matches_icu);
    tcase_add_test(tc, limited_stems);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(stemmer_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
