/*
 * wal_pipeline.c — wal_scan with reading and checksumming on a second thread.
 *
 * Recovery is bounded by applying commands; reading a batch and hashing its
 * body can happen meanwhile. A reader thread runs wal_scan and copies each
 * validated batch into one of WAL_PIPELINE_SLOT_COUNT slots; the calling
 * thread takes them in order and runs fn. If fn fails, the reader stops at
 * its next batch. The result is the same as wal_scan's, in the same order.
 */
#include "log/wal.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define WAL_PIPELINE_SLOT_COUNT 3u

struct slot {
	struct wal_batch_header header;
	uint64_t body_pos;
	uint8_t *body;
};

struct pipeline {
	void (*reader_idle)(void *idle_ctx);
	void *idle_ctx;
	const struct sz_storage *st;
	const char *dir;
	const struct wal_scan_start *start;
	struct wal_scan_result *result;
	int scan_rc;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct slot slots[WAL_PIPELINE_SLOT_COUNT];
	uint64_t produced;   /* batches copied into slots */
	uint64_t consumed;   /* batches taken by fn */
	bool scan_done;
	bool consumer_failed;
	/* Who sleeps on `changed`: the other side signals only then, so small
	 * batches do not cost a wake-up (a futex call) each. */
	bool reader_waiting, consumer_waiting;
};

static int produce(void *ctx, const struct wal_batch_header *h, const uint8_t *body, uint64_t body_pos)
{
	struct pipeline *p = ctx;
	SZ_ASSERT(h->body_size <= SZ_BATCH_BODY_SIZE_MAX);
	pthread_mutex_lock(&p->lock);
	SZ_ASSERT(p->produced >= p->consumed);
	while (p->produced - p->consumed == WAL_PIPELINE_SLOT_COUNT && !p->consumer_failed) {
		p->reader_waiting = true;
		pthread_cond_wait(&p->changed, &p->lock);
		p->reader_waiting = false;
	}
	bool failed = p->consumer_failed;
	pthread_mutex_unlock(&p->lock);
	if (failed)
		return SZ_ESTATE;
	struct slot *s = &p->slots[p->produced % WAL_PIPELINE_SLOT_COUNT];
	s->header = *h;
	s->body_pos = body_pos;
	memcpy(s->body, body, h->body_size);
	pthread_mutex_lock(&p->lock);
	p->produced++;
	SZ_ASSERT(p->produced - p->consumed <= WAL_PIPELINE_SLOT_COUNT);
	if (p->consumer_waiting)
		pthread_cond_signal(&p->changed);
	pthread_mutex_unlock(&p->lock);
	if (p->reader_idle)
		p->reader_idle(p->idle_ctx);
	return 0;
}

static void *reader_main(void *arg)
{
	struct pipeline *p = arg;
	SZ_ASSERT(p->start != NULL);
	int rc = wal_scan(p->st, p->dir, p->start, true, produce, p, p->result);
	pthread_mutex_lock(&p->lock);
	SZ_ASSERT(!p->scan_done);
	p->scan_rc = rc;
	p->scan_done = true;
	pthread_cond_signal(&p->changed);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int wal_scan_pipelined(const struct sz_storage *st, const char *data_dir, const struct wal_scan_start *start,
		       wal_batch_fn fn, void *ctx, struct wal_scan_result *result,
		       void (*reader_idle)(void *idle_ctx), void *idle_ctx)
{
	SZ_ASSERT(st != NULL && fn != NULL);
	SZ_ASSERT(start != NULL && result != NULL);
	struct pipeline p = { .reader_idle = reader_idle, .idle_ctx = idle_ctx, .st = st, .dir = data_dir,
			      .start = start, .result = result };
	int rc = 0;
	for (uint32_t i = 0; i < WAL_PIPELINE_SLOT_COUNT; i++)
		if ((p.slots[i].body = malloc(SZ_BATCH_BODY_SIZE_MAX)) == NULL)
			rc = SZ_ENOMEM;
	pthread_t reader;
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.changed, NULL);
	if (rc == 0 && pthread_create(&reader, NULL, reader_main, &p) != 0)
		rc = SZ_ENOMEM;
	while (rc == 0) {
		pthread_mutex_lock(&p.lock);
		while (p.produced == p.consumed && !p.scan_done) {
			p.consumer_waiting = true;
			pthread_cond_wait(&p.changed, &p.lock);
			p.consumer_waiting = false;
		}
		bool empty = p.produced == p.consumed;
		pthread_mutex_unlock(&p.lock);
		if (empty)
			break; /* scan finished and everything consumed */
		struct slot *s = &p.slots[p.consumed % WAL_PIPELINE_SLOT_COUNT];
		int fn_rc = fn(ctx, &s->header, s->body, s->body_pos);
		pthread_mutex_lock(&p.lock);
		p.consumed++;
		p.consumer_failed = fn_rc != 0;
		if (p.reader_waiting || p.consumer_failed)
			pthread_cond_signal(&p.changed);
		pthread_mutex_unlock(&p.lock);
		if (fn_rc != 0) {
			pthread_join(reader, NULL);
			rc = fn_rc;
			goto done;
		}
	}
	if (rc == 0) {
		pthread_join(reader, NULL);
		rc = p.scan_rc;
	}
done:
	SZ_ASSERT(rc != 0 || p.consumed == p.produced);
	for (uint32_t i = 0; i < WAL_PIPELINE_SLOT_COUNT; i++)
		free(p.slots[i].body);
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.changed);
	return rc;
}
