/*
 * account.c — validates carbon-account records, computes scope 1 and scope 2
 * (location and market based) and the summary under one factor set, and
 * keeps results immutable in a fixed-capacity store with an append-only list
 * of restatements (rules in account.h).
 */
#include "green/account.h"

#include <stdlib.h>
#include <string.h>

#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "engine/journal.h"

bool green_bytes_zero(const void *data, size_t size)
{
	SZ_ASSERT(data != NULL || size == 0);
	const unsigned char *bytes = data;
	for (size_t i = 0; i < size; i++)
		if (bytes[i] != 0)
			return false;
	return true;
}

bool green_text_field_ok(const char *text, size_t size)
{
	SZ_ASSERT(text != NULL);
	SZ_ASSERT(size > 0);
	size_t length = strnlen(text, size);
	return length < size && green_bytes_zero(text + length, size - length);
}

/* 1 if the text field is well formed (green_text_field_ok) and printable
 * ASCII without spaces; empty only if allow_empty. */
static int green__text_field_valid(const char *text, size_t size, int allow_empty)
{
	if (!green_text_field_ok(text, size)) return 0;
	size_t length = strlen(text);
	if (length == 0 && !allow_empty) return 0;
	for (size_t i = 0; i < length; i++) {
		if (text[i] <= 0x20 || text[i] >= 0x7f) return 0;
	}
	return 1;
}

static int green__amount_valid(int64_t amount)
{
	return amount >= 0 && amount <= GREEN_ACTIVITY_MICRO_MAX;
}

int green_account_validate(const green_account *account)
{
	SZ_ASSERT(account != NULL);
	SZ_ASSERT(GREEN_ACCOUNT_FUEL_LINE_COUNT_MAX == 8u);
	if (sz_id_is_zero(account->enterprise_id)) return SZ_EINVAL;
	if (account->period_year < 1990 || account->period_year > 2100) return SZ_EINVAL;
	if (account->grid_series != GREEN_GRID_AVERAGE && account->grid_series != GREEN_GRID_ETS)
		return SZ_EINVAL;
	if (!green__text_field_valid(account->province, sizeof account->province, 1)) return SZ_EINVAL;
	size_t province_length = strlen(account->province);
	if (province_length != 0 && strcmp(account->province, "CN") != 0 &&
	    !green_province_code_valid(account->province, province_length))
		return SZ_EINVAL;
	if (!green__amount_valid(account->electricity_mwh_milli)) return SZ_EINVAL;
	if (!green__amount_valid(account->green_power_mwh_milli)) return SZ_EINVAL;
	if (account->green_power_mwh_milli > account->electricity_mwh_milli) return SZ_EINVAL;
	if (!green__amount_valid(account->heat_gj_milli)) return SZ_EINVAL;
	if (account->value_added_fen < 0) return SZ_EINVAL;
	if (account->flags & ~(uint32_t)GREEN_ACCOUNT_HAS_PREVIOUS) return SZ_EINVAL;
	if (account->flags & GREEN_ACCOUNT_HAS_PREVIOUS) {
		if (account->previous_total_g < 0) return SZ_EINVAL;
	} else if (account->previous_total_g != 0) {
		return SZ_EINVAL;
	}
	if (account->gwp != GREEN_GWP_AR5 && account->gwp != GREEN_GWP_AR6) return SZ_EINVAL;
	if (account->fuel_count > GREEN_ACCOUNT_FUEL_LINE_COUNT_MAX) return SZ_EINVAL;
	if (account->cert_count > GREEN_ACCOUNT_CERT_LINE_COUNT_MAX) return SZ_EINVAL;
	for (uint32_t i = 0; i < GREEN_ACCOUNT_FUEL_LINE_COUNT_MAX; i++) {
		const green_fuel_line *line = &account->fuels[i];
		if (i >= account->fuel_count) {
			if (!green_bytes_zero(line, sizeof *line)) return SZ_EINVAL;
			continue;
		}
		if (!green__text_field_valid(line->fuel, sizeof line->fuel, 0)) return SZ_EINVAL;
		if (!green__amount_valid(line->activity_micro)) return SZ_EINVAL;
		if (line->tier > GREEN_TIER_IPCC || line->reserved != 0) return SZ_EINVAL;
	}
	int64_t certified_mwh_milli = 0;
	for (uint32_t i = 0; i < GREEN_ACCOUNT_CERT_LINE_COUNT_MAX; i++) {
		const green_cert_line *line = &account->certs[i];
		if (i >= account->cert_count) {
			if (!green_bytes_zero(line, sizeof *line)) return SZ_EINVAL;
			continue;
		}
		if (!green__text_field_valid(line->serial, sizeof line->serial, 0)) return SZ_EINVAL;
		if (line->mwh_milli <= 0 || !green__amount_valid(line->mwh_milli)) return SZ_EINVAL;
		for (uint32_t j = 0; j < i; j++) {
			if (strcmp(account->certs[j].serial, line->serial) == 0) return SZ_EINVAL;
		}
		if (green_add(certified_mwh_milli, line->mwh_milli, &certified_mwh_milli) != SZ_OK)
			return SZ_EINVAL;
	}
	/* Every green MWh is backed by certificates, and certificates by green MWh. */
	if (certified_mwh_milli != account->green_power_mwh_milli) return SZ_EINVAL;
	return SZ_OK;
}

int green_summary_compute(int64_t scope1_g, int64_t scope2_g, int64_t value_added_fen,
                          int64_t previous_total_g, int has_previous, green_summary *out)
{
	SZ_ASSERT(out != NULL);
	memset(out, 0, sizeof *out);
	if (scope1_g < 0 || scope2_g < 0 || value_added_fen < 0 || previous_total_g < 0)
		return SZ_EINVAL;
	int status = green_add(scope1_g, scope2_g, &out->total_g);
	if (status != SZ_OK) return status;
	if (value_added_fen > 0) {
		/* g per ¥10k = total_g * 1,000,000 fen / value_added_fen */
		green_i128 num = (green_i128)out->total_g * 1000000;
		status = green_div_round(num, value_added_fen, &out->intensity_g_per_10k_yuan);
		if (status != SZ_OK) return status;
		/* t e4 per ¥10k = total_g / 10^6 * 10^4 * 10^6 / value_added_fen */
		num = (green_i128)out->total_g * 10000;
		status = green_div_round(num, value_added_fen, &out->intensity_t_per_10k_yuan_e4);
		if (status != SZ_OK) return status;
		out->result_flags |= GREEN_RESULT_HAS_INTENSITY;
	}
	if (has_previous && previous_total_g > 0) {
		int64_t change_g;
		status = green_sub(out->total_g, previous_total_g, &change_g);
		if (status != SZ_OK) return status;
		status = green_div_round((green_i128)change_g * 10000, previous_total_g,
		                         &out->yoy_change_bp);
		if (status != SZ_OK) return status;
		out->result_flags |= GREEN_RESULT_HAS_YOY;
	}
	SZ_ASSERT(out->total_g >= scope1_g);
	return SZ_OK;
}

int green_account_compute(const green_account *account, const green_factor_set *set,
                          const green_region_map *map, green_account_result *out)
{
	SZ_ASSERT(account != NULL && set != NULL);
	SZ_ASSERT(map != NULL && out != NULL);
	memset(out, 0, sizeof *out);
	int status = green_account_validate(account);
	if (status != SZ_OK) return status;
	out->enterprise_id = account->enterprise_id;
	out->period_year = account->period_year;
	SZ_ASSERT(strlen(set->version) < sizeof out->factor_version);
	memcpy(out->factor_version, set->version, sizeof out->factor_version);
	out->factor_digest = set->digest;

	/* Scope 1: fuel lines. */
	for (uint32_t i = 0; i < account->fuel_count; i++) {
		const green_fuel_line *line = &account->fuels[i];
		green_fuel_result fuel;
		status = green_fuel_emissions(set, line->fuel, line->tier, account->gwp,
		                              line->activity_micro, &fuel);
		if (status != SZ_OK) goto fail;
		out->fuel_co2e_g[i] = fuel.co2e_g;
		out->fuel_tier[i] = fuel.tier;
		out->flags |= fuel.flags;
		status = green_add(out->scope1_g, fuel.co2e_g, &out->scope1_g);
		if (status != SZ_OK) goto fail;
	}

	/* Scope 2: electricity (location and market based) and heat. */
	if (account->electricity_mwh_milli > 0) {
		status = green_grid_factor(set, map, account->grid_series, account->province,
		                           account->period_year, &out->grid_factor);
		if (status != SZ_OK) goto fail;
		out->flags |= out->grid_factor.flags;
		status = green_electricity_emissions(&out->grid_factor, account->electricity_mwh_milli,
		                                     &out->electricity_location_g);
		if (status != SZ_OK) goto fail;
		status = green_grid_factor(set, map, GREEN_GRID_EXCL_MARKET_NONFOSSIL, account->province,
		                           account->period_year, &out->residual_factor);
		if (status != SZ_OK) goto fail;
		out->residual_factor.flags |= GREEN_FLAG_RESIDUAL_MIX;
		out->flags |= GREEN_FLAG_RESIDUAL_MIX;
		int64_t grey_mwh_milli = account->electricity_mwh_milli - account->green_power_mwh_milli;
		SZ_ASSERT(grey_mwh_milli >= 0);
		status = green_electricity_emissions(&out->residual_factor, grey_mwh_milli,
		                                     &out->electricity_market_g);
		if (status != SZ_OK) goto fail;
	}
	if (account->heat_gj_milli > 0) {
		status = green_heat_factor(set, &out->heat_factor);
		if (status != SZ_OK) goto fail;
		status = green_heat_emissions(&out->heat_factor, account->heat_gj_milli, &out->heat_g);
		if (status != SZ_OK) goto fail;
	}
	status = green_add(out->electricity_location_g, out->heat_g, &out->scope2_location_g);
	if (status != SZ_OK) goto fail;
	status = green_add(out->electricity_market_g, out->heat_g, &out->scope2_market_g);
	if (status != SZ_OK) goto fail;
	status = green_add(out->scope1_g, out->scope2_market_g, &out->total_market_g);
	if (status != SZ_OK) goto fail;
	status = green_summary_compute(out->scope1_g, out->scope2_location_g, account->value_added_fen,
	                               account->previous_total_g,
	                               (account->flags & GREEN_ACCOUNT_HAS_PREVIOUS) != 0, &out->summary);
	if (status != SZ_OK) goto fail;
	return SZ_OK;
fail:
	SZ_ASSERT(status < 0);
	memset(out, 0, sizeof *out);
	return status;
}

int green_restate(const green_account *account, const green_account_result *stored,
                  const green_factor_set *newer, const green_region_map *map,
                  green_restatement *out)
{
	SZ_ASSERT(account != NULL && stored != NULL);
	SZ_ASSERT(newer != NULL && map != NULL && out != NULL);
	if (!sz_id_eq(account->enterprise_id, stored->enterprise_id) ||
	    account->period_year != stored->period_year)
		return SZ_EINVAL;
	if (stored->factor_digest == newer->digest &&
	    strncmp(stored->factor_version, newer->version, sizeof stored->factor_version) == 0)
		return SZ_EINVAL;
	green_restatement restatement;
	memset(&restatement, 0, sizeof restatement);
	restatement.before = *stored;
	int status = green_account_compute(account, newer, map, &restatement.after);
	if (status != SZ_OK) return status;
	const green_account_result *b = &restatement.before, *a = &restatement.after;
	status = green_sub(a->scope1_g, b->scope1_g, &restatement.delta_scope1_g);
	if (status == SZ_OK)
		status = green_sub(a->scope2_location_g, b->scope2_location_g, &restatement.delta_scope2_location_g);
	if (status == SZ_OK)
		status = green_sub(a->scope2_market_g, b->scope2_market_g, &restatement.delta_scope2_market_g);
	if (status == SZ_OK)
		status = green_sub(a->summary.total_g, b->summary.total_g, &restatement.delta_total_g);
	if (status != SZ_OK) return status;
	*out = restatement;
	return SZ_OK;
}

/* ---- store ------------------------------------------------------------- */

static uint32_t green__store_hash(sz_id enterprise_id, int32_t period_year)
{
	uint64_t hash = sz_mix64(enterprise_id.lo ^ (uint64_t)(uint32_t)period_year, enterprise_id.hi);
	return (uint32_t)(hash ^ (hash >> 32));
}

/* The slot holding (enterprise, year), or the empty slot where it would go. */
static uint32_t green__store_probe(const green_account_store *store, sz_id enterprise_id,
                                   int32_t period_year)
{
	SZ_ASSERT(store->slot_count > 0);
	SZ_ASSERT((store->slot_count & (store->slot_count - 1)) == 0);
	uint32_t mask = store->slot_count - 1;
	uint32_t slot = green__store_hash(enterprise_id, period_year) & mask;
	for (uint32_t probe = 0; probe < store->slot_count; probe++) {
		uint32_t entry = store->slots[slot];
		if (entry == 0) return slot;
		const green_account_result *result = &store->results[entry - 1];
		if (sz_id_eq(result->enterprise_id, enterprise_id) && result->period_year == period_year)
			return slot;
		slot = (slot + 1) & mask;
	}
	SZ_UNREACHABLE(); /* the table is never more than half full */
}

int green_account_store_init(green_account_store *store, uint32_t capacity,
                             uint32_t restatement_capacity)
{
	SZ_ASSERT(store != NULL);
	memset(store, 0, sizeof *store);
	if (capacity == 0 || capacity > GREEN_ACCOUNT_STORE_COUNT_MAX) return SZ_EINVAL;
	if (restatement_capacity > GREEN_RESTATEMENT_COUNT_MAX) return SZ_EINVAL;
	uint32_t slot_count = 1;
	while (slot_count < 2 * capacity) slot_count <<= 1;
	store->slots = calloc(slot_count, sizeof *store->slots);
	store->accounts = calloc(capacity, sizeof *store->accounts);
	store->results = calloc(capacity, sizeof *store->results);
	store->restatements = restatement_capacity
		? calloc(restatement_capacity, sizeof *store->restatements) : NULL;
	if (!store->slots || !store->accounts || !store->results ||
	    (restatement_capacity && !store->restatements)) {
		green_account_store_release(store);
		return SZ_ENOMEM;
	}
	store->capacity = capacity;
	store->slot_count = slot_count;
	store->restatement_capacity = restatement_capacity;
	SZ_ASSERT(store->slot_count >= 2 * store->capacity);
	return SZ_OK;
}

void green_account_store_release(green_account_store *store)
{
	SZ_ASSERT(store != NULL);
	free(store->slots);
	free(store->accounts);
	free(store->results);
	free(store->restatements);
	memset(store, 0, sizeof *store);
	SZ_ASSERT(store->count == 0);
}

int green_account_store_put(green_account_store *store, const green_account *account,
                            const green_account_result *result)
{
	SZ_ASSERT(store != NULL && store->slots != NULL);
	SZ_ASSERT(account != NULL && result != NULL);
	if (!sz_id_eq(account->enterprise_id, result->enterprise_id) ||
	    account->period_year != result->period_year)
		return SZ_EINVAL;
	uint32_t slot = green__store_probe(store, account->enterprise_id, account->period_year);
	if (store->slots[slot] != 0) return SZ_EEXIST;
	if (store->count == store->capacity) return SZ_ELIMIT;
	/* journalled (engine/journal.h): a rolled-back bracket removes it again */
	SZ_JOURNAL_FIELD(store->accounts[store->count]);
	SZ_JOURNAL_FIELD(store->results[store->count]);
	SZ_JOURNAL_FIELD(store->slots[slot]);
	SZ_JOURNAL_FIELD(store->count);
	store->accounts[store->count] = *account;
	store->results[store->count] = *result;
	store->count++;
	store->slots[slot] = store->count;
	SZ_ASSERT(store->count <= store->capacity);
	return SZ_OK;
}

const green_account_result *green_account_store_get(const green_account_store *store,
                                                    sz_id enterprise_id, int32_t period_year,
                                                    const green_account **account_out)
{
	SZ_ASSERT(store != NULL && store->slots != NULL);
	uint32_t entry = store->slots[green__store_probe(store, enterprise_id, period_year)];
	if (entry == 0) return NULL;
	SZ_ASSERT(entry <= store->count);
	if (account_out != NULL) *account_out = &store->accounts[entry - 1];
	return &store->results[entry - 1];
}

int green_account_store_restate(green_account_store *store, sz_id enterprise_id,
                                int32_t period_year, const green_factor_set *newer,
                                const green_region_map *map, green_restatement *out)
{
	SZ_ASSERT(store != NULL && newer != NULL);
	SZ_ASSERT(map != NULL && out != NULL);
	const green_account *account = NULL;
	const green_account_result *stored = green_account_store_get(store, enterprise_id,
	                                                             period_year, &account);
	if (stored == NULL) return SZ_ENOTFOUND;
	if (store->restatement_count == store->restatement_capacity) return SZ_ELIMIT;
	green_restatement restatement;
	int status = green_restate(account, stored, newer, map, &restatement);
	if (status != SZ_OK) return status;
	SZ_JOURNAL_FIELD(store->restatements[store->restatement_count]);
	SZ_JOURNAL_FIELD(store->restatement_count);
	store->restatements[store->restatement_count++] = restatement;
	*out = restatement;
	return SZ_OK;
}
