#!/bin/sh
# crash-kill.sh - killing the indexer at random moments never costs the
# index: after each kill it opens, every shard passes xapian-check, every
# report in it is complete, nothing committed before is lost, and the next
# run finishes the job. Every 5th stop is a SIGINT (Ctrl-C) instead, which
# must commit what is done, print the summary and exit 130. Then searches
# run while a writer rewrites every report, and none may fail.
#
# The corpus is CRASH_COPIES (6) copies of the samples, enough for a shard
# to commit mid-run (every 2,500 passages). Kill points are uniform in
# [0, T], T the time of one full run, except every 4th, drawn from the
# first 150 ms: when the index folder, the stub and the shards are being
# created. A kill before anything is committed may leave no index folder;
# a folder that is there must open (empty is fine).
#
#   CRASH_KILLS  kill points (25 in make check, about 60 s; run it by hand
#                with CRASH_KILLS=100 or more, as the issue asks)
#   CRASH_SEED   the random seed (printed; give it again to replay a run)
#   CRASH_KEEP=1 keep the scratch folder (its path is printed)
#
# Needs xapian-check and xapian-delve (xapian-tools); skipped without.
set -u

NAME=crash-kill
. "$(dirname "$0")/harness.sh"
. "$(dirname "$0")/crash-lib.sh"

# ---------- the run ----------
need_xapian_tools
# under valgrind (make check-valgrind) only the checks run through it
if [ -n "$VALGRIND" ]; then KILLS=${CRASH_KILLS:-5}; else KILLS=${CRASH_KILLS:-25}; fi
SEED=${CRASH_SEED:-$(date +%s)}
COPIES=${CRASH_COPIES:-6}
if [ "${CRASH_KEEP:-0}" = 1 ]; then trap - EXIT INT TERM; echo "keeping $work"; fi
echo "crash-kill: CRASH_SEED=$SEED CRASH_KILLS=$KILLS CRASH_COPIES=$COPIES"

corpus="$work/corpus"
make_corpus "$corpus" "$COPIES"

# one full run: the reference, and T (the binary itself, as when killed)
t0=$(now_ms)
"$INSEARCH" index --db "$work/ref" --json "$corpus" >"$work/ref.json" 2>"$work/ref.err"
rc=$?
T=$(($(now_ms) - t0))
if [ $rc -eq 0 ]; then ok; else no "the full run exited $rc"; cat "$work/ref.err"; fi
contains "the full run indexes every file" "$work/ref.json" "\"indexed\":$files,"
whole "full run" "$work/ref" "$work/ids.ref"
if [ "$nrec" -eq "$files" ]; then ok; else no "the full run holds $nrec of $files files"; fi
echo "crash-kill: $files files, a full run takes $T ms"

# the plan, one kill a line: number, signal, delay (s), fresh (1: start
# from no index; 0: carry on from the last one, some files touched so they
# are replaced), which copy to touch
awk -v seed="$SEED" -v n="$KILLS" -v t="$T" -v copies="$COPIES" 'BEGIN {
    srand(seed)
    for (i = 1; i <= n; i++) {
        sig = i % 5 == 0 ? "INT" : "KILL"
        if (sig == "INT") { d = 0.1 + rand() * (t / 1000.0); fresh = 1 }
        else if (i % 4 == 1) { d = rand() * 0.15; fresh = 1 }
        else { d = rand() * (t / 1000.0); fresh = rand() < 0.4 }
        printf "%d %s %.3f %d %d\n", i, sig, d, fresh, 1 + int(rand() * copies)
    }
}' >"$work/plan"

broken=0
: >"$work/ids.prev"
while read -r i sig delay fresh touchk; do
    if [ "$fresh" = 1 ] || [ $broken = 1 ]; then
        rm -rf "$db"
        : >"$work/ids.prev"
        fresh=1
    else
        touch "$corpus/c$touchk"/*
    fi
    broken=0
    label="kill $i (SIG$sig at ${delay}s, $([ "$fresh" = 1 ] && echo fresh || echo resumed))"
    # the binary itself, never under valgrind: the delays are its own
    "$INSEARCH" index --db "$db" --json "$corpus" >"$work/run.json" 2>"$work/run.err" &
    pid=$!
    sleep "$delay"
    kill -s "$sig" "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rc=$?
    if grep -q 'terminate called\|Assertion\|AddressSanitizer' "$work/run.err"; then
        no "$label: the indexer crashed: $(head -c 400 "$work/run.err")"
    fi
    case $sig:$rc in
    KILL:137 | KILL:0 | INT:130 | INT:0) ok ;;
    *) no "$label: exit status $rc"; head -c 600 "$work/run.err"; echo ;;
    esac
    if [ $sig = INT ]; then
        # Ctrl-C: the summary, and what it says was indexed is there
        if grep -q '"interrupted":' "$work/run.json"; then ok; else
            no "$label: no summary after Ctrl-C"; head -c 600 "$work/run.err"; echo
        fi
        indexed=$(sed -n 's/.*"indexed":\([0-9]*\).*/\1/p' "$work/run.json")
        if [ $rc = 130 ]; then
            contains "$label: summary says interrupted" "$work/run.json" '"interrupted":true'
        fi
    fi
    if [ ! -e "$db" ]; then
        # killed before the folder was made: nothing was committed
        if [ "$fresh" = 1 ] && [ $sig = KILL ]; then ok; else
            no "$label: the index folder has gone"
        fi
        echo "  $label: exit $rc, no index yet"
        continue
    fi
    if ! whole "$label" "$db" "$work/ids.now"; then
        broken=1
        # does a run repair it? (a broken index is reported either way)
        "$INSEARCH" index --db "$db" --quiet "$corpus/c1" >/dev/null 2>"$work/repair.err"
        echo "    a run after it exits $? $(head -c 300 "$work/repair.err")"
        continue
    fi
    if [ -n "$(comm -23 "$work/ids.prev" "$work/ids.now")" ]; then
        no "$label: reports committed before the kill have gone: $(comm -23 "$work/ids.prev" "$work/ids.now" | head -5 | tr '\n' ' ')"
    else ok; fi
    if [ $sig = INT ] && [ -n "$indexed" ]; then
        if [ "$nrec" -eq "$indexed" ]; then ok; else
            no "$label: the summary says $indexed files indexed, the index holds $nrec"
        fi
    fi
    if [ $rc = 0 ] && [ "$nrec" -ne "$files" ]; then
        no "$label: a finished run left $nrec of $files files"
    fi
    echo "  $label: exit $rc, $nrec of $files files"
    cp "$work/ids.now" "$work/ids.prev"
done <"$work/plan"

# ---------- the next run finishes the job ----------
[ $broken = 1 ] && rm -rf "$db"
insearch index --db "$db" --json "$corpus" >"$work/final.json" 2>"$work/final.err"
rc=$?
if [ $rc -eq 0 ]; then ok; else no "the run after the kills exited $rc"; cat "$work/final.err"; fi
whole "after the kills" "$db" "$work/ids.now"
if [ "$nrec" -eq "$files" ]; then ok; else no "after the kills the index holds $nrec of $files files"; fi
if cmp -s "$work/ids.now" "$work/ids.ref"; then ok; else no "after the kills the reports differ from the full run's"; fi

# ---------- readers while every report is replaced ----------
# Each file is replaced in one commit (old passages out, new ones in), so
# a reader must always see every file, and never an error.
touch $(find "$corpus" -type f)
"$INSEARCH" index --db "$db" --json "$corpus" >"$work/rewrite.json" 2>"$work/rewrite.err" &
pid=$!
reads=0
rfail=0
while kill -0 "$pid" 2>/dev/null; do
    if ! insearch search --db "$db" --json 'apprentices progress' >"$work/r.json" 2>"$work/r.err"; then
        rfail=$((rfail + 1)); echo "    search failed: $(head -c 300 "$work/r.err")"
    fi
    if insearch stats --db "$db" --json >"$work/r.json" 2>"$work/r.err"; then
        sr=$(sed -n 's/.*"reports":\([0-9]*\).*/\1/p' "$work/r.json")
        so=$(sed -n 's/.*"others":\([0-9]*\).*/\1/p' "$work/r.json")
        if [ "$((sr + so))" -ne "$files" ]; then
            rfail=$((rfail + 1)); echo "    stats saw $((sr + so)) of $files files mid-rewrite"
        fi
    else
        rfail=$((rfail + 1)); echo "    stats failed: $(head -c 300 "$work/r.err")"
    fi
    reads=$((reads + 1))
done
wait "$pid"
rc=$?
if [ $rc -eq 0 ]; then ok; else no "the rewrite exited $rc"; cat "$work/rewrite.err"; fi
contains "the rewrite replaced every file" "$work/rewrite.json" "\"indexed\":$files,"
if [ $rfail -eq 0 ]; then ok; else no "$rfail of $reads reads failed while the index was rewritten"; fi
# (a read under valgrind takes about as long as the whole rewrite)
minreads=3
[ -n "$VALGRIND" ] && minreads=1
if [ $reads -ge $minreads ]; then ok; else no "only $reads reads ran during the rewrite"; fi
echo "crash-kill: $reads reads during the rewrite, $rfail failed"
whole "after the rewrite" "$db" "$work/ids.now"

[ $fail -eq 0 ] || echo "crash-kill: replay with CRASH_SEED=$SEED CRASH_KILLS=$KILLS CRASH_COPIES=$COPIES"
finish
