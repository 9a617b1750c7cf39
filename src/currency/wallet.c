/*
 * wallet.c — applying the two-tier and wallet commands: operators, reserve,
 * issuance and redemption; wallet open/update/close; top-up and withdrawal
 * against the customer's bank account; payments with limit checks and auto
 * top-up; refunds; sub-wallet funding; set_limits.
 *
 * Each function validates everything it can before its first ledger call,
 * then moves money (currency_move), and changes records last; counters
 * touched on the way are journalled (engine/journal.h) so a failed command leaves
 * no trace. Ledger transfer ids derive from the command id and a step number.
 */
#include "currency/internal.h"
#include "core/assert.h"
#include "core/hash.h"
#include "core/limits.h"
#include "ledger/index.h"

#include <string.h>

/* Steps of a command's ledger transfers (part of the log's meaning: never renumber). */
enum { STEP_MAIN = 0, STEP_BANK = 1, STEP_VAULT = 2, STEP_PLEDGE = 3, STEP_BANK_BACK = 4, STEP_VAULT_BACK = 5 };

#define ROLE_TAG 0x41434354u /* "ACCT": derived account ids */

static sz_id operator_account_id(uint64_t tenant_id, uint32_t role)
{
	return currency_derive_id(sz_id_make(0x4f50u, tenant_id), ROLE_TAG, role);
}

static sz_id central_account_id(uint32_t currency, uint32_t role)
{
	return currency_derive_id(sz_id_make(0x4342u, currency), ROLE_TAG, role);
}

static bool currency_code_valid(uint32_t c)
{
	for (int i = 0; i < 3; i++) {
		uint8_t ch = (uint8_t)(c >> (8 * i));
		if (ch < 'A' || ch > 'Z')
			return false;
	}
	return (c >> 24) == 0;
}

static uint64_t fingerprint(const sz_command_header *cmd)
{
	return sz_fingerprint64(cmd + 1, cmd->size - sizeof *cmd);
}

#define BODY(type, cmd, var) \
	type var; \
	if ((cmd)->size != sizeof(sz_command_header) + sizeof(type)) \
		return SZ_R_COMMAND_INVALID; \
	memcpy(&var, (cmd) + 1, sizeof var)

static uint32_t check_new_op(const struct currency_state *c, sz_id id, const sz_command_header *cmd, uint64_t *fp)
{
	*fp = fingerprint(cmd);
	return currency_op_check(c, id, cmd->kind, *fp);
}

/* ---- operators, reserve, issuance ------------------------------------------------- */

static uint32_t operator_register(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
				  const struct currency_operator_cmd *cmd)
{
	if (sz_id_is_zero(cmd->id))
		return SZ_R_ID_ZERO;
	if (cmd->reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	if (cmd->tenant_id == 0 ||
	    (cmd->type != CURRENCY_OPERATOR_BANK && cmd->type != CURRENCY_OPERATOR_PAYMENT_INSTITUTION))
		return CURRENCY_R_OPERATOR_INVALID;
	if (!currency_code_valid(cmd->currency))
		return SZ_R_CURRENCY_INVALID;
	const struct currency_operator *existing = currency_operator_find(c, cmd->tenant_id);
	if (existing != NULL)
		return memcmp(&existing->cmd, cmd, sizeof *cmd) == 0 ? SZ_R_EXISTS : SZ_R_EXISTS_WITH_DIFFERENT_FIELDS;
	if (c->operator_count == CURRENCY_OPERATOR_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct currency_supply_row *row = currency_supply_row(c, cmd->currency);
	if (row == NULL && c->supply_count == CURRENCY_SUPPLY_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;

	uint64_t now = ctx->timestamp_ns;
	uint32_t r;
	struct currency_supply_row fresh;
	memset(&fresh, 0, sizeof fresh);
	if (row == NULL) {
		fresh.currency = cmd->currency;
		fresh.issuance_id = central_account_id(cmd->currency, CURRENCY_ROLE_CB_ISSUANCE);
		fresh.pledged_id = central_account_id(cmd->currency, CURRENCY_ROLE_CB_PLEDGED);
		fresh.settlement_id = central_account_id(cmd->currency, CURRENCY_ROLE_CB_SETTLEMENT);
		sz_id cb = sz_id_make(0, 0);
		if ((r = currency_account_create(s, fresh.issuance_id, cb, 0, cmd->currency, SZ_KIND_RESERVE, 0,
						 CURRENCY_ROLE_CB_ISSUANCE, now)) ||
		    (r = currency_account_create(s, fresh.pledged_id, cb, 0, cmd->currency, SZ_KIND_RESERVE, 0,
						 CURRENCY_ROLE_CB_PLEDGED, now)) ||
		    (r = currency_account_create(s, fresh.settlement_id, cb, 0, cmd->currency, SZ_KIND_RESERVE, 0,
						 CURRENCY_ROLE_CB_SETTLEMENT, now)))
			return r;
	}
	struct currency_operator op;
	memset(&op, 0, sizeof op);
	op.cmd = *cmd;
	op.reserve_id = operator_account_id(cmd->tenant_id, CURRENCY_ROLE_RESERVE);
	op.vault_id = operator_account_id(cmd->tenant_id, CURRENCY_ROLE_VAULT);
	op.clearing_id = operator_account_id(cmd->tenant_id, CURRENCY_ROLE_CLEARING);
	op.created_ns = now;
	op.reserve_ratio_bp = 10000; /* 100% until the central bank sets a bank's ratio */
	uint16_t reserve_flags = cmd->type == CURRENCY_OPERATOR_PAYMENT_INSTITUTION ? SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS : 0;
	sz_id owner = sz_id_make(0, cmd->tenant_id);
	if ((r = currency_account_create(s, op.reserve_id, owner, cmd->tenant_id, cmd->currency, SZ_KIND_RESERVE,
					 reserve_flags, CURRENCY_ROLE_RESERVE, now)) ||
	    (r = currency_account_create(s, op.vault_id, owner, cmd->tenant_id, cmd->currency, SZ_KIND_RESERVE,
					 SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS, CURRENCY_ROLE_VAULT, now)) ||
	    (r = currency_account_create(s, op.clearing_id, owner, cmd->tenant_id, cmd->currency, SZ_KIND_GENERAL, 0,
					 CURRENCY_ROLE_CLEARING, now)))
		return r;
	if (row == NULL) {
		SZ_JOURNAL_FIELD(c->supply[c->supply_count]);
		SZ_JOURNAL_FIELD(c->supply_count);
		c->supply[c->supply_count++] = fresh;
	}
	currency_operator_append(c, &op);
	return SZ_R_OK;
}

static uint32_t reserve_move(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			     const sz_command_header *h, const struct currency_reserve_cmd *cmd)
{
	uint64_t fp;
	uint32_t r = check_new_op(c, cmd->id, h, &fp);
	if (r != SZ_R_OK)
		return r;
	if (!currency_bytes_zero(cmd->reserved, sizeof cmd->reserved) || cmd->direction > 1)
		return cmd->direction > 1 ? SZ_R_FLAGS_INVALID : SZ_R_RESERVED_NONZERO;
	if (cmd->amount == 0)
		return SZ_R_AMOUNT_ZERO;
	const struct currency_operator *op = currency_operator_find(c, cmd->tenant_id);
	if (op == NULL)
		return CURRENCY_R_OPERATOR_NOT_FOUND;
	const struct currency_supply_row *row = currency_supply_row(c, op->cmd.currency);
	SZ_ASSERT(row != NULL);
	if (cmd->direction == 1) {
		/* Nobody withdraws more reserve than they hold, banks included. */
		const sz_account *reserve = ledger_account_get(sz_ledger(s), op->reserve_id);
		if (currency_account_balance(reserve) < cmd->amount)
			return CURRENCY_R_RESERVE_INSUFFICIENT;
		r = currency_move(s, c, cmd->id, STEP_MAIN, op->reserve_id, row->settlement_id, cmd->amount, 0,
				  ctx->timestamp_ns);
	} else {
		r = currency_move(s, c, cmd->id, STEP_MAIN, row->settlement_id, op->reserve_id, cmd->amount, 0,
				  ctx->timestamp_ns);
	}
	if (r != SZ_R_OK)
		return r;
	currency_op_add(c, cmd->id, fp, h->kind, cmd->amount, ctx->timestamp_ns);
	return SZ_R_OK;
}

/* Issue: reserve -> pledged (a payment institution cannot overdraw: 100%
 * reserve) and issuance -> vault. Redeem reverses both. */
static uint32_t issue_redeem(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			     const sz_command_header *h, const struct currency_issue_cmd *cmd)
{
	uint64_t fp;
	uint32_t r = check_new_op(c, cmd->id, h, &fp);
	if (r != SZ_R_OK)
		return r;
	if (cmd->amount == 0)
		return SZ_R_AMOUNT_ZERO;
	struct currency_operator *op = currency_operator_mut(c, cmd->tenant_id);
	if (op == NULL)
		return CURRENCY_R_OPERATOR_NOT_FOUND;
	struct currency_supply_row *row = currency_supply_row(c, op->cmd.currency);
	SZ_ASSERT(row != NULL);
	uint64_t now = ctx->timestamp_ns, sum;
	bool issue = h->kind == CURRENCY_CMD_ISSUE;
	if (issue) {
		if (__builtin_add_overflow(row->supply_fen, cmd->amount, &sum) ||
		    __builtin_add_overflow(op->issued_fen, cmd->amount, &sum))
			return SZ_R_OVERFLOW;
		/* The pledge follows the outstanding issuance at the operator's ratio. */
		r = currency_pledge_to(s, c, op, cmd->id, STEP_PLEDGE,
				       currency_pledge_required(op, op->issued_fen - op->redeemed_fen + cmd->amount), now);
		if (r == SZ_R_OK)
			r = currency_move(s, c, cmd->id, STEP_MAIN, row->issuance_id, op->vault_id, cmd->amount, 0, now);
	} else {
		if (__builtin_add_overflow(op->redeemed_fen, cmd->amount, &sum))
			return SZ_R_OVERFLOW;
		r = currency_move(s, c, cmd->id, STEP_MAIN, op->vault_id, row->issuance_id, cmd->amount, 0, now);
		if (r == SZ_R_EXCEEDS_CREDITS)
			return CURRENCY_R_VAULT_INSUFFICIENT;
		if (r == SZ_R_OK)
			r = currency_pledge_to(s, c, op, cmd->id, STEP_PLEDGE,
					       currency_pledge_required(op, op->issued_fen - op->redeemed_fen - cmd->amount), now);
	}
	if (r != SZ_R_OK)
		return r;
	if (issue) {
		row->supply_fen += cmd->amount;
		op->issued_fen += cmd->amount;
	} else {
		SZ_ASSERT(row->supply_fen >= cmd->amount);
		row->supply_fen -= cmd->amount;
		op->redeemed_fen += cmd->amount;
	}
	currency_op_add(c, cmd->id, fp, h->kind, cmd->amount, now);
	return SZ_R_OK;
}

uint32_t currency_apply_operator(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
				 const sz_command_header *cmd)
{
	switch (cmd->kind) {
	case CURRENCY_CMD_OPERATOR_REGISTER: {
		BODY(struct currency_operator_cmd, cmd, body);
		return operator_register(s, c, ctx, &body);
	}
	case CURRENCY_CMD_RESERVE: {
		BODY(struct currency_reserve_cmd, cmd, body);
		return reserve_move(s, c, ctx, cmd, &body);
	}
	case CURRENCY_CMD_ISSUE:
	case CURRENCY_CMD_REDEEM: {
		BODY(struct currency_issue_cmd, cmd, body);
		return issue_redeem(s, c, ctx, cmd, &body);
	}
	case CURRENCY_CMD_SET_LIMITS: {
		BODY(struct currency_limits_cmd, cmd, body);
		return currency_limits_apply(c, &body, ctx->batch_time_ns);
	}
	}
	return SZ_R_COMMAND_INVALID;
}

/* ---- wallets ---------------------------------------------------------------------------- */

static struct currency_wallet *wallet_mut(struct currency_state *c, sz_id id)
{
	int64_t i = currency_wallet_index(c, id);
	return i < 0 ? NULL : &c->wallets[i];
}

static uint64_t wallet_balance(const struct sz_state *s, const struct currency_wallet *w)
{
	return currency_account_balance(&sz_ledger_const(s)->accounts[w->account_index]);
}

static bool own_limits_ordered(const struct currency_class_limits *l)
{
	return (l->payment_fen == 0 || l->daily_fen == 0 || l->payment_fen <= l->daily_fen) &&
	       (l->daily_fen == 0 || l->annual_fen == 0 || l->daily_fen <= l->annual_fen);
}

/* A sub-wallet's own limits stay within its parent's: each non-zero own
 * limit is at most the parent's class limit in force and the parent's own
 * limit (0 = none there), so a sub-wallet never lends its holder a class
 * it does not have. A zero own limit means the parent's limits only. */
static bool sub_limits_within(const struct currency_state *c, const struct currency_wallet *parent,
			      const struct currency_class_limits *own, uint64_t t_ns)
{
	const struct currency_class_limits *cls = currency_class_limits_at(c, parent, t_ns);
	const uint64_t mine[4] = { own->balance_fen, own->payment_fen, own->daily_fen, own->annual_fen };
	const uint64_t bound_cls[4] = { cls->balance_fen, cls->payment_fen, cls->daily_fen, cls->annual_fen };
	const uint64_t bound_own[4] = { parent->own.balance_fen, parent->own.payment_fen, parent->own.daily_fen,
					parent->own.annual_fen };
	for (int k = 0; k < 4; k++) {
		if (mine[k] == 0)
			continue;
		if ((bound_cls[k] != 0 && mine[k] > bound_cls[k]) || (bound_own[k] != 0 && mine[k] > bound_own[k]))
			return false;
	}
	return true;
}

/* The fields of a sub-wallet taken from its parent (wallet_open). */
static uint32_t wallet_shape_sub(struct currency_state *c, const struct sz_apply_ctx *ctx,
				 const struct currency_wallet_open_cmd *cmd, struct currency_wallet *w)
{
	int64_t pi = currency_wallet_index(c, cmd->parent_id);
	if (pi < 0)
		return CURRENCY_R_PARENT_INVALID;
	struct currency_wallet *parent = &c->wallets[pi];
	if (parent->parent != 0 || (parent->flags & CURRENCY_WALLET_CLOSED) ||
	    (cmd->tenant_id != 0 && cmd->tenant_id != parent->tenant_id))
		return CURRENCY_R_PARENT_INVALID;
	if (cmd->class_level != 0)
		return CURRENCY_R_CLASS_INVALID;
	if (cmd->type != 0 || cmd->mcc != 0 || cmd->flags != 0 || !sz_id_is_zero(cmd->bank_account_id))
		return CURRENCY_R_WALLET_TYPE_INVALID;
	if (!sub_limits_within(c, parent, &w->own, ctx->batch_time_ns))
		return CURRENCY_R_SUB_WALLET_LIMITS_OVER_CLASS;
	w->parent = (uint32_t)pi + 1;
	w->tenant_id = parent->tenant_id;
	w->currency = parent->currency;
	w->class_level = 0; /* a sub-wallet is held to its parent's class */
	w->type = CURRENCY_WALLET_SUB;
	if (sz_id_is_zero(w->owner_id))
		w->owner_id = parent->owner_id;
	return SZ_R_OK;
}

/* The fields of a top-level wallet: operator, class, type, bank account (wallet_open). */
static uint32_t wallet_shape_top(struct sz_state *s, struct currency_state *c,
				 const struct currency_wallet_open_cmd *cmd, struct currency_wallet *w)
{
	const struct currency_operator *op = currency_operator_find(c, cmd->tenant_id);
	if (op == NULL)
		return CURRENCY_R_OPERATOR_NOT_FOUND;
	if (cmd->class_level < 1 || cmd->class_level > 4)
		return CURRENCY_R_CLASS_INVALID;
	if (cmd->type < CURRENCY_WALLET_PERSONAL || cmd->type > CURRENCY_WALLET_TREASURY || cmd->type == CURRENCY_WALLET_SUB)
		return CURRENCY_R_WALLET_TYPE_INVALID;
	/* Government agency and treasury wallets are class 1 (opened in person, operator-set caps). */
	if (cmd->type >= CURRENCY_WALLET_GOVERNMENT && cmd->class_level != 1)
		return CURRENCY_R_CLASS_INVALID;
	if ((cmd->type == CURRENCY_WALLET_MERCHANT) != (cmd->mcc != 0) || cmd->mcc > 9999)
		return CURRENCY_R_MCC_INVALID;
	if (!sz_id_is_zero(cmd->bank_account_id)) {
		const sz_account *bank = ledger_account_get(sz_ledger(s), cmd->bank_account_id);
		if (bank == NULL || bank->kind != SZ_KIND_BANK_DEPOSIT || bank->currency != op->cmd.currency)
			return CURRENCY_R_BANK_ACCOUNT_INVALID;
		/* Top-ups would debit it on this operator's command alone: another
		 * operator's customer account needs that operator's authority. */
		if (bank->tenant_id != cmd->tenant_id)
			return CURRENCY_R_BANK_ACCOUNT_OTHER_OPERATOR;
	} else if (cmd->flags & CURRENCY_WALLET_AUTO_TOPUP)
		return CURRENCY_R_BANK_ACCOUNT_MISSING;
	w->tenant_id = cmd->tenant_id;
	w->currency = op->cmd.currency;
	w->class_level = cmd->class_level;
	w->type = cmd->type;
	w->mcc = cmd->mcc;
	w->bank_account_id = cmd->bank_account_id;
	return SZ_R_OK;
}

static uint32_t wallet_open(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			    const sz_command_header *h, const struct currency_wallet_open_cmd *cmd)
{
	uint64_t fp;
	uint32_t r = check_new_op(c, cmd->id, h, &fp);
	if (r != SZ_R_OK)
		return r;
	if (!currency_bytes_zero(cmd->reserved, sizeof cmd->reserved))
		return SZ_R_RESERVED_NONZERO;
	if (cmd->flags & ~CURRENCY_WALLET_FLAGS_CLIENT)
		return SZ_R_FLAGS_INVALID;
	if (currency_wallet_find(c, cmd->id) != NULL)
		return SZ_R_EXISTS_WITH_DIFFERENT_FIELDS;
	if (c->wallet_count == CURRENCY_WALLET_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct currency_class_limits own = { cmd->limit_balance_fen, cmd->limit_payment_fen, cmd->limit_daily_fen,
					     cmd->limit_annual_fen };
	if (!own_limits_ordered(&own))
		return CURRENCY_R_LIMITS_INVALID;
	struct currency_wallet w;
	memset(&w, 0, sizeof w);
	w.id = cmd->id;
	w.owner_id = cmd->owner_id;
	w.own = own;
	w.created_ns = ctx->timestamp_ns;
	w.flags = cmd->flags;
	struct currency_wallet *parent = NULL;
	r = sz_id_is_zero(cmd->parent_id) ? wallet_shape_top(s, c, cmd, &w) : wallet_shape_sub(c, ctx, cmd, &w);
	if (r != SZ_R_OK)
		return r;
	if (w.parent != 0)
		parent = &c->wallets[w.parent - 1];
	r = currency_account_create(s, w.id, w.owner_id, w.tenant_id, w.currency,
				    w.type == CURRENCY_WALLET_MERCHANT ? SZ_KIND_MERCHANT : SZ_KIND_WALLET,
				    SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS, CURRENCY_ROLE_WALLET, ctx->timestamp_ns);
	if (r != SZ_R_OK)
		return r;
	int64_t account_index = ledger_account_find(sz_ledger(s), w.id);
	SZ_ASSERT(account_index >= 0);
	w.account_index = (uint32_t)account_index;
	if (parent != NULL) {
		w.next_sub = parent->first_sub;
		SZ_JOURNAL_FIELD(parent->sub_count);
		SZ_JOURNAL_FIELD(parent->first_sub);
		parent->sub_count++;
		parent->first_sub = c->wallet_count + 1; /* the index the append below takes */
	}
	currency_wallet_append(c, &w);
	currency_op_add(c, cmd->id, fp, h->kind, 0, ctx->timestamp_ns);
	return SZ_R_OK;
}

static uint32_t wallet_update(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			      const sz_command_header *h, const struct currency_wallet_update_cmd *cmd)
{
	uint64_t fp;
	uint32_t r = check_new_op(c, cmd->id, h, &fp);
	if (r != SZ_R_OK)
		return r;
	if (!currency_bytes_zero(cmd->reserved, sizeof cmd->reserved))
		return SZ_R_RESERVED_NONZERO;
	if (cmd->flags & ~CURRENCY_WALLET_FLAGS_CLIENT)
		return SZ_R_FLAGS_INVALID;
	struct currency_wallet *w = wallet_mut(c, cmd->wallet_id);
	if (w == NULL)
		return CURRENCY_R_WALLET_NOT_FOUND;
	if (w->flags & CURRENCY_WALLET_CLOSED)
		return CURRENCY_R_WALLET_CLOSED;
	struct currency_class_limits own = { cmd->limit_balance_fen, cmd->limit_payment_fen, cmd->limit_daily_fen,
					     cmd->limit_annual_fen };
	if (!own_limits_ordered(&own))
		return CURRENCY_R_LIMITS_INVALID;
	uint64_t t = ctx->batch_time_ns;
	if (w->parent != 0) {
		if (cmd->class_level != 0)
			return CURRENCY_R_CLASS_INVALID;
		if (cmd->flags != 0)
			return CURRENCY_R_WALLET_TYPE_INVALID;
		if (!sub_limits_within(c, &c->wallets[w->parent - 1], &own, t))
			return CURRENCY_R_SUB_WALLET_LIMITS_OVER_CLASS;
		if (own.balance_fen != 0 && wallet_balance(s, w) > own.balance_fen)
			return CURRENCY_R_BALANCE_OVER_CLASS_CAP;
	} else {
		if (cmd->class_level < 1 || cmd->class_level > 4)
			return CURRENCY_R_CLASS_INVALID;
		if ((cmd->flags & CURRENCY_WALLET_AUTO_TOPUP) && sz_id_is_zero(w->bank_account_id))
			return CURRENCY_R_BANK_ACCOUNT_MISSING;
		/* A downgrade (or a lower own cap) is refused while the wallet and
		 * its sub-wallets hold more than the new cap: move the excess first. */
		uint64_t family = currency_family_balance(c, s, w);
		uint64_t cap = currency_limits_at(c, t)->classes[cmd->class_level - 1].balance_fen;
		if ((cap != 0 && family > cap) || (own.balance_fen != 0 && family > own.balance_fen))
			return CURRENCY_R_BALANCE_OVER_CLASS_CAP;
	}
	SZ_JOURNAL_FIELD(w->class_level);
	SZ_JOURNAL_FIELD(w->own);
	SZ_JOURNAL_FIELD(w->flags);
	if (w->parent == 0)
		w->class_level = cmd->class_level; /* sub-wallets read their parent's class */
	w->own = own;
	w->flags = (uint8_t)((w->flags & ~CURRENCY_WALLET_FLAGS_CLIENT) | cmd->flags);
	currency_op_add(c, cmd->id, fp, h->kind, 0, ctx->timestamp_ns);
	return SZ_R_OK;
}

static uint32_t close_account(struct sz_state *s, sz_id id, uint64_t now)
{
	sz_account_flags_cmd f;
	memset(&f, 0, sizeof f);
	f.account_id = id;
	f.set = SZ_ACCOUNT_CLOSED;
	struct ledger_ctx lctx = { .timestamp_ns = now, .log_pos = 0 };
	return ledger_account_flags(sz_ledger(s), &f, &lctx);
}

/* Wallet -> vault (e-currency back to the operator), clearing -> bank. */
static uint32_t to_bank(struct sz_state *s, struct currency_state *c, sz_id base, uint32_t step,
			const struct currency_wallet *w, sz_id bank_id, uint64_t amount, uint64_t now)
{
	const struct currency_operator *op = currency_operator_find(c, w->tenant_id);
	SZ_ASSERT(op != NULL);
	uint32_t r = currency_move(s, c, base, step, w->id, op->vault_id, amount, 0, now);
	if (r != SZ_R_OK)
		return currency_map_debit_result(r);
	return currency_move(s, c, base, step + 1, op->clearing_id, bank_id, amount, 0, now);
}

/* Bank -> clearing, vault -> wallet. */
static uint32_t from_bank(struct sz_state *s, struct currency_state *c, sz_id base, uint32_t step,
			  const struct currency_wallet *w, uint64_t amount, uint64_t now)
{
	const struct currency_operator *op = currency_operator_find(c, w->tenant_id);
	SZ_ASSERT(op != NULL);
	uint32_t r = currency_move(s, c, base, step, w->bank_account_id, op->clearing_id, amount, 0, now);
	if (r == SZ_R_EXCEEDS_CREDITS)
		return CURRENCY_R_BANK_INSUFFICIENT_FUNDS;
	if (r != SZ_R_OK)
		return r;
	r = currency_move(s, c, base, step + 1, op->vault_id, w->id, amount, 0, now);
	return r == SZ_R_EXCEEDS_CREDITS ? CURRENCY_R_VAULT_INSUFFICIENT : r;
}

static uint32_t wallet_close(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			     const sz_command_header *h, const struct currency_ref_cmd *cmd)
{
	uint64_t fp;
	uint32_t r = check_new_op(c, cmd->id, h, &fp);
	if (r != SZ_R_OK)
		return r;
	struct currency_wallet *w = wallet_mut(c, cmd->target_id);
	if (w == NULL)
		return CURRENCY_R_WALLET_NOT_FOUND;
	if (w->flags & CURRENCY_WALLET_CLOSED)
		return CURRENCY_R_WALLET_CLOSED;
	if (w->sub_count != 0)
		return CURRENCY_R_WALLET_HAS_SUB_WALLETS;
	if (currency_wallet_has_live_device(c, (uint32_t)(w - c->wallets)))
		return CURRENCY_R_WALLET_HAS_DEVICES;
	if (c->holdings != NULL && c->holdings(s, c->holdings_state, w->id))
		return CURRENCY_R_WALLET_HAS_CONTRACTS;
	/* A wallet under a control that blocks paying (or an amount freeze)
	 * stays open, empty or not, until the authority lifts it. */
	struct currency_wallet_blocks blocks;
	currency_wallet_blocks_of(c, w, &blocks);
	if (blocks.pay_blocked || blocks.frozen_fen != 0)
		return blocks.pay_blocked ? blocks.pay_result : CURRENCY_R_WALLET_AMOUNT_FROZEN;
	uint64_t balance = wallet_balance(s, w), now = ctx->timestamp_ns;
	if (balance > 0) {
		if (w->parent != 0)
			r = currency_move(s, c, cmd->id, STEP_MAIN, w->id, c->wallets[w->parent - 1].id, balance, 0, now);
		else if (!sz_id_is_zero(w->bank_account_id))
			r = to_bank(s, c, cmd->id, STEP_BANK, w, w->bank_account_id, balance, now);
		else
			return CURRENCY_R_WALLET_HAS_BALANCE;
		if (r != SZ_R_OK)
			return r;
	}
	if ((r = close_account(s, w->id, now)) != SZ_R_OK)
		return r;
	if (w->parent != 0) {
		SZ_ASSERT(c->wallets[w->parent - 1].sub_count > 0);
		SZ_JOURNAL_FIELD(c->wallets[w->parent - 1].sub_count);
		c->wallets[w->parent - 1].sub_count--;
	}
	SZ_JOURNAL_FIELD(w->flags);
	w->flags |= CURRENCY_WALLET_CLOSED;
	currency_op_add(c, cmd->id, fp, h->kind, balance, now);
	return SZ_R_OK;
}

static uint32_t bank_move(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			  const sz_command_header *h, const struct currency_amount_cmd *cmd)
{
	uint64_t fp;
	uint32_t r = check_new_op(c, cmd->id, h, &fp);
	if (r != SZ_R_OK)
		return r;
	if (cmd->aux != 0)
		return SZ_R_RESERVED_NONZERO;
	if (cmd->amount == 0)
		return SZ_R_AMOUNT_ZERO;
	const struct currency_wallet *w = currency_wallet_find(c, cmd->target_id);
	if (w == NULL)
		return CURRENCY_R_WALLET_NOT_FOUND;
	if (w->flags & CURRENCY_WALLET_CLOSED)
		return CURRENCY_R_WALLET_CLOSED;
	if (w->parent != 0)
		return CURRENCY_R_WALLET_TYPE_INVALID;
	if (sz_id_is_zero(w->bank_account_id))
		return CURRENCY_R_BANK_ACCOUNT_MISSING;
	uint64_t now = ctx->timestamp_ns;
	if (h->kind == CURRENCY_CMD_TOPUP) {
		if ((r = currency_receive_check(c, s, w, cmd->amount, ctx->batch_time_ns)) != SZ_R_OK)
			return r;
		r = from_bank(s, c, cmd->id, STEP_BANK, w, cmd->amount, now);
	} else {
		if (wallet_balance(s, w) < cmd->amount)
			return CURRENCY_R_INSUFFICIENT_FUNDS;
		r = to_bank(s, c, cmd->id, STEP_BANK, w, w->bank_account_id, cmd->amount, now);
	}
	if (r != SZ_R_OK)
		return r;
	struct currency_op *op = currency_op_add(c, cmd->id, fp, h->kind, cmd->amount, now);
	op->payer = (uint32_t)(w - c->wallets) + 1;
	return SZ_R_OK;
}

/* A payment touches about eight random places of large tables (indexes of
 * commands, wallets, ledger accounts and transfers, then the records).
 * Hinting the buckets first and the records next overlaps those misses. */
static void pay_prefetch_buckets(const struct sz_state *s, const struct currency_state *c, const struct currency_pay_cmd *cmd)
{
	ledger_index_prefetch_bucket(&c->op_index, cmd->id);
	ledger_index_prefetch_bucket(&c->wallet_index, cmd->payer_id);
	ledger_index_prefetch_bucket(&c->wallet_index, cmd->payee_id);
	ledger_index_prefetch_bucket(&sz_ledger_const(s)->account_index, cmd->payer_id);
	ledger_index_prefetch_bucket(&sz_ledger_const(s)->account_index, cmd->payee_id);
	ledger_index_prefetch_bucket(&sz_ledger_const(s)->slot_index, currency_derive_id(cmd->id, CURRENCY_TRANSFER_TAG, STEP_MAIN));
}

/* A payment reads all four cache lines of the payer's wallet record (limits
 * and outflow, class and flags, controls, the holder's limit) and the first
 * three of the payee's: hint line_count lines from the first. The bucket is
 * the one where ledger_index_find's probe starts (ledger/index.h). */
static void prefetch_wallet_record(const struct currency_state *c, sz_id id, size_t line_count)
{
	const struct ledger_index *x = &c->wallet_index;
	SZ_ASSERT(x->capacity > 0 && (x->capacity & (x->capacity - 1)) == 0);
	uint32_t v = x->buckets[(uint32_t)sz_mix64(id.lo, id.hi) & (x->capacity - 1)];
	if (v == 0 || v > c->wallet_count)
		return;
	const uint8_t *w = (const uint8_t *)&c->wallets[v - 1];
	_Static_assert(sizeof(struct currency_wallet) == 4 * 64, "four cache lines");
	SZ_ASSERT(line_count * 64 <= sizeof(struct currency_wallet));
	for (size_t line = 0; line < line_count * 64; line += 64)
		__builtin_prefetch(w + line);
}

static void pay_prefetch_items(const struct sz_state *s, const struct currency_state *c, const struct currency_pay_cmd *cmd)
{
	prefetch_wallet_record(c, cmd->payer_id, 4);
	/* The payee's checks end in its third line (flags, class, sub-wallets);
	 * its fourth (controls, holder's limit) is read only with a control in
	 * force, which the hook finds elsewhere first. */
	prefetch_wallet_record(c, cmd->payee_id, 3);
	ledger_index_prefetch_item(&sz_ledger_const(s)->account_index, sz_ledger_const(s)->accounts, sizeof(sz_account), cmd->payer_id);
	ledger_index_prefetch_item(&sz_ledger_const(s)->account_index, sz_ledger_const(s)->accounts, sizeof(sz_account), cmd->payee_id);
	ledger_index_prefetch_item(&sz_ledger_const(s)->slot_index, sz_ledger_const(s)->slots, sizeof(struct ledger_slot),
				   currency_derive_id(cmd->id, CURRENCY_TRANSFER_TAG, STEP_MAIN));
}

void currency_prefetch_payment(const struct sz_state *s, const struct currency_state *c,
			       const sz_command_header *h, int stage)
{
	if (h->size != sizeof *h + sizeof(struct currency_pay_cmd))
		return;
	const struct currency_pay_cmd *cmd = (const struct currency_pay_cmd *)(h + 1);
	if (stage == 1) {
		pay_prefetch_buckets(s, c, cmd);
		return;
	}
	ledger_index_prefetch_item(&c->op_index, c->ops, sizeof *c->ops, cmd->id);
	pay_prefetch_items(s, c, cmd);
}

static uint32_t pay(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
		    const sz_command_header *h, const struct currency_pay_cmd *cmd)
{
	uint64_t fp;
	uint32_t r = check_new_op(c, cmd->id, h, &fp);
	if (r != SZ_R_OK)
		return r;
	if (cmd->flags != 0 || cmd->reserved != 0)
		return cmd->flags != 0 ? SZ_R_FLAGS_INVALID : SZ_R_RESERVED_NONZERO;
	if (cmd->amount == 0)
		return SZ_R_AMOUNT_ZERO;
	if (sz_id_eq(cmd->payer_id, cmd->payee_id))
		return CURRENCY_R_SAME_WALLET;
	int64_t pi = currency_wallet_index(c, cmd->payer_id), qi = currency_wallet_index(c, cmd->payee_id);
	if (pi < 0 || qi < 0)
		return CURRENCY_R_WALLET_NOT_FOUND;
	const struct currency_wallet *payer = &c->wallets[pi], *payee = &c->wallets[qi];
	if ((payer->flags | payee->flags) & CURRENCY_WALLET_CLOSED)
		return CURRENCY_R_WALLET_CLOSED;
	if (payer->currency != payee->currency)
		return SZ_R_CURRENCY_MISMATCH;
	uint16_t mcc = cmd->mcc;
	if (payee->type == CURRENCY_WALLET_MERCHANT) {
		if (mcc == 0)
			mcc = payee->mcc;
		if (mcc != payee->mcc)
			return CURRENCY_R_MCC_INVALID;
	} else if (mcc != 0)
		return CURRENCY_R_MCC_INVALID;
	uint64_t t = ctx->batch_time_ns, now = ctx->timestamp_ns;
	if ((r = currency_spend_check(c, s, payer, cmd->amount, t)) != SZ_R_OK ||
	    (r = currency_receive_check(c, s, payee, cmd->amount, t)) != SZ_R_OK)
		return r;
	uint64_t balance = wallet_balance(s, payer), shortfall = 0;
	if (balance < cmd->amount) {
		if (!(payer->flags & CURRENCY_WALLET_AUTO_TOPUP))
			return CURRENCY_R_INSUFFICIENT_FUNDS;
		shortfall = cmd->amount - balance;
		if ((r = from_bank(s, c, cmd->id, STEP_BANK, payer, shortfall, now)) != SZ_R_OK)
			return r;
	}
	r = currency_move_accounts(s, c, cmd->id, STEP_MAIN, &sz_ledger(s)->accounts[payer->account_index],
				   &sz_ledger(s)->accounts[payee->account_index], cmd->amount, mcc, now);
	if (r != SZ_R_OK)
		return currency_map_debit_result(r);
	currency_spend_commit(c, payer, cmd->amount, t);
	struct currency_op *op = currency_op_add(c, cmd->id, fp, h->kind, cmd->amount, now);
	op->payer = (uint32_t)pi + 1;
	op->payee = (uint32_t)qi + 1;
	op->topup_fen = shortfall;
	op->mcc = mcc;
	return SZ_R_OK;
}

/* A refund returns money where it came from: the part of the payment that
 * auto top-up pulled from the bank goes back to the bank first, the rest to
 * the wallet. Refunds restore the payer's money and are not held to its
 * balance cap, nor counted as the payee's outflow. */
static uint32_t refund(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
		       const sz_command_header *h, const struct currency_amount_cmd *cmd)
{
	uint64_t fp;
	uint32_t r = check_new_op(c, cmd->id, h, &fp);
	if (r != SZ_R_OK)
		return r;
	if (cmd->aux != 0)
		return SZ_R_RESERVED_NONZERO;
	if (cmd->amount == 0)
		return SZ_R_AMOUNT_ZERO;
	int64_t oi = currency_op_index(c, cmd->target_id);
	if (oi < 0 || c->ops[oi].kind != CURRENCY_CMD_PAY)
		return CURRENCY_R_PAYMENT_NOT_FOUND;
	struct currency_op *payment = &c->ops[oi];
	if (cmd->amount > payment->amount - payment->refunded_fen)
		return CURRENCY_R_REFUND_EXCEEDS_PAYMENT;
	const struct currency_wallet *payer = &c->wallets[payment->payer - 1];
	const struct currency_wallet *payee = &c->wallets[payment->payee - 1];
	uint64_t bank_done = payment->refunded_fen < payment->topup_fen ? payment->refunded_fen : payment->topup_fen;
	uint64_t bank_part = payment->topup_fen - bank_done;
	if (bank_part > cmd->amount)
		bank_part = cmd->amount;
	uint64_t wallet_part = cmd->amount - bank_part, now = ctx->timestamp_ns;
	if (wallet_balance(s, payee) < cmd->amount)
		return CURRENCY_R_INSUFFICIENT_FUNDS;
	if (wallet_part > 0) {
		r = currency_move(s, c, cmd->id, STEP_MAIN, payee->id, payer->id, wallet_part, payment->mcc, now);
		if (r != SZ_R_OK)
			return currency_map_debit_result(r);
	}
	if (bank_part > 0) {
		const struct currency_operator *op = currency_operator_find(c, payer->tenant_id);
		r = currency_move(s, c, cmd->id, STEP_BANK, payee->id, op->vault_id, bank_part, payment->mcc, now);
		if (r == SZ_R_OK)
			r = currency_move(s, c, cmd->id, STEP_VAULT, op->clearing_id, payer->bank_account_id, bank_part, 0, now);
		if (r != SZ_R_OK)
			return currency_map_debit_result(r);
	}
	payment->refunded_fen += cmd->amount;
	struct currency_op *op = currency_op_add(c, cmd->id, fp, h->kind, cmd->amount, now);
	op->payer = payment->payee;
	op->payee = payment->payer;
	op->topup_fen = bank_part;
	return SZ_R_OK;
}

/* direction (aux) 0: parent -> sub-wallet; 1: sub-wallet -> parent. */
static uint32_t sub_fund(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			 const sz_command_header *h, const struct currency_amount_cmd *cmd)
{
	uint64_t fp;
	uint32_t r = check_new_op(c, cmd->id, h, &fp);
	if (r != SZ_R_OK)
		return r;
	if (cmd->aux > 1)
		return SZ_R_FLAGS_INVALID;
	if (cmd->amount == 0)
		return SZ_R_AMOUNT_ZERO;
	const struct currency_wallet *sub = currency_wallet_find(c, cmd->target_id);
	if (sub == NULL)
		return CURRENCY_R_WALLET_NOT_FOUND;
	if (sub->parent == 0)
		return CURRENCY_R_NOT_SUB_WALLET;
	const struct currency_wallet *parent = &c->wallets[sub->parent - 1];
	const struct currency_wallet *from = cmd->aux == 0 ? parent : sub, *to = cmd->aux == 0 ? sub : parent;
	/* The money stays in the family, whose total the main wallet's caps
	 * bound: only the sub-wallet's own cap applies on the way in. */
	if ((from->flags | to->flags) & CURRENCY_WALLET_CLOSED)
		return CURRENCY_R_WALLET_CLOSED;
	uint64_t cap = sub->own.balance_fen, held = wallet_balance(s, sub), sum;
	if (cmd->aux == 0 && cap != 0 && (__builtin_add_overflow(held, cmd->amount, &sum) || sum > cap))
		return CURRENCY_R_SUB_WALLET_BALANCE_CAP_EXCEEDED;
	if (wallet_balance(s, from) < cmd->amount)
		return CURRENCY_R_INSUFFICIENT_FUNDS;
	r = currency_move(s, c, cmd->id, STEP_MAIN, from->id, to->id, cmd->amount, 0, ctx->timestamp_ns);
	if (r != SZ_R_OK)
		return currency_map_debit_result(r);
	currency_op_add(c, cmd->id, fp, h->kind, cmd->amount, ctx->timestamp_ns);
	return SZ_R_OK;
}

uint32_t currency_apply_wallet(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			       const sz_command_header *cmd)
{
	switch (cmd->kind) {
	case CURRENCY_CMD_WALLET_OPEN: {
		BODY(struct currency_wallet_open_cmd, cmd, body);
		return wallet_open(s, c, ctx, cmd, &body);
	}
	case CURRENCY_CMD_WALLET_UPDATE: {
		BODY(struct currency_wallet_update_cmd, cmd, body);
		return wallet_update(s, c, ctx, cmd, &body);
	}
	case CURRENCY_CMD_WALLET_CLOSE: {
		BODY(struct currency_ref_cmd, cmd, body);
		return wallet_close(s, c, ctx, cmd, &body);
	}
	case CURRENCY_CMD_TOPUP:
	case CURRENCY_CMD_WITHDRAW: {
		BODY(struct currency_amount_cmd, cmd, body);
		return bank_move(s, c, ctx, cmd, &body);
	}
	case CURRENCY_CMD_PAY: {
		BODY(struct currency_pay_cmd, cmd, body);
		return pay(s, c, ctx, cmd, &body);
	}
	case CURRENCY_CMD_REFUND: {
		BODY(struct currency_amount_cmd, cmd, body);
		return refund(s, c, ctx, cmd, &body);
	}
	case CURRENCY_CMD_SUB_FUND: {
		BODY(struct currency_amount_cmd, cmd, body);
		return sub_fund(s, c, ctx, cmd, &body);
	}
	}
	return SZ_R_COMMAND_INVALID;
}
