/* daemon_dare_wait: a sync with live changes answers once their owners
 * applied them. On the node that ran the sync (the coordinator while the
 * cluster runs), after the commit of generation G: each owner's report
 * says when its live changes of G are over (cstate_report_t.cfg_done),
 * and the last one that failed there (dare_fail). Then:
 *  - all applied: the sync's answer (as before, with the changes made);
 *  - one failed: the cluster rolls back: generation G+1 is written with
 *    the configuration before the sync (the owners undo what the change
 *    did, exec_dare), the administrator's edits are staged again, and the
 *    sync fails naming the node, the group and the error;
 *  - an owner left the view meanwhile: nothing to wait for there (its
 *    groups recover on other nodes with generation G);
 *  - not over within HAMRD_DARE_WAIT_USEC: the answer says which owners
 *    have not confirmed yet (the change goes on; clmgr status shows it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hamr_alloc.h"
#include "common/hamr_error.h"
#include "common/hamr_log.h"
#include "daemon/daemon.h"
#include "daemon/daemon_config.h"
#include "daemon/daemon_dare_wait.h"
#include "repo/repo_work.h"

/* Below the forwarding node's wait for the coordinator's answer (30 s). */
#define HAMRD_DARE_WAIT_USEC (15 * USEC_PER_SEC)

typedef struct hamrd_dare_wait {
        struct hamrd_dare_wait *next;
        uint32_t conn;
        uint64_t gen;    /* the generation committed */
        char *prev_text; /* the configuration before it (the rollback) */
        char *text;      /* the generation committed (staged again on rollback) */
        uint64_t owners; /* node ids with a live change to apply */
        usec_t deadline;
        json_t *answer; /* the sync's answer when all went well */
} hamrd_dare_wait_t;

static void wait_free(hamrd_dare_wait_t *w)
{
        free(w->prev_text);
        free(w->text);
        json_decref(w->answer);
        free(w);
}

void hamrd_dare_wait_start(hamrd_t *d, uint32_t conn, uint64_t gen, const char *prev_text,
                           const char *text, json_t *owners, json_t *answer)
{
        hamrd_dare_wait_t *w;
        uint64_t mask = 0;

        for (size_t i = 0; i < json_array_size(owners); i++) {
                int n =
                    hamr_config_node_by_name(d->cfg, json_string_value(json_array_get(owners, i)));
                if (n >= 0)
                        mask |= 1ULL << d->cfg->nodes[n].id;
        }
        if (!mask || !prev_text) {
                hamrd_answer(d, conn, answer);
                return;
        }
        w = zalloc(sizeof(*w));
        w->conn = conn;
        w->gen = gen;
        w->prev_text = zstrdup(prev_text);
        w->text = zstrdup(text);
        w->owners = mask;
        w->deadline = now_usec() + HAMRD_DARE_WAIT_USEC;
        w->answer = answer;
        w->next = d->dare_waits;
        d->dare_waits = w;
        hamrd_kick(d);
}

/* ------------------------------------------------------------ rollback */

typedef struct rollback_job {
        repo_job_t job;
        uint32_t conn;
        uint64_t failed_gen;
        char *prev_text, *failed_text;
        uint16_t lock_owner;
        uint64_t lock_inc;
        char why[1024];
        /* out */
        int r;
        char err[CONF_ERR_LEN];
        char *committed_text;
        uint64_t committed_gen;
} rollback_job_t;

static void rollback_free(rollback_job_t *rj)
{
        free(rj->prev_text);
        free(rj->failed_text);
        free(rj->committed_text);
        free(rj);
}

/* Worker: generation failed_gen + 1 = the configuration before it, if
 * failed_gen is still the newest; the failed one staged again. */
static void rollback_run(repo_job_t *job, repo_work_ctx_t *ctx)
{
        rollback_job_t *rj = (rollback_job_t *)job;
        repo_t *repo = NULL;
        conf_db_t *db = NULL, *staged = NULL;
        _cleanup_free_ char *cur = NULL;
        uint64_t gen = 0;
        int r;

        r = hamrd_config_job_repo(ctx, job->path, &repo, rj->err, sizeof(rj->err));
        if (r == 0)
                r = hamrd_config_lock(ctx, repo, rj->lock_owner, rj->lock_inc, rj->err,
                                      sizeof(rj->err));
        if (r < 0) {
                rj->r = r;
                return;
        }
        r = repo_config_read(repo, &gen, &cur);
        if (r == 0 && gen != rj->failed_gen) {
                snprintf(rj->err, sizeof(rj->err),
                         "generation %llu was committed meanwhile: not rolled back",
                         (unsigned long long)gen);
                r = -HAMR_E_BUSY;
        }
        if (r == 0)
                r = conf_db_parse(rj->prev_text, &db, rj->err, sizeof(rj->err));
        if (r == 0)
                r = hamrd_config_lock_keep(ctx, repo, rj->err, sizeof(rj->err));
        if (r == 0) {
                db->generation = gen + 1;
                char *text = conf_db_format(db);
                r = repo_config_write(repo, gen + 1, text, strlen(text));
                if (r < 0) {
                        free(text);
                        snprintf(rj->err, sizeof(rj->err), "repository %s: write failed: %s",
                                 job->path, strerror(-r));
                } else {
                        rj->committed_text = text;
                        rj->committed_gen = gen + 1;
                }
        }
        /* the administrator's edits, to fix and sync again (PowerHA keeps
         * them in its default configuration directory) */
        if (r == 0 && conf_db_parse(rj->failed_text, &staged, rj->err, sizeof(rj->err)) == 0) {
                _cleanup_free_ char *text = conf_db_format(staged);
                repo_staged_write(repo, gen + 1, text, strlen(text));
        }
        hamrd_config_unlock(ctx, repo);
        conf_db_free(db);
        conf_db_free(staged);
        rj->r = r;
}

static void rollback_done(void *ud, repo_job_t *job)
{
        hamrd_t *d = ud;
        rollback_job_t *rj = (rollback_job_t *)job;
        char err[CONF_ERR_LEN + 1400];

        if (rj->committed_text &&
            hamrd_config_adopt(d, rj->committed_gen, rj->committed_text, err, sizeof(err)) < 0)
                log_err("daemon", "rollback generation %llu not applied: %s",
                        (unsigned long long)rj->committed_gen, err);
        if (rj->r == 0) {
                log_warn("daemon",
                         "sync: %s; rolled back: generation %llu is the configuration "
                         "before generation %llu",
                         rj->why, (unsigned long long)rj->committed_gen,
                         (unsigned long long)rj->failed_gen);
                snprintf(err, sizeof(err),
                         "%s; the cluster rolled back: generation %llu is the configuration of "
                         "generation %llu (before this sync), and the owners undid the change. "
                         "Your changes are staged again: fix the cause and sync again",
                         rj->why, (unsigned long long)rj->committed_gen,
                         (unsigned long long)(rj->failed_gen - 1));
        } else {
                log_err("daemon", "sync: %s; rollback failed: %s", rj->why, rj->err);
                snprintf(err, sizeof(err),
                         "%s; the rollback to the previous configuration failed: %s (generation "
                         "%llu stays active: fix the cause and sync again)",
                         rj->why, rj->err, (unsigned long long)rj->failed_gen);
        }
        if (!rj->job.expired && rj->job.ran && rj->conn)
                hamrd_answer_error(d, rj->conn, CLMGR_RC_ERROR, err);
        rollback_free(rj);
}

static void rollback_expire(void *ud, repo_job_t *job, bool running)
{
        hamrd_t *d = ud;
        hamrd_config_expired(d, ((rollback_job_t *)job)->conn, job, running);
}

static void rollback(hamrd_t *d, hamrd_dare_wait_t *w, const char *why)
{
        rollback_job_t *rj = zalloc(sizeof(*rj));

        rj->conn = w->conn;
        rj->failed_gen = w->gen;
        rj->prev_text = zstrdup(w->prev_text);
        rj->failed_text = zstrdup(w->text);
        rj->lock_owner = hamrd_config_lock_owner(d);
        rj->lock_inc = d->incarnation;
        snprintf(rj->why, sizeof(rj->why), "%s", why);
        snprintf(rj->job.path, sizeof(rj->job.path), "%s", hamrd_repo_path(d, d->repo_index));
        rj->job.timeout_usec = HAMRD_REPO_IO_TIMEOUT_USEC;
        rj->job.run = rollback_run;
        rj->job.done = rollback_done;
        rj->job.expire = rollback_expire;
        if (!hamrd_config_submit(d, &rj->job, w->conn))
                rollback_free(rj);
}

/* -------------------------------------------------------------- the wait */

/* 1: over (all applied, or failed: why filled), 0: waiting. */
static int check(hamrd_t *d, const hamrd_dare_wait_t *w, char *why, size_t len,
                 uint64_t *ret_pending)
{
        uint64_t members = d->memb->have_view ? d->memb->view.members : 0;
        uint64_t pending = 0;

        for (unsigned id = 0; id < CONF_MAX_NODES; id++) {
                if (!(w->owners >> id & 1) || !(members >> id & 1))
                        continue; /* not an owner, or it left: nothing to wait for */
                const cstate_report_t *rep = cstate_report_of(d->cs, (uint16_t)id);
                int n = hamr_config_node_by_id(d->cfg, id);
                if (!rep || rep->cfg_done < w->gen) {
                        pending |= 1ULL << id;
                        continue;
                }
                if (rep->dare_fail && rep->dare_fail_gen >= w->gen) {
                        int gi = hamr_config_rg_by_id(d->cfg, rep->dare_fail_rg);
                        snprintf(why, len,
                                 "the live change failed on node %s: resource_group %s: %s",
                                 n >= 0 ? d->cfg->nodes[n].name : "?",
                                 gi >= 0 ? d->cfg->rgs[gi].name : "?", rep->dare_fail);
                        return 1;
                }
        }
        *ret_pending = pending;
        return pending ? 0 : 1;
}

void hamrd_dare_wait_tick(hamrd_t *d)
{
        hamrd_dare_wait_t **pp = &d->dare_waits;
        usec_t now = now_usec();

        while (*pp) {
                hamrd_dare_wait_t *w = *pp;
                char why[1024] = "";
                uint64_t pending = 0;
                int over = d->cfg ? check(d, w, why, sizeof(why), &pending) : 1;

                if (!over && now < w->deadline) {
                        pp = &w->next;
                        continue;
                }
                *pp = w->next;
                if (why[0]) {
                        rollback(d, w, why);
                } else {
                        if (!over) {
                                char line[1024] = "live changes not confirmed yet by:";
                                for (unsigned id = 0; id < CONF_MAX_NODES; id++) {
                                        int n = hamr_config_node_by_id(d->cfg, id);
                                        if (pending >> id & 1 && n >= 0) {
                                                strncat(line, " ", sizeof(line) - strlen(line) - 1);
                                                strncat(line, d->cfg->nodes[n].name,
                                                        sizeof(line) - strlen(line) - 1);
                                        }
                                }
                                strncat(line, " (they go on: see clmgr status)",
                                        sizeof(line) - strlen(line) - 1);
                                if (!json_is_array(json_object_get(w->answer, "warnings")))
                                        json_object_set_new(w->answer, "warnings", json_array());
                                json_array_append_new(json_object_get(w->answer, "warnings"),
                                                      json_string(line));
                        }
                        hamrd_answer(d, w->conn, json_incref(w->answer));
                }
                wait_free(w);
        }
}
