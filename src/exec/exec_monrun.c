/* exec_monrun: application monitors running on the loop for this node's
 * groups (docs/scripts.md): the checks (MONITORMETHOD, or a /proc count),
 * the hung signal, cleanup + restart, NOTIFYMETHOD, the mark that gives a
 * group up, and suspension. The decisions are exec_monitor's; this part
 * runs the scripts and the timers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agents/agent_ocf.h"
#include "agents/agent_proc.h"
#include "common/hamr_alloc.h"
#include "common/hamr_log.h"
#include "exec/exec_monrun.h"

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

        bool startup = m->sm.phase == EXEC_MON_STARTUP;

        if ((m->sm.phase != EXEC_MON_STABILIZING && m->sm.phase != EXEC_MON_MONITORING &&
             !startup) ||
            m->sm.due == USEC_INFINITY || m->job || (m->sm.suspended && !startup)) {
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
        int gi = exec_group_index(x, m->group);
        char envbuf[4][4200], monenv[128];
        const char *env[5] = {envbuf[0], envbuf[1], envbuf[2], monenv, NULL};
        mon_ctx_t *c = zalloc(sizeof(*c));
        agent_app_job_t *job = NULL;
        int r;

        if (gi < 0)
                return -ENOENT;
        exec_app_env(x, &x->cfg->rgs[gi], envbuf);
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
        agent_app_log_output(job, &m->ev); /* while restarting */
        return 0;
}

/* Runs `action` of controller a for monitor m (its script or its OCF
 * agent, exec_app_run); the job is m->job. */
static int mon_run_app(mon_rt_t *m, const conf_appctl_t *a, const char *action, usec_t timeout,
                       agent_app_done_cb cb)
{
        exec_t *x = m->x;
        int gi = exec_group_index(x, m->group);
        char monenv[128];
        mon_ctx_t *c = zalloc(sizeof(*c));
        agent_app_job_t *job = NULL;
        int r;

        if (gi < 0) {
                free(c);
                return -ENOENT;
        }
        snprintf(monenv, sizeof(monenv), "HAMR_MONITOR=%s", mon_conf(m)->name);
        c->x = x;
        c->id = m->id;
        c->token = ++mon_token;
        r = exec_app_run(x, &x->cfg->rgs[gi], a, action, timeout, mon_conf(m)->interval_usec,
                         monenv, cb, c, &job);
        if (r < 0) {
                free(c);
                return r;
        }
        m->job = job;
        m->step_token = c->token;
        agent_app_log_output(job, &m->ev); /* while restarting */
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
        int gi = exec_group_index(x, m->group);

        snprintf(m->last_failure, sizeof(m->last_failure), "%s", reason);
        if (gi < 0)
                return;
        snprintf(x->g[gi].mon_failure, sizeof(x->g[gi].mon_failure), "application_monitor %s: %s",
                 mon_conf(m)->name, reason);
        log_warn("rgm", "group %s: %s", x->g[gi].name, x->g[gi].mon_failure);
}

static void restart_step(mon_rt_t *m);
static void mon_halt(mon_rt_t *m);

/* The monitor's event arguments: its (first) application controller and
 * its group. */
static void mon_args(const mon_rt_t *m, char *buf, size_t len)
{
        const exec_t *x = m->x;
        const conf_appmon_t *am = mon_conf(m);
        int gi = exec_group_index(x, m->group);

        snprintf(buf, len, "%s %s", x->cfg->appctls[am->apps[0]].name,
                 gi >= 0 ? x->g[gi].name : "?");
}

/* server_down: the monitor found its application failed; what follows. */
static void mon_server_down(mon_rt_t *m, const char *then)
{
        char args[EVLOG_ARGS_LEN], line[EVLOG_LINE_MAX];
        evlog_event_t ev;

        mon_args(m, args, sizeof(args));
        evlog_start(&ev, NULL, "server_down", "%s", args);
        snprintf(line, sizeof(line), "application_monitor %s: %s", mon_conf(m)->name,
                 m->last_failure);
        evlog_line(&ev, line);
        evlog_line(&ev, then);
        evlog_end(&ev, 0, NULL);
}

/* The server_restart event ends (the restart's end or its failure). */
static void mon_restart_end(mon_rt_t *m, const char *failure)
{
        if (failure)
                evlog_error(&m->ev, failure);
        evlog_end(&m->ev, failure != NULL, failure);
}

/* A startup monitor decided: when every startup monitor of the group saw
 * its application run, the acquisition goes on (g->startup OK); the first
 * that did not within STABILIZATION fails it (FAILED, with the reason; the
 * group's other startup monitors stop). exec_reconcile carries it out. */
static void startup_done(mon_rt_t *m, bool ok)
{
        exec_t *x = m->x;
        const conf_appmon_t *am = mon_conf(m);
        int gi = exec_group_index(x, m->group);
        group_rt_t *g = gi >= 0 ? &x->g[gi] : NULL;
        bool waiting = false;

        m->startup_wait = false;
        if (!g || g->startup != EXEC_STARTUP_WAIT)
                return;
        if (!ok) {
                char stab[32];
                snprintf(stab, sizeof(stab), "%.3g", (double)am->stabilization_usec / USEC_PER_SEC);
                snprintf(g->startup_reason, sizeof(g->startup_reason),
                         "application_monitor %s: the application did not start within "
                         "STABILIZATION=%s s: %s",
                         am->name, stab, m->last_failure[0] ? m->last_failure : "no healthy check");
                log_err("rgm", "group %s: %s", g->name, g->startup_reason);
                for (unsigned k = 0; k < x->nmons; k++)
                        if (x->mons[k]->group == m->group && x->mons[k]->startup_wait) {
                                mon_halt(x->mons[k]);
                                exec_mon_stop(&x->mons[k]->sm);
                                x->mons[k]->startup_wait = false;
                        }
                g->startup = EXEC_STARTUP_FAILED;
                x->changed(x->ud);
                return;
        }
        log_info("rgm", "group %s: application_monitor %s: the application started", g->name,
                 am->name);
        for (unsigned k = 0; k < x->nmons; k++)
                waiting |= x->mons[k]->group == m->group && x->mons[k]->startup_wait;
        if (!waiting) {
                g->startup = EXEC_STARTUP_OK;
                x->changed(x->ud);
        }
}

unsigned exec_mons_startup(exec_t *x, unsigned gi)
{
        unsigned n = 0;

        for (unsigned k = 0; k < x->nmons; k++) {
                mon_rt_t *m = x->mons[k];
                if (m->group != x->g[gi].id)
                        continue;
                mon_halt(m);
                if (exec_mon_startup(&m->sm, now_usec()) == EXEC_MON_ACT_STARTED)
                        continue;
                m->startup_wait = true;
                n++;
                log_info("rgm", "group %s: application_monitor %s: startup monitoring (%s)",
                         x->g[gi].name, mon_conf(m)->name, "within STABILIZATION");
                mon_arm(m);
        }
        return n;
}

static void mon_act(mon_rt_t *m, exec_mon_act_t act)
{
        exec_t *x = m->x;
        const conf_appmon_t *am = mon_conf(m);
        int gi = exec_group_index(x, m->group);
        group_rt_t *g = gi >= 0 ? &x->g[gi] : NULL;

        if (g && g->mon_restarts != m->sm.restarts) {
                g->mon_restarts = m->sm.restarts;
                x->changed(x->ud);
        }
        switch (act) {
        case EXEC_MON_ACT_RESTART: {
                char then[96], args[EVLOG_ARGS_LEN];

                log_warn("rgm", "group %s: application_monitor %s: restart %u of %u",
                         g ? g->name : "?", am->name, m->sm.restarts, am->restart_count);
                snprintf(then, sizeof(then), "restart %u of %u", m->sm.restarts, am->restart_count);
                mon_server_down(m, then);
                mon_args(m, args, sizeof(args));
                evlog_start(&m->ev, NULL, "server_restart", "%s", args);
                mon_notify(m);
                m->restarting = true;
                m->step = 0;
                restart_step(m);
                return;
        }
        case EXEC_MON_ACT_NOTIFY:
                mon_server_down(m, "restarts used up (FAILUREACTION=notify): the group stays");
                log_err("rgm",
                        "group %s: application_monitor %s: restarts used up "
                        "(FAILUREACTION=notify): the group stays here",
                        g ? g->name : "?", am->name);
                mon_notify(m);
                break;
        case EXEC_MON_ACT_STARTED:
        case EXEC_MON_ACT_START_FAILED:
                startup_done(m, act == EXEC_MON_ACT_STARTED);
                return;
        case EXEC_MON_ACT_FALLOVER:
                mon_server_down(m, "restarts used up (FAILUREACTION=fallover): the group is "
                                   "released here and moves");
                mon_notify(m);
                if (!g)
                        return;
                log_err("rgm",
                        "group %s: application_monitor %s: %u restarts used up "
                        "(FAILUREACTION=fallover): releasing, this node may not host it",
                        g->name, am->name, am->restart_count);
                g->failed_here = true;
                g->failed_seen = g->clear_last;
                x->changed(x->ud); /* exec_reconcile releases it */
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
                mon_restart_end(m, reason);
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
        const conf_appctl_t *first = &cfg->appctls[am->apps[0]], *app = NULL;
        const char *what, *script;
        char reason[CSTATE_REASON_LEN];
        usec_t timeout;
        unsigned k = m->step;
        int r;

        if (k >= ncl + nrs) {
                m->restarting = false;
                log_info("rgm", "application_monitor %s: restart %u done", am->name,
                         m->sm.restarts);
                mon_restart_end(m, NULL);
                mon_act(m, exec_mon_restarted(&m->sm, now_usec(), true));
                return;
        }
        if (k < ncl && am->cleanup[0]) {
                what = "CLEANUPMETHOD", script = am->cleanup, timeout = first->stop_timeout_usec;
        } else if (k < ncl) {
                app = &cfg->appctls[am->apps[am->napps - 1 - k]];
                what = "STOPSCRIPT", script = app->stopscript, timeout = app->stop_timeout_usec;
        } else if (am->restart[0]) {
                what = "RESTARTMETHOD", script = am->restart, timeout = first->start_timeout_usec;
        } else {
                app = &cfg->appctls[am->apps[k - ncl]];
                what = "STARTSCRIPT", script = app->startscript, timeout = app->start_timeout_usec;
        }
        m->step++;
        /* a controller's own stop and start: its scripts or its OCF agent */
        r = app ? mon_run_app(m, app, k < ncl ? "stop" : "start", timeout, restart_done)
                : mon_run(m, what, script, timeout, restart_done, true);
        if (r == 0)
                return;
        if (app && app->type == CONF_APP_OCF)
                snprintf(reason, sizeof(reason),
                         "%s %s of application_controller %s cannot run: %s", app->agent,
                         k < ncl ? "stop" : "start", app->name, strerror(-r));
        else
                snprintf(reason, sizeof(reason), "%s %s cannot run: %s", what, script,
                         strerror(-r));
        m->restarting = false;
        mon_restart_end(m, reason);
        mon_record(m, reason);
        mon_act(m, exec_mon_restarted(&m->sm, now_usec(), false));
}

static void check_done(void *ud, int status, const char *reason)
{
        mon_rt_t *m;
        exec_mon_act_t act;

        if (!take_job(ud, &m))
                return;
        if (m->sm.phase != EXEC_MON_MONITORING && m->sm.phase != EXEC_MON_STARTUP)
                return;
        if (status != 0)
                mon_record(m, reason);
        act = exec_mon_result(&m->sm, now_usec(), status == 0);
        mon_act(m, act);
}

/* An OCF monitor's check: the monitor action of each controller, in the
 * group's order (m->check_app), the first failure failing the check. */
static int ocf_check_next(mon_rt_t *m);

static void ocf_check_done(void *ud, int status, const char *reason)
{
        mon_rt_t *m;
        char why[CSTATE_REASON_LEN];
        int r;

        if (!take_job(ud, &m))
                return;
        if (m->sm.phase != EXEC_MON_MONITORING && m->sm.phase != EXEC_MON_STARTUP)
                return;
        if (status == 0 && ++m->check_app < mon_conf(m)->napps) {
                r = ocf_check_next(m);
                if (r == 0)
                        return;
                snprintf(why, sizeof(why), "%s monitor cannot run: %s",
                         m->x->cfg->appctls[mon_conf(m)->apps[m->check_app]].agent, strerror(-r));
                reason = why;
                status = r;
        }
        if (status != 0)
                mon_record(m, reason);
        /* a hard error (not installed, not configured...): no restart here */
        mon_act(m, status == AGENT_OCF_STATUS_HARD
                       ? exec_mon_hard_failure(&m->sm, now_usec())
                       : exec_mon_result(&m->sm, now_usec(), status == 0));
}

static int ocf_check_next(mon_rt_t *m)
{
        const conf_appmon_t *am = mon_conf(m);
        int r = mon_run_app(m, &m->x->cfg->appctls[am->apps[m->check_app]], "monitor",
                            am->interval_usec, ocf_check_done);

        if (r == 0)
                agent_app_set_timeout_signal(m->job, am->hung_signal);
        return r;
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
        if (conf_appmon_ocf(m->x->cfg, am)) {
                m->check_app = 0;
                r = ocf_check_next(m);
                if (r == 0)
                        return;
                snprintf(reason, sizeof(reason), "%s monitor cannot run: %s",
                         m->x->cfg->appctls[am->apps[0]].agent, strerror(-r));
                mon_record(m, reason);
                mon_act(m, exec_mon_result(&m->sm, now_usec(), false));
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

/* One of the monitor's applications is suspended. */
static bool mon_is_suspended(const mon_rt_t *m)
{
        const exec_t *x = m->x;
        const conf_appmon_t *am = mon_conf(m);

        for (unsigned k = 0; k < am->napps; k++)
                for (unsigned s = 0; s < x->nsusp; s++)
                        if (strcmp(x->cfg->appctls[am->apps[k]].name, x->susp[s]) == 0)
                                return true;
        return false;
}

static void mon_reset(mon_rt_t *m)
{
        const conf_appmon_t *am = mon_conf(m);

        exec_mon_init(&m->sm, am->interval_usec, am->stabilization_usec, am->restart_interval_usec,
                      am->restart_count, am->action == CONF_AM_FALLOVER);
        exec_mon_set_mode(&m->sm, am->mode != CONF_AM_LONGRUNNING, am->mode != CONF_AM_STARTUP);
        m->startup_wait = false;
        if (mon_is_suspended(m))
                exec_mon_suspend(&m->sm);
}

void exec_mons_suspend(exec_t *x, const char (*names)[CONF_MAX_NAME + 1], unsigned n)
{
        x->nsusp = 0;
        for (unsigned k = 0; k < n && k < CSTATE_MAX_SUSPENDED; k++)
                snprintf(x->susp[x->nsusp++], sizeof(x->susp[0]), "%s", names[k]);
        for (unsigned k = 0; k < x->nmons; k++) {
                mon_rt_t *m = x->mons[k];
                bool s = mon_is_suspended(m);
                int gi = exec_group_index(x, m->group);

                if (s == m->sm.suspended)
                        continue;
                if (s) {
                        exec_mon_suspend(&m->sm);
                        if (m->job && !m->restarting) { /* a check: its result is moot */
                                agent_app_cancel(m->job);
                                m->job = NULL;
                        }
                        /* a restart running goes on; nothing acts on its end */
                } else {
                        exec_mon_resume(&m->sm, now_usec());
                }
                log_info("rgm", "group %s: application_monitor %s: monitoring %s%s",
                         gi >= 0 ? x->g[gi].name : "?", mon_conf(m)->name,
                         s ? "suspended" : "resumed",
                         !s && m->sm.phase == EXEC_MON_STABILIZING ? " (after STABILIZATION)" : "");
                mon_arm(m);
        }
}

void exec_mons_started(exec_t *x, unsigned gi)
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
        if (m->restarting)
                mon_restart_end(m, "monitoring stopped (the group is released)");
        m->restarting = false;
        uv_timer_stop(&m->timer);
}

void exec_mons_stop(exec_t *x, unsigned gi)
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

void exec_mons_free(exec_t *x)
{
        for (unsigned k = 0; k < x->nmons; k++) {
                mon_halt(x->mons[k]);
                uv_close((uv_handle_t *)&x->mons[k]->timer, mon_close_cb);
        }
        free(x->mons);
        x->mons = NULL;
        x->nmons = 0;
}

void exec_mons_rebuild(exec_t *x)
{
        const hamr_config_t *cfg = x->cfg;

        exec_mons_free(x);
        x->mons = zcalloc(cfg->nappmons ? cfg->nappmons : 1, sizeof(*x->mons));
        for (unsigned i = 0; i < cfg->nappmons; i++) {
                const conf_appmon_t *am = &cfg->appmons[i];
                mon_rt_t *m;

                if (am->rg < 0 || am->napps == 0 ||
                    (am->type == CONF_AM_CUSTOM ? !am->monitor[0] && !conf_appmon_ocf(cfg, am)
                                                : !am->processes[0]))
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
