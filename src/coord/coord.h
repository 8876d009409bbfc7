/* coord: the coordinator's control logic. On the node that coordinates the
 * current view it turns administrator intents (start/stop nodes, online,
 * offline and move groups) plus the members' reports into the control state
 * (cstate_ctl_t, published in the CONTROL message): wanted service state per
 * node, per-group control state and targets computed by the pure scheduler
 * (rgm_schedule). */
#pragma once
#include <jansson.h>
#include <stdbool.h>

#include "conf/conf.h"
#include "cstate/cstate.h"
#include "memb/memb.h"

typedef struct coord {
        uint16_t stopped_by[CONF_MAX_RGS]; /* node whose MANAGE=offline stop took the group offline */
        /* Publication (view id, pub_seq) that last changed each group's
         * target: until every member has answered it, the group's target is
         * not changed again (a report older than the target may hide an
         * acquisition in progress). */
        uint64_t target_view[CONF_MAX_RGS];
        uint64_t target_pub[CONF_MAX_RGS];
        /* Since when each node's service network has been worse than the
         * best eligible member's (0: it is not). Selective fallover acts
         * only once that has lasted NETWORK_FAILURE_DETECTION_TIME, so the
         * moment a peer comes back (it hears us before we hear it) does not
         * move groups. */
        usec_t net_worse_since[CONF_MAX_NODES];
        uint64_t net_down; /* nodes selective fallover currently applies to */
        /* Since when each node is a member (as this coordinator saw it):
         * a node counts as having the better network only after the
         * detection time, so that a rejoining node whose packets are not
         * yet heard both ways does not pull groups to it. */
        usec_t member_since[CONF_MAX_NODES];
} coord_t;

/* Initial state: no stop recorded, no target change pending. */
void coord_init(coord_t *c);

/* Recompute the control state cs->ctl (coordinator of the current view
 * only) from the membership m and the members' reports in cs (this node's
 * own report included). Returns true if the control state must be sent:
 * something published changed (ctl_seq was bumped) or only the report
 * acknowledgements changed (same ctl_seq). */
bool coord_update(coord_t *c, const memb_t *m, cstate_t *cs, const hamr_config_t *cfg, usec_t now);

/* Apply a runtime request (op start|stop|rg_online|rg_offline|rg_move, see
 * docs/control-protocol.md) to cs->ctl. Returns 0, or a negative HAMR_E code
 * with err filled. Bumps ctl_seq on success. */
int coord_command(coord_t *c, const memb_t *m, cstate_t *cs, const hamr_config_t *cfg, json_t *req,
                  char *err, size_t errlen);
