/*
 * http_screen.c — POST /v1/risk/screen: one name screened against the watch
 * list, in the adapter (never in apply: screening calls ICU).
 *
 * Owns: the server's watch list and surname-variant table, loaded once on
 * first use from the risk share directory (below), and the one ICU
 * normaliser that serves every request under a mutex (an ICU
 * transliterator is not safe for concurrent use). The answer names the
 * list and its version, the threshold, and every hit at or above it with
 * its per-mille score, best first. With "subject" (the ledger account or
 * wallet whose holder the name is) and a hit, the result also enters the log
 * as RISK_CMD_SCREEN_HIT — integers and names only — which opens a
 * screening alert (risk.h); the answer then carries its number ("alert").
 * This is the call a registration or a cross-border transfer makes.
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
#include "api/codec.h"
#include "ledger/ledger.h"
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
	sz_id subject_id;
	sz_id event_id;
};

static const struct api_field screen_fields[] = {
	{ .name = "name", .type = API_T_STRING, .flags = API_F_REQUIRED, .offset = offsetof(struct screen_in, name),
	  .size = SCREEN_NAME_SIZE },
	{ .name = "threshold", .type = API_T_UINT, .offset = offsetof(struct screen_in, threshold), .size = 8,
	  .umin = 1, .umax = SCREEN_SCORE_MAX, .dflt = SCREEN_THRESHOLD_DEFAULT },
	{ .name = "subject", .type = API_T_ID, .offset = offsetof(struct screen_in, subject_id) },
	{ .name = "event", .type = API_T_ID, .offset = offsetof(struct screen_in, event_id) },
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

/* The answer waits for the command: kept with the request (r->extra). */
struct screen_pending {
	sz_command_header header;
	struct risk_screen_cmd cmd;
	char doc[4096];                /* the answer so far, as JSON text */
};

static void screen_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	const struct screen_pending *p = r->extra;
	SZ_ASSERT(p != NULL);
	if (results[0] != SZ_R_OK) {
		api_problem_result(r, results[0], NULL);
		return;
	}
	json_t *doc = json_loads(p->doc, 0, NULL);
	const struct risk_state *st = risk_state_get(sz_engine_state(r->server->engine));
	json_t *alert = json_null();
	for (uint32_t i = risk_alert_count(st); i > 0; i--) { /* ours is among the newest */
		const struct risk_alert *a = risk_alert_at(st, i - 1);
		if (a->typology_id == RISK_TYPOLOGY_SCREENING && a->ruleset_version == 0 &&
		    sz_id_eq(a->payer_id, p->cmd.subject_id) && sz_id_eq(a->transfer_id, p->cmd.event_id)) {
			json_decref(alert);
			alert = api_json_string_u64(a->alert_no);
			break;
		}
	}
	json_object_set_new(doc, "alert", alert);
	api_reply_json(r, 200, doc);
}

/* With a subject and a hit: submit the result; true if submitted (or answered). */
static bool screen_record(struct api_request *r, const struct screen_in *in, const struct screen_hit *best,
			  json_t *doc)
{
	const struct sz_state *s = sz_engine_state(r->server->engine);
	enum api_role role = r->principal.role;
	if (role == API_ROLE_AUDITOR || role == API_ROLE_ADMIN || role == API_ROLE_REGULATOR) {
		json_decref(doc);
		api_problem(r, "forbidden", "this role reads screening results but does not record them (no subject)");
		return true;
	}
	const sz_account *acc = ledger_account_get(sz_ledger_const(s), in->subject_id);
	bool scoped = role == API_ROLE_OPERATOR || role == API_ROLE_RISK_ANALYST || role == API_ROLE_COMPLIANCE_OFFICER;
	if (acc != NULL && scoped && acc->tenant_id != r->principal.tenant_id)
		acc = NULL; /* another tenant's account is not there for this caller */
	if (acc == NULL) {
		json_decref(doc);
		api_problem(r, "not_found", "no account %s to screen", "given as subject");
		return true;
	}
	struct screen_pending *p = calloc(1, sizeof *p);
	char *text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (p == NULL || text == NULL || strlen(text) >= sizeof p->doc) {
		free(p);
		free(text);
		api_problem(r, "internal", "no memory for the screening answer");
		return true;
	}
	const struct screen_entry *e = &screen_server.list->entries[best->entry_index];
	p->header = (sz_command_header){ .size = sizeof p->header + sizeof p->cmd, .kind = RISK_CMD_SCREEN_HIT };
	p->cmd = (struct risk_screen_cmd){ .subject_id = in->subject_id, .event_id = in->event_id,
					   .tenant_id = acc->tenant_id, .score = best->score,
					   .threshold = (uint32_t)in->threshold, .list_version = screen_server.list->version,
					   .currency = acc->currency };
	snprintf(p->cmd.list_name, sizeof p->cmd.list_name, "%s", screen_server.list->list_name);
	snprintf(p->cmd.entry_id, sizeof p->cmd.entry_id, "%s", e->id);
	snprintf(p->doc, sizeof p->doc, "%s", text);
	free(text);
	free(r->extra);
	r->extra = p;
	api_submit(r, &p->header, p->header.size, 1, screen_done);
	return true;
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
	json_t *doc = json_pack("{s:s, s:s, s:s, s:i, s:i, s:o}", "name", in->name, "key", key, "list",
				screen_server.list->list_name, "list_version", (json_int_t)screen_server.list->version,
				"threshold", (json_int_t)in->threshold, "hits", hits_json(hits, n));
	if (!sz_id_is_zero(in->subject_id) && n > 0 && screen_record(r, in, &hits[0], doc))
		return;
	api_reply_json(r, 200, doc);
}
