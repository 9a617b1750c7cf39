/*
 * http_account.c — green routes of factor sets and carbon accounts: list and
 * read factor sets, activate one (pinned by digest), submit an account, read
 * it and its restatements, restate it under another set, score its ESG, and
 * read a certificate's claim. Each POST route has a request schema here; the
 * one request codec (api/schema.h) decodes and checks the body into the
 * route's *_in struct before the handler runs, so a handler only maps that
 * struct and the path to a command (domain.h), submits it and renders the
 * answer (http_render.c).
 */
#include "api/api.h"
#include "green/http_internal.h"

#include "api/codec.h"
#include "core/assert.h"
#include "core/errors.h"

#include <stdio.h>
#include <string.h>

/* ---- factor sets ------------------------------------------------------------------ */

struct activate_in {
	sz_id id;
	char digest[17];
};

static const struct api_field activate_fields[] = {
	{ GREEN_F_ID("id", struct activate_in, id, API_F_REQUIRED) },
	{ GREEN_F_DIGEST("digest", struct activate_in, digest) },
};
const struct api_schema green_activate_schema = API_SCHEMA("green_activate", activate_fields, struct activate_in);

void green_handle_factors_list(struct api_request *r)
{
	const struct green_domain_state *g = green_http_state(r);
	json_t *sets = json_array();
	for (uint32_t i = 0; i < green_loaded_set_count(g); i++) {
		const green_factor_set *set = green_loaded_set_at(g, i);
		json_array_append_new(sets, green_json_factor_set(set, green_active_find(g, set->version)));
	}
	json_t *active = json_array();
	for (uint32_t i = 0; i < green_active_count(g); i++)
		json_array_append_new(active, green_json_active_set(green_active_at(g, i)));
	uint32_t n = green_active_count(g);
	json_t *doc = json_pack("{s:o, s:o}", "loaded", sets, "active", active);
	json_object_set_new(doc, "default", n ? json_string(green_active_at(g, n - 1)->version) : json_null());
	api_reply_json(r, 200, doc);
}

void green_handle_factor_set_get(struct api_request *r)
{
	const green_factor_set *set = green_loaded_set_find(green_http_state(r), api_param(r, 0));
	if (set == NULL) {
		api_problem(r, "not_found", "no factor set '%s' is loaded", api_param(r, 0));
		return;
	}
	const struct green_active_set *a = green_active_find(green_http_state(r), set->version);
	api_reply_json(r, 200, json_pack("{s:s, s:o, s:b, s:o}", "version", set->version, "digest",
					 green_json_digest(set->digest), "active", a != NULL, "rows",
					 green_json_factor_rows(set)));
}

static void activate_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!green_http_done_ok(r, results, count))
		return;
	const struct green_activate_cmd *c = api_submitted_body(r);
	const struct green_active_set *a = green_active_find(green_http_state(r), c->version);
	SZ_ASSERT(a != NULL);
	api_reply_json(r, api_result_status(results[0]), green_json_active_set(a));
}

void green_handle_factor_activate(struct api_request *r)
{
	const struct activate_in *in = r->in;
	const char *version = api_param(r, 0);
	if (strlen(version) >= GREEN_VERSION_SIZE) {
		api_problem(r, "field_invalid", "factor set versions are at most %u bytes", GREEN_VERSION_SIZE - 1);
		return;
	}
	struct green_activate_cmd c;
	memset(&c, 0, sizeof c);
	memcpy(c.version, version, strlen(version));
	c.id = in->id;
	if (!green_http_digest(r, "digest", in->digest, &c.digest))
		return;
	if (c.digest == 0) { /* pin what is loaded now; the command carries it */
		const green_factor_set *set = green_loaded_set_find(green_http_state(r), c.version);
		c.digest = set ? set->digest : 0;
	}
	api_submit_one(r, GREEN_CMD_FACTOR_ACTIVATE, &c, sizeof c, activate_done);
}

/* ---- accounts -------------------------------------------------------------------- */

struct fuel_in {
	char fuel[GREEN_CODE_SIZE];
	struct api_decimal activity;
	uint32_t tier;
};

struct cert_in {
	char serial[GREEN_SERIAL_SIZE];
	struct api_decimal mwh;
};

struct account_in {
	sz_id id;
	sz_id enterprise_id;
	int32_t period;
	uint32_t grid_series;
	char province[GREEN_PROVINCE_CODE_SIZE];
	struct api_decimal electricity_mwh, heat_gj, previous_total, intensity;
	uint64_t value_added_fen;
	uint32_t gwp;
	uint32_t evidence;
	struct api_list fuels, certificates;
	char factor_version[GREEN_VERSION_SIZE];
	char factor_digest[17];
	bool previous_given;
};

static const struct api_field fuel_fields[] = {
	{ GREEN_F_STRING("fuel", struct fuel_in, fuel, API_F_REQUIRED) },
	{ GREEN_F_DEC("activity", struct fuel_in, activity, API_F_REQUIRED, 6, false) },
	{ GREEN_F_ENUM("tier", struct fuel_in, tier, 0, green_http_tier_names, 0, GREEN_TIER_AUTO) },
};
static const struct api_schema fuel_schema = API_SCHEMA("green_fuel_line", fuel_fields, struct fuel_in);

static const struct api_field cert_fields[] = {
	{ GREEN_F_STRING("serial", struct cert_in, serial, API_F_REQUIRED) },
	{ GREEN_F_DEC("mwh", struct cert_in, mwh, API_F_REQUIRED, 3, false) },
};
static const struct api_schema cert_schema = API_SCHEMA("green_certificate_line", cert_fields, struct cert_in);

static const char *const grid_series_names[] = { "average", "excl_market_nonfossil", "fossil", "ets", NULL };
static const char *const gwp_names[] = { "AR5", "AR6", NULL };

static const struct api_field account_fields[] = {
	{ GREEN_F_ID("id", struct account_in, id, API_F_REQUIRED) },
	{ GREEN_F_ID("enterprise_id", struct account_in, enterprise_id, 0) },
	{ GREEN_F_INT("period", struct account_in, period, API_F_REQUIRED, 1990, 2100) },
	{ GREEN_F_STRING("province", struct account_in, province, 0) },
	{ GREEN_F_ENUM("grid_series", struct account_in, grid_series, 0, grid_series_names, 1, GREEN_GRID_AVERAGE) },
	{ GREEN_F_DEC("electricity_mwh", struct account_in, electricity_mwh, 0, 3, false) },
	{ GREEN_F_DEC("heat_gj", struct account_in, heat_gj, 0, 3, false) },
	{ GREEN_F_AMOUNT("value_added", struct account_in, value_added_fen, 0) },
	{ GREEN_F_DEC("previous_total_tco2e", struct account_in, previous_total, API_F_PRESENT, 6, false),
	  GREEN_GIVEN(struct account_in, previous_given) },
	{ GREEN_F_ENUM("gwp", struct account_in, gwp, 0, gwp_names, 0, 1 /* AR6 */) },
	{ GREEN_F_LIST("fuels", struct account_in, fuels, 0, &fuel_schema, struct fuel_in, 0,
		     GREEN_ACCOUNT_FUEL_LINE_COUNT_MAX, "'%s' must be an array of at most 8 fuel lines") },
	{ GREEN_F_LIST("certificates", struct account_in, certificates, 0, &cert_schema, struct cert_in, 0,
		     GREEN_ACCOUNT_CERT_LINE_COUNT_MAX, "'%s' must be an array of at most 8 lines") },
	{ GREEN_F_ENUM("evidence", struct account_in, evidence, 0, green_http_evidence_names, 1, 0) },
	{ GREEN_F_DEC("industry_intensity_tco2e_per_10k_yuan", struct account_in, intensity, 0, 6, false) },
	{ GREEN_F_STRING("factor_version", struct account_in, factor_version, 0) },
	{ GREEN_F_DIGEST("factor_digest", struct account_in, factor_digest) },
};
const struct api_schema green_account_schema = API_SCHEMA("green_account", account_fields, struct account_in);

static void account_reply(struct api_request *r, unsigned status, sz_id enterprise, int32_t period)
{
	const struct green_domain_state *g = green_http_state(r);
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
	api_reply_json(r, status, green_json_account(g, a, res, m));
}

static void account_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!green_http_done_ok(r, results, count))
		return;
	const struct green_account_cmd *c = api_submitted_body(r);
	account_reply(r, api_result_status(results[0]), c->account.enterprise_id, c->account.period_year);
}

/* The fuel and certificate lines; green power is the sum of the
 * certificates' MWh. False after answering. */
static bool account_lines(struct api_request *r, const struct account_in *in, green_account *a)
{
	const struct fuel_in *fuels = in->fuels.items;
	for (uint32_t i = 0; i < in->fuels.count; i++) {
		memcpy(a->fuels[i].fuel, fuels[i].fuel, sizeof a->fuels[i].fuel);
		a->fuels[i].tier = fuels[i].tier;
		if (!green_http_fixed(r, "activity", &fuels[i].activity, 6, &a->fuels[i].activity_micro))
			return false;
	}
	a->fuel_count = in->fuels.count;
	const struct cert_in *certs = in->certificates.items;
	for (uint32_t i = 0; i < in->certificates.count; i++) {
		memcpy(a->certs[i].serial, certs[i].serial, sizeof a->certs[i].serial);
		if (!green_http_fixed(r, "mwh", &certs[i].mwh, 3, &a->certs[i].mwh_milli))
			return false;
		if (__builtin_add_overflow(a->green_power_mwh_milli, a->certs[i].mwh_milli, &a->green_power_mwh_milli)) {
			api_problem(r, "field_invalid", "'%s' sum too large", "certificates");
			return false;
		}
	}
	a->cert_count = in->certificates.count;
	return true;
}

void green_handle_account_submit(struct api_request *r)
{
	const struct account_in *in = r->in;
	static _Thread_local struct green_account_cmd c;
	memset(&c, 0, sizeof c);
	green_account *a = &c.account;
	c.id = in->id;
	a->enterprise_id = in->enterprise_id;
	a->period_year = in->period;
	memcpy(a->province, in->province, sizeof a->province);
	a->grid_series = in->grid_series;
	a->value_added_fen = (int64_t)in->value_added_fen;
	a->gwp = in->gwp == 0 ? GREEN_GWP_AR5 : GREEN_GWP_AR6;
	c.evidence = in->evidence;
	memcpy(c.factor_version, in->factor_version, sizeof c.factor_version);
	if (!green_http_fixed(r, "electricity_mwh", &in->electricity_mwh, 3, &a->electricity_mwh_milli) ||
	    !green_http_fixed(r, "heat_gj", &in->heat_gj, 3, &a->heat_gj_milli) ||
	    !green_http_fixed(r, "industry_intensity_tco2e_per_10k_yuan", &in->intensity, 6,
			      &c.industry_intensity_g_per_10k_yuan) ||
	    !green_http_fixed(r, "previous_total_tco2e", &in->previous_total, 6, &a->previous_total_g) ||
	    !account_lines(r, in, a) || !green_http_digest(r, "factor_digest", in->factor_digest, &c.factor_digest))
		return;
	if (in->previous_given)
		a->flags |= GREEN_ACCOUNT_HAS_PREVIOUS;
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
	if (!green_http_param_id(r, 0, enterprise) || !green_http_param_year(r, 1, period))
		return false;
	if (!green_http_can_read_enterprise(&r->principal, *enterprise)) {
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
	const struct green_domain_state *g = green_http_state(r);
	if (green_account_find(g, enterprise, period, NULL, NULL) == NULL) {
		api_problem(r, "not_found", "no carbon account for this enterprise and period");
		return;
	}
	json_t *list = json_array();
	uint32_t cursor = 0;
	const green_restatement *rs;
	while ((rs = green_restatement_next(g, enterprise, period, &cursor)) != NULL &&
	       json_array_size(list) < SZ_PAGE_ROW_COUNT_MAX)
		json_array_append_new(list, green_json_restatement(rs));
	api_reply_json(r, 200, json_pack("{s:o, s:i, s:o}", "enterprise_id", api_json_string_id(enterprise), "period",
					 (json_int_t)period, "restatements", list));
}

/* ---- restatement ----------------------------------------------------------------- */

struct restate_in {
	sz_id id;
	char factor_version[GREEN_VERSION_SIZE];
	char factor_digest[17];
};

static const struct api_field restate_fields[] = {
	{ GREEN_F_ID("id", struct restate_in, id, API_F_REQUIRED) },
	{ GREEN_F_STRING("factor_version", struct restate_in, factor_version, API_F_REQUIRED) },
	{ GREEN_F_DIGEST("factor_digest", struct restate_in, factor_digest) },
};
const struct api_schema green_restate_schema = API_SCHEMA("green_restate", restate_fields, struct restate_in);

static void restate_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!green_http_done_ok(r, results, count))
		return;
	const struct green_restate_cmd *c = api_submitted_body(r);
	const struct green_domain_state *g = green_http_state(r);
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
	json_t *doc = green_json_restatement(last);
	json_object_set_new(doc, "enterprise_id", api_json_string_id(c->enterprise_id));
	json_object_set_new(doc, "period", json_integer(c->period_year));
	api_reply_json(r, api_result_status(results[0]), doc);
}

void green_handle_account_restate(struct api_request *r)
{
	const struct restate_in *in = r->in;
	struct green_restate_cmd c;
	memset(&c, 0, sizeof c);
	if (!green_http_param_id(r, 0, &c.enterprise_id) || !green_http_param_year(r, 1, &c.period_year))
		return;
	if (r->principal.role == API_ROLE_MERCHANT && !sz_id_eq(r->principal.owner_id, c.enterprise_id)) {
		api_problem(r, "out_of_scope", "an enterprise restates only its own carbon accounts");
		return;
	}
	c.id = in->id;
	memcpy(c.factor_version, in->factor_version, sizeof c.factor_version);
	if (!green_http_digest(r, "factor_digest", in->factor_digest, &c.factor_digest))
		return;
	api_submit_one(r, GREEN_CMD_RESTATE, &c, sizeof c, restate_done);
}

/* ---- ESG ------------------------------------------------------------------------------ */

struct peer_in {
	struct api_decimal values[GREEN_ESG_COMMAND_INDICATOR_COUNT];
};

struct controversies_in {
	int32_t counts[GREEN_CONTROVERSY_LEVEL_COUNT];
};

struct esg_in {
	sz_id id;
	int32_t subject;
	struct api_list peers;
	struct controversies_in controversies;
};

/* Indicator order of the default ESG method (grade.h). */
#define PEER_FIELD(n, k) { GREEN_F_DEC(n, struct peer_in, values[k], API_F_REQUIRED, 6, true) }
static const struct api_field peer_fields[] = {
	PEER_FIELD("carbon_intensity", 0),      PEER_FIELD("green_power_share", 1),
	PEER_FIELD("injury_rate", 2),           PEER_FIELD("social_insurance_rate", 3),
	PEER_FIELD("independent_directors", 4), PEER_FIELD("regulatory_penalties", 5),
};
#undef PEER_FIELD
_Static_assert(sizeof peer_fields / sizeof peer_fields[0] == GREEN_ESG_COMMAND_INDICATOR_COUNT, "one field per indicator");
static const struct api_schema peer_schema = API_SCHEMA("green_esg_peer", peer_fields, struct peer_in);

static const struct api_field controversy_fields[] = {
	{ GREEN_F_INT("minor", struct controversies_in, counts[0], 0, 0, 1000) },
	{ GREEN_F_INT("moderate", struct controversies_in, counts[1], 0, 0, 1000) },
	{ GREEN_F_INT("severe", struct controversies_in, counts[2], 0, 0, 1000) },
};
_Static_assert(sizeof controversy_fields / sizeof controversy_fields[0] == GREEN_CONTROVERSY_LEVEL_COUNT,
	       "one field per controversy level");
static const struct api_schema controversies_schema =
	API_SCHEMA("green_esg_controversies", controversy_fields, struct controversies_in);

static const struct api_field esg_fields[] = {
	{ GREEN_F_ID("id", struct esg_in, id, API_F_REQUIRED) },
	{ GREEN_F_INT("subject", struct esg_in, subject, API_F_REQUIRED, 0, GREEN_ESG_COMMAND_PEER_COUNT_MAX - 1) },
	{ GREEN_F_LIST("peers", struct esg_in, peers, API_F_REQUIRED, &peer_schema, struct peer_in, 1,
		     GREEN_ESG_COMMAND_PEER_COUNT_MAX, "'%s' must be an array of 1 to 64 peer objects") },
	{ GREEN_F_OBJECT("controversies", struct esg_in, controversies, 0, &controversies_schema) },
};
const struct api_schema green_esg_schema = API_SCHEMA("green_esg", esg_fields, struct esg_in);

static void esg_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!green_http_done_ok(r, results, count))
		return;
	const struct green_esg_cmd *c = api_submitted_body(r);
	account_reply(r, api_result_status(results[0]), c->enterprise_id, c->period_year);
}

void green_handle_account_esg(struct api_request *r)
{
	const struct esg_in *in = r->in;
	static _Thread_local struct green_esg_cmd c;
	memset(&c, 0, sizeof c);
	if (!green_http_param_id(r, 0, &c.enterprise_id) || !green_http_param_year(r, 1, &c.period_year))
		return;
	c.id = in->id;
	c.subject = (uint32_t)in->subject;
	c.peer_count = in->peers.count;
	const struct peer_in *peers = in->peers.items;
	for (uint32_t i = 0; i < in->peers.count; i++)
		for (uint32_t k = 0; k < GREEN_ESG_COMMAND_INDICATOR_COUNT; k++)
			if (!green_http_fixed(r, peer_fields[k].name, &peers[i].values[k], 6,
					      &c.values[i * GREEN_ESG_COMMAND_INDICATOR_COUNT + k]))
				return;
	for (uint32_t k = 0; k < GREEN_CONTROVERSY_LEVEL_COUNT; k++)
		c.controversies[k] = (uint32_t)in->controversies.counts[k];
	api_submit_one(r, GREEN_CMD_ESG, &c, sizeof c, esg_done);
}

/* ---- certificates ------------------------------------------------------------------- */

void green_handle_cert_get(struct api_request *r)
{
	const green_cert_claim *claim = green_cert_find(green_http_state(r), api_param(r, 0));
	if (claim == NULL || !green_http_can_read_enterprise(&r->principal, claim->enterprise_id)) {
		api_problem(r, "not_found", "certificate '%s' is not claimed", api_param(r, 0));
		return;
	}
	api_reply_json(r, 200, json_pack("{s:s, s:o, s:i}", "serial", claim->serial, "enterprise_id",
					 api_json_string_id(claim->enterprise_id), "period",
					 (json_int_t)claim->period_year));
}
