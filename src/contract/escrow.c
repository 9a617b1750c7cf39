/*
 * escrow.c — prepaid escrows (a course of sessions paid in advance): create
 * and fund, deliver and confirm sessions, auto-release after the confirm
 * window (a timer), cancellation and merchant insolvency. The money stays
 * the consumer's in the contract's own ledger account until released.
 */
#include "contract/internal.h"
#include "core/assert.h"
#include "core/errors.h"
#include "engine/journal.h"
#include "ledger/ledger.h"

#include <string.h>

/* ---- prepaid escrow -------------------------------------------------------------------------- */

uint32_t contract_escrow_create(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
				const struct sz_apply_ctx *ctx, const struct contract_escrow_cmd *cmd)
{
	const struct contract_template *t;
	uint32_t r;
	if (cmd->reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	if ((r = contract_new_check(k, cmd->id)) || (r = contract_template_for(k, cmd->template_id, CONTRACT_KIND_ESCROW, &t)))
		return r;
	uint64_t total;
	if (cmd->sessions == 0 || cmd->sessions > t->cmd.max_sessions || cmd->session_fen == 0 ||
	    __builtin_mul_overflow(cmd->session_fen, (uint64_t)cmd->sessions, &total))
		return CONTRACT_R_SESSIONS_INVALID;
	const struct currency_wallet *consumer = contract_open_wallet(cur, cmd->consumer_wallet_id);
	const struct currency_wallet *merchant = contract_open_wallet(cur, cmd->merchant_wallet_id);
	if (consumer == NULL)
		return CURRENCY_R_WALLET_NOT_FOUND;
	if (merchant == NULL || merchant->type != CURRENCY_WALLET_MERCHANT || merchant->currency != consumer->currency)
		return CONTRACT_R_PAYEE_INVALID;
	if (merchant->risk_status >= CURRENCY_RISK_HIGH)
		return CONTRACT_R_MERCHANT_AT_RISK;
	struct contract c;
	contract_record_init(&c, cmd->id, cmd->template_id, CONTRACT_KIND_ESCROW, ctx->timestamp_ns);
	c.template_version = t->version;
	if ((r = contract_fund_from_wallet(s, cur, consumer, cmd->id, c.account_id, total, ctx)) != SZ_R_OK)
		return r;
	c.payer_id = consumer->id;
	c.payee_id = merchant->id;
	c.amount_fen = cmd->session_fen;
	c.sessions = cmd->sessions;
	c.funded_fen = total;
	struct contract *n = contract_append(k, &c);
	contract_event_add(k, n, CONTRACT_EV_CREATED, cmd->id, consumer->id, total, cmd->sessions, ctx->timestamp_ns);
	return SZ_R_OK;
}

/* The share of a release the merchant's prepaid freeze holds back (rounded up). */
static uint64_t frozen_share(const struct currency_state *cur, const struct contract *c, uint64_t amount)
{
	const struct currency_wallet *m = currency_wallet_find(cur, c->payee_id);
	SZ_ASSERT(m != NULL);
	SZ_ASSERT(m->prepaid_freeze_bp <= 10000);
	return (uint64_t)(((unsigned __int128)amount * m->prepaid_freeze_bp + 9999) / 10000);
}

/* Pay the merchant what its freeze held back (step 3 of base). */
static uint32_t release_frozen(struct sz_state *s, struct currency_state *cur, struct contract *c, sz_id base, uint64_t now)
{
	uint32_t r = contract_pay_out(s, cur, base, 3, c->account_id, c->payee_id, c->frozen_fen, now);
	if (r != SZ_R_OK)
		return r;
	c->paid_fen += c->frozen_fen;
	c->frozen_fen = 0;
	return SZ_R_OK;
}

/* Release delivered-but-unconfirmed sessions up to `upto`. The merchant's
 * prepaid freeze share of it stays in the escrow (frozen_fen) until the
 * escrow completes or is cancelled (then the merchant's), or the merchant
 * is insolvent (then the consumer's: the guarantee). */
uint32_t contract_escrow_release(struct sz_state *s, struct contract_state *k, struct currency_state *cur, struct contract *c,
				 uint32_t upto, sz_id base, uint16_t ev_kind, sz_id party, uint64_t now)
{
	SZ_ASSERT(upto <= c->delivered);
	if (upto <= c->released)
		return SZ_R_OK;
	uint64_t amount = (uint64_t)(upto - c->released) * c->amount_fen, frozen = frozen_share(cur, c, amount);
	uint32_t r = contract_pay_out(s, cur, base, 1, c->account_id, c->payee_id, amount - frozen, now);
	if (r != SZ_R_OK)
		return r;
	c->released = upto;
	c->paid_fen += amount - frozen;
	c->frozen_fen += frozen;
	contract_event_add(k, c, ev_kind, ev_kind == CONTRACT_EV_AUTO_RELEASED ? sz_id_make(0, 0) : base, party,
			   amount - frozen, upto, now);
	if (c->released == c->sessions) {
		if ((r = release_frozen(s, cur, c, base, now)) != SZ_R_OK)
			return r;
		c->status = CONTRACT_COMPLETED;
		c->ended_ns = now;
	}
	return SZ_R_OK;
}

/* Cancellation or insolvency: delivered sessions are paid, the rest goes
 * back to the consumer at once. */
uint32_t contract_escrow_end(struct sz_state *s, struct contract_state *k, struct currency_state *cur, struct contract *c,
			     sz_id base, uint16_t status, sz_id party, uint64_t now)
{
	uint32_t r = contract_escrow_release(s, k, cur, c, c->delivered, base, CONTRACT_EV_CONFIRMED, party, now);
	if (r != SZ_R_OK || c->status != CONTRACT_ACTIVE)
		return r;
	/* Cancelled: what the freeze held back is the merchant's (delivered);
	 * insolvent: it goes back to the consumer with the rest. */
	if (status == CONTRACT_CANCELLED && (r = release_frozen(s, cur, c, base, now)) != SZ_R_OK)
		return r;
	uint64_t rest = contract_account_balance(s, c->account_id);
	SZ_ASSERT(rest == (uint64_t)(c->sessions - c->released) * c->amount_fen + c->frozen_fen);
	c->frozen_fen = 0;
	if ((r = contract_pay_out(s, cur, base, 2, c->account_id, c->payer_id, rest, now)) != SZ_R_OK)
		return r;
	c->refunded_fen += rest;
	c->status = status;
	c->ended_ns = now;
	contract_event_add(k, c, status == CONTRACT_CANCELLED ? CONTRACT_EV_CANCELLED : CONTRACT_EV_INSOLVENCY, base, party, rest,
		  0, now);
	return SZ_R_OK;
}

/* Is the escrow still in its template's cooling-off period (after creation)? */
static bool escrow_in_cooling_off(const struct contract_state *k, const struct contract *c, uint64_t now)
{
	const struct contract_template *t = contract_template_of(k, c);
	uint64_t until = c->created_ns + (uint64_t)t->cmd.cooling_off_s * 1000000000ull;
	return t->cmd.cooling_off_s != 0 && now < until;
}

/* A cancellation in the cooling-off period: every session not yet released
 * goes back to the consumer, delivered but unconfirmed ones included (what
 * was already released stays the merchant's, the part its freeze held back
 * too). */
static uint32_t escrow_cooling_off_refund(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
					  struct contract *c, sz_id base, sz_id party, uint64_t now)
{
	uint32_t r = release_frozen(s, cur, c, base, now); /* released sessions stay the merchant's, held-back part too */
	if (r != SZ_R_OK)
		return r;
	uint64_t rest = contract_account_balance(s, c->account_id);
	SZ_ASSERT(rest == (uint64_t)(c->sessions - c->released) * c->amount_fen);
	r = rest == 0 ? SZ_R_OK : contract_pay_out(s, cur, base, 2, c->account_id, c->payer_id, rest, now);
	if (r != SZ_R_OK)
		return r;
	c->refunded_fen += rest;
	c->status = CONTRACT_CANCELLED;
	c->ended_ns = now;
	contract_event_add(k, c, CONTRACT_EV_COOLING_OFF_REFUND, base, party, rest, 0, now);
	return SZ_R_OK;
}

uint32_t contract_escrow_event(struct sz_state *s, struct contract_state *k, struct currency_state *cur, uint16_t kind,
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
		/* Every active escrow of the merchant ends in this one command; a
		 * failure part-way rolls every record back (the engine's journal). */
		uint32_t count = 0;
		for (uint32_t i = 0; i < k->contract_count; i++) {
			const struct contract *c = &k->contracts[i];
			count += c->kind == CONTRACT_KIND_ESCROW && c->status == CONTRACT_ACTIVE && sz_id_eq(c->payee_id, cmd->party_id);
		}
		if (count > CONTRACT_INSOLVENCY_ESCROW_COUNT_MAX)
			return SZ_R_LIMIT_REACHED;
		uint32_t step = 0, r = SZ_R_OK;
		for (uint32_t i = 0; i < k->contract_count && r == SZ_R_OK; i++) {
			struct contract *c = &k->contracts[i];
			if (c->kind != CONTRACT_KIND_ESCROW || c->status != CONTRACT_ACTIVE || !sz_id_eq(c->payee_id, cmd->party_id))
				continue;
			sz_journal(c, sizeof *c);
			step++;
			r = contract_escrow_end(s, k, cur, c, currency_derive_id(cmd->id, TAG_ACCOUNT, step), CONTRACT_INSOLVENT,
				       cmd->party_id, now);
		}
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
		const struct contract_template *t = contract_template_of(k, c);
		c->delivered++;
		contract_event_add(k, c, CONTRACT_EV_DELIVERED, cmd->id, cmd->party_id, 0, c->delivered, now);
		contract_timer_push(k, now + (uint64_t)t->cmd.auto_confirm_s * 1000000000ull, (uint32_t)(c - k->contracts), c->delivered);
		return SZ_R_OK;
	}
	case CONTRACT_CMD_SESSION_CONFIRM:
		if (c->released == c->delivered)
			return CONTRACT_R_NO_SESSION_TO_CONFIRM;
		return contract_escrow_release(s, k, cur, c, c->released + 1, cmd->id, CONTRACT_EV_CONFIRMED, cmd->party_id, now);
	case CONTRACT_CMD_CANCEL: {
		if (escrow_in_cooling_off(k, c, now))
			return escrow_cooling_off_refund(s, k, cur, c, cmd->id, cmd->party_id, now);
		/* escrow_end pays delivered sessions (changing the record) before
		 * the refund, which may still fail (say the consumer's wallet was
		 * closed): the engine's journal then rolls the record, its events
		 * and the ledger back together. */
		return contract_escrow_end(s, k, cur, c, cmd->id, CONTRACT_CANCELLED, cmd->party_id, now);
	}
	}
	SZ_UNREACHABLE();
}
