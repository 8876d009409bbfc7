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

/* A handler answers conn (api_reply) now or later; req is borrowed. */
typedef void hamrd_op_fn(struct hamrd *d, uint32_t conn, json_t *req);

/* Looks up req's "op", enforces its flags, and runs its handler; on refusal
 * replies to conn with the error. req is borrowed. */
void hamrd_ops_dispatch(struct hamrd *d, uint32_t conn, json_t *req);
/* For requests forwarded by a peer: true if req's op is one the coordinator
 * carries out (COORD_ONLY); else err says why. */
bool hamrd_ops_forwardable(json_t *req, char *err, size_t errlen);

/* daemon_edit.c: configuration requests (run on the configuration worker). */
hamrd_op_fn hamrd_op_add, hamrd_op_modify, hamrd_op_delete, hamrd_op_query, hamrd_op_sync,
    hamrd_op_verify;
/* daemon_api.c: status, and runtime requests (to the coordinator). */
hamrd_op_fn hamrd_api_status, hamrd_api_runtime;
