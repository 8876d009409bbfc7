/* agent_evlog: owns this node's event log file (hamr.out): the named
 * events' START/COMPLETED/SUMMARY lines and the lines written under them.
 * Called by exec (group steps, monitors), agent_app (script output) and
 * the daemon (node_up/node_down); calls nothing of theirs. */
#include "agents/agent_evlog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/hamr_log.h"

static int log_fd = -1;
static char log_path[4096];
static uint64_t next_id;

int evlog_open(const char *path)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

        if (fd < 0)
                return -errno;
        evlog_close();
        log_fd = fd;
        snprintf(log_path, sizeof(log_path), "%s", path);
        /* ids go on from the start time: a restarted daemon does not reuse
         * the ids of events still in the file (seconds * 1000) */
        next_id = realtime_usec() / 1000000 * 1000;
        return 0;
}

void evlog_close(void)
{
        if (log_fd >= 0)
                close(log_fd);
        log_fd = -1;
        log_path[0] = '\0';
}

const char *evlog_path(void)
{
        return log_path;
}

/* Drop a UTF-8 sequence cut short at the end of s[0..n). */
static size_t trim_utf8(const char *s, size_t n)
{
        size_t i = n, need;
        unsigned char lead;

        while (i > 0 && n - i < 4 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
                i--;
        if (i == 0 || ((unsigned char)s[i - 1] & 0x80) == 0)
                return n;
        lead = (unsigned char)s[--i];
        need = (lead & 0xe0) == 0xc0 ? 2 : (lead & 0xf0) == 0xe0 ? 3 : 4;
        return n - i < need ? i : n;
}

size_t evlog_format(char *buf, size_t cap, usec_t real_usec, uint64_t id, const char *text)
{
        time_t sec = (time_t)(real_usec / 1000000);
        struct tm tm;
        size_t n, max = cap < EVLOG_LINE_MAX ? cap : EVLOG_LINE_MAX;
        int w;

        if (max < 2)
                return 0;
        gmtime_r(&sec, &tm);
        w = snprintf(buf, max, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ #%llu ", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     (unsigned)(real_usec / 1000 % 1000), (unsigned long long)id);
        n = w < 0 ? 0 : (size_t)w >= max - 1 ? max - 2 : (size_t)w;
        for (const char *p = text; *p && n < max - 2; p++) {
                unsigned char c = (unsigned char)*p;
                buf[n++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
        }
        n = trim_utf8(buf, n);
        while (n > 0 && buf[n - 1] == ' ')
                n--;
        buf[n++] = '\n';
        buf[n] = '\0';
        return n;
}

static void put(uint64_t id, const char *text)
{
        char line[EVLOG_LINE_MAX + 1];
        size_t n;

        if (log_fd < 0)
                return;
        n = evlog_format(line, sizeof(line), realtime_usec(), id, text);
        /* one write: lines of concurrent writers do not mix; a full disk
         * loses the line, never the daemon */
        if (write(log_fd, line, n) < 0)
                return;
}

static void start_v(evlog_event_t *ev, const evlog_event_t *parent, const char *name,
                    const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

static void start_v(evlog_event_t *ev, const evlog_event_t *parent, const char *name,
                    const char *fmt, va_list ap)
{
        char text[EVLOG_LINE_MAX];

        memset(ev, 0, sizeof(*ev));
        ev->id = ++next_id;
        ev->parent = parent ? parent->id : 0;
        ev->start_real = realtime_usec();
        ev->start_mono = now_usec();
        snprintf(ev->name, sizeof(ev->name), "%s", name);
        vsnprintf(ev->args, sizeof(ev->args), fmt, ap);
        if (ev->parent)
                snprintf(text, sizeof(text), "EVENT START: %s%s%s (in #%llu)", ev->name,
                         ev->args[0] ? " " : "", ev->args, (unsigned long long)ev->parent);
        else
                snprintf(text, sizeof(text), "EVENT START: %s%s%s", ev->name,
                         ev->args[0] ? " " : "", ev->args);
        put(ev->id, text);
}

void evlog_start(evlog_event_t *ev, const evlog_event_t *parent, const char *name, const char *fmt,
                 ...)
{
        va_list ap;

        va_start(ap, fmt);
        start_v(ev, parent, name, fmt, ap);
        va_end(ap);
}

void evlog_line(const evlog_event_t *ev, const char *text)
{
        char line[EVLOG_LINE_MAX];

        if (!ev->id)
                return;
        snprintf(line, sizeof(line), "%s: %s", ev->name, text);
        put(ev->id, line);
}

static void clock_of(usec_t real, char *buf, size_t cap)
{
        time_t sec = (time_t)(real / 1000000);
        struct tm tm;

        gmtime_r(&sec, &tm);
        snprintf(buf, cap, "%02d:%02d:%02d.%03u", tm.tm_hour, tm.tm_min, tm.tm_sec,
                 (unsigned)(real / 1000 % 1000));
}

void evlog_end(evlog_event_t *ev, int status, const char *reason)
{
        char text[EVLOG_LINE_MAX], t0[16], t1[16];
        usec_t dur, end_real = realtime_usec();
        const char *sp = ev->args[0] ? " " : "";

        if (!ev->id)
                return;
        dur = now_usec() - ev->start_mono;
        snprintf(text, sizeof(text), "EVENT COMPLETED: %s%s%s %d (%.3f s)%s%s", ev->name, sp,
                 ev->args, status, (double)dur / 1e6, reason && *reason ? ": " : "",
                 reason && *reason ? reason : "");
        put(ev->id, text);
        clock_of(ev->start_real, t0, sizeof(t0));
        clock_of(end_real, t1, sizeof(t1));
        snprintf(text, sizeof(text),
                 "EVENT SUMMARY: %s%s%s: start %s, end %s, duration %.3f s, result %d (%s)",
                 ev->name, sp, ev->args, t0, t1, (double)dur / 1e6, status,
                 status == 0 ? "ok" : "failed");
        put(ev->id, text);
        /* and into hamrd's log, so the journal has every event too */
        hamr_log(status == 0 ? LOG_LVL_INFO : LOG_LVL_WARN, "event", "#%llu %s",
                 (unsigned long long)ev->id, text);
        ev->id = 0;
}

void evlog_error(const evlog_event_t *failed, const char *reason)
{
        evlog_event_t e;

        if (!failed->id)
                return;
        evlog_start(&e, failed, "event_error", "%s%s%s", failed->name, failed->args[0] ? " " : "",
                    failed->args);
        evlog_line(&e, reason && *reason ? reason : "failed");
        evlog_end(&e, 0, NULL);
}

void evlog_instant(const evlog_event_t *parent, const char *name, const char *fmt, ...)
{
        evlog_event_t e;
        va_list ap;

        va_start(ap, fmt);
        start_v(&e, parent, name, fmt, ap);
        va_end(ap);
        evlog_end(&e, 0, NULL);
}
