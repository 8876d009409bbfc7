/* rgm: resource group manager.
 *
 * rgm_schedule() is the scheduler: a pure, deterministic function from
 * (configuration, membership, reported group states, control state) to the
 * target owner of every group. It is level-triggered: the coordinator runs it
 * on every change and publishes the targets; each node then acquires the
 * groups targeted at it and releases the ones it holds that are not.
 * The scheduler never targets a group at node B while any other member
 * reports it in a state other than OFFLINE (so a move is release-then-acquire,
 * and S1 holds as long as reports are truthful and non-members hold nothing).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "conf/conf.h"

typedef enum {
        RG_S_OFFLINE = 0,
        RG_S_ACQUIRING,
        RG_S_ONLINE,
        RG_S_RELEASING,
        RG_S_ERROR,
        RG_S_UNMANAGED,
        RG_S_UNKNOWN, /* no report from that node (not a member) */
        RG_S_COUNT
} rg_state_t;
const char *rg_state_str(rg_state_t s); /* "ONLINE", "OFFLINE", ... as clRGinfo prints */

#define RGM_NO_NODE 0xffffu

typedef enum {
        RGM_ADMIN_AUTO = 0, /* placed by policy */
        RGM_ADMIN_OFFLINE,  /* taken offline by the administrator (or stop MANAGE=offline) */
} rgm_admin_t;

/* Per-group control state, owned by the coordinator and replicated to every
 * member in the view message so that a new coordinator carries on. */
typedef struct rgm_ctl {
        uint8_t admin;      /* rgm_admin_t */
        uint16_t pol_node;  /* priority override location (clmgr move), node id or RGM_NO_NODE */
        uint16_t last_node; /* last node it was online on, or RGM_NO_NODE */
        bool started;       /* has been online since the cluster started (startup policy done) */
} rgm_ctl_t;

typedef struct rgm_input {
        const hamr_config_t *cfg;
        uint64_t members;  /* bit per node id: in the current quorate view */
        uint64_t eligible; /* members whose cluster services are active (may host groups) */
        /* reported state per group and node id: state[g * CONF_MAX_NODES + id] */
        const uint8_t *state;
        const rgm_ctl_t *ctl; /* [cfg->nrgs] */
} rgm_input_t;

typedef struct rgm_output {
        uint16_t target; /* node id that should hold the group now, or RGM_NO_NODE */
        rgm_ctl_t ctl;   /* updated control state (started, last_node) */
        const char *why; /* static string: reason of this decision, for logs and `clmgr why` later */
} rgm_output_t;

/* out has cfg->nrgs entries. Rules, per group g:
 *  - a member reports ERROR or UNMANAGED, or RELEASING/ACQUIRING while not
 *    the target: hold (target = that node if it is ONLINE-ish... see rgm_sched.c)
 *  - admin OFFLINE: target none.
 *  - desired node: POL if set and eligible; else the current holder if
 *    eligible, unless FBHPN and a higher-priority eligible node exists; else
 *    if not started: OHN -> home node if eligible, OFAN -> highest-priority
 *    eligible node; if started (fallover): FNPN -> highest-priority eligible
 *    node in the list.
 *  - if some node other than desired holds or is processing the group:
 *    target none (it releases first); otherwise target = desired. */
void rgm_schedule(const rgm_input_t *in, rgm_output_t *out);
