/*
 * wal.c — writing the szfin log; the format's definition.
 *
 * FORMAT. A data directory holds log/00000001.szl, log/00000002.szl, ...
 * (older ones may have moved to archive/). Each segment file is preallocated
 * to segment_size zero bytes and starts with a 128-byte segment header
 * (struct wal_segment_header in wal.h). Batches follow back to back from
 * offset 128, each a 192-byte struct wal_batch_header and body_size bytes of
 * commands (each an 8-byte sz_command_header + body, multiple of 8). The
 * rest of the file stays zero. A batch never spans two segments. Integers
 * are little-endian.
 *
 *   segment header  0 magic "SZLOGSEG"  8 version  12 segment  16 segment_size
 *                   24 first_sequence  32 prev_hash[32]  64 reserved[32]
 *                   96 header_hash = SHA-256(bytes 0..96)
 *   batch header    0 magic "SZBATCH1"  8 sequence  16 batch_time_ns
 *                   24 command_count  28 body_size  32 prev_hash[32]
 *                   64 body_hash = BLAKE2b-256(body)  96 results_sequence
 *                   104 zero_piece_count  108 reserved  112 results_hash[32]
 *                   144 reserved[16]  160 header_hash = SHA-256(bytes 0..160)
 *
 * CHAIN. Each header carries the previous header_hash (prev_hash), so the
 * head hash (last header_hash) commits to the whole log. A segment header
 * repeats the head before its first batch (prev_hash, first_sequence).
 *
 * OUTCOMES. A header also records the hash of the result codes of an earlier
 * batch (the last one applied when this one was closed): replay recomputes
 * them and stops if they differ, so a replay that would silently compute a
 * different state (other code, other data files) is caught at once.
 *
 * WRITE ORDER. A new segment: create, allocate, write its header, fdatasync
 * the file, fsync the directory — before any batch goes in. A batch: one
 * write of header + body, then fdatasync; only then may the engine apply and
 * acknowledge it. A failed write or sync is returned and never retried: the
 * engine stops (the page cache state after a failed fsync is unknown). Bytes
 * of the log are written once, over zeros, and never rewritten, except that
 * recovery zeroes a torn tail.
 *
 * TORN OR DAMAGED. A crash during a batch's write may persist any subset of
 * its disk sectors (in any order); the rest keep their old content, which is
 * zero. Cut the batch's bytes at multiples of WAL_PIECE_SIZE (512) of the
 * file offset into pieces; the writer records in the header how many pieces
 * of the body are all zero as written (zero_piece_count). A header piece is
 * never all zero (the first holds the magic, the last the end of the hash).
 * So a batch that fails its checks was torn exactly when one of its pieces
 * is all zero although it was written non-zero:
 *   - the header fails its hash and one of its pieces is all zero, or
 *   - the header is valid and more body pieces are zero than it records.
 * Every other failure — a flipped or rewritten byte in a complete batch — is
 * damage. A torn batch is accepted as a torn tail (never acknowledged: its
 * fdatasync did not return) only if it is in the last segment, no valid
 * later batch header follows it, and it comes after the batch a snapshot
 * covers; recovery then zeroes it (and any stray sectors after it).
 *
 * VALIDATION (reader, wal_scan.c). For each batch at the expected position:
 * magic, header_hash, sequence = previous + 1, prev_hash = previous
 * header_hash, body_size within limits and inside the segment, batch time not
 * going back, body hash, command envelopes. An all-zero header with only
 * zeros after it ends the data. The first invalid batch stops the scan: a
 * torn tail as above, otherwise corruption naming file, offset and reason.
 * Record reads (wal_read.c) check the header and body hash of the batch that
 * holds the record before handing out a byte of it.
 */
#include "log/wal.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/limits.h"
#include "szfin/szfin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_SIZE_MAX 4096

struct wal_writer {
	const struct sz_storage *st;
	char dir[PATH_SIZE_MAX];   /* the data directory */
	char log_dir[PATH_SIZE_MAX];
	int fd;                    /* current segment, -1 if none */
	uint32_t segment;
	uint64_t segment_size;
	uint32_t write_count;
	uint32_t fsync_count;
	uint32_t fail_write_at;
	uint32_t fail_fsync_at;
};

static void segment_name(char *out, size_t size, const char *dir, const char *sub, uint32_t segment)
{
	SZ_ASSERT(segment > 0 && segment < SZ_SEGMENT_COUNT_MAX);
	int n = snprintf(out, size, "%s/%s/%08u.szl", dir, sub, segment);
	SZ_ASSERT(n > 0 && (size_t)n < size);
}

int wal_segment_path(const struct sz_storage *st, const char *data_dir, uint32_t segment, char *out, size_t out_size)
{
	SZ_ASSERT(st != NULL);
	if (segment == 0 || segment >= SZ_SEGMENT_COUNT_MAX)
		return SZ_ENOTFOUND;
	SZ_ASSERT(data_dir != NULL && out != NULL);
	segment_name(out, out_size, data_dir, "log", segment);
	int rc = sz_storage_exists(st, out);
	if (rc != SZ_ENOTFOUND)
		return rc; /* found, or the disk failed (which is not "missing") */
	segment_name(out, out_size, data_dir, "archive", segment);
	return sz_storage_exists(st, out);
}

void wal_batch_header_hash(uint8_t out[32], const struct wal_batch_header *h)
{
	SZ_ASSERT(out != NULL);
	SZ_ASSERT(h != NULL);
	sz_sha256(out, h, WAL_BATCH_HASHED_SIZE);
}

static void segment_header_hash(uint8_t out[32], const struct wal_segment_header *h)
{
	_Static_assert(offsetof(struct wal_segment_header, header_hash) == 96, "segment hash covers 96 bytes");
	SZ_ASSERT(h != NULL);
	SZ_ASSERT(out != NULL);
	sz_sha256(out, h, 96);
}

static bool all_zero(const uint8_t *p, size_t size)
{
	SZ_ASSERT(p != NULL || size == 0);
	SZ_ASSERT(size <= WAL_BATCH_HEADER_SIZE + SZ_BATCH_BODY_SIZE_MAX);
	for (size_t i = 0; i < size; i++)
		if (p[i] != 0)
			return false;
	return true;
}

uint32_t wal_zero_piece_count(const uint8_t *data, uint64_t pos, uint32_t size)
{
	SZ_ASSERT(data != NULL || size == 0);
	uint32_t count = 0;
	uint64_t end = pos + size;
	for (uint64_t p = pos; p < end;) {
		uint64_t piece_end = (p / WAL_PIECE_SIZE + 1) * WAL_PIECE_SIZE;
		if (piece_end > end)
			piece_end = end;
		count += all_zero(data + (p - pos), (size_t)(piece_end - p));
		p = piece_end;
	}
	SZ_ASSERT(count <= size / WAL_PIECE_SIZE + 2);
	return count;
}

/* ---- writer ----------------------------------------------------------------- */

int wal_writer_open(struct wal_writer **out, const struct sz_storage *st, const char *data_dir, uint64_t segment_size)
{
	SZ_ASSERT(segment_size >= SZ_SEGMENT_SIZE_MIN);
	SZ_ASSERT(segment_size < (1ull << 40)); /* offsets are 40 bits of a log position */
	SZ_ASSERT(st != NULL);
	struct wal_writer *w = calloc(1, sizeof *w);
	if (w == NULL)
		return SZ_ENOMEM;
	w->st = st;
	snprintf(w->dir, sizeof w->dir, "%s", data_dir);
	snprintf(w->log_dir, sizeof w->log_dir, "%s/log", data_dir);
	w->fd = -1;
	w->segment_size = segment_size;
	*out = w;
	return 0;
}

void wal_writer_close(struct wal_writer *w)
{
	if (w == NULL)
		return;
	SZ_ASSERT(w->st != NULL);
	SZ_ASSERT(w->fd < 0 || w->segment > 0);
	if (w->fd >= 0)
		w->st->ops->close(w->st, w->fd);
	w->fd = -1;
	free(w);
}

void wal_writer_inject(struct wal_writer *w, uint32_t fail_write_at, uint32_t fail_fsync_at)
{
	SZ_ASSERT(w != NULL);
	SZ_ASSERT(w->write_count == 0 && w->fsync_count == 0); /* before the first write */
	w->fail_write_at = fail_write_at;
	w->fail_fsync_at = fail_fsync_at;
}

static int write_all(struct wal_writer *w, int fd, const void *data, size_t size, uint64_t offset)
{
	SZ_ASSERT(fd >= 0);
	SZ_ASSERT(offset + size <= w->segment_size);
	if (++w->write_count == w->fail_write_at)
		return SZ_EIO;
	return w->st->ops->write(w->st, fd, data, size, offset);
}

static int sync_fd(struct wal_writer *w, int fd)
{
	SZ_ASSERT(fd >= 0);
	SZ_ASSERT(w->fsync_count < UINT32_MAX);
	if (++w->fsync_count == w->fail_fsync_at)
		return SZ_EIO;
	return w->st->ops->sync(w->st, fd);
}

/* Create (or reopen, after a crash during creation) segment n with its header. */
static int segment_create(struct wal_writer *w, uint32_t segment, const struct wal_batch_header *first)
{
	SZ_ASSERT(segment > 0);
	SZ_ASSERT(first->sequence > 0);
	char path[PATH_SIZE_MAX];
	segment_name(path, sizeof path, w->dir, "log", segment);
	int fd = -1;
	int rc = w->st->ops->open(w->st, path, SZ_STORAGE_CREATE, &fd);
	if (rc != 0)
		return SZ_EIO;
	rc = w->st->ops->allocate(w->st, fd, w->segment_size);
	struct wal_segment_header h;
	memset(&h, 0, sizeof h);
	h.magic = WAL_SEGMENT_MAGIC;
	h.version = WAL_FORMAT_VERSION;
	h.segment = segment;
	h.segment_size = w->segment_size;
	h.first_sequence = first->sequence;
	memcpy(h.prev_hash, first->prev_hash, 32);
	segment_header_hash(h.header_hash, &h);
	if (rc == 0)
		rc = write_all(w, fd, &h, sizeof h, 0);
	if (rc == 0)
		rc = sync_fd(w, fd);
	if (rc == 0)
		rc = w->st->ops->sync_dir(w->st, w->log_dir);
	if (rc != 0) {
		w->st->ops->close(w->st, fd);
		return SZ_EIO;
	}
	if (w->fd >= 0)
		w->st->ops->close(w->st, w->fd);
	w->fd = fd;
	w->segment = segment;
	return 0;
}

static int segment_open(struct wal_writer *w, uint32_t segment)
{
	SZ_ASSERT(segment > 0);
	char path[PATH_SIZE_MAX];
	segment_name(path, sizeof path, w->dir, "log", segment);
	int fd = -1;
	if (w->st->ops->open(w->st, path, SZ_STORAGE_WRITE, &fd) != 0)
		return SZ_EIO;
	if (w->fd >= 0)
		w->st->ops->close(w->st, w->fd);
	w->fd = fd;
	w->segment = segment;
	SZ_ASSERT(w->fd >= 0);
	return 0;
}

int wal_append(struct wal_writer *w, uint32_t segment, uint64_t offset, uint8_t *batch, uint32_t batch_size)
{
	struct wal_batch_header *h = (struct wal_batch_header *)batch;
	SZ_ASSERT(batch_size == WAL_BATCH_HEADER_SIZE + h->body_size);
	SZ_ASSERT(offset + batch_size <= w->segment_size);
	SZ_ASSERT(offset >= WAL_SEGMENT_HEADER_SIZE && offset % 8 == 0);
	SZ_ASSERT(h->sequence > 0 && h->command_count > 0);
	h->magic = WAL_BATCH_MAGIC;
	h->zero_piece_count = wal_zero_piece_count(batch + WAL_BATCH_HEADER_SIZE, offset + WAL_BATCH_HEADER_SIZE,
						   h->body_size);
	sz_blake2b(h->body_hash, batch + WAL_BATCH_HEADER_SIZE, h->body_size);
	wal_batch_header_hash(h->header_hash, h);
	int rc = 0;
	if (segment != w->segment || w->fd < 0)
		rc = offset == WAL_SEGMENT_HEADER_SIZE ? segment_create(w, segment, h) : segment_open(w, segment);
	if (rc == 0)
		rc = write_all(w, w->fd, batch, batch_size, offset);
	if (rc == 0)
		rc = sync_fd(w, w->fd);
	return rc;
}

int wal_archive_before(const struct sz_storage *st, const char *data_dir, uint32_t segment)
{
	SZ_ASSERT(st != NULL);
	SZ_ASSERT(segment < SZ_SEGMENT_COUNT_MAX);
	char from[PATH_SIZE_MAX], to[PATH_SIZE_MAX];
	snprintf(to, sizeof to, "%s/archive", data_dir);
	if (st->ops->mkdir(st, to) != 0)
		return SZ_EIO;
	bool moved = false;
	for (uint32_t n = 1; n < segment; n++) {
		segment_name(from, sizeof from, data_dir, "log", n);
		segment_name(to, sizeof to, data_dir, "archive", n);
		int rc = st->ops->rename(st, from, to);
		if (rc != 0 && rc != SZ_ENOTFOUND)
			return SZ_EIO;
		moved |= rc == 0;
	}
	if (!moved)
		return 0;
	/* The new name first: a crash between the two leaves the segment in
	 * both listings at worst, never in neither. */
	snprintf(to, sizeof to, "%s/archive", data_dir);
	snprintf(from, sizeof from, "%s/log", data_dir);
	if (st->ops->sync_dir(st, to) != 0 || st->ops->sync_dir(st, from) != 0)
		return SZ_EIO;
	return 0;
}
