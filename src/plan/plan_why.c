/* plan_why.c: the table of the planner's reasons: short names for
 * scenario files and logs, plain words for status and logs. */
#include "plan/plan_why.h"

#include <string.h>

static const struct {
        const char *name;
        const char *str;
} WHY[PLAN_WHY_COUNT] = {
    [PLAN_WHY_NONE] = {"NONE", ""},
    /* the scheduler's strings, exactly as rgm_schedule gives them */
    [PLAN_WHY_UNMANAGED] = {"UNMANAGED", "unmanaged on node"},
    [PLAN_WHY_ERROR] = {"ERROR", "error on node"},
    [PLAN_WHY_MULTIPLE] = {"MULTIPLE", "online on more than one node"},
    [PLAN_WHY_ADMIN_OFFLINE] = {"ADMIN_OFFLINE", "offline by administrator"},
    [PLAN_WHY_POL] = {"POL", "priority override location"},
    [PLAN_WHY_MOVE] = {"MOVE", "moved by the administrator"},
    [PLAN_WHY_FALLBACK] = {"FALLBACK", "fallback to higher priority node"},
    [PLAN_WHY_STAY] = {"STAY", "online on current node"},
    [PLAN_WHY_STARTUP_HOME] = {"STARTUP_HOME", "startup on home node"},
    [PLAN_WHY_NO_HOME] = {"NO_HOME", "home node not available"},
    [PLAN_WHY_STARTUP_FIRST] = {"STARTUP_FIRST", "startup on first available node"},
    [PLAN_WHY_FALLOVER] = {"FALLOVER", "fallover to next priority node"},
    [PLAN_WHY_NO_NODE] = {"NO_NODE", "no available node"},
    [PLAN_WHY_WAIT_RELEASE] = {"WAIT_RELEASE", "waiting for release"},
    [PLAN_WHY_WAIT_REPORT] = {"WAIT_REPORT", "waiting for a member's report"},
    [PLAN_WHY_STARTUP_DIST] = {"STARTUP_DIST", "startup using the distribution policy"},
    [PLAN_WHY_NO_DIST_NODE] = {"NO_DIST_NODE", "no node free of another OUDP group"},
    [PLAN_WHY_BO_OFFLINE] = {"BRING_OFFLINE",
                             "brought offline after its node failed (fallover policy BO)"},
    [PLAN_WHY_REVOKE_FIRST] = {"REVOKE_FIRST", "revoking the previous target first"},
    [PLAN_WHY_PENDING_ANSWERS] = {"PENDING_ANSWERS",
                                  "a member has not answered the last target change"},
    [PLAN_WHY_GATHERING] = {"GATHERING",
                            "gathering reports (view not quorate, not agreed, or a member's "
                            "report of this view missing)"},
    [PLAN_WHY_SETTLING] = {"SETTLING", "waiting for the settling time (home node not up)"},
    [PLAN_WHY_FALLBACK_TIMER] = {"FALLBACK_TIMER",
                                 "fallback waits for the delayed fallback timer (FALLBACK_AT)"},
    [PLAN_WHY_WAIT_PARENT] = {"WAIT_PARENT", "waiting for parent"},
    [PLAN_WHY_WAIT_CHILDREN] = {"WAIT_CHILDREN", "waiting for the release of child"},
    [PLAN_WHY_SAME_NODE] = {"SAME_NODE", "kept on the same node as"},
    [PLAN_WHY_YIELD] = {"YIELD", "node taken by higher-priority group"},
    [PLAN_WHY_WAIT_YIELD] = {"WAIT_YIELD", "waiting for the release of lower-priority group"},
    [PLAN_WHY_WAIT_START_AFTER] = {"WAIT_START_AFTER", "starts after (waiting for)"},
    [PLAN_WHY_WAIT_STOP_AFTER] = {"WAIT_STOP_AFTER", "stops after (waiting for the release of)"},
    [PLAN_WHY_CONCURRENT] = {"CONCURRENT",
                             "concurrent: online on every available node of its list"},
    [PLAN_WHY_CONCURRENT_NONE] = {"CONCURRENT_NONE", "concurrent: no node of its list available"},
    [PLAN_WHY_STOP_DONE] = {"STOP_DONE", "cluster services stopped"},
    [PLAN_WHY_NET_WORSE] = {"NET_WORSE",
                            "service network worse than another member's (not yet for the "
                            "detection time)"},
    [PLAN_WHY_SELECTIVE_FALLOVER] = {"SELECTIVE_FALLOVER",
                                     "service network worse than another member's: selective "
                                     "fallover"},
    [PLAN_WHY_POISON_PILL] = {"POISON_PILL",
                              "network down and a group with service IPs in ERROR: poison pill "
                              "(reset through the watchdog)"},
    [PLAN_WHY_FENCE_LEFT] = {"FENCE_LEFT", "left the view after the poison pill: order lifted"},
    [PLAN_WHY_RESTARTED] = {"RESTARTED",
                            "its daemon restarted: cluster services wait for clmgr start node"},
    [PLAN_WHY_RESTART_START] = {"RESTART_START",
                                "its daemon restarted and starts cluster services at restart"},
    [PLAN_WHY_NO_WATCHDOG] = {"NO_WATCHDOG",
                              "DEADMAN_MODE a and no armed watchdog: cluster services not "
                              "started"},
    [PLAN_WHY_NODE_UNSETTLED] = {"NODE_UNSETTLED",
                                 "cluster services not where wanted, or not heard lately"},
    [PLAN_WHY_LEASE_CANDIDATE] = {"LEASE_CANDIDATE",
                                  "holds the most groups among members with a working disk"},
    [PLAN_WHY_ARR_FAILING] = {"ARR_FAILING", "every member reports the active repository failing"},
    [PLAN_WHY_ARR_SWITCH] = {"ARR_SWITCH",
                             "active repository failed on every member for the detection time: "
                             "switching to the next usable backup"},
    [PLAN_WHY_ARR_NO_BACKUP] = {"ARR_NO_BACKUP",
                                "active repository failed on every member: no usable backup "
                                "left"},
    [PLAN_WHY_STABLE] = {"STABLE", "every group where policy wants it, nothing in progress"},
};

const char *plan_why_str(plan_why_t code)
{
        return code < PLAN_WHY_COUNT ? WHY[code].str : "?";
}

const char *plan_why_name(plan_why_t code)
{
        return code < PLAN_WHY_COUNT ? WHY[code].name : "?";
}

plan_why_t plan_why_by_name(const char *name)
{
        for (unsigned k = 0; k < PLAN_WHY_COUNT; k++)
                if (name && strcmp(WHY[k].name, name) == 0)
                        return (plan_why_t)k;
        return PLAN_WHY_COUNT;
}

plan_why_t plan_why_of_rgm(const char *why)
{
        for (unsigned k = PLAN_WHY_UNMANAGED; k <= PLAN_WHY_BO_OFFLINE; k++)
                if (why && strcmp(WHY[k].str, why) == 0)
                        return (plan_why_t)k;
        return PLAN_WHY_NONE;
}
