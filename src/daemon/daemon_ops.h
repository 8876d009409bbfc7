/* daemon_ops: hamrd's one dispatch of control requests: the operation table
 * of src/api/api_ops.def bound to handlers, with the table's flags enforced
 * before any handler runs (unknown op, missing or unknown class, cluster not
 * configured, no quorum). Handlers live in daemon_edit.c and daemon_api.c. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/api_ops.h"

struct hamrd;

/* Looks up req's "op", enforces its flags, and runs its handler; on refusal
 * replies to conn with the error. req is borrowed. */
void hamrd_ops_dispatch(struct hamrd *d, uint32_t conn, json_t *req);
/* The control socket's callback (api_start): hamrd_ops_dispatch. Peers'
 * forwarded requests reach hamrd_ops_dispatch through d->dispatch_fn, so
 * that daemon_api (the transport) never calls up into this table. */
void hamrd_ops_on_request(void *ud, uint32_t conn, json_t *req);

