/* test_credit_boost.c — the boosted challenger's integer trees
 * (src/credit/boost.c), their model file section (model_io.c, format 4) and
 * the conversion of an XGBoost JSON dump (boost_dump.c).
 *
 * The model is tests/data/credit/boost_two_trees.model.body (sealed here
 * with its sha256 line): the characteristics of a two-characteristic card,
 * numeric n and categorical k (WoE of label b -1.945910149, of a
 * +1.945910149, unseen labels WoE 0), and a challenger of two trees written
 * by hand, base 500 points:
 *
 *   tree 1 (value 10):  n < 2.5 (25000 e4; missing: yes)
 *                        yes: k < 0 (WoE; missing: no)   (value 6)
 *                               yes: leaf 2    no: leaf 12
 *                        no:  leaf 20
 *   tree 2 (value -1):  k < 0 (missing: yes)
 *                        yes: leaf -5   no: leaf 3
 *
 * Every expected score and contribution below is derived by hand from
 * those trees in the comment above its check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "core/hash.h"
#include "credit/boost_train.h"

static char *sealed_text(size_t *size)
{
	char path[512];
	const char *root = getenv("SZFIN_ROOT");
	snprintf(path, sizeof(path), "%s/tests/data/credit/boost_two_trees.model.body",
		 root != NULL && root[0] ? root : ".");
	FILE *file = fopen(path, "rb");
	assert_non_null(file);
	char *text = calloc(1, 16384);
	assert_non_null(text);
	size_t n = fread(text, 1, 16384 - 80, file);
	fclose(file);
	uint8_t hash[SZ_HASH_SIZE];
	char hex[2 * SZ_HASH_SIZE + 1];
	assert_int_equal(sz_hash_init(), 0);
	sz_sha256(hash, text, n);
	sz_hash_hex(hex, hash);
	n += (size_t)snprintf(text + n, 80, "sha256 %s\n", hex);
	*size = n;
	return text;
}

static void model_load(scorecard_model *model)
{
	size_t size = 0;
	char *text = sealed_text(&size);
	scorecard_error error;
	int rc = scorecard_model_parse(model, text, size, &error);
	if (rc != SZ_OK)
		fail_msg("parse: %s", error.message);
	free(text);
	assert_non_null(model->challenger);
}

struct row_case {
	int64_t n_e4;        /* SCORECARD_VALUE_MISSING = missing */
	const char *k;       /* NULL = missing */
	int64_t score_milli;
	int64_t n_milli;     /* contribution of n */
	int64_t k_milli;     /* contribution of k */
};

static void test_two_trees_by_hand(void **state)
{
	(void)state;
	scorecard_model model;
	model_load(&model);
	/* bias = base + roots = 500 + 10 + (-1) = 509 points for every row. */
	static const struct row_case cases[] = {
		/* n 1.0 < 2.5 -> node 1: n gets 6 - 10 = -4; b (WoE < 0) -> leaf 2:
		 * k gets 2 - 6 = -4; tree 2: b -> leaf -5: k gets -5 - (-1) = -4.
		 * score 500 + 2 - 5 = 497 = 509 - 4 - 8. */
		{ 10000, "b", 497000, -4000, -8000 },
		/* n missing -> yes: n -4; a (WoE > 0) -> leaf 12: k 12 - 6 = +6;
		 * tree 2: a -> leaf 3: k 3 + 1 = +4. score 500 + 12 + 3 = 515. */
		{ SCORECARD_VALUE_MISSING, "a", 515000, -4000, 10000 },
		/* n 2.5 is not < 2.5 -> leaf 20: n 20 - 10 = +10; an unseen label
		 * has WoE 0, not < 0 -> tree 2 leaf 3: k +4. score 523. */
		{ 25000, "zzz", 523000, 10000, 4000 },
		/* n 2.4999 -> node 1; k missing -> node 1's missing branch (no):
		 * leaf 12, k +6; tree 2 missing -> yes: leaf -5, k -4.
		 * score 500 + 12 - 5 = 507; n -4, k +2. */
		{ 24999, NULL, 507000, -4000, 2000 },
		/* " A " normalises to a: as row 2 but n 3.0 -> leaf 20 (n +10),
		 * tree 2 leaf 3 (k +4). score 523. */
		{ 30000, " A ", 523000, 10000, 4000 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		scorecard_value values[2] = { { cases[i].n_e4, NULL }, { 0, cases[i].k } };
		int64_t features[2];
		for (uint32_t c = 0; c < 2; c++)
			features[c] = boost_feature_of(&model.characteristics[c], &values[c]);
		scorecard_result result;
		int64_t contributions[2], bias = 0;
		boost_score_features(model.challenger, &model, features, &result, contributions, &bias);
		assert_int_equal(result.score_milli, cases[i].score_milli);
		assert_int_equal(bias, 509000);
		assert_int_equal(contributions[0], cases[i].n_milli);
		assert_int_equal(contributions[1], cases[i].k_milli);
		assert_int_equal(bias + contributions[0] + contributions[1], result.score_milli);
		/* Reasons: the negative contributions, largest loss first. */
		uint32_t expected_reasons = (cases[i].n_milli < 0) + (cases[i].k_milli < 0);
		assert_int_equal(result.reason_count, expected_reasons);
		scorecard_result again;
		boost_score_values(model.challenger, &model, values, &again);
		assert_int_equal(again.score_milli, result.score_milli);
		/* Score -> probability and grade come from the champion's table. */
		assert_int_equal(result.bad_ppb, scorecard_pd_of(&model, result.score_milli));
	}
	/* Row 1: k lost 8 points, n 4. */
	scorecard_value values[2] = { { 10000, NULL }, { 0, "b" } };
	scorecard_result result;
	boost_score_values(model.challenger, &model, values, &result);
	assert_int_equal(result.reason_count, 2);
	assert_int_equal(result.reasons[0].characteristic, 1);
	assert_int_equal(result.reasons[0].points_lost_milli, 8000);
	assert_int_equal(result.reasons[1].characteristic, 0);
	assert_int_equal(result.reasons[1].points_lost_milli, 4000);
	scorecard_model_release(&model);
}

static void test_round_trip_and_damage(void **state)
{
	(void)state;
	scorecard_model model;
	model_load(&model);
	char *saved = NULL;
	size_t saved_size = 0;
	assert_int_equal(scorecard_model_save(&model, &saved, &saved_size), SZ_OK);
	size_t size = 0;
	char *text = sealed_text(&size);
	assert_int_equal(saved_size, size);
	assert_memory_equal(saved, text, size);
	/* A child pointing back at its parent would loop: refused, line named. */
	char *bad = strstr(text, "split 1 0 2 3 no 6000");
	assert_non_null(bad);
	memcpy(bad, "split 1 0 0 3 no 6000", 21);
	uint8_t hash[SZ_HASH_SIZE];
	char hex[2 * SZ_HASH_SIZE + 1];
	sz_sha256(hash, text, size - 72);
	sz_hash_hex(hex, hash);
	memcpy(text + size - 72 + 7, hex, 64);
	scorecard_model damaged;
	scorecard_error error;
	assert_int_equal(scorecard_model_parse(&damaged, text, size, &error), SZ_ECORRUPT);
	assert_non_null(strstr(error.message, "children must follow"));
	free(text);
	free(saved);
	scorecard_model_release(&model);
}

/* x < T exactly when (float)x < t. */
static void test_threshold_by_hand(void **state)
{
	(void)state;
	/* 2.5: the integers below are 2 and less. */
	assert_int_equal(boost_threshold_of(2.5f), 3);
	assert_int_equal(boost_threshold_of(3.0f), 3);
	assert_int_equal(boost_threshold_of(-2.5f), -2);
	/* 2^24 + 4 = 16777220: 16777219 lies halfway between the floats
	 * 16777218 and 16777220 and rounds to the even one, 16777220, so it
	 * already compares >= t; 16777218 is < t. */
	assert_int_equal(boost_threshold_of(16777220.0f), 16777219);
	/* 2^24 + 2 = 16777218: 16777217 is halfway and rounds to 16777216. */
	assert_int_equal(boost_threshold_of(16777218.0f), 16777218);
}

/* factor = 20 / ln 2 = 28.85390081777927 points per unit of margin;
 * offset = 600 - factor * ln 50 = 487.1228762045055 points. */
static void test_dump_by_hand(void **state)
{
	(void)state;
	scorecard_model model;
	model_load(&model);
	const char *trees[] = {
		"{\"nodeid\":0,\"depth\":0,\"split\":\"f1\",\"split_condition\":0.5,\"yes\":1,\"no\":2,"
		"\"missing\":2,\"gain\":1.5,\"cover\":40,\"children\":["
		"{\"nodeid\":1,\"leaf\":0.1,\"cover\":30},{\"nodeid\":2,\"leaf\":-0.2,\"cover\":10}]}",
		"{\"nodeid\":0,\"leaf\":0.05,\"cover\":40}",
	};
	const uint32_t features[] = { 0, 1 };
	boost_model b;
	scorecard_error error;
	int rc = boost_from_dump(&b, &model, features, 2, trees, 2, 0.5, NULL, &error);
	if (rc != SZ_OK)
		fail_msg("dump: %s", error.message);
	assert_int_equal(b.tree_count, 2);
	assert_int_equal(b.node_count, 4);
	/* base_score 0.5: margin 0, base = offset = 487.123 points. */
	assert_int_equal(b.base_milli, 487123);
	/* root: (0.1 * 30 - 0.2 * 10) / 40 = 0.025 -> 0.721 points. */
	assert_int_equal(b.nodes[0].characteristic, 1);
	assert_int_equal(b.nodes[0].value_milli, 721);
	assert_int_equal(b.nodes[0].threshold, 1); /* WoE x < 0.5 is x <= 0 */
	assert_false(b.nodes[0].missing_yes);
	assert_int_equal(b.nodes[0].yes, 1);
	assert_int_equal(b.nodes[0].no, 2);
	assert_int_equal(b.nodes[1].value_milli, 2885);   /* 0.1 * factor = 2.88539 */
	assert_int_equal(b.nodes[2].value_milli, -5771);  /* -0.2 * factor = -5.77078 */
	assert_int_equal(b.nodes[3].value_milli, 1443);   /* 0.05 * factor = 1.44270 */
	boost_model_release(&b);
	/* Damaged dumps are refused with the tree named. */
	const char *bad[] = {
		"{\"nodeid\":0,\"split\":\"f9\",\"split_condition\":1,\"yes\":1,\"no\":2,\"missing\":1,"
		"\"cover\":2,\"children\":[{\"nodeid\":1,\"leaf\":0,\"cover\":1},{\"nodeid\":2,\"leaf\":0,\"cover\":1}]}",
		"{\"nodeid\":0,\"split\":\"f0\",\"split_condition\":1,\"yes\":1,\"no\":1,\"missing\":1,"
		"\"cover\":2,\"children\":[{\"nodeid\":1,\"leaf\":0,\"cover\":1},{\"nodeid\":2,\"leaf\":0,\"cover\":1}]}",
		"{\"nodeid\":0,\"leaf\":0.1}",
		"[1,2",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(boost_from_dump(&b, &model, features, 2, &bad[i], 1, 0.5, NULL, &error),
				 SZ_EINVAL);
		assert_non_null(strstr(error.message, "tree 0"));
	}
	scorecard_model_release(&model);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_trees_by_hand),
		cmocka_unit_test(test_round_trip_and_damage),
		cmocka_unit_test(test_threshold_by_hand),
		cmocka_unit_test(test_dump_by_hand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
