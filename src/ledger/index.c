/* index.c — linear-probing id index over a caller-owned array (see index.h). */
#include "ledger/index.h"
#include "ledger/ledger.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/vm.h"
#include "engine/journal.h"

#include <stddef.h>
#include <stdlib.h>

#define INDEX_CAPACITY_MIN 1024u
#define GROW_PREFETCH_DISTANCE 16u

static inline uint32_t bucket_of(const struct ledger_index *x, sz_id id)
{
	return (uint32_t)sz_mix64(id.lo, id.hi) & (x->capacity - 1);
}

int ledger_index_init(struct ledger_index *x, uint32_t capacity)
{
	if (capacity < INDEX_CAPACITY_MIN)
		capacity = INDEX_CAPACITY_MIN;
	SZ_ASSERT((capacity & (capacity - 1)) == 0);
	x->buckets = sz_vm_reserve((size_t)capacity * sizeof x->buckets[0]);
	if (x->buckets == NULL)
		return SZ_ENOMEM;
	x->capacity = capacity;
	x->count = 0;
	return 0;
}

void ledger_index_release(struct ledger_index *x)
{
	if (x->buckets != NULL)
		sz_vm_release(x->buckets, (size_t)x->capacity * sizeof x->buckets[0]);
	x->buckets = NULL;
	x->capacity = 0;
	x->count = 0;
}

void ledger_index_prefetch_bucket(const struct ledger_index *x, sz_id id)
{
	__builtin_prefetch(&x->buckets[bucket_of(x, id)]);
}

void ledger_index_prefetch_item(const struct ledger_index *x, const void *base, size_t item_size, sz_id id)
{
	uint32_t v = x->buckets[bucket_of(x, id)];
	if (v == 0)
		return;
	const uint8_t *item = (const uint8_t *)base + (size_t)(v - 1) * item_size;
	__builtin_prefetch(item);
	if (item_size > 64) /* an account spans two cache lines */
		__builtin_prefetch(item + item_size - 1);
}

static void place(struct ledger_index *x, sz_id id, uint32_t position)
{
	uint32_t mask = x->capacity - 1;
	uint32_t b = bucket_of(x, id);
	while (x->buckets[b] != 0)
		b = (b + 1) & mask;
	SZ_JOURNAL_FIELD(x->buckets[b]);
	SZ_JOURNAL_FIELD(x->count);
	x->buckets[b] = position + 1;
	x->count++;
}

static int grow(struct ledger_index *x, const void *base, ledger_index_key_fn key)
{
	struct ledger_index bigger;
	SZ_ASSERT(x->capacity <= (1u << 31));
	int rc = ledger_index_init(&bigger, x->capacity * 2);
	if (rc != 0)
		return rc;
	/* Positions are dense (see index.h): walking them in order reads the
	 * keys sequentially; the random writes into the new table are hinted
	 * GROW_PREFETCH_DISTANCE positions ahead so their misses overlap. */
	for (uint32_t position = 0; position < x->count; position++) {
		if (position + GROW_PREFETCH_DISTANCE < x->count)
			__builtin_prefetch(&bigger.buckets[bucket_of(&bigger, key(base, position + GROW_PREFETCH_DISTANCE))], 1);
		place(&bigger, key(base, position), position);
	}
	SZ_ASSERT(bigger.count == x->count);
	ledger_index_release(x);
	*x = bigger;
	return 0;
}

int ledger_index_insert(struct ledger_index *x, const void *base, ledger_index_key_fn key, sz_id id, uint32_t position)
{
	SZ_ASSERT(position < UINT32_MAX);
	if ((uint64_t)(x->count + 1) * 2 > x->capacity) {
		/* Growth allocates: only outside apply (snapshot loading, reserve). */
		SZ_ASSERT(!sz_journal_open());
		int rc = grow(x, base, key);
		if (rc != 0)
			return rc;
	}
	place(x, id, position);
	return 0;
}

int ledger_index_reserve(struct ledger_index *x, const void *base, ledger_index_key_fn key, uint32_t room)
{
	SZ_ASSERT(!sz_journal_open());
	SZ_ASSERT(x->count <= x->capacity / 2);
	while ((uint64_t)x->count + room > x->capacity / 2) {
		if (x->capacity > (1u << 30))
			return SZ_ELIMIT;
		int rc = grow(x, base, key);
		if (rc != 0)
			return rc;
	}
	SZ_ASSERT((uint64_t)x->count + room <= x->capacity / 2);
	return 0;
}

static uint32_t bucket_holding(const struct ledger_index *x, sz_id id, uint32_t position)
{
	uint32_t mask = x->capacity - 1;
	uint32_t b = bucket_of(x, id);
	for (uint32_t probes = 0; probes < x->capacity; probes++, b = (b + 1) & mask) {
		SZ_ASSERT(x->buckets[b] != 0);
		if (x->buckets[b] == position + 1)
			return b;
	}
	SZ_UNREACHABLE();
}

void ledger_index_move(struct ledger_index *x, sz_id id, uint32_t position_old, uint32_t position_new)
{
	SZ_ASSERT(position_new < x->count);
	uint32_t b = bucket_holding(x, id, position_old);
	SZ_JOURNAL_FIELD(x->buckets[b]);
	x->buckets[b] = position_new + 1;
}

/* Backward-shift deletion keeps every probe chain unbroken without
 * tombstones: later members of the cluster move back into the hole when
 * their home bucket allows it. */
void ledger_index_remove(struct ledger_index *x, const void *base, ledger_index_key_fn key, sz_id id, uint32_t position)
{
	uint32_t mask = x->capacity - 1;
	SZ_ASSERT(x->count > 0);
	uint32_t hole = bucket_holding(x, id, position);
	SZ_JOURNAL_FIELD(x->buckets[hole]);
	SZ_JOURNAL_FIELD(x->count);
	x->buckets[hole] = 0;
	x->count--;
	for (uint32_t j = (hole + 1) & mask; x->buckets[j] != 0; j = (j + 1) & mask) {
		uint32_t v = x->buckets[j];
		uint32_t home = bucket_of(x, key(base, v - 1));
		/* v may fill the hole unless its home lies cyclically in (hole, j]. */
		bool home_after_hole = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
		if (home_after_hole)
			continue;
		SZ_JOURNAL_FIELD(x->buckets[hole]);
		SZ_JOURNAL_FIELD(x->buckets[j]);
		x->buckets[hole] = v;
		x->buckets[j] = 0;
		hole = j;
	}
}
