/* Time helpers: monotonic microseconds for durations, wall-clock for log lines. */
#ifndef LGVO_UTIL_CLOCK_H
#define LGVO_UTIL_CLOCK_H

#include <stddef.h>
#include <stdint.h>

int64_t clock_mono_us(void);
int64_t clock_wall_us(void);
/* Writes an RFC 3339 UTC timestamp with milliseconds ("2026-12-02T14:45:35.123Z") into out. */
void clock_format_rfc3339(int64_t wall_us, char *out, size_t outlen);

#endif
