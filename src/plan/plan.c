/* plan.c: the coordinator's planner, plan(). Pure: no I/O, no clock, no
 * globals; the decisions and their order are documented in plan.h. */
#include "plan/plan.h"

#include <string.h>

#include "plan/plan_concurrent.h"
#include "plan/plan_deps.h"
#include "plan/plan_timers.h"

#define BIT(id) (UINT64_C(1) << (id))

void plan_memory_init(plan_memory_t *mem)
{
        memset(mem, 0, sizeof(*mem));
        memset(mem->stopped_by, 0xff, sizeof(mem->stopped_by));
}

void plan_adopt_generation(cstate_ctl_t *v, plan_memory_t *c, const hamr_config_t *cfg)
{
        cstate_ctl_t old;
        plan_memory_t oldc;
        bool same = v->generation == cfg->generation && v->ngroups == cfg->nrgs;

        for (unsigned g = 0; same && g < cfg->nrgs; g++)
                same = v->gid[g] == cfg->rgs[g].id;
        if (same)
                return;
        memcpy(&old, v, sizeof(old));
        memcpy(&oldc, c, sizeof(oldc));
        v->generation = cfg->generation;
        v->ngroups = cfg->nrgs;
        for (unsigned g = 0; g < cfg->nrgs; g++) {
                unsigned k = 0;

                while (k < old.ngroups && k < CONF_MAX_RGS && old.gid[k] != cfg->rgs[g].id)
                        k++;
                v->gid[g] = cfg->rgs[g].id;
                if (k < old.ngroups && k < CONF_MAX_RGS) {
                        v->target[g] = old.target[k];
                        v->ctl[g] = old.ctl[k];
                        v->clear_seq[g] = old.clear_seq[k];
                        v->cnodes[g] = old.cnodes[k];
                        v->coffline[g] = old.coffline[k];
                        c->stopped_by[g] = oldc.stopped_by[k];
                        c->target_view[g] = oldc.target_view[k];
                        c->target_pub[g] = oldc.target_pub[k];
                        c->settle_since[g] = oldc.settle_since[k];
                        c->fallback_due[g] = oldc.fallback_due[k];
                        continue;
                }
                v->target[g] = RGM_NO_NODE;
                v->ctl[g] = (rgm_ctl_t){.admin = RGM_ADMIN_AUTO,
                                        .pol_node = RGM_NO_NODE,
                                        .move_node = RGM_NO_NODE,
                                        .last_node = RGM_NO_NODE,
                                        .started = false};
                v->clear_seq[g] = 0;
                v->cnodes[g] = v->coffline[g] = 0;
                c->stopped_by[g] = RGM_NO_NODE;
                c->target_view[g] = 0;
                c->target_pub[g] = 0;
                c->settle_since[g] = 0;
                c->fallback_due[g] = 0;
        }
}

/* Node i's report, or NULL. */
static const plan_node_t *report(const plan_input_t *in, int i)
{
        return in->node[i].have_report ? &in->node[i] : NULL;
}

/* Node i was heard within `within` (self: always). */
static bool heard_within(const plan_input_t *in, int i, usec_t within)
{
        usec_t last = in->node[i].last_heard;

        return i == in->self || (last && in->now - last < within);
}

static void wake_at(plan_output_t *out, usec_t t)
{
        if (t < out->next_wakeup)
                out->next_wakeup = t;
}

static void note(plan_output_t *out, int group, int node, plan_why_t code)
{
        if (out->nlog >= PLAN_LOG_MAX)
                return;
        out->log[out->nlog++] = (plan_entry_t){.group = (int16_t)group,
                                               .node = (int16_t)node,
                                               .code = (uint8_t)code,
                                               .prev = RGM_NO_NODE,
                                               .waits = PLAN_NONE,
                                               .why = plan_why_str(code)};
}

/* Each member's cluster services are where the coordinator wants them. */
static bool services_settled(const cstate_ctl_t *v, const plan_node_t *st, int i)
{
        switch (v->want[i]) {
        case WANT_ACTIVE:
                return st->services == SVC_ACTIVE;
        case WANT_UNMANAGE:
                return st->services == SVC_UNMANAGED;
        case WANT_FENCE:
                return false;
        default:
                return st->services == SVC_INACTIVE;
        }
}

int plan_lease_candidate(const plan_input_t *in)
{
        int best = PLAN_NONE;
        unsigned best_n = 0;

        if (!in->cfg || in->cfg->nnodes % 2 != 0 || !in->have_view ||
            !(in->members & BIT(in->self)))
                return PLAN_NONE;
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const plan_node_t *st = report(in, i);
                if (!(in->members & BIT(i)) || !st || (i != in->self && !st->disk_ok))
                        continue;
                /* another member counts only with a report of this view (it
                 * took this view's control state and reported since): a
                 * node just back, whose report predates its absence, must
                 * not draw the lease away from the node holding the groups
                 * (found in the lab: the holder gave the lease up and had
                 * to release at a two-node heal) */
                if (i != in->self && st->ctl_view != in->view_id)
                        continue;
                if (best < 0 || st->held > best_n) {
                        best = i;
                        best_n = st->held;
                }
        }
        return best;
}

/* Cluster services follow the daemon's life: starting hamrd is not
 * starting cluster services (PowerHA). A want belongs to the daemon
 * incarnation it was decided for; a node whose daemon restarted since
 * (crash, watchdog reset, a new hamrd) is wanted ACTIVE only if it starts
 * services at restart (clmgr start node WHEN=restart|both), INACTIVE
 * otherwise. A want decided while the node was down (want_inc 0) binds to
 * its next start. A pending start-at-restart order is cleared once the
 * node reports the setting recorded. In DEADMAN_MODE a, a node without an
 * armed watchdog is not started: nothing would reset it if its daemon
 * died while it held groups (docs/safety.md). */
static void node_lives(const plan_input_t *in, plan_output_t *out)
{
        cstate_ctl_t *v = &out->ctl;

        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const plan_node_t *st = report(in, i);
                bool autostart;

                if (!(in->members & BIT(i)) || !st || !st->incarnation)
                        continue;
                autostart = v->boot[i] == BOOT_START || (v->boot[i] == BOOT_KEEP && st->autostart);
                if (v->want_inc[i] != st->incarnation) {
                        if (v->want_inc[i] != 0) {
                                v->want[i] = autostart ? WANT_ACTIVE : WANT_INACTIVE;
                                note(out, PLAN_NONE, i,
                                     autostart ? PLAN_WHY_RESTART_START : PLAN_WHY_RESTARTED);
                        } else if (v->want[i] == WANT_INACTIVE && autostart) {
                                v->want[i] = WANT_ACTIVE;
                                note(out, PLAN_NONE, i, PLAN_WHY_RESTART_START);
                        }
                        v->want_inc[i] = st->incarnation;
                }
                if (v->boot[i] != BOOT_KEEP && st->autostart == (v->boot[i] == BOOT_START))
                        v->boot[i] = BOOT_KEEP;
                /* only a start is refused: a running node whose report
                 * shows no armed watchdog may be between two generations
                 * (DEADMAN_MODE e -> a: it arms when it applies the new
                 * one), and stopping it would take every group offline */
                if (in->cfg->deadman_mode == DMS_MODE_ASSERT && !st->fenced &&
                    v->want[i] == WANT_ACTIVE && st->services == SVC_INACTIVE) {
                        v->want[i] = WANT_INACTIVE;
                        note(out, PLAN_NONE, i, PLAN_WHY_NO_WATCHDOG);
                }
        }
}

/* Nodes that finished stopping; members that may host groups. */
static uint64_t stops_and_eligible(const plan_input_t *in, plan_output_t *out)
{
        cstate_ctl_t *v = &out->ctl;
        uint64_t eligible = 0;

        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const plan_node_t *st = report(in, i);
                if (!(in->members & BIT(i)) || !st)
                        continue;
                if ((v->want[i] == WANT_STOP_OFFLINE || v->want[i] == WANT_STOP_MOVE) &&
                    st->services == SVC_INACTIVE) {
                        v->want[i] = WANT_INACTIVE;
                        note(out, PLAN_NONE, i, PLAN_WHY_STOP_DONE);
                }
                if (v->want[i] == WANT_ACTIVE && st->services == SVC_ACTIVE &&
                    (i == in->self ? in->cfg->generation : st->generation) == in->cfg->generation)
                        eligible |= BIT(i);
        }
        return eligible;
}

/* Rank of a node's service network for selective fallover, higher is
 * better. Without reachability targets on both nodes compared: its network
 * state alone (no carrier < silent < hears a peer). With NETMON_TARGETS
 * probed by both: first whether it reaches the targets, then the network
 * state. A node without carrier counts as not reaching them (its probes
 * leave through the network's own interface). */
static unsigned net_rank(uint8_t net, uint8_t reach, bool targets)
{
        bool reached = targets && (reach & CSTATE_REACH_OK) && net != NET_NO_CARRIER;

        return (reached ? (unsigned)NET_COUNT : 0u) + net;
}

/* Selective fallover: a node whose service network is worse than that of
 * another eligible member (no carrier, or hears nobody while the others
 * hear each other) for NETWORK_FAILURE_DETECTION_TIME may not host groups
 * with service IPs; its groups move after it released them. A better
 * network is proven only by a member of some standing (a member for the
 * detection time: one that just joined is not yet heard both ways), with a
 * current report (heard within half the network detection time, so that a
 * node that just went silent cannot outrank the one that stopped hearing
 * it); hearing only node i proves i's network works.
 *
 * Reachability targets (NETMON_TARGETS) decide what hearing cannot: in a
 * two-node cluster whose owner's switch port died (carrier kept), both
 * nodes hear no peer and are equally cut; the one that reaches no target
 * is worse than the one that reaches them, whatever either hears, and
 * releases. Reaching comes first because the targets stand for the
 * clients: a node that still reaches them never loses its groups to one
 * that does not, even with a dead LAN between the nodes (e.g. three nodes,
 * the owner silent but reaching the gateway, the other two hearing each
 * other behind a dead uplink: moving would put the group where no client
 * gets to it). When no node reaches the targets (the gateway died) or a
 * node does not probe any (no targets, or an older generation), the
 * network state alone decides, as before: equally cut, nothing moves. */
static uint64_t selective_fallover(const plan_input_t *in, plan_output_t *out, uint64_t eligible)
{
        const hamr_config_t *cfg = in->cfg;
        plan_memory_t *c = &out->mem;
        usec_t now = in->now;
        uint64_t net_down = 0;

        for (int i = 0; i < CONF_MAX_NODES; i++) {
                if (!(in->members & BIT(i)))
                        c->member_since[i] = 0;
                else if (!c->member_since[i])
                        c->member_since[i] = now;
        }
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const plan_node_t *st = report(in, i);
                bool worse = false;
                if (!(eligible & BIT(i)) || !st)
                        continue;
                for (int j = 0; j < CONF_MAX_NODES; j++) {
                        const plan_node_t *o = report(in, j);
                        uint8_t eff_net;
                        bool targets;
                        unsigned mine, theirs;
                        if (j == i || !(eligible & BIT(j)) || !o)
                                continue;
                        targets =
                            (st->reach & CSTATE_REACH_TARGETS) && (o->reach & CSTATE_REACH_TARGETS);
                        mine = net_rank(st->net, st->reach, targets);
                        if (now - c->member_since[j] < in->detect_usec) {
                                /* may prove a better network once of standing */
                                if (net_rank(o->net, o->reach, targets) > mine)
                                        wake_at(out, c->member_since[j] + in->detect_usec);
                                continue;
                        }
                        if (!heard_within(in, j, cfg->net_fdt_usec / 2))
                                continue;
                        eff_net =
                            o->net == NET_OK && !(o->net_heard & ~BIT(i)) ? NET_SILENT : o->net;
                        theirs = net_rank(eff_net, o->reach, targets);
                        if (theirs > mine) {
                                worse = true;
                                if (j != in->self)
                                        wake_at(out,
                                                in->node[j].last_heard + cfg->net_fdt_usec / 2);
                        }
                }
                if (!worse)
                        c->net_worse_since[i] = 0;
                else if (!c->net_worse_since[i])
                        c->net_worse_since[i] = now;
                if (!worse)
                        continue;
                if (now - c->net_worse_since[i] >= cfg->net_fdt_usec) {
                        net_down |= BIT(i);
                        note(out, PLAN_NONE, i, PLAN_WHY_SELECTIVE_FALLOVER);
                } else {
                        note(out, PLAN_NONE, i, PLAN_WHY_NET_WORSE);
                        wake_at(out, c->net_worse_since[i] + cfg->net_fdt_usec);
                }
        }
        return net_down;
}

/* Poison pill: a member whose service network is down and which failed to
 * release a group with service IPs (ERROR) can neither serve nor give the
 * group up; it is alive (on the disk), so the others would wait for it for
 * ever. Order it to reset itself through the view (read from the
 * coordinator's slot; the coordinator may order itself); once it has left
 * the view its groups fall over. A node that left the view (reset,
 * restarted) is wanted active again. */
static void poison_pill(const plan_input_t *in, plan_output_t *out, uint64_t net_down)
{
        cstate_ctl_t *v = &out->ctl;

        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const plan_node_t *st = report(in, i);
                if (!(in->members & BIT(i))) {
                        if (v->want[i] == WANT_FENCE) {
                                /* its next start decides (node_lives) */
                                v->want[i] = WANT_ACTIVE;
                                note(out, PLAN_NONE, i, PLAN_WHY_FENCE_LEFT);
                        }
                        continue;
                }
                if (!(net_down & BIT(i)) || !st || v->want[i] == WANT_FENCE)
                        continue;
                for (unsigned g = 0; g < in->cfg->nrgs; g++)
                        if (in->state[(size_t)g * CONF_MAX_NODES + i] == RG_S_ERROR &&
                            in->cfg->rgs[g].nsips > 0 && !(in->failed_here[g] & BIT(i))) {
                                v->want[i] = WANT_FENCE;
                                note(out, (int)g, i, PLAN_WHY_POISON_PILL);
                                break;
                        }
        }
}

/* ARR: every member (self included) reports the active repository failing,
 * continuously for the detection time: switch to the next backup that did
 * not fail to prepare. Decided only in a quorate view. */
static void repository(const plan_input_t *in, plan_output_t *out)
{
        const cstate_ctl_t *v = &out->ctl;
        plan_memory_t *c = &out->mem;
        unsigned next;

        if (!in->quorate || v->repo_index >= in->cfg->nbackups)
                return;
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const plan_node_t *st = report(in, i);
                if (!(in->members & BIT(i)))
                        continue;
                if (!st || st->disk_ok || st->repo_index != v->repo_index) {
                        c->repo_fail_since = 0;
                        return;
                }
        }
        if (!c->repo_fail_since)
                c->repo_fail_since = in->now;
        if (in->now - c->repo_fail_since < in->detect_usec) {
                note(out, PLAN_NONE, PLAN_NONE, PLAN_WHY_ARR_FAILING);
                wake_at(out, c->repo_fail_since + in->detect_usec);
                return;
        }
        next = v->repo_index + 1u;
        while (next <= in->cfg->nbackups && next < 32 && (in->repo_bad & (1u << next)))
                next++;
        if (next > in->cfg->nbackups) {
                note(out, PLAN_NONE, PLAN_NONE, PLAN_WHY_ARR_NO_BACKUP);
                return;
        }
        out->arr_switch = (int)next;
        note(out, PLAN_NONE, (int)next, PLAN_WHY_ARR_SWITCH);
}

/* Targets only in a quorate, closed view where every member runs this
 * generation and has reported since it took this view's control state (its
 * report answers a publication of this view). */
static bool targets_valid(const plan_input_t *in, const cstate_ctl_t *v)
{
        bool valid = in->quorate && in->view_agreed;

        for (int i = 0; valid && i < CONF_MAX_NODES; i++) {
                const plan_node_t *st = report(in, i);
                if (in->members & BIT(i))
                        valid = st && (i == in->self || st->ctl_view == v->view_id);
        }
        return valid;
}

/* STABLE as far as nodes go: every member's services where wanted, and
 * every member heard within half the detection time (a target that went
 * silent is not "online there"; a loaded node that skips a few heartbeats
 * does not make the cluster flap). */
static bool nodes_settled(const plan_input_t *in, plan_output_t *out)
{
        bool settled = true;

        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const plan_node_t *st = report(in, i);
                if (!(in->members & BIT(i)))
                        continue;
                if (!st || !services_settled(&out->ctl, st, i) ||
                    !heard_within(in, i, in->detect_usec / 2)) {
                        settled = false;
                        note(out, PLAN_NONE, i, PLAN_WHY_NODE_UNSETTLED);
                }
        }
        return settled;
}

/* The published control state is the same (report acknowledgements apart).
 * Field by field: padding bytes (rgm_ctl_t copies) must not count as a
 * change, or every step would publish. */
static bool ctl_same(const cstate_ctl_t *a, const cstate_ctl_t *b)
{
        if (a->view_id != b->view_id || a->ctl_seq != b->ctl_seq || a->coord != b->coord ||
            a->generation != b->generation || a->targets_valid != b->targets_valid ||
            a->home_only != b->home_only || a->stable != b->stable ||
            a->repo_index != b->repo_index || a->ngroups != b->ngroups ||
            memcmp(a->want, b->want, sizeof(a->want)) != 0 ||
            memcmp(a->want_inc, b->want_inc, sizeof(a->want_inc)) != 0 ||
            memcmp(a->boot, b->boot, sizeof(a->boot)) != 0)
                return false;
        for (unsigned g = 0; g < CONF_MAX_RGS; g++) {
                const rgm_ctl_t *x = &a->ctl[g], *y = &b->ctl[g];
                if (a->gid[g] != b->gid[g] || a->target[g] != b->target[g] ||
                    a->clear_seq[g] != b->clear_seq[g] || a->cnodes[g] != b->cnodes[g] ||
                    a->coffline[g] != b->coffline[g] || x->admin != y->admin ||
                    x->pol_node != y->pol_node || x->move_node != y->move_node ||
                    x->last_node != y->last_node || x->started != y->started)
                        return false;
        }
        return true;
}

/* Application monitor fallover: a member that reports a group failed
 * there (its monitor's restarts used up, FAILUREACTION=fallover) released
 * it and reports it ERROR; for that group its ERROR counts as OFFLINE and
 * it is not eligible, so the group goes to the next node of its list that
 * has not failed it, or nowhere (it stays ERROR on the nodes that failed
 * it, with the reason, until an administrator acts). One extra scheduler
 * run per such group. */
static void monitor_fallover(const plan_input_t *in, const rgm_input_t *rin, rgm_output_t *ro)
{
        uint8_t state[CONF_MAX_RGS * CONF_MAX_NODES];
        rgm_output_t tmp[CONF_MAX_RGS];
        rgm_input_t r = *rin;

        for (unsigned g = 0; g < in->cfg->nrgs && g < CONF_MAX_RGS; g++) {
                uint64_t f = in->failed_here[g];
                if (!f)
                        continue;
                memcpy(state, in->state, sizeof(state[0]) * CONF_MAX_NODES * in->cfg->nrgs);
                for (int i = 0; i < CONF_MAX_NODES; i++)
                        if ((f & BIT(i)) && state[(size_t)g * CONF_MAX_NODES + i] == RG_S_ERROR)
                                state[(size_t)g * CONF_MAX_NODES + i] = RG_S_OFFLINE;
                r.state = state;
                r.eligible = rin->eligible & ~f;
                rgm_schedule(&r, tmp);
                ro[g] = tmp[g];
                /* an administrator's move to a node that still reports the
                 * mark (it clears it on the same command) is kept */
                if (rin->ctl[g].move_node < CONF_MAX_NODES && (f & BIT(rin->ctl[g].move_node)))
                        ro[g].ctl.move_node = rin->ctl[g].move_node;
        }
}

/* Per group: the scheduler's target, revoke before grant, waiting for
 * answers. Returns whether every group is settled. */
static bool schedule(const plan_input_t *in, plan_output_t *out, uint64_t eligible,
                     uint64_t net_down, bool *changed)
{
        const hamr_config_t *cfg = in->cfg;
        cstate_ctl_t *v = &out->ctl;
        const plan_memory_t *c = &out->mem;
        rgm_output_t ro[CONF_MAX_RGS];
        plan_why_t timer_code[CONF_MAX_RGS];
        int16_t waits[CONF_MAX_RGS];
        bool pending[CONF_MAX_RGS] = {0};
        memset(ro, 0, sizeof(ro[0]) * (cfg->nrgs < CONF_MAX_RGS ? cfg->nrgs : CONF_MAX_RGS));
        bool settled = true;

        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const plan_node_t *st = report(in, i);
                if (!(in->members & BIT(i)) || !st || i == in->self)
                        continue;
                for (unsigned g = 0; g < cfg->nrgs; g++)
                        if (c->target_view[g] == v->view_id &&
                            (st->ctl_view != v->view_id || st->ctl_seq < c->target_pub[g]))
                                pending[g] = true;
        }
        rgm_input_t rin = {.cfg = cfg,
                           .members = in->members,
                           .eligible = eligible,
                           .net_down = net_down,
                           .state = in->state,
                           .ctl = v->ctl,
                           .home_only = v->home_only};
        rgm_schedule(&rin, ro);
        monitor_fallover(in, &rin, ro);
        plan_timers_apply(in, out, eligible, net_down, ro, timer_code);
        plan_deps_apply(in, eligible, net_down, ro, timer_code, waits);
        uint64_t cnodes_before[CONF_MAX_RGS];
        memcpy(cnodes_before, v->cnodes, sizeof(cnodes_before));
        plan_concurrent_apply(in, v, eligible, ro, timer_code);
        for (unsigned g = 0; g < cfg->nrgs; g++) {
                plan_why_t code;

                if (pending[g]) {
                        v->cnodes[g] = cnodes_before[g];
                        /* a member has not answered the last target change */
                        note(out, (int)g, v->target[g] == RGM_NO_NODE ? PLAN_NONE : v->target[g],
                             PLAN_WHY_PENDING_ANSWERS);
                        settled = false;
                        continue;
                }
                code = timer_code[g] ? timer_code[g] : plan_why_of_rgm(ro[g].why);
                /* Revoke before grant: a target never moves from one node to
                 * another in one publication. Once every member has answered
                 * the revoke (target none), the old target, which acts only
                 * on its newest view, can no longer acquire under the old
                 * grant (found by the model with late status messages). */
                if (v->target[g] != RGM_NO_NODE && ro[g].target != RGM_NO_NODE &&
                    ro[g].target != v->target[g]) {
                        ro[g].target = RGM_NO_NODE;
                        ro[g].settled = false;
                        code = PLAN_WHY_REVOKE_FIRST;
                }
                changed[g] = v->target[g] != ro[g].target || v->cnodes[g] != cnodes_before[g];
                note(out, (int)g, ro[g].target == RGM_NO_NODE ? PLAN_NONE : ro[g].target, code);
                out->log[out->nlog - 1].changed = changed[g];
                out->log[out->nlog - 1].prev = v->target[g];
                out->log[out->nlog - 1].waits =
                    code == PLAN_WHY_REVOKE_FIRST ? PLAN_NONE : waits[g];
                v->target[g] = ro[g].target;
                v->ctl[g] = ro[g].ctl;
                settled = settled && !changed[g] && ro[g].settled;
        }
        return settled;
}

void plan(const plan_input_t *in, plan_output_t *out)
{
        const hamr_config_t *cfg = in->cfg;
        cstate_ctl_t *v = &out->ctl;
        cstate_ctl_t before;
        bool changed[CONF_MAX_RGS] = {0};
        uint64_t eligible, net_down;
        bool stable, acks;
        int lease;

        memcpy(&out->ctl, &in->ctl, sizeof(out->ctl));
        memcpy(&out->mem, &in->mem, sizeof(out->mem));
        memcpy(&before, &in->ctl, sizeof(before));
        out->publish = out->send = false;
        out->next_wakeup = USEC_INFINITY;
        out->lease_candidate = PLAN_NONE;
        out->arr_switch = PLAN_NONE;
        out->nlog = 0;
        memset(out->timer, 0, sizeof(out->timer));
        if (!cfg)
                return;
        plan_adopt_generation(v, &out->mem, cfg);

        node_lives(in, out);
        eligible = stops_and_eligible(in, out);
        net_down = selective_fallover(in, out, eligible);
        poison_pill(in, out, net_down);
        out->mem.net_down = net_down;

        v->generation = cfg->generation;
        v->targets_valid = targets_valid(in, v);
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const plan_node_t *st = report(in, i);
                v->report_ack[i] = (in->members & BIT(i)) && st ? st->report_seq : 0;
        }
        stable = v->targets_valid && nodes_settled(in, out);
        if (v->targets_valid) {
                stable = schedule(in, out, eligible, net_down, changed) && stable;
        } else {
                for (unsigned g = 0; g < cfg->nrgs; g++)
                        note(out, (int)g, v->target[g] == RGM_NO_NODE ? PLAN_NONE : v->target[g],
                             PLAN_WHY_GATHERING);
        }
        v->stable = stable;
        if (stable) {
                note(out, PLAN_NONE, PLAN_NONE, PLAN_WHY_STABLE);
                /* stable until a member goes unheard */
                for (int i = 0; i < CONF_MAX_NODES; i++)
                        if ((in->members & BIT(i)) && i != in->self)
                                wake_at(out, in->node[i].last_heard + in->detect_usec / 2);
        }

        repository(in, out);
        lease = plan_lease_candidate(in);
        out->lease_candidate = lease;
        if (lease != PLAN_NONE)
                note(out, PLAN_NONE, lease, PLAN_WHY_LEASE_CANDIDATE);

        /* Report acknowledgements are not a publication (a report answering
         * a publication must not cause another one): they are sent with the
         * current ctl_seq. */
        acks = memcmp(before.report_ack, v->report_ack, sizeof(v->report_ack)) != 0;
        if (!ctl_same(&before, v)) {
                v->ctl_seq++;
                out->publish = out->send = true;
                for (unsigned g = 0; v->targets_valid && g < cfg->nrgs; g++)
                        if (changed[g]) {
                                out->mem.target_view[g] = v->view_id;
                                out->mem.target_pub[g] = v->ctl_seq;
                        }
                return;
        }
        out->send = acks;
}
