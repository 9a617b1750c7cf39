/*
 * cli.h — the currency domain's CLI adapter (src/currency/cli.c): its
 * subcommand table (`szfin currency ...`, which also drives the contract
 * routes, and the offline device helpers keygen and sign-offline). Only the
 * composition root names it.
 */
#ifndef SZ_CURRENCY_CLI_H
#define SZ_CURRENCY_CLI_H

struct cli_command_table; /* cli/cli.h */

extern const struct cli_command_table currency_cli_table;

#endif
