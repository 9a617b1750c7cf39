/*
 * cli.h — entry points of the szfin subcommands (see main.c for the table).
 */
#ifndef SZ_CLI_H
#define SZ_CLI_H

int verify_main(int argc, char **argv);

#endif
