/* memb: who is alive (over every path), which view this node is in, who
 * coordinates, and whether the view is quorate.
 *
 * A peer is up while some path (authenticated UDP message, or its repository
 * slot advancing) was heard within HEARTBEAT_FREQUENCY + GRACE_PERIOD.
 * The coordinator is the lowest node id this node can reach. The coordinator
 * forms a view (view id = highest seen + 1, members = the nodes it reaches,
 * with their incarnations) and publishes it; the others accept a view from
 * the node they believe is coordinator, if it is not older than what they have
 * and includes them. A view is quorate when its members are a strict majority
 * of the configured nodes, or exactly half while this node holds the
 * repository tie-breaker lease (memb_set_lease). Pure logic: no I/O, time passed in. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "common/hamr_time.h"
#include "conf/conf.h"
#include "memb/memb_msg.h"

typedef enum { MEMB_PATH_NET = 0, MEMB_PATH_DISK } memb_path_t;

typedef struct memb_peer {
        uint64_t incarnation;
        usec_t last_net_usec;  /* 0 = never */
        usec_t last_disk_usec; /* 0 = never */
        uint64_t disk_seq;
        uint64_t view_id_seen; /* newest view it reported or published, */
        uint64_t epoch_seen;   /* ranked by (ctl_epoch, view_id) */
        bool have_status;
        memb_status_t status;  /* newest by status_seq within the incarnation */
        usec_t echo_usec;      /* send time of our newest status it echoed (0 = none) */
} memb_peer_t;

#define MEMB_SENT_RING 1024 /* own status send times kept for echoes */

typedef struct memb {
        const hamr_config_t *cfg; /* borrowed; NULL while unconfigured */
        uint16_t self;
        uint64_t incarnation;
        uint64_t configured;      /* bit per configured node id */
        memb_peer_t peers[CONF_MAX_NODES];
        memb_view_t view;         /* accepted (or, on the coordinator, own) view */
        bool have_view;
        usec_t view_heard_usec;
        uint64_t max_view_id_seen;
        usec_t lease_until;       /* tie-breaker lease held until (0 = not held) */
        /* The view whose control state (cstate) this node holds, and that
         * view's epoch: a node counts a view for itself in the coordinator
         * choice only with its control state (a restarted node that adopted
         * the running view but has not yet received its control state must
         * not take coordination over with an empty one). */
        uint64_t ctl_view;
        uint64_t ctl_view_epoch;
        uint64_t sent_seq[MEMB_SENT_RING];
        usec_t sent_usec[MEMB_SENT_RING];
} memb_t;

memb_t *memb_new(uint16_t self, uint64_t incarnation);
void memb_free(memb_t *m);
/* New configuration: forget peers that are no longer configured. */
void memb_set_config(memb_t *m, const hamr_config_t *cfg, uint16_t self);
usec_t memb_timeout(const memb_t *m);

/* A peer's status arrived over `path` (already authenticated). Returns true
 * if it was newer than what we had. */
bool memb_on_status(memb_t *m, uint16_t from, uint64_t incarnation, const memb_status_t *st,
                    memb_path_t path, usec_t now);
/* A peer's repository slot was read with this seq (liveness only). */
void memb_on_disk_seq(memb_t *m, uint16_t from, uint64_t incarnation, uint64_t seq, usec_t now);
/* A view arrived from `from`. Returns true if accepted (new id or pub_seq). */
bool memb_on_view(memb_t *m, uint16_t from, const memb_view_t *v, usec_t now);

uint64_t memb_reach(const memb_t *m, usec_t now);
uint16_t memb_coordinator(const memb_t *m, usec_t now);
bool memb_is_coordinator(const memb_t *m, usec_t now);
/* On the coordinator: form a new view if reach or incarnations changed.
 * The control-state epoch is carried over from the current view. Returns
 * true if a new view was formed. */
bool memb_coordinator_tick(memb_t *m, usec_t now);
/* On the coordinator of a quorate view: the control state is now of this
 * view's epoch (ctl_epoch = view_id, published). True if it changed. */
bool memb_epoch_step(memb_t *m, usec_t now);
/* Drop a view from another coordinator that went silent. */
void memb_expire(memb_t *m, usec_t now);
bool memb_quorate(const memb_t *m, usec_t now);
/* A member of our view reports a view (not older than ours, not ours)
 * formed by a node we do not take as coordinator. */
bool memb_view_conflict(const memb_t *m, usec_t now);
/* Every member reports the current view (id and coordinator) and generation
 * `gen`, and hears no node outside the view (closed view). */
bool memb_view_agreed(const memb_t *m, uint64_t gen);
/* Our own status `seq` was sent at `now` (for echoes). */
void memb_note_sent(memb_t *m, uint64_t seq, usec_t now);
/* Fill st's echo fields from the newest status of each peer. */
void memb_fill_echo(const memb_t *m, memb_status_t *st);
/* This node holds the control state published in the current view (call
 * whenever it accepted or formed one). */
void memb_note_control(memb_t *m);
/* The tie-breaker lease is held until `until` (0: not held). */
void memb_set_lease(memb_t *m, usec_t until);
/* Hold deadline: the earliest time at which a quorate view without this
 * node could exist and act, from the peers' echoes: a view is used only
 * once it is closed (no member hears us), so each of its members must have
 * gone the detection time without hearing us. The adversarial view is the
 * smallest set of peers able to be quorate (a majority; with an even node
 * count half plus the lease, unless we hold the lease ourselves) with the
 * oldest echoes. USEC_INFINITY when no such set exists (one-node cluster). */
usec_t memb_hold_deadline(const memb_t *m);
/* A peer was heard on any path within `within` (self: always). */
bool memb_heard_within(const memb_t *m, uint16_t id, usec_t within, usec_t now);
/* Network path: the peers heard on the network within `within` (bit per id). */
uint64_t memb_net_heard(const memb_t *m, usec_t within, usec_t now);
/* Status of a member (self's is not stored here): NULL if none. */
const memb_status_t *memb_peer_status(const memb_t *m, uint16_t id);
