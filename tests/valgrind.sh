#!/bin/sh
# valgrind.sh - how `make check-valgrind' runs each test (its LOG_COMPILER).
#
#   tests/valgrind.sh TEST [ARGS...]
#
# A Check suite runs under valgrind in one process (CK_FORK=no): in fork mode
# each test's leaks would die with its child before anyone looked. A shell
# test runs as usual with VALGRIND in its environment, and puts every program
# it drives under it (tests/cli.sh does so for insearch). Any memory error or
# definite or possible leak fails the test.
#
# VALGRIND (default: valgrind) and VALGRIND_FLAGS may be set to override.
test $# -ge 1 || { echo "usage: valgrind.sh TEST [ARGS...]" >&2; exit 99; }

VALGRIND=${VALGRIND:-valgrind}
VALGRIND_FLAGS=${VALGRIND_FLAGS:--q --leak-check=full --num-callers=30 --error-exitcode=1}

if ! $VALGRIND --version >/dev/null 2>&1; then
    echo "valgrind.sh: '$VALGRIND' not found: install the Debian package valgrind" >&2
    exit 99    # a hard error for the harness, not a skip
fi

case $1 in
*.sh)
    VALGRIND="$VALGRIND $VALGRIND_FLAGS"
    export VALGRIND
    exec "$@"
    ;;
*)
    CK_FORK=no
    export CK_FORK
    exec $VALGRIND $VALGRIND_FLAGS "$@"
    ;;
esac
