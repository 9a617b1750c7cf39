/*
 * engine_internal.h — what engine.c and engine_snapshot.c share, and nothing
 * outside src/engine/ includes: the engine's pipeline state (struct
 * sz_engine, the batch buffers), its clocks, and the calls between the
 * group-commit/recovery half (engine.c) and the snapshot/scrub half
 * (engine_snapshot.c). The public contract is engine.h.
 * Never: a domain, the api or the cli reaching into struct sz_engine.
 */
#ifndef SZ_ENGINE_INTERNAL_H
#define SZ_ENGINE_INTERNAL_H

#include "engine/engine.h"
#include "core/assert.h"
#include "log/snapshot.h"
#include "log/verify.h"
#include "log/wal.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define BATCH_BUFFER_COUNT (SZ_PIPELINE_DEPTH + 1u)
#define SNAPSHOT_KEEP_COUNT 2
#define SNAPSHOT_LIST_MAX 64
#define PATH_SIZE_MAX 4096

enum batch_status { BATCH_FREE, BATCH_OPEN, BATCH_QUEUED, BATCH_DURABLE, BATCH_FAILED };

struct batch_callback {
	sz_engine_done_fn done;
	void *ctx;
	uint32_t first;
	uint32_t count;
};

struct batch {
	uint8_t *data; /* wal_batch_header + body */
	uint32_t body_size;
	uint32_t count;
	struct batch_callback *callbacks;
	uint32_t callback_count;
	uint32_t segment;
	uint64_t offset;
	enum batch_status status; /* guarded by engine.lock while in the fifo */
};

struct sz_engine {
	struct sz_engine_config config;
	const struct sz_storage *st;
	char data_dir[PATH_SIZE_MAX];
	struct sz_state state;
	struct wal_writer *writer;

	struct batch batches[BATCH_BUFFER_COUNT];
	uint32_t open;              /* index of the open batch or UINT32_MAX */
	uint32_t fifo[BATCH_BUFFER_COUNT]; /* in flight, oldest first; guarded by lock */
	uint32_t fifo_count;

	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	int event_fd;
	uint8_t writer_head[32];    /* writer thread only: hash of last written batch */

	uint64_t next_sequence;
	uint64_t next_time_ns_min;
	uint32_t segment;           /* next write position */
	uint64_t offset;

	struct wal_reader *reader;  /* checked record reads (sz_engine_read_transfer) */
	/* Background scrub: a thread running sz_log_check over what was durable
	 * when it began; it sets scrub_done (under lock) and poll joins it. */
	pthread_t scrub_thread;
	bool scrub_running;
	bool scrub_done;            /* guarded by lock */
	int scrub_rc;               /* guarded by lock */
	uint64_t scrub_sequence_max;
	struct sz_log_check scrub_check; /* written by the scrub thread only while running */
	uint64_t scrub_next_ns;     /* monotonic time of the next periodic scrub */
	_Atomic bool scrub_cancel;  /* set at close: a running scrub stops (not a failure) */
	bool scrub_covering;        /* the start-up check of what the snapshot covers: damage stops the engine */
	uint64_t covered_sequence;  /* recovery: the snapshot's batch, whose log before it that check covers */
	uint64_t tick_last_ns;      /* when the last tick batch was submitted */
	uint64_t results_sequence;  /* last applied batch, and the hash of its */
	uint8_t results_hash[32];   /* result codes: recorded in the next header */
	pid_t snapshot_pid;
	uint64_t snapshot_sequence;
	bool fatal;
	uint32_t *results;
	struct sz_engine_stats stats;
};

static inline uint64_t engine_now_ns(void)
{
	struct timespec ts;
	int rc = clock_gettime(CLOCK_REALTIME, &ts);
	SZ_ASSERT(rc == 0);
	SZ_ASSERT(ts.tv_sec >= 0);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The clock that stamps batches and decides timed effects: the wall clock,
 * moved by clock_offset_ns in tests only (engine.h). */
static inline uint64_t engine_batch_clock_ns(const struct sz_engine *e)
{
	SZ_ASSERT(e != NULL);
	return engine_now_ns() + e->config.clock_offset_ns;
}

static inline uint64_t engine_monotonic_ns(void)
{
	struct timespec ts;
	int rc = clock_gettime(CLOCK_MONOTONIC, &ts);
	SZ_ASSERT(rc == 0);
	SZ_ASSERT(ts.tv_sec >= 0);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The domains of a fresh state: the configured set, or every registered one. */
int engine_register_domains(struct sz_engine *e);

/* ---- engine_snapshot.c ---- */

/* After applying batch b: write a snapshot of the state at it (a forked
 * child, or in this process under a test storage). */
void engine_snapshot_start(struct sz_engine *e, const struct batch *b);
/* Join a finished snapshot child (wait: until it finishes); prune on success. */
void engine_snapshot_reap(struct sz_engine *e, bool wait);
/* Load the newest snapshot that verifies into the fresh state (falling back
 * to older ones, then to none: *loaded zeroed). 0 or SZ_E*. */
int engine_snapshot_load(struct sz_engine *e, struct sz_snapshot_info *loaded, char *why, size_t why_size);
/* Start a background scrub of the retained log up to batch sequence_max;
 * covering: the start-up check (damage found stops the engine). */
int engine_scrub_start(struct sz_engine *e, uint64_t sequence_max, bool covering);
/* Join a finished background scrub and record it; start a periodic one if due. */
void engine_scrub_poll(struct sz_engine *e);
/* Wait for a running scrub to finish. */
void engine_scrub_stop(struct sz_engine *e);

#endif
