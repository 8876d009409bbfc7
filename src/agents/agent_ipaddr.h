/* agent_ipaddr: service IP addresses through rtnetlink (libmnl), announced by
 * gratuitous ARP. Runs in the caller's network namespace. Fast system calls
 * only: safe to call on the event loop. */
#pragma once
#include <netinet/in.h>
#include <stdbool.h>

/* Name of the interface that carries local address `local` (the node's
 * address on the service IP's network). 0 or -ENODEV. ifname >= IFNAMSIZ. */
int agent_ipaddr_find_ifname(struct in_addr local, char *ifname);
/* Add addr/prefix to ifname (RTM_NEWADDR, NLM_F_CREATE|NLM_F_EXCL; an already
 * present identical address is success), then send `garp_count` gratuitous
 * ARP requests (sender ip = target ip = addr, broadcast) on ifname. */
int agent_ipaddr_add(const char *ifname, struct in_addr addr, unsigned prefix, unsigned garp_count);
/* Remove it (RTM_DELADDR); absent already is success. */
int agent_ipaddr_del(const char *ifname, struct in_addr addr, unsigned prefix);
/* Is addr configured on any interface of this namespace? 1 yes, 0 no, <0 error. */
int agent_ipaddr_present(struct in_addr addr);
/* Send gratuitous ARP only. */
int agent_ipaddr_garp(const char *ifname, struct in_addr addr, unsigned count);
