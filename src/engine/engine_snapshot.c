/*
 * engine_snapshot.c — the engine's snapshots and its background scrub.
 *
 * Snapshots: written every N batches by a forked child (a copy-on-write view
 * of the state at a batch boundary) or on request between batches, pruned
 * to the newest SNAPSHOT_KEEP_COUNT with the log segments only older ones
 * needed moved to archive/, and at open the newest one that verifies is
 * loaded (older ones, then none, as fallbacks). The scrub: a thread running
 * the offline log check over what was durable when it began. Both share the
 * pipeline's state with engine.c through engine_internal.h.
 */
#include "engine/engine_internal.h"
#include "core/errors.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- snapshots -------------------------------------------------------------------- */

static int write_sections(void *ctx, struct sz_snap *f)
{
	SZ_ASSERT(ctx != NULL);
	SZ_ASSERT(f != NULL && f->error == 0);
	return sz_state_snapshot_write(ctx, f);
}

static int read_sections(void *ctx, struct sz_snap *f)
{
	SZ_ASSERT(ctx != NULL);
	SZ_ASSERT(f != NULL && f->error == 0);
	return sz_state_snapshot_read(ctx, f);
}

static void snapshot_prune(struct sz_engine *e);

void engine_snapshot_start(struct sz_engine *e, const struct batch *b)
{
	const struct wal_batch_header *h = (const struct wal_batch_header *)b->data;
	struct sz_snapshot_info info = {
		.sequence = e->state.sequence,
		.batch_time_ns = e->state.batch_time_ns,
		.next_log_pos = ((uint64_t)b->segment << 40) | (b->offset + WAL_BATCH_HEADER_SIZE + b->body_size),
	};
	memcpy(info.head_hash, h->header_hash, 32);
	SZ_ASSERT(e->snapshot_pid == 0);
	SZ_ASSERT(info.sequence == h->sequence);
	if (e->config.storage != NULL) { /* a test storage lives in this process's memory */
		sz_state_digest(&e->state, info.state_digest);
		if (sz_snapshot_write(e->st, e->data_dir, &info, write_sections, &e->state) == 0)
			snapshot_prune(e);
		return;
	}
	pid_t pid = fork();
	if (pid == 0) { /* child: a copy-on-write view of the state at this batch */
		sz_state_digest(&e->state, info.state_digest);
		_exit(sz_snapshot_write(e->st, e->data_dir, &info, write_sections, &e->state) == 0 ? 0 : 1);
	}
	if (pid > 0) {
		e->snapshot_pid = pid;
		e->snapshot_sequence = info.sequence;
	}
}

/* ---- background scrub ----------------------------------------------------------- */

static void *scrub_main(void *arg)
{
	struct sz_engine *e = arg;
	SZ_ASSERT(e->scrub_running);
	int rc = sz_log_check_until(e->st, e->data_dir, true, e->scrub_sequence_max, &e->scrub_cancel, &e->scrub_check);
	pthread_mutex_lock(&e->lock);
	SZ_ASSERT(!e->scrub_done);
	e->scrub_rc = rc;
	e->scrub_done = true;
	pthread_mutex_unlock(&e->lock);
	return NULL;
}

int engine_scrub_start(struct sz_engine *e, uint64_t sequence_max, bool covering)
{
	SZ_ASSERT(!e->scrub_running);
	SZ_ASSERT(sequence_max > 0 && sequence_max <= e->state.sequence);
	e->scrub_sequence_max = sequence_max;
	e->scrub_covering = covering;
	e->scrub_done = false;
	atomic_store(&e->scrub_cancel, false);
	e->scrub_running = true;
	if (pthread_create(&e->scrub_thread, NULL, scrub_main, e) != 0) {
		e->scrub_running = false;
		return SZ_ENOMEM;
	}
	return 0;
}

int sz_engine_scrub(struct sz_engine *e)
{
	SZ_ASSERT(e != NULL);
	if (e->fatal)
		return SZ_EFATAL;
	if (e->scrub_running || e->state.sequence == 0)
		return 0;
	/* Only what is durable and applied: the writer may be appending after it. */
	return engine_scrub_start(e, e->state.sequence, false);
}

/* A scrub finished (joined): count it; damage found by the start-up check
 * stops the engine, as a refusal to start would have. */
static void scrub_record(struct sz_engine *e)
{
	SZ_ASSERT(!e->scrub_running && e->scrub_done);
	if (e->scrub_rc == SZ_ESTATE && atomic_load(&e->scrub_cancel))
		return; /* cancelled at close: no verdict */
	bool ok = e->scrub_rc == 0;
	if (e->scrub_rc == SZ_ECORRUPT)
		fprintf(stderr, "szfin: scrub: " SZ_LOG_DAMAGED_FORMAT "\n", e->scrub_check.why);
	else if (!ok)
		fprintf(stderr, "szfin: scrub: cannot check the log: %s\n", sz_strerror(e->scrub_rc));
	if (!ok && e->scrub_covering) {
		e->fatal = true;
		e->stats.fatal = true;
		fprintf(stderr, "szfin: the start-up check of the log the snapshot covers failed (above); engine stopped, "
			"nothing more is acknowledged; run szfin verify\n");
	}
	pthread_mutex_lock(&e->lock);
	e->stats.scrub_count++;
	e->stats.scrub_failed_count += !ok;
	e->stats.scrub_last_ok = ok;
	e->stats.scrub_last_time_ns = engine_now_ns();
	e->stats.scrub_last_batches = e->scrub_check.batch_count;
	pthread_mutex_unlock(&e->lock);
}

/* Join a finished scrub and record its outcome; start a periodic one if due. */
void engine_scrub_poll(struct sz_engine *e)
{
	SZ_ASSERT(e != NULL);
	SZ_ASSERT(e->scrub_running || !e->scrub_done || e->stats.scrub_count > 0 || e->covered_sequence > 0);
	if (e->scrub_running) {
		pthread_mutex_lock(&e->lock);
		bool done = e->scrub_done;
		pthread_mutex_unlock(&e->lock);
		if (!done)
			return;
		pthread_join(e->scrub_thread, NULL);
		e->scrub_running = false;
		scrub_record(e);
	}
	if (e->config.scrub_every_s == 0 || e->fatal)
		return;
	uint64_t now = engine_monotonic_ns();
	if (now >= e->scrub_next_ns) {
		e->scrub_next_ns = now + (uint64_t)e->config.scrub_every_s * 1000000000ull;
		(void)sz_engine_scrub(e); /* a thread that cannot start is tried again next period */
	}
}

/* At close: a running scrub is cancelled and joined (a finished one recorded). */
void engine_scrub_stop(struct sz_engine *e)
{
	SZ_ASSERT(e != NULL);
	if (!e->scrub_running)
		return;
	atomic_store(&e->scrub_cancel, true);
	pthread_join(e->scrub_thread, NULL);
	e->scrub_running = false;
	SZ_ASSERT(e->scrub_done);
	scrub_record(e);
}

/* ---- snapshots -------------------------------------------------------------------- */

/* Keep the newest SNAPSHOT_KEEP_COUNT snapshots; archive log segments that
 * only the removed ones needed (never the segment holding the oldest kept
 * snapshot's batch, so that start can check that batch's hash). */
static void snapshot_prune(struct sz_engine *e)
{
	uint64_t seqs[SNAPSHOT_LIST_MAX];
	int n = sz_snapshot_list(e->st, e->data_dir, seqs, SNAPSHOT_LIST_MAX);
	SZ_ASSERT(n <= SNAPSHOT_LIST_MAX);
	for (int i = SNAPSHOT_KEEP_COUNT; i < n; i++)
		(void)sz_snapshot_remove(e->st, e->data_dir, seqs[i]); /* one left behind is removed next time */
	struct sz_snapshot_info oldest;
	if (n < SNAPSHOT_KEEP_COUNT || sz_snapshot_read_info(e->st, e->data_dir, seqs[SNAPSHOT_KEEP_COUNT - 1], &oldest))
		return;
	uint32_t segment = (uint32_t)(oldest.next_log_pos >> 40);
	if ((oldest.next_log_pos & ((1ull << 40) - 1)) == WAL_SEGMENT_HEADER_SIZE && segment > 1)
		segment--; /* the position is the start of the next segment: the batch is in the one before */
	SZ_ASSERT(segment <= e->segment);
	(void)wal_archive_before(e->st, e->data_dir, segment);
}

void engine_snapshot_reap(struct sz_engine *e, bool wait)
{
	if (e->snapshot_pid == 0)
		return;
	SZ_ASSERT(e->snapshot_pid > 0);
	int status;
	pid_t r = waitpid(e->snapshot_pid, &status, wait ? 0 : WNOHANG);
	if (r == 0)
		return;
	e->snapshot_pid = 0;
	SZ_ASSERT(r > 0 || errno == ECHILD || errno == EINTR);
	if (r > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		snapshot_prune(e);
	else
		fprintf(stderr, "szfin: snapshot at batch %llu failed; the log still holds everything\n",
			(unsigned long long)e->snapshot_sequence);
}

int sz_engine_snapshot(struct sz_engine *e)
{
	SZ_ASSERT(e != NULL);
	if (e->fatal)
		return SZ_EFATAL;
	if (e->state.sequence == 0)
		return 0;
	engine_snapshot_reap(e, true);
	struct sz_snapshot_info info = {
		.sequence = e->state.sequence,
		.batch_time_ns = e->state.batch_time_ns,
		.next_log_pos = ((uint64_t)e->segment << 40) | e->offset,
	};
	SZ_ASSERT(e->fifo_count == 0); /* only between batches, after draining */
	memcpy(info.head_hash, e->stats.head_hash, 32);
	sz_state_digest(&e->state, info.state_digest);
	int rc = sz_snapshot_write(e->st, e->data_dir, &info, write_sections, &e->state);
	if (rc == 0)
		snapshot_prune(e);
	return rc;
}

/* Load the newest snapshot that verifies. A damaged snapshot (checksum,
 * digest) falls back to an older one or to the log start. A snapshot that is
 * intact but that a domain refuses (SZ_ESTATE: the server lacks data it was
 * built with, e.g. different factor files) stops the start: replaying the log
 * instead would silently compute a different state. */
int engine_snapshot_load(struct sz_engine *e, struct sz_snapshot_info *loaded, char *why, size_t why_size)
{
	SZ_ASSERT(e->state.sequence == 0); /* a fresh state */
	uint64_t seqs[SNAPSHOT_LIST_MAX];
	int n = sz_snapshot_list(e->st, e->data_dir, seqs, SNAPSHOT_LIST_MAX);
	if (n < 0)
		return n; /* never "no snapshot": the log start may have been archived */
	SZ_ASSERT(n <= SNAPSHOT_LIST_MAX);
	for (int i = 0; i < n; i++) {
		struct sz_snapshot_info info;
		int rc = sz_snapshot_load(e->st, e->data_dir, seqs[i], read_sections, &e->state, &info, why, why_size);
		uint8_t digest[32];
		if (rc == 0) {
			e->state.sequence = info.sequence;
			e->state.batch_time_ns = info.batch_time_ns;
			sz_state_digest(&e->state, digest);
			if (memcmp(digest, info.state_digest, 32) != 0) {
				rc = SZ_ECORRUPT;
				snprintf(why, why_size, "snapshot %llu: state digest differs from the one it recorded",
					 (unsigned long long)seqs[i]);
			}
		}
		if (rc == 0) {
			*loaded = info;
			memcpy(e->stats.head_hash, info.head_hash, 32);
			return 0;
		}
		if (rc == SZ_ESTATE || rc == SZ_ENOMEM || rc == SZ_EIO)
			return rc; /* a domain refuses it, or the disk fails: never fall back silently */
		fprintf(stderr, "szfin: skipping snapshot: %s\n", why);
		why[0] = 0;
		sz_state_release(&e->state);
		if ((rc = sz_state_init(&e->state)) != 0 || (rc = engine_register_domains(e)) != 0)
			return rc;
	}
	memset(loaded, 0, sizeof *loaded);
	return 0;
}

