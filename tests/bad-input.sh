#!/bin/sh
# bad-input.sh - end-to-end: a folder mixing good reports with every kind of
# bad file. Each bad file is reported once, by path, with its reason (on
# stderr and in --json), the run goes on, the exit status says there were
# errors, and every good report can be searched.
set -u

NAME=badinput
. "$(dirname "$0")/harness.sh"

in="$work/in"
mkdir "$in"
cp "$SAMPLES/northbrook-skills-2017.txt" "$in/good.txt"
cp "$SAMPLES/kestrel-training-2021.txt.gz" "$in/good-gzip.txt.gz"
# not UTF-8 at all: bytes that are no encoding's text are still read (as
# Windows-1252), never dropped
printf 'Inspection of Quillon Bad Bytes Ltd\n\nApprentices \377\376 enjoy \303\050 zymurgy training.\n' >"$in/bad-utf8.txt"
printf 'abc\000def\000 apprentices\n' >"$in/nul.txt"
: >"$in/empty.txt"
printf '   \n\n\t\n' >"$in/blank.txt"
# one line of 70 MB: over the 64 MB a file may have
head -c 70000000 /dev/zero | tr '\0' 'a' >"$in/one-line.txt"
mkfifo "$in/fifo.txt"
ln -s loop-b "$in/loop-a.txt"
ln -s loop-a.txt "$in/loop-b"
gzip -c "$SAMPLES/northbrook-skills-2017.txt" | head -c 600 >"$in/truncated.txt.gz"
printf '\037\213\010\000garbage, not deflate' >"$in/corrupt.txt.gz"
# a gzip bomb: 300 MB of zeros in 300 KB
head -c 300000000 /dev/zero | gzip -c >"$in/bomb.txt.gz"
gzip -c "$SAMPLES/riverside-college-2014.txt" | gzip -c | gzip -c >"$in/nested.txt.gz"
# gzip inside gzip inside ... past the depth allowed
cp "$SAMPLES/riverside-college-2009.txt" "$work/deep"
for i in 1 2 3 4 5 6 7 8 9 10; do gzip -c "$work/deep" >"$work/deep.gz"; mv "$work/deep.gz" "$work/deep"; done
cp "$work/deep" "$in/too-deep.txt.gz"
fixtures=${top_srcdir:-.}/tests/fixtures/pdf
cp "$fixtures/encrypted.pdf" "$fixtures/truncated.pdf" "$fixtures/scanned.pdf" "$in/"
cp "$fixtures/two-column.pdf" "$in/"
# a word far longer than Xapian's 245-byte term limit, and a long accented one
{
    printf 'Inspection of Longword Training Ltd\n\n'
    printf 'The apprentices wrote '
    head -c 1000 /dev/zero | tr '\0' 'x'
    printf ' and '
    i=0; while [ $i -lt 300 ]; do printf '\303\251'; i=$((i + 1)); done
    printf ' in their logs.\n'
} >"$in/long-word.txt"
# a PDF far bigger than the text it holds (images, here padding) is read
cp "$fixtures/report.pdf" "$in/big.pdf"
head -c 10000000 /dev/zero | tr '\0' ' ' >>"$in/big.pdf"
# an HTML page saved from a browser, under a .txt name
cp "${top_srcdir:-.}/tests/fixtures/html/report.html" "$in/saved-page.txt"
cp "$SAMPLES/riverside-college-2023.txt" "$in/unreadable.txt"
chmod 000 "$in/unreadable.txt"

insearch index --db "$db" "$in" >"$work/out" 2>"$work/err"
rc=$?
[ $rc -eq 1 ] && ok || no "a run with bad files exits 1 (got $rc)"
# each bad file: once, by path, with its reason
once() { # FILE REASON
    n=$(grep -c -F -- "$in/$1: " "$work/err")
    if [ "$n" -eq 1 ] && grep -F -- "$in/$1: " "$work/err" | grep -q -F -- "$2"; then ok; else
        no "$1 is reported once with '$2' ($n times)"; grep -F -- "$1" "$work/err"
    fi
}
once nul.txt "not text (binary data)"
once empty.txt "empty file"
once blank.txt "no text"
once one-line.txt "file too big"
once fifo.txt "not a regular file (a FIFO)"
once loop-a.txt "symbolic link loop"
once truncated.txt.gz "truncated gzip data"
once corrupt.txt.gz "corrupt gzip data"
once bomb.txt.gz "inflated data over the limit"
once too-deep.txt.gz "gzip nested more than"
once encrypted.pdf "encrypted PDF"
once truncated.pdf "damaged PDF"
once scanned.pdf "needs OCR"
if [ "$(id -u)" = 0 ]; then
    # root reads a mode-000 file: it is simply indexed
    lacks "root can read a mode 000 file" "$work/err" "unreadable.txt"
else
    once unreadable.txt "Permission denied"
fi
# 13 bad files, loop-b (a loop too) and, for anyone but root, unreadable.txt
want=14
[ "$(id -u)" = 0 ] || want=15
contains "the summary counts the errors" "$work/err" " $want errors"

# the same in --json
rm -rf "$db"
insearch index --db "$db" --json "$in" >"$work/json" 2>/dev/null
for f in nul.txt empty.txt one-line.txt fifo.txt truncated.txt.gz bomb.txt.gz encrypted.pdf scanned.pdf; do
    contains "--json names $f" "$work/json" "{\"path\":\"$in/$f\",\"message\":\"$in/$f: "
done
contains "--json counts the failures" "$work/json" '"failed":'

# the good ones are all there
for q in 'Northbrook' 'Kestrel' 'zymurgy' 'provider:Riverside year:2014' 'apprentices wrote' \
         'provider:Wendlebury'; do
    insearch search --db "$db" --limit 1 "$q" >"$work/s" 2>&1
    lacks "'$q' is found" "$work/s" "no passages match"
done
insearch reports --db "$db" --json >"$work/formats"
contains "the big PDF is read as a PDF" "$work/formats" '"source":"'"$in"'/big.pdf"'
contains "the saved HTML page is read as a report" "$work/formats" '"provider":"Saltmarsh Vale Training Ltd"'
# the long words were cut to a term Xapian takes, not the file dropped
insearch search --db "$db" --json '"apprentices wrote" logs' >"$work/lw" 2>&1
contains "a passage with a 1,000-letter word is indexed" "$work/lw" '"total":1,'
# a PDF passage is cited with its page: provider, URN, date, section, page
insearch search --db "$db" --csv '"clear feedback on written work"' >"$work/cite.csv" 2>&1
contains "a PDF passage's CSV row cites provider, URN, dates, grade, section and page" "$work/cite.csv" \
    '"1","Wendlebury Skills Limited","2786431","independent-learning-provider","full","2024-06-03","2024-06-06","good","What does the provider do well and what does it need to do better?","2",'
# a two-column page is read a column at a time: its sentences are whole
for q in '"do not receive useful careers advice"' '"set a clear vision for the curriculum"' \
         '"functional skills teaching is not planned"'; do
    insearch search --db "$db" --limit 1 "$q" >"$work/s" 2>&1
    lacks "two columns: $q is found" "$work/s" "no passages match"
done
# an index kept inside the folder it indexes does not index itself
insearch index --db "$in/db" "$in" >/dev/null 2>"$work/self.err"
insearch index --db "$in/db" "$in" >/dev/null 2>>"$work/self.err"
lacks "the index's own files are not read as reports" "$work/self.err" "$in/db/"
chmod 644 "$in/unreadable.txt"
finish
