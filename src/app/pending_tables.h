/*
 * pending_tables.h — route and CLI tables of the domains whose HTTP and CLI
 * adapters have not moved into their own folders yet (pending_tables.c).
 *
 * Each name is the one its domain will export from src/<domain>/http.h and
 * src/<domain>/cli.h; when a domain brings its own table, its definition
 * leaves pending_tables.c, its declaration leaves this header, and
 * registry.c includes the domain's header instead.
 */
#ifndef SZ_APP_PENDING_TABLES_H
#define SZ_APP_PENDING_TABLES_H

#include "api/api.h"
#include "cli/cli.h"

extern const struct api_route_table green_route_table;
extern const struct api_route_table currency_route_table;
extern const struct api_route_table contract_route_table;

extern const struct cli_command_table green_cli_table;
extern const struct cli_command_table currency_cli_table;

/* Currency accounts are tagged in user_data (currency.h): until the currency
 * descriptor answers owns_account itself, the registry lends it this. */
struct sz_state;
void app_pending_currency_owns_account(struct sz_state *s);

#endif
