# harness.sh - what the end-to-end scripts share (sourced, not run): a
# scratch folder, the insearch binary (under $VALGRIND when set, as
# `make check-valgrind` does), pass/fail counting, and the closing line.
#
# Before sourcing, a script may set NAME (the scratch folder's prefix).

INSEARCH=${INSEARCH:-./insearch}
SAMPLES=${SAMPLES:-corpus/samples}
# VALGRIND, when set, is a valgrind command line (make check-valgrind sets
# it through tests/valgrind.sh) that every run of insearch goes through.
VALGRIND=${VALGRIND:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/insearch-${NAME:-test}.XXXXXX")
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT INT TERM
db="$work/db"
pass=0
fail=0

# insearch ARGS... : run the binary, under $VALGRIND when it is set. A run
# valgrind finds fault with is noted in $work/valgrind.failed with its
# report (a file, not a variable: some runs happen in subshells).
insearch() {
    if [ -z "$VALGRIND" ]; then
        "$INSEARCH" "$@"
        return
    fi
    vglog=$(mktemp "$work/valgrind.XXXXXX")
    $VALGRIND --error-exitcode=97 --log-file="$vglog" "$INSEARCH" "$@"
    vgrc=$?
    if [ $vgrc -eq 97 ]; then
        { echo "valgrind: errors in: insearch $*"; cat "$vglog"; } >>"$work/valgrind.failed"
    fi
    return $vgrc
}

ok() { pass=$((pass + 1)); }
no() { fail=$((fail + 1)); echo "FAIL: $*"; }
# expect DESCRIPTION COMMAND... : the command must succeed
expect() { d=$1; shift; if "$@" >/dev/null 2>&1; then ok; else no "$d"; fi; }
# contains DESCRIPTION FILE STRING
contains() { if grep -qF -- "$3" "$2"; then ok; else no "$1 (no '$3' in output)"; sed 's/^/    /' "$2" | head -20; fi; }
lacks() { if grep -qF -- "$3" "$2"; then no "$1 ('$3' should not be there)"; else ok; fi; }

# finish: the valgrind verdict and the counts; the script's exit status.
finish() {
    if [ -s "$work/valgrind.failed" ]; then
        no "valgrind found memory errors or leaks"; cat "$work/valgrind.failed"
    elif [ -n "$VALGRIND" ]; then
        echo "valgrind: every run of insearch was clean"
    fi
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
