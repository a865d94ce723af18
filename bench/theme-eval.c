/* theme-eval.c - how well the theme lexicon agrees with hand labels.
 *
 *   theme-eval [--themes FILE] [--errors] [--min-f1 X] [--min-polarity X]
 *              LABELS.tsv SAMPLES_DIR [LABELS.tsv SAMPLES_DIR ...]
 *
 * Each labels file names a passage by file and line (where it starts in the
 * decoded text), so no report text needs to be in a labels file. Every
 * labelled file is parsed as the indexer parses it, each passage scored as
 * the indexer scores it (same section heading, same lead-in), and compared:
 * per theme precision, recall and F1 over the labelled passages, their
 * micro and macro averages, and polarity accuracy with a confusion matrix.
 * --errors lists the disagreements by file:line. With --min-f1 or
 * --min-polarity the exit status is 1 when the micro F1 or the accuracy
 * falls below it (the test suite's floor).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "corpus/report.h"
#include "stemmer/stemmer.h"
#include "themes/themes.h"
#include "util/buf.h"

#define MAX_FILE (64u * 1024u * 1024u)

typedef struct label {
    char *file;
    unsigned line;
    char *themes;   /* comma-separated or "-" */
    int polarity;
} label;

typedef struct counts {
    unsigned tp, fp, fn;
} counts;

static int read_all(const char *path, buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[65536];
    size_t n;
    out->max = MAX_FILE;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(out, chunk, n);
    int bad = ferror(f) || buf_error(out);
    fclose(f);
    return bad ? -1 : 0;
}

/* The text lines of a file as the parser sees them: inflated (gzip, maybe
 * nested) and converted to UTF-8. */
static char *decoded_text(const char *path, size_t *len)
{
    buf raw = BUF_INIT;
    if (read_all(path, &raw) < 0) {
        buf_free(&raw);
        return NULL;
    }
    while (raw.len >= 2 && (unsigned char)raw.data[0] == 0x1f &&
           (unsigned char)raw.data[1] == 0x8b) {
        buf inf = BUF_INIT;
        inf.max = MAX_FILE;
        z_stream z;
        memset(&z, 0, sizeof z);
        if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
            break;
        z.next_in = (unsigned char *)raw.data;
        z.avail_in = (uInt)raw.len;
        char out[65536];
        int zr;
        do {
            z.next_out = (unsigned char *)out;
            z.avail_out = sizeof out;
            zr = inflate(&z, Z_NO_FLUSH);
            buf_append(&inf, out, sizeof out - z.avail_out);
        } while (zr == Z_OK && !buf_error(&inf));
        inflateEnd(&z);
        buf_free(&raw);
        raw = inf;
        if (zr != Z_STREAM_END)
            break;
    }
    char *utf8 = NULL;
    const char *cs = NULL;
    char *err = NULL;
    if (stm_to_utf8(raw.data ? raw.data : "", raw.len, &utf8, len, &cs,
                    &err) < 0) {
        free(err);
        utf8 = NULL;
    }
    buf_free(&raw);
    return utf8;
}

/* Lowercase letters and digits only: what survives tidying, markdown and
 * PDF repairs on both sides. */
static size_t squash(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 2 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        /* the ligatures PDF text keeps: U+FB01 fi, U+FB02 fl */
        if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xAC &&
            ((unsigned char)s[i + 2] == 0x81 ||
             (unsigned char)s[i + 2] == 0x82)) {
            out[k++] = 'f';
            out[k++] = (unsigned char)s[i + 2] == 0x81 ? 'i' : 'l';
            i += 2;
            continue;
        }
        if (isalnum(c))
            out[k++] = (char)tolower(c);
    }
    out[k] = '\0';
    return k;
}

static int has_id(const char *list, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = list; *p;) {
        const char *c = strchr(p, ',');
        size_t l = c ? (size_t)(c - p) : strlen(p);
        if (l == n && memcmp(p, id, n) == 0)
            return 1;
        if (!c)
            break;
        p = c + 1;
    }
    return 0;
}

static int load_labels(const char *path, label **out, size_t *n_out)
{
    buf b = BUF_INIT;
    if (read_all(path, &b) < 0) {
        fprintf(stderr, "theme-eval: %s: %s\n", path, strerror(errno));
        buf_free(&b);
        return -1;
    }
    label *ls = NULL;
    size_t n = 0, cap = 0;
    char *save = NULL;
    unsigned lineno = 0;
    for (char *l = strtok_r(b.data, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save)) {
        lineno++;
        if (l[0] == '#' || strncmp(l, "file\t", 5) == 0 || !*l)
            continue;
        char *f[4];
        char *s2 = NULL;
        int k = 0;
        for (char *c = strtok_r(l, "\t", &s2); c && k < 4;
             c = strtok_r(NULL, "\t", &s2))
            f[k++] = c;
        if (k != 4 || thm_polarity_from_name(f[3]) < 0 || atoi(f[1]) <= 0) {
            fprintf(stderr, "theme-eval: %s: a bad line (%u)\n", path, lineno);
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            ls = realloc(ls, cap * sizeof *ls);
            if (!ls)
                abort();
        }
        ls[n].file = str_dup(f[0]);
        ls[n].line = (unsigned)atoi(f[1]);
        ls[n].themes = str_dup(f[2]);
        ls[n].polarity = thm_polarity_from_name(f[3]);
        n++;
    }
    buf_free(&b);
    *out = ls;
    *n_out = n;
    return 0;
}

typedef struct eval {
    const thm_set *set;
    thm_scorer *sc;
    counts *per_theme;
    unsigned pol[3][3];  /* [label][got] */
    unsigned passages, unmatched;
    int errors;          /* print disagreements */
} eval;

/* Score every passage of one report once. */
typedef struct scored {
    unsigned char *tags;   /* n_passages * n_themes */
    int *pol;
    char **squashed;
} scored;

static int eval_file(eval *ev, const char *dir, const char *file,
                     const label *ls, size_t n)
{
    char *path = str_printf("%s/%s", dir, file);
    rpt_report *r = NULL;
    char *err = NULL;
    if (rpt_read_file(path, &r, &err) != RPT_OK) {
        fprintf(stderr, "theme-eval: %s\n", err ? err : path);
        free(err);
        free(path);
        ev->unmatched += (unsigned)n;
        return -1;
    }
    size_t tlen = 0;
    char *text = decoded_text(path, &tlen);
    free(path);
    size_t nt = thm_set_count(ev->set);
    size_t np = r->n_passages;
    const char **texts = calloc(np ? np : 1, sizeof *texts);
    size_t *secs = calloc(np ? np : 1, sizeof *secs);
    unsigned char *tags = calloc((np ? np : 1) * nt, 1);
    int *pol = calloc(np ? np : 1, sizeof *pol);
    char **sq = calloc(np ? np : 1, sizeof *sq);
    if (!texts || !secs || !tags || !pol || !sq || !text)
        abort();
    for (size_t i = 0; i < np; i++) {
        texts[i] = r->passages[i].text;
        secs[i] = r->passages[i].section;
    }
    for (size_t i = 0; i < np; i++) {
        const rpt_passage *p = &r->passages[i];
        long li = thm_lead_in(texts, secs, i);
        thm_result res;
        const char *title =
            p->section < r->n_sections ? r->sections[p->section].title : NULL;
        if (thm_score_text(ev->sc, p->text, strlen(p->text), title,
                           li >= 0 ? texts[li] : NULL, &res, &err) != THM_OK) {
            fprintf(stderr, "theme-eval: %s: %s\n", file, err ? err : "?");
            free(err);
            err = NULL;
            continue;
        }
        memcpy(tags + i * nt, res.tagged, nt);
        pol[i] = (int)res.polarity;
        size_t pl = strlen(p->text);
        sq[i] = malloc(pl + 1);
        squash(p->text, pl, sq[i], pl + 1);
    }
    /* line starts */
    size_t nlines = 0, lcap = 1024;
    size_t *starts = malloc(lcap * sizeof *starts);
    starts[nlines++] = 0;
    for (size_t i = 0; i < tlen; i++)
        if (text[i] == '\n') {
            if (nlines == lcap)
                starts = realloc(starts, (lcap *= 2) * sizeof *starts);
            starts[nlines++] = i + 1;
        }
    for (size_t k = 0; k < n; k++) {
        const label *lb = &ls[k];
        long hit = -1;
        if (lb->line <= nlines) {
            size_t s = starts[lb->line - 1];
            size_t e = lb->line < nlines ? starts[lb->line] : tlen;
            char key[64];
            size_t kl = squash(text + s, e - s, key, 33);
            /* the passage that starts with this line's text */
            for (size_t i = 0; kl >= 4 && i < np && hit < 0; i++)
                if (sq[i] && strncmp(sq[i], key, kl) == 0)
                    hit = (long)i;
            if (hit < 0 && kl > 12) {
                key[12] = '\0';
                for (size_t i = 0; i < np && hit < 0; i++)
                    if (sq[i] && strncmp(sq[i], key, 12) == 0)
                        hit = (long)i;
            }
        }
        if (hit < 0) {
            ev->unmatched++;
            if (ev->errors)
                printf("unmatched  %s:%u\n", file, lb->line);
            continue;
        }
        ev->passages++;
        const unsigned char *t = tags + (size_t)hit * nt;
        buf miss = BUF_INIT, extra = BUF_INIT;
        for (size_t j = 0; j < nt; j++) {
            int want = has_id(lb->themes, thm_set_id(ev->set, j));
            int got = t[j];
            if (want && got)
                ev->per_theme[j].tp++;
            else if (got) {
                ev->per_theme[j].fp++;
                buf_printf(&extra, " +%s", thm_set_id(ev->set, j));
            } else if (want) {
                ev->per_theme[j].fn++;
                buf_printf(&miss, " -%s", thm_set_id(ev->set, j));
            }
        }
        ev->pol[lb->polarity][pol[hit]]++;
        if (ev->errors && (miss.len || extra.len || lb->polarity != pol[hit]))
            printf("%-10s %s:%u [%zu]%s%s%s%s\n",
                   lb->polarity != pol[hit] ? "polarity" : "themes", file,
                   lb->line, (size_t)hit + 1, buf_cstr(&miss),
                   buf_cstr(&extra),
                   lb->polarity != pol[hit] ? "  want " : "",
                   lb->polarity != pol[hit]
                       ? thm_polarity_name((thm_polarity)lb->polarity)
                       : "");
        buf_free(&miss);
        buf_free(&extra);
    }
    for (size_t i = 0; i < np; i++)
        free(sq[i]);
    free(sq);
    free(starts);
    free(texts);
    free(secs);
    free(tags);
    free(pol);
    free(text);
    rpt_report_free(r);
    return 0;
}

static double f1(unsigned tp, unsigned fp, unsigned fn)
{
    return tp ? 2.0 * tp / (2.0 * tp + fp + fn) : (fp + fn ? 0.0 : 1.0);
}

int main(int argc, char **argv)
{
    const char *themes_path = NULL;
    double min_f1 = -1, min_pol = -1;
    int errors = 0, ai = 1;
    for (; ai < argc && argv[ai][0] == '-'; ai++) {
        if (strcmp(argv[ai], "--themes") == 0 && ai + 1 < argc)
            themes_path = argv[++ai];
        else if (strcmp(argv[ai], "--errors") == 0)
            errors = 1;
        else if (strcmp(argv[ai], "--min-f1") == 0 && ai + 1 < argc)
            min_f1 = atof(argv[++ai]);
        else if (strcmp(argv[ai], "--min-polarity") == 0 && ai + 1 < argc)
            min_pol = atof(argv[++ai]);
        else {
            fprintf(stderr, "theme-eval: unknown option '%s'\n", argv[ai]);
            return 2;
        }
    }
    if (ai >= argc || (argc - ai) % 2 != 0) {
        fprintf(stderr, "usage: theme-eval [--themes FILE] [--errors] "
                        "[--min-f1 X] [--min-polarity X] LABELS DIR "
                        "[LABELS DIR ...]\n");
        return 2;
    }
    thm_set *set = NULL;
    char *err = NULL;
    int rc = themes_path ? thm_set_load(themes_path, &set, &err)
                         : thm_set_parse(thm_default_text(),
                                         strlen(thm_default_text()),
                                         "built-in themes", &set, &err);
    if (rc != THM_OK) {
        fprintf(stderr, "theme-eval: %s\n", err ? err : "cannot load themes");
        free(err);
        return 2;
    }
    eval ev = {0};
    ev.set = set;
    ev.errors = errors;
    ev.per_theme = calloc(thm_set_count(set), sizeof *ev.per_theme);
    if (thm_scorer_new(set, &ev.sc, &err) != THM_OK) {
        fprintf(stderr, "theme-eval: %s\n", err ? err : "no scorer");
        return 2;
    }
    for (; ai + 1 < argc; ai += 2) {
        label *ls = NULL;
        size_t n = 0;
        if (load_labels(argv[ai], &ls, &n) < 0)
            return 2;
        for (size_t i = 0; i < n;) {
            size_t j = i;
            while (j < n && strcmp(ls[j].file, ls[i].file) == 0)
                j++;
            eval_file(&ev, argv[ai + 1], ls[i].file, ls + i, j - i);
            i = j;
        }
        for (size_t i = 0; i < n; i++) {
            free(ls[i].file);
            free(ls[i].themes);
        }
        free(ls);
    }
    size_t nt = thm_set_count(set);
    unsigned TP = 0, FP = 0, FN = 0;
    double macro = 0;
    unsigned macro_n = 0;
    printf("%-22s %6s %6s %6s %7s %7s %7s\n", "theme", "label", "tagged",
           "both", "prec", "recall", "F1");
    for (size_t j = 0; j < nt; j++) {
        counts *c = &ev.per_theme[j];
        unsigned lab = c->tp + c->fn, got = c->tp + c->fp;
        TP += c->tp;
        FP += c->fp;
        FN += c->fn;
        double p = got ? (double)c->tp / got : 0, r = lab ? (double)c->tp / lab : 0;
        if (lab) {
            macro += f1(c->tp, c->fp, c->fn);
            macro_n++;
        }
        printf("%-22s %6u %6u %6u %7.2f %7.2f %7.2f\n", thm_set_id(set, j), lab,
               got, c->tp, p, r, f1(c->tp, c->fp, c->fn));
    }
    double micro = f1(TP, FP, FN);
    printf("%-22s %6u %6u %6u %7.2f %7.2f %7.2f\n", "all (micro)", TP + FN,
           TP + FP, TP, TP + FP ? (double)TP / (TP + FP) : 0,
           TP + FN ? (double)TP / (TP + FN) : 0, micro);
    printf("%-22s %42.2f\n", "macro F1", macro_n ? macro / macro_n : 0);
    unsigned right = 0, all = 0;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            all += ev.pol[a][b];
            if (a == b)
                right += ev.pol[a][b];
        }
    double acc = all ? (double)right / all : 0;
    printf("\npolarity accuracy %.3f over %u passages (%u labels unmatched)\n",
           acc, all, ev.unmatched);
    printf("%-10s %9s %9s %9s   <- got\n", "label", "neutral", "weakness",
           "strength");
    for (int a = 0; a < 3; a++)
        printf("%-10s %9u %9u %9u\n", thm_polarity_name((thm_polarity)a),
               ev.pol[a][0], ev.pol[a][1], ev.pol[a][2]);
    thm_scorer_free(ev.sc);
    free(ev.per_theme);
    thm_set_free(set);
    int fail = 0;
    if (min_f1 >= 0 && micro < min_f1) {
        fprintf(stderr, "theme-eval: micro F1 %.3f is below %.3f\n", micro,
                min_f1);
        fail = 1;
    }
    if (min_pol >= 0 && acc < min_pol) {
        fprintf(stderr, "theme-eval: polarity accuracy %.3f is below %.3f\n",
                acc, min_pol);
        fail = 1;
    }
    if (ev.unmatched && (min_f1 >= 0 || min_pol >= 0)) {
        fprintf(stderr, "theme-eval: %u labels matched no passage\n",
                ev.unmatched);
        fail = 1;
    }
    return fail;
}
