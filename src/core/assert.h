/*
 * assert.h — always-on assertions for szfin.
 *
 * Owns: SZ_ASSERT, which stays enabled in release builds. An assertion states
 * something that can only be false through a programmer error (never through
 * bad input: bad input is an error value). A failed assertion prints where and
 * aborts, because continuing with a broken invariant could acknowledge a wrong
 * ledger state.
 */
#ifndef SZ_CORE_ASSERT_H
#define SZ_CORE_ASSERT_H

#include <stdio.h>
#include <stdlib.h>

_Noreturn void sz_assert_fail(const char *expr, const char *file, int line);

#define SZ_ASSERT(expr) \
	((expr) ? (void)0 : sz_assert_fail(#expr, __FILE__, __LINE__))

#define SZ_UNREACHABLE() sz_assert_fail("unreachable", __FILE__, __LINE__)

#endif
