/* exec_rt.c: helpers over the executor's runtime data (exec_rt.h). */
#include "exec/exec_rt.h"

#include <stdio.h>

int exec_group_index(const exec_t *x, uint32_t id)
{
        for (unsigned i = 0; i < x->ng; i++)
                if (x->g[i].id == id)
                        return (int)i;
        return -1;
}

void exec_app_env(const exec_t *x, const conf_rg_t *rg, char env[4][4200])
{
        snprintf(env[0], 4200, "HAMR_NODE=%s",
                 x->cfg->nodes[hamr_config_node_by_id(x->cfg, x->self_id)].name);
        snprintf(env[1], 4200, "HAMR_RG=%s", rg->name);
        snprintf(env[2], 4200, "HAMR_STATE_DIR=%s", x->state_dir);
        env[3][0] = '\0';
}

const char *exec_self_name(const exec_t *x)
{
        int i = hamr_config_node_by_id(x->cfg, x->self_id);
        return i >= 0 ? x->cfg->nodes[i].name : "?";
}
