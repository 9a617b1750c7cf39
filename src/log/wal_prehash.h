/*
 * wal_prehash.h — body hashing ahead of a log scan on a second thread (see
 * wal_prehash.c). Used by wal_scan only.
 */
#ifndef SZ_LOG_WAL_PREHASH_H
#define SZ_LOG_WAL_PREHASH_H

#include "log/storage.h"
#include "log/wal.h"

#include <stdbool.h>
#include <stdint.h>

struct wal_prehash;

/* Start hashing ahead from (segment, offset) up to last_segment (and batch
 * sequence_max if not 0). NULL: not started (not real files, or no memory);
 * the scan then hashes every body itself. */
struct wal_prehash *wal_prehash_start(const struct sz_storage *st, const char *dir, uint32_t segment,
				      uint64_t offset, uint32_t last_segment, uint64_t sequence_max);

/* The body of the batch at (segment, offset) with exactly header h, and
 * its hash in out, if the helper read and hashed it; else NULL. The body
 * stays valid until the next call or wal_prehash_stop. Positions must be
 * asked in increasing order. p may be NULL (then NULL). */
const uint8_t *wal_prehash_take(struct wal_prehash *p, uint32_t segment, uint64_t offset,
				const struct wal_batch_header *h, uint8_t out[32]);

/* Stop the helper and free it (p may be NULL). */
void wal_prehash_stop(struct wal_prehash *p);

#endif
