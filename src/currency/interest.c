/*
 * interest.c — the 2026 rules for bank operators: e-CNY in real-name
 * wallets (classes 1-3) of a bank is a deposit liability that earns the
 * bank's demand-deposit rate (a versioned rate table per bank), accrued
 * daily and paid by a periodic command; a bank's issuance counts in its
 * deposit-reserve requirement at a ratio the central bank sets, while a
 * payment institution keeps 100%.
 *
 * Accrual (batch_begin of the first batch of a China-time day, from the day
 * the first rate anywhere was set): every
 * wallet of a bank in class 1-3 (sub-wallets by their main wallet's class)
 * earns, for each day since the last accrual, its balance at the end of
 * that day times the rate in force at the end of that day, on actual/365:
 *     due += floor((rem + balance_fen * sum_of_daily_rate_ppm) / (365 * 10^6))
 * with the remainder rem carried exactly to the next day (in units of
 * 1/(365 * 10^6) fen): interest is truncated to the fen and nothing is lost
 * or made up across days. The balance at the end of each skipped day is the
 * balance now (no batch ran in between). Class 4 and payment institutions
 * earn nothing. Accrual walks every wallet once a day (a pilot's size).
 *
 * Payment (interest_pay): up to CURRENCY_INTEREST_PAY_COUNT_MAX wallets of
 * the bank with interest due, each in its own bracket: the bank's vault pays
 * the wallet (the wallet's controls apply: a frozen wallet keeps its due).
 *
 * Invariants (currency_interest_check): per operator, the wallets' unpaid
 * interest plus what was paid equals what was accrued; nothing accrues for
 * institutions or class 4; the pledge equals the ratio's requirement, and
 * the pledges add up to the central bank's pledged account.
 */
#include "currency/internal.h"
#include "core/assert.h"
#include "core/hash.h"

#include <stdio.h>
#include <string.h>

#define CHINA_OFFSET_S (8ull * 3600ull)

uint64_t currency_pledge_required(const struct currency_operator *op, uint64_t outstanding_fen)
{
	SZ_ASSERT(op->reserve_ratio_bp <= 10000);
	unsigned __int128 p = (unsigned __int128)outstanding_fen * op->reserve_ratio_bp + 9999;
	return (uint64_t)(p / 10000);
}

uint32_t currency_rate_at(const struct currency_operator *op, uint64_t t_ns)
{
	SZ_ASSERT(op->rate_count <= CURRENCY_RATE_VERSION_COUNT_MAX);
	for (uint32_t i = op->rate_count; i > 0; i--)
		if (op->rates[i - 1].effective_from_ns <= t_ns)
			return op->rates[i - 1].rate_ppm;
	return 0;
}

/* The last nanosecond of China day d. */
static uint64_t day_end_ns(uint32_t d)
{
	return ((uint64_t)(d + 1) * 86400ull - CHINA_OFFSET_S) * 1000000000ull - 1;
}

static bool op_is_bank(const struct currency_operator *op) { return op->cmd.type == CURRENCY_OPERATOR_BANK; }

/* The bank operator of tenant_id: operator_not_found, or not_a_bank for a
 * payment institution (no deposit regime, no interest). */
static uint32_t bank_find(struct currency_state *c, uint64_t tenant_id, struct currency_operator **out)
{
	*out = currency_operator_mut(c, tenant_id);
	if (*out == NULL)
		return CURRENCY_R_OPERATOR_NOT_FOUND;
	return op_is_bank(*out) ? SZ_R_OK : CURRENCY_R_NOT_A_BANK;
}

/* ---- commands -------------------------------------------------------------------------- */

static uint32_t rate_set(struct currency_state *c, const struct sz_apply_ctx *ctx, const sz_command_header *h,
			 const struct currency_rate_cmd *cmd)
{
	uint64_t fp = sz_fingerprint64(h + 1, h->size - sizeof *h);
	uint32_t r = currency_op_check(c, cmd->id, h->kind, fp);
	if (r != SZ_R_OK)
		return r;
	struct currency_operator *op;
	if ((r = bank_find(c, cmd->tenant_id, &op)) != SZ_R_OK)
		return r;
	const struct currency_rate *last = op->rate_count ? &op->rates[op->rate_count - 1] : NULL;
	if (op->rate_count == CURRENCY_RATE_VERSION_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	if (cmd->rate_ppm > CURRENCY_RATE_PPM_MAX || cmd->version == 0 || cmd->effective_from_ns < ctx->batch_time_ns ||
	    (last != NULL && (cmd->version <= last->version || cmd->effective_from_ns <= last->effective_from_ns)))
		return CURRENCY_R_RATE_INVALID;
	sz_journal(op, sizeof *op);
	op->rates[op->rate_count++] = (struct currency_rate){ cmd->effective_from_ns, cmd->version, cmd->rate_ppm };
	if (c->accrual_day == 0) { /* the first rate anywhere starts daily accrual from today */
		SZ_JOURNAL_FIELD(c->accrual_day);
		c->accrual_day = currency_china_day(ctx->batch_time_ns);
	}
	currency_op_add(c, cmd->id, fp, h->kind, cmd->rate_ppm, ctx->timestamp_ns);
	return SZ_R_OK;
}

/* Move reserve to (or back from) the central bank's pledged account so the
 * pledge is what `required` says. */
uint32_t currency_pledge_to(struct sz_state *s, struct currency_state *c, struct currency_operator *op, sz_id base,
			    uint32_t step, uint64_t required, uint64_t now_ns)
{
	const struct currency_supply_row *row = currency_supply_row(c, op->cmd.currency);
	SZ_ASSERT(row != NULL);
	uint32_t r = SZ_R_OK;
	if (required > op->pledged_fen)
		r = currency_move(s, c, base, step, op->reserve_id, row->pledged_id, required - op->pledged_fen, 0, now_ns);
	else if (required < op->pledged_fen)
		r = currency_move(s, c, base, step, row->pledged_id, op->reserve_id, op->pledged_fen - required, 0, now_ns);
	if (r == SZ_R_EXCEEDS_CREDITS)
		return CURRENCY_R_RESERVE_INSUFFICIENT;
	if (r != SZ_R_OK)
		return r;
	SZ_JOURNAL_FIELD(op->pledged_fen);
	op->pledged_fen = required;
	return SZ_R_OK;
}

static uint32_t ratio_set(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			  const sz_command_header *h, const struct currency_ratio_cmd *cmd)
{
	uint64_t fp = sz_fingerprint64(h + 1, h->size - sizeof *h);
	uint32_t r = currency_op_check(c, cmd->id, h->kind, fp);
	if (r != SZ_R_OK)
		return r;
	if (cmd->reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	struct currency_operator *op;
	if ((r = bank_find(c, cmd->tenant_id, &op)) != SZ_R_OK)
		return r;
	if (cmd->ratio_bp > 10000)
		return CURRENCY_R_RATIO_INVALID;
	SZ_JOURNAL_FIELD(op->reserve_ratio_bp);
	op->reserve_ratio_bp = cmd->ratio_bp;
	SZ_ASSERT(op->issued_fen >= op->redeemed_fen);
	r = currency_pledge_to(s, c, op, cmd->id, 0, currency_pledge_required(op, op->issued_fen - op->redeemed_fen),
			       ctx->timestamp_ns);
	if (r != SZ_R_OK)
		return r;
	currency_op_add(c, cmd->id, fp, h->kind, cmd->ratio_bp, ctx->timestamp_ns);
	return SZ_R_OK;
}

/* Pay the interest due to up to CURRENCY_INTEREST_PAY_COUNT_MAX wallets of
 * the bank; the op records the total (amount) and the wallets paid (aux). */
static uint32_t interest_pay(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			     const sz_command_header *h, const struct currency_issue_cmd *cmd)
{
	uint64_t fp = sz_fingerprint64(h + 1, h->size - sizeof *h);
	uint32_t r = currency_op_check(c, cmd->id, h->kind, fp);
	if (r != SZ_R_OK)
		return r;
	if (cmd->amount != 0)
		return SZ_R_RESERVED_NONZERO;
	struct currency_operator *op;
	if ((r = bank_find(c, cmd->tenant_id, &op)) != SZ_R_OK)
		return r;
	uint64_t total = 0;
	uint32_t paid = 0;
	for (uint32_t i = 0; i < c->wallet_count && paid < CURRENCY_INTEREST_PAY_COUNT_MAX; i++) {
		struct currency_wallet *w = &c->wallets[i];
		if (w->tenant_id != op->cmd.tenant_id || w->interest_due_fen == 0 || (w->flags & CURRENCY_WALLET_CLOSED))
			continue;
		sz_journal_mark mark = sz_journal_begin();
		r = currency_move(s, c, cmd->id, i + 1, op->vault_id, w->id, w->interest_due_fen, 0, ctx->timestamp_ns);
		if (r == SZ_R_OK) {
			total += w->interest_due_fen;
			SZ_JOURNAL_FIELD(op->interest_paid_fen);
			op->interest_paid_fen += w->interest_due_fen;
			SZ_JOURNAL_FIELD(w->interest_due_fen);
			w->interest_due_fen = 0;
			paid++;
		}
		sz_journal_end(mark, r == SZ_R_OK);
	}
	struct currency_op *rec = currency_op_add(c, cmd->id, fp, h->kind, total, ctx->timestamp_ns);
	rec->aux = paid;
	return SZ_R_OK;
}

uint32_t currency_apply_interest(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
				 const sz_command_header *h)
{
	SZ_ASSERT(h->size >= sizeof *h);
	switch (h->kind) {
	case CURRENCY_CMD_RATE_SET: {
		struct currency_rate_cmd cmd;
		if (h->size != sizeof *h + sizeof cmd)
			return SZ_R_COMMAND_INVALID;
		memcpy(&cmd, h + 1, sizeof cmd);
		return rate_set(c, ctx, h, &cmd);
	}
	case CURRENCY_CMD_RESERVE_RATIO: {
		struct currency_ratio_cmd cmd;
		if (h->size != sizeof *h + sizeof cmd)
			return SZ_R_COMMAND_INVALID;
		memcpy(&cmd, h + 1, sizeof cmd);
		return ratio_set(s, c, ctx, h, &cmd);
	}
	case CURRENCY_CMD_INTEREST_PAY: {
		struct currency_issue_cmd cmd;
		if (h->size != sizeof *h + sizeof cmd)
			return SZ_R_COMMAND_INVALID;
		memcpy(&cmd, h + 1, sizeof cmd);
		return interest_pay(s, c, ctx, h, &cmd);
	}
	}
	return SZ_R_COMMAND_INVALID;
}

/* ---- daily accrual ------------------------------------------------------------------------ */

/* Sum of the daily rates of days [from, to) in force at each day's end. */
static uint64_t rate_days(const struct currency_operator *op, uint32_t from, uint32_t to)
{
	uint64_t sum = 0;
	for (uint32_t d = from; d < to; d++)
		sum += currency_rate_at(op, day_end_ns(d));
	return sum;
}

static void accrue_wallet(struct currency_state *c, const struct sz_state *s, struct currency_wallet *w,
			  struct currency_operator *op, uint64_t rate_sum)
{
	uint64_t balance = currency_account_balance(&sz_ledger_const(s)->accounts[w->account_index]);
	unsigned __int128 total = (unsigned __int128)balance * rate_sum + w->interest_rem;
	uint64_t whole = (uint64_t)(total / CURRENCY_INTEREST_DENOMINATOR);
	SZ_JOURNAL_FIELD(w->interest_rem);
	SZ_JOURNAL_FIELD(w->interest_due_fen);
	SZ_JOURNAL_FIELD(op->interest_accrued_fen);
	w->interest_rem = (uint64_t)(total % CURRENCY_INTEREST_DENOMINATOR);
	w->interest_due_fen += whole;
	op->interest_accrued_fen += whole;
	(void)c;
}

void currency_interest_accrue(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx)
{
	uint32_t today = currency_china_day(ctx->batch_time_ns);
	/* Nothing accrues before the first rate (which starts the clock): a
	 * batch then changes no currency state. */
	if (c->accrual_day == 0 || today <= c->accrual_day)
		return;
	uint64_t sums[CURRENCY_OPERATOR_COUNT_MAX];
	bool any = false;
	for (uint32_t i = 0; i < c->operator_count; i++) {
		sums[i] = op_is_bank(&c->operators[i]) && c->operators[i].rate_count
				  ? rate_days(&c->operators[i], c->accrual_day, today) : 0;
		any |= sums[i] != 0;
	}
	for (uint32_t i = 0; any && i < c->wallet_count; i++) {
		struct currency_wallet *w = &c->wallets[i];
		if ((w->flags & CURRENCY_WALLET_CLOSED) || currency_wallet_class(c, w) > 3)
			continue;
		struct currency_operator *op = currency_operator_mut(c, w->tenant_id);
		SZ_ASSERT(op != NULL);
		uint64_t sum = sums[op - c->operators];
		if (sum != 0)
			accrue_wallet(c, s, w, op, sum);
	}
	SZ_JOURNAL_FIELD(c->accrual_day);
	c->accrual_day = today;
}

/* ---- invariants ------------------------------------------------------------------------------ */

int currency_interest_check(const struct sz_state *s, const struct currency_state *c, char *why, size_t why_size)
{
	uint64_t due[CURRENCY_OPERATOR_COUNT_MAX];
	memset(due, 0, sizeof(uint64_t) * c->operator_count);
	for (uint32_t i = 0; i < c->wallet_count; i++) {
		const struct currency_wallet *w = &c->wallets[i];
		const struct currency_operator *op = currency_operator_find(c, w->tenant_id);
		SZ_ASSERT(op != NULL);
		if ((w->interest_due_fen || w->interest_rem) && (!op_is_bank(op) || currency_wallet_class(c, w) > 3)) {
			snprintf(why, why_size, "currency: wallet %llu earns interest outside the deposit regime",
				 (unsigned long long)w->id.lo);
			return -1;
		}
		due[op - c->operators] += w->interest_due_fen;
	}
	for (uint32_t k = 0; k < c->supply_count; k++) {
		uint64_t pledged = 0;
		for (uint32_t i = 0; i < c->operator_count; i++) {
			const struct currency_operator *op = &c->operators[i];
			if (op->cmd.currency == c->supply[k].currency)
				pledged += op->pledged_fen;
		}
		const sz_account *a = ledger_account_get(sz_ledger_const(s), c->supply[k].pledged_id);
		SZ_ASSERT(a != NULL);
		if ((__int128)a->credits_posted - (__int128)a->debits_posted != (__int128)pledged) {
			snprintf(why, why_size, "currency: pledges %llu differ from the pledged account", (unsigned long long)pledged);
			return -1;
		}
	}
	for (uint32_t i = 0; i < c->operator_count; i++) {
		const struct currency_operator *op = &c->operators[i];
		uint64_t need = currency_pledge_required(op, op->issued_fen - op->redeemed_fen);
		if (due[i] + op->interest_paid_fen != op->interest_accrued_fen || op->pledged_fen != need ||
		    (!op_is_bank(op) && op->reserve_ratio_bp != 10000)) {
			snprintf(why, why_size, "currency: operator %llu interest due %llu + paid %llu != accrued %llu, or pledge %llu != %llu",
				 (unsigned long long)op->cmd.tenant_id, (unsigned long long)due[i],
				 (unsigned long long)op->interest_paid_fen, (unsigned long long)op->interest_accrued_fen,
				 (unsigned long long)op->pledged_fen, (unsigned long long)need);
			return -1;
		}
	}
	return 0;
}
