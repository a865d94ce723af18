#!/bin/sh
# symbols.sh - xapian-c must export nothing but its xc_ API.
#
# Usage: tests/symbols.sh [OBJECT-OR-ARCHIVE]
# Without an argument: $SYMBOLS_LIB (the build sets it to libxapianc.a),
# else the xapian-c library or object under $top_builddir (default: the
# current directory).
#
# What a -fvisibility=hidden C++ object still defines as global, and why
# some of it is allowed:
#   - strong symbols (T, D, B, R, ...): must all be xc_. Helpers belong in an
#     anonymous namespace or are static; hidden visibility alone would not
#     show here, as nm lists hidden globals of an object file too.
#   - weak symbols (W, V, u): vague-linkage C++ instantiations that the
#     linker merges across objects: templates of std:: and inline members of
#     Xapian's classes (those namespaces keep default visibility whatever
#     -fvisibility says), typeinfo of Xapian's exceptions for our catch
#     clauses, and DW.ref.* personality/typeinfo references for unwinding.
#     Allowed only if C++-mangled (_Z...) or DW.ref.*; a weak plain C name
#     would be a leak.
# If readelf is available, also checks that every xc_ symbol really has
# default visibility (the export macro is in place) and that no weak symbol
# naming our own types is exported.

obj=${1:-$SYMBOLS_LIB}
if [ -z "$obj" ]; then
    top=${top_builddir:-.}
    for cand in "$top"/libxapianc.a "$top"/xapian-c/xapian-c.o \
                "$top"/xapian-c/*-xapian-c.o; do
        if [ -f "$cand" ]; then
            obj=$cand
            break
        fi
    done
fi
if [ -z "$obj" ] || [ ! -f "$obj" ]; then
    echo "symbols.sh: no xapian-c object found (give its path as \$1)" >&2
    exit 1
fi
if ! command -v nm >/dev/null 2>&1; then
    echo "symbols.sh: nm not found" >&2
    exit 1
fi

syms=$(nm -g --defined-only -P "$obj") || {
    echo "symbols.sh: nm failed on $obj" >&2
    exit 1
}

# -P prints "name type value size"; archive member headers are one field.
bad=$(printf '%s\n' "$syms" | awk '
    NF < 2 { next }
    {
        name = $1; type = $2
        if (name ~ /^xc_/) next
        if (type == "W" || type == "V" || type == "u" || type == "w" ||
            type == "v") {
            if (name ~ /^_Z/ || name ~ /^DW\.ref\./) next
        }
        print "  " type " " name
    }')

nxc=$(printf '%s\n' "$syms" | awk 'NF >= 2 && $1 ~ /^xc_/ { n++ } END { print n + 0 }')

status=0
if [ -n "$bad" ]; then
    echo "symbols.sh: $obj defines global symbols outside the xc_ API:" >&2
    printf '%s\n' "$bad" >&2
    status=1
fi
if [ "$nxc" -eq 0 ]; then
    echo "symbols.sh: $obj defines no xc_ symbols at all" >&2
    status=1
fi

if command -v readelf >/dev/null 2>&1; then
    # readelf -sW: Num Value Size Type Bind Vis Ndx Name
    vis=$(readelf -sW "$obj" 2>/dev/null | awk '
        $7 == "UND" || $5 == "LOCAL" || NF < 8 { next }
        $5 != "GLOBAL" && $5 != "WEAK" && $5 != "UNIQUE" { next }
        $8 ~ /^xc_/ && $6 != "DEFAULT" {
            print "  " $8 " has " $6 " visibility"; next
        }
        $8 !~ /^xc_/ && $6 == "DEFAULT" && $8 ~ /xc_/ {
            print "  " $8 " (an xapian-c type) is exported"
        }')
    if [ -n "$vis" ]; then
        echo "symbols.sh: $obj: visibility is wrong:" >&2
        printf '%s\n' "$vis" >&2
        status=1
    fi
fi

if [ "$status" -eq 0 ]; then
    echo "symbols.sh: $obj exports $nxc xc_ symbols and nothing else"
fi
exit $status
