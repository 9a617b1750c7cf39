/*
 * domain.c — the contract domain as the engine sees it: the result tables,
 * apply (idempotency, dispatch to escrow.c, subsidy.c, conditional.c and
 * templates), the timer heap run in batch_begin, capacity reserve and the
 * next deadline, snapshot, digest, invariants and registration. See
 * contract.h for the model.
 *
 * Every command: check idempotency (command id -> fingerprint), validate,
 * move money through currency_move, then append records; the engine's
 * journal bracket undoes all of it if the command fails. Timed steps run
 * one by one in batch_begin, each in its own journal bracket, so a failing
 * step (say a frozen merchant account) is rolled back and recorded as a
 * step_failed event instead of blocking the heap.
 */
#include "contract/internal.h"
#include "engine/journal.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/results.h"
#include "core/vm.h"
#include "ledger/ledger.h"
#include "log/snapshot.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const struct sz_result_info contract_results[] = {
#define CONTRACT_RESULT_INFO(n, name, code, text) { n, code, text },
	CONTRACT_RESULT_LIST(CONTRACT_RESULT_INFO)
#undef CONTRACT_RESULT_INFO
};

/* Results that are not plain rejections (the API answers 404 / 409). */
static const struct sz_result_class_info contract_result_classes[] = {
	{ CONTRACT_R_TEMPLATE_NOT_FOUND, SZ_RESULT_CLASS_NOT_FOUND },
	{ CONTRACT_R_CONTRACT_NOT_FOUND, SZ_RESULT_CLASS_NOT_FOUND },
	{ CONTRACT_R_GRANT_NOT_FOUND, SZ_RESULT_CLASS_NOT_FOUND },
	{ CONTRACT_R_CONTRACT_NOT_ACTIVE, SZ_RESULT_CLASS_CONFLICT },
	{ CONTRACT_R_NO_SESSION_TO_CONFIRM, SZ_RESULT_CLASS_CONFLICT },
	{ CONTRACT_R_ALL_SESSIONS_DELIVERED, SZ_RESULT_CLASS_CONFLICT },
	{ CONTRACT_R_SUBSIDY_EXPIRED, SZ_RESULT_CLASS_CONFLICT },
};

/* ---- apply ---------------------------------------------------------------------------------- */

#define BODY(type, var) \
	type var; \
	if (body_size != sizeof(type)) \
		return SZ_R_COMMAND_INVALID; \
	memcpy(&var, body, sizeof var)

static uint32_t dispatch(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
			 const struct sz_apply_ctx *ctx, const sz_command_header *h)
{
	const void *body = h + 1;
	uint32_t body_size = h->size - (uint32_t)sizeof *h;
	switch (h->kind) {
	case CONTRACT_CMD_TEMPLATE_REGISTER: {
		BODY(struct contract_template_cmd, b);
		return contract_template_register(k, &b, ctx->timestamp_ns);
	}
	case CONTRACT_CMD_TEMPLATE_VERSION: {
		BODY(struct contract_template_version_cmd, b);
		return contract_template_version(k, &b, ctx->timestamp_ns);
	}
	case CONTRACT_CMD_ESCROW_CREATE: {
		BODY(struct contract_escrow_cmd, b);
		return contract_escrow_create(s, k, cur, ctx, &b);
	}
	case CONTRACT_CMD_SESSION_DELIVER:
	case CONTRACT_CMD_SESSION_CONFIRM:
	case CONTRACT_CMD_CANCEL:
	case CONTRACT_CMD_MERCHANT_INSOLVENT: {
		BODY(struct contract_event_cmd, b);
		return contract_escrow_event(s, k, cur, h->kind, ctx, &b);
	}
	case CONTRACT_CMD_SUBSIDY_CREATE: {
		BODY(struct contract_subsidy_cmd, b);
		return contract_subsidy_create(s, k, cur, ctx, &b);
	}
	case CONTRACT_CMD_SUBSIDY_GRANT: {
		BODY(struct contract_grant_cmd, b);
		return contract_subsidy_grant(s, k, cur, ctx, &b);
	}
	case CONTRACT_CMD_SUBSIDY_SPEND: {
		BODY(struct contract_spend_cmd, b);
		return contract_subsidy_spend(s, k, cur, ctx, &b);
	}
	case CONTRACT_CMD_CONDITIONAL_CREATE: {
		BODY(struct contract_conditional_cmd, b);
		return contract_conditional_create(s, k, cur, ctx, &b);
	}
	case CONTRACT_CMD_CONDITION_POST: {
		BODY(struct contract_event_cmd, b);
		return contract_condition_post(s, k, cur, ctx, &b);
	}
	}
	return SZ_R_COMMAND_INVALID;
}

static uint32_t contract_apply(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx,
			       const sz_command_header *h)
{
	struct contract_state *k = domain_state;
	struct currency_state *cur = currency_state_get(s);
	SZ_ASSERT(k != NULL && cur != NULL);
	SZ_ASSERT(h->size >= sizeof *h);
	if (h->size < sizeof *h + sizeof(sz_id))
		return SZ_R_COMMAND_INVALID;
	sz_id id;
	memcpy(&id, h + 1, sizeof id);
	uint64_t fp = contract_fingerprint(h);
	uint32_t r = contract_op_check(k, id, fp);
	if (r != SZ_R_OK)
		return r;
	r = dispatch(s, k, cur, ctx, h);
	if (r == SZ_R_OK)
		contract_op_add(k, id, fp);
	return r;
}

/* ---- timed steps ------------------------------------------------------------------------------ */

static uint32_t run_timer(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
			  const struct contract_timer *t, sz_id base, uint64_t now)
{
	struct contract *c = &k->contracts[t->contract];
	if (c->status != CONTRACT_ACTIVE)
		return SZ_R_OK;
	switch (c->kind) {
	case CONTRACT_KIND_ESCROW:
		return contract_escrow_release(s, k, cur, c, t->aux, base, CONTRACT_EV_AUTO_RELEASED, sz_id_make(0, 0), now);
	case CONTRACT_KIND_CONDITIONAL: {
		uint32_t r = contract_pay_out(s, cur, base, 0, c->account_id, c->payer_id, c->amount_fen, now);
		if (r != SZ_R_OK)
			return r;
		c->refunded_fen += c->amount_fen;
		c->status = CONTRACT_REFUNDED;
		c->ended_ns = now;
		contract_event_add(k, c, CONTRACT_EV_DEADLINE_REFUND, sz_id_make(0, 0), c->payer_id, c->amount_fen, 0, now);
		return SZ_R_OK;
	}
	case CONTRACT_KIND_SUBSIDY: {
		/* Grants were returned one by one (subsidy_return_grants); now the pool. */
		uint64_t pool = contract_account_balance(s, c->account_id);
		uint32_t r = contract_pay_out(s, cur, base, 0, c->account_id, c->payer_id, pool, now);
		if (r != SZ_R_OK)
			return r;
		uint64_t returned = pool;
		for (uint32_t link = c->grant_head; link != 0; link = k->grants[link - 1].next)
			returned += k->grants[link - 1].returned_fen;
		c->refunded_fen += pool;
		c->status = CONTRACT_EXPIRED;
		c->ended_ns = now;
		contract_event_add(k, c, CONTRACT_EV_EXPIRED, sz_id_make(0, 0), c->payer_id, returned, c->grant_count, now);
		return SZ_R_OK;
	}
	}
	SZ_UNREACHABLE();
}


static void contract_batch_begin(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx)
{
	struct contract_state *k = domain_state;
	struct currency_state *cur = currency_state_get(s);
	SZ_ASSERT(cur != NULL);
	for (uint32_t n = 0; n < CONTRACT_TIMER_BATCH_COUNT_MAX && k->timer_count > 0; n++) {
		if (k->timers[0].due_ns > ctx->batch_time_ns)
			break;
		struct contract_timer t = contract_timer_pop(k);
		struct contract *c = &k->contracts[t.contract];
		if (c->status != CONTRACT_ACTIVE)
			continue;
		sz_id base = currency_derive_id(c->id, TAG_TIMER, (uint64_t)c->event_count << 32 | t.aux);
		if (c->kind == CONTRACT_KIND_SUBSIDY)
			contract_subsidy_return_grants(s, k, cur, c, base, ctx->timestamp_ns);
		/* A failed step rolls back the ledger, the record and its events. */
		sz_journal_mark mark = sz_journal_begin();
		sz_journal(c, sizeof *c);
		uint32_t r = run_timer(s, k, cur, &t, base, ctx->timestamp_ns);
		sz_journal_end(mark, r == SZ_R_OK);
		if (r == SZ_R_OK)
			continue;
		/* Then say why it failed (the timer stays popped). */
		contract_event_add(k, c, CONTRACT_EV_STEP_FAILED, sz_id_make(0, 0), sz_id_make(0, 0), 0, r, ctx->timestamp_ns);
	}
}

/* ---- snapshot, digest, lifecycle -----------------------------------------------------------
 * Section: u64 template_count, contract_count, event_count, grant_count,
 * op_count, timer_count; then the arrays raw in that order (records are
 * zero-filled at creation: no undefined padding bytes). The timer heap is
 * stored in its array order, which replay reproduces exactly. */

struct contract_counts {
	uint64_t templates, contracts, events, grants, ops, timers;
};

static void counts_of(const struct contract_state *k, struct contract_counts *n)
{
	*n = (struct contract_counts){ k->template_count, k->contract_count, k->event_count,
				       k->grant_count, k->op_count, k->timer_count };
}

#define ARRAYS(X, k) \
	X((k)->templates, (k)->template_count) \
	X((k)->contracts, (k)->contract_count) \
	X((k)->events, (k)->event_count) \
	X((k)->grants, (k)->grant_count) \
	X((k)->ops, (k)->op_count) \
	X((k)->timers, (k)->timer_count)

static int contract_snapshot_write(const void *domain_state, struct sz_snap *f)
{
	const struct contract_state *k = domain_state;
	struct contract_counts n;
	counts_of(k, &n);
	int rc = sz_snap_write(f, &n, sizeof n);
#define WRITE_ARRAY(arr, count) \
	if (rc == 0 && (count) > 0) \
		rc = sz_snap_write_array(f, (arr), sizeof((arr)[0]) * (size_t)(count));
	ARRAYS(WRITE_ARRAY, k)
#undef WRITE_ARRAY
	return rc;
}

static int contract_snapshot_read(void *domain_state, struct sz_snap *f)
{
	struct contract_state *k = domain_state;
	struct contract_counts n;
	int rc = sz_snap_read(f, &n, sizeof n);
	if (rc)
		return rc;
	if (n.templates > CONTRACT_TEMPLATE_COUNT_MAX || n.contracts > CONTRACT_COUNT_MAX ||
	    n.events > CONTRACT_EVENT_COUNT_MAX || n.grants > CONTRACT_GRANT_COUNT_MAX ||
	    n.ops > CONTRACT_EVENT_COUNT_MAX || n.timers > (uint64_t)CONTRACT_COUNT_MAX * CONTRACT_ESCROW_SESSION_COUNT_MAX)
		return SZ_ECORRUPT;
	k->template_count = (uint32_t)n.templates;
	k->contract_count = (uint32_t)n.contracts;
	k->event_count = (uint32_t)n.events;
	k->grant_count = (uint32_t)n.grants;
	k->op_count = (uint32_t)n.ops;
	if (n.timers > 0) {
		k->timers = calloc(n.timers, sizeof *k->timers);
		if (k->timers == NULL)
			return SZ_ENOMEM;
		k->timer_capacity = (uint32_t)n.timers;
	}
	k->timer_count = (uint32_t)n.timers;
#define READ_ARRAY(arr, count) \
	if (rc == 0 && (count) > 0) \
		rc = sz_snap_read_array(f, (arr), sizeof((arr)[0]) * (size_t)(count));
	ARRAYS(READ_ARRAY, k)
#undef READ_ARRAY
	for (uint32_t i = 0; i < k->template_count && rc == 0; i++)
		rc = ledger_index_insert(&k->template_index, k->templates, contract_template_key, k->templates[i].cmd.id, i);
	for (uint32_t i = 0; i < k->contract_count && rc == 0; i++)
		rc = ledger_index_insert(&k->contract_index, k->contracts, contract_record_key, k->contracts[i].id, i);
	for (uint32_t i = 0; i < k->grant_count && rc == 0; i++)
		rc = ledger_index_insert(&k->grant_index, k->grants, contract_grant_key, k->grants[i].account_id, i);
	for (uint32_t i = 0; i < k->op_count && rc == 0; i++)
		rc = ledger_index_insert(&k->op_index, k->ops, contract_op_key, k->ops[i].id, i);
	for (uint32_t i = 0; i < k->timer_count && rc == 0; i++)
		if (k->timers[i].contract >= k->contract_count)
			rc = SZ_ECORRUPT;
	return rc;
}

static void contract_digest(const void *domain_state, void *blake2b_state)
{
	const struct contract_state *k = domain_state;
	crypto_generichash_state *h = blake2b_state;
	struct contract_counts n;
	counts_of(k, &n);
	crypto_generichash_update(h, (const unsigned char *)"contract", 8);
	crypto_generichash_update(h, (const unsigned char *)&n, sizeof n);
#define DIGEST_ARRAY(arr, count) \
	if ((count) > 0) \
		crypto_generichash_update(h, (const unsigned char *)(arr), sizeof((arr)[0]) * (size_t)(count));
	ARRAYS(DIGEST_ARRAY, k)
#undef DIGEST_ARRAY
}

/* Every contract account holds exactly what the contract says is left. */
static int contract_check_invariants(const struct sz_state *s, const void *domain_state, char *why, size_t why_size)
{
	const struct contract_state *k = domain_state;
	for (uint32_t i = 0; i < k->contract_count; i++) {
		const struct contract *c = &k->contracts[i];
		uint64_t held = contract_account_balance(s, c->account_id), grants = 0;
		for (uint32_t link = c->grant_head; link != 0; link = k->grants[link - 1].next)
			grants += contract_account_balance(s, k->grants[link - 1].account_id);
		/* funded = paid + refunded + what the contract's accounts still hold */
		if ((unsigned __int128)c->funded_fen != (unsigned __int128)c->paid_fen + c->refunded_fen + held + grants) {
			snprintf(why, why_size, "contract %016llx%016llx: funded %llu != paid %llu + refunded %llu + held %llu",
				 (unsigned long long)c->id.hi, (unsigned long long)c->id.lo,
				 (unsigned long long)c->funded_fen, (unsigned long long)c->paid_fen,
				 (unsigned long long)c->refunded_fen, (unsigned long long)(held + grants));
			return SZ_ECORRUPT;
		}
	}
	return 0;
}

#define VM_SIZE(type, count) ((size_t)(count) * sizeof(type))

static void contract_release(void *domain_state)
{
	struct contract_state *k = domain_state;
	if (k == NULL)
		return;
	free(k->templates);
	free(k->timers);
	sz_vm_release(k->contracts, VM_SIZE(struct contract, CONTRACT_COUNT_MAX));
	sz_vm_release(k->events, VM_SIZE(struct contract_event, CONTRACT_EVENT_COUNT_MAX));
	sz_vm_release(k->grants, VM_SIZE(struct contract_grant, CONTRACT_GRANT_COUNT_MAX));
	sz_vm_release(k->ops, VM_SIZE(struct contract_op, CONTRACT_EVENT_COUNT_MAX));
	ledger_index_release(&k->template_index);
	ledger_index_release(&k->contract_index);
	ledger_index_release(&k->grant_index);
	ledger_index_release(&k->op_index);
	free(k);
}

/* Before each batch: every command adds at most one template, contract,
 * grant, operation and timer, so room for command_count more of each lets
 * the batch apply without allocating. */
static int contract_reserve(void *domain_state, uint32_t command_count)
{
	struct contract_state *k = domain_state;
	SZ_ASSERT(k != NULL);
	SZ_ASSERT(command_count <= SZ_BATCH_COMMAND_COUNT_MAX);
	uint32_t room = command_count + 1;
	int rc = ledger_index_reserve(&k->template_index, k->templates, contract_template_key, room);
	if (rc == 0)
		rc = ledger_index_reserve(&k->contract_index, k->contracts, contract_record_key, room);
	if (rc == 0)
		rc = ledger_index_reserve(&k->grant_index, k->grants, contract_grant_key, room);
	if (rc == 0)
		rc = ledger_index_reserve(&k->op_index, k->ops, contract_op_key, room);
	if (rc != 0 || (uint64_t)k->timer_count + room <= k->timer_capacity)
		return rc;
	uint32_t capacity = k->timer_capacity ? k->timer_capacity : 256;
	while (capacity < (uint64_t)k->timer_count + room)
		capacity *= 2;
	struct contract_timer *t = realloc(k->timers, capacity * sizeof *t);
	if (t == NULL)
		return SZ_ENOMEM;
	k->timers = t;
	k->timer_capacity = capacity;
	return 0;
}

/* Earliest timer (escrow auto-release, subsidy expiry, conditional refund). */
static uint64_t contract_next_deadline_ns(const void *domain_state)
{
	const struct contract_state *k = domain_state;
	SZ_ASSERT(k != NULL);
	SZ_ASSERT(k->timer_count <= k->timer_capacity);
	return k->timer_count > 0 ? k->timers[0].due_ns : UINT64_MAX;
}

/* Does a contract hold money for or from wallet id? An active contract it
 * pays or is paid by (escrow, subsidy issuer, conditional payment), or a
 * subsidy grant to it with money left. Scans the contracts: wallets close
 * rarely. */
static bool contract_wallet_holds(const struct sz_state *s, const void *state, sz_id id)
{
	const struct contract_state *k = state;
	SZ_ASSERT(k != NULL);
	for (uint32_t i = 0; i < k->contract_count; i++) {
		const struct contract *c = &k->contracts[i];
		if (c->status != CONTRACT_ACTIVE)
			continue;
		if (sz_id_eq(c->payer_id, id) || sz_id_eq(c->payee_id, id))
			return true;
	}
	uint32_t cursor = 0;
	const struct contract *sub = NULL;
	for (const struct contract_grant *g; (g = contract_wallet_grant_next(k, id, &cursor, &sub)) != NULL;) {
		const sz_account *a = ledger_account_get(sz_ledger_const(s), g->account_id);
		if (a != NULL && currency_account_balance(a) > 0)
			return true;
	}
	return false;
}

int contract_domain_register(struct sz_state *s)
{
	if (currency_state_get(s) == NULL)
		return SZ_ESTATE; /* contracts run on the currency domain's wallets */
	sz_result_register(contract_results, sizeof contract_results / sizeof contract_results[0]);
	sz_result_classes_register(contract_result_classes,
				   sizeof contract_result_classes / sizeof contract_result_classes[0]);
	struct contract_state *k = calloc(1, sizeof *k);
	if (k == NULL)
		return SZ_ENOMEM;
	k->templates = calloc(CONTRACT_TEMPLATE_COUNT_MAX, sizeof *k->templates);
	k->contracts = sz_vm_reserve(VM_SIZE(struct contract, CONTRACT_COUNT_MAX));
	k->events = sz_vm_reserve(VM_SIZE(struct contract_event, CONTRACT_EVENT_COUNT_MAX));
	k->grants = sz_vm_reserve(VM_SIZE(struct contract_grant, CONTRACT_GRANT_COUNT_MAX));
	k->ops = sz_vm_reserve(VM_SIZE(struct contract_op, CONTRACT_EVENT_COUNT_MAX));
	if (k->templates == NULL || k->contracts == NULL || k->events == NULL || k->grants == NULL || k->ops == NULL ||
	    ledger_index_init(&k->template_index, 0) || ledger_index_init(&k->contract_index, 0) ||
	    ledger_index_init(&k->grant_index, 0) || ledger_index_init(&k->op_index, 0)) {
		contract_release(k);
		return SZ_ENOMEM;
	}
	struct sz_domain d = {
		.name = "contract",
		.kind_base = SZ_CMD_CONTRACT_BASE,
		.state = k,
		.apply = contract_apply,
		.batch_begin = contract_batch_begin,
		.snapshot_write = contract_snapshot_write,
		.snapshot_read = contract_snapshot_read,
		.digest = contract_digest,
		.check_invariants = contract_check_invariants,
		.release = contract_release,
		.reserve = contract_reserve,
		.next_deadline_ns = contract_next_deadline_ns,
	};
	int rc = sz_state_register(s, &d);
	if (rc) {
		contract_release(k);
		return rc;
	}
	currency_holdings_register(currency_state_get(s), contract_wallet_holds, k);
	return 0;
}

struct contract_state *contract_state_get(const struct sz_state *s)
{
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].kind_base == SZ_CMD_CONTRACT_BASE)
			return s->domains[i].state;
	return NULL;
}
