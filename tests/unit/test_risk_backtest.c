/*
 * test_risk_backtest.c — `szfin risk backtest` and `szfin risk gen`
 * (src/risk/cli_backtest.c, backtest.c, gen.c) through their entry points,
 * on real files in a temporary directory.
 *
 * The hand-built traffic and what the default rule set
 * (share/risk/default.json) must make of it, derived from its rules:
 *  - S pays P1 seven times 48,000.00 on one CST day. Rule 9 counts the
 *    day's transfers in [45,000, 50,000): 1, 2, ..., 7; its bands give 40
 *    from 3, 80 from 5, 100 from 7; typology 5 (structuring, weight 100)
 *    alerts at 80: the 5th, 6th and 7th transfers, 3 alerts about S. No
 *    other typology reaches its threshold: 48,000 is no multiple of
 *    10,000 (typology 11 gets 50 of 100 from rule 18 alone), one payee
 *    only (fan-out 50 of 80 from rule 19), one payer into P1 (fan-in 50
 *    of 80 from rule 20), 336,000 < 500,000 (large individual).
 *  - A -> B 1,000.00, B -> C 990.00, C -> A 980.00 an hour apart: one
 *    graph cycle of 3 hops about A, members A, B, C; 980.00 returned.
 *  - D -> A 5.00 the day before: nothing.
 * So 4 alerts; 6 of 11 transfers flagged; S, A, B, C flagged (4 of the 6
 * accounts D, A, S, P1, B, C).
 */
#include "testutil.h"

#include "risk/cli_backtest.h"

#include <fcntl.h>
#include <unistd.h>

static char dir[256];

static void write_file(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_file(const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Run an entry point with stdout into dir/name. */
static int run_captured(int (*fn)(int, char **), char **argv, const char *name)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	fflush(stdout);
	int saved = dup(1), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 1);
	close(fd);
	int rc = fn(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	return rc;
}

static const char TRANSFERS[] =
	"ts,payer,payee,amt,ccy,kind\n"
	"2026-03-01T02:00:00Z,D,A,5.00,CNY,transfer\n"
	"2026-03-02T01:00:00Z,S,P1,48000.00,CNY,transfer\n"
	"2026-03-02T02:00:00Z,S,P1,48000.00,CNY,transfer\n"
	"2026-03-02T03:00:00Z,S,P1,48000.00,CNY,transfer\n"
	"2026-03-02T04:00:00Z,S,P1,48000.00,CNY,transfer\n"
	"2026-03-02T05:00:00Z,S,P1,48000.00,CNY,transfer\n"
	"2026-03-02T06:00:00Z,S,P1,48000.00,CNY,transfer\n"
	"2026-03-02T07:00:00Z,S,P1,48000.00,CNY,transfer\n"
	"2026-03-03T02:00:00Z,A,B,1000.00,CNY,transfer\n"
	"2026-03-03T03:00:00Z,B,C,990.00,CNY,transfer\n"
	"2026-03-03T04:00:00Z,C,A,980.00,CNY,transfer\n";

static char *root_path(const char *rel)
{
	static char buf[4][512];
	static int i;
	const char *root = getenv("SZFIN_ROOT");
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", root && root[0] ? root : ".", rel);
	return buf[i];
}

static char *tmp_path(const char *name)
{
	static char buf[4][512];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

static void hand_built_traffic(void **state)
{
	(void)state;
	write_file("t.csv", TRANSFERS);
	write_file("labels.csv", "alert_id,typology,main_account,members\n1,structuring,S,P1\n2,cycle,A,B;C\n");
	char *argv[] = { "backtest", "--rules", root_path("share/risk/default.json"), "--transfers", tmp_path("t.csv"),
			 "--labels", tmp_path("labels.csv"), "--out", tmp_path("alerts.csv"), "--time-col", "ts",
			 "--from-col", "payer", "--to-col", "payee", "--amount-col", "amt", "--currency-col", "ccy",
			 "--type-col", "kind", NULL };
	assert_int_equal(run_captured(risk_backtest_main, argv, "summary.txt"), 0);
	char *alerts = read_file("alerts.csv");
	/* header + 4 alerts; CSV line 1 is the header, 2 is D -> A, 3-9 are S's
	 * seven: the 5th, 6th and 7th are lines 7, 8, 9; the cycle is 10-12 */
	assert_non_null(strstr(alerts, "1,5,\"structuring\",80,S,S;P1,7,48000.00,"));
	assert_non_null(strstr(alerts, "2,5,\"structuring\",80,S,S;P1,8,48000.00,"));
	assert_non_null(strstr(alerts, "3,5,\"structuring\",100,S,S;P1,9,48000.00,"));
	assert_non_null(strstr(alerts, "4,65281,\"graph cycle\",3,A,A;B;C,10;11;12,980.00,"));
	assert_null(strstr(alerts, "\n5,"));
	char *summary = read_file("summary.txt");
	assert_non_null(strstr(summary, "alerts=4 "));
	assert_non_null(strstr(summary, "transfers_flagged=6 "));
	assert_non_null(strstr(summary, "accounts_flagged=4 "));
	assert_non_null(strstr(summary, "# label structuring: planted=1 caught=1 recall=1.000"));
	assert_non_null(strstr(summary, "# label cycle: planted=1 caught=1 recall=1.000"));
}

static void json_output(void **state)
{
	(void)state;
	write_file("t2.csv", "time,from,to,amount,currency,type\n"
			     "2026-03-03T02:00:00Z,A,B,1000.00,CNY,transfer\n"
			     "2026-03-03T03:00:00Z,B,A,990.00,CNY,transfer\n");
	/* a 2-hop cycle counts only with --cycle-hops-min 2 */
	char *argv[] = { "backtest", "--rules", root_path("share/risk/default.json"), "--transfers", tmp_path("t2.csv"),
			 "--format", "json", "--out", tmp_path("a.json"), "--cycle-hops-min", "2", NULL };
	assert_int_equal(run_captured(risk_backtest_main, argv, "s2.txt"), 0);
	char *json = read_file("a.json");
	assert_non_null(strstr(json, "\"typology\": \"graph cycle\""));
	assert_non_null(strstr(json, "\"amount\": \"990.00\""));
	char *argv3[] = { "backtest", "--rules", root_path("share/risk/default.json"), "--transfers", tmp_path("t2.csv"),
			  "--out", tmp_path("a3.csv"), NULL };
	assert_int_equal(run_captured(risk_backtest_main, argv3, "s3.txt"), 0);
	assert_non_null(strstr(read_file("s3.txt"), "alerts=0 "));
}

static void bad_input(void **state)
{
	(void)state;
	write_file("bad.csv", "time,from,to,amount,currency,type\n2026-03-03T02:00:00Z,A,B,12.345,CNY,transfer\n");
	char *argv[] = { "backtest", "--rules", root_path("share/risk/default.json"), "--transfers", tmp_path("bad.csv"),
			 "--out", tmp_path("x.csv"), NULL };
	assert_int_equal(run_captured(risk_backtest_main, argv, "e.txt"), 1);
	write_file("unsorted.csv", "time,from,to,amount,currency,type\n2026-03-03T02:00:00Z,A,B,1.00,CNY,t\n"
				   "2026-03-02T02:00:00Z,A,B,1.00,CNY,t\n");
	argv[4] = tmp_path("unsorted.csv");
	assert_int_equal(run_captured(risk_backtest_main, argv, "e.txt"), 1);
	write_file("nocol.csv", "when,from,to,amount\n");
	argv[4] = tmp_path("nocol.csv");
	assert_int_equal(run_captured(risk_backtest_main, argv, "e.txt"), 1);
	char *usage[] = { "backtest", "--rules", NULL };
	assert_int_equal(run_captured(risk_backtest_main, usage, "e.txt"), 2);
}

/* Same seed, same bytes; another seed, other bytes. Then the small
 * seed's backtest: figures printed (the long runs are in make bench). */
static void generator_seeded(void **state)
{
	(void)state;
	char *a[] = { "gen", "--out-dir", tmp_path("g1"), "--seed", "7", "--people", "1000", "--plants", "10", NULL };
	char *b[] = { "gen", "--out-dir", tmp_path("g2"), "--seed", "7", "--people", "1000", "--plants", "10", NULL };
	char *c[] = { "gen", "--out-dir", tmp_path("g3"), "--seed", "8", "--people", "1000", "--plants", "10", NULL };
	assert_int_equal(run_captured(risk_gen_main, a, "o1.txt"), 0);
	assert_int_equal(run_captured(risk_gen_main, b, "o2.txt"), 0);
	assert_int_equal(run_captured(risk_gen_main, c, "o3.txt"), 0);
	assert_non_null(strstr(read_file("o1.txt"), "planted_alerts=60 "));
	char *t1 = strdup(read_file("g1/transfers.csv"));
	assert_string_equal(t1, read_file("g2/transfers.csv"));
	assert_string_not_equal(t1, read_file("g3/transfers.csv"));
	free(t1);
	char *labels = read_file("g1/labels.csv");
	unsigned lines = 0;
	for (char *p = labels; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 61);
	char *bt[] = { "backtest", "--rules", root_path("tests/data/risk/rules_tuned.json"), "--transfers",
		       tmp_path("g1/transfers.csv"), "--accounts", tmp_path("g1/accounts.csv"), "--labels",
		       tmp_path("g1/labels.csv"), "--out", tmp_path("g1/alerts.csv"), NULL };
	assert_int_equal(run_captured(risk_backtest_main, bt, "bt.txt"), 0);
	char *summary = read_file("bt.txt");
	assert_non_null(strstr(summary, "planted_alerts=60"));
	printf("%s", summary);
	char *bad[] = { "gen", "--out-dir", tmp_path("g4"), "--days", "50", NULL };
	assert_int_equal(run_captured(risk_gen_main, bad, "o4.txt"), 1);
}

/* The default rule set on generated traffic: the targets of issue 12 (recall
 * at least 0.9 for every planted typology, at most 1% of transfers and 3% of
 * accounts flagged) over seeds 1 and 2 of the generator (20,000 people, 20
 * plants of each of the six typologies: 240 planted alerts). The thresholds
 * are the issue's, not figures of this code; the backtest prints MET or NOT
 * MET against them and this test requires MET on every line. */
static void default_rules_meet_targets(void **state)
{
	(void)state;
	for (int seed = 1; seed <= 2; seed++) {
		char s[8];
		snprintf(s, sizeof s, "%d", seed);
		char *gen[] = { "gen", "--out-dir", tmp_path("q"), "--seed", s, "--people", "20000", "--plants", "20", NULL };
		assert_int_equal(run_captured(risk_gen_main, gen, "qg.txt"), 0);
		char *bt[] = { "backtest", "--rules", root_path("share/risk/default.json"), "--transfers",
			       tmp_path("q/transfers.csv"), "--accounts", tmp_path("q/accounts.csv"), "--labels",
			       tmp_path("q/labels.csv"), "--out", tmp_path("q/alerts.csv"), NULL };
		assert_int_equal(run_captured(risk_backtest_main, bt, "qb.txt"), 0);
		char *summary = read_file("qb.txt");
		printf("seed %d:\n%s", seed, strstr(summary, "# label") ? strstr(summary, "# label") : summary);
		assert_non_null(strstr(summary, "planted_alerts=120"));
		assert_non_null(strstr(summary, "# target recall >= 0.9 for every planted typology: MET"));
		assert_non_null(strstr(summary, "# target <= 1% of transfers flagged: MET"));
		assert_non_null(strstr(summary, "# target <= 3% of accounts flagged: MET"));
	}
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/szfin-backtest-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hand_built_traffic),
		cmocka_unit_test(json_output),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(generator_seeded),
		cmocka_unit_test(default_rules_meet_targets),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
