/*
 * domain.c — the ledger as a registered domain (kind base 0).
 *
 * Owns: the descriptor through which the engine reaches the ledger without
 * naming it: the three ledger commands (CREATE_ACCOUNT, CREATE_TRANSFER,
 * ACCOUNT_FLAGS), pending expiry as batch_begin, cache hints, snapshot,
 * digest, invariants, capacity reserve, the next expiry as deadline, the
 * records of domain-made transfers it keeps in memory, and the page
 * population the engine's second thread runs ahead of the growing arrays.
 * It must be registered first: its section leads the digest and snapshots,
 * and the other domains move money through it (sz_ledger).
 */
#include "ledger/ledger.h"
#include "ledger/tier.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"
#include "core/vm.h"
#include "engine/hooks.h"
#include "engine/state.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool body_size_is(const sz_command_header *c, size_t size)
{
	SZ_ASSERT(size <= SZ_COMMAND_SIZE_MAX);
	SZ_ASSERT(c->size >= sizeof(sz_command_header));
	return c->size == sizeof(sz_command_header) + size;
}

static uint32_t ledger_domain_apply(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx,
				    const sz_command_header *c)
{
	struct ledger *l = domain_state;
	SZ_ASSERT(l != NULL && s != NULL);
	SZ_ASSERT((c->kind & 0xff00) == 0);
	const void *body = c + 1;
	struct ledger_ctx lctx = { .timestamp_ns = ctx->timestamp_ns, .log_pos = ctx->log_pos };
	switch (c->kind) {
	case SZ_CMD_CREATE_ACCOUNT:
		return body_size_is(c, sizeof(sz_account)) ? ledger_create_account(l, body, &lctx) : SZ_R_COMMAND_INVALID;
	case SZ_CMD_CREATE_TRANSFER:
		return body_size_is(c, sizeof(sz_transfer)) ? ledger_create_transfer(l, body, &lctx) : SZ_R_COMMAND_INVALID;
	case SZ_CMD_ACCOUNT_FLAGS:
		return body_size_is(c, sizeof(sz_account_flags_cmd)) ? ledger_account_flags(l, body, &lctx)
								      : SZ_R_COMMAND_INVALID;
	default:
		return SZ_R_COMMAND_INVALID;
	}
}

static void ledger_domain_prefetch(const struct sz_state *s, const void *domain_state, const sz_command_header *c,
				   int stage)
{
	SZ_ASSERT(domain_state != NULL && c != NULL);
	SZ_ASSERT(stage == 1 || stage == 2);
	if (c->kind == SZ_CMD_CREATE_TRANSFER && body_size_is(c, sizeof(sz_transfer))) {
		ledger_prefetch_transfer(domain_state, (const sz_transfer *)(c + 1), stage);
		sz_hooks_prefetch(&s->hooks, (const sz_transfer *)(c + 1), stage); /* the hooks' own state */
	}
}

static void ledger_domain_resolve(struct sz_state *s, void *domain_state, const sz_command_header *const *cmds,
				  uint32_t count)
{
	SZ_ASSERT(domain_state != NULL && s != NULL);
	SZ_ASSERT(count <= SZ_BATCH_COMMAND_COUNT_MAX);
	ledger_resolve(domain_state, cmds, count);
}

static void ledger_domain_batch_begin(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx)
{
	SZ_ASSERT(s != NULL);
	(void)s;
	SZ_ASSERT(domain_state != NULL && ctx != NULL);
	ledger_expire(domain_state, ctx->batch_time_ns);
}

static int ledger_domain_snapshot_write(const void *domain_state, struct sz_snap *f)
{
	SZ_ASSERT(!sz_journal_open());
	SZ_ASSERT(domain_state != NULL && f != NULL);
	return ledger_snapshot_write(domain_state, f);
}

static int ledger_domain_snapshot_read(void *domain_state, struct sz_snap *f)
{
	SZ_ASSERT(!sz_journal_open());
	SZ_ASSERT(domain_state != NULL && f != NULL);
	return ledger_snapshot_read(domain_state, f);
}

static void ledger_domain_digest(const void *domain_state, void *blake2b_state)
{
	SZ_ASSERT(!sz_journal_open());
	SZ_ASSERT(domain_state != NULL && blake2b_state != NULL);
	ledger_digest(domain_state, blake2b_state);
}

static int ledger_domain_check_invariants(const struct sz_state *s, const void *domain_state, char *why,
					  size_t why_size)
{
	SZ_ASSERT(domain_state != NULL);
	SZ_ASSERT(why != NULL && why_size > 0);
	(void)s;
	return ledger_check_invariants(domain_state, why, why_size);
}

static void ledger_domain_release(void *domain_state)
{
	SZ_ASSERT(!sz_journal_open());
	SZ_ASSERT(domain_state != NULL);
	ledger_release(domain_state);
	free(domain_state);
}

static int ledger_domain_reserve(void *domain_state, uint32_t command_count)
{
	SZ_ASSERT(domain_state != NULL);
	SZ_ASSERT(command_count <= SZ_BATCH_COMMAND_COUNT_MAX);
	struct ledger *l = domain_state;
	int rc = ledger_reserve(l, command_count);
	/* Between batches, on the engine thread: tell the other thread how far
	 * the arrays have grown (ledger_populate_ahead). */
	atomic_store_explicit(&l->hint_slot_count, l->slot_count, memory_order_relaxed);
	atomic_store_explicit(&l->hint_account_count, l->account_count, memory_order_relaxed);
	atomic_store_explicit(&l->hint_derived_count, l->derived_count, memory_order_relaxed);
	return rc;
}

static uint64_t ledger_domain_next_deadline_ns(const void *domain_state)
{
	SZ_ASSERT(((const struct ledger *)domain_state)->expiry_count <= ((const struct ledger *)domain_state)->pending_count);
	SZ_ASSERT(domain_state != NULL);
	return ledger_next_deadline_ns(domain_state);
}

static int ledger_domain_kept_record(const void *domain_state, uint64_t log_pos, void *out, size_t size)
{
	SZ_ASSERT(domain_state != NULL && out != NULL);
	SZ_ASSERT(size == sizeof(sz_transfer));
	const sz_transfer *t = ledger_derived(domain_state, log_pos);
	if (t == NULL)
		return SZ_ENOTFOUND;
	memcpy(out, t, sizeof *t);
	return 0;
}

/* How far ahead of the state's counts to keep pages faulted in. */
#define POPULATE_AHEAD_SLOT_COUNT (1u << 18)     /* 10 MiB of transfer slots */
#define POPULATE_AHEAD_ACCOUNT_COUNT (1u << 16)  /* 8 MiB of accounts */
#define POPULATE_AHEAD_DERIVED_COUNT (1u << 16)  /* 8 MiB of domain-made transfer records */

/* Runs on the engine's second thread (writer or replay reader). The arrays
 * never move (reserved at init) and the pages populated lie beyond what the
 * engine thread has written; only this thread touches the populated marks. */
static void ledger_domain_populate_ahead(const void *domain_state)
{
	SZ_ASSERT(((const struct ledger *)domain_state)->slots != NULL);
	SZ_ASSERT(domain_state != NULL);
	struct ledger *l = (struct ledger *)domain_state;
	uint32_t slots = atomic_load_explicit(&l->hint_slot_count, memory_order_relaxed);
	uint32_t accounts = atomic_load_explicit(&l->hint_account_count, memory_order_relaxed);
	uint32_t derived = atomic_load_explicit(&l->hint_derived_count, memory_order_relaxed);
	l->populated_slot_count = sz_vm_populate_ahead(l->slots, sizeof l->slots[0], slots, l->populated_slot_count,
					       POPULATE_AHEAD_SLOT_COUNT, SZ_TRANSFER_COUNT_MAX);
	if (derived > 0)
		l->populated_derived_count = sz_vm_populate_ahead(l->derived, sizeof l->derived[0], derived,
							  l->populated_derived_count, POPULATE_AHEAD_DERIVED_COUNT,
							  SZ_DERIVED_TRANSFER_COUNT_MAX);
	uint32_t before = l->populated_account_count;
	l->populated_account_count = sz_vm_populate_ahead(l->accounts, sizeof l->accounts[0], accounts, before,
						  POPULATE_AHEAD_ACCOUNT_COUNT, SZ_ACCOUNT_COUNT_MAX);
	if (l->populated_account_count != before)
		sz_vm_populate_ahead(l->account_history, sizeof l->account_history[0], accounts, before,
			     POPULATE_AHEAD_ACCOUNT_COUNT, SZ_ACCOUNT_COUNT_MAX);
}

int ledger_domain_register(struct sz_state *s)
{
	SZ_ASSERT(s != NULL);
	SZ_ASSERT(s->domain_count == 0); /* first: the others move money through it */
	struct ledger *l = calloc(1, sizeof *l);
	if (l == NULL)
		return SZ_ENOMEM;
	int rc = ledger_init(l);
	if (rc != 0) {
		free(l);
		return rc;
	}
	ledger_hooks_set(l, &s->hooks);
	if (s->data_dir != NULL && s->hot_window_count != 0) {
		char dir[SZ_TIER_PATH_SIZE];
		snprintf(dir, sizeof dir, "%s/tier", s->data_dir);
		if ((rc = ledger_tier_attach(l, dir, s->hot_window_count)) != 0) {
			ledger_domain_release(l);
			return rc;
		}
	}
	struct sz_domain d = {
		.name = "ledger",
		.kind_base = 0,
		.state = l,
		.apply = ledger_domain_apply,
		.prefetch = ledger_domain_prefetch,
		.resolve = ledger_domain_resolve,
		.batch_begin = ledger_domain_batch_begin,
		.snapshot_write = ledger_domain_snapshot_write,
		.snapshot_read = ledger_domain_snapshot_read,
		.digest = ledger_domain_digest,
		.check_invariants = ledger_domain_check_invariants,
		.release = ledger_domain_release,
		.reserve = ledger_domain_reserve,
		.next_deadline_ns = ledger_domain_next_deadline_ns,
		.kept_record = ledger_domain_kept_record,
		.populate_ahead = ledger_domain_populate_ahead,
	};
	if ((rc = sz_state_register(s, &d)) != 0)
		ledger_domain_release(l);
	return rc;
}
