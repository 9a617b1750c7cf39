/*
 * model_write.c — writes the scorecard model artifact (layout: model_io.c):
 * the text of a model in memory (scorecard_model_save) and durably to a file
 * (scorecard_model_write_file: NAME.tmp, fsync, rename).
 */
#include "credit/scorecard.h"
#include "credit/model_format.h"
#include "credit/boost.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/limits.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- writing ------------------------------------------------------------ */

struct out {
	char *data;
	size_t size;
	size_t capacity;
	int status;
};

static void out_append(struct out *o, const char *text, size_t size)
{
	SZ_ASSERT(text != NULL);
	SZ_ASSERT(o->size <= o->capacity);
	if (o->status != SZ_OK)
		return;
	if (o->size + size + 1 > SZ_SCORECARD_MODEL_SIZE_MAX) {
		o->status = SZ_ELIMIT;
		return;
	}
	if (o->size + size + 1 > o->capacity) {
		size_t capacity = o->capacity > 0 ? o->capacity : 4096;
		while (capacity < o->size + size + 1)
			capacity *= 2;
		char *data = realloc(o->data, capacity);
		if (data == NULL) {
			o->status = SZ_ENOMEM;
			return;
		}
		o->data = data;
		o->capacity = capacity;
	}
	memcpy(o->data + o->size, text, size);
	o->size += size;
	o->data[o->size] = '\0';
}

static void out_printf(struct out *o, const char *format, ...) __attribute__((format(printf, 2, 3)));

static void out_printf(struct out *o, const char *format, ...)
{
	char line[512];
	va_list args;
	va_start(args, format);
	int n = vsnprintf(line, sizeof(line), format, args);
	va_end(args);
	SZ_ASSERT(n >= 0 && (size_t)n < sizeof(line));
	out_append(o, line, (size_t)n);
}

/* " " then the escaped string. */
static void out_string(struct out *o, const char *s)
{
	SZ_ASSERT(s != NULL && s[0] != '\0');
	out_append(o, " ", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p >= 0x21 && *p <= 0x7e && *p != '%') {
			out_append(o, (const char *)p, 1);
		} else {
			char hex[4];
			snprintf(hex, sizeof(hex), "%%%02X", *p);
			out_append(o, hex, 3);
		}
	}
}

/* " " then a number, or "max" for SCORECARD_UPPER_LAST. */
static void out_upper(struct out *o, int64_t upper)
{
	if (upper == SCORECARD_UPPER_LAST)
		out_printf(o, " max");
	else
		out_printf(o, " %lld", (long long)upper);
}

static void save_characteristic(struct out *o, const scorecard_characteristic *c)
{
	SZ_ASSERT(c->bins != NULL);
	SZ_ASSERT(c->bin_count >= 2);
	out_printf(o, "characteristic");
	out_string(o, c->name);
	out_printf(o, " %s %u %lld %lld %lld %u %u\n",
		   c->kind == CREDIT_CSV_NUMERIC ? "numeric" : "categorical", c->selected ? 1u : 0u,
		   (long long)c->iv_nano, (long long)c->coefficient_nano,
		   (long long)c->points_max_milli, c->bin_count, c->level_count);
	if (c->kind == CREDIT_CSV_NUMERIC) {
		if (c->value_min_e4 == SCORECARD_RANGE_OPEN_MIN)
			out_printf(o, "range min");
		else
			out_printf(o, "range %lld", (long long)c->value_min_e4);
		if (c->value_max_e4 == SCORECARD_RANGE_OPEN_MAX)
			out_printf(o, " max\n");
		else
			out_printf(o, " %lld\n", (long long)c->value_max_e4);
	}
	for (uint32_t b = 0; b < c->bin_count; b++) {
		const scorecard_bin *bin = &c->bins[b];
		out_printf(o, "bin %s", bin_kind_name(bin->kind));
		if (bin->kind == SCORECARD_BIN_RANGE)
			out_upper(o, bin->upper_e4);
		else
			out_printf(o, " -");
		out_printf(o, " %u %u %lld %lld %lld\n", bin->good_count, bin->bad_count,
			   (long long)bin->woe_nano, (long long)bin->iv_nano, (long long)bin->points_milli);
	}
	for (uint32_t l = 0; l < c->level_count; l++) {
		out_printf(o, "level %u", c->level_bins[l]);
		out_string(o, c->level_names[l]);
		out_append(o, "\n", 1);
	}
}

static void save_challenger(struct out *o, const boost_model *b)
{
	SZ_ASSERT(b->tree_count <= BOOST_TREE_COUNT_MAX);
	out_printf(o, "challenger boost %lld %u %u %u %u\n", (long long)b->base_milli, b->tree_count,
		   b->node_count, b->depth_max, b->eta_ppm);
	for (uint32_t t = 0; t < b->tree_count; t++) {
		out_printf(o, "tree %u\n", b->tree_node_count[t]);
		for (uint32_t k = 0; k < b->tree_node_count[t]; k++) {
			const boost_node *n = &b->nodes[b->tree_first[t] + k];
			if (n->characteristic == BOOST_LEAF)
				out_printf(o, "leaf %lld\n", (long long)n->value_milli);
			else
				out_printf(o, "split %u %lld %u %u %s %lld\n", n->characteristic,
					   (long long)n->threshold, n->yes, n->no,
					   n->missing_yes ? "yes" : "no", (long long)n->value_milli);
		}
	}
}

int scorecard_model_save(const scorecard_model *model, char **text, size_t *size)
{
	SZ_ASSERT(model != NULL && text != NULL && size != NULL);
	SZ_ASSERT(model->characteristics != NULL && model->selected_count > 0);
	struct out o = { NULL, 0, 0, SZ_OK };
	const scorecard_options_record *opt = &model->options;
	out_printf(&o, "%s %u\ntarget", MODEL_MAGIC,
		   model->challenger != NULL ? MODEL_VERSION : MODEL_VERSION_NO_CHALLENGER);
	out_string(&o, model->target_name);
	out_string(&o, model->good_label);
	out_printf(&o, "\noptions %u %lld %lld %lld %lld %u %lld %lld\n", opt->fine_bin_count,
		   (long long)opt->bin_share_min_ppm, (long long)opt->category_share_min_ppm,
		   (long long)opt->woe_prior_count_ppm, (long long)opt->split_chi2_min_ppm,
		   opt->drop_negative, (long long)opt->iv_min_ppm, (long long)opt->lambda_ppm);
	out_printf(&o, "scaling %lld %lld %lld\n", (long long)opt->base_points_ppm,
		   (long long)opt->base_odds_ppm, (long long)opt->pdo_points_ppm);
	out_printf(&o, "thin_file %u %u\n", model->thin_file_completeness_min_ppm[SCORECARD_PRODUCT_SCORECARD],
		   model->thin_file_completeness_min_ppm[SCORECARD_PRODUCT_TECH]);
	out_printf(&o, "training %u %u\nintercept %lld\ncharacteristics %u %u\n", model->good_count,
		   model->bad_count, (long long)model->intercept_nano, model->characteristic_count,
		   model->selected_count);
	for (uint32_t i = 0; i < model->characteristic_count; i++)
		save_characteristic(&o, &model->characteristics[i]);
	out_printf(&o, "grades");
	for (uint32_t g = 0; g + 1 < SCORECARD_GRADE_COUNT; g++)
		out_printf(&o, " %lld", (long long)model->grade_points_min_milli[g]);
	out_printf(&o, "\npd_table %lld %lld %u\n", (long long)model->pd_first_milli,
		   (long long)model->pd_step_milli, model->pd_count);
	for (uint32_t k = 0; k < model->pd_count; k++)
		out_printf(&o, "pd %u\n", model->pd_ppb[k]);
	out_printf(&o, "score_bands %u\n", model->score_bin_count);
	for (uint32_t k = 0; k < model->score_bin_count; k++) {
		out_printf(&o, "band");
		out_upper(&o, model->score_uppers_milli[k]);
		out_printf(&o, " %u\n", model->score_shares_ppm[k]);
	}
	out_printf(&o, "master_scale %u\n", model->master_count);
	for (uint32_t k = 0; k < model->master_count; k++) {
		out_printf(&o, "master");
		out_string(&o, model->master_names[k]);
		out_printf(&o, " %u\n", model->master_pd_max_ppb[k]);
	}
	if (model->challenger != NULL)
		save_challenger(&o, model->challenger);
	out_printf(&o, "end\n");
	if (o.status == SZ_OK) {
		uint8_t hash[SZ_HASH_SIZE];
		char hex[2 * SZ_HASH_SIZE + 1];
		if (sz_hash_init() != 0) {
			o.status = SZ_EIO;
		} else {
			sz_sha256(hash, o.data, o.size);
			sz_hash_hex(hex, hash);
			out_printf(&o, "sha256 %s\n", hex);
		}
	}
	if (o.status != SZ_OK) {
		free(o.data);
		return o.status;
	}
	*text = o.data;
	*size = o.size;
	return SZ_OK;
}

int scorecard_model_write_file(const scorecard_model *model, const char *path,
			       scorecard_error *error)
{
	SZ_ASSERT(model != NULL && path != NULL);
	char *text = NULL;
	size_t size = 0;
	int rc = scorecard_model_save(model, &text, &size);
	if (rc != SZ_OK) {
		if (error != NULL)
			snprintf(error->message, sizeof(error->message), "cannot serialize: %s",
				 sz_strerror(rc));
		return rc;
	}
	char tmp[4096];
	rc = SZ_EIO;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		goto fail;
	FILE *file = fopen(tmp, "wb");
	if (file == NULL)
		goto fail;
	bool ok = fwrite(text, 1, size, file) == size && fflush(file) == 0 &&
		  fsync(fileno(file)) == 0;
	ok = fclose(file) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		goto fail;
	}
	rc = SZ_OK;
fail:
	if (rc != SZ_OK && error != NULL)
		snprintf(error->message, sizeof(error->message), "cannot write %.200s: %s", path,
			 strerror(errno));
	free(text);
	return rc;
}
