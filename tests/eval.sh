#!/bin/sh
# eval.sh - hold a floor under the theme lexicon's agreement with the hand
# labels (bench/theme-eval; `make eval` prints the full table). The floors
# sit a little under what the lexicon reaches (README, "Themes"), so a
# change that makes themes or polarity worse fails the suite.
set -u
: "${THEME_EVAL:?run from make check}" "${SAMPLES:?}" "${top_srcdir:=.}"
# make check-valgrind: the evaluator runs under $VALGRIND (errors fail it)
VALGRIND=${VALGRIND:-}
$VALGRIND "$THEME_EVAL" --min-f1 0.83 --min-polarity 0.89 \
    "$SAMPLES/LABELS.tsv" "$SAMPLES" > eval-samples.out 2>&1
rc=$?
cat eval-samples.out
[ $rc -eq 0 ] || { echo "FAIL: sample corpus below the floor"; exit 1; }
if [ -n "${INSEARCH_SHARED_SAMPLES:-}" ] && [ -d "$INSEARCH_SHARED_SAMPLES" ]; then
    $VALGRIND "$THEME_EVAL" --min-f1 0.68 --min-polarity 0.85 \
        "$top_srcdir/corpus/shared-labels.tsv" "$INSEARCH_SHARED_SAMPLES" \
        > eval-shared.out 2>&1
    rc=$?
    cat eval-shared.out
    [ $rc -eq 0 ] || { echo "FAIL: real reports below the floor"; exit 1; }
fi
rm -f eval-samples.out eval-shared.out
echo "PASS: theme evaluation"
