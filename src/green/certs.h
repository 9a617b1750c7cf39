/*
 * certs.h — the green-power certificate claim registry: a certificate serial
 * can be claimed once only, by one enterprise for one period.
 *
 * Owns: the set of claimed serials (fixed capacity chosen at init, at most
 * GREEN_CERT_CLAIM_COUNT_MAX), who claimed each, and the all-or-nothing claim
 * of every certificate line of a carbon account. The engine claims an
 * account's certificates before it stores the account's result, so green
 * power can never be counted twice across enterprises or periods.
 * Never: release or transfer a claim (a retired certificate stays retired),
 * or claim part of an account's lines when another line is already taken.
 */
#ifndef SZ_GREEN_CERTS_H
#define SZ_GREEN_CERTS_H

#include <stdint.h>

#include "szfin/szfin.h"
#include "green/account.h"

/* One claim. 64 bytes. */
typedef struct green_cert_claim {
	char serial[GREEN_SERIAL_SIZE];
	sz_id enterprise_id;
	int32_t period_year;
	uint32_t reserved;
} green_cert_claim;
_Static_assert(sizeof(green_cert_claim) == 64, "green_cert_claim is 64 bytes, no padding");

typedef struct green_cert_registry {
	uint32_t capacity;
	uint32_t count;
	uint32_t slot_count;  /* power of two >= 2 * capacity */
	uint32_t reserved;
	green_cert_claim *slots; /* serial[0] == '\0' marks an empty slot */
} green_cert_registry;

/* 0, SZ_EINVAL (capacity 0 or over GREEN_CERT_CLAIM_COUNT_MAX), SZ_ENOMEM. */
int green_cert_registry_init(green_cert_registry *registry, uint32_t capacity);
void green_cert_registry_release(green_cert_registry *registry);

/* The claim of serial, or NULL if unclaimed. */
const green_cert_claim *green_cert_registry_find(const green_cert_registry *registry,
                                                 const char *serial);

/*
 * Claims one serial (1..39 printable ASCII bytes). SZ_EEXIST if it was
 * claimed before (by anyone, even the same enterprise: *prior, if not NULL,
 * receives the earlier claim), SZ_ELIMIT when the registry is full,
 * SZ_EINVAL for a malformed serial.
 */
int green_cert_registry_claim(green_cert_registry *registry, const char *serial,
                              sz_id enterprise_id, int32_t period_year, green_cert_claim *prior);

/*
 * Claims every certificate line of account, all or nothing: if any serial is
 * taken (SZ_EEXIST, *prior receives that claim) or the registry lacks room
 * for all (SZ_ELIMIT), nothing is claimed. SZ_EINVAL for an invalid account.
 */
int green_cert_registry_claim_account(green_cert_registry *registry, const green_account *account,
                                      green_cert_claim *prior);

#endif
