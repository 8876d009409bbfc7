/* daemon_facts_more: the verification facts beside daemon_facts' files and
 * addresses: the repository and the backup repositories reachable from
 * every node and the same disk there (each node's reading of the disk's
 * identity, compared), the cluster key the same everywhere (digests of the
 * key in use and of the key file, compared; the key never travels), the
 * node addresses on their network's subnet, and the RTO budget of every
 * group (hamr extension: detection + fence wait + the measured start time,
 * against the group's RTO). Disk and file reads run on libuv's thread pool
 * once the node is configured and again whenever a verification asks (at
 * most once a second); a node answers from its latest readings, so a
 * verification reports what the previous one asked to be read. (A refresh
 * every 10 s made the ASan daemons of the lab lose their coordinator: not
 * understood yet, so not done.) */
#pragma once
#include <jansson.h>

#include "conf/conf.h"

struct hamrd;

/* Appends the checks of cfg (REPOS, NETWORK, RTO) to checks. Pure (runs on
 * the configuration worker). */
void hamrd_facts_more_checks(const hamr_config_t *cfg, json_t *checks);
/* This node's part of req's checks: errors appended to `errors`, warnings
 * and readings set in `ans` (WARNINGS, REPOS, KEY_*, STARTS). */
void hamrd_facts_more_local(struct hamrd *d, json_t *req, json_t *errors, json_t *ans);
/* The gathering node, once every answer is in: compares the readings
 * between nodes (errors and warnings into rep's "nodes" entries, which
 * name the nodes), adds the nodes' own warnings, and the RTO budget
 * ("rto": [{...,"TEXT"}], above-RTO warnings in "warnings"). answers: node
 * id (decimal) -> its answer (borrowed); req_text: the node_facts request
 * sent (its checks). */
void hamrd_facts_more_finish(struct hamrd *d, json_t *rep, json_t *answers, const char *req_text);
/* The loop's tick: the first readings once the node is configured. */
void hamrd_facts_more_tick(struct hamrd *d);
