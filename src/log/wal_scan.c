/*
 * wal_scan.c — validating the log from a start point to its end (recovery,
 * scrubs, `szfin verify`), and repairing only a torn tail. The format and
 * the rule that tells a torn batch from a damaged one are at the top of wal.c.
 */
#include "log/wal.h"
#include "log/wal_prehash.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/limits.h"
#include "szfin/szfin.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_SIZE_MAX 4096

/* Bytes after a torn batch that may hold its stray sectors: one largest batch. */
#define TAIL_WINDOW_SIZE (WAL_BATCH_HEADER_SIZE + SZ_BATCH_BODY_SIZE_MAX)

struct scan {
	const struct sz_storage *st;
	const char *dir;
	const struct wal_scan_start *start;
	bool repair;
	wal_batch_fn fn;
	void *ctx;
	struct wal_scan_result *r;
	uint64_t expected_sequence;
	uint8_t head[32];
	uint8_t *buf;             /* header + largest body, then the tail window */
	uint32_t last_segment;
	uint64_t batch_time_ns_min; /* the next batch's time must be at least this */
	bool take_head_from_segment; /* from_first_retained: the first segment header sets the head */
	bool stop;                /* sequence_max reached */
	struct wal_prehash *ahead; /* body hashes from a second thread, or NULL */
};

static bool all_zero(const uint8_t *p, size_t size)
{
	SZ_ASSERT(p != NULL);
	SZ_ASSERT(size <= TAIL_WINDOW_SIZE);
	for (size_t i = 0; i < size; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static bool header_valid(const struct wal_batch_header *h)
{
	SZ_ASSERT(h != NULL);
	uint8_t hash[32];
	if (h->magic != WAL_BATCH_MAGIC)
		return false;
	wal_batch_header_hash(hash, h);
	SZ_ASSERT(WAL_BATCH_HASHED_SIZE + 32 == sizeof *h);
	return memcmp(hash, h->header_hash, 32) == 0;
}

static int read_exact(struct scan *s, int fd, void *out, size_t size, uint64_t offset)
{
	SZ_ASSERT(fd >= 0);
	SZ_ASSERT(out != NULL);
	return sz_storage_read_exact(s->st, fd, out, size, offset);
}

/* Read [from, from + size) clipped to the file into s->buf; returns bytes read. */
static size_t read_window(struct scan *s, int fd, uint64_t from, uint64_t file_size, size_t size)
{
	SZ_ASSERT(size <= WAL_BATCH_HEADER_SIZE + SZ_BATCH_BODY_SIZE_MAX);
	if (from >= file_size)
		return 0;
	if (size > file_size - from)
		size = (size_t)(file_size - from);
	size_t done = 0;
	if (s->st->ops->read(s->st, fd, s->buf, size, from, &done) != 0)
		return 0;
	SZ_ASSERT(done <= size);
	return done;
}

/* Is there a valid batch header with a later sequence anywhere in the two
 * largest batches after from? If so, the damage is not a torn tail. */
static bool later_header_follows(struct scan *s, int fd, uint64_t from, uint64_t file_size, uint64_t sequence)
{
	SZ_ASSERT(from % 8 == 0);
	SZ_ASSERT(fd >= 0);
	for (int half = 0; half < 2; half++) {
		uint64_t base = from + (uint64_t)half * (TAIL_WINDOW_SIZE - WAL_BATCH_HEADER_SIZE);
		size_t n = read_window(s, fd, base, file_size, TAIL_WINDOW_SIZE);
		for (size_t i = half ? 0 : 8; i + WAL_BATCH_HEADER_SIZE <= n; i += 8) {
			struct wal_batch_header h;
			memcpy(&h, s->buf + i, sizeof h);
			if (h.magic == WAL_BATCH_MAGIC && header_valid(&h) && h.sequence > sequence)
				return true;
		}
	}
	return false;
}

static int fail_at(struct scan *s, const char *path, uint64_t offset, const char *reason)
{
	SZ_ASSERT(reason != NULL);
	SZ_ASSERT(path != NULL);
	snprintf(s->r->why, sizeof s->r->why, "%s: offset %llu: %s", path, (unsigned long long)offset, reason);
	return SZ_ECORRUPT;
}

/* Are the bytes after offset (one tail window) all zero? */
static bool tail_clean(struct scan *s, int fd, uint64_t offset, uint64_t file_size)
{
	SZ_ASSERT(fd >= 0);
	SZ_ASSERT(offset >= WAL_SEGMENT_HEADER_SIZE);
	size_t n = read_window(s, fd, offset, file_size, TAIL_WINDOW_SIZE);
	for (size_t i = 0; i < n; i++)
		if (s->buf[i] != 0)
			return false;
	return true;
}

/* Zero the torn tail [offset, offset + one largest batch) and sync. */
static int repair_tail(struct scan *s, int fd, uint64_t offset, uint64_t file_size)
{
	SZ_ASSERT(s->repair);
	SZ_ASSERT(offset >= WAL_SEGMENT_HEADER_SIZE);
	uint64_t end = offset + TAIL_WINDOW_SIZE;
	if (end > file_size)
		end = file_size;
	size_t size = (size_t)(end - offset);
	memset(s->buf, 0, size);
	int rc = s->st->ops->write(s->st, fd, s->buf, size, offset);
	if (rc == 0)
		rc = s->st->ops->sync(s->st, fd);
	return rc == 0 ? 0 : SZ_EIO;
}

/* Why batch h at offset is not the expected next batch, or NULL if it is. */
static const char *batch_problem(const struct scan *s, const struct wal_batch_header *h, uint64_t offset,
				 uint64_t file_size)
{
	SZ_ASSERT(offset >= WAL_SEGMENT_HEADER_SIZE);
	SZ_ASSERT(s->expected_sequence > 0);
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
	SZ_ASSERT(c->size >= sizeof *c);
	SZ_ASSERT(record != NULL);
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
	SZ_ASSERT(body != NULL || body_size == 0);
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
	SZ_ASSERT(offset <= body_size);
	return offset == body_size;
}

/* A batch at offset failed its checks (problem). Torn: one of its pieces is
 * zero although written non-zero (rule in wal.c). header_ok: the header hash
 * holds, so its body_size and zero_piece_count can be trusted. */
static bool looks_torn(const struct wal_batch_header *h, const uint8_t *body, uint64_t offset, bool header_ok)
{
	SZ_ASSERT(offset >= WAL_SEGMENT_HEADER_SIZE);
	if (!header_ok)
		return wal_zero_piece_count((const uint8_t *)h, offset, WAL_BATCH_HEADER_SIZE) > 0;
	SZ_ASSERT(h->body_size <= SZ_BATCH_BODY_SIZE_MAX);
	return wal_zero_piece_count(body, offset + WAL_BATCH_HEADER_SIZE, h->body_size) > h->zero_piece_count;
}

/* Passed the batch a snapshot covers? Check it is the one the snapshot saw. */
static int check_anchor(struct scan *s, const char *path, uint64_t offset, const struct wal_batch_header *h,
			uint64_t end_pos)
{
	const struct wal_scan_start *a = s->start;
	SZ_ASSERT(a->anchor_sequence != 0);
	SZ_ASSERT(h->sequence == a->anchor_sequence);
	if (memcmp(h->header_hash, a->anchor_hash, 32) != 0)
		return fail_at(s, path, offset, "batch hash differs from the one the snapshot recorded for it");
	uint64_t next_segment_pos = ((end_pos >> 40) + 1) << 40 | WAL_SEGMENT_HEADER_SIZE;
	if (a->anchor_log_pos != end_pos && a->anchor_log_pos != next_segment_pos)
		return fail_at(s, path, offset, "batch ends elsewhere than the snapshot recorded");
	s->r->anchor_reached = true;
	return 0;
}

/* Check the segment header; in from_first_retained mode take the head from it. */
static int check_segment_header(struct scan *s, const char *path, int fd, uint32_t segment, uint64_t offset,
				uint64_t file_size, bool *torn_creation)
{
	SZ_ASSERT(segment > 0 && fd >= 0);
	SZ_ASSERT(offset >= WAL_SEGMENT_HEADER_SIZE);
	struct wal_segment_header sh;
	memset(&sh, 0, sizeof sh);
	int read_rc = read_exact(s, fd, &sh, sizeof sh, 0);
	if (read_rc == SZ_EIO)
		return SZ_EIO; /* the disk failed: that says nothing about the data */
	bool readable = read_rc == 0; /* a short file is unreadable */
	uint8_t hash[32];
	sz_sha256(hash, &sh, 96);
	bool ok = readable && sh.magic == WAL_SEGMENT_MAGIC && memcmp(hash, sh.header_hash, 32) == 0 &&
		  sh.segment == segment;
	*torn_creation = false;
	if (!ok && segment == s->last_segment && offset == WAL_SEGMENT_HEADER_SIZE && !s->take_head_from_segment &&
	    !later_header_follows(s, fd, 0, file_size, s->expected_sequence - 1)) {
		*torn_creation = true; /* a crash while the segment was being created, before any batch */
		return 0;
	}
	if (!ok)
		return fail_at(s, path, 0, readable ? "segment header invalid" : "segment header unreadable");
	if (sh.version != WAL_FORMAT_VERSION)
		return SZ_EVERSION;
	if (s->take_head_from_segment) {
		s->take_head_from_segment = false;
		if (segment == 1 && (sh.first_sequence != 1 || !all_zero(sh.prev_hash, 32)))
			return fail_at(s, path, 0, "first segment does not start the log");
		s->expected_sequence = sh.first_sequence;
		memcpy(s->head, sh.prev_hash, 32);
		s->r->last_sequence = sh.first_sequence - 1;
		const struct wal_scan_start *a = s->start;
		if (a->anchor_sequence != 0 && a->anchor_sequence + 1 == sh.first_sequence &&
		    memcmp(a->anchor_hash, sh.prev_hash, 32) == 0)
			s->r->anchor_reached = true;
		if (a->anchor_sequence != 0 && a->anchor_sequence + 1 < sh.first_sequence)
			return fail_at(s, path, 0, "segment starts after the batch the snapshot covers");
	} else if (offset == WAL_SEGMENT_HEADER_SIZE &&
		   (sh.first_sequence != s->expected_sequence || memcmp(sh.prev_hash, s->head, 32) != 0)) {
		return fail_at(s, path, 0, "segment does not continue the previous one");
	}
	return 0;
}

/* A batch at offset failed (problem): torn tail (repaired if asked) or damage. */
static int batch_failed(struct scan *s, const char *path, int fd, uint32_t segment, uint64_t offset,
			uint64_t file_size, const char *problem, bool torn)
{
	SZ_ASSERT(problem != NULL);
	SZ_ASSERT(offset >= WAL_SEGMENT_HEADER_SIZE);
	bool after_anchor = s->start->anchor_sequence == 0 || s->r->anchor_reached;
	bool tail = torn && after_anchor && segment == s->last_segment &&
		    !later_header_follows(s, fd, offset, file_size, s->expected_sequence - 1);
	if (!tail) {
		if (!torn)
			return fail_at(s, path, offset, problem);
		char reason[160];
		snprintf(reason, sizeof reason, "%s (a torn write, but not at the end of the log)", problem);
		return fail_at(s, path, offset, reason);
	}
	s->r->torn_tail = true;
	s->r->torn_segment = segment;
	s->r->torn_offset = offset;
	return s->repair ? repair_tail(s, fd, offset, file_size) : 0;
}

/* A valid batch: hand it over and advance the head. */
static int batch_passed(struct scan *s, const char *path, uint32_t segment, uint64_t offset,
			const struct wal_batch_header *h, const uint8_t *body)
{
	SZ_ASSERT(h->sequence == s->expected_sequence);
	SZ_ASSERT(path != NULL && (body != NULL || h->body_size == 0));
	uint64_t body_pos = ((uint64_t)segment << 40) | (offset + WAL_BATCH_HEADER_SIZE);
	int rc = 0;
	if (h->sequence == s->start->anchor_sequence)
		rc = check_anchor(s, path, offset, h, body_pos + h->body_size);
	if (rc == 0 && s->fn)
		rc = s->fn(s->ctx, h, body, body_pos);
	if (rc != 0)
		return rc;
	memcpy(s->head, h->header_hash, 32);
	s->expected_sequence++;
	s->batch_time_ns_min = h->batch_time_ns + h->command_count;
	s->r->batch_count++;
	s->r->last_sequence = h->sequence;
	s->r->last_batch_time_ns = h->batch_time_ns;
	s->stop = s->start->sequence_max != 0 && h->sequence >= s->start->sequence_max;
	return 0;
}

/* Read and judge the batch whose header is in s->buf at offset: *problem
 * is why it fails (NULL if it passes), *torn whether that looks like a torn
 * write, *body its body (from the second thread, or read into s->buf). */
static int judge_batch(struct scan *s, int fd, uint32_t segment, uint64_t offset, uint64_t file_size,
		       const uint8_t **body, const char **problem, bool *torn)
{
	const struct wal_batch_header *h = (const struct wal_batch_header *)s->buf;
	SZ_ASSERT(offset + WAL_BATCH_HEADER_SIZE <= file_size);
	*problem = batch_problem(s, h, offset, file_size);
	bool header_ok = header_valid(h);
	uint8_t body_hash[32];
	/* the body and its hash from the second thread, for this very header */
	*body = *problem == NULL ? wal_prehash_take(s->ahead, segment, offset, h, body_hash) : NULL;
	bool hashed = *body != NULL;
	bool read_body = !hashed && (*problem == NULL || (header_ok && h->body_size <= SZ_BATCH_BODY_SIZE_MAX &&
							  offset + WAL_BATCH_HEADER_SIZE + h->body_size <= file_size));
	if (!hashed)
		*body = s->buf + WAL_BATCH_HEADER_SIZE;
	int rc = read_body ? read_exact(s, fd, s->buf + WAL_BATCH_HEADER_SIZE, h->body_size,
					offset + WAL_BATCH_HEADER_SIZE) : 0;
	if (rc != 0)
		return rc;
	if (*problem == NULL) {
		if (!hashed)
			sz_blake2b(body_hash, *body, h->body_size);
		if (memcmp(body_hash, h->body_hash, 32) != 0) {
			*problem = "batch body checksum mismatch";
			*torn = looks_torn(h, *body, offset, true);
		} else if (!wal_body_valid(*body, h->body_size, h->command_count, h->batch_time_ns)) {
			*problem = "batch body holds malformed commands";
		}
	} else if (!header_ok) {
		*torn = looks_torn(h, NULL, offset, false);
	}
	return 0;
}

/* Scan one segment from offset; the loop body is one batch. */
static int scan_segment(struct scan *s, uint32_t segment, uint64_t offset)
{
	SZ_ASSERT(segment > 0 && segment <= s->last_segment);
	SZ_ASSERT(offset >= WAL_SEGMENT_HEADER_SIZE);
	char path[PATH_SIZE_MAX];
	int found = wal_segment_path(s->st, s->dir, segment, path, sizeof path);
	if (found == SZ_EIO)
		return SZ_EIO;
	if (found != 0)
		return fail_at(s, "log", 0, "missing segment");
	int fd = -1;
	if (s->st->ops->open(s->st, path, s->repair ? SZ_STORAGE_WRITE : SZ_STORAGE_READ, &fd) != 0)
		return SZ_EIO;
	uint64_t file_size = 0;
	int rc = s->st->ops->size(s->st, fd, &file_size);
	bool torn_creation = false;
	if (rc == 0)
		rc = check_segment_header(s, path, fd, segment, offset, file_size, &torn_creation);
	if (rc == 0 && torn_creation) {
		s->r->torn_tail = true;
		s->r->torn_segment = segment;
		s->r->torn_offset = 0;
		s->r->end_segment = segment;
		s->r->end_offset = offset;
		s->st->ops->close(s->st, fd);
		return 0;
	}
	while (rc == 0 && !s->stop && offset + WAL_BATCH_HEADER_SIZE <= file_size) {
		struct wal_batch_header *h = (struct wal_batch_header *)s->buf;
		if (s->start->cancel != NULL && atomic_load_explicit(s->start->cancel, memory_order_relaxed)) {
			rc = SZ_ESTATE;
			break;
		}
		if ((rc = read_exact(s, fd, h, WAL_BATCH_HEADER_SIZE, offset)) != 0)
			break;
		if (all_zero(s->buf, WAL_BATCH_HEADER_SIZE)) {
			/* End of data, unless stray sectors of a torn batch lie after it. */
			if (!tail_clean(s, fd, offset, file_size))
				rc = batch_failed(s, path, fd, segment, offset, file_size, "stray bytes after the end of data",
						  true);
			break;
		}
		const char *problem = NULL;
		bool torn = false;
		const uint8_t *body = NULL;
		if ((rc = judge_batch(s, fd, segment, offset, file_size, &body, &problem, &torn)) != 0)
			break;
		if (problem != NULL) {
			rc = batch_failed(s, path, fd, segment, offset, file_size, problem, torn);
			break;
		}
		if ((rc = batch_passed(s, path, segment, offset, h, body)) != 0)
			break;
		offset += WAL_BATCH_HEADER_SIZE + h->body_size;
	}
	s->r->end_segment = segment;
	s->r->end_offset = offset;
	s->st->ops->close(s->st, fd);
	return rc;
}

struct range {
	uint32_t lowest;
	uint32_t highest;
	int rc;            /* a listing failed (not "no such directory"): nothing is known */
};

static int note_segment(void *ctx, const char *name)
{
	struct range *r = ctx;
	SZ_ASSERT(r != NULL && name != NULL);
	SZ_ASSERT(r->highest == 0 || r->lowest <= r->highest);
	unsigned n;
	char tail[8];
	if (sscanf(name, "%8u.%7s", &n, tail) == 2 && strcmp(tail, "szl") == 0 && n > 0 && n < SZ_SEGMENT_COUNT_MAX) {
		r->lowest = n < r->lowest ? n : r->lowest;
		r->highest = n > r->highest ? n : r->highest;
	}
	return 0;
}

/* Segment numbers present in log/ (and archive/ if asked): lowest and highest. */
static struct range segment_range(const struct sz_storage *st, const char *data_dir, bool with_archive)
{
	static const char *subs[] = { "log", "archive" };
	SZ_ASSERT(st != NULL && data_dir != NULL);
	struct range r = { .lowest = UINT32_MAX, .highest = 0 };
	for (int i = 0; i < (with_archive ? 2 : 1); i++) {
		char path[PATH_SIZE_MAX];
		snprintf(path, sizeof path, "%s/%s", data_dir, subs[i]);
		int rc = st->ops->list(st, path, note_segment, &r);
		if (rc != 0 && rc != SZ_ENOTFOUND) /* a missing directory holds nothing; a failed listing */
			r.rc = SZ_EIO;                 /* must not look like an empty log (found by the simulation) */
	}
	SZ_ASSERT(r.highest == 0 || r.lowest <= r.highest);
	return r;
}

/* After the scan: the log must have reached the snapshot's batch. */
static int check_anchor_reached(struct scan *s, int rc)
{
	const struct wal_scan_start *a = s->start;
	SZ_ASSERT(a != NULL);
	if (rc != 0 || a->anchor_sequence == 0 || s->r->anchor_reached)
		return rc;
	SZ_ASSERT(s->r->last_sequence < a->anchor_sequence || s->r->batch_count == 0 || s->start->sequence_max != 0);
	snprintf(s->r->why, sizeof s->r->why,
		 "log ends at batch %llu (segment %u offset %llu) but a snapshot covers batch %llu at segment %u "
		 "offset %llu: the log was cut short or a segment was deleted",
		 (unsigned long long)s->r->last_sequence, s->r->end_segment, (unsigned long long)s->r->end_offset,
		 (unsigned long long)a->anchor_sequence, (unsigned)(a->anchor_log_pos >> 40),
		 (unsigned long long)(a->anchor_log_pos & ((1ull << 40) - 1)));
	return SZ_ECORRUPT;
}

int wal_scan(const struct sz_storage *st, const char *data_dir, const struct wal_scan_start *start, bool repair,
	     wal_batch_fn fn, void *ctx, struct wal_scan_result *result)
{
	SZ_ASSERT(st != NULL && start != NULL && result != NULL);
	SZ_ASSERT(start->from_first_retained || start->sequence > 0);
	memset(result, 0, sizeof *result);
	struct scan s = { .st = st, .dir = data_dir, .start = start, .repair = repair, .fn = fn, .ctx = ctx,
			  .r = result };
	s.expected_sequence = start->sequence;
	s.batch_time_ns_min = start->batch_time_ns_min;
	memcpy(s.head, start->prev_hash, 32);
	result->last_sequence = start->sequence - 1;
	struct range range = segment_range(st, data_dir, !start->from_first_retained);
	if (range.rc != 0)
		return snprintf(result->why, sizeof result->why, "%s: cannot list the log's segments", data_dir), range.rc;
	uint32_t segment = start->segment ? start->segment : 1;
	uint64_t offset = start->segment ? start->offset : WAL_SEGMENT_HEADER_SIZE;
	if (start->from_first_retained) {
		s.take_head_from_segment = true;
		s.expected_sequence = 0;
		s.batch_time_ns_min = 0;
		memset(s.head, 0, 32);
		result->last_sequence = 0;
		segment = range.highest ? range.lowest : 1;
		offset = WAL_SEGMENT_HEADER_SIZE;
	}
	result->end_segment = segment;
	result->end_offset = offset;
	if (range.highest == 0 || segment > range.highest) {
		memcpy(result->head_hash, s.head, 32);
		return check_anchor_reached(&s, 0); /* empty log (or nothing after the snapshot yet) */
	}
	if (!start->from_first_retained && start->segment == 0 && range.lowest != 1)
		return snprintf(result->why, sizeof result->why, "log: segment 1 is missing"), SZ_ECORRUPT;
	s.last_segment = range.highest;
	s.buf = malloc(TAIL_WINDOW_SIZE);
	if (s.buf == NULL)
		return SZ_ENOMEM;
	if (start->hash_ahead)
		s.ahead = wal_prehash_start(st, data_dir, segment, offset, range.highest, start->sequence_max);
	int rc = 0;
	for (; segment <= range.highest && rc == 0 && !s.stop; segment++) {
		rc = scan_segment(&s, segment, offset);
		if (rc == 0 && result->torn_tail)
			break;
		offset = WAL_SEGMENT_HEADER_SIZE;
	}
	wal_prehash_stop(s.ahead);
	memcpy(result->head_hash, s.head, 32);
	free(s.buf);
	return check_anchor_reached(&s, rc);
}
