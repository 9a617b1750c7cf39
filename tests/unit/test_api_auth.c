/* test_api_auth.c — the auth domain (src/api/auth.c): token create, revoke
 * and role change applied through the state machine, idempotency, scope
 * rules, keyed hashing, and a snapshot round trip with equal digests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "ledger/ledger.h"
#include "api/auth.h"
#include "core/errors.h"
#include "core/hash.h"
#include "engine/state.h"
#include "log/snapshot.h"

struct cmd_create { sz_command_header h; struct auth_token_cmd c; };
struct cmd_revoke { sz_command_header h; struct auth_revoke_cmd c; };
struct cmd_role { sz_command_header h; struct auth_role_cmd c; };

static uint64_t sequence;

static uint32_t apply(struct sz_state *s, const void *cmd, uint32_t size)
{
	uint32_t result = UINT32_MAX;
	sequence++;
	sz_state_apply_batch(s, sequence, 1000 * sequence, cmd, size, 1, 0, &result);
	return result;
}

static struct cmd_create token(uint64_t id, uint16_t role, uint64_t tenant, uint64_t owner, const char *text,
			       const uint8_t secret[32])
{
	struct cmd_create c = { { sizeof c, SZ_CMD_AUTH_TOKEN_CREATE, 0 },
				{ .token_id = { id, 0 }, .role = role, .tenant_id = tenant, .owner_id = { owner, 0 } } };
	auth_token_hash(secret, text, strlen(text), c.c.hash);
	return c;
}

static void test_tokens(void **unused)
{
	(void)unused;
	struct sz_state s;
	uint8_t secret[32] = { 1, 2, 3 };
	assert_int_equal(sz_state_init(&s), 0);
	assert_int_equal(ledger_domain_register(&s), 0);
	assert_int_equal(auth_domain_register(&s), 0);
	const struct auth_state *a = auth_state_get(&s);
	assert_non_null(a);

	struct cmd_create admin = token(1, API_ROLE_ADMIN, 0, 0, "szfin_admin", secret);
	assert_int_equal(apply(&s, &admin, sizeof admin), SZ_R_OK);
	assert_int_equal(apply(&s, &admin, sizeof admin), SZ_R_EXISTS);
	struct cmd_create other = admin;
	other.c.role = API_ROLE_AUDITOR;
	assert_int_equal(apply(&s, &other, sizeof other), SZ_R_EXISTS_WITH_DIFFERENT_FIELDS);
	struct cmd_create same_hash = token(2, API_ROLE_AUDITOR, 0, 0, "szfin_admin", secret);
	assert_int_equal(apply(&s, &same_hash, sizeof same_hash), AUTH_R_TOKEN_HASH_TAKEN);
	struct cmd_create op = token(3, API_ROLE_OPERATOR, 0, 0, "szfin_op", secret);
	assert_int_equal(apply(&s, &op, sizeof op), AUTH_R_TENANT_REQUIRED);
	op = token(3, API_ROLE_OPERATOR, 7, 0, "szfin_op", secret);
	assert_int_equal(apply(&s, &op, sizeof op), SZ_R_OK);
	struct cmd_create me = token(4, API_ROLE_MERCHANT, 7, 0, "szfin_me", secret);
	assert_int_equal(apply(&s, &me, sizeof me), SZ_R_ID_ZERO); /* merchants need an owner */
	struct cmd_create bad_role = token(5, API_ROLE_COUNT, 0, 0, "szfin_x", secret);
	assert_int_equal(apply(&s, &bad_role, sizeof bad_role), AUTH_R_ROLE_INVALID);
	struct cmd_create zero = token(0, API_ROLE_ADMIN, 0, 0, "szfin_z", secret);
	assert_int_equal(apply(&s, &zero, sizeof zero), SZ_R_ID_ZERO);
	assert_int_equal(auth_token_count(a), 2);

	uint8_t hash[32];
	auth_token_hash(secret, "szfin_op", 8, hash);
	const struct auth_token *t = auth_token_by_hash(a, hash);
	assert_non_null(t);
	assert_int_equal(t->cmd.tenant_id, 7);
	uint8_t other_secret[32] = { 9 };
	auth_token_hash(other_secret, "szfin_op", 8, hash);
	assert_null(auth_token_by_hash(a, hash)); /* the key matters */

	struct cmd_role role = { { sizeof role, SZ_CMD_AUTH_TOKEN_ROLE, 0 },
				 { .token_id = { 3, 0 }, .role = API_ROLE_REGULATOR } };
	assert_int_equal(apply(&s, &role, sizeof role), SZ_R_OK);
	assert_int_equal(auth_token_by_id(a, (sz_id){ 3, 0 })->cmd.role, API_ROLE_REGULATOR);
	struct cmd_revoke revoke = { { sizeof revoke, SZ_CMD_AUTH_TOKEN_REVOKE, 0 }, { { 3, 0 } } };
	assert_int_equal(apply(&s, &revoke, sizeof revoke), SZ_R_OK);
	assert_int_equal(apply(&s, &revoke, sizeof revoke), SZ_R_EXISTS);
	auth_token_hash(secret, "szfin_op", 8, hash);
	assert_null(auth_token_by_hash(a, hash));
	assert_int_equal(apply(&s, &role, sizeof role), AUTH_R_TOKEN_REVOKED);
	revoke.c.token_id.lo = 99;
	assert_int_equal(apply(&s, &revoke, sizeof revoke), AUTH_R_TOKEN_NOT_FOUND);
	struct { sz_command_header h; uint8_t body[8]; } short_cmd = { { 16, SZ_CMD_AUTH_TOKEN_CREATE, 0 }, { 0 } };
	assert_int_equal(apply(&s, &short_cmd, sizeof short_cmd), SZ_R_COMMAND_INVALID);

	/* snapshot round trip: same tokens, same digest */
	FILE *f = tmpfile();
	struct sz_snap w = { .f = f };
	crypto_generichash_init(&w.hash, NULL, 0, 32);
	assert_int_equal(sz_state_snapshot_write(&s, &w), 0);
	rewind(f);
	struct sz_state s2;
	assert_int_equal(sz_state_init(&s2), 0);
	assert_int_equal(ledger_domain_register(&s2), 0);
	assert_int_equal(auth_domain_register(&s2), 0);
	struct sz_snap r = { .f = f };
	crypto_generichash_init(&r.hash, NULL, 0, 32);
	assert_int_equal(sz_state_snapshot_read(&s2, &r), 0);
	s2.sequence = s.sequence;
	s2.batch_time_ns = s.batch_time_ns;
	uint8_t d1[32], d2[32];
	sz_state_digest(&s, d1);
	sz_state_digest(&s2, d2);
	assert_memory_equal(d1, d2, 32);
	assert_int_equal(auth_token_count(auth_state_get(&s2)), 2);
	fclose(f);
	sz_state_release(&s2);
	sz_state_release(&s);
}

static void test_token_text(void **unused)
{
	(void)unused;
	char a[AUTH_TOKEN_TEXT_SIZE], b[AUTH_TOKEN_TEXT_SIZE];
	auth_token_generate(a);
	auth_token_generate(b);
	assert_int_equal(strlen(a), AUTH_TOKEN_TEXT_SIZE - 1);
	assert_memory_equal(a, "szfin_", 6);
	assert_string_not_equal(a, b);
}

int main(void)
{
	sz_hash_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_token_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
