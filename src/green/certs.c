/*
 * certs.c — the claim-once registry of green-power certificate serials: an
 * open-addressing table (linear probing, never more than half full, no
 * deletion) keyed by the serial's FNV-1a hash. See certs.h for the rules.
 */
#include "green/certs.h"

#include <stdlib.h>
#include <string.h>

#include "engine/journal.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"
#include "green/fixed.h"

static int green__serial_valid(const char *serial)
{
	SZ_ASSERT(serial != NULL);
	size_t length = strnlen(serial, GREEN_SERIAL_SIZE);
	if (length == 0 || length == GREEN_SERIAL_SIZE) return 0;
	for (size_t i = 0; i < length; i++) {
		if (serial[i] <= 0x20 || serial[i] >= 0x7f) return 0;
	}
	return 1;
}

/* The slot holding serial, or the empty slot where it would go. */
static uint32_t green__probe(const green_cert_registry *registry, const char *serial)
{
	SZ_ASSERT(registry->slot_count > 0);
	SZ_ASSERT(registry->count < registry->slot_count);
	uint32_t mask = registry->slot_count - 1;
	uint64_t hash = green_fnv1a(GREEN_FNV_OFFSET, serial, strlen(serial));
	uint32_t slot = (uint32_t)(hash ^ (hash >> 32)) & mask;
	for (uint32_t probe = 0; probe < registry->slot_count; probe++) {
		const green_cert_claim *claim = &registry->slots[slot];
		if (claim->serial[0] == '\0' || strcmp(claim->serial, serial) == 0) return slot;
		slot = (slot + 1) & mask;
	}
	SZ_UNREACHABLE();
}

int green_cert_registry_init(green_cert_registry *registry, uint32_t capacity)
{
	SZ_ASSERT(registry != NULL);
	memset(registry, 0, sizeof *registry);
	if (capacity == 0 || capacity > GREEN_CERT_CLAIM_COUNT_MAX) return SZ_EINVAL;
	uint32_t slot_count = 1;
	while (slot_count < 2 * capacity) slot_count <<= 1;
	registry->slots = calloc(slot_count, sizeof *registry->slots);
	if (registry->slots == NULL) return SZ_ENOMEM;
	registry->capacity = capacity;
	registry->slot_count = slot_count;
	SZ_ASSERT(registry->slot_count >= 2 * registry->capacity);
	return SZ_OK;
}

void green_cert_registry_release(green_cert_registry *registry)
{
	SZ_ASSERT(registry != NULL);
	free(registry->slots);
	memset(registry, 0, sizeof *registry);
	SZ_ASSERT(registry->slots == NULL);
}

const green_cert_claim *green_cert_registry_find(const green_cert_registry *registry,
                                                 const char *serial)
{
	SZ_ASSERT(registry != NULL && registry->slots != NULL);
	SZ_ASSERT(serial != NULL);
	if (!green__serial_valid(serial)) return NULL;
	const green_cert_claim *claim = &registry->slots[green__probe(registry, serial)];
	return claim->serial[0] == '\0' ? NULL : claim;
}

int green_cert_registry_claim(green_cert_registry *registry, const char *serial,
                              sz_id enterprise_id, int32_t period_year, green_cert_claim *prior)
{
	SZ_ASSERT(registry != NULL && registry->slots != NULL);
	SZ_ASSERT(serial != NULL);
	if (!green__serial_valid(serial) || sz_id_is_zero(enterprise_id)) return SZ_EINVAL;
	green_cert_claim *claim = &registry->slots[green__probe(registry, serial)];
	if (claim->serial[0] != '\0') {
		if (prior != NULL) *prior = *claim;
		return SZ_EEXIST;
	}
	if (registry->count == registry->capacity) return SZ_ELIMIT;
	SZ_JOURNAL_FIELD(*claim); /* journalled (engine/journal.h) */
	SZ_JOURNAL_FIELD(registry->count);
	memset(claim, 0, sizeof *claim);
	memcpy(claim->serial, serial, strlen(serial));
	claim->enterprise_id = enterprise_id;
	claim->period_year = period_year;
	registry->count++;
	SZ_ASSERT(registry->count <= registry->capacity);
	return SZ_OK;
}

int green_cert_registry_claim_account(green_cert_registry *registry, const green_account *account,
                                      green_cert_claim *prior)
{
	SZ_ASSERT(registry != NULL && registry->slots != NULL);
	SZ_ASSERT(account != NULL);
	if (green_account_validate(account) != SZ_OK) return SZ_EINVAL;
	/* Check everything first (validate() rejected duplicates within the
	 * account), then claim: all or nothing. */
	for (uint32_t i = 0; i < account->cert_count; i++) {
		const green_cert_claim *claim = green_cert_registry_find(registry, account->certs[i].serial);
		if (claim != NULL) {
			if (prior != NULL) *prior = *claim;
			return SZ_EEXIST;
		}
	}
	if (registry->capacity - registry->count < account->cert_count) return SZ_ELIMIT;
	for (uint32_t i = 0; i < account->cert_count; i++) {
		int status = green_cert_registry_claim(registry, account->certs[i].serial,
		                                       account->enterprise_id, account->period_year, NULL);
		SZ_ASSERT(status == SZ_OK);
	}
	return SZ_OK;
}
