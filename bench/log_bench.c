/*
 * log_bench.c — what checking the log costs at start, and what a fork
 * snapshot costs the engine while it runs.
 *
 *   log_bench DIR [TRANSFERS]   (default 2,000,000)
 *
 * 1. Writes TRANSFERS transfers in full batches (8,190 each) into DIR, closes
 *    (a snapshot covers all of it), then opens again and prints how long the
 *    check of the chain link at the snapshot's batch took (log_check_ns) and
 *    the whole open (replay_ns); then the check of the whole log the
 *    snapshot covers as `szfin verify` runs it (sz_log_check from the first
 *    retained segment, on two threads; the start-up scrub after open runs
 *    the same check on one), with its rate in MB/s.
 * 2. Under a steady load of one-transfer batches, forks a snapshot and
 *    prints the p50/p99/max latency of those batches and the engine's peak
 *    RSS growth, before and during the snapshot.
 * Figures, not pass/fail.
 */
#include "bench.h"
#include "core/errors.h"
#include "core/hash.h"
#include "engine/engine.h"
#include "log/verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

/* Private dirty memory of this process: right after a fork it is ~0 (all
 * shared with the child); what it grows by is what copy-on-write copied. */
static long private_dirty_kib(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[256];
	long kib = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "Private_Dirty: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

static void put(uint8_t *buf, uint32_t *size, uint16_t kind, const void *body, uint32_t body_size)
{
	sz_command_header h = { .size = (uint32_t)sizeof h + body_size, .kind = kind };
	memcpy(buf + *size, &h, sizeof h);
	memcpy(buf + *size + sizeof h, body, body_size);
	*size += h.size;
}

static sz_transfer transfer(uint64_t id, uint64_t debit, uint64_t credit)
{
	sz_transfer t;
	memset(&t, 0, sizeof t);
	t.id = sz_id_make(0, id);
	t.debit_account_id = sz_id_make(0, debit);
	t.credit_account_id = sz_id_make(0, credit);
	t.amount = 1;
	t.currency = sz_currency_code("CNY");
	return t;
}

#define LATENCY_BATCHES 3000u

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* p50, p99, max of n one-transfer batches, each waited for. */
static void latency_run(struct sz_engine *e, uint64_t *next_id, uint32_t n, const char *label, bool snapshot)
{
	uint64_t *lat = malloc(n * sizeof lat[0]);
	long dirty_min = private_dirty_kib(), dirty_max = 0;
	struct rusage u0, u1;
	getrusage(RUSAGE_SELF, &u0);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t buf[256];
		uint32_t size = 0, result;
		sz_transfer t = transfer((*next_id)++, 1 + i % 1000, 1001 + i % 1000);
		put(buf, &size, SZ_CMD_CREATE_TRANSFER, &t, sizeof t);
		uint64_t t0 = now_ns();
		if (sz_engine_execute(e, buf, size, 1, &result) != 0)
			exit(1);
		lat[i] = now_ns() - t0;
		if (i % 50 == 0) {
			long d = private_dirty_kib();
			dirty_min = d < dirty_min ? d : dirty_min;
			dirty_max = d > dirty_max ? d : dirty_max;
		}
	}
	getrusage(RUSAGE_SELF, &u1);
	qsort(lat, n, sizeof lat[0], cmp_u64);
	printf("%-26s p50 %7.1f µs  p99 %8.1f µs  max %8.1f µs  minor faults %ld  private dirty %ld..%ld MiB\n",
	       label, lat[n / 2] / 1e3, lat[n * 99 / 100] / 1e3, lat[n - 1] / 1e3, u1.ru_minflt - u0.ru_minflt,
	       dirty_min / 1024, dirty_max / 1024);
	(void)snapshot;
	free(lat);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return fprintf(stderr, "usage: log_bench DIR [TRANSFERS]\n"), 2;
	const char *dir = argv[1];
	uint64_t count = argc > 2 ? strtoull(argv[2], NULL, 10) : 2000000;
	char why[512];
	struct sz_engine *e;
	struct sz_engine_config cfg = { .data_dir = dir };
	if (sz_engine_open(&e, &cfg, why, sizeof why) != 0)
		return fprintf(stderr, "open: %s\n", why), 1;
	static uint8_t buf[8190 * 136];
	static uint32_t results[8190];
	uint32_t size = 0, n = 0;
	for (uint64_t a = 1; a <= 2000; a++) {
		sz_account acc;
		memset(&acc, 0, sizeof acc);
		acc.id = sz_id_make(0, a);
		acc.currency = sz_currency_code("CNY");
		acc.kind = SZ_KIND_GENERAL;
		put(buf, &size, SZ_CMD_CREATE_ACCOUNT, &acc, sizeof acc);
		n++;
	}
	sz_engine_execute(e, buf, size, n, results);
	uint64_t id = 1;
	while (id <= count) {
		size = n = 0;
		for (; n < 8190 && id <= count; n++, id++) {
			sz_transfer t = transfer(id, 1 + id % 1000, 1001 + id % 1000);
			put(buf, &size, SZ_CMD_CREATE_TRANSFER, &t, sizeof t);
		}
		if (sz_engine_execute(e, buf, size, n, results) != 0)
			return 1;
	}
	sz_engine_close(e);
	/* A fork snapshot 10 batches into the second latency run below. */
	uint64_t batches = 1 + (count + 8189) / 8190;
	cfg.snapshot_every_batches = (uint32_t)(batches + LATENCY_BATCHES + 10);
	uint64_t t0 = now_ns();
	if (sz_engine_open(&e, &cfg, why, sizeof why) != 0)
		return fprintf(stderr, "reopen: %s\n", why), 1;
	uint64_t open_ns = now_ns() - t0;
	struct sz_engine_stats st;
	sz_engine_stats(e, &st);
	double mb = ((double)count * 136.0 + (double)batches * 192.0) / 1e6;
	printf("log: %llu transfers, %.0f MB\n", (unsigned long long)count, mb);
	/* log_check_ns is the chain link at the snapshot's batch: the log the
	 * snapshot covers is checked after open, by the start-up scrub. */
	printf("start: chain link at the snapshot's batch %.3f s (the covered log: the start-up scrub, after open); "
	       "whole open %.3f s (replay_ns %.3f s)\n",
	       st.log_check_ns / 1e9, open_ns / 1e9, st.replay_ns / 1e9);
	struct sz_log_check c;
	t0 = now_ns();
	int rc = sz_log_check(sz_storage_posix(), dir, true, 0, &c);
	double check_s = (now_ns() - t0) / 1e9;
	printf("whole log check (verify): %s, %llu batches in %.3f s (%.0f MB/s)\n", rc == 0 ? "intact" : c.why,
	       (unsigned long long)c.batch_count, check_s, mb / check_s);
	latency_run(e, &id, LATENCY_BATCHES, "batches, no snapshot:", false);
	latency_run(e, &id, LATENCY_BATCHES, "batches, fork snapshot:", true);
	sz_engine_close(e);
	return 0;
}
