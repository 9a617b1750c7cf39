/*
 * fuzz_credit_json.c — libFuzzer harness for the credit routes' request
 * schemas and mappings (src/credit/http.h): the one request codec decodes
 * the body by the route's schema, then the route's mapping checks what the
 * codec has no type for (months, USCC check characters, ID numbers, phones,
 * SHA-256 hex, base64 chunks) and builds the command.
 *
 * Input: one selector byte (which request, see `targets` below), then the
 * request body. The body goes through what api_body_json does (depth
 * pre-scan, json_loadb with JSON_REJECT_DUPLICATES, an object only), the
 * codec (api_schema_decode, as the router does) and the mapping. What a route takes from the path, the principal or the
 * state comes from a prepared state: one enterprise (FUZZ_USCC), an
 * authorization of tenant 7 for every purpose, a tax feed with an open
 * objection, and model version "fuzz-1".
 * Properties: no crash or sanitizer report; a failed decode or mapping
 * names a problem code that api_problem knows (or a USCC result, answered
 * as its own 400);
 * a decoded body, applied through sz_state_apply_batch, gets a registered
 * result code, and the state's invariants hold.
 * Seed corpus: fuzz/corpus/fuzz_credit_json/ (replayed by make test).
 */
#include "api/api.h"
#include "core/assert.h"
#include "core/hash.h"
#include "core/limits.h"
#include "core/results.h"
#include "credit/domain_internal.h"
#include "credit/http.h"
#include "credit/uscc.h"
#include "engine/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_USCC "91440301MA5F0000X"  /* 17 characters; the check is added */
#define FUZZ_TENANT 7u
#define FUZZ_AUTHORIZATION sz_id_make(0xa1, 1)
#define FUZZ_TAX_RECORD sz_id_make(0xa1, 2)
#define FUZZ_OBJECTION sz_id_make(0xa1, 3)
#define FUZZ_TOKEN sz_id_make(0xa1, 4)
#define FUZZ_VERSION "fuzz-1"
#define START_NS 1718416800000000000ull /* 2024-06-15 10:00 UTC+8 */
#define JSON_DEPTH_MAX 32u

enum target {
	T_REGISTER, T_UPDATE, T_TAX, T_HEADCOUNT, T_CASHFLOW, T_IP, T_INNOVATION, T_NEGATIVE, T_FEED_UNKNOWN,
	T_CASHFLOW_REQUEST, T_AUTHORIZE, T_REVOKE, T_REPORT, T_SCORE, T_OBJECTION, T_RESOLVE, T_CHUNK, T_ACTIVATE,
	T_WATCH, T_COUNT
};

static struct sz_state state;
static uint64_t sequence, time_ns;
static char uscc[CREDIT_USCC_FIELD_SIZE];
static const uint8_t secret[32] = "szfin fuzz credit server secret";

static uint32_t apply1(uint16_t kind, const void *body, uint32_t size)
{
	static uint64_t buf[(SZ_COMMAND_SIZE_MAX + 8) / 8];
	uint32_t result = UINT32_MAX;
	SZ_ASSERT(size + sizeof(sz_command_header) <= sizeof buf);
	sz_command_header h = { .size = (uint32_t)sizeof h + size, .kind = kind };
	memcpy(buf, &h, sizeof h);
	memcpy((uint8_t *)buf + sizeof h, body, size);
	time_ns += 1000000;
	sz_state_apply_batch(&state, ++sequence, time_ns, (const uint8_t *)buf, h.size, 1, 0, &result);
	time_ns = state.batch_time_ns;
	SZ_ASSERT(strcmp(sz_result_name(result), "unknown") != 0);
	return result;
}

/* Empty credit state, batch 0 (creating a state costs ~65 ms under ASan). */
static void reset(void)
{
	struct credit_domain_state *c = (struct credit_domain_state *)credit_state_get(&state);
	SZ_ASSERT(c != NULL);
#define CLEAR(array, count) \
	memset(c->array, 0, sizeof c->array[0] * (size_t)c->count); \
	c->count = 0;
	CLEAR(enterprises, enterprise_count)
	CLEAR(ips, ip_count)
	CLEAR(negatives, negative_count)
	CLEAR(authorizations, authorization_count)
	CLEAR(queries, query_count)
	CLEAR(decisions, decision_count)
	CLEAR(objections, objection_count)
	CLEAR(warnings, warning_count)
	CLEAR(purges, purge_count)
	CLEAR(watches, watch_count)
	CLEAR(ops, op_count)
#undef CLEAR
	for (uint32_t i = 0; i < c->model_count; i++)
		credit_model_release(&c->models[i]);
	c->model_count = 0;
	struct ledger_index *indexes[] = { &c->enterprise_index, &c->ip_index, &c->op_index };
	for (uint32_t i = 0; i < 3; i++) {
		ledger_index_release(indexes[i]);
		SZ_ASSERT(ledger_index_init(indexes[i], 0) == 0);
	}
	c->next_purge_ns = UINT64_MAX;
	c->next_due_ns = UINT64_MAX;
	state.sequence = sequence = 0;
	state.batch_time_ns = 0;
	time_ns = START_NS;
}

/* The records the requests refer to. */
static void prepare(void)
{
	reset();
	struct credit_enterprise_cmd e;
	memset(&e, 0, sizeof e);
	e.id = sz_id_make(0xa0, 1);
	memcpy(e.uscc, uscc, sizeof e.uscc);
	strcpy(e.name, "Fuzz Tech");
	strcpy(e.industry, "I65");
	e.founded_day = credit_day_from_civil(2015, 6, 1);
	SZ_ASSERT(apply1(CREDIT_CMD_ENTERPRISE_REGISTER, &e, sizeof e) == SZ_R_OK);
	for (uint16_t p = 1; p <= CREDIT_PURPOSE_MAX; p++) {
		struct credit_authorize_cmd a;
		memset(&a, 0, sizeof a);
		a.id = p == 1 ? FUZZ_AUTHORIZATION : sz_id_make(0xa0, 10 + p);
		memcpy(a.uscc, uscc, sizeof a.uscc);
		a.tenant_id = FUZZ_TENANT;
		a.token_id = FUZZ_TOKEN;
		a.expires_ns = START_NS + 365ull * 86400 * 1000000000ull;
		a.purpose = p;
		SZ_ASSERT(apply1(CREDIT_CMD_AUTHORIZE, &a, sizeof a) == SZ_R_OK);
	}
	struct credit_tax_cmd t;
	memset(&t, 0, sizeof t);
	t.head.id = FUZZ_TAX_RECORD;
	memcpy(t.head.uscc, uscc, sizeof t.head.uscc);
	strcpy(t.head.source, "tax");
	t.head.as_of_day = credit_day_of_ns(START_NS) - 1;
	t.head.count = 1;
	t.months[0].month = credit_month_of_ns(START_NS) - 1;
	t.months[0].value = 100000;
	SZ_ASSERT(apply1(CREDIT_CMD_FEED_TAX, &t, sizeof t) == SZ_R_OK);
	struct credit_objection_cmd o;
	memset(&o, 0, sizeof o);
	o.id = FUZZ_OBJECTION;
	memcpy(o.uscc, uscc, sizeof o.uscc);
	o.record_id = FUZZ_TAX_RECORD;
	strcpy(o.reason, "wrong");
	SZ_ASSERT(apply1(CREDIT_CMD_OBJECTION_FILE, &o, sizeof o) == SZ_R_OK);
}

static void setup(void)
{
	SZ_ASSERT(sz_hash_init() == 0);
	SZ_ASSERT(sz_state_init(&state) == 0);
	SZ_ASSERT(sz_state_register_domains(&state) == 0);
	memset(uscc, 0, sizeof uscc);
	memcpy(uscc, FUZZ_USCC, 17);
	SZ_ASSERT(credit_uscc_check_character(uscc, &uscc[17]) == 0);
}

/* The route schema of target t (T_FEED_UNKNOWN: none, the router's 404). */
static const struct api_schema *schema_of(enum target t)
{
	switch (t) {
	case T_REGISTER: return &credit_register_schema;
	case T_UPDATE: return &credit_update_schema;
	case T_TAX: case T_HEADCOUNT: case T_CASHFLOW: case T_IP: case T_INNOVATION: case T_NEGATIVE:
		return credit_feed_schemas[t - T_TAX];
	case T_FEED_UNKNOWN: return NULL;
	case T_CASHFLOW_REQUEST: return &credit_cashflow_request_schema;
	case T_AUTHORIZE: return &credit_authorize_schema;
	case T_REVOKE: case T_WATCH: return &credit_id_schema;
	case T_REPORT: return &credit_report_schema;
	case T_SCORE: return &credit_score_schema;
	case T_OBJECTION: return &credit_objection_schema;
	case T_RESOLVE: return &credit_resolve_schema;
	case T_CHUNK: return &credit_model_chunk_schema;
	case T_ACTIVATE: return &credit_model_activate_schema;
	case T_COUNT: break;
	}
	SZ_UNREACHABLE();
}

/* Map the decoded body in for target t as its handler does; on success
 * *kind, body and *size hold the command. Over 70 lines: one case per
 * route, each the handler's few lines. */
static bool map(enum target t, void *in, struct credit_dec *d, uint16_t *kind, void *body, uint32_t *size)
{
	switch (t) {
	case T_REGISTER:
	case T_UPDATE:
		*kind = t == T_REGISTER ? CREDIT_CMD_ENTERPRISE_REGISTER : CREDIT_CMD_ENTERPRISE_UPDATE;
		*size = sizeof(struct credit_enterprise_cmd);
		return credit_map_enterprise(d, in, t == T_REGISTER ? NULL : uscc, secret, body);
	case T_TAX: case T_HEADCOUNT: case T_CASHFLOW: case T_IP: case T_INNOVATION: case T_NEGATIVE:
		return credit_map_feed(d, (uint32_t)(t - T_TAX), in, uscc, kind, body, size);
	case T_CASHFLOW_REQUEST: {
		struct credit_cashflow_cmd *c = body;
		memset(c, 0, sizeof *c);
		int32_t from = 0, to = 0;
		uint32_t currency = 0;
		if (!credit_map_cashflow_request(d, in, &from, &to, &currency))
			return false;
		SZ_ASSERT(from <= to && to - from < (int32_t)CREDIT_FEED_MONTH_COUNT_MAX);
		SZ_ASSERT(currency != 0);
		c->head.id = ((const struct credit_cashflow_request_in *)in)->id;
		memcpy(c->head.uscc, uscc, sizeof c->head.uscc);
		strcpy(c->head.source, "ledger");
		c->head.as_of_day = credit_day_of_ns(time_ns);
		c->head.count = (uint32_t)(to - from + 1);
		for (int32_t m = from; m <= to; m++)
			c->months[m - from].month = m;
		*kind = CREDIT_CMD_FEED_CASHFLOW;
		*size = sizeof *c;
		return true;
	}
	case T_AUTHORIZE:
		*kind = CREDIT_CMD_AUTHORIZE;
		*size = sizeof(struct credit_authorize_cmd);
		credit_map_authorize(in, uscc, FUZZ_TOKEN, body);
		return true;
	case T_REVOKE: {
		struct credit_revoke_cmd *c = body;
		memset(c, 0, sizeof *c);
		c->id = ((const struct credit_id_in *)in)->id;
		c->authorization_id = FUZZ_AUTHORIZATION;
		memcpy(c->uscc, uscc, sizeof c->uscc);
		*kind = CREDIT_CMD_AUTHORIZATION_REVOKE;
		*size = sizeof *c;
		return true;
	}
	case T_REPORT:
	case T_SCORE: {
		struct credit_query_cmd *c = body;
		credit_map_query(in, t == T_SCORE, c);
		memcpy(c->uscc, uscc, sizeof c->uscc);
		c->tenant_id = FUZZ_TENANT;
		c->user_token_id = FUZZ_TOKEN;
		*kind = CREDIT_CMD_QUERY;
		*size = sizeof *c;
		return true;
	}
	case T_OBJECTION: {
		const struct credit_objection_in *o = in;
		struct credit_objection_cmd *c = body;
		memset(c, 0, sizeof *c);
		c->id = o->id;
		c->record_id = o->record_id;
		memcpy(c->reason, o->reason, sizeof c->reason);
		memcpy(c->uscc, uscc, sizeof c->uscc);
		*kind = CREDIT_CMD_OBJECTION_FILE;
		*size = sizeof *c;
		return true;
	}
	case T_RESOLVE: {
		const struct credit_resolve_in *o = in;
		struct credit_resolve_cmd *c = body;
		memset(c, 0, sizeof *c);
		c->id = o->id;
		c->outcome = o->outcome;
		memcpy(c->reply, o->reply, sizeof c->reply);
		c->objection_id = FUZZ_OBJECTION;
		c->resolver_token_id = FUZZ_TOKEN;
		*kind = CREDIT_CMD_OBJECTION_RESOLVE;
		*size = sizeof *c;
		return true;
	}
	case T_CHUNK: {
		struct credit_model_chunk_cmd *c = body;
		memset(c, 0, sizeof *c);
		strcpy(c->version, FUZZ_VERSION);
		*kind = CREDIT_CMD_MODEL_CHUNK;
		*size = sizeof *c;
		return credit_map_model_chunk(d, in, c);
	}
	case T_ACTIVATE: {
		struct credit_model_activate_cmd *c = body;
		memset(c, 0, sizeof *c);
		strcpy(c->version, FUZZ_VERSION);
		*kind = CREDIT_CMD_MODEL_ACTIVATE;
		*size = sizeof *c;
		return credit_map_model_activate(d, in, c);
	}
	case T_WATCH: {
		struct credit_watch_cmd *c = body;
		memset(c, 0, sizeof *c);
		c->id = ((const struct credit_id_in *)in)->id;
		memcpy(c->uscc, uscc, sizeof c->uscc);
		c->tenant_id = FUZZ_TENANT;
		*kind = CREDIT_CMD_WATCH;
		*size = sizeof *c;
		return true;
	}
	case T_FEED_UNKNOWN:
	case T_COUNT: break;
	}
	SZ_UNREACHABLE();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		setup();
		ready = 1;
	}
	if (size < 1 || size > 64 * 1024)
		return 0;
	enum target t = (enum target)(data[0] % T_COUNT);
	const char *text = (const char *)data + 1;
	if (api_json_depth(text, size - 1) > JSON_DEPTH_MAX)
		return 0;
	json_error_t error;
	json_t *doc = json_loadb(text, size - 1, JSON_REJECT_DUPLICATES, &error);
	if (doc == NULL)
		return 0;
	if (!json_is_object(doc)) {
		json_decref(doc);
		return 0;
	}
	const struct api_schema *schema = schema_of(t);
	if (schema == NULL) { /* no route: the router answers 404 before any body is read */
		json_decref(doc);
		return 0;
	}
	void *in = malloc(schema->size);
	SZ_ASSERT(in != NULL);
	struct api_decode_error err;
	int rc = api_schema_decode(schema, doc, in, &err);
	json_decref(doc);
	if (rc != 0) {
		SZ_ASSERT(err.code != NULL && api_problem_status(err.code) >= 400);
		SZ_ASSERT(strlen(err.detail) < sizeof err.detail);
		api_schema_release(schema, in);
		free(in);
		return 0;
	}
	static _Thread_local union {
		uint64_t align;
		uint8_t bytes[SZ_COMMAND_SIZE_MAX];
	} body;
	memset(&body, 0xa5, sizeof body); /* a mapping must set every byte it returns */
	struct credit_dec d = { 0 };
	uint16_t kind = 0;
	uint32_t body_size = 0;
	bool ok = map(t, in, &d, &kind, &body, &body_size);
	api_schema_release(schema, in);
	free(in);
	if (!ok) {
		SZ_ASSERT(d.code != NULL);
		SZ_ASSERT(strlen(d.detail) < sizeof d.detail);
		if (d.uscc_invalid)
			SZ_ASSERT(t == T_REGISTER || t == T_UPDATE);
		else
			SZ_ASSERT(api_problem_status(d.code) >= 400);
		return 0;
	}
	SZ_ASSERT(d.code == NULL);
	SZ_ASSERT(body_size > 0 && body_size + sizeof(sz_command_header) <= SZ_COMMAND_SIZE_MAX);
	prepare();
	uint32_t result = apply1(kind, &body, body_size);
	(void)result;
	char why[256];
	if (sz_state_check_invariants(&state, why, sizeof why) != 0) {
		fprintf(stderr, "invariant: %s\n", why);
		SZ_UNREACHABLE();
	}
	return 0;
}
