/*
 * cli_boost.c — the szfin-credit-boost trainer: `szfin credit train` with a
 * boosted challenger.
 *
 * lint-float: offline — option parsing and the training report of an offline tool; it never runs in apply.
 *
 * Owns: the program's main. It takes the challenger's options out of the
 * command line, hands the rest to `szfin credit train` (every scorecard
 * option works the same) and, as that command's training step, trains the
 * challenger through libxgboost on the scorecard's selected characteristics
 * and rows, so the model file it writes (format 4) carries both: the
 * champion scorecard and the integer-quantised challenger. This is the only
 * program linked with libxgboost (the Makefile keeps it and boost_train.c
 * out of libszfin); the server only reads the integer trees.
 */
#include "credit/boost_train.h"
#include "credit/cli.h"

#include "core/errors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char boost_usage[] =
	"usage: szfin-credit-boost train FILE.csv --target COLUMN [--out MODEL]\n"
	"                          [scorecard OPTIONS of szfin credit train] [challenger OPTIONS]\n"
	"Trains the champion scorecard as szfin credit train does, then a boosted challenger\n"
	"(libxgboost, monotone in each characteristic's WoE direction) on the same selected\n"
	"characteristics, quantised to integer trees (thresholds on the fixed-point features,\n"
	"leaves in 1/1,000 point on the scorecard's scale) in the same model file (format 4).\n"
	"challenger OPTIONS:\n"
	"  --rounds N              trees (default 400, at most 2000)\n"
	"  --depth N               depth of a tree (default 4, at most 7)\n"
	"  --eta X                 learning rate (default 0.02)\n"
	"  --min-child-weight X    (default 20)\n"
	"  --subsample X           row share per tree (default 0.7, seeded)\n"
	"  --colsample X           characteristic share per tree (default 0.8)\n"
	"  --boost-lambda X        L2 penalty on leaf values (default 5)\n"
	"  --boost-seed N          (default 20240601)\n"
	"  --monotone 0|1          monotone constraints from the WoE direction (default 1)\n";

static boost_train_options options;

static int parse_number(const char *text, double min, double max, double *out)
{
	char *end = NULL;
	double value = strtod(text, &end);
	if (end == text || *end != '\0' || !(value >= min && value <= max))
		return SZ_EINVAL;
	*out = value;
	return SZ_OK;
}

/* One challenger option and its value; SZ_ENOTFOUND when name is not one. */
static int option_take(const char *name, const char *value)
{
	double x = 0;
	struct { const char *name; double min, max; } table[] = {
		{ "--rounds", 1, BOOST_TREE_COUNT_MAX }, { "--depth", 1, 7 },
		{ "--eta", 1e-6, 1 },                    { "--min-child-weight", 0, 1e6 },
		{ "--subsample", 1e-6, 1 },              { "--colsample", 1e-6, 1 },
		{ "--boost-lambda", 0, 1e6 },            { "--boost-seed", 0, 4294967295.0 },
		{ "--monotone", 0, 1 },
	};
	size_t i = 0;
	while (i < sizeof(table) / sizeof(table[0]) && strcmp(table[i].name, name) != 0)
		i++;
	if (i == sizeof(table) / sizeof(table[0]))
		return SZ_ENOTFOUND;
	if (value == NULL || parse_number(value, table[i].min, table[i].max, &x) != SZ_OK) {
		fprintf(stderr, "szfin-credit-boost: %s needs a number from %g to %g\n\n%s", name,
			table[i].min, table[i].max, boost_usage);
		return SZ_EINVAL;
	}
	if (i == 0 || i == 1 || i == 7 || i == 8) {
		if (x != (double)(uint32_t)x) {
			fprintf(stderr, "szfin-credit-boost: %s needs a whole number\n", name);
			return SZ_EINVAL;
		}
	}
	switch (i) {
	case 0: options.rounds = (uint32_t)x; break;
	case 1: options.depth_max = (uint32_t)x; break;
	case 2: options.eta = x; break;
	case 3: options.min_child_weight = x; break;
	case 4: options.subsample = x; break;
	case 5: options.colsample = x; break;
	case 6: options.lambda = x; break;
	case 7: options.seed = (uint32_t)x; break;
	default: options.monotone = x != 0; break;
	}
	return SZ_OK;
}

static int train_step(struct scorecard_model *model, const struct credit_csv_table *table,
		      const unsigned char *is_good)
{
	scorecard_error error;
	if (boost_train(model, table, is_good, NULL, table->row_count, &options, NULL, 0, NULL,
			&error) != SZ_OK) {
		fprintf(stderr, "szfin-credit-boost: challenger: %s\n", error.message);
		return 1;
	}
	const boost_model *b = model->challenger;
	printf("\nchallenger: %u integer trees (%u nodes), depth <= %u, eta %.3f; base %.3f points\n",
	       b->tree_count, b->node_count, options.depth_max, options.eta,
	       scorecard_double_of(b->base_milli, SCORECARD_POINTS_SCALE));
	printf("  monotone constraints (WoE direction):");
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		const scorecard_characteristic *c = &model->characteristics[i];
		if (c->selected)
			printf(" %s %+d", c->name, options.monotone ? boost_monotone_sign(c) : 0);
	}
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	boost_train_options_default(&options);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(boost_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "train") != 0) {
		fprintf(stderr, "szfin-credit-boost: unknown command %s\n\n%s", argv[1], boost_usage);
		return 2;
	}
	char **rest = calloc((size_t)argc + 1, sizeof(char *));
	if (rest == NULL)
		return 1;
	int n = 0;
	rest[n++] = "credit";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			fputs(boost_usage, stdout);
		int rc = option_take(argv[i], i + 1 < argc ? argv[i + 1] : NULL);
		if (rc == SZ_OK) {
			i++;
			continue;
		}
		if (rc != SZ_ENOTFOUND) {
			free(rest);
			return 2;
		}
		rest[n++] = argv[i];
	}
	credit_cli_train_step_set(train_step);
	int status = credit_cli_main(n, rest);
	free(rest);
	return status;
}
