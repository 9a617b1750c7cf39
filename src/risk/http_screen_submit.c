/*
 * http_screen_submit.c — the server's watch list and the screening of one
 * name for a registration or a transfer (screen_submit.h), in the adapter.
 *
 * Owns: the loaded watch list, surname-variant table and the one ICU
 * normaliser that serves every request under a mutex (an ICU
 * transliterator is not safe for concurrent use); the outcome of one
 * screening and its JSON. Never runs in apply: only the integer outcome
 * (score, threshold, list version, entry id) enters the log.
 *
 * lint-float: offline — the score comes from screen.c's Jaro-Winkler
 * fractions; only its per-mille integer is used here.
 *
 * Where the files are: $SZFIN_RISK_WATCHLIST (a watch-list file; the
 * variant table is then the watchlist-variants.tsv beside it, if any), else
 * watchlist-test.tsv and watchlist-variants.tsv in $SZFIN_ROOT/share/risk,
 * else in share/risk beside the binary (../../share/risk from
 * build/<mode>/szfin, ../share/szfin/risk from PREFIX/bin/szfin), else
 * /usr/share/szfin/risk. Never the working directory.
 */
#include "risk/screen_submit.h"
#include "api/api.h"
#include "core/assert.h"
#include "core/errors.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

const struct screen_list *risk_screen_server_list(const struct screen_variants **variants, const char **why)
{
	pthread_once(&screen_server.once, screen_load);
	if (variants != NULL)
		*variants = screen_server.variants;
	if (why != NULL)
		*why = screen_server.why;
	return screen_server.rc == 0 ? screen_server.list : NULL;
}

int risk_screen_server_match(const char *name, uint32_t threshold, char key[SCREEN_KEY_SIZE],
			     struct screen_hit *hits, uint32_t hit_max, uint32_t *hit_count)
{
	SZ_ASSERT(name != NULL && hit_count != NULL);
	*hit_count = 0;
	if (risk_screen_server_list(NULL, NULL) == NULL)
		return SZ_EIO;
	pthread_mutex_lock(&screen_server.lock);
	int rc = screen_normalize(screen_server.norm, name, key, SCREEN_KEY_SIZE);
	if (rc == 0)
		*hit_count = screen_match(screen_server.list, screen_server.variants, key, threshold, hits, hit_max);
	pthread_mutex_unlock(&screen_server.lock);
	return rc;
}

int risk_screen_name(const char *name, uint32_t threshold, struct risk_screen_outcome *out)
{
	SZ_ASSERT(out != NULL);
	SZ_ASSERT(threshold >= 1 && threshold <= SCREEN_SCORE_MAX);
	*out = (struct risk_screen_outcome){ .status = RISK_SCREEN_NOT_SCREENED, .threshold = threshold };
	const char *why = NULL;
	const struct screen_list *list = risk_screen_server_list(NULL, &why);
	if (name == NULL || name[0] == '\0') {
		snprintf(out->detail, sizeof out->detail, "no name was given to screen");
		return 0;
	}
	if (list == NULL) {
		snprintf(out->detail, sizeof out->detail, "no watch list is active: %s", why);
		return 0;
	}
	char key[SCREEN_KEY_SIZE];
	struct screen_hit best;
	uint32_t n = 0;
	/* Threshold 1: the best entry whatever its score, so a clear outcome names it too. */
	int rc = risk_screen_server_match(name, 1, key, &best, 1, &n);
	if (rc != 0)
		return rc;
	snprintf(out->list_name, sizeof out->list_name, "%s", list->list_name);
	out->list_version = list->version;
	if (n == 1) {
		const struct screen_entry *e = &list->entries[best.entry_index];
		out->score = best.score;
		snprintf(out->entry_id, sizeof out->entry_id, "%s", e->id);
		snprintf(out->entry_name, sizeof out->entry_name, "%s", e->name);
	}
	out->status = n == 1 && best.score >= threshold ? RISK_SCREEN_HIT : RISK_SCREEN_CLEAR;
	return 0;
}

void risk_screen_command(const struct risk_screen_outcome *o, sz_id subject_id, sz_id event_id, uint64_t tenant_id,
			 uint32_t currency, struct risk_screen_cmd *cmd)
{
	SZ_ASSERT(o->status != RISK_SCREEN_NOT_SCREENED);
	SZ_ASSERT(currency != 0);
	*cmd = (struct risk_screen_cmd){ .subject_id = subject_id, .event_id = event_id, .tenant_id = tenant_id,
					 .score = o->score, .threshold = o->threshold, .list_version = o->list_version,
					 .currency = currency };
	snprintf(cmd->list_name, sizeof cmd->list_name, "%s", o->list_name);
	snprintf(cmd->entry_id, sizeof cmd->entry_id, "%s", o->entry_id);
}

/* The number of the screening alert of subject and event, or 0. */
static uint64_t screen_alert_no(const struct sz_state *s, sz_id subject_id, sz_id event_id)
{
	const struct risk_state *st = risk_state_get(s);
	if (st == NULL)
		return 0;
	for (uint32_t i = risk_alert_count(st); i > 0; i--) { /* ours is among the newest */
		const struct risk_alert *a = risk_alert_at(st, i - 1);
		if (a->typology_id == RISK_TYPOLOGY_SCREENING && a->ruleset_version == 0 &&
		    sz_id_eq(a->payer_id, subject_id) && sz_id_eq(a->transfer_id, event_id))
			return a->alert_no;
	}
	return 0;
}

json_t *risk_screen_json(const struct risk_screen_outcome *o, const struct sz_state *s, sz_id subject_id,
			 sz_id event_id)
{
	static const char *const status_names[] = { "not_screened", "clear", "hit" };
	json_t *doc = json_pack("{s:s}", "status", status_names[o->status]);
	if (o->status == RISK_SCREEN_NOT_SCREENED) {
		json_object_set_new(doc, "detail", json_string(o->detail));
		return doc;
	}
	json_object_set_new(doc, "list", json_string(o->list_name));
	json_object_set_new(doc, "list_version", json_integer(o->list_version));
	json_object_set_new(doc, "threshold", json_integer(o->threshold));
	json_object_set_new(doc, "score", json_integer(o->score));
	json_object_set_new(doc, "entry", o->entry_id[0] ? json_pack("{s:s, s:s}", "id", o->entry_id, "name", o->entry_name)
							 : json_null());
	uint64_t alert_no = o->status == RISK_SCREEN_HIT ? screen_alert_no(s, subject_id, event_id) : 0;
	json_object_set_new(doc, "alert", alert_no ? api_json_string_u64(alert_no) : json_null());
	return doc;
}
