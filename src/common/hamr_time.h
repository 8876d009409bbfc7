/* hamr_time: the one internal time type (microseconds) and clock readers. */
#pragma once
#include <stdint.h>

typedef uint64_t usec_t;

#define USEC_PER_MSEC 1000ULL
#define USEC_PER_SEC  1000000ULL
#define USEC_INFINITY UINT64_MAX

/* Monotonic clock: every timeout and deadline uses this. */
usec_t now_usec(void);
/* Wall clock, for display and logs only. */
usec_t realtime_usec(void);
/* Seconds with fraction ("1.5") -> usec. Returns 0 or -EINVAL. */
int parse_seconds(const char *s, usec_t *ret_usec);
