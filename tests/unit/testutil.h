/*
 * testutil.h — helpers shared by szfin's C tests: building commands,
 * temporary data directories, and cmocka includes in the right order.
 */
#ifndef SZ_TESTUTIL_H
#define SZ_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "szfin/szfin.h"

#define CNY sz_currency_code("CNY")
#define USD sz_currency_code("USD")

static inline sz_account tu_account(uint64_t id, uint32_t currency, uint16_t flags)
{
	sz_account a;
	memset(&a, 0, sizeof a);
	a.id = sz_id_make(0, id);
	a.currency = currency;
	a.flags = flags;
	a.kind = SZ_KIND_GENERAL;
	return a;
}

static inline sz_transfer tu_transfer(uint64_t id, uint64_t debit, uint64_t credit, uint64_t amount, uint16_t flags)
{
	sz_transfer t;
	memset(&t, 0, sizeof t);
	t.id = sz_id_make(0, id);
	t.debit_account_id = sz_id_make(0, debit);
	t.credit_account_id = sz_id_make(0, credit);
	t.amount = amount;
	t.currency = CNY;
	t.flags = flags;
	return t;
}

/* Append one command (header + body) to buf at *size. */
static inline void tu_append(uint8_t *buf, uint32_t *size, uint16_t kind, const void *body, uint32_t body_size)
{
	sz_command_header h = { .size = (uint32_t)sizeof h + body_size, .kind = kind };
	memcpy(buf + *size, &h, sizeof h);
	memcpy(buf + *size + sizeof h, body, body_size);
	*size += h.size;
}

/* A fresh temporary directory; the caller removes it with tu_rmdir. */
static inline void tu_tmpdir(char *out, size_t size)
{
	snprintf(out, size, "/tmp/szfin-test-XXXXXX");
	if (mkdtemp(out) == NULL)
		abort();
}

static inline void tu_rmdir(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

#endif
