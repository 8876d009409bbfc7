/* netmon: the reachability prober (raw ICMP sockets on the libuv loop) and
 * the per-network "answered lately" bookkeeping. Packet format in
 * netmon_icmp.c. */
#include "netmon/netmon.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/hamr_alloc.h"
#include "common/hamr_log.h"
#include "netmon/netmon_icmp.h"

/* linux/icmp.h's raw-socket filter (that header clashes with net/if.h):
 * bit t set drops ICMP type t */
#define NM_ICMP_FILTER 1
struct nm_icmp_filter {
        uint32_t data;
};

#define SEQ_WINDOW   64 /* a reply counts for one of the last 64 probes sent */
#define READ_BUDGET  64 /* packets read per readable event (bounded) */
#define LOOKUP_EVERY USEC_PER_SEC
#define MAX_NETS     16 /* networks with targets probed (more are ignored, logged) */

/* One network of this node that has targets. Heap-allocated on its own:
 * its poll handle is closed asynchronously. */
typedef struct nm_net {
        uv_poll_t poll;
        int fd; /* -1: could not be opened (not configured) */
        bool polling;
        char name[CONF_MAX_NAME + 1];
        struct in_addr addr; /* this node's address on it */
        char ifname[IF_NAMESIZE];
        usec_t looked_up; /* last interface lookup (0 = never) */
        uint16_t id;      /* echo id of this network's probes */
        uint16_t seq;     /* last sequence number sent */
        unsigned ntargets;
        struct in_addr targets[CONF_MAX_NETMON_TARGETS];
        usec_t answered[CONF_MAX_NETMON_TARGETS]; /* last reply per target, 0 = never */
        usec_t next_probe;
        unsigned index; /* in netmon_t.nets */
        netmon_t *nm;
} nm_net_t;

struct netmon {
        uv_loop_t *loop;
        uint64_t generation; /* of the configuration followed */
        uint32_t self_id;
        bool have_cfg;
        usec_t interval;
        unsigned nnets;
        nm_net_t *nets[MAX_NETS];
        netmon_stats_t stats;
};

static void on_closed(uv_handle_t *h)
{
        nm_net_t *n = h->data;

        if (n->fd >= 0)
                close(n->fd);
        free(n);
}

static void net_free(nm_net_t *n)
{
        if (!n)
                return;
        if (n->polling) {
                uv_poll_stop(&n->poll);
                uv_close((uv_handle_t *)&n->poll, on_closed);
                return;
        }
        if (n->fd >= 0)
                close(n->fd);
        free(n);
}

static void close_all(netmon_t *nm)
{
        for (unsigned k = 0; k < nm->nnets; k++)
                net_free(nm->nets[k]);
        nm->nnets = 0;
        nm->have_cfg = false;
}

netmon_t *netmon_new(uv_loop_t *loop)
{
        netmon_t *nm = zalloc(sizeof(*nm));

        nm->loop = loop;
        return nm;
}

void netmon_free(netmon_t *nm)
{
        if (!nm)
                return;
        close_all(nm);
        free(nm);
}

usec_t netmon_interval(const hamr_config_t *cfg)
{
        usec_t q = cfg->net_fdt_usec / 4;

        return cfg->hb_interval_usec > q ? cfg->hb_interval_usec : q;
}

/* The interface holding n->addr, bound with SO_BINDTODEVICE so that probes
 * leave (and replies arrive) through this network only. Retried every
 * second while the address is missing. */
static void bind_device(nm_net_t *n, usec_t now)
{
        struct ifaddrs *ifa, *i;

        if (n->ifname[0] || (n->looked_up && now - n->looked_up < LOOKUP_EVERY))
                return;
        n->looked_up = now;
        if (getifaddrs(&ifa) < 0)
                return;
        for (i = ifa; i; i = i->ifa_next)
                if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
                    ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr == n->addr.s_addr &&
                    strlen(i->ifa_name) < sizeof(n->ifname)) {
                        if (setsockopt(n->fd, SOL_SOCKET, SO_BINDTODEVICE, i->ifa_name,
                                       (socklen_t)strlen(i->ifa_name)) == 0)
                                snprintf(n->ifname, sizeof(n->ifname), "%s", i->ifa_name);
                        else
                                log_warn("netmon", "network %s: cannot bind probes to %s: %s",
                                         n->name, i->ifa_name, strerror(errno));
                        break;
                }
        freeifaddrs(ifa);
        if (n->ifname[0]) {
                struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr = n->addr};
                /* source address: the node's own on this network */
                if (bind(n->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
                        log_warn("netmon", "network %s: cannot bind probes to its address: %s",
                                 n->name, strerror(errno));
                log_info("netmon", "network %s: probing %u targets through %s", n->name,
                         n->ntargets, n->ifname);
        }
}

static void on_readable(uv_poll_t *h, int status, int events)
{
        nm_net_t *n = h->data;
        uint8_t pkt[1500];

        (void)events;
        if (status < 0)
                return;
        for (int k = 0; k < READ_BUDGET; k++) {
                struct in_addr src;
                uint16_t id, seq;
                ssize_t len = recv(n->fd, pkt, sizeof(pkt), MSG_DONTWAIT);

                if (len < 0)
                        break; /* EAGAIN, or an error: the next probe tries again */
                if (netmon_icmp_reply(pkt, (size_t)len, &src, &id, &seq) < 0 ||
                    !netmon_on_reply(n->nm, n->index, src, id, seq, now_usec()))
                        n->nm->stats.ignored++;
        }
}

/* A new socket for network cn (index w), or NULL. */
static nm_net_t *net_open(netmon_t *nm, const conf_network_t *cn, unsigned w, struct in_addr addr)
{
        struct nm_icmp_filter filt = {.data = ~1U}; /* echo replies (type 0) only */
        nm_net_t *n;
        int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);

        if (fd < 0) {
                log_err("netmon",
                        "network %s: cannot open a raw ICMP socket (%s): NETMON_TARGETS not "
                        "probed on this node",
                        cn->name, strerror(errno));
                return NULL;
        }
        (void)setsockopt(fd, SOL_RAW, NM_ICMP_FILTER, &filt, sizeof(filt));
        n = zalloc(sizeof(*n));
        n->fd = fd;
        n->nm = nm;
        snprintf(n->name, sizeof(n->name), "%s", cn->name);
        n->addr = addr;
        n->id = (uint16_t)((unsigned)getpid() * 31u + w * 7919u);
        if (nm->loop && uv_poll_init_socket(nm->loop, &n->poll, fd) == 0) {
                n->poll.data = n;
                n->polling = true;
                uv_poll_start(&n->poll, UV_READABLE, on_readable);
        }
        return n;
}

/* One socket per network of self with targets; a network whose socket
 * cannot be opened is left out (the node then does not report targets for
 * it: a node that cannot probe must not look unreachable). A network whose
 * name and address did not change keeps its socket, and each target that
 * stays keeps its last answer: a new generation (any sync) must not make
 * the node look unreachable for a moment. */
static void configure(netmon_t *nm, const hamr_config_t *cfg, uint32_t self_id)
{
        nm_net_t *old[MAX_NETS];
        unsigned nold = nm->nnets;

        memcpy(old, nm->nets, sizeof(old));
        nm->nnets = 0;
        nm->have_cfg = true;
        nm->generation = cfg->generation;
        nm->self_id = self_id;
        nm->interval = netmon_interval(cfg);
        for (unsigned w = 0; w < cfg->nnetworks; w++) {
                const conf_network_t *cn = &cfg->networks[w];
                struct in_addr addr;
                nm_net_t *n = NULL;
                usec_t answered[CONF_MAX_NETMON_TARGETS] = {0};

                if (!cn->ntargets || self_id >= CONF_MAX_NODES || !cn->addr[self_id].s_addr)
                        continue;
                if (nm->nnets >= MAX_NETS) {
                        log_warn("netmon",
                                 "network %s: more than %d networks with targets: not "
                                 "probed",
                                 cn->name, MAX_NETS);
                        continue;
                }
                addr = cn->addr[self_id];
                for (unsigned k = 0; k < nold && !n; k++)
                        if (old[k] && strcmp(old[k]->name, cn->name) == 0 &&
                            old[k]->addr.s_addr == addr.s_addr) {
                                n = old[k];
                                old[k] = NULL;
                        }
                if (n) {
                        for (unsigned t = 0; t < cn->ntargets; t++)
                                for (unsigned u = 0; u < n->ntargets; u++)
                                        if (n->targets[u].s_addr == cn->targets[t].s_addr)
                                                answered[t] = n->answered[u];
                } else if (!(n = net_open(nm, cn, w, addr))) {
                        continue;
                }
                n->index = nm->nnets;
                n->ntargets = cn->ntargets;
                memcpy(n->targets, cn->targets, sizeof(n->targets));
                memcpy(n->answered, answered, sizeof(n->answered));
                nm->nets[nm->nnets++] = n;
        }
        for (unsigned k = 0; k < nold; k++)
                net_free(old[k]);
}

static void probe(netmon_t *nm, nm_net_t *n, usec_t now)
{
        uint8_t req[NETMON_ICMP_LEN];

        bind_device(n, now);
        if (!n->ifname[0])
                return; /* the address is not up here: nothing answers */
        n->seq++;
        netmon_icmp_request(req, n->id, n->seq);
        for (unsigned t = 0; t < n->ntargets; t++) {
                struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr = n->targets[t]};

                if (sendto(n->fd, req, sizeof(req), MSG_DONTWAIT, (struct sockaddr *)&to,
                           sizeof(to)) < 0)
                        nm->stats.send_errors++; /* unreachable, queue full: not answered */
                else
                        nm->stats.sent++;
        }
}

void netmon_step(netmon_t *nm, const hamr_config_t *cfg, uint32_t self_id, usec_t now)
{
        if (!nm)
                return;
        if (!cfg) {
                close_all(nm);
                return;
        }
        if (!nm->have_cfg || nm->generation != cfg->generation || nm->self_id != self_id)
                configure(nm, cfg, self_id);
        for (unsigned k = 0; k < nm->nnets; k++) {
                nm_net_t *n = nm->nets[k];

                if (n->next_probe && now < n->next_probe)
                        continue;
                /* one probe per interval, not a burst after a stall */
                n->next_probe = now + nm->interval * 3 / 4; /* ticks jitter */
                probe(nm, n, now);
        }
}

bool netmon_on_reply(netmon_t *nm, unsigned net, struct in_addr src, uint16_t id, uint16_t seq,
                     usec_t now)
{
        nm_net_t *n;

        if (!nm || net >= nm->nnets)
                return false;
        n = nm->nets[net];
        /* one of the last SEQ_WINDOW probes (uint16_t arithmetic wraps) */
        if (id != n->id || (uint16_t)(n->seq - seq) >= SEQ_WINDOW || n->seq == 0)
                return false;
        for (unsigned t = 0; t < n->ntargets; t++)
                if (n->targets[t].s_addr == src.s_addr) {
                        n->answered[t] = now;
                        nm->stats.replies++;
                        return true;
                }
        return false;
}

bool netmon_reaches(const netmon_t *nm, usec_t now, usec_t within, bool *ret_configured)
{
        bool all = true;

        *ret_configured = nm && nm->nnets > 0;
        if (!*ret_configured)
                return false;
        for (unsigned k = 0; k < nm->nnets; k++) {
                const nm_net_t *n = nm->nets[k];
                bool any = false;

                for (unsigned t = 0; t < n->ntargets; t++)
                        any |= n->answered[t] && now - n->answered[t] <= within;
                all = all && any;
        }
        return all;
}

void netmon_get_stats(const netmon_t *nm, netmon_stats_t *ret)
{
        if (nm)
                *ret = nm->stats;
        else
                memset(ret, 0, sizeof(*ret));
}
