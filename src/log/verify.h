/*
 * verify.h — checking a whole data directory offline or in the background.
 *
 * Owns: the check behind `szfin verify`, the start-up check and the
 * background scrub: every segment header, batch header and body checksum and
 * the hash chain from the log's first segment to its head, and that the log
 * reaches the newest snapshot's batch with the head hash the snapshot
 * recorded. Changes nothing. The log knows nothing of the state: replaying
 * (`verify --replay`) is the CLI's business.
 */
#ifndef SZ_LOG_VERIFY_H
#define SZ_LOG_VERIFY_H

#include "log/storage.h"

#include <stdbool.h>
#include <stdint.h>

struct sz_log_check {
	uint64_t batch_count;
	uint64_t command_count;
	uint64_t first_sequence;      /* of the first batch checked */
	uint64_t last_sequence;
	uint8_t head_hash[32];
	uint64_t snapshot_sequence;   /* newest snapshot checked against the log; 0 = none */
	bool torn_tail;               /* a torn last batch (never acknowledged) is present */
	uint32_t torn_segment;
	uint64_t torn_offset;
	char why[512];                /* on SZ_ECORRUPT: file, offset and reason */
};

/* from_first_retained: start at the first segment in log/ (recovery and
 * scrubs: archived segments are the auditor's); otherwise at segment 1
 * (log/ or archive/). sequence_max: stop after this batch (0 = the end).
 * Returns 0, SZ_ECORRUPT (why set), SZ_EVERSION, SZ_EIO or SZ_ENOMEM. */
int sz_log_check(const struct sz_storage *st, const char *dir, bool from_first_retained, uint64_t sequence_max,
		 struct sz_log_check *out);

/* sz_log_check (which hashes bodies on a second thread too: it runs
 * offline) on one thread, stopping with SZ_ESTATE once *cancel is true
 * (checked before each batch): the engine's background checks, cancelled at
 * close, leaving the second core to the engine. */
int sz_log_check_until(const struct sz_storage *st, const char *dir, bool from_first_retained, uint64_t sequence_max,
		       const _Atomic bool *cancel, struct sz_log_check *out);

/* The one sentence for a damaged data directory, used by `verify` and `serve`. */
#define SZ_LOG_DAMAGED_FORMAT "log: DAMAGED: %s"

#endif
