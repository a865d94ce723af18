#!/bin/sh
# fuzz-replay.sh - `make check`: every fuzz target, built with gcc and
# tests/fuzz/replay.c (no libFuzzer), run over its seed corpus and the
# inputs of past findings in tests/fuzz/corpus/TARGET. A target's failed
# check or a crash fails the test. The whole corpus of a target runs in one
# process; when that fails, each input runs alone so the log lists every
# failing one with what it said.
#
# Environment: FUZZ_REPLAY_DIR, the folder holding replay_analyse,
# replay_parse, ... (default: $top_builddir/tests/fuzz); top_srcdir.
# FUZZ_REPLAY_WRAPPER runs each under a wrapper (e.g. "valgrind -q
# --leak-check=full --error-exitcode=1").
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
dir=${FUZZ_REPLAY_DIR:-$top_builddir/tests/fuzz}
corpus=$top_srcdir/tests/fuzz/corpus
# The targets make their temporary folders under TMPDIR and remove them at
# exit, which an abort skips: give them one of ours and remove it.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-replay.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
log=$scratch/log
TMPDIR=$scratch
export TMPDIR
status=0
for t in analyse parse reader html qparse web; do
    bin=$dir/replay_$t
    if [ ! -x "$bin" ]; then
        echo "FAIL $t: no $bin"
        status=1
        continue
    fi
    # shellcheck disable=SC2086
    if ${FUZZ_REPLAY_WRAPPER:-} "$bin" "$corpus/$t" > "$log" 2>&1; then
        echo "ok   $t: $(tail -n 1 "$log")"
        continue
    fi
    status=1
    echo "FAIL $t:"
    for f in "$corpus/$t"/*; do
        # shellcheck disable=SC2086
        ${FUZZ_REPLAY_WRAPPER:-} "$bin" "$f" > "$log" 2>&1 && continue
        echo "  input $f:"
        grep -av '^replay: ' "$log" | head -n 12 | sed 's/^/    /'
    done
done
exit $status
