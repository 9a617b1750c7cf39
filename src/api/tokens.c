/*
 * tokens.c — token routes (admin only): create, list, revoke, change role;
 * and whoami for every authenticated caller.
 *
 * A new token's text is generated here, answered once, and never stored: the
 * command carries only its keyed hash (auth.h).
 */
#include "api/api.h"
#include "api/codec.h"
#include "api/requests.h"
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

#define TK(field) offsetof(struct api_token_in, field)
#define TOKEN_SCOPE_FIELDS \
	{ .name = "role", .type = API_T_ENUM, .flags = API_F_REQUIRED, .offset = TK(role), .size = 2, \
	  .names = api_role_names }, \
	{ .name = "tenant_id", .type = API_T_UINT, .flags = API_F_TEXT, .offset = TK(tenant_id), .size = 8 }, \
	{ .name = "owner_id", .type = API_T_ID, .offset = TK(owner_id) }
static const struct api_field token_create_fields[] = {
	TOKEN_SCOPE_FIELDS,
	{ .name = "name", .type = API_T_STRING, .offset = TK(name), .size = AUTH_NAME_SIZE + 1 },
};
static const struct api_field token_role_fields[] = { TOKEN_SCOPE_FIELDS };
#undef TOKEN_SCOPE_FIELDS
#undef TK
_Static_assert(sizeof(((struct api_token_in *)0)->name) == AUTH_NAME_SIZE + 1, "name holds AUTH_NAME_SIZE bytes");
const struct api_schema api_token_create_schema = API_SCHEMA("token_create", token_create_fields, struct api_token_in);
const struct api_schema api_token_role_schema = API_SCHEMA("token_role", token_role_fields, struct api_token_in);

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
	const struct api_token_in *in = r->in;
	SZ_ASSERT(in != NULL);
	struct auth_token_cmd *c = &r->u.token;
	memset(c, 0, sizeof *c);
	c->role = in->role;
	c->tenant_id = in->tenant_id;
	c->owner_id = in->owner_id;
	memcpy(c->name, in->name, strlen(in->name)); /* at most AUTH_NAME_SIZE bytes, no NUL stored */
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
	const struct api_token_in *in = r->in;
	SZ_ASSERT(in != NULL);
	const struct auth_token *t = path_token(r);
	if (t == NULL)
		return;
	struct { sz_command_header h; struct auth_role_cmd c; } cmd = {
		{ sizeof cmd, SZ_CMD_AUTH_TOKEN_ROLE, 0 },
		{ .token_id = t->cmd.token_id, .role = in->role, .tenant_id = in->tenant_id, .owner_id = in->owner_id },
	};
	r->u.revoke.token_id = t->cmd.token_id; /* change_done reads the id from here */
	api_submit(r, &cmd, sizeof cmd, 1, change_done);
}

void api_handle_whoami(struct api_request *r)
{
	const struct auth_token *t = auth_token_by_id(auth_of(r), r->principal.token_id);
	SZ_ASSERT(t != NULL);
	api_reply_json(r, 200, token_json(&t->cmd, t->created_ns, t->revoked_ns));
}
