/* tt_validate: IP labels and the check of a plan against the
 * configuration. */
#pragma once
#include "testtool/tt_state.h"

/* Checks the plan against the configuration (names exist); 0 or -1 with
 * one line per error in err. */
int tt_run_validate(tt_ctx_t *ctx, const tt_plan_t *plan, char *err, size_t errlen);

/* tt_validate.c: an IP label (a service_ip's name, an address listed in a
 * network's INTERFACES, or a host name resolving to one) -> the address
 * and network, the node owning the interface (interfaces only) and whether
 * it is a service label; false when it is none of them. */
bool tt_resolve_label(tt_ctx_t *ctx, const char *label, char *addr, char *net, char *node,
                      bool *ret_service);
