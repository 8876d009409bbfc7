/* memb: liveness per path, coordinator choice, view formation and acceptance, quorum. */
#include "memb/memb.h"

#include <stdlib.h>
#include <string.h>

#include "common/hamr_alloc.h"
#include "common/hamr_log.h"

memb_t *memb_new(uint16_t self, uint64_t incarnation)
{
        memb_t *m = zalloc(sizeof(*m));
        m->self = self;
        m->incarnation = incarnation;
        return m;
}

void memb_free(memb_t *m)
{
        free(m);
}

void memb_set_config(memb_t *m, const hamr_config_t *cfg, uint16_t self)
{
        uint64_t mask = 0;

        m->cfg = cfg;
        m->self = self;
        for (unsigned i = 0; cfg && i < cfg->nnodes; i++)
                mask |= 1ULL << cfg->nodes[i].id;
        for (int i = 0; i < CONF_MAX_NODES; i++)
                if (!(mask & (1ULL << i)))
                        memset(&m->peers[i], 0, sizeof(m->peers[i]));
        m->configured = mask;
}

usec_t memb_timeout(const memb_t *m)
{
        if (!m->cfg)
                return 2 * USEC_PER_SEC;
        return m->cfg->hb_freq_usec + m->cfg->grace_usec;
}

/* Views rank by control-state epoch first, then by id. */
static bool ranks_above(uint64_t epoch, uint64_t vid, uint64_t epoch2, uint64_t vid2)
{
        return epoch > epoch2 || (epoch == epoch2 && vid > vid2);
}

static void new_incarnation(memb_peer_t *p, uint64_t incarnation)
{
        if (p->incarnation == incarnation)
                return;
        /* A new life: nothing it reported before holds any more. */
        p->incarnation = incarnation;
        p->have_status = false;
        p->disk_seq = 0;
        p->view_id_seen = 0;
        p->epoch_seen = 0;
        p->echo_usec = 0;
}

void memb_note_sent(memb_t *m, uint64_t seq, usec_t now)
{
        m->sent_seq[seq % MEMB_SENT_RING] = seq;
        m->sent_usec[seq % MEMB_SENT_RING] = now;
}

/* Send time of our status `seq` of this life, 0 if unknown (too old). */
static usec_t sent_time(const memb_t *m, uint64_t inc, uint64_t seq)
{
        if (inc != m->incarnation || seq == 0 || m->sent_seq[seq % MEMB_SENT_RING] != seq)
                return 0;
        return m->sent_usec[seq % MEMB_SENT_RING];
}

void memb_fill_echo(const memb_t *m, memb_status_t *st)
{
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const memb_peer_t *p = &m->peers[i];
                bool have = i != m->self && (m->configured & (1ULL << i)) && p->have_status;
                st->echo_inc[i] = have ? p->incarnation : 0;
                st->echo_seq[i] = have ? p->status.status_seq : 0;
        }
}

void memb_set_lease(memb_t *m, usec_t until)
{
        m->lease_until = until;
}

bool memb_on_status(memb_t *m, uint16_t from, uint64_t incarnation, const memb_status_t *st,
                    memb_path_t path, usec_t now)
{
        memb_peer_t *p;

        if (from >= CONF_MAX_NODES || from == m->self || !(m->configured & (1ULL << from)))
                return false;
        p = &m->peers[from];
        if (incarnation < p->incarnation)
                return false;
        new_incarnation(p, incarnation);
        if (path == MEMB_PATH_NET)
                p->last_net_usec = now;
        if (st->view_id > m->max_view_id_seen)
                m->max_view_id_seen = st->view_id;
        /* its own claim: the newest view whose control state it holds */
        if (ranks_above(st->ctl_epoch, st->ctl_view, p->epoch_seen, p->view_id_seen)) {
                p->view_id_seen = st->ctl_view;
                p->epoch_seen = st->ctl_epoch;
        }
        if (p->have_status && st->status_seq <= p->status.status_seq)
                return false;
        {
                usec_t t = sent_time(m, st->echo_inc[m->self], st->echo_seq[m->self]);
                if (t > p->echo_usec)
                        p->echo_usec = t;
        }
        p->status = *st;
        p->have_status = true;
        return true;
}

void memb_on_disk_seq(memb_t *m, uint16_t from, uint64_t incarnation, uint64_t seq, usec_t now)
{
        memb_peer_t *p;

        if (from >= CONF_MAX_NODES || from == m->self || !(m->configured & (1ULL << from)))
                return;
        p = &m->peers[from];
        if (incarnation < p->incarnation)
                return;
        new_incarnation(p, incarnation);
        if (seq != p->disk_seq) {
                /* First sighting only records the seq: a slot left by a dead
                 * node must advance before it counts as a heartbeat. */
                if (p->disk_seq != 0)
                        p->last_disk_usec = now;
                p->disk_seq = seq;
        }
}

static bool peer_up(const memb_t *m, int id, usec_t now)
{
        const memb_peer_t *p = &m->peers[id];
        usec_t last = p->last_net_usec > p->last_disk_usec ? p->last_net_usec : p->last_disk_usec;
        return last != 0 && now - last < memb_timeout(m);
}

uint64_t memb_reach(const memb_t *m, usec_t now)
{
        uint64_t r = 1ULL << m->self;

        for (int i = 0; i < CONF_MAX_NODES; i++)
                if ((m->configured & (1ULL << i)) && i != m->self && peer_up(m, i, now))
                        r |= 1ULL << i;
        return r;
}

uint16_t memb_coordinator(const memb_t *m, usec_t now)
{
        /* The reachable node with the newest view coordinates (ties: lowest
         * id). Views rank by control-state epoch first (the newest quorate
         * view their control state was published in), then by id: after a
         * partition heals, the side that kept quorum coordinates, not a
         * side that formed views of its own without quorum. A node that
         * just started has no control state yet; it first accepts the
         * running view, and only then may take over. */
        uint64_t reach = memb_reach(m, now);
        uint64_t best_view = 0, best_epoch = 0;
        int best = -1;

        for (int i = 0; i < CONF_MAX_NODES; i++) { /* ascending: ties keep the lowest id */
                uint64_t vid, epoch;
                if (!(reach & (1ULL << i)))
                        continue;
                /* ourselves: the newest view whose control state we hold */
                vid = i == m->self ? m->ctl_view : m->peers[i].view_id_seen;
                epoch = i == m->self ? m->ctl_view_epoch : m->peers[i].epoch_seen;
                /* A view also counts for the node that formed it, while a
                 * reachable member still holds it: a follower's report is
                 * not taken for a view of the follower's own (found by the
                 * model: stored credits outlived their views and deadlocked
                 * the choice after a coordinator restart). */
                /* Never for ourselves: others' reports may name a view of
                 * our previous life, and a fresh life has no control state
                 * (model finding 8: a restarted coordinator took over with
                 * an empty state and stopped every node's services). */
                for (int j = 0; i != m->self && j < CONF_MAX_NODES; j++) {
                        const memb_peer_t *q = &m->peers[j];
                        if (j == m->self || !(reach & (1ULL << j)) || !q->have_status ||
                            !q->status.view_members || q->status.view_coord != i)
                                continue;
                        if (ranks_above(q->status.view_epoch, q->status.view_id, epoch, vid)) {
                                vid = q->status.view_id;
                                epoch = q->status.view_epoch;
                        }
                }
                if (best < 0 || ranks_above(epoch, vid, best_epoch, best_view)) {
                        best = i;
                        best_view = vid;
                        best_epoch = epoch;
                }
        }
        return (uint16_t)best;
}

bool memb_is_coordinator(const memb_t *m, usec_t now)
{
        return memb_coordinator(m, now) == m->self;
}

bool memb_on_view(memb_t *m, uint16_t from, const memb_view_t *v, usec_t now)
{
        if (v->view_id > m->max_view_id_seen)
                m->max_view_id_seen = v->view_id;
        if (from < CONF_MAX_NODES && from != m->self && (m->configured & (1ULL << from)) &&
            v->incarnations[from] == m->peers[from].incarnation &&
            ranks_above(v->ctl_epoch, v->view_id, m->peers[from].epoch_seen,
                        m->peers[from].view_id_seen)) {
                m->peers[from].view_id_seen = v->view_id;
                m->peers[from].epoch_seen = v->ctl_epoch;
        }
        if (from == m->self || v->coord != from || memb_coordinator(m, now) != from)
                return false;
        if (!(v->members & (1ULL << m->self)) || v->incarnations[m->self] != m->incarnation) {
                /* The coordinator no longer counts this life of ours in. */
                if (m->have_view && m->view.coord == from && v->view_id >= m->view.view_id)
                        m->have_view = false;
                return false;
        }
        if (m->have_view && m->view.coord == from) {
                if (v->view_id < m->view.view_id)
                        return false;
                if (v->view_id == m->view.view_id && v->pub_seq <= m->view.pub_seq) {
                        if (v->pub_seq == m->view.pub_seq)
                                m->view_heard_usec = now;
                        return false;
                }
        }
        if (!m->have_view || m->view.view_id != v->view_id)
                log_info("memb", "view accepted view=%llu coord=%u members=0x%llx",
                         (unsigned long long)v->view_id, v->coord,
                         (unsigned long long)v->members);
        m->view = *v;
        m->have_view = true;
        m->view_heard_usec = now;
        return true;
}

bool memb_coordinator_tick(memb_t *m, usec_t now)
{
        uint64_t reach = memb_reach(m, now);
        bool need = !m->have_view || m->view.coord != m->self || m->view.members != reach;

        if (!need)
                m->view_heard_usec = now; /* our own view is fresh while we coordinate it */

        for (int i = 0; !need && i < CONF_MAX_NODES; i++) {
                if (!(reach & (1ULL << i)))
                        continue;
                uint64_t inc = i == m->self ? m->incarnation : m->peers[i].incarnation;
                if (m->view.incarnations[i] != inc)
                        need = true;
        }
        if (!need)
                return false;
        /* The control-state epoch of the last view we accepted carries
         * over, even if that view has expired (the control state itself
         * lives in cstate and carries over there). */
        m->view.view_id = (m->max_view_id_seen > m->view.view_id ? m->max_view_id_seen
                                                                  : m->view.view_id) + 1;
        m->max_view_id_seen = m->view.view_id;
        m->view.pub_seq = 1;
        m->view.coord = m->self;
        m->view.members = reach;
        memset(m->view.incarnations, 0, sizeof(m->view.incarnations));
        for (int i = 0; i < CONF_MAX_NODES; i++)
                if (reach & (1ULL << i))
                        m->view.incarnations[i] =
                                i == m->self ? m->incarnation : m->peers[i].incarnation;
        {
                /* a quorate view starts a new control-state epoch; a view
                 * without quorum carries the epoch it inherited */
                unsigned n = (unsigned)__builtin_popcountll(reach & m->configured);
                if (m->cfg && (2 * n > m->cfg->nnodes ||
                               (2 * n == m->cfg->nnodes && m->lease_until > now)))
                        m->view.ctl_epoch = m->view.view_id;
        }
        m->have_view = true;
        m->view_heard_usec = now;
        /* the control state we carry over is this view's */
        memb_note_control(m);
        log_info("memb", "view formed view=%llu coord=%u members=0x%llx",
                 (unsigned long long)m->view.view_id, m->self, (unsigned long long)reach);
        return true;
}

void memb_expire(memb_t *m, usec_t now)
{
        if (!m->have_view)
                return;
        if (m->view.coord == m->self) {
                /* Stepped down (another node now coordinates): keep the view
                 * until the new coordinator's view arrives, for at most the
                 * detection time; no needless release on a handover. */
                if (!memb_is_coordinator(m, now) && now - m->view_heard_usec >= memb_timeout(m)) {
                        log_info("memb", "view given up view=%llu (stepped down)",
                                 (unsigned long long)m->view.view_id);
                        m->have_view = false;
                }
                return;
        }
        if (now - m->view_heard_usec >= memb_timeout(m) ||
            memb_coordinator(m, now) != m->view.coord) {
                log_info("memb", "view lost view=%llu coord=%u",
                         (unsigned long long)m->view.view_id, m->view.coord);
                m->have_view = false;
        }
}

bool memb_quorate(const memb_t *m, usec_t now)
{
        unsigned n;

        if (!m->cfg || !m->have_view || !(m->view.members & (1ULL << m->self)))
                return false;
        if (now - m->view_heard_usec >= memb_timeout(m) &&
            (m->view.coord != m->self || !memb_is_coordinator(m, now)))
                return false;
        if (memb_view_conflict(m, now))
                return false;
        n = (unsigned)__builtin_popcountll(m->view.members & m->configured);
        /* a majority, or exactly half with the tie-breaker lease */
        return 2 * n > m->cfg->nnodes || (2 * n == m->cfg->nnodes && m->lease_until > now);
}

bool memb_view_conflict(const memb_t *m, usec_t now)
{
        uint16_t coord = memb_coordinator(m, now);

        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const memb_peer_t *p = &m->peers[i];
                if (!(m->view.members & (1ULL << i)) || i == m->self || !p->have_status ||
                    p->incarnation != m->view.incarnations[i])
                        continue;
                const memb_status_t *st = &p->status;
                bool ours = st->view_id == m->view.view_id && st->view_coord == m->view.coord;
                /* A member of our view now follows another view, not older
                 * than ours, formed by a node we do not take as coordinator:
                 * two coordinators. Whoever holds groups must not count on
                 * this view any more. */
                if (!ours && st->view_id >= m->view.view_id && st->view_coord != coord &&
                    st->view_coord != m->view.coord)
                        return true;
        }
        return false;
}

bool memb_view_agreed(const memb_t *m, uint64_t gen)
{
        if (!m->have_view)
                return false;
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                if (!(m->view.members & (1ULL << i)) || i == m->self)
                        continue;
                const memb_peer_t *p = &m->peers[i];
                if (!p->have_status || p->incarnation != m->view.incarnations[i] ||
                    p->status.view_id != m->view.view_id ||
                    p->status.view_coord != m->view.coord || p->status.generation != gen)
                        return false;
                /* Closed view: no member hears a node outside it. A node
                 * we have not heard (yet) may be alive and holding groups
                 * (found by the model: a restarted coordinator that heard
                 * only some nodes scheduled around a live holder). */
                if (p->status.reach & ~m->view.members)
                        return false;
        }
        return true;
}

const memb_status_t *memb_peer_status(const memb_t *m, uint16_t id)
{
        if (id >= CONF_MAX_NODES || !m->peers[id].have_status)
                return NULL;
        return &m->peers[id].status;
}

static int cmp_usec(const void *a, const void *b)
{
        usec_t x = *(const usec_t *)a, y = *(const usec_t *)b;
        return x < y ? -1 : x > y;
}

usec_t memb_hold_deadline(const memb_t *m)
{
        usec_t e[CONF_MAX_NODES];
        unsigned n, k = 0, maj, half;
        usec_t d = memb_timeout(m), h_maj, h_half;

        if (!m->cfg)
                return 0;
        n = m->cfg->nnodes;
        for (int i = 0; i < CONF_MAX_NODES; i++)
                if ((m->configured & (1ULL << i)) && i != m->self)
                        e[k++] = m->peers[i].echo_usec; /* 0: never heard us */
        qsort(e, k, sizeof(e[0]), cmp_usec);
        maj = n / 2 + 1;
        /* a majority of peers without us: all must have stopped hearing
         * us, the adversary picks those with the oldest echoes */
        h_maj = k >= maj ? e[maj - 1] + d : USEC_INFINITY;
        if (n % 2 || n < 2)
                return h_maj;
        half = n / 2;
        /* exactly half without us needs the lease: not before ours ends */
        h_half = e[half - 1] + d;
        if (m->lease_until > h_half)
                h_half = m->lease_until;
        return h_half < h_maj ? h_half : h_maj;
}

bool memb_heard_within(const memb_t *m, uint16_t id, usec_t within, usec_t now)
{
        const memb_peer_t *p;
        usec_t last;

        if (id == m->self)
                return true;
        if (id >= CONF_MAX_NODES)
                return false;
        p = &m->peers[id];
        last = p->last_net_usec > p->last_disk_usec ? p->last_net_usec : p->last_disk_usec;
        return last && now - last < within;
}

uint64_t memb_net_heard(const memb_t *m, usec_t within, usec_t now)
{
        uint64_t heard = 0;

        for (int i = 0; i < CONF_MAX_NODES; i++) {
                const memb_peer_t *p = &m->peers[i];
                if (i != m->self && (m->configured & (1ULL << i)) && p->last_net_usec &&
                    now - p->last_net_usec < within)
                        heard |= 1ULL << i;
        }
        return heard;
}

bool memb_epoch_step(memb_t *m, usec_t now)
{
        if (!m->have_view || m->view.coord != m->self || !memb_is_coordinator(m, now) ||
            !memb_quorate(m, now) || m->view.ctl_epoch == m->view.view_id)
                return false;
        /* quorate now (e.g. the lease was taken after the view formed): the
         * control state is of this view's epoch */
        m->view.ctl_epoch = m->view.view_id;
        m->view.pub_seq++;
        memb_note_control(m);
        return true;
}

void memb_note_control(memb_t *m)
{
        if (!m->have_view)
                return;
        m->ctl_view = m->view.view_id;
        m->ctl_view_epoch = m->view.ctl_epoch;
}
