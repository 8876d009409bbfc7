/* test_plan.c: unit tests of the coordinator's planner (src/plan): the
 * reason table, determinism, and the golden scenario files in
 * tests/scenarios/plan (*.scn) run through the interpreter below, time
 * included.
 *
 * Scenario format: one directive per line, words separated by blanks, '#'
 * starts a comment, double quotes group words. Times: 150ms, 2s, 500us.
 *   config [hb_interval=T] [hb_freq=T] [grace=T] [net_fdt=T] [backups=N]
 *          [deadman=a|e] [settling=T]
 *                            (defaults 100ms, 300ms, 100ms, 200ms, 0; the
 *                            detection time is hb_freq + grace)
 *   nodes N[:ID]...          node names; the first is the coordinator (self)
 *   group G nodes=A,B,C [startup=OHN|OFAN|OUDP|OAAN] [fallover=FNPN|BO]
 *           [fallback=NFB|FBHPN] [sips=N]
 *           [fallback_at=T]
 *   timer T repeats=once|daily|weekly|monthly|yearly [year=Y] [month=M]
 *           [mday=D] [wday=W] hour=H minute=M
 *                            a fallback timer (before the groups naming it)
 *   parent P C[,C...]        a dependency (TYPE=PARENT_CHILD): C are children
 *                            of P (after the groups it names)
 *   start_after T S[,S...]   a dependency TYPE=START_AFTER: START=S AFTER=T
 *   stop_after T S[,S...]    a dependency TYPE=STOP_AFTER: STOP=S AFTER=T
 *   same G,G[,G...]          a dependency TYPE=SAME_NODE (GROUPS)
 *   different [high=G,..] [intermediate=G,..] [low=G,..]
 *                            a dependency TYPE=DIFFERENT_NODES
 *   fallback_at G T|-        a configuration change: group G's FALLBACK_AT
 *   wall "YYYY-MM-DD HH:MM"  the coordinator's local wall clock now (initially
 *                            2026-12-04 12:00 at the start); it advances with at
 *   step [label...]          a new step: the control state and the planner's
 *                            memory carry over from the previous step's output
 *   at +T | at T             advance the clock by T, or to T after the start
 *   members N...|-           view members (initially every node)
 *   quorate 0|1              (initially 1)
 *   agreed 0|1               view agreed and closed (initially 1)
 *   node N [report=0|1] [services=ACTIVE|INACTIVE|STOPPING|UNMANAGED]
 *          [net=OK|SILENT|NO_CARRIER] [hears=A,B|-|all] [disk=0|1] [repo=K]
 *          [heard=live|never|-T] [gen=K] [answers=old|current]
 *          [reach=none|no|yes] [inc=K] [fenced=0|1] [autostart=0|1]
 *                            inc: its daemon's incarnation (initially 0:
 *                            unknown), fenced: watchdog armed (initially 1),
 *                            autostart: start at restart recorded
 *                            facts about a node (initially: a report,
 *                            ACTIVE, net OK hearing every other node, disk
 *                            ok, repository 0, heard live (now), generation
 *                            of the configuration, no NETMON_TARGETS:
 *                            reach=none; no/yes: probes targets and does
 *                            not / does reach them); heard=-T: last heard T
 *                            before now (fixed from then on)
 *   state G|* N=STATE...     reported group state (initially OFFLINE)
 *   failed G|* N...|-        these nodes report the group failed there
 *                            (application monitor, FAILUREACTION=fallover)
 *   ack N...|*               these nodes answer the newest publication
 *                            (initially every node answers publication 1)
 *   want N=ACTIVE|INACTIVE|STOP_OFFLINE|STOP_MOVE|UNMANAGE|FENCE...
 *   want_inc N=K...          the incarnation each want was decided for
 *   boot N=KEEP|START|MANUAL...  a pending start-at-restart order
 *   ctl G|* [started=0|1] [pol=N|-] [move=N|-] [last=N|-] [admin=auto|offline]
 *           [target=N|-] [nodes=A,B|-] [offline_on=A,B|-]
 *                            control state (initially: every node wanted
 *                            ACTIVE, no targets, startup policy not done)
 *   home_only 0|1   repo_index K   repo_bad K...|-
 *   expect G|* [target=N|-] [why=CODE] [changed=0|1] [started=0|1] [last=N|-]
 *              [pol=N|-] [move=N|-] [admin=auto|offline]
 *              [timer=none|settling|fallback] [timer_node=N|-]
 *              [timer_at="YYYY-MM-DD HH:MM"|never]
 *              [waits=G|-]   (the group a dependency makes it wait for)
 *              [nodes=A,B|-] [offline_on=A,B|-]
 *                            (a concurrent group: the nodes that should
 *                            hold an instance, the nodes where the
 *                            administrator took it offline)
 *                            why and changed are read from the group's
 *                            decision log entry
 *   expect node N [want=...] [net_down=0|1] [want_inc=K] [boot=KEEP|START|MANUAL]
 *   expect cluster [valid=0|1] [stable=0|1] [publish=0|1] [lease=N|-]
 *                  [arr=K|-] [wakeup=+T|never]
 *   simulate EVENT N [group=G] [refused=1]
 *                            what-if (plan_simulate) from this step's input
 *                            and output, as the coordinator runs it for
 *                            clmgr simulate: node_down, node_up,
 *                            network_down N, rg_move N group=G; refused=1:
 *                            the event must not apply
 *   expect sim G|* [after=N|-] [why=CODE] [changed=0|1]
 *   expect sim cluster [settled=0|1] [quorate=0|1]
 *   expect sim node N code=CODE      a node-level decision seen on the way
 *   command G online|offline|move [node=N] [refused=1]
 *                            an administrator's command on concurrent
 *                            group G (plan_concurrent_command), applied to
 *                            the control state; refused=1: it must be
 *                            refused and change nothing
 *   log CODE [group=G] [node=N|K]   the decision log has such an entry
 *   nolog CODE [group=G] [node=N|K] it has none
 * The first expect/log of a step runs the planner; inputs may not follow it
 * in the same step, and a step with inputs must check something. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scn_text.h"
#include "plan/plan.h"
#include "plan/plan_sim.h"
#include "plan/plan_concurrent.h"
#include "plan/plan_timers.h"

#define BIT(id)     (UINT64_C(1) << (id))
#define SCN_MAX_RGS 16
#define SCN_ERR_LEN 512
#define SCN_START   (1000 * USEC_PER_SEC) /* the clock at the start (0 means "unset") */
#define SCN_TIMERS  8
#define SCN_DEPS    8

typedef struct scn {
        const char *file;
        unsigned line;
        hamr_config_t cfg;
        conf_node_t nodes[CONF_MAX_NODES];
        conf_rg_t rgs[SCN_MAX_RGS];
        conf_fallback_timer_t timers[SCN_TIMERS];
        conf_dep_t deps[SCN_DEPS];
        int64_t wall_base; /* local wall clock at wall_mono */
        usec_t wall_mono;
        bool live[CONF_MAX_NODES]; /* heard now, whatever now is */
        plan_input_t in;
        plan_output_t out;
        bool ran, step_in, step_exp;
        /* the last simulate directive: scratch and result */
        plan_input_t sim_from, sim_in;
        plan_output_t sim_out;
        plan_sim_result_t sim;
        bool have_sim;
        unsigned nsteps, nexpects;
        char err[SCN_ERR_LEN];
} scn_t;

typedef scn_tokens_t tokens_t;

__attribute__((format(printf, 2, 3))) static int scn_fail(scn_t *s, const char *fmt, ...)
{
        va_list ap;
        int n;

        n = snprintf(s->err, sizeof(s->err), "%s:%u: ", s->file, s->line);
        va_start(ap, fmt);
        vsnprintf(s->err + n, sizeof(s->err) - (size_t)n, fmt, ap);
        va_end(ap);
        return -1;
}

static int tokenize(scn_t *s, const char *line, tokens_t *t)
{
        char msg[128];

        return scn_tokenize(line, t, msg, sizeof(msg)) < 0 ? scn_fail(s, "%s", msg) : 0;
}

/* ---- names and values ---- */

static int node_id(const scn_t *s, const char *name)
{
        for (unsigned i = 0; i < s->cfg.nnodes; i++)
                if (strcmp(s->nodes[i].name, name) == 0)
                        return (int)s->nodes[i].id;
        return -1;
}

static const char *node_name(const scn_t *s, int id)
{
        if (id < 0 || id == RGM_NO_NODE)
                return "-";
        for (unsigned i = 0; i < s->cfg.nnodes; i++)
                if ((int)s->nodes[i].id == id)
                        return s->nodes[i].name;
        return "?";
}

/* A,B,... or "-": a mask of node ids. */
static int parse_mask(scn_t *s, char *v, uint64_t *ret)
{
        *ret = 0;
        if (strcmp(v, "-") == 0)
                return 0;
        for (char *name = strtok(v, ","); name; name = strtok(NULL, ",")) {
                int id = node_id(s, name);
                if (id < 0)
                        return scn_fail(s, "unknown node '%s'", name);
                *ret |= BIT(id);
        }
        return 0;
}

/* The nodes of mask in declaration order, "A,B", or "-". */
static const char *mask_names(const scn_t *s, uint64_t mask, char *buf, size_t len)
{
        size_t n = 0;

        buf[0] = '\0';
        for (unsigned i = 0; i < s->cfg.nnodes; i++)
                if (mask & BIT(s->nodes[i].id))
                        n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "," : "",
                                              s->nodes[i].name);
        return n ? buf : "-";
}

/* N, or "-" for none (RGM_NO_NODE) */
static int parse_node_or_none(scn_t *s, const char *v, uint16_t *ret)
{
        int id;

        if (strcmp(v, "-") == 0) {
                *ret = RGM_NO_NODE;
                return 0;
        }
        id = node_id(s, v);
        if (id < 0)
                return scn_fail(s, "unknown node '%s'", v);
        *ret = (uint16_t)id;
        return 0;
}

static int parse_bool(scn_t *s, const char *v, bool *ret)
{
        if (strcmp(v, "0") && strcmp(v, "1"))
                return scn_fail(s, "expected 0 or 1, got '%s'", v);
        *ret = v[0] == '1';
        return 0;
}

static int parse_uint(scn_t *s, const char *v, unsigned long *ret)
{
        char *end;

        *ret = strtoul(v, &end, 10);
        if (!*v || *end)
                return scn_fail(s, "expected a number, got '%s'", v);
        return 0;
}

static int parse_time(scn_t *s, const char *v, usec_t *ret)
{
        char *end;
        unsigned long n = strtoul(v, &end, 10);

        if (end == v)
                return scn_fail(s, "expected a time (150ms, 2s, 500us), got '%s'", v);
        if (strcmp(end, "ms") == 0)
                *ret = n * USEC_PER_MSEC;
        else if (strcmp(end, "s") == 0)
                *ret = n * USEC_PER_SEC;
        else if (strcmp(end, "us") == 0)
                *ret = n;
        else
                return scn_fail(s, "time '%s': unit must be us, ms or s", v);
        return 0;
}

static int lookup(const char *const *names, unsigned n, const char *v)
{
        for (unsigned k = 0; k < n; k++)
                if (names[k] && strcmp(names[k], v) == 0)
                        return (int)k;
        return -1;
}

static const char *const STATES[] = {"OFFLINE", "ACQUIRING", "ONLINE", "RELEASING",
                                     "ERROR",   "UNMANAGED", "UNKNOWN"};
static const char *const SERVICES[] = {"INACTIVE", "ACTIVE", "STOPPING", "UNMANAGED"};
static const char *const NETS[] = {"NO_CARRIER", "SILENT", "OK"};
static const char *const WANTS[] = {"INACTIVE",  "ACTIVE",   "STOP_OFFLINE",
                                    "STOP_MOVE", "UNMANAGE", "FENCE"};

static int parse_groups(scn_t *s, const char *name, unsigned *lo, unsigned *hi)
{
        if (strcmp(name, "*") == 0) {
                *lo = 0;
                *hi = s->cfg.nrgs;
                return 0;
        }
        for (unsigned g = 0; g < s->cfg.nrgs; g++)
                if (strcmp(s->rgs[g].name, name) == 0) {
                        *lo = g;
                        *hi = g + 1;
                        return 0;
                }
        return scn_fail(s, "unknown group '%s'", name);
}

/* ---- set-up directives ---- */

static void reset_node(scn_t *s, int id)
{
        plan_node_t *n = &s->in.node[id];

        memset(n, 0, sizeof(*n));
        n->have_report = true;
        n->report_seq = 1;
        n->services = SVC_ACTIVE;
        n->net = NET_OK;
        n->disk_ok = true;
        n->fenced = true;
        n->generation = s->cfg.generation;
        n->ctl_view = 1;
        n->ctl_seq = 1;
        s->live[id] = true;
}

static int do_config(scn_t *s, tokens_t *t)
{
        for (unsigned i = 1; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                const char *k = t->v[i];
                unsigned long n;
                int r;

                if (!v)
                        return scn_fail(s, "expected key=value, got '%s'", k);
                if (strcmp(k, "hb_interval") == 0)
                        r = parse_time(s, v, &s->cfg.hb_interval_usec);
                else if (strcmp(k, "hb_freq") == 0)
                        r = parse_time(s, v, &s->cfg.hb_freq_usec);
                else if (strcmp(k, "grace") == 0)
                        r = parse_time(s, v, &s->cfg.grace_usec);
                else if (strcmp(k, "net_fdt") == 0)
                        r = parse_time(s, v, &s->cfg.net_fdt_usec);
                else if (strcmp(k, "deadman") == 0) {
                        if (strcmp(v, "a") && strcmp(v, "e"))
                                return scn_fail(s, "deadman must be a or e");
                        s->cfg.deadman_mode = v[0] == 'a' ? DMS_MODE_ASSERT : DMS_MODE_EVENT;
                        r = 0;
                } else if (strcmp(k, "settling") == 0) {
                        r = parse_time(s, v, &s->cfg.settling_usec);
                } else if (strcmp(k, "backups") == 0) {
                        r = parse_uint(s, v, &n);
                        if (r == 0 && n > CONF_MAX_BACKUP_REPOS)
                                return scn_fail(s, "backups: at most %d", CONF_MAX_BACKUP_REPOS);
                        s->cfg.nbackups = (unsigned)n;
                } else
                        return scn_fail(s, "unknown config key '%s'", k);
                if (r < 0)
                        return -1;
        }
        return 0;
}

static int do_nodes(scn_t *s, tokens_t *t)
{
        if (s->cfg.nnodes)
                return scn_fail(s, "nodes given twice");
        for (unsigned i = 1; i < t->n; i++) {
                char *colon = strchr(t->v[i], ':');
                unsigned long id = i - 1;
                conf_node_t *n = &s->nodes[s->cfg.nnodes];

                if (colon) {
                        *colon = '\0';
                        if (parse_uint(s, colon + 1, &id) < 0)
                                return -1;
                }
                if (id >= CONF_MAX_NODES || node_id(s, t->v[i]) >= 0 ||
                    strlen(t->v[i]) > CONF_MAX_NAME)
                        return scn_fail(s, "bad or duplicate node '%s'", t->v[i]);
                snprintf(n->name, sizeof(n->name), "%s", t->v[i]);
                n->id = (uint32_t)id;
                s->cfg.nnodes++;
                s->in.members |= BIT(id);
                reset_node(s, (int)id);
                s->in.ctl.want[id] = WANT_ACTIVE;
        }
        if (!s->cfg.nnodes)
                return scn_fail(s, "nodes needs at least one node");
        for (unsigned i = 0; i < s->cfg.nnodes; i++)
                s->in.node[s->nodes[i].id].net_heard = s->in.members & ~BIT(s->nodes[i].id);
        s->in.self = (uint16_t)s->nodes[0].id;
        return 0;
}

static int do_group(scn_t *s, tokens_t *t)
{
        conf_rg_t *rg;
        unsigned g = s->cfg.nrgs;

        if (t->n < 2)
                return scn_fail(s, "group needs a name");
        if (g == SCN_MAX_RGS)
                return scn_fail(s, "too many groups");
        rg = &s->rgs[g];
        snprintf(rg->name, sizeof(rg->name), "%s", t->v[1]);
        rg->id = 100 + g;
        for (unsigned i = 2; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                const char *k = t->v[i];
                unsigned long n;

                if (!v)
                        return scn_fail(s, "expected key=value, got '%s'", k);
                if (strcmp(k, "nodes") == 0) {
                        for (char *name = strtok(v, ","); name; name = strtok(NULL, ",")) {
                                int id = node_id(s, name);
                                if (id < 0)
                                        return scn_fail(s, "unknown node '%s' in group", name);
                                rg->nodes[rg->nnodes++] = (uint32_t)id;
                        }
                } else if (strcmp(k, "startup") == 0) {
                        static const char *const SU[] = {[RG_STARTUP_OHN] = "OHN",
                                                         [RG_STARTUP_OFAN] = "OFAN",
                                                         [RG_STARTUP_OUDP] = "OUDP",
                                                         [RG_STARTUP_OAAN] = "OAAN"};
                        int x = lookup(SU, sizeof(SU) / sizeof(SU[0]), v);
                        if (x < 0)
                                return scn_fail(s, "startup must be OHN, OFAN, OUDP or OAAN");
                        rg->startup = (rg_startup_t)x;
                } else if (strcmp(k, "fallover") == 0) {
                        if (strcmp(v, "FNPN") && strcmp(v, "BO"))
                                return scn_fail(s, "fallover must be FNPN or BO");
                        rg->fallover = strcmp(v, "BO") ? RG_FALLOVER_FNPN : RG_FALLOVER_BO;
                } else if (strcmp(k, "fallback") == 0) {
                        if (strcmp(v, "NFB") && strcmp(v, "FBHPN"))
                                return scn_fail(s, "fallback must be NFB or FBHPN");
                        rg->fallback = strcmp(v, "NFB") ? RG_FALLBACK_FBHPN : RG_FALLBACK_NFB;
                } else if (strcmp(k, "sips") == 0) {
                        if (parse_uint(s, v, &n) < 0)
                                return -1;
                        rg->nsips = (unsigned)n;
                } else if (strcmp(k, "fallback_at") == 0) {
                        for (unsigned k2 = 0; k2 < s->cfg.ntimers; k2++)
                                if (strcmp(s->timers[k2].name, v) == 0)
                                        rg->fallback_at = k2 + 1;
                        if (!rg->fallback_at)
                                return scn_fail(s, "unknown timer '%s'", v);
                } else
                        return scn_fail(s, "unknown group key '%s'", k);
        }
        if (!rg->nnodes)
                return scn_fail(s, "group '%s' has no nodes", rg->name);
        s->cfg.nrgs++;
        s->in.ctl.ngroups = s->cfg.nrgs;
        s->in.ctl.gid[g] = rg->id;
        s->in.ctl.target[g] = RGM_NO_NODE;
        s->in.ctl.ctl[g] = (rgm_ctl_t){.admin = RGM_ADMIN_AUTO,
                                       .pol_node = RGM_NO_NODE,
                                       .move_node = RGM_NO_NODE,
                                       .last_node = RGM_NO_NODE};
        for (unsigned id = 0; id < CONF_MAX_NODES; id++)
                s->in.state[(size_t)g * CONF_MAX_NODES + id] = RG_S_OFFLINE;
        return 0;
}

static int do_parent(scn_t *s, tokens_t *t)
{
        conf_dep_t *d;
        unsigned lo, hi;

        if (t->n != 3 || s->cfg.ndeps == SCN_DEPS)
                return scn_fail(s, "%s P C[,C...] (at most %d)", t->v[0], SCN_DEPS);
        d = &s->deps[s->cfg.ndeps];
        *d = (conf_dep_t){.type = !strcmp(t->v[0], "start_after")  ? CONF_DEP_START_AFTER
                                  : !strcmp(t->v[0], "stop_after") ? CONF_DEP_STOP_AFTER
                                                                   : CONF_DEP_PARENT_CHILD};
        snprintf(d->name, sizeof(d->name), "dep%u", s->cfg.ndeps + 1);
        if (parse_groups(s, t->v[1], &lo, &hi) < 0 || hi != lo + 1)
                return scn_fail(s, "parent: one parent group");
        d->parent = (int)lo;
        for (char *name = strtok(t->v[2], ","); name; name = strtok(NULL, ",")) {
                if (parse_groups(s, name, &lo, &hi) < 0 || hi != lo + 1 ||
                    d->nchildren == CONF_MAX_RG_RES)
                        return scn_fail(s, "parent: bad child '%s'", name);
                d->children[d->nchildren++] = (int)lo;
        }
        s->cfg.ndeps++;
        return 0;
}

/* Appends the groups of a comma list to d->groups with priority prio. */
static int dep_list(scn_t *s, conf_dep_t *d, char *v, uint8_t prio)
{
        unsigned lo, hi;

        for (char *name = strtok(v, ","); name; name = strtok(NULL, ",")) {
                if (parse_groups(s, name, &lo, &hi) < 0 || hi != lo + 1 ||
                    d->ngroups == CONF_MAX_DEP_GROUPS)
                        return scn_fail(s, "bad group '%s' in a dependency", name);
                d->prio[d->ngroups] = prio;
                d->groups[d->ngroups++] = (int)lo;
        }
        return 0;
}

static int do_location(scn_t *s, tokens_t *t, bool same)
{
        static const char *const PRIOS[] = {"high", "intermediate", "low"};
        conf_dep_t *d;

        if (t->n < 2 || s->cfg.ndeps == SCN_DEPS)
                return scn_fail(s, "same G,G... | different high=.. intermediate=.. low=..");
        d = &s->deps[s->cfg.ndeps];
        *d = (conf_dep_t){.type = same ? CONF_DEP_SAME_NODE : CONF_DEP_DIFFERENT_NODES,
                          .parent = -1};
        snprintf(d->name, sizeof(d->name), "dep%u", s->cfg.ndeps + 1);
        if (same) {
                if (dep_list(s, d, t->v[1], CONF_DEP_HIGH) < 0)
                        return -1;
        } else {
                char *lists[3] = {NULL, NULL, NULL};

                for (unsigned i = 1; i < t->n; i++) {
                        char *v = scn_split_kv(t->v[i]);
                        int k = v ? lookup(PRIOS, 3, t->v[i]) : -1;

                        if (k < 0)
                                return scn_fail(s, "different: high=, intermediate=, low=");
                        lists[k] = v;
                }
                /* HIGH first, then INTERMEDIATE, then LOW, as compiled */
                for (int k = 0; k < 3; k++)
                        if (lists[k] && dep_list(s, d, lists[k], (uint8_t)k) < 0)
                                return -1;
        }
        s->cfg.ndeps++;
        return 0;
}

static const char *const REPEATS[] = {"once", "daily", "weekly", "monthly", "yearly"};

static int do_timer(scn_t *s, tokens_t *t)
{
        conf_fallback_timer_t *ft;

        if (t->n < 2 || s->cfg.ntimers == SCN_TIMERS)
                return scn_fail(s, "timer NAME key=value... (at most %d)", SCN_TIMERS);
        ft = &s->timers[s->cfg.ntimers];
        *ft = (conf_fallback_timer_t){.year = -1,
                                      .month = -1,
                                      .day_of_month = -1,
                                      .day_of_week = -1,
                                      .hour = -1,
                                      .minute = -1};
        snprintf(ft->name, sizeof(ft->name), "%s", t->v[1]);
        for (unsigned i = 2; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                const char *k = t->v[i];
                unsigned long n = 0;
                int r;

                if (!v)
                        return scn_fail(s, "expected key=value, got '%s'", k);
                if (strcmp(k, "repeats") == 0) {
                        r = lookup(REPEATS, CONF_REPEATS_COUNT, v);
                        if (r < 0)
                                return scn_fail(s,
                                                "repeats must be once|daily|weekly|monthly|yearly");
                        ft->repeats = (conf_repeats_t)r;
                        continue;
                }
                if (parse_uint(s, v, &n) < 0)
                        return -1;
                if (strcmp(k, "year") == 0)
                        ft->year = (int)n;
                else if (strcmp(k, "month") == 0)
                        ft->month = (int)n;
                else if (strcmp(k, "mday") == 0)
                        ft->day_of_month = (int)n;
                else if (strcmp(k, "wday") == 0)
                        ft->day_of_week = (int)n;
                else if (strcmp(k, "hour") == 0)
                        ft->hour = (int)n;
                else if (strcmp(k, "minute") == 0)
                        ft->minute = (int)n;
                else
                        return scn_fail(s, "unknown timer key '%s'", k);
        }
        s->cfg.ntimers++;
        return 0;
}

/* "YYYY-MM-DD HH:MM" as local seconds (computed as UTC), or -1. */
static int64_t parse_wall(const char *v)
{
        struct tm tm = {0};
        char *end = strptime(v, "%Y-%m-%d %H:%M", &tm);

        return end && !*end ? (int64_t)timegm(&tm) : -1;
}

/* ---- inputs ---- */

static int do_fallback_at(scn_t *s, tokens_t *t)
{
        unsigned lo, hi;

        if (t->n != 3)
                return scn_fail(s, "fallback_at G T|-");
        if (parse_groups(s, t->v[1], &lo, &hi) < 0)
                return -1;
        for (unsigned g = lo; g < hi; g++) {
                s->rgs[g].fallback_at = 0;
                for (unsigned k = 0; k < s->cfg.ntimers; k++)
                        if (strcmp(s->timers[k].name, t->v[2]) == 0)
                                s->rgs[g].fallback_at = k + 1;
                if (!s->rgs[g].fallback_at && strcmp(t->v[2], "-") != 0)
                        return scn_fail(s, "unknown timer '%s'", t->v[2]);
        }
        return 0;
}

static int do_wall(scn_t *s, tokens_t *t)
{
        int64_t w = t->n == 2 ? parse_wall(t->v[1]) : -1;

        if (w < 0)
                return scn_fail(s, "wall \"YYYY-MM-DD HH:MM\"");
        s->wall_base = w;
        s->wall_mono = s->in.now;
        return 0;
}

static int node_list(scn_t *s, tokens_t *t, unsigned from, uint64_t *ret)
{
        uint64_t mask = 0;

        for (unsigned i = from; i < t->n; i++) {
                int id;
                if (strcmp(t->v[i], "-") == 0)
                        continue;
                if (strcmp(t->v[i], "*") == 0 || strcmp(t->v[i], "all") == 0) {
                        for (unsigned k = 0; k < s->cfg.nnodes; k++)
                                mask |= BIT(s->nodes[k].id);
                        continue;
                }
                id = node_id(s, t->v[i]);
                if (id < 0)
                        return scn_fail(s, "unknown node '%s'", t->v[i]);
                mask |= BIT(id);
        }
        *ret = mask;
        return 0;
}

static int do_at(scn_t *s, tokens_t *t)
{
        usec_t d;

        if (t->n != 2)
                return scn_fail(s, "at +T | at T");
        if (parse_time(s, t->v[1][0] == '+' ? t->v[1] + 1 : t->v[1], &d) < 0)
                return -1;
        if (t->v[1][0] == '+')
                s->in.now += d;
        else if (SCN_START + d < s->in.now)
                return scn_fail(s, "at %s: time goes backwards", t->v[1]);
        else
                s->in.now = SCN_START + d;
        return 0;
}

static int do_node(scn_t *s, tokens_t *t)
{
        int id = t->n >= 2 ? node_id(s, t->v[1]) : -1;
        plan_node_t *n;

        if (id < 0)
                return scn_fail(s, "node N key=value...");
        n = &s->in.node[id];
        for (unsigned i = 2; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                const char *k = t->v[i];
                unsigned long u = 0;
                bool b = false;
                int x;

                if (!v)
                        return scn_fail(s, "expected key=value, got '%s'", k);
                if (strcmp(k, "report") == 0) {
                        if (parse_bool(s, v, &b) < 0)
                                return -1;
                        for (unsigned g = 0; b && !n->have_report && g < s->cfg.nrgs; g++)
                                s->in.state[(size_t)g * CONF_MAX_NODES + (unsigned)id] =
                                    RG_S_OFFLINE; /* a new report: holds nothing */
                        n->have_report = b;
                } else if (strcmp(k, "services") == 0) {
                        if ((x = lookup(SERVICES, 4, v)) < 0)
                                return scn_fail(s, "unknown services '%s'", v);
                        n->services = (uint8_t)x;
                } else if (strcmp(k, "net") == 0) {
                        if ((x = lookup(NETS, 3, v)) < 0)
                                return scn_fail(s, "net must be OK, SILENT or NO_CARRIER");
                        n->net = (uint8_t)x;
                        n->net_heard = 0;
                        if (x == NET_OK)
                                for (unsigned k2 = 0; k2 < s->cfg.nnodes; k2++)
                                        if ((int)s->nodes[k2].id != id)
                                                n->net_heard |= BIT(s->nodes[k2].id);
                } else if (strcmp(k, "reach") == 0) {
                        if (strcmp(v, "none") == 0)
                                n->reach = 0;
                        else if (strcmp(v, "no") == 0)
                                n->reach = CSTATE_REACH_TARGETS;
                        else if (strcmp(v, "yes") == 0)
                                n->reach = CSTATE_REACH_TARGETS | CSTATE_REACH_OK;
                        else
                                return scn_fail(s, "reach must be none, no or yes");
                } else if (strcmp(k, "hears") == 0) {
                        tokens_t l = {.n = 0};
                        for (char *name = strtok(v, ","); name && l.n < SCN_MAX_TOK;
                             name = strtok(NULL, ","))
                                l.v[l.n++] = name;
                        if (node_list(s, &l, 0, &n->net_heard) < 0)
                                return -1;
                } else if (strcmp(k, "disk") == 0) {
                        if (parse_bool(s, v, &b) < 0)
                                return -1;
                        n->disk_ok = b;
                } else if (strcmp(k, "repo") == 0) {
                        if (parse_uint(s, v, &u) < 0)
                                return -1;
                        n->repo_index = (uint8_t)u;
                } else if (strcmp(k, "gen") == 0) {
                        if (parse_uint(s, v, &u) < 0)
                                return -1;
                        n->generation = u;
                } else if (strcmp(k, "inc") == 0) {
                        if (parse_uint(s, v, &u) < 0)
                                return -1;
                        n->incarnation = u;
                } else if (strcmp(k, "fenced") == 0 || strcmp(k, "autostart") == 0) {
                        if (parse_bool(s, v, &b) < 0)
                                return -1;
                        if (k[0] == 'f')
                                n->fenced = b;
                        else
                                n->autostart = b;
                } else if (strcmp(k, "answers") == 0) {
                        /* the view its report answers: this one, or an
                         * older one (a report from before it left) */
                        if (strcmp(v, "old") == 0)
                                n->ctl_view = s->in.view_id ? s->in.view_id - 1 : 0;
                        else if (strcmp(v, "current") == 0)
                                n->ctl_view = s->in.view_id;
                        else
                                return scn_fail(s, "answers must be old or current, got '%s'", v);
                } else if (strcmp(k, "heard") == 0) {
                        usec_t ago;
                        s->live[id] = strcmp(v, "live") == 0;
                        if (strcmp(v, "never") == 0)
                                n->last_heard = 0;
                        else if (v[0] == '-') {
                                if (parse_time(s, v + 1, &ago) < 0)
                                        return -1;
                                n->last_heard = s->in.now - ago;
                        } else if (!s->live[id])
                                return scn_fail(s, "heard=live|never|-T, got '%s'", v);
                } else
                        return scn_fail(s, "unknown node key '%s'", k);
        }
        n->report_seq++;
        return 0;
}

static int do_state(scn_t *s, tokens_t *t)
{
        unsigned lo, hi;

        if (t->n < 3 || parse_groups(s, t->v[1], &lo, &hi) < 0)
                return t->n < 3 ? scn_fail(s, "state G N=STATE...") : -1;
        for (unsigned i = 2; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                int id = node_id(s, t->v[i]), x = v ? lookup(STATES, RG_S_COUNT, v) : -1;
                if (id < 0 || x < 0)
                        return scn_fail(s, "expected NODE=STATE, got '%s'", t->v[i]);
                for (unsigned g = lo; g < hi; g++)
                        s->in.state[(size_t)g * CONF_MAX_NODES + (unsigned)id] = (uint8_t)x;
                s->in.node[id].report_seq++;
        }
        return 0;
}

static int do_failed(scn_t *s, tokens_t *t)
{
        unsigned lo, hi;
        uint64_t mask;

        if (t->n < 3 || parse_groups(s, t->v[1], &lo, &hi) < 0)
                return t->n < 3 ? scn_fail(s, "failed G N...|-") : -1;
        if (node_list(s, t, 2, &mask) < 0)
                return -1;
        for (unsigned g = lo; g < hi; g++)
                s->in.failed_here[g] = mask;
        for (int id = 0; id < CONF_MAX_NODES; id++)
                if (mask & BIT(id))
                        s->in.node[id].report_seq++;
        return 0;
}

static int do_ack(scn_t *s, tokens_t *t)
{
        uint64_t mask;

        if (node_list(s, t, 1, &mask) < 0)
                return -1;
        for (int id = 0; id < CONF_MAX_NODES; id++)
                if (mask & BIT(id)) {
                        s->in.node[id].ctl_view = s->in.ctl.view_id;
                        s->in.node[id].ctl_seq = s->in.ctl.ctl_seq;
                        s->in.node[id].report_seq++;
                }
        return 0;
}

static const char *const BOOTS[] = {"KEEP", "START", "MANUAL"};

static int do_want_inc(scn_t *s, tokens_t *t)
{
        for (unsigned i = 1; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                int id = node_id(s, t->v[i]);
                unsigned long u = 0;
                if (id < 0 || !v || parse_uint(s, v, &u) < 0)
                        return scn_fail(s, "expected NODE=INCARNATION, got '%s'", t->v[i]);
                s->in.ctl.want_inc[id] = u;
        }
        return 0;
}

static int do_boot(scn_t *s, tokens_t *t)
{
        for (unsigned i = 1; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                int id = node_id(s, t->v[i]), x = v ? lookup(BOOTS, 3, v) : -1;
                if (id < 0 || x < 0)
                        return scn_fail(s, "expected NODE=KEEP|START|MANUAL, got '%s'", t->v[i]);
                s->in.ctl.boot[id] = (uint8_t)x;
        }
        return 0;
}

static int do_want(scn_t *s, tokens_t *t)
{
        for (unsigned i = 1; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                int id = node_id(s, t->v[i]), x = v ? lookup(WANTS, WANT_COUNT, v) : -1;
                if (id < 0 || x < 0)
                        return scn_fail(s, "expected NODE=WANT, got '%s'", t->v[i]);
                s->in.ctl.want[id] = (uint8_t)x;
        }
        return 0;
}

static int do_ctl(scn_t *s, tokens_t *t)
{
        unsigned lo, hi;

        if (t->n < 3 || parse_groups(s, t->v[1], &lo, &hi) < 0)
                return t->n < 3 ? scn_fail(s, "ctl G key=value...") : -1;
        for (unsigned i = 2; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                const char *k = t->v[i];
                uint16_t node = RGM_NO_NODE;
                bool b = false;

                if (!v)
                        return scn_fail(s, "expected key=value, got '%s'", k);
                if (strcmp(k, "started") == 0) {
                        if (parse_bool(s, v, &b) < 0)
                                return -1;
                } else if (strcmp(k, "admin") == 0) {
                        if (strcmp(v, "auto") && strcmp(v, "offline"))
                                return scn_fail(s, "admin must be auto or offline, got '%s'", v);
                } else if (strcmp(k, "offline_on") == 0 || strcmp(k, "nodes") == 0) {
                        uint64_t m;
                        if (parse_mask(s, v, &m) < 0)
                                return -1;
                        for (unsigned g = lo; g < hi; g++)
                                *(k[0] == 'n' ? &s->in.ctl.cnodes[g] : &s->in.ctl.coffline[g]) = m;
                        continue;
                } else if (parse_node_or_none(s, v, &node) < 0) {
                        return -1;
                }
                for (unsigned g = lo; g < hi; g++) {
                        rgm_ctl_t *c = &s->in.ctl.ctl[g];
                        if (strcmp(k, "started") == 0)
                                c->started = b;
                        else if (strcmp(k, "admin") == 0)
                                c->admin = strcmp(v, "auto") ? RGM_ADMIN_OFFLINE : RGM_ADMIN_AUTO;
                        else if (strcmp(k, "pol") == 0)
                                c->pol_node = node;
                        else if (strcmp(k, "move") == 0)
                                c->move_node = node;
                        else if (strcmp(k, "last") == 0)
                                c->last_node = node;
                        else if (strcmp(k, "target") == 0)
                                s->in.ctl.target[g] = node;
                        else
                                return scn_fail(s, "unknown ctl key '%s'", k);
                }
        }
        return 0;
}

static int do_command(scn_t *s, tokens_t *t)
{
        static const char *const OPS[] = {"online", "offline", "move"};
        static const char *const OP_NAMES[] = {"rg_online", "rg_offline", "rg_move"};
        unsigned lo, hi;
        int op = t->n >= 3 ? lookup(OPS, 3, t->v[2]) : -1, node = -1;
        bool refused = false;
        char err[512];

        if (op < 0 || parse_groups(s, t->v[1], &lo, &hi) < 0 || hi != lo + 1)
                return scn_fail(s, "command G online|offline|move [node=N] [refused=1]");
        for (unsigned i = 3; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                if (v && strcmp(t->v[i], "node") == 0 && (node = node_id(s, v)) >= 0)
                        continue;
                if (v && strcmp(t->v[i], "refused") == 0 && parse_bool(s, v, &refused) == 0)
                        continue;
                return scn_fail(s, "command: bad argument '%s'", t->v[i]);
        }
        cstate_ctl_t before = s->in.ctl;
        int r = plan_concurrent_command(&s->in.ctl, &s->cfg, lo, OP_NAMES[op], node, false, err,
                                        sizeof(err));
        if (refused != (r < 0))
                return scn_fail(s, "command %s %s: %s", t->v[1], t->v[2],
                                r < 0 ? err : "accepted, expected refused");
        if (r < 0 && memcmp(&before, &s->in.ctl, sizeof(before)) != 0)
                return scn_fail(s, "command %s %s refused but changed the control state", t->v[1],
                                t->v[2]);
        if (r < 0 && !strstr(err, s->rgs[lo].name))
                return scn_fail(s, "the refusal does not name the group: %s", err);
        return 0;
}

static int do_flag(scn_t *s, tokens_t *t, bool *ret)
{
        if (t->n != 2)
                return scn_fail(s, "%s 0|1", t->v[0]);
        return parse_bool(s, t->v[1], ret);
}

static int do_repo(scn_t *s, tokens_t *t)
{
        unsigned long u;

        if (strcmp(t->v[0], "repo_index") == 0) {
                if (t->n != 2 || parse_uint(s, t->v[1], &u) < 0)
                        return t->n != 2 ? scn_fail(s, "repo_index K") : -1;
                s->in.ctl.repo_index = (uint8_t)u;
                return 0;
        }
        s->in.repo_bad = 0;
        for (unsigned i = 1; i < t->n; i++) {
                if (strcmp(t->v[i], "-") == 0)
                        continue;
                if (parse_uint(s, t->v[i], &u) < 0 || u >= 32)
                        return scn_fail(s, "repo_bad K...|- (K < 32)");
                s->in.repo_bad |= 1u << u;
        }
        return 0;
}

/* ---- running and checking ---- */

static void run(scn_t *s)
{
        for (unsigned g = 0; g < s->cfg.nrgs; g++)
                for (int id = 0; id < CONF_MAX_NODES; id++)
                        if (!s->in.node[id].have_report)
                                s->in.state[(size_t)g * CONF_MAX_NODES + (unsigned)id] =
                                    RG_S_UNKNOWN;
        for (int id = 0; id < CONF_MAX_NODES; id++) {
                plan_node_t *n = &s->in.node[id];
                n->held = 0;
                for (unsigned g = 0; g < s->cfg.nrgs; g++) {
                        uint8_t st = s->in.state[(size_t)g * CONF_MAX_NODES + (unsigned)id];
                        n->held += st == RG_S_ONLINE || st == RG_S_ACQUIRING ||
                                   st == RG_S_RELEASING || st == RG_S_ERROR;
                }
                if (s->live[id])
                        n->last_heard = s->in.now;
        }
        s->in.detect_usec = s->cfg.hb_freq_usec + s->cfg.grace_usec;
        s->in.wall = s->wall_base + (int64_t)((s->in.now - s->wall_mono) / USEC_PER_SEC);
        plan(&s->in, &s->out);
        s->ran = true;
}

/* The decision log entry of group g (every group has one per run). */
static const plan_entry_t *group_entry(const scn_t *s, unsigned g)
{
        for (unsigned k = 0; k < s->out.nlog; k++)
                if (s->out.log[k].group == (int)g && s->out.log[k].code != PLAN_WHY_POISON_PILL)
                        return &s->out.log[k];
        return NULL;
}

static int check(scn_t *s, const char *what, const char *key, const char *want, const char *got)
{
        if (strcmp(want, got) == 0)
                return 0;
        return scn_fail(s, "%s: %s expected %s, got %s", what, key, want, got);
}

static int expect_group(scn_t *s, tokens_t *t)
{
        unsigned lo, hi;

        if (parse_groups(s, t->v[1], &lo, &hi) < 0)
                return -1;
        for (unsigned i = 2; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                const char *k = t->v[i];

                if (!v)
                        return scn_fail(s, "expected key=value, got '%s'", k);
                for (unsigned g = lo; g < hi; g++) {
                        const rgm_ctl_t *c = &s->out.ctl.ctl[g];
                        const plan_entry_t *e = group_entry(s, g);
                        static const char *const TIMERS[] = {"none", "settling", "fallback"};
                        const char *got;
                        char what[160], at[32], names[256];

                        snprintf(what, sizeof(what), "%s (target %s, why %s)", s->rgs[g].name,
                                 node_name(s, s->out.ctl.target[g]),
                                 e ? plan_why_name((plan_why_t)e->code) : "none");
                        if (strcmp(k, "target") == 0)
                                got = node_name(s, s->out.ctl.target[g]);
                        else if (strcmp(k, "why") == 0)
                                got = e ? plan_why_name((plan_why_t)e->code) : "none";
                        else if (strcmp(k, "changed") == 0)
                                got = e && e->changed ? "1" : "0";
                        else if (strcmp(k, "started") == 0)
                                got = c->started ? "1" : "0";
                        else if (strcmp(k, "last") == 0)
                                got = node_name(s, c->last_node);
                        else if (strcmp(k, "pol") == 0)
                                got = node_name(s, c->pol_node);
                        else if (strcmp(k, "move") == 0)
                                got = node_name(s, c->move_node);
                        else if (strcmp(k, "admin") == 0)
                                got = c->admin == RGM_ADMIN_OFFLINE ? "offline" : "auto";
                        else if (strcmp(k, "waits") == 0)
                                got = e && e->waits >= 0 ? s->rgs[e->waits].name : "-";
                        else if (strcmp(k, "nodes") == 0)
                                got = mask_names(s, s->out.ctl.cnodes[g], names, sizeof(names));
                        else if (strcmp(k, "offline_on") == 0)
                                got = mask_names(s, s->out.ctl.coffline[g], names, sizeof(names));
                        else if (strcmp(k, "timer") == 0)
                                got = TIMERS[s->out.timer[g].kind % 3];
                        else if (strcmp(k, "timer_node") == 0)
                                got =
                                    s->out.timer[g].kind ? node_name(s, s->out.timer[g].node) : "-";
                        else if (strcmp(k, "timer_at") == 0) {
                                if (s->out.timer[g].at)
                                        plan_wall_format(s->out.timer[g].at, at, sizeof(at));
                                got = s->out.timer[g].at ? at : "never";
                        } else
                                return scn_fail(s, "unknown expect key '%s'", k);
                        if (check(s, what, k, v, got) < 0)
                                return -1;
                }
        }
        return 0;
}

static int expect_node(scn_t *s, tokens_t *t)
{
        int id = t->n >= 3 ? node_id(s, t->v[2]) : -1;
        char num[32];

        if (id < 0)
                return scn_fail(s, "expect node N key=value...");
        for (unsigned i = 3; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                const char *k = t->v[i], *got;

                if (!v)
                        return scn_fail(s, "expected key=value, got '%s'", k);
                if (strcmp(k, "want") == 0)
                        got = s->out.ctl.want[id] < WANT_COUNT ? WANTS[s->out.ctl.want[id]] : "?";
                else if (strcmp(k, "net_down") == 0)
                        got = s->out.mem.net_down & BIT(id) ? "1" : "0";
                else if (strcmp(k, "want_inc") == 0) {
                        snprintf(num, sizeof(num), "%llu",
                                 (unsigned long long)s->out.ctl.want_inc[id]);
                        got = num;
                } else if (strcmp(k, "boot") == 0)
                        got = s->out.ctl.boot[id] <= BOOT_MANUAL ? BOOTS[s->out.ctl.boot[id]] : "?";
                else
                        return scn_fail(s, "unknown expect node key '%s'", k);
                if (check(s, t->v[2], k, v, got) < 0)
                        return -1;
        }
        return 0;
}

static int expect_cluster(scn_t *s, tokens_t *t)
{
        for (unsigned i = 2; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                const char *k = t->v[i], *got;
                char buf[64];

                if (!v)
                        return scn_fail(s, "expected key=value, got '%s'", k);
                if (strcmp(k, "valid") == 0)
                        got = s->out.ctl.targets_valid ? "1" : "0";
                else if (strcmp(k, "stable") == 0)
                        got = s->out.ctl.stable ? "1" : "0";
                else if (strcmp(k, "publish") == 0)
                        got = s->out.publish ? "1" : "0";
                else if (strcmp(k, "lease") == 0)
                        got = node_name(s, s->out.lease_candidate);
                else if (strcmp(k, "arr") == 0) {
                        snprintf(buf, sizeof(buf), "%d", s->out.arr_switch);
                        got = s->out.arr_switch == PLAN_NONE ? "-" : buf;
                } else if (strcmp(k, "wakeup") == 0) {
                        usec_t w = s->out.next_wakeup;
                        if (w == USEC_INFINITY)
                                got = "never";
                        else if (w < s->in.now)
                                got = "past";
                        else {
                                snprintf(buf, sizeof(buf), "+%llums",
                                         (unsigned long long)((w - s->in.now) / USEC_PER_MSEC));
                                got = buf;
                        }
                } else
                        return scn_fail(s, "unknown expect cluster key '%s'", k);
                if (check(s, "cluster", k, v, got) < 0)
                        return -1;
        }
        return 0;
}

static int do_simulate(scn_t *s, tokens_t *t)
{
        plan_sim_event_t ev = t->n >= 3 ? plan_sim_event_by_name(t->v[1]) : PLAN_SIM_COUNT;
        int node = t->n >= 3 ? node_id(s, t->v[2]) : -1, group = -1, r;
        bool refused = false;

        if (ev == PLAN_SIM_COUNT || node < 0)
                return scn_fail(s, "simulate EVENT N [group=G] [refused=1]");
        for (unsigned i = 3; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                unsigned lo, hi;

                if (v && strcmp(t->v[i], "group") == 0 && parse_groups(s, v, &lo, &hi) == 0)
                        group = (int)lo;
                else if (v && strcmp(t->v[i], "refused") == 0)
                        refused = strcmp(v, "1") == 0;
                else
                        return scn_fail(s, "bad simulate argument '%s'", t->v[i]);
        }
        /* the coordinator's view: its last snapshot with its last decision */
        memcpy(&s->sim_from, &s->in, sizeof(s->sim_from));
        memcpy(&s->sim_from.ctl, &s->out.ctl, sizeof(s->sim_from.ctl));
        memcpy(&s->sim_from.mem, &s->out.mem, sizeof(s->sim_from.mem));
        r = plan_simulate(&s->sim_from, ev, node, group, &s->sim_in, &s->sim_out, &s->sim);
        s->have_sim = r == 0;
        if ((r < 0) != refused)
                return scn_fail(s, "simulate %s %s: %s", t->v[1], t->v[2],
                                r < 0 ? "refused" : "not refused");
        return 0;
}

static int expect_sim(scn_t *s, tokens_t *t)
{
        const plan_sim_result_t *m = &s->sim;

        if (!s->have_sim)
                return scn_fail(s, "expect sim: no simulate directive ran");
        if (strcmp(t->v[2], "node") == 0) {
                int id = t->n >= 5 ? node_id(s, t->v[3]) : -1;
                char *v = t->n >= 5 ? scn_split_kv(t->v[4]) : NULL;
                plan_why_t code = v ? plan_why_by_name(v) : PLAN_WHY_COUNT;

                if (id < 0 || !v || strcmp(t->v[4], "code") || code == PLAN_WHY_COUNT)
                        return scn_fail(s, "expect sim node N code=CODE");
                if (!(m->node_codes[id] & (UINT64_C(1) << code)))
                        return scn_fail(s, "simulation: node %s never got %s", t->v[3], v);
                return 0;
        }
        for (unsigned i = 3; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                const char *k = t->v[i];
                unsigned lo = 0, hi = 0;

                if (!v)
                        return scn_fail(s, "expected key=value, got '%s'", k);
                if (strcmp(t->v[2], "cluster") == 0) {
                        const char *got;
                        if (strcmp(k, "settled") == 0)
                                got = m->settled ? "1" : "0";
                        else if (strcmp(k, "quorate") == 0)
                                got = m->quorate ? "1" : "0";
                        else
                                return scn_fail(s, "unknown expect sim cluster key '%s'", k);
                        if (check(s, "simulation", k, v, got) < 0)
                                return -1;
                        continue;
                }
                if (parse_groups(s, t->v[2], &lo, &hi) < 0)
                        return -1;
                for (unsigned g = lo; g < hi; g++) {
                        char what[160];
                        const char *got;

                        snprintf(what, sizeof(what), "simulation of %s (%s -> %s, why %s)",
                                 s->rgs[g].name, node_name(s, m->before[g]),
                                 node_name(s, m->after[g]), plan_why_name((plan_why_t)m->code[g]));
                        if (strcmp(k, "after") == 0)
                                got = node_name(s, m->after[g]);
                        else if (strcmp(k, "why") == 0)
                                got = plan_why_name((plan_why_t)m->code[g]);
                        else if (strcmp(k, "changed") == 0)
                                got = m->changed[g] ? "1" : "0";
                        else
                                return scn_fail(s, "unknown expect sim key '%s'", k);
                        if (check(s, what, k, v, got) < 0)
                                return -1;
                }
        }
        return 0;
}

static int do_expect(scn_t *s, tokens_t *t)
{
        if (t->n < 3)
                return scn_fail(s, "expect G|node N|cluster key=value...");
        if (strcmp(t->v[1], "sim") == 0)
                return t->n >= 4 ? expect_sim(s, t) : scn_fail(s, "expect sim G|cluster|node ...");
        if (strcmp(t->v[1], "node") == 0)
                return expect_node(s, t);
        if (strcmp(t->v[1], "cluster") == 0)
                return expect_cluster(s, t);
        return expect_group(s, t);
}

static void dump_log(const scn_t *s, char *buf, size_t len)
{
        size_t o = 0;

        buf[0] = '\0';
        for (unsigned k = 0; k < s->out.nlog && o + 40 < len; k++) {
                const plan_entry_t *e = &s->out.log[k];
                int n = snprintf(buf + o, len - o, " %s(%s,%d)", plan_why_name((plan_why_t)e->code),
                                 e->group >= 0 ? s->rgs[e->group].name : "-", e->node);
                if (n < 0)
                        break;
                o += (size_t)n;
        }
}

static int do_log(scn_t *s, tokens_t *t, bool present)
{
        plan_why_t code = t->n >= 2 ? plan_why_by_name(t->v[1]) : PLAN_WHY_COUNT;
        int group = -2, node = -2;
        bool found = false;
        char buf[256];

        if (code == PLAN_WHY_COUNT)
                return scn_fail(s, "%s CODE [group=G] [node=N|K]: unknown code", t->v[0]);
        for (unsigned i = 2; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                unsigned lo, hi;
                unsigned long u;

                if (v && strcmp(t->v[i], "group") == 0 && parse_groups(s, v, &lo, &hi) == 0)
                        group = (int)lo;
                else if (v && strcmp(t->v[i], "node") == 0 && node_id(s, v) >= 0)
                        node = node_id(s, v);
                else if (v && strcmp(t->v[i], "node") == 0 && parse_uint(s, v, &u) == 0)
                        node = (int)u;
                else
                        return scn_fail(s, "bad %s argument '%s'", t->v[0], t->v[i]);
        }
        for (unsigned k = 0; k < s->out.nlog; k++) {
                const plan_entry_t *e = &s->out.log[k];
                found = found || (e->code == code && (group == -2 || e->group == group) &&
                                  (node == -2 || e->node == node));
        }
        if (found == present)
                return 0;
        dump_log(s, buf, sizeof(buf));
        return scn_fail(s, "%s %s: decision log was:%s", t->v[0], t->v[1], buf);
}

static int end_step(scn_t *s)
{
        if (s->step_in && !s->step_exp)
                return scn_fail(s, "step has inputs but no expect");
        if (s->step_exp)
                s->nsteps++;
        return 0;
}

static int do_line(scn_t *s, tokens_t *t)
{
        static const char *const inputs[] = {
            "at",       "members", "quorate", "agreed",      "node",       "state",
            "ack",      "want",    "ctl",     "home_only",   "repo_index", "repo_bad",
            "want_inc", "boot",    "wall",    "fallback_at", "failed",     "command"};
        const char *d = t->v[0];
        bool input = lookup(inputs, sizeof(inputs) / sizeof(inputs[0]), d) >= 0;
        bool checks = !strcmp(d, "expect") || !strcmp(d, "log") || !strcmp(d, "nolog") ||
                      !strcmp(d, "simulate");

        if (input) {
                if (s->step_exp)
                        return scn_fail(s, "'%s' after expect: start a new step", d);
                s->step_in = true;
                s->ran = false;
        }
        if ((!strcmp(d, "nodes") || !strcmp(d, "group") || !strcmp(d, "config") ||
             !strcmp(d, "timer") || !strcmp(d, "parent") || !strcmp(d, "same") ||
             !strcmp(d, "different") || !strcmp(d, "start_after") || !strcmp(d, "stop_after")) &&
            (s->step_in || s->step_exp || s->nsteps))
                return scn_fail(s, "'%s' must come before any step", d);
        if (checks) {
                if (!s->cfg.nnodes)
                        return scn_fail(s, "no nodes");
                if (!s->ran)
                        run(s);
                s->step_exp = true;
                s->nexpects++;
        }
        if (!strcmp(d, "config"))
                return do_config(s, t);
        if (!strcmp(d, "nodes"))
                return do_nodes(s, t);
        if (!strcmp(d, "group"))
                return do_group(s, t);
        if (!strcmp(d, "at"))
                return do_at(s, t);
        if (!strcmp(d, "timer"))
                return do_timer(s, t);
        if (!strcmp(d, "parent") || !strcmp(d, "start_after") || !strcmp(d, "stop_after"))
                return do_parent(s, t);
        if (!strcmp(d, "same") || !strcmp(d, "different"))
                return do_location(s, t, !strcmp(d, "same"));
        if (!strcmp(d, "wall"))
                return do_wall(s, t);
        if (!strcmp(d, "fallback_at"))
                return do_fallback_at(s, t);
        if (!strcmp(d, "members"))
                return node_list(s, t, 1, &s->in.members);
        if (!strcmp(d, "quorate"))
                return do_flag(s, t, &s->in.quorate);
        if (!strcmp(d, "agreed"))
                return do_flag(s, t, &s->in.view_agreed);
        if (!strcmp(d, "node"))
                return do_node(s, t);
        if (!strcmp(d, "state"))
                return do_state(s, t);
        if (!strcmp(d, "ack"))
                return do_ack(s, t);
        if (!strcmp(d, "failed"))
                return do_failed(s, t);
        if (!strcmp(d, "want_inc"))
                return do_want_inc(s, t);
        if (!strcmp(d, "boot"))
                return do_boot(s, t);
        if (!strcmp(d, "want"))
                return do_want(s, t);
        if (!strcmp(d, "ctl"))
                return do_ctl(s, t);
        if (!strcmp(d, "command"))
                return do_command(s, t);
        if (!strcmp(d, "home_only"))
                return do_flag(s, t, &s->in.ctl.home_only);
        if (!strcmp(d, "repo_index") || !strcmp(d, "repo_bad"))
                return do_repo(s, t);
        if (!strcmp(d, "expect"))
                return do_expect(s, t);
        if (!strcmp(d, "simulate"))
                return do_simulate(s, t);
        if (!strcmp(d, "log") || !strcmp(d, "nolog"))
                return do_log(s, t, !strcmp(d, "log"));
        if (!strcmp(d, "step")) {
                if (end_step(s) < 0)
                        return -1;
                if (s->ran) {
                        /* the coordinator applies the output */
                        memcpy(&s->in.ctl, &s->out.ctl, sizeof(s->in.ctl));
                        memcpy(&s->in.mem, &s->out.mem, sizeof(s->in.mem));
                }
                s->ran = s->step_in = s->step_exp = false;
                return 0;
        }
        return scn_fail(s, "unknown directive '%s'", d);
}

/* Runs one scenario held in text (modified in place). Returns 0, or -1 with
 * s->err naming file and line. s is caller-owned, reset here. */
static int scn_run_text(scn_t *s, const char *file, char *text)
{
        char *line, *next;
        tokens_t t;

        memset(s, 0, sizeof(*s));
        s->file = file;
        s->cfg.nodes = s->nodes;
        s->cfg.rgs = s->rgs;
        s->cfg.timers = s->timers;
        s->cfg.deps = s->deps;
        s->cfg.generation = 1;
        s->cfg.hb_interval_usec = 100 * USEC_PER_MSEC;
        s->cfg.hb_freq_usec = 300 * USEC_PER_MSEC;
        s->cfg.grace_usec = 100 * USEC_PER_MSEC;
        s->cfg.net_fdt_usec = 200 * USEC_PER_MSEC;
        s->in.cfg = &s->cfg;
        s->in.now = SCN_START;
        s->wall_base = parse_wall("2026-12-04 12:00");
        s->wall_mono = SCN_START;
        s->in.have_view = true;
        s->in.view_id = 1;
        s->in.quorate = true;
        s->in.view_agreed = true;
        s->in.ctl.view_id = 1;
        s->in.ctl.ctl_seq = 1;
        s->in.ctl.generation = 1;
        plan_memory_init(&s->in.mem);

        for (line = text; line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                s->line++;
                if (tokenize(s, line, &t) < 0)
                        return -1;
                if (t.n > 0 && do_line(s, &t) < 0)
                        return -1;
        }
        if (end_step(s) < 0)
                return -1;
        if (s->nexpects == 0)
                return scn_fail(s, "no expect in scenario");
        return 0;
}

/* ---- tests: the calendar of fallback timers ---- */

static int64_t W(const char *v)
{
        int64_t w = parse_wall(v);

        if (w < 0)
                fail_msg("bad time %s", v);
        return w;
}

static void expect_next(const conf_fallback_timer_t *t, const char *after, const char *want)
{
        int64_t n = plan_timer_next(t, W(after));
        char got[32] = "never";

        if (n)
                plan_wall_format(n, got, sizeof(got));
        if (strcmp(got, want) != 0)
                fail_msg("timer %s after %s: expected %s, got %s", t->name, after, want, got);
}

#define TIMER(rep, y, mo, d, wd, h, mi)                                                            \
        (conf_fallback_timer_t)                                                                    \
        {                                                                                          \
                .name = #rep, .repeats = CONF_REPEATS_##rep, .year = y, .month = mo,               \
                .day_of_month = d, .day_of_week = wd, .hour = h, .minute = mi                      \
        }

/* Next occurrence strictly after a time: daily, weekly (0 = Sunday),
 * monthly past month ends, yearly on 29 February (leap years, 2100 is
 * not one), once (past: never), and the format. */
static void test_timer_next(void **state)
{
        conf_fallback_timer_t daily = TIMER(DAILY, -1, -1, -1, -1, 2, 0);
        conf_fallback_timer_t weekly = TIMER(WEEKLY, -1, -1, -1, 0, 3, 30); /* Sunday */
        conf_fallback_timer_t m31 = TIMER(MONTHLY, -1, -1, 31, -1, 0, 0);
        conf_fallback_timer_t m29 = TIMER(MONTHLY, -1, -1, 29, -1, 23, 59);
        conf_fallback_timer_t feb29 = TIMER(YEARLY, -1, 2, 29, -1, 12, 0);
        conf_fallback_timer_t xmas = TIMER(YEARLY, -1, 12, 25, -1, 1, 0);
        conf_fallback_timer_t once = TIMER(ONCE, 2027, 3, 1, -1, 4, 5);
        char buf[32];

        (void)state;
        expect_next(&daily, "2026-12-04 12:00", "2026-12-05 02:00");
        expect_next(&daily, "2026-12-04 01:59", "2026-12-04 02:00");
        expect_next(&daily, "2026-12-04 02:00", "2026-12-05 02:00"); /* strictly after */
        expect_next(&daily, "2026-12-31 23:00", "2027-01-01 02:00");
        expect_next(&weekly, "2026-12-04 12:00", "2026-12-06 03:30"); /* a Friday */
        expect_next(&weekly, "2026-12-06 03:30", "2026-12-13 03:30");
        expect_next(&weekly, "2026-12-06 03:29", "2026-12-06 03:30");
        expect_next(&m31, "2026-12-04 12:00", "2026-12-31 00:00");
        expect_next(&m31, "2027-01-31 00:00", "2027-03-31 00:00"); /* no 31 February */
        expect_next(&m31, "2027-03-31 00:01", "2027-05-31 00:00"); /* nor 31 April */
        expect_next(&m29, "2027-01-30 00:00", "2027-03-29 23:59"); /* 2027 is no leap year */
        expect_next(&m29, "2028-01-30 00:00", "2028-02-29 23:59");
        expect_next(&feb29, "2026-12-04 12:00", "2028-02-29 12:00");
        expect_next(&feb29, "2028-02-29 12:00", "2032-02-29 12:00");
        expect_next(&feb29, "2097-01-01 00:00", "2104-02-29 12:00"); /* 2100 is not leap */
        expect_next(&xmas, "2026-12-25 00:59", "2026-12-25 01:00");
        expect_next(&xmas, "2026-12-25 01:00", "2027-12-25 01:00");
        expect_next(&once, "2026-12-04 12:00", "2027-03-01 04:05");
        expect_next(&once, "2027-03-01 04:05", "never");
        once.day_of_month = 29;
        once.month = 2; /* 29 February 2027 does not exist */
        expect_next(&once, "2026-12-04 12:00", "never");
        plan_wall_format(0, buf, sizeof(buf));
        assert_string_equal(buf, "1970-01-01 00:00");
        plan_wall_format(W("2000-02-29 23:59"), buf, sizeof(buf));
        assert_string_equal(buf, "2000-02-29 23:59");
}

/* ---- tests: scenarios ---- */

static void test_scenarios(void **state)
{
        const char *root = getenv("HAMR_SOURCE_ROOT");
        struct dirent **ents = NULL;
        char dir[4096];
        unsigned failed = 0, steps = 0, expects = 0;
        int n;
        scn_t *s = calloc(1, sizeof(*s));

        (void)state;
        assert_non_null(s);
        snprintf(dir, sizeof(dir), "%s/tests/scenarios/plan", root ? root : "../..");
        n = scandir(dir, &ents, scn_is_scn, alphasort);
        if (n < 0)
                fail_msg("cannot read %s (set HAMR_SOURCE_ROOT)", dir);
        for (int i = 0; i < n; i++) {
                char path[4600];
                char *text;

                snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
                text = scn_read_all(path);
                if (!text) {
                        print_error("%s: cannot read\n", path);
                        failed++;
                } else if (scn_run_text(s, ents[i]->d_name, text) < 0) {
                        print_error("FAIL %s\n", s->err);
                        failed++;
                } else {
                        steps += s->nsteps;
                        expects += s->nexpects;
                }
                free(text);
                free(ents[i]);
        }
        free(ents);
        free(s);
        print_message("%d plan scenarios, %u steps, %u checks, %u failed\n", n, steps, expects,
                      failed);
        assert_int_equal(failed, 0);
        assert_true(n >= 9);
}

/* The interpreter reports a wrong expectation with file and line. */
static void test_scenario_reports_mismatch(void **state)
{
        char text[] = "nodes a b\n"
                      "group g nodes=a,b\n"
                      "expect g target=a why=STARTUP_HOME\n"
                      "step\n"
                      "at +1s\n"
                      "expect g target=b   # wrong on purpose\n";
        char badlog[] = "nodes a b\ngroup g nodes=a,b\nlog POISON_PILL\n";
        char bad[] = "nodes a\nbogus\n";
        char noexp[] = "nodes a\ngroup g nodes=a\nat +1s\n";
        scn_t *s = calloc(1, sizeof(*s));

        (void)state;
        assert_non_null(s);
        assert_int_equal(scn_run_text(s, "t.scn", text), -1);
        /* a, published in step 1, has not been answered yet */
        assert_non_null(
            strstr(s->err, "t.scn:6: g (target a, why PENDING_ANSWERS): target expected b, got a"));
        assert_int_equal(scn_run_text(s, "t.scn", badlog), -1);
        assert_non_null(strstr(s->err, "t.scn:3: log POISON_PILL: decision log was:"));
        assert_non_null(strstr(s->err, "STARTUP_HOME(g,0)"));
        assert_int_equal(scn_run_text(s, "t.scn", bad), -1);
        assert_non_null(strstr(s->err, "t.scn:2: unknown directive"));
        assert_int_equal(scn_run_text(s, "t.scn", noexp), -1);
        free(s);
}

/* ---- tests: direct ---- */

/* Every reason has a name and a text; names round-trip; the scheduler's
 * strings map to their codes. */
static void test_why_table(void **state)
{
        (void)state;
        for (unsigned k = 1; k < PLAN_WHY_COUNT; k++) {
                assert_true(strlen(plan_why_name((plan_why_t)k)) > 0);
                assert_true(strlen(plan_why_str((plan_why_t)k)) > 0);
                assert_int_equal(plan_why_by_name(plan_why_name((plan_why_t)k)), k);
                for (unsigned j = 1; j < k; j++)
                        assert_string_not_equal(plan_why_str((plan_why_t)k),
                                                plan_why_str((plan_why_t)j));
        }
        assert_int_equal(plan_why_by_name("NOPE"), PLAN_WHY_COUNT);
        assert_string_equal(plan_why_str(PLAN_WHY_COUNT), "?");
        assert_int_equal(plan_why_of_rgm("waiting for release"), PLAN_WHY_WAIT_RELEASE);
        assert_int_equal(plan_why_of_rgm("startup on home node"), PLAN_WHY_STARTUP_HOME);
        assert_int_equal(plan_why_of_rgm("revoking the previous target first"), PLAN_WHY_NONE);
        assert_int_equal(plan_why_of_rgm(NULL), PLAN_WHY_NONE);
}

/* Every reason the scheduler gives has a code (so that the decision log
 * never holds NONE for a group): run the scheduler over random inputs. */
static void test_every_rgm_reason_has_a_code(void **state)
{
        static conf_rg_t rgs[4];
        static uint8_t st[4 * CONF_MAX_NODES];
        hamr_config_t cfg = {.rgs = rgs, .nrgs = 4};
        rgm_ctl_t ctl[4];
        rgm_output_t out[4];
        unsigned seed = 7;

        (void)state;
        for (unsigned g = 0; g < 4; g++) {
                rgs[g].nnodes = 3;
                for (unsigned k = 0; k < 3; k++)
                        rgs[g].nodes[k] = k;
                rgs[g].startup = g & 1 ? RG_STARTUP_OFAN : RG_STARTUP_OHN;
                rgs[g].fallback = g & 2 ? RG_FALLBACK_FBHPN : RG_FALLBACK_NFB;
                rgs[g].nsips = g & 1;
        }
        for (int round = 0; round < 5000; round++) {
                for (unsigned k = 0; k < sizeof(st); k++)
                        st[k] = (uint8_t)((seed = seed * 1103515245u + 12345u) >> 16) % RG_S_COUNT;
                for (unsigned g = 0; g < 4; g++) {
                        unsigned r = (seed = seed * 1103515245u + 12345u) >> 8;
                        ctl[g] = (rgm_ctl_t){.admin = r % 5 == 0,
                                             .pol_node = r & 8 ? (uint16_t)(r % 3) : RGM_NO_NODE,
                                             .move_node = r & 16 ? (uint16_t)(r % 3) : RGM_NO_NODE,
                                             .last_node = RGM_NO_NODE,
                                             .started = r & 32};
                }
                rgm_input_t in = {.cfg = &cfg,
                                  .members = seed & 7,
                                  .eligible = (seed >> 3) & 7,
                                  .net_down = (seed >> 6) & 7,
                                  .state = st,
                                  .ctl = ctl,
                                  .home_only = seed & 512};
                rgm_schedule(&in, out);
                for (unsigned g = 0; g < 4; g++)
                        assert_int_not_equal(plan_why_of_rgm(out[g].why), PLAN_WHY_NONE);
        }
}

/* Pure: the same snapshot gives the same output, the input is left as it
 * was, and a later clock with nothing else changed moves only the timers. */
static void test_deterministic(void **state)
{
        char text[] = "nodes n1 n2 n3\n"
                      "group web nodes=n1,n2,n3 sips=1\n"
                      "state web n1=ONLINE\n"
                      "ctl web started=1 target=n1\n"
                      "node n1 net=NO_CARRIER\n"
                      "expect web target=n1\n";
        scn_t *s = calloc(1, sizeof(*s));
        plan_input_t *copy = calloc(1, sizeof(*copy));
        plan_output_t *again = calloc(1, sizeof(*again));

        (void)state;
        assert_non_null(s);
        assert_non_null(copy);
        assert_non_null(again);
        assert_int_equal(scn_run_text(s, "det.scn", text), 0);
        memcpy(copy, &s->in, sizeof(*copy));
        plan(&s->in, again);
        assert_memory_equal(copy, &s->in, sizeof(*copy));
        assert_memory_equal(&again->ctl, &s->out.ctl, sizeof(again->ctl));
        assert_memory_equal(&again->mem, &s->out.mem, sizeof(again->mem));
        assert_int_equal(again->nlog, s->out.nlog);
        assert_int_equal(again->next_wakeup, s->out.next_wakeup);
        free(again);
        free(copy);
        free(s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_timer_next),
            cmocka_unit_test(test_why_table),
            cmocka_unit_test(test_every_rgm_reason_has_a_code),
            cmocka_unit_test(test_deterministic),
            cmocka_unit_test(test_scenario_reports_mismatch),
            cmocka_unit_test(test_scenarios),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
