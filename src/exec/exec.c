/* exec: acquire/release jobs for this node's resource groups. */
#include "exec/exec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agents/agent_app.h"
#include "agents/agent_ipaddr.h"
#include "agents/agent_proc.h"
#include "exec/exec_monitor.h"
#include "common/hamr_alloc.h"
#include "common/hamr_log.h"

typedef struct group_rt {
        uint32_t id; /* conf_rg_t.id: state follows the group across renames */
        char name[CONF_MAX_NAME + 1];
        rg_state_t state;
        bool job;       /* a job is running */
        bool acquiring; /* job kind */
        bool failed;    /* current job had a failure */
        bool undoing;   /* acquire failed: undoing done steps */
        bool error_from_release;
        int step;            /* next step index */
        int done_steps;      /* acquire steps completed */
        uint32_t clear_seen; /* clear_seq at the time of the error */
        uint32_t clear_last; /* newest clear_seq seen */
        char reason[CSTATE_REASON_LEN];
        uint64_t token; /* identifies the running step for async callbacks */
        /* application monitors */
        bool failed_here;     /* restarts used up (fallover): released, ERROR here */
        uint32_t failed_seen; /* clear_seq when it failed: an admin action clears it */
        unsigned mon_restarts;
        char mon_failure[CSTATE_REASON_LEN];
} group_rt_t;

/* One application monitor running for its group on this node. Heap
 * allocated (it holds a uv timer); async callbacks find it by id. */
typedef struct mon_rt {
        exec_t *x;
        uint64_t id;
        unsigned mi;    /* index into cfg->appmons */
        uint32_t group; /* conf_rg_t.id */
        exec_mon_t sm;
        uv_timer_t timer;
        agent_app_job_t *job; /* running check or restart step, or NULL */
        bool restarting;
        unsigned step;       /* restart: cleanup steps, then restart steps */
        uint64_t step_token; /* of the job: a cancelled job's late callback is ignored */
} mon_rt_t;

struct rgm_exec {
        uv_loop_t *loop;
        char state_dir[4096];
        void (*changed)(void *ud);
        void *ud;
        const hamr_config_t *cfg;
        uint16_t self_id;
        group_rt_t *g; /* [cfg->nrgs] */
        unsigned ng;
        uint64_t next_token;
        bool unmanaged;
        mon_rt_t **mons;
        unsigned nmons;
        uint64_t next_mon;
};

/* Async callbacks carry (exec, group ID, token), never raw group pointers:
 * the group table may be rebuilt by a configuration change meanwhile. */
typedef struct step_ctx {
        exec_t *x;
        uint32_t group;
        uint64_t token;
} step_ctx_t;

static void run_job(exec_t *x, unsigned gi);
static void start_job(exec_t *x, unsigned gi, bool acquire);
static void mons_started(exec_t *x, unsigned gi);
static void mons_stop(exec_t *x, unsigned gi);
static void mons_rebuild(exec_t *x);
static void mons_free(exec_t *x);

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
        mons_free(x);
        free(x->g);
        free(x);
}

void exec_set_config(exec_t *x, const hamr_config_t *cfg, uint16_t self_id)
{
        group_rt_t *ng = zcalloc(cfg->nrgs ? cfg->nrgs : 1, sizeof(*ng));

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
        mons_rebuild(x);
}

static int group_index(exec_t *x, uint32_t id)
{
        for (unsigned i = 0; i < x->ng; i++)
                if (x->g[i].id == id)
                        return (int)i;
        return -1;
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

/* Steps: acquire = sips in order, then apps in order; release = the reverse. */
static unsigned nsteps(const conf_rg_t *rg)
{
        return rg->nsips + rg->napps;
}

static void finish_job(exec_t *x, unsigned gi)
{
        group_rt_t *g = &x->g[gi];

        g->job = false;
        if (g->acquiring) {
                if (g->failed) {
                        g->error_from_release = false;
                        g->clear_seen = g->clear_last;
                        set_state(x, gi, RG_S_ERROR);
                } else {
                        set_state(x, gi, x->unmanaged ? RG_S_UNMANAGED : RG_S_ONLINE);
                        if (!x->unmanaged)
                                mons_started(x, gi);
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
        int gi = group_index(x, sc->group);

        if (gi >= 0 && x->g[gi].job && x->g[gi].token == sc->token) {
                group_rt_t *g = &x->g[gi];
                if (status != 0) {
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

static void app_env(exec_t *x, const conf_rg_t *rg, char env[4][4200])
{
        snprintf(env[0], 4200, "HAMR_NODE=%s",
                 x->cfg->nodes[hamr_config_node_by_id(x->cfg, x->self_id)].name);
        snprintf(env[1], 4200, "HAMR_RG=%s", rg->name);
        snprintf(env[2], 4200, "HAMR_STATE_DIR=%s", x->state_dir);
        env[3][0] = '\0';
}

static int ip_step(exec_t *x, const conf_rg_t *rg, int sip, bool add, char *reason, size_t rlen)
{
        const conf_service_ip_t *s = &x->cfg->service_ips[sip];
        struct in_addr local = x->cfg->networks[s->network].addr[x->self_id];
        char ifname[64];
        int r;

        r = agent_ipaddr_find_ifname(local, ifname);
        if (r < 0) {
                snprintf(reason, rlen,
                         "service_ip %s: no interface holds this node's address on network %s",
                         s->name, x->cfg->networks[s->network].name);
                return r;
        }
        r = add ? agent_ipaddr_add(ifname, s->addr, s->prefix, 3)
                : agent_ipaddr_del(ifname, s->addr, s->prefix);
        if (r < 0)
                snprintf(reason, rlen, "service_ip %s: %s %s failed: %s", s->name,
                         add ? "adding" : "removing", ifname, strerror(-r));
        (void)rg;
        return r;
}

/* Run steps until one goes asynchronous or the job ends. Step numbering for
 * acquire: 0..nsips-1 IPs, then apps. Release and undo walk the same list
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
                if (k < rg->nsips) {
                        char reason[CSTATE_REASON_LEN];
                        int r = ip_step(x, rg, rg->sips[k], forward, reason, sizeof(reason));
                        if (r < 0) {
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
                char envbuf[4][4200];
                const char *env[4] = {envbuf[0], envbuf[1], envbuf[2], NULL};
                step_ctx_t *sc = zalloc(sizeof(*sc));
                int r;

                app_env(x, rg, envbuf);
                sc->x = x;
                sc->group = g->id;
                sc->token = g->token = ++x->next_token;
                if (forward)
                        g->done_steps++; /* counted before it runs: undo must stop it too */
                r = agent_app_run(x->loop, forward ? "STARTSCRIPT" : "STOPSCRIPT",
                                  forward ? app->startscript : app->stopscript, env,
                                  forward ? app->start_timeout_usec : app->stop_timeout_usec,
                                  step_done, sc, NULL);
                if (r == 0)
                        return; /* continues in step_done */
                free(sc);
                char reason[CSTATE_REASON_LEN];
                snprintf(reason, sizeof(reason),
                         "%s %s of application_controller %s cannot run: %s",
                         forward ? "STARTSCRIPT" : "STOPSCRIPT",
                         forward ? app->startscript : app->stopscript, app->name, strerror(-r));
                log_err("rgm", "group %s: %s", g->name, reason);
                if (!g->failed)
                        snprintf(g->reason, sizeof(g->reason), "%s", reason);
                g->failed = true;
                if (forward) {
                        g->done_steps--; /* it never started */
                        g->undoing = true;
                        g->step = (int)n - g->done_steps;
                }
        }
        finish_job(x, gi);
}

static void start_job(exec_t *x, unsigned gi, bool acquire)
{
        group_rt_t *g = &x->g[gi];

        if (!acquire)
                mons_stop(x, gi);
        g->job = true;
        g->acquiring = acquire;
        g->failed = false;
        g->undoing = false;
        g->step = 0;
        g->done_steps = 0;
        g->reason[0] = '\0';
        set_state(x, gi, acquire ? RG_S_ACQUIRING : RG_S_RELEASING);
        run_job(x, gi);
}

static bool busy_here(const exec_t *x, int g)
{
        return g >= 0 && (unsigned)g < x->ng && (x->g[g].job || x->g[g].state == RG_S_ONLINE);
}

/* A group this node holds or is busy with that group gi's release waits
 * for: a child of gi (parent/child: PowerHA releases children before their
 * parent), or the AFTER group of a STOP_AFTER dependency gi is a source
 * of. A group in ERROR holds nothing back. */
static bool release_waits_here(const exec_t *x, unsigned gi)
{
        for (unsigned d = 0; d < x->cfg->ndeps; d++) {
                const conf_dep_t *dep = &x->cfg->deps[d];

                for (unsigned k = 0; k < dep->nchildren; k++) {
                        if (dep->type == CONF_DEP_PARENT_CHILD && dep->parent == (int)gi &&
                            busy_here(x, dep->children[k]))
                                return true;
                        if (dep->type == CONF_DEP_STOP_AFTER && dep->children[k] == (int)gi &&
                            busy_here(x, dep->parent))
                                return true;
                }
        }
        return false;
}

void exec_reconcile(exec_t *x, const exec_input_t *in)
{
        if (!x->cfg)
                return;
        for (unsigned gi = 0; gi < x->ng; gi++) {
                group_rt_t *g = &x->g[gi];
                uint16_t target = in->targets_valid ? in->target[gi] : RGM_NO_NODE;
                bool want_here = in->targets_valid && target == x->self_id;

                if (in->targets_valid)
                        g->clear_last = in->clear_seq[gi];
                if (g->job)
                        continue;
                if (g->failed_here && ((in->targets_valid && g->clear_last != g->failed_seen) ||
                                       in->services == SVC_INACTIVE)) {
                        /* an administrator acted on the group, or this
                         * node's services stopped: it may host it again */
                        log_info("rgm", "group %s: monitor failure mark cleared", g->name);
                        g->failed_here = false;
                        mons_stop(x, gi);
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
                        mons_started(x, gi);
                }
                if (x->unmanaged)
                        continue;
                if (g->state == RG_S_ONLINE) {
                        /* Without quorum, release at once. With targets not
                         * (yet) valid, keep what we have. */
                        bool release = !in->may_hold || in->services != SVC_ACTIVE ||
                                       (in->targets_valid && target != x->self_id);
                        /* children (and STOP_AFTER targets) first: their
                         * job's end reconciles again; without the right
                         * to hold, all at once */
                        if (release && in->may_hold && release_waits_here(x, gi))
                                continue;
                        if (release)
                                start_job(x, gi, false);
                } else if (g->state == RG_S_OFFLINE) {
                        if (want_here && in->may_hold && in->services == SVC_ACTIVE)
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
        for (uint32_t k = 0; r->groups && k < r->ngroups; k++)
                free(r->groups[k].reason);
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
        /* reports name groups by ascending ID */
        if (x->ng > 1)
                qsort(r->groups, x->ng, sizeof(*r->groups), cmp_grp);
}

void exec_set_unmanaged(exec_t *x, bool unmanaged)
{
        x->unmanaged = unmanaged;
        for (unsigned i = 0; i < x->ng; i++) {
                if (unmanaged && x->g[i].state == RG_S_ONLINE) {
                        mons_stop(x, i);
                        set_state(x, i, RG_S_UNMANAGED);
                }
        }
}

/* ----- application monitors (docs/scripts.md): the decisions are
 * exec_monitor's; this part runs the scripts and the timers ----- */

typedef struct mon_ctx {
        exec_t *x;
        uint64_t id;
        uint64_t token;
} mon_ctx_t;

static uint64_t mon_token;

static mon_rt_t *mon_by_id(exec_t *x, uint64_t id)
{
        for (unsigned k = 0; k < x->nmons; k++)
                if (x->mons[k]->id == id)
                        return x->mons[k];
        return NULL;
}

static const conf_appmon_t *mon_conf(const mon_rt_t *m)
{
        return &m->x->cfg->appmons[m->mi];
}

static void mon_timer_cb(uv_timer_t *t);

static void mon_arm(mon_rt_t *m)
{
        usec_t now = now_usec(), d;

        if ((m->sm.phase != EXEC_MON_STABILIZING && m->sm.phase != EXEC_MON_MONITORING) ||
            m->sm.due == USEC_INFINITY || m->job) {
                uv_timer_stop(&m->timer);
                return;
        }
        d = m->sm.due > now ? m->sm.due - now : 0;
        uv_timer_start(&m->timer, mon_timer_cb, (d + USEC_PER_MSEC - 1) / USEC_PER_MSEC, 0);
}

/* Runs one script of monitor m; the job is m->job (not for notify). */
static int mon_run(mon_rt_t *m, const char *what, const char *script, usec_t timeout,
                   agent_app_done_cb cb, bool track)
{
        exec_t *x = m->x;
        int gi = group_index(x, m->group);
        char envbuf[4][4200], monenv[128];
        const char *env[5] = {envbuf[0], envbuf[1], envbuf[2], monenv, NULL};
        mon_ctx_t *c = zalloc(sizeof(*c));
        agent_app_job_t *job = NULL;
        int r;

        if (gi < 0)
                return -ENOENT;
        app_env(x, &x->cfg->rgs[gi], envbuf);
        snprintf(monenv, sizeof(monenv), "HAMR_MONITOR=%s", mon_conf(m)->name);
        c->x = x;
        c->id = m->id;
        c->token = track ? ++mon_token : 0;
        r = agent_app_run(x->loop, what, script, env, timeout, cb, c, &job);
        if (r < 0) {
                free(c);
                return r;
        }
        if (track) {
                m->job = job;
                m->step_token = c->token;
        }
        return 0;
}

static void notify_done(void *ud, int status, const char *reason)
{
        if (status != 0)
                log_warn("rgm", "%s", reason);
        free(ud);
}

static void mon_notify(mon_rt_t *m)
{
        const conf_appmon_t *am = mon_conf(m);

        if (am->notify[0] &&
            mon_run(m, "NOTIFYMETHOD", am->notify, 60 * USEC_PER_SEC, notify_done, false) < 0)
                log_warn("rgm", "application_monitor %s: NOTIFYMETHOD %s cannot run", am->name,
                         am->notify);
}

static void mon_record(mon_rt_t *m, const char *reason)
{
        exec_t *x = m->x;
        int gi = group_index(x, m->group);

        if (gi < 0)
                return;
        snprintf(x->g[gi].mon_failure, sizeof(x->g[gi].mon_failure), "application_monitor %s: %s",
                 mon_conf(m)->name, reason);
        log_warn("rgm", "group %s: %s", x->g[gi].name, x->g[gi].mon_failure);
}

static void restart_step(mon_rt_t *m);

static void mon_act(mon_rt_t *m, exec_mon_act_t act)
{
        exec_t *x = m->x;
        const conf_appmon_t *am = mon_conf(m);
        int gi = group_index(x, m->group);
        group_rt_t *g = gi >= 0 ? &x->g[gi] : NULL;

        if (g && g->mon_restarts != m->sm.restarts) {
                g->mon_restarts = m->sm.restarts;
                x->changed(x->ud);
        }
        switch (act) {
        case EXEC_MON_ACT_RESTART:
                log_warn("rgm", "group %s: application_monitor %s: restart %u of %u",
                         g ? g->name : "?", am->name, m->sm.restarts, am->restart_count);
                mon_notify(m);
                m->restarting = true;
                m->step = 0;
                restart_step(m);
                return;
        case EXEC_MON_ACT_NOTIFY:
                log_err("rgm",
                        "group %s: application_monitor %s: restarts used up "
                        "(FAILUREACTION=notify): the group stays here",
                        g ? g->name : "?", am->name);
                mon_notify(m);
                break;
        case EXEC_MON_ACT_FALLOVER:
                mon_notify(m);
                if (!g)
                        return;
                log_err("rgm",
                        "group %s: application_monitor %s: %u restarts used up "
                        "(FAILUREACTION=fallover): releasing, this node may not host it",
                        g->name, am->name, am->restart_count);
                g->failed_here = true;
                g->failed_seen = g->clear_last;
                x->changed(x->ud);
                if (!g->job && g->state == RG_S_ONLINE)
                        start_job(x, (unsigned)gi, false);
                return;
        default:
                break;
        }
        mon_arm(m);
}

static bool take_job(mon_ctx_t *c, mon_rt_t **ret)
{
        mon_rt_t *m = mon_by_id(c->x, c->id);
        bool ok = m && m->job && m->step_token == c->token;

        if (ok) {
                m->job = NULL;
                *ret = m;
        }
        free(c);
        return ok;
}

static void restart_done(void *ud, int status, const char *reason)
{
        mon_rt_t *m;

        if (!take_job(ud, &m) || !m->restarting)
                return;
        if (status != 0) {
                m->restarting = false;
                mon_record(m, reason);
                mon_act(m, exec_mon_restarted(&m->sm, now_usec(), false));
                return;
        }
        restart_step(m);
}

/* Cleanup (CLEANUPMETHOD, or the stop scripts in reverse), then restart
 * (RESTARTMETHOD, or the start scripts in order), one step at a time. */
static void restart_step(mon_rt_t *m)
{
        const conf_appmon_t *am = mon_conf(m);
        const hamr_config_t *cfg = m->x->cfg;
        unsigned ncl = am->cleanup[0] ? 1 : am->napps, nrs = am->restart[0] ? 1 : am->napps;
        const conf_appctl_t *first = &cfg->appctls[am->apps[0]];
        const char *what, *script;
        char reason[CSTATE_REASON_LEN];
        usec_t timeout;
        unsigned k = m->step;
        int r;

        if (k >= ncl + nrs) {
                m->restarting = false;
                log_info("rgm", "application_monitor %s: restart %u done", am->name,
                         m->sm.restarts);
                mon_act(m, exec_mon_restarted(&m->sm, now_usec(), true));
                return;
        }
        if (k < ncl && am->cleanup[0]) {
                what = "CLEANUPMETHOD", script = am->cleanup, timeout = first->stop_timeout_usec;
        } else if (k < ncl) {
                const conf_appctl_t *a = &cfg->appctls[am->apps[am->napps - 1 - k]];
                what = "STOPSCRIPT", script = a->stopscript, timeout = a->stop_timeout_usec;
        } else if (am->restart[0]) {
                what = "RESTARTMETHOD", script = am->restart, timeout = first->start_timeout_usec;
        } else {
                const conf_appctl_t *a = &cfg->appctls[am->apps[k - ncl]];
                what = "STARTSCRIPT", script = a->startscript, timeout = a->start_timeout_usec;
        }
        m->step++;
        r = mon_run(m, what, script, timeout, restart_done, true);
        if (r == 0)
                return;
        snprintf(reason, sizeof(reason), "%s %s cannot run: %s", what, script, strerror(-r));
        m->restarting = false;
        mon_record(m, reason);
        mon_act(m, exec_mon_restarted(&m->sm, now_usec(), false));
}

static void check_done(void *ud, int status, const char *reason)
{
        mon_rt_t *m;
        exec_mon_act_t act;

        if (!take_job(ud, &m))
                return;
        if (m->sm.phase != EXEC_MON_MONITORING)
                return;
        if (status != 0)
                mon_record(m, reason);
        act = exec_mon_result(&m->sm, now_usec(), status == 0);
        mon_act(m, act);
}

/* TYPE=Process: every name in PROCESSES runs INSTANCECOUNT times (or
 * more), owned by OWNER. A /proc scan: short, done on the loop. */
static bool process_check(const conf_appmon_t *am, char *reason, size_t len)
{
        char names[sizeof(am->processes)], *save = NULL;

        snprintf(names, sizeof(names), "%s", am->processes);
        for (char *tok = strtok_r(names, " ,\t", &save); tok; tok = strtok_r(NULL, " ,\t", &save)) {
                int n = agent_proc_count(tok, am->owner_uid);
                if (n < 0) {
                        snprintf(reason, len, "PROCESSES: cannot read /proc: %s", strerror(-n));
                        return false;
                }
                if ((unsigned)n < am->instance_count) {
                        snprintf(reason, len, "PROCESSES: %s: %d of %u running", tok, n,
                                 am->instance_count);
                        return false;
                }
        }
        return true;
}

static void mon_timer_cb(uv_timer_t *t)
{
        mon_rt_t *m = t->data;
        const conf_appmon_t *am = mon_conf(m);
        char reason[CSTATE_REASON_LEN];
        int r;

        if (exec_mon_tick(&m->sm, now_usec()) != EXEC_MON_ACT_CHECK) {
                mon_arm(m);
                return;
        }
        if (am->type == CONF_AM_PROCESS) {
                bool healthy = process_check(am, reason, sizeof(reason));
                if (!healthy)
                        mon_record(m, reason);
                mon_act(m, exec_mon_result(&m->sm, now_usec(), healthy));
                return;
        }
        r = mon_run(m, "MONITORMETHOD", am->monitor, am->interval_usec, check_done, true);
        if (r == 0) {
                agent_app_set_timeout_signal(m->job, am->hung_signal);
                return;
        }
        snprintf(reason, sizeof(reason), "MONITORMETHOD %s cannot run: %s", am->monitor,
                 strerror(-r));
        mon_record(m, reason);
        mon_act(m, exec_mon_result(&m->sm, now_usec(), false));
}

static void mon_reset(mon_rt_t *m)
{
        const conf_appmon_t *am = mon_conf(m);

        exec_mon_init(&m->sm, am->interval_usec, am->stabilization_usec, am->restart_interval_usec,
                      am->restart_count, am->action == CONF_AM_FALLOVER);
}

static void mons_started(exec_t *x, unsigned gi)
{
        for (unsigned k = 0; k < x->nmons; k++) {
                mon_rt_t *m = x->mons[k];
                if (m->group != x->g[gi].id || m->sm.phase == EXEC_MON_FAILED)
                        continue;
                exec_mon_started(&m->sm, now_usec());
                mon_arm(m);
        }
}

static void mon_halt(mon_rt_t *m)
{
        if (m->job)
                agent_app_cancel(m->job); /* its callback finds no job: ignored */
        m->job = NULL;
        m->restarting = false;
        uv_timer_stop(&m->timer);
}

/* The group is released (or no longer monitored): stop its monitors; the
 * restart counter starts again at the next acquisition. */
static void mons_stop(exec_t *x, unsigned gi)
{
        for (unsigned k = 0; k < x->nmons; k++) {
                mon_rt_t *m = x->mons[k];
                if (m->group != x->g[gi].id)
                        continue;
                mon_halt(m);
                if (!x->g[gi].failed_here)
                        mon_reset(m);
                else
                        exec_mon_stop(&m->sm);
        }
        if (!x->g[gi].failed_here)
                x->g[gi].mon_restarts = 0;
}

static void mon_close_cb(uv_handle_t *h)
{
        free(h->data);
}

static void mons_free(exec_t *x)
{
        for (unsigned k = 0; k < x->nmons; k++) {
                mon_halt(x->mons[k]);
                uv_close((uv_handle_t *)&x->mons[k]->timer, mon_close_cb);
        }
        free(x->mons);
        x->mons = NULL;
        x->nmons = 0;
}

/* A new configuration: monitors are recreated (a running check or restart
 * is cancelled; an ONLINE group's monitors start with STABILIZATION). */
static void mons_rebuild(exec_t *x)
{
        const hamr_config_t *cfg = x->cfg;

        mons_free(x);
        x->mons = zcalloc(cfg->nappmons ? cfg->nappmons : 1, sizeof(*x->mons));
        for (unsigned i = 0; i < cfg->nappmons; i++) {
                const conf_appmon_t *am = &cfg->appmons[i];
                mon_rt_t *m;

                if (am->rg < 0 || am->napps == 0 ||
                    (am->type == CONF_AM_CUSTOM ? !am->monitor[0] : !am->processes[0]))
                        continue;
                m = zalloc(sizeof(*m));
                m->x = x;
                m->id = ++x->next_mon;
                m->mi = i;
                m->group = cfg->rgs[am->rg].id;
                uv_timer_init(x->loop, &m->timer);
                m->timer.data = m;
                x->mons[x->nmons++] = m;
                mon_reset(m);
                if (x->g[am->rg].state == RG_S_ONLINE && !x->g[am->rg].job) {
                        exec_mon_started(&m->sm, now_usec());
                        mon_arm(m);
                }
        }
}
