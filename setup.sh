#!/bin/sh
# setup.sh - one command from a fresh Debian 12 machine to a working insearch.
#
#   ./setup.sh demo    install what is missing, build, index the bundled
#                      sample corpus, run searches and list the common
#                      weaknesses (the main job)
#   ./setup.sh serve   the same as demo, then serve the search page on
#                      http://127.0.0.1:8080/ (PORT=N for another port)
#   ./setup.sh check   install what is missing (with Chromium and Node for
#                      the browser tests), build, run the whole test suite
#   ./setup.sh build   install what is missing and build only
#
# Needs root (or sudo) only when Debian packages are missing.
set -eu

cd "$(dirname "$0")"
what=${1:-demo}

PACKAGES="build-essential autoconf automake pkg-config libxapian-dev libicu-dev zlib1g-dev check xapian-tools libmicrohttpd-dev curl poppler-utils"
# The browser tests drive Debian's Chromium with playwright-core on Node.
if [ "$what" = check ]; then
    # strace injects write errors in tests/crash-inject.sh
    PACKAGES="$PACKAGES chromium strace"
    command -v node >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs"
    command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"
fi

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup: installing Debian packages:$missing"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi

if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
    autoreconf -fi
fi
if [ ! -f Makefile ] || [ configure -nt config.status ]; then
    ./configure -q
fi
jobs=$(nproc 2>/dev/null || echo 2)
make -s -j"$jobs"

case "$what" in
build)
    ;;
check)
    # playwright-core, at the version package-lock.json pins (no browser
    # download: the tests use /usr/bin/chromium).
    if [ ! -d tests/browser/node_modules/playwright-core ] ||
       [ tests/browser/package-lock.json -nt tests/browser/node_modules/playwright-core ]; then
        (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    fi
    # Here the browser tests must run: a missing piece fails, not skips.
    INSEARCH_REQUIRE_BROWSER=1 make -s -j"$jobs" check
    ;;
demo)
    db=${INSEARCH_DB:-$PWD/demo-db}
    echo
    echo "== ./insearch index --db $db corpus/samples"
    ./insearch index --db "$db" corpus/samples
    echo
    echo "== ./insearch search --db $db --limit 5 'the Prevent duty'"
    ./insearch search --db "$db" --limit 5 '"the Prevent duty"'
    echo "== ./insearch search --db $db --by-report --limit 5 off-the-job training grade:requires-improvement"
    ./insearch search --db "$db" --by-report --limit 5 off-the-job training grade:requires-improvement
    echo "== ./insearch search --db $db --theme prevent --limit 3"
    ./insearch search --db "$db" --theme prevent --limit 3
    echo "== ./insearch weaknesses --db $db --limit 5 --examples 1 level:3..4"
    ./insearch weaknesses --db "$db" --limit 5 --examples 1 level:3..4
    echo
    echo "Try: ./insearch search --db $db 'safeguarding NEAR DBS'   (./insearch help search)"
    echo "     ./insearch search --db $db 'theme:functional-skills polarity:weakness grade:inadequate'"
    echo "     ./insearch distinctive --db $db level:4      ./insearch themes --db $db"
    echo "     ./insearch similar --db $db --improved 'Ashby Vale'   ./insearch history --db $db northbrook"
    echo "In your browser: ./setup.sh serve   (or ./insearch serve --db $db), then open http://127.0.0.1:8080/"
    ;;
serve)
    db=${INSEARCH_DB:-$PWD/demo-db}
    ./insearch index --db "$db" corpus/samples
    echo
    echo "Open the address below in your browser; Ctrl-C stops the server."
    exec ./insearch serve --db "$db" --port "${PORT:-8080}"
    ;;
*)
    echo "usage: ./setup.sh [demo|serve|check|build]" >&2
    exit 2
    ;;
esac
