/*
 * fuzz_offline.c — libFuzzer harness for the offline-message decoder and the
 * device sync command.
 *
 * Input: a device sync command body (struct currency_sync_cmd, then offline
 * messages, see src/currency/offline.h), used as-is. Each input is decoded
 * message by message, then applied as one batch to a state that holds an
 * operator, a payer wallet with a device (fixed Ed25519 key from the seed
 * below, so corpus messages verify) and a merchant payee.
 * Properties: decode never reads past a message; apply never crashes; the
 * state's invariants (ledger and two-tier) hold after every input; a sync
 * either is refused whole or records one outcome per message.
 */
#include "core/assert.h"
#include "core/hash.h"
#include "currency/currency.h"
#include "currency/offline.h"
#include "engine/state.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fixed identities the seed corpus refers to. */
#define FUZZ_DEVICE sz_id_make(0xd0, 1)
#define FUZZ_PAYER sz_id_make(0xa0, 1)
#define FUZZ_PAYEE sz_id_make(0xa0, 2)
static const uint8_t seed[32] = "szfin fuzz device key seed 0001";

static struct sz_state state;
static uint64_t sequence, batch_time = 1750000000ull * 1000000000ull;

static uint32_t apply1(uint16_t kind, const void *body, uint32_t size)
{
	static uint64_t buf[4096 / 8 + 8];
	uint32_t result = 9999;
	sz_command_header h = { .size = (uint32_t)sizeof h + size, .kind = kind };
	memcpy(buf, &h, sizeof h);
	memcpy((uint8_t *)buf + sizeof h, body, size);
	sz_state_apply_batch(&state, ++sequence, batch_time, (const uint8_t *)buf, h.size, 1, 0, &result);
	batch_time += 1000000;
	return result;
}

static void setup(void)
{
	SZ_ASSERT(sz_hash_init() == 0);
	SZ_ASSERT(sz_state_init(&state) == 0);
	SZ_ASSERT(sz_state_register_domains(&state) == 0);
	struct currency_operator_cmd op;
	memset(&op, 0, sizeof op);
	op.id = sz_id_make(1, 1);
	op.tenant_id = 1;
	op.currency = sz_currency_code("CNY");
	op.type = CURRENCY_OPERATOR_BANK;
	SZ_ASSERT(apply1(CURRENCY_CMD_OPERATOR_REGISTER, &op, sizeof op) == SZ_R_OK);
	struct currency_issue_cmd is = { sz_id_make(1, 2), 1, 100000000 };
	SZ_ASSERT(apply1(CURRENCY_CMD_ISSUE, &is, sizeof is) == SZ_R_OK);
	sz_account bank;
	memset(&bank, 0, sizeof bank);
	bank.id = sz_id_make(1, 3);
	bank.tenant_id = 1;
	bank.currency = op.currency;
	bank.kind = SZ_KIND_BANK_DEPOSIT;
	SZ_ASSERT(apply1(SZ_CMD_CREATE_ACCOUNT, &bank, sizeof bank) == SZ_R_OK);
	struct currency_wallet_open_cmd w;
	memset(&w, 0, sizeof w);
	w.id = FUZZ_PAYER;
	w.tenant_id = 1;
	w.class_level = 2;
	w.type = CURRENCY_WALLET_PERSONAL;
	w.bank_account_id = bank.id;
	SZ_ASSERT(apply1(CURRENCY_CMD_WALLET_OPEN, &w, sizeof w) == SZ_R_OK);
	w.id = FUZZ_PAYEE;
	w.class_level = 1;
	w.type = CURRENCY_WALLET_MERCHANT;
	w.mcc = 5411;
	w.bank_account_id = sz_id_make(0, 0);
	SZ_ASSERT(apply1(CURRENCY_CMD_WALLET_OPEN, &w, sizeof w) == SZ_R_OK);
	struct currency_amount_cmd top = { sz_id_make(1, 4), FUZZ_PAYER, 10000000, 0 };
	SZ_ASSERT(apply1(CURRENCY_CMD_TOPUP, &top, sizeof top) == SZ_R_OK);
	uint8_t pk[32], sk[64];
	crypto_sign_seed_keypair(pk, sk, seed);
	struct currency_device_cmd d;
	memset(&d, 0, sizeof d);
	d.id = FUZZ_DEVICE;
	d.wallet_id = FUZZ_PAYER;
	memcpy(d.public_key, pk, 32);
	SZ_ASSERT(apply1(CURRENCY_CMD_DEVICE_REGISTER, &d, sizeof d) == SZ_R_OK);
	struct currency_amount_cmd load = { sz_id_make(1, 5), FUZZ_DEVICE, 5000000, 0 };
	SZ_ASSERT(apply1(CURRENCY_CMD_DEVICE_LOAD, &load, sizeof load) == SZ_R_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		setup();
		ready = 1;
	}
	if (size > SZ_COMMAND_SIZE_MAX - sizeof(sz_command_header) || size % 8 != 0)
		return 0;
	for (size_t off = sizeof(struct currency_sync_cmd); off + OFFLINE_MESSAGE_SIZE <= size; off += OFFLINE_MESSAGE_SIZE) {
		struct offline_payment p;
		uint32_t r = currency_offline_decode(data + off, &p);
		SZ_ASSERT(r == 0 || r == CURRENCY_R_OFFLINE_MALFORMED);
	}
	uint32_t r = apply1(CURRENCY_CMD_DEVICE_SYNC, data, (uint32_t)size);
	char why[256];
	if (sz_state_check_invariants(&state, why, sizeof why) != 0) {
		fprintf(stderr, "invariant: %s\n", why);
		SZ_UNREACHABLE();
	}
	if (r == SZ_R_OK && size >= sizeof(struct currency_sync_cmd)) {
		sz_id id;
		memcpy(&id, data, sizeof id);
		const struct currency_sync_record *rec = currency_sync_find(currency_state_get(&state), id);
		SZ_ASSERT(rec != NULL);
		SZ_ASSERT(rec->count * OFFLINE_MESSAGE_SIZE + sizeof(struct currency_sync_cmd) == size);
	}
	return 0;
}
