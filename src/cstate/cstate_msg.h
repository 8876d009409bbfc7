/* cstate_msg: the cluster-state messages, apart from membership.
 *
 * REPORT (every node -> all): what the node does, keyed by group ID: its
 * cluster services, its view of its service network and repository, and the
 * state of every group it knows (and whether it reaches its networks'
 * NETMON_TARGETS), and the dynamic node priority values it sampled; it
 * names the control publication it answers. CONTROL (the coordinator -> all): what the cluster
 * wants: the wanted services per node, the active repository and, per group ID, the target node and
 * the group's control state; it names, per node, the newest report the coordinator holds (so that
 * each side resends until the other has it). Both are sent when they change and until acknowledged,
 * and written into the node's repository slot; bodies are encoded with hamr_buf (big-endian), and
 * the decoders take untrusted input (after wire authentication) and are fuzzed. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "rgm/rgm.h"

#define CSTATE_MSG_VERSION   2
#define CSTATE_REASON_LEN    200
#define CSTATE_MAX_SUSPENDED 32 /* application controllers with monitoring suspended */

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
} cstate_net_t;

/* The watchdog a node has (what resets it if its daemon dies or hangs). */
typedef enum {
        CSTATE_WD_NONE = 0, /* none usable: the node cannot be fenced */
        CSTATE_WD_HARDWARE, /* a watchdog character device (not softdog) */
        CSTATE_WD_SOFTDOG,  /* the kernel's software watchdog */
        CSTATE_WD_EMULATOR, /* the lab's watchdog emulator (a FIFO) */
        CSTATE_WD_COUNT
} cstate_wd_t;
const char *cstate_wd_str(cstate_wd_t w);

/* Reachability targets (NETMON_TARGETS, src/netmon), cstate_report_t.reach. */
#define CSTATE_REACH_TARGETS 0x1 /* the node probes targets on its networks */
#define CSTATE_REACH_OK      0x2 /* ... and every such network answered within NFDT */

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

/* Start at restart (clmgr start/stop node WHEN=restart|both), as ordered
 * by the coordinator until the node reports it has recorded it. */
typedef enum {
        BOOT_KEEP = 0,  /* no order: the node's own setting stands */
        BOOT_START = 1, /* start cluster services whenever hamrd starts */
        BOOT_MANUAL = 2 /* wait for clmgr start node (the default) */
} cstate_boot_t;

/* One group as a node reports it. */
typedef struct cstate_grp {
        uint32_t id;         /* conf_rg_t.id */
        uint8_t state;       /* rg_state_t */
        uint32_t clear_seen; /* newest clear_seq of the control seen (ERROR reset) */
        char *reason;        /* owned; only for ERROR, NULL otherwise */
        /* application monitors (the REPORT's monitor block) */
        bool failed_here; /* monitor gave it up, or its acquisition failed and was undone: may not
                             host it */
        uint8_t mon_restarts; /* restarts in the current RESTARTINTERVAL */
        char *mon_failure;    /* owned; the last monitor failure here, or NULL */
        /* dynamic node priority (the REPORT's DNP block): the exit code of
         * the group's NODE_PRIORITY_POLICY_SCRIPT here, if it gave one */
        bool dnp_have;
        uint8_t dnp_rc;
} cstate_grp_t;

/* Dynamic node priority values a node samples (FUDNP), node-wide; the
 * script values are per group (cstate_grp_t). */
#define CSTATE_DNP_MEM  0x1 /* mem_free_mb is valid */
#define CSTATE_DNP_CPU  0x2 /* cpu_idle_pm is valid */
#define CSTATE_DNP_DISK 0x4 /* disk_busy_pm is valid */
typedef struct cstate_dnp {
        uint8_t have;          /* CSTATE_DNP_* */
        uint32_t mem_free_mb;  /* MemAvailable, MiB */
        uint16_t cpu_idle_pm;  /* idle CPU over the last sample interval, per mille */
        uint16_t disk_busy_pm; /* busiest disk's busy time over the interval, per mille */
} cstate_dnp_t;

/* A node's report. Owns groups[] and their reasons (cstate_report_clear). */
typedef struct cstate_report {
        uint64_t report_seq; /* increases on every change; newest wins across paths */
        uint8_t services;    /* svc_state_t */
        uint8_t net;         /* cstate_net_t */
        uint64_t net_heard;  /* peers it heard on the network within NFDT */
        uint8_t reach;       /* CSTATE_REACH_*: OK only with TARGETS */
        bool disk_ok;        /* its repository rounds succeed (within the detection time) */
        uint8_t repo_index;  /* repository it uses: 0 REPOSITORY, k BACKUP_REPOSITORIES[k-1] */
        uint8_t watchdog;    /* cstate_wd_t */
        bool fenced;         /* its watchdog is armed: it is reset if its daemon dies or hangs */
        bool autostart;      /* it starts cluster services whenever hamrd starts */
        uint64_t ctl_view;   /* the control publication (view id, ctl_seq) it answers */
        uint64_t ctl_seq;
        uint32_t ngroups;
        cstate_grp_t *groups;
        cstate_dnp_t dnp; /* the DNP block: sent only when it or a group's value is set */
        /* The newest configuration generation whose live changes (DARE,
         * src/exec/exec_dare.c) are complete on the node: what a sync waits
         * for before it answers. Optional at the end (0: not said). */
        uint64_t cfg_done;
        /* The last live change that failed on the node (with cfg_done;
         * dare_fail NULL: none): its generation, the group ID, the reason
         * (owned). */
        uint64_t dare_fail_gen;
        uint32_t dare_fail_rg;
        char *dare_fail;
} cstate_report_t;

/* The coordinator's control state, in the group order of `generation`
 * (gid[] names each entry's group ID, so that it can be remapped to any
 * other generation). Fixed size, no pointers: copied and compared whole. */
typedef struct cstate_ctl {
        uint64_t view_id; /* the membership view it belongs to */
        uint64_t ctl_seq; /* bumped on every change within that view */
        uint16_t coord;   /* the coordinator that published it */
        uint64_t generation;
        bool targets_valid; /* false while the coordinator gathers reports */
        bool home_only;     /* current start asked for home nodes only (-o home) */
        /* Every group is where policy wants it and nothing is in progress
         * (coordinator's judgement; what clmgr and scripts wait for). */
        bool stable;
        uint8_t want[CONF_MAX_NODES]; /* svc_want_t per node id */
        /* The daemon incarnation each node's want was decided for (0: its
         * next start): a node follows WANT_ACTIVE only for its own
         * incarnation, so a restarted daemon does not start services on a
         * want meant for the one before (clmgr start node, or start at
         * restart, starts it). */
        uint64_t want_inc[CONF_MAX_NODES];
        uint8_t boot[CONF_MAX_NODES];        /* cstate_boot_t per node id */
        uint8_t repo_index;                  /* active repository (ARR): 0 REPOSITORY, k backup k */
        uint64_t report_ack[CONF_MAX_NODES]; /* newest report_seq held per node (0 = none) */
        uint32_t ngroups;
        uint32_t gid[CONF_MAX_RGS];
        uint16_t target[CONF_MAX_RGS];
        rgm_ctl_t ctl[CONF_MAX_RGS];
        uint32_t clear_seq[CONF_MAX_RGS]; /* bumped by admin online/offline/move: clears ERROR */
        /* Concurrent groups (STARTUP=OAAN; their target[] is RGM_NO_NODE):
         * the nodes that should hold an instance of the group, and the
         * nodes on which the administrator took it offline (clmgr offline
         * resource_group RG NODE=n); bit per node id, 0 for other groups.
         * Encoded, only when some are set, in a block of their own. */
        uint64_t cnodes[CONF_MAX_RGS];
        uint64_t coffline[CONF_MAX_RGS];
        /* Application controllers whose monitors are suspended (clmgr
         * manage application_controller suspend), by name, sorted, unique,
         * zero-padded: cluster-wide, kept across views, coordinators and
         * generations until resumed. Encoded only when nsuspended > 0. */
        uint8_t nsuspended;
        char suspended[CSTATE_MAX_SUSPENDED][CONF_MAX_NAME + 1];
} cstate_ctl_t;

/* Application controller `name` has its monitoring suspended in c. */
bool cstate_ctl_suspended(const cstate_ctl_t *c, const char *name);
/* Suspend (on) or resume (!on) controller `name` in c (kept sorted).
 * Returns 0, or -ENOSPC when CSTATE_MAX_SUSPENDED are suspended already. */
int cstate_ctl_set_suspended(cstate_ctl_t *c, const char *name, bool on);

/* Frees what r owns and zeroes it (NULL accepted). */
void cstate_report_clear(cstate_report_t *r);
/* Deep copy of src into dst (dst's old content freed). */
void cstate_report_copy(cstate_report_t *dst, const cstate_report_t *src);
/* Sets group k's reason (copied; "" or NULL clears it). */
void cstate_report_set_reason(cstate_report_t *r, uint32_t k, const char *reason);

/* Encode into buf (cap bytes); returns length or -EMSGSIZE. reason_cap
 * truncates every reason to that many bytes (CSTATE_REASON_LEN - 1 for
 * all of it). */
int cstate_report_encode(const cstate_report_t *r, size_t reason_cap, void *buf, size_t cap);
/* Decode; -EBADMSG on malformed input (ret untouched on failure; on
 * success ret owns new memory: cstate_report_clear). */
int cstate_report_decode(const void *buf, size_t len, cstate_report_t *ret);
int cstate_ctl_encode(const cstate_ctl_t *c, void *buf, size_t cap);
int cstate_ctl_decode(const void *buf, size_t len, cstate_ctl_t *ret);
