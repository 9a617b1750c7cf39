/*
 * cli_backtest.h — `szfin risk backtest` and `szfin risk gen`
 * (src/risk/cli_backtest.c): offline commands that need no server.
 */
#ifndef SZ_RISK_CLI_BACKTEST_H
#define SZ_RISK_CLI_BACKTEST_H

/* argv[0] = "backtest" / "gen"; returns the exit code (0, 1 bad input, 2 usage). */
int risk_backtest_main(int argc, char **argv);
int risk_gen_main(int argc, char **argv);

#endif
