/*
 * http_models.c — scorecard models uploaded in chunks and activated,
 * watches and early warnings, and the purge log (/v1/credit/models,
 * .../watch, /v1/credit/warnings, /v1/credit/purges).
 */
#include "credit/http_internal.h"

#include "api/api.h"
#include "api/codec.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *j_warning(const struct credit_domain_state *c, const struct credit_warning *w)
{
	json_t *o = json_object();
	json_object_set_new(o, "enterprise", json_string(credit_enterprise_at(c, w->enterprise)->info.uscc));
	json_object_set_new(o, "kind", json_string(credit_warning_kind_name(w->kind)));
	json_object_set_new(o, "month", credit_json_month(w->month));
	bool people = w->kind == CREDIT_WARN_HEADCOUNT_DROP;
	json_object_set_new(o, "before", people ? json_integer(w->before) : credit_json_fen(w->before));
	json_object_set_new(o, "now", people ? json_integer(w->now) : credit_json_fen(w->now));
	json_object_set_new(o, "raised_at_ns", credit_json_ns(w->raised_ns));
	json_object_set_new(o, "record_id", credit_json_id(w->record_id));
	return o;
}

static json_t *j_model(const struct credit_model *m)
{
	static const char *const states[] = { "", "loading", "active", "retired" };
	json_t *o = json_object();
	json_object_set_new(o, "version", json_string(m->info.version));
	json_object_set_new(o, "sha256", credit_json_hex(m->info.sha256, 32));
	json_object_set_new(o, "size", json_integer(m->info.total_size));
	json_object_set_new(o, "chunks", json_integer(m->info.chunk_count));
	json_object_set_new(o, "chunks_received", json_integer(m->info.received_count));
	json_object_set_new(o, "status", json_string(states[m->info.status <= 3 ? m->info.status : 0]));
	json_object_set_new(o, "registered_at_ns", credit_json_ns(m->info.registered_ns));
	json_object_set_new(o, "activated_at_ns", credit_json_ns(m->info.activated_ns));
	if (m->info.status != CREDIT_MODEL_LOADING) {
		json_t *chars = json_array();
		for (uint32_t i = 0; i < m->parsed.characteristic_count; i++)
			if (m->parsed.characteristics[i].selected)
				json_array_append_new(chars, json_string(m->parsed.characteristics[i].name));
		json_object_set_new(o, "characteristics", chars);
	}
	return o;
}

/* ---- models ------------------------------------------------------------------------ */

static void model_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!credit_http_done_ok(r, results, count))
		return;
	const struct credit_model_activate_cmd *c = api_submitted_body(r); /* version at the same offset in both */
	_Static_assert(offsetof(struct credit_model_activate_cmd, version) ==
			       offsetof(struct credit_model_chunk_cmd, version),
		       "both model commands carry the version at one offset");
	int64_t m = credit_model_find(credit_http_state(r), c->version);
	SZ_ASSERT(m >= 0);
	api_reply_json(r, api_result_status(results[0]), j_model(credit_model_at(credit_http_state(r), (uint32_t)m)));
}

static bool version_param(struct api_request *r, char out[CREDIT_VERSION_SIZE])
{
	const char *v = api_param(r, 0);
	memset(out, 0, CREDIT_VERSION_SIZE);
	if (strlen(v) == 0 || strlen(v) >= CREDIT_VERSION_SIZE) {
		api_problem(r, "field_invalid", "model versions are 1 to %u bytes", CREDIT_VERSION_SIZE - 1);
		return false;
	}
	memcpy(out, v, strlen(v));
	return true;
}

static const struct api_field chunk_fields[] = {
	{ CREDIT_F_ID("id", struct credit_model_chunk_in, id, API_F_REQUIRED) },
	{ CREDIT_F_UINT("index", struct credit_model_chunk_in, index, API_F_REQUIRED, 0, 65535) },
	{ CREDIT_F_UINT("count", struct credit_model_chunk_in, count, API_F_REQUIRED, 1, 65535) },
	{ CREDIT_F_UINT("total_size", struct credit_model_chunk_in, total_size, API_F_REQUIRED, 1, UINT32_MAX) },
	{ CREDIT_F_SHA256("sha256", struct credit_model_chunk_in, sha256) },
	{ .name = "data", .type = API_T_STRING, .flags = API_F_REQUIRED, .offset = offsetof(struct credit_model_chunk_in, data),
	  .size = CREDIT_CHUNK_TEXT_SIZE, .invalid = "'%s' must be base64 of at most 3968 bytes" },
};
const struct api_schema credit_model_chunk_schema =
	API_SCHEMA("credit_model_chunk", chunk_fields, struct credit_model_chunk_in);

static const struct api_field activate_fields[] = {
	{ CREDIT_F_ID("id", struct credit_model_activate_in, id, API_F_REQUIRED) },
	{ CREDIT_F_SHA256("sha256", struct credit_model_activate_in, sha256) },
};
const struct api_schema credit_model_activate_schema =
	API_SCHEMA("credit_model_activate", activate_fields, struct credit_model_activate_in);

/* 64 hex digits (the schema bounds the length) into out. */
static bool sha_of(struct credit_dec *d, const char *hex, uint8_t out[32])
{
	size_t n = 0;
	if (strlen(hex) != 64 || sodium_hex2bin(out, 32, hex, 64, NULL, &n, NULL) != 0 || n != 32)
		return credit_dec_fail(d, "field_invalid", "'%s' must be 64 hex digits", "sha256");
	return true;
}

bool credit_map_model_chunk(struct credit_dec *d, const struct credit_model_chunk_in *in,
			    struct credit_model_chunk_cmd *c)
{
	c->id = in->id;
	c->index = in->index;
	c->count = in->count;
	c->total_size = in->total_size;
	if (!sha_of(d, in->sha256, c->sha256))
		return false;
	size_t n = 0;
	if (sodium_base642bin(c->data, sizeof c->data, in->data, strlen(in->data), NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		return credit_dec_fail(d, "field_invalid", "'%s' must be base64 of at most 3968 bytes", "data");
	c->size = (uint32_t)n;
	return true;
}

void credit_handle_model_chunk(struct api_request *r)
{
	static _Thread_local struct credit_model_chunk_cmd c;
	memset(&c, 0, sizeof c);
	if (!version_param(r, c.version))
		return;
	struct credit_dec d = { 0 };
	if (credit_map_model_chunk(&d, r->in, &c))
		api_submit_one(r, CREDIT_CMD_MODEL_CHUNK, &c, sizeof c, model_done);
	else
		credit_dec_answer(r, &d);
}

bool credit_map_model_activate(struct credit_dec *d, const struct credit_model_activate_in *in,
			       struct credit_model_activate_cmd *c)
{
	c->id = in->id;
	return sha_of(d, in->sha256, c->sha256);
}

void credit_handle_model_activate(struct api_request *r)
{
	struct credit_model_activate_cmd c;
	memset(&c, 0, sizeof c);
	if (!version_param(r, c.version))
		return;
	struct credit_dec d = { 0 };
	if (credit_map_model_activate(&d, r->in, &c))
		api_submit_one(r, CREDIT_CMD_MODEL_ACTIVATE, &c, sizeof c, model_done);
	else
		credit_dec_answer(r, &d);
}

void credit_handle_model_list(struct api_request *r)
{
	const struct credit_domain_state *c = credit_http_state(r);
	json_t *rows = json_array();
	for (uint32_t i = 0; i < credit_model_count(c); i++)
		json_array_append_new(rows, j_model(credit_model_at(c, i)));
	int64_t active = credit_model_active(c);
	api_reply_json(r, 200, json_pack("{s:o, s:o}", "models", rows, "active",
					 active >= 0 ? json_string(credit_model_at(c, (uint32_t)active)->info.version)
						     : json_null()));
}

/* ---- early warning ------------------------------------------------------------------ */

static void watch_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!credit_http_done_ok(r, results, count))
		return;
	const struct credit_watch_cmd *w = api_submitted_body(r);
	api_reply_json(r, api_result_status(results[0]),
		       json_pack("{s:o, s:s, s:o, s:b}", "id", credit_json_id(w->id), "enterprise", w->uscc, "institution",
				 api_json_string_u64(w->tenant_id), "watching", 1));
}

void credit_handle_watch(struct api_request *r)
{
	int64_t index = credit_http_path_enterprise(r);
	if (index < 0)
		return;
	struct credit_watch_cmd c;
	memset(&c, 0, sizeof c);
	c.id = ((const struct credit_id_in *)r->in)->id;
	credit_http_copy_uscc(c.uscc, credit_enterprise_at(credit_http_state(r), (uint32_t)index)->info.uscc);
	c.tenant_id = r->principal.tenant_id;
	api_submit_one(r, CREDIT_CMD_WATCH, &c, sizeof c, watch_done);
}

/* Warnings, newest last; a bank sees those of enterprises it holds an
 * unexpired authorization from. ?enterprise=USCC narrows the list. */
void credit_handle_warning_list(struct api_request *r)
{
	const struct credit_domain_state *c = credit_http_state(r);
	int64_t only;
	uint32_t limit;
	uint64_t cursor;
	if (!credit_http_list_args(r, c, &only, &limit, &cursor))
		return;
	uint64_t now = credit_http_wall_ns();
	json_t *rows = json_array();
	uint32_t i = (uint32_t)(cursor < credit_warning_count(c) ? cursor : credit_warning_count(c));
	for (; i < credit_warning_count(c) && json_array_size(rows) < limit; i++) {
		const struct credit_warning *w = credit_warning_at(c, i);
		if (only >= 0 && w->enterprise != (uint32_t)only)
			continue;
		if (r->principal.role == API_ROLE_OPERATOR &&
		    credit_authorization_valid(c, w->enterprise, r->principal.tenant_id, 0, now) < 0)
			continue;
		json_array_append_new(rows, j_warning(c, w));
	}
	api_reply_json(r, 200, json_pack("{s:o, s:o}", "warnings", rows, "next_cursor",
					 i < credit_warning_count(c) ? api_json_string_u64(i) : json_null()));
}

void credit_handle_purge_list(struct api_request *r)
{
	const struct credit_domain_state *c = credit_http_state(r);
	uint32_t limit;
	uint64_t cursor;
	if (!credit_http_page_args(r, &limit, &cursor))
		return;
	json_t *rows = json_array();
	uint32_t i = (uint32_t)(cursor < credit_purge_count(c) ? cursor : credit_purge_count(c));
	for (; i < credit_purge_count(c) && json_array_size(rows) < limit; i++) {
		const struct credit_purge *p = credit_purge_at(c, i);
		json_array_append_new(rows, json_pack("{s:o, s:s, s:s, s:o, s:o}", "record_id", credit_json_id(p->record_id),
						      "enterprise", credit_enterprise_at(c, p->enterprise)->info.uscc,
						      "kind", credit_negative_kind_name(p->kind), "conduct_ended",
						      credit_json_day(p->conduct_ended_day), "purged_at_ns", credit_json_ns(p->purged_ns)));
	}
	api_reply_json(r, 200, json_pack("{s:o, s:o}", "purges", rows, "next_cursor",
					 i < credit_purge_count(c) ? api_json_string_u64(i) : json_null()));
}
