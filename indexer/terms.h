/* terms.h - the index format shared by the indexer (which writes it) and the
 * searcher (which reads it). doc/DESIGN.md explains each prefix and slot;
 * change them only together with IDX_FORMAT_VERSION. */
#ifndef INSEARCH_TERMS_H
#define INSEARCH_TERMS_H

/* Xapian refuses terms over 245 bytes; leave room for a prefix. */
#define TERM_MAX_BYTES 240

#define TERM_STEM 'Z'
#define TERM_PROTECTED 'K'
#define TERM_UNIQUE "Q"
#define TERM_REPORT "XR"
#define TERM_URN "XU"
#define TERM_PROVIDER "XP"
#define TERM_TYPE "XT"
#define TERM_KIND "XK"
#define TERM_GRADE "XG"
#define TERM_SECTION "XS"
#define TERM_DOCTYPE "XD"
/* Themes (themes/themes.h): a passage about a theme, a passage's polarity
 * ("XYweakness"); a report with a passage about a theme, with a weakness
 * passage about it, with a strength passage about it. */
#define TERM_THEME "XH"
#define TERM_POLARITY "XY"
#define TERM_REPORT_THEME "XE"
#define TERM_REPORT_WEAK "XW"
#define TERM_REPORT_STRONG "XV"
/* The inspection year ("XA2019"), on passages and report records: a year
 * filter is then a few boolean terms, not a value read per candidate. */
#define TERM_YEAR "XA"
/* A weakness or strength passage's strength tier for a theme it is
 * about (TERM_THEME): "XI<theme>/<polarity>/<k>" when 2^k <= strength <
 * 2^(k+1), k from THEME_TIER_MIN to THEME_TIER_MAX (the top tier takes
 * everything above; below the bottom one there is no term). The passages
 * most about a theme are then found among the few in its top tiers, not
 * by reading the strength of every passage about it (aggregate.c,
 * typical passages). */
#define TERM_THEME_TIER "XI"
#define THEME_TIER_MIN 2
#define THEME_TIER_MAX 6

#define SLOT_DATE 0        /* "YYYY-MM-DD" inspection start */
#define SLOT_REPORT 2      /* report id: collapse key for --by-report */
#define SLOT_STAMP 3       /* report record: "size:mtime" of the source */
#define SLOT_PASSAGE 4     /* passage: its index in the report ("%u");
                              not in a shard with features "3", where
                              SLOT_PASSAGE_TEXT holds it */
/* Facet slots: the same values as the boolean terms, countable over a
 * whole match with a value-count spy. */
#define SLOT_KIND 5
#define SLOT_TYPE 6
#define SLOT_YEAR 7
#define SLOT_GRADE 8
/* Passage: the ids of the themes it is about, joined by ','; report
 * record: the same for its weakness passages. Counted with a multi-value
 * facet. */
#define SLOT_THEMES 9
#define SLOT_POLARITY 10   /* passage: "weakness", "strength", "neutral" */
/* Report record: the ids of the themes it has a strength passage about
 * (slot 9 holds the weakness ones): `weaknesses` and `strengths` over
 * report-level filters read one record per report, not every passage. */
#define SLOT_STRONG_THEMES 11
/* Report record: its theme vectors, "id:weight,..." where weight is the
 * summed strength of its weakness (12) or strength (13) passages about
 * the theme; the provider (14: its key - the URN, else "name:" + the
 * provider-name slug - a tab and the name as written); its profile (15:
 * "kind\tlearners\tarea", learners 0 and area "" when not stated). What
 * `similar` and `history` read, one record per report. */
#define SLOT_WEAK_VECTOR 12
#define SLOT_STRONG_VECTOR 13
#define SLOT_PROVIDER_KEY 14
#define SLOT_PROFILE 15
/* Report record: its text signature, the words it uses most ("term
 * count" pairs, space-separated, at most SIGNATURE_TERMS), which `similar`
 * weighs by how rare each is in the index (tf-idf). */
#define SLOT_SIGNATURE 16
#define SIGNATURE_TERMS 60
/* Passage: report id then its index as 8 digits; report record: the
 * report id. Unique to a document and the same wherever it is stored:
 * what breaks ties in ranking and sorting (instead of Xapian's document
 * ids, which change with the number of shards), so that an index built
 * with any number of shards gives the same answers in the same order.
 * Indexes made before it lack it: their ties go by document id. */
#define SLOT_ORDER 17
/* Passage: its date (SLOT_DATE), report id and 99999999 less its index;
 * report record: date and report id. One value that sorts newest first
 * in reading order when read backwards, so that sorting by date costs
 * one value per match (a key built from two slots cost twice as many
 * instructions on a filter-only query). */
#define SLOT_DATE_ORDER 18
/* The same for oldest first: date, report id, index (as in SLOT_ORDER).
 * Two slots, because a sort key built from several values (a KeyMaker)
 * is not available over Xapian's remote backend. */
#define SLOT_DATE_ORDER_ASC 19
/* Passage: everything a search shows of it, in one value, since each
 * value read is a B-tree look-up of its own (a hit read 8 of them, 12 of
 * the ~40 block reads per hit of a query): PASSAGE_PACKED, report id,
 * tab, passage index, tab, polarity, tab, its themes ("id:strength" by
 * ',', as in SLOT_THEMES and SLOT_THEME_SCORE + i), newline; then its
 * section title, a newline, its page, a newline and its text - what the
 * document data held before. A value, not the document data, because
 * Xapian runs zlib over every document's data on its own (a deflateReset
 * and a deflate per document), which measured as ~10% of indexing CPU
 * with one document per passage; values are stored as they are. Readers
 * take the separate slots and the document data when the value is
 * absent (an index made before it). */
#define SLOT_PASSAGE_TEXT 20
#define PASSAGE_PACKED '\x01'
/* Passage: theme i's strength (sortable_serialise) in slot
 * SLOT_THEME_SCORE + i, set only when positive; ranks by theme. */
#define SLOT_THEME_SCORE 100

/* Length normalisation, stored in the wdf (features "3"). A passage's
 * text terms (Z, K) get wdf = round(tf x WDF_SCALE / L), L = 1 - WDF_B +
 * WDF_B x length / WDF_PIVOT (length: its tokens), L at most WDF_SCALE.
 * The searcher's BM25 then runs with b = 0 and k1 x WDF_SCALE, which
 * gives BM25 with this L (times a constant it divides out): length
 * normalisation without Xapian reading each matching passage's length,
 * and weights that seldom tie, so that the tiebreak (SLOT_ORDER, a value
 * read per tied candidate) is seldom needed. With b = 0 and raw wdfs,
 * every passage that used a word once tied, and a query for a word in
 * 10,000 passages read 600 blocks for the tiebreak (doc/DESIGN.md). The
 * pivot is a constant, not the index's mean, so that a passage's wdfs
 * never change as the index grows. */
#define WDF_SCALE 64
#define WDF_B 0.25
#define WDF_PIVOT 40.0

#define TERM_META_FORMAT "insearch:format"
/* What an index was created with beyond its format: "2" for SLOT_ORDER,
 * SLOT_DATE_ORDER, SLOT_DATE_ORDER_ASC and TERM_YEAR on every document;
 * "3" adds SLOT_PASSAGE_TEXT on passages (their document data empty,
 * no SLOT_PASSAGE) and length-normalised wdfs (WDF_SCALE). The indexer writes "3"
 * documents only into shards created with "3", so that one shard never
 * mixes two kinds of wdf. "4" adds TERM_THEME_TIER.
 * Set when a shard is created, never on an older index that a newer
 * insearch adds to (its older documents lack them); the searcher uses
 * them only when it is set. */
#define TERM_META_FEATURES "insearch:features"
#define IDX_FEATURES "4"
/* The theme taxonomy's text the index was scored with. */
#define TERM_META_THEMES "insearch:themes"
/* "K/N" in an index of part K of N of the files (idx_options.part_*). */
#define TERM_META_PART "insearch:part"

#endif /* INSEARCH_TERMS_H */
