#!/bin/sh
# shards.sh - one index or many, the answers are the same: an index made
# with --jobs 1 (one shard), with --jobs 3 (three shards), the two halves
# made with --shard-of 1/2 and 2/2 searched together through a stub file,
# and (when xapian-tcpsrv is installed) the same halves served by two
# xapian-tcpsrv processes on 127.0.0.1 and searched as remote shards.
# Every command's JSON is compared byte for byte, except what is an
# estimate by nature (a match count given as a range) and, over remote
# shards, the number of other passages of a report (--by-report), which
# Xapian's remote backend does not carry. Then: a remote shard stopped,
# killed and started again; --shard-of's errors.
set -u

NAME=shards
. "$(dirname "$0")/harness.sh"

corpus="$work/corpus"
cp -r "$SAMPLES" "$corpus"
extra="$work/extra"
mkdir "$extra"
mv "$corpus/riverside-college-2023.txt" "$extra/"

# ---------- four ways to hold the same reports ----------
insearch index --db "$work/one" --jobs 1 --quiet "$corpus" 2>"$work/e" || { no "index --jobs 1"; cat "$work/e"; }
insearch index --db "$work/three" --jobs 3 --quiet "$corpus" 2>"$work/e" || { no "index --jobs 3"; cat "$work/e"; }
n1=$(ls -d "$work/one"/shard-* | wc -l)
n3=$(ls -d "$work/three"/shard-* | wc -l)
[ "$n1" -eq 1 ] && [ "$n3" -eq 3 ] && ok || no "--jobs 1 makes 1 shard ($n1), --jobs 3 makes 3 ($n3)"
for k in 1 2; do
    insearch index --db "$work/part$k" --shard-of $k/2 --json "$corpus" >"$work/part$k.json" 2>"$work/e" ||
        { no "index --shard-of $k/2"; cat "$work/e"; }
done
printf 'auto %s/part1\nauto %s/part2\n' "$work" "$work" >"$work/parts.stub"

# The later file comes in by a run with one thread over the three shards
# (and by plain runs elsewhere), so that run is compared too.
insearch index --db "$work/one" --quiet "$extra" 2>/dev/null
insearch index --db "$work/three" --jobs 1 --quiet "$extra" 2>"$work/e" || { no "--jobs 1 on a 3-shard index"; cat "$work/e"; }
for k in 1 2; do insearch index --db "$work/part$k" --quiet "$extra" 2>/dev/null; done

# the parts split the files between them, each file once
all=$(grep -c . "$SAMPLES/MANIFEST.tsv")
e1=$(sed -n 's/.*"elsewhere":\([0-9]*\).*/\1/p' "$work/part1.json")
e2=$(sed -n 's/.*"elsewhere":\([0-9]*\).*/\1/p' "$work/part2.json")
i1=$(sed -n 's/.*"indexed":\([0-9]*\).*/\1/p' "$work/part1.json")
i2=$(sed -n 's/.*"indexed":\([0-9]*\).*/\1/p' "$work/part2.json")
if [ -n "$i1" ] && [ "$i1" -gt 0 ] && [ "$i2" -gt 0 ] && [ "$i1" = "$e2" ] && [ "$i2" = "$e1" ]; then ok; else
    no "--shard-of 1/2 and 2/2 split the files (indexed $i1/$i2, elsewhere $e1/$e2)"; fi
insearch reports --db "$work/part1" --json --limit 1000 | grep -o '"id":"[0-9a-f]*"' | sort >"$work/ids1"
insearch reports --db "$work/part2" --json --limit 1000 | grep -o '"id":"[0-9a-f]*"' | sort >"$work/ids2"
insearch reports --db "$work/one" --json --limit 1000 | grep -o '"id":"[0-9a-f]*"' | sort >"$work/ids"
[ -z "$(comm -12 "$work/ids1" "$work/ids2")" ] && ok || no "a report is in both parts"
sort -m "$work/ids1" "$work/ids2" | cmp -s - "$work/ids" && ok || no "the parts together are not the whole"

# a part indexed again with other themes (idx_rebuild) stays that part:
# the same reports, and files of other parts are still left to them
cp -r "$work/part1" "$work/rethemed"
insearch themes --db "$work/part1" --export >"$work/t.themes"
printf '\n[zz-larkspur]\nname = Larkspur\ndescription = a test theme\n4 larkspur\n' >>"$work/t.themes"
insearch index --db "$work/rethemed" --themes "$work/t.themes" --quiet "$corpus" 2>"$work/e" || { no "index --themes on a part"; cat "$work/e"; }
insearch reports --db "$work/rethemed" --json --limit 1000 | grep -o '"id":"[0-9a-f]*"' | sort >"$work/ids-re"
cmp -s "$work/ids-re" "$work/ids1" && ok || no "a part rebuilt with other themes holds the same reports"
insearch index --db "$work/rethemed" --themes "$work/t.themes" --shard-of 2/2 "$corpus" >/dev/null 2>"$work/e"
[ $? -ne 0 ] && ok || no "and still refuses another part"
contains "saying which it holds" "$work/e" "holds part 1/2 of the files, not 2/2"

# stats on a stub counts the bytes of the local shards it names
size_of() { insearch stats --db "$1" --json | sed -n 's/.*"size_bytes":\([0-9]*\).*/\1/p'; }
s1=$(size_of "$work/part1"); s2=$(size_of "$work/part2"); ss=$(size_of "$work/parts.stub")
[ -n "$ss" ] && [ "$s1" -gt 0 ] && [ "$ss" -eq $((s1 + s2)) ] && ok ||
    no "stats on a stub: the size of its shards ($ss, parts $s1 + $s2)"

# --partial: a missing local shard is left out, and the answer says so
printf 'auto %s/part1\nauto %s/no-such-part\n' "$work" "$work" >"$work/gone.stub"
insearch --partial --db "$work/gone.stub" search --json --limit 30 Prevent >"$work/g.json" 2>"$work/g.err"
insearch search --db "$work/part1" --json --limit 30 Prevent >"$work/g1.json"
sed 's/,"partial":true,"missing_shards":\[[^]]*\]//' "$work/g.json" | cmp -s - "$work/g1.json" && ok ||
    no "--partial leaves out a missing local shard"
contains "naming it" "$work/g.json" 'no-such-part (DatabaseNotFoundError'
contains "with a warning" "$work/g.err" '"missing_shard":"'"$work"'/no-such-part'
insearch --db "$work/gone.stub" search Prevent >/dev/null 2>"$work/g.err"
[ $? -eq 1 ] && ok || no "without --partial a missing shard is an error"

# ---------- the same answers ----------
# queries DB OUT: every reading command, JSON, with a match-count range
# (total_lower != total_upper: an estimate) cut out
queries() {
    d=$1; out=$2
    {
        for q in Prevent safeguarding '"off-the-job training"' 'apprentices grade:inadequate' \
                 kind:monitoring year:2016..2019 theme:prevent 'learners NEAR/5 progress' \
                 'assess*' 'english OR mathematics' 'functional skills polarity:weakness'; do
            echo "== $q"
            insearch search --db "$d" --json --limit 30 "$q"
            insearch search --db "$d" --json --limit 30 --by-report "$q"
            insearch search --db "$d" --json --limit 30 --sort date "$q"
            insearch search --db "$d" --json --limit 30 --sort date-asc "$q"
            insearch search --db "$d" --json --limit 5 --facets "$q"
            insearch search --db "$d" --csv --limit 30 "$q"
        done
        echo "== aggregates"
        insearch weaknesses --db "$d" --json
        insearch strengths --db "$d" --json grade:good
        insearch weaknesses --db "$d" --json level:4 --examples 5
        # with words (every matching passage counted; over remote shards,
        # by matches collapsed on the report, run on the shards)
        insearch weaknesses --db "$d" --json apprentices
        insearch strengths --db "$d" --json 'safeguarding year:2016..'
        insearch weaknesses --db "$d" --json section:leadership
        insearch distinctive --db "$d" --json grade:inadequate
        insearch similar --db "$d" --json 58241
        insearch similar --db "$d" --json --improved 'Ashby Vale'
        insearch history --db "$d" --json 58241
        insearch reports --db "$d" --json --limit 100
        insearch reports --db "$d" --json --limit 100 --sort date-asc
        insearch themes --db "$d" --json
        insearch show --db "$d" --json 58241
    } 2>&1 | sed 's/"total_lower":\([0-9]*\),"total_upper":\1,/"total_exact":\1,/;
                  s/"total":[0-9]*,"total_lower":[0-9]*,"total_upper":[0-9]*,/"total":"(estimate)",/' >"$out"
}
queries "$work/one" "$work/q.one"
queries "$work/three" "$work/q.three"
queries "$work/parts.stub" "$work/q.parts"
lines=$(grep -c '^{' "$work/q.one")
[ "$lines" -ge 60 ] && ok || no "the query set ran ($lines JSON answers)"
lacks "no command failed" "$work/q.one" '"error":'
same_answers() { # LABEL FILE
    if cmp -s "$work/q.one" "$2"; then ok; else
        no "$1 answers differently from one shard"
        diff "$work/q.one" "$2" | cut -c1-240 | head -12
    fi
}
same_answers "--jobs 3 (three shards)" "$work/q.three"
same_answers "the two --shard-of parts through a stub file" "$work/q.parts"

# ---------- compact: smaller, the same answers ----------
# --keep-shards: each shard compacted on its own
cp -a "$work/three" "$work/three-kept"
insearch compact --db "$work/three-kept" --keep-shards --json >"$work/ck.json" 2>"$work/c.err" || { no "compact --keep-shards"; cat "$work/c.err"; }
contains "compact --keep-shards keeps the three shards" "$work/ck.json" '"shards_before":3,"shards_after":3,'
[ "$(ls -d "$work/three-kept"/shard-* | wc -l)" -eq 3 ] && ok || no "three shard folders after --keep-shards"
queries "$work/three-kept" "$work/q.kept"
same_answers "the index compacted shard by shard" "$work/q.kept"
rm -rf "$work/three-kept"
# by default the shards are merged into one
insearch compact --db "$work/three" --json >"$work/c.json" 2>"$work/c.err" || { no "compact"; cat "$work/c.err"; }
contains "compact merges the three shards into one" "$work/c.json" '"shards_before":3,"shards_after":1,'
[ "$(ls -d "$work/three"/shard-* | wc -l)" -eq 1 ] && ok || no "one shard folder after compact"
[ "$(grep -c . "$work/three/XAPIANDB")" -eq 1 ] && ok || no "the stub names one shard after compact"
b=$(sed -n 's/.*"bytes_before":\([0-9]*\).*/\1/p' "$work/c.json")
a=$(sed -n 's/.*"bytes_after":\([0-9]*\).*/\1/p' "$work/c.json")
if [ -n "$b" ] && [ -n "$a" ] && [ "$a" -gt 0 ] && [ "$a" -lt "$b" ]; then ok; else
    no "compact reports a smaller size (before $b, after $a)"; fi
[ ! -e "$work/three.compact" ] && ok || no "compact leaves no copy behind"
if command -v xapian-check >/dev/null 2>&1; then
    for s in "$work/three"/shard-*; do
        xapian-check "$s" >/dev/null 2>&1 && ok || no "xapian-check $s after compact"
    done
fi
queries "$work/three" "$work/q.compact"
same_answers "the compacted index" "$work/q.compact"
insearch index --db "$work/three" --json "$corpus" "$extra" >"$work/after.json" 2>&1
contains "a compacted index is indexed into as before" "$work/after.json" '"failed":0'
insearch compact --db "$work/nothing-here" 2>"$work/c.err"
[ $? -eq 1 ] && ok || no "compact of a folder that is not an index fails"
contains "and says so" "$work/c.err" "no index here"
# killed just before the switch: the index is as it was, and opens
if command -v strace >/dev/null 2>&1 && strace -f -o /dev/null true >/dev/null 2>&1 && [ -z "$VALGRIND" ]; then
    strace -f -qq -o "$work/strace.log" -e trace=renameat2 -e inject=renameat2:signal=KILL \
        "$INSEARCH" compact --db "$work/three" >/dev/null 2>&1
    grep -q 'killed by SIGKILL' "$work/strace.log" && ok || no "the kill at the switch fired"
    queries "$work/three" "$work/q.killed"
    same_answers "the index after a compact killed at the switch" "$work/q.killed"
    insearch compact --db "$work/three" >/dev/null 2>"$work/c.err" && ok ||
        { no "compact after a killed compact"; cat "$work/c.err"; }
    [ ! -e "$work/three.compact" ] && ok || no "the killed compact's copy is cleared by the next"
fi

# ---------- --shard-of refuses what would mix parts ----------
insearch index --db "$work/part1" --shard-of 2/2 --quiet "$extra" 2>"$work/e"
[ $? -eq 1 ] && ok || no "another part for an index of part 1/2 is an error"
contains "and says which part it holds" "$work/e" "holds part 1/2 of the files, not 2/2"
insearch index --db "$work/one" --shard-of 1/2 --quiet "$extra" 2>"$work/e"
[ $? -eq 1 ] && ok || no "--shard-of on an index of all the files is an error"
contains "and says so" "$work/e" "holds all the files, not part 1/2"
for bad in 0/2 3/2 1/0 x 1/2/3; do
    insearch index --db "$work/x" --shard-of "$bad" "$extra" >/dev/null 2>&1
    [ $? -eq 2 ] && ok || no "--shard-of $bad is a usage error"
done
insearch index --db "$work/x" --jobs 0 "$extra" >/dev/null 2>&1
[ $? -eq 2 ] && ok || no "--jobs 0 is a usage error"

# ---------- remote shards: xapian-tcpsrv on loopback ----------
if ! command -v xapian-tcpsrv >/dev/null 2>&1; then
    echo "note: xapian-tcpsrv not installed (xapian-tools): remote shards not tested"
    if [ -n "${INSEARCH_REQUIRE_REMOTE:-}" ]; then no "xapian-tcpsrv is required"; fi
    finish
    exit $?
fi
if [ -n "$VALGRIND" ]; then
    # the remote protocol's timeouts are too short for runs under valgrind
    echo "note: remote shards not tested under valgrind"
    finish
    exit $?
fi

pids=
cleanup_servers() { for p in $pids; do kill -KILL "$p" 2>/dev/null; done; }
trap 'cleanup_servers; [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT INT TERM
# serve K: xapian-tcpsrv for part K on a free port; sets port_K, pid_K
serve() {
    k=$1
    for try in 1 2 3 4 5 6 7 8; do
        p=$(( 20000 + ($$ * 7 + try * 131 + k * 17) % 30000 ))
        # In a session of its own: on SIGTERM xapian-tcpsrv signals its
        # whole process group, which would otherwise be this script's.
        setsid xapian-tcpsrv --interface 127.0.0.1 --port "$p" --timeout 5000 \
            "$work/part$k" >"$work/tcpsrv$k.log" 2>&1 &
        pid=$!
        i=0
        while [ $i -lt 50 ]; do
            grep -q Listening "$work/tcpsrv$k.log" && break
            kill -0 $pid 2>/dev/null || break
            sleep 0.1; i=$((i + 1))
        done
        if grep -q Listening "$work/tcpsrv$k.log" && kill -0 $pid 2>/dev/null; then
            eval "port_$k=$p; pid_$k=$pid"
            pids="$pids $pid"
            return 0
        fi
        kill $pid 2>/dev/null
        wait $pid 2>/dev/null
    done
    return 1
}
serve 1 && serve 2 || { no "xapian-tcpsrv would not start"; cat "$work"/tcpsrv*.log; finish; exit 1; }
printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$port_1" "$port_2" >"$work/remote.stub"
queries "$work/remote.stub" "$work/q.remote"
# more_in_report is null over remote shards, and Xapian estimates match
# counts differently there (often exactly): compare the rest
unremote() {
    sed 's/"more_in_report":[0-9][0-9]*/"more_in_report":null/g;
         s/"total":[^,]*,"total_exact":[0-9]*,/"total":"(estimate)",/' "$1"
}
unremote "$work/q.one" >"$work/q.one-nomore"
unremote "$work/q.remote" >"$work/q.remote-nomore"
if cmp -s "$work/q.one-nomore" "$work/q.remote-nomore"; then ok; else
    no "two remote shards answer differently from one local shard"
    diff "$work/q.one-nomore" "$work/q.remote-nomore" | cut -c1-240 | head -12
fi
insearch search --db "$work/remote.stub" --json --by-report --limit 3 Prevent >"$work/r.json"
contains "--by-report over remote shards says it cannot count a report's other passages" "$work/r.json" '"more_in_report":null'

# a stopped shard: an error naming it, within the protocol's timeout
kill -STOP "$pid_2"
start=$(date +%s)
insearch search --db "$work/remote.stub" --limit 3 Prevent >"$work/s.out" 2>"$work/s.err"
rc=$?
took=$(( $(date +%s) - start ))
kill -CONT "$pid_2"
[ $rc -ne 0 ] && ok || no "a search with a stopped shard fails (exit $rc)"
[ "$took" -le 15 ] && ok || no "and within 15 s (took $took s)"
contains "it names the shard that did not answer" "$work/s.err" "127.0.0.1:$port_2"
contains "and says what to check" "$work/s.err" "a remote shard did not answer"
lacks "and no hint to build an index" "$work/s.err" "build one with"
# a killed shard: at once
kill -KILL "$pid_2"; wait "$pid_2" 2>/dev/null
start=$(date +%s)
insearch search --db "$work/remote.stub" --json --limit 3 Prevent >"$work/s.out" 2>"$work/s.err"
rc=$?
took=$(( $(date +%s) - start ))
[ $rc -ne 0 ] && [ "$took" -le 5 ] && ok || no "a killed shard: an error at once (exit $rc, $took s)"
contains "in JSON too, naming the shard" "$work/s.err" '"error":"'"$work"'/remote.stub: a remote shard did not answer (NetworkError: Couldn'"'"'t connect (context: remote:tcp(127.0.0.1:'"$port_2"'))'
lacks "and nothing on standard output" "$work/s.out" "{"

# --partial: the answer of the shards that answer, saying which did not
# (the same as searching the shard that is left, part 1, alone; the match
# counts may be estimated differently, and --partial adds two fields)
unpartial() {
    sed 's/,"partial":true,"missing_shards":\[[^]]*\]//' "$1" >"$1.u"
    unremote "$1.u"
}
insearch --partial search --db "$work/remote.stub" --json --limit 30 Prevent >"$work/p.json" 2>"$work/p.err"
rc=$?
[ $rc -eq 0 ] && ok || { no "--partial answers with a shard killed (exit $rc)"; head -3 "$work/p.err"; }
contains "--partial says the answer is partial" "$work/p.json" '"partial":true,"missing_shards":["remote 127.0.0.1:'"$port_2"' (NetworkError:'
contains "and warns on standard error, naming the shard" "$work/p.err" '"missing_shard":"remote 127.0.0.1:'"$port_2"
insearch search --db "$work/part1" --json --limit 30 Prevent >"$work/p1.json"
unpartial "$work/p.json" >"$work/p.cmp"
unremote "$work/p1.json" >"$work/p1.cmp"
cmp -s "$work/p.cmp" "$work/p1.cmp" && ok || { no "--partial answers as the shard that is left"; diff "$work/p.cmp" "$work/p1.cmp" | cut -c1-200 | head -6; }
insearch --partial --remote "127.0.0.1:$port_1" --remote "127.0.0.1:$port_2" search --json --limit 30 Prevent >"$work/pr.json" 2>/dev/null
unpartial "$work/pr.json" >"$work/pr.cmp"
cmp -s "$work/pr.cmp" "$work/p1.cmp" && ok || no "--partial with --remote answers the same"
insearch --partial --db "$work/remote.stub" weaknesses --json >"$work/pw.json" 2>"$work/pw.err"
insearch --db "$work/part1" weaknesses --json >"$work/p1w.json"
cmp -s "$work/pw.json" "$work/p1w.json" && ok || no "--partial weaknesses: those of the shard that is left"
contains "every command warns" "$work/pw.err" "$port_2"
insearch --partial --db "$work/remote.stub" stats >"$work/ps.out" 2>"$work/ps.err"
contains "stats too, in words" "$work/ps.err" "insearch stats: warning: a shard did not answer"
# a stub of only dead shards is an error, not an empty answer
printf 'remote 127.0.0.1:%s\n' "$port_2" >"$work/dead.stub"
insearch --partial --db "$work/dead.stub" search Prevent >/dev/null 2>"$work/d.err"
[ $? -eq 1 ] && ok || no "--partial with no shard answering fails"
contains "saying none answered" "$work/d.err" "no shard answered: remote 127.0.0.1:$port_2"
# --remote checks its argument
insearch --remote "127.0.0.1:99999" search Prevent >/dev/null 2>"$work/u.err"
[ $? -eq 2 ] && ok || no "--remote with a bad port is a usage error"
contains "naming it" "$work/u.err" "--remote '127.0.0.1:99999': not HOST:PORT"
insearch --remote "127.0.0.1:$port_1" index "$extra" >/dev/null 2>"$work/u.err"
[ $? -eq 2 ] && ok || no "index does not take --remote"

# serve --partial: a shard killed while serving is left out of the next
# answer, and taken back once it answers again (after SRCH_RETRY_MISSING_S)
serve_url=
if command -v curl >/dev/null 2>&1; then
    setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port_2" --timeout 5000 "$work/part2" >"$work/tcpsrv2.log" 2>&1 &
    pid_2=$!
    pids="$pids $pid_2"
    i=0; while [ $i -lt 50 ] && ! grep -q Listening "$work/tcpsrv2.log"; do sleep 0.1; i=$((i + 1)); done
    "$INSEARCH" --partial --remote "127.0.0.1:$port_1" --remote "127.0.0.1:$port_2" serve --port 0 --threads 2 >"$work/serve.out" 2>"$work/serve.err" &
    spid=$!
    pids="$pids $spid"
    i=0
    while [ $i -lt 100 ] && [ -z "$serve_url" ]; do
        serve_url=$(sed -n 's/^insearch serve: \(http:.*\)$/\1/p' "$work/serve.out" | head -n 1)
        sleep 0.1; i=$((i + 1))
    done
fi
if [ -n "$serve_url" ]; then
    all_total=$(curl -s "${serve_url}api/search?q=Prevent&limit=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
    # the whole process group: xapian-tcpsrv forks a process for each
    # connection, and serve's connections would outlive the listener
    kill -KILL "-$pid_2"; wait "$pid_2" 2>/dev/null
    curl -s "${serve_url}api/search?q=Prevent&limit=1" >"$work/sp.json"
    contains "serve --partial: a shard killed while serving is left out" "$work/sp.json" '"missing_shards":["remote 127.0.0.1:'"$port_2"
    part_total=$(sed -n 's/.*"total":\([0-9]*\).*/\1/p' "$work/sp.json")
    [ -n "$all_total" ] && [ -n "$part_total" ] && [ "$part_total" -lt "$all_total" ] && ok ||
        no "and the answer has fewer matches ($part_total, all: $all_total)"
    setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port_2" --timeout 5000 "$work/part2" >"$work/tcpsrv2.log" 2>&1 &
    pid_2=$!
    pids="$pids $pid_2"
    i=0; while [ $i -lt 50 ] && ! grep -q Listening "$work/tcpsrv2.log"; do sleep 0.1; i=$((i + 1)); done
    # within SRCH_RETRY_MISSING_S (10 s) and a little more, the whole again
    back=
    i=0
    while [ $i -lt 30 ]; do
        curl -s "${serve_url}api/search?q=Prevent&limit=1" >"$work/sb.json"
        if ! grep -q '"partial"' "$work/sb.json"; then back=1; break; fi
        sleep 1; i=$((i + 1))
    done
    [ -n "$back" ] && grep -q "\"total\":$all_total," "$work/sb.json" && ok ||
        no "serve --partial takes the shard back when it answers again"
    kill -TERM "$spid"; wait "$spid" 2>/dev/null
    contains "and its log says a shard was missing" "$work/serve.err" "a shard is missing (--partial answers without it): remote 127.0.0.1:$port_2"
    kill -KILL "-$pid_2"; wait "$pid_2" 2>/dev/null
else
    echo "note: serve --partial not tested (no curl, or serve did not start)"
fi

# back again: the same answers
setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port_2" --timeout 5000 "$work/part2" >"$work/tcpsrv2.log" 2>&1 &
pid_2=$!
pids="$pids $pid_2"
i=0; while [ $i -lt 50 ] && ! grep -q Listening "$work/tcpsrv2.log"; do sleep 0.1; i=$((i + 1)); done
insearch search --db "$work/remote.stub" --json --limit 30 Prevent >"$work/back.json" 2>&1
insearch search --db "$work/one" --json --limit 30 Prevent >"$work/local.json" 2>&1
cmp -s "$work/back.json" "$work/local.json" && ok || no "the shard back: the same answers again"
insearch --partial --remote "127.0.0.1:$port_1" --remote "127.0.0.1:$port_2" search --json --limit 30 Prevent >"$work/back2.json" 2>"$work/back2.err"
cmp -s "$work/back2.json" "$work/local.json" && ok || no "--remote twice: the same answers as the stub"
[ -s "$work/back2.err" ] && no "--partial with every shard up warns: $(cat "$work/back2.err")" || ok
finish
