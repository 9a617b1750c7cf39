/*
 * wal.c — writing, scanning and repairing the szfin log.
 *
 * FORMAT. A data directory holds log/00000001.szl, log/00000002.szl, ...
 * (older ones may have moved to archive/). Each segment file is preallocated
 * to segment_size bytes (posix_fallocate) and starts with a 128-byte segment
 * header (struct wal_segment_header in wal.h). Batches follow back to back
 * from offset 128, each a 128-byte struct wal_batch_header and body_size
 * bytes of commands (each an 8-byte sz_command_header + body, multiple of 8).
 * The rest of the file is zero. A batch never spans two segments.
 *
 * CHAIN. A batch's header_hash = SHA-256(header bytes [0, 160)); each header
 * carries the previous header_hash (prev_hash) and the BLAKE2b-256 of its
 * body. The head hash (last header_hash) thus commits to the whole log. A
 * segment header's header_hash covers its bytes [0, 96).
 *
 * OUTCOMES. A header also records the hash of the result codes of an earlier
 * batch (the last one applied when this one was closed): replay recomputes
 * them and stops if they differ, so a replay that would silently compute a
 * different state (other code, other data files) is caught at once.
 *
 * WRITE ORDER. A new segment: create, fallocate, write its header, fdatasync
 * the file, fsync the directory — before any batch goes in. A batch: one
 * pwrite of header + body, then fdatasync; only then may the engine apply and
 * acknowledge it. A failed write or sync is returned and never retried: the
 * engine stops (the page cache state after a failed fsync is unknown).
 *
 * VALIDATION (reader). For each batch at the expected position: magic,
 * header_hash, sequence = previous + 1, prev_hash = previous header_hash,
 * body_size within limits and inside the segment, body hash. A zero magic
 * ends a segment's data. The first invalid batch stops the scan:
 *   - if it is in the last segment and no valid later header follows within
 *     the largest batch size, it is a torn tail (a crash during its write; it
 *     was never acknowledged): repair zeroes it;
 *   - otherwise it is corruption: the scan fails, naming file and offset.
 */
#include "log/wal.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/limits.h"
#include "szfin/szfin.h"

#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_SIZE_MAX 4096

struct wal_writer {
	char dir[PATH_SIZE_MAX];
	int dir_fd;
	int fd;                 /* current segment, -1 if none */
	uint32_t segment;
	uint64_t segment_size;
	uint32_t write_count;
	uint32_t fsync_count;
	uint32_t fail_write_at;
	uint32_t fail_fsync_at;
};

static void segment_name(char *out, size_t size, const char *dir, const char *sub, uint32_t segment)
{
	int n = snprintf(out, size, "%s/%s/%08u.szl", dir, sub, segment);
	SZ_ASSERT(n > 0 && (size_t)n < size);
}

int wal_segment_path(const char *data_dir, uint32_t segment, char *out, size_t out_size)
{
	struct stat st;
	segment_name(out, out_size, data_dir, "log", segment);
	if (stat(out, &st) == 0)
		return 0;
	segment_name(out, out_size, data_dir, "archive", segment);
	return stat(out, &st) == 0 ? 0 : SZ_ENOTFOUND;
}

static void segment_header_hash(uint8_t out[32], const struct wal_segment_header *h)
{
	sz_sha256(out, h, 96);
}

static void batch_header_hash(uint8_t out[32], const struct wal_batch_header *h)
{
	sz_sha256(out, h, WAL_BATCH_HASHED_SIZE);
}

/* ---- writer ----------------------------------------------------------------- */

int wal_writer_open(struct wal_writer **out, const char *data_dir, uint64_t segment_size)
{
	SZ_ASSERT(segment_size >= SZ_SEGMENT_SIZE_MIN);
	SZ_ASSERT(segment_size < (1ull << 40)); /* offsets are 40 bits of a log position */
	struct wal_writer *w = calloc(1, sizeof *w);
	if (w == NULL)
		return SZ_ENOMEM;
	snprintf(w->dir, sizeof w->dir, "%s/log", data_dir);
	w->dir_fd = open(w->dir, O_RDONLY | O_DIRECTORY);
	if (w->dir_fd < 0) {
		free(w);
		return SZ_EIO;
	}
	snprintf(w->dir, sizeof w->dir, "%s", data_dir);
	w->fd = -1;
	w->segment_size = segment_size;
	*out = w;
	return 0;
}

void wal_writer_close(struct wal_writer *w)
{
	if (w == NULL)
		return;
	if (w->fd >= 0)
		close(w->fd);
	close(w->dir_fd);
	free(w);
}

void wal_writer_inject(struct wal_writer *w, uint32_t fail_write_at, uint32_t fail_fsync_at)
{
	w->fail_write_at = fail_write_at;
	w->fail_fsync_at = fail_fsync_at;
}

static int write_all(struct wal_writer *w, int fd, const void *data, size_t size, uint64_t offset)
{
	if (++w->write_count == w->fail_write_at)
		return SZ_EIO;
	const uint8_t *p = data;
	while (size > 0) {
		ssize_t n = pwrite(fd, p, size, (off_t)offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return SZ_EIO;
		p += n;
		size -= (size_t)n;
		offset += (uint64_t)n;
	}
	return 0;
}

static int sync_fd(struct wal_writer *w, int fd)
{
	if (++w->fsync_count == w->fail_fsync_at)
		return SZ_EIO;
	return fdatasync(fd) == 0 ? 0 : SZ_EIO;
}

/* Create (or reopen, after a crash during creation) segment n with its header. */
static int segment_create(struct wal_writer *w, uint32_t segment, const struct wal_batch_header *first)
{
	char path[PATH_SIZE_MAX];
	segment_name(path, sizeof path, w->dir, "log", segment);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return SZ_EIO;
	int rc = posix_fallocate(fd, 0, (off_t)w->segment_size) == 0 ? 0 : SZ_EIO;
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
	if (rc == 0 && fsync(w->dir_fd) != 0)
		rc = SZ_EIO;
	if (rc != 0) {
		close(fd);
		return rc;
	}
	if (w->fd >= 0)
		close(w->fd);
	w->fd = fd;
	w->segment = segment;
	return 0;
}

static int segment_open(struct wal_writer *w, uint32_t segment)
{
	char path[PATH_SIZE_MAX];
	segment_name(path, sizeof path, w->dir, "log", segment);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return SZ_EIO;
	if (w->fd >= 0)
		close(w->fd);
	w->fd = fd;
	w->segment = segment;
	return 0;
}

int wal_append(struct wal_writer *w, uint32_t segment, uint64_t offset, uint8_t *batch, uint32_t batch_size)
{
	struct wal_batch_header *h = (struct wal_batch_header *)batch;
	SZ_ASSERT(batch_size == WAL_BATCH_HEADER_SIZE + h->body_size);
	SZ_ASSERT(offset + batch_size <= w->segment_size);
	SZ_ASSERT(offset >= WAL_SEGMENT_HEADER_SIZE && offset % 8 == 0);
	h->magic = WAL_BATCH_MAGIC;
	sz_blake2b(h->body_hash, batch + WAL_BATCH_HEADER_SIZE, h->body_size);
	batch_header_hash(h->header_hash, h);
	int rc = 0;
	if (segment != w->segment || w->fd < 0)
		rc = offset == WAL_SEGMENT_HEADER_SIZE ? segment_create(w, segment, h) : segment_open(w, segment);
	if (rc == 0)
		rc = write_all(w, w->fd, batch, batch_size, offset);
	if (rc == 0)
		rc = sync_fd(w, w->fd);
	return rc;
}

/* ---- scanning ---------------------------------------------------------------- */

struct scan {
	const char *dir;
	bool repair;
	wal_batch_fn fn;
	void *ctx;
	struct wal_scan_result *r;
	uint64_t expected_sequence;
	uint8_t head[32];
	uint8_t *buf;             /* header + largest body */
	uint32_t last_segment;
	uint64_t batch_time_ns_min; /* the next batch's time must be at least this */
};

static bool header_valid(const struct wal_batch_header *h)
{
	uint8_t hash[32];
	if (h->magic != WAL_BATCH_MAGIC)
		return false;
	batch_header_hash(hash, h);
	return memcmp(hash, h->header_hash, 32) == 0;
}

static int read_exact(int fd, void *out, size_t size, uint64_t offset)
{
	uint8_t *p = out;
	while (size > 0) {
		ssize_t n = pread(fd, p, size, (off_t)offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return SZ_EIO;
		if (n == 0)
			return SZ_ECORRUPT; /* short file */
		p += n;
		size -= (size_t)n;
		offset += (uint64_t)n;
	}
	return 0;
}

/* Is there a valid batch header with a later sequence anywhere in
 * [from, from + one largest batch)? If so, the damage is not a torn tail. */
static bool later_header_follows(int fd, uint64_t from, uint64_t file_size, uint64_t sequence)
{
	uint64_t end = from + 2ull * (WAL_BATCH_HEADER_SIZE + SZ_BATCH_BODY_SIZE_MAX);
	if (end > file_size)
		end = file_size;
	if (end <= from + WAL_BATCH_HEADER_SIZE)
		return false;
	size_t window = (size_t)(end - from);
	uint8_t *buf = malloc(window);
	SZ_ASSERT(buf != NULL);
	bool found = false;
	if (read_exact(fd, buf, window, from) == 0) {
		for (size_t i = 8; i + WAL_BATCH_HEADER_SIZE <= window && !found; i += 8) {
			struct wal_batch_header h;
			memcpy(&h, buf + i, sizeof h);
			found = header_valid(&h) && h.sequence > sequence;
		}
	}
	free(buf);
	return found;
}

static int fail_at(struct scan *s, const char *path, uint64_t offset, const char *reason)
{
	snprintf(s->r->why, sizeof s->r->why, "%s: offset %llu: %s", path, (unsigned long long)offset, reason);
	return SZ_ECORRUPT;
}

/* Zero the torn tail [offset, offset + largest batch) and sync. */
static int repair_tail(int fd, uint64_t offset, uint64_t file_size)
{
	uint64_t end = offset + WAL_BATCH_HEADER_SIZE + SZ_BATCH_BODY_SIZE_MAX;
	if (end > file_size)
		end = file_size;
	size_t size = (size_t)(end - offset);
	uint8_t *zeros = calloc(1, size);
	SZ_ASSERT(zeros != NULL);
	int rc = pwrite(fd, zeros, size, (off_t)offset) == (ssize_t)size && fdatasync(fd) == 0 ? 0 : SZ_EIO;
	free(zeros);
	return rc;
}

/* Why batch h at offset is not the expected next batch, or NULL if it is. */
static const char *batch_problem(const struct scan *s, const struct wal_batch_header *h, uint64_t offset,
				 uint64_t file_size)
{
	if (!header_valid(h))
		return "batch header checksum mismatch";
	if (h->sequence != s->expected_sequence)
		return "batch sequence out of order";
	if (memcmp(h->prev_hash, s->head, 32) != 0)
		return "hash chain broken: prev_hash differs from the previous batch's hash";
	if (h->body_size > SZ_BATCH_BODY_SIZE_MAX || h->body_size % 8 != 0 ||
	    h->command_count == 0 || h->command_count > SZ_BATCH_COMMAND_COUNT_MAX ||
	    offset + WAL_BATCH_HEADER_SIZE + h->body_size > file_size)
		return "batch size out of range";
	if (h->batch_time_ns < s->batch_time_ns_min || h->batch_time_ns > UINT64_MAX - SZ_BATCH_COMMAND_COUNT_MAX)
		return "batch time goes backwards";
	if (h->results_sequence >= h->sequence)
		return "batch records the outcome of a later batch";
	return NULL;
}

/* The engine stamps account and transfer records with their timestamp:
 * batch time + index. A body that disagrees was not written by the engine. */
static bool record_timestamp_valid(const sz_command_header *c, const uint8_t *record, uint64_t timestamp_ns)
{
	uint64_t stamped;
	if (c->kind == SZ_CMD_CREATE_TRANSFER && c->size == sizeof *c + sizeof(sz_transfer))
		memcpy(&stamped, record + offsetof(sz_transfer, timestamp), sizeof stamped);
	else if (c->kind == SZ_CMD_CREATE_ACCOUNT && c->size == sizeof *c + sizeof(sz_account))
		memcpy(&stamped, record + offsetof(sz_account, timestamp), sizeof stamped);
	else
		return true;
	return stamped == timestamp_ns;
}

bool wal_body_valid(const uint8_t *body, uint32_t body_size, uint32_t command_count, uint64_t batch_time_ns)
{
	uint32_t offset = 0;
	for (uint32_t i = 0; i < command_count; i++) {
		sz_command_header c;
		if (body_size - offset < sizeof c)
			return false;
		memcpy(&c, body + offset, sizeof c);
		if (c.size < sizeof c || c.size % 8 != 0 || c.size > SZ_COMMAND_SIZE_MAX || c.size > body_size - offset)
			return false;
		if (!record_timestamp_valid(&c, body + offset + sizeof c, batch_time_ns + i))
			return false;
		offset += c.size;
	}
	return offset == body_size;
}

static int scan_segment(struct scan *s, uint32_t segment, uint64_t offset)
{
	char path[PATH_SIZE_MAX];
	if (wal_segment_path(s->dir, segment, path, sizeof path) != 0)
		return fail_at(s, "log", 0, "missing segment");
	int fd = open(path, (s->repair ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return SZ_EIO;
	struct stat st;
	int rc = fstat(fd, &st) == 0 ? 0 : SZ_EIO;
	uint64_t file_size = (uint64_t)st.st_size;
	struct wal_segment_header sh;
	memset(&sh, 0, sizeof sh);
	bool readable = rc == 0 && read_exact(fd, &sh, sizeof sh, 0) == 0; /* a short file is unreadable */
	uint8_t hash[32];
	segment_header_hash(hash, &sh);
	bool header_ok = readable && sh.magic == WAL_SEGMENT_MAGIC && memcmp(hash, sh.header_hash, 32) == 0 &&
			 sh.segment == segment;
	if (rc == 0 && !header_ok && segment == s->last_segment && offset == WAL_SEGMENT_HEADER_SIZE &&
	    !later_header_follows(fd, 0, file_size, s->expected_sequence - 1)) {
		/* A crash while the segment was being created, before any batch:
		 * the writer creates it again at this position. */
		s->r->torn_tail = true;
		s->r->torn_segment = segment;
		s->r->torn_offset = 0;
		s->r->end_segment = segment;
		s->r->end_offset = offset;
		close(fd);
		return 0;
	}
	if (rc == 0 && !header_ok)
		rc = fail_at(s, path, 0, readable ? "segment header invalid" : "segment header unreadable");
	if (rc == 0 && sh.version != WAL_FORMAT_VERSION)
		rc = SZ_EVERSION;
	if (rc == 0 && offset == WAL_SEGMENT_HEADER_SIZE &&
	    (sh.first_sequence != s->expected_sequence || memcmp(sh.prev_hash, s->head, 32) != 0))
		rc = fail_at(s, path, 0, "segment does not continue the previous one");

	while (rc == 0 && offset + WAL_BATCH_HEADER_SIZE <= file_size) {
		struct wal_batch_header *h = (struct wal_batch_header *)s->buf;
		if ((rc = read_exact(fd, h, WAL_BATCH_HEADER_SIZE, offset)) != 0)
			break;
		if (h->magic == 0 && !later_header_follows(fd, offset, file_size, s->expected_sequence - 1))
			break; /* end of data */
		const char *problem = batch_problem(s, h, offset, file_size);
		uint8_t *body = s->buf + WAL_BATCH_HEADER_SIZE;
		if (problem == NULL && (rc = read_exact(fd, body, h->body_size, offset + WAL_BATCH_HEADER_SIZE)) != 0)
			break;
		uint8_t body_hash[32];
		if (problem == NULL) {
			sz_blake2b(body_hash, body, h->body_size);
			if (memcmp(body_hash, h->body_hash, 32) != 0)
				problem = "batch body checksum mismatch";
			else if (!wal_body_valid(body, h->body_size, h->command_count, h->batch_time_ns))
				problem = "batch body holds malformed commands";
		}
		if (problem != NULL) {
			bool tail = segment == s->last_segment &&
				    !later_header_follows(fd, offset, file_size, s->expected_sequence - 1);
			if (!tail) {
				rc = fail_at(s, path, offset, problem);
				break;
			}
			s->r->torn_tail = true;
			s->r->torn_segment = segment;
			s->r->torn_offset = offset;
			if (s->repair)
				rc = repair_tail(fd, offset, file_size);
			break;
		}
		uint64_t body_pos = ((uint64_t)segment << 40) | (offset + WAL_BATCH_HEADER_SIZE);
		if ((rc = s->fn ? s->fn(s->ctx, h, body, body_pos) : 0) != 0)
			break;
		memcpy(s->head, h->header_hash, 32);
		s->expected_sequence++;
		s->batch_time_ns_min = h->batch_time_ns + h->command_count;
		s->r->batch_count++;
		s->r->last_sequence = h->sequence;
		s->r->last_batch_time_ns = h->batch_time_ns;
		offset += WAL_BATCH_HEADER_SIZE + h->body_size;
	}
	s->r->end_segment = segment;
	s->r->end_offset = offset;
	close(fd);
	return rc;
}

/* Segment numbers present in log/ and archive/: lowest and highest. */
static void segment_range(const char *data_dir, uint32_t *lowest, uint32_t *highest)
{
	static const char *subs[] = { "log", "archive" };
	*lowest = UINT32_MAX;
	*highest = 0;
	for (int i = 0; i < 2; i++) {
		char path[PATH_SIZE_MAX];
		snprintf(path, sizeof path, "%s/%s", data_dir, subs[i]);
		DIR *d = opendir(path);
		if (d == NULL)
			continue;
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			unsigned n;
			char tail[8];
			if (sscanf(e->d_name, "%8u.%7s", &n, tail) == 2 && strcmp(tail, "szl") == 0 && n > 0) {
				*lowest = n < *lowest ? n : *lowest;
				*highest = n > *highest ? n : *highest;
			}
		}
		closedir(d);
	}
}

int wal_scan(const char *data_dir, const struct wal_scan_start *start, bool repair, wal_batch_fn fn,
	     void *ctx, struct wal_scan_result *result)
{
	memset(result, 0, sizeof *result);
	struct scan s = { .dir = data_dir, .repair = repair, .fn = fn, .ctx = ctx, .r = result };
	s.expected_sequence = start->sequence;
	s.batch_time_ns_min = start->batch_time_ns_min;
	memcpy(s.head, start->prev_hash, 32);
	memcpy(result->head_hash, start->prev_hash, 32);
	result->last_sequence = start->sequence - 1;
	uint32_t lowest, highest;
	segment_range(data_dir, &lowest, &highest);
	uint32_t segment = start->segment ? start->segment : 1;
	uint64_t offset = start->segment ? start->offset : WAL_SEGMENT_HEADER_SIZE;
	result->end_segment = segment;
	result->end_offset = offset;
	if (highest == 0 || segment > highest)
		return 0; /* empty log (or nothing after the snapshot yet) */
	if (start->segment == 0 && lowest != 1)
		return snprintf(result->why, sizeof result->why, "log: segment 1 is missing"), SZ_ECORRUPT;
	s.last_segment = highest;
	s.buf = malloc(WAL_BATCH_HEADER_SIZE + SZ_BATCH_BODY_SIZE_MAX);
	if (s.buf == NULL)
		return SZ_ENOMEM;
	int rc = 0;
	for (; segment <= highest && rc == 0; segment++) {
		rc = scan_segment(&s, segment, offset);
		if (rc == 0 && result->torn_tail)
			break;
		offset = WAL_SEGMENT_HEADER_SIZE;
	}
	memcpy(result->head_hash, s.head, 32);
	free(s.buf);
	return rc;
}

int wal_read_at(const char *data_dir, uint64_t log_pos, void *out, size_t size)
{
	char path[PATH_SIZE_MAX];
	uint32_t segment = (uint32_t)(log_pos >> 40) & 0xfffffu;
	uint64_t offset = log_pos & ((1ull << 40) - 1);
	if (wal_segment_path(data_dir, segment, path, sizeof path) != 0)
		return SZ_ENOTFOUND;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return SZ_EIO;
	int rc = read_exact(fd, out, size, offset);
	close(fd);
	return rc;
}

int wal_archive_before(const char *data_dir, uint32_t segment)
{
	char from[PATH_SIZE_MAX], to[PATH_SIZE_MAX];
	snprintf(to, sizeof to, "%s/archive", data_dir);
	if (mkdir(to, 0755) != 0 && errno != EEXIST)
		return SZ_EIO;
	for (uint32_t n = 1; n < segment; n++) {
		segment_name(from, sizeof from, data_dir, "log", n);
		segment_name(to, sizeof to, data_dir, "archive", n);
		if (rename(from, to) != 0 && errno != ENOENT)
			return SZ_EIO;
	}
	return 0;
}
