/* agent_hook: owns a chain of event commands (pre/post/notify) on the
 * loop: one agent_app job at a time, each under its own hamr.out event;
 * a zero timer steps the chain so that the caller's callback never runs
 * inside agent_hook_run. Calls agent_app and agent_evlog. */
#include "agents/agent_hook.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agents/agent_app.h"
#include "common/hamr_alloc.h"
#include "common/hamr_log.h"

#define MAX_ENV 12

typedef struct chain {
        uv_timer_t step;
        unsigned n, next, nenv;
        char *event[AGENT_HOOK_MAX], *path[AGENT_HOOK_MAX];
        char stage[AGENT_HOOK_MAX][40]; /* "HAMR_EVENT_STAGE=..." */
        char *env[MAX_ENV + 2];         /* the caller's, then the stage */
        char args[EVLOG_ARGS_LEN];
        evlog_event_t parent, cur;
        usec_t timeout_usec;
        void (*done)(void *ud);
        void *ud;
} chain_t;

static void step_cb(uv_timer_t *t);

static void chain_free(uv_handle_t *h)
{
        chain_t *c = h->data;

        if (c->done)
                c->done(c->ud);
        for (unsigned i = 0; i < c->n; i++) {
                free(c->event[i]);
                free(c->path[i]);
        }
        for (unsigned i = 0; i < c->nenv; i++)
                free(c->env[i]);
        free(c);
}

static void cmd_done(void *ud, int status, const char *reason)
{
        chain_t *c = ud;

        if (status != 0)
                evlog_error(&c->cur, reason);
        evlog_end(&c->cur, status != 0, status != 0 ? reason : NULL);
        uv_timer_start(&c->step, step_cb, 0, 0);
}

static void step_cb(uv_timer_t *t)
{
        chain_t *c = t->data;

        while (c->next < c->n) {
                unsigned i = c->next++;
                agent_app_job_t *job = NULL;
                char reason[300];
                int r;

                evlog_start(&c->cur, c->parent.id ? &c->parent : NULL, c->event[i], "%s", c->args);
                evlog_line(&c->cur, c->path[i]);
                c->env[c->nenv] = c->stage[i];
                r = agent_app_run(t->loop, "command", c->path[i], (const char *const *)c->env,
                                  c->timeout_usec, cmd_done, c, &job);
                if (r == 0) {
                        agent_app_log_output(job, &c->cur);
                        return; /* goes on in cmd_done */
                }
                snprintf(reason, sizeof(reason), "%s: %s cannot run: %s", c->event[i], c->path[i],
                         strerror(-r));
                log_warn("rgm", "%s", reason);
                evlog_error(&c->cur, reason);
                evlog_end(&c->cur, 1, reason);
        }
        uv_close((uv_handle_t *)&c->step, chain_free);
}

int agent_hook_run(uv_loop_t *loop, const agent_hook_cmd_t *cmds, unsigned n,
                   const char *const *env, const char *args, const evlog_event_t *parent,
                   usec_t timeout_usec, void (*done)(void *ud), void *ud)
{
        chain_t *c;
        unsigned k = 0;

        if (n == 0 || n > AGENT_HOOK_MAX)
                return -EINVAL;
        c = zalloc(sizeof(*c));
        c->n = n;
        for (unsigned i = 0; i < n; i++) {
                c->event[i] = zstrdup(cmds[i].event);
                c->path[i] = zstrdup(cmds[i].path);
                snprintf(c->stage[i], sizeof(c->stage[i]), "HAMR_EVENT_STAGE=%s",
                         cmds[i].stage ? cmds[i].stage : "");
        }
        for (; env && env[k] && k < MAX_ENV; k++)
                c->env[k] = zstrdup(env[k]);
        c->nenv = k;
        snprintf(c->args, sizeof(c->args), "%s", args ? args : "");
        if (parent)
                c->parent = *parent;
        c->timeout_usec = timeout_usec;
        c->done = done;
        c->ud = ud;
        uv_timer_init(loop, &c->step);
        c->step.data = c;
        uv_timer_start(&c->step, step_cb, 0, 0);
        return 0;
}
