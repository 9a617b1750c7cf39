/*
 * test_currency_wallets.c — the two-tier model and wallets: issuance and
 * redemption against reserves (100% reserve for payment institutions),
 * top-up and withdrawal, class limits with one code per breach (both sides
 * of each limit), China-time days and years, class upgrades, operator-set
 * class 1 limits, versioned limits, sub-wallets, auto top-up and refunds,
 * merchant categories and idempotent retries. Invariants (two-tier
 * included) are checked after every batch by cu_batch.
 */
#include "test_currency_util.h"

#include "core/results.h"

static void test_two_tier_issue_redeem(void **state)
{
	(void)state;
	struct cu x;
	cu_init(&x);
	assert_int_equal(cu_operator(&x, BANK, CURRENCY_OPERATOR_BANK), SZ_R_OK);
	assert_int_equal(cu_operator(&x, PAYINST, CURRENCY_OPERATOR_PAYMENT_INSTITUTION), SZ_R_OK);
	assert_int_equal(cu_operator(&x, BANK, CURRENCY_OPERATOR_BANK), SZ_R_EXISTS);
	assert_int_equal(cu_operator(&x, BANK, CURRENCY_OPERATOR_PAYMENT_INSTITUTION), SZ_R_EXISTS_WITH_DIFFERENT_FIELDS);
	assert_int_equal(cu_operator(&x, 33, 7), CURRENCY_R_OPERATOR_INVALID);
	assert_int_equal(cu_issue(&x, CURRENCY_CMD_ISSUE, 99, 100), CURRENCY_R_OPERATOR_NOT_FOUND);

	/* Payment institution: 100% reserve, both sides of the limit. */
	assert_int_equal(cu_reserve(&x, PAYINST, YUAN(1000), 0), SZ_R_OK);
	assert_int_equal(cu_issue(&x, CURRENCY_CMD_ISSUE, PAYINST, YUAN(1000) + 1), CURRENCY_R_RESERVE_INSUFFICIENT);
	assert_int_equal(cu_issue(&x, CURRENCY_CMD_ISSUE, PAYINST, YUAN(1000)), SZ_R_OK);
	assert_int_equal(cu_issue(&x, CURRENCY_CMD_ISSUE, PAYINST, 1), CURRENCY_R_RESERVE_INSUFFICIENT);
	/* A bank may issue beyond its reserve; nobody withdraws reserve it lacks. */
	assert_int_equal(cu_reserve(&x, BANK, YUAN(500), 0), SZ_R_OK);
	assert_int_equal(cu_issue(&x, CURRENCY_CMD_ISSUE, BANK, YUAN(2000)), SZ_R_OK);
	assert_int_equal(cu_reserve(&x, BANK, 1, 1), CURRENCY_R_RESERVE_INSUFFICIENT);
	struct currency_state *c = cu_cur(&x);
	assert_int_equal(currency_supply(c, CNY), YUAN(3000));

	/* Redemption reverses issuance; not beyond the vault. */
	assert_int_equal(cu_issue(&x, CURRENCY_CMD_REDEEM, PAYINST, YUAN(1000) + 1), CURRENCY_R_VAULT_INSUFFICIENT);
	assert_int_equal(cu_issue(&x, CURRENCY_CMD_REDEEM, PAYINST, YUAN(400)), SZ_R_OK);
	assert_int_equal(currency_supply(c, CNY), YUAN(2600));
	assert_int_equal(cu_reserve(&x, PAYINST, YUAN(400), 1), SZ_R_OK);
	assert_int_equal(cu_reserve(&x, PAYINST, 1, 1), CURRENCY_R_RESERVE_INSUFFICIENT);
	const struct currency_operator *pi = currency_operator_find(c, PAYINST);
	assert_int_equal(pi->issued_fen, YUAN(1000));
	assert_int_equal(pi->redeemed_fen, YUAN(400));
	assert_int_equal(cu_balance(&x, pi->vault_id), YUAN(600));

	/* Idempotent retry: same id and fields -> exists; other fields -> conflict. */
	struct currency_issue_cmd again = { sz_id_make(1, 1), BANK, 5 };
	assert_int_equal(cu_run(&x, CURRENCY_CMD_ISSUE, &again, sizeof again), SZ_R_OK);
	assert_int_equal(cu_run(&x, CURRENCY_CMD_ISSUE, &again, sizeof again), SZ_R_EXISTS);
	again.amount = 6;
	assert_int_equal(cu_run(&x, CURRENCY_CMD_ISSUE, &again, sizeof again), SZ_R_EXISTS_WITH_DIFFERENT_FIELDS);
	assert_int_equal(currency_supply(c, CNY), YUAN(2600) + 5);
	/* Result names are registered for the API's problem codes. */
	assert_string_equal(sz_result_name(CURRENCY_R_RESERVE_INSUFFICIENT), "reserve_insufficient");
	assert_string_equal(sz_result_name(CURRENCY_R_DAILY_OUTFLOW_LIMIT_EXCEEDED), "daily_outflow_limit_exceeded");
	cu_release(&x);
}

static void test_topup_withdraw_and_vault(void **state)
{
	(void)state;
	struct cu x;
	cu_init(&x);
	cu_setup_operator(&x, BANK, CURRENCY_OPERATOR_BANK, YUAN(5000));
	sz_id bank = cu_bank_account(&x, BANK, YUAN(8000));
	sz_id w = cu_wallet(&x, BANK, 2, CURRENCY_WALLET_PERSONAL, bank);
	assert_int_equal(cu_amount_cmd(&x, CURRENCY_CMD_TOPUP, w, YUAN(3000), 0), SZ_R_OK);
	assert_int_equal(cu_balance(&x, w), YUAN(3000));
	assert_int_equal(cu_balance(&x, bank), YUAN(5000));
	/* The operator's vault limits what it can hand out. */
	assert_int_equal(cu_amount_cmd(&x, CURRENCY_CMD_TOPUP, w, YUAN(2000) + 1, 0), CURRENCY_R_VAULT_INSUFFICIENT);
	assert_int_equal(cu_amount_cmd(&x, CURRENCY_CMD_WITHDRAW, w, YUAN(3000) + 1, 0), CURRENCY_R_INSUFFICIENT_FUNDS);
	assert_int_equal(cu_amount_cmd(&x, CURRENCY_CMD_WITHDRAW, w, YUAN(1000), 0), SZ_R_OK);
	assert_int_equal(cu_balance(&x, bank), YUAN(6000));
	const struct currency_operator *op = currency_operator_find(cu_cur(&x), BANK);
	assert_int_equal(op->liability_fen, YUAN(2000));
	/* Bank balance bounds a top-up. */
	sz_id poor = cu_bank_account(&x, BANK, YUAN(10));
	sz_id w2 = cu_wallet(&x, BANK, 2, CURRENCY_WALLET_PERSONAL, poor);
	assert_int_equal(cu_amount_cmd(&x, CURRENCY_CMD_TOPUP, w2, YUAN(10) + 1, 0), CURRENCY_R_BANK_INSUFFICIENT_FUNDS);
	/* No bank account: no top-up. */
	sz_id w3 = cu_wallet(&x, BANK, 2, CURRENCY_WALLET_PERSONAL, sz_id_make(0, 0));
	assert_int_equal(cu_amount_cmd(&x, CURRENCY_CMD_TOPUP, w3, 1, 0), CURRENCY_R_BANK_ACCOUNT_MISSING);
	/* A bank account of another operator cannot be linked. */
	cu_setup_operator(&x, PAYINST, CURRENCY_OPERATOR_PAYMENT_INSTITUTION, YUAN(100));
	struct currency_wallet_open_cmd bad = cu_wallet_cmd(&x, PAYINST, 2, CURRENCY_WALLET_PERSONAL, bank);
	assert_int_equal(cu_run(&x, CURRENCY_CMD_WALLET_OPEN, &bad, sizeof bad), CURRENCY_R_BANK_ACCOUNT_OTHER_OPERATOR);
	bad = cu_wallet_cmd(&x, BANK, 5, CURRENCY_WALLET_PERSONAL, bank);
	assert_int_equal(cu_run(&x, CURRENCY_CMD_WALLET_OPEN, &bad, sizeof bad), CURRENCY_R_CLASS_INVALID);
	cu_release(&x);
}

/* Class 4 defaults: balance 10,000, per payment 2,000, daily 5,000, annual 50,000. */
static void test_class4_limits(void **state)
{
	(void)state;
	struct cu x;
	cu_init(&x);
	cu_setup_operator(&x, BANK, CURRENCY_OPERATOR_BANK, YUAN(1000000));
	sz_id payer = cu_funded_wallet(&x, BANK, 4, YUAN(10000));
	sz_id payee = cu_funded_wallet(&x, BANK, 1, 0);
	/* balance cap at the top-up: exactly 10,000 held, one fen more refused */
	assert_int_equal(cu_amount_cmd(&x, CURRENCY_CMD_TOPUP, payer, 1, 0), CURRENCY_R_BALANCE_CAP_EXCEEDED);
	/* per payment: 2,000 accepted, 2,000.01 refused */
	assert_int_equal(cu_pay(&x, payer, payee, YUAN(2000) + 1), CURRENCY_R_PER_PAYMENT_LIMIT_EXCEEDED);
	assert_int_equal(cu_pay(&x, payer, payee, YUAN(2000)), SZ_R_OK);
	assert_int_equal(cu_pay(&x, payer, payee, YUAN(2000)), SZ_R_OK);
	/* daily: 5,000 reached exactly, one fen more refused */
	assert_int_equal(cu_pay(&x, payer, payee, YUAN(1000) + 1), CURRENCY_R_DAILY_OUTFLOW_LIMIT_EXCEEDED);
	assert_int_equal(cu_pay(&x, payer, payee, YUAN(1000)), SZ_R_OK);
	assert_int_equal(cu_pay(&x, payer, payee, 1), CURRENCY_R_DAILY_OUTFLOW_LIMIT_EXCEEDED);
	/* A refused payment changes nothing. */
	assert_int_equal(cu_balance(&x, payer), YUAN(5000));
	/* Next day (China time) the daily window resets; the annual one does not:
	 * 10 days of 5,000 reach 50,000 exactly. */
	for (int day = 1; day < 10; day++) {
		x.t += NS_DAY;
		assert_int_equal(cu_amount_cmd(&x, CURRENCY_CMD_TOPUP, payer, YUAN(5000), 0), SZ_R_OK);
		assert_int_equal(cu_pay(&x, payer, payee, YUAN(2000)), SZ_R_OK);
		assert_int_equal(cu_pay(&x, payer, payee, YUAN(2000)), SZ_R_OK);
		assert_int_equal(cu_pay(&x, payer, payee, YUAN(1000)), SZ_R_OK);
	}
	x.t += NS_DAY;
	assert_int_equal(cu_pay(&x, payer, payee, 1), CURRENCY_R_ANNUAL_OUTFLOW_LIMIT_EXCEEDED);
	/* A new year (China time) resets the annual window: 2026-01-01 00:00 +08 = 2025-12-31 16:00 UTC. */
	x.t = 1767196800ull * NS_S - NS_S; /* 23:59:59 on Dec 31 in China */
	assert_int_equal(cu_pay(&x, payer, payee, 1), CURRENCY_R_ANNUAL_OUTFLOW_LIMIT_EXCEEDED);
	x.t = 1767196800ull * NS_S;
	assert_int_equal(cu_pay(&x, payer, payee, 1), SZ_R_OK);
	const struct currency_wallet *w = currency_wallet_find(cu_cur(&x), payer);
	assert_int_equal(w->year, 2026);
	assert_int_equal(w->year_out_fen, 1);
	cu_release(&x);
}

/* The day boundary is midnight in China (16:00 UTC), not UTC midnight. */
static void test_china_day_boundary(void **state)
{
	(void)state;
	struct cu x;
	cu_init(&x);
	cu_setup_operator(&x, BANK, CURRENCY_OPERATOR_BANK, YUAN(100000));
	sz_id payer = cu_funded_wallet(&x, BANK, 4, YUAN(10000));
	sz_id payee = cu_funded_wallet(&x, BANK, 1, 0);
	uint64_t midnight_china = 1740844800ull * NS_S; /* 2025-03-02 00:00 +08 = 03-01 16:00 UTC */
	x.t = midnight_china - 10 * NS_S;
	assert_int_equal(cu_pay(&x, payer, payee, YUAN(2000)), SZ_R_OK);
	assert_int_equal(cu_pay(&x, payer, payee, YUAN(2000)), SZ_R_OK);
	assert_int_equal(cu_pay(&x, payer, payee, YUAN(1000)), SZ_R_OK);
	assert_int_equal(cu_pay(&x, payer, payee, 1), CURRENCY_R_DAILY_OUTFLOW_LIMIT_EXCEEDED);
	x.t = midnight_china;
	assert_int_equal(cu_pay(&x, payer, payee, YUAN(2000)), SZ_R_OK);
	assert_int_equal(currency_china_day(midnight_china - 1), currency_china_day(midnight_china) - 1);
	assert_int_equal(currency_china_year(CU_T0), 2025);
	cu_release(&x);
}

/* Receiving side: balance cap with its own code; class 3 and 2 figures. */
static void test_class3_class2_and_receiving_cap(void **state)
{
	(void)state;
	struct cu x;
	cu_init(&x);
	cu_setup_operator(&x, BANK, CURRENCY_OPERATOR_BANK, YUAN(2000000));
	sz_id rich = cu_funded_wallet(&x, BANK, 1, YUAN(600000));
	sz_id c4 = cu_funded_wallet(&x, BANK, 4, YUAN(9000));
	sz_id c3 = cu_funded_wallet(&x, BANK, 3, 0);
	sz_id c2 = cu_funded_wallet(&x, BANK, 2, 0);
	assert_int_equal(cu_pay(&x, rich, c4, YUAN(1000) + 1), CURRENCY_R_BALANCE_CAP_EXCEEDED);
	assert_int_equal(cu_pay(&x, rich, c4, YUAN(1000)), SZ_R_OK);
	/* class 3: balance 20,000 */
	assert_int_equal(cu_pay(&x, rich, c3, YUAN(20000) + 1), CURRENCY_R_BALANCE_CAP_EXCEEDED);
	assert_int_equal(cu_pay(&x, rich, c3, YUAN(20000)), SZ_R_OK);
	/* class 3: per payment 5,000, daily 10,000 */
	assert_int_equal(cu_pay(&x, c3, rich, YUAN(5000) + 1), CURRENCY_R_PER_PAYMENT_LIMIT_EXCEEDED);
	assert_int_equal(cu_pay(&x, c3, rich, YUAN(5000)), SZ_R_OK);
	assert_int_equal(cu_pay(&x, c3, rich, YUAN(5000)), SZ_R_OK);
	assert_int_equal(cu_pay(&x, c3, rich, 1), CURRENCY_R_DAILY_OUTFLOW_LIMIT_EXCEEDED);
	/* class 2: balance 500,000, per payment 50,000, daily 100,000 */
	assert_int_equal(cu_pay(&x, rich, c2, YUAN(500000) + 1), CURRENCY_R_BALANCE_CAP_EXCEEDED);
	assert_int_equal(cu_pay(&x, rich, c2, YUAN(500000)), SZ_R_OK);
	assert_int_equal(cu_pay(&x, c2, rich, YUAN(50000) + 1), CURRENCY_R_PER_PAYMENT_LIMIT_EXCEEDED);
	assert_int_equal(cu_pay(&x, c2, rich, YUAN(50000)), SZ_R_OK);
	assert_int_equal(cu_pay(&x, c2, rich, YUAN(50000)), SZ_R_OK);
	assert_int_equal(cu_pay(&x, c2, rich, 1), CURRENCY_R_DAILY_OUTFLOW_LIMIT_EXCEEDED);
	cu_release(&x);
}

/* Class 1 has no fixed cap; the operator sets its limits per wallet. */
static void test_class1_operator_set(void **state)
{
	(void)state;
	struct cu x;
	cu_init(&x);
	cu_setup_operator(&x, BANK, CURRENCY_OPERATOR_BANK, YUAN(5000000));
	sz_id big = cu_funded_wallet(&x, BANK, 1, YUAN(2000000));
	sz_id other = cu_funded_wallet(&x, BANK, 1, 0);
	assert_int_equal(cu_pay(&x, big, other, YUAN(1000000)), SZ_R_OK);
	struct currency_wallet_update_cmd u;
	memset(&u, 0, sizeof u);
	u.id = cu_id(&x);
	u.wallet_id = big;
	u.class_level = 1;
	u.limit_payment_fen = YUAN(300000);
	assert_int_equal(cu_run(&x, CURRENCY_CMD_WALLET_UPDATE, &u, sizeof u), SZ_R_OK);
	assert_int_equal(cu_pay(&x, big, other, YUAN(300000) + 1), CURRENCY_R_PER_PAYMENT_LIMIT_EXCEEDED);
	assert_int_equal(cu_pay(&x, big, other, YUAN(300000)), SZ_R_OK);
	/* inconsistent own limits are refused */
	u.id = cu_id(&x);
	u.limit_daily_fen = YUAN(100);
	assert_int_equal(cu_run(&x, CURRENCY_CMD_WALLET_UPDATE, &u, sizeof u), CURRENCY_R_LIMITS_INVALID);
	cu_release(&x);
}

/* Upgrading keeps the id and balance and applies the new limits from then on. */
static void test_upgrade_keeps_id(void **state)
{
	(void)state;
	struct cu x;
	cu_init(&x);
	cu_setup_operator(&x, BANK, CURRENCY_OPERATOR_BANK, YUAN(100000));
	sz_id w = cu_funded_wallet(&x, BANK, 4, YUAN(8000));
	sz_id payee = cu_funded_wallet(&x, BANK, 1, 0);
	assert_int_equal(cu_pay(&x, w, payee, YUAN(3000)), CURRENCY_R_PER_PAYMENT_LIMIT_EXCEEDED);
	struct currency_wallet_update_cmd u;
	memset(&u, 0, sizeof u);
	u.id = cu_id(&x);
	u.wallet_id = w;
	u.class_level = 2;
	assert_int_equal(cu_run(&x, CURRENCY_CMD_WALLET_UPDATE, &u, sizeof u), SZ_R_OK);
	assert_int_equal(cu_run(&x, CURRENCY_CMD_WALLET_UPDATE, &u, sizeof u), SZ_R_EXISTS);
	assert_int_equal(cu_pay(&x, w, payee, YUAN(3000)), SZ_R_OK);
	const struct currency_wallet *rec = currency_wallet_find(cu_cur(&x), w);
	assert_non_null(rec);
	assert_int_equal(rec->class_level, 2);
	assert_int_equal(cu_balance(&x, w), YUAN(5000));
	/* the balance cap follows the class too: class 2 holds 500,000 */
	assert_int_equal(cu_amount_cmd(&x, CURRENCY_CMD_TOPUP, w, YUAN(20000), 0), SZ_R_OK);
	u.id = cu_id(&x);
	u.class_level = 7;
	assert_int_equal(cu_run(&x, CURRENCY_CMD_WALLET_UPDATE, &u, sizeof u), CURRENCY_R_CLASS_INVALID);
	cu_release(&x);
}

static void set_limits_cmd(struct currency_limits_cmd *l, uint64_t version, uint64_t effective_ns)
{
	currency_limits_default(l);
	l->id = sz_id_make(0x11, version);
	l->version = version;
	l->effective_from_ns = effective_ns;
}

/* A payment is judged by the version in force at its batch time. */
static void test_versioned_limits(void **state)
{
	(void)state;
	struct cu x;
	cu_init(&x);
	cu_setup_operator(&x, BANK, CURRENCY_OPERATOR_BANK, YUAN(100000));
	sz_id w = cu_funded_wallet(&x, BANK, 4, YUAN(9000));
	sz_id payee = cu_funded_wallet(&x, BANK, 1, 0);
	struct currency_limits_cmd l;
	uint64_t at = x.t + 3600 * NS_S;
	set_limits_cmd(&l, 2, at);
	l.classes[3].payment_fen = YUAN(1000);
	assert_int_equal(cu_run(&x, CURRENCY_CMD_SET_LIMITS, &l, sizeof l), SZ_R_OK);
	assert_int_equal(cu_run(&x, CURRENCY_CMD_SET_LIMITS, &l, sizeof l), SZ_R_EXISTS);
	/* Before the effective time, version 1 still applies. */
	x.t = at - NS_S;
	assert_int_equal(cu_pay(&x, w, payee, YUAN(1500)), SZ_R_OK);
	x.t = at;
	assert_int_equal(cu_pay(&x, w, payee, YUAN(1500)), CURRENCY_R_PER_PAYMENT_LIMIT_EXCEEDED);
	assert_int_equal(cu_pay(&x, w, payee, YUAN(1000)), SZ_R_OK);
	assert_int_equal(currency_limits_at(cu_cur(&x), x.t)->version, 2);
	assert_int_equal(currency_limits_at(cu_cur(&x), at - 1)->version, 1);
	/* Rules of a new version. */
	set_limits_cmd(&l, 2, x.t + NS_S);
	l.classes[3].payment_fen = YUAN(999);
	assert_int_equal(cu_run(&x, CURRENCY_CMD_SET_LIMITS, &l, sizeof l), SZ_R_EXISTS_WITH_DIFFERENT_FIELDS);
	set_limits_cmd(&l, 3, x.t);
	assert_int_equal(cu_run(&x, CURRENCY_CMD_SET_LIMITS, &l, sizeof l), CURRENCY_R_LIMITS_EFFECTIVE_IN_PAST);
	set_limits_cmd(&l, 1, x.t + NS_S);
	l.id = sz_id_make(9, 9);
	assert_int_equal(cu_run(&x, CURRENCY_CMD_SET_LIMITS, &l, sizeof l), SZ_R_EXISTS_WITH_DIFFERENT_FIELDS);
	set_limits_cmd(&l, 3, x.t + NS_S);
	l.classes[3].payment_fen = YUAN(6000); /* above daily 5,000 */
	assert_int_equal(cu_run(&x, CURRENCY_CMD_SET_LIMITS, &l, sizeof l), CURRENCY_R_LIMITS_INVALID);
	set_limits_cmd(&l, 3, x.t + NS_S);
	l.offline_count_max = 0;
	assert_int_equal(cu_run(&x, CURRENCY_CMD_SET_LIMITS, &l, sizeof l), CURRENCY_R_LIMITS_INVALID);
	cu_release(&x);
}

/* The shipped configuration file loads into a valid command. */
static void test_limits_file(void **state)
{
	(void)state;
	struct currency_limits_cmd l, d;
	char why[256] = "";
	const char *root = getenv("SZFIN_ROOT");
	char path[512];
	snprintf(path, sizeof path, "%s/share/currency/limits.ini", root ? root : ".");
	int rc = currency_limits_load_file(path, &l, why, sizeof why);
	if (rc != 0)
		fail_msg("%s", why);
	currency_limits_default(&d);
	assert_int_equal(l.version, 2);
	assert_memory_equal(l.classes, d.classes, sizeof d.classes);
	assert_int_equal(l.offline_payment_max_fen, YUAN(500));
	assert_int_equal(l.offline_count_max, 10);
	/* A broken file names the bad line. */
	char tmp[] = "/tmp/szfin-limits-XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	const char *text = "[limits]\nversion = 3\noffline_payment_max = 5.123\noffline_count_max = 10\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_not_equal(currency_limits_load_file(tmp, &l, why, sizeof why), 0);
	assert_non_null(strstr(why, "offline_payment_max"));
	unlink(tmp);
}

/* Sub-wallets: own limits and the parent's class limits; closing returns the balance. */
static void test_sub_wallets(void **state)
{
	(void)state;
	struct cu x;
	cu_init(&x);
	cu_setup_operator(&x, BANK, CURRENCY_OPERATOR_BANK, YUAN(100000));
	sz_id parent = cu_funded_wallet(&x, BANK, 4, YUAN(9000));
	sz_id shop = cu_funded_wallet(&x, BANK, 1, 0);
	struct currency_wallet_open_cmd sc;
	memset(&sc, 0, sizeof sc);
	sc.id = cu_id(&x);
	sc.parent_id = parent;
	sc.limit_balance_fen = YUAN(3000);
	sc.limit_payment_fen = YUAN(1500);
	sc.limit_daily_fen = YUAN(2500);
	assert_int_equal(cu_run(&x, CURRENCY_CMD_WALLET_OPEN, &sc, sizeof sc), SZ_R_OK);
	sz_id sub = sc.id;
	/* own balance cap on funding */
	assert_int_equal(cu_amount_cmd(&x, CURRENCY_CMD_SUB_FUND, sub, YUAN(3000) + 1, 0),
			 CURRENCY_R_SUB_WALLET_BALANCE_CAP_EXCEEDED);
	assert_int_equal(cu_amount_cmd(&x, CURRENCY_CMD_SUB_FUND, sub, YUAN(3000), 0), SZ_R_OK);
	assert_int_equal(cu_balance(&x, parent), YUAN(6000));
	/* own per-payment and daily limits */
	assert_int_equal(cu_pay(&x, sub, shop, YUAN(1500) + 1), CURRENCY_R_SUB_WALLET_PER_PAYMENT_LIMIT_EXCEEDED);
	assert_int_equal(cu_pay(&x, sub, shop, YUAN(1500)), SZ_R_OK);
	assert_int_equal(cu_pay(&x, sub, shop, YUAN(1000) + 1), CURRENCY_R_SUB_WALLET_DAILY_LIMIT_EXCEEDED);
	/* spending counts against the parent's class limits too (class 4: daily 5,000) */
	assert_int_equal(cu_pay(&x, parent, shop, YUAN(2000)), SZ_R_OK);
	assert_int_equal(cu_pay(&x, parent, shop, YUAN(1500)), SZ_R_OK);
	assert_int_equal(cu_pay(&x, sub, shop, 1), CURRENCY_R_DAILY_OUTFLOW_LIMIT_EXCEEDED);
	assert_int_equal(currency_wallet_find(cu_cur(&x), parent)->day_out_fen, YUAN(5000));
	/* a sub-wallet's own limits stay within the parent's class (class 4:
	 * 2,000 per payment), and the parent's per-payment class limit applies */
	struct currency_wallet_update_cmd u;
	memset(&u, 0, sizeof u);
	u.id = cu_id(&x);
	u.wallet_id = sub;
	u.limit_payment_fen = YUAN(3000);
	assert_int_equal(cu_run(&x, CURRENCY_CMD_WALLET_UPDATE, &u, sizeof u), CURRENCY_R_SUB_WALLET_LIMITS_OVER_CLASS);
	u.id = cu_id(&x);
	u.limit_payment_fen = 0;
	assert_int_equal(cu_run(&x, CURRENCY_CMD_WALLET_UPDATE, &u, sizeof u), SZ_R_OK);
	x.t += NS_DAY;
	assert_int_equal(cu_pay(&x, sub, shop, YUAN(2000) + 1), CURRENCY_R_PER_PAYMENT_LIMIT_EXCEEDED);
	/* a parent with open sub-wallets cannot close; closing the sub returns its balance */
	struct currency_ref_cmd close = { cu_id(&x), parent };
	assert_int_equal(cu_run(&x, CURRENCY_CMD_WALLET_CLOSE, &close, sizeof close), CURRENCY_R_WALLET_HAS_SUB_WALLETS);
	uint64_t before = cu_balance(&x, parent);
	close = (struct currency_ref_cmd){ cu_id(&x), sub };
	assert_int_equal(cu_run(&x, CURRENCY_CMD_WALLET_CLOSE, &close, sizeof close), SZ_R_OK);
	assert_int_equal(cu_balance(&x, parent), before + YUAN(1500));
	assert_int_equal(cu_balance(&x, sub), 0);
	assert_true(cu_account(&x, sub)->flags & SZ_ACCOUNT_CLOSED);
	assert_int_equal(cu_pay(&x, sub, shop, 1), CURRENCY_R_WALLET_CLOSED);
	/* now the parent closes; its balance goes back to its bank account */
	close = (struct currency_ref_cmd){ cu_id(&x), parent };
	assert_int_equal(cu_run(&x, CURRENCY_CMD_WALLET_CLOSE, &close, sizeof close), SZ_R_OK);
	assert_int_equal(cu_balance(&x, parent), 0);
	/* sub-wallet of a sub-wallet is refused */
	sc.id = cu_id(&x);
	sc.parent_id = sub;
	assert_int_equal(cu_run(&x, CURRENCY_CMD_WALLET_OPEN, &sc, sizeof sc), CURRENCY_R_PARENT_INVALID);
	cu_release(&x);
}

/* Auto top-up pulls exactly the shortfall; refunds go back where the money came from. */
static void test_auto_topup_and_refund(void **state)
{
	(void)state;
	struct cu x;
	cu_init(&x);
	cu_setup_operator(&x, BANK, CURRENCY_OPERATOR_BANK, YUAN(100000));
	sz_id bank = cu_bank_account(&x, BANK, YUAN(1000));
	struct currency_wallet_open_cmd oc = cu_wallet_cmd(&x, BANK, 2, CURRENCY_WALLET_PERSONAL, bank);
	oc.flags = CURRENCY_WALLET_AUTO_TOPUP;
	assert_int_equal(cu_run(&x, CURRENCY_CMD_WALLET_OPEN, &oc, sizeof oc), SZ_R_OK);
	sz_id w = oc.id;
	sz_id shop = cu_wallet(&x, BANK, 1, CURRENCY_WALLET_MERCHANT, sz_id_make(0, 0));
	assert_int_equal(cu_amount_cmd(&x, CURRENCY_CMD_TOPUP, w, YUAN(30), 0), SZ_R_OK);
	assert_int_equal(cu_balance(&x, bank), YUAN(970));
	sz_id pay_id = cu_id(&x);
	assert_int_equal(cu_pay_id(&x, pay_id, w, shop, YUAN(100), 0), SZ_R_OK);
	assert_int_equal(cu_balance(&x, w), 0);
	assert_int_equal(cu_balance(&x, bank), YUAN(900)); /* exactly the 70 short */
	assert_int_equal(cu_balance(&x, shop), YUAN(100));
	const struct currency_op *p = currency_op_find(cu_cur(&x), pay_id);
	assert_int_equal(p->topup_fen, YUAN(70));
	assert_int_equal(p->mcc, 5812);
	/* partial refund: the bank part first */
	assert_int_equal(cu_amount_cmd(&x, CURRENCY_CMD_REFUND, pay_id, YUAN(50), 0), SZ_R_OK);
	assert_int_equal(cu_balance(&x, bank), YUAN(950));
	assert_int_equal(cu_balance(&x, w), 0);
	assert_int_equal(cu_amount_cmd(&x, CURRENCY_CMD_REFUND, pay_id, YUAN(50) + 1, 0),
			 CURRENCY_R_REFUND_EXCEEDS_PAYMENT);
	assert_int_equal(cu_amount_cmd(&x, CURRENCY_CMD_REFUND, pay_id, YUAN(50), 0), SZ_R_OK);
	assert_int_equal(cu_balance(&x, bank), YUAN(970));
	assert_int_equal(cu_balance(&x, w), YUAN(30));
	assert_int_equal(cu_balance(&x, shop), 0);
	assert_int_equal(cu_amount_cmd(&x, CURRENCY_CMD_REFUND, pay_id, 1, 0), CURRENCY_R_REFUND_EXCEEDS_PAYMENT);
	assert_int_equal(cu_amount_cmd(&x, CURRENCY_CMD_REFUND, sz_id_make(5, 5), 1, 0), CURRENCY_R_PAYMENT_NOT_FOUND);
	/* shortfall beyond the bank balance: nothing moves */
	assert_int_equal(cu_pay(&x, w, shop, YUAN(1000) + 1), CURRENCY_R_BANK_INSUFFICIENT_FUNDS);
	assert_int_equal(cu_balance(&x, w), YUAN(30));
	assert_int_equal(cu_balance(&x, bank), YUAN(970));
	/* without auto top-up a short payment is refused */
	struct currency_wallet_update_cmd u;
	memset(&u, 0, sizeof u);
	u.id = cu_id(&x);
	u.wallet_id = w;
	u.class_level = 2;
	assert_int_equal(cu_run(&x, CURRENCY_CMD_WALLET_UPDATE, &u, sizeof u), SZ_R_OK);
	assert_int_equal(cu_pay(&x, w, shop, YUAN(30) + 1), CURRENCY_R_INSUFFICIENT_FUNDS);
	/* auto top-up needs a bank account */
	struct currency_wallet_open_cmd nb = cu_wallet_cmd(&x, BANK, 2, CURRENCY_WALLET_PERSONAL, sz_id_make(0, 0));
	nb.flags = CURRENCY_WALLET_AUTO_TOPUP;
	assert_int_equal(cu_run(&x, CURRENCY_CMD_WALLET_OPEN, &nb, sizeof nb), CURRENCY_R_BANK_ACCOUNT_MISSING);
	cu_release(&x);
}

/* Merchant category codes, idempotent payments, cross-operator payments. */
static void test_merchant_mcc_and_idempotency(void **state)
{
	(void)state;
	struct cu x;
	cu_init(&x);
	cu_setup_operator(&x, BANK, CURRENCY_OPERATOR_BANK, YUAN(100000));
	cu_setup_operator(&x, PAYINST, CURRENCY_OPERATOR_PAYMENT_INSTITUTION, YUAN(100000));
	sz_id w = cu_funded_wallet(&x, BANK, 2, YUAN(1000));
	sz_id person = cu_funded_wallet(&x, PAYINST, 2, 0);
	sz_id shop = cu_wallet(&x, PAYINST, 1, CURRENCY_WALLET_MERCHANT, sz_id_make(0, 0));
	assert_int_equal(cu_pay_id(&x, cu_id(&x), w, shop, 100, 5411), CURRENCY_R_MCC_INVALID);
	assert_int_equal(cu_pay_id(&x, cu_id(&x), w, person, 100, 5812), CURRENCY_R_MCC_INVALID);
	sz_id id = cu_id(&x);
	assert_int_equal(cu_pay_id(&x, id, w, shop, 100, 5812), SZ_R_OK);
	assert_int_equal(cu_pay_id(&x, id, w, shop, 100, 5812), SZ_R_EXISTS);
	assert_int_equal(cu_pay_id(&x, id, w, shop, 101, 5812), SZ_R_EXISTS_WITH_DIFFERENT_FIELDS);
	assert_int_equal(cu_balance(&x, shop), 100);
	/* cross-operator: liabilities follow the money (checked by the invariant too) */
	assert_int_equal(cu_pay(&x, w, person, 200), SZ_R_OK);
	struct currency_state *c = cu_cur(&x);
	assert_int_equal(currency_operator_find(c, BANK)->liability_fen, YUAN(1000) - 300);
	assert_int_equal(currency_operator_find(c, PAYINST)->liability_fen, 300);
	assert_int_equal(cu_pay(&x, w, w, 1), CURRENCY_R_SAME_WALLET);
	assert_int_equal(cu_pay(&x, w, sz_id_make(4, 4), 1), CURRENCY_R_WALLET_NOT_FOUND);
	struct currency_wallet_open_cmd m = cu_wallet_cmd(&x, BANK, 1, CURRENCY_WALLET_MERCHANT, sz_id_make(0, 0));
	m.mcc = 0;
	assert_int_equal(cu_run(&x, CURRENCY_CMD_WALLET_OPEN, &m, sizeof m), CURRENCY_R_MCC_INVALID);
	/* a malformed command is refused whole */
	uint8_t junk[24] = { 0 };
	assert_int_equal(cu_run(&x, CURRENCY_CMD_PAY, junk, sizeof junk), SZ_R_COMMAND_INVALID);
	assert_int_equal(cu_run(&x, SZ_CMD_CURRENCY_BASE + 0xfe, junk, sizeof junk), SZ_R_COMMAND_INVALID);
	cu_release(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_tier_issue_redeem),
		cmocka_unit_test(test_topup_withdraw_and_vault),
		cmocka_unit_test(test_class4_limits),
		cmocka_unit_test(test_china_day_boundary),
		cmocka_unit_test(test_class3_class2_and_receiving_cap),
		cmocka_unit_test(test_class1_operator_set),
		cmocka_unit_test(test_upgrade_keeps_id),
		cmocka_unit_test(test_versioned_limits),
		cmocka_unit_test(test_limits_file),
		cmocka_unit_test(test_sub_wallets),
		cmocka_unit_test(test_auto_topup_and_refund),
		cmocka_unit_test(test_merchant_mcc_and_idempotency),
	};
	return cmocka_run_group_tests_name("currency_wallets", tests, NULL, NULL);
}
