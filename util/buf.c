/* buf.c - see buf.h. */
#include "util/buf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int buf_reserve(buf *b, size_t extra)
{
    size_t max = b->max ? b->max : BUF_DEFAULT_MAX;
    if (b->err)
        return -1;
    if (extra > max || b->len + extra + 1 > max) {
        b->err = BUF_ERR_CAP;
        return -1;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > max / 2 ? max : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->err = BUF_ERR_NOMEM;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

void buf_append(buf *b, const char *s, size_t n)
{
    if (buf_reserve(b, n) < 0)
        return;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_puts(buf *b, const char *s) { buf_append(b, s, strlen(s)); }

void buf_putc(buf *b, char c) { buf_append(b, &c, 1); }

void buf_vprintf(buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || buf_reserve(b, (size_t)n) < 0)
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; min = 0x10000; }
    else return 0;
    if (n < len)
        return 0;
    unsigned cp = c & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

void buf_json_escape(buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            run++;
            i++;
            continue;
        }
        if (run) {
            buf_append(b, (const char *)p + i - run, run);
            run = 0;
        }
        if (c >= 0x80) {
            size_t l = utf8_seq_len(p + i, n - i);
            if (l == 0) {
                buf_puts(b, "\xEF\xBF\xBD");
                i++;
            } else {
                buf_append(b, (const char *)p + i, l);
                i += l;
            }
            continue;
        }
        switch (c) {
        case '"': buf_puts(b, "\\\""); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\t': buf_puts(b, "\\t"); break;
        case '\r': buf_puts(b, "\\r"); break;
        default: buf_printf(b, "\\u%04x", c); break;
        }
        i++;
    }
    if (run)
        buf_append(b, (const char *)p + i - run, run);
}

void buf_json_str(buf *b, const char *s)
{
    if (!s) {
        buf_puts(b, "null");
        return;
    }
    buf_putc(b, '"');
    buf_json_escape(b, s, strlen(s));
    buf_putc(b, '"');
}

void buf_reset(buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void buf_free(buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->err = 0;
}

const char *buf_cstr(buf *b)
{
    return b->data ? b->data : "";
}

char *buf_detach(buf *b, size_t *len)
{
    char *d = b->data;
    if (!d)
        d = calloc(1, 1);
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

int buf_error(const buf *b) { return b->err; }

char *str_slugify(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    int dash = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned c = *p;
        if (isalnum(c) || c >= 0x80) {
            if (dash && o > 0)
                out[o++] = '-';
            dash = 0;
            out[o++] = (char)(c < 0x80 ? (unsigned)tolower((int)c) : c);
        } else if (c == '\'' ) {
            /* "learners'" and "St John's" read better without a dash */
        } else {
            dash = 1;
        }
    }
    out[o] = '\0';
    return out;
}

char *str_dup(const char *s)
{
    if (!s)
        return NULL;
    return str_ndup(s, strlen(s));
}

char *str_ndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *str_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf b = BUF_INIT;
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (buf_error(&b)) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

unsigned long long str_hash(const char *s, size_t n)
{
    unsigned long long h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

int str_all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}
