/*
 * http_screen.c — POST /v1/risk/screen: one name screened against the watch
 * list, in the adapter (never in apply: screening calls ICU).
 *
 * Owns: the server's watch list and surname-variant table, loaded once on
 * first use from the risk share directory (below), and the one ICU
 * normaliser that serves every request under a mutex (an ICU
 * transliterator is not safe for concurrent use). The answer names the
 * list and its version, the threshold, and every hit at or above it with
 * its per-mille score, best first.
 *
 * Where the files are: $SZFIN_RISK_WATCHLIST (a watch-list file; the
 * variant table is then the watchlist-variants.tsv beside it, if any), else
 * watchlist-test.tsv and watchlist-variants.tsv in $SZFIN_ROOT/share/risk,
 * else in share/risk beside the binary (../../share/risk from
 * build/<mode>/szfin, ../share/szfin/risk from PREFIX/bin/szfin), else
 * /usr/share/szfin/risk. Never the working directory.
 */
#include "risk/http_internal.h"
#include "risk/screen.h"
#include "api/api.h"
#include "api/schema.h"
#include "core/assert.h"
#include "core/errors.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SCREEN_HIT_REPLY_MAX 20u
#define SCREEN_PATH_SIZE 1024u

static struct {
	pthread_once_t once;
	pthread_mutex_t lock;
	int rc;                        /* 0 once loaded */
	char why[256];
	struct screen_list *list;
	struct screen_variants *variants;
	struct screen_norm *norm;
} screen_server = { PTHREAD_ONCE_INIT, PTHREAD_MUTEX_INITIALIZER, SZ_EINVAL, "", NULL, NULL, NULL };

static char *file_read(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *buf = malloc(SCREEN_FILE_SIZE_MAX + 1);
	size_t n = buf ? fread(buf, 1, SCREEN_FILE_SIZE_MAX + 1, f) : 0;
	fclose(f);
	if (buf == NULL || n > SCREEN_FILE_SIZE_MAX) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*size = n;
	return buf;
}

static bool exists(const char *path) { return access(path, R_OK) == 0; }

/* The directory of share/risk: dir gets it, without a trailing slash. */
static bool share_dir(char *dir, size_t size)
{
	const char *root = getenv("SZFIN_ROOT");
	char probe[SCREEN_PATH_SIZE + 32];
	if (root && root[0]) {
		snprintf(dir, size, "%s/share/risk", root);
		snprintf(probe, sizeof probe, "%s/watchlist-test.tsv", dir);
		if (exists(probe))
			return true;
	}
	char exe[SCREEN_PATH_SIZE];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash != NULL)
			*slash = '\0';
		static const char *const rel[] = { "../../share/risk", "../share/szfin/risk" };
		for (uint32_t i = 0; i < 2; i++) {
			snprintf(dir, size, "%s/%s", exe, rel[i]);
			snprintf(probe, sizeof probe, "%s/watchlist-test.tsv", dir);
			if (exists(probe))
				return true;
		}
	}
	snprintf(dir, size, "/usr/share/szfin/risk");
	snprintf(probe, sizeof probe, "%s/watchlist-test.tsv", dir);
	return exists(probe);
}

static int load_variants(const char *path)
{
	size_t size = 0;
	char *text = file_read(path, &size);
	if (text == NULL)
		return 0; /* optional: without it, spellings compare by Jaro-Winkler alone */
	screen_server.variants = calloc(1, sizeof *screen_server.variants);
	int rc = screen_server.variants ? screen_variants_parse(text, size, screen_server.variants, screen_server.why,
								 sizeof screen_server.why)
					: SZ_ENOMEM;
	free(text);
	return rc;
}

static int load_list(const char *path)
{
	size_t size = 0;
	char *text = file_read(path, &size);
	if (text == NULL) {
		snprintf(screen_server.why, sizeof screen_server.why, "cannot read the watch list %s", path);
		return SZ_EIO;
	}
	screen_server.list = calloc(1, sizeof *screen_server.list);
	int rc = screen_server.list ? screen_list_parse(text, size, screen_server.list, screen_server.why,
							 sizeof screen_server.why)
				    : SZ_ENOMEM;
	free(text);
	if (rc == 0)
		rc = screen_norm_open(&screen_server.norm);
	if (rc == 0)
		rc = screen_list_prepare(screen_server.norm, screen_server.list);
	return rc;
}

static void screen_load(void)
{
	char dir[SCREEN_PATH_SIZE], list[SCREEN_PATH_SIZE + 32], variants[SCREEN_PATH_SIZE + 32];
	const char *env = getenv("SZFIN_RISK_WATCHLIST");
	if (env && env[0]) {
		snprintf(list, sizeof list, "%s", env);
		snprintf(dir, sizeof dir, "%s", env);
		char *slash = strrchr(dir, '/');
		snprintf(variants, sizeof variants, "%s/watchlist-variants.tsv", slash ? (*slash = '\0', dir) : ".");
	} else if (share_dir(dir, sizeof dir)) {
		snprintf(list, sizeof list, "%s/watchlist-test.tsv", dir);
		snprintf(variants, sizeof variants, "%s/watchlist-variants.tsv", dir);
	} else {
		snprintf(screen_server.why, sizeof screen_server.why, "no watch list found (SZFIN_RISK_WATCHLIST, "
			 "SZFIN_ROOT/share/risk, share/risk beside the binary, /usr/share/szfin/risk)");
		screen_server.rc = SZ_EIO;
		return;
	}
	int rc = load_list(list);
	if (rc == 0)
		rc = load_variants(variants);
	if (rc != 0 && screen_server.why[0] == '\0')
		snprintf(screen_server.why, sizeof screen_server.why, "the watch list %s could not be loaded (%d)", list, rc);
	screen_server.rc = rc;
}

struct screen_in {
	char name[SCREEN_NAME_SIZE];
	uint64_t threshold;
};

static const struct api_field screen_fields[] = {
	{ .name = "name", .type = API_T_STRING, .flags = API_F_REQUIRED, .offset = offsetof(struct screen_in, name),
	  .size = SCREEN_NAME_SIZE },
	{ .name = "threshold", .type = API_T_UINT, .offset = offsetof(struct screen_in, threshold), .size = 8,
	  .umin = 1, .umax = SCREEN_SCORE_MAX, .dflt = SCREEN_THRESHOLD_DEFAULT },
};
const struct api_schema risk_screen_schema = API_SCHEMA("risk_screen", screen_fields, struct screen_in);

static json_t *hits_json(const struct screen_hit *hits, uint32_t count)
{
	json_t *arr = json_array();
	for (uint32_t i = 0; i < count; i++) {
		const struct screen_entry *e = &screen_server.list->entries[hits[i].entry_index];
		char kind[2] = { e->kind, '\0' };
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:i}", "id", e->id, "kind", kind, "name", e->name,
						     "score", (json_int_t)hits[i].score));
	}
	return arr;
}

void risk_handle_screen(struct api_request *r)
{
	const struct screen_in *in = r->in;
	pthread_once(&screen_server.once, screen_load);
	if (screen_server.rc != 0) {
		api_problem_custom(r, 503, "risk_watchlist_unavailable", "No watch list is loaded", screen_server.why);
		return;
	}
	char key[SCREEN_KEY_SIZE];
	struct screen_hit hits[SCREEN_HIT_REPLY_MAX];
	pthread_mutex_lock(&screen_server.lock);
	int rc = screen_normalize(screen_server.norm, in->name, key, sizeof key);
	uint32_t n = rc == 0 ? screen_match(screen_server.list, screen_server.variants, key, (uint32_t)in->threshold,
					    hits, SCREEN_HIT_REPLY_MAX)
			     : 0;
	pthread_mutex_unlock(&screen_server.lock);
	if (rc != 0) {
		api_problem(r, "field_invalid", "name: %s", rc == SZ_ELIMIT ? "too long once normalised" : "not UTF-8 text");
		return;
	}
	api_reply_json(r, 200, json_pack("{s:s, s:s, s:s, s:i, s:i, s:o}", "name", in->name, "key", key, "list",
					 screen_server.list->list_name, "list_version", (json_int_t)screen_server.list->version,
					 "threshold", (json_int_t)in->threshold, "hits", hits_json(hits, n)));
}
