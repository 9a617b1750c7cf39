/*
 * snapshot.c — writing and loading snapshot files (format in snapshot.h)
 * through the storage seam, with a buffered, checksummed stream for the
 * caller's sections.
 */
#include "log/snapshot.h"
#include "core/assert.h"
#include "core/errors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SNAP_MAGIC 0x313050414e535a53ull /* "SZSNAP01" */
#define SNAP_VERSION 2u /* 2: ledger indexes as occupied buckets only */
#define SNAP_HEADER_SIZE 128u
#define SNAP_TRAILER_SIZE 40u
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
	uint64_t size;
	uint8_t hash[32];
};
_Static_assert(sizeof(struct snap_trailer) == SNAP_TRAILER_SIZE, "snapshot trailer is 40 bytes");

static int flush(struct sz_snap *s)
{
	SZ_ASSERT(s->st != NULL && s->fd >= 0);
	SZ_ASSERT(s->buf_used <= SZ_SNAP_BUFFER_SIZE);
	if (s->error || s->buf_used == 0)
		return s->error;
	s->error = s->st->ops->write(s->st, s->fd, s->buf, s->buf_used, s->file_offset) ? SZ_EIO : 0;
	s->file_offset += s->buf_used;
	s->buf_used = 0;
	return s->error;
}

/* Bytes go to the file unhashed (the trailer). */
static int put(struct sz_snap *s, const void *data, size_t size)
{
	SZ_ASSERT(s->st != NULL && s->buf != NULL);
	SZ_ASSERT(data != NULL || size == 0);
	const uint8_t *p = data;
	while (size > 0 && s->error == 0) {
		if (s->buf_used == SZ_SNAP_BUFFER_SIZE)
			flush(s);
		size_t n = SZ_SNAP_BUFFER_SIZE - s->buf_used;
		n = n < size ? n : size;
		memcpy(s->buf + s->buf_used, p, n);
		s->buf_used += n;
		SZ_ASSERT(s->buf_used <= SZ_SNAP_BUFFER_SIZE);
		p += n;
		size -= n;
	}
	return s->error;
}

int sz_snap_write(struct sz_snap *s, const void *data, size_t size)
{
	SZ_ASSERT(s != NULL);
	SZ_ASSERT(data != NULL || size == 0);
	if (s->error || size == 0)
		return s->error;
	crypto_generichash_update(&s->hash, data, size);
	s->size += size;
	if (s->st == NULL) { /* a plain stdio stream */
		SZ_ASSERT(s->f != NULL);
		if (fwrite(data, 1, size, s->f) != size)
			s->error = SZ_EIO;
		return s->error;
	}
	return put(s, data, size);
}

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
	if (size > s->limit - s->size) {
		s->error = SZ_ECORRUPT; /* a section reads past the end of the sections */
		return s->error;
	}
	uint8_t *p = data;
	size_t left = size;
	while (left > 0) {
		if (s->buf_used == s->buf_filled) {
			uint64_t want = s->limit - (s->file_offset + s->buf_filled);
			size_t n = want < SZ_SNAP_BUFFER_SIZE ? (size_t)want : SZ_SNAP_BUFFER_SIZE;
			s->file_offset += s->buf_filled;
			s->buf_used = s->buf_filled = 0;
			if (n == 0 || sz_storage_read_exact(s->st, s->fd, s->buf, n, s->file_offset) != 0) {
				s->error = SZ_ECORRUPT;
				return s->error;
			}
			s->buf_filled = n;
		}
		size_t n = s->buf_filled - s->buf_used;
		n = n < left ? n : left;
		memcpy(p, s->buf + s->buf_used, n);
		s->buf_used += n;
		p += n;
		left -= n;
	}
	crypto_generichash_update(&s->hash, data, size);
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

int sz_snapshot_write(const struct sz_storage *st, const char *dir, const struct sz_snapshot_info *info,
		      sz_snap_sections_fn write_sections, void *ctx)
{
	SZ_ASSERT(st != NULL && info != NULL);
	SZ_ASSERT(write_sections != NULL);
	char tmp[PATH_SIZE_MAX], final[PATH_SIZE_MAX];
	snap_path(tmp, sizeof tmp, dir, info->sequence, "tmp");
	snap_path(final, sizeof final, dir, info->sequence, "szs");
	struct sz_snap s = { .st = st, .fd = -1, .buf = malloc(SZ_SNAP_BUFFER_SIZE) };
	if (s.buf == NULL)
		return SZ_ENOMEM;
	int rc = st->ops->open(st, tmp, SZ_STORAGE_TRUNCATE, &s.fd);
	if (rc != 0) {
		free(s.buf);
		return SZ_EIO;
	}
	crypto_generichash_init(&s.hash, NULL, 0, 32);
	struct snap_header h = { .magic = SNAP_MAGIC, .version = SNAP_VERSION, .sequence = info->sequence,
				 .batch_time_ns = info->batch_time_ns, .next_log_pos = info->next_log_pos };
	memcpy(h.head_hash, info->head_hash, 32);
	memcpy(h.state_digest, info->state_digest, 32);
	sz_snap_write(&s, &h, sizeof h);
	rc = s.error ? s.error : write_sections(ctx, &s);
	struct snap_trailer trailer = { .size = s.size };
	crypto_generichash_final(&s.hash, trailer.hash, 32);
	if (rc == 0)
		rc = put(&s, &trailer, sizeof trailer);
	if (rc == 0)
		rc = flush(&s);
	if (rc == 0)
		rc = st->ops->sync(st, s.fd) == 0 ? 0 : SZ_EIO;
	st->ops->close(st, s.fd);
	free(s.buf);
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
	int rc = sz_storage_read_exact(st, fd, &h, sizeof h, 0) == 0 && h.magic == SNAP_MAGIC &&
			 h.sequence == sequence ? 0 : SZ_ECORRUPT;
	st->ops->close(st, fd);
	if (rc == 0)
		info_from(info, &h);
	SZ_ASSERT(rc != 0 || info->sequence == sequence);
	return rc;
}

/* Check the trailer: size and BLAKE2b over everything before it. */
static int verify_file(const struct sz_storage *st, int fd, uint8_t *buf, uint64_t *body_size)
{
	SZ_ASSERT(fd >= 0);
	SZ_ASSERT(buf != NULL && body_size != NULL);
	uint64_t end = 0;
	if (st->ops->size(st, fd, &end) != 0)
		return SZ_EIO;
	if (end < SNAP_HEADER_SIZE + SNAP_TRAILER_SIZE)
		return SZ_ECORRUPT;
	struct snap_trailer trailer;
	int rc = sz_storage_read_exact(st, fd, &trailer, sizeof trailer, end - SNAP_TRAILER_SIZE);
	if (rc != 0 || trailer.size != end - SNAP_TRAILER_SIZE)
		return rc == SZ_EIO ? SZ_EIO : SZ_ECORRUPT;
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	for (uint64_t at = 0; at < trailer.size;) {
		uint64_t left = trailer.size - at;
		size_t n = left < SZ_SNAP_BUFFER_SIZE ? (size_t)left : SZ_SNAP_BUFFER_SIZE;
		if ((rc = sz_storage_read_exact(st, fd, buf, n, at)) != 0)
			return rc == SZ_EIO ? SZ_EIO : SZ_ECORRUPT;
		crypto_generichash_update(&h, buf, n);
		at += n;
	}
	uint8_t hash[32];
	crypto_generichash_final(&h, hash, 32);
	*body_size = trailer.size;
	return memcmp(hash, trailer.hash, 32) == 0 ? 0 : SZ_ECORRUPT;
}

int sz_snapshot_load(const struct sz_storage *st, const char *dir, uint64_t sequence,
		     sz_snap_sections_fn read_sections, void *ctx, struct sz_snapshot_info *info,
		     char *why, size_t why_size)
{
	SZ_ASSERT(st != NULL && read_sections != NULL);
	SZ_ASSERT(info != NULL && why != NULL);
	char path[PATH_SIZE_MAX];
	snap_path(path, sizeof path, dir, sequence, "szs");
	struct sz_snap s = { .st = st, .fd = -1, .buf = malloc(SZ_SNAP_BUFFER_SIZE) };
	if (s.buf == NULL)
		return SZ_ENOMEM;
	if (st->ops->open(st, path, SZ_STORAGE_READ, &s.fd) != 0) {
		free(s.buf);
		snprintf(why, why_size, "%s: cannot open", path);
		return SZ_EIO;
	}
	int rc = verify_file(st, s.fd, s.buf, &s.limit);
	crypto_generichash_init(&s.hash, NULL, 0, 32);
	struct snap_header h;
	memset(&h, 0, sizeof h);
	if (rc == 0)
		rc = sz_snap_read(&s, &h, sizeof h);
	if (rc == 0 && (h.magic != SNAP_MAGIC || h.sequence != sequence))
		rc = SZ_ECORRUPT;
	if (rc == 0 && h.version != SNAP_VERSION)
		rc = SZ_EVERSION;
	if (rc == 0)
		rc = read_sections(ctx, &s);
	if (rc == 0 && s.error)
		rc = s.error;
	st->ops->close(st, s.fd);
	free(s.buf);
	if (rc == 0)
		info_from(info, &h);
	else
		snprintf(why, why_size, "%s: %s", path, sz_strerror(rc));
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
