/*
 * screen_submit.h — screening a name where a registration or a transfer is
 * submitted, in the HTTP adapter (never in apply).
 *
 * Owns: the server's one watch list, surname-variant table and ICU
 * normaliser (loaded once, on first use, from the places http_screen.c
 * lists), and the outcome of screening one name: which list and version,
 * the best entry and its per-mille score, and whether it reached the
 * threshold. A registration adapter (currency wallets, credit enterprises)
 * screens the holder's or enterprise's name with risk_screen_name, puts the
 * RISK_CMD_SCREEN_HIT command that risk_screen_command fills in the SAME
 * submission as its registration (one batch: both durable and applied
 * together), and names the outcome in its answer with risk_screen_json.
 * No watch list active: nothing is screened and the answer says so.
 */
#ifndef SZ_RISK_SCREEN_SUBMIT_H
#define SZ_RISK_SCREEN_SUBMIT_H

#include "risk/risk.h"
#include "risk/screen.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct sz_state;

enum risk_screen_status {
	RISK_SCREEN_NOT_SCREENED = 0,  /* no watch list active, or no name given */
	RISK_SCREEN_CLEAR = 1,         /* screened, best score below the threshold */
	RISK_SCREEN_HIT = 2,           /* best score at or above the threshold: an alert opens */
};

struct risk_screen_outcome {
	enum risk_screen_status status;
	uint32_t score;                /* best entry's score, per mille (0: empty list) */
	uint32_t threshold;
	uint32_t list_version;
	char list_name[SCREEN_ID_SIZE];
	char entry_id[SCREEN_ID_SIZE]; /* best entry ("" for an empty list) */
	char entry_name[SCREEN_NAME_SIZE];
	char detail[256];              /* why not screened */
};

/* The server's watch list, loaded on first call; NULL (why says why) when none is active. */
const struct screen_list *risk_screen_server_list(const struct screen_variants **variants, const char **why);
/* Normalise name and match it under the server's lock: key gets the key,
 * hits the entries at or above threshold (best first). 0, SZ_EIO (no list),
 * SZ_EINVAL (not UTF-8), SZ_ELIMIT (too long once normalised). */
int risk_screen_server_match(const char *name, uint32_t threshold, char key[SCREEN_KEY_SIZE],
			     struct screen_hit *hits, uint32_t hit_max, uint32_t *hit_count);

/* Screen name ("" = none given) at threshold (per mille). 0 with the
 * outcome filled (NOT_SCREENED when no list is active), or SZ_EINVAL /
 * SZ_ELIMIT for a name that is not UTF-8 or too long (answer 400). */
int risk_screen_name(const char *name, uint32_t threshold, struct risk_screen_outcome *out);
/* The command that records a screened outcome (CLEAR or HIT) for subject,
 * screened for event (the registration's id), in the subject's tenant. */
void risk_screen_command(const struct risk_screen_outcome *o, sz_id subject_id, sz_id event_id, uint64_t tenant_id,
			 uint32_t currency, struct risk_screen_cmd *cmd);
/* {"status", "list", "list_version", "threshold", "score", "entry": {"id","name"}, "alert"} — the
 * alert number is looked up in the state (the screening alert of subject and event). */
json_t *risk_screen_json(const struct risk_screen_outcome *o, const struct sz_state *s, sz_id subject_id,
			 sz_id event_id);

#endif
