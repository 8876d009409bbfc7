/* plan_sim: what-if (`clmgr simulate`, a hamr extension). Runs the planner
 * on a copy of the coordinator's last snapshot with a hypothetical event
 * applied (a node down, a node starting its services, a node's service
 * network down, an administrator's move), and plays the members' part:
 * after each decision every member reports its groups where the control
 * state wants them and answers the publication, until the planner has
 * nothing more to change. Changes nothing; pure (time advances in the
 * copy only). What it cannot know it assumes, and says so in the docs:
 * every start and stop succeeds, a surviving half of an even cluster gets
 * the tie-breaker lease, a downed node is gone for good. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "plan/plan_types.h"

typedef enum {
        PLAN_SIM_NODE_DOWN = 0, /* node: crashes or leaves the view */
        PLAN_SIM_NODE_UP,       /* node: joins and starts cluster services */
        PLAN_SIM_NETWORK_DOWN,  /* node: its service network loses carrier (still on the disk) */
        PLAN_SIM_RG_MOVE,       /* group, node: clmgr move resource_group */
        PLAN_SIM_COUNT
} plan_sim_event_t;

#define PLAN_SIM_MAX_ROUNDS 200

typedef struct plan_sim_result {
        bool quorate;    /* the view after the event has quorum */
        bool settled;    /* the planner reached STABLE with nothing pending */
        unsigned rounds; /* planner calls */
        usec_t elapsed;  /* simulated time the planner's own waits took */
        /* per group (configuration order): target before and after, and the
         * reason: of the last target change, else of the last decision */
        uint16_t before[CONF_MAX_RGS], after[CONF_MAX_RGS];
        uint8_t code[CONF_MAX_RGS];
        bool changed[CONF_MAX_RGS];
        /* node-level decisions seen on the way (bit per plan_why_t value < 64) */
        uint64_t node_codes[CONF_MAX_NODES];
} plan_sim_result_t;

/* "node_down", ...; plan_sim_event_by_name returns PLAN_SIM_COUNT if unknown. */
const char *plan_sim_event_name(plan_sim_event_t ev);
plan_sim_event_t plan_sim_event_by_name(const char *name);

/* Simulates event ev for node id `node` (and configuration group index
 * `group` for RG_MOVE) from the snapshot `from` (its control state and
 * memory: the coordinator's latest) and fills res. in and out are the
 * caller's scratch (large). Returns 0, or -1 with nothing simulated when the
 * event does not apply (node not configured; node_down of a node not in
 * the view; node_up of an active member; rg_move to a node outside the
 * group's list or without active services). */
int plan_simulate(const plan_input_t *from, plan_sim_event_t ev, int node, int group,
                  plan_input_t *in, plan_output_t *out, plan_sim_result_t *res);
