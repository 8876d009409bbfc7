/* cstate_conc.c: how a concurrent group (STARTUP=OAAN) reads in the status:
 * one state for the group from its per-node instances, the nodes it is
 * online on and the nodes that should hold an instance. Pure. */
#include <stdio.h>
#include <string.h>

#include "cstate/cstate.h"

/* Appends name to the space-separated list buf. */
static void add_name(char *buf, size_t len, const char *name)
{
        size_t n = strlen(buf);

        if (n < len)
                snprintf(buf + n, len - n, "%s%s", n ? " " : "", name);
}

const char *cstate_concurrent_status(const cstate_t *cs, unsigned g, const cstate_ctl_t *ctl,
                                     uint64_t reach, char *cur, char *tgt, size_t len)
{
        const hamr_config_t *cfg = cs->cfg;
        const conf_rg_t *rg = &cfg->rgs[g];
        const char *busy = NULL;
        bool online = false, error = false;

        cur[0] = tgt[0] = '\0';
        for (unsigned k = 0; k < rg->nnodes; k++) {
                uint32_t id = rg->nodes[k];
                int ni = hamr_config_node_by_id(cfg, id);
                rg_state_t rs;

                if (ni < 0 || id >= CONF_MAX_NODES)
                        continue;
                rs = (reach >> id & 1u) ? cstate_group_state(cs, (uint16_t)id, g) : RG_S_UNKNOWN;
                if (rs == RG_S_ONLINE || rs == RG_S_UNMANAGED) {
                        online = true;
                        add_name(cur, len, cfg->nodes[ni].name);
                }
                if (rs == RG_S_ACQUIRING || rs == RG_S_RELEASING)
                        busy = rg_state_str(rs);
                error = error || rs == RG_S_ERROR;
                if (ctl && ctl->targets_valid && (ctl->cnodes[g] >> id & 1u))
                        add_name(tgt, len, cfg->nodes[ni].name);
        }
        return online ? "ONLINE" : busy ? busy : error ? "ERROR" : "OFFLINE";
}
