/* timecmd - run a command once and report how long it took.
 *
 *   timecmd [-q] [-o FILE] COMMAND [ARG...]
 *
 * Prints one line: "<elapsed microseconds> <exit status> <peak RSS KB>".
 * The clock is CLOCK_MONOTONIC read just before fork and just after the
 * child is reaped, so the figure is the whole process (exec, dynamic
 * loading, opening the index, the work, exit) and nothing of the shell
 * that called us. -q sends the command's stdout and stderr to /dev/null;
 * -o appends the line to FILE instead of printing it. The exit status is
 * the command's (128+N if it died of signal N, 127 if it could not be run);
 * timecmd itself exits 0 when it measured something, 2 on usage errors.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void usage(void)
{
    fputs("usage: timecmd [-q] [-o FILE] COMMAND [ARG...]\n", stderr);
}

int main(int argc, char **argv)
{
    int quiet = 0, i = 1;
    const char *outfile = NULL;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-q") == 0) {
            quiet = 1;
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            outfile = argv[++i];
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else {
            usage();
            return 2;
        }
    }
    if (i >= argc) {
        usage();
        return 2;
    }

    /* Open the output first so a bad path fails before the measurement. */
    FILE *out = stdout;
    if (outfile) {
        out = fopen(outfile, "a");
        if (!out) {
            fprintf(stderr, "timecmd: %s: %s\n", outfile, strerror(errno));
            return 2;
        }
    }
    fflush(NULL);

    long long t0 = now_us();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "timecmd: fork: %s\n", strerror(errno));
        return 2;
    }
    if (pid == 0) {
        if (quiet) {
            int fd = open("/dev/null", O_WRONLY);
            if (fd >= 0) {
                dup2(fd, 1);
                dup2(fd, 2);
                if (fd > 2)
                    close(fd);
            }
        }
        execvp(argv[i], argv + i);
        fprintf(stderr, "timecmd: %s: %s\n", argv[i], strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "timecmd: waitpid: %s\n", strerror(errno));
            return 2;
        }
    }
    long long t1 = now_us();

    struct rusage ru;
    long rss_kb = 0;
    if (getrusage(RUSAGE_CHILDREN, &ru) == 0)
        rss_kb = ru.ru_maxrss; /* Linux reports kilobytes */
    int status = WIFEXITED(st) ? WEXITSTATUS(st)
               : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 255;
    fprintf(out, "%lld %d %ld\n", t1 - t0, status, rss_kb);
    if (outfile && fclose(out) != 0) {
        fprintf(stderr, "timecmd: %s: %s\n", outfile, strerror(errno));
        return 2;
    }
    return 0;
}
