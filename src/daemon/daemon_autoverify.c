/* daemon_autoverify.c: the daily automatic verification on the
 * coordinator (daemon_autoverify.h). */
#include "daemon/daemon_autoverify.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/hamr_alloc.h"
#include "common/hamr_log.h"
#include "coord/coord_autoverify.h"
#include "daemon/daemon.h"
#include "daemon/daemon_facts.h"

#define CLUTILS_DEFAULT "/var/log/hamr/clutils.log"

#define RUN_TIMEOUT_USEC (60 * USEC_PER_SEC)

static coord_autoverify_t sched;
static bool running;
static usec_t running_since;

/* Test hook: HAMR_TEST_WALL_OFFSET (seconds) shifts the clock the
 * schedule reads, so that a lab test reaches VERIFICATION_HOUR within
 * seconds; nothing else sees it. */
static int64_t test_offset(void)
{
        static int64_t off;
        static bool read;

        if (!read) {
                const char *e = getenv("HAMR_TEST_WALL_OFFSET");
                off = e ? strtoll(e, NULL, 10) : 0;
                read = true;
        }
        return off;
}
static struct timespec started;

typedef struct line_job {
        uv_work_t req;
        char path[4096];
        char *text;
} line_job_t;

static void line_work(uv_work_t *req)
{
        line_job_t *j = req->data;
        int fd = open(j->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

        if (fd >= 0) {
                /* one write: concurrent clmgr lines never mix with it */
                if (write(fd, j->text, strlen(j->text)) < 0)
                        (void)0; /* a full disk loses the line, never the daemon */
                close(fd);
        }
}

static void line_done(uv_work_t *req, int status)
{
        line_job_t *j = req->data;

        (void)status;
        free(j->text);
        free(j);
}

/* Appends "TIME uid=U pid=P TEXT\n" to clutils.log, off the loop. */
static void clutils(hamrd_t *d, const char *text)
{
        const char *env = getenv("HAMR_CLUTILS_LOG");
        line_job_t *j = zalloc(sizeof(*j));
        struct timespec ts;
        struct tm tm;
        char when[40];

        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(j->path, sizeof(j->path), "%s", env && *env ? env : CLUTILS_DEFAULT);
        if (asprintf(&j->text, "%s.%03ldZ uid=%u pid=%ld %s\n", when, ts.tv_nsec / 1000000,
                     (unsigned)getuid(), (long)getpid(), text) < 0) {
                free(j);
                return;
        }
        j->req.data = j;
        if (uv_queue_work(d->loop, &j->req, line_work, line_done) < 0)
                line_done(&j->req, 0);
}

void hamrd_autoverify_tick(hamrd_t *d)
{
        usec_t now = now_usec();
        json_t *req;
        char text[300];

        if (!d->cfg || !d->member || !d->cfg->daily_verify || !memb_is_coordinator(d->memb, now)) {
                coord_autoverify_reset(&sched);
                return;
        }
        if (running && now - running_since > RUN_TIMEOUT_USEC) {
                log_warn("daemon", "automatic verification: no answer in time; given up");
                running = false;
        }
        if (!coord_autoverify_due(&sched, coord_wall_local() + test_offset(),
                                  d->cfg->verify_hour) ||
            running)
                return;
        running = true;
        running_since = now;
        clock_gettime(CLOCK_MONOTONIC, &started);
        snprintf(text, sizeof(text),
                 "cmd: hamrd automatic verification (DAILY_VERIFICATION, VERIFICATION_HOUR=%u) "
                 "on node %s, configuration generation %llu",
                 d->cfg->verify_hour, d->node_name, (unsigned long long)d->cfg->generation);
        clutils(d, text);
        log_info("daemon", "automatic verification (DAILY_VERIFICATION) started");
        req = json_pack("{s:o}", "checks", hamrd_facts_checks(d->cfg));
        hamrd_facts_gather(d, HAMRD_AUTOVERIFY_CONN, req, hamrd_autoverify_done);
        json_decref(req);
}

void hamrd_autoverify_done(hamrd_t *d, json_t *rep)
{
        json_t *n, *e;
        size_t i, k;
        unsigned errors = 0, warnings = 0;
        struct timespec now;
        char first[1200] = "", text[1600];
        double elapsed;

        running = false;
        clock_gettime(CLOCK_MONOTONIC, &now);
        elapsed =
            (double)(now.tv_sec - started.tv_sec) + (double)(now.tv_nsec - started.tv_nsec) / 1e9;
        json_array_foreach(json_object_get(rep, "nodes"), i, n)
        {
                const char *node = json_string_value(json_object_get(n, "NODE")) ?: "?";
                json_array_foreach(json_object_get(n, "ERRORS"), k, e)
                {
                        log_warn("daemon", "automatic verification: %s: ERROR: %s", node,
                                 json_string_value(e) ?: "?");
                        if (!errors++)
                                snprintf(first, sizeof(first), "%s: %s", node,
                                         json_string_value(e) ?: "?");
                }
                json_array_foreach(json_object_get(n, "WARNINGS"), k, e)
                {
                        log_info("daemon", "automatic verification: %s: WARNING: %s", node,
                                 json_string_value(e) ?: "?");
                        warnings++;
                }
        }
        json_array_foreach(json_object_get(rep, "warnings"), k, e)
        {
                log_info("daemon", "automatic verification: WARNING: %s",
                         json_string_value(e) ?: "?");
                warnings++;
        }
        if (errors)
                log_warn("daemon", "automatic verification failed: %u error(s), %u warning(s)",
                         errors, warnings);
        else
                log_info("daemon", "automatic verification passed (%u warning(s))", warnings);
        snprintf(text, sizeof(text), "end: rc=%d elapsed=%.3fs%s%s%s", errors ? 1 : 0, elapsed,
                 errors ? " error: automatic verification failed on the nodes: " : "",
                 errors ? first : "", errors > 1 ? " (and more: see hamrd's log)" : "");
        clutils(d, text);
        json_decref(rep);
}
