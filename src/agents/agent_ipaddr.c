/* agent_ipaddr: owns the service IP primitives: IPv4 address add/del/lookup
 * over rtnetlink (libmnl, a fresh NETLINK_ROUTE socket per call) and
 * gratuitous ARP over an AF_PACKET socket. Errors are returned as negative
 * errno and never logged here: the caller decides and logs. */
#include "agents/agent_ipaddr.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/if_ether.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Large enough for one datagram of an address dump (the kernel fills at most
 * 32 KiB per recvmsg). */
#define NL_BUF_SIZE 32768
/* A dump that raced with an address change (NLM_F_DUMP_INTR) is retried. */
#define DUMP_ATTEMPTS 5

/* One address found in a dump, and what we look for. */
struct addr_query {
        struct in_addr addr; /* in */
        int ifindex;         /* in: 0 = any interface */
        int prefix;          /* in: -1 = any prefix */
        bool found;          /* out */
        int found_ifindex;   /* out: where found */
};

static unsigned next_seq(void)
{
        static unsigned seq;

        if (seq == 0)
                seq = (unsigned)time(NULL);
        return ++seq;
}

static int nl_open(struct mnl_socket **ret_nl)
{
        struct timeval tv = {.tv_sec = 2};
        struct mnl_socket *nl = NULL;

        nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
        if (!nl)
                return -errno;
        /* rtnetlink answers synchronously; the timeout only guards against a
         * kernel that never answers. */
        if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
            mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
                int r = -errno;

                mnl_socket_close(nl);
                return r;
        }
        *ret_nl = nl;
        return 0;
}

/* Send the request in nlh (NLM_F_ACK or NLM_F_DUMP set by the caller) and
 * run cb over every answer until the ACK or NLMSG_DONE. Returns 0 or the
 * negative errno of the kernel's NLMSG_ERROR (or of the socket). */
static int nl_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
        char buf[NL_BUF_SIZE];
        struct mnl_socket *nl = NULL;
        unsigned portid;
        int r;

        r = nl_open(&nl);
        if (r < 0)
                return r;
        portid = mnl_socket_get_portid(nl);
        nlh->nlmsg_seq = next_seq();
        if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
                r = -errno;
                goto out;
        }
        for (;;) {
                ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));

                if (n < 0) {
                        r = errno == EAGAIN ? -ETIMEDOUT : -errno;
                        goto out;
                }
                r = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, cb, data);
                if (r < 0) {
                        r = errno > 0 ? -errno : -EPROTO;
                        goto out;
                }
                if (r == MNL_CB_STOP) {
                        r = 0;
                        goto out;
                }
        }
out:
        mnl_socket_close(nl);
        return r;
}

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
        const struct nlattr **tb = data;
        int type = mnl_attr_get_type(attr);

        if (mnl_attr_type_valid(attr, IFA_MAX) < 0)
                return MNL_CB_OK;
        if ((type == IFA_LOCAL || type == IFA_ADDRESS) &&
            mnl_attr_validate2(attr, MNL_TYPE_BINARY, sizeof(struct in_addr)) < 0)
                return MNL_CB_OK; /* ignore malformed, do not abort the dump */
        tb[type] = attr;
        return MNL_CB_OK;
}

static int addr_dump_cb(const struct nlmsghdr *nlh, void *data)
{
        const struct nlattr *tb[IFA_MAX + 1] = {0};
        struct addr_query *q = data;
        const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
        const struct nlattr *a;

        if (nlh->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != AF_INET || q->found)
                return MNL_CB_OK;
        if (q->ifindex != 0 && (int)ifa->ifa_index != q->ifindex)
                return MNL_CB_OK;
        if (q->prefix >= 0 && ifa->ifa_prefixlen != q->prefix)
                return MNL_CB_OK;
        mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb);
        /* IFA_LOCAL is the interface's own address; IFA_ADDRESS differs from
         * it only on point-to-point links (then it is the peer). */
        a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
        if (a && memcmp(mnl_attr_get_payload(a), &q->addr, sizeof(q->addr)) == 0) {
                q->found = true;
                q->found_ifindex = (int)ifa->ifa_index;
        }
        return MNL_CB_OK;
}

/* Search the namespace's IPv4 addresses for q (RTM_GETADDR dump). */
static int addr_lookup(struct addr_query *q)
{
        char buf[MNL_SOCKET_BUFFER_SIZE];
        int r = -EINTR;

        for (int i = 0; i < DUMP_ATTEMPTS && r == -EINTR; i++) {
                struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
                struct ifaddrmsg *ifa;

                nlh->nlmsg_type = RTM_GETADDR;
                nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
                ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
                ifa->ifa_family = AF_INET;
                q->found = false;
                r = nl_talk(nlh, addr_dump_cb, q);
        }
        return r;
}

static int ifname_index(const char *ifname, int *ret_index)
{
        unsigned idx;

        if (!ifname || ifname[0] == '\0' || strlen(ifname) >= IFNAMSIZ)
                return -EINVAL;
        idx = if_nametoindex(ifname);
        if (idx == 0)
                return -ENODEV;
        *ret_index = (int)idx;
        return 0;
}

/* Build an RTM_NEWADDR / RTM_DELADDR request for addr/prefix on ifindex. */
static struct nlmsghdr *put_addr_msg(char *buf, uint16_t type, uint16_t flags, int ifindex,
                                     struct in_addr addr, unsigned prefix)
{
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifaddrmsg *ifa;

        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = flags;
        ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        ifa->ifa_family = AF_INET;
        ifa->ifa_prefixlen = (uint8_t)prefix;
        ifa->ifa_scope = RT_SCOPE_UNIVERSE;
        ifa->ifa_index = (unsigned)ifindex;
        mnl_attr_put(nlh, IFA_LOCAL, sizeof(addr), &addr);
        mnl_attr_put(nlh, IFA_ADDRESS, sizeof(addr), &addr);
        return nlh;
}

int agent_ipaddr_find_ifname(struct in_addr local, char *ifname)
{
        struct addr_query q = {.addr = local, .prefix = -1};
        char name[IF_NAMESIZE];
        int r;

        r = addr_lookup(&q);
        if (r < 0)
                return r;
        if (!q.found || !if_indextoname((unsigned)q.found_ifindex, name))
                return -ENODEV; /* also: interface vanished since the dump */
        memcpy(ifname, name, strlen(name) + 1);
        return 0;
}

int agent_ipaddr_add(const char *ifname, struct in_addr addr, unsigned prefix, unsigned garp_count)
{
        char buf[MNL_SOCKET_BUFFER_SIZE];
        struct nlmsghdr *nlh;
        int ifindex, r;

        if (prefix > 32)
                return -EINVAL;
        r = ifname_index(ifname, &ifindex);
        if (r < 0)
                return r;
        nlh = put_addr_msg(buf, RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
                           ifindex, addr, prefix);
        /* No broadcast on /31 (RFC 3021) and /32. */
        if (prefix < 31) {
                uint32_t mask = prefix == 0 ? 0 : htonl(~0U << (32 - prefix));
                struct in_addr brd = {.s_addr = addr.s_addr | ~mask};

                mnl_attr_put(nlh, IFA_BROADCAST, sizeof(brd), &brd);
        }
        r = nl_talk(nlh, NULL, NULL);
        if (r == -EEXIST) {
                /* The kernel says EEXIST for the same local address with the
                 * same prefix on this interface; confirm before calling it
                 * success. */
                struct addr_query q = {.addr = addr, .ifindex = ifindex, .prefix = (int)prefix};

                r = addr_lookup(&q);
                if (r == 0 && !q.found)
                        r = -EEXIST;
                if (r < 0)
                        return r;
                return agent_ipaddr_garp(ifname, addr, garp_count);
        }
        if (r < 0)
                return r;
        r = agent_ipaddr_garp(ifname, addr, garp_count);
        if (r < 0)
                /* nothing half-applied: an address added here whose
                 * announcement failed (a link that is down: ENETDOWN) is
                 * taken away again, so that a failed acquisition leaves it
                 * on no node */
                (void)agent_ipaddr_del(ifname, addr, prefix);
        return r;
}

int agent_ipaddr_del(const char *ifname, struct in_addr addr, unsigned prefix)
{
        char buf[MNL_SOCKET_BUFFER_SIZE];
        struct nlmsghdr *nlh;
        int ifindex, r;

        if (prefix > 32)
                return -EINVAL;
        r = ifname_index(ifname, &ifindex);
        if (r < 0)
                return r;
        nlh = put_addr_msg(buf, RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, ifindex, addr, prefix);
        r = nl_talk(nlh, NULL, NULL);
        if (r == -EADDRNOTAVAIL || r == -ENOENT)
                return 0; /* absent already */
        return r;
}

int agent_ipaddr_present(struct in_addr addr)
{
        struct addr_query q = {.addr = addr, .prefix = -1};
        int r;

        r = addr_lookup(&q);
        if (r < 0)
                return r;
        return q.found ? 1 : 0;
}

int agent_ipaddr_garp(const char *ifname, struct in_addr addr, unsigned count)
{
        struct sockaddr_ll sll = {0};
        struct ether_arp arp = {0};
        struct ifreq ifr = {0};
        int ifindex, fd, r;

        r = ifname_index(ifname, &ifindex);
        if (r < 0)
                return r;
        if (count == 0)
                return 0;
        fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP));
        if (fd < 0)
                return -errno;
        /* The ioctl works on any socket; this one is already open. */
        memcpy(ifr.ifr_name, ifname, strlen(ifname));
        if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
                r = -errno;
                goto out;
        }
        if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
                r = -EOPNOTSUPP; /* loopback, tunnels: no ARP */
                goto out;
        }

        arp.ea_hdr.ar_hrd = htons(ARPHRD_ETHER);
        arp.ea_hdr.ar_pro = htons(ETHERTYPE_IP);
        arp.ea_hdr.ar_hln = ETH_ALEN;
        arp.ea_hdr.ar_pln = sizeof(addr);
        arp.ea_hdr.ar_op = htons(ARPOP_REQUEST);
        memcpy(arp.arp_sha, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
        memcpy(arp.arp_spa, &addr, sizeof(addr));
        memcpy(arp.arp_tpa, &addr, sizeof(addr)); /* arp_tha stays zero */

        sll.sll_family = AF_PACKET;
        sll.sll_protocol = htons(ETH_P_ARP);
        sll.sll_ifindex = ifindex;
        sll.sll_halen = ETH_ALEN;
        memset(sll.sll_addr, 0xff, ETH_ALEN);

        for (unsigned i = 0; i < count; i++) {
                if (sendto(fd, &arp, sizeof(arp), 0, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
                        r = -errno;
                        goto out;
                }
        }
        r = 0;
out:
        close(fd);
        return r;
}
