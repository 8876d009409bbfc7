/* daemon_loop: the heartbeat tick, message receipt, disk rounds, services
 * state transitions and the reconcile step that ties memb, coord and rgm. */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "common/hamr_alloc.h"
#include "common/hamr_buf.h"
#include "common/hamr_log.h"
#include "daemon/daemon.h"

static void step(hamrd_t *d);

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
                struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr = a,
                                         .sin_port = htons(d->cfg->port)};
                topo_send(d->topo, &to, pkt, plen);
        }
}

static void send_all(hamrd_t *d, wire_type_t type, const void *body, size_t len)
{
        for (unsigned i = 0; i < d->cfg->nnodes; i++)
                if (d->cfg->nodes[i].id != d->self_id)
                        hamrd_send_to(d, (uint16_t)d->cfg->nodes[i].id, type, body, len);
}

/* Carrier of the interfaces holding this node's network addresses (a cut
 * cable, a veth whose peer is down), checked every few heartbeats. */
static bool links_have_carrier(hamrd_t *d)
{
        struct ifaddrs *ifa, *i;
        bool ok = true;

        if (getifaddrs(&ifa) < 0)
                return true; /* unknown: do not move groups on our own failure */
        for (unsigned k = 0; k < d->cfg->nnetworks; k++) {
                struct in_addr a = d->cfg->networks[k].addr[d->self_id];
                if (!a.s_addr)
                        continue;
                for (i = ifa; i; i = i->ifa_next)
                        if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
                            ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr == a.s_addr &&
                            !((i->ifa_flags & IFF_UP) && (i->ifa_flags & IFF_RUNNING)))
                                ok = false;
        }
        freeifaddrs(ifa);
        return ok;
}

/* This node's service network as it sees it (selective fallover). */
static memb_net_t net_state(hamrd_t *d, usec_t now)
{
        if (now - d->net_check_usec >= d->cfg->hb_interval_usec * 2 || !d->net_check_usec) {
                d->carrier = links_have_carrier(d);
                d->net_check_usec = now;
        }
        if (!d->carrier)
                return NET_NO_CARRIER;
        return memb_net_heard(d->memb, d->cfg->net_fdt_usec, now) ? NET_OK : NET_SILENT;
}

/* Groups this node holds or is busy with, as a member reports them. */
static unsigned held_groups(const memb_status_t *st)
{
        unsigned n = 0;
        for (unsigned g = 0; g < st->ngroups && g < CONF_MAX_RGS; g++)
                n += st->gstate[g] == RG_S_ONLINE || st->gstate[g] == RG_S_ACQUIRING ||
                     st->gstate[g] == RG_S_RELEASING || st->gstate[g] == RG_S_ERROR;
        return n;
}

/* Tie-breaker lease (clusters with an even number of nodes): wanted by one
 * member of the view, the one holding the most groups among those whose
 * repository works (ties: lowest id), so that when the two halves lose each
 * other the half that keeps the lease is the one that would otherwise have
 * to stop the most. Lease timing: T = 0.9 x detection time (a dead
 * holder's lease is taken within the detection time), settle S = one disk
 * round (the longest write must stay below it). */
static void lease_step(hamrd_t *d, usec_t now)
{
        const memb_view_t *v = &d->memb->view;
        usec_t until = 0, det = memb_timeout(d->memb);
        usec_t round = d->cfg->hb_interval_usec / 2, settle;
        bool want = false;
        int best = -1;
        unsigned best_n = 0;

        if (d->cfg->nnodes % 2 == 0 && d->memb->have_view && (v->members & (1ULL << d->self_id))) {
                for (int i = 0; i < CONF_MAX_NODES; i++) {
                        const memb_status_t *st = i == d->self_id ? d->status
                                                                  : memb_peer_status(d->memb, (uint16_t)i);
                        unsigned n;
                        if (!(v->members & (1ULL << i)) || !st || (i != d->self_id && !st->disk_ok))
                                continue;
                        n = held_groups(st);
                        if (best < 0 || n > best_n) {
                                best = i;
                                best_n = n;
                        }
                }
                want = best == d->self_id;
        }
        settle = round > 10 * USEC_PER_MSEC ? round : 10 * USEC_PER_MSEC;
        topo_disk_lease(d->topo, want, d->self_id, d->incarnation, det * 9 / 10, settle);
        topo_disk_lease_observe(d->topo, d->cfg->nnodes % 2 == 0);
        topo_lease_held(d->topo, now, &until, NULL);
        memb_set_lease(d->memb, until);
}

/* The earliest time at which the others could act on our groups without
 * us (memb_hold_deadline), with the tie-breaker lease. */
static usec_t hold_deadline(hamrd_t *d)
{
        d->hold_deadline = memb_hold_deadline(d->memb);
        return d->hold_deadline;
}

/* We may hold groups only while the watchdog could still fire before the
 * hold deadline (so that we are released or reset before a takeover). */
static bool fence_ok(hamrd_t *d, usec_t now)
{
        return dms_may_pet(1, now, hold_deadline(d), d->cfg->watchdog_usec,
                           hamr_config_fence_margin(d->cfg));
}

static void build_status(hamrd_t *d, usec_t now)
{
        memb_status_t *st = d->status;

        st->generation = d->cfg->generation;
        st->services = (uint8_t)d->services;
        st->reach = memb_reach(d->memb, now);
        st->view_id = d->memb->view.view_id; /* the last view accepted, even if expired */
        st->view_pub_seq = d->memb->view.pub_seq;
        st->view_epoch = d->memb->view.ctl_epoch;
        st->view_coord = d->memb->view.coord;
        st->view_members = d->memb->have_view ? d->memb->view.members : 0;
        st->quorate = memb_quorate(d->memb, now);
        st->net = (uint8_t)net_state(d, now);
        st->net_heard = memb_net_heard(d->memb, d->cfg->net_fdt_usec, now);
        st->disk_ok = d->repo && d->disk_ok_usec && now - d->disk_ok_usec < memb_timeout(d->memb);
        st->repo_index = d->repo_index;
        memb_fill_echo(d->memb, st);
        rgm_exec_fill_status(d->exec, st);
}

/* Send our status (and the view, if we coordinate) on the network, and hand
 * the same bodies to the disk worker. */
static void publish(hamrd_t *d, usec_t now)
{
        static uint8_t sbuf[WIRE_MAX_BODY], vbuf[WIRE_MAX_BODY], slot[REPO_SLOT_MAX_BODY];
        int slen, vlen = 0;
        bool coord = d->memb->have_view && d->memb->view.coord == d->self_id &&
                     memb_is_coordinator(d->memb, now);
        bufw_t w;

        d->status->status_seq = ++d->status_seq;
        memb_note_sent(d->memb, d->status_seq, now);
        build_status(d, now);
        slen = memb_status_encode(d->status, sbuf, sizeof(sbuf));
        if (slen < 0)
                return;
        send_all(d, WIRE_T_HEARTBEAT, sbuf, (size_t)slen);
        if (coord) {
                vlen = memb_view_encode(&d->memb->view, vbuf, sizeof(vbuf));
                if (vlen > 0)
                        send_all(d, WIRE_T_VIEW, vbuf, (size_t)vlen);
                d->sent_pub_seq = d->memb->view.pub_seq;
                d->sent_view_id = d->memb->view.view_id;
        }
        bufw_init(&w, slot, sizeof(slot));
        bufw_u16(&w, (uint16_t)slen);
        bufw_bytes(&w, sbuf, (size_t)slen);
        bufw_u16(&w, (uint16_t)(vlen > 0 ? vlen : 0));
        if (vlen > 0)
                bufw_bytes(&w, vbuf, (size_t)vlen);
        if (w.overflow) { /* too large for a slot: status only */
                bufw_init(&w, slot, sizeof(slot));
                bufw_u16(&w, (uint16_t)slen);
                bufw_bytes(&w, sbuf, (size_t)slen);
                bufw_u16(&w, 0);
        }
        if (!w.overflow)
                topo_disk_set_body(d->topo, d->incarnation, slot, w.len);
        d->dirty = false;
}

static void set_services(hamrd_t *d, svc_state_t s)
{
        if (d->services == s)
                return;
        log_info("daemon", "cluster services %s -> %s", svc_state_str(d->services),
                 svc_state_str(s));
        if (d->services == SVC_UNMANAGED)
                rgm_exec_set_unmanaged(d->exec, false);
        d->services = s;
        if (s == SVC_UNMANAGED)
                rgm_exec_set_unmanaged(d->exec, true);
        d->dirty = true;
}

/* Follow what the coordinator wants of our services. */
static void services_step(hamrd_t *d, bool quorate)
{
        uint8_t want;

        if (!d->memb->have_view || !quorate)
                return;
        want = d->memb->view.want[d->self_id];
        switch (d->services) {
        case SVC_INACTIVE:
                if (want == WANT_ACTIVE)
                        set_services(d, SVC_ACTIVE);
                break;
        case SVC_ACTIVE:
                if (want == WANT_STOP_OFFLINE || want == WANT_STOP_MOVE || want == WANT_INACTIVE)
                        set_services(d, SVC_STOPPING);
                else if (want == WANT_UNMANAGE)
                        set_services(d, SVC_UNMANAGED);
                break;
        case SVC_STOPPING:
                if (rgm_exec_busy_count(d->exec) == 0)
                        set_services(d, SVC_INACTIVE);
                break;
        case SVC_UNMANAGED:
                if (want == WANT_ACTIVE)
                        set_services(d, SVC_ACTIVE);
                break;
        default:
                break;
        }
}

static void step(hamrd_t *d)
{
        usec_t now = now_usec();
        bool quorate, targets_valid;
        memb_view_t *v = &d->memb->view;

        if (!d->cfg || !d->member)
                return;
        memb_expire(d->memb, now);
        lease_step(d, now);
        if (memb_is_coordinator(d->memb, now)) {
                if (memb_coordinator_tick(d->memb, now))
                        d->dirty = true;
                build_status(d, now);
                if (coord_update(&d->coord, d->memb, d->cfg, d->status, now))
                        d->dirty = true;
        }
        hamrd_repo_step(d, now);
        quorate = memb_quorate(d->memb, now);
        services_step(d, quorate);
        targets_valid = quorate && v->targets_valid && v->generation == d->cfg->generation &&
                        v->ngroups == d->cfg->nrgs;
        rgm_exec_input_t in = {
                .may_hold = quorate && fence_ok(d, now) &&
                            (d->services == SVC_ACTIVE || d->services == SVC_STOPPING),
                .targets_valid = targets_valid,
                .services = d->services,
                .target = v->target,
                .clear_seq = v->clear_seq,
        };
        rgm_exec_reconcile(d->exec, &in);
        services_step(d, quorate);
        if (d->dirty || (d->memb->have_view && v->coord == d->self_id &&
                         (v->pub_seq != d->sent_pub_seq || v->view_id != d->sent_view_id)))
                publish(d, now);
}

static void on_kick(uv_idle_t *h)
{
        hamrd_t *d = h->data;
        uv_idle_stop(h);
        d->kick_armed = false;
        step(d);
}

void hamrd_kick(hamrd_t *d)
{
        if (d->kick_armed)
                return;
        d->kick_armed = true;
        uv_idle_start(&d->kick, on_kick);
}

/* The deadman switch is petted from the tick only: a stalled loop does
 * not pet. Holding nothing, always; holding something, only while the
 * watchdog would still fire before the hold deadline. */
static void pet(hamrd_t *d, usec_t now)
{
        unsigned busy = rgm_exec_busy_count(d->exec);
        bool ok = dms_may_pet(busy, now, hold_deadline(d), d->cfg->watchdog_usec,
                              hamr_config_fence_margin(d->cfg));
        static char why[160];

        if (d->memb->have_view && d->memb->view.want[d->self_id] == WANT_FENCE &&
            memb_quorate(d->memb, now)) {
                dms_step(d->dms, false, "poison pill from the coordinator", now);
                return;
        }
        if (!ok)
                snprintf(why, sizeof(why),
                         "holding %u groups and not heard by a quorum (hold deadline %lld ms ago or "
                         "too close)", busy,
                         (long long)((int64_t)(now - d->hold_deadline) / (int64_t)USEC_PER_MSEC));
        dms_step(d->dms, ok, ok ? NULL : why, now);
}

static void on_tick(uv_timer_t *t)
{
        hamrd_t *d = t->data;
        usec_t now = now_usec();

        if (d->cfg && d->last_tick_usec && now - d->last_tick_usec > memb_timeout(d->memb)) {
                /* Our own loop was stalled past the detection time: the
                 * others may already have taken our groups. Drop the view
                 * so that we hold nothing until a coordinator counts us in. */
                log_err("daemon", "event loop stalled for %llu ms: leaving the view",
                        (unsigned long long)((now - d->last_tick_usec) / USEC_PER_MSEC));
                d->memb->have_view = false;
        }
        d->last_tick_usec = now;
        if (!d->repo) /* not formatted (or not answering) yet: keep looking for it */
                hamrd_config_reload(d);
        if (d->cfg && d->member) {
                step(d);
                publish(d, now); /* the periodic heartbeat */
                pet(d, now);
        }
        hamrd_forwards_tick(d);
}

static void on_packet(void *ud, const uint8_t *pkt, size_t len, const struct sockaddr_in *from)
{
        static uint8_t body[WIRE_MAX_BODY];
        static memb_status_t st;
        static memb_view_t view;
        hamrd_t *d = ud;
        wire_msg_t msg;
        usec_t now = now_usec();

        (void)from;
        if (!d->wire || !d->member || wire_open(d->wire, pkt, len, body, &msg, NULL) < 0)
                return;
        switch (msg.type) {
        case WIRE_T_HEARTBEAT:
                if (memb_status_decode(msg.body, msg.body_len, &st) == 0) {
                        bool was_up = memb_reach(d->memb, now) & (1ULL << msg.sender);
                        if (memb_on_status(d->memb, msg.sender, msg.incarnation, &st,
                                           MEMB_PATH_NET, now) || !was_up)
                                hamrd_kick(d);
                }
                break;
        case WIRE_T_VIEW:
                if (memb_view_decode(msg.body, msg.body_len, &view) == 0) {
                        d->memb->peers[msg.sender].last_net_usec = now;
                        if (memb_on_view(d->memb, msg.sender, &view, now)) {
                                d->dirty = true; /* answer this publication promptly */
                                hamrd_kick(d);
                        }
                }
                break;
        case WIRE_T_COMMAND:
                hamrd_on_command(d, msg.sender, msg.body, msg.body_len);
                break;
        case WIRE_T_REPLY:
                hamrd_on_reply(d, msg.body, msg.body_len);
                break;
        default:
                break;
        }
}

static void on_disk(void *ud, const repo_slot_t *slots, uint64_t present, uint64_t gen,
                    const char *gen_text, int io_err)
{
        static memb_status_t st;
        static memb_view_t view;
        hamrd_t *d = ud;
        usec_t now = now_usec();
        bool changed = false;

        if (io_err)
                log_debug("daemon", "repository I/O error: %s", strerror(-io_err));
        else
                d->disk_ok_usec = now;
        /* a newer generation: the disk worker read its text (else the
         * configuration worker reads it); never read on the loop */
        if (gen > 0 && (!d->cfg || gen > d->cfg->generation))
                hamrd_config_offer(d, gen, gen_text);
        if (!d->cfg || !d->member)
                return;
        for (int i = 0; i < REPO_MAX_SLOTS; i++) {
                if (!(present & (1ULL << i)) || i == d->self_id)
                        continue;
                const repo_slot_t *s = &slots[i];
                bufr_t r;
                uint16_t slen, vlen;

                memb_on_disk_seq(d->memb, (uint16_t)i, s->incarnation, s->seq, now);
                bufr_init(&r, s->body, s->body_len);
                slen = bufr_u16(&r);
                if (r.error || slen > s->body_len - 2)
                        continue;
                if (memb_status_decode(s->body + 2, slen, &st) == 0 &&
                    memb_on_status(d->memb, (uint16_t)i, s->incarnation, &st, MEMB_PATH_DISK, now)) {
                        /* Newer than what the network brought: the disk is
                         * this peer's live path. Answer at once, so that
                         * its echo of us comes back within a few rounds
                         * (its hold deadline depends on it). */
                        d->dirty = true;
                        changed = true;
                }
                r.pos = 2u + slen;
                vlen = bufr_u16(&r);
                if (!r.error && vlen > 0 && vlen <= s->body_len - r.pos &&
                    memb_view_decode(s->body + r.pos, vlen, &view) == 0 &&
                    memb_on_view(d->memb, (uint16_t)i, &view, now)) {
                        d->dirty = true;
                        changed = true;
                }
        }
        if (changed)
                hamrd_kick(d);
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
                log_warn("daemon", "node %s is not in configuration generation %llu",
                         d->node_name, (unsigned long long)d->cfg->generation);
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
        dms_configure(d->dms, d->cfg->deadman_mode, d->cfg->watchdog_usec, now_usec());
        rgm_exec_set_config(d->exec, d->cfg, d->self_id);
        if (topo_bind(d->topo, d->cfg->port) < 0)
                log_err("daemon", "cannot bind UDP port %u", d->cfg->port);
        hamrd_repo_attach(d);
        uv_timer_start(&d->tick, on_tick, 0, interval(d) / USEC_PER_MSEC ? interval(d) / USEC_PER_MSEC : 1);
        d->dirty = true;
        hamrd_kick(d);
        log_info("daemon", "configuration generation %llu applied (node id %u)",
                 (unsigned long long)d->cfg->generation, d->self_id);
}

static void exec_changed(void *ud)
{
        hamrd_t *d = ud;
        d->dirty = true;
        hamrd_kick(d);
}

void hamrd_loop_init(hamrd_t *d)
{
        d->topo = topo_new(d->loop, on_packet, on_disk, d);
        d->exec = rgm_exec_new(d->loop, d->state_dir, exec_changed, d);
        uv_timer_init(d->loop, &d->tick);
        d->tick.data = d;
        uv_idle_init(d->loop, &d->kick);
        d->kick.data = d;
        /* before a configuration exists: still poll the repository for one */
        uv_timer_start(&d->tick, on_tick, 0, 200);
}
