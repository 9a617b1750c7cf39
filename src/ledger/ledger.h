/*
 * ledger.h — accounts, transfers, two-phase holds and linked chains.
 *
 * Owns: the in-memory ledger state: a dense array of accounts with an id
 * index, a dense array of transfer slots (id, fingerprint, log position,
 * status, history links) with an id index, the open pending transfers and
 * their expiry heap. Full transfer records live in the log; memory keeps only
 * what rules need (about 48 bytes per hot transfer). With a hot window set
 * (ledger_tier.c), older final transfers move to checksummed index runs on
 * disk (tier.h) and leave RAM; a batch's cold ids are resolved before its
 * apply bracket (ledger_resolve), so results never depend on hot or cold.
 * Applies ledger commands deterministically: no clock, no I/O, no randomness;
 * time is the command's timestamp stamped by the engine.
 * Never: mutate state outside ledger_apply_* / ledger_expire, mutate without
 * journalling the old bytes, allocate inside apply, or let a failed command
 * (or a failed linked chain) leave any trace.
 */
#ifndef SZ_LEDGER_H
#define SZ_LEDGER_H

#include "core/assert.h"
#include "engine/state.h"
#include "szfin/szfin.h"
#include "ledger/index.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stddef.h>

struct sz_snap;

/* Where a transfer's record is: segment number and byte offset in it. */
#define SZ_LOG_POS_OFFSET_BITS 40
#define SZ_LOG_POS_MAKE(segment, offset) (((uint64_t)(segment) << SZ_LOG_POS_OFFSET_BITS) | (uint64_t)(offset))
#define SZ_LOG_POS_SEGMENT(pos) ((uint32_t)(((pos) >> SZ_LOG_POS_OFFSET_BITS) & 0xfffffu))
#define SZ_LOG_POS_OFFSET(pos) ((pos) & ((1ull << SZ_LOG_POS_OFFSET_BITS) - 1))

/* One retained transfer: 40 bytes. History links are tagged slot numbers:
 * (slot + 1) << 1 | side, side 0 = debit, 1 = credit; 0 ends the chain. */
struct ledger_slot {
	sz_id id;
	uint64_t fingerprint;
	uint64_t log_pos;        /* bits 0-59: SZ_LOG_POS_MAKE; 60-63: enum sz_transfer_status */
	uint32_t prev_debit;     /* previous history link of the debit account */
	uint32_t prev_credit;    /* previous history link of the credit account */
};
_Static_assert(sizeof(struct ledger_slot) == 40, "slot is 40 bytes");

/* An open pending transfer (two-phase): what post/void/expiry need. */
struct ledger_pending {
	uint32_t slot;
	uint32_t debit_index;
	uint32_t credit_index;
	uint32_t heap_index;     /* position in the expiry heap; UINT32_MAX if none */
	uint64_t amount;
	uint64_t expires_at_ns;  /* 0 = never */
};


struct sz_hooks;
struct ledger_tier;

/* Hot window: transfers kept in RAM beyond which final transfers move to the
 * disk tier. The server's default keeps 16 million (about 860 MB) hot; 0 in
 * an engine config keeps everything in RAM (no tier). */
#define SZ_HOT_WINDOW_TRANSFER_COUNT_DEFAULT (1u << 24)
/* The smallest window accepted: a few runs of the smallest size. */
#define SZ_HOT_WINDOW_TRANSFER_COUNT_MIN 256u

struct ledger {
	sz_account *accounts;
	uint32_t *account_history;   /* per account: newest history link */
	uint32_t account_count;      /* arrays reserved for SZ_ACCOUNT_COUNT_MAX */
	struct ledger_index account_index;

	struct ledger_slot *slots;   /* reserved once for SZ_TRANSFER_COUNT_MAX (core/vm.h) */
	uint32_t slot_count;
	struct ledger_index slot_index; /* the hot slots (all but slot_cold_count) */
	uint32_t slot_cold_count;    /* slots on the disk tier, out of slot_index */
	/* Digest of every slot, hot or cold: the sums over slots of two keyed
	 * 64-bit mixes of slot number and contents, kept up to date in apply. */
	uint64_t slot_digest[2];
	struct ledger_tier *tier;    /* NULL: every transfer stays in RAM */

	/* Records of transfers made by domain commands (context log_pos 0): a
	 * slot's log position with segment 0 and offset n names derived[n - 1]. */
	sz_transfer *derived;
	uint32_t derived_count;

	struct ledger_pending *pending;   /* dense; order irrelevant */
	uint32_t pending_count;
	uint32_t pending_capacity;
	struct ledger_index pending_index; /* key: sz_id{slot, 0} → pending index */
	uint32_t *expiry_heap;            /* pending indices, min-heap by expires_at_ns */
	uint32_t expiry_count;

	uint32_t batch_insert_count;      /* transfer and pending entries added in this batch */
	uint32_t batch_account_count;     /* accounts created in this batch */
	const struct sz_hooks *hooks;     /* transfer hooks of the state (engine/hooks.h) */
	uint64_t transfers_posted_count;  /* statistics for metrics */
	uint64_t transfers_rejected_count;

	/* Page population ahead of the growing arrays (domain.c): the engine
	 * thread publishes the counts before each batch, the second thread keeps
	 * the populated marks. */
	_Atomic uint32_t hint_slot_count;
	_Atomic uint32_t hint_account_count;
	_Atomic uint32_t hint_derived_count;
	uint32_t populated_slot_count;
	uint32_t populated_account_count;
	uint32_t populated_derived_count;
};

/* Context of one command application. log_pos is where the command's record
 * sits in the log (for later lookups); 0 for a transfer a domain makes inside
 * its own command: the ledger then keeps the record itself (ledger_derived). */
struct ledger_ctx {
	uint64_t timestamp_ns;
	uint64_t log_pos;
};

/* Register the ledger on a state as its first domain (kind base 0). */
int ledger_domain_register(struct sz_state *s);

/* The ledger inside the replicated state: the only way domains, the api and
 * tests reach it (never through the state's fields). It is the first
 * registered domain. */
static inline struct ledger *sz_ledger(struct sz_state *s)
{
	SZ_ASSERT(s->domain_count > 0 && s->domains[0].kind_base == 0);
	return (struct ledger *)s->domains[0].state;
}

static inline const struct ledger *sz_ledger_const(const struct sz_state *s)
{
	SZ_ASSERT(s->domain_count > 0 && s->domains[0].kind_base == 0);
	return (const struct ledger *)s->domains[0].state;
}

int ledger_init(struct ledger *l);
void ledger_release(struct ledger *l);

/* Apply one command. Return an enum sz_result (or domain result). The
 * command must be validated for size by the caller (engine). */
uint32_t ledger_create_account(struct ledger *l, const sz_account *a, const struct ledger_ctx *ctx);
uint32_t ledger_create_transfer(struct ledger *l, const sz_transfer *t, const struct ledger_ctx *ctx);
uint32_t ledger_account_flags(struct ledger *l, const sz_account_flags_cmd *c, const struct ledger_ctx *ctx);

/* Every change is journalled (engine/journal.h): a bracket the engine or a
 * domain opened rolls the ledger back together with the domains. */

/* Before each batch: grow indexes and pending arrays so that the batch can
 * add SZ_BATCH_LEDGER_INSERT_COUNT_MAX entries without allocating, and start
 * the batch's count of them. 0, SZ_ENOMEM or SZ_ELIMIT. */
int ledger_reserve(struct ledger *l, uint32_t command_count);

/* Transfers pass these hooks (the state's; none by default). */
void ledger_hooks_set(struct ledger *l, const struct sz_hooks *hooks);

/* Cache hints for a transfer about to be applied (batch apply calls stage 1
 * some commands ahead of stage 2, and stage 2 some commands ahead of apply). */
void ledger_prefetch_transfer(const struct ledger *l, const sz_transfer *t, int stage);

/* Expire every pending transfer with expires_at_ns <= now_ns (batch time).
 * Returns the number expired. Deterministic: ordered by (expiry, slot). */
uint32_t ledger_expire(struct ledger *l, uint64_t now_ns);

/* Earliest expiry of an open pending transfer (batch time at which
 * ledger_expire would act), or UINT64_MAX if none. */
uint64_t ledger_next_deadline_ns(const struct ledger *l);

/* Queries (read-only). Return NULL when not found. */
const sz_account *ledger_account_get(const struct ledger *l, sz_id id);
int64_t ledger_account_find(const struct ledger *l, sz_id id); /* index or -1 */
int64_t ledger_slot_find(const struct ledger *l, sz_id id);    /* slot or -1 */
uint8_t ledger_slot_status(const struct ledger *l, uint32_t slot);
uint64_t ledger_slot_log_pos(const struct ledger *l, uint32_t slot);
/* The record of a derived transfer (log position with segment 0), or NULL. */
const sz_transfer *ledger_derived(const struct ledger *l, uint64_t log_pos);

/* History: walk an account's transfers newest first. Start with
 * link = ledger_history_head(l, account_index); each call returns the slot
 * and advances link; returns -1 at the end. With a disk tier this walks the
 * hot part only (it ends where the tier begins): ledger_history_step walks
 * all of it. */
uint32_t ledger_history_head(const struct ledger *l, uint32_t account_index);
int64_t ledger_history_next(const struct ledger *l, uint32_t *link);

/* Invariants: per currency, sum of debits == sum of credits (pending and
 * posted); every balance respects its account's flags; pending sums match
 * the open pending transfers. Returns 0 or SZ_ECORRUPT with a message. */
int ledger_check_invariants(const struct ledger *l, char *why, size_t why_size);

/* Feed the whole ledger state into a crypto_generichash_state (deterministic). */
void ledger_digest(const struct ledger *l, void *blake2b_state);

/* Snapshot: write/read the state (caller provides the stream and checksum). */
int ledger_snapshot_write(const struct ledger *l, struct sz_snap *f);
int ledger_snapshot_read(struct ledger *l, struct sz_snap *f);
/* Recompute slot_digest from every slot in RAM (snapshot loading only). */
void ledger_slot_digest_recompute(struct ledger *l);
/* Grow the pending arrays by one step (snapshot loading only). */
int ledger_pending_reserve_for_load(struct ledger *l);

/* ---- the disk tier (ledger_tier.c) ----------------------------------------- */

/* Move final transfers older than the newest hot_window_count to index runs
 * in dir (created if missing). Call once, before any batch; 0 or SZ_E*. */
int ledger_tier_attach(struct ledger *l, const char *dir, uint32_t hot_window_count);
/* Between batches (ledger_reserve calls it): collect a finished run and take
 * its transfers out of RAM, adopt or start the next run when due. */
void ledger_tier_step(struct ledger *l);
/* Build every run that is due now and take its transfers out of RAM (tests). */
void ledger_tier_settle(struct ledger *l);
/* Before a batch's apply bracket, on the engine thread: look up on disk the
 * ids of this batch's transfer commands (and the pending ids they post or
 * void) that are not hot, so that apply answers exactly as if they were.
 * A damaged run here stops the process (it can not answer; restart rebuilds). */
void ledger_resolve(struct ledger *l, const sz_command_header *const *cmds, uint32_t count);
/* A resolved cold slot for id in this batch, or NULL (apply only). */
const struct ledger_slot *ledger_resolved(const struct ledger *l, sz_id id);
/* A slot copy's status and log position (the copies that
 * ledger_transfer_find, ledger_slot_read and ledger_history_step give). */
static inline uint8_t ledger_slot_copy_status(const struct ledger_slot *s)
{
	return (uint8_t)(s->log_pos >> 60);
}
static inline uint64_t ledger_slot_copy_log_pos(const struct ledger_slot *s)
{
	return s->log_pos & ((1ull << 60) - 1);
}
/* Find a transfer hot or cold (queries, outside apply): 1 and *out (a copy
 * of its slot) if hot, 2 if on the disk tier, 0 if absent, SZ_ECORRUPT or
 * SZ_EIO. *slot_number gets its slot number. */
int ledger_transfer_find(const struct ledger *l, sz_id id, struct ledger_slot *out, uint32_t *slot_number);
/* Is slot below the disk tier's boundary (on a run unless pinned)? */
bool ledger_tier_slot_cold(const struct ledger *l, uint32_t slot);
/* Slot number slot, from RAM (1) or its run (2), checked; SZ_ECORRUPT or
 * SZ_EIO (queries that scan by slot number, outside apply). */
int ledger_slot_read(const struct ledger *l, uint32_t slot, struct ledger_slot *out);
/* Account history across the disk tier (queries, outside apply): like
 * ledger_history_next, but a slot given back to the disk tier is read from
 * its run (checked). 1 = from RAM, 2 = from disk, 0 = end of the chain,
 * SZ_ECORRUPT or SZ_EIO. *out gets a copy of the slot, *slot_number its
 * number; *link advances. */
int ledger_history_step(const struct ledger *l, uint32_t *link, struct ledger_slot *out, uint32_t *slot_number);
/* Snapshot writer only (a forked child): put every cold slot back in RAM and
 * the slot index back to what it would be without the tier, so that the
 * snapshot does not depend on what was hot. 0 or SZ_E*. */
int ledger_tier_restore_all(struct ledger *l);
/* RAM the tier holds (filters, fences, block sums) and slots given back. */
uint64_t ledger_tier_memory_bytes(const struct ledger *l);
uint64_t ledger_tier_released_bytes(const struct ledger *l);
void ledger_tier_release(struct ledger *l);

/* Memory held by the ledger, by part, for the benchmark's per-item figures. */
struct ledger_memory {
	uint64_t accounts_bytes;
	uint64_t transfers_bytes;
	uint64_t pending_bytes;
	uint64_t derived_bytes;  /* records of domain-made transfers */
};
void ledger_memory(const struct ledger *l, struct ledger_memory *m);

#endif
