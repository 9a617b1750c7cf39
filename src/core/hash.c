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
	uint64_t h = 0x243f6a8885a308d3ull ^ size;
	for (size_t i = 0; i < size; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = sz_mix64(h ^ w, h + i);
	}
	return h;
}
