/*
 * offline.h — offline payment messages of hard wallets: layout, signing,
 * decoding and verification.
 *
 * Owns: the 136-byte message format below, currency_offline_sign (what a
 * device, a test or a future device SDK calls) and the decoder/verifier the
 * sync command uses inside the engine (pure functions: deterministic).
 *
 * Message layout (all integers little-endian, no padding):
 *    0  u32  magic 0x314f5a53 ("SZO1")
 *    4  u16  version (1)
 *    6  u16  reserved (0)
 *    8  u8[16] payer device id (sz_id: lo, hi)
 *   24  u8[16] payee wallet id (sz_id: lo, hi)
 *   40  u64  amount in minor units (non-zero)
 *   48  u64  counter (monotonic per device, first payment = 1)
 *   56  u64  device time, ns since the epoch (informational: the device clock
 *            is not trusted; limits use the sync's batch time)
 *   64  u32  currency (ISO 4217 letters packed as in szfin.h)
 *   68  u32  reserved (0)
 *   72  u8[64] Ed25519 signature (crypto_sign_detached) over bytes 0..71
 * A reader checks magic, version and reserved fields, then the signature
 * with the device's registered public key; nothing else is trusted.
 * Never: accept a message whose signature was not verified.
 */
#ifndef SZ_CURRENCY_OFFLINE_H
#define SZ_CURRENCY_OFFLINE_H

#include "szfin/szfin.h"

#include <stddef.h>
#include <stdint.h>

#define OFFLINE_MAGIC 0x314f5a53u
#define OFFLINE_VERSION 1u
#define OFFLINE_SIGNED_SIZE 72u
#define OFFLINE_MESSAGE_SIZE 136u

struct offline_payment {
	sz_id device_id;
	sz_id payee_id;
	uint64_t amount;
	uint64_t counter;
	uint64_t device_time_ns;
	uint32_t currency;
};

/* Encode p and sign it with the device's 64-byte libsodium secret key. */
void currency_offline_sign(const struct offline_payment *p, const uint8_t secret_key[64],
			   uint8_t out[OFFLINE_MESSAGE_SIZE]);

/* Decode the fields of a message; returns 0 or CURRENCY_R_OFFLINE_MALFORMED
 * (magic, version, reserved bytes, zero amount). Does not verify. */
uint32_t currency_offline_decode(const uint8_t msg[OFFLINE_MESSAGE_SIZE], struct offline_payment *out);

/* 0 if the signature verifies with public_key, else CURRENCY_R_OFFLINE_BAD_SIGNATURE. */
uint32_t currency_offline_verify(const uint8_t msg[OFFLINE_MESSAGE_SIZE], const uint8_t public_key[32]);

/* A fresh device key pair (libsodium; randomness: never inside the engine). */
void currency_offline_keypair(uint8_t public_key[32], uint8_t secret_key[64]);

#endif
