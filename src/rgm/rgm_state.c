/* rgm_state.c: resource group state names (rg_state_str), as clRGinfo
 * prints them, and the control-state edit of an administrator's move
 * (rgm_ctl_move). */
#include "rgm/rgm.h"

/* clang-format off */
static const char *const state_names[RG_S_COUNT] = {
        [RG_S_OFFLINE] = "OFFLINE",
        [RG_S_ACQUIRING] = "ACQUIRING",
        [RG_S_ONLINE] = "ONLINE",
        [RG_S_RELEASING] = "RELEASING",
        [RG_S_ERROR] = "ERROR",
        [RG_S_UNMANAGED] = "UNMANAGED",
        [RG_S_UNKNOWN] = "UNKNOWN",
};
/* clang-format on */

/* Returns a static string; "INVALID" for a value outside rg_state_t. */
const char *rg_state_str(rg_state_t s)
{
        if ((unsigned)s >= RG_S_COUNT)
                return "INVALID";
        return state_names[s];
}

void rgm_ctl_move(rgm_ctl_t *ctl, const conf_rg_t *rg, int node)
{
        ctl->admin = RGM_ADMIN_AUTO;
        if (node >= 0 && rg->nnodes > 0 && rg->nodes[0] == (uint32_t)node) {
                /* to the highest-priority node: a one-shot move that
                 * clears the priority override location */
                ctl->pol_node = RGM_NO_NODE;
                ctl->move_node = (uint16_t)node;
        } else if (node >= 0) {
                ctl->pol_node = (uint16_t)node;
                ctl->move_node = RGM_NO_NODE;
        }
        /* a BO group brought online without a node: its startup policy
         * places it (its fallover policy would leave it offline) */
        ctl->started = node >= 0 || rg->fallover != RG_FALLOVER_BO;
}
