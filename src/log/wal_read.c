/*
 * wal_read.c — reading records back from the log, only from verified batches.
 *
 * A record (a transfer, a domain record) is found by its log position. The
 * reader keeps, per segment, the sorted offsets of its batch headers (noted
 * by the engine as it replays and applies, or found by walking the segment's
 * headers once for a segment it was never told about), finds the batch that
 * holds the position, reads the whole batch, checks magic, header hash, body
 * size and body hash, and only then copies bytes out. Verified batches stay
 * in a small cache (SZ_LOG_READ_CACHE_BATCH_COUNT, least recently used goes)
 * so that pages of history from one batch cost one check. A batch that fails
 * is never cached: every read of it fails, and counts. A walk that stops at
 * a damaged (not all-zero) header remembers where: every read at or after it
 * in that segment fails the same way, until a verified batch is noted there.
 */
#include "log/wal.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_SIZE_MAX 4096
#define OFFSET_MASK ((1ull << 40) - 1)

struct segment_index {
	uint64_t *offsets;   /* batch header offsets, ascending */
	uint32_t count;
	uint32_t capacity;
	bool walked;         /* offsets came from walking the whole segment */
	uint64_t damaged_at; /* the walk stopped at a damaged header here (0 = none) */
};

struct cached_batch {
	uint32_t segment;    /* 0 = empty */
	uint64_t offset;     /* of the header */
	uint64_t used;       /* recency stamp */
	uint8_t *data;       /* header + body, verified */
};

struct wal_reader {
	const struct sz_storage *st;
	char dir[PATH_SIZE_MAX];
	struct segment_index *segments; /* indexed by segment number */
	uint32_t segment_capacity;
	struct cached_batch cache[SZ_LOG_READ_CACHE_BATCH_COUNT];
	uint64_t clock;
	uint64_t corrupt_count;
};

int wal_reader_open(struct wal_reader **out, const struct sz_storage *st, const char *data_dir)
{
	SZ_ASSERT(out != NULL);
	SZ_ASSERT(st != NULL);
	struct wal_reader *r = calloc(1, sizeof *r);
	if (r == NULL)
		return SZ_ENOMEM;
	r->st = st;
	snprintf(r->dir, sizeof r->dir, "%s", data_dir);
	*out = r;
	return 0;
}

void wal_reader_close(struct wal_reader *r)
{
	if (r == NULL)
		return;
	SZ_ASSERT(r->st != NULL);
	SZ_ASSERT(r->segments != NULL || r->segment_capacity == 0);
	for (uint32_t i = 0; i < r->segment_capacity; i++)
		free(r->segments[i].offsets);
	for (uint32_t i = 0; i < SZ_LOG_READ_CACHE_BATCH_COUNT; i++)
		free(r->cache[i].data);
	free(r->segments);
	free(r);
}

uint64_t wal_reader_corrupt_count(const struct wal_reader *r)
{
	SZ_ASSERT(r != NULL);
	SZ_ASSERT(r->corrupt_count <= r->clock + r->corrupt_count); /* no wrap */
	return r->corrupt_count;
}

static struct segment_index *segment_index(struct wal_reader *r, uint32_t segment)
{
	SZ_ASSERT(segment > 0 && segment < SZ_SEGMENT_COUNT_MAX);
	if (segment >= r->segment_capacity) {
		uint32_t capacity = r->segment_capacity ? r->segment_capacity : 16;
		while (capacity <= segment)
			capacity *= 2;
		struct segment_index *grown = realloc(r->segments, capacity * sizeof grown[0]);
		if (grown == NULL)
			return NULL;
		memset(grown + r->segment_capacity, 0, (capacity - r->segment_capacity) * sizeof grown[0]);
		r->segments = grown;
		r->segment_capacity = capacity;
	}
	SZ_ASSERT(segment < r->segment_capacity);
	return &r->segments[segment];
}

static int index_push(struct segment_index *x, uint64_t offset)
{
	SZ_ASSERT(offset >= WAL_SEGMENT_HEADER_SIZE);
	if (x->count > 0 && x->offsets[x->count - 1] >= offset)
		return 0; /* already noted (a replayed batch seen again) */
	if (x->count == x->capacity) {
		uint32_t capacity = x->capacity ? x->capacity * 2 : 256;
		uint64_t *grown = realloc(x->offsets, capacity * sizeof grown[0]);
		if (grown == NULL)
			return SZ_ENOMEM;
		x->offsets = grown;
		x->capacity = capacity;
	}
	x->offsets[x->count++] = offset;
	SZ_ASSERT(x->count <= x->capacity);
	return 0;
}

int wal_reader_note(struct wal_reader *r, uint64_t body_pos, uint32_t body_size)
{
	SZ_ASSERT(r != NULL);
	SZ_ASSERT(body_size <= SZ_BATCH_BODY_SIZE_MAX);
	uint32_t segment = (uint32_t)(body_pos >> 40);
	uint64_t offset = (body_pos & OFFSET_MASK) - WAL_BATCH_HEADER_SIZE;
	struct segment_index *x = segment_index(r, segment);
	if (x == NULL)
		return SZ_ENOMEM;
	if (x->damaged_at != 0 && offset >= x->damaged_at)
		x->damaged_at = 0; /* a verified batch there or after it: the bytes were repaired (a torn tail) */
	return index_push(x, offset);
}

static int fail(struct wal_reader *r, char *why, size_t why_size, const char *path, uint64_t offset,
		const char *reason)
{
	SZ_ASSERT(reason != NULL);
	SZ_ASSERT(path != NULL);
	r->corrupt_count++;
	if (why_size > 0)
		snprintf(why, why_size, "%s: offset %llu: %s", path, (unsigned long long)offset, reason);
	return SZ_ECORRUPT;
}

/* Walk segment's batch headers from the first (only header hashes: the
 * batch a read lands in is fully checked anyway), to find where batches are. */
static int walk_segment(struct wal_reader *r, struct segment_index *x, int fd, uint64_t file_size)
{
	SZ_ASSERT(!x->walked);
	SZ_ASSERT(fd >= 0);
	uint64_t offset = x->count ? x->offsets[x->count - 1] : WAL_SEGMENT_HEADER_SIZE;
	while (offset + WAL_BATCH_HEADER_SIZE <= file_size) {
		struct wal_batch_header h;
		int rc = sz_storage_read_exact(r->st, fd, &h, sizeof h, offset);
		if (rc != 0)
			return rc;
		uint8_t hash[32];
		wal_batch_header_hash(hash, &h);
		if (h.magic != WAL_BATCH_MAGIC || memcmp(hash, h.header_hash, 32) != 0 ||
		    h.body_size > SZ_BATCH_BODY_SIZE_MAX) {
			static const struct wal_batch_header zero;
			if (memcmp(&h, &zero, sizeof h) != 0)
				x->damaged_at = offset; /* damage: reads at or after it are refused */
			break; /* end of data */
		}
		if ((rc = index_push(x, offset)) != 0)
			return rc;
		offset += WAL_BATCH_HEADER_SIZE + h.body_size;
	}
	x->walked = true;
	return 0;
}

/* The header offset of the batch whose body may hold offset, or 0. */
static uint64_t find_batch(const struct segment_index *x, uint64_t offset)
{
	SZ_ASSERT(x != NULL);
	uint32_t lo = 0, hi = x->count; /* first entry > offset */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (x->offsets[mid] <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	SZ_ASSERT(lo <= x->count);
	return lo == 0 ? 0 : x->offsets[lo - 1];
}

/* Read and verify the batch at offset into slot c. */
static int load_batch(struct wal_reader *r, struct cached_batch *c, int fd, const char *path, uint32_t segment,
		      uint64_t offset, uint64_t file_size, char *why, size_t why_size)
{
	SZ_ASSERT(offset >= WAL_SEGMENT_HEADER_SIZE);
	SZ_ASSERT(segment > 0 && fd >= 0);
	if (c->data == NULL && (c->data = malloc(WAL_BATCH_HEADER_SIZE + SZ_BATCH_BODY_SIZE_MAX)) == NULL)
		return SZ_ENOMEM;
	c->segment = 0;
	struct wal_batch_header *h = (struct wal_batch_header *)c->data;
	int rc = sz_storage_read_exact(r->st, fd, h, WAL_BATCH_HEADER_SIZE, offset);
	if (rc == SZ_ECORRUPT)
		return fail(r, why, why_size, path, offset, "batch header cut short");
	if (rc != 0)
		return rc;
	uint8_t hash[32];
	wal_batch_header_hash(hash, h);
	if (h->magic != WAL_BATCH_MAGIC || memcmp(hash, h->header_hash, 32) != 0)
		return fail(r, why, why_size, path, offset, "batch header checksum mismatch");
	if (h->body_size > SZ_BATCH_BODY_SIZE_MAX || offset + WAL_BATCH_HEADER_SIZE + h->body_size > file_size)
		return fail(r, why, why_size, path, offset, "batch size out of range");
	rc = sz_storage_read_exact(r->st, fd, c->data + WAL_BATCH_HEADER_SIZE, h->body_size,
				   offset + WAL_BATCH_HEADER_SIZE);
	if (rc != 0)
		return rc == SZ_ECORRUPT ? fail(r, why, why_size, path, offset, "batch body cut short") : rc;
	sz_blake2b(hash, c->data + WAL_BATCH_HEADER_SIZE, h->body_size);
	if (memcmp(hash, h->body_hash, 32) != 0)
		return fail(r, why, why_size, path, offset, "batch body checksum mismatch");
	c->segment = segment;
	c->offset = offset;
	return 0;
}

static struct cached_batch *cache_find(struct wal_reader *r, uint32_t segment, uint64_t pos, size_t size)
{
	SZ_ASSERT(segment > 0);
	SZ_ASSERT(size > 0);
	for (uint32_t i = 0; i < SZ_LOG_READ_CACHE_BATCH_COUNT; i++) {
		struct cached_batch *c = &r->cache[i];
		if (c->segment != segment)
			continue;
		const struct wal_batch_header *h = (const struct wal_batch_header *)c->data;
		uint64_t body = c->offset + WAL_BATCH_HEADER_SIZE;
		if (pos >= body && pos + size <= body + h->body_size)
			return c;
	}
	return NULL;
}

static struct cached_batch *cache_victim(struct wal_reader *r)
{
	SZ_ASSERT(SZ_LOG_READ_CACHE_BATCH_COUNT > 0);
	struct cached_batch *v = &r->cache[0];
	for (uint32_t i = 1; i < SZ_LOG_READ_CACHE_BATCH_COUNT; i++)
		if (r->cache[i].used < v->used)
			v = &r->cache[i];
	SZ_ASSERT(v != NULL);
	return v;
}

/* Find, load and verify the batch that holds [offset, offset + size). */
static int load_for(struct wal_reader *r, uint32_t segment, uint64_t offset, size_t size,
		    struct cached_batch **out, char *why, size_t why_size)
{
	SZ_ASSERT(segment > 0 && size > 0);
	SZ_ASSERT(out != NULL);
	char path[PATH_SIZE_MAX];
	int found = wal_segment_path(r->st, r->dir, segment, path, sizeof path);
	if (found != 0)
		return found;
	struct segment_index *x = segment_index(r, segment);
	if (x == NULL)
		return SZ_ENOMEM;
	int fd = -1;
	int rc = r->st->ops->open(r->st, path, SZ_STORAGE_READ, &fd);
	if (rc != 0)
		return SZ_EIO;
	uint64_t file_size = 0;
	rc = r->st->ops->size(r->st, fd, &file_size);
	uint64_t at = find_batch(x, offset);
	bool past_known = x->count == 0 || offset >= x->offsets[x->count - 1] + WAL_BATCH_HEADER_SIZE + SZ_BATCH_BODY_SIZE_MAX;
	if (rc == 0 && (at == 0 || past_known) && !x->walked) {
		rc = walk_segment(r, x, fd, file_size);
		at = find_batch(x, offset);
	}
	if (rc == 0 && x->damaged_at != 0 && offset >= x->damaged_at)
		rc = fail(r, why, why_size, path, x->damaged_at, "batch header checksum mismatch");
	if (rc == 0 && at == 0)
		rc = SZ_ENOTFOUND;
	struct cached_batch *c = rc == 0 ? cache_victim(r) : NULL;
	if (rc == 0)
		rc = load_batch(r, c, fd, path, segment, at, file_size, why, why_size);
	r->st->ops->close(r->st, fd);
	if (rc != 0)
		return rc;
	const struct wal_batch_header *h = (const struct wal_batch_header *)c->data;
	if (offset < at + WAL_BATCH_HEADER_SIZE || offset + size > at + WAL_BATCH_HEADER_SIZE + h->body_size)
		return SZ_ENOTFOUND; /* the position is not inside a batch body */
	*out = c;
	return 0;
}

int wal_reader_read(struct wal_reader *r, uint64_t log_pos, void *out, size_t size, char *why, size_t why_size)
{
	SZ_ASSERT(r != NULL && out != NULL);
	SZ_ASSERT(size > 0 && size <= SZ_BATCH_BODY_SIZE_MAX);
	uint32_t segment = (uint32_t)(log_pos >> 40) & 0xfffffu;
	uint64_t offset = log_pos & OFFSET_MASK;
	if (segment == 0 || offset < WAL_SEGMENT_HEADER_SIZE + WAL_BATCH_HEADER_SIZE)
		return SZ_ENOTFOUND;
	struct cached_batch *c = cache_find(r, segment, offset, size);
	if (c == NULL) {
		int rc = load_for(r, segment, offset, size, &c, why, why_size);
		if (rc != 0)
			return rc;
	}
	SZ_ASSERT(c->segment == segment);
	c->used = ++r->clock;
	memcpy(out, c->data + (offset - c->offset), size);
	return 0;
}

int wal_reader_batch_ending_at(struct wal_reader *r, uint64_t end_pos, struct wal_batch_header *out, char *why,
			       size_t why_size)
{
	SZ_ASSERT(r != NULL && out != NULL);
	uint32_t segment = (uint32_t)(end_pos >> 40) & 0xfffffu;
	uint64_t offset = end_pos & OFFSET_MASK;
	if (segment == 0 || offset <= WAL_SEGMENT_HEADER_SIZE + WAL_BATCH_HEADER_SIZE)
		return SZ_ENOTFOUND;
	struct cached_batch *c = cache_find(r, segment, offset - 1, 1);
	if (c == NULL) {
		int rc = load_for(r, segment, offset - 1, 1, &c, why, why_size);
		if (rc != 0)
			return rc;
	}
	const struct wal_batch_header *h = (const struct wal_batch_header *)c->data;
	if (c->offset + WAL_BATCH_HEADER_SIZE + h->body_size != offset)
		return SZ_ENOTFOUND; /* a batch holds the byte before end_pos but does not end there */
	c->used = ++r->clock;
	memcpy(out, h, sizeof *out);
	SZ_ASSERT(c->segment == segment);
	return 0;
}

int wal_read_at(const struct sz_storage *st, const char *data_dir, uint64_t log_pos, void *out, size_t size)
{
	SZ_ASSERT(st != NULL);
	SZ_ASSERT(out != NULL && size > 0);
	struct wal_reader *r;
	int rc = wal_reader_open(&r, st, data_dir);
	if (rc != 0)
		return rc;
	char why[256];
	rc = wal_reader_read(r, log_pos, out, size, why, sizeof why);
	wal_reader_close(r);
	return rc;
}
