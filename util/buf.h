/* buf.h - a growing byte buffer with a cap, and small string helpers shared
 * by the indexer, the searcher and the CLI.
 *
 * Errors are sticky (as in SQLite FTS5's builders): once an append fails
 * (out of memory or over the cap) every later append is a no-op and
 * buf_error() says why, so callers check once at the end.
 */
#ifndef INSEARCH_BUF_H
#define INSEARCH_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
    char *data;      /* NUL-terminated when len > 0 or after buf_cstr */
    size_t len;
    size_t cap;      /* allocated bytes */
    size_t max;      /* growth cap in bytes; 0 means BUF_DEFAULT_MAX */
    int err;         /* 0, BUF_ERR_NOMEM or BUF_ERR_CAP */
} buf;

#define BUF_INIT {NULL, 0, 0, 0, 0}
#define BUF_DEFAULT_MAX ((size_t)256 * 1024 * 1024)
#define BUF_ERR_NOMEM (-1)
#define BUF_ERR_CAP (-2)

void buf_append(buf *b, const char *s, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Append `s` escaped as the inside of a JSON string (no quotes). Invalid
 * UTF-8 bytes become U+FFFD. */
void buf_json_escape(buf *b, const char *s, size_t n);
/* Append a JSON string with quotes; NULL gives null. */
void buf_json_str(buf *b, const char *s);
void buf_reset(buf *b);           /* len = 0, keeps memory and error */
void buf_free(buf *b);
/* Always-valid C string (empty if nothing appended). Borrowed. */
const char *buf_cstr(buf *b);
/* Take ownership of the data (malloc'd, NUL-terminated); b is emptied. */
char *buf_detach(buf *b, size_t *len);
int buf_error(const buf *b);

/* A slug: lowercase ASCII letters and digits, other runs become one '-',
 * no leading/trailing '-'. Non-ASCII UTF-8 letters are kept as they are.
 * Returns a malloc'd string (NULL on no memory). */
char *str_slugify(const char *s);
/* malloc'd copy; NULL stays NULL... and returns NULL only when out of
 * memory for a non-NULL s. */
char *str_dup(const char *s);
char *str_ndup(const char *s, size_t n);
/* Is s non-empty and made only of ASCII digits (a URN)? */
int str_all_digits(const char *s);
/* FNV-1a of n bytes: the hash of the project's small hash tables. */
unsigned long long str_hash(const char *s, size_t n);
/* printf into a new malloc'd string. */
char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* INSEARCH_BUF_H */
