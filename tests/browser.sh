#!/bin/sh
# browser.sh - end-to-end: the page of `insearch serve` in a real browser.
# Indexes the sample corpus plus a hostile report (markup in its text),
# starts the server on a free port and runs tests/browser/e2e.mjs (Node,
# playwright-core and the system Chromium) against it; then stops the
# server with SIGTERM, which must end it cleanly.
#
# SKIPs (exit 77) without Chromium, Node or playwright-core, unless
# INSEARCH_REQUIRE_BROWSER=1, which makes any of them missing a failure.
# Environment: INSEARCH (default ./insearch), srcdir (default .),
# CHROMIUM (default /usr/bin/chromium), INSEARCH_ASSETS (a folder: serve
# the page from it with --assets instead of the copy compiled in, to test
# the page while working on it).
set -u

INSEARCH=${INSEARCH:-./insearch}
srcdir=${srcdir:-.}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM

missing() {
    if [ "${INSEARCH_REQUIRE_BROWSER:-}" = 1 ]; then
        echo "FAIL: $1 (INSEARCH_REQUIRE_BROWSER=1)"
        exit 1
    fi
    echo "SKIP: $1"
    exit 77
}
[ -x "$CHROMIUM" ] || missing "no Chromium at $CHROMIUM (apt-get install chromium, or set CHROMIUM)"
command -v node >/dev/null 2>&1 || missing "node is not installed (apt-get install nodejs)"
[ -d "$srcdir/tests/browser/node_modules/playwright-core" ] ||
    missing "playwright-core is not installed (cd $srcdir/tests/browser && npm ci)"

work=$(mktemp -d "${TMPDIR:-/tmp}/insearch-browser.XXXXXX") || exit 1
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then
        kill -TERM "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The hostile report: a short monitoring visit report whose text carries
# markup and entities. The page must show them as text and run none of it.
mkdir "$work/corpus"
cat >"$work/corpus/xss-test-training-2023-monitoring.txt" <<'EOF'
Xss Test Training Ltd
Monitoring visit report

Unique reference number:	999001
Name of lead inspector:	Imogen Testwell HMI
Inspection dates:	7-8 March 2023
Type of provider:	Independent learning provider
Address:	Unit 1, Fixture Yard
	Sample Street
	Testbury
	TE5 7XS

Monitoring visit: main findings

Context and focus of visit

This was the first monitoring visit to Xss Test Training Ltd since it was judged to require improvement. Inspectors checked how well leaders have dealt with the weaknesses found at that inspection.

Xss Test Training Ltd trains around 120 apprentices in software support roles. Tutors teach web security, and learners practise spotting unsafe input such as <script>window.__pwned=1</script> in the pages they test.

Themes

What progress have leaders made in ensuring that apprentices receive well-planned off-the-job training?	Reasonable progress

Leaders now plan off-the-job training with each employer before the apprentice starts. Apprentices learn to reject markup such as <img src=x onerror="window.__pwned=2"> when it arrives in a form, and they explain clearly why it is dangerous.

Tutors record what apprentices learn at work. Their notes escape special characters correctly, so that text such as &amp; "quotes" 'single' is stored and shown exactly as it was typed.

What progress have leaders made in improving progress reviews?	Insufficient progress

Progress reviews remain too infrequent. Targets set at reviews are vague, and employers are rarely involved in them.
EOF

"$INSEARCH" index --db "$work/db" --quiet "$srcdir/corpus/samples" "$work/corpus" >"$work/index.out" 2>&1 || {
    echo "FAIL: indexing the corpus"; cat "$work/index.out"; exit 1
}

"$INSEARCH" serve --db "$work/db" --port 0 --quiet ${INSEARCH_ASSETS:+--assets "$INSEARCH_ASSETS"} >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
url=
i=0
while [ $i -lt 100 ]; do
    url=$(sed -n '1s/^insearch serve: \(http:.*\)$/\1/p' "$work/serve.out")
    [ -n "$url" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
if [ -z "$url" ]; then
    echo "FAIL: the server did not print its address within 10 s"
    cat "$work/serve.out" "$work/serve.err"
    exit 1
fi

rc=0
node "$srcdir/tests/browser/e2e.mjs" "$url" || rc=1

# A clean stop: SIGTERM ends the server with status 0 within 5 s.
kill -TERM "$server_pid"
i=0
while [ $i -lt 50 ] && kill -0 "$server_pid" 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done
if kill -0 "$server_pid" 2>/dev/null; then
    echo "FAIL: the server was still running 5 s after SIGTERM"
    kill -KILL "$server_pid" 2>/dev/null
    rc=1
fi
status=0
wait "$server_pid" || status=$?
server_pid=
if [ "$status" -ne 0 ]; then
    echo "FAIL: the server exited $status on SIGTERM"
    cat "$work/serve.err"
    rc=1
fi
[ $rc -eq 0 ] && echo "browser tests passed"
exit $rc
