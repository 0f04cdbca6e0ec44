/* util/time.h: timestamps as int64 nanoseconds since the Unix epoch, UTC.
 * Parses every form of dumps.md and cli.md; formats RFC 3339. No time zones
 * other than numeric offsets, no locale, no libc time zone state. */
#ifndef SP_TIME_H
#define SP_TIME_H

#include <stddef.h>
#include <stdint.h>

enum sp_time_flags {
    SP_TIME_EPOCH_MS = 1,   /* accept a bare integer as epoch milliseconds */
    SP_TIME_END_OF_DAY = 2, /* a date alone means its last nanosecond */
};

/* Parses `len` bytes of `s`:
 *   2026-01-15
 *   2026-01-15T10:00:00 / 2026-01-15 10:00:00 (T, t or one space)
 *   with 0-9 fraction digits after a '.', then optionally Z/z or an
 *   offset ±HH:MM, ±HHMM, ±HH (no offset = UTC);
 *   with SP_TIME_EPOCH_MS: an optional '-' and digits, epoch milliseconds.
 * Rejects out-of-range fields (month 13, Feb 30, hour 24, offset > 18h) and
 * values outside int64 nanoseconds. Returns 0 and sets *ns, or -1. */
int sp_time_parse(const char *s, size_t len, int flags, int64_t *ns);

/* Writes "2026-01-15T10:00:00.123000000Z" (always 9 fraction digits) into
 * out, which must hold SP_TIME_RFC3339_LEN bytes. */
#define SP_TIME_RFC3339_LEN 40
void sp_time_format_rfc3339(int64_t ns, char *out);

/* Current wall-clock time in nanoseconds since the epoch. */
int64_t sp_time_now_ns(void);

#endif
