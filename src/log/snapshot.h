/*
 * snapshot.h — snapshot files: the whole state at one batch sequence.
 *
 * Owns: the snapshot file format and the stream (struct sz_snap) that the
 * caller's sections are written into and read from. The log knows nothing
 * of what the sections hold: the caller passes a callback that writes them
 * (sz_snapshot_write) or reads them (sz_snapshot_load) through the stream.
 * Files go through the storage seam (storage.h); a file appears under its
 * final name only after it is complete and synced (write to .tmp, fdatasync,
 * rename, fsync the directory).
 * Never: hand a section a byte before every chunk of the whole file has been
 * checked against the chunk table, and the table against the trailer.
 *
 * Format 3 is laid out for loading at the speed of a sequential read: large
 * arrays are page-aligned memory images (sz_snap_write_array) that a reader
 * reads straight into its reserved arrays with large reads, and the checksum
 * is a table of per-chunk XXH3-128 sums checked on two threads, with a
 * BLAKE2b-256 over the table.
 *
 * File layout (all integers little-endian):
 *   header, page 0 (SZ_SNAP_PAGE_SIZE bytes, zero after byte 128):
 *     0  u64 magic "SZSNAP01"      8  u32 version (3)   12 u32 reserved
 *     16 u64 sequence (last batch applied)
 *     24 u64 batch_time_ns
 *     32 u8[32] head hash (header hash of batch `sequence`; zeros if 0)
 *     64 u8[32] state digest (of the state after batch `sequence`)
 *     96 u64 log position (segment << 40 | offset) just after batch
 *        `sequence` (or the start of the next segment): recovery refuses a
 *        log that does not reach this position with this head hash
 *    104 u8[24] reserved (zero)
 *   sections, from SZ_SNAP_PAGE_SIZE: bytes written by the caller's callback
 *     (sz_snap_write); an array written with sz_snap_write_array starts at
 *     the next multiple of SZ_SNAP_PAGE_SIZE (zero bytes before it) when it
 *     is at least SZ_SNAP_ARRAY_ALIGN_MIN bytes (smaller ones follow on)
 *   chunk table: for each SZ_SNAP_CHUNK_SIZE chunk of the file before the
 *     table (header and sections; the last chunk may be short), its
 *     XXH3-128 as u64 low, u64 high
 *   trailer, 64 bytes: u64 body size (bytes before the table), u64 chunk
 *     count, u64 chunk size, u64 reserved (zero), u8[32] BLAKE2b-256 of the
 *     chunk table and the trailer's first 32 bytes
 * A reader checks the file size against the trailer, the trailer's hash,
 * then (on two threads) every chunk's sum, then magic and version, before
 * any section sees a byte; the caller may then compare the state digest.
 * A file of another version is refused with SZ_EVERSION.
 */
#ifndef SZ_LOG_SNAPSHOT_H
#define SZ_LOG_SNAPSHOT_H

#include "log/storage.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>

#define SZ_SNAP_PAGE_SIZE 4096u
#define SZ_SNAP_CHUNK_SIZE (1u << 20)       /* bytes per checksummed chunk; also the write buffer */
/* Arrays from this size on are page-aligned images; smaller ones cost no padding. */
#define SZ_SNAP_ARRAY_ALIGN_MIN (16u * 1024u)
#define SZ_SNAP_READ_BUFFER_SIZE (256u * 1024u) /* small sections are read through this */
/* 2^20 chunks of 1 MiB: a 1 TiB snapshot, far beyond SZ_TRANSFER_COUNT_MAX's arrays. */
#define SZ_SNAP_CHUNK_COUNT_MAX (1u << 20)

/* The stream over one snapshot file. Every section byte passes through it.
 * Fields are the log's; sections use the functions. A stream with no
 * storage and only f set (and hash initialised) reads and writes that stdio
 * stream unbuffered, arrays without alignment: round trips in unit tests. */
struct sz_snap {
	FILE *f;
	const struct sz_storage *st;
	int fd;
	uint64_t file_offset;  /* of buf[0] */
	uint8_t *buf;
	size_t buf_used;       /* writing: bytes buffered; reading: bytes consumed */
	size_t buf_filled;     /* reading: bytes in buf */
	uint64_t limit;        /* reading: bytes before the chunk table */
	uint8_t *chunk_sums;   /* writing: 16 bytes per flushed chunk */
	uint64_t chunk_count;
	crypto_generichash_state hash; /* stdio streams only */
	uint64_t size;         /* section bytes written or read */
	int error;        /* first SZ_E* error; later calls do nothing */
};

int sz_snap_write(struct sz_snap *s, const void *data, size_t size);
int sz_snap_read(struct sz_snap *s, void *data, size_t size);
/* A large array as a page-aligned memory image: a reader reads it straight
 * into place with large reads (on two threads when it is large). Use for
 * arrays of more than a few pages; small data goes through sz_snap_write. */
int sz_snap_write_array(struct sz_snap *s, const void *data, size_t size);
int sz_snap_read_array(struct sz_snap *s, void *data, size_t size);
/* Fixed-width helpers. */
int sz_snap_write_u64(struct sz_snap *s, uint64_t v);
int sz_snap_read_u64(struct sz_snap *s, uint64_t *v);

struct sz_snapshot_info {
	uint64_t sequence;
	uint64_t batch_time_ns;
	uint8_t head_hash[32];
	uint8_t state_digest[32];
	uint64_t next_log_pos;
	uint64_t file_size;     /* sz_snapshot_load: bytes of the file */
};

/* Writes (or reads) the caller's sections through the stream: 0 or SZ_E*. */
typedef int (*sz_snap_sections_fn)(void *ctx, struct sz_snap *s);

/* Write dir/snapshots/<sequence>.szs durably: the header from info, then
 * whatever write_sections writes. */
int sz_snapshot_write(const struct sz_storage *st, const char *dir, const struct sz_snapshot_info *info,
		      sz_snap_sections_fn write_sections, void *ctx);

/* Find snapshots in dir, newest first: fills up to max sequences, returns
 * count (0 if there is no snapshots directory), or SZ_EIO if it cannot be listed. */
int sz_snapshot_list(const struct sz_storage *st, const char *dir, uint64_t *sequences, int max);

/* Verify snapshot `sequence` (trailer, chunk table, every chunk, magic,
 * version), then let read_sections read its sections. info gets the header;
 * the caller compares the state digest. On failure why names the file;
 * SZ_EVERSION for a file of another format version. */
int sz_snapshot_load(const struct sz_storage *st, const char *dir, uint64_t sequence,
		     sz_snap_sections_fn read_sections, void *ctx, struct sz_snapshot_info *info,
		     char *why, size_t why_size);

/* Read only the header of snapshot `sequence` (for digest comparisons). */
int sz_snapshot_read_info(const struct sz_storage *st, const char *dir, uint64_t sequence,
			  struct sz_snapshot_info *info);

/* Remove snapshot `sequence` (and sync the directory). */
int sz_snapshot_remove(const struct sz_storage *st, const char *dir, uint64_t sequence);

#endif
