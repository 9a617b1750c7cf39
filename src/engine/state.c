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

int sz_state_init(struct sz_state *s)
{
	memset(s, 0, sizeof *s);
	return ledger_init(&s->ledger);
}

void sz_state_release(struct sz_state *s)
{
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].release)
			s->domains[i].release(s->domains[i].state);
	ledger_release(&s->ledger);
	s->domain_count = 0;
}

int sz_state_register(struct sz_state *s, const struct sz_domain *d)
{
	SZ_ASSERT(d->apply != NULL);
	SZ_ASSERT((d->kind_base & 0xff) == 0 && d->kind_base >= SZ_CMD_AUTH_BASE);
	if (s->domain_count >= SZ_DOMAIN_COUNT_MAX)
		return SZ_ELIMIT;
	for (uint32_t i = 0; i < s->domain_count; i++)
		SZ_ASSERT(s->domains[i].kind_base != d->kind_base);
	s->domains[s->domain_count++] = *d;
	return 0;
}

static struct sz_domain *domain_for(struct sz_state *s, uint16_t kind)
{
	for (uint32_t i = 0; i < s->domain_count; i++)
		if ((kind & 0xff00) == s->domains[i].kind_base)
			return &s->domains[i];
	return NULL;
}

static bool body_size_is(const sz_command_header *c, size_t size)
{
	return c->size == sizeof(sz_command_header) + size;
}

bool sz_command_links_onward(const sz_command_header *c)
{
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

static uint32_t apply_one(struct sz_state *s, const sz_command_header *c, const struct sz_apply_ctx *ctx)
{
	const void *body = c + 1;
	struct ledger_ctx lctx = { .timestamp_ns = ctx->timestamp_ns, .log_pos = ctx->log_pos };
	switch (c->kind) {
	case SZ_CMD_CREATE_ACCOUNT:
		return body_size_is(c, sizeof(sz_account)) ? ledger_create_account(&s->ledger, body, &lctx) : SZ_R_COMMAND_INVALID;
	case SZ_CMD_CREATE_TRANSFER:
		return body_size_is(c, sizeof(sz_transfer)) ? ledger_create_transfer(&s->ledger, body, &lctx) : SZ_R_COMMAND_INVALID;
	case SZ_CMD_ACCOUNT_FLAGS:
		return body_size_is(c, sizeof(sz_account_flags_cmd)) ? ledger_account_flags(&s->ledger, body, &lctx) : SZ_R_COMMAND_INVALID;
	default:
		break;
	}
	struct sz_domain *d = domain_for(s, c->kind);
	if (d == NULL)
		return SZ_R_COMMAND_INVALID;
	/* A domain command is atomic on its own: roll the ledger back on failure. */
	ledger_chain_begin(&s->ledger);
	uint32_t r = d->apply(s, d->state, ctx, c);
	if (r == SZ_R_OK || r == SZ_R_EXISTS)
		ledger_chain_commit(&s->ledger);
	else
		ledger_chain_rollback(&s->ledger);
	return r;
}

static bool result_ok(uint32_t r)
{
	return r == SZ_R_OK || r == SZ_R_EXISTS;
}

/* Apply commands [first, first + n) of a linked chain all-or-nothing. */
static void apply_chain(struct sz_state *s, const sz_command_header **cmds, const struct sz_apply_ctx *ctxs,
			uint32_t n, bool open, uint32_t *results)
{
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
	ledger_chain_begin(&s->ledger);
	for (uint32_t i = 0; i < n && failed == UINT32_MAX; i++) {
		results[i] = apply_one(s, cmds[i], &ctxs[i]);
		if (!result_ok(results[i]))
			failed = i;
	}
	if (failed == UINT32_MAX) {
		ledger_chain_commit(&s->ledger);
		return;
	}
	ledger_chain_rollback(&s->ledger);
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
	if (index >= count)
		return;
	const sz_command_header *c = cmds[index];
	if (c->kind == SZ_CMD_CREATE_TRANSFER && body_size_is(c, sizeof(sz_transfer))) {
		ledger_prefetch_transfer(&s->ledger, (const sz_transfer *)(c + 1), stage);
		return;
	}
	const struct sz_domain *d = c->kind >= SZ_CMD_AUTH_BASE ? domain_for(s, c->kind) : NULL;
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

	ledger_expire(&s->ledger, batch_time_ns);
	for (uint32_t d = 0; d < s->domain_count; d++)
		if (s->domains[d].batch_begin)
			s->domains[d].batch_begin(s, s->domains[d].state, &ctxs[0]);
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
	s->sequence = sequence;
	s->batch_time_ns = batch_time_ns + (count ? count - 1 : 0);
}

int sz_state_reserve(struct sz_state *s, uint32_t command_count)
{
	SZ_ASSERT(command_count <= SZ_BATCH_COMMAND_COUNT_MAX);
	SZ_ASSERT(s->domain_count <= SZ_DOMAIN_COUNT_MAX);
	int rc = 0;
	for (uint32_t i = 0; i < s->domain_count && rc == 0; i++)
		if (s->domains[i].reserve)
			rc = s->domains[i].reserve(s->domains[i].state, command_count);
	SZ_ASSERT(rc <= 0);
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
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	uint64_t head[2] = { s->sequence, s->batch_time_ns };
	crypto_generichash_update(&h, (const uint8_t *)head, sizeof head);
	ledger_digest(&s->ledger, &h);
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].digest)
			s->domains[i].digest(s->domains[i].state, &h);
	crypto_generichash_final(&h, out, 32);
}

int sz_state_check_invariants(const struct sz_state *s, char *why, size_t why_size)
{
	int rc = ledger_check_invariants(&s->ledger, why, why_size);
	for (uint32_t i = 0; i < s->domain_count && rc == 0; i++)
		if (s->domains[i].check_invariants)
			rc = s->domains[i].check_invariants(s, s->domains[i].state, why, why_size);
	return rc;
}

int sz_state_snapshot_write(const struct sz_state *s, struct sz_snap *f)
{
	int rc = ledger_snapshot_write(&s->ledger, f);
	for (uint32_t i = 0; i < s->domain_count && rc == 0; i++)
		if (s->domains[i].snapshot_write)
			rc = s->domains[i].snapshot_write(s->domains[i].state, f);
	return rc;
}

int sz_state_snapshot_read(struct sz_state *s, struct sz_snap *f)
{
	int rc = ledger_snapshot_read(&s->ledger, f);
	for (uint32_t i = 0; i < s->domain_count && rc == 0; i++)
		if (s->domains[i].snapshot_read)
			rc = s->domains[i].snapshot_read(s->domains[i].state, f);
	return rc;
}
