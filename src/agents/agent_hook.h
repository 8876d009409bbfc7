/* agent_hook: runs the commands around an event (PowerHA's pre-event,
 * post-event and notify commands) one after another on the libuv loop,
 * each under its own event in hamr.out (its whole output there), each
 * with a timeout; a failing one is logged (event_error) and the next one
 * runs. The caller's callback runs once, later, after the last. */
#pragma once
#include <uv.h>

#include "agents/agent_evlog.h"
#include "common/hamr_time.h"

#define AGENT_HOOK_MAX 20

typedef struct agent_hook_cmd {
        const char *event; /* the event name in hamr.out (the custom event's name, ...) */
        const char *path;  /* the command */
        const char *stage; /* its HAMR_EVENT_STAGE: "before" or "after" the event */
} agent_hook_cmd_t;

/* Runs cmds[0..n) in order under parent with env (NULL-terminated "K=V"
 * added to the daemon's; args: the events' arguments in hamr.out). All
 * copied. done (may be NULL) runs once on the loop after the last. 0, or
 * -EINVAL (n 0 or too many: nothing runs, done not called). */
int agent_hook_run(uv_loop_t *loop, const agent_hook_cmd_t *cmds, unsigned n,
                   const char *const *env, const char *args, const evlog_event_t *parent,
                   usec_t timeout_usec, void (*done)(void *ud), void *ud);
