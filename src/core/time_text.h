/*
 * time_text.h — times as text for people and for the API's readers.
 *
 * Owns: RFC 3339 in UTC to the nanosecond ("2026-12-02T10:04:09.123456789Z")
 * of a time in nanoseconds since 1970. Never used in apply (it reads the C
 * library's calendar): the API's answers and the CLI's tables.
 */
#ifndef SZ_CORE_TIME_TEXT_H
#define SZ_CORE_TIME_TEXT_H

#include <stdint.h>

/* "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" and its NUL, with room for 5-digit years. */
#define SZ_TIME_RFC3339_SIZE 40u

/* Write ns as RFC 3339 UTC with nine fraction digits; 0, or -1 if the
 * calendar cannot represent it (out is then empty). */
int sz_time_rfc3339(uint64_t ns, char out[SZ_TIME_RFC3339_SIZE]);

#endif
