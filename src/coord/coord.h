/* coord: the coordinator's control logic. On the node that coordinates the
 * current view it turns administrator intents (start/stop nodes, online,
 * offline and move groups) plus the members' reports into the control part of
 * the published view: wanted service state per node, per-group control state
 * and targets computed by the pure scheduler (rgm_schedule). */
#pragma once
#include <jansson.h>
#include <stdbool.h>

#include "conf/conf.h"
#include "memb/memb.h"

typedef struct coord {
        uint16_t stopped_by[CONF_MAX_RGS]; /* node whose MANAGE=offline stop took the group offline */
} coord_t;

/* Recompute the control part of m->view (coordinator only, quorate view).
 * self_status is this node's own status. Returns true if anything published
 * changed (pub_seq was bumped). */
bool coord_update(coord_t *c, memb_t *m, const hamr_config_t *cfg, const memb_status_t *self_status,
                  usec_t now);

/* Apply a runtime request (op start|stop|rg_online|rg_offline|rg_move, see
 * docs/control-protocol.md) to m->view. Returns 0, or a negative HAMR_E code
 * with err filled. Bumps pub_seq on success. */
int coord_command(coord_t *c, memb_t *m, const hamr_config_t *cfg, const memb_status_t *self_status,
                  json_t *req, char *err, size_t errlen);
