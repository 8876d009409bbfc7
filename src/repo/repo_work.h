/* repo_work: a worker thread for repository jobs (hamrd: configuration
 * loads, staged edits, sync/verify, queries), run one at a time in FIFO
 * order, so that no repository I/O runs on the event loop and config writes
 * stay ordered. Completion comes back to the loop through a uv_async.
 *
 * A job whose I/O hangs does not block its client forever: past its timeout
 * (counted from its start) the loop answers it (expire callback) while the
 * worker stays stuck; the jobs queued behind it are answered at once and
 * never run. A queued job behind jobs that make progress waits up to
 * REPO_WORK_QUEUE_TIMEOUTS of its timeouts. While the running job is
 * stuck past its timeout, new jobs for the same repository are refused at
 * once (repo_work_submit returns -ETIMEDOUT and the caller answers); a job
 * for another repository (ARR switched away from the hung one) gets a fresh
 * worker thread, and the stuck one exits once its I/O returns (its job
 * still comes back through done(), marked expired). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "common/hamr_time.h"
#include "repo/repo.h"
#include "repo/repo_cfglock.h"

/* A queued job waits behind jobs that are making progress (a batch of
 * edits from several nodes): its own timeout counts from when it starts
 * running, and its wait in the queue is bounded by this many timeouts. */
#define REPO_WORK_QUEUE_TIMEOUTS 4

typedef struct repo_work repo_work_t;
typedef struct repo_job repo_job_t;

/* The worker thread's repository handle for job->path (opened on demand,
 * kept between jobs while the path stays the same). */
typedef struct repo_work_ctx {
        repo_t *repo;
        char path[4096];
        /* the on-disk configuration lock, taken by the jobs that edit; it
         * stays held between jobs while more are queued, and the worker
         * releases it when its queue runs empty (or the path changes) */
        repo_cfglock_t cfglock;
} repo_work_ctx_t;

struct repo_job {
        /* Set by the submitter (the job owns everything it points to). */
        char path[4096];     /* repository */
        usec_t timeout_usec; /* its I/O, from its start; 0: no timeout */
        /* worker thread: the I/O */
        void (*run)(repo_job_t *j, repo_work_ctx_t *ctx);
        /* loop: the job ran, or was skipped (expired before it started); frees j */
        void (*done)(void *ud, repo_job_t *j);
        /* loop: past its timeout, queued or running (then stuck): answer its client */
        void (*expire)(void *ud, repo_job_t *j, bool running);
        /* Private to repo_work.c. */
        repo_job_t *next;
        usec_t deadline;
        usec_t queued_at;
        bool expired; /* answered by expire(): done() must not answer again */
        bool ran;
};

/* Starts the worker; done/expire are called on loop with ud. */
repo_work_t *repo_work_new(uv_loop_t *loop, void *ud);
/* Queue j (ownership passes to the worker until done() runs on the loop).
 * -ETIMEDOUT: the worker is stuck in I/O on the same repository past a
 * job's timeout; j is not queued (still owned by the caller) and
 * *ret_stuck_usec tells for how long. */
int repo_work_submit(repo_work_t *w, repo_job_t *j, usec_t *ret_stuck_usec);
/* Open (or reuse) the worker's handle on path. Worker thread only. */
int repo_work_repo(repo_work_ctx_t *ctx, const char *path, repo_t **ret_repo);
/* Jobs queued or running (loop thread). */
unsigned repo_work_pending(repo_work_t *w);
