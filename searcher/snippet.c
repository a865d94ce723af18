/* snippet.c - a window of a passage around what matched, with the matches
 * marked. The passage is re-read with the same analysis chain that indexed
 * it, so a highlight is exactly what the query matched: a stem match marks
 * "learners'" for `learner`, a matched phrase is one span, and "prevented"
 * is never marked for `Prevent`.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "searcher/searcher-private.h"
#include "util/buf.h"

/* Passages longer than this many tokens are not scanned further: the
 * snippet comes from the start, which is where passages put their point. */
#define MAX_SNIPPET_TOKENS 4096
/* A snippet's window is counted in words, but one "word" of extraction
 * junk can be 300 KB: the text is cut at this many bytes too. */
#define MAX_SNIPPET_BYTES 600

typedef struct stok {
    size_t start, end;
    char *word;       /* the token's term, "Z<stem>" or "K<form>" */
    int match;        /* 1 matched; 2 inside a phrase match */
    int span_start;   /* a highlight starts here: index of its last token */
} stok;

typedef struct scan {
    const hl_terms *hl;
    stok *t;
    size_t n, cap;
    int full;
} scan;

static int has_prefix(const strlist *l, const char *w, size_t n)
{
    for (size_t i = 0; i < l->n; i++) {
        size_t pl = strlen(l->v[i]);
        if (pl <= n && memcmp(l->v[i], w, pl) == 0)
            return 1;
    }
    return 0;
}

static int on_token(void *vctx, const stm_token *tok)
{
    scan *s = vctx;
    if (s->n == MAX_SNIPPET_TOKENS) {
        s->full = 1;
        return 1;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 128;
        stok *t = realloc(s->t, cap * sizeof *t);
        if (!t)
            return 1;
        s->t = t;
        s->cap = cap;
    }
    stok *t = &s->t[s->n];
    t->start = tok->start;
    t->end = tok->end;
    t->span_start = -1;
    const hl_terms *hl = s->hl;
    t->word = NULL;
    if (hl->n_phrases && (tok->protected_form || tok->stem)) {
        /* Only phrase matching needs each token's term. */
        const char *f = tok->protected_form ? tok->protected_form : tok->stem;
        size_t fl = tok->protected_form ? strlen(f) : tok->stem_len;
        if ((t->word = malloc(fl + 2))) {
            t->word[0] = tok->protected_form ? 'K' : 'Z';
            memcpy(t->word + 1, f, fl);
            t->word[fl + 1] = '\0';
        }
    }
    int m = 0;
    if (tok->protected_form)
        m = strlist_has(&hl->kforms, tok->protected_form,
                        strlen(tok->protected_form));
    else if (tok->stem)
        m = strlist_has(&hl->stems, tok->stem, tok->stem_len) ||
            has_prefix(&hl->prefixes, tok->stem, tok->stem_len);
    t->match = m;
    s->n++;
    return 0;
}

/* Tell the analyser which stems can match (the query's stems, wildcard
 * prefixes and the stems in its phrases), so that it stems only the words
 * that could have one of them: stemming was half of a snippet's cost. */
static void limit_stems(stm_analyser *an, const hl_terms *hl)
{
    enum { MAX_LIMIT = 64 };
    const char *v[MAX_LIMIT];
    size_t n = 0;
    const strlist *lists[2] = {&hl->stems, &hl->prefixes};
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; i < lists[l]->n; i++) {
            if (n == MAX_LIMIT)
                goto all; /* a long query: stem everything */
            v[n++] = lists[l]->v[i];
        }
    for (size_t p = 0; p < hl->n_phrases; p++)
        for (size_t i = 0; i < hl->phrases[p].n; i++) {
            const char *w = hl->phrases[p].v[i];
            if (w[0] != 'Z')
                continue; /* K terms are protected forms, not stems */
            if (n == MAX_LIMIT)
                goto all;
            v[n++] = w + 1;
        }
    stm_analyser_limit_stems(an, v, n);
    return;
all:
    stm_analyser_limit_stems(an, NULL, 0);
}

int srch_make_snippet(srch_db *db, const char *text, size_t len,
                      const hl_terms *hl, unsigned window, srch_hit *hit)
{
    scan s = {hl, NULL, 0, 0, 0};
    char *aerr = NULL;
    limit_stems(db->index_an, hl);
    int arc = stm_analyse(db->index_an, text, len, on_token, &s, &aerr);
    stm_analyser_limit_stems(db->index_an, NULL, 0);
    if (arc < 0) {
        free(aerr);
        /* The snippet is a convenience: fall back to the plain text. */
    }
    /* Single-token matches start a one-token span. */
    for (size_t i = 0; i < s.n; i++)
        if (s.t[i].match)
            s.t[i].span_start = (int)i;
    /* Phrases: each occurrence is one highlight from its first to last
     * word. */
    for (size_t p = 0; p < hl->n_phrases; p++) {
        const strlist *ph = &hl->phrases[p];
        if (ph->n == 0)
            continue;
        for (size_t i = 0; i + ph->n <= s.n; i++) {
            size_t j = 0;
            while (j < ph->n && s.t[i + j].word &&
                   strcmp(s.t[i + j].word, ph->v[j]) == 0)
                j++;
            if (j < ph->n)
                continue;
            for (size_t k = i; k < i + ph->n; k++) {
                s.t[k].match = 2;
                s.t[k].span_start = -1;
            }
            s.t[i].span_start = (int)(i + ph->n - 1);
            i += ph->n - 1;
        }
    }
    /* The window with the most matches; ties go to the earliest. */
    size_t w = window ? window : 36;
    size_t best = 0, best_count = 0;
    if (s.n > w) {
        size_t count = 0;
        for (size_t i = 0; i < s.n; i++) {
            if (s.t[i].span_start >= 0)
                count++;
            if (i >= w && s.t[i - w].span_start >= 0)
                count--;
            if (i + 1 >= w && count > best_count) {
                best_count = count;
                best = i + 1 - w;
            }
        }
        /* Start a few words before the first match, for context. */
        size_t first = best;
        while (first < best + w && s.t[first].span_start < 0)
            first++;
        if (first < best + w)
            best = first >= 4 ? first - 4 : 0;
        if (best + w > s.n)
            best = s.n - w;
    }
    size_t lo_tok = best, hi_tok = s.n > w ? best + w : s.n;
    size_t from = 0, to = len;
    int cut_front = 0, cut_back = 0;
    if (s.n > w) {
        if (lo_tok > 0) {
            from = s.t[lo_tok].start;
            cut_front = 1;
        }
        if (hi_tok < s.n) {
            to = s.t[hi_tok - 1].end;
            /* keep a closing full stop or quote that ends the sentence */
            while (to < len && (text[to] == '.' || text[to] == '\'' ||
                                text[to] == '"' || text[to] == ')'))
                to++;
            cut_back = 1;
        }
    }
    if (to - from > MAX_SNIPPET_BYTES) {
        /* Too long in bytes: start shortly before the first match if it
         * would not fit, then cut at a character boundary, keeping the
         * whole highlights that still fit. */
        size_t fm = lo_tok;
        while (fm < hi_tok && s.t[fm].span_start < 0)
            fm++;
        if (fm < hi_tok && s.t[fm].end - from > MAX_SNIPPET_BYTES) {
            size_t back = s.t[fm].start - from > 120 ? 120
                                                     : s.t[fm].start - from;
            from = s.t[fm].start - back;
            while (from < s.t[fm].start &&
                   ((unsigned char)text[from] & 0xC0) == 0x80)
                from++;
            cut_front = 1;
            lo_tok = fm;
            while (lo_tok > 0 && s.t[lo_tok - 1].start >= from)
                lo_tok--;
        }
    }
    if (to - from > MAX_SNIPPET_BYTES) {
        to = from + MAX_SNIPPET_BYTES;
        while (to > from && ((unsigned char)text[to] & 0xC0) == 0x80)
            to--;
        cut_back = 1;
        while (hi_tok > lo_tok && s.t[hi_tok - 1].end > to)
            hi_tok--;
    }
    buf b = BUF_INIT;
    if (cut_front)
        buf_puts(&b, "\xE2\x80\xA6 "); /* ellipsis */
    size_t base = b.len;
    buf_append(&b, text + from, to - from);
    if (cut_back)
        buf_puts(&b, " \xE2\x80\xA6");
    srch_span *spans = NULL;
    size_t ns = 0;
    for (size_t i = lo_tok; i < hi_tok; i++) {
        if (s.t[i].span_start < 0)
            continue;
        size_t last = (size_t)s.t[i].span_start;
        if (last >= hi_tok)
            last = hi_tok - 1;
        srch_span *ns2 = realloc(spans, (ns + 1) * sizeof *spans);
        if (!ns2)
            break;
        spans = ns2;
        spans[ns].start = base + s.t[i].start - from;
        spans[ns].end = base + s.t[last].end - from;
        ns++;
        i = last;
    }
    for (size_t i = 0; i < s.n; i++)
        free(s.t[i].word);
    free(s.t);
    if (buf_error(&b)) {
        buf_free(&b);
        free(spans);
        return -1;
    }
    hit->snippet = buf_detach(&b, NULL);
    hit->highlights = spans;
    hit->n_highlights = ns;
    return 0;
}
