#!/bin/sh
# providers-cli.sh - end-to-end: history, similar and similar --improved
# over the sample corpus, against the comparable groups of
# corpus/samples/PEERS.tsv. Plain sh and grep.
set -u

NAME=providers
. "$(dirname "$0")/harness.sh"
# peers FILE: the URNs of the providers a `similar --json` returns, in order
peers() { grep -o '"provider":"[^"]*","urn":"[0-9]*","score"' "$1" | cut -d'"' -f8; }
group_of() { awk -F'\t' -v u="$1" '$2 == u { print $1 }' "$SAMPLES/PEERS.tsv"; }

insearch index --db "$db" --quiet "$SAMPLES" 2>"$work/index.err" || { no "index"; cat "$work/index.err"; }

# --- known peers rank first ---
# Every provider of a comparable group of the sample corpus (PEERS.tsv)
# finds a provider of its own group first. The two employer providers are
# left out: their reports are 14 years and two frameworks apart, and each
# is closer to the training providers of its own era.
tab=$(printf '\t')
tail -n +2 "$SAMPLES/PEERS.tsv" | while IFS="$tab" read -r group urn name; do
    [ "$group" = employer ] && continue
    members=$(awk -F'\t' -v g="$group" '$1 == g' "$SAMPLES/PEERS.tsv" | wc -l)
    [ "$members" -ge 2 ] || continue
    insearch similar --db "$db" --json --limit 3 "$urn" >"$work/sim.json" 2>&1 || { echo "FAIL: similar $urn ($name) failed"; continue; }
    top=$(peers "$work/sim.json" | head -n 1)
    [ "$(group_of "$top")" = "$group" ] || echo "FAIL: $name ($group): the most similar is $top ($(group_of "$top"))"
done >"$work/groups.out"
if [ -s "$work/groups.out" ]; then no "known peers rank first"; cat "$work/groups.out"; else ok; fi

# --- similar: shape, explanations, options ---
insearch similar --db "$db" --json --limit 5 'Ashby Vale' >"$work/ashby.json"
for key in '"target":{' '"providers":[{' '"provider":' '"urn":' '"score":' '"findings":' '"text":' '"profile":' '"shared":[' '"theme":' '"polarity":' '"passages":{' '"mine":' '"theirs":' '"matches":{'; do
    contains "similar JSON has $key" "$work/ashby.json" "$key"
done
contains "a training provider matches on type" "$work/ashby.json" '"type":"independent-learning-provider"'
n=$(peers "$work/ashby.json" | wc -l)
[ "$n" -eq 5 ] && ok || no "--limit 5 gives 5 providers ($n)"
lacks "a provider is never its own peer" "$work/ashby.json" '"urn":"2710443","score"'
# Denholm, still weak on off-the-job training and progress reviews, shares them
sed 's/{"provider":/\n{"provider":/g' "$work/ashby.json" | grep '"urn":"1279046","score"' >"$work/denholm.part"
contains "shared weakness named: off-the-job" "$work/denholm.part" '"theme":"off-the-job","polarity":"weakness"'
contains "shared weakness named: progress-reviews" "$work/denholm.part" '"theme":"progress-reviews","polarity":"weakness"'
insearch similar --db "$db" --json --same-type --limit 20 ellesbury >"$work/same.json"
types=$(grep -o '"score":[^}]*"report":{"id":"[0-9a-f]*","provider":"[^"]*","urn":[^,]*,"type":"[a-z0-9-]*"' "$work/same.json" | sed 's/.*"type":"\([a-z0-9-]*\)"/\1/' | sort -u)
[ "$types" = general-further-education-college ] && ok || no "--same-type keeps to the type ($types)"
insearch similar --db "$db" --json --findings-weight 0 --limit 1 northbrook >"$work/fw0.json"
contains "--findings-weight 0 ranks by profile" "$work/fw0.json" '"findings":'
insearch similar --db "$db" --limit 3 northbrook >"$work/sim.txt"
contains "similar text output" "$work/sim.txt" 'Comparable providers like Northbrook Skills Limited'

# --- similar --improved: who fixed the same weaknesses ---
insearch similar --db "$db" --json --improved ashby >"$work/imp.json"
first=$(peers "$work/imp.json" | head -n 1)
[ "$first" = 55318 ] && ok || no "--improved: Marlow Bridge, which fixed the same weaknesses, comes first ($first)"
sed 's/{"provider":/\n{"provider":/g' "$work/imp.json" | grep '"urn":"55318","score"' >"$work/marlow.part"
for t in off-the-job staffing progress-reviews; do
    contains "--improved names the fixed weakness $t" "$work/marlow.part" "\"theme\":\"$t\""
done
contains "--improved shows the later report" "$work/marlow.part" '"after":{"id"'
contains "--improved quotes the later report on the theme" "$work/marlow.part" 'Off-the-job training is now well planned'
lacks "--improved leaves out Denholm, which did not improve" "$work/imp.json" '"urn":"1279046","score"'

# --- history ---
insearch history --db "$db" --json 'Marlow Bridge' >"$work/h.json"
contains "history names the provider" "$work/h.json" '"provider":"Marlow Bridge Apprenticeships Ltd"'
dates=$(grep -o '"date_start":"[0-9-]*"' "$work/h.json" | cut -d'"' -f4 | tr '\n' ' ')
[ "$dates" = "2018-03-13 2022-04-05 " ] && ok || no "history is oldest first ($dates)"
contains "history: the weaknesses that went" "$work/h.json" '"improved":["'
insearch history --db "$db" 58241 >"$work/h.txt"
contains "history by URN" "$work/h.txt" 'Northbrook Skills Limited (URN 58241): 3 reports'
# by URN only that provider's records are read; by name, every record:
# the same history
insearch history --db "$db" --json 58241 >"$work/hu.json"
insearch history --db "$db" --json 'Northbrook Skills' >"$work/hn.json"
cmp -s "$work/hu.json" "$work/hn.json" && ok || no "history by URN and by name agree"
insearch history --db "$db" 999999 >"$work/hx.out" 2>&1
[ $? -eq 1 ] && ok || no "history of an unknown URN exits 1"
contains "and says so" "$work/hx.out" "no provider with URN 999999"

# --- names that are not one provider ---
insearch similar --db "$db" 'Nowhere Training' >"$work/u.out" 2>&1
[ $? -eq 1 ] && ok || no "an unknown name exits 1"
contains "an unknown name says so" "$work/u.out" "no provider called 'Nowhere Training'"
insearch history --db "$db" college >"$work/a.out" 2>&1
[ $? -eq 1 ] && ok || no "an ambiguous name exits 1"
contains "an ambiguous name lists the candidates" "$work/a.out" 'Riverside College (URN 130611)'
insearch similar --db "$db" 999999 >"$work/n.out" 2>&1
[ $? -eq 1 ] && ok || no "an unknown URN exits 1"
contains "an unknown URN says so" "$work/n.out" 'no provider with URN 999999'
insearch similar --db "$db" --json 'Nowhere Training' >"$work/uj.out" 2>&1
contains "errors are JSON with --json" "$work/uj.out" '{"error":'
insearch similar --db "$db" >"$work/usage.out" 2>&1
[ $? -eq 2 ] && ok || no "similar without a provider is a usage error"

finish
