/*
 * cli_render.c — the human renderings of the green domain's answers for
 * `szfin green` (without --json): key-value lines and tables of factor sets,
 * carbon accounts, restatements, policies, loans with their terms, CERF,
 * PCAF positions and books, tags and the taxonomy. Every figure is printed
 * exactly as the API gave it (tCO2e, amounts and rates are strings); a value
 * that is absent or null shows as "-". Nothing is computed here.
 */
#include "cli/client.h"
#include "green/cli_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* doc at a dotted path ("factor_set.version"); NULL if any step is missing. */
static json_t *at(json_t *doc, const char *path)
{
	char key[64];
	while (doc != NULL && *path) {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof key, "%.*s", (int)n, path);
		doc = json_is_object(doc) ? json_object_get(doc, key) : NULL;
		path += n + (path[n] == '.');
	}
	return doc;
}

/* The text of a value: strings as they are, true/false as yes/no, null or
 * absent as "-", arrays joined with ", ". */
static const char *cell(json_t *v, char out[GREEN_CLI_CELL_SIZE])
{
	out[0] = '\0';
	if (v == NULL || json_is_null(v)) {
		snprintf(out, GREEN_CLI_CELL_SIZE, "-");
	} else if (json_is_string(v)) {
		snprintf(out, GREEN_CLI_CELL_SIZE, "%s", json_string_value(v));
	} else if (json_is_boolean(v)) {
		snprintf(out, GREEN_CLI_CELL_SIZE, "%s", json_is_true(v) ? "yes" : "no");
	} else if (json_is_integer(v)) {
		snprintf(out, GREEN_CLI_CELL_SIZE, "%lld", (long long)json_integer_value(v));
	} else if (json_is_array(v)) {
		size_t i, n = 0;
		json_t *item;
		char part[GREEN_CLI_CELL_SIZE];
		json_array_foreach(v, i, item) {
			n += (size_t)snprintf(out + n, GREEN_CLI_CELL_SIZE - n, "%s%s", i ? ", " : "", cell(item, part));
			if (n >= GREEN_CLI_CELL_SIZE)
				break;
		}
		if (json_array_size(v) == 0)
			snprintf(out, GREEN_CLI_CELL_SIZE, "-");
	} else {
		char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		snprintf(out, GREEN_CLI_CELL_SIZE, "%s", text ? text : "?");
		free(text);
	}
	return out;
}

/* One "label  value unit" line; the unit is left out when the value is absent. */
static void kv(json_t *doc, const char *label, const char *path, const char *unit)
{
	char text[GREEN_CLI_CELL_SIZE];
	json_t *v = at(doc, path);
	bool absent = v == NULL || json_is_null(v);
	printf("%-30s %s%s%s\n", label, cell(v, text), unit && !absent ? " " : "", unit && !absent ? unit : "");
}

struct column {
	const char *title;
	const char *path;
	int width; /* the last column is not padded */
};

static void table(json_t *rows, const struct column *cols, size_t count, const char *indent)
{
	printf("%s", indent);
	for (size_t c = 0; c < count; c++)
		printf("%-*s", c + 1 < count ? cols[c].width : 0, cols[c].title);
	putchar('\n');
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		printf("%s", indent);
		for (size_t c = 0; c < count; c++) {
			char text[GREEN_CLI_CELL_SIZE];
			cell(at(row, cols[c].path), text);
			printf("%-*s", c + 1 < count ? cols[c].width : 0, text);
			if (c + 1 < count && (int)strlen(text) >= cols[c].width)
				putchar(' ');
		}
		putchar('\n');
	}
}

#define TABLE(rows, cols, indent) table((rows), (cols), sizeof(cols) / sizeof((cols)[0]), (indent))

void green_cli_render_factors_list(json_t *doc)
{
	static const struct column cols[] = {
		{ "VERSION", "version", 14 }, { "DIGEST", "digest", 18 }, { "ROWS", "rows", 6 },
		{ "ACTIVE", "active", 8 }, { "ACTIVATED_AT_NS", "activated_at_ns", 0 },
	};
	TABLE(json_object_get(doc, "loaded"), cols, "");
	kv(doc, "default factor set", "default", NULL);
}

void green_cli_render_factor_set(json_t *doc)
{
	static const struct column cols[] = {
		{ "KIND", "kind", 6 }, { "CODE", "code", 24 }, { "AREA", "area", 10 }, { "YEAR", "year", 6 },
		{ "PARAM", "param", 16 }, { "VALUE", "value", 12 }, { "UNIT", "unit", 16 }, { "SOURCE", "source", 14 },
		{ "PUBLICATION", "publication", 0 },
	};
	kv(doc, "version", "version", NULL);
	kv(doc, "digest", "digest", NULL);
	kv(doc, "active", "active", NULL);
	TABLE(json_object_get(doc, "rows"), cols, "");
}

void green_cli_render_activation(json_t *doc)
{
	kv(doc, "version", "version", NULL);
	kv(doc, "digest", "digest", NULL);
	kv(doc, "activated at (ns)", "activated_at_ns", NULL);
}

/* A factor the result used: "0.4042 (SOUTH 2023; year_earlier)". */
static void factor_line(json_t *doc, const char *label, const char *path, const char *unit)
{
	json_t *f = at(doc, path);
	if (!json_is_object(f)) {
		printf("%-30s -\n", label);
		return;
	}
	char value[GREEN_CLI_CELL_SIZE], area[GREEN_CLI_CELL_SIZE], year[GREEN_CLI_CELL_SIZE],
		flags[GREEN_CLI_CELL_SIZE];
	cell(json_object_get(f, "flags"), flags);
	printf("%-30s %s %s (%s %s%s%s)\n", label, cell(json_object_get(f, "value"), value), unit,
	       cell(json_object_get(f, "area"), area), cell(json_object_get(f, "year"), year),
	       strcmp(flags, "-") ? "; " : "", strcmp(flags, "-") ? flags : "");
}

/* The figures shared by an account and each side of a restatement. */
static void render_result(json_t *doc)
{
	char version[GREEN_CLI_CELL_SIZE], digest[GREEN_CLI_CELL_SIZE];
	printf("%-30s %s (digest %s)\n", "factor set", cell(at(doc, "factor_set.version"), version),
	       cell(at(doc, "factor_set.digest"), digest));
	kv(doc, "scope 1", "scope1_tco2e", "tCO2e");
	kv(doc, "scope 2, location based", "scope2_location_tco2e", "tCO2e");
	kv(doc, "scope 2, market based", "scope2_market_tco2e", "tCO2e");
	kv(doc, "total, location based", "total_tco2e", "tCO2e");
	kv(doc, "total, market based", "total_market_tco2e", "tCO2e");
	kv(doc, "electricity, location based", "electricity_location_tco2e", "tCO2e");
	kv(doc, "electricity, market based", "electricity_market_tco2e", "tCO2e");
	kv(doc, "heat", "heat_tco2e", "tCO2e");
	kv(doc, "intensity", "intensity_tco2e_per_10k_yuan", "tCO2e per 10k yuan");
	kv(doc, "year on year", "yoy_change_percent", "%");
	factor_line(doc, "grid factor", "grid_factor", "tCO2/MWh");
	factor_line(doc, "residual mix factor", "residual_factor", "tCO2/MWh");
	factor_line(doc, "heat factor", "heat_factor", "tCO2/GJ");
	kv(doc, "fallbacks", "flags", NULL);
}

void green_cli_render_account(json_t *doc)
{
	char a[GREEN_CLI_CELL_SIZE], b[GREEN_CLI_CELL_SIZE], c[GREEN_CLI_CELL_SIZE];
	kv(doc, "enterprise", "enterprise_id", NULL);
	kv(doc, "period", "period", NULL);
	kv(doc, "province", "province", NULL);
	kv(doc, "grid series", "grid_series", NULL);
	kv(doc, "GWP", "gwp", NULL);
	kv(doc, "electricity", "electricity_mwh", "MWh");
	kv(doc, "green power", "green_power_mwh", "MWh");
	kv(doc, "heat bought", "heat_gj", "GJ");
	kv(doc, "value added", "value_added", "CNY");
	render_result(doc);
	printf("%-30s %s (%s)\n", "data quality", cell(at(doc, "data_quality.score"), a),
	       cell(at(doc, "data_quality.evidence"), b));
	if (json_is_object(at(doc, "grade")))
		printf("%-30s %s, %s (k %s)\n", "grade", cell(at(doc, "grade.grade"), a), cell(at(doc, "grade.colour"), b),
		       cell(at(doc, "grade.k"), c));
	else
		printf("%-30s -\n", "grade");
	if (json_is_object(at(doc, "esg"))) {
		kv(doc, "ESG score", "esg.score", NULL);
		printf("%-30s E %s  S %s  G %s\n", "ESG pillars", cell(at(doc, "esg.pillars.E"), a),
		       cell(at(doc, "esg.pillars.S"), b), cell(at(doc, "esg.pillars.G"), c));
		printf("%-30s %s raw, %s deducted, %s peers\n", "ESG detail", cell(at(doc, "esg.raw_score"), a),
		       cell(at(doc, "esg.deduction"), b), cell(at(doc, "esg.peers"), c));
	} else {
		printf("%-30s -\n", "ESG score");
	}
	kv(doc, "restatements", "restatement_count", NULL);
	kv(doc, "submitted at (ns)", "submitted_at_ns", NULL);
	kv(doc, "command id", "command_id", NULL);
	json_t *fuels = json_object_get(doc, "fuels"), *certs = json_object_get(doc, "certificates");
	if (json_array_size(fuels)) {
		static const struct column cols[] = {
			{ "FUEL", "fuel", 20 }, { "ACTIVITY", "activity", 14 }, { "TIER", "tier", 10 },
			{ "TCO2E", "co2e_tco2e", 0 },
		};
		printf("fuels:\n");
		TABLE(fuels, cols, "  ");
	}
	if (json_array_size(certs)) {
		static const struct column cols[] = { { "SERIAL", "serial", 28 }, { "MWH", "mwh", 0 } };
		printf("certificates:\n");
		TABLE(certs, cols, "  ");
	}
}

/* Before, after and the change of one restatement. */
static void render_restatement_figures(json_t *rs, const char *indent)
{
	static const char *const rows[][2] = {
		{ "scope 1", "scope1_tco2e" },
		{ "scope 2, location based", "scope2_location_tco2e" },
		{ "scope 2, market based", "scope2_market_tco2e" },
		{ "total, location based", "total_tco2e" },
	};
	char a[GREEN_CLI_CELL_SIZE], b[GREEN_CLI_CELL_SIZE], c[GREEN_CLI_CELL_SIZE];
	char before[96], after[96], delta[96];
	printf("%s%-26s %-16s %-16s %s\n", indent, "tCO2e", "BEFORE", "AFTER", "CHANGE");
	printf("%s%-26s %-16s %-16s %s\n", indent, "factor set", cell(at(rs, "before.factor_set.version"), a),
	       cell(at(rs, "after.factor_set.version"), b), "");
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		snprintf(before, sizeof before, "before.%s", rows[i][1]);
		snprintf(after, sizeof after, "after.%s", rows[i][1]);
		snprintf(delta, sizeof delta, "delta.%s", rows[i][1]);
		printf("%s%-26s %-16s %-16s %s\n", indent, rows[i][0], cell(at(rs, before), a), cell(at(rs, after), b),
		       cell(at(rs, delta), c));
	}
}

void green_cli_render_restate(json_t *doc)
{
	kv(doc, "enterprise", "enterprise_id", NULL);
	kv(doc, "period", "period", NULL);
	render_restatement_figures(doc, "");
}

void green_cli_render_restatements(json_t *doc)
{
	json_t *list = json_object_get(doc, "restatements"), *rs;
	kv(doc, "enterprise", "enterprise_id", NULL);
	kv(doc, "period", "period", NULL);
	printf("%-30s %zu\n", "restatements", json_array_size(list));
	size_t i;
	json_array_foreach(list, i, rs) {
		printf("restatement %zu:\n", i + 1);
		render_restatement_figures(rs, "  ");
	}
}

void green_cli_render_certificate(json_t *doc)
{
	kv(doc, "serial", "serial", NULL);
	kv(doc, "claimed by enterprise", "enterprise_id", NULL);
	kv(doc, "period", "period", NULL);
}

static void render_policy_fields(json_t *doc, const char *prefix)
{
	char label[64], path[64];
	static const char *const rows[][3] = {
		{ "base score", "base_score", NULL },
		{ "discount per point", "discount_per_point_bp", "bp" },
		{ "discount cap", "cap_bp", "bp" },
		{ "partial share", "partial_share_percent", "%" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		snprintf(label, sizeof label, "%s%s", prefix[0] ? "  policy " : "", rows[i][0]);
		snprintf(path, sizeof path, "%s%s", prefix, rows[i][1]);
		kv(doc, label, path, rows[i][2]);
	}
}

void green_cli_render_policy(json_t *doc)
{
	kv(doc, "bank", "bank", NULL);
	kv(doc, "version", "version", NULL);
	kv(doc, "default policy", "default", NULL);
	render_policy_fields(doc, "");
}

static void render_cerf_fields(json_t *doc, const char *indent)
{
	static const char *const rows[][3] = {
		{ "qualifies", "qualifies", NULL },
		{ "reason", "reason", NULL },
		{ "area", "area", NULL },
		{ "principal", "principal", "CNY" },
		{ "project investment", "project_investment", "CNY" },
		{ "term", "term_days", "days" },
		{ "refinanceable", "refinanceable", "CNY" },
		{ "annual cost", "annual_cost", "CNY" },
		{ "term cost", "term_cost", "CNY" },
		{ "attributed reduction", "attributed_reduction_tco2e", "tCO2e" },
		{ "facility share", "policy.share_percent", "%" },
		{ "facility rate", "policy.rate_percent", "%" },
		{ "day basis", "policy.day_basis", NULL },
	};
	char label[64];
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		snprintf(label, sizeof label, "%s%s", indent, rows[i][0]);
		kv(doc, label, rows[i][1], rows[i][2]);
	}
}

static void render_position_fields(json_t *doc, const char *indent)
{
	static const char *const rows[][3] = {
		{ "enterprise", "enterprise_id", NULL },
		{ "period", "period", NULL },
		{ "outstanding", "outstanding", "CNY" },
		{ "equity", "equity", "CNY" },
		{ "debt", "debt", "CNY" },
		{ "cash", "cash", "CNY" },
		{ "company", "company", NULL },
		{ "attribution", "attribution", NULL },
		{ "borrower emissions", "borrower_emissions_tco2e", "tCO2e" },
		{ "from the carbon account", "emissions_from_account", NULL },
		{ "financed emissions", "financed_tco2e", "tCO2e" },
		{ "data quality", "data_quality", NULL },
		{ "capped", "capped", NULL },
	};
	char label[64];
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		snprintf(label, sizeof label, "%s%s", indent, rows[i][0]);
		kv(doc, label, rows[i][1], rows[i][2]);
	}
}

static void render_tag_fields(json_t *doc, const char *indent)
{
	static const char *const rows[][2] = {
		{ "kind", "kind" },       { "category (2025)", "category_2025" }, { "name", "name_en" },
		{ "name (zh)", "name_zh" }, { "2021 code", "code_2021" },         { "edition tagged", "edition" },
		{ "tagged at (ns)", "tagged_at_ns" },
	};
	char label[64];
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		snprintf(label, sizeof label, "%s%s", indent, rows[i][0]);
		kv(doc, label, rows[i][1], NULL);
	}
}

void green_cli_render_cerf(json_t *doc)
{
	kv(doc, "loan", "loan_id", NULL);
	render_cerf_fields(doc, "");
}

void green_cli_render_position(json_t *doc)
{
	kv(doc, "loan", "loan_id", NULL);
	render_position_fields(doc, "");
}

void green_cli_render_tag(json_t *doc)
{
	kv(doc, "instrument", "instrument_id", NULL);
	if (json_object_get(doc, "bank"))
		kv(doc, "bank", "bank", NULL);
	render_tag_fields(doc, "");
}

void green_cli_render_loan(json_t *doc)
{
	kv(doc, "loan", "loan_id", NULL);
	kv(doc, "bank", "bank", NULL);
	json_t *terms = json_object_get(doc, "terms");
	if (json_is_object(terms)) {
		static const char *const rows[][3] = {
			{ "  enterprise", "enterprise_id", NULL },
			{ "  period", "period", NULL },
			{ "  base rate", "base_rate_percent", "%" },
			{ "  score", "score", NULL },
			{ "  score from ESG", "score_from_esg", NULL },
			{ "  discount", "discount_bp", "bp" },
			{ "  rate", "rate_percent", "%" },
			{ "  data quality", "data_quality", NULL },
			{ "  policy version", "policy_version", NULL },
			{ "  factor set", "factor_set.version", NULL },
			{ "  factor set digest", "factor_set.digest", NULL },
			{ "  re-derives", "rederives", NULL },
			{ "  priced at (ns)", "priced_at_ns", NULL },
		};
		printf("terms:\n");
		for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
			kv(terms, rows[i][0], rows[i][1], rows[i][2]);
		render_policy_fields(terms, "policy.");
	} else {
		printf("%-30s -\n", "terms");
	}
	static const struct {
		const char *key;
		void (*fields)(json_t *, const char *);
	} parts[] = { { "taxonomy", render_tag_fields }, { "cerf", render_cerf_fields },
		      { "position", render_position_fields } };
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		json_t *part = json_object_get(doc, parts[i].key);
		if (json_is_object(part)) {
			printf("%s:\n", parts[i].key);
			parts[i].fields(part, "  ");
		} else {
			printf("%-30s -\n", parts[i].key);
		}
	}
}

void green_cli_render_book(json_t *doc)
{
	static const struct column cols[] = {
		{ "LOAN", "loan_id", 20 },          { "ENTERPRISE", "enterprise_id", 14 },
		{ "OUTSTANDING", "outstanding", 18 }, { "ATTRIBUTION", "attribution", 13 },
		{ "BORROWER_TCO2E", "borrower_emissions_tco2e", 16 }, { "FINANCED_TCO2E", "financed_tco2e", 16 },
		{ "DQ", "data_quality", 4 },        { "CAPPED", "capped", 0 },
	};
	kv(doc, "bank", "bank", NULL);
	kv(doc, "positions", "position_count", NULL);
	kv(doc, "outstanding", "outstanding", "CNY");
	kv(doc, "financed emissions", "financed_tco2e", "tCO2e");
	kv(doc, "intensity", "intensity_tco2e_per_million_yuan", "tCO2e per million yuan");
	kv(doc, "data quality (weighted)", "data_quality", NULL);
	kv(doc, "capped positions", "capped_count", NULL);
	if (json_is_true(json_object_get(doc, "truncated")))
		printf("(the list below is truncated; the figures above cover the whole book)\n");
	json_t *positions = json_object_get(doc, "positions");
	if (json_array_size(positions))
		TABLE(positions, cols, "");
}

void green_cli_render_taxonomy(json_t *doc)
{
	static const struct column categories[] = {
		{ "CODE", "code", 6 }, { "NAME", "name_en", 48 }, { "NAME_ZH", "name_zh", 0 },
	};
	static const struct column mapping[] = {
		{ "CODE_2021", "code_2021", 11 }, { "CODE_2025", "code_2025", 11 }, { "NAME_ZH_2021", "name_zh_2021", 0 },
	};
	printf("2025 catalogue:\n");
	TABLE(json_object_get(doc, "categories_2025"), categories, "  ");
	printf("2021 catalogue mapped to 2025 (- : no single 2025 category):\n");
	TABLE(json_object_get(doc, "mapping_2021"), mapping, "  ");
}
