/* agent_arp: an ARP probe (RFC 5227: sender address 0.0.0.0, so that no
 * neighbour's cache learns anything) asking who has an address on an
 * interface. Blocks up to the timeout: call it off the event loop. */
#pragma once
#include <netinet/in.h>
#include <stdint.h>

/* Asks who has `target` on ifname and waits up to timeout_ms for a reply.
 * 1: answered, *ret_mac (out, 6 bytes) the replier's hardware address;
 * 0: no answer; -errno (-EOPNOTSUPP: no ARP on that interface). */
int agent_arp_probe(const char *ifname, struct in_addr target, int timeout_ms, uint8_t ret_mac[6]);
