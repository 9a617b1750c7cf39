/*
 * cli.h — the green domain's CLI adapter as the platform sees it: one
 * command table (`szfin green ...`), registered by the composition root
 * (src/app/registry.c). The subcommands are in src/green/cli*.c; they talk
 * to the server's /v1/green routes through the shared client (cli/client.h).
 */
#ifndef SZ_GREEN_CLI_H
#define SZ_GREEN_CLI_H

struct cli_command_table; /* cli/cli.h */

extern const struct cli_command_table green_cli_table;

#endif
