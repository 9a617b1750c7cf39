/*
 * credit_cli.c — `szfin credit train|validate|cv|score|uscc`.
 *
 * Thin glue: parses options, loads CSV files and models, calls the
 * scorecard modules and prints what they return. Output is plain text for
 * people; the model file is the machine-readable product. All numbers it
 * prints come from the library, none are computed here except formatting.
 */
#include "credit/cli.h"
#include "cli/args.h"
#include "cli/cli.h"

#include "core/assert.h"
#include "core/errors.h"
#include "credit/csv.h"
#include "credit/domain.h"
#include "credit/scorecard_train.h"
#include "credit/uscc.h"
#include "credit/validate.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLI_USAGE_ERROR 2
#define CLI_FAILURE 1
/* args_parse saw --help and printed the usage: the command exits 0. */
#define CLI_HELP_SHOWN (-1)
/* Default seed of `credit cv`: any fixed value makes runs repeatable. */
#define CLI_SEED_DEFAULT 20240601u

static const char cli_usage[] =
	"usage:\n"
	"  szfin credit train FILE.csv --target COLUMN [--good VALUE] [--out MODEL] [OPTIONS]\n"
	"  szfin credit validate MODEL FILE.csv [--target COLUMN] [--good VALUE]\n"
	"                          [--sensitive COLUMN[,COLUMN...]] [--cutoff SCORE]\n"
	"                          [--master-scale NAME:PD_MAX,...] [--product scorecard|tech]\n"
	"  szfin credit cv FILE.csv --target COLUMN [--good VALUE] [--folds N] [--seed N] [OPTIONS]\n"
	"                          [--time-column COLUMN --oot-from VALUE]\n"
	"  szfin credit score MODEL FILE.csv [--rows N]\n"
	"  szfin credit uscc CODE...\n"
	"  szfin credit enterprise|report|decide|queries|warnings|objections|models|model ...\n"
	"                          client commands over HTTP (run one without arguments for its usage)\n"
	"training OPTIONS:\n"
	"  --lambda X              L2 penalty of the logistic fit (default 10; 0 = maximum likelihood)\n"
	"  --iv-min X              leave out characteristics with IV below X (default 0.02)\n"
	"  --fine-bins N           quantile bins before merging (default 30)\n"
	"  --min-bin-share X       smallest numeric bin, share of rows (default 0.03)\n"
	"  --min-category-share X  smaller categories are merged (default 0.01)\n"
	"  --woe-prior X           prior count shrinking small bins' WoE (default 1)\n"
	"  --split-chi2 X          merge adjacent bins whose chi-square is below X (default 0: off)\n"
	"  --drop-negative 0|1     drop characteristics with a negative coefficient and refit\n"
	"                          (default 1: with WoE coding a negative sign reverses their meaning)\n"
	"  --missing-policy worst|neutral   the missing bin of a characteristic with no missing\n"
	"                          training value: its worst bin (default) or WoE 0\n"
	"  --protected LIST        protected attributes left out (comma-separated; default\n"
	"                          race, ethnicity, sex/gender, marital status, age, religion,\n"
	"                          nationality/foreign_worker/citizenship)\n"
	"  --allow-protected LIST  use these protected columns anyway (or all); the report says so\n"
	"  --ignore LIST           columns that are neither target nor characteristic (ids, dates)\n"
	"  --thin-file-min X       thin-file policy of the scorecard product: a decision whose data\n"
	"                          completeness is under X (0..1) goes to manual review (default 0)\n"
	"  --thin-file-min-tech X  the same for the tech-enterprise product\n"
	"  --base-points X --base-odds X --pdo X   scaling (default 600 at 50:1, 20 to double)\n"
	"  --design-out FILE       train: write the WoE design matrix (y, WoE columns) as CSV\n"
	"--master-scale NAME:PD_MAX,...  the PD grades: train writes them into the model (default\n"
	"  1:0.0025,2:0.005,3:0.01,4:0.02,5:0.05,6:0.1,7:0.2,8:1); validate uses the model's unless\n"
	"  given, tests each grade's observed bad rate against its mean PD (one-sided exact\n"
	"  binomial) and the deciles by Hosmer-Lemeshow.\n"
	"cv: --time-column with --oot-from holds out the rows from that time on (compared as\n"
	"  numbers, or as text for a text column, e.g. 2023-07): k-fold on the earlier rows, and a\n"
	"  model trained on all of them scored out of time (AUC, KS, calibration).\n"
	"validate --product tech: the tech-enterprise score (scorecard + (tech index - 50) x 0.6,\n"
	"  the index from invention_patents, ip_total, innovation_points, headcount_growth_pct and\n"
	"  tax_growth_pct) is validated instead of the scorecard's.\n"
	"validate: --sensitive gives per-group AUC, approval rate and adverse-impact ratio of\n"
	"  each column (it need not be in the model); approval is score >= --cutoff (default the\n"
	"  median score).\n"
	"--good defaults to \"good\"; validate defaults to the model's target and good value.\n";

struct cli_args_credit {
	const char *positional[2];
	uint32_t positional_count;
	const char *target;
	const char *good;
	const char *out;
	const char *design_out;
	const char *sensitive;
	const char *master_scale;
	const char *product;
	const char *time_column;
	const char *oot_from;
	double cutoff;              /* NAN = the median score */
	uint32_t folds;
	uint64_t seed;
	uint32_t rows;
	scorecard_options options;
};

static int usage_error(const char *message, const char *detail)
{
	fprintf(stderr, "szfin credit: %s%s%s\n\n%s", message, detail != NULL ? " " : "",
		detail != NULL ? detail : "", cli_usage);
	return CLI_USAGE_ERROR;
}

static int parse_double(const char *text, double *out)
{
	return credit_csv_number_parse(text, strlen(text), out);
}

static int parse_u64(const char *text, uint64_t max, uint64_t *out)
{
	if (text[0] < '0' || text[0] > '9')
		return SZ_EINVAL;
	char *end = NULL;
	errno = 0;
	unsigned long long value = strtoull(text, &end, 10);
	if (errno != 0 || *end != '\0' || value > max)
		return SZ_EINVAL;
	*out = value;
	return SZ_OK;
}

/* A numeric option (the value already read as a number). */
static int number_apply(struct cli_args_credit *args, const char *name, double number, const char *value)
{
	scorecard_options *o = &args->options;
	struct { const char *name; double *slot; } numbers[] = {
		{ "thin-file-min", &o->thin_file_completeness_min[SCORECARD_PRODUCT_SCORECARD] },
		{ "thin-file-min-tech", &o->thin_file_completeness_min[SCORECARD_PRODUCT_TECH] },
		{ "cutoff", &args->cutoff },            { "lambda", &o->lambda },
		{ "iv-min", &o->iv_min },               { "min-bin-share", &o->bin_share_min },
		{ "min-category-share", &o->category_share_min }, { "split-chi2", &o->split_chi2_min },
		{ "woe-prior", &o->woe_prior_count },   { "base-points", &o->scaling.base_points },
		{ "base-odds", &o->scaling.base_odds }, { "pdo", &o->scaling.pdo_points },
	};
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		if (strcmp(name, numbers[i].name) == 0) {
			*numbers[i].slot = number;
			return SZ_OK;
		}
	}
	SZ_ASSERT(strcmp(name, "drop-negative") == 0); /* the last numeric option of the table */
	if (number != 0.0 && number != 1.0)
		return usage_error("--drop-negative takes 0 or 1, not", value);
	o->drop_negative = number == 1.0;
	return SZ_OK;
}

/* Every option of train, validate, cv and score (each command reads the
 * ones it needs, as the usage says); all take a value. */
static const struct cli_option credit_options[] = {
	{ "target", true, "COLUMN", "the outcome column" },
	{ "good", true, "VALUE", "the good outcome (default good; validate: the model's)" },
	{ "out", true, "MODEL", "train: write the model file" },
	{ "design-out", true, "FILE", "train: write the WoE design matrix (y, WoE columns) as CSV" },
	{ "sensitive", true, "COLUMN,...", "validate: per-group AUC, approval and adverse-impact ratio" },
	{ "cutoff", true, "SCORE", "validate: approval is score >= SCORE (default the median)" },
	{ "master-scale", true, "NAME:PD_MAX,...", "the PD grades (train writes them, validate tests them)" },
	{ "product", true, "scorecard|tech", "validate: the product whose score is validated" },
	{ "ignore", true, "LIST", "columns that are neither target nor characteristic (ids, dates)" },
	{ "time-column", true, "COLUMN", "cv: the time column of the out-of-time split" },
	{ "oot-from", true, "VALUE", "cv: the rows from this time on are out of time" },
	{ "protected", true, "LIST", "protected attributes left out (replaces the default list)" },
	{ "allow-protected", true, "LIST", "use these protected columns anyway (or all); the report says so" },
	{ "missing-policy", true, "worst|neutral", "a characteristic never missing in training: worst bin or WoE 0" },
	{ "seed", true, "N", "cv: the fold seed" },
	{ "folds", true, "N", "cv: folds (default 5)" },
	{ "rows", true, "N", "score: print at most N rows" },
	{ "fine-bins", true, "N", "quantile bins before merging (default 30)" },
	{ "thin-file-min", true, "X", "thin-file policy of the scorecard product (completeness 0..1)" },
	{ "thin-file-min-tech", true, "X", "the same for the tech-enterprise product" },
	{ "lambda", true, "X", "L2 penalty of the logistic fit (default 10; 0 = maximum likelihood)" },
	{ "iv-min", true, "X", "leave out characteristics with IV below X (default 0.02)" },
	{ "min-bin-share", true, "X", "smallest numeric bin, share of rows (default 0.03)" },
	{ "min-category-share", true, "X", "smaller categories are merged (default 0.01)" },
	{ "split-chi2", true, "X", "merge adjacent bins whose chi-square is below X (default 0: off)" },
	{ "drop-negative", true, "0|1", "drop characteristics with a negative coefficient and refit (default 1)" },
	{ "woe-prior", true, "X", "prior count shrinking small bins' WoE (default 1)" },
	{ "base-points", true, "X", "points at the base odds (default 600)" },
	{ "base-odds", true, "X", "good:bad odds at the base points (default 50)" },
	{ "pdo", true, "X", "points that double the odds (default 20)" },
};

static const struct cli_spec credit_spec = CLI_SPEC(
	"credit train FILE.csv --target COLUMN [--good VALUE] [--out MODEL] [OPTIONS]\n"
	"       szfin credit validate MODEL FILE.csv [--target COLUMN] [--good VALUE] [OPTIONS]\n"
	"       szfin credit cv FILE.csv --target COLUMN [--folds N] [--seed N] [OPTIONS]\n"
	"       szfin credit score MODEL FILE.csv [--rows N]",
	"The offline scorecard tools: train a model, validate it (AUC, KS, calibration, PD master\n"
	"scale, fairness), cross-validate training, score CSV rows with the server's integer code.\n"
	"See szfin credit --help for every command and docs/credit.md for the details.",
	credit_options, false);

/* One option's value into args (name without "--"); 0 or a usage error. */
static int option_apply(struct cli_args_credit *args, const char *name, const char *value)
{
	scorecard_options *o = &args->options;
	double number = 0.0;
	uint64_t count = 0;
	bool is_number = parse_double(value, &number) == SZ_OK;
	bool is_count = parse_u64(value, UINT32_MAX, &count) == SZ_OK;
	struct { const char *name; const char **slot; } texts[] = {
		{ "target", &args->target },           { "good", &args->good },
		{ "out", &args->out },                 { "design-out", &args->design_out },
		{ "sensitive", &args->sensitive },     { "master-scale", &args->master_scale },
		{ "ignore", &o->ignore_columns },      { "time-column", &args->time_column },
		{ "oot-from", &args->oot_from },       { "protected", &o->protected_list },
		{ "allow-protected", &o->protected_allow },
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		if (strcmp(name, texts[i].name) == 0) {
			*texts[i].slot = value;
			return SZ_OK;
		}
	}
	if (strcmp(name, "product") == 0) {
		if (strcmp(value, "scorecard") != 0 && strcmp(value, "tech") != 0)
			return usage_error("--product takes scorecard or tech, not", value);
		args->product = value;
	} else if (strcmp(name, "missing-policy") == 0) {
		if (strcmp(value, "worst") != 0 && strcmp(value, "neutral") != 0)
			return usage_error("--missing-policy takes worst or neutral, not", value);
		o->missing_policy = strcmp(value, "worst") == 0 ? SCORECARD_MISSING_WORST : SCORECARD_MISSING_NEUTRAL;
	} else if (strcmp(name, "seed") == 0) {
		if (parse_u64(value, UINT64_MAX, &args->seed) != SZ_OK)
			return usage_error("--seed needs an unsigned integer, not", value);
	} else if (strcmp(name, "folds") == 0 || strcmp(name, "rows") == 0 || strcmp(name, "fine-bins") == 0) {
		if (!is_count) {
			char what[64];
			snprintf(what, sizeof what, "--%s needs a count, not", name);
			return usage_error(what, value);
		}
		uint32_t *slot = strcmp(name, "folds") == 0 ? &args->folds
				 : strcmp(name, "rows") == 0 ? &args->rows : &o->fine_bin_count;
		*slot = (uint32_t)count;
	} else if (!is_number) {
		char what[64];
		snprintf(what, sizeof what, "--%s needs a number, not", name);
		return usage_error(what, value);
	} else {
		return number_apply(args, name, number, value);
	}
	return SZ_OK;
}

/* Parses argv[first..] into args with getopt_long (cli/args.h: unknown
 * options get a "did you mean"); returns 0, CLI_HELP_SHOWN after --help,
 * or a usage error exit code. */
static int args_parse(int argc, char **argv, int first, struct cli_args_credit *args)
{
	SZ_ASSERT(first >= 1 && first <= argc);
	memset(args, 0, sizeof(*args));
	args->folds = 5;
	args->seed = CLI_SEED_DEFAULT;
	args->rows = UINT32_MAX;
	args->cutoff = NAN;
	scorecard_options_default(&args->options);
	/* argv[0] of the parse names the command in its messages: "credit train". */
	char name[64];
	snprintf(name, sizeof name, "credit %s", argv[first - 1]);
	char **words = malloc((size_t)(argc - first + 2) * sizeof(char *));
	if (words == NULL)
		return CLI_FAILURE;
	words[0] = name;
	for (int i = first; i < argc; i++)
		words[i - first + 1] = argv[i];
	words[argc - first + 1] = NULL;
	struct cli_args a;
	int status = cli_args_parse(&credit_spec, argc - first + 1, words, &a);
	free(words);
	if (status == CLI_ARGS_HELP)
		return CLI_HELP_SHOWN;
	if (status != CLI_ARGS_OK)
		return CLI_USAGE_ERROR;
	if (a.positional_count > 2)
		return usage_error("unexpected argument", a.positional[2]);
	args->positional_count = a.positional_count;
	for (uint32_t i = 0; i < a.positional_count; i++)
		args->positional[i] = a.positional[i];
	for (uint32_t i = 0; i < credit_spec.option_count; i++) {
		if (!a.present[i])
			continue;
		int rc = option_apply(args, credit_options[i].name, a.values[i]);
		if (rc != SZ_OK)
			return rc;
	}
	scorecard_error error;
	if (scorecard_options_check(&args->options, &error) != SZ_OK)
		return usage_error(error.message, NULL);
	return SZ_OK;
}

/* Loads a CSV and encodes its target; prints errors. */
static int load_table(const char *path, const char *target, const char *good,
		      credit_csv_table *table, uint8_t **is_good)
{
	credit_csv_error csv_error;
	*is_good = NULL;
	int rc = credit_csv_load(table, path, &csv_error);
	if (rc != SZ_OK) {
		fprintf(stderr, "szfin credit: %s: %s\n", path, csv_error.message);
		return CLI_FAILURE;
	}
	*is_good = malloc(table->row_count > 0 ? table->row_count : 1u);
	if (*is_good == NULL) {
		credit_csv_release(table);
		return CLI_FAILURE;
	}
	scorecard_error error;
	if (scorecard_target_encode(table, target, good, *is_good, &error) != SZ_OK) {
		fprintf(stderr, "szfin credit: %s: %s\n", path, error.message);
		credit_csv_release(table);
		free(*is_good);
		*is_good = NULL;
		return CLI_FAILURE;
	}
	return SZ_OK;
}

static double value_of(int64_t e4) { return scorecard_double_of(e4, SCORECARD_VALUE_SCALE); }
static double nano_of(int64_t nano) { return scorecard_double_of(nano, SCORECARD_NANO); }
static double points_of(int64_t milli) { return scorecard_double_of(milli, SCORECARD_POINTS_SCALE); }
static double ppm_of(int64_t ppm) { return scorecard_double_of(ppm, SCORECARD_PPM); }

/* "<= 3", "(3, 7]", "> 7", or the labels of a categorical bin. */
static void bin_describe(const scorecard_characteristic *c, uint32_t b, char *out, size_t size)
{
	const scorecard_bin *bin = &c->bins[b];
	switch (bin->kind) {
	case SCORECARD_BIN_RANGE:
		if (b + 2 == c->bin_count && b == 0)
			snprintf(out, size, "any value");
		else if (b == 0)
			snprintf(out, size, "<= %.6g", value_of(bin->upper_e4));
		else if (b + 2 == c->bin_count)
			snprintf(out, size, "> %.6g", value_of(c->bins[b - 1].upper_e4));
		else
			snprintf(out, size, "(%.6g, %.6g]", value_of(c->bins[b - 1].upper_e4),
				 value_of(bin->upper_e4));
		return;
	case SCORECARD_BIN_OTHER:
		snprintf(out, size, "(other labels)");
		return;
	case SCORECARD_BIN_MISSING:
		snprintf(out, size, "(missing)");
		return;
	case SCORECARD_BIN_LEVELS:
		break;
	}
	size_t used = 0;
	out[0] = '\0';
	for (uint32_t l = 0; l < c->level_count; l++) {
		if (c->level_bins[l] != b)
			continue;
		int n = snprintf(out + used, size - used, "%s%s", used > 0 ? ", " : "",
				 c->level_names[l]);
		if (n < 0 || (size_t)n >= size - used) {
			if (size > 4)
				memcpy(out + size - 4, "...", 4);
			return;
		}
		used += (size_t)n;
	}
}

static void print_model(const scorecard_model *m)
{
	const scorecard_options_record *o = &m->options;
	printf("characteristics (IV; selected when IV >= %g):\n", ppm_of(o->iv_min_ppm));
	printf("  %-28s %-12s %8s  %-8s %12s\n", "name", "kind", "IV", "selected", "coefficient");
	static const char *const why[] = {
		[SCORECARD_INCLUDED] = "", [SCORECARD_EXCLUDED_IV] = "",
		[SCORECARD_EXCLUDED_NEGATIVE] = "  (negative coefficient: dropped, refit)",
		[SCORECARD_EXCLUDED_PROTECTED] = "  (protected attribute: excluded)",
	};
	for (uint32_t i = 0; i < m->characteristic_count; i++) {
		const scorecard_characteristic *c = &m->characteristics[i];
		printf("  %-28.28s %-12s %8.4f  %-8s %12.6f%s%s\n", c->name,
		       c->kind == CREDIT_CSV_NUMERIC ? "numeric" : "categorical", nano_of(c->iv_nano),
		       c->selected ? "yes" : "no", nano_of(c->coefficient_nano), why[c->exclusion],
		       c->protected_used ? "  (PROTECTED ATTRIBUTE, used by override)" : "");
	}
	printf("\npoints table (%g points at odds %g:1, %g points to double the odds):\n",
	       ppm_of(o->base_points_ppm), ppm_of(o->base_odds_ppm), ppm_of(o->pdo_points_ppm));
	for (uint32_t i = 0; i < m->characteristic_count; i++) {
		const scorecard_characteristic *c = &m->characteristics[i];
		if (!c->selected)
			continue;
		printf("  %s (IV %.4f, coefficient %.6f, max %.3f points)\n", c->name,
		       nano_of(c->iv_nano), nano_of(c->coefficient_nano), points_of(c->points_max_milli));
		printf("    %-44s %7s %7s %9s %9s\n", "bin", "good", "bad", "WoE", "points");
		for (uint32_t b = 0; b < c->bin_count; b++) {
			char label[45];
			bin_describe(c, b, label, sizeof(label));
			const scorecard_bin *bin = &c->bins[b];
			printf("    %-44s %7u %7u %9.4f %9.3f\n", label, bin->good_count,
			       bin->bad_count, nano_of(bin->woe_nano), points_of(bin->points_milli));
		}
	}
	printf("\ncoefficients (ln odds good:bad = intercept + sum coefficient x WoE):\n");
	printf("  %-28s %20.9f\n", "(intercept)", nano_of(m->intercept_nano));
	for (uint32_t i = 0; i < m->characteristic_count; i++) {
		const scorecard_characteristic *c = &m->characteristics[i];
		if (c->selected)
			printf("  %-28.28s %20.9f\n", c->name, nano_of(c->coefficient_nano));
	}
}

/* What training decided on its own: the report a validator reads first. */
static void print_notes(const scorecard_model *m, const scorecard_options *o)
{
	uint32_t dropped = 0, excluded = 0, used = 0, separated = 0;
	for (uint32_t i = 0; i < m->characteristic_count; i++) {
		const scorecard_characteristic *c = &m->characteristics[i];
		dropped += c->exclusion == SCORECARD_EXCLUDED_NEGATIVE;
		excluded += c->exclusion == SCORECARD_EXCLUDED_PROTECTED;
		used += c->protected_used;
		separated += c->separation_note[0] != '\0';
	}
	printf("\ntraining notes:\n");
	printf("  negative coefficients: %s", o->drop_negative ? "dropped and refit" : "KEPT (--drop-negative 0)");
	if (dropped == 0)
		printf("; none found\n");
	for (uint32_t i = 0, k = 0; i < m->characteristic_count; i++) {
		if (m->characteristics[i].exclusion != SCORECARD_EXCLUDED_NEGATIVE)
			continue;
		k++;
		printf("%s%s%s", k == 1 ? "; dropped: " : ", ", m->characteristics[i].name,
		       k == dropped ? "\n" : "");
	}
	printf("  protected attributes: %s\n",
	       !o->exclude_protected ? "NOT EXCLUDED" : o->protected_list != NULL ? o->protected_list
										: "default list");
	for (uint32_t i = 0; i < m->characteristic_count; i++) {
		const scorecard_characteristic *c = &m->characteristics[i];
		if (c->exclusion == SCORECARD_EXCLUDED_PROTECTED)
			printf("    excluded: %s\n", c->name);
		if (c->protected_used)
			printf("    OVERRIDE: %s is a protected attribute and is used "
			       "(--allow-protected %s)\n", c->name, o->protected_allow);
	}
	if (excluded + used == 0)
		printf("    none in the data\n");
	printf("  missing values: characteristics missing in training have their own bin; the "
	       "others score a missing value as %s\n",
	       o->missing_policy == SCORECARD_MISSING_WORST ? "their worst bin" : "WoE 0 (neutral)");
	for (uint32_t i = 0; i < m->characteristic_count; i++) {
		if (m->characteristics[i].separation_note[0] != '\0')
			printf("  separation: %s\n", m->characteristics[i].separation_note);
	}
	if (separated == 0)
		printf("  separation: no bin lacks an outcome\n");
}

static credit_cli_train_step train_step;

void credit_cli_train_step_set(credit_cli_train_step step) { train_step = step; }

static int cmd_train(int argc, char **argv)
{
	struct cli_args_credit a;
	int rc = args_parse(argc, argv, 2, &a);
	if (rc != SZ_OK)
		return rc == CLI_HELP_SHOWN ? 0 : rc;
	if (a.positional_count != 1 || a.target == NULL)
		return usage_error("train needs FILE.csv and --target COLUMN", NULL);
	const char *good = a.good != NULL ? a.good : "good";
	a.options.master_scale = a.master_scale;
	credit_csv_table table;
	uint8_t *is_good;
	if (load_table(a.positional[0], a.target, good, &table, &is_good) != SZ_OK)
		return CLI_FAILURE;
	scorecard_model model = { 0 };
	scorecard_binding binding = { 0 };
	scorecard_error error;
	int status = CLI_FAILURE;
	if (scorecard_train(&model, &table, a.target, good, is_good, NULL, table.row_count,
			    &a.options, &error) != SZ_OK) {
		fprintf(stderr, "szfin credit: train: %s\n", error.message);
		goto done;
	}
	printf("trained on %u rows of %s (%u good, %u bad); target '%s', good = '%s'\n\n",
	       table.row_count, a.positional[0], model.good_count, model.bad_count, a.target, good);
	print_model(&model);
	print_notes(&model, &a.options);
	if (train_step != NULL && train_step(&model, &table, is_good) != 0)
		goto done;
	if (a.design_out != NULL) {
		if (scorecard_binding_init(&binding, &model, &table, &error) != SZ_OK ||
		    scorecard_design_write(&model, &binding, &table, is_good, NULL, table.row_count,
					   a.design_out) != SZ_OK) {
			fprintf(stderr, "szfin credit: cannot write %s\n", a.design_out);
			goto done;
		}
		printf("\ndesign matrix written to %s\n", a.design_out);
	}
	if (a.out != NULL) {
		if (scorecard_model_write_file(&model, a.out, &error) != SZ_OK) {
			fprintf(stderr, "szfin credit: %s\n", error.message);
			goto done;
		}
		printf("\nmodel written to %s\n", a.out);
	}
	status = 0;
done:
	scorecard_binding_release(&binding);
	scorecard_model_release(&model);
	credit_csv_release(&table);
	free(is_good);
	return status;
}

static void print_out_of_time(const scorecard_oot_result *oot)
{
	const scorecard_metrics *m = &oot->oot;
	printf("\n%-14s %8s %8s %10s\n", "", "AUC", "KS", "Brier");
	printf("%-14s %8.4f %8.4f %10s   (k-fold mean)\n", "in time", oot->cv.auc_mean, oot->cv.ks_mean, "-");
	printf("%-14s %8.4f %8.4f %10.4f   (model on all in-time rows, %u rows scored)\n",
	       "out of time", m->auc, m->ks, m->brier, m->count);
	printf("out-of-time calibration by decile of score (worst first):\n");
	printf("  %-6s %7s %12s %12s\n", "decile", "rows", "predicted", "observed");
	for (uint32_t k = 0; k < m->calibration_count; k++)
		printf("  %-6u %7u %11.2f%% %11.2f%%\n", k + 1, m->calibration[k].count,
		       100.0 * m->calibration[k].predicted_bad_rate,
		       100.0 * m->calibration[k].observed_bad_rate);
	printf("  Hosmer-Lemeshow out of time: %.3f, p = %.4f\n", oot->hosmer_lemeshow,
	       oot->hosmer_lemeshow_p);
}

static int cmd_cv(int argc, char **argv)
{
	struct cli_args_credit a;
	int rc = args_parse(argc, argv, 2, &a);
	if (rc != SZ_OK)
		return rc == CLI_HELP_SHOWN ? 0 : rc;
	if (a.positional_count != 1 || a.target == NULL)
		return usage_error("cv needs FILE.csv and --target COLUMN", NULL);
	const char *good = a.good != NULL ? a.good : "good";
	credit_csv_table table;
	uint8_t *is_good;
	if (load_table(a.positional[0], a.target, good, &table, &is_good) != SZ_OK)
		return CLI_FAILURE;
	static scorecard_oot_result oot;
	scorecard_cv_result *cvp = &oot.cv;
	scorecard_error error;
	int status = CLI_FAILURE;
	if ((a.time_column == NULL) != (a.oot_from == NULL)) {
		status = usage_error("--time-column and --oot-from go together", NULL);
		goto done;
	}
	char ignore[1024];
	if (a.time_column != NULL) {
		/* the time column is never a characteristic, with any --ignore */
		snprintf(ignore, sizeof ignore, "%s%s%s", a.time_column, a.options.ignore_columns ? "," : "",
			 a.options.ignore_columns ? a.options.ignore_columns : "");
		a.options.ignore_columns = ignore;
		if (scorecard_out_of_time(&table, a.target, good, is_good, a.time_column, a.oot_from,
					  &a.options, a.folds, a.seed, &oot, &error) != SZ_OK) {
			fprintf(stderr, "szfin credit: cv: %s\n", error.message);
			goto done;
		}
	} else if (scorecard_cross_validate(&table, a.target, good, is_good, &a.options, a.folds,
					    a.seed, cvp, &error) != SZ_OK) {
		fprintf(stderr, "szfin credit: cv: %s\n", error.message);
		goto done;
	}
	const scorecard_cv_result cv = *cvp;
	printf("%u-fold stratified cross-validation of %s (%u rows, seed %llu)\n", cv.fold_count,
	       a.positional[0], a.time_column != NULL ? oot.in_count : table.row_count,
	       (unsigned long long)a.seed);
	if (a.time_column != NULL)
		printf("in time: the rows with %s before %s; out of time: the %u rows from it\n",
		       a.time_column, a.oot_from, oot.out_count);
	printf("  %-6s %8s %8s %10s\n", "fold", "AUC", "KS", "selected");
	for (uint32_t f = 0; f < cv.fold_count; f++) {
		if (cv.fold_failed[f])
			printf("  %-6u FAILED: %s\n", f + 1, cv.fold_error[f]);
		else
			printf("  %-6u %8.4f %8.4f %10u\n", f + 1, cv.fold_auc[f], cv.fold_ks[f],
			       cv.fold_selected_count[f]);
	}
	if (cv.failed_count > 0)
		printf("%u of %u folds failed; the figures below are over the other %u\n",
		       cv.failed_count, cv.fold_count, cv.fold_count - cv.failed_count);
	printf("AUC mean %.4f (sd %.4f), Gini %.4f, KS mean %.4f, pooled out-of-fold AUC %.4f\n",
	       cv.auc_mean, cv.auc_sd, 2.0 * cv.auc_mean - 1.0, cv.ks_mean, cv.auc_pooled);
	if (a.time_column != NULL)
		print_out_of_time(&oot);
	status = 0;
done:
	credit_csv_release(&table);
	free(is_good);
	return status;
}

/* The five characteristics of the tech-flow index (credit_tech_index_of). */
static const char *const tech_names[5] = {
	"invention_patents", "ip_total", "innovation_points", "headcount_growth_pct", "tax_growth_pct",
};

static int tech_columns_find(const credit_csv_table *table, int32_t columns[5])
{
	for (uint32_t k = 0; k < 5; k++) {
		columns[k] = credit_csv_column_find(table, tech_names[k]);
		if (columns[k] < 0 || table->columns[columns[k]].kind != CREDIT_CSV_NUMERIC) {
			fprintf(stderr, "szfin credit: validate --product tech needs a numeric column %s\n",
				tech_names[k]);
			return SZ_ENOTFOUND;
		}
	}
	return SZ_OK;
}

/* The tech-enterprise score of row r (docs/credit.md): the scorecard score
 * plus (index - 50) x 0.6 point, its bad probability and grade by the
 * model's table and thresholds, as the server computes them. */
static void tech_score(const scorecard_model *model, const credit_csv_table *table, const int32_t columns[5],
		       uint32_t r, scorecard_result *result)
{
	int64_t v[5];
	for (uint32_t k = 0; k < 5; k++)
		v[k] = scorecard_value_e4_of(table->columns[columns[k]].numbers[r]);
	int32_t index = credit_tech_index_of(v[0], v[1], v[2], v[3], v[4]);
	result->score_milli += (int64_t)(index - 50) * CREDIT_TECH_POINTS_PER_INDEX_MILLI;
	scorecard_score_finish(model, result);
}

/* Hosmer-Lemeshow over the deciles and the PD master scale with each
 * grade's binomial test. */
static int print_calibration_tests(const scorecard_metrics *m, const double *bad,
				   const uint8_t *is_good, uint32_t count, const char *scale_text)
{
	uint32_t counts[SCORECARD_CALIBRATION_COUNT];
	double observed[SCORECARD_CALIBRATION_COUNT];
	double expected[SCORECARD_CALIBRATION_COUNT];
	for (uint32_t k = 0; k < m->calibration_count; k++) {
		counts[k] = m->calibration[k].count;
		observed[k] = m->calibration[k].observed_bad_rate * m->calibration[k].count;
		expected[k] = m->calibration[k].predicted_bad_rate * m->calibration[k].count;
	}
	double hl = 0.0, p = 0.0;
	scorecard_hosmer_lemeshow(counts, observed, expected, m->calibration_count, &hl, &p);
	printf("  Hosmer-Lemeshow over the deciles: %.3f, p = %.4f (%u degrees of freedom; p < 0.05 "
	       "rejects calibration)\n", hl, p, m->calibration_count - 2u);
	scorecard_master_scale scale;
	scorecard_error error;
	if (scorecard_master_scale_parse(scale_text != NULL ? scale_text : SCORECARD_MASTER_SCALE_DEFAULT,
					 &scale, &error) != SZ_OK) {
		fprintf(stderr, "szfin credit: validate: %s\n", error.message);
		return CLI_FAILURE;
	}
	static scorecard_grade_check checks[SCORECARD_MASTER_GRADE_COUNT_MAX];
	scorecard_grade_checks(&scale, bad, is_good, count, checks);
	printf("PD master scale (observed against predicted; binomial p = P(bads >= observed) if the "
	       "PD is right):\n");
	printf("  %-6s %10s %7s %6s %11s %11s %11s\n", "grade", "PD up to", "rows", "bads", "predicted",
	       "observed", "binomial p");
	for (uint32_t g = 0; g < scale.grade_count; g++) {
		const scorecard_grade_check *c = &checks[g];
		printf("  %-6s %9.2f%% %7u %6u %10.2f%% %10.2f%% %11.4f%s\n", scale.names[g],
		       100.0 * scale.pd_max[g], c->count, c->bad_count, 100.0 * c->predicted_pd,
		       100.0 * c->observed_rate, c->binomial_p,
		       c->binomial_p < 0.05 ? "  PD TOO LOW" : "");
	}
	return SZ_OK;
}

/* Per-group AUC, approval rate and adverse-impact ratio of each sensitive
 * column (comma-separated names), whether or not the model uses it. */
static int print_fairness(const credit_csv_table *table, const char *list, const double *scores,
			  const uint8_t *is_good, double cutoff)
{
	if (isnan(cutoff))
		cutoff = scorecard_median(scores, table->row_count);
	printf("fairness by sensitive attribute (approved: score >= %.3f; adverse impact when the "
	       "ratio is under %.2f):\n", cutoff, SCORECARD_IMPACT_RATIO_MIN);
	for (const char *p = list; *p != '\0';) {
		const char *comma = strchr(p, ',');
		size_t n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		char name[128];
		snprintf(name, sizeof name, "%.*s", (int)n, p);
		p += n + (comma != NULL ? 1u : 0u);
		int32_t column = credit_csv_column_find(table, name);
		if (column < 0) {
			fprintf(stderr, "szfin credit: validate: no column '%s' for --sensitive\n", name);
			return CLI_FAILURE;
		}
		static scorecard_group groups[SCORECARD_GROUP_COUNT_MAX];
		uint32_t count = 0;
		if (scorecard_groups_compute(&table->columns[column], scores, is_good, table->row_count,
					     cutoff, groups, &count) != SZ_OK)
			return CLI_FAILURE;
		printf("  %s\n    %-24s %7s %8s %9s %13s\n", name, "group", "rows", "AUC", "approved",
		       "impact ratio");
		for (uint32_t g = 0; g < count; g++) {
			const scorecard_group *x = &groups[g];
			printf("    %-24.24s %7u %8.4f %8.1f%% %13.3f%s\n", x->label, x->count, x->auc,
			       100.0 * x->approval_rate, x->impact_ratio,
			       x->impact_ratio < SCORECARD_IMPACT_RATIO_MIN ? "  ADVERSE IMPACT" : "");
		}
	}
	return SZ_OK;
}

/* Over 70 lines: load, score, then print each section of the report, with
 * one cleanup exit for the buffers it owns. */
static int cmd_validate(int argc, char **argv)
{
	struct cli_args_credit a;
	int rc = args_parse(argc, argv, 2, &a);
	if (rc != SZ_OK)
		return rc == CLI_HELP_SHOWN ? 0 : rc;
	if (a.positional_count != 2)
		return usage_error("validate needs MODEL and FILE.csv", NULL);
	scorecard_model model;
	scorecard_error error;
	if (scorecard_model_read_file(&model, a.positional[0], &error) != SZ_OK) {
		fprintf(stderr, "szfin credit: %s: %s\n", a.positional[0], error.message);
		return CLI_FAILURE;
	}
	const char *target = a.target != NULL ? a.target : model.target_name;
	const char *good = a.good != NULL ? a.good : model.good_label;
	credit_csv_table table = { 0 };
	uint8_t *is_good = NULL;
	scorecard_binding binding = { 0 };
	double *scores = NULL;
	double *bad = NULL;
	double *csi = NULL;
	int status = CLI_FAILURE;
	if (load_table(a.positional[1], target, good, &table, &is_good) != SZ_OK)
		goto done;
	if (scorecard_binding_init(&binding, &model, &table, &error) != SZ_OK) {
		fprintf(stderr, "szfin credit: %s\n", error.message);
		goto done;
	}
	scores = malloc((table.row_count + 1u) * sizeof(double));
	bad = malloc((table.row_count + 1u) * sizeof(double));
	csi = malloc((model.characteristic_count + 1u) * sizeof(double));
	if (scores == NULL || bad == NULL || csi == NULL)
		goto done;
	bool tech = a.product != NULL && strcmp(a.product, "tech") == 0;
	int32_t tech_columns[5];
	if (tech && tech_columns_find(&table, tech_columns) != SZ_OK)
		goto done;
	uint64_t completeness_sum_ppm = 0;
	uint32_t incomplete_rows = 0, out_of_range_rows = 0;
	for (uint32_t r = 0; r < table.row_count; r++) {
		scorecard_result result;
		double value;
		out_of_range_rows += scorecard_row_out_of_range(&model, &binding, &table, r, &value) >= 0;
		scorecard_score_row(&model, &binding, &table, r, &result);
		if (tech)
			tech_score(&model, &table, tech_columns, r, &result);
		scores[r] = points_of(result.score_milli);
		bad[r] = nano_of(result.bad_ppb);
		completeness_sum_ppm += scorecard_completeness_ppm(&result);
		incomplete_rows += result.missing_count + result.unseen_count > 0;
	}
	scorecard_metrics m;
	double psi = 0.0;
	if (scorecard_metrics_compute(scores, bad, is_good, table.row_count, &m) != SZ_OK ||
	    scorecard_shift_compute(&model, &binding, &table, &psi, csi) != SZ_OK) {
		fprintf(stderr, "szfin credit: validate needs good and bad rows\n");
		goto done;
	}
	printf("validation of %s%s on %s (%u rows: %u good, %u bad)\n", a.positional[0],
	       tech ? " (tech-enterprise score)" : "", a.positional[1], m.count, m.good_count, m.bad_count);
	printf("  AUC %.4f  Gini %.4f  KS %.4f (at score %.1f)  Brier %.4f\n", m.auc, m.gini, m.ks,
	       m.ks_score, m.brier);
	printf("  data completeness %.1f%% on average; %u rows with a missing or unseen value; "
	       "%u rows outside a declared range (the scorer refuses them)\n",
	       table.row_count > 0 ? 100.0 * ppm_of((int64_t)(completeness_sum_ppm / table.row_count)) : 100.0,
	       incomplete_rows, out_of_range_rows);
	printf("calibration by decile of score (worst first):\n");
	printf("  %-6s %7s %19s %12s %12s\n", "decile", "rows", "score range", "predicted",
	       "observed");
	for (uint32_t k = 0; k < m.calibration_count; k++) {
		const scorecard_calibration *c = &m.calibration[k];
		printf("  %-6u %7u %9.1f-%-9.1f %11.2f%% %11.2f%%\n", k + 1, c->count, c->score_min,
		       c->score_max, 100.0 * c->predicted_bad_rate, 100.0 * c->observed_bad_rate);
	}
	char model_scale[SCORECARD_MASTER_COUNT_MAX * (SCORECARD_MASTER_NAME_SIZE + 16)];
	size_t used = 0;
	for (uint32_t k = 0; k < model.master_count; k++)
		used += (size_t)snprintf(model_scale + used, sizeof model_scale - used, "%s%s:%.9f",
					 k > 0 ? "," : "", model.master_names[k],
					 nano_of(model.master_pd_max_ppb[k]));
	if (print_calibration_tests(&m, bad, is_good, table.row_count,
				    a.master_scale != NULL ? a.master_scale : model_scale) != SZ_OK)
		goto done;
	if (a.sensitive != NULL && print_fairness(&table, a.sensitive, scores, is_good, a.cutoff) != SZ_OK)
		goto done;
	printf("stability against the training population (< 0.1 stable, > 0.25 shifted):\n");
	printf("  score PSI %.4f\n", psi);
	for (uint32_t i = 0; i < model.characteristic_count; i++) {
		if (model.characteristics[i].selected)
			printf("  CSI %-28.28s %.4f\n", model.characteristics[i].name, csi[i]);
	}
	status = 0;
done:
	free(scores);
	free(bad);
	free(csi);
	scorecard_binding_release(&binding);
	credit_csv_release(&table);
	free(is_good);
	scorecard_model_release(&model);
	return status;
}

/* Names of the selected characteristics whose bin in row r is of kind
 * (missing, or other = a label unseen in training), ';'-separated. */
static void print_flagged(const scorecard_model *m, const scorecard_binding *binding,
			  const credit_csv_table *table, uint32_t r, enum scorecard_bin_kind kind)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < m->characteristic_count; i++) {
		const scorecard_characteristic *c = &m->characteristics[i];
		if (!c->selected || c->bins[scorecard_bin_of_row(m, binding, table, i, r)].kind != kind)
			continue;
		printf("%s%s", k++ > 0 ? ";" : "", c->name);
	}
}

static int cmd_score(int argc, char **argv)
{
	struct cli_args_credit a;
	int rc = args_parse(argc, argv, 2, &a);
	if (rc != SZ_OK)
		return rc == CLI_HELP_SHOWN ? 0 : rc;
	if (a.positional_count != 2)
		return usage_error("score needs MODEL and FILE.csv", NULL);
	scorecard_model model;
	scorecard_error error;
	if (scorecard_model_read_file(&model, a.positional[0], &error) != SZ_OK) {
		fprintf(stderr, "szfin credit: %s: %s\n", a.positional[0], error.message);
		return CLI_FAILURE;
	}
	credit_csv_table table;
	credit_csv_error csv_error;
	int status = CLI_FAILURE;
	if (credit_csv_load(&table, a.positional[1], &csv_error) != SZ_OK) {
		fprintf(stderr, "szfin credit: %s: %s\n", a.positional[1], csv_error.message);
		scorecard_model_release(&model);
		return CLI_FAILURE;
	}
	scorecard_binding binding;
	if (scorecard_binding_init(&binding, &model, &table, &error) != SZ_OK) {
		fprintf(stderr, "szfin credit: %s\n", error.message);
		goto done;
	}
	printf("row,score,bad_probability,grade,reasons,completeness,missing,unseen,review\n");
	uint32_t refused = 0;
	for (uint32_t r = 0; r < table.row_count && r < a.rows; r++) {
		double value = 0.0;
		int32_t bad_range = scorecard_row_out_of_range(&model, &binding, &table, r, &value);
		if (bad_range >= 0) {
			const scorecard_characteristic *c = &model.characteristics[bad_range];
			fprintf(stderr, "szfin credit: row %u: %s = %.6g is outside its declared range "
				"[%.6g, %s]; row refused\n", r + 1, c->name, value, value_of(c->value_min_e4),
				c->value_max_e4 == SCORECARD_RANGE_OPEN_MAX ? "max" : "declared max");
			refused++;
			continue;
		}
		scorecard_result result;
		scorecard_score_row(&model, &binding, &table, r, &result);
		printf("%u,%.3f,%.9f,%s,", r + 1, points_of(result.score_milli), nano_of(result.bad_ppb),
		       scorecard_grade_name(result.grade));
		for (uint32_t k = 0; k < result.reason_count; k++)
			printf("%s%s(-%.3f)", k > 0 ? ";" : "",
			       model.characteristics[result.reasons[k].characteristic].name,
			       points_of(result.reasons[k].points_lost_milli));
		printf(",%.4f,", ppm_of(scorecard_completeness_ppm(&result)));
		print_flagged(&model, &binding, &table, r, SCORECARD_BIN_MISSING);
		printf(",");
		print_flagged(&model, &binding, &table, r, SCORECARD_BIN_OTHER);
		printf(",%s\n", scorecard_thin_file(&model, SCORECARD_PRODUCT_SCORECARD,
						     scorecard_completeness_ppm(&result)) ? "manual" : "");
	}
	scorecard_binding_release(&binding);
	status = refused > 0 ? CLI_FAILURE : 0;
done:
	credit_csv_release(&table);
	scorecard_model_release(&model);
	return status;
}

static int cmd_uscc(int argc, char **argv)
{
	if (argc < 3)
		return usage_error("uscc needs at least one code", NULL);
	int status = 0;
	for (int i = 2; i < argc; i++) {
		credit_uscc_detail detail;
		enum credit_uscc_result r = credit_uscc_validate(argv[i], strlen(argv[i]), &detail);
		if (r == CREDIT_USCC_OK) {
			printf("%s ok\n", argv[i]);
			continue;
		}
		status = CLI_FAILURE;
		printf("%s %s: %s", argv[i], credit_uscc_result_name(r), credit_uscc_result_text(r));
		if (r == CREDIT_USCC_BAD_CHARACTER)
			printf(" (position %u)", detail.position);
		if (r == CREDIT_USCC_BAD_CHECK)
			printf(" (expected '%c')", detail.expected);
		printf("\n");
	}
	return status;
}

int credit_cli_main(int argc, char **argv)
{
	SZ_ASSERT(argc >= 1 && argv != NULL);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(cli_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE_ERROR : 0;
	}
	if (strcmp(argv[1], "train") == 0)
		return cmd_train(argc, argv);
	if (strcmp(argv[1], "validate") == 0)
		return cmd_validate(argc, argv);
	if (strcmp(argv[1], "cv") == 0)
		return cmd_cv(argc, argv);
	if (strcmp(argv[1], "score") == 0)
		return cmd_score(argc, argv);
	if (strcmp(argv[1], "uscc") == 0)
		return cmd_uscc(argc, argv);
	int client_rc = credit_client_main(argc, argv);
	if (client_rc >= 0)
		return client_rc;
	return usage_error("unknown credit command", argv[1]);
}

static const struct cli_command credit_commands[] = {
	{ "credit", credit_cli_main, "enterprise credit: registry, data feeds, scorecards (see szfin credit --help)" },
};
const struct cli_command_table credit_cli_table = { "credit", credit_commands, 1 };
