/*
 * http_render.c — the JSON forms of green records for the HTTP adapter:
 * factor sets, carbon accounts with their results, grades, data quality and
 * ESG, restatements, pricing policies and loan terms, CERF assessments,
 * taxonomy tags, PCAF positions and books, and the taxonomy catalogue.
 *
 * Text forms (exact, no floating point anywhere):
 *   emissions   "404.20" tCO2e with 2 decimals (rounded once from grams)
 *   amounts     CNY decimal strings ("10000000.00"), minor units fen
 *   activity    electricity_mwh / heat_gj up to 3 decimals, fuel activity up
 *               to 6 decimals in the fuel's unit (t, 10^4Nm3)
 *   rates       percent strings with up to 6 decimals ("3.00" = 3,000,000
 *               bp4); discounts in bp ("15.00")
 *   digests     factor-set digests as 16 lowercase hex digits
 * Never: decide anything; every value shown is one the domain stored.
 */
#include "api/api.h"
#include "green/http_internal.h"

#include "core/assert.h"
#include "core/errors.h"
#include "green/fixed.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static json_t *green_json_fixed(int64_t value, uint32_t decimals)
{
	char buf[48];
	int rc = green_format_fixed(buf, sizeof buf, value, decimals);
	SZ_ASSERT(rc == 0);
	return json_string(buf);
}

/* Fixed-point text with trailing zeros trimmed down to min_decimals. */
static json_t *green_json_trim(int64_t value, uint32_t decimals, uint32_t min_decimals)
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

static json_t *green_json_tonnes(int64_t grams) { return green_json_fixed(green_g_to_t_e2(grams), 2); }

static json_t *j_id(sz_id id) { return api_json_string_id(id); }

static json_t *green_json_amount(int64_t fen)
{
	return api_json_amount_string((uint64_t)(fen < 0 ? 0 : fen), sz_currency_code("CNY"));
}

json_t *green_json_digest(uint64_t digest)
{
	char buf[17];
	snprintf(buf, sizeof buf, "%016" PRIx64, digest);
	return json_string(buf);
}

json_t *green_json_dec(green_dec v)
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
	return json_pack("{s:o, s:i, s:s, s:o}", "value", green_json_dec(f->value), "year", (json_int_t)f->year, "area",
			 f->area, "flags", j_flags(f->flags));
}

static json_t *j_factor_set_pin(const char *version, uint64_t digest)
{
	return json_pack("{s:s, s:o}", "version", version, "digest", green_json_digest(digest));
}

const char *const green_http_tier_names[] = { "auto", "national", "ipcc", NULL };
const char *const green_http_evidence_names[] = { "verified_report", "unverified_report", "primary_energy",
					      "production", "revenue_sector", "sector_proxy", NULL };

static json_t *j_result(const green_account_result *res, const green_account *a)
{
	json_t *o = json_object();
	json_object_set_new(o, "factor_set", j_factor_set_pin(res->factor_version, res->factor_digest));
	json_object_set_new(o, "scope1_tco2e", green_json_tonnes(res->scope1_g));
	json_object_set_new(o, "scope2_location_tco2e", green_json_tonnes(res->scope2_location_g));
	json_object_set_new(o, "scope2_market_tco2e", green_json_tonnes(res->scope2_market_g));
	json_object_set_new(o, "total_tco2e", green_json_tonnes(res->summary.total_g));
	json_object_set_new(o, "total_market_tco2e", green_json_tonnes(res->total_market_g));
	json_object_set_new(o, "total_g", api_json_string_u64((uint64_t)res->summary.total_g));
	json_object_set_new(o, "electricity_location_tco2e", green_json_tonnes(res->electricity_location_g));
	json_object_set_new(o, "electricity_market_tco2e", green_json_tonnes(res->electricity_market_g));
	json_object_set_new(o, "heat_tco2e", green_json_tonnes(res->heat_g));
	json_object_set_new(o, "intensity_tco2e_per_10k_yuan",
			    res->summary.result_flags & GREEN_RESULT_HAS_INTENSITY
				    ? green_json_fixed(res->summary.intensity_t_per_10k_yuan_e4, 4) : json_null());
	json_object_set_new(o, "yoy_change_percent",
			    res->summary.result_flags & GREEN_RESULT_HAS_YOY ? green_json_fixed(res->summary.yoy_change_bp, 2)
									     : json_null());
	json_object_set_new(o, "flags", j_flags(res->flags));
	json_object_set_new(o, "grid_factor", j_factor_ref(&res->grid_factor));
	json_object_set_new(o, "residual_factor", j_factor_ref(&res->residual_factor));
	json_object_set_new(o, "heat_factor", j_factor_ref(&res->heat_factor));
	json_t *fuels = json_array();
	for (uint32_t i = 0; a && i < a->fuel_count; i++)
		json_array_append_new(fuels, json_pack("{s:s, s:o, s:s, s:o}", "fuel", a->fuels[i].fuel, "activity",
							green_json_trim(a->fuels[i].activity_micro, 6, 0), "tier",
							green_http_tier_names[res->fuel_tier[i] <= 2 ? res->fuel_tier[i] : 0],
							"co2e_tco2e", green_json_tonnes(res->fuel_co2e_g[i])));
	json_object_set_new(o, "fuels", fuels);
	return o;
}

json_t *green_json_account(const struct green_domain_state *g, const green_account *a,
			 const green_account_result *res, const struct green_account_meta *m)
{
	json_t *o = j_result(res, a);
	json_object_set_new(o, "enterprise_id", j_id(a->enterprise_id));
	json_object_set_new(o, "period", json_integer(a->period_year));
	json_object_set_new(o, "province", json_string(a->province));
	json_object_set_new(o, "grid_series", json_string(green_grid_series_name(a->grid_series)));
	json_object_set_new(o, "gwp", json_string(a->gwp == GREEN_GWP_AR5 ? "AR5" : "AR6"));
	json_object_set_new(o, "electricity_mwh", green_json_trim(a->electricity_mwh_milli, 3, 0));
	json_object_set_new(o, "green_power_mwh", green_json_trim(a->green_power_mwh_milli, 3, 0));
	json_object_set_new(o, "heat_gj", green_json_trim(a->heat_gj_milli, 3, 0));
	json_object_set_new(o, "value_added", green_json_amount(a->value_added_fen));
	json_t *certs = json_array();
	for (uint32_t i = 0; i < a->cert_count; i++)
		json_array_append_new(certs, json_pack("{s:s, s:o}", "serial", a->certs[i].serial, "mwh",
						       green_json_trim(a->certs[i].mwh_milli, 3, 0)));
	json_object_set_new(o, "certificates", certs);
	json_object_set_new(o, "data_quality", json_pack("{s:i, s:s}", "score", (json_int_t)m->data_quality,
							 "evidence", green_http_evidence_names[m->evidence - 1]));
	if (m->flags & GREEN_META_HAS_GRADE)
		json_object_set_new(o, "grade",
				    json_pack("{s:o, s:i, s:s, s:s, s:o}", "k", green_json_fixed(m->grade.k_milli, 3), "grade",
					      (json_int_t)m->grade.grade, "colour", green_colour_name(m->grade.colour),
					      "colour_zh", green_colour_name_zh(m->grade.colour),
					      "industry_intensity_tco2e_per_10k_yuan",
					      green_json_trim(m->industry_intensity_g_per_10k_yuan, 6, 2)));
	else
		json_object_set_new(o, "grade", json_null());
	if (m->flags & GREEN_META_HAS_ESG) {
		json_t *pillars = json_object();
		static const char *const pillar_names[] = { "E", "S", "G" };
		for (uint32_t p = 0; p < GREEN_ESG_PILLAR_COUNT; p++)
			json_object_set_new(pillars, pillar_names[p],
					    m->esg.pillar_used & (1u << p) ? green_json_fixed(m->esg.pillar_score_centi[p], 2)
									    : json_null());
		json_object_set_new(o, "esg",
				    json_pack("{s:o, s:o, s:o, s:o, s:i}", "score", green_json_fixed(m->esg.score_centi, 2),
					      "raw_score", green_json_fixed(m->esg.raw_score_centi, 2), "deduction",
					      green_json_fixed(m->esg.deduction_centi, 2), "pillars", pillars, "peers",
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

json_t *green_json_restatement(const green_restatement *rs)
{
	return json_pack("{s:o, s:o, s:{s:o, s:o, s:o, s:o}}", "before", j_result(&rs->before, NULL), "after",
			 j_result(&rs->after, NULL), "delta", "scope1_tco2e", green_json_tonnes(rs->delta_scope1_g),
			 "scope2_location_tco2e", green_json_tonnes(rs->delta_scope2_location_g), "scope2_market_tco2e",
			 green_json_tonnes(rs->delta_scope2_market_g), "total_tco2e", green_json_tonnes(rs->delta_total_g));
}

json_t *green_json_policy(const green_pricing_policy *p)
{
	return json_pack("{s:i, s:o, s:o, s:o}", "base_score", (json_int_t)p->base_score, "discount_per_point_bp",
			 green_json_trim(p->discount_per_point_bp4, 4, 2), "cap_bp", green_json_trim(p->cap_bp4, 4, 2),
			 "partial_share_percent", green_json_fixed(p->partial_share_bp, 2));
}

json_t *green_json_loan(const struct green_loan *l)
{
	const green_loan_terms *t = &l->terms;
	json_t *o = json_object();
	json_object_set_new(o, "loan_id", j_id(t->loan_id));
	json_object_set_new(o, "bank", api_json_string_u64(l->bank_tenant_id));
	json_object_set_new(o, "enterprise_id", j_id(l->enterprise_id));
	json_object_set_new(o, "period", json_integer(l->period_year));
	json_object_set_new(o, "base_rate_percent", green_json_trim(t->base_rate_bp4, 6, 2));
	json_object_set_new(o, "discount_bp", green_json_trim(t->discount_bp4, 4, 2));
	json_object_set_new(o, "rate_percent", green_json_trim(t->rate_bp4, 6, 2));
	json_object_set_new(o, "score", json_integer(t->score));
	json_object_set_new(o, "score_from_esg", json_boolean(l->flags & GREEN_PRICE_SCORE_FROM_ESG));
	json_object_set_new(o, "data_quality", json_integer(t->data_quality));
	json_object_set_new(o, "policy", green_json_policy(&t->policy));
	json_object_set_new(o, "policy_version", json_integer(l->policy_version));
	json_object_set_new(o, "factor_set", j_factor_set_pin(t->factor_version, t->factor_digest));
	/* the discount re-derived from the pinned inputs equals the stored one */
	json_object_set_new(o, "rederives", json_boolean(green_pricing_rederive(t) == SZ_OK));
	json_object_set_new(o, "priced_at_ns", api_json_string_u64(l->priced_ns));
	return o;
}

const char *const green_http_cerf_area_names[] = { "none", "clean_energy", "energy_saving", "carbon_reduction_tech",
					       NULL };
static const char *const cerf_reason_names[] = { "qualifies", "area_not_eligible", "lender_not_eligible",
						 "reduction_not_disclosed" };

json_t *green_json_cerf(const struct green_cerf_record *c)
{
	return json_pack("{s:o, s:b, s:s, s:o, s:o, s:o, s:o, s:{s:o, s:o, s:i}, s:s, s:o, s:o, s:i}", "loan_id",
			 j_id(c->loan.loan_id), "qualifies", c->result.qualifies != 0, "reason",
			 cerf_reason_names[c->result.reason <= 3 ? c->result.reason : 0], "refinanceable",
			 green_json_amount(c->result.refinance_fen), "annual_cost", green_json_amount(c->result.annual_cost_fen),
			 "term_cost", green_json_amount(c->result.term_cost_fen), "attributed_reduction_tco2e",
			 green_json_tonnes(c->result.attributed_reduction_g), "policy", "share_percent",
			 green_json_fixed(c->policy.share_bp, 2), "rate_percent", green_json_trim(c->policy.rate_bp4, 6, 2),
			 "day_basis", (json_int_t)c->policy.day_basis, "area",
			 green_http_cerf_area_names[c->loan.area <= 3 ? c->loan.area : 0], "principal",
			 green_json_amount(c->loan.principal_fen), "project_investment",
			 green_json_amount(c->loan.project_investment_fen), "term_days", (json_int_t)c->loan.term_days);
}

json_t *green_json_tag(const struct green_domain_state *g, const struct green_tag_record *t)
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

json_t *green_json_position(const struct green_position_record *p)
{
	json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:s, s:i, s:o, s:o, s:b}", "loan_id",
			      j_id(p->position.loan_id), "outstanding", green_json_amount(p->position.outstanding_fen), "equity",
			      green_json_amount(p->position.equity_fen), "debt", green_json_amount(p->position.debt_fen), "cash",
			      green_json_amount(p->position.cash_fen), "company",
			      p->position.company_kind == GREEN_COMPANY_LISTED ? "listed" : "private", "data_quality",
			      (json_int_t)p->position.data_quality, "attribution", green_json_fixed(p->result.attribution_ppm, 6),
			      "financed_tco2e", green_json_tonnes(p->result.financed_g), "capped",
			      (p->result.flags & GREEN_PCAF_CAPPED) != 0);
	json_object_set_new(o, "borrower_emissions_tco2e", green_json_tonnes(p->position.emissions_g));
	json_object_set_new(o, "enterprise_id", sz_id_is_zero(p->enterprise_id) ? json_null() : j_id(p->enterprise_id));
	json_object_set_new(o, "period", p->period_year ? json_integer(p->period_year) : json_null());
	json_object_set_new(o, "emissions_from_account", json_boolean(p->flags & GREEN_POSITION_FROM_ACCOUNT));
	return o;
}

json_t *green_json_factor_set(const green_factor_set *set, const struct green_active_set *a)
{
	json_t *o = json_pack("{s:s, s:o, s:i, s:b}", "version", set->version, "digest", green_json_digest(set->digest),
			      "rows", (json_int_t)set->row_count, "active", a != NULL && a->digest == set->digest);
	json_object_set_new(o, "activated_at_ns", a ? api_json_string_u64(a->activated_ns) : json_null());
	return o;
}

json_t *green_json_active_set(const struct green_active_set *a)
{
	return json_pack("{s:s, s:o, s:o}", "version", a->version, "digest", green_json_digest(a->digest),
			 "activated_at_ns", api_json_string_u64(a->activated_ns));
}

json_t *green_json_factor_rows(const green_factor_set *set)
{
	static const char *const kinds[] = { "", "grid", "heat", "fuel", "ipcc", "gwp" };
	static const char *const params[] = { "", "ef", "ncv", "carbon_content", "oxidation", "ef_co2",
					      "ef_ch4", "ef_n2o", "ch4", "n2o" };
	json_t *rows = json_array();
	for (uint32_t i = 0; i < set->row_count; i++) {
		const green_factor_row *f = &set->rows[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s}", "kind", kinds[f->kind <= 5 ? f->kind : 0],
				      "code", f->code, "area", f->area, "param", params[f->param <= 9 ? f->param : 0],
				      "value", green_json_dec(f->value), "unit", f->unit, "source", f->source, "publication",
				      f->publication);
		json_object_set_new(o, "year", f->year ? json_integer(f->year) : json_null());
		json_array_append_new(rows, o);
	}
	return rows;
}

json_t *green_json_book(uint64_t bank, const green_pcaf_book *book, json_t *positions, bool truncated)
{
	return json_pack("{s:o, s:i, s:o, s:o, s:o, s:o, s:i, s:o, s:b}", "bank", api_json_string_u64(bank),
			 "position_count", (json_int_t)book->position_count, "outstanding",
			 green_json_amount(book->outstanding_fen), "financed_tco2e", green_json_tonnes(book->financed_g),
			 "intensity_tco2e_per_million_yuan", green_json_tonnes(book->intensity_g_per_million_yuan),
			 "data_quality", green_json_fixed(book->data_quality_centi, 2), "capped_count",
			 (json_int_t)book->capped_count, "positions", positions, "truncated", truncated);
}

json_t *green_json_taxonomy(const green_taxonomy *tax)
{
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
	return json_pack("{s:o, s:o}", "categories_2025", cats, "mapping_2021", map);
}
