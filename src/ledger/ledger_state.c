/*
 * ledger_state.c — the ledger as a whole: invariants, digest, snapshot
 * section and memory accounting. Separate from ledger.c, which applies
 * commands; nothing here mutates state except ledger_snapshot_read.
 */
#include "ledger/ledger.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"
#include "core/vm.h"
#include "log/snapshot.h"

#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define CURRENCY_COUNT_MAX 256u /* distinct currencies checked per invariant pass */

struct currency_sums {
	uint32_t currency;
	unsigned __int128 debits_posted, credits_posted, debits_pending, credits_pending;
};

static struct currency_sums *sums_for(struct currency_sums *sums, uint32_t *count, uint32_t currency)
{
	SZ_ASSERT(sums != NULL && count != NULL);
	for (uint32_t i = 0; i < *count; i++)
		if (sums[i].currency == currency)
			return &sums[i];
	SZ_ASSERT(*count < CURRENCY_COUNT_MAX);
	memset(&sums[*count], 0, sizeof sums[0]);
	sums[*count].currency = currency;
	return &sums[(*count)++];
}

static int check_account(const sz_account *a, char *why, size_t why_size)
{
	SZ_ASSERT(a != NULL);
	SZ_ASSERT(why != NULL && why_size > 0);
	if ((a->flags & SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS) &&
	    (unsigned __int128)a->debits_pending + a->debits_posted > a->credits_posted) {
		snprintf(why, why_size, "account %016llx%016llx: debits exceed credits",
			 (unsigned long long)a->id.hi, (unsigned long long)a->id.lo);
		return SZ_ECORRUPT;
	}
	if ((a->flags & SZ_ACCOUNT_CREDITS_MUST_NOT_EXCEED_DEBITS) &&
	    (unsigned __int128)a->credits_pending + a->credits_posted > a->debits_posted) {
		snprintf(why, why_size, "account %016llx%016llx: credits exceed debits",
			 (unsigned long long)a->id.hi, (unsigned long long)a->id.lo);
		return SZ_ECORRUPT;
	}
	return 0;
}

/* Every account's pending balances equal the sum of its open pending transfers. */
static int check_pending(const struct ledger *l, char *why, size_t why_size)
{
	uint64_t *debits = calloc(l->account_count + 1u, sizeof *debits);
	uint64_t *credits = calloc(l->account_count + 1u, sizeof *credits);
	int rc = 0;
	SZ_ASSERT(debits != NULL && credits != NULL);
	for (uint32_t i = 0; i < l->pending_count; i++) {
		debits[l->pending[i].debit_index] += l->pending[i].amount;
		credits[l->pending[i].credit_index] += l->pending[i].amount;
		SZ_ASSERT(ledger_slot_status(l, l->pending[i].slot) == SZ_STATUS_PENDING);
	}
	for (uint32_t i = 0; i < l->account_count && rc == 0; i++) {
		if (debits[i] != l->accounts[i].debits_pending || credits[i] != l->accounts[i].credits_pending) {
			snprintf(why, why_size, "account #%u: pending balances differ from open pending transfers", i);
			rc = SZ_ECORRUPT;
		}
	}
	free(debits);
	free(credits);
	return rc;
}

int ledger_check_invariants(const struct ledger *l, char *why, size_t why_size)
{
	SZ_ASSERT(l != NULL);
	SZ_ASSERT(why != NULL && why_size > 0);
	struct currency_sums sums[CURRENCY_COUNT_MAX];
	uint32_t count = 0;
	for (uint32_t i = 0; i < l->account_count; i++) {
		const sz_account *a = &l->accounts[i];
		struct currency_sums *c = sums_for(sums, &count, a->currency);
		c->debits_posted += a->debits_posted;
		c->credits_posted += a->credits_posted;
		c->debits_pending += a->debits_pending;
		c->credits_pending += a->credits_pending;
		int rc = check_account(a, why, why_size);
		if (rc != 0)
			return rc;
	}
	for (uint32_t i = 0; i < count; i++) {
		if (sums[i].debits_posted != sums[i].credits_posted || sums[i].debits_pending != sums[i].credits_pending) {
			snprintf(why, why_size, "currency %.3s: total debits differ from total credits",
				 (const char *)&sums[i].currency);
			return SZ_ECORRUPT;
		}
	}
	SZ_ASSERT(l->expiry_count <= l->pending_count);
	SZ_ASSERT(l->pending_index.count == l->pending_count);
	return check_pending(l, why, why_size);
}

/* An array of at least DIGEST_SPLIT_MIN bytes enters the digest as the
 * BLAKE2b-256 of its first and of its second half (the second computed on
 * another thread): a large state's digest takes half the time, and a small
 * one's is the plain stream it always was. Deterministic: the split depends
 * on the size alone. */
#define DIGEST_SPLIT_MIN (64u << 20)

struct digest_half {
	const uint8_t *data;
	size_t size;
	uint8_t hash[32];
};

static void *digest_half_main(void *arg)
{
	struct digest_half *d = arg;
	SZ_ASSERT(d->data != NULL);
	SZ_ASSERT(d->size > 0);
	crypto_generichash(d->hash, 32, d->data, d->size, NULL, 0);
	return NULL;
}

static void digest_array(crypto_generichash_state *h, const void *data, size_t size)
{
	SZ_ASSERT(h != NULL);
	SZ_ASSERT(data != NULL || size == 0);
	if (size < DIGEST_SPLIT_MIN) {
		crypto_generichash_update(h, data, size);
		return;
	}
	struct digest_half halves[2] = { { data, size / 2, { 0 } }, { (const uint8_t *)data + size / 2, size - size / 2, { 0 } } };
	pthread_t helper;
	bool two = pthread_create(&helper, NULL, digest_half_main, &halves[1]) == 0;
	digest_half_main(&halves[0]);
	if (two)
		pthread_join(helper, NULL);
	else
		digest_half_main(&halves[1]); /* no second thread: the same result here */
	crypto_generichash_update(h, halves[0].hash, 32);
	crypto_generichash_update(h, halves[1].hash, 32);
}

void ledger_digest(const struct ledger *l, void *blake2b_state)
{
	SZ_ASSERT(l != NULL && blake2b_state != NULL);
	SZ_ASSERT(l->expiry_count <= l->pending_count);
	crypto_generichash_state *h = blake2b_state;
	uint64_t counts[3] = { l->account_count, l->slot_count, l->pending_count };
	crypto_generichash_update(h, (const uint8_t *)counts, sizeof counts);
	digest_array(h, l->accounts, (size_t)l->account_count * sizeof(sz_account));
	crypto_generichash_update(h, (const uint8_t *)l->account_history, (size_t)l->account_count * sizeof(uint32_t));
	/* Slots by their running digest (ledger.h): the same whether hot or on the disk tier. */
	crypto_generichash_update(h, (const uint8_t *)l->slot_digest, sizeof l->slot_digest);
	uint64_t derived_count = l->derived_count;
	crypto_generichash_update(h, (const uint8_t *)&derived_count, sizeof derived_count);
	digest_array(h, l->derived, (size_t)l->derived_count * sizeof(sz_transfer));
	for (uint32_t i = 0; i < l->pending_count; i++) {
		const struct ledger_pending *p = &l->pending[i];
		uint64_t fields[3] = { (uint64_t)p->slot << 32 | p->debit_index, (uint64_t)p->credit_index << 32, p->amount ^ p->expires_at_ns };
		crypto_generichash_update(h, (const uint8_t *)fields, sizeof fields);
	}
}

/* ---- snapshot section ------------------------------------------------------
 * u64 account_count, slot_count, pending_count, expiry_count,
 *     account_index.capacity, slot_index.capacity, pending_index.capacity,
 *     derived_count
 * then, each as a page-aligned memory image (sz_snap_write_array):
 * accounts[account_count], account_history[account_count], slots[slot_count],
 * pending[pending_count], expiry_heap[expiry_count], derived[derived_count]
 * (records of domain-made transfers), and the three index bucket tables
 * (the tables are deterministic given the same history, so they are stored,
 * not rebuilt: a load is reads straight into the reserved arrays). */

int ledger_snapshot_write(const struct ledger *l, struct sz_snap *f)
{
	/* Cold slots back in RAM first (the writer's copy of the state): the
	 * section is then the same whatever was hot (ledger_tier.c). */
	int tier_rc = ledger_tier_restore_all((struct ledger *)l);
	if (tier_rc != 0)
		return tier_rc;
	SZ_ASSERT(l->account_index.count == l->account_count);
	SZ_ASSERT(l->slot_index.count == l->slot_count && l->pending_index.count == l->pending_count);
	uint64_t header[8] = { l->account_count, l->slot_count, l->pending_count, l->expiry_count,
			       l->account_index.capacity, l->slot_index.capacity, l->pending_index.capacity,
			       l->derived_count };
	sz_snap_write(f, header, sizeof header);
	sz_snap_write_array(f, l->accounts, (size_t)l->account_count * sizeof(sz_account));
	sz_snap_write_array(f, l->account_history, (size_t)l->account_count * sizeof(uint32_t));
	sz_snap_write_array(f, l->slots, (size_t)l->slot_count * sizeof(struct ledger_slot));
	sz_snap_write_array(f, l->pending, (size_t)l->pending_count * sizeof(struct ledger_pending));
	sz_snap_write_array(f, l->expiry_heap, (size_t)l->expiry_count * sizeof(uint32_t));
	sz_snap_write_array(f, l->derived, (size_t)l->derived_count * sizeof(sz_transfer));
	sz_snap_write_array(f, l->account_index.buckets, (size_t)l->account_index.capacity * sizeof(uint32_t));
	sz_snap_write_array(f, l->slot_index.buckets, (size_t)l->slot_index.capacity * sizeof(uint32_t));
	return sz_snap_write_array(f, l->pending_index.buckets, (size_t)l->pending_index.capacity * sizeof(uint32_t));
}

/* A bucket table as written: exactly count buckets hold a position, each
 * within 1..count (the index holds exactly 0..count-1). One pass over the
 * table, cheap beside reading it. */
static int check_buckets(const struct ledger_index *x)
{
	SZ_ASSERT(x->buckets != NULL);
	SZ_ASSERT(x->count * 2ull <= x->capacity);
	uint64_t used = 0;
	uint32_t over = 0;
	for (uint32_t b = 0; b < x->capacity; b++) {
		uint32_t v = x->buckets[b];
		used += v != 0;
		over |= v > x->count;
	}
	return used == x->count && over == 0 ? 0 : SZ_ECORRUPT;
}

static int read_index(struct sz_snap *f, struct ledger_index *x, uint64_t capacity, uint64_t count)
{
	SZ_ASSERT(x != NULL && f != NULL);
	SZ_ASSERT(x->spare_count == 0);
	if (capacity == 0 || (capacity & (capacity - 1)) || capacity > (1ull << 32) || count * 2 > capacity)
		return SZ_ECORRUPT;
	ledger_index_release(x);
	x->buckets = sz_vm_reserve(capacity * sizeof(uint32_t));
	if (x->buckets == NULL)
		return SZ_ENOMEM;
	x->capacity = (uint32_t)capacity;
	x->count = (uint32_t)count;
	int rc = sz_snap_read_array(f, x->buckets, (size_t)capacity * sizeof(uint32_t));
	return rc != 0 ? rc : check_buckets(x);
}

static int read_counts(struct ledger *l, struct sz_snap *f, uint64_t h[8])
{
	SZ_ASSERT(l->account_count == 0 && l->slot_count == 0);
	int rc = sz_snap_read(f, h, 8 * sizeof h[0]);
	if (rc != 0)
		return rc;
	if (h[0] > SZ_ACCOUNT_COUNT_MAX || h[1] > SZ_TRANSFER_COUNT_MAX || h[2] > SZ_PENDING_COUNT_MAX || h[3] > h[2] ||
	    h[7] > SZ_DERIVED_TRANSFER_COUNT_MAX)
		return SZ_ECORRUPT;
	l->account_count = (uint32_t)h[0];
	l->slot_count = (uint32_t)h[1];
	l->pending_count = 0;
	while (l->pending_capacity < h[2])
		if ((rc = ledger_pending_reserve_for_load(l)) != 0)
			return rc;
	l->pending_count = (uint32_t)h[2];
	l->expiry_count = (uint32_t)h[3];
	l->derived_count = (uint32_t)h[7];
	return 0;
}

int ledger_snapshot_read(struct ledger *l, struct sz_snap *f)
{
	SZ_ASSERT(l != NULL && f != NULL);
	uint64_t h[8];
	int rc = read_counts(l, f, h);
	if (rc != 0)
		return rc;
	sz_snap_read_array(f, l->accounts, (size_t)h[0] * sizeof(sz_account));
	sz_snap_read_array(f, l->account_history, (size_t)h[0] * sizeof(uint32_t));
	sz_snap_read_array(f, l->slots, (size_t)h[1] * sizeof(struct ledger_slot));
	sz_snap_read_array(f, l->pending, (size_t)h[2] * sizeof(struct ledger_pending));
	sz_snap_read_array(f, l->expiry_heap, (size_t)h[3] * sizeof(uint32_t));
	rc = sz_snap_read_array(f, l->derived, (size_t)h[7] * sizeof(sz_transfer));
	if (rc == 0)
		rc = read_index(f, &l->account_index, h[4], h[0]);
	if (rc == 0)
		rc = read_index(f, &l->slot_index, h[5], h[1]);
	if (rc == 0)
		rc = read_index(f, &l->pending_index, h[6], h[2]);
	if (rc == 0)
		ledger_slot_digest_recompute(l); /* not stored: a sum over the slots */
	return rc;
}

void ledger_memory(const struct ledger *l, struct ledger_memory *m)
{
	SZ_ASSERT(l != NULL && m != NULL);
	SZ_ASSERT(l->pending_count <= l->pending_capacity);
	m->accounts_bytes = (uint64_t)l->account_count * (sizeof(sz_account) + sizeof(uint32_t)) +
			    (uint64_t)l->account_index.capacity * sizeof(uint32_t);
	m->transfers_bytes = (uint64_t)l->slot_count * sizeof(struct ledger_slot) - ledger_tier_released_bytes(l) +
			     (uint64_t)l->slot_index.capacity * sizeof(uint32_t) + ledger_tier_memory_bytes(l);
	m->derived_bytes = (uint64_t)l->derived_count * sizeof(sz_transfer);
	m->pending_bytes = (uint64_t)l->pending_capacity * (sizeof(struct ledger_pending) + sizeof(uint32_t)) +
			   (uint64_t)l->pending_index.capacity * sizeof(uint32_t);
}
