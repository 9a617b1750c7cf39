/*
 * http_enterprises.c — the enterprise registry, personal data sealing, data
 * feeds and cash-flow summaries computed from the ledger
 * (/v1/credit/enterprises, .../personal, .../feeds/{kind}, .../cashflow).
 */
#include "credit/http_internal.h"

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

/* Over 70 lines: one flat check per field of the body, in the order the
 * problems are reported. */
bool credit_decode_enterprise(struct credit_dec *dp, json_t *doc, const char *path_uscc, const uint8_t secret[32],
			      struct credit_enterprise_cmd *c)
{
	static const char *const known[] = { "id", "uscc", "name", "industry", "district", "registered_capital",
					     "founded", "tags", "owner_id", "legal_representative", NULL };
	struct credit_dec d = { 0 };
	memset(c, 0, sizeof *c);
	credit_dec_known(&d, doc, known);
	credit_dec_id(&d, doc, "id", true, &c->id);
	char uscc[CREDIT_USCC_FIELD_SIZE];
	if (path_uscc == NULL) {
		credit_dec_text(&d, doc, "uscc", true, uscc, sizeof uscc);
	} else {
		memset(uscc, 0, sizeof uscc);
		snprintf(uscc, sizeof uscc, "%s", path_uscc);
	}
	credit_dec_text(&d, doc, "name", true, c->name, sizeof c->name);
	credit_dec_text(&d, doc, "industry", true, c->industry, sizeof c->industry);
	credit_dec_text(&d, doc, "district", false, c->district, sizeof c->district);
	int64_t capital = 0;
	credit_dec_amount(&d, doc, "registered_capital", true, &capital);
	c->registered_capital_fen = (uint64_t)capital;
	credit_dec_day(&d, doc, "founded", true, &c->founded_day);
	credit_dec_id(&d, doc, "owner_id", false, &c->owner_id);
	json_t *tags = json_object_get(doc, "tags");
	if (tags != NULL) {
		size_t i = 0;
		json_t *t = NULL;
		if (!json_is_array(tags))
			credit_dec_fail(&d, "field_invalid", "'%s' must be an array of tag names", "tags");
		else
			json_array_foreach(tags, i, t) {
				int32_t bit = json_is_string(t) ? credit_name_parse(credit_tag_name, CREDIT_TAG_COUNT - 1,
										     json_string_value(t))
								: -1;
				if (bit < 0)
					credit_dec_fail(&d, "field_invalid", "'%s' has an unknown tag", "tags");
				else
					c->tags |= 1u << bit;
			}
	}
	char id_number[CREDIT_SEALED_PLAIN_SIZE] = "", phone[CREDIT_SEALED_PLAIN_SIZE] = "";
	json_t *rep = json_object_get(doc, "legal_representative");
	if (rep != NULL) {
		static const char *const rep_known[] = { "id_number", "phone", NULL };
		if (!json_is_object(rep)) {
			credit_dec_fail(&d, "field_invalid", "'%s' must be an object", "legal_representative");
		} else {
			credit_dec_known(&d, rep, rep_known);
			credit_dec_text(&d, rep, "id_number", false, id_number, sizeof id_number);
			credit_dec_text(&d, rep, "phone", false, phone, sizeof phone);
			if (id_number[0] && !id_number_ok(id_number))
				credit_dec_fail(&d, "field_invalid", "'%s' is not a valid 18-character resident ID number",
					 "legal_representative.id_number");
			if (phone[0] && !phone_ok(phone))
				credit_dec_fail(&d, "field_invalid", "'%s' must be 11 digits starting with 1",
					 "legal_representative.phone");
		}
	}
	credit_uscc_detail detail;
	enum credit_uscc_result v = d.code == NULL ? credit_uscc_validate(uscc, strlen(uscc), &detail) : CREDIT_USCC_OK;
	if (d.code == NULL && v != CREDIT_USCC_OK) {
		d.code = credit_uscc_result_name(v);
		d.uscc_invalid = true;
		if (v == CREDIT_USCC_BAD_CHECK)
			snprintf(d.detail, sizeof d.detail, "%s: the check character should be '%c'",
				 credit_uscc_result_text(v), detail.expected);
		else
			snprintf(d.detail, sizeof d.detail, "%s", credit_uscc_result_text(v));
	}
	if (d.code != NULL) {
		sodium_memzero(id_number, sizeof id_number);
		sodium_memzero(phone, sizeof phone);
		*dp = d;
		return false;
	}
	credit_http_copy_uscc(c->uscc, uscc);
	if (id_number[0]) {
		seal(secret, c->id, 1, id_number, &c->rep_id);
		snprintf(c->rep_id_masked, sizeof c->rep_id_masked, "%.3s***********%.4s", id_number, id_number + 14);
	}
	if (phone[0]) {
		seal(secret, c->id, 2, phone, &c->rep_phone);
		snprintf(c->rep_phone_masked, sizeof c->rep_phone_masked, "%.3s****%.4s", phone, phone + 7);
	}
	sodium_memzero(id_number, sizeof id_number);
	sodium_memzero(phone, sizeof phone);
	return true;
}

/* Decodes a register/update body; uscc from the body or (update) the path. */
static bool enterprise_decode(struct api_request *r, json_t *doc, const char *path_uscc,
			      struct credit_enterprise_cmd *c)
{
	struct credit_dec d = { 0 };
	if (credit_decode_enterprise(&d, doc, path_uscc, r->server->secret, c))
		return true;
	return credit_dec_answer(r, &d);
}

void credit_handle_enterprise_register(struct api_request *r)
{
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	struct credit_enterprise_cmd c;
	bool ok = enterprise_decode(r, doc, NULL, &c);
	json_decref(doc);
	if (ok)
		api_submit_one(r, CREDIT_CMD_ENTERPRISE_REGISTER, &c, sizeof c, enterprise_done);
}

void credit_handle_enterprise_update(struct api_request *r)
{
	if (credit_http_path_enterprise(r) < 0)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	struct credit_enterprise_cmd c;
	bool ok = enterprise_decode(r, doc, api_param(r, 0), &c);
	json_decref(doc);
	if (ok)
		api_submit_one(r, CREDIT_CMD_ENTERPRISE_UPDATE, &c, sizeof c, enterprise_done);
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

static void feed_head_decode(struct credit_dec *d, json_t *doc, const char *uscc, struct credit_feed_head *h)
{
	credit_dec_id(d, doc, "id", true, &h->id);
	credit_http_copy_uscc(h->uscc, uscc);
	credit_dec_text(d, doc, "source", true, h->source, sizeof h->source);
	credit_dec_day(d, doc, "as_of", true, &h->as_of_day);
}

/* A "months" array of up to 12 rows; each row decoded by row_fn. */
static json_t *months_of(struct credit_dec *d, json_t *doc, uint32_t *count)
{
	json_t *months = json_object_get(doc, "months");
	if (months == NULL || !json_is_array(months) || json_array_size(months) == 0 ||
	    json_array_size(months) > CREDIT_FEED_MONTH_COUNT_MAX) {
		credit_dec_fail(d, "field_invalid", "'%s' must be an array of 1 to 12 months", "months");
		return NULL;
	}
	*count = (uint32_t)json_array_size(months);
	return months;
}

/* Over 70 lines: one case per feed kind, each a flat list of its fields. */
bool credit_decode_feed(struct credit_dec *d, const char *kind, json_t *doc, const char *uscc, uint16_t *cmd_kind,
			void *body, uint32_t *size)
{
	size_t i;
	json_t *row;
	if (strcmp(kind, "tax") == 0) {
		static const char *const known[] = { "id", "source", "as_of", "grade", "grade_year", "months", NULL };
		struct credit_tax_cmd *c = body;
		memset(c, 0, sizeof *c);
		credit_dec_known(d, doc, known);
		feed_head_decode(d, doc, uscc, &c->head);
		credit_dec_text(d, doc, "grade", false, c->grade, sizeof c->grade);
		int64_t year = 0;
		credit_dec_int(d, doc, "grade_year", c->grade[0] != '\0', 2000, 2200, &year);
		c->grade_year = (int32_t)year;
		json_t *months = months_of(d, doc, &c->head.count);
		static const char *const row_known[] = { "month", "tax_paid", NULL };
		if (months)
			json_array_foreach(months, i, row) {
				credit_dec_known(d, row, row_known);
				credit_dec_month(d, row, "month", &c->months[i].month);
				credit_dec_amount(d, row, "tax_paid", true, &c->months[i].value);
			}
		*cmd_kind = CREDIT_CMD_FEED_TAX;
		*size = sizeof *c;
	} else if (strcmp(kind, "headcount") == 0) {
		static const char *const known[] = { "id", "source", "as_of", "months", NULL };
		struct credit_headcount_cmd *c = body;
		memset(c, 0, sizeof *c);
		credit_dec_known(d, doc, known);
		feed_head_decode(d, doc, uscc, &c->head);
		json_t *months = months_of(d, doc, &c->head.count);
		static const char *const row_known[] = { "month", "headcount", NULL };
		if (months)
			json_array_foreach(months, i, row) {
				credit_dec_known(d, row, row_known);
				credit_dec_month(d, row, "month", &c->months[i].month);
				credit_dec_int(d, row, "headcount", true, 0, 10000000, &c->months[i].value);
			}
		*cmd_kind = CREDIT_CMD_FEED_HEADCOUNT;
		*size = sizeof *c;
	} else if (strcmp(kind, "cashflow") == 0) {
		static const char *const known[] = { "id", "source", "as_of", "months", NULL };
		struct credit_cashflow_cmd *c = body;
		memset(c, 0, sizeof *c);
		credit_dec_known(d, doc, known);
		feed_head_decode(d, doc, uscc, &c->head);
		json_t *months = months_of(d, doc, &c->head.count);
		static const char *const row_known[] = { "month", "inflow", "outflow", NULL };
		if (months)
			json_array_foreach(months, i, row) {
				credit_dec_known(d, row, row_known);
				credit_dec_month(d, row, "month", &c->months[i].month);
				credit_dec_amount(d, row, "inflow", true, &c->months[i].inflow_fen);
				credit_dec_amount(d, row, "outflow", true, &c->months[i].outflow_fen);
			}
		*cmd_kind = CREDIT_CMD_FEED_CASHFLOW;
		*size = sizeof *c;
	} else if (strcmp(kind, "ip") == 0) {
		static const char *const known[] = { "id", "source", "as_of", "items", NULL };
		struct credit_ip_cmd *c = body;
		memset(c, 0, sizeof *c);
		credit_dec_known(d, doc, known);
		feed_head_decode(d, doc, uscc, &c->head);
		json_t *items = json_object_get(doc, "items");
		if (items == NULL || !json_is_array(items) || json_array_size(items) == 0 ||
		    json_array_size(items) > CREDIT_FEED_IP_COUNT_MAX) {
			credit_dec_fail(d, "field_invalid", "'%s' must be an array of 1 to 8 items", "items");
		} else {
			c->head.count = (uint32_t)json_array_size(items);
			static const char *const row_known[] = { "number", "kind", "granted", "pledged", NULL };
			json_array_foreach(items, i, row) {
				struct credit_ip_item *it = &c->items[i];
				credit_dec_known(d, row, row_known);
				credit_dec_text(d, row, "number", true, it->number, sizeof it->number);
				credit_dec_name(d, row, "kind", true, credit_ip_kind_name, CREDIT_IP_KIND_MAX, &it->kind);
				credit_dec_day(d, row, "granted", true, &it->granted_day);
				json_t *p = json_object_get(row, "pledged");
				if (p != NULL && !json_is_boolean(p))
					credit_dec_fail(d, "field_invalid", "'%s' must be true or false", "pledged");
				it->pledged = p != NULL && json_is_true(p);
			}
		}
		*cmd_kind = CREDIT_CMD_FEED_IP;
		*size = sizeof *c;
	} else if (strcmp(kind, "innovation") == 0) {
		static const char *const known[] = { "id", "source", "as_of", "points", NULL };
		struct credit_innovation_cmd *c = body;
		memset(c, 0, sizeof *c);
		credit_dec_known(d, doc, known);
		feed_head_decode(d, doc, uscc, &c->head);
		credit_dec_int(d, doc, "points", true, 0, 1000, &c->points);
		*cmd_kind = CREDIT_CMD_FEED_INNOVATION;
		*size = sizeof *c;
	} else if (strcmp(kind, "negative") == 0) {
		static const char *const known[] = { "id", "source", "as_of", "kind", "reference", "amount",
						     "conduct_ended", "summary", NULL };
		struct credit_negative_cmd *c = body;
		memset(c, 0, sizeof *c);
		credit_dec_known(d, doc, known);
		feed_head_decode(d, doc, uscc, &c->head);
		credit_dec_name(d, doc, "kind", true, credit_negative_kind_name, CREDIT_NEG_KIND_MAX, &c->kind);
		credit_dec_text(d, doc, "reference", true, c->reference, sizeof c->reference);
		credit_dec_text(d, doc, "summary", false, c->summary, sizeof c->summary);
		credit_dec_amount(d, doc, "amount", false, &c->amount_fen);
		credit_dec_day(d, doc, "conduct_ended", true, &c->conduct_ended_day);
		*cmd_kind = CREDIT_CMD_FEED_NEGATIVE;
		*size = sizeof *c;
	} else {
		d->code = "not_found";
		snprintf(d->detail, sizeof d->detail, "no feed kind '%s' (tax, headcount, cashflow, ip, innovation, negative)",
			 kind);
		return false;
	}
	return d->code == NULL;
}

void credit_handle_feed(struct api_request *r)
{
	if (credit_http_path_enterprise(r) < 0)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static _Thread_local union {
		struct credit_tax_cmd tax;
		struct credit_headcount_cmd headcount;
		struct credit_cashflow_cmd cashflow;
		struct credit_ip_cmd ip;
		struct credit_innovation_cmd innovation;
		struct credit_negative_cmd negative;
	} body;
	uint16_t kind = 0;
	uint32_t size = 0;
	struct credit_dec d = { 0 };
	bool ok = credit_decode_feed(&d, api_param(r, 1), doc, api_param(r, 0), &kind, &body, &size);
	json_decref(doc);
	if (ok)
		api_submit_one(r, kind, &body, size, feed_done);
	else
		credit_dec_answer(r, &d);
}

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
			int64_t slot = ledger_history_next(l, &h);
			if (slot < 0)
				break;
			if (++reads > CASHFLOW_TRANSFER_SCAN_COUNT_MAX) {
				api_problem_custom(r, 422, "history_too_long", "The account history is too long to summarise",
						   "send the cash-flow summary as a feed instead");
				return -1;
			}
			if (ledger_slot_status(l, (uint32_t)slot) != SZ_STATUS_POSTED)
				continue;
			sz_transfer t;
			if (sz_engine_read_transfer(s->engine, l->slots[slot].log_pos, &t)) {
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

bool credit_decode_cashflow_request(struct credit_dec *d, json_t *doc, sz_id *id, int32_t *from, int32_t *to,
				    uint32_t *currency)
{
	static const char *const known[] = { "id", "from", "to", "currency", NULL };
	char currency_text[8];
	*from = *to = 0;
	credit_dec_known(d, doc, known);
	credit_dec_id(d, doc, "id", true, id);
	credit_dec_month(d, doc, "from", from);
	credit_dec_month(d, doc, "to", to);
	credit_dec_text(d, doc, "currency", false, currency_text, sizeof currency_text);
	if (d->code != NULL)
		return false;
	*currency = sz_currency_code("CNY");
	if (currency_text[0] && sz_currency_parse(currency_text, currency))
		return credit_dec_fail(d, "field_invalid", "'%s' must be three letters", "currency");
	if (*to < *from || *to - *from >= (int32_t)CREDIT_FEED_MONTH_COUNT_MAX)
		return credit_dec_fail(d, "field_invalid", "%s must be 1 to 12 months in order", "'from'..'to'");
	return true;
}

void credit_handle_cashflow(struct api_request *r)
{
	int64_t index = credit_http_path_enterprise(r);
	if (index < 0)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	struct credit_dec d = { 0 };
	struct credit_cashflow_cmd c;
	memset(&c, 0, sizeof c);
	int32_t from = 0, to = 0;
	uint32_t currency = 0;
	bool ok = credit_decode_cashflow_request(&d, doc, &c.head.id, &from, &to, &currency);
	json_decref(doc);
	if (!ok) {
		credit_dec_answer(r, &d);
		return;
	}
	const struct credit_enterprise *e = credit_enterprise_at(credit_http_state(r), (uint32_t)index);
	credit_http_copy_uscc(c.head.uscc, e->info.uscc);
	strcpy(c.head.source, "ledger");
	c.head.as_of_day = credit_day_of_ns(credit_http_wall_ns());
	if (cashflow_compute(r, e->info.owner_id, currency, from, to, &c) != 0)
		return;
	api_submit_one(r, CREDIT_CMD_FEED_CASHFLOW, &c, sizeof c, feed_done);
}
