/*
 * state.c — applying batches to the state: chains, dispatch, digest,
 * invariants and snapshot sections (see state.h for the rules).
 */
#include "engine/state.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"
#include "log/snapshot.h"

#include <sodium.h>
#include <stddef.h>
#include <string.h>

static uint32_t reserve_fail_countdown; /* test hook, sz_state_inject_reserve_failure */

int sz_state_init(struct sz_state *s)
{
	SZ_ASSERT(s != NULL);
	memset(s, 0, sizeof *s);
	return sz_journal_init(&s->journal);
}

void sz_state_release(struct sz_state *s)
{
	SZ_ASSERT(s != NULL);
	SZ_ASSERT(s->domain_count <= SZ_DOMAIN_COUNT_MAX);
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].release)
			s->domains[i].release(s->domains[i].state);
	if (s->journal.bytes != NULL)
		sz_journal_release(&s->journal);
	s->domain_count = 0;
}

int sz_state_hook_add(struct sz_state *s, const struct sz_hook *hook)
{
	SZ_ASSERT(s != NULL && hook != NULL);
	SZ_ASSERT(s->sequence == 0 || s->hooks.count < SZ_HOOK_COUNT_MAX);
	return sz_hooks_add(&s->hooks, hook);
}

void sz_state_inject_reserve_failure(uint32_t nth)
{
	SZ_ASSERT(nth < UINT32_MAX);
	reserve_fail_countdown = nth;
}

uint32_t sz_state_journal_used(const struct sz_state *s)
{
	SZ_ASSERT(s != NULL);
	SZ_ASSERT(s->journal.depth == 0 || s->journal.used > 0 || s->journal.entry_count == 0);
	return s->journal.used;
}

int sz_state_register(struct sz_state *s, const struct sz_domain *d)
{
	SZ_ASSERT(d->apply != NULL);
	SZ_ASSERT((d->kind_base & 0xff) == 0);
	/* Kind base 0 is the ledger's, registered first (the digest, snapshots
	 * and sz_ledger rely on its place). */
	SZ_ASSERT((d->kind_base == 0) == (s->domain_count == 0));
	SZ_ASSERT(d->name != NULL);
	if (s->domain_count >= SZ_DOMAIN_COUNT_MAX)
		return SZ_ELIMIT;
	for (uint32_t i = 0; i < s->domain_count; i++)
		SZ_ASSERT(s->domains[i].kind_base != d->kind_base);
	s->domains[s->domain_count++] = *d;
	return 0;
}

static struct sz_domain *domain_for(struct sz_state *s, uint16_t kind)
{
	SZ_ASSERT(s != NULL);
	SZ_ASSERT(s->domain_count <= SZ_DOMAIN_COUNT_MAX);
	for (uint32_t i = 0; i < s->domain_count; i++)
		if ((kind & 0xff00) == s->domains[i].kind_base)
			return &s->domains[i];
	return NULL;
}

static bool body_size_is(const sz_command_header *c, size_t size)
{
	SZ_ASSERT(c->size >= sizeof(sz_command_header));
	return c->size == sizeof(sz_command_header) + size;
}

bool sz_command_links_onward(const sz_command_header *c)
{
	SZ_ASSERT(c != NULL);
	SZ_ASSERT(c->size >= sizeof(sz_command_header));
	const uint8_t *body = (const uint8_t *)(c + 1);
	uint16_t flags;
	if (c->kind == SZ_CMD_CREATE_TRANSFER && body_size_is(c, sizeof(sz_transfer))) {
		memcpy(&flags, body + offsetof(sz_transfer, flags), sizeof flags);
		return flags & SZ_TRANSFER_LINKED;
	}
	if (c->kind == SZ_CMD_CREATE_ACCOUNT && body_size_is(c, sizeof(sz_account))) {
		memcpy(&flags, body + offsetof(sz_account, flags), sizeof flags);
		return flags & SZ_ACCOUNT_LINKED;
	}
	return false;
}

static bool result_ok(uint32_t r)
{
	return r == SZ_R_OK || r == SZ_R_EXISTS;
}

/* The domain of a command kind, or NULL. Kind base 0 (the ledger) is the
 * first domain: its commands, the most frequent, are found without a scan. */
static inline struct sz_domain *domain_of(struct sz_state *s, uint16_t kind)
{
	if ((kind & 0xff00) == 0)
		return s->domain_count > 0 ? &s->domains[0] : NULL;
	return domain_for(s, kind);
}

/* One command. The kind-base-0 domain (the ledger) validates before it
 * changes anything, so its commands need no bracket of their own (inside a
 * chain, the chain's bracket records); every other domain command gets one. */
static uint32_t apply_one(struct sz_state *s, const sz_command_header *c, const struct sz_apply_ctx *ctx)
{
	SZ_ASSERT(ctx != NULL);
	SZ_ASSERT(c->size >= sizeof *c);
	s->hooks.ctx = ctx;
	if (c->kind == SZ_CMD_TICK)
		return body_size_is(c, 0) ? SZ_R_OK : SZ_R_COMMAND_INVALID;
	struct sz_domain *d = domain_of(s, c->kind);
	if (d == NULL)
		return SZ_R_COMMAND_INVALID;
	if (d->kind_base == 0)
		return d->apply(s, d->state, ctx, c);
	/* A domain command is atomic on its own: the ledger and every domain roll
	 * back together when it fails. */
	sz_journal_mark mark = sz_journal_begin();
	uint32_t r = d->apply(s, d->state, ctx, c);
	sz_journal_end(mark, result_ok(r));
	return r;
}

/* Apply commands [first, first + n) of a linked chain all-or-nothing. */
static void apply_chain(struct sz_state *s, const sz_command_header **cmds, const struct sz_apply_ctx *ctxs,
			uint32_t n, bool open, uint32_t *results)
{
	SZ_ASSERT(n <= SZ_CHAIN_COMMAND_COUNT_MAX);
	SZ_ASSERT(n >= 1);
	if (open) {
		for (uint32_t i = 0; i < n; i++)
			results[i] = i + 1 == n ? SZ_R_LINKED_CHAIN_OPEN : SZ_R_LINKED_EVENT_FAILED;
		return;
	}
	if (n == 1) {
		results[0] = apply_one(s, cmds[0], &ctxs[0]);
		return;
	}
	uint32_t failed = UINT32_MAX;
	for (uint32_t i = 0; i < n && failed == UINT32_MAX; i++)
		if (cmds[i]->kind >= SZ_CMD_AUTH_BASE) { /* only ledger commands link */
			results[i] = SZ_R_COMMAND_INVALID;
			failed = i;
		}
	if (failed != UINT32_MAX)
		goto fail;
	sz_journal_mark mark = sz_journal_begin();
	for (uint32_t i = 0; i < n && failed == UINT32_MAX; i++) {
		results[i] = apply_one(s, cmds[i], &ctxs[i]);
		if (!result_ok(results[i]))
			failed = i;
	}
	sz_journal_end(mark, failed == UINT32_MAX);
	if (failed == UINT32_MAX)
		return;
fail:
	for (uint32_t i = 0; i < n; i++)
		if (i != failed)
			results[i] = SZ_R_LINKED_EVENT_FAILED;
}

/* Transfers touch three random places of large tables (the transfer index,
 * two accounts); hinting them a few commands ahead overlaps the misses. */
#define PREFETCH_BUCKET_DISTANCE 64u
#define PREFETCH_ITEM_DISTANCE 32u

static void prefetch(struct sz_state *s, const sz_command_header *const *cmds, uint32_t count, uint32_t index,
		     int stage)
{
	SZ_ASSERT(stage == 1 || stage == 2);
	SZ_ASSERT(cmds != NULL);
	if (index >= count)
		return;
	const sz_command_header *c = cmds[index];
	const struct sz_domain *d = domain_of(s, c->kind);
	if (d != NULL && d->prefetch != NULL)
		d->prefetch(s, d->state, c, stage);
}

void sz_state_apply_batch(struct sz_state *s, uint64_t sequence, uint64_t batch_time_ns, const uint8_t *body,
			  uint32_t body_size, uint32_t count, uint64_t body_log_pos, uint32_t *results)
{
	SZ_ASSERT(sequence == s->sequence + 1);
	SZ_ASSERT(batch_time_ns > s->batch_time_ns);
	SZ_ASSERT(count <= SZ_BATCH_COMMAND_COUNT_MAX);
	static _Thread_local const sz_command_header *cmds[SZ_BATCH_COMMAND_COUNT_MAX];
	static _Thread_local struct sz_apply_ctx ctxs[SZ_BATCH_COMMAND_COUNT_MAX];
	uint32_t offset = 0;
	for (uint32_t i = 0; i < count; i++) {
		SZ_ASSERT(offset + sizeof(sz_command_header) <= body_size);
		cmds[i] = (const sz_command_header *)(body + offset);
		SZ_ASSERT(cmds[i]->size >= sizeof(sz_command_header) && cmds[i]->size % 8 == 0);
		SZ_ASSERT(offset + cmds[i]->size <= body_size);
		ctxs[i] = (struct sz_apply_ctx){
			.batch_time_ns = batch_time_ns,
			.timestamp_ns = batch_time_ns + i,
			.log_pos = body_log_pos ? body_log_pos + offset + sizeof(sz_command_header) : 0,
			.sequence = sequence,
		};
		offset += cmds[i]->size;
	}
	SZ_ASSERT(offset == body_size);
	if (s->reserved_sequence != sequence) { /* a caller without an engine (tests) */
		int rc = sz_state_reserve(s, count);
		SZ_ASSERT(rc == 0);
	}
	SZ_ASSERT(s->reserved_sequence == sequence && count <= s->reserved_count);
	for (uint32_t d = 0; d < s->domain_count; d++) /* before the bracket: may read disk */
		if (s->domains[d].resolve)
			s->domains[d].resolve(s, s->domains[d].state, cmds, count);

	sz_journal_attach(&s->journal);
	struct sz_apply_ctx begin = {
		.batch_time_ns = batch_time_ns, .timestamp_ns = batch_time_ns, .sequence = sequence,
	};
	s->hooks.ctx = &begin;
	for (uint32_t d = 0; d < s->domain_count; d++)
		if (s->domains[d].batch_begin)
			s->domains[d].batch_begin(s, s->domains[d].state, &begin);
	for (uint32_t i = 0; i < count;) {
		prefetch(s, cmds, count, i + PREFETCH_BUCKET_DISTANCE, 1);
		prefetch(s, cmds, count, i + PREFETCH_ITEM_DISTANCE, 2);
		uint32_t n = 1;
		while (i + n - 1 < count && sz_command_links_onward(cmds[i + n - 1]) && i + n < count)
			n++;
		bool open = sz_command_links_onward(cmds[i + n - 1]);
		apply_chain(s, &cmds[i], &ctxs[i], n, open, &results[i]);
		i += n;
	}
	s->hooks.ctx = NULL;
	SZ_ASSERT(s->journal.depth == 0 && s->journal.used == 0);
	sz_journal_attach(NULL);
	s->sequence = sequence;
	s->batch_time_ns = batch_time_ns + (count ? count - 1 : 0);
	SZ_ASSERT(s->sequence == s->reserved_sequence);
	SZ_ASSERT(!sz_journal_open());
	s->reserved_sequence = 0; /* consumed: the next batch needs its own */
}

int sz_state_reserve(struct sz_state *s, uint32_t command_count)
{
	SZ_ASSERT(command_count <= SZ_BATCH_COMMAND_COUNT_MAX);
	SZ_ASSERT(s->domain_count <= SZ_DOMAIN_COUNT_MAX);
	if (reserve_fail_countdown != 0 && --reserve_fail_countdown == 0)
		return SZ_ENOMEM;
	int rc = 0;
	for (uint32_t i = 0; i < s->domain_count && rc == 0; i++)
		if (s->domains[i].reserve)
			rc = s->domains[i].reserve(s->domains[i].state, command_count);
	SZ_ASSERT(rc <= 0);
	if (rc == 0) {
		s->reserved_sequence = s->sequence + 1;
		s->reserved_count = command_count;
	}
	return rc;
}

uint64_t sz_state_next_deadline_ns(const struct sz_state *s)
{
	SZ_ASSERT(s->domain_count <= SZ_DOMAIN_COUNT_MAX);
	uint64_t earliest = UINT64_MAX;
	for (uint32_t i = 0; i < s->domain_count; i++) {
		if (s->domains[i].next_deadline_ns == NULL)
			continue;
		uint64_t t = s->domains[i].next_deadline_ns(s->domains[i].state);
		if (t < earliest)
			earliest = t;
	}
	return earliest;
}

int sz_state_kept_record(const struct sz_state *s, uint64_t log_pos, void *out, size_t size)
{
	SZ_ASSERT(out != NULL && size > 0);
	SZ_ASSERT(s->domain_count <= SZ_DOMAIN_COUNT_MAX);
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].kept_record && s->domains[i].kept_record(s->domains[i].state, log_pos, out, size) == 0)
			return 0;
	return SZ_ENOTFOUND;
}

void sz_state_populate_ahead(const struct sz_state *s)
{
	SZ_ASSERT(s != NULL);
	SZ_ASSERT(s->domain_count <= SZ_DOMAIN_COUNT_MAX);
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].populate_ahead)
			s->domains[i].populate_ahead(s->domains[i].state);
}

const char *sz_state_account_owner(const struct sz_state *s, const sz_account *a)
{
	SZ_ASSERT(a != NULL);
	SZ_ASSERT(s->domain_count <= SZ_DOMAIN_COUNT_MAX);
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].owns_account && s->domains[i].owns_account(s->domains[i].state, a))
			return s->domains[i].name;
	return NULL;
}

void sz_state_digest(const struct sz_state *s, uint8_t out[32])
{
	SZ_ASSERT(s != NULL && out != NULL);
	SZ_ASSERT(s->journal.depth == 0); /* only between commands */
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	uint64_t head[2] = { s->sequence, s->batch_time_ns };
	crypto_generichash_update(&h, (const uint8_t *)head, sizeof head);
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].digest)
			s->domains[i].digest(s->domains[i].state, &h);
	crypto_generichash_final(&h, out, 32);
}

int sz_state_check_invariants(const struct sz_state *s, char *why, size_t why_size)
{
	SZ_ASSERT(s != NULL);
	SZ_ASSERT(why != NULL && why_size > 0);
	int rc = 0;
	for (uint32_t i = 0; i < s->domain_count && rc == 0; i++)
		if (s->domains[i].check_invariants)
			rc = s->domains[i].check_invariants(s, s->domains[i].state, why, why_size);
	return rc;
}

int sz_state_snapshot_write(const struct sz_state *s, struct sz_snap *f)
{
	SZ_ASSERT(s != NULL && f != NULL);
	SZ_ASSERT(s->journal.depth == 0);
	int rc = 0;
	for (uint32_t i = 0; i < s->domain_count && rc == 0; i++)
		if (s->domains[i].snapshot_write)
			rc = s->domains[i].snapshot_write(s->domains[i].state, f);
	return rc;
}

int sz_state_snapshot_read(struct sz_state *s, struct sz_snap *f)
{
	SZ_ASSERT(s != NULL && f != NULL);
	SZ_ASSERT(s->sequence == 0); /* into a fresh state only */
	int rc = 0;
	for (uint32_t i = 0; i < s->domain_count && rc == 0; i++)
		if (s->domains[i].snapshot_read)
			rc = s->domains[i].snapshot_read(s->domains[i].state, f);
	return rc;
}
