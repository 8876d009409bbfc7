/* coord: administrator intents on the coordinator, and the planner's
 * snapshot and output (plan() decides, coord applies). */
#include "coord/coord.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/hamr_error.h"
#include "common/hamr_log.h"
#include "plan/plan_concurrent.h"
#include "plan/plan_timers.h"
#include "rgm/rgm.h"

void coord_init(coord_t *c)
{
        memset(c, 0, sizeof(*c));
        plan_memory_init(&c->mem);
        coord_history_init(&c->hist);
        c->arr_switch = PLAN_NONE;
        c->next_wakeup = USEC_INFINITY;
}

static void publish(cstate_t *cs)
{
        cs->ctl.ctl_seq++;
}

/* The control state belongs to the view this node coordinates: a new view
 * carries the previous control state over (it is the cluster's, not the
 * old coordinator's) with targets not valid until every member reported. */
static void adopt_view(cstate_t *cs, const memb_t *m)
{
        cstate_ctl_t *k = &cs->ctl;

        if (cs->have_ctl && k->view_id == m->view.view_id && k->coord == m->self)
                return;
        k->view_id = m->view.view_id;
        k->coord = m->self;
        k->ctl_seq = 1;
        k->targets_valid = false;
        k->stable = false;
        cs->have_ctl = true;
}

int64_t coord_wall_local_ms(void)
{
        struct timespec ts;
        struct tm tm;

        clock_gettime(CLOCK_REALTIME, &ts);
        if (!localtime_r(&ts.tv_sec, &tm))
                tm.tm_gmtoff = 0;
        return ((int64_t)ts.tv_sec + (int64_t)tm.tm_gmtoff) * 1000 + ts.tv_nsec / 1000000;
}

int64_t coord_wall_local(void)
{
        time_t t = time(NULL);
        struct tm tm;

        if (!localtime_r(&t, &tm))
                return (int64_t)t;
        return (int64_t)t + (int64_t)tm.tm_gmtoff;
}

void coord_snapshot(plan_input_t *in, const memb_t *m, const cstate_t *cs, const hamr_config_t *cfg,
                    usec_t now)
{
        in->cfg = cfg;
        in->now = now;
        in->wall = coord_wall_local();
        in->self = m->self;
        in->detect_usec = memb_timeout(m);
        in->have_view = m->have_view;
        in->view_id = m->view.view_id;
        in->members = m->view.members;
        in->quorate = memb_quorate(m, now);
        in->view_agreed = cfg && memb_view_agreed(m, cfg->generation);
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const memb_peer_t *p = &m->peers[i];
                const memb_status_t *ps = memb_peer_status(m, (uint16_t)i);
                const cstate_report_t *st = cstate_report_of(cs, (uint16_t)i);
                plan_node_t *n = &in->node[i];

                memset(n, 0, sizeof(*n));
                n->last_heard =
                    p->last_net_usec > p->last_disk_usec ? p->last_net_usec : p->last_disk_usec;
                n->generation =
                    i == m->self ? (cfg ? cfg->generation : 0) : (ps ? ps->generation : 0);
                if (st) {
                        n->have_report = true;
                        n->report_seq = st->report_seq;
                        n->services = st->services;
                        n->net = st->net;
                        n->net_heard = st->net_heard;
                        n->reach = st->reach;
                        n->disk_ok = st->disk_ok;
                        n->repo_index = st->repo_index;
                        n->fenced = st->fenced;
                        n->autostart = st->autostart;
                        n->incarnation = cs->nodes[i].incarnation;
                        n->ctl_view = st->ctl_view;
                        n->ctl_seq = st->ctl_seq;
                        n->held = cstate_held_count(cs, (uint16_t)i);
                }
                for (unsigned g = 0; cfg && g < cfg->nrgs && g < CONF_MAX_RGS; g++)
                        in->state[(size_t)g * CONF_MAX_NODES + i] =
                            (uint8_t)cstate_group_state(cs, (uint16_t)i, g);
                /* application monitors: groups this node failed (by ID) */
                for (unsigned g = 0; cfg && g < cfg->nrgs && g < CONF_MAX_RGS; g++) {
                        if (i == 0)
                                in->failed_here[g] = 0;
                        for (uint32_t k = 0; st && k < st->ngroups; k++)
                                if (st->groups[k].id == cfg->rgs[g].id && st->groups[k].failed_here)
                                        in->failed_here[g] |= UINT64_C(1) << i;
                }
        }
        memcpy(&in->ctl, &cs->ctl, sizeof(in->ctl));
}

int coord_lease_candidate(coord_t *c, const memb_t *m, const cstate_t *cs, const hamr_config_t *cfg,
                          usec_t now)
{
        if (!cfg)
                return PLAN_NONE;
        coord_snapshot(&c->in, m, cs, cfg, now);
        return plan_lease_candidate(&c->in);
}

static int node_or_none(uint16_t n)
{
        return n == RGM_NO_NODE ? -1 : n;
}

/* Log lines for the decisions that changed. */
static void log_changes(const coord_t *c, const hamr_config_t *cfg)
{
        const plan_output_t *o = &c->out;

        for (unsigned k = 0; k < o->nlog; k++) {
                const plan_entry_t *e = &o->log[k];
                const plan_node_t *n = e->node >= 0 ? &c->in.node[e->node] : NULL;

                switch (e->code) {
                case PLAN_WHY_SELECTIVE_FALLOVER:
                        if (!(c->in.mem.net_down & (1ULL << e->node)))
                                log_info("coord",
                                         "node %d: service network %s, another member's "
                                         "is better: selective fallover",
                                         e->node,
                                         n->net == NET_NO_CARRIER ? "has no carrier"
                                         : (n->reach & CSTATE_REACH_TARGETS) &&
                                                 !(n->reach & CSTATE_REACH_OK)
                                             ? "reaches none of its NETMON_TARGETS"
                                             : "hears nobody");
                        break;
                case PLAN_WHY_POISON_PILL:
                        log_warn("coord",
                                 "node %d: network down and group %s stuck in ERROR: "
                                 "poison pill (reset through the watchdog)",
                                 e->node, cfg->rgs[e->group].name);
                        break;
                case PLAN_WHY_STOP_DONE:
                case PLAN_WHY_FENCE_LEFT:
                        log_info("coord", "node %d: %s", e->node, e->why);
                        break;
                default:
                        if (e->group >= 0 && e->changed)
                                log_info("coord", "group %s target %d -> %d (%s%s%s)",
                                         cfg->rgs[e->group].name, node_or_none(e->prev), e->node,
                                         e->why, e->waits >= 0 ? " " : "",
                                         e->waits >= 0 ? cfg->rgs[e->waits].name : "");
                        break;
                }
        }
}

bool coord_update(coord_t *c, const memb_t *m, cstate_t *cs, const hamr_config_t *cfg, usec_t now)
{
        c->arr_switch = PLAN_NONE;
        c->next_wakeup = USEC_INFINITY;
        if (!cfg || !memb_is_coordinator(m, now) || !m->have_view || m->view.coord != m->self) {
                if (c->hist.since_ms) /* a later coordination starts a new history */
                        coord_history_init(&c->hist);
                return false;
        }
        adopt_view(cs, m);
        coord_snapshot(&c->in, m, cs, cfg, now);
        memcpy(&c->in.mem, &c->mem, sizeof(c->in.mem));
        c->in.repo_bad = c->repo_bad;
        plan(&c->in, &c->out);
        log_changes(c, cfg);
        coord_history_record(&c->hist, &c->in, &c->out, coord_wall_local_ms());
        memcpy(&cs->ctl, &c->out.ctl, sizeof(cs->ctl));
        memcpy(&c->mem, &c->out.mem, sizeof(c->mem));
        c->arr_switch = c->out.arr_switch;
        c->next_wakeup = c->out.next_wakeup;
        return c->out.send;
}

json_t *coord_timers_json(const coord_t *c, const hamr_config_t *cfg)
{
        json_t *arr = json_array();
        unsigned n = 0, more = 0;

        for (unsigned g = 0; cfg && g < c->out.ctl.ngroups && g < CONF_MAX_RGS; g++) {
                const plan_timer_t *t = &c->out.timer[g];
                int rg = hamr_config_rg_by_id(cfg, c->out.ctl.gid[g]);
                int node = hamr_config_node_by_id(cfg, t->node);
                char at[32] = "";

                if (t->kind == PLAN_TIMER_NONE || rg < 0)
                        continue;
                if (n == COORD_MAX_TIMERS) {
                        more++;
                        continue;
                }
                if (t->at)
                        plan_wall_format(t->at, at, sizeof(at));
                json_array_append_new(
                    arr, json_pack("{s:s, s:s, s:s, s:s}", "GROUP", cfg->rgs[rg].name, "KIND",
                                   t->kind == PLAN_TIMER_SETTLING ? "SETTLING" : "FALLBACK", "NODE",
                                   node >= 0 ? cfg->nodes[node].name : "", "AT", at));
                n++;
        }
        return json_pack("{s:b, s:o, s:i}", "ok", 1, "timers", arr, "more", more);
}

static int node_list(const hamr_config_t *cfg, json_t *arr, uint64_t *ret_mask, char *err,
                     size_t errlen)
{
        uint64_t mask = 0;
        size_t i;
        json_t *it;

        if (!arr || json_is_null(arr)) {
                for (unsigned n = 0; n < cfg->nnodes; n++)
                        mask |= 1ULL << cfg->nodes[n].id;
                *ret_mask = mask;
                return 0;
        }
        json_array_foreach(arr, i, it)
        {
                int n = hamr_config_node_by_name(cfg, json_string_value(it) ? json_string_value(it)
                                                                            : "");
                if (n < 0) {
                        snprintf(err, errlen, "node \"%s\" does not exist",
                                 json_string_value(it) ? json_string_value(it) : "?");
                        return -HAMR_E_NOT_FOUND;
                }
                mask |= 1ULL << cfg->nodes[n].id;
        }
        *ret_mask = mask;
        return 0;
}

static bool holds(rg_state_t s)
{
        return s == RG_S_ONLINE || s == RG_S_ACQUIRING;
}

/* WHEN of clmgr start/stop: now (default), restart (at the node's next
 * daemon start, and every one after), both. */
static int when_of(json_t *req, bool *ret_now, bool *ret_restart, char *err, size_t errlen)
{
        const char *when = json_string_value(json_object_get(req, "when"));

        *ret_now = !when || !strcasecmp(when, "now") || !strcasecmp(when, "both");
        *ret_restart = when && (!strcasecmp(when, "restart") || !strcasecmp(when, "both"));
        if (!*ret_now && !*ret_restart) {
                snprintf(err, errlen, "WHEN=\"%s\" is not allowed; allowed: now, restart, both",
                         when);
                return -HAMR_E_BAD_VALUE;
        }
        return 0;
}

/* A member of the view with a report of its current daemon, or NULL. */
static const cstate_node_t *live_member(const cstate_t *cs, uint64_t members, int i)
{
        return (members & (1ULL << i)) && cs->nodes[i].have ? &cs->nodes[i] : NULL;
}

/* DEADMAN_MODE a: every member named must have an armed watchdog. */
static int check_fenced(const cstate_t *cs, const hamr_config_t *cfg, uint64_t members,
                        uint64_t mask, char *err, size_t errlen)
{
        if (cfg->deadman_mode != DMS_MODE_ASSERT)
                return 0;
        for (unsigned n = 0; n < cfg->nnodes; n++) {
                const cstate_node_t *cn = live_member(cs, members, (int)cfg->nodes[n].id);
                if (!(mask & (1ULL << cfg->nodes[n].id)) || !cn || cn->report.fenced)
                        continue;
                snprintf(
                    err, errlen,
                    "node \"%s\": no armed watchdog (hamrd found %s); DEADMAN_MODE=a needs one "
                    "before the node may hold groups: load softdog (modprobe softdog, or "
                    "start hamrd with --watchdog softdog) or use a hardware watchdog, or "
                    "accept running unfenced with: clmgr modify cluster DEADMAN_MODE=e",
                    cfg->nodes[n].name,
                    cn->report.watchdog == CSTATE_WD_NONE
                        ? "no watchdog device"
                        : "a watchdog it could not arm: see its log");
                return -HAMR_E_BUSY;
        }
        return 0;
}

static int cmd_start(coord_t *c, cstate_t *cs, const hamr_config_t *cfg, uint64_t members,
                     json_t *req, char *err, size_t errlen)
{
        cstate_ctl_t *v = &cs->ctl;
        uint64_t mask;
        bool all = !json_is_array(json_object_get(req, "nodes")), now, restart;
        int r = node_list(cfg, json_object_get(req, "nodes"), &mask, err, errlen);

        if (r < 0 || (r = when_of(req, &now, &restart, err, errlen)) < 0 ||
            (now && (r = check_fenced(cs, cfg, members, mask, err, errlen)) < 0))
                return r;
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const cstate_node_t *cn = live_member(cs, members, i);
                if (!(mask & (1ULL << i)))
                        continue;
                if (restart)
                        v->boot[i] = BOOT_START;
                if (!now)
                        continue;
                v->want[i] = WANT_ACTIVE;
                /* for this daemon, or (down now) for its next start */
                v->want_inc[i] = cn ? cn->incarnation : 0;
                for (unsigned g = 0; g < cfg->nrgs; g++)
                        if (c->mem.stopped_by[g] == i && v->ctl[g].admin == RGM_ADMIN_OFFLINE) {
                                v->ctl[g].admin = RGM_ADMIN_AUTO;
                                v->ctl[g].started = false;
                                c->mem.stopped_by[g] = RGM_NO_NODE;
                        }
        }
        if (all && now) {
                /* A cluster start runs every group's startup policy again. */
                for (unsigned g = 0; g < cfg->nrgs; g++) {
                        v->ctl[g].admin = RGM_ADMIN_AUTO;
                        v->ctl[g].pol_node = RGM_NO_NODE;
                        v->ctl[g].move_node = RGM_NO_NODE;
                        v->ctl[g].started = false;
                        v->clear_seq[g]++;
                        c->mem.stopped_by[g] = RGM_NO_NODE;
                }
                v->home_only = json_is_true(json_object_get(req, "home_only"));
        }
        return 0;
}

static int cmd_stop(coord_t *c, cstate_t *cs, const hamr_config_t *cfg, json_t *req, char *err,
                    size_t errlen)
{
        cstate_ctl_t *v = &cs->ctl;
        const char *manage = json_string_value(json_object_get(req, "manage"));
        uint8_t want;
        uint64_t mask;
        bool now, restart;
        int r = node_list(cfg, json_object_get(req, "nodes"), &mask, err, errlen);

        if (r < 0 || (r = when_of(req, &now, &restart, err, errlen)) < 0)
                return r;
        if (!manage || !strcasecmp(manage, "offline"))
                want = WANT_STOP_OFFLINE;
        else if (!strcasecmp(manage, "move"))
                want = WANT_STOP_MOVE;
        else if (!strcasecmp(manage, "unmanage"))
                want = WANT_UNMANAGE;
        else {
                snprintf(err, errlen,
                         "cluster: MANAGE=\"%s\" is not allowed; allowed: offline, move, unmanage",
                         manage);
                return -HAMR_E_BAD_VALUE;
        }
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const cstate_report_t *st = cstate_report_of(cs, (uint16_t)i);
                if (!(mask & (1ULL << i)))
                        continue;
                if (restart)
                        v->boot[i] = BOOT_MANUAL;
                if (!now)
                        continue;
                v->want[i] = want;
                if (want != WANT_STOP_OFFLINE || !st)
                        continue;
                for (unsigned g = 0; g < cfg->nrgs; g++)
                        if (!CONF_RG_CONCURRENT(&cfg->rgs[g]) && /* its instance just goes */
                            (holds(cstate_group_state(cs, (uint16_t)i, g)) || v->target[g] == i)) {
                                v->ctl[g].admin = RGM_ADMIN_OFFLINE;
                                c->mem.stopped_by[g] = (uint16_t)i;
                        }
        }
        return 0;
}

static int group_list(const hamr_config_t *cfg, json_t *arr, int *ret, unsigned *ret_n, char *err,
                      size_t errlen)
{
        size_t i;
        json_t *it;
        unsigned n = 0;

        if (!json_is_array(arr) || json_array_size(arr) == 0) {
                snprintf(err, errlen, "resource_group: a group name is required");
                return -HAMR_E_MISSING;
        }
        json_array_foreach(arr, i, it)
        {
                const char *name = json_string_value(it) ? json_string_value(it) : "";
                int g = hamr_config_rg_by_name(cfg, name);
                if (g < 0) {
                        snprintf(err, errlen, "resource_group \"%s\" does not exist", name);
                        return -HAMR_E_NOT_FOUND;
                }
                if (n < CONF_MAX_RGS)
                        ret[n++] = g;
        }
        *ret_n = n;
        return 0;
}

static bool rg_has_node(const conf_rg_t *rg, uint32_t id)
{
        for (unsigned k = 0; k < rg->nnodes; k++)
                if (rg->nodes[k] == id)
                        return true;
        return false;
}

static bool app_monitored(const hamr_config_t *cfg, int a)
{
        for (unsigned i = 0; i < cfg->nappmons; i++)
                for (unsigned k = 0; k < cfg->appmons[i].napps; k++)
                        if (cfg->appmons[i].apps[k] == a)
                                return true;
        return false;
}

/* app_suspend / app_resume: "applications" names application controllers
 * (or is ["ALL"]: every monitored one). All-or-nothing: every name is
 * checked before the control state changes. Names of controllers no longer
 * configured are dropped on the way. */
static int cmd_suspend(cstate_t *cs, const hamr_config_t *cfg, json_t *req, bool on, char *err,
                       size_t errlen)
{
        static cstate_ctl_t next;
        json_t *arr = json_object_get(req, "applications"), *it;
        bool all = false;
        size_t i;

        if (!json_is_array(arr) || json_array_size(arr) == 0) {
                snprintf(err, errlen, "application_controller: a name is required");
                return -HAMR_E_MISSING;
        }
        next = cs->ctl;
        for (unsigned k = next.nsuspended; k-- > 0;) {
                bool known = false;
                for (unsigned a = 0; a < cfg->nappctls && !known; a++)
                        known = strcmp(cfg->appctls[a].name, next.suspended[k]) == 0;
                if (!known)
                        cstate_ctl_set_suspended(&next, next.suspended[k], false);
        }
        json_array_foreach(arr, i, it)
        {
                const char *name = json_string_value(it) ? json_string_value(it) : "";
                int a = -1;

                if (json_array_size(arr) == 1 && strcasecmp(name, "ALL") == 0) {
                        all = true;
                        break;
                }
                for (unsigned k = 0; k < cfg->nappctls && a < 0; k++)
                        if (strcmp(cfg->appctls[k].name, name) == 0)
                                a = (int)k;
                if (a < 0) {
                        snprintf(err, errlen, "application_controller \"%s\" does not exist", name);
                        return -HAMR_E_NOT_FOUND;
                }
                if (on && !app_monitored(cfg, a)) {
                        snprintf(err, errlen,
                                 "application_controller \"%s\": no application_monitor "
                                 "monitors it (nothing to suspend)",
                                 name);
                        return -HAMR_E_BAD_VALUE;
                }
                if (cstate_ctl_set_suspended(&next, name, on) < 0) {
                        snprintf(err, errlen,
                                 "application_controller \"%s\": at most %d application "
                                 "controllers can have their monitoring suspended",
                                 name, CSTATE_MAX_SUSPENDED);
                        return -HAMR_E_BAD_VALUE;
                }
        }
        for (unsigned a = 0; all && a < cfg->nappctls; a++)
                if (!on || app_monitored(cfg, (int)a))
                        if (cstate_ctl_set_suspended(&next, cfg->appctls[a].name, on) < 0) {
                                snprintf(err, errlen,
                                         "at most %d application controllers can have their "
                                         "monitoring suspended",
                                         CSTATE_MAX_SUSPENDED);
                                return -HAMR_E_BAD_VALUE;
                        }
        cs->ctl.nsuspended = next.nsuspended;
        memcpy(cs->ctl.suspended, next.suspended, sizeof(next.suspended));
        {
                char list[512] = "";
                size_t len = 0;
                for (unsigned k = 0; k < next.nsuspended && len < sizeof(list); k++)
                        len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
                                                k ? " " : "", next.suspended[k]);
                log_info("coord", "application monitoring %s; suspended now: %s",
                         on ? "suspended" : "resumed", next.nsuspended ? list : "none");
        }
        return 0;
}

/* A member reporting group g ONLINE, or -1. */
static int online_on(const cstate_t *cs, uint64_t members, const hamr_config_t *cfg, int g)
{
        for (unsigned k = 0; k < cfg->nnodes; k++)
                if ((members & (1ULL << cfg->nodes[k].id)) &&
                    cstate_group_state(cs, (uint16_t)cfg->nodes[k].id, (unsigned)g) == RG_S_ONLINE)
                        return (int)k;
        return -1;
}

static bool listed(const int *groups, unsigned ng, int g)
{
        for (unsigned k = 0; k < ng; k++)
                if (groups[k] == g)
                        return true;
        return false;
}

/* A move of a group of a location dependency: the groups kept on one
 * node move together; a group of the different-nodes set does not move
 * onto a node a group of its priority or a higher one holds. */
static int check_location_move(const cstate_t *cs, uint64_t members, const hamr_config_t *cfg,
                               const conf_dep_t *dep, const int *groups, unsigned ng, int node,
                               char *err, size_t errlen)
{
        for (unsigned k = 0; k < dep->ngroups; k++) {
                int g = dep->groups[k];

                if (!listed(groups, ng, g))
                        continue;
                for (unsigned j = 0; j < dep->ngroups; j++) {
                        int l = dep->groups[j], at;

                        if (l == g || listed(groups, ng, l) ||
                            (at = online_on(cs, members, cfg, l)) < 0)
                                continue;
                        if (dep->type == CONF_DEP_SAME_NODE) {
                                snprintf(err, errlen,
                                         "resource_group \"%s\": it is kept on the same node as "
                                         "\"%s\" (dependency \"%s\", SAME_NODE); move them "
                                         "together (clmgr move resource_group %s,%s NODE=%s)",
                                         cfg->rgs[g].name, cfg->rgs[l].name, dep->name,
                                         cfg->rgs[g].name, cfg->rgs[l].name,
                                         node >= 0 ? cfg->nodes[node].name : "<node>");
                                return -HAMR_E_REFERENCE;
                        }
                        if (dep->type == CONF_DEP_DIFFERENT_NODES && at == node &&
                            dep->prio[j] <= dep->prio[k]) {
                                snprintf(err, errlen,
                                         "resource_group \"%s\": node \"%s\" holds \"%s\", of "
                                         "%s priority (dependency \"%s\", DIFFERENT_NODES); "
                                         "allowed: a node no group of the same or a higher "
                                         "priority holds",
                                         cfg->rgs[g].name, cfg->nodes[node].name, cfg->rgs[l].name,
                                         dep->prio[j] < dep->prio[k] ? "a higher" : "the same",
                                         dep->name);
                                return -HAMR_E_REFERENCE;
                        }
                }
        }
        return 0;
}

/* PowerHA's parent/child rules for the administrator (dependencies): no
 * online or move of a child whose parent is not ONLINE, no offline or
 * move of a parent whose child is ONLINE, unless both are in the same
 * command (the planner then orders them); no online or move of a
 * START_AFTER source not online whose AFTER group is not ONLINE (same
 * exception); and the location rules of a move (check_location_move).
 * node: the move's node index, or -1. */
static int check_dependencies(const cstate_t *cs, uint64_t members, const hamr_config_t *cfg,
                              const char *op, const int *groups, unsigned ng, int node, char *err,
                              size_t errlen)
{
        bool up = !strcmp(op, "rg_online") || !strcmp(op, "rg_move");
        bool down = !strcmp(op, "rg_offline") || !strcmp(op, "rg_move");

        for (unsigned d = 0; d < cfg->ndeps; d++) {
                const conf_dep_t *dep = &cfg->deps[d];
                int p = dep->parent, at, r;

                if (dep->type == CONF_DEP_START_AFTER && up && p >= 0 && !listed(groups, ng, p) &&
                    online_on(cs, members, cfg, p) < 0)
                        for (unsigned k = 0; k < dep->nchildren; k++)
                                if (listed(groups, ng, dep->children[k]) &&
                                    online_on(cs, members, cfg, dep->children[k]) < 0) {
                                        snprintf(err, errlen,
                                                 "resource_group \"%s\": it starts after \"%s\", "
                                                 "which is not ONLINE (dependency \"%s\", "
                                                 "START_AFTER); bring \"%s\" online first, or both "
                                                 "together (clmgr online resource_group %s,%s)",
                                                 cfg->rgs[dep->children[k]].name, cfg->rgs[p].name,
                                                 dep->name, cfg->rgs[p].name, cfg->rgs[p].name,
                                                 cfg->rgs[dep->children[k]].name);
                                        return -HAMR_E_REFERENCE;
                                }
                if (dep->type != CONF_DEP_PARENT_CHILD) {
                        r = !strcmp(op, "rg_move")
                                ? check_location_move(cs, members, cfg, dep, groups, ng, node, err,
                                                      errlen)
                                : 0;
                        if (r < 0)
                                return r;
                        continue;
                }
                if (p < 0)
                        continue;
                for (unsigned k = 0; k < dep->nchildren; k++) {
                        int ch = dep->children[k];

                        if (up && listed(groups, ng, ch) && !listed(groups, ng, p) &&
                            online_on(cs, members, cfg, p) < 0) {
                                snprintf(err, errlen,
                                         "resource_group \"%s\": its parent \"%s\" is not ONLINE "
                                         "(dependency \"%s\"); bring the parent online first, or "
                                         "both together (clmgr online resource_group %s,%s)",
                                         cfg->rgs[ch].name, cfg->rgs[p].name, dep->name,
                                         cfg->rgs[p].name, cfg->rgs[ch].name);
                                return -HAMR_E_REFERENCE;
                        }
                        if (down && listed(groups, ng, p) && !listed(groups, ng, ch) &&
                            (at = online_on(cs, members, cfg, ch)) >= 0) {
                                snprintf(err, errlen,
                                         "resource_group \"%s\": its child \"%s\" is ONLINE on %s "
                                         "(dependency \"%s\"); take the child offline first, or "
                                         "both together (clmgr %s resource_group %s,%s)",
                                         cfg->rgs[p].name, cfg->rgs[ch].name, cfg->nodes[at].name,
                                         dep->name, !strcmp(op, "rg_move") ? "move" : "offline",
                                         cfg->rgs[ch].name, cfg->rgs[p].name);
                                return -HAMR_E_REFERENCE;
                        }
                }
        }
        return 0;
}

int coord_command(coord_t *c, const memb_t *m, cstate_t *cs, const hamr_config_t *cfg, json_t *req,
                  char *err, size_t errlen)
{
        static int groups[CONF_MAX_RGS];
        const char *op = json_string_value(json_object_get(req, "op"));
        const char *node = json_string_value(json_object_get(req, "node"));
        const memb_view_t *mv = &m->view;
        cstate_ctl_t *v = &cs->ctl;
        unsigned ng = 0;
        int nidx = -1, r;

        if (!cfg) {
                snprintf(
                    err, errlen,
                    "cluster is not configured (run clmgr add cluster, then clmgr sync cluster)");
                return -HAMR_E_NOT_CONFIGURED;
        }
        if (!memb_quorate(m, now_usec())) {
                snprintf(err, errlen, "no quorum: this view cannot change cluster state");
                return -HAMR_E_NO_QUORUM;
        }
        adopt_view(cs, m);
        plan_adopt_generation(&cs->ctl, &c->mem, cfg);
        if (!op)
                op = "";
        if (!strcmp(op, "start"))
                r = cmd_start(c, cs, cfg, mv->members, req, err, errlen);
        else if (!strcmp(op, "stop"))
                r = cmd_stop(c, cs, cfg, req, err, errlen);
        else if (!strcmp(op, "app_suspend") || !strcmp(op, "app_resume"))
                r = cmd_suspend(cs, cfg, req, !strcmp(op, "app_suspend"), err, errlen);
        else {
                r = group_list(cfg, json_object_get(req, "groups"), groups, &ng, err, errlen);
                if (r < 0)
                        return r;
                if (node) {
                        nidx = hamr_config_node_by_name(cfg, node);
                        if (nidx < 0) {
                                snprintf(err, errlen, "node \"%s\" does not exist", node);
                                return -HAMR_E_NOT_FOUND;
                        }
                }
                for (unsigned k = 0; k < ng; k++) {
                        const conf_rg_t *rg = &cfg->rgs[groups[k]];
                        if (nidx >= 0 && !rg_has_node(rg, cfg->nodes[nidx].id)) {
                                snprintf(err, errlen,
                                         "resource_group \"%s\": node \"%s\" is not in its NODES "
                                         "(%u nodes)",
                                         rg->name, node, rg->nnodes);
                                return -HAMR_E_BAD_VALUE;
                        }
                }
                for (unsigned k = 0; k < ng; k++)
                        if (!CONF_RG_CONCURRENT(&cfg->rgs[groups[k]]) && nidx >= 0 &&
                            !strcmp(op, "rg_offline")) {
                                snprintf(err, errlen,
                                         "offline resource_group \"%s\": NODE is only for "
                                         "concurrent groups (STARTUP=OAAN); this group is taken "
                                         "offline wherever it is online",
                                         cfg->rgs[groups[k]].name);
                                return -HAMR_E_BAD_VALUE;
                        }
                for (unsigned k = 0; k < ng; k++)
                        if (CONF_RG_CONCURRENT(&cfg->rgs[groups[k]]) &&
                            (r = plan_concurrent_command(v, cfg, (unsigned)groups[k], op, -1, true,
                                                         err, errlen)) < 0)
                                return r;
                if (!strcmp(op, "rg_move") && nidx < 0) {
                        snprintf(err, errlen, "move resource_group: NODE=<node> is required");
                        return -HAMR_E_MISSING;
                }
                if (nidx >= 0 && (!(mv->members & (1ULL << cfg->nodes[nidx].id)) ||
                                  v->want[cfg->nodes[nidx].id] != WANT_ACTIVE)) {
                        snprintf(err, errlen, "node \"%s\": cluster services are not ONLINE there",
                                 node);
                        return -HAMR_E_BUSY;
                }
                r = check_dependencies(cs, mv->members, cfg, op, groups, ng, nidx, err, errlen);
                if (r < 0)
                        return r;
                for (unsigned k = 0; k < ng; k++) {
                        rgm_ctl_t *ctl = &v->ctl[groups[k]];
                        if (CONF_RG_CONCURRENT(&cfg->rgs[groups[k]])) {
                                plan_concurrent_command(v, cfg, (unsigned)groups[k], op,
                                                        nidx >= 0 ? (int)cfg->nodes[nidx].id : -1,
                                                        false, err, errlen);
                        } else if (!strcmp(op, "rg_offline")) {
                                ctl->admin = RGM_ADMIN_OFFLINE;
                        } else if (!strcmp(op, "rg_online") || !strcmp(op, "rg_move")) {
                                rgm_ctl_move(ctl, &cfg->rgs[groups[k]],
                                             nidx >= 0 ? (int)cfg->nodes[nidx].id : -1);
                        } else {
                                snprintf(err, errlen, "unknown operation \"%s\"", op);
                                return -HAMR_E_BAD_VALUE;
                        }
                        v->clear_seq[groups[k]]++;
                        c->mem.stopped_by[groups[k]] = RGM_NO_NODE;
                }
                r = 0;
        }
        if (r == 0) {
                log_info("coord", "command %s accepted", op);
                publish(cs);
        }
        return r;
}
