/* coord: the coordinator's control logic, around the pure planner
 * (src/plan). On the node that coordinates the current view it applies
 * administrator intents (start/stop nodes, online, offline and move groups)
 * to the control state (cstate_ctl_t, published in the CONTROL message), and
 * on every step builds the planner's snapshot from the membership and the
 * cluster state, runs plan() and applies its output: the new control state,
 * the planner's memory, the ARR decision, log lines for changed decisions. */
#pragma once
#include <jansson.h>
#include <stdbool.h>

#include "conf/conf.h"
#include "coord/coord_why.h"
#include "cstate/cstate.h"
#include "memb/memb.h"
#include "plan/plan.h"

typedef struct coord {
        plan_memory_t mem; /* the planner's memory between calls */
        /* Set by the daemon before coord_update: backups that failed to
         * prepare (bit per index), an input of the ARR decision. */
        uint32_t repo_bad;
        /* From the last coord_update (cleared when this node does not
         * coordinate): the ARR switch to start (backup index, or
         * PLAN_NONE) and the earliest time a decision may change. */
        int arr_switch;
        usec_t next_wakeup;
        plan_input_t in;   /* the last snapshot */
        plan_output_t out; /* the last decision, with its decision log */
        coord_history_t hist; /* what changed, when (clmgr why) */
} coord_t;

/* Initial state: no stop recorded, no target change pending, no timer. */
void coord_init(coord_t *c);

/* Recompute the control state cs->ctl (coordinator of the current view
 * only) from the membership m and the members' reports in cs (this node's
 * own report included). Returns true if the control state must be sent:
 * something published changed (ctl_seq was bumped) or only the report
 * acknowledgements changed (same ctl_seq). */
bool coord_update(coord_t *c, const memb_t *m, cstate_t *cs, const hamr_config_t *cfg, usec_t now);

/* The planner's snapshot of this node's membership and cluster state (all
 * but the memory and repo_bad, left as they are). */
void coord_snapshot(plan_input_t *in, const memb_t *m, const cstate_t *cs, const hamr_config_t *cfg,
                    usec_t now);

/* The node that should want the tie-breaker lease as this node sees it (any
 * node, coordinator or not: plan_lease_candidate), or PLAN_NONE. Uses
 * c->in as scratch. */
int coord_lease_candidate(coord_t *c, const memb_t *m, const cstate_t *cs, const hamr_config_t *cfg,
                          usec_t now);

/* The pending timers of the last decision (clRGinfo -t; operation
 * "timers", carried out by the coordinator): {"ok": true, "timers": [{
 * "GROUP", "KIND" (SETTLING or FALLBACK), "NODE", "AT" (coordinator's local
 * time "YYYY-MM-DD HH:MM", "" for never)}], "more": N left out}. At most
 * COORD_MAX_TIMERS entries, so that a forwarded answer fits one message. */
#define COORD_MAX_TIMERS 64
json_t *coord_timers_json(const coord_t *c, const hamr_config_t *cfg);

/* The coordinator's local wall clock for the planner (plan_input_t.wall):
 * seconds since 1970-01-01 00:00 local (time + UTC offset). */
int64_t coord_wall_local(void);
/* The same in milliseconds (the decision history's clock). */
int64_t coord_wall_local_ms(void);

/* Apply a runtime request (op start|stop|rg_online|rg_offline|rg_move,
 * app_suspend|app_resume, see
 * docs/control-protocol.md) to cs->ctl. Returns 0, or a negative HAMR_E code
 * with err filled. Bumps ctl_seq on success. */
int coord_command(coord_t *c, const memb_t *m, cstate_t *cs, const hamr_config_t *cfg, json_t *req,
                  char *err, size_t errlen);
