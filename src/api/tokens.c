/*
 * tokens.c — token routes (admin only): create, list, revoke, change role;
 * and whoami for every authenticated caller.
 *
 * A new token's text is generated here, answered once, and never stored: the
 * command carries only its keyed hash (auth.h).
 */
#include "api/api.h"
#include "api/codec.h"
#include "core/assert.h"
#include "core/errors.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const struct auth_state *auth_of(const struct api_request *r)
{
	const struct auth_state *a = auth_state_get(sz_engine_state(r->server->engine));
	SZ_ASSERT(a != NULL);
	return a;
}

static json_t *token_json(const struct auth_token_cmd *c, uint64_t created_ns, uint64_t revoked_ns)
{
	json_t *o = json_object();
	char name[AUTH_NAME_SIZE + 1];
	memcpy(name, c->name, AUTH_NAME_SIZE);
	name[AUTH_NAME_SIZE] = '\0';
	json_object_set_new(o, "id", api_json_string_id(c->token_id));
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "role", json_string(api_role_name(c->role)));
	json_object_set_new(o, "tenant_id", api_json_string_u64(c->tenant_id));
	json_object_set_new(o, "owner_id", api_json_string_id(c->owner_id));
	if (created_ns)
		json_object_set_new(o, "created_ns", api_json_string_u64(created_ns));
	json_object_set_new(o, "revoked", json_boolean(revoked_ns != 0));
	return o;
}

/* Decode role, tenant_id, owner_id (shared by create and role change). */
static int decode_scope(struct api_request *r, json_t *doc, uint16_t *role, uint64_t *tenant_id, sz_id *owner_id)
{
	json_t *v = json_object_get(doc, "role");
	int parsed = json_is_string(v) ? api_role_parse(json_string_value(v)) : -1;
	if (parsed < 0) {
		api_problem(r, "field_invalid", "'role' must be one of central_bank, operator, merchant, regulator, auditor, admin");
		return SZ_EINVAL;
	}
	*role = (uint16_t)parsed;
	v = json_object_get(doc, "tenant_id");
	*tenant_id = 0;
	if (v != NULL && (!json_is_string(v) || sz_u64_parse(json_string_value(v), json_string_length(v), tenant_id))) {
		api_problem(r, "field_invalid", "'tenant_id' must be a decimal string");
		return SZ_EINVAL;
	}
	const char *code;
	char detail[128];
	if (api_json_id(doc, "owner_id", false, owner_id, &code, detail, sizeof detail)) {
		api_problem(r, code, "%s", detail);
		return SZ_EINVAL;
	}
	return 0;
}

static bool keys_known(struct api_request *r, json_t *doc, const char *const *keys, size_t count)
{
	const char *key;
	json_t *value;
	json_object_foreach(doc, key, value) {
		(void)value;
		bool known = false;
		for (size_t i = 0; i < count; i++)
			known = known || strcmp(key, keys[i]) == 0;
		if (!known) {
			api_problem(r, "field_unknown", "unknown field '%s'", key);
			return false;
		}
	}
	return true;
}

static void create_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] != SZ_R_OK) {
		api_problem_result(r, results[0], NULL);
		return;
	}
	json_t *o = token_json(&r->u.token, 0, 0);
	json_object_set_new(o, "token", json_string(r->token_text));
	sodium_memzero(r->token_text, sizeof r->token_text);
	api_reply_json(r, 201, o);
}

void api_handle_token_create(struct api_request *r)
{
	static const char *const keys[] = { "name", "role", "tenant_id", "owner_id" };
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	struct auth_token_cmd *c = &r->u.token;
	memset(c, 0, sizeof *c);
	if (!keys_known(r, doc, keys, 4) || decode_scope(r, doc, &c->role, &c->tenant_id, &c->owner_id)) {
		json_decref(doc);
		return;
	}
	json_t *name = json_object_get(doc, "name");
	if (name != NULL && (!json_is_string(name) || json_string_length(name) > AUTH_NAME_SIZE)) {
		json_decref(doc);
		api_problem(r, "field_invalid", "'name' must be a string of at most %u bytes", AUTH_NAME_SIZE);
		return;
	}
	if (name != NULL)
		memcpy(c->name, json_string_value(name), json_string_length(name));
	json_decref(doc);
	randombytes_buf(&c->token_id, sizeof c->token_id);
	c->token_id.hi &= 0x7fffffffffffffffull;
	c->token_id.hi |= 1; /* never zero */
	auth_token_generate(r->token_text);
	auth_token_hash(r->server->secret, r->token_text, strlen(r->token_text), c->hash);
	struct { sz_command_header h; struct auth_token_cmd c; } cmd = {
		{ sizeof cmd, SZ_CMD_AUTH_TOKEN_CREATE, 0 }, *c,
	};
	api_submit(r, &cmd, sizeof cmd, 1, create_done);
}

void api_handle_token_list(struct api_request *r)
{
	const struct auth_state *a = auth_of(r);
	json_t *rows = json_array();
	for (uint32_t i = 0; i < auth_token_count(a); i++) {
		const struct auth_token *t = auth_token_at(a, i);
		json_array_append_new(rows, token_json(&t->cmd, t->created_ns, t->revoked_ns));
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "tokens", rows);
	api_reply_json(r, 200, doc);
}

static const struct auth_token *path_token(struct api_request *r)
{
	sz_id id;
	const char *text = api_param(r, 0);
	if (sz_id_parse(text, strlen(text), &id, 0)) {
		api_problem(r, "id_invalid", "'%s' is not a 128-bit id", text);
		return NULL;
	}
	const struct auth_token *t = auth_token_by_id(auth_of(r), id);
	if (t == NULL)
		api_problem(r, "not_found", "no token %s", text);
	return t;
}

static void change_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] != SZ_R_OK && results[0] != SZ_R_EXISTS) {
		api_problem_result(r, results[0], NULL);
		return;
	}
	const struct auth_token *t = auth_token_by_id(auth_of(r), r->u.revoke.token_id);
	SZ_ASSERT(t != NULL);
	api_reply_json(r, 200, token_json(&t->cmd, t->created_ns, t->revoked_ns));
}

void api_handle_token_revoke(struct api_request *r)
{
	const struct auth_token *t = path_token(r);
	if (t == NULL)
		return;
	if (sz_id_eq(t->cmd.token_id, r->principal.token_id)) {
		api_problem(r, "field_invalid", "a token cannot revoke itself");
		return;
	}
	struct { sz_command_header h; struct auth_revoke_cmd c; } cmd = {
		{ sizeof cmd, SZ_CMD_AUTH_TOKEN_REVOKE, 0 }, { t->cmd.token_id },
	};
	r->u.revoke = cmd.c;
	api_submit(r, &cmd, sizeof cmd, 1, change_done);
}

void api_handle_token_role(struct api_request *r)
{
	static const char *const keys[] = { "role", "tenant_id", "owner_id" };
	const struct auth_token *t = path_token(r);
	if (t == NULL)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	struct { sz_command_header h; struct auth_role_cmd c; } cmd = {
		{ sizeof cmd, SZ_CMD_AUTH_TOKEN_ROLE, 0 }, { .token_id = t->cmd.token_id },
	};
	if (!keys_known(r, doc, keys, 3) || decode_scope(r, doc, &cmd.c.role, &cmd.c.tenant_id, &cmd.c.owner_id)) {
		json_decref(doc);
		return;
	}
	json_decref(doc);
	r->u.revoke.token_id = t->cmd.token_id; /* change_done reads the id from here */
	api_submit(r, &cmd, sizeof cmd, 1, change_done);
}

void api_handle_whoami(struct api_request *r)
{
	const struct auth_token *t = auth_token_by_id(auth_of(r), r->principal.token_id);
	SZ_ASSERT(t != NULL);
	api_reply_json(r, 200, token_json(&t->cmd, t->created_ns, t->revoked_ns));
}
