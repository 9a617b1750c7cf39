/*
 * snapshot.c — writing and loading snapshot files (format 3, in snapshot.h)
 * through the storage seam.
 *
 * Writing: every byte goes through one SZ_SNAP_CHUNK_SIZE buffer, flushed
 * only when full (and once at the end), so each flush is one chunk and its
 * XXH3-128 is taken there. Loading: the trailer and the chunk table are
 * checked, then every chunk on two threads (each reads groups of chunks
 * into its own buffer), and only then do sections read: small ones through
 * a buffer, arrays straight into the caller's memory with large reads, the
 * second half of a large array on a second thread.
 */
#include "log/snapshot.h"
#include "core/assert.h"
#include "core/errors.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define SNAP_MAGIC 0x313050414e535a53ull /* "SZSNAP01" */
#define SNAP_VERSION 3u /* 3: page-aligned arrays, chunked checksum (2: one BLAKE2b stream) */
#define SNAP_HEADER_SIZE 128u
#define SNAP_TRAILER_SIZE 64u
#define SNAP_SUM_SIZE 16u
#define SNAP_VERIFY_GROUP_CHUNKS 8u /* chunks read and checked per read by one verifying thread */
#define SNAP_ARRAY_SPLIT_MIN (32u << 20) /* arrays at least this large are read on two threads */
#define SNAP_ARRAY_READ_SIZE (16u << 20) /* bytes per read straight into an array */
#define SNAPSHOT_LIST_SCAN_MAX 4096 /* names looked at in snapshots/ */
#define PATH_SIZE_MAX 4096

struct snap_header {
	uint64_t magic;
	uint32_t version;
	uint32_t reserved0;
	uint64_t sequence;
	uint64_t batch_time_ns;
	uint8_t head_hash[32];
	uint8_t state_digest[32];
	uint64_t next_log_pos;
	uint8_t reserved[24];
};
_Static_assert(sizeof(struct snap_header) == SNAP_HEADER_SIZE, "snapshot header is 128 bytes");

struct snap_trailer {
	uint64_t body_size;
	uint64_t chunk_count;
	uint64_t chunk_size;
	uint64_t reserved;
	uint8_t hash[32];
};
_Static_assert(sizeof(struct snap_trailer) == SNAP_TRAILER_SIZE, "snapshot trailer is 64 bytes");
_Static_assert(SZ_SNAP_CHUNK_SIZE % SZ_SNAP_PAGE_SIZE == 0, "chunks hold whole pages");
_Static_assert(SNAP_HEADER_SIZE <= SZ_SNAP_PAGE_SIZE, "the header fits its page");

static const uint8_t zero_page[SZ_SNAP_PAGE_SIZE];

static void chunk_sum(uint8_t out[SNAP_SUM_SIZE], const uint8_t *data, size_t size)
{
	SZ_ASSERT(data != NULL);
	SZ_ASSERT(size > 0 && size <= SZ_SNAP_CHUNK_SIZE);
	XXH128_hash_t h = XXH3_128bits(data, size);
	memcpy(out, &h.low64, 8);
	memcpy(out + 8, &h.high64, 8);
}

/* The trailer's hash: BLAKE2b-256 of the chunk table and the trailer's first 32 bytes. */
static void table_hash(uint8_t out[32], const uint8_t *sums, uint64_t chunk_count, const struct snap_trailer *t)
{
	SZ_ASSERT(sums != NULL || chunk_count == 0);
	SZ_ASSERT(t != NULL);
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	crypto_generichash_update(&h, sums, (size_t)chunk_count * SNAP_SUM_SIZE);
	crypto_generichash_update(&h, (const uint8_t *)t, offsetof(struct snap_trailer, hash));
	crypto_generichash_final(&h, out, 32);
}

/* ---- writing ------------------------------------------------------------------ */

/* Write the buffer as one chunk and note its sum. */
static int flush(struct sz_snap *s)
{
	SZ_ASSERT(s->st != NULL && s->fd >= 0);
	SZ_ASSERT(s->buf_used <= SZ_SNAP_CHUNK_SIZE);
	if (s->error || s->buf_used == 0)
		return s->error;
	if (s->chunk_count == SZ_SNAP_CHUNK_COUNT_MAX)
		return s->error = SZ_ELIMIT;
	if ((s->chunk_count & (s->chunk_count - 1)) == 0) { /* 0, 1, 2, 4, ...: double the table */
		uint64_t capacity = s->chunk_count ? 2 * s->chunk_count : 1;
		uint8_t *sums = realloc(s->chunk_sums, (size_t)capacity * SNAP_SUM_SIZE);
		if (sums == NULL)
			return s->error = SZ_ENOMEM;
		s->chunk_sums = sums;
	}
	chunk_sum(s->chunk_sums + s->chunk_count * SNAP_SUM_SIZE, s->buf, s->buf_used);
	s->chunk_count++;
	s->error = s->st->ops->write(s->st, s->fd, s->buf, s->buf_used, s->file_offset) ? SZ_EIO : 0;
	s->file_offset += s->buf_used;
	s->buf_used = 0;
	return s->error;
}

/* Bytes into the chunk buffer; a full buffer is flushed before more go in. */
static int put(struct sz_snap *s, const void *data, size_t size)
{
	SZ_ASSERT(s->st != NULL && s->buf != NULL);
	SZ_ASSERT(data != NULL || size == 0);
	const uint8_t *p = data;
	while (size > 0 && s->error == 0) {
		if (s->buf_used == SZ_SNAP_CHUNK_SIZE)
			flush(s);
		size_t n = SZ_SNAP_CHUNK_SIZE - s->buf_used;
		n = n < size ? n : size;
		memcpy(s->buf + s->buf_used, p, n);
		s->buf_used += n;
		SZ_ASSERT(s->buf_used <= SZ_SNAP_CHUNK_SIZE);
		p += n;
		size -= n;
	}
	return s->error;
}

static int put_padding(struct sz_snap *s)
{
	SZ_ASSERT(s->st != NULL);
	uint64_t at = s->file_offset + s->buf_used;
	size_t pad = (size_t)(-at & (SZ_SNAP_PAGE_SIZE - 1));
	SZ_ASSERT(pad < SZ_SNAP_PAGE_SIZE);
	return put(s, zero_page, pad);
}

int sz_snap_write(struct sz_snap *s, const void *data, size_t size)
{
	SZ_ASSERT(s != NULL);
	SZ_ASSERT(data != NULL || size == 0);
	if (s->error || size == 0)
		return s->error;
	s->size += size;
	if (s->st == NULL) { /* a plain stdio stream */
		SZ_ASSERT(s->f != NULL);
		crypto_generichash_update(&s->hash, data, size);
		if (fwrite(data, 1, size, s->f) != size)
			s->error = SZ_EIO;
		return s->error;
	}
	return put(s, data, size);
}

int sz_snap_write_array(struct sz_snap *s, const void *data, size_t size)
{
	SZ_ASSERT(s != NULL);
	SZ_ASSERT(data != NULL || size == 0);
	if (s->error || size < SZ_SNAP_ARRAY_ALIGN_MIN || s->st == NULL)
		return sz_snap_write(s, data, size);
	if (put_padding(s) != 0)
		return s->error;
	s->size += size;
	return put(s, data, size);
}

/* ---- reading sections (after the whole file is verified) ----------------------- */

int sz_snap_read(struct sz_snap *s, void *data, size_t size)
{
	SZ_ASSERT(s != NULL);
	SZ_ASSERT(data != NULL || size == 0);
	if (s->error || size == 0)
		return s->error;
	if (s->st == NULL) { /* a plain stdio stream */
		SZ_ASSERT(s->f != NULL);
		if (fread(data, 1, size, s->f) != size)
			return s->error = SZ_ECORRUPT;
		crypto_generichash_update(&s->hash, data, size);
		s->size += size;
		return 0;
	}
	uint8_t *p = data;
	size_t left = size;
	while (left > 0) {
		if (s->buf_used == s->buf_filled) {
			s->file_offset += s->buf_filled;
			s->buf_used = s->buf_filled = 0;
			uint64_t want = s->limit - s->file_offset;
			size_t n = want < SZ_SNAP_READ_BUFFER_SIZE ? (size_t)want : SZ_SNAP_READ_BUFFER_SIZE;
			if (n == 0) /* a section reads past the end of the sections */
				return s->error = SZ_ECORRUPT;
			int rc = sz_storage_read_exact(s->st, s->fd, s->buf, n, s->file_offset);
			if (rc != 0) /* a failing disk is not a damaged file: no fallback on SZ_EIO */
				return s->error = rc == SZ_EIO ? SZ_EIO : SZ_ECORRUPT;
			s->buf_filled = n;
		}
		size_t n = s->buf_filled - s->buf_used;
		n = n < left ? n : left;
		memcpy(p, s->buf + s->buf_used, n);
		s->buf_used += n;
		p += n;
		left -= n;
	}
	s->size += size;
	return 0;
}

struct array_read {
	const struct sz_storage *st;
	int fd;
	uint8_t *dst;
	size_t size;
	uint64_t offset;
	int rc;
};

static void *array_read_main(void *arg)
{
	struct array_read *a = arg;
	SZ_ASSERT(a->st != NULL);
	for (size_t done = 0; done < a->size && a->rc == 0;) {
		size_t n = a->size - done < SNAP_ARRAY_READ_SIZE ? a->size - done : SNAP_ARRAY_READ_SIZE;
		a->rc = sz_storage_read_exact(a->st, a->fd, a->dst + done, n, a->offset + done);
		done += n;
	}
	SZ_ASSERT(a->rc <= 0);
	return NULL;
}

/* size bytes at offset straight into dst: a large array in two halves at once. */
static int read_direct(struct sz_snap *s, uint8_t *dst, size_t size, uint64_t offset)
{
	SZ_ASSERT(s->st != NULL && dst != NULL);
	SZ_ASSERT(offset + size <= s->limit);
	struct array_read first = { s->st, s->fd, dst, size, offset, 0 }, second = first;
	pthread_t helper;
	bool split = size >= SNAP_ARRAY_SPLIT_MIN;
	if (split) {
		first.size = size / 2 / SZ_SNAP_PAGE_SIZE * SZ_SNAP_PAGE_SIZE;
		second.dst += first.size;
		second.offset += first.size;
		second.size -= first.size;
		split = pthread_create(&helper, NULL, array_read_main, &second) == 0;
		if (!split)
			first.size = size; /* no second thread: all of it here */
	}
	array_read_main(&first);
	if (split)
		pthread_join(helper, NULL);
	int rc = first.rc ? first.rc : split ? second.rc : 0;
	return rc == SZ_EIO ? SZ_EIO : rc ? SZ_ECORRUPT : 0;
}

int sz_snap_read_array(struct sz_snap *s, void *data, size_t size)
{
	SZ_ASSERT(s != NULL);
	SZ_ASSERT(data != NULL || size == 0);
	if (s->error || size < SZ_SNAP_ARRAY_ALIGN_MIN || s->st == NULL)
		return sz_snap_read(s, data, size);
	uint64_t at = s->file_offset + s->buf_used;
	at = (at + SZ_SNAP_PAGE_SIZE - 1) & ~(uint64_t)(SZ_SNAP_PAGE_SIZE - 1);
	if (at > s->limit || size > s->limit - at)
		return s->error = SZ_ECORRUPT; /* an array past the end of the sections */
	uint8_t *p = data;
	size_t done = 0;
	uint64_t buffered_end = s->file_offset + s->buf_filled;
	if (at < buffered_end) { /* read ahead into the buffer already */
		done = buffered_end - at < size ? (size_t)(buffered_end - at) : size;
		memcpy(p, s->buf + (at - s->file_offset), done);
	}
	if (done < size && (s->error = read_direct(s, p + done, size - done, at + done)) != 0)
		return s->error;
	s->file_offset = at + size; /* the buffer starts empty after the array */
	s->buf_used = s->buf_filled = 0;
	s->size += size;
	return 0;
}

int sz_snap_write_u64(struct sz_snap *s, uint64_t v)
{
	SZ_ASSERT(s != NULL);
	SZ_ASSERT(s->error <= 0);
	return sz_snap_write(s, &v, sizeof v);
}

int sz_snap_read_u64(struct sz_snap *s, uint64_t *v)
{
	SZ_ASSERT(s != NULL && v != NULL);
	SZ_ASSERT(s->error <= 0);
	return sz_snap_read(s, v, sizeof *v);
}

/* ---- files ------------------------------------------------------------------------ */

static void snap_path(char *out, size_t size, const char *dir, uint64_t sequence, const char *suffix)
{
	SZ_ASSERT(suffix != NULL);
	int n = snprintf(out, size, "%s/snapshots/%020llu.%s", dir, (unsigned long long)sequence, suffix);
	SZ_ASSERT(n > 0 && (size_t)n < size);
}

static int sync_dir(const struct sz_storage *st, const char *dir)
{
	SZ_ASSERT(st != NULL);
	SZ_ASSERT(dir != NULL);
	char path[PATH_SIZE_MAX];
	snprintf(path, sizeof path, "%s/snapshots", dir);
	return st->ops->sync_dir(st, path) == 0 ? 0 : SZ_EIO;
}

/* After the sections: the last chunk, the chunk table and the trailer. */
static int finish(struct sz_snap *s)
{
	SZ_ASSERT(s->st != NULL);
	SZ_ASSERT(s->error <= 0);
	if (flush(s) != 0)
		return s->error;
	struct snap_trailer t = { .body_size = s->file_offset, .chunk_count = s->chunk_count,
				  .chunk_size = SZ_SNAP_CHUNK_SIZE };
	SZ_ASSERT(t.chunk_count == (t.body_size + SZ_SNAP_CHUNK_SIZE - 1) / SZ_SNAP_CHUNK_SIZE);
	table_hash(t.hash, s->chunk_sums, s->chunk_count, &t);
	size_t table_size = (size_t)s->chunk_count * SNAP_SUM_SIZE;
	if (s->st->ops->write(s->st, s->fd, s->chunk_sums, table_size, s->file_offset) != 0 ||
	    s->st->ops->write(s->st, s->fd, &t, sizeof t, s->file_offset + table_size) != 0)
		return s->error = SZ_EIO;
	return 0;
}

int sz_snapshot_write(const struct sz_storage *st, const char *dir, const struct sz_snapshot_info *info,
		      sz_snap_sections_fn write_sections, void *ctx)
{
	SZ_ASSERT(st != NULL && info != NULL);
	SZ_ASSERT(write_sections != NULL);
	char tmp[PATH_SIZE_MAX], final[PATH_SIZE_MAX];
	snap_path(tmp, sizeof tmp, dir, info->sequence, "tmp");
	snap_path(final, sizeof final, dir, info->sequence, "szs");
	struct sz_snap s = { .st = st, .fd = -1, .buf = malloc(SZ_SNAP_CHUNK_SIZE) };
	if (s.buf == NULL)
		return SZ_ENOMEM;
	int rc = st->ops->open(st, tmp, SZ_STORAGE_TRUNCATE, &s.fd);
	if (rc != 0) {
		free(s.buf);
		return SZ_EIO;
	}
	struct snap_header h = { .magic = SNAP_MAGIC, .version = SNAP_VERSION, .sequence = info->sequence,
				 .batch_time_ns = info->batch_time_ns, .next_log_pos = info->next_log_pos };
	memcpy(h.head_hash, info->head_hash, 32);
	memcpy(h.state_digest, info->state_digest, 32);
	put(&s, &h, sizeof h);
	put(&s, zero_page, SZ_SNAP_PAGE_SIZE - sizeof h);
	rc = s.error ? s.error : write_sections(ctx, &s);
	if (rc == 0)
		rc = finish(&s);
	if (rc == 0)
		rc = st->ops->sync(st, s.fd) == 0 ? 0 : SZ_EIO;
	st->ops->close(st, s.fd);
	free(s.buf);
	free(s.chunk_sums);
	if (rc == 0)
		rc = st->ops->rename(st, tmp, final) == 0 ? 0 : SZ_EIO;
	if (rc == 0)
		rc = sync_dir(st, dir);
	if (rc != 0)
		st->ops->unlink(st, tmp);
	return rc;
}

struct list_ctx {
	uint64_t *sequences;
	int count;
	int max;
};

static int note_snapshot(void *ctx, const char *name)
{
	struct list_ctx *l = ctx;
	SZ_ASSERT(l->count <= l->max);
	SZ_ASSERT(name != NULL);
	unsigned long long seq;
	char suffix[8];
	if (l->count < l->max && sscanf(name, "%20llu.%7s", &seq, suffix) == 2 && strcmp(suffix, "szs") == 0)
		l->sequences[l->count++] = seq;
	return 0;
}

static int cmp_desc(const void *a, const void *b)
{
	SZ_ASSERT(a != NULL && b != NULL);
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	SZ_ASSERT(a == b || x != y); /* one file per sequence */
	return x < y ? 1 : x > y ? -1 : 0;
}

int sz_snapshot_list(const struct sz_storage *st, const char *dir, uint64_t *sequences, int max)
{
	SZ_ASSERT(st != NULL);
	SZ_ASSERT(max > 0 && max <= SNAPSHOT_LIST_SCAN_MAX);
	char path[PATH_SIZE_MAX];
	snprintf(path, sizeof path, "%s/snapshots", dir);
	struct list_ctx l = { .sequences = sequences, .max = max };
	int rc = st->ops->list(st, path, note_snapshot, &l);
	if (rc != 0 && rc != SZ_ENOTFOUND) /* no directory: no snapshots; a failed listing is not "none" */
		return SZ_EIO;
	qsort(sequences, (size_t)l.count, sizeof sequences[0], cmp_desc);
	return l.count;
}

static void info_from(struct sz_snapshot_info *info, const struct snap_header *h)
{
	SZ_ASSERT(h->magic == SNAP_MAGIC);
	SZ_ASSERT(info != NULL);
	info->sequence = h->sequence;
	info->batch_time_ns = h->batch_time_ns;
	memcpy(info->head_hash, h->head_hash, 32);
	memcpy(info->state_digest, h->state_digest, 32);
	info->next_log_pos = h->next_log_pos;
	info->file_size = 0;
}

/* The header at offset 0: magic and sequence, then version. */
static int read_header(const struct sz_storage *st, int fd, uint64_t sequence, struct snap_header *h)
{
	SZ_ASSERT(st != NULL && h != NULL);
	int rc = sz_storage_read_exact(st, fd, h, sizeof *h, 0);
	if (rc != 0)
		return rc == SZ_EIO ? SZ_EIO : SZ_ECORRUPT;
	if (h->magic != SNAP_MAGIC || h->sequence != sequence)
		return SZ_ECORRUPT;
	return h->version == SNAP_VERSION ? 0 : SZ_EVERSION;
}

int sz_snapshot_read_info(const struct sz_storage *st, const char *dir, uint64_t sequence,
			  struct sz_snapshot_info *info)
{
	SZ_ASSERT(st != NULL && info != NULL);
	char path[PATH_SIZE_MAX];
	snap_path(path, sizeof path, dir, sequence, "szs");
	int fd;
	if (st->ops->open(st, path, SZ_STORAGE_READ, &fd) != 0)
		return SZ_ENOTFOUND;
	struct snap_header h;
	int rc = read_header(st, fd, sequence, &h);
	st->ops->close(st, fd);
	if (rc == 0)
		info_from(info, &h);
	SZ_ASSERT(rc != 0 || info->sequence == sequence);
	return rc;
}

/* The trailer and the chunk table it covers: sizes consistent with the
 * file's, hash equal. *sums gets the table (the caller frees it). */
static int read_table(const struct sz_storage *st, int fd, struct snap_trailer *t, uint8_t **sums)
{
	SZ_ASSERT(t != NULL && sums != NULL);
	SZ_ASSERT(*sums == NULL);
	uint64_t end = 0;
	if (st->ops->size(st, fd, &end) != 0)
		return SZ_EIO;
	if (end < SZ_SNAP_PAGE_SIZE + SNAP_SUM_SIZE + SNAP_TRAILER_SIZE)
		return SZ_ECORRUPT;
	int rc = sz_storage_read_exact(st, fd, t, sizeof *t, end - SNAP_TRAILER_SIZE);
	if (rc != 0)
		return rc == SZ_EIO ? SZ_EIO : SZ_ECORRUPT;
	if (t->chunk_size != SZ_SNAP_CHUNK_SIZE || t->reserved != 0 || t->chunk_count > SZ_SNAP_CHUNK_COUNT_MAX ||
	    t->body_size < SZ_SNAP_PAGE_SIZE || t->chunk_count != (t->body_size + SZ_SNAP_CHUNK_SIZE - 1) / SZ_SNAP_CHUNK_SIZE ||
	    t->body_size + t->chunk_count * SNAP_SUM_SIZE + SNAP_TRAILER_SIZE != end)
		return SZ_ECORRUPT;
	size_t table_size = (size_t)t->chunk_count * SNAP_SUM_SIZE;
	if ((*sums = malloc(table_size)) == NULL)
		return SZ_ENOMEM;
	if ((rc = sz_storage_read_exact(st, fd, *sums, table_size, t->body_size)) != 0)
		return rc == SZ_EIO ? SZ_EIO : SZ_ECORRUPT;
	uint8_t hash[32];
	table_hash(hash, *sums, t->chunk_count, t);
	return sodium_memcmp(hash, t->hash, 32) == 0 ? 0 : SZ_ECORRUPT;
}

struct verify_part {
	const struct sz_storage *st;
	int fd;
	const struct snap_trailer *t;
	const uint8_t *sums;
	uint32_t part;   /* 0 or 1: takes the groups of chunks g with g % 2 == part */
	int rc;
};

static void *verify_main(void *arg)
{
	struct verify_part *v = arg;
	SZ_ASSERT(v->part < 2);
	const uint64_t group_size = (uint64_t)SNAP_VERIFY_GROUP_CHUNKS * SZ_SNAP_CHUNK_SIZE;
	uint8_t *buf = malloc(group_size);
	v->rc = buf ? 0 : SZ_ENOMEM;
	for (uint64_t at = v->part * group_size; v->rc == 0 && at < v->t->body_size; at += 2 * group_size) {
		uint64_t left = v->t->body_size - at;
		size_t n = left < group_size ? (size_t)left : (size_t)group_size;
		int rc = sz_storage_read_exact(v->st, v->fd, buf, n, at);
		if (rc != 0) {
			v->rc = rc == SZ_EIO ? SZ_EIO : SZ_ECORRUPT;
			break;
		}
		for (size_t off = 0; off < n && v->rc == 0; off += SZ_SNAP_CHUNK_SIZE) {
			uint8_t sum[SNAP_SUM_SIZE];
			size_t size = n - off < SZ_SNAP_CHUNK_SIZE ? n - off : SZ_SNAP_CHUNK_SIZE;
			chunk_sum(sum, buf + off, size);
			if (memcmp(sum, v->sums + (at + off) / SZ_SNAP_CHUNK_SIZE * SNAP_SUM_SIZE, SNAP_SUM_SIZE) != 0)
				v->rc = SZ_ECORRUPT;
		}
	}
	free(buf);
	return NULL;
}

/* Every chunk against the table, half of them on a second thread. */
static int verify_chunks(const struct sz_storage *st, int fd, const struct snap_trailer *t, const uint8_t *sums)
{
	SZ_ASSERT(t != NULL && sums != NULL);
	struct verify_part parts[2] = { { st, fd, t, sums, 0, 0 }, { st, fd, t, sums, 1, 0 } };
	pthread_t helper;
	bool two = pthread_create(&helper, NULL, verify_main, &parts[1]) == 0;
	verify_main(&parts[0]);
	if (two)
		pthread_join(helper, NULL);
	else
		verify_main(&parts[1]); /* no second thread: the other half here */
	SZ_ASSERT(parts[0].rc <= 0 && parts[1].rc <= 0);
	return parts[0].rc ? parts[0].rc : parts[1].rc;
}

/* Header, trailer, table, every chunk: nothing of the file is used before this passes. */
static int verify_file(const struct sz_storage *st, int fd, uint64_t sequence, struct snap_header *h,
		       uint64_t *body_size)
{
	SZ_ASSERT(fd >= 0);
	SZ_ASSERT(h != NULL && body_size != NULL);
	struct snap_trailer t;
	uint8_t *sums = NULL;
	int rc = read_header(st, fd, sequence, h);
	if (rc == 0)
		rc = read_table(st, fd, &t, &sums);
	if (rc == 0)
		rc = verify_chunks(st, fd, &t, sums);
	free(sums);
	if (rc == 0 && (rc = read_header(st, fd, sequence, h)) == 0) /* as verified */
		*body_size = t.body_size;
	return rc;
}

int sz_snapshot_load(const struct sz_storage *st, const char *dir, uint64_t sequence,
		     sz_snap_sections_fn read_sections, void *ctx, struct sz_snapshot_info *info,
		     char *why, size_t why_size)
{
	SZ_ASSERT(st != NULL && read_sections != NULL);
	SZ_ASSERT(info != NULL && why != NULL);
	char path[PATH_SIZE_MAX];
	snap_path(path, sizeof path, dir, sequence, "szs");
	struct sz_snap s = { .st = st, .fd = -1, .buf = malloc(SZ_SNAP_READ_BUFFER_SIZE),
			     .file_offset = SZ_SNAP_PAGE_SIZE };
	if (s.buf == NULL)
		return SZ_ENOMEM;
	if (st->ops->open(st, path, SZ_STORAGE_READ, &s.fd) != 0) {
		free(s.buf);
		snprintf(why, why_size, "%s: cannot open", path);
		return SZ_EIO;
	}
	struct snap_header h;
	memset(&h, 0, sizeof h);
	int rc = verify_file(st, s.fd, sequence, &h, &s.limit);
	if (rc == 0)
		rc = read_sections(ctx, &s);
	if (rc == 0 && s.error)
		rc = s.error;
	st->ops->close(st, s.fd);
	free(s.buf);
	if (rc == 0) {
		info_from(info, &h);
		info->file_size = s.limit + (s.limit + SZ_SNAP_CHUNK_SIZE - 1) / SZ_SNAP_CHUNK_SIZE * SNAP_SUM_SIZE +
				  SNAP_TRAILER_SIZE;
	} else {
		snprintf(why, why_size, "%s: %s", path, sz_strerror(rc));
	}
	return rc;
}

int sz_snapshot_remove(const struct sz_storage *st, const char *dir, uint64_t sequence)
{
	SZ_ASSERT(st != NULL);
	char path[PATH_SIZE_MAX];
	snap_path(path, sizeof path, dir, sequence, "szs");
	int rc = st->ops->unlink(st, path);
	SZ_ASSERT(rc <= 0);
	if (rc != 0 && rc != SZ_ENOTFOUND)
		return rc;
	return sync_dir(st, dir);
}
