#!/bin/sh
# cli.sh - end-to-end: drive the insearch binary over the bundled sample
# corpus and check what a person (or a script) gets back.
set -u

NAME=cli
. "$(dirname "$0")/harness.sh"

# --- index the sample corpus ---
insearch index --db "$db" --json "$SAMPLES" >"$work/index.json" 2>"$work/index.err"
rc=$?
if [ $rc -eq 0 ]; then ok; else no "index exited $rc"; cat "$work/index.err"; fi
contains "index summary counts files" "$work/index.json" '"failed":0'
contains "index summary has passages" "$work/index.json" '"passages":'
files=$(grep -c . "$SAMPLES/MANIFEST.tsv")
files=$((files - 1))
contains "every manifest file indexed" "$work/index.json" "\"indexed\":$files,"

# re-running changes nothing
insearch index --db "$db" --json "$SAMPLES" >"$work/index2.json" 2>&1
contains "second run skips unchanged files" "$work/index2.json" "\"unchanged\":$files,"
contains "second run indexes nothing" "$work/index2.json" '"indexed":0,'

# --- metadata through the CLI equals the manifest ---
tab=$(printf '\t')
tail -n +2 "$SAMPLES/MANIFEST.tsv" | while IFS="$tab" read -r file kind type provider urn ds de grade prev phrase; do
    insearch show --db "$db" --json "$SAMPLES/$file" >"$work/show.json" 2>&1 || { echo "FAIL: show $file"; continue; }
    for pair in "kind:$kind" "type:$type" "urn:$urn" "date_start:$ds" "date_end:$de" "grade:$grade" "previous_grade:$prev" "provider:$provider"; do
        k=${pair%%:*}; v=${pair#*:}
        if [ "$v" = "-" ]; then want="\"$k\":null"; else want="\"$k\":\"$v\""; fi
        grep -qF -- "$want" "$work/show.json" || echo "FAIL: $file: expected $want"
    done
    # the manifest's phrase finds this report
    insearch search --db "$db" --json --limit 50 "\"$phrase\"" >"$work/phrase.json" 2>&1
    grep -qF -- "$file\"" "$work/phrase.json" || echo "FAIL: $file: phrase \"$phrase\" does not find it"
done >"$work/manifest.out"
if [ -s "$work/manifest.out" ]; then
    no "metadata and phrases against the manifest"; cat "$work/manifest.out"
else ok; fi

# --- Prevent, the duty, and prevented, the verb ---
insearch search --db "$db" --json --limit 20 Prevent >"$work/prevent.json" 2>&1
contains "Prevent finds the duty" "$work/prevent.json" '"results":[{'
lacks "Prevent never returns 'prevented'" "$work/prevent.json" 'prevented'
lacks "Prevent never returns 'preventing'" "$work/prevent.json" 'preventing'
insearch search --db "$db" --json --limit 20 prevented >"$work/prevented.json" 2>&1
contains "prevented finds the verb" "$work/prevented.json" 'prevent'
insearch search --db "$db" --color=never --limit 3 '"the Prevent duty"' >"$work/phrase.txt" 2>&1
contains "phrase search prints passages" "$work/phrase.txt" 'Prevent duty'

# --- hyphenated words and phrases ---
insearch search --db "$db" --json --limit 200 off-the-job >"$work/otj1.json"
insearch search --db "$db" --json --limit 200 '"off the job"' >"$work/otj2.json"
t1=$(sed -n 's/.*"total":\([0-9]*\).*/\1/p' "$work/otj1.json")
t2=$(sed -n 's/.*"total":\([0-9]*\).*/\1/p' "$work/otj2.json")
if [ -n "$t1" ] && [ "$t1" -gt 0 ] && [ "$t1" = "$t2" ]; then ok; else no "off-the-job ($t1) and \"off the job\" ($t2) should match the same passages"; fi

# --- filters ---
insearch search --db "$db" --json --limit 100 'safeguarding grade:inadequate' >"$work/f.json"
contains "grade filter finds inadequate reports" "$work/f.json" '"grade":"inadequate"'
for g in good outstanding requires-improvement; do
    lacks "grade filter excludes $g" "$work/f.json" "\"grade\":\"$g\""
done
insearch search --db "$db" --json --limit 100 'kind:monitoring' >"$work/k.json"
lacks "kind filter excludes full reports" "$work/k.json" '"kind":"full"'
contains "kind filter finds monitoring visits" "$work/k.json" 'monitoring"'
insearch reports --db "$db" --json 'year:2021' >"$work/r.json"
contains "reports by year" "$work/r.json" '"date_start":"2021-'
lacks "reports by year excludes others" "$work/r.json" '"date_start":"2019-'

# --- by report, JSON shape ---
insearch search --db "$db" --json --by-report --limit 100 apprentices >"$work/br.json"
ids=$(grep -o '"report":{"id":"[0-9a-f]*"' "$work/br.json" | sort | uniq -d)
if [ -z "$ids" ]; then ok; else no "--by-report returned a report twice: $ids"; fi
for key in '"rank":1' '"score":' '"passage":' '"snippet":' '"section":' '"provider":' '"urn":' '"kind":' '"type":' '"date_start":' '"date_end":' '"grade":' '"previous_grade":' '"source":'; do
    contains "search JSON has $key" "$work/br.json" "$key"
done

# --- CSV: the same passages as JSON, in the same order, one row each ---
insearch search --db "$db" --csv --limit 25 'safeguarding' >"$work/s.csv" 2>"$work/s.csv.err"
insearch search --db "$db" --json --limit 25 'safeguarding' >"$work/s.json"
head -n 1 "$work/s.csv" | tr -d '\r' >"$work/csv.head"
printf '%s\n' '"rank","provider","urn","type","kind","inspection_start","inspection_end","grade","section","page","polarity","themes","score","passage","report_id","source"' >"$work/csv.want"
if cmp -s "$work/csv.head" "$work/csv.want"; then ok; else no "CSV header"; cat "$work/csv.head"; fi
rows=$(grep -c "$(printf '\r')\$" "$work/s.csv")
[ "$rows" -eq 26 ] && ok || no "CSV: a header and 25 rows ended by CRLF (got $rows)"
csv_ids=$(tail -n +2 "$work/s.csv" | sed 's/.*","\([0-9a-f]\{12\}\)","[^"]*"\r$/\1/' | tr '\n' ' ')
json_ids=$(grep -o '"report":{"id":"[0-9a-f]*"' "$work/s.json" | sed 's/.*"\([0-9a-f]*\)"$/\1/' | tr '\n' ' ')
if [ -n "$csv_ids" ] && [ "$csv_ids" = "$json_ids" ]; then ok; else no "CSV rows are the JSON results in order"; echo "csv:  $csv_ids"; echo "json: $json_ids"; fi
contains "CSV rows carry provider, URN, dates, grade, section" "$work/s.csv" '"Kestrel Training Partnership Ltd","2539871","independent-learning-provider","full","2021-11-23","2021-11-26","inadequate","What does the provider do well and what does it need to do better?","",'
insearch search --db "$db" --csv --json safeguarding >/dev/null 2>"$work/cj.err"
[ $? -eq 2 ] && ok || no "--csv with --json is a usage error"
contains "and says so" "$work/cj.err" "--csv gives passages only"
insearch reports --db "$db" --csv >/dev/null 2>"$work/rc.err"
[ $? -eq 2 ] && ok || no "--csv on reports is a usage error"

# --- errors ---
insearch search --db "$db" 'safeguarding AND (training' >"$work/e.out" 2>"$work/e.err"
[ $? -eq 1 ] && ok || no "a malformed query exits 1"
contains "a malformed query names the column" "$work/e.err" 'column'
insearch search --db "$db" --json 'zzzzqqq' >"$work/none.json" 2>&1
[ $? -eq 0 ] && ok || no "no match is not an error"
contains "no match gives empty results" "$work/none.json" '"results":[]'
insearch search --db "$work/nothing-here" safeguarding >"$work/nodb.out" 2>&1
[ $? -eq 1 ] && ok || no "a missing index exits 1"
contains "a missing index says so" "$work/nodb.out" 'nothing-here'
insearch frobnicate >"$work/u.out" 2>&1
[ $? -eq 2 ] && ok || no "an unknown command exits 2"
printf '' >"$work/empty.txt"
insearch index --db "$db" "$work/empty.txt" "$SAMPLES" >"$work/bad.out" 2>&1
[ $? -eq 1 ] && ok || no "a bad file makes index exit 1"
contains "a bad file is named" "$work/bad.out" 'empty.txt'

# --- options after the query; --limit 0 is refused ---
insearch search --db "$db" safeguarding grade:inadequate --json --limit 2 >"$work/after.json" 2>&1
contains "options may follow the query" "$work/after.json" '"limit":2,'
insearch search --db "$db" --limit 0 safeguarding >"$work/l0.out" 2>&1
[ $? -eq 2 ] && ok || no "--limit 0 is a usage error"

# --- the index from $INSEARCH_DB; sorting by date ---
INSEARCH_DB="$db" insearch stats --json >"$work/envdb.json" 2>&1
contains "INSEARCH_DB names the index" "$work/envdb.json" '"passages":'
insearch search --db "$db" --json --sort date --limit 50 safeguarding >"$work/sorted.json"
dates=$(grep -o '"date_start":"[0-9-]*"' "$work/sorted.json" | cut -d'"' -f4)
if [ -n "$dates" ] && [ "$dates" = "$(printf '%s\n' $dates | sort -r)" ]; then ok; else no "--sort date gives newest first"; fi

# --- stats and help ---
insearch stats --db "$db" --json >"$work/stats.json"
contains "stats JSON" "$work/stats.json" '"passages":'
insearch help search >"$work/help.txt"
contains "help search documents NEAR" "$work/help.txt" 'NEAR'

# --- the real samples, when present ---
if [ -n "${INSEARCH_SHARED_SAMPLES:-}" ] && [ -d "$INSEARCH_SHARED_SAMPLES" ]; then
    insearch index --db "$work/real" "$INSEARCH_SHARED_SAMPLES" >/dev/null 2>&1
    insearch search --db "$work/real" --json --limit 20 Prevent >"$work/real.json"
    contains "real samples: Prevent finds the 2016 report's duty passages" "$work/real.json" "'Prevent' duty"
    lacks "real samples: Prevent does not return the verb" "$work/real.json" 'prevented'
else
    echo "note: ../shared/samples not present: real-sample checks not run"
fi


# --- ranking: one use of a word weighs more in a short passage ---
# (length normalisation, indexer/terms.h WDF_SCALE). The long paragraph
# comes first in the report: were the two tied, it would rank first.
mkdir -p "$work/lenrank"
{
    printf 'Quillon Training Ltd\nFull inspection report\n\nUnique reference number:\t2990001\nInspection dates:\t4-7 March 2019\n\nSummary of key findings\n\n'
    printf 'Leaders and managers have worked steadily over the past two years to widen the range of courses that learners can take, to recruit tutors with recent industry experience, to improve the accommodation used for practical teaching, to strengthen links with local employers who offer work placements, and to make sure that the small number of learners who use the larkspur scheme receive the same careful support as everyone else on their programmes.\n\n'
    printf 'Tutors use the larkspur scheme well.\n'
} >"$work/lenrank/quillon-2019.txt"
insearch index --db "$work/lenrank-db" --quiet "$work/lenrank" >/dev/null 2>&1
insearch search --db "$work/lenrank-db" --json larkspur >"$work/lenrank.json" 2>&1
first=$(grep -o '"passage":"[^"]*"' "$work/lenrank.json" | head -1)
case "$first" in
    *"Tutors use the larkspur scheme well."*) ok ;;
    *) no "the short passage ranks first for a word both use once"; cat "$work/lenrank.json" ;;
esac
[ "$(grep -o '"passage":' "$work/lenrank.json" | wc -l)" -eq 2 ] && ok ||
    no "both passages match larkspur"

# --- a second writer: told who holds the index, or waits (--wait) ---
if command -v flock >/dev/null 2>&1; then
    flock "$db/insearch.lock" sleep 2 &
    holder=$!
    sleep 0.3
    insearch index --db "$db" --quiet "$SAMPLES" >"$work/locked.out" 2>&1
    [ $? -eq 1 ] && ok || no "a locked index is an error"
    contains "saying it is locked" "$work/locked.out" "is locked by another insearch index"
    contains "and what to do" "$work/locked.out" "--wait"
    insearch index --db "$db" --quiet --wait "$SAMPLES" >"$work/waited.out" 2>&1
    [ $? -eq 0 ] && ok || { no "--wait waits for the lock"; cat "$work/waited.out"; }
    wait "$holder"
fi

finish
