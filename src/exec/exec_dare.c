/* exec_dare: a live change of the groups ONLINE on this node: release what
 * the new generation takes from a group, acquire what it adds, leave the
 * rest alone. See exec_dare.h. */
#include "exec/exec_dare.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agents/agent_fs.h"
#include "agents/agent_ipaddr.h"
#include "common/hamr_alloc.h"
#include "common/hamr_log.h"
#include "conf/conf_delta.h"
#include "exec/exec_monrun.h"

/* One group's live change here. */
typedef struct exec_dare_rg {
        uint32_t id;
        conf_res_t held[CONF_RES_MAX]; /* what this node holds of the group */
        unsigned nheld;
        conf_res_t want[CONF_RES_MAX]; /* what the configuration gives it */
        unsigned nwant;
        conf_delta_step_t steps[CONF_DELTA_MAX_STEPS];
        unsigned nsteps, next; /* the step to run next */
        bool done[CONF_DELTA_MAX_STEPS];
        bool running, failed;
        bool pending; /* planned, its first step at the next exec_reconcile */
        uint64_t token;
        evlog_event_t ev; /* reconfig_resource_release / _acquire */
        bool ev_acquire;
} exec_dare_rg_t;

typedef struct dare_ctx {
        exec_t *x;
        uint32_t id;
        uint64_t token;
        evlog_event_t ev;
} dare_ctx_t;

static const char *const fs_type_names[] = {
    [CONF_FS_EXT4] = "ext4", [CONF_FS_EXT3] = "ext3",   [CONF_FS_EXT2] = "ext2",
    [CONF_FS_XFS] = "xfs",   [CONF_FS_BTRFS] = "btrfs",
};

static exec_dare_rg_t *find(const exec_t *x, uint32_t id)
{
        for (unsigned i = 0; i < x->ndare; i++)
                if (x->dare[i]->id == id)
                        return x->dare[i];
        return NULL;
}

static void clear_lists(exec_dare_rg_t *r)
{
        for (unsigned i = 0; i < r->nheld; i++)
                conf_res_clear(&r->held[i]);
        for (unsigned i = 0; i < r->nwant; i++)
                conf_res_clear(&r->want[i]);
        r->nheld = r->nwant = 0;
}

static void drop(exec_t *x, uint32_t id)
{
        for (unsigned i = 0; i < x->ndare; i++) {
                if (x->dare[i]->id != id)
                        continue;
                clear_lists(x->dare[i]);
                free(x->dare[i]);
                x->dare[i] = x->dare[--x->ndare];
                return;
        }
}

/* No change running any more: this generation's live changes are over. */
static void note_done(exec_t *x)
{
        for (unsigned i = 0; i < x->ndare; i++)
                if (x->dare[i]->running)
                        return;
        if (x->cfg && x->dare_done_gen != x->cfg->generation) {
                x->dare_done_gen = x->cfg->generation;
                x->changed(x->ud);
        }
}

bool exec_dare_running(const exec_t *x, uint32_t id)
{
        const exec_dare_rg_t *r = find(x, id);
        return r && r->running;
}

void exec_dare_free(exec_t *x)
{
        while (x->ndare)
                drop(x, x->dare[0]->id);
        free(x->dare);
        x->dare = NULL;
}

void exec_dare_prepare(exec_t *x, const hamr_config_t *next)
{
        if (!x->cfg)
                return;
        for (unsigned gi = 0; gi < x->ng; gi++) {
                group_rt_t *g = &x->g[gi];
                exec_dare_rg_t *r = find(x, g->id);

                if (r && !r->running && !(r->failed && g->state == RG_S_ONLINE)) {
                        drop(x, g->id); /* released, or an administrator's action */
                        r = NULL;
                }
                if (r || g->job || g->state != RG_S_ONLINE || x->unmanaged)
                        continue;
                int ni = hamr_config_rg_by_id(next, g->id);
                if (ni < 0 || !(conf_delta_group(x->cfg, &x->cfg->rgs[gi], next, &next->rgs[ni]) &
                                CONF_DELTA_RESOURCES))
                        continue; /* its resources stay as they are: no record */
                r = zalloc(sizeof(*r));
                r->id = g->id;
                r->nheld = conf_res_list(x->cfg, &x->cfg->rgs[gi], x->self_id, r->held);
                x->dare = zrealloc(x->dare, (x->ndare + 1) * sizeof(*x->dare));
                x->dare[x->ndare++] = r;
        }
}

static void run(exec_t *x, exec_dare_rg_t *r);
static void start_one(exec_t *x, exec_dare_rg_t *r, unsigned gi, bool now);

/* A newer generation came while the change ran: more to do? */
static bool more_to_do(exec_t *x, exec_dare_rg_t *r, unsigned gi)
{
        unsigned n = conf_res_list(x->cfg, &x->cfg->rgs[gi], x->self_id, r->want);
        bool more = conf_delta_steps(r->held, r->nheld, r->want, n, r->steps) > 0;

        for (unsigned i = 0; i < n; i++)
                conf_res_clear(&r->want[i]);
        return more;
}

/* The job's steps are over (all done, or one failed): what is held now. */
static void settle_held(exec_dare_rg_t *r)
{
        conf_res_t held[CONF_RES_MAX];
        unsigned n = 0;

        for (unsigned i = 0; i < r->nheld; i++) {
                bool released = false;
                for (unsigned s = 0; s < r->nsteps; s++)
                        released |= !r->steps[s].acquire && r->steps[s].index == i && r->done[s];
                if (released)
                        conf_res_clear(&r->held[i]);
                else
                        held[n++] = r->held[i];
        }
        for (unsigned s = 0; s < r->nsteps; s++)
                if (r->steps[s].acquire && r->done[s] && n < CONF_RES_MAX)
                        conf_res_copy(&held[n++], &r->want[r->steps[s].index]);
        memcpy(r->held, held, n * sizeof(held[0]));
        r->nheld = n;
        for (unsigned i = 0; i < r->nwant; i++)
                conf_res_clear(&r->want[i]);
        r->nwant = 0;
}

static void end_phase_event(exec_dare_rg_t *r, int status, const char *reason)
{
        if (!r->ev.id)
                return;
        if (status != 0)
                evlog_error(&r->ev, reason);
        evlog_end(&r->ev, status != 0, status != 0 ? reason : NULL);
        memset(&r->ev, 0, sizeof(r->ev));
}

/* Group gi's change ends: ONLINE, or ERROR (still held) after a failure. */
static void finish(exec_t *x, exec_dare_rg_t *r, unsigned gi, const char *reason)
{
        group_rt_t *g = &x->g[gi];

        end_phase_event(r, reason ? -1 : 0, reason);
        settle_held(r);
        r->running = false;
        g->job = false;
        if (reason) {
                /* the group stays ONLINE with what it holds (the planner
                 * moves nothing for it); the failure is reported apart
                 * (cstate_report_t.dare_fail), for the sync that waits */
                r->failed = true;
                log_err("rgm", "group %s: live change failed here: %s", g->name, reason);
                x->dare_fail_gen = x->cfg->generation;
                x->dare_fail_rg = g->id;
                snprintf(x->dare_fail, sizeof(x->dare_fail), "%s", reason);
                exec_mons_started(x, gi);
        } else {
                if (more_to_do(x, r, gi)) {
                        start_one(x, r, gi, true);
                        return;
                }
                log_info("rgm", "group %s: live change applied here", g->name);
                evlog_instant(NULL, "reconfig_resource_complete", "%s %s", exec_self_name(x),
                              g->name);
                if (x->dare_fail_rg == g->id) {
                        x->dare_fail_gen = 0;
                        x->dare_fail_rg = 0;
                        x->dare_fail[0] = '\0';
                }
                exec_mons_started(x, gi);
                drop(x, g->id);
        }
        note_done(x);
        x->changed(x->ud);
}

static void step_failed(exec_t *x, exec_dare_rg_t *r, unsigned gi, const char *reason)
{
        finish(x, r, gi, reason);
}

static void step_done_cb(void *ud, int status, const char *reason)
{
        dare_ctx_t *c = ud;
        exec_t *x = c->x;
        exec_dare_rg_t *r = find(x, c->id);
        int gi = exec_group_index(x, c->id);

        if (status != 0)
                evlog_error(&c->ev, reason);
        evlog_end(&c->ev, status != 0, status != 0 ? reason : NULL);
        if (r && r->running && r->token == c->token && gi >= 0) {
                if (status != 0) {
                        const conf_delta_step_t *s = &r->steps[r->next];
                        /* a start script that failed may have left something
                         * running: held, so that its stop script runs when
                         * the application is released (as exec.c's undo) */
                        const conf_res_t *res =
                            s->acquire ? &r->want[s->index] : &r->held[s->index];
                        char why[CSTATE_REASON_LEN];
                        if (s->acquire && res->kind == CONF_RES_APP)
                                r->done[r->next] = true;
                        if (res->kind == CONF_RES_APP) /* agent_fs names its file_system */
                                snprintf(why, sizeof(why), "application_controller %s: %s",
                                         res->name, reason);
                        else
                                snprintf(why, sizeof(why), "%s", reason);
                        step_failed(x, r, (unsigned)gi, why);
                } else {
                        r->done[r->next++] = true;
                        run(x, r);
                }
        }
        free(c);
}

static dare_ctx_t *new_ctx(exec_t *x, exec_dare_rg_t *r)
{
        dare_ctx_t *c = zalloc(sizeof(*c));

        c->x = x;
        c->id = r->id;
        c->token = r->token = ++x->next_token;
        return c;
}

/* Service IP step: synchronous (rtnetlink). 0 or -errno with reason. */
static int sip_step(exec_t *x, unsigned gi, exec_dare_rg_t *r, const conf_res_t *res, bool add,
                    char *reason, size_t rlen)
{
        evlog_event_t ev;
        char ifname[64], a[INET_ADDRSTRLEN], line[200];
        int rc;

        evlog_start(&ev, &r->ev, add ? "acquire_service_addr" : "release_service_addr", "%s %s",
                    res->name, x->g[gi].name);
        rc = agent_ipaddr_find_ifname(res->local, ifname);
        if (rc < 0) {
                snprintf(reason, rlen,
                         "service_ip %s: no interface holds this node's address on network %s",
                         res->name, res->network);
        } else {
                rc = add ? agent_ipaddr_add(ifname, res->addr, res->prefix, 3)
                         : agent_ipaddr_del(ifname, res->addr, res->prefix);
                if (rc < 0)
                        snprintf(reason, rlen, "service_ip %s: %s %s failed: %s", res->name,
                                 add ? "adding" : "removing", ifname, strerror(-rc));
        }
        if (rc == 0) {
                inet_ntop(AF_INET, &res->addr, a, sizeof(a));
                snprintf(line, sizeof(line), "%s/%u %s %s", a, res->prefix,
                         add ? "added on" : "removed from", ifname);
                evlog_line(&ev, line);
        } else {
                evlog_error(&ev, reason);
        }
        evlog_end(&ev, rc != 0, rc != 0 ? reason : NULL);
        return rc;
}

static int fs_step(exec_t *x, unsigned gi, exec_dare_rg_t *r, const conf_res_t *res, bool mount,
                   char *reason, size_t rlen)
{
        agent_fs_spec_t spec = {
            .name = res->name,
            .device = res->device,
            .mount_point = res->mount_point,
            .fs_type = fs_type_names[res->fs_type < CONF_FS_TYPE_COUNT ? res->fs_type : 0],
            .options = res->options ? res->options : "",
            .fsck = res->fsck,
        };
        dare_ctx_t *c = new_ctx(x, r);
        int rc;

        evlog_start(&c->ev, &r->ev, mount ? "get_disk_vg_fs" : "release_vg_fs", "%s %s", res->name,
                    x->g[gi].name);
        rc = agent_fs_start(x->loop, &spec, mount, step_done_cb, c);
        if (rc < 0) {
                snprintf(reason, rlen, "file_system %s: cannot %s: %s", res->name,
                         mount ? "mount" : "unmount", strerror(-rc));
                evlog_error(&c->ev, reason);
                evlog_end(&c->ev, 1, reason);
                free(c);
        }
        return rc;
}

static int app_step(exec_t *x, unsigned gi, exec_dare_rg_t *r, const conf_res_t *res, bool start,
                    char *reason, size_t rlen)
{
        char envbuf[4][4200];
        const char *env[4] = {envbuf[0], envbuf[1], envbuf[2], NULL};
        const char *script = start ? res->startscript : res->stopscript;
        dare_ctx_t *c = new_ctx(x, r);
        agent_app_job_t *job = NULL;
        int rc;

        exec_app_env(x, &x->cfg->rgs[gi], envbuf);
        evlog_start(&c->ev, &r->ev, start ? "start_server" : "stop_server", "%s %s", res->name,
                    x->g[gi].name);
        rc = agent_app_run(x->loop, start ? "STARTSCRIPT" : "STOPSCRIPT", script, env,
                           start ? res->start_timeout_usec : res->stop_timeout_usec, step_done_cb,
                           c, &job);
        if (rc == 0) {
                agent_app_log_output(job, &c->ev);
                return 0;
        }
        snprintf(reason, rlen, "%s %s of application_controller %s cannot run: %s",
                 start ? "STARTSCRIPT" : "STOPSCRIPT", script, res->name, strerror(-rc));
        evlog_error(&c->ev, reason);
        evlog_end(&c->ev, 1, reason);
        free(c);
        return rc;
}

/* Run steps until one goes asynchronous, one fails or the change ends. */
static void run(exec_t *x, exec_dare_rg_t *r)
{
        int gi = exec_group_index(x, r->id);
        char reason[CSTATE_REASON_LEN];

        if (gi < 0)
                return;
        while (r->next < r->nsteps) {
                const conf_delta_step_t *s = &r->steps[r->next];
                const conf_res_t *res = s->acquire ? &r->want[s->index] : &r->held[s->index];
                int rc;

                if (!r->ev.id || r->ev_acquire != s->acquire) {
                        end_phase_event(r, 0, NULL);
                        r->ev_acquire = s->acquire;
                        evlog_start(&r->ev, NULL,
                                    s->acquire ? "reconfig_resource_acquire"
                                               : "reconfig_resource_release",
                                    "%s %s", exec_self_name(x), x->g[gi].name);
                }
                switch (res->kind) {
                case CONF_RES_SIP:
                        rc = sip_step(x, (unsigned)gi, r, res, s->acquire, reason, sizeof(reason));
                        if (rc == 0) {
                                r->done[r->next++] = true;
                                continue;
                        }
                        break;
                case CONF_RES_FS:
                        rc = fs_step(x, (unsigned)gi, r, res, s->acquire, reason, sizeof(reason));
                        if (rc == 0)
                                return; /* continues in step_done_cb */
                        break;
                default:
                        rc = app_step(x, (unsigned)gi, r, res, s->acquire, reason, sizeof(reason));
                        if (rc == 0)
                                return;
                        break;
                }
                step_failed(x, r, (unsigned)gi, reason);
                return;
        }
        finish(x, r, (unsigned)gi, NULL);
}

/* Start group gi's change if what it holds differs from what the
 * configuration gives it (now, or at the next exec_reconcile: the loop
 * iteration that applied the configuration does not also start scripts); a
 * failed change with nothing left to do is healed. */
static void start_one(exec_t *x, exec_dare_rg_t *r, unsigned gi, bool now)
{
        group_rt_t *g = &x->g[gi];
        char line[300];

        r->nwant = conf_res_list(x->cfg, &x->cfg->rgs[gi], x->self_id, r->want);
        r->nsteps = conf_delta_steps(r->held, r->nheld, r->want, r->nwant, r->steps);
        r->next = 0;
        memset(r->done, 0, sizeof(r->done));
        if (r->nsteps == 0) {
                for (unsigned i = 0; i < r->nwant; i++)
                        conf_res_clear(&r->want[i]);
                r->nwant = 0;
                if (r->failed) {
                        r->running = true; /* finish() clears the failure */
                        g->job = true;
                        finish(x, r, gi, NULL);
                } else {
                        drop(x, r->id);
                }
                return;
        }
        for (unsigned s = 0; s < r->nsteps; s++) {
                conf_delta_step_str(&r->steps[s], r->held, r->want, line, sizeof(line));
                log_info("rgm", "group %s: live change: %s", g->name, line);
        }
        r->running = true;
        g->job = true; /* exec_reconcile leaves it alone meanwhile */
        if (now) {
                run(x, r);
        } else {
                r->pending = true;
                x->changed(x->ud); /* a step soon */
        }
}

void exec_dare_run_pending(exec_t *x)
{
        for (unsigned i = 0; i < x->ndare; i++) {
                exec_dare_rg_t *r = x->dare[i];
                if (!r->pending)
                        continue;
                r->pending = false;
                run(x, r);
                i = (unsigned)-1; /* run() may have dropped records: look again */
        }
}

void exec_dare_start(exec_t *x)
{
        /* a copy of the ids: a change may end (and drop its record) at once */
        unsigned n = x->ndare;
        uint32_t *ids = zcalloc(n ? n : 1, sizeof(*ids));

        for (unsigned i = 0; i < n; i++)
                ids[i] = x->dare[i]->id;
        for (unsigned i = 0; i < n; i++) {
                exec_dare_rg_t *r = find(x, ids[i]);
                int gi = exec_group_index(x, ids[i]);

                if (!r || r->running)
                        continue; /* a running change looks again at its end */
                if (gi < 0) {
                        drop(x, ids[i]);
                        continue;
                }
                start_one(x, r, (unsigned)gi, false);
        }
        free(ids);
        note_done(x);
}
