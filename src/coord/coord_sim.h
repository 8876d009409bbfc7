/* coord_sim: `clmgr simulate` (a hamr extension) on the coordinator: the
 * planner's what-if run (plan_simulate) from the coordinator's latest
 * snapshot and decision, answered in the words of `clmgr why`. */
#pragma once
#include <jansson.h>
#include <stddef.h>

#include "conf/conf.h"
#include "plan/plan_types.h"

#define COORD_SIM_MAX_GROUPS 200 /* groups listed that would change (the rest counted) */

/* The answer to operation "simulate" (docs/control-protocol.md): req has
 * "event" (node_down, node_up, network_down, rg_move), "node" and, for
 * rg_move, "group". snap and last are the coordinator's last snapshot and
 * decision. NULL with err filled (and *rc a clmgr return code) when the
 * request is bad or the event does not apply. */
json_t *coord_simulate_json(const plan_input_t *snap, const plan_output_t *last,
                            const hamr_config_t *cfg, json_t *req, char *err, size_t errlen,
                            int *rc);
