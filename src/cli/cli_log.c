/* cli_log: formats clmgr's clutils.log lines (start and end of a command).
 * Pure: the caller supplies the times and ids and writes the line. */
#include "cli/cli_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hamr_alloc.h"

/* Writes s shell-quoted when it needs quoting. */
static void put_arg(FILE *f, const char *s)
{
        if (*s && !strpbrk(s, " \t\n'\"\\$`;&|<>()*?[]{}!#~")) {
                fputs(s, f);
                return;
        }
        fputc('\'', f);
        for (; *s; s++) {
                if (*s == '\'')
                        fputs("'\\''", f);
                else if (*s == '\n')
                        fputs("\\n", f);
                else
                        fputc(*s, f);
        }
        fputc('\'', f);
}

/* "STAMP uid=U pid=P[ tid=T]" */
static FILE *open_line(char **buf, size_t *len, const struct timespec *now, uid_t uid, pid_t pid,
                       const char *trans_id)
{
        char stamp[64];
        struct tm tm;
        FILE *f = open_memstream(buf, len);

        if (!f)
                abort();
        gmtime_r(&now->tv_sec, &tm);
        strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
        fprintf(f, "%s.%03ldZ uid=%u pid=%ld", stamp, now->tv_nsec / 1000000, (unsigned)uid,
                (long)pid);
        if (trans_id) {
                fputs(" tid=", f);
                put_arg(f, trans_id);
        }
        return f;
}

char *cli_log_start_line(const struct timespec *now, uid_t uid, pid_t pid, const char *trans_id,
                         int argc, char *const argv[])
{
        char *line = NULL;
        size_t len = 0;
        FILE *f = open_line(&line, &len, now, uid, pid, trans_id);

        fputs(" cmd:", f);
        for (int i = 0; i < argc; i++) {
                fputc(' ', f);
                put_arg(f, argv[i]);
        }
        fputc('\n', f);
        fclose(f);
        return line;
}

char *cli_log_end_line(const struct timespec *now, uid_t uid, pid_t pid, const char *trans_id,
                       int rc, const struct timespec *start, const char *error)
{
        char *line = NULL;
        size_t len = 0;
        FILE *f = open_line(&line, &len, now, uid, pid, trans_id);
        long long ms = ((long long)now->tv_sec - (long long)start->tv_sec) * 1000 +
                       (now->tv_nsec - start->tv_nsec) / 1000000;

        if (ms < 0)
                ms = 0;
        fprintf(f, " end: rc=%d elapsed=%lld.%03llds", rc, ms / 1000, ms % 1000);
        if (error && *error) {
                size_t n = 0;

                fputs(" error: ", f);
                for (const char *p = error; *p && n < CLI_LOG_ERROR_MAX; p++, n++) {
                        if (*p == '\n') {
                                if (p[1])
                                        fputs(" / ", f);
                        } else {
                                fputc(*p == '\r' || *p == '\t' ? ' ' : *p, f);
                        }
                }
        }
        fputc('\n', f);
        fclose(f);
        return line;
}
