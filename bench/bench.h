/*
 * bench.h — what every benchmark in bench/ measures with: a monotonic clock,
 * the process's resident memory, and 1..count CNY accounts created through
 * the engine (header only: each benchmark is one program).
 */
#ifndef SZ_BENCH_H
#define SZ_BENCH_H

#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"
#include "engine/engine.h"
#include "szfin/szfin.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* CPU time of the calling thread: on a loaded machine wall time also counts
 * the time other programs held the core; this does not (their cache
 * pollution still shows). */
static inline uint64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* VmRSS of this process in KiB (0 if unreadable). */
static inline long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = 0;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

/* Accounts 1..count in CNY, in full batches, each created (asserted). */
static inline void create_accounts(struct sz_engine *e, uint32_t count)
{
	static uint8_t buf[SZ_BATCH_COMMAND_COUNT_MAX * (sizeof(sz_command_header) + sizeof(sz_account))];
	static uint32_t results[SZ_BATCH_COMMAND_COUNT_MAX];
	for (uint32_t first = 1; first <= count; first += SZ_BATCH_COMMAND_COUNT_MAX) {
		uint32_t n = 0, size = 0;
		for (uint32_t id = first; id <= count && n < SZ_BATCH_COMMAND_COUNT_MAX; id++, n++) {
			sz_command_header h = { .size = sizeof h + sizeof(sz_account), .kind = SZ_CMD_CREATE_ACCOUNT };
			sz_account a = { .id = sz_id_make(0, id), .currency = sz_currency_code("CNY") };
			memcpy(buf + size, &h, sizeof h);
			memcpy(buf + size + sizeof h, &a, sizeof a);
			size += h.size;
		}
		SZ_ASSERT(sz_engine_execute(e, buf, size, n, results) == 0);
		for (uint32_t i = 0; i < n; i++)
			SZ_ASSERT(results[i] == SZ_R_OK);
	}
}

#endif
