/* daemon_dnp: this node's dynamic node priority values (FUDNP) for its
 * report. */
#pragma once
#include <jansson.h>

#include "cstate/cstate_msg.h"
#include "daemon/daemon.h"

/* Every HAMRD_DNP_INTERVAL_USEC while the configuration has a FUDNP group,
 * samples free memory, idle CPU and disk busy (procfs reads) and runs
 * the NODE_PRIORITY_POLICY_SCRIPT of every udscript group this node is in
 * (agent_app, with its timeout; one run per group at a time); fills r with
 * the last values (r's groups as exec_fill_report made them). Called from
 * the loop when the report is built. */
#define HAMRD_DNP_INTERVAL_USEC (3 * USEC_PER_SEC)
void hamrd_dnp_fill(hamrd_t *d, cstate_report_t *r, usec_t now);

/* For the status operation (clmgr -j status, clRGinfo -v): sets "DNP" on
 * node object o to the values report st carries ({"FREE_MEM_MB",
 * "IDLE_CPU_PERCENT", "DISK_BUSY_PERCENT"}, each only when sampled; not
 * set without values), and on group g's object "NODE_PRIORITY_POLICY" and
 * "DNP_VALUES" ({node: "2048 MiB free" | "exit code 3" | "no value"}, in
 * NODES order, for the reachable nodes reach) when the group is FUDNP. */
void hamrd_dnp_node_json(json_t *o, const cstate_report_t *st);
void hamrd_dnp_group_json(hamrd_t *d, json_t *o, unsigned g, uint64_t reach);
