/*
 * subsidy.c — purpose-bound subsidies: a pool funded by an issuer, grants
 * to wallets, spending restricted to merchant categories, and expiry (a
 * timer) that returns every grant's remainder and then the pool.
 */
#include "contract/internal.h"
#include "core/assert.h"
#include "core/errors.h"
#include "engine/journal.h"
#include "ledger/ledger.h"

#include <string.h>

/* ---- purpose-bound subsidy ----------------------------------------------------------------- */

uint32_t contract_subsidy_create(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
				 const struct sz_apply_ctx *ctx, const struct contract_subsidy_cmd *cmd)
{
	const struct contract_template *t;
	uint32_t r;
	if ((r = contract_new_check(k, cmd->id)) || (r = contract_template_for(k, cmd->template_id, CONTRACT_KIND_SUBSIDY, &t)))
		return r;
	if (cmd->budget_fen == 0)
		return CONTRACT_R_AMOUNT_INVALID;
	uint64_t now = ctx->timestamp_ns;
	if (cmd->expires_at_ns <= ctx->batch_time_ns ||
	    cmd->expires_at_ns - ctx->batch_time_ns > (uint64_t)t->cmd.max_duration_s * 1000000000ull)
		return CONTRACT_R_DEADLINE_INVALID;
	const struct currency_wallet *issuer = contract_open_wallet(cur, cmd->issuer_wallet_id);
	if (issuer == NULL)
		return CURRENCY_R_WALLET_NOT_FOUND;
	struct contract c;
	contract_record_init(&c, cmd->id, cmd->template_id, CONTRACT_KIND_SUBSIDY, now);
	c.template_version = t->version;
	if ((r = contract_fund_from_wallet(s, cur, issuer, cmd->id, c.account_id, cmd->budget_fen, ctx)) != SZ_R_OK)
		return r;
	c.payer_id = issuer->id;
	c.amount_fen = cmd->budget_fen;
	c.deadline_ns = cmd->expires_at_ns;
	c.funded_fen = cmd->budget_fen;
	struct contract *n = contract_append(k, &c);
	contract_event_add(k, n, CONTRACT_EV_CREATED, cmd->id, issuer->id, cmd->budget_fen, 0, now);
	contract_timer_push(k, cmd->expires_at_ns, (uint32_t)(n - k->contracts), 0);
	return SZ_R_OK;
}

uint32_t contract_subsidy_grant(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
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
	const struct currency_wallet *w = contract_open_wallet(cur, cmd->wallet_id);
	const struct currency_wallet *issuer = currency_wallet_find(cur, c->payer_id);
	if (w == NULL || w->currency != issuer->currency)
		return CONTRACT_R_PAYEE_INVALID;
	if (contract_account_balance(s, c->account_id) < cmd->amount)
		return CONTRACT_R_SUBSIDY_BUDGET_INSUFFICIENT;
	sz_id grant_account = currency_derive_id(c->id, TAG_GRANT, sz_mix64(w->id.lo, w->id.hi));
	int64_t gi = ledger_index_find(&k->grant_index, k->grants, contract_grant_key, grant_account);
	/* A grant is e-currency held for the holder: with the wallet (and its
	 * sub-wallets) it stays within the holder's balance caps. */
	uint64_t held = gi < 0 ? 0 : contract_account_balance(s, grant_account), sum;
	if (__builtin_add_overflow(held, cmd->amount, &sum) ||
	    sum > currency_receive_room(cur, s, w, ctx->batch_time_ns))
		return CURRENCY_R_BALANCE_CAP_EXCEEDED;
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
		sz_journal(g, sizeof *g);
		SZ_JOURNAL_FIELD(k->grant_count);
		memset(g, 0, sizeof *g);
		g->wallet_id = w->id;
		g->account_id = grant_account;
		g->contract = (uint32_t)(c - k->contracts);
		g->next = c->grant_head;
		int rc = ledger_index_insert(&k->grant_index, k->grants, contract_grant_key, grant_account, k->grant_count);
		SZ_ASSERT(rc == 0);
		gi = k->grant_count++;
		c->grant_head = (uint32_t)gi + 1;
		c->grant_count++;
	}
	SZ_JOURNAL_FIELD(k->grants[gi].granted_fen);
	k->grants[gi].granted_fen += cmd->amount;
	c->granted_fen += cmd->amount;
	contract_event_add(k, c, CONTRACT_EV_GRANTED, cmd->id, w->id, cmd->amount, 0, now);
	return SZ_R_OK;
}

uint32_t contract_subsidy_spend(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
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
	int64_t gi = ledger_index_find(&k->grant_index, k->grants, contract_grant_key, grant_account);
	if (gi < 0)
		return CONTRACT_R_GRANT_NOT_FOUND;
	const struct currency_wallet *payee = contract_open_wallet(cur, cmd->payee_id);
	if (payee == NULL)
		return CURRENCY_R_WALLET_NOT_FOUND;
	if (payee->type != CURRENCY_WALLET_MERCHANT)
		return CONTRACT_R_SUBSIDY_PAYEE_NOT_MERCHANT;
	if (cmd->mcc != 0 && cmd->mcc != payee->mcc)
		return CURRENCY_R_MCC_INVALID;
	const struct contract_template *t = contract_template_of(k, c);
	bool allowed = false;
	for (uint32_t i = 0; i < t->cmd.mcc_count; i++)
		allowed |= t->cmd.mcc[i] == payee->mcc;
	if (!allowed)
		return CONTRACT_R_SUBSIDY_CATEGORY_NOT_ALLOWED;
	struct contract_grant *g = &k->grants[gi];
	if (contract_account_balance(s, g->account_id) < cmd->amount)
		return CONTRACT_R_GRANT_INSUFFICIENT;
	uint32_t r = currency_receive_check(cur, s, payee, cmd->amount, ctx->batch_time_ns);
	if (r != SZ_R_OK)
		return r; /* the merchant's balance cap, as for a payment */
	r = currency_move(s, cur, cmd->id, 0, g->account_id, payee->id, cmd->amount, payee->mcc, ctx->timestamp_ns);
	if (r != SZ_R_OK)
		return r;
	SZ_JOURNAL_FIELD(g->spent_fen);
	g->spent_fen += cmd->amount;
	c->paid_fen += cmd->amount;
	contract_event_add(k, c, CONTRACT_EV_SPENT, cmd->id, payee->id, cmd->amount, payee->mcc, ctx->timestamp_ns);
	return SZ_R_OK;
}

/* Subsidy expiry, first part: every grant's remainder goes back to the
 * issuer in its own ledger chain (a subsidy may have tens of thousands of
 * grants: one chain would exceed the ledger's undo journal). A grant whose
 * return fails keeps its money and gets a step_failed event. */
void contract_subsidy_return_grants(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
				    struct contract *c, sz_id base, uint64_t now)
{
	uint32_t step = 0;
	for (uint32_t link = c->grant_head; link != 0;) {
		struct contract_grant *g = &k->grants[link - 1];
		link = g->next;
		uint64_t left = contract_account_balance(s, g->account_id);
		step++;
		if (left == 0)
			continue;
		sz_journal_mark mark = sz_journal_begin();
		uint32_t r = contract_pay_out(s, cur, base, step, g->account_id, c->payer_id, left, now);
		if (r == SZ_R_OK) {
			sz_journal(g, sizeof *g);
			sz_journal(c, sizeof *c);
			g->returned_fen += left;
			c->refunded_fen += left;
		}
		sz_journal_end(mark, r == SZ_R_OK);
		if (r != SZ_R_OK) {
			contract_event_add(k, c, CONTRACT_EV_STEP_FAILED, sz_id_make(0, 0), g->wallet_id, left, r, now);
		}
	}
}
