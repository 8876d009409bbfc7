/* conf: public API of the configuration module.
 *
 * Two layers:
 *  - conf_db_t: the generic object store (class, name, attribute strings in
 *    canonical form) driven by the schema table. clmgr edits, the text file,
 *    query output and help all go through it.
 *  - hamr_config_t: the compiled, typed, fully verified view used by the
 *    daemon (timers in usec, references resolved to indexes).
 */
#pragma once
#include <jansson.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/hamr_time.h"

#define CONF_MAX_NODES          64 /* node ids 0..63, one bit each in membership masks */
#define CONF_MAX_NAME           64
#define CONF_MAX_BACKUP_REPOS   6 /* as PowerHA */
#define CONF_MAX_RGS            1024
#define CONF_MAX_RG_RES         16 /* service labels or applications per group */
#define CONF_ERR_LEN            512
#define CONF_MAX_NETMON_TARGETS 8 /* NETMON_TARGETS per network */

typedef enum {
        CONF_CLASS_CLUSTER = 0,
        CONF_CLASS_NODE,
        CONF_CLASS_NETWORK,
        CONF_CLASS_SERVICE_IP,
        CONF_CLASS_APPLICATION_CONTROLLER,
        CONF_CLASS_RESOURCE_GROUP,
        CONF_CLASS_FALLBACK_TIMER,
        CONF_CLASS_APPLICATION_MONITOR,
        CONF_CLASS_DEPENDENCY,
        CONF_CLASS_FILE_SYSTEM,
        CONF_CLASS_EVENT,
        CONF_CLASS_COUNT
} conf_class_t;

/* ---- schema (conf_schema.c) ---- */

typedef enum {
        CONF_T_STRING,   /* free text */
        CONF_T_NAME,     /* object name rules */
        CONF_T_SECONDS,  /* fractional seconds */
        CONF_T_UINT,     /* unsigned integer within [min,max] */
        CONF_T_IPV4,     /* dotted quad */
        CONF_T_PATH,     /* absolute path */
        CONF_T_ENUM,     /* one of enum_values */
        CONF_T_REF,      /* name of an object of class ref_class */
        CONF_T_REF_LIST, /* space/comma separated names of ref_class objects, canonical: space
                            separated */
        CONF_T_ADDR_MAP, /* "node=ipv4 node=ipv4", canonical: space separated */
        CONF_T_IP_LIST,  /* space/comma separated IPv4 addresses, canonical: space separated */
} conf_type_t;

enum {
        CONF_F_REQUIRED = 1 << 0, /* must be given at add */
        CONF_F_READONLY = 1 << 1, /* set by hamr, never by clmgr (e.g. cluster ID) */
        CONF_F_RUNTIME = 1 << 2,  /* query-only, filled by the daemon (STATE...) */
};

typedef struct conf_attr_def {
        const char *name; /* upper case, as PowerHA spells it */
        conf_type_t type;
        const char *def; /* default in canonical text, or NULL */
        unsigned flags;
        double min, max; /* CONF_T_SECONDS and CONF_T_UINT bounds */
        /* CONF_T_ENUM: enum_values[v] is the text of C enum value v (designated
         * initialisers in conf_schema.c); enum_count is the enum's *_COUNT. */
        const char *const *enum_values;
        size_t enum_count;
        conf_class_t ref_class; /* CONF_T_REF, CONF_T_REF_LIST */
        const char *help;
} conf_attr_def_t;

typedef struct conf_class_def {
        const char *name;           /* "resource_group" */
        const char *const *aliases; /* extra accepted names ("rg"), NULL-terminated */
        bool singleton;             /* cluster */
        const conf_attr_def_t *attrs;
        size_t nattrs;
        const char *help;
} conf_class_def_t;

const conf_class_def_t *conf_class_def(conf_class_t cls);
/* Case-insensitive; exact name, alias, or unambiguous prefix. -HAMR_E_BAD_CLASS if none. */
int conf_class_lookup(const char *s, conf_class_t *ret_cls);
/* Case-insensitive; exact or unambiguous prefix. Returns attribute index or -HAMR_E_BAD_ATTR. */
int conf_attr_lookup(conf_class_t cls, const char *s);
/* Index of the class's attribute named exactly name (canonical upper case), or -1. */
int conf_attr_index(conf_class_t cls, const char *name);
/* CONF_T_ENUM: the C enum value of text (case-insensitive), or -HAMR_E_BAD_VALUE;
 * -HAMR_E_BAD_ATTR if attr is not an enum attribute of cls. */
int conf_enum_value(conf_class_t cls, int attr, const char *text);
/* CONF_T_ENUM: the canonical text of C enum value v, or NULL if out of range. */
const char *conf_enum_name(conf_class_t cls, int attr, int v);
/* What an attribute allows, in words ("OHN, OFAN"; "an integer from 1 to 32"),
 * as error messages and help show it. Always NUL-terminates buf. */
void conf_attr_describe(conf_class_t cls, int attr, char *buf, size_t len);
/* The class names with their aliases, for messages and help:
 * "cluster, node, network (net), ...". Always NUL-terminates buf. */
void conf_class_names(char *buf, size_t len);
/* Check and canonicalise one value (not references). On error fills err naming
 * class, attribute, value and what is allowed. ret_canon is malloc'd. */
int conf_value_check(conf_class_t cls, int attr, const char *value, char **ret_canon, char *err,
                     size_t errlen);

/* ---- object store (conf_db.c) ---- */

typedef struct conf_object {
        conf_class_t cls;
        char name[CONF_MAX_NAME + 1];
        char **values; /* [class nattrs], NULL = unset (default applies) */
} conf_object_t;

typedef struct conf_db {
        uint64_t generation; /* generation this db was loaded from / is based on */
        conf_object_t *objs; /* in insertion order */
        size_t nobjs;
} conf_db_t;

typedef struct conf_kv {
        const char *key;
        const char *value;
} conf_kv_t;

conf_db_t *conf_db_new(void);
void conf_db_free(conf_db_t *db); /* accepts NULL */
conf_db_t *conf_db_dup(const conf_db_t *db);
conf_object_t *conf_db_find(const conf_db_t *db, conf_class_t cls, const char *name);
/* Effective value: set value or schema default (may be NULL). */
const char *conf_object_get(const conf_object_t *obj, const char *attr_name);

/* add/modify/delete, atomically: on any error the db is unchanged and err names
 * the object, attribute, value and what is allowed. Checks attribute names,
 * values, required attributes (add), references to existing objects (add and
 * modify), and that delete does not leave dangling references. For the
 * singleton class "cluster", name may be NULL on modify/delete. */
int conf_db_add(conf_db_t *db, conf_class_t cls, const char *name, const conf_kv_t *kv, size_t nkv,
                char *err, size_t errlen);
int conf_db_modify(conf_db_t *db, conf_class_t cls, const char *name, const conf_kv_t *kv,
                   size_t nkv, char *err, size_t errlen);
int conf_db_delete(conf_db_t *db, conf_class_t cls, const char *name, char *err, size_t errlen);
/* Rename resource group `name` to new_name (clmgr modify resource_group
 * NAME=); references follow, the ID stays (conf_rename.c). Other classes
 * are refused. 0 or a negative hamr error with err filled. */
int conf_db_rename(conf_db_t *db, conf_class_t cls, const char *name, const char *new_name,
                   char *err, size_t errlen);

/* ---- text file (conf_text.c), parsed with inih ----
 * Format:   # comment
 *           [cluster demo]
 *           HEARTBEAT_FREQUENCY = 1.5
 *           [resource_group app_rg]
 *           NODES = n1 n2 n3
 * The first line written is "# hamr configuration generation N". */
int conf_db_parse(const char *text, conf_db_t **ret_db, char *err, size_t errlen);
char *conf_db_format(const conf_db_t *db); /* malloc'd text */

/* ---- output (conf_json.c) ----
 * One object as a JSON object with NAME first, then every non-runtime
 * attribute of its class in schema order (effective values, "" if unset).
 * Uses jansson with JSON_PRESERVE_ORDER when dumped. */
json_t *conf_object_to_json(const conf_object_t *obj);

/* ---- verification and compiled view (conf_compile.c) ---- */

/* Policy enums. Their texts are bound to the values in conf_schema.c;
 * *_COUNT stays last (static_asserts there check the tables cover it). */
typedef enum {
        RG_STARTUP_OHN = 0,
        RG_STARTUP_OFAN,
        RG_STARTUP_OUDP, /* online using (node) distribution policy */
        RG_STARTUP_OAAN, /* online on all available nodes: a concurrent group */
        RG_STARTUP_COUNT
} rg_startup_t;
typedef enum {
        RG_FALLOVER_FNPN = 0,
        RG_FALLOVER_FUDNP, /* fallover using dynamic node priority (NODE_PRIORITY_POLICY) */
        RG_FALLOVER_BO,    /* bring offline (on error node only) */
        RG_FALLOVER_COUNT
} rg_fallover_t;
/* A concurrent group (STARTUP=OAAN): an instance on every available node. */
#define CONF_RG_CONCURRENT(rg) ((rg)->startup == RG_STARTUP_OAAN)
/* resource_group NODE_PRIORITY_POLICY (FALLOVER=FUDNP), PowerHA's names */
typedef enum {
        CONF_DNP_FREE_MEM = 0, /* cl_highest_free_mem: most MemAvailable */
        CONF_DNP_IDLE_CPU,     /* cl_highest_idle_cpu: most idle CPU */
        CONF_DNP_DISK_BUSY,    /* cl_lowest_disk_busy: least busy disks */
        CONF_DNP_SCRIPT_HIGH,  /* cl_highest_udscript_rc: highest exit code of the script */
        CONF_DNP_SCRIPT_LOW,   /* cl_lowest_nonzero_udscript_rc: lowest non-zero exit code */
        CONF_DNP_COUNT
} conf_dnp_t;
#define CONF_DNP_SCRIPTED(p) ((p) == CONF_DNP_SCRIPT_HIGH || (p) == CONF_DNP_SCRIPT_LOW)
typedef enum { RG_FALLBACK_NFB = 0, RG_FALLBACK_FBHPN, RG_FALLBACK_COUNT } rg_fallback_t;
/* fallback_timer REPEATS */
typedef enum {
        CONF_REPEATS_ONCE = 0,
        CONF_REPEATS_DAILY,
        CONF_REPEATS_WEEKLY,
        CONF_REPEATS_MONTHLY,
        CONF_REPEATS_YEARLY,
        CONF_REPEATS_COUNT
} conf_repeats_t;
/* network TYPE */
typedef enum { CONF_NET_ETHER = 0, CONF_NET_TYPE_COUNT } conf_net_type_t;
/* application_monitor TYPE, MODE, FAILUREACTION */
typedef enum { CONF_AM_CUSTOM = 0, CONF_AM_PROCESS, CONF_AM_TYPE_COUNT } conf_am_type_t;
typedef enum {
        CONF_AM_LONGRUNNING = 0, /* checks from STABILIZATION after the start on */
        CONF_AM_STARTUP,         /* checks within STABILIZATION after the start that it started */
        CONF_AM_BOTH,            /* startup, then longrunning */
        CONF_AM_MODE_COUNT
} conf_am_mode_t;
typedef enum { CONF_AM_FALLOVER = 0, CONF_AM_NOTIFY, CONF_AM_ACTION_COUNT } conf_am_action_t;
/* file_system FS_TYPE; resource_group FSCHECK_TOOL, RECOVERY_METHOD */
typedef enum {
        CONF_FS_EXT4 = 0,
        CONF_FS_EXT3,
        CONF_FS_EXT2,
        CONF_FS_XFS,
        CONF_FS_BTRFS,
        CONF_FS_TYPE_COUNT
} conf_fs_type_t;
typedef enum { CONF_FSCK_FSCK = 0, CONF_FSCK_TOOL_COUNT } conf_fsck_tool_t;
typedef enum {
        CONF_RECOVERY_SEQUENTIAL = 0,
        CONF_RECOVERY_PARALLEL,
        CONF_RECOVERY_COUNT
} conf_recovery_t;
/* dependency TYPE (only what is implemented) */
typedef enum {
        CONF_DEP_PARENT_CHILD = 0,
        CONF_DEP_SAME_NODE,       /* ONLINE_ON_SAME_NODE: SAME=NODE GROUPS=.. */
        CONF_DEP_DIFFERENT_NODES, /* ONLINE_ON_DIFFERENT_NODES: DIFFERENT=NODES HIGH= .. */
        CONF_DEP_START_AFTER,     /* START=<rg>[,..] AFTER=<rg> */
        CONF_DEP_STOP_AFTER,      /* STOP=<rg>[,..] AFTER=<rg> */
        CONF_DEP_TYPE_COUNT
} conf_dep_type_t;
enum { CONF_SAME_NODE = 0, CONF_SAME_COUNT };            /* dependency SAME (SITE: not yet) */
enum { CONF_DIFFERENT_NODES = 0, CONF_DIFFERENT_COUNT }; /* dependency DIFFERENT */
/* ONLINE_ON_DIFFERENT_NODES priorities */
enum { CONF_DEP_HIGH = 0, CONF_DEP_INTERMEDIATE, CONF_DEP_LOW };
#define CONF_MAX_DEP_GROUPS (3 * CONF_MAX_RG_RES)
#define CONF_MAX_DEP_LEVELS 3 /* parent/child chains: at most 3 groups deep */

typedef struct conf_node {
        char name[CONF_MAX_NAME + 1];
        uint32_t id; /* 0..CONF_MAX_NODES-1, stable, = repository slot */
        struct in_addr commpath;
} conf_node_t;

typedef struct conf_network {
        char name[CONF_MAX_NAME + 1];
        unsigned prefix;                     /* PREFIX, 1..32 */
        struct in_addr addr[CONF_MAX_NODES]; /* by node id; s_addr 0 = node not on it */
        /* NETMON_TARGETS: addresses outside the cluster every node on the
         * network pings (src/netmon); a node that reaches none of them is
         * no place for the network's service IPs (selective fallover) */
        unsigned ntargets;
        struct in_addr targets[CONF_MAX_NETMON_TARGETS];
} conf_network_t;

typedef struct conf_service_ip {
        char name[CONF_MAX_NAME + 1];
        struct in_addr addr;
        unsigned prefix;
        int network; /* index into hamr_config_t.networks */
} conf_service_ip_t;

/* A filesystem on a shared block device (file_system): mounted on one
 * node at a time, with its group. device: a block device path, LABEL=..
 * or UUID=..; options: MOUNT_OPTIONS as mount -o takes them ("" none). */
typedef struct conf_filesystem {
        char name[CONF_MAX_NAME + 1];
        char device[4096];
        char mount_point[4096];
        conf_fs_type_t fs_type;
        char options[1024];
} conf_filesystem_t;

/* application_controller TYPE: start/stop scripts, or an OCF resource
 * agent (AGENT=ocf:PROVIDER:TYPE, PARAMETERS as OCF_RESKEY_<name>). */
typedef enum { CONF_APP_SCRIPT = 0, CONF_APP_OCF, CONF_APP_TYPE_COUNT } conf_app_type_t;
#define CONF_OCF_AGENT_LEN 256 /* longest AGENT value */

typedef struct conf_appctl {
        char name[CONF_MAX_NAME + 1];
        char startscript[4096];
        char stopscript[4096];
        usec_t start_timeout_usec;
        usec_t stop_timeout_usec;
        conf_app_type_t type;
        char agent[CONF_OCF_AGENT_LEN]; /* TYPE ocf: "ocf:heartbeat:Dummy" */
        char parameters[4096];          /* TYPE ocf: "name=value name=value" ("" none) */
} conf_appctl_t;

/* conf_ocf.c: AGENT and PARAMETERS of an OCF application controller.
 * The agent's parts: "ocf:PROVIDER:TYPE" (standard ocf only; provider and
 * type of [A-Za-z0-9_.+-], not starting with '.'). 0, or -EINVAL. */
int conf_ocf_agent_split(const char *agent, char *ret_provider, size_t plen, char *ret_type,
                         size_t tlen);
/* Iterates PARAMETERS ("name=value" items separated by blanks): copies
 * the next item's name and value and returns the position after it, or
 * NULL at the end (or at an item without '=': the rules refuse those). */
const char *conf_ocf_param_next(const char *p, char *name, size_t nlen, char *value, size_t vlen);

typedef struct conf_rg {
        char name[CONF_MAX_NAME + 1];
        uint32_t id; /* ID: stable for the group's life, never reused */
        unsigned nnodes;
        uint32_t nodes[CONF_MAX_NODES]; /* node ids, priority order, [0] = home */
        rg_startup_t startup;
        rg_fallover_t fallover;
        rg_fallback_t fallback;
        unsigned nsips;
        int sips[CONF_MAX_RG_RES]; /* indexes into service_ips */
        unsigned napps;
        int apps[CONF_MAX_RG_RES]; /* indexes into appctls, start order */
        unsigned fallback_at;      /* FALLBACK_AT: 1 + index into timers, 0 = none */
        unsigned nfss;
        int fss[CONF_MAX_RG_RES];        /* FILESYSTEM: indexes into filesystems, mount order */
        conf_fsck_tool_t fsck_tool;      /* FSCHECK_TOOL */
        conf_recovery_t recovery_method; /* RECOVERY_METHOD */
        /* FALLOVER=FUDNP: NODE_PRIORITY_POLICY, and for the script policies
         * NODE_PRIORITY_POLICY_SCRIPT ("" none) and its timeout (the policy
         * is meaningful only with FUDNP, where it is required) */
        /* the cluster's SERIAL_ACQUISITION_ORDER, SERIAL_RELEASE_ORDER:
         * 1 + the group's position in the list, 0 when not listed */
        unsigned serial_acquire, serial_release;
        conf_dnp_t dnp_policy;
        char dnp_script[4096];
        usec_t dnp_timeout_usec;
        usec_t rto_usec; /* RTO (hamr extension), 0 = none */
} conf_rg_t;

/* A delayed fallback timer (fallback_timer): when an FBHPN group whose
 * higher-priority node rejoined falls back, in the coordinator's local
 * time. Fields a REPEATS value does not use are -1. */
typedef struct conf_fallback_timer {
        char name[CONF_MAX_NAME + 1];
        conf_repeats_t repeats;
        int year;         /* once */
        int month;        /* 1..12: once, yearly */
        int day_of_month; /* 1..31: once, yearly, monthly */
        int day_of_week;  /* 0..6, 0 = Sunday: weekly */
        int hour, minute;
} conf_fallback_timer_t;
/* An application monitor (TYPE Custom or Process). Its applications
 * all belong to one group (rg, or -1 while they are in none). Methods ""
 * when unset: cleanup and restart then run the controllers' stop and start
 * scripts. */
typedef struct conf_appmon {
        char name[CONF_MAX_NAME + 1];
        int rg; /* index into rgs, or -1 */
        unsigned napps;
        int apps[CONF_MAX_RG_RES]; /* indexes into appctls, in the group's start order */
        conf_am_type_t type;
        conf_am_mode_t mode; /* MODE */
        char monitor[4096], notify[4096], cleanup[4096], restart[4096];
        /* TYPE=Process: names (as /proc/PID/comm or argv[0]'s basename),
         * space separated; the owner's uid (-1: any); instances expected */
        char processes[1024];
        long owner_uid;
        unsigned instance_count;
        usec_t interval_usec;         /* MONITORINTERVAL (also the monitor's timeout) */
        usec_t stabilization_usec;    /* STABILIZATION */
        usec_t restart_interval_usec; /* RESTARTINTERVAL (given or PowerHA's default) */
        unsigned restart_count;       /* RESTARTCOUNT */
        int hung_signal;              /* HUNG_MONITOR_SIGNAL */
        conf_am_action_t action;      /* FAILUREACTION */
} conf_appmon_t;

/* A dependency between resource groups. PARENT_CHILD: every child is
 * online only while the parent is online somewhere. SAME_NODE: the groups
 * are kept on one node. DIFFERENT_NODES: the groups are kept on different
 * nodes, a lower priority yielding its node to a higher one. START_AFTER:
 * the sources are acquired only while the target is online somewhere.
 * STOP_AFTER: the sources are released only after the target. */
typedef struct conf_dep {
        char name[CONF_MAX_NAME + 1];
        conf_dep_type_t type;
        /* PARENT_CHILD: PARENT and CHILD; START_AFTER, STOP_AFTER: parent is
         * the AFTER group (the target), children the START or STOP groups
         * (the sources); indexes into rgs, -1 for none */
        int parent;
        unsigned nchildren;
        int children[CONF_MAX_RG_RES];
        /* SAME_NODE: GROUPS in order; DIFFERENT_NODES: HIGH, then
         * INTERMEDIATE, then LOW, each in order, with prio CONF_DEP_* */
        unsigned ngroups;
        int groups[CONF_MAX_DEP_GROUPS];
        uint8_t prio[CONF_MAX_DEP_GROUPS];
} conf_dep_t;

/* The events whose PREEVENT, POSTEVENT and NOTIFYMETHOD hamr runs
 * (`clmgr modify event <event> ...`, an event object of that name). */
typedef enum {
        CONF_EV_NODE_UP = 0,
        CONF_EV_NODE_DOWN,
        CONF_EV_RG_MOVE_ACQUIRE,
        CONF_EV_RG_MOVE_RELEASE,
        CONF_EV_COUNT
} conf_ev_t;
#define CONF_MAX_EV_CMDS 8

/* A custom event (clmgr add event NAME FILE=/path): a named command. */
typedef struct conf_custom_event {
        char name[CONF_MAX_NAME + 1];
        char file[4096];
} conf_custom_event_t;

/* One customisable event's commands: custom events (indexes into
 * hamr_config_t.events) before and after it, and its NOTIFYMETHOD ("" none). */
typedef struct conf_ev_hook {
        unsigned npre, npost;
        int pre[CONF_MAX_EV_CMDS], post[CONF_MAX_EV_CMDS];
        char notify[4096];
} conf_ev_hook_t;

/* DEADMAN_MODE: a (assert: the watchdog resets the node), e (event only). */
typedef enum { DMS_MODE_ASSERT = 0, DMS_MODE_EVENT, DMS_MODE_COUNT } dms_mode_t;

typedef struct hamr_config {
        uint64_t generation;
        char cluster_name[CONF_MAX_NAME + 1];
        uint32_t cluster_id;
        char repository[4096];
        unsigned nbackups; /* BACKUP_REPOSITORIES */
        char backups[CONF_MAX_BACKUP_REPOS][4096];
        usec_t hb_freq_usec;     /* HEARTBEAT_FREQUENCY */
        usec_t grace_usec;       /* GRACE_PERIOD */
        usec_t hb_interval_usec; /* HEARTBEAT_INTERVAL */
        usec_t net_fdt_usec;     /* NETWORK_FAILURE_DETECTION_TIME */
        uint16_t port;           /* HEARTBEAT_PORT */
        dms_mode_t deadman_mode; /* DEADMAN_MODE */
        usec_t watchdog_usec;    /* WATCHDOG_TIMEOUT */
        usec_t settling_usec;    /* RG_SETTLING_TIME (0: none) */
        usec_t max_event_usec;   /* MAX_EVENT_TIME */
        usec_t max_rg_usec;      /* MAX_RG_PROCESSING_TIME */
        bool daily_verify;       /* DAILY_VERIFICATION=Enabled */
        unsigned verify_hour;    /* VERIFICATION_HOUR, 0..23 */
        conf_node_t *nodes;
        unsigned nnodes;
        conf_network_t *networks;
        unsigned nnetworks;
        conf_service_ip_t *service_ips;
        unsigned nservice_ips;
        conf_appctl_t *appctls;
        unsigned nappctls;
        conf_rg_t *rgs;
        unsigned nrgs;
        conf_fallback_timer_t *timers; /* fallback_timer objects */
        unsigned ntimers;
        conf_appmon_t *appmons;
        unsigned nappmons;
        conf_dep_t *deps; /* dependency objects */
        unsigned ndeps;
        conf_filesystem_t *filesystems; /* file_system objects */
        unsigned nfilesystems;
        conf_custom_event_t *events; /* custom events (event objects with FILE) */
        unsigned nevents;
        conf_ev_hook_t ev_hooks[CONF_EV_COUNT];
} hamr_config_t;

/* Whether monitor m checks with its controllers' OCF monitor action:
 * TYPE Custom without MONITORMETHOD, every controller of TYPE ocf. */
bool conf_appmon_ocf(const hamr_config_t *cfg, const conf_appmon_t *m);

/* The name of a customisable event ("node_up", ...). */
const char *conf_ev_name(conf_ev_t e);

/* Whole-configuration check done by `clmgr sync cluster` (and at load):
 * cluster exists with a name and repository; at least one node; node ids
 * unique; every node has an address on every network it is listed on and
 * only configured nodes are listed; service IPs lie inside their network's
 * prefix and differ from node addresses; group node lists non-empty, no
 * duplicates, policies combination allowed, FALLBACK_AT only with
 * FALLBACK=FBHPN; fallback timers' fields match REPEATS; parent/child
 * dependencies without cycles and at most CONF_MAX_DEP_LEVELS deep; timers consistent
 * (HEARTBEAT_INTERVAL * 3 <= HEARTBEAT_FREQUENCY,
 * NETWORK_FAILURE_DETECTION_TIME < HEARTBEAT_FREQUENCY + GRACE_PERIOD,
 * WATCHDOG_TIMEOUT + fence margin + 3 * HEARTBEAT_INTERVAL <= detection time).
 * Collects every problem, one per line, into err. */
int conf_db_verify(const conf_db_t *db, char *err, size_t errlen);
/* The cluster object's own relations only (timers, fence relation): what
 * `clmgr modify cluster` checks at once, before the edit is staged. */
int conf_db_check_cluster(const conf_db_t *db, char *err, size_t errlen);
/* verify + build the typed view. ret owned by caller (hamr_config_free). */
int conf_compile(const conf_db_t *db, hamr_config_t **ret_cfg, char *err, size_t errlen);
void hamr_config_free(hamr_config_t *cfg);
/* Warnings about a valid configuration (not errors: sync goes on), one
 * per line into buf (caller-owned, "" if none). Returns how many. Today:
 * a two-node cluster with no NETMON_TARGETS on any network cannot tell a
 * dead LAN from a dead peer. */
unsigned hamr_config_warnings(const hamr_config_t *cfg, char *buf, size_t len);
/* Detection time: HEARTBEAT_FREQUENCY + GRACE_PERIOD. */
usec_t hamr_config_detection(const hamr_config_t *cfg);
/* Fence margin: what the watchdog needs beyond its timeout to take effect
 * (reset latency, clock rate differences): a tenth of the detection time,
 * at least 50 ms. */
usec_t hamr_config_fence_margin(const hamr_config_t *cfg);
/* lookups on the compiled view: index or -1 */
int hamr_config_node_by_name(const hamr_config_t *cfg, const char *name);
int hamr_config_node_by_id(const hamr_config_t *cfg, uint32_t id);
int hamr_config_rg_by_name(const hamr_config_t *cfg, const char *name);
/* Index of the group with this ID, or -1. */
int hamr_config_rg_by_id(const hamr_config_t *cfg, uint32_t id);
