/*
 * engine.c — group commit, the log writer thread, apply, recovery.
 *
 * Three batch buffers rotate: one open (collecting commands), and up to two
 * in flight (one being written and synced by the writer thread, one durable
 * and waiting to be applied). The open batch is closed whenever the writer
 * is idle, so commands that arrive during an fdatasync share the next one.
 * Batches are applied strictly in sequence order, and only once durable.
 * Snapshots and the background scrub are in engine_snapshot.c; what both
 * files share (struct sz_engine) is in engine_internal.h.
 */
#include "engine/engine_internal.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/limits.h"
#include "core/vm.h"
#include "log/snapshot.h"
#include "log/verify.h"
#include "log/wal.h"

#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- writer thread ---------------------------------------------------------- */

static struct batch *oldest_queued(struct sz_engine *e)
{
	SZ_ASSERT(e->fifo_count <= BATCH_BUFFER_COUNT);
	for (uint32_t i = 0; i < e->fifo_count; i++)
		if (e->batches[e->fifo[i]].status == BATCH_QUEUED) {
			SZ_ASSERT(e->fifo[i] < BATCH_BUFFER_COUNT);
			return &e->batches[e->fifo[i]];
		}
	return NULL;
}

static uint32_t fsync_bucket(uint64_t ns)
{
	static const uint64_t bounds_us[] = SZ_FSYNC_BUCKET_BOUNDS_US;
	_Static_assert(sizeof bounds_us / sizeof bounds_us[0] + 1 == SZ_FSYNC_BUCKET_COUNT, "bucket count");
	uint32_t b = 0;
	while (b < SZ_FSYNC_BUCKET_COUNT - 1 && ns > bounds_us[b] * 1000)
		b++;
	SZ_ASSERT(b < SZ_FSYNC_BUCKET_COUNT);
	SZ_ASSERT(b == 0 || ns > bounds_us[b - 1] * 1000);
	return b;
}

/* Runs on the second thread (writer, or the replay reader): pages ahead of
 * the growing state arrays are faulted in there, so the engine thread does
 * not pay for the kernel zeroing them (each domain says what it grows). */
static void populate_ahead(void *ctx)
{
	struct sz_engine *e = ctx;
	SZ_ASSERT(e != NULL);
	if (!e->config.populate_off)
		sz_state_populate_ahead(&e->state);
}

/* The log writer thread: write and sync each queued batch in order, mark
 * it durable and wake the engine; then (off the acknowledgement path)
 * fault in pages ahead of the state arrays. */
static void *writer_main(void *arg)
{
	struct sz_engine *e = arg;
	SZ_ASSERT(e->writer != NULL);
	SZ_ASSERT(e->event_fd >= 0);
	pthread_mutex_lock(&e->lock);
	for (;;) {
		struct batch *b = NULL;
		while (!e->stop && (b = oldest_queued(e)) == NULL)
			pthread_cond_wait(&e->wake, &e->lock);
		if (e->stop)
			break;
		pthread_mutex_unlock(&e->lock);

		struct wal_batch_header *h = (struct wal_batch_header *)b->data;
		memcpy(h->prev_hash, e->writer_head, 32);
		uint64_t t0 = engine_monotonic_ns();
		int rc = wal_append(e->writer, b->segment, b->offset, b->data, WAL_BATCH_HEADER_SIZE + b->body_size);
		uint64_t sync_ns = engine_monotonic_ns() - t0;
		if (rc == 0)
			memcpy(e->writer_head, h->header_hash, 32);

		pthread_mutex_lock(&e->lock);
		SZ_ASSERT(b->status == BATCH_QUEUED);
		b->status = rc == 0 ? BATCH_DURABLE : BATCH_FAILED;
		e->stats.fsync_count++;
		e->stats.fsync_ns_total += sync_ns;
		e->stats.fsync_ns_last = sync_ns;
		e->stats.fsync_buckets[fsync_bucket(sync_ns)]++;
		uint64_t one = 1;
		ssize_t n = write(e->event_fd, &one, sizeof one);
		SZ_ASSERT(n == sizeof one);
		if (rc != 0)
			break; /* never write after a failure: the engine is fatal */
		/* Acknowledged batches no longer wait for page faults: populate
		 * after marking durable, while the engine applies. */
		pthread_mutex_unlock(&e->lock);
		populate_ahead(e);
		pthread_mutex_lock(&e->lock);
	}
	pthread_mutex_unlock(&e->lock);
	return NULL;
}

/* ---- batches ------------------------------------------------------------------ */

static int batch_alloc(struct batch *b)
{
	SZ_ASSERT(b->data == NULL && b->callbacks == NULL);
	SZ_ASSERT(b->status == BATCH_FREE);
	b->data = malloc(WAL_BATCH_HEADER_SIZE + SZ_BATCH_BODY_SIZE_MAX);
	b->callbacks = malloc(SZ_BATCH_COMMAND_COUNT_MAX * sizeof b->callbacks[0]);
	return b->data && b->callbacks ? 0 : SZ_ENOMEM;
}

static void batch_reset(struct batch *b)
{
	SZ_ASSERT(b->data != NULL);
	SZ_ASSERT(b->status != BATCH_QUEUED); /* never while the writer may take it */
	b->body_size = 0;
	b->count = 0;
	b->callback_count = 0;
	b->status = BATCH_FREE;
}

static bool writer_busy(struct sz_engine *e)
{
	SZ_ASSERT(e != NULL);
	pthread_mutex_lock(&e->lock);
	bool busy = oldest_queued(e) != NULL;
	SZ_ASSERT(!busy || e->fifo_count > 0);
	pthread_mutex_unlock(&e->lock);
	return busy;
}

/* Stamp time and position, hand the open batch to the writer. */
static void batch_close(struct sz_engine *e)
{
	SZ_ASSERT(e->open != UINT32_MAX);
	struct batch *b = &e->batches[e->open];
	SZ_ASSERT(b->count > 0 && e->fifo_count < BATCH_BUFFER_COUNT);
	uint64_t t = engine_batch_clock_ns(e);
	if (t < e->next_time_ns_min)
		t = e->next_time_ns_min;
	uint32_t size = WAL_BATCH_HEADER_SIZE + b->body_size;
	if (e->offset + size > e->config.segment_size) {
		e->segment++;
		e->offset = WAL_SEGMENT_HEADER_SIZE;
	}
	SZ_ASSERT(e->segment < SZ_SEGMENT_COUNT_MAX);
	struct wal_batch_header *h = (struct wal_batch_header *)b->data;
	memset(h, 0, sizeof *h);
	h->sequence = e->next_sequence++;
	h->batch_time_ns = t;
	h->results_sequence = e->results_sequence;
	memcpy(h->results_hash, e->results_hash, 32);
	h->command_count = b->count;
	h->body_size = b->body_size;
	uint8_t *p = b->data + WAL_BATCH_HEADER_SIZE;
	for (uint32_t i = 0; i < b->count; i++) {
		sz_command_header *c = (sz_command_header *)p;
		if (c->kind == SZ_CMD_CREATE_TRANSFER)
			((sz_transfer *)(c + 1))->timestamp = t + i;
		else if (c->kind == SZ_CMD_CREATE_ACCOUNT)
			((sz_account *)(c + 1))->timestamp = t + i;
		p += c->size;
	}
	SZ_ASSERT(p == b->data + WAL_BATCH_HEADER_SIZE + b->body_size); /* envelopes were validated at submit */
	b->segment = e->segment;
	b->offset = e->offset;
	e->offset += size;
	SZ_ASSERT(e->offset <= e->config.segment_size);
	e->next_time_ns_min = t + b->count;

	pthread_mutex_lock(&e->lock);
	b->status = BATCH_QUEUED;
	e->fifo[e->fifo_count++] = e->open;
	pthread_cond_signal(&e->wake);
	pthread_mutex_unlock(&e->lock);
	e->open = UINT32_MAX;
}

static int batch_open(struct sz_engine *e)
{
	if (e->open != UINT32_MAX) {
		SZ_ASSERT(e->batches[e->open].status == BATCH_OPEN);
		return 0;
	}
	int rc = SZ_EBUSY;
	pthread_mutex_lock(&e->lock); /* statuses of buffers in flight change on the writer thread */
	for (uint32_t i = 0; i < BATCH_BUFFER_COUNT && rc != 0; i++) {
		if (e->batches[i].status == BATCH_FREE) {
			batch_reset(&e->batches[i]);
			e->batches[i].status = BATCH_OPEN;
			e->open = i;
			rc = 0;
		}
	}
	pthread_mutex_unlock(&e->lock);
	SZ_ASSERT(rc != 0 || e->open < BATCH_BUFFER_COUNT);
	return rc;
}

/* Check the envelope of every command; engine-set fields must be zero; a
 * linked chain must end inside the submission (else it would swallow the
 * next submitter's commands in the same batch). */
static int validate_commands(const uint8_t *p, uint32_t size, uint32_t count)
{
	SZ_ASSERT(p != NULL || size == 0);
	SZ_ASSERT(count > 0 && count <= SZ_BATCH_COMMAND_COUNT_MAX);
	uint32_t offset = 0;
	bool linked = false;
	for (uint32_t i = 0; i < count; i++) {
		if (offset + sizeof(sz_command_header) > size)
			return SZ_EINVAL;
		sz_command_header c;
		memcpy(&c, p + offset, sizeof c);
		if (c.size < sizeof c || c.size % 8 != 0 || c.size > SZ_COMMAND_SIZE_MAX || c.size > size - offset ||
		    c.reserved != 0)
			return SZ_EINVAL;
		if (c.kind == SZ_CMD_CREATE_TRANSFER && c.size == sizeof c + sizeof(sz_transfer) &&
		    ((const sz_transfer *)(p + offset + sizeof c))->timestamp != 0)
			return SZ_EINVAL;
		if (c.kind == SZ_CMD_CREATE_ACCOUNT && c.size == sizeof c + sizeof(sz_account) &&
		    ((const sz_account *)(p + offset + sizeof c))->timestamp != 0)
			return SZ_EINVAL;
		linked = sz_command_links_onward((const sz_command_header *)(p + offset));
		offset += c.size;
	}
	if (offset != size)
		return SZ_EINVAL;
	return linked ? SZ_ELINKED : 0;
}

int sz_engine_submit(struct sz_engine *e, const void *commands, uint32_t size, uint32_t count,
		     sz_engine_done_fn done, void *ctx)
{
	SZ_ASSERT(e != NULL);
	SZ_ASSERT(commands != NULL || size == 0);
	if (e->fatal)
		return SZ_EFATAL;
	if (count == 0 || count > SZ_BATCH_COMMAND_COUNT_MAX || size > SZ_BATCH_BODY_SIZE_MAX)
		return count == 0 ? SZ_EINVAL : SZ_ELIMIT;
	int rc = validate_commands(commands, size, count);
	if (rc != 0)
		return rc;
	if ((rc = batch_open(e)) != 0)
		return rc;
	struct batch *b = &e->batches[e->open];
	if (b->count + count > SZ_BATCH_COMMAND_COUNT_MAX || b->body_size + size > SZ_BATCH_BODY_SIZE_MAX) {
		batch_close(e);
		if ((rc = batch_open(e)) != 0)
			return rc;
		b = &e->batches[e->open];
	}
	memcpy(b->data + WAL_BATCH_HEADER_SIZE + b->body_size, commands, size);
	b->callbacks[b->callback_count++] = (struct batch_callback){ done, ctx, b->count, count };
	b->body_size += size;
	b->count += count;
	SZ_ASSERT(b->count <= SZ_BATCH_COMMAND_COUNT_MAX && b->body_size <= SZ_BATCH_BODY_SIZE_MAX);
	SZ_ASSERT(b->callback_count <= b->count);
	return 0;
}

int sz_engine_flush(struct sz_engine *e)
{
	SZ_ASSERT(e != NULL);
	if (e->fatal)
		return SZ_EFATAL;
	if (e->open != UINT32_MAX && e->batches[e->open].count > 0 && e->fifo_count < BATCH_BUFFER_COUNT)
		batch_close(e);
	SZ_ASSERT(e->fifo_count <= BATCH_BUFFER_COUNT);
	return 0;
}

/* ---- apply ---------------------------------------------------------------------- */

static void check_invariants(struct sz_engine *e)
{
	SZ_ASSERT(e->config.check_invariants);
	char why[256];
	if (sz_state_check_invariants(&e->state, why, sizeof why) != 0) {
		fprintf(stderr, "szfin: invariant violated after batch %llu: %s\n",
			(unsigned long long)e->state.sequence, why);
		SZ_ASSERT(!"invariant violated");
	}
}

static void apply_batch(struct sz_engine *e, struct batch *b)
{
	const struct wal_batch_header *h = (const struct wal_batch_header *)b->data;
	SZ_ASSERT(h->sequence == e->state.sequence + 1);
	SZ_ASSERT(b->count == h->command_count && b->count > 0);
	uint64_t body_pos = ((uint64_t)b->segment << 40) | (b->offset + WAL_BATCH_HEADER_SIZE);
	/* Where the batch lies, for checked reads; without it a read walks
	 * the segment's headers once (slower, as correct). */
	(void)wal_reader_note(e->reader, body_pos, b->body_size);
	sz_state_apply_batch(&e->state, h->sequence, h->batch_time_ns, b->data + WAL_BATCH_HEADER_SIZE,
			     b->body_size, b->count, body_pos, e->results);
	e->results_sequence = h->sequence;
	sz_blake2b(e->results_hash, e->results, b->count * sizeof e->results[0]);
	if (e->config.check_invariants)
		check_invariants(e);
	for (uint32_t i = 0; i < b->callback_count; i++) {
		struct batch_callback *c = &b->callbacks[i];
		if (c->done)
			c->done(c->ctx, e->results + c->first, c->count);
	}
	e->stats.batches_applied++;
	e->stats.commands_applied += b->count;
	memcpy(e->stats.head_hash, h->header_hash, 32);
	uint32_t every = e->config.snapshot_every_batches;
	if (every && h->sequence % every == 0 && e->snapshot_pid == 0)
		engine_snapshot_start(e, b);
}

/* Reset the wakeup eventfd (non-blocking: nothing to read is fine). Every
 * poll drains it before it looks at the batches, so an event loop that
 * waits on the fd sleeps once nothing is left, instead of finding it
 * readable forever after a batch that was already durable when looked at. */
static void drain_event(struct sz_engine *e)
{
	SZ_ASSERT(e->event_fd >= 0);
	uint64_t value;
	ssize_t r = read(e->event_fd, &value, sizeof value);
	SZ_ASSERT(r == sizeof value || (r < 0 && (errno == EAGAIN || errno == EINTR)));
}

static int wait_event(struct sz_engine *e, int timeout_ms)
{
	SZ_ASSERT(e->event_fd >= 0);
	SZ_ASSERT(timeout_ms >= -1);
	struct pollfd p = { .fd = e->event_fd, .events = POLLIN };
	int n = poll(&p, 1, timeout_ms);
	if (n > 0)
		drain_event(e);
	return n;
}

/* Timed effects without traffic: when the earliest deadline of the state has
 * passed on an idle engine, commit a batch holding one tick command, stamped
 * with the engine's time like any other batch. */
static void tick_if_due(struct sz_engine *e)
{
	if (e->fifo_count != 0 || (e->open != UINT32_MAX && e->batches[e->open].count > 0))
		return;
	uint64_t t = engine_batch_clock_ns(e);
	if (t < sz_state_next_deadline_ns(&e->state) || t < e->tick_last_ns + SZ_TICK_INTERVAL_MS_MIN * 1000000ull)
		return;
	const sz_command_header tick = { .size = sizeof tick, .kind = SZ_CMD_TICK };
	if (sz_engine_submit(e, &tick, sizeof tick, 1, NULL, NULL) == 0) {
		e->tick_last_ns = t;
		sz_engine_flush(e);
	}
}

int sz_engine_poll(struct sz_engine *e, int timeout_ms)
{
	SZ_ASSERT(e != NULL);
	SZ_ASSERT(timeout_ms >= -1);
	drain_event(e);
	engine_scrub_poll(e);
	if (e->fatal)
		return SZ_EFATAL;
	tick_if_due(e);
	if (e->open != UINT32_MAX && e->batches[e->open].count > 0 && !writer_busy(e))
		sz_engine_flush(e);
	if (e->fifo_count == 0)
		return 0;
	int applied = 0;
	for (;;) {
		pthread_mutex_lock(&e->lock);
		enum batch_status status = e->batches[e->fifo[0]].status;
		pthread_mutex_unlock(&e->lock);
		if (status == BATCH_FAILED) {
			e->fatal = true;
			e->stats.fatal = true;
			fprintf(stderr, "szfin: log write or fsync failed; engine stopped, nothing more is acknowledged\n");
			return SZ_EFATAL;
		}
		if (status == BATCH_DURABLE) {
			struct batch *b = &e->batches[e->fifo[0]];
			/* Capacity for the batch's worst case, before applying it: no
			 * result may depend on the host's memory, so failing to grow
			 * stops the engine like a failed fsync. */
			if (sz_state_reserve(&e->state, b->count) != 0) {
				e->fatal = true;
				e->stats.fatal = true;
				fprintf(stderr, "szfin: cannot reserve memory for the next batch; engine stopped before applying it\n");
				return SZ_EFATAL;
			}
			apply_batch(e, b);
			/* The writer scans the fifo under the lock: change it only under it. */
			pthread_mutex_lock(&e->lock);
			batch_reset(b);
			memmove(e->fifo, e->fifo + 1, (e->fifo_count - 1) * sizeof e->fifo[0]);
			e->fifo_count--;
			pthread_mutex_unlock(&e->lock);
			applied++;
			if (e->open != UINT32_MAX && e->batches[e->open].count > 0 && !writer_busy(e))
				sz_engine_flush(e);
			if (e->fifo_count == 0)
				break;
			continue;
		}
		if (applied > 0 || wait_event(e, timeout_ms) <= 0)
			break;
	}
	engine_snapshot_reap(e, false);
	return applied;
}

int sz_engine_wakeup_fd(const struct sz_engine *e)
{
	SZ_ASSERT(e != NULL);
	SZ_ASSERT(e->event_fd >= 0);
	return e->event_fd;
}

struct execute_wait {
	uint32_t *results;
	bool done;
};

static void execute_done(void *ctx, const uint32_t *results, uint32_t count)
{
	struct execute_wait *w = ctx;
	SZ_ASSERT(!w->done); /* one completion per submission */
	SZ_ASSERT(count > 0 && results != NULL);
	memcpy(w->results, results, count * sizeof results[0]);
	w->done = true;
}

int sz_engine_execute(struct sz_engine *e, const void *commands, uint32_t size, uint32_t count, uint32_t *results)
{
	SZ_ASSERT(e != NULL);
	SZ_ASSERT(results != NULL || count == 0); /* count 0 is refused by submit */
	struct execute_wait w = { .results = results };
	int rc;
	while ((rc = sz_engine_submit(e, commands, size, count, execute_done, &w)) == SZ_EBUSY)
		if ((rc = sz_engine_poll(e, -1)) < 0)
			return rc;
	if (rc != 0)
		return rc;
	sz_engine_flush(e);
	while (!w.done)
		if ((rc = sz_engine_poll(e, -1)) < 0)
			return rc;
	return 0;
}

const struct sz_state *sz_engine_state(const struct sz_engine *e)
{
	SZ_ASSERT(e != NULL);
	SZ_ASSERT(e->state.sequence < e->next_sequence); /* applied never passes closed */
	return &e->state;
}

int sz_engine_read_transfer(const struct sz_engine *engine, uint64_t log_pos, sz_transfer *out)
{
	struct sz_engine *e = (struct sz_engine *)engine; /* only the read cache changes */
	SZ_ASSERT(e != NULL && out != NULL);
	uint32_t segment = (uint32_t)(log_pos >> 40) & 0xfffffu;
	if (segment == 0) /* made by a domain: the ledger keeps the record */
		return sz_state_kept_record(&e->state, log_pos & ((1ull << 60) - 1), out, sizeof *out);
	char why[512];
	int rc = wal_reader_read(e->reader, log_pos & ((1ull << 60) - 1), out, sizeof *out, why, sizeof why);
	if (rc == SZ_ECORRUPT)
		fprintf(stderr, "szfin: refused to read a damaged log record: %s\n", why);
	SZ_ASSERT(rc != 0 || out->timestamp != 0); /* the engine stamps every transfer it logs */
	return rc;
}

void sz_engine_stats(const struct sz_engine *engine, struct sz_engine_stats *out)
{
	struct sz_engine *e = (struct sz_engine *)engine; /* the writer updates fsync figures under the lock */
	SZ_ASSERT(e != NULL && out != NULL);
	pthread_mutex_lock(&e->lock);
	*out = e->stats;
	pthread_mutex_unlock(&e->lock);
	out->sequence = e->state.sequence;
	out->batch_time_ns = e->state.batch_time_ns;
	out->fatal = e->fatal;
	out->log_read_corrupt_count = wal_reader_corrupt_count(e->reader);
	SZ_ASSERT(out->scrub_failed_count <= out->scrub_count);
}

/* ---- open, recover, close ---------------------------------------------------------- */

/* Outcomes of the last few replayed batches: a header records the outcome
 * of a batch at most BATCH_BUFFER_COUNT before it. */
#define REPLAY_OUTCOME_COUNT 8u
_Static_assert(REPLAY_OUTCOME_COUNT > BATCH_BUFFER_COUNT, "outcome ring covers the pipeline");

struct replay {
	struct sz_engine *e;
	uint64_t outcome_sequence[REPLAY_OUTCOME_COUNT];
	uint8_t outcome_hash[REPLAY_OUTCOME_COUNT][32];
	uint64_t check_sequences[SNAPSHOT_LIST_MAX]; /* verify_replay: digests to compare */
	int check_count;
	uint64_t checked_until_ns;   /* when the first batch after the snapshot arrived */
	char *why;
	size_t why_size;
};

/* Compare the state digest with snapshot `sequence`'s (verify_replay). */
static int check_snapshot_digest(struct replay *r, uint64_t sequence)
{
	struct sz_engine *e = r->e;
	SZ_ASSERT(e->config.verify_replay);
	SZ_ASSERT(e->state.sequence == sequence);
	struct sz_snapshot_info info;
	uint8_t digest[32];
	sz_state_digest(&e->state, digest);
	if (sz_snapshot_read_info(e->st, e->data_dir, sequence, &info) == 0 && memcmp(digest, info.state_digest, 32) != 0) {
		snprintf(r->why, r->why_size, "replay diverged: state digest after batch %llu differs from its snapshot",
			 (unsigned long long)sequence);
		return SZ_ECORRUPT;
	}
	return 0;
}

/* Every batch of the scan comes here: those the snapshot covers were only
 * checked (and noted for reads); the rest are applied. */
static int replay_batch(void *ctx, const struct wal_batch_header *h, const uint8_t *body, uint64_t body_pos)
{
	struct replay *r = ctx;
	struct sz_engine *e = r->e;
	SZ_ASSERT(h->command_count > 0 && h->command_count <= SZ_BATCH_COMMAND_COUNT_MAX);
	if (wal_reader_note(e->reader, body_pos, h->body_size) != 0)
		return SZ_ENOMEM;
	if (h->sequence <= e->state.sequence)
		return 0;
	SZ_ASSERT(h->sequence == e->state.sequence + 1);
	if (r->checked_until_ns == 0)
		r->checked_until_ns = engine_monotonic_ns();
	if (sz_state_reserve(&e->state, h->command_count) != 0) {
		snprintf(r->why, r->why_size, "cannot reserve memory to replay batch %llu", (unsigned long long)h->sequence);
		return SZ_ENOMEM;
	}
	sz_state_apply_batch(&e->state, h->sequence, h->batch_time_ns, body, h->body_size, h->command_count,
			     body_pos, e->results);
	uint32_t slot = (uint32_t)(h->sequence % REPLAY_OUTCOME_COUNT);
	r->outcome_sequence[slot] = h->sequence;
	sz_blake2b(r->outcome_hash[slot], e->results, h->command_count * sizeof e->results[0]);
	e->results_sequence = h->sequence;
	memcpy(e->results_hash, r->outcome_hash[slot], 32);
	/* This header records the outcome of an earlier batch when it was first
	 * applied; if that batch was replayed here, the outcomes must agree. */
	uint32_t earlier = (uint32_t)(h->results_sequence % REPLAY_OUTCOME_COUNT);
	if (h->results_sequence != 0 && r->outcome_sequence[earlier] == h->results_sequence &&
	    memcmp(r->outcome_hash[earlier], h->results_hash, 32) != 0) {
		snprintf(r->why, r->why_size, "replay diverged: the results of batch %llu differ from those recorded "
			 "when it was first applied (other code or data files?)", (unsigned long long)h->results_sequence);
		return SZ_ECORRUPT;
	}
	if (e->config.check_invariants)
		check_invariants(e);
	for (int i = 0; i < r->check_count; i++)
		if (r->check_sequences[i] == h->sequence && check_snapshot_digest(r, h->sequence) != 0)
			return SZ_ECORRUPT;
	e->stats.replayed_batches++;
	SZ_ASSERT(e->state.sequence == h->sequence);
	return 0;
}

/* The data directory and its subdirectories, 0700; each new entry synced. */
static int make_dirs(struct sz_engine *e)
{
	static const char *subs[] = { "", "/log", "/snapshots" };
	SZ_ASSERT(e->st != NULL);
	SZ_ASSERT(e->data_dir[0] != 0);
	for (int i = 0; i < 3; i++) {
		char path[PATH_SIZE_MAX], parent[PATH_SIZE_MAX];
		snprintf(path, sizeof path, "%s%s", e->data_dir, subs[i]);
		if (e->st->ops->mkdir(e->st, path) != 0)
			return SZ_EIO;
		sz_storage_parent(path, parent, sizeof parent);
		if (e->st->ops->sync_dir(e->st, parent) != 0)
			return SZ_EIO;
	}
	return 0;
}

/* The domains of a fresh state: the configured set, or every registered one. */
int engine_register_domains(struct sz_engine *e)
{
	e->state.data_dir = e->config.storage == NULL ? e->data_dir : NULL; /* the ledger's disk tier: real files */
	e->state.hot_window_count = e->config.hot_window_count;
	return e->config.register_domains ? e->config.register_domains(&e->state) : sz_state_register_domains(&e->state);
}

/* Where the log continues once recovery is done (result of the last scan). */
static void resume_at(struct sz_engine *e, const struct wal_scan_result *result)
{
	SZ_ASSERT(e->state.sequence == result->last_sequence || result->batch_count == 0);
	if (result->torn_tail)
		fprintf(stderr, "szfin: repaired a torn last batch in segment %u at offset %llu (never acknowledged)\n",
			result->torn_segment, (unsigned long long)result->torn_offset);
	if (result->batch_count > 0)
		memcpy(e->stats.head_hash, result->head_hash, 32);
	memcpy(e->writer_head, e->stats.head_hash, 32);
	e->next_sequence = e->state.sequence + 1;
	e->next_time_ns_min = e->state.batch_time_ns + 1;
	e->segment = result->end_segment ? result->end_segment : 1;
	e->offset = result->end_offset ? result->end_offset : WAL_SEGMENT_HEADER_SIZE;
}

/* The one-pass recovery: check the log from its first retained segment (all
 * of it, the part the snapshot covers too), anchored at the snapshot's
 * batch, and replay what comes after the snapshot. Used for verify_replay,
 * without snapshots, and when the newest snapshot is not the one loaded. */
static int recover_in_one_pass(struct sz_engine *e, const struct sz_snapshot_info *snap, char *why, size_t why_size)
{
	struct wal_scan_start start = { .sequence = 1 };
	struct replay r = { .e = e, .why = why, .why_size = why_size };
	if (e->config.verify_replay && (r.check_count = sz_snapshot_list(e->st, e->data_dir, r.check_sequences,
									 SNAPSHOT_LIST_MAX)) < 0)
		return r.check_count;
	uint64_t loaded_ns = engine_monotonic_ns();
	if (snap->sequence != 0) {
		start.from_first_retained = true;
		start.anchor_sequence = snap->sequence;
		memcpy(start.anchor_hash, snap->head_hash, 32);
		start.anchor_log_pos = snap->next_log_pos;
	}
	struct wal_scan_result result;
	int rc = wal_scan_pipelined(e->st, e->data_dir, &start, replay_batch, &r, &result, populate_ahead, e);
	uint64_t end_ns = engine_monotonic_ns();
	e->stats.log_check_ns = (r.checked_until_ns ? r.checked_until_ns : end_ns) - loaded_ns;
	if (rc == SZ_ECORRUPT && why[0] == 0)
		snprintf(why, why_size, "%s", result.why);
	if (rc != 0)
		return rc;
	SZ_ASSERT(e->state.sequence == result.last_sequence);
	SZ_ASSERT(snap->sequence == 0 || result.anchor_reached);
	resume_at(e, &result);
	return 0;
}

/* After the chain link at the snapshot's batch checked out: replay from just
 * after it (anchor: that batch's verified header). */
static int replay_tail(struct sz_engine *e, const struct sz_snapshot_info *snap, const struct wal_batch_header *anchor,
		       char *why, size_t why_size)
{
	SZ_ASSERT(anchor->sequence == snap->sequence && e->state.sequence == snap->sequence);
	SZ_ASSERT(memcmp(anchor->header_hash, snap->head_hash, 32) == 0);
	struct wal_scan_start start = { .sequence = e->state.sequence + 1, .segment = (uint32_t)(snap->next_log_pos >> 40),
					.offset = snap->next_log_pos & ((1ull << 40) - 1),
					.batch_time_ns_min = anchor->batch_time_ns + anchor->command_count };
	memcpy(start.prev_hash, snap->head_hash, 32);
	struct replay r = { .e = e, .why = why, .why_size = why_size };
	struct wal_scan_result result;
	int rc = wal_scan_pipelined(e->st, e->data_dir, &start, replay_batch, &r, &result, populate_ahead, e);
	if (rc == SZ_ECORRUPT && why[0] == 0)
		snprintf(why, why_size, "%s", result.why);
	if (rc != 0)
		return rc;
	SZ_ASSERT(e->state.sequence == result.last_sequence);
	resume_at(e, &result);
	e->covered_sequence = snap->sequence;
	return 0;
}

/* Recovery: load the newest snapshot that verifies, check the chain link at
 * its batch (that batch, read and verified, has the header hash and end
 * position the snapshot recorded), then check and replay the tail after it.
 * The log the snapshot covers is checked by the start-up scrub once open
 * (engine_snapshot.c; damage stops the engine), and until then, as always,
 * a record read from it is served only from a batch verified at that read.
 * Without a link (no snapshot, verify_replay, the batch missing, damaged or
 * other than recorded) recovery checks the whole log in one pass, which
 * names the damage. */
static int recover(struct sz_engine *e, char *why, size_t why_size)
{
	struct sz_snapshot_info snap = { 0 };
	uint64_t t0 = engine_monotonic_ns();
	int rc = e->config.verify_replay ? 0 : engine_snapshot_load(e, &snap, why, why_size);
	uint64_t t1 = engine_monotonic_ns();
	e->stats.snapshot_load_ns = snap.sequence != 0 ? t1 - t0 : 0;
	e->stats.snapshot_load_bytes = snap.file_size;
	if (rc != 0)
		return rc;
	struct wal_batch_header anchor;
	char link_why[512];
	if (snap.sequence != 0 &&
	    wal_reader_batch_ending_at(e->reader, snap.next_log_pos, &anchor, link_why, sizeof link_why) == 0 &&
	    anchor.sequence == snap.sequence && memcmp(anchor.header_hash, snap.head_hash, 32) == 0) {
		e->stats.log_check_ns = engine_monotonic_ns() - t1; /* the link; the tail is checked as it replays */
		return replay_tail(e, &snap, &anchor, why, why_size);
	}
	/* Start the position notes and counts afresh: the one-pass scan notes every batch. */
	wal_reader_close(e->reader);
	e->reader = NULL;
	if ((rc = wal_reader_open(&e->reader, e->st, e->data_dir)) != 0)
		return rc;
	return recover_in_one_pass(e, &snap, why, why_size);
}

static void engine_free(struct sz_engine *e)
{
	SZ_ASSERT(e != NULL);
	SZ_ASSERT(!e->scrub_running);
	sz_state_release(&e->state);
	wal_writer_close(e->writer);
	wal_reader_close(e->reader);
	for (uint32_t i = 0; i < BATCH_BUFFER_COUNT; i++) {
		free(e->batches[i].data);
		free(e->batches[i].callbacks);
	}
	free(e->results);
	free(e);
}

int sz_engine_open(struct sz_engine **out, const struct sz_engine_config *cfg, char *why, size_t why_size)
{
	SZ_ASSERT(out != NULL && cfg != NULL);
	SZ_ASSERT(why != NULL && why_size > 0);
	why[0] = 0;
	uint64_t t0 = engine_monotonic_ns();
	if (sz_hash_init() != 0)
		return SZ_EIO;
	struct sz_engine *e = calloc(1, sizeof *e);
	if (e == NULL)
		return SZ_ENOMEM;
	e->config = *cfg;
	e->st = cfg->storage ? cfg->storage : sz_storage_posix();
	if (e->config.segment_size == 0)
		e->config.segment_size = SZ_SEGMENT_SIZE_DEFAULT;
	snprintf(e->data_dir, sizeof e->data_dir, "%s", cfg->data_dir);
	e->open = UINT32_MAX;
	e->event_fd = -1;
	pthread_mutex_init(&e->lock, NULL);
	pthread_cond_init(&e->wake, NULL);
	int rc = make_dirs(e);
	for (uint32_t i = 0; i < BATCH_BUFFER_COUNT && rc == 0; i++)
		rc = batch_alloc(&e->batches[i]);
	e->results = malloc(SZ_BATCH_COMMAND_COUNT_MAX * sizeof e->results[0]);
	if (rc == 0 && e->results == NULL)
		rc = SZ_ENOMEM;
	if (rc == 0)
		rc = wal_reader_open(&e->reader, e->st, e->data_dir);
	if (rc == 0)
		rc = sz_state_init(&e->state);
	if (rc == 0)
		rc = engine_register_domains(e);
	if (rc == 0)
		rc = recover(e, why, why_size);
	e->stats.replay_ns = engine_monotonic_ns() - t0; /* all of recovery: state set-up, snapshot load, check, replay */
	if (rc == 0 && e->covered_sequence != 0) /* the log the snapshot covers, checked while serving */
		rc = engine_scrub_start(e, e->covered_sequence, true);
	if (rc == 0)
		rc = wal_writer_open(&e->writer, e->st, e->data_dir, e->config.segment_size);
	if (rc == 0) {
		wal_writer_inject(e->writer, cfg->fail_write_at, cfg->fail_fsync_at);
		e->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (e->event_fd < 0 || pthread_create(&e->thread, NULL, writer_main, e) != 0)
			rc = SZ_EIO;
	}
	if (rc != 0) {
		if (why[0] == 0)
			snprintf(why, why_size, "%s: %s", e->data_dir, sz_strerror(rc));
		if (e->event_fd >= 0)
			close(e->event_fd);
		engine_scrub_stop(e);
		engine_free(e);
		return rc;
	}
	e->scrub_next_ns = engine_monotonic_ns() + (uint64_t)cfg->scrub_every_s * 1000000000ull;
	SZ_ASSERT(e->next_sequence == e->state.sequence + 1);
	*out = e;
	return 0;
}

int sz_engine_close(struct sz_engine *e)
{
	SZ_ASSERT(e != NULL);
	int rc = 0;
	while (!e->fatal && (e->fifo_count > 0 || (e->open != UINT32_MAX && e->batches[e->open].count > 0)))
		if (sz_engine_poll(e, -1) < 0)
			rc = SZ_EFATAL;
	engine_snapshot_reap(e, true);
	engine_scrub_stop(e);
	if (!e->fatal && e->state.sequence > 0 && !e->config.verify_replay)
		rc = sz_engine_snapshot(e);
	if (e->fatal)
		rc = SZ_EFATAL;
	pthread_mutex_lock(&e->lock);
	e->stop = true;
	pthread_cond_signal(&e->wake);
	pthread_mutex_unlock(&e->lock);
	pthread_join(e->thread, NULL);
	SZ_ASSERT(e->fatal || e->fifo_count == 0); /* drained */
	close(e->event_fd);
	engine_free(e);
	return rc;
}
