#!/bin/sh
# embed.sh FILE - write a C file that defines thm_default_text() as the
# contents of FILE, so the binary carries its default taxonomy and works
# wherever it is copied. (No xxd: it is not on a minimal Debian.)
set -e
file=$1
test -r "$file" || { echo "embed.sh: cannot read $file" >&2; exit 1; }
echo '/* Generated from themes/default.themes by themes/embed.sh: do not edit. */'
echo '#include "themes/themes.h"'
echo 'static const char default_text[] ='
LC_ALL=C awk '{
    gsub(/\\/, "\\\\");
    gsub(/"/, "\\\"");
    gsub(/\t/, "\\t");
    gsub(/\r/, "");
    printf "    \"%s\\n\"\n", $0
}' "$file"
echo '    "";'
echo 'const char *thm_default_text(void) { return default_text; }'
