/* fuzz_reader.c - libFuzzer target for rpt_read_file (corpus/reader.c):
 * gzip (nested too), the binary sniffing, charset detection and the
 * markdown guess, then the parser.
 *
 * Input: one byte choosing the file's name (its low three bits: .txt, .md,
 * .gz, .txt.gz, .markdown, .pdf, no suffix, .md.gz), then the file's bytes,
 * written to a private temporary folder and read back. Inputs over 1 MB are
 * cut: the reader's own cap (RPT_MAX_TEXT_BYTES) is far above anything a
 * fuzzer should spend time on, and a small gzip can inflate up to it.
 *
 * pdftotext is not run: PATH is pointed at an empty folder, so a PDF takes
 * the "cannot run pdftotext" path (poppler is not ours to fuzz, and a child
 * process per input would slow the search a hundredfold). FUZZ_PDFTOTEXT=1
 * keeps PATH.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus/report.h"
#include "tests/fuzz/fuzz-common.h"


#define MAX_INPUT (1024u * 1024u)

static char dir[256];
static char paths[8][320];

static void cleanup(void)
{
    for (int i = 0; i < 8; i++)
        unlink(paths[i]);
    char empty[300];
    snprintf(empty, sizeof empty, "%s/bin", dir);
    rmdir(empty);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const char *const names[8] = {
        "r.txt", "r.md", "r.gz", "r.txt.gz", "r.markdown", "r.pdf", "r",
        "r.md.gz"};
    (void)argc;
    (void)argv;
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/fuzz_reader.XXXXXX", t && *t ? t : "/tmp");
    FUZZ_CHECK(mkdtemp(dir) != NULL);
    for (int i = 0; i < 8; i++)
        snprintf(paths[i], sizeof paths[i], "%s/%s", dir, names[i]);
    atexit(cleanup);
    const char *keep = getenv("FUZZ_PDFTOTEXT");
    if (!keep || strcmp(keep, "1") != 0) {
        char empty[300];
        snprintf(empty, sizeof empty, "%s/bin", dir);
        FUZZ_CHECK(mkdir(empty, 0700) == 0);
        setenv("PATH", empty, 1);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *path = paths[data[0] & 7];
    data++;
    size--;
    if (size > MAX_INPUT)
        size = MAX_INPUT;

    FILE *f = fopen(path, "wb");
    FUZZ_CHECK(f != NULL);
    FUZZ_CHECK(fwrite(data, 1, size, f) == size);
    FUZZ_CHECK(fclose(f) == 0);

    rpt_report *r = (rpt_report *)1;
    char *err = NULL;
    int rc = rpt_read_file(path, &r, &err);
    if (rc == RPT_OK) {
        FUZZ_CHECK(r != NULL);
        FUZZ_CHECK(strcmp(r->source, path) == 0);
        const char *fm = r->format;
        FUZZ_CHECK(strcmp(fm, "txt") == 0 || strcmp(fm, "md") == 0 ||
                   strcmp(fm, "pdf") == 0 || strcmp(fm, "txt+gz") == 0 ||
                   strcmp(fm, "md+gz") == 0 || strcmp(fm, "pdf+gz") == 0);
        FUZZ_CHECK(r->charset != NULL && r->charset[0] != '\0');
        for (size_t i = 0; i < r->n_passages; i++)
            FUZZ_CHECK(utf8_valid((const unsigned char *)r->passages[i].text,
                                  strlen(r->passages[i].text)));
        FUZZ_CHECK(size > 0);
        rpt_report_free(r);
    } else {
        FUZZ_CHECK(rc == RPT_ERR_IO || rc == RPT_ERR_FORMAT ||
                   rc == RPT_ERR_TOO_BIG || rc == RPT_ERR_EMPTY);
        /* a failure is told with the file's name */
        FUZZ_CHECK(err != NULL && strstr(err, path) != NULL);
        free(err);
    }
    return 0;
}
