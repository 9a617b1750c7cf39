/*
 * state.c — the contract domain's records: names, indexes and lookups, the
 * idempotency table, events, the timer heap, the money helpers every kind of
 * contract uses (funding from a wallet, paying out through the currency
 * domain) and template registration. Everything that changes a record
 * journals it first (engine/journal.h).
 */
#include "contract/internal.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "engine/journal.h"
#include "ledger/ledger.h"

#include <string.h>

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
		"granted", "spent", "expired", "condition_met", "deadline_refund", "step_failed", "cooling_off_refund",
	};
	return kind < sizeof names / sizeof names[0] ? names[kind] : "unknown";
}

/* ---- indexes and records ---------------------------------------------------------- */

#define TAG_TEMPLATE_VERSION 0x54565352u /* "TVSR": index keys of template versions after the first */

static sz_id template_version_key(sz_id id, uint32_t version)
{
	return version <= 1 ? id : currency_derive_id(id, TAG_TEMPLATE_VERSION, version);
}

sz_id contract_template_key(const void *base, uint32_t i)
{
	const struct contract_template *t = &((const struct contract_template *)base)[i];
	return template_version_key(t->cmd.id, t->version);
}
sz_id contract_record_key(const void *base, uint32_t i) { return ((const struct contract *)base)[i].id; }
sz_id contract_grant_key(const void *base, uint32_t i) { return ((const struct contract_grant *)base)[i].account_id; }
sz_id contract_op_key(const void *base, uint32_t i) { return ((const struct contract_op *)base)[i].id; }

const struct contract_template *contract_template_at(const struct contract_state *k, sz_id id, uint32_t version)
{
	int64_t i = ledger_index_find(&k->template_index, k->templates, contract_template_key,
				      template_version_key(id, version));
	return i < 0 ? NULL : &k->templates[i];
}

/* Versions are consecutive from 1 and few (CONTRACT_TEMPLATE_VERSION_COUNT_MAX): the newest is found by walking. */
const struct contract_template *contract_template_find(const struct contract_state *k, sz_id id)
{
	const struct contract_template *t = contract_template_at(k, id, 1), *next;
	for (uint32_t v = 2; t != NULL && v <= CONTRACT_TEMPLATE_VERSION_COUNT_MAX &&
			     (next = contract_template_at(k, id, v)) != NULL; v++)
		t = next;
	return t;
}

const struct contract_template *contract_template_of(const struct contract_state *k, const struct contract *c)
{
	const struct contract_template *t = contract_template_at(k, c->template_id, c->template_version ? c->template_version : 1);
	SZ_ASSERT(t != NULL); /* templates are never removed */
	return t;
}

/* The record a command may change: journalled whole (engine/journal.h). */
struct contract *contract_mut(struct contract_state *k, sz_id id)
{
	int64_t i = ledger_index_find(&k->contract_index, k->contracts, contract_record_key, id);
	if (i < 0)
		return NULL;
	sz_journal(&k->contracts[i], sizeof k->contracts[i]);
	return &k->contracts[i];
}

const struct contract *contract_find(const struct contract_state *k, sz_id id)
{
	int64_t i = ledger_index_find(&k->contract_index, k->contracts, contract_record_key, id);
	return i < 0 ? NULL : &k->contracts[i];
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

const struct contract_grant *contract_wallet_grant_next(const struct contract_state *k, sz_id wallet_id,
							  uint32_t *cursor, const struct contract **subsidy)
{
	SZ_ASSERT(*cursor <= k->contract_count);
	while (*cursor < k->contract_count) {
		const struct contract *c = &k->contracts[(*cursor)++];
		if (c->kind != CONTRACT_KIND_SUBSIDY || c->grant_count == 0)
			continue;
		sz_id account = currency_derive_id(c->id, TAG_GRANT, sz_mix64(wallet_id.lo, wallet_id.hi));
		int64_t gi = ledger_index_find(&k->grant_index, k->grants, contract_grant_key, account);
		if (gi >= 0) {
			*subsidy = c;
			return &k->grants[gi];
		}
	}
	*subsidy = NULL;
	return NULL;
}

uint32_t contract_op_check(const struct contract_state *k, sz_id id, uint64_t fp)
{
	if (sz_id_is_zero(id))
		return SZ_R_ID_ZERO;
	int64_t i = ledger_index_find(&k->op_index, k->ops, contract_op_key, id);
	if (i >= 0)
		return k->ops[i].fingerprint == fp ? SZ_R_EXISTS : SZ_R_EXISTS_WITH_DIFFERENT_FIELDS;
	if (k->op_count == CONTRACT_EVENT_COUNT_MAX || k->event_count + 2 * CONTRACT_SUBSIDY_GRANT_COUNT_MAX >= CONTRACT_EVENT_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	return SZ_R_OK;
}

void contract_op_add(struct contract_state *k, sz_id id, uint64_t fp)
{
	SZ_ASSERT(k->op_count < CONTRACT_EVENT_COUNT_MAX);
	SZ_JOURNAL_FIELD(k->ops[k->op_count]);
	SZ_JOURNAL_FIELD(k->op_count);
	k->ops[k->op_count] = (struct contract_op){ id, fp };
	int rc = ledger_index_insert(&k->op_index, k->ops, contract_op_key, id, k->op_count);
	SZ_ASSERT(rc == 0);
	k->op_count++;
}

void contract_event_add(struct contract_state *k, struct contract *c, uint16_t kind, sz_id command_id, sz_id party,
			uint64_t amount, uint32_t aux, uint64_t now)
{
	SZ_ASSERT(k->event_count < CONTRACT_EVENT_COUNT_MAX);
	struct contract_event *e = &k->events[k->event_count];
	sz_journal(e, sizeof *e);
	SZ_JOURNAL_FIELD(k->event_count);
	SZ_JOURNAL_FIELD(c->event_head);
	SZ_JOURNAL_FIELD(c->event_count);
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

struct contract *contract_append(struct contract_state *k, const struct contract *c)
{
	SZ_ASSERT(k->contract_count < CONTRACT_COUNT_MAX);
	SZ_JOURNAL_FIELD(k->contracts[k->contract_count]);
	SZ_JOURNAL_FIELD(k->contract_count);
	k->contracts[k->contract_count] = *c;
	int rc = ledger_index_insert(&k->contract_index, k->contracts, contract_record_key, c->id, k->contract_count);
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

void contract_timer_push(struct contract_state *k, uint64_t due_ns, uint32_t contract, uint32_t aux)
{
	/* Room was reserved before the batch (contract_reserve). */
	SZ_ASSERT(k->timer_count < k->timer_capacity);
	SZ_JOURNAL_FIELD(k->timer_count);
	uint32_t i = k->timer_count++;
	SZ_JOURNAL_FIELD(k->timers[i]);
	k->timers[i] = (struct contract_timer){ due_ns, contract, aux };
	while (i > 0 && timer_less(&k->timers[i], &k->timers[(i - 1) / 2])) {
		SZ_JOURNAL_FIELD(k->timers[(i - 1) / 2]);
		struct contract_timer t = k->timers[i];
		k->timers[i] = k->timers[(i - 1) / 2];
		k->timers[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

struct contract_timer contract_timer_pop(struct contract_state *k)
{
	SZ_ASSERT(k->timer_count > 0);
	struct contract_timer top = k->timers[0];
	SZ_JOURNAL_FIELD(k->timer_count);
	SZ_JOURNAL_FIELD(k->timers[0]);
	k->timers[0] = k->timers[--k->timer_count];
	for (uint32_t i = 0;;) {
		uint32_t m = i, l = 2 * i + 1, r = 2 * i + 2;
		if (l < k->timer_count && timer_less(&k->timers[l], &k->timers[m]))
			m = l;
		if (r < k->timer_count && timer_less(&k->timers[r], &k->timers[m]))
			m = r;
		if (m == i)
			break;
		SZ_JOURNAL_FIELD(k->timers[m]);
		struct contract_timer t = k->timers[i];
		k->timers[i] = k->timers[m];
		k->timers[m] = t;
		i = m;
	}
	return top;
}

/* ---- helpers ------------------------------------------------------------------------------ */

uint64_t contract_fingerprint(const sz_command_header *h)
{
	return sz_fingerprint64(h + 1, h->size - sizeof *h);
}

uint64_t contract_account_balance(const struct sz_state *s, sz_id id)
{
	const sz_account *a = ledger_account_get(sz_ledger_const(s), id);
	SZ_ASSERT(a != NULL);
	return currency_account_balance(a);
}

/* An open wallet of the currency domain, or NULL. */
const struct currency_wallet *contract_open_wallet(const struct currency_state *cur, sz_id id)
{
	const struct currency_wallet *w = currency_wallet_find(cur, id);
	return w == NULL || (w->flags & CURRENCY_WALLET_CLOSED) ? NULL : w;
}

uint32_t contract_template_for(const struct contract_state *k, sz_id id, uint16_t kind, const struct contract_template **out)
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
uint32_t contract_fund_from_wallet(struct sz_state *s, struct currency_state *cur, const struct currency_wallet *payer,
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
uint32_t contract_pay_out(struct sz_state *s, struct currency_state *cur, sz_id base, uint32_t step, sz_id from, sz_id to,
			  uint64_t amount, uint64_t now)
{
	if (amount == 0)
		return SZ_R_OK;
	return currency_move(s, cur, base, step, from, to, amount, 0, now);
}

/* ---- templates ------------------------------------------------------------------------------- */

static bool template_terms_valid(const struct contract_template_cmd *cmd)
{
	if (cmd->kind < CONTRACT_KIND_ESCROW || cmd->kind > CONTRACT_KIND_CONDITIONAL ||
	    cmd->mcc_count > CONTRACT_MCC_COUNT_MAX || cmd->max_duration_s == 0 ||
	    cmd->max_duration_s > CONTRACT_DURATION_S_MAX || cmd->auto_confirm_s > CONTRACT_DURATION_S_MAX ||
	    cmd->cooling_off_s > CONTRACT_DURATION_S_MAX || (cmd->cooling_off_s != 0 && cmd->kind != CONTRACT_KIND_ESCROW))
		return false;
	if (cmd->kind == CONTRACT_KIND_ESCROW &&
	    (cmd->max_sessions == 0 || cmd->max_sessions > CONTRACT_ESCROW_SESSION_COUNT_MAX || cmd->auto_confirm_s == 0))
		return false;
	if (cmd->kind == CONTRACT_KIND_SUBSIDY && cmd->mcc_count == 0)
		return false;
	for (uint32_t i = 0; i < CONTRACT_MCC_COUNT_MAX; i++)
		if ((i < cmd->mcc_count) != (cmd->mcc[i] != 0) || cmd->mcc[i] > 9999)
			return false;
	return true;
}

static uint32_t template_append(struct contract_state *k, const struct contract_template_cmd *cmd, uint32_t version,
				uint64_t now)
{
	if (k->template_count == CONTRACT_TEMPLATE_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct contract_template *n = &k->templates[k->template_count];
	sz_journal(n, sizeof *n);
	SZ_JOURNAL_FIELD(k->template_count);
	memset(n, 0, sizeof *n);
	n->cmd = *cmd;
	n->created_ns = now;
	n->version = version;
	int rc = ledger_index_insert(&k->template_index, k->templates, contract_template_key,
				     template_version_key(cmd->id, version), k->template_count);
	SZ_ASSERT(rc == 0);
	k->template_count++;
	return SZ_R_OK;
}

uint32_t contract_template_register(struct contract_state *k, const struct contract_template_cmd *cmd, uint64_t now)
{
	if (sz_id_is_zero(cmd->id))
		return SZ_R_ID_ZERO;
	/* The same registration again is compared with version 1, whatever came after. */
	const struct contract_template *t = contract_template_at(k, cmd->id, 1);
	if (t != NULL)
		return memcmp(&t->cmd, cmd, sizeof *cmd) == 0 ? SZ_R_EXISTS : SZ_R_EXISTS_WITH_DIFFERENT_FIELDS;
	if (!template_terms_valid(cmd))
		return CONTRACT_R_TEMPLATE_INVALID;
	return template_append(k, cmd, 1, now);
}

uint32_t contract_template_version(struct contract_state *k, const struct contract_template_version_cmd *cmd, uint64_t now)
{
	if (cmd->reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	const struct contract_template *at = contract_template_at(k, cmd->terms.id, cmd->version);
	if (at != NULL && cmd->version > 1)
		return memcmp(&at->cmd, &cmd->terms, sizeof cmd->terms) == 0 ? SZ_R_EXISTS : SZ_R_EXISTS_WITH_DIFFERENT_FIELDS;
	const struct contract_template *newest = contract_template_find(k, cmd->terms.id);
	if (newest == NULL)
		return CONTRACT_R_TEMPLATE_NOT_FOUND;
	if (cmd->terms.kind != newest->cmd.kind)
		return CONTRACT_R_TEMPLATE_KIND_MISMATCH;
	if (cmd->version != newest->version + 1 || cmd->version > CONTRACT_TEMPLATE_VERSION_COUNT_MAX)
		return CONTRACT_R_TEMPLATE_VERSION_INVALID;
	if (!template_terms_valid(&cmd->terms))
		return CONTRACT_R_TEMPLATE_INVALID;
	return template_append(k, &cmd->terms, cmd->version, now);
}

void contract_record_init(struct contract *c, sz_id id, sz_id template_id, uint16_t kind, uint64_t now)
{
	memset(c, 0, sizeof *c);
	c->id = id;
	c->template_id = template_id;
	c->kind = kind;
	c->status = CONTRACT_ACTIVE;
	c->created_ns = now;
	c->account_id = currency_derive_id(id, TAG_ACCOUNT, 0);
}

uint32_t contract_new_check(const struct contract_state *k, sz_id id)
{
	if (contract_find(k, id) != NULL)
		return SZ_R_EXISTS_WITH_DIFFERENT_FIELDS;
	return k->contract_count == CONTRACT_COUNT_MAX ? SZ_R_LIMIT_REACHED : SZ_R_OK;
}
