/* cli_log: the lines clmgr appends to clutils.log (pure formatting; the
 * write is cli_client.c's). Two lines per command, correlated by pid (and
 * tid with -T): one when it starts, one when it ends with its return code,
 * elapsed time and, on error, the error message. */
#pragma once
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* "2026-12-05T08:01:02.345Z uid=0 pid=42 [tid=T] cmd: clmgr ARG ...\n",
 * arguments shell-quoted when they need it. malloc'd. */
char *cli_log_start_line(const struct timespec *now, uid_t uid, pid_t pid, const char *trans_id,
                         int argc, char *const argv[]);

/* "2026-12-05T08:01:03.001Z uid=0 pid=42 [tid=T] end: rc=4 elapsed=0.656s
 * [error: MESSAGE]\n": MESSAGE on one line (newlines become " / ", at most
 * CLI_LOG_ERROR_MAX bytes). error NULL or "" = none. malloc'd. */
#define CLI_LOG_ERROR_MAX 2000
char *cli_log_end_line(const struct timespec *now, uid_t uid, pid_t pid, const char *trans_id,
                       int rc, const struct timespec *start, const char *error);
