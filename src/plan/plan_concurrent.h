/* plan_concurrent: concurrent resource groups (STARTUP=OAAN) in the
 * planner. A concurrent group has an instance per node: the control state
 * carries the set of nodes that should hold one (cstate_ctl_t.cnodes,
 * target[] stays RGM_NO_NODE) and the nodes where the administrator took
 * it offline (coffline); each node acquires and releases its own instance
 * and reports its state, as for any group. S1 (one owner) does not apply
 * to them by design. Pure: no I/O, no clock. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/plan_types.h"
#include "rgm/rgm.h"

/* For every concurrent group g of in->cfg: replaces the scheduler's
 * decision ro[g] (target none) and writes v->cnodes[g]: the nodes of its
 * NODES that are eligible (services active), that have not failed it
 * (failed_here: its acquisition or its monitor failed there; it stays
 * ERROR there, the others are untouched), report no ERROR for it and
 * where the administrator did not take it offline (coffline), plus the
 * nodes that report it UNMANAGED; none while the administrator has the
 * whole group offline. A node that leaves the view or stops its services
 * just drops its instance (FALLOVER=BO: nothing moves). ro[g].settled:
 * every member in the set reports it ONLINE (or UNMANAGED), every other
 * member holds nothing of it (ERROR and UNMANAGED count as settled).
 * codes[g]: CONCURRENT, CONCURRENT_NONE or ADMIN_OFFLINE. Returns the
 * number of concurrent groups. */
unsigned plan_concurrent_apply(const plan_input_t *in, cstate_ctl_t *v, uint64_t eligible,
                               rgm_output_t *ro, plan_why_t *codes);

/* An administrator's command on concurrent group g of cfg (PowerHA's
 * clRGmove for concurrent groups): "rg_online"/"rg_offline" on node id
 * `node`, or on every node of its list with node < 0; "rg_move" is
 * refused (err filled, -HAMR_E_BAD_VALUE, v untouched). When check_only,
 * only checks. Returns 0 on success. */
int plan_concurrent_command(cstate_ctl_t *v, const hamr_config_t *cfg, unsigned g, const char *op,
                            int node, bool check_only, char *err, size_t errlen);
