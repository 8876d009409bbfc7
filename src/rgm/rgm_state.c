/* rgm_state.c: resource group state names (rg_state_str), as clRGinfo prints them. */
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
