/* agent_arp: ARP probe of an address (agent_arp.h). */
#include "agents/agent_arp.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/if_ether.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long mono_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int agent_arp_probe(const char *ifname, struct in_addr target, int timeout_ms, uint8_t ret_mac[6])
{
        struct sockaddr_ll sll = {0};
        struct ether_arp arp = {0}, in;
        struct ifreq ifr = {0};
        long long deadline = mono_ms() + timeout_ms;
        unsigned ifindex = if_nametoindex(ifname);
        int fd, r;

        if (!ifindex || strlen(ifname) >= IFNAMSIZ)
                return -ENODEV;
        fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP));
        if (fd < 0)
                return -errno;
        memcpy(ifr.ifr_name, ifname, strlen(ifname));
        if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
                r = -errno;
                goto out;
        }
        if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
                r = -EOPNOTSUPP;
                goto out;
        }
        sll.sll_family = AF_PACKET;
        sll.sll_protocol = htons(ETH_P_ARP);
        sll.sll_ifindex = (int)ifindex;
        if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
                r = -errno;
                goto out;
        }
        arp.ea_hdr.ar_hrd = htons(ARPHRD_ETHER);
        arp.ea_hdr.ar_pro = htons(ETHERTYPE_IP);
        arp.ea_hdr.ar_hln = ETH_ALEN;
        arp.ea_hdr.ar_pln = sizeof(target);
        arp.ea_hdr.ar_op = htons(ARPOP_REQUEST);
        memcpy(arp.arp_sha, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
        memcpy(arp.arp_tpa, &target, sizeof(target)); /* sender 0.0.0.0: a probe */
        sll.sll_halen = ETH_ALEN;
        memset(sll.sll_addr, 0xff, ETH_ALEN);
        if (sendto(fd, &arp, sizeof(arp), 0, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
                r = -errno;
                goto out;
        }
        r = 0;
        for (long long left; (left = deadline - mono_ms()) > 0;) {
                struct pollfd p = {.fd = fd, .events = POLLIN};
                ssize_t n;

                if (poll(&p, 1, (int)left) <= 0)
                        continue;
                n = recv(fd, &in, sizeof(in), 0);
                if (n < (ssize_t)sizeof(in))
                        continue;
                if (ntohs(in.ea_hdr.ar_op) == ARPOP_REPLY &&
                    !memcmp(in.arp_spa, &target, sizeof(target))) {
                        memcpy(ret_mac, in.arp_sha, ETH_ALEN);
                        r = 1;
                        break;
                }
        }
out:
        close(fd);
        return r;
}
