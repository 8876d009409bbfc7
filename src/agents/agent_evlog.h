/* agent_evlog: the event log hamr.out (PowerHA's hacmp.out) of this node:
 * named events, each an "EVENT START" line, its lines (a script's output),
 * an "EVENT COMPLETED" line with the exit status and an "EVENT SUMMARY"
 * line. One O_APPEND write per line. Every line is
 *   YYYY-MM-DDTHH:MM:SS.mmmZ #ID TEXT
 * ID numbers the event (its lines can interleave with other events'); a
 * START line ends with "(in #PARENT)" for an event inside another one. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/hamr_time.h"

#define EVLOG_NAME_LEN   48
#define EVLOG_ARGS_LEN   256
#define EVLOG_LINE_MAX   1024
#define EVLOG_OUTPUT_MAX 65536 /* a script's output kept per event */

typedef struct evlog_event {
        uint64_t id; /* 0: not started (then every call on it is a no-op) */
        uint64_t parent;
        usec_t start_real, start_mono;
        char name[EVLOG_NAME_LEN];
        char args[EVLOG_ARGS_LEN];
} evlog_event_t;

/* Open (create, append) the event log. 0 or -errno; without an open log
 * nothing is written. */
int evlog_open(const char *path);
void evlog_close(void);
/* The open log's path, or "". */
const char *evlog_path(void);

/* Begins event name with args (printf-style; may be empty) inside parent
 * (NULL or not started: a top-level event). Writes the START line. */
void evlog_start(evlog_event_t *ev, const evlog_event_t *parent, const char *name, const char *fmt,
                 ...) __attribute__((format(printf, 4, 5)));
/* One line under the event (control characters become spaces). */
void evlog_line(const evlog_event_t *ev, const char *text);
/* Ends it: COMPLETED with status (0 worked; else the failure, reason may
 * be NULL) and the SUMMARY line; the event is reset (id 0). */
void evlog_end(evlog_event_t *ev, int status, const char *reason);
/* A step of parent failed: an event_error event naming the failed event
 * and the reason (a START, the reason, a COMPLETED). */
void evlog_error(const evlog_event_t *failed, const char *reason);
/* A one-line event: START and COMPLETED 0 at once (node_up_complete...). */
void evlog_instant(const evlog_event_t *parent, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Pure formatting (unit tests): the prefix "TIME #ID " for realtime
 * real_usec into buf, then text with control characters as spaces, a
 * newline; cut at EVLOG_LINE_MAX - 1 (a cut UTF-8 sequence dropped).
 * Returns the length. */
size_t evlog_format(char *buf, size_t cap, usec_t real_usec, uint64_t id, const char *text);
