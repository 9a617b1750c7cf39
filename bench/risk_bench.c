/*
 * risk_bench.c — ledger transfers applied per second with the default AML
 * rule set in force (share/risk/default.json: 20 rules, 11 typologies
 * judged in every transfer's commit) beside the same transfers with no rule
 * set, in the same run.
 *
 * The apply path alone (sz_state_apply_batch on a state with every domain
 * registered, as the server runs it): the log's fdatasync is the same in
 * both runs and would only hide the difference. 100,000 accounts (half
 * general, half wallet), then N transfers between uniformly chosen accounts
 * with the generator's ordinary amounts (below) and one transfer in 16 a cash
 * code, in batches of 8190, one batch an hour of simulated time. Each run
 * starts from a fresh state; commands are generated before timing starts;
 * the first half of the transfers warms the state up (every account has its
 * counters) and only the second half is timed.
 * Prints risk_off_tps, risk_on_tps (wall clock), their ratio, the same per
 * CPU second of the applying thread (less sensitive to a loaded machine),
 * and the target line on the wall-clock medians (at most 10 % lower
 * throughput: MET / NOT MET).
 *
 * usage: risk_bench [--quick]   (--quick: 200,000 transfers, 3 rounds; else 2,000,000, 5)
 *        RISK_BENCH_PROFILE=1 risk_bench   one run with the rule set only, no figures (for perf; =off: without)   (RISK_BENCH_RULES=FILE judges with another rule-set file)
 */
#include "bench.h"
#include "core/hash.h"
#include "core/limits.h"
#include "engine/state.h"
#include "risk/http.h"
#include "risk/risk.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ACCOUNT_COUNT 100000u
#define BATCH SZ_BATCH_COMMAND_COUNT_MAX
#define RAW_SIZE (sizeof(sz_command_header) + sizeof(sz_transfer))
#define T0_NS (1740794400ull * 1000000000ull)
/* One batch an hour of simulated time: 8,190 transfers an hour among
 * 100,000 accounts, i.e. each account pays about twice a day. (With one
 * batch a second, as before, every account met 20 new payees within four
 * minutes: half the transfers were fan-in or fan-out alerts and the alert
 * table filled, which measured alert storage, not judging.) */
#define BATCH_STEP_NS (3600ull * 1000000000ull)

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* The generator's ordinary payments (src/risk/gen.c): 50% 10-300 CNY,
 * 30% 300-3,000, 15% 3,000-20,000, 5% 20,000-100,000, in fen. */
static uint64_t amount_ordinary(void)
{
	uint64_t u = rnd64() % 100;
	uint64_t lo = u < 50 ? 1000 : u < 80 ? 30000 : u < 95 ? 300000 : 2000000;
	uint64_t hi = u < 50 ? 30000 : u < 80 ? 300000 : u < 95 ? 2000000 : 10000000;
	return lo + rnd64() % (hi - lo);
}

static void append(uint8_t *buf, uint32_t *size, uint16_t kind, const void *body, uint32_t body_size)
{
	sz_command_header h = { .size = (uint32_t)sizeof h + body_size, .kind = kind };
	memcpy(buf + *size, &h, sizeof h);
	memcpy(buf + *size + sizeof h, body, body_size);
	*size += h.size;
}

static uint32_t results[BATCH];

static void setup(struct sz_state *s, const struct risk_ruleset *rs, uint64_t *seq, uint64_t *t)
{
	static uint8_t buf[BATCH * (sizeof(sz_command_header) + sizeof(sz_account))];
	if (sz_state_init(s) != 0 || sz_state_register_domains(s) != 0) {
		fprintf(stderr, "risk_bench: state init failed\n");
		exit(1);
	}
	for (uint32_t first = 1; first <= ACCOUNT_COUNT; first += BATCH) {
		uint32_t size = 0, count = 0;
		for (uint32_t id = first; id < first + BATCH && id <= ACCOUNT_COUNT; id++, count++) {
			sz_account a = { .id = { id, 0 }, .currency = sz_currency_code("CNY"),
					 .kind = id % 2 ? SZ_KIND_GENERAL : SZ_KIND_WALLET, .tenant_id = 1 + id % 3 };
			append(buf, &size, SZ_CMD_CREATE_ACCOUNT, &a, sizeof a);
		}
		sz_state_apply_batch(s, ++*seq, *t += 1000000000ull, buf, size, count, 0, results);
	}
	if (rs != NULL) {
		uint32_t size = 0;
		append(buf, &size, RISK_CMD_RULESET_ACTIVATE, rs, sizeof *rs);
		sz_state_apply_batch(s, ++*seq, *t += 1000000000ull, buf, size, 1, 0, results);
		if (results[0] != SZ_R_OK) {
			fprintf(stderr, "risk_bench: activation refused (%u)\n", results[0]);
			exit(1);
		}
	}
}

/* Transfers per second applied, and how many were refused. */
static uint32_t last_alert_count, alerts_by_typology[16];
static uint8_t last_digest[32]; /* the state digest at the end of the last run with the rule set */
/* BLAKE2b of every stored alert and refusal record (336 bytes each, in
 * order) of the last run with the rule set: the same for a change of the
 * counters' layout that keeps every alert, verdict and explanation. */
static uint8_t last_alerts_digest[32];

static void alerts_digest(const struct risk_state *st, uint8_t out[32])
{
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	for (uint32_t i = 0; i < risk_alert_count(st); i++)
		crypto_generichash_update(&h, (const uint8_t *)risk_alert_at(st, i), sizeof(struct risk_alert));
	for (uint32_t i = 0; i < risk_refusal_count(st); i++)
		crypto_generichash_update(&h, (const uint8_t *)risk_refusal_at(st, i), sizeof(struct risk_alert));
	crypto_generichash_final(&h, out, 32);
}

static double last_cpu_tps; /* the last run's transfers per CPU second */

static double run(const struct risk_ruleset *rs, const uint8_t *cmds, uint32_t n, uint32_t *refused)
{
	static struct sz_state s;
	uint64_t seq = 0, t = T0_NS;
	setup(&s, rs, &seq, &t);
	*refused = 0;
	uint64_t timed_ns = 0, timed_cpu_ns = 0;
	for (uint32_t first = 0; first < n; first += BATCH) {
		uint32_t count = n - first < BATCH ? n - first : BATCH;
		sz_state_populate_ahead(&s); /* the writer thread's part: not the engine thread's time */
		uint64_t t0 = now_ns(), c0 = thread_cpu_ns();
		sz_state_apply_batch(&s, ++seq, t += BATCH_STEP_NS, cmds + (size_t)first * RAW_SIZE,
				     (uint32_t)(count * RAW_SIZE), count, 0, results);
		if (first >= n / 2 / BATCH * BATCH) { /* the first half warms the tables up (every account monitored) */
			timed_ns += now_ns() - t0;
			timed_cpu_ns += thread_cpu_ns() - c0;
		}
		for (uint32_t i = 0; i < count; i++)
			*refused += results[i] != SZ_R_OK;
	}
	double secs = (double)timed_ns / 1e9;
	const struct risk_state *st = risk_state_get(&s);
	if (rs != NULL) {
		sz_state_digest(&s, last_digest);
		alerts_digest(st, last_alerts_digest);
	}
	last_alert_count = risk_alert_count(st);
	memset(alerts_by_typology, 0, sizeof alerts_by_typology);
	for (uint32_t i = 0; i < last_alert_count; i++)
		alerts_by_typology[risk_alert_at(st, i)->typology_id < 15 ? risk_alert_at(st, i)->typology_id : 15]++;
	sz_state_release(&s);
	last_cpu_tps = (n - n / 2 / BATCH * BATCH) / ((double)timed_cpu_ns / 1e9);
	return (n - n / 2 / BATCH * BATCH) / secs;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int load_rules(struct risk_ruleset *rs, const char *path)
{
	FILE *f = fopen(path, "rb");
	static char text[1 << 16];
	size_t size = f ? fread(text, 1, sizeof text, f) : 0;
	if (f)
		fclose(f);
	char why[256] = "cannot read the rule-set file";
	if (size == 0 || risk_ruleset_parse(text, size, rs, why, sizeof why) != 0) {
		fprintf(stderr, "risk_bench: %s\n", why);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	uint32_t n = quick ? 200000u : 2000000u;
	static struct risk_ruleset rs;
	const char *rules = getenv("RISK_BENCH_RULES"); /* another rule-set file, to compare */
	if (sz_hash_init() != 0 || load_rules(&rs, rules ? rules : "share/risk/default.json") != 0)
		return 1;
	uint8_t *cmds = malloc((size_t)n * RAW_SIZE);
	if (cmds == NULL)
		return 1;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t d = 1 + rnd64() % ACCOUNT_COUNT, c = 1 + rnd64() % ACCOUNT_COUNT;
		if (c == d)
			c = d % ACCOUNT_COUNT + 1;
		sz_transfer t = { .id = { 1000000 + i, 0 }, .debit_account_id = { d, 0 }, .credit_account_id = { c, 0 },
				  .amount = amount_ordinary(), .currency = sz_currency_code("CNY"),
				  .code = (uint16_t)(i % 16 == 0 ? 9000 : 3) };
		uint32_t size = 0;
		append(cmds + (size_t)i * RAW_SIZE, &size, SZ_CMD_CREATE_TRANSFER, &t, sizeof t);
	}
	uint32_t rounds = quick ? 3u : 5u, refused_off = 0, refused_on = 0;
	const char *profile = getenv("RISK_BENCH_PROFILE");
	if (profile != NULL) { /* the judged run alone, for a profiler ("off": the run without rules) */
		run(strcmp(profile, "off") == 0 ? NULL : &rs, cmds, n, &refused_on);
		free(cmds);
		return 0;
	}
	double off[8], on[8], off_cpu[8], on_cpu[8], load_start[3] = { 0 }, load_end[3] = { 0 };
	(void)getloadavg(load_start, 3);
	for (uint32_t r = 0; r < rounds; r++) { /* alternate: both runs see the same load */
		off[r] = run(NULL, cmds, n, &refused_off);
		off_cpu[r] = last_cpu_tps;
		on[r] = run(&rs, cmds, n, &refused_on);
		on_cpu[r] = last_cpu_tps;
	}
	(void)getloadavg(load_end, 3);
	printf("alerts_with_rules=%u (by typology:", last_alert_count);
	for (uint32_t k = 1; k < 15; k++)
		if (alerts_by_typology[k])
			printf(" %u: %u", k, alerts_by_typology[k]);
	if (alerts_by_typology[15]) /* typology 65535: the 10 simulated days let large-value reports fall due */
		printf(" overdue reports: %u", alerts_by_typology[15]);
	printf(")\nstate digest with the rule set: ");
	for (uint32_t k = 0; k < 8; k++)
		printf("%02x", last_digest[k]);
	printf("... (changes with the counters' layout)\nalerts digest (every alert and refusal record): ");
	for (uint32_t k = 0; k < 8; k++)
		printf("%02x", last_alerts_digest[k]);
	printf("... (the same before and after a change that keeps every result)\n");
	qsort(off, rounds, sizeof off[0], cmp_double);
	qsort(on, rounds, sizeof on[0], cmp_double);
	qsort(off_cpu, rounds, sizeof off_cpu[0], cmp_double);
	qsort(on_cpu, rounds, sizeof on_cpu[0], cmp_double);
	double ratio = on[rounds / 2] / off[rounds / 2];
	printf("load average: %.2f at the start, %.2f at the end (1 min)\n", load_start[0], load_end[0]);
	printf("risk_off_tps=%.0f (min %.0f, max %.0f over %u rounds)\n", off[rounds / 2], off[0], off[rounds - 1],
	       rounds);
	printf("risk_on_tps=%.0f (min %.0f, max %.0f)\n", on[rounds / 2], on[0], on[rounds - 1]);
	printf("risk_ratio=%.3f (medians; transfers %u, refused with the rule set %u)\n", ratio, n, refused_on);
	printf("per CPU second of the applying thread: risk_off_cpu_tps=%.0f (min %.0f, max %.0f), risk_on_cpu_tps=%.0f "
	       "(min %.0f, max %.0f), ratio %.3f\n",
	       off_cpu[rounds / 2], off_cpu[0], off_cpu[rounds - 1], on_cpu[rounds / 2], on_cpu[0], on_cpu[rounds - 1],
	       on_cpu[rounds / 2] / off_cpu[rounds / 2]);
	printf("target (wall-clock medians, the figure of record): default rule set costs at most 10%% of transfer throughput (ratio >= 0.90): %s\n",
	       ratio >= 0.90 ? "MET" : "NOT MET");
	free(cmds);
	return 0;
}
