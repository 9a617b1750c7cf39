/*
 * routes.c — HTTP routes of the green domain (/v1/green/...): decode and
 * check the shape of requests, build green commands (domain.h), submit them,
 * and render the green state as JSON. No business rule is decided here:
 * everything that depends on state is decided by the domain in apply.
 *
 * Text forms (exact, no floating point anywhere):
 *   emissions   "404.20" tCO2e with 2 decimals (rounded once from grams);
 *               inputs in tCO2e accept up to 6 decimals (grams)
 *   amounts     CNY decimal strings ("10000000.00"), minor units fen
 *   activity    electricity_mwh / heat_gj up to 3 decimals, fuel activity up
 *               to 6 decimals in the fuel's unit (t, 10^4Nm3)
 *   rates       percent strings with up to 6 decimals ("3.00" = 3,000,000
 *               bp4); discounts in bp ("15.00")
 *   digests     factor-set digests as 16 lowercase hex digits
 * Scope: an enterprise (merchant role) submits and reads its own accounts
 * (owner id = enterprise id); an operator (bank) acts for its own tenant and
 * reads its own loans and book; regulator, auditor, central bank and admin
 * read everything. Out-of-scope reads of single records answer not_found.
 */
#include "api/api.h"
#include "api/codec.h"
#include "core/assert.h"
#include "core/errors.h"
#include "green/domain.h"
#include "green/fixed.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- request decoding ------------------------------------------------------------ */

/* The first decoding error of a request. */
struct dec {
	const char *code;
	char detail[256];
};

static bool dec_fail(struct dec *d, const char *code, const char *fmt, const char *key)
{
	return api_dec_fail(&d->code, d->detail, sizeof d->detail, code, fmt, key);
}

static bool dec_known(struct dec *d, json_t *o, const char *const *allowed)
{
	return api_dec_known(&d->code, d->detail, sizeof d->detail, o, allowed);
}

static bool dec_id(struct dec *d, json_t *o, const char *key, bool required, sz_id *out)
{
	return api_dec_id(&d->code, d->detail, sizeof d->detail, o, key, required, out);
}

/* A string field into buf (size with the terminator); absent -> "" unless required. */
static bool dec_text(struct dec *d, json_t *o, const char *key, bool required, char *buf, size_t size)
{
	json_t *v = json_object_get(o, key);
	memset(buf, 0, size);
	if (v == NULL)
		return required ? dec_fail(d, "field_missing", "'%s' is required", key) : true;
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= size ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return dec_fail(d, "field_invalid", "'%s' must be a non-empty string of limited length", key);
	memcpy(buf, json_string_value(v), json_string_length(v));
	return true;
}

static bool dec_int(struct dec *d, json_t *o, const char *key, bool required, int64_t min, int64_t max,
		    int64_t *out)
{
	json_t *v = json_object_get(o, key);
	if (v == NULL)
		return required ? dec_fail(d, "field_missing", "'%s' is required", key) : true;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return dec_fail(d, "field_invalid", "'%s' must be an integer in range", key);
	*out = json_integer_value(v);
	return true;
}

/* A decimal string with at most `decimals` digits after the point, as an
 * integer scaled by 10^decimals (>= 0 unless allow_negative). */
static bool dec_fixed(struct dec *d, json_t *o, const char *key, bool required, uint32_t decimals,
		      bool allow_negative, int64_t *out)
{
	json_t *v = json_object_get(o, key);
	if (v == NULL)
		return required ? dec_fail(d, "field_missing", "'%s' is required", key) : true;
	green_dec x;
	if (!json_is_string(v) || green_dec_parse(json_string_value(v), json_string_length(v), &x) != 0 ||
	    (uint32_t)x.scale > decimals || (!allow_negative && x.value < 0))
		return dec_fail(d, "field_invalid", "'%s' must be a decimal string with limited decimals", key);
	int64_t scaled = x.value;
	for (uint32_t i = (uint32_t)x.scale; i < decimals; i++)
		if (__builtin_mul_overflow(scaled, 10, &scaled))
			return dec_fail(d, "field_invalid", "'%s' is too large", key);
	*out = scaled;
	return true;
}

/* A CNY amount ("1234.56") in fen. */
static bool dec_amount(struct dec *d, json_t *o, const char *key, bool required, int64_t *out)
{
	json_t *v = json_object_get(o, key);
	if (v == NULL)
		return required ? dec_fail(d, "field_missing", "'%s' is required", key) : true;
	uint64_t fen = 0;
	if (!json_is_string(v) || sz_amount_parse(json_string_value(v), json_string_length(v), 2, &fen) != 0 ||
	    fen > INT64_MAX)
		return dec_fail(d, "amount_invalid", "'%s' must be a CNY decimal string (2 decimals at most)", key);
	*out = (int64_t)fen;
	return true;
}

static bool dec_digest(struct dec *d, json_t *o, const char *key, uint64_t *out)
{
	json_t *v = json_object_get(o, key);
	*out = 0;
	if (v == NULL)
		return true;
	const char *t = json_is_string(v) ? json_string_value(v) : NULL;
	if (t == NULL || json_string_length(v) != 16 || strspn(t, "0123456789abcdef") != 16)
		return dec_fail(d, "field_invalid", "'%s' must be 16 lowercase hex digits", key);
	*out = strtoull(t, NULL, 16);
	return true;
}

/* One of names (index + base), or fail; absent -> *out unchanged. */
static bool dec_enum(struct dec *d, json_t *o, const char *key, const char *const *names, uint32_t base,
		     uint32_t *out)
{
	json_t *v = json_object_get(o, key);
	if (v == NULL)
		return true;
	if (json_is_string(v))
		for (uint32_t i = 0; names[i]; i++)
			if (strcmp(names[i], json_string_value(v)) == 0) {
				*out = base + i;
				return true;
			}
	return dec_fail(d, "field_invalid", "'%s' is not one of the accepted names", key);
}

static bool dec_answer(struct api_request *r, struct dec *d)
{
	if (d->code == NULL)
		return true;
	api_problem(r, d->code, "%s", d->detail);
	return false;
}

/* Path parameters. */
static bool param_id(struct api_request *r, uint32_t index, sz_id *out)
{
	const char *text = api_param(r, index);
	if (sz_id_parse(text, strlen(text), out, 0) == 0)
		return true;
	api_problem(r, "id_invalid", "'%s' is not a 128-bit id", text);
	return false;
}

static bool param_year(struct api_request *r, uint32_t index, int32_t *out)
{
	const char *text = api_param(r, index);
	uint64_t v = 0;
	if (sz_u64_parse(text, strlen(text), &v) == 0 && v >= 1990 && v <= 2100) {
		*out = (int32_t)v;
		return true;
	}
	api_problem(r, "field_invalid", "period '%s' must be a year 1990-2100", text);
	return false;
}

static bool param_u64(struct api_request *r, uint32_t index, uint64_t *out)
{
	const char *text = api_param(r, index);
	if (sz_u64_parse(text, strlen(text), out) == 0 && *out != 0)
		return true;
	api_problem(r, "id_invalid", "'%s' is not a non-zero tenant id", text);
	return false;
}

/* ---- scope ------------------------------------------------------------------------- */

static bool is_reader_of_all(const struct api_principal *p)
{
	return p->role == API_ROLE_CENTRAL_BANK || p->role == API_ROLE_REGULATOR || p->role == API_ROLE_AUDITOR ||
	       p->role == API_ROLE_ADMIN;
}

static bool can_read_enterprise(const struct api_principal *p, sz_id enterprise)
{
	if (p->role == API_ROLE_MERCHANT)
		return sz_id_eq(p->owner_id, enterprise);
	return true; /* banks read accounts of borrowers; readers read all */
}

static bool can_read_bank(const struct api_principal *p, uint64_t bank)
{
	return is_reader_of_all(p) || (p->role == API_ROLE_OPERATOR && p->tenant_id == bank);
}

/* ---- rendering -------------------------------------------------------------------- */

static const struct green_domain_state *green_of(const struct api_request *r)
{
	const struct green_domain_state *g = green_state_get(sz_engine_state(r->server->engine));
	SZ_ASSERT(g != NULL);
	return g;
}

static json_t *j_fixed(int64_t value, uint32_t decimals)
{
	char buf[48];
	int rc = green_format_fixed(buf, sizeof buf, value, decimals);
	SZ_ASSERT(rc == 0);
	return json_string(buf);
}

/* Fixed-point text with trailing zeros trimmed down to min_decimals. */
static json_t *j_trim(int64_t value, uint32_t decimals, uint32_t min_decimals)
{
	char buf[48];
	int rc = green_format_fixed(buf, sizeof buf, value, decimals);
	SZ_ASSERT(rc == 0);
	char *dot = strchr(buf, '.');
	if (dot != NULL) {
		size_t len = strlen(buf);
		while (len > (size_t)(dot - buf) + 1 + min_decimals && buf[len - 1] == '0')
			buf[--len] = '\0';
		if (buf[len - 1] == '.')
			buf[len - 1] = '\0';
	}
	return json_string(buf);
}

static json_t *j_t(int64_t grams) { return j_fixed(green_g_to_t_e2(grams), 2); }

static json_t *j_id(sz_id id) { return api_json_string_id(id); }

static json_t *j_amount(int64_t fen)
{
	return api_json_amount_string((uint64_t)(fen < 0 ? 0 : fen), sz_currency_code("CNY"));
}

static json_t *j_digest(uint64_t digest)
{
	char buf[17];
	snprintf(buf, sizeof buf, "%016" PRIx64, digest);
	return json_string(buf);
}

static json_t *j_dec(green_dec v)
{
	char buf[48];
	int rc = green_format_dec(buf, sizeof buf, v);
	SZ_ASSERT(rc == 0);
	return json_string(buf);
}

static json_t *j_flags(uint32_t flags)
{
	static const char *const names[] = { "ets_series", "area_region", "area_national", "year_earlier",
					     "ipcc_tier", "residual_mix", "ipcc_ncv" };
	json_t *a = json_array();
	for (uint32_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (flags & (1u << i))
			json_array_append_new(a, json_string(names[i]));
	return a;
}

static json_t *j_factor_ref(const green_factor_ref *f)
{
	if (f->value.value == 0 && f->value.scale == 0)
		return json_null();
	return json_pack("{s:o, s:i, s:s, s:o}", "value", j_dec(f->value), "year", (json_int_t)f->year, "area",
			 f->area, "flags", j_flags(f->flags));
}

static json_t *j_factor_set_pin(const char *version, uint64_t digest)
{
	return json_pack("{s:s, s:o}", "version", version, "digest", j_digest(digest));
}

static const char *const tier_names[] = { "auto", "national", "ipcc", NULL };
static const char *const evidence_names[] = { "verified_report", "unverified_report", "primary_energy",
					      "production", "revenue_sector", "sector_proxy", NULL };

static json_t *j_result(const green_account_result *res, const green_account *a)
{
	json_t *o = json_object();
	json_object_set_new(o, "factor_set", j_factor_set_pin(res->factor_version, res->factor_digest));
	json_object_set_new(o, "scope1_tco2e", j_t(res->scope1_g));
	json_object_set_new(o, "scope2_location_tco2e", j_t(res->scope2_location_g));
	json_object_set_new(o, "scope2_market_tco2e", j_t(res->scope2_market_g));
	json_object_set_new(o, "total_tco2e", j_t(res->summary.total_g));
	json_object_set_new(o, "total_market_tco2e", j_t(res->total_market_g));
	json_object_set_new(o, "total_g", api_json_string_u64((uint64_t)res->summary.total_g));
	json_object_set_new(o, "electricity_location_tco2e", j_t(res->electricity_location_g));
	json_object_set_new(o, "electricity_market_tco2e", j_t(res->electricity_market_g));
	json_object_set_new(o, "heat_tco2e", j_t(res->heat_g));
	json_object_set_new(o, "intensity_tco2e_per_10k_yuan",
			    res->summary.result_flags & GREEN_RESULT_HAS_INTENSITY
				    ? j_fixed(res->summary.intensity_t_per_10k_yuan_e4, 4) : json_null());
	json_object_set_new(o, "yoy_change_percent",
			    res->summary.result_flags & GREEN_RESULT_HAS_YOY ? j_fixed(res->summary.yoy_change_bp, 2)
									     : json_null());
	json_object_set_new(o, "flags", j_flags(res->flags));
	json_object_set_new(o, "grid_factor", j_factor_ref(&res->grid_factor));
	json_object_set_new(o, "residual_factor", j_factor_ref(&res->residual_factor));
	json_object_set_new(o, "heat_factor", j_factor_ref(&res->heat_factor));
	json_t *fuels = json_array();
	for (uint32_t i = 0; a && i < a->fuel_count; i++)
		json_array_append_new(fuels, json_pack("{s:s, s:o, s:s, s:o}", "fuel", a->fuels[i].fuel, "activity",
							j_trim(a->fuels[i].activity_micro, 6, 0), "tier",
							tier_names[res->fuel_tier[i] <= 2 ? res->fuel_tier[i] : 0],
							"co2e_tco2e", j_t(res->fuel_co2e_g[i])));
	json_object_set_new(o, "fuels", fuels);
	return o;
}

static json_t *j_account(const struct green_domain_state *g, const green_account *a,
			 const green_account_result *res, const struct green_account_meta *m)
{
	json_t *o = j_result(res, a);
	json_object_set_new(o, "enterprise_id", j_id(a->enterprise_id));
	json_object_set_new(o, "period", json_integer(a->period_year));
	json_object_set_new(o, "province", json_string(a->province));
	json_object_set_new(o, "grid_series", json_string(green_grid_series_name(a->grid_series)));
	json_object_set_new(o, "gwp", json_string(a->gwp == GREEN_GWP_AR5 ? "AR5" : "AR6"));
	json_object_set_new(o, "electricity_mwh", j_trim(a->electricity_mwh_milli, 3, 0));
	json_object_set_new(o, "green_power_mwh", j_trim(a->green_power_mwh_milli, 3, 0));
	json_object_set_new(o, "heat_gj", j_trim(a->heat_gj_milli, 3, 0));
	json_object_set_new(o, "value_added", j_amount(a->value_added_fen));
	json_t *certs = json_array();
	for (uint32_t i = 0; i < a->cert_count; i++)
		json_array_append_new(certs, json_pack("{s:s, s:o}", "serial", a->certs[i].serial, "mwh",
						       j_trim(a->certs[i].mwh_milli, 3, 0)));
	json_object_set_new(o, "certificates", certs);
	json_object_set_new(o, "data_quality", json_pack("{s:i, s:s}", "score", (json_int_t)m->data_quality,
							 "evidence", evidence_names[m->evidence - 1]));
	if (m->flags & GREEN_META_HAS_GRADE)
		json_object_set_new(o, "grade",
				    json_pack("{s:o, s:i, s:s, s:s, s:o}", "k", j_fixed(m->grade.k_milli, 3), "grade",
					      (json_int_t)m->grade.grade, "colour", green_colour_name(m->grade.colour),
					      "colour_zh", green_colour_name_zh(m->grade.colour),
					      "industry_intensity_tco2e_per_10k_yuan",
					      j_trim(m->industry_intensity_g_per_10k_yuan, 6, 2)));
	else
		json_object_set_new(o, "grade", json_null());
	if (m->flags & GREEN_META_HAS_ESG) {
		json_t *pillars = json_object();
		static const char *const pillar_names[] = { "E", "S", "G" };
		for (uint32_t p = 0; p < GREEN_ESG_PILLAR_COUNT; p++)
			json_object_set_new(pillars, pillar_names[p],
					    m->esg.pillar_used & (1u << p) ? j_fixed(m->esg.pillar_score_centi[p], 2)
									    : json_null());
		json_object_set_new(o, "esg",
				    json_pack("{s:o, s:o, s:o, s:o, s:i}", "score", j_fixed(m->esg.score_centi, 2),
					      "raw_score", j_fixed(m->esg.raw_score_centi, 2), "deduction",
					      j_fixed(m->esg.deduction_centi, 2), "pillars", pillars, "peers",
					      (json_int_t)m->esg_peer_count));
	} else {
		json_object_set_new(o, "esg", json_null());
	}
	json_object_set_new(o, "submitted_at_ns", api_json_string_u64(m->submitted_ns));
	json_object_set_new(o, "command_id", j_id(m->command_id));
	uint32_t cursor = 0, count = 0;
	while (green_restatement_next(g, a->enterprise_id, a->period_year, &cursor) != NULL)
		count++;
	json_object_set_new(o, "restatement_count", json_integer(count));
	return o;
}

static json_t *j_restatement(const green_restatement *rs)
{
	return json_pack("{s:o, s:o, s:{s:o, s:o, s:o, s:o}}", "before", j_result(&rs->before, NULL), "after",
			 j_result(&rs->after, NULL), "delta", "scope1_tco2e", j_t(rs->delta_scope1_g),
			 "scope2_location_tco2e", j_t(rs->delta_scope2_location_g), "scope2_market_tco2e",
			 j_t(rs->delta_scope2_market_g), "total_tco2e", j_t(rs->delta_total_g));
}

static json_t *j_policy(const green_pricing_policy *p)
{
	return json_pack("{s:i, s:o, s:o, s:o}", "base_score", (json_int_t)p->base_score, "discount_per_point_bp",
			 j_trim(p->discount_per_point_bp4, 4, 2), "cap_bp", j_trim(p->cap_bp4, 4, 2),
			 "partial_share_percent", j_fixed(p->partial_share_bp, 2));
}

static json_t *j_loan(const struct green_loan *l)
{
	const green_loan_terms *t = &l->terms;
	json_t *o = json_object();
	json_object_set_new(o, "loan_id", j_id(t->loan_id));
	json_object_set_new(o, "bank", api_json_string_u64(l->bank_tenant_id));
	json_object_set_new(o, "enterprise_id", j_id(l->enterprise_id));
	json_object_set_new(o, "period", json_integer(l->period_year));
	json_object_set_new(o, "base_rate_percent", j_trim(t->base_rate_bp4, 6, 2));
	json_object_set_new(o, "discount_bp", j_trim(t->discount_bp4, 4, 2));
	json_object_set_new(o, "rate_percent", j_trim(t->rate_bp4, 6, 2));
	json_object_set_new(o, "score", json_integer(t->score));
	json_object_set_new(o, "score_from_esg", json_boolean(l->flags & GREEN_PRICE_SCORE_FROM_ESG));
	json_object_set_new(o, "data_quality", json_integer(t->data_quality));
	json_object_set_new(o, "policy", j_policy(&t->policy));
	json_object_set_new(o, "policy_version", json_integer(l->policy_version));
	json_object_set_new(o, "factor_set", j_factor_set_pin(t->factor_version, t->factor_digest));
	/* the discount re-derived from the pinned inputs equals the stored one */
	json_object_set_new(o, "rederives", json_boolean(green_pricing_rederive(t) == SZ_OK));
	json_object_set_new(o, "priced_at_ns", api_json_string_u64(l->priced_ns));
	return o;
}

static const char *const cerf_area_names[] = { "none", "clean_energy", "energy_saving", "carbon_reduction_tech",
					       NULL };
static const char *const cerf_reason_names[] = { "qualifies", "area_not_eligible", "lender_not_eligible",
						 "reduction_not_disclosed" };

static json_t *j_cerf(const struct green_cerf_record *c)
{
	return json_pack("{s:o, s:b, s:s, s:o, s:o, s:o, s:o, s:{s:o, s:o, s:i}, s:s, s:o, s:o, s:i}", "loan_id",
			 j_id(c->loan.loan_id), "qualifies", c->result.qualifies != 0, "reason",
			 cerf_reason_names[c->result.reason <= 3 ? c->result.reason : 0], "refinanceable",
			 j_amount(c->result.refinance_fen), "annual_cost", j_amount(c->result.annual_cost_fen),
			 "term_cost", j_amount(c->result.term_cost_fen), "attributed_reduction_tco2e",
			 j_t(c->result.attributed_reduction_g), "policy", "share_percent",
			 j_fixed(c->policy.share_bp, 2), "rate_percent", j_trim(c->policy.rate_bp4, 6, 2),
			 "day_basis", (json_int_t)c->policy.day_basis, "area",
			 cerf_area_names[c->loan.area <= 3 ? c->loan.area : 0], "principal",
			 j_amount(c->loan.principal_fen), "project_investment",
			 j_amount(c->loan.project_investment_fen), "term_days", (json_int_t)c->loan.term_days);
}

static json_t *j_tag(const struct green_domain_state *g, const struct green_tag_record *t)
{
	const green_taxonomy_category *cat = green_taxonomy_category_find(green_taxonomy_get(g), t->tag.category_2025);
	json_t *o = json_pack("{s:o, s:s, s:i, s:i}", "instrument_id", j_id(t->tag.instrument_id), "kind",
			      t->tag.instrument_kind == GREEN_INSTRUMENT_BOND ? "bond" : "loan", "category_2025",
			      (json_int_t)t->tag.category_2025, "edition", (json_int_t)t->tag.edition);
	json_object_set_new(o, "code_2021", t->tag.code_2021[0] ? json_string(t->tag.code_2021) : json_null());
	json_object_set_new(o, "name_zh", cat ? json_string(cat->name_zh) : json_null());
	json_object_set_new(o, "name_en", cat ? json_string(cat->name_en) : json_null());
	json_object_set_new(o, "tagged_at_ns", api_json_string_u64(t->tagged_ns));
	return o;
}

static json_t *j_position(const struct green_position_record *p)
{
	json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:s, s:i, s:o, s:o, s:b}", "loan_id",
			      j_id(p->position.loan_id), "outstanding", j_amount(p->position.outstanding_fen), "equity",
			      j_amount(p->position.equity_fen), "debt", j_amount(p->position.debt_fen), "cash",
			      j_amount(p->position.cash_fen), "company",
			      p->position.company_kind == GREEN_COMPANY_LISTED ? "listed" : "private", "data_quality",
			      (json_int_t)p->position.data_quality, "attribution", j_fixed(p->result.attribution_ppm, 6),
			      "financed_tco2e", j_t(p->result.financed_g), "capped",
			      (p->result.flags & GREEN_PCAF_CAPPED) != 0);
	json_object_set_new(o, "borrower_emissions_tco2e", j_t(p->position.emissions_g));
	json_object_set_new(o, "enterprise_id", sz_id_is_zero(p->enterprise_id) ? json_null() : j_id(p->enterprise_id));
	json_object_set_new(o, "period", p->period_year ? json_integer(p->period_year) : json_null());
	json_object_set_new(o, "emissions_from_account", json_boolean(p->flags & GREEN_POSITION_FROM_ACCOUNT));
	return o;
}

/* ---- submission ------------------------------------------------------------------ */

/* True if the result is ok or exists; otherwise answers the problem. */
static bool done_ok(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] == SZ_R_OK || results[0] == SZ_R_EXISTS)
		return true;
	api_problem_result(r, results[0], NULL);
	return false;
}

/* ---- factor sets ------------------------------------------------------------------ */

void green_handle_factors_list(struct api_request *r)
{
	const struct green_domain_state *g = green_of(r);
	json_t *sets = json_array();
	for (uint32_t i = 0; i < green_loaded_set_count(g); i++) {
		const green_factor_set *set = green_loaded_set_at(g, i);
		const struct green_active_set *a = green_active_find(g, set->version);
		json_t *o = json_pack("{s:s, s:o, s:i, s:b}", "version", set->version, "digest", j_digest(set->digest),
				      "rows", (json_int_t)set->row_count, "active", a != NULL && a->digest == set->digest);
		json_object_set_new(o, "activated_at_ns", a ? api_json_string_u64(a->activated_ns) : json_null());
		json_array_append_new(sets, o);
	}
	json_t *active = json_array();
	for (uint32_t i = 0; i < green_active_count(g); i++) {
		const struct green_active_set *a = green_active_at(g, i);
		json_array_append_new(active, json_pack("{s:s, s:o, s:o}", "version", a->version, "digest",
							j_digest(a->digest), "activated_at_ns",
							api_json_string_u64(a->activated_ns)));
	}
	uint32_t n = green_active_count(g);
	json_t *doc = json_pack("{s:o, s:o}", "loaded", sets, "active", active);
	json_object_set_new(doc, "default", n ? json_string(green_active_at(g, n - 1)->version) : json_null());
	api_reply_json(r, 200, doc);
}

void green_handle_factor_set_get(struct api_request *r)
{
	const green_factor_set *set = green_loaded_set_find(green_of(r), api_param(r, 0));
	if (set == NULL) {
		api_problem(r, "not_found", "no factor set '%s' is loaded", api_param(r, 0));
		return;
	}
	static const char *const kinds[] = { "", "grid", "heat", "fuel", "ipcc", "gwp" };
	static const char *const params[] = { "", "ef", "ncv", "carbon_content", "oxidation", "ef_co2",
					      "ef_ch4", "ef_n2o", "ch4", "n2o" };
	json_t *rows = json_array();
	for (uint32_t i = 0; i < set->row_count; i++) {
		const green_factor_row *f = &set->rows[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s}", "kind", kinds[f->kind <= 5 ? f->kind : 0],
				      "code", f->code, "area", f->area, "param", params[f->param <= 9 ? f->param : 0],
				      "value", j_dec(f->value), "unit", f->unit, "source", f->source, "publication",
				      f->publication);
		json_object_set_new(o, "year", f->year ? json_integer(f->year) : json_null());
		json_array_append_new(rows, o);
	}
	const struct green_active_set *a = green_active_find(green_of(r), set->version);
	api_reply_json(r, 200, json_pack("{s:s, s:o, s:b, s:o}", "version", set->version, "digest",
					 j_digest(set->digest), "active", a != NULL, "rows", rows));
}

static void activate_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!done_ok(r, results, count))
		return;
	const struct green_activate_cmd *c = api_submitted_body(r);
	const struct green_active_set *a = green_active_find(green_of(r), c->version);
	SZ_ASSERT(a != NULL);
	api_reply_json(r, api_result_status(results[0]),
		       json_pack("{s:s, s:o, s:o}", "version", a->version, "digest", j_digest(a->digest),
				 "activated_at_ns", api_json_string_u64(a->activated_ns)));
}

void green_handle_factor_activate(struct api_request *r)
{
	const char *version = api_param(r, 0);
	if (strlen(version) >= GREEN_VERSION_SIZE) {
		api_problem(r, "field_invalid", "factor set versions are at most %u bytes", GREEN_VERSION_SIZE - 1);
		return;
	}
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const known[] = { "id", "digest", NULL };
	struct dec d = { 0 };
	struct green_activate_cmd c;
	memset(&c, 0, sizeof c);
	memcpy(c.version, version, strlen(version));
	dec_known(&d, doc, known);
	dec_id(&d, doc, "id", true, &c.id);
	dec_digest(&d, doc, "digest", &c.digest);
	json_decref(doc);
	if (!dec_answer(r, &d))
		return;
	if (c.digest == 0) { /* pin what is loaded now; the command carries it */
		const green_factor_set *set = green_loaded_set_find(green_of(r), c.version);
		c.digest = set ? set->digest : 0;
	}
	api_submit_one(r, GREEN_CMD_FACTOR_ACTIVATE, &c, sizeof c, activate_done);
}

/* ---- accounts -------------------------------------------------------------------- */

static void account_reply(struct api_request *r, unsigned status, sz_id enterprise, int32_t period)
{
	const struct green_domain_state *g = green_of(r);
	const green_account *a = NULL;
	const struct green_account_meta *m = NULL;
	const green_account_result *res = green_account_find(g, enterprise, period, &a, &m);
	if (res == NULL) {
		api_problem(r, "not_found", "no carbon account for this enterprise and period");
		return;
	}
	char id[SZ_ID_TEXT_SIZE];
	sz_id_format(enterprise, id);
	snprintf(r->location, sizeof r->location, "/v1/green/accounts/%s/%d", id, period);
	api_reply_json(r, status, j_account(g, a, res, m));
}

static void account_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!done_ok(r, results, count))
		return;
	const struct green_account_cmd *c = api_submitted_body(r);
	account_reply(r, api_result_status(results[0]), c->account.enterprise_id, c->account.period_year);
}

static bool dec_fuels(struct dec *d, json_t *doc, green_account *a)
{
	json_t *fuels = json_object_get(doc, "fuels");
	if (fuels == NULL)
		return true;
	if (!json_is_array(fuels) || json_array_size(fuels) > GREEN_ACCOUNT_FUEL_LINE_COUNT_MAX)
		return dec_fail(d, "field_invalid", "'%s' must be an array of at most 8 fuel lines", "fuels");
	static const char *const known[] = { "fuel", "activity", "tier", NULL };
	size_t i;
	json_t *f;
	json_array_foreach(fuels, i, f) {
		if (!json_is_object(f))
			return dec_fail(d, "field_invalid", "'%s' lines must be objects", "fuels");
		green_fuel_line *line = &a->fuels[i];
		dec_known(d, f, known);
		dec_text(d, f, "fuel", true, line->fuel, sizeof line->fuel);
		dec_fixed(d, f, "activity", true, 6, false, &line->activity_micro);
		dec_enum(d, f, "tier", tier_names, 0, &line->tier);
	}
	a->fuel_count = (uint32_t)json_array_size(fuels);
	return d->code == NULL;
}

static bool dec_certs(struct dec *d, json_t *doc, green_account *a)
{
	json_t *certs = json_object_get(doc, "certificates");
	if (certs == NULL)
		return true;
	if (!json_is_array(certs) || json_array_size(certs) > GREEN_ACCOUNT_CERT_LINE_COUNT_MAX)
		return dec_fail(d, "field_invalid", "'%s' must be an array of at most 8 lines", "certificates");
	static const char *const known[] = { "serial", "mwh", NULL };
	size_t i;
	json_t *c;
	json_array_foreach(certs, i, c) {
		if (!json_is_object(c))
			return dec_fail(d, "field_invalid", "'%s' lines must be objects", "certificates");
		green_cert_line *line = &a->certs[i];
		dec_known(d, c, known);
		dec_text(d, c, "serial", true, line->serial, sizeof line->serial);
		dec_fixed(d, c, "mwh", true, 3, false, &line->mwh_milli);
		if (d->code == NULL && __builtin_add_overflow(a->green_power_mwh_milli, line->mwh_milli,
							     &a->green_power_mwh_milli))
			return dec_fail(d, "field_invalid", "'%s' sum too large", "certificates");
	}
	a->cert_count = (uint32_t)json_array_size(certs);
	return d->code == NULL;
}

void green_handle_account_submit(struct api_request *r)
{
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const known[] = { "id", "enterprise_id", "period", "province", "grid_series",
					     "electricity_mwh", "heat_gj", "value_added", "previous_total_tco2e", "gwp",
					     "fuels", "certificates", "evidence", "industry_intensity_tco2e_per_10k_yuan",
					     "factor_version", "factor_digest", NULL };
	static const char *const series[] = { "average", "excl_market_nonfossil", "fossil", "ets", NULL };
	static const char *const gwps[] = { "AR5", "AR6", NULL };
	struct dec d = { 0 };
	static _Thread_local struct green_account_cmd c;
	memset(&c, 0, sizeof c);
	green_account *a = &c.account;
	int64_t period = 0, previous = -1, intensity = 0;
	a->grid_series = GREEN_GRID_AVERAGE;
	a->gwp = GREEN_GWP_AR6;
	dec_known(&d, doc, known);
	dec_id(&d, doc, "id", true, &c.id);
	dec_id(&d, doc, "enterprise_id", false, &a->enterprise_id);
	dec_int(&d, doc, "period", true, 1990, 2100, &period);
	dec_text(&d, doc, "province", false, a->province, sizeof a->province);
	dec_enum(&d, doc, "grid_series", series, 1, &a->grid_series);
	dec_fixed(&d, doc, "electricity_mwh", false, 3, false, &a->electricity_mwh_milli);
	dec_fixed(&d, doc, "heat_gj", false, 3, false, &a->heat_gj_milli);
	dec_amount(&d, doc, "value_added", false, &a->value_added_fen);
	dec_fixed(&d, doc, "previous_total_tco2e", false, 6, false, &previous);
	uint32_t gwp = 1;
	dec_enum(&d, doc, "gwp", gwps, 0, &gwp);
	a->gwp = gwp == 0 ? GREEN_GWP_AR5 : GREEN_GWP_AR6;
	dec_fuels(&d, doc, a);
	dec_certs(&d, doc, a);
	dec_enum(&d, doc, "evidence", evidence_names, 1, &c.evidence);
	dec_fixed(&d, doc, "industry_intensity_tco2e_per_10k_yuan", false, 6, false, &intensity);
	dec_text(&d, doc, "factor_version", false, c.factor_version, sizeof c.factor_version);
	dec_digest(&d, doc, "factor_digest", &c.factor_digest);
	json_decref(doc);
	if (!dec_answer(r, &d))
		return;
	a->period_year = (int32_t)period;
	c.industry_intensity_g_per_10k_yuan = intensity;
	if (previous >= 0) {
		a->previous_total_g = previous;
		a->flags |= GREEN_ACCOUNT_HAS_PREVIOUS;
	}
	/* an enterprise reports for itself */
	if (sz_id_is_zero(a->enterprise_id))
		a->enterprise_id = r->principal.owner_id;
	if (sz_id_is_zero(a->enterprise_id) || !sz_id_eq(a->enterprise_id, r->principal.owner_id)) {
		api_problem(r, "out_of_scope", "an enterprise submits only its own carbon accounts");
		return;
	}
	api_submit_one(r, GREEN_CMD_ACCOUNT_SUBMIT, &c, sizeof c, account_done);
}

/* Enterprise and period from the path, with the caller's read scope. */
static bool account_params(struct api_request *r, sz_id *enterprise, int32_t *period)
{
	if (!param_id(r, 0, enterprise) || !param_year(r, 1, period))
		return false;
	if (!can_read_enterprise(&r->principal, *enterprise)) {
		api_problem(r, "not_found", "no carbon account for this enterprise and period");
		return false;
	}
	return true;
}

void green_handle_account_get(struct api_request *r)
{
	sz_id enterprise;
	int32_t period;
	if (!account_params(r, &enterprise, &period))
		return;
	account_reply(r, 200, enterprise, period);
}

void green_handle_account_restatements(struct api_request *r)
{
	sz_id enterprise;
	int32_t period;
	if (!account_params(r, &enterprise, &period))
		return;
	const struct green_domain_state *g = green_of(r);
	if (green_account_find(g, enterprise, period, NULL, NULL) == NULL) {
		api_problem(r, "not_found", "no carbon account for this enterprise and period");
		return;
	}
	json_t *list = json_array();
	uint32_t cursor = 0;
	const green_restatement *rs;
	while ((rs = green_restatement_next(g, enterprise, period, &cursor)) != NULL &&
	       json_array_size(list) < SZ_PAGE_ROW_COUNT_MAX)
		json_array_append_new(list, j_restatement(rs));
	api_reply_json(r, 200, json_pack("{s:o, s:i, s:o}", "enterprise_id", j_id(enterprise), "period",
					 (json_int_t)period, "restatements", list));
}

static void restate_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!done_ok(r, results, count))
		return;
	const struct green_restate_cmd *c = api_submitted_body(r);
	const struct green_domain_state *g = green_of(r);
	/* the restatement of this command: the newest one under its set */
	const green_restatement *rs, *last = NULL;
	uint32_t cursor = 0;
	while ((rs = green_restatement_next(g, c->enterprise_id, c->period_year, &cursor)) != NULL)
		if (strcmp(rs->after.factor_version, c->factor_version) == 0)
			last = rs;
	if (last == NULL) { /* applied with OK, so its restatement exists: never here */
		api_problem(r, "internal", "the restatement just applied is missing");
		return;
	}
	json_t *doc = j_restatement(last);
	json_object_set_new(doc, "enterprise_id", j_id(c->enterprise_id));
	json_object_set_new(doc, "period", json_integer(c->period_year));
	api_reply_json(r, api_result_status(results[0]), doc);
}

void green_handle_account_restate(struct api_request *r)
{
	struct green_restate_cmd c;
	memset(&c, 0, sizeof c);
	if (!param_id(r, 0, &c.enterprise_id) || !param_year(r, 1, &c.period_year))
		return;
	if (r->principal.role == API_ROLE_MERCHANT && !sz_id_eq(r->principal.owner_id, c.enterprise_id)) {
		api_problem(r, "out_of_scope", "an enterprise restates only its own carbon accounts");
		return;
	}
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const known[] = { "id", "factor_version", "factor_digest", NULL };
	struct dec d = { 0 };
	dec_known(&d, doc, known);
	dec_id(&d, doc, "id", true, &c.id);
	dec_text(&d, doc, "factor_version", true, c.factor_version, sizeof c.factor_version);
	dec_digest(&d, doc, "factor_digest", &c.factor_digest);
	json_decref(doc);
	if (!dec_answer(r, &d))
		return;
	api_submit_one(r, GREEN_CMD_RESTATE, &c, sizeof c, restate_done);
}

static void esg_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!done_ok(r, results, count))
		return;
	const struct green_esg_cmd *c = api_submitted_body(r);
	account_reply(r, api_result_status(results[0]), c->enterprise_id, c->period_year);
}

void green_handle_account_esg(struct api_request *r)
{
	static _Thread_local struct green_esg_cmd c;
	memset(&c, 0, sizeof c);
	if (!param_id(r, 0, &c.enterprise_id) || !param_year(r, 1, &c.period_year))
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const known[] = { "id", "peers", "subject", "controversies", NULL };
	static const char *const indicators[] = { "carbon_intensity", "green_power_share", "injury_rate",
						  "social_insurance_rate", "independent_directors",
						  "regulatory_penalties", NULL };
	static const char *const levels[] = { "minor", "moderate", "severe", NULL };
	struct dec d = { 0 };
	int64_t subject = 0;
	dec_known(&d, doc, known);
	dec_id(&d, doc, "id", true, &c.id);
	dec_int(&d, doc, "subject", true, 0, GREEN_ESG_COMMAND_PEER_COUNT_MAX - 1, &subject);
	json_t *peers = json_object_get(doc, "peers");
	if (!json_is_array(peers) || json_array_size(peers) == 0 ||
	    json_array_size(peers) > GREEN_ESG_COMMAND_PEER_COUNT_MAX) {
		dec_fail(&d, "field_invalid", "'%s' must be an array of 1 to 64 peer objects", "peers");
	} else {
		size_t i;
		json_t *p;
		json_array_foreach(peers, i, p) {
			if (!json_is_object(p)) {
				dec_fail(&d, "field_invalid", "'%s' entries must be objects", "peers");
				break;
			}
			dec_known(&d, p, indicators);
			for (uint32_t k = 0; indicators[k]; k++)
				dec_fixed(&d, p, indicators[k], true, 6, true,
					  &c.values[i * GREEN_ESG_COMMAND_INDICATOR_COUNT + k]);
		}
		c.peer_count = (uint32_t)json_array_size(peers);
	}
	json_t *contro = json_object_get(doc, "controversies");
	if (contro != NULL && !json_is_object(contro)) {
		dec_fail(&d, "field_invalid", "'%s' must be an object", "controversies");
	} else if (contro != NULL) {
		dec_known(&d, contro, levels);
		for (uint32_t k = 0; levels[k]; k++) {
			int64_t n = 0;
			dec_int(&d, contro, levels[k], false, 0, 1000, &n);
			c.controversies[k] = (uint32_t)n;
		}
	}
	json_decref(doc);
	if (!dec_answer(r, &d))
		return;
	c.subject = (uint32_t)subject;
	api_submit_one(r, GREEN_CMD_ESG, &c, sizeof c, esg_done);
}

void green_handle_cert_get(struct api_request *r)
{
	const green_cert_claim *claim = green_cert_find(green_of(r), api_param(r, 0));
	if (claim == NULL || !can_read_enterprise(&r->principal, claim->enterprise_id)) {
		api_problem(r, "not_found", "certificate '%s' is not claimed", api_param(r, 0));
		return;
	}
	api_reply_json(r, 200, json_pack("{s:s, s:o, s:i}", "serial", claim->serial, "enterprise_id",
					 j_id(claim->enterprise_id), "period", (json_int_t)claim->period_year));
}

/* ---- pricing ---------------------------------------------------------------------- */

static void policy_reply(struct api_request *r, unsigned status, uint64_t bank)
{
	const struct green_bank_policy *p = green_policy_find(green_of(r), bank);
	green_pricing_policy def;
	green_pricing_policy_default(&def);
	json_t *doc = j_policy(p ? &p->policy : &def);
	json_object_set_new(doc, "bank", api_json_string_u64(bank));
	json_object_set_new(doc, "version", json_integer(p ? p->version : 0));
	json_object_set_new(doc, "default", json_boolean(p == NULL));
	api_reply_json(r, status, doc);
}

static void policy_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!done_ok(r, results, count))
		return;
	const struct green_policy_cmd *c = api_submitted_body(r);
	policy_reply(r, api_result_status(results[0]), c->bank_tenant_id);
}

void green_handle_policy_set(struct api_request *r)
{
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const known[] = { "id", "base_score", "discount_per_point_bp", "cap_bp",
					     "partial_share_percent", NULL };
	struct dec d = { 0 };
	struct green_policy_cmd c;
	memset(&c, 0, sizeof c);
	green_pricing_policy_default(&c.policy);
	int64_t base = c.policy.base_score, share = c.policy.partial_share_bp;
	dec_known(&d, doc, known);
	dec_id(&d, doc, "id", true, &c.id);
	dec_int(&d, doc, "base_score", false, 0, 1000, &base);
	dec_fixed(&d, doc, "discount_per_point_bp", false, 4, false, &c.policy.discount_per_point_bp4);
	dec_fixed(&d, doc, "cap_bp", false, 4, false, &c.policy.cap_bp4);
	dec_fixed(&d, doc, "partial_share_percent", false, 2, false, &share);
	json_decref(doc);
	if (!dec_answer(r, &d))
		return;
	if (share > 10000) {
		api_problem(r, "field_invalid", "'partial_share_percent' is at most 100");
		return;
	}
	c.policy.base_score = (int32_t)base;
	c.policy.partial_share_bp = (uint32_t)share;
	c.bank_tenant_id = r->principal.tenant_id;
	api_submit_one(r, GREEN_CMD_PRICING_POLICY, &c, sizeof c, policy_done);
}

void green_handle_policy_get(struct api_request *r)
{
	uint64_t bank = 0;
	if (!param_u64(r, 0, &bank))
		return;
	if (!can_read_bank(&r->principal, bank)) {
		api_problem(r, "out_of_scope", "the policy belongs to another bank");
		return;
	}
	policy_reply(r, 200, bank);
}

static void loan_reply(struct api_request *r, unsigned status, sz_id loan_id)
{
	const struct green_domain_state *g = green_of(r);
	const struct green_loan *l = green_loan_find(g, loan_id);
	const struct green_tag_record *t = green_tag_find(g, loan_id);
	const struct green_cerf_record *c = green_cerf_find(g, loan_id);
	const struct green_position_record *p = green_position_find(g, loan_id);
	uint64_t bank = l ? l->bank_tenant_id : t ? t->bank_tenant_id : c ? c->bank_tenant_id : p ? p->bank_tenant_id : 0;
	if (bank == 0 || !can_read_bank(&r->principal, bank)) {
		api_problem(r, "not_found", "the green domain knows no loan %s", api_param(r, 0));
		return;
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "loan_id", j_id(loan_id));
	json_object_set_new(doc, "bank", api_json_string_u64(bank));
	json_object_set_new(doc, "terms", l && l->bank_tenant_id == bank ? j_loan(l) : json_null());
	json_object_set_new(doc, "taxonomy", t && t->bank_tenant_id == bank ? j_tag(g, t) : json_null());
	json_object_set_new(doc, "cerf", c && c->bank_tenant_id == bank ? j_cerf(c) : json_null());
	json_object_set_new(doc, "position", p && p->bank_tenant_id == bank ? j_position(p) : json_null());
	char id[SZ_ID_TEXT_SIZE];
	sz_id_format(loan_id, id);
	snprintf(r->location, sizeof r->location, "/v1/green/loans/%s", id);
	api_reply_json(r, status, doc);
}

static void price_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!done_ok(r, results, count))
		return;
	const struct green_price_cmd *c = api_submitted_body(r);
	loan_reply(r, api_result_status(results[0]), c->loan_id);
}

void green_handle_loan_price(struct api_request *r)
{
	struct green_price_cmd c;
	memset(&c, 0, sizeof c);
	if (!param_id(r, 0, &c.loan_id))
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const known[] = { "id", "enterprise_id", "period", "base_rate_percent", "score",
					     "score_source", "data_quality", NULL };
	static const char *const sources[] = { "given", "esg", NULL };
	struct dec d = { 0 };
	int64_t period = 0, score = -1, dq = 0;
	uint32_t source = 0;
	dec_known(&d, doc, known);
	dec_id(&d, doc, "id", true, &c.id);
	dec_id(&d, doc, "enterprise_id", true, &c.enterprise_id);
	dec_int(&d, doc, "period", true, 1990, 2100, &period);
	dec_fixed(&d, doc, "base_rate_percent", true, 6, false, &c.base_rate_bp4);
	dec_int(&d, doc, "score", false, 0, 1000, &score);
	dec_enum(&d, doc, "score_source", sources, 0, &source);
	dec_int(&d, doc, "data_quality", false, 1, 5, &dq);
	json_decref(doc);
	if (!dec_answer(r, &d))
		return;
	if ((source == 1) == (score >= 0)) {
		api_problem(r, "field_invalid", "give either 'score' or \"score_source\": \"esg\"");
		return;
	}
	c.period_year = (int32_t)period;
	c.score = score >= 0 ? (int32_t)score : 0;
	c.flags = source == 1 ? GREEN_PRICE_SCORE_FROM_ESG : 0;
	c.data_quality = (uint32_t)dq;
	c.bank_tenant_id = r->principal.tenant_id;
	api_submit_one(r, GREEN_CMD_LOAN_PRICE, &c, sizeof c, price_done);
}

void green_handle_loan_get(struct api_request *r)
{
	sz_id loan_id;
	if (!param_id(r, 0, &loan_id))
		return;
	loan_reply(r, 200, loan_id);
}

static void cerf_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!done_ok(r, results, count))
		return;
	const struct green_cerf_cmd *c = api_submitted_body(r);
	const struct green_cerf_record *rec = green_cerf_find(green_of(r), c->loan.loan_id);
	SZ_ASSERT(rec != NULL);
	api_reply_json(r, api_result_status(results[0]), j_cerf(rec));
}

void green_handle_loan_cerf(struct api_request *r)
{
	struct green_cerf_cmd c;
	memset(&c, 0, sizeof c);
	if (!param_id(r, 0, &c.loan.loan_id))
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const known[] = { "id", "principal", "project_investment", "project_reduction_tco2e",
					     "area", "lender_eligible", "term_days", "share_percent", "rate_percent",
					     "day_basis", NULL };
	struct dec d = { 0 };
	int64_t term = 0, share = 0, basis = 0;
	dec_known(&d, doc, known);
	dec_id(&d, doc, "id", true, &c.id);
	dec_amount(&d, doc, "principal", true, &c.loan.principal_fen);
	dec_amount(&d, doc, "project_investment", true, &c.loan.project_investment_fen);
	dec_fixed(&d, doc, "project_reduction_tco2e", true, 6, false, &c.loan.project_reduction_g);
	dec_enum(&d, doc, "area", cerf_area_names, 0, &c.loan.area);
	dec_int(&d, doc, "term_days", true, 1, 3660, &term);
	json_t *elig = json_object_get(doc, "lender_eligible");
	if (elig != NULL && !json_is_boolean(elig))
		dec_fail(&d, "field_invalid", "'%s' must be true or false", "lender_eligible");
	c.loan.lender_eligible = elig == NULL || json_is_true(elig);
	bool custom = json_object_get(doc, "share_percent") || json_object_get(doc, "rate_percent") ||
		      json_object_get(doc, "day_basis");
	if (custom) {
		green_cerf_policy_default(&c.policy);
		share = c.policy.share_bp;
		basis = c.policy.day_basis;
		dec_fixed(&d, doc, "share_percent", false, 2, false, &share);
		dec_fixed(&d, doc, "rate_percent", false, 6, false, &c.policy.rate_bp4);
		dec_int(&d, doc, "day_basis", false, 1, 366, &basis);
	}
	json_decref(doc);
	if (!dec_answer(r, &d))
		return;
	if (custom && share > 10000) {
		api_problem(r, "field_invalid", "'share_percent' is at most 100");
		return;
	}
	c.loan.term_days = (uint32_t)term;
	if (custom) {
		c.policy.share_bp = (uint32_t)share;
		c.policy.day_basis = (uint32_t)basis;
	}
	c.bank_tenant_id = r->principal.tenant_id;
	api_submit_one(r, GREEN_CMD_CERF, &c, sizeof c, cerf_done);
}

/* ---- PCAF ---------------------------------------------------------------------------- */

static void position_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!done_ok(r, results, count))
		return;
	const struct green_position_cmd *c = api_submitted_body(r);
	const struct green_position_record *p = green_position_find(green_of(r), c->position.loan_id);
	SZ_ASSERT(p != NULL);
	api_reply_json(r, api_result_status(results[0]), j_position(p));
}

void green_handle_position_add(struct api_request *r)
{
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const known[] = { "id", "loan_id", "enterprise_id", "period", "outstanding", "equity",
					     "debt", "cash", "company", "emissions_tco2e", "data_quality", NULL };
	static const char *const companies[] = { "private", "listed", NULL };
	struct dec d = { 0 };
	struct green_position_cmd c;
	memset(&c, 0, sizeof c);
	int64_t period = 0, dq = 0;
	c.position.company_kind = GREEN_COMPANY_PRIVATE;
	dec_known(&d, doc, known);
	dec_id(&d, doc, "id", true, &c.id);
	dec_id(&d, doc, "loan_id", true, &c.position.loan_id);
	dec_id(&d, doc, "enterprise_id", false, &c.enterprise_id);
	dec_int(&d, doc, "period", !sz_id_is_zero(c.enterprise_id), 1990, 2100, &period);
	dec_amount(&d, doc, "outstanding", true, &c.position.outstanding_fen);
	dec_amount(&d, doc, "equity", true, &c.position.equity_fen);
	dec_amount(&d, doc, "debt", true, &c.position.debt_fen);
	dec_amount(&d, doc, "cash", false, &c.position.cash_fen);
	dec_enum(&d, doc, "company", companies, 1, &c.position.company_kind);
	dec_fixed(&d, doc, "emissions_tco2e", sz_id_is_zero(c.enterprise_id), 6, false, &c.position.emissions_g);
	dec_int(&d, doc, "data_quality", sz_id_is_zero(c.enterprise_id), 1, 5, &dq);
	json_decref(doc);
	if (!dec_answer(r, &d))
		return;
	c.period_year = (int32_t)period;
	c.position.data_quality = (uint32_t)dq;
	c.bank_tenant_id = r->principal.tenant_id;
	api_submit_one(r, GREEN_CMD_POSITION, &c, sizeof c, position_done);
}

void green_handle_book_get(struct api_request *r)
{
	uint64_t bank = 0;
	if (!param_u64(r, 0, &bank))
		return;
	if (!can_read_bank(&r->principal, bank)) {
		api_problem(r, "out_of_scope", "the book belongs to another bank");
		return;
	}
	const struct green_domain_state *g = green_of(r);
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
		json_array_append_new(loans, j_position(p));
	}
	json_t *doc = json_pack("{s:o, s:i, s:o, s:o, s:o, s:o, s:i, s:o, s:b}", "bank", api_json_string_u64(bank),
				"position_count", (json_int_t)book.position_count, "outstanding",
				j_amount(book.outstanding_fen), "financed_tco2e", j_t(book.financed_g),
				"intensity_tco2e_per_million_yuan", j_t(book.intensity_g_per_million_yuan),
				"data_quality", j_fixed(book.data_quality_centi, 2), "capped_count",
				(json_int_t)book.capped_count, "positions", loans, "truncated", truncated);
	api_reply_json(r, 200, doc);
}

/* ---- taxonomy -------------------------------------------------------------------- */

static void tag_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!done_ok(r, results, count))
		return;
	const struct green_tag_cmd *c = api_submitted_body(r);
	const struct green_tag_record *t = green_tag_find(green_of(r), c->instrument_id);
	SZ_ASSERT(t != NULL);
	api_reply_json(r, api_result_status(results[0]), j_tag(green_of(r), t));
}

void green_handle_tag(struct api_request *r)
{
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const known[] = { "id", "instrument_id", "kind", "edition", "code", NULL };
	static const char *const kinds[] = { "loan", "bond", NULL };
	struct dec d = { 0 };
	struct green_tag_cmd c;
	memset(&c, 0, sizeof c);
	int64_t edition = 2025;
	c.instrument_kind = GREEN_INSTRUMENT_LOAN;
	dec_known(&d, doc, known);
	dec_id(&d, doc, "id", true, &c.id);
	dec_id(&d, doc, "instrument_id", true, &c.instrument_id);
	dec_enum(&d, doc, "kind", kinds, 1, &c.instrument_kind);
	dec_int(&d, doc, "edition", false, 2021, 2025, &edition);
	dec_text(&d, doc, "code", true, c.code, sizeof c.code);
	json_decref(doc);
	if (!dec_answer(r, &d))
		return;
	c.edition = (uint32_t)edition;
	c.bank_tenant_id = r->principal.tenant_id;
	api_submit_one(r, GREEN_CMD_TAG, &c, sizeof c, tag_done);
}

void green_handle_tag_get(struct api_request *r)
{
	sz_id id;
	if (!param_id(r, 0, &id))
		return;
	const struct green_tag_record *t = green_tag_find(green_of(r), id);
	if (t == NULL) {
		api_problem(r, "not_found", "instrument %s has no taxonomy tag", api_param(r, 0));
		return;
	}
	json_t *doc = j_tag(green_of(r), t);
	json_object_set_new(doc, "bank", api_json_string_u64(t->bank_tenant_id));
	api_reply_json(r, 200, doc);
}

void green_handle_taxonomy(struct api_request *r)
{
	const green_taxonomy *tax = green_taxonomy_get(green_of(r));
	json_t *cats = json_array();
	for (uint32_t i = 0; i < tax->category_count; i++)
		json_array_append_new(cats, json_pack("{s:i, s:s, s:s}", "code", (json_int_t)tax->categories[i].code,
						      "name_zh", tax->categories[i].name_zh, "name_en",
						      tax->categories[i].name_en));
	json_t *map = json_array();
	for (uint32_t i = 0; i < tax->mapping_count; i++) {
		const green_taxonomy_mapping *m = &tax->mappings[i];
		json_t *o = json_pack("{s:s, s:s}", "code_2021", m->code_2021, "name_zh_2021", m->name_zh_2021);
		json_object_set_new(o, "code_2025", m->code_2025 ? json_integer(m->code_2025) : json_null());
		json_array_append_new(map, o);
	}
	api_reply_json(r, 200, json_pack("{s:o, s:o}", "categories_2025", cats, "mapping_2021", map));
}
