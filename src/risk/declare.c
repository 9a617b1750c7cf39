/*
 * declare.c — RISK_CMD_DECLARE: an account's declared cross-border volume
 * per month (ext.h), which RISK_F_XBORDER_DECLARED_BP rules compare the
 * month's cross-border flow with.
 *
 * Owns: the command's checks and its change to the account's ext record.
 * Deterministic, allocation-free; the record is created (monitored) if no
 * transfer has named the account yet.
 */
#include "risk/ext.h"
#include "risk/internal.h"
#include "core/assert.h"
#include "engine/journal.h"

uint32_t risk_declare_apply(struct risk_state *st, const struct risk_declare_cmd *c)
{
	SZ_ASSERT(st != NULL && c != NULL);
	if (sz_id_is_zero(c->account_id) || c->reserved != 0 || (c->monthly_minor != 0 && c->currency == 0))
		return RISK_R_COMMAND_INVALID;
	uint32_t index = 0;
	if (risk_account_ensure(st, c->account_id, c->tenant_id, &index) == NULL)
		return RISK_R_ACCOUNT_TABLE_FULL;
	SZ_ASSERT(index < st->account_count);
	struct risk_account_ext *e = &st->ext[index];
	SZ_JOURNAL_FIELD(e->declared_month_minor);
	SZ_JOURNAL_FIELD(e->declared_currency);
	risk_ext_declare(e, c);
	return SZ_R_OK;
}

const struct risk_account_ext *risk_ext_find(const struct risk_state *st, sz_id account_id)
{
	SZ_ASSERT(st != NULL);
	const struct risk_account *a = risk_account_find(st, account_id);
	return a != NULL ? &st->ext[a - st->accounts] : NULL;
}
