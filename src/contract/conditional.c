/*
 * conditional.c — conditional payments: money held until a named party
 * posts the condition (paid to the payee) or the deadline passes (a timer
 * refunds the payer).
 */
#include "contract/internal.h"
#include "core/assert.h"
#include "core/errors.h"
#include "engine/journal.h"
#include "ledger/ledger.h"

#include <string.h>

/* ---- conditional payment --------------------------------------------------------------------- */

uint32_t contract_conditional_create(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
				     const struct sz_apply_ctx *ctx, const struct contract_conditional_cmd *cmd)
{
	const struct contract_template *t;
	uint32_t r;
	if (cmd->reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	if ((r = contract_new_check(k, cmd->id)) ||
	    (r = contract_template_for(k, cmd->template_id, CONTRACT_KIND_CONDITIONAL, &t)))
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
	const struct currency_wallet *payer = contract_open_wallet(cur, cmd->payer_wallet_id);
	const struct currency_wallet *payee = contract_open_wallet(cur, cmd->payee_wallet_id);
	if (payer == NULL)
		return CURRENCY_R_WALLET_NOT_FOUND;
	if (payee == NULL || payee == payer || payee->currency != payer->currency)
		return CONTRACT_R_PAYEE_INVALID;
	struct contract c;
	contract_record_init(&c, cmd->id, cmd->template_id, CONTRACT_KIND_CONDITIONAL, ctx->timestamp_ns);
	c.template_version = t->version;
	if ((r = contract_fund_from_wallet(s, cur, payer, cmd->id, c.account_id, cmd->amount, ctx)) != SZ_R_OK)
		return r;
	c.payer_id = payer->id;
	c.payee_id = payee->id;
	c.party_id = cmd->condition_party_id;
	c.amount_fen = cmd->amount;
	c.deadline_ns = cmd->deadline_ns;
	c.condition_code = cmd->condition_code;
	c.funded_fen = cmd->amount;
	struct contract *n = contract_append(k, &c);
	contract_event_add(k, n, CONTRACT_EV_CREATED, cmd->id, payer->id, cmd->amount, cmd->condition_code, ctx->timestamp_ns);
	contract_timer_push(k, cmd->deadline_ns, (uint32_t)(n - k->contracts), 0);
	return SZ_R_OK;
}

uint32_t contract_condition_post(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
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
	uint32_t r = contract_pay_out(s, cur, cmd->id, 0, c->account_id, c->payee_id, c->amount_fen, ctx->timestamp_ns);
	if (r != SZ_R_OK)
		return r;
	c->paid_fen += c->amount_fen;
	c->status = CONTRACT_COMPLETED;
	c->ended_ns = ctx->timestamp_ns;
	contract_event_add(k, c, CONTRACT_EV_CONDITION_MET, cmd->id, cmd->party_id, c->amount_fen, cmd->code, ctx->timestamp_ns);
	return SZ_R_OK;
}
