/*
 * domains.c — the one list of built-in domains, registered at engine start.
 *
 * Each domain provides `int <domain>_domain_register(struct sz_state *s)`,
 * which fills a struct sz_domain and calls sz_state_register. Order matters
 * for the digest and snapshots: append new domains at the end.
 */
#include "engine/state.h"
#include "api/auth.h"
#include "contract/contract.h"
#include "currency/currency.h"
#include "green/domain.h"
#include "credit/domain.h"
#include "ledger/ledger.h"

int sz_state_register_domains(struct sz_state *s)
{
	int rc;
	if ((rc = ledger_domain_register(s))) /* first: kind base 0 */
		return rc;
	if ((rc = auth_domain_register(s)))
		return rc;
	if ((rc = green_domain_register(s)))
		return rc;
	if ((rc = currency_domain_register(s)))
		return rc;
	if ((rc = contract_domain_register(s)))
		return rc;
	if ((rc = credit_domain_register(s)))
		return rc;
	return 0;
}
