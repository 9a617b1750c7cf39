/* time_text.c — RFC 3339 text of a time (time_text.h). */
#include "core/time_text.h"
#include "core/assert.h"

#include <stdio.h>
#include <time.h>

int sz_time_rfc3339(uint64_t ns, char out[SZ_TIME_RFC3339_SIZE])
{
	SZ_ASSERT(out != NULL);
	time_t seconds = (time_t)(ns / 1000000000ull);
	struct tm tm;
	char date[32];
	out[0] = '\0';
	if (gmtime_r(&seconds, &tm) == NULL || strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return -1;
	int n = snprintf(out, SZ_TIME_RFC3339_SIZE, "%s.%09lluZ", date, (unsigned long long)(ns % 1000000000ull));
	SZ_ASSERT(n > 0 && (unsigned)n < SZ_TIME_RFC3339_SIZE);
	return 0;
}
