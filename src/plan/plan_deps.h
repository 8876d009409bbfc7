/* plan_deps: dependencies between resource groups in the planner
 * (dependency class, TYPE=PARENT_CHILD; PowerHA's parent/child rules). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/plan_types.h"
#include "rgm/rgm.h"

/* Applies the dependencies to the scheduler's decisions ro[] (one per
 * group, after the timers), in plan(). First the location dependencies:
 * SAME_NODE groups follow the set's anchor, the first group online on its
 * target, else the first with a target (reason SAME_NODE, waits = the
 * anchor); DIFFERENT_NODES groups claim nodes in priority order, a lower
 * one yielding (released, or placed on the next free node of its list;
 * reason YIELD, waits = the group that took the node) and a higher one
 * waiting while a yielding group still holds its node (WAIT_YIELD). Then
 * parent/child: a child is targeted only while each
 * of its parents is ONLINE on the parent's target (else target none,
 * reason WAIT_PARENT, waits[c] = that parent); while a child of parent p
 * is held anywhere, p ONLINE on an eligible node that would be released
 * there keeps that node, and p held nowhere gets no target (reason
 * WAIT_CHILDREN, waits[p] = that child). Children of children follow, level by level. codes[g] gets
 * the reason that replaces the scheduler's; waits[g] the group waited for, or PLAN_NONE. Pure. */
void plan_deps_apply(const plan_input_t *in, uint64_t eligible, uint64_t net_down, rgm_output_t *ro,
                     plan_why_t *codes, int16_t *waits);

/* For status views: why group g, OFFLINE, waits (online[k]: group k is
 * ONLINE on some node): "waiting for parent P" (a parent not online),
 * "starts after T (not online)" (START_AFTER). Writes buf and returns true,
 * or returns false. */
bool plan_deps_offline_reason(const hamr_config_t *cfg, unsigned g, const bool *online, char *buf,
                              size_t len);
