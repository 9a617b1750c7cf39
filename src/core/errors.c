/* errors.c — text for the SZ_E* codes and the assertion failure path. */
#include "core/errors.h"
#include "core/assert.h"

const char *sz_strerror(int status)
{
	switch (status) {
	case SZ_OK: return "ok";
	case SZ_EIO: return "input/output error";
	case SZ_ECORRUPT: return "data is corrupt";
	case SZ_ENOMEM: return "out of memory";
	case SZ_ELIMIT: return "limit reached";
	case SZ_EINVAL: return "invalid argument";
	case SZ_ENOTFOUND: return "not found";
	case SZ_EEXIST: return "already exists";
	case SZ_ESTATE: return "not allowed in this state";
	case SZ_EDENIED: return "permission denied";
	case SZ_EVERSION: return "unsupported format version";
	case SZ_EFATAL: return "engine stopped after a durability failure";
	case SZ_EBUSY: return "busy: batch pipeline full";
	case SZ_ELINKED: return "the last command of a submission may not be linked";
	}
	return "unknown error";
}

_Noreturn void sz_assert_fail(const char *expr, const char *file, int line)
{
	fprintf(stderr, "szfin: assertion failed: %s at %s:%d\n", expr, file, line);
	fflush(stderr);
	abort();
}
