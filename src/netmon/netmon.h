/* netmon: reachability targets (NETMON_TARGETS, after PowerHA's
 * netmon.cf). Every network of this node with targets gets one raw ICMP
 * socket, bound to the node's address and interface on that network, on
 * the caller's libuv loop (uv_poll, never blocking). netmon_step sends one
 * echo request per target every probe interval; replies are read when the
 * socket is readable. A network is reached when some target answered
 * within the window the caller asks about (NETWORK_FAILURE_DETECTION_TIME).
 * Owns its sockets and handles; all calls on the loop's thread. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "common/hamr_time.h"
#include "conf/conf.h"

typedef struct netmon netmon_t;

/* New prober on loop (no sockets until netmon_step sees a configuration
 * with targets). Caller owns it: netmon_free. */
netmon_t *netmon_new(uv_loop_t *loop);
/* Closes the sockets (handles closed asynchronously) and frees nm (NULL
 * accepted). */
void netmon_free(netmon_t *nm);

/* Follows cfg (sockets rebuilt when its generation or self_id changes) and
 * sends the probes that are due: one per target every probe interval
 * (HEARTBEAT_INTERVAL, at least a quarter of NETWORK_FAILURE_DETECTION_TIME
 * apart). cfg is borrowed for the call; NULL closes everything. */
void netmon_step(netmon_t *nm, const hamr_config_t *cfg, uint32_t self_id, usec_t now);

/* Probe interval for a configuration: max(HEARTBEAT_INTERVAL, NFDT / 4). */
usec_t netmon_interval(const hamr_config_t *cfg);

/* This node's reachability: *ret_configured is whether some network of the
 * node has targets it can probe (a raw socket could be opened); the result
 * is whether every such network had an answer from one of its targets
 * within `within` before now (false when none is configured). */
bool netmon_reaches(const netmon_t *nm, usec_t now, usec_t within, bool *ret_configured);

/* A reply (from the socket of network index net, or from a test): counts
 * if it comes from one of that network's targets with the network's echo
 * id and one of the last 64 sequence numbers sent. Returns true if it
 * counted. */
bool netmon_on_reply(netmon_t *nm, unsigned net, struct in_addr src, uint16_t id, uint16_t seq,
                     usec_t now);

/* Counters for logs and tests. */
typedef struct netmon_stats {
        uint64_t sent, send_errors, replies, ignored;
} netmon_stats_t;
void netmon_get_stats(const netmon_t *nm, netmon_stats_t *ret);
