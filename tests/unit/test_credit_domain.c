/*
 * test_credit_domain.c — the credit domain (src/credit/domain.h): most tests
 * apply batches to an sz_state directly with chosen batch times, so the
 * rules of time (purge after 5 years, 20-day objection deadline,
 * authorization expiry) are checked at their exact boundaries; the last
 * tests go through sz_engine with a real data directory for restart,
 * replay without snapshots and verified replay (identical digests).
 */
#include "ledger/ledger.h"
#include "testutil.h"

#include "core/errors.h"
#include "core/limits.h"
#include "credit/domain.h"
#include "credit/domain_internal.h"
#include "credit/scorecard_train.h"
#include "credit/uscc.h"
#include "engine/engine.h"
#include "log/snapshot.h"

#include <math.h>
#include <sodium.h>
#include <time.h>

#define S_NS 1000000000ull
#define DAY_NS (86400ull * S_NS)

static char dir[64];
static uint64_t next_id = 5000;
static struct sz_state st;
static uint64_t seq;
static uint64_t now_ns;

static sz_id fresh_id(void) { return sz_id_make(9, next_id++); }

/* A valid code: 17-character body from n, then its check character. */
static void uscc_make(uint32_t n, char out[CREDIT_USCC_FIELD_SIZE])
{
	memset(out, 0, CREDIT_USCC_FIELD_SIZE);
	snprintf(out, CREDIT_USCC_FIELD_SIZE, "914%05uMA5F0000X", n % 100000u);
	char check;
	assert_int_equal(credit_uscc_check_character(out, &check), 0);
	out[17] = check;
}

static uint64_t at(int32_t y, uint32_t m, uint32_t d, uint32_t hour)
{
	return credit_ns_of_day(credit_day_from_civil(y, m, d)) + hour * 3600ull * S_NS;
}

static int state_setup(void **unused)
{
	(void)unused;
	assert_int_equal(sz_state_init(&st), 0);
	assert_int_equal(ledger_domain_register(&st), 0);
	assert_int_equal(credit_domain_register(&st), 0);
	seq = 0;
	now_ns = at(2024, 6, 15, 10);
	return 0;
}

static int state_teardown(void **unused)
{
	(void)unused;
	char why[256];
	assert_int_equal(sz_state_check_invariants(&st, why, sizeof why), 0);
	sz_state_release(&st);
	return 0;
}

static const struct credit_domain_state *C(void) { return credit_state_get(&st); }

/* Apply one command in its own batch at time t (>= the previous batch). */
static uint32_t apply_at(uint64_t t, uint16_t kind, const void *body, uint32_t size)
{
	static uint8_t buf[SZ_COMMAND_SIZE_MAX];
	uint32_t n = 0, result = 999;
	assert_true(size + sizeof(sz_command_header) <= sizeof buf);
	tu_append(buf, &n, kind, body, size);
	if (t <= st.batch_time_ns)
		t = st.batch_time_ns + 1;
	sz_state_apply_batch(&st, ++seq, t, buf, n, 1, 0, &result);
	char why[256];
	if (sz_state_check_invariants(&st, why, sizeof why) != 0)
		fail_msg("invariants: %s", why);
	return result;
}

static uint32_t apply(uint16_t kind, const void *body, uint32_t size) { return apply_at(now_ns, kind, body, size); }

static struct credit_enterprise_cmd enterprise(uint32_t n)
{
	struct credit_enterprise_cmd c;
	memset(&c, 0, sizeof c);
	c.id = fresh_id();
	uscc_make(n, c.uscc);
	snprintf(c.name, sizeof c.name, "深圳测试科技有限公司 %u", n);
	strcpy(c.industry, "I6513");
	strcpy(c.district, "Nanshan");
	c.registered_capital_fen = 500000000; /* CNY 5 million */
	c.founded_day = credit_day_from_civil(2015, 6, 1);
	c.tags = CREDIT_TAG_SPECIALISED_NEW | CREDIT_TAG_HIGH_TECH;
	return c;
}

static uint32_t register_enterprise(uint32_t n)
{
	struct credit_enterprise_cmd c = enterprise(n);
	return apply(CREDIT_CMD_ENTERPRISE_REGISTER, &c, sizeof c);
}

static void head(struct credit_feed_head *h, uint32_t n, uint32_t count)
{
	h->id = fresh_id();
	uscc_make(n, h->uscc);
	strcpy(h->source, "shenzhen-tax");
	h->as_of_day = credit_day_of_ns(now_ns) - 1;
	h->count = count;
}

/* Months before the month of now: month_ago(1) is last month. */
static int32_t month_ago(int32_t k) { return credit_month_of_ns(now_ns) - k; }

static struct credit_tax_cmd tax_feed(uint32_t n, uint32_t count, int64_t per_month_fen)
{
	struct credit_tax_cmd c;
	memset(&c, 0, sizeof c);
	head(&c.head, n, count);
	strcpy(c.grade, "A");
	c.grade_year = 2023;
	for (uint32_t i = 0; i < count; i++)
		c.months[i] = (struct credit_month_row){ .month = month_ago((int32_t)(count - i)), .value = per_month_fen };
	return c;
}

static struct credit_negative_cmd negative(uint32_t n, int32_t y, uint32_t m, uint32_t d)
{
	struct credit_negative_cmd c;
	memset(&c, 0, sizeof c);
	head(&c.head, n, 0);
	memset(c.head.source, 0, sizeof c.head.source);
	strcpy(c.head.source, "court");
	c.kind = CREDIT_NEG_COURT_JUDGMENT;
	c.conduct_ended_day = credit_day_from_civil(y, m, d);
	c.amount_fen = 12345600;
	strcpy(c.reference, "(2019)粤0305民初123号");
	strcpy(c.summary, "contract dispute, judgment performed");
	return c;
}

static uint32_t authorize(uint32_t n, uint64_t tenant, uint16_t purpose, uint64_t expires_ns, sz_id *id)
{
	struct credit_authorize_cmd c;
	memset(&c, 0, sizeof c);
	c.id = fresh_id();
	uscc_make(n, c.uscc);
	c.tenant_id = tenant;
	c.token_id = sz_id_make(0, 77);
	c.expires_ns = expires_ns;
	c.purpose = purpose;
	if (id)
		*id = c.id;
	return apply(CREDIT_CMD_AUTHORIZE, &c, sizeof c);
}

static uint32_t query_at(uint64_t t, uint32_t n, uint64_t tenant, uint16_t purpose, uint16_t kind, sz_id *id)
{
	struct credit_query_cmd c;
	memset(&c, 0, sizeof c);
	c.id = fresh_id();
	uscc_make(n, c.uscc);
	c.tenant_id = tenant;
	c.user_token_id = sz_id_make(0, 88);
	c.purpose = purpose;
	c.kind = kind;
	if (id)
		*id = c.id;
	return apply_at(t, CREDIT_CMD_QUERY, &c, sizeof c);
}

static const struct credit_enterprise *E(uint32_t n)
{
	char uscc[CREDIT_USCC_FIELD_SIZE];
	uscc_make(n, uscc);
	int64_t i = credit_enterprise_find(C(), uscc);
	assert_true(i >= 0);
	return credit_enterprise_at(C(), (uint32_t)i);
}

/* ---- registry ------------------------------------------------------------------ */

static void test_register_and_idempotency(void **unused)
{
	(void)unused;
	struct credit_enterprise_cmd c = enterprise(1);
	assert_int_equal(apply(CREDIT_CMD_ENTERPRISE_REGISTER, &c, sizeof c), SZ_R_OK);
	assert_int_equal(apply(CREDIT_CMD_ENTERPRISE_REGISTER, &c, sizeof c), SZ_R_EXISTS);
	struct credit_enterprise_cmd other = c;
	other.registered_capital_fen++;
	assert_int_equal(apply(CREDIT_CMD_ENTERPRISE_REGISTER, &other, sizeof other), SZ_R_EXISTS_WITH_DIFFERENT_FIELDS);
	other.id = fresh_id();
	assert_int_equal(apply(CREDIT_CMD_ENTERPRISE_REGISTER, &other, sizeof other), CREDIT_R_ENTERPRISE_EXISTS);
	/* the default owner is the code's key */
	assert_true(sz_id_eq(E(1)->info.owner_id, credit_uscc_key(c.uscc)));

	struct credit_enterprise_cmd bad = enterprise(2);
	bad.uscc[17] = bad.uscc[17] == '0' ? '1' : '0';
	assert_int_equal(apply(CREDIT_CMD_ENTERPRISE_REGISTER, &bad, sizeof bad), CREDIT_R_USCC_INVALID);
	bad = enterprise(2);
	strcpy(bad.industry, "Z12");
	assert_int_equal(apply(CREDIT_CMD_ENTERPRISE_REGISTER, &bad, sizeof bad), CREDIT_R_RECORD_INVALID);
	bad = enterprise(2);
	bad.founded_day = credit_day_of_ns(now_ns) + 1; /* founded tomorrow */
	assert_int_equal(apply(CREDIT_CMD_ENTERPRISE_REGISTER, &bad, sizeof bad), CREDIT_R_RECORD_INVALID);
	bad = enterprise(2);
	bad.tags = 1u << 7;
	assert_int_equal(apply(CREDIT_CMD_ENTERPRISE_REGISTER, &bad, sizeof bad), CREDIT_R_RECORD_INVALID);
	bad = enterprise(2);
	bad.rep_id.box[0] = 1; /* sealed data without its mask */
	assert_int_equal(apply(CREDIT_CMD_ENTERPRISE_REGISTER, &bad, sizeof bad), CREDIT_R_RECORD_INVALID);
	assert_int_equal(credit_enterprise_count(C()), 1);

	/* update: personal data and owner kept when not given */
	struct credit_enterprise_cmd up = enterprise(1);
	memset(up.name, 0, sizeof up.name);
	strcpy(up.name, "renamed");
	assert_int_equal(apply(CREDIT_CMD_ENTERPRISE_UPDATE, &up, sizeof up), SZ_R_OK);
	assert_string_equal(E(1)->info.name, "renamed");
	assert_true(sz_id_eq(E(1)->info.owner_id, credit_uscc_key(c.uscc)));
	up = enterprise(3);
	assert_int_equal(apply(CREDIT_CMD_ENTERPRISE_UPDATE, &up, sizeof up), CREDIT_R_ENTERPRISE_NOT_FOUND);
	/* a malformed envelope */
	assert_int_equal(apply(CREDIT_CMD_ENTERPRISE_REGISTER, &c, sizeof c - 8), SZ_R_COMMAND_INVALID);
	sz_id zero = { 0, 0 };
	memcpy(&c.id, &zero, sizeof zero);
	assert_int_equal(apply(CREDIT_CMD_ENTERPRISE_REGISTER, &c, sizeof c), SZ_R_ID_ZERO);
}

/* ---- feeds --------------------------------------------------------------------- */

static void test_feeds_and_features(void **unused)
{
	(void)unused;
	assert_int_equal(register_enterprise(1), SZ_R_OK);
	struct credit_tax_cmd tax = tax_feed(1, 12, 1000000); /* CNY 10,000 a month */
	assert_int_equal(apply(CREDIT_CMD_FEED_TAX, &tax, sizeof tax), SZ_R_OK);
	assert_int_equal(E(1)->tax.count, 12);
	assert_string_equal(E(1)->tax_grade, "A");
	/* a future month, a repeated month, a negative value */
	struct credit_tax_cmd bad = tax_feed(1, 2, 1);
	bad.months[1].month = month_ago(-1);
	assert_int_equal(apply(CREDIT_CMD_FEED_TAX, &bad, sizeof bad), CREDIT_R_MONTH_INVALID);
	bad = tax_feed(1, 2, 1);
	bad.months[1].month = bad.months[0].month;
	assert_int_equal(apply(CREDIT_CMD_FEED_TAX, &bad, sizeof bad), CREDIT_R_MONTH_INVALID);
	bad = tax_feed(1, 2, -5);
	assert_int_equal(apply(CREDIT_CMD_FEED_TAX, &bad, sizeof bad), CREDIT_R_RECORD_INVALID);
	bad = tax_feed(1, 2, 1);
	strcpy(bad.grade, "Q");
	assert_int_equal(apply(CREDIT_CMD_FEED_TAX, &bad, sizeof bad), CREDIT_R_RECORD_INVALID);
	bad = tax_feed(2, 2, 1);
	assert_int_equal(apply(CREDIT_CMD_FEED_TAX, &bad, sizeof bad), CREDIT_R_ENTERPRISE_NOT_FOUND);
	/* a correction replaces one month */
	struct credit_tax_cmd fix = tax_feed(1, 1, 3000000);
	fix.months[0].month = month_ago(1);
	assert_int_equal(apply(CREDIT_CMD_FEED_TAX, &fix, sizeof fix), SZ_R_OK);
	assert_int_equal(E(1)->tax.count, 12);
	assert_int_equal(E(1)->tax.rows[11].value, 3000000);

	struct credit_headcount_cmd hc;
	memset(&hc, 0, sizeof hc);
	head(&hc.head, 1, 12);
	for (uint32_t i = 0; i < 12; i++)
		hc.months[i] = (struct credit_month_row){ .month = month_ago((int32_t)(12 - i)), .value = 100 + 10 * i };
	assert_int_equal(apply(CREDIT_CMD_FEED_HEADCOUNT, &hc, sizeof hc), SZ_R_OK);

	struct credit_ip_cmd ip;
	memset(&ip, 0, sizeof ip);
	head(&ip.head, 1, 3);
	const char *numbers[] = { "ZL201810000001.X", "ZL201920000002.1", "2021SR0000003" };
	uint16_t kinds[] = { CREDIT_IP_INVENTION, CREDIT_IP_UTILITY_MODEL, CREDIT_IP_SOFTWARE };
	for (uint32_t i = 0; i < 3; i++) {
		strcpy(ip.items[i].number, numbers[i]);
		ip.items[i].kind = kinds[i];
		ip.items[i].granted_day = credit_day_from_civil(2020, 1, 1);
	}
	ip.items[0].pledged = 1;
	assert_int_equal(apply(CREDIT_CMD_FEED_IP, &ip, sizeof ip), SZ_R_OK);
	assert_int_equal(E(1)->ip_count, 3);
	assert_int_equal(E(1)->invention_count, 1);
	assert_int_equal(E(1)->pledged_count, 1);
	/* the pledge is released: same number, updated in place */
	struct credit_ip_cmd release = ip;
	release.head.id = fresh_id();
	release.head.count = 1;
	memset(&release.items[1], 0, sizeof release.items[0] * 2);
	release.items[0].pledged = 0;
	assert_int_equal(apply(CREDIT_CMD_FEED_IP, &release, sizeof release), SZ_R_OK);
	assert_int_equal(E(1)->ip_count, 3);
	assert_int_equal(E(1)->pledged_count, 0);
	/* another enterprise cannot claim the same number */
	assert_int_equal(register_enterprise(2), SZ_R_OK);
	struct credit_ip_cmd steal = release;
	head(&steal.head, 2, 1);
	assert_int_equal(apply(CREDIT_CMD_FEED_IP, &steal, sizeof steal), CREDIT_R_WRONG_ENTERPRISE);

	struct credit_innovation_cmd inn;
	memset(&inn, 0, sizeof inn);
	head(&inn.head, 1, 0);
	inn.points = 720;
	assert_int_equal(apply(CREDIT_CMD_FEED_INNOVATION, &inn, sizeof inn), SZ_R_OK);
	inn.head.id = fresh_id();
	inn.points = 1001;
	assert_int_equal(apply(CREDIT_CMD_FEED_INNOVATION, &inn, sizeof inn), CREDIT_R_RECORD_INVALID);

	/* Figures are fixed point, 1/10,000 of the unit (scorecard.h). */
	int64_t x[CREDIT_FEATURE_COUNT];
	uint8_t labels[CREDIT_FEATURE_COUNT];
	credit_features(E(1), now_ns, x, labels);
	/* 11 months of 10,000 and one of 30,000 = 140,000 yuan = 14 (10k) = 140,000 e4 */
	assert_int_equal(x[CREDIT_FEATURE_TAX_PAID_12M_10K], 140000);
	/* last 6 months 80,000 against 60,000: +33.333...%; x 10,000 =
	 * 333,333.33..., rounded to nearest: 333,333 */
	assert_int_equal(x[CREDIT_FEATURE_TAX_GROWTH_PCT], 333333);
	assert_int_equal(x[CREDIT_FEATURE_HEADCOUNT], 2100000);
	/* 210 against 150 six months earlier: +40% */
	assert_int_equal(x[CREDIT_FEATURE_HEADCOUNT_GROWTH_PCT], 400000);
	assert_true(x[CREDIT_FEATURE_INVENTION_PATENTS] == 10000 && x[CREDIT_FEATURE_IP_TOTAL] == 30000);
	assert_int_equal(x[CREDIT_FEATURE_INNOVATION_POINTS], 7200000);
	assert_true(x[CREDIT_FEATURE_CASH_INFLOW_12M_10K] == SCORECARD_VALUE_MISSING);
	assert_string_equal(credit_feature_label(CREDIT_FEATURE_INDUSTRY_SECTION, labels[CREDIT_FEATURE_INDUSTRY_SECTION]), "I");
	assert_string_equal(credit_feature_label(CREDIT_FEATURE_TAX_GRADE, labels[CREDIT_FEATURE_TAX_GRADE]), "A");
	assert_string_equal(credit_feature_label(CREDIT_FEATURE_SPECIALISED_NEW, labels[CREDIT_FEATURE_SPECIALISED_NEW]), "yes");
	assert_true(x[CREDIT_FEATURE_AGE_YEARS] > 90000 && x[CREDIT_FEATURE_AGE_YEARS] < 91000);
}

/* ---- negative records: retention ----------------------------------------------------- */

static void test_negative_purge_after_five_years(void **unused)
{
	(void)unused;
	assert_int_equal(register_enterprise(1), SZ_R_OK);
	/* now 2024-06-15: conduct ended 2019-06-01 is past retention already */
	struct credit_negative_cmd old = negative(1, 2019, 6, 1);
	assert_int_equal(apply(CREDIT_CMD_FEED_NEGATIVE, &old, sizeof old), CREDIT_R_RECORD_EXPIRED);
	struct credit_negative_cmd n = negative(1, 2019, 6, 20);
	assert_int_equal(apply(CREDIT_CMD_FEED_NEGATIVE, &n, sizeof n), SZ_R_OK);
	struct credit_negative_cmd later = negative(1, 2020, 2, 29); /* leap day: purged 2025-03-01 */
	assert_int_equal(apply(CREDIT_CMD_FEED_NEGATIVE, &later, sizeof later), SZ_R_OK);
	assert_int_equal(E(1)->negative_count, 2);
	const struct credit_negative *rec = credit_negative_at(C(), 0);
	assert_int_equal(rec->purge_at_ns, at(2024, 6, 20, 0));
	assert_int_equal(credit_negative_at(C(), 1)->purge_at_ns, at(2025, 3, 1, 0));

	/* one nanosecond before midnight (UTC+8) of 2024-06-20: still kept */
	struct credit_innovation_cmd tick;
	memset(&tick, 0, sizeof tick);
	head(&tick.head, 1, 0);
	tick.points = 1;
	assert_int_equal(apply_at(at(2024, 6, 20, 0) - 1, CREDIT_CMD_FEED_INNOVATION, &tick, sizeof tick), SZ_R_OK);
	assert_int_equal(credit_purge_count(C()), 0);
	assert_int_equal(E(1)->negative_count, 2);
	tick.head.id = fresh_id();
	assert_int_equal(apply_at(at(2024, 6, 20, 0), CREDIT_CMD_FEED_INNOVATION, &tick, sizeof tick), SZ_R_OK);
	assert_int_equal(credit_purge_count(C()), 1);
	assert_int_equal(E(1)->negative_count, 1);
	const struct credit_purge *p = credit_purge_at(C(), 0);
	assert_true(sz_id_eq(p->record_id, n.head.id));
	assert_int_equal(p->purged_ns, at(2024, 6, 20, 0));
	assert_int_equal(p->conduct_ended_day, n.conduct_ended_day);
	/* the content is gone, the op is marked purged */
	assert_string_equal(credit_negative_at(C(), 0)->reference, "");
	assert_true(credit_op_find(C(), n.head.id)->flags & CREDIT_OP_PURGED);
	/* an objection to a purged record finds nothing */
	struct credit_objection_cmd o;
	memset(&o, 0, sizeof o);
	o.id = fresh_id();
	uscc_make(1, o.uscc);
	o.record_id = n.head.id;
	strcpy(o.reason, "old");
	assert_int_equal(apply_at(at(2024, 6, 21, 0), CREDIT_CMD_OBJECTION_FILE, &o, sizeof o), CREDIT_R_RECORD_NOT_FOUND);
	/* the leap-day record goes on 2025-03-01 */
	tick.head.id = fresh_id();
	tick.head.as_of_day = credit_day_from_civil(2025, 2, 27);
	assert_int_equal(apply_at(at(2025, 2, 28, 23), CREDIT_CMD_FEED_INNOVATION, &tick, sizeof tick), SZ_R_OK);
	assert_int_equal(credit_purge_count(C()), 1);
	tick.head.id = fresh_id();
	assert_int_equal(apply_at(at(2025, 3, 1, 0), CREDIT_CMD_FEED_INNOVATION, &tick, sizeof tick), SZ_R_OK);
	assert_int_equal(credit_purge_count(C()), 2);
	assert_int_equal(E(1)->negative_count, 0);
}

/* ---- consent and the query log --------------------------------------------------------- */

/* Found by fuzz/fuzz_credit_apply: conduct that ended before 1965 (its
 * purge day is before 1970, a negative day) stopped the server on an
 * assertion instead of being refused as expired; 1964-02-29 (purge day
 * 1969-03-01) and 1964-12-31 (purge day -1, the value that used to mean
 * "no such date") included. */
static void test_negative_before_1965_expired(void **unused)
{
	(void)unused;
	assert_int_equal(register_enterprise(1), SZ_R_OK);
	static const int32_t ended[][3] = { { 1900, 1, 1 }, { 1964, 2, 29 }, { 1964, 12, 31 }, { 1965, 1, 1 } };
	for (size_t i = 0; i < sizeof ended / sizeof ended[0]; i++) {
		struct credit_negative_cmd n = negative(1, ended[i][0], (uint32_t)ended[i][1], (uint32_t)ended[i][2]);
		assert_true(n.conduct_ended_day != -1 || ended[i][0] == 1969);
		assert_int_equal(apply(CREDIT_CMD_FEED_NEGATIVE, &n, sizeof n), CREDIT_R_RECORD_EXPIRED);
	}
	assert_int_equal(credit_enterprise_at(C(), 0)->negative_count, 0);
}

static void test_authorization_and_query_log(void **unused)
{
	(void)unused;
	assert_int_equal(register_enterprise(1), SZ_R_OK);
	assert_int_equal(query_at(now_ns, 1, 42, CREDIT_PURPOSE_LOAN_APPROVAL, CREDIT_QUERY_REPORT, NULL),
			 CREDIT_R_AUTHORIZATION_REQUIRED);
	sz_id auth;
	/* expiry in the past or beyond five years */
	assert_int_equal(authorize(1, 42, CREDIT_PURPOSE_LOAN_APPROVAL, now_ns, &auth), CREDIT_R_EXPIRY_INVALID);
	assert_int_equal(authorize(1, 42, CREDIT_PURPOSE_LOAN_APPROVAL, now_ns + 6 * 366 * DAY_NS, &auth),
			 CREDIT_R_EXPIRY_INVALID);
	assert_int_equal(authorize(1, 42, 9, now_ns + DAY_NS, &auth), CREDIT_R_RECORD_INVALID);
	uint64_t expires = now_ns + 30 * DAY_NS;
	assert_int_equal(authorize(1, 42, CREDIT_PURPOSE_LOAN_APPROVAL, expires, &auth), SZ_R_OK);
	sz_id q;
	assert_int_equal(query_at(now_ns, 1, 42, CREDIT_PURPOSE_LOAN_APPROVAL, CREDIT_QUERY_REPORT, &q), SZ_R_OK);
	/* another purpose, another institution */
	assert_int_equal(query_at(now_ns, 1, 42, CREDIT_PURPOSE_POST_LOAN, CREDIT_QUERY_REPORT, NULL),
			 CREDIT_R_AUTHORIZATION_REQUIRED);
	assert_int_equal(query_at(now_ns, 1, 43, CREDIT_PURPOSE_LOAN_APPROVAL, CREDIT_QUERY_REPORT, NULL),
			 CREDIT_R_AUTHORIZATION_REQUIRED);
	/* a score needs a model */
	assert_int_equal(query_at(now_ns, 1, 42, CREDIT_PURPOSE_LOAN_APPROVAL, CREDIT_QUERY_SCORE, NULL),
			 CREDIT_R_MODEL_NOT_ACTIVE);
	/* the query log: who, when, why, what */
	const struct credit_enterprise *e = E(1);
	assert_int_not_equal(e->query_head, 0);
	const struct credit_query *log = credit_query_at(C(), e->query_head - 1);
	assert_true(sz_id_eq(log->id, q));
	assert_int_equal(log->tenant_id, 42);
	assert_int_equal(log->purpose, CREDIT_PURPOSE_LOAN_APPROVAL);
	assert_true(sz_id_eq(log->user_token_id, sz_id_make(0, 88)));
	uint8_t hash[16];
	credit_report_hash(C(), 0, hash);
	assert_memory_equal(hash, log->content_hash, 16);
	/* the last nanosecond before expiry still works; at expiry it does not */
	assert_int_equal(query_at(expires - 1, 1, 42, CREDIT_PURPOSE_LOAN_APPROVAL, CREDIT_QUERY_REPORT, NULL), SZ_R_OK);
	assert_int_equal(query_at(expires, 1, 42, CREDIT_PURPOSE_LOAN_APPROVAL, CREDIT_QUERY_REPORT, NULL),
			 CREDIT_R_AUTHORIZATION_REQUIRED);
	/* revocation */
	now_ns = expires + DAY_NS;
	assert_int_equal(authorize(1, 43, CREDIT_PURPOSE_GUARANTEE, now_ns + DAY_NS, &auth), SZ_R_OK);
	assert_int_equal(query_at(now_ns, 1, 43, CREDIT_PURPOSE_GUARANTEE, CREDIT_QUERY_REPORT, NULL), SZ_R_OK);
	struct credit_revoke_cmd rv;
	memset(&rv, 0, sizeof rv);
	rv.id = fresh_id();
	rv.authorization_id = auth;
	uscc_make(2, rv.uscc);
	assert_int_equal(register_enterprise(2), SZ_R_OK);
	assert_int_equal(apply(CREDIT_CMD_AUTHORIZATION_REVOKE, &rv, sizeof rv), CREDIT_R_WRONG_ENTERPRISE);
	uscc_make(1, rv.uscc);
	assert_int_equal(apply(CREDIT_CMD_AUTHORIZATION_REVOKE, &rv, sizeof rv), SZ_R_OK);
	rv.id = fresh_id();
	assert_int_equal(apply(CREDIT_CMD_AUTHORIZATION_REVOKE, &rv, sizeof rv), CREDIT_R_AUTHORIZATION_REVOKED);
	assert_int_equal(query_at(now_ns, 1, 43, CREDIT_PURPOSE_GUARANTEE, CREDIT_QUERY_REPORT, NULL),
			 CREDIT_R_AUTHORIZATION_REQUIRED);
	/* four successful queries logged, refused ones leave no trace */
	uint32_t logged = 0;
	for (uint32_t link = E(1)->query_head; link; link = credit_query_at(C(), link - 1)->next)
		logged++;
	assert_int_equal(logged, 3);
}

/* ---- objections ------------------------------------------------------------------- */

static void test_objection_deadline_and_correction(void **unused)
{
	(void)unused;
	assert_int_equal(register_enterprise(1), SZ_R_OK);
	assert_int_equal(register_enterprise(2), SZ_R_OK);
	struct credit_negative_cmd n = negative(1, 2023, 1, 10);
	assert_int_equal(apply(CREDIT_CMD_FEED_NEGATIVE, &n, sizeof n), SZ_R_OK);
	struct credit_tax_cmd tax = tax_feed(1, 3, 100);
	assert_int_equal(apply(CREDIT_CMD_FEED_TAX, &tax, sizeof tax), SZ_R_OK);

	struct credit_objection_cmd o;
	memset(&o, 0, sizeof o);
	o.id = fresh_id();
	uscc_make(1, o.uscc);
	o.record_id = n.head.id;
	strcpy(o.reason, "the judgment was overturned on appeal");
	uint64_t filed = now_ns;
	assert_int_equal(apply(CREDIT_CMD_OBJECTION_FILE, &o, sizeof o), SZ_R_OK);
	assert_true(credit_op_find(C(), n.head.id)->flags & CREDIT_OP_DISPUTED); /* marked at once */
	struct credit_objection_cmd again = o;
	again.id = fresh_id();
	assert_int_equal(apply(CREDIT_CMD_OBJECTION_FILE, &again, sizeof again), CREDIT_R_OBJECTION_OPEN);
	uscc_make(2, again.uscc);
	assert_int_equal(apply(CREDIT_CMD_OBJECTION_FILE, &again, sizeof again), CREDIT_R_WRONG_ENTERPRISE);
	again = o;
	again.id = fresh_id();
	again.record_id = sz_id_make(1, 1);
	assert_int_equal(apply(CREDIT_CMD_OBJECTION_FILE, &again, sizeof again), CREDIT_R_RECORD_NOT_FOUND);
	/* a second objection, on the tax feed */
	struct credit_objection_cmd o2 = o;
	o2.id = fresh_id();
	o2.record_id = tax.head.id;
	assert_int_equal(apply(CREDIT_CMD_OBJECTION_FILE, &o2, sizeof o2), SZ_R_OK);

	const struct credit_objection *rec = credit_objection_at(C(), 0);
	assert_true(rec->filed_ns >= filed && rec->filed_ns < filed + 100); /* batch time of this test's sequence */
	filed = rec->filed_ns;
	assert_int_equal(rec->due_ns, filed + 20 * DAY_NS);
	/* not overdue one nanosecond before the deadline; overdue at it */
	struct credit_innovation_cmd tick;
	memset(&tick, 0, sizeof tick);
	head(&tick.head, 2, 0);
	assert_int_equal(apply_at(filed + 20 * DAY_NS - 1, CREDIT_CMD_FEED_INNOVATION, &tick, sizeof tick), SZ_R_OK);
	assert_int_equal(credit_objection_at(C(), 0)->overdue_ns, 0);
	tick.head.id = fresh_id();
	assert_int_equal(apply_at(filed + 20 * DAY_NS, CREDIT_CMD_FEED_INNOVATION, &tick, sizeof tick), SZ_R_OK);
	assert_int_equal(credit_objection_at(C(), 0)->overdue_ns, filed + 20 * DAY_NS);

	/* resolve: corrected -> the negative record is withdrawn */
	struct credit_resolve_cmd res;
	memset(&res, 0, sizeof res);
	res.id = fresh_id();
	res.objection_id = o.id;
	res.outcome = CREDIT_OUTCOME_CORRECTED;
	strcpy(res.reply, "verified with the court: record withdrawn");
	now_ns = filed + 21 * DAY_NS;
	assert_int_equal(E(1)->negative_count, 1);
	assert_int_equal(apply(CREDIT_CMD_OBJECTION_RESOLVE, &res, sizeof res), SZ_R_OK);
	assert_int_equal(E(1)->negative_count, 0);
	assert_int_equal(credit_op_find(C(), n.head.id)->flags & CREDIT_OP_DISPUTED, 0);
	assert_true(credit_op_find(C(), n.head.id)->flags & CREDIT_OP_WITHDRAWN);
	assert_string_equal(credit_objection_at(C(), 0)->reply, "verified with the court: record withdrawn");
	res.id = fresh_id();
	assert_int_equal(apply(CREDIT_CMD_OBJECTION_RESOLVE, &res, sizeof res), CREDIT_R_OBJECTION_RESOLVED);
	/* confirmed: the tax data stays, the mark goes */
	res.id = fresh_id();
	res.objection_id = o2.id;
	res.outcome = CREDIT_OUTCOME_CONFIRMED;
	assert_int_equal(apply(CREDIT_CMD_OBJECTION_RESOLVE, &res, sizeof res), SZ_R_OK);
	assert_int_equal(credit_op_find(C(), tax.head.id)->flags, 0);
	assert_int_equal(E(1)->tax.count, 3);
	res.id = fresh_id();
	res.objection_id = sz_id_make(3, 3);
	assert_int_equal(apply(CREDIT_CMD_OBJECTION_RESOLVE, &res, sizeof res), CREDIT_R_OBJECTION_NOT_FOUND);
}

/* ---- models and decisions ---------------------------------------------------------- */

/* A small deterministic training set over domain features. */
static char *model_text(size_t *size, const char *extra_column)
{
	size_t cap = 1 << 20, n = 0;
	char *csv = malloc(cap);
	assert_non_null(csv);
	n += (size_t)snprintf(csv + n, cap - n,
			      "status,tax_paid_12m_10k,headcount,negative_records,tax_grade,innovation_points,"
			      "cash_inflow_12m_10k,industry_section,age_years%s\n",
			      extra_column ? extra_column : "");
	uint64_t x = 12345;
	static const char *const grades[] = { "A", "B", "M", "C", "D" };
	for (int i = 0; i < 800; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		double tax = (double)((x >> 33) % 200);
		int heads = 5 + (int)((x >> 20) % 300);
		int neg = (int)((x >> 12) % 4);
		int g = (int)((x >> 45) % 5);
		double logit = 2.0 - 1.1 * neg + 0.012 * tax + 0.004 * heads - 0.5 * g;
		double u = (double)((x >> 3) % 10000) / 10000.0;
		int good = u < 1.0 / (1.0 + exp(-logit));
		int points = (int)((x >> 27) % 1000);
		double inflow = tax * (3.0 + (double)((x >> 40) % 50));
		char section = "CIMF"[(x >> 50) % 4];
		double age = 0.5 + (double)((x >> 8) % 200) / 10.0;
		n += (size_t)snprintf(csv + n, cap - n, "%s,%.0f,%d,%d,%s,%d,%.0f,%c,%.1f%s\n", good ? "good" : "bad",
				      tax, heads, neg, grades[g], points, inflow, section, age,
				      extra_column ? ",1" : "");
	}
	credit_csv_table table = { 0 };
	credit_csv_error cerr;
	assert_int_equal(credit_csv_parse(&table, csv, n, &cerr), 0);
	free(csv);
	uint8_t *is_good = malloc(table.row_count);
	scorecard_error err;
	assert_int_equal(scorecard_target_encode(&table, "status", "good", is_good, &err), 0);
	scorecard_options options;
	scorecard_options_default(&options);
	options.iv_min = 0.0;
	scorecard_model model = { 0 };
	if (scorecard_train(&model, &table, "status", "good", is_good, NULL, table.row_count, &options, &err) != 0)
		fail_msg("train: %s", err.message);
	char *text = NULL;
	assert_int_equal(scorecard_model_save(&model, &text, size), 0);
	scorecard_model_release(&model);
	credit_csv_release(&table);
	free(is_good);
	return text;
}

/* Register text as version in chunks; returns the result of the last chunk. */
static uint32_t model_register(const char *version, const char *text, size_t size, uint8_t sha[32])
{
	crypto_hash_sha256(sha, (const uint8_t *)text, size);
	static struct credit_model_chunk_cmd c;
	uint32_t count = (uint32_t)((size + CREDIT_MODEL_CHUNK_SIZE - 1) / CREDIT_MODEL_CHUNK_SIZE);
	uint32_t r = 999;
	for (uint32_t i = 0; i < count; i++) {
		memset(&c, 0, sizeof c);
		c.id = fresh_id();
		strcpy(c.version, version);
		memcpy(c.sha256, sha, 32);
		c.total_size = (uint32_t)size;
		c.index = (uint16_t)i;
		c.count = (uint16_t)count;
		c.size = i + 1 < count ? CREDIT_MODEL_CHUNK_SIZE : (uint32_t)(size - (size_t)i * CREDIT_MODEL_CHUNK_SIZE);
		memcpy(c.data, text + (size_t)i * CREDIT_MODEL_CHUNK_SIZE, c.size);
		r = apply(CREDIT_CMD_MODEL_CHUNK, &c, sizeof c);
		if (r != SZ_R_OK)
			return r;
	}
	return r;
}

static uint32_t model_activate(const char *version, const uint8_t sha[32])
{
	struct credit_model_activate_cmd a;
	memset(&a, 0, sizeof a);
	a.id = fresh_id();
	strcpy(a.version, version);
	memcpy(a.sha256, sha, 32);
	return apply(CREDIT_CMD_MODEL_ACTIVATE, &a, sizeof a);
}

static void test_model_and_decisions(void **unused)
{
	(void)unused;
	size_t size;
	char *text = model_text(&size, NULL);
	assert_true(size > CREDIT_MODEL_CHUNK_SIZE); /* several chunks */
	uint8_t sha[32], wrong[32];
	/* out of order: the second chunk first */
	struct credit_model_chunk_cmd *c = calloc(1, sizeof *c);
	c->id = fresh_id();
	strcpy(c->version, "tech-2024.1");
	c->total_size = (uint32_t)size;
	c->count = (uint16_t)((size + CREDIT_MODEL_CHUNK_SIZE - 1) / CREDIT_MODEL_CHUNK_SIZE);
	c->index = 1;
	c->size = c->count > 2 ? CREDIT_MODEL_CHUNK_SIZE : (uint32_t)(size - CREDIT_MODEL_CHUNK_SIZE);
	assert_int_equal(apply(CREDIT_CMD_MODEL_CHUNK, c, sizeof *c), CREDIT_R_MODEL_CHUNK_INVALID);
	c->total_size = CREDIT_MODEL_SIZE_MAX + 1;
	assert_int_equal(apply(CREDIT_CMD_MODEL_CHUNK, c, sizeof *c), CREDIT_R_MODEL_TOO_LARGE);
	free(c);

	assert_int_equal(model_register("tech-2024.1", text, size, sha), SZ_R_OK);
	memcpy(wrong, sha, 32);
	wrong[0] ^= 1;
	assert_int_equal(model_activate("tech-2024.1", wrong), CREDIT_R_MODEL_DIGEST_MISMATCH);
	assert_int_equal(model_activate("nope", sha), CREDIT_R_MODEL_NOT_FOUND);
	assert_int_equal(model_activate("tech-2024.1", sha), SZ_R_OK);
	assert_int_equal(credit_model_active(C()), 0);

	/* a model whose selected characteristic the domain does not compute */
	size_t bad_size;
	char *bad = model_text(&bad_size, ",mystery");
	/* the constant column has no information: make it count by hand */
	uint8_t bad_sha[32];
	assert_int_equal(model_register("bad-1", bad, bad_size, bad_sha), SZ_R_OK);
	uint32_t r = model_activate("bad-1", bad_sha);
	assert_true(r == CREDIT_R_MODEL_INVALID || r == SZ_R_OK);
	if (r == SZ_R_OK) /* "mystery" was not selected: still bound, never scored */
		assert_int_equal(model_activate("tech-2024.1", sha), SZ_R_OK);
	free(bad);

	/* a decision */
	assert_int_equal(register_enterprise(1), SZ_R_OK);
	struct credit_tax_cmd tax = tax_feed(1, 12, 2000000);
	assert_int_equal(apply(CREDIT_CMD_FEED_TAX, &tax, sizeof tax), SZ_R_OK);
	struct credit_negative_cmd n = negative(1, 2023, 1, 10);
	assert_int_equal(apply(CREDIT_CMD_FEED_NEGATIVE, &n, sizeof n), SZ_R_OK);
	assert_int_equal(authorize(1, 42, CREDIT_PURPOSE_LOAN_APPROVAL, now_ns + DAY_NS, NULL), SZ_R_OK);
	sz_id q;
	assert_int_equal(query_at(now_ns, 1, 42, CREDIT_PURPOSE_LOAN_APPROVAL, CREDIT_QUERY_TECH_SCORE, &q), SZ_R_OK);
	const struct credit_query *log = credit_query_at(C(), E(1)->query_head - 1);
	assert_int_not_equal(log->decision, 0);
	const struct credit_decision *d = credit_decision_at(C(), log->decision - 1);
	const struct credit_model *m = credit_model_at(C(), d->model);
	assert_string_equal(m->info.version, "tech-2024.1");
	assert_true(d->score_milli > 300000 && d->score_milli < 900000);
	assert_true(d->grade < SCORECARD_GRADE_COUNT);
	assert_true(d->reason_count >= 1 && d->reason_count <= 4);
	for (uint32_t i = 0; i + 1 < d->reason_count; i++)
		assert_true(d->reasons_lost_milli[i] >= d->reasons_lost_milli[i + 1]);
	assert_int_equal(d->inputs_e4[CREDIT_FEATURE_NEGATIVE_RECORDS], 10000);
	assert_int_equal(d->inputs_e4[CREDIT_FEATURE_TAX_PAID_12M_10K], 240000);
	/* the same inputs score the same: a fresh score_values call agrees */
	scorecard_value values[16];
	assert_true(m->parsed.characteristic_count <= 16);
	for (uint32_t i = 0; i < m->parsed.characteristic_count; i++) {
		int32_t f = m->feature_of[i];
		values[i].number_e4 = f >= 0 ? d->inputs_e4[f] : SCORECARD_VALUE_MISSING;
		values[i].label = f >= 0 ? credit_feature_label((uint32_t)f, d->labels[f]) : NULL;
	}
	scorecard_result res;
	scorecard_score_values(&m->parsed, values, &res);
	assert_true(res.score_milli == d->score_milli);
	assert_true(res.bad_ppb == d->bad_probability_ppb);
	/* offline scoring (szfin credit score/validate: a CSV read as doubles,
	 * converted to fixed point) of the decision's inputs, written as
	 * decimals, gives exactly the server's score, probability, grade and
	 * reasons */
	char csv[4096];
	size_t used = 0;
	for (uint32_t f = 0; f < CREDIT_FEATURE_COUNT; f++)
		used += (size_t)snprintf(csv + used, sizeof csv - used, "%s%s", f ? "," : "", credit_feature_name(f));
	used += (size_t)snprintf(csv + used, sizeof csv - used, "\n");
	for (uint32_t f = 0; f < CREDIT_FEATURE_COUNT; f++) {
		const char *sep = f ? "," : "";
		int64_t v = d->inputs_e4[f];
		if (credit_feature_kind(f) == CREDIT_CSV_CATEGORICAL) {
			const char *label = credit_feature_label(f, d->labels[f]);
			used += (size_t)snprintf(csv + used, sizeof csv - used, "%s%s", sep, label ? label : "");
		} else if (v == SCORECARD_VALUE_MISSING) {
			used += (size_t)snprintf(csv + used, sizeof csv - used, "%s", sep);
		} else {
			int64_t whole = (v < 0 ? -v : v) / 10000, part = (v < 0 ? -v : v) % 10000;
			used += (size_t)snprintf(csv + used, sizeof csv - used, "%s%s%lld.%04lld", sep, v < 0 ? "-" : "",
						 (long long)whole, (long long)part);
		}
	}
	used += (size_t)snprintf(csv + used, sizeof csv - used, "\n");
	assert_true(used < sizeof csv);
	credit_csv_table table;
	credit_csv_error csv_error;
	assert_int_equal(credit_csv_parse(&table, csv, used, &csv_error), SZ_OK);
	scorecard_binding binding;
	scorecard_error bind_error;
	assert_int_equal(scorecard_binding_init(&binding, &m->parsed, &table, &bind_error), SZ_OK);
	scorecard_result offline;
	scorecard_score_row(&m->parsed, &binding, &table, 0, &offline);
	assert_true(offline.score_milli == d->score_milli);
	assert_true(offline.bad_ppb == d->bad_probability_ppb);
	assert_int_equal(offline.grade, d->grade);
	assert_int_equal(offline.reason_count, d->reason_count);
	for (uint32_t i = 0; i < d->reason_count; i++) {
		assert_int_equal(offline.reasons[i].characteristic, d->reasons[i]);
		assert_true(offline.reasons[i].points_lost_milli == d->reasons_lost_milli[i]);
	}
	scorecard_binding_release(&binding);
	credit_csv_release(&table);
	/* the decision records which characteristics were missing (training had
	 * none missing, so each scores its worst bin) and its completeness:
	 * (selected - missing - unseen) / selected, in 1/10,000 */
	uint32_t selected = 0, absent = 0;
	for (uint32_t i = 0; i < m->parsed.characteristic_count; i++) {
		const scorecard_characteristic *ch = &m->parsed.characteristics[i];
		int32_t f = m->feature_of[i];
		if (!ch->selected)
			continue;
		selected++;
		bool is_missing = ch->kind == CREDIT_CSV_NUMERIC ? d->inputs_e4[f] == SCORECARD_VALUE_MISSING
								 : credit_feature_label((uint32_t)f, d->labels[f]) == NULL;
		absent += is_missing;
		assert_int_equal((d->missing_mask >> f) & 1u, is_missing);
		/* missing scores as the worst bin: blanking data never raises a score */
		int64_t worst = INT64_MAX;
		for (uint32_t b = 0; b < ch->bin_count; b++)
			if (ch->bins[b].good_count + ch->bins[b].bad_count > 0 && ch->bins[b].points_milli < worst)
				worst = ch->bins[b].points_milli;
		assert_true(ch->bins[ch->missing_bin].points_milli == worst);
	}
	assert_true(absent >= 1); /* no headcount feed */
	assert_true((d->missing_mask >> CREDIT_FEATURE_HEADCOUNT) & 1u);
	assert_int_equal(d->unseen_mask, 0);
	assert_int_equal(d->completeness_bp, (selected - absent) * 10000u / selected);
	/* a model declaring negative_records >= 2 refuses this enterprise (1 record) */
	{
		scorecard_model ranged;
		scorecard_error perr;
		assert_int_equal(scorecard_model_parse(&ranged, text, size, &perr), SZ_OK);
		for (uint32_t i = 0; i < ranged.characteristic_count; i++)
			if (strcmp(ranged.characteristics[i].name, "negative_records") == 0)
				ranged.characteristics[i].value_min_e4 = 20000;
		char *ranged_text = NULL;
		size_t ranged_size = 0;
		assert_int_equal(scorecard_model_save(&ranged, &ranged_text, &ranged_size), SZ_OK);
		scorecard_model_release(&ranged);
		uint8_t ranged_sha[32];
		assert_int_equal(model_register("ranged-1", ranged_text, ranged_size, ranged_sha), SZ_R_OK);
		assert_int_equal(model_activate("ranged-1", ranged_sha), SZ_R_OK);
		uint32_t before = C()->query_count;
		sz_id refused;
		assert_int_equal(query_at(now_ns, 1, 42, CREDIT_PURPOSE_LOAN_APPROVAL, CREDIT_QUERY_SCORE, &refused),
				 CREDIT_R_INPUT_OUT_OF_RANGE);
		assert_int_equal(C()->query_count, before); /* nothing logged */
		assert_int_equal(model_activate("tech-2024.1", sha), SZ_R_OK);
		free(ranged_text);
	}
	/* tech product: index 0-100, combined score, limit */
	assert_true(d->tech.index >= 0 && d->tech.index <= 100);
	/* combined = points + (index - 50) x 0.6 point = 600 milli-points per index point */
	assert_true(d->tech.score_milli == d->score_milli + (int64_t)(d->tech.index - 50) * 600);
	assert_true(d->tech.credit_limit_fen >= 0 && d->tech.credit_limit_fen % 1000000 == 0);
	free(text);
}

/* ---- warnings --------------------------------------------------------------------- */

static void test_watch_and_warnings(void **unused)
{
	(void)unused;
	assert_int_equal(register_enterprise(1), SZ_R_OK);
	struct credit_watch_cmd w;
	memset(&w, 0, sizeof w);
	w.id = fresh_id();
	uscc_make(1, w.uscc);
	w.tenant_id = 42;
	assert_int_equal(apply(CREDIT_CMD_WATCH, &w, sizeof w), CREDIT_R_AUTHORIZATION_REQUIRED);
	assert_int_equal(authorize(1, 42, CREDIT_PURPOSE_POST_LOAN, now_ns + 100 * DAY_NS, NULL), SZ_R_OK);
	assert_int_equal(apply(CREDIT_CMD_WATCH, &w, sizeof w), SZ_R_OK);
	w.id = fresh_id();
	assert_int_equal(apply(CREDIT_CMD_WATCH, &w, sizeof w), CREDIT_R_WATCH_EXISTS);

	/* six steady months of tax: no warning */
	struct credit_tax_cmd tax = tax_feed(1, 6, 1000000);
	assert_int_equal(apply(CREDIT_CMD_FEED_TAX, &tax, sizeof tax), SZ_R_OK);
	assert_int_equal(credit_warning_count(C()), 0);
	/* the last three months drop to 60%: a tax-drop warning */
	struct credit_tax_cmd drop = tax_feed(1, 3, 600000);
	assert_int_equal(apply(CREDIT_CMD_FEED_TAX, &drop, sizeof drop), SZ_R_OK);
	assert_int_equal(credit_warning_count(C()), 1);
	const struct credit_warning *wr = credit_warning_at(C(), 0);
	assert_int_equal(wr->kind, CREDIT_WARN_TAX_DROP);
	assert_int_equal(wr->before, 3000000);
	assert_int_equal(wr->now, 1800000);
	assert_int_equal(wr->month, month_ago(1));
	/* the same month again: no duplicate */
	drop.head.id = fresh_id();
	assert_int_equal(apply(CREDIT_CMD_FEED_TAX, &drop, sizeof drop), SZ_R_OK);
	assert_int_equal(credit_warning_count(C()), 1);
	/* headcount falls from 100 to 70 */
	struct credit_headcount_cmd hc;
	memset(&hc, 0, sizeof hc);
	head(&hc.head, 1, 3);
	hc.months[0] = (struct credit_month_row){ .month = month_ago(3), .value = 100 };
	hc.months[1] = (struct credit_month_row){ .month = month_ago(2), .value = 95 };
	hc.months[2] = (struct credit_month_row){ .month = month_ago(1), .value = 70 };
	assert_int_equal(apply(CREDIT_CMD_FEED_HEADCOUNT, &hc, sizeof hc), SZ_R_OK);
	assert_int_equal(credit_warning_count(C()), 2);
	assert_int_equal(credit_warning_at(C(), 1)->kind, CREDIT_WARN_HEADCOUNT_DROP);
	/* cash inflow declines */
	struct credit_cashflow_cmd cf;
	memset(&cf, 0, sizeof cf);
	head(&cf.head, 1, 6);
	for (uint32_t i = 0; i < 6; i++)
		cf.months[i] = (struct credit_cash_row){ .month = month_ago((int32_t)(6 - i)),
							 .inflow_fen = i < 3 ? 10000000 : 5000000, .outflow_fen = 4000000 };
	assert_int_equal(apply(CREDIT_CMD_FEED_CASHFLOW, &cf, sizeof cf), SZ_R_OK);
	assert_int_equal(credit_warning_count(C()), 3);
	assert_int_equal(credit_warning_at(C(), 2)->kind, CREDIT_WARN_CASHFLOW_DECLINE);
	/* a new negative record */
	struct credit_negative_cmd n = negative(1, 2024, 5, 1);
	assert_int_equal(apply(CREDIT_CMD_FEED_NEGATIVE, &n, sizeof n), SZ_R_OK);
	assert_int_equal(credit_warning_count(C()), 4);
	assert_int_equal(credit_warning_at(C(), 3)->kind, CREDIT_WARN_NEGATIVE_RECORD);
	assert_true(sz_id_eq(credit_warning_at(C(), 3)->record_id, n.head.id));
	/* an unwatched enterprise raises nothing */
	assert_int_equal(register_enterprise(2), SZ_R_OK);
	struct credit_negative_cmd n2 = negative(2, 2024, 5, 1);
	assert_int_equal(apply(CREDIT_CMD_FEED_NEGATIVE, &n2, sizeof n2), SZ_R_OK);
	assert_int_equal(credit_warning_count(C()), 4);
}

/* ---- engine: restart, replay, snapshots --------------------------------------------- */

/* The credit descriptor's reserve grows the op, enterprise and IP indexes
 * for the worst case of the next batch before it is applied: a batch of 300
 * registrations, each with an IP feed of 8 items, then applies with the same
 * bucket tables (no growth inside apply). Expected capacities: the index
 * keeps its load at most 1/2, so n entries need a power of two >= 2n: 300
 * registrations and their 300 ops -> >= 600 buckets; 300 feeds of 8 IPs ->
 * 2400 IPs -> >= 4800 (reserved for 8 per command of the batch). A model
 * whose last chunk arrived is parsed by the next reserve, so its activation
 * in a later batch only points at it; activated in the same batch as its
 * last chunk it is still incomplete (model_incomplete). */
static void test_reserve_before_batch(void **unused)
{
	(void)unused;
	const struct sz_domain *d = NULL;
	for (uint32_t i = 0; i < st.domain_count; i++)
		if (st.domains[i].kind_base == SZ_CMD_CREDIT_BASE)
			d = &st.domains[i];
	assert_non_null(d);
	assert_non_null(d->reserve);
	const struct credit_domain_state *c = C();
	uint32_t op_capacity = c->op_index.capacity;
	assert_int_equal(d->reserve(d->state, 0), 0);
	assert_int_equal(c->op_index.capacity, op_capacity); /* nothing to grow for */

	enum { N = 300 };
	static uint8_t buf[N * (sizeof(struct credit_enterprise_cmd) + sizeof(struct credit_ip_cmd) + 2 * sizeof(sz_command_header) + 16)];
	uint32_t n = 0;
	for (uint32_t k = 0; k < N; k++) {
		struct credit_enterprise_cmd e = enterprise(1000 + k);
		tu_append(buf, &n, CREDIT_CMD_ENTERPRISE_REGISTER, &e, sizeof e);
		struct credit_ip_cmd ip;
		memset(&ip, 0, sizeof ip);
		head(&ip.head, 1000 + k, CREDIT_FEED_IP_COUNT_MAX);
		for (uint32_t i = 0; i < CREDIT_FEED_IP_COUNT_MAX; i++) {
			snprintf(ip.items[i].number, sizeof ip.items[i].number, "ZL2020%05u%02u", k, i);
			ip.items[i].kind = 1;
			ip.items[i].granted_day = credit_day_from_civil(2020, 1, 1);
		}
		tu_append(buf, &n, CREDIT_CMD_FEED_IP, &ip, sizeof ip);
	}
	assert_true(n <= sizeof buf);
	assert_int_equal(sz_state_reserve(&st, 2 * N), 0);
	assert_true(c->op_index.capacity >= 2 * 2 * N);
	assert_true(c->enterprise_index.capacity >= 2 * 2 * N);
	assert_true(c->ip_index.capacity >= 2 * 2 * N * CREDIT_FEED_IP_COUNT_MAX);
	const uint32_t *ops = c->op_index.buckets, *enterprises = c->enterprise_index.buckets,
		       *ips = c->ip_index.buckets;
	static uint32_t results[2 * N];
	sz_state_apply_batch(&st, ++seq, now_ns, buf, n, 2 * N, 0, results);
	for (uint32_t i = 0; i < 2 * N; i++)
		assert_int_equal(results[i], SZ_R_OK);
	assert_int_equal(c->enterprise_count, N);
	assert_int_equal(c->ip_count, N * CREDIT_FEED_IP_COUNT_MAX);
	assert_ptr_equal(c->op_index.buckets, ops);
	assert_ptr_equal(c->enterprise_index.buckets, enterprises);
	assert_ptr_equal(c->ip_index.buckets, ips);
	for (uint32_t k = 0; k < N; k++) {
		char uscc[CREDIT_USCC_FIELD_SIZE];
		uscc_make(1000 + k, uscc);
		assert_true(credit_enterprise_find(c, uscc) >= 0);
	}

	/* a model: parsed by the reserve after its last chunk, not in apply */
	size_t size;
	char *text = model_text(&size, NULL);
	uint8_t sha[32];
	assert_int_equal(model_register("tech-2024.9", text, size, sha), SZ_R_OK);
	const struct credit_model *m = &c->models[credit_model_find(c, "tech-2024.9")];
	assert_false(m->prepared); /* each chunk came in its own batch; no reserve since the last */
	assert_int_equal(d->reserve(d->state, 1), 0);
	assert_true(m->prepared);
	assert_int_equal(m->prepare_result, SZ_R_OK);
	assert_int_equal(model_activate("tech-2024.9", sha), SZ_R_OK);
	assert_int_equal(m->info.status, CREDIT_MODEL_ACTIVE);

	/* the last chunk and the activation in one batch: not parsed yet */
	uint32_t count = (uint32_t)((size + CREDIT_MODEL_CHUNK_SIZE - 1) / CREDIT_MODEL_CHUNK_SIZE);
	static struct credit_model_chunk_cmd ch;
	static uint8_t two[2 * (sizeof ch + sizeof(sz_command_header) + 8)];
	for (uint32_t i = 0; i < count; i++) {
		memset(&ch, 0, sizeof ch);
		ch.id = fresh_id();
		strcpy(ch.version, "tech-2024.10");
		memcpy(ch.sha256, sha, 32);
		ch.total_size = (uint32_t)size;
		ch.index = (uint16_t)i;
		ch.count = (uint16_t)count;
		ch.size = i + 1 < count ? CREDIT_MODEL_CHUNK_SIZE : (uint32_t)(size - (size_t)i * CREDIT_MODEL_CHUNK_SIZE);
		memcpy(ch.data, text + (size_t)i * CREDIT_MODEL_CHUNK_SIZE, ch.size);
		if (i + 1 < count) {
			assert_int_equal(apply(CREDIT_CMD_MODEL_CHUNK, &ch, sizeof ch), SZ_R_OK);
			continue;
		}
		struct credit_model_activate_cmd a;
		memset(&a, 0, sizeof a);
		a.id = fresh_id();
		strcpy(a.version, "tech-2024.10");
		memcpy(a.sha256, sha, 32);
		uint32_t k = 0, r2[2];
		tu_append(two, &k, CREDIT_CMD_MODEL_CHUNK, &ch, sizeof ch);
		tu_append(two, &k, CREDIT_CMD_MODEL_ACTIVATE, &a, sizeof a);
		sz_state_apply_batch(&st, ++seq, st.batch_time_ns + 1, two, k, 2, 0, r2);
		assert_int_equal(r2[0], SZ_R_OK);
		assert_int_equal(r2[1], CREDIT_R_MODEL_INCOMPLETE);
	}
	assert_int_equal(model_activate("tech-2024.10", sha), SZ_R_OK); /* the next batch: parsed by its reserve */
	free(text);
}

static int dir_setup(void **unused)
{
	(void)unused;
	tu_tmpdir(dir, sizeof dir);
	return 0;
}

static int dir_teardown(void **unused)
{
	(void)unused;
	tu_rmdir(dir);
	return 0;
}

static struct sz_engine *open_engine(bool verify)
{
	struct sz_engine_config cfg = { .data_dir = dir, .check_invariants = true, .verify_replay = verify };
	struct sz_engine *e = NULL;
	char why[512];
	if (sz_engine_open(&e, &cfg, why, sizeof why) != 0)
		fail_msg("open: %s", why);
	return e;
}

static uint32_t run1(struct sz_engine *e, uint16_t kind, const void *body, uint32_t size)
{
	static uint8_t buf[SZ_COMMAND_SIZE_MAX];
	uint32_t n = 0, result = 999;
	tu_append(buf, &n, kind, body, size);
	assert_int_equal(sz_engine_execute(e, buf, n, 1, &result), 0);
	return result;
}

static void test_engine_restart_and_replay(void **unused)
{
	(void)unused;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	now_ns = (uint64_t)ts.tv_sec * S_NS;
	struct sz_engine *e = open_engine(false);
	struct credit_enterprise_cmd ent = enterprise(7);
	assert_int_equal(run1(e, CREDIT_CMD_ENTERPRISE_REGISTER, &ent, sizeof ent), SZ_R_OK);
	struct credit_tax_cmd tax = tax_feed(7, 12, 1500000);
	assert_int_equal(run1(e, CREDIT_CMD_FEED_TAX, &tax, sizeof tax), SZ_R_OK);
	int32_t y;
	uint32_t m, d;
	credit_civil_from_day(credit_day_of_ns(now_ns) - 400, &y, &m, &d);
	struct credit_negative_cmd n = negative(7, y, m, d);
	assert_int_equal(run1(e, CREDIT_CMD_FEED_NEGATIVE, &n, sizeof n), SZ_R_OK);
	struct credit_authorize_cmd a;
	memset(&a, 0, sizeof a);
	a.id = fresh_id();
	uscc_make(7, a.uscc);
	a.tenant_id = 5;
	a.expires_ns = now_ns + 30 * DAY_NS;
	a.purpose = CREDIT_PURPOSE_LOAN_APPROVAL;
	assert_int_equal(run1(e, CREDIT_CMD_AUTHORIZE, &a, sizeof a), SZ_R_OK);
	size_t size;
	char *text = model_text(&size, NULL);
	uint8_t sha[32];
	crypto_hash_sha256(sha, (const uint8_t *)text, size);
	uint32_t count = (uint32_t)((size + CREDIT_MODEL_CHUNK_SIZE - 1) / CREDIT_MODEL_CHUNK_SIZE);
	struct credit_model_chunk_cmd *c = calloc(1, sizeof *c);
	for (uint32_t i = 0; i < count; i++) {
		memset(c, 0, sizeof *c);
		c->id = fresh_id();
		strcpy(c->version, "v1");
		memcpy(c->sha256, sha, 32);
		c->total_size = (uint32_t)size;
		c->index = (uint16_t)i;
		c->count = (uint16_t)count;
		c->size = i + 1 < count ? CREDIT_MODEL_CHUNK_SIZE : (uint32_t)(size - (size_t)i * CREDIT_MODEL_CHUNK_SIZE);
		memcpy(c->data, text + (size_t)i * CREDIT_MODEL_CHUNK_SIZE, c->size);
		assert_int_equal(run1(e, CREDIT_CMD_MODEL_CHUNK, c, sizeof *c), SZ_R_OK);
	}
	free(c);
	free(text);
	struct credit_model_activate_cmd act;
	memset(&act, 0, sizeof act);
	act.id = fresh_id();
	strcpy(act.version, "v1");
	memcpy(act.sha256, sha, 32);
	assert_int_equal(run1(e, CREDIT_CMD_MODEL_ACTIVATE, &act, sizeof act), SZ_R_OK);
	struct credit_query_cmd q;
	memset(&q, 0, sizeof q);
	q.id = fresh_id();
	uscc_make(7, q.uscc);
	q.tenant_id = 5;
	q.purpose = CREDIT_PURPOSE_LOAN_APPROVAL;
	q.kind = CREDIT_QUERY_SCORE;
	assert_int_equal(run1(e, CREDIT_CMD_QUERY, &q, sizeof q), SZ_R_OK);
	struct credit_objection_cmd o;
	memset(&o, 0, sizeof o);
	o.id = fresh_id();
	uscc_make(7, o.uscc);
	o.record_id = n.head.id;
	strcpy(o.reason, "paid");
	assert_int_equal(run1(e, CREDIT_CMD_OBJECTION_FILE, &o, sizeof o), SZ_R_OK);

	uint8_t before[32], after[32];
	sz_state_digest(sz_engine_state(e), before);
	const struct credit_domain_state *cs = credit_state_get(sz_engine_state(e));
	int64_t score = credit_decision_at(cs, 0)->score_milli;
	assert_int_equal(sz_engine_close(e), 0);

	/* restart from the snapshot written at close */
	e = open_engine(false);
	sz_state_digest(sz_engine_state(e), after);
	assert_memory_equal(before, after, 32);
	cs = credit_state_get(sz_engine_state(e));
	assert_true(credit_decision_at(cs, 0)->score_milli == score);
	assert_int_equal(credit_model_active(cs), 0);
	assert_non_null(credit_model_at(cs, 0)->feature_of); /* re-parsed */
	/* idempotency survives the restart */
	assert_int_equal(run1(e, CREDIT_CMD_QUERY, &q, sizeof q), SZ_R_EXISTS);
	sz_state_digest(sz_engine_state(e), before);
	assert_int_equal(sz_engine_close(e), 0);

	/* full replay without snapshots */
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -f %s/snapshots/*", dir);
	assert_int_equal(system(cmd), 0);
	e = open_engine(false);
	sz_state_digest(sz_engine_state(e), after);
	assert_memory_equal(before, after, 32);
	assert_int_equal(sz_engine_snapshot(e), 0);
	assert_int_equal(sz_engine_close(e), 0);
	/* verified replay: digests at every recorded snapshot match */
	e = open_engine(true);
	sz_state_digest(sz_engine_state(e), after);
	assert_memory_equal(before, after, 32);
	assert_int_equal(sz_engine_close(e), 0);
}

/* ---- calendar --------------------------------------------------------------------- */

/* The tech-flow index from characteristics, by hand: 2 invention patents
 * of 5 items = 6 x 2 + 2 x 3 = 18; 500 innovation points = 15; headcount
 * +12.5% = 12; tax +30% = 20 (capped): 65. Missing values count as none;
 * IP is capped at 30, a fall in growth gives 0. */
static void test_tech_index_of_features(void **unused)
{
	(void)unused;
	assert_int_equal(credit_tech_index_of(20000, 50000, 5000000, 125000, 300000), 65);
	assert_int_equal(credit_tech_index_of(SCORECARD_VALUE_MISSING, SCORECARD_VALUE_MISSING, SCORECARD_VALUE_MISSING,
					      SCORECARD_VALUE_MISSING, SCORECARD_VALUE_MISSING), 0);
	assert_int_equal(credit_tech_index_of(80000, 80000, 10000000, -50000, 199999), 30 + 30 + 0 + 19);
}

static void test_calendar(void **unused)
{
	(void)unused;
	assert_int_equal(credit_day_from_civil(1970, 1, 1), 0);
	assert_int_equal(credit_day_from_civil(2024, 2, 29), 19782);
	assert_int_equal(credit_day_from_civil(2023, 2, 29), -1);
	assert_int_equal(credit_day_from_civil(2024, 13, 1), -1);
	int32_t y;
	uint32_t m, d;
	credit_civil_from_day(19782, &y, &m, &d);
	assert_true(y == 2024 && m == 2 && d == 29);
	/* 2024-06-30 20:00 UTC is already July 1st in Shenzhen */
	uint64_t t = (uint64_t)credit_day_from_civil(2024, 6, 30) * 86400 * S_NS + 20 * 3600 * S_NS;
	assert_int_equal(credit_month_of_ns(t), 2024 * 12 + 6);
	assert_int_equal(credit_day_of_ns(t), credit_day_from_civil(2024, 7, 1));
	char uscc[CREDIT_USCC_FIELD_SIZE];
	uscc_make(1, uscc);
	char other[CREDIT_USCC_FIELD_SIZE];
	uscc_make(2, other);
	assert_false(sz_id_eq(credit_uscc_key(uscc), credit_uscc_key(other)));
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calendar),
		cmocka_unit_test(test_tech_index_of_features),
		cmocka_unit_test_setup_teardown(test_register_and_idempotency, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_feeds_and_features, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_negative_purge_after_five_years, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_negative_before_1965_expired, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_authorization_and_query_log, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_objection_deadline_and_correction, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_model_and_decisions, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_watch_and_warnings, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_reserve_before_batch, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_engine_restart_and_replay, dir_setup, dir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
