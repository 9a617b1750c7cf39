/*
 * fuzz_fiscal.c — libFuzzer harness for the currency domain's fiscal
 * command decoders and apply (src/currency/fiscal.c: disbursement chunks
 * with their lines, collections) and wallet controls (control.c), through
 * sz_state_apply_batch on a state with every domain registered.
 *
 * Setup (once): a bank with 1,000,000.00 issued; a government agency wallet
 * holding 100,000.00, a treasury wallet, and four personal wallets (one
 * class 4), all as commands through the same apply.
 * Input: up to 16 records, each a 4-byte prefix and a body:
 *   u8  kind     0 disbursement chunk, 1 collection, 2 wallet control
 *   u8  flags    bit 0: fix up a chunk: header line_count from the body
 *                       size, payer = the agency, batch id 1..4, payees
 *                       mapped onto the known wallets by their low byte
 *                bit 1: the batch ends after this record
 *   u16 size     body bytes taken from the input (at most a command's;
 *                rounded down to 8; short input is zero-padded)
 * Properties: no crash or sanitizer report; every result is a registered
 * code; the invariants (two-tier included) hold after every batch; a
 * second state fed the same batches has the same digest (determinism).
 * The states are rebuilt for every input (slow under ASan, fine for the
 * seed corpus fuzz/corpus/fuzz_fiscal/, replayed by make test).
 */
#include "core/assert.h"
#include "core/hash.h"
#include "core/limits.h"
#include "core/results.h"
#include "currency/currency.h"
#include "engine/state.h"
#include "ledger/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RECORD_COUNT_MAX 16u
#define PREFIX_SIZE 4u
#define T0_NS 1740794400000000000ull /* 2025-03-01 10:00 UTC+8 */
#define CNY_CODE 0x594e43u

static uint8_t batch[RECORD_COUNT_MAX * SZ_COMMAND_SIZE_MAX];
static uint32_t results[2][RECORD_COUNT_MAX];
static const sz_id wallets[6] = { { 0x601, 0 }, { 0x602, 0 }, { 0x701, 0 }, { 0x702, 0 }, { 0x703, 0 }, { 0x704, 0 } };
/* [0] agency, [1] treasury, [2..5] personal ([5] class 4) */

static void apply_one(struct sz_state *s, uint64_t *seq, uint16_t kind, const void *body, uint32_t body_size)
{
	uint8_t buf[SZ_COMMAND_SIZE_MAX];
	sz_command_header h = { .size = (uint32_t)sizeof h + body_size, .kind = kind };
	memcpy(buf, &h, sizeof h);
	memcpy(buf + sizeof h, body, body_size);
	uint32_t r = 0;
	sz_state_apply_batch(s, ++*seq, T0_NS + *seq * 1000000ull, buf, h.size, 1, 0, &r);
	SZ_ASSERT(r == SZ_R_OK);
}

static void setup_wallet(struct sz_state *s, uint64_t *seq, int k, uint16_t type, uint8_t class_level, sz_id bank)
{
	struct currency_wallet_open_cmd w;
	memset(&w, 0, sizeof w);
	w.id = wallets[k];
	w.owner_id = sz_id_make(0, 0x900 + (uint64_t)k);
	w.tenant_id = 1;
	w.type = type;
	w.class_level = class_level;
	w.bank_account_id = bank;
	apply_one(s, seq, CURRENCY_CMD_WALLET_OPEN, &w, sizeof w);
}

static void setup(struct sz_state *s, uint64_t *seq)
{
	SZ_ASSERT(sz_state_init(s) == 0);
	SZ_ASSERT(sz_state_register_domains(s) == 0);
	struct currency_operator_cmd op = { .id = { 1, 0 }, .tenant_id = 1, .currency = CNY_CODE, .type = CURRENCY_OPERATOR_BANK };
	apply_one(s, seq, CURRENCY_CMD_OPERATOR_REGISTER, &op, sizeof op);
	struct currency_reserve_cmd rs = { .id = { 2, 0 }, .tenant_id = 1, .amount = 100000000 };
	apply_one(s, seq, CURRENCY_CMD_RESERVE, &rs, sizeof rs);
	struct currency_issue_cmd is = { .id = { 3, 0 }, .tenant_id = 1, .amount = 100000000 };
	apply_one(s, seq, CURRENCY_CMD_ISSUE, &is, sizeof is);
	sz_account funding = { .id = { 4, 0 }, .currency = CNY_CODE, .tenant_id = 1 };
	apply_one(s, seq, SZ_CMD_CREATE_ACCOUNT, &funding, sizeof funding);
	sz_account bank = { .id = { 5, 0 }, .currency = CNY_CODE, .tenant_id = 1, .kind = SZ_KIND_BANK_DEPOSIT,
			    .flags = SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS };
	apply_one(s, seq, SZ_CMD_CREATE_ACCOUNT, &bank, sizeof bank);
	sz_transfer t = { .id = { 6, 0 }, .debit_account_id = funding.id, .credit_account_id = bank.id,
			  .amount = 10000000, .currency = CNY_CODE };
	apply_one(s, seq, SZ_CMD_CREATE_TRANSFER, &t, sizeof t);
	setup_wallet(s, seq, 0, CURRENCY_WALLET_GOVERNMENT, 1, bank.id);
	setup_wallet(s, seq, 1, CURRENCY_WALLET_TREASURY, 1, sz_id_make(0, 0));
	for (int k = 2; k < 6; k++)
		setup_wallet(s, seq, k, CURRENCY_WALLET_PERSONAL, k == 5 ? 4 : 2, sz_id_make(0, 0));
	struct currency_amount_cmd top = { .id = { 7, 0 }, .target_id = wallets[0], .amount = 10000000 };
	apply_one(s, seq, CURRENCY_CMD_TOPUP, &top, sizeof top);
}

/* Bit 0 of flags on a chunk: make the header consistent with the body. */
static void chunk_fix(uint8_t *body, uint32_t body_size)
{
	struct currency_fiscal_chunk_cmd c;
	if (body_size < sizeof c)
		return;
	memcpy(&c, body, sizeof c);
	c.line_count = (body_size - (uint32_t)sizeof c) / (uint32_t)sizeof(struct currency_fiscal_line_cmd);
	c.payer_id = wallets[0];
	c.batch_id = sz_id_make(0, 1 + (c.batch_id.lo & 3));
	c.chunk_count = 1 + c.chunk_count % 3;
	c.chunk_index %= c.chunk_count;
	c.purpose = (uint16_t)(1 + c.purpose % 4);
	c.reserved = 0;
	memcpy(body, &c, sizeof c);
	for (uint32_t i = 0; i < c.line_count; i++) {
		struct currency_fiscal_line_cmd l;
		uint8_t *p = body + sizeof c + (size_t)i * sizeof l;
		memcpy(&l, p, sizeof l);
		l.payee_id = wallets[(l.payee_id.lo & 0xff) % 6];
		l.amount %= 2000000;
		memcpy(p, &l, sizeof l);
	}
}

static const uint16_t kinds[3] = { CURRENCY_CMD_FISCAL_DISBURSE, CURRENCY_CMD_FISCAL_COLLECT, CURRENCY_CMD_WALLET_CONTROL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool initialised;
	if (!initialised) {
		SZ_ASSERT(sz_hash_init() == 0);
		initialised = true;
	}
	struct sz_state st[2];
	uint64_t seq[2] = { 0, 0 };
	for (int k = 0; k < 2; k++)
		setup(&st[k], &seq[k]);
	size_t pos = 0;
	uint32_t n = 0, offset = 0, records = 0;
	while (pos + PREFIX_SIZE <= size && records < RECORD_COUNT_MAX) {
		uint8_t kind = data[pos] % 3, flags = data[pos + 1];
		uint32_t want = (uint32_t)data[pos + 2] | (uint32_t)data[pos + 3] << 8;
		pos += PREFIX_SIZE;
		uint32_t body_size = want % (SZ_COMMAND_SIZE_MAX - (uint32_t)sizeof(sz_command_header) + 1);
		body_size &= ~7u;
		uint8_t *body = batch + offset + sizeof(sz_command_header);
		memset(body, 0, body_size);
		size_t take = size - pos < body_size ? size - pos : body_size;
		memcpy(body, data + pos, take);
		pos += take;
		if (kind == 0 && (flags & 1))
			chunk_fix(body, body_size);
		sz_command_header h = { .size = (uint32_t)sizeof h + body_size, .kind = kinds[kind] };
		memcpy(batch + offset, &h, sizeof h);
		offset += h.size;
		n++;
		records++;
		bool last = pos + PREFIX_SIZE > size || records == RECORD_COUNT_MAX;
		if (!(flags & 2) && !last)
			continue;
		for (int k = 0; k < 2; k++) {
			seq[k]++;
			sz_state_apply_batch(&st[k], seq[k], T0_NS + seq[k] * 1000000ull, batch, offset, n, 0, results[k]);
			char why[256];
			if (sz_state_check_invariants(&st[k], why, sizeof why) != 0) {
				fprintf(stderr, "invariant: %s\n", why);
				abort();
			}
		}
		for (uint32_t i = 0; i < n; i++) {
			SZ_ASSERT(results[0][i] == results[1][i]);
			SZ_ASSERT(strcmp(sz_result_name(results[0][i]), "unknown") != 0);
		}
		uint8_t da[32], db[32];
		sz_state_digest(&st[0], da);
		sz_state_digest(&st[1], db);
		SZ_ASSERT(memcmp(da, db, sizeof da) == 0);
		n = 0;
		offset = 0;
	}
	sz_state_release(&st[0]);
	sz_state_release(&st[1]);
	return 0;
}
