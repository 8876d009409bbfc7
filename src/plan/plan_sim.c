/* plan_sim.c: what-if runs of the planner (plan_sim.h). Pure. */
#include "plan/plan_sim.h"

#include <string.h>

#include "plan/plan.h"

#define BIT(id) (UINT64_C(1) << (id))

static const char *const EVENT_NAMES[PLAN_SIM_COUNT] = {
    [PLAN_SIM_NODE_DOWN] = "node_down",
    [PLAN_SIM_NODE_UP] = "node_up",
    [PLAN_SIM_NETWORK_DOWN] = "network_down",
    [PLAN_SIM_RG_MOVE] = "rg_move",
};

const char *plan_sim_event_name(plan_sim_event_t ev)
{
        return ev < PLAN_SIM_COUNT ? EVENT_NAMES[ev] : "?";
}

plan_sim_event_t plan_sim_event_by_name(const char *name)
{
        for (unsigned k = 0; name && k < PLAN_SIM_COUNT; k++)
                if (strcmp(EVENT_NAMES[k], name) == 0)
                        return (plan_sim_event_t)k;
        return PLAN_SIM_COUNT;
}

static bool configured(const hamr_config_t *cfg, int node)
{
        return node >= 0 && hamr_config_node_by_id(cfg, (uint32_t)node) >= 0;
}

static bool in_list(const conf_rg_t *rg, int node)
{
        for (unsigned k = 0; k < rg->nnodes; k++)
                if ((int)rg->nodes[k] == node)
                        return true;
        return false;
}

static unsigned popcount64(uint64_t x)
{
        unsigned n = 0;

        for (; x; x &= x - 1)
                n++;
        return n;
}

/* A new view with these members: the control state carried over, targets
 * not valid until every member answered it (as coord's adopt_view). */
static void new_view(plan_input_t *in, uint64_t members)
{
        unsigned n = popcount64(members), all = in->cfg->nnodes;

        in->members = members;
        in->view_id++;
        in->ctl.view_id = in->view_id;
        in->ctl.ctl_seq = 1;
        in->ctl.targets_valid = false;
        in->ctl.stable = false;
        /* a majority, or exactly half with the tie-breaker lease (assumed won) */
        in->quorate = 2 * n > all || (2 * n == all && n > 0);
        if (!(members & BIT(in->self)))
                for (int i = 0; i < CONF_MAX_NODES; i++)
                        if (members & BIT(i)) {
                                in->self = (uint16_t)i; /* the next coordinator */
                                break;
                        }
}

static uint8_t services_for(uint8_t want)
{
        switch (want) {
        case WANT_ACTIVE:
                return SVC_ACTIVE;
        case WANT_UNMANAGE:
                return SVC_UNMANAGED;
        default:
                return SVC_INACTIVE;
        }
}

/* The members' part after a decision: each reports its services as wanted
 * and its groups where the targets are (an ERROR stays), answering the
 * control state; a node ordered to reset (poison pill) leaves the view. */
static void members_follow(plan_input_t *in, const plan_output_t *out, uint64_t netdown)
{
        const hamr_config_t *cfg = in->cfg;
        uint64_t fenced = 0;

        memcpy(&in->ctl, &out->ctl, sizeof(in->ctl));
        memcpy(&in->mem, &out->mem, sizeof(in->mem));
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                plan_node_t *n = &in->node[i];
                unsigned held = 0;

                if (!(in->members & BIT(i)))
                        continue;
                if (out->ctl.want[i] == WANT_FENCE) {
                        fenced |= BIT(i);
                        continue;
                }
                n->have_report = true;
                n->services = services_for(out->ctl.want[i]);
                n->generation = cfg->generation;
                n->ctl_view = out->ctl.view_id;
                n->ctl_seq = out->ctl.ctl_seq;
                n->report_seq++;
                n->last_heard = in->now;
                /* without valid targets a node keeps what it holds */
                for (unsigned g = 0; out->ctl.targets_valid && g < cfg->nrgs && g < CONF_MAX_RGS;
                     g++) {
                        uint8_t *s = &in->state[(size_t)g * CONF_MAX_NODES + i];
                        bool here = out->ctl.targets_valid &&
                                    (out->ctl.target[g] == i || (out->ctl.cnodes[g] >> i & 1u)) &&
                                    n->services == SVC_ACTIVE;
                        if (*s == RG_S_ERROR && !here)
                                continue;
                        *s = here ? RG_S_ONLINE : RG_S_OFFLINE;
                        held += here;
                }
                if (out->ctl.targets_valid)
                        n->held = held;
                if (netdown & BIT(i)) {
                        n->net = NET_NO_CARRIER;
                        n->net_heard = 0;
                        n->reach &= (uint8_t)~CSTATE_REACH_OK;
                } else {
                        n->net_heard &= ~netdown;
                }
        }
        if (fenced) {
                for (int i = 0; i < CONF_MAX_NODES; i++)
                        if (fenced & BIT(i)) {
                                memset(&in->node[i], 0, sizeof(in->node[i]));
                                for (unsigned g = 0; g < cfg->nrgs && g < CONF_MAX_RGS; g++)
                                        in->state[(size_t)g * CONF_MAX_NODES + i] = RG_S_UNKNOWN;
                        }
                new_view(in, in->members & ~fenced);
        }
}

/* Applies the event to the copy. -1 if it does not apply. */
static int apply(plan_input_t *in, plan_sim_event_t ev, int node, int group, uint64_t *netdown)
{
        const hamr_config_t *cfg = in->cfg;
        plan_node_t *n;

        if (!configured(cfg, node) || node >= CONF_MAX_NODES)
                return -1;
        n = &in->node[node];
        switch (ev) {
        case PLAN_SIM_NODE_DOWN:
                if (!(in->members & BIT(node)))
                        return -1;
                memset(n, 0, sizeof(*n));
                for (unsigned g = 0; g < cfg->nrgs && g < CONF_MAX_RGS; g++)
                        in->state[(size_t)g * CONF_MAX_NODES + node] = RG_S_UNKNOWN;
                new_view(in, in->members & ~BIT(node));
                return 0;
        case PLAN_SIM_NODE_UP:
                if ((in->members & BIT(node)) && in->ctl.want[node] == WANT_ACTIVE)
                        return -1;
                if (!(in->members & BIT(node))) {
                        memset(n, 0, sizeof(*n));
                        n->incarnation = in->ctl.want_inc[node] + 1;
                        n->disk_ok = true;
                        n->fenced = true;
                        n->net = NET_OK;
                        n->net_heard = in->members;
                        n->repo_index = in->ctl.repo_index;
                        for (unsigned g = 0; g < cfg->nrgs && g < CONF_MAX_RGS; g++)
                                in->state[(size_t)g * CONF_MAX_NODES + node] = RG_S_OFFLINE;
                        for (int i = 0; i < CONF_MAX_NODES; i++)
                                if (in->members & BIT(i))
                                        in->node[i].net_heard |= BIT(node);
                        new_view(in, in->members | BIT(node));
                }
                if (!n->incarnation)
                        n->incarnation = 1;
                in->ctl.want[node] = WANT_ACTIVE; /* clmgr start node */
                in->ctl.want_inc[node] = n->incarnation;
                in->ctl.ctl_seq++;
                return 0;
        case PLAN_SIM_NETWORK_DOWN:
                if (!(in->members & BIT(node)))
                        return -1;
                *netdown |= BIT(node);
                return 0;
        case PLAN_SIM_RG_MOVE:
                if (group < 0 || (unsigned)group >= cfg->nrgs || !in_list(&cfg->rgs[group], node) ||
                    !(in->members & BIT(node)) || in->ctl.want[node] != WANT_ACTIVE)
                        return -1;
                rgm_ctl_move(&in->ctl.ctl[group], &cfg->rgs[group], node);
                in->ctl.clear_seq[group]++;
                in->mem.stopped_by[group] = RGM_NO_NODE;
                in->ctl.ctl_seq++;
                return 0;
        default:
                return -1;
        }
}

int plan_simulate(const plan_input_t *from, plan_sim_event_t ev, int node, int group,
                  plan_input_t *in, plan_output_t *out, plan_sim_result_t *res)
{
        const hamr_config_t *cfg = from->cfg;
        uint64_t netdown = 0;
        usec_t start, step, horizon;
        unsigned quiet = 0;

        memset(res, 0, sizeof(*res));
        if (!cfg)
                return -1;
        memcpy(in, from, sizeof(*in));
        plan_adopt_generation(&in->ctl, &in->mem, cfg);
        for (unsigned g = 0; g < cfg->nrgs && g < CONF_MAX_RGS; g++)
                res->before[g] = res->after[g] = in->ctl.target[g];
        if (apply(in, ev, node, group, &netdown) < 0)
                return -1;
        /* the members hear each other and answer the event's publication */
        {
                plan_output_t *o = out;
                memcpy(&o->ctl, &in->ctl, sizeof(o->ctl));
                memcpy(&o->mem, &in->mem, sizeof(o->mem));
                members_follow(in, o, netdown);
        }
        in->view_agreed = true;
        res->quorate = in->quorate;
        start = in->now;
        step = cfg->hb_interval_usec ? cfg->hb_interval_usec : 100000;
        horizon = in->detect_usec + cfg->net_fdt_usec;
        for (res->rounds = 0; res->rounds < PLAN_SIM_MAX_ROUNDS; res->rounds++) {
                bool waiting = false; /* a node-level wait still runs (STABLE regardless) */

                plan(in, out);
                for (unsigned k = 0; k < out->nlog; k++) {
                        const plan_entry_t *e = &out->log[k];
                        if (e->code == PLAN_WHY_NET_WORSE || e->code == PLAN_WHY_ARR_FAILING)
                                waiting = true;
                        if (e->group >= 0 && (unsigned)e->group < cfg->nrgs) {
                                if (e->changed) {
                                        res->changed[e->group] = true;
                                        res->code[e->group] = e->code;
                                } else if (!res->changed[e->group]) {
                                        res->code[e->group] = e->code;
                                }
                        } else if (e->node >= 0 && e->node < CONF_MAX_NODES && e->code < 64 &&
                                   e->group < 0) {
                                res->node_codes[e->node] |= UINT64_C(1) << e->code;
                        }
                }
                /* settled: STABLE, nothing pending, and long enough for
                 * every member to be of standing and a network failure to
                 * be detected (selective fallover waits for both) */
                if (!out->publish && out->ctl.stable && !waiting && in->now - start >= horizon) {
                        res->settled = true;
                        break;
                }
                quiet = out->publish ? 0 : quiet + 1;
                if (quiet > 20 && in->now - start >= 4 * horizon)
                        break;
                members_follow(in, out, netdown);
                /* the planner's own waits (network detection, settling) jump ahead */
                if (!out->publish && out->next_wakeup != USEC_INFINITY &&
                    out->next_wakeup > in->now + step &&
                    out->next_wakeup - in->now <= 10 * in->detect_usec)
                        in->now = out->next_wakeup;
                else
                        in->now += step;
                in->wall = from->wall + (int64_t)((in->now - from->now) / 1000000);
                for (int i = 0; i < CONF_MAX_NODES; i++)
                        if (in->members & BIT(i))
                                in->node[i].last_heard = in->now;
        }
        res->elapsed = in->now - start;
        for (unsigned g = 0; g < cfg->nrgs && g < CONF_MAX_RGS; g++)
                res->after[g] = out->ctl.targets_valid ? out->ctl.target[g] : in->ctl.target[g];
        return 0;
}
