/*
 * test_currency_engine.c — the currency and contract domains through the
 * real engine in a temporary data directory: restart from the snapshot, pure
 * log replay and verified replay all give the state digest recorded before;
 * every kind of record (operators, wallets, sub-wallets, payments, devices,
 * syncs, limits versions, escrows with timed releases, subsidies, conditional
 * payments) takes part.
 */
#include "test_currency_util.h"

#include "engine/engine.h"

#include <time.h>

static char dir[64];

static int setup(void **state)
{
	(void)state;
	tu_tmpdir(dir, sizeof dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmdir(dir);
	return 0;
}

static struct sz_engine *open_engine(bool verify)
{
	struct sz_engine *e = NULL;
	char why[512];
	struct sz_engine_config cfg = { .data_dir = dir, .check_invariants = true, .verify_replay = verify };
	if (sz_engine_open(&e, &cfg, why, sizeof why) != 0)
		fail_msg("open: %s", why);
	return e;
}

static uint32_t run1(struct sz_engine *e, uint16_t kind, const void *body, uint32_t size)
{
	uint64_t buf[4096 / 8];
	uint32_t n = 0, result = 9999;
	tu_append((uint8_t *)buf, &n, kind, body, size);
	assert_int_equal(sz_engine_execute(e, buf, n, 1, &result), 0);
	return result;
}

static uint64_t next = 1;
static sz_id nid(void) { return sz_id_make(0xe0, next++); }

static sz_id wallet(struct sz_engine *e, uint8_t class_level, uint16_t type, sz_id bank, sz_id parent)
{
	struct currency_wallet_open_cmd c;
	memset(&c, 0, sizeof c);
	c.id = nid();
	c.owner_id = nid();
	c.parent_id = parent;
	c.tenant_id = sz_id_is_zero(parent) ? BANK : 0;
	c.class_level = sz_id_is_zero(parent) ? class_level : 0;
	c.type = sz_id_is_zero(parent) ? type : 0;
	c.bank_account_id = bank;
	c.mcc = type == CURRENCY_WALLET_MERCHANT ? 5411 : 0;
	assert_int_equal(run1(e, CURRENCY_CMD_WALLET_OPEN, &c, sizeof c), SZ_R_OK);
	return c.id;
}

static void amount(struct sz_engine *e, uint16_t kind, sz_id target, uint64_t value, uint64_t aux)
{
	struct currency_amount_cmd c = { nid(), target, value, aux };
	assert_int_equal(run1(e, kind, &c, sizeof c), SZ_R_OK);
}

static void scenario(struct sz_engine *e)
{
	struct currency_operator_cmd op;
	memset(&op, 0, sizeof op);
	op.id = nid();
	op.tenant_id = BANK;
	op.currency = CNY;
	op.type = CURRENCY_OPERATOR_BANK;
	assert_int_equal(run1(e, CURRENCY_CMD_OPERATOR_REGISTER, &op, sizeof op), SZ_R_OK);
	struct currency_reserve_cmd rc = { nid(), BANK, YUAN(100000), 0, { 0 } };
	assert_int_equal(run1(e, CURRENCY_CMD_RESERVE, &rc, sizeof rc), SZ_R_OK);
	struct currency_issue_cmd ic = { nid(), BANK, YUAN(100000) };
	assert_int_equal(run1(e, CURRENCY_CMD_ISSUE, &ic, sizeof ic), SZ_R_OK);
	sz_account f = tu_account(0, CNY, 0), b = tu_account(0, CNY, SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS);
	f.id = nid();
	f.tenant_id = BANK;
	b.id = nid();
	b.tenant_id = BANK;
	b.kind = SZ_KIND_BANK_DEPOSIT;
	assert_int_equal(run1(e, SZ_CMD_CREATE_ACCOUNT, &f, sizeof f), SZ_R_OK);
	assert_int_equal(run1(e, SZ_CMD_CREATE_ACCOUNT, &b, sizeof b), SZ_R_OK);
	sz_transfer t = tu_transfer(0, 0, 0, YUAN(50000), 0);
	t.id = nid();
	t.debit_account_id = f.id;
	t.credit_account_id = b.id;
	assert_int_equal(run1(e, SZ_CMD_CREATE_TRANSFER, &t, sizeof t), SZ_R_OK);
	sz_id w2 = wallet(e, 2, CURRENCY_WALLET_PERSONAL, b.id, sz_id_make(0, 0));
	sz_id w4 = wallet(e, 4, CURRENCY_WALLET_PERSONAL, sz_id_make(0, 0), sz_id_make(0, 0));
	sz_id shop = wallet(e, 1, CURRENCY_WALLET_MERCHANT, sz_id_make(0, 0), sz_id_make(0, 0));
	sz_id sub = wallet(e, 0, 0, sz_id_make(0, 0), w2);
	amount(e, CURRENCY_CMD_TOPUP, w2, YUAN(20000), 0);
	amount(e, CURRENCY_CMD_SUB_FUND, sub, YUAN(100), 0);
	struct currency_pay_cmd p = { nid(), w2, w4, YUAN(3000), 0, 0, 0 };
	assert_int_equal(run1(e, CURRENCY_CMD_PAY, &p, sizeof p), SZ_R_OK);
	struct currency_pay_cmd q = { nid(), w4, shop, YUAN(500), 0, 0, 0 };
	assert_int_equal(run1(e, CURRENCY_CMD_PAY, &q, sizeof q), SZ_R_OK);
	amount(e, CURRENCY_CMD_REFUND, q.id, YUAN(100), 0);
	struct currency_limits_cmd l;
	currency_limits_default(&l);
	l.id = nid();
	l.version = 2;
	l.effective_from_ns = 4000000000ull * NS_S;
	assert_int_equal(run1(e, CURRENCY_CMD_SET_LIMITS, &l, sizeof l), SZ_R_OK);
	/* hard wallet */
	uint8_t pk[32], sk[64];
	currency_offline_keypair(pk, sk);
	struct currency_device_cmd dc;
	memset(&dc, 0, sizeof dc);
	dc.id = nid();
	dc.wallet_id = w2;
	memcpy(dc.public_key, pk, 32);
	assert_int_equal(run1(e, CURRENCY_CMD_DEVICE_REGISTER, &dc, sizeof dc), SZ_R_OK);
	amount(e, CURRENCY_CMD_DEVICE_LOAD, dc.id, YUAN(400), 0);
	uint64_t body[4096 / 8];
	struct currency_sync_cmd sh = { nid(), 2, 0 };
	memcpy(body, &sh, sizeof sh);
	for (uint32_t i = 0; i < 2; i++) {
		struct offline_payment op2 = { dc.id, shop, YUAN(10), i + 1, 0, CNY };
		currency_offline_sign(&op2, sk, (uint8_t *)body + sizeof sh + i * OFFLINE_MESSAGE_SIZE);
	}
	assert_int_equal(run1(e, CURRENCY_CMD_DEVICE_SYNC, body, sizeof sh + 2 * OFFLINE_MESSAGE_SIZE), SZ_R_OK);
	/* contracts: an escrow whose sessions auto-confirm after 1 s, a subsidy, a conditional payment */
	struct contract_template_cmd tc;
	memset(&tc, 0, sizeof tc);
	tc.id = nid();
	tc.kind = CONTRACT_KIND_ESCROW;
	tc.auto_confirm_s = 1;
	tc.max_sessions = 10;
	tc.max_duration_s = 86400;
	assert_int_equal(run1(e, CONTRACT_CMD_TEMPLATE_REGISTER, &tc, sizeof tc), SZ_R_OK);
	struct contract_escrow_cmd ec = { nid(), tc.id, w2, shop, YUAN(100), 5, 0 };
	assert_int_equal(run1(e, CONTRACT_CMD_ESCROW_CREATE, &ec, sizeof ec), SZ_R_OK);
	struct contract_event_cmd dv = { nid(), ec.id, shop, 0, 0 };
	assert_int_equal(run1(e, CONTRACT_CMD_SESSION_DELIVER, &dv, sizeof dv), SZ_R_OK);
	struct contract_template_cmd ts = tc;
	ts.id = nid();
	ts.kind = CONTRACT_KIND_SUBSIDY;
	ts.auto_confirm_s = 0;
	ts.mcc_count = 1;
	ts.mcc[0] = 5411;
	assert_int_equal(run1(e, CONTRACT_CMD_TEMPLATE_REGISTER, &ts, sizeof ts), SZ_R_OK);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	uint64_t now_ns = (uint64_t)now.tv_sec * NS_S + (uint64_t)now.tv_nsec;
	struct contract_subsidy_cmd sc = { nid(), ts.id, w2, YUAN(300), now_ns + 3600 * NS_S };
	assert_int_equal(run1(e, CONTRACT_CMD_SUBSIDY_CREATE, &sc, sizeof sc), SZ_R_OK);
	struct contract_grant_cmd gc = { nid(), sc.id, w4, YUAN(50), 0 };
	assert_int_equal(run1(e, CONTRACT_CMD_SUBSIDY_GRANT, &gc, sizeof gc), SZ_R_OK);
	struct contract_spend_cmd sp = { nid(), sc.id, w4, shop, YUAN(20), 0, 0, 0 };
	assert_int_equal(run1(e, CONTRACT_CMD_SUBSIDY_SPEND, &sp, sizeof sp), SZ_R_OK);
	struct contract_template_cmd tk = tc;
	tk.id = nid();
	tk.kind = CONTRACT_KIND_CONDITIONAL;
	tk.auto_confirm_s = 0;
	tk.max_sessions = 0;
	assert_int_equal(run1(e, CONTRACT_CMD_TEMPLATE_REGISTER, &tk, sizeof tk), SZ_R_OK);
	struct contract_conditional_cmd cc = { nid(), tk.id, w2, w4, nid(), YUAN(10), now_ns + 3600 * NS_S, 0, 0 };
	assert_int_equal(run1(e, CONTRACT_CMD_CONDITIONAL_CREATE, &cc, sizeof cc), SZ_R_OK);
	usleep(1100000);
	amount(e, CURRENCY_CMD_WITHDRAW, w2, YUAN(1), 0); /* a later batch runs the auto-confirm */
	const struct contract *k = contract_find(contract_state_get(sz_engine_state(e)), ec.id);
	assert_non_null(k);
	assert_int_equal(k->released, 1);
}

static void digest_of(struct sz_engine *e, uint8_t out[32]) { sz_state_digest(sz_engine_state(e), out); }

static void test_restart_and_replay(void **state)
{
	(void)state;
	assert_int_equal(sz_hash_init(), 0);
	struct sz_engine *e = open_engine(false);
	scenario(e);
	uint8_t before[32], after[32];
	digest_of(e, before);
	assert_int_equal(sz_engine_close(e), 0);
	/* from the snapshot written at close */
	e = open_engine(false);
	digest_of(e, after);
	assert_memory_equal(before, after, 32);
	const struct currency_state *c = currency_state_get(sz_engine_state(e));
	assert_int_equal(currency_supply(c, CNY), YUAN(100000));
	assert_int_equal(currency_limits_count(c), 2);
	assert_int_equal(sz_engine_close(e), 0);
	/* pure replay from the log, then verified replay against recorded snapshots */
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -f %s/snapshots/*", dir);
	assert_int_equal(system(cmd), 0);
	e = open_engine(false);
	digest_of(e, after);
	assert_memory_equal(before, after, 32);
	assert_int_equal(sz_engine_close(e), 0);
	e = open_engine(true);
	digest_of(e, after);
	assert_memory_equal(before, after, 32);
	assert_int_equal(sz_engine_close(e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_restart_and_replay, setup, teardown),
	};
	return cmocka_run_group_tests_name("currency_engine", tests, NULL, NULL);
}
