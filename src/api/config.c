/*
 * config.c — configuration from defaults, an INI file (inih), the environment
 * and flags, in that order (each later source overrides the earlier ones).
 *
 * One table lists every option once; the INI reader, the environment reader,
 * the flag parser and --help all walk it. Numbers are checked against the
 * option's bounds (whose maxima are the limits in core/limits.h).
 */
#include "api/config.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"
#include "ledger/ledger.h"

#include <ini.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum option_type { OPTION_TEXT, OPTION_U32 };

struct option {
	const char *key;   /* INI key (section [server]) and flag --key with '_' -> '-' */
	const char *env;
	enum option_type type;
	size_t offset;
	uint32_t min, max; /* OPTION_U32 only */
	uint32_t def_u32;  /* OPTION_U32 only */
	const char *def;   /* OPTION_TEXT only */
	const char *help;
};

#define TEXT(k, e, field, d, h) { k, e, OPTION_TEXT, offsetof(struct api_config, field), 0, 0, 0, d, h }
#define U32(k, e, field, lo, hi, d, h) { k, e, OPTION_U32, offsetof(struct api_config, field), lo, hi, d, NULL, h }

static const struct option options[] = {
	TEXT("data_dir", "SZFIN_DATA_DIR", data_dir, "./data", "data directory (log, snapshots, secrets)"),
	TEXT("listen", "SZFIN_LISTEN", listen, "127.0.0.1:8080", "listen address host:port (port 0 = ephemeral)"),
	TEXT("log_level", "SZFIN_LOG_LEVEL", log_level, "info", "error, warn, info or debug"),
	TEXT("web_dir", "SZFIN_WEB_DIR", web_dir, "", "directory of the web page (default: found next to the binary)"),
	TEXT("port_file", "SZFIN_PORT_FILE", port_file, "", "write the bound port to this file (for tests)"),
	U32("body_size_max", "SZFIN_BODY_SIZE_MAX", body_size_max, 64, SZ_API_JSON_BODY_SIZE_MAX,
	    SZ_API_JSON_BODY_SIZE_MAX, "bytes in one JSON request body"),
	U32("binary_body_size_max", "SZFIN_BINARY_BODY_SIZE_MAX", binary_body_size_max, 128,
	    SZ_API_BINARY_BODY_SIZE_MAX, SZ_API_BINARY_BODY_SIZE_MAX, "bytes in one binary batch body"),
	U32("batch_count_max", "SZFIN_BATCH_COUNT_MAX", batch_count_max, 1, SZ_API_JSON_TRANSFER_COUNT_MAX,
	    SZ_API_JSON_TRANSFER_COUNT_MAX, "transfers in one JSON batch request"),
	U32("json_depth_max", "SZFIN_JSON_DEPTH_MAX", json_depth_max, 2, SZ_API_JSON_DEPTH_MAX,
	    SZ_API_JSON_DEPTH_MAX, "nesting depth of JSON requests"),
	U32("connection_count_max", "SZFIN_CONNECTION_COUNT_MAX", connection_count_max, 1,
	    SZ_API_CONNECTION_COUNT_MAX, SZ_API_CONNECTION_COUNT_MAX, "concurrent HTTP connections"),
	U32("idle_timeout_s", "SZFIN_IDLE_TIMEOUT_S", idle_timeout_s, 1, 3600, SZ_API_IDLE_TIMEOUT_S,
	    "seconds before an idle connection is closed"),
	U32("snapshot_every_batches", "SZFIN_SNAPSHOT_EVERY_BATCHES", snapshot_every_batches, 0, 100000000,
	    SZ_API_SNAPSHOT_EVERY_BATCHES, "write a snapshot every N batches (0 = at shutdown only)"),
	U32("segment_size_mib", "SZFIN_SEGMENT_SIZE_MIB", segment_size_mib, SZ_SEGMENT_SIZE_MIN >> 20,
	    SZ_API_SEGMENT_SIZE_MIB_MAX, SZ_SEGMENT_SIZE_DEFAULT >> 20,
	    "MiB preallocated for each new log segment (segments already written keep their size)"),
	U32("scrub_every_s", "SZFIN_SCRUB_EVERY_S", scrub_every_s, 0, 30u * 24u * 3600u, SZ_API_SCRUB_EVERY_S,
	    "check the whole retained log in the background every N seconds, as szfin verify does (0 = never)"),
	U32("check_invariants", "SZFIN_CHECK_INVARIANTS", check_invariants, 0, 1, 0,
	    "1 = check every domain's invariants after each batch and stop on a violation (tests; slow)"),
	U32("hot_window_transfers", "SZFIN_HOT_WINDOW_TRANSFERS", hot_window_transfers, 0, SZ_TRANSFER_COUNT_MAX,
	    SZ_HOT_WINDOW_TRANSFER_COUNT_DEFAULT,
	    "transfers kept in RAM; older final ones move to checksummed index runs in data_dir/tier "
	    "(0 = keep every transfer in RAM; at least 256)"),
	U32("test_clock_offset_s", "SZFIN_TEST_CLOCK_OFFSET_S", test_clock_offset_s, 0, SZ_API_TEST_CLOCK_OFFSET_S_MAX, 0,
	    "tests only: seconds added to the clock that stamps batches; refused unless SZFIN_TEST_CLOCK=1"),
};
#define OPTION_COUNT (sizeof options / sizeof options[0])

static const struct option *option_find(const char *key)
{
	for (size_t i = 0; i < OPTION_COUNT; i++)
		if (strcmp(options[i].key, key) == 0)
			return &options[i];
	return NULL;
}

static int option_set(struct api_config *c, const struct option *o, const char *value,
		      const char *source, char *why, size_t why_size)
{
	SZ_ASSERT(o != NULL);
	SZ_ASSERT(value != NULL);
	char *field = (char *)c + o->offset;
	if (o->type == OPTION_TEXT) {
		if (strlen(value) >= API_CONFIG_TEXT_SIZE) {
			snprintf(why, why_size, "%s: %s is longer than %u bytes", source, o->key,
				 API_CONFIG_TEXT_SIZE - 1);
			return SZ_EINVAL;
		}
		memcpy(field, value, strlen(value) + 1);
		return 0;
	}
	char *end = NULL;
	unsigned long long v = strtoull(value, &end, 10);
	if (value[0] < '0' || value[0] > '9' || *end != '\0' || v < o->min || v > o->max) {
		snprintf(why, why_size, "%s: %s must be a whole number from %u to %u, not '%s'",
			 source, o->key, o->min, o->max, value);
		return SZ_EINVAL;
	}
	uint32_t v32 = (uint32_t)v;
	memcpy(field, &v32, sizeof v32);
	return 0;
}

struct ini_ctx {
	struct api_config *c;
	char *why;
	size_t why_size;
	int rc;
};

static int on_ini_key(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *ctx = user;
	if (ctx->rc)
		return 0;
	const struct option *o = option_find(name);
	if (strcmp(section, "server") != 0 || o == NULL) {
		snprintf(ctx->why, ctx->why_size, "config: unknown key [%s] %s", section, name);
		ctx->rc = SZ_EINVAL;
		return 0;
	}
	ctx->rc = option_set(ctx->c, o, value, "config file", ctx->why, ctx->why_size);
	return ctx->rc == 0;
}

static int load_ini(struct api_config *c, const char *path, char *why, size_t why_size)
{
	struct ini_ctx ctx = { c, why, why_size, 0 };
	int line = ini_parse(path, on_ini_key, &ctx);
	if (ctx.rc)
		return ctx.rc;
	if (line < 0) {
		snprintf(why, why_size, "config: cannot read %s", path);
		return SZ_EINVAL;
	}
	if (line > 0) {
		snprintf(why, why_size, "config: %s line %d is malformed", path, line);
		return SZ_EINVAL;
	}
	return 0;
}

/* "--data-dir" -> "data_dir" into out; 0 or SZ_EINVAL. */
static int flag_key(const char *flag, char *out, size_t out_size)
{
	if (strncmp(flag, "--", 2) != 0 || strlen(flag + 2) >= out_size)
		return SZ_EINVAL;
	size_t i = 0;
	for (const char *p = flag + 2; *p && *p != '='; p++)
		out[i++] = *p == '-' ? '_' : *p;
	out[i] = '\0';
	return 0;
}

/* Find --config in argv (or SZFIN_CONFIG) before anything else is applied. */
static const char *config_path(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			return argv[i + 1];
		if (strncmp(argv[i], "--config=", 9) == 0)
			return argv[i] + 9;
	}
	return getenv("SZFIN_CONFIG");
}

static int load_flags(struct api_config *c, int argc, char **argv, char *why, size_t why_size)
{
	for (int i = 1; i < argc; i++) {
		char key[64];
		const char *eq = strchr(argv[i], '=');
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
		if (flag_key(argv[i], key, sizeof key)) {
			snprintf(why, why_size, "unexpected argument '%s' (see --help)", argv[i]);
			return SZ_EINVAL;
		}
		const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (strcmp(key, "config") == 0)
			continue;
		const struct option *o = option_find(key);
		if (o == NULL || value == NULL) {
			snprintf(why, why_size, o ? "flag %s needs a value" : "unknown flag %s", argv[i]);
			return SZ_EINVAL;
		}
		int rc = option_set(c, o, value, "flag", why, why_size);
		if (rc)
			return rc;
	}
	return 0;
}

int api_config_load(struct api_config *c, int argc, char **argv, char *why, size_t why_size)
{
	SZ_ASSERT(c != NULL);
	SZ_ASSERT(argc >= 1);
	memset(c, 0, sizeof *c);
	int rc;
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		char *field = (char *)c + options[i].offset;
		if (options[i].type == OPTION_U32)
			memcpy(field, &options[i].def_u32, sizeof options[i].def_u32);
		else
			snprintf(field, API_CONFIG_TEXT_SIZE, "%s", options[i].def);
	}
	const char *path = config_path(argc, argv);
	if (path != NULL) {
		snprintf(c->config_file, sizeof c->config_file, "%s", path);
		if ((rc = load_ini(c, path, why, why_size)))
			return rc;
	}
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		const char *v = getenv(options[i].env);
		if (v != NULL && (rc = option_set(c, &options[i], v, options[i].env, why, why_size)))
			return rc;
	}
	if ((rc = load_flags(c, argc, argv, why, why_size)))
		return rc;
	if (api_config_log_level(c) < 0) {
		snprintf(why, why_size, "log_level must be error, warn, info or debug, not '%s'", c->log_level);
		return SZ_EINVAL;
	}
	char host[API_CONFIG_TEXT_SIZE];
	uint16_t port;
	if (api_config_listen_split(c, host, sizeof host, &port)) {
		snprintf(why, why_size, "listen must be host:port, not '%s'", c->listen);
		return SZ_EINVAL;
	}
	return 0;
}

void api_config_help(FILE *f)
{
	fprintf(f, "usage: szfin serve [--config FILE] [--OPTION VALUE ...]\n\n"
		   "Runs the szfin server. Each option comes from, in increasing precedence:\n"
		   "its default, the INI file (section [server], key as below), the environment\n"
		   "variable, and the flag (--key-with-dashes VALUE or --key=VALUE).\n\n");
	fprintf(f, "  %-24s %-30s %s\n", "--config FILE", "SZFIN_CONFIG", "INI file to read");
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		char flag[64] = "--";
		size_t n = 2;
		for (const char *p = options[i].key; *p && n + 1 < sizeof flag; p++)
			flag[n++] = *p == '_' ? '-' : *p;
		flag[n] = '\0';
		if (options[i].type == OPTION_U32)
			fprintf(f, "  %-24s %-30s %s (default %u, at most %u)\n", flag, options[i].env, options[i].help,
				options[i].def_u32, options[i].max);
		else
			fprintf(f, "  %-24s %-30s %s (default \"%s\")\n", flag, options[i].env, options[i].help,
				options[i].def);
	}
}

int api_config_log_level(const struct api_config *c)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	for (int i = 0; i < 4; i++)
		if (strcmp(c->log_level, names[i]) == 0)
			return i;
	return -1;
}

int api_config_listen_split(const struct api_config *c, char *host, size_t host_size, uint16_t *port)
{
	const char *colon = strrchr(c->listen, ':');
	if (colon == NULL || colon == c->listen || (size_t)(colon - c->listen) >= host_size)
		return SZ_EINVAL;
	char *end = NULL;
	unsigned long v = strtoul(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || v > 65535)
		return SZ_EINVAL;
	memcpy(host, c->listen, (size_t)(colon - c->listen));
	host[colon - c->listen] = '\0';
	*port = (uint16_t)v;
	return 0;
}
