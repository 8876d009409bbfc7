/* hamrd: command line, start-up and shutdown of the cluster daemon. */
#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agents/agent_evlog.h"
#include "common/hamr_alloc.h"
#include "common/hamr_log.h"
#include "daemon/daemon.h"
#include "daemon/daemon_ops.h"

static uv_signal_t sig_term, sig_int;

static void usage(FILE *f)
{
        fputs("usage: hamrd --node NAME [--repository PATH] [--key PATH] [--socket PATH]\n"
              "             [--state-dir DIR] [--watchdog PATH] [--debug] [--realtime]\n"
              "             [--shutdown offline|move] [--shutdown-timeout SECONDS]\n"
              "             [--event-log PATH]\n"
              "  --node        this node's name in the cluster configuration (default: hostname)\n"
              "  --repository  repository disk or file (default /var/lib/hamr/repository)\n"
              "  --key         cluster key file, 32 bytes, mode 0600 (default "
              "/etc/hamr/cluster.key)\n"
              "  --socket      control socket (default /run/hamr/hamrd.sock)\n"
              "  --state-dir   local state directory (default /var/lib/hamr)\n"
              "  --event-log   the event log (PowerHA's hacmp.out; default STATE_DIR/hamr.out)\n"
              "  --watchdog    deadman switch watchdog (it resets this machine when hamrd dies,\n"
              "                hangs or holds groups it may no longer hold): auto (default:\n"
              "                /dev/watchdog if present, hardware or a loaded softdog), softdog\n"
              "                (modprobe softdog first if needed), none, or a device path or lab\n"
              "                emulator FIFO. With DEADMAN_MODE a (the default) a node without an\n"
              "                armed watchdog does not start cluster services; DEADMAN_MODE e\n"
              "                runs unfenced (events only)\n"
              "  --shutdown    what SIGTERM/SIGINT (systemctl stop, host shutdown) does, as\n"
              "                clmgr stop node <this node> MANAGE=...: move (default: the groups\n"
              "                are released and taken over by the other nodes), offline (they\n"
              "                go offline); hamrd exits once this node holds nothing. (Not\n"
              "                unmanage: without hamrd the others would take over groups still\n"
              "                running here; use clmgr stop cluster MANAGE=unmanage first)\n"
              "  --shutdown-timeout  seconds the stop may take (default 60). A second signal or\n"
              "                the timeout exits at once: if groups are still held, the watchdog\n"
              "                stays armed and resets this node before the others take them\n",
              f);
}

static void on_signal(uv_signal_t *s, int signum)
{
        hamrd_shutdown_signal(s->data, signum);
}

#if defined(__SANITIZE_ADDRESS__)
#define HAMR_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAMR_ASAN 1
#endif
#endif

/* Locked memory and a raised CPU priority, so that a loaded machine does
 * not delay heartbeats into a false failover. By default: nice -15 under
 * the normal scheduler; with --realtime: SCHED_RR like corosync (opt-in: in
 * the 2-core lab, three SCHED_RR daemons showed loop stalls of ~1 s, not yet
 * understood). Children (agent scripts) go back to normal scheduling
 * (SCHED_RESET_ON_FORK also resets a negative nice). */
static void raise_priority(bool realtime)
{
        struct sched_param sp = {.sched_priority = realtime ? 10 : 0};

#ifndef HAMR_ASAN /* ASan's shadow memory must not be locked */
        /* Everything mapped now (code, libraries, data) is faulted in and
         * locked; what is mapped later is locked as it is used
         * (MCL_ONFAULT), so that a worker thread's 8 MiB stack is not made
         * resident whole (with the configuration worker and libuv's pool
         * that was ~48 MiB per hamrd). */
        if (mlockall(MCL_CURRENT) < 0 || (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) < 0 &&
                                          mlockall(MCL_CURRENT | MCL_FUTURE) < 0))
                log_warn("daemon", "mlockall failed: %s", strerror(errno));
#endif
        if (sched_setscheduler(0, (realtime ? SCHED_RR : SCHED_OTHER) | SCHED_RESET_ON_FORK, &sp) <
            0)
                log_warn("daemon", "scheduler policy not set: %s", strerror(errno));
        if (!realtime && setpriority(PRIO_PROCESS, 0, -15) < 0)
                log_warn("daemon", "nice -15 not set: %s", strerror(errno));
}

static void mkdir_p(const char *path)
{
        char tmp[4096];
        snprintf(tmp, sizeof(tmp), "%s", path);
        for (char *p = tmp + 1; *p; p++)
                if (*p == '/') {
                        *p = '\0';
                        mkdir(tmp, 0700);
                        *p = '/';
                }
        mkdir(tmp, 0700);
}

static void parent_dir(const char *path, char *out, size_t outlen)
{
        snprintf(out, outlen, "%s", path);
        char *slash = strrchr(out, '/');
        if (slash && slash != out)
                *slash = '\0';
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
            {"node", required_argument, NULL, 'n'},
            {"repository", required_argument, NULL, 'r'},
            {"key", required_argument, NULL, 'k'},
            {"socket", required_argument, NULL, 's'},
            {"state-dir", required_argument, NULL, 'd'},
            {"watchdog", required_argument, NULL, 'w'},
            {"debug", no_argument, NULL, 'D'},
            {"realtime", no_argument, NULL, 'R'},
            {"shutdown", required_argument, NULL, 'S'},
            {"shutdown-timeout", required_argument, NULL, 'T'},
            {"event-log", required_argument, NULL, 'E'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        hamrd_t *d = zalloc(sizeof(*d));
        char dir[4096], err[256];
        bool realtime = false;
        int c, r;

        gethostname(d->node_name, sizeof(d->node_name) - 1);
        snprintf(d->repo_path, sizeof(d->repo_path), "/var/lib/hamr/repository");
        snprintf(d->key_path, sizeof(d->key_path), "/etc/hamr/cluster.key");
        snprintf(d->socket_path, sizeof(d->socket_path), "/run/hamr/hamrd.sock");
        snprintf(d->state_dir, sizeof(d->state_dir), "/var/lib/hamr");
        hamrd_shutdown_init(d);
        d->ev_carrier = -1; /* the event log has seen no carrier check yet */
        while ((c = getopt_long(argc, argv, "n:r:k:s:d:w:Dh", opts, NULL)) != -1) {
                switch (c) {
                case 'n':
                        snprintf(d->node_name, sizeof(d->node_name), "%s", optarg);
                        break;
                case 'r':
                        snprintf(d->repo_path, sizeof(d->repo_path), "%s", optarg);
                        break;
                case 'k':
                        snprintf(d->key_path, sizeof(d->key_path), "%s", optarg);
                        break;
                case 's':
                        snprintf(d->socket_path, sizeof(d->socket_path), "%s", optarg);
                        break;
                case 'd':
                        snprintf(d->state_dir, sizeof(d->state_dir), "%s", optarg);
                        break;
                case 'E':
                        snprintf(d->event_log, sizeof(d->event_log), "%s", optarg);
                        break;
                case 'w':
                        snprintf(d->watchdog_path, sizeof(d->watchdog_path), "%s", optarg);
                        break;
                case 'D':
                        hamr_log_set_level(LOG_LVL_DEBUG);
                        break;
                case 'R':
                        realtime = true;
                        break;
                case 'S':
                case 'T':
                        if (hamrd_shutdown_option(d, c == 'S' ? "shutdown" : "shutdown-timeout",
                                                  optarg, err, sizeof(err)) < 0) {
                                fprintf(stderr, "hamrd: %s\n", err);
                                free(d);
                                return 2;
                        }
                        break;
                case 'h':
                        usage(stdout);
                        free(d);
                        return 0;
                default:
                        usage(stderr);
                        free(d);
                        return 2;
                }
        }
        hamr_log_set_ident(d->node_name);
        umask(077);
        mkdir_p(d->state_dir);
        parent_dir(d->socket_path, dir, sizeof(dir));
        mkdir_p(dir);
        if (!d->event_log[0])
                snprintf(d->event_log, sizeof(d->event_log), "%s/hamr.out", d->state_dir);
        r = evlog_open(d->event_log);
        if (r < 0)
                log_err("daemon", "event log %s cannot be opened: %s (events are not logged)",
                        d->event_log, strerror(-r));
        signal(SIGPIPE, SIG_IGN);
        raise_priority(realtime);

        /* A new incarnation for every start: later than any previous one. */
        d->incarnation = realtime_usec();
        d->loop = uv_default_loop();
        d->status = zalloc(sizeof(*d->status));
        d->memb = memb_new(0, d->incarnation);
        d->dms = dms_new(d->watchdog_path);
        if (dms_kind(d->dms) == DMS_KIND_NONE)
                log_warn("dms",
                         "no watchdog (--watchdog %s): with DEADMAN_MODE a this node does "
                         "not start cluster services; load softdog (--watchdog softdog) or "
                         "accept running unfenced with DEADMAN_MODE e",
                         d->watchdog_path[0] ? d->watchdog_path : "auto");
        else
                log_info("dms", "watchdog: %s", dms_describe(d->dms));
        coord_init(&d->coord);
        hamrd_load_autostart(d);
        hamrd_loop_init(d);

        /* The configuration is read on the configuration worker: a hung
         * repository does not keep the loop (heartbeats, pets, the control
         * socket) from starting; the cached copy is used if it does not
         * answer within the detection time. */
        hamrd_config_start(d);

        d->dispatch_fn = hamrd_ops_dispatch;
        r = api_start(d->loop, d->socket_path, hamrd_ops_on_request, d, &d->api);
        if (r < 0) {
                log_err("daemon", "cannot listen on %s: %s", d->socket_path, uv_strerror(r));
                return 1;
        }
        uv_signal_init(d->loop, &sig_term);
        uv_signal_init(d->loop, &sig_int);
        sig_term.data = sig_int.data = d;
        uv_signal_start(&sig_term, on_signal, SIGTERM);
        uv_signal_start(&sig_int, on_signal, SIGINT);
        log_info("daemon", "hamrd started node=%s incarnation=%llu", d->node_name,
                 (unsigned long long)d->incarnation);
        uv_run(d->loop, UV_RUN_DEFAULT);
        if (d->exec && exec_busy_count(d->exec) > 0)
                /* Like PowerHA's cluster manager: leaving while holding
                 * groups halts the node (the others will take them). */
                log_err("dms", "exiting while holding %u groups: the watchdog stays armed",
                        exec_busy_count(d->exec));
        else
                dms_free(d->dms);
        topo_free(d->topo);
        repo_close(d->repo);
        return 0;
}
