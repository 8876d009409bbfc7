/* plan_types: the planner's data: the reasons of its decision log, its
 * memory, its input snapshot and its output. Plain data shared by the
 * planner's files (plan.c, plan_timers.c) and its callers. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "common/hamr_time.h"
#include "conf/conf.h"
#include "cstate/cstate_msg.h"

#define PLAN_NONE (-1) /* no node, no group, no switch */

/* Reasons of the decision log. The scheduler's reasons come first (their
 * strings are rgm_schedule's why strings), then the planner's own. */
typedef enum {
        PLAN_WHY_NONE = 0,
        /* per group, from the scheduler */
        PLAN_WHY_UNMANAGED,
        PLAN_WHY_ERROR,
        PLAN_WHY_MULTIPLE,
        PLAN_WHY_ADMIN_OFFLINE,
        PLAN_WHY_POL,
        PLAN_WHY_MOVE,
        PLAN_WHY_FALLBACK,
        PLAN_WHY_STAY,
        PLAN_WHY_STARTUP_HOME,
        PLAN_WHY_NO_HOME,
        PLAN_WHY_STARTUP_FIRST,
        PLAN_WHY_FALLOVER,
        PLAN_WHY_NO_NODE,
        PLAN_WHY_WAIT_RELEASE,
        PLAN_WHY_WAIT_REPORT,
        PLAN_WHY_STARTUP_DIST, /* OUDP: startup using the distribution policy */
        PLAN_WHY_NO_DIST_NODE, /* OUDP: every eligible node holds another OUDP group */
        PLAN_WHY_BO_OFFLINE,   /* BO: offline after its node failed, not moved */
        /* per group, from the planner */
        PLAN_WHY_REVOKE_FIRST,     /* a target never moves in one publication */
        PLAN_WHY_PENDING_ANSWERS,  /* a member has not answered the last target change */
        PLAN_WHY_GATHERING,        /* targets not valid: not quorate, view not agreed, reports */
        PLAN_WHY_SETTLING,         /* OFAN startup waits for the home node (RG_SETTLING_TIME) */
        PLAN_WHY_FALLBACK_TIMER,   /* FBHPN fallback waits for the FALLBACK_AT timer */
        PLAN_WHY_WAIT_PARENT,      /* a child waits for its parent to be online */
        PLAN_WHY_WAIT_CHILDREN,    /* a parent's release waits for its children's */
        PLAN_WHY_SAME_NODE,        /* ONLINE_ON_SAME_NODE: placed with another group */
        PLAN_WHY_YIELD,            /* ONLINE_ON_DIFFERENT_NODES: node taken by a higher priority */
        PLAN_WHY_WAIT_YIELD,       /* ... waits for a lower priority to release the node */
        PLAN_WHY_WAIT_START_AFTER, /* START_AFTER: waits for the AFTER group to be online */
        PLAN_WHY_WAIT_STOP_AFTER,  /* STOP_AFTER: release waits for the AFTER group's */
        PLAN_WHY_CONCURRENT,       /* OAAN: an instance on every available node */
        PLAN_WHY_CONCURRENT_NONE,  /* OAAN: no node available for an instance */
        /* per node */
        PLAN_WHY_STOP_DONE,          /* stop completed: wanted inactive */
        PLAN_WHY_NET_WORSE,          /* network worse, not yet for the detection time */
        PLAN_WHY_SELECTIVE_FALLOVER, /* network worse for the detection time */
        PLAN_WHY_POISON_PILL,        /* network down and a group with service IPs in ERROR */
        PLAN_WHY_FENCE_LEFT,         /* ordered to reset, left the view: the order is lifted */
        PLAN_WHY_RESTARTED,          /* its daemon restarted: services wait for clmgr start */
        PLAN_WHY_RESTART_START,      /* its daemon restarted, start at restart: wanted active */
        PLAN_WHY_NO_WATCHDOG,        /* DEADMAN_MODE a and no armed watchdog: not wanted active */
        PLAN_WHY_NODE_UNSETTLED,     /* services not where wanted, or not heard lately */
        /* cluster */
        PLAN_WHY_LEASE_CANDIDATE, /* node: most groups held among members with a working disk */
        PLAN_WHY_ARR_FAILING,     /* every member reports the active repository failing */
        PLAN_WHY_ARR_SWITCH,      /* ... for the detection time: switch (node = backup index) */
        PLAN_WHY_ARR_NO_BACKUP,   /* ... but no usable backup is left */
        PLAN_WHY_STABLE,          /* every group where policy wants it, nothing in progress */
        PLAN_WHY_COUNT
} plan_why_t;

/* The planner's memory, carried from one call to the next (everything the
 * coordinator remembers apart from the published control state). Follows
 * the control state's group order. */
typedef struct plan_memory {
        uint16_t stopped_by[CONF_MAX_RGS]; /* node whose MANAGE=offline stop took it offline */
        /* Publication (view id, ctl_seq) that last changed each group's
         * target: until every member has answered it, the group's target
         * is not changed again (a report older than the target may hide an
         * acquisition in progress). */
        uint64_t target_view[CONF_MAX_RGS];
        uint64_t target_pub[CONF_MAX_RGS];
        /* Since when each node's service network has been worse than the
         * best eligible member's (0: it is not). */
        usec_t net_worse_since[CONF_MAX_NODES];
        uint64_t net_down; /* nodes selective fallover currently applies to */
        /* Since when each node is a member (as this coordinator saw it). */
        usec_t member_since[CONF_MAX_NODES];
        /* Since when every member reports the active repository failing (0: not). */
        usec_t repo_fail_since;
        /* Since when each OFAN group waits for its home node (settling
         * time; 0: it does not), and when each group's delayed fallback is
         * due (local wall-clock seconds; 0: not waiting, or no occurrence). */
        usec_t settle_since[CONF_MAX_RGS];
        int64_t fallback_due[CONF_MAX_RGS];
} plan_memory_t;

/* What is known about one node. */
typedef struct plan_node {
        usec_t last_heard;    /* newest time heard on any path, 0 = never (self: ignored) */
        uint64_t generation;  /* configuration generation it runs (self: the configuration's) */
        uint64_t incarnation; /* of the daemon whose report is held (0 = unknown) */
        bool have_report;
        /* its newest report (valid if have_report) */
        uint64_t report_seq;
        uint8_t services;   /* svc_state_t */
        uint8_t net;        /* cstate_net_t */
        uint64_t net_heard; /* peers it heard on the service network */
        uint8_t reach;      /* CSTATE_REACH_*: probes NETMON_TARGETS, reached them */
        bool disk_ok;
        uint8_t repo_index;
        bool fenced;                /* its watchdog is armed */
        bool autostart;             /* it starts cluster services when its daemon starts */
        uint64_t ctl_view, ctl_seq; /* control publication it answers */
        unsigned held;              /* groups it holds or is busy with (lease candidate) */
} plan_node_t;

/* The snapshot: plain data, borrowed configuration. */
typedef struct plan_input {
        const hamr_config_t *cfg;
        usec_t now;
        /* Wall-clock now in the coordinator's local time zone: seconds
         * since 1970-01-01 00:00 local (time + UTC offset), for fallback
         * timers; the planner does calendar arithmetic on it as UTC. */
        int64_t wall;
        uint16_t self;
        usec_t detect_usec; /* node failure detection time (HEARTBEAT_FREQUENCY + GRACE_PERIOD) */
        /* membership */
        bool have_view;
        uint64_t view_id;
        uint64_t members; /* of the current view */
        bool quorate;
        bool view_agreed; /* every member reports this view and generation; closed view */
        plan_node_t node[CONF_MAX_NODES];
        /* reported state per group (configuration order) and node id:
         * state[g * CONF_MAX_NODES + id], RG_S_UNKNOWN without a report */
        uint8_t state[CONF_MAX_RGS * CONF_MAX_NODES];
        /* per group (configuration order): members that report it failed
         * there (application monitor restarts used up, FAILUREACTION=
         * fallover; or an acquisition that failed and was undone), bit per
         * node id: not eligible for it, and their ERROR counts as released */
        uint64_t failed_here[CONF_MAX_RGS];
        /* the current control state, of this view (any generation: it is
         * remapped to the configuration's groups by ID) */
        cstate_ctl_t ctl;
        plan_memory_t mem;
        uint32_t repo_bad; /* backups that failed to prepare (bit per index) */
} plan_input_t;

typedef struct plan_entry {
        int16_t group;   /* group index, or PLAN_NONE */
        int16_t node;    /* node id (group entries: the new target), or PLAN_NONE */
        uint8_t code;    /* plan_why_t */
        bool changed;    /* group entries: the target changed (from prev) */
        uint16_t prev;   /* group entries: the previous target */
        int16_t waits;   /* group entries: the group waited for (dependency), or PLAN_NONE */
        const char *why; /* static string: plan_why_str(code) */
} plan_entry_t;

#define PLAN_LOG_MAX (CONF_MAX_RGS + 2 * CONF_MAX_NODES + 8)

/* A pending timer of a group, for clRGinfo -t. */
typedef enum { PLAN_TIMER_NONE = 0, PLAN_TIMER_SETTLING, PLAN_TIMER_FALLBACK } plan_timer_kind_t;
typedef struct plan_timer {
        uint8_t kind;  /* plan_timer_kind_t */
        uint16_t node; /* settling: the home node waited for; fallback: where it goes */
        int64_t at;    /* local wall-clock seconds when it fires (0: never) */
} plan_timer_t;

typedef struct plan_output {
        cstate_ctl_t ctl;    /* new control state */
        plan_memory_t mem;   /* new memory */
        bool publish;        /* the control state changed (ctl_seq bumped) */
        bool send;           /* publish, or only the report acknowledgements changed */
        usec_t next_wakeup;  /* earliest time a decision may change with no new input */
        int lease_candidate; /* node that should want the tie-breaker lease, or PLAN_NONE */
        int arr_switch;      /* backup index to switch the cluster to, or PLAN_NONE */
        unsigned nlog;
        plan_entry_t log[PLAN_LOG_MAX];
        plan_timer_t timer[CONF_MAX_RGS]; /* per group (valid targets only) */
} plan_output_t;
