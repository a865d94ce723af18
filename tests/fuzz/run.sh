#!/bin/sh
# run.sh - build the libFuzzer targets with clang and run them (`make fuzz`).
#
#   tests/fuzz/run.sh [--seconds N] [--build DIR] [--work DIR] [--build-only]
#                     TARGET...
#
# TARGET is analyse, parse, reader, html, qparse or web (or "all"). Each target is
# built from the project's sources (not from the gcc-built libraries: the
# fuzzer needs every object instrumented) into the build folder, then run for
# N seconds (default 60). The seed corpus tests/fuzz/corpus/TARGET is read
# but never written: what libFuzzer finds goes to WORK/TARGET/corpus, crashes
# and timeouts to WORK/TARGET/crashes, the log to WORK/TARGET/log. One summary
# line per target at the end; the exit status is 1 when something crashed.
#
# CC/CXX (default clang-14/clang++-14 or clang/clang++) and FUZZ_FLAGS
# (extra libFuzzer options) are read from the environment.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
seconds=60
build=${FUZZ_BUILD_DIR:-$PWD/fuzz-build}
work=${FUZZ_WORK_DIR:-$PWD/fuzz-work}
build_only=0
targets=

while [ $# -gt 0 ]; do
    case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --seconds=*) seconds=${1#*=}; shift ;;
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --build-only) build_only=1; shift ;;
    all) targets="$targets analyse parse reader html qparse web"; shift ;;
    analyse|parse|reader|html|qparse|web) targets="$targets $1"; shift ;;
    *) echo "run.sh: unknown argument or target: $1" >&2; exit 2 ;;
    esac
done
[ -n "$targets" ] || targets="analyse parse reader html qparse web"
case $seconds in ''|*[!0-9]*) echo "run.sh: --seconds wants a number" >&2; exit 2 ;; esac

pick() { for c in "$@"; do command -v "$c" >/dev/null 2>&1 && { echo "$c"; return; }; done; echo "$1"; }
CC=${CC:-$(pick clang-14 clang)}
CXX=${CXX:-$(pick clang++-14 clang++)}
case $CC in *clang*) ;; *) echo "run.sh: libFuzzer needs clang (CC=$CC)" >&2; exit 2 ;; esac

SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
CFLAGS="-std=c11 -g -O1 -fno-omit-frame-pointer $SAN -fsanitize=fuzzer-no-link"
CPPFLAGS="-I$top -I$build $(pkg-config --cflags icu-uc zlib)"
LIBS="$(pkg-config --libs xapian-core zlib) -ldl -lpthread"

# The sources each target needs (whole module folders, so a file added to a
# module is picked up), and the largest input worth trying.
in_tree() { (cd "$top" && for f in $1; do echo "$f"; done); }
lib_core="util/buf.c $(in_tree 'stemmer/*.c')"
lib_corpus=$(in_tree 'corpus/*.c')
lib_engine="indexer/indexer.c $(in_tree 'searcher/*.c') themes/themes.c
    themes/default-themes.c cli/json.c cli/csv.c web/api.c"
sources_of() {
    case $1 in
    analyse) echo "$lib_core" ;;
    parse|reader|html) echo "$lib_core $lib_corpus" ;;
    qparse) echo "util/buf.c searcher/qparse.c" ;;
    web) echo "$lib_core $lib_corpus $lib_engine" ;;
    esac
}
needs_xapian() { case $1 in qparse) return 1 ;; *) return 0 ;; esac; }
max_len_of() {
    case $1 in
    analyse) echo 16384 ;;
    parse) echo 65536 ;;
    reader) echo 65536 ;;
    html) echo 65536 ;;
    qparse) echo 9000 ;;     # a little over QP_MAX_QUERY_BYTES
    web) echo 4096 ;;        # over WEB_MAX_QUERY: the API's own limit
    esac
}

mkdir -p "$build/obj" "$build/themes"
if [ ! -f "$build/themes/default-themes.c" ] ||
   [ "$top/themes/default.themes" -nt "$build/themes/default-themes.c" ]; then
    sh "$top/themes/embed.sh" "$top/themes/default.themes" \
        > "$build/themes/default-themes.c.tmp"
    mv "$build/themes/default-themes.c.tmp" "$build/themes/default-themes.c"
fi

# Compile one source unless its object is newer than it and every header.
newest_header=$(ls -t "$top"/*/*.h | head -n 1)
compile() {
    src=$1
    case $src in themes/default-themes.c) path=$build/$src ;; *) path=$top/$src ;; esac
    obj=$build/obj/$(echo "$src" | tr / _).o
    if [ ! -f "$obj" ] || [ "$path" -nt "$obj" ] || [ "$newest_header" -nt "$obj" ]; then
        # shellcheck disable=SC2086
        $CC $CFLAGS $CPPFLAGS -c "$path" -o "$obj"
    fi
    echo "$obj"
}

build_target() {
    t=$1
    objs=
    for s in $(sources_of "$t"); do objs="$objs $(compile "$s")"; done
    if needs_xapian "$t"; then
        xobj=$build/obj/xapian-c.o
        if [ ! -f "$xobj" ] || [ "$top/xapian-c/xapian-c.cc" -nt "$xobj" ] ||
           [ "$top/xapian-c/xapian-c.h" -nt "$xobj" ]; then
            # shellcheck disable=SC2046,SC2086
            $CXX -std=c++17 -g -O1 -fno-omit-frame-pointer $SAN \
                -fsanitize=fuzzer-no-link -fvisibility=hidden -I"$top" \
                $(pkg-config --cflags xapian-core) -c "$top/xapian-c/xapian-c.cc" -o "$xobj"
        fi
        objs="$objs $xobj"
    fi
    # shellcheck disable=SC2086
    $CC $CFLAGS $CPPFLAGS -c "$here/fuzz_$t.c" -o "$build/obj/fuzz_$t.o"
    # shellcheck disable=SC2086
    $CXX $SAN -fsanitize=fuzzer -o "$build/fuzz_$t" "$build/obj/fuzz_$t.o" $objs $LIBS
}

for t in $targets; do
    echo "== building fuzz_$t" >&2
    build_target "$t"
done
[ "$build_only" = 1 ] && exit 0

status=0
summary=
for t in $targets; do
    d=$work/$t
    # the targets' temporary folders, which a crash leaves behind
    mkdir -p "$d/corpus" "$d/crashes" "$d/tmp"
    echo "== running fuzz_$t for ${seconds}s (log: $d/log)" >&2
    start=$(date +%s)
    # The seed corpus comes second so libFuzzer writes only to $d/corpus.
    # shellcheck disable=SC2086
    TMPDIR=$d/tmp "$build/fuzz_$t" "$d/corpus" "$top/tests/fuzz/corpus/$t" \
        -max_total_time="$seconds" -max_len="$(max_len_of "$t")" \
        -timeout=10 -rss_limit_mb=2560 -print_final_stats=1 \
        -artifact_prefix="$d/crashes/" ${FUZZ_FLAGS:-} > "$d/log" 2>&1 || true
    took=$(( $(date +%s) - start ))
    rm -rf "$d/tmp"
    crashes=$(find "$d/crashes" -type f | wc -l)
    # The last status line ("#123 DONE cov: 456 ft: 789 ...", or the last
    # pulse when it stopped early) and the final stats.
    last=$(grep -E '^#[0-9]+' "$d/log" | tail -n 1 || true)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log" | tail -n 1)
    [ -n "$execs" ] || execs=$(echo "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    line=$(printf '%-8s execs %s  cov %s  ft %s  seconds %s  crashes %s' \
        "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$took" "$crashes")
    summary="$summary$line
"
    [ "$crashes" -eq 0 ] || status=1
done
printf '%s' "$summary"
exit $status
