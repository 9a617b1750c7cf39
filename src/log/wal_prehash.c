/*
 * wal_prehash.c — a second thread that BLAKE2b-hashes every other batch body
 * of a log scan ahead of it, so that checking a long log uses both cores.
 *
 * The helper walks the same segments as wal_scan, from the same start, by
 * batch headers whose own checksum holds (their body_size can then be
 * trusted), and stops a segment at the first header that does not. For
 * every batch it walks it publishes the header it read, in log order, and
 * for every second one also the body it read and its hash. wal_scan still
 * runs every check itself, in order; it takes a body and hash from here only
 * for a batch at the same position whose header (read by the scan itself)
 * is byte-identical, and then checks exactly those bytes; else it reads and
 * hashes the body itself. So the helper can only save work (reading and
 * hashing half the bodies), never change what is accepted or refused. It reads real
 * files only (the POSIX storage), never a storage that counts or injects.
 */
#include "log/wal_prehash.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/limits.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PREHASH_RING_COUNT 8u
#define PREHASH_PATH_SIZE_MAX 4096

struct prehash_entry {
	uint64_t pos;              /* segment << 40 | offset of the batch header */
	struct wal_batch_header header;
	bool hashed;               /* body holds the body, body_hash its hash */
	uint8_t body_hash[32];
	uint8_t *body;             /* one largest body (the entry's own buffer) */
};

struct wal_prehash {
	const struct sz_storage *st;
	const char *dir;
	uint32_t segment;          /* where the walk starts */
	uint64_t offset;
	uint32_t last_segment;
	uint64_t sequence_max;     /* 0 = none */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct prehash_entry ring[PREHASH_RING_COUNT];
	uint64_t produced;
	uint64_t consumed;
	bool held;                 /* the scan uses ring[consumed]'s body until its next call */
	bool done;                 /* the helper walked all it will */
	bool stop;                 /* the scan is over: the helper quits */
	bool helper_waiting, scan_waiting;
};

static uint64_t pos_of(uint32_t segment, uint64_t offset)
{
	SZ_ASSERT(segment > 0);
	SZ_ASSERT(offset < (1ull << 40));
	return (uint64_t)segment << 40 | offset;
}

/* Wait for room in the ring: the entry to fill, or NULL if the scan is over. */
static struct prehash_entry *next_entry(struct wal_prehash *p)
{
	SZ_ASSERT(p != NULL);
	pthread_mutex_lock(&p->lock);
	SZ_ASSERT(p->produced >= p->consumed);
	while (p->produced - p->consumed == PREHASH_RING_COUNT && !p->stop) {
		p->helper_waiting = true;
		pthread_cond_wait(&p->changed, &p->lock);
		p->helper_waiting = false;
	}
	struct prehash_entry *e = p->stop ? NULL : &p->ring[p->produced % PREHASH_RING_COUNT];
	pthread_mutex_unlock(&p->lock);
	return e;
}

/* The entry next_entry gave is filled: hand it to the scan. */
static void publish(struct wal_prehash *p)
{
	SZ_ASSERT(p != NULL);
	pthread_mutex_lock(&p->lock);
	SZ_ASSERT(p->produced - p->consumed < PREHASH_RING_COUNT);
	p->produced++;
	if (p->scan_waiting)
		pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

static bool header_holds(const struct wal_batch_header *h, uint64_t offset, uint64_t file_size)
{
	SZ_ASSERT(h != NULL);
	SZ_ASSERT(offset >= WAL_SEGMENT_HEADER_SIZE);
	if (h->magic != WAL_BATCH_MAGIC || h->body_size > SZ_BATCH_BODY_SIZE_MAX ||
	    offset + WAL_BATCH_HEADER_SIZE + h->body_size > file_size)
		return false;
	uint8_t hash[32];
	wal_batch_header_hash(hash, h);
	return memcmp(hash, h->header_hash, 32) == 0;
}

/* Walk one segment from offset; *count numbers the batches walked so far
 * (odd ones are hashed). False once the scan is over or the sequence limit passed. */
static bool walk_segment(struct wal_prehash *p, uint32_t segment, uint64_t offset, uint64_t *count)
{
	SZ_ASSERT(segment > 0 && segment <= p->last_segment);
	SZ_ASSERT(offset >= WAL_SEGMENT_HEADER_SIZE);
	char path[PREHASH_PATH_SIZE_MAX];
	int fd = -1;
	if (wal_segment_path(p->st, p->dir, segment, path, sizeof path) != 0 ||
	    p->st->ops->open(p->st, path, SZ_STORAGE_READ, &fd) != 0)
		return true; /* the scan itself finds and reports what is wrong */
	uint64_t file_size = 0;
	bool go_on = p->st->ops->size(p->st, fd, &file_size) == 0;
	while (go_on && offset + WAL_BATCH_HEADER_SIZE <= file_size) {
		struct wal_batch_header h;
		if (sz_storage_read_exact(p->st, fd, &h, sizeof h, offset) != 0 || !header_holds(&h, offset, file_size))
			break;
		if (p->sequence_max != 0 && h.sequence > p->sequence_max) {
			go_on = false;
			break;
		}
		struct prehash_entry *e = next_entry(p);
		if (e == NULL) {
			go_on = false;
			break;
		}
		e->pos = pos_of(segment, offset);
		e->header = h;
		e->hashed = (*count)++ % 2 == 1 && sz_storage_read_exact(p->st, fd, e->body, h.body_size,
									  offset + WAL_BATCH_HEADER_SIZE) == 0;
		if (e->hashed)
			sz_blake2b(e->body_hash, e->body, h.body_size);
		publish(p);
		offset += WAL_BATCH_HEADER_SIZE + h.body_size;
	}
	p->st->ops->close(p->st, fd);
	return go_on;
}

static void *helper_main(void *arg)
{
	struct wal_prehash *p = arg;
	SZ_ASSERT(p->segment > 0);
	uint64_t count = 0;
	uint64_t offset = p->offset;
	for (uint32_t segment = p->segment; segment <= p->last_segment; segment++) {
		if (!walk_segment(p, segment, offset, &count))
			break;
		offset = WAL_SEGMENT_HEADER_SIZE;
	}
	pthread_mutex_lock(&p->lock);
	p->done = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void free_prehash(struct wal_prehash *p)
{
	SZ_ASSERT(p != NULL);
	SZ_ASSERT(p->stop || !p->held);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->changed);
	for (uint32_t i = 0; i < PREHASH_RING_COUNT; i++)
		free(p->ring[i].body);
	free(p);
}

struct wal_prehash *wal_prehash_start(const struct sz_storage *st, const char *dir, uint32_t segment,
				      uint64_t offset, uint32_t last_segment, uint64_t sequence_max)
{
	SZ_ASSERT(st != NULL && dir != NULL);
	SZ_ASSERT(segment > 0 && segment <= last_segment);
	if (st != sz_storage_posix())
		return NULL;
	struct wal_prehash *p = calloc(1, sizeof *p);
	if (p == NULL)
		return NULL; /* the scan hashes everything itself */
	*p = (struct wal_prehash){ .st = st, .dir = dir, .segment = segment, .offset = offset,
				   .last_segment = last_segment, .sequence_max = sequence_max };
	bool bodies = true;
	for (uint32_t i = 0; i < PREHASH_RING_COUNT; i++)
		bodies = (p->ring[i].body = malloc(SZ_BATCH_BODY_SIZE_MAX)) != NULL && bodies;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	if (!bodies || pthread_create(&p->thread, NULL, helper_main, p) != 0) {
		free_prehash(p);
		return NULL;
	}
	return p;
}

const uint8_t *wal_prehash_take(struct wal_prehash *p, uint32_t segment, uint64_t offset,
				const struct wal_batch_header *h, uint8_t out[32])
{
	SZ_ASSERT(h != NULL && out != NULL);
	if (p == NULL)
		return NULL;
	uint64_t pos = pos_of(segment, offset);
	const uint8_t *body = NULL;
	pthread_mutex_lock(&p->lock);
	if (p->held) { /* the scan is done with the body it was given last */
		p->held = false;
		p->consumed++;
	}
	for (;;) {
		while (p->consumed < p->produced && p->ring[p->consumed % PREHASH_RING_COUNT].pos < pos)
			p->consumed++; /* positions the scan passed without asking */
		if (p->consumed < p->produced || p->done)
			break;
		if (p->helper_waiting) /* the entries just passed made room */
			pthread_cond_broadcast(&p->changed);
		p->scan_waiting = true;
		pthread_cond_wait(&p->changed, &p->lock);
		p->scan_waiting = false;
	}
	if (p->consumed < p->produced) {
		const struct prehash_entry *e = &p->ring[p->consumed % PREHASH_RING_COUNT];
		if (e->pos == pos && e->hashed && memcmp(&e->header, h, sizeof *h) == 0) {
			memcpy(out, e->body_hash, 32);
			body = e->body;
			p->held = true; /* the helper leaves this entry alone until the next call */
		} else if (e->pos == pos) {
			p->consumed++;
		}
	}
	if (p->helper_waiting)
		pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	return body;
}

void wal_prehash_stop(struct wal_prehash *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	SZ_ASSERT(p->done);
	free_prehash(p);
}
