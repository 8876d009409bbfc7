/* exec: acquire/release jobs for this node's resource groups. */
#include "exec/exec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agents/agent_fs.h"
#include "agents/agent_ipaddr.h"
#include "common/hamr_alloc.h"
#include "common/hamr_log.h"
#include "exec/exec_dare.h"
#include "exec/exec_hooks.h"
#include "exec/exec_monrun.h"
#include "exec/exec_rt.h"

/* Async callbacks carry (exec, group ID, token), never raw group pointers:
 * the group table may be rebuilt by a configuration change meanwhile. */
typedef struct step_ctx {
        exec_t *x;
        uint32_t group;
        uint64_t token;
        unsigned fs;      /* filesystem steps: the index in the group's FILESYSTEM */
        evlog_event_t ev; /* the step's event in the event log */
} step_ctx_t;

/* The event of a step of group gi's job (inside its rg_move_ event):
 * forward names the acquisition's event, else the release's. */
static void step_event(exec_t *x, unsigned gi, evlog_event_t *ev, bool forward, const char *acq,
                       const char *rel, const char *resource)
{
        evlog_start(ev, &x->g[gi].ev, forward ? acq : rel, "%s %s", resource, x->g[gi].name);
}

/* A step's event ended: COMPLETED, after an event_error when it failed. */
static void step_event_end(evlog_event_t *ev, int status, const char *reason)
{
        if (status != 0)
                evlog_error(ev, reason);
        evlog_end(ev, status != 0, status != 0 ? reason : NULL);
}

static void run_job(exec_t *x, unsigned gi);
static void start_job(exec_t *x, unsigned gi, bool acquire);

exec_t *exec_new(uv_loop_t *loop, const char *state_dir, void (*changed)(void *ud), void *ud)
{
        exec_t *x = zalloc(sizeof(*x));
        x->loop = loop;
        snprintf(x->state_dir, sizeof(x->state_dir), "%s", state_dir);
        x->changed = changed;
        x->ud = ud;
        return x;
}

void exec_free(exec_t *x)
{
        if (!x)
                return;
        exec_mons_free(x);
        exec_dare_free(x);
        free(x->g);
        free(x);
}

void exec_set_config(exec_t *x, const hamr_config_t *cfg, uint16_t self_id)
{
        group_rt_t *ng = zcalloc(cfg->nrgs ? cfg->nrgs : 1, sizeof(*ng));

        exec_dare_prepare(x, cfg); /* live changes: what the groups hold now */
        for (unsigned i = 0; i < cfg->nrgs; i++) {
                ng[i].id = cfg->rgs[i].id;
                ng[i].state = RG_S_OFFLINE;
                for (unsigned j = 0; j < x->ng; j++)
                        if (x->g[j].id == ng[i].id)
                                ng[i] = x->g[j];
                snprintf(ng[i].name, sizeof(ng[i].name), "%s", cfg->rgs[i].name); /* renamed? */
        }
        for (unsigned j = 0; j < x->ng; j++) {
                bool kept = false;
                for (unsigned i = 0; i < cfg->nrgs; i++)
                        kept |= x->g[j].id == cfg->rgs[i].id;
                if (!kept && x->g[j].state != RG_S_OFFLINE)
                        log_err("rgm", "group %s removed from configuration while %s here",
                                x->g[j].name, rg_state_str(x->g[j].state));
        }
        free(x->g);
        x->g = ng;
        x->ng = cfg->nrgs;
        x->cfg = cfg;
        x->self_id = self_id;
        exec_mons_rebuild(x);
        /* an acquisition waiting on startup monitors: the new ones check
         * afresh (none left: it goes on) */
        for (unsigned i = 0; i < x->ng; i++)
                if (x->g[i].job && x->g[i].startup == EXEC_STARTUP_WAIT &&
                    exec_mons_startup(x, i) == 0) {
                        x->g[i].startup = EXEC_STARTUP_OK;
                        x->changed(x->ud);
                }
        exec_dare_start(x);
}

static void set_state(exec_t *x, unsigned gi, rg_state_t s)
{
        group_rt_t *g = &x->g[gi];
        if (g->state == s)
                return;
        log_info("rgm", "group %s %s -> %s%s%s", g->name, rg_state_str(g->state), rg_state_str(s),
                 s == RG_S_ERROR ? ": " : "", s == RG_S_ERROR ? g->reason : "");
        g->state = s;
        x->changed(x->ud);
}

/* Steps: acquire = filesystems in order, then sips in order, then apps in
 * order; release = the reverse. */
static unsigned nsteps(const conf_rg_t *rg)
{
        return rg->nfss + rg->nsips + rg->napps;
}

static void finish_job(exec_t *x, unsigned gi)
{
        group_rt_t *g = &x->g[gi];

        g->job = false;
        exec_hooks_end(x, gi, g->acquiring, g->failed, g->reason);
        if (g->acquiring) {
                if (g->failed && g->undo_failed) {
                        /* the undo failed too: what runs here is not known,
                         * so the group counts as held (as a failed release) */
                        g->error_from_release = true;
                        g->clear_seen = g->clear_last;
                        set_state(x, gi, RG_S_ERROR);
                } else if (g->failed) {
                        /* undone cleanly: ERROR here, and this node may not
                         * host the group until an administrator acts on it,
                         * so the planner moves it to the next node of its
                         * list (PowerHA recovers a failed acquisition by
                         * moving the group); ERROR on every node when none
                         * can acquire it */
                        log_err("rgm",
                                "group %s: acquisition failed and undone here: the next node "
                                "may acquire it",
                                g->name);
                        g->error_from_release = false;
                        g->clear_seen = g->clear_last;
                        g->failed_here = true;
                        g->failed_seen = g->clear_last;
                        set_state(x, gi, RG_S_ERROR);
                } else {
                        set_state(x, gi, x->unmanaged ? RG_S_UNMANAGED : RG_S_ONLINE);
                        if (!x->unmanaged)
                                exec_mons_started(x, gi);
                }
        } else {
                if (g->failed) {
                        g->error_from_release = true;
                        g->clear_seen = g->clear_last;
                        set_state(x, gi, RG_S_ERROR);
                } else if (g->failed_here) {
                        /* released after its monitor's restarts were used
                         * up: ERROR here, not held, until an administrator
                         * acts on the group (the planner moves it on) */
                        g->error_from_release = false;
                        g->clear_seen = g->failed_seen;
                        snprintf(g->reason, sizeof(g->reason), "%s", g->mon_failure);
                        set_state(x, gi, RG_S_ERROR);
                } else {
                        set_state(x, gi, RG_S_OFFLINE);
                }
        }
        x->changed(x->ud);
}

static void step_done(void *ud, int status, const char *reason)
{
        step_ctx_t *sc = ud;
        exec_t *x = sc->x;
        int gi = exec_group_index(x, sc->group);

        step_event_end(&sc->ev, status, reason);
        if (gi >= 0 && x->g[gi].job && x->g[gi].token == sc->token) {
                group_rt_t *g = &x->g[gi];
                if (status != 0) {
                        if (g->acquiring && g->undoing)
                                g->undo_failed = true;
                        log_err("rgm", "group %s: %s", g->name, reason);
                        if (!g->failed)
                                snprintf(g->reason, sizeof(g->reason), "%s", reason);
                        g->failed = true;
                        if (g->acquiring && !g->undoing) {
                                g->undoing = true;
                                g->step = (int)nsteps(&x->cfg->rgs[gi]) - g->done_steps;
                        }
                }
                run_job(x, (unsigned)gi);
        }
        free(sc);
}

/* A filesystem step ended: a mount counts as done only once it worked
 * (its undo would unmount what is not ours otherwise). */
static void fs_step_done(void *ud, int status, const char *reason)
{
        step_ctx_t *sc = ud;
        exec_t *x = sc->x;
        int gi = exec_group_index(x, sc->group);

        if (gi >= 0 && x->g[gi].job && x->g[gi].token == sc->token && status == 0 &&
            x->g[gi].acquiring && !x->g[gi].undoing) {
                x->g[gi].done_steps++;
                x->g[gi].fs_mounted |= 1u << sc->fs;
        }
        step_done(ud, status, reason);
}

/* One mount of a parallel batch (RECOVERY_METHOD parallel) ended; the last
 * one goes on: forward when all worked, else undo (the mounted ones). */
static void fs_batch_done(void *ud, int status, const char *reason)
{
        step_ctx_t *sc = ud;
        exec_t *x = sc->x;
        int gi = exec_group_index(x, sc->group);
        group_rt_t *g = gi >= 0 ? &x->g[gi] : NULL;

        step_event_end(&sc->ev, status, reason);
        if (g && g->job && g->token == sc->token && g->fs_pending > 0) {
                if (status == 0) {
                        g->fs_mounted |= 1u << sc->fs;
                } else {
                        log_err("rgm", "group %s: %s", g->name, reason);
                        if (!g->failed)
                                snprintf(g->reason, sizeof(g->reason), "%s", reason);
                        g->failed = true;
                }
                if (--g->fs_pending == 0) {
                        const conf_rg_t *rg = &x->cfg->rgs[gi];

                        g->done_steps = (int)rg->nfss; /* an undo skips what is not mounted */
                        if (g->failed) {
                                g->undoing = true;
                                g->step = (int)nsteps(rg) - g->done_steps;
                        }
                        run_job(x, (unsigned)gi);
                }
        }
        free(sc);
}

static const char *const fs_type_names[] = {
    [CONF_FS_EXT4] = "ext4", [CONF_FS_EXT3] = "ext3",   [CONF_FS_EXT2] = "ext2",
    [CONF_FS_XFS] = "xfs",   [CONF_FS_BTRFS] = "btrfs",
};

/* Mount (forward) or unmount FILESYSTEM entry k of group gi off the loop.
 * 0: the step continues in fs_step_done (fs_batch_done for one of a
 * parallel batch, all with the token already set); or -errno with reason
 * filled. */
static int fs_step(exec_t *x, unsigned gi, unsigned k, bool forward, bool batch, char *reason,
                   size_t rlen)
{
        const conf_rg_t *rg = &x->cfg->rgs[gi];
        const conf_filesystem_t *f = &x->cfg->filesystems[rg->fss[k]];
        agent_fs_spec_t spec = {
            .name = f->name,
            .device = f->device,
            .mount_point = f->mount_point,
            .fs_type = fs_type_names[f->fs_type],
            .options = f->options,
            .fsck = rg->fsck_tool == CONF_FSCK_FSCK,
        };
        step_ctx_t *sc = zalloc(sizeof(*sc));
        int r;

        sc->x = x;
        sc->group = x->g[gi].id;
        sc->fs = k;
        sc->token = batch ? x->g[gi].token : (x->g[gi].token = ++x->next_token);
        step_event(x, gi, &sc->ev, forward, "get_disk_vg_fs", "release_vg_fs", f->name);
        r = agent_fs_start(x->loop, &spec, forward, batch ? fs_batch_done : fs_step_done, sc);
        if (r < 0) {
                snprintf(reason, rlen, "file_system %s: cannot %s: %s", f->name,
                         forward ? "mount" : "unmount", strerror(-r));
                step_event_end(&sc->ev, r, reason);
                free(sc);
        }
        return r;
}

static int ip_step(exec_t *x, unsigned gi, int sip, bool add, char *reason, size_t rlen)
{
        const conf_service_ip_t *s = &x->cfg->service_ips[sip];
        struct in_addr local = x->cfg->networks[s->network].addr[x->self_id];
        char ifname[64];
        evlog_event_t ev;
        int r;

        step_event(x, gi, &ev, add, "acquire_service_addr", "release_service_addr", s->name);
        r = agent_ipaddr_find_ifname(local, ifname);
        if (r < 0) {
                snprintf(reason, rlen,
                         "service_ip %s: no interface holds this node's address on network %s",
                         s->name, x->cfg->networks[s->network].name);
                step_event_end(&ev, r, reason);
                return r;
        }
        r = add ? agent_ipaddr_add(ifname, s->addr, s->prefix, 3)
                : agent_ipaddr_del(ifname, s->addr, s->prefix);
        if (r < 0)
                snprintf(reason, rlen, "service_ip %s: %s %s failed: %s", s->name,
                         add ? "adding" : "removing", ifname, strerror(-r));
        else {
                char line[160], a[INET_ADDRSTRLEN];

                inet_ntop(AF_INET, &s->addr, a, sizeof(a));
                snprintf(line, sizeof(line), "%s/%u %s %s", a, s->prefix,
                         add ? "added on" : "removed from", ifname);
                evlog_line(&ev, line);
        }
        step_event_end(&ev, r, reason);
        return r;
}

/* Run steps until one goes asynchronous or the job ends. Step numbering for
 * acquire: 0..nfss-1 filesystems, then IPs, then apps. Release and undo walk the same list
 * backwards: release step k means acquire step (n-1-k). */
static void run_job(exec_t *x, unsigned gi)
{
        group_rt_t *g = &x->g[gi];
        const conf_rg_t *rg = &x->cfg->rgs[gi];
        unsigned n = nsteps(rg);

        for (;;) {
                bool forward = g->acquiring && !g->undoing;
                unsigned k;

                if (forward) {
                        if ((unsigned)g->step >= n)
                                break;
                        k = (unsigned)g->step;
                } else {
                        if ((unsigned)g->step >= n)
                                break;
                        k = n - 1 - (unsigned)g->step;
                }
                g->step++;
                if (k < rg->nfss && g->acquiring && !forward && !(g->fs_mounted & (1u << k)))
                        continue; /* undo: this acquisition did not mount it */
                if (k == 0 && forward && rg->nfss > 1 &&
                    rg->recovery_method == CONF_RECOVERY_PARALLEL) {
                        /* RECOVERY_METHOD parallel: check and mount them all at once */
                        char reason[CSTATE_REASON_LEN];

                        g->token = ++x->next_token;
                        g->step = (int)rg->nfss;
                        for (unsigned i = 0; i < rg->nfss; i++) {
                                if (fs_step(x, gi, i, true, true, reason, sizeof(reason)) == 0) {
                                        g->fs_pending++;
                                        continue;
                                }
                                log_err("rgm", "group %s: %s", g->name, reason);
                                if (!g->failed)
                                        snprintf(g->reason, sizeof(g->reason), "%s", reason);
                                g->failed = true;
                        }
                        if (g->fs_pending)
                                return; /* continues in fs_batch_done */
                        g->undoing = true;
                        g->step = (int)n - g->done_steps;
                        continue;
                }
                if (k < rg->nfss) {
                        char reason[CSTATE_REASON_LEN];
                        int r = fs_step(x, gi, k, forward, false, reason, sizeof(reason));

                        if (r == 0)
                                return; /* continues in fs_step_done */
                        log_err("rgm", "group %s: %s", g->name, reason);
                        if (!g->failed)
                                snprintf(g->reason, sizeof(g->reason), "%s", reason);
                        g->failed = true;
                        if (g->acquiring && !forward)
                                g->undo_failed = true;
                        if (forward) {
                                g->undoing = true;
                                g->step = (int)n - g->done_steps;
                        }
                        continue;
                }
                k -= rg->nfss;
                if (k < rg->nsips) {
                        char reason[CSTATE_REASON_LEN];
                        int r = ip_step(x, gi, rg->sips[k], forward, reason, sizeof(reason));
                        if (r < 0) {
                                if (g->acquiring && !forward)
                                        g->undo_failed = true;
                                log_err("rgm", "group %s: %s", g->name, reason);
                                if (!g->failed)
                                        snprintf(g->reason, sizeof(g->reason), "%s", reason);
                                g->failed = true;
                                if (forward) {
                                        g->undoing = true;
                                        g->step = (int)n - g->done_steps;
                                }
                                continue;
                        }
                        if (forward)
                                g->done_steps++;
                        continue;
                }
                const conf_appctl_t *app = &x->cfg->appctls[rg->apps[k - rg->nsips]];
                step_ctx_t *sc = zalloc(sizeof(*sc));
                agent_app_job_t *job = NULL;
                int r;

                sc->x = x;
                sc->group = g->id;
                sc->token = g->token = ++x->next_token;
                if (forward)
                        g->done_steps++; /* counted before it runs: undo must stop it too */
                step_event(x, gi, &sc->ev, forward, "start_server", "stop_server", app->name);
                r = exec_app_run(x, rg, app, forward ? "start" : "stop",
                                 forward ? app->start_timeout_usec : app->stop_timeout_usec, 0,
                                 NULL, step_done, sc, &job);
                if (r == 0) {
                        agent_app_log_output(job, &sc->ev);
                        return; /* continues in step_done */
                }
                char reason[CSTATE_REASON_LEN];
                if (app->type == CONF_APP_OCF)
                        snprintf(reason, sizeof(reason),
                                 "%s %s of application_controller %s cannot run: %s", app->agent,
                                 forward ? "start" : "stop", app->name, strerror(-r));
                else
                        snprintf(reason, sizeof(reason),
                                 "%s %s of application_controller %s cannot run: %s",
                                 forward ? "STARTSCRIPT" : "STOPSCRIPT",
                                 forward ? app->startscript : app->stopscript, app->name,
                                 strerror(-r));
                step_event_end(&sc->ev, r, reason);
                free(sc);
                log_err("rgm", "group %s: %s", g->name, reason);
                if (!g->failed)
                        snprintf(g->reason, sizeof(g->reason), "%s", reason);
                g->failed = true;
                if (g->acquiring && !forward)
                        g->undo_failed = true;
                if (forward) {
                        g->done_steps--; /* it never started */
                        g->undoing = true;
                        g->step = (int)n - g->done_steps;
                }
        }
        if (g->acquiring && !g->undoing && !g->failed && !g->startup_begun && !x->unmanaged) {
                /* start scripts done: startup monitors (MODE startup|both)
                 * check that the applications run; exec_reconcile goes on */
                g->startup_begun = true;
                if (exec_mons_startup(x, gi) > 0) {
                        g->startup = EXEC_STARTUP_WAIT;
                        return;
                }
        }
        finish_job(x, gi);
}

static void start_job(exec_t *x, unsigned gi, bool acquire)
{
        group_rt_t *g = &x->g[gi];

        if (!acquire)
                exec_mons_stop(x, gi);
        g->job = true;
        g->acquiring = acquire;
        g->failed = false;
        g->undoing = false;
        g->undo_failed = false;
        g->step = 0;
        g->done_steps = 0;
        g->reason[0] = '\0';
        g->startup_begun = false;
        g->startup = EXEC_STARTUP_NONE;
        g->fs_mounted = 0;
        g->fs_pending = 0;
        g->hooks_wait = false;
        g->hooks_ready = false;
        g->too_long_at = 0;
        evlog_start(&g->ev, NULL, acquire ? "rg_move_acquire" : "rg_move_release", "%s %s",
                    exec_self_name(x), g->name);
        set_state(x, gi, acquire ? RG_S_ACQUIRING : RG_S_RELEASING);
        if (exec_hooks_pre(x, gi, acquire))
                return; /* the commands before the event first: exec_reconcile goes on */
        run_job(x, gi);
}

void exec_reconcile(exec_t *x, const exec_input_t *in)
{
        if (!x->cfg)
                return;
        x->may_hold = in->may_hold;
        exec_dare_run_pending(x); /* live changes planned by exec_set_config */
        if (in->have_suspended)
                exec_mons_suspend(x, in->suspended, in->nsuspended);
        for (unsigned gi = 0; gi < x->ng; gi++) {
                group_rt_t *g = &x->g[gi];
                uint16_t target = in->targets_valid ? in->target[gi] : RGM_NO_NODE;
                bool want_here =
                    in->targets_valid &&
                    (target == x->self_id || (in->cnodes && (in->cnodes[gi] >> x->self_id & 1u)));

                if (in->targets_valid)
                        g->clear_last = in->clear_seq[gi];
                if (g->job && g->hooks_wait && !g->acquiring && !in->may_hold) {
                        /* a release may no longer wait for its commands */
                        g->hooks_wait = false;
                        g->hooks_ready = true;
                        evlog_line(&g->ev, "released at once: this node may no longer hold the "
                                           "group (its commands before it go on)");
                }
                if (g->job && g->hooks_ready) { /* the pre-event commands ran */
                        g->hooks_ready = false;
                        run_job(x, gi);
                }
                if (g->job && g->startup == EXEC_STARTUP_OK) {
                        g->startup = EXEC_STARTUP_NONE;
                        finish_job(x, gi);
                } else if (g->job && g->startup == EXEC_STARTUP_FAILED) {
                        /* the start failed: undo the acquisition, ERROR here */
                        g->startup = EXEC_STARTUP_NONE;
                        snprintf(g->reason, sizeof(g->reason), "%s", g->startup_reason);
                        g->failed = true;
                        g->undoing = true;
                        g->step = (int)nsteps(&x->cfg->rgs[gi]) - g->done_steps;
                        run_job(x, gi);
                }
                if (g->job)
                        continue;
                if (g->failed_here && ((in->targets_valid && g->clear_last != g->failed_seen) ||
                                       in->services == SVC_INACTIVE)) {
                        /* an administrator acted on the group, or this
                         * node's services stopped: it may host it again */
                        log_info("rgm",
                                 "group %s: failure mark cleared (this node may host it again)",
                                 g->name);
                        g->failed_here = false;
                        exec_mons_stop(x, gi);
                        if (g->state == RG_S_ERROR && !g->error_from_release) {
                                g->reason[0] = '\0';
                                set_state(x, gi, RG_S_OFFLINE);
                        }
                        x->changed(x->ud);
                }
                if (g->state == RG_S_ERROR && in->targets_valid && g->clear_last != g->clear_seen) {
                        /* the administrator acted on the group: retry from a clean slate */
                        g->reason[0] = '\0';
                        set_state(x, gi, g->error_from_release ? RG_S_ONLINE : RG_S_OFFLINE);
                }
                if (g->state == RG_S_UNMANAGED && !x->unmanaged) {
                        set_state(x, gi, RG_S_ONLINE);
                        exec_mons_started(x, gi);
                }
                if (x->unmanaged)
                        continue;
                if (g->state == RG_S_ONLINE) {
                        /* Without quorum, release at once. With targets not
                         * (yet) valid, keep what we have. */
                        bool release = !in->may_hold || in->services != SVC_ACTIVE ||
                                       (in->targets_valid && !want_here) ||
                                       g->failed_here; /* it failed here (monitor, acquisition) */
                        /* children (and STOP_AFTER targets) first: their
                         * job's end reconciles again; without the right
                         * to hold, all at once */
                        if (release && in->may_hold &&
                            (exec_release_waits_deps(x, gi) ||
                             exec_serial_release_waits(x, in, gi) >= 0))
                                continue; /* SERIAL_RELEASE_ORDER: one after another */
                        if (release)
                                start_job(x, gi, false);
                } else if (g->state == RG_S_OFFLINE) {
                        if (want_here && in->may_hold && in->services == SVC_ACTIVE &&
                            exec_serial_acquire_waits(x, in, gi) < 0) /* SERIAL_ACQUISITION_ORDER */
                                start_job(x, gi, true);
                }
        }
}

unsigned exec_busy_count(const exec_t *x)
{
        unsigned n = 0;
        for (unsigned i = 0; i < x->ng; i++)
                if (x->g[i].job || x->g[i].state == RG_S_ONLINE ||
                    (x->g[i].state == RG_S_ERROR && x->g[i].error_from_release))
                        n++;
        return n;
}

static int cmp_grp(const void *a, const void *b)
{
        uint32_t x = ((const cstate_grp_t *)a)->id, y = ((const cstate_grp_t *)b)->id;
        return x < y ? -1 : x > y;
}

void exec_fill_report(const exec_t *x, cstate_report_t *r)
{
        for (uint32_t k = 0; r->groups && k < r->ngroups; k++) {
                free(r->groups[k].reason);
                free(r->groups[k].mon_failure);
        }
        free(r->groups);
        r->ngroups = x->ng;
        r->groups = x->ng ? zcalloc(x->ng, sizeof(*r->groups)) : NULL;
        for (unsigned i = 0; i < x->ng; i++) {
                r->groups[i].id = x->g[i].id;
                r->groups[i].state = (uint8_t)x->g[i].state;
                r->groups[i].clear_seen = x->g[i].clear_last;
                r->groups[i].reason = x->g[i].state == RG_S_ERROR && x->g[i].reason[0]
                                          ? zstrdup(x->g[i].reason)
                                          : NULL;
                r->groups[i].failed_here = x->g[i].failed_here;
                r->groups[i].mon_restarts =
                    (uint8_t)(x->g[i].mon_restarts > 255 ? 255 : x->g[i].mon_restarts);
                r->groups[i].mon_failure =
                    x->g[i].mon_failure[0] ? zstrdup(x->g[i].mon_failure) : NULL;
        }
        r->cfg_done = x->dare_done_gen;
        free(r->dare_fail);
        r->dare_fail = x->dare_fail_gen && x->dare_fail[0] ? zstrdup(x->dare_fail) : NULL;
        r->dare_fail_gen = r->dare_fail ? x->dare_fail_gen : 0;
        r->dare_fail_rg = r->dare_fail ? x->dare_fail_rg : 0;
        /* reports name groups by ascending ID */
        if (x->ng > 1)
                qsort(r->groups, x->ng, sizeof(*r->groups), cmp_grp);
}

void exec_set_unmanaged(exec_t *x, bool unmanaged)
{
        x->unmanaged = unmanaged;
        for (unsigned i = 0; i < x->ng; i++) {
                if (unmanaged && x->g[i].state == RG_S_ONLINE) {
                        exec_mons_stop(x, i);
                        set_state(x, i, RG_S_UNMANAGED);
                }
        }
}
