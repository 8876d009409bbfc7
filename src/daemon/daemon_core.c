/* daemon_core: what every part of hamrd uses and that calls back into none
 * of them: sending a message to a node, asking for a step soon (the loop's
 * step, registered by daemon_loop), the path of a repository, handing the
 * repository to the disk worker, applying a new configuration, and the
 * event log's node_up/node_down for the view's members. The
 * bottom of the daemon's files: daemon_loop, daemon_api, daemon_config and
 * daemon_repo call it; it calls none of them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agents/agent_evlog.h"
#include "common/hamr_alloc.h"
#include "common/hamr_log.h"
#include "daemon/daemon.h"
#include "exec/exec_hooks.h"

static usec_t interval(const hamrd_t *d)
{
        return d->cfg ? d->cfg->hb_interval_usec : 200 * USEC_PER_MSEC;
}

void hamrd_send_to(hamrd_t *d, uint16_t node_id, wire_type_t type, const void *body, size_t len)
{
        static uint8_t pkt[WIRE_MAX_PACKET];
        struct in_addr sent[8];
        unsigned nsent = 0;
        size_t plen;
        int n;

        if (!d->cfg || !d->wire || (n = hamr_config_node_by_id(d->cfg, node_id)) < 0)
                return;
        if (wire_seal(d->wire, type, body, len, pkt, sizeof(pkt), &plen) < 0)
                return;
        /* the same packet over every network the node is on, and its COMMPATH */
        for (unsigned k = 0; k <= d->cfg->nnetworks; k++) {
                struct in_addr a = k < d->cfg->nnetworks ? d->cfg->networks[k].addr[node_id]
                                                         : d->cfg->nodes[n].commpath;
                bool dup = a.s_addr == 0;
                for (unsigned j = 0; j < nsent && !dup; j++)
                        dup = sent[j].s_addr == a.s_addr;
                if (dup || nsent >= 8)
                        continue;
                sent[nsent++] = a;
                struct sockaddr_in to = {
                    .sin_family = AF_INET, .sin_addr = a, .sin_port = htons(d->cfg->port)};
                topo_send(d->topo, &to, pkt, plen);
        }
}

static void on_kick(uv_idle_t *h)
{
        hamrd_t *d = h->data;
        uv_idle_stop(h);
        d->kick_armed = false;
        d->step_fn(d);
}

void hamrd_kick(hamrd_t *d)
{
        if (d->kick_armed)
                return;
        d->kick_armed = true;
        uv_idle_start(&d->kick, on_kick);
}

const char *hamrd_repo_path(const hamrd_t *d, unsigned index)
{
        if (index == 0 || !d->cfg || index > d->cfg->nbackups)
                return d->repo_path;
        return d->cfg->backups[index - 1];
}

void hamrd_repo_attach(hamrd_t *d)
{
        uint64_t mask = 0;

        for (unsigned i = 0; i < d->cfg->nnodes; i++)
                mask |= 1ULL << d->cfg->nodes[i].id;
        topo_disk_config(d->topo, d->repo, d->self_id, mask, d->cfg->hb_interval_usec);
}

void hamrd_apply_config(hamrd_t *d)
{
        uint64_t mask = 0;
        int n;

        n = hamr_config_node_by_name(d->cfg, d->node_name);
        d->member = n >= 0;
        if (!d->member) {
                log_warn("daemon", "node %s is not in configuration generation %llu", d->node_name,
                         (unsigned long long)d->cfg->generation);
                return;
        }
        d->self_id = (uint16_t)d->cfg->nodes[n].id;
        for (unsigned i = 0; i < d->cfg->nnodes; i++)
                mask |= 1ULL << d->cfg->nodes[i].id;
        if (!d->wire) {
                uint8_t key[WIRE_KEY_LEN];
                int r = wire_key_load(d->key_path, key);
                if (r < 0) {
                        log_err("daemon", "cluster key %s: %s", d->key_path, strerror(-r));
                        d->member = false;
                        return;
                }
                d->wire = wire_ctx_new(key, d->cfg->cluster_id, d->self_id, d->incarnation);
                memset(key, 0, sizeof(key));
        }
        wire_ctx_set_cluster_id(d->wire, d->cfg->cluster_id);
        wire_ctx_set_senders(d->wire, mask & ~(1ULL << d->self_id));
        memb_set_config(d->memb, d->cfg, d->self_id);
        cstate_set_config(d->cs, d->cfg, d->self_id);
        dms_configure(d->dms, d->cfg->deadman_mode, d->cfg->watchdog_usec, now_usec());
        exec_set_config(d->exec, d->cfg, d->self_id);
        if (topo_bind(d->topo, d->cfg->port) < 0)
                log_err("daemon", "cannot bind UDP port %u", d->cfg->port);
        hamrd_repo_attach(d);
        uv_timer_start(&d->tick, d->tick_fn, 0,
                       interval(d) / USEC_PER_MSEC ? interval(d) / USEC_PER_MSEC : 1);
        d->dirty = true;
        hamrd_kick(d);
        log_info("daemon", "configuration generation %llu applied (node id %u)",
                 (unsigned long long)d->cfg->generation, d->self_id);
}

#define AUTOSTART_FILE "start-at-restart"

void hamrd_load_autostart(hamrd_t *d)
{
        char path[sizeof(d->state_dir) + 32];

        snprintf(path, sizeof(path), "%s/%s", d->state_dir, AUTOSTART_FILE);
        d->autostart = access(path, F_OK) == 0;
        log_info("daemon", "cluster services start %s",
                 d->autostart ? "now: start at restart is set (clmgr start node WHEN=restart)"
                              : "on clmgr start node (or cluster); the daemon alone holds nothing");
}

void hamrd_set_autostart(hamrd_t *d, bool on)
{
        char path[sizeof(d->state_dir) + 32];
        int fd;

        snprintf(path, sizeof(path), "%s/%s", d->state_dir, AUTOSTART_FILE);
        if (on) {
                fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
                if (fd < 0 || write(fd, "1\n", 2) != 2 || fsync(fd) < 0) {
                        log_err("daemon", "cannot record start at restart in %s: %s", path,
                                strerror(errno));
                        if (fd >= 0)
                                close(fd);
                        return;
                }
                close(fd);
        } else if (unlink(path) < 0 && errno != ENOENT) {
                log_err("daemon", "cannot clear start at restart (%s): %s", path, strerror(errno));
                return;
        }
        d->autostart = on;
        d->dirty = true;
        log_info("daemon", "start at restart %s", on ? "set" : "cleared");
}

/* A node event kept open while its commands run. */
typedef struct node_ev {
        evlog_event_t ev;
        char done[32], node[CONF_MAX_NAME + 1];
} node_ev_t;

static void node_ev_done(void *ud)
{
        node_ev_t *n = ud;

        evlog_end(&n->ev, 0, NULL);
        evlog_instant(NULL, n->done, "%s", n->node);
        free(n);
}

/* One node_up/node_down: logged, then its commands (modify event node_up
 * PREEVENT/POSTEVENT/NOTIFYMETHOD) in order, then its end and _complete.
 * Nothing waits for them: the groups' recovery is the coordinator's. */
static void node_event(hamrd_t *d, bool up, const char *name)
{
        conf_ev_t ce = up ? CONF_EV_NODE_UP : CONF_EV_NODE_DOWN;
        agent_hook_cmd_t cmds[AGENT_HOOK_MAX];
        unsigned n = exec_hook_cmds(d->cfg, ce, false, cmds);
        node_ev_t *ne = zalloc(sizeof(*ne));
        char env[4][4200];
        const char *envp[5] = {env[0], env[1], env[2], env[3], NULL};

        n += exec_hook_cmds(d->cfg, ce, true, cmds + n);
        snprintf(ne->done, sizeof(ne->done), "%s_complete", conf_ev_name(ce));
        snprintf(ne->node, sizeof(ne->node), "%s", name);
        evlog_start(&ne->ev, NULL, conf_ev_name(ce), "%s", name);
        evlog_line(&ne->ev,
                   up ? "the node joined the cluster view" : "the node left the cluster view");
        snprintf(env[0], sizeof(env[0]), "EVENT_NAME=%s", conf_ev_name(ce));
        snprintf(env[1], sizeof(env[1]), "HAMR_NODE=%s", d->node_name);
        snprintf(env[2], sizeof(env[2]), "HAMR_EVENT_NODE=%s", name);
        snprintf(env[3], sizeof(env[3]), "HAMR_STATE_DIR=%s", d->state_dir);
        if (n == 0 || agent_hook_run(d->loop, cmds, n, envp, name, &ne->ev, EXEC_HOOK_TIMEOUT_USEC,
                                     node_ev_done, ne) < 0)
                node_ev_done(ne);
}

/* node_up/node_down in the event log (PowerHA's events, logged by every
 * node that sees them) when the view's members change; the first view
 * this daemon holds brings node_up for each of its members. */
void hamrd_view_events(hamrd_t *d)
{
        uint64_t now, was = d->ev_members;

        if (!d->cfg || !d->member || !d->memb->have_view)
                return;
        now = d->memb->view.members;
        if (now == was)
                return;
        d->ev_members = now;
        for (unsigned i = 0; i < 64; i++) {
                bool up = (now >> i) & 1, before = (was >> i) & 1;
                int ci = hamr_config_node_by_id(d->cfg, (uint16_t)i);

                if (up != before)
                        node_event(d, up, ci >= 0 ? d->cfg->nodes[ci].name : "?");
        }
}

void hamrd_network_events(hamrd_t *d)
{
        evlog_event_t ev = {0};
        int now;

        if (!d->cfg || !d->member || !d->net_check_usec)
                return; /* no carrier check yet */
        now = d->carrier ? 1 : 0;
        if (d->ev_carrier < 0 || now == d->ev_carrier) {
                d->ev_carrier = now; /* the first check is no change */
                return;
        }
        d->ev_carrier = now;
        /* PowerHA's network_down/network_up (local: this node's view of
         * its own interfaces); selective fallover is the planner's */
        evlog_start(&ev, NULL, now ? "network_up" : "network_down", "%s", d->node_name);
        evlog_line(&ev, now ? "every network interface of this node has carrier again"
                            : "a network interface of this node lost carrier");
        evlog_end(&ev, 0, NULL);
        evlog_instant(NULL, now ? "network_up_complete" : "network_down_complete", "%s",
                      d->node_name);
}
