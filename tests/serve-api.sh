#!/bin/sh
# serve-api.sh - end-to-end: `insearch serve` over the sample corpus, driven
# with a plain HTTP client (curl). Every API answer is compared byte for
# byte with the CLI's --json for the same request; errors, limits, the
# page's assets, a live re-index, a taxonomy swap, concurrent requests and
# a clean stop on SIGTERM and SIGINT.
set -u

NAME=serve
. "$(dirname "$0")/harness.sh"

if ! command -v curl >/dev/null 2>&1; then
    if [ "${INSEARCH_REQUIRE_BROWSER:-}" = 1 ]; then
        echo "FAIL: curl is not installed (apt-get install curl)"; exit 1
    fi
    echo "SKIP: curl is not installed (apt-get install curl)"; exit 77
fi

# The server runs under valgrind too when $VALGRIND is set: it is started
# directly (not through a subshell) so that $! is its pid.
server_pid=
url=
start_server() { # DB [ARGS...]
    sdb=$1; shift
    : >"$work/serve.out"
    : >"$work/serve.err"
    if [ -n "$VALGRIND" ]; then
        $VALGRIND --error-exitcode=97 --log-file="$work/valgrind.serve.%p" \
            "$INSEARCH" serve --db "$sdb" --port 0 "$@" >"$work/serve.out" 2>"$work/serve.err" &
        wait_s=120
    else
        "$INSEARCH" serve --db "$sdb" --port 0 "$@" >"$work/serve.out" 2>"$work/serve.err" &
        wait_s=10
    fi
    server_pid=$!
    i=0
    while [ $i -lt $((wait_s * 10)) ]; do
        url=$(sed -n 's/^insearch serve: \(http:.*\)$/\1/p' "$work/serve.out" | head -n 1)
        [ -n "$url" ] && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
    no "the server printed its address"; cat "$work/serve.err"
    return 1
}
stop_server() { # SIGNAL: the server must exit 0, quickly
    kill -"$1" "$server_pid" 2>/dev/null
    rc=0
    wait "$server_pid" || rc=$?
    if [ "$rc" -eq 0 ]; then ok; else no "serve exits 0 on SIG$1 (exit $rc)"; cat "$work/serve.err"; fi
    if [ -n "$VALGRIND" ]; then
        for f in "$work"/valgrind.serve.*; do
            [ -f "$f" ] || continue
            if grep -q "ERROR SUMMARY: [1-9]\|lost in loss record\|Invalid \|uninitialised" "$f"; then
                { echo "valgrind: errors in insearch serve"; cat "$f"; } >>"$work/valgrind.failed"
            fi
            rm -f "$f"
        done
    fi
    server_pid=
}
cleanup_server() { [ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup_server EXIT INT TERM

# get PATH OUTFILE: the body into OUTFILE; prints the status
get() { curl -s -o "$2" -w '%{http_code}' "${url%/}$1"; }
# same DESCRIPTION PATH CLI-ARGS...: the API answers exactly what the CLI prints
same() {
    d=$1; p=$2; shift 2
    st=$(get "$p" "$work/api.json")
    insearch "$@" >"$work/cli.json" 2>"$work/cli.err"
    if [ "$st" = 200 ] && cmp -s "$work/api.json" "$work/cli.json"; then ok; else
        no "$d: $p answers as 'insearch $*' prints (status $st)"
        head -c 300 "$work/api.json"; echo; head -c 300 "$work/cli.json"; echo
    fi
}
# status DESCRIPTION WANT PATH [CURL-ARGS...]
status() {
    d=$1; want=$2; p=$3; shift 3
    st=$(curl -s -o "$work/st.body" -w '%{http_code}' "$@" "${url%/}$p")
    if [ "$st" = "$want" ]; then ok; else no "$d: $p gives $want (got $st)"; head -c 300 "$work/st.body"; echo; fi
}

cp -r "$SAMPLES" "$work/corpus"
# Holmecroft is indexed later, while the server runs.
mkdir "$work/later"
mv "$work/corpus/holmecroft-sixth-form-academy-2018.txt" "$work/later/"
insearch index --db "$db" --quiet "$work/corpus" 2>"$work/index.err" || { no "index"; cat "$work/index.err"; }

start_server "$db" || { finish; exit 1; }

# --- the API is the CLI's JSON ---
same "search" "/api/search?q=off-the-job+training&limit=3" search --db "$db" --json --limit 3 off-the-job training
same "search, every option" "/api/search?q=safeguarding&limit=4&offset=2&by_report=1&sort=date&facets=1" \
    search --db "$db" --json --limit 4 --offset 2 --by-report --sort date --facets safeguarding
same "search, filters as parameters" "/api/search?q=apprentices&grade=requires-improvement&theme=off-the-job&limit=5" \
    search --db "$db" --json --limit 5 '(apprentices) grade:"requires-improvement" theme:"off-the-job"'
same "search, a parameter twice is OR" "/api/search?grade=good&grade=outstanding&from=2016&to=2019-06&limit=3" \
    search --db "$db" --json --limit 3 '(grade:"good" OR grade:"outstanding") date:2016..2019-06'
same "search, curly quotes and UTF-8" "/api/search?q=%E2%80%9Cthe+Prevent+duty%E2%80%9D&limit=2" \
    search --db "$db" --json --limit 2 '“the Prevent duty”'
rid=$(sed -n 's/.*"report":{"id":"\([0-9a-f]*\)".*/\1/p' "$work/api.json" | head -n 1)
same "report" "/api/report/$rid" show --db "$db" --json "$rid"
same "report by URN" "/api/report/58241" show --db "$db" --json 58241
same "reports" "/api/reports?kind=full&limit=5" reports --db "$db" --json --limit 5 'kind:"full"'
same "themes" "/api/themes" themes --db "$db" --json
same "weaknesses" "/api/weaknesses?level=3..4&examples=1" weaknesses --db "$db" --json --examples 1 'level:3..4'
same "strengths" "/api/strengths?q=apprentices&limit=4" strengths --db "$db" --json --limit 4 apprentices
same "distinctive" "/api/distinctive?grade=inadequate&limit=5" distinctive --db "$db" --json --limit 5 'grade:"inadequate"'
same "similar" "/api/similar?provider=58241&limit=3" similar --db "$db" --json --limit 3 58241
same "similar --improved" "/api/similar?provider=ashby&improved=1" similar --db "$db" --json --improved ashby
same "history" "/api/history?provider=northbrook" history --db "$db" --json northbrook
same "stats" "/api/stats" stats --db "$db" --json

# --- CSV download: the CLI's --csv after a byte-order mark ---
curl -s -D "$work/csv.hdr" -o "$work/api.csv" "${url%/}/api/search.csv?q=Prevent&grade=good&limit=7"
insearch search --db "$db" --csv --limit 7 '(Prevent) grade:"good"' >"$work/cli.csv"
{ printf '\357\273\277'; cat "$work/cli.csv"; } >"$work/cli-bom.csv"
if cmp -s "$work/api.csv" "$work/cli-bom.csv"; then ok; else no "search.csv is BOM + the CLI's --csv"; head -c 300 "$work/api.csv"; echo; fi
contains "search.csv is text/csv" "$work/csv.hdr" "Content-Type: text/csv; charset=utf-8"
contains "search.csv is a download" "$work/csv.hdr" 'Content-Disposition: attachment; filename="insearch-results.csv"'
contains "search.csv has the CSP too" "$work/csv.hdr" "Content-Security-Policy: default-src 'self'"
status "search.csv takes 1,000 rows" 200 "/api/search.csv?q=the&limit=1000"
status "but not more" 400 "/api/search.csv?q=the&limit=1001"
status "search.csv with facets is a 400" 400 "/api/search.csv?q=the&facets=1"
contains "and a JSON error" "$work/st.body" '"kind":"bad_request"'
status "a malformed query in search.csv is a 400" 400 "/api/search.csv?q=%22open"

# --- the development plan: the CLI's --json, --csv after a byte-order mark, --markdown ---
same "plan" "/api/plan?provider=1279046" plan --db "$db" --json 1279046
# report ids depend on where the files are: read them from the plans
insearch plan --db "$db" --json 1279046 >"$work/plan-ids.json"
now=$(sed 's/.*"report":{"id":"\([0-9a-f]*\)".*/\1/' "$work/plan-ids.json")
before=$(sed 's/.*"previous":{"id":"\([0-9a-f]*\)".*/\1/' "$work/plan-ids.json")
same "plan of a report, no comparison" "/api/plan?report=$now&no_since=1" plan --db "$db" --json --no-since "$now"
same "plan since a report" "/api/plan?provider=1279046&since=$before" plan --db "$db" --json --since "$before" 1279046
curl -s -D "$work/plan-csv.hdr" -o "$work/plan-api.csv" "${url%/}/api/plan.csv?provider=denholm"
insearch plan --db "$db" --csv denholm >"$work/plan-cli.csv"
{ printf '\357\273\277'; cat "$work/plan-cli.csv"; } >"$work/plan-cli-bom.csv"
if cmp -s "$work/plan-api.csv" "$work/plan-cli-bom.csv"; then ok; else no "plan.csv is BOM + the CLI's --csv"; head -c 300 "$work/plan-api.csv"; echo; fi
contains "plan.csv is text/csv" "$work/plan-csv.hdr" "Content-Type: text/csv; charset=utf-8"
contains "plan.csv is a download" "$work/plan-csv.hdr" 'Content-Disposition: attachment; filename="insearch-plan.csv"'
curl -s -D "$work/plan-md.hdr" -o "$work/plan-api.md" "${url%/}/api/plan.md?provider=denholm"
insearch plan --db "$db" --markdown denholm >"$work/plan-cli.md"
if cmp -s "$work/plan-api.md" "$work/plan-cli.md"; then ok; else no "plan.md is the CLI's --markdown"; head -c 300 "$work/plan-api.md"; echo; fi
contains "plan.md is markdown" "$work/plan-md.hdr" "Content-Type: text/markdown; charset=utf-8"
contains "plan.md is a download" "$work/plan-md.hdr" 'Content-Disposition: attachment; filename="insearch-plan.md"'
status "plan without a provider is a 400" 400 "/api/plan"
status "plan of an unknown provider is a 404" 404 "/api/plan?provider=nosuchproviderxyz"
status "plan of a report with no areas for improvement is a 404" 404 "/api/plan?provider=wrexley"
contains "saying so" "$work/st.body" 'has no areas for improvement'
status "plan names a report by id, not by a file on the server" 400 "/api/plan?report=%2Fetc%2Fpasswd"
status "plan: since takes a report id" 400 "/api/plan?provider=53001&since=..%2Fx"
status "plan: a provider is not a path" 400 "/api/plan?provider=%2Fetc%2Fpasswd"
status "plan: an error in plan.csv is JSON" 404 "/api/plan.csv?provider=nosuchproviderxyz"
contains "with kind not_found" "$work/st.body" '"kind":"not_found"'

# --- type-ahead ---
get "/api/suggest?prefix=North" "$work/sg.json" >/dev/null
contains "suggest: a provider by the start of its name" "$work/sg.json" '"providers":[{"provider":"Northbrook Skills Limited","urn":"58241","reports":'
get "/api/suggest?prefix=preve" "$work/sg.json" >/dev/null
contains "suggest: a theme by the start of its name" "$work/sg.json" '"themes":[{"id":"prevent","name":"Prevent duty and radicalisation"}]'
get "/api/suggest?prefix=582" "$work/sg.json" >/dev/null
contains "suggest: a provider by its URN" "$work/sg.json" '"urn":"58241"'
get "/api/suggest?prefix=vale" "$work/sg.json" >/dev/null
contains "suggest: a later word of a name" "$work/sg.json" '"provider":"Ashby Vale Training Limited"'
get "/api/suggest?prefix=zzqx" "$work/sg.json" >/dev/null
contains "suggest: nothing for no match" "$work/sg.json" '"themes":[],"providers":[]'

# --- errors: JSON with a status ---
status "a malformed query is a 400" 400 "/api/search?q=safeguarding+grade:"
contains "its message" "$work/st.body" '"error":"filter '"'"'grade:'"'"' at column 14 needs a value'
contains "its column, in q" "$work/st.body" '"kind":"query","column":14}'
status "a malformed query with filters added is a 400" 400 "/api/search?q=safeguarding+grade:&theme=prevent"
contains "its column is still in q" "$work/st.body" '"column":14}'
status "an unknown grade matches nothing, as in the CLI" 200 "/api/search?grade=splendid"
contains "no results" "$work/st.body" '"total":0,'
status "a quote in a filter parameter is a 400" 400 "/api/search?grade=good%22+OR+x"
contains "naming the parameter" "$work/st.body" '"error":"parameter grade:'
status "a bad number is a 400" 400 "/api/search?q=x&limit=lots"
contains "naming the parameter" "$work/st.body" 'parameter limit takes a whole number'
status "limit over 100 is a 400" 400 "/api/search?q=x&limit=101"
status "a bad flag is a 400" 400 "/api/search?q=x&facets=maybe"
status "a bad date is a 400" 400 "/api/search?from=yesterday"
status "no query at all is a 400" 400 "/api/search"
contains "saying what to give" "$work/st.body" '"kind":"bad_request"'
long=$(awk 'BEGIN { while (i++ < 2100) printf "a" }')
status "a query over 2,000 bytes is a 400" 400 "/api/search?q=$long"
status "an unknown report is a 404" 404 "/api/report/000000000000"
contains "with kind not_found" "$work/st.body" '"kind":"not_found"'
status "a report id that is not one is a 404" 404 "/api/report/..%2f..%2fetc"
status "an unknown provider is a 404" 404 "/api/history?provider=nosuchproviderxyz"
status "history without a provider is a 400" 400 "/api/history"
status "similar without a provider is a 400" 400 "/api/similar"
status "an unknown API is a 404" 404 "/api/nothing"
status "an unknown page is a 404" 404 "/nothing.html"
status "POST is a 405" 405 "/api/search" -X POST -d q=x
grep -qi '^Allow: GET, HEAD' "$work/st.body" 2>/dev/null; curl -s -D "$work/h405" -o /dev/null -X DELETE "${url%/}/api/stats"
contains "405 says what is allowed" "$work/h405" 'Allow: GET, HEAD'
status "a GET with a body is a 413" 413 "/api/search?q=x" -X GET --data-binary 'body'
huge=$(awk 'BEGIN { while (i++ < 70000) printf "a" }')
status "a URL over 64 KB is refused" 414 "/api/search?q=$huge"

# --- no path reaches a file ---
status "../ does not reach a file" 404 "/../../../../etc/passwd" --path-as-is
status "%2e%2e does not reach a file" 404 "/%2e%2e/%2e%2e/etc/passwd" --path-as-is
status "an encoded slash does not reach a file" 404 "/..%2f..%2fetc%2fpasswd" --path-as-is
status "the binary's own name is not served" 404 "/insearch"
status "a NUL byte does not cut a name short" 404 "/app.js%00.html" --path-as-is
status "nor does a NUL alone" 404 "/%00" --path-as-is
status "a name in another case is not served" 404 "/APP.JS"

# --- the page and its headers ---
curl -s -D "$work/h" -o "$work/index.html" "$url"
contains "/ is the page" "$work/h" 'Content-Type: text/html; charset=utf-8'
contains "CSP: nothing from other hosts" "$work/h" "Content-Security-Policy: default-src 'self'"
contains "nosniff" "$work/h" 'X-Content-Type-Options: nosniff'
contains "the page loads app.js" "$work/index.html" 'app.js'
for a in app.js style.css favicon.svg; do
    status "/$a is served" 200 "/$a"
done
curl -s -D "$work/hj" -o /dev/null "${url%/}/app.js"
contains "app.js is JavaScript" "$work/hj" 'Content-Type: text/javascript'
curl -s -D "$work/ha" -o /dev/null "${url%/}/api/stats"
contains "the API answers JSON" "$work/ha" 'Content-Type: application/json; charset=utf-8'
contains "API answers are not cached" "$work/ha" 'Cache-Control: no-store'
hl=$(curl -s -I -o /dev/null -w '%{http_code} %{size_download}' "$url")
[ "$hl" = "200 0" ] && ok || no "HEAD / answers 200 with no body ($hl)"

# --- many at once ---
i=0
while [ $i -lt 300 ]; do
    case $((i % 3)) in
        0) echo "${url%/}/api/search?q=apprentices&limit=5" ;;
        1) echo "${url%/}/api/search?q=%22off-the-job+training%22&facets=1" ;;
        2) echo "${url%/}/api/suggest?prefix=n" ;;
    esac
    i=$((i + 1))
done >"$work/urls"
xargs -P 50 -n 1 curl -s -o /dev/null -w '%{http_code}\n' <"$work/urls" >"$work/codes" 2>&1
n200=$(grep -c '^200$' "$work/codes")
[ "$n200" -eq 300 ] && ok || { no "300 requests, 50 at a time, all 200 ($n200)"; sort "$work/codes" | uniq -c; }

# --- the index moves on under a running server ---
get "/api/search?q=Holmecroft" "$work/h1.json" >/dev/null
contains "before: Holmecroft is not indexed" "$work/h1.json" '"total":0,'
insearch index --db "$db" --quiet "$work/later" 2>"$work/later.err" || { no "index while serving"; cat "$work/later.err"; }
get "/api/search?q=Holmecroft" "$work/h2.json" >/dev/null
lacks "after: a new report is found without a restart" "$work/h2.json" '"total":0,'
# a taxonomy of its own: the index is rebuilt and swapped in as a new folder
cat >"$work/mine.themes" <<'EOF'
[theme food]
name = Catering
description = Kitchens, catering and hospitality
4 catering
4 hospitality
[polarity]
weakness 2 too few
strength 2 good
EOF
insearch index --db "$db" --themes "$work/mine.themes" --quiet 2>"$work/swap.err" || { no "index --themes while serving"; cat "$work/swap.err"; }
get "/api/themes" "$work/t.json" >/dev/null
contains "after a rebuild, the server reads the new taxonomy" "$work/t.json" '"id":"food"'
lacks "and not the old one" "$work/t.json" '"id":"prevent"'

# --- the request log: one line per request ---
contains "the log has the request" "$work/serve.err" 'GET /api/suggest?prefix=North 200'
contains "the log has the refused ones" "$work/serve.err" 'POST /api/search 405'
stop_server TERM
contains "it says it stopped" "$work/serve.err" 'insearch serve: stopped (SIGTERM)'

# --- no index yet: 503, then it appears ---
start_server "$work/none" --quiet || { finish; exit 1; }
status "no index is a 503" 503 "/api/search?q=x"
contains "saying how to build one" "$work/st.body" "insearch index"
insearch index --db "$work/none" --quiet "$work/later" 2>/dev/null
status "an index built while serving is found" 200 "/api/search?q=Holmecroft"
lacks "--quiet logs no requests" "$work/serve.err" 'GET /api/'
stop_server INT
contains "SIGINT stops it" "$work/serve.err" 'stopped (SIGINT)'

# --- --assets: the same four names from a folder, no symlink out of it ---
mkdir "$work/assets"
printf '<!doctype html><title>dev page</title><script src="app.js"></script>\n' >"$work/assets/index.html"
printf 'secret outside the folder\n' >"$work/secret.txt"
ln -s "$work/secret.txt" "$work/assets/app.js"
start_server "$db" --quiet --assets "$work/assets" || { finish; exit 1; }
get "/" "$work/dev.html" >/dev/null
contains "--assets serves the folder's page" "$work/dev.html" 'dev page'
status "a symlink in --assets is not followed" 404 "/app.js"
lacks "nothing of the file it points to" "$work/st.body" 'secret'
status "a file missing from --assets is a 404" 404 "/style.css"
stop_server TERM

# --- refusals at start ---
insearch serve --db "$db" --port 70000 >"$work/p.out" 2>&1
[ $? -eq 2 ] && ok || no "--port 70000 is a usage error"
insearch serve --db "$db" --timeout 0 >"$work/t.out" 2>&1
[ $? -eq 2 ] && ok || no "--timeout 0 is a usage error"
insearch serve --db "$db" --bind nowhere --port 0 >"$work/b.out" 2>&1
[ $? -eq 1 ] && ok || no "--bind with no address is an error"
contains "saying what --bind takes" "$work/b.out" '--bind takes an IPv4 or IPv6 address'
start_server "$db" --quiet || { finish; exit 1; }
port=${url##*:}; port=${port%/}
insearch serve --db "$db" --port "$port" >"$work/busy.out" 2>&1
[ $? -eq 1 ] && ok || no "a port in use is an error"
contains "saying the port" "$work/busy.out" "cannot listen on 127.0.0.1 port $port"
stop_server TERM

finish
