/* tt_log: the Cluster Test Tool's output: cl_testtool.log (PowerHA's shape:
 * "MM/DD/YYYY_HH:MM:SS: text", UTC) and the same lines on stdout. */
#pragma once
#include <stdbool.h>

#define TT_DEFAULT_LOG "/var/log/hamr/cl_testtool.log"

/* Opens path (in; NULL: $HAMR_TESTTOOL_LOG or the default) for appending,
 * creating its directory; cycle renames an existing log to PATH.1 first
 * (PowerHA's "cycle log file"). verbose: detail lines go to stdout too.
 * -errno (and nothing opened) on failure; tt_log_path() says which path. */
int tt_log_open(const char *path, bool cycle, bool verbose);
const char *tt_log_path(void);
void tt_log_close(void);

/* A line in the log and on stdout. */
void tt_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A detail line: in the log; on stdout only when verbose. */
void tt_log_detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "| text" between two rules of dashes (a section header). */
void tt_log_banner(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
