/* serve.c — `szfin serve`: the server lives in src/api (api_serve_main). */
#include "api/api.h"
#include "cli/cli.h"

int serve_main(int argc, char **argv) { return api_serve_main(argc, argv); }
