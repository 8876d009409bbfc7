/* plan_concurrent.c: the instances of concurrent groups (STARTUP=OAAN) and
 * the administrator's commands on them. Pure; see plan_concurrent.h. */
#include "plan/plan_concurrent.h"

#include <stdio.h>
#include <string.h>

#include "common/hamr_error.h"

#define BIT(id) (UINT64_C(1) << (id))

static uint64_t listed(const conf_rg_t *rg)
{
        uint64_t m = 0;

        for (unsigned i = 0; i < rg->nnodes && i < CONF_MAX_NODES; i++)
                if (rg->nodes[i] < CONF_MAX_NODES)
                        m |= BIT(rg->nodes[i]);
        return m;
}

unsigned plan_concurrent_apply(const plan_input_t *in, cstate_ctl_t *v, uint64_t eligible,
                               rgm_output_t *ro, plan_why_t *codes)
{
        const hamr_config_t *cfg = in->cfg;
        unsigned n = 0;

        for (unsigned g = 0; g < cfg->nrgs && g < CONF_MAX_RGS; g++) {
                const conf_rg_t *rg = &cfg->rgs[g];
                uint64_t list = listed(rg), error = 0, unmanaged = 0, online = 0, held = 0;
                uint64_t want;
                bool settled;

                if (!CONF_RG_CONCURRENT(rg)) {
                        v->cnodes[g] = v->coffline[g] = 0;
                        continue;
                }
                n++;
                for (int i = 0; i < CONF_MAX_NODES; i++) {
                        uint8_t s = in->state[(size_t)g * CONF_MAX_NODES + i];
                        if (!(in->members & BIT(i)))
                                continue;
                        if (s == RG_S_ERROR)
                                error |= BIT(i);
                        else if (s == RG_S_UNMANAGED)
                                unmanaged |= BIT(i);
                        else if (s == RG_S_ONLINE)
                                online |= BIT(i);
                        if (s == RG_S_ACQUIRING || s == RG_S_ONLINE || s == RG_S_RELEASING)
                                held |= BIT(i);
                }
                if (v->ctl[g].admin == RGM_ADMIN_OFFLINE) {
                        want = 0;
                        codes[g] = PLAN_WHY_ADMIN_OFFLINE;
                } else {
                        want = list & in->members & eligible & ~in->failed_here[g] & ~error &
                               ~v->coffline[g];
                        codes[g] = want ? PLAN_WHY_CONCURRENT : PLAN_WHY_CONCURRENT_NONE;
                }
                want |= unmanaged & list;
                /* settled: the set online, nothing held outside it */
                settled = (want & ~unmanaged & ~online) == 0 && (held & ~want) == 0;
                v->cnodes[g] = want;
                ro[g].target = RGM_NO_NODE;
                ro[g].settled = settled;
                ro[g].why = NULL;
                ro[g].ctl = v->ctl[g];
                if (online)
                        ro[g].ctl.started = true;
        }
        return n;
}

int plan_concurrent_command(cstate_ctl_t *v, const hamr_config_t *cfg, unsigned g, const char *op,
                            int node, bool check_only, char *err, size_t errlen)
{
        const conf_rg_t *rg = &cfg->rgs[g];
        rgm_ctl_t *ctl = &v->ctl[g];

        if (!strcmp(op, "rg_move")) {
                snprintf(err, errlen,
                         "resource_group \"%s\" is concurrent (STARTUP=OAAN): it is online on "
                         "every available node of its list and cannot be moved; allowed: clmgr "
                         "offline|online resource_group %s [NODE=<node>]",
                         rg->name, rg->name);
                return -HAMR_E_BAD_VALUE;
        }
        if (strcmp(op, "rg_online") != 0 && strcmp(op, "rg_offline") != 0) {
                snprintf(err, errlen, "unknown operation \"%s\"", op);
                return -HAMR_E_BAD_VALUE;
        }
        if (check_only)
                return 0;
        if (!strcmp(op, "rg_offline")) {
                if (node < 0) {
                        ctl->admin = RGM_ADMIN_OFFLINE;
                        v->coffline[g] = 0;
                } else if (ctl->admin != RGM_ADMIN_OFFLINE) {
                        v->coffline[g] |= BIT(node);
                }
                return 0;
        }
        if (node < 0) {
                v->coffline[g] = 0;
        } else if (ctl->admin == RGM_ADMIN_OFFLINE) {
                /* offline everywhere, online on this node only */
                v->coffline[g] = listed(rg) & ~BIT(node);
        } else {
                v->coffline[g] &= ~BIT(node);
        }
        ctl->admin = RGM_ADMIN_AUTO;
        ctl->started = true;
        return 0;
}
