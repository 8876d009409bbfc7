/* conf_schema: the one schema table: classes, attributes, types, defaults,
 * ranges and help (data only, and conf_class_def to read it). Lookups and
 * names are in conf_names.c, value checking in conf_values.c. */
#include <assert.h>
#include <string.h>

#include "conf/conf_internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the table ---- */

/* clang-format off */

/* Enum texts, bound to the C enum values by designated initialisers; each
 * table must name every value of its enum (static_assert) and may have no
 * gap (test_conf checks that no entry is NULL). */
static const char *const enum_net_type[] = {
        [CONF_NET_ETHER] = "ether",
};
static const char *const enum_startup[] = {
        [RG_STARTUP_OHN] = "OHN",
        [RG_STARTUP_OFAN] = "OFAN",
        [RG_STARTUP_OUDP] = "OUDP",
        [RG_STARTUP_OAAN] = "OAAN",
};
static const char *const enum_fallover[] = {
        [RG_FALLOVER_FNPN] = "FNPN",
        [RG_FALLOVER_FUDNP] = "FUDNP",
        [RG_FALLOVER_BO] = "BO",
};
/* NODE_PRIORITY_POLICY */
static const char *const enum_dnp[] = {
        [CONF_DNP_FREE_MEM] = "cl_highest_free_mem",
        [CONF_DNP_IDLE_CPU] = "cl_highest_idle_cpu",
        [CONF_DNP_DISK_BUSY] = "cl_lowest_disk_busy",
        [CONF_DNP_SCRIPT_HIGH] = "cl_highest_udscript_rc",
        [CONF_DNP_SCRIPT_LOW] = "cl_lowest_nonzero_udscript_rc",
};
static_assert(sizeof(enum_dnp) / sizeof(enum_dnp[0]) == CONF_DNP_COUNT,
              "enum_dnp must cover conf_dnp_t");
static const char *const enum_fallback[] = {
        [RG_FALLBACK_NFB] = "NFB",
        [RG_FALLBACK_FBHPN] = "FBHPN",
};
static const char *const enum_deadman[] = {
        [DMS_MODE_ASSERT] = "a",
        [DMS_MODE_EVENT] = "e",
};
static const char *const enum_enabled[] = {"Disabled", "Enabled"};
static const char *const enum_repeats[] = {
        [CONF_REPEATS_ONCE] = "once",
        [CONF_REPEATS_DAILY] = "daily",
        [CONF_REPEATS_WEEKLY] = "weekly",
        [CONF_REPEATS_MONTHLY] = "monthly",
        [CONF_REPEATS_YEARLY] = "yearly",
};
static_assert(N(enum_repeats) == CONF_REPEATS_COUNT, "enum_repeats must cover conf_repeats_t");
static const char *const enum_am_type[] = {
        [CONF_AM_CUSTOM] = "Custom",
        [CONF_AM_PROCESS] = "Process",
};
static const char *const enum_am_mode[] = {
        [CONF_AM_LONGRUNNING] = "longrunning",
        [CONF_AM_STARTUP] = "startup",
        [CONF_AM_BOTH] = "both",
};
static const char *const enum_am_action[] = {
        [CONF_AM_FALLOVER] = "fallover",
        [CONF_AM_NOTIFY] = "notify",
};
static const char *const enum_app_type[] = {
        [CONF_APP_SCRIPT] = "script",
        [CONF_APP_OCF] = "ocf",
};
static_assert(N(enum_app_type) == CONF_APP_TYPE_COUNT, "enum_app_type must cover conf_app_type_t");
static const char *const enum_dep_type[] = {
        [CONF_DEP_PARENT_CHILD] = "PARENT_CHILD",
        [CONF_DEP_SAME_NODE] = "SAME_NODE",
        [CONF_DEP_DIFFERENT_NODES] = "DIFFERENT_NODES",
        [CONF_DEP_START_AFTER] = "START_AFTER",
        [CONF_DEP_STOP_AFTER] = "STOP_AFTER",
};
static const char *const enum_dep_same[] = {
        [CONF_SAME_NODE] = "NODE",
};
static const char *const enum_dep_different[] = {
        [CONF_DIFFERENT_NODES] = "NODES",
};
static const char *const enum_fs_type[] = {
        [CONF_FS_EXT4] = "ext4",
        [CONF_FS_EXT3] = "ext3",
        [CONF_FS_EXT2] = "ext2",
        [CONF_FS_XFS] = "xfs",
        [CONF_FS_BTRFS] = "btrfs",
};
static const char *const enum_fsck_tool[] = {
        [CONF_FSCK_FSCK] = "fsck",
};
static const char *const enum_recovery[] = {
        [CONF_RECOVERY_SEQUENTIAL] = "sequential",
        [CONF_RECOVERY_PARALLEL] = "parallel",
};
static_assert(N(enum_fs_type) == CONF_FS_TYPE_COUNT, "enum_fs_type must cover conf_fs_type_t");
static_assert(N(enum_fsck_tool) == CONF_FSCK_TOOL_COUNT,
              "enum_fsck_tool must cover conf_fsck_tool_t");
static_assert(N(enum_recovery) == CONF_RECOVERY_COUNT, "enum_recovery must cover conf_recovery_t");
static_assert(N(enum_dep_same) == CONF_SAME_COUNT, "enum_dep_same must cover SAME");
static_assert(N(enum_dep_different) == CONF_DIFFERENT_COUNT,
              "enum_dep_different must cover DIFFERENT");
static_assert(N(enum_dep_type) == CONF_DEP_TYPE_COUNT, "enum_dep_type must cover conf_dep_type_t");
static_assert(N(enum_am_type) == CONF_AM_TYPE_COUNT, "enum_am_type must cover conf_am_type_t");
static_assert(N(enum_am_mode) == CONF_AM_MODE_COUNT, "enum_am_mode must cover conf_am_mode_t");
static_assert(N(enum_am_action) == CONF_AM_ACTION_COUNT,
              "enum_am_action must cover conf_am_action_t");
static_assert(N(enum_net_type) == CONF_NET_TYPE_COUNT, "enum_net_type must cover conf_net_type_t");
static_assert(N(enum_startup) == RG_STARTUP_COUNT, "enum_startup must cover rg_startup_t");
static_assert(N(enum_fallover) == RG_FALLOVER_COUNT, "enum_fallover must cover rg_fallover_t");
static_assert(N(enum_fallback) == RG_FALLBACK_COUNT, "enum_fallback must cover rg_fallback_t");
static_assert(N(enum_deadman) == DMS_MODE_COUNT, "enum_deadman must cover dms_mode_t");

#define ENUM(table) .type = CONF_T_ENUM, .enum_values = (table), .enum_count = N(table)

/* For CONF_T_REF_LIST and CONF_T_ADDR_MAP, max (when non-zero) is the most
 * items the list may hold. */
static const conf_attr_def_t cluster_attrs[] = {
        {
                .name = "REPOSITORY",
                .type = CONF_T_PATH,
                .flags = CONF_F_REQUIRED,
                .help = "Repository disk or file shared by all nodes (absolute path); holds the "
                        "authoritative configuration and the disk heartbeat.",
        },
        {
                .name = "BACKUP_REPOSITORIES",
                .type = CONF_T_STRING,
                .def = "",
                .help = "Backup repository disks or files (absolute paths separated by spaces, "
                        "at most 6, same path on every node). When the active repository fails "
                        "on every node, the cluster switches to the next backup (ARR) and "
                        "rewrites the configuration and the disk heartbeat there.",
        },
        {
                .name = "HEARTBEAT_FREQUENCY",
                .type = CONF_T_SECONDS,
                .def = "1.5",
                .min = 0.1,
                .max = 600,
                .help = "Node failure detection timeout in seconds: a node not heard from for "
                        "this long (plus GRACE_PERIOD) is declared down.",
        },
        {
                .name = "GRACE_PERIOD",
                .type = CONF_T_SECONDS,
                .def = "0.5",
                .min = 0,
                .max = 600,
                .help = "Node failure detection grace period in seconds, added to "
                        "HEARTBEAT_FREQUENCY before a silent node is declared down.",
        },
        {
                .name = "HEARTBEAT_INTERVAL",
                .type = CONF_T_SECONDS,
                .def = "0.2",
                .min = 0.01,
                .max = 10,
                .help = "hamr extension: interval in seconds between heartbeats sent on every "
                        "network; at most a third of HEARTBEAT_FREQUENCY.",
        },
        {
                .name = "NETWORK_FAILURE_DETECTION_TIME",
                .type = CONF_T_SECONDS,
                .def = "1",
                .min = 0.1,
                .max = 590,
                .help = "Seconds without heartbeats on a network interface before it is "
                        "declared down; less than HEARTBEAT_FREQUENCY + GRACE_PERIOD.",
        },
        {
                .name = "DEADMAN_MODE",
                ENUM(enum_deadman),
                .def = "a",
                .help = "Deadman switch mode (CAA deadman_mode): a (assert) resets a node "
                        "through its watchdog when its event loop hangs or it holds groups "
                        "without quorum past the fence deadline; e (event) only raises and "
                        "shows an event.",
        },
        {
                .name = "WATCHDOG_TIMEOUT",
                .type = CONF_T_SECONDS,
                .def = "1",
                .min = 0.01,
                .max = 60,
                .help = "hamr extension: watchdog timeout in seconds (hamrd --watchdog "
                        "device). WATCHDOG_TIMEOUT + fence margin + 3 * HEARTBEAT_INTERVAL "
                        "must not exceed HEARTBEAT_FREQUENCY + GRACE_PERIOD (fence margin: a "
                        "tenth of that, at least 0.05).",
        },
        {
                .name = "HEARTBEAT_PORT",
                .type = CONF_T_UINT,
                .def = "6190",
                .min = 1024,
                .max = 65535,
                .help = "UDP port used for heartbeats and cluster messages.",
        },
        {
                .name = "ID",
                .type = CONF_T_UINT,
                .flags = CONF_F_READONLY,
                .min = 1,
                .max = 4294967295.0,
                .help = "Cluster id, a random nonzero number chosen when the cluster is added.",
        },
        {
                .name = "RG_SETTLING_TIME",
                .type = CONF_T_UINT,
                .def = "0",
                .min = 0,
                .max = 3600,
                .help = "Settling time in seconds for OFAN groups (0: none). When cluster "
                        "services start on a node of such a group that is not its highest-"
                        "priority node, the group waits up to this long for the highest-"
                        "priority node; it goes there at once if that node starts in time, "
                        "else at expiry to the highest-priority node up. Not used for "
                        "fallover.",
        },
        {
                .name = "MAX_EVENT_TIME",
                .type = CONF_T_UINT,
                .def = "180",
                .min = 1,
                .max = 86400,
                .help = "Seconds an event without resource group processing may run before "
                        "config_too_long warns (PowerHA's max. event-only duration). A group's "
                        "acquisition or release may run MAX_EVENT_TIME + "
                        "MAX_RG_PROCESSING_TIME. The event is never stopped: the warning "
                        "repeats each time the running time doubles.",
        },
        {
                .name = "MAX_RG_PROCESSING_TIME",
                .type = CONF_T_UINT,
                .def = "180",
                .min = 1,
                .max = 86400,
                .help = "Seconds of resource group processing added to MAX_EVENT_TIME for a "
                        "group's acquisition or release before config_too_long warns.",
        },
        {
                .name = "SERIAL_ACQUISITION_ORDER",
                .type = CONF_T_REF_LIST,
                .max = CONF_MAX_RGS,
                .ref_class = CONF_CLASS_RESOURCE_GROUP,
                .help = "Resource groups acquired serially, in this order, on a node (PowerHA's "
                        "customised resource group processing order, \"serial acquisition "
                        "order\"): a listed group's acquisition starts once every group before "
                        "it in the list that is to be acquired on the same node is ONLINE or "
                        "has failed there. Groups not listed are acquired in parallel, as by "
                        "default; dependencies between groups come first.",
        },
        {
                .name = "SERIAL_RELEASE_ORDER",
                .type = CONF_T_REF_LIST,
                .max = CONF_MAX_RGS,
                .ref_class = CONF_CLASS_RESOURCE_GROUP,
                .help = "Resource groups released serially, in this order, on a node (PowerHA's "
                        "\"serial release order\"): a listed group's release starts once every "
                        "group before it in the list that is to be released on the same node is "
                        "released (or failed to be). Groups not listed are released in "
                        "parallel; dependencies come first; a node that may no longer hold its "
                        "groups releases them all at once.",
        },
        {
                .name = "DAILY_VERIFICATION",
                ENUM(enum_enabled),
                .def = "Enabled",
                .help = "Automatic verification once a day at VERIFICATION_HOUR (as "
                        "PowerHA's): the coordinator verifies the active configuration on "
                        "every node (verifies only, never synchronizes) and records the "
                        "result in clutils.log and hamrd's log.",
        },
        {
                .name = "VERIFICATION_HOUR",
                .type = CONF_T_UINT,
                .def = "0",
                .min = 0,
                .max = 23,
                .help = "Hour of the day (0-23, the coordinator's local time) of the automatic "
                        "verification (DAILY_VERIFICATION); 0: midnight.",
        },
        {
                .name = "STATE",
                .type = CONF_T_STRING,
                .flags = CONF_F_RUNTIME,
                .help = "Cluster state (query only).",
        },
};

static const conf_attr_def_t node_attrs[] = {
        {
                .name = "COMMPATH",
                .type = CONF_T_IPV4,
                .flags = CONF_F_REQUIRED,
                .help = "IPv4 address hamr uses to reach the node. A node listed on no "
                        "network's INTERFACES uses this address on the first network.",
        },
        {
                .name = "ID",
                .type = CONF_T_UINT,
                .flags = CONF_F_READONLY,
                .min = 0,
                .max = CONF_MAX_NODES - 1,
                .help = "Node id (0-63), the lowest unused one when the node is added; also "
                        "its repository slot.",
        },
        {
                .name = "STATE",
                .type = CONF_T_STRING,
                .flags = CONF_F_RUNTIME,
                .help = "Node state (query only).",
        },
};

static const conf_attr_def_t network_attrs[] = {
        {
                .name = "TYPE",
                ENUM(enum_net_type),
                .def = "ether",
                .help = "Network type.",
        },
        {
                .name = "PREFIX",
                .type = CONF_T_UINT,
                .def = "24",
                .min = 1,
                .max = 32,
                .help = "Prefix length of the network's subnet; service IPs must lie in it.",
        },
        {
                .name = "INTERFACES",
                .type = CONF_T_ADDR_MAP,
                .max = CONF_MAX_NODES,
                .ref_class = CONF_CLASS_NODE,
                .help = "Node addresses on this network as NODE=IPV4 pairs separated by "
                        "spaces, e.g. \"n1=198.18.0.11 n2=198.18.0.12\". A node listed on no "
                        "network's INTERFACES uses its COMMPATH on the first network.",
        },
        {
                .name = "NETMON_TARGETS",
                .type = CONF_T_IP_LIST,
                .max = CONF_MAX_NETMON_TARGETS,
                .help = "hamr extension (PowerHA's netmon.cf): IPv4 addresses outside the "
                        "cluster (gateway, client subnets), separated by spaces or commas, at "
                        "most 8. Every node pings them out of its interface on this network; "
                        "a node that reaches none of them for NETWORK_FAILURE_DETECTION_TIME, "
                        "while another node reaches them, gives up the groups with service "
                        "IPs (selective fallover). Lets a two-node cluster tell a dead LAN "
                        "from a dead peer.",
        },
};

static const conf_attr_def_t service_ip_attrs[] = {
        {
                .name = "ADDRESS",
                .type = CONF_T_IPV4,
                .flags = CONF_F_REQUIRED,
                .help = "The service IPv4 address itself (hamr has no IP label resolution, so "
                        "the address is stored explicitly).",
        },
        {
                .name = "PREFIX",
                .type = CONF_T_UINT,
                .min = 1,
                .max = 32,
                .help = "Prefix length the address is configured with; default: the "
                        "network's PREFIX.",
        },
        {
                .name = "NETWORK",
                .type = CONF_T_REF,
                .flags = CONF_F_REQUIRED,
                .ref_class = CONF_CLASS_NETWORK,
                .help = "Network the address is brought up on.",
        },
};

static const conf_attr_def_t appctl_attrs[] = {
        {
                .name = "STARTSCRIPT",
                .type = CONF_T_PATH,
                .help = "Absolute path of the script run to start the application (TYPE "
                        "script: required).",
        },
        {
                .name = "STOPSCRIPT",
                .type = CONF_T_PATH,
                .help = "Absolute path of the script run to stop the application (TYPE "
                        "script: required).",
        },
        {
                .name = "START_TIMEOUT",
                .type = CONF_T_SECONDS,
                .def = "60",
                .min = 0.1,
                .max = 3600,
                .help = "Seconds the start script may run before it is killed and counted as "
                        "failed.",
        },
        {
                .name = "STOP_TIMEOUT",
                .type = CONF_T_SECONDS,
                .def = "60",
                .min = 0.1,
                .max = 3600,
                .help = "Seconds the stop script may run before it is killed and counted as "
                        "failed.",
        },
        {
                .name = "TYPE",
                ENUM(enum_app_type),
                .def = "script",
                .help = "script: STARTSCRIPT and STOPSCRIPT; ocf: an OCF resource agent "
                        "(AGENT, PARAMETERS) run with its start, stop and monitor actions "
                        "(hamr extension).",
        },
        {
                .name = "AGENT",
                .type = CONF_T_STRING,
                .help = "TYPE ocf: the resource agent as ocf:PROVIDER:TYPE, e.g. "
                        "ocf:heartbeat:Dummy (/usr/lib/ocf/resource.d/PROVIDER/TYPE).",
        },
        {
                .name = "PARAMETERS",
                .type = CONF_T_STRING,
                .help = "TYPE ocf: the agent's parameters as name=value items separated by "
                        "spaces (passed as OCF_RESKEY_name), checked against the agent's "
                        "meta-data.",
        },
};

static const conf_attr_def_t rg_attrs[] = {
        {
                .name = "NODES",
                .type = CONF_T_REF_LIST,
                .flags = CONF_F_REQUIRED,
                .max = CONF_MAX_NODES,
                .ref_class = CONF_CLASS_NODE,
                .help = "Participating nodes in priority order (first = home node), separated "
                        "by spaces or commas.",
        },
        {
                .name = "STARTUP",
                ENUM(enum_startup),
                .def = "OHN",
                .help = "Startup policy: OHN online on home node only, OFAN online on first "
                        "available node, OUDP online using the node distribution policy (at "
                        "startup at most one OUDP group per node: the first node of its list "
                        "that holds no other OUDP group; none free: it stays offline until one "
                        "is; only with FALLBACK NFB), OAAN online on all available nodes (a "
                        "concurrent group: online at once on every node of its list whose "
                        "cluster services are active; only with FALLOVER BO and FALLBACK NFB, "
                        "and without SERVICE_LABEL or FILESYSTEM).",
        },
        {
                .name = "FALLOVER",
                ENUM(enum_fallover),
                .def = "FNPN",
                .help = "Fallover policy: FNPN fallover to next priority node in the list, "
                        "FUDNP fallover using dynamic node priority (the eligible node with "
                        "the best NODE_PRIORITY_POLICY value; only with STARTUP OHN or OFAN), "
                        "BO bring offline (on the failed node only: the group is not moved).",
        },
        {
                .name = "FALLBACK",
                ENUM(enum_fallback),
                .def = "FBHPN",
                .help = "Fallback policy: FBHPN fall back to a higher priority node when it "
                        "joins, NFB never fall back.",
        },
        {
                .name = "SERVICE_LABEL",
                .type = CONF_T_REF_LIST,
                .max = CONF_MAX_RG_RES,
                .ref_class = CONF_CLASS_SERVICE_IP,
                .help = "Service IPs brought up with the group.",
        },
        {
                .name = "APPLICATIONS",
                .type = CONF_T_REF_LIST,
                .max = CONF_MAX_RG_RES,
                .ref_class = CONF_CLASS_APPLICATION_CONTROLLER,
                .help = "Application controllers, started in this order and stopped in "
                        "reverse.",
        },
        {
                .name = "FILESYSTEM",
                .type = CONF_T_REF_LIST,
                .max = CONF_MAX_RG_RES,
                .ref_class = CONF_CLASS_FILE_SYSTEM,
                .help = "Filesystems (file_system objects) mounted with the group, in this "
                        "order, before its service IPs and applications; unmounted in reverse "
                        "after them.",
        },
        {
                .name = "FSCHECK_TOOL",
                ENUM(enum_fsck_tool),
                .def = "fsck",
                .help = "Check run on each filesystem's device before it is mounted: fsck "
                        "(fsck -p, preening). A check that fails fails the acquisition on "
                        "that node (undone; the group moves to the next node). PowerHA's "
                        "logredo is JFS2's and does not exist on Linux.",
        },
        {
                .name = "RTO",
                .type = CONF_T_SECONDS,
                .min = 0.1,
                .max = 86400,
                .help = "hamr extension: recovery time objective in seconds (optional). "
                        "clmgr verify prints the group's worst-case failover time (detection, "
                        "the fence wait, and the measured start time of its resources) and "
                        "warns when it is above RTO.",
        },
        {
                .name = "RECOVERY_METHOD",
                ENUM(enum_recovery),
                .def = "sequential",
                .help = "How the group's filesystems are checked and mounted: sequential (one "
                        "after another, in FILESYSTEM order) or parallel (all at once; when one "
                        "fails, those mounted are unmounted). Unmounting is always one after "
                        "another, in reverse order.",
        },
        {
                .name = "ID",
                .type = CONF_T_UINT,
                .flags = CONF_F_READONLY,
                .min = 1,
                .max = 4294967295.0,
                .help = "Group id, chosen when the group is added (above every id of the "
                        "earlier configuration generations, so not reused for a long time) and "
                        "kept for the group's life, renames included: runtime state (offline "
                        "by the administrator, priority override location) is kept by this id.",
        },
        {
                .name = "STATE",
                .type = CONF_T_STRING,
                .flags = CONF_F_RUNTIME,
                .help = "Group state (query only).",
        },
        {
                .name = "CURRENT_NODE",
                .type = CONF_T_STRING,
                .flags = CONF_F_RUNTIME,
                .help = "Node the group is online on (query only).",
        },
        {
                .name = "FALLBACK_AT",
                .type = CONF_T_REF,
                .ref_class = CONF_CLASS_FALLBACK_TIMER,
                .help = "Delayed fallback timer (a fallback_timer), only with FALLBACK=FBHPN: "
                        "when a higher-priority node rejoins, the group falls back at the "
                        "timer's next occurrence (coordinator's local time) instead of at "
                        "once. Unset: fall back at once.",
        },
        {
                .name = "NODE_PRIORITY_POLICY",
                ENUM(enum_dnp),
                .help = "Dynamic node priority policy, with FALLOVER=FUDNP (required there, "
                        "refused otherwise): at fallover the group goes to the eligible node "
                        "with the best value, sampled by every node every few seconds "
                        "(ties: NODES order; a node without a value ranks last): "
                        "cl_highest_free_mem (most MemAvailable), cl_highest_idle_cpu (most "
                        "idle CPU), cl_lowest_disk_busy (least busy disks), "
                        "cl_highest_udscript_rc (highest exit code of "
                        "NODE_PRIORITY_POLICY_SCRIPT), cl_lowest_nonzero_udscript_rc (lowest "
                        "non-zero exit code; 0 counts as no value).",
        },
        {
                .name = "NODE_PRIORITY_POLICY_SCRIPT",
                .type = CONF_T_PATH,
                .help = "Script run on every node of the group every few seconds for the "
                        "udscript policies (required with them, refused otherwise); its exit "
                        "code is the node's value. One that fails to run, is killed by a "
                        "signal or outlives NODE_PRIORITY_POLICY_TIMEOUT gives no value.",
        },
        {
                .name = "NODE_PRIORITY_POLICY_TIMEOUT",
                .type = CONF_T_UINT,
                .def = "10",
                .min = 1,
                .max = 3600,
                .help = "Seconds NODE_PRIORITY_POLICY_SCRIPT may run before it is killed (no "
                        "value).",
        },
};

static const conf_attr_def_t file_system_attrs[] = {
        {
                .name = "DEVICE",
                .type = CONF_T_STRING,
                .flags = CONF_F_REQUIRED,
                .help = "The shared block device holding the filesystem, the same on every node "
                        "of its groups: an absolute device path (/dev/sdb1), LABEL=<label> or "
                        "UUID=<uuid>.",
        },
        {
                .name = "MOUNT_POINT",
                .type = CONF_T_PATH,
                .flags = CONF_F_REQUIRED,
                .help = "Absolute directory the filesystem is mounted on (created if missing; "
                        "not /).",
        },
        {
                .name = "FS_TYPE",
                ENUM(enum_fs_type),
                .def = "ext4",
                .help = "Filesystem type.",
        },
        {
                .name = "MOUNT_OPTIONS",
                .type = CONF_T_STRING,
                .def = "",
                .help = "Mount options as mount -o takes them, separated by commas (noatime, "
                        "ro, nosuid, nodev, noexec, sync, ...; others are passed to the "
                        "filesystem).",
        },
};

static const conf_attr_def_t event_attrs[] = {
        {
                .name = "FILE",
                .type = CONF_T_PATH,
                .help = "A custom event's command: an executable on every node (clmgr add "
                        "event NAME FILE=/path). Not for the predefined events.",
        },
        {
                .name = "DESCRIPTION",
                .type = CONF_T_STRING,
                .def = "",
                .help = "Free text.",
        },
        {
                .name = "PREEVENT",
                .type = CONF_T_REF_LIST,
                .max = CONF_MAX_EV_CMDS,
                .ref_class = CONF_CLASS_EVENT,
                .help = "Predefined events only (node_up, node_down, rg_move_acquire, "
                        "rg_move_release): custom events run, in order, before it (a failing "
                        "one is logged as event_error; the event goes on).",
        },
        {
                .name = "POSTEVENT",
                .type = CONF_T_REF_LIST,
                .max = CONF_MAX_EV_CMDS,
                .ref_class = CONF_CLASS_EVENT,
                .help = "Predefined events only: custom events run, in order, after it.",
        },
        {
                .name = "NOTIFYMETHOD",
                .type = CONF_T_PATH,
                .help = "Predefined events only: a command run before and after the event.",
        },
};

static const conf_attr_def_t fallback_timer_attrs[] = {
        {
                .name = "REPEATS",
                ENUM(enum_repeats),
                .def = "daily",
                .help = "Recurrence: once (YEAR, MONTH, DAY_OF_MONTH), yearly (MONTH, "
                        "DAY_OF_MONTH), monthly (DAY_OF_MONTH; months without that day are "
                        "skipped), weekly (DAY_OF_WEEK), daily; always HOUR and MINUTE. At "
                        "add, omitted: implied by the fields given (as PowerHA).",
        },
        {
                .name = "YEAR",
                .type = CONF_T_UINT,
                .min = 1970,
                .max = 9999,
                .help = "Year (REPEATS=once).",
        },
        {
                .name = "MONTH",
                .type = CONF_T_UINT,
                .min = 1,
                .max = 12,
                .help = "Month, 1 = January (REPEATS=once, yearly).",
        },
        {
                .name = "DAY_OF_MONTH",
                .type = CONF_T_UINT,
                .min = 1,
                .max = 31,
                .help = "Day of the month (REPEATS=once, yearly, monthly).",
        },
        {
                .name = "DAY_OF_WEEK",
                .type = CONF_T_UINT,
                .min = 0,
                .max = 6,
                .help = "Day of the week, 0 = Sunday (REPEATS=weekly).",
        },
        {
                .name = "HOUR",
                .type = CONF_T_UINT,
                .flags = CONF_F_REQUIRED,
                .min = 0,
                .max = 23,
                .help = "Hour, 0-23, coordinator's local time.",
        },
        {
                .name = "MINUTE",
                .type = CONF_T_UINT,
                .flags = CONF_F_REQUIRED,
                .min = 0,
                .max = 59,
                .help = "Minute, 0-59.",
        },
};

/* PowerHA's dependency between resource groups (TYPE implied at add). */
static const conf_attr_def_t dependency_attrs[] = {
        {
                .name = "TYPE",
                ENUM(enum_dep_type),
                .def = "PARENT_CHILD",
                .help = "Kind of dependency: PARENT_CHILD (PARENT and CHILD), SAME_NODE "
                        "(online on the same node: SAME=NODE GROUPS), DIFFERENT_NODES (online "
                        "on different nodes: DIFFERENT=NODES HIGH, INTERMEDIATE, LOW), "
                        "START_AFTER (START, AFTER), STOP_AFTER (STOP, AFTER). At add, omitted: "
                        "implied by the attributes given (PARENT: PARENT_CHILD, SAME: "
                        "SAME_NODE, DIFFERENT: DIFFERENT_NODES, START: START_AFTER, STOP: "
                        "STOP_AFTER).",
        },
        {
                .name = "PARENT",
                .type = CONF_T_REF,
                .ref_class = CONF_CLASS_RESOURCE_GROUP,
                .help = "PARENT_CHILD: the parent group. Its children are online only while it "
                        "is ONLINE somewhere: they start after it is online and are released "
                        "before it is released or moved.",
        },
        {
                .name = "CHILD",
                .type = CONF_T_REF_LIST,
                .ref_class = CONF_CLASS_RESOURCE_GROUP,
                .max = CONF_MAX_RG_RES,
                .help = "PARENT_CHILD: the child group(s) of PARENT (at most 16). Chains at "
                        "most 3 groups deep (a parent, its child, the child's child); no "
                        "cycles.",
        },
        {
                .name = "SAME",
                ENUM(enum_dep_same),
                .def = "NODE",
                .help = "SAME_NODE: what the GROUPS share: NODE (SITE: not supported).",
        },
        {
                .name = "GROUPS",
                .type = CONF_T_REF_LIST,
                .ref_class = CONF_CLASS_RESOURCE_GROUP,
                .max = CONF_MAX_RG_RES,
                .help = "SAME_NODE: the groups (2 to 16) kept online on one node: they go "
                        "where the first of them that has a node goes, and move together. A "
                        "group is in at most one SAME_NODE dependency.",
        },
        {
                .name = "DIFFERENT",
                ENUM(enum_dep_different),
                .def = "NODES",
                .help = "DIFFERENT_NODES: what the groups must not share: NODES.",
        },
        {
                .name = "HIGH",
                .type = CONF_T_REF_LIST,
                .ref_class = CONF_CLASS_RESOURCE_GROUP,
                .max = CONF_MAX_RG_RES,
                .help = "DIFFERENT_NODES: high-priority groups. No two groups of the "
                        "dependency share a node; when they contend for one, a lower-priority "
                        "group is taken offline (or not started) to make room for a higher "
                        "one; within a priority, the one listed first wins. At most one "
                        "DIFFERENT_NODES dependency.",
        },
        {
                .name = "INTERMEDIATE",
                .type = CONF_T_REF_LIST,
                .ref_class = CONF_CLASS_RESOURCE_GROUP,
                .max = CONF_MAX_RG_RES,
                .help = "DIFFERENT_NODES: intermediate-priority groups.",
        },
        {
                .name = "LOW",
                .type = CONF_T_REF_LIST,
                .ref_class = CONF_CLASS_RESOURCE_GROUP,
                .max = CONF_MAX_RG_RES,
                .help = "DIFFERENT_NODES: low-priority groups.",
        },
        {
                .name = "START",
                .type = CONF_T_REF_LIST,
                .ref_class = CONF_CLASS_RESOURCE_GROUP,
                .max = CONF_MAX_RG_RES,
                .help = "START_AFTER: the groups (sources) acquired only while the AFTER group "
                        "is ONLINE on some node; the AFTER group going offline later does not "
                        "stop them.",
        },
        {
                .name = "STOP",
                .type = CONF_T_REF_LIST,
                .ref_class = CONF_CLASS_RESOURCE_GROUP,
                .max = CONF_MAX_RG_RES,
                .help = "STOP_AFTER: the groups (sources) released only after the AFTER group "
                        "when both are being released.",
        },
        {
                .name = "AFTER",
                .type = CONF_T_REF,
                .ref_class = CONF_CLASS_RESOURCE_GROUP,
                .help = "START_AFTER, STOP_AFTER: the target group.",
        },
};

/* PowerHA's application_monitor (MODE longrunning, startup or both). */
static const conf_attr_def_t appmon_attrs[] = {
        {
                .name = "TYPE",
                ENUM(enum_am_type),
                .def = "Custom",
                .help = "Custom: MONITORMETHOD is run every MONITORINTERVAL; Process: the "
                        "PROCESSES owned by OWNER are counted every MONITORINTERVAL.",
        },
        {
                .name = "APPLICATIONS",
                .type = CONF_T_REF_LIST,
                .flags = CONF_F_REQUIRED,
                .max = CONF_MAX_RG_RES,
                .ref_class = CONF_CLASS_APPLICATION_CONTROLLER,
                .help = "Application controllers monitored (all in the same resource group).",
        },
        {
                .name = "MODE",
                ENUM(enum_am_mode),
                .def = "longrunning",
                .help = "longrunning: monitoring begins STABILIZATION seconds after the "
                        "application started; startup: within STABILIZATION after the start, "
                        "checks until the application runs (else the group's acquisition "
                        "fails on that node); both: startup, then longrunning.",
        },
        {
                .name = "MONITORMETHOD",
                .type = CONF_T_PATH,
                .help = "TYPE=Custom (required): absolute path of the monitor script: exit 0 = "
                        "healthy, anything else = failed. May be omitted when APPLICATIONS are "
                        "of TYPE ocf: their agents' monitor action is the check.",
        },
        {
                .name = "PROCESSES",
                .type = CONF_T_STRING,
                .help = "TYPE=Process (required): process names (as ps -e shows them: "
                        "/proc/PID/comm, or argv[0]'s base name), separated by spaces or "
                        "commas; healthy while INSTANCECOUNT of each run.",
        },
        {
                .name = "OWNER",
                .type = CONF_T_STRING,
                .help = "TYPE=Process: user name (or numeric uid) owning the processes; unset: "
                        "any user.",
        },
        {
                .name = "INSTANCECOUNT",
                .type = CONF_T_UINT,
                .def = "1",
                .min = 1,
                .max = 1024,
                .help = "TYPE=Process: instances of each process expected (forced to 1 with "
                        "several names).",
        },
        {
                .name = "MONITORINTERVAL",
                .type = CONF_T_SECONDS,
                .def = "60",
                .min = 0.1,
                .max = 1024,
                .help = "Seconds between monitor runs; a run longer than this is hung: killed "
                        "with HUNG_MONITOR_SIGNAL and counted as a failure (sub-second values "
                        "are a hamr extension).",
        },
        {
                .name = "HUNG_MONITOR_SIGNAL",
                .type = CONF_T_UINT,
                .def = "9",
                .min = 1,
                .max = 63,
                .help = "Signal sent to the process group of a monitor that did not return "
                        "within MONITORINTERVAL.",
        },
        {
                .name = "STABILIZATION",
                .type = CONF_T_SECONDS,
                .def = "60",
                .min = 0.1,
                .max = 3600,
                .help = "Seconds after a start or restart before monitoring begins.",
        },
        {
                .name = "RESTARTCOUNT",
                .type = CONF_T_UINT,
                .def = "3",
                .min = 0,
                .max = 100,
                .help = "Restarts in place before FAILUREACTION (0: act on the first "
                        "failure).",
        },
        {
                .name = "RESTARTINTERVAL",
                .type = CONF_T_SECONDS,
                .min = 0.1,
                .max = 3600,
                .help = "Seconds of health after which the restart counter resets; default "
                        "1.1 x RESTARTCOUNT x (STABILIZATION + MONITORINTERVAL), and not "
                        "shorter than RESTARTCOUNT x (STABILIZATION + MONITORINTERVAL).",
        },
        {
                .name = "FAILUREACTION",
                ENUM(enum_am_action),
                .def = "fallover",
                .help = "When the restarts are used up: fallover moves the group to the next "
                        "node that has not failed it; notify runs NOTIFYMETHOD and leaves the "
                        "group where it is.",
        },
        {
                .name = "NOTIFYMETHOD",
                .type = CONF_T_PATH,
                .help = "Absolute path of a script run on every failure (optional).",
        },
        {
                .name = "CLEANUPMETHOD",
                .type = CONF_T_PATH,
                .help = "Absolute path of the script run before a restart; default: the "
                        "controllers' stop scripts.",
        },
        {
                .name = "RESTARTMETHOD",
                .type = CONF_T_PATH,
                .help = "Absolute path of the script that restarts the application; default: "
                        "the controllers' start scripts.",
        },
};

static const char *const no_aliases[] = {NULL};
static const char *const network_aliases[] = {"net", NULL};
static const char *const sip_aliases[] = {"sip", "serviceip", NULL};
static const char *const ac_aliases[] = {"ac", "app", NULL};
static const char *const rg_aliases[] = {"rg", NULL};
static const char *const am_aliases[] = {"am", NULL};
static const char *const fs_aliases[] = {"fs", "filesystem", NULL};
static const char *const dep_aliases[] = {"dep", NULL};

static const conf_class_def_t classes[] = {
        [CONF_CLASS_CLUSTER] = {
                .name = "cluster",
                .aliases = no_aliases,
                .singleton = true,
                .attrs = cluster_attrs,
                .nattrs = N(cluster_attrs),
                .help = "The cluster: repository and failure detection timers.",
        },
        [CONF_CLASS_NODE] = {
                .name = "node",
                .aliases = no_aliases,
                .attrs = node_attrs,
                .nattrs = N(node_attrs),
                .help = "A cluster node (at most 64).",
        },
        [CONF_CLASS_NETWORK] = {
                .name = "network",
                .aliases = network_aliases,
                .attrs = network_attrs,
                .nattrs = N(network_attrs),
                .help = "An IP network the nodes share.",
        },
        [CONF_CLASS_SERVICE_IP] = {
                .name = "service_ip",
                .aliases = sip_aliases,
                .attrs = service_ip_attrs,
                .nattrs = N(service_ip_attrs),
                .help = "A service IP address that moves with its resource group.",
        },
        [CONF_CLASS_APPLICATION_CONTROLLER] = {
                .name = "application_controller",
                .aliases = ac_aliases,
                .attrs = appctl_attrs,
                .nattrs = N(appctl_attrs),
                .help = "Start and stop scripts of an application.",
        },
        [CONF_CLASS_RESOURCE_GROUP] = {
                .name = "resource_group",
                .aliases = rg_aliases,
                .attrs = rg_attrs,
                .nattrs = N(rg_attrs),
                .help = "Resources kept online together on one node.",
        },
        [CONF_CLASS_FALLBACK_TIMER] = {
                .name = "fallback_timer",
                .aliases = no_aliases,
                .attrs = fallback_timer_attrs,
                .nattrs = N(fallback_timer_attrs),
                .help = "A delayed fallback timer: when groups naming it in FALLBACK_AT fall "
                        "back to a higher-priority node.",
        },
        [CONF_CLASS_APPLICATION_MONITOR] = {
                .name = "application_monitor",
                .aliases = am_aliases,
                .attrs = appmon_attrs,
                .nattrs = N(appmon_attrs),
                .help = "A monitor of application controllers: restarts them in place, then "
                        "moves their group.",
        },
        [CONF_CLASS_DEPENDENCY] = {
                .name = "dependency",
                .aliases = dep_aliases,
                .attrs = dependency_attrs,
                .nattrs = N(dependency_attrs),
                .help = "A dependency between resource groups: PARENT=<rg> "
                        "CHILD=<rg>[,<rg>..]; SAME=NODE GROUPS=<rg>,<rg>[,..]; DIFFERENT=NODES "
                        "HIGH=.. INTERMEDIATE=.. LOW=..; START=<rg>[,..] AFTER=<rg>; "
                        "STOP=<rg>[,..] AFTER=<rg>. At add the name may be omitted (dep1, "
                        "dep2, ...).",
        },
        [CONF_CLASS_FILE_SYSTEM] = {
                .name = "file_system",
                .aliases = fs_aliases,
                .attrs = file_system_attrs,
                .nattrs = N(file_system_attrs),
                .help = "A filesystem on a shared block device, mounted with its resource group "
                        "on one node at a time.",
        },
        [CONF_CLASS_EVENT] = {
                .name = "event",
                .aliases = no_aliases,
                .attrs = event_attrs,
                .nattrs = N(event_attrs),
                .help = "A custom event (add event NAME FILE=/path: a named command), or the "
                        "commands around a predefined event (modify event rg_move_acquire "
                        "PREEVENT=.. POSTEVENT=.. NOTIFYMETHOD=..; node_up, node_down, "
                        "rg_move_acquire, rg_move_release).",
        },
};
static_assert(N(classes) == CONF_CLASS_COUNT, "classes[] must cover conf_class_t");

#undef ENUM

/* clang-format on */

const char conf_name_rule[] =
    "1 to 64 characters from A-Z, a-z, 0-9 and _, not starting with a digit";

const conf_class_def_t *conf_class_def(conf_class_t cls)
{
        if ((unsigned)cls >= CONF_CLASS_COUNT)
                return NULL;
        return &classes[cls];
}
