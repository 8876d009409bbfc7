/* test_agents: unit tests for src/agents: agent_ipaddr inside a private
 * network namespace (never the host's interfaces) and agent_app with small
 * shell scripts in a temporary directory. Runs as root. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/if_ether.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agents/agent_app.h"
#include "agents/agent_dnp.h"
#include "agents/agent_ipaddr.h"
#include "agents/agent_proc.h"
#include "common/hamr_time.h"

/* ------------------------------------------------------------------ */
/* agent_ipaddr                                                       */
/* ------------------------------------------------------------------ */

static bool netns_ok;

static struct in_addr ip4(const char *s)
{
        struct in_addr a;

        assert_int_equal(inet_pton(AF_INET, s, &a), 1);
        return a;
}

/* Own, empty network namespace with d0 = 198.18.7.1/24 (a dummy interface,
 * or one end of a veth pair where the dummy driver is not available). */
static int netns_setup(void **state)
{
        if (unshare(CLONE_NEWNET) < 0) {
                fprintf(stderr, "unshare(CLONE_NEWNET): %s: skipping ipaddr tests\n",
                        strerror(errno));
                return 0;
        }
        if (system("ip link set lo up && "
                   "{ ip link add d0 type dummy 2>/dev/null || "
                   "{ ip link add d0 type veth peer name d0p && ip link set d0p up; }; } && "
                   "ip link set d0 up && ip addr add 198.18.7.1/24 dev d0") != 0)
                return -1;
        netns_ok = true;
        return 0;
}

static void test_ipaddr_find_ifname(void **state)
{
        char ifname[IFNAMSIZ];

        if (!netns_ok)
                skip();
        assert_int_equal(agent_ipaddr_find_ifname(ip4("198.18.7.1"), ifname), 0);
        assert_string_equal(ifname, "d0");
        assert_int_equal(agent_ipaddr_find_ifname(ip4("127.0.0.1"), ifname), 0);
        assert_string_equal(ifname, "lo");
        assert_int_equal(agent_ipaddr_find_ifname(ip4("198.18.9.9"), ifname), -ENODEV);
}

static void test_ipaddr_add_del(void **state)
{
        struct in_addr a = ip4("198.18.7.50");

        if (!netns_ok)
                skip();
        assert_int_equal(agent_ipaddr_present(a), 0);
        assert_int_equal(agent_ipaddr_add("d0", a, 24, 3), 0);
        assert_int_equal(agent_ipaddr_present(a), 1);
        /* As the kernel sees it: prefix and broadcast. */
        assert_int_equal(system("ip -4 addr show dev d0 | "
                                "grep -q 'inet 198.18.7.50/24 brd 198.18.7.255 '"),
                         0);
        assert_int_equal(agent_ipaddr_add("d0", a, 24, 1), 0); /* idempotent */
        assert_int_equal(agent_ipaddr_present(a), 1);
        assert_int_equal(agent_ipaddr_del("d0", a, 24), 0);
        assert_int_equal(agent_ipaddr_present(a), 0);
        assert_int_equal(agent_ipaddr_del("d0", a, 24), 0); /* absent: success */
        /* The interface's own address was not touched. */
        assert_int_equal(agent_ipaddr_present(ip4("198.18.7.1")), 1);
}

static void test_ipaddr_host_route(void **state)
{
        struct in_addr a = ip4("198.19.0.9");
        char ifname[IFNAMSIZ];

        if (!netns_ok)
                skip();
        assert_int_equal(agent_ipaddr_add("d0", a, 32, 0), 0);
        assert_int_equal(agent_ipaddr_present(a), 1);
        assert_int_equal(agent_ipaddr_find_ifname(a, ifname), 0);
        assert_string_equal(ifname, "d0");
        assert_int_equal(agent_ipaddr_del("d0", a, 32), 0);
        assert_int_equal(agent_ipaddr_present(a), 0);
}

static void test_ipaddr_errors(void **state)
{
        struct in_addr a = ip4("198.18.7.51");

        if (!netns_ok)
                skip();
        assert_int_equal(agent_ipaddr_add("nosuch0", a, 24, 1), -ENODEV);
        assert_int_equal(agent_ipaddr_del("nosuch0", a, 24), -ENODEV);
        assert_int_equal(agent_ipaddr_garp("nosuch0", a, 1), -ENODEV);
        assert_int_equal(agent_ipaddr_add("d0", a, 33, 1), -EINVAL);
        assert_int_equal(agent_ipaddr_add("", a, 24, 1), -EINVAL);
        assert_int_equal(agent_ipaddr_add("a_very_long_interface_name", a, 24, 1), -EINVAL);
        assert_int_equal(agent_ipaddr_garp("lo", a, 1), -EOPNOTSUPP); /* no ARP there */
        assert_int_equal(agent_ipaddr_present(a), 0);
}

/* A link that is down: the address cannot be announced, the add fails and
 * leaves no address behind (a failed acquisition must not leave the
 * service address on the node). */
static void test_ipaddr_add_link_down(void **state)
{
        struct in_addr a = ip4("198.18.7.52");
        int r;

        if (!netns_ok)
                skip();
        assert_int_equal(system("ip link set d0 down"), 0);
        r = agent_ipaddr_add("d0", a, 24, 1);
        assert_int_equal(system("ip link set d0 up"), 0);
        assert_int_equal(r, -ENETDOWN);
        assert_int_equal(agent_ipaddr_present(a), 0);
}

/* Capture our own ARP frames on d0 (an ETH_P_ALL packet socket also sees
 * outgoing frames) and check every field of the gratuitous ARP. */
static void test_ipaddr_garp(void **state)
{
        struct in_addr a = ip4("198.18.7.50");
        struct sockaddr_ll sll = {0};
        struct ifreq ifr = {0};
        unsigned char frame[128];
        int fd, seen = 0;

        if (!netns_ok)
                skip();
        fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL));
        assert_true(fd >= 0);
        strcpy(ifr.ifr_name, "d0");
        assert_int_equal(ioctl(fd, SIOCGIFHWADDR, &ifr), 0);
        sll.sll_family = AF_PACKET;
        sll.sll_protocol = htons(ETH_P_ALL);
        sll.sll_ifindex = (int)if_nametoindex("d0");
        assert_int_equal(bind(fd, (struct sockaddr *)&sll, sizeof(sll)), 0);

        assert_int_equal(agent_ipaddr_garp("d0", a, 3), 0);
        assert_int_equal(agent_ipaddr_garp("d0", a, 0), 0);

        for (;;) {
                struct pollfd p = {.fd = fd, .events = POLLIN};
                const struct ether_header *eh = (const void *)frame;
                const struct ether_arp *arp = (const void *)(frame + sizeof(*eh));
                static const unsigned char bcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
                static const unsigned char zero[ETH_ALEN];
                ssize_t n;

                if (poll(&p, 1, 500) <= 0)
                        break;
                n = recv(fd, frame, sizeof(frame), 0);
                assert_true(n >= (ssize_t)sizeof(*eh));
                if (ntohs(eh->ether_type) != ETHERTYPE_ARP)
                        continue; /* IPv6 neighbour discovery and such */
                assert_true(n >= (ssize_t)(sizeof(*eh) + sizeof(*arp)));
                assert_memory_equal(eh->ether_dhost, bcast, ETH_ALEN);
                assert_memory_equal(eh->ether_shost, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
                assert_int_equal(ntohs(eh->ether_type), ETHERTYPE_ARP);
                assert_int_equal(ntohs(arp->ea_hdr.ar_hrd), ARPHRD_ETHER);
                assert_int_equal(ntohs(arp->ea_hdr.ar_pro), ETHERTYPE_IP);
                assert_int_equal(arp->ea_hdr.ar_hln, ETH_ALEN);
                assert_int_equal(arp->ea_hdr.ar_pln, 4);
                assert_int_equal(ntohs(arp->ea_hdr.ar_op), ARPOP_REQUEST);
                assert_memory_equal(arp->arp_sha, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
                assert_memory_equal(arp->arp_spa, &a, 4);
                assert_memory_equal(arp->arp_tpa, &a, 4);
                assert_memory_equal(arp->arp_tha, zero, ETH_ALEN);
                seen++;
        }
        close(fd);
        assert_int_equal(seen, 3);
}

/* ------------------------------------------------------------------ */
/* agent_app                                                          */
/* ------------------------------------------------------------------ */

#define RUN_DEADLINE_USEC (15 * USEC_PER_SEC)

static char tmpdir[] = "/tmp/hamr-agents-XXXXXX";
static char dir_env[sizeof(tmpdir) + 32];
static pid_t leftover[64];
static size_t n_leftover;

struct result {
        int calls;
        int status;
        char reason[AGENT_APP_REASON_LEN];
};

static void done_cb(void *userdata, int status, const char *reason)
{
        struct result *res = userdata;

        res->calls++;
        res->status = status;
        snprintf(res->reason, sizeof(res->reason), "%s", reason);
}

static void wake_cb(uv_timer_t *t)
{
}

static int app_setup(void **state)
{
        if (!mkdtemp(tmpdir))
                return -1;
        snprintf(dir_env, sizeof(dir_env), "HAMR_TEST_DIR=%s", tmpdir);
        /* Orphaned script children come to us, so the tests can reap them
         * (pid 1 of a container may not). */
        return prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 ? -1 : 0;
}

static bool pid_gone(pid_t pid)
{
        char path[64], buf[256], *p;
        FILE *f;

        if (waitpid(pid, NULL, WNOHANG) == pid)
                return true;
        if (kill(pid, 0) < 0 && errno == ESRCH)
                return true;
        /* A zombie of another parent is dead too. */
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        f = fopen(path, "re");
        if (!f)
                return true;
        p = fgets(buf, sizeof(buf), f);
        fclose(f);
        p = p ? strrchr(buf, ')') : NULL;
        return p && (p[2] == 'Z' || p[2] == 'X');
}

static bool wait_gone(pid_t pid, usec_t max)
{
        usec_t end = now_usec() + max;

        while (!pid_gone(pid)) {
                if (now_usec() > end)
                        return false;
                usleep(10000);
        }
        return true;
}

static int app_teardown(void **state)
{
        char cmd[sizeof(tmpdir) + 16];

        for (size_t i = 0; i < n_leftover; i++) {
                if (!pid_gone(leftover[i])) {
                        kill(leftover[i], SIGKILL);
                        wait_gone(leftover[i], USEC_PER_SEC);
                }
        }
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        return system(cmd) == 0 ? 0 : -1;
}

/* Write an executable script tmpdir/name; its path goes to out (caller's). */
static void write_script(const char *name, const char *body, char *out, size_t outlen)
{
        FILE *f;

        snprintf(out, outlen, "%s/%s", tmpdir, name);
        f = fopen(out, "we");
        assert_non_null(f);
        fprintf(f, "#!/bin/sh\n%s", body);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(chmod(out, 0755), 0);
}

/* Read the pids a script wrote to tmpdir/name; remember them for teardown. */
static size_t read_pids(const char *name, pid_t *pids, size_t max)
{
        char path[256];
        size_t n = 0;
        FILE *f;
        int pid;

        snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
        f = fopen(path, "re");
        assert_non_null(f);
        while (n < max && fscanf(f, "%d", &pid) == 1) {
                pids[n++] = pid;
                if (n_leftover < sizeof(leftover) / sizeof(leftover[0]))
                        leftover[n_leftover++] = pid;
        }
        fclose(f);
        return n;
}

struct run {
        const char *const *env;
        usec_t timeout_usec;
        usec_t cancel_after_usec; /* 0: never */
        int timeout_signal;       /* 0: the default (SIGTERM) */
        struct result res;
        usec_t elapsed_usec;
};

static void cancel_cb(uv_timer_t *t)
{
        agent_app_job_t *job = t->data;
        struct result *res = t->loop->data;

        agent_app_cancel(job);
        assert_int_equal(res->calls, 0); /* not from inside cancel */
}

/* Run one script on a private loop until its callback fired (bounded).
 * Returns agent_app_run's result. */
static int run_script(const char *path, struct run *run)
{
        static const char *const default_env[] = {dir_env, NULL};
        uv_timer_t wake, cancel;
        agent_app_job_t *job = NULL;
        uv_loop_t loop;
        usec_t t0;
        int r;

        assert_int_equal(uv_loop_init(&loop), 0);
        loop.data = &run->res;
        /* Wakes UV_RUN_ONCE up so the deadline is checked. */
        uv_timer_init(&loop, &wake);
        uv_timer_start(&wake, wake_cb, 50, 50);
        uv_timer_init(&loop, &cancel);

        t0 = now_usec();
        r = agent_app_run(&loop, "STARTSCRIPT", path, run->env ? run->env : default_env,
                          run->timeout_usec, done_cb, &run->res, &job);
        assert_int_equal(run->res.calls, 0); /* never from inside agent_app_run */
        if (r == 0) {
                assert_non_null(job);
                if (run->timeout_signal)
                        agent_app_set_timeout_signal(job, run->timeout_signal);
                if (run->cancel_after_usec) {
                        cancel.data = job;
                        uv_timer_start(&cancel, cancel_cb, run->cancel_after_usec / 1000, 0);
                }
                while (run->res.calls == 0 && now_usec() - t0 < RUN_DEADLINE_USEC)
                        uv_run(&loop, UV_RUN_ONCE);
                if (run->res.calls == 0)
                        agent_app_cancel(job); /* test fails below; clean up */
        }
        run->elapsed_usec = now_usec() - t0;
        uv_close((uv_handle_t *)&wake, NULL);
        uv_close((uv_handle_t *)&cancel, NULL);
        /* Everything of the job is closed once its callback ran (and after a
         * failed start, closing): the loop must drain and close cleanly. */
        while (uv_run(&loop, UV_RUN_ONCE) != 0 && now_usec() - t0 < 2 * RUN_DEADLINE_USEC)
                ;
        assert_int_equal(uv_loop_close(&loop), 0);
        if (r == 0)
                assert_int_equal(run->res.calls, 1);
        else
                assert_int_equal(run->res.calls, 0);
        return r;
}

static void test_app_exit0(void **state)
{
        struct run run = {.timeout_usec = 10 * USEC_PER_SEC};
        char path[256];

        /* cat returns at once only if stdin is /dev/null. */
        write_script("ok.sh", "cat\necho all fine\nexit 0\n", path, sizeof(path));
        assert_int_equal(run_script(path, &run), 0);
        assert_int_equal(run.res.status, 0);
        assert_string_equal(run.res.reason, "");
}

static void test_app_exit3(void **state)
{
        struct run run = {.timeout_usec = 10 * USEC_PER_SEC};
        char path[256], want[512];

        write_script("fail.sh", "echo first\necho boom >&2\necho\necho '   '\nexit 3\n", path,
                     sizeof(path));
        assert_int_equal(run_script(path, &run), 0);
        assert_int_equal(run.res.status, -ECHILD);
        assert_non_null(strstr(run.res.reason, "status 3"));
        assert_non_null(strstr(run.res.reason, "boom"));
        snprintf(want, sizeof(want), "STARTSCRIPT %s exited with status 3: boom", path);
        assert_string_equal(run.res.reason, want);
}

static void test_app_signal(void **state)
{
        struct run run = {.timeout_usec = 10 * USEC_PER_SEC};
        char path[256];

        write_script("sig.sh", "echo dying\nkill -USR1 $$\nsleep 5\n", path, sizeof(path));
        assert_int_equal(run_script(path, &run), 0);
        assert_int_equal(run.res.status, -ECHILD);
        assert_non_null(strstr(run.res.reason, "killed by signal 10"));
        assert_non_null(strstr(run.res.reason, "dying"));
}

static void test_app_long_output(void **state)
{
        struct run run = {.timeout_usec = 10 * USEC_PER_SEC};
        char path[256];

        write_script("long.sh",
                     "head -c 100000 /dev/zero | tr '\\0' 'x'\n"
                     "printf 'last \\001line\\r\\n'\nhead -c 5000 /dev/zero | tr '\\0' 'y'\n"
                     "exit 1\n",
                     path, sizeof(path));
        assert_int_equal(run_script(path, &run), 0);
        assert_int_equal(run.res.status, -ECHILD);
        assert_true(strlen(run.res.reason) < AGENT_APP_REASON_LEN);
        assert_non_null(strstr(run.res.reason, "status 1: yyyy"));
}

static void test_app_timeout(void **state)
{
        struct run run = {.timeout_usec = 300 * USEC_PER_MSEC};
        char path[256], want[512];
        pid_t pids[2];

        write_script("slow.sh",
                     "sleep 100 &\necho $! > \"$HAMR_TEST_DIR/slow.pids\"\n"
                     "echo $$ >> \"$HAMR_TEST_DIR/slow.pids\"\nexec sleep 100\n",
                     path, sizeof(path));
        assert_int_equal(run_script(path, &run), 0);
        assert_int_equal(run.res.status, -ETIMEDOUT);
        snprintf(want, sizeof(want), "STARTSCRIPT %s timed out after 0.3 s (process group killed)",
                 path);
        assert_string_equal(run.res.reason, want);
        assert_true(run.elapsed_usec >= 300 * USEC_PER_MSEC);
        assert_true(run.elapsed_usec < 2 * USEC_PER_SEC);
        assert_int_equal(read_pids("slow.pids", pids, 2), 2);
        /* Both the sleeping script and its background child are gone. */
        assert_true(wait_gone(pids[0], USEC_PER_SEC));
        assert_true(wait_gone(pids[1], USEC_PER_SEC));
}

static void test_app_term_ignored(void **state)
{
        struct run run = {.timeout_usec = 300 * USEC_PER_MSEC};
        pid_t pids[2];
        char path[256];

        write_script("stubborn.sh",
                     "trap '' TERM\necho $$ > \"$HAMR_TEST_DIR/stubborn.pids\"\n"
                     "sleep 100 &\necho $! >> \"$HAMR_TEST_DIR/stubborn.pids\"\nsleep 100\n",
                     path, sizeof(path));
        assert_int_equal(run_script(path, &run), 0);
        assert_int_equal(run.res.status, -ETIMEDOUT);
        assert_non_null(strstr(run.res.reason, "timed out after 0.3 s (process group killed)"));
        /* SIGTERM was ignored: it took the grace period and a SIGKILL. */
        assert_true(run.elapsed_usec >=
                    300 * USEC_PER_MSEC + AGENT_APP_KILL_GRACE_USEC - 50 * USEC_PER_MSEC);
        assert_true(run.elapsed_usec <
                    300 * USEC_PER_MSEC + AGENT_APP_KILL_GRACE_USEC + USEC_PER_SEC);
        assert_int_equal(read_pids("stubborn.pids", pids, 2), 2);
        assert_true(wait_gone(pids[0], USEC_PER_SEC));
        assert_true(wait_gone(pids[1], USEC_PER_SEC));
}

/* A hung application monitor gets HUNG_MONITOR_SIGNAL (9 here) at the
 * timeout: no SIGTERM grace period, its whole group dies at once. */
static void test_app_timeout_signal(void **state)
{
        struct run run = {.timeout_usec = 300 * USEC_PER_MSEC, .timeout_signal = SIGKILL};
        pid_t pids[2];
        char path[256];

        (void)state;
        write_script("hung.sh",
                     "trap '' TERM\necho $$ > \"$HAMR_TEST_DIR/hung.pids\"\n"
                     "sleep 100 &\necho $! >> \"$HAMR_TEST_DIR/hung.pids\"\nsleep 100\n",
                     path, sizeof(path));
        assert_int_equal(run_script(path, &run), 0);
        assert_int_equal(run.res.status, -ETIMEDOUT);
        assert_true(run.elapsed_usec < 300 * USEC_PER_MSEC + AGENT_APP_KILL_GRACE_USEC / 2);
        assert_int_equal(read_pids("hung.pids", pids, 2), 2);
        assert_true(wait_gone(pids[0], USEC_PER_SEC));
        assert_true(wait_gone(pids[1], USEC_PER_SEC));
}

/* TYPE=Process monitors: this test program itself is found by its comm
 * and owner; a name nobody runs and another owner count 0. */
static void test_proc_count(void **state)
{
        char comm[64] = "";
        FILE *f = fopen("/proc/self/comm", "r");

        (void)state;
        assert_non_null(f);
        assert_non_null(fgets(comm, sizeof(comm), f));
        fclose(f);
        comm[strcspn(comm, "\n")] = '\0';
        assert_true(agent_proc_count(comm, -1) >= 1);
        assert_true(agent_proc_count(comm, (long)getuid()) >= 1);
        assert_int_equal(agent_proc_count(comm, (long)getuid() + 4242), 0);
        assert_int_equal(agent_proc_count("no_such_hamr_proc", -1), 0);
}

static void test_app_background_daemon(void **state)
{
        struct run run = {.timeout_usec = 10 * USEC_PER_SEC};
        pid_t pid;
        char path[256];

        /* The background sleep keeps stdout/stderr open after the script exits. */
        write_script("daemon.sh",
                     "sleep 30 &\necho $! > \"$HAMR_TEST_DIR/daemon.pids\"\necho started\nexit 0\n",
                     path, sizeof(path));
        assert_int_equal(run_script(path, &run), 0);
        assert_int_equal(run.res.status, 0);
        assert_string_equal(run.res.reason, "");
        assert_true(run.elapsed_usec < USEC_PER_SEC);
        assert_int_equal(read_pids("daemon.pids", &pid, 1), 1);
        /* A successful start leaves the daemon alone. */
        assert_false(pid_gone(pid));
        kill(pid, SIGKILL);
        assert_true(wait_gone(pid, USEC_PER_SEC));
}

static void test_app_env(void **state)
{
        const char *const env[] = {dir_env, "HAMR_TEST_VAR=hello world", "HAMR_TEST_OVR=first",
                                   "HAMR_TEST_OVR=second", NULL};
        struct run run = {.env = env, .timeout_usec = 10 * USEC_PER_SEC};
        char path[256], out[256], buf[256] = "";
        size_t n;
        FILE *f;

        assert_int_equal(setenv("HAMR_TEST_OVR", "daemon", 1), 0);
        assert_int_equal(setenv("HAMR_TEST_KEEP", "kept", 1), 0);
        write_script("env.sh",
                     "printf '%s|%s|%s\\n' \"$HAMR_TEST_VAR\" \"$HAMR_TEST_OVR\" "
                     "\"$HAMR_TEST_KEEP\" > \"$HAMR_TEST_DIR/env.out\"\n",
                     path, sizeof(path));
        assert_int_equal(run_script(path, &run), 0);
        unsetenv("HAMR_TEST_OVR");
        unsetenv("HAMR_TEST_KEEP");
        assert_int_equal(run.res.status, 0);
        snprintf(out, sizeof(out), "%s/env.out", tmpdir);
        f = fopen(out, "re");
        assert_non_null(f);
        n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = '\0';
        fclose(f);
        assert_string_equal(buf, "hello world|second|kept\n");
}

static void test_app_not_runnable(void **state)
{
        const char *const bad_env[] = {"NOEQUALS", NULL};
        struct run run = {.timeout_usec = 10 * USEC_PER_SEC};
        char path[256];
        FILE *f;

        snprintf(path, sizeof(path), "%s/missing.sh", tmpdir);
        assert_int_equal(run_script(path, &run), -ENOENT);

        snprintf(path, sizeof(path), "%s/noexec.sh", tmpdir);
        f = fopen(path, "we");
        assert_non_null(f);
        fputs("#!/bin/sh\nexit 0\n", f);
        fclose(f);
        assert_int_equal(chmod(path, 0644), 0);
        assert_int_equal(run_script(path, &run), -EACCES);

        write_script("ok2.sh", "exit 0\n", path, sizeof(path));
        run.env = bad_env;
        assert_int_equal(run_script(path, &run), -EINVAL);
}

static void test_app_cancel(void **state)
{
        struct run run = {.timeout_usec = 10 * USEC_PER_SEC,
                          .cancel_after_usec = 200 * USEC_PER_MSEC};
        char path[256], want[512];
        pid_t pids[2];

        write_script("cancel.sh",
                     "sleep 100 &\necho $! > \"$HAMR_TEST_DIR/cancel.pids\"\n"
                     "echo $$ >> \"$HAMR_TEST_DIR/cancel.pids\"\nsleep 100\n",
                     path, sizeof(path));
        assert_int_equal(run_script(path, &run), 0);
        assert_int_equal(run.res.status, -ECANCELED);
        snprintf(want, sizeof(want), "STARTSCRIPT %s cancelled", path);
        assert_string_equal(run.res.reason, want);
        assert_true(run.elapsed_usec < USEC_PER_SEC);
        assert_int_equal(read_pids("cancel.pids", pids, 2), 2);
        assert_true(wait_gone(pids[0], USEC_PER_SEC));
        assert_true(wait_gone(pids[1], USEC_PER_SEC));
}

/* Dynamic node priority values from /proc text: MemAvailable, idle CPU
 * (idle + iowait) over a delta, the busiest disk's io_ticks over the time
 * delta (loop devices left out); the real files parse here too. */
static void test_dnp_parsers(void **state)
{
        agent_dnp_sample_t a = {0}, b = {0}, live = {0};
        uint16_t pm = 0;

        (void)state;
        assert_int_equal(agent_dnp_parse_meminfo("MemTotal: 1000 kB\nMemFree: 10 kB\n"
                                                 "MemAvailable:    2097152 kB\n",
                                                 &a),
                         0);
        assert_true(a.have_mem);
        assert_int_equal(a.mem_avail_kb, 2097152);
        assert_int_equal(agent_dnp_parse_meminfo("MemTotal: 1000 kB\n", &b), -EINVAL);
        assert_false(b.have_mem);
        assert_int_equal(
            agent_dnp_parse_stat("cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3 4\n", &a), 0);
        assert_int_equal(agent_dnp_parse_stat("cpu  150 0 150 1450 150 0 0 0 0 0\n", &b), 0);
        assert_true(agent_dnp_cpu_idle_pm(&a, &b, &pm));
        assert_int_equal(pm, 888);                        /* (750 + 50) idle of 900 jiffies */
        assert_false(agent_dnp_cpu_idle_pm(&b, &a, &pm)); /* counters went back */
        assert_int_equal(agent_dnp_parse_stat("intr 1 2 3\n", &b), -EINVAL);
        a.at = 1000 * USEC_PER_MSEC;
        b.at = 3000 * USEC_PER_MSEC;
        assert_int_equal(
            agent_dnp_parse_diskstats("   7       0 loop0 1 0 2 3 0 0 0 0 0 9000 0\n"
                                      "   8       0 sda 10 0 20 30 1 0 2 3 0 500 600\n"
                                      " 253       0 vda 10 0 20 30 1 0 2 3 0 100 600\n",
                                      &a),
            0);
        assert_int_equal(a.ndisks, 2);
        assert_int_equal(
            agent_dnp_parse_diskstats("   7       0 loop0 1 0 2 3 0 0 0 0 0 11000 0\n"
                                      "   8       0 sda 10 0 20 30 1 0 2 3 0 800 600\n"
                                      " 253       0 vda 10 0 20 30 1 0 2 3 0 1100 600\n",
                                      &b),
            0);
        assert_true(agent_dnp_disk_busy_pm(&a, &b, &pm));
        assert_int_equal(pm, 500); /* vda: 1000 ms busy of 2000 (loop0 left out) */
        /* this machine's files */
        agent_dnp_read(&live, 1);
        assert_true(live.have_mem);
        assert_true(live.have_cpu);
        assert_true(live.mem_avail_kb > 0);
}

int main(void)
{
        const struct CMUnitTest ipaddr_tests[] = {
            cmocka_unit_test(test_ipaddr_find_ifname),   cmocka_unit_test(test_ipaddr_add_del),
            cmocka_unit_test(test_ipaddr_host_route),    cmocka_unit_test(test_ipaddr_errors),
            cmocka_unit_test(test_ipaddr_garp),          cmocka_unit_test(test_dnp_parsers),
            cmocka_unit_test(test_ipaddr_add_link_down),
        };
        const struct CMUnitTest app_tests[] = {
            cmocka_unit_test(test_app_exit0),
            cmocka_unit_test(test_app_exit3),
            cmocka_unit_test(test_app_signal),
            cmocka_unit_test(test_app_long_output),
            cmocka_unit_test(test_app_timeout),
            cmocka_unit_test(test_app_term_ignored),
            cmocka_unit_test(test_app_timeout_signal),
            cmocka_unit_test(test_proc_count),
            cmocka_unit_test(test_app_background_daemon),
            cmocka_unit_test(test_app_env),
            cmocka_unit_test(test_app_not_runnable),
            cmocka_unit_test(test_app_cancel),
        };
        int failed = 0;

        failed += cmocka_run_group_tests_name("agent_ipaddr", ipaddr_tests, netns_setup, NULL);
        failed += cmocka_run_group_tests_name("agent_app", app_tests, app_setup, app_teardown);
        return failed ? 1 : 0;
}
