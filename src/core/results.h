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

#endif
