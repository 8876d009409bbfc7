/* daemon_ops: the operation table of hamrd (rows of src/api/api_ops.def,
 * each bound to its handler) and the one dispatch that enforces the rows'
 * flags (src/api/api_ops.c) before it calls a handler. */
#include "daemon/daemon_ops.h"

#include <assert.h>
#include <stdio.h>

#include "common/hamr_error.h"
#include "common/hamr_log.h"
#include "daemon/daemon.h"
#include "daemon/daemon_avail.h"
#include "daemon/daemon_facts.h"
#include "daemon/daemon_snapshot.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static hamrd_op_fn *const handlers[] = {
    [API_OP_ADD] = hamrd_op_add,
    [API_OP_MODIFY] = hamrd_op_modify,
    [API_OP_DELETE] = hamrd_op_delete,
    [API_OP_QUERY] = hamrd_op_query,
    [API_OP_SYNC] = hamrd_op_sync,
    [API_OP_VERIFY] = hamrd_op_verify,
    [API_OP_START] = hamrd_api_runtime,
    [API_OP_STOP] = hamrd_api_runtime,
    [API_OP_RG_ONLINE] = hamrd_api_runtime,
    [API_OP_RG_OFFLINE] = hamrd_api_runtime,
    [API_OP_RG_MOVE] = hamrd_api_runtime,
    [API_OP_APP_SUSPEND] = hamrd_api_runtime,
    [API_OP_APP_RESUME] = hamrd_api_runtime,
    [API_OP_STATUS] = hamrd_api_status,
    [API_OP_TIMERS] = hamrd_api_runtime,   /* answered by the coordinator (run_command) */
    [API_OP_WHY] = hamrd_api_runtime,      /* answered by the coordinator (run_command) */
    [API_OP_SIMULATE] = hamrd_api_runtime, /* answered by the coordinator (run_command) */
    [API_OP_FACTS] = hamrd_op_facts,
    [API_OP_NODE_FACTS] = hamrd_op_node_facts,
    [API_OP_AVAIL] = hamrd_op_avail,
    [API_OP_NODE_AVAIL] = hamrd_op_node_avail,
    [API_OP_SNAPSHOT_ADD] = hamrd_op_snapshot_add,
    [API_OP_SNAPSHOT_MODIFY] = hamrd_op_snapshot_modify,
    [API_OP_SNAPSHOT_DELETE] = hamrd_op_snapshot_delete,
    [API_OP_SNAPSHOT_QUERY] = hamrd_op_snapshot_query,
    [API_OP_SNAPSHOT_RESTORE] = hamrd_op_snapshot_restore,
    [API_OP_SNAPSHOT_COMPARE] = hamrd_op_snapshot_compare,
};
static_assert(N(handlers) == API_OP_COUNT, "every operation of api_ops.def needs a handler");

static void facts_of(hamrd_t *d, api_op_facts_t *ret)
{
        usec_t now = now_usec();

        *ret = (api_op_facts_t){.configured = d->cfg != NULL, .member = d->member};
        if (d->cfg && d->member) {
                ret->coordinator = memb_coordinator(d->memb, now) == d->self_id;
                ret->quorate = memb_quorate(d->memb, now);
        }
}

void hamrd_ops_dispatch(hamrd_t *d, uint32_t conn, json_t *req)
{
        const char *name = json_string_value(json_object_get(req, "op"));
        char err[CONF_ERR_LEN];
        api_op_facts_t facts;
        api_op_t op;
        int r;

        r = api_op_lookup(name, &op, err, sizeof(err));
        if (r == 0) {
                facts_of(d, &facts);
                r = api_op_check(op, req, &facts, err, sizeof(err));
        }
        if (r == 0 && !handlers[op]) { /* a gap in handlers[]: a bug, survivable */
                snprintf(err, sizeof(err), "operation \"%s\" has no handler", name);
                r = -HAMR_E_BAD_VALUE;
        }
        if (r < 0) {
                hamrd_answer_error(d, conn, hamr_error_to_clmgr_rc(r), err);
                return;
        }
        if (api_op_def(op)->flags & API_OP_F_MODIFIES_CONFIG) {
                const char *cls = json_string_value(json_object_get(req, "class"));
                const char *obj = json_string_value(json_object_get(req, "name"));

                log_info("daemon", "request %s%s%s%s%s", name, cls ? " " : "", cls ? cls : "",
                         obj ? " " : "", obj ? obj : "");
        }
        if (hamrd_stopping(d) &&
            ((api_op_def(op)->flags & API_OP_F_MODIFIES_CONFIG) || op == API_OP_START)) {
                snprintf(err, sizeof(err),
                         "hamrd on node %s is stopping (SIGTERM): \"%s\" is refused; use another "
                         "node",
                         d->node_name, name);
                hamrd_answer_error(d, conn, CLMGR_RC_ERROR, err);
                return;
        }
        /* while the cluster runs, edits (every op that writes the
         * configuration or snapshots) are serialised on the coordinator,
         * and verify runs there too (it holds the configuration lock) */
        if (((api_op_def(op)->flags & API_OP_F_MODIFIES_CONFIG) || op == API_OP_VERIFY) &&
            hamrd_config_forward(d, conn, req))
                return;
        handlers[op](d, conn, req);
}

void hamrd_ops_on_request(void *ud, uint32_t conn, json_t *req)
{
        hamrd_ops_dispatch(ud, conn, req);
}
