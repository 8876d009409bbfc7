/* daemon_facts: verification on the nodes (clmgr verify / sync cluster).
 * The configuration worker lists what must hold on which node (files the
 * configuration names exist and are executable there; no service address
 * already on an interface of a node that does not hold its group); every
 * member checks its own part (operation node_facts, asked by a peer) and
 * the node clmgr asked gathers the answers (operation facts), with each
 * node's clock offset. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf/conf.h"

struct hamrd;

#define HAMRD_FACTS_MAX_CHECKS 256  /* checks listed per verification */
#define HAMRD_FACTS_SKEW_MS    2000 /* clocks further apart are warned about */

/* The checks of configuration cfg: [{"KIND":"FILE","PATH","WHAT","NODES":[ids]},
 * {"KIND":"ADDRESS","ADDR","WHAT","GROUP","NODES":[ids]}]. Pure (runs on the
 * configuration worker). */
json_t *hamrd_facts_checks(const hamr_config_t *cfg);

/* This node's answer to node_facts {"checks":[...]}: {"ok":true,"NODE",
 * "NODE_ID","ERRORS":[text],"WALL_MS"}. */
json_t *hamrd_facts_local(struct hamrd *d, json_t *req);

/* Operation facts {"checks":[...]}: asks every member (node_facts over the
 * command path) and answers conn once all answered or after the timeout:
 * {"ok":true,"nodes":[{"NODE","ERRORS":[...],"WARNINGS":[...]}]}; members
 * that do not answer and configured nodes outside the view are listed with
 * a warning. */
void hamrd_op_facts(struct hamrd *d, uint32_t conn, json_t *req);
/* The same gathering, its answer handed to done (stolen) instead of a
 * client (conn then only names the gathering in the logs); done NULL: as
 * hamrd_op_facts. */
void hamrd_facts_gather(struct hamrd *d, uint32_t conn, json_t *req,
                        void (*done)(struct hamrd *d, json_t *rep));
void hamrd_op_node_facts(struct hamrd *d, uint32_t conn, json_t *req);

/* A REPLY whose req_id belongs to a gathering (true: taken). */
bool hamrd_facts_on_reply(struct hamrd *d, uint32_t req_id, const char *text);

/* The loop's tick: resends and timeouts. */
void hamrd_facts_tick(struct hamrd *d);
