/*
 * pg_bench.c — the peer baseline: a plain double-entry ledger in PostgreSQL.
 *
 * A table of accounts, a table of transfers, and one SQL function per
 * transfer (insert the transfer, update both balances, reject overdrafts of
 * accounts flagged so), called by N concurrent connections with PostgreSQL's
 * default durable settings (fsync on, synchronous_commit on). The server is
 * started by bench/run.sh on loopback; this program creates the schema,
 * loads the accounts, runs for the given seconds and prints transfers/s and
 * latency percentiles, ending with "pg_tps=<n>".
 *
 * usage: pg_bench CONNINFO ACCOUNTS SECONDS CONCURRENCY
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

static const char *conninfo;
static uint64_t account_count;
static double seconds;

static const char *schema =
	"SET client_min_messages = warning; DROP TABLE IF EXISTS transfers; DROP TABLE IF EXISTS accounts;"
	"CREATE TABLE accounts (id bigint PRIMARY KEY, debits bigint NOT NULL DEFAULT 0,"
	"  credits bigint NOT NULL DEFAULT 0, debits_must_not_exceed_credits boolean NOT NULL DEFAULT false);"
	"CREATE TABLE transfers (id bigint PRIMARY KEY, debit_account bigint NOT NULL REFERENCES accounts,"
	"  credit_account bigint NOT NULL REFERENCES accounts, amount bigint NOT NULL CHECK (amount > 0),"
	"  created timestamptz NOT NULL DEFAULT now());"
	"CREATE OR REPLACE FUNCTION transfer(p_id bigint, p_debit bigint, p_credit bigint, p_amount bigint)"
	" RETURNS text LANGUAGE plpgsql AS $$"
	" DECLARE d accounts%ROWTYPE;"
	" BEGIN"
	"  IF p_debit = p_credit THEN RETURN 'accounts_same'; END IF;"
	"  SELECT * INTO d FROM accounts WHERE id = LEAST(p_debit, p_credit) FOR UPDATE;"
	"  SELECT * INTO d FROM accounts WHERE id = GREATEST(p_debit, p_credit) FOR UPDATE;"
	"  SELECT * INTO d FROM accounts WHERE id = p_debit;"
	"  IF NOT FOUND THEN RETURN 'debit_account_not_found'; END IF;"
	"  IF d.debits_must_not_exceed_credits AND d.debits + p_amount > d.credits THEN RETURN 'exceeds_credits'; END IF;"
	"  INSERT INTO transfers (id, debit_account, credit_account, amount) VALUES (p_id, p_debit, p_credit, p_amount);"
	"  UPDATE accounts SET debits = debits + p_amount WHERE id = p_debit;"
	"  UPDATE accounts SET credits = credits + p_amount WHERE id = p_credit;"
	"  RETURN 'ok';"
	" EXCEPTION WHEN unique_violation THEN RETURN 'exists';"
	" END $$;";

struct worker {
	pthread_t thread;
	uint32_t index;
	uint64_t done;
	uint64_t *latencies;
	uint64_t latency_count;
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
		fprintf(stderr, "pg_bench: %s", PQerrorMessage(c));
		exit(1);
	}
	PQclear(r);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	PGconn *c = connect_or_die();
	PGresult *p = PQprepare(c, "t", "SELECT transfer($1::bigint, $2::bigint, $3::bigint, $4::bigint)", 4, NULL);
	SZ_ASSERT(PQresultStatus(p) == PGRES_COMMAND_OK);
	PQclear(p);
	uint64_t rng = 0x9e3779b97f4a7c15ull * (w->index + 1);
	uint64_t end = now_ns() + (uint64_t)(seconds * 1e9);
	for (uint64_t n = 0; now_ns() < end; n++) {
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		char id[32], dr[32], cr[32], amount[32];
		snprintf(id, sizeof id, "%llu", (unsigned long long)((uint64_t)w->index << 40 | n));
		uint64_t d = 1 + rng % account_count;
		snprintf(dr, sizeof dr, "%llu", (unsigned long long)d);
		snprintf(cr, sizeof cr, "%llu", (unsigned long long)(d % account_count + 1));
		snprintf(amount, sizeof amount, "%llu", (unsigned long long)(1 + (rng >> 20) % 10000));
		const char *values[4] = { id, dr, cr, amount };
		uint64_t t0 = now_ns();
		PGresult *r = PQexecPrepared(c, "t", 4, values, NULL, NULL, 0);
		SZ_ASSERT(PQresultStatus(r) == PGRES_TUPLES_OK);
		PQclear(r);
		if (w->latency_count < LATENCY_COUNT_MAX)
			w->latencies[w->latency_count++] = now_ns() - t0;
		w->done++;
	}
	PQfinish(c);
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: pg_bench CONNINFO ACCOUNTS SECONDS CONCURRENCY\n");
		return 2;
	}
	conninfo = argv[1];
	account_count = strtoull(argv[2], NULL, 10);
	seconds = strtod(argv[3], NULL);
	uint32_t concurrency = (uint32_t)strtoul(argv[4], NULL, 10);
	SZ_ASSERT(account_count >= 2 && concurrency >= 1 && concurrency <= 256);
	PGconn *c = connect_or_die();
	exec_or_die(c, schema);
	char sql[256];
	snprintf(sql, sizeof sql, "INSERT INTO accounts (id) SELECT generate_series(1, %llu)", (unsigned long long)account_count);
	exec_or_die(c, sql);

	struct worker *w = calloc(concurrency, sizeof *w);
	uint64_t t0 = now_ns();
	for (uint32_t i = 0; i < concurrency; i++) {
		w[i].index = i;
		w[i].latencies = malloc(LATENCY_COUNT_MAX / concurrency * sizeof(uint64_t) + 8);
		pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
	}
	uint64_t total = 0, lat_total = 0;
	for (uint32_t i = 0; i < concurrency; i++) {
		pthread_join(w[i].thread, NULL);
		total += w[i].done;
		lat_total += w[i].latency_count;
	}
	double elapsed = (double)(now_ns() - t0) / 1e9;
	uint64_t *all = malloc(lat_total * sizeof *all + 8);
	uint64_t k = 0;
	for (uint32_t i = 0; i < concurrency; i++) {
		memcpy(all + k, w[i].latencies, w[i].latency_count * sizeof *all);
		k += w[i].latency_count;
		free(w[i].latencies);
	}
	qsort(all, k, sizeof *all, cmp_u64);
	printf("  PostgreSQL %s, %llu accounts, concurrency %u: %.0f durable transfers/s  latency p50 %.3f ms  p99 %.3f ms (%llu transfers)\n",
	       PQparameterStatus(c, "server_version"), (unsigned long long)account_count, concurrency, (double)total / elapsed,
	       k ? all[k / 2] / 1e6 : 0.0, k ? all[k * 99 / 100] / 1e6 : 0.0, (unsigned long long)total);
	printf("pg_tps=%.0f\n", (double)total / elapsed);
	PQfinish(c);
	free(all);
	free(w);
	return 0;
}
