/*
 * pg_bench.c — the peer baseline: a plain double-entry ledger in PostgreSQL,
 * driven over TCP on loopback like szfin's HTTP benchmark.
 *
 * A table of accounts and a table of transfers (no foreign keys: the
 * functions check that both accounts exist, as szfin does), and two ways in:
 *
 *   per request: one transaction per transfer through transfer(), called by
 *     CONCURRENCY connections, each with one transaction in flight;
 *   --batch N:  one transaction of N transfers per request, PostgreSQL's
 *     bulk path: COPY into a temporary staging table, then transfer_batch(),
 *     one set-based INSERT and one set-based UPDATE with the same checks
 *     (idempotency by id, both accounts exist, debit != credit, amount > 0,
 *     the overdraft limit of flagged accounts). Its limit check counts every
 *     earlier debit of the batch and no earlier credit, so it is stricter
 *     and cheaper than szfin's transfer-by-transfer check, never looser.
 *
 * Durability is PostgreSQL's default (fsync on, synchronous_commit on), and
 * the program prints the server's settings so the reader can check. Every
 * connection is opened before the clock starts. It runs ROUNDS rounds of
 * SECONDS each and prints min / median / max transfers/s over the rounds
 * and latency percentiles over all of them, ending with machine lines
 * "pg_tps=<median>", "pg_tps_min=<n>", "pg_tps_max=<n>".
 *
 * usage: pg_bench CONNINFO ACCOUNTS SECONDS CONCURRENCY [--batch N] [--rounds R]
 */
#include "bench.h"
#include "core/assert.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LATENCY_COUNT_MAX 4000000u
#define PG_BENCH_ROUNDS_MAX 15u
#define PG_BENCH_BATCH_MAX 8190u
#define PG_BENCH_CONCURRENCY_MAX 256u
#define COPY_LINE_SIZE_MAX 112u

static const char *conninfo;
static uint64_t account_count;
static double seconds;
static uint32_t batch_size; /* 0: one transfer per transaction */
static pthread_barrier_t round_barrier;
static volatile uint64_t round_end_ns;

static const char *schema =
	"SET client_min_messages = warning; DROP TABLE IF EXISTS transfers; DROP TABLE IF EXISTS accounts;"
	"CREATE TABLE accounts (id bigint PRIMARY KEY, debits bigint NOT NULL DEFAULT 0,"
	"  credits bigint NOT NULL DEFAULT 0, debits_must_not_exceed_credits boolean NOT NULL DEFAULT false);"
	"CREATE TABLE transfers (id bigint PRIMARY KEY, debit_account bigint NOT NULL,"
	"  credit_account bigint NOT NULL, amount bigint NOT NULL CHECK (amount > 0),"
	"  created timestamptz NOT NULL DEFAULT now());"
	"CREATE OR REPLACE FUNCTION transfer(p_id bigint, p_debit bigint, p_credit bigint, p_amount bigint)"
	" RETURNS text LANGUAGE plpgsql AS $$"
	" DECLARE d accounts%ROWTYPE;"
	" BEGIN"
	"  IF p_debit = p_credit THEN RETURN 'accounts_same'; END IF;"
	"  IF p_amount <= 0 THEN RETURN 'amount_invalid'; END IF;"
	"  PERFORM 1 FROM accounts WHERE id = LEAST(p_debit, p_credit) FOR UPDATE;"
	"  PERFORM 1 FROM accounts WHERE id = GREATEST(p_debit, p_credit) FOR UPDATE;"
	"  PERFORM 1 FROM accounts WHERE id = p_credit;"
	"  IF NOT FOUND THEN RETURN 'credit_account_not_found'; END IF;"
	"  SELECT * INTO d FROM accounts WHERE id = p_debit;"
	"  IF NOT FOUND THEN RETURN 'debit_account_not_found'; END IF;"
	"  IF d.debits_must_not_exceed_credits AND d.debits + p_amount > d.credits THEN RETURN 'exceeds_credits'; END IF;"
	"  INSERT INTO transfers (id, debit_account, credit_account, amount) VALUES (p_id, p_debit, p_credit, p_amount);"
	"  UPDATE accounts SET debits = debits + p_amount WHERE id = p_debit;"
	"  UPDATE accounts SET credits = credits + p_amount WHERE id = p_credit;"
	"  RETURN 'ok';"
	" EXCEPTION WHEN unique_violation THEN RETURN 'exists';"
	" END $$;"
	/* The batch: take the accounts table for writing (readers go on; batches
	 * are serialised, as szfin's one engine thread serialises them), keep the
	 * first of a repeated id, drop ids already stored, check, insert, and
	 * move both balances of every account in one UPDATE (an account on both
	 * sides is one row). */
	"CREATE OR REPLACE FUNCTION transfer_batch() RETURNS bigint LANGUAGE plpgsql AS $$"
	" DECLARE n bigint;"
	" BEGIN"
	"  LOCK TABLE accounts IN EXCLUSIVE MODE;"
	"  WITH s AS (SELECT DISTINCT ON (id) * FROM staging ORDER BY id, seq),"
	"  checked AS (SELECT s.*, d.debits, d.credits, d.debits_must_not_exceed_credits AS limited,"
	"    (sum(s.amount) OVER (PARTITION BY s.debit ORDER BY s.seq))::bigint AS batch_debits"
	"    FROM s JOIN accounts d ON d.id = s.debit JOIN accounts c ON c.id = s.credit"
	"    WHERE s.debit <> s.credit AND s.amount > 0 AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.id = s.id)),"
	"  ok AS (INSERT INTO transfers (id, debit_account, credit_account, amount)"
	"    SELECT id, debit, credit, amount FROM checked WHERE NOT limited OR debits + batch_debits <= credits"
	"    RETURNING debit_account, credit_account, amount),"
	"  moves AS (SELECT id, sum(d) AS d, sum(c) AS c FROM (SELECT debit_account AS id, amount AS d, 0::bigint AS c"
	"    FROM ok UNION ALL SELECT credit_account, 0, amount FROM ok) m GROUP BY id),"
	"  moved AS (UPDATE accounts a SET debits = a.debits + moves.d, credits = a.credits + moves.c"
	"    FROM moves WHERE a.id = moves.id RETURNING 1)"
	"  SELECT count(*) INTO n FROM ok;"
	"  RETURN n;"
	" END $$;";

struct worker {
	pthread_t thread;
	uint32_t index;
	uint32_t rounds;
	uint64_t done[PG_BENCH_ROUNDS_MAX];
	uint64_t refused;
	uint64_t *latencies;
	uint64_t latency_count, latency_max;
	uint64_t rng, next_id;
	char *copy_buf;
};

static PGconn *connect_or_die(void)
{
	PGconn *c = PQconnectdb(conninfo);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "pg_bench: %s", PQerrorMessage(c));
		exit(1);
	}
	return c;
}

static void exec_or_die(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "pg_bench: %s: %s", sql, PQerrorMessage(c));
		exit(1);
	}
	PQclear(r);
}

/* The next transfer of this worker: a fresh id, two distinct accounts. */
static void next_transfer(struct worker *w, uint64_t *id, uint64_t *debit, uint64_t *credit, uint64_t *amount)
{
	w->rng ^= w->rng << 13, w->rng ^= w->rng >> 7, w->rng ^= w->rng << 17;
	*id = (uint64_t)w->index << 40 | w->next_id++;
	*debit = 1 + w->rng % account_count;
	*credit = *debit % account_count + 1;
	*amount = 1 + (w->rng >> 20) % 10000;
}

/* One transaction of one transfer; 1 if it was booked. */
static uint64_t run_single(PGconn *c, struct worker *w)
{
	uint64_t id, d, cr, amount;
	next_transfer(w, &id, &d, &cr, &amount);
	char ids[32], drs[32], crs[32], amounts[32];
	snprintf(ids, sizeof ids, "%llu", (unsigned long long)id);
	snprintf(drs, sizeof drs, "%llu", (unsigned long long)d);
	snprintf(crs, sizeof crs, "%llu", (unsigned long long)cr);
	snprintf(amounts, sizeof amounts, "%llu", (unsigned long long)amount);
	const char *values[4] = { ids, drs, crs, amounts };
	PGresult *r = PQexecPrepared(c, "t", 4, values, NULL, NULL, 0);
	SZ_ASSERT(PQresultStatus(r) == PGRES_TUPLES_OK);
	uint64_t booked = strcmp(PQgetvalue(r, 0, 0), "ok") == 0;
	PQclear(r);
	return booked;
}

/* One transaction of batch_size transfers: COPY into staging, then the
 * set-based function; returns how many it booked. */
static uint64_t run_batch(PGconn *c, struct worker *w)
{
	size_t size = 0;
	for (uint32_t i = 0; i < batch_size; i++) {
		uint64_t id, d, cr, amount;
		next_transfer(w, &id, &d, &cr, &amount);
		size += (size_t)snprintf(w->copy_buf + size, COPY_LINE_SIZE_MAX, "%u\t%llu\t%llu\t%llu\t%llu\n", i,
					 (unsigned long long)id, (unsigned long long)d, (unsigned long long)cr,
					 (unsigned long long)amount);
	}
	exec_or_die(c, "BEGIN");
	PGresult *r = PQexec(c, "COPY staging FROM STDIN");
	SZ_ASSERT(PQresultStatus(r) == PGRES_COPY_IN);
	PQclear(r);
	SZ_ASSERT(PQputCopyData(c, w->copy_buf, (int)size) == 1 && PQputCopyEnd(c, NULL) == 1);
	r = PQgetResult(c);
	SZ_ASSERT(PQresultStatus(r) == PGRES_COMMAND_OK);
	PQclear(r);
	SZ_ASSERT(PQgetResult(c) == NULL);
	r = PQexec(c, "SELECT transfer_batch()");
	SZ_ASSERT(PQresultStatus(r) == PGRES_TUPLES_OK);
	uint64_t booked = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	exec_or_die(c, "COMMIT"); /* the staging rows go with it (ON COMMIT DELETE ROWS) */
	return booked;
}

static void worker_prepare(PGconn *c)
{
	if (batch_size == 0) {
		PGresult *p = PQprepare(c, "t", "SELECT transfer($1::bigint, $2::bigint, $3::bigint, $4::bigint)", 4, NULL);
		SZ_ASSERT(PQresultStatus(p) == PGRES_COMMAND_OK);
		PQclear(p);
		return;
	}
	exec_or_die(c, "CREATE TEMPORARY TABLE staging (seq int NOT NULL, id bigint NOT NULL, debit bigint NOT NULL,"
		       " credit bigint NOT NULL, amount bigint NOT NULL) ON COMMIT DELETE ROWS");
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	PGconn *c = connect_or_die();
	worker_prepare(c);
	w->rng = 0x9e3779b97f4a7c15ull * (w->index + 1);
	for (uint32_t round = 0; round < w->rounds; round++) {
		pthread_barrier_wait(&round_barrier); /* every connection is open: go */
		while (now_ns() < round_end_ns) {
			uint64_t t0 = now_ns();
			uint64_t per = batch_size ? batch_size : 1;
			uint64_t booked = batch_size ? run_batch(c, w) : run_single(c, w);
			if (w->latency_count < w->latency_max)
				w->latencies[w->latency_count++] = now_ns() - t0;
			w->done[round] += booked;
			w->refused += per - booked;
		}
		pthread_barrier_wait(&round_barrier);
	}
	PQfinish(c);
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void print_settings(PGconn *c)
{
	const char *names[] = { "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes", "commit_delay" };
	printf("  PostgreSQL %s durability:", PQparameterStatus(c, "server_version"));
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char sql[64];
		snprintf(sql, sizeof sql, "SHOW %s", names[i]);
		PGresult *r = PQexec(c, sql);
		printf(" %s=%s", names[i], PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : "?");
		PQclear(r);
	}
	printf("\n");
}

/* Rounds of the workload; fills tps[] per round, returns booked and refused. */
static void run_rounds(struct worker *w, uint32_t concurrency, uint32_t rounds, double *tps, uint64_t *refused)
{
	for (uint32_t i = 0; i < concurrency; i++) {
		w[i].index = i;
		w[i].rounds = rounds;
		w[i].latency_max = LATENCY_COUNT_MAX / concurrency;
		w[i].latencies = malloc(w[i].latency_max * sizeof(uint64_t));
		w[i].copy_buf = batch_size ? malloc((size_t)batch_size * COPY_LINE_SIZE_MAX) : NULL;
		SZ_ASSERT(w[i].latencies != NULL && (batch_size == 0 || w[i].copy_buf != NULL));
		pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
	}
	for (uint32_t round = 0; round < rounds; round++) {
		round_end_ns = now_ns() + (uint64_t)(seconds * 1e9);
		pthread_barrier_wait(&round_barrier);
		uint64_t t0 = now_ns();
		pthread_barrier_wait(&round_barrier);
		double elapsed = (double)(now_ns() - t0) / 1e9;
		uint64_t total = 0;
		for (uint32_t i = 0; i < concurrency; i++)
			total += w[i].done[round];
		tps[round] = (double)total / elapsed;
	}
	*refused = 0;
	for (uint32_t i = 0; i < concurrency; i++) {
		pthread_join(w[i].thread, NULL);
		*refused += w[i].refused;
	}
}

static int parse_args(int argc, char **argv, uint32_t *concurrency, uint32_t *rounds)
{
	if (argc < 5)
		return -1;
	conninfo = argv[1];
	account_count = strtoull(argv[2], NULL, 10);
	seconds = strtod(argv[3], NULL);
	*concurrency = (uint32_t)strtoul(argv[4], NULL, 10);
	*rounds = 1;
	for (int i = 5; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--batch") == 0)
			batch_size = (uint32_t)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--rounds") == 0)
			*rounds = (uint32_t)strtoul(argv[i + 1], NULL, 10);
		else
			return -1;
	}
	if (argc % 2 == 0)
		return -1;
	bool ok = account_count >= 2 && seconds > 0 && *concurrency >= 1 && *concurrency <= PG_BENCH_CONCURRENCY_MAX &&
		  batch_size <= PG_BENCH_BATCH_MAX && *rounds >= 1 && *rounds <= PG_BENCH_ROUNDS_MAX;
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	uint32_t concurrency, rounds;
	if (parse_args(argc, argv, &concurrency, &rounds)) {
		fprintf(stderr, "usage: pg_bench CONNINFO ACCOUNTS SECONDS CONCURRENCY [--batch N] [--rounds R]\n");
		return 2;
	}
	PGconn *c = connect_or_die();
	exec_or_die(c, schema);
	char sql[256];
	snprintf(sql, sizeof sql, "INSERT INTO accounts (id) SELECT generate_series(1, %llu); ANALYZE accounts",
		 (unsigned long long)account_count);
	exec_or_die(c, sql);
	print_settings(c);

	struct worker *w = calloc(concurrency, sizeof *w);
	SZ_ASSERT(w != NULL);
	pthread_barrier_init(&round_barrier, NULL, concurrency + 1);
	double tps[PG_BENCH_ROUNDS_MAX];
	uint64_t refused = 0;
	run_rounds(w, concurrency, rounds, tps, &refused);
	uint64_t lat_total = 0;
	for (uint32_t i = 0; i < concurrency; i++)
		lat_total += w[i].latency_count;
	uint64_t *all = malloc(lat_total * sizeof *all + 8);
	SZ_ASSERT(all != NULL);
	uint64_t k = 0;
	for (uint32_t i = 0; i < concurrency; i++) {
		memcpy(all + k, w[i].latencies, w[i].latency_count * sizeof *all);
		k += w[i].latency_count;
		free(w[i].latencies);
		free(w[i].copy_buf);
	}
	qsort(all, k, sizeof *all, cmp_u64);
	qsort(tps, rounds, sizeof *tps, cmp_double);
	char shape[128];
	if (batch_size)
		snprintf(shape, sizeof shape, "batches of %u transfers, 1 transaction each (COPY + set-based function)",
			 batch_size);
	else
		snprintf(shape, sizeof shape, "1 transfer per transaction");
	printf("  PostgreSQL, TCP loopback, %s, %llu accounts, concurrency %u: durable transfers/s min %.0f median %.0f"
	       " max %.0f (%u rounds of %.0f s); latency per request p50 %.3f ms p99 %.3f ms; %llu refused\n",
	       shape, (unsigned long long)account_count, concurrency, tps[0], tps[rounds / 2], tps[rounds - 1], rounds,
	       seconds, k ? all[k / 2] / 1e6 : 0.0, k ? all[k * 99 / 100] / 1e6 : 0.0, (unsigned long long)refused);
	printf("pg_tps=%.0f\npg_tps_min=%.0f\npg_tps_max=%.0f\npg_p99_ms=%.3f\n", tps[rounds / 2], tps[0],
	       tps[rounds - 1], k ? all[k * 99 / 100] / 1e6 : 0.0);
	pthread_barrier_destroy(&round_barrier);
	PQfinish(c);
	free(all);
	free(w);
	return 0;
}
