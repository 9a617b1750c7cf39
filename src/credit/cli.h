/*
 * cli.h — the `szfin credit` subcommands (the CLI adapter of the credit domain).
 *
 * Owns: the command line of the credit scorecard tools (train, validate, cv,
 * score, uscc); argv[0] is "credit" as in src/cli/main.c's table. Returns 0
 * on success, 1 on a failure (bad data, unreadable file), 2 on a usage error.
 * Never: change any state other than the model file it is told to write.
 */
#ifndef SZ_CREDIT_CLI_H
#define SZ_CREDIT_CLI_H

struct cli_command_table; /* cli/cli.h */

/* The `szfin credit` command (cli.c); only the composition root names it. */
extern const struct cli_command_table credit_cli_table;

int credit_cli_main(int argc, char **argv);

/* A step of `credit train` after the scorecard is trained and before the
 * model is written (the boosted challenger of cli_boost.c, the
 * szfin-credit-boost trainer, sets one): returns 0, or non-zero after
 * printing why, which fails the command. NULL (the default) = none. */
struct scorecard_model;
struct credit_csv_table;
typedef int (*credit_cli_train_step)(struct scorecard_model *model,
				     const struct credit_csv_table *table, const unsigned char *is_good);
void credit_cli_train_step_set(credit_cli_train_step step);

/* The HTTP client subcommands (cli_client.c: enterprise, report, decide,
 * queries, warnings, objections, models, model). Returns -1 when argv[1]
 * is not one of them, else the exit code. */
int credit_client_main(int argc, char **argv);

#endif
