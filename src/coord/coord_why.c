/* coord_why.c: the coordinator's decision history (a ring of events
 * recorded after each planner call) and the answer of `clmgr why`. */
#include "coord/coord_why.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "plan/plan_why.h"
#include "rgm/rgm.h"

#define BIT(id) (UINT64_C(1) << (id))

void coord_history_init(coord_history_t *h)
{
        memset(h, 0, sizeof(*h));
}

static void push(coord_history_t *h, int64_t wall_ms, coord_event_kind_t kind, uint32_t gid,
                 int node, int prev, plan_why_t code)
{
        coord_event_t *e = &h->ev[h->head];

        *e = (coord_event_t){.wall_ms = wall_ms,
                             .gid = gid,
                             .node = (int16_t)node,
                             .prev = (int16_t)prev,
                             .kind = (uint8_t)kind,
                             .code = (uint8_t)code};
        h->head = (h->head + 1) % COORD_HISTORY;
        if (h->count < COORD_HISTORY)
                h->count++;
}

/* Node-level reasons worth a line in a group's history. */
static bool node_code_recorded(plan_why_t code)
{
        switch (code) {
        case PLAN_WHY_STOP_DONE:
        case PLAN_WHY_NET_WORSE:
        case PLAN_WHY_SELECTIVE_FALLOVER:
        case PLAN_WHY_POISON_PILL:
        case PLAN_WHY_FENCE_LEFT:
        case PLAN_WHY_RESTARTED:
        case PLAN_WHY_RESTART_START:
        case PLAN_WHY_NO_WATCHDOG:
                return true;
        default:
                return false;
        }
}

void coord_history_record(coord_history_t *h, const plan_input_t *in, const plan_output_t *out,
                          int64_t wall_ms)
{
        uint8_t code[CONF_MAX_NODES] = {0};
        const hamr_config_t *cfg = in->cfg;

        if (!cfg)
                return;
        if (!h->since_ms) { /* the view found is not a change; who is missing from it is a cause */
                h->since_ms = wall_ms;
                h->members = in->members;
                for (unsigned n = 0; n < cfg->nnodes; n++)
                        if (cfg->nodes[n].id < CONF_MAX_NODES &&
                            !(in->members & BIT(cfg->nodes[n].id)))
                                push(h, wall_ms, COORD_EV_ABSENT, 0, (int)cfg->nodes[n].id,
                                     PLAN_NONE, PLAN_WHY_NONE);
        }
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                bool was = h->members & BIT(i), is = in->members & BIT(i);
                if (was != is)
                        push(h, wall_ms, is ? COORD_EV_JOINED : COORD_EV_LEFT, 0, i, PLAN_NONE,
                             PLAN_WHY_NONE);
        }
        h->members = in->members;
        for (unsigned g = 0; g < cfg->nrgs && g < CONF_MAX_RGS; g++) {
                uint64_t f = in->failed_here[g],
                         seen = h->failed_gid[g] == cfg->rgs[g].id ? h->failed[g] : 0;
                for (int i = 0; i < CONF_MAX_NODES; i++)
                        if ((f & BIT(i)) && !(seen & BIT(i)))
                                push(h, wall_ms, COORD_EV_FAILED, cfg->rgs[g].id, i, PLAN_NONE,
                                     PLAN_WHY_NONE);
                h->failed[g] = f;
                h->failed_gid[g] = cfg->rgs[g].id;
        }
        for (unsigned k = 0; k < out->nlog; k++) {
                const plan_entry_t *e = &out->log[k];

                if (e->group >= 0 && e->changed && (unsigned)e->group < cfg->nrgs)
                        push(h, wall_ms, COORD_EV_TARGET, cfg->rgs[e->group].id, e->node,
                             e->prev == RGM_NO_NODE ? PLAN_NONE : e->prev, (plan_why_t)e->code);
                else if (e->group < 0 && e->node >= 0 && e->node < CONF_MAX_NODES &&
                         node_code_recorded((plan_why_t)e->code))
                        code[e->node] = e->code;
        }
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                if (code[i] && code[i] != h->node_code[i])
                        push(h, wall_ms, COORD_EV_NODE, 0, i, PLAN_NONE, (plan_why_t)code[i]);
                h->node_code[i] = code[i];
        }
}

void coord_wall_ms_format(int64_t wall_ms, char *buf, size_t len)
{
        time_t t = (time_t)(wall_ms / 1000);
        struct tm tm;

        if (!gmtime_r(&t, &tm)) {
                snprintf(buf, len, "?");
                return;
        }
        snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(wall_ms % 1000));
}

const char *coord_node_name(const hamr_config_t *cfg, int id)
{
        int n = id >= 0 ? hamr_config_node_by_id(cfg, (uint32_t)id) : -1;
        return n >= 0 ? cfg->nodes[n].name : id >= 0 ? "(a removed node)" : "none";
}

static bool in_node_list(const conf_rg_t *rg, int node)
{
        for (unsigned k = 0; k < rg->nnodes; k++)
                if ((int)rg->nodes[k] == node)
                        return true;
        return false;
}

static bool concerns(const coord_event_t *e, const conf_rg_t *rg)
{
        if (e->kind == COORD_EV_TARGET || e->kind == COORD_EV_FAILED)
                return e->gid == rg->id;
        return in_node_list(rg, e->node);
}

static void event_text(const coord_event_t *e, const hamr_config_t *cfg, const conf_rg_t *rg,
                       char *buf, size_t len)
{
        const char *n = coord_node_name(cfg, e->node);

        switch (e->kind) {
        case COORD_EV_TARGET:
                if (e->code == PLAN_WHY_CONCURRENT || e->code == PLAN_WHY_CONCURRENT_NONE)
                        snprintf(buf, len, "%s: the nodes that hold an instance changed (%s)",
                                 rg->name, plan_why_str((plan_why_t)e->code));
                else if (e->node < 0)
                        snprintf(buf, len, "%s: target %s -> none (%s)", rg->name,
                                 coord_node_name(cfg, e->prev), plan_why_str((plan_why_t)e->code));
                else
                        snprintf(buf, len, "%s: target %s -> %s (%s)", rg->name,
                                 coord_node_name(cfg, e->prev), n,
                                 plan_why_str((plan_why_t)e->code));
                break;
        case COORD_EV_LEFT:
                snprintf(buf, len,
                         "node %s left the cluster view (not heard on any path for the detection "
                         "time, or its daemon stopped)",
                         n);
                break;
        case COORD_EV_ABSENT:
                snprintf(buf, len,
                         "node %s was not in the cluster view when this coordinator began "
                         "(down, cut off, or its daemon not running)",
                         n);
                break;
        case COORD_EV_JOINED:
                snprintf(buf, len, "node %s joined the cluster view", n);
                break;
        case COORD_EV_NODE:
                snprintf(buf, len, "node %s: %s", n, plan_why_str((plan_why_t)e->code));
                break;
        case COORD_EV_FAILED:
                snprintf(buf, len,
                         "node %s failed %s (its acquisition failed and was undone, or its "
                         "application monitor gave it up): it may not host it until an "
                         "administrator acts on the group",
                         n, rg->name);
                break;
        default:
                snprintf(buf, len, "?");
                break;
        }
}

/* A concurrent group: which nodes should hold an instance (tgt), and why
 * each other node of its list holds none (appended to reason). */
static void concurrent_words(const hamr_config_t *cfg, const conf_rg_t *rg, const cstate_ctl_t *c,
                             unsigned k, char *reason, size_t len, char *tgt, size_t tlen)
{
        for (unsigned i = 0; i < rg->nnodes; i++) {
                uint32_t id = rg->nodes[i];
                size_t n = strlen(reason), t = strlen(tgt);
                const char *name = coord_node_name(cfg, (int)id);

                if (id >= CONF_MAX_NODES)
                        continue;
                if (c->cnodes[k] >> id & 1u)
                        snprintf(tgt + t, tlen - t, "%s%s", t ? " " : "", name);
                else if (c->ctl[k].admin == RGM_ADMIN_OFFLINE)
                        continue;
                else if (c->coffline[k] >> id & 1u)
                        snprintf(reason + n, len - n,
                                 "; no instance on %s: taken offline there by the administrator",
                                 name);
                else
                        snprintf(reason + n, len - n,
                                 "; no instance on %s: not available (not in the cluster view or "
                                 "its cluster services not active: fallover policy BO), or it "
                                 "failed the group there (ERROR until an administrator acts)",
                                 name);
        }
}

json_t *coord_why_json(const coord_history_t *h, const plan_output_t *out, const hamr_config_t *cfg,
                       const char *group, char *err, size_t errlen)
{
        int rg = cfg && group ? hamr_config_rg_by_name(cfg, group) : -1;
        const coord_event_t *pick[COORD_WHY_EVENTS];
        unsigned npick = 0, k;
        plan_why_t code = PLAN_WHY_NONE;
        int target = PLAN_NONE;
        char since[40] = "", when[40], text[256];
        json_t *hist, *ans;

        if (rg < 0) {
                snprintf(err, errlen, "resource group \"%s\" does not exist", group ? group : "");
                return NULL;
        }
        for (k = 0; k < out->ctl.ngroups && k < CONF_MAX_RGS; k++)
                if (out->ctl.gid[k] == cfg->rgs[rg].id)
                        break;
        if (k < out->ctl.ngroups && k < CONF_MAX_RGS) {
                target = out->ctl.target[k] == RGM_NO_NODE ? PLAN_NONE : out->ctl.target[k];
                for (unsigned j = 0; j < out->nlog; j++)
                        if (out->log[j].group == (int)k)
                                code = (plan_why_t)out->log[j].code;
        }
        /* newest first into pick[], then printed oldest first */
        for (unsigned i = 0; i < h->count && npick < COORD_WHY_EVENTS; i++) {
                const coord_event_t *e = &h->ev[(h->head + COORD_HISTORY - 1 - i) % COORD_HISTORY];
                if (concerns(e, &cfg->rgs[rg]))
                        pick[npick++] = e;
        }
        hist = json_array();
        while (npick--) {
                coord_wall_ms_format(pick[npick]->wall_ms, when, sizeof(when));
                event_text(pick[npick], cfg, &cfg->rgs[rg], text, sizeof(text));
                json_array_append_new(hist, json_pack("{s:s, s:s}", "TIME", when, "EVENT", text));
        }
        if (h->since_ms)
                coord_wall_ms_format(h->since_ms, since, sizeof(since));
        char reason[1024], tgt[CONF_MAX_NODES * (CONF_MAX_NAME + 1) + 1] = "";
        snprintf(reason, sizeof(reason), "%s",
                 code == PLAN_WHY_NONE ? "no decision yet (the coordinator has not planned since "
                                         "it started or since the last sync)"
                                       : plan_why_str(code));
        if (CONF_RG_CONCURRENT(&cfg->rgs[rg]) && k < out->ctl.ngroups && k < CONF_MAX_RGS)
                concurrent_words(cfg, &cfg->rgs[rg], &out->ctl, k, reason, sizeof(reason), tgt,
                                 sizeof(tgt));
        ans = json_pack("{s:b, s:s, s:s, s:s, s:s, s:s, s:o}", "ok", 1, "GROUP", cfg->rgs[rg].name,
                        "TARGET", target >= 0 ? coord_node_name(cfg, target) : tgt, "CODE",
                        plan_why_name(code), "REASON", reason, "SINCE", since, "HISTORY", hist);
        return ans;
}
