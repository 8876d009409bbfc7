/* memb_msg: bodies of the HEARTBEAT and VIEW messages, sent over UDP and
 * written into repository slots. Encoded with hamr_buf (big-endian); the
 * decoders take untrusted input (after wire authentication) and are fuzzed. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "rgm/rgm.h"

#define MEMB_MSG_VERSION 2
#define MEMB_REASON_LEN  200

/* State of cluster services on a node (what `clmgr start/stop` controls). */
typedef enum {
        SVC_INACTIVE = 0, /* daemon up, services stopped: holds nothing */
        SVC_ACTIVE,       /* may host groups */
        SVC_STOPPING,     /* releasing its groups before going INACTIVE */
        SVC_UNMANAGED,    /* stopped with MANAGE=unmanage: resources left as they are */
        SVC_COUNT
} svc_state_t;
const char *svc_state_str(svc_state_t s);

/* A node's own view of its service network (selective fallover): ordered,
 * higher is better. */
typedef enum {
        NET_NO_CARRIER = 0, /* an interface of a network has no carrier */
        NET_SILENT,         /* links up but no peer heard on the network recently */
        NET_OK,             /* a peer was heard on the network within NFDT */
        NET_COUNT
} memb_net_t;

/* What the coordinator wants each node's services to be. */
typedef enum {
        WANT_INACTIVE = 0,
        WANT_ACTIVE,
        WANT_STOP_OFFLINE, /* stop, groups go offline */
        WANT_STOP_MOVE,    /* stop, groups move to other nodes */
        WANT_UNMANAGE,     /* stop, leave resources running */
        WANT_FENCE,        /* poison pill: stop petting the watchdog (reset) */
        WANT_COUNT
} svc_want_t;

/* A node's status: its heartbeat body. */
typedef struct memb_status {
        uint64_t status_seq;   /* increases on every change or send; newest wins across paths */
        uint64_t generation;   /* configuration generation applied */
        uint8_t services;      /* svc_state_t */
        uint64_t reach;        /* nodes this node hears (bit per node id, incl. itself) */
        uint64_t view_id;      /* view accepted, 0 = none */
        uint64_t view_pub_seq; /* publication of that view this status answers */
        uint64_t view_epoch;   /* that view's ctl_epoch */
        uint16_t view_coord;
        uint64_t view_members;
        bool quorate;          /* the node considers itself in a quorate view */
        uint8_t net;           /* memb_net_t: this node's service network as it sees it */
        uint64_t net_heard;    /* peers it heard on the network within NFDT */
        bool disk_ok;          /* its repository rounds succeed (within the detection time) */
        uint8_t repo_index;    /* repository it uses: 0 REPOSITORY, k BACKUP_REPOSITORIES[k-1] */
        /* Echo: per node id, the newest status (incarnation, status_seq)
         * received from that node; 0 = none. Lets each node learn when it
         * was last heard by each peer (memb_hold_deadline). */
        uint64_t echo_inc[CONF_MAX_NODES];
        uint64_t echo_seq[CONF_MAX_NODES];
        uint32_t ngroups;      /* = cfg->nrgs for `generation` */
        uint8_t gstate[CONF_MAX_RGS];        /* rg_state_t per group index */
        uint32_t gclear[CONF_MAX_RGS];       /* last clear_seq seen per group (ERROR reset) */
        char gerror[CONF_MAX_RGS][MEMB_REASON_LEN]; /* reason when ERROR */
} memb_status_t;

/* The coordinator's view and control state. */
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
        uint64_t generation;
        bool targets_valid;     /* false while the coordinator gathers reports */
        bool home_only;         /* current start asked for home nodes only (-o home) */
        /* Every group is where policy wants it and nothing is in progress
         * (coordinator's judgement; what clmgr and scripts wait for). */
        bool stable;
        uint8_t want[CONF_MAX_NODES]; /* svc_want_t per node id */
        uint8_t repo_index;     /* active repository (ARR): 0 REPOSITORY, k backup k */
        uint32_t ngroups;
        /* Group ID (conf_rg_t.id) per entry: control state follows its
         * group across syncs, deletions and renames. */
        uint32_t gid[CONF_MAX_RGS];
        uint16_t target[CONF_MAX_RGS];
        rgm_ctl_t ctl[CONF_MAX_RGS];
        uint32_t clear_seq[CONF_MAX_RGS]; /* bumped by admin online/offline/move: clears ERROR */
} memb_view_t;

/* Encode into buf (cap bytes); returns length or -EMSGSIZE. */
int memb_status_encode(const memb_status_t *st, void *buf, size_t cap);
/* Decode; -EBADMSG on malformed input (ret untouched on failure). */
int memb_status_decode(const void *buf, size_t len, memb_status_t *ret);
int memb_view_encode(const memb_view_t *v, void *buf, size_t cap);
int memb_view_decode(const void *buf, size_t len, memb_view_t *ret);
