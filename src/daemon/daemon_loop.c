/* daemon_loop: the heartbeat tick, message receipt, disk rounds, services
 * state transitions and the reconcile step that ties memb, cstate, coord
 * and exec. The top of the daemon: it calls daemon_api, daemon_config and
 * daemon_repo; they call only daemon_core, never back here. */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "common/hamr_alloc.h"
#include "common/hamr_buf.h"
#include "common/hamr_log.h"
#include "daemon/daemon.h"
#include "daemon/daemon_dnp.h"
#include "daemon/daemon_dare_wait.h"
#include "daemon/daemon_facts.h"
#include "daemon/daemon_autoverify.h"
#include "daemon/daemon_facts_more.h"
#include "netmon/netmon.h"

static void step(hamrd_t *d);

/* Reachability probes (NETMON_TARGETS): one prober per daemon, on its
 * loop, made in hamrd_loop_init; it follows the configuration by itself. */
static netmon_t *netmon;

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
static cstate_net_t net_state(hamrd_t *d, usec_t now)
{
        if (now - d->net_check_usec >= d->cfg->hb_interval_usec * 2 || !d->net_check_usec) {
                d->carrier = links_have_carrier(d);
                d->net_check_usec = now;
        }
        if (!d->carrier)
                return NET_NO_CARRIER;
        return memb_net_heard(d->memb, d->cfg->net_fdt_usec, now) ? NET_OK : NET_SILENT;
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
        usec_t until = 0, det = memb_timeout(d->memb);
        usec_t round = d->cfg->hb_interval_usec / 2, settle;
        /* the planner's decision (plan_lease_candidate) */
        bool want = coord_lease_candidate(&d->coord, d->memb, d->cs, d->cfg, now) == d->self_id;

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
        st->reach = memb_reach(d->memb, now);
        st->view_id = d->memb->view.view_id; /* the last view accepted, even if expired */
        st->view_pub_seq = d->memb->view.pub_seq;
        st->view_epoch = d->memb->view.ctl_epoch;
        st->view_coord = d->memb->view.coord;
        st->view_members = d->memb->have_view ? d->memb->view.members : 0;
        st->quorate = memb_quorate(d->memb, now);
        st->ctl_view = d->memb->ctl_view;
        st->ctl_epoch = d->memb->ctl_view_epoch;
        memb_fill_echo(d->memb, st);
}

static cstate_wd_t wd_kind(dms_kind_t k)
{
        switch (k) {
        case DMS_KIND_HARDWARE:
                return CSTATE_WD_HARDWARE;
        case DMS_KIND_SOFTDOG:
                return CSTATE_WD_SOFTDOG;
        case DMS_KIND_EMULATOR:
                return CSTATE_WD_EMULATOR;
        default:
                return CSTATE_WD_NONE;
        }
}

/* Our report: a new report_seq when anything in it changed (it is then
 * stored in cstate as our own and sent). */
static void build_report(hamrd_t *d, usec_t now)
{
        static cstate_report_t r;
        /* the encoding of the report held (report_seq left at 0): one
         * encode per call tells whether anything changed */
        static uint8_t held[WIRE_MAX_BODY], now_enc[WIRE_MAX_BODY];
        static int held_len = -1;
        int n;

        r.report_seq = 0;
        r.services = (uint8_t)d->services;
        r.net = (uint8_t)net_state(d, now);
        r.net_heard = memb_net_heard(d->memb, d->cfg->net_fdt_usec, now);
        {
                bool targets;
                bool ok = netmon_reaches(netmon, now, d->cfg->net_fdt_usec, &targets);
                r.reach =
                    (uint8_t)((targets ? CSTATE_REACH_TARGETS : 0) | (ok ? CSTATE_REACH_OK : 0));
        }
        r.disk_ok = d->repo && d->disk_ok_usec && now - d->disk_ok_usec < memb_timeout(d->memb);
        r.repo_index = d->repo_index;
        r.watchdog = (uint8_t)wd_kind(dms_kind(d->dms));
        r.fenced = dms_armed(d->dms);
        r.autostart = d->autostart;
        r.ctl_view = d->cs->have_ctl ? d->cs->ctl.view_id : 0;
        r.ctl_seq = d->cs->have_ctl ? d->cs->ctl.ctl_seq : 0;
        exec_fill_report(d->exec, &r);
        hamrd_dnp_fill(d, &r, now);
        n = cstate_report_encode(&r, CSTATE_REASON_LEN, now_enc, sizeof(now_enc));
        if (d->report.report_seq && n == held_len && n > 0 && memcmp(now_enc, held, (size_t)n) == 0)
                return; /* unchanged */
        if (n > 0)
                memcpy(held, now_enc, (size_t)n);
        held_len = n;
        r.report_seq = d->report.report_seq + 1;
        cstate_report_copy(&d->report, &r);
        cstate_on_report(d->cs, d->self_id, d->incarnation, &r); /* takes r's content */
        d->dirty = true;
}

/* Encode our report for a message or a slot: reasons shortened, loudly,
 * if the whole does not fit. */
static int encode_report(hamrd_t *d, void *buf, size_t cap)
{
        static const size_t caps[] = {CSTATE_REASON_LEN, 64, 16, 0};
        static usec_t warned;

        for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
                int n = cstate_report_encode(&d->report, caps[k], buf, cap);
                if (n >= 0) {
                        if (k > 0 && now_usec() - warned > 10 * USEC_PER_SEC) {
                                warned = now_usec();
                                log_warn("daemon",
                                         "report of %u groups too large for %zu bytes: "
                                         "error reasons shortened to %zu bytes",
                                         d->report.ngroups, cap, caps[k]);
                        }
                        return n;
                }
        }
        return -EMSGSIZE;
}

static bool coordinating(hamrd_t *d, usec_t now)
{
        return d->memb->have_view && d->memb->view.coord == d->self_id &&
               memb_is_coordinator(d->memb, now);
}

/* The report and the control state are sent when they change, then on
 * every heartbeat until the other side holds them (the control state names
 * the newest report the coordinator holds per node; each report names the
 * control publication it answers), and at least every 8 heartbeats. */
#define KEEPALIVE_TICKS 8

static bool report_unacked(hamrd_t *d)
{
        return !d->cs->have_ctl || d->cs->ctl.report_ack[d->self_id] < d->report.report_seq;
}

static bool control_unanswered(hamrd_t *d)
{
        const cstate_ctl_t *k = &d->cs->ctl;

        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const cstate_report_t *r;
                if (!(d->memb->view.members & (1ULL << i)) || i == d->self_id)
                        continue;
                r = cstate_report_of(d->cs, (uint16_t)i);
                if (!r || r->ctl_view != k->view_id || r->ctl_seq < k->ctl_seq)
                        return true;
        }
        return false;
}

/* Append one u16-length-prefixed part to a slot body. */
static bool slot_part(bufw_t *w, const void *p, int len)
{
        size_t pos = w->len;

        bufw_u16(w, (uint16_t)(len > 0 ? len : 0));
        if (len > 0)
                bufw_bytes(w, p, (size_t)len);
        if (w->overflow) {
                w->overflow = false;
                w->len = pos;
                bufw_u16(w, 0);
                return false;
        }
        return true;
}

/* Send our status, report, and (if we coordinate) the view and the control
 * state on the network, and hand the same bodies to the disk worker. */
static void publish(hamrd_t *d, usec_t now, bool periodic)
{
        static uint8_t sbuf[WIRE_MAX_BODY], vbuf[WIRE_MAX_BODY], rbuf[WIRE_MAX_BODY],
            cbuf[WIRE_MAX_BODY], slot[REPO_SLOT_MAX_BODY];
        int slen, vlen = 0, rlen, clen = 0;
        bool coord = coordinating(d, now);
        bool keepalive = periodic && ++d->quiet_ticks >= KEEPALIVE_TICKS;
        bufw_t w;

        d->status->status_seq = ++d->status_seq;
        memb_note_sent(d->memb, d->status_seq, now);
        build_status(d, now);
        build_report(d, now);
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
        rlen = encode_report(d, rbuf, sizeof(rbuf));
        if (rlen > 0 &&
            (d->report_sent_seq != d->report.report_seq || report_unacked(d) || keepalive)) {
                send_all(d, WIRE_T_REPORT, rbuf, (size_t)rlen);
                d->report_sent_seq = d->report.report_seq;
        }
        if (coord && cstate_ctl_of_view(d->cs, d->memb->view.view_id, d->memb->view.coord)) {
                clen = cstate_ctl_encode(&d->cs->ctl, cbuf, sizeof(cbuf));
                if (clen > 0 && (d->ctl_dirty || control_unanswered(d) || keepalive))
                        send_all(d, WIRE_T_CONTROL, cbuf, (size_t)clen);
                d->ctl_dirty = false;
        }
        if (keepalive)
                d->quiet_ticks = 0;
        /* the slot: status, view, report, control; a report too large goes
         * without its error reasons, and what still does not fit is left
         * out, loudly (the network still carries it) */
        if (rlen > 0 && (size_t)(slen + vlen + rlen + clen) + 2 * REPO_SLOT_PARTS > sizeof(slot)) {
                static uint8_t rshort[WIRE_MAX_BODY];
                int n = cstate_report_encode(&d->report, 0, rshort, sizeof(rshort));
                if (n > 0) {
                        memcpy(rbuf, rshort, (size_t)n);
                        rlen = n;
                }
        }
        bufw_init(&w, slot, sizeof(slot));
        slot_part(&w, sbuf, slen);
        bool fits = slot_part(&w, vbuf, vlen);
        fits = slot_part(&w, rbuf, rlen) && fits;
        fits = slot_part(&w, cbuf, clen) && fits;
        if (!fits) {
                static usec_t warned;
                d->slot_overflows++;
                if (now - warned > 10 * USEC_PER_SEC) {
                        warned = now;
                        log_err("daemon",
                                "repository slot too small (%u bytes) for status %d, "
                                "view %d, report %d and control %d bytes: parts left out of the "
                                "disk path (%llu times)",
                                REPO_SLOT_MAX_BODY, slen, vlen, rlen, clen,
                                (unsigned long long)d->slot_overflows);
                }
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
                exec_set_unmanaged(d->exec, false);
        d->services = s;
        if (s == SVC_UNMANAGED)
                exec_set_unmanaged(d->exec, true);
        d->dirty = true;
}

/* The control state of our current view, if we hold it. */
static const cstate_ctl_t *current_ctl(hamrd_t *d)
{
        if (!d->memb->have_view ||
            !cstate_ctl_of_view(d->cs, d->memb->view.view_id, d->memb->view.coord))
                return NULL;
        return &d->cs->ctl;
}

/* Follow what the coordinator wants of our services. Services start only
 * on a want decided for this daemon's incarnation (a restarted hamrd does
 * not act on a start meant for the one before), and in DEADMAN_MODE a only
 * with an armed watchdog. A start-at-restart order is recorded first. */
static void services_step(hamrd_t *d, bool quorate)
{
        const cstate_ctl_t *k = current_ctl(d);
        uint8_t want;

        if (!k || !quorate)
                return;
        if (k->boot[d->self_id] != BOOT_KEEP && (k->boot[d->self_id] == BOOT_START) != d->autostart)
                hamrd_set_autostart(d, k->boot[d->self_id] == BOOT_START);
        want = k->want[d->self_id];
        if (want == WANT_ACTIVE && d->services == SVC_INACTIVE &&
            (k->want_inc[d->self_id] != d->incarnation ||
             (d->cfg->deadman_mode == DMS_MODE_ASSERT && !dms_armed(d->dms))))
                return;
        set_services(d,
                     cstate_services_next(d->services, (svc_want_t)want, exec_busy_count(d->exec)));
}

static void step(hamrd_t *d)
{
        usec_t now = now_usec();
        bool quorate, targets_valid;
        memb_view_t *v = &d->memb->view;
        const cstate_ctl_t *k;

        if (!d->cfg || !d->member)
                return;
        memb_expire(d->memb, now);
        lease_step(d, now);
        if (memb_is_coordinator(d->memb, now)) {
                if (memb_coordinator_tick(d->memb, now))
                        d->dirty = true;
                if (memb_epoch_step(d->memb, now))
                        d->dirty = true;
                build_report(d, now);
                d->coord.repo_bad = d->repo_bad;
                if (coord_update(&d->coord, d->memb, d->cs, d->cfg, now)) {
                        d->ctl_dirty = true;
                        d->dirty = true;
                }
        }
        hamrd_repo_step(d, now);
        hamrd_view_events(d);
        hamrd_network_events(d);
        quorate = memb_quorate(d->memb, now);
        services_step(d, quorate);
        k = current_ctl(d);
        targets_valid =
            quorate && k && k->targets_valid && cstate_ctl_current(d->cs, v->view_id, v->coord);
        /* Holding depends on what safety needs, not on having a current
         * view: while the hold deadline allows (no quorate view without us
         * can act before we are released or reset), a view change (the
         * coordinator died, a low-id node rejoined, a conflict is being
         * resolved) leaves our groups alone; targets are followed only when
         * valid. A node cut off from a quorum sees its echoes age and
         * releases before the others may take over. */
        exec_input_t in = {
            .may_hold = fence_ok(d, now) &&
                        (d->services == SVC_ACTIVE || d->services == SVC_STOPPING) &&
                        !hamrd_shutdown_release_locally(d),
            .targets_valid = targets_valid,
            .services = d->services,
            .target = targets_valid ? k->target : NULL,
            .clear_seq = targets_valid ? k->clear_seq : NULL,
            .cnodes = targets_valid ? k->cnodes : NULL,
            /* suspended monitoring: cluster-wide, of whatever control
             * state this node follows (kept across views and generations) */
            .have_suspended = d->cs->have_ctl,
            .nsuspended = d->cs->ctl.nsuspended,
            .suspended = d->cs->ctl.suspended,
        };
        exec_reconcile(d->exec, &in);
        services_step(d, quorate);
        if (d->dirty || (d->memb->have_view && v->coord == d->self_id &&
                         (v->pub_seq != d->sent_pub_seq || v->view_id != d->sent_view_id)))
                publish(d, now, false);
        hamrd_shutdown_tick(d);
        hamrd_dare_wait_tick(d);
}

/* The deadman switch is petted from the tick only: a stalled loop does
 * not pet. Holding nothing, always; holding something, only while the
 * watchdog would still fire before the hold deadline. */
static void pet(hamrd_t *d, usec_t now)
{
        unsigned busy = exec_busy_count(d->exec);
        bool ok = dms_may_pet(busy, now, hold_deadline(d), d->cfg->watchdog_usec,
                              hamr_config_fence_margin(d->cfg));
        static char why[160];

        const cstate_ctl_t *k = current_ctl(d);

        if (k && k->want[d->self_id] == WANT_FENCE && memb_quorate(d->memb, now)) {
                dms_step(d->dms, false, "poison pill from the coordinator", now);
                return;
        }
        if (!ok)
                snprintf(
                    why, sizeof(why),
                    "holding %u groups and not heard by a quorum (hold deadline %lld ms ago or "
                    "too close)",
                    busy, (long long)((int64_t)(now - d->hold_deadline) / (int64_t)USEC_PER_MSEC));
        dms_step(d->dms, ok, ok ? NULL : why, now);
}

static void on_tick(uv_timer_t *t)
{
        hamrd_t *d = t->data;
        usec_t now = now_usec();

        if (d->cfg && d->last_tick_usec && now - d->last_tick_usec > memb_timeout(d->memb)) {
                /* Our own loop was stalled past the detection time: the
                 * others may already have taken our groups. Drop the view
                 * (its targets are stale); the echoes that arrive now are
                 * old, so the hold deadline has passed and we release. */
                log_err("daemon", "event loop stalled for %llu ms: leaving the view",
                        (unsigned long long)((now - d->last_tick_usec) / USEC_PER_MSEC));
                d->memb->have_view = false;
        }
        d->last_tick_usec = now;
        if (!d->repo) /* not formatted (or not answering) yet: keep looking for it */
                hamrd_config_reload(d);
        if (d->cfg && d->member) {
                netmon_step(netmon, d->cfg, d->self_id, now);
                step(d);
                publish(d, now, true); /* the periodic heartbeat */
                pet(d, now);
        } else if (d->cfg) {
                /* removed from the cluster (a live change: its services
                 * were stopped first): holding nothing, the watchdog is
                 * petted as always; holding something, it is not */
                unsigned busy = exec_busy_count(d->exec);
                dms_step(d->dms, busy == 0,
                         busy ? "holding groups and not in the configuration" : NULL, now);
        }
        hamrd_forwards_tick(d);
        exec_check_too_long(d->exec, now_usec());
        hamrd_facts_tick(d);
        hamrd_facts_more_tick(d);
        hamrd_autoverify_tick(d);
        hamrd_shutdown_tick(d);
}

/* A peer's report (network or disk). True if it was newer. */
static bool on_report(hamrd_t *d, uint16_t from, uint64_t incarnation, const uint8_t *body,
                      size_t len)
{
        cstate_report_t r;

        if (from == d->self_id || cstate_report_decode(body, len, &r) < 0)
                return false;
        return cstate_on_report(d->cs, from, incarnation, &r);
}

/* The coordinator's control state (network or disk). True if accepted: our
 * report answers it promptly. */
static bool on_control(hamrd_t *d, uint16_t from, const uint8_t *body, size_t len)
{
        static cstate_ctl_t c;
        const memb_view_t *v = &d->memb->view;

        if (from == d->self_id || !d->memb->have_view || cstate_ctl_decode(body, len, &c) < 0)
                return false;
        /* the coordinator follows a newer generation (a sync, a live
         * change): read it now rather than at the disk worker's next
         * check (the repository stays the source; read off the loop) */
        if (d->cfg && c.generation > d->cfg->generation && c.generation != d->bad_gen)
                hamrd_config_reload(d);
        if (d->cs->have_ctl && d->cs->ctl.view_id == c.view_id && d->cs->ctl.coord == from &&
            d->cs->ctl.ctl_seq == c.ctl_seq) {
                /* the same publication: only its report acknowledgements
                 * may be newer */
                memcpy(d->cs->ctl.report_ack, c.report_ack, sizeof(c.report_ack));
                return false;
        }
        if (!cstate_on_ctl(d->cs, from, &c, v->view_id, v->coord))
                return false;
        memb_note_control(d->memb);
        d->dirty = true;
        return true;
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
                        cstate_note_incarnation(d->cs, msg.sender, msg.incarnation);
                        bool was_up = memb_reach(d->memb, now) & (1ULL << msg.sender);
                        if (memb_on_status(d->memb, msg.sender, msg.incarnation, &st, MEMB_PATH_NET,
                                           now) ||
                            !was_up)
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
        case WIRE_T_REPORT:
                if (on_report(d, msg.sender, msg.incarnation, msg.body, msg.body_len))
                        hamrd_kick(d);
                break;
        case WIRE_T_CONTROL:
                if (on_control(d, msg.sender, msg.body, msg.body_len))
                        hamrd_kick(d);
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
                const uint8_t *part[REPO_SLOT_PARTS];
                size_t plen[REPO_SLOT_PARTS];

                memb_on_disk_seq(d->memb, (uint16_t)i, s->incarnation, s->seq, now);
                cstate_note_incarnation(d->cs, (uint16_t)i, s->incarnation);
                /* the slot body: status, view, report, control, each with a
                 * u16 length (0: absent) */
                if (repo_slot_parts(s->body, s->body_len, part, plen) < 0)
                        continue;
                if (plen[0] && memb_status_decode(part[0], plen[0], &st) == 0 &&
                    memb_on_status(d->memb, (uint16_t)i, s->incarnation, &st, MEMB_PATH_DISK,
                                   now)) {
                        /* Newer than what the network brought: the disk is
                         * this peer's live path. Answer at once, so that
                         * its echo of us comes back within a few rounds
                         * (its hold deadline depends on it). */
                        d->dirty = true;
                        changed = true;
                }
                if (plen[1] && memb_view_decode(part[1], plen[1], &view) == 0 &&
                    memb_on_view(d->memb, (uint16_t)i, &view, now)) {
                        d->dirty = true;
                        changed = true;
                }
                if (plen[2] && on_report(d, (uint16_t)i, s->incarnation, part[2], plen[2]))
                        changed = true;
                if (plen[3] && on_control(d, (uint16_t)i, part[3], plen[3]))
                        changed = true;
        }
        if (changed)
                hamrd_kick(d);
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
        d->cs = cstate_new();
        netmon = netmon_new(d->loop);
        d->exec = exec_new(d->loop, d->state_dir, exec_changed, d);
        uv_timer_init(d->loop, &d->tick);
        d->tick.data = d;
        uv_idle_init(d->loop, &d->kick);
        d->kick.data = d;
        /* before a configuration exists: still poll the repository for one */
        d->step_fn = step;
        d->tick_fn = on_tick;
        uv_timer_start(&d->tick, on_tick, 0, 200);
}
