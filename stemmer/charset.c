/* charset.c - bytes of any encoding to valid UTF-8 (stm_to_utf8), and the
 * UTF-8 checks the rest of stemmer/ uses.
 *
 * Almost every input is already UTF-8 (or ASCII), so that path is our own
 * validator and a copy: ICU is only woken for the rest.
 */
#include <stdlib.h>
#include <string.h>

#include "stemmer/icu.h"
#include "stemmer/stemmer-private.h"

/* Below this ucsdet confidence (0-100) the guess is noise: short English
 * text in windows-1252 often "looks like" ISO-8859-2 or Shift_JIS. */
#define DETECT_MIN_CONFIDENCE 50
/* ucsdet only needs a sample, and below a minimum it guesses wildly (four
 * bytes "a\x81b\x9d" come out windows-1254 at 60): short unknown input is
 * taken as windows-1252. */
#define DETECT_SAMPLE_BYTES 65536
#define DETECT_MIN_BYTES 64

/* windows-1252 bytes 0x80-0x9F (the rest is Latin-1). The five bytes it
 * leaves undefined become U+FFFD: visible, never dropped. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

/* Charsets we accept from ucsdet. Its guesses of EBCDIC (IBM420/424) and
 * of anything not listed here are not trusted for English reports. The
 * strings double as the static names stm_to_utf8 hands back. */
static const char *const detectable[] = {
    "UTF-16BE", "UTF-16LE", "UTF-32BE", "UTF-32LE", "Shift_JIS",
    "ISO-2022-JP", "ISO-2022-CN", "ISO-2022-KR", "GB18030", "EUC-JP",
    "EUC-KR", "Big5", "ISO-8859-2", "ISO-8859-5", "ISO-8859-6",
    "ISO-8859-7", "ISO-8859-8", "ISO-8859-8-I", "ISO-8859-9",
    "windows-1250", "windows-1251", "windows-1253", "windows-1254",
    "windows-1255", "windows-1256", "KOI8-R",
};

int stm_error_set(char **err, int code, const char *msg)
{
    if (err != NULL) {
        size_t n = strlen(msg) + 1;
        *err = malloc(n);
        if (*err != NULL)
            memcpy(*err, msg, n);
    }
    return code;
}

size_t stm_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
    } else {
        goto bad;
    }
    if (len < n)
        goto bad;
    unsigned c1 = s[1];
    if ((c1 & 0xC0) != 0x80 || (c == 0xE0 && c1 < 0xA0) ||
        (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) ||
        (c == 0xF4 && c1 > 0x8F))
        goto bad;
    v = (v << 6) | (c1 & 0x3F);
    for (size_t k = 2; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            goto bad;
        v = (v << 6) | (s[k] & 0x3F);
    }
    *cp = v;
    return n;
bad:
    *cp = 0xFFFD;
    return 1;
}

size_t stm_utf8_valid_prefix(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        if (len - i >= 8) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            if ((v & UINT64_C(0x8080808080808080)) == 0) {
                i += 8;
                continue;
            }
        }
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = stm_utf8_decode(s + i, len - i, &cp);
        /* A genuine U+FFFD is three bytes; a one-byte U+FFFD is an error. */
        if (n == 1)
            return i;
        i += n;
    }
    return i;
}

static size_t utf8_put(char *out, uint32_t cp)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

static uint32_t cp1252_to_unicode(unsigned char b)
{
    return (b >= 0x80 && b < 0xA0) ? cp1252_high[b - 0x80] : b;
}

/* Every output path ends here: NUL bytes (in UTF-8 only U+0000 has them)
 * become spaces, so C strings and ICU both see the whole text. */
static void nul_to_space(char *s, size_t len)
{
    char *p = s, *end = s + len;
    while ((p = memchr(p, '\0', (size_t)(end - p))) != NULL)
        *p++ = ' ';
}

/* Output room: any input byte becomes at most 3 bytes of UTF-8 (a lone
 * byte at worst U+FFFD or a BMP character; 4-byte output needs 2+ input
 * bytes). */
static char *alloc_out(size_t len)
{
    if (len > (SIZE_MAX - 8) / 3)
        return NULL;
    return malloc(len * 3 + 8);
}

/* UTF-8 that has some invalid bytes: keep every valid sequence, read each
 * invalid byte as windows-1252 (the usual cause: a pasted "smart quote"). */
static int convert_utf8_repair(const char *in, size_t len, char **out,
                               size_t *out_len)
{
    char *o = alloc_out(len);
    if (o == NULL)
        return STM_ERR_NOMEM;
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0, n = 0;
    while (i < len) {
        size_t ok = stm_utf8_valid_prefix(in + i, len - i);
        memcpy(o + n, in + i, ok);
        n += ok;
        i += ok;
        if (i < len) {
            n += utf8_put(o + n, cp1252_to_unicode(s[i]));
            i++;
        }
    }
    o[n] = '\0';
    *out = o;
    *out_len = n;
    return STM_OK;
}

static int convert_cp1252(const char *in, size_t len, char **out,
                          size_t *out_len)
{
    char *o = alloc_out(len);
    if (o == NULL)
        return STM_ERR_NOMEM;
    const unsigned char *s = (const unsigned char *)in;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < 0x80)
            o[n++] = (char)s[i];
        else
            n += utf8_put(o + n, cp1252_to_unicode(s[i]));
    }
    o[n] = '\0';
    *out = o;
    *out_len = n;
    return STM_OK;
}

/* ICU's default to-Unicode substitution gives U+001A for single-byte
 * charsets, which looks like a control character; we want U+FFFD. */
static void to_u_replacement(const void *context, UConverterToUnicodeArgs *args,
                             const char *units, int32_t length,
                             UConverterCallbackReason reason, UErrorCode *st)
{
    (void)context;
    (void)units;
    (void)length;
    if (reason == UCNV_UNASSIGNED || reason == UCNV_ILLEGAL ||
        reason == UCNV_IRREGULAR) {
        static const UChar fffd = 0xFFFD;
        *st = U_ZERO_ERROR;
        stm_icu.ucnv_cbToUWriteUChars(args, &fffd, 1, 0, st);
    }
}

/* ICU maps the bytes some single-byte charsets leave undefined to C1
 * controls (U+0080-U+009F): invisible, so as good as dropped. They become
 * U+FFFD (2 bytes to 3: o has room, since each came from 1+ input byte and
 * the output is at most 3 bytes per input byte). */
static void c1_to_replacement(char *o, size_t *len)
{
    size_t n = *len, extra = 0;
    for (size_t i = 0; i + 1 < n; i++)
        if ((unsigned char)o[i] == 0xC2 && (unsigned char)o[i + 1] < 0xA0)
            extra++;
    if (extra == 0)
        return;
    /* from the end, so nothing is overwritten before it is read */
    size_t w = n + extra;
    o[w] = '\0';
    for (size_t i = n; i > 0;) {
        i--;
        if (i > 0 && (unsigned char)o[i - 1] == 0xC2 &&
            (unsigned char)o[i] >= 0x80 && (unsigned char)o[i] < 0xA0) {
            o[--w] = (char)0xBD;
            o[--w] = (char)0xBF;
            o[--w] = (char)0xEF;
            i--;
        } else {
            o[--w] = o[i];
        }
    }
    *len = n + extra;
}

static int convert_icu(const char *charset, const char *in, size_t len,
                       char **out, size_t *out_len, char **err)
{
    int lrc = stm_icu_load(err);
    if (lrc < 0)
        return lrc;
    UErrorCode st = U_ZERO_ERROR;
    UConverter *src = stm_icu.ucnv_open(charset, &st);
    UConverter *dst = U_SUCCESS(st) ? stm_icu.ucnv_open("UTF-8", &st) : NULL;
    if (U_FAILURE(st)) {
        stm_icu.ucnv_close(src);
        stm_icu.ucnv_close(dst);
        return stm_error_set(err, STM_ERR_ICU, stm_icu.u_errorName(st));
    }
    stm_icu.ucnv_setToUCallBack(src, to_u_replacement, NULL, NULL, NULL, &st);

    char *o = alloc_out(len);
    if (o == NULL) {
        stm_icu.ucnv_close(src);
        stm_icu.ucnv_close(dst);
        return stm_error_set(err, STM_ERR_NOMEM, "out of memory");
    }
    char *target = o;
    const char *source = in;
    UChar pivot[1024];
    UChar *pivot_source = pivot, *pivot_target = pivot;
    /* One call with the whole input: no int32 length limits, since
     * ucnv_convertEx works on pointers. */
    stm_icu.ucnv_convertEx(dst, src, &target, o + len * 3 + 4, &source, in + len,
                   pivot, &pivot_source, &pivot_target, pivot + 1024,
                   1, 1, &st);
    stm_icu.ucnv_close(src);
    stm_icu.ucnv_close(dst);
    if (U_FAILURE(st)) {
        free(o);
        return stm_error_set(err, STM_ERR_ICU, stm_icu.u_errorName(st));
    }
    size_t n = (size_t)(target - o);
    o[n] = '\0';
    c1_to_replacement(o, &n);
    /* ICU's UTF-8 writer substitutes lone surrogates; check anyway, since
     * the promise is "always valid UTF-8". */
    if (stm_utf8_valid_prefix(o, n) != n) {
        char *fixed;
        size_t fixed_len;
        int rc = convert_utf8_repair(o, n, &fixed, &fixed_len);
        free(o);
        if (rc < 0)
            return stm_error_set(err, rc, "out of memory");
        o = fixed;
        n = fixed_len;
    }
    *out = o;
    *out_len = n;
    return STM_OK;
}

/* ucsdet's guess, or NULL for windows-1252. */
static const char *detect_charset(const char *in, size_t len)
{
    if (len < DETECT_MIN_BYTES || stm_icu_load(NULL) < 0)
        return NULL; /* windows-1252, which needs no ICU */
    UErrorCode st = U_ZERO_ERROR;
    UCharsetDetector *det = stm_icu.ucsdet_open(&st);
    if (U_FAILURE(st))
        return NULL;
    int32_t n = len > DETECT_SAMPLE_BYTES ? DETECT_SAMPLE_BYTES : (int32_t)len;
    stm_icu.ucsdet_setText(det, in, n, &st);
    const UCharsetMatch *m = U_SUCCESS(st) ? stm_icu.ucsdet_detect(det, &st) : NULL;
    const char *found = NULL;
    if (m != NULL && U_SUCCESS(st)) {
        int32_t conf = stm_icu.ucsdet_getConfidence(m, &st);
        const char *name = stm_icu.ucsdet_getName(m, &st);
        if (U_SUCCESS(st) && name != NULL && conf >= DETECT_MIN_CONFIDENCE) {
            if (strcmp(name, "UTF-8") == 0) {
                found = "UTF-8";
            } else {
                for (size_t i = 0; i < sizeof detectable / sizeof *detectable;
                     i++)
                    if (strcmp(name, detectable[i]) == 0)
                        found = detectable[i];
            }
        }
    }
    stm_icu.ucsdet_close(det);
    return found;
}

int stm_to_utf8(const char *bytes, size_t len, char **out, size_t *out_len,
                const char **charset, char **err)
{
    const unsigned char *b = (const unsigned char *)bytes;
    const char *name;
    int rc;

    *out = NULL;
    if (out_len != NULL)
        *out_len = 0;
    if (charset != NULL)
        *charset = NULL;
    if (bytes == NULL && len > 0)
        return stm_error_set(err, STM_ERR_INVALID, "no input");
    if (len > (SIZE_MAX - 8) / 3)
        return stm_error_set(err, STM_ERR_INVALID, "input too large");

    size_t n = 0;
    char *o = NULL;
    if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        name = "UTF-8";
        rc = convert_utf8_repair(bytes + 3, len - 3, &o, &n);
    } else if (len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) ||
                            (b[0] == 0xFE && b[1] == 0xFF))) {
        name = b[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
        rc = convert_icu(name, bytes + 2, len - 2, &o, &n, err);
        if (rc < 0)
            return rc;
    } else if (stm_utf8_valid_prefix(bytes, len) == len) {
        name = "UTF-8";
        o = malloc(len + 1);
        rc = o != NULL ? STM_OK : STM_ERR_NOMEM;
        if (o != NULL) {
            if (len > 0)
                memcpy(o, bytes, len);
            o[len] = '\0';
            n = len;
        }
    } else {
        name = detect_charset(bytes, len);
        if (name != NULL && strcmp(name, "UTF-8") == 0) {
            rc = convert_utf8_repair(bytes, len, &o, &n);
        } else if (name != NULL) {
            rc = convert_icu(name, bytes, len, &o, &n, err);
            if (rc < 0)
                return rc;
        } else {
            /* ISO-8859-1 also lands here: its 0x80-0x9F are C1 controls
             * nobody means, while windows-1252 gives them quotes. */
            name = "windows-1252";
            rc = convert_cp1252(bytes, len, &o, &n);
        }
    }
    if (rc < 0)
        return stm_error_set(err, rc, "out of memory");
    nul_to_space(o, n);
    *out = o;
    if (out_len != NULL)
        *out_len = n;
    if (charset != NULL)
        *charset = name;
    return STM_OK;
}
