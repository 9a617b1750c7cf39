/*
 * contract.c — the contract domain: templates, escrows, subsidies and
 * conditional payments applied by the engine; the timer heap run in
 * batch_begin; snapshot, digest and queries. See contract.h for the model.
 *
 * Every command: check idempotency (command id -> fingerprint), validate,
 * move money through currency_move inside a currency transaction, then
 * append records. Timed steps run one by one in batch_begin, each in its own
 * ledger chain and currency transaction, so a failing step (say a frozen
 * merchant account) is rolled back and recorded as a step_failed event
 * instead of blocking the heap.
 * Records live in arrays reserved in virtual memory (never move); the timer
 * heap and the template table are small and grow by realloc.
 */
#include "contract/contract.h"
#include "currency/currency.h"
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

struct contract_op {
	sz_id id;
	uint64_t fingerprint;
};

struct contract_timer {
	uint64_t due_ns;
	uint32_t contract;
	uint32_t aux;            /* escrow: session number */
};

struct contract_state {
	struct contract_template *templates;  /* CONTRACT_TEMPLATE_COUNT_MAX, calloc */
	uint32_t template_count;
	struct ledger_index template_index;
	struct contract *contracts;           /* vm */
	uint32_t contract_count;
	struct ledger_index contract_index;
	struct contract_event *events;        /* vm */
	uint32_t event_count;
	struct contract_grant *grants;        /* vm */
	uint32_t grant_count;
	struct ledger_index grant_index;      /* by grant account id */
	struct contract_op *ops;              /* vm, CONTRACT_EVENT_COUNT_MAX */
	uint32_t op_count;
	struct ledger_index op_index;
	struct contract_timer *timers;        /* min-heap */
	uint32_t timer_count;
	uint32_t timer_capacity;
};

#define TAG_ACCOUNT 0x4b414343u /* "KACC" */
#define TAG_GRANT 0x4b475254u   /* "KGRT" */
#define TAG_TIMER 0x4b54494du   /* "KTIM" */

/* ---- names ---------------------------------------------------------------------- */

const char *contract_kind_name(uint16_t kind)
{
	switch (kind) {
	case CONTRACT_KIND_ESCROW: return "prepaid_escrow";
	case CONTRACT_KIND_SUBSIDY: return "subsidy";
	case CONTRACT_KIND_CONDITIONAL: return "conditional";
	}
	return "unknown";
}

const char *contract_status_name(uint16_t status)
{
	switch (status) {
	case CONTRACT_ACTIVE: return "active";
	case CONTRACT_COMPLETED: return "completed";
	case CONTRACT_CANCELLED: return "cancelled";
	case CONTRACT_INSOLVENT: return "merchant_insolvent";
	case CONTRACT_EXPIRED: return "expired";
	case CONTRACT_REFUNDED: return "refunded";
	}
	return "unknown";
}

const char *contract_event_name(uint16_t kind)
{
	static const char *const names[] = {
		"unknown", "created", "delivered", "confirmed", "auto_released", "cancelled", "merchant_insolvent",
		"granted", "spent", "expired", "condition_met", "deadline_refund", "step_failed",
	};
	return kind < sizeof names / sizeof names[0] ? names[kind] : "unknown";
}

/* ---- indexes and records ---------------------------------------------------------- */

static sz_id template_key(const void *base, uint32_t i) { return ((const struct contract_template *)base)[i].cmd.id; }
static sz_id contract_key(const void *base, uint32_t i) { return ((const struct contract *)base)[i].id; }
static sz_id grant_key(const void *base, uint32_t i) { return ((const struct contract_grant *)base)[i].account_id; }
static sz_id op_key(const void *base, uint32_t i) { return ((const struct contract_op *)base)[i].id; }

const struct contract_template *contract_template_find(const struct contract_state *k, sz_id id)
{
	int64_t i = ledger_index_find(&k->template_index, k->templates, template_key, id);
	return i < 0 ? NULL : &k->templates[i];
}

static struct contract *contract_mut(struct contract_state *k, sz_id id)
{
	int64_t i = ledger_index_find(&k->contract_index, k->contracts, contract_key, id);
	return i < 0 ? NULL : &k->contracts[i];
}

const struct contract *contract_find(const struct contract_state *k, sz_id id)
{
	return contract_mut((struct contract_state *)k, id);
}

const struct contract_event *contract_event_next(const struct contract_state *k, uint32_t *link)
{
	if (*link == 0)
		return NULL;
	SZ_ASSERT(*link <= k->event_count);
	const struct contract_event *e = &k->events[*link - 1];
	*link = e->prev;
	return e;
}

const struct contract_grant *contract_grant_next(const struct contract_state *k, uint32_t *link)
{
	if (*link == 0)
		return NULL;
	SZ_ASSERT(*link <= k->grant_count);
	const struct contract_grant *g = &k->grants[*link - 1];
	*link = g->next;
	return g;
}

static uint32_t op_check(const struct contract_state *k, sz_id id, uint64_t fp)
{
	if (sz_id_is_zero(id))
		return SZ_R_ID_ZERO;
	int64_t i = ledger_index_find(&k->op_index, k->ops, op_key, id);
	if (i >= 0)
		return k->ops[i].fingerprint == fp ? SZ_R_EXISTS : SZ_R_EXISTS_WITH_DIFFERENT_FIELDS;
	if (k->op_count == CONTRACT_EVENT_COUNT_MAX || k->event_count + 2 * CONTRACT_SUBSIDY_GRANT_COUNT_MAX >= CONTRACT_EVENT_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	return SZ_R_OK;
}

static void op_add(struct contract_state *k, sz_id id, uint64_t fp)
{
	SZ_ASSERT(k->op_count < CONTRACT_EVENT_COUNT_MAX);
	k->ops[k->op_count] = (struct contract_op){ id, fp };
	int rc = ledger_index_insert(&k->op_index, k->ops, op_key, id, k->op_count);
	SZ_ASSERT(rc == 0);
	k->op_count++;
}

static void event_add(struct contract_state *k, struct contract *c, uint16_t kind, sz_id command_id, sz_id party,
		      uint64_t amount, uint32_t aux, uint64_t now)
{
	SZ_ASSERT(k->event_count < CONTRACT_EVENT_COUNT_MAX);
	struct contract_event *e = &k->events[k->event_count];
	memset(e, 0, sizeof *e);
	e->command_id = command_id;
	e->party_id = party;
	e->timestamp_ns = now;
	e->amount_fen = amount;
	e->contract = (uint32_t)(c - k->contracts);
	e->prev = c->event_head;
	e->kind = kind;
	e->aux = aux;
	c->event_head = ++k->event_count;
	c->event_count++;
}

static struct contract *contract_append(struct contract_state *k, const struct contract *c)
{
	SZ_ASSERT(k->contract_count < CONTRACT_COUNT_MAX);
	k->contracts[k->contract_count] = *c;
	int rc = ledger_index_insert(&k->contract_index, k->contracts, contract_key, c->id, k->contract_count);
	SZ_ASSERT(rc == 0);
	return &k->contracts[k->contract_count++];
}

/* ---- timer heap ------------------------------------------------------------------------ */

static bool timer_less(const struct contract_timer *a, const struct contract_timer *b)
{
	if (a->due_ns != b->due_ns)
		return a->due_ns < b->due_ns;
	if (a->contract != b->contract)
		return a->contract < b->contract;
	return a->aux < b->aux;
}

static void timer_push(struct contract_state *k, uint64_t due_ns, uint32_t contract, uint32_t aux)
{
	if (k->timer_count == k->timer_capacity) {
		uint32_t capacity = k->timer_capacity ? k->timer_capacity * 2 : 256;
		struct contract_timer *t = realloc(k->timers, capacity * sizeof *t);
		SZ_ASSERT(t != NULL); /* bounded by contracts x sessions; out of memory here is fatal */
		k->timers = t;
		k->timer_capacity = capacity;
	}
	uint32_t i = k->timer_count++;
	k->timers[i] = (struct contract_timer){ due_ns, contract, aux };
	while (i > 0 && timer_less(&k->timers[i], &k->timers[(i - 1) / 2])) {
		struct contract_timer t = k->timers[i];
		k->timers[i] = k->timers[(i - 1) / 2];
		k->timers[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static struct contract_timer timer_pop(struct contract_state *k)
{
	SZ_ASSERT(k->timer_count > 0);
	struct contract_timer top = k->timers[0];
	k->timers[0] = k->timers[--k->timer_count];
	for (uint32_t i = 0;;) {
		uint32_t m = i, l = 2 * i + 1, r = 2 * i + 2;
		if (l < k->timer_count && timer_less(&k->timers[l], &k->timers[m]))
			m = l;
		if (r < k->timer_count && timer_less(&k->timers[r], &k->timers[m]))
			m = r;
		if (m == i)
			break;
		struct contract_timer t = k->timers[i];
		k->timers[i] = k->timers[m];
		k->timers[m] = t;
		i = m;
	}
	return top;
}

/* ---- helpers ------------------------------------------------------------------------------ */

static uint64_t fingerprint(const sz_command_header *h)
{
	return sz_fingerprint64(h + 1, h->size - sizeof *h);
}

static uint64_t account_balance(const struct sz_state *s, sz_id id)
{
	const sz_account *a = ledger_account_get(sz_ledger_const(s), id);
	SZ_ASSERT(a != NULL);
	return currency_account_balance(a);
}

/* An open wallet of the currency domain, or NULL. */
static const struct currency_wallet *open_wallet(const struct currency_state *cur, sz_id id)
{
	const struct currency_wallet *w = currency_wallet_find(cur, id);
	return w == NULL || (w->flags & CURRENCY_WALLET_CLOSED) ? NULL : w;
}

static uint32_t template_for(const struct contract_state *k, sz_id id, uint16_t kind, const struct contract_template **out)
{
	const struct contract_template *t = contract_template_find(k, id);
	if (t == NULL)
		return CONTRACT_R_TEMPLATE_NOT_FOUND;
	if (t->cmd.kind != kind)
		return CONTRACT_R_TEMPLATE_KIND_MISMATCH;
	*out = t;
	return SZ_R_OK;
}

/* Fund a new contract account from a payer wallet (limits apply). */
static uint32_t fund_from_wallet(struct sz_state *s, struct currency_state *cur, const struct currency_wallet *payer,
				 sz_id contract_id, sz_id account_id, uint64_t amount, const struct sz_apply_ctx *ctx)
{
	uint32_t r = currency_spend_check(cur, s, payer, amount, ctx->batch_time_ns);
	if (r != SZ_R_OK)
		return r;
	if (currency_account_balance(&sz_ledger(s)->accounts[payer->account_index]) < amount)
		return CURRENCY_R_INSUFFICIENT_FUNDS;
	r = currency_contract_account_open(s, account_id, payer->owner_id, payer->tenant_id, payer->currency,
					   ctx->timestamp_ns);
	if (r != SZ_R_OK)
		return r;
	r = currency_move(s, cur, contract_id, 0, payer->id, account_id, amount, 0, ctx->timestamp_ns);
	if (r != SZ_R_OK)
		return r == SZ_R_EXCEEDS_CREDITS ? CURRENCY_R_INSUFFICIENT_FUNDS : r;
	currency_spend_commit(cur, payer, amount, ctx->batch_time_ns);
	return SZ_R_OK;
}

/* Move money out of a contract; base/step make the transfer id unique. */
static uint32_t pay_out(struct sz_state *s, struct currency_state *cur, sz_id base, uint32_t step, sz_id from, sz_id to,
			uint64_t amount, uint64_t now)
{
	if (amount == 0)
		return SZ_R_OK;
	return currency_move(s, cur, base, step, from, to, amount, 0, now);
}

/* ---- templates ------------------------------------------------------------------------------- */

static uint32_t template_register(struct contract_state *k, const struct contract_template_cmd *cmd, uint64_t now)
{
	if (sz_id_is_zero(cmd->id))
		return SZ_R_ID_ZERO;
	if (cmd->reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	const struct contract_template *t = contract_template_find(k, cmd->id);
	if (t != NULL)
		return memcmp(&t->cmd, cmd, sizeof *cmd) == 0 ? SZ_R_EXISTS : SZ_R_EXISTS_WITH_DIFFERENT_FIELDS;
	if (cmd->kind < CONTRACT_KIND_ESCROW || cmd->kind > CONTRACT_KIND_CONDITIONAL ||
	    cmd->mcc_count > CONTRACT_MCC_COUNT_MAX || cmd->max_duration_s == 0 ||
	    cmd->max_duration_s > CONTRACT_DURATION_S_MAX || cmd->auto_confirm_s > CONTRACT_DURATION_S_MAX)
		return CONTRACT_R_TEMPLATE_INVALID;
	if (cmd->kind == CONTRACT_KIND_ESCROW &&
	    (cmd->max_sessions == 0 || cmd->max_sessions > CONTRACT_ESCROW_SESSION_COUNT_MAX || cmd->auto_confirm_s == 0))
		return CONTRACT_R_TEMPLATE_INVALID;
	if (cmd->kind == CONTRACT_KIND_SUBSIDY && cmd->mcc_count == 0)
		return CONTRACT_R_TEMPLATE_INVALID;
	for (uint32_t i = 0; i < CONTRACT_MCC_COUNT_MAX; i++)
		if ((i < cmd->mcc_count) != (cmd->mcc[i] != 0) || cmd->mcc[i] > 9999)
			return CONTRACT_R_TEMPLATE_INVALID;
	if (k->template_count == CONTRACT_TEMPLATE_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct contract_template *n = &k->templates[k->template_count];
	memset(n, 0, sizeof *n);
	n->cmd = *cmd;
	n->created_ns = now;
	int rc = ledger_index_insert(&k->template_index, k->templates, template_key, cmd->id, k->template_count);
	SZ_ASSERT(rc == 0);
	k->template_count++;
	return SZ_R_OK;
}

static void contract_init(struct contract *c, sz_id id, sz_id template_id, uint16_t kind, uint64_t now)
{
	memset(c, 0, sizeof *c);
	c->id = id;
	c->template_id = template_id;
	c->kind = kind;
	c->status = CONTRACT_ACTIVE;
	c->created_ns = now;
	c->account_id = currency_derive_id(id, TAG_ACCOUNT, 0);
}

static uint32_t contract_new_check(const struct contract_state *k, sz_id id)
{
	if (contract_find(k, id) != NULL)
		return SZ_R_EXISTS_WITH_DIFFERENT_FIELDS;
	return k->contract_count == CONTRACT_COUNT_MAX ? SZ_R_LIMIT_REACHED : SZ_R_OK;
}

/* ---- prepaid escrow -------------------------------------------------------------------------- */

static uint32_t escrow_create(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
			      const struct sz_apply_ctx *ctx, const struct contract_escrow_cmd *cmd)
{
	const struct contract_template *t;
	uint32_t r;
	if (cmd->reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	if ((r = contract_new_check(k, cmd->id)) || (r = template_for(k, cmd->template_id, CONTRACT_KIND_ESCROW, &t)))
		return r;
	uint64_t total;
	if (cmd->sessions == 0 || cmd->sessions > t->cmd.max_sessions || cmd->session_fen == 0 ||
	    __builtin_mul_overflow(cmd->session_fen, (uint64_t)cmd->sessions, &total))
		return CONTRACT_R_SESSIONS_INVALID;
	const struct currency_wallet *consumer = open_wallet(cur, cmd->consumer_wallet_id);
	const struct currency_wallet *merchant = open_wallet(cur, cmd->merchant_wallet_id);
	if (consumer == NULL)
		return CURRENCY_R_WALLET_NOT_FOUND;
	if (merchant == NULL || merchant->type != CURRENCY_WALLET_MERCHANT || merchant->currency != consumer->currency)
		return CONTRACT_R_PAYEE_INVALID;
	struct contract c;
	contract_init(&c, cmd->id, cmd->template_id, CONTRACT_KIND_ESCROW, ctx->timestamp_ns);
	if ((r = fund_from_wallet(s, cur, consumer, cmd->id, c.account_id, total, ctx)) != SZ_R_OK)
		return r;
	c.payer_id = consumer->id;
	c.payee_id = merchant->id;
	c.amount_fen = cmd->session_fen;
	c.sessions = cmd->sessions;
	c.funded_fen = total;
	struct contract *n = contract_append(k, &c);
	event_add(k, n, CONTRACT_EV_CREATED, cmd->id, consumer->id, total, cmd->sessions, ctx->timestamp_ns);
	return SZ_R_OK;
}

/* Release delivered-but-unconfirmed sessions up to `upto`. */
static uint32_t escrow_release(struct sz_state *s, struct contract_state *k, struct currency_state *cur, struct contract *c,
			       uint32_t upto, sz_id base, uint16_t ev_kind, sz_id party, uint64_t now)
{
	SZ_ASSERT(upto <= c->delivered);
	if (upto <= c->released)
		return SZ_R_OK;
	uint64_t amount = (uint64_t)(upto - c->released) * c->amount_fen;
	uint32_t r = pay_out(s, cur, base, 1, c->account_id, c->payee_id, amount, now);
	if (r != SZ_R_OK)
		return r;
	c->released = upto;
	c->paid_fen += amount;
	event_add(k, c, ev_kind, ev_kind == CONTRACT_EV_AUTO_RELEASED ? sz_id_make(0, 0) : base, party, amount, upto, now);
	if (c->released == c->sessions) {
		c->status = CONTRACT_COMPLETED;
		c->ended_ns = now;
	}
	return SZ_R_OK;
}

/* Cancellation or insolvency: delivered sessions are paid, the rest goes
 * back to the consumer at once. */
static uint32_t escrow_end(struct sz_state *s, struct contract_state *k, struct currency_state *cur, struct contract *c,
			   sz_id base, uint16_t status, sz_id party, uint64_t now)
{
	uint32_t r = escrow_release(s, k, cur, c, c->delivered, base, CONTRACT_EV_CONFIRMED, party, now);
	if (r != SZ_R_OK || c->status != CONTRACT_ACTIVE)
		return r;
	uint64_t rest = account_balance(s, c->account_id);
	SZ_ASSERT(rest == (uint64_t)(c->sessions - c->released) * c->amount_fen);
	if ((r = pay_out(s, cur, base, 2, c->account_id, c->payer_id, rest, now)) != SZ_R_OK)
		return r;
	c->refunded_fen += rest;
	c->status = status;
	c->ended_ns = now;
	event_add(k, c, status == CONTRACT_CANCELLED ? CONTRACT_EV_CANCELLED : CONTRACT_EV_INSOLVENCY, base, party, rest,
		  0, now);
	return SZ_R_OK;
}

static uint32_t escrow_event(struct sz_state *s, struct contract_state *k, struct currency_state *cur, uint16_t kind,
			     const struct sz_apply_ctx *ctx, const struct contract_event_cmd *cmd)
{
	if (cmd->reserved != 0 || cmd->code != 0)
		return SZ_R_RESERVED_NONZERO;
	uint64_t now = ctx->timestamp_ns;
	if (kind == CONTRACT_CMD_MERCHANT_INSOLVENT) {
		if (!sz_id_is_zero(cmd->contract_id))
			return CONTRACT_R_CONTRACT_NOT_FOUND;
		if (currency_wallet_find(cur, cmd->party_id) == NULL)
			return CURRENCY_R_WALLET_NOT_FOUND;
		/* Every active escrow of the merchant ends in this one command; keep
		 * copies so a failure part-way restores the records too. */
		uint32_t count = 0;
		for (uint32_t i = 0; i < k->contract_count; i++) {
			const struct contract *c = &k->contracts[i];
			count += c->kind == CONTRACT_KIND_ESCROW && c->status == CONTRACT_ACTIVE && sz_id_eq(c->payee_id, cmd->party_id);
		}
		if (count > CONTRACT_INSOLVENCY_ESCROW_COUNT_MAX)
			return SZ_R_LIMIT_REACHED;
		struct saved_contract { uint32_t index; struct contract c; } *saved = calloc(count + 1u, sizeof *saved);
		SZ_ASSERT(saved != NULL);
		uint32_t step = 0, events = k->event_count, r = SZ_R_OK;
		for (uint32_t i = 0; i < k->contract_count && r == SZ_R_OK; i++) {
			struct contract *c = &k->contracts[i];
			if (c->kind != CONTRACT_KIND_ESCROW || c->status != CONTRACT_ACTIVE || !sz_id_eq(c->payee_id, cmd->party_id))
				continue;
			saved[step] = (struct saved_contract){ i, *c };
			step++;
			r = escrow_end(s, k, cur, c, currency_derive_id(cmd->id, TAG_ACCOUNT, step), CONTRACT_INSOLVENT,
				       cmd->party_id, now);
		}
		if (r != SZ_R_OK) {
			for (uint32_t j = 0; j < step; j++)
				k->contracts[saved[j].index] = saved[j].c;
			k->event_count = events;
		}
		free(saved);
		return r;
	}
	struct contract *c = contract_mut(k, cmd->contract_id);
	if (c == NULL)
		return CONTRACT_R_CONTRACT_NOT_FOUND;
	if (c->kind != CONTRACT_KIND_ESCROW)
		return CONTRACT_R_TEMPLATE_KIND_MISMATCH;
	if (c->status != CONTRACT_ACTIVE)
		return CONTRACT_R_CONTRACT_NOT_ACTIVE;
	if (!sz_id_eq(cmd->party_id, kind == CONTRACT_CMD_SESSION_DELIVER ? c->payee_id : c->payer_id))
		return CONTRACT_R_PARTY_MISMATCH;
	switch (kind) {
	case CONTRACT_CMD_SESSION_DELIVER: {
		if (c->delivered == c->sessions)
			return CONTRACT_R_ALL_SESSIONS_DELIVERED;
		const struct contract_template *t = contract_template_find(k, c->template_id);
		SZ_ASSERT(t != NULL);
		c->delivered++;
		event_add(k, c, CONTRACT_EV_DELIVERED, cmd->id, cmd->party_id, 0, c->delivered, now);
		timer_push(k, now + (uint64_t)t->cmd.auto_confirm_s * 1000000000ull, (uint32_t)(c - k->contracts), c->delivered);
		return SZ_R_OK;
	}
	case CONTRACT_CMD_SESSION_CONFIRM:
		if (c->released == c->delivered)
			return CONTRACT_R_NO_SESSION_TO_CONFIRM;
		return escrow_release(s, k, cur, c, c->released + 1, cmd->id, CONTRACT_EV_CONFIRMED, cmd->party_id, now);
	case CONTRACT_CMD_CANCEL: {
		/* escrow_end pays delivered sessions (changing the record) before
		 * the refund, which may still fail (say the consumer's wallet was
		 * closed): the engine then rolls the ledger back, so the record
		 * and its events must go back too. */
		struct contract saved = *c;
		uint32_t events = k->event_count;
		uint32_t r = escrow_end(s, k, cur, c, cmd->id, CONTRACT_CANCELLED, cmd->party_id, now);
		if (r != SZ_R_OK) {
			*c = saved;
			k->event_count = events;
		}
		return r;
	}
	}
	SZ_UNREACHABLE();
}

/* ---- purpose-bound subsidy ----------------------------------------------------------------- */

static uint32_t subsidy_create(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
			       const struct sz_apply_ctx *ctx, const struct contract_subsidy_cmd *cmd)
{
	const struct contract_template *t;
	uint32_t r;
	if ((r = contract_new_check(k, cmd->id)) || (r = template_for(k, cmd->template_id, CONTRACT_KIND_SUBSIDY, &t)))
		return r;
	if (cmd->budget_fen == 0)
		return CONTRACT_R_AMOUNT_INVALID;
	uint64_t now = ctx->timestamp_ns;
	if (cmd->expires_at_ns <= ctx->batch_time_ns ||
	    cmd->expires_at_ns - ctx->batch_time_ns > (uint64_t)t->cmd.max_duration_s * 1000000000ull)
		return CONTRACT_R_DEADLINE_INVALID;
	const struct currency_wallet *issuer = open_wallet(cur, cmd->issuer_wallet_id);
	if (issuer == NULL)
		return CURRENCY_R_WALLET_NOT_FOUND;
	struct contract c;
	contract_init(&c, cmd->id, cmd->template_id, CONTRACT_KIND_SUBSIDY, now);
	if ((r = fund_from_wallet(s, cur, issuer, cmd->id, c.account_id, cmd->budget_fen, ctx)) != SZ_R_OK)
		return r;
	c.payer_id = issuer->id;
	c.amount_fen = cmd->budget_fen;
	c.deadline_ns = cmd->expires_at_ns;
	c.funded_fen = cmd->budget_fen;
	struct contract *n = contract_append(k, &c);
	event_add(k, n, CONTRACT_EV_CREATED, cmd->id, issuer->id, cmd->budget_fen, 0, now);
	timer_push(k, cmd->expires_at_ns, (uint32_t)(n - k->contracts), 0);
	return SZ_R_OK;
}

static uint32_t subsidy_grant(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
			      const struct sz_apply_ctx *ctx, const struct contract_grant_cmd *cmd)
{
	if (cmd->reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	if (cmd->amount == 0)
		return CONTRACT_R_AMOUNT_INVALID;
	struct contract *c = contract_mut(k, cmd->contract_id);
	if (c == NULL)
		return CONTRACT_R_CONTRACT_NOT_FOUND;
	if (c->kind != CONTRACT_KIND_SUBSIDY)
		return CONTRACT_R_TEMPLATE_KIND_MISMATCH;
	if (c->status != CONTRACT_ACTIVE)
		return CONTRACT_R_CONTRACT_NOT_ACTIVE;
	const struct currency_wallet *w = open_wallet(cur, cmd->wallet_id);
	const struct currency_wallet *issuer = currency_wallet_find(cur, c->payer_id);
	if (w == NULL || w->currency != issuer->currency)
		return CONTRACT_R_PAYEE_INVALID;
	if (account_balance(s, c->account_id) < cmd->amount)
		return CONTRACT_R_SUBSIDY_BUDGET_INSUFFICIENT;
	sz_id grant_account = currency_derive_id(c->id, TAG_GRANT, sz_mix64(w->id.lo, w->id.hi));
	int64_t gi = ledger_index_find(&k->grant_index, k->grants, grant_key, grant_account);
	uint64_t now = ctx->timestamp_ns;
	uint32_t r;
	if (gi < 0) {
		if (c->grant_count == CONTRACT_SUBSIDY_GRANT_COUNT_MAX || k->grant_count == CONTRACT_GRANT_COUNT_MAX)
			return SZ_R_LIMIT_REACHED;
		r = currency_contract_account_open(s, grant_account, w->owner_id, w->tenant_id, w->currency, now);
		if (r != SZ_R_OK)
			return r;
	}
	if ((r = currency_move(s, cur, cmd->id, 0, c->account_id, grant_account, cmd->amount, 0, now)) != SZ_R_OK)
		return r;
	if (gi < 0) {
		struct contract_grant *g = &k->grants[k->grant_count];
		memset(g, 0, sizeof *g);
		g->wallet_id = w->id;
		g->account_id = grant_account;
		g->contract = (uint32_t)(c - k->contracts);
		g->next = c->grant_head;
		int rc = ledger_index_insert(&k->grant_index, k->grants, grant_key, grant_account, k->grant_count);
		SZ_ASSERT(rc == 0);
		gi = k->grant_count++;
		c->grant_head = (uint32_t)gi + 1;
		c->grant_count++;
	}
	k->grants[gi].granted_fen += cmd->amount;
	c->granted_fen += cmd->amount;
	event_add(k, c, CONTRACT_EV_GRANTED, cmd->id, w->id, cmd->amount, 0, now);
	return SZ_R_OK;
}

static uint32_t subsidy_spend(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
			      const struct sz_apply_ctx *ctx, const struct contract_spend_cmd *cmd)
{
	if (cmd->reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	if (cmd->flags & ~CONTRACT_SPEND_TO_BANK)
		return SZ_R_FLAGS_INVALID;
	if (cmd->amount == 0)
		return CONTRACT_R_AMOUNT_INVALID;
	struct contract *c = contract_mut(k, cmd->contract_id);
	if (c == NULL)
		return CONTRACT_R_CONTRACT_NOT_FOUND;
	if (c->kind != CONTRACT_KIND_SUBSIDY)
		return CONTRACT_R_TEMPLATE_KIND_MISMATCH;
	if (c->status != CONTRACT_ACTIVE || ctx->batch_time_ns >= c->deadline_ns)
		return CONTRACT_R_SUBSIDY_EXPIRED;
	if (cmd->flags & CONTRACT_SPEND_TO_BANK)
		return CONTRACT_R_SUBSIDY_REDEMPTION_FORBIDDEN;
	sz_id grant_account = currency_derive_id(c->id, TAG_GRANT, sz_mix64(cmd->wallet_id.lo, cmd->wallet_id.hi));
	int64_t gi = ledger_index_find(&k->grant_index, k->grants, grant_key, grant_account);
	if (gi < 0)
		return CONTRACT_R_GRANT_NOT_FOUND;
	const struct currency_wallet *payee = open_wallet(cur, cmd->payee_id);
	if (payee == NULL)
		return CURRENCY_R_WALLET_NOT_FOUND;
	if (payee->type != CURRENCY_WALLET_MERCHANT)
		return CONTRACT_R_SUBSIDY_PAYEE_NOT_MERCHANT;
	if (cmd->mcc != 0 && cmd->mcc != payee->mcc)
		return CURRENCY_R_MCC_INVALID;
	const struct contract_template *t = contract_template_find(k, c->template_id);
	SZ_ASSERT(t != NULL);
	bool allowed = false;
	for (uint32_t i = 0; i < t->cmd.mcc_count; i++)
		allowed |= t->cmd.mcc[i] == payee->mcc;
	if (!allowed)
		return CONTRACT_R_SUBSIDY_CATEGORY_NOT_ALLOWED;
	struct contract_grant *g = &k->grants[gi];
	if (account_balance(s, g->account_id) < cmd->amount)
		return CONTRACT_R_GRANT_INSUFFICIENT;
	uint32_t r = currency_move(s, cur, cmd->id, 0, g->account_id, payee->id, cmd->amount, payee->mcc, ctx->timestamp_ns);
	if (r != SZ_R_OK)
		return r;
	g->spent_fen += cmd->amount;
	c->paid_fen += cmd->amount;
	event_add(k, c, CONTRACT_EV_SPENT, cmd->id, payee->id, cmd->amount, payee->mcc, ctx->timestamp_ns);
	return SZ_R_OK;
}

/* ---- conditional payment --------------------------------------------------------------------- */

static uint32_t conditional_create(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
				   const struct sz_apply_ctx *ctx, const struct contract_conditional_cmd *cmd)
{
	const struct contract_template *t;
	uint32_t r;
	if (cmd->reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	if ((r = contract_new_check(k, cmd->id)) ||
	    (r = template_for(k, cmd->template_id, CONTRACT_KIND_CONDITIONAL, &t)))
		return r;
	if (cmd->amount == 0)
		return CONTRACT_R_AMOUNT_INVALID;
	if (sz_id_is_zero(cmd->condition_party_id))
		return SZ_R_ID_ZERO;
	if (t->cmd.condition_code != 0 && cmd->condition_code != t->cmd.condition_code)
		return CONTRACT_R_CONDITION_CODE_MISMATCH;
	if (cmd->deadline_ns <= ctx->batch_time_ns ||
	    cmd->deadline_ns - ctx->batch_time_ns > (uint64_t)t->cmd.max_duration_s * 1000000000ull)
		return CONTRACT_R_DEADLINE_INVALID;
	const struct currency_wallet *payer = open_wallet(cur, cmd->payer_wallet_id);
	const struct currency_wallet *payee = open_wallet(cur, cmd->payee_wallet_id);
	if (payer == NULL)
		return CURRENCY_R_WALLET_NOT_FOUND;
	if (payee == NULL || payee == payer || payee->currency != payer->currency)
		return CONTRACT_R_PAYEE_INVALID;
	struct contract c;
	contract_init(&c, cmd->id, cmd->template_id, CONTRACT_KIND_CONDITIONAL, ctx->timestamp_ns);
	if ((r = fund_from_wallet(s, cur, payer, cmd->id, c.account_id, cmd->amount, ctx)) != SZ_R_OK)
		return r;
	c.payer_id = payer->id;
	c.payee_id = payee->id;
	c.party_id = cmd->condition_party_id;
	c.amount_fen = cmd->amount;
	c.deadline_ns = cmd->deadline_ns;
	c.condition_code = cmd->condition_code;
	c.funded_fen = cmd->amount;
	struct contract *n = contract_append(k, &c);
	event_add(k, n, CONTRACT_EV_CREATED, cmd->id, payer->id, cmd->amount, cmd->condition_code, ctx->timestamp_ns);
	timer_push(k, cmd->deadline_ns, (uint32_t)(n - k->contracts), 0);
	return SZ_R_OK;
}

static uint32_t condition_post(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
			       const struct sz_apply_ctx *ctx, const struct contract_event_cmd *cmd)
{
	if (cmd->reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	struct contract *c = contract_mut(k, cmd->contract_id);
	if (c == NULL)
		return CONTRACT_R_CONTRACT_NOT_FOUND;
	if (c->kind != CONTRACT_KIND_CONDITIONAL)
		return CONTRACT_R_TEMPLATE_KIND_MISMATCH;
	if (c->status != CONTRACT_ACTIVE || ctx->batch_time_ns >= c->deadline_ns)
		return CONTRACT_R_CONTRACT_NOT_ACTIVE;
	if (!sz_id_eq(cmd->party_id, c->party_id))
		return CONTRACT_R_PARTY_MISMATCH;
	if (cmd->code != c->condition_code)
		return CONTRACT_R_CONDITION_CODE_MISMATCH;
	uint32_t r = pay_out(s, cur, cmd->id, 0, c->account_id, c->payee_id, c->amount_fen, ctx->timestamp_ns);
	if (r != SZ_R_OK)
		return r;
	c->paid_fen += c->amount_fen;
	c->status = CONTRACT_COMPLETED;
	c->ended_ns = ctx->timestamp_ns;
	event_add(k, c, CONTRACT_EV_CONDITION_MET, cmd->id, cmd->party_id, c->amount_fen, cmd->code, ctx->timestamp_ns);
	return SZ_R_OK;
}

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
		return template_register(k, &b, ctx->timestamp_ns);
	}
	case CONTRACT_CMD_ESCROW_CREATE: {
		BODY(struct contract_escrow_cmd, b);
		return escrow_create(s, k, cur, ctx, &b);
	}
	case CONTRACT_CMD_SESSION_DELIVER:
	case CONTRACT_CMD_SESSION_CONFIRM:
	case CONTRACT_CMD_CANCEL:
	case CONTRACT_CMD_MERCHANT_INSOLVENT: {
		BODY(struct contract_event_cmd, b);
		return escrow_event(s, k, cur, h->kind, ctx, &b);
	}
	case CONTRACT_CMD_SUBSIDY_CREATE: {
		BODY(struct contract_subsidy_cmd, b);
		return subsidy_create(s, k, cur, ctx, &b);
	}
	case CONTRACT_CMD_SUBSIDY_GRANT: {
		BODY(struct contract_grant_cmd, b);
		return subsidy_grant(s, k, cur, ctx, &b);
	}
	case CONTRACT_CMD_SUBSIDY_SPEND: {
		BODY(struct contract_spend_cmd, b);
		return subsidy_spend(s, k, cur, ctx, &b);
	}
	case CONTRACT_CMD_CONDITIONAL_CREATE: {
		BODY(struct contract_conditional_cmd, b);
		return conditional_create(s, k, cur, ctx, &b);
	}
	case CONTRACT_CMD_CONDITION_POST: {
		BODY(struct contract_event_cmd, b);
		return condition_post(s, k, cur, ctx, &b);
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
	uint64_t fp = fingerprint(h);
	uint32_t r = op_check(k, id, fp);
	if (r != SZ_R_OK)
		return r;
	currency_txn_begin(cur);
	r = dispatch(s, k, cur, ctx, h);
	currency_txn_end(cur, r == SZ_R_OK);
	if (r == SZ_R_OK)
		op_add(k, id, fp);
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
		return escrow_release(s, k, cur, c, t->aux, base, CONTRACT_EV_AUTO_RELEASED, sz_id_make(0, 0), now);
	case CONTRACT_KIND_CONDITIONAL: {
		uint32_t r = pay_out(s, cur, base, 0, c->account_id, c->payer_id, c->amount_fen, now);
		if (r != SZ_R_OK)
			return r;
		c->refunded_fen += c->amount_fen;
		c->status = CONTRACT_REFUNDED;
		c->ended_ns = now;
		event_add(k, c, CONTRACT_EV_DEADLINE_REFUND, sz_id_make(0, 0), c->payer_id, c->amount_fen, 0, now);
		return SZ_R_OK;
	}
	case CONTRACT_KIND_SUBSIDY: {
		/* Grants were returned one by one (subsidy_return_grants); now the pool. */
		uint64_t pool = account_balance(s, c->account_id);
		uint32_t r = pay_out(s, cur, base, 0, c->account_id, c->payer_id, pool, now);
		if (r != SZ_R_OK)
			return r;
		uint64_t returned = pool;
		for (uint32_t link = c->grant_head; link != 0; link = k->grants[link - 1].next)
			returned += k->grants[link - 1].returned_fen;
		c->refunded_fen += pool;
		c->status = CONTRACT_EXPIRED;
		c->ended_ns = now;
		event_add(k, c, CONTRACT_EV_EXPIRED, sz_id_make(0, 0), c->payer_id, returned, c->grant_count, now);
		return SZ_R_OK;
	}
	}
	SZ_UNREACHABLE();
}

/* Subsidy expiry, first part: every grant's remainder goes back to the
 * issuer in its own ledger chain (a subsidy may have tens of thousands of
 * grants: one chain would exceed the ledger's undo journal). A grant whose
 * return fails keeps its money and gets a step_failed event. */
static void subsidy_return_grants(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
				  struct contract *c, sz_id base, uint64_t now)
{
	uint32_t step = 0;
	for (uint32_t link = c->grant_head; link != 0;) {
		struct contract_grant *g = &k->grants[link - 1];
		link = g->next;
		uint64_t left = account_balance(s, g->account_id);
		step++;
		if (left == 0)
			continue;
		ledger_chain_begin(sz_ledger(s));
		currency_txn_begin(cur);
		uint32_t r = pay_out(s, cur, base, step, g->account_id, c->payer_id, left, now);
		currency_txn_end(cur, r == SZ_R_OK);
		if (r == SZ_R_OK) {
			ledger_chain_commit(sz_ledger(s));
			g->returned_fen += left;
			c->refunded_fen += left;
		} else {
			ledger_chain_rollback(sz_ledger(s));
			event_add(k, c, CONTRACT_EV_STEP_FAILED, sz_id_make(0, 0), g->wallet_id, left, r, now);
		}
	}
}

static void contract_batch_begin(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx)
{
	struct contract_state *k = domain_state;
	struct currency_state *cur = currency_state_get(s);
	SZ_ASSERT(cur != NULL);
	for (uint32_t n = 0; n < CONTRACT_TIMER_BATCH_COUNT_MAX && k->timer_count > 0; n++) {
		if (k->timers[0].due_ns > ctx->batch_time_ns)
			break;
		struct contract_timer t = timer_pop(k);
		struct contract *c = &k->contracts[t.contract];
		if (c->status != CONTRACT_ACTIVE)
			continue;
		sz_id base = currency_derive_id(c->id, TAG_TIMER, (uint64_t)c->event_count << 32 | t.aux);
		if (c->kind == CONTRACT_KIND_SUBSIDY)
			subsidy_return_grants(s, k, cur, c, base, ctx->timestamp_ns);
		uint32_t events = k->event_count;
		struct contract saved = *c;
		ledger_chain_begin(sz_ledger(s));
		currency_txn_begin(cur);
		uint32_t r = run_timer(s, k, cur, &t, base, ctx->timestamp_ns);
		currency_txn_end(cur, r == SZ_R_OK);
		if (r == SZ_R_OK) {
			ledger_chain_commit(sz_ledger(s));
			continue;
		}
		ledger_chain_rollback(sz_ledger(s));
		/* Undo the record changes of the failed step, then say why it failed. */
		*c = saved;
		k->event_count = events;
		event_add(k, c, CONTRACT_EV_STEP_FAILED, sz_id_make(0, 0), sz_id_make(0, 0), 0, r, ctx->timestamp_ns);
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
		rc = sz_snap_write(f, (arr), sizeof((arr)[0]) * (size_t)(count));
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
		rc = sz_snap_read(f, (arr), sizeof((arr)[0]) * (size_t)(count));
	ARRAYS(READ_ARRAY, k)
#undef READ_ARRAY
	for (uint32_t i = 0; i < k->template_count && rc == 0; i++)
		rc = ledger_index_insert(&k->template_index, k->templates, template_key, k->templates[i].cmd.id, i);
	for (uint32_t i = 0; i < k->contract_count && rc == 0; i++)
		rc = ledger_index_insert(&k->contract_index, k->contracts, contract_key, k->contracts[i].id, i);
	for (uint32_t i = 0; i < k->grant_count && rc == 0; i++)
		rc = ledger_index_insert(&k->grant_index, k->grants, grant_key, k->grants[i].account_id, i);
	for (uint32_t i = 0; i < k->op_count && rc == 0; i++)
		rc = ledger_index_insert(&k->op_index, k->ops, op_key, k->ops[i].id, i);
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
		uint64_t held = account_balance(s, c->account_id), grants = 0;
		for (uint32_t link = c->grant_head; link != 0; link = k->grants[link - 1].next)
			grants += account_balance(s, k->grants[link - 1].account_id);
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
	};
	int rc = sz_state_register(s, &d);
	if (rc)
		contract_release(k);
	return rc;
}

struct contract_state *contract_state_get(const struct sz_state *s)
{
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].kind_base == SZ_CMD_CONTRACT_BASE)
			return s->domains[i].state;
	return NULL;
}
