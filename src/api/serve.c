/*
 * serve.c — `szfin serve`: configuration, the data directory, the engine,
 * the first admin token, the HTTP server, and an orderly exit.
 *
 * Start order: config -> data dir (0700) -> server secret -> engine open
 * (recovery) -> bootstrap admin token if the auth state has none -> listen.
 * Exit order on SIGTERM: stop accepting, answer in-flight requests (their
 * batches become durable first), close the engine (drain, snapshot), exit 0.
 *
 * First start: a token of role admin is generated, written to
 * <data_dir>/admin.token (0600, fsynced) *before* its create command is
 * submitted, so a crash between the two leaves a file whose token is simply
 * not valid yet; the next start (still no tokens) writes a new one.
 */
#include "api/api.h"
#include "api/metrics.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "log/verify.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int file_write_private(const char *path, const char *text)
{
	char tmp[PATH_MAX + 8];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return SZ_EIO;
	size_t size = strlen(text);
	int rc = (write(fd, text, size) == (ssize_t)size && fsync(fd) == 0) ? 0 : SZ_EIO;
	close(fd);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = SZ_EIO;
	return rc;
}

static int bootstrap_admin(struct api_server *s)
{
	const struct auth_state *a = auth_state_get(sz_engine_state(s->engine));
	SZ_ASSERT(a != NULL);
	if (auth_token_count(a) != 0)
		return 0;
	char token[AUTH_TOKEN_TEXT_SIZE];
	char path[API_CONFIG_TEXT_SIZE + 16];
	auth_token_generate(token);
	snprintf(path, sizeof path, "%s/admin.token", s->config.data_dir);
	char line[AUTH_TOKEN_TEXT_SIZE + 1];
	snprintf(line, sizeof line, "%s\n", token);
	if (file_write_private(path, line)) {
		api_log(API_LOG_ERROR, "bootstrap", "detail=\"cannot write %s: %s\"", path, strerror(errno));
		return SZ_EIO;
	}
	struct { sz_command_header h; struct auth_token_cmd c; } cmd = {
		{ sizeof cmd, SZ_CMD_AUTH_TOKEN_CREATE, 0 },
		{ .token_id = { 1, 0 }, .role = API_ROLE_ADMIN, .name = "admin (first start)" },
	};
	auth_token_hash(s->secret, token, strlen(token), cmd.c.hash);
	sodium_memzero(token, sizeof token);
	sodium_memzero(line, sizeof line);
	uint32_t result = UINT32_MAX;
	int rc = sz_engine_execute(s->engine, &cmd, sizeof cmd, 1, &result);
	if (rc || result != SZ_R_OK) {
		api_log(API_LOG_ERROR, "bootstrap", "detail=\"admin token not created\" rc=%d result=%u", rc, result);
		return rc ? rc : SZ_ESTATE;
	}
	api_log(API_LOG_INFO, "admin_token", "path=\"%s\" detail=\"first start: admin token written (mode 0600)\"", path);
	return 0;
}

static bool has_index(const char *dir)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/index.html", dir);
	return access(path, R_OK) == 0;
}

/* Default web dir: <binary>/../../web (build/<mode>/szfin in the repo), then
 * <binary>/../share/szfin/web (make install's layout, any PREFIX), then ./web,
 * then /usr/share/szfin/web. */
static void web_dir_resolve(struct api_config *c)
{
	if (c->web_dir[0] != '\0')
		return;
	static const char *const beside_binary[] = { "../../web", "../share/szfin/web" };
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash = n > 0 ? (exe[n] = '\0', strrchr(exe, '/')) : NULL;
	if (slash != NULL)
		*slash = '\0';
	for (size_t i = 0; slash != NULL && i < sizeof beside_binary / sizeof beside_binary[0]; i++) {
		char candidate[PATH_MAX + 32], real[PATH_MAX];
		snprintf(candidate, sizeof candidate, "%s/%s", exe, beside_binary[i]);
		if (realpath(candidate, real) != NULL && has_index(real) && strlen(real) < sizeof c->web_dir) {
			snprintf(c->web_dir, sizeof c->web_dir, "%s", real);
			return;
		}
	}
	snprintf(c->web_dir, sizeof c->web_dir, "%s", has_index("web") ? "web" : "/usr/share/szfin/web");
}

static int write_port_file(const struct api_server *s)
{
	if (s->config.port_file[0] == '\0')
		return 0;
	char text[16];
	snprintf(text, sizeof text, "%u\n", s->port);
	return file_write_private(s->config.port_file, text);
}

static int open_engine(struct api_server *s)
{
	char why[512] = "";
	if (mkdir(s->config.data_dir, 0700) != 0 && errno != EEXIST) {
		api_log(API_LOG_ERROR, "start", "detail=\"cannot create %s: %s\"", s->config.data_dir, strerror(errno));
		return SZ_EIO;
	}
	if (auth_secret_load(s->config.data_dir, s->secret, why, sizeof why)) {
		api_log(API_LOG_ERROR, "start", "detail=\"%s\"", why);
		return SZ_EIO;
	}
	/* A moved clock is for tests only: refused unless asked for explicitly. */
	const char *test_clock = getenv("SZFIN_TEST_CLOCK");
	if (s->config.test_clock_offset_s != 0 && (test_clock == NULL || strcmp(test_clock, "1") != 0)) {
		api_log(API_LOG_ERROR, "start", "detail=\"test_clock_offset_s needs SZFIN_TEST_CLOCK=1 (tests only)\"");
		fprintf(stderr, "szfin serve: test_clock_offset_s is for tests only and needs SZFIN_TEST_CLOCK=1\n");
		return SZ_EINVAL;
	}
	struct sz_engine_config ec = {
		.data_dir = s->config.data_dir,
		.clock_offset_ns = (uint64_t)s->config.test_clock_offset_s * 1000000000ull,
		.snapshot_every_batches = s->config.snapshot_every_batches,
		.scrub_every_s = s->config.scrub_every_s,
		.segment_size = (uint64_t)s->config.segment_size_mib << 20,
		.check_invariants = s->config.check_invariants != 0,
		.hot_window_count = s->config.hot_window_transfers,
	};
	uint64_t t0 = api_now_ns();
	int rc = sz_engine_open(&s->engine, &ec, why, sizeof why);
	if (rc == SZ_ECORRUPT) { /* the words szfin verify prints, and the server stays down */
		api_log(API_LOG_ERROR, "start", "detail=\"" SZ_LOG_DAMAGED_FORMAT "\" error=\"%s\"", why, sz_strerror(rc));
		fprintf(stderr, "szfin serve: refusing a damaged data directory (run szfin verify %s)\n" SZ_LOG_DAMAGED_FORMAT "\n",
			s->config.data_dir, why);
		return rc;
	}
	if (rc) {
		api_log(API_LOG_ERROR, "start", "detail=\"engine: %s\" error=\"%s\"", why, sz_strerror(rc));
		return rc;
	}
	struct sz_engine_stats st;
	sz_engine_stats(s->engine, &st);
	api_log(API_LOG_INFO, "recovered", "data_dir=\"%s\" sequence=%llu replayed_batches=%llu duration_ms=%llu",
		s->config.data_dir, (unsigned long long)st.sequence, (unsigned long long)st.replayed_batches,
		(unsigned long long)((api_now_ns() - t0) / 1000000));
	return auth_state_get(sz_engine_state(s->engine)) ? 0 : SZ_ESTATE;
}

int api_serve_main(int argc, char **argv)
{
	static struct api_server server;
	struct api_server *s = &server;
	char why[512] = "";
	int rc = api_config_load(&s->config, argc, argv, why, sizeof why);
	if (rc == 1) {
		api_config_help(stdout);
		return 0;
	}
	if (rc) {
		fprintf(stderr, "szfin serve: %s\n", why);
		return 2;
	}
	api_log_set_level(api_config_log_level(&s->config));
	api_signals_block();
	web_dir_resolve(&s->config);
	s->start_ns = api_now_ns();
	s->scratch_size = SZ_BATCH_COMMAND_COUNT_MAX * (8u + 128u);
	s->scratch = malloc(s->scratch_size);
	if (sz_hash_init() || s->scratch == NULL || api_metrics_init(&s->metrics, api_route_count()) ||
	    api_owner_index_init(s))
		return 1;
	if (open_engine(s))
		return 1;
	if (bootstrap_admin(s) || api_server_start(s, why, sizeof why)) {
		if (why[0])
			api_log(API_LOG_ERROR, "start", "detail=\"%s\"", why);
		sz_engine_close(s->engine);
		return 1;
	}
	write_port_file(s);
	s->ready = true;
	api_log(API_LOG_INFO, "listening", "url=http://%s:%u/ data_dir=\"%s\" web_dir=\"%s\"",
		strncmp(s->config.listen, "0.0.0.0", 7) == 0 ? "127.0.0.1" : "127.0.0.1", s->port,
		s->config.data_dir, s->config.web_dir);
	int exit_code = api_server_run(s);
	api_server_stop(s);
	if (exit_code == 0) {
		rc = sz_engine_close(s->engine);
		if (rc) {
			api_log(API_LOG_ERROR, "stop", "detail=\"engine close: %s\"", sz_strerror(rc));
			exit_code = 1;
		}
	}
	api_log(API_LOG_INFO, "stopped", "exit_code=%d", exit_code);
	api_owner_index_release(s);
	api_metrics_free(s->metrics);
	free(s->scratch);
	return exit_code;
}
