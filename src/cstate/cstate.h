/* cstate: the cluster state apart from membership. Holds every node's
 * newest report (keyed by group ID, mapped onto the current configuration's
 * group order for the planner) and the control state this node follows
 * (published by the coordinator; on the coordinator, its own). Pure logic:
 * no I/O, no clock; the daemon feeds it decoded messages. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "conf/conf.h"
#include "cstate/cstate_msg.h"
#include "rgm/rgm.h"

typedef struct cstate_node {
        uint64_t incarnation;
        bool have; /* a report of this incarnation is held */
        cstate_report_t report;
        int32_t *pos; /* [cfg->nrgs]: index in report.groups, -1 = not reported */
} cstate_node_t;

typedef struct cstate {
        const hamr_config_t *cfg; /* borrowed; NULL while unconfigured */
        uint16_t self;
        cstate_node_t nodes[CONF_MAX_NODES];
        cstate_ctl_t ctl; /* followed (or, on the coordinator, own) control state */
        bool have_ctl;
} cstate_t;

cstate_t *cstate_new(void);
void cstate_free(cstate_t *cs);
/* New configuration (borrowed until the next call): reports of nodes no
 * longer configured are dropped, the others are mapped onto its groups. */
void cstate_set_config(cstate_t *cs, const hamr_config_t *cfg, uint16_t self);

/* A report of node `from` (self included) of this incarnation arrived;
 * takes ownership of *r (zeroed). Returns true if it was newer than the
 * report held (a new incarnation replaces everything). */
bool cstate_on_report(cstate_t *cs, uint16_t from, uint64_t incarnation, cstate_report_t *r);
/* Node `from` is alive in this incarnation (any message of it arrived): a
 * report of an earlier life is dropped at once (a restarted node holds
 * nothing, whatever it reported before). */
void cstate_note_incarnation(cstate_t *cs, uint16_t from, uint64_t incarnation);
/* The report held for node id, or NULL. */
const cstate_report_t *cstate_report_of(const cstate_t *cs, uint16_t id);
/* State of the group at index gidx of the configuration as node id
 * reports it: RG_S_UNKNOWN without a report or when the report does not
 * name the group. */
rg_state_t cstate_group_state(const cstate_t *cs, uint16_t id, unsigned gidx);
/* Reason of an ERROR reported by node id for group gidx ("" if none). */
const char *cstate_group_reason(const cstate_t *cs, uint16_t id, unsigned gidx);
/* Groups node id holds or is busy with (ACQUIRING, ONLINE, RELEASING, ERROR). */
unsigned cstate_held_count(const cstate_t *cs, uint16_t id);

/* Cluster services state machine (what `clmgr start/stop node` drives):
 * the next state of a node whose services are `cur`, given what the
 * coordinator wants of them and how many groups it still holds or is busy
 * with. Pure:
 *   INACTIVE  -> ACTIVE     when wanted ACTIVE
 *   ACTIVE    -> STOPPING   when wanted stopped (offline, move) or INACTIVE
 *   ACTIVE    -> UNMANAGED  when wanted UNMANAGE (resources left running)
 *   STOPPING  -> INACTIVE   once it holds nothing
 *   UNMANAGED -> ACTIVE     when wanted ACTIVE (resources adopted, not restarted) */
svc_state_t cstate_services_next(svc_state_t cur, svc_want_t want, unsigned busy);
/* A control publication from node `from` arrived. Accepted when `from`
 * published it for the view this node is in (view_id, formed by
 * view_coord) and it is newer than the control held. Returns true if
 * accepted. */
bool cstate_on_ctl(cstate_t *cs, uint16_t from, const cstate_ctl_t *c, uint64_t view_id,
                   uint16_t view_coord);
/* The control state is this view's (same id AND published by the view's
 * coordinator: two partitions' coordinators may form views with the same
 * id, found by the spin model, finding 12) and this generation's: its
 * per-group arrays are in the configuration's order and its targets may be
 * acted on. */
bool cstate_ctl_current(const cstate_t *cs, uint64_t view_id, uint16_t view_coord);
/* The control state held is the one published in view (view_id, view_coord). */
bool cstate_ctl_of_view(const cstate_t *cs, uint64_t view_id, uint16_t view_coord);

/* Concurrent group gidx (STARTUP=OAAN) as the status shows it, from the
 * reports held of the nodes in reach (bit per node id) and the control
 * state ctl (NULL: none current): returns its state (ONLINE if an instance
 * is, else an ACQUIRING or RELEASING one's state, else ERROR if one is,
 * else OFFLINE; static string) and writes the nodes it is ONLINE (or
 * UNMANAGED) on into cur and the nodes that should hold an instance into
 * tgt, space separated in priority order (each len bytes). cstate_conc.c. */
const char *cstate_concurrent_status(const cstate_t *cs, unsigned gidx, const cstate_ctl_t *ctl,
                                     uint64_t reach, char *cur, char *tgt, size_t len);
