/*
 * test_stats.c — the statistics domain (src/stats/), szfin's example domain:
 * what it counts, on which day, with which threshold, and that a failed
 * chain rolls its counting back with the ledger.
 *
 * Expected figures are derived by hand in each test from the transfers it
 * makes. Day numbers: 2026-12-02 is day 20789 since 1970-01-01 —
 * 56 years of 365 days to 2026-01-01 is 20440, plus 14 leap days (1972,
 * 1976, ..., 2024) = 20454; then January to November 2026 have
 * 31+28+31+30+31+30+31+31+30+31+30 = 334 days, and December 2 is one more:
 * 20454 + 334 + 1 = 20789.
 */
#include "testutil.h"

#include "engine/state.h"
#include "ledger/ledger.h"
#include "stats/stats.h"

#define DAY_2026_12_02 20789ll
#define NS_PER_DAY 86400000000000ull
#define FEN(yuan) ((uint64_t)(yuan) * 100u)

static struct sz_state state;
static uint64_t sequence;
static uint64_t clock_ns;

static void apply(const uint8_t *buf, uint32_t size, uint32_t count, uint32_t *results)
{
	sequence++;
	clock_ns += 1000000000ull;
	sz_state_apply_batch(&state, sequence, clock_ns, buf, size, count, 0, results);
	char why[256];
	assert_int_equal(sz_state_check_invariants(&state, why, sizeof why), 0);
}

static uint32_t apply1(uint16_t kind, const void *body, uint32_t body_size)
{
	uint8_t buf[512];
	uint32_t n = 0, r = UINT32_MAX;
	tu_append(buf, &n, kind, body, body_size);
	apply(buf, n, 1, &r);
	return r;
}

static uint32_t transfer(uint64_t id, uint64_t debit, uint64_t credit, uint64_t amount, uint16_t flags)
{
	sz_transfer t = tu_transfer(id, debit, credit, amount, flags);
	return apply1(SZ_CMD_CREATE_TRANSFER, &t, sizeof t);
}

static uint32_t threshold(uint32_t currency, uint64_t minor)
{
	struct stats_threshold_cmd c = { .currency = currency, .threshold_minor = minor };
	return apply1(STATS_CMD_THRESHOLD_SET, &c, sizeof c);
}

static const struct stats_day *today(uint32_t currency)
{
	const struct stats_currency *c = stats_currency_find(stats_state_get(&state), currency);
	assert_non_null(c);
	return stats_day_find(c, (int64_t)(clock_ns / NS_PER_DAY));
}

static int setup(void **unused)
{
	(void)unused;
	sequence = 0;
	clock_ns = (uint64_t)DAY_2026_12_02 * NS_PER_DAY + 9 * 3600 * 1000000000ull; /* 09:00 UTC */
	assert_int_equal(sz_state_init(&state), 0);
	assert_int_equal(ledger_domain_register(&state), 0); /* first, as the registry does */
	assert_int_equal(stats_domain_register(&state), 0);
	for (uint64_t id = 1; id <= 3; id++) {
		sz_account a = tu_account(id, CNY, 0);
		assert_int_equal(apply1(SZ_CMD_CREATE_ACCOUNT, &a, sizeof a), SZ_R_OK);
	}
	for (uint64_t id = 9; id <= 10; id++) {
		sz_account usd = tu_account(id, USD, 0);
		assert_int_equal(apply1(SZ_CMD_CREATE_ACCOUNT, &usd, sizeof usd), SZ_R_OK);
	}
	return 0;
}

static int teardown(void **unused)
{
	(void)unused;
	sz_state_release(&state);
	return 0;
}

/* Three plain transfers with a 50,000.00 CNY threshold: 1.00 (small),
 * 50,000.00 (equal to the threshold: large) and 49,999.99 (just under):
 * count 3, volume 100 + 5,000,000 + 4,999,999 = 10,000,099 fen, large 1. */
static void test_counts_plain_transfers_and_threshold(void **unused)
{
	(void)unused;
	assert_int_equal(threshold(CNY, FEN(50000)), SZ_R_OK);
	assert_int_equal(transfer(101, 1, 2, 100, 0), SZ_R_OK);
	assert_int_equal(transfer(102, 1, 2, FEN(50000), 0), SZ_R_OK);
	assert_int_equal(transfer(103, 2, 3, FEN(50000) - 1, 0), SZ_R_OK);
	const struct stats_day *d = today(CNY);
	assert_non_null(d);
	assert_int_equal(d->day, DAY_2026_12_02);
	assert_int_equal(d->transfer_count, 3);
	assert_int_equal(d->volume_minor, 10000099);
	assert_int_equal(d->large_count, 1);
}

/* A hold moves nothing; its post moves the posted part (300 of 700); a
 * voided hold never counts: one movement of 3.00. */
static void test_two_phase_counts_only_what_moves(void **unused)
{
	(void)unused;
	assert_int_equal(transfer(201, 1, 2, 700, SZ_TRANSFER_PENDING), SZ_R_OK);
	assert_int_equal(transfer(202, 1, 2, 900, SZ_TRANSFER_PENDING), SZ_R_OK);
	assert_null(stats_currency_find(stats_state_get(&state), CNY)); /* nothing moved yet */
	sz_transfer post = tu_transfer(203, 0, 0, 300, SZ_TRANSFER_POST_PENDING);
	post.pending_id = sz_id_make(0, 201);
	post.currency = 0;
	assert_int_equal(apply1(SZ_CMD_CREATE_TRANSFER, &post, sizeof post), SZ_R_OK);
	sz_transfer cancel = tu_transfer(204, 0, 0, 0, SZ_TRANSFER_VOID_PENDING);
	cancel.pending_id = sz_id_make(0, 202);
	cancel.currency = 0;
	assert_int_equal(apply1(SZ_CMD_CREATE_TRANSFER, &cancel, sizeof cancel), SZ_R_OK);
	const struct stats_day *d = today(CNY);
	assert_int_equal(d->transfer_count, 1);
	assert_int_equal(d->volume_minor, 300);
}

/* A linked chain whose second transfer names an unknown account fails: the
 * first transfer's counting is rolled back with it. */
static void test_failed_chain_rolls_counting_back(void **unused)
{
	(void)unused;
	assert_int_equal(transfer(301, 1, 2, 500, 0), SZ_R_OK);
	uint8_t buf[512];
	uint32_t n = 0, results[2];
	sz_transfer a = tu_transfer(302, 1, 2, 400, SZ_TRANSFER_LINKED);
	sz_transfer b = tu_transfer(303, 1, 77, 400, 0); /* account 77 does not exist */
	tu_append(buf, &n, SZ_CMD_CREATE_TRANSFER, &a, sizeof a);
	tu_append(buf, &n, SZ_CMD_CREATE_TRANSFER, &b, sizeof b);
	apply(buf, n, 2, results);
	assert_int_equal(results[0], SZ_R_LINKED_EVENT_FAILED);
	assert_int_not_equal(results[1], SZ_R_OK);
	const struct stats_day *d = today(CNY);
	assert_int_equal(d->transfer_count, 1);
	assert_int_equal(d->volume_minor, 500);
	assert_int_equal(stats_currency_find(stats_state_get(&state), CNY)->total_count, 1);
}

/* Each currency apart; a new UTC day starts a new record, and a day a full
 * ring (32 days) later reuses the slot, keeping the total. */
static void test_days_and_currencies(void **unused)
{
	(void)unused;
	assert_int_equal(transfer(401, 1, 2, 100, 0), SZ_R_OK);
	sz_transfer usd = tu_transfer(402, 9, 1, 5, 0);
	usd.currency = USD; /* account 1 is CNY: refused, nothing counted */
	assert_int_not_equal(apply1(SZ_CMD_CREATE_TRANSFER, &usd, sizeof usd), SZ_R_OK);
	assert_null(stats_currency_find(stats_state_get(&state), USD));
	usd = tu_transfer(405, 9, 10, 7, 0);
	usd.currency = USD;
	assert_int_equal(apply1(SZ_CMD_CREATE_TRANSFER, &usd, sizeof usd), SZ_R_OK);
	assert_int_equal(today(USD)->volume_minor, 7);
	assert_int_equal(today(CNY)->volume_minor, 100);
	clock_ns += NS_PER_DAY; /* 2026-12-03 */
	assert_int_equal(transfer(403, 1, 2, 200, 0), SZ_R_OK);
	const struct stats_currency *c = stats_currency_find(stats_state_get(&state), CNY);
	assert_int_equal(stats_day_find(c, DAY_2026_12_02)->volume_minor, 100);
	assert_int_equal(stats_day_find(c, DAY_2026_12_02 + 1)->volume_minor, 200);
	clock_ns += (uint64_t)STATS_DAY_COUNT_MAX * NS_PER_DAY; /* 33 days after 12-02: same slot as 12-03 */
	assert_int_equal(transfer(404, 1, 2, 300, 0), SZ_R_OK);
	assert_null(stats_day_find(c, DAY_2026_12_02 + 1));
	assert_int_equal(stats_day_find(c, DAY_2026_12_02 + 1 + STATS_DAY_COUNT_MAX)->volume_minor, 300);
	assert_int_equal(c->total_count, 3);
}

/* Bad commands change nothing: a currency that is not three letters, and
 * non-zero reserved bytes. */
static void test_bad_threshold_commands(void **unused)
{
	(void)unused;
	assert_int_equal(threshold(0x00317a59u, 100), STATS_R_CURRENCY_INVALID); /* "Yz1" */
	struct stats_threshold_cmd c = { .currency = CNY, .reserved = 1, .threshold_minor = 100 };
	assert_int_equal(apply1(STATS_CMD_THRESHOLD_SET, &c, sizeof c), STATS_R_COMMAND_INVALID);
	assert_null(stats_currency_find(stats_state_get(&state), CNY));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counts_plain_transfers_and_threshold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_phase_counts_only_what_moves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_chain_rolls_counting_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_days_and_currencies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_threshold_commands, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
