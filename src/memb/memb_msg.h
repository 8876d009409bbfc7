/* memb_msg: bodies of the HEARTBEAT and VIEW messages, sent over UDP and
 * written into repository slots: membership only (liveness, views, quorum,
 * echoes); what the nodes do and what the cluster wants travel in the
 * cluster-state messages (cstate_msg). Encoded with hamr_buf (big-endian);
 * the decoders take untrusted input (after wire authentication) and are
 * fuzzed. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"

#define MEMB_MSG_VERSION 3

/* A node's status: its heartbeat body. */
typedef struct memb_status {
        uint64_t status_seq;   /* increases on every change or send; newest wins across paths */
        uint64_t generation;   /* configuration generation applied */
        uint64_t reach;        /* nodes this node hears (bit per node id, incl. itself) */
        uint64_t view_id;      /* view accepted, 0 = none */
        uint64_t view_pub_seq; /* publication of that view this status answers */
        uint64_t view_epoch;   /* that view's ctl_epoch */
        uint16_t view_coord;
        uint64_t view_members;
        bool quorate;          /* the node considers itself in a quorate view */
        /* The newest view whose control state the node holds, and that
         * view's epoch: its own claim in the coordinator choice. */
        uint64_t ctl_view;
        uint64_t ctl_epoch;
        /* Echo: per node id, the newest status (incarnation, status_seq)
         * received from that node; 0 = none. Lets each node learn when it
         * was last heard by each peer (memb_hold_deadline). */
        uint64_t echo_inc[CONF_MAX_NODES];
        uint64_t echo_seq[CONF_MAX_NODES];
} memb_status_t;

/* The coordinator's view (membership only; its control state is
 * cstate_ctl_t). */
typedef struct memb_view {
        uint64_t view_id;
        uint64_t pub_seq;       /* bumped on every change the coordinator publishes */
        /* Id of the newest quorate view this control state was published
         * in: a partition's side without quorum may form views with higher
         * ids but carries an older epoch, so the side that kept running
         * coordinates the merge (memb_coordinator ranks by epoch first). */
        uint64_t ctl_epoch;
        uint16_t coord;
        uint64_t members;
        uint64_t incarnations[CONF_MAX_NODES]; /* members' incarnations when formed */
} memb_view_t;

/* Encode into buf (cap bytes); returns length or -EMSGSIZE. */
int memb_status_encode(const memb_status_t *st, void *buf, size_t cap);
/* Decode; -EBADMSG on malformed input (ret untouched on failure). */
int memb_status_decode(const void *buf, size_t len, memb_status_t *ret);
int memb_view_encode(const memb_view_t *v, void *buf, size_t cap);
int memb_view_decode(const void *buf, size_t len, memb_view_t *ret);
