/* reader.c - a report file's bytes into UTF-8 text, then parsed.
 *
 * The file is opened without blocking and checked with fstat before any
 * read, so a FIFO or a device named like a report cannot hang or flood the
 * indexer. Gzip is recognised by its magic bytes, not by the name, and is
 * inflated into a buffer that never grows beyond RPT_MAX_TEXT_BYTES: a gzip
 * bomb stops at the cap having cost at most that much memory. A PDF is
 * recognised by its "%PDF-" header, also inside gzip and whatever the name,
 * and its text comes from pdftotext (pdf.c). HTML is recognised by its
 * content too (or by an .html/.htm name when the file starts with a tag),
 * after conversion to UTF-8; html.c turns it into markdown-like text that
 * is parsed as "md" and recorded as format "html".
 */
#define _POSIX_C_SOURCE 200809L
#include "corpus/html.h"
#include "corpus/pdf.h"
#include "corpus/report-private.h"
#include "stemmer/stemmer.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define GZIP_MAX_DEPTH 3
#define SNIFF_BYTES 4096u

static int file_read_all(const char *path, char **out, size_t *out_len, char **err)
{
    int fd;
    struct stat st;
    char *buf;
    size_t len = 0, cap;

    *out = NULL;
    *out_len = 0;
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return rpt_error_set(err, RPT_ERR_IO, path, "cannot open: %s",
                             strerror(errno));
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return rpt_error_set(err, RPT_ERR_IO, path, "cannot stat: %s",
                             strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        const char *what = S_ISDIR(st.st_mode) ? "a directory" :
                           S_ISFIFO(st.st_mode) ? "a FIFO" :
                           S_ISCHR(st.st_mode) ? "a character device" :
                           S_ISBLK(st.st_mode) ? "a block device" :
                           S_ISSOCK(st.st_mode) ? "a socket" : "not a regular file";
        close(fd);
        return rpt_error_set(err, RPT_ERR_IO, path,
                             "not a regular file (%s)", what);
    }
    if ((unsigned long long)st.st_size > RPT_MAX_TEXT_BYTES) {
        close(fd);
        return rpt_error_set(err, RPT_ERR_TOO_BIG, path,
                             "file too big (%lld bytes, limit %u)",
                             (long long)st.st_size, RPT_MAX_TEXT_BYTES);
    }
    /* the size may change while we read: read to EOF, within the cap */
    cap = (size_t)st.st_size + 1;
    buf = malloc(cap + 1);
    if (!buf) {
        close(fd);
        return rpt_error_set(err, RPT_ERR_NOMEM, path, "out of memory");
    }
    for (;;) {
        ssize_t got;
        if (len == cap) {
            size_t ncap = cap * 2;
            char *p;
            if (cap > RPT_MAX_TEXT_BYTES) {
                free(buf);
                close(fd);
                return rpt_error_set(err, RPT_ERR_TOO_BIG, path,
                                     "file too big (limit %u bytes)",
                                     RPT_MAX_TEXT_BYTES);
            }
            if (ncap > RPT_MAX_TEXT_BYTES + 1u)
                ncap = RPT_MAX_TEXT_BYTES + 1u;
            p = realloc(buf, ncap + 1);
            if (!p) {
                free(buf);
                close(fd);
                return rpt_error_set(err, RPT_ERR_NOMEM, path, "out of memory");
            }
            buf = p;
            cap = ncap;
        }
        got = read(fd, buf + len, cap - len);
        if (got < 0) {
            int e = errno;
            if (e == EINTR)
                continue;
            free(buf);
            close(fd);
            return rpt_error_set(err, RPT_ERR_IO, path, "read error: %s",
                                 strerror(e));
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    close(fd);
    if (len > RPT_MAX_TEXT_BYTES) {
        free(buf);
        return rpt_error_set(err, RPT_ERR_TOO_BIG, path,
                             "file too big (limit %u bytes)", RPT_MAX_TEXT_BYTES);
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return RPT_OK;
}

static int is_gzip(const char *b, size_t n)
{
    return n >= 2 && (unsigned char)b[0] == 0x1f && (unsigned char)b[1] == 0x8b;
}

/* Inflate one gzip stream (possibly several concatenated members) into a
 * new buffer, at most RPT_MAX_TEXT_BYTES. */
static int gzip_inflate(const char *path, const char *in, size_t in_len,
                        char **out, size_t *out_len, char **err)
{
    z_stream zs;
    char *buf;
    size_t cap, len = 0;
    int zrc;

    *out = NULL;
    *out_len = 0;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 15 + 16) != Z_OK)
        return rpt_error_set(err, RPT_ERR_NOMEM, path, "cannot start zlib");
    cap = in_len * 4 + 4096;
    if (cap > RPT_MAX_TEXT_BYTES + 1u)
        cap = RPT_MAX_TEXT_BYTES + 1u;
    buf = malloc(cap + 1);
    if (!buf) {
        inflateEnd(&zs);
        return rpt_error_set(err, RPT_ERR_NOMEM, path, "out of memory");
    }
    zs.next_in = (Bytef *)(uintptr_t)in;
    for (;;) {
        size_t left_in = in_len - (size_t)((const char *)zs.next_in - in);
        uInt chunk_in = left_in > 1u << 30 ? 1u << 30 : (uInt)left_in;
        uInt chunk_out;
        if (len == cap) {
            size_t ncap;
            char *p;
            if (cap > RPT_MAX_TEXT_BYTES) {
                free(buf);
                inflateEnd(&zs);
                return rpt_error_set(err, RPT_ERR_TOO_BIG, path,
                                     "inflated data over the limit of %u bytes",
                                     RPT_MAX_TEXT_BYTES);
            }
            ncap = cap * 2;
            if (ncap > RPT_MAX_TEXT_BYTES + 1u)
                ncap = RPT_MAX_TEXT_BYTES + 1u;
            p = realloc(buf, ncap + 1);
            if (!p) {
                free(buf);
                inflateEnd(&zs);
                return rpt_error_set(err, RPT_ERR_NOMEM, path, "out of memory");
            }
            buf = p;
            cap = ncap;
        }
        chunk_out = cap - len > 1u << 30 ? 1u << 30 : (uInt)(cap - len);
        zs.avail_in = chunk_in;
        zs.next_out = (Bytef *)buf + len;
        zs.avail_out = chunk_out;
        zrc = inflate(&zs, Z_NO_FLUSH);
        len += chunk_out - zs.avail_out;
        if (zrc == Z_STREAM_END) {
            /* another member may follow; trailing zeros are padding */
            size_t pos = (size_t)((const char *)zs.next_in - in);
            while (pos < in_len && in[pos] == '\0')
                pos++;
            if (pos + 2 <= in_len && is_gzip(in + pos, in_len - pos)) {
                zs.next_in = (Bytef *)(uintptr_t)(in + pos);
                if (inflateReset(&zs) != Z_OK) {
                    free(buf);
                    inflateEnd(&zs);
                    return rpt_error_set(err, RPT_ERR_FORMAT, path,
                                         "corrupt gzip data");
                }
                continue;
            }
            break;
        }
        if (zrc == Z_OK)
            continue;
        if (zrc == Z_BUF_ERROR && zs.avail_out == 0)
            continue;   /* output full: grow and go on */
        {
            const char *why = zs.msg ? zs.msg : zError(zrc);
            int truncated = zrc == Z_BUF_ERROR && zs.avail_in == 0;
            free(buf);
            inflateEnd(&zs);
            if (zrc == Z_MEM_ERROR)
                return rpt_error_set(err, RPT_ERR_NOMEM, path, "out of memory");
            if (truncated)
                return rpt_error_set(err, RPT_ERR_FORMAT, path,
                                     "truncated gzip data (unexpected end of file)");
            return rpt_error_set(err, RPT_ERR_FORMAT, path,
                                 "corrupt gzip data (%s)", why);
        }
    }
    inflateEnd(&zs);
    if (len > RPT_MAX_TEXT_BYTES) {
        free(buf);
        return rpt_error_set(err, RPT_ERR_TOO_BIG, path,
                             "inflated data over the limit of %u bytes",
                             RPT_MAX_TEXT_BYTES);
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return RPT_OK;
}

/* Binary data named like a report. Returns a description or NULL. */
static const char *sniff_binary(const char *b, size_t n)
{
    size_t i, k = n < SNIFF_BYTES ? n : SNIFF_BYTES, bad = 0, nul = 0;
    if (n >= 4 && memcmp(b, "PK\x03\x04", 4) == 0)
        return "not text (looks like a ZIP archive or Office document)";
    if (n >= 8 && memcmp(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return "not text (looks like an old Office document)";
    if (n >= 4 && memcmp(b, "\x89PNG", 4) == 0)
        return "not text (looks like a PNG image)";
    if (n >= 3 && memcmp(b, "\xFF\xD8\xFF", 3) == 0)
        return "not text (looks like a JPEG image)";
    /* UTF-16 and UTF-32 with a BOM are text full of NULs */
    if (n >= 2 && (((unsigned char)b[0] == 0xFF && (unsigned char)b[1] == 0xFE) ||
                   ((unsigned char)b[0] == 0xFE && (unsigned char)b[1] == 0xFF)))
        return NULL;
    for (i = 0; i < k; i++) {
        unsigned char c = (unsigned char)b[i];
        if (c == 0)
            nul++;
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' &&
             c != 0x1b) || c == 0x7f)
            bad++;
    }
    if (nul * 100 > k || bad * 10 > k)
        return "not text (binary data)";
    return NULL;
}

static int name_is_markdown(const char *name, size_t n)
{
    return (n >= 3 && strcmp(name + n - 3, ".md") == 0) ||
           (n >= 9 && strcmp(name + n - 9, ".markdown") == 0) ||
           (n >= 3 && strcmp(name + n - 3, ".MD") == 0);
}

static int name_is_html(const char *name, size_t n)
{
    static const char *const ends[] = {".html", ".htm", ".xhtml", ".HTML", ".HTM"};
    size_t i;
    for (i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        size_t e = strlen(ends[i]);
        if (n >= e && memcmp(name + n - e, ends[i], e) == 0)
            return 1;
    }
    return 0;
}

/* UTF-8 text that is HTML: by content, or by name when it starts with a tag
 * (a saved fragment has no doctype). */
static int text_is_html(const char *path, size_t name_len, const char *t,
                        size_t n)
{
    size_t i = 0;
    if (rpt_html_sniff(t, n))
        return 1;
    if (!name_is_html(path, name_len))
        return 0;
    while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
        i++;
    return i + 1 < n && t[i] == '<' &&
           ((t[i + 1] >= 'a' && t[i + 1] <= 'z') || (t[i + 1] >= 'A' && t[i + 1] <= 'Z') ||
            t[i + 1] == '!');
}

/* HTML text (UTF-8) into the markdown-like text parse.c reads. `raw` is
 * the page's bytes before conversion: a page that declares windows-1252
 * (or a label HTML reads so, such as iso-8859-1) is converted as that when
 * charset detection guessed another single-byte charset. */
static int html_convert(const char *path, const char *raw, size_t raw_len,
                        char **utf8, size_t *utf8_len, const char **charset,
                        char **err)
{
    char declared[40];
    char *text, *herr = NULL;
    size_t text_len;
    int rc;

    if (*charset && strcmp(*charset, "UTF-8") != 0 &&
        strncmp(*charset, "UTF-16", 6) != 0 &&
        strcmp(*charset, "windows-1252") != 0 &&
        rpt_html_declared_charset(raw, raw_len, declared, sizeof declared) &&
        rpt_html_charset_is_cp1252(declared)) {
        char *again;
        size_t again_len;
        rc = rpt_html_cp1252_to_utf8(raw, raw_len, &again, &again_len);
        if (rc != RPT_OK)
            return rpt_error_set(err, rc, path, "cannot convert to UTF-8: %s",
                                 rc == RPT_ERR_NOMEM ? "out of memory" : "too big");
        free(*utf8);
        *utf8 = again;
        *utf8_len = again_len;
        *charset = "windows-1252";
    }
    rc = rpt_html_to_text(*utf8, *utf8_len, &text, &text_len, &herr);
    if (rc != RPT_OK) {
        rc = rpt_error_set(err, rc, path, "%s", herr ? herr : "cannot read the HTML");
        free(herr);
        return rc;
    }
    free(*utf8);
    *utf8 = text;
    *utf8_len = text_len;
    return RPT_OK;
}

int rpt_read_file(const char *path, rpt_report **out, char **err)
{
    char *data = NULL, *utf8 = NULL;
    size_t len = 0, utf8_len = 0, name_len;
    int rc, depth = 0;
    const char *charset = NULL;
    const char *why;
    char *stm_err = NULL;
    int markdown, html = 0;
    char format[16];

    *out = NULL;
    if (err)
        *err = NULL;
    if (!path)
        return rpt_error_set(err, RPT_ERR_IO, "(null)", "no file name");
    /* A PDF on disk is never read here: pdftotext reads it itself, so it
     * may be bigger than any text (its images), up to RPT_MAX_FILE_BYTES. */
    {
        char head[1024];
        struct stat st;
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        ssize_t got = -1;
        int regular = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
        if (regular)
            got = read(fd, head, sizeof head);
        if (fd >= 0)
            close(fd);
        if (got > 0 && rpt_pdf_sniff(head, (size_t)got)) {
            if ((unsigned long long)st.st_size > RPT_MAX_FILE_BYTES)
                return rpt_error_set(err, RPT_ERR_TOO_BIG, path,
                                     "file too big (%lld bytes, limit %u)",
                                     (long long)st.st_size,
                                     RPT_MAX_FILE_BYTES);
            rc = rpt_pdf_extract(path, NULL, 0, NULL, &utf8, &utf8_len, err);
            if (rc != RPT_OK)
                return rc;
            strcpy(format, "pdf");
            goto parse;
        }
    }
    rc = file_read_all(path, &data, &len, err);
    if (rc != RPT_OK)
        return rc;
    if (len == 0) {
        free(data);
        return rpt_error_set(err, RPT_ERR_EMPTY, path, "empty file");
    }
    name_len = strlen(path);
    while (is_gzip(data, len)) {
        char *inner;
        size_t inner_len;
        if (depth == GZIP_MAX_DEPTH) {
            free(data);
            return rpt_error_set(err, RPT_ERR_FORMAT, path,
                                 "gzip nested more than %d deep", GZIP_MAX_DEPTH);
        }
        rc = gzip_inflate(path, data, len, &inner, &inner_len, err);
        free(data);
        if (rc != RPT_OK)
            return rc;
        data = inner;
        len = inner_len;
        depth++;
        if (name_len >= 3 && memcmp(path + name_len - 3, ".gz", 3) == 0)
            name_len -= 3;
    }
    if (len == 0) {
        free(data);
        return rpt_error_set(err, RPT_ERR_EMPTY, path, "empty file (after gzip)");
    }
    if (rpt_pdf_sniff(data, len)) {
        /* A PDF on disk as it is: pdftotext reads the file itself. One that
         * came out of gzip exists only here, so its bytes are handed over. */
        rc = rpt_pdf_extract(path, depth > 0 ? data : NULL, len, NULL, &utf8,
                             &utf8_len, err);
        free(data);
        if (rc != RPT_OK)
            return rc;
        strcpy(format, "pdf");
    } else {
        why = sniff_binary(data, len);
        if (why) {
            free(data);
            return rpt_error_set(err, RPT_ERR_FORMAT, path, "%s", why);
        }
        if (stm_to_utf8(data, len, &utf8, &utf8_len, &charset, &stm_err) != 0) {
            free(data);
            rc = rpt_error_set(err, RPT_ERR_FORMAT, path, "cannot convert to UTF-8: %s",
                               stm_err ? stm_err : "unknown error");
            free(stm_err);
            return rc;
        }
        html = text_is_html(path, name_len, utf8, utf8_len);
        if (html) {
            rc = html_convert(path, data, len, &utf8, &utf8_len, &charset, err);
            if (rc != RPT_OK) {
                free(data);
                free(utf8);
                return rc;
            }
        }
        free(data);
        {
            /* only whitespace? */
            size_t i;
            for (i = 0; i < utf8_len; i++) {
                unsigned char c = (unsigned char)utf8[i];
                if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
                      c == '\v'))
                    break;
            }
            if (i == utf8_len) {
                free(utf8);
                return rpt_error_set(err, RPT_ERR_EMPTY, path,
                                     html ? "no text in the HTML page" : "no text in the file");
            }
        }
        if (html) {
            markdown = 1;
        } else {
            char name[64];
            size_t tail = name_len > 20 ? 20 : name_len;
            memcpy(name, path + name_len - tail, tail);
            name[tail] = '\0';
            markdown = name_is_markdown(name, tail) ||
                       rpt_text_looks_markdown(utf8, utf8_len);
        }
        strcpy(format, markdown ? "md" : "txt");
    }
parse:
    rc = rpt_parse_text(utf8, utf8_len, format, path, out, err);
    free(utf8);
    if (rc != RPT_OK)
        return rc;
    if (html) {
        /* parsed as markdown (what html.c writes), recorded as what it was */
        char *f = rpt_strndup("html", 4);
        if (!f) {
            rpt_report_free(*out);
            *out = NULL;
            return rpt_error_set(err, RPT_ERR_NOMEM, path, "out of memory");
        }
        free((*out)->format);
        (*out)->format = f;
        strcpy(format, "html");
    }
    if (depth > 0) {
        char *f = malloc(strlen(format) + 4);
        if (!f) {
            rpt_report_free(*out);
            *out = NULL;
            return rpt_error_set(err, RPT_ERR_NOMEM, path, "out of memory");
        }
        strcpy(f, format);
        strcat(f, "+gz");
        free((*out)->format);
        (*out)->format = f;
    }
    if (charset) {
        char *c = rpt_strndup(charset, strlen(charset));
        if (!c) {
            rpt_report_free(*out);
            *out = NULL;
            return rpt_error_set(err, RPT_ERR_NOMEM, path, "out of memory");
        }
        free((*out)->charset);
        (*out)->charset = c;
    }
    return RPT_OK;
}
