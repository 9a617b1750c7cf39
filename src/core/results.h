/*
 * results.h — registry of command result codes and their stable names.
 *
 * Owns: the mapping result code -> stable name (used in problem+json) and
 * text. Ledger codes are built in (szfin.h); each domain registers its
 * table (codes >= 100, unique across domains) when it registers itself.
 */
#ifndef SZ_CORE_RESULTS_H
#define SZ_CORE_RESULTS_H

#include <stddef.h>
#include <stdint.h>

struct sz_result_info {
	uint32_t result;
	const char *name;
	const char *text;
};

/* rows must stay valid for the life of the process. Idempotent. */
void sz_result_register(const struct sz_result_info *rows, size_t count);

/* What kind of refusal a result is, so the API can answer with the right
 * HTTP status without knowing each domain's codes: a result not named in
 * any class table is a plain rejection (HTTP 422). */
enum sz_result_class {
	SZ_RESULT_CLASS_REJECTED = 0,  /* the request is understood but breaks a rule (422) */
	SZ_RESULT_CLASS_NOT_FOUND = 1, /* a record the command names does not exist (404) */
	SZ_RESULT_CLASS_CONFLICT = 2,  /* the record's current state does not allow it (409) */
};

struct sz_result_class_info {
	uint32_t result;
	uint32_t result_class;         /* enum sz_result_class */
};

/* A domain names the results that are not plain rejections. rows must stay
 * valid for the life of the process. Idempotent. */
void sz_result_classes_register(const struct sz_result_class_info *rows, size_t count);
/* The class of a result (SZ_RESULT_CLASS_REJECTED if no table names it). */
enum sz_result_class sz_result_class(uint32_t result);

#endif
