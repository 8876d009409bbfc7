/* hamr_time: clock readers and the seconds parser shared by conf and cli. */
#include "common/hamr_time.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

static usec_t read_clock(clockid_t id)
{
        struct timespec ts;
        clock_gettime(id, &ts);
        return (usec_t)ts.tv_sec * USEC_PER_SEC + (usec_t)ts.tv_nsec / 1000;
}

usec_t now_usec(void)
{
        return read_clock(CLOCK_MONOTONIC);
}

usec_t realtime_usec(void)
{
        return read_clock(CLOCK_REALTIME);
}

int parse_seconds(const char *s, usec_t *ret_usec)
{
        char *end;
        double v;

        if (!s || !*s)
                return -EINVAL;
        errno = 0;
        v = strtod(s, &end);
        if (errno || *end || !isfinite(v) || v < 0 || v > 1e6)
                return -EINVAL;
        *ret_usec = (usec_t)llround(v * 1e6);
        return 0;
}
