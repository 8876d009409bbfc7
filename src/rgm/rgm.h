/* rgm: resource group manager.
 *
 * rgm_schedule() is the scheduler: a pure, deterministic function from
 * (configuration, membership, reported group states, control state) to the
 * target owner of every group. It is level-triggered: the coordinator runs it
 * on every change and publishes the targets; each node then acquires the
 * groups targeted at it and releases the ones it holds that are not.
 * The scheduler never targets a group at node B while any other member
 * reports it ACQUIRING, ONLINE, RELEASING, ERROR or UNMANAGED (so a move is
 * release-then-acquire, and S1 holds as long as reports are truthful and
 * non-members hold nothing).
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
        uint16_t pol_node;  /* priority override location (clmgr move to a node other than the
                             * highest-priority one), node id or RGM_NO_NODE; kept until a
                             * move back to the highest-priority node (as PowerHA) */
        uint16_t move_node; /* one-shot move (clmgr move to the highest-priority node): wanted
                             * there until online there, then cleared; RGM_NO_NODE if none */
        uint16_t last_node; /* last node it was online on, or RGM_NO_NODE */
        bool started;       /* has been online since the cluster started (startup policy done) */
} rgm_ctl_t;

/* An administrator's online or move of a group to node id `node` (-1: no
 * node named): automatic again, started (not a FALLOVER=BO group brought
 * online without a node: its startup policy places it); to its highest-priority node a
 * one-shot move that clears the priority override location, to another
 * node the priority override location (as PowerHA). */
void rgm_ctl_move(rgm_ctl_t *ctl, const conf_rg_t *rg, int node);

typedef struct rgm_input {
        const hamr_config_t *cfg;
        uint64_t members;  /* bit per node id: in the current quorate view */
        uint64_t eligible; /* members whose cluster services are active (may host groups) */
        /* members whose service network is worse than another eligible
         * member's (selective fallover): they may not host groups with
         * service IPs; 0 = none */
        uint64_t net_down;
        /* reported state per group and node id: state[g * CONF_MAX_NODES + id] */
        const uint8_t *state;
        const rgm_ctl_t *ctl; /* [cfg->nrgs] */
        /* `clmgr start cluster -o home`: a group not yet started comes
         * online on its home node only, whatever its startup policy */
        bool home_only;
} rgm_input_t;

typedef struct rgm_output {
        uint16_t target; /* node id that should hold the group now, or RGM_NO_NODE */
        rgm_ctl_t ctl;   /* updated control state (started, last_node) */
        /* The decision is final and carried out: the group is where policy
         * wants it (online on the target and nowhere else, or offline
         * everywhere with no target) and nothing waits for a release or a
         * report. ERROR and UNMANAGED count as settled (they wait for the
         * administrator, not for the cluster). */
        bool settled;
        const char
            *why; /* static string: reason of this decision, for logs and `clmgr why` later */
} rgm_output_t;

/* Computes the target of every group. in (borrowed, not modified) must have
 * state and ctl for cfg->nrgs groups; out (caller-owned) has cfg->nrgs
 * entries and is fully written. Pure and deterministic.
 *
 * Groups with service IPs treat net_down nodes as not eligible (PowerHA's
 * selective fallover on network failure: a holder whose network is down
 * loses the group to the next eligible node).
 *
 * Only members count: a non-member's report is taken as UNKNOWN whatever the
 * array says (the membership layer guarantees non-members hold nothing), and
 * eligible is masked with members. Holders are members reporting ACQUIRING,
 * ONLINE, RELEASING, ERROR or UNMANAGED. Per group g, first match wins:
 *  1. a member reports UNMANAGED: target that member if it is the only
 *     holder, else none ("unmanaged on node"): when it resumes management
 *     the group stays where it runs (nothing is restarted);
 *  2. a member reports ERROR: target none ("error on node");
 *  3. more than one holder: target none, all release ("online on more than
 *     one node");
 *  4. ctl.admin OFFLINE: target none ("offline by administrator");
 *  5. desired node, only ever an eligible node of the group's NODES:
 *     - ctl.pol_node if eligible and listed ("priority override location");
 *     - ctl.move_node if eligible and listed ("moved by the administrator");
 *     - else the lone holder if it reports ONLINE or ACQUIRING and is eligible
 *       and listed ("online on current node"), unless FALLBACK=FBHPN and an
 *       eligible node earlier in NODES exists: then the highest-priority
 *       eligible node ("fallback to higher priority node");
 *     - else if !ctl.started: OHN (or home_only) -> NODES[0] if eligible
 *       ("startup on home node"), else none ("home node not available"); OFAN -> highest-priority
 *       eligible node ("startup on first available node"); OUDP ->
 *       highest-priority eligible node that holds no OUDP group and is not
 *       the target of an OUDP group earlier in the configuration
 *       ("startup using the distribution policy"), else none ("no node free
 *       of another OUDP group": PowerHA's node distribution policy, at most
 *       one OUDP group per node at startup; fallover may stack them);
 *     - else FALLOVER=BO -> none ("brought offline after its node failed
 *       (fallover policy BO)": not moved; an administrator's online
 *       without a node runs its startup policy again, rgm_ctl_move);
 *     - else FNPN -> highest-priority eligible node ("fallover to next
 *       priority node");
 *     - none if no node qualifies ("no available node");
 *  6. desired none: target none. Some holder other than desired: target none
 *     ("waiting for release"; a move is release-then-acquire). Else desired
 *     (a lone RELEASING holder that is desired is targeted again).
 * out.ctl = in ctl, except started = true and last_node = target when the
 * target reports ONLINE; move_node cleared once the group is ONLINE there or
 * when it is no longer an eligible listed member (a node whose network is
 * down keeps it); started = false when no node
 * of the group's NODES is an eligible member and nobody holds it (cluster
 * services stopped on all its nodes: its startup policy applies again when
 * they start, one by one or all at once). why is a static string. */
void rgm_schedule(const rgm_input_t *in, rgm_output_t *out);
