/*
 * state.c — the risk domain's snapshot section, digest and invariants.
 *
 * Snapshot section (little-endian, inside the snapshot's checksummed stream):
 *   u64 magic "SZRISK02", then the 8 u32 counts and 4 u64 counters of
 *   struct risk_state in declaration order (64 bytes), then version_count
 *   rule sets (struct risk_ruleset), account_count accounts (1,024 bytes
 *   each), pair_count pairs (16), alert_count alerts (336), refusal_count
 *   refusals (336), case_count cases (88), event_count history events (224),
 *   then account_count ext records (ext.h, 328 bytes each, the accounts'
 *   order).
 * A reader refuses counts above the tables and records that break the
 * invariants below; the index tables are rebuilt from the records.
 * Versions: "SZRISK01" held 984-byte accounts whose 24 buckets were slotted
 * by hour % 24; "SZRISK02" keeps the hours with activity newest first and adds the ext records. An
 * older section is refused (SZ_ECORRUPT, "risk: snapshot section SZRISK01
 * is of an older layout") and the state is rebuilt by replaying the log.
 */
#include "risk/internal.h"
#include "risk/ext.h"
#include "core/assert.h"
#include "core/errors.h"
#include "engine/state.h"
#include "log/snapshot.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define RISK_SNAPSHOT_MAGIC 0x32304b5349525a53ull /* "SZRISK02" */
#define RISK_SNAPSHOT_MAGIC_V1 0x31304b5349525a53ull /* "SZRISK01": refused */

/* The counts and counters, as written (64 bytes). */
#define HEAD_BYTES (offsetof(struct risk_state, versions))
_Static_assert(offsetof(struct risk_state, versions) == 64, "head of the state is 64 bytes");

#define SECTIONS(X) \
	X(accounts, account_count, RISK_ACCOUNT_COUNT_MAX) X(pairs, pair_count, RISK_PAIR_COUNT_MAX) \
	X(alerts, alert_count, RISK_ALERT_COUNT_MAX) X(refusals, refusal_count, RISK_REFUSAL_COUNT_MAX) \
	X(cases, case_count, RISK_CASE_COUNT_MAX) X(events, event_count, RISK_CASE_EVENT_COUNT_MAX) \
	X(ext, account_count, RISK_ACCOUNT_COUNT_MAX)

static bool counts_valid(const struct risk_state *st)
{
	return st->version_count <= RISK_VERSION_COUNT_MAX && st->account_count <= RISK_ACCOUNT_COUNT_MAX &&
	       st->pair_count <= RISK_PAIR_COUNT_MAX && st->alert_count <= RISK_ALERT_COUNT_MAX &&
	       st->refusal_count <= RISK_REFUSAL_COUNT_MAX && st->case_count <= RISK_CASE_COUNT_MAX &&
	       st->event_count <= RISK_CASE_EVENT_COUNT_MAX && st->overdue_next <= st->alert_count;
}

int risk_snapshot_write(const void *domain_state, struct sz_snap *f)
{
	const struct risk_state *st = domain_state;
	SZ_ASSERT(st != NULL && f != NULL);
	SZ_ASSERT(counts_valid(st));
	int rc = sz_snap_write_u64(f, RISK_SNAPSHOT_MAGIC);
	if (rc == 0)
		rc = sz_snap_write(f, st, HEAD_BYTES);
	if (rc == 0)
		rc = sz_snap_write(f, st->versions, st->version_count * sizeof st->versions[0]);
#define WRITE(field, count, max) \
	if (rc == 0 && st->count > 0) rc = sz_snap_write(f, st->field, (size_t)st->count * sizeof *st->field);
	SECTIONS(WRITE)
#undef WRITE
	return rc;
}

/* ext.h records: reserved zero, a declaration has its currency, each
 * direction's digit counts below the decay point. */
static bool ext_valid(const struct risk_state *st, char *why, size_t why_size)
{
	for (uint32_t i = 0; i < st->account_count; i++) {
		const struct risk_account_ext *e = &st->ext[i];
		uint32_t out = 0, in = 0;
		for (uint32_t d = 0; d < RISK_DIGIT_COUNT; d++) {
			out += e->digit_out[d];
			in += e->digit_in[d];
		}
		if (e->reserved != 0 || (e->declared_month_minor != 0) != (e->declared_currency != 0) ||
		    out >= RISK_DIGIT_DECAY_AT || in >= RISK_DIGIT_DECAY_AT) {
			snprintf(why, why_size, "risk: the ext record of account %u is inconsistent", i);
			return false;
		}
	}
	return true;
}

static int check_state(const struct risk_state *st, char *why, size_t why_size)
{
	if (!counts_valid(st)) {
		snprintf(why, why_size, "risk: a count exceeds its table");
		return SZ_ECORRUPT;
	}
	for (uint32_t i = 0; i < st->version_count; i++)
		if (risk_ruleset_check(&st->versions[i], NULL, 0) != 0 ||
		    (i > 0 && (st->versions[i].version <= st->versions[i - 1].version ||
			       st->versions[i].effective_ns < st->versions[i - 1].effective_ns))) {
			snprintf(why, why_size, "risk: rule-set version %u is invalid or out of order", i);
			return SZ_ECORRUPT;
		}
	for (uint32_t i = 0; i < st->pair_count; i++)
		if (st->pairs[i].payer_index >= st->account_count || st->pairs[i].payee_index >= st->account_count) {
			snprintf(why, why_size, "risk: pair %u names an account beyond the table", i);
			return SZ_ECORRUPT;
		}
	for (uint32_t i = 0; i < st->account_count; i++)
		if (!risk_account_valid(&st->accounts[i])) {
			snprintf(why, why_size, "risk: account record %u has malformed buckets", i);
			return SZ_ECORRUPT;
		}
	if (!ext_valid(st, why, why_size))
		return SZ_ECORRUPT;
	for (uint32_t i = 0; i < st->alert_count; i++)
		if (st->alerts[i].alert_no != i + 1u) {
			snprintf(why, why_size, "risk: alert %u is numbered %llu", i + 1u,
				 (unsigned long long)st->alerts[i].alert_no);
			return SZ_ECORRUPT;
		}
	for (uint32_t i = 0; i < st->case_count; i++) {
		const struct risk_case *k = &st->cases[i];
		if (k->status < RISK_CASE_S_OPEN || k->status > RISK_CASE_S_CLOSED || k->event_count == 0 ||
		    k->first_event >= st->event_count || risk_alert_find(st, k->alert_no) == NULL) {
			snprintf(why, why_size, "risk: case %u is inconsistent", i);
			return SZ_ECORRUPT;
		}
	}
	return 0;
}

/* Fill the index tables from the records; the tables must be empty. */
void risk_index_rebuild(struct risk_state *st)
{
	SZ_ASSERT(st != NULL);
	for (uint32_t i = 0; i < st->account_count; i++) {
		uint32_t k = (uint32_t)(risk_hash_id(st->accounts[i].account_id) & (RISK_ACCOUNT_SLOT_COUNT - 1));
		while (st->account_slots[k] != 0)
			k = (k + 1) & (RISK_ACCOUNT_SLOT_COUNT - 1);
		st->account_slots[k] = i + 1;
	}
	for (uint32_t i = 0; i < st->pair_count; i++) {
		const struct risk_pair *p = &st->pairs[i];
		uint64_t h = ((uint64_t)p->payer_index << 32 | p->payee_index) * 0x9e3779b97f4a7c15ull;
		uint32_t k = (uint32_t)((h ^ (h >> 31)) & (RISK_PAIR_SLOT_COUNT - 1));
		while (st->pair_slots[k] != 0)
			k = (k + 1) & (RISK_PAIR_SLOT_COUNT - 1);
		st->pair_slots[k] = ((uint64_t)p->payer_index + 1u) << 32 | ((uint64_t)p->payee_index + 1u);
	}
}

int risk_snapshot_read(void *domain_state, struct sz_snap *f)
{
	struct risk_state *st = domain_state;
	SZ_ASSERT(st != NULL && f != NULL);
	st->scratch.plan_valid = false; /* the versions are replaced */
	st->scratch.valid = false;
	if (st->account_count != 0 || st->pair_count != 0) { /* not fresh from registration: empty the indexes */
		memset(st->account_slots, 0, (size_t)RISK_ACCOUNT_SLOT_COUNT * sizeof *st->account_slots);
		memset(st->pair_slots, 0, (size_t)RISK_PAIR_SLOT_COUNT * sizeof *st->pair_slots);
	}
	uint64_t magic = 0;
	int rc = sz_snap_read_u64(f, &magic);
	if (rc == 0 && magic == RISK_SNAPSHOT_MAGIC_V1)
		fprintf(stderr, "risk: snapshot section SZRISK01 is of an older layout; the log is replayed instead\n");
	if (rc == 0 && magic != RISK_SNAPSHOT_MAGIC)
		rc = SZ_ECORRUPT;
	if (rc == 0)
		rc = sz_snap_read(f, st, HEAD_BYTES);
	if (rc == 0 && !counts_valid(st))
		rc = SZ_ECORRUPT;
	if (rc == 0)
		rc = sz_snap_read(f, st->versions, st->version_count * sizeof st->versions[0]);
#define READ(field, count, max) \
	if (rc == 0 && st->count > 0) rc = sz_snap_read(f, st->field, (size_t)st->count * sizeof *st->field);
	SECTIONS(READ)
#undef READ
	char why[160];
	if (rc == 0)
		rc = check_state(st, why, sizeof why);
	if (rc == 0)
		risk_index_rebuild(st);
	return rc;
}

void risk_digest(const void *domain_state, void *blake2b_state)
{
	const struct risk_state *st = domain_state;
	SZ_ASSERT(st != NULL && blake2b_state != NULL);
	SZ_ASSERT(counts_valid(st));
	crypto_generichash_update(blake2b_state, (const uint8_t *)st, HEAD_BYTES);
	crypto_generichash_update(blake2b_state, (const uint8_t *)st->versions,
				  st->version_count * sizeof st->versions[0]);
#define DIGEST(field, count, max) \
	crypto_generichash_update(blake2b_state, (const uint8_t *)st->field, (size_t)st->count * sizeof *st->field);
	SECTIONS(DIGEST)
#undef DIGEST
}

int risk_check_invariants(const struct sz_state *s, const void *domain_state, char *why, size_t why_size)
{
	SZ_ASSERT(s != NULL && domain_state != NULL);
	return check_state(domain_state, why, why_size);
}
