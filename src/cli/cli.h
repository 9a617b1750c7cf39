/*
 * cli.h — entry points of the szfin subcommands (see main.c for the table).
 * Each has the signature int name_main(int argc, char **argv), argv[0] = name.
 */
#ifndef SZ_CLI_H
#define SZ_CLI_H

int verify_main(int argc, char **argv);
int serve_main(int argc, char **argv);
int account_main_cli(int argc, char **argv);
int transfer_main_cli(int argc, char **argv);
int token_main_cli(int argc, char **argv);
int whoami_main(int argc, char **argv);
int status_main(int argc, char **argv);
int health_main(int argc, char **argv);
int metrics_main(int argc, char **argv);
int load_main(int argc, char **argv);
int currency_main_cli(int argc, char **argv); /* currency.c */
int green_main_cli(int argc, char **argv); /* green.c */

#endif
