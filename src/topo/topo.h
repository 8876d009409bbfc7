/* topo: the heartbeat paths. One UDP socket (all networks, one port) on the
 * event loop, and a worker thread that each round (half the heartbeat
 * interval, at least 5 ms) writes this node's repository slot, reads every
 * other node's slot and the configuration generation (handing the loop the
 * text of each new generation, so that it is read once), and runs the
 * tie-breaker lease (src/lease) on the repository, so that a hung or slow
 * disk never stalls the loop: the loop only ever takes a mutex that the
 * worker never holds during I/O. */
#pragma once
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "common/hamr_time.h"
#include "lease/lease.h"
#include "repo/repo.h"

typedef struct topo topo_t;

typedef void (*topo_packet_cb)(void *ud, const uint8_t *pkt, size_t len,
                               const struct sockaddr_in *from);
/* Called on the loop after a disk round: slots[i] valid where (present >> i) & 1.
 * config_generation: newest valid generation on the repository (0 = none).
 * config_text: that generation's text when the worker read a generation it
 * had not handed over before (borrowed for the call), else NULL: the loop
 * need not read it again. */
typedef void (*topo_disk_cb)(void *ud, const repo_slot_t *slots, uint64_t present,
                             uint64_t config_generation, const char *config_text, int io_error);

topo_t *topo_new(uv_loop_t *loop, topo_packet_cb pcb, topo_disk_cb dcb, void *ud);
void topo_free(topo_t *t); /* stops the worker (waits for it unless it is stuck in I/O) */
/* (Re)bind the UDP socket to 0.0.0.0:port. */
int topo_bind(topo_t *t, uint16_t port);
int topo_send(topo_t *t, const struct sockaddr_in *to, const void *pkt, size_t len);
/* Disk path parameters: repository (borrowed; NULL stops disk I/O), own slot
 * id, slots to read, heartbeat interval (the round period is half of it, at
 * least 5 ms; 0 = 200 ms). A different repository drops the lease. */
void topo_disk_config(topo_t *t, repo_t *repo, uint16_t self_id, uint64_t read_mask,
                      usec_t interval_usec);
/* The body the worker writes into our slot on its next round (copied). */
void topo_disk_set_body(topo_t *t, uint64_t incarnation, const void *body, size_t len);

/* Tie-breaker lease, from the loop thread whenever a parameter changes:
 * want it or not, as node self_id with this incarnation (a change of either
 * drops the lease), T = expire and S = settle (lease.h: 10 * (2P + 3S) <= 9T
 * with P the round period, else the lease is not claimed and an error is
 * logged; all nodes must use the same T and S). While wanted, each round
 * reads the lease block after the slots and writes it when the state
 * machine asks. Not wanted: held is reported false at once, and a held
 * lease is released on the next round. */
void topo_disk_lease(topo_t *t, bool want, uint16_t self_id, uint64_t incarnation, usec_t expire,
                     usec_t settle);
/* Loop thread: true while the lease is held at `now` (monotonic); only takes
 * the mutex. *ret_until (out, may be NULL): held until (monotonic), written
 * only when held. *ret_owner_seen (out, may be NULL): the owner in the last
 * good read (node id, LEASE_OWNER_NONE or LEASE_OWNER_UNKNOWN), always
 * written. */
/* Keep reading the lease block while it is not wanted (a node that may
 * have to take a dead holder's lease then knows for how long it has been
 * unchanged). */
void topo_disk_lease_observe(topo_t *t, bool observe);
bool topo_lease_held(topo_t *t, usec_t now, usec_t *ret_until, uint16_t *ret_owner_seen);
