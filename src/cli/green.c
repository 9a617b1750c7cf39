/*
 * green.c — `szfin green`: the client subcommands of the green domain over
 * its /v1/green routes (src/green/routes.c, docs/openapi.yaml) with the
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
 * answers (there is no floating point in this file).
 */
#include "cli/cli.h"
#include "cli/client.h"
#include "api/codec.h"
#include "core/limits.h"

#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Repeatable --fuel and --certificate lines (8 each by the API) plus the
 * options of the widest command, account submit. */
#define GREEN_CLI_FLAG_COUNT_MAX 48
/* The deepest command is `account restate ENTERPRISE PERIOD`: four words. */
#define GREEN_CLI_POSITIONAL_COUNT_MAX 8
/* Rendered cells: ids are 39 digits, factor-set codes and names are short. */
#define GREEN_CLI_CELL_SIZE 256
#define GREEN_CLI_PATH_SIZE 512

struct gargs {
	const char *positional[GREEN_CLI_POSITIONAL_COUNT_MAX];
	int positional_count;
	const char *names[GREEN_CLI_FLAG_COUNT_MAX];
	const char *values[GREEN_CLI_FLAG_COUNT_MAX]; /* NULL: a bare switch */
	bool used[GREEN_CLI_FLAG_COUNT_MAX];
	int flag_count;
};

/* ---- command line ------------------------------------------------------------------ */

static bool is_switch(const char *name)
{
	static const char *const names[] = { "help", "score-from-esg", "lender-not-eligible" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

static int gargs_parse(struct gargs *a, int argc, char **argv)
{
	memset(a, 0, sizeof *a);
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0') {
			if (a->flag_count == GREEN_CLI_FLAG_COUNT_MAX) {
				fprintf(stderr, "szfin green: more than %d options\n", GREEN_CLI_FLAG_COUNT_MAX);
				return -1;
			}
			const char *name = argv[i] + 2;
			a->names[a->flag_count] = name;
			if (!is_switch(name)) {
				if (i + 1 >= argc) {
					fprintf(stderr, "szfin green: --%s needs a value\n", name);
					return -1;
				}
				a->values[a->flag_count] = argv[++i];
			}
			a->flag_count++;
		} else {
			if (a->positional_count == GREEN_CLI_POSITIONAL_COUNT_MAX) {
				fprintf(stderr, "szfin green: more than %d arguments\n", GREEN_CLI_POSITIONAL_COUNT_MAX);
				return -1;
			}
			a->positional[a->positional_count++] = argv[i];
		}
	}
	return 0;
}

/* The value of --name (a switch gives ""), marked as used; NULL if absent. */
static const char *opt(struct gargs *a, const char *name)
{
	for (int i = 0; i < a->flag_count; i++)
		if (strcmp(a->names[i], name) == 0) {
			a->used[i] = true;
			return a->values[i] ? a->values[i] : "";
		}
	return NULL;
}

/* 0 if every option was used by the command; else names the first other one. */
static int options_unused(const struct gargs *a, const char *command)
{
	for (int i = 0; i < a->flag_count; i++)
		if (!a->used[i]) {
			fprintf(stderr, "szfin green %s: unknown option --%s (see szfin green %s --help)\n", command,
				a->names[i], command);
			return -1;
		}
	return 0;
}

static int integer_parse(const char *flag_name, const char *text, json_int_t *out)
{
	char *end = NULL;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (text[0] == '\0' || *end != '\0' || errno != 0) {
		fprintf(stderr, "szfin green: %s must be an integer, not '%s'\n", flag_name, text);
		return -1;
	}
	*out = (json_int_t)v;
	return 0;
}

/* A path segment with everything but unreserved characters percent-encoded. */
static void segment(char *out, size_t size, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p && n + 4 < size; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p) != NULL) {
			out[n++] = (char)*p;
		} else {
			out[n++] = '%';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		}
	}
	out[n] = '\0';
}

/* A JSON document from a file of at most the server's body size; NULL after
 * printing why. */
static json_t *json_file_load(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "szfin green: cannot read %s\n", path);
		return NULL;
	}
	char *text = malloc(SZ_API_JSON_BODY_SIZE_MAX + 1);
	size_t size = text ? fread(text, 1, SZ_API_JSON_BODY_SIZE_MAX + 1, f) : 0;
	if (f != stdin)
		fclose(f);
	json_t *doc = NULL;
	json_error_t error;
	if (text == NULL || size > SZ_API_JSON_BODY_SIZE_MAX)
		fprintf(stderr, "szfin green: %s is larger than %u bytes\n", path, SZ_API_JSON_BODY_SIZE_MAX);
	else if ((doc = json_loadb(text, size, 0, &error)) == NULL)
		fprintf(stderr, "szfin green: %s: line %d: %s\n", path, error.line, error.text);
	free(text);
	return doc;
}

/* ---- request bodies ---------------------------------------------------------------- */

enum field_kind {
	FIELD_TEXT,     /* --flag V -> "key": "V" */
	FIELD_INTEGER,  /* --flag N -> "key": N */
	FIELD_CONSTANT, /* a switch -> "key": constant (a JSON text) */
};

struct field {
	const char *flag;
	const char *key;
	enum field_kind kind;
	const char *constant;
};

/* The body of a command: --file F (or file_path) when given, else {}; then
 * the fields, then "id" from --id or a fresh random id unless the file had
 * one. NULL after printing an error. */
static json_t *body_build(struct gargs *a, const char *file_path, const struct field *fields)
{
	const char *file = opt(a, "file");
	if (file == NULL)
		file = file_path;
	json_t *body = file ? json_file_load(file) : json_object();
	if (body == NULL)
		return NULL;
	if (!json_is_object(body)) {
		fprintf(stderr, "szfin green: %s must hold one JSON object\n", file);
		goto fail;
	}
	for (const struct field *f = fields; f && f->flag; f++) {
		const char *v = opt(a, f->flag);
		if (v == NULL)
			continue;
		char flag_name[80];
		snprintf(flag_name, sizeof flag_name, "--%s", f->flag);
		if (f->kind == FIELD_TEXT) {
			json_object_set_new(body, f->key, json_string(v));
		} else if (f->kind == FIELD_INTEGER) {
			json_int_t n = 0;
			if (integer_parse(flag_name, v, &n))
				goto fail;
			json_object_set_new(body, f->key, json_integer(n));
		} else {
			json_object_set_new(body, f->key, json_loads(f->constant, JSON_DECODE_ANY, NULL));
		}
	}
	const char *id = opt(a, "id");
	if (id != NULL) {
		json_object_set_new(body, "id", json_string(id));
	} else if (json_object_get(body, "id") == NULL) {
		sz_id fresh;
		randombytes_buf(&fresh, sizeof fresh);
		fresh.hi &= 0x00ffffffffffffffull;
		fresh.lo |= 1;
		char text[SZ_ID_TEXT_SIZE];
		sz_id_format(fresh, text);
		json_object_set_new(body, "id", json_string(text));
	}
	return body;
fail:
	json_decref(body);
	return NULL;
}

/* The array body[key], created when absent; NULL if body[key] is another type. */
static json_t *body_array(json_t *body, const char *key)
{
	json_t *list = json_object_get(body, key);
	if (list == NULL) {
		list = json_array();
		json_object_set_new(body, key, list);
	}
	if (!json_is_array(list)) {
		fprintf(stderr, "szfin green: \"%s\" must be an array\n", key);
		return NULL;
	}
	return list;
}

/* ---- human output ------------------------------------------------------------------ */

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

static void render_factors_list(json_t *doc)
{
	static const struct column cols[] = {
		{ "VERSION", "version", 14 }, { "DIGEST", "digest", 18 }, { "ROWS", "rows", 6 },
		{ "ACTIVE", "active", 8 }, { "ACTIVATED_AT_NS", "activated_at_ns", 0 },
	};
	TABLE(json_object_get(doc, "loaded"), cols, "");
	kv(doc, "default factor set", "default", NULL);
}

static void render_factor_set(json_t *doc)
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

static void render_activation(json_t *doc)
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

static void render_account(json_t *doc)
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

static void render_restate(json_t *doc)
{
	kv(doc, "enterprise", "enterprise_id", NULL);
	kv(doc, "period", "period", NULL);
	render_restatement_figures(doc, "");
}

static void render_restatements(json_t *doc)
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

static void render_certificate(json_t *doc)
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

static void render_policy(json_t *doc)
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

static void render_cerf(json_t *doc)
{
	kv(doc, "loan", "loan_id", NULL);
	render_cerf_fields(doc, "");
}

static void render_position(json_t *doc)
{
	kv(doc, "loan", "loan_id", NULL);
	render_position_fields(doc, "");
}

static void render_tag(json_t *doc)
{
	kv(doc, "instrument", "instrument_id", NULL);
	if (json_object_get(doc, "bank"))
		kv(doc, "bank", "bank", NULL);
	render_tag_fields(doc, "");
}

static void render_loan(json_t *doc)
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

static void render_book(json_t *doc)
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

static void render_taxonomy(json_t *doc)
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

/* ---- requests ----------------------------------------------------------------------- */

typedef void (*render_fn)(json_t *doc);

/* One request; body (owned, may be NULL) is sent as JSON. Returns the exit code. */
static int call(const struct client *c, const char *method, const char *path, json_t *body, render_fn render)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	struct client_answer answer;
	memset(&answer, 0, sizeof answer);
	int rc = client_request(c, method, path, text ? "application/json" : NULL, text, text ? strlen(text) : 0,
				&answer);
	free(text);
	if (rc != 0) {
		free(answer.body);
		return 3;
	}
	json_t *doc = NULL;
	bool ok = answer.status >= 200 && answer.status < 300;
	if (ok && !c->json && render != NULL && strstr(answer.content_type, "json") != NULL)
		doc = json_loadb(answer.body, answer.size, 0, NULL);
	if (doc != NULL && json_is_object(doc)) {
		render(doc);
		rc = 0;
	} else {
		rc = client_print(c, &answer);
	}
	json_decref(doc);
	free(answer.body);
	return rc;
}

/* A command that sends a body: 2 if it could not be built or options are left. */
static int call_with(const struct client *c, struct gargs *a, const char *command, const char *method,
		     const char *path, json_t *body, render_fn render)
{
	if (body == NULL)
		return 2;
	if (options_unused(a, command)) {
		json_decref(body);
		return 2;
	}
	return call(c, method, path, body, render);
}

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

static int factors_cmd(const struct client *c, struct gargs *a)
{
	const char *action = a->positional_count > 1 ? a->positional[1] : "list";
	char path[GREEN_CLI_PATH_SIZE], version[GREEN_CLI_PATH_SIZE / 4];
	if (strcmp(action, "list") == 0 && a->positional_count <= 2)
		return options_unused(a, "factors") ? 2 : call(c, "GET", "/v1/green/factors", NULL, render_factors_list);
	if (a->positional_count != 3)
		return usage("factors");
	segment(version, sizeof version, a->positional[2]);
	if (strcmp(action, "get") == 0) {
		snprintf(path, sizeof path, "/v1/green/factors/%s", version);
		return options_unused(a, "factors") ? 2 : call(c, "GET", path, NULL, render_factor_set);
	}
	if (strcmp(action, "activate") == 0) {
		static const struct field fields[] = { { "digest", "digest", FIELD_TEXT, NULL }, { NULL, NULL, 0, NULL } };
		snprintf(path, sizeof path, "/v1/green/factors/%s/activate", version);
		return call_with(c, a, "factors", "POST", path, body_build(a, NULL, fields), render_activation);
	}
	return usage("factors");
}

/* --fuel NAME:ACTIVITY[:TIER] lines. */
static int fuels_add(struct gargs *a, json_t *body)
{
	json_t *fuels = NULL;
	for (int i = 0; i < a->flag_count; i++) {
		if (strcmp(a->names[i], "fuel") != 0)
			continue;
		a->used[i] = true;
		if (fuels == NULL && (fuels = body_array(body, "fuels")) == NULL)
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
static int certificates_add(struct gargs *a, json_t *body)
{
	const char *green_mwh = opt(a, "green-mwh");
	json_t *certs = NULL;
	int bare = 0;
	for (int i = 0; i < a->flag_count; i++) {
		if (strcmp(a->names[i], "certificate") != 0)
			continue;
		a->used[i] = true;
		if (certs == NULL && (certs = body_array(body, "certificates")) == NULL)
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

static int account_submit(const struct client *c, struct gargs *a)
{
	static const struct field fields[] = {
		{ "enterprise", "enterprise_id", FIELD_TEXT, NULL },
		{ "period", "period", FIELD_INTEGER, NULL },
		{ "province", "province", FIELD_TEXT, NULL },
		{ "grid-series", "grid_series", FIELD_TEXT, NULL },
		{ "electricity-mwh", "electricity_mwh", FIELD_TEXT, NULL },
		{ "heat-gj", "heat_gj", FIELD_TEXT, NULL },
		{ "value-added", "value_added", FIELD_TEXT, NULL },
		{ "previous-tco2e", "previous_total_tco2e", FIELD_TEXT, NULL },
		{ "gwp", "gwp", FIELD_TEXT, NULL },
		{ "evidence", "evidence", FIELD_TEXT, NULL },
		{ "industry-intensity", "industry_intensity_tco2e_per_10k_yuan", FIELD_TEXT, NULL },
		{ "factor-version", "factor_version", FIELD_TEXT, NULL },
		{ "factor-digest", "factor_digest", FIELD_TEXT, NULL },
		{ NULL, NULL, 0, NULL },
	};
	if (a->positional_count > 3 || (a->positional_count == 3 && opt(a, "file") != NULL))
		return usage("account");
	json_t *body = body_build(a, a->positional_count == 3 ? a->positional[2] : NULL, fields);
	if (body != NULL && (fuels_add(a, body) || certificates_add(a, body))) {
		json_decref(body);
		return 2;
	}
	return call_with(c, a, "account", "POST", "/v1/green/accounts", body, render_account);
}

/* account esg: --peers FILE (an array, or an object with "peers") and the levels. */
static int account_esg(const struct client *c, struct gargs *a, const char *path)
{
	static const struct field fields[] = { { "subject", "subject", FIELD_INTEGER, NULL }, { NULL, NULL, 0, NULL } };
	json_t *body = body_build(a, NULL, fields);
	if (body == NULL)
		return 2;
	const char *peers_file = opt(a, "peers");
	if (peers_file != NULL) {
		json_t *peers = json_file_load(peers_file);
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
		const char *v = opt(a, levels[i]);
		json_int_t n = 0;
		char flag_name[32];
		snprintf(flag_name, sizeof flag_name, "--%s", levels[i]);
		if (v == NULL)
			continue;
		json_t *contro = json_object_get(body, "controversies");
		if (integer_parse(flag_name, v, &n) || (contro != NULL && !json_is_object(contro))) {
			json_decref(body);
			return 2;
		}
		if (contro == NULL) {
			contro = json_object();
			json_object_set_new(body, "controversies", contro);
		}
		json_object_set_new(contro, levels[i], json_integer(n));
	}
	return call_with(c, a, "account", "POST", path, body, render_account);
}

static int account_cmd(const struct client *c, struct gargs *a)
{
	if (a->positional_count < 2)
		return usage("account");
	const char *action = a->positional[1];
	if (strcmp(action, "submit") == 0)
		return account_submit(c, a);
	if (a->positional_count != 4)
		return usage("account");
	char path[GREEN_CLI_PATH_SIZE], enterprise[GREEN_CLI_PATH_SIZE / 4], period[GREEN_CLI_PATH_SIZE / 4];
	segment(enterprise, sizeof enterprise, a->positional[2]);
	segment(period, sizeof period, a->positional[3]);
	int n = snprintf(path, sizeof path, "/v1/green/accounts/%s/%s", enterprise, period);
	if (strcmp(action, "get") == 0)
		return options_unused(a, "account") ? 2 : call(c, "GET", path, NULL, render_account);
	if (strcmp(action, "restatements") == 0) {
		snprintf(path + n, sizeof path - (size_t)n, "/restatements");
		return options_unused(a, "account") ? 2 : call(c, "GET", path, NULL, render_restatements);
	}
	if (strcmp(action, "restate") == 0) {
		static const struct field fields[] = {
			{ "factor-version", "factor_version", FIELD_TEXT, NULL },
			{ "factor-digest", "factor_digest", FIELD_TEXT, NULL },
			{ NULL, NULL, 0, NULL },
		};
		snprintf(path + n, sizeof path - (size_t)n, "/restate");
		return call_with(c, a, "account", "POST", path, body_build(a, NULL, fields), render_restate);
	}
	if (strcmp(action, "esg") == 0) {
		snprintf(path + n, sizeof path - (size_t)n, "/esg");
		return account_esg(c, a, path);
	}
	return usage("account");
}

static int certificate_cmd(const struct client *c, struct gargs *a)
{
	if (a->positional_count != 3 || strcmp(a->positional[1], "get") != 0)
		return usage("certificate");
	char path[GREEN_CLI_PATH_SIZE], serial[GREEN_CLI_PATH_SIZE / 2];
	segment(serial, sizeof serial, a->positional[2]);
	snprintf(path, sizeof path, "/v1/green/certificates/%s", serial);
	return options_unused(a, "certificate") ? 2 : call(c, "GET", path, NULL, render_certificate);
}

/* policy set|get; `pricing policy ...` is the same with one more word. */
static int policy_cmd(const struct client *c, struct gargs *a)
{
	int first = strcmp(a->positional[0], "pricing") == 0 ? 1 : 0;
	if (first && (a->positional_count < 2 || strcmp(a->positional[1], "policy") != 0))
		return usage("policy");
	const char *action = a->positional_count > first + 1 ? a->positional[first + 1] : "";
	if (strcmp(action, "set") == 0 && a->positional_count == first + 2) {
		static const struct field fields[] = {
			{ "base-score", "base_score", FIELD_INTEGER, NULL },
			{ "discount-per-point-bp", "discount_per_point_bp", FIELD_TEXT, NULL },
			{ "cap-bp", "cap_bp", FIELD_TEXT, NULL },
			{ "partial-share-percent", "partial_share_percent", FIELD_TEXT, NULL },
			{ NULL, NULL, 0, NULL },
		};
		return call_with(c, a, "policy", "POST", "/v1/green/pricing/policies", body_build(a, NULL, fields),
				 render_policy);
	}
	if (strcmp(action, "get") == 0 && a->positional_count == first + 3) {
		char path[GREEN_CLI_PATH_SIZE], bank[GREEN_CLI_PATH_SIZE / 4];
		segment(bank, sizeof bank, a->positional[first + 2]);
		snprintf(path, sizeof path, "/v1/green/pricing/policies/%s", bank);
		return options_unused(a, "policy") ? 2 : call(c, "GET", path, NULL, render_policy);
	}
	return usage("policy");
}

static int loan_cmd(const struct client *c, struct gargs *a)
{
	if (a->positional_count != 3)
		return usage("loan");
	const char *action = a->positional[1];
	char path[GREEN_CLI_PATH_SIZE], loan[GREEN_CLI_PATH_SIZE / 4];
	segment(loan, sizeof loan, a->positional[2]);
	int n = snprintf(path, sizeof path, "/v1/green/loans/%s", loan);
	if (strcmp(action, "get") == 0)
		return options_unused(a, "loan") ? 2 : call(c, "GET", path, NULL, render_loan);
	if (strcmp(action, "price") == 0) {
		static const struct field fields[] = {
			{ "enterprise", "enterprise_id", FIELD_TEXT, NULL },
			{ "period", "period", FIELD_INTEGER, NULL },
			{ "base-rate-percent", "base_rate_percent", FIELD_TEXT, NULL },
			{ "score", "score", FIELD_INTEGER, NULL },
			{ "score-from-esg", "score_source", FIELD_CONSTANT, "\"esg\"" },
			{ "data-quality", "data_quality", FIELD_INTEGER, NULL },
			{ NULL, NULL, 0, NULL },
		};
		snprintf(path + n, sizeof path - (size_t)n, "/price");
		return call_with(c, a, "loan", "POST", path, body_build(a, NULL, fields), render_loan);
	}
	if (strcmp(action, "cerf") == 0) {
		static const struct field fields[] = {
			{ "principal", "principal", FIELD_TEXT, NULL },
			{ "project-investment", "project_investment", FIELD_TEXT, NULL },
			{ "project-reduction-tco2e", "project_reduction_tco2e", FIELD_TEXT, NULL },
			{ "area", "area", FIELD_TEXT, NULL },
			{ "term-days", "term_days", FIELD_INTEGER, NULL },
			{ "lender-not-eligible", "lender_eligible", FIELD_CONSTANT, "false" },
			{ "share-percent", "share_percent", FIELD_TEXT, NULL },
			{ "rate-percent", "rate_percent", FIELD_TEXT, NULL },
			{ "day-basis", "day_basis", FIELD_INTEGER, NULL },
			{ NULL, NULL, 0, NULL },
		};
		snprintf(path + n, sizeof path - (size_t)n, "/cerf");
		return call_with(c, a, "loan", "POST", path, body_build(a, NULL, fields), render_cerf);
	}
	return usage("loan");
}

static int position_cmd(const struct client *c, struct gargs *a)
{
	static const struct field fields[] = {
		{ "loan", "loan_id", FIELD_TEXT, NULL },
		{ "enterprise", "enterprise_id", FIELD_TEXT, NULL },
		{ "period", "period", FIELD_INTEGER, NULL },
		{ "outstanding", "outstanding", FIELD_TEXT, NULL },
		{ "equity", "equity", FIELD_TEXT, NULL },
		{ "debt", "debt", FIELD_TEXT, NULL },
		{ "cash", "cash", FIELD_TEXT, NULL },
		{ "company", "company", FIELD_TEXT, NULL },
		{ "emissions-tco2e", "emissions_tco2e", FIELD_TEXT, NULL },
		{ "data-quality", "data_quality", FIELD_INTEGER, NULL },
		{ NULL, NULL, 0, NULL },
	};
	if (a->positional_count != 2 || strcmp(a->positional[1], "add") != 0)
		return usage("position");
	return call_with(c, a, "position", "POST", "/v1/green/positions", body_build(a, NULL, fields), render_position);
}

static int book_cmd(const struct client *c, struct gargs *a)
{
	/* book BANK, or book get BANK */
	int at_bank = a->positional_count == 3 && strcmp(a->positional[1], "get") == 0 ? 2 : 1;
	if (a->positional_count != at_bank + 1)
		return usage("book");
	char path[GREEN_CLI_PATH_SIZE], bank[GREEN_CLI_PATH_SIZE / 4];
	segment(bank, sizeof bank, a->positional[at_bank]);
	snprintf(path, sizeof path, "/v1/green/books/%s/financed-emissions", bank);
	return options_unused(a, "book") ? 2 : call(c, "GET", path, NULL, render_book);
}

static int tag_cmd(const struct client *c, struct gargs *a)
{
	if (a->positional_count == 2 && strcmp(a->positional[1], "add") == 0) {
		static const struct field fields[] = {
			{ "instrument", "instrument_id", FIELD_TEXT, NULL },
			{ "kind", "kind", FIELD_TEXT, NULL },
			{ "edition", "edition", FIELD_INTEGER, NULL },
			{ "code", "code", FIELD_TEXT, NULL },
			{ NULL, NULL, 0, NULL },
		};
		return call_with(c, a, "tag", "POST", "/v1/green/tags", body_build(a, NULL, fields), render_tag);
	}
	if (a->positional_count == 3 && strcmp(a->positional[1], "get") == 0) {
		char path[GREEN_CLI_PATH_SIZE], id[GREEN_CLI_PATH_SIZE / 4];
		segment(id, sizeof id, a->positional[2]);
		snprintf(path, sizeof path, "/v1/green/tags/%s", id);
		return options_unused(a, "tag") ? 2 : call(c, "GET", path, NULL, render_tag);
	}
	return usage("tag");
}

static int taxonomy_cmd(const struct client *c, struct gargs *a)
{
	if (a->positional_count != 1)
		return usage("taxonomy");
	return options_unused(a, "taxonomy") ? 2 : call(c, "GET", "/v1/green/taxonomy", NULL, render_taxonomy);
}

int green_main_cli(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "szfin: libsodium failed to initialise\n");
		return 1;
	}
	struct client c;
	argc = client_init(&c, argc - 1, argv + 1);
	if (argc < 0)
		return 2;
	struct gargs a;
	if (gargs_parse(&a, argc, argv + 1))
		return 2;
	bool asked = opt(&a, "help") != NULL;
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
		int (*run)(const struct client *, struct gargs *);
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
