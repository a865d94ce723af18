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

#define SLOT_DATE 0        /* "YYYY-MM-DD" inspection start */
#define SLOT_REPORT 2      /* report id: collapse key for --by-report */
#define SLOT_STAMP 3       /* report record: "size:mtime" of the source */
#define SLOT_PASSAGE 4     /* passage: its index in the report ("%u") */
/* Facet slots: the same values as the boolean terms, countable over a
 * whole match with a value-count spy. */
#define SLOT_KIND 5
#define SLOT_TYPE 6
#define SLOT_YEAR 7
#define SLOT_GRADE 8

#define TERM_META_FORMAT "insearch:format"

#endif /* INSEARCH_TERMS_H */
