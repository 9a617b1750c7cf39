/*
 * snapshot.h — snapshot files: the whole state at one batch sequence.
 *
 * Owns: the snapshot file format and the checksummed stream (struct sz_snap)
 * that the caller's sections are written into and read from. The log knows
 * nothing of what the sections hold: the caller passes a callback that
 * writes them (sz_snapshot_write) or reads them (sz_snapshot_load) through
 * the stream. Files go through the storage seam (storage.h); a file appears
 * under its final name only after it is complete and synced (write to .tmp,
 * fdatasync, rename, fsync the directory).
 * Never: hand a section a byte before the whole file's checksum is verified.
 *
 * File layout (all integers little-endian):
 *   header, 128 bytes:
 *     0  u64 magic "SZSNAP01"      8  u32 version (1)   12 u32 reserved
 *     16 u64 sequence (last batch applied)
 *     24 u64 batch_time_ns
 *     32 u8[32] head hash (header hash of batch `sequence`; zeros if 0)
 *     64 u8[32] state digest (of the state after batch `sequence`)
 *     96 u64 log position (segment << 40 | offset) just after batch
 *        `sequence` (or the start of the next segment): recovery refuses a
 *        log that does not reach this position with this head hash
 *    104 u8[24] reserved (zero)
 *   sections: bytes written by the caller's callback through sz_snap_write
 *   trailer, 40 bytes: u64 body size; u8[32] BLAKE2b-256 of header + sections
 * A reader checks magic, version, the trailer size and hash before it uses
 * anything; the caller then recomputes the state digest and compares.
 */
#ifndef SZ_LOG_SNAPSHOT_H
#define SZ_LOG_SNAPSHOT_H

#include "log/storage.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>

#define SZ_SNAP_BUFFER_SIZE (64u * 1024u)

/* A checksummed, buffered stream over one snapshot file. Every section
 * byte passes through it. Fields are the log's; sections use the functions.
 * A stream with no storage and only f set (and hash initialised) reads and
 * writes that stdio stream unbuffered: round trips in unit tests. */
struct sz_snap {
	FILE *f;
	const struct sz_storage *st;
	int fd;
	uint64_t file_offset;  /* of buf[0] */
	uint8_t *buf;
	size_t buf_used;       /* writing: bytes buffered; reading: bytes consumed */
	size_t buf_filled;     /* reading: bytes in buf */
	uint64_t limit;        /* reading: bytes before the trailer */
	crypto_generichash_state hash;
	uint64_t size;
	int error;        /* first SZ_E* error; later calls do nothing */
};

int sz_snap_write(struct sz_snap *s, const void *data, size_t size);
int sz_snap_read(struct sz_snap *s, void *data, size_t size);
/* Fixed-width helpers. */
int sz_snap_write_u64(struct sz_snap *s, uint64_t v);
int sz_snap_read_u64(struct sz_snap *s, uint64_t *v);

struct sz_snapshot_info {
	uint64_t sequence;
	uint64_t batch_time_ns;
	uint8_t head_hash[32];
	uint8_t state_digest[32];
	uint64_t next_log_pos;
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

/* Verify snapshot `sequence` (trailer, checksum, magic, version), then let
 * read_sections read its sections. info gets the header; the caller
 * compares the state digest. On failure why names the file. */
int sz_snapshot_load(const struct sz_storage *st, const char *dir, uint64_t sequence,
		     sz_snap_sections_fn read_sections, void *ctx, struct sz_snapshot_info *info,
		     char *why, size_t why_size);

/* Read only the header of snapshot `sequence` (for digest comparisons). */
int sz_snapshot_read_info(const struct sz_storage *st, const char *dir, uint64_t sequence,
			  struct sz_snapshot_info *info);

/* Remove snapshot `sequence` (and sync the directory). */
int sz_snapshot_remove(const struct sz_storage *st, const char *dir, uint64_t sequence);

#endif
