/*
 * http_finance.c — green routes of carbon-linked finance: a bank's pricing
 * policy, loan pricing with pinned terms, CERF assessment, PCAF positions
 * and a bank's financed emissions, taxonomy tags and the taxonomy
 * catalogue. Each POST route has a request schema here; the one request
 * codec (api/schema.h) decodes and checks the body into the route's *_in
 * struct before the handler runs, so a handler only maps that struct and the
 * path to a command (domain.h), submits it and renders the answer
 * (http_render.c). A bank acts for its own tenant (the caller's tenant id).
 */
#include "api/api.h"
#include "green/http_internal.h"

#include "api/codec.h"
#include "core/assert.h"
#include "core/errors.h"

#include <stdio.h>
#include <string.h>

/* ---- pricing policy ---------------------------------------------------------------- */

struct policy_in {
	sz_id id;
	int32_t base_score;
	struct api_decimal discount_per_point, cap, partial_share;
	bool base_score_given, discount_given, cap_given, share_given;
};

static const struct api_field policy_fields[] = {
	{ GREEN_F_ID("id", struct policy_in, id, API_F_REQUIRED) },
	{ GREEN_F_INT("base_score", struct policy_in, base_score, API_F_PRESENT, 0, 1000),
	  GREEN_GIVEN(struct policy_in, base_score_given) },
	{ GREEN_F_DEC("discount_per_point_bp", struct policy_in, discount_per_point, API_F_PRESENT, 4, false),
	  GREEN_GIVEN(struct policy_in, discount_given) },
	{ GREEN_F_DEC("cap_bp", struct policy_in, cap, API_F_PRESENT, 4, false), GREEN_GIVEN(struct policy_in, cap_given) },
	{ GREEN_F_DEC("partial_share_percent", struct policy_in, partial_share, API_F_PRESENT, 2, false),
	  GREEN_GIVEN(struct policy_in, share_given) },
};
const struct api_schema green_policy_schema = API_SCHEMA("green_pricing_policy", policy_fields, struct policy_in);

static void policy_reply(struct api_request *r, unsigned status, uint64_t bank)
{
	const struct green_bank_policy *p = green_policy_find(green_http_state(r), bank);
	green_pricing_policy def;
	green_pricing_policy_default(&def);
	json_t *doc = green_json_policy(p ? &p->policy : &def);
	json_object_set_new(doc, "bank", api_json_string_u64(bank));
	json_object_set_new(doc, "version", json_integer(p ? p->version : 0));
	json_object_set_new(doc, "default", json_boolean(p == NULL));
	api_reply_json(r, status, doc);
}

static void policy_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!green_http_done_ok(r, results, count))
		return;
	const struct green_policy_cmd *c = api_submitted_body(r);
	policy_reply(r, api_result_status(results[0]), c->bank_tenant_id);
}

/* A share in percent with 2 decimals, in bp: at most 100%. */
static bool share_bp(struct api_request *r, const char *name, const struct api_decimal *d, uint32_t *out)
{
	int64_t share = 0;
	if (!green_http_fixed(r, name, d, 2, &share))
		return false;
	if (share > 10000) {
		api_problem(r, "field_invalid", "'%s' is at most 100", name);
		return false;
	}
	*out = (uint32_t)share;
	return true;
}

void green_handle_policy_set(struct api_request *r)
{
	const struct policy_in *in = r->in;
	struct green_policy_cmd c;
	memset(&c, 0, sizeof c);
	green_pricing_policy_default(&c.policy); /* what is not given keeps its default */
	c.id = in->id;
	if (in->base_score_given)
		c.policy.base_score = in->base_score;
	if ((in->discount_given &&
	     !green_http_fixed(r, "discount_per_point_bp", &in->discount_per_point, 4, &c.policy.discount_per_point_bp4)) ||
	    (in->cap_given && !green_http_fixed(r, "cap_bp", &in->cap, 4, &c.policy.cap_bp4)) ||
	    (in->share_given && !share_bp(r, "partial_share_percent", &in->partial_share, &c.policy.partial_share_bp)))
		return;
	c.bank_tenant_id = r->principal.tenant_id;
	api_submit_one(r, GREEN_CMD_PRICING_POLICY, &c, sizeof c, policy_done);
}

void green_handle_policy_get(struct api_request *r)
{
	uint64_t bank = 0;
	if (!green_http_param_u64(r, 0, &bank))
		return;
	if (!green_http_can_read_bank(&r->principal, bank)) {
		api_problem(r, "out_of_scope", "the policy belongs to another bank");
		return;
	}
	policy_reply(r, 200, bank);
}

/* ---- loans ------------------------------------------------------------------------------ */

/* Everything the green domain knows of a loan the caller may read: pinned
 * terms, taxonomy tag, CERF assessment and PCAF position. */
static void loan_reply(struct api_request *r, unsigned status, sz_id loan_id)
{
	const struct green_domain_state *g = green_http_state(r);
	const struct green_loan *l = green_loan_find(g, loan_id);
	const struct green_tag_record *t = green_tag_find(g, loan_id);
	const struct green_cerf_record *c = green_cerf_find(g, loan_id);
	const struct green_position_record *p = green_position_find(g, loan_id);
	uint64_t bank = l ? l->bank_tenant_id : t ? t->bank_tenant_id : c ? c->bank_tenant_id : p ? p->bank_tenant_id : 0;
	if (bank == 0 || !green_http_can_read_bank(&r->principal, bank)) {
		api_problem(r, "not_found", "the green domain knows no loan %s", api_param(r, 0));
		return;
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "loan_id", api_json_string_id(loan_id));
	json_object_set_new(doc, "bank", api_json_string_u64(bank));
	json_object_set_new(doc, "terms", l && l->bank_tenant_id == bank ? green_json_loan(l) : json_null());
	json_object_set_new(doc, "taxonomy", t && t->bank_tenant_id == bank ? green_json_tag(g, t) : json_null());
	json_object_set_new(doc, "cerf", c && c->bank_tenant_id == bank ? green_json_cerf(c) : json_null());
	json_object_set_new(doc, "position", p && p->bank_tenant_id == bank ? green_json_position(p) : json_null());
	char id[SZ_ID_TEXT_SIZE];
	sz_id_format(loan_id, id);
	snprintf(r->location, sizeof r->location, "/v1/green/loans/%s", id);
	api_reply_json(r, status, doc);
}

struct price_in {
	sz_id id;
	sz_id enterprise_id;
	int32_t period;
	int32_t score;
	uint32_t score_source; /* 0 given, 1 esg */
	int32_t data_quality;
	struct api_decimal base_rate;
	bool score_given;
};

static const char *const score_source_names[] = { "given", "esg", NULL };

static const struct api_field price_fields[] = {
	{ GREEN_F_ID("id", struct price_in, id, API_F_REQUIRED) },
	{ GREEN_F_ID("enterprise_id", struct price_in, enterprise_id, API_F_REQUIRED) },
	{ GREEN_F_INT("period", struct price_in, period, API_F_REQUIRED, 1990, 2100) },
	{ GREEN_F_DEC("base_rate_percent", struct price_in, base_rate, API_F_REQUIRED, 6, false) },
	{ GREEN_F_INT("score", struct price_in, score, API_F_PRESENT, 0, 1000), GREEN_GIVEN(struct price_in, score_given) },
	{ GREEN_F_ENUM("score_source", struct price_in, score_source, 0, score_source_names, 0, 0) },
	{ GREEN_F_INT("data_quality", struct price_in, data_quality, 0, 1, 5) },
};
const struct api_schema green_price_schema = API_SCHEMA("green_loan_price", price_fields, struct price_in);

static void price_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!green_http_done_ok(r, results, count))
		return;
	const struct green_price_cmd *c = api_submitted_body(r);
	loan_reply(r, api_result_status(results[0]), c->loan_id);
}

void green_handle_loan_price(struct api_request *r)
{
	const struct price_in *in = r->in;
	struct green_price_cmd c;
	memset(&c, 0, sizeof c);
	if (!green_http_param_id(r, 0, &c.loan_id))
		return;
	bool from_esg = in->score_source == 1;
	if (from_esg == in->score_given) {
		api_problem(r, "field_invalid", "give either 'score' or \"score_source\": \"esg\"");
		return;
	}
	if (!green_http_fixed(r, "base_rate_percent", &in->base_rate, 6, &c.base_rate_bp4))
		return;
	c.id = in->id;
	c.enterprise_id = in->enterprise_id;
	c.period_year = in->period;
	c.score = in->score_given ? in->score : 0;
	c.flags = from_esg ? GREEN_PRICE_SCORE_FROM_ESG : 0;
	c.data_quality = (uint32_t)in->data_quality;
	c.bank_tenant_id = r->principal.tenant_id;
	api_submit_one(r, GREEN_CMD_LOAN_PRICE, &c, sizeof c, price_done);
}

void green_handle_loan_get(struct api_request *r)
{
	sz_id loan_id;
	if (!green_http_param_id(r, 0, &loan_id))
		return;
	loan_reply(r, 200, loan_id);
}

/* ---- CERF ---------------------------------------------------------------------------------- */

struct cerf_in {
	sz_id id;
	uint64_t principal_fen, project_investment_fen;
	struct api_decimal reduction, share, rate;
	uint32_t area;
	int32_t term_days, day_basis;
	bool lender_eligible;
	bool lender_given, share_given, rate_given, basis_given;
};

static const struct api_field cerf_fields[] = {
	{ GREEN_F_ID("id", struct cerf_in, id, API_F_REQUIRED) },
	{ GREEN_F_AMOUNT("principal", struct cerf_in, principal_fen, API_F_REQUIRED) },
	{ GREEN_F_AMOUNT("project_investment", struct cerf_in, project_investment_fen, API_F_REQUIRED) },
	{ GREEN_F_DEC("project_reduction_tco2e", struct cerf_in, reduction, API_F_REQUIRED, 6, false) },
	{ GREEN_F_ENUM("area", struct cerf_in, area, 0, green_http_cerf_area_names, 0, GREEN_CERF_AREA_NONE) },
	{ GREEN_F_INT("term_days", struct cerf_in, term_days, API_F_REQUIRED, 1, 3660) },
	{ GREEN_F_BOOL("lender_eligible", struct cerf_in, lender_eligible, API_F_PRESENT),
	  GREEN_GIVEN(struct cerf_in, lender_given) },
	{ GREEN_F_DEC("share_percent", struct cerf_in, share, API_F_PRESENT, 2, false), GREEN_GIVEN(struct cerf_in, share_given) },
	{ GREEN_F_DEC("rate_percent", struct cerf_in, rate, API_F_PRESENT, 6, false), GREEN_GIVEN(struct cerf_in, rate_given) },
	{ GREEN_F_INT("day_basis", struct cerf_in, day_basis, API_F_PRESENT, 1, 366), GREEN_GIVEN(struct cerf_in, basis_given) },
};
const struct api_schema green_cerf_schema = API_SCHEMA("green_loan_cerf", cerf_fields, struct cerf_in);

static void cerf_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!green_http_done_ok(r, results, count))
		return;
	const struct green_cerf_cmd *c = api_submitted_body(r);
	const struct green_cerf_record *rec = green_cerf_find(green_http_state(r), c->loan.loan_id);
	SZ_ASSERT(rec != NULL);
	api_reply_json(r, api_result_status(results[0]), green_json_cerf(rec));
}

/* The facility's terms: all zero (the domain's default) unless one of
 * share, rate or day basis is given; then the default with those replaced. */
static bool cerf_policy(struct api_request *r, const struct cerf_in *in, green_cerf_policy *p)
{
	if (!in->share_given && !in->rate_given && !in->basis_given)
		return true;
	green_cerf_policy_default(p);
	if (in->share_given && !share_bp(r, "share_percent", &in->share, &p->share_bp))
		return false;
	if (in->rate_given && !green_http_fixed(r, "rate_percent", &in->rate, 6, &p->rate_bp4))
		return false;
	if (in->basis_given)
		p->day_basis = (uint32_t)in->day_basis;
	return true;
}

void green_handle_loan_cerf(struct api_request *r)
{
	const struct cerf_in *in = r->in;
	struct green_cerf_cmd c;
	memset(&c, 0, sizeof c);
	if (!green_http_param_id(r, 0, &c.loan.loan_id))
		return;
	c.id = in->id;
	c.loan.principal_fen = (int64_t)in->principal_fen;
	c.loan.project_investment_fen = (int64_t)in->project_investment_fen;
	c.loan.area = in->area;
	c.loan.term_days = (uint32_t)in->term_days;
	c.loan.lender_eligible = !in->lender_given || in->lender_eligible;
	if (!green_http_fixed(r, "project_reduction_tco2e", &in->reduction, 6, &c.loan.project_reduction_g) ||
	    !cerf_policy(r, in, &c.policy))
		return;
	c.bank_tenant_id = r->principal.tenant_id;
	api_submit_one(r, GREEN_CMD_CERF, &c, sizeof c, cerf_done);
}

/* ---- PCAF -------------------------------------------------------------------------------- */

struct position_in {
	sz_id id;
	sz_id loan_id;
	sz_id enterprise_id;
	int32_t period;
	int32_t data_quality;
	uint64_t outstanding_fen, equity_fen, debt_fen, cash_fen;
	uint32_t company;
	struct api_decimal emissions;
	bool period_given, emissions_given, data_quality_given;
};

static const char *const company_names[] = { "private", "listed", NULL };

static const struct api_field position_fields[] = {
	{ GREEN_F_ID("id", struct position_in, id, API_F_REQUIRED) },
	{ GREEN_F_ID("loan_id", struct position_in, loan_id, API_F_REQUIRED) },
	{ GREEN_F_ID("enterprise_id", struct position_in, enterprise_id, 0) },
	{ GREEN_F_INT("period", struct position_in, period, API_F_PRESENT, 1990, 2100),
	  GREEN_GIVEN(struct position_in, period_given) },
	{ GREEN_F_AMOUNT("outstanding", struct position_in, outstanding_fen, API_F_REQUIRED) },
	{ GREEN_F_AMOUNT("equity", struct position_in, equity_fen, API_F_REQUIRED) },
	{ GREEN_F_AMOUNT("debt", struct position_in, debt_fen, API_F_REQUIRED) },
	{ GREEN_F_AMOUNT("cash", struct position_in, cash_fen, 0) },
	{ GREEN_F_ENUM("company", struct position_in, company, 0, company_names, 1, GREEN_COMPANY_PRIVATE) },
	{ GREEN_F_DEC("emissions_tco2e", struct position_in, emissions, API_F_PRESENT, 6, false),
	  GREEN_GIVEN(struct position_in, emissions_given) },
	{ GREEN_F_INT("data_quality", struct position_in, data_quality, API_F_PRESENT, 1, 5),
	  GREEN_GIVEN(struct position_in, data_quality_given) },
};
const struct api_schema green_position_schema = API_SCHEMA("green_position", position_fields, struct position_in);

static void position_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!green_http_done_ok(r, results, count))
		return;
	const struct green_position_cmd *c = api_submitted_body(r);
	const struct green_position_record *p = green_position_find(green_http_state(r), c->position.loan_id);
	SZ_ASSERT(p != NULL);
	api_reply_json(r, api_result_status(results[0]), green_json_position(p));
}

/* With an enterprise the period is required (emissions and data quality
 * may come from its account); without one, emissions and data quality are. */
static bool position_required(struct api_request *r, const struct position_in *in)
{
	const char *missing = NULL;
	if (!sz_id_is_zero(in->enterprise_id))
		missing = in->period_given ? NULL : "period";
	else if (!in->emissions_given)
		missing = "emissions_tco2e";
	else if (!in->data_quality_given)
		missing = "data_quality";
	if (missing != NULL)
		api_problem(r, "field_missing", "'%s' is required", missing);
	return missing == NULL;
}

void green_handle_position_add(struct api_request *r)
{
	const struct position_in *in = r->in;
	if (!position_required(r, in))
		return;
	struct green_position_cmd c;
	memset(&c, 0, sizeof c);
	c.id = in->id;
	c.position.loan_id = in->loan_id;
	c.enterprise_id = in->enterprise_id;
	c.period_year = in->period;
	c.position.outstanding_fen = (int64_t)in->outstanding_fen;
	c.position.equity_fen = (int64_t)in->equity_fen;
	c.position.debt_fen = (int64_t)in->debt_fen;
	c.position.cash_fen = (int64_t)in->cash_fen;
	c.position.company_kind = in->company;
	c.position.data_quality = (uint32_t)in->data_quality;
	if (!green_http_fixed(r, "emissions_tco2e", &in->emissions, 6, &c.position.emissions_g))
		return;
	c.bank_tenant_id = r->principal.tenant_id;
	api_submit_one(r, GREEN_CMD_POSITION, &c, sizeof c, position_done);
}

void green_handle_book_get(struct api_request *r)
{
	uint64_t bank = 0;
	if (!green_http_param_u64(r, 0, &bank))
		return;
	if (!green_http_can_read_bank(&r->principal, bank)) {
		api_problem(r, "out_of_scope", "the book belongs to another bank");
		return;
	}
	const struct green_domain_state *g = green_http_state(r);
	green_pcaf_book book;
	int rc = green_book_compute(g, bank, &book);
	if (rc != 0) {
		api_problem(r, "internal", "the book cannot be summed exactly (%s)", sz_strerror(rc));
		return;
	}
	json_t *loans = json_array();
	bool truncated = false;
	for (uint32_t i = 0; i < green_position_count(g); i++) {
		const struct green_position_record *p = green_position_at(g, i);
		if (p->bank_tenant_id != bank)
			continue;
		if (json_array_size(loans) == SZ_PAGE_ROW_COUNT_MAX) {
			truncated = true;
			break;
		}
		json_array_append_new(loans, green_json_position(p));
	}
	api_reply_json(r, 200, green_json_book(bank, &book, loans, truncated));
}

/* ---- taxonomy ---------------------------------------------------------------------------- */

struct tag_in {
	sz_id id;
	sz_id instrument_id;
	uint32_t kind;
	int32_t edition;
	char code[GREEN_TAXONOMY_CODE_SIZE];
};

static const char *const instrument_kind_names[] = { "loan", "bond", NULL };

static const struct api_field tag_fields[] = {
	{ GREEN_F_ID("id", struct tag_in, id, API_F_REQUIRED) },
	{ GREEN_F_ID("instrument_id", struct tag_in, instrument_id, API_F_REQUIRED) },
	{ GREEN_F_ENUM("kind", struct tag_in, kind, 0, instrument_kind_names, 1, GREEN_INSTRUMENT_LOAN) },
	{ GREEN_F_INT("edition", struct tag_in, edition, 0, 2021, 2025), .dflt = 2025 },
	{ GREEN_F_STRING("code", struct tag_in, code, API_F_REQUIRED) },
};
const struct api_schema green_tag_schema = API_SCHEMA("green_tag", tag_fields, struct tag_in);

static void tag_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!green_http_done_ok(r, results, count))
		return;
	const struct green_tag_cmd *c = api_submitted_body(r);
	const struct green_tag_record *t = green_tag_find(green_http_state(r), c->instrument_id);
	SZ_ASSERT(t != NULL);
	api_reply_json(r, api_result_status(results[0]), green_json_tag(green_http_state(r), t));
}

void green_handle_tag(struct api_request *r)
{
	const struct tag_in *in = r->in;
	struct green_tag_cmd c;
	memset(&c, 0, sizeof c);
	c.id = in->id;
	c.instrument_id = in->instrument_id;
	c.instrument_kind = in->kind;
	c.edition = (uint32_t)in->edition;
	memcpy(c.code, in->code, sizeof c.code);
	c.bank_tenant_id = r->principal.tenant_id;
	api_submit_one(r, GREEN_CMD_TAG, &c, sizeof c, tag_done);
}

void green_handle_tag_get(struct api_request *r)
{
	sz_id id;
	if (!green_http_param_id(r, 0, &id))
		return;
	const struct green_tag_record *t = green_tag_find(green_http_state(r), id);
	if (t == NULL) {
		api_problem(r, "not_found", "instrument %s has no taxonomy tag", api_param(r, 0));
		return;
	}
	json_t *doc = green_json_tag(green_http_state(r), t);
	json_object_set_new(doc, "bank", api_json_string_u64(t->bank_tenant_id));
	api_reply_json(r, 200, doc);
}

void green_handle_taxonomy(struct api_request *r)
{
	api_reply_json(r, 200, green_json_taxonomy(green_taxonomy_get(green_http_state(r))));
}
