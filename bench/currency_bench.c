/*
 * currency_bench.c — durable wallet payments per second with limit checks,
 * and fiscal disbursement lines per second (a government agency's batch of
 * chunk commands, one ledger transfer and one line record per line), beside
 * the raw ledger transfer figure measured the same way in the same run.
 *
 * One engine in a temporary data directory. 10,000 wallets (half class 2,
 * half class 4, so every payment checks per-payment, daily and annual
 * outflow and the payee's balance cap against the limits version in force)
 * and 10,000 plain ledger accounts. Then, in batches of 8190 with at most
 * two batches in flight (as bench/ledger_bench.c): N raw transfers between
 * uniformly chosen accounts, and N wallet payments between uniformly chosen
 * wallets. A command counts only once its batch is fsynced and applied and
 * its result is ok. Commands are generated before timing starts.
 * Fiscal: an agency wallet (class 1) pays lines of up to 1 yuan to
 * uniformly chosen wallets, 96 lines per chunk command, 512 chunks (49,152
 * lines) per engine batch; a line counts once its batch is durable and the
 * batch record says it was paid.
 * Raw, payments and fiscal alternate in ROUNDS equal rounds, so all three
 * face the same machine noise; each figure prints the min, median and max of
 * its rounds, and the ratios compare medians.
 * Prints "currency_pay_tps=<n>", "currency_raw_tps=<n>",
 * "currency_fiscal_lines_per_s=<n>" (medians), the ratios, and a MET / NOT
 * MET line per target (payments >= 70% of raw; fiscal lines >= 50% of raw: a
 * line does the payment's checks plus its record).
 * --only raw|pay|fiscal times one of the three alone (for a profiler: `perf
 * record -e cpu-clock -g currency_bench --only pay`); it prints no ratio.
 *
 * --keep leaves the data directory (its path on stderr), e.g. to replay its
 * log with tests/tools/replay_digests and compare state digests.
 *
 * usage: currency_bench [--quick] [--dir DIR] [--only raw|pay|fiscal] [--keep]
 */
#include "bench.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/limits.h"
#include "currency/currency.h"
#include "engine/engine.h"
#include "engine/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WALLET_COUNT 10000u
#define TENANT 1u
#define BATCH SZ_BATCH_COMMAND_COUNT_MAX
#define PAY_SIZE (sizeof(sz_command_header) + sizeof(struct currency_pay_cmd))
#define RAW_SIZE (sizeof(sz_command_header) + sizeof(sz_transfer))
#define CHUNK_LINES CURRENCY_FISCAL_CHUNK_LINE_COUNT_MAX
#define CHUNK_SIZE (sizeof(sz_command_header) + sizeof(struct currency_fiscal_chunk_cmd) + \
		    CHUNK_LINES * sizeof(struct currency_fiscal_line_cmd))
#define CHUNKS_PER_BATCH 512u /* 512 x 3,912 bytes: inside SZ_BATCH_BODY_SIZE_MAX */
#define AGENCY_ID sz_id_make(9, 1)
#define ROUNDS 5u
_Static_assert(CHUNKS_PER_BATCH * CHUNK_SIZE <= SZ_BATCH_BODY_SIZE_MAX, "a fiscal batch fits one engine batch");

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void append(uint8_t *buf, uint32_t *size, uint16_t kind, const void *body, uint32_t body_size)
{
	sz_command_header h = { .size = (uint32_t)sizeof h + body_size, .kind = kind };
	memcpy(buf + *size, &h, sizeof h);
	memcpy(buf + *size + sizeof h, body, body_size);
	*size += h.size;
}

/* Execute a buffer of count commands in groups of at most BATCH; all must succeed. */
static void setup_exec(struct sz_engine *e, const uint8_t *buf, uint32_t size, uint32_t count)
{
	static uint32_t results[BATCH];
	uint32_t offset = 0;
	while (count > 0) {
		uint32_t n = 0, bytes = 0;
		while (n < count && n < BATCH) {
			const sz_command_header *h = (const sz_command_header *)(buf + offset + bytes);
			bytes += h->size;
			n++;
		}
		SZ_ASSERT(sz_engine_execute(e, buf + offset, bytes, n, results) == 0);
		for (uint32_t i = 0; i < n; i++)
			if (results[i] != SZ_R_OK) {
				fprintf(stderr, "setup command failed: %u\n", results[i]);
				exit(1);
			}
		offset += bytes;
		count -= n;
	}
	SZ_ASSERT(offset == size);
}

struct inflight {
	uint64_t *done_count;
	uint64_t *ok_count;
};

static void on_done(void *ctx, const uint32_t *results, uint32_t count)
{
	struct inflight *f = ctx;
	(*f->done_count)++;
	for (uint32_t i = 0; i < count; i++)
		*f->ok_count += results[i] == SZ_R_OK;
}

/* CPU time of this thread (it submits, polls and applies) summed over the runs. */
static uint64_t apply_cpu_ns;

/* Commit the commands in batches of per_batch, two in flight; ok commands
 * per second, and the elapsed time. */
static double run_batches(struct sz_engine *e, const uint8_t *cmds, size_t cmd_size, uint32_t per_batch,
			  uint64_t batches, uint64_t *ok_out, uint64_t *elapsed_out)
{
	uint64_t done = 0, ok = 0;
	struct inflight f = { &done, &ok };
	uint64_t t0 = now_ns(), cpu0 = thread_cpu_ns();
	for (uint64_t b = 0; b < batches; b++) {
		int rc;
		while ((rc = sz_engine_submit(e, cmds + b * per_batch * cmd_size, per_batch * (uint32_t)cmd_size, per_batch,
					      on_done, &f)) == SZ_EBUSY)
			SZ_ASSERT(sz_engine_poll(e, -1) >= 0);
		SZ_ASSERT(rc == 0);
		sz_engine_flush(e);
		while (done + 2 <= b)
			SZ_ASSERT(sz_engine_poll(e, -1) >= 0);
		sz_engine_poll(e, 0);
	}
	while (done < batches)
		SZ_ASSERT(sz_engine_poll(e, -1) >= 0);
	uint64_t elapsed = now_ns() - t0;
	apply_cpu_ns += thread_cpu_ns() - cpu0;
	*ok_out = ok;
	*elapsed_out = elapsed;
	return (double)ok * 1e9 / (double)elapsed;
}

static double run(struct sz_engine *e, const uint8_t *cmds, size_t cmd_size, uint64_t batches, uint64_t *ok_out)
{
	uint64_t elapsed;
	return run_batches(e, cmds, cmd_size, BATCH, batches, ok_out, &elapsed);
}

struct spread {
	double min, median, max;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Min, median and max of the ROUNDS figures of one kind. */
static struct spread spread_of(const double *rounds)
{
	double v[ROUNDS];
	memcpy(v, rounds, sizeof v);
	qsort(v, ROUNDS, sizeof v[0], cmp_double);
	_Static_assert(ROUNDS % 2 == 1, "an odd number of rounds has one median");
	return (struct spread){ v[0], v[ROUNDS / 2], v[ROUNDS - 1] };
}

/* Fiscal chunk commands for `batches` engine batches: batch k is
 * disbursement (10, k + 1); line ids are unique over the run. */
static uint8_t *fiscal_commands(uint64_t batches)
{
	uint8_t *cmds = malloc(batches * CHUNKS_PER_BATCH * CHUNK_SIZE);
	SZ_ASSERT(cmds != NULL);
	uint64_t line = 0;
	for (uint64_t k = 0; k < batches; k++)
		for (uint32_t j = 0; j < CHUNKS_PER_BATCH; j++) {
			uint8_t *p = cmds + (k * CHUNKS_PER_BATCH + j) * CHUNK_SIZE;
			sz_command_header h = { .size = (uint32_t)CHUNK_SIZE, .kind = CURRENCY_CMD_FISCAL_DISBURSE };
			struct currency_fiscal_chunk_cmd c = {
				.id = sz_id_make(11, k * CHUNKS_PER_BATCH + j + 1), .batch_id = sz_id_make(10, k + 1),
				.payer_id = AGENCY_ID,
				.chunk_index = (uint32_t)((k * CHUNKS_PER_BATCH + j) % CURRENCY_FISCAL_CHUNK_COUNT_MAX),
				.chunk_count = CURRENCY_FISCAL_CHUNK_COUNT_MAX, .line_count = CHUNK_LINES,
				.purpose = CURRENCY_FISCAL_SUBSIDY,
			};
			/* A disbursement has at most CURRENCY_FISCAL_CHUNK_COUNT_MAX chunks: a new batch id every so many. */
			c.batch_id = sz_id_make(10, (k * CHUNKS_PER_BATCH + j) / CURRENCY_FISCAL_CHUNK_COUNT_MAX + 1);
			memcpy(p, &h, sizeof h);
			memcpy(p + sizeof h, &c, sizeof c);
			for (uint32_t i = 0; i < CHUNK_LINES; i++) {
				struct currency_fiscal_line_cmd l = { sz_id_make(12, ++line),
								      sz_id_make(3, rnd64() % WALLET_COUNT + 1),
								      1 + rnd64() % 100 };
				memcpy(p + sizeof h + sizeof c + i * sizeof l, &l, sizeof l);
			}
		}
	return cmds;
}

/* Lines the batch records say were paid. */
static uint64_t fiscal_lines_paid(struct sz_engine *e, uint64_t batch_ids)
{
	const struct currency_state *c = currency_state_get(sz_engine_state(e));
	uint64_t paid = 0;
	for (uint64_t k = 1; k <= batch_ids; k++) {
		const struct currency_fiscal_batch *b = currency_fiscal_batch_find(c, sz_id_make(10, k));
		paid += b ? b->paid_count : 0;
	}
	return paid;
}

int main(int argc, char **argv)
{
	const char *base = "/tmp";
	const char *only = NULL;
	bool quick = false, keep = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			quick = true;
		else if (strcmp(argv[i], "--keep") == 0)
			keep = true;
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			base = argv[++i];
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc &&
			 (strcmp(argv[i + 1], "raw") == 0 || strcmp(argv[i + 1], "pay") == 0 ||
			  strcmp(argv[i + 1], "fiscal") == 0))
			only = argv[++i];
		else {
			fprintf(stderr, "usage: currency_bench [--quick] [--dir DIR] [--only raw|pay|fiscal] [--keep]\n");
			return 2;
		}
	}
	SZ_ASSERT(sz_hash_init() == 0);
	double load[3];
	if (getloadavg(load, 3) == 3)
		printf("load average at start: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
	char dir[512];
	snprintf(dir, sizeof dir, "%s/szfin-currency-bench-XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	struct sz_engine *e = NULL;
	char why[512];
	struct sz_engine_config cfg = { .data_dir = dir };
	if (sz_engine_open(&e, &cfg, why, sizeof why) != 0) {
		fprintf(stderr, "open: %s\n", why);
		return 1;
	}
	uint64_t batches = quick ? 20 : 160; /* ROUNDS equal rounds */

	/* ---- setup: operator, issuance, bank account, wallets, raw accounts ---- */
	size_t setup_size = (size_t)WALLET_COUNT * 3 * 200 + 4096;
	uint8_t *buf = malloc(setup_size);
	SZ_ASSERT(buf != NULL);
	uint32_t size = 0, count = 0;
	struct currency_operator_cmd op;
	memset(&op, 0, sizeof op);
	op.id = sz_id_make(1, 1);
	op.tenant_id = TENANT;
	op.currency = sz_currency_code("CNY");
	op.type = CURRENCY_OPERATOR_BANK;
	append(buf, &size, CURRENCY_CMD_OPERATOR_REGISTER, &op, sizeof op), count++;
	struct currency_reserve_cmd rc = { sz_id_make(1, 2), TENANT, 10000000000ull, 0, { 0 } };
	append(buf, &size, CURRENCY_CMD_RESERVE, &rc, sizeof rc), count++;
	struct currency_issue_cmd ic = { sz_id_make(1, 3), TENANT, 10000000000ull };
	append(buf, &size, CURRENCY_CMD_ISSUE, &ic, sizeof ic), count++;
	sz_account funding, bank;
	memset(&funding, 0, sizeof funding);
	funding.id = sz_id_make(2, 1);
	funding.tenant_id = TENANT;
	funding.currency = op.currency;
	bank = funding;
	bank.id = sz_id_make(2, 2);
	bank.kind = SZ_KIND_BANK_DEPOSIT;
	append(buf, &size, SZ_CMD_CREATE_ACCOUNT, &funding, sizeof funding), count++;
	append(buf, &size, SZ_CMD_CREATE_ACCOUNT, &bank, sizeof bank), count++;
	sz_transfer t;
	memset(&t, 0, sizeof t);
	t.id = sz_id_make(2, 3);
	t.debit_account_id = funding.id;
	t.credit_account_id = bank.id;
	t.amount = 10000000000ull;
	t.currency = op.currency;
	append(buf, &size, SZ_CMD_CREATE_TRANSFER, &t, sizeof t), count++;
	for (uint32_t i = 0; i < WALLET_COUNT; i++) {
		struct currency_wallet_open_cmd w;
		memset(&w, 0, sizeof w);
		w.id = sz_id_make(3, i + 1);
		w.owner_id = sz_id_make(4, i + 1);
		w.tenant_id = TENANT;
		w.bank_account_id = bank.id;
		w.class_level = i % 2 ? 4 : 2;
		w.type = CURRENCY_WALLET_PERSONAL;
		append(buf, &size, CURRENCY_CMD_WALLET_OPEN, &w, sizeof w), count++;
		struct currency_amount_cmd top = { sz_id_make(5, i + 1), w.id, 500000, 0 }; /* 5,000 yuan */
		append(buf, &size, CURRENCY_CMD_TOPUP, &top, sizeof top), count++;
		sz_account a;
		memset(&a, 0, sizeof a);
		a.id = sz_id_make(6, i + 1);
		a.currency = op.currency;
		append(buf, &size, SZ_CMD_CREATE_ACCOUNT, &a, sizeof a), count++;
	}
	struct currency_wallet_open_cmd g;
	memset(&g, 0, sizeof g);
	g.id = AGENCY_ID;
	g.owner_id = sz_id_make(4, 0);
	g.tenant_id = TENANT;
	g.bank_account_id = bank.id;
	g.class_level = 1;
	g.type = CURRENCY_WALLET_GOVERNMENT;
	append(buf, &size, CURRENCY_CMD_WALLET_OPEN, &g, sizeof g), count++;
	struct currency_amount_cmd gtop = { sz_id_make(5, 0), g.id, 2000000000ull, 0 }; /* 20,000,000 yuan */
	append(buf, &size, CURRENCY_CMD_TOPUP, &gtop, sizeof gtop), count++;
	SZ_ASSERT(size <= setup_size);
	setup_exec(e, buf, size, count);
	free(buf);

	/* ---- commands, generated before timing ---- */
	uint64_t n = batches * BATCH;
	uint8_t *raw = malloc(n * RAW_SIZE), *pay = malloc(n * PAY_SIZE);
	SZ_ASSERT(raw != NULL && pay != NULL);
	for (uint64_t i = 0; i < n; i++) {
		uint32_t a = (uint32_t)(rnd64() % WALLET_COUNT), b = (uint32_t)(rnd64() % (WALLET_COUNT - 1));
		if (b >= a)
			b++;
		uint64_t amount = 1 + rnd64() % 100; /* up to 1 yuan: limits are checked, rarely hit */
		sz_command_header h = { .size = (uint32_t)RAW_SIZE, .kind = SZ_CMD_CREATE_TRANSFER };
		memset(&t, 0, sizeof t);
		t.id = sz_id_make(7, i + 1);
		t.debit_account_id = sz_id_make(6, a + 1);
		t.credit_account_id = sz_id_make(6, b + 1);
		t.amount = amount;
		t.currency = op.currency;
		memcpy(raw + i * RAW_SIZE, &h, sizeof h);
		memcpy(raw + i * RAW_SIZE + sizeof h, &t, sizeof t);
		struct currency_pay_cmd p;
		memset(&p, 0, sizeof p);
		p.id = sz_id_make(8, i + 1);
		p.payer_id = sz_id_make(3, a + 1);
		p.payee_id = sz_id_make(3, b + 1);
		p.amount = amount;
		h = (sz_command_header){ .size = (uint32_t)PAY_SIZE, .kind = CURRENCY_CMD_PAY };
		memcpy(pay + i * PAY_SIZE, &h, sizeof h);
		memcpy(pay + i * PAY_SIZE + sizeof h, &p, sizeof p);
	}

	/* ---- timed runs: raw, payments and fiscal alternate in equal rounds ---- */
	const uint64_t per_round = batches / ROUNDS;
	/* About as many fiscal lines per round as raw transfers. */
	uint64_t fiscal_per_round = per_round * BATCH / (CHUNKS_PER_BATCH * CHUNK_LINES);
	if (fiscal_per_round == 0)
		fiscal_per_round = 1;
	uint8_t *fiscal = fiscal_commands(ROUNDS * fiscal_per_round);
	uint64_t fiscal_batch_ids = (ROUNDS * fiscal_per_round * CHUNKS_PER_BATCH + CURRENCY_FISCAL_CHUNK_COUNT_MAX - 1) /
				    CURRENCY_FISCAL_CHUNK_COUNT_MAX;
	uint64_t raw_ok = 0, pay_ok = 0, lines_sent = 0;
	double raw_r[ROUNDS], pay_r[ROUNDS], fiscal_r[ROUNDS];
	uint64_t raw_cpu_ns = 0, pay_cpu_ns = 0, fiscal_cpu_ns = 0;
	for (uint64_t k = 0; k < ROUNDS; k++) {
		uint64_t ok_raw = 0, ok_pay = 0, ok_chunks = 0, elapsed = 1;
		raw_r[k] = pay_r[k] = fiscal_r[k] = 0;
		uint64_t cpu = apply_cpu_ns;
		if (only == NULL || strcmp(only, "raw") == 0)
			raw_r[k] = run(e, raw + k * per_round * BATCH * RAW_SIZE, RAW_SIZE, per_round, &ok_raw);
		raw_cpu_ns += apply_cpu_ns - cpu, cpu = apply_cpu_ns;
		if (only == NULL || strcmp(only, "pay") == 0)
			pay_r[k] = run(e, pay + k * per_round * BATCH * PAY_SIZE, PAY_SIZE, per_round, &ok_pay);
		pay_cpu_ns += apply_cpu_ns - cpu, cpu = apply_cpu_ns;
		uint64_t paid_before = fiscal_lines_paid(e, fiscal_batch_ids);
		if (only == NULL || strcmp(only, "fiscal") == 0) {
			run_batches(e, fiscal + k * fiscal_per_round * CHUNKS_PER_BATCH * CHUNK_SIZE, CHUNK_SIZE,
				    CHUNKS_PER_BATCH, fiscal_per_round, &ok_chunks, &elapsed);
			lines_sent += fiscal_per_round * CHUNKS_PER_BATCH * CHUNK_LINES;
		}
		fiscal_cpu_ns += apply_cpu_ns - cpu;
		uint64_t paid = fiscal_lines_paid(e, fiscal_batch_ids) - paid_before;
		fiscal_r[k] = (double)paid * 1e9 / (double)elapsed;
		raw_ok += ok_raw;
		pay_ok += ok_pay;
	}
	uint64_t lines_paid = fiscal_lines_paid(e, fiscal_batch_ids);
	n = ROUNDS * per_round * BATCH;
	struct spread raw_s = spread_of(raw_r), pay_s = spread_of(pay_r), fiscal_s = spread_of(fiscal_r);
	printf("rounds: %u of each, alternating raw, payments, fiscal\n", ROUNDS);
	printf("raw ledger transfers:  median %9.0f /s durable (min %.0f, max %.0f; %llu ok of %llu, batches of %u)\n",
	       raw_s.median, raw_s.min, raw_s.max, (unsigned long long)raw_ok, (unsigned long long)n, BATCH);
	printf("wallet payments:       median %9.0f /s durable (min %.0f, max %.0f; %llu ok of %llu; class 2 and 4 mixed, "
	       "limit checks)\n",
	       pay_s.median, pay_s.min, pay_s.max, (unsigned long long)pay_ok, (unsigned long long)n);
	printf("fiscal lines:          median %9.0f /s durable (min %.0f, max %.0f; %llu paid of %llu, %u lines per batch)\n",
	       fiscal_s.median, fiscal_s.min, fiscal_s.max, (unsigned long long)lines_paid, (unsigned long long)lines_sent,
	       CHUNKS_PER_BATCH * CHUNK_LINES);
	/* Machine noise moves the durable rates; the applying thread's CPU time
	 * per command moves much less, and says where the difference lies. */
	printf("applying thread CPU per command: raw %.0f ns, payment %.0f ns, fiscal line %.0f ns\n",
	       raw_ok ? (double)raw_cpu_ns / (double)raw_ok : 0.0, pay_ok ? (double)pay_cpu_ns / (double)pay_ok : 0.0,
	       lines_sent ? (double)fiscal_cpu_ns / (double)lines_sent : 0.0);
	if (only == NULL) {
		double pay_ratio = 100.0 * pay_s.median / raw_s.median, fiscal_ratio = 100.0 * fiscal_s.median / raw_s.median;
		printf("ratio payments / raw:  %10.0f%% of medians (target >= 70%%)\n", pay_ratio);
		printf("ratio fiscal / raw:    %10.0f%% of medians (target >= 50%%)\n", fiscal_ratio);
		printf("target wallet payments >= 70%% of raw ledger: %s\n", pay_ratio >= 70.0 ? "MET" : "NOT MET");
		printf("target fiscal lines >= 50%% of raw ledger: %s\n", fiscal_ratio >= 50.0 ? "MET" : "NOT MET");
	}
	printf("currency_pay_tps=%.0f\ncurrency_raw_tps=%.0f\ncurrency_fiscal_lines_per_s=%.0f\n", pay_s.median,
	       raw_s.median, fiscal_s.median);
	free(fiscal);
	free(raw);
	free(pay);
	sz_engine_close(e);
	if (keep) {
		fprintf(stderr, "data directory kept: %s\n", dir);
		return 0;
	}
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return 0;
}
