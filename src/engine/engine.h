/*
 * engine.h — the single-threaded, deterministic state machine and its log.
 *
 * Owns: batching of commands (group commit), stamping batch time, handing
 * closed batches to the log writer thread, applying durable batches to the
 * state in order, replying, recovery (snapshot + replay), snapshots.
 *
 * Threads: every function here is called from one thread, the engine thread
 * (the server's event loop). The only other thread is the log writer inside
 * the engine, which writes and fdatasyncs; it never touches state.
 *
 * Order of effects for every batch: write -> fdatasync -> apply -> done
 * callbacks. A done callback therefore never runs before its batch is on
 * disk. A failed write or fsync makes the engine fatal: it stops applying and
 * acknowledging, and every later call returns SZ_EFATAL.
 */
#ifndef SZ_ENGINE_H
#define SZ_ENGINE_H

#include "engine/state.h"
#include "log/storage.h"
#include "szfin/szfin.h"

#include <stdbool.h>
#include <stdint.h>

struct sz_engine;

struct sz_engine_config {
	const char *data_dir;            /* created if missing */
	uint64_t segment_size;           /* 0 = SZ_SEGMENT_SIZE_DEFAULT */
	uint32_t snapshot_every_batches; /* 0 = only on request and at close */
	bool verify_replay;              /* recover from the log start and compare
	                                    digests at every recorded snapshot;
	                                    close then writes no snapshot */
	bool check_invariants;           /* assert invariants after every batch (tests) */
	int (*register_domains)(struct sz_state *s); /* NULL = sz_state_register_domains (the built-in registry) */
	/* Where the log and snapshots live: NULL = the real file system. With
	 * any other storage, snapshots are written by the engine thread itself
	 * (a forked child could not reach the storage's memory). */
	const struct sz_storage *storage;
	uint32_t scrub_every_s;          /* background scrub of the log every N s; 0 = on request */
	uint32_t hot_window_count;       /* transfers kept in RAM; older final ones move to index runs
	                                    in data_dir/tier (ledger.h); 0 = keep every transfer in RAM */
	bool populate_off;               /* never fault state pages in ahead (simulations that open
	                                    an engine thousands of times; speed only, no effect on state) */
	/* Fault injection for tests: fail the Nth write or fsync (1-based, 0 = never). */
	uint32_t fail_write_at;
	uint32_t fail_fsync_at;
	/* Tests only: added to the wall clock that stamps batches, so that an
	 * end-to-end test can cross China-time days (0 in production). */
	uint64_t clock_offset_ns;
};

/* Called on the engine thread once the commands are durable and applied.
 * results[i] is the enum sz_result (or domain result) of command i. */
typedef void (*sz_engine_done_fn)(void *ctx, const uint32_t *results, uint32_t count);

/* Open (and recover) the data directory: check the log's chain from its
 * first retained segment to the head (the part a snapshot covers too), load
 * the newest intact snapshot, refuse a log that does not reach the
 * snapshot's batch with the head hash it recorded, replay the rest. On
 * corruption, returns SZ_ECORRUPT and writes a message naming file and
 * offset to why. */
int sz_engine_open(struct sz_engine **out, const struct sz_engine_config *cfg,
		   char *why, size_t why_size);

/* Drain everything in flight, write a snapshot, stop the writer, free. */
int sz_engine_close(struct sz_engine *e);

/*
 * Submit count commands (size bytes, each an sz_command_header + body) to be
 * committed together in one batch: a linked chain must be submitted in one
 * call. The bytes are copied. Returns 0, SZ_EINVAL (malformed envelope, a
 * non-zero engine-set field), SZ_ELINKED (the last command is linked: a
 * chain must end within its submission), SZ_ELIMIT (the group can never fit a batch),
 * SZ_EBUSY (all batch buffers in flight: call sz_engine_poll and retry), or
 * SZ_EFATAL.
 */
int sz_engine_submit(struct sz_engine *e, const void *commands, uint32_t size,
		     uint32_t count, sz_engine_done_fn done, void *ctx);

/* Close the open batch and hand it to the writer if the pipeline has room.
 * Without a flush, a batch closes when it is full. */
int sz_engine_flush(struct sz_engine *e);

/* Apply batches that became durable and run their callbacks. Waits up to
 * timeout_ms (-1 = until at least one batch completes, 0 = no wait). Returns
 * the number of batches applied, or SZ_EFATAL. Also flushes the open batch
 * whenever the writer is idle, so callers need not call flush. */
int sz_engine_poll(struct sz_engine *e, int timeout_ms);

/* Readable whenever a batch became durable (eventfd), for the event loop. */
int sz_engine_wakeup_fd(const struct sz_engine *e);

/* Submit, then poll until these commands complete. results has count entries. */
int sz_engine_execute(struct sz_engine *e, const void *commands, uint32_t size,
		      uint32_t count, uint32_t *results);

/* The state, read-only between polls (queries run on the engine thread). */
const struct sz_state *sz_engine_state(const struct sz_engine *e);

/* Write a snapshot now (in a forked child; the engine continues). */
int sz_engine_snapshot(struct sz_engine *e);

/* Read the stored record of a transfer (by slot's log position; status
 * bits above the position are ignored), from a batch whose checksums were
 * verified (a few verified batches are cached). SZ_ECORRUPT if its batch
 * fails the check (counted in stats.log_read_corrupt_count; never wrong
 * data), SZ_ENOTFOUND, SZ_EIO. */
int sz_engine_read_transfer(const struct sz_engine *e, uint64_t log_pos, sz_transfer *out);

/* Start a background scrub (the check `szfin verify` makes, of what is
 * durable now) unless one is running. Its outcome lands in the stats. */
int sz_engine_scrub(struct sz_engine *e);

/* Upper bounds (µs) of the fdatasync latency histogram; one more bucket
 * counts everything slower. */
#define SZ_FSYNC_BUCKET_BOUNDS_US { 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 100000, 1000000 }
#define SZ_FSYNC_BUCKET_COUNT 11u

struct sz_engine_stats {
	uint64_t sequence;            /* last applied batch */
	uint64_t batch_time_ns;       /* of the last applied batch */
	uint64_t batches_applied;
	uint64_t commands_applied;
	uint64_t fsync_count;
	uint64_t fsync_ns_total;
	uint64_t fsync_ns_last;
	uint64_t fsync_buckets[SZ_FSYNC_BUCKET_COUNT]; /* non-cumulative counts */
	uint64_t replayed_batches;    /* at open */
	uint64_t replay_ns;           /* at open: all of recovery (state set-up, snapshot load, log check, replay) */
	uint64_t log_check_ns;        /* at open: of that, the chain link at the snapshot's batch (or the one-pass check) */
	uint64_t snapshot_load_ns;    /* at open: of replay_ns, verifying and loading the snapshot (0: none) */
	uint64_t snapshot_load_bytes; /* at open: the size of the snapshot file loaded (0: none) */
	uint64_t log_read_corrupt_count; /* record reads refused: their batch failed its checksums */
	uint64_t scrub_count;         /* background scrubs finished */
	uint64_t scrub_failed_count;  /* of those, how many found damage */
	bool scrub_last_ok;
	uint64_t scrub_last_time_ns;  /* wall clock when the last one finished; 0 = never */
	uint64_t scrub_last_batches;  /* batches the last one checked */
	bool fatal;
	uint8_t head_hash[32];
};
void sz_engine_stats(const struct sz_engine *e, struct sz_engine_stats *out);

#endif
