/* exec_serial: the order of group acquisitions and releases on this node
 * apart from each group's own steps: dependencies first (a parent's
 * release waits for its children's, a STOP_AFTER source's for its AFTER
 * group's), then the cluster's customised processing order (PowerHA's
 * serial acquisition and release order, SERIAL_ACQUISITION_ORDER and
 * SERIAL_RELEASE_ORDER): a listed group starts once every group before it
 * in the list that is to be processed here is done. Groups not listed go
 * in parallel. Pure over exec's runtime data. */
#include "exec/exec_rt.h"

static bool busy_here(const exec_t *x, int g)
{
        return g >= 0 && (unsigned)g < x->ng && (x->g[g].job || x->g[g].state == RG_S_ONLINE);
}

bool exec_release_waits_deps(const exec_t *x, unsigned gi)
{
        for (unsigned d = 0; d < x->cfg->ndeps; d++) {
                const conf_dep_t *dep = &x->cfg->deps[d];

                for (unsigned k = 0; k < dep->nchildren; k++) {
                        if (dep->type == CONF_DEP_PARENT_CHILD && dep->parent == (int)gi &&
                            busy_here(x, dep->children[k]))
                                return true;
                        if (dep->type == CONF_DEP_STOP_AFTER && dep->children[k] == (int)gi &&
                            busy_here(x, dep->parent))
                                return true;
                }
        }
        return false;
}

/* Group e is still to be acquired here: its acquisition runs, or it is
 * targeted here and OFFLINE (and did not fail here). */
static bool acquire_pending(const exec_t *x, const exec_input_t *in, unsigned e)
{
        const group_rt_t *g = &x->g[e];

        if (g->job)
                return g->acquiring;
        return g->state == RG_S_OFFLINE && !g->failed_here && in->targets_valid &&
               in->target[e] == x->self_id;
}

int exec_serial_acquire_waits(const exec_t *x, const exec_input_t *in, unsigned gi)
{
        unsigned p = x->cfg->rgs[gi].serial_acquire;

        for (unsigned e = 0; p && e < x->ng; e++) {
                unsigned q = x->cfg->rgs[e].serial_acquire;
                if (e != gi && q && q < p && acquire_pending(x, in, e))
                        return (int)e;
        }
        return -1;
}

/* Group e is still to be released here: its release runs, or it is ONLINE
 * and due for release, and no dependency holds it back (that one goes
 * first whatever the list says). */
static bool release_pending(const exec_t *x, const exec_input_t *in, unsigned e)
{
        const group_rt_t *g = &x->g[e];

        if (g->job)
                return !g->acquiring;
        if (g->state != RG_S_ONLINE)
                return false;
        if (!(in->services != SVC_ACTIVE || (in->targets_valid && in->target[e] != x->self_id) ||
              g->failed_here))
                return false;
        return !exec_release_waits_deps(x, e);
}

int exec_serial_release_waits(const exec_t *x, const exec_input_t *in, unsigned gi)
{
        unsigned p = x->cfg->rgs[gi].serial_release;

        for (unsigned e = 0; p && e < x->ng; e++) {
                unsigned q = x->cfg->rgs[e].serial_release;
                if (e != gi && q && q < p && release_pending(x, in, e))
                        return (int)e;
        }
        return -1;
}
