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

extern const struct api_route_table credit_route_table;

extern const struct cli_command_table credit_cli_table;

#endif
