/*
 * auth.h — the auth domain: API tokens, their roles and tenants.
 *
 * Owns: the token table in the replicated state (commands SZ_CMD_AUTH_BASE +
 * 1..3 in the log: create, revoke, change role), the roles and what each may
 * see (tenant scoping), the keyed hash of tokens and the server secret.
 *
 * Tokens are never stored: the log and the state hold only
 * BLAKE2b-256(token, key = server secret), where the 32-byte secret lives in
 * <data_dir>/server.key (0600) and never enters the log. A token is
 * "szfin_" followed by 64 hex digits (32 random bytes).
 * Never: decide anything from the wall clock in apply (deterministic), or log
 * a token.
 */
#ifndef SZ_API_AUTH_H
#define SZ_API_AUTH_H

#include "core/results.h"
#include "engine/state.h"
#include "szfin/szfin.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum api_role {
	API_ROLE_CENTRAL_BANK = 0,
	API_ROLE_OPERATOR = 1,   /* bank or payment institution: one tenant */
	API_ROLE_MERCHANT = 2,   /* merchant or enterprise: its own accounts in a tenant */
	API_ROLE_REGULATOR = 3,  /* reads everything, moves nothing */
	API_ROLE_AUDITOR = 4,    /* reads everything, moves nothing */
	API_ROLE_ADMIN = 5,      /* manages tokens; reads everything */
	API_ROLE_RISK_ANALYST = 6,      /* AML: works alerts and cases of one tenant */
	API_ROLE_COMPLIANCE_OFFICER = 7,/* AML: as an analyst, and closes cases as reported or frozen */
	API_ROLE_CREDIT_ANALYST = 8,    /* a bank's credit desk: one tenant, the credit domain only (grants) */
	API_ROLE_GREEN_DESK = 9,        /* a bank's green-finance desk: one tenant, the green domain only (grants) */
	API_ROLE_COUNT = 10,
};
#define API_ROLE_BIT(role) (1u << (role))
/* Role masks for route tables, defined once for the platform and every domain. */
#define API_CB API_ROLE_BIT(API_ROLE_CENTRAL_BANK)
#define API_OP API_ROLE_BIT(API_ROLE_OPERATOR)
#define API_ME API_ROLE_BIT(API_ROLE_MERCHANT)
#define API_RG API_ROLE_BIT(API_ROLE_REGULATOR)
#define API_AU API_ROLE_BIT(API_ROLE_AUDITOR)
#define API_AD API_ROLE_BIT(API_ROLE_ADMIN)
#define API_RA API_ROLE_BIT(API_ROLE_RISK_ANALYST)
#define API_CO API_ROLE_BIT(API_ROLE_COMPLIANCE_OFFICER)
#define API_CA API_ROLE_BIT(API_ROLE_CREDIT_ANALYST)
#define API_GD API_ROLE_BIT(API_ROLE_GREEN_DESK)
#define API_READERS (API_CB | API_OP | API_ME | API_RG | API_AU | API_AD) /* the roles that read the ledger */
/* Desk roles reach a domain only through the grants of the composition root
 * (api_router_grant, src/app/registry.c) or, for the AML desk (risk analyst,
 * compliance officer), the risk domain's own route table; on the platform
 * they have the routes every caller needs: whoami, views, the event stream
 * (scoped: the AML desk reads its tenant's accounts, the others none),
 * logout. */
#define API_DESKS (API_CA | API_GD | API_RA | API_CO)
#define API_ROLES_ALL ((1u << API_ROLE_COUNT) - 1u)

const char *api_role_name(uint32_t role);
/* -1 if the name is not a role. */
int api_role_parse(const char *name);
/* The role names in enum order, NULL-terminated (request schemas use them). */
extern const char *const api_role_names[API_ROLE_COUNT + 1];

enum auth_command_kind {
	SZ_CMD_AUTH_TOKEN_CREATE = SZ_CMD_AUTH_BASE + 1, /* body: struct auth_token_cmd */
	SZ_CMD_AUTH_TOKEN_REVOKE = SZ_CMD_AUTH_BASE + 2, /* body: struct auth_revoke_cmd */
	SZ_CMD_AUTH_TOKEN_ROLE = SZ_CMD_AUTH_BASE + 3,   /* body: struct auth_role_cmd */
};

/* Results of auth commands (domain results start at 100). */
enum auth_result {
	AUTH_R_TOKEN_HASH_TAKEN = 100,
	AUTH_R_TOKEN_NOT_FOUND = 101,
	AUTH_R_ROLE_INVALID = 102,
	AUTH_R_TOKEN_REVOKED = 103,
	AUTH_R_TENANT_REQUIRED = 104,
};
/* Stable name of a ledger or auth result code. */
const char *auth_result_name(uint32_t result);
/* The auth results' names and texts (kind base 0x0100: codes 100-199),
 * listed by the registry like every domain's result table. */
#define AUTH_RESULT_COUNT 5u
extern const struct sz_result_info auth_result_table[AUTH_RESULT_COUNT];

#define AUTH_NAME_SIZE 32u
#define AUTH_TOKEN_TEXT_SIZE 71u /* "szfin_" + 64 hex + NUL */

/* 112 bytes. A principal: token id, hash, role, tenant (operators, merchants)
 * and owner (merchants). name is a label for people, NUL-padded. */
struct auth_token_cmd {
	sz_id token_id;
	uint8_t hash[32];
	sz_id owner_id;
	uint64_t tenant_id;
	uint16_t role;
	uint16_t reserved16;
	uint32_t reserved32;
	char name[AUTH_NAME_SIZE];
};
_Static_assert(sizeof(struct auth_token_cmd) == 112, "token command is 112 bytes");

struct auth_revoke_cmd {
	sz_id token_id;
};
_Static_assert(sizeof(struct auth_revoke_cmd) == 16, "revoke command is 16 bytes");

struct auth_role_cmd {
	sz_id token_id;
	sz_id owner_id;
	uint64_t tenant_id;
	uint16_t role;
	uint8_t reserved[6];
};
_Static_assert(sizeof(struct auth_role_cmd) == 48, "role command is 48 bytes");

/* One token as held in the state. */
struct auth_token {
	struct auth_token_cmd cmd;   /* current role/tenant/owner */
	uint64_t created_ns;
	uint64_t revoked_ns;         /* 0 = active */
};

struct auth_state;

/* Register the auth domain (listed in the registry, src/app/registry.c). */
int auth_domain_register(struct sz_state *s);

/* The auth state inside s, or NULL if the domain is not registered. */
const struct auth_state *auth_state_get(const struct sz_state *s);
uint32_t auth_token_count(const struct auth_state *a);
/* Active token with this hash, or NULL. */
const struct auth_token *auth_token_by_hash(const struct auth_state *a, const uint8_t hash[32]);
const struct auth_token *auth_token_by_id(const struct auth_state *a, sz_id token_id);
/* The index-th token (0 <= index < count), for listing. */
const struct auth_token *auth_token_at(const struct auth_state *a, uint32_t index);

/* Server secret: read <dir>/server.key, creating it (0600) if missing. */
int auth_secret_load(const char *data_dir, uint8_t secret[32], char *why, size_t why_size);
/* Keyed hash of a token text. */
void auth_token_hash(const uint8_t secret[32], const char *token, size_t size, uint8_t out[32]);
/* A fresh random token text. */
void auth_token_generate(char out[AUTH_TOKEN_TEXT_SIZE]);

#endif
