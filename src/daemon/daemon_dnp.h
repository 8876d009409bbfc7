/* daemon_dnp: this node's dynamic node priority values (FUDNP) for its
 * report. */
#pragma once
#include "cstate/cstate_msg.h"
#include "daemon/daemon.h"

/* Every HAMRD_DNP_INTERVAL_USEC while the configuration has a FUDNP group,
 * samples free memory, idle CPU and disk busy (on a worker thread) and runs
 * the NODE_PRIORITY_POLICY_SCRIPT of every udscript group this node is in
 * (agent_app, with its timeout; one run per group at a time); fills r with
 * the last values (r's groups as exec_fill_report made them). Called from
 * the loop when the report is built. */
#define HAMRD_DNP_INTERVAL_USEC (3 * USEC_PER_SEC)
void hamrd_dnp_fill(hamrd_t *d, cstate_report_t *r, usec_t now);
