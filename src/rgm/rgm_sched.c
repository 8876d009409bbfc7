/* rgm_sched.c: the resource group scheduler, rgm_schedule().
 *
 * A pure function: no I/O, no clock, no globals. Each group is decided on its
 * own from the configuration, the membership and eligibility masks, the states
 * reported by the members and the group's control state. The rules, in the
 * order they are applied, are documented on rgm_schedule() in rgm.h.
 */
#include <assert.h>
#include <stddef.h>

#include "rgm/rgm.h"

#define BIT(id) (UINT64_C(1) << (id))

/* Reasons (rgm_output_t.why). Static, never formatted. */
static const char WHY_UNMANAGED[] = "unmanaged on node";
static const char WHY_ERROR[] = "error on node";
static const char WHY_MULTIPLE[] = "online on more than one node";
static const char WHY_ADMIN_OFFLINE[] = "offline by administrator";
static const char WHY_POL[] = "priority override location";
static const char WHY_MOVE[] = "moved by the administrator";
static const char WHY_FALLBACK[] = "fallback to higher priority node";
static const char WHY_STAY[] = "online on current node";
static const char WHY_HOME[] = "startup on home node";
static const char WHY_NO_HOME[] = "home node not available";
static const char WHY_FIRST[] = "startup on first available node";
static const char WHY_FALLOVER[] = "fallover to next priority node";
static const char WHY_NO_NODE[] = "no available node";
static const char WHY_WAIT_RELEASE[] = "waiting for release";
static const char WHY_WAIT_REPORT[] = "waiting for a member's report";
static const char WHY_DIST[] = "startup using the distribution policy";
static const char WHY_NO_DIST[] = "no node free of another OUDP group";
static const char WHY_BO[] = "brought offline after its node failed (fallover policy BO)";

/* What the members report about one group, as bit masks of node ids. */
typedef struct group_view {
        uint64_t listed;    /* nodes in the group's NODES */
        uint64_t ok;        /* listed, member and eligible: may be desired */
        uint64_t holders;   /* members reporting ACQUIRING/ONLINE/RELEASING/ERROR/UNMANAGED */
        uint64_t active;    /* members reporting ACQUIRING or ONLINE */
        uint64_t error;     /* members reporting ERROR */
        uint64_t unmanaged; /* members reporting UNMANAGED */
        uint64_t unknown;   /* members with no valid report: they might hold it */
} group_view_t;

/* State of group g as reported by node id; RG_S_UNKNOWN for non-members and
 * for values outside rg_state_t (a non-member holds nothing). */
static rg_state_t reported(const rgm_input_t *in, unsigned g, unsigned id)
{
        uint8_t s;

        if (id >= CONF_MAX_NODES || !(in->members & BIT(id)))
                return RG_S_UNKNOWN;
        s = in->state[(size_t)g * CONF_MAX_NODES + id];
        if (s >= RG_S_COUNT)
                return RG_S_UNKNOWN;
        return (rg_state_t)s;
}

static void build_view(const rgm_input_t *in, unsigned g, group_view_t *v)
{
        const conf_rg_t *rg = &in->cfg->rgs[g];
        unsigned i, id;

        *v = (group_view_t){0};
        for (i = 0; i < rg->nnodes && i < CONF_MAX_NODES; i++)
                if (rg->nodes[i] < CONF_MAX_NODES)
                        v->listed |= BIT(rg->nodes[i]);
        v->ok = v->listed & in->members & in->eligible;
        if (rg->nsips > 0)
                v->ok &= ~in->net_down;

        for (id = 0; id < CONF_MAX_NODES; id++) {
                switch (reported(in, g, id)) {
                case RG_S_ACQUIRING:
                case RG_S_ONLINE:
                        v->active |= BIT(id);
                        v->holders |= BIT(id);
                        break;
                case RG_S_RELEASING:
                        v->holders |= BIT(id);
                        break;
                case RG_S_ERROR:
                        v->error |= BIT(id);
                        v->holders |= BIT(id);
                        break;
                case RG_S_UNMANAGED:
                        v->unmanaged |= BIT(id);
                        v->holders |= BIT(id);
                        break;
                case RG_S_UNKNOWN:
                        if (in->members & BIT(id))
                                v->unknown |= BIT(id);
                        break;
                default: /* OFFLINE */
                        break;
                }
        }
}

/* Highest-priority node of the group's NODES that is in mask, or RGM_NO_NODE. */
static uint16_t first_in_list(const conf_rg_t *rg, uint64_t mask)
{
        unsigned i;

        for (i = 0; i < rg->nnodes && i < CONF_MAX_NODES; i++)
                if (rg->nodes[i] < CONF_MAX_NODES && (mask & BIT(rg->nodes[i])))
                        return (uint16_t)rg->nodes[i];
        return RGM_NO_NODE;
}

/* Index of the single bit set in mask (mask has exactly one bit set). */
static uint16_t only_bit(uint64_t mask)
{
        return (uint16_t)__builtin_ctzll(mask);
}

/* The node the group should be on once nobody else holds it (rule 5). */
static uint16_t desired_node(const conf_rg_t *rg, const rgm_ctl_t *ctl, const group_view_t *v,
                             bool home_only, uint64_t dist_taken, const char **ret_why)
{
        uint16_t node;

        if (ctl->pol_node < CONF_MAX_NODES && (v->ok & BIT(ctl->pol_node))) {
                *ret_why = WHY_POL;
                return ctl->pol_node;
        }
        if (ctl->move_node < CONF_MAX_NODES && (v->ok & BIT(ctl->move_node))) {
                *ret_why = WHY_MOVE;
                return ctl->move_node;
        }

        /* At most one holder here: more were handled by the caller. */
        if (v->active & v->ok) {
                node = only_bit(v->active);
                if (rg->fallback == RG_FALLBACK_FBHPN) {
                        uint16_t best = first_in_list(rg, v->ok);

                        if (best != node) {
                                *ret_why = WHY_FALLBACK;
                                return best;
                        }
                }
                *ret_why = WHY_STAY;
                return node;
        }

        if (!ctl->started) {
                if (rg->startup == RG_STARTUP_OHN || home_only) {
                        if (rg->nnodes > 0 && rg->nodes[0] < CONF_MAX_NODES &&
                            (v->ok & BIT(rg->nodes[0]))) {
                                *ret_why = WHY_HOME;
                                return (uint16_t)rg->nodes[0];
                        }
                        *ret_why = WHY_NO_HOME;
                        return RGM_NO_NODE;
                }
                if (rg->startup == RG_STARTUP_OUDP) {
                        /* at most one OUDP group per node at startup */
                        node = first_in_list(rg, v->ok & ~dist_taken);
                        *ret_why = node != RGM_NO_NODE                       ? WHY_DIST
                                   : first_in_list(rg, v->ok) != RGM_NO_NODE ? WHY_NO_DIST
                                                                             : WHY_NO_NODE;
                        return node;
                }
                node = first_in_list(rg, v->ok); /* OFAN */
                *ret_why = node != RGM_NO_NODE ? WHY_FIRST : WHY_NO_NODE;
                return node;
        }

        if (rg->fallover == RG_FALLOVER_BO) {
                /* BO: not moved; offline until the administrator acts */
                *ret_why = WHY_BO;
                return RGM_NO_NODE;
        }
        node = first_in_list(rg, v->ok); /* FNPN */
        *ret_why = node != RGM_NO_NODE ? WHY_FALLOVER : WHY_NO_NODE;
        return node;
}

/* Target of group g (rules 1 to 6). */
static uint16_t target_node(const rgm_input_t *in, unsigned g, const group_view_t *v,
                            uint64_t dist_taken, const char **ret_why)
{
        const rgm_ctl_t *ctl = &in->ctl[g];
        uint16_t desired;

        if (v->unmanaged) {
                /* Left running by its node: it stays that node's, so that
                 * resuming management restarts nothing. */
                *ret_why = WHY_UNMANAGED;
                if (v->holders == v->unmanaged && !(v->unmanaged & (v->unmanaged - 1)))
                        return only_bit(v->unmanaged);
                return RGM_NO_NODE;
        }
        if (v->error) {
                *ret_why = WHY_ERROR;
                return RGM_NO_NODE;
        }
        if (v->unknown) {
                /* A member that has not told us what it holds may hold it:
                 * never acquire elsewhere on a guess. */
                *ret_why = WHY_WAIT_REPORT;
                return RGM_NO_NODE;
        }
        if (v->holders & (v->holders - 1)) {
                *ret_why = WHY_MULTIPLE;
                return RGM_NO_NODE;
        }
        if (ctl->admin == RGM_ADMIN_OFFLINE) {
                *ret_why = WHY_ADMIN_OFFLINE;
                return RGM_NO_NODE;
        }

        desired = desired_node(&in->cfg->rgs[g], ctl, v, in->home_only, dist_taken, ret_why);
        if (desired == RGM_NO_NODE)
                return RGM_NO_NODE;
        if (v->holders & ~BIT(desired)) {
                *ret_why = WHY_WAIT_RELEASE;
                return RGM_NO_NODE;
        }
        return desired;
}

/* Nodes that hold an OUDP group or are its target already (the
 * distribution policy: at most one per node at startup). */
static uint64_t dist_held(const rgm_input_t *in)
{
        uint64_t taken = 0;

        for (unsigned g = 0; g < in->cfg->nrgs; g++) {
                group_view_t v;
                if (in->cfg->rgs[g].startup != RG_STARTUP_OUDP)
                        continue;
                build_view(in, g, &v);
                taken |= v.holders & ~v.error;
        }
        return taken;
}

void rgm_schedule(const rgm_input_t *in, rgm_output_t *out)
{
        uint64_t dist_taken;
        unsigned g;

        assert(in && in->cfg && out);
        assert(in->cfg->nrgs == 0 || (in->cfg->rgs && in->state && in->ctl));

        dist_taken = dist_held(in);
        for (g = 0; g < in->cfg->nrgs; g++) {
                group_view_t v;
                const char *why = NULL;
                uint16_t target;

                build_view(in, g, &v);
                target = target_node(in, g, &v, dist_taken, &why);
                if (in->cfg->rgs[g].startup == RG_STARTUP_OUDP && target != RGM_NO_NODE)
                        dist_taken |= BIT(target); /* groups in configuration order */

                out[g].target = target;
                out[g].why = why;
                out[g].settled =
                    why != WHY_WAIT_RELEASE && why != WHY_WAIT_REPORT && why != WHY_MULTIPLE &&
                    (target == RGM_NO_NODE
                         ? !(v.holders & ~v.error & ~v.unmanaged)
                         : v.holders == BIT(target) && (reported(in, g, target) == RG_S_ONLINE ||
                                                        reported(in, g, target) == RG_S_UNMANAGED));
                out[g].ctl = in->ctl[g];
                if (target != RGM_NO_NODE && reported(in, g, target) == RG_S_ONLINE) {
                        out[g].ctl.started = true;
                        out[g].ctl.last_node = target;
                        if (target == in->ctl[g].move_node)
                                out[g].ctl.move_node = RGM_NO_NODE; /* the move is done */
                }
                /* its node left the view or stopped its services: forget the
                 * move (a node whose network is down for a while keeps it,
                 * and gets the group once the network is back) */
                if (in->ctl[g].move_node != RGM_NO_NODE &&
                    (in->ctl[g].move_node >= CONF_MAX_NODES ||
                     !(v.listed & in->members & in->eligible & BIT(in->ctl[g].move_node))))
                        out[g].ctl.move_node = RGM_NO_NODE;
                if (!(v.listed & in->members & in->eligible) && !v.holders && !v.unknown)
                        out[g].ctl.started = false; /* services stopped on all its nodes */
        }
}
