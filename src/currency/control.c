/*
 * control.c — wallet controls: freezes, receive-only (只收不付) and
 * pay-only states and amount freezes set by an authority (the operator,
 * a regulator, a court through the operator) with a reason code; the
 * holder's own daily limit; a merchant's risk status; and the transfer hook that enforces the
 * controls on every ledger transfer, whichever domain makes it (a payment,
 * a device load, a contract's funding or release, a subsidy spend).
 *
 * Each wallet has one control slot per authority (currency_wallet.controls);
 * only the authority that set a slot lifts it, so an operator cannot undo a
 * court's freeze. The hook refuses:
 *   - a debit of a wallet whose slots (or its main wallet's) block paying:
 *     wallet_frozen, wallet_receive_only;
 *   - a debit that would take the wallet's balance below the sum of its
 *     amount freezes: wallet_amount_frozen;
 *   - a credit of a wallet whose slots (or its main wallet's) block
 *     receiving: wallet_frozen, wallet_pay_only — except money coming back
 *     to the holder from the holder's own device or contract account (a lost
 *     device's refund, an escrow's refund), which only returns what was its.
 * A void of a pending transfer only releases a hold and is never refused.
 * With no control in force anywhere the hook returns at its first branch.
 *
 * Deterministic, no allocation: the hook reads the wallet index and the
 * accounts it is given; the commands journal every byte they change.
 */
#include "currency/internal.h"
#include "core/assert.h"
#include "core/hash.h"
#include "engine/hooks.h"

#include <string.h>

const char *const currency_authority_names[] = { "operator", "regulator", "judicial", NULL };
const char *const currency_control_state_names[] = { "frozen", "receive_only", "pay_only", "amount", NULL };
const char *const currency_reason_names[] = { "holder_request", "suspected_fraud", "aml_investigation", "court_order",
					      "sanctions", "identity_unverified", "dormant", "other", NULL };

static bool wallet_has_control(const struct currency_wallet *w)
{
	for (uint32_t k = 0; k < CURRENCY_AUTHORITY_COUNT; k++)
		if (w->controls[k].state != CURRENCY_CONTROL_NONE)
			return true;
	return false;
}

/* Fold one wallet's slots into out (amount freezes only when own). */
static void blocks_add(const struct currency_wallet *w, bool own, struct currency_wallet_blocks *out)
{
	for (uint32_t k = 0; k < CURRENCY_AUTHORITY_COUNT; k++) {
		const struct currency_wallet_control *slot = &w->controls[k];
		switch (slot->state) {
		case CURRENCY_CONTROL_FROZEN:
			out->pay_blocked = out->receive_blocked = true;
			out->pay_result = out->receive_result = CURRENCY_R_WALLET_FROZEN;
			break;
		case CURRENCY_CONTROL_RECEIVE_ONLY:
			if (out->pay_result != CURRENCY_R_WALLET_FROZEN)
				out->pay_result = CURRENCY_R_WALLET_RECEIVE_ONLY;
			out->pay_blocked = true;
			break;
		case CURRENCY_CONTROL_PAY_ONLY:
			if (out->receive_result != CURRENCY_R_WALLET_FROZEN)
				out->receive_result = CURRENCY_R_WALLET_PAY_ONLY;
			out->receive_blocked = true;
			break;
		case CURRENCY_CONTROL_AMOUNT:
			if (own && __builtin_add_overflow(out->frozen_fen, slot->amount_fen, &out->frozen_fen))
				out->frozen_fen = UINT64_MAX;
			break;
		default:
			break;
		}
	}
}

void currency_wallet_blocks_of(const struct currency_state *c, const struct currency_wallet *w,
			       struct currency_wallet_blocks *out)
{
	SZ_ASSERT(c != NULL && w != NULL && out != NULL);
	memset(out, 0, sizeof *out);
	blocks_add(w, true, out);
	const struct currency_wallet *parent = currency_wallet_parent(c, w);
	if (parent != NULL)
		blocks_add(parent, false, out); /* a sub-wallet is part of its main wallet's family */
}

/* ---- the transfer hook ------------------------------------------------------------------ */

static const struct currency_wallet *account_wallet(const struct currency_state *c, const sz_account *a)
{
	if (a->user_data != (CURRENCY_TAG | CURRENCY_ROLE_WALLET))
		return NULL;
	return currency_wallet_find(c, a->id);
}

static uint32_t debit_check(const struct currency_state *c, const sz_transfer *t, const sz_account *debit)
{
	const struct currency_wallet *w = account_wallet(c, debit);
	if (w == NULL)
		return SZ_R_OK;
	struct currency_wallet_blocks b;
	currency_wallet_blocks_of(c, w, &b);
	if (b.pay_blocked)
		return b.pay_result;
	/* A post moves what its pending transfer already held (checked then). */
	if (b.frozen_fen == 0 || (t->flags & SZ_TRANSFER_POST_PENDING))
		return SZ_R_OK;
	uint64_t balance = currency_account_balance(debit);
	if (balance < t->amount || balance - t->amount < b.frozen_fen)
		return CURRENCY_R_WALLET_AMOUNT_FROZEN;
	return SZ_R_OK;
}

/* Money coming back to its holder from the holder's own device or contract account. */
static bool is_return(const sz_account *debit, const sz_account *credit)
{
	bool own_side = debit->user_data == (CURRENCY_TAG | CURRENCY_ROLE_DEVICE) ||
			debit->user_data == (CURRENCY_TAG | CURRENCY_ROLE_CONTRACT);
	return own_side && sz_id_eq(debit->owner_id, credit->owner_id);
}

static uint32_t credit_check(const struct currency_state *c, const sz_account *debit, const sz_account *credit)
{
	const struct currency_wallet *w = account_wallet(c, credit);
	if (w == NULL)
		return SZ_R_OK;
	struct currency_wallet_blocks b;
	currency_wallet_blocks_of(c, w, &b);
	if (b.receive_blocked && !is_return(debit, credit))
		return b.receive_result;
	return SZ_R_OK;
}

static uint32_t control_hook_check(void *hook_state, const struct sz_apply_ctx *ctx, const sz_transfer *t,
				   const sz_account *debit, const sz_account *credit)
{
	const struct currency_state *c = hook_state;
	SZ_ASSERT(c != NULL && ctx != NULL);
	if (__builtin_expect(c->controlled_count == 0, 1))
		return SZ_R_OK;
	if (t->flags & SZ_TRANSFER_VOID_PENDING)
		return SZ_R_OK;
	uint32_t r = debit_check(c, t, debit);
	return r != SZ_R_OK ? r : credit_check(c, debit, credit);
}

int currency_controls_register(struct sz_state *s, struct currency_state *c)
{
	SZ_ASSERT(s != NULL && c != NULL);
	struct sz_hook hook = { .name = "currency_controls", .check = control_hook_check, .state = c };
	return sz_state_hook_add(s, &hook);
}

void currency_controls_recount(struct currency_state *c)
{
	c->controlled_count = 0;
	for (uint32_t i = 0; i < c->wallet_count; i++)
		if (wallet_has_control(&c->wallets[i]))
			c->controlled_count++;
	SZ_ASSERT(c->controlled_count <= c->wallet_count);
}

/* ---- commands ------------------------------------------------------------------------------ */

static bool control_shape_valid(const struct currency_control_cmd *cmd)
{
	if (cmd->authority < 1 || cmd->authority > CURRENCY_AUTHORITY_COUNT || cmd->state > CURRENCY_CONTROL_AMOUNT)
		return false;
	if (cmd->state == CURRENCY_CONTROL_NONE)
		return cmd->amount_fen == 0 && cmd->reason <= CURRENCY_REASON_COUNT;
	if (cmd->reason < 1 || cmd->reason > CURRENCY_REASON_COUNT)
		return false;
	return (cmd->state == CURRENCY_CONTROL_AMOUNT) == (cmd->amount_fen > 0);
}

static uint32_t wallet_control(struct currency_state *c, const struct sz_apply_ctx *ctx, const sz_command_header *h,
			       const struct currency_control_cmd *cmd)
{
	uint64_t fp = sz_fingerprint64(h + 1, h->size - sizeof *h);
	uint32_t r = currency_op_check(c, cmd->id, h->kind, fp);
	if (r != SZ_R_OK)
		return r;
	if (cmd->reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	if (!control_shape_valid(cmd))
		return CURRENCY_R_CONTROL_INVALID;
	int64_t wi = currency_wallet_index(c, cmd->wallet_id);
	if (wi < 0)
		return CURRENCY_R_WALLET_NOT_FOUND;
	struct currency_wallet *w = &c->wallets[wi];
	if (w->flags & CURRENCY_WALLET_CLOSED)
		return CURRENCY_R_WALLET_CLOSED;
	struct currency_wallet_control *slot = &w->controls[cmd->authority - 1];
	if (cmd->state == CURRENCY_CONTROL_NONE && slot->state == CURRENCY_CONTROL_NONE)
		return CURRENCY_R_CONTROL_NOT_SET;
	bool before = wallet_has_control(w);
	sz_journal(slot, sizeof *slot);
	memset(slot, 0, sizeof *slot);
	if (cmd->state != CURRENCY_CONTROL_NONE) {
		slot->state = cmd->state;
		slot->reason = cmd->reason;
		slot->amount_fen = cmd->amount_fen;
		slot->set_ns = ctx->timestamp_ns;
	}
	bool after = wallet_has_control(w);
	if (before != after) {
		SZ_JOURNAL_FIELD(c->controlled_count);
		c->controlled_count = after ? c->controlled_count + 1 : c->controlled_count - 1;
	}
	struct currency_op *op = currency_op_add(c, cmd->id, fp, h->kind, cmd->amount_fen, ctx->timestamp_ns);
	op->payer = (uint32_t)wi + 1;
	op->aux = (uint32_t)cmd->authority << 8 | cmd->state;
	return SZ_R_OK;
}

/* The holder's own daily limit on a main wallet: at most the class and the
 * operator-set daily limits in force (it only tightens them); 0 removes it. */
static uint32_t holder_limit(const struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			     const sz_command_header *h, const struct currency_amount_cmd *cmd)
{
	(void)s;
	uint64_t fp = sz_fingerprint64(h + 1, h->size - sizeof *h);
	uint32_t r = currency_op_check(c, cmd->id, h->kind, fp);
	if (r != SZ_R_OK)
		return r;
	if (cmd->aux != 0)
		return SZ_R_RESERVED_NONZERO;
	int64_t wi = currency_wallet_index(c, cmd->target_id);
	if (wi < 0)
		return CURRENCY_R_WALLET_NOT_FOUND;
	struct currency_wallet *w = &c->wallets[wi];
	if (w->flags & CURRENCY_WALLET_CLOSED)
		return CURRENCY_R_WALLET_CLOSED;
	if (w->parent != 0)
		return CURRENCY_R_WALLET_TYPE_INVALID;
	const struct currency_class_limits *cls = currency_class_limits_at(c, w, ctx->batch_time_ns);
	if (cmd->amount != 0 && ((cls->daily_fen != 0 && cmd->amount > cls->daily_fen) ||
				 (w->own.daily_fen != 0 && cmd->amount > w->own.daily_fen)))
		return CURRENCY_R_HOLDER_LIMIT_OVER_CLASS;
	SZ_JOURNAL_FIELD(w->holder_daily_fen);
	w->holder_daily_fen = cmd->amount;
	struct currency_op *op = currency_op_add(c, cmd->id, fp, h->kind, cmd->amount, ctx->timestamp_ns);
	op->payer = (uint32_t)wi + 1;
	return SZ_R_OK;
}

/* A merchant wallet's risk status (read by src/contract when a prepayment is made). */
static uint32_t merchant_risk(struct currency_state *c, const struct sz_apply_ctx *ctx, const sz_command_header *h,
			      const struct currency_risk_cmd *cmd)
{
	uint64_t fp = sz_fingerprint64(h + 1, h->size - sizeof *h);
	uint32_t r = currency_op_check(c, cmd->id, h->kind, fp);
	if (r != SZ_R_OK)
		return r;
	if (cmd->freeze_share_bp > 10000)
		return CURRENCY_R_FREEZE_SHARE_INVALID;
	if (cmd->status > CURRENCY_RISK_HIGH || cmd->reason > CURRENCY_REASON_COUNT)
		return CURRENCY_R_CONTROL_INVALID;
	int64_t wi = currency_wallet_index(c, cmd->wallet_id);
	if (wi < 0)
		return CURRENCY_R_WALLET_NOT_FOUND;
	struct currency_wallet *w = &c->wallets[wi];
	if (w->flags & CURRENCY_WALLET_CLOSED)
		return CURRENCY_R_WALLET_CLOSED;
	if (w->type != CURRENCY_WALLET_MERCHANT)
		return CURRENCY_R_WALLET_TYPE_INVALID;
	SZ_JOURNAL_FIELD(w->risk_status);
	SZ_JOURNAL_FIELD(w->prepaid_freeze_bp);
	w->risk_status = (uint8_t)cmd->status;
	w->prepaid_freeze_bp = cmd->freeze_share_bp;
	struct currency_op *op = currency_op_add(c, cmd->id, fp, h->kind, 0, ctx->timestamp_ns);
	op->payer = (uint32_t)wi + 1;
	op->aux = (uint32_t)cmd->status << 16 | cmd->reason;
	return SZ_R_OK;
}

uint32_t currency_apply_control(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
				const sz_command_header *h)
{
	SZ_ASSERT(h->kind == CURRENCY_CMD_WALLET_CONTROL || h->kind == CURRENCY_CMD_HOLDER_LIMIT ||
		  h->kind == CURRENCY_CMD_MERCHANT_RISK);
	if (h->kind == CURRENCY_CMD_MERCHANT_RISK) {
		struct currency_risk_cmd cmd;
		if (h->size != sizeof *h + sizeof cmd)
			return SZ_R_COMMAND_INVALID;
		memcpy(&cmd, h + 1, sizeof cmd);
		return merchant_risk(c, ctx, h, &cmd);
	}
	if (h->kind == CURRENCY_CMD_WALLET_CONTROL) {
		struct currency_control_cmd cmd;
		if (h->size != sizeof *h + sizeof cmd)
			return SZ_R_COMMAND_INVALID;
		memcpy(&cmd, h + 1, sizeof cmd);
		return wallet_control(c, ctx, h, &cmd);
	}
	struct currency_amount_cmd cmd;
	if (h->size != sizeof *h + sizeof cmd)
		return SZ_R_COMMAND_INVALID;
	memcpy(&cmd, h + 1, sizeof cmd);
	return holder_limit(s, c, ctx, h, &cmd);
}
