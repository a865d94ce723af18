#!/bin/sh
# crash-inject.sh - a write, fsync, rename or open of the index that fails
# (ENOSPC, EIO; injected with strace) gives a clear error, never an abort,
# and leaves the index at its last commit: it opens, passes xapian-check,
# holds only complete reports and every report it held before, and a normal
# run afterwards finishes the job.
#
# Each case is SYSCALL:N:ERRNO, run through
#   strace -f -P <each index file> -e inject=SYSCALL:error=ERRNO:when=N
# so that only calls on the index's own files count (strace counts per
# thread: the Nth such call of each thread fails). The glass backend writes
# its tables with pwrite64, syncs them with fdatasync, writes the revision
# file (v.tmp, then renamed to iamglass) with write; the stub XAPIANDB is
# written with write, fsync and rename. Cases on an existing index add a
# second copy of the samples to it; "fresh" cases make the index.
#
# Skipped (77) without strace, when ptrace is not allowed (containers), or
# without xapian-tools.
set -u

# LeakSanitizer cannot run under ptrace (strace): leaks are left to the
# valgrind and plain ASan runs of the other tests.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
NAME=crash-inject
. "$(dirname "$0")/harness.sh"
. "$(dirname "$0")/crash-lib.sh"

# ---------- the run ----------
need_xapian_tools
if ! command -v strace >/dev/null 2>&1; then
    echo "SKIP: strace not found (Debian package strace)"
    exit 77
fi
if ! strace -f -o /dev/null true >/dev/null 2>&1; then
    echo "SKIP: strace cannot trace here (ptrace not permitted: $(strace -f -o /dev/null true 2>&1 | head -1))"
    exit 77
fi
if [ -n "$VALGRIND" ]; then
    # strace would trace valgrind, not insearch: the counts mean nothing
    echo "SKIP: not under valgrind"
    exit 77
fi

corpus="$work/corpus"
make_corpus "$corpus" 2
files_base=$(find "$corpus/c1" -type f | wc -l)
base="$work/base"
insearch index --db "$base" --quiet "$corpus/c1" 2>"$work/base.err" || {
    no "cannot build the base index"; cat "$work/base.err"; finish; exit 1; }
whole "base index" "$base" "$work/ids.base"

# -P for every file of an index at $1 (existing or not yet)
index_paths() {
    for s in 0 1 2 3; do
        for f in iamglass v.tmp postlist.glass termlist.glass docdata.glass \
                 position.glass spelling.glass synonym.glass; do
            printf ' -P %s/shard-%s/%s' "$1" "$s" "$f"
        done
    done
    printf ' -P %s/XAPIANDB -P %s/XAPIANDB.tmp' "$1" "$1"
}

cases_base="pwrite64:1:ENOSPC pwrite64:20:EIO pwrite64:200:ENOSPC
fdatasync:1:EIO fdatasync:2:ENOSPC fdatasync:4:EIO
rename:1:ENOSPC rename:2:EIO write:1:EIO write:2:ENOSPC
openat:1:EIO openat:4:ENOSPC openat:9:EIO"
cases_fresh="rename:1:EIO rename:2:ENOSPC fsync:1:ENOSPC write:1:EIO
pwrite64:5:EIO fdatasync:1:ENOSPC openat:2:ENOSPC openat:6:EIO"

fired=0
ncases=0
named=0
dbabs="$work/idx"
for kind in base fresh; do
    if [ $kind = base ]; then cases=$cases_base; else cases=$cases_fresh; fi
    for c in $cases; do
        sys=${c%%:*}; rest=${c#*:}; n=${rest%%:*}; errno=${rest#*:}
        label="$kind $sys:$errno:when=$n"
        ncases=$((ncases + 1))
        rm -rf "$dbabs"
        [ $kind = base ] && cp -a "$base" "$dbabs"
        # shellcheck disable=SC2046
        strace -f -qq -o "$work/strace.log" $(index_paths "$dbabs") \
            -e trace="$sys" -e inject="$sys:error=$errno:when=$n" \
            "$INSEARCH" index --db "$dbabs" --json "$corpus" \
            >"$work/run.json" 2>"$work/run.err"
        rc=$?
        hits=$(grep -c 'INJECTED' "$work/strace.log")
        [ "$hits" -gt 0 ] && fired=$((fired + 1))
        msg=$(grep -v '^strace: ' "$work/run.err" | head -3 | cut -c1-300)
        echo "  $label: $hits injected, exit $rc${msg:+: $msg}"
        if grep -q 'terminate called\|Aborted\|Segmentation\|AddressSanitizer' "$work/run.err"; then
            no "$label: the indexer crashed"; cat "$work/run.err"
        fi
        case $rc in
        0)
            # nothing failed that mattered (e.g. a read-only open the
            # indexer does without): then the job is done
            ok ;;
        1)
            # the message names the index; most also name the error, but
            # some of Xapian's do not ("Failed to create iamglass file")
            if grep -qF "insearch index: $dbabs" "$work/run.err"; then ok; else
                no "$label: no clear message (naming the index) for exit 1"; cat "$work/run.err"
            fi
            grep -q 'No space left\|Input/output error' "$work/run.err" && named=$((named + 1)) ;;
        *)
            no "$label: exit status $rc"; cat "$work/run.err" ;;
        esac
        if [ $kind = fresh ] && [ ! -e "$dbabs" ]; then
            : # failed before the folder was made
        elif [ $kind = fresh ] && [ $rc -ne 0 ] &&
             ! insearch stats --db "$dbabs" >/dev/null 2>&1; then
            # nothing was ever committed: no index to keep, but the next
            # run must be able to make one (checked below)
            echo "    (no index after the failure: $(insearch stats --db "$dbabs" 2>&1 | head -c 200))"
        elif whole "$label" "$dbabs" "$work/ids.now"; then
            if [ $kind = base ] && [ -n "$(comm -23 "$work/ids.base" "$work/ids.now")" ]; then
                no "$label: reports of the last commit have gone"
            else ok; fi
            if [ $rc = 0 ] && [ "$nrec" -ne "$files" ]; then
                no "$label: exit 0 but the index holds $nrec of $files files"
            fi
        fi
        # the next, normal, run finishes the job
        "$INSEARCH" index --db "$dbabs" --quiet "$corpus" 2>"$work/rerun.err"
        rc=$?
        if [ $rc -eq 0 ]; then ok; else
            no "$label: the run after it exits $rc: $(head -c 400 "$work/rerun.err")"
            layout "$dbabs"
            continue
        fi
        if whole "$label, then a normal run" "$dbabs" "$work/ids.now" &&
           [ "$nrec" -ne "$files" ]; then
            no "$label, then a normal run: $nrec of $files files"
        fi
    done
done

# A kill while a new index's folder is being made: the folder appears with
# its lock file already in it (made beside it, then renamed), so a kill
# as the indexer opens the lock leaves an index a reader opens (empty),
# never a bare folder that is neither an index nor one being made.
for c in "openat:1:$dbabs/insearch.lock" "rename:1:"; do
    sys=${c%%:*}; rest=${c#*:}; n=${rest%%:*}; only=${rest#*:}
    label="fresh, killed at $sys:when=$n${only:+ of $only}"
    rm -rf "$dbabs" "$dbabs".new-*
    strace -f -qq -o "$work/strace.log" ${only:+-P "$only"} -e trace="$sys" \
        -e inject="$sys:signal=KILL:when=$n" \
        "$INSEARCH" index --db "$dbabs" --quiet "$corpus" >/dev/null 2>"$work/run.err"
    if ! grep -q 'killed by SIGKILL' "$work/strace.log"; then
        no "$label: the kill did not fire"; cat "$work/strace.log"; continue
    fi
    if [ -e "$dbabs" ]; then
        if insearch stats --db "$dbabs" >"$work/stats.out" 2>&1; then ok; else
            no "$label: the folder left does not open: $(head -c 300 "$work/stats.out")"; layout "$dbabs"
        fi
    else ok; fi
    "$INSEARCH" index --db "$dbabs" --quiet "$corpus" 2>"$work/rerun.err" && ok ||
        no "$label: the run after it fails: $(head -c 300 "$work/rerun.err")"
    # and it clears what the killed run left beside the index
    if [ -z "$(ls -d "$dbabs".new-* 2>/dev/null)" ]; then ok; else
        no "$label: left behind: $(ls -d "$dbabs".new-*)"; fi
done

echo "crash-inject: the error was injected in $fired of $ncases cases; $named messages name it"
if [ $fired -ge $((ncases * 2 / 3)) ]; then ok; else
    no "too few injections fired ($fired of $ncases): are the cases still right for this Xapian?"
fi
finish
