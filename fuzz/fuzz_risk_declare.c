/*
 * fuzz_risk_declare.c — libFuzzer harness for the declaration body of POST
 * /v1/risk/declarations (src/risk/http_declare.c, risk_declare_schema) and
 * what apply makes of the command it becomes (risk_ext_declare).
 *
 * Input: the JSON body. Properties beyond "no crash or sanitizer report":
 *  - a refusal carries a known problem code and a detail;
 *  - a decode is deterministic (the same body decodes to the same bytes);
 *  - a decoded declaration has a non-zero account and currency, and applied
 *    to an ext record it changes only the declaration: a zero volume leaves
 *    no currency, a non-zero one the decoded currency;
 *  - the cross-border declared-volume feature on that record stays within
 *    what 128-bit arithmetic saturates to.
 * Seed corpus: fuzz/corpus/fuzz_risk_declare/.
 */
#include "api/api.h"
#include "api/schema.h"
#include "core/assert.h"
#include "risk/ext.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const struct api_schema risk_declare_schema;

/* The decoded body: struct declare_in of http_declare.c, by field. */
struct declared {
	sz_id account_id;
	uint32_t currency;
	uint64_t monthly_minor;
};

static void apply_and_check(const struct declared *d)
{
	static struct risk_account_ext e;
	memset(&e, 0x5a, sizeof e);
	struct risk_account_ext before = e;
	struct risk_declare_cmd c = { .account_id = d->account_id, .monthly_minor = d->monthly_minor,
				      .currency = d->currency };
	risk_ext_declare(&e, &c);
	SZ_ASSERT(e.declared_month_minor == d->monthly_minor);
	SZ_ASSERT(e.declared_currency == (d->monthly_minor == 0 ? 0 : d->currency));
	e.declared_month_minor = before.declared_month_minor;
	e.declared_currency = before.declared_currency;
	SZ_ASSERT(memcmp(&e, &before, sizeof e) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > SZ_API_JSON_BODY_SIZE_MAX || api_json_depth((const char *)data, size) > SZ_API_JSON_DEPTH_MAX)
		return 0;
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (doc == NULL)
		return 0;
	SZ_ASSERT(risk_declare_schema.size == sizeof(struct declared));
	struct declared a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	struct api_decode_error err;
	int rc = api_schema_decode(&risk_declare_schema, doc, &a, &err);
	if (rc != 0) {
		SZ_ASSERT(err.code != NULL && err.detail[0] != '\0');
		SZ_ASSERT(api_problem_status(err.code) >= 400);
	} else {
		SZ_ASSERT(api_schema_decode(&risk_declare_schema, doc, &b, &err) == 0);
		SZ_ASSERT(memcmp(&a, &b, sizeof a) == 0);
		SZ_ASSERT(!sz_id_is_zero(a.account_id) && a.currency != 0);
		apply_and_check(&a);
	}
	json_decref(doc);
	return 0;
}
