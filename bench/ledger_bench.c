/*
 * ledger_bench.c — durable ledger throughput, batch latency, replay speed and
 * memory per account and per retained transfer.
 *
 * Scenarios: 10,000 accounts chosen uniformly, and 1,000,000 accounts chosen
 * with a Zipf (s = 1) skew; batch sizes 1, 128 and 8190. Every figure is for
 * durable commits: a batch counts only once its fdatasync returned and it was
 * applied. Transfers are generated before timing starts. Prints one line per
 * run and machine-readable lines "ledger_8190_tps=<n>" (10k accounts
 * uniform) and "ledger_8190_zipf_tps=<n>" (1M accounts Zipf), in-process
 * figures that bench/run.sh prints as such, beside no networked peer.
 *
 * usage: ledger_bench [--quick] [--dir DIR]   (DIR defaults to /tmp)
 */
#include "bench.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"
#include "engine/engine.h"
#include "ledger/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CMD_SIZE (sizeof(sz_command_header) + sizeof(sz_transfer))

static const char *base_dir = "/tmp";
static bool quick;

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t rnd64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* ---- account choice ---------------------------------------------------------------- */

struct chooser {
	uint32_t account_count;
	double *zipf_cdf; /* NULL: uniform. Benchmark input only, never money. */
};

static void chooser_init(struct chooser *c, uint32_t count, bool zipf)
{
	c->account_count = count;
	c->zipf_cdf = NULL;
	if (!zipf)
		return;
	c->zipf_cdf = malloc(count * sizeof(double));
	double sum = 0;
	for (uint32_t i = 0; i < count; i++)
		sum += 1.0 / (i + 1);
	double acc = 0;
	for (uint32_t i = 0; i < count; i++) {
		acc += 1.0 / (i + 1) / sum;
		c->zipf_cdf[i] = acc;
	}
}

static uint64_t choose(const struct chooser *c)
{
	if (c->zipf_cdf == NULL)
		return 1 + rnd64() % c->account_count;
	double u = (double)(rnd64() >> 11) / 9007199254740992.0;
	uint32_t lo = 0, hi = c->account_count - 1;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (c->zipf_cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 1 + lo;
}

/* ---- engine helpers ------------------------------------------------------------------ */

static struct sz_engine *open_engine(const char *dir)
{
	struct sz_engine *e;
	char why[512];
	struct sz_engine_config cfg = { .data_dir = dir };
	if (sz_engine_open(&e, &cfg, why, sizeof why) != 0) {
		fprintf(stderr, "open %s: %s\n", dir, why);
		exit(1);
	}
	return e;
}

/* Pre-generated transfer commands. */
static uint8_t *make_transfers(const struct chooser *c, uint64_t first_id, uint64_t count)
{
	uint8_t *buf = malloc(count * CMD_SIZE);
	SZ_ASSERT(buf != NULL);
	for (uint64_t i = 0; i < count; i++) {
		sz_command_header h = { .size = CMD_SIZE, .kind = SZ_CMD_CREATE_TRANSFER };
		sz_transfer t = { .id = sz_id_make(0, first_id + i), .amount = 1 + rnd64() % 10000,
				  .currency = sz_currency_code("CNY") };
		uint64_t d = choose(c), cr = choose(c);
		if (cr == d)
			cr = d % c->account_count + 1;
		t.debit_account_id = sz_id_make(0, d);
		t.credit_account_id = sz_id_make(0, cr);
		memcpy(buf + i * CMD_SIZE, &h, sizeof h);
		memcpy(buf + i * CMD_SIZE + sizeof h, &t, sizeof t);
	}
	return buf;
}

struct inflight {
	uint64_t submit_ns;
	uint64_t *latencies;
	uint64_t *latency_count;
	uint64_t *ok_count;
};

static void on_done(void *ctx, const uint32_t *results, uint32_t count)
{
	struct inflight *f = ctx;
	f->latencies[(*f->latency_count)++] = now_ns() - f->submit_ns;
	for (uint32_t i = 0; i < count; i++)
		*f->ok_count += results[i] == SZ_R_OK;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

struct run_result {
	double tps;
	double p50_ms, p99_ms;
	uint64_t transfers;
};

/* Commit `count` transfers in batches of batch_size, two batches in flight. */
static struct run_result run(struct sz_engine *e, const uint8_t *cmds, uint64_t count, uint32_t batch_size)
{
	uint64_t batches = count / batch_size;
	uint64_t *lat = malloc(batches * sizeof *lat);
	struct inflight *fl = calloc(batches, sizeof *fl);
	uint64_t lat_count = 0, ok = 0;
	uint64_t t0 = now_ns();
	for (uint64_t b = 0; b < batches; b++) {
		fl[b] = (struct inflight){ now_ns(), lat, &lat_count, &ok };
		int rc;
		while ((rc = sz_engine_submit(e, cmds + b * batch_size * CMD_SIZE, batch_size * (uint32_t)CMD_SIZE,
					      batch_size, on_done, &fl[b])) == SZ_EBUSY)
			SZ_ASSERT(sz_engine_poll(e, -1) >= 0);
		SZ_ASSERT(rc == 0);
		sz_engine_flush(e);
		while (lat_count + 2 <= b) /* keep at most two batches in flight */
			SZ_ASSERT(sz_engine_poll(e, -1) >= 0);
		sz_engine_poll(e, 0);
	}
	while (lat_count < batches)
		SZ_ASSERT(sz_engine_poll(e, -1) >= 0);
	uint64_t elapsed = now_ns() - t0;
	qsort(lat, batches, sizeof *lat, cmp_u64);
	struct run_result r = {
		.tps = (double)ok * 1e9 / (double)elapsed,
		.p50_ms = lat[batches / 2] / 1e6,
		.p99_ms = lat[batches * 99 / 100] / 1e6,
		.transfers = ok,
	};
	free(lat);
	free(fl);
	return r;
}

static void make_dir(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s/szfin-bench-%s-XXXXXX", base_dir, name);
	SZ_ASSERT(mkdtemp(out) != NULL);
}

static void remove_dir(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static double scenario(const char *name, uint32_t account_count, bool zipf, uint32_t batch_size, uint64_t count)
{
	char dir[512];
	make_dir(dir, sizeof dir, name);
	struct sz_engine *e = open_engine(dir);
	struct chooser c;
	chooser_init(&c, account_count, zipf);
	create_accounts(e, account_count);
	count -= count % batch_size;
	uint8_t *cmds = make_transfers(&c, 1, count);
	struct run_result r = run(e, cmds, count, batch_size);
	printf("  %-22s batch %5u: %10.0f durable transfers/s   batch latency p50 %7.3f ms  p99 %7.3f ms  (%llu transfers)\n",
	       name, batch_size, r.tps, r.p50_ms, r.p99_ms, (unsigned long long)r.transfers);
	fflush(stdout);
	free(cmds);
	free(c.zipf_cdf);
	sz_engine_close(e);
	remove_dir(dir);
	return r.tps;
}

static void drop_snapshots(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -f '%s'/snapshots/*", dir);
	SZ_ASSERT(system(cmd) == 0);
}

/* Reopen dir without snapshots: the whole log is replayed. Returns seconds. */
static double replay_seconds(const char *dir, struct sz_engine **out)
{
	drop_snapshots(dir);
	*out = open_engine(dir);
	struct sz_engine_stats st;
	sz_engine_stats(*out, &st);
	return (double)st.replay_ns / 1e9;
}

/* Replay speed and memory: 1M accounts, then transfers among them. The
 * replay of the accounts alone is timed too, so that transfers/s counts
 * transfers only. */
static void replay_and_memory(uint64_t transfer_count)
{
	char dir[512];
	make_dir(dir, sizeof dir, "replay");
	struct sz_engine *e = open_engine(dir);
	long rss_open = rss_kib();
	const uint32_t accounts = 1000000;
	create_accounts(e, accounts);
	long rss_accounts = rss_kib();
	sz_engine_close(e);
	double accounts_s = replay_seconds(dir, &e);

	struct chooser c;
	chooser_init(&c, accounts, false);
	transfer_count -= transfer_count % SZ_BATCH_COMMAND_COUNT_MAX;
	uint8_t *cmds = make_transfers(&c, 1, transfer_count);
	long rss_cmds = rss_kib();
	run(e, cmds, transfer_count, SZ_BATCH_COMMAND_COUNT_MAX);
	long rss_transfers = rss_kib();
	struct ledger_memory m;
	ledger_memory(sz_ledger_const(sz_engine_state(e)), &m);
	free(cmds);
	sz_engine_close(e);

	double per_account = (double)(rss_accounts - rss_open) * 1024 / accounts;
	double per_transfer = (double)(rss_transfers - rss_cmds) * 1024 / (double)transfer_count;
	printf("  memory per account:           %6.1f bytes resident (%5.1f bytes in ledger structures; "
	       "target resident <= 256 %s)\n", per_account, (double)m.accounts_bytes / accounts,
	       per_account <= 256 ? "MET" : "NOT MET");
	printf("  memory per retained transfer: %6.1f bytes resident (%5.1f bytes in ledger structures; "
	       "target resident <= 64 %s)\n", per_transfer, (double)m.transfers_bytes / (double)transfer_count,
	       per_transfer <= 64 ? "MET" : "NOT MET");

	double total_s = replay_seconds(dir, &e);
	double transfers_s = total_s - accounts_s;
	double replay_tps = (double)transfer_count / transfers_s;
	printf("  replay from the log: %u accounts in %.2f s, then %llu transfers in %.2f s = %.0f transfers/s "
	       "(target >= 3,000,000 %s); all %.0f commands/s\n",
	       accounts, accounts_s, (unsigned long long)transfer_count, transfers_s, replay_tps,
	       replay_tps >= 3e6 ? "MET" : "NOT MET", (double)(transfer_count + accounts) / total_s);
	printf("ledger_replay_tps=%.0f\n", (double)transfer_count / transfers_s);
	sz_engine_close(e);
	free(c.zipf_cdf);
	if (getenv("SZFIN_BENCH_KEEP"))
		printf("  kept %s\n", dir);
	else
		remove_dir(dir);
}

/* A trivial observer: counts transfers (what a statistics hook does). */
static void count_observe(void *state, const struct sz_apply_ctx *ctx, const sz_transfer *t, const sz_account *dr,
			  const sz_account *cr)
{
	(void)ctx, (void)t, (void)dr, (void)cr;
	(*(uint64_t *)state)++;
}

/* Apply-only throughput (no log, no fsync) of the same transfers on a fresh
 * state, with or without one trivial hook: what a hook costs each transfer. */
static double apply_only_tps(const uint8_t *accounts_body, uint32_t account_batches, const uint8_t *cmds,
			     uint64_t count, bool hook)
{
	static struct sz_state s;
	static uint32_t results[SZ_BATCH_COMMAND_COUNT_MAX];
	uint64_t observed = 0;
	SZ_ASSERT(sz_state_init(&s) == 0);
	SZ_ASSERT(ledger_domain_register(&s) == 0);
	if (hook)
		SZ_ASSERT(sz_state_hook_add(&s, &(struct sz_hook){ "count", NULL, count_observe, &observed }) == 0);
	uint64_t seq = 0;
	const uint32_t account_batch_size = SZ_BATCH_COMMAND_COUNT_MAX * (uint32_t)(sizeof(sz_command_header) + sizeof(sz_account));
	for (uint32_t b = 0; b < account_batches; b++) {
		seq++;
		sz_state_apply_batch(&s, seq, seq * 1000000000ull, accounts_body + (size_t)b * account_batch_size,
				     account_batch_size, SZ_BATCH_COMMAND_COUNT_MAX, 0, results);
	}
	uint64_t batches = count / SZ_BATCH_COMMAND_COUNT_MAX;
	uint64_t t0 = now_ns();
	for (uint64_t b = 0; b < batches; b++) {
		seq++;
		SZ_ASSERT(sz_state_reserve(&s, SZ_BATCH_COMMAND_COUNT_MAX) == 0);
		sz_state_apply_batch(&s, seq, seq * 1000000000ull, cmds + b * SZ_BATCH_COMMAND_COUNT_MAX * CMD_SIZE,
				     SZ_BATCH_COMMAND_COUNT_MAX * (uint32_t)CMD_SIZE, SZ_BATCH_COMMAND_COUNT_MAX,
				     SZ_LOG_POS_MAKE(1, 4096), results);
	}
	double tps = (double)(batches * SZ_BATCH_COMMAND_COUNT_MAX) * 1e9 / (double)(now_ns() - t0);
	SZ_ASSERT(!hook || observed > 0);
	sz_state_release(&s);
	return tps;
}

static void hook_cost(uint64_t count)
{
	const uint32_t accounts = 10 * SZ_BATCH_COMMAND_COUNT_MAX;
	const uint32_t per = (uint32_t)(sizeof(sz_command_header) + sizeof(sz_account));
	uint8_t *body = malloc((size_t)accounts * per);
	SZ_ASSERT(body != NULL);
	for (uint32_t i = 0; i < accounts; i++) {
		sz_command_header h = { .size = per, .kind = SZ_CMD_CREATE_ACCOUNT };
		sz_account a = { .id = sz_id_make(0, i + 1), .currency = sz_currency_code("CNY") };
		memcpy(body + (size_t)i * per, &h, sizeof h);
		memcpy(body + (size_t)i * per + sizeof h, &a, sizeof a);
	}
	struct chooser c;
	chooser_init(&c, accounts, false);
	count -= count % SZ_BATCH_COMMAND_COUNT_MAX;
	uint8_t *cmds = make_transfers(&c, 1, count);
	double none = 0, one = 0;
	for (int round = 0; round < 3; round++) { /* alternate, keep the best of each */
		double n = apply_only_tps(body, 10, cmds, count, false);
		double h = apply_only_tps(body, 10, cmds, count, true);
		none = n > none ? n : none;
		one = h > one ? h : one;
	}
	printf("ledger transfers/s, 1 trivial hook: %.0f (none: %.0f, ratio %.3f)\n", one, none, one / none);
	printf("ledger_apply_tps=%.0f\nledger_apply_hook_tps=%.0f\n", none, one);
	free(cmds);
	free(body);
	free(c.zipf_cdf);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			quick = true;
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			base_dir = argv[++i];
	}
	uint64_t scale = quick ? 1 : 4;
	printf("szfin ledger engine (durable: every batch fdatasync'd before it counts)\n");
	double tps_8190[2] = { 0, 0 };
	const struct { const char *name; uint32_t accounts; bool zipf; } sets[] = {
		{ "10k accounts uniform", 10000, false },
		{ "1M accounts Zipf", 1000000, true },
	};
	for (int s = 0; s < 2; s++) {
		scenario(sets[s].name, sets[s].accounts, sets[s].zipf, 1, 500 * scale);
		scenario(sets[s].name, sets[s].accounts, sets[s].zipf, 128, 128 * 250 * scale);
		tps_8190[s] = scenario(sets[s].name, sets[s].accounts, sets[s].zipf, SZ_BATCH_COMMAND_COUNT_MAX,
				       SZ_BATCH_COMMAND_COUNT_MAX * 120 * scale);
	}
	/* each figure names its scenario (in-process, batches of 8190) */
	printf("in-process, batches of 8190: 10k accounts uniform %.0f transfers/s, 1M accounts Zipf %.0f\n",
	       tps_8190[0], tps_8190[1]);
	printf("ledger_8190_tps=%.0f\nledger_8190_zipf_tps=%.0f\n", tps_8190[0], tps_8190[1]);
	replay_and_memory(SZ_BATCH_COMMAND_COUNT_MAX * 300 * scale);
	hook_cost(SZ_BATCH_COMMAND_COUNT_MAX * 100 * scale);
	return 0;
}
