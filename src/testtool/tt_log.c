/* tt_log: cl_testtool.log and stdout, one write per line. */
#include "testtool/tt_log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -1;
static bool log_verbose;
static char log_path[PATH_MAX];

static int mkdir_parents(const char *path)
{
        char dir[PATH_MAX];
        char *slash;

        snprintf(dir, sizeof(dir), "%s", path);
        slash = strrchr(dir, '/');
        if (!slash || slash == dir)
                return 0;
        *slash = '\0';
        for (char *p = dir + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                        return -errno;
                *p = '/';
        }
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

int tt_log_open(const char *path, bool cycle, bool verbose)
{
        const char *env = getenv("HAMR_TESTTOOL_LOG");
        int r;

        if (!path || !*path)
                path = env && *env ? env : TT_DEFAULT_LOG;
        snprintf(log_path, sizeof(log_path), "%s", path);
        log_verbose = verbose;
        r = mkdir_parents(log_path);
        if (r < 0)
                return r;
        if (cycle) {
                char old[PATH_MAX + 2];
                snprintf(old, sizeof(old), "%s.1", log_path);
                if (rename(log_path, old) < 0 && errno != ENOENT)
                        return -errno;
        }
        log_fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        return log_fd < 0 ? -errno : 0;
}

const char *tt_log_path(void)
{
        return log_path;
}

void tt_log_close(void)
{
        if (log_fd >= 0)
                close(log_fd);
        log_fd = -1;
}

static void __attribute__((format(printf, 2, 0))) emit(bool to_stdout, const char *fmt, va_list ap)
{
        char line[4096];
        struct timespec ts;
        struct tm tm;
        int n;

        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        n = (int)strftime(line, sizeof(line), "%m/%d/%Y_%H:%M:%S: ", &tm);
        vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
        n = (int)strlen(line);
        line[n++] = '\n';
        if (log_fd >= 0 && write(log_fd, line, (size_t)n) < 0) {
                /* best effort: the run goes on without its log */
        }
        if (to_stdout) {
                fwrite(line, 1, (size_t)n, stdout);
                fflush(stdout);
        }
}

void tt_log(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        emit(true, fmt, ap);
        va_end(ap);
}

void tt_log_detail(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        emit(log_verbose, fmt, ap);
        va_end(ap);
}

void tt_log_banner(const char *fmt, ...)
{
        char text[1024];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(text, sizeof(text), fmt, ap);
        va_end(ap);
        tt_log("-------------------------------------------------------");
        tt_log("| %s", text);
        tt_log("-------------------------------------------------------");
}
