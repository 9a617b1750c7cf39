/*
 * fuzz_event_cursor.c — libFuzzer harness for the event stream's cursor
 * parser (Last-Event-ID and ?after= of GET /v1/events, api/events.h).
 *
 * Properties checked: the parser never reads past size; whatever it accepts
 * lies within the counts it was given, and its canonical text ("%u.%u")
 * parses back to the same cursor.
 */
#include "api/events.h"
#include "core/assert.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t limits[][2] = { { 0, 0 }, { 7, 3 }, { UINT32_MAX, UINT32_MAX } };
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		uint32_t a = 0, t = 0;
		if (api_events_cursor_parse((const char *)data, size, limits[i][0], limits[i][1], &a, &t) != 0)
			continue;
		SZ_ASSERT(a <= limits[i][0]);
		SZ_ASSERT(t <= limits[i][1]);
		char text[32];
		int n = snprintf(text, sizeof text, "%u.%u", a, t);
		uint32_t a2 = ~a, t2 = ~t;
		SZ_ASSERT(api_events_cursor_parse(text, (size_t)n, limits[i][0], limits[i][1], &a2, &t2) == 0);
		SZ_ASSERT(a2 == a && t2 == t);
	}
	return 0;
}
