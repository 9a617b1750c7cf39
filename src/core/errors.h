/*
 * errors.h — system-level status codes shared by every module.
 *
 * Owns: the SZ_E* codes (negative ints) returned by functions that can fail for
 * reasons other than a business rule: I/O, corruption, exhausted limits, bad
 * arguments. Business rejections (e.g. "exceeds balance") are result codes of
 * a command (see include/szfin/szfin.h), not SZ_E* codes.
 * Never: use errno values directly across module boundaries.
 */
#ifndef SZ_CORE_ERRORS_H
#define SZ_CORE_ERRORS_H

enum sz_error {
	SZ_OK = 0,
	SZ_EIO = -1,        /* read/write/fsync failed */
	SZ_ECORRUPT = -2,   /* checksum, hash chain or structure mismatch */
	SZ_ENOMEM = -3,     /* allocation failed */
	SZ_ELIMIT = -4,     /* a named limit in limits.h was reached */
	SZ_EINVAL = -5,     /* malformed input or argument */
	SZ_ENOTFOUND = -6,  /* requested object does not exist */
	SZ_EEXIST = -7,     /* object already exists */
	SZ_ESTATE = -8,     /* operation not allowed in the current state */
	SZ_EDENIED = -9,    /* not authorised */
	SZ_EVERSION = -10,  /* unsupported format version */
	SZ_EFATAL = -11,    /* engine stopped after an I/O failure */
	SZ_EBUSY = -12,     /* all buffers in flight: poll, then retry */
	SZ_ELINKED = -13,   /* a submission's last command links beyond it */
};

const char *sz_strerror(int status);

#endif
