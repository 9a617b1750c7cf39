/*
 * client.h — the HTTP client shared by the szfin client subcommands and load.
 *
 * Owns: where the server is (--url, SZFIN_URL, default http://127.0.0.1:8080),
 * where the token comes from (the file named by --token-file, else
 * SZFIN_TOKEN, else the file named by SZFIN_TOKEN_FILE; nothing else: never
 * a token the user did not point to, such as data/admin.token, and never a
 * token on the command line), one request over libcurl, and
 * printing answers for people (times in RFC 3339) or as JSON (as
 * the server sent it: times in nanoseconds).
 */
#ifndef SZ_CLI_CLIENT_H
#define SZ_CLI_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/args.h"

struct client {
	char url[256];
	char token[128];
	bool json;       /* --json: print the server's JSON as is */
};

struct client_answer {
	long status;
	char *body;      /* NUL-terminated, caller frees */
	size_t size;
	char content_type[96];
};

/* Take the common options (--url, --token-file, --json) out of argv,
 * compacting it; returns the new argc or -1 after printing an error. */
int client_init(struct client *c, int argc, char **argv);
/* The same from options parsed with a client spec (args.h); 0 or -1
 * after printing an error (an unreadable token file). */
int client_init_args(struct client *c, const struct cli_args *a);
/* One request; body may be NULL. 0, or -1 on a transport failure. */
int client_request(const struct client *c, const char *method, const char *path, const char *content_type,
		   const void *body, size_t size, struct client_answer *out);
/* Nanoseconds since the epoch (decimal text) as RFC 3339 UTC with nine
 * fraction digits, e.g. 2026-12-02T13:01:32.000000001Z; 0 or -1 if not a
 * number. */
int client_time_rfc3339(char *out, size_t size, const char *ns_text);
/* Append "?key=value" or "&key=value" to path for each option of a that
 * is given (names[k], sent as keys[k]; both lists NULL-terminated), the
 * values percent-encoded (RFC 3986 unreserved characters as they are);
 * stops short rather than overflow size. */
void client_query_append(char *path, size_t size, const struct cli_args *a, const char *const *keys,
			 const char *const *names);
/* Print an answer (human or JSON); returns the exit code (0 for 2xx, 1 otherwise). */
int client_print(const struct client *c, const struct client_answer *a);

#endif
