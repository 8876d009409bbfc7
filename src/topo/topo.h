/* topo: the heartbeat paths. One UDP socket (all networks, one port) on the
 * event loop, and a worker thread that each interval writes this node's
 * repository slot and reads every other node's slot and the configuration
 * generation, so that a hung or slow disk never stalls the loop. */
#pragma once
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "common/hamr_time.h"
#include "repo/repo.h"

typedef struct topo topo_t;

typedef void (*topo_packet_cb)(void *ud, const uint8_t *pkt, size_t len,
                               const struct sockaddr_in *from);
/* Called on the loop after a disk round: slots[i] valid where (present >> i) & 1.
 * config_generation: newest valid generation on the repository (0 = none). */
typedef void (*topo_disk_cb)(void *ud, const repo_slot_t *slots, uint64_t present,
                             uint64_t config_generation, int io_error);

topo_t *topo_new(uv_loop_t *loop, topo_packet_cb pcb, topo_disk_cb dcb, void *ud);
void topo_free(topo_t *t); /* stops the worker (waits for it unless it is stuck in I/O) */
/* (Re)bind the UDP socket to 0.0.0.0:port. */
int topo_bind(topo_t *t, uint16_t port);
int topo_send(topo_t *t, const struct sockaddr_in *to, const void *pkt, size_t len);
/* Disk path parameters: repository (borrowed; NULL stops disk I/O), own slot
 * id, slots to read, round interval. */
void topo_disk_config(topo_t *t, repo_t *repo, uint16_t self_id, uint64_t read_mask,
                      usec_t interval_usec);
/* The body the worker writes into our slot on its next round (copied). */
void topo_disk_set_body(topo_t *t, uint64_t incarnation, const void *body, size_t len);
