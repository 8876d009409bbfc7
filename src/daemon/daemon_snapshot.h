/* daemon_snapshot: hamrd's handlers of the snapshot operations
 * (snapshot_add ... snapshot_compare, src/api/api_ops.def). */
#pragma once
#include <jansson.h>
#include <stdint.h>

struct hamrd;

void hamrd_op_snapshot_add(struct hamrd *d, uint32_t conn, json_t *req);
void hamrd_op_snapshot_modify(struct hamrd *d, uint32_t conn, json_t *req);
void hamrd_op_snapshot_delete(struct hamrd *d, uint32_t conn, json_t *req);
void hamrd_op_snapshot_query(struct hamrd *d, uint32_t conn, json_t *req);
void hamrd_op_snapshot_restore(struct hamrd *d, uint32_t conn, json_t *req);
void hamrd_op_snapshot_compare(struct hamrd *d, uint32_t conn, json_t *req);
