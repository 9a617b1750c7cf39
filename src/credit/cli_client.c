/*
 * credit_client.c — the HTTP client subcommands of `szfin credit`: the
 * registry, reports and scores, the query log, warnings, objections and
 * model registration, over the server's /v1/credit routes with the shared
 * client (src/cli/client.h: --url, SZFIN_TOKEN / --token-file, --json).
 *
 * Command ids: --id ID when given, else a fresh random id (a retry with the
 * same --id is idempotent). Model chunks get ids derived from the version,
 * the artifact's SHA-256 and the chunk index, so re-running `model register`
 * after a failure resumes where the server stopped (the same chunk answers
 * 200). Only linked into the szfin binary (the caller is credit_cli.c).
 */
#include "credit/cli.h"

#include "api/codec.h"
#include "cli/args.h"
#include "cli/client.h"
#include "credit/domain.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char client_usage[] =
	"client commands (server at --url or SZFIN_URL; token from --token-file, SZFIN_TOKEN or SZFIN_TOKEN_FILE):\n"
	"  szfin credit enterprise get CODE\n"
	"  szfin credit report CODE --purpose PURPOSE [--id ID]\n"
	"  szfin credit decide CODE --purpose PURPOSE [--product scorecard|tech] [--model VERSION] [--id ID]\n"
	"  szfin credit queries [--tenant N] [--enterprise CODE] [--limit N] [--cursor C]\n"
	"                          the query log across enterprises, newest first (a bank: its own)\n"
	"  szfin credit queries CODE [--limit N] [--cursor C]   who queried one enterprise\n"
	"  szfin credit warnings [--enterprise CODE]\n"
	"  szfin credit objections [--state open|overdue|all]\n"
	"  szfin credit models\n"
	"  szfin credit monitor [--model VERSION]   score PSI and CSI of the decisions by month\n"
	"  szfin credit outcome DECISION_ID good|bad [--id ID]   whether a decided loan performed\n"
	"  szfin credit challenger [--model VERSION]   champion scorecard against its boosted\n"
	"                          challenger on the decisions with outcomes (AUC, KS, approval)\n"
	"  szfin credit model register VERSION MODEL_FILE\n"
	"  szfin credit model activate VERSION MODEL_FILE\n"
	"PURPOSE: loan_approval, post_loan, guarantee, supply_chain\n";

static void id_text(const char *given, char out[SZ_ID_TEXT_SIZE])
{
	if (given != NULL) {
		snprintf(out, SZ_ID_TEXT_SIZE, "%s", given);
		return;
	}
	sz_id id;
	randombytes_buf(&id, sizeof id);
	id.hi &= 0x00ffffffffffffffull;
	id.lo |= 1;
	sz_id_format(id, out);
}

static int send(const struct client *c, const char *method, const char *path, json_t *body)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	struct client_answer answer;
	int rc = client_request(c, method, path, text ? "application/json" : NULL, text, text ? strlen(text) : 0, &answer);
	free(text);
	if (rc != 0) {
		free(answer.body);
		return 1;
	}
	rc = client_print(c, &answer);
	free(answer.body);
	return rc;
}

static int read_file(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "szfin credit: cannot open %s\n", path);
		return 1;
	}
	*data = malloc(CREDIT_MODEL_SIZE_MAX + 1);
	*size = *data ? fread(*data, 1, CREDIT_MODEL_SIZE_MAX + 1, f) : 0;
	fclose(f);
	if (*data == NULL || *size == 0 || *size > CREDIT_MODEL_SIZE_MAX) {
		fprintf(stderr, "szfin credit: %s must hold 1 to %u bytes\n", path, CREDIT_MODEL_SIZE_MAX);
		free(*data);
		return 1;
	}
	return 0;
}

static int model_command(const struct client *c, const char *verb, const char *version, const char *file)
{
	uint8_t *data = NULL;
	size_t size = 0;
	if (read_file(file, &data, &size))
		return 1;
	uint8_t sha[32];
	char sha_hex[65], path[160];
	crypto_hash_sha256(sha, data, size);
	sodium_bin2hex(sha_hex, sizeof sha_hex, sha, sizeof sha);
	int rc = 0;
	if (strcmp(verb, "activate") == 0) {
		char id[SZ_ID_TEXT_SIZE];
		id_text(NULL, id);
		snprintf(path, sizeof path, "/v1/credit/models/%s/activate", version);
		rc = send(c, "POST", path, json_pack("{s:s, s:s}", "id", id, "sha256", sha_hex));
		free(data);
		return rc;
	}
	uint32_t count = (uint32_t)((size + CREDIT_MODEL_CHUNK_SIZE - 1) / CREDIT_MODEL_CHUNK_SIZE);
	snprintf(path, sizeof path, "/v1/credit/models/%s/chunks", version);
	for (uint32_t i = 0; i < count && rc == 0; i++) {
		size_t n = i + 1 < count ? CREDIT_MODEL_CHUNK_SIZE : size - (size_t)i * CREDIT_MODEL_CHUNK_SIZE;
		char b64[sodium_base64_ENCODED_LEN(CREDIT_MODEL_CHUNK_SIZE, sodium_base64_VARIANT_ORIGINAL)];
		sodium_bin2base64(b64, sizeof b64, data + (size_t)i * CREDIT_MODEL_CHUNK_SIZE, n,
				  sodium_base64_VARIANT_ORIGINAL);
		uint8_t seed[64];
		crypto_generichash_state h;
		crypto_generichash_init(&h, NULL, 0, 16);
		crypto_generichash_update(&h, (const uint8_t *)version, strlen(version));
		crypto_generichash_update(&h, sha, sizeof sha);
		crypto_generichash_update(&h, (const uint8_t *)&i, sizeof i);
		crypto_generichash_final(&h, seed, 16);
		sz_id cid;
		memcpy(&cid, seed, sizeof cid);
		cid.hi &= 0x00ffffffffffffffull;
		cid.lo |= 1;
		char id[SZ_ID_TEXT_SIZE];
		sz_id_format(cid, id);
		json_t *body = json_pack("{s:s, s:i, s:i, s:i, s:s, s:s}", "id", id, "index", (int)i, "count", (int)count,
					 "total_size", (int)size, "sha256", sha_hex, "data", b64);
		struct client quiet = *c;
		if (i + 1 < count) { /* print only the last answer */
			char *text = json_dumps(body, JSON_COMPACT);
			json_decref(body);
			struct client_answer answer;
			rc = client_request(&quiet, "POST", path, "application/json", text, strlen(text), &answer);
			free(text);
			if (rc == 0 && (answer.status < 200 || answer.status > 299))
				rc = client_print(c, &answer);
			free(answer.body);
		} else {
			rc = send(c, "POST", path, body);
		}
	}
	free(data);
	return rc;
}

/* The query log as a table for people: the time in RFC 3339 (UTC), who
 * asked, why and what; then the cursor of the next page, if any. */
static void queries_print(json_t *rows, json_t *next)
{
	printf("%-31s %-18s %-11s %-13s %-14s %s\n", "time", "enterprise", "institution", "purpose", "kind", "id");
	size_t i;
	json_t *q;
	json_array_foreach(rows, i, q) {
		const char *f[6] = { "at", "enterprise", "institution", "purpose", "kind", "id" };
		for (size_t k = 0; k < 6; k++) {
			const char *v = json_string_value(json_object_get(q, f[k]));
			f[k] = v ? v : "-";
		}
		printf("%-31s %-18s %-11s %-13s %-14s %s\n", f[0], f[1], f[2], f[3], f[4], f[5]);
	}
	if (json_array_size(rows) == 0)
		printf("(no queries)\n");
	if (json_is_string(next))
		printf("next page: --cursor %s\n", json_string_value(next));
}

/* `credit queries`: the cross-enterprise log, or one enterprise's (CODE). */
static int queries_command(const struct client *c, const struct cli_args *a)
{
	static const char *const keys[] = { "tenant_id", "enterprise", "limit", "cursor", NULL };
	static const char *const names[] = { "tenant", "enterprise", "limit", "cursor", NULL };
	char path[512];
	if (a->positional_count == 1)
		snprintf(path, sizeof path, "/v1/credit/enterprises/%s/queries", a->positional[0]);
	else
		snprintf(path, sizeof path, "/v1/credit/queries");
	client_query_append(path, sizeof path, a, a->positional_count == 1 ? keys + 2 : keys,
		     a->positional_count == 1 ? names + 2 : names);
	struct client_answer answer;
	if (client_request(c, "GET", path, NULL, NULL, 0, &answer) != 0) {
		free(answer.body);
		return 1;
	}
	json_t *doc = c->json || answer.status != 200 ? NULL : json_loadb(answer.body, answer.size, 0, NULL);
	json_t *rows = json_object_get(doc, "queries");
	int rc = json_is_array(rows) ? 0 : client_print(c, &answer);
	if (json_is_array(rows))
		queries_print(rows, json_object_get(doc, "next_cursor"));
	json_decref(doc);
	free(answer.body);
	return rc;
}

static const struct cli_option client_options[] = {
	{ "purpose", true, "PURPOSE", "report, decide: loan_approval, post_loan, guarantee or supply_chain" },
	{ "id", true, "ID", "the command id (default a fresh one; the same id again is idempotent)" },
	{ "product", true, "scorecard|tech", "decide: the product scored" },
	{ "model", true, "VERSION", "decide, monitor, challenger: the model (default the active one)" },
	{ "enterprise", true, "CODE", "warnings, queries: only this enterprise's" },
	{ "tenant", true, "N", "queries: only this tenant's (a bank sees only its own)" },
	{ "limit", true, "N", "queries: at most N rows (default 100)" },
	{ "cursor", true, "C", "queries: continue from the next_cursor a previous page returned" },
	{ "state", true, "open|overdue|all", "objections: which (default open)" },
};

static const struct cli_spec client_spec = CLI_SPEC(
	"credit enterprise get CODE | report CODE --purpose P | decide CODE --purpose P [--product X]\n"
	"       | queries [CODE] [--limit N] [--cursor C] | warnings | objections | models | monitor | challenger\n"
	"       | outcome DECISION_ID good|bad | model register|activate VERSION MODEL_FILE",
	client_usage, client_options, true);

/* The command's words after its name, by count (argc of the old form - 2). */
static bool words_are(const struct cli_args *a, uint32_t count) { return a->positional_count == count; }

/* Over 70 lines: one flat branch per client command of the usage text. */
int credit_client_main(int argc, char **argv)
{
	static const char *const commands[] = { "enterprise", "report", "decide", "queries", "warnings",
						"objections", "models", "model", "monitor", "outcome", "challenger", NULL };
	bool ours = false;
	for (const char *const *k = commands; *k && argc >= 2; k++)
		ours |= strcmp(argv[1], *k) == 0;
	if (!ours)
		return -1;
	const char *cmd = argv[1];
	char name[64];
	snprintf(name, sizeof name, "credit %s", cmd);
	argv[1] = name; /* argv[0] of the parse names the command in its messages */
	struct cli_args a;
	int status = cli_args_parse(&client_spec, argc - 1, argv + 1, &a);
	argv[1] = (char *)cmd;
	if (status != CLI_ARGS_OK)
		return cli_args_exit(status);
	struct client c;
	if (client_init_args(&c, &a) != 0)
		return 2;
	const char *const *w = a.positional;
	char path[256], id[SZ_ID_TEXT_SIZE];
	if (strcmp(cmd, "enterprise") == 0 && words_are(&a, 2) && strcmp(w[0], "get") == 0) {
		snprintf(path, sizeof path, "/v1/credit/enterprises/%s", w[1]);
		return send(&c, "GET", path, NULL);
	}
	if ((strcmp(cmd, "report") == 0 || strcmp(cmd, "decide") == 0) && words_are(&a, 1)) {
		const char *purpose = cli_args_get(&a, "purpose");
		if (purpose == NULL) {
			fprintf(stderr, "szfin credit %s: --purpose is required\n\n%s", cmd, client_usage);
			return 2;
		}
		id_text(cli_args_get(&a, "id"), id);
		json_t *body = json_pack("{s:s, s:s}", "id", id, "purpose", purpose);
		bool decide = strcmp(cmd, "decide") == 0;
		if (decide) {
			const char *product = cli_args_get(&a, "product");
			const char *model = cli_args_get(&a, "model");
			if (product)
				json_object_set_new(body, "product", json_string(product));
			if (model)
				json_object_set_new(body, "model_version", json_string(model));
		}
		snprintf(path, sizeof path, "/v1/credit/enterprises/%s/%s", w[0], decide ? "score" : "report");
		return send(&c, "POST", path, body);
	}
	if (strcmp(cmd, "queries") == 0 && (words_are(&a, 0) || words_are(&a, 1)))
		return queries_command(&c, &a);
	const char *model = cli_args_get(&a, "model");
	if (strcmp(cmd, "warnings") == 0 && words_are(&a, 0)) {
		const char *e = cli_args_get(&a, "enterprise");
		snprintf(path, sizeof path, "/v1/credit/warnings%s%s", e ? "?enterprise=" : "", e ? e : "");
		return send(&c, "GET", path, NULL);
	}
	if (strcmp(cmd, "objections") == 0 && words_are(&a, 0)) {
		const char *state = cli_args_get(&a, "state");
		snprintf(path, sizeof path, "/v1/credit/objections?state=%s", state ? state : "open");
		return send(&c, "GET", path, NULL);
	}
	if (strcmp(cmd, "models") == 0 && words_are(&a, 0))
		return send(&c, "GET", "/v1/credit/models", NULL);
	if ((strcmp(cmd, "monitor") == 0 || strcmp(cmd, "challenger") == 0) && words_are(&a, 0)) {
		snprintf(path, sizeof path, "/v1/credit/%s%s%s", strcmp(cmd, "monitor") == 0 ? "monitoring" : "challenger",
			 model ? "?model=" : "", model ? model : "");
		return send(&c, "GET", path, NULL);
	}
	if (strcmp(cmd, "outcome") == 0 && words_are(&a, 2) && (strcmp(w[1], "good") == 0 || strcmp(w[1], "bad") == 0)) {
		id_text(cli_args_get(&a, "id"), id);
		snprintf(path, sizeof path, "/v1/credit/decisions/%s/outcome", w[0]);
		return send(&c, "POST", path, json_pack("{s:s, s:s}", "id", id, "outcome", w[1]));
	}
	if (strcmp(cmd, "model") == 0 && words_are(&a, 3) && (strcmp(w[0], "register") == 0 || strcmp(w[0], "activate") == 0))
		return model_command(&c, w[0], w[1], w[2]);
	fprintf(stderr, "szfin credit: bad arguments for '%s'\n\n%s", cmd, client_usage);
	return 2;
}
