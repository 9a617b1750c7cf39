/*
 * cli.c — `szfin green`: the client subcommands of the green domain over
 * its /v1/green routes (src/green/http*.c, docs/openapi.yaml) with the
 * shared client (client.h: --url, SZFIN_TOKEN / --token-file, --json):
 *
 *   factors list | get VERSION | activate VERSION [--digest HEX]
 *   account submit [FILE | --file F] [--period Y --province P --electricity-mwh X
 *                  --certificate SERIAL[:MWH] --green-mwh X --fuel NAME:ACTIVITY[:TIER] ...]
 *   account get|restatements ENTERPRISE PERIOD
 *   account restate ENTERPRISE PERIOD --factor-version V [--factor-digest HEX]
 *   account esg ENTERPRISE PERIOD (--file F | --peers FILE --subject N [--minor N ...])
 *   certificate get SERIAL        policy set [...] | get BANK (also "pricing policy")
 *   loan price|get|cerf LOAN      position add      book BANK
 *   tag add|get                   taxonomy
 *
 * Request bodies come from flags (--some-flag V names one JSON field; every
 * decimal is passed on as the text given, so no figure is ever rounded
 * here), or whole from a JSON file (--file F) with the flags layered on top.
 * Only the shape of the command line is checked here (integers, known
 * flags); every value is checked by the server. Command ids: --id ID when
 * given, else a fresh random id (a retry with the same --id is idempotent).
 *
 * Output: --json prints the server's JSON as is; otherwise each answer is
 * rendered as key-value lines and tables, with tCO2e, amounts and rates
 * exactly as the API gives them. Exit codes: 0 for a 2xx answer; 1 for a
 * problem answer ("error STATUS CODE: detail" on stderr, client.c); 2 for a
 * command-line mistake; 3 when the server cannot be reached.
 * Never: take a token from the command line; compute a figure the server
 * answers (there is no floating point in the CLI adapter).
 *
 * This file owns the usage texts, the groups and the command table; the
 * command line and requests are in cli_args.c, the renderings in
 * cli_render.c.
 */
#include "cli/cli.h"
#include "cli/client.h"
#include "green/cli.h"
#include "green/cli_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* ---- usage -------------------------------------------------------------------------- */

struct group_usage {
	const char *name;
	const char *text;
};

static const struct group_usage usages[] = {
	{ "factors",
	  "szfin green factors list                         loaded and active emission-factor sets\n"
	  "szfin green factors get VERSION                  a set's values with their provenance\n"
	  "szfin green factors activate VERSION [--digest HEX] [--id ID]\n"
	  "                                                 activate a loaded set (central bank, admin),\n"
	  "                                                 pinned by its digest (default: the loaded one)\n" },
	{ "account",
	  "szfin green account submit [FILE | --file F] [--id ID] [--enterprise ID] --period YEAR\n"
	  "        [--province CN-XX] [--electricity-mwh X] [--green-mwh X --certificate SERIAL]\n"
	  "        [--certificate SERIAL:MWH]... [--fuel NAME:ACTIVITY[:auto|national|ipcc]]...\n"
	  "        [--heat-gj X] [--value-added CNY] [--previous-tco2e X] [--grid-series average|\n"
	  "        excl_market_nonfossil|fossil|ets] [--gwp AR5|AR6] [--evidence KIND]\n"
	  "        [--industry-intensity TCO2E_PER_10K_YUAN] [--factor-version V] [--factor-digest HEX]\n"
	  "    an enterprise submits its carbon account for a period; FILE is the JSON body of\n"
	  "    POST /v1/green/accounts, flags are layered on top of it\n"
	  "szfin green account get ENTERPRISE PERIOD        the result, grade, data quality and ESG\n"
	  "szfin green account restatements ENTERPRISE PERIOD\n"
	  "szfin green account restate ENTERPRISE PERIOD --factor-version V [--factor-digest HEX] [--id ID]\n"
	  "szfin green account esg ENTERPRISE PERIOD (--file F | --peers FILE --subject N)\n"
	  "        [--minor N] [--moderate N] [--severe N] [--id ID]\n"
	  "    FILE: a JSON array of peers (carbon_intensity, green_power_share, injury_rate,\n"
	  "    social_insurance_rate, independent_directors, regulatory_penalties); N: the subject's index\n" },
	{ "certificate", "szfin green certificate get SERIAL               who claimed a green-power certificate\n" },
	{ "policy",
	  "szfin green policy set [--base-score N] [--discount-per-point-bp X] [--cap-bp X]\n"
	  "        [--partial-share-percent X] [--id ID]     the bank's carbon-linked pricing policy\n"
	  "szfin green policy get BANK\n"
	  "(also spelled szfin green pricing policy ...)\n" },
	{ "loan",
	  "szfin green loan price LOAN --enterprise ID --period YEAR --base-rate-percent X\n"
	  "        (--score N | --score-from-esg) [--data-quality 1-5] [--id ID]\n"
	  "szfin green loan get LOAN                        pinned terms, tag, CERF and position\n"
	  "szfin green loan cerf LOAN --principal CNY --project-investment CNY --project-reduction-tco2e X\n"
	  "        --term-days N [--area none|clean_energy|energy_saving|carbon_reduction_tech]\n"
	  "        [--lender-not-eligible] [--share-percent X] [--rate-percent X] [--day-basis N] [--id ID]\n" },
	{ "position",
	  "szfin green position add --loan ID --outstanding CNY --equity CNY --debt CNY [--cash CNY]\n"
	  "        [--company private|listed] (--emissions-tco2e X --data-quality 1-5 |\n"
	  "        --enterprise ID --period YEAR) [--id ID]  a loan position for PCAF\n" },
	{ "book", "szfin green book BANK                            PCAF financed emissions of a bank's book\n" },
	{ "tag",
	  "szfin green tag add --instrument ID --code CODE [--kind loan|bond] [--edition 2021|2025] [--id ID]\n"
	  "szfin green tag get ID                           an instrument's taxonomy tag\n" },
	{ "taxonomy", "szfin green taxonomy                             the 2025 catalogue and the 2021 mapping\n" },
};

static const char *usage_of(const char *group)
{
	for (size_t i = 0; i < sizeof usages / sizeof usages[0]; i++)
		if (strcmp(usages[i].name, group) == 0)
			return usages[i].text;
	return NULL;
}

static void help(FILE *f)
{
	fprintf(f, "usage: szfin green GROUP ACTION [ARGS] [--json] [--url URL] [--token-file FILE]\n\n");
	for (size_t i = 0; i < sizeof usages / sizeof usages[0]; i++)
		fputs(usages[i].text, f);
	fprintf(f, "\nDecimals are exact strings (\"404.20\", \"3.00\"); tCO2e has 2 decimals in answers.\n"
		   "--json prints the server's JSON as is; szfin green GROUP --help shows one group.\n"
		   "The token comes from SZFIN_TOKEN, SZFIN_TOKEN_FILE or --token-file, never the command line.\n");
}

static int usage(const char *group)
{
	fprintf(stderr, "usage:\n%s", usage_of(group));
	return 2;
}

/* ---- groups ------------------------------------------------------------------------- */

static int factors_cmd(const struct client *c, struct green_cli_args *a)
{
	const char *action = a->positional_count > 1 ? a->positional[1] : "list";
	char path[GREEN_CLI_PATH_SIZE], version[GREEN_CLI_PATH_SIZE / 4];
	if (strcmp(action, "list") == 0 && a->positional_count <= 2)
		return green_cli_options_unused(a, "factors") ? 2 : green_cli_call(c, "GET", "/v1/green/factors", NULL, green_cli_render_factors_list);
	if (a->positional_count != 3)
		return usage("factors");
	green_cli_segment(version, sizeof version, a->positional[2]);
	if (strcmp(action, "get") == 0) {
		snprintf(path, sizeof path, "/v1/green/factors/%s", version);
		return green_cli_options_unused(a, "factors") ? 2 : green_cli_call(c, "GET", path, NULL, green_cli_render_factor_set);
	}
	if (strcmp(action, "activate") == 0) {
		static const struct green_cli_field fields[] = { { "digest", "digest", GREEN_CLI_FIELD_TEXT, NULL }, { NULL, NULL, 0, NULL } };
		snprintf(path, sizeof path, "/v1/green/factors/%s/activate", version);
		return green_cli_call_with(c, a, "factors", "POST", path, green_cli_body_build(a, NULL, fields), green_cli_render_activation);
	}
	return usage("factors");
}

/* --fuel NAME:ACTIVITY[:TIER] lines. */
static int fuels_add(struct green_cli_args *a, json_t *body)
{
	json_t *fuels = NULL;
	for (int i = 0; i < a->flag_count; i++) {
		if (strcmp(a->names[i], "fuel") != 0)
			continue;
		a->used[i] = true;
		if (fuels == NULL && (fuels = green_cli_body_array(body, "fuels")) == NULL)
			return -1;
		char line[GREEN_CLI_CELL_SIZE];
		snprintf(line, sizeof line, "%s", a->values[i]);
		char *activity = strchr(line, ':'), *tier = activity ? strchr(activity + 1, ':') : NULL;
		if (activity == NULL || activity == line || activity[1] == '\0' || (tier && tier[1] == '\0')) {
			fprintf(stderr, "szfin green: --fuel takes NAME:ACTIVITY[:TIER], e.g. natural_gas:10\n");
			return -1;
		}
		*activity++ = '\0';
		if (tier)
			*tier++ = '\0';
		json_t *o = json_pack("{s:s, s:s}", "fuel", line, "activity", activity);
		if (tier)
			json_object_set_new(o, "tier", json_string(tier));
		json_array_append_new(fuels, o);
	}
	return 0;
}

/* --certificate SERIAL:MWH lines, or one --certificate SERIAL with --green-mwh X. */
static int certificates_add(struct green_cli_args *a, json_t *body)
{
	const char *green_mwh = green_cli_opt(a, "green-mwh");
	json_t *certs = NULL;
	int bare = 0;
	for (int i = 0; i < a->flag_count; i++) {
		if (strcmp(a->names[i], "certificate") != 0)
			continue;
		a->used[i] = true;
		if (certs == NULL && (certs = green_cli_body_array(body, "certificates")) == NULL)
			return -1;
		char line[GREEN_CLI_CELL_SIZE];
		snprintf(line, sizeof line, "%s", a->values[i]);
		char *mwh = strrchr(line, ':');
		if (mwh != NULL)
			*mwh++ = '\0';
		else
			bare++;
		if (line[0] == '\0' || (mwh != NULL && mwh[0] == '\0') || (mwh == NULL && green_mwh == NULL)) {
			fprintf(stderr, "szfin green: --certificate takes SERIAL:MWH, or SERIAL with --green-mwh X\n");
			return -1;
		}
		json_array_append_new(certs, json_pack("{s:s, s:s}", "serial", line, "mwh", mwh ? mwh : green_mwh));
	}
	if (green_mwh != NULL && bare != 1) {
		fprintf(stderr, "szfin green: --green-mwh X goes with exactly one --certificate SERIAL "
				"(the certificate claimed for that green power)\n");
		return -1;
	}
	return 0;
}

static int account_submit(const struct client *c, struct green_cli_args *a)
{
	static const struct green_cli_field fields[] = {
		{ "enterprise", "enterprise_id", GREEN_CLI_FIELD_TEXT, NULL },
		{ "period", "period", GREEN_CLI_FIELD_INTEGER, NULL },
		{ "province", "province", GREEN_CLI_FIELD_TEXT, NULL },
		{ "grid-series", "grid_series", GREEN_CLI_FIELD_TEXT, NULL },
		{ "electricity-mwh", "electricity_mwh", GREEN_CLI_FIELD_TEXT, NULL },
		{ "heat-gj", "heat_gj", GREEN_CLI_FIELD_TEXT, NULL },
		{ "value-added", "value_added", GREEN_CLI_FIELD_TEXT, NULL },
		{ "previous-tco2e", "previous_total_tco2e", GREEN_CLI_FIELD_TEXT, NULL },
		{ "gwp", "gwp", GREEN_CLI_FIELD_TEXT, NULL },
		{ "evidence", "evidence", GREEN_CLI_FIELD_TEXT, NULL },
		{ "industry-intensity", "industry_intensity_tco2e_per_10k_yuan", GREEN_CLI_FIELD_TEXT, NULL },
		{ "factor-version", "factor_version", GREEN_CLI_FIELD_TEXT, NULL },
		{ "factor-digest", "factor_digest", GREEN_CLI_FIELD_TEXT, NULL },
		{ NULL, NULL, 0, NULL },
	};
	if (a->positional_count > 3 || (a->positional_count == 3 && green_cli_opt(a, "file") != NULL))
		return usage("account");
	json_t *body = green_cli_body_build(a, a->positional_count == 3 ? a->positional[2] : NULL, fields);
	if (body != NULL && (fuels_add(a, body) || certificates_add(a, body))) {
		json_decref(body);
		return 2;
	}
	return green_cli_call_with(c, a, "account", "POST", "/v1/green/accounts", body, green_cli_render_account);
}

/* account esg: --peers FILE (an array, or an object with "peers") and the levels. */
static int account_esg(const struct client *c, struct green_cli_args *a, const char *path)
{
	static const struct green_cli_field fields[] = { { "subject", "subject", GREEN_CLI_FIELD_INTEGER, NULL }, { NULL, NULL, 0, NULL } };
	json_t *body = green_cli_body_build(a, NULL, fields);
	if (body == NULL)
		return 2;
	const char *peers_file = green_cli_opt(a, "peers");
	if (peers_file != NULL) {
		json_t *peers = green_cli_json_file_load(peers_file);
		if (json_is_object(peers) && json_is_array(json_object_get(peers, "peers"))) {
			json_t *list = json_incref(json_object_get(peers, "peers"));
			json_decref(peers);
			peers = list;
		}
		if (!json_is_array(peers)) {
			if (peers != NULL)
				fprintf(stderr, "szfin green: %s must hold a JSON array of peers\n", peers_file);
			json_decref(peers);
			json_decref(body);
			return 2;
		}
		json_object_set_new(body, "peers", peers);
	}
	static const char *const levels[] = { "minor", "moderate", "severe" };
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
		const char *v = green_cli_opt(a, levels[i]);
		json_int_t n = 0;
		char flag_name[32];
		snprintf(flag_name, sizeof flag_name, "--%s", levels[i]);
		if (v == NULL)
			continue;
		json_t *contro = json_object_get(body, "controversies");
		if (green_cli_integer_parse(flag_name, v, &n) || (contro != NULL && !json_is_object(contro))) {
			json_decref(body);
			return 2;
		}
		if (contro == NULL) {
			contro = json_object();
			json_object_set_new(body, "controversies", contro);
		}
		json_object_set_new(contro, levels[i], json_integer(n));
	}
	return green_cli_call_with(c, a, "account", "POST", path, body, green_cli_render_account);
}

static int account_cmd(const struct client *c, struct green_cli_args *a)
{
	if (a->positional_count < 2)
		return usage("account");
	const char *action = a->positional[1];
	if (strcmp(action, "submit") == 0)
		return account_submit(c, a);
	if (a->positional_count != 4)
		return usage("account");
	char path[GREEN_CLI_PATH_SIZE], enterprise[GREEN_CLI_PATH_SIZE / 4], period[GREEN_CLI_PATH_SIZE / 4];
	green_cli_segment(enterprise, sizeof enterprise, a->positional[2]);
	green_cli_segment(period, sizeof period, a->positional[3]);
	int n = snprintf(path, sizeof path, "/v1/green/accounts/%s/%s", enterprise, period);
	if (strcmp(action, "get") == 0)
		return green_cli_options_unused(a, "account") ? 2 : green_cli_call(c, "GET", path, NULL, green_cli_render_account);
	if (strcmp(action, "restatements") == 0) {
		snprintf(path + n, sizeof path - (size_t)n, "/restatements");
		return green_cli_options_unused(a, "account") ? 2 : green_cli_call(c, "GET", path, NULL, green_cli_render_restatements);
	}
	if (strcmp(action, "restate") == 0) {
		static const struct green_cli_field fields[] = {
			{ "factor-version", "factor_version", GREEN_CLI_FIELD_TEXT, NULL },
			{ "factor-digest", "factor_digest", GREEN_CLI_FIELD_TEXT, NULL },
			{ NULL, NULL, 0, NULL },
		};
		snprintf(path + n, sizeof path - (size_t)n, "/restate");
		return green_cli_call_with(c, a, "account", "POST", path, green_cli_body_build(a, NULL, fields), green_cli_render_restate);
	}
	if (strcmp(action, "esg") == 0) {
		snprintf(path + n, sizeof path - (size_t)n, "/esg");
		return account_esg(c, a, path);
	}
	return usage("account");
}

static int certificate_cmd(const struct client *c, struct green_cli_args *a)
{
	if (a->positional_count != 3 || strcmp(a->positional[1], "get") != 0)
		return usage("certificate");
	char path[GREEN_CLI_PATH_SIZE], serial[GREEN_CLI_PATH_SIZE / 2];
	green_cli_segment(serial, sizeof serial, a->positional[2]);
	snprintf(path, sizeof path, "/v1/green/certificates/%s", serial);
	return green_cli_options_unused(a, "certificate") ? 2 : green_cli_call(c, "GET", path, NULL, green_cli_render_certificate);
}

/* policy set|get; `pricing policy ...` is the same with one more word. */
static int policy_cmd(const struct client *c, struct green_cli_args *a)
{
	int first = strcmp(a->positional[0], "pricing") == 0 ? 1 : 0;
	if (first && (a->positional_count < 2 || strcmp(a->positional[1], "policy") != 0))
		return usage("policy");
	const char *action = a->positional_count > first + 1 ? a->positional[first + 1] : "";
	if (strcmp(action, "set") == 0 && a->positional_count == first + 2) {
		static const struct green_cli_field fields[] = {
			{ "base-score", "base_score", GREEN_CLI_FIELD_INTEGER, NULL },
			{ "discount-per-point-bp", "discount_per_point_bp", GREEN_CLI_FIELD_TEXT, NULL },
			{ "cap-bp", "cap_bp", GREEN_CLI_FIELD_TEXT, NULL },
			{ "partial-share-percent", "partial_share_percent", GREEN_CLI_FIELD_TEXT, NULL },
			{ NULL, NULL, 0, NULL },
		};
		return green_cli_call_with(c, a, "policy", "POST", "/v1/green/pricing/policies", green_cli_body_build(a, NULL, fields),
				 green_cli_render_policy);
	}
	if (strcmp(action, "get") == 0 && a->positional_count == first + 3) {
		char path[GREEN_CLI_PATH_SIZE], bank[GREEN_CLI_PATH_SIZE / 4];
		green_cli_segment(bank, sizeof bank, a->positional[first + 2]);
		snprintf(path, sizeof path, "/v1/green/pricing/policies/%s", bank);
		return green_cli_options_unused(a, "policy") ? 2 : green_cli_call(c, "GET", path, NULL, green_cli_render_policy);
	}
	return usage("policy");
}

static int loan_cmd(const struct client *c, struct green_cli_args *a)
{
	if (a->positional_count != 3)
		return usage("loan");
	const char *action = a->positional[1];
	char path[GREEN_CLI_PATH_SIZE], loan[GREEN_CLI_PATH_SIZE / 4];
	green_cli_segment(loan, sizeof loan, a->positional[2]);
	int n = snprintf(path, sizeof path, "/v1/green/loans/%s", loan);
	if (strcmp(action, "get") == 0)
		return green_cli_options_unused(a, "loan") ? 2 : green_cli_call(c, "GET", path, NULL, green_cli_render_loan);
	if (strcmp(action, "price") == 0) {
		static const struct green_cli_field fields[] = {
			{ "enterprise", "enterprise_id", GREEN_CLI_FIELD_TEXT, NULL },
			{ "period", "period", GREEN_CLI_FIELD_INTEGER, NULL },
			{ "base-rate-percent", "base_rate_percent", GREEN_CLI_FIELD_TEXT, NULL },
			{ "score", "score", GREEN_CLI_FIELD_INTEGER, NULL },
			{ "score-from-esg", "score_source", GREEN_CLI_FIELD_CONSTANT, "\"esg\"" },
			{ "data-quality", "data_quality", GREEN_CLI_FIELD_INTEGER, NULL },
			{ NULL, NULL, 0, NULL },
		};
		snprintf(path + n, sizeof path - (size_t)n, "/price");
		return green_cli_call_with(c, a, "loan", "POST", path, green_cli_body_build(a, NULL, fields), green_cli_render_loan);
	}
	if (strcmp(action, "cerf") == 0) {
		static const struct green_cli_field fields[] = {
			{ "principal", "principal", GREEN_CLI_FIELD_TEXT, NULL },
			{ "project-investment", "project_investment", GREEN_CLI_FIELD_TEXT, NULL },
			{ "project-reduction-tco2e", "project_reduction_tco2e", GREEN_CLI_FIELD_TEXT, NULL },
			{ "area", "area", GREEN_CLI_FIELD_TEXT, NULL },
			{ "term-days", "term_days", GREEN_CLI_FIELD_INTEGER, NULL },
			{ "lender-not-eligible", "lender_eligible", GREEN_CLI_FIELD_CONSTANT, "false" },
			{ "share-percent", "share_percent", GREEN_CLI_FIELD_TEXT, NULL },
			{ "rate-percent", "rate_percent", GREEN_CLI_FIELD_TEXT, NULL },
			{ "day-basis", "day_basis", GREEN_CLI_FIELD_INTEGER, NULL },
			{ NULL, NULL, 0, NULL },
		};
		snprintf(path + n, sizeof path - (size_t)n, "/cerf");
		return green_cli_call_with(c, a, "loan", "POST", path, green_cli_body_build(a, NULL, fields), green_cli_render_cerf);
	}
	return usage("loan");
}

static int position_cmd(const struct client *c, struct green_cli_args *a)
{
	static const struct green_cli_field fields[] = {
		{ "loan", "loan_id", GREEN_CLI_FIELD_TEXT, NULL },
		{ "enterprise", "enterprise_id", GREEN_CLI_FIELD_TEXT, NULL },
		{ "period", "period", GREEN_CLI_FIELD_INTEGER, NULL },
		{ "outstanding", "outstanding", GREEN_CLI_FIELD_TEXT, NULL },
		{ "equity", "equity", GREEN_CLI_FIELD_TEXT, NULL },
		{ "debt", "debt", GREEN_CLI_FIELD_TEXT, NULL },
		{ "cash", "cash", GREEN_CLI_FIELD_TEXT, NULL },
		{ "company", "company", GREEN_CLI_FIELD_TEXT, NULL },
		{ "emissions-tco2e", "emissions_tco2e", GREEN_CLI_FIELD_TEXT, NULL },
		{ "data-quality", "data_quality", GREEN_CLI_FIELD_INTEGER, NULL },
		{ NULL, NULL, 0, NULL },
	};
	if (a->positional_count != 2 || strcmp(a->positional[1], "add") != 0)
		return usage("position");
	return green_cli_call_with(c, a, "position", "POST", "/v1/green/positions", green_cli_body_build(a, NULL, fields), green_cli_render_position);
}

static int book_cmd(const struct client *c, struct green_cli_args *a)
{
	/* book BANK, or book get BANK */
	int at_bank = a->positional_count == 3 && strcmp(a->positional[1], "get") == 0 ? 2 : 1;
	if (a->positional_count != at_bank + 1)
		return usage("book");
	char path[GREEN_CLI_PATH_SIZE], bank[GREEN_CLI_PATH_SIZE / 4];
	green_cli_segment(bank, sizeof bank, a->positional[at_bank]);
	snprintf(path, sizeof path, "/v1/green/books/%s/financed-emissions", bank);
	return green_cli_options_unused(a, "book") ? 2 : green_cli_call(c, "GET", path, NULL, green_cli_render_book);
}

static int tag_cmd(const struct client *c, struct green_cli_args *a)
{
	if (a->positional_count == 2 && strcmp(a->positional[1], "add") == 0) {
		static const struct green_cli_field fields[] = {
			{ "instrument", "instrument_id", GREEN_CLI_FIELD_TEXT, NULL },
			{ "kind", "kind", GREEN_CLI_FIELD_TEXT, NULL },
			{ "edition", "edition", GREEN_CLI_FIELD_INTEGER, NULL },
			{ "code", "code", GREEN_CLI_FIELD_TEXT, NULL },
			{ NULL, NULL, 0, NULL },
		};
		return green_cli_call_with(c, a, "tag", "POST", "/v1/green/tags", green_cli_body_build(a, NULL, fields), green_cli_render_tag);
	}
	if (a->positional_count == 3 && strcmp(a->positional[1], "get") == 0) {
		char path[GREEN_CLI_PATH_SIZE], id[GREEN_CLI_PATH_SIZE / 4];
		green_cli_segment(id, sizeof id, a->positional[2]);
		snprintf(path, sizeof path, "/v1/green/tags/%s", id);
		return green_cli_options_unused(a, "tag") ? 2 : green_cli_call(c, "GET", path, NULL, green_cli_render_tag);
	}
	return usage("tag");
}

static int taxonomy_cmd(const struct client *c, struct green_cli_args *a)
{
	if (a->positional_count != 1)
		return usage("taxonomy");
	return green_cli_options_unused(a, "taxonomy") ? 2 : green_cli_call(c, "GET", "/v1/green/taxonomy", NULL, green_cli_render_taxonomy);
}

static int green_main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "szfin: libsodium failed to initialise\n");
		return 1;
	}
	struct client c;
	argc = client_init(&c, argc - 1, argv + 1);
	if (argc < 0)
		return 2;
	struct green_cli_args a;
	if (green_cli_args_parse(&a, argc, argv + 1))
		return 2;
	bool asked = green_cli_opt(&a, "help") != NULL;
	if (a.positional_count == 0 || strcmp(a.positional[0], "help") == 0) {
		bool to_stdout = asked || a.positional_count > 0;
		help(to_stdout ? stdout : stderr);
		return to_stdout ? 0 : 2;
	}
	const char *group = a.positional[0];
	const char *group_usage = usage_of(strcmp(group, "pricing") == 0 ? "policy" : group);
	if (asked) { /* szfin green GROUP [ACTION] --help */
		if (group_usage != NULL)
			printf("usage:\n%s", group_usage);
		else
			help(stdout);
		return 0;
	}
	static const struct {
		const char *name;
		int (*run)(const struct client *, struct green_cli_args *);
	} groups[] = {
		{ "factors", factors_cmd },   { "account", account_cmd }, { "certificate", certificate_cmd },
		{ "policy", policy_cmd },     { "pricing", policy_cmd },  { "loan", loan_cmd },
		{ "position", position_cmd }, { "book", book_cmd },       { "tag", tag_cmd },
		{ "taxonomy", taxonomy_cmd },
	};
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
		if (strcmp(group, groups[i].name) == 0)
			return groups[i].run(&c, &a);
	fprintf(stderr, "szfin green: unknown group '%s'\n\n", group);
	help(stderr);
	return 2;
}

static const struct cli_command green_commands[] = {
	{ "green", green_main, "green finance: carbon accounts, factor sets, pricing, PCAF, taxonomy (see szfin green --help)" },
};

const struct cli_command_table green_cli_table = { "green", green_commands,
						   sizeof green_commands / sizeof green_commands[0] };
