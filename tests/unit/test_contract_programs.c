/*
 * test_contract_programs.c — programmable payments: only from registered
 * templates; prepaid escrow (delivery, consumer confirmation, automatic
 * release after the template's time, cancellation and merchant insolvency
 * refunding the remainder at once); purpose-bound subsidy (allowed
 * categories, no transfer to persons, no redemption, return at expiry);
 * conditional payment (condition by the named party, refund at deadline);
 * each contract's terms, state, events and money. Two-tier and contract
 * invariants are checked after every batch.
 */
#include "test_currency_util.h"

#define MCC_GYM 7997
#define MCC_GROCERY 5411
#define MCC_RESTAURANT 5812

struct fx {
	struct cu x;
	sz_id consumer, gym, grocery, person, district;
	sz_id escrow_t, subsidy_t, cond_t;
};

static sz_id merchant(struct cu *x, uint16_t mcc)
{
	struct currency_wallet_open_cmd c = cu_wallet_cmd(x, BANK, 1, CURRENCY_WALLET_MERCHANT, sz_id_make(0, 0));
	c.mcc = mcc;
	assert_int_equal(cu_run(x, CURRENCY_CMD_WALLET_OPEN, &c, sizeof c), SZ_R_OK);
	return c.id;
}

static sz_id template(struct cu *x, uint16_t kind, uint32_t auto_confirm_s, uint32_t condition_code)
{
	struct contract_template_cmd t;
	memset(&t, 0, sizeof t);
	t.id = cu_id(x);
	t.kind = kind;
	t.auto_confirm_s = auto_confirm_s;
	t.max_sessions = 50;
	t.max_duration_s = 365u * 86400u;
	t.condition_code = condition_code;
	if (kind == CONTRACT_KIND_SUBSIDY) {
		t.mcc_count = 2;
		t.mcc[0] = MCC_GROCERY;
		t.mcc[1] = MCC_RESTAURANT;
	}
	snprintf(t.name, sizeof t.name, "template %u", kind);
	assert_int_equal(cu_run(x, CONTRACT_CMD_TEMPLATE_REGISTER, &t, sizeof t), SZ_R_OK);
	assert_int_equal(cu_run(x, CONTRACT_CMD_TEMPLATE_REGISTER, &t, sizeof t), SZ_R_EXISTS);
	return t.id;
}

static void fx_init(struct fx *f)
{
	cu_init(&f->x);
	cu_setup_operator(&f->x, BANK, CURRENCY_OPERATOR_BANK, YUAN(1000000));
	cu_setup_operator(&f->x, PAYINST, CURRENCY_OPERATOR_PAYMENT_INSTITUTION, YUAN(100000));
	f->consumer = cu_funded_wallet(&f->x, BANK, 2, YUAN(10000));
	f->person = cu_funded_wallet(&f->x, PAYINST, 3, 0);
	f->district = cu_funded_wallet(&f->x, BANK, 1, YUAN(200000));
	f->gym = merchant(&f->x, MCC_GYM);
	f->grocery = merchant(&f->x, MCC_GROCERY);
	f->escrow_t = template(&f->x, CONTRACT_KIND_ESCROW, 3600, 0);
	f->subsidy_t = template(&f->x, CONTRACT_KIND_SUBSIDY, 0, 0);
	f->cond_t = template(&f->x, CONTRACT_KIND_CONDITIONAL, 0, 1);
}

static uint32_t escrow(struct fx *f, sz_id id, sz_id tmpl, uint64_t session, uint32_t sessions)
{
	struct contract_escrow_cmd c = { id, tmpl, f->consumer, f->gym, session, sessions, 0 };
	return cu_run(&f->x, CONTRACT_CMD_ESCROW_CREATE, &c, sizeof c);
}

static uint32_t event(struct fx *f, uint16_t kind, sz_id contract, sz_id party, uint32_t code)
{
	struct contract_event_cmd c = { cu_id(&f->x), contract, party, code, 0 };
	return cu_run(&f->x, kind, &c, sizeof c);
}

static const struct contract *get(struct fx *f, sz_id id)
{
	const struct contract *c = contract_find(contract_state_get(&f->x.s), id);
	assert_non_null(c);
	return c;
}

static void test_templates_only(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	assert_int_equal(escrow(&f, cu_id(&f.x), sz_id_make(9, 9), YUAN(100), 10), CONTRACT_R_TEMPLATE_NOT_FOUND);
	assert_int_equal(escrow(&f, cu_id(&f.x), f.subsidy_t, YUAN(100), 10), CONTRACT_R_TEMPLATE_KIND_MISMATCH);
	assert_int_equal(escrow(&f, cu_id(&f.x), f.escrow_t, YUAN(100), 51), CONTRACT_R_SESSIONS_INVALID);
	struct contract_template_cmd t;
	memset(&t, 0, sizeof t);
	t.id = cu_id(&f.x);
	t.kind = CONTRACT_KIND_SUBSIDY; /* a subsidy needs categories */
	t.max_duration_s = 100;
	assert_int_equal(cu_run(&f.x, CONTRACT_CMD_TEMPLATE_REGISTER, &t, sizeof t), CONTRACT_R_TEMPLATE_INVALID);
	t.kind = 9;
	assert_int_equal(cu_run(&f.x, CONTRACT_CMD_TEMPLATE_REGISTER, &t, sizeof t), CONTRACT_R_TEMPLATE_INVALID);
	assert_string_equal(sz_result_name(CONTRACT_R_SUBSIDY_CATEGORY_NOT_ALLOWED), "subsidy_category_not_allowed");
	cu_release(&f.x);
}

static void test_escrow_sessions(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	sz_id id = cu_id(&f.x);
	assert_int_equal(escrow(&f, id, f.escrow_t, YUAN(200), 10), SZ_R_OK);
	assert_int_equal(escrow(&f, id, f.escrow_t, YUAN(200), 10), SZ_R_EXISTS);
	assert_int_equal(escrow(&f, id, f.escrow_t, YUAN(300), 10), SZ_R_EXISTS_WITH_DIFFERENT_FIELDS);
	const struct contract *c = get(&f, id);
	/* money stays the consumer's, locked in the contract account */
	const sz_account *acct = cu_account(&f.x, c->account_id);
	assert_true(sz_id_eq(acct->owner_id, cu_account(&f.x, f.consumer)->owner_id));
	assert_int_equal(cu_balance(&f.x, c->account_id), YUAN(2000));
	assert_int_equal(cu_balance(&f.x, f.consumer), YUAN(8000));
	/* nothing to confirm before a delivery; only the parties may act */
	assert_int_equal(event(&f, CONTRACT_CMD_SESSION_CONFIRM, id, f.consumer, 0), CONTRACT_R_NO_SESSION_TO_CONFIRM);
	assert_int_equal(event(&f, CONTRACT_CMD_SESSION_DELIVER, id, f.consumer, 0), CONTRACT_R_PARTY_MISMATCH);
	assert_int_equal(event(&f, CONTRACT_CMD_SESSION_DELIVER, id, f.gym, 0), SZ_R_OK);
	assert_int_equal(event(&f, CONTRACT_CMD_SESSION_CONFIRM, id, f.gym, 0), CONTRACT_R_PARTY_MISMATCH);
	/* the consumer confirms: exactly one session released */
	assert_int_equal(event(&f, CONTRACT_CMD_SESSION_CONFIRM, id, f.consumer, 0), SZ_R_OK);
	assert_int_equal(cu_balance(&f.x, f.gym), YUAN(200));
	assert_int_equal(cu_balance(&f.x, c->account_id), YUAN(1800));
	/* unconfirmed sessions release by themselves after the template's hour */
	assert_int_equal(event(&f, CONTRACT_CMD_SESSION_DELIVER, id, f.gym, 0), SZ_R_OK);
	assert_int_equal(event(&f, CONTRACT_CMD_SESSION_DELIVER, id, f.gym, 0), SZ_R_OK);
	f.x.t += 3600 * NS_S - 10 * 1000000ull;
	assert_int_equal(event(&f, CONTRACT_CMD_SESSION_CONFIRM, id, f.consumer, 0), SZ_R_OK); /* session 2 */
	assert_int_equal(cu_balance(&f.x, f.gym), YUAN(400));
	f.x.t += 10 * NS_S;
	assert_int_equal(cu_reserve(&f.x, BANK, 1, 0), SZ_R_OK); /* any batch runs due timers */
	assert_int_equal(cu_balance(&f.x, f.gym), YUAN(600));
	assert_int_equal(c->released, 3);
	assert_int_equal(c->delivered, 3);
	/* cancellation: delivered sessions are paid, the remainder refunded at once */
	assert_int_equal(event(&f, CONTRACT_CMD_SESSION_DELIVER, id, f.gym, 0), SZ_R_OK);
	assert_int_equal(event(&f, CONTRACT_CMD_CANCEL, id, f.gym, 0), CONTRACT_R_PARTY_MISMATCH);
	assert_int_equal(event(&f, CONTRACT_CMD_CANCEL, id, f.consumer, 0), SZ_R_OK);
	assert_int_equal(cu_balance(&f.x, f.gym), YUAN(800));
	assert_int_equal(cu_balance(&f.x, f.consumer), YUAN(8000) + YUAN(1200));
	assert_int_equal(cu_balance(&f.x, c->account_id), 0);
	assert_int_equal(c->status, CONTRACT_CANCELLED);
	assert_int_equal(c->paid_fen, YUAN(800));
	assert_int_equal(c->refunded_fen, YUAN(1200));
	assert_int_equal(event(&f, CONTRACT_CMD_SESSION_DELIVER, id, f.gym, 0), CONTRACT_R_CONTRACT_NOT_ACTIVE);
	/* the contract's life, newest first */
	static const uint16_t want[] = { CONTRACT_EV_CANCELLED, CONTRACT_EV_CONFIRMED, CONTRACT_EV_DELIVERED,
					 CONTRACT_EV_AUTO_RELEASED, CONTRACT_EV_CONFIRMED, CONTRACT_EV_DELIVERED,
					 CONTRACT_EV_DELIVERED, CONTRACT_EV_CONFIRMED, CONTRACT_EV_DELIVERED,
					 CONTRACT_EV_CREATED };
	uint32_t link = c->event_head, n = 0;
	for (const struct contract_event *e; (e = contract_event_next(contract_state_get(&f.x.s), &link)) != NULL; n++) {
		assert_true(n < 10);
		assert_int_equal(e->kind, want[n]);
	}
	assert_int_equal(n, 10);
	assert_int_equal(c->event_count, 10);
	cu_release(&f.x);
}

/* Whole escrow completes by itself: every session auto-released in deadline order. */
static void test_escrow_auto_complete_and_insolvency(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	sz_id a = cu_id(&f.x), b = cu_id(&f.x);
	assert_int_equal(escrow(&f, a, f.escrow_t, YUAN(100), 2), SZ_R_OK);
	assert_int_equal(escrow(&f, b, f.escrow_t, YUAN(50), 20), SZ_R_OK);
	assert_int_equal(event(&f, CONTRACT_CMD_SESSION_DELIVER, a, f.gym, 0), SZ_R_OK);
	assert_int_equal(event(&f, CONTRACT_CMD_SESSION_DELIVER, a, f.gym, 0), SZ_R_OK);
	assert_int_equal(event(&f, CONTRACT_CMD_SESSION_DELIVER, a, f.gym, 0), CONTRACT_R_ALL_SESSIONS_DELIVERED);
	assert_int_equal(event(&f, CONTRACT_CMD_SESSION_DELIVER, b, f.gym, 0), SZ_R_OK);
	f.x.t += 2 * 3600 * NS_S;
	assert_int_equal(cu_reserve(&f.x, BANK, 1, 0), SZ_R_OK);
	assert_int_equal(get(&f, a)->status, CONTRACT_COMPLETED);
	assert_int_equal(get(&f, b)->released, 1);
	assert_int_equal(cu_balance(&f.x, f.gym), YUAN(250));
	/* the merchant fails: every active escrow refunds its remainder at once */
	assert_int_equal(event(&f, CONTRACT_CMD_SESSION_DELIVER, b, f.gym, 0), SZ_R_OK);
	struct contract_event_cmd ins = { cu_id(&f.x), sz_id_make(0, 0), f.gym, 0, 0 };
	uint64_t before = cu_balance(&f.x, f.consumer);
	assert_int_equal(cu_run(&f.x, CONTRACT_CMD_MERCHANT_INSOLVENT, &ins, sizeof ins), SZ_R_OK);
	assert_int_equal(get(&f, b)->status, CONTRACT_INSOLVENT);
	assert_int_equal(cu_balance(&f.x, f.consumer), before + 18 * YUAN(50));
	assert_int_equal(cu_balance(&f.x, f.gym), YUAN(300));
	assert_int_equal(get(&f, a)->status, CONTRACT_COMPLETED);
	cu_release(&f.x);
}

static uint32_t spend(struct fx *f, sz_id contract, sz_id wallet, sz_id payee, uint64_t amount, uint16_t flags)
{
	struct contract_spend_cmd c = { cu_id(&f->x), contract, wallet, payee, amount, 0, flags, 0 };
	return cu_run(&f->x, CONTRACT_CMD_SUBSIDY_SPEND, &c, sizeof c);
}

static uint32_t grant(struct fx *f, sz_id contract, sz_id wallet, uint64_t amount)
{
	struct contract_grant_cmd c = { cu_id(&f->x), contract, wallet, amount, 0 };
	return cu_run(&f->x, CONTRACT_CMD_SUBSIDY_GRANT, &c, sizeof c);
}

static void test_subsidy(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	sz_id id = cu_id(&f.x);
	uint64_t expiry = f.x.t + 30 * NS_DAY;
	struct contract_subsidy_cmd sc = { id, f.subsidy_t, f.district, YUAN(1000), expiry };
	assert_int_equal(cu_run(&f.x, CONTRACT_CMD_SUBSIDY_CREATE, &sc, sizeof sc), SZ_R_OK);
	assert_int_equal(cu_balance(&f.x, f.district), YUAN(199000));
	assert_int_equal(grant(&f, id, f.consumer, YUAN(300)), SZ_R_OK);
	assert_int_equal(grant(&f, id, f.person, YUAN(200)), SZ_R_OK); /* a wallet at another operator */
	assert_int_equal(grant(&f, id, f.person, YUAN(100)), SZ_R_OK);
	assert_int_equal(grant(&f, id, f.person, YUAN(400) + 1), CONTRACT_R_SUBSIDY_BUDGET_INSUFFICIENT);
	/* granted money is not in the free balance: the wallet cannot pay with it */
	assert_int_equal(cu_balance(&f.x, f.person), 0);
	/* spendable only at merchants of allowed categories */
	sz_id restaurant = merchant(&f.x, MCC_RESTAURANT);
	assert_int_equal(spend(&f, id, f.consumer, f.gym, YUAN(10), 0), CONTRACT_R_SUBSIDY_CATEGORY_NOT_ALLOWED);
	assert_int_equal(spend(&f, id, f.consumer, f.person, YUAN(10), 0), CONTRACT_R_SUBSIDY_PAYEE_NOT_MERCHANT);
	assert_int_equal(spend(&f, id, f.consumer, f.grocery, YUAN(10), CONTRACT_SPEND_TO_BANK),
			 CONTRACT_R_SUBSIDY_REDEMPTION_FORBIDDEN);
	assert_int_equal(spend(&f, id, f.consumer, f.grocery, YUAN(120), 0), SZ_R_OK);
	assert_int_equal(spend(&f, id, f.person, restaurant, YUAN(300), 0), SZ_R_OK);
	assert_int_equal(spend(&f, id, f.person, restaurant, 1, 0), CONTRACT_R_GRANT_INSUFFICIENT);
	assert_int_equal(spend(&f, id, f.district, f.grocery, 1, 0), CONTRACT_R_GRANT_NOT_FOUND);
	assert_int_equal(cu_balance(&f.x, f.grocery), YUAN(120));
	/* at expiry the unspent grants and budget go back to the issuer */
	f.x.t = expiry;
	assert_int_equal(spend(&f, id, f.consumer, f.grocery, YUAN(1), 0), CONTRACT_R_SUBSIDY_EXPIRED);
	const struct contract *c = get(&f, id);
	assert_int_equal(c->status, CONTRACT_EXPIRED);
	assert_int_equal(cu_balance(&f.x, f.district), YUAN(199000) + YUAN(1000) - YUAN(420));
	assert_int_equal(c->refunded_fen, YUAN(580));
	assert_int_equal(c->paid_fen, YUAN(420));
	assert_int_equal(c->grant_count, 2);
	assert_int_equal(grant(&f, id, f.consumer, 1), CONTRACT_R_CONTRACT_NOT_ACTIVE);
	/* expiry must be in the future and within the template */
	sc.id = cu_id(&f.x);
	sc.expires_at_ns = f.x.t;
	assert_int_equal(cu_run(&f.x, CONTRACT_CMD_SUBSIDY_CREATE, &sc, sizeof sc), CONTRACT_R_DEADLINE_INVALID);
	sc.expires_at_ns = f.x.t + 400 * NS_DAY;
	assert_int_equal(cu_run(&f.x, CONTRACT_CMD_SUBSIDY_CREATE, &sc, sizeof sc), CONTRACT_R_DEADLINE_INVALID);
	cu_release(&f.x);
}

static void test_conditional(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	sz_id party = sz_id_make(0xca, 1); /* e.g. the logistics company */
	sz_id a = cu_id(&f.x), b = cu_id(&f.x);
	uint64_t deadline = f.x.t + 7 * NS_DAY;
	struct contract_conditional_cmd c = { a, f.cond_t, f.consumer, f.grocery, party, YUAN(500), deadline, 1, 0 };
	assert_int_equal(cu_run(&f.x, CONTRACT_CMD_CONDITIONAL_CREATE, &c, sizeof c), SZ_R_OK);
	c.id = b;
	c.amount = YUAN(70);
	assert_int_equal(cu_run(&f.x, CONTRACT_CMD_CONDITIONAL_CREATE, &c, sizeof c), SZ_R_OK);
	c.id = cu_id(&f.x);
	c.condition_code = 2;
	assert_int_equal(cu_run(&f.x, CONTRACT_CMD_CONDITIONAL_CREATE, &c, sizeof c), CONTRACT_R_CONDITION_CODE_MISMATCH);
	assert_int_equal(cu_balance(&f.x, f.consumer), YUAN(10000) - YUAN(570));
	/* only the named party, only the named condition */
	assert_int_equal(event(&f, CONTRACT_CMD_CONDITION_POST, a, f.consumer, 1), CONTRACT_R_PARTY_MISMATCH);
	assert_int_equal(event(&f, CONTRACT_CMD_CONDITION_POST, a, party, 3), CONTRACT_R_CONDITION_CODE_MISMATCH);
	assert_int_equal(event(&f, CONTRACT_CMD_CONDITION_POST, a, party, 1), SZ_R_OK);
	assert_int_equal(cu_balance(&f.x, f.grocery), YUAN(500));
	assert_int_equal(get(&f, a)->status, CONTRACT_COMPLETED);
	assert_int_equal(event(&f, CONTRACT_CMD_CONDITION_POST, a, party, 1), CONTRACT_R_CONTRACT_NOT_ACTIVE);
	/* deadline passes: refunded */
	f.x.t = deadline;
	assert_int_equal(event(&f, CONTRACT_CMD_CONDITION_POST, b, party, 1), CONTRACT_R_CONTRACT_NOT_ACTIVE);
	assert_int_equal(get(&f, b)->status, CONTRACT_REFUNDED);
	assert_int_equal(cu_balance(&f.x, f.consumer), YUAN(10000) - YUAN(500));
	/* contract funding is held to the payer's wallet limits */
	sz_id small = cu_funded_wallet(&f.x, BANK, 4, YUAN(5000));
	c.id = cu_id(&f.x);
	c.payer_wallet_id = small;
	c.condition_code = 1;
	c.deadline_ns = f.x.t + NS_DAY;
	c.amount = YUAN(2000) + 1;
	assert_int_equal(cu_run(&f.x, CONTRACT_CMD_CONDITIONAL_CREATE, &c, sizeof c), CURRENCY_R_PER_PAYMENT_LIMIT_EXCEEDED);
	cu_release(&f.x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_templates_only),
		cmocka_unit_test(test_escrow_sessions),
		cmocka_unit_test(test_escrow_auto_complete_and_insolvency),
		cmocka_unit_test(test_subsidy),
		cmocka_unit_test(test_conditional),
	};
	return cmocka_run_group_tests_name("contract_programs", tests, NULL, NULL);
}
