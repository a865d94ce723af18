#!/usr/bin/env bash
# bench/run.sh - index and query a generated corpus with insearch and with
# its peers (Xapian Omega: omindex + quest; SQLite FTS5 through the sqlite3
# shell), and print one table of figures.
#
#   bench/run.sh [--reports N] [--seed S] [--insearch PATH] [--workdir DIR]
#                [--rounds K] [--engines LIST]
#
# Defaults: 2000 reports, seed 42, ./insearch, ./bench-work (both relative to
# the directory it is run from: the build directory under `make bench`),
# 11 rounds over the query set, engines "insearch,omega,fts5".
#
# Every engine reads the same uncompressed corpus (.txt and .md): Omega has no
# gzip handler, so the generator is run without --gzip-every.
#
# Index time and peak RSS come from /usr/bin/time -f '%e %M' (or from
# timecmd when GNU time is missing). Every query is a whole process - start,
# open the index, search, print ten results, exit - timed by bench/timecmd.c
# in microseconds; the figures are p50 and p95 over all rounds.
set -u

REPORTS=2000
SEED=42
INSEARCH=./insearch
WORKDIR=./bench-work
ROUNDS=11
ENGINES=insearch,omega,fts5

usage() {
    sed -n '2,20s/^# \{0,1\}//p' "$0"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --reports) REPORTS=${2:?--reports needs a number}; shift 2 ;;
        --seed) SEED=${2:?--seed needs a number}; shift 2 ;;
        --insearch) INSEARCH=${2:?--insearch needs a path}; shift 2 ;;
        --workdir) WORKDIR=${2:?--workdir needs a directory}; shift 2 ;;
        --rounds) ROUNDS=${2:?--rounds needs a number}; shift 2 ;;
        --engines) ENGINES=${2:?--engines needs a list}; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
case "$REPORTS$SEED$ROUNDS" in
    *[!0-9]*) echo "run.sh: --reports, --seed and --rounds take whole numbers" >&2; exit 2 ;;
esac
[ "$ROUNDS" -ge 1 ] || { echo "run.sh: --rounds must be at least 1" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORKDIR" || exit 1
WORKDIR=$(cd "$WORKDIR" && pwd)
case "$INSEARCH" in
    /*) ;;
    *) INSEARCH="$PWD/${INSEARCH#./}" ;;
esac
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
    local name=$1 src="$HERE/$1.c" out="$BIN/$1"
    if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
        ${CC:-cc} -std=c11 -O2 -Wall -Wextra "$src" -o "$out" || {
            echo "run.sh: cannot compile $src" >&2
            exit 1
        }
    fi
}
build_tool insearch-gen
build_tool timecmd
GEN="$BIN/insearch-gen"
TIMECMD="$BIN/timecmd"

install_peers() {
    local missing=""
    if want omega && ! { command -v omindex && command -v quest; } >/dev/null; then
        missing="$missing xapian-omega xapian-tools"
    fi
    if want fts5 && ! command -v sqlite3 >/dev/null; then
        missing="$missing sqlite3"
    fi
    [ -x /usr/bin/time ] || missing="$missing time"
    [ -n "$missing" ] || return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing:$missing" >&2
        { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $missing; } \
            >"$WORKDIR/apt.log" 2>&1 ||
            note "apt-get install$missing failed (see $WORKDIR/apt.log)"
    else
        note "not installed:$missing (run as root with apt-get to install them)"
    fi
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

# run_queries ENGINE : times every query of ENGINE $ROUNDS times; writes
# "query-index microseconds status" lines to $WORKDIR/ENGINE.q
run_queries() {
    local eng=$1 out="$WORKDIR/$1.q" r i q
    : >"$out"
    for ((r = 1; r <= ROUNDS; r++)); do
        for ((i = 0; i < NQ; i++)); do
            case "$eng" in
                insearch) q=${Q_INS[i]} ;;
                omega) q=${Q_QUEST[i]} ;;
                fts5) q=${Q_FTS[i]} ;;
            esac
            [ "$q" = "-" ] && continue
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
        done
    done
    local bad
    bad=$(awk '$3 != 0' "$out" | wc -l)
    [ "$bad" -eq 0 ] || note "$eng: $bad query runs failed (status != 0); first: $(awk '$3 != 0 { print $1; exit }' "$out" | { read -r k; echo "${Q_INS[k]}"; })"
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
declare -A MBPS RSS IDX P50 P95 OK

record_index() {
    local eng=$1 timefile=$2 dbpath=$3 secs kb
    read -r secs kb <"$timefile" || return 1
    MBPS[$eng]=$(awk -v b="$INPUT_BYTES" -v s="$secs" 'BEGIN { if (s > 0) printf "%.2f", b / 1048576 / s; else print "-" }')
    RSS[$eng]=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
    IDX[$eng]=$(du -sk "$dbpath" | awk '{ printf "%.1f", $1 / 1024 }')
    echo "$eng: indexed in ${secs}s, peak RSS ${kb} KB, index ${IDX[$eng]} MB" >&2
}

# --- insearch --------------------------------------------------------------

PASSAGES="-"
PASSAGES_PER_S="-"
if want insearch; then
    if [ ! -x "$INSEARCH" ]; then
        note "insearch: no executable at $INSEARCH (build it first, or pass --insearch PATH); skipped"
    else
        rm -rf "$WORKDIR/db-insearch"
        echo "insearch: indexing" >&2
        if time_index "$WORKDIR/insearch-index" "$INSEARCH" index --db "$WORKDIR/db-insearch" "$CORPUS"; then
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
            echo "insearch: querying ($NQ queries x $ROUNDS rounds)" >&2
            run_queries insearch
            OK[insearch]=1
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
            echo "omega: querying" >&2
            run_queries omega
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
            echo "fts5: querying" >&2
            run_queries fts5
            OK[fts5]=1
        else
            note "fts5: load failed: $(tail -n 3 "$WORKDIR/fts5-index.log" | tr '\n' ' ')"
        fi
    fi
fi

# --- report ----------------------------------------------------------------

for eng in insearch omega fts5; do
    if [ -n "${OK[$eng]:-}" ]; then
        P50[$eng]=$(pct "$WORKDIR/$eng.q" 50)
        P95[$eng]=$(pct "$WORKDIR/$eng.q" 95)
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

{
    echo "insearch benchmark: $NFILES reports (seed $SEED), $(awk -v b="$INPUT_BYTES" 'BEGIN { printf "%.1f", b / 1048576 }') MB of text, $(nproc 2>/dev/null || echo '?') cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "queries: whole processes, --limit 10, $ROUNDS rounds; p50/p95 over all runs of each engine's queries"
    echo
    printf '%-16s %12s %12s %10s %12s %12s %8s\n' engine "index MB/s" "peak RSS MB" "index MB" "query p50 ms" "query p95 ms" queries
    for eng in insearch omega fts5; do
        want "$eng" || continue
        label=$eng
        [ "$eng" = omega ] && label="omindex+quest"
        [ "$eng" = fts5 ] && label="sqlite-fts5"
        if [ -n "${OK[$eng]:-}" ]; then
            printf '%-16s %12s %12s %10s %12s %12s %8s\n' "$label" "${MBPS[$eng]}" "${RSS[$eng]}" \
                "${IDX[$eng]}" "${P50[$eng]}" "${P95[$eng]}" "$(nq_of "$eng")"
        else
            printf '%-16s %12s %12s %10s %12s %12s %8s\n' "$label" - - - - - "not run"
        fi
    done
    if [ -n "${OK[insearch]:-}" ]; then
        echo
        echo "insearch: $PASSAGES passages, $PASSAGES_PER_S passages/s"
    fi
    for peer in omega fts5; do
        [ -n "${OK[insearch]:-}" ] && [ -n "${OK[$peer]:-}" ] || continue
        label=$peer
        [ "$peer" = omega ] && label="omindex+quest"
        [ "$peer" = fts5 ] && label="sqlite-fts5"
        sp50=$(pct "$WORKDIR/insearch.q" 50 "$peer")
        sp95=$(pct "$WORKDIR/insearch.q" 95 "$peer")
        echo
        echo "insearch vs $label (>1x: insearch has more of it):"
        echo "  index speed $(ratio "${MBPS[insearch]}" "${MBPS[$peer]}"), peak RSS $(ratio "${RSS[insearch]}" "${RSS[$peer]}"), index size $(ratio "${IDX[insearch]}" "${IDX[$peer]}")"
        echo "  query time on the $(nq_of "$peer") queries both run: p50 $sp50 vs ${P50[$peer]} ms ($(ratio "$sp50" "${P50[$peer]}")), p95 $sp95 vs ${P95[$peer]} ms ($(ratio "$sp95" "${P95[$peer]}"))"
    done
    echo
    echo "notes:"
    echo "- every engine reads the same uncompressed .txt/.md files (no .gz: omindex has no gzip handler)"
    echo "- sqlite-fts5 (porter unicode61) stores the full text in its database (needed for snippet()), omindex a 512-byte sample; queries that name a field (grade:, year:, type:) have no peer equivalent and are left out of the peers' figures"
    echo "- omindex+quest: omindex -M md:text/plain; quest -o and -f default,wildcard (AND by default, like insearch)"
    [ -s "$NOTES" ] && cat "$NOTES"
} | tee "$RESULTS"
echo "(written to $RESULTS)" >&2
