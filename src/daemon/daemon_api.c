/* daemon_api: clmgr requests. Configuration requests are served from the
 * repository (which holds the one copy); while the cluster runs, edits go
 * to the coordinator, like runtime requests, over the network when another
 * node coordinates (docs/control-protocol.md, "Configuration edits");
 * status is built from what this node knows of every node. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "agents/agent_evlog.h"
#include "common/hamr_alloc.h"
#include "common/hamr_buf.h"
#include "common/hamr_error.h"
#include "common/hamr_log.h"
#include "api/api_ops.h"
#include "daemon/daemon.h"
#include "daemon/daemon_dnp.h"
#include "coord/coord_sim.h"
#include "daemon/daemon_avail.h"
#include "daemon/daemon_facts.h"
#include "daemon/daemon_config.h"
#include "plan/plan_deps.h"

#define FORWARD_TIMEOUT_USEC (5 * USEC_PER_SEC)
#define FORWARD_RESEND_USEC  (300 * USEC_PER_MSEC)
/* The coordinator answers a configuration edit within its configuration
 * worker's bounds of receipt (up to REPO_WORK_QUEUE_TIMEOUTS I/O timeouts
 * queued, then one running, lock wait included); 5 s more cover resends
 * and a loaded network. */
#define CONFIG_FORWARD_TIMEOUT_USEC                                                                \
        ((REPO_WORK_QUEUE_TIMEOUTS + 1) * HAMRD_REPO_IO_TIMEOUT_USEC + 5 * USEC_PER_SEC)
/* The coordinator keeps an edit's answer this long for resent copies. */
#define REMOTE_KEEP_USEC (60 * USEC_PER_SEC)

static const cstate_report_t *status_of(hamrd_t *d, uint16_t id)
{
        return cstate_report_of(d->cs, id);
}

/* The control state of our current view for our generation, or NULL. */
static const cstate_ctl_t *ctl_of(hamrd_t *d)
{
        if (!d->memb->have_view ||
            !cstate_ctl_current(d->cs, d->memb->view.view_id, d->memb->view.coord))
                return NULL;
        return &d->cs->ctl;
}

static bool stable(hamrd_t *d, usec_t now)
{
        const memb_view_t *mv = &d->memb->view;
        const cstate_ctl_t *v = ctl_of(d);

        /* the coordinator's judgement (every group where policy wants it,
         * nothing waiting), checked against the reports this node has */
        if (!memb_quorate(d->memb, now) || !v || !v->targets_valid || !v->stable)
                return false;
        for (unsigned g = 0; g < d->cfg->nrgs; g++) {
                for (int i = 0; i < CONF_MAX_NODES; i++) {
                        if (!(mv->members & (1ULL << i)) || !status_of(d, (uint16_t)i))
                                continue;
                        rg_state_t s = cstate_group_state(d->cs, (uint16_t)i, g);
                        if (s == RG_S_UNKNOWN)
                                continue;
                        if (s == RG_S_ACQUIRING || s == RG_S_RELEASING)
                                return false;
                        bool there = v->target[g] == i || (v->cnodes[g] >> i & 1u);
                        if (there && s != RG_S_ONLINE && s != RG_S_UNMANAGED)
                                return false;
                        if (!there && s == RG_S_ONLINE)
                                return false;
                }
        }
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const cstate_report_t *st;
                if (!(mv->members & (1ULL << i)) || !(st = status_of(d, (uint16_t)i)))
                        continue;
                if (st->services == SVC_STOPPING)
                        return false;
                if (v->want[i] == WANT_ACTIVE && st->services != SVC_ACTIVE)
                        return false;
        }
        return true;
}

/* The schema's text of a resource group policy value ("OHN"), or "". */
static const char *rg_policy_text(const char *attr, unsigned value)
{
        const conf_class_def_t *cd = conf_class_def(CONF_CLASS_RESOURCE_GROUP);
        int a = conf_attr_index(CONF_CLASS_RESOURCE_GROUP, attr);

        if (a < 0 || !cd->attrs[a].enum_values || value >= cd->attrs[a].enum_count)
                return "";
        return cd->attrs[a].enum_values[value];
}

json_t *hamrd_status_json(hamrd_t *d)
{
        usec_t now = now_usec();
        json_t *root = json_object(), *cl = json_object(), *nodes = json_array(),
               *groups = json_array(), *members = json_array();
        uint64_t reach;
        const memb_view_t *v = &d->memb->view;
        const cstate_ctl_t *ctl;
        bool any_active = false;
        char log[PATH_MAX];

        hamr_log_target(log, sizeof(log));
        json_object_set_new(root, "ok", json_true());
        if (!d->cfg || !d->member) {
                json_object_set_new(cl, "NAME", json_string(d->cfg ? d->cfg->cluster_name : ""));
                json_object_set_new(cl, "STATE", json_string("NOT_CONFIGURED"));
                json_object_set_new(cl, "LOCAL_NODE", json_string(d->node_name));
                json_object_set_new(cl, "LOG", json_string(log));
                json_object_set_new(cl, "EVENT_LOG", json_string(evlog_path()));
                json_object_set_new(root, "cluster", cl);
                json_object_set_new(root, "nodes", nodes);
                json_object_set_new(root, "groups", groups);
                json_decref(members);
                return root;
        }
        reach = memb_reach(d->memb, now);
        ctl = ctl_of(d);
        for (unsigned i = 0; i < d->cfg->nnodes; i++) {
                const conf_node_t *n = &d->cfg->nodes[i];
                const memb_peer_t *p = &d->memb->peers[n->id];
                const cstate_report_t *st = status_of(d, (uint16_t)n->id);
                bool up = reach & (1ULL << n->id);
                char paths[32] = "";
                json_t *o = json_object();

                bool net = p->last_net_usec && now - p->last_net_usec < memb_timeout(d->memb);
                bool disk = p->last_disk_usec && now - p->last_disk_usec < memb_timeout(d->memb);
                if (n->id == d->self_id)
                        snprintf(paths, sizeof(paths), "local");
                else
                        snprintf(paths, sizeof(paths), "%s%s%s", net ? "net" : "",
                                 net && disk ? "," : "", disk ? "disk" : "");
                json_object_set_new(o, "NAME", json_string(n->name));
                json_object_set_new(o, "STATE",
                                    json_string(up && st ? svc_state_str(st->services) : "DOWN"));
                json_object_set_new(o, "REACHABLE", json_boolean(up));
                /* the daemon runs there (its cluster services may be
                 * stopped: STATE OFFLINE), its watchdog, start at restart */
                json_object_set_new(o, "DAEMON", json_string(up ? "UP" : "DOWN"));
                if (up && st) {
                        char wd[64];
                        snprintf(wd, sizeof(wd), "%s%s", cstate_wd_str(st->watchdog),
                                 st->watchdog == CSTATE_WD_NONE ? ""
                                 : st->fenced                   ? " (armed)"
                                                                : " (not armed)");
                        json_object_set_new(o, "WATCHDOG", json_string(wd));
                        json_object_set_new(o, "START_ON_RESTART", json_boolean(st->autostart));
                }
                json_object_set_new(o, "PATHS", json_string(paths));
                /* the node's own view of its service network and of the
                 * repository, as it last reported them */
                static const char *net_names[] = {"DOWN (no carrier)", "DOWN (no peer heard)",
                                                  "UP"};
                json_object_set_new(
                    o, "NETWORK",
                    json_string(up && st && st->net < NET_COUNT ? net_names[st->net] : "UNKNOWN"));
                /* NETMON_TARGETS as it last reported them */
                const char *netmon = "UNKNOWN";
                if (up && st)
                        netmon = !(st->reach & CSTATE_REACH_TARGETS) ? "NONE"
                                 : (st->reach & CSTATE_REACH_OK)     ? "REACHED"
                                                                     : "UNREACHED";
                json_object_set_new(o, "NETMON", json_string(netmon));
                if (up)
                        hamrd_dnp_node_json(o, st); /* dynamic node priority values */
                json_object_set_new(
                    o, "REPOSITORY",
                    json_string(up && st ? (st->disk_ok ? "UP" : "DOWN") : "UNKNOWN"));
                json_object_set_new(
                    o, "MEMBER",
                    json_boolean(d->memb->have_view && (v->members & (1ULL << n->id))));
                json_array_append_new(nodes, o);
                if (up && st && st->services != SVC_INACTIVE)
                        any_active = true;
                if (d->memb->have_view && (v->members & (1ULL << n->id)))
                        json_array_append_new(members, json_string(n->name));
        }
        /* groups ONLINE on some reachable node: a child of a group that is
         * not waits for it (the planner's parent/child rule) */
        _cleanup_free_ bool *online = zcalloc(d->cfg->nrgs + 1, sizeof(bool));
        for (unsigned g = 0; g < d->cfg->nrgs; g++)
                for (unsigned k = 0; k < d->cfg->rgs[g].nnodes; k++)
                        if ((reach & (1ULL << d->cfg->rgs[g].nodes[k])) &&
                            cstate_group_state(d->cs, (uint16_t)d->cfg->rgs[g].nodes[k], g) ==
                                RG_S_ONLINE)
                                online[g] = true;
        for (unsigned g = 0; g < d->cfg->nrgs; g++) {
                const conf_rg_t *rg = &d->cfg->rgs[g];
                json_t *o = json_object(), *per = json_object(), *errs = json_object();
                const char *cur = "", *gstate = "OFFLINE", *error = "";
                int target = -1;

                if (ctl && ctl->targets_valid && ctl->target[g] != RGM_NO_NODE)
                        target = hamr_config_node_by_id(d->cfg, ctl->target[g]);
                for (unsigned k = 0; k < rg->nnodes; k++) {
                        int ni = hamr_config_node_by_id(d->cfg, rg->nodes[k]);
                        rg_state_t rs = cstate_group_state(d->cs, (uint16_t)rg->nodes[k], g);
                        const char *s = "OFFLINE";
                        if (!(reach & (1ULL << rg->nodes[k])) || rs == RG_S_UNKNOWN) {
                                s = (reach & (1ULL << rg->nodes[k])) ? "UNKNOWN" : "OFFLINE";
                        } else {
                                s = rg_state_str(rs);
                                if (rs == RG_S_ERROR)
                                        json_object_set_new(errs, d->cfg->nodes[ni].name,
                                                            json_string(cstate_group_reason(
                                                                d->cs, (uint16_t)rg->nodes[k], g)));
                                if (rs == RG_S_ONLINE || rs == RG_S_ACQUIRING ||
                                    rs == RG_S_RELEASING || rs == RG_S_UNMANAGED) {
                                        cur = d->cfg->nodes[ni].name;
                                        gstate = s;
                                } else if (rs == RG_S_ERROR && !*cur) {
                                        gstate = "ERROR";
                                        cur = d->cfg->nodes[ni].name;
                                        error =
                                            cstate_group_reason(d->cs, (uint16_t)rg->nodes[k], g);
                                }
                        }
                        json_object_set_new(per, d->cfg->nodes[ni].name, json_string(s));
                }
                /* a concurrent group: online wherever an instance is (every
                 * node it is ONLINE on, TARGET every node that should hold
                 * one), ERROR only when no instance is online anywhere */
                char ccur[CONF_MAX_NODES * (CONF_MAX_NAME + 1) + 1] = "";
                char ctgt[sizeof(ccur)] = "";
                if (CONF_RG_CONCURRENT(rg)) {
                        gstate = cstate_concurrent_status(d->cs, g, ctl, reach, ccur, ctgt,
                                                          sizeof(ccur));
                        cur = ccur;
                        if (*ctgt)
                                target = -1;
                }
                json_object_set_new(o, "CONCURRENT", json_boolean(CONF_RG_CONCURRENT(rg)));
                json_object_set_new(o, "NAME", json_string(rg->name));
                json_object_set_new(o, "STATE", json_string(gstate));
                json_object_set_new(o, "CURRENT_NODE", json_string(cur));
                json_object_set_new(o, "TARGET",
                                    json_string(target >= 0 ? d->cfg->nodes[target].name : ctgt));
                /* false: no current decision of the coordinator to follow
                 * (TARGET "" then means unknown, not offline; clRGinfo -a) */
                json_object_set_new(o, "TARGET_KNOWN", json_boolean(ctl && ctl->targets_valid));
                /* priority override location (clmgr move to a node other
                 * than the highest-priority one; clRGinfo -p) */
                int pol = -1;
                if (ctl && ctl->ctl[g].pol_node != RGM_NO_NODE)
                        pol = hamr_config_node_by_id(d->cfg, ctl->ctl[g].pol_node);
                json_object_set_new(o, "PRIORITY_OVERRIDE",
                                    json_string(pol >= 0 ? d->cfg->nodes[pol].name : ""));
                json_object_set_new(o, "NODES", per); /* in priority order */
                /* its policies as the schema writes them (clRGinfo -v) */
                json_object_set_new(o, "STARTUP",
                                    json_string(rg_policy_text("STARTUP", rg->startup)));
                json_object_set_new(o, "FALLOVER",
                                    json_string(rg_policy_text("FALLOVER", rg->fallover)));
                json_object_set_new(o, "FALLBACK",
                                    json_string(rg_policy_text("FALLBACK", rg->fallback)));
                hamrd_dnp_group_json(d, o, g, reach); /* FUDNP: policy and values */
                json_object_set_new(o, "ERROR", json_string(error));
                json_object_set_new(o, "ERRORS", errs); /* each node's ERROR reason */
                /* why it is offline, when a dependency holds it */
                char reason[CONF_MAX_NAME + 48] = "";
                if (!strcmp(gstate, "OFFLINE") &&
                    !plan_deps_offline_reason(d->cfg, g, online, reason, sizeof(reason)))
                        reason[0] = '\0';
                json_object_set_new(o, "REASON", json_string(reason));
                /* application monitors: the restarts on the node holding
                 * it, the last failure (the holder's, else the first node's
                 * in the list that has one) */
                json_int_t mon_restarts = 0;
                const char *mon_failure = "";
                for (unsigned k = 0; k < rg->nnodes; k++) {
                        const cstate_report_t *st =
                            (reach & (1ULL << rg->nodes[k]))
                                ? cstate_report_of(d->cs, (uint16_t)rg->nodes[k])
                                : NULL;
                        int ni = hamr_config_node_by_id(d->cfg, rg->nodes[k]);
                        for (uint32_t q = 0; st && q < st->ngroups; q++) {
                                const cstate_grp_t *mg = &st->groups[q];
                                bool holder = ni >= 0 && !strcmp(cur, d->cfg->nodes[ni].name);
                                if (mg->id != rg->id)
                                        continue;
                                if (holder)
                                        mon_restarts = mg->mon_restarts;
                                if (mg->mon_failure && (holder || !*mon_failure))
                                        mon_failure = mg->mon_failure;
                        }
                }
                json_object_set_new(o, "MONITOR_RESTARTS", json_integer(mon_restarts));
                json_object_set_new(o, "MONITOR_FAILURE", json_string(mon_failure));
                /* its application controllers whose monitoring is
                 * suspended (cluster-wide, the control state this node
                 * follows, of any view or generation: kept until resumed) */
                json_t *susp = json_array();
                for (unsigned k = 0; d->cs->have_ctl && k < rg->napps; k++) {
                        const char *an = d->cfg->appctls[rg->apps[k]].name;
                        if (cstate_ctl_suspended(&d->cs->ctl, an))
                                json_array_append_new(susp, json_string(an));
                }
                json_object_set_new(o, "MONITOR_SUSPENDED", susp);
                /* its application controllers, start order, with the
                 * monitors watching each (clRGinfo -m) */
                json_t *apps = json_array();
                for (unsigned k = 0; k < rg->napps; k++) {
                        const char *an = d->cfg->appctls[rg->apps[k]].name;
                        json_t *mons = json_array();
                        for (unsigned i = 0; i < d->cfg->nappmons; i++)
                                for (unsigned j = 0; j < d->cfg->appmons[i].napps; j++)
                                        if (d->cfg->appmons[i].apps[j] == rg->apps[k])
                                                json_array_append_new(
                                                    mons, json_string(d->cfg->appmons[i].name));
                        json_array_append_new(
                            apps,
                            json_pack("{s:s, s:o, s:b}", "NAME", an, "MONITORS", mons, "SUSPENDED",
                                      d->cs->have_ctl && cstate_ctl_suspended(&d->cs->ctl, an)));
                }
                json_object_set_new(o, "APPLICATIONS", apps);
                json_array_append_new(groups, o);
        }
        uint16_t coord = memb_coordinator(d->memb, now);
        int ci = hamr_config_node_by_id(d->cfg, coord);
        json_object_set_new(cl, "NAME", json_string(d->cfg->cluster_name));
        json_object_set_new(cl, "STATE",
                            json_string(!any_active      ? "OFFLINE"
                                        : stable(d, now) ? "STABLE"
                                                         : "UNSTABLE"));
        json_object_set_new(cl, "GENERATION", json_integer((json_int_t)d->cfg->generation));
        json_object_set_new(cl, "COORDINATOR", json_string(ci >= 0 ? d->cfg->nodes[ci].name : ""));
        json_object_set_new(cl, "VIEW",
                            json_integer((json_int_t)(d->memb->have_view ? v->view_id : 0)));
        json_object_set_new(cl, "MEMBERS", members);
        json_object_set_new(cl, "QUORUM", json_boolean(memb_quorate(d->memb, now)));
        json_object_set_new(cl, "LOCAL_NODE", json_string(d->node_name));
        json_object_set_new(cl, "LOG", json_string(log));                /* clmgr view log hamrd */
        json_object_set_new(cl, "EVENT_LOG", json_string(evlog_path())); /* view log hamr.out */
        /* application controllers whose monitoring is suspended (the
         * control state followed: cluster-wide, kept until resumed) */
        json_t *susp_all = json_array();
        for (unsigned k = 0; d->cs->have_ctl && k < d->cs->ctl.nsuspended; k++)
                json_array_append_new(susp_all, json_string(d->cs->ctl.suspended[k]));
        json_object_set_new(cl, "MONITOR_SUSPENDED", susp_all);
        if (d->wire) {
                json_t *rej = json_object();
                for (int r = 0; r < WIRE_R_COUNT; r++)
                        json_object_set_new(
                            rej, wire_reject_str((wire_reject_t)r),
                            json_integer((json_int_t)wire_ctx_rejects(d->wire, (wire_reject_t)r)));
                json_object_set_new(cl, "WIRE",
                                    json_pack("{s:I, s:o}", "accepted",
                                              (json_int_t)wire_ctx_accepted(d->wire), "rejected",
                                              rej));
        }
        json_t *dm = dms_status_json(d->dms, now);
        usec_t h = d->hold_deadline;
        json_object_set_new(dm, "HOLD_DEADLINE_IN",
                            h == USEC_INFINITY
                                ? json_null()
                                : json_real(((double)(int64_t)(h - now)) / USEC_PER_SEC));
        json_object_set_new(cl, "DEADMAN", dm);
        json_object_set_new(cl, "REPOSITORY",
                            json_pack("{s:s, s:i, s:s, s:i}", "ACTIVE",
                                      hamrd_repo_path(d, d->repo_index), "INDEX", d->repo_index,
                                      "STATE", d->report.disk_ok ? "UP" : "DOWN", "BACKUPS",
                                      d->cfg->nbackups));
        json_object_set_new(root, "cluster", cl);
        json_object_set_new(root, "nodes", nodes);
        json_object_set_new(root, "groups", groups);
        return root;
}

static json_t *run_command(hamrd_t *d, json_t *req)
{
        char err[CONF_ERR_LEN] = "";
        const char *op = json_string_value(json_object_get(req, "op"));
        int r;

        if (op && !strcmp(op, "timers")) /* read-only: the planner's last decision */
                return coord_timers_json(&d->coord, d->cfg);
        if (op && !strcmp(op, "simulate")) { /* read-only: a what-if run on copies */
                int rc = CLMGR_RC_ERROR;
                json_t *ans = coord_simulate_json(&d->coord.in, &d->coord.out, d->cfg, req, err,
                                                  sizeof(err), &rc);
                return ans ? ans : json_pack("{s:b, s:s, s:i}", "ok", 0, "error", err, "rc", rc);
        }
        if (op && !strcmp(op, "why")) { /* read-only: the decision history */
                json_t *ans = coord_why_json(&d->coord.hist, &d->coord.out, d->cfg,
                                             json_string_value(json_object_get(req, "group")), err,
                                             sizeof(err));
                return ans ? ans
                           : json_pack("{s:b, s:s, s:i}", "ok", 0, "error", err, "rc",
                                       CLMGR_RC_NOT_FOUND);
        }
        r = coord_command(&d->coord, d->memb, d->cs, d->cfg, req, err, sizeof(err));

        if (r < 0)
                return json_pack("{s:b, s:s, s:i}", "ok", 0, "error",
                                 err[0] ? err : hamr_strerror(r), "rc", hamr_error_to_clmgr_rc(r));
        hamrd_kick(d);
        return json_pack("{s:b}", "ok", 1);
}

/* A free forwarding slot, or NULL after telling the client (conn). */
static forward_t *free_forward(hamrd_t *d, uint32_t conn)
{
        for (int i = 0; i < HAMRD_MAX_FORWARDS; i++)
                if (!d->fwd[i].used)
                        return &d->fwd[i];
        api_reply_error(d->api, conn, CLMGR_RC_ERROR, "too many requests in progress");
        return NULL;
}

static void send_forward(hamrd_t *d, forward_t *f, uint16_t coord)
{
        uint8_t buf[WIRE_MAX_BODY];
        bufw_t w;

        bufw_init(&w, buf, sizeof(buf));
        bufw_u32(&w, f->req_id);
        bufw_str(&w, f->text);
        if (!w.overflow)
                hamrd_send_to(d, coord, WIRE_T_COMMAND, buf, w.len);
        f->last_send = now_usec();
}

static void runtime_request(hamrd_t *d, uint32_t conn, json_t *req)
{
        usec_t now = now_usec();
        uint16_t coord;
        forward_t *f = NULL;

        if (!d->cfg || !d->member) {
                api_reply_error(d->api, conn, CLMGR_RC_ERROR,
                                "cluster is not configured on this node (clmgr add cluster ..., "
                                "then clmgr sync cluster)");
                return;
        }
        coord = memb_coordinator(d->memb, now);
        if (coord == d->self_id) {
                api_reply(d->api, conn, run_command(d, req));
                return;
        }
        if (!(f = free_forward(d, conn)))
                return;
        f->used = true;
        f->req_id = ++d->next_req_id;
        f->conn_id = conn;
        f->text = json_dumps(req, JSON_COMPACT);
        f->deadline = now + FORWARD_TIMEOUT_USEC;
        d->fwd_config[f - d->fwd] = false;
        send_forward(d, f, coord);
}

static const char *node_name_of(hamrd_t *d, uint16_t id, char *buf, size_t len)
{
        int ni = d->cfg ? hamr_config_node_by_id(d->cfg, id) : -1;

        if (ni >= 0)
                snprintf(buf, len, "%s", d->cfg->nodes[ni].name);
        else
                snprintf(buf, len, "id %u", id);
        return buf;
}

static void forward_clear(hamrd_t *d, forward_t *f)
{
        free(f->text);
        memset(f, 0, sizeof(*f));
        d->fwd_config[f - d->fwd] = false;
}

/* A configuration edit in flight to the coordinator it was sent to: resent
 * to that node only. If another node coordinates now, the old one may or
 * may not have run it: the client is told so, the edit is not sent to the
 * new coordinator (it could run twice). */
static void config_forward_tick(hamrd_t *d, forward_t *f, usec_t now)
{
        uint16_t was = d->fwd_coord[f - d->fwd];
        uint16_t coord = d->cfg ? memb_coordinator(d->memb, now) : was;
        char name[96], err[400];

        if (now >= f->deadline) {
                snprintf(err, sizeof(err),
                         "the coordinator (node %s) did not answer the configuration request "
                         "within %llu s; it may or may not have been applied: check with clmgr "
                         "query, then retry",
                         node_name_of(d, was, name, sizeof(name)),
                         (unsigned long long)(CONFIG_FORWARD_TIMEOUT_USEC / USEC_PER_SEC));
        } else if (coord != was) {
                snprintf(err, sizeof(err),
                         "coordinator changed (node %s was coordinating) while the configuration "
                         "request was in flight; it may or may not have been applied: check with "
                         "clmgr query, then retry",
                         node_name_of(d, was, name, sizeof(name)));
        } else {
                if (now - f->last_send >= FORWARD_RESEND_USEC)
                        send_forward(d, f, was);
                return;
        }
        api_reply_error(d->api, f->conn_id, CLMGR_RC_ERROR, err);
        forward_clear(d, f);
}

/* Coordinator: forget answered edits after REMOTE_KEEP_USEC (the
 * forwarder stopped resending long before), and unanswered ones after
 * twice that (a job always comes back: a safety net). */
static void remote_tick(hamrd_t *d, usec_t now)
{
        for (int i = 0; i < HAMRD_MAX_REMOTE; i++) {
                hamrd_remote_t *rm = &d->remote[i];
                if (rm->used && now - rm->since >= (rm->answered ? 1 : 2) * REMOTE_KEEP_USEC) {
                        free(rm->reply);
                        memset(rm, 0, sizeof(*rm));
                }
        }
}

void hamrd_forwards_tick(hamrd_t *d)
{
        usec_t now = now_usec();

        remote_tick(d, now);
        for (int i = 0; i < HAMRD_MAX_FORWARDS; i++) {
                forward_t *f = &d->fwd[i];
                if (!f->used)
                        continue;
                if (d->fwd_config[i]) {
                        config_forward_tick(d, f, now);
                        continue;
                }
                if (now >= f->deadline) {
                        api_reply_error(
                            d->api, f->conn_id, CLMGR_RC_ERROR,
                            "the coordinator did not answer (no quorum or network trouble)");
                        free(f->text);
                        memset(f, 0, sizeof(*f));
                } else if (now - f->last_send >= FORWARD_RESEND_USEC && d->cfg) {
                        uint16_t coord = memb_coordinator(d->memb, now);
                        if (coord == d->self_id) {
                                json_t *req = json_loads(f->text, 0, NULL);
                                api_reply(d->api, f->conn_id, run_command(d, req));
                                json_decref(req);
                                free(f->text);
                                memset(f, 0, sizeof(*f));
                        } else {
                                send_forward(d, f, coord);
                        }
                }
        }
}

static void send_reply(hamrd_t *d, uint16_t to, uint32_t req_id, const char *text)
{
        uint8_t out[WIRE_MAX_BODY];
        bufw_t w;

        bufw_init(&w, out, sizeof(out));
        bufw_u32(&w, req_id);
        bufw_str(&w, text);
        if (!w.overflow)
                hamrd_send_to(d, to, WIRE_T_REPLY, out, w.len);
}

static void send_reply_error(hamrd_t *d, uint16_t to, uint32_t req_id, const char *msg)
{
        json_t *rep = json_pack("{s:b, s:s, s:i}", "ok", 0, "error", msg, "rc", CLMGR_RC_ERROR);
        char *text = json_dumps(rep, JSON_COMPACT);

        send_reply(d, to, req_id, text ? text : "{}");
        free(text);
        json_decref(rep);
}

static bool is_config_edit(json_t *req)
{
        char err[512];
        api_op_t op;

        if (api_op_lookup(json_string_value(json_object_get(req, "op")), &op, err, sizeof(err)) < 0)
                return false;
        /* add, modify, delete, sync, the snapshot edits, and verify (it
         * reads the staged configuration under the configuration lock,
         * which the coordinator holds while the cluster runs) */
        return (api_op_def(op)->flags & API_OP_F_MODIFIES_CONFIG) != 0 || op == API_OP_VERIFY;
}

/* Coordinator: a configuration edit forwarded by node `from`. Run once
 * (dispatched with a HAMRD_REMOTE_CONN conn id, answered by hamrd_answer);
 * a resent copy of one running is dropped, of one answered gets the same
 * answer again. */
static void remote_edit(hamrd_t *d, uint16_t from, uint32_t req_id, json_t *req)
{
        json_t *inc = json_object_get(req, "origin_inc");
        uint64_t oinc = json_is_integer(inc) ? (uint64_t)json_integer_value(inc) : 0;
        int slot = -1;

        for (int i = 0; i < HAMRD_MAX_REMOTE; i++) {
                hamrd_remote_t *rm = &d->remote[i];
                if (!rm->used) {
                        if (slot < 0)
                                slot = i;
                        continue;
                }
                if (rm->from == from && rm->req_id == req_id && rm->origin_inc == oinc) {
                        if (rm->answered)
                                send_reply(d, from, req_id, rm->reply ? rm->reply : "{}");
                        return;
                }
        }
        if (!memb_is_coordinator(d->memb, now_usec())) {
                send_reply_error(d, from, req_id,
                                 "this node is not the coordinator any more; the configuration "
                                 "request was not run: retry");
                return;
        }
        if (slot < 0) {
                send_reply_error(d, from, req_id,
                                 "too many configuration requests in progress on the "
                                 "coordinator; the request was not run: retry");
                return;
        }
        d->remote[slot] = (hamrd_remote_t){
            .used = true, .from = from, .req_id = req_id, .origin_inc = oinc, .since = now_usec()};
        json_object_del(req, "origin_inc");
        d->dispatch_fn(d, HAMRD_REMOTE_CONN | (uint32_t)slot, req); /* the operation table */
}

void hamrd_answer(hamrd_t *d, uint32_t conn, json_t *rep)
{
        uint32_t i = conn & ~HAMRD_REMOTE_CONN;
        hamrd_remote_t *rm;

        if (!(conn & HAMRD_REMOTE_CONN)) {
                api_reply(d->api, conn, rep);
                return;
        }
        rm = i < HAMRD_MAX_REMOTE ? &d->remote[i] : NULL;
        if (rm && rm->used && !rm->answered) {
                rm->reply = json_dumps(rep, JSON_COMPACT);
                rm->answered = true;
                rm->since = now_usec();
                send_reply(d, rm->from, rm->req_id, rm->reply ? rm->reply : "{}");
        }
        json_decref(rep);
}

void hamrd_answer_error(hamrd_t *d, uint32_t conn, int rc, const char *msg)
{
        hamrd_answer(d, conn, json_pack("{s:b, s:s, s:i}", "ok", 0, "error", msg, "rc", rc));
}

bool hamrd_config_forward(hamrd_t *d, uint32_t conn, json_t *req)
{
        usec_t now = now_usec();
        forward_t *f = NULL;
        uint16_t coord;
        json_t *copy;
        char name[96];

        if ((conn & HAMRD_REMOTE_CONN) || !d->cfg || !d->member || !memb_quorate(d->memb, now))
                return false;
        coord = memb_coordinator(d->memb, now);
        if (coord == d->self_id || coord >= CONF_MAX_NODES)
                return false;
        if (!(f = free_forward(d, conn)))
                return true;
        copy = json_deep_copy(req);
        json_object_set_new(copy, "origin_inc", json_integer((json_int_t)d->incarnation));
        /* the node the administrator asked (a snapshot records it) */
        json_object_set_new(copy, "origin_node", json_string(d->node_name));
        f->text = json_dumps(copy, JSON_COMPACT);
        json_decref(copy);
        /* the request id, the string's length and the text must fit one message */
        if (!f->text || strlen(f->text) + 16 > WIRE_MAX_BODY) {
                free(f->text);
                f->text = NULL;
                api_reply_error(d->api, conn, CLMGR_RC_INVALID,
                                "the configuration request is too large to be sent to the "
                                "coordinator: split it");
                return true;
        }
        f->used = true;
        f->req_id = ++d->next_req_id;
        f->conn_id = conn;
        f->deadline = now + CONFIG_FORWARD_TIMEOUT_USEC;
        d->fwd_config[f - d->fwd] = true;
        d->fwd_coord[f - d->fwd] = coord;
        log_info("daemon", "configuration request forwarded to the coordinator %s",
                 node_name_of(d, coord, name, sizeof(name)));
        send_forward(d, f, coord);
        return true;
}

/* Commands are idempotent apart from clear_seq bumps, so a resent command
 * that runs twice does no harm. Configuration edits are not: remote_edit. */
/* A request forwarded by a peer: true if its op is one the coordinator
 * carries out (COORD_ONLY in the operation table) or one any node answers
 * for a peer (PEER: *ret_peer); else err says why. */
static bool forwardable(json_t *req, bool *ret_peer, char *err, size_t errlen)
{
        const char *name = json_string_value(json_object_get(req, "op"));
        api_op_t op;

        if (api_op_lookup(name, &op, err, errlen) < 0)
                return false;
        *ret_peer = api_op_def(op)->flags & API_OP_F_PEER;
        if (!(api_op_def(op)->flags & (API_OP_F_COORD_ONLY | API_OP_F_PEER))) {
                snprintf(err, errlen, "operation \"%s\" is not carried out by the coordinator",
                         name);
                return false;
        }
        return true;
}

void hamrd_on_command(hamrd_t *d, uint16_t from, const uint8_t *body, size_t len)
{
        static char text[WIRE_MAX_BODY];
        uint8_t out[WIRE_MAX_BODY];
        bufr_t r;
        bufw_t w;
        uint32_t req_id;
        json_t *req, *rep;
        char *reptext;
        bool peer = false;

        bufr_init(&r, body, len);
        req_id = bufr_u32(&r);
        bufr_str(&r, text, sizeof(text));
        if (r.error || !(req = json_loads(text, 0, NULL)))
                return;
        if (!json_is_object(req)) {
                json_decref(req);
                return;
        }
        if (is_config_edit(req)) {
                remote_edit(d, from, req_id, req);
                json_decref(req);
                return;
        }
        if (!strcmp(json_string_value(json_object_get(req, "op")) ?: "", "node_avail")) {
                hamrd_avail_peer(d, from, req_id, req); /* answered once the log is read */
                json_decref(req);
                return;
        }
        if (!forwardable(req, &peer, text, sizeof(text)))
                rep = json_pack("{s:b, s:s, s:i}", "ok", 0, "error", text, "rc", CLMGR_RC_INVALID);
        else if (peer)
                rep = hamrd_facts_local(d, req); /* NULL: its OCF checks run, asked again */
        else if (memb_is_coordinator(d->memb, now_usec()))
                rep = run_command(d, req);
        else
                rep = json_pack("{s:b, s:s, s:i}", "ok", 0, "error",
                                "this node is not the coordinator any more; retry", "rc", 1);
        json_decref(req);
        if (!rep)
                return;
        reptext = json_dumps(rep, JSON_COMPACT);
        json_decref(rep);
        bufw_init(&w, out, sizeof(out));
        bufw_u32(&w, req_id);
        bufw_str(&w, reptext ? reptext : "{}");
        free(reptext);
        if (!w.overflow)
                hamrd_send_to(d, from, WIRE_T_REPLY, out, w.len);
}

void hamrd_on_reply(hamrd_t *d, const uint8_t *body, size_t len)
{
        static char text[WIRE_MAX_BODY];
        bufr_t r;
        uint32_t req_id;

        bufr_init(&r, body, len);
        req_id = bufr_u32(&r);
        bufr_str(&r, text, sizeof(text));
        if (r.error)
                return;
        for (int i = 0; i < HAMRD_MAX_FORWARDS; i++) {
                forward_t *f = &d->fwd[i];
                if (!f->used || f->req_id != req_id)
                        continue;
                json_t *rep = json_loads(text, 0, NULL);
                if (rep)
                        api_reply(d->api, f->conn_id, rep);
                forward_clear(d, f);
                return;
        }
        if (!hamrd_avail_on_reply(d, req_id, text))
                hamrd_facts_on_reply(d, req_id, text);
}

/* Entry points of the operation table (daemon_ops.c), which has checked the
 * request against the op's flags. */
void hamrd_api_status(hamrd_t *d, uint32_t conn, json_t *req)
{
        api_reply(d->api, conn, hamrd_status_json(d));
}

void hamrd_api_runtime(hamrd_t *d, uint32_t conn, json_t *req)
{
        runtime_request(d, conn, req);
}
