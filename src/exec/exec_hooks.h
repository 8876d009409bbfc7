/* exec_hooks: the commands around an event (PowerHA's pre-event,
 * post-event and notify commands; conf_ev_hook_t): a group's
 * rg_move_acquire/rg_move_release on this node (exec.c) and node_up/
 * node_down (the daemon). Private to src/exec and the daemon. */
#pragma once
#include <stdbool.h>

#include "agents/agent_hook.h"
#include "exec/exec_rt.h"

/* A command's timeout (PowerHA's have none; hamr does not let one hang
 * its event). */
#define EXEC_HOOK_TIMEOUT_USEC (60 * USEC_PER_SEC)

/* Event ev's commands before it (NOTIFYMETHOD, then PREEVENT in order) or
 * after it (POSTEVENT in order, then NOTIFYMETHOD) into out
 * [AGENT_HOOK_MAX] (strings borrowed from cfg). Returns how many. */
unsigned exec_hook_cmds(const hamr_config_t *cfg, conf_ev_t ev, bool after, agent_hook_cmd_t *out);
/* The job of group gi just began (its rg_move_ event open): runs the
 * commands before it and returns true (the job's steps wait: hooks_wait,
 * then hooks_ready and x->changed; exec_reconcile goes on), or false when
 * there are none. */
bool exec_hooks_pre(exec_t *x, unsigned gi, bool acquire);
/* The job of group gi ended: ends its rg_move_ event (after the commands
 * after it, which see HAMR_EVENT_STATUS) and logs rg_move_complete. */
void exec_hooks_end(exec_t *x, unsigned gi, bool acquire, bool failed, const char *reason);
