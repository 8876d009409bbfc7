/* test_netmon: the reachability prober (src/netmon): ICMP echo packets
 * (build, parse, reject), which replies count, the "answered within the
 * window" rule, and one real probe over loopback (root only). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netmon/netmon.h"
#include "netmon/netmon_icmp.h"

/* An IPv4 header (20 bytes, ICMP) from src, then the ICMP message. */
static size_t wrap_ip(uint8_t *pkt, const char *src, const uint8_t *icmp, size_t len)
{
        memset(pkt, 0, 20);
        pkt[0] = 0x45;
        pkt[9] = IPPROTO_ICMP;
        inet_pton(AF_INET, src, pkt + 12);
        memcpy(pkt + 20, icmp, len);
        return 20 + len;
}

static void test_icmp_packets(void **state)
{
        uint8_t req[NETMON_ICMP_LEN], rep[NETMON_ICMP_LEN], pkt[64];
        struct in_addr src;
        uint16_t id = 0, seq = 0, ck;
        size_t n;

        (void)state;
        netmon_icmp_request(req, 0xbeef, 0x0102);
        assert_int_equal(req[0], 8);
        assert_int_equal(netmon_icmp_cksum(req, sizeof(req)), 0); /* checksum included */
        /* the answer: same message, type 0, checksum redone */
        memcpy(rep, req, sizeof(rep));
        rep[0] = 0;
        rep[2] = rep[3] = 0;
        ck = netmon_icmp_cksum(rep, sizeof(rep));
        rep[2] = (uint8_t)(ck >> 8);
        rep[3] = (uint8_t)ck;
        n = wrap_ip(pkt, "198.18.0.1", rep, sizeof(rep));
        assert_int_equal(netmon_icmp_reply(pkt, n, &src, &id, &seq), 0);
        assert_int_equal(src.s_addr, inet_addr("198.18.0.1"));
        assert_int_equal(id, 0xbeef);
        assert_int_equal(seq, 0x0102);
        /* every truncation, a bad checksum, a request, another protocol */
        for (size_t len = 0; len < 28; len++)
                assert_int_equal(netmon_icmp_reply(pkt, len, &src, &id, &seq), -EBADMSG);
        pkt[30] ^= 1;
        assert_int_equal(netmon_icmp_reply(pkt, n, &src, &id, &seq), -EBADMSG);
        pkt[30] ^= 1;
        n = wrap_ip(pkt, "198.18.0.1", req, sizeof(req));
        assert_int_equal(netmon_icmp_reply(pkt, n, &src, &id, &seq), -EBADMSG);
        n = wrap_ip(pkt, "198.18.0.1", rep, sizeof(rep));
        pkt[9] = IPPROTO_UDP;
        assert_int_equal(netmon_icmp_reply(pkt, n, &src, &id, &seq), -EBADMSG);
        pkt[9] = IPPROTO_ICMP;
        pkt[0] = 0x44; /* header length below 20 */
        assert_int_equal(netmon_icmp_reply(pkt, n, &src, &id, &seq), -EBADMSG);
}

/* A one-node configuration: this node at addr on network "lan" with the
 * targets given. */
static void one_node(hamr_config_t *cfg, conf_network_t *nw, const char *addr, const char *t1,
                     const char *t2)
{
        memset(cfg, 0, sizeof(*cfg));
        memset(nw, 0, sizeof(*nw));
        cfg->generation = 1;
        cfg->hb_interval_usec = 50 * USEC_PER_MSEC;
        cfg->net_fdt_usec = 400 * USEC_PER_MSEC;
        cfg->networks = nw;
        cfg->nnetworks = 1;
        snprintf(nw->name, sizeof(nw->name), "lan");
        inet_pton(AF_INET, addr, &nw->addr[0]);
        inet_pton(AF_INET, t1, &nw->targets[nw->ntargets++]);
        if (t2)
                inet_pton(AF_INET, t2, &nw->targets[nw->ntargets++]);
}

static bool raw_sockets(void)
{
        int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);

        if (fd < 0)
                return false;
        close(fd);
        return true;
}

static void test_interval(void **state)
{
        hamr_config_t cfg;
        conf_network_t nw;

        (void)state;
        one_node(&cfg, &nw, "127.0.0.1", "127.0.0.2", NULL);
        assert_int_equal(netmon_interval(&cfg), 100 * USEC_PER_MSEC); /* NFDT / 4 */
        cfg.hb_interval_usec = 200 * USEC_PER_MSEC;
        assert_int_equal(netmon_interval(&cfg), 200 * USEC_PER_MSEC);
}

/* No targets: nothing configured, nothing reached, no socket. */
static void test_no_targets(void **state)
{
        hamr_config_t cfg;
        conf_network_t nw;
        netmon_t *nm = netmon_new(NULL);
        bool conf = true;

        (void)state;
        one_node(&cfg, &nw, "127.0.0.1", "127.0.0.2", NULL);
        nw.ntargets = 0;
        netmon_step(nm, &cfg, 0, 1000);
        assert_false(netmon_reaches(nm, 1000, cfg.net_fdt_usec, &conf));
        assert_false(conf);
        assert_false(netmon_reaches(NULL, 1000, cfg.net_fdt_usec, &conf));
        assert_false(conf);
        netmon_free(nm);
        netmon_free(NULL);
}

/* One real probe over loopback (127.0.0.1 -> 127.0.0.2 and a target that
 * never answers): the reply counts, the window runs out, and replies with
 * another id, an old sequence number or from elsewhere do not count. */
static void test_loopback_probe(void **state)
{
        hamr_config_t cfg;
        conf_network_t nw;
        uv_loop_t loop;
        netmon_t *nm;
        netmon_stats_t st;
        bool conf = false, reached = false;
        usec_t now = now_usec(), deadline = now + 3 * USEC_PER_SEC, answered = 0;
        FILE *f = fopen("/proc/sys/net/ipv4/icmp_echo_ignore_all", "r");
        int ignore = 0;

        (void)state;
        if (f) {
                if (fscanf(f, "%d", &ignore) != 1)
                        ignore = 0;
                fclose(f);
        }
        if (!raw_sockets() || ignore)
                skip(); /* not root, or this host does not answer pings */
        uv_loop_init(&loop);
        nm = netmon_new(&loop);
        /* 198.18.255.254 is never answered here (nothing routes it: send error or silence) */
        one_node(&cfg, &nw, "127.0.0.1", "198.18.255.254", "127.0.0.2");
        netmon_step(nm, &cfg, 0, now);
        assert_false(netmon_reaches(nm, now, cfg.net_fdt_usec, &conf));
        assert_true(conf);
        while (!reached && now_usec() < deadline) { /* bounded */
                uv_run(&loop, UV_RUN_NOWAIT);
                usleep(1000);
                now = now_usec();
                netmon_step(nm, &cfg, 0, now);
                reached = netmon_reaches(nm, now, cfg.net_fdt_usec, &conf);
        }
        assert_true(reached);
        answered = now;
        netmon_get_stats(nm, &st);
        assert_true(st.sent >= 1);
        assert_true(st.replies >= 1);
        /* the window: reached until NFDT after the last answer (stamped
         * within the last loop round, a few ms), not after */
        assert_true(netmon_reaches(nm, answered + cfg.net_fdt_usec - 50 * USEC_PER_MSEC,
                                   cfg.net_fdt_usec, &conf));
        assert_false(netmon_reaches(nm, answered + cfg.net_fdt_usec + 1, cfg.net_fdt_usec, &conf));
        /* replies that do not count: not a target, another id, a sequence
         * number never sent */
        {
                struct in_addr t;
                inet_pton(AF_INET, "127.0.0.2", &t);
                assert_false(
                    netmon_on_reply(nm, 0, (struct in_addr){htonl(0x7f000003)}, 0, 1, now));
                assert_false(netmon_on_reply(nm, 1, t, 0, 1, now)); /* no such network */
        }
        /* a new generation with the same network keeps the answers (a sync
         * must not make the node look unreachable); a target removed takes
         * its answer with it */
        cfg.generation = 2;
        netmon_step(nm, &cfg, 0, now);
        assert_true(netmon_reaches(nm, now, cfg.net_fdt_usec, &conf));
        cfg.generation = 3;
        nw.ntargets = 1; /* only 198.18.255.254, which never answered */
        netmon_step(nm, &cfg, 0, now);
        assert_false(netmon_reaches(nm, now, cfg.net_fdt_usec, &conf));
        assert_true(conf);
        /* a new generation without targets closes the socket */
        cfg.generation = 4;
        nw.ntargets = 0;
        netmon_step(nm, &cfg, 0, now);
        assert_false(netmon_reaches(nm, now, cfg.net_fdt_usec, &conf));
        assert_false(conf);
        netmon_free(nm);
        uv_run(&loop, UV_RUN_NOWAIT); /* close callbacks */
        assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_icmp_packets),
            cmocka_unit_test(test_interval),
            cmocka_unit_test(test_no_targets),
            cmocka_unit_test(test_loopback_probe),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
