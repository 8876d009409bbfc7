/* plan_deps: dependencies between resource groups in the planner
 * (PowerHA's parent/child). A child is targeted only while every parent is
 * ONLINE on the parent's own target; a parent about to be released (it
 * falls over, moves, goes offline) keeps its node, and a parent nobody
 * holds is not acquired, until its children have released. So children
 * start after their parents and stop before them. Pure: no I/O, no clock, no globals. */
#include "plan/plan_deps.h"

#include <string.h>

#include "plan/plan_why.h"

#define BIT(id) (UINT64_C(1) << (id))

static uint8_t state_of(const plan_input_t *in, unsigned g, int i)
{
        return (in->members & BIT(i)) ? in->state[(size_t)g * CONF_MAX_NODES + i] : RG_S_UNKNOWN;
}

/* Some member holds g (acquiring, online or releasing). ERROR waits for
 * the administrator and UNMANAGED is not the cluster's to release: they
 * hold no parent back. */
static int held_by(const plan_input_t *in, unsigned g)
{
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                uint8_t s = state_of(in, g, i);

                if (s == RG_S_ACQUIRING || s == RG_S_ONLINE || s == RG_S_RELEASING)
                        return i;
        }
        return PLAN_NONE;
}

/* Depth of each group in the parent/child chains (0: no parent), at most
 * CONF_MAX_DEP_LEVELS - 1 (the configuration refuses deeper chains and
 * cycles; the bound keeps a broken one from looping). */
static void depths(const hamr_config_t *cfg, uint8_t *depth)
{
        memset(depth, 0, cfg->nrgs);
        for (unsigned round = 1; round < CONF_MAX_DEP_LEVELS; round++)
                for (unsigned d = 0; d < cfg->ndeps; d++) {
                        const conf_dep_t *dep = &cfg->deps[d];

                        if (dep->type != CONF_DEP_PARENT_CHILD || dep->parent < 0 ||
                            (unsigned)dep->parent >= cfg->nrgs)
                                continue;
                        for (unsigned k = 0; k < dep->nchildren; k++) {
                                int c = dep->children[k];

                                if (c >= 0 && (unsigned)c < cfg->nrgs &&
                                    depth[c] < depth[dep->parent] + 1)
                                        depth[c] =
                                            (uint8_t)(depth[dep->parent] + 1 < CONF_MAX_DEP_LEVELS
                                                          ? depth[dep->parent] + 1
                                                          : CONF_MAX_DEP_LEVELS - 1);
                        }
                }
}

/* The parent of child c that is not ONLINE on its (already decided)
 * target, or PLAN_NONE. */
static int parent_down(const plan_input_t *in, const rgm_output_t *ro, unsigned c)
{
        const hamr_config_t *cfg = in->cfg;

        for (unsigned d = 0; d < cfg->ndeps; d++) {
                const conf_dep_t *dep = &cfg->deps[d];
                int p = dep->parent;

                if (dep->type != CONF_DEP_PARENT_CHILD || p < 0 || (unsigned)p >= cfg->nrgs)
                        continue;
                for (unsigned k = 0; k < dep->nchildren; k++) {
                        uint16_t t = ro[p].target;

                        if (dep->children[k] != (int)c)
                                continue;
                        if (t >= CONF_MAX_NODES || state_of(in, (unsigned)p, t) != RG_S_ONLINE)
                                return p;
                }
        }
        return PLAN_NONE;
}

/* A child of p that some member holds, or PLAN_NONE. */
static int child_held(const plan_input_t *in, unsigned p)
{
        const hamr_config_t *cfg = in->cfg;

        for (unsigned d = 0; d < cfg->ndeps; d++) {
                const conf_dep_t *dep = &cfg->deps[d];

                if (dep->type != CONF_DEP_PARENT_CHILD || dep->parent != (int)p)
                        continue;
                for (unsigned k = 0; k < dep->nchildren; k++) {
                        int c = dep->children[k];

                        if (c >= 0 && (unsigned)c < cfg->nrgs && held_by(in, (unsigned)c) >= 0)
                                return c;
                }
        }
        return PLAN_NONE;
}

void plan_deps_apply(const plan_input_t *in, uint64_t eligible, rgm_output_t *ro, plan_why_t *codes,
                     int16_t *waits)
{
        const hamr_config_t *cfg = in->cfg;
        uint8_t depth[CONF_MAX_RGS];
        unsigned n = cfg->nrgs < CONF_MAX_RGS ? cfg->nrgs : CONF_MAX_RGS;

        for (unsigned g = 0; g < n; g++)
                waits[g] = PLAN_NONE;
        if (!cfg->ndeps)
                return;
        depths(cfg, depth);
        /* children wait for their parents, level by level: a grandchild
         * sees its parent's decision */
        for (uint8_t level = 1; level < CONF_MAX_DEP_LEVELS; level++)
                for (unsigned c = 0; c < n; c++) {
                        int p;

                        if (depth[c] != level || ro[c].target == RGM_NO_NODE ||
                            plan_why_of_rgm(ro[c].why) == PLAN_WHY_UNMANAGED ||
                            (p = parent_down(in, ro, c)) == PLAN_NONE)
                                continue;
                        ro[c].target = RGM_NO_NODE;
                        ro[c].settled = held_by(in, c) == PLAN_NONE;
                        codes[c] = PLAN_WHY_WAIT_PARENT;
                        waits[c] = (int16_t)p;
                }
        /* a parent about to be released keeps its node, and a parent
         * nobody holds is not acquired, while a child of it is held (the
         * children were decided above: a parent kept back does not let them
         * start again) */
        for (unsigned p = 0; p < n; p++) {
                int holder = held_by(in, p), c;

                if (ro[p].target == (holder < 0 ? RGM_NO_NODE : (uint16_t)holder) ||
                    (holder >= 0 &&
                     (state_of(in, p, holder) != RG_S_ONLINE || !(eligible & BIT(holder)))) ||
                    (c = child_held(in, p)) == PLAN_NONE)
                        continue;
                ro[p].target = holder < 0 ? RGM_NO_NODE : (uint16_t)holder;
                ro[p].settled = false;
                codes[p] = PLAN_WHY_WAIT_CHILDREN;
                waits[p] = (int16_t)c;
        }
}

int plan_deps_parent_offline(const hamr_config_t *cfg, unsigned c, const bool *online)
{
        for (unsigned d = 0; cfg && d < cfg->ndeps; d++) {
                const conf_dep_t *dep = &cfg->deps[d];
                int p = dep->parent;

                if (dep->type != CONF_DEP_PARENT_CHILD || p < 0 || (unsigned)p >= cfg->nrgs)
                        continue;
                for (unsigned k = 0; k < dep->nchildren; k++)
                        if (dep->children[k] == (int)c && !online[p])
                                return p;
        }
        return PLAN_NONE;
}
