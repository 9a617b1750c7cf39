/*
 * test_green_domain.c — the green domain through the engine with a real data
 * directory: factor-set activation pinned by digest, carbon accounts with
 * the acceptance examples of issue 6 (1,000 MWh South 2023 -> 404.20 t,
 * market based 426.72 t, 10^5 Nm3 gas -> 216.22 t), claim-once
 * certificates, explicit restatement (before/after, stored result
 * unchanged), pricing (LPR 3.00% -> 2.85%) with pinned terms, PCAF (500 t),
 * CERF, taxonomy tags, ESG, idempotency, and identical state digests after
 * restart, replay without snapshots and verified replay.
 */
#include "testutil.h"

#include "core/errors.h"
#include "core/limits.h"
#include "engine/engine.h"
#include "engine/journal.h"
#include "green/domain.h"
#include "green/fixed.h"
#include "green/internal.h"

static char dir[64];
static uint64_t next_id = 1000;

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

static struct sz_engine *open_engine(struct sz_engine_config cfg)
{
	struct sz_engine *e = NULL;
	char why[512];
	cfg.data_dir = dir;
	cfg.check_invariants = true;
	int rc = sz_engine_open(&e, &cfg, why, sizeof why);
	if (rc != 0)
		fail_msg("open: %s", why);
	return e;
}

static uint32_t run1(struct sz_engine *e, uint16_t kind, const void *body, uint32_t size)
{
	static uint8_t buf[SZ_COMMAND_SIZE_MAX];
	uint32_t n = 0, result = 999;
	assert_true(size + sizeof(sz_command_header) <= sizeof buf);
	tu_append(buf, &n, kind, body, size);
	assert_int_equal(sz_engine_execute(e, buf, n, 1, &result), 0);
	return result;
}

static const struct green_domain_state *G(struct sz_engine *e)
{
	const struct green_domain_state *g = green_state_get(sz_engine_state(e));
	assert_non_null(g);
	return g;
}

static sz_id fresh_id(void) { return sz_id_make(7, next_id++); }

static uint64_t digest_of_set(struct sz_engine *e, const char *version)
{
	const green_factor_set *set = green_loaded_set_find(G(e), version);
	assert_non_null(set);
	return set->digest;
}

static uint32_t activate(struct sz_engine *e, sz_id id, const char *version, uint64_t digest)
{
	struct green_activate_cmd c;
	memset(&c, 0, sizeof c);
	c.id = id;
	strncpy(c.version, version, sizeof c.version - 1);
	c.digest = digest;
	return run1(e, GREEN_CMD_FACTOR_ACTIVATE, &c, sizeof c);
}

static struct green_account_cmd account_cmd(uint64_t enterprise, int32_t year, const char *province)
{
	struct green_account_cmd c;
	memset(&c, 0, sizeof c);
	c.id = fresh_id();
	c.account.enterprise_id = sz_id_make(0, enterprise);
	c.account.period_year = year;
	c.account.grid_series = GREEN_GRID_AVERAGE;
	strcpy(c.account.province, province);
	c.account.gwp = GREEN_GWP_AR6;
	return c;
}

static void add_cert(green_account *a, const char *serial, int64_t mwh_milli)
{
	strcpy(a->certs[a->cert_count].serial, serial);
	a->certs[a->cert_count].mwh_milli = mwh_milli;
	a->cert_count++;
	a->green_power_mwh_milli += mwh_milli;
}

static uint32_t submit(struct sz_engine *e, const struct green_account_cmd *c)
{
	return run1(e, GREEN_CMD_ACCOUNT_SUBMIT, c, sizeof *c);
}

static void tonnes(int64_t g, const char *expect)
{
	char t[32];
	assert_int_equal(green_format_fixed(t, sizeof t, green_g_to_t_e2(g), 2), 0);
	assert_string_equal(t, expect);
}

static const green_account_result *account_of(struct sz_engine *e, uint64_t enterprise, int32_t year)
{
	return green_account_find(G(e), sz_id_make(0, enterprise), year, NULL, NULL);
}

/* ---- factor sets --------------------------------------------------------------- */

static void test_data_loaded(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine((struct sz_engine_config){ 0 });
	assert_true(green_loaded_set_count(G(e)) >= 2);
	assert_non_null(green_loaded_set_find(G(e), "cn-2024.1"));
	assert_non_null(green_loaded_set_find(G(e), "cn-2025.1"));
	assert_int_equal(green_regions(G(e))->count, 31);
	assert_int_equal(green_taxonomy_get(G(e))->category_count, 9);
	assert_int_equal(green_active_count(G(e)), 0);
	assert_int_equal(sz_engine_close(e), 0);
}

static void test_activation_pins_digest(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine((struct sz_engine_config){ 0 });
	uint64_t d = digest_of_set(e, "cn-2025.1");
	assert_int_equal(activate(e, fresh_id(), "cn-2099.1", d), GREEN_R_FACTOR_SET_NOT_LOADED);
	assert_int_equal(activate(e, fresh_id(), "", d), GREEN_R_FACTOR_SET_NOT_LOADED);
	assert_int_equal(activate(e, fresh_id(), "cn-2025.1", d + 1), GREEN_R_FACTOR_DIGEST_MISMATCH);
	assert_int_equal(green_active_count(G(e)), 0);
	sz_id id = fresh_id();
	assert_int_equal(activate(e, id, "cn-2025.1", d), SZ_R_OK);
	/* idempotent: same id and fields; other fields under the same id */
	assert_int_equal(activate(e, id, "cn-2025.1", d), SZ_R_EXISTS);
	assert_int_equal(activate(e, id, "cn-2024.1", digest_of_set(e, "cn-2024.1")), SZ_R_EXISTS_WITH_DIFFERENT_FIELDS);
	assert_int_equal(activate(e, fresh_id(), "cn-2025.1", d), GREEN_R_FACTOR_SET_ALREADY_ACTIVE);
	assert_int_equal(activate(e, sz_id_make(0, 0), "cn-2024.1", d), SZ_R_ID_ZERO);
	assert_int_equal(green_active_count(G(e)), 1);
	const struct green_active_set *a = green_active_at(G(e), 0);
	assert_string_equal(a->version, "cn-2025.1");
	assert_int_equal(a->digest, d);
	assert_true(a->activated_ns > 0);
	/* a malformed envelope: wrong size for the kind, unknown kind */
	struct green_activate_cmd c;
	memset(&c, 0, sizeof c);
	c.id = fresh_id();
	assert_int_equal(run1(e, GREEN_CMD_FACTOR_ACTIVATE, &c, sizeof c - 8), SZ_R_COMMAND_INVALID);
	assert_int_equal(run1(e, SZ_CMD_GREEN_BASE + 0x40, &c, sizeof c), SZ_R_COMMAND_INVALID);
	/* bytes after the version's terminator must be zero */
	strcpy(c.version, "cn-2025.1");
	c.version[20] = 'x';
	c.digest = d;
	assert_int_equal(run1(e, GREEN_CMD_FACTOR_ACTIVATE, &c, sizeof c), SZ_R_RESERVED_NONZERO);
	assert_int_equal(sz_engine_close(e), 0);
}

/* ---- accounts ------------------------------------------------------------------- */

static void test_account_acceptance(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine((struct sz_engine_config){ 0 });
	struct green_account_cmd c = account_cmd(42, 2023, "CN-GD");
	c.account.electricity_mwh_milli = 1000000;
	add_cert(&c.account, "GEC-2023-000001", 300000);
	assert_int_equal(submit(e, &c), GREEN_R_FACTOR_SET_NOT_ACTIVE); /* nothing active yet */
	assert_int_equal(activate(e, fresh_id(), "cn-2025.1", digest_of_set(e, "cn-2025.1")), SZ_R_OK);
	assert_int_equal(submit(e, &c), SZ_R_OK);
	const green_account_result *r = account_of(e, 42, 2023);
	assert_non_null(r);
	tonnes(r->scope2_location_g, "404.20"); /* 1,000 MWh x South 2023 0.4042 */
	tonnes(r->scope2_market_g, "426.72");   /* 700 MWh x residual 0.6096 */
	assert_string_equal(r->factor_version, "cn-2025.1");
	assert_int_equal(r->factor_digest, digest_of_set(e, "cn-2025.1"));
	assert_true(r->flags & GREEN_FLAG_AREA_REGION);
	assert_true(r->flags & GREEN_FLAG_RESIDUAL_MIX);
	const green_cert_claim *claim = green_cert_find(G(e), "GEC-2023-000001");
	assert_non_null(claim);
	assert_true(sz_id_eq(claim->enterprise_id, sz_id_make(0, 42)));
	const struct green_account_meta *meta = NULL;
	assert_non_null(green_account_find(G(e), sz_id_make(0, 42), 2023, NULL, &meta));
	assert_int_equal(meta->data_quality, 2); /* metered energy: PCAF 2 */
	assert_int_equal(meta->evidence, GREEN_DQ_PRIMARY_ENERGY);

	/* retry of the same command: exists, nothing changes */
	assert_int_equal(submit(e, &c), SZ_R_EXISTS);
	struct green_account_cmd changed = c;
	changed.account.electricity_mwh_milli = 2000000;
	assert_int_equal(submit(e, &changed), SZ_R_EXISTS_WITH_DIFFERENT_FIELDS);
	/* a second account for the same period under a new id: restate instead */
	changed.id = fresh_id();
	changed.account.certs[0].serial[4] = '9';
	assert_int_equal(submit(e, &changed), GREEN_R_ACCOUNT_PERIOD_EXISTS);
	tonnes(account_of(e, 42, 2023)->scope2_location_g, "404.20");

	/* gas: 100,000 Nm3 natural gas -> 216.22 t (GB/T 32150 national tier) */
	struct green_account_cmd gas = account_cmd(43, 2023, "CN");
	strcpy(gas.account.fuels[0].fuel, "natural_gas");
	gas.account.fuels[0].activity_micro = 10000000;
	gas.account.fuel_count = 1;
	assert_int_equal(submit(e, &gas), SZ_R_OK);
	tonnes(account_of(e, 43, 2023)->scope1_g, "216.22");

	/* graded: total / value added against the industry average */
	struct green_account_cmd graded = account_cmd(44, 2023, "CN");
	graded.account.electricity_mwh_milli = 1000000; /* 530.60 t national */
	graded.account.value_added_fen = 5000000000;    /* ¥50m -> 0.1061 t per ¥10k */
	graded.industry_intensity_g_per_10k_yuan = 200000; /* industry 0.20 t */
	assert_int_equal(submit(e, &graded), SZ_R_OK);
	assert_non_null(green_account_find(G(e), sz_id_make(0, 44), 2023, NULL, &meta));
	assert_true(meta->flags & GREEN_META_HAS_GRADE);
	assert_int_equal(meta->grade.k_milli, 531); /* 0.10612 / 0.20 */
	assert_int_equal(meta->grade.grade, 1);

	/* invalid inputs are rejected and leave no trace */
	struct green_account_cmd bad = account_cmd(45, 2023, "GD");
	assert_int_equal(submit(e, &bad), GREEN_R_ACCOUNT_INVALID);
	bad = account_cmd(45, 2023, "CN");
	strcpy(bad.account.fuels[0].fuel, "unobtainium");
	bad.account.fuels[0].activity_micro = 1;
	bad.account.fuel_count = 1;
	assert_int_equal(submit(e, &bad), GREEN_R_FACTOR_MISSING);
	bad = account_cmd(45, 2023, "CN");
	bad.evidence = 9;
	assert_int_equal(submit(e, &bad), GREEN_R_EVIDENCE_INVALID);
	bad = account_cmd(45, 2023, "CN");
	bad.industry_intensity_g_per_10k_yuan = 200000; /* no value added */
	assert_int_equal(submit(e, &bad), GREEN_R_GRADE_INVALID);
	bad = account_cmd(45, 2023, "CN");
	strcpy(bad.factor_version, "cn-2024.1");
	assert_int_equal(submit(e, &bad), GREEN_R_FACTOR_SET_NOT_ACTIVE);
	strcpy(bad.factor_version, "cn-2025.1");
	bad.factor_digest = 1;
	assert_int_equal(submit(e, &bad), GREEN_R_FACTOR_DIGEST_MISMATCH);
	assert_null(account_of(e, 45, 2023));
	assert_int_equal(sz_engine_close(e), 0);
}

static void test_cert_claimed_once(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine((struct sz_engine_config){ 0 });
	assert_int_equal(activate(e, fresh_id(), "cn-2025.1", digest_of_set(e, "cn-2025.1")), SZ_R_OK);
	struct green_account_cmd a = account_cmd(1, 2023, "CN-GD");
	a.account.electricity_mwh_milli = 1000000;
	add_cert(&a.account, "GEC-A", 100000);
	assert_int_equal(submit(e, &a), SZ_R_OK);
	/* another enterprise, the same serial among fresh ones: all or nothing */
	struct green_account_cmd b = account_cmd(2, 2023, "CN-GD");
	b.account.electricity_mwh_milli = 1000000;
	add_cert(&b.account, "GEC-B", 100000);
	add_cert(&b.account, "GEC-A", 100000);
	assert_int_equal(submit(e, &b), GREEN_R_CERT_ALREADY_CLAIMED);
	assert_null(account_of(e, 2, 2023));
	assert_null(green_cert_find(G(e), "GEC-B"));
	/* the same enterprise in another period cannot count it again either */
	struct green_account_cmd c = account_cmd(1, 2024, "CN-GD");
	c.account.electricity_mwh_milli = 1000000;
	add_cert(&c.account, "GEC-A", 100000);
	assert_int_equal(submit(e, &c), GREEN_R_CERT_ALREADY_CLAIMED);
	const green_cert_claim *claim = green_cert_find(G(e), "GEC-A");
	assert_true(sz_id_eq(claim->enterprise_id, sz_id_make(0, 1)));
	assert_int_equal(claim->period_year, 2023);
	/* without the taken serial it goes through */
	b.id = fresh_id();
	memset(&b.account.certs[1], 0, sizeof b.account.certs[1]);
	b.account.cert_count = 1;
	b.account.green_power_mwh_milli = 100000;
	assert_int_equal(submit(e, &b), SZ_R_OK);
	assert_non_null(green_cert_find(G(e), "GEC-B"));
	assert_int_equal(sz_engine_close(e), 0);
}

static void test_restatement(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine((struct sz_engine_config){ 0 });
	uint64_t d24 = digest_of_set(e, "cn-2024.1"), d25 = digest_of_set(e, "cn-2025.1");
	assert_int_equal(activate(e, fresh_id(), "cn-2024.1", d24), SZ_R_OK);
	struct green_account_cmd c = account_cmd(42, 2023, "CN-GD");
	c.account.electricity_mwh_milli = 1000000;
	assert_int_equal(submit(e, &c), SZ_R_OK);
	const green_account_result *r = account_of(e, 42, 2023);
	tonnes(r->scope2_location_g, "386.90"); /* South 2022 0.3869: the latest year in cn-2024.1 */
	assert_true(r->flags & GREEN_FLAG_YEAR_EARLIER);
	assert_string_equal(r->factor_version, "cn-2024.1");
	green_account_result kept = *r;

	struct green_restate_cmd rs;
	memset(&rs, 0, sizeof rs);
	rs.id = fresh_id();
	rs.enterprise_id = sz_id_make(0, 42);
	rs.period_year = 2023;
	strcpy(rs.factor_version, "cn-2025.1");
	assert_int_equal(run1(e, GREEN_CMD_RESTATE, &rs, sizeof rs), GREEN_R_FACTOR_SET_NOT_ACTIVE);
	/* a newer set is activated: old results stay as they were */
	assert_int_equal(activate(e, fresh_id(), "cn-2025.1", d25), SZ_R_OK);
	assert_memory_equal(account_of(e, 42, 2023), &kept, sizeof kept);
	rs.factor_digest = d25 + 1;
	assert_int_equal(run1(e, GREEN_CMD_RESTATE, &rs, sizeof rs), GREEN_R_FACTOR_DIGEST_MISMATCH);
	rs.factor_digest = 0;
	assert_int_equal(run1(e, GREEN_CMD_RESTATE, &rs, sizeof rs), SZ_R_OK);
	assert_int_equal(run1(e, GREEN_CMD_RESTATE, &rs, sizeof rs), SZ_R_EXISTS);
	uint32_t cursor = 0;
	const green_restatement *x = green_restatement_next(G(e), sz_id_make(0, 42), 2023, &cursor);
	assert_non_null(x);
	tonnes(x->before.scope2_location_g, "386.90");
	tonnes(x->after.scope2_location_g, "404.20");
	assert_string_equal(x->before.factor_version, "cn-2024.1");
	assert_string_equal(x->after.factor_version, "cn-2025.1");
	assert_int_equal(x->delta_total_g, 404200000 - 386900000);
	assert_null(green_restatement_next(G(e), sz_id_make(0, 42), 2023, &cursor));
	/* the stored result is unchanged by the restatement */
	assert_memory_equal(account_of(e, 42, 2023), &kept, sizeof kept);
	/* restating under the stored result's own set is refused; so is a missing account */
	rs.id = fresh_id();
	strcpy(rs.factor_version, "cn-2024.1");
	assert_int_equal(run1(e, GREEN_CMD_RESTATE, &rs, sizeof rs), GREEN_R_RESTATE_SAME_SET);
	rs.id = fresh_id();
	strcpy(rs.factor_version, "cn-2025.1");
	rs.period_year = 2022;
	assert_int_equal(run1(e, GREEN_CMD_RESTATE, &rs, sizeof rs), GREEN_R_ACCOUNT_NOT_FOUND);
	/* new accounts default to the newest active set */
	struct green_account_cmd n = account_cmd(43, 2023, "CN-GD");
	n.account.electricity_mwh_milli = 1000000;
	assert_int_equal(submit(e, &n), SZ_R_OK);
	assert_string_equal(account_of(e, 43, 2023)->factor_version, "cn-2025.1");
	tonnes(account_of(e, 43, 2023)->scope2_location_g, "404.20");
	assert_int_equal(sz_engine_close(e), 0);
}

/* ---- finance --------------------------------------------------------------------- */

#define BP4(bp) ((int64_t)(bp) * 10000)

static void setup_account(struct sz_engine *e, uint64_t enterprise)
{
	if (green_active_count(G(e)) == 0)
		assert_int_equal(activate(e, fresh_id(), "cn-2025.1", digest_of_set(e, "cn-2025.1")), SZ_R_OK);
	struct green_account_cmd c = account_cmd(enterprise, 2023, "CN-GD");
	c.account.electricity_mwh_milli = 1000000;
	assert_int_equal(submit(e, &c), SZ_R_OK);
}

static struct green_price_cmd price_cmd(uint64_t loan, uint64_t enterprise, int32_t score)
{
	struct green_price_cmd p;
	memset(&p, 0, sizeof p);
	p.id = fresh_id();
	p.loan_id = sz_id_make(0, loan);
	p.enterprise_id = sz_id_make(0, enterprise);
	p.bank_tenant_id = 7;
	p.base_rate_bp4 = BP4(300);
	p.period_year = 2023;
	p.score = score;
	return p;
}

static void test_pricing(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine((struct sz_engine_config){ 0 });
	setup_account(e, 42);
	struct green_policy_cmd pol;
	memset(&pol, 0, sizeof pol);
	pol.id = fresh_id();
	pol.bank_tenant_id = 7;
	green_pricing_policy_default(&pol.policy);
	pol.policy.cap_bp4 = -1;
	assert_int_equal(run1(e, GREEN_CMD_PRICING_POLICY, &pol, sizeof pol), GREEN_R_POLICY_INVALID);
	pol.policy.cap_bp4 = BP4(15);
	pol.bank_tenant_id = 0;
	assert_int_equal(run1(e, GREEN_CMD_PRICING_POLICY, &pol, sizeof pol), GREEN_R_TENANT_INVALID);
	pol.bank_tenant_id = 7;
	assert_int_equal(run1(e, GREEN_CMD_PRICING_POLICY, &pol, sizeof pol), SZ_R_OK);
	assert_int_equal(green_policy_find(G(e), 7)->version, 1);

	/* base score 60, score 78, 1 bp per point capped at 15 bp: 3.00% -> 2.85% */
	struct green_price_cmd p = price_cmd(900, 42, 78);
	assert_int_equal(run1(e, GREEN_CMD_LOAN_PRICE, &p, sizeof p), SZ_R_OK);
	const struct green_loan *loan = green_loan_find(G(e), sz_id_make(0, 900));
	assert_non_null(loan);
	assert_int_equal(loan->terms.rate_bp4, BP4(285));
	assert_int_equal(loan->terms.discount_bp4, BP4(15));
	assert_int_equal(loan->terms.data_quality, 2); /* from the account */
	assert_string_equal(loan->terms.factor_version, "cn-2025.1");
	assert_int_equal(loan->terms.factor_digest, digest_of_set(e, "cn-2025.1"));
	assert_int_equal(loan->policy_version, 1);
	assert_int_equal(green_pricing_rederive(&loan->terms), SZ_OK);
	assert_int_equal(run1(e, GREEN_CMD_LOAN_PRICE, &p, sizeof p), SZ_R_EXISTS);
	/* a policy change does not touch pinned terms; a loan is priced once */
	pol.id = fresh_id();
	pol.policy.cap_bp4 = BP4(5);
	assert_int_equal(run1(e, GREEN_CMD_PRICING_POLICY, &pol, sizeof pol), SZ_R_OK);
	assert_int_equal(green_policy_find(G(e), 7)->version, 2);
	assert_int_equal(green_loan_find(G(e), sz_id_make(0, 900))->terms.rate_bp4, BP4(285));
	struct green_price_cmd again = price_cmd(900, 42, 78);
	assert_int_equal(run1(e, GREEN_CMD_LOAN_PRICE, &again, sizeof again), GREEN_R_LOAN_ALREADY_PRICED);
	struct green_price_cmd other = price_cmd(901, 42, 78);
	assert_int_equal(run1(e, GREEN_CMD_LOAN_PRICE, &other, sizeof other), SZ_R_OK);
	assert_int_equal(green_loan_find(G(e), sz_id_make(0, 901))->terms.rate_bp4, BP4(295));
	/* errors */
	struct green_price_cmd bad = price_cmd(902, 99, 78);
	assert_int_equal(run1(e, GREEN_CMD_LOAN_PRICE, &bad, sizeof bad), GREEN_R_ACCOUNT_NOT_FOUND);
	bad = price_cmd(902, 42, 1001);
	assert_int_equal(run1(e, GREEN_CMD_LOAN_PRICE, &bad, sizeof bad), GREEN_R_PRICING_INPUT_INVALID);
	bad = price_cmd(902, 42, 0);
	bad.flags = GREEN_PRICE_SCORE_FROM_ESG;
	assert_int_equal(run1(e, GREEN_CMD_LOAN_PRICE, &bad, sizeof bad), GREEN_R_ESG_NOT_FOUND);
	bad.flags = 0x80;
	assert_int_equal(run1(e, GREEN_CMD_LOAN_PRICE, &bad, sizeof bad), SZ_R_FLAGS_INVALID);
	bad = price_cmd(902, 42, 78);
	bad.bank_tenant_id = 8; /* no policy: the default one (cap 15 bp) */
	assert_int_equal(run1(e, GREEN_CMD_LOAN_PRICE, &bad, sizeof bad), SZ_R_OK);
	assert_int_equal(green_loan_find(G(e), sz_id_make(0, 902))->policy_version, 0);
	assert_int_equal(green_loan_find(G(e), sz_id_make(0, 902))->terms.rate_bp4, BP4(285));
	assert_int_equal(sz_engine_close(e), 0);
}

static void test_esg_priced(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine((struct sz_engine_config){ 0 });
	setup_account(e, 42);
	static struct green_esg_cmd c;
	memset(&c, 0, sizeof c);
	c.id = fresh_id();
	c.enterprise_id = sz_id_make(0, 42);
	c.period_year = 2023;
	c.peer_count = 3;
	c.subject = 0;
	/* carbon_intensity-, green_power_share+, injury_rate-, social_insurance+, independent_directors+, penalties- */
	const int64_t rows[3][6] = { { 1, 90, 1, 100, 5, 0 }, { 5, 10, 5, 50, 1, 3 }, { 3, 50, 3, 75, 3, 1 } };
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < 6; k++)
			c.values[i * 6 + k] = rows[i][k];
	c.subject = 3;
	assert_int_equal(run1(e, GREEN_CMD_ESG, &c, sizeof c), GREEN_R_ESG_INVALID);
	c.subject = 0;
	c.period_year = 2022;
	assert_int_equal(run1(e, GREEN_CMD_ESG, &c, sizeof c), GREEN_R_ACCOUNT_NOT_FOUND);
	c.period_year = 2023;
	assert_int_equal(run1(e, GREEN_CMD_ESG, &c, sizeof c), SZ_R_OK);
	const struct green_account_meta *meta = NULL;
	assert_non_null(green_account_find(G(e), sz_id_make(0, 42), 2023, NULL, &meta));
	assert_true(meta->flags & GREEN_META_HAS_ESG);
	assert_int_equal(meta->esg.score_centi, 10000); /* best on every indicator */
	c.id = fresh_id();
	assert_int_equal(run1(e, GREEN_CMD_ESG, &c, sizeof c), GREEN_R_ESG_EXISTS);
	/* the price takes the ESG score: 100 points, 40 over base, capped at 15 bp */
	struct green_price_cmd p = price_cmd(910, 42, 0);
	p.flags = GREEN_PRICE_SCORE_FROM_ESG;
	assert_int_equal(run1(e, GREEN_CMD_LOAN_PRICE, &p, sizeof p), SZ_R_OK);
	const struct green_loan *loan = green_loan_find(G(e), sz_id_make(0, 910));
	assert_int_equal(loan->terms.score, 100);
	assert_int_equal(loan->terms.rate_bp4, BP4(285));
	assert_int_equal(sz_engine_close(e), 0);
}

static struct green_position_cmd position_cmd(uint64_t loan, int64_t outstanding, int64_t equity, int64_t debt)
{
	struct green_position_cmd c;
	memset(&c, 0, sizeof c);
	c.id = fresh_id();
	c.bank_tenant_id = 7;
	c.position.loan_id = sz_id_make(0, loan);
	c.position.outstanding_fen = outstanding;
	c.position.equity_fen = equity;
	c.position.debt_fen = debt;
	c.position.company_kind = GREEN_COMPANY_PRIVATE;
	return c;
}

static void test_pcaf_book(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine((struct sz_engine_config){ 0 });
	setup_account(e, 42); /* 404.20 t */
	/* ¥10m of equity ¥40m + debt ¥60m, 5,000 t -> attribution 0.10 -> 500 t */
	struct green_position_cmd c = position_cmd(1, 1000000000, 4000000000, 6000000000);
	c.position.emissions_g = 5000000000;
	c.position.data_quality = 2;
	assert_int_equal(run1(e, GREEN_CMD_POSITION, &c, sizeof c), SZ_R_OK);
	const struct green_position_record *p = green_position_find(G(e), sz_id_make(0, 1));
	assert_int_equal(p->result.attribution_ppm, 100000);
	tonnes(p->result.financed_g, "500.00");
	assert_int_equal(run1(e, GREEN_CMD_POSITION, &c, sizeof c), SZ_R_EXISTS);
	c.id = fresh_id();
	assert_int_equal(run1(e, GREEN_CMD_POSITION, &c, sizeof c), GREEN_R_POSITION_EXISTS);
	/* emissions and data quality from the enterprise's account: 0.5 x 404.20 */
	struct green_position_cmd a = position_cmd(2, 1000000000, 1000000000, 1000000000);
	a.enterprise_id = sz_id_make(0, 42);
	a.period_year = 2023;
	assert_int_equal(run1(e, GREEN_CMD_POSITION, &a, sizeof a), SZ_R_OK);
	p = green_position_find(G(e), sz_id_make(0, 2));
	assert_true(p->flags & GREEN_POSITION_FROM_ACCOUNT);
	assert_int_equal(p->position.data_quality, 2);
	tonnes(p->result.financed_g, "202.10");
	/* another bank's book is separate */
	struct green_position_cmd o = position_cmd(3, 100, 100, 100);
	o.bank_tenant_id = 8;
	o.position.emissions_g = 1000000;
	o.position.data_quality = 5;
	assert_int_equal(run1(e, GREEN_CMD_POSITION, &o, sizeof o), SZ_R_OK);
	green_pcaf_book book;
	assert_int_equal(green_book_compute(G(e), 7, &book), 0);
	assert_int_equal(book.position_count, 2);
	tonnes(book.financed_g, "702.10");
	assert_int_equal(book.outstanding_fen, 2000000000);
	assert_int_equal(book.data_quality_centi, 200);
	/* invalid */
	struct green_position_cmd bad = position_cmd(4, 100, 0, 0);
	bad.position.emissions_g = 1;
	bad.position.data_quality = 2;
	assert_int_equal(run1(e, GREEN_CMD_POSITION, &bad, sizeof bad), GREEN_R_POSITION_INVALID);
	bad = position_cmd(4, 100, 100, 100);
	bad.enterprise_id = sz_id_make(0, 77);
	bad.period_year = 2023;
	assert_int_equal(run1(e, GREEN_CMD_POSITION, &bad, sizeof bad), GREEN_R_ACCOUNT_NOT_FOUND);
	assert_int_equal(sz_engine_close(e), 0);
}

static void test_cerf_and_tags(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine((struct sz_engine_config){ 0 });
	struct green_cerf_cmd c;
	memset(&c, 0, sizeof c);
	c.id = fresh_id();
	c.bank_tenant_id = 7;
	c.loan.loan_id = sz_id_make(0, 3);
	c.loan.principal_fen = 1000000000;
	c.loan.project_investment_fen = 4000000000;
	c.loan.project_reduction_g = 20000000000;
	c.loan.area = GREEN_CERF_AREA_CLEAN_ENERGY;
	c.loan.lender_eligible = 1;
	c.loan.term_days = 365;
	assert_int_equal(run1(e, GREEN_CMD_CERF, &c, sizeof c), SZ_R_OK);
	const struct green_cerf_record *r = green_cerf_find(G(e), sz_id_make(0, 3));
	assert_int_equal(r->result.qualifies, 1);
	assert_int_equal(r->result.refinance_fen, 600000000);
	assert_int_equal(r->result.annual_cost_fen, 10500000);
	assert_int_equal(r->policy.share_bp, 6000); /* the default, recorded */
	c.id = fresh_id();
	assert_int_equal(run1(e, GREEN_CMD_CERF, &c, sizeof c), GREEN_R_CERF_EXISTS);
	c.loan.loan_id = sz_id_make(0, 4);
	c.loan.principal_fen = 5000000000; /* over the investment */
	assert_int_equal(run1(e, GREEN_CMD_CERF, &c, sizeof c), GREEN_R_CERF_INVALID);

	struct green_tag_cmd t;
	memset(&t, 0, sizeof t);
	t.id = fresh_id();
	t.bank_tenant_id = 7;
	t.instrument_id = sz_id_make(0, 3);
	t.instrument_kind = GREEN_INSTRUMENT_LOAN;
	t.edition = 2021;
	strcpy(t.code, "3.2");
	assert_int_equal(run1(e, GREEN_CMD_TAG, &t, sizeof t), SZ_R_OK);
	assert_int_equal(green_tag_find(G(e), sz_id_make(0, 3))->tag.category_2025, 4);
	t.id = fresh_id();
	assert_int_equal(run1(e, GREEN_CMD_TAG, &t, sizeof t), GREEN_R_TAG_EXISTS);
	t.instrument_id = sz_id_make(0, 5);
	memset(t.code, 0, sizeof t.code);
	strcpy(t.code, "1"); /* split 2021 category: tag the second level */
	assert_int_equal(run1(e, GREEN_CMD_TAG, &t, sizeof t), GREEN_R_TAXONOMY_CODE_INVALID);
	strcpy(t.code, "9.9");
	assert_int_equal(run1(e, GREEN_CMD_TAG, &t, sizeof t), GREEN_R_TAXONOMY_CODE_UNKNOWN);
	memset(t.code, 0, sizeof t.code);
	strcpy(t.code, "6");
	t.edition = 2025;
	t.instrument_kind = GREEN_INSTRUMENT_BOND;
	assert_int_equal(run1(e, GREEN_CMD_TAG, &t, sizeof t), SZ_R_OK);
	assert_int_equal(green_tag_find(G(e), sz_id_make(0, 5))->tag.category_2025, 6);
	assert_int_equal(sz_engine_close(e), 0);
}

/* ---- durability --------------------------------------------------------------------- */

static void populate(struct sz_engine *e)
{
	assert_int_equal(activate(e, fresh_id(), "cn-2024.1", digest_of_set(e, "cn-2024.1")), SZ_R_OK);
	for (uint64_t k = 1; k <= 12; k++) {
		struct green_account_cmd c = account_cmd(k, 2023, k % 2 ? "CN-GD" : "CN-BJ");
		c.account.electricity_mwh_milli = (int64_t)k * 100000;
		char serial[32];
		snprintf(serial, sizeof serial, "GEC-%llu", (unsigned long long)k);
		add_cert(&c.account, serial, 1000);
		assert_int_equal(submit(e, &c), SZ_R_OK);
	}
	assert_int_equal(activate(e, fresh_id(), "cn-2025.1", digest_of_set(e, "cn-2025.1")), SZ_R_OK);
	struct green_restate_cmd rs;
	memset(&rs, 0, sizeof rs);
	rs.id = fresh_id();
	rs.enterprise_id = sz_id_make(0, 3);
	rs.period_year = 2023;
	strcpy(rs.factor_version, "cn-2025.1");
	assert_int_equal(run1(e, GREEN_CMD_RESTATE, &rs, sizeof rs), SZ_R_OK);
	struct green_policy_cmd pol;
	memset(&pol, 0, sizeof pol);
	pol.id = fresh_id();
	pol.bank_tenant_id = 7;
	green_pricing_policy_default(&pol.policy);
	assert_int_equal(run1(e, GREEN_CMD_PRICING_POLICY, &pol, sizeof pol), SZ_R_OK);
	struct green_price_cmd p = price_cmd(500, 3, 78);
	assert_int_equal(run1(e, GREEN_CMD_LOAN_PRICE, &p, sizeof p), SZ_R_OK);
	struct green_position_cmd pos = position_cmd(500, 1000000000, 4000000000, 6000000000);
	pos.enterprise_id = sz_id_make(0, 3);
	pos.period_year = 2023;
	assert_int_equal(run1(e, GREEN_CMD_POSITION, &pos, sizeof pos), SZ_R_OK);
	struct green_tag_cmd t;
	memset(&t, 0, sizeof t);
	t.id = fresh_id();
	t.bank_tenant_id = 7;
	t.instrument_id = sz_id_make(0, 500);
	t.instrument_kind = GREEN_INSTRUMENT_LOAN;
	t.edition = 2025;
	strcpy(t.code, "4");
	assert_int_equal(run1(e, GREEN_CMD_TAG, &t, sizeof t), SZ_R_OK);
	struct green_cerf_cmd cf;
	memset(&cf, 0, sizeof cf);
	cf.id = fresh_id();
	cf.bank_tenant_id = 7;
	cf.loan.loan_id = sz_id_make(0, 500);
	cf.loan.principal_fen = 100000;
	cf.loan.project_investment_fen = 200000;
	cf.loan.project_reduction_g = 1000000;
	cf.loan.area = GREEN_CERF_AREA_ENERGY_SAVING;
	cf.loan.lender_eligible = 1;
	cf.loan.term_days = 180;
	assert_int_equal(run1(e, GREEN_CMD_CERF, &cf, sizeof cf), SZ_R_OK);
}

static void check_after_restart(struct sz_engine *e, const uint8_t before[32])
{
	uint8_t after[32];
	sz_state_digest(sz_engine_state(e), after);
	assert_memory_equal(before, after, 32);
	tonnes(account_of(e, 1, 2023)->scope2_location_g, "38.69"); /* 100 MWh x 0.3869 (cn-2024.1) */
	assert_non_null(green_cert_find(G(e), "GEC-12"));
	assert_int_equal(green_loan_find(G(e), sz_id_make(0, 500))->terms.rate_bp4, BP4(285));
	uint32_t cursor = 0;
	assert_non_null(green_restatement_next(G(e), sz_id_make(0, 3), 2023, &cursor));
	/* claims and ids survive: a double claim and a retry behave as before */
	struct green_account_cmd dup = account_cmd(99, 2023, "CN-GD");
	dup.account.electricity_mwh_milli = 1000;
	add_cert(&dup.account, "GEC-5", 1000);
	assert_int_equal(submit(e, &dup), GREEN_R_CERT_ALREADY_CLAIMED);
	assert_int_equal(activate(e, fresh_id(), "cn-2025.1", digest_of_set(e, "cn-2025.1")),
			 GREEN_R_FACTOR_SET_ALREADY_ACTIVE);
}

static void test_restart_and_replay(void **state)
{
	(void)state;
	struct sz_engine_config cfg = { .snapshot_every_batches = 7 };
	struct sz_engine *e = open_engine(cfg);
	populate(e);
	uint8_t before[32];
	sz_state_digest(sz_engine_state(e), before);
	assert_int_equal(sz_engine_close(e), 0);
	/* restart from the final snapshot */
	e = open_engine(cfg);
	check_after_restart(e, before);
	sz_state_digest(sz_engine_state(e), before); /* failed commands changed nothing, but batches count */
	assert_int_equal(sz_engine_close(e), 0);
	/* verified replay from the log start: digests equal at every snapshot */
	cfg.verify_replay = true;
	e = open_engine(cfg);
	uint8_t after[32];
	sz_state_digest(sz_engine_state(e), after);
	assert_memory_equal(before, after, 32);
	assert_int_equal(sz_engine_close(e), 0);
	/* pure replay without any snapshot */
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -f %s/snapshots/*", dir);
	assert_int_equal(system(cmd), 0);
	cfg.verify_replay = false;
	e = open_engine(cfg);
	sz_state_digest(sz_engine_state(e), after);
	assert_memory_equal(before, after, 32);
	assert_int_equal(sz_engine_close(e), 0);
}

/* Start with factor files that differ from those the log was written with:
 * the snapshot naming cn-2025.1 is refused (the engine then replays the log
 * from its start), and the replay refuses every command pinned to the
 * cn-2025.1 digest, so no number is ever computed from other values under
 * that name. (The engine falls back to replay rather than stopping: the
 * state then lacks those commands; see the report on issue 6.) */
static void test_other_factor_files_refuse_to_start(void **state)
{
	(void)state;
	struct sz_engine_config cfg = { 0 };
	struct sz_engine *e = open_engine(cfg);
	populate(e);
	uint64_t d25 = digest_of_set(e, "cn-2025.1");
	assert_int_equal(sz_engine_close(e), 0);
	const char *root = getenv("SZFIN_ROOT");
	if (root == NULL || root[0] == '\0')
		root = ".";
	char green[128], cmd[1024];
	snprintf(green, sizeof green, "%s/green-env", dir);
	snprintf(cmd, sizeof cmd,
		 "mkdir -p %s/factors && cp -r %s/share/green/regions.csv %s/share/green/taxonomy %s/ && "
		 "cp %s/share/green/factors/cn-2024.1.csv %s/factors/ && "
		 "sed 's/0.4042/0.4043/' %s/share/green/factors/cn-2025.1.csv > %s/factors/cn-2025.1.csv",
		 green, root, root, green, root, green, root, green);
	assert_int_equal(system(cmd), 0);
	setenv("SZFIN_GREEN_DIR", green, 1);
	/* The snapshot was built with other factor files: the start is refused
	 * rather than replaying the log into a silently different state. */
	char why[512];
	cfg.data_dir = dir;
	struct sz_engine *refused = NULL;
	assert_int_equal(sz_engine_open(&refused, &cfg, why, sizeof why), SZ_ESTATE);
	assert_null(refused);
	/* Without snapshots the log is replayed; the outcomes recorded in the
	 * log differ from the replay's (the activation is now refused), and the
	 * replay stops there instead of carrying on with a different state. */
	char keep[256];
	snprintf(keep, sizeof keep, "mkdir -p %s/kept && mv %s/snapshots/* %s/kept/", dir, dir, dir);
	assert_int_equal(system(keep), 0);
	assert_int_equal(sz_engine_open(&refused, &cfg, why, sizeof why), SZ_ECORRUPT);
	assert_non_null(strstr(why, "replay diverged"));
	snprintf(keep, sizeof keep, "mv %s/kept/* %s/snapshots/", dir, dir);
	assert_int_equal(system(keep), 0);
	unsetenv("SZFIN_GREEN_DIR");
	/* With the original files the same directory opens again, unchanged. */
	e = open_engine(cfg);
	assert_int_equal(digest_of_set(e, "cn-2025.1"), d25);
	for (uint64_t k = 1; k <= 12; k++)
		assert_non_null(account_of(e, k, 2023));
	assert_int_equal(sz_engine_close(e), 0);
	unsetenv("SZFIN_GREEN_DIR");
}

/* The reserve callback grows every id index before a batch so that apply
 * never allocates: after reserving room for 1,500 commands, 1,500 positions
 * (1,500 position records and 1,500 ops) are applied and neither index's
 * bucket table moved or grew. Without the reserve the first table (1,024
 * buckets, load at most 1/2) would have grown at the 513th insert. */
static void test_reserve_before_batch(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine((struct sz_engine_config){ 0 });
	const struct sz_state *s = sz_engine_state(e);
	const struct sz_domain *d = NULL;
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].kind_base == SZ_CMD_GREEN_BASE)
			d = &s->domains[i];
	assert_non_null(d);
	assert_non_null(d->reserve);
	const struct green_domain_state *g = G(e);
	assert_int_equal(g->position_index.capacity, 1024);
	assert_int_equal(d->reserve(d->state, 0), 0);
	assert_int_equal(g->position_index.capacity, 1024); /* nothing to grow for */
	assert_int_equal(d->reserve(d->state, 1500), 0);
	assert_true(g->position_index.capacity >= 3000);
	assert_true(g->op_index.capacity >= 3000);
	const uint32_t *positions = g->position_index.buckets, *ops = g->op_index.buckets;
	uint32_t position_capacity = g->position_index.capacity, op_capacity = g->op_index.capacity;
	for (uint64_t k = 1; k <= 1500; k++) {
		struct green_position_cmd c = position_cmd(k, 100, 100, 100);
		c.position.emissions_g = 1000000;
		c.position.data_quality = 3;
		assert_int_equal(run1(e, GREEN_CMD_POSITION, &c, sizeof c), SZ_R_OK);
	}
	assert_int_equal(g->position_count, 1500);
	assert_ptr_equal(g->position_index.buckets, positions);
	assert_ptr_equal(g->op_index.buckets, ops);
	assert_int_equal(g->position_index.capacity, position_capacity);
	assert_int_equal(g->op_index.capacity, op_capacity);
	/* a reserve with records present rebuilds the table larger; every
	 * record is still found through it */
	assert_int_equal(d->reserve(d->state, 5000), 0);
	assert_true(g->position_index.capacity >= 2 * (1500 + 5000));
	assert_int_equal(g->position_index.count, 1500);
	for (uint64_t k = 1; k <= 1500; k++)
		assert_non_null(green_position_find(g, sz_id_make(0, k)));
	assert_int_equal(sz_engine_close(e), 0);
}

/* Apply one green command straight through the descriptor, as the engine
 * does inside a bracket (the engine is idle between executes). */
static uint32_t apply_direct(struct sz_engine *e, uint16_t kind, const void *body, uint32_t size)
{
	static uint8_t buf[SZ_COMMAND_SIZE_MAX];
	uint32_t n = 0;
	tu_append(buf, &n, kind, body, size);
	struct sz_state *s = (struct sz_state *)sz_engine_state(e);
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].kind_base == SZ_CMD_GREEN_BASE) {
			struct sz_apply_ctx ctx = { .batch_time_ns = 5, .timestamp_ns = 5 };
			return s->domains[i].apply(s, s->domains[i].state, &ctx, (const sz_command_header *)buf);
		}
	fail_msg("no green domain");
	return 0;
}

/* Every green command journals what it changes (engine/journal.h): eight
 * commands of every kind but tags (activation, an account with a
 * certificate, a restatement, a policy, a price, a position, a CERF
 * assessment, an ESG score) applied inside one bracket that is rolled back
 * leave the state digest exactly as before; applied again through the
 * engine each is new (SZ_R_OK, not SZ_R_EXISTS), and the certificate is
 * free to claim: the ops, the claim and every record were undone. */
static void test_journal_rolls_back_every_command(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine((struct sz_engine_config){ 0 });
	setup_account(e, 42); /* cn-2025.1 active, account 42/2023 */
	static struct green_account_cmd acc;
	acc = account_cmd(43, 2023, "CN-GD");
	acc.account.electricity_mwh_milli = 500000;
	add_cert(&acc.account, "GEC-RB-000001", 100000);
	struct green_activate_cmd act;
	memset(&act, 0, sizeof act);
	act.id = fresh_id();
	strcpy(act.version, "cn-2024.1");
	act.digest = digest_of_set(e, "cn-2024.1");
	struct green_restate_cmd rs;
	memset(&rs, 0, sizeof rs);
	rs.id = fresh_id();
	rs.enterprise_id = sz_id_make(0, 42);
	rs.period_year = 2023;
	strcpy(rs.factor_version, "cn-2024.1");
	struct green_policy_cmd pol;
	memset(&pol, 0, sizeof pol);
	pol.id = fresh_id();
	pol.bank_tenant_id = 7;
	green_pricing_policy_default(&pol.policy);
	struct green_price_cmd price = price_cmd(950, 42, 78);
	struct green_position_cmd pos = position_cmd(951, 100, 100, 100);
	pos.enterprise_id = sz_id_make(0, 42);
	pos.period_year = 2023;
	struct green_cerf_cmd cerf;
	memset(&cerf, 0, sizeof cerf);
	cerf.id = fresh_id();
	cerf.bank_tenant_id = 7;
	cerf.loan.loan_id = sz_id_make(0, 952);
	cerf.loan.principal_fen = 1000000000;
	cerf.loan.project_investment_fen = 4000000000;
	cerf.loan.project_reduction_g = 20000000000;
	cerf.loan.area = GREEN_CERF_AREA_CLEAN_ENERGY;
	cerf.loan.lender_eligible = 1;
	cerf.loan.term_days = 365;
	static struct green_esg_cmd esg;
	memset(&esg, 0, sizeof esg);
	esg.id = fresh_id();
	esg.enterprise_id = sz_id_make(0, 42);
	esg.period_year = 2023;
	esg.peer_count = 2;
	const int64_t rows[2][6] = { { 1, 90, 1, 100, 5, 0 }, { 5, 10, 5, 50, 1, 3 } };
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < 6; k++)
			esg.values[i * 6 + k] = rows[i][k];
	const struct {
		uint16_t kind;
		const void *body;
		uint32_t size;
	} cmds[] = {
		{ GREEN_CMD_FACTOR_ACTIVATE, &act, sizeof act }, { GREEN_CMD_ACCOUNT_SUBMIT, &acc, sizeof acc },
		{ GREEN_CMD_RESTATE, &rs, sizeof rs },          { GREEN_CMD_PRICING_POLICY, &pol, sizeof pol },
		{ GREEN_CMD_LOAN_PRICE, &price, sizeof price }, { GREEN_CMD_POSITION, &pos, sizeof pos },
		{ GREEN_CMD_CERF, &cerf, sizeof cerf },         { GREEN_CMD_ESG, &esg, sizeof esg },
	};
	const uint32_t count = sizeof cmds / sizeof cmds[0];
	uint8_t before[32], after[32];
	sz_state_digest(sz_engine_state(e), before);
	struct sz_journal j;
	assert_int_equal(sz_journal_init(&j), 0);
	sz_journal_attach(&j);
	sz_journal_mark mark = sz_journal_begin();
	for (uint32_t i = 0; i < count; i++)
		assert_int_equal(apply_direct(e, cmds[i].kind, cmds[i].body, cmds[i].size), SZ_R_OK);
	assert_non_null(green_cert_find(G(e), "GEC-RB-000001"));
	assert_int_equal(green_active_count(G(e)), 2);
	sz_journal_end(mark, false);
	sz_journal_attach(NULL);
	sz_journal_release(&j);
	sz_state_digest(sz_engine_state(e), after);
	assert_memory_equal(before, after, 32);
	assert_null(green_cert_find(G(e), "GEC-RB-000001"));
	assert_null(green_loan_find(G(e), sz_id_make(0, 950)));
	assert_int_equal(green_active_count(G(e)), 1);
	for (uint32_t i = 0; i < count; i++)
		assert_int_equal(run1(e, cmds[i].kind, cmds[i].body, cmds[i].size), SZ_R_OK);
	assert_non_null(green_cert_find(G(e), "GEC-RB-000001"));
	assert_non_null(green_loan_find(G(e), sz_id_make(0, 950)));
	assert_int_equal(sz_engine_close(e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_data_loaded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_activation_pins_digest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_account_acceptance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cert_claimed_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restatement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pricing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_esg_priced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pcaf_book, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cerf_and_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_and_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_factor_files_refuse_to_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserve_before_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_rolls_back_every_command, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
