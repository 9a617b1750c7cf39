/*
 * score.c — scoring with a scorecard, in integers: lookups, points, the
 * probability table, grades.
 *
 * A score is a sum of precomputed points per bin (1/1,000 point each).
 * Numeric values (1/10,000 of their unit) are found by binary search over
 * the bins' upper bounds; labels by an open-addressing hash table built once
 * per model. The bad probability is read from the model's table with
 * integer linear interpolation. Reason codes keep the four largest point
 * losses with an insertion into a four-slot array, so scoring allocates
 * nothing. This is the code apply scores with (credit/apply.c) and the code
 * the offline tools score with (score_table.c): one implementation.
 */
#include "credit/scorecard.h"
#include "credit/boost.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"

#include <stdlib.h>
#include <string.h>

static uint32_t label_hash(const char *text)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const char *p = text; *p != '\0'; p++) {
		h ^= (uint8_t)*p;
		h *= 16777619u;
	}
	return h;
}

static bool label_space(unsigned char ch)
{
	return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

size_t scorecard_label_normalize(const char *label, char *out, size_t size)
{
	SZ_ASSERT(label != NULL && out != NULL);
	SZ_ASSERT(size >= 1);
	const unsigned char *p = (const unsigned char *)label;
	size_t n = 0;
	bool space_pending = false;
	while (*p != '\0') {
		unsigned char ch = *p;
		size_t width = 1;
		if (ch == 0xEF && p[1] == 0xBC && p[2] >= 0x81 && p[2] <= 0xBF) {
			ch = (unsigned char)(p[2] - 0x81 + 0x21);  /* U+FF01-U+FF3F */
			width = 3;
		} else if (ch == 0xEF && p[1] == 0xBD && p[2] >= 0x80 && p[2] <= 0x9E) {
			ch = (unsigned char)(p[2] - 0x80 + 0x60);  /* U+FF40-U+FF5E */
			width = 3;
		} else if (ch == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
			ch = ' ';                                  /* U+3000 */
			width = 3;
		}
		p += width;
		if (label_space(ch)) {
			space_pending = n > 0;
			continue;
		}
		if (ch >= 'A' && ch <= 'Z')
			ch = (unsigned char)(ch - 'A' + 'a');
		if (space_pending && n + 1 < size)
			out[n++] = ' ';
		space_pending = false;
		if (n + 1 < size)
			out[n++] = (char)ch;
	}
	out[n] = '\0';
	SZ_ASSERT(n < size);
	return n;
}

void scorecard_model_release(scorecard_model *model)
{
	SZ_ASSERT(model != NULL);
	if (model->characteristics != NULL) {
		for (uint32_t i = 0; i < model->characteristic_count; i++) {
			scorecard_characteristic *c = &model->characteristics[i];
			free(c->name);
			free(c->bins);
			if (c->level_names != NULL) {
				for (uint32_t l = 0; l < c->level_count; l++)
					free(c->level_names[l]);
			}
			free(c->level_names);
			free(c->level_bins);
			free(c->label_slots);
		}
	}
	free(model->characteristics);
	free(model->target_name);
	free(model->good_label);
	if (model->challenger != NULL) {
		boost_model_release(model->challenger);
		free(model->challenger);
	}
	memset(model, 0, sizeof(*model));
}

int scorecard_model_index(scorecard_model *model)
{
	SZ_ASSERT(model != NULL);
	SZ_ASSERT(model->characteristics != NULL || model->characteristic_count == 0);
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		scorecard_characteristic *c = &model->characteristics[i];
		if (c->kind != CREDIT_CSV_CATEGORICAL)
			continue;
		SZ_ASSERT(c->level_count <= SZ_CREDIT_CSV_LEVEL_COUNT_MAX);
		/* Stored labels are normalised (a model written before the rule
		 * may hold "Radio/TV"); in place: never longer. */
		for (uint32_t level = 0; level < c->level_count; level++) {
			char *name = c->level_names[level];
			scorecard_label_normalize(name, name, strlen(name) + 1u);
		}
		uint32_t slot_count = 8;
		while (slot_count < 2u * c->level_count)
			slot_count *= 2;
		free(c->label_slots);
		c->label_slots = malloc(slot_count * sizeof(int32_t));
		if (c->label_slots == NULL)
			return SZ_ENOMEM;
		memset(c->label_slots, 0xff, slot_count * sizeof(int32_t));
		c->label_slot_count = slot_count;
		for (uint32_t level = 0; level < c->level_count; level++) {
			uint32_t slot = label_hash(c->level_names[level]) & (slot_count - 1u);
			while (c->label_slots[slot] >= 0)
				slot = (slot + 1u) & (slot_count - 1u);
			c->label_slots[slot] = (int32_t)level;
		}
	}
	return SZ_OK;
}

uint32_t scorecard_bin_of_number(const scorecard_characteristic *c, int64_t number_e4)
{
	SZ_ASSERT(c->kind == CREDIT_CSV_NUMERIC);
	SZ_ASSERT(c->missing_bin >= 1 && c->missing_bin + 1 == c->bin_count);
	if (number_e4 == SCORECARD_VALUE_MISSING)
		return c->missing_bin;
	uint32_t low = 0;
	uint32_t high = c->missing_bin - 1; /* the last range bin reaches SCORECARD_UPPER_LAST */
	while (low < high) {
		uint32_t mid = low + (high - low) / 2;
		if (number_e4 <= c->bins[mid].upper_e4)
			high = mid;
		else
			low = mid + 1;
	}
	return low;
}

uint32_t scorecard_bin_of_label(const scorecard_characteristic *c, const char *label)
{
	SZ_ASSERT(c->kind == CREDIT_CSV_CATEGORICAL);
	SZ_ASSERT(c->label_slots != NULL);
	if (label == NULL || credit_csv_is_missing(label, strlen(label)))
		return c->missing_bin;
	char normal[SZ_CREDIT_CSV_FIELD_SIZE_MAX + 1u];
	size_t length = scorecard_label_normalize(label, normal, sizeof normal);
	if (length == 0 || credit_csv_is_missing(normal, length))
		return c->missing_bin;
	uint32_t mask = c->label_slot_count - 1u;
	uint32_t slot = label_hash(normal) & mask;
	for (;;) {
		int32_t level = c->label_slots[slot];
		if (level < 0)
			return c->other_bin;
		if (strcmp(c->level_names[level], normal) == 0)
			return c->level_bins[level];
		slot = (slot + 1u) & mask;
	}
}

void scorecard_score_add(const scorecard_model *model, uint32_t characteristic, uint32_t bin,
			 scorecard_result *r)
{
	SZ_ASSERT(characteristic < model->characteristic_count);
	const scorecard_characteristic *c = &model->characteristics[characteristic];
	SZ_ASSERT(c->selected);
	SZ_ASSERT(bin < c->bin_count);
	const scorecard_bin *b = &c->bins[bin];
	/* Points are bounded at load (model_io.c): a sum over the card fits. */
	r->score_milli += b->points_milli;
	r->scored_count++;
	if (bin == c->missing_bin) {
		r->missing_count++;
		r->missing_mask |= characteristic < 64 ? (uint64_t)1 << characteristic : 0;
	} else if (bin == c->other_bin) {
		r->unseen_count++;
		r->unseen_mask |= characteristic < 64 ? (uint64_t)1 << characteristic : 0;
	}
	int64_t lost = c->points_max_milli - b->points_milli;
	if (lost <= 0)
		return;
	uint32_t n = r->reason_count;
	if (n == SCORECARD_REASON_COUNT && lost <= r->reasons[n - 1].points_lost_milli)
		return;
	uint32_t pos = n < SCORECARD_REASON_COUNT ? n : SCORECARD_REASON_COUNT - 1u;
	while (pos > 0 && r->reasons[pos - 1].points_lost_milli < lost) {
		r->reasons[pos] = r->reasons[pos - 1];
		pos--;
	}
	r->reasons[pos].characteristic = characteristic;
	r->reasons[pos].points_lost_milli = lost;
	if (n < SCORECARD_REASON_COUNT)
		r->reason_count = n + 1;
}

uint32_t scorecard_completeness_ppm(const scorecard_result *r)
{
	SZ_ASSERT(r->missing_count + r->unseen_count <= r->scored_count);
	if (r->scored_count == 0)
		return SCORECARD_PPM;
	uint64_t present = r->scored_count - r->missing_count - r->unseen_count;
	return (uint32_t)(present * SCORECARD_PPM / r->scored_count);
}

uint32_t scorecard_master_of(const scorecard_model *model, uint32_t bad_ppb)
{
	SZ_ASSERT(model->master_count >= 1 && model->master_count <= SCORECARD_MASTER_COUNT_MAX);
	SZ_ASSERT(model->master_pd_max_ppb[model->master_count - 1] == SCORECARD_NANO);
	uint32_t g = 0;
	while (g + 1 < model->master_count && bad_ppb > model->master_pd_max_ppb[g])
		g++;
	return g;
}

bool scorecard_thin_file(const scorecard_model *model, enum scorecard_product product,
			 uint32_t completeness_ppm)
{
	SZ_ASSERT((uint32_t)product < SCORECARD_PRODUCT_COUNT);
	SZ_ASSERT(completeness_ppm <= SCORECARD_PPM);
	return completeness_ppm < model->thin_file_completeness_min_ppm[product];
}

bool scorecard_value_in_range(const scorecard_characteristic *c, int64_t number_e4)
{
	SZ_ASSERT(c->kind == CREDIT_CSV_NUMERIC);
	SZ_ASSERT(c->value_min_e4 <= c->value_max_e4);
	if (number_e4 == SCORECARD_VALUE_MISSING)
		return true;
	return number_e4 >= c->value_min_e4 && number_e4 <= c->value_max_e4;
}

uint32_t scorecard_pd_of(const scorecard_model *model, int64_t score_milli)
{
	SZ_ASSERT(model->pd_count >= 2 && model->pd_count <= SCORECARD_PD_COUNT_MAX);
	SZ_ASSERT(model->pd_step_milli > 0);
	if (score_milli <= model->pd_first_milli)
		return model->pd_ppb[0];
	int64_t offset = score_milli - model->pd_first_milli;
	int64_t index = offset / model->pd_step_milli;
	if (index >= (int64_t)model->pd_count - 1)
		return model->pd_ppb[model->pd_count - 1];
	/* Between entries index and index + 1: the table is non-increasing. */
	int64_t high = model->pd_ppb[index];
	int64_t low = model->pd_ppb[index + 1];
	SZ_ASSERT(high >= low);
	int64_t into = offset - index * model->pd_step_milli;
	/* (high - low) <= 1e9 and into < step <= 1e12 (model_io.c): 128 bits. */
	int64_t pd = high - (int64_t)((__int128)(high - low) * into / model->pd_step_milli);
	SZ_ASSERT(pd >= low && pd <= high);
	return (uint32_t)pd;
}

enum scorecard_grade scorecard_grade_of(const scorecard_model *model, int64_t score_milli)
{
	SZ_ASSERT(model != NULL);
	SZ_ASSERT(model->grade_points_min_milli[SCORECARD_GRADE_C] == INT64_MIN);
	uint32_t g = 0;
	while (g + 1 < SCORECARD_GRADE_COUNT && score_milli < model->grade_points_min_milli[g])
		g++;
	return (enum scorecard_grade)g;
}

void scorecard_score_finish(const scorecard_model *model, scorecard_result *r)
{
	SZ_ASSERT(model != NULL && r != NULL);
	SZ_ASSERT(r->reason_count <= SCORECARD_REASON_COUNT);
	r->bad_ppb = scorecard_pd_of(model, r->score_milli);
	r->grade = scorecard_grade_of(model, r->score_milli);
}

void scorecard_score_values(const scorecard_model *model, const scorecard_value *values,
			    scorecard_result *result)
{
	SZ_ASSERT(model != NULL && values != NULL && result != NULL);
	SZ_ASSERT(model->selected_count > 0);
	memset(result, 0, sizeof(*result));
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		const scorecard_characteristic *c = &model->characteristics[i];
		if (!c->selected)
			continue;
		uint32_t bin = c->kind == CREDIT_CSV_NUMERIC ? scorecard_bin_of_number(c, values[i].number_e4)
							     : scorecard_bin_of_label(c, values[i].label);
		scorecard_score_add(model, i, bin, result);
	}
	scorecard_score_finish(model, result);
}

const char *scorecard_grade_name(enum scorecard_grade grade)
{
	static const char *const names[SCORECARD_GRADE_COUNT] = {
		"AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C",
	};
	SZ_ASSERT((uint32_t)grade < SCORECARD_GRADE_COUNT);
	return names[grade];
}
