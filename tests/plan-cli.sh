#!/bin/sh
# plan-cli.sh - end-to-end: `insearch plan` over the sample corpus. The
# items are checked against the reports' own text (the bullets under each
# "need to improve" heading, found here with awk, not by insearch) and
# against the hand labels of corpus/samples/LABELS.tsv; the progress
# labels against statuses judged by reading both reports; the peers
# against `insearch history`. Plain sh, grep, sed and awk.
set -u

NAME=plan
. "$(dirname "$0")/harness.sh"

insearch index --db "$db" --quiet "$SAMPLES" 2>"$work/index.err" || { no "index"; cat "$work/index.err"; }

# text FILE: a sample report's text as UTF-8
text() {
    case $1 in
    *.gz) gzip -dc "$SAMPLES/$1" ;;
    *cp1252*) iconv -f CP1252 -t UTF-8 "$SAMPLES/$1" ;;
    *) cat "$SAMPLES/$1" ;;
    esac
}

# bullets: the recommendations of a report's text, one a line, read the
# way a person would: the bullet list under "What does the provider need
# to do to improve (further)?", "What should be improved", "Key challenges
# for ...", "Key areas for improvement", "Next steps (for the provider)"
# or after "... should take further action to:" (a lead-in ending with ':'
# may come first; a bullet may run over several lines and over a PDF's
# page foot and head).
bullets() {
    awk '
function flush() { if (cur != "") print cur; cur = "" }
{
    sub(/\r$/, "")
    line = $0
    h = tolower(line); sub(/^#+ */, "", h); gsub(/\*\*/, "", h)
}
length(h) < 100 && h !~ /\.$/ && (h ~ /need to do to improve/ || h ~ /^what should be improved/ || h ~ /^key challenges/ || h ~ /^key areas for improvement/ || h ~ /^next steps/ || h ~ /should take further action to:$/) {
    flush(); insec = 1; mode = ""; prevblank = 0; next
}
!insec { next }
/^\f?Page [0-9]+ of [0-9]+$/ || /^\f?Inspection report: / { next }
/^[ \t]*$/ { if (mode == "bullet") prevblank = 1; next }
/^[ \t]*(-|•|■|\*)[ \t]/ {
    flush(); t = line; sub(/^[ \t]*(-|•|■|\*)[ \t]+/, "", t); cur = t
    mode = "bullet"; prevblank = 0; next
}
{
    if (mode == "bullet" && !prevblank) { t = line; sub(/^[ \t]+/, "", t); cur = cur " " t; next }
    if (mode == "bullet") { flush(); insec = 0; next }
    if (line ~ /:[ \t]*$/) next
    insec = 0
}
END { flush() }'
}

# items FILE.json: "theme<TAB>recommendation" per item (theme "null" for
# an item about no theme)
items() {
    sed 's/{"number":/\n{"number":/g' "$1" | grep '^{"number":' |
        sed 's/^{"number":[0-9]*,"theme":\(null\|"[^"]*"\).*"recommendation":{"text":"\([^"]*\).*/\1\t\2/' |
        sed 's/^"\([^"]*\)"\t/\1\t/'
}

# label FILE LINE: "themes<TAB>polarity" of LABELS.tsv, or nothing
label() { awk -F'\t' -v f="$1" -v l="$2" '$1 == f && $2 == l { print $3 "\t" $4 }' "$SAMPLES/LABELS.tsv"; }

# rid FILE: the id of a sample report (ids depend on where the file is)
rid() { insearch show --db "$db" --json "$SAMPLES/$1" | sed -n 's/^{"report":{"id":"\([0-9a-f]*\)".*/\1/p'; }
harbour11=$(rid harbourside-borough-council-2011.txt)
river03=$(rid riverside-college-2003.txt)
denholm19=$(rid denholm-training-services-2019.txt)
denholm23=$(rid denholm-training-services-2023.txt)
wrexley=$(rid wrexley-college-2020-interim.txt)

tab=$(printf '\t')
# --- every bullet is exactly one item; no report without bullets plans ---
tail -n +2 "$SAMPLES/MANIFEST.tsv" | while IFS="$tab" read -r file kind rest; do
    [ "$kind" = other ] && continue
    text "$file" | bullets >"$work/expect"
    n_expect=$(wc -l <"$work/expect")
    insearch plan --db "$db" --json --no-since "$SAMPLES/$file" >"$work/plan.json" 2>"$work/plan.err"
    rc=$?
    if [ "$n_expect" -eq 0 ]; then
        [ $rc -eq 1 ] && grep -q 'has no areas for improvement' "$work/plan.err" ||
            echo "FAIL: $file has no bullets, but plan did not say so (exit $rc)"
        continue
    fi
    [ $rc -eq 0 ] || { echo "FAIL: plan $file failed: $(cat "$work/plan.err")"; continue; }
    items "$work/plan.json" >"$work/items"
    n_items=$(wc -l <"$work/items")
    [ "$n_items" -eq "$n_expect" ] || echo "FAIL: $file: $n_expect bullets, $n_items items"
    # each bullet's first 25 characters start exactly one item (the
    # parser joins words broken over lines and expands ligatures, so
    # whole texts can differ further on)
    while IFS= read -r b; do
        p=$(printf '%s' "$b" | cut -c1-25)
        k=$(cut -f2 "$work/items" | grep -cF -- "$p")
        [ "$k" -eq 1 ] || echo "FAIL: $file: bullet '$p...' is $k items"
    done <"$work/expect"
    echo "$n_expect" >>"$work/n-bullets"
    # themes and polarity against the hand labels
    while IFS="$tab" read -r theme rtext; do
        p=$(printf '%s' "$rtext" | cut -c1-25)
        line=$(text "$file" | grep -nF -- "$p" | head -n 1 | cut -d: -f1)
        [ -n "$line" ] || { echo "FAIL: $file: item '$p...' is not in the text"; continue; }
        lab=$(label "$file" "$line")
        [ -n "$lab" ] || continue
        case $(printf '%s' "$lab" | cut -f2) in
        strength) echo "FAIL: $file:$line: a strength became an item" ;;
        esac
        if printf ',%s,' "$(printf '%s' "$lab" | cut -f1)" | grep -qF ",$theme,"; then
            echo agree >>"$work/themes"
        else
            echo "$file:$line: '$p...' is $theme, labelled $(printf '%s' "$lab" | cut -f1)" >>"$work/themes"
        fi
    done <"$work/items"
done >"$work/items.out"
if [ -s "$work/items.out" ]; then no "every bullet is one item"; cat "$work/items.out"; else ok; fi
nb=$(awk '{ s += $1 } END { print s + 0 }' "$work/n-bullets")
nr=$(wc -l <"$work/n-bullets")
[ "$nb" -ge 100 ] && [ "$nr" -ge 30 ] && ok || no "the corpus gives at least 100 bullets in 30 reports ($nb in $nr)"
echo "items: $nb bullets in $nr reports, each one item"
# The theme of an item is the theme the index scored its passage most
# strongly on (or, for a bullet too short to be tagged, the theme its
# words score highest on): the scorer's accuracy, measured here against
# readers who never saw the lexicon. Below 90% agreement is a failure;
# the disagreements are printed either way.
agree=$(grep -c '^agree$' "$work/themes")
total=$(wc -l <"$work/themes")
echo "themes: $agree of $total labelled items have a theme the readers gave"
grep -v '^agree$' "$work/themes" | sed 's/^/    /'
[ $((agree * 100)) -ge $((total * 90)) ] && [ "$total" -ge 80 ] && ok ||
    no "item themes agree with the hand labels ($agree of $total)"

# --- progress since the previous inspection ---
# status THEME FILE: the progress statuses of a theme, in order
status() {
    sed 's/{"theme":/\n{"theme":/g' "$2" | grep "^{\"theme\":\"$1\",\"theme_name\":[^}]*,\"status\":" |
        sed 's/.*"status":"\([a-z-]*\)".*/\1/' | tr '\n' ' '
}
# Judged by reading both reports of each provider: Harbourside's 2011
# recommendations on tracking progress are repeated in 2024 (persisting);
# its 2011 quality improvement (self-assessment, observation, monitoring
# subcontractors) was mostly praised then and is criticised throughout in
# 2024 (worse); its use of destinations to plan courses is not raised
# again and course planning is praised (resolved). Marlow Bridge's 2022
# report says each 2018 weakness has been tackled (resolved). Denholm's
# 2023 report says leaders "have not made enough progress" on the 2019
# weaknesses (persisting), and its achievement, partly a strength in
# 2019, is now below that of similar providers with nothing in its favour
# (worse).
insearch plan --db "$db" --json 53001 >"$work/harbour.json" 2>&1
contains "the previous report is found" "$work/harbour.json" '"previous":{"id":"'"$harbour11"'"'
[ "$(status progress-reviews "$work/harbour.json")" = "persisting " ] && ok || no "Harbourside: progress reviews persisting ($(status progress-reviews "$work/harbour.json"))"
[ "$(status quality-improvement "$work/harbour.json")" = "worse worse " ] && ok || no "Harbourside: quality improvement worse ($(status quality-improvement "$work/harbour.json"))"
[ "$(status curriculum "$work/harbour.json")" = "resolved " ] && ok || no "Harbourside: curriculum resolved ($(status curriculum "$work/harbour.json"))"
contains "RAG from evidence: red for worse" "$work/harbour.json" '"status":"worse","rag":"red"'
contains "RAG from evidence: green for resolved" "$work/harbour.json" '"status":"resolved","rag":"green"'
contains "RAG from evidence: amber for persisting" "$work/harbour.json" '"status":"persisting","rag":"amber"'
contains "the plan says where RAG comes from" "$work/harbour.json" '"rag_note":"RAG is filled only from evidence'
insearch plan --db "$db" --json 'Marlow Bridge' >"$work/marlow.json" 2>&1
for t in off-the-job staffing progress-reviews achievement quality-improvement; do
    [ "$(status "$t" "$work/marlow.json")" = "resolved " ] && ok || no "Marlow Bridge: $t resolved ($(status "$t" "$work/marlow.json"))"
done
contains "a resolved area quotes the passage now" "$work/marlow.json" 'Progress reviews are now thorough and useful'
insearch plan --db "$db" --json 1279046 >"$work/denholm.json" 2>&1
for t in off-the-job progress-reviews starting-points quality-improvement; do
    [ "$(status "$t" "$work/denholm.json")" = "persisting " ] && ok || no "Denholm: $t persisting ($(status "$t" "$work/denholm.json"))"
done
[ "$(status achievement "$work/denholm.json")" = "worse " ] && ok || no "Denholm: achievement worse ($(status achievement "$work/denholm.json"))"
contains "new weaknesses are listed apart" "$work/denholm.json" '"new_weaknesses":[4]'
contains "an item on a theme raised before carries its status" "$work/denholm.json" '"theme":"off-the-job","theme_name":"Off-the-job training","recommendation":{"text":"Ensure that all apprentices receive their full entitlement'
# --since names the earlier report; --no-since leaves it out
insearch plan --db "$db" --json --since "$harbour11" 53001 >"$work/since.json" 2>&1
cmp -s "$work/since.json" "$work/harbour.json" && ok || no "--since the previous report gives the same plan"
insearch plan --db "$db" --json --since "$SAMPLES/riverside-college-2003.txt" 130611 >"$work/r03.json" 2>&1
contains "--since an older report by file" "$work/r03.json" '"previous":{"id":"'"$river03"'"'
insearch plan --db "$db" --json --no-since 53001 >"$work/nosince.json" 2>&1
contains "--no-since: no previous report" "$work/nosince.json" '"previous":null'
contains "--no-since: no statuses" "$work/nosince.json" '"status":null,"rag":null'
contains "--no-since: no progress" "$work/nosince.json" '"progress":[]'

# --- who fixed this: each peer turned the theme from weakness to strength ---
# According to `insearch history` of the peer: the theme is among the
# main weaknesses of its earlier report and among the main strengths, not
# the weaknesses, of its next one.
for who in 2710443 1279046 53001 2539871 130611; do
    insearch plan --db "$db" --json "$who" >"$work/p.json" 2>&1
    sed 's/{"number":/\n{"number":/g' "$work/p.json" | grep '^{"number":' | while IFS= read -r item; do
        theme=$(printf '%s' "$item" | sed 's/^{"number":[0-9]*,"theme":"\([^"]*\)".*/\1/')
        printf '%s' "$item" | sed 's/"peers":\[/\n/; s/{"provider":/\n{"provider":/g' | grep '^{"provider":' |
            while IFS= read -r peer; do
                urn=$(printf '%s' "$peer" | sed 's/^{"provider":"[^"]*","urn":"\([0-9]*\)".*/\1/')
                before=$(printf '%s' "$peer" | sed 's/.*"before":{"id":"\([0-9a-f]*\)".*/\1/')
                after=$(printf '%s' "$peer" | sed 's/.*"after":{"id":"\([0-9a-f]*\)".*/\1/')
                [ "$urn" = "$who" ] && echo "FAIL: $who is its own peer"
                insearch history --db "$db" --json "$urn" | sed 's/{"id":"[0-9a-f]\{12\}","provider"/\n&/g' >"$work/h.split"
                b=$(grep "^{\"id\":\"$before\"" "$work/h.split")
                a=$(grep "^{\"id\":\"$after\"" "$work/h.split")
                wb=$(printf '%s' "$b" | sed 's/.*"weaknesses":\[\([^]]*\)\].*/\1/')
                sa=$(printf '%s' "$a" | sed 's/.*"strengths":\[\([^]]*\)\].*/\1/')
                wa=$(printf '%s' "$a" | sed 's/.*"weaknesses":\[\([^]]*\)\].*/\1/')
                printf '%s' "$wb" | grep -q "\"id\":\"$theme\"" || echo "FAIL: $who $theme: peer $urn's report $before has no such weakness"
                printf '%s' "$sa" | grep -q "\"id\":\"$theme\"" || echo "FAIL: $who $theme: peer $urn's next report $after has no such strength"
                printf '%s' "$wa" | grep -q "\"id\":\"$theme\"" && echo "FAIL: $who $theme: peer $urn's next report $after still has it as a weakness"
                grep -q "^{\"id\":\"$after\"" "$work/h.split" && grep -B1 "^{\"id\":\"$after\"" "$work/h.split" | head -n 1 | grep -q "^{\"id\":\"$before\"" ||
                    echo "FAIL: $who $theme: peer $urn's $after is not the report after $before"
                echo "$who $theme $urn" >>"$work/peers.seen"
            done
    done
done >"$work/peers.out"
if [ -s "$work/peers.out" ]; then no "every peer improved on the theme"; cat "$work/peers.out"; else ok; fi
np=$(wc -l <"$work/peers.seen" 2>/dev/null || echo 0)
[ "$np" -ge 5 ] && ok || no "peers are found ($np)"
echo "peers: $np checked against history"
contains "Marlow Bridge fixed Ashby Vale's off-the-job weakness" "$work/p.json" '"provider":"' # shape
insearch plan --db "$db" --json 'Ashby Vale' >"$work/ashby.json"
sed 's/{"number":/\n{"number":/g' "$work/ashby.json" | grep '"theme":"off-the-job"' >"$work/ashby.otj"
contains "who fixed off-the-job: Marlow Bridge" "$work/ashby.otj" '"provider":"Marlow Bridge Apprenticeships Ltd","urn":"55318"'
contains "with the passage that shows it" "$work/ashby.otj" 'Off-the-job training is now well planned'
n=$(sed 's/{"number":/\n/g' "$work/ashby.json" | grep -c '^[0-9]*,"theme":"off-the-job"')
[ "$n" -eq 1 ] && ok || no "Ashby Vale: one off-the-job item ($n)"

# --- the JSON shape ---
for key in '{"provider":{"name":"Denholm Training Services Ltd","urn":"1279046"' "\"report\":{\"id\":\"$denholm23\"" '"items":[{"number":1,"theme":' '"recommendation":{"text":' '"evidence":[{"text":' '"section":"What does the provider do well and what does it need to do better?"' '"status":' '"peers":[' '"action":null,"owner":null,"milestone":null' '"progress":[{"theme":' '"before":{"text":' '"now":{"text":'; do
    contains "plan JSON has $key" "$work/denholm.json" "$key"
done
# items are grouped by theme: no theme comes back after another
themes=$(items "$work/harbour.json" | cut -f1 | uniq | sort | uniq -d)
[ -z "$themes" ] && ok || no "items grouped by theme ($themes)"

# --- CSV ---
insearch plan --db "$db" --csv 1279046 >"$work/plan.csv" 2>&1
head -n 1 "$work/plan.csv" | grep -q '^"part","item","theme","theme_name","recommendation","section","page","evidence","status","rag","action","owner","milestone","who_fixed_this","now","report_id"'$'\r''$' 2>/dev/null ||
    head -n 1 "$work/plan.csv" | tr -d '\r' | grep -qx '"part","item","theme","theme_name","recommendation","section","page","evidence","status","rag","action","owner","milestone","who_fixed_this","now","report_id"' && ok || no "CSV header"
rows=$(tr -cd '\r' <"$work/plan.csv" | wc -c)
[ "$rows" -eq 11 ] && ok || no "CSV: a header, 5 items and 5 earlier areas end in CRLF ($rows)"
# every record has 16 quoted fields: count them with the quotes paired
fields=$(awk 'BEGIN { RS = "\r\n" } NF { n = gsub(/"(""|[^"])*"/, "x"); m = gsub(/,/, ","); print n "," m }' "$work/plan.csv" | sort -u)
[ "$fields" = "16,15" ] && ok || no "CSV: every row 16 quoted fields ($fields)"
contains "CSV: an area row" "$work/plan.csv" '"area for improvement","1","off-the-job","Off-the-job training","Ensure that all apprentices'
contains "CSV: a progress row" "$work/plan.csv" '"since previous inspection","4","achievement","Achievement and outcomes"'
contains "CSV: who fixed it" "$work/plan.csv" 'Marlow Bridge Apprenticeships Ltd (URN 55318), requires improvement March 2018 -> good April 2022'
insearch plan --db "$db" --csv carrow >"$work/carrow.csv"
contains "CSV is UTF-8 (a curly apostrophe as it is)" "$work/carrow.csv" 'apprentices’ understanding'

# --- markdown ---
insearch plan --db "$db" --markdown 53001 >"$work/plan.md" 2>&1
for s in '# Development plan: Harbourside Borough Council' 'URN 53001 · local authority · full inspection of 5 to 8 March 2024 · overall effectiveness: requires improvement' '## Summary' '| # | Area for improvement | Theme | Status | RAG | Action | Owner | Milestone |' '## Progress since the full inspection of 7 to 11 February 2011' '### New areas for improvement' '## Areas for improvement' '**What the report says**' '| Action | Owner | Milestone | RAG |' '**Who fixed this: ' 'amber (from evidence)'; do
    contains "markdown has $s" "$work/plan.md" "$s"
done
lacks "markdown: no raw pipe breaks a table" "$work/plan.md" '||'

# --- text ---
insearch plan --db "$db" 'Denholm' >"$work/plan.txt" 2>&1
contains "text output" "$work/plan.txt" 'Development plan for Denholm Training Services Ltd (URN 1279046)'
contains "text output: progress" "$work/plan.txt" 'persisting   Off-the-job training'

# --- bad input ---
insearch plan --db "$db" 'Nowhere Training' >"$work/e1" 2>&1
[ $? -eq 1 ] && ok || no "an unknown provider exits 1"
contains "an unknown provider is named" "$work/e1" "insearch plan: no provider called 'Nowhere Training'"
insearch plan --db "$db" 999999 >"$work/e2" 2>&1
contains "an unknown URN is named" "$work/e2" 'no provider with URN 999999'
insearch plan --db "$db" wrexley >"$work/e3" 2>&1
[ $? -eq 1 ] && ok || no "a report with no areas for improvement exits 1"
contains "a report with no areas for improvement says so" "$work/e3" "the monitoring report of Wrexley College (2020-11-03, id $wrexley) has no areas for improvement to plan from"
insearch plan --db "$db" "$SAMPLES/kestrel-training-2018-monitoring.txt" >"$work/e4" 2>&1
contains "a report of weaknesses without recommendations says so" "$work/e4" 'but makes no recommendations'
insearch plan --db "$db" "$SAMPLES/fe-newsletter-2025.txt" >"$work/e5" 2>&1
contains "a document that is not a report says so" "$work/e5" 'is not an inspection report'
insearch plan --db "$db" --since "$denholm23" "$denholm19" >"$work/e6" 2>&1
[ $? -eq 1 ] && ok || no "--since a later report exits 1"
contains "--since a later report says so" "$work/e6" "--since: report $denholm23 (2023-02-07) is not earlier than the report planned from (2019-02-19)"
insearch plan --db "$db" --since 000000000000 53001 >"$work/e7" 2>&1
contains "--since an unknown report is named" "$work/e7" "--since: no report '000000000000' in the index"
insearch plan --db "$db" --json --csv 53001 >"$work/e8" 2>&1
[ $? -eq 2 ] && ok || no "two formats is a usage error"
contains "two formats: the message" "$work/e8" 'give one of --json, --csv and --markdown'
insearch plan --db "$db" >"$work/e9" 2>&1
[ $? -eq 2 ] && ok || no "plan without a provider is a usage error"
insearch plan --db "$db" --json 'Nowhere Training' >"$work/e10" 2>&1
contains "errors are JSON with --json" "$work/e10" '{"error":"no provider called'
insearch plan --db "$db" college >"$work/e11" 2>&1
contains "an ambiguous name lists the candidates" "$work/e11" 'Riverside College (URN 130611)'
insearch help plan >"$work/help" 2>&1
contains "help plan" "$work/help" 'usage: insearch plan'

finish
