/*
 * device.c — hard wallets: device registration with an Ed25519 key, loading
 * value from a wallet into the device's own ledger account (so it cannot be
 * spent twice online), syncing signed offline payments, and remote
 * suspension: payments signed before the report still settle during the
 * settlement window, then the remaining value is refunded.
 *
 * Sync rules, applied per message in (device, counter) order:
 *   malformed -> offline_malformed; unknown device -> offline_device_unknown;
 *   signature -> offline_bad_signature; suspended, and signed after the
 *   report time or synced after the settlement window -> offline_device_suspended;
 *   counter <= last accepted -> offline_counter_replayed;
 *   counter > last + 1 -> offline_counter_skipped (the counter stays, so the
 *   missing message can still be synced, then this one again).
 *   A message with the next counter consumes it (the device did use it),
 *   then: amount over the cap in force -> offline_amount_over_cap; more than
 *   offline_count_max payments since the device was last online (its last
 *   load) -> offline_count_exceeded; payee not an open wallet of the
 *   currency -> offline_payee_invalid; amount above the device's value ->
 *   offline_exceeds_loaded_value; else device -> payee, accepted.
 * The payee's balance cap: the goods were handed over when the device
 * paid, so an accepted message is not refused for it; what does not fit
 * under the cap settles to the payee's linked bank account, and without
 * one the message stays pending (offline_payee_over_cap, counter kept).
 */
#include "currency/internal.h"
#include "currency/offline.h"
#include "core/assert.h"
#include "core/hash.h"
#include "core/limits.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define OFFLINE_TAG 0x4f46464cu /* "OFFL": transfer ids of offline payments */

static uint64_t fingerprint(const sz_command_header *cmd)
{
	return sz_fingerprint64(cmd + 1, cmd->size - sizeof *cmd);
}

static uint32_t device_register(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
				const sz_command_header *h, const struct currency_device_cmd *cmd)
{
	uint64_t fp = fingerprint(h);
	uint32_t r = currency_op_check(c, cmd->id, h->kind, fp);
	if (r != SZ_R_OK)
		return r;
	if (c->device_count == CURRENCY_DEVICE_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	int64_t wi = currency_wallet_index(c, cmd->wallet_id);
	if (wi < 0)
		return CURRENCY_R_WALLET_NOT_FOUND;
	const struct currency_wallet *w = &c->wallets[wi];
	if (w->flags & CURRENCY_WALLET_CLOSED)
		return CURRENCY_R_WALLET_CLOSED;
	if (crypto_core_ed25519_is_valid_point(cmd->public_key) != 1)
		return CURRENCY_R_DEVICE_KEY_INVALID;
	r = currency_account_create(s, cmd->id, w->owner_id, w->tenant_id, w->currency, SZ_KIND_WALLET,
				    SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS, CURRENCY_ROLE_DEVICE, ctx->timestamp_ns);
	if (r != SZ_R_OK)
		return r;
	struct currency_device d;
	memset(&d, 0, sizeof d);
	d.id = cmd->id;
	d.wallet_id = cmd->wallet_id;
	memcpy(d.public_key, cmd->public_key, sizeof d.public_key);
	d.created_ns = ctx->timestamp_ns;
	int64_t ai = ledger_account_find(sz_ledger(s), cmd->id);
	SZ_ASSERT(ai >= 0);
	d.account_index = (uint32_t)ai;
	d.wallet = (uint32_t)wi;
	currency_device_append(c, &d);
	currency_op_add(c, cmd->id, fp, h->kind, 0, ctx->timestamp_ns);
	return SZ_R_OK;
}

/* Load counts as the wallet's outflow (the value leaves online control). */
static uint32_t device_load(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			    const sz_command_header *h, const struct currency_amount_cmd *cmd)
{
	uint64_t fp = fingerprint(h);
	uint32_t r = currency_op_check(c, cmd->id, h->kind, fp);
	if (r != SZ_R_OK)
		return r;
	if (cmd->amount == 0)
		return SZ_R_AMOUNT_ZERO;
	int64_t di = currency_device_index(c, cmd->target_id);
	if (di < 0)
		return CURRENCY_R_DEVICE_NOT_FOUND;
	struct currency_device *d = &c->devices[di];
	if (d->suspended_ns != 0)
		return CURRENCY_R_DEVICE_SUSPENDED;
	if (cmd->aux < d->last_counter)
		return CURRENCY_R_DEVICE_COUNTER_INVALID;
	const struct currency_wallet *w = &c->wallets[d->wallet];
	uint64_t sum;
	if (__builtin_add_overflow(d->loaded_fen, cmd->amount, &sum))
		return SZ_R_OVERFLOW;
	if ((r = currency_spend_check(c, s, w, cmd->amount, ctx->batch_time_ns)) != SZ_R_OK)
		return r;
	if (currency_account_balance(&sz_ledger(s)->accounts[w->account_index]) < cmd->amount)
		return CURRENCY_R_INSUFFICIENT_FUNDS;
	r = currency_move(s, c, cmd->id, 0, w->id, d->id, cmd->amount, 0, ctx->timestamp_ns);
	if (r != SZ_R_OK)
		return currency_map_debit_result(r);
	currency_spend_commit(c, w, cmd->amount, ctx->batch_time_ns);
	d->loaded_fen += cmd->amount;
	d->window_base = cmd->aux;
	currency_op_add(c, cmd->id, fp, h->kind, cmd->amount, ctx->timestamp_ns);
	return SZ_R_OK;
}

/* The device's remaining value back to its wallet (the refund of a
 * suspended device); transfer ids derive from (base, step). */
static uint32_t device_refund(struct sz_state *s, struct currency_state *c, struct currency_device *d, sz_id base,
			      uint32_t step, uint64_t now_ns)
{
	uint64_t value = currency_account_balance(&sz_ledger(s)->accounts[d->account_index]);
	if (value > 0) {
		uint32_t r = currency_move(s, c, base, step, d->id, d->wallet_id, value, 0, now_ns);
		if (r != SZ_R_OK)
			return r;
	}
	sz_journal(d, sizeof *d);
	d->refunded_fen += value;
	d->settled_ns = now_ns;
	return SZ_R_OK;
}

/* Suspend a lost device. From the report time on nothing it signs later is
 * accepted. Payments it signed before still settle during the settlement
 * window of the limits in force (offline_settle_s); when the window ends,
 * batch_begin refunds the rest to the wallet (currency_devices_settle). A
 * zero window refunds at once. */
static uint32_t device_suspend(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			       const sz_command_header *h, const struct currency_ref_cmd *cmd)
{
	uint64_t fp = fingerprint(h);
	uint32_t r = currency_op_check(c, cmd->id, h->kind, fp);
	if (r != SZ_R_OK)
		return r;
	int64_t di = currency_device_index(c, cmd->target_id);
	if (di < 0)
		return CURRENCY_R_DEVICE_NOT_FOUND;
	struct currency_device *d = &c->devices[di];
	if (d->suspended_ns != 0)
		return CURRENCY_R_DEVICE_SUSPENDED;
	uint64_t now = ctx->timestamp_ns, before = d->refunded_fen;
	uint64_t window_ns = (uint64_t)currency_limits_at(c, ctx->batch_time_ns)->offline_settle_s * 1000000000ull;
	SZ_ASSERT(now != 0);
	sz_journal(d, sizeof *d);
	d->suspended_ns = now;
	d->settle_until_ns = now + window_ns;
	if (window_ns == 0) {
		if ((r = device_refund(s, c, d, cmd->id, 0, now)) != SZ_R_OK)
			return r;
	} else {
		SZ_JOURNAL_FIELD(c->settling_count);
		c->settling_count++;
	}
	currency_op_add(c, cmd->id, fp, h->kind, d->refunded_fen - before, now);
	return SZ_R_OK;
}

#define SETTLE_TAG 0x53455454u /* "SETT": transfer ids of end-of-window refunds */

/* batch_begin: refund the rest of every suspended device whose settlement
 * window has ended, each in its own journal bracket (at most
 * CURRENCY_SETTLE_BATCH_COUNT_MAX per batch; the rest wait). A refund that
 * fails (no ledger room left in this batch) is retried a second later. */
void currency_devices_settle(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx)
{
	uint32_t done = 0;
	for (uint32_t i = 0; i < c->device_count && c->settling_count > 0 && done < CURRENCY_SETTLE_BATCH_COUNT_MAX; i++) {
		struct currency_device *d = &c->devices[i];
		if (d->suspended_ns == 0 || d->settled_ns != 0 || d->settle_until_ns > ctx->batch_time_ns)
			continue;
		done++;
		sz_journal_mark mark = sz_journal_begin();
		uint32_t r = device_refund(s, c, d, currency_derive_id(d->id, SETTLE_TAG, 0), 0, ctx->timestamp_ns);
		if (r == SZ_R_OK) {
			SZ_JOURNAL_FIELD(c->settling_count);
			c->settling_count--;
		}
		sz_journal_end(mark, r == SZ_R_OK);
		if (r != SZ_R_OK)
			d->settle_until_ns = ctx->batch_time_ns + 1000000000ull;
	}
}

uint64_t currency_devices_next_deadline_ns(const struct currency_state *c)
{
	uint64_t t = UINT64_MAX;
	for (uint32_t i = 0; i < c->device_count && c->settling_count > 0; i++) {
		const struct currency_device *d = &c->devices[i];
		if (d->suspended_ns != 0 && d->settled_ns == 0 && d->settle_until_ns < t)
			t = d->settle_until_ns;
	}
	return t;
}

/* Devices of wallet index wi that are active or still settling (the wallet
 * cannot close while one is: wallet_has_devices). */
bool currency_wallet_has_live_device(const struct currency_state *c, uint32_t wi)
{
	for (uint32_t i = 0; i < c->device_count; i++)
		if (c->devices[i].wallet == wi && !currency_device_settled(&c->devices[i]))
			return true;
	return false;
}

struct sync_item {
	struct offline_payment p;
	uint32_t index;      /* position in the command */
	uint32_t decoded;    /* 0 or offline_malformed */
};

static int item_compare(const void *a, const void *b)
{
	const struct sync_item *x = a, *y = b;
	if (x->decoded != y->decoded)
		return x->decoded < y->decoded ? -1 : 1;
	if (x->p.device_id.hi != y->p.device_id.hi)
		return x->p.device_id.hi < y->p.device_id.hi ? -1 : 1;
	if (x->p.device_id.lo != y->p.device_id.lo)
		return x->p.device_id.lo < y->p.device_id.lo ? -1 : 1;
	if (x->p.counter != y->p.counter)
		return x->p.counter < y->p.counter ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Move an accepted offline payment: to_wallet to the payee, excess
 * (beyond its cap) through the payee operator's vault and clearing to the
 * bank account of main, all or nothing (a bracket of its own: a sync's
 * other messages keep their outcomes). Steps 0, 1, 2 of the message's id. */
static uint32_t offline_settle(struct sz_state *s, struct currency_state *c, const struct currency_device *d,
			       const struct currency_wallet *payee, const struct currency_wallet *main, uint64_t counter,
			       uint64_t to_wallet, uint64_t excess, uint64_t now_ns)
{
	sz_id base = currency_derive_id(d->id, OFFLINE_TAG, counter);
	sz_journal_mark mark = sz_journal_begin();
	uint32_t r = SZ_R_OK;
	if (to_wallet > 0)
		r = currency_move(s, c, base, 0, d->id, payee->id, to_wallet, 0, now_ns);
	if (r == SZ_R_OK && excess > 0) {
		const struct currency_operator *op = currency_operator_find(c, main->tenant_id);
		SZ_ASSERT(op != NULL);
		r = currency_move(s, c, base, 1, d->id, op->vault_id, excess, 0, now_ns);
		if (r == SZ_R_OK)
			r = currency_move(s, c, base, 2, op->clearing_id, main->bank_account_id, excess, 0, now_ns);
	}
	sz_journal_end(mark, r == SZ_R_OK);
	return r;
}

static uint32_t sync_one(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			 const uint8_t *msg, const struct offline_payment *p)
{
	int64_t di = currency_device_index(c, p->device_id);
	if (di < 0)
		return CURRENCY_R_OFFLINE_DEVICE_UNKNOWN;
	struct currency_device *d = &c->devices[di];
	uint32_t r = currency_offline_verify(msg, d->public_key);
	if (r != 0)
		return r;
	/* A suspended device: only what it signed up to the report time, and
	 * only while the settlement window is open. */
	if (d->suspended_ns != 0 && (currency_device_settled(d) || p->device_time_ns > d->suspended_ns))
		return CURRENCY_R_OFFLINE_DEVICE_SUSPENDED;
	if (p->counter <= d->last_counter)
		return CURRENCY_R_OFFLINE_COUNTER_REPLAYED;
	if (p->counter != d->last_counter + 1)
		return CURRENCY_R_OFFLINE_COUNTER_SKIPPED;
	sz_journal(&d->last_counter, sizeof d->last_counter);
	d->last_counter = p->counter;
	const struct currency_limits_cmd *lim = currency_limits_at(c, ctx->batch_time_ns);
	if (p->amount > lim->offline_payment_max_fen)
		return CURRENCY_R_OFFLINE_AMOUNT_OVER_CAP;
	if (p->counter > d->window_base && p->counter - d->window_base > lim->offline_count_max)
		return CURRENCY_R_OFFLINE_COUNT_EXCEEDED;
	const struct currency_wallet *payee = currency_wallet_find(c, p->payee_id);
	if (payee == NULL || (payee->flags & CURRENCY_WALLET_CLOSED) || payee->currency != p->currency ||
	    payee->currency != c->wallets[d->wallet].currency)
		return CURRENCY_R_OFFLINE_PAYEE_INVALID;
	if (currency_account_balance(&sz_ledger(s)->accounts[d->account_index]) < p->amount)
		return CURRENCY_R_OFFLINE_EXCEEDS_LOADED_VALUE;
	/* The payee's balance cap: what does not fit settles to the bank account
	 * linked to the payee (its main wallet's); without one the message
	 * stays pending, its counter not consumed, until the payee has room. */
	uint64_t room = currency_receive_room(c, s, payee, ctx->batch_time_ns);
	uint64_t to_wallet = p->amount < room ? p->amount : room, excess = p->amount - to_wallet;
	const struct currency_wallet *main = payee->parent ? &c->wallets[payee->parent - 1] : payee;
	if (excess > 0 && sz_id_is_zero(main->bank_account_id)) {
		d->last_counter = p->counter - 1; /* journalled above */
		return CURRENCY_R_OFFLINE_PAYEE_OVER_CAP;
	}
	r = offline_settle(s, c, d, payee, main, p->counter, to_wallet, excess, ctx->timestamp_ns);
	if (r != SZ_R_OK)
		return CURRENCY_R_OFFLINE_PAYEE_INVALID; /* e.g. a frozen payee account */
	sz_journal(&d->spent_fen, sizeof d->spent_fen);
	d->spent_fen += p->amount;
	return 0;
}

static uint32_t device_sync(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			    const sz_command_header *h)
{
	uint32_t body_size = h->size - (uint32_t)sizeof *h;
	if (body_size < sizeof(struct currency_sync_cmd))
		return SZ_R_COMMAND_INVALID;
	struct currency_sync_cmd cmd;
	memcpy(&cmd, h + 1, sizeof cmd);
	if (cmd.reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	if (cmd.count == 0 || cmd.count > CURRENCY_SYNC_MESSAGE_COUNT_MAX ||
	    body_size != sizeof cmd + (uint64_t)cmd.count * OFFLINE_MESSAGE_SIZE)
		return CURRENCY_R_SYNC_INVALID;
	uint64_t fp = fingerprint(h);
	uint32_t r = currency_op_check(c, cmd.id, h->kind, fp);
	if (r != SZ_R_OK)
		return r;
	if (c->sync_count == CURRENCY_SYNC_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	const uint8_t *msgs = (const uint8_t *)(h + 1) + sizeof cmd;
	struct sync_item items[CURRENCY_SYNC_MESSAGE_COUNT_MAX];
	memset(items, 0, sizeof items);
	for (uint32_t i = 0; i < cmd.count; i++) {
		items[i].index = i;
		items[i].decoded = currency_offline_decode(msgs + (size_t)i * OFFLINE_MESSAGE_SIZE, &items[i].p);
	}
	qsort(items, cmd.count, sizeof items[0], item_compare);
	struct currency_sync_record rec;
	memset(&rec, 0, sizeof rec);
	rec.id = cmd.id;
	rec.count = cmd.count;
	uint64_t total = 0;
	for (uint32_t k = 0; k < cmd.count; k++) {
		const struct sync_item *it = &items[k];
		uint32_t result = it->decoded;
		if (result == 0)
			result = sync_one(s, c, ctx, msgs + (size_t)it->index * OFFLINE_MESSAGE_SIZE, &it->p);
		rec.results[it->index] = (uint16_t)result;
		rec.counters[it->index] = it->p.counter;
		if (result == 0) {
			rec.accepted++;
			total += it->p.amount;
		}
	}
	c->syncs[c->sync_count] = rec;
	struct currency_op *op = currency_op_add(c, cmd.id, fp, h->kind, total, ctx->timestamp_ns);
	op->aux = ++c->sync_count;
	return SZ_R_OK;
}

uint32_t currency_apply_device(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			       const sz_command_header *cmd)
{
	uint32_t body_size = cmd->size - (uint32_t)sizeof *cmd;
	const void *body = cmd + 1;
	switch (cmd->kind) {
	case CURRENCY_CMD_DEVICE_REGISTER: {
		struct currency_device_cmd b;
		if (body_size != sizeof b)
			return SZ_R_COMMAND_INVALID;
		memcpy(&b, body, sizeof b);
		return device_register(s, c, ctx, cmd, &b);
	}
	case CURRENCY_CMD_DEVICE_LOAD: {
		struct currency_amount_cmd b;
		if (body_size != sizeof b)
			return SZ_R_COMMAND_INVALID;
		memcpy(&b, body, sizeof b);
		return device_load(s, c, ctx, cmd, &b);
	}
	case CURRENCY_CMD_DEVICE_SUSPEND: {
		struct currency_ref_cmd b;
		if (body_size != sizeof b)
			return SZ_R_COMMAND_INVALID;
		memcpy(&b, body, sizeof b);
		return device_suspend(s, c, ctx, cmd, &b);
	}
	case CURRENCY_CMD_DEVICE_SYNC:
		return device_sync(s, c, ctx, cmd);
	}
	return SZ_R_COMMAND_INVALID;
}
