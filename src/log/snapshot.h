/*
 * snapshot.h — snapshot files: the whole state at one batch sequence.
 *
 * Owns: the snapshot file format and the checksummed stream that state
 * sections (ledger, each domain) write themselves into. Writing happens in a
 * forked child (copy-on-write view of the state) so the engine keeps going;
 * the file appears under its final name only after it is complete and
 * fsynced (write to .tmp, fsync, rename, fsync directory).
 *
 * File layout (all integers little-endian):
 *   header, 128 bytes:
 *     0  u64 magic "SZSNAP01"      8  u32 version (1)   12 u32 reserved
 *     16 u64 sequence (last batch applied)
 *     24 u64 batch_time_ns
 *     32 u8[32] head hash (header hash of batch `sequence`; zeros if 0)
 *     64 u8[32] state digest (sz_state_digest after batch `sequence`)
 *     96 u64 next log position (segment << 40 | offset) to append at
 *    104 u8[24] reserved (zero)
 *   sections: bytes written by sz_state_snapshot_write through sz_snap_write
 *   trailer, 40 bytes: u64 body size; u8[32] BLAKE2b-256 of header + sections
 * A reader checks magic, version, the trailer size and hash before it uses
 * anything, then loads and recomputes the state digest and compares.
 */
#ifndef SZ_LOG_SNAPSHOT_H
#define SZ_LOG_SNAPSHOT_H

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>

/* A checksummed stream over a FILE. Every section byte passes through it. */
struct sz_snap {
	FILE *f;
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

struct sz_state;

/* Write the snapshot of s to dir/snapshot-<sequence>.szs (durably). */
int sz_snapshot_write(const char *dir, const struct sz_state *s, const struct sz_snapshot_info *info);

/* Find snapshots in dir, newest first: fills up to max sequences, returns count. */
int sz_snapshot_list(const char *dir, uint64_t *sequences, int max);

/* Load snapshot `sequence` into s (which must be freshly initialised).
 * Verifies checksum and digest. On failure why names the file. */
int sz_snapshot_load(const char *dir, uint64_t sequence, struct sz_state *s,
		     struct sz_snapshot_info *info, char *why, size_t why_size);

/* Read only the header of snapshot `sequence` (for digest comparisons). */
int sz_snapshot_read_info(const char *dir, uint64_t sequence, struct sz_snapshot_info *info);

#endif
