/*
 * ledger.c — applying account and transfer commands to the in-memory ledger.
 *
 * Every apply function validates completely before it mutates anything, so a
 * rejected command leaves no trace. Every mutation is also journalled
 * (engine/journal.h: old bytes, counts included) so that the engine can undo
 * a linked chain or a domain command that fails later, together with the
 * domains' changes. Every transfer passes the transfer hooks (engine/hooks.h)
 * after the ledger's own rules. Apply never allocates: ledger_reserve grows
 * the indexes and pending arrays before each batch. Rules are listed in
 * szfin.h as result codes; the order of checks below is the order of
 * precedence.
 */
#include "ledger/ledger.h"
#include "ledger/index.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/limits.h"
#include "core/vm.h"
#include "engine/hooks.h"
#include "engine/journal.h"

#include <stdlib.h>
#include <string.h>

#define STATUS_SHIFT 60
#define POS_MASK ((1ull << STATUS_SHIFT) - 1)

/* Hooks of a ledger that is not part of a state (unit tests): none. */
static const struct sz_hooks no_hooks;

/* ---- keys for the indexes ------------------------------------------------ */

static sz_id account_key(const void *base, uint32_t position)
{
	SZ_ASSERT(base != NULL);
	SZ_ASSERT(position < SZ_ACCOUNT_COUNT_MAX);
	return ((const sz_account *)base)[position].id;
}

static sz_id slot_key(const void *base, uint32_t position)
{
	SZ_ASSERT(base != NULL);
	SZ_ASSERT(position < SZ_TRANSFER_COUNT_MAX);
	return ((const struct ledger_slot *)base)[position].id;
}

static sz_id pending_key(const void *base, uint32_t position)
{
	SZ_ASSERT(base != NULL);
	SZ_ASSERT(position < SZ_PENDING_COUNT_MAX);
	return sz_id_make(0, ((const struct ledger_pending *)base)[position].slot);
}

/* ---- life cycle ---------------------------------------------------------- */

int ledger_init(struct ledger *l)
{
	SZ_ASSERT(SZ_ACCOUNT_COUNT_MAX > 0 && SZ_TRANSFER_COUNT_MAX > 0);
	SZ_ASSERT(l != NULL);
	memset(l, 0, sizeof *l);
	l->accounts = sz_vm_reserve((size_t)SZ_ACCOUNT_COUNT_MAX * sizeof(sz_account));
	l->account_history = sz_vm_reserve((size_t)SZ_ACCOUNT_COUNT_MAX * sizeof(uint32_t));
	l->slots = sz_vm_reserve((size_t)SZ_TRANSFER_COUNT_MAX * sizeof(struct ledger_slot));
	l->derived = sz_vm_reserve((size_t)SZ_DERIVED_TRANSFER_COUNT_MAX * sizeof(sz_transfer));
	l->hooks = &no_hooks;
	if (!l->accounts || !l->account_history || !l->slots || !l->derived)
		goto fail;
	if (ledger_index_init(&l->account_index, 0) || ledger_index_init(&l->slot_index, 0) ||
	    ledger_index_init(&l->pending_index, 0))
		goto fail;
	return 0;
fail:
	ledger_release(l);
	return SZ_ENOMEM;
}

void ledger_release(struct ledger *l)
{
	SZ_ASSERT(l != NULL);
	SZ_ASSERT(!sz_journal_open()); /* never inside apply */
	sz_vm_release(l->accounts, (size_t)SZ_ACCOUNT_COUNT_MAX * sizeof(sz_account));
	sz_vm_release(l->account_history, (size_t)SZ_ACCOUNT_COUNT_MAX * sizeof(uint32_t));
	sz_vm_release(l->slots, (size_t)SZ_TRANSFER_COUNT_MAX * sizeof(struct ledger_slot));
	sz_vm_release(l->derived, (size_t)SZ_DERIVED_TRANSFER_COUNT_MAX * sizeof(sz_transfer));
	ledger_index_release(&l->account_index);
	ledger_index_release(&l->slot_index);
	ledger_index_release(&l->pending_index);
	free(l->pending);
	free(l->expiry_heap);
	ledger_tier_release(l);
	memset(l, 0, sizeof *l);
}

/* ---- journal ------------------------------------------------------------- */

/* What an account's change can alter: its four balances (contiguous) and its
 * flags; the rest of a record never changes after creation. */
static void journal_account(struct ledger *l, uint32_t index)
{
	SZ_ASSERT(l->accounts != NULL);
	SZ_ASSERT(index < l->account_count);
	sz_account *a = &l->accounts[index];
	_Static_assert(offsetof(sz_account, credits_posted) == offsetof(sz_account, debits_pending) + 24,
		       "balances are contiguous");
	sz_journal(&a->debits_pending, 4 * sizeof(uint64_t));
	SZ_JOURNAL_FIELD(a->flags);
}

void ledger_hooks_set(struct ledger *l, const struct sz_hooks *hooks)
{
	SZ_ASSERT(l != NULL);
	SZ_ASSERT(hooks != NULL);
	l->hooks = hooks;
}

/* ---- pending transfers and the expiry heap ------------------------------- */

static bool heap_less(const struct ledger *l, uint32_t a, uint32_t b)
{
	SZ_ASSERT(a < l->expiry_count && b < l->expiry_count);
	SZ_ASSERT(l->expiry_heap[a] < l->pending_count && l->expiry_heap[b] < l->pending_count);
	const struct ledger_pending *pa = &l->pending[l->expiry_heap[a]];
	const struct ledger_pending *pb = &l->pending[l->expiry_heap[b]];
	if (pa->expires_at_ns != pb->expires_at_ns)
		return pa->expires_at_ns < pb->expires_at_ns;
	return pa->slot < pb->slot;
}

static void heap_swap(struct ledger *l, uint32_t a, uint32_t b)
{
	SZ_ASSERT(a <= l->expiry_count && b <= l->expiry_count);
	SZ_ASSERT(l->expiry_count < l->pending_capacity);
	SZ_JOURNAL_FIELD(l->expiry_heap[a]);
	SZ_JOURNAL_FIELD(l->expiry_heap[b]);
	SZ_JOURNAL_FIELD(l->pending[l->expiry_heap[a]].heap_index);
	SZ_JOURNAL_FIELD(l->pending[l->expiry_heap[b]].heap_index);
	uint32_t t = l->expiry_heap[a];
	l->expiry_heap[a] = l->expiry_heap[b];
	l->expiry_heap[b] = t;
	l->pending[l->expiry_heap[a]].heap_index = a;
	l->pending[l->expiry_heap[b]].heap_index = b;
}

static void heap_fix(struct ledger *l, uint32_t i)
{
	SZ_ASSERT(i < l->expiry_count);
	SZ_ASSERT(l->expiry_count <= l->pending_count);
	while (i > 0 && heap_less(l, i, (i - 1) / 2)) {
		heap_swap(l, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		uint32_t smallest = i, left = 2 * i + 1, right = 2 * i + 2;
		if (left < l->expiry_count && heap_less(l, left, smallest))
			smallest = left;
		if (right < l->expiry_count && heap_less(l, right, smallest))
			smallest = right;
		if (smallest == i)
			return;
		heap_swap(l, i, smallest);
		i = smallest;
	}
}

static void heap_remove(struct ledger *l, uint32_t heap_index)
{
	SZ_ASSERT(l->expiry_count > 0);
	SZ_ASSERT(heap_index < l->expiry_count);
	SZ_JOURNAL_FIELD(l->expiry_count);
	uint32_t last = --l->expiry_count;
	if (heap_index != last) {
		heap_swap(l, heap_index, last);
		heap_fix(l, heap_index);
	}
}

/* Grow the pending arrays (between batches only) to hold room more. */
static int pending_reserve(struct ledger *l, uint32_t room)
{
	SZ_ASSERT(!sz_journal_open());
	SZ_ASSERT(l->pending_count <= l->pending_capacity);
	uint64_t want = (uint64_t)l->pending_count + room;
	if (want > SZ_PENDING_COUNT_MAX)
		want = SZ_PENDING_COUNT_MAX;
	if (want <= l->pending_capacity)
		return 0;
	uint32_t capacity = l->pending_capacity ? l->pending_capacity : 1024;
	while (capacity < want)
		capacity *= 2;
	struct ledger_pending *p = realloc(l->pending, capacity * sizeof *p);
	if (p == NULL)
		return SZ_ENOMEM;
	l->pending = p;
	uint32_t *h = realloc(l->expiry_heap, capacity * sizeof *h);
	if (h == NULL)
		return SZ_ENOMEM;
	l->expiry_heap = h;
	l->pending_capacity = capacity;
	return 0;
}

int ledger_pending_reserve_for_load(struct ledger *l)
{
	SZ_ASSERT(!sz_journal_open());
	SZ_ASSERT(l->pending_count == l->pending_capacity || l->pending_count == 0);
	return pending_reserve(l, l->pending_capacity ? l->pending_capacity : 1024);
}

int ledger_reserve(struct ledger *l, uint32_t command_count)
{
	SZ_ASSERT(command_count <= SZ_BATCH_COMMAND_COUNT_MAX);
	SZ_ASSERT(!sz_journal_open());
	if (l->tier != NULL)
		ledger_tier_step(l); /* may take a run's transfers out of the hot index */
	/* Whatever the commands are, the batch adds at most this many entries
	 * (each command is checked against the same bound in apply). */
	const uint32_t room = SZ_BATCH_LEDGER_INSERT_COUNT_MAX;
	int rc = ledger_index_reserve(&l->account_index, l->accounts, account_key, SZ_BATCH_ACCOUNT_CREATE_COUNT_MAX);
	if (rc == 0)
		rc = ledger_index_reserve(&l->slot_index, l->slots, slot_key, room);
	if (rc == 0)
		rc = ledger_index_reserve(&l->pending_index, l->pending, pending_key, room);
	if (rc == 0)
		rc = pending_reserve(l, room);
	l->batch_insert_count = 0;
	l->batch_account_count = 0;
	return rc;
}

/* Room for n more index entries in this batch (a configured bound, the same
 * on every machine; ledger_reserve made the room). */
static bool batch_room(const struct ledger *l, uint32_t n)
{
	SZ_ASSERT(l->batch_insert_count <= SZ_BATCH_LEDGER_INSERT_COUNT_MAX);
	SZ_ASSERT(n <= 2);
	return l->batch_insert_count + n <= SZ_BATCH_LEDGER_INSERT_COUNT_MAX;
}

static void batch_insert_counted(struct ledger *l)
{
	SZ_ASSERT(l != NULL);
	SZ_ASSERT(l->batch_insert_count < SZ_BATCH_LEDGER_INSERT_COUNT_MAX);
	SZ_JOURNAL_FIELD(l->batch_insert_count);
	l->batch_insert_count++;
}

/* Capacity was reserved before the batch (ledger_reserve) and the batch's
 * room checked during validation (batch_room). */
static void pending_add(struct ledger *l, const struct ledger_pending *p)
{
	SZ_ASSERT(l->pending_count < l->pending_capacity);
	SZ_ASSERT(l->pending_count < SZ_PENDING_COUNT_MAX);
	SZ_JOURNAL_FIELD(l->pending_count);
	uint32_t index = l->pending_count++;
	SZ_JOURNAL_FIELD(l->pending[index]);
	l->pending[index] = *p;
	l->pending[index].heap_index = UINT32_MAX;
	batch_insert_counted(l);
	int rc = ledger_index_insert(&l->pending_index, l->pending, pending_key, sz_id_make(0, p->slot), index);
	SZ_ASSERT(rc == 0);
	if (p->expires_at_ns != 0) {
		SZ_JOURNAL_FIELD(l->expiry_count);
		uint32_t h = l->expiry_count++;
		SZ_JOURNAL_FIELD(l->expiry_heap[h]);
		l->expiry_heap[h] = index;
		l->pending[index].heap_index = h;
		heap_fix(l, h);
	}
}

static void pending_remove(struct ledger *l, uint32_t index)
{
	SZ_ASSERT(index < l->pending_count);
	struct ledger_pending *p = &l->pending[index];
	if (p->heap_index != UINT32_MAX)
		heap_remove(l, p->heap_index);
	ledger_index_remove(&l->pending_index, l->pending, pending_key, sz_id_make(0, p->slot), index);
	SZ_JOURNAL_FIELD(l->pending_count);
	uint32_t last = --l->pending_count;
	if (index != last) {
		SZ_JOURNAL_FIELD(l->pending[index]);
		l->pending[index] = l->pending[last];
		ledger_index_move(&l->pending_index, sz_id_make(0, l->pending[index].slot), last, index);
		if (l->pending[index].heap_index != UINT32_MAX) {
			SZ_JOURNAL_FIELD(l->expiry_heap[l->pending[index].heap_index]);
			l->expiry_heap[l->pending[index].heap_index] = index;
		}
	}
	SZ_ASSERT(l->pending_index.count == l->pending_count);
}

static int64_t pending_find(const struct ledger *l, uint32_t slot)
{
	SZ_ASSERT(l->pending_index.count == l->pending_count);
	SZ_ASSERT(slot < l->slot_count);
	return ledger_index_find(&l->pending_index, l->pending, pending_key, sz_id_make(0, slot));
}

/* ---- slots ---------------------------------------------------------------- */

static uint8_t slot_status(const struct ledger_slot *s)
{
	SZ_ASSERT((s->log_pos >> STATUS_SHIFT) <= SZ_STATUS_VOID);
	SZ_ASSERT(s != NULL);
	return (uint8_t)(s->log_pos >> STATUS_SHIFT);
}

/* One slot's share of slot_digest: two keyed mixes of its number and bytes. */
static void slot_digest_mix(const struct ledger_slot *s, uint32_t slot, uint64_t out[2])
{
	SZ_ASSERT(s != NULL);
	SZ_ASSERT(slot < SZ_TRANSFER_COUNT_MAX);
	uint64_t a = sz_mix64(s->id.lo ^ slot, s->id.hi);
	uint64_t b = sz_mix64(a ^ s->fingerprint, s->log_pos);
	out[0] = sz_mix64(b, (uint64_t)s->prev_debit << 32 | s->prev_credit);
	out[1] = sz_mix64(out[0] ^ 0x2545f4914f6cdd1dull, b + slot);
}

static void slot_digest_add(struct ledger *l, uint32_t slot, bool add)
{
	uint64_t m[2];
	slot_digest_mix(&l->slots[slot], slot, m);
	sz_journal(l->slot_digest, sizeof l->slot_digest);
	l->slot_digest[0] = add ? l->slot_digest[0] + m[0] : l->slot_digest[0] - m[0];
	l->slot_digest[1] = add ? l->slot_digest[1] + m[1] : l->slot_digest[1] - m[1];
}

void ledger_slot_digest_recompute(struct ledger *l)
{
	SZ_ASSERT(!sz_journal_open());
	SZ_ASSERT(l->slot_cold_count == 0);
	l->slot_digest[0] = l->slot_digest[1] = 0;
	for (uint32_t slot = 0; slot < l->slot_count; slot++)
		slot_digest_add(l, slot, true);
}

static void slot_set_status(struct ledger *l, uint32_t slot, uint8_t status)
{
	SZ_ASSERT(slot < l->slot_count);
	SZ_ASSERT(status <= 0xf);
	slot_digest_add(l, slot, false);
	SZ_JOURNAL_FIELD(l->slots[slot].log_pos);
	l->slots[slot].log_pos = (l->slots[slot].log_pos & POS_MASK) | (uint64_t)status << STATUS_SHIFT;
	slot_digest_add(l, slot, true);
}

static uint32_t history_link(uint32_t slot, uint32_t side)
{
	SZ_ASSERT(side <= 1);
	SZ_ASSERT(slot < SZ_TRANSFER_COUNT_MAX);
	return ((slot + 1) << 1) | side;
}

static void slot_insert(struct ledger *l, const sz_transfer *t, uint64_t fingerprint, uint64_t log_pos,
			uint8_t status, uint32_t debit_index, uint32_t credit_index)
{
	SZ_ASSERT(debit_index < l->account_count && credit_index < l->account_count);
	SZ_ASSERT(l->slot_count < SZ_TRANSFER_COUNT_MAX);
	SZ_ASSERT((log_pos & ~POS_MASK) == 0);
	SZ_JOURNAL_FIELD(l->slot_count);
	uint32_t slot = l->slot_count++;
	/* Only the count is journalled: a rollback restores it (and the index
	 * buckets), and the bytes past the count are no state, read by nothing
	 * and overwritten whole by the next append. */
	struct ledger_slot *s = &l->slots[slot];
	SZ_JOURNAL_FIELD(l->account_history[debit_index]);
	SZ_JOURNAL_FIELD(l->account_history[credit_index]);
	s->id = t->id;
	s->fingerprint = fingerprint;
	s->log_pos = log_pos | (uint64_t)status << STATUS_SHIFT;
	s->prev_debit = l->account_history[debit_index];
	s->prev_credit = l->account_history[credit_index];
	l->account_history[debit_index] = history_link(slot, 0);
	l->account_history[credit_index] = history_link(slot, 1);
	slot_digest_add(l, slot, true);
	batch_insert_counted(l);
	int rc = ledger_index_insert(&l->slot_index, l->slots, slot_key, t->id, slot);
	SZ_ASSERT(rc == 0); /* room reserved before the batch: never grows here */
}

/* ---- validation helpers ---------------------------------------------------- */

static bool currency_valid(uint32_t c)
{
	for (int i = 0; i < 3; i++) {
		uint8_t ch = (uint8_t)(c >> (8 * i));
		if (ch < 'A' || ch > 'Z')
			return false;
	}
	return (c >> 24) == 0;
}

static bool bytes_zero(const uint8_t *p, size_t size)
{
	SZ_ASSERT(p != NULL);
	SZ_ASSERT(size > 0);
	for (size_t i = 0; i < size; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* Fingerprint of a transfer's client fields (timestamp excluded). */
static uint64_t transfer_fingerprint(const sz_transfer *t)
{
	SZ_ASSERT(t != NULL);
	sz_transfer copy = *t;
	copy.timestamp = 0;
	return sz_fingerprint64(&copy, sizeof copy);
}

/* ---- accounts ------------------------------------------------------------- */

static uint32_t account_exists(const sz_account *stored, const sz_account *a)
{
	SZ_ASSERT(sz_id_eq(stored->id, a->id));
	SZ_ASSERT(!sz_id_is_zero(stored->id));
	uint16_t creation_flags = SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS | SZ_ACCOUNT_CREDITS_MUST_NOT_EXCEED_DEBITS;
	bool same = sz_id_eq(stored->owner_id, a->owner_id) && stored->user_data == a->user_data &&
		    stored->tenant_id == a->tenant_id && stored->currency == a->currency &&
		    stored->kind == a->kind && (stored->flags & creation_flags) == (a->flags & creation_flags);
	return same ? SZ_R_EXISTS : SZ_R_EXISTS_WITH_DIFFERENT_FIELDS;
}

uint32_t ledger_create_account(struct ledger *l, const sz_account *a, const struct ledger_ctx *ctx)
{
	SZ_ASSERT(l != NULL && a != NULL);
	SZ_ASSERT(a->timestamp == 0 || a->timestamp == ctx->timestamp_ns);
	if (sz_id_is_zero(a->id))
		return SZ_R_ID_ZERO;
	if (!bytes_zero(a->reserved, sizeof a->reserved))
		return SZ_R_RESERVED_NONZERO;
	if ((a->flags & ~SZ_ACCOUNT_FLAGS_ALL) || (a->flags & SZ_ACCOUNT_CLOSED) ||
	    ((a->flags & SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS) && (a->flags & SZ_ACCOUNT_CREDITS_MUST_NOT_EXCEED_DEBITS)))
		return SZ_R_FLAGS_INVALID;
	if (a->debits_pending || a->debits_posted || a->credits_pending || a->credits_posted)
		return SZ_R_BALANCES_NONZERO;
	if (!currency_valid(a->currency))
		return SZ_R_CURRENCY_INVALID;
	int64_t existing = ledger_account_find(l, a->id);
	if (existing >= 0)
		return account_exists(&l->accounts[existing], a);
	if (l->account_count >= SZ_ACCOUNT_COUNT_MAX || l->batch_account_count >= SZ_BATCH_ACCOUNT_CREATE_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;

	SZ_JOURNAL_FIELD(l->account_count);
	uint32_t index = l->account_count++;
	sz_account *stored = &l->accounts[index];
	sz_journal(stored, sizeof *stored);
	SZ_JOURNAL_FIELD(l->account_history[index]);
	*stored = *a;
	stored->flags = a->flags & (uint16_t)~SZ_ACCOUNT_LINKED;
	stored->timestamp = ctx->timestamp_ns;
	l->account_history[index] = 0;
	SZ_JOURNAL_FIELD(l->batch_account_count);
	l->batch_account_count++;
	int rc = ledger_index_insert(&l->account_index, l->accounts, account_key, a->id, index);
	SZ_ASSERT(rc == 0); /* room reserved before the batch: never grows here */
	SZ_ASSERT(l->account_index.count == l->account_count);
	return SZ_R_OK;
}

uint32_t ledger_account_flags(struct ledger *l, const sz_account_flags_cmd *c, const struct ledger_ctx *ctx)
{
	SZ_ASSERT(l != NULL && c != NULL);
	SZ_ASSERT(l->account_count <= SZ_ACCOUNT_COUNT_MAX);
	(void)ctx;
	const uint16_t settable = SZ_ACCOUNT_FROZEN | SZ_ACCOUNT_CLOSED;
	if (sz_id_is_zero(c->account_id))
		return SZ_R_ID_ZERO;
	if (!bytes_zero(c->reserved, sizeof c->reserved))
		return SZ_R_RESERVED_NONZERO;
	if ((c->set & ~settable) || (c->clear & ~SZ_ACCOUNT_FROZEN) || (c->set & c->clear) || (c->set | c->clear) == 0)
		return SZ_R_FLAGS_INVALID;
	int64_t index = ledger_account_find(l, c->account_id);
	if (index < 0)
		return SZ_R_ACCOUNT_NOT_FOUND;
	sz_account *a = &l->accounts[index];
	if (a->flags & SZ_ACCOUNT_CLOSED)
		return SZ_R_ACCOUNT_CLOSED;
	if ((c->set & SZ_ACCOUNT_CLOSED) &&
	    (a->debits_pending || a->credits_pending || a->debits_posted != a->credits_posted))
		return SZ_R_ACCOUNT_HAS_BALANCE;
	journal_account(l, (uint32_t)index);
	a->flags = (uint16_t)((a->flags | c->set) & ~c->clear);
	return SZ_R_OK;
}

/* ---- transfers ------------------------------------------------------------ */

/* Resolved accounts of a transfer after the shared checks. */
struct transfer_accounts {
	uint32_t debit_index;
	uint32_t credit_index;
	sz_account *dr;
	sz_account *cr;
};

static uint32_t resolve_accounts(struct ledger *l, const sz_transfer *t, struct transfer_accounts *out)
{
	SZ_ASSERT(!sz_id_is_zero(t->id));
	SZ_ASSERT(l->account_index.count == l->account_count);
	if (sz_id_eq(t->debit_account_id, t->credit_account_id))
		return SZ_R_ACCOUNTS_SAME;
	if (!currency_valid(t->currency))
		return SZ_R_CURRENCY_INVALID;
	int64_t d = ledger_account_find(l, t->debit_account_id);
	if (d < 0)
		return SZ_R_DEBIT_ACCOUNT_NOT_FOUND;
	int64_t c = ledger_account_find(l, t->credit_account_id);
	if (c < 0)
		return SZ_R_CREDIT_ACCOUNT_NOT_FOUND;
	out->debit_index = (uint32_t)d;
	out->credit_index = (uint32_t)c;
	out->dr = &l->accounts[d];
	out->cr = &l->accounts[c];
	if (out->dr->currency != t->currency || out->cr->currency != t->currency)
		return SZ_R_CURRENCY_MISMATCH;
	if (out->dr->flags & SZ_ACCOUNT_CLOSED)
		return SZ_R_DEBIT_ACCOUNT_CLOSED;
	if (out->cr->flags & SZ_ACCOUNT_CLOSED)
		return SZ_R_CREDIT_ACCOUNT_CLOSED;
	if (out->dr->flags & SZ_ACCOUNT_FROZEN)
		return SZ_R_DEBIT_ACCOUNT_FROZEN;
	if (out->cr->flags & SZ_ACCOUNT_FROZEN)
		return SZ_R_CREDIT_ACCOUNT_FROZEN;
	return SZ_R_OK;
}

/* Balance checks for adding amount to the debit side of dr and the credit
 * side of cr (pending or posted alike: reservations count). */
static uint32_t check_balances(const sz_account *dr, const sz_account *cr, uint64_t amount)
{
	SZ_ASSERT(dr != NULL && cr != NULL);
	SZ_ASSERT(dr != cr);
	uint64_t dr_debits, cr_credits, sum;
	if (__builtin_add_overflow(dr->debits_pending, dr->debits_posted, &sum) ||
	    __builtin_add_overflow(sum, amount, &dr_debits))
		return SZ_R_OVERFLOW;
	if (__builtin_add_overflow(cr->credits_pending, cr->credits_posted, &sum) ||
	    __builtin_add_overflow(sum, amount, &cr_credits))
		return SZ_R_OVERFLOW;
	/* Both sides of either account must stay summable (invariant checks, digests). */
	if (__builtin_add_overflow(dr->credits_pending, dr->credits_posted, &sum) ||
	    __builtin_add_overflow(cr->debits_pending, cr->debits_posted, &sum))
		return SZ_R_OVERFLOW;
	if ((dr->flags & SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS) && dr_debits > dr->credits_posted)
		return SZ_R_EXCEEDS_CREDITS;
	if ((cr->flags & SZ_ACCOUNT_CREDITS_MUST_NOT_EXCEED_DEBITS) && cr_credits > cr->debits_posted)
		return SZ_R_EXCEEDS_DEBITS;
	return SZ_R_OK;
}

static uint32_t transfer_common_checks(const sz_transfer *t)
{
	SZ_ASSERT(t != NULL);
	if (sz_id_is_zero(t->id))
		return SZ_R_ID_ZERO;
	if (!bytes_zero(t->reserved, sizeof t->reserved))
		return SZ_R_RESERVED_NONZERO;
	uint16_t phase = t->flags & (SZ_TRANSFER_PENDING | SZ_TRANSFER_POST_PENDING | SZ_TRANSFER_VOID_PENDING);
	if ((t->flags & ~SZ_TRANSFER_FLAGS_ALL) || (phase & (phase - 1)))
		return SZ_R_FLAGS_INVALID;
	return SZ_R_OK;
}

/* Where the transfer's record can be read back: the command in the log, or,
 * for a transfer a domain made (ctx->log_pos 0), a copy the ledger keeps.
 * Capacity must have been checked (derived_room). */
static uint64_t record_position(struct ledger *l, const sz_transfer *t, const struct ledger_ctx *ctx)
{
	SZ_ASSERT(t != NULL && ctx != NULL);
	if (ctx->log_pos != 0) {
		SZ_ASSERT(SZ_LOG_POS_SEGMENT(ctx->log_pos) != 0); /* segments count from 1 */
		return ctx->log_pos;
	}
	SZ_ASSERT(l->derived_count < SZ_DERIVED_TRANSFER_COUNT_MAX);
	SZ_JOURNAL_FIELD(l->derived_count);
	sz_transfer *copy = &l->derived[l->derived_count++]; /* past the count: no state, not journalled (slot_insert) */
	*copy = *t;
	copy->timestamp = ctx->timestamp_ns;
	return SZ_LOG_POS_MAKE(0, l->derived_count);
}

static bool derived_room(const struct ledger *l, const struct ledger_ctx *ctx)
{
	SZ_ASSERT(l->derived_count <= SZ_DERIVED_TRANSFER_COUNT_MAX);
	SZ_ASSERT(ctx != NULL);
	return ctx->log_pos != 0 || l->derived_count < SZ_DERIVED_TRANSFER_COUNT_MAX;
}

const sz_transfer *ledger_derived(const struct ledger *l, uint64_t log_pos)
{
	SZ_ASSERT(l != NULL);
	SZ_ASSERT(l->derived_count <= SZ_DERIVED_TRANSFER_COUNT_MAX);
	uint64_t n = SZ_LOG_POS_OFFSET(log_pos);
	if (SZ_LOG_POS_SEGMENT(log_pos) != 0 || n == 0 || n > l->derived_count)
		return NULL;
	return &l->derived[n - 1];
}

static uint32_t transfer_single(struct ledger *l, const sz_transfer *t, uint64_t fingerprint,
				const struct ledger_ctx *ctx)
{
	SZ_ASSERT(!(t->flags & (SZ_TRANSFER_POST_PENDING | SZ_TRANSFER_VOID_PENDING)));
	SZ_ASSERT(!sz_id_is_zero(t->id));
	bool pending = t->flags & SZ_TRANSFER_PENDING;
	if (!sz_id_is_zero(t->pending_id))
		return SZ_R_PENDING_ID_MUST_BE_ZERO;
	if (t->timeout_s != 0 && !pending)
		return SZ_R_TIMEOUT_RESERVED_FOR_PENDING;
	if (t->timeout_s > SZ_PENDING_TIMEOUT_S_MAX)
		return SZ_R_TIMEOUT_TOO_LARGE;
	if (t->amount == 0)
		return SZ_R_AMOUNT_ZERO;
	struct transfer_accounts acc;
	uint32_t r = resolve_accounts(l, t, &acc);
	if (r != SZ_R_OK)
		return r;
	if ((r = check_balances(acc.dr, acc.cr, t->amount)) != SZ_R_OK)
		return r;
	if (l->slot_count >= SZ_TRANSFER_COUNT_MAX || !derived_room(l, ctx) || !batch_room(l, pending ? 2 : 1))
		return SZ_R_LIMIT_REACHED;
	if (pending && l->pending_count >= SZ_PENDING_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	if ((r = sz_hooks_check(l->hooks, t, acc.dr, acc.cr)) != SZ_R_OK)
		return r;

	journal_account(l, acc.debit_index);
	journal_account(l, acc.credit_index);
	if (pending) {
		acc.dr->debits_pending += t->amount;
		acc.cr->credits_pending += t->amount;
	} else {
		acc.dr->debits_posted += t->amount;
		acc.cr->credits_posted += t->amount;
	}
	uint32_t slot = l->slot_count;
	slot_insert(l, t, fingerprint, record_position(l, t, ctx), pending ? SZ_STATUS_PENDING : SZ_STATUS_POSTED,
		    acc.debit_index, acc.credit_index);
	if (pending) {
		struct ledger_pending p = {
			.slot = slot,
			.debit_index = acc.debit_index,
			.credit_index = acc.credit_index,
			.amount = t->amount,
			.expires_at_ns = t->timeout_s ? ctx->timestamp_ns + (uint64_t)t->timeout_s * 1000000000ull : 0,
		};
		pending_add(l, &p);
	}
	SZ_JOURNAL_FIELD(l->transfers_posted_count);
	l->transfers_posted_count++;
	sz_hooks_observe(l->hooks, t, acc.dr, acc.cr);
	return SZ_R_OK;
}

static uint32_t pending_status_result(uint8_t status)
{
	SZ_ASSERT(status <= SZ_STATUS_VOID);
	switch (status) {
	case SZ_STATUS_PENDING: return SZ_R_OK;
	case SZ_STATUS_PENDING_POSTED: return SZ_R_PENDING_ALREADY_POSTED;
	case SZ_STATUS_PENDING_VOIDED: return SZ_R_PENDING_ALREADY_VOIDED;
	case SZ_STATUS_PENDING_EXPIRED: return SZ_R_PENDING_EXPIRED;
	default: return SZ_R_PENDING_NOT_PENDING;
	}
}

static uint32_t transfer_post_void(struct ledger *l, const sz_transfer *t, uint64_t fingerprint,
				   const struct ledger_ctx *ctx)
{
	SZ_ASSERT(t->flags & (SZ_TRANSFER_POST_PENDING | SZ_TRANSFER_VOID_PENDING));
	bool post = t->flags & SZ_TRANSFER_POST_PENDING;
	if (sz_id_is_zero(t->pending_id))
		return SZ_R_PENDING_ID_ZERO;
	if (t->timeout_s != 0)
		return SZ_R_TIMEOUT_RESERVED_FOR_PENDING;
	int64_t pslot = ledger_slot_find(l, t->pending_id);
	if (pslot < 0) {
		/* On the disk tier only final transfers: never still pending. */
		const struct ledger_slot *cold = ledger_resolved(l, t->pending_id);
		return cold == NULL ? SZ_R_PENDING_NOT_FOUND : pending_status_result(slot_status(cold));
	}
	uint32_t r = pending_status_result(slot_status(&l->slots[pslot]));
	if (r != SZ_R_OK)
		return r;
	int64_t pi = pending_find(l, (uint32_t)pslot);
	SZ_ASSERT(pi >= 0);
	struct ledger_pending *p = &l->pending[pi];
	if (p->expires_at_ns != 0 && p->expires_at_ns <= ctx->timestamp_ns)
		return SZ_R_PENDING_EXPIRED;
	sz_account *dr = &l->accounts[p->debit_index];
	sz_account *cr = &l->accounts[p->credit_index];
	if ((!sz_id_is_zero(t->debit_account_id) && !sz_id_eq(t->debit_account_id, dr->id)) ||
	    (!sz_id_is_zero(t->credit_account_id) && !sz_id_eq(t->credit_account_id, cr->id)) ||
	    (t->currency != 0 && t->currency != dr->currency))
		return SZ_R_PENDING_FIELDS_MISMATCH;
	uint64_t amount = t->amount == 0 ? p->amount : t->amount;
	if (amount > p->amount || (!post && amount != p->amount))
		return SZ_R_EXCEEDS_PENDING_AMOUNT;
	if (post && (dr->flags & SZ_ACCOUNT_FROZEN))
		return SZ_R_DEBIT_ACCOUNT_FROZEN;
	if (post && (cr->flags & SZ_ACCOUNT_FROZEN))
		return SZ_R_CREDIT_ACCOUNT_FROZEN;
	uint64_t sum;
	if (post && (__builtin_add_overflow(dr->debits_posted, amount, &sum) ||
		     __builtin_add_overflow(cr->credits_posted, amount, &sum)))
		return SZ_R_OVERFLOW;
	if (l->slot_count >= SZ_TRANSFER_COUNT_MAX || !derived_room(l, ctx) || !batch_room(l, 1))
		return SZ_R_LIMIT_REACHED;
	if ((r = sz_hooks_check(l->hooks, t, dr, cr)) != SZ_R_OK)
		return r;

	SZ_ASSERT(dr->debits_pending >= p->amount);
	SZ_ASSERT(cr->credits_pending >= p->amount);
	uint32_t debit_index = p->debit_index, credit_index = p->credit_index;
	journal_account(l, debit_index);
	journal_account(l, credit_index);
	dr->debits_pending -= p->amount;
	cr->credits_pending -= p->amount;
	if (post) {
		dr->debits_posted += amount;
		cr->credits_posted += amount;
	}
	slot_set_status(l, (uint32_t)pslot, post ? SZ_STATUS_PENDING_POSTED : SZ_STATUS_PENDING_VOIDED);
	pending_remove(l, (uint32_t)pi);
	slot_insert(l, t, fingerprint, record_position(l, t, ctx), post ? SZ_STATUS_POSTED : SZ_STATUS_VOID,
		    debit_index, credit_index);
	SZ_JOURNAL_FIELD(l->transfers_posted_count);
	l->transfers_posted_count++;
	SZ_ASSERT(l->slot_index.count + l->slot_cold_count == l->slot_count);
	sz_hooks_observe(l->hooks, t, dr, cr);
	return SZ_R_OK;
}

uint32_t ledger_create_transfer(struct ledger *l, const sz_transfer *t, const struct ledger_ctx *ctx)
{
	SZ_ASSERT(l != NULL && ctx != NULL);
	SZ_ASSERT(t->timestamp == 0 || t->timestamp == ctx->timestamp_ns);
	uint32_t r = transfer_common_checks(t);
	if (r != SZ_R_OK)
		goto rejected;
	uint64_t fingerprint = transfer_fingerprint(t);
	int64_t existing = ledger_slot_find(l, t->id);
	const struct ledger_slot *found = existing >= 0 ? &l->slots[existing] : ledger_resolved(l, t->id);
	if (found != NULL) {
		r = found->fingerprint == fingerprint ? SZ_R_EXISTS : SZ_R_EXISTS_WITH_DIFFERENT_FIELDS;
		goto rejected;
	}
	if (t->flags & (SZ_TRANSFER_POST_PENDING | SZ_TRANSFER_VOID_PENDING))
		r = transfer_post_void(l, t, fingerprint, ctx);
	else
		r = transfer_single(l, t, fingerprint, ctx);
	if (r == SZ_R_OK)
		return r;
rejected:
	if (r != SZ_R_EXISTS) {
		SZ_JOURNAL_FIELD(l->transfers_rejected_count);
		l->transfers_rejected_count++;
	}
	return r;
}

void ledger_prefetch_transfer(const struct ledger *l, const sz_transfer *t, int stage)
{
	SZ_ASSERT(stage == 1 || stage == 2);
	SZ_ASSERT(t != NULL);
	if (stage == 1) {
		ledger_index_prefetch_bucket(&l->slot_index, t->id);
		ledger_index_prefetch_bucket(&l->account_index, t->debit_account_id);
		ledger_index_prefetch_bucket(&l->account_index, t->credit_account_id);
		return;
	}
	ledger_index_prefetch_item(&l->slot_index, l->slots, sizeof l->slots[0], t->id);
	ledger_index_prefetch_item(&l->account_index, l->accounts, sizeof l->accounts[0], t->debit_account_id);
	ledger_index_prefetch_item(&l->account_index, l->accounts, sizeof l->accounts[0], t->credit_account_id);
	ledger_index_prefetch_item(&l->account_index, l->account_history, sizeof l->account_history[0], t->debit_account_id);
	ledger_index_prefetch_item(&l->account_index, l->account_history, sizeof l->account_history[0], t->credit_account_id);
}

uint32_t ledger_expire(struct ledger *l, uint64_t now_ns)
{
	SZ_ASSERT(l->expiry_count <= l->pending_count);
	SZ_ASSERT(l->pending_count <= l->pending_capacity);
	uint32_t expired = 0;
	while (l->expiry_count > 0) {
		uint32_t index = l->expiry_heap[0];
		struct ledger_pending *p = &l->pending[index];
		if (p->expires_at_ns > now_ns)
			break;
		sz_account *dr = &l->accounts[p->debit_index];
		sz_account *cr = &l->accounts[p->credit_index];
		SZ_ASSERT(dr->debits_pending >= p->amount);
		SZ_ASSERT(cr->credits_pending >= p->amount);
		journal_account(l, p->debit_index);
		journal_account(l, p->credit_index);
		dr->debits_pending -= p->amount;
		cr->credits_pending -= p->amount;
		slot_set_status(l, p->slot, SZ_STATUS_PENDING_EXPIRED);
		pending_remove(l, index);
		expired++;
	}
	SZ_ASSERT(l->expiry_count == 0 || l->pending[l->expiry_heap[0]].expires_at_ns > now_ns);
	SZ_ASSERT(expired <= SZ_PENDING_COUNT_MAX);
	return expired;
}

/* ---- queries -------------------------------------------------------------- */

uint64_t ledger_next_deadline_ns(const struct ledger *l)
{
	SZ_ASSERT(l->expiry_count <= l->pending_count);
	if (l->expiry_count == 0)
		return UINT64_MAX;
	const struct ledger_pending *p = &l->pending[l->expiry_heap[0]];
	SZ_ASSERT(p->expires_at_ns != 0);
	return p->expires_at_ns;
}

int64_t ledger_account_find(const struct ledger *l, sz_id id)
{
	SZ_ASSERT(l->account_index.count == l->account_count);
	SZ_ASSERT(l->account_index.capacity > 0);
	return ledger_index_find(&l->account_index, l->accounts, account_key, id);
}

const sz_account *ledger_account_get(const struct ledger *l, sz_id id)
{
	SZ_ASSERT(l->accounts != NULL);
	SZ_ASSERT(l != NULL);
	int64_t index = ledger_account_find(l, id);
	return index < 0 ? NULL : &l->accounts[index];
}

int64_t ledger_slot_find(const struct ledger *l, sz_id id)
{
	SZ_ASSERT(l->slot_index.count + l->slot_cold_count == l->slot_count);
	SZ_ASSERT(l->slot_index.capacity > 0);
	return ledger_index_find(&l->slot_index, l->slots, slot_key, id);
}

uint8_t ledger_slot_status(const struct ledger *l, uint32_t slot)
{
	SZ_ASSERT(l != NULL);
	SZ_ASSERT(slot < l->slot_count);
	return slot_status(&l->slots[slot]);
}

uint64_t ledger_slot_log_pos(const struct ledger *l, uint32_t slot)
{
	SZ_ASSERT(l != NULL);
	SZ_ASSERT(slot < l->slot_count);
	return l->slots[slot].log_pos & POS_MASK;
}

uint32_t ledger_history_head(const struct ledger *l, uint32_t account_index)
{
	SZ_ASSERT(l != NULL);
	SZ_ASSERT(account_index < l->account_count);
	return l->account_history[account_index];
}

int64_t ledger_history_next(const struct ledger *l, uint32_t *link)
{
	SZ_ASSERT(link != NULL);
	if (*link == 0)
		return -1;
	uint32_t slot = (*link >> 1) - 1;
	SZ_ASSERT(slot < l->slot_count);
	if (ledger_tier_slot_cold(l, slot)) { /* on the disk tier: history in RAM ends (ledger_history_step) */
		*link = 0;
		return -1;
	}
	*link = (*link & 1) ? l->slots[slot].prev_credit : l->slots[slot].prev_debit;
	return slot;
}
