/* exec_hooks: owns running the configured commands around a group's
 * rg_move_acquire/rg_move_release (before: the job's steps wait for them;
 * after: the event ends when they did) and building any event's command
 * list. Calls agent_hook, agent_evlog and exec_rt; never exec.c (a
 * finished pre-event marks the group and reports a change). */
#include "exec/exec_hooks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hamr_alloc.h"

typedef struct hook_ctx {
        exec_t *x;
        uint32_t group;
        uint64_t token;
        /* after the event: the event kept open until its commands ran */
        evlog_event_t ev;
        bool failed;
        char reason[CSTATE_REASON_LEN];
        char node[CONF_MAX_NAME + 1], rg[CONF_MAX_NAME + 1];
} hook_ctx_t;

unsigned exec_hook_cmds(const hamr_config_t *cfg, conf_ev_t ev, bool after, agent_hook_cmd_t *out)
{
        const conf_ev_hook_t *h = &cfg->ev_hooks[ev];
        const char *stage = after ? "after" : "before";
        unsigned n = 0, k;

        if (!after && h->notify[0])
                out[n++] = (agent_hook_cmd_t){"notify", h->notify, stage};
        for (k = 0; k < (after ? h->npost : h->npre) && n < AGENT_HOOK_MAX - 1; k++) {
                const conf_custom_event_t *e = &cfg->events[after ? h->post[k] : h->pre[k]];
                out[n++] = (agent_hook_cmd_t){e->name, e->file, stage};
        }
        if (after && h->notify[0])
                out[n++] = (agent_hook_cmd_t){"notify", h->notify, stage};
        return n;
}

/* The commands' environment: EVENT_NAME, HAMR_RG, HAMR_NODE,
 * HAMR_STATE_DIR, and after the event HAMR_EVENT_STATUS. */
static void hook_env(const exec_t *x, unsigned gi, conf_ev_t ev, int status, char buf[6][4200],
                     const char *env[7])
{
        char app[4][4200];

        exec_app_env(x, &x->cfg->rgs[gi], app);
        snprintf(buf[0], 4200, "EVENT_NAME=%s", conf_ev_name(ev));
        snprintf(buf[1], 4200, "%s", app[0]);
        snprintf(buf[2], 4200, "%s", app[1]);
        snprintf(buf[3], 4200, "%s", app[2]);
        snprintf(buf[4], 4200, "HAMR_EVENT_STATUS=%d", status);
        for (int i = 0; i < 5; i++)
                env[i] = buf[i];
        if (status < 0)
                env[4] = NULL; /* before the event: no status yet */
        env[5] = NULL;
}

static void pre_done(void *ud)
{
        hook_ctx_t *c = ud;
        exec_t *x = c->x;
        int gi = exec_group_index(x, c->group);

        if (gi >= 0 && x->g[gi].job && x->g[gi].hooks_wait && x->g[gi].token == c->token) {
                x->g[gi].hooks_wait = false;
                x->g[gi].hooks_ready = true;
                x->changed(x->ud); /* exec_reconcile runs the job's steps */
        }
        free(c);
}

bool exec_hooks_pre(exec_t *x, unsigned gi, bool acquire)
{
        conf_ev_t ev = acquire ? CONF_EV_RG_MOVE_ACQUIRE : CONF_EV_RG_MOVE_RELEASE;
        agent_hook_cmd_t cmds[AGENT_HOOK_MAX];
        unsigned n = exec_hook_cmds(x->cfg, ev, false, cmds);
        group_rt_t *g = &x->g[gi];
        char buf[6][4200], args[EVLOG_ARGS_LEN];
        const char *env[7];
        hook_ctx_t *c;

        if (n == 0)
                return false;
        if (!acquire && !x->may_hold) {
                /* quorum or fencing lost, or hamrd stopping: the release
                 * may not wait (the others take over at the hold deadline) */
                evlog_line(&g->ev, "the commands before it are not run: this node may no longer "
                                   "hold the group, it is released at once");
                return false;
        }
        hook_env(x, gi, ev, -1, buf, env);
        snprintf(args, sizeof(args), "%s %s %s", conf_ev_name(ev), exec_self_name(x), g->name);
        c = zalloc(sizeof(*c));
        c->x = x;
        c->group = g->id;
        c->token = g->token = ++x->next_token;
        g->hooks_wait = true;
        g->hooks_ready = false;
        if (agent_hook_run(x->loop, cmds, n, env, args, &g->ev, EXEC_HOOK_TIMEOUT_USEC, pre_done,
                           c) < 0) {
                g->hooks_wait = false;
                free(c);
                return false;
        }
        return true;
}

static void post_done(void *ud)
{
        hook_ctx_t *c = ud;

        evlog_end(&c->ev, c->failed, c->failed ? c->reason : NULL);
        evlog_instant(NULL, "rg_move_complete", "%s %s", c->node, c->rg);
        free(c);
}

void exec_hooks_end(exec_t *x, unsigned gi, bool acquire, bool failed, const char *reason)
{
        conf_ev_t ev = acquire ? CONF_EV_RG_MOVE_ACQUIRE : CONF_EV_RG_MOVE_RELEASE;
        agent_hook_cmd_t cmds[AGENT_HOOK_MAX];
        unsigned n = exec_hook_cmds(x->cfg, ev, true, cmds);
        group_rt_t *g = &x->g[gi];
        char buf[6][4200], args[EVLOG_ARGS_LEN];
        const char *env[7];
        hook_ctx_t *c = zalloc(sizeof(*c));

        if (failed)
                evlog_error(&g->ev, reason);
        c->ev = g->ev;
        g->ev.id = 0; /* a new job may begin while the commands run */
        c->failed = failed;
        snprintf(c->reason, sizeof(c->reason), "%s", reason ? reason : "");
        snprintf(c->node, sizeof(c->node), "%s", exec_self_name(x));
        snprintf(c->rg, sizeof(c->rg), "%s", g->name);
        hook_env(x, gi, ev, failed, buf, env);
        snprintf(args, sizeof(args), "%s %s %s", conf_ev_name(ev), c->node, c->rg);
        if (n == 0 || agent_hook_run(x->loop, cmds, n, env, args, &c->ev, EXEC_HOOK_TIMEOUT_USEC,
                                     post_done, c) < 0)
                post_done(c);
}
