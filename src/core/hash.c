/* hash.c — libsodium-backed hashes and the 64-bit fingerprint. */
#include "core/hash.h"
#include "core/assert.h"

#include <sodium.h>
#include <string.h>

int sz_hash_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void sz_sha256(uint8_t out[SZ_HASH_SIZE], const void *data, size_t size)
{
	crypto_hash_sha256(out, data, size);
}

void sz_blake2b(uint8_t out[SZ_HASH_SIZE], const void *data, size_t size)
{
	int rc = crypto_generichash(out, SZ_HASH_SIZE, data, size, NULL, 0);
	SZ_ASSERT(rc == 0);
}

void sz_hash_hex(char out[2 * SZ_HASH_SIZE + 1], const uint8_t hash[SZ_HASH_SIZE])
{
	sodium_bin2hex(out, 2 * SZ_HASH_SIZE + 1, hash, SZ_HASH_SIZE);
}

uint64_t sz_fingerprint64(const void *data, size_t size)
{
	SZ_ASSERT(size % 8 == 0);
	const uint8_t *p = data;
	/* Two independent multiply-xor lanes, mixed at the end: one multiply per
	 * word instead of a full mix. Detects changed fields; not a MAC. */
	uint64_t a = 0x243f6a8885a308d3ull ^ size, b = 0x13198a2e03707344ull;
	for (size_t i = 0; i < size; i += 16) {
		uint64_t w0, w1 = 0;
		memcpy(&w0, p + i, 8);
		if (i + 8 < size)
			memcpy(&w1, p + i + 8, 8);
		a = (a ^ w0) * 0x9e3779b97f4a7c15ull;
		b = (b ^ w1) * 0xc2b2ae3d27d4eb4full;
		a ^= a >> 29;
		b ^= b >> 31;
	}
	return sz_mix64(a, b);
}
