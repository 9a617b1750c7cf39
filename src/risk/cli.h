/*
 * cli.h — the risk domain's szfin subcommands (src/risk/cli.c).
 */
#ifndef SZ_RISK_CLI_H
#define SZ_RISK_CLI_H

struct cli_command_table;

extern const struct cli_command_table risk_cli_table;

#endif
