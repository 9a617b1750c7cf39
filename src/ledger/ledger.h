/*
 * ledger.h — accounts, transfers, two-phase holds and linked chains.
 *
 * Owns: the in-memory ledger state: a dense array of accounts with an id
 * index, a dense array of transfer slots (id, fingerprint, log position,
 * status, history links) with an id index, the open pending transfers and
 * their expiry heap. Full transfer records live in the log; memory keeps only
 * what rules need (about 48 bytes per retained transfer).
 * Applies ledger commands deterministically: no clock, no I/O, no randomness;
 * time is the command's timestamp stamped by the engine.
 * Never: mutate state outside ledger_apply_* / ledger_expire, or let a failed
 * command (or a failed linked chain) leave any trace.
 */
#ifndef SZ_LEDGER_H
#define SZ_LEDGER_H

#include "szfin/szfin.h"
#include "ledger/index.h"

#include <stdint.h>
#include <stddef.h>

struct sz_snap;
struct sz_state;

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


struct ledger_undo; /* linked-chain rollback journal, ledger.c */

struct ledger {
	sz_account *accounts;
	uint32_t *account_history;   /* per account: newest history link */
	uint32_t account_count;      /* arrays reserved for SZ_ACCOUNT_COUNT_MAX */
	struct ledger_index account_index;

	struct ledger_slot *slots;   /* reserved once for SZ_TRANSFER_COUNT_MAX (core/vm.h) */
	uint32_t slot_count;
	struct ledger_index slot_index;

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

	struct ledger_undo *undo;
	uint64_t transfers_posted_count;  /* statistics for metrics */
	uint64_t transfers_rejected_count;
};

/* Context of one command application. log_pos is where the command's record
 * sits in the log (for later lookups); 0 for a transfer a domain makes inside
 * its own command: the ledger then keeps the record itself (ledger_derived). */
struct ledger_ctx {
	uint64_t timestamp_ns;
	uint64_t log_pos;
};

/* The ledger inside the replicated state: the only way domains, the api and
 * tests reach it (never through the state's fields). */
struct ledger *sz_ledger(struct sz_state *s);
const struct ledger *sz_ledger_const(const struct sz_state *s);

int ledger_init(struct ledger *l);
void ledger_release(struct ledger *l);

/* Apply one command. Return an enum sz_result (or domain result). The
 * command must be validated for size by the caller (engine). */
uint32_t ledger_create_account(struct ledger *l, const sz_account *a, const struct ledger_ctx *ctx);
uint32_t ledger_create_transfer(struct ledger *l, const sz_transfer *t, const struct ledger_ctx *ctx);
uint32_t ledger_account_flags(struct ledger *l, const sz_account_flags_cmd *c, const struct ledger_ctx *ctx);

/* Linked chains: begin journalling; commit drops the journal; rollback
 * reverts every change since begin. Chains do not nest. */
void ledger_chain_begin(struct ledger *l);
void ledger_chain_commit(struct ledger *l);
void ledger_chain_rollback(struct ledger *l);

/* Cache hints for a transfer about to be applied (batch apply calls stage 1
 * some commands ahead of stage 2, and stage 2 some commands ahead of apply). */
void ledger_prefetch_transfer(const struct ledger *l, const sz_transfer *t, int stage);

/* Expire every pending transfer with expires_at_ns <= now_ns (batch time).
 * Returns the number expired. Deterministic: ordered by (expiry, slot). */
uint32_t ledger_expire(struct ledger *l, uint64_t now_ns);

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
 * and advances link; returns -1 at the end. */
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
/* Grow the pending arrays by one step (snapshot loading only). */
int ledger_pending_reserve_for_load(struct ledger *l);

/* Memory held by the ledger, by part, for the benchmark's per-item figures. */
struct ledger_memory {
	uint64_t accounts_bytes;
	uint64_t transfers_bytes;
	uint64_t pending_bytes;
	uint64_t derived_bytes;  /* records of domain-made transfers */
};
void ledger_memory(const struct ledger *l, struct ledger_memory *m);

#endif
