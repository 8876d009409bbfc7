/* daemon_shutdown: hamrd's graceful stop on SIGTERM/SIGINT (systemctl stop,
 * host shutdown). The first signal stops cluster services on this node the
 * way `clmgr stop node <self> MANAGE=<--shutdown>` does (the coordinator
 * orders it, this node's executor releases), and the process exits once
 * this node holds nothing; a second signal, or --shutdown-timeout, exits at
 * once (holding groups: the watchdog stays armed and resets the node, as
 * for kill -9). Owns the --shutdown and --shutdown-timeout options. Called
 * from hamrd.c (options, signals) and the loop (ticks, may-hold). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/hamr_log.h"
#include "daemon/daemon.h"

/* The stop request is sent again this often until the control state wants
 * this node stopped (a coordinator change, a lost answer). */
#define REQUEST_AGAIN_USEC (1 * USEC_PER_SEC)
/* Asked of a coordinator for this long without effect: release locally. */
#define COORD_WAIT_USEC (5 * USEC_PER_SEC)
/* MANAGE=move: after releasing, wait at most this long for the groups to be
 * online on their new nodes (as coordinator, this node keeps the view
 * steady meanwhile); the process exits holding nothing either way. */
#define HANDOVER_WAIT_USEC (10 * USEC_PER_SEC)
/* Conn id of the stop request: never a client's (api conn ids count from
 * 1 upwards), so its answer is dropped by api_reply. */
#define SHUTDOWN_CONN 0u

static const char *const manage_names[] = {
    [HAMRD_SHUTDOWN_OFFLINE] = "offline",
    [HAMRD_SHUTDOWN_MOVE] = "move",
    [HAMRD_SHUTDOWN_UNMANAGE] = "unmanage",
};

void hamrd_shutdown_init(hamrd_t *d)
{
        d->shutdown =
            (hamrd_shutdown_t){.manage = HAMRD_SHUTDOWN_MOVE, .timeout_usec = 60 * USEC_PER_SEC};
}

int hamrd_shutdown_option(hamrd_t *d, const char *opt, const char *value, char *err, size_t errlen)
{
        usec_t t;

        if (!strcmp(opt, "shutdown")) {
                /* unmanage would leave the resources running with no hamrd
                 * to say so: the others would declare the node down and
                 * take the groups over while they still run here (two
                 * owners, found in the lab) */
                if (!strcasecmp(value, "unmanage")) {
                        snprintf(err, errlen,
                                 "--shutdown: \"unmanage\" is not allowed: once hamrd has exited "
                                 "the other nodes would take over groups whose resources still "
                                 "run here; allowed: offline, move (to leave resources running, "
                                 "run clmgr stop cluster MANAGE=unmanage before stopping the "
                                 "daemons)");
                        return -EINVAL;
                }
                for (unsigned i = 0; i < sizeof(manage_names) / sizeof(manage_names[0]); i++)
                        if (!strcasecmp(value, manage_names[i])) {
                                d->shutdown.manage = (hamrd_shutdown_manage_t)i;
                                return 0;
                        }
                snprintf(err, errlen, "--shutdown: \"%s\" is not allowed; allowed: offline, move",
                         value);
                return -EINVAL;
        }
        if (parse_seconds(value, &t) < 0 || t == 0 || t > 86400 * USEC_PER_SEC) {
                snprintf(err, errlen,
                         "--shutdown-timeout: \"%s\" is not allowed; allowed: seconds, more than 0 "
                         "and at most 86400 (e.g. 60 or 2.5)",
                         value);
                return -EINVAL;
        }
        d->shutdown.timeout_usec = t;
        return 0;
}

bool hamrd_stopping(const hamrd_t *d)
{
        return d->shutdown.active;
}

bool hamrd_shutdown_release_locally(const hamrd_t *d)
{
        return d->shutdown.active && d->shutdown.local;
}

static bool in_quorate_view(hamrd_t *d, usec_t now)
{
        return d->cfg && d->member && d->memb->have_view &&
               (d->memb->view.members & (1ULL << d->self_id)) && memb_quorate(d->memb, now);
}

static void finish(hamrd_t *d, const char *why)
{
        unsigned busy = d->exec ? exec_busy_count(d->exec) : 0;

        if (busy > 0)
                log_err("daemon",
                        "stop: %s while holding %u groups: exiting now without releasing them; "
                        "the watchdog stays armed and resets this node before the others take "
                        "them over",
                        why, busy);
        else
                log_info("daemon", "stop: %s; exiting after %llu ms", why,
                         (unsigned long long)((now_usec() - d->shutdown.since) / USEC_PER_MSEC));
        d->shutdown.done = true;
        api_stop(d->api);
        uv_stop(d->loop);
}

/* The want the control state of our view holds for this node, or -1. */
static int want_of_self(hamrd_t *d)
{
        const memb_view_t *v = &d->memb->view;

        if (!d->memb->have_view || !cstate_ctl_of_view(d->cs, v->view_id, v->coord))
                return -1;
        return d->cs->ctl.want[d->self_id];
}

static bool stop_ordered(hamrd_t *d)
{
        int w = want_of_self(d);

        if (d->shutdown.manage == HAMRD_SHUTDOWN_UNMANAGE)
                return w == WANT_UNMANAGE;
        return w == WANT_STOP_OFFLINE || w == WANT_STOP_MOVE || w == WANT_INACTIVE;
}

/* `clmgr stop node <self> MANAGE=<manage>` through the operation table: run
 * here if this node coordinates, else forwarded to the coordinator. */
static void request_stop(hamrd_t *d, usec_t now)
{
        json_t *req = json_pack("{s:s, s:[s], s:s}", "op", "stop", "nodes", d->node_name, "manage",
                                manage_names[d->shutdown.manage]);

        d->shutdown.last_request = now;
        d->shutdown.requests++;
        d->dispatch_fn(d, SHUTDOWN_CONN, req); /* daemon_ops, registered by hamrd.c */
        json_decref(req);
}

static void go_local(hamrd_t *d, const char *why)
{
        if (d->shutdown.local)
                return;
        d->shutdown.local = true;
        log_warn("daemon", "stop: %s: releasing this node's groups locally", why);
        d->dirty = true;
        hamrd_kick(d);
}

/* MANAGE=move: every group this node held at the signal is online on
 * another node, or has nowhere to go (the coordinator, having planned on
 * our newest report, targets it nowhere). */
static bool handed_over(hamrd_t *d)
{
        const memb_view_t *v = &d->memb->view;
        const cstate_ctl_t *k = &d->cs->ctl;

        if (!d->cfg || !cstate_ctl_current(d->cs, v->view_id, v->coord))
                return true;
        for (unsigned g = 0; g < d->cfg->nrgs && g < CONF_MAX_RGS; g++) {
                uint16_t t;
                if (!(d->shutdown.held[g / 64] & (1ULL << (g % 64))))
                        continue;
                t = k->target[g];
                if (t == RGM_NO_NODE || t == d->self_id || t >= CONF_MAX_NODES ||
                    !(v->members & (1ULL << t))) {
                        if (k->report_ack[d->self_id] < d->report.report_seq)
                                return false; /* not yet planned on what we hold now */
                        continue;
                }
                if (cstate_group_state(d->cs, t, g) != RG_S_ONLINE)
                        return false;
        }
        return true;
}

void hamrd_shutdown_tick(hamrd_t *d)
{
        usec_t now = now_usec();
        unsigned busy;

        if (!d->shutdown.active || d->shutdown.done)
                return;
        if (now - d->shutdown.since >= d->shutdown.timeout_usec) {
                finish(d, "--shutdown-timeout reached");
                return;
        }
        busy = d->exec ? exec_busy_count(d->exec) : 0;
        if (!d->cfg || !d->member) {
                finish(d, "cluster not configured on this node");
                return;
        }
        if (busy == 0 && (d->services == SVC_INACTIVE || d->services == SVC_UNMANAGED)) {
                if (d->shutdown.manage == HAMRD_SHUTDOWN_MOVE && !d->shutdown.local &&
                    in_quorate_view(d, now) && !handed_over(d)) {
                        if (!d->shutdown.released)
                                d->shutdown.released = now;
                        if (now - d->shutdown.released < HANDOVER_WAIT_USEC)
                                return;
                        finish(d, "groups released; not yet online elsewhere after the handover "
                                  "wait");
                        return;
                }
                finish(d, d->services == SVC_UNMANAGED ? "cluster services UNMANAGED"
                          : d->shutdown.manage == HAMRD_SHUTDOWN_MOVE
                              ? "cluster services INACTIVE, groups handed over"
                              : "cluster services INACTIVE, nothing held");
                return;
        }
        if (busy == 0 && (d->shutdown.local || !in_quorate_view(d, now))) {
                finish(d, "nothing held");
                return;
        }
        if (!in_quorate_view(d, now)) {
                go_local(d, "not a member of a quorate view (no coordinator to ask)");
                return;
        }
        if (d->shutdown.local || stop_ordered(d))
                return;
        if (now - d->shutdown.since >= COORD_WAIT_USEC) {
                go_local(d, "the coordinator did not order the stop in time");
                return;
        }
        if (!d->shutdown.requests || now - d->shutdown.last_request >= REQUEST_AGAIN_USEC)
                request_stop(d, now);
}

void hamrd_shutdown_signal(hamrd_t *d, int signum)
{
        usec_t now = now_usec();

        if (d->shutdown.done)
                return;
        if (d->shutdown.active) {
                log_warn("daemon", "signal %d: second stop signal", signum);
                finish(d, "second stop signal");
                return;
        }
        d->shutdown.active = true;
        d->shutdown.since = now;
        log_info("daemon",
                 "signal %d: stopping cluster services on this node (--shutdown %s, "
                 "--shutdown-timeout %llu ms; a second signal exits at once)",
                 signum, manage_names[d->shutdown.manage],
                 (unsigned long long)(d->shutdown.timeout_usec / USEC_PER_MSEC));
        if (d->shutdown.manage == HAMRD_SHUTDOWN_UNMANAGE)
                log_warn("daemon", "stop: --shutdown unmanage leaves this node's resources "
                                   "running: once hamrd has exited, the other nodes declare this "
                                   "node down and take its groups over while they still run here "
                                   "(safe only when the whole cluster is stopped)");
        memset(d->shutdown.held, 0, sizeof(d->shutdown.held));
        if (d->cfg && d->member)
                for (unsigned g = 0; g < d->cfg->nrgs && g < CONF_MAX_RGS; g++) {
                        rg_state_t s = cstate_group_state(d->cs, d->self_id, g);
                        if (s != RG_S_OFFLINE && s != RG_S_UNKNOWN)
                                d->shutdown.held[g / 64] |= 1ULL << (g % 64);
                }
        /* services not active, or holding nothing outside a view: at once */
        if (d->cfg && d->member && (d->services == SVC_ACTIVE || d->services == SVC_STOPPING) &&
            (d->memb->have_view || exec_busy_count(d->exec) > 0)) {
                hamrd_shutdown_tick(d);
                return;
        }
        finish(d, d->cfg && d->member ? "cluster services not active on this node"
                                      : "cluster not configured on this node");
}
