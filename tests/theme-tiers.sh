#!/bin/sh
# theme-tiers.sh - the strength tiers (TERM_THEME_TIER in indexer/terms.h)
# that let weaknesses, strengths and distinctive find a theme's typical
# passages among the few in its top tiers, not by reading the strength of
# every passage about it. The sample corpus is too small for a top tier to
# hold the 60 candidates that path needs, so this runs on 300 generated
# reports (bench/insearch-gen) and checks that every theme command answers
# byte for byte as it does with the tiers not used
# (INSEARCH_THEME_TIERS=off), on two shards and on the merged index.
set -u

NAME=tiers
. "$(dirname "$0")/harness.sh"
GEN=${INSEARCH_GEN:-./bench/insearch-gen}

"$GEN" --reports 300 --seed 7 --out "$work/corpus" >/dev/null 2>"$work/e" ||
    { no "insearch-gen"; cat "$work/e"; }
insearch index --db "$db" --jobs 2 --quiet "$work/corpus" 2>"$work/e" ||
    { no "index"; cat "$work/e"; }

# The tiers are there, and hold enough for the tier path. (Filters that
# leave fewer than 60 in every tier, grade:inadequate or level:4 on 300
# reports for most themes, take the plain path: both run below.)
if command -v xapian-delve >/dev/null 2>&1; then
    # tier_total THEME POLARITY K: passages in tier K or above, all shards
    tier_total() {
        t=0
        for k in $(seq "$3" 6); do
            for s in "$db"/shard-*; do
                n=$(xapian-delve -t "XI$1/$2/$k" "$s" 2>/dev/null |
                    sed -n 's/.*(termfreq \([0-9]*\),.*/\1/p')
                t=$((t + ${n:-0}))
            done
        done
        echo "$t"
    }
    # the top tiers alone (16 and over) hold the 60 for safeguarding
    t4=$(tier_total safeguarding weakness 4)
    [ "$t4" -ge 60 ] && ok || no "safeguarding's top weakness tiers hold 60 passages ($t4)"
    [ "$(tier_total safeguarding strength 2)" -gt 0 ] && ok || no "strength passages have tiers too"
else
    no "xapian-delve (Debian package xapian-tools) is needed to look at the tiers"
fi

# same_both LABEL ARGS...: the command's JSON with and without the tiers
same_both() {
    label=$1
    shift
    insearch "$@" --json >"$work/on.json" 2>"$work/on.err"
    INSEARCH_THEME_TIERS=off insearch "$@" --json >"$work/off.json" 2>"$work/off.err"
    if [ -s "$work/on.json" ] && cmp -s "$work/on.json" "$work/off.json"; then ok; else
        no "$label: the tiers change the answer"
        diff "$work/on.json" "$work/off.json" | cut -c1-200 | head -6
        cat "$work/on.err"
    fi
}
check_all() { # DB SUFFIX
    same_both "weaknesses$2" weaknesses --db "$1"
    same_both "strengths$2" strengths --db "$1"
    same_both "weaknesses --examples 10$2" weaknesses --db "$1" --examples 10
    same_both "weaknesses level:4$2" weaknesses --db "$1" level:4
    same_both "weaknesses grade:inadequate$2" weaknesses --db "$1" grade:inadequate
    same_both "weaknesses year:2019..$2" weaknesses --db "$1" year:2019..
    same_both "weaknesses type:independent-learning-provider$2" weaknesses --db "$1" type:independent-learning-provider
    same_both "strengths grade:outstanding$2" strengths --db "$1" grade:outstanding
    same_both "weaknesses with words$2" weaknesses --db "$1" apprentices
    same_both "distinctive level:4$2" distinctive --db "$1" level:4
}
check_all "$db" ""
# the typical passages really are examples: each names a theme's passage
insearch weaknesses --db "$db" --json >"$work/w.json"
contains "weaknesses gives typical passages" "$work/w.json" '"passages":[{"passage":'

# merged into one shard by compact: the same answers again
insearch weaknesses --db "$db" --json >"$work/before.json"
insearch compact --db "$db" >/dev/null 2>"$work/e" || { no "compact"; cat "$work/e"; }
check_all "$db" " (compacted)"
insearch weaknesses --db "$db" --json >"$work/after.json"
cmp -s "$work/before.json" "$work/after.json" && ok || no "weaknesses answers the same after compact"

finish
