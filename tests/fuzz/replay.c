/* replay.c - run a libFuzzer target's LLVMFuzzerTestOneInput over files,
 * without libFuzzer: `make check` builds each target with gcc and this
 * main, and replays the seed corpus and every past finding (see
 * tests/fuzz-replay.sh).
 *
 *   replay_TARGET FILE-OR-FOLDER...
 *
 * Folders are read one level deep (a corpus is flat), in name order so a
 * failure is reproducible. A target's failed check aborts, which fails the
 * test; the name of the input being run is printed first so the log says
 * which one it was.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional: a target that needs no set-up does not define it. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* A corpus file bigger than this is a mistake, not an input. */
#define REPLAY_MAX_BYTES (8u * 1024u * 1024u)

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    size_t cap = 4096, len = 0;
    unsigned char *data = malloc(cap);
    while (data) {
        size_t got = fread(data + len, 1, cap - len, f);
        len += got;
        if (len < cap)
            break;
        if (cap >= REPLAY_MAX_BYTES) {
            fprintf(stderr, "replay: %s is over %u bytes\n", path,
                    REPLAY_MAX_BYTES);
            free(data);
            fclose(f);
            return -1;
        }
        unsigned char *more = realloc(data, cap * 2);
        if (!more)
            free(data);
        data = more;
        cap *= 2;
    }
    int bad = ferror(f) || !data;
    fclose(f);
    if (bad) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        free(data);
        return -1;
    }
    printf("replay: %s (%zu bytes)\n", path, len);
    fflush(stdout);
    /* an exact-size copy, so ASan or valgrind see a read past the end */
    unsigned char *exact = malloc(len ? len : 1);
    if (!exact) {
        free(data);
        return -1;
    }
    memcpy(exact, data, len);
    free(data);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "replay: cannot open folder %s\n", dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            char **more = realloc(names, ncap * sizeof *names);
            if (!more) {
                rc = -1;
                break;
            }
            names = more;
            cap = ncap;
        }
        size_t l = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(l);
        if (!names[n]) {
            rc = -1;
            break;
        }
        snprintf(names[n], l, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            if (run_file(names[i]) != 0)
                rc = -1;
            else
                (*count)++;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE-OR-FOLDER...\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    size_t count = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        int rc;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: no such file or folder: %s\n", argv[i]);
            return 1;
        }
        if (S_ISDIR(st.st_mode)) {
            rc = run_dir(argv[i], &count);
        } else {
            rc = run_file(argv[i]);
            count += rc == 0;
        }
        if (rc != 0)
            return 1;
    }
    printf("replay: %zu inputs, all passed\n", count);
    return 0;
}
