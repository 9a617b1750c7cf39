/*
 * fiscal.c — fiscal payments (财政收支) on the currency: batch
 * disbursements of subsidies, salaries and pensions from a government
 * agency's wallet to many wallets, with one result per line; and tax and
 * fee collection from a wallet into the treasury's wallet, whose command
 * record is the receipt.
 *
 * A disbursement arrives as chunk commands (currency.h: the layout and the
 * limits). Each line pays in its own journal bracket, as an offline message
 * does: a line refused (unknown, closed or frozen payee, the payee's balance
 * cap, the agency's funds) leaves no trace but its result, and the other
 * lines still pay. A line's ledger transfer id derives from the line id
 * alone, so a line id pays at most once across batches: a line paid before
 * answers `exists` and is not paid again (idempotent per line, and a retried
 * request answers `exists` per chunk). Line records are appended after each
 * line (journalled in the chunk's bracket); the batch record sums them.
 *
 * Allocation-free: batch and line records live in arrays reserved at their
 * maxima (core/vm.h); the batch index gets room before each batch
 * (currency_reserve); the ledger's per-batch room covers the transfers.
 */
#include "currency/internal.h"
#include "core/assert.h"
#include "core/hash.h"

#include <string.h>

#define FISCAL_TAG 0x46495343u  /* "FISC": line transfer ids */

static sz_id batch_key(const void *base, uint32_t i) { return ((const struct currency_fiscal_batch *)base)[i].id; }

sz_id currency_fiscal_line_transfer_id(sz_id line_id)
{
	return currency_derive_id(currency_derive_id(line_id, FISCAL_TAG, 0), CURRENCY_TRANSFER_TAG, 0);
}

const struct currency_fiscal_batch *currency_fiscal_batch_find(const struct currency_state *c, sz_id id)
{
	int64_t i = ledger_index_find(&c->batch_index, c->batches, batch_key, id);
	return i < 0 ? NULL : &c->batches[i];
}

const struct currency_fiscal_line *currency_fiscal_line_next(const struct currency_state *c,
							     const struct currency_fiscal_batch *b, uint32_t *cursor)
{
	uint32_t bi = (uint32_t)(b - c->batches);
	SZ_ASSERT(bi < c->batch_count);
	if (*cursor < b->first_line)
		*cursor = b->first_line;
	for (; *cursor < c->fiscal_line_count; (*cursor)++)
		if (c->fiscal_lines[*cursor].batch == bi)
			return &c->fiscal_lines[(*cursor)++];
	return NULL;
}

int currency_fiscal_reserve(struct currency_state *c, uint32_t command_count)
{
	SZ_ASSERT(command_count <= SZ_BATCH_COMMAND_COUNT_MAX);
	return ledger_index_reserve(&c->batch_index, c->batches, batch_key, command_count + 1);
}

int currency_fiscal_reindex(struct currency_state *c)
{
	int rc = 0;
	for (uint32_t i = 0; i < c->batch_count && rc == 0; i++)
		rc = ledger_index_insert(&c->batch_index, c->batches, batch_key, c->batches[i].id, i);
	return rc;
}

static bool is_government(const struct currency_wallet *w)
{
	return w->type == CURRENCY_WALLET_GOVERNMENT && !(w->flags & CURRENCY_WALLET_CLOSED);
}

/* ---- disbursement ------------------------------------------------------------------------ */

/* Pay one line from the agency wallet: 0 or the line's refusal. */
static uint32_t pay_line(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			 const struct currency_wallet *payer, const struct currency_fiscal_line_cmd *line)
{
	if (sz_id_is_zero(line->line_id))
		return SZ_R_ID_ZERO;
	if (line->amount == 0)
		return SZ_R_AMOUNT_ZERO;
	if (ledger_slot_find(sz_ledger(s), currency_fiscal_line_transfer_id(line->line_id)) >= 0)
		return SZ_R_EXISTS;
	int64_t qi = currency_wallet_index(c, line->payee_id);
	if (qi < 0)
		return CURRENCY_R_WALLET_NOT_FOUND;
	const struct currency_wallet *payee = &c->wallets[qi];
	if (payee->flags & CURRENCY_WALLET_CLOSED)
		return CURRENCY_R_WALLET_CLOSED;
	if (payee == payer)
		return CURRENCY_R_SAME_WALLET;
	if (payee->currency != payer->currency)
		return SZ_R_CURRENCY_MISMATCH;
	uint64_t t = ctx->batch_time_ns;
	uint32_t r;
	if ((r = currency_spend_check(c, s, payer, line->amount, t)) != SZ_R_OK ||
	    (r = currency_receive_check(c, s, payee, line->amount, t)) != SZ_R_OK)
		return r;
	if (currency_account_balance(&sz_ledger(s)->accounts[payer->account_index]) < line->amount)
		return CURRENCY_R_INSUFFICIENT_FUNDS;
	sz_journal_mark mark = sz_journal_begin();
	r = currency_move_accounts(s, c, currency_derive_id(line->line_id, FISCAL_TAG, 0), 0,
				   &sz_ledger(s)->accounts[payer->account_index],
				   &sz_ledger(s)->accounts[payee->account_index], line->amount, 0, ctx->timestamp_ns);
	if (r == SZ_R_OK)
		currency_spend_commit(c, payer, line->amount, t);
	sz_journal_end(mark, r == SZ_R_OK);
	return r == SZ_R_OK ? 0 : currency_map_debit_result(r);
}

static void line_record(struct currency_state *c, struct currency_fiscal_batch *b,
			const struct currency_fiscal_line_cmd *line, uint32_t result)
{
	SZ_ASSERT(c->fiscal_line_count < CURRENCY_FISCAL_LINE_RECORD_COUNT_MAX);
	struct currency_fiscal_line *rec = &c->fiscal_lines[c->fiscal_line_count];
	/* Past the count is not state (see currency_op_add): journal the count only. */
	SZ_JOURNAL_FIELD(c->fiscal_line_count);
	memset(rec, 0, sizeof *rec);
	rec->line_id = line->line_id;
	rec->payee_id = line->payee_id;
	rec->amount = line->amount;
	rec->batch = (uint32_t)(b - c->batches);
	rec->result = (uint16_t)result;
	c->fiscal_line_count++;
	sz_journal(b, sizeof *b);
	b->line_count++;
	uint64_t *sum = result == 0 ? &b->paid_fen : result == SZ_R_EXISTS ? &b->exists_fen : &b->failed_fen;
	uint32_t *count = result == 0 ? &b->paid_count : result == SZ_R_EXISTS ? &b->exists_count : &b->failed_count;
	*sum = __builtin_add_overflow(*sum, line->amount, sum) ? UINT64_MAX : *sum;
	(*count)++;
}

/* The batch record a chunk belongs to: chunk 0 opens it, later chunks
 * follow in order with the same payer, purpose and chunk count. */
static uint32_t chunk_batch(struct currency_state *c, const struct sz_apply_ctx *ctx,
			    const struct currency_fiscal_chunk_cmd *cmd, struct currency_fiscal_batch **out)
{
	int64_t bi = ledger_index_find(&c->batch_index, c->batches, batch_key, cmd->batch_id);
	if (cmd->chunk_index == 0) {
		if (bi >= 0)
			return SZ_R_EXISTS_WITH_DIFFERENT_FIELDS;
		if (c->batch_count == CURRENCY_FISCAL_BATCH_COUNT_MAX)
			return SZ_R_LIMIT_REACHED;
		struct currency_fiscal_batch *b = &c->batches[c->batch_count];
		sz_journal(b, sizeof *b);
		SZ_JOURNAL_FIELD(c->batch_count);
		memset(b, 0, sizeof *b);
		b->id = cmd->batch_id;
		b->payer_id = cmd->payer_id;
		b->created_ns = ctx->timestamp_ns;
		b->first_line = c->fiscal_line_count;
		b->chunk_count = cmd->chunk_count;
		b->purpose = cmd->purpose;
		int rc = ledger_index_insert(&c->batch_index, c->batches, batch_key, b->id, c->batch_count);
		SZ_ASSERT(rc == 0);
		c->batch_count++;
		*out = b;
		return SZ_R_OK;
	}
	if (bi < 0)
		return CURRENCY_R_FISCAL_BATCH_INVALID;
	struct currency_fiscal_batch *b = &c->batches[bi];
	if (!sz_id_eq(b->payer_id, cmd->payer_id) || b->purpose != cmd->purpose || b->chunk_count != cmd->chunk_count ||
	    b->chunks_applied != cmd->chunk_index)
		return CURRENCY_R_FISCAL_BATCH_INVALID;
	*out = b;
	return SZ_R_OK;
}

static bool chunk_shape_valid(const struct currency_fiscal_chunk_cmd *cmd, uint32_t body_size)
{
	return cmd->line_count >= 1 && cmd->line_count <= CURRENCY_FISCAL_CHUNK_LINE_COUNT_MAX &&
	       body_size == sizeof *cmd + (uint64_t)cmd->line_count * sizeof(struct currency_fiscal_line_cmd) &&
	       cmd->chunk_count >= 1 && cmd->chunk_count <= CURRENCY_FISCAL_CHUNK_COUNT_MAX &&
	       cmd->chunk_index < cmd->chunk_count && cmd->purpose >= CURRENCY_FISCAL_SUBSIDY &&
	       cmd->purpose <= CURRENCY_FISCAL_OTHER && !sz_id_is_zero(cmd->batch_id);
}

static uint32_t fiscal_disburse(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
				const sz_command_header *h)
{
	uint32_t body_size = h->size - (uint32_t)sizeof *h;
	struct currency_fiscal_chunk_cmd cmd;
	if (body_size < sizeof cmd)
		return SZ_R_COMMAND_INVALID;
	memcpy(&cmd, h + 1, sizeof cmd);
	if (cmd.reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	if (!chunk_shape_valid(&cmd, body_size))
		return CURRENCY_R_FISCAL_BATCH_INVALID;
	uint64_t fp = sz_fingerprint64(h + 1, body_size);
	uint32_t r = currency_op_check(c, cmd.id, h->kind, fp);
	if (r != SZ_R_OK)
		return r;
	if (c->fiscal_line_count + cmd.line_count > CURRENCY_FISCAL_LINE_RECORD_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	int64_t pi = currency_wallet_index(c, cmd.payer_id);
	if (pi < 0 || !is_government(&c->wallets[pi]))
		return CURRENCY_R_FISCAL_PAYER_INVALID;
	const struct currency_wallet *payer = &c->wallets[pi];
	struct currency_fiscal_batch *b = NULL;
	if ((r = chunk_batch(c, ctx, &cmd, &b)) != SZ_R_OK)
		return r;
	const uint8_t *lines = (const uint8_t *)(h + 1) + sizeof cmd;
	uint64_t paid_before = b->paid_fen;
	for (uint32_t i = 0; i < cmd.line_count; i++) {
		struct currency_fiscal_line_cmd line;
		memcpy(&line, lines + (size_t)i * sizeof line, sizeof line);
		line_record(c, b, &line, pay_line(s, c, ctx, payer, &line));
	}
	b->chunks_applied++; /* journalled by line_record */
	struct currency_op *op = currency_op_add(c, cmd.id, fp, h->kind, b->paid_fen - paid_before, ctx->timestamp_ns);
	op->payer = (uint32_t)pi + 1;
	return SZ_R_OK;
}

/* ---- collection ---------------------------------------------------------------------------- */

static bool collection_shape_valid(const struct currency_collect_cmd *cmd)
{
	uint32_t month = cmd->period % 100;
	return (cmd->kind == CURRENCY_COLLECT_TAX || cmd->kind == CURRENCY_COLLECT_FEE) && cmd->tax_code >= 1 &&
	       cmd->tax_code <= 9999 && cmd->period >= 190001 && cmd->period <= 999912 && month >= 1 && month <= 12;
}

/* A tax or fee: the payer's outflow (its limits and controls apply) into
 * the treasury's wallet. The remembered command is the receipt: payer and
 * treasury, amount, kind (topup_fen), tax code (mcc), period (aux). */
static uint32_t fiscal_collect(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			       const sz_command_header *h)
{
	struct currency_collect_cmd cmd;
	if (h->size != sizeof *h + sizeof cmd)
		return SZ_R_COMMAND_INVALID;
	memcpy(&cmd, h + 1, sizeof cmd);
	uint64_t fp = sz_fingerprint64(h + 1, sizeof cmd);
	uint32_t r = currency_op_check(c, cmd.id, h->kind, fp);
	if (r != SZ_R_OK)
		return r;
	if (!collection_shape_valid(&cmd))
		return CURRENCY_R_COLLECTION_INVALID;
	if (cmd.amount == 0)
		return SZ_R_AMOUNT_ZERO;
	int64_t pi = currency_wallet_index(c, cmd.payer_id), ti = currency_wallet_index(c, cmd.treasury_id);
	if (pi < 0)
		return CURRENCY_R_WALLET_NOT_FOUND;
	const struct currency_wallet *payer = &c->wallets[pi];
	if (ti < 0 || pi == ti || c->wallets[ti].type != CURRENCY_WALLET_TREASURY ||
	    (c->wallets[ti].flags & CURRENCY_WALLET_CLOSED) || c->wallets[ti].currency != payer->currency)
		return CURRENCY_R_TREASURY_INVALID;
	const struct currency_wallet *treasury = &c->wallets[ti];
	uint64_t t = ctx->batch_time_ns;
	if ((r = currency_spend_check(c, s, payer, cmd.amount, t)) != SZ_R_OK ||
	    (r = currency_receive_check(c, s, treasury, cmd.amount, t)) != SZ_R_OK)
		return r;
	if (currency_account_balance(&sz_ledger(s)->accounts[payer->account_index]) < cmd.amount)
		return CURRENCY_R_INSUFFICIENT_FUNDS;
	r = currency_move_accounts(s, c, cmd.id, 0, &sz_ledger(s)->accounts[payer->account_index],
				   &sz_ledger(s)->accounts[treasury->account_index], cmd.amount, cmd.tax_code,
				   ctx->timestamp_ns);
	if (r != SZ_R_OK)
		return currency_map_debit_result(r);
	currency_spend_commit(c, payer, cmd.amount, t);
	struct currency_op *op = currency_op_add(c, cmd.id, fp, h->kind, cmd.amount, ctx->timestamp_ns);
	op->payer = (uint32_t)pi + 1;
	op->payee = (uint32_t)ti + 1;
	op->mcc = cmd.tax_code;
	op->topup_fen = cmd.kind;
	op->aux = cmd.period;
	return SZ_R_OK;
}

uint32_t currency_apply_fiscal(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			       const sz_command_header *h)
{
	SZ_ASSERT(h->kind == CURRENCY_CMD_FISCAL_DISBURSE || h->kind == CURRENCY_CMD_FISCAL_COLLECT);
	SZ_ASSERT(h->size >= sizeof *h);
	return h->kind == CURRENCY_CMD_FISCAL_DISBURSE ? fiscal_disburse(s, c, ctx, h) : fiscal_collect(s, c, ctx, h);
}
