/*
 * risk_backtest_bench.c — the backtest against the generator's labels over
 * several seeds, and its speed in transfers/s.
 *
 * For seeds 1, 2, 3 (--quick: seed 1): `szfin risk gen` with 20,000
 * people, 20 merchants, 10 employers, 120 days and 20 plants of each of
 * the six typologies (120 planted alerts a seed), then `szfin risk
 * backtest` with the default rule set (share/risk/default.json), with
 * the tuned candidate of an earlier round (tests/data/risk/rules_tuned.json)
 * and with the first default set (tests/data/risk/rules_default_v1_2026.json,
 * which flagged nearly every account), in the same run.
 * Each backtest prints per-typology recall, the shares of transfers and
 * accounts flagged, account precision, transfers/s and the three target
 * lines (recall >= 0.9 for every typology, <= 1% of transfers, <= 3% of
 * accounts: MET / NOT MET). The peers are the other rule-set versions on
 * the same traffic. Figures only: nothing fails on them.
 *
 * usage: risk_backtest_bench [--quick]
 */
#include "risk/cli_backtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	char dir[] = "/tmp/szfin-risk-bt-XXXXXX";
	if (mkdtemp(dir) == NULL)
		return 1;
	static const char *const rules[] = { "share/risk/default.json", "tests/data/risk/rules_tuned.json",
					     "tests/data/risk/rules_default_v1_2026.json" };
	for (int seed = 1; seed <= (quick ? 1 : 3); seed++) {
		char s[16], t[300], ac[300], lb[300], out[300];
		snprintf(s, sizeof s, "%d", seed);
		snprintf(t, sizeof t, "%s/transfers.csv", dir);
		snprintf(ac, sizeof ac, "%s/accounts.csv", dir);
		snprintf(lb, sizeof lb, "%s/labels.csv", dir);
		snprintf(out, sizeof out, "%s/alerts.csv", dir);
		char *gen[] = { "gen", "--out-dir", dir, "--seed", s, "--people", "20000", "--plants", "20", NULL };
		printf("== seed %d: ", seed);
		fflush(stdout);
		if (risk_gen_main(9, gen) != 0)
			return 1;
		for (int r = 0; r < 3; r++) {
			printf("== seed %d rules %s\n", seed, rules[r]);
			fflush(stdout);
			char *bt[] = { "backtest", "--rules", (char *)rules[r], "--transfers", t, "--accounts", ac,
				       "--labels", lb, "--out", out, NULL };
			if (risk_backtest_main(11, bt) != 0)
				return 1;
			fflush(stdout);
		}
	}
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
