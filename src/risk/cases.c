/*
 * cases.c — case commands: open a case on an alert, assign, comment,
 * escalate, close with a disposition. Every command that changes a case is
 * kept as a history event (append-only; the command itself is in the log).
 *
 * Scope: a command carries the actor's tenant (0 for platform-wide roles);
 * a tenant actor reaches only alerts and cases of its tenant. Closing as
 * reported or frozen takes a compliance officer (or a platform role).
 * Deterministic, journalled, no allocation.
 */
#include "risk/internal.h"
#include "core/assert.h"
#include "engine/journal.h"

#include <string.h>

#define CASE_DUE_DEFAULT_NS (30ull * RISK_NS_PER_DAY)

const struct risk_case *risk_case_find(const struct risk_state *st, sz_id case_id)
{
	SZ_ASSERT(st != NULL);
	SZ_ASSERT(st->case_count <= RISK_CASE_COUNT_MAX);
	for (uint32_t i = 0; i < st->case_count; i++)
		if (sz_id_eq(st->cases[i].case_id, case_id))
			return &st->cases[i];
	return NULL;
}

uint32_t risk_case_event_count(const struct risk_state *st)
{
	return st->event_count;
}

static bool in_scope(uint64_t actor_tenant, uint64_t tenant)
{
	return actor_tenant == 0 || actor_tenant == tenant;
}

static uint32_t event_append(struct risk_state *st, uint64_t time_ns, uint32_t case_index,
			     const struct risk_case_cmd *c)
{
	SZ_ASSERT(st->event_count < RISK_CASE_EVENT_COUNT_MAX); /* checked by the caller */
	struct risk_case_event *e = &st->events[st->event_count];
	sz_journal(e, sizeof *e);
	SZ_JOURNAL_FIELD(st->event_count);
	*e = (struct risk_case_event){ .time_ns = time_ns, .case_index = case_index, .cmd = *c };
	return st->event_count++;
}

static uint32_t case_open(struct risk_state *st, uint64_t time_ns, const struct risk_case_cmd *c)
{
	if (risk_case_find(st, c->case_id) != NULL)
		return RISK_R_CASE_EXISTS;
	const struct risk_alert *a = risk_alert_find(st, c->alert_no);
	if (a == NULL || !in_scope(c->tenant_id, a->tenant_id))
		return RISK_R_ALERT_NOT_FOUND;
	if (st->case_count == RISK_CASE_COUNT_MAX)
		return RISK_R_CASE_TABLE_FULL;
	struct risk_case *k = &st->cases[st->case_count];
	sz_journal(k, sizeof *k);
	SZ_JOURNAL_FIELD(st->case_count);
	uint64_t due = c->due_ns != 0 ? c->due_ns : a->report_due_ns != 0 ? a->report_due_ns : time_ns + CASE_DUE_DEFAULT_NS;
	*k = (struct risk_case){ .case_id = c->case_id, .assignee_id = c->assignee_id, .alert_no = a->alert_no,
				 .tenant_id = a->tenant_id, .opened_ns = time_ns, .due_ns = due,
				 .status = RISK_CASE_S_OPEN };
	k->first_event = event_append(st, time_ns, st->case_count, c);
	k->event_count = 1;
	st->case_count++;
	return SZ_R_OK;
}

static uint32_t case_change(struct risk_case *k, const struct risk_case_cmd *c, uint64_t time_ns)
{
	switch (c->action) {
	case RISK_CASE_ASSIGN:
		if (sz_id_is_zero(c->assignee_id))
			return RISK_R_COMMAND_INVALID;
		k->assignee_id = c->assignee_id;
		return SZ_R_OK;
	case RISK_CASE_COMMENT:
		return c->text[0] == '\0' ? RISK_R_COMMAND_INVALID : SZ_R_OK;
	case RISK_CASE_ESCALATE:
		k->status = RISK_CASE_S_ESCALATED;
		k->escalation_level = k->escalation_level == UINT8_MAX ? UINT8_MAX : (uint8_t)(k->escalation_level + 1);
		if (c->due_ns != 0)
			k->due_ns = c->due_ns;
		return SZ_R_OK;
	case RISK_CASE_CLOSE:
		if (c->disposition == RISK_DISP_NONE || c->disposition >= RISK_DISP_COUNT_)
			return RISK_R_COMMAND_INVALID;
		if (c->disposition != RISK_DISP_FALSE_POSITIVE && c->actor == RISK_ACTOR_ANALYST)
			return RISK_R_DISPOSITION_DENIED;
		k->status = RISK_CASE_S_CLOSED;
		k->disposition = c->disposition;
		k->closed_ns = time_ns;
		return SZ_R_OK;
	}
	return RISK_R_COMMAND_INVALID;
}

bool risk_alert_filed(const struct risk_state *st, uint64_t alert_no)
{
	SZ_ASSERT(st != NULL);
	for (uint32_t i = 0; i < st->case_count; i++) {
		const struct risk_case *k = &st->cases[i];
		if (k->alert_no == alert_no && k->status == RISK_CASE_S_CLOSED &&
		    (k->disposition == RISK_DISP_REPORTED || k->disposition == RISK_DISP_FROZEN))
			return true;
	}
	return false;
}

uint32_t risk_case_apply(struct risk_state *st, uint64_t time_ns, const struct risk_case_cmd *c)
{
	SZ_ASSERT(st != NULL && c != NULL);
	if (sz_id_is_zero(c->case_id) || c->action == 0 || c->action >= RISK_CASE_ACTION_COUNT_ || c->actor == 0 ||
	    c->actor > RISK_ACTOR_PLATFORM || memchr(c->text, 0, sizeof c->text) == NULL ||
	    c->reserved[0] | c->reserved[1] | c->reserved[2] | c->reserved[3] | c->reserved[4])
		return RISK_R_COMMAND_INVALID;
	if (st->event_count == RISK_CASE_EVENT_COUNT_MAX)
		return RISK_R_CASE_TABLE_FULL;
	if (c->action == RISK_CASE_OPEN)
		return case_open(st, time_ns, c);
	struct risk_case *k = (struct risk_case *)risk_case_find(st, c->case_id);
	if (k == NULL || !in_scope(c->tenant_id, k->tenant_id))
		return RISK_R_CASE_NOT_FOUND;
	if (k->status == RISK_CASE_S_CLOSED)
		return RISK_R_CASE_CLOSED;
	sz_journal(k, sizeof *k);
	uint32_t rc = case_change(k, c, time_ns);
	if (rc != SZ_R_OK)
		return rc; /* the engine rolls the journalled bytes back */
	event_append(st, time_ns, (uint32_t)(k - st->cases), c);
	k->event_count++;
	return SZ_R_OK;
}
