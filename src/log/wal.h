/*
 * wal.h — the write-ahead log: segment files of checksummed, hash-chained batches.
 *
 * Owns: the on-disk log format (documented at the top of wal.c), appending a
 * batch durably (write + fdatasync), scanning and validating the log for
 * recovery, scrubs and `szfin verify` (wal_scan.c), repairing only a torn
 * tail, and reading records back from checksum-verified batches (wal_read.c).
 * Every file operation goes through a struct sz_storage (storage.h).
 * Never: acknowledge anything itself (the engine does, after wal_append
 * returns 0), skip over a damaged batch, mistake a damaged complete batch
 * for a torn one, or hand out a byte of a batch whose checksums it has not
 * verified since reading it.
 */
#ifndef SZ_LOG_WAL_H
#define SZ_LOG_WAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "log/storage.h"

#define WAL_SEGMENT_HEADER_SIZE 128u
#define WAL_BATCH_HEADER_SIZE 192u
#define WAL_BATCH_HASHED_SIZE 160u /* header bytes covered by header_hash */
#define WAL_FORMAT_VERSION 2u
/* The unit a torn write tears at: a disk sector. See "TORN OR DAMAGED" in wal.c. */
#define WAL_PIECE_SIZE 512u

/* On-disk batch header, 192 bytes, little-endian. */
struct wal_batch_header {
	uint64_t magic;            /* WAL_BATCH_MAGIC */
	uint64_t sequence;         /* 1, 2, 3, ... without gaps */
	uint64_t batch_time_ns;    /* stamped by the leader; strictly increasing */
	uint32_t command_count;
	uint32_t body_size;        /* bytes of commands after this header; multiple of 8 */
	uint8_t prev_hash[32];     /* header_hash of batch sequence - 1 (zeros for 1) */
	uint8_t body_hash[32];     /* BLAKE2b-256 of the body */
	uint64_t results_sequence; /* an earlier batch whose outcome this header records; 0 = none */
	uint32_t zero_piece_count; /* body pieces that are all zero when written (see wal.c) */
	uint32_t reserved0;
	uint8_t results_hash[32];  /* BLAKE2b-256 of that batch's result codes (u32 each) */
	uint8_t reserved[16];
	uint8_t header_hash[32];   /* SHA-256 of bytes [0, 160) of this header */
};
_Static_assert(sizeof(struct wal_batch_header) == WAL_BATCH_HEADER_SIZE, "batch header is 192 bytes");
_Static_assert(offsetof(struct wal_batch_header, header_hash) == WAL_BATCH_HASHED_SIZE, "hash covers the rest");

/* On-disk segment header, 128 bytes at offset 0 of every segment file. */
struct wal_segment_header {
	uint64_t magic;            /* WAL_SEGMENT_MAGIC */
	uint32_t version;
	uint32_t segment;          /* number, from 1; the file is log/NNNNNNNN.szl */
	uint64_t segment_size;     /* bytes preallocated */
	uint64_t first_sequence;   /* sequence of the first batch in this segment */
	uint8_t prev_hash[32];     /* head hash before the first batch */
	uint8_t reserved[32];
	uint8_t header_hash[32];   /* SHA-256 of bytes [0, 96) */
};
_Static_assert(sizeof(struct wal_segment_header) == WAL_SEGMENT_HEADER_SIZE, "segment header is 128 bytes");

#define WAL_BATCH_MAGIC 0x3148435441425a53ull   /* "SZBATCH1" */
#define WAL_SEGMENT_MAGIC 0x474553474f4c5a53ull /* "SZLOGSEG" */

/* ---- writing (one writer; all calls from the log writer thread) ---------- */

struct wal_writer;

int wal_writer_open(struct wal_writer **out, const struct sz_storage *st, const char *data_dir, uint64_t segment_size);
void wal_writer_close(struct wal_writer *w);

/* Fill the header's zero piece count and hashes (prev_hash must be set by
 * the caller), write header +
 * body at (segment, offset) — creating and preallocating the segment when
 * offset == WAL_SEGMENT_HEADER_SIZE — and fdatasync. Returns 0 or SZ_EIO. */
int wal_append(struct wal_writer *w, uint32_t segment, uint64_t offset, uint8_t *batch, uint32_t batch_size);

/* Fault injection: fail the nth write or fsync (1-based; 0 = never). */
void wal_writer_inject(struct wal_writer *w, uint32_t fail_write_at, uint32_t fail_fsync_at);

/* ---- scanning (recovery and verify) --------------------------------------- */

/* Called for every valid batch in order. Return 0 to go on. body is valid
 * only during the call; body_pos is the log position of the body. */
typedef int (*wal_batch_fn)(void *ctx, const struct wal_batch_header *h, const uint8_t *body, uint64_t body_pos);

struct wal_scan_result {
	uint64_t batch_count;        /* valid batches visited */
	uint64_t last_sequence;
	uint64_t last_batch_time_ns;
	uint8_t head_hash[32];       /* header hash of the last valid batch */
	uint32_t end_segment;        /* where the next batch goes */
	uint64_t end_offset;
	bool torn_tail;              /* a torn last batch was found (and repaired if asked) */
	bool anchor_reached;         /* the scan passed start.anchor_* */
	uint32_t torn_segment;
	uint64_t torn_offset;
	char why[256];               /* on SZ_ECORRUPT: file, offset and reason */
};

struct wal_scan_start {
	uint64_t sequence;           /* first sequence expected (1 for the log start) */
	uint8_t prev_hash[32];       /* head before it (zeros for the log start) */
	uint32_t segment;            /* where it starts; 0 = from the first segment */
	uint64_t offset;
	uint64_t batch_time_ns_min;  /* the first batch's time must be at least this */
	/* Start at the lowest segment in log/ (not archive/), taking sequence
	 * and head from its checksummed header; sequence..offset are ignored. */
	bool from_first_retained;
	/* A point the chain must pass (a snapshot's batch): batch anchor_sequence
	 * must have header hash anchor_hash and end at anchor_log_pos. If the log
	 * ends before it, or differs there, the scan fails (SZ_ECORRUPT). 0 = none. */
	uint64_t anchor_sequence;
	uint8_t anchor_hash[32];
	uint64_t anchor_log_pos;
	/* Stop after this batch (a scrub of what was durable when it began); 0 = none. */
	uint64_t sequence_max;
	/* Hash every other body on a second thread ahead of the scan (real
	 * files only; every check still runs, in order: wal_prehash.c). */
	bool hash_ahead;
	/* Checked before each batch: once true, the scan stops with SZ_ESTATE
	 * (a background check cancelled at close). NULL = never. */
	const _Atomic bool *cancel;
};

/* Do count command envelopes exactly fill the body (sizes multiple of 8,
 * at least a header, at most SZ_COMMAND_SIZE_MAX), and does every account
 * and transfer record carry the timestamp the engine stamps (batch time + index)? */
bool wal_body_valid(const uint8_t *body, uint32_t body_size, uint32_t command_count, uint64_t batch_time_ns);

/* Validate the log from start, calling fn for each batch. repair: zero a torn
 * last batch so appends can continue. Returns 0, SZ_ECORRUPT (why is set),
 * SZ_EIO, or fn's non-zero return. */
int wal_scan(const struct sz_storage *st, const char *data_dir, const struct wal_scan_start *start, bool repair,
	     wal_batch_fn fn, void *ctx, struct wal_scan_result *result);

/* wal_scan (with repair) whose reading and checksumming run on a second
 * thread while fn runs on the caller's: same calls, same order, same result.
 * reader_idle (optional) runs on the reader thread after each batch it hands
 * over: spare work for the second core (it must not touch fn's data). */
int wal_scan_pipelined(const struct sz_storage *st, const char *data_dir, const struct wal_scan_start *start,
		       wal_batch_fn fn, void *ctx, struct wal_scan_result *result,
		       void (*reader_idle)(void *idle_ctx), void *idle_ctx);

/* Move segments numbered below `segment` from log/ to archive/ (and sync
 * both directories). */
int wal_archive_before(const struct sz_storage *st, const char *data_dir, uint32_t segment);

/* Path of segment n (in log/ or archive/, wherever it is): 0 if found,
 * SZ_ENOTFOUND, or SZ_EIO if the disk fails to say. */
int wal_segment_path(const struct sz_storage *st, const char *data_dir, uint32_t segment, char *out, size_t out_size);

/* Pieces of [pos, pos + size) — cut at multiples of WAL_PIECE_SIZE of the
 * file offset — whose bytes are all zero. */
uint32_t wal_zero_piece_count(const uint8_t *data, uint64_t pos, uint32_t size);

/* Header hash of a batch header (SHA-256 of its first 160 bytes). */
void wal_batch_header_hash(uint8_t out[32], const struct wal_batch_header *h);

/* ---- checked reads (wal_read.c) -------------------------------------------- */

/* Reads records back by log position (segment << 40 | offset). Each read is
 * served from a batch whose header hash and body hash were verified when it
 * was read; up to SZ_LOG_READ_CACHE_BATCH_COUNT verified batches stay cached.
 * One thread at a time. */
struct wal_reader;

int wal_reader_open(struct wal_reader **out, const struct sz_storage *st, const char *data_dir);
void wal_reader_close(struct wal_reader *r);

/* Tell the reader where a batch's body lies (its header is just before), so
 * that a read finds its batch without walking the segment. Batches of one
 * segment are noted in log order. */
int wal_reader_note(struct wal_reader *r, uint64_t body_pos, uint32_t body_size);

/* Copy size bytes at log_pos, all inside one batch body. SZ_ECORRUPT (why
 * names file, offset and reason; the corrupt count grows) if the batch fails
 * its checks, SZ_ENOTFOUND if no batch holds the position, SZ_EIO. */
int wal_reader_read(struct wal_reader *r, uint64_t log_pos, void *out, size_t size, char *why, size_t why_size);

/* The header of the batch whose body ends just before end_pos (a snapshot's
 * next_log_pos), after that whole batch was read and verified like any read
 * (walking the segment's headers if it was never noted). SZ_ENOTFOUND if no
 * batch ends there (the log cut short, a segment missing), SZ_ECORRUPT (why
 * names file and offset), SZ_EIO. */
int wal_reader_batch_ending_at(struct wal_reader *r, uint64_t end_pos, struct wal_batch_header *out, char *why,
			       size_t why_size);

/* Reads refused because their batch failed its checks, since open. */
uint64_t wal_reader_corrupt_count(const struct wal_reader *r);

/* One checked read without a reader kept open (walks the segment's headers). */
int wal_read_at(const struct sz_storage *st, const char *data_dir, uint64_t log_pos, void *out, size_t size);

#endif
