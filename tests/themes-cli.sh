#!/bin/sh
# themes-cli.sh - end-to-end: the theme commands over the sample corpus
# (search --theme, theme:/polarity:/level: filters, themes, weaknesses,
# strengths, distinctive, index --themes). Plain sh and grep: no JSON tool
# is assumed on the machine.
set -u

NAME=themes
. "$(dirname "$0")/harness.sh"
# count FILE STRING: how many times STRING occurs
count() { grep -oF -- "$2" "$1" | wc -l | tr -d ' '; }
# results FILE: the number of results of a search --json
results() { grep -o '"rank":' "$1" | wc -l | tr -d ' '; }
# each_result FILE STRING DESCRIPTION: every result of a search --json
# holds STRING (one result per line after splitting at "rank")
each_result() {
    sed 's/{"rank":/\n{"rank":/g' "$1" | grep '^{"rank":' >"$work/each"
    n=$(grep -c . "$work/each")
    m=$(grep -cF -- "$2" "$work/each")
    if [ "$n" -gt 0 ] && [ "$n" = "$m" ]; then ok; else no "$3 ($m of $n results have '$2')"; fi
}

insearch index --db "$db" --quiet "$SAMPLES" 2>"$work/index.err" || { no "index"; cat "$work/index.err"; }

# --- themes: every promised theme, with counts ---
insearch themes --db "$db" --json >"$work/themes.json"
for id in safeguarding prevent british-values equality-diversity functional-skills \
    off-the-job starting-points progress-reviews achievement careers-guidance \
    governance quality-improvement staffing subcontracting employers \
    feedback-assessment curriculum remote-learning high-needs-send \
    welfare-wellbeing attendance end-point-assessment teaching-quality leadership; do
    contains "themes lists $id" "$work/themes.json" "\"id\":\"$id\""
done
lacks "every theme has passages in the samples" "$work/themes.json" '"passages":0,'
insearch themes --db "$db" >"$work/themes.txt"
contains "themes text has a header" "$work/themes.txt" 'passages'

# --- the acceptance case: Prevent the duty, never the verb ---
insearch search --db "$db" --json --theme prevent --limit 30 >"$work/prevent.json"
n=$(results "$work/prevent.json")
if [ "$n" -ge 10 ]; then ok; else no "--theme prevent finds passages ($n)"; fi
each_result "$work/prevent.json" '{"id":"prevent"' "--theme prevent: every result is about Prevent"
for verb in prevented preventing 'prevents '; do
    lacks "--theme prevent never returns '$verb'" "$work/prevent.json" "$verb"
done
# ranked by theme strength: scores never rise
scores=$(grep -o '"rank":[0-9]*,"score":[0-9.]*' "$work/prevent.json" | sed 's/.*"score"://')
if [ "$scores" = "$(printf '%s\n' $scores | sort -rn)" ]; then ok; else no "--theme results are in score order"; fi
# the top passages say Prevent, radicalisation or extremism
head_hits=$(sed 's/{"rank":/\n{"rank":/g' "$work/prevent.json" | grep '^{"rank":[1-5],' | grep -ciE 'prevent|radicali|extremis')
if [ "$head_hits" -eq 5 ]; then ok; else no "top 5 of --theme prevent mention the duty ($head_hits)"; fi

# with words: matching and about the theme
insearch search --db "$db" --json --theme prevent training >"$work/pt.json"
each_result "$work/pt.json" '{"id":"prevent"' "--theme prevent training: about Prevent"
each_result "$work/pt.json" 'train' "--theme prevent training: matches the text"

# --- theme:, polarity: and grade: together ---
insearch search --db "$db" --json --limit 50 'theme:functional-skills polarity:weakness grade:inadequate' >"$work/fs.json"
n=$(results "$work/fs.json")
if [ "$n" -ge 3 ]; then ok; else no "functional-skills weaknesses at inadequate providers ($n)"; fi
each_result "$work/fs.json" '"polarity":"weakness"' "polarity:weakness filters"
each_result "$work/fs.json" '"grade":"inadequate"' "grade:inadequate filters"
each_result "$work/fs.json" '{"id":"functional-skills"' "theme:functional-skills filters"
insearch search --db "$db" --json --polarity strength --theme safeguarding --limit 20 >"$work/ss.json"
each_result "$work/ss.json" '"polarity":"strength"' "--polarity strength filters"

# --- facets by theme and polarity ---
insearch search --db "$db" --json --facets apprentices >"$work/facets.json"
contains "facets count themes" "$work/facets.json" '"theme":{'
contains "facets count polarity" "$work/facets.json" '"polarity":{'

# --- level: puts every framework's grades on one scale ---
insearch reports --db "$db" --json 'level:4' >"$work/l4.json"
contains "level:4 includes inadequate" "$work/l4.json" '"grade":"inadequate"'
contains "level:4 includes pre-2005 unsatisfactory" "$work/l4.json" '"grade":"unsatisfactory"'
contains "level:4 includes insufficient progress" "$work/l4.json" '"grade":"insufficient-progress"'
lacks "level:4 excludes good" "$work/l4.json" '"grade":"good"'

# --- errors ---
insearch search --db "$db" --theme nosuch >"$work/e1.out" 2>&1
[ $? -eq 1 ] && ok || no "an unknown theme exits 1"
contains "an unknown theme lists the themes" "$work/e1.out" 'safeguarding'
insearch search --db "$db" 'polarity:meh' >"$work/e2.out" 2>&1
[ $? -eq 1 ] && ok || no "a bad polarity exits 1"
contains "a bad polarity says what is allowed" "$work/e2.out" 'weakness, strength or neutral'

# --- weaknesses ---
insearch weaknesses --db "$db" --json >"$work/w.json"
for key in '"themes":[' '"id":' '"name":' '"reports":' '"share":' '"by_year":[' '"passages":[' '"year":'; do
    contains "weaknesses JSON has $key" "$work/w.json" "$key"
done
lacks "weaknesses leave out non-reports" "$work/w.json" '"kind":"other"'
ex=$(grep -o '"polarity":"[a-z]*"' "$work/w.json" | sort -u | tr '\n' ' ')
if [ "$ex" = '"polarity":"weakness" ' ]; then ok; else no "weaknesses' passages are weaknesses ($ex)"; fi
insearch weaknesses --db "$db" --json 'grade:inadequate' >"$work/wi.json"
contains "weaknesses of inadequate providers include functional skills" "$work/wi.json" '"id":"functional-skills"'
insearch weaknesses --db "$db" --csv >"$work/w.csv"
contains "weaknesses CSV header" "$work/w.csv" '"theme","name","reports","share"'
# the dialect of search --csv: every row ends CRLF, every field quoted
lf_only=$(grep -vc "$(printf '\r')\$" "$work/w.csv")
[ "$lf_only" -eq 0 ] && ok || no "weaknesses CSV rows end CRLF ($lf_only do not)"
unq=$(tr -d '\r' <"$work/w.csv" | grep -vc '^"[^"]*"\(,"[^"]*"\)*$')
[ "$unq" -eq 0 ] && ok || no "weaknesses CSV fields are all quoted ($unq rows are not)"
insearch weaknesses --db "$db" --examples 2 --limit 3 'kind:full' >"$work/w.txt"
contains "weaknesses text" "$work/w.txt" 'Common weaknesses across'
insearch strengths --db "$db" --json 'grade:good' >"$work/s.json"
ex=$(grep -o '"polarity":"[a-z]*"' "$work/s.json" | sort -u | tr '\n' ' ')
if [ "$ex" = '"polarity":"strength" ' ]; then ok; else no "strengths' passages are strengths ($ex)"; fi
insearch weaknesses --db "$db" 'grade:' >"$work/we.out" 2>&1
[ $? -eq 1 ] && ok || no "weaknesses with a bad query exits 1"

# --- distinctive ---
insearch distinctive --db "$db" --json 'grade:inadequate' >"$work/d.json" 2>&1
contains "distinctive JSON has phrases" "$work/d.json" '"phrases":[{'
contains "distinctive phrases carry reports" "$work/d.json" '"reports":'
insearch distinctive --db "$db" >"$work/d0.out" 2>&1
[ $? -ne 0 ] && ok || no "distinctive without a query is an error"

# --- a taxonomy of one's own ---
cat >"$work/mine.themes" <<'EOF'
[theme food]
name = Catering
description = Kitchens, catering and hospitality
4 catering
4 hospitality
3 kitchen*
[polarity]
weakness 2 too few
strength 2 good
EOF
insearch index --db "$work/mine" --themes "$work/mine.themes" --quiet "$SAMPLES" 2>"$work/mine.err" || { no "index --themes"; cat "$work/mine.err"; }
insearch themes --db "$work/mine" --json >"$work/mine.json"
contains "a custom taxonomy is used" "$work/mine.json" '"id":"food"'
lacks "a custom taxonomy replaces the built-in one" "$work/mine.json" '"id":"prevent"'
# the index keeps it: a later run without --themes is fine
insearch index --db "$work/mine" --quiet "$SAMPLES" 2>"$work/mine2.err"
[ $? -eq 0 ] && ok || { no "re-indexing keeps the index's themes"; cat "$work/mine2.err"; }
# another taxonomy for an existing index: it is built again from its files
cp -r "$db" "$work/swap"
insearch index --db "$work/swap/" --themes "$work/mine.themes" >"$work/other.out" 2>&1
[ $? -eq 0 ] && ok || { no "other themes rebuild an existing index"; cat "$work/other.out"; }
contains "a rebuild says why" "$work/other.out" 'built with other themes'
insearch themes --db "$work/swap" --json >"$work/swap.json"
contains "the rebuilt index has the new themes" "$work/swap.json" '"id":"food"'
lacks "the rebuilt index lost the old ones" "$work/swap.json" '"id":"prevent"'
insearch stats --db "$work/swap" --json >"$work/swap-stats.json"
insearch stats --db "$db" --json >"$work/db-stats.json"
p1=$(grep -o '"passages":[0-9]*' "$work/swap-stats.json"); p2=$(grep -o '"passages":[0-9]*' "$work/db-stats.json")
if [ -n "$p1" ] && [ "$p1" = "$p2" ]; then ok; else no "the rebuilt index has every passage ($p1 vs $p2)"; fi
if [ -e "$work/swap.rebuild" ]; then no "the rebuild left its work folder"; else ok; fi
# a broken file is named with its line
printf '[theme ok]\n4 fine\nnot a cue line\n' >"$work/bad.themes"
insearch index --db "$work/bad" --themes "$work/bad.themes" "$SAMPLES" >"$work/bad.out" 2>&1
[ $? -eq 1 ] && ok || no "a bad themes file exits 1"
contains "a bad themes file is named with its line" "$work/bad.out" 'bad.themes:3:'
# the exported taxonomy is a valid themes file
insearch themes --db "$db" --export >"$work/export.themes"
insearch index --db "$work/again" --themes "$work/export.themes" --quiet "$SAMPLES/riverside-college-2023.txt" 2>"$work/again.err"
[ $? -eq 0 ] && ok || { no "themes --export gives a usable file"; cat "$work/again.err"; }

finish
