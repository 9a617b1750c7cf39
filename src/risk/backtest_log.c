/*
 * backtest_log.c — the transfers of a data directory's log, for a backtest.
 *
 * Owns: a private replay of DIR/log (and DIR/archive) from batch 1 into a
 * fresh in-memory state with every domain registered, exactly as recovery
 * applies it, and the list of transfers that committed in it — a client's,
 * and those that wallets, contracts and loans make inside their commands —
 * recorded by a transfer observer of its own. The log is only read
 * (wal_scan without repair): no file of DIR is written, no live state is
 * touched, no server is needed. Transfers of a linked chain that failed
 * later are dropped with it (the observer journals its count, so the
 * engine's rollback undoes the recording too). Refused transfers never
 * commit and are not listed.
 *
 * What it needs: the whole log from batch 1 (a log whose early segments
 * were deleted cannot be replayed from a snapshot here: the snapshot holds
 * state, not the transfers before it).
 */
#include "risk/backtest.h"
#include "core/assert.h"
#include "core/errors.h"
#include "engine/hooks.h"
#include "engine/journal.h"
#include "engine/state.h"
#include "log/storage.h"
#include "log/wal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Transfers one command may commit (a wallet payment with its fee, a
 * contract's release, a loan's schedule step): room reserved per command
 * before each batch so that the observer never allocates. */
#define BT_LOG_TRANSFERS_PER_COMMAND_MAX 16u

struct log_replay {
	struct sz_state *s;
	struct bt_log_transfer *t;
	uint32_t count, cap;
	uint64_t overflow_count;       /* more transfers than the reserve: a limit, reported */
	uint32_t results[SZ_BATCH_COMMAND_COUNT_MAX];
	int failed;
};

static void log_observe(void *hook_state, const struct sz_apply_ctx *ctx, const sz_transfer *t,
			const sz_account *debit, const sz_account *credit)
{
	struct log_replay *lr = hook_state;
	SZ_ASSERT(lr != NULL && ctx != NULL);
	if (t->flags & (SZ_TRANSFER_PENDING | SZ_TRANSFER_VOID_PENDING))
		return; /* moves nothing (as the risk hook judges) */
	if (lr->count == lr->cap) {
		lr->overflow_count++;
		return;
	}
	SZ_JOURNAL_FIELD(lr->count); /* a chain that fails later drops what it recorded */
	lr->t[lr->count++] = (struct bt_log_transfer){
		.payer = debit->id, .payee = credit->id, .amount_minor = t->amount,
		.time_ns = t->timestamp != 0 ? t->timestamp : ctx->timestamp_ns, .currency = debit->currency,
		.code = t->code, .payer_kind = debit->kind, .payee_kind = credit->kind,
	};
}

static int log_batch(void *ctx, const struct wal_batch_header *h, const uint8_t *body, uint64_t body_pos)
{
	struct log_replay *lr = ctx;
	SZ_ASSERT(h->command_count <= SZ_BATCH_COMMAND_COUNT_MAX);
	uint64_t need = (uint64_t)lr->count + (uint64_t)h->command_count * BT_LOG_TRANSFERS_PER_COMMAND_MAX;
	if (need > BT_TRANSFER_COUNT_MAX)
		need = BT_TRANSFER_COUNT_MAX;
	if (need > lr->cap) {
		uint64_t cap = lr->cap ? lr->cap : 65536;
		while (cap < need)
			cap *= 2;
		cap = cap > BT_TRANSFER_COUNT_MAX ? BT_TRANSFER_COUNT_MAX : cap;
		struct bt_log_transfer *n = realloc(lr->t, cap * sizeof *n);
		if (n == NULL)
			return SZ_ENOMEM;
		lr->t = n;
		lr->cap = (uint32_t)cap;
	}
	int rc = sz_state_reserve(lr->s, h->command_count);
	if (rc != 0)
		return rc;
	sz_state_apply_batch(lr->s, h->sequence, h->batch_time_ns, body, h->body_size, h->command_count, body_pos,
			     lr->results);
	return 0;
}

static void result_why(int rc, const struct wal_scan_result *r, const struct log_replay *lr, const char *data_dir,
		       char *why, size_t why_size)
{
	if (rc == SZ_ECORRUPT)
		snprintf(why, why_size, "%s", r->why);
	else if (rc == SZ_ENOTFOUND)
		snprintf(why, why_size, "%s: no batches in the log", data_dir);
	else if (rc == SZ_ELIMIT && lr->overflow_count != 0)
		snprintf(why, why_size, "a command committed more than %u transfers", BT_LOG_TRANSFERS_PER_COMMAND_MAX);
	else if (rc != 0)
		snprintf(why, why_size, "%s: %s", data_dir, sz_strerror(rc));
}

int bt_log_read(const char *data_dir, struct bt_log_transfer **out, uint32_t *count, char *why, size_t why_size)
{
	SZ_ASSERT(data_dir != NULL && out != NULL);
	SZ_ASSERT(count != NULL && why != NULL);
	*out = NULL;
	*count = 0;
	struct log_replay *lr = calloc(1, sizeof *lr);
	struct sz_state *s = calloc(1, sizeof *s);
	if (lr == NULL || s == NULL) {
		free(lr);
		free(s);
		snprintf(why, why_size, "out of memory");
		return SZ_ENOMEM;
	}
	int rc = sz_state_init(s);
	bool inited = rc == 0;
	if (rc == 0)
		rc = sz_state_register_domains(s);
	struct sz_hook hook = { .name = "backtest", .observe = log_observe, .state = lr };
	lr->s = s;
	if (rc == 0)
		rc = sz_state_hook_add(s, &hook);
	struct wal_scan_result r;
	memset(&r, 0, sizeof r);
	struct wal_scan_start start = { .sequence = 1 };
	if (rc == 0)
		rc = wal_scan(sz_storage_posix(), data_dir, &start, false, log_batch, lr, &r);
	if (rc == 0 && r.batch_count == 0)
		rc = SZ_ENOTFOUND;
	if (rc == 0 && lr->overflow_count != 0)
		rc = SZ_ELIMIT;
	result_why(rc, &r, lr, data_dir, why, why_size);
	if (rc == 0) {
		*out = lr->t;
		*count = lr->count;
		lr->t = NULL;
	}
	if (inited)
		sz_state_release(s);
	free(s);
	free(lr->t);
	free(lr);
	return rc;
}
