/* indexer.h - turning report files into the Xapian index (`insearch index`).
 *
 * One Xapian document per passage, with positional terms, stems, protected
 * terms, boolean filter terms and values, plus one report record per file
 * (see doc/DESIGN.md for the exact terms). Files whose size and mtime are
 * unchanged since the last run are skipped; a changed file's documents are
 * replaced; idx_prune drops files that have gone.
 *
 * Nothing here prints: progress and per-file problems are reported through
 * callbacks, and the caller decides what a person sees.
 */
#ifndef INSEARCH_INDEXER_H
#define INSEARCH_INDEXER_H

#include <stddef.h>
#include <stdint.h>

#define IDX_OK 0
#define IDX_ERR (-1)          /* see the message */
#define IDX_ERR_LOCK (-2)     /* another indexer is writing this database */
#define IDX_ERR_INTERRUPTED (-3)
#define IDX_ERR_THEMES (-4)   /* the theme taxonomy is bad */
#define IDX_ERR_THEMES_DIFFER (-5) /* the index was built with another
                                      taxonomy: see idx_rebuild */

/* Bumped when the terms or stored data change incompatibly. */
#define IDX_FORMAT_VERSION "2"

typedef struct idx_stats {
    uint64_t files_seen;      /* regular files looked at */
    uint64_t files_indexed;   /* parsed and (re)indexed */
    uint64_t files_unchanged; /* skipped: same size and mtime */
    uint64_t files_failed;    /* reported through on_error */
    uint64_t files_pruned;
    uint64_t files_elsewhere; /* left to the other parts (idx_options.part_n) */
    uint64_t reports;         /* indexed files that are inspection reports */
    uint64_t passages;        /* passages written in this run */
    uint64_t bytes;           /* input bytes of the indexed files */
} idx_stats;

typedef struct idx_callbacks {
    /* A file could not be indexed; `message` names the file and the
     * problem. Called once per bad file. */
    void (*on_error)(void *ctx, const char *path, const char *message);
    /* After each file; `path` is the file just done. */
    void (*on_progress)(void *ctx, const idx_stats *so_far, const char *path);
    /* Polled between files: non-zero stops the run (after committing what
     * is done), e.g. on SIGINT. */
    int (*should_stop)(void *ctx);
    void *ctx;
} idx_callbacks;

typedef struct idx_indexer idx_indexer;

/* Open (creating if needed) the database in directory `dbpath`, making
 * parent directories. *out is the caller's (idx_close). */
int idx_open(const char *dbpath, const idx_callbacks *cb, idx_indexer **out,
             char **err);

typedef struct idx_options {
    /* A theme taxonomy (themes/themes.h) to score passages with, and the
     * name to give it in errors. NULL: the one the index was built with,
     * or for a new index the built-in one. An index keeps its taxonomy
     * (scores are computed when a passage is written), so a different one
     * for an index that has one is IDX_ERR_THEMES_DIFFER. */
    const char *themes_text;
    const char *themes_source;
    /* Another indexer holds the index: wait for it (1) or fail at once
     * with IDX_ERR_LOCK naming its process (0). */
    int wait_for_lock;
    /* Threads that read, parse, analyse and write (0: one per core, at
     * most 4). A new index gets this many shards, at most IDX_MAX_SHARDS;
     * an existing one keeps its shards and uses at most one thread per
     * shard. Any number gives the same index contents and the same
     * answers: each file goes to the shard its report id picks, and each
     * shard is written by one thread in the order the files were found. */
    unsigned jobs;
    /* Index only part K (1-based) of N of the files (0/0: all): a file
     * belongs to the part its report id picks, so N machines given the
     * same folders and K = 1..N index disjoint parts whose union is the
     * whole, to be searched together (doc/SHARDS.md). An index remembers
     * its part; another K/N for it is IDX_ERR. */
    unsigned part_k, part_n;
} idx_options;

#define IDX_MAX_SHARDS 8
#define IDX_OPTIONS_INIT {NULL, NULL, 0, 0, 0, 0}

int idx_open_with(const char *dbpath, const idx_callbacks *cb,
                  const idx_options *opt, idx_indexer **out, char **err);

/* Build the index at `dbpath` again with the taxonomy of `opt`: the files
 * its reports came from (and then `paths`) are indexed into a new index
 * beside it ("DBPATH.rebuild"), which takes the old one's place in one
 * atomic rename (RENAME_EXCHANGE); the old one is then removed. Until that
 * rename the old index is untouched, so a crash, a kill or should_stop
 * (IDX_ERR_INTERRUPTED) leaves it as it was; its shards are held open for
 * writing meanwhile, so no other indexer can change it. Files that have
 * gone are left out (counted in files_pruned). *stats gets the new run's
 * counts. */
/* Compact the index at `dbpath` (as xapian-compact does: its shards merged
 * into one, or with keep_shards each shard on its own) into
 * a copy beside it ("DBPATH.compact"), which then takes its place in one
 * atomic rename (RENAME_EXCHANGE); the old one is removed. The writers'
 * lock is held throughout (wait_for_lock as in idx_options), so no
 * indexer changes it meanwhile; searches go on. A crash or a failure
 * before the rename leaves the index as it was. *bytes_before and
 * *bytes_after (when non-NULL) get the sizes of the files. */
int idx_compact(const char *dbpath, int wait_for_lock, int keep_shards,
                uint64_t *bytes_before, uint64_t *bytes_after,
                size_t *shards_before, size_t *shards_after, char **err);

int idx_rebuild(const char *dbpath, const idx_callbacks *cb,
                const idx_options *opt, const char *const *paths,
                size_t n_paths, idx_stats *stats, char **err);

/* Index a file or, recursively, a folder. Bad files are reported through
 * on_error and counted; they never stop the run. Returns IDX_OK, or an error
 * for the database itself (the run cannot go on). Commits periodically so
 * memory stays bounded. */
int idx_add_path(idx_indexer *ix, const char *path, char **err);

/* Drop the reports whose source file no longer exists (or is no longer a
 * regular file). */
int idx_prune(idx_indexer *ix, char **err);

/* Commit what is pending (atomic: on failure the index stays at its last
 * commit). */
int idx_commit(idx_indexer *ix, char **err);

const idx_stats *idx_get_stats(const idx_indexer *ix);

/* Commit and close; returns the commit's status. The handle is freed
 * whatever it returns. */
int idx_close(idx_indexer *ix, char **err);

/* The report id of a source path (absolute path hashed): 12 hex digits and
 * a NUL into `out`. Shared with the searcher so `show FILE` finds it. */
void idx_report_id(const char *abs_path, char out[13]);

/* The value of `key` in a stored report record ("key=value" lines), as a
 * malloc'd string, or NULL if absent. */
char *idx_record_field(const char *data, size_t len, const char *key);

#endif /* INSEARCH_INDEXER_H */
