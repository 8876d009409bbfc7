/* plan_dnp.c: fallover using dynamic node priority (FUDNP): which eligible
 * node has the best sampled value. Pure; the rules are on plan_dnp_apply
 * in plan_dnp.h. */
#include "plan/plan_dnp.h"

#include <stdio.h>

#include "plan/plan_why.h"

#define BIT(id) (UINT64_C(1) << (id))

static const plan_why_t CODE_OF[CONF_DNP_COUNT] = {
    [CONF_DNP_FREE_MEM] = PLAN_WHY_DNP_FREE_MEM,
    [CONF_DNP_IDLE_CPU] = PLAN_WHY_DNP_IDLE_CPU,
    [CONF_DNP_DISK_BUSY] = PLAN_WHY_DNP_DISK_BUSY,
    [CONF_DNP_SCRIPT_HIGH] = PLAN_WHY_DNP_SCRIPT_HIGH,
    [CONF_DNP_SCRIPT_LOW] = PLAN_WHY_DNP_SCRIPT_LOW,
};

bool plan_why_is_dnp(plan_why_t code)
{
        return code >= PLAN_WHY_DNP_FREE_MEM && code <= PLAN_WHY_DNP_NO_VALUE;
}

bool plan_dnp_value(const plan_input_t *in, unsigned g, int id, int64_t *ret_value)
{
        const conf_rg_t *rg = &in->cfg->rgs[g];
        const plan_node_t *n = &in->node[id];
        uint8_t rc;

        if (!n->have_report)
                return false;
        switch (rg->dnp_policy) {
        case CONF_DNP_FREE_MEM:
                if (!(n->dnp.have & CSTATE_DNP_MEM))
                        return false;
                *ret_value = n->dnp.mem_free_mb;
                return true;
        case CONF_DNP_IDLE_CPU:
                if (!(n->dnp.have & CSTATE_DNP_CPU))
                        return false;
                *ret_value = n->dnp.cpu_idle_pm;
                return true;
        case CONF_DNP_DISK_BUSY:
                if (!(n->dnp.have & CSTATE_DNP_DISK))
                        return false;
                *ret_value = n->dnp.disk_busy_pm;
                return true;
        case CONF_DNP_SCRIPT_HIGH:
        case CONF_DNP_SCRIPT_LOW:
                if (g >= CONF_MAX_RGS || !(in->dnp_have[g] & BIT(id)))
                        return false;
                rc = in->dnp_rc[(size_t)g * CONF_MAX_NODES + (unsigned)id];
                if (rg->dnp_policy == CONF_DNP_SCRIPT_LOW && rc == 0)
                        return false; /* PowerHA: the lowest non-zero exit code */
                *ret_value = rc;
                return true;
        default:
                return false;
        }
}

/* a is better than b for the policy (strictly: ties keep list order) */
static bool better(conf_dnp_t p, int64_t a, int64_t b)
{
        return p == CONF_DNP_DISK_BUSY || p == CONF_DNP_SCRIPT_LOW ? a < b : a > b;
}

/* The member holding g (the scheduler sends a lone RELEASING holder its own
 * group back): -1 if none. */
static int holder(const plan_input_t *in, unsigned g)
{
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                uint8_t s = in->state[(size_t)g * CONF_MAX_NODES + (unsigned)i];
                if (!(in->members & BIT(i)) || s == RG_S_OFFLINE || s == RG_S_UNKNOWN)
                        continue;
                if (s == RG_S_ERROR && (in->failed_here[g] & BIT(i)))
                        continue; /* released by a monitor fallover: counts as OFFLINE */
                return i;
        }
        return -1;
}

/* The member with g ACQUIRING or ONLINE, if it is the only holder: -1 if none. */
static int active_holder(const plan_input_t *in, unsigned g)
{
        int h = holder(in, g);
        uint8_t s = h >= 0 ? in->state[(size_t)g * CONF_MAX_NODES + (unsigned)h] : RG_S_OFFLINE;

        return s == RG_S_ACQUIRING || s == RG_S_ONLINE ? h : -1;
}

/* Nodes of g's list that are members, eligible, have not failed it and,
 * for a group with service IPs, whose network is not down. */
static uint64_t ok_nodes(const plan_input_t *in, const rgm_input_t *rin, unsigned g)
{
        const conf_rg_t *rg = &in->cfg->rgs[g];
        uint64_t ok = 0;

        for (unsigned k = 0; k < rg->nnodes; k++)
                if (rg->nodes[k] < CONF_MAX_NODES)
                        ok |= BIT(rg->nodes[k]);
        ok &= rin->members & rin->eligible & ~in->failed_here[g];
        if (rg->nsips > 0)
                ok &= ~rin->net_down;
        return ok;
}

/* FBHPN after a FUDNP fallover: the scheduler again, with the nodes passed
 * over left out, so that it falls back only to a node that joined since. */
static void fallback_skipping(const plan_input_t *in, const rgm_input_t *rin, uint64_t skip,
                              unsigned g, rgm_output_t *ro)
{
        rgm_output_t tmp[CONF_MAX_RGS]; /* as monitor_fallover in plan.c */
        int h = active_holder(in, g);
        rgm_input_t r = *rin;

        if (h < 0 || !(ok_nodes(in, rin, g) & BIT(h)) || in->failed_here[g])
                return;
        r.eligible &= ~(skip & ~BIT(h));
        rgm_schedule(&r, tmp);
        ro[g] = tmp[g];
}

static bool clears_skip(plan_why_t why)
{
        return why == PLAN_WHY_STARTUP_HOME || why == PLAN_WHY_STARTUP_FIRST ||
               why == PLAN_WHY_STARTUP_DIST || why == PLAN_WHY_MOVE || why == PLAN_WHY_POL ||
               why == PLAN_WHY_ADMIN_OFFLINE || why == PLAN_WHY_NO_HOME;
}

void plan_dnp_apply(const plan_input_t *in, const rgm_input_t *rin, const cstate_ctl_t *ctl,
                    plan_memory_t *mem, rgm_output_t *ro, plan_why_t *codes, int64_t *values)
{
        const hamr_config_t *cfg = in->cfg;

        for (unsigned g = 0; g < cfg->nrgs && g < CONF_MAX_RGS; g++) {
                const conf_rg_t *rg = &cfg->rgs[g];
                uint64_t ok;
                int best = -1;
                int64_t best_v = INT64_MIN, v;

                values[g] = INT64_MIN;
                if (rg->fallover != RG_FALLOVER_FUDNP) {
                        mem->dnp_skip[g] = 0;
                        continue;
                }
                /* a node that stopped being eligible joins again later */
                mem->dnp_skip[g] &= rin->members & rin->eligible;
                if (clears_skip(plan_why_of_rgm(ro[g].why)))
                        mem->dnp_skip[g] = 0;
                if (mem->dnp_skip[g] && rg->fallback == RG_FALLBACK_FBHPN &&
                    codes[g] == PLAN_WHY_NONE)
                        fallback_skipping(in, rin, mem->dnp_skip[g], g, ro);
                if (codes[g] != PLAN_WHY_NONE || ro[g].target == RGM_NO_NODE ||
                    plan_why_of_rgm(ro[g].why) != PLAN_WHY_FALLOVER || holder(in, g) >= 0)
                        continue;
                ok = ok_nodes(in, rin, g);
                /* a fallover: the node it was last online on may no longer
                 * host it. Never online (an administrator's online), or
                 * released by a node that still may (a fallback on its
                 * way): not a fallover */
                if (rin->ctl[g].last_node >= CONF_MAX_NODES || (ok & BIT(rin->ctl[g].last_node)))
                        continue;
                /* a fallover in progress keeps its target */
                if (ctl->target[g] < CONF_MAX_NODES && (ok & BIT(ctl->target[g]))) {
                        best = ctl->target[g];
                        if (!plan_dnp_value(in, g, best, &best_v))
                                best_v = INT64_MIN;
                } else {
                        for (unsigned k = 0; k < rg->nnodes; k++) {
                                int id = (int)rg->nodes[k];
                                if (id >= CONF_MAX_NODES || !(ok & BIT(id)) ||
                                    !plan_dnp_value(in, g, id, &v))
                                        continue;
                                if (best < 0 || better(rg->dnp_policy, v, best_v)) {
                                        best = id;
                                        best_v = v;
                                }
                        }
                        if (best < 0)
                                best = ro[g].target; /* no value: the next priority node */
                        mem->dnp_skip[g] = ok & ~BIT(best);
                }
                codes[g] = best_v == INT64_MIN ? PLAN_WHY_DNP_NO_VALUE : CODE_OF[rg->dnp_policy];
                values[g] = best_v;
                ro[g].target = (uint16_t)best;
                ro[g].settled = false;
        }
}

void plan_dnp_value_str(plan_why_t code, int64_t value, char *buf, size_t len)
{
        if (value == INT64_MIN) {
                snprintf(buf, len, "no value");
                return;
        }
        switch (code) {
        case PLAN_WHY_DNP_FREE_MEM:
                snprintf(buf, len, "%lld MiB free", (long long)value);
                break;
        case PLAN_WHY_DNP_IDLE_CPU:
                snprintf(buf, len, "%lld.%lld%% idle CPU", (long long)value / 10,
                         (long long)value % 10);
                break;
        case PLAN_WHY_DNP_DISK_BUSY:
                snprintf(buf, len, "%lld.%lld%% disk busy", (long long)value / 10,
                         (long long)value % 10);
                break;
        default:
                snprintf(buf, len, "exit code %lld", (long long)value);
                break;
        }
}

void plan_dnp_describe(plan_why_t code, const char *node, int64_t value, char *buf, size_t len)
{
        static const char *const WORDS[] = {
            "highest free memory",
            "highest idle CPU",
            "lowest disk busy",
            "highest user script exit code",
            "lowest non-zero user script exit code",
        };
        char v[48];

        if (code == PLAN_WHY_DNP_NO_VALUE || !plan_why_is_dnp(code)) {
                snprintf(buf, len,
                         "fallover to %s: next priority node (no eligible node has a dynamic "
                         "node priority value)",
                         node);
                return;
        }
        plan_dnp_value_str(code, value, v, sizeof(v));
        snprintf(buf, len, "fallover to %s: %s (%s)", node, WORDS[code - PLAN_WHY_DNP_FREE_MEM], v);
}
