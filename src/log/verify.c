/*
 * verify.c — the whole-directory check (contract in verify.h): one scan of
 * the log, anchored at the newest snapshot whose header reads.
 */
#include "log/verify.h"
#include "core/assert.h"
#include "core/errors.h"
#include "log/snapshot.h"
#include "log/wal.h"

#include <stdio.h>
#include <string.h>

#define SNAPSHOT_LIST_MAX 64

static int count_batch(void *ctx, const struct wal_batch_header *h, const uint8_t *body, uint64_t body_pos)
{
	(void)body;
	(void)body_pos;
	struct sz_log_check *c = ctx;
	SZ_ASSERT(h->command_count > 0);
	if (c->first_sequence == 0)
		c->first_sequence = h->sequence;
	c->command_count += h->command_count;
	SZ_ASSERT(c->first_sequence <= h->sequence);
	return 0;
}

int sz_log_check(const struct sz_storage *st, const char *dir, bool from_first_retained, uint64_t sequence_max,
		 struct sz_log_check *out)
{
	return sz_log_check_until(st, dir, from_first_retained, sequence_max, NULL, out);
}

int sz_log_check_until(const struct sz_storage *st, const char *dir, bool from_first_retained, uint64_t sequence_max,
		       const _Atomic bool *cancel, struct sz_log_check *out)
{
	SZ_ASSERT(st != NULL);
	SZ_ASSERT(out != NULL);
	memset(out, 0, sizeof *out);
	struct wal_scan_start start = { .sequence = 1, .from_first_retained = from_first_retained,
					.sequence_max = sequence_max, .cancel = cancel,
					.hash_ahead = cancel == NULL }; /* offline: both cores are the check's */
	uint64_t seqs[SNAPSHOT_LIST_MAX];
	int n = sz_snapshot_list(st, dir, seqs, SNAPSHOT_LIST_MAX);
	if (n < 0) {
		snprintf(out->why, sizeof out->why, "%s/snapshots: cannot list", dir);
		return n;
	}
	for (int i = 0; i < n; i++) {
		struct sz_snapshot_info info;
		if (sz_snapshot_read_info(st, dir, seqs[i], &info) != 0)
			continue; /* a damaged snapshot is skipped at start too */
		if (sequence_max != 0 && info.sequence > sequence_max)
			continue;
		start.anchor_sequence = info.sequence;
		memcpy(start.anchor_hash, info.head_hash, 32);
		start.anchor_log_pos = info.next_log_pos;
		out->snapshot_sequence = info.sequence;
		break;
	}
	struct wal_scan_result r;
	int rc = wal_scan(st, dir, &start, false, count_batch, out, &r);
	out->batch_count = r.batch_count;
	out->last_sequence = r.last_sequence;
	memcpy(out->head_hash, r.head_hash, 32);
	out->torn_tail = r.torn_tail;
	out->torn_segment = r.torn_segment;
	out->torn_offset = r.torn_offset;
	if (rc == SZ_ECORRUPT)
		snprintf(out->why, sizeof out->why, "%s", r.why);
	else if (rc != 0)
		snprintf(out->why, sizeof out->why, "%s: %s", dir, sz_strerror(rc));
	SZ_ASSERT(rc != 0 || start.anchor_sequence == 0 || r.anchor_reached);
	return rc;
}
