/* daemon_avail: the event records behind clmgr view report availability.
 * Every member reads its own event log (hamr.out) off the loop and sends
 * the lines that matter (group acquisitions and releases, start and stop
 * scripts, monitor failures and restarts, node_down) up to a time; the node
 * clmgr asked gathers them (operation avail) and clmgr computes the report
 * (src/cli/cli_report.c). */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct hamrd;

/* Operation avail {"END_MS"?}: asks every member (node_avail over the
 * command path) and answers conn once all answered or after the timeout:
 * {"ok":true,"nodes":[{"NODE","LINES":[...],"TRUNCATED","WARNINGS"?}],
 * "warnings":[...]} (configured nodes that did not answer are warned about). */
void hamrd_op_avail(struct hamrd *d, uint32_t conn, json_t *req);
/* Operation node_avail, asked locally: this node's lines. */
void hamrd_op_node_avail(struct hamrd *d, uint32_t conn, json_t *req);
/* node_avail asked by peer `from` (its request id): answered by a REPLY
 * once the log is read. req borrowed. */
void hamrd_avail_peer(struct hamrd *d, uint16_t from, uint32_t req_id, json_t *req);
/* A REPLY whose req_id belongs to a gathering (true: taken). */
bool hamrd_avail_on_reply(struct hamrd *d, uint32_t req_id, const char *text);
