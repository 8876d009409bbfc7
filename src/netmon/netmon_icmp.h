/* netmon_icmp: ICMP echo packets for the reachability probes (pure: no
 * I/O). An echo request carries (id, seq) and a fixed payload; a reply is
 * read from a raw IPv4 socket, IP header included. */
#pragma once
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define NETMON_ICMP_LEN 16 /* echo request: 8-byte header + 8-byte payload */

/* The Internet checksum (RFC 1071) of len bytes. */
uint16_t netmon_icmp_cksum(const void *buf, size_t len);

/* Writes an echo request (id, seq) into buf (NETMON_ICMP_LEN bytes). */
void netmon_icmp_request(uint8_t buf[NETMON_ICMP_LEN], uint16_t id, uint16_t seq);

/* Parses what a raw IPPROTO_ICMP socket returned (IPv4 header, then ICMP):
 * 0 with the sender, id and seq for a well-formed echo reply (checksum
 * checked), -EBADMSG for anything else (other ICMP types, truncated or
 * malformed input). ret_* written only on success. */
int netmon_icmp_reply(const void *pkt, size_t len, struct in_addr *ret_src, uint16_t *ret_id,
                      uint16_t *ret_seq);
