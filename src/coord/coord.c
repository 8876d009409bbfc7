/* coord: administrator intents and scheduling on the coordinator. */
#include "coord/coord.h"

#include <stdio.h>
#include <string.h>

#include "common/hamr_alloc.h"
#include "common/hamr_error.h"
#include "common/hamr_log.h"
#include "rgm/rgm.h"

void coord_init(coord_t *c)
{
        memset(c, 0, sizeof(*c));
        memset(c->stopped_by, 0xff, sizeof(c->stopped_by));
}

/* Configuration generation node id runs (its membership status; self:
 * the coordinator's own). */
static uint64_t generation_of(const memb_t *m, const hamr_config_t *cfg, int id)
{
        const memb_status_t *st;

        if (id == m->self)
                return cfg->generation;
        st = memb_peer_status(m, (uint16_t)id);
        return st ? st->generation : 0;
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

/* The view's group table in the order of this generation's groups. Control
 * state (admin OFFLINE, priority override location, startup done, targets,
 * ERROR clear sequence) and the coordinator's own per-group records follow
 * each group by its ID across syncs, deletions, renames and reorderings; a
 * group new to the table starts with its startup policy (as PowerHA brings a
 * group added by a live change online by its startup policy). */
static void adopt_generation(coord_t *c, cstate_t *cs, const hamr_config_t *cfg)
{
        static cstate_ctl_t old;
        static coord_t oldc;
        cstate_ctl_t *v = &cs->ctl;
        bool same = v->generation == cfg->generation && v->ngroups == cfg->nrgs;

        for (unsigned g = 0; same && g < cfg->nrgs; g++)
                same = v->gid[g] == cfg->rgs[g].id;
        if (same)
                return;
        old = *v;
        oldc = *c;
        v->generation = cfg->generation;
        v->ngroups = cfg->nrgs;
        for (unsigned g = 0; g < cfg->nrgs; g++) {
                unsigned k = 0;

                while (k < old.ngroups && k < CONF_MAX_RGS && old.gid[k] != cfg->rgs[g].id)
                        k++;
                v->gid[g] = cfg->rgs[g].id;
                if (k < old.ngroups && k < CONF_MAX_RGS) {
                        v->target[g] = old.target[k];
                        v->ctl[g] = old.ctl[k];
                        v->clear_seq[g] = old.clear_seq[k];
                        c->stopped_by[g] = oldc.stopped_by[k];
                        c->target_view[g] = oldc.target_view[k];
                        c->target_pub[g] = oldc.target_pub[k];
                        continue;
                }
                v->target[g] = RGM_NO_NODE;
                v->ctl[g] = (rgm_ctl_t){.admin = RGM_ADMIN_AUTO,
                                        .pol_node = RGM_NO_NODE,
                                        .move_node = RGM_NO_NODE,
                                        .last_node = RGM_NO_NODE,
                                        .started = false};
                v->clear_seq[g] = 0;
                c->stopped_by[g] = RGM_NO_NODE;
                c->target_view[g] = 0;
                c->target_pub[g] = 0;
        }
}

/* Each member's cluster services are where the coordinator wants them. */
static bool services_settled(const cstate_ctl_t *v, const cstate_report_t *st, int i)
{
        switch (v->want[i]) {
        case WANT_ACTIVE:
                return st->services == SVC_ACTIVE;
        case WANT_UNMANAGE:
                return st->services == SVC_UNMANAGED;
        case WANT_FENCE:
                return false;
        default:
                return st->services == SVC_INACTIVE;
        }
}

bool coord_update(coord_t *c, const memb_t *m, cstate_t *cs, const hamr_config_t *cfg, usec_t now)
{
        static uint8_t state[CONF_MAX_RGS * CONF_MAX_NODES];
        static rgm_output_t out[CONF_MAX_RGS];
        static bool pending[CONF_MAX_RGS], changed[CONF_MAX_RGS];
        const memb_view_t *mv = &m->view;
        cstate_ctl_t *v = &cs->ctl;
        static cstate_ctl_t before;
        uint64_t eligible = 0;
        hamr_config_t eff;
        conf_rg_t *rgs = NULL;

        if (!cfg || !memb_is_coordinator(m, now) || !m->have_view || mv->coord != m->self)
                return false;
        adopt_view(cs, m);
        before = *v;
        adopt_generation(c, cs, cfg);

        /* Nodes that finished stopping. */
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const cstate_report_t *st = cstate_report_of(cs, (uint16_t)i);
                if (!(mv->members & (1ULL << i)) || !st)
                        continue;
                if ((v->want[i] == WANT_STOP_OFFLINE || v->want[i] == WANT_STOP_MOVE) &&
                    st->services == SVC_INACTIVE)
                        v->want[i] = WANT_INACTIVE;
                if (v->want[i] == WANT_ACTIVE && st->services == SVC_ACTIVE &&
                    generation_of(m, cfg, i) == cfg->generation)
                        eligible |= 1ULL << i;
        }

        /* Selective fallover: a node whose service network is worse than
         * that of another eligible member (no carrier, or hears nobody
         * while the others hear each other) may not host groups with
         * service IPs; its groups move after it released them. */
        uint64_t net_down = 0;
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                if (!(mv->members & (1ULL << i)))
                        c->member_since[i] = 0;
                else if (!c->member_since[i])
                        c->member_since[i] = now;
        }
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const cstate_report_t *st = cstate_report_of(cs, (uint16_t)i);
                uint8_t best_net = 0;
                if (!(eligible & (1ULL << i)) || !st)
                        continue;
                for (int j = 0; j < CONF_MAX_NODES; j++) {
                        const cstate_report_t *o = cstate_report_of(cs, (uint16_t)j);
                        uint8_t eff_net;
                        /* a better network is proven only by a member of
                         * some standing (not one that just joined and is
                         * not yet heard both ways), with a current report
                         * (heard within half the network detection time,
                         * so that a node that just went silent cannot
                         * outrank the one that stopped hearing it) */
                        if (j == i || !(eligible & (1ULL << j)) || !o ||
                            now - c->member_since[j] < memb_timeout(m) ||
                            !memb_heard_within(m, (uint16_t)j, cfg->net_fdt_usec / 2, now))
                                continue;
                        /* hearing only node i proves i's network works */
                        eff_net = o->net == NET_OK && !(o->net_heard & ~(1ULL << i)) ? NET_SILENT
                                                                                     : o->net;
                        if (eff_net > best_net)
                                best_net = eff_net;
                }
                bool worse = (eligible & (1ULL << i)) && st && st->net < best_net;
                if (!worse)
                        c->net_worse_since[i] = 0;
                else if (!c->net_worse_since[i])
                        c->net_worse_since[i] = now;
                if (worse && now - c->net_worse_since[i] >= cfg->net_fdt_usec) {
                        if (!(c->net_down & (1ULL << i)))
                                log_info("coord",
                                         "node %d: service network %s, another member's "
                                         "is better: selective fallover",
                                         i,
                                         st->net == NET_NO_CARRIER ? "has no carrier"
                                                                   : "hears nobody");
                        net_down |= 1ULL << i;
                }
        }

        /* Poison pill: a member whose service network is down and which
         * failed to release a group with service IPs (ERROR) can neither
         * serve nor give the group up; it is alive (on the disk), so the
         * others would wait for it for ever. Order it to reset itself
         * through the view (read from the coordinator's slot; the
         * coordinator may order itself); once it has left the view its
         * groups fall over. A node that left the view (reset, restarted)
         * is wanted active again. */
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const cstate_report_t *st = cstate_report_of(cs, (uint16_t)i);
                if (!(mv->members & (1ULL << i))) {
                        if (v->want[i] == WANT_FENCE)
                                v->want[i] = WANT_ACTIVE;
                        continue;
                }
                if (!(net_down & (1ULL << i)) || !st || v->want[i] == WANT_FENCE)
                        continue;
                for (unsigned g = 0; g < cfg->nrgs; g++)
                        if (cstate_group_state(cs, (uint16_t)i, g) == RG_S_ERROR &&
                            cfg->rgs[g].nsips > 0) {
                                log_warn("coord",
                                         "node %d: network down and group %s stuck in ERROR: "
                                         "poison pill (reset through the watchdog)",
                                         i, cfg->rgs[g].name);
                                v->want[i] = WANT_FENCE;
                                break;
                        }
        }

        c->net_down = net_down;
        /* Targets only in a quorate, closed view where every member runs
         * this generation and has reported since it took this view's
         * control state (its report answers a publication of this view). */
        v->generation = cfg->generation;
        v->targets_valid = memb_quorate(m, now) && memb_view_agreed(m, cfg->generation);
        for (int i = 0; v->targets_valid && i < CONF_MAX_NODES; i++) {
                const cstate_report_t *st = cstate_report_of(cs, (uint16_t)i);
                if (mv->members & (1ULL << i))
                        v->targets_valid = st && (i == m->self || st->ctl_view == v->view_id);
        }
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const cstate_report_t *st = cstate_report_of(cs, (uint16_t)i);
                v->report_ack[i] = (mv->members & (1ULL << i)) && st ? st->report_seq : 0;
        }
        /* STABLE: every group where policy wants it, every member's services
         * where wanted, and every member heard lately (a target that went
         * silent is not "online there"). */
        bool stable = v->targets_valid;
        for (int i = 0; stable && i < CONF_MAX_NODES; i++) {
                const cstate_report_t *st = cstate_report_of(cs, (uint16_t)i);
                if (!(mv->members & (1ULL << i)))
                        continue;
                stable = st && services_settled(v, st, i) &&
                         memb_heard_within(m, (uint16_t)i, 4 * cfg->hb_interval_usec, now);
        }
        if (v->targets_valid) {
                memset(state, RG_S_UNKNOWN, sizeof(state));
                memset(pending, 0, sizeof(pending));
                for (int i = 0; i < CONF_MAX_NODES; i++) {
                        const cstate_report_t *st = cstate_report_of(cs, (uint16_t)i);
                        if (!(mv->members & (1ULL << i)) || !st)
                                continue;
                        for (unsigned g = 0; g < cfg->nrgs; g++) {
                                state[g * CONF_MAX_NODES + i] =
                                        (uint8_t)cstate_group_state(cs, (uint16_t)i, g);
                                if (i != m->self && c->target_view[g] == v->view_id &&
                                    (st->ctl_view != v->view_id || st->ctl_seq < c->target_pub[g]))
                                        pending[g] = true;
                        }
                }
                eff = *cfg;
                if (v->home_only) {
                        /* `clmgr start cluster -o home`: groups not yet started
                         * come online on their home node only. */
                        rgs = zcalloc(cfg->nrgs, sizeof(*rgs));
                        memcpy(rgs, cfg->rgs, cfg->nrgs * sizeof(*rgs));
                        for (unsigned g = 0; g < cfg->nrgs; g++)
                                rgs[g].startup = RG_STARTUP_OHN;
                        eff.rgs = rgs;
                }
                rgm_input_t in = {.cfg = &eff,
                                  .members = mv->members,
                                  .eligible = eligible,
                                  .net_down = net_down,
                                  .state = state,
                                  .ctl = v->ctl};
                rgm_schedule(&in, out);
                for (unsigned g = 0; g < cfg->nrgs; g++) {
                        changed[g] = false;
                        if (pending[g])
                                continue; /* a member has not answered the last target change */
                        /* Revoke before grant: a target never moves from one
                         * node to another in one publication. Once every
                         * member has answered the revoke (target none), the
                         * old target, which acts only on its newest view,
                         * can no longer acquire under the old grant (found
                         * by the model with late status messages). */
                        if (v->target[g] != RGM_NO_NODE && out[g].target != RGM_NO_NODE &&
                            out[g].target != v->target[g]) {
                                out[g].target = RGM_NO_NODE;
                                out[g].why = "revoking the previous target first";
                                out[g].settled = false;
                        }
                        if (v->target[g] != out[g].target)
                                log_info("coord", "group %s target %d -> %d (%s)", cfg->rgs[g].name,
                                         v->target[g] == RGM_NO_NODE ? -1 : v->target[g],
                                         out[g].target == RGM_NO_NODE ? -1 : out[g].target,
                                         out[g].why ? out[g].why : "");
                        changed[g] = v->target[g] != out[g].target;
                        v->target[g] = out[g].target;
                        v->ctl[g] = out[g].ctl;
                }
                for (unsigned g = 0; g < cfg->nrgs; g++)
                        stable = stable && !pending[g] && !changed[g] && out[g].settled;
                free(rgs);
        }
        v->stable = stable;
        /* Report acknowledgements are not a publication (a report answering
         * a publication must not cause another one): they are sent with
         * the current ctl_seq. */
        bool acks = memcmp(before.report_ack, v->report_ack, sizeof(v->report_ack)) != 0;
        memcpy(before.report_ack, v->report_ack, sizeof(v->report_ack));
        if (memcmp(&before, v, sizeof(before)) != 0) {
                publish(cs);
                for (unsigned g = 0; v->targets_valid && g < cfg->nrgs; g++)
                        if (changed[g]) {
                                c->target_view[g] = v->view_id;
                                c->target_pub[g] = v->ctl_seq;
                        }
                return true;
        }
        return acks;
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

static int cmd_start(coord_t *c, cstate_t *cs, const hamr_config_t *cfg, json_t *req, char *err,
                     size_t errlen)
{
        cstate_ctl_t *v = &cs->ctl;
        uint64_t mask;
        bool all = !json_is_array(json_object_get(req, "nodes"));
        int r = node_list(cfg, json_object_get(req, "nodes"), &mask, err, errlen);

        if (r < 0)
                return r;
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                if (!(mask & (1ULL << i)))
                        continue;
                v->want[i] = WANT_ACTIVE;
                for (unsigned g = 0; g < cfg->nrgs; g++)
                        if (c->stopped_by[g] == i && v->ctl[g].admin == RGM_ADMIN_OFFLINE) {
                                v->ctl[g].admin = RGM_ADMIN_AUTO;
                                v->ctl[g].started = false;
                                c->stopped_by[g] = RGM_NO_NODE;
                        }
        }
        if (all) {
                /* A cluster start runs every group's startup policy again. */
                for (unsigned g = 0; g < cfg->nrgs; g++) {
                        v->ctl[g].admin = RGM_ADMIN_AUTO;
                        v->ctl[g].pol_node = RGM_NO_NODE;
                        v->ctl[g].move_node = RGM_NO_NODE;
                        v->ctl[g].started = false;
                        v->clear_seq[g]++;
                        c->stopped_by[g] = RGM_NO_NODE;
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
        int r = node_list(cfg, json_object_get(req, "nodes"), &mask, err, errlen);

        if (r < 0)
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
                v->want[i] = want;
                if (want != WANT_STOP_OFFLINE || !st)
                        continue;
                for (unsigned g = 0; g < cfg->nrgs; g++)
                        if (holds(cstate_group_state(cs, (uint16_t)i, g)) || v->target[g] == i) {
                                v->ctl[g].admin = RGM_ADMIN_OFFLINE;
                                c->stopped_by[g] = (uint16_t)i;
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
        adopt_generation(c, cs, cfg);
        if (!op)
                op = "";
        if (!strcmp(op, "start"))
                r = cmd_start(c, cs, cfg, req, err, errlen);
        else if (!strcmp(op, "stop"))
                r = cmd_stop(c, cs, cfg, req, err, errlen);
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
                for (unsigned k = 0; k < ng; k++) {
                        rgm_ctl_t *ctl = &v->ctl[groups[k]];
                        if (!strcmp(op, "rg_offline")) {
                                ctl->admin = RGM_ADMIN_OFFLINE;
                        } else if (!strcmp(op, "rg_online") || !strcmp(op, "rg_move")) {
                                const conf_rg_t *rg = &cfg->rgs[groups[k]];
                                ctl->admin = RGM_ADMIN_AUTO;
                                if (nidx >= 0 && rg->nnodes > 0 &&
                                    rg->nodes[0] == cfg->nodes[nidx].id) {
                                        /* to the highest-priority node: a
                                         * one-shot move that clears the
                                         * priority override location */
                                        ctl->pol_node = RGM_NO_NODE;
                                        ctl->move_node = (uint16_t)cfg->nodes[nidx].id;
                                } else if (nidx >= 0) {
                                        ctl->pol_node = (uint16_t)cfg->nodes[nidx].id;
                                        ctl->move_node = RGM_NO_NODE;
                                }
                                ctl->started = true;
                        } else {
                                snprintf(err, errlen, "unknown operation \"%s\"", op);
                                return -HAMR_E_BAD_VALUE;
                        }
                        v->clear_seq[groups[k]]++;
                        c->stopped_by[groups[k]] = RGM_NO_NODE;
                }
                r = 0;
        }
        if (r == 0) {
                log_info("coord", "command %s accepted", op);
                publish(cs);
        }
        return r;
}
