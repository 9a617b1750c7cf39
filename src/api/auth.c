/*
 * auth.c — the auth domain: token commands applied by the engine, the token
 * table and its two indexes (by keyed hash, by token id), roles, and the
 * server secret file. See auth.h for the contract.
 *
 * The table is a dense array (append-only: tokens are revoked, never
 * removed) with open-addressing indexes of capacity 2 * SZ_API_TOKEN_COUNT_MAX
 * allocated once at registration, so apply never allocates.
 */
#include "api/auth.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/limits.h"
#include "log/snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define INDEX_CAPACITY (2u * SZ_API_TOKEN_COUNT_MAX)
_Static_assert((INDEX_CAPACITY & (INDEX_CAPACITY - 1)) == 0, "index capacity is a power of two");

struct auth_state {
	struct auth_token *tokens;
	uint32_t count;
	uint32_t *by_hash;   /* token index + 1; 0 = empty */
	uint32_t *by_id;
};

const char *const api_role_names[API_ROLE_COUNT + 1] = {
	"central_bank", "operator", "merchant", "regulator", "auditor", "admin", "risk_analyst", "compliance_officer",
	"credit_analyst", "green_desk", NULL,
};
#define role_names api_role_names

const char *api_role_name(uint32_t role)
{
	return role < API_ROLE_COUNT ? role_names[role] : "unknown";
}

int api_role_parse(const char *name)
{
	for (int i = 0; i < (int)API_ROLE_COUNT; i++)
		if (name != NULL && strcmp(name, role_names[i]) == 0)
			return i;
	return -1;
}

const struct sz_result_info auth_result_table[AUTH_RESULT_COUNT] = {
	{ AUTH_R_TOKEN_HASH_TAKEN, "token_hash_taken", "another token has this hash" },
	{ AUTH_R_TOKEN_NOT_FOUND, "token_not_found", "no token has this id" },
	{ AUTH_R_ROLE_INVALID, "role_invalid", "the role is not one of the known roles" },
	{ AUTH_R_TOKEN_REVOKED, "token_revoked", "the token is revoked" },
	{ AUTH_R_TENANT_REQUIRED, "tenant_required", "an operator, merchant, risk analyst or compliance officer token needs a tenant" },
};

const char *auth_result_name(uint32_t result)
{
	for (size_t i = 0; i < AUTH_RESULT_COUNT; i++)
		if (auth_result_table[i].result == result)
			return auth_result_table[i].name;
	return sz_result_name(result);
}

/* ---- indexes ----------------------------------------------------------- */

static uint64_t hash_key(const uint8_t hash[32])
{
	uint64_t lo, hi;
	memcpy(&lo, hash, 8);
	memcpy(&hi, hash + 8, 8);
	return sz_mix64(lo, hi);
}

static uint64_t id_key(sz_id id) { return sz_mix64(id.lo, id.hi); }

static int64_t find_by_hash(const struct auth_state *a, const uint8_t hash[32])
{
	for (uint32_t i = (uint32_t)hash_key(hash), probes = 0; probes < INDEX_CAPACITY; i++, probes++) {
		uint32_t v = a->by_hash[i & (INDEX_CAPACITY - 1)];
		if (v == 0)
			return -1;
		if (memcmp(a->tokens[v - 1].cmd.hash, hash, 32) == 0)
			return v - 1;
	}
	SZ_UNREACHABLE();
}

static int64_t find_by_id(const struct auth_state *a, sz_id id)
{
	for (uint32_t i = (uint32_t)id_key(id), probes = 0; probes < INDEX_CAPACITY; i++, probes++) {
		uint32_t v = a->by_id[i & (INDEX_CAPACITY - 1)];
		if (v == 0)
			return -1;
		if (sz_id_eq(a->tokens[v - 1].cmd.token_id, id))
			return v - 1;
	}
	SZ_UNREACHABLE();
}

static void index_put(uint32_t *table, uint64_t key, uint32_t index)
{
	SZ_ASSERT(index < SZ_API_TOKEN_COUNT_MAX);
	for (uint32_t i = (uint32_t)key;; i++) {
		if (table[i & (INDEX_CAPACITY - 1)] == 0) {
			table[i & (INDEX_CAPACITY - 1)] = index + 1;
			return;
		}
	}
}

static void token_append(struct auth_state *a, const struct auth_token *t)
{
	SZ_ASSERT(a->count < SZ_API_TOKEN_COUNT_MAX);
	a->tokens[a->count] = *t;
	index_put(a->by_hash, hash_key(t->cmd.hash), a->count);
	index_put(a->by_id, id_key(t->cmd.token_id), a->count);
	a->count++;
}

/* ---- apply ------------------------------------------------------------- */

static bool all_zero(const void *p, size_t size)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < size; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* Operators and merchants belong to a tenant; merchants also have an owner. */
static uint32_t check_scope(uint16_t role, uint64_t tenant_id, sz_id owner_id)
{
	if (role >= API_ROLE_COUNT)
		return AUTH_R_ROLE_INVALID;
	if ((role == API_ROLE_OPERATOR || role == API_ROLE_MERCHANT || role == API_ROLE_RISK_ANALYST ||
	     role == API_ROLE_COMPLIANCE_OFFICER || role == API_ROLE_CREDIT_ANALYST || role == API_ROLE_GREEN_DESK) &&
	    tenant_id == 0)
		return AUTH_R_TENANT_REQUIRED;
	if (role == API_ROLE_MERCHANT && sz_id_is_zero(owner_id))
		return SZ_R_ID_ZERO;
	return SZ_R_OK;
}

static uint32_t apply_create(struct auth_state *a, const struct auth_token_cmd *c, uint64_t now_ns)
{
	if (sz_id_is_zero(c->token_id))
		return SZ_R_ID_ZERO;
	if (c->reserved16 != 0 || c->reserved32 != 0)
		return SZ_R_RESERVED_NONZERO;
	uint32_t r = check_scope(c->role, c->tenant_id, c->owner_id);
	if (r != SZ_R_OK)
		return r;
	int64_t existing = find_by_id(a, c->token_id);
	if (existing >= 0)
		return memcmp(&a->tokens[existing].cmd, c, sizeof *c) == 0 ? SZ_R_EXISTS
									 : SZ_R_EXISTS_WITH_DIFFERENT_FIELDS;
	if (find_by_hash(a, c->hash) >= 0)
		return AUTH_R_TOKEN_HASH_TAKEN;
	if (a->count == SZ_API_TOKEN_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct auth_token t = { .cmd = *c, .created_ns = now_ns, .revoked_ns = 0 };
	token_append(a, &t);
	return SZ_R_OK;
}

static uint32_t apply_revoke(struct auth_state *a, const struct auth_revoke_cmd *c, uint64_t now_ns)
{
	int64_t index = find_by_id(a, c->token_id);
	if (index < 0)
		return AUTH_R_TOKEN_NOT_FOUND;
	if (a->tokens[index].revoked_ns != 0)
		return SZ_R_EXISTS; /* revoking twice is an idempotent retry */
	a->tokens[index].revoked_ns = now_ns;
	return SZ_R_OK;
}

static uint32_t apply_role(struct auth_state *a, const struct auth_role_cmd *c)
{
	if (!all_zero(c->reserved, sizeof c->reserved))
		return SZ_R_RESERVED_NONZERO;
	uint32_t r = check_scope(c->role, c->tenant_id, c->owner_id);
	if (r != SZ_R_OK)
		return r;
	int64_t index = find_by_id(a, c->token_id);
	if (index < 0)
		return AUTH_R_TOKEN_NOT_FOUND;
	struct auth_token *t = &a->tokens[index];
	if (t->revoked_ns != 0)
		return AUTH_R_TOKEN_REVOKED;
	t->cmd.role = c->role;
	t->cmd.tenant_id = c->tenant_id;
	t->cmd.owner_id = c->owner_id;
	return SZ_R_OK;
}

static uint32_t auth_apply(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx,
			   const sz_command_header *cmd)
{
	(void)s;
	struct auth_state *a = domain_state;
	SZ_ASSERT(a != NULL);
	SZ_ASSERT(cmd->size >= sizeof *cmd);
	const void *body = cmd + 1;
	uint32_t body_size = cmd->size - (uint32_t)sizeof *cmd;
	switch (cmd->kind) {
	case SZ_CMD_AUTH_TOKEN_CREATE:
		if (body_size != sizeof(struct auth_token_cmd))
			return SZ_R_COMMAND_INVALID;
		struct auth_token_cmd create;
		memcpy(&create, body, sizeof create);
		return apply_create(a, &create, ctx->timestamp_ns);
	case SZ_CMD_AUTH_TOKEN_REVOKE:
		if (body_size != sizeof(struct auth_revoke_cmd))
			return SZ_R_COMMAND_INVALID;
		struct auth_revoke_cmd revoke;
		memcpy(&revoke, body, sizeof revoke);
		return apply_revoke(a, &revoke, ctx->timestamp_ns);
	case SZ_CMD_AUTH_TOKEN_ROLE:
		if (body_size != sizeof(struct auth_role_cmd))
			return SZ_R_COMMAND_INVALID;
		struct auth_role_cmd role;
		memcpy(&role, body, sizeof role);
		return apply_role(a, &role);
	}
	return SZ_R_COMMAND_INVALID;
}

/* ---- snapshot, digest, lifecycle --------------------------------------- */

static int auth_snapshot_write(const void *domain_state, struct sz_snap *f)
{
	const struct auth_state *a = domain_state;
	int rc = sz_snap_write_u64(f, a->count);
	if (rc == 0 && a->count)
		rc = sz_snap_write(f, a->tokens, sizeof *a->tokens * a->count);
	return rc;
}

static int auth_snapshot_read(void *domain_state, struct sz_snap *f)
{
	struct auth_state *a = domain_state;
	uint64_t count;
	SZ_ASSERT(a->count == 0);
	int rc = sz_snap_read_u64(f, &count);
	if (rc)
		return rc;
	if (count > SZ_API_TOKEN_COUNT_MAX)
		return SZ_ECORRUPT;
	for (uint64_t i = 0; i < count; i++) {
		struct auth_token t;
		if ((rc = sz_snap_read(f, &t, sizeof t)))
			return rc;
		if (t.cmd.role >= API_ROLE_COUNT || find_by_id(a, t.cmd.token_id) >= 0)
			return SZ_ECORRUPT;
		token_append(a, &t);
	}
	return 0;
}

static void auth_digest(const void *domain_state, void *blake2b_state)
{
	const struct auth_state *a = domain_state;
	crypto_generichash_state *h = blake2b_state;
	uint64_t count = a->count;
	crypto_generichash_update(h, (const unsigned char *)"auth", 4);
	crypto_generichash_update(h, (const unsigned char *)&count, sizeof count);
	if (a->count)
		crypto_generichash_update(h, (const unsigned char *)a->tokens, sizeof *a->tokens * a->count);
}

static void auth_release(void *domain_state)
{
	struct auth_state *a = domain_state;
	if (a == NULL)
		return;
	free(a->tokens);
	free(a->by_hash);
	free(a->by_id);
	free(a);
}

int auth_domain_register(struct sz_state *s)
{
	sz_result_register(auth_result_table, AUTH_RESULT_COUNT);
	struct auth_state *a = calloc(1, sizeof *a);
	if (a == NULL)
		return SZ_ENOMEM;
	a->tokens = calloc(SZ_API_TOKEN_COUNT_MAX, sizeof *a->tokens);
	a->by_hash = calloc(INDEX_CAPACITY, sizeof *a->by_hash);
	a->by_id = calloc(INDEX_CAPACITY, sizeof *a->by_id);
	if (a->tokens == NULL || a->by_hash == NULL || a->by_id == NULL) {
		auth_release(a);
		return SZ_ENOMEM;
	}
	struct sz_domain d = {
		.name = "auth",
		.kind_base = SZ_CMD_AUTH_BASE,
		.state = a,
		.apply = auth_apply,
		.snapshot_write = auth_snapshot_write,
		.snapshot_read = auth_snapshot_read,
		.digest = auth_digest,
		.release = auth_release,
	};
	int rc = sz_state_register(s, &d);
	if (rc)
		auth_release(a);
	return rc;
}

/* ---- queries ----------------------------------------------------------- */

const struct auth_state *auth_state_get(const struct sz_state *s)
{
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].kind_base == SZ_CMD_AUTH_BASE)
			return s->domains[i].state;
	return NULL;
}

uint32_t auth_token_count(const struct auth_state *a) { return a->count; }

const struct auth_token *auth_token_by_hash(const struct auth_state *a, const uint8_t hash[32])
{
	int64_t index = find_by_hash(a, hash);
	if (index < 0 || a->tokens[index].revoked_ns != 0)
		return NULL;
	return &a->tokens[index];
}

const struct auth_token *auth_token_by_id(const struct auth_state *a, sz_id token_id)
{
	int64_t index = find_by_id(a, token_id);
	return index < 0 ? NULL : &a->tokens[index];
}

const struct auth_token *auth_token_at(const struct auth_state *a, uint32_t index)
{
	SZ_ASSERT(index < a->count);
	return &a->tokens[index];
}

/* ---- secret and token text --------------------------------------------- */

static int secret_create(const char *path, uint8_t secret[32])
{
	randombytes_buf(secret, 32);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return SZ_EIO;
	int rc = (write(fd, secret, 32) == 32 && fsync(fd) == 0) ? 0 : SZ_EIO;
	close(fd);
	return rc;
}

int auth_secret_load(const char *data_dir, uint8_t secret[32], char *why, size_t why_size)
{
	char path[512];
	snprintf(path, sizeof path, "%s/server.key", data_dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if (secret_create(path, secret) == 0)
			return 0;
		snprintf(why, why_size, "cannot create %s: %s", path, strerror(errno));
		return SZ_EIO;
	}
	if (fd < 0) {
		snprintf(why, why_size, "cannot open %s: %s", path, strerror(errno));
		return SZ_EIO;
	}
	ssize_t n = read(fd, secret, 32);
	close(fd);
	if (n != 32) {
		snprintf(why, why_size, "%s must hold 32 bytes", path);
		return SZ_ECORRUPT;
	}
	return 0;
}

void auth_token_hash(const uint8_t secret[32], const char *token, size_t size, uint8_t out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)token, size, secret, 32);
}

void auth_token_generate(char out[AUTH_TOKEN_TEXT_SIZE])
{
	uint8_t raw[32];
	randombytes_buf(raw, sizeof raw);
	memcpy(out, "szfin_", 6);
	sodium_bin2hex(out + 6, AUTH_TOKEN_TEXT_SIZE - 6, raw, sizeof raw);
	SZ_ASSERT(strlen(out) == AUTH_TOKEN_TEXT_SIZE - 1);
}
