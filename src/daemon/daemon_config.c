/* daemon_config: the configuration on the repository: load and apply the
 * active generation, start-up and the cached copy, and the helpers the
 * configuration requests share (daemon_edit.c: add/modify/delete, sync,
 * verify, query). Staged edits live on the repository too, so that a command
 * typed on any node edits the one cluster-wide copy.
 *
 * Every repository read and write runs on the configuration worker
 * (src/repo/repo_work.c), one job at a time in FIFO order; the loop hands
 * each job copies (the active configuration as text, the request's names
 * and attributes, the groups not offline) and applies the result when the
 * job comes back. A job that does not come back within 5 s (daemon_config.h) is
 * answered with "repository P does not answer". At start-up the node
 * applies its cached copy (state directory, applied.conf) when the
 * repository fails or does not answer within the cached configuration's
 * detection time, and adopts the repository's generation once it answers. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/hamr_alloc.h"
#include "common/hamr_error.h"
#include "common/hamr_log.h"
#include "daemon/daemon.h"
#include "daemon/daemon_config.h"
#include "repo/repo_work.h"

/* ------------------------------------------------------------------ loop */

/* The copy this node applied, kept in its state directory (written to a
 * temporary file, fsync'd and renamed, so it is never torn). Local disk,
 * but an fsync can take longer than the watchdog timeout on a busy disk:
 * written on libuv's thread pool, newest generation wins (an older write
 * that runs late is skipped). */
typedef struct cache_write_job {
        uv_work_t req;
        char path[4200];
        char *text;
        uint64_t gen;
        int result;
} cache_write_job_t;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t cache_written_gen; /* under cache_lock */

static void cache_write_work(uv_work_t *req)
{
        cache_write_job_t *j = req->data;
        char tmp[4300];
        FILE *f;

        pthread_mutex_lock(&cache_lock);
        if (j->gen < cache_written_gen)
                goto out;
        snprintf(tmp, sizeof(tmp), "%s.tmp", j->path);
        f = fopen(tmp, "we");
        if (!f) {
                j->result = -errno;
                goto out;
        }
        if (fputs(j->text, f) < 0 || fflush(f) != 0 || fsync(fileno(f)) != 0) {
                j->result = -errno;
                fclose(f);
                goto out;
        }
        if (fclose(f) != 0 || rename(tmp, j->path) != 0)
                j->result = -errno;
        else
                cache_written_gen = j->gen;
out:
        pthread_mutex_unlock(&cache_lock);
}

static void cache_write_done(uv_work_t *req, int status)
{
        cache_write_job_t *j = req->data;

        if (status == 0 && j->result < 0)
                log_warn("daemon", "cannot write the applied configuration cache %s: %s", j->path,
                         strerror(-j->result));
        free(j->text);
        free(j);
}

static void cache_write(hamrd_t *d, const char *text, uint64_t gen)
{
        cache_write_job_t *j = zalloc(sizeof(*j));

        snprintf(j->path, sizeof(j->path), "%s/applied.conf", d->state_dir);
        j->text = zstrdup(text);
        j->gen = gen;
        j->req.data = j;
        if (uv_queue_work(d->loop, &j->req, cache_write_work, cache_write_done) < 0) {
                free(j->text);
                free(j);
        }
}

static int apply_text(hamrd_t *d, const char *text, uint64_t gen, char *err, size_t errlen)
{
        conf_db_t *db = NULL;
        hamr_config_t *cfg = NULL;
        int r = conf_db_parse(text, &db, err, errlen);

        if (r == 0) {
                db->generation = gen;
                r = conf_compile(db, &cfg, err, errlen);
        }
        if (r < 0) {
                conf_db_free(db);
                return r;
        }
        cfg->generation = gen;
        /* The old compiled config stays alive until everything points at the new one. */
        hamr_config_t *old = d->cfg;
        conf_db_free(d->db);
        d->db = db;
        d->cfg = cfg;
        hamrd_apply_config(d);
        if (d->member) {
                /* the modules (memb, cstate, exec) moved to cfg */
                if (d->cfg_modules && d->cfg_modules != old)
                        hamr_config_free(d->cfg_modules);
                d->cfg_modules = NULL;
                hamr_config_free(old);
        } else if (!d->cfg_modules) {
                /* this node is not in cfg (removed from the cluster): the
                 * modules keep pointing at the configuration they had, kept
                 * alive until one that holds this node comes */
                d->cfg_modules = old;
        } else {
                hamr_config_free(old); /* one without this node: nobody points at it */
        }
        return 0;
}

/* A committed generation read from the repository (by the disk worker or
 * the configuration worker): applied if newer than ours. */
int hamrd_config_adopt(hamrd_t *d, uint64_t gen, const char *text, char *err, size_t errlen)
{
        int r;

        err[0] = '\0';
        if (d->cfg && gen <= d->cfg->generation)
                return 0;
        r = apply_text(d, text, gen, err, errlen);
        if (r == 0)
                cache_write(d, text, gen);
        else
                d->bad_gen = gen; /* the same text fails the same way: not read again */
        return r;
}

void hamrd_config_offer(hamrd_t *d, uint64_t gen, const char *text)
{
        char err[CONF_ERR_LEN];

        if (gen == d->bad_gen)
                return;
        if (!text) {
                hamrd_config_reload(d);
                return;
        }
        if (hamrd_config_adopt(d, gen, text, err, sizeof(err)) < 0)
                log_err("daemon", "new configuration generation %llu not applied: %s",
                        (unsigned long long)gen, err);
}

/* The active configuration as text, for a job (NULL if none). */
char *hamrd_config_active_text(hamrd_t *d, uint64_t *ret_gen)
{
        *ret_gen = d->cfg ? d->cfg->generation : 0;
        return d->db ? conf_db_format(d->db) : NULL;
}

void hamrd_config_reply(hamrd_t *d, uint32_t conn, int r, const char *err)
{
        if (r == 0)
                hamrd_answer(d, conn, json_pack("{s:b}", "ok", 1));
        else
                hamrd_answer_error(d, conn, hamr_error_to_clmgr_rc(r),
                                   err && *err ? err : hamr_strerror(r));
}

static void reply_hung(hamrd_t *d, uint32_t conn, const char *path, const char *what)
{
        char err[CONF_ERR_LEN + 4200];

        snprintf(err, sizeof(err), "repository %s does not answer: %s", path, what);
        hamrd_answer_error(d, conn, CLMGR_RC_ERROR, err);
}

/* Queue j; when the worker is stuck on this repository, answer at once. */
bool hamrd_config_submit(hamrd_t *d, repo_job_t *j, uint32_t conn)
{
        usec_t stuck = 0;
        char what[200];

        if (repo_work_submit(d->work, j, &stuck) == 0)
                return true;
        if (conn) {
                snprintf(
                    what, sizeof(what),
                    "an earlier configuration request has been waiting for its I/O for %llu s; "
                    "this request was not run (try again later, or on another node)",
                    (unsigned long long)(stuck / USEC_PER_SEC));
                reply_hung(d, conn, j->path, what);
        }
        return false;
}

void hamrd_config_expired(hamrd_t *d, uint32_t conn, const repo_job_t *j, bool running)
{
        char what[200];

        if (running)
                snprintf(what, sizeof(what),
                         "the request did not complete within %llu s (it may still complete when "
                         "the repository answers: check with clmgr query)",
                         (unsigned long long)(j->timeout_usec / USEC_PER_SEC));
        else
                snprintf(what, sizeof(what),
                         "the request waited %llu s behind earlier ones and was not run (try "
                         "again later, or on another node)",
                         (unsigned long long)((now_usec() - j->queued_at) / USEC_PER_SEC));
        reply_hung(d, conn, j->path, what);
}

/* ------------------------------------------------------- worker helpers */

/* The configuration being edited, built on the worker: staged edits if
 * they are based on the newest committed generation, else a copy of it.
 * The newest committed generation is the repository's if newer than the
 * loop's (base_text, base_gen), which is then returned in *ret_newer_text
 * (malloc'd) for the loop to apply. */
conf_db_t *hamrd_config_editable(repo_t *repo, const char *base_text, uint64_t base_gen,
                                 uint64_t *ret_active, char **ret_newer_text, bool *ret_staged)
{
        _cleanup_free_ char *text = NULL, *staged = NULL;
        uint64_t gen = 0, sbase = 0;
        conf_db_t *db = NULL;
        char err[CONF_ERR_LEN];

        *ret_newer_text = NULL;
        *ret_staged = false;
        if (repo && repo_config_read(repo, &gen, &text) == 0 && gen > base_gen) {
                base_gen = gen;
                base_text = *ret_newer_text = text;
                text = NULL;
        }
        *ret_active = base_gen;
        if (repo && repo_staged_read(repo, &sbase, &staged) == 0 && sbase == base_gen &&
            conf_db_parse(staged, &db, err, sizeof(err)) == 0) {
                *ret_staged = true;
        } else if (!base_text || conf_db_parse(base_text, &db, err, sizeof(err)) < 0) {
                db = conf_db_new();
                base_gen = 0;
        }
        db->generation = base_gen;
        return db;
}

/* The worker's handle on the repository; a repository that is not
 * formatted yet is -HAMR_E_NOT_CONFIGURED. */
int hamrd_config_job_repo(repo_work_ctx_t *ctx, const char *path, repo_t **ret_repo, char *err,
                          size_t errlen)
{
        int r = repo_work_repo(ctx, path, ret_repo);

        if (r == -ENODATA || r == -ENOENT) {
                snprintf(err, errlen,
                         "no cluster is defined on repository %s (hamrd --repository): "
                         "define one with clmgr add cluster NAME REPOSITORY=%s, or start "
                         "hamrd with --repository set to the disk that holds it",
                         path, path);
                return -HAMR_E_NOT_CONFIGURED;
        }
        if (r < 0)
                snprintf(err, errlen, "repository %s cannot be opened: %s", path, strerror(-r));
        return r;
}

/* The configuration lock. The OFD lock (repo_config_lock) is kept: it is
 * cheap and orders the threads of one host; the on-disk lock (src/lease on
 * its own block) orders hosts, which an OFD lock on a shared LUN does not. */
int hamrd_config_lock(repo_work_ctx_t *ctx, repo_t *repo, uint16_t owner, uint64_t incarnation,
                      char *err, size_t errlen)
{
        const repo_cfglock_timing_t tm = REPO_CFGLOCK_TIMING_DEFAULT;
        int r = repo_config_lock(repo);

        if (r < 0) {
                snprintf(err, errlen, "repository %s cannot be locked: %s", repo_path(repo),
                         strerror(-r));
                return r;
        }
        r = repo_cfglock_acquire(&ctx->cfglock, repo, owner, incarnation, &tm);
        if (r == 0)
                return 0;
        repo_config_unlock(repo);
        uint16_t h = ctx->cfglock.holder;
        char who[64];
        if (h == REPO_CFGLOCK_ANON)
                snprintf(who, sizeof(who), "a node with no configuration synced yet");
        else if (h == LEASE_OWNER_UNKNOWN)
                snprintf(who, sizeof(who), "an unknown holder (unreadable lock block)");
        else if (h == LEASE_OWNER_NONE)
                snprintf(who, sizeof(who), "nobody (claims kept colliding)");
        else
                snprintf(who, sizeof(who), "node id %u", h);
        snprintf(err, errlen,
                 "the configuration lock on repository %s is held by %s (another configuration "
                 "change in progress, or a node that stopped while editing: its lock expires "
                 "after %llu s); nothing was changed: retry",
                 repo_path(repo), who, (unsigned long long)(tm.expire / USEC_PER_SEC));
        return r == -EBUSY ? -HAMR_E_BUSY : r;
}

int hamrd_config_lock_keep(repo_work_ctx_t *ctx, repo_t *repo, char *err, size_t errlen)
{
        int r = repo_cfglock_keep(&ctx->cfglock, repo);

        if (r < 0)
                snprintf(err, errlen,
                         "the configuration lock on repository %s was lost (the repository is "
                         "too slow); nothing was written: retry",
                         repo_path(repo));
        return r;
}

/* The on-disk lock is left to the worker, which releases it once no more
 * jobs are queued (a burst of edits claims it once). */
void hamrd_config_unlock(repo_work_ctx_t *ctx, repo_t *repo)
{
        (void)ctx;
        repo_config_unlock(repo);
}

uint16_t hamrd_config_lock_owner(const hamrd_t *d)
{
        return d->cfg && d->member ? d->self_id : REPO_CFGLOCK_ANON;
}

/* ------------------------------------------------------------------ load */

typedef struct load_job {
        repo_job_t job;
        uint8_t index;      /* repository index the path was chosen for */
        bool want_handle;   /* open a handle for the loop (disk worker) */
        repo_t *handle;     /* out, owned until done */
        int open_r, read_r; /* out */
        uint64_t gen;       /* out */
        char *text;         /* out, malloc'd */
} load_job_t;

static void load_run(repo_job_t *job, repo_work_ctx_t *ctx)
{
        load_job_t *lj = (load_job_t *)job;
        repo_t *repo = NULL;

        lj->open_r = repo_work_repo(ctx, job->path, &repo);
        if (lj->open_r == 0 && lj->want_handle)
                lj->open_r = repo_open(job->path, &lj->handle);
        if (lj->open_r == 0)
                lj->read_r = repo_config_read(repo, &lj->gen, &lj->text);
}

static void use_cache(hamrd_t *d, const char *why);

static void load_done(void *ud, repo_job_t *job)
{
        hamrd_t *d = ud;
        load_job_t *lj = (load_job_t *)job;
        char err[CONF_ERR_LEN];
        int io_err;

        d->load_pending = false;
        if (lj->handle) {
                if (!d->repo && lj->index == d->repo_index) {
                        d->repo = lj->handle;
                        if (d->cfg && d->member)
                                hamrd_repo_attach(d);
                        else /* keep polling the repository for a first generation */
                                topo_disk_config(d->topo, d->repo, 0, 0, 200 * USEC_PER_MSEC);
                        if (d->load_hung)
                                log_info("daemon", "repository %s answers again", job->path);
                        d->load_hung = false;
                } else {
                        repo_close(lj->handle);
                }
        }
        /* cannot be opened (I/O error, or not a repository) or read */
        io_err = lj->open_r < 0 ? lj->open_r : lj->read_r == -ENOENT ? 0 : lj->read_r;
        d->load_failed = io_err < 0;
        if (io_err < 0) {
                use_cache(d, strerror(-io_err)); /* start-up only (no configuration yet) */
        } else {
                /* the repository answered (a configuration, or none yet):
                 * the cached copy is not needed any more */
                free(d->cache_text);
                d->cache_text = NULL;
        }
        if (lj->open_r == 0 && lj->read_r == 0 &&
            hamrd_config_adopt(d, lj->gen, lj->text, err, sizeof(err)) < 0)
                log_err("daemon", "configuration generation %llu not applied: %s",
                        (unsigned long long)lj->gen, err);
        free(lj->text);
        free(lj);
}

static void load_expire(void *ud, repo_job_t *job, bool running)
{
        hamrd_t *d = ud;
        (void)running;
        if (!d->load_hung)
                log_warn("daemon", "repository %s does not answer (configuration read for %llu s)",
                         job->path, (unsigned long long)(job->timeout_usec / USEC_PER_SEC));
        d->load_hung = true;
        if (!d->cfg)
                use_cache(d, "does not answer");
}

void hamrd_config_reload(hamrd_t *d)
{
        load_job_t *lj;

        if (d->load_pending)
                return;
        lj = zalloc(sizeof(*lj));
        lj->index = d->repo_index;
        lj->want_handle = !d->repo;
        snprintf(lj->job.path, sizeof(lj->job.path), "%s", hamrd_repo_path(d, d->repo_index));
        lj->job.timeout_usec = HAMRD_REPO_IO_TIMEOUT_USEC;
        lj->job.run = load_run;
        lj->job.done = load_done;
        lj->job.expire = load_expire;
        if (hamrd_config_submit(d, &lj->job, 0))
                d->load_pending = true;
        else
                free(lj);
}

/* ------------------------------------------------- start-up and the cache */

typedef struct cache_job {
        uv_work_t req;
        hamrd_t *d;
        char path[4200];
        char *text;         /* out */
        uint64_t gen;       /* out */
        usec_t detect_usec; /* out: the cached configuration's detection time */
} cache_job_t;

/* libuv thread pool: read and check the cached configuration. */
static void cache_read_work(uv_work_t *req)
{
        cache_job_t *cj = req->data;
        conf_db_t *db = NULL;
        hamr_config_t *cfg = NULL;
        char err[CONF_ERR_LEN];
        size_t cap = 0;
        FILE *f = fopen(cj->path, "re");

        if (!f)
                return;
        if (getdelim(&cj->text, &cap, '\0', f) <= 0 ||
            conf_db_parse(cj->text, &db, err, sizeof(err)) < 0 ||
            conf_compile(db, &cfg, err, sizeof(err)) < 0) {
                free(cj->text);
                cj->text = NULL;
        } else {
                cj->gen = db->generation;
                cj->detect_usec = hamr_config_detection(cfg);
        }
        fclose(f);
        hamr_config_free(cfg);
        conf_db_free(db);
}

/* At start-up only: the repository cannot be read (or does not answer),
 * but this node applied a configuration before. Use it so that the node can
 * take part over the network until the repository is back. */
static void use_cache(hamrd_t *d, const char *why)
{
        char err[CONF_ERR_LEN];

        if (d->cfg || !d->cache_text)
                return;
        log_warn("daemon", "repository %s %s: using the cached configuration generation %llu",
                 d->repo_path, why, (unsigned long long)d->cache_gen);
        if (apply_text(d, d->cache_text, d->cache_gen, err, sizeof(err)) < 0)
                log_err("daemon", "cached configuration not applied: %s", err);
        free(d->cache_text);
        d->cache_text = NULL;
}

static void free_handle(uv_handle_t *h)
{
        free(h);
}

static void on_cache_timer(uv_timer_t *t)
{
        hamrd_t *d = t->data;

        uv_close((uv_handle_t *)t, free_handle);
        if (!d->cfg && d->cache_text) {
                d->load_hung = !d->load_failed;
                use_cache(d, d->load_failed ? "cannot be read"
                                            : "does not answer within the detection time");
        }
}

static void cache_read_done(uv_work_t *req, int status)
{
        cache_job_t *cj = req->data;
        hamrd_t *d = cj->d;

        (void)status;
        if (cj->text && !d->cfg && !d->repo) { /* no answer from the repository yet */
                usec_t left = 0, since = now_usec() - d->start_usec;
                uv_timer_t *t = zalloc(sizeof(*t));

                d->cache_text = cj->text;
                d->cache_gen = cj->gen;
                cj->text = NULL;
                if (since < cj->detect_usec)
                        left = cj->detect_usec - since;
                if (d->load_failed) /* the repository failed already: no need to wait */
                        left = 0;
                uv_timer_init(d->loop, t);
                t->data = d;
                uv_timer_start(t, on_cache_timer, left / USEC_PER_MSEC, 0);
        }
        free(cj->text);
        free(cj);
}

void hamrd_config_start(hamrd_t *d)
{
        cache_job_t *cj = zalloc(sizeof(*cj));

        d->start_usec = now_usec();
        d->work = repo_work_new(d->loop, d);
        cj->d = d;
        cj->req.data = cj;
        snprintf(cj->path, sizeof(cj->path), "%s/applied.conf", d->state_dir);
        if (uv_queue_work(d->loop, &cj->req, cache_read_work, cache_read_done) < 0)
                free(cj);
        hamrd_config_reload(d);
}
