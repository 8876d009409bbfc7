/* netmon_icmp: build echo requests, parse echo replies (untrusted input). */
#include "netmon/netmon_icmp.h"

#include <errno.h>
#include <string.h>

uint16_t netmon_icmp_cksum(const void *buf, size_t len)
{
        const uint8_t *p = buf;
        uint32_t sum = 0;

        for (size_t i = 0; i + 1 < len; i += 2)
                sum += (uint32_t)(p[i] << 8 | p[i + 1]);
        if (len & 1)
                sum += (uint32_t)(p[len - 1] << 8);
        while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
        return (uint16_t)~sum;
}

void netmon_icmp_request(uint8_t buf[NETMON_ICMP_LEN], uint16_t id, uint16_t seq)
{
        uint16_t ck;

        memset(buf, 0, NETMON_ICMP_LEN);
        buf[0] = 8; /* echo request, code 0 */
        buf[4] = (uint8_t)(id >> 8);
        buf[5] = (uint8_t)id;
        buf[6] = (uint8_t)(seq >> 8);
        buf[7] = (uint8_t)seq;
        memcpy(buf + 8, "hamrnmon", 8);
        ck = netmon_icmp_cksum(buf, NETMON_ICMP_LEN);
        buf[2] = (uint8_t)(ck >> 8);
        buf[3] = (uint8_t)ck;
}

int netmon_icmp_reply(const void *pkt, size_t len, struct in_addr *ret_src, uint16_t *ret_id,
                      uint16_t *ret_seq)
{
        const uint8_t *p = pkt;
        size_t ihl;

        if (!p || len < 20 || p[0] >> 4 != 4 || p[9] != IPPROTO_ICMP)
                return -EBADMSG;
        ihl = (size_t)(p[0] & 0x0f) * 4;
        if (ihl < 20 || len < ihl + 8)
                return -EBADMSG;
        /* echo reply, code 0, checksum over the ICMP message */
        if (p[ihl] != 0 || p[ihl + 1] != 0 || netmon_icmp_cksum(p + ihl, len - ihl) != 0)
                return -EBADMSG;
        memcpy(&ret_src->s_addr, p + 12, 4);
        *ret_id = (uint16_t)(p[ihl + 4] << 8 | p[ihl + 5]);
        *ret_seq = (uint16_t)(p[ihl + 6] << 8 | p[ihl + 7]);
        return 0;
}
