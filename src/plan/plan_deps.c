/* plan_deps: dependencies between resource groups in the planner
 * (PowerHA's location dependencies and parent/child). Groups of an
 * ONLINE_ON_SAME_NODE set go where the first of them goes; groups of the
 * ONLINE_ON_DIFFERENT_NODES set claim nodes in priority order, a lower one
 * yielding its node to a higher one. Then parent/child: a child is targeted only while every parent
 * is ONLINE on the parent's own target; a parent about to be released (it falls over, moves, goes
 * offline) keeps its node, and a parent nobody holds is not acquired, until its children have
 * released. So children start after their parents and stop before them. Pure: no I/O, no clock, no
 * globals. */
#include "plan/plan_deps.h"

#include <stdio.h>
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

/* ---- location dependencies ---- */

/* Node n may host group g now: listed in its NODES, an eligible member
 * (ok[0]), and for a group with service IPs one whose network is not down
 * (ok[1]). */
static bool can_host(const plan_input_t *in, const uint64_t *ok, unsigned g, uint16_t n)
{
        const conf_rg_t *rg = &in->cfg->rgs[g];

        if (n >= CONF_MAX_NODES || !(ok[rg->nsips ? 1 : 0] & BIT(n)))
                return false;
        for (unsigned k = 0; k < rg->nnodes; k++)
                if (rg->nodes[k] == n)
                        return true;
        return false;
}

/* Group g is where target t wants it: ONLINE on t and nowhere else (t
 * none: offline everywhere). */
static bool settled_at(const plan_input_t *in, unsigned g, uint16_t t)
{
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                uint8_t s = state_of(in, g, i);

                if (i == t ? s != RG_S_ONLINE : (s != RG_S_OFFLINE && s != RG_S_UNKNOWN))
                        return false;
        }
        return true;
}

static void retarget(const plan_input_t *in, rgm_output_t *ro, plan_why_t *codes, int16_t *waits,
                     unsigned g, uint16_t t, plan_why_t code, int other)
{
        ro[g].target = t;
        ro[g].settled = settled_at(in, g, t);
        codes[g] = code;
        waits[g] = (int16_t)other;
}

static bool valid_group(const plan_input_t *in, int g)
{
        return g >= 0 && (unsigned)g < in->cfg->nrgs && g < CONF_MAX_RGS;
}

/* ONLINE_ON_SAME_NODE: the set goes where its anchor goes: the first group
 * (in GROUPS order) online on its own target, else the first with a
 * target. The others follow it (released first where they are held
 * elsewhere); one that cannot be on that node gets no target. A group the
 * scheduler would move away from the anchor's node stays. */
static void same_node(const plan_input_t *in, const uint64_t *ok, const conf_dep_t *dep,
                      rgm_output_t *ro, plan_why_t *codes, int16_t *waits)
{
        int anchor = PLAN_NONE;
        uint16_t t = RGM_NO_NODE;

        for (int pass = 0; pass < 2 && anchor == PLAN_NONE; pass++)
                for (unsigned k = 0; k < dep->ngroups && anchor == PLAN_NONE; k++) {
                        int g = dep->groups[k];

                        if (!valid_group(in, g) || ro[g].target == RGM_NO_NODE ||
                            (pass == 0 && state_of(in, (unsigned)g, ro[g].target) != RG_S_ONLINE))
                                continue;
                        anchor = g;
                        t = ro[g].target;
                }
        if (anchor == PLAN_NONE)
                return;
        for (unsigned k = 0; k < dep->ngroups; k++) {
                int g = dep->groups[k], h;
                plan_why_t why;

                if (!valid_group(in, g) || g == anchor || ro[g].target == t)
                        continue;
                why = plan_why_of_rgm(ro[g].why);
                h = held_by(in, (unsigned)g);
                if (ro[g].target == RGM_NO_NODE) {
                        /* only a move away from the set's node is undone */
                        if (why == PLAN_WHY_WAIT_RELEASE && h == t &&
                            state_of(in, (unsigned)g, t) == RG_S_ONLINE &&
                            can_host(in, ok, (unsigned)g, t))
                                retarget(in, ro, codes, waits, (unsigned)g, t, PLAN_WHY_SAME_NODE,
                                         anchor);
                        continue;
                }
                if (why == PLAN_WHY_UNMANAGED)
                        continue;
                if (!can_host(in, ok, (unsigned)g, t) || (h >= 0 && h != t))
                        retarget(in, ro, codes, waits, (unsigned)g, RGM_NO_NODE, PLAN_WHY_SAME_NODE,
                                 anchor);
                else
                        retarget(in, ro, codes, waits, (unsigned)g, t, PLAN_WHY_SAME_NODE, anchor);
        }
}

/* ONLINE_ON_DIFFERENT_NODES: groups claim nodes in priority order (HIGH,
 * INTERMEDIATE, LOW; within one, the groups online on their target first,
 * then in list order: a group never takes a node from one of its own
 * priority). A group whose node a higher one
 * claimed yields it (released where it runs, else placed on the next node
 * of its list nobody claimed, or nowhere); a group whose node a group
 * that yields still holds waits for that release. */
static void different_nodes(const plan_input_t *in, const uint64_t *ok, const conf_dep_t *dep,
                            rgm_output_t *ro, plan_why_t *codes, int16_t *waits)
{
        uint16_t want[CONF_MAX_DEP_GROUPS];
        int claimer[CONF_MAX_NODES];
        uint64_t taken = 0;

        unsigned order[CONF_MAX_DEP_GROUPS], norder = 0;

        for (int i = 0; i < CONF_MAX_NODES; i++)
                claimer[i] = PLAN_NONE;
        /* by priority; within one, the groups online on their target first */
        for (uint8_t p = CONF_DEP_HIGH; p <= CONF_DEP_LOW; p++)
                for (int pass = 0; pass < 2; pass++)
                        for (unsigned k = 0; k < dep->ngroups; k++) {
                                int g = dep->groups[k];
                                bool stays = valid_group(in, g) && ro[g].target < CONF_MAX_NODES &&
                                             state_of(in, (unsigned)g, ro[g].target) == RG_S_ONLINE;

                                if (dep->prio[k] == p && stays == (pass == 0))
                                        order[norder++] = k;
                        }
        for (unsigned o = 0; o < norder; o++) {
                unsigned k = order[o];
                int g = dep->groups[k];
                uint16_t t;
                const conf_rg_t *rg;

                want[k] = RGM_NO_NODE;
                if (!valid_group(in, g) || (t = ro[g].target) == RGM_NO_NODE || t >= CONF_MAX_NODES)
                        continue;
                want[k] = t;
                if (taken & BIT(t)) {
                        rg = &in->cfg->rgs[g];
                        want[k] = RGM_NO_NODE;
                        /* a group online there yields; one not yet
                         * placed takes the next free node of its list
                         * (startup on the home node only: none) */
                        if (held_by(in, (unsigned)g) < 0 &&
                            (ro[g].ctl.started || rg->startup != RG_STARTUP_OHN))
                                for (unsigned n = 0; n < rg->nnodes && want[k] == RGM_NO_NODE; n++)
                                        if (rg->nodes[n] < CONF_MAX_NODES &&
                                            !(taken & BIT(rg->nodes[n])) &&
                                            can_host(in, ok, (unsigned)g, (uint16_t)rg->nodes[n]))
                                                want[k] = (uint16_t)rg->nodes[n];
                        retarget(in, ro, codes, waits, (unsigned)g, want[k], PLAN_WHY_YIELD,
                                 claimer[t]);
                }
                if (want[k] != RGM_NO_NODE) {
                        taken |= BIT(want[k]);
                        claimer[want[k]] = g;
                }
        }
        for (unsigned k = 0; k < dep->ngroups; k++) {
                int g = dep->groups[k];

                if (want[k] == RGM_NO_NODE)
                        continue;
                for (unsigned j = 0; j < dep->ngroups; j++) {
                        int l = dep->groups[j];

                        if (j == k || !valid_group(in, l) || want[j] == want[k] ||
                            held_by(in, (unsigned)l) != want[k])
                                continue;
                        retarget(in, ro, codes, waits, (unsigned)g, RGM_NO_NODE,
                                 PLAN_WHY_WAIT_YIELD, l);
                        break;
                }
        }
}

/* ---- start after, stop after ---- */

static bool online_somewhere(const plan_input_t *in, unsigned g)
{
        for (int i = 0; i < CONF_MAX_NODES; i++)
                if (state_of(in, g, i) == RG_S_ONLINE)
                        return true;
        return false;
}

/* START_AFTER: a source nobody holds is not acquired while the AFTER group
 * is ONLINE nowhere (once started, it does not follow the AFTER group).
 * STOP_AFTER: a source about to be released keeps its node while the AFTER
 * group is being released too. */
static void after(const plan_input_t *in, uint64_t eligible, const conf_dep_t *dep,
                  rgm_output_t *ro, plan_why_t *codes, int16_t *waits)
{
        int t = dep->parent, ht;

        if (!valid_group(in, t))
                return;
        ht = held_by(in, (unsigned)t);
        for (unsigned k = 0; k < dep->nchildren; k++) {
                int s = dep->children[k], h;

                if (!valid_group(in, s))
                        continue;
                h = held_by(in, (unsigned)s);
                if (dep->type == CONF_DEP_START_AFTER && h < 0 && ro[s].target != RGM_NO_NODE &&
                    !online_somewhere(in, (unsigned)t))
                        retarget(in, ro, codes, waits, (unsigned)s, RGM_NO_NODE,
                                 PLAN_WHY_WAIT_START_AFTER, t);
                if (dep->type == CONF_DEP_STOP_AFTER && h >= 0 && ro[s].target != h &&
                    state_of(in, (unsigned)s, h) == RG_S_ONLINE && (eligible & BIT(h)) && ht >= 0 &&
                    ro[t].target != ht)
                        retarget(in, ro, codes, waits, (unsigned)s, (uint16_t)h,
                                 PLAN_WHY_WAIT_STOP_AFTER, t);
        }
}

void plan_deps_apply(const plan_input_t *in, uint64_t eligible, uint64_t net_down, rgm_output_t *ro,
                     plan_why_t *codes, int16_t *waits)
{
        const hamr_config_t *cfg = in->cfg;
        uint8_t depth[CONF_MAX_RGS];
        uint64_t ok[2];
        unsigned n = cfg->nrgs < CONF_MAX_RGS ? cfg->nrgs : CONF_MAX_RGS;

        for (unsigned g = 0; g < n; g++)
                waits[g] = PLAN_NONE;
        if (!cfg->ndeps)
                return;
        ok[0] = eligible & in->members;
        ok[1] = ok[0] & ~net_down;
        for (unsigned d = 0; d < cfg->ndeps; d++) {
                if (cfg->deps[d].type == CONF_DEP_SAME_NODE)
                        same_node(in, ok, &cfg->deps[d], ro, codes, waits);
                else if (cfg->deps[d].type == CONF_DEP_DIFFERENT_NODES)
                        different_nodes(in, ok, &cfg->deps[d], ro, codes, waits);
        }
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
        for (unsigned d = 0; d < cfg->ndeps; d++)
                if (cfg->deps[d].type == CONF_DEP_START_AFTER ||
                    cfg->deps[d].type == CONF_DEP_STOP_AFTER)
                        after(in, eligible & in->members, &cfg->deps[d], ro, codes, waits);
}

bool plan_deps_offline_reason(const hamr_config_t *cfg, unsigned g, const bool *online, char *buf,
                              size_t len)
{
        for (unsigned d = 0; cfg && d < cfg->ndeps; d++) {
                const conf_dep_t *dep = &cfg->deps[d];
                int p = dep->parent;

                if ((dep->type != CONF_DEP_PARENT_CHILD && dep->type != CONF_DEP_START_AFTER) ||
                    p < 0 || (unsigned)p >= cfg->nrgs || online[p])
                        continue;
                for (unsigned k = 0; k < dep->nchildren; k++) {
                        if (dep->children[k] != (int)g)
                                continue;
                        if (dep->type == CONF_DEP_PARENT_CHILD)
                                snprintf(buf, len, "waiting for parent %s", cfg->rgs[p].name);
                        else
                                snprintf(buf, len, "starts after %s (not online)",
                                         cfg->rgs[p].name);
                        return true;
                }
        }
        return false;
}
