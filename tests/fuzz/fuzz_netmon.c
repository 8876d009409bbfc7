/* fuzz_netmon: the ICMP echo reply parser of the reachability probes
 * (netmon_icmp_reply): what a raw ICMP socket returns, IPv4 header
 * included, from anyone on the network.
 *
 * Input: the packet as received. Checked besides crashes: an accepted
 * packet is IPv4/ICMP, an echo reply whose ICMP checksum verifies, and the
 * sender, id and seq returned are the packet's own bytes; a request built
 * from that id and seq, turned into a reply, is accepted again. */
#include <stdint.h>
#include <string.h>

#include "fuzz_check.h"
#include "netmon/netmon_icmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct in_addr src = {0};
        uint16_t id = 0, seq = 0, ck;
        uint8_t pkt[20 + NETMON_ICMP_LEN];
        size_t ihl;

        if (netmon_icmp_reply(data, size, &src, &id, &seq) != 0)
                return 0;
        CHECK(size >= 28 && data[0] >> 4 == 4 && data[9] == IPPROTO_ICMP);
        ihl = (size_t)(data[0] & 0x0f) * 4;
        CHECK(ihl >= 20 && size >= ihl + 8 && data[ihl] == 0 && data[ihl + 1] == 0);
        CHECK(netmon_icmp_cksum(data + ihl, size - ihl) == 0);
        CHECK(memcmp(&src.s_addr, data + 12, 4) == 0);
        CHECK(id == (uint16_t)(data[ihl + 4] << 8 | data[ihl + 5]));
        CHECK(seq == (uint16_t)(data[ihl + 6] << 8 | data[ihl + 7]));
        /* round trip through our own request */
        memset(pkt, 0, 20);
        pkt[0] = 0x45;
        pkt[9] = IPPROTO_ICMP;
        memcpy(pkt + 12, &src.s_addr, 4);
        netmon_icmp_request(pkt + 20, id, seq);
        pkt[20] = 0;
        pkt[22] = pkt[23] = 0;
        ck = netmon_icmp_cksum(pkt + 20, NETMON_ICMP_LEN);
        pkt[22] = (uint8_t)(ck >> 8);
        pkt[23] = (uint8_t)ck;
        CHECK(netmon_icmp_reply(pkt, sizeof(pkt), &src, &id, &seq) == 0);
        return 0;
}
