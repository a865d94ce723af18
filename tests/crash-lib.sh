# crash-lib.sh - what tests/crash-kill.sh and tests/crash-inject.sh share
# (sourced after harness.sh): the corpus, the shards, and the check that
# an index is whole.
# need_xapian_tools: skip (77) without xapian-check and xapian-delve.
need_xapian_tools() {
    for t in xapian-check xapian-delve; do
        if ! command -v "$t" >/dev/null 2>&1; then
            echo "SKIP: $t not found (Debian package xapian-tools)"
            exit 77
        fi
    done
}

# make_corpus DIR COPIES: COPIES copies of the samples in DIR/c1, DIR/c2 ...
# (the folder walk's own files only, so that the number of files is the
# number of reports and others an index of DIR must hold); sets $files.
make_corpus() {
    k=1
    while [ "$k" -le "$2" ]; do
        mkdir -p "$1/c$k"
        for f in "$SAMPLES"/*; do
            case $f in *.tsv) ;; *) cp "$f" "$1/c$k/" ;; esac
        done
        k=$((k + 1))
    done
    files=$(find "$1" -type f | wc -l)
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# shard_dirs DB: the Xapian databases an index is made of.
shard_dirs() {
    if [ -e "$1/iamglass" ]; then echo "$1"; return; fi
    # the shards are those the stub lists (a folder it does not list is
    # not part of the index yet)
    sed -n 's/^auto //p' "$1/XAPIANDB" 2>/dev/null | while read -r s; do echo "$1/$s"; done
}

# layout DB: what the folder holds, for a failure message.
layout() {
    (cd "$1" 2>/dev/null && find . -maxdepth 2 | sort | tr '\n' ' ') | sed 's/^/    layout: /'
    echo
}

# whole LABEL DB IDS: check the index at DB is whole (see the top); the
# report ids it holds go to the file IDS (sorted); $nrec gets how many
# records it holds. Failures are counted through no(); returns 1 on any.
whole() {
    wl=$1; wdb=$2; wids=$3; nrec=-1
    : >"$wids"
    if ! insearch stats --db "$wdb" --json >"$work/w.stats" 2>"$work/w.err"; then
        no "$wl: the index does not open: $(head -c 400 "$work/w.err")"
        layout "$wdb"
        return 1
    fi
    ok
    wbad=0
    if [ ! -e "$wdb/XAPIANDB" ] && [ ! -e "$wdb/iamglass" ]; then
        # stopped before its first commit: the index is being created and
        # must open as an empty one (the next run makes it)
        if grep -q '"reports":0,"others":0,"passages":0' "$work/w.stats"; then ok; else
            no "$wl: an index being created opens, but not empty: $(head -c 200 "$work/w.stats")"
            wbad=1
        fi
        nrec=0
        return $wbad
    fi
    for s in $(shard_dirs "$wdb"); do
        if xapian-check "$s" >"$work/w.check" 2>&1; then ok; else
            no "$wl: xapian-check $s fails"; tail -5 "$work/w.check" | sed 's/^/    /'
            wbad=1
        fi
    done
    xapian-delve -v -1 -A XR "$wdb" >"$work/w.xr" 2>"$work/w.err" || {
        no "$wl: xapian-delve cannot list the XR terms: $(head -c 300 "$work/w.err")"
        return 1
    }
    # an index with no report yet has no XDreport term: delve says so and
    # fails, which is no records
    xapian-delve -1 -t XDreport "$wdb" 2>/dev/null | tail -n +2 >"$work/w.recs"
    : >"$work/w.data"
    if [ -s "$work/w.recs" ]; then
        # shellcheck disable=SC2046
        xapian-delve -d $(sed 's/^/-r /' "$work/w.recs") "$wdb" >"$work/w.data" 2>"$work/w.err" || {
            no "$wl: xapian-delve cannot read the report records: $(head -c 300 "$work/w.err")"
            return 1
        }
    fi
    awk -v ids="$wids.u" '
        FNR == 1 { f++ }
        f == 1 && FNR > 1 { sub(/^XR/, "", $1); freq[$1] = $2; next }
        f == 2 && /^Data for record #/ { inrec = 1; id = ""; p = ""; next }
        f == 2 && /^Term List for record/ { inrec = 0; next }
        f == 2 && inrec && /^id=/ && id == "" { id = substr($0, 4) }
        f == 2 && inrec && /^passages=/ && p == "" {
            p = substr($0, 10); n++; total += p; rec[id] = 1
            print id > ids
            if (freq[id] != p + 1)
                printf "PROBLEM report %s: its record says %d passages, the index holds %d\n", id, p, freq[id] - 1
        }
        END {
            for (k in freq) if (!(k in rec))
                printf "PROBLEM %d passages of report %s but no record\n", freq[k], k
            printf "records %d passages %d\n", n, total
        }' "$work/w.xr" "$work/w.data" >"$work/w.complete"
    [ -e "$wids.u" ] && sort "$wids.u" >"$wids" && rm -f "$wids.u"
    if grep -q '^PROBLEM' "$work/w.complete"; then
        no "$wl: incomplete reports in the index"
        grep '^PROBLEM' "$work/w.complete" | head -10 | sed 's/^/    /'
        wbad=1
    else ok; fi
    set -- $(tail -1 "$work/w.complete")
    nrec=$2
    # what the reading commands count must be what is there
    sr=$(sed -n 's/.*"reports":\([0-9]*\).*/\1/p' "$work/w.stats")
    so=$(sed -n 's/.*"others":\([0-9]*\).*/\1/p' "$work/w.stats")
    sp=$(sed -n 's/.*"passages":\([0-9]*\).*/\1/p' "$work/w.stats")
    if [ "$((sr + so))" -eq "$2" ] && [ "$sp" -eq "$4" ]; then ok; else
        no "$wl: stats says $sr reports + $so others, $sp passages; the index holds $2 records, $4 passages"
        wbad=1
    fi
    return $wbad
}

