/*
 * tier.h — the disk tier of transfer slots: checksummed index runs.
 *
 * Owns: run files (tier/run-<lo>-<hi>.idx in the data directory), each the
 * slots of one range of slot numbers that were final (not open pending, not
 * domain-made) when the range left the hot window, sorted by id; per run in
 * RAM a blocked bloom filter, the first id of every block and every block's
 * checksum (about 1.6 bytes per cold transfer); the builder thread that sorts,
 * writes and fsyncs a run off the engine thread; lookups by id that read one
 * block and check it before use.
 * Never: serve a record whose block fails its checksum (the run is marked
 * damaged, its file removed, and the caller rebuilds it from the log); be
 * called from inside apply (lookups do I/O: the ledger resolves a batch's
 * cold ids before the apply bracket, ledger.h); hold the only copy of
 * anything (runs are a cache of what the log and snapshots say).
 */
#ifndef SZ_LEDGER_TIER_H
#define SZ_LEDGER_TIER_H

#include "szfin/szfin.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* Records per checked block: one pread of 3 KiB answers a positive lookup. */
#define SZ_TIER_BLOCK_RECORD_COUNT 64u
/* Bloom filter bits per cold transfer (blocked, one cache line per id,
 * SZ_TIER_BLOOM_PROBE_COUNT bits): about 1% false positives. */
#define SZ_TIER_BLOOM_BITS_PER_RECORD 10u
#define SZ_TIER_BLOOM_PROBE_COUNT 7u
/* Runs the tier holds: every new id probes each run's filter, so runs are
 * large (SZ_TIER_RUN_SLOT_COUNT_DEFAULT slots) and this bound is generous. */
#define SZ_TIER_RUN_COUNT_MAX 65536u
/* Slots per run when the hot window is large; small windows make small runs
 * (a quarter of the window) so that tests exercise the tier in seconds. */
#define SZ_TIER_RUN_SLOT_COUNT_DEFAULT (1u << 20)
/* Bytes of a run file path. */
#define SZ_TIER_PATH_SIZE 4096u

/* One record of a run: a slot as the ledger keeps it (struct ledger_slot,
 * 40 bytes, copied byte for byte) and its slot number. */
struct tier_record {
	uint8_t slot[40];
	uint64_t slot_number;
};
_Static_assert(sizeof(struct tier_record) == 48, "tier record is 48 bytes");

/* Generation filters: one blocked bloom filter over the runs of
 * SZ_TIER_GENERATION_RUN_COUNT consecutive ranges, so that a new id probes
 * one line per generation, not one per run; the runs' own filters are read
 * only when a generation admits the id. */
#define SZ_TIER_GENERATION_RUN_COUNT 64u

struct tier_generation {
	uint64_t *bloom;             /* NULL until its first run arrives */
	uint32_t bloom_line_count;
};

struct tier_run {
	uint32_t slot_lo, slot_hi;   /* slot numbers [lo, hi) the run covers */
	uint32_t record_count;       /* records in it (the final slots of the range) */
	uint32_t block_count;
	int fd;                      /* open read-only; -1 once damaged (then its lookups fail) */
	uint64_t *bloom;             /* bloom_line_count lines of 8 words */
	uint32_t bloom_line_count;
	sz_id *fences;               /* first id of each block */
	uint64_t *block_sums;        /* checksum of each block */
	uint64_t *map_sums;          /* checksum of each chunk of the slot map (1024 slots) */
};

/* A run being built: the records (unsorted), the range, the result. */
struct tier_job {
	struct tier_record *records;
	uint32_t record_count;
	uint32_t slot_lo, slot_hi;
	int rc;                      /* of the build */
	struct tier_run run;         /* the built run, on success */
};

struct tier {
	char dir[SZ_TIER_PATH_SIZE];
	struct tier_run *runs;       /* in slot order, oldest first */
	uint32_t run_count;
	uint64_t record_count;       /* over every run */
	uint32_t run_slot_count;     /* slots per run (tier_open): generations span 64 of them */
	struct tier_generation *generations;
	uint32_t generation_count;
	uint64_t disk_reads;         /* statistics: blocks read by lookups */
	uint64_t bloom_false_positive_count;
	/* The builder thread: one job at a time, handed over under the lock. */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct tier_job *job;        /* submitted, not yet finished */
	struct tier_job *done;       /* finished, not yet collected */
	bool thread_started;
	bool stopping;
};

/* Open the tier in dir (created if missing) for runs of run_slot_count
 * slots. Runs already there are not loaded yet: tier_adopt does that once
 * the state they index is known. Files of another run size and temporaries
 * of an interrupted build are removed. */
int tier_open(struct tier *t, const char *dir, uint32_t run_slot_count);
/* Stop the builder (waiting for a job in flight), close and free. */
void tier_close(struct tier *t);

/* Load the run file for [slot_lo, slot_hi) if present: read it whole, check
 * every block and the trailer, build its filter. For each record, check(ctx,
 * record) must return true (the caller compares it with what the log says);
 * otherwise, or if the file is damaged, it is removed and SZ_ECORRUPT
 * returned (the caller rebuilds). SZ_ENOTFOUND if there is no such file. */
int tier_adopt(struct tier *t, uint32_t slot_lo, uint32_t slot_hi,
	       bool (*check)(void *ctx, const struct tier_record *r), void *ctx);
/* Read run index (of t->runs) whole, every block checked, and call each for
 * every record (snapshots). 0, SZ_ECORRUPT (a block or each refused), SZ_EIO. */
int tier_read_run(const struct tier *t, uint32_t index, bool (*each)(void *ctx, const struct tier_record *r),
		  void *ctx);
/* Names of run files present: calls found(ctx, lo, hi) for each, in no order. */
int tier_list(const struct tier *t, void (*found)(void *ctx, uint32_t lo, uint32_t hi), void *ctx);

/* Build a run synchronously (the builder thread calls this; tests too):
 * sort, write to a temporary file, fsync, rename, fsync the directory. */
int tier_build(const char *dir, struct tier_job *job);
/* Hand a job to the builder thread (the tier takes the records array).
 * SZ_EBUSY if one is in flight. */
int tier_submit(struct tier *t, struct tier_job *job);
/* The finished job, if any (NULL otherwise); on success its run is now the
 * tier's newest. The caller frees the job (tier_job_free). */
struct tier_job *tier_collect(struct tier *t);
/* Wait until no job is in flight. */
void tier_wait(struct tier *t);
void tier_job_free(struct tier_job *job);

/* Find id: 1 and *out if present, 0 if not, SZ_ECORRUPT if the block that
 * would hold it failed its check or its run was found damaged before (never
 * wrong data, never "absent" for what a damaged run may hold; the run's file
 * is removed and its range reported in *damaged_lo/hi), SZ_EIO. */
int tier_find(struct tier *t, sz_id id, struct tier_record *out, uint32_t *damaged_lo, uint32_t *damaged_hi);
/* The record of slot number slot (account history): 1 and *out, 0 if no
 * run holds it (not cold, or pinned in RAM), SZ_ECORRUPT (map chunk or block
 * failed its check; the run is then marked damaged), SZ_EIO. */
int tier_find_slot(struct tier *t, uint32_t slot, struct tier_record *out);
/* Does any run's filter admit id? (No I/O; false means certainly absent.) */
bool tier_may_contain(const struct tier *t, sz_id id);

/* RAM the tier holds for its runs (filters, fences, block sums), bytes. */
uint64_t tier_memory_bytes(const struct tier *t);

#endif
