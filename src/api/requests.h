/*
 * requests.h — the request schemas of the platform's own routes and the
 * decoded structs their handlers read from r->in (schema.h).
 *
 * Owns: one schema per platform route with a JSON body; each is defined
 * next to its handler (accounts.c, transfers.c, tokens.c) and named in the
 * route table (router.c). Domain schemas live in their src/<domain>/http*.c.
 */
#ifndef SZ_API_REQUESTS_H
#define SZ_API_REQUESTS_H

#include "api/schema.h"
#include "szfin/szfin.h"

#include <stdbool.h>

/* POST /v1/accounts: decoded straight into the record (flags, kind by name). */
extern const struct api_schema api_account_create_schema;

/* One transfer of POST /v1/transfers and of a batch. */
struct api_transfer_in {
	sz_transfer t;
	bool pending;
};
extern const struct api_schema api_transfer_create_schema;

/* POST /v1/transfers/batch: 0 to SZ_BATCH_COMMAND_COUNT_MAX items
 * (api_transfer_in); the handler answers batch_empty and batch_too_large
 * against the server's configured maximum. */
struct api_transfer_batch_in {
	struct api_list transfers;
	bool linked;
};
extern const struct api_schema api_transfer_batch_schema;

/* POST /v1/transfers/{id}/post and /void: the amount's currency is the
 * pending transfer's, so it arrives as an exact decimal (void has none). */
struct api_second_phase_in {
	sz_id id;
	uint16_t code;
	struct api_decimal amount;
	bool amount_given;
};
extern const struct api_schema api_transfer_post_schema;
extern const struct api_schema api_transfer_void_schema;

/* POST /v1/tokens and PUT /v1/tokens/{id}/role. */
struct api_token_in {
	uint16_t role;
	uint64_t tenant_id;
	sz_id owner_id;
	char name[33];   /* AUTH_NAME_SIZE bytes and a NUL */
};
extern const struct api_schema api_token_create_schema;
extern const struct api_schema api_token_role_schema;

#endif
