/* hamr_log: writes "time ident level subsys: message" lines to stderr. */
#include "common/hamr_log.h"
#include "common/hamr_time.h"

#include <stdio.h>
#include <string.h>

static enum log_level cur_level = LOG_LVL_INFO;
static char ident[32] = "hamr";

void hamr_log_set_level(enum log_level lvl)
{
        cur_level = lvl;
}

void hamr_log_set_ident(const char *s)
{
        snprintf(ident, sizeof(ident), "%s", s);
}

void hamr_log(enum log_level lvl, const char *subsys, const char *fmt, ...)
{
        static const char *names[] = {"ERR", "WARN", "INFO", "DEBUG"};
        char msg[1024];
        va_list ap;
        usec_t t;

        if (lvl > cur_level)
                return;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        t = realtime_usec();
        fprintf(stderr, "%llu.%06llu %s %s %s: %s\n", (unsigned long long)(t / USEC_PER_SEC),
                (unsigned long long)(t % USEC_PER_SEC), ident, names[lvl], subsys, msg);
        fflush(stderr);
}
