/* daemon_work: the configuration worker. One thread runs repository jobs
 * (configuration loads, staged edits, sync/verify, queries) one at a time,
 * in FIFO order, so that no repository I/O runs on the event loop and config
 * writes stay ordered. Completion comes back to the loop through a uv_async.
 *
 * A job whose I/O hangs does not block its client forever: past its
 * timeout the loop answers it (expire callback) while the worker stays
 * stuck; a job still waiting in the queue then is never run. While the
 * running job is stuck past its timeout, new jobs for the same repository
 * are refused at once (hamrd_work_submit returns -HAMR_E_BUSY-like
 * -ETIMEDOUT and the caller answers); a job for another repository (ARR
 * switched away from the hung one) gets a fresh worker thread, and the stuck
 * one exits once its I/O returns (its result is discarded). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "common/hamr_time.h"
#include "repo/repo.h"

typedef struct hamrd hamrd_t;
typedef struct hamrd_work hamrd_work_t;
typedef struct hamrd_job hamrd_job_t;

/* The worker thread's repository handle for job->path (opened on demand,
 * kept between jobs while the path stays the same). */
typedef struct hamrd_work_ctx {
        repo_t *repo;
        char path[4096];
} hamrd_work_ctx_t;

struct hamrd_job {
        /* Set by the submitter (the job owns everything it points to). */
        char path[4096];                                          /* repository */
        usec_t timeout_usec;                                      /* 0: no timeout */
        void (*run)(hamrd_job_t *j, hamrd_work_ctx_t *ctx);       /* worker thread */
        void (*done)(hamrd_t *d, hamrd_job_t *j);                 /* loop: ran (or skipped if
                                                                   * expired); frees j */
        void (*expire)(hamrd_t *d, hamrd_job_t *j, bool running); /* loop: timed out, answer */
        /* Private to daemon_work.c. */
        hamrd_job_t *next;
        usec_t deadline;
        bool expired; /* answered by expire(): done() must not answer again */
        bool ran;
};

hamrd_work_t *hamrd_work_new(hamrd_t *d);
/* Queue j (ownership passes to the worker until done() runs on the loop).
 * -ETIMEDOUT: the worker is stuck in I/O on the same repository past a
 * job's timeout; j is not queued (still owned by the caller) and
 * *ret_stuck_usec tells for how long. */
int hamrd_work_submit(hamrd_work_t *w, hamrd_job_t *j, usec_t *ret_stuck_usec);
/* Open (or reuse) the worker's handle on path. Worker thread only. */
int hamrd_work_repo(hamrd_work_ctx_t *ctx, const char *path, repo_t **ret_repo);
/* Jobs queued or running (loop thread). */
unsigned hamrd_work_pending(hamrd_work_t *w);
