/*
 * http_enterprises.c — the enterprise registry, personal data sealing, data
 * feeds and cash-flow summaries computed from the ledger
 * (/v1/credit/enterprises, .../personal, .../feeds/{kind}, .../cashflow).
 *
 * Registering an enterprise screens its name against the active watch list
 * here, in the adapter (risk/screen_submit.h; ICU never runs in apply), and
 * submits RISK_CMD_SCREEN_HIT in the same submission as the registration:
 * one batch, so a hit's screening alert is durable and applied together
 * with the enterprise. The answer's "screening" names the outcome.
 */
#include "credit/http_internal.h"
#include "risk/screen_submit.h"

#include "api/api.h"
#include "api/codec.h"
#include "ledger/ledger.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Transfers read to compute one cash-flow summary: a year of an active
 * enterprise's payments; more is a request error (send a feed instead). */
#define CASHFLOW_TRANSFER_SCAN_COUNT_MAX (1u << 20)

static json_t *j_tags(uint32_t tags)
{
	json_t *a = json_array();
	for (uint32_t i = 0; i < CREDIT_TAG_COUNT; i++)
		if (tags & (1u << i))
			json_array_append_new(a, json_string(credit_tag_name(i)));
	return a;
}

json_t *credit_json_enterprise(const struct credit_enterprise *e)
{
	const struct credit_enterprise_cmd *i = &e->info;
	json_t *o = json_object();
	json_object_set_new(o, "uscc", json_string(i->uscc));
	json_object_set_new(o, "name", json_string(i->name));
	json_object_set_new(o, "industry", json_string(i->industry));
	json_object_set_new(o, "district", json_string(i->district));
	json_object_set_new(o, "registered_capital", credit_json_fen((int64_t)i->registered_capital_fen));
	json_object_set_new(o, "founded", credit_json_day(i->founded_day));
	json_object_set_new(o, "tags", j_tags(i->tags));
	json_object_set_new(o, "owner_id", credit_json_id(i->owner_id));
	json_t *rep = json_object();
	json_object_set_new(rep, "id_number", i->rep_id_masked[0] ? json_string(i->rep_id_masked) : json_null());
	json_object_set_new(rep, "phone", i->rep_phone_masked[0] ? json_string(i->rep_phone_masked) : json_null());
	json_object_set_new(o, "legal_representative", rep);
	json_object_set_new(o, "registered_at_ns", credit_json_ns(e->registered_ns));
	json_object_set_new(o, "updated_at_ns", credit_json_ns(e->updated_ns));
	json_object_set_new(o, "watched", json_boolean(e->watch_count > 0));
	return o;
}

/* ---- personal data -------------------------------------------------------------- */

static void derive_key(const uint8_t secret[32], const char *context, uint8_t out[32])
{
	crypto_generichash(out, 32, (const uint8_t *)context, strlen(context), secret, 32);
}

static void seal(const uint8_t secret[32], sz_id id, uint8_t field, const char *plain, struct credit_sealed *out)
{
	uint8_t key[32], nonce_key[32], padded[CREDIT_SEALED_PLAIN_SIZE] = { 0 };
	derive_key(secret, "szfin credit personal data v1", key);
	derive_key(secret, "szfin credit nonce v1", nonce_key);
	size_t n = strlen(plain);
	SZ_ASSERT(n < sizeof padded);
	memcpy(padded, plain, n);
	uint8_t input[16 + 1 + CREDIT_SEALED_PLAIN_SIZE];
	memcpy(input, &id, 16);
	input[16] = field;
	memcpy(input + 17, padded, sizeof padded);
	crypto_generichash(out->nonce, sizeof out->nonce, input, sizeof input, nonce_key, sizeof nonce_key);
	crypto_secretbox_easy(out->box, padded, sizeof padded, out->nonce, key);
	sodium_memzero(key, sizeof key);
	sodium_memzero(padded, sizeof padded);
}

static bool unseal(const struct api_request *r, const struct credit_sealed *in, char out[CREDIT_SEALED_PLAIN_SIZE + 1])
{
	uint8_t key[32];
	derive_key(r->server->secret, "szfin credit personal data v1", key);
	memset(out, 0, CREDIT_SEALED_PLAIN_SIZE + 1);
	int rc = crypto_secretbox_open_easy((uint8_t *)out, in->box, sizeof in->box, in->nonce, key);
	sodium_memzero(key, sizeof key);
	return rc == 0;
}

/* Resident ID number (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2
 * check character (digit or X). */
static bool id_number_ok(const char *s)
{
	static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	if (strlen(s) != 18)
		return false;
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		sum += (s[i] - '0') * weights[i];
	}
	return "10X98765432"[sum % 11] == s[17];
}

static bool phone_ok(const char *s)
{
	if (strlen(s) != 11 || s[0] != '1')
		return false;
	for (int i = 0; i < 11; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* ---- registry ----------------------------------------------------------------- */

static void enterprise_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!credit_http_done_ok(r, results, count))
		return;
	const struct credit_enterprise_cmd *c = api_submitted_body(r);
	int64_t i = credit_enterprise_find(credit_http_state(r), c->uscc);
	SZ_ASSERT(i >= 0);
	snprintf(r->location, sizeof r->location, "/v1/credit/enterprises/%s", c->uscc);
	api_reply_json(r, api_result_status(results[0]), credit_json_enterprise(credit_enterprise_at(credit_http_state(r), (uint32_t)i)));
}

/* ---- request schemas of the registry ---- */

static const struct api_field rep_fields[] = {
	{ CREDIT_F_TEXT("id_number", struct credit_rep_in, id_number, 0) },
	{ CREDIT_F_TEXT("phone", struct credit_rep_in, phone, 0) },
};
static const struct api_schema rep_schema = API_SCHEMA("credit_legal_representative", rep_fields, struct credit_rep_in);

#define T struct credit_enterprise_in
#define ENTERPRISE_FIELDS \
	{ CREDIT_F_TEXT("name", T, name, API_F_REQUIRED) }, \
	{ CREDIT_F_TEXT("industry", T, industry, API_F_REQUIRED) }, \
	{ CREDIT_F_TEXT("district", T, district, 0) }, \
	{ CREDIT_F_AMOUNT("registered_capital", T, registered_capital_fen, API_F_REQUIRED) }, \
	{ CREDIT_F_DAY("founded", T, founded_day, API_F_REQUIRED) }, \
	{ CREDIT_F_ID("owner_id", T, owner_id, 0) }, \
	{ .name = "tags", .type = API_T_FLAGS, .offset = offsetof(T, tags), .size = sizeof(uint32_t), \
	  .names = credit_tag_names, .invalid = "'%s' must be an array of tag names" }, \
	{ .name = "legal_representative", .type = API_T_OBJECT, .offset = offsetof(T, rep), \
	  .size = sizeof(struct credit_rep_in), .items = &rep_schema, .invalid = "'%s' must be an object" },
static const struct api_field register_fields[] = {
	{ CREDIT_F_ID("id", T, id, API_F_REQUIRED) },
	{ CREDIT_F_TEXT("uscc", T, uscc, API_F_REQUIRED) },
	ENTERPRISE_FIELDS
};
static const struct api_field update_fields[] = {
	{ CREDIT_F_ID("id", T, id, API_F_REQUIRED) },
	ENTERPRISE_FIELDS
};
#undef ENTERPRISE_FIELDS
#undef T
const struct api_schema credit_register_schema = API_SCHEMA("credit_enterprise_register", register_fields,
							    struct credit_enterprise_in);
const struct api_schema credit_update_schema = API_SCHEMA("credit_enterprise_update", update_fields,
							  struct credit_enterprise_in);

/* The checks the codec has no type for (ID number, phone, the code's check
 * character, in that order), then the command with personal data sealed. */
bool credit_map_enterprise(struct credit_dec *d, struct credit_enterprise_in *in, const char *path_uscc,
			   const uint8_t secret[32], struct credit_enterprise_cmd *c)
{
	SZ_ASSERT(d->code == NULL);
	memset(c, 0, sizeof *c);
	const char *uscc = path_uscc != NULL ? path_uscc : in->uscc;
	const char *id_number = in->rep.id_number, *phone = in->rep.phone;
	if (id_number[0] && !id_number_ok(id_number))
		credit_dec_fail(d, "field_invalid", "'%s' is not a valid 18-character resident ID number",
				"legal_representative.id_number");
	if (phone[0] && !phone_ok(phone))
		credit_dec_fail(d, "field_invalid", "'%s' must be 11 digits starting with 1", "legal_representative.phone");
	credit_uscc_detail detail;
	enum credit_uscc_result v = d->code == NULL ? credit_uscc_validate(uscc, strlen(uscc), &detail) : CREDIT_USCC_OK;
	if (d->code == NULL && v != CREDIT_USCC_OK) {
		d->code = credit_uscc_result_name(v);
		d->uscc_invalid = true;
		credit_http_uscc_text(v, &detail, d->detail, sizeof d->detail);
	}
	if (d->code == NULL) {
		c->id = in->id;
		credit_http_copy_uscc(c->uscc, uscc);
		memcpy(c->name, in->name, sizeof c->name);
		memcpy(c->industry, in->industry, sizeof c->industry);
		memcpy(c->district, in->district, sizeof c->district);
		c->owner_id = in->owner_id;
		c->registered_capital_fen = in->registered_capital_fen;
		c->founded_day = in->founded_day;
		c->tags = in->tags;
		if (id_number[0]) {
			seal(secret, c->id, 1, id_number, &c->rep_id);
			snprintf(c->rep_id_masked, sizeof c->rep_id_masked, "%.3s***********%.4s", id_number, id_number + 14);
		}
		if (phone[0]) {
			seal(secret, c->id, 2, phone, &c->rep_phone);
			snprintf(c->rep_phone_masked, sizeof c->rep_phone_masked, "%.3s****%.4s", phone, phone + 7);
		}
	}
	sodium_memzero(&in->rep, sizeof in->rep);
	return d->code == NULL;
}

static void enterprise_submit(struct api_request *r, const char *path_uscc, uint16_t kind)
{
	struct credit_dec d = { 0 };
	struct credit_enterprise_cmd c;
	if (credit_map_enterprise(&d, r->in, path_uscc, r->server->secret, &c))
		api_submit_one(r, kind, &c, sizeof c, enterprise_done);
	else
		credit_dec_answer(r, &d);
}

/* A registration with its screening command, submitted together. */
struct enterprise_screen_batch {
	sz_command_header h0;
	struct credit_enterprise_cmd reg;
	sz_command_header h1;
	struct risk_screen_cmd screen;
};
_Static_assert(offsetof(struct enterprise_screen_batch, h1) ==
		       sizeof(sz_command_header) + sizeof(struct credit_enterprise_cmd),
	       "the two commands are contiguous");
struct enterprise_screen_pending {
	struct enterprise_screen_batch batch;
	struct risk_screen_outcome outcome;
};

static void enterprise_screened_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count >= 1 && count <= 2);
	const struct enterprise_screen_pending *p = r->extra;
	if (results[0] != SZ_R_OK && results[0] != SZ_R_EXISTS) {
		credit_http_problem_result(r, results[0]);
		return;
	}
	if (count == 2 && results[1] != SZ_R_OK) {
		api_problem_result(r, results[1], "the enterprise was registered but its screening was refused");
		return;
	}
	const struct credit_enterprise_cmd *c = &p->batch.reg;
	int64_t i = credit_enterprise_find(credit_http_state(r), c->uscc);
	SZ_ASSERT(i >= 0);
	snprintf(r->location, sizeof r->location, "/v1/credit/enterprises/%s", c->uscc);
	json_t *doc = credit_json_enterprise(credit_enterprise_at(credit_http_state(r), (uint32_t)i));
	json_object_set_new(doc, "screening", risk_screen_json(&p->outcome, sz_engine_state(r->server->engine), c->id,
								 c->id));
	api_reply_json(r, api_result_status(results[0]), doc);
}

/* Screen the enterprise's name (a watch list active, not a retry of a
 * registered code) and submit the registration with the screening command
 * in one submission. The subject and the event are the registration's id. */
void credit_handle_enterprise_register(struct api_request *r)
{
	struct credit_dec d = { 0 };
	struct enterprise_screen_pending *p = calloc(1, sizeof *p);
	if (p == NULL) {
		api_problem(r, "internal", "out of memory");
		return;
	}
	if (!credit_map_enterprise(&d, r->in, NULL, r->server->secret, &p->batch.reg)) {
		free(p);
		credit_dec_answer(r, &d);
		return;
	}
	struct credit_enterprise_cmd *c = &p->batch.reg;
	bool retry = credit_enterprise_find(credit_http_state(r), c->uscc) >= 0;
	int rc = risk_screen_name(retry ? "" : c->name, SCREEN_THRESHOLD_DEFAULT, &p->outcome);
	if (rc != 0) {
		free(p);
		api_problem(r, "field_invalid", "'name' %s", rc == SZ_ELIMIT ? "is too long once normalised" : "must be UTF-8 text");
		return;
	}
	if (retry)
		snprintf(p->outcome.detail, sizeof p->outcome.detail, "the code is already registered (screened then)");
	bool screened = p->outcome.status != RISK_SCREEN_NOT_SCREENED;
	p->batch.h0 = (sz_command_header){ .size = sizeof p->batch.h0 + sizeof p->batch.reg,
					   .kind = CREDIT_CMD_ENTERPRISE_REGISTER };
	p->batch.h1 = (sz_command_header){ .size = sizeof p->batch.h1 + sizeof p->batch.screen, .kind = RISK_CMD_SCREEN_HIT };
	if (screened)
		risk_screen_command(&p->outcome, c->id, c->id, 0, sz_currency_code("CNY"), &p->batch.screen);
	free(r->extra);
	r->extra = p;
	api_submit(r, &p->batch, screened ? (uint32_t)sizeof p->batch : p->batch.h0.size, screened ? 2 : 1,
		   enterprise_screened_done);
}

void credit_handle_enterprise_update(struct api_request *r)
{
	if (credit_http_path_enterprise(r) < 0) {
		sodium_memzero(&((struct credit_enterprise_in *)r->in)->rep, sizeof(struct credit_rep_in));
		return;
	}
	enterprise_submit(r, api_param(r, 0), CREDIT_CMD_ENTERPRISE_UPDATE);
}

void credit_handle_enterprise_get(struct api_request *r)
{
	int64_t i = credit_http_path_enterprise(r);
	if (i >= 0)
		api_reply_json(r, 200, credit_json_enterprise(credit_enterprise_at(credit_http_state(r), (uint32_t)i)));
}

void credit_handle_enterprise_personal(struct api_request *r)
{
	int64_t i = credit_http_path_enterprise(r);
	if (i < 0)
		return;
	const struct credit_enterprise *e = credit_enterprise_at(credit_http_state(r), (uint32_t)i);
	char id_number[CREDIT_SEALED_PLAIN_SIZE + 1] = "", phone[CREDIT_SEALED_PLAIN_SIZE + 1] = "";
	bool ok = (e->info.rep_id_masked[0] == '\0' || unseal(r, &e->info.rep_id, id_number)) &&
		  (e->info.rep_phone_masked[0] == '\0' || unseal(r, &e->info.rep_phone, phone));
	if (!ok) {
		api_problem(r, "internal", "personal data does not open with this server's key");
		return;
	}
	json_t *doc = json_pack("{s:s, s:o, s:o}", "uscc", e->info.uscc, "id_number",
				id_number[0] ? json_string(id_number) : json_null(), "phone",
				phone[0] ? json_string(phone) : json_null());
	sodium_memzero(id_number, sizeof id_number);
	sodium_memzero(phone, sizeof phone);
	api_reply_json(r, 200, doc);
}

/* ---- feeds --------------------------------------------------------------------- */

static void feed_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!credit_http_done_ok(r, results, count))
		return;
	const struct credit_feed_head *h = api_submitted_body(r);
	const struct credit_op *op = credit_op_find(credit_http_state(r), h->id);
	SZ_ASSERT(op != NULL);
	json_t *doc = json_pack("{s:o, s:s, s:s, s:s, s:o}", "record_id", credit_json_id(h->id), "enterprise", h->uscc, "kind",
				credit_feed_kind_name(op->kind - CREDIT_CMD_FEED_TAX), "source", h->source, "as_of",
				credit_json_day(h->as_of_day));
	api_reply_json(r, api_result_status(results[0]), doc);
}

/* ---- request schemas of the feeds ---- */

static const struct api_field tax_row_fields[] = {
	{ CREDIT_F_MONTH("month", struct credit_tax_row_in, month, API_F_REQUIRED) },
	{ CREDIT_F_AMOUNT("tax_paid", struct credit_tax_row_in, tax_paid_fen, API_F_REQUIRED) },
};
static const struct api_field headcount_row_fields[] = {
	{ CREDIT_F_MONTH("month", struct credit_headcount_row_in, month, API_F_REQUIRED) },
	{ CREDIT_F_INT("headcount", struct credit_headcount_row_in, headcount, API_F_REQUIRED, 0, 10000000) },
};
static const struct api_field cash_row_fields[] = {
	{ CREDIT_F_MONTH("month", struct credit_cash_row_in, month, API_F_REQUIRED) },
	{ CREDIT_F_AMOUNT("inflow", struct credit_cash_row_in, inflow_fen, API_F_REQUIRED) },
	{ CREDIT_F_AMOUNT("outflow", struct credit_cash_row_in, outflow_fen, API_F_REQUIRED) },
};
static const struct api_field ip_item_fields[] = {
	{ CREDIT_F_TEXT("number", struct credit_ip_item_in, number, API_F_REQUIRED) },
	{ CREDIT_F_ENUM("kind", struct credit_ip_item_in, kind, API_F_REQUIRED, credit_ip_kind_names, 1, 0), .invalid = CREDIT_NAMES_INVALID },
	{ CREDIT_F_DAY("granted", struct credit_ip_item_in, granted_day, API_F_REQUIRED) },
	{ .name = "pledged", .type = API_T_BOOL, .offset = offsetof(struct credit_ip_item_in, pledged),
	  .size = sizeof(bool), .invalid = "'%s' must be true or false" },
};
static const struct api_schema tax_row_schema = API_SCHEMA("credit_tax_month", tax_row_fields, struct credit_tax_row_in);
static const struct api_schema headcount_row_schema =
	API_SCHEMA("credit_headcount_month", headcount_row_fields, struct credit_headcount_row_in);
static const struct api_schema cash_row_schema = API_SCHEMA("credit_cash_month", cash_row_fields, struct credit_cash_row_in);
static const struct api_schema ip_item_schema = API_SCHEMA("credit_ip_item", ip_item_fields, struct credit_ip_item_in);

#define T struct credit_feed_in
#define HEAD_FIELDS \
	{ CREDIT_F_ID("id", T, id, API_F_REQUIRED) }, \
	{ CREDIT_F_TEXT("source", T, source, API_F_REQUIRED) }, \
	{ CREDIT_F_DAY("as_of", T, as_of_day, API_F_REQUIRED) },
#define MONTHS(row_schema, row_type) \
	{ CREDIT_F_LIST("months", T, months, row_schema, row_type, CREDIT_FEED_MONTH_COUNT_MAX, \
			"'%s' must be an array of 1 to 12 months") }
static const struct api_field tax_fields[] = {
	HEAD_FIELDS
	{ CREDIT_F_TEXT("grade", T, grade, 0) },
	{ CREDIT_F_INT("grade_year", T, grade_year, API_F_PRESENT, 2000, 2200), .present_offset = offsetof(T, grade_year_given) },
	MONTHS(&tax_row_schema, struct credit_tax_row_in),
};
static const struct api_field headcount_fields[] = { HEAD_FIELDS MONTHS(&headcount_row_schema, struct credit_headcount_row_in) };
static const struct api_field cashflow_fields[] = { HEAD_FIELDS MONTHS(&cash_row_schema, struct credit_cash_row_in) };
static const struct api_field ip_fields[] = {
	HEAD_FIELDS
	{ CREDIT_F_LIST("items", T, items, &ip_item_schema, struct credit_ip_item_in, CREDIT_FEED_IP_COUNT_MAX,
			"'%s' must be an array of 1 to 8 items") },
};
static const struct api_field innovation_fields[] = { HEAD_FIELDS { CREDIT_F_INT("points", T, points, API_F_REQUIRED, 0, 1000) } };
static const struct api_field negative_fields[] = {
	HEAD_FIELDS
	{ CREDIT_F_ENUM("kind", T, kind, API_F_REQUIRED, credit_negative_kind_names, 1, 0), .invalid = CREDIT_NAMES_INVALID },
	{ CREDIT_F_TEXT("reference", T, reference, API_F_REQUIRED) },
	{ CREDIT_F_TEXT("summary", T, summary, 0) },
	{ CREDIT_F_AMOUNT("amount", T, amount_fen, 0) },
	{ CREDIT_F_DAY("conduct_ended", T, conduct_ended_day, API_F_REQUIRED) },
};
#undef MONTHS
#undef HEAD_FIELDS
#undef T
const struct api_schema credit_feed_tax_schema = API_SCHEMA("credit_feed_tax", tax_fields, struct credit_feed_in);
const struct api_schema credit_feed_headcount_schema = API_SCHEMA("credit_feed_headcount", headcount_fields, struct credit_feed_in);
const struct api_schema credit_feed_cashflow_schema = API_SCHEMA("credit_feed_cashflow", cashflow_fields, struct credit_feed_in);
const struct api_schema credit_feed_ip_schema = API_SCHEMA("credit_feed_ip", ip_fields, struct credit_feed_in);
const struct api_schema credit_feed_innovation_schema = API_SCHEMA("credit_feed_innovation", innovation_fields, struct credit_feed_in);
const struct api_schema credit_feed_negative_schema = API_SCHEMA("credit_feed_negative", negative_fields, struct credit_feed_in);
const struct api_schema *const credit_feed_schemas[CREDIT_FEED_KIND_COUNT] = {
	[CREDIT_FEED_TAX] = &credit_feed_tax_schema, [CREDIT_FEED_HEADCOUNT] = &credit_feed_headcount_schema,
	[CREDIT_FEED_CASHFLOW] = &credit_feed_cashflow_schema, [CREDIT_FEED_IP] = &credit_feed_ip_schema,
	[CREDIT_FEED_INNOVATION] = &credit_feed_innovation_schema, [CREDIT_FEED_NEGATIVE] = &credit_feed_negative_schema,
};

/* The month of row i of "months", or -1 after recording the failure. */
static int32_t row_month(struct credit_dec *d, uint32_t i, const char *text)
{
	int32_t month = credit_http_parse_month(text);
	if (month < 0 && d->code == NULL) {
		d->code = "field_invalid";
		snprintf(d->detail, sizeof d->detail, "months[%u]: 'month' must be a month YYYY-MM", i);
	}
	return month;
}

/* Over 70 lines: one case per feed kind, each a flat copy of its fields. */
bool credit_map_feed(struct credit_dec *d, uint32_t kind, const struct credit_feed_in *in, const char *uscc,
		     uint16_t *cmd_kind, void *body, uint32_t *size)
{
	SZ_ASSERT(kind < CREDIT_FEED_KIND_COUNT);
	SZ_ASSERT(in->months.count <= CREDIT_FEED_MONTH_COUNT_MAX && in->items.count <= CREDIT_FEED_IP_COUNT_MAX);
	struct credit_feed_head *h = body;
	static const uint32_t sizes[CREDIT_FEED_KIND_COUNT] = {
		sizeof(struct credit_tax_cmd), sizeof(struct credit_headcount_cmd), sizeof(struct credit_cashflow_cmd),
		sizeof(struct credit_ip_cmd), sizeof(struct credit_innovation_cmd), sizeof(struct credit_negative_cmd),
	};
	memset(body, 0, sizes[kind]);
	h->id = in->id;
	credit_http_copy_uscc(h->uscc, uscc);
	memcpy(h->source, in->source, sizeof h->source);
	h->as_of_day = in->as_of_day;
	h->count = kind == CREDIT_FEED_IP ? in->items.count : in->months.count;
	*cmd_kind = (uint16_t)(CREDIT_CMD_FEED_TAX + kind);
	*size = sizes[kind];
	if (kind == CREDIT_FEED_TAX) {
		struct credit_tax_cmd *c = body;
		memcpy(c->grade, in->grade, sizeof c->grade);
		if (in->grade[0] && !in->grade_year_given)
			return credit_dec_fail(d, "field_missing", "'%s' is required", "grade_year");
		c->grade_year = in->grade_year;
		const struct credit_tax_row_in *rows = in->months.items;
		for (uint32_t i = 0; i < in->months.count; i++) {
			c->months[i].month = row_month(d, i, rows[i].month);
			c->months[i].value = (int64_t)rows[i].tax_paid_fen;
		}
	} else if (kind == CREDIT_FEED_HEADCOUNT) {
		struct credit_headcount_cmd *c = body;
		const struct credit_headcount_row_in *rows = in->months.items;
		for (uint32_t i = 0; i < in->months.count; i++) {
			c->months[i].month = row_month(d, i, rows[i].month);
			c->months[i].value = rows[i].headcount;
		}
	} else if (kind == CREDIT_FEED_CASHFLOW) {
		struct credit_cashflow_cmd *c = body;
		const struct credit_cash_row_in *rows = in->months.items;
		for (uint32_t i = 0; i < in->months.count; i++) {
			c->months[i].month = row_month(d, i, rows[i].month);
			c->months[i].inflow_fen = (int64_t)rows[i].inflow_fen;
			c->months[i].outflow_fen = (int64_t)rows[i].outflow_fen;
		}
	} else if (kind == CREDIT_FEED_IP) {
		struct credit_ip_cmd *c = body;
		const struct credit_ip_item_in *items = in->items.items;
		for (uint32_t i = 0; i < in->items.count; i++) {
			memcpy(c->items[i].number, items[i].number, sizeof c->items[i].number);
			c->items[i].kind = items[i].kind;
			c->items[i].granted_day = items[i].granted_day;
			c->items[i].pledged = items[i].pledged;
		}
	} else if (kind == CREDIT_FEED_INNOVATION) {
		((struct credit_innovation_cmd *)body)->points = in->points;
	} else {
		struct credit_negative_cmd *c = body;
		c->kind = in->kind;
		memcpy(c->reference, in->reference, sizeof c->reference);
		memcpy(c->summary, in->summary, sizeof c->summary);
		c->amount_fen = (int64_t)in->amount_fen;
		c->conduct_ended_day = in->conduct_ended_day;
	}
	return d->code == NULL;
}

static void feed_submit(struct api_request *r, uint32_t kind)
{
	if (credit_http_path_enterprise(r) < 0)
		return;
	static _Thread_local union {
		struct credit_tax_cmd tax;
		struct credit_headcount_cmd headcount;
		struct credit_cashflow_cmd cashflow;
		struct credit_ip_cmd ip;
		struct credit_innovation_cmd innovation;
		struct credit_negative_cmd negative;
	} body;
	uint16_t cmd_kind = 0;
	uint32_t size = 0;
	struct credit_dec d = { 0 };
	if (credit_map_feed(&d, kind, r->in, api_param(r, 0), &cmd_kind, &body, &size))
		api_submit_one(r, cmd_kind, &body, size, feed_done);
	else
		credit_dec_answer(r, &d);
}

void credit_handle_feed_tax(struct api_request *r) { feed_submit(r, CREDIT_FEED_TAX); }
void credit_handle_feed_headcount(struct api_request *r) { feed_submit(r, CREDIT_FEED_HEADCOUNT); }
void credit_handle_feed_cashflow(struct api_request *r) { feed_submit(r, CREDIT_FEED_CASHFLOW); }
void credit_handle_feed_ip(struct api_request *r) { feed_submit(r, CREDIT_FEED_IP); }
void credit_handle_feed_innovation(struct api_request *r) { feed_submit(r, CREDIT_FEED_INNOVATION); }
void credit_handle_feed_negative(struct api_request *r) { feed_submit(r, CREDIT_FEED_NEGATIVE); }

/* ---- cash flow from the ledger ------------------------------------------------------- */

/* Sums posted transfers of the enterprise's accounts (owner id) between
 * months first and last: a transfer between two of its own accounts is
 * neither inflow nor outflow. 0, or a problem already answered (-1). */
static int cashflow_compute(struct api_request *r, sz_id owner, uint32_t currency, int32_t first, int32_t last,
			    struct credit_cashflow_cmd *c)
{
	struct api_server *s = r->server;
	const struct ledger *l = sz_ledger_const(sz_engine_state(s->engine));
	api_owner_index_update(s);
	uint32_t n = (uint32_t)(last - first + 1);
	for (uint32_t i = 0; i < n; i++)
		c->months[i].month = first + (int32_t)i;
	c->head.count = n;
	uint32_t reads = 0;
	uint32_t link = s->owner_head[sz_mix64(owner.lo, owner.hi) & (s->owner_bucket_count - 1)];
	for (uint32_t scanned = 0; link != 0 && scanned < SZ_API_LIST_SCAN_COUNT_MAX; scanned++) {
		const sz_account *a = &l->accounts[link - 1];
		uint32_t account_index = link - 1;
		link = s->owner_next[link - 1];
		if (!sz_id_eq(a->owner_id, owner) || a->currency != currency)
			continue;
		uint32_t h = ledger_history_head(l, account_index);
		while (h != 0) {
			struct ledger_slot slot;
			int found = ledger_history_step(l, &h, &slot, NULL); /* in RAM or on the disk tier */
			if (found < 0) {
				api_problem(r, "internal", "cannot read an account history run from the disk tier");
				return -1;
			}
			if (found == 0)
				break;
			if (++reads > CASHFLOW_TRANSFER_SCAN_COUNT_MAX) {
				api_problem_custom(r, 422, "history_too_long", "The account history is too long to summarise",
						   "send the cash-flow summary as a feed instead");
				return -1;
			}
			if (ledger_slot_copy_status(&slot) != SZ_STATUS_POSTED)
				continue;
			sz_transfer t;
			if (sz_engine_read_transfer(s->engine, ledger_slot_copy_log_pos(&slot), &t)) {
				api_problem(r, "internal", "cannot read a transfer record from the log");
				return -1;
			}
			api_transfer_complete(s->engine, &t);
			int32_t month = credit_month_of_ns(t.timestamp);
			if (month < first)
				break; /* history runs newest first */
			if (month > last)
				continue;
			bool credit_side = sz_id_eq(t.credit_account_id, a->id);
			const sz_account *other = ledger_account_get(l, credit_side ? t.debit_account_id : t.credit_account_id);
			if (other != NULL && sz_id_eq(other->owner_id, owner))
				continue;
			struct credit_cash_row *row = &c->months[month - first];
			int64_t *sum = credit_side ? &row->inflow_fen : &row->outflow_fen;
			if (t.amount > INT64_MAX || __builtin_add_overflow(*sum, (int64_t)t.amount, sum)) {
				api_problem(r, "amount_invalid", "a month's flow exceeds the representable range");
				return -1;
			}
		}
	}
	return 0;
}

static const struct api_field cashflow_request_fields[] = {
	{ CREDIT_F_ID("id", struct credit_cashflow_request_in, id, API_F_REQUIRED) },
	{ CREDIT_F_MONTH("from", struct credit_cashflow_request_in, from, API_F_REQUIRED) },
	{ CREDIT_F_MONTH("to", struct credit_cashflow_request_in, to, API_F_REQUIRED) },
	{ .name = "currency", .type = API_T_CURRENCY, .offset = offsetof(struct credit_cashflow_request_in, currency),
	  .size = sizeof(uint32_t), .invalid = "'%s' must be three letters" },
};
const struct api_schema credit_cashflow_request_schema =
	API_SCHEMA("credit_cashflow_request", cashflow_request_fields, struct credit_cashflow_request_in);

bool credit_map_cashflow_request(struct credit_dec *d, const struct credit_cashflow_request_in *in, int32_t *from,
				 int32_t *to, uint32_t *currency)
{
	*from = credit_http_parse_month(in->from);
	*to = credit_http_parse_month(in->to);
	if (*from < 0)
		return credit_dec_fail(d, "field_invalid", "'%s' must be a month YYYY-MM", "from");
	if (*to < 0)
		return credit_dec_fail(d, "field_invalid", "'%s' must be a month YYYY-MM", "to");
	*currency = in->currency != 0 ? in->currency : sz_currency_code("CNY");
	if (*to < *from || *to - *from >= (int32_t)CREDIT_FEED_MONTH_COUNT_MAX)
		return credit_dec_fail(d, "field_invalid", "%s must be 1 to 12 months in order", "'from'..'to'");
	return true;
}

void credit_handle_cashflow(struct api_request *r)
{
	int64_t index = credit_http_path_enterprise(r);
	if (index < 0)
		return;
	struct credit_dec d = { 0 };
	struct credit_cashflow_cmd c;
	memset(&c, 0, sizeof c);
	int32_t from = 0, to = 0;
	uint32_t currency = 0;
	const struct credit_cashflow_request_in *in = r->in;
	if (!credit_map_cashflow_request(&d, in, &from, &to, &currency)) {
		credit_dec_answer(r, &d);
		return;
	}
	c.head.id = in->id;
	const struct credit_enterprise *e = credit_enterprise_at(credit_http_state(r), (uint32_t)index);
	credit_http_copy_uscc(c.head.uscc, e->info.uscc);
	strcpy(c.head.source, "ledger");
	c.head.as_of_day = credit_day_of_ns(credit_http_wall_ns());
	if (cashflow_compute(r, e->info.owner_id, currency, from, to, &c) != 0)
		return;
	api_submit_one(r, CREDIT_CMD_FEED_CASHFLOW, &c, sizeof c, feed_done);
}
