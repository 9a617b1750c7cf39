/*
 * hash.h — hashing used by the log, snapshots, indexes and fingerprints.
 *
 * Owns: SHA-256 (hash chain of batch headers; what auditors recompute),
 * BLAKE2b-256 (batch bodies and snapshots: fast over megabytes), and a
 * 64-bit non-cryptographic mix for hash tables and field fingerprints.
 * Cryptographic primitives come from libsodium; sz_hash_init must run once
 * before any of them (it calls sodium_init).
 */
#ifndef SZ_CORE_HASH_H
#define SZ_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define SZ_HASH_SIZE 32u

int sz_hash_init(void);
void sz_sha256(uint8_t out[SZ_HASH_SIZE], const void *data, size_t size);
void sz_blake2b(uint8_t out[SZ_HASH_SIZE], const void *data, size_t size);

/* Hex of a 32-byte hash into out (65 bytes with the terminator). */
void sz_hash_hex(char out[2 * SZ_HASH_SIZE + 1], const uint8_t hash[SZ_HASH_SIZE]);

/* 64-bit mixing of two words (for 128-bit ids in hash tables). */
static inline uint64_t sz_mix64(uint64_t lo, uint64_t hi)
{
	uint64_t x = lo ^ (hi * 0x9e3779b97f4a7c15ull);
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

/* 64-bit fingerprint of size bytes (size a multiple of 8): detects a
 * resubmitted id with different fields without keeping the fields. */
uint64_t sz_fingerprint64(const void *data, size_t size);

#endif
