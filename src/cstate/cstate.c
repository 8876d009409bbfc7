/* cstate: reports per node (mapped by group ID) and the followed control state. */
#include "cstate/cstate.h"

#include <stdlib.h>
#include <string.h>

#include "common/hamr_alloc.h"

cstate_t *cstate_new(void)
{
        return zalloc(sizeof(cstate_t));
}

static void node_clear(cstate_node_t *n)
{
        cstate_report_clear(&n->report);
        free(n->pos);
        memset(n, 0, sizeof(*n));
}

void cstate_free(cstate_t *cs)
{
        if (!cs)
                return;
        for (int i = 0; i < CONF_MAX_NODES; i++)
                node_clear(&cs->nodes[i]);
        free(cs);
}

/* Report ids are strictly ascending (the decoder enforces it). */
static int32_t find(const cstate_report_t *r, uint32_t id)
{
        uint32_t lo = 0, hi = r->ngroups;

        while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (r->groups[mid].id == id)
                        return (int32_t)mid;
                if (r->groups[mid].id < id)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return -1;
}

static void map(const cstate_t *cs, cstate_node_t *n)
{
        unsigned nrgs = cs->cfg ? cs->cfg->nrgs : 0;

        free(n->pos);
        n->pos = zcalloc(nrgs ? nrgs : 1, sizeof(*n->pos));
        for (unsigned g = 0; g < nrgs; g++)
                n->pos[g] = n->have ? find(&n->report, cs->cfg->rgs[g].id) : -1;
}

void cstate_set_config(cstate_t *cs, const hamr_config_t *cfg, uint16_t self)
{
        cs->cfg = cfg;
        cs->self = self;
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                bool configured = cfg && hamr_config_node_by_id(cfg, (uint32_t)i) >= 0;
                if (!configured)
                        node_clear(&cs->nodes[i]);
                else
                        map(cs, &cs->nodes[i]);
        }
}

bool cstate_on_report(cstate_t *cs, uint16_t from, uint64_t incarnation, cstate_report_t *r)
{
        cstate_node_t *n;

        if (from >= CONF_MAX_NODES || !cs->cfg || hamr_config_node_by_id(cs->cfg, from) < 0 ||
            incarnation < cs->nodes[from].incarnation)
                goto drop;
        n = &cs->nodes[from];
        if (incarnation != n->incarnation) {
                /* a new life: nothing it reported before holds any more */
                cstate_report_clear(&n->report);
                n->have = false;
                n->incarnation = incarnation;
        }
        if (n->have && r->report_seq <= n->report.report_seq)
                goto drop;
        cstate_report_clear(&n->report);
        n->report = *r;
        memset(r, 0, sizeof(*r));
        n->have = true;
        map(cs, n);
        return true;
drop:
        cstate_report_clear(r);
        return false;
}

void cstate_note_incarnation(cstate_t *cs, uint16_t from, uint64_t incarnation)
{
        cstate_node_t *n;

        if (from >= CONF_MAX_NODES || from == cs->self)
                return;
        n = &cs->nodes[from];
        if (incarnation <= n->incarnation)
                return;
        cstate_report_clear(&n->report);
        n->have = false;
        n->incarnation = incarnation;
        map(cs, n);
}

const cstate_report_t *cstate_report_of(const cstate_t *cs, uint16_t id)
{
        if (id >= CONF_MAX_NODES || !cs->nodes[id].have)
                return NULL;
        return &cs->nodes[id].report;
}

rg_state_t cstate_group_state(const cstate_t *cs, uint16_t id, unsigned gidx)
{
        const cstate_node_t *n;

        if (id >= CONF_MAX_NODES || !cs->cfg || gidx >= cs->cfg->nrgs)
                return RG_S_UNKNOWN;
        n = &cs->nodes[id];
        if (!n->have || !n->pos || n->pos[gidx] < 0)
                return RG_S_UNKNOWN;
        return (rg_state_t)n->report.groups[n->pos[gidx]].state;
}

const char *cstate_group_reason(const cstate_t *cs, uint16_t id, unsigned gidx)
{
        const cstate_node_t *n;
        const char *r;

        if (cstate_group_state(cs, id, gidx) == RG_S_UNKNOWN)
                return "";
        n = &cs->nodes[id];
        r = n->report.groups[n->pos[gidx]].reason;
        return r ? r : "";
}

unsigned cstate_held_count(const cstate_t *cs, uint16_t id)
{
        const cstate_report_t *r = cstate_report_of(cs, id);
        unsigned k = 0;

        for (uint32_t g = 0; r && g < r->ngroups; g++)
                k += r->groups[g].state == RG_S_ONLINE || r->groups[g].state == RG_S_ACQUIRING ||
                     r->groups[g].state == RG_S_RELEASING || r->groups[g].state == RG_S_ERROR;
        return k;
}

bool cstate_on_ctl(cstate_t *cs, uint16_t from, const cstate_ctl_t *c, uint64_t view_id,
                   uint16_t view_coord)
{
        if (from != c->coord || from != view_coord || c->view_id != view_id)
                return false;
        if (cs->have_ctl && cs->ctl.view_id == view_id && cs->ctl.coord == from &&
            c->ctl_seq <= cs->ctl.ctl_seq)
                return false;
        cs->ctl = *c;
        cs->have_ctl = true;
        return true;
}

bool cstate_ctl_of_view(const cstate_t *cs, uint64_t view_id, uint16_t view_coord)
{
        return cs->have_ctl && cs->ctl.view_id == view_id && cs->ctl.coord == view_coord;
}

bool cstate_ctl_current(const cstate_t *cs, uint64_t view_id, uint16_t view_coord)
{
        return cstate_ctl_of_view(cs, view_id, view_coord) && cs->cfg &&
               cs->ctl.generation == cs->cfg->generation && cs->ctl.ngroups == cs->cfg->nrgs;
}

svc_state_t cstate_services_next(svc_state_t cur, svc_want_t want, unsigned busy)
{
        switch (cur) {
        case SVC_INACTIVE:
                return want == WANT_ACTIVE ? SVC_ACTIVE : cur;
        case SVC_ACTIVE:
                if (want == WANT_STOP_OFFLINE || want == WANT_STOP_MOVE || want == WANT_INACTIVE)
                        return SVC_STOPPING;
                return want == WANT_UNMANAGE ? SVC_UNMANAGED : cur;
        case SVC_STOPPING:
                return busy == 0 ? SVC_INACTIVE : cur;
        case SVC_UNMANAGED:
                return want == WANT_ACTIVE ? SVC_ACTIVE : cur;
        default:
                return cur;
        }
}
