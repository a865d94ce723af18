/* fuzz_html.c - libFuzzer target for the HTML reader (corpus/html.c).
 *
 * Input: one byte of switches, then the page.
 *   bit 0: the page is windows-1252 bytes, converted first with
 *          rpt_html_cp1252_to_utf8 (what reader.c does for a page that
 *          declares that charset); else it is taken as UTF-8 (through
 *          stm_to_utf8 first when it is not, as reader.c does).
 *   bit 1: the text is then parsed as "md", as reader.c parses it.
 * Every input also goes to rpt_html_sniff and rpt_html_declared_charset.
 *
 * Besides memory safety, the target checks what html.h promises: only the
 * documented status codes, valid UTF-8 out, a NUL at text[text_len], an
 * output that stays within a fixed multiple of the input (no entity or
 * markup makes it grow without bound), the same output on a second run,
 * and a declared charset that is a NUL-terminated lowercase name.
 */
#define _POSIX_C_SOURCE 200809L   /* strnlen */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus/html.h"
#include "corpus/report.h"
#include "stemmer/stemmer.h"
#include "tests/fuzz/fuzz-common.h"


#define MAX_INPUT (256u * 1024u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char name[64];
    if (size < 1)
        return 0;
    unsigned sw = data[0];
    const char *raw = (const char *)data + 1;
    size_t len = size - 1;
    if (len > MAX_INPUT)
        len = MAX_INPUT;

    int sniffed = rpt_html_sniff(raw, len);
    FUZZ_CHECK(sniffed == 0 || sniffed == 1);
    memset(name, 'x', sizeof name);
    if (rpt_html_declared_charset(raw, len, name, sizeof name)) {
        size_t n = strnlen(name, sizeof name);
        FUZZ_CHECK(n < sizeof name);
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK(!(name[i] >= 'A' && name[i] <= 'Z'));
        int is1252 = rpt_html_charset_is_cp1252(name);
        FUZZ_CHECK(is1252 == 0 || is1252 == 1);
    }

    char *utf8 = NULL;
    size_t utf8_len = 0;
    int rc;
    if (sw & 1) {
        rc = rpt_html_cp1252_to_utf8(raw, len, &utf8, &utf8_len);
        FUZZ_CHECK(rc == 0 || rc == RPT_ERR_NOMEM || rc == RPT_ERR_TOO_BIG);
        if (rc != 0)
            return 0;
        FUZZ_CHECK(utf8[utf8_len] == '\0');
        FUZZ_CHECK(utf8_valid((const unsigned char *)utf8, utf8_len));
        /* at most three bytes (U+FFFD) for each byte in */
        FUZZ_CHECK(utf8_len <= 3 * len);
    } else if (utf8_valid((const unsigned char *)raw, len)) {
        utf8 = malloc(len + 1);
        FUZZ_CHECK(utf8 != NULL);
        memcpy(utf8, raw, len);
        utf8[len] = '\0';
        utf8_len = len;
    } else {
        char *e = NULL;
        const char *cs = NULL;
        rc = stm_to_utf8(raw, len, &utf8, &utf8_len, &cs, &e);
        free(e);
        if (rc != 0)
            return 0;
    }

    char *text = NULL, *err = NULL;
    size_t text_len = 0;
    rc = rpt_html_to_text(utf8, utf8_len, &text, &text_len, &err);
    if (rc != 0) {
        FUZZ_CHECK(rc == RPT_ERR_NOMEM || rc == RPT_ERR_TOO_BIG);
        FUZZ_CHECK(err != NULL);
        free(err);
        free(utf8);
        return 0;
    }
    FUZZ_CHECK(err == NULL);
    FUZZ_CHECK(text != NULL && text[text_len] == '\0');
    FUZZ_CHECK(utf8_valid((const unsigned char *)text, text_len));
    FUZZ_CHECK(text_len <= 4 * utf8_len + 64);

    /* the same page gives the same text */
    char *again = NULL;
    size_t again_len = 0;
    FUZZ_CHECK(rpt_html_to_text(utf8, utf8_len, &again, &again_len, NULL) == 0);
    FUZZ_CHECK(again_len == text_len && memcmp(again, text, text_len) == 0);
    free(again);

    if (sw & 2) {
        rpt_report *r = NULL;
        char *perr = NULL;
        rc = rpt_parse_text(text, text_len, "md", "page.html", &r, &perr);
        if (rc == RPT_OK) {
            for (size_t i = 0; i < r->n_passages; i++) {
                FUZZ_CHECK(utf8_valid((const unsigned char *)r->passages[i].text,
                                      strlen(r->passages[i].text)));
                FUZZ_CHECK(r->passages[i].section < r->n_sections);
            }
            rpt_report_free(r);
        } else {
            free(perr);
        }
    }
    free(text);
    free(utf8);
    return 0;
}
