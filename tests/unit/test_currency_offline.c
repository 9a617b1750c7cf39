/*
 * test_currency_offline.c — hard wallets: registration, loading (value moves
 * into the device's account), offline messages signed by the device and
 * synced by the payee: counter order, each rejection reason (bad signature,
 * replayed and skipped counters, amount over cap, more than loaded value,
 * too many payments before sync, suspended device, malformed), suspension
 * refunding the value left after the last accepted counter.
 */
#include "test_currency_util.h"

struct dev {
	sz_id id;
	uint8_t pk[32];
	uint8_t sk[64];
};

struct fx {
	struct cu x;
	sz_id holder;
	sz_id shop;
	struct dev d;
};

static void fx_init(struct fx *f)
{
	cu_init(&f->x);
	cu_setup_operator(&f->x, BANK, CURRENCY_OPERATOR_BANK, YUAN(100000));
	f->holder = cu_funded_wallet(&f->x, BANK, 2, YUAN(5000));
	f->shop = cu_wallet(&f->x, BANK, 1, CURRENCY_WALLET_MERCHANT, sz_id_make(0, 0));
	currency_offline_keypair(f->d.pk, f->d.sk);
	struct currency_device_cmd c;
	memset(&c, 0, sizeof c);
	c.id = cu_id(&f->x);
	c.wallet_id = f->holder;
	memcpy(c.public_key, f->d.pk, 32);
	assert_int_equal(cu_run(&f->x, CURRENCY_CMD_DEVICE_REGISTER, &c, sizeof c), SZ_R_OK);
	assert_int_equal(cu_run(&f->x, CURRENCY_CMD_DEVICE_REGISTER, &c, sizeof c), SZ_R_EXISTS);
	f->d.id = c.id;
}

static void sign(const struct fx *f, const struct dev *d, sz_id payee, uint64_t amount, uint64_t counter,
		 uint8_t out[OFFLINE_MESSAGE_SIZE])
{
	struct offline_payment p = { d->id, payee, amount, counter, CU_T0 + counter, CNY };
	(void)f;
	currency_offline_sign(&p, d->sk, out);
}

/* Sync count messages; results[i] gets message i's outcome. */
static uint32_t do_sync(struct fx *f, const uint8_t (*msgs)[OFFLINE_MESSAGE_SIZE], uint32_t count, uint16_t *results)
{
	uint64_t body[4096 / 8];
	struct currency_sync_cmd h = { cu_id(&f->x), count, 0 };
	memcpy(body, &h, sizeof h);
	memcpy((uint8_t *)body + sizeof h, msgs, (size_t)count * OFFLINE_MESSAGE_SIZE);
	uint32_t r = cu_run(&f->x, CURRENCY_CMD_DEVICE_SYNC, body, (uint32_t)(sizeof h + count * OFFLINE_MESSAGE_SIZE));
	if (r == SZ_R_OK) {
		const struct currency_sync_record *rec = currency_sync_find(cu_cur(&f->x), h.id);
		assert_non_null(rec);
		assert_int_equal(rec->count, count);
		memcpy(results, rec->results, count * sizeof results[0]);
	}
	return r;
}

static uint32_t load(struct fx *f, uint64_t amount, uint64_t counter)
{
	return cu_amount_cmd(&f->x, CURRENCY_CMD_DEVICE_LOAD, f->d.id, amount, counter);
}

static void test_load_moves_value(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	assert_int_equal(load(&f, YUAN(1000), 0), SZ_R_OK);
	assert_int_equal(cu_balance(&f.x, f.holder), YUAN(4000));
	assert_int_equal(cu_balance(&f.x, f.d.id), YUAN(1000));
	/* the loaded value cannot be spent online any more */
	assert_int_equal(cu_pay(&f.x, f.holder, f.shop, YUAN(4000) + 1), CURRENCY_R_INSUFFICIENT_FUNDS);
	assert_int_equal(load(&f, YUAN(4000) + 1, 0), CURRENCY_R_INSUFFICIENT_FUNDS);
	assert_int_equal(cu_amount_cmd(&f.x, CURRENCY_CMD_DEVICE_LOAD, sz_id_make(3, 3), 1, 0), CURRENCY_R_DEVICE_NOT_FOUND);
	/* a key that is not a curve point is refused */
	struct currency_device_cmd c;
	memset(&c, 0, sizeof c);
	c.id = cu_id(&f.x);
	c.wallet_id = f.holder;
	memset(c.public_key, 0xff, 32);
	assert_int_equal(cu_run(&f.x, CURRENCY_CMD_DEVICE_REGISTER, &c, sizeof c), CURRENCY_R_DEVICE_KEY_INVALID);
	cu_release(&f.x);
}

static void test_sync_in_counter_order(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	assert_int_equal(load(&f, YUAN(1000), 0), SZ_R_OK);
	uint8_t m[3][OFFLINE_MESSAGE_SIZE];
	/* given out of order: 3, 1, 2 */
	sign(&f, &f.d, f.shop, YUAN(30), 3, m[0]);
	sign(&f, &f.d, f.shop, YUAN(10), 1, m[1]);
	sign(&f, &f.d, f.shop, YUAN(20), 2, m[2]);
	uint16_t res[3];
	assert_int_equal(do_sync(&f, m, 3, res), SZ_R_OK);
	assert_int_equal(res[0], 0);
	assert_int_equal(res[1], 0);
	assert_int_equal(res[2], 0);
	assert_int_equal(cu_balance(&f.x, f.shop), YUAN(60));
	assert_int_equal(cu_balance(&f.x, f.d.id), YUAN(940));
	const struct currency_device *d = currency_device_find(cu_cur(&f.x), f.d.id);
	assert_int_equal(d->last_counter, 3);
	assert_int_equal(d->spent_fen, YUAN(60));
	cu_release(&f.x);
}

static void test_sync_rejections(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	assert_int_equal(load(&f, YUAN(600), 0), SZ_R_OK);
	uint8_t m[6][OFFLINE_MESSAGE_SIZE];
	uint16_t res[6];
	sign(&f, &f.d, f.shop, YUAN(100), 1, m[0]);
	sign(&f, &f.d, f.shop, YUAN(100), 1, m[1]);          /* same counter again: replay */
	sign(&f, &f.d, f.shop, YUAN(100), 4, m[2]);          /* 3 missing: skipped */
	sign(&f, &f.d, f.shop, YUAN(500) + 1, 2, m[3]);      /* over the 500 cap */
	sign(&f, &f.d, f.shop, YUAN(100), 3, m[4]);
	m[4][40] ^= 1;                                        /* amount altered after signing */
	struct dev other;
	currency_offline_keypair(other.pk, other.sk);
	other.id = f.d.id;
	sign(&f, &other, f.shop, YUAN(100), 3, m[5]);        /* signed by another key */
	assert_int_equal(do_sync(&f, m, 6, res), SZ_R_OK);
	assert_int_equal(res[0], 0);
	assert_int_equal(res[1], CURRENCY_R_OFFLINE_COUNTER_REPLAYED);
	assert_int_equal(res[2], CURRENCY_R_OFFLINE_COUNTER_SKIPPED);
	assert_int_equal(res[3], CURRENCY_R_OFFLINE_AMOUNT_OVER_CAP);
	assert_int_equal(res[4], CURRENCY_R_OFFLINE_BAD_SIGNATURE);
	assert_int_equal(res[5], CURRENCY_R_OFFLINE_BAD_SIGNATURE);
	assert_int_equal(cu_balance(&f.x, f.shop), YUAN(100));
	/* the over-cap message used counter 2; counter 3 is next. 500 is the cap, exactly. */
	sign(&f, &f.d, f.shop, YUAN(500), 3, m[0]);
	sign(&f, &f.d, f.shop, YUAN(1), 4, m[1]);            /* device holds 0 now: more than loaded */
	sign(&f, &f.d, sz_id_make(8, 8), YUAN(1), 5, m[2]);  /* unknown payee */
	memcpy(m[3], m[0], OFFLINE_MESSAGE_SIZE);
	m[3][0] = 0;                                          /* bad magic */
	assert_int_equal(do_sync(&f, m, 4, res), SZ_R_OK);
	assert_int_equal(res[0], 0);
	assert_int_equal(res[1], CURRENCY_R_OFFLINE_EXCEEDS_LOADED_VALUE);
	assert_int_equal(res[2], CURRENCY_R_OFFLINE_PAYEE_INVALID);
	assert_int_equal(res[3], CURRENCY_R_OFFLINE_MALFORMED);
	assert_int_equal(cu_balance(&f.x, f.d.id), 0);
	assert_int_equal(cu_balance(&f.x, f.shop), YUAN(600));
	/* resubmitting a whole sync is idempotent */
	uint64_t body[4096 / 8];
	struct currency_sync_cmd h = { sz_id_make(6, 6), 1, 0 };
	memcpy(body, &h, sizeof h);
	memcpy((uint8_t *)body + sizeof h, m[0], OFFLINE_MESSAGE_SIZE);
	assert_int_equal(cu_run(&f.x, CURRENCY_CMD_DEVICE_SYNC, body, sizeof h + OFFLINE_MESSAGE_SIZE), SZ_R_OK);
	assert_int_equal(cu_run(&f.x, CURRENCY_CMD_DEVICE_SYNC, body, sizeof h + OFFLINE_MESSAGE_SIZE), SZ_R_EXISTS);
	/* shape errors reject the whole command */
	h.id = sz_id_make(6, 7);
	h.count = 2;
	memcpy(body, &h, sizeof h);
	assert_int_equal(cu_run(&f.x, CURRENCY_CMD_DEVICE_SYNC, body, sizeof h + OFFLINE_MESSAGE_SIZE), CURRENCY_R_SYNC_INVALID);
	h.count = 0;
	memcpy(body, &h, sizeof h);
	assert_int_equal(cu_run(&f.x, CURRENCY_CMD_DEVICE_SYNC, body, sizeof h), CURRENCY_R_SYNC_INVALID);
	cu_release(&f.x);
}

/* At most offline_count_max (10) payments between two loads (device online). */
static void test_count_before_sync(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	assert_int_equal(load(&f, YUAN(1000), 0), SZ_R_OK);
	uint8_t m[11][OFFLINE_MESSAGE_SIZE];
	uint16_t res[11];
	for (uint32_t i = 0; i < 11; i++)
		sign(&f, &f.d, f.shop, YUAN(1), i + 1, m[i]);
	assert_int_equal(do_sync(&f, m, 11, res), SZ_R_OK);
	for (uint32_t i = 0; i < 10; i++)
		assert_int_equal(res[i], 0);
	assert_int_equal(res[10], CURRENCY_R_OFFLINE_COUNT_EXCEEDED);
	/* going online (a load at counter 11) opens a new window */
	assert_int_equal(load(&f, YUAN(1), 5), CURRENCY_R_DEVICE_COUNTER_INVALID);
	assert_int_equal(load(&f, YUAN(1), 11), SZ_R_OK);
	sign(&f, &f.d, f.shop, YUAN(1), 12, m[0]);
	assert_int_equal(do_sync(&f, m, 1, res), SZ_R_OK);
	assert_int_equal(res[0], 0);
	assert_int_equal(cu_balance(&f.x, f.shop), YUAN(11));
	cu_release(&f.x);
}

/* A lost device is suspended: its value after the last accepted counter goes
 * back to the wallet; later messages are rejected. */
static void test_suspend_refunds(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	assert_int_equal(load(&f, YUAN(300), 0), SZ_R_OK);
	uint8_t m[2][OFFLINE_MESSAGE_SIZE];
	uint16_t res[2];
	sign(&f, &f.d, f.shop, YUAN(50), 1, m[0]);
	assert_int_equal(do_sync(&f, m, 1, res), SZ_R_OK);
	assert_int_equal(res[0], 0);
	struct currency_ref_cmd s = { cu_id(&f.x), f.d.id };
	uint64_t report_ns = f.x.t;
	assert_int_equal(cu_run(&f.x, CURRENCY_CMD_DEVICE_SUSPEND, &s, sizeof s), SZ_R_OK);
	assert_int_equal(cu_run(&f.x, CURRENCY_CMD_DEVICE_SUSPEND, &s, sizeof s), SZ_R_EXISTS);
	/* the settlement window (7 days by default): the value stays on the device */
	assert_int_equal(cu_balance(&f.x, f.d.id), YUAN(250));
	assert_int_equal(cu_balance(&f.x, f.holder), YUAN(4700));
	const struct currency_device *d = currency_device_find(cu_cur(&f.x), f.d.id);
	assert_true(d->suspended_ns >= report_ns && d->settled_ns == 0);
	assert_int_equal(d->settle_until_ns, d->suspended_ns + 7ull * NS_DAY);
	/* signed before the report (device time CU_T0 + 2): settles */
	sign(&f, &f.d, f.shop, YUAN(50), 2, m[0]);
	assert_int_equal(do_sync(&f, m, 1, res), SZ_R_OK);
	assert_int_equal(res[0], 0);
	/* signed after the report: refused, the counter stays */
	struct offline_payment late = { f.d.id, f.shop, YUAN(10), 3, d->suspended_ns + 1, CNY };
	currency_offline_sign(&late, f.d.sk, m[0]);
	assert_int_equal(do_sync(&f, m, 1, res), SZ_R_OK);
	assert_int_equal(res[0], CURRENCY_R_OFFLINE_DEVICE_SUSPENDED);
	assert_int_equal(d->last_counter, 2);
	/* the window ends: an empty batch's batch_begin refunds the rest (250 - 50) */
	f.x.t = d->settle_until_ns;
	uint64_t none[1] = { 0 };
	cu_batch(&f.x, none, 0, 0, NULL);
	assert_true(d->settled_ns != 0);
	assert_int_equal(cu_balance(&f.x, f.d.id), 0);
	assert_int_equal(cu_balance(&f.x, f.holder), YUAN(4700) + YUAN(200));
	assert_int_equal(d->refunded_fen, YUAN(200));
	/* after the window nothing settles, signed before the report or not */
	sign(&f, &f.d, f.shop, YUAN(50), 3, m[0]);
	assert_int_equal(do_sync(&f, m, 1, res), SZ_R_OK);
	assert_int_equal(res[0], CURRENCY_R_OFFLINE_DEVICE_SUSPENDED);
	assert_int_equal(load(&f, 1, 2), CURRENCY_R_DEVICE_SUSPENDED);
	s.id = cu_id(&f.x);
	assert_int_equal(cu_run(&f.x, CURRENCY_CMD_DEVICE_SUSPEND, &s, sizeof s), CURRENCY_R_DEVICE_SUSPENDED);
	/* unknown device in a message */
	struct dev ghost;
	currency_offline_keypair(ghost.pk, ghost.sk);
	ghost.id = sz_id_make(7, 7);
	sign(&f, &ghost, f.shop, 1, 1, m[1]);
	assert_int_equal(do_sync(&f, (const uint8_t(*)[OFFLINE_MESSAGE_SIZE])&m[1], 1, res), SZ_R_OK);
	assert_int_equal(res[0], CURRENCY_R_OFFLINE_DEVICE_UNKNOWN);
	cu_release(&f.x);
}

/* The layout is stable: decode what sign wrote; the signature covers every field. */
static void test_message_layout(void **state)
{
	(void)state;
	assert_int_equal(sz_hash_init(), 0);
	struct dev d;
	currency_offline_keypair(d.pk, d.sk);
	struct offline_payment p = { sz_id_make(1, 2), sz_id_make(3, 4), 12345, 7, 99, CNY }, q;
	uint8_t m[OFFLINE_MESSAGE_SIZE];
	currency_offline_sign(&p, d.sk, m);
	assert_int_equal(m[0], 0x53);
	assert_int_equal(m[8], 2);   /* device id lo */
	assert_int_equal(m[16], 1);  /* device id hi */
	assert_int_equal(currency_offline_decode(m, &q), 0);
	assert_true(sz_id_eq(p.device_id, q.device_id) && sz_id_eq(p.payee_id, q.payee_id));
	assert_int_equal(q.amount, 12345);
	assert_int_equal(q.counter, 7);
	assert_int_equal(q.device_time_ns, 99);
	assert_int_equal(q.currency, CNY);
	assert_int_equal(currency_offline_verify(m, d.pk), 0);
	for (uint32_t i = 0; i < OFFLINE_SIGNED_SIZE; i++) {
		m[i] ^= 0x80;
		assert_int_equal(currency_offline_verify(m, d.pk), CURRENCY_R_OFFLINE_BAD_SIGNATURE);
		m[i] ^= 0x80;
	}
	p.amount = 0;
	currency_offline_sign(&p, d.sk, m);
	assert_int_equal(currency_offline_decode(m, &q), CURRENCY_R_OFFLINE_MALFORMED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_moves_value),
		cmocka_unit_test(test_sync_in_counter_order),
		cmocka_unit_test(test_sync_rejections),
		cmocka_unit_test(test_count_before_sync),
		cmocka_unit_test(test_suspend_refunds),
		cmocka_unit_test(test_message_layout),
	};
	return cmocka_run_group_tests_name("currency_offline", tests, NULL, NULL);
}
