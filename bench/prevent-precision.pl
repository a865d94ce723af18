#!/usr/bin/perl
# prevent-precision.pl - of an engine's top results for the query `Prevent`,
# how many show the Prevent duty (the counter-extremism duty) rather than the
# verb (prevent, prevented, preventing, prevention, ...).
#
#   prevent-precision.pl ENGINE OUTPUT CORPUS [DETAILS]
#
# ENGINE is insearch, omega or fts5; OUTPUT is what run.sh captured:
#   insearch  `insearch --json search --limit 10 Prevent`
#   omega     `quest -m 10 ... Prevent` (only its url= lines are used)
#   fts5      `sqlite3 -json DB "SELECT path, snippet(docs, 1, char(1),
#              char(2), '...', 12) AS snip ... MATCH 'Prevent' ... LIMIT 10"`
# CORPUS is the directory the peers indexed (omindex ran with --url /, so a
# url is a path under it). Prints "DUTY TOTAL"; one line per result goes to
# DETAILS when given, so the verdicts can be checked by eye.
#
# The method, the same for every engine:
# 1. The shown match. insearch: the highlighted words of its snippet.
#    FTS5: the words snippet() marks. quest shows no snippet (its sample is
#    the first 512 bytes of the file), so its shown match is the first line
#    of the file holding the word its query term `prevent` indexes (the
#    whole word, any case), and every such word on that line.
# 2. The context. A snippet is a verbatim window of a longer text (the
#    passage for insearch, the file for FTS5), so it is located there and
#    each marked word is judged with the full text around it: a snippet that
#    starts at "Prevent" says nothing about what came before.
# 3. The verdict. A marked word is the duty when it is exactly "Prevent"
#    (capital P, no suffix) and either is followed by duty, strategy or
#    training, or does not start a sentence (a sentence starts after . ! ?
#    or : or at the start of a line, bullets and markup skipped). "Prevent
#    learners from falling behind" at the head of a recommendation is the
#    verb; "safeguarding and Prevent", "the local Prevent lead" are the duty.
#    A result counts as the duty when any of its marked words is.
use strict;
use warnings;
use Encode qw(decode encode);
use JSON::PP ();

my ($engine, $output, $corpus, $details) = @ARGV;
die "usage: prevent-precision.pl insearch|omega|fts5 OUTPUT CORPUS [DETAILS]\n"
    unless defined $corpus && $engine =~ /^(insearch|omega|fts5)$/;

sub slurp {
    my ($path) = @_;
    open(my $fh, '<:raw', $path) or return undef;
    local $/;
    my $s = <$fh>;
    close $fh;
    return decode('UTF-8', $s);
}

# Marks are "\x01word\x02" in a snippet of `text`; returns the [start, end)
# character offsets of the marked words in `text`.
sub locate {
    my ($marked, $text) = @_;
    my $plain = $marked =~ s/[\x01\x02]//gr;
    # Leading and trailing ellipses (FTS5 '...', insearch U+2026) are not
    # part of the source.
    my $lead = 0;
    if ($plain =~ /^(\s*(?:\.\.\.|\x{2026})\s*)/) {
        $lead = length $1;
    }
    my $core = substr($plain, $lead) =~ s/\s*(?:\.\.\.|\x{2026})\s*$//r;
    my $at = length $core ? index($text, $core) : -1;
    my $base;
    if ($at >= 0) {
        $base = $at - $lead;
    } else {
        # Not found verbatim (should not happen): judge the snippet alone.
        $text = $plain;
        $base = 0;
    }
    my @spans;
    my ($pos, $open) = (0, undef);
    for my $ch (split //, $marked) {
        if ($ch eq "\x01") {
            $open = $pos;
        } elsif ($ch eq "\x02") {
            push @spans, [$base + $open, $base + $pos] if defined $open;
            $open = undef;
        } else {
            $pos++;
        }
    }
    return ($text, @spans);
}

sub is_duty {
    my ($text, $s, $e) = @_;
    my $word = substr($text, $s, $e - $s);
    return 0 unless $word =~ /^\s*Prevent\s*$/;
    return 1 if substr($text, $e, 40) =~ /^\s+(?:duty|strategy|training)\b/i;
    my $line_start = rindex($text, "\n", $s - 1) + 1;
    my $before = substr($text, $line_start, $s - $line_start);
    $before =~ s/[^\p{L}\p{N}.!?:,;]+$//;
    return 0 if $before eq '' || $before =~ /[.!?:]$/;
    return 1;
}

# Each result: [label, text, spans...]
my @results;
my $raw = slurp($output);
die "prevent-precision.pl: cannot read $output\n" unless defined $raw;

if ($engine eq 'insearch') {
    my $doc = JSON::PP->new->decode($raw);
    for my $hit (@{ $doc->{results} || [] }) {
        # highlights are byte offsets into the snippet: mark them in bytes.
        my $snip = encode('UTF-8', $hit->{snippet} // $hit->{passage});
        my $marked = '';
        my $at = 0;
        for my $h (sort { $a->[0] <=> $b->[0] } @{ $hit->{highlights} || [] }) {
            my ($s, $e) = @$h;
            next if $s < $at || $e > length $snip;
            $marked .= substr($snip, $at, $s - $at) . "\x01"
                . substr($snip, $s, $e - $s) . "\x02";
            $at = $e;
        }
        $marked .= substr($snip, $at);
        my $label = ($hit->{report}{source} // '?') . " #$hit->{passage_index}";
        push @results, [$label, locate(decode('UTF-8', $marked), $hit->{passage})];
    }
} elsif ($engine eq 'fts5') {
    my $rows = JSON::PP->new->decode($raw);
    for my $row (@$rows) {
        my $body = slurp("$corpus/$row->{path}") // '';
        push @results, [$row->{path}, locate($row->{snip}, $body)];
    }
} else {
    for my $url ($raw =~ /^url=(.*)$/mg) {
        my $body = slurp("$corpus$url") // '';
        my $line = '';
        for (split /\n/, $body) {
            if (/(?<![\p{L}\p{N}_])prevent(?![\p{L}\p{N}_])/i) {
                $line = $_;
                last;
            }
        }
        my $marked = $line =~ s/(?<![\p{L}\p{N}_])(prevent)(?![\p{L}\p{N}_])/\x01$1\x02/gir;
        push @results, [$url, locate($marked, $line)];
    }
}

my $dfh;
if (defined $details) {
    open($dfh, '>:encoding(UTF-8)', $details) or die "prevent-precision.pl: $details: $!\n";
}
my $duty = 0;
for my $r (@results) {
    my ($label, $text, @spans) = @$r;
    my $yes = grep { is_duty($text, @$_) } @spans;
    $duty++ if $yes;
    next unless $dfh;
    my @shown = map {
        my ($s, $e) = @$_;
        my $from = $s > 50 ? $s - 50 : 0;
        '...' . substr($text, $from, $s - $from) . '[' . substr($text, $s, $e - $s)
            . ']' . substr($text, $e, 40) . '...'
    } @spans;
    s/\s+/ /g for @shown;
    printf $dfh "%s\t%s\t%s\n", $yes ? 'duty' : 'verb', $label,
        @shown ? join(' | ', @shown) : '(no marked word found)';
}
close $dfh if $dfh;
printf "%d %d\n", $duty, scalar @results;
