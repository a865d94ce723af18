#!/usr/bin/env bash
# bench/run.sh - index and query a generated corpus with insearch and with
# its peers (Xapian Omega: omindex + quest; SQLite FTS5 through the sqlite3
# shell), and print one table of figures.
#
#   bench/run.sh [--reports N] [--seed S] [--insearch PATH] [--workdir DIR]
#                [--rounds K] [--engines LIST] [--gen PATH] [--timecmd PATH]
#
# Defaults: 2000 reports, seed 42, ./insearch, ./bench-work (both relative to
# the directory it is run from: the build directory under `make bench`),
# 11 rounds over the query set, engines "insearch,omega,fts5". --gen and
# --timecmd name built insearch-gen and timecmd (`make bench` passes them);
# without them both are compiled from bench/ into WORKDIR/bin with $CC.
#
# Run as root, it installs what is missing with apt-get (xapian-omega,
# xapian-tools, sqlite3, time; perl for the Prevent precision line); a peer
# that still cannot run is left out with a note under the table.
#
# Every engine reads the same uncompressed corpus (.txt and .md): Omega has no
# gzip handler, so the generator is run without --gzip-every.
#
# Index time and peak RSS come from /usr/bin/time -f '%e %M' (or from
# timecmd when GNU time is missing). Every query is a whole process - start,
# open the index, search, print ten results, exit - timed by bench/timecmd.c
# in microseconds; the figures are p50 and p95 over all rounds. The engines
# take turns query by query, so a busy machine slows them alike.
set -u

REPORTS=2000
SEED=42
INSEARCH=./insearch
WORKDIR=./bench-work
ROUNDS=11
ENGINES=insearch,omega,fts5
GEN=
TIMECMD=

usage() {
    sed -n '2,/^set -u/s/^# \{0,1\}//p' "$0"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --reports) REPORTS=${2:?--reports needs a number}; shift 2 ;;
        --seed) SEED=${2:?--seed needs a number}; shift 2 ;;
        --insearch) INSEARCH=${2:?--insearch needs a path}; shift 2 ;;
        --workdir) WORKDIR=${2:?--workdir needs a directory}; shift 2 ;;
        --rounds) ROUNDS=${2:?--rounds needs a number}; shift 2 ;;
        --engines) ENGINES=${2:?--engines needs a list}; shift 2 ;;
        --gen) GEN=${2:?--gen needs a path}; shift 2 ;;
        --timecmd) TIMECMD=${2:?--timecmd needs a path}; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
case "$REPORTS$SEED$ROUNDS" in
    *[!0-9]*) echo "run.sh: --reports, --seed and --rounds take whole numbers" >&2; exit 2 ;;
esac
[ "$ROUNDS" -ge 1 ] || { echo "run.sh: --rounds must be at least 1" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
# Other work on the machine skews every figure: the table gives the load
# average at the start and at the end.
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
mkdir -p "$WORKDIR" || exit 1
WORKDIR=$(cd "$WORKDIR" && pwd)
abspath() { # a path given relative to where we were started
    case "$1" in
        /*) printf '%s\n' "$1" ;;
        *) printf '%s/%s\n' "$PWD" "${1#./}" ;;
    esac
}
INSEARCH=$(abspath "$INSEARCH")
[ -z "$GEN" ] || GEN=$(abspath "$GEN")
[ -z "$TIMECMD" ] || TIMECMD=$(abspath "$TIMECMD")
QUERIES="$HERE/queries-peer.txt"
BIN="$WORKDIR/bin"
RESULTS="$WORKDIR/results.txt"
NOTES="$WORKDIR/notes.txt"
: > "$NOTES"
mkdir -p "$BIN"

note() {
    echo "note: $*" >&2
    echo "- $*" >> "$NOTES"
}

want() {
    case ",$ENGINES," in *",$1,"*) return 0 ;; esac
    return 1
}

# --- tools -----------------------------------------------------------------

# Build a helper from its source when missing or older than the source.
build_tool() {
    local src="$HERE/$1.c" out="$BIN/$1"
    if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
        ${CC:-cc} -std=c11 -O2 -Wall -Wextra "$src" -o "$out" || {
            echo "run.sh: cannot compile $src" >&2
            exit 1
        }
    fi
}
if [ -z "$GEN" ]; then
    build_tool insearch-gen
    GEN="$BIN/insearch-gen"
fi
if [ -z "$TIMECMD" ]; then
    build_tool timecmd
    TIMECMD="$BIN/timecmd"
fi
for tool in "$GEN" "$TIMECMD"; do
    [ -x "$tool" ] || { echo "run.sh: $tool is not an executable" >&2; exit 1; }
done

install_peers() {
    # One group per tool, so that a package apt cannot find costs only the
    # column that needs it.
    local groups=() g failed=""
    if want omega && ! { command -v omindex && command -v quest; } >/dev/null 2>&1; then
        groups+=("xapian-omega xapian-tools")
    fi
    if want fts5 && ! command -v sqlite3 >/dev/null 2>&1; then
        groups+=("sqlite3")
    fi
    [ -x /usr/bin/time ] || groups+=("time")
    command -v rg >/dev/null 2>&1 || groups+=("ripgrep")
    if want insearch; then
        command -v curl >/dev/null 2>&1 || groups+=("curl")
        command -v wrk >/dev/null 2>&1 || groups+=("wrk")
    fi
    perl -MJSON::PP -e 1 >/dev/null 2>&1 || groups+=("perl")
    [ ${#groups[@]} -gt 0 ] || return 0
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        note "not installed: ${groups[*]} (run as root on a system with apt-get to have them installed)"
        return 0
    fi
    echo "installing: ${groups[*]} (log: $WORKDIR/apt.log)" >&2
    : >"$WORKDIR/apt.log"
    apt-get update >>"$WORKDIR/apt.log" 2>&1 ||
        note "apt-get update failed (see $WORKDIR/apt.log); trying the install anyway"
    for g in "${groups[@]}"; do
        # shellcheck disable=SC2086 # a group is several package names
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $g \
            >>"$WORKDIR/apt.log" 2>&1 || failed="$failed $g"
    done
    [ -z "$failed" ] || note "apt-get install failed for:$failed (see $WORKDIR/apt.log)"
}
install_peers

# time_index LOGPREFIX COMMAND... : runs the command, leaves "seconds rss_kb"
# in LOGPREFIX.time and its output in LOGPREFIX.log; returns its status.
time_index() {
    local log=$1; shift
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%e %M' -o "$log.time" "$@" >"$log.log" 2>&1
        return $?
    fi
    local line
    line=$("$TIMECMD" "$@" 2>"$log.log") || return 1
    set -- $line
    awk -v us="$1" -v kb="$3" 'BEGIN { printf "%.2f %d\n", us / 1e6, kb }' >"$log.time"
    return "$2"
}

# --- corpus ----------------------------------------------------------------

CORPUS="$WORKDIR/corpus-$REPORTS-$SEED"
STAMP="$CORPUS/.complete"
GENSUM=$(cksum <"$HERE/insearch-gen.c" | cut -d' ' -f1)
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$GENSUM" ]; then
    echo "generating $REPORTS reports (seed $SEED) in $CORPUS" >&2
    rm -rf "$CORPUS"
    "$GEN" --reports "$REPORTS" --seed "$SEED" --out "$CORPUS" \
        --manifest "$WORKDIR/manifest-$REPORTS-$SEED.tsv" || exit 1
    echo "$GENSUM" >"$STAMP"
fi
INPUT_BYTES=$(find "$CORPUS" -type f ! -name '.*' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
NFILES=$(find "$CORPUS" -type f ! -name '.*' | wc -l)
echo "corpus: $NFILES files, $INPUT_BYTES bytes" >&2

# --- queries ---------------------------------------------------------------

# Q_INS[i], Q_QUEST[i], Q_FTS[i]; "-" where the peer cannot express it.
Q_INS=(); Q_QUEST=(); Q_FTS=()
while IFS=$'\t' read -r a b c; do
    case "$a" in ''|'#'*) continue ;; esac
    Q_INS+=("$a"); Q_QUEST+=("${b:--}"); Q_FTS+=("${c:--}")
done <"$QUERIES"
NQ=${#Q_INS[@]}

# run_query ENGINE I : one timed run of query I with ENGINE; appends
# "query-index microseconds status" to $WORKDIR/ENGINE.q
run_query() {
    local eng=$1 i=$2 out="$WORKDIR/$1.q" q
    case "$eng" in
        insearch) q=${Q_INS[i]} ;;
        omega) q=${Q_QUEST[i]} ;;
        fts5) q=${Q_FTS[i]} ;;
    esac
    [ "$q" = "-" ] && return 0
    printf '%d ' "$i" >>"$out"
    case "$eng" in
        insearch)
            "$TIMECMD" -q -o "$out" "$INSEARCH" search --db "$WORKDIR/db-insearch" \
                --limit 10 "$q" ;;
        omega)
            "$TIMECMD" -q -o "$out" quest -d "$WORKDIR/db-omega" -m 10 -o and \
                -f default,wildcard "$q" ;;
        fts5)
            "$TIMECMD" -q -o "$out" sqlite3 "$WORKDIR/fts5.db" \
                "SELECT path, snippet(docs, 1, '[', ']', '...', 12) FROM docs WHERE docs MATCH '${q//\'/\'\'}' ORDER BY rank LIMIT 10" ;;
    esac
}

# run_all_queries ENGINE... : every query, $ROUNDS rounds. The engines take
# turns on each query, so that other work on the machine (loads vary here)
# falls on all of them alike instead of on whichever ran last.
run_all_queries() {
    local r i eng bad
    for eng in "$@"; do : >"$WORKDIR/$eng.q"; done
    for ((r = 1; r <= ROUNDS; r++)); do
        for ((i = 0; i < NQ; i++)); do
            for eng in "$@"; do
                run_query "$eng" "$i"
            done
        done
    done
    for eng in "$@"; do
        bad=$(awk '$3 != 0' "$WORKDIR/$eng.q" | wc -l)
        [ "$bad" -eq 0 ] || note "$eng: $bad query runs failed (status != 0); first: $(awk '$3 != 0 { print $1; exit }' "$WORKDIR/$eng.q" | { read -r k; echo "${Q_INS[k]}"; })"
    done
}

# pct FILE P [SUBSET_ENGINE] : the P-th percentile in ms of successful runs
# (only queries that SUBSET_ENGINE can express, when given).
pct() {
    local file=$1 p=$2 subset=${3:-}
    [ -s "$file" ] || { echo "-"; return; }
    local keep="" i
    if [ -n "$subset" ]; then
        for ((i = 0; i < NQ; i++)); do
            case "$subset" in
                omega) [ "${Q_QUEST[i]}" = "-" ] || keep="$keep $i" ;;
                fts5) [ "${Q_FTS[i]}" = "-" ] || keep="$keep $i" ;;
            esac
        done
    fi
    awk -v keep="$keep" -v subset="$subset" '
        BEGIN { n = split(keep, k, " "); for (j = 1; j <= n; j++) ok[k[j]] = 1 }
        $3 == 0 && (subset == "" || ($1 in ok)) { print $2 }' "$file" |
        sort -n | awk -v p="$p" '
        { v[NR] = $1 }
        END {
            if (NR == 0) { print "-"; exit }
            i = int((p / 100) * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR
            printf "%.2f\n", v[i] / 1000
        }'
}

# Per engine: MBPS RSSMB IDXMB P50 P95 (or "-")
declare -A MBPS RSS IDX P50 P95 P99 OK

record_index() {
    local eng=$1 timefile=$2 dbpath=$3 secs kb
    read -r secs kb <"$timefile" || return 1
    MBPS[$eng]=$(awk -v b="$INPUT_BYTES" -v s="$secs" 'BEGIN { if (s > 0) printf "%.2f", b / 1048576 / s; else print "-" }')
    RSS[$eng]=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
    IDX[$eng]=$(du -sk "$dbpath" | awk '{ printf "%.1f", $1 / 1024 }')
    echo "$eng: indexed in ${secs}s, peak RSS ${kb} KB, index ${IDX[$eng]} MB" >&2
}

# prevent_precision ENGINE : runs the Prevent query once more, untimed, with
# output kept, and sets PREC[ENGINE] to "duty/results" as judged by
# prevent-precision.pl (the method is written down there); details in
# WORKDIR/prevent-ENGINE.txt.
PREVENT_I=-1
for ((i = 0; i < NQ; i++)); do
    [ "${Q_INS[i]}" = "Prevent" ] && { PREVENT_I=$i; break; }
done
declare -A PREC
prevent_precision() {
    local eng=$1 raw="$WORKDIR/prevent-$1.out" q line
    [ "$PREVENT_I" -ge 0 ] || return 0
    if ! perl -MJSON::PP -e 1 >/dev/null 2>&1; then
        note "$eng: no perl with JSON::PP, so no Prevent precision"
        return 0
    fi
    case "$eng" in
        insearch)
            "$INSEARCH" --json search --db "$WORKDIR/db-insearch" --limit 10 \
                "${Q_INS[PREVENT_I]}" >"$raw" 2>/dev/null ;;
        omega)
            q=${Q_QUEST[PREVENT_I]}
            [ "$q" = "-" ] && return 0
            quest -d "$WORKDIR/db-omega" -m 10 -o and -f default,wildcard "$q" >"$raw" 2>/dev/null ;;
        fts5)
            q=${Q_FTS[PREVENT_I]}
            [ "$q" = "-" ] && return 0
            sqlite3 -json "$WORKDIR/fts5.db" \
                "SELECT path, snippet(docs, 1, char(1), char(2), '...', 12) AS snip FROM docs WHERE docs MATCH '${q//\'/\'\'}' ORDER BY rank LIMIT 10" \
                >"$raw" 2>/dev/null ;;
    esac
    if line=$(perl "$HERE/prevent-precision.pl" "$eng" "$raw" "$CORPUS" "$WORKDIR/prevent-$eng.txt"); then
        set -- $line
        PREC[$eng]="$1/$2"
    else
        note "$eng: prevent-precision.pl failed on $raw"
    fi
}

# --- insearch --------------------------------------------------------------

PASSAGES="-"
PASSAGES_PER_S="-"
J1_MBPS=- J1_RSS=- IDX_COMPACT=- COMPACT_SECS=-
if want insearch; then
    if [ ! -x "$INSEARCH" ]; then
        note "insearch: no executable at $INSEARCH (build it first, or pass --insearch PATH); skipped"
    else
        # First with one thread (one shard), then with every core: the
        # second index is the one queried.
        rm -rf "$WORKDIR/db-insearch-j1"
        echo "insearch: indexing with --jobs 1" >&2
        if time_index "$WORKDIR/insearch-index-j1" "$INSEARCH" index --jobs 1 \
               --db "$WORKDIR/db-insearch-j1" "$CORPUS"; then
            read -r J1_SECS J1_KB <"$WORKDIR/insearch-index-j1.time"
            J1_MBPS=$(awk -v b="$INPUT_BYTES" -v s="$J1_SECS" 'BEGIN { if (s > 0) printf "%.2f", b / 1048576 / s; else print "-" }')
            J1_RSS=$(awk -v k="$J1_KB" 'BEGIN { printf "%.1f", k / 1024 }')
        else
            note "insearch: index --jobs 1 failed: $(tail -n 3 "$WORKDIR/insearch-index-j1.log" | tr '\n' ' ')"
        fi
        rm -rf "$WORKDIR/db-insearch-j1"
        rm -rf "$WORKDIR/db-insearch"
        echo "insearch: indexing with --jobs $(nproc) (every core)" >&2
        if time_index "$WORKDIR/insearch-index" "$INSEARCH" index --jobs "$(nproc)" \
               --db "$WORKDIR/db-insearch" "$CORPUS"; then
            record_index insearch "$WORKDIR/insearch-index.time" "$WORKDIR/db-insearch"
            stats=$("$INSEARCH" stats --db "$WORKDIR/db-insearch" --json 2>/dev/null)
            PASSAGES=$(printf '%s' "$stats" | sed -n 's/.*"passages"[[:space:]]*:[[:space:]]*\([0-9][0-9]*\).*/\1/p')
            if [ -n "$PASSAGES" ]; then
                read -r secs _ <"$WORKDIR/insearch-index.time"
                PASSAGES_PER_S=$(awk -v n="$PASSAGES" -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "-" }')
            else
                PASSAGES="-"
                note "insearch: stats --json gave no \"passages\" field: $stats"
            fi
            prevent_precision insearch
            OK[insearch]=1
            # compacted (the queries run on the compacted index)
            if "$INSEARCH" compact --db "$WORKDIR/db-insearch" --json >"$WORKDIR/compact.json" 2>&1; then
                IDX_COMPACT=$(du -sk "$WORKDIR/db-insearch" | awk '{ printf "%.1f", $1 / 1024 }')
                COMPACT_SECS=$(sed -n 's/.*"seconds":\([0-9.]*\).*/\1/p' "$WORKDIR/compact.json")
            else
                note "insearch: compact failed: $(head -c 300 "$WORKDIR/compact.json")"
            fi
        else
            note "insearch: index failed (exit status $?): $(tail -n 3 "$WORKDIR/insearch-index.log" | tr '\n' ' ')"
        fi
    fi
fi

# --- Xapian Omega ----------------------------------------------------------

if want omega; then
    if ! command -v omindex >/dev/null || ! command -v quest >/dev/null; then
        note "omega: omindex/quest not available; skipped"
    else
        rm -rf "$WORKDIR/db-omega"
        echo "omega: indexing" >&2
        # omindex knows .txt as text/plain; .md needs saying.
        if time_index "$WORKDIR/omega-index" omindex --db "$WORKDIR/db-omega" --url / \
               -M md:text/plain "$CORPUS"; then
            record_index omega "$WORKDIR/omega-index.time" "$WORKDIR/db-omega"
            prevent_precision omega
            OK[omega]=1
        else
            note "omega: omindex failed: $(tail -n 3 "$WORKDIR/omega-index.log" | tr '\n' ' ')"
        fi
    fi
fi

# --- SQLite FTS5 -----------------------------------------------------------

if want fts5; then
    if ! command -v sqlite3 >/dev/null; then
        note "fts5: sqlite3 not available; skipped"
    elif ! sqlite3 :memory: "CREATE VIRTUAL TABLE t USING fts5(x); SELECT readfile('/dev/null') IS NOT NULL;" >/dev/null 2>&1; then
        note "fts5: this sqlite3 lacks FTS5 or readfile(); skipped"
    else
        rm -f "$WORKDIR/fts5.db"
        # One statement per file; readfile() reads it inside sqlite3, so the
        # load time is SQLite's own work.
        {
            echo "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            echo "CREATE VIRTUAL TABLE docs USING fts5(path, body, tokenize='porter unicode61');"
            echo "BEGIN;"
            (cd "$CORPUS" && find . -type f ! -name '.*' | sort) | sed "s/'/''/g" |
                awk -v dir="$(printf '%s' "$CORPUS" | sed "s/'/''/g")" '{
                    p = substr($0, 3)
                    printf "INSERT INTO docs(path, body) VALUES('\''%s'\'', CAST(readfile('\''%s/%s'\'') AS TEXT));\n", p, dir, p
                }'
            echo "COMMIT;"
        } >"$WORKDIR/fts5-load.sql"
        echo "fts5: loading" >&2
        if time_index "$WORKDIR/fts5-index" sqlite3 -bail "$WORKDIR/fts5.db" ".read $WORKDIR/fts5-load.sql"; then
            record_index fts5 "$WORKDIR/fts5-index.time" "$WORKDIR/fts5.db"
            prevent_precision fts5
            OK[fts5]=1
        else
            note "fts5: load failed: $(tail -n 3 "$WORKDIR/fts5-index.log" | tr '\n' ' ')"
        fi
    fi
fi

# --- queries, all engines taking turns ------------------------------------

RUN_ENGINES=()
for eng in insearch omega fts5; do
    [ -n "${OK[$eng]:-}" ] && RUN_ENGINES+=("$eng")
done
if [ ${#RUN_ENGINES[@]} -gt 0 ]; then
    echo "querying: ${RUN_ENGINES[*]}, $NQ queries x $ROUNDS rounds" >&2
    run_all_queries "${RUN_ENGINES[@]}"
fi

# insearch's own figure without process start (insearch search --timing:
# open, search, snippets, output), as a long-running caller would see it.
# Same query lines as the whole-process runs: "query-index microseconds 0".
INPROC_P50=- INPROC_P95=-
if [ -n "${OK[insearch]:-}" ]; then
    : >"$WORKDIR/insearch-inproc.q"
    for ((r = 1; r <= ROUNDS; r++)); do
        for ((i = 0; i < NQ; i++)); do
            ms=$("$INSEARCH" search --timing --db "$WORKDIR/db-insearch" --limit 10 \
                "${Q_INS[i]}" 2>&1 >/dev/null | sed -n 's/^insearch search: \([0-9.]*\) ms in process$/\1/p')
            [ -n "$ms" ] && awk -v i="$i" -v ms="$ms" 'BEGIN { printf "%d %d 0\n", i, ms * 1000 }' >>"$WORKDIR/insearch-inproc.q"
        done
    done
    INPROC_P50=$(pct "$WORKDIR/insearch-inproc.q" 50)
    INPROC_P95=$(pct "$WORKDIR/insearch-inproc.q" 95)
    INPROC_P99=$(pct "$WORKDIR/insearch-inproc.q" 99)
    INPROC_FP50=$(pct "$WORKDIR/insearch-inproc.q" 50 fts5)
    INPROC_FP95=$(pct "$WORKDIR/insearch-inproc.q" 95 fts5)
    INPROC_FP99=$(pct "$WORKDIR/insearch-inproc.q" 99 fts5)
fi

# SQLite FTS5 in process: one sqlite3 session per round runs every query
# with .timer on, which reports each statement's own time (ranking and
# snippets, no process start, no open): what an application that embeds
# SQLite sees. The same "query-index microseconds 0" lines.
FTS_IN_P50=- FTS_IN_P95=- FTS_IN_P99=-
if [ -n "${OK[fts5]:-}" ]; then
    : >"$WORKDIR/fts5-inproc.q"
    for ((r = 1; r <= ROUNDS; r++)); do
        : >"$WORKDIR/fts5-inproc.sql"
        echo ".timer on" >>"$WORKDIR/fts5-inproc.sql"
        idx=()
        for ((i = 0; i < NQ; i++)); do
            q=${Q_FTS[i]}
            [ "$q" = "-" ] && continue
            idx+=("$i")
            echo "SELECT path, snippet(docs, 1, '[', ']', '...', 12) FROM docs WHERE docs MATCH '${q//\'/\'\'}' ORDER BY rank LIMIT 10;" >>"$WORKDIR/fts5-inproc.sql"
        done
        sqlite3 "$WORKDIR/fts5.db" <"$WORKDIR/fts5-inproc.sql" 2>&1 |
            awk '/^Run Time: real/ { print $4 }' >"$WORKDIR/fts5-inproc.times"
        k=0
        while read -r t; do
            awk -v i="${idx[k]}" -v t="$t" 'BEGIN { printf "%d %d 0\n", i, t * 1e6 }' >>"$WORKDIR/fts5-inproc.q"
            k=$((k + 1))
        done <"$WORKDIR/fts5-inproc.times"
    done
    FTS_IN_P50=$(pct "$WORKDIR/fts5-inproc.q" 50)
    FTS_IN_P95=$(pct "$WORKDIR/fts5-inproc.q" 95)
    FTS_IN_P99=$(pct "$WORKDIR/fts5-inproc.q" 99)
fi

# ripgrep over the files, for the phrase queries: how long a plain scan
# takes, and how many files it finds against how many reports insearch
# finds (a phrase broken across two lines is invisible to a line scanner).
RG_LINES=()
RG_P50=- RG_P95=-
if [ -n "${OK[insearch]:-}" ] && command -v rg >/dev/null 2>&1; then
    : >"$WORKDIR/rg.q"
    for ((i = 0; i < NQ; i++)); do
        q=${Q_INS[i]}
        case "$q" in \"*\") ;; *) continue ;; esac
        ph=${q#\"}; ph=${ph%\"}
        case "$ph" in *\"*) continue ;; esac
        for ((r = 1; r <= ROUNDS; r++)); do
            printf '%d ' "$i" >>"$WORKDIR/rg.q"
            "$TIMECMD" -q -o "$WORKDIR/rg.q" rg -l -i -F -- "$ph" "$CORPUS"
        done
        rgn=$(rg -l -i -F -- "$ph" "$CORPUS" | wc -l)
        # every report's best passage, counted (the total is an estimate)
        insn=$("$INSEARCH" search --db "$WORKDIR/db-insearch" --json --by-report --limit 1000000 "$q" 2>/dev/null |
            grep -o '"rank":' | wc -l)
        RG_LINES+=("$(printf '  %-36s ripgrep %5s files, insearch %5s reports' "$q" "$rgn" "${insn:-?}")")
    done
    # rg exits 1 when nothing matched: not a failure here
    awk '{ $3 = ($3 == 1 ? 0 : $3); print }' "$WORKDIR/rg.q" >"$WORKDIR/rg.q2" && mv "$WORKDIR/rg.q2" "$WORKDIR/rg.q"
    RG_P50=$(pct "$WORKDIR/rg.q" 50)
    RG_P95=$(pct "$WORKDIR/rg.q" 95)
elif [ -n "${OK[insearch]:-}" ]; then
    note "ripgrep (rg) not available: no phrase-count comparison"
fi

# The theme commands (insearch only: no peer has them), whole processes,
# $THEME_ROUNDS rounds each; "median ms (max ms)".
THEME_ROUNDS=5
THEME_CMDS=(
    "weaknesses --json"
    "weaknesses --json level:4"
    "weaknesses --json type:independent-learning-provider year:2019.."
    "strengths --json grade:outstanding"
    "distinctive --json level:4 type:independent-learning-provider"
    "search --theme prevent"
    "search theme:functional-skills polarity:weakness grade:inadequate"
)
# `similar` and `history` for a provider of the corpus (the first with a
# URN that `reports` lists)
if [ -n "${OK[insearch]:-}" ]; then
    BENCH_URN=$("$INSEARCH" reports --db "$WORKDIR/db-insearch" --json --limit 50 |
        grep -o '"urn":"[0-9]*"' | head -n 1 | cut -d'"' -f4)
    if [ -n "$BENCH_URN" ]; then
        THEME_CMDS+=("similar --json $BENCH_URN" "similar --json --improved $BENCH_URN"
            "history --json $BENCH_URN")
    fi
fi
declare -A THEME_MS
if [ -n "${OK[insearch]:-}" ]; then
    echo "insearch: theme commands, $THEME_ROUNDS rounds" >&2
    for c in "${THEME_CMDS[@]}"; do
        : >"$WORKDIR/theme.q"
        for ((r = 1; r <= THEME_ROUNDS; r++)); do
            read -r -a words <<<"$c"
            printf '0 ' >>"$WORKDIR/theme.q"
            "$TIMECMD" -q -o "$WORKDIR/theme.q" "$INSEARCH" "${words[@]:0:1}" \
                --db "$WORKDIR/db-insearch" "${words[@]:1}"
        done
        THEME_MS[$c]="$(pct "$WORKDIR/theme.q" 50) ($(pct "$WORKDIR/theme.q" 100))"
    done
fi


# `insearch serve`: the two requests the page makes for a search - the ten
# results, and the facet counts (which read every match) - over HTTP, one
# at a time with a new connection each (curl's time_total, which leaves out
# curl's own start); then a bounded load from wrk with a few hundred
# connections at once, taking both kinds of request in turn.
SERVE_P50=- SERVE_P95=- FACET_P50=- FACET_P95=- SERVE_N=0 LOAD_LINE="" SERVE_THREADS=4
WRK_CONNS=${WRK_CONNS:-300} WRK_SECS=${WRK_SECS:-10}
urlenc() { # ASCII query -> percent-encoded
    LC_ALL=C awk -v s="$1" 'BEGIN {
        for (i = 0; i < 256; i++) ord[sprintf("%c", i)] = i
        for (i = 1; i <= length(s); i++) {
            c = substr(s, i, 1)
            if (c ~ /[A-Za-z0-9_.~-]/) printf "%s", c
            else printf "%%%02X", ord[c]
        }
    }'
}
# time_requests PATHFILE OUTFILE : each path once per round
time_requests() {
    local paths=$1 outfile=$2 r i path code secs
    : >"$outfile"
    for ((r = 1; r <= ROUNDS; r++)); do
        i=0
        while read -r path; do
            read -r code secs < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "${SERVE_URL%/}$path")
            awk -v i="$i" -v c="$code" -v t="$secs" 'BEGIN { printf "%d %d %d\n", i, t * 1e6, (c == 200 ? 0 : 1) }' >>"$outfile"
            i=$((i + 1))
        done <"$paths"
    done
}
if [ -n "${OK[insearch]:-}" ]; then
    if ! command -v curl >/dev/null 2>&1; then
        note "serve: curl not available; the serving figures are left out"
    else
        "$INSEARCH" serve --db "$WORKDIR/db-insearch" --port 0 --quiet \
            --threads "$SERVE_THREADS" >"$WORKDIR/serve.out" 2>"$WORKDIR/serve.err" &
        SERVE_PID=$!
        SERVE_URL=
        for ((k = 0; k < 100; k++)); do
            SERVE_URL=$(sed -n 's/^insearch serve: \(http:.*\)$/\1/p' "$WORKDIR/serve.out")
            [ -n "$SERVE_URL" ] && break
            sleep 0.1
        done
        if [ -z "$SERVE_URL" ]; then
            note "serve: the server did not start: $(tr '\n' ' ' <"$WORKDIR/serve.err")"
        else
            echo "insearch serve: $NQ queries x $ROUNDS rounds over HTTP" >&2
            : >"$WORKDIR/serve-paths.txt"
            : >"$WORKDIR/facet-paths.txt"
            for ((i = 0; i < NQ; i++)); do
                qe=$(urlenc "${Q_INS[i]}")
                echo "/api/search?q=$qe&limit=10" >>"$WORKDIR/serve-paths.txt"
                echo "/api/search?q=$qe&limit=1&facets=1" >>"$WORKDIR/facet-paths.txt"
            done
            time_requests "$WORKDIR/serve-paths.txt" "$WORKDIR/serve.q"
            time_requests "$WORKDIR/facet-paths.txt" "$WORKDIR/facet.q"
            SERVE_N=$(wc -l <"$WORKDIR/serve.q")
            bad=$(cat "$WORKDIR/serve.q" "$WORKDIR/facet.q" | awk '$3 != 0' | wc -l)
            [ "$bad" -eq 0 ] || note "serve: $bad of $((SERVE_N * 2)) requests did not answer 200"
            SERVE_P50=$(pct "$WORKDIR/serve.q" 50)
            SERVE_P95=$(pct "$WORKDIR/serve.q" 95)
            FACET_P50=$(pct "$WORKDIR/facet.q" 50)
            FACET_P95=$(pct "$WORKDIR/facet.q" 95)
            paste -d'\n' "$WORKDIR/serve-paths.txt" "$WORKDIR/facet-paths.txt" >"$WORKDIR/wrk-paths.txt"
            if command -v wrk >/dev/null 2>&1; then
                # wrk takes the request paths in turn (a Lua script of ours).
                {
                    echo "local paths = {"
                    sed 's/.*/  "&",/' "$WORKDIR/wrk-paths.txt"
                    echo "}"
                    echo "local i = 0"
                    echo "request = function()"
                    echo "  i = i % #paths + 1"
                    echo "  return wrk.format(\"GET\", paths[i])"
                    echo "end"
                } >"$WORKDIR/wrk-paths.lua"
                echo "insearch serve: wrk, $WRK_CONNS connections, ${WRK_SECS}s" >&2
                wrk -t2 -c"$WRK_CONNS" -d"${WRK_SECS}s" --timeout 10s --latency \
                    -s "$WORKDIR/wrk-paths.lua" "${SERVE_URL%/}" >"$WORKDIR/wrk.txt" 2>&1
                rps=$(awk '/^Requests\/sec:/ { print $2 }' "$WORKDIR/wrk.txt")
                reqs=$(awk '/requests in/ { print $1 }' "$WORKDIR/wrk.txt")
                l50=$(awk '$1 == "50%" { print $2 }' "$WORKDIR/wrk.txt")
                l99=$(awk '$1 == "99%" { print $2 }' "$WORKDIR/wrk.txt")
                non2xx=$(awk '/Non-2xx/ { print $NF }' "$WORKDIR/wrk.txt")
                sockerr=$(sed -n 's/^ *Socket errors: //p' "$WORKDIR/wrk.txt")
                LOAD_LINE="${rps:-?} requests/s ($reqs in ${WRK_SECS}s), latency p50 ${l50:-?}, p99 ${l99:-?}; non-2xx answers: ${non2xx:-0}; socket errors: ${sockerr:-none}"
            else
                note "serve: wrk not available (apt-get install wrk); no load figures"
            fi
        fi
        kill -TERM "$SERVE_PID" 2>/dev/null
        wait "$SERVE_PID" 2>/dev/null || note "serve: did not exit 0 on SIGTERM"
    fi
fi

# --- report ----------------------------------------------------------------

for eng in insearch omega fts5; do
    if [ -n "${OK[$eng]:-}" ]; then
        P50[$eng]=$(pct "$WORKDIR/$eng.q" 50)
        P95[$eng]=$(pct "$WORKDIR/$eng.q" 95)
        P99[$eng]=$(pct "$WORKDIR/$eng.q" 99)
    fi
done

ratio() { # a b : a / b, or "-"
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2fx", a / b }'
}

nq_of() { # engine : how many queries it runs
    local n=0 i
    for ((i = 0; i < NQ; i++)); do
        case "$1" in
            insearch) n=$((n + 1)) ;;
            omega) [ "${Q_QUEST[i]}" = "-" ] || n=$((n + 1)) ;;
            fts5) [ "${Q_FTS[i]}" = "-" ] || n=$((n + 1)) ;;
        esac
    done
    echo "$n"
}

label_of() {
    case "$1" in
        omega) echo "omindex+quest" ;;
        fts5) echo "sqlite-fts5" ;;
        *) echo "$1" ;;
    esac
}

{
    echo "insearch benchmark: $NFILES reports (seed $SEED), $(awk -v b="$INPUT_BYTES" 'BEGIN { printf "%.1f", b / 1048576 }') MB of text, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(nproc 2>/dev/null || echo '?') cores; load average $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') at the end"
    echo "queries: whole processes (start, open, search, print 10 results, exit), $ROUNDS rounds; p50/p95 over all runs of each engine's queries"
    echo
    fmt='%-14s %10s %11s %11s %9s %8s %8s %8s %8s %8s\n'
    printf "$fmt" engine "index MB/s" "passages/s" "peak RSS MB" "index MB" "per MB" "p50 ms" "p95 ms" "p99 ms" queries
    for eng in insearch omega fts5; do
        want "$eng" || continue
        if [ -n "${OK[$eng]:-}" ]; then
            pps=-
            [ "$eng" = insearch ] && pps=$PASSAGES_PER_S
            per=$(awk -v i="${IDX[$eng]}" -v b="$INPUT_BYTES" 'BEGIN { printf "%.2f", i / (b / 1048576) }')
            printf "$fmt" "$(label_of "$eng")" "${MBPS[$eng]}" "$pps" "${RSS[$eng]}" \
                "${IDX[$eng]}" "$per" "${P50[$eng]}" "${P95[$eng]}" "${P99[$eng]}" "$(nq_of "$eng")"
        else
            printf "$fmt" "$(label_of "$eng")" - - - - - - - - "not run"
        fi
    done
    if [ -n "${OK[insearch]:-}" ]; then
        echo
        echo "insearch: $PASSAGES passages indexed ($PASSAGES_PER_S passages/s)"
        echo "insearch indexing with --jobs 1: $J1_MBPS MB/s, peak RSS $J1_RSS MB (the table: --jobs $(nproc)); index after 'insearch compact': $IDX_COMPACT MB (compact took ${COMPACT_SECS}s; the queries ran on it)"
        echo "insearch in process (open, search, snippets, output; no process start): p50 $INPROC_P50 ms, p95 $INPROC_P95 ms, p99 $INPROC_P99 ms"
        if [ "$FTS_IN_P50" != "-" ]; then
            echo "  in process against sqlite-fts5 in process (its statement time, .timer), on the queries both run: insearch p50/p95/p99 $INPROC_FP50/$INPROC_FP95/$INPROC_FP99 ms, fts5 $FTS_IN_P50/$FTS_IN_P95/$FTS_IN_P99 ms (p95 $(ratio "$INPROC_FP95" "$FTS_IN_P95"))"
        fi
        if [ ${#RG_LINES[@]} -gt 0 ]; then
            echo "phrases: ripgrep -l -i -F over the files, whole process: p50 $RG_P50 ms, p95 $RG_P95 ms; files it finds against reports insearch finds:"
            printf '%s\n' "${RG_LINES[@]}"
        fi
        echo "insearch theme and provider commands, whole processes, median (max) of $THEME_ROUNDS runs:"
        for c in "${THEME_CMDS[@]}"; do
            printf '  %-66s %s ms\n' "insearch $c" "${THEME_MS[$c]:-not run}"
        done
    fi
    if [ "$SERVE_N" -gt 0 ]; then
        echo "insearch serve ($SERVE_THREADS worker threads), $SERVE_N requests of each kind one at a time, new connection each (curl):"
        echo "  the page's search (/api/search, 10 results with snippets): p50 $SERVE_P50 ms, p95 $SERVE_P95 ms"
        echo "  its facet counts (/api/search?facets=1, every match read): p50 $FACET_P50 ms, p95 $FACET_P95 ms"
        [ -z "$LOAD_LINE" ] || echo "insearch serve under load (wrk, 2 threads, $WRK_CONNS connections, results and facet requests in turn): $LOAD_LINE"
    fi
    if [ "$PREVENT_I" -ge 0 ]; then
        line=""
        for eng in insearch omega fts5; do
            [ -n "${PREC[$eng]:-}" ] || continue
            line="$line${line:+, }$(label_of "$eng") ${PREC[$eng]}"
        done
        [ -z "$line" ] ||
            echo "Prevent precision (top 10 for the query Prevent that show the Prevent duty, not prevent/prevented/prevention): $line"
    fi
    for peer in omega fts5; do
        [ -n "${OK[insearch]:-}" ] && [ -n "${OK[$peer]:-}" ] || continue
        sp50=$(pct "$WORKDIR/insearch.q" 50 "$peer")
        sp95=$(pct "$WORKDIR/insearch.q" 95 "$peer")
        echo
        echo "insearch / $(label_of "$peer") (above 1x: insearch's figure is the larger):"
        echo "  index MB/s $(ratio "${MBPS[insearch]}" "${MBPS[$peer]}") (with --jobs 1: $(ratio "$J1_MBPS" "${MBPS[$peer]}")), peak RSS $(ratio "${RSS[insearch]}" "${RSS[$peer]}"), index size $(ratio "${IDX[insearch]}" "${IDX[$peer]}") (compacted: $(ratio "$IDX_COMPACT" "${IDX[$peer]}"))"
        sp99=$(pct "$WORKDIR/insearch.q" 99 "$peer")
        echo "  query time on the $(nq_of "$peer") queries both run: p50 $sp50 vs ${P50[$peer]} ms ($(ratio "$sp50" "${P50[$peer]}")), p95 $sp95 vs ${P95[$peer]} ms ($(ratio "$sp95" "${P95[$peer]}")), p99 $sp99 vs ${P99[$peer]} ms ($(ratio "$sp99" "${P99[$peer]}"))"
    done
    echo
    echo "notes:"
    echo "- every engine reads the same uncompressed .txt/.md files (no .gz: omindex has no gzip handler)"
    echo "- insearch indexes passages (one Xapian document each, positions kept); omindex and FTS5 index whole files"
    echo "- sqlite-fts5 (porter unicode61) stores the full text in its database (needed for snippet()), omindex a 512-byte sample; queries that name a field (grade:, year:, type:) have no peer equivalent and are left out of the peers' figures"
    echo "- omindex+quest: omindex -M md:text/plain; quest -o and -f default,wildcard (AND by default, like insearch)"
    echo "- Prevent precision: the words each engine marks as the match (quest marks none: the first line of the file holding the word 'prevent'), judged in their full context; method in bench/prevent-precision.pl, verdicts in $WORKDIR/prevent-*.txt"
    [ -s "$NOTES" ] && cat "$NOTES"
} | tee "$RESULTS"
echo "(written to $RESULTS)" >&2
