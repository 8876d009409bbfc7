/* plan_dnp: fallover using dynamic node priority (FALLOVER=FUDNP). Pure:
 * the values each node sampled come in the planner's input (plan_node_t.dnp
 * and the per-group script values), from the nodes' reports. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "plan/plan_types.h"
#include "rgm/rgm.h"

/* The value node id has for group g's NODE_PRIORITY_POLICY, in the
 * policy's own unit (MiB free, idle or busy per mille, exit code).
 * Returns false when it has none (no report, not sampled, the script
 * failed or timed out; 0 for cl_lowest_nonzero_udscript_rc). */
bool plan_dnp_value(const plan_input_t *in, unsigned g, int id, int64_t *ret_value);

/* Applies FUDNP to the scheduler's decisions ro[] (one per group), in
 * plan() before the dependencies: a FUDNP group that the scheduler sends to
 * its next priority node at fallover goes instead to the eligible node
 * with the best value (most free memory, most idle CPU, least busy disk,
 * highest exit code, lowest non-zero exit code; ties: NODES order; a node
 * without a value ranks after every node with one; no node with a value:
 * the next priority node). A fallover is a group nobody holds whose last
 * node (rgm_ctl_t.last_node) may no longer host it; one never online (an
 * administrator's online) or released by a node that still may (a
 * fallback on its way) is left to the scheduler. A
 * target already chosen that is still
 * eligible (ctl: the control state being decided) is kept, so that changing values do not move a
 * fallover in progress. The nodes passed over are remembered
 * (mem->dnp_skip): an FBHPN group falls back only to a higher-priority
 * node that joined since (PowerHA falls back when such a node joins), not
 * to one that was up when it fell over. Startup and administrator moves
 * are not touched. rin is the scheduler's input; codes[g] gets the reason
 * (PLAN_WHY_DNP_*) when it applies and is PLAN_WHY_NONE, values[g] the
 * chosen node's value (INT64_MIN: none). */
void plan_dnp_apply(const plan_input_t *in, const rgm_input_t *rin, const cstate_ctl_t *ctl,
                    plan_memory_t *mem, rgm_output_t *ro, plan_why_t *codes, int64_t *values);

/* "2048 MiB free", "87.5% idle CPU", "1.2% disk busy", "exit code 5" for
 * a value of code's policy; "no value" for INT64_MIN. */
void plan_dnp_value_str(plan_why_t code, int64_t value, char *buf, size_t len);

/* "fallover to n3: highest free memory (2048 MiB free)": a FUDNP reason
 * in plain words, with the node chosen and its value. */
void plan_dnp_describe(plan_why_t code, const char *node, int64_t value, char *buf, size_t len);

/* Whether code is one of the FUDNP reasons. */
bool plan_why_is_dnp(plan_why_t code);
