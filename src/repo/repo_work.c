/* repo_work: the repository worker thread (FIFO of jobs), its completion
 * async and the timeout sweep on the loop. See repo_work.h. */
#include "repo/repo_work.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/hamr_alloc.h"
#include "common/hamr_log.h"

#define SWEEP_MS 100

struct repo_work {
        void *ud;
        pthread_mutex_t lock;
        pthread_cond_t cond;
        repo_job_t *head, *tail;           /* queued, FIFO */
        repo_job_t *done_head, *done_tail; /* finished, for the loop */
        repo_job_t *running;               /* the current worker's job */
        usec_t running_since;
        unsigned gen;     /* the current worker; older ones are stuck and exit */
        unsigned pending; /* queued + running + done not yet handed back */
        uv_async_t async;
        uv_timer_t sweep;
};

typedef struct worker_arg {
        repo_work_t *w;
        unsigned gen;
} worker_arg_t;

static void push(repo_job_t **head, repo_job_t **tail, repo_job_t *j)
{
        j->next = NULL;
        if (*tail)
                (*tail)->next = j;
        else
                *head = j;
        *tail = j;
}

int repo_work_repo(repo_work_ctx_t *ctx, const char *path, repo_t **ret_repo)
{
        int r;

        if (ctx->repo && strcmp(ctx->path, path)) {
                if (lease_busy(&ctx->cfglock.lease))
                        repo_cfglock_release(&ctx->cfglock, ctx->repo);
                repo_close(ctx->repo);
                ctx->repo = NULL;
        }
        if (!ctx->repo) {
                r = repo_open(path, &ctx->repo);
                if (r < 0)
                        return r;
                snprintf(ctx->path, sizeof(ctx->path), "%s", path);
        }
        *ret_repo = ctx->repo;
        return 0;
}

/* How long the configuration lock is kept after the queue ran empty:
 * well within its validity (0.9 x the expiry time), short enough that
 * another host waiting for it is not kept long. */
#define REPO_WORK_LOCK_LINGER_USEC (500 * 1000)

static void *worker(void *arg)
{
        worker_arg_t *wa = arg;
        repo_work_t *w = wa->w;
        unsigned gen = wa->gen;
        repo_work_ctx_t ctx = {0};

        free(wa);
        pthread_mutex_lock(&w->lock);
        while (gen == w->gen) {
                repo_job_t *j = w->head;
                if (!j) {
                        pthread_cond_wait(&w->cond, &w->lock);
                        continue;
                }
                w->head = j->next;
                if (!w->head)
                        w->tail = NULL;
                if (!j->expired) { /* an expired job was answered: never run it */
                        w->running = j;
                        w->running_since = now_usec();
                        if (j->timeout_usec)
                                j->deadline = w->running_since + j->timeout_usec;
                        pthread_mutex_unlock(&w->lock);
                        j->run(j, &ctx);
                        pthread_mutex_lock(&w->lock);
                        j->ran = true;
                        if (gen == w->gen)
                                w->running = NULL;
                }
                push(&w->done_head, &w->done_tail, j);
                uv_async_send(&w->async);
                /* The configuration lock stays held while jobs are queued
                 * (a batch of edits claims it once), and for a short linger
                 * after the queue runs empty, so that edits typed one after
                 * the other (a script adding objects) do not claim it anew
                 * each time (claiming costs a settle time); then it is
                 * released, well within its validity. */
                if (!w->head && ctx.repo && lease_busy(&ctx.cfglock.lease)) {
                        struct timespec until;
                        clock_gettime(CLOCK_MONOTONIC, &until);
                        until.tv_nsec += (long)(REPO_WORK_LOCK_LINGER_USEC % 1000000) * 1000;
                        until.tv_sec += (time_t)(REPO_WORK_LOCK_LINGER_USEC / 1000000) +
                                        until.tv_nsec / 1000000000;
                        until.tv_nsec %= 1000000000;
                        while (!w->head && gen == w->gen &&
                               pthread_cond_timedwait(&w->cond, &w->lock, &until) == 0)
                                ;
                }
                if (!w->head && gen == w->gen && ctx.repo && lease_busy(&ctx.cfglock.lease)) {
                        pthread_mutex_unlock(&w->lock);
                        repo_cfglock_release(&ctx.cfglock, ctx.repo);
                        pthread_mutex_lock(&w->lock);
                }
        }
        pthread_mutex_unlock(&w->lock);
        if (ctx.repo && lease_busy(&ctx.cfglock.lease))
                repo_cfglock_release(&ctx.cfglock, ctx.repo);
        repo_close(ctx.repo); /* replaced: the stuck I/O has returned */
        return NULL;
}

/* Under w->lock. */
static int start_worker(repo_work_t *w)
{
        worker_arg_t *wa = zalloc(sizeof(*wa));
        pthread_t th;

        wa->w = w;
        wa->gen = ++w->gen;
        w->running = NULL;
        if (pthread_create(&th, NULL, worker, wa) != 0) {
                free(wa);
                log_err("repo", "cannot start the configuration worker thread");
                return -EAGAIN;
        }
        pthread_detach(th);
        pthread_cond_broadcast(&w->cond); /* an older, idle worker exits */
        return 0;
}

static void on_async(uv_async_t *a)
{
        repo_work_t *w = a->data;
        repo_job_t *j;

        pthread_mutex_lock(&w->lock);
        j = w->done_head;
        w->done_head = w->done_tail = NULL;
        pthread_mutex_unlock(&w->lock);
        while (j) {
                repo_job_t *next = j->next;
                w->pending--;
                j->done(w->ud, j);
                j = next;
        }
}

/* Loop: answer every job past its deadline. The running job's deadline
 * counts from its start (its I/O does not answer); a queued job's from its
 * submission, over REPO_WORK_QUEUE_TIMEOUTS timeouts; while the running job
 * is stuck, the jobs queued behind it for the same repository are answered
 * at once (they would only wait for it). Expired queued jobs are skipped. */
static void on_sweep(uv_timer_t *t)
{
        repo_work_t *w = t->data;
        usec_t now = now_usec();
        repo_job_t *due[64];
        bool running[64];
        unsigned n = 0;
        const char *stuck = NULL;

        pthread_mutex_lock(&w->lock);
        if (w->running && w->running->deadline && now >= w->running->deadline) {
                if (!w->running->expired) {
                        w->running->expired = true;
                        running[n] = true;
                        due[n++] = w->running;
                }
                stuck = w->running->path;
        }
        for (repo_job_t *j = w->head; j && n < 64; j = j->next)
                if (!j->expired && j->deadline &&
                    (now >= j->deadline || (stuck && !strcmp(stuck, j->path)))) {
                        j->expired = true;
                        running[n] = false;
                        due[n++] = j;
                }
        pthread_mutex_unlock(&w->lock);
        /* The jobs stay alive: only done() frees them, and it runs on this
         * thread after the worker handed them back. */
        for (unsigned i = 0; i < n; i++)
                due[i]->expire(w->ud, due[i], running[i]);
}

repo_work_t *repo_work_new(uv_loop_t *loop, void *ud)
{
        repo_work_t *w = zalloc(sizeof(*w));

        w->ud = ud;
        pthread_mutex_init(&w->lock, NULL);
        {
                /* timed waits (the lock's linger) on the monotonic clock */
                pthread_condattr_t ca;
                pthread_condattr_init(&ca);
                pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
                pthread_cond_init(&w->cond, &ca);
                pthread_condattr_destroy(&ca);
        }
        uv_async_init(loop, &w->async, on_async);
        w->async.data = w;
        uv_timer_init(loop, &w->sweep);
        w->sweep.data = w;
        uv_timer_start(&w->sweep, on_sweep, SWEEP_MS, SWEEP_MS);
        uv_unref((uv_handle_t *)&w->sweep);
        pthread_mutex_lock(&w->lock);
        start_worker(w);
        pthread_mutex_unlock(&w->lock);
        return w;
}

int repo_work_submit(repo_work_t *w, repo_job_t *j, usec_t *ret_stuck_usec)
{
        usec_t now = now_usec();
        int r = 0;

        j->queued_at = now;
        j->deadline = j->timeout_usec ? now + REPO_WORK_QUEUE_TIMEOUTS * j->timeout_usec : 0;
        j->expired = j->ran = false;
        pthread_mutex_lock(&w->lock);
        if (w->running && w->running->expired) {
                if (!strcmp(w->running->path, j->path)) {
                        if (ret_stuck_usec)
                                *ret_stuck_usec = now - w->running_since;
                        r = -ETIMEDOUT;
                        goto out;
                }
                /* The repository changed (ARR): a fresh worker serves the
                 * queue; the stuck one's result is discarded when it returns. */
                log_warn("repo", "configuration worker stuck in I/O on %s: starting a new one",
                         w->running->path);
                start_worker(w);
        }
        push(&w->head, &w->tail, j);
        w->pending++;
        pthread_cond_broadcast(&w->cond);
out:
        pthread_mutex_unlock(&w->lock);
        return r;
}

unsigned repo_work_pending(repo_work_t *w)
{
        return w->pending;
}
