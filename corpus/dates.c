/* dates.c - inspection date phrases into ISO dates.
 *
 * Reports write their dates in many ways ("8-11 August 2016", "January
 * 30-February 3 2006", "10-14 and 17-21 May 2004", "12 Oct 2017"). Rather
 * than one pattern per form, the text is cut into tokens (day, month, year,
 * separator) and the first run of them that names at least one whole date is
 * read: days attach to the month after them (day-first) or before them
 * (month-first), a year to every date before it that has none. The first date
 * of the run is the start, the last the end.
 */
#include "corpus/report-private.h"

#include <string.h>

enum dtok_kind { DT_DAY, DT_MONTH, DT_YEAR, DT_SEP, DT_FILLER, DT_OTHER, DT_END };

typedef struct dtok {
    enum dtok_kind kind;
    int value;
    const char *next;   /* where scanning resumes after this token */
} dtok;

static const struct { const char *name; int month; } month_names[] = {
    {"january", 1}, {"february", 2}, {"march", 3}, {"april", 4},
    {"may", 5}, {"june", 6}, {"july", 7}, {"august", 8},
    {"september", 9}, {"october", 10}, {"november", 11}, {"december", 12},
    {"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4}, {"jun", 6}, {"jul", 7},
    {"aug", 8}, {"sep", 9}, {"sept", 9}, {"oct", 10}, {"nov", 11},
    {"dec", 12},
};

static const char *const weekdays[] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri",
    "sat", "sun",
};

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int word_is(const char *w, size_t n, const char *lit)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char c = w[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (lit[i] == '\0' || lit[i] != c)
            return 0;
    }
    return lit[n] == '\0';
}

/* Read the token at p (p points past any spaces). */
static dtok date_token_read(const char *p)
{
    dtok t = {DT_OTHER, 0, p + 1};
    unsigned char c = (unsigned char)*p;

    if (c == '\0') {
        t.kind = DT_END;
        t.next = p;
        return t;
    }
    if (is_digit(c)) {
        const char *q = p;
        int v = 0, n = 0;
        while (is_digit((unsigned char)*q) && n < 6) {
            v = v * 10 + (*q - '0');
            q++;
            n++;
        }
        if (is_digit((unsigned char)*q)) {
            while (is_digit((unsigned char)*q))
                q++;
            t.next = q;
            return t;
        }
        /* "3rd", "21st": the suffix belongs to the day. */
        if ((n <= 2) && is_alpha((unsigned char)q[0]) &&
            is_alpha((unsigned char)q[1]) && !is_alpha((unsigned char)q[2]) &&
            (word_is(q, 2, "st") || word_is(q, 2, "nd") ||
             word_is(q, 2, "rd") || word_is(q, 2, "th")))
            q += 2;
        t.next = q;
        if (is_alpha((unsigned char)*q) || *q == '/' || *q == '.' ||
            *q == ':') {
            /* "2015/16", "12.5", "10:30", "3pm": not part of a date. */
            if (!(*q == '.' && !is_digit((unsigned char)q[1])))
                return t;
        }
        if (n <= 2 && v >= 1 && v <= 31) {
            t.kind = DT_DAY;
            t.value = v;
        } else if (n == 4 && v >= 1900 && v <= 2099) {
            t.kind = DT_YEAR;
            t.value = v;
        }
        return t;
    }
    if (is_alpha(c)) {
        const char *q = p;
        size_t n, i;
        while (is_alpha((unsigned char)*q))
            q++;
        n = (size_t)(q - p);
        t.next = q;
        for (i = 0; i < sizeof month_names / sizeof month_names[0]; i++) {
            if (word_is(p, n, month_names[i].name)) {
                /* "may" in running prose is a verb: months are capitalised. */
                if (!(c >= 'A' && c <= 'Z'))
                    break;
                t.kind = DT_MONTH;
                t.value = month_names[i].month;
                if (*q == '.')
                    t.next = q + 1;
                return t;
            }
        }
        if (word_is(p, n, "to") || word_is(p, n, "and") ||
            word_is(p, n, "until") || word_is(p, n, "till") ||
            word_is(p, n, "through")) {
            t.kind = DT_SEP;
            return t;
        }
        if (word_is(p, n, "of")) {
            t.kind = DT_FILLER;
            return t;
        }
        for (i = 0; i < sizeof weekdays / sizeof weekdays[0]; i++)
            if (word_is(p, n, weekdays[i])) {
                t.kind = DT_FILLER;
                if (*q == ',')
                    t.next = q + 1;
                return t;
            }
        return t;
    }
    if (c == '-' || c == ',' || c == '&') {
        t.kind = DT_SEP;
        return t;
    }
    /* en dash, em dash, minus sign, figure dash */
    if (c == 0xE2 && (unsigned char)p[1] == 0x80 &&
        ((unsigned char)p[2] >= 0x90 && (unsigned char)p[2] <= 0x95)) {
        t.kind = DT_SEP;
        t.next = p + 3;
        return t;
    }
    if (c == 0xE2 && (unsigned char)p[1] == 0x88 && (unsigned char)p[2] == 0x92) {
        t.kind = DT_SEP;
        t.next = p + 3;
        return t;
    }
    /* Skip the rest of a multi-byte character at once. */
    if (c >= 0xC0) {
        const char *q = p + 1;
        while (((unsigned char)*q & 0xC0) == 0x80)
            q++;
        t.next = q;
    }
    return t;
}

static const char *skip_spaces(const char *p)
{
    for (;;) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
            p++;
        else if (c == 0xC2 && (unsigned char)p[1] == 0xA0)
            p += 2;   /* no-break space */
        else
            return p;
    }
}

static int days_in_month(int m, int y)
{
    static const int dim[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2)
        return ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : 28;
    return dim[m - 1];
}

typedef struct ymd { int y, m, d; } ymd;

#define DATE_RUN_MAX 16

/* Interpret the run of tokens starting at p (a day or a month). Returns the
 * number of complete dates found (0 if none) and fills first/last. *resume
 * is where scanning for another run should go on. */
static int date_run_read(const char *p, ymd *first, ymd *last,
                         const char **resume, const char **run_end)
{
    ymd dates[DATE_RUN_MAX];
    int n_dates = 0;          /* dates with day and month */
    int n_pending = 0;        /* day-first: days waiting for their month */
    int pending[DATE_RUN_MAX];
    int month = 0;            /* month-first: the current month */
    int month_first = -1;
    int n_year_applied = 0;   /* dates[0..n) already have a year */
    int complete = 0;         /* dates[0..complete) have d, m and y */
    int i;
    const char *after_year = NULL;
    dtok t;

    for (;;) {
        p = skip_spaces(p);
        t = date_token_read(p);
        if (t.kind == DT_FILLER) {
            p = t.next;
            continue;
        }
        if ((t.kind == DT_DAY || t.kind == DT_MONTH) &&
            n_year_applied == DATE_RUN_MAX)
            break;   /* sixteen whole dates already: enough */
        if (t.kind == DT_DAY) {
            if (month_first < 0)
                month_first = 0;
            /* when full, the last slot is overwritten: a range needs its
             * first and last day only */
            if (month_first == 1 && month) {
                if (n_dates == DATE_RUN_MAX)
                    n_dates--;
                dates[n_dates].d = t.value;
                dates[n_dates].m = month;
                dates[n_dates].y = 0;
                n_dates++;
            } else {
                if (n_pending == DATE_RUN_MAX)
                    n_pending--;
                pending[n_pending++] = t.value;
            }
            p = t.next;
            continue;
        }
        if (t.kind == DT_MONTH) {
            if (month_first < 0)
                month_first = 1;
            if (month_first == 0 || n_pending > 0) {
                for (i = 0; i < n_pending; i++) {
                    if (n_dates == DATE_RUN_MAX)
                        n_dates--;
                    dates[n_dates].d = pending[i];
                    dates[n_dates].m = t.value;
                    dates[n_dates].y = 0;
                    n_dates++;
                }
                n_pending = 0;
            }
            month = t.value;
            p = t.next;
            continue;
        }
        if (t.kind == DT_YEAR) {
            if (n_dates == n_year_applied)
                break;   /* a year with no day before it ends the run */
            for (i = n_year_applied; i < n_dates; i++)
                dates[i].y = t.value;
            n_year_applied = n_dates;
            complete = n_dates;
            n_pending = 0;
            p = t.next;
            after_year = p;
            /* Another date may follow ("2005 to 3 January 2006"): only
             * through a separator and a day or month. */
            {
                const char *q = skip_spaces(p);
                dtok s = date_token_read(q);
                if (s.kind != DT_SEP)
                    break;
                q = skip_spaces(s.next);
                s = date_token_read(q);
                while (s.kind == DT_FILLER || s.kind == DT_SEP) {
                    q = skip_spaces(s.next);
                    s = date_token_read(q);
                }
                if (s.kind != DT_DAY && s.kind != DT_MONTH)
                    break;
                month_first = -1;
                month = 0;
                p = q;
            }
            continue;
        }
        if (t.kind == DT_SEP) {
            p = t.next;
            continue;
        }
        break;
    }
    *resume = after_year ? after_year : t.next;
    *run_end = after_year;
    if (complete == 0)
        return 0;
    for (i = 0; i < complete; i++)
        if (dates[i].d > days_in_month(dates[i].m, dates[i].y))
            return 0;
    *first = dates[0];
    *last = dates[complete - 1];
    /* "30 December - 3 January 2006": the year belongs to the end. A run
     * that goes backwards within one month ("29 to 2 February") is no
     * date at all, and a start moved back a year must still exist ("29
     * February to 1 March 2020" stays; 2019 has no 29 February). */
    if (first->y == last->y && first->m == last->m && first->d > last->d)
        return 0;
    if (first->y == last->y && first->m > last->m) {
        first->y--;
        if (first->d > days_in_month(first->m, first->y))
            return 0;
    }
    return complete;
}

/* dd/mm/yyyy or dd.mm.yyyy, a form some older reports and tables use. */
static int numeric_date_read(const char *p, ymd *out, const char **end)
{
    int d = 0, m = 0, y = 0, n;
    char sep;
    for (n = 0; n < 2 && is_digit((unsigned char)*p); n++)
        d = d * 10 + (*p++ - '0');
    if (n == 0 || (*p != '/' && *p != '.'))
        return 0;
    sep = *p++;
    for (n = 0; n < 2 && is_digit((unsigned char)*p); n++)
        m = m * 10 + (*p++ - '0');
    if (n == 0 || *p != sep)
        return 0;
    p++;
    for (n = 0; n < 4 && is_digit((unsigned char)*p); n++)
        y = y * 10 + (*p++ - '0');
    if (n != 4 || is_digit((unsigned char)*p))
        return 0;
    if (m < 1 || m > 12 || y < 1900 || y > 2099 || d < 1 ||
        d > days_in_month(m, y))
        return 0;
    out->y = y;
    out->m = m;
    out->d = d;
    *end = p;
    return 1;
}

static void iso_write(char buf[11], const ymd *v)
{
    unsigned y = (unsigned)v->y % 10000u, m = (unsigned)v->m % 100u,
             d = (unsigned)v->d % 100u;
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
}

int rpt_dates_find(const char *text, char start[11], char end[11],
                   size_t *at, size_t *until)
{
    const char *p = text;
    int prev_alnum = 0;

    if (!text)
        return -1;
    while (*p) {
        unsigned char c = (unsigned char)*p;
        if (!prev_alnum && (is_digit(c) || (c >= 'A' && c <= 'Z'))) {
            ymd a, b;
            const char *resume = p + 1;
            const char *nend;
            if (is_digit(c) && numeric_date_read(p, &a, &nend)) {
                const char *q = skip_spaces(nend);
                dtok s = date_token_read(q);
                b = a;
                if (s.kind == DT_SEP) {
                    q = skip_spaces(s.next);
                    if (!numeric_date_read(q, &b, &nend))
                        b = a;
                }
                iso_write(start, &a);
                iso_write(end, &b);
                if (at)
                    *at = (size_t)(p - text);
                if (until)
                    *until = (size_t)(nend - text);
                return 0;
            }
            {
                dtok t = date_token_read(p);
                if (t.kind == DT_DAY || t.kind == DT_MONTH) {
                    const char *run_end = NULL;
                    if (date_run_read(p, &a, &b, &resume, &run_end) > 0) {
                        iso_write(start, &a);
                        iso_write(end, &b);
                        if (at)
                            *at = (size_t)(p - text);
                        if (until)
                            *until = (size_t)(run_end - text);
                        return 0;
                    }
                } else {
                    /* Skip the token whole so that "2015" is not retried
                     * as "015". */
                    resume = t.next;
                }
                if (resume <= p)
                    resume = p + 1;
            }
            p = resume;
            prev_alnum = 0;
            if (p > text) {
                unsigned char pc = (unsigned char)p[-1];
                prev_alnum = is_alpha(pc) || is_digit(pc);
            }
            continue;
        }
        prev_alnum = is_alpha(c) || is_digit(c) || c >= 0x80;
        p++;
    }
    return -1;
}

int rpt_parse_dates(const char *text, char start[11], char end[11])
{
    return rpt_dates_find(text, start, end, NULL, NULL);
}
