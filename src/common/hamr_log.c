/* hamr_log: writes "time ident level subsys: message" lines to stderr, and says where they go. */
#include "common/hamr_log.h"
#include "common/hamr_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
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

/* Where the log (stderr) goes, for clmgr view log hamrd: the
 * file's absolute path when stderr is a regular file (hamrd 2>>FILE, the
 * lab), "journal" when it is systemd's journal stream (JOURNAL_STREAM names
 * stderr's device and inode), else "" (a terminal or pipe: not kept). */
void hamr_log_target(char *buf, size_t len)
{
        const char *js = getenv("JOURNAL_STREAM");
        struct stat st;
        ssize_t n;

        buf[0] = '\0';
        if (fstat(STDERR_FILENO, &st) < 0)
                return;
        if (S_ISREG(st.st_mode)) {
                n = readlink("/proc/self/fd/2", buf, len - 1);
                buf[n > 0 && buf[0] == '/' ? n : 0] = '\0';
                return;
        }
        if (js) {
                unsigned long long dev, ino;
                if (sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
                    dev == (unsigned long long)st.st_dev && ino == (unsigned long long)st.st_ino)
                        snprintf(buf, len, "journal");
        }
}
