/* meta.c - provider, URN, type, kind, dates and grades from the blocks.
 *
 * Metadata sits in labelled rows ("Unique reference number<TAB>58139",
 * "| <b>Type of provider:</b> | ... |", "Dates of inspection: ..."), in a
 * label line followed by its value line (provider details pages), in the
 * header lines under the name ("Independent learning provider", "Progress
 * monitoring report") and in the running head. Each field takes the first
 * value from the most trustworthy source: a label beats a header line beats
 * a phrase in the prose. Documents that show too few signs of being an
 * inspection report are kind "other" and keep only what a label states.
 */
#include "corpus/report-private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum field {
    F_NONE, F_PROVIDER, F_URN, F_TYPE, F_DATES, F_OVERALL, F_PREVIOUS
};

static const struct { const char *folded; enum field f; } labels[] = {
    {"name of college", F_PROVIDER}, {"name of provider", F_PROVIDER},
    {"provider name", F_PROVIDER}, {"name of institution", F_PROVIDER},
    {"name of establishment", F_PROVIDER}, {"college name", F_PROVIDER},
    {"name of organisation", F_PROVIDER}, {"provider", F_PROVIDER},
    {"unique reference number", F_URN}, {"urn", F_URN},
    {"ofsted reference number", F_URN}, {"reference number", F_URN},
    {"provider reference number", F_URN}, {"ofsted urn", F_URN},
    {"unique reference number urn", F_URN}, {"provider urn", F_URN},
    {"type of provider", F_TYPE}, {"provider type", F_TYPE},
    {"type of college", F_TYPE}, {"type of institution", F_TYPE},
    {"type of establishment", F_TYPE}, {"type of organisation", F_TYPE},
    {"inspection dates", F_DATES}, {"inspection date", F_DATES},
    {"dates of inspection", F_DATES}, {"date of inspection", F_DATES},
    {"dates of visit", F_DATES}, {"date of visit", F_DATES},
    {"visit dates", F_DATES}, {"visit date", F_DATES},
    {"monitoring visit dates", F_DATES}, {"monitoring visit date", F_DATES},
    {"dates of monitoring visit", F_DATES}, {"date of monitoring visit", F_DATES},
    {"last day of inspection", F_DATES}, {"dates of the inspection", F_DATES},
    {"date of the inspection", F_DATES}, {"inspection visit dates", F_DATES},
    {"dates of the visit", F_DATES}, {"date of the visit", F_DATES},
    {"interim visit dates", F_DATES}, {"interim visit date", F_DATES},
    {"overall effectiveness", F_OVERALL},
    {"overall effectiveness of provision", F_OVERALL},
    {"effectiveness of provision", F_OVERALL},
    {"overall effectiveness grade", F_OVERALL},
    {"overall grade", F_OVERALL},
    {"overall effectiveness at previous inspection", F_PREVIOUS},
    {"overall effectiveness at the previous inspection", F_PREVIOUS},
    {"previous inspection grade", F_PREVIOUS},
    {"grade at previous inspection", F_PREVIOUS},
    {"previous overall effectiveness grade", F_PREVIOUS},
    {"previous overall effectiveness", F_PREVIOUS},
    {"overall effectiveness at last inspection", F_PREVIOUS},
    {"previous inspection outcome", F_PREVIOUS},
    {"outcome of previous inspection", F_PREVIOUS},
    {"grade at last inspection", F_PREVIOUS},
    {"previous grade", F_PREVIOUS},
};

static enum field label_field(const char *s, size_t n)
{
    char f[128];
    size_t i;
    if (n > 100)
        return F_NONE;
    rpt_text_fold(s, n, f, sizeof f);
    for (i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(f, labels[i].folded) == 0)
            return labels[i].f;
    return F_NONE;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && is_space((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && is_space((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

static size_t count_words(const char *s, size_t n)
{
    size_t i, w = 0;
    int in = 0;
    for (i = 0; i < n; i++) {
        if (is_space((unsigned char)s[i]))
            in = 0;
        else if (!in) {
            in = 1;
            w++;
        }
    }
    return w;
}

static int set_str(char **dst, const char *s, size_t n)
{
    char *p;
    trim(&s, &n);
    p = rpt_strndup(s, n);
    if (!p)
        return -1;
    free(*dst);
    *dst = p;
    return 0;
}

int rpt_judgement_add(rpt_report *r, const char *name, size_t name_len,
                      const char *grade)
{
    char f[256], g[256];
    size_t i;
    rpt_judgement *j;

    trim(&name, &name_len);
    while (name_len > 0 && (name[name_len - 1] == ':' || name[name_len - 1] == '-'))
        name_len--;
    trim(&name, &name_len);
    if (name_len == 0 || !grade)
        return 0;
    rpt_text_fold(name, name_len, f, sizeof f);
    for (i = 0; i < r->n_judgements; i++) {
        rpt_text_fold(r->judgements[i].name, strlen(r->judgements[i].name), g,
                      sizeof g);
        if (strcmp(f, g) == 0)
            return 0;
    }
    j = realloc(r->judgements, (r->n_judgements + 1) * sizeof *j);
    if (!j)
        return -1;
    r->judgements = j;
    j = &r->judgements[r->n_judgements];
    j->name = NULL;
    j->grade = NULL;
    {
        /* whitespace tidied */
        char *p = malloc(name_len + 1);
        size_t k, o = 0;
        int sp = 0;
        if (!p)
            return -1;
        for (k = 0; k < name_len; k++) {
            if (is_space((unsigned char)name[k])) {
                sp = 1;
                continue;
            }
            if (sp && o)
                p[o++] = ' ';
            sp = 0;
            p[o++] = name[k];
        }
        p[o] = '\0';
        j->name = p;
    }
    j->grade = rpt_strndup(grade, strlen(grade));
    if (!j->grade) {
        free(j->name);
        return -1;
    }
    r->n_judgements++;
    return 0;
}

/* ----------------------------------------------------------- grades */

/* The year (and month) decide what a bare grade number means. */
static const char *grade_by_era(const char *value, size_t n, int year, int month)
{
    char sq[16];
    size_t i, o = 0;
    int num;
    static const char *const pre2005[6] = {NULL, "outstanding", "good",
        "satisfactory", "unsatisfactory", "very-weak"};
    static const char *const y2005[5] = {NULL, "outstanding", "good",
        "satisfactory", "inadequate"};
    static const char *const y2012[5] = {NULL, "outstanding", "good",
        "requires-improvement", "inadequate"};

    for (i = 0; i < n && o + 1 < sizeof sq; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            sq[o++] = (char)c;
    }
    if (i < n)
        return NULL;
    sq[o] = '\0';
    if (strncmp(sq, "grade", 5) == 0)
        memmove(sq, sq + 5, strlen(sq + 5) + 1);
    if (!(sq[0] >= '1' && sq[0] <= '5' && sq[1] == '\0'))
        return NULL;
    num = sq[0] - '0';
    if (year > 0 && year < 2005)
        return pre2005[num];
    if (num == 5)
        return NULL;
    if (year > 2012 || (year == 2012 && month >= 9))
        return y2012[num];
    return y2005[num];
}

/* Grade of a table value or label value: a grade phrase, "Grade 3", a bare
 * number, or a cell that starts "Satisfactory. Pass rates ...". */
static const char *value_grade(const char *v, size_t n, int year, int month)
{
    const char *g;
    char buf[96];
    trim(&v, &n);
    if (n == 0)
        return NULL;
    g = grade_by_era(v, n, year, month);
    if (g)
        return g;
    if (n < sizeof buf) {
        memcpy(buf, v, n);
        buf[n] = '\0';
        g = rpt_grade_slug(buf);
        if (g)
            return g;
    }
    {
        const char *dot = memchr(v, '.', n < 40 ? n : 40);
        if (dot && dot > v) {
            size_t k = (size_t)(dot - v);
            memcpy(buf, v, k);
            buf[k] = '\0';
            return rpt_grade_slug(buf);
        }
    }
    return NULL;
}

static int is_progress(const char *slug)
{
    size_t n = strlen(slug);
    return n > 9 && strcmp(slug + n - 9, "-progress") == 0;
}

static int is_card_grade(const char *slug)
{
    return strcmp(slug, "exceptional") == 0 ||
           strcmp(slug, "strong-standard") == 0 ||
           strcmp(slug, "expected-standard") == 0 ||
           strcmp(slug, "needs-attention") == 0 ||
           strcmp(slug, "urgent-improvement") == 0;
}

/* ---------------------------------------------------------- extraction */

typedef struct pending_grade {
    size_t block;
    const char *name; size_t name_len;
    const char *value; size_t value_len;
    enum field f;
} pending_grade;

typedef struct meta_state {
    rpt_meta_ctx *ctx;
    rpt_report *r;
    int signals;
    int have_label_dates;
    char provider_label[256];
    pending_grade *grades;
    size_t n_grades, cap_grades;
} meta_state;

static int pending_add(meta_state *m, size_t block, const char *name,
                       size_t name_len, const char *value, size_t value_len,
                       enum field f)
{
    if (m->n_grades == m->cap_grades) {
        size_t cap = m->cap_grades ? m->cap_grades * 2 : 32;
        pending_grade *p = realloc(m->grades, cap * sizeof *p);
        if (!p)
            return -1;
        m->grades = p;
        m->cap_grades = cap;
    }
    m->grades[m->n_grades].block = block;
    m->grades[m->n_grades].name = name;
    m->grades[m->n_grades].name_len = name_len;
    m->grades[m->n_grades].value = value;
    m->grades[m->n_grades].value_len = value_len;
    m->grades[m->n_grades].f = f;
    m->n_grades++;
    return 0;
}

/* A labelled value: fills the field if still empty. Returns 1 when the
 * label was one of ours, 0 if not, -1 on failure. */
static int field_take(meta_state *m, size_t block, const char *label,
                      size_t label_len, const char *value, size_t value_len)
{
    enum field f = label_field(label, label_len);
    rpt_report *r = m->r;
    trim(&value, &value_len);
    switch (f) {
    case F_NONE:
        return 0;
    case F_PROVIDER:
        if (!m->provider_label[0] && value_len > 0 && value_len < sizeof m->provider_label) {
            memcpy(m->provider_label, value, value_len);
            m->provider_label[value_len] = '\0';
        }
        return 1;
    case F_URN: {
        size_t i = 0;
        if (r->urn[0])
            return 1;
        while (i < value_len) {
            size_t j = i;
            while (j < value_len && value[j] >= '0' && value[j] <= '9')
                j++;
            if (j - i >= 5 && j - i <= 8)
                return set_str(&r->urn, value + i, j - i) < 0 ? -1 : 1;
            i = j + 1;
        }
        return 1;
    }
    case F_TYPE:
        if (!r->type[0]) {
            const char *slug = rpt_type_slug(value, value_len);
            if (slug && set_str(&r->type, slug, strlen(slug)) < 0)
                return -1;
        }
        return 1;
    case F_DATES:
        if (!m->have_label_dates && value_len > 0 && value_len < 300) {
            char buf[300];
            memcpy(buf, value, value_len);
            buf[value_len] = '\0';
            if (rpt_parse_dates(buf, r->date_start, r->date_end) == 0)
                m->have_label_dates = 1;
        }
        return 1;
    case F_OVERALL:
    case F_PREVIOUS:
        if (pending_add(m, block, label, label_len, value, value_len, f) < 0)
            return -1;
        return 1;
    }
    return 0;
}

/* "Label: value" in one short paragraph. */
static int para_label_value(meta_state *m, size_t i)
{
    rpt_block *b = &m->ctx->blocks[i];
    const char *colon;
    if (b->len > 300)
        return 0;
    colon = memchr(b->text, ':', b->len < 80 ? b->len : 80);
    if (colon) {
        int rc = field_take(m, i, b->text, (size_t)(colon - b->text), colon + 1,
                            b->len - (size_t)(colon - b->text) - 1);
        if (rc != 0)
            return rc;
    }
    {
        /* "Inspection dates 8-11 August 2016" (a collapsed table row) */
        static const char *const starts[] = {
            "inspection dates ", "dates of inspection ", "last day of inspection ",
            "inspection date ",
        };
        char f[64];
        size_t k;
        rpt_text_fold(b->text, b->len < 60 ? b->len : 60, f, sizeof f);
        for (k = 0; k < sizeof starts / sizeof starts[0]; k++) {
            size_t l = strlen(starts[k]);
            if (strncmp(f, starts[k], l) == 0 && !m->have_label_dates &&
                b->len < 300) {
                char buf[300];
                memcpy(buf, b->text, b->len);
                buf[b->len] = '\0';
                if (rpt_parse_dates(buf, m->r->date_start, m->r->date_end) == 0) {
                    m->have_label_dates = 1;
                    return 1;
                }
            }
        }
    }
    return 0;
}

/* A table row: label in the first cell, value in the first non-empty cell
 * after it. Rows whose value is a grade are judgements. */
static int row_take(meta_state *m, size_t i)
{
    rpt_block *b = &m->ctx->blocks[i];
    const char *label, *value, *tab, *end = b->text + b->len;
    size_t label_len, value_len;
    int rc;

    label = b->text;
    if (b->flags & RPT_BLK_CONT_ROW) {
        /* "\tPrevious inspection:\tSatisfactory-3" under "Overall
         * effectiveness\tThis inspection:\tGood-2" */
        const char *p = label;
        while (*p == '\t')
            p++;
        tab = strchr(p, '\t');
        if (tab && label_field(p, (size_t)(tab - p)) == F_NONE) {
            char f[64];
            rpt_text_fold(p, (size_t)(tab - p), f, sizeof f);
            if (strcmp(f, "previous inspection") == 0) {
                const char *v = tab + 1;
                while (*v == '\t')
                    v++;
                return pending_add(m, i, "previous inspection", 19, v,
                                   strcspn(v, "\t"), F_PREVIOUS) < 0 ? -1 : 1;
            }
        }
        return 0;
    }
    tab = memchr(label, '\t', b->len);
    label_len = tab ? (size_t)(tab - label) : b->len;
    value = NULL;
    value_len = 0;
    while (tab) {
        const char *c = tab + 1;
        const char *next = memchr(c, '\t', (size_t)(end - c));
        size_t cn = next ? (size_t)(next - c) : (size_t)(end - c);
        const char *cs = c;
        trim(&cs, &cn);
        if (cn > 0) {
            value = cs;
            value_len = cn;
            break;
        }
        tab = next;
    }
    if (!value)
        return 0;
    {
        /* "Overall effectiveness\tThis inspection:\tGood-2" */
        char f[32];
        rpt_text_fold(value, value_len < 30 ? value_len : 30, f, sizeof f);
        if (strcmp(f, "this inspection") == 0) {
            const char *nx = value + value_len;
            while (nx < end && (*nx == '\t' || *nx == ' '))
                nx++;
            if (nx < end) {
                value = nx;
                value_len = strcspn(nx, "\t");
            }
        }
    }
    rc = field_take(m, i, label, label_len, value, value_len);
    if (rc < 0)
        return -1;
    if (rc == 0 && label_len > 0) {
        size_t words = count_words(label, label_len);
        char vb[64];
        const char *g = NULL;
        if (value_len < sizeof vb) {
            memcpy(vb, value, value_len);
            vb[value_len] = '\0';
            g = rpt_grade_slug(vb);
        }
        /* a monitoring theme: "Question?<TAB>Reasonable progress"; the
         * question stays as text */
        if (g && is_progress(g) && words <= 80) {
            if (pending_add(m, i, label, label_len, value, value_len, F_NONE) < 0)
                return -1;
            return 0;
        }
        if (words <= 14 &&
            pending_add(m, i, label, label_len, value, value_len, F_NONE) < 0)
            return -1;
    }
    return 1;
}

static int folded_starts(const char *s, size_t n, const char *prefix)
{
    char f[128];
    rpt_text_fold(s, n < 120 ? n : 120, f, sizeof f);
    return strncmp(f, prefix, strlen(prefix)) == 0;
}

static int prefix_nocase(const char *s, const char *lit, size_t l);

/* A kind line that names the provider after a colon ("Monitoring visit
 * report: NAME", "Monitoring visit: NAME", "Inspection report: NAME"),
 * but not a heading of that shape ("Monitoring visit: main findings"). */
static int names_after_colon(const char *s, size_t n)
{
    static const char *const prefixes[] = {
        "monitoring visit report:", "monitoring visit:", "inspection report:",
    };
    while (n > 0 && is_space((unsigned char)*s))
        s++, n--;
    for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++) {
        size_t l = strlen(prefixes[k]);
        if (n <= l || !prefix_nocase(s, prefixes[k], l))
            continue;
        char f[128];
        rpt_text_fold(s + l, n - l, f, sizeof f);
        return f[0] != '\0' && strncmp(f, "main findings", 13) != 0 &&
               strcmp(f, "themes") != 0 && strncmp(f, "context", 7) != 0;
    }
    return 0;
}

/* Kind from a short header line. */
static const char *kind_of_line(const char *s, size_t n)
{
    char f[160];
    if (n > 150)
        return NULL;
    rpt_text_fold(s, n, f, sizeof f);
    if (strstr(f, "new provider monitoring visit"))
        return "new-provider-monitoring";
    if (strncmp(f, "short inspection of", 19) == 0)
        return "short";
    if (strstr(f, "monitoring visit") || strstr(f, "monitoring report") ||
        strstr(f, "interim visit") || strstr(f, "reinspection monitoring"))
        return "monitoring";
    if (strncmp(f, "report card", 11) == 0)
        return "full";
    if (strncmp(f, "inspection of ", 14) == 0 || strcmp(f, "inspection report") == 0 ||
        strstr(f, "further education and skills inspection report") ||
        strncmp(f, "inspection report ", 18) == 0)
        return "full";
    return NULL;
}

/* Does a folded line start the way a bare provider-type line does
 * ("independent learning provider", "dance and drama college")? */
static int starts_like_type(const char *f)
{
    static const char *const first_words[] = {
        "independent", "general", "sixth", "local", "dance", "tertiary",
        "land", "specialist", "employer", "adult", "higher", "16", "prison",
        "young", "private", "community", "further", "work", "national",
        "college", "academy", "the college", "a ", "an ",
    };
    for (size_t k = 0; k < sizeof first_words / sizeof first_words[0]; k++) {
        size_t l = strlen(first_words[k]);
        if (strncmp(f, first_words[k], l) == 0 &&
            (f[l] == '\0' || f[l] == ' ' || f[l] == '-' ||
             first_words[k][l - 1] == ' '))
            return 1;
    }
    return 0;
}

/* Lines that are never the provider's name. */
static int line_not_name(const char *s, size_t n)
{
    static const char *const not_names[] = {
        "adult learning inspectorate", "ofsted", "office for standards",
        "inspection report", "report card", "further education and skills",
        "monitoring visit", "interim visit", "short inspection",
        "her majestys", "his majestys", "inspection of", "contents",
        "progress monitoring", "published",
    };
    char f[128];
    size_t k;
    char buf[160], a[11], z[11];
    rpt_text_fold(s, n < 120 ? n : 120, f, sizeof f);
    for (k = 0; k < sizeof not_names / sizeof not_names[0]; k++)
        if (strncmp(f, not_names[k], strlen(not_names[k])) == 0)
            return 1;
    if (n < sizeof buf) {
        memcpy(buf, s, n);
        buf[n] = '\0';
        if (rpt_parse_dates(buf, a, z) == 0)
            return 1;
    }
    return memchr(s, ':', n) != NULL;
}

static int is_alnum_c(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int prefix_nocase_any(const char *s, const char *w, size_t l)
{
    size_t i;
    for (i = 0; i < l; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)w[i];
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (unsigned char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

static int prefix_nocase(const char *s, const char *lit, size_t l)
{
    size_t i;
    for (i = 0; i < l; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (c != (unsigned char)lit[i])
            return 0;
    }
    return 1;
}

/* Strip "Inspection of", "Short inspection of" and a trailing date from a
 * title-like line; returns the name part. */
static void name_from_line(const char *s, size_t n, const char **out, size_t *out_len)
{
    static const char *const prefixes[] = {
        "short inspection of ", "inspection of ", "interim visit to ",
        "monitoring visit to ", "inspection report: ",
        "inspection report ", "monitoring visit report: ",
        "monitoring visit: ", "monitoring visit report ",
    };
    size_t k;
    trim(&s, &n);
    for (k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++) {
        size_t l = strlen(prefixes[k]);
        if (n > l && prefix_nocase(s, prefixes[k], l)) {
            s += l;
            n -= l;
            break;
        }
    }
    if (n < 300) {
        char buf[300], a[11], z[11];
        size_t at, until;
        memcpy(buf, s, n);
        buf[n] = '\0';
        if (rpt_dates_find(buf, a, z, &at, &until) == 0 && at > 0) {
            n = at;
            while (n > 0 && (is_space((unsigned char)s[n - 1]) || s[n - 1] == ',' ||
                             s[n - 1] == '-'))
                n--;
        }
    }
    trim(&s, &n);
    *out = s;
    *out_len = n;
}

static int contains_folded(const char *s, size_t n, const char *needle)
{
    char f[2048];
    rpt_text_fold(s, n < 2000 ? n : 2000, f, sizeof f);
    return strstr(f, needle) != NULL;
}

/* Grade stated in a sentence: "This is a good provider", "This provider
 * continues to be good", "Overall, the effectiveness of the college is
 * judged to be satisfactory". */
static const char *grade_in_prose(const char *s, size_t n)
{
    static const struct { const char *phrase; const char *slug; } ph[] = {
        {"this is an outstanding provider", "outstanding"},
        {"this is a good provider", "good"},
        {"this is an inadequate provider", "inadequate"},
        {"this provider requires improvement", "requires-improvement"},
        {"this provider is inadequate", "inadequate"},
        {"this is an outstanding college", "outstanding"},
        {"this is a good college", "good"},
        {"this is an inadequate college", "inadequate"},
        {"this college requires improvement", "requires-improvement"},
        {"continues to be outstanding", "outstanding"},
        {"continues to be good", "good"},
        {"provider continues to be good", "good"},
        {"overall effectiveness is outstanding", "outstanding"},
        {"overall effectiveness is good", "good"},
        {"overall effectiveness is inadequate", "inadequate"},
        {"overall effectiveness requires improvement", "requires-improvement"},
        {"overall effectiveness is satisfactory", "satisfactory"},
    };
    char f[2048];
    size_t k;
    rpt_text_fold(s, n < 2000 ? n : 2000, f, sizeof f);
    for (k = 0; k < sizeof ph / sizeof ph[0]; k++)
        if (strstr(f, ph[k].phrase))
            return ph[k].slug;
    /* "the effectiveness of the college is judged to be satisfactory",
     * "the overall effectiveness of provision is good" */
    {
        const char *p = strstr(f, "effectiveness of the ");
        if (!p)
            p = strstr(f, "overall effectiveness of ");
        if (p) {
            const char *q = strstr(p, " is ");
            if (q && q - p < 60) {
                char w[64];
                size_t l;
                q += 4;
                if (strncmp(q, "judged to be ", 13) == 0)
                    q += 13;
                else if (strncmp(q, "judged ", 7) == 0)
                    q += 7;
                l = strcspn(q, " ");
                if (strncmp(q, "very weak", 9) == 0)
                    l = 9;
                if (strncmp(q, "requires improvement", 20) == 0)
                    l = 20;
                if (l < sizeof w) {
                    memcpy(w, q, l);
                    w[l] = '\0';
                    return rpt_grade_slug(w);
                }
            }
        }
    }
    return NULL;
}

/* "At the previous inspection ... was judged to be satisfactory", "since it
 * was judged to require improvement at its full inspection": the grade
 * of the last inspection, from the first sentence that names it. */
static const char *previous_in_prose(const char *s, size_t n)
{
    char f[4096];
    const char *sent;
    rpt_text_fold(s, n < 4000 ? n : 4000, f, sizeof f);
    if (!strstr(f, "judged"))
        return NULL;
    /* fold dropped the full stops: work on the raw text by sentence */
    sent = s;
    while (sent < s + n) {
        const char *end = sent;
        char g[1024];
        const char *p;
        while (end < s + n && !(*end == '.' && (end + 1 == s + n || end[1] == ' ')))
            end++;
        rpt_text_fold(sent, (size_t)(end - sent), g, sizeof g);
        if ((strstr(g, "previous inspection") || strstr(g, "last inspection") ||
             strstr(g, "since it was judged") || strstr(g, "full inspection")) &&
            (p = strstr(g, "judged ")) != NULL) {
            static const struct { const char *w; const char *slug; } words[] = {
                {"to require improvement", "requires-improvement"},
                {"to be requires improvement", "requires-improvement"},
                {"requires improvement", "requires-improvement"},
                {"to be outstanding", "outstanding"}, {"outstanding", "outstanding"},
                {"to be good", "good"}, {"good", "good"},
                {"to be satisfactory", "satisfactory"}, {"satisfactory", "satisfactory"},
                {"to be inadequate", "inadequate"}, {"inadequate", "inadequate"},
                {"to be unsatisfactory", "unsatisfactory"},
                {"unsatisfactory", "unsatisfactory"},
                {"as good", "good"}, {"as outstanding", "outstanding"},
                {"as satisfactory", "satisfactory"}, {"as inadequate", "inadequate"},
            };
            size_t k;
            p += 7;
            for (k = 0; k < sizeof words / sizeof words[0]; k++) {
                size_t l = strlen(words[k].w);
                if (strncmp(p, words[k].w, l) == 0 &&
                    strncmp(p + l, " or better", 10) != 0)
                    return words[k].slug;
            }
        }
        sent = end + 1;
    }
    return NULL;
}

/* Organisation names in a non-report: capitalised words ending in a word
 * such as Ltd, College or Council. The one the text keeps coming back to
 * (by its first word) is what the document is about. */
static int is_org_suffix(const char *w, size_t n)
{
    static const char *const suf[] = {
        "ltd", "limited", "plc", "college", "council", "academy", "trust",
        "university", "group", "partnership",
    };
    size_t k, i;
    for (k = 0; k < sizeof suf / sizeof suf[0]; k++) {
        size_t l = strlen(suf[k]);
        if (l != n)
            continue;
        for (i = 0; i < n; i++) {
            char c = w[i];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != suf[k][i])
                break;
        }
        if (i == n)
            return 1;
    }
    return 0;
}

static size_t count_word_mentions(const rpt_block *bl, size_t nb, const char *w,
                                  size_t wl)
{
    size_t i, c = 0;
    for (i = 0; i < nb; i++) {
        const char *t = bl[i].text, *e = t + bl[i].len, *p = t;
        while (p + wl <= e) {
            if (prefix_nocase_any(p, w, wl) &&
                (p == t || !is_alnum_c((unsigned char)p[-1])) &&
                (p + wl == e || !is_alnum_c((unsigned char)p[wl])))
                c++;
            p++;
        }
    }
    return c;
}

static int org_name_guess(const rpt_block *bl, size_t nb, char *out, size_t cap)
{
    char best[128] = "", second_first[64] = "";
    size_t best_score = 0, second_score = 0, i;
    char seen_first[16][48];
    size_t n_seen = 0;

    for (i = 0; i < nb && i < 400; i++) {
        const char *t = bl[i].text, *e = t + (bl[i].len < 20000 ? bl[i].len : 20000);
        const char *p = t;
        while (p < e) {
            /* a run of capitalised words */
            const char *ws[8];
            size_t wn[8], k = 0;
            const char *q = p;
            while (q < e && k < 8) {
                const char *w = q;
                while (q < e && is_alnum_c((unsigned char)*q))
                    q++;
                if (q == w || !(*w >= 'A' && *w <= 'Z')) {
                    if (q == w)
                        q++;
                    break;
                }
                ws[k] = w;
                wn[k] = (size_t)(q - w);
                k++;
                if (q < e && *q == ' ')
                    q++;
                else
                    break;
            }
            if (k >= 2 && is_org_suffix(ws[k - 1], wn[k - 1])) {
                size_t a = 0, score, s;
                char name[128];
                size_t o = 0;
                {
                    static const char *const lead[] = {
                        "the", "this", "that", "our", "its", "their", "a", "an",
                        "at", "in", "of", "from", "for", "by", "to", "and",
                    };
                    size_t z;
                    for (z = 0; z < sizeof lead / sizeof lead[0]; z++)
                        if (wn[0] == strlen(lead[z]) &&
                            prefix_nocase_any(ws[0], lead[z], wn[0]))
                            a = 1;
                }
                /* the subject is named in the headline or the opening
                 * paragraphs, not first in a fact box at the end */
                if (k - a >= 2 && wn[a] < 40) {
                    int dup = 0;
                    for (s = 0; s < n_seen; s++)
                        if (strlen(seen_first[s]) == wn[a] &&
                            prefix_nocase_any(ws[a], seen_first[s], wn[a]))
                            dup = 1;
                    if (!dup && n_seen < 16) {
                        memcpy(seen_first[n_seen], ws[a], wn[a]);
                        seen_first[n_seen][wn[a]] = '\0';
                        n_seen++;
                        score = count_word_mentions(bl, nb, ws[a], wn[a]);
                        for (s = a; s < k && o + wn[s] + 2 < sizeof name; s++) {
                            size_t c;
                            int caps = 1;
                            for (c = 1; c < wn[s]; c++)
                                if (ws[s][c] >= 'a' && ws[s][c] <= 'z')
                                    caps = 0;
                            if (o)
                                name[o++] = ' ';
                            for (c = 0; c < wn[s]; c++) {
                                char ch = ws[s][c];
                                /* "HARBOURSIDE BOROUGH COUNCIL" */
                                if (caps && wn[s] > 3 && c > 0 && ch >= 'A' && ch <= 'Z')
                                    ch = (char)(ch - 'A' + 'a');
                                name[o++] = ch;
                            }
                        }
                        name[o] = '\0';
                        if (i >= 6)
                            score = 0;   /* counted as a name, never chosen */
                        if (score > best_score) {
                            second_score = best_score;
                            memcpy(second_first, best, sizeof second_first - 1);
                            best_score = score;
                            memcpy(best, name, o + 1);
                        } else if (score > second_score) {
                            second_score = score;
                        }
                    }
                }
            }
            p = q > p ? q : p + 1;
        }
    }
    (void)second_first;
    /* a digest of several stories names many: none is "the" subject */
    if (best_score >= 3 && best_score >= 2 * second_score && n_seen <= 2 &&
        strlen(best) < cap) {
        strcpy(out, best);
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------ profile */

/* Learners and area: what `insearch similar` compares. Both are read only
 * from inspection reports (an article or minutes may count someone else's
 * learners), and conservatively: a number counts only when a learner noun
 * follows it, never a year, percentage, URN, sum of money or staff count.
 *
 * learners: a labelled row or line ("Approximate number of all learners
 * over the previous full contract year", "Number of learners", "Number of
 * apprentices", in that order of preference; a total cell wins, otherwise
 * the counts of the row and its continuation rows are added: "Full-time:
 * 1,790" / "Part-time: 6,350"); else the first prose sentence that states
 * the provider's size ("at the time of", "enrolled", "there were", "had
 * 588 apprentices") summing its counts up to a colon or "including" (what
 * follows is a breakdown), plus later sentences of the same paragraph that
 * add a cohort with "also". "45% of the 1,200 learners" is an outcome, not
 * a size: a count after "of" is not read.
 *
 * area: the postcode area (the outward code's letters) of the address in
 * an "Address" row or line and its continuation lines, else of a letter's
 * address block naming the provider; else the town: the last line of that
 * address that is not a county, or the place named in the sentence that
 * describes the provider ("NAME is a ... based in Kirkstall, Leeds" gives
 * "Leeds", "... college in Aldermoor, Derbyshire" gives "Aldermoor": of a
 * comma list the last place that is not a county or region; the place
 * follows "in", "near", "town of", "city of" or "centre of"). */

static int is_digit_c(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int is_upper_c(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

/* Does s (length n) start with word w, case-insensitively, as a whole
 * word? */
static int word_is(const char *s, size_t n, const char *w)
{
    size_t l = strlen(w);
    return n >= l && prefix_nocase_any(s, w, l) &&
           (n == l || !is_alnum_c((unsigned char)s[l]));
}

static int in_list(const char *s, size_t n, const char *const *list, size_t nl)
{
    size_t k;
    for (k = 0; k < nl; k++)
        if (strlen(list[k]) == n && prefix_nocase_any(s, list[k], n))
            return 1;
    return 0;
}

/* A UK postcode at s: "LS5 3BW", "B15 2TT", "EC1A 1BB". Returns its length
 * and the length of the area letters, or 0. */
static size_t postcode_at(const char *s, size_t n, size_t *area_len)
{
    size_t i = 0, a;
    while (i < n && i < 2 && is_upper_c((unsigned char)s[i]))
        i++;
    a = i;
    if (a == 0 || i >= n || !is_digit_c((unsigned char)s[i]))
        return 0;
    i++;
    if (i < n && (is_digit_c((unsigned char)s[i]) || is_upper_c((unsigned char)s[i])))
        i++;
    if (i >= n || s[i] != ' ')
        return 0;
    while (i < n && s[i] == ' ')
        i++;
    if (i + 3 > n || !is_digit_c((unsigned char)s[i]) ||
        !is_upper_c((unsigned char)s[i + 1]) || !is_upper_c((unsigned char)s[i + 2]))
        return 0;
    i += 3;
    if (i < n && is_alnum_c((unsigned char)s[i]))
        return 0;
    *area_len = a;
    return i;
}

/* The area letters of the last postcode in s[0..n), copied to out. */
static int postcode_area(const char *s, size_t n, char out[3])
{
    size_t i, al, found = 0;
    for (i = 0; i < n; i++) {
        if (i > 0 && is_alnum_c((unsigned char)s[i - 1]))
            continue;
        if (postcode_at(s + i, n - i, &al)) {
            memcpy(out, s + i, al);
            out[al] = '\0';
            found = 1;
        }
    }
    return (int)found;
}

static int ends_with_postcode(const char *s, size_t n)
{
    size_t i, al, l;
    while (n > 0 && (is_space((unsigned char)s[n - 1]) || s[n - 1] == '.'))
        n--;
    for (i = n >= 9 ? n - 9 : 0; i + 5 <= n; i++) {
        if (i > 0 && is_alnum_c((unsigned char)s[i - 1]))
            continue;
        l = postcode_at(s + i, n - i, &al);
        if (l && i + l == n)
            return 1;
    }
    return 0;
}

/* Counties, regions and countries: the end of "Aldermoor, Derbyshire" that
 * is not the town. */
static int is_county(const char *s, size_t n)
{
    static const char *const names[] = {
        "Cornwall", "Devon", "Dorset", "Essex", "Kent", "Norfolk", "Suffolk",
        "Surrey", "Somerset", "Rutland", "Northumberland", "Cumbria",
        "Merseyside", "Sussex", "Greater London", "Greater Manchester",
        "West Midlands", "East Midlands", "Tyne and Wear", "Isle of Wight",
        "County Durham", "England", "Wales", "Scotland", "Northern Ireland",
        "United Kingdom", "UK", "North West", "North East", "South West",
        "South East", "Yorkshire and the Humber", "East Anglia",
        "Teesside", "Humberside", "Avon", "Cleveland",
    };
    static const char *const quarters[] = {"North ", "South ", "East ", "West "};
    size_t k;
    if (n >= 5 && prefix_nocase_any(s + n - 5, "shire", 5))
        return 1;   /* Derbyshire, North Yorkshire, East Riding of Yorkshire */
    if (in_list(s, n, names, sizeof names / sizeof names[0]))
        return 1;
    for (k = 0; k < 4; k++) {
        size_t l = strlen(quarters[k]);
        if (n > l && prefix_nocase_any(s, quarters[k], l) &&
            in_list(s + l, n - l, names, sizeof names / sizeof names[0]))
            return 1;
    }
    return 0;
}

static int is_month(const char *s, size_t n)
{
    static const char *const m[] = {
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    };
    return in_list(s, n, m, sizeof m / sizeof m[0]);
}

/* Place names at s: capitalised words ("Great Yarmouth", "St Philips",
 * "Newcastle upon Tyne") separated by ", ". Picks the last that is not a
 * county (or the only one). Returns its length and start, or 0. */
static size_t place_at(const char *s, size_t n, const char **out)
{
    static const char *const countries[] = {
        "England", "Wales", "Scotland", "UK", "United Kingdom", "Britain",
    };
    const char *best = NULL;
    size_t best_n = 0, i = 0;
    const char *first = NULL;
    size_t first_n = 0;
    int items = 0;
    while (i < n && items < 4) {
        size_t st = i, words = 0, end = i;
        while (i < n) {
            size_t w = i;
            int joiner = 0;
            if (words > 0 && (word_is(s + i, n - i, "upon") || word_is(s + i, n - i, "on") ||
                              word_is(s + i, n - i, "under") || word_is(s + i, n - i, "le"))) {
                size_t j = i;
                while (j < n && s[j] != ' ')
                    j++;
                if (j + 1 < n && is_upper_c((unsigned char)s[j + 1]))
                    joiner = 1;
            }
            if (!joiner && !is_upper_c((unsigned char)s[i]))
                break;
            while (i < n && (is_alnum_c((unsigned char)s[i]) || s[i] == '-' ||
                             s[i] == '\''))
                i++;
            if (i < n && s[i] == '.' && i - w <= 2)   /* "St." */
                i++;
            words++;
            end = i;
            if (i + 1 < n && s[i] == ' ' &&
                (is_upper_c((unsigned char)s[i + 1]) || word_is(s + i + 1, n - i - 1, "upon") ||
                 word_is(s + i + 1, n - i - 1, "on") || word_is(s + i + 1, n - i - 1, "under") ||
                 word_is(s + i + 1, n - i - 1, "le")))
                i++;
            else
                break;
            if (words >= 5)
                break;
        }
        if (words == 0 || words >= 5)
            break;
        if (is_month(s + st, end - st) || word_is(s + st, end - st, "The"))
            break;
        if (!first) {
            first = s + st;
            first_n = end - st;
        }
        if (!is_county(s + st, end - st)) {
            best = s + st;
            best_n = end - st;
        }
        items++;
        i = end;
        if (i + 2 < n && s[i] == ',' && s[i + 1] == ' ' && is_upper_c((unsigned char)s[i + 2]))
            i += 2;
        else
            break;
    }
    if (!best && items == 1 && first && !in_list(first, first_n, countries,
                                                  sizeof countries / sizeof countries[0])) {
        best = first;   /* "a college in Kent": the county is all we have */
        best_n = first_n;
    }
    *out = best;
    return best ? best_n : 0;
}

/* ---- counting learners ---- */

/* A count at s[i]: digits with optional thousands commas, not part of a
 * year, range, percentage, fraction, level, age or sum of money. Returns
 * its length and value, or 0. */
static size_t count_at(const char *s, size_t n, size_t i, unsigned long *value)
{
    size_t j = i, digits = 0;
    unsigned long v = 0;
    int comma = 0;
    if (i > 0) {
        unsigned char p = (unsigned char)s[i - 1];
        if (is_alnum_c(p) || p == '-' || p == '/' || p == '.' || p == ',' ||
            p == '$' || p == '#')
            return 0;
        if (i >= 2 && (unsigned char)s[i - 2] == 0xC2 && p == 0xA3)
            return 0;   /* '£' */
    }
    while (j < n && is_digit_c((unsigned char)s[j]) && digits < 7) {
        v = v * 10 + (unsigned long)(s[j] - '0');
        j++;
        digits++;
    }
    if (digits == 0)
        return 0;
    while (j + 3 < n && s[j] == ',' && is_digit_c((unsigned char)s[j + 1]) &&
           is_digit_c((unsigned char)s[j + 2]) && is_digit_c((unsigned char)s[j + 3]) &&
           (j + 4 >= n || !is_digit_c((unsigned char)s[j + 4])) && digits <= 3) {
        v = v * 1000 + (unsigned long)((s[j + 1] - '0') * 100 + (s[j + 2] - '0') * 10 +
                                       (s[j + 3] - '0'));
        j += 4;
        comma = 1;
    }
    if (j < n && (s[j] == '-' || s[j] == '%' || s[j] == '/' || s[j] == '+' ||
                  is_alnum_c((unsigned char)s[j]) ||
                  (s[j] == '.' && j + 1 < n && is_digit_c((unsigned char)s[j + 1]))))
        return 0;
    if (!comma && digits > 4)
        return 0;   /* a URN, a telephone number */
    if (!comma && digits == 4 && v >= 1900 && v <= 2099)
        return 0;   /* a year */
    /* the word before: "level 3", "aged 16", "URN 130611", "45% of the 1,200" */
    {
        static const char *const before[] = {
            "level", "levels", "aged", "age", "ages", "to", "urn", "year",
            "years", "grade", "grades", "page", "stage", "number", "of", "the",
            "no", "entry", "key",
        };
        size_t e = i, b;
        while (e > 0 && s[e - 1] == ' ')
            e--;
        b = e;
        while (b > 0 && is_alnum_c((unsigned char)s[b - 1]))
            b--;
        if (e > b && in_list(s + b, e - b, before, sizeof before / sizeof before[0])) {
            /* "a total of 1,200", "the 48 learners with high needs" are
             * not sizes either, except after "total of" */
            size_t e2 = b, b2;
            if (!(word_is(s + b, e - b, "of") || word_is(s + b, e - b, "the")))
                return 0;
            while (e2 > 0 && s[e2 - 1] == ' ')
                e2--;
            b2 = e2;
            while (b2 > 0 && is_alnum_c((unsigned char)s[b2 - 1]))
                b2--;
            if (!(word_is(s + b, e - b, "of") && word_is(s + b2, e2 - b2, "total")))
                return 0;
        }
    }
    *value = v;
    return j - i;
}

/* Is a learner noun attached to the count ending at s[j]? Up to three
 * modifiers may come between ("1,460 adult learners", "1,960 full-time
 * students"). Returns the position after the noun, or 0. */
static size_t noun_after(const char *s, size_t n, size_t j)
{
    static const char *const nouns[] = {
        "learner", "learners", "apprentice", "apprentices", "student",
        "students", "trainee", "trainees", "prisoner", "prisoners", "adults",
    };
    static const char *const mods[] = {
        "adult", "young", "modern", "advanced", "intermediate", "higher",
        "degree", "new", "current", "residential", "enrolled", "active",
        "other", "more", "additional", "international", "female", "male",
        "mature", "older", "younger", "day", "evening", "weekend", "funded",
        "registered",
    };
    size_t mods_seen = 0;
    int young = 0;
    while (mods_seen <= 3) {
        size_t w, e;
        int hyphen = 0, alpha = 1;
        while (j < n && s[j] == ' ')
            j++;
        w = j;
        while (j < n && (is_alnum_c((unsigned char)s[j]) || s[j] == '-')) {
            if (s[j] == '-')
                hyphen = 1;
            else if (is_digit_c((unsigned char)s[j]))
                alpha = 0;
            j++;
        }
        e = j;
        if (e == w || !alpha)
            return 0;
        if (in_list(s + w, e - w, nouns, sizeof nouns / sizeof nouns[0]))
            return e;
        if (young && word_is(s + w, e - w, "people") && e - w == 6)
            return e;
        if (mods_seen == 3)
            return 0;
        if (in_list(s + w, e - w, mods, sizeof mods / sizeof mods[0]) ||
            (hyphen && s[w] != '-' && s[e - 1] != '-')) {
            young = word_is(s + w, e - w, "young") && e - w == 5;
            mods_seen++;
            continue;
        }
        return 0;
    }
    return 0;
}

/* Does the word before position i (skipping "around", "about" ...) say the
 * provider has the count: "had 588", "It has around 310", "teaches 74"? */
static int verb_before(const char *s, size_t i)
{
    static const char *const approx[] = {
        "around", "about", "approximately", "roughly", "some", "over",
        "nearly", "almost", "just", "circa", "than", "more", "fewer",
    };
    static const char *const verbs[] = {
        "has", "had", "have", "teaches", "taught", "trains", "trained",
        "serves", "served", "supports", "enrolled", "enrols", "enrolling",
        "enrol", "recruited",
    };
    size_t guard = 0;
    while (guard++ < 4) {
        size_t e = i, b;
        while (e > 0 && s[e - 1] == ' ')
            e--;
        b = e;
        while (b > 0 && is_alnum_c((unsigned char)s[b - 1]))
            b--;
        if (b == e)
            return 0;
        if (in_list(s + b, e - b, verbs, sizeof verbs / sizeof verbs[0]))
            return 1;
        if (!in_list(s + b, e - b, approx, sizeof approx / sizeof approx[0]))
            return 0;
        i = b;
    }
    return 0;
}

static int sentence_has(const char *s, size_t n, const char *needle)
{
    size_t l = strlen(needle), i;
    for (i = 0; i + l <= n; i++)
        if (prefix_nocase_any(s + i, needle, l) &&
            (i == 0 || !is_alnum_c((unsigned char)s[i - 1])))
            return 1;
    return 0;
}

/* Sum of the learner counts of one sentence; *has_verb tells whether one
 * of them follows a verb of having. Stops at a colon or "including" once a
 * count is taken: what follows breaks it down. */
static unsigned long sentence_count(const char *s, size_t n, int *has_verb)
{
    unsigned long sum = 0, v;
    size_t i = 0, l;
    int taken = 0;
    *has_verb = 0;
    while (i < n) {
        if (taken && (s[i] == ':' || s[i] == '(' ||
                      (i > 0 && s[i - 1] == ' ' && word_is(s + i, n - i, "including"))))
            break;
        if (is_digit_c((unsigned char)s[i]) && (l = count_at(s, n, i, &v)) > 0) {
            size_t after = noun_after(s, n, i + l);
            if (after) {
                if (sum + v >= sum)
                    sum += v;
                taken = 1;
                if (verb_before(s, i))
                    *has_verb = 1;
                i = after;
                continue;
            }
            i += l;
            continue;
        }
        i++;
    }
    return sum;
}

/* Is this sentence about the inspection itself ("Inspectors interviewed 71
 * learners")? */
static int sentence_about_inspection(const char *s, size_t n)
{
    static const char *const words[] = {
        "inspector", "interview", "observed", "spoke to", "spoke with",
        "surveyed", "sampled", "responded", "questionnaire", "met with",
    };
    size_t k;
    for (k = 0; k < sizeof words / sizeof words[0]; k++)
        if (sentence_has(s, n, words[k]))
            return 1;
    return 0;
}

static int sentence_states_size(const char *s, size_t n)
{
    static const char *const cues[] = {
        "at the time of", "enrolled", "enrols", "there were", "there are",
        "in learning", "on roll", "on programme",
    };
    size_t k;
    for (k = 0; k < sizeof cues / sizeof cues[0]; k++)
        if (sentence_has(s, n, cues[k]))
            return 1;
    return 0;
}

/* Next sentence of s[*pos..n): sets *st and returns its length; 0 at the
 * end. Sentences end at ". " (or ! ?) before a capital or digit. */
static size_t sentence_next(const char *s, size_t n, size_t *pos, size_t *st)
{
    size_t i = *pos;
    while (i < n && is_space((unsigned char)s[i]))
        i++;
    if (i >= n)
        return 0;
    *st = i;
    while (i < n) {
        if ((s[i] == '.' || s[i] == '!' || s[i] == '?') &&
            (i + 1 == n || (s[i + 1] == ' ' && i + 2 < n &&
                            (is_upper_c((unsigned char)s[i + 2]) ||
                             is_digit_c((unsigned char)s[i + 2]))))) {
            i++;
            break;
        }
        i++;
    }
    *pos = i;
    return i - *st;
}

/* Skip a leading "1. " paragraph number or bullet. */
static size_t lead_skip(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && is_digit_c((unsigned char)s[i]) && i < 3)
        i++;
    if (i > 0 && i + 1 < n && s[i] == '.' && s[i + 1] == ' ')
        return i + 2;
    return 0;
}

/* Learners from prose: see the comment at the top of this part. */
static unsigned long learners_in_prose(const rpt_block *bl, size_t nb)
{
    size_t i;
    for (i = 0; i < nb; i++) {
        const char *t = bl[i].text;
        size_t n = bl[i].len, pos, st, sl;
        unsigned long total = 0;
        int found = 0;
        if (bl[i].kind != RPT_BLK_PARA || n > 20000)
            continue;
        pos = lead_skip(t, n);
        while ((sl = sentence_next(t, n, &pos, &st)) > 0) {
            int verb;
            unsigned long c;
            if (sentence_about_inspection(t + st, sl))
                continue;
            if (!found) {
                c = sentence_count(t + st, sl, &verb);
                if (c > 0 && (verb || sentence_states_size(t + st, sl))) {
                    total = c;
                    found = 1;
                }
            } else if (sentence_has(t + st, sl, "also")) {
                c = sentence_count(t + st, sl, &verb);
                if (total + c >= total)
                    total += c;
            }
        }
        if (found)
            return total;
    }
    return 0;
}

/* Labels of size rows, best first. */
static int learners_label_rank(const char *s, size_t n)
{
    static const struct { const char *folded; int rank; } size_labels[] = {
        {"approximate number of all learners over the previous full contract year", 1},
        {"approximate number of learners over the previous full contract year", 1},
        {"approximate number of all learners over previous full contract year", 1},
        {"approximate number of all learners", 1},
        {"number of all learners over the previous full contract year", 1},
        {"number of learners", 2}, {"total number of learners", 2},
        {"number of learners and apprentices", 2}, {"number of enrolled learners", 2},
        {"total learners", 2}, {"number of students", 2},
        {"total number of students", 2}, {"number of trainees", 2},
        {"number of learners in learning", 2}, {"number of prisoners in learning", 2},
        {"number of apprentices", 3}, {"total number of apprentices", 3},
        {"number of apprentices in learning", 3},
    };
    char f[160];
    size_t k;
    if (n > 150)
        return 0;
    rpt_text_fold(s, n, f, sizeof f);
    for (k = 0; k < sizeof size_labels / sizeof size_labels[0]; k++)
        if (strcmp(f, size_labels[k].folded) == 0)
            return size_labels[k].rank;
    return 0;
}

/* Counts of a value: a "Total" cell's number when there is one, else the
 * sum of the cells' numbers (age ranges "16-18", "19+" are not counts). */
typedef struct value_sum {
    unsigned long sum, total;
    int have_total, n;
} value_sum;

static void value_add(value_sum *vs, const char *s, size_t n)
{
    size_t i = 0, l;
    unsigned long v;
    int is_total = sentence_has(s, n, "total");
    while (i < n) {
        if (is_digit_c((unsigned char)s[i]) && (l = count_at(s, n, i, &v)) > 0) {
            if (is_total && !vs->have_total) {
                vs->total = v;
                vs->have_total = 1;
            }
            if (vs->sum + v >= vs->sum)
                vs->sum += v;
            vs->n++;
            i += l;
            continue;
        }
        while (i < n && is_alnum_c((unsigned char)s[i]))
            i++;
        i++;
    }
}

static unsigned long value_result(const value_sum *vs)
{
    return vs->have_total ? vs->total : vs->sum;
}

/* Cells of a row after the first, each added to vs. */
static void row_values(value_sum *vs, const rpt_block *b, int skip_first)
{
    const char *p = b->text, *end = b->text + b->len;
    int first = 1;
    while (p <= end) {
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        const char *ce = tab ? tab : end;
        if (!(first && skip_first))
            value_add(vs, p, (size_t)(ce - p));
        first = 0;
        if (!tab)
            break;
        p = tab + 1;
    }
}

static unsigned long learners_in_labels(const rpt_block *bl, size_t nb)
{
    unsigned long best = 0;
    int best_rank = 99;
    size_t i;
    for (i = 0; i < nb; i++) {
        const rpt_block *b = &bl[i];
        value_sum vs;
        int rank = 0;
        memset(&vs, 0, sizeof vs);
        if (b->kind == RPT_BLK_ROW && !(b->flags & RPT_BLK_CONT_ROW)) {
            const char *tab = memchr(b->text, '\t', b->len);
            size_t k;
            if (!tab)
                continue;
            rank = learners_label_rank(b->text, (size_t)(tab - b->text));
            if (!rank || rank >= best_rank)
                continue;
            row_values(&vs, b, 1);
            for (k = i + 1; k < nb && k < i + 8 && bl[k].kind == RPT_BLK_ROW &&
                            (bl[k].flags & RPT_BLK_CONT_ROW); k++)
                row_values(&vs, &bl[k], 0);
        } else if (b->kind == RPT_BLK_PARA || b->kind == RPT_BLK_HEADING) {
            const char *colon = memchr(b->text, ':', b->len < 120 ? b->len : 120);
            if (colon && (rank = learners_label_rank(b->text, (size_t)(colon - b->text))) > 0) {
                /* "Number of learners: 312" */
                if (rank >= best_rank)
                    continue;
                value_add(&vs, colon + 1, b->len - (size_t)(colon - b->text) - 1);
            } else if ((rank = learners_label_rank(b->text, b->len)) > 0 && i + 1 < nb &&
                       bl[i + 1].kind == RPT_BLK_PARA && bl[i + 1].len <= 60) {
                /* the label line, then its value line */
                if (rank >= best_rank)
                    continue;
                value_add(&vs, bl[i + 1].text, bl[i + 1].len);
            } else {
                continue;
            }
        } else {
            continue;
        }
        if (value_result(&vs) > 0) {
            best = value_result(&vs);
            best_rank = rank;
        }
    }
    return best;
}

/* ---- area ---- */

static int is_address_label(const char *s, size_t n)
{
    static const char *const address_labels[] = {
        "address", "address of college", "address of provider",
        "address of the college", "address of the provider", "provider address",
        "college address", "main address", "head office address",
        "registered address", "address of head office", "address of main site",
        "postal address", "address of institution", "address of organisation",
    };
    char f[64];
    size_t k;
    if (n > 60)
        return 0;
    rpt_text_fold(s, n, f, sizeof f);
    for (k = 0; k < sizeof address_labels / sizeof address_labels[0]; k++)
        if (strcmp(f, address_labels[k]) == 0)
            return 1;
    return 0;
}

/* Area from address lines: a postcode's letters, else the last line that is
 * a town (no digits, not a county). */
static int area_from_lines(const char *const *line, const size_t *len, size_t nl,
                           char *out, size_t cap)
{
    char pc[3];
    size_t k;
    for (k = nl; k > 0; k--)
        if (postcode_area(line[k - 1], len[k - 1], pc)) {
            snprintf(out, cap, "%s", pc);
            return 1;
        }
    if (nl < 2)
        return 0;   /* one line ("Tannery Lane Brackenford ..."): no town */
    for (k = nl; k > 1; k--) {
        const char *s = line[k - 1];
        size_t n = len[k - 1], i;
        int digit = 0;
        trim(&s, &n);
        while (n > 0 && (s[n - 1] == ',' || s[n - 1] == '.'))
            n--;
        for (i = 0; i < n; i++)
            if (is_digit_c((unsigned char)s[i]))
                digit = 1;
        if (n == 0 || digit || is_county(s, n) || !is_upper_c((unsigned char)s[0]))
            continue;
        if (n >= cap)
            return 0;
        memcpy(out, s, n);
        out[n] = '\0';
        return 1;
    }
    return 0;
}

static int area_in_address(const rpt_block *bl, size_t nb, char *out, size_t cap)
{
    size_t i;
    for (i = 0; i < nb; i++) {
        const rpt_block *b = &bl[i];
        const char *line[10];
        size_t len[10], nl = 0, k;
        if (b->kind == RPT_BLK_ROW && !(b->flags & RPT_BLK_CONT_ROW)) {
            const char *tab = memchr(b->text, '\t', b->len), *v;
            if (!tab || !is_address_label(b->text, (size_t)(tab - b->text)))
                continue;
            v = tab;
            while (v < b->text + b->len && (*v == '\t' || *v == ' '))
                v++;
            line[nl] = v;
            len[nl++] = strcspn(v, "\t");
            for (k = i + 1; k < nb && nl < 10 && bl[k].kind == RPT_BLK_ROW &&
                            (bl[k].flags & RPT_BLK_CONT_ROW); k++) {
                const char *c = bl[k].text;
                while (*c == '\t' || *c == ' ')
                    c++;
                line[nl] = c;
                len[nl++] = strcspn(c, "\t");
            }
        } else if (b->kind == RPT_BLK_PARA || b->kind == RPT_BLK_HEADING) {
            const char *colon = memchr(b->text, ':', b->len < 40 ? b->len : 40);
            if (colon && is_address_label(b->text, (size_t)(colon - b->text))) {
                line[nl] = colon + 1;
                len[nl++] = b->len - (size_t)(colon - b->text) - 1;
            } else if (!is_address_label(b->text, b->len)) {
                continue;
            }
            /* the lines that follow, up to the next label */
            for (k = i + 1; k < nb && nl < 10 && bl[k].kind != RPT_BLK_HEADING &&
                            bl[k].len <= 60 && !memchr(bl[k].text, ':', bl[k].len) &&
                            count_words(bl[k].text, bl[k].len) <= 8; k++) {
                const char *c = bl[k].text;
                if (bl[k].kind == RPT_BLK_ROW && !(bl[k].flags & RPT_BLK_CONT_ROW))
                    break;
                while (*c == '\t' || *c == ' ')
                    c++;
                line[nl] = c;
                len[nl++] = strcspn(c, "\t");
                if (ends_with_postcode(c, len[nl - 1]))
                    break;
            }
        } else {
            continue;
        }
        for (k = 0; k < nl; k++)
            trim(&line[k], &len[k]);
        if (area_from_lines(line, len, nl, out, cap))
            return 1;
    }
    return 0;
}

static int contains_nocase(const char *s, size_t n, const char *w)
{
    size_t l = strlen(w), i;
    for (i = 0; i + l <= n; i++)
        if (prefix_nocase_any(s + i, w, l))
            return 1;
    return 0;
}

/* A letter's address block ("Fenwick Sixth Form College / Mill Lane / ... /
 * DE71 3HN") near the top: it ends in a postcode and the provider's name
 * is in it or in the short lines just before it; the inspectorate's own
 * address is not the provider's. */
static int area_in_letter(const rpt_block *bl, size_t nb, const char *provider,
                          char *out, size_t cap)
{
    size_t i, pl = strlen(provider);
    if (pl == 0)
        return 0;
    for (i = 0; i < nb && i < 30; i++) {
        size_t k;
        char pc[3];
        if (bl[i].kind == RPT_BLK_ROW || bl[i].len > 300 ||
            !ends_with_postcode(bl[i].text, bl[i].len))
            continue;
        for (k = i + 1; k > 0 && k + 6 > i + 1; k--) {
            const rpt_block *p = &bl[k - 1];
            if (p->len > 300 || contains_nocase(p->text, p->len, "inspectorate") ||
                contains_nocase(p->text, p->len, "ofsted") ||
                contains_nocase(p->text, p->len, "office for standards"))
                break;
            if (contains_nocase(p->text, p->len, provider)) {
                if (postcode_area(bl[i].text, bl[i].len, pc)) {
                    snprintf(out, cap, "%s", pc);
                    return 1;
                }
                break;
            }
        }
    }
    return 0;
}

/* The sentence that describes the provider: "NAME is a ... in PLACE". */
static int area_in_prose(const rpt_block *bl, size_t nb, const char *provider,
                         char *out, size_t cap)
{
    size_t i, pl = strlen(provider);
    if (pl == 0)
        return 0;
    for (i = 0; i < nb; i++) {
        const char *t = bl[i].text;
        size_t n = bl[i].len, pos, st, sl;
        if ((bl[i].kind != RPT_BLK_PARA && bl[i].kind != RPT_BLK_BULLET) || n > 20000)
            continue;
        pos = lead_skip(t, n);
        while ((sl = sentence_next(t, n, &pos, &st)) > 0) {
            const char *s = t + st, *isa = NULL;
            size_t k;
            if (sl <= pl || !prefix_nocase_any(s, provider, pl))
                continue;
            for (k = pl; k + 6 <= sl; k++)
                if (memcmp(s + k, " is a ", 6) == 0 || memcmp(s + k, " is an ", 7) == 0) {
                    isa = s + k;
                    break;
                }
            if (!isa)
                continue;
            for (k = (size_t)(isa - s); k < sl; k++) {
                static const char *const cues[] = {" in ", " near ", " town of ",
                                                   " city of ", " centre of "};
                size_t c;
                for (c = 0; c < sizeof cues / sizeof cues[0]; c++) {
                    size_t l = strlen(cues[c]);
                    const char *place;
                    size_t pn;
                    if (k + l > sl || memcmp(s + k, cues[c], l) != 0)
                        continue;
                    pn = place_at(s + k + l, sl - k - l, &place);
                    if (pn > 0 && pn < cap) {
                        memcpy(out, place, pn);
                        out[pn] = '\0';
                        return 1;
                    }
                }
            }
        }
    }
    return 0;
}

/* learners and area of a report (ctx->r->provider already set) */
static int profile_extract(rpt_meta_ctx *ctx)
{
    rpt_report *r = ctx->r;
    char area[128];
    r->learners = 0;
    if (set_str(&r->area, "", 0) < 0)
        return -1;
    if (!ctx->is_report)
        return 0;
    r->learners = learners_in_labels(ctx->blocks, ctx->n_blocks);
    if (r->learners == 0)
        r->learners = learners_in_prose(ctx->blocks, ctx->n_blocks);
    area[0] = '\0';
    if (area_in_address(ctx->blocks, ctx->n_blocks, area, sizeof area) ||
        area_in_letter(ctx->blocks, ctx->n_blocks, r->provider, area, sizeof area) ||
        area_in_prose(ctx->blocks, ctx->n_blocks, r->provider, area, sizeof area))
        return set_str(&r->area, area, strlen(area));
    return 0;
}

static int block_is_question(const rpt_block *b)
{
    return b->len > 10 && b->text[b->len - 1] == '?';
}

int rpt_meta_extract(rpt_meta_ctx *ctx)
{
    meta_state m;
    rpt_report *r = ctx->r;
    rpt_block *bl = ctx->blocks;
    size_t n = ctx->n_blocks, i;
    const char *name = NULL;
    size_t name_len = 0;
    int name_rank = 0;   /* 4 label, 3 "inspection of", 2 running head, 1 title */
    const char *kind = NULL;
    const char *type_line = NULL;
    size_t title_block = (size_t)-1;
    int year = 0, month = 0;
    int rc = 0;

    memset(&m, 0, sizeof m);
    m.ctx = ctx;
    m.r = r;
    if (set_str(&r->provider, "", 0) < 0 || set_str(&r->urn, "", 0) < 0 ||
        set_str(&r->type, "", 0) < 0 || set_str(&r->kind, "", 0) < 0 ||
        set_str(&r->grade, "", 0) < 0 || set_str(&r->previous_grade, "", 0) < 0 ||
        set_str(&r->title, "", 0) < 0)
        return -1;

    /* 1. labelled values, everywhere */
    for (i = 0; i < n; i++) {
        rpt_block *b = &bl[i];
        int got = 0;
        if (b->kind == RPT_BLK_ROW) {
            got = row_take(&m, i);
        } else if (b->kind == RPT_BLK_PARA || b->kind == RPT_BLK_HEADING) {
            enum field f = b->len <= 100 ? label_field(b->text, b->len) : F_NONE;
            if (f != F_NONE && i + 1 < n && bl[i + 1].kind == RPT_BLK_PARA &&
                bl[i + 1].len <= 200 && count_words(bl[i + 1].text, bl[i + 1].len) <= 20) {
                /* label line, then its value line */
                got = field_take(&m, i, b->text, b->len, bl[i + 1].text, bl[i + 1].len);
                if (got > 0) {
                    bl[i + 1].flags |= RPT_BLK_USED;
                    if (f == F_OVERALL || f == F_PREVIOUS)
                        bl[i + 1].flags |= RPT_BLK_JUDGED;
                }
            } else if (b->kind == RPT_BLK_PARA) {
                got = para_label_value(&m, i);
            }
        }
        if (got < 0)
            goto nomem;
        if (got > 0)
            b->flags |= RPT_BLK_USED;
    }
    if (m.provider_label[0]) {
        name = m.provider_label;
        name_len = strlen(name);
        name_rank = 4;
    }
    if (r->urn[0])
        m.signals++;
    if (m.have_label_dates)
        m.signals++;
    if (r->type[0])
        m.signals++;

    /* 2. the header: title, name line, type line, kind line */
    {
        size_t seen = 0;
        for (i = 0; i < n && seen < 25; i++) {
            rpt_block *b = &bl[i];
            const char *k;
            if (b->kind == RPT_BLK_ROW || (b->flags & RPT_BLK_USED))
                continue;
            if (b->len > 150 || count_words(b->text, b->len) > 14)
                break;   /* prose: the header is over */
            if (b->kind == RPT_BLK_HEADING && !(b->flags & RPT_BLK_MD_HEADING) &&
                !kind_of_line(b->text, b->len))
                break;   /* a section heading */
            if ((b->flags & RPT_BLK_MD_HEADING) && b->level > 1)
                break;
            seen++;
            k = kind_of_line(b->text, b->len);
            if (k) {
                if (!kind || (strcmp(k, "full") != 0 && strcmp(kind, "full") == 0) ||
                    strcmp(k, "new-provider-monitoring") == 0)
                    kind = k;
                if (folded_starts(b->text, b->len, "inspection of ") ||
                    folded_starts(b->text, b->len, "short inspection of ") ||
                    folded_starts(b->text, b->len, "interim visit to ") ||
                    folded_starts(b->text, b->len, "monitoring visit to ") ||
                    names_after_colon(b->text, b->len)) {
                    if (name_rank < 3) {
                        name_from_line(b->text, b->len, &name, &name_len);
                        name_rank = 3;
                    }
                    if (title_block == (size_t)-1)
                        title_block = i;
                }
                b->flags |= RPT_BLK_USED;
                continue;
            }
            if (title_block == (size_t)-1 && !line_not_name(b->text, b->len) &&
                !rpt_type_slug(b->text, b->len)) {
                title_block = i;
                b->flags |= RPT_BLK_USED;
                continue;
            }
            if (title_block != (size_t)-1 && title_block != i && !type_line &&
                count_words(b->text, b->len) <= 8 && rpt_type_slug(b->text, b->len)) {
                type_line = rpt_type_slug(b->text, b->len);
                b->flags |= RPT_BLK_USED;
                continue;
            }
            if (title_block == (size_t)-1 && !type_line &&
                rpt_type_slug(b->text, b->len) && count_words(b->text, b->len) <= 10 &&
                !line_not_name(b->text, b->len)) {
                /* a name line that happens to hold a type ("Kelderby
                 * Agricultural College", "Fernleaf School of Dance and
                 * Drama") comes first; a bare type line ("Dance and drama
                 * college", "Specialist land-based college") does not:
                 * it starts with a word of the type itself */
                char f[64];
                rpt_text_fold(b->text, b->len, f, sizeof f);
                if (rpt_type_slug(f, strlen(f)) && !starts_like_type(f)) {
                    title_block = i;
                    b->flags |= RPT_BLK_USED;
                    continue;
                }
                type_line = rpt_type_slug(b->text, b->len);
                b->flags |= RPT_BLK_USED;
                continue;
            }
        }
        ctx->header_end = i;
    }
    if (title_block != (size_t)-1) {
        const char *t = bl[title_block].text;
        size_t tl = bl[title_block].len;
        if (set_str(&r->title, t, tl) < 0)
            goto nomem;
        if (name_rank < 1) {
            name_from_line(t, tl, &name, &name_len);
            name_rank = 1;
        }
    }
    if (kind)
        m.signals++;
    if (ctx->running_head) {
        const char *rh = ctx->running_head;
        const char *colon = strchr(rh, ':');
        m.signals++;
        if (colon && name_rank < 2) {
            const char *nm;
            size_t nl;
            name_from_line(colon + 1, strlen(colon + 1), &nm, &nl);
            if (nl > 0) {
                name = nm;
                name_len = nl;
                name_rank = 2;
            }
        }
        if (!m.have_label_dates &&
            rpt_parse_dates(rh, r->date_start, r->date_end) == 0)
            m.have_label_dates = 1;
    }

    /* 3. structure signals: report headings */
    {
        static const char *const report_headings[] = {
            "summary of key findings", "summary of key findings for learners",
            "what does the provider do well and what does it need to do better",
            "what is it like to be a learner with this provider",
            "inspection judgements", "provider details",
            "information about this inspection", "monitoring visit main findings",
            "context and focus of visit", "themes", "theme",
            "part a summary", "basic information about the college",
            "key strengths", "what should be improved",
            "what does the provider need to do to improve further",
            "what does the provider need to do to improve",
            "provider has the following strengths", "summary of grades awarded",
            "overall judgement", "key findings", "evaluation areas",
            "about this report card", "capacity to improve",
            "effectiveness of leadership and management",
        };
        int found = 0;
        for (i = 0; i < n && found < 2; i++) {
            char f[128];
            size_t k;
            if (bl[i].kind != RPT_BLK_HEADING || bl[i].len > 120)
                continue;
            rpt_text_fold(bl[i].text, bl[i].len, f, sizeof f);
            for (k = 0; k < sizeof report_headings / sizeof report_headings[0]; k++)
                if (strcmp(f, report_headings[k]) == 0) {
                    found++;
                    break;
                }
            if (!kind && strncmp(f, "monitoring visit", 16) == 0)
                kind = "monitoring";
        }
        m.signals += found;
    }

    /* 4. judgements: grade rows, grade lines, theme questions */
    if (r->date_start[0]) {
        year = atoi(r->date_start);
        month = atoi(r->date_start + 5);
    }
    for (i = 0; i < m.n_grades; i++) {
        pending_grade *pg = &m.grades[i];
        const char *g = value_grade(pg->value, pg->value_len, year, month);
        if (!g)
            continue;
        if (pg->f == F_PREVIOUS) {
            if (!r->previous_grade[0] && set_str(&r->previous_grade, g, strlen(g)) < 0)
                goto nomem;
            continue;
        }
        if (pg->f == F_OVERALL && !r->grade[0] &&
            set_str(&r->grade, g, strlen(g)) < 0)
            goto nomem;
        if (rpt_judgement_add(r, pg->name, pg->name_len, g) < 0)
            goto nomem;
    }
    if (r->n_judgements > 0)
        m.signals++;
    for (i = 0; i < n; i++) {
        rpt_block *b = &bl[i];
        const char *g;
        size_t nl;
        if (b->kind == RPT_BLK_ROW)
            continue;
        if (b->kind == RPT_BLK_PARA && b->len <= 80 && !(b->flags & RPT_BLK_JUDGED) &&
            (g = rpt_grade_line(b->text, b->len)) != NULL) {
            /* a grade on its own line belongs to what precedes it */
            size_t j = i;
            b->flags |= RPT_BLK_USED;
            while (j > 0) {
                const rpt_block *p = &bl[j - 1];
                if (p->kind == RPT_BLK_ROW)
                    break;
                if (block_is_question(p) || p->kind == RPT_BLK_HEADING ||
                    (p->len <= 150 && count_words(p->text, p->len) <= 14)) {
                    size_t pl = p->len;
                    size_t sl;
                    if (rpt_grade_suffix(p->text, pl, &sl))
                        pl = sl;
                    if (rpt_judgement_add(r, p->text, pl, g) < 0)
                        goto nomem;
                }
                break;
            }
            continue;
        }
        if (b->len > 1000)
            continue;
        g = rpt_grade_suffix(b->text, b->len, &nl);
        if (!g)
            continue;
        if (nl > 0 && b->text[nl - 1] == '?') {
            /* "**Question?** **Insufficient progress**" */
            if (rpt_judgement_add(r, b->text, nl, g) < 0)
                goto nomem;
            b->len = nl;
            b->text[nl] = '\0';
        } else if (b->kind == RPT_BLK_HEADING ||
                   (b->kind == RPT_BLK_PARA && count_words(b->text, b->len) <= 10 &&
                    !memchr(b->text, '.', b->len))) {
            if (label_field(b->text, nl) == F_PREVIOUS) {
                if (!r->previous_grade[0] &&
                    set_str(&r->previous_grade, g, strlen(g)) < 0)
                    goto nomem;
                b->flags |= RPT_BLK_USED;
                continue;
            }
            if (rpt_judgement_add(r, b->text, nl, g) < 0)
                goto nomem;
            if (label_field(b->text, nl) == F_OVERALL && !r->grade[0] &&
                set_str(&r->grade, g, strlen(g)) < 0)
                goto nomem;
            if (b->kind == RPT_BLK_PARA && count_words(b->text, nl) <= 6)
                b->flags |= RPT_BLK_USED;
        }
    }

    /* 5. report or not, and its kind */
    ctx->is_report = m.signals >= 2;
    if (!ctx->is_report) {
        size_t k;
        for (k = 0; k < r->n_judgements; k++) {
            free(r->judgements[k].name);
            free(r->judgements[k].grade);
        }
        free(r->judgements);
        r->judgements = NULL;
        r->n_judgements = 0;
        if (set_str(&r->grade, "", 0) < 0 || set_str(&r->previous_grade, "", 0) < 0 ||
            set_str(&r->kind, "other", 5) < 0)
            goto nomem;
        if (name_rank < 4) {
            char guess[128]; /* not static: the indexer parses in several threads */
            name = NULL;
            name_len = 0;
            if (org_name_guess(bl, n, guess, sizeof guess)) {
                if (set_str(&r->provider, guess, strlen(guess)) < 0)
                    goto nomem;
            }
        }
        if (!m.have_label_dates) {
            r->date_start[0] = '\0';
            r->date_end[0] = '\0';
        }
        /* the header lines of an article are text, not metadata */
        for (k = 0; k < n; k++)
            if (bl[k].kind != RPT_BLK_ROW)
                bl[k].flags &= ~RPT_BLK_USED;
        ctx->header_end = 0;
        if (r->title[0] == '\0') {
            for (k = 0; k < n; k++)
                if (bl[k].kind != RPT_BLK_ROW) {
                    /* at most 200 bytes, cut between characters */
                    size_t tl = bl[k].len < 200 ? bl[k].len : 200;
                    while (tl > 0 && tl < bl[k].len &&
                           ((unsigned char)bl[k].text[tl] & 0xC0) == 0x80)
                        tl--;
                    if (set_str(&r->title, bl[k].text, tl) < 0)
                        goto nomem;
                    break;
                }
        }
    } else {
        int progress = 0, card = 0;
        const char *worst = NULL;
        size_t k;
        if (!kind) {
            for (k = 0; k < n; k++)
                if (bl[k].kind != RPT_BLK_ROW && bl[k].len < 2000 &&
                    contains_folded(bl[k].text, bl[k].len, "continues to be good")) {
                    kind = "short";
                    break;
                }
        }
        if (!kind)
            kind = "full";
        if (set_str(&r->kind, kind, strlen(kind)) < 0)
            goto nomem;
        for (k = 0; k < r->n_judgements; k++) {
            const char *g = r->judgements[k].grade;
            if (is_progress(g)) {
                progress = 1;
                if (!worst || rpt_grade_rank(g) > rpt_grade_rank(worst))
                    worst = g;
            }
            if (is_card_grade(g))
                card = 1;
        }
        if (progress && !r->grade[0]) {
            if (set_str(&r->grade, worst, strlen(worst)) < 0)
                goto nomem;
        } else if (card) {
            if (set_str(&r->grade, "", 0) < 0)
                goto nomem;
        } else if (!r->grade[0] && strcmp(kind, "monitoring") != 0 &&
                   strcmp(kind, "new-provider-monitoring") != 0) {
            for (k = 0; k < n; k++) {
                const char *g;
                if (bl[k].kind == RPT_BLK_ROW)
                    continue;
                g = grade_in_prose(bl[k].text, bl[k].len);
                if (g) {
                    if (set_str(&r->grade, g, strlen(g)) < 0)
                        goto nomem;
                    break;
                }
            }
        }
        if (!r->type[0]) {
            const char *slug = type_line;
            /* "X is an independent learning provider based in ..." */
            for (k = 0; !slug && k < n && k < 80; k++) {
                const char *p;
                if (bl[k].kind == RPT_BLK_ROW || bl[k].len < 20)
                    continue;
                p = strstr(bl[k].text, " is a ");
                if (!p || (size_t)(p - bl[k].text) > 200)
                    p = strstr(bl[k].text, " is an ");
                if (p && (size_t)(p - bl[k].text) <= 200) {
                    size_t off = (size_t)(p - bl[k].text) + 4;
                    size_t w = 0, e = off;
                    while (e < bl[k].len && w < 8) {
                        if (bl[k].text[e] == ' ')
                            w++;
                        if (bl[k].text[e] == '.' || bl[k].text[e] == ',')
                            break;
                        e++;
                    }
                    slug = rpt_type_slug(bl[k].text + off, e - off);
                }
            }
            if (slug && set_str(&r->type, slug, strlen(slug)) < 0)
                goto nomem;
        }
        if (!r->previous_grade[0]) {
            for (k = 0; k < n; k++) {
                const char *g;
                if (bl[k].kind == RPT_BLK_ROW)
                    continue;
                g = previous_in_prose(bl[k].text, bl[k].len);
                if (g) {
                    if (set_str(&r->previous_grade, g, strlen(g)) < 0)
                        goto nomem;
                    break;
                }
            }
        }
        if (!m.have_label_dates) {
            /* a date range standing alone in the header ("January
             * 30-February 3 2006"); a single date there is the letter's or
             * the publication's, not the inspection's */
            for (k = 0; k < ctx->header_end && k < n; k++) {
                char buf[128], a[11], z[11];
                size_t at, until;
                if (bl[k].kind == RPT_BLK_ROW || bl[k].len >= sizeof buf)
                    continue;
                memcpy(buf, bl[k].text, bl[k].len);
                buf[bl[k].len] = '\0';
                if (rpt_dates_find(buf, a, z, &at, &until) == 0 && at < 4 &&
                    until + 4 >= bl[k].len && strcmp(a, z) != 0) {
                    memcpy(r->date_start, a, 11);
                    memcpy(r->date_end, z, 11);
                    m.have_label_dates = 1;
                    bl[k].flags |= RPT_BLK_USED;
                    break;
                }
            }
        }
        if (!m.have_label_dates) {
            /* "Following the short inspection on 8 and 9 March 2016" */
            static const char *const cues[] = {
                "inspection on ", "visit on ", "inspected on ", "visited on ",
                "inspection between ", "visit between ",
            };
            for (k = 0; k < n && !m.have_label_dates; k++) {
                size_t c;
                if (bl[k].kind == RPT_BLK_ROW)
                    continue;
                for (c = 0; c < sizeof cues / sizeof cues[0]; c++) {
                    const char *p = strstr(bl[k].text, cues[c]);
                    if (p && strlen(p) < 4000) {
                        char buf[64];
                        size_t l = strlen(cues[c]);
                        size_t take = strlen(p + l);
                        if (take > 60)
                            take = 60;
                        memcpy(buf, p + l, take);
                        buf[take] = '\0';
                        if (rpt_parse_dates(buf, r->date_start, r->date_end) == 0) {
                            m.have_label_dates = 1;
                            break;
                        }
                    }
                }
            }
        }
    }
    if (name && name_len > 0 && set_str(&r->provider, name, name_len) < 0)
        goto nomem;
    if (r->title[0] == '\0' && r->provider[0] &&
        set_str(&r->title, r->provider, strlen(r->provider)) < 0)
        goto nomem;
    if (profile_extract(ctx) < 0)
        goto nomem;
    free(m.grades);
    return rc;
nomem:
    free(m.grades);
    return -1;
}
