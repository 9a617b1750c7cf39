/*
 * offline.c — encoding, decoding, signing and verifying offline payment
 * messages (layout in offline.h). Byte-level little-endian encoding so the
 * format does not depend on the host.
 */
#include "currency/offline.h"
#include "currency/currency.h"
#include "core/assert.h"

#include <sodium.h>
#include <string.h>

static void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t get_u16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

void currency_offline_sign(const struct offline_payment *p, const uint8_t secret_key[64],
			   uint8_t out[OFFLINE_MESSAGE_SIZE])
{
	memset(out, 0, OFFLINE_MESSAGE_SIZE);
	put_u32(out + 0, OFFLINE_MAGIC);
	put_u16(out + 4, OFFLINE_VERSION);
	put_u64(out + 8, p->device_id.lo);
	put_u64(out + 16, p->device_id.hi);
	put_u64(out + 24, p->payee_id.lo);
	put_u64(out + 32, p->payee_id.hi);
	put_u64(out + 40, p->amount);
	put_u64(out + 48, p->counter);
	put_u64(out + 56, p->device_time_ns);
	put_u32(out + 64, p->currency);
	int rc = crypto_sign_detached(out + OFFLINE_SIGNED_SIZE, NULL, out, OFFLINE_SIGNED_SIZE, secret_key);
	SZ_ASSERT(rc == 0);
}

uint32_t currency_offline_decode(const uint8_t msg[OFFLINE_MESSAGE_SIZE], struct offline_payment *out)
{
	memset(out, 0, sizeof *out);
	if (get_u32(msg) != OFFLINE_MAGIC || get_u16(msg + 4) != OFFLINE_VERSION)
		return CURRENCY_R_OFFLINE_MALFORMED;
	if (get_u16(msg + 6) != 0 || get_u32(msg + 68) != 0)
		return CURRENCY_R_OFFLINE_MALFORMED;
	out->device_id = sz_id_make(get_u64(msg + 16), get_u64(msg + 8));
	out->payee_id = sz_id_make(get_u64(msg + 32), get_u64(msg + 24));
	out->amount = get_u64(msg + 40);
	out->counter = get_u64(msg + 48);
	out->device_time_ns = get_u64(msg + 56);
	out->currency = get_u32(msg + 64);
	if (out->amount == 0 || out->counter == 0)
		return CURRENCY_R_OFFLINE_MALFORMED;
	return 0;
}

uint32_t currency_offline_verify(const uint8_t msg[OFFLINE_MESSAGE_SIZE], const uint8_t public_key[32])
{
	if (crypto_sign_verify_detached(msg + OFFLINE_SIGNED_SIZE, msg, OFFLINE_SIGNED_SIZE, public_key) != 0)
		return CURRENCY_R_OFFLINE_BAD_SIGNATURE;
	return 0;
}

void currency_offline_keypair(uint8_t public_key[32], uint8_t secret_key[64])
{
	int rc = crypto_sign_keypair(public_key, secret_key);
	SZ_ASSERT(rc == 0);
}
