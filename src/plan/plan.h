/* plan: the coordinator's planner. plan() is a pure function from a
 * snapshot of the cluster (configuration, time, membership facts, every
 * member's report, the current control state and the planner's own memory
 * from its previous call) to the new control state, the new memory, the
 * earliest time at which a decision may change with no new input, the
 * tie-breaker lease candidate, the repository switch (ARR) and a decision
 * log of structured reasons. It holds every decision the coordinator takes
 * by itself: per-group scheduling (rgm_schedule), selective fallover
 * timing, the poison pill, stop completion, eligibility, home-node start,
 * the timers (plan_timers.c), parent/child dependencies (plan_deps.c),
 * the instances of concurrent groups (plan_concurrent.c),
 * revoke before grant, waiting for answers, stability, the ARR switch and
 * the lease candidate. No I/O, no clock, no globals: golden scenario files
 * (tests/scenarios/plan) drive it, time included. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "common/hamr_time.h"
#include "conf/conf.h"
#include "cstate/cstate_msg.h"
#include "plan/plan_types.h"
#include "plan/plan_why.h"
#include "rgm/rgm.h"

/* Initial memory: no stop recorded, no target change pending, no timer. */
void plan_memory_init(plan_memory_t *mem);

/* Maps the control state ctl and the memory mem onto the configuration's
 * groups by group ID (renames, deletions, reorderings); a group new to the
 * table starts with its startup policy. Pure. */
void plan_adopt_generation(cstate_ctl_t *ctl, plan_memory_t *mem, const hamr_config_t *cfg);

/* The node that should want the tie-breaker lease, seen from in->self:
 * only with an even node count, and only while self is in the view; the
 * member holding the most groups among those with a working disk (self's
 * disk is taken as working: it is the one asking), ties to the lowest id.
 * PLAN_NONE if none. */
int plan_lease_candidate(const plan_input_t *in);

/* The coordinator's decision (in->self coordinates in->view_id). in and out
 * are caller-owned; out is fully written. Pure and deterministic. */
void plan(const plan_input_t *in, plan_output_t *out);
