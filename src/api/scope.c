/*
 * scope.c — tenant scoping: which accounts a principal may see and move.
 *
 * central bank: sees and moves every account (issuance to operators).
 * operator: accounts whose tenant_id is its tenant.
 * merchant: accounts of its tenant whose owner_id is its owner.
 * regulator, auditor, admin: see every account, move none (their routes
 * exclude writes in the route table; this file says no as well).
 * risk analyst, compliance officer: see the accounts of their tenant, move none.
 */
#include "api/api.h"
#include "core/assert.h"

static bool in_tenant(const struct api_principal *p, const sz_account *a)
{
	return p->tenant_id != 0 && a->tenant_id == p->tenant_id;
}

bool api_scope_can_read(const struct api_principal *p, const sz_account *a)
{
	SZ_ASSERT(p != NULL);
	SZ_ASSERT(a != NULL);
	switch (p->role) {
	case API_ROLE_CENTRAL_BANK:
	case API_ROLE_REGULATOR:
	case API_ROLE_AUDITOR:
	case API_ROLE_ADMIN:
		return true;
	case API_ROLE_OPERATOR:
	case API_ROLE_RISK_ANALYST:
	case API_ROLE_COMPLIANCE_OFFICER:
		return in_tenant(p, a);
	case API_ROLE_MERCHANT:
		return in_tenant(p, a) && sz_id_eq(a->owner_id, p->owner_id);
	}
	return false;
}

bool api_scope_can_debit(const struct api_principal *p, const sz_account *a)
{
	SZ_ASSERT(p != NULL);
	SZ_ASSERT(a != NULL);
	switch (p->role) {
	case API_ROLE_CENTRAL_BANK:
		return true;
	case API_ROLE_OPERATOR:
		return in_tenant(p, a);
	case API_ROLE_MERCHANT:
		return in_tenant(p, a) && sz_id_eq(a->owner_id, p->owner_id);
	}
	return false;
}

bool api_scope_can_create(const struct api_principal *p, const sz_account *a)
{
	SZ_ASSERT(p != NULL);
	SZ_ASSERT(a != NULL);
	if (p->role == API_ROLE_CENTRAL_BANK)
		return true;
	return p->role == API_ROLE_OPERATOR && in_tenant(p, a);
}

const char *api_account_owner(const struct api_request *r, const sz_account *a)
{
	SZ_ASSERT(r != NULL && a != NULL);
	return sz_state_account_owner(sz_engine_state(r->server->engine), a);
}
