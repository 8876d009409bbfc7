/* coord_sim.c: the simulate operation: request checks, the what-if run on
 * copies of the coordinator's last snapshot, and its answer. */
#include "coord/coord_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hamr_error.h"
#include "coord/coord_why.h"
#include "plan/plan_sim.h"
#include "plan/plan_why.h"
#include "rgm/rgm.h"

static json_t *fail(char *err, size_t errlen, int *rc, int code, const char *msg)
{
        snprintf(err, errlen, "%s", msg);
        *rc = code;
        return NULL;
}

static json_t *answer(const hamr_config_t *cfg, const plan_sim_result_t *res, const char *event,
                      int node, int group)
{
        json_t *groups = json_array(), *nodes = json_array(), *ans;
        unsigned listed = 0, more = 0, stay = 0;

        for (unsigned g = 0; g < cfg->nrgs && g < CONF_MAX_RGS; g++) {
                int b = res->before[g] == RGM_NO_NODE ? -1 : res->before[g];
                int a = res->after[g] == RGM_NO_NODE ? -1 : res->after[g];

                if (a == b) {
                        stay++;
                        continue;
                }
                if (listed == COORD_SIM_MAX_GROUPS) {
                        more++;
                        continue;
                }
                json_array_append_new(groups,
                                      json_pack("{s:s, s:s, s:s, s:s}", "GROUP", cfg->rgs[g].name,
                                                "BEFORE", b >= 0 ? coord_node_name(cfg, b) : "",
                                                "AFTER", a >= 0 ? coord_node_name(cfg, a) : "",
                                                "REASON", plan_why_str((plan_why_t)res->code[g])));
                listed++;
        }
        for (int i = 0; i < CONF_MAX_NODES; i++)
                for (unsigned k = 0; k < 64 && k < PLAN_WHY_COUNT; k++) {
                        char text[256];
                        if (!(res->node_codes[i] & (UINT64_C(1) << k)) ||
                            k == PLAN_WHY_NODE_UNSETTLED || k == PLAN_WHY_LEASE_CANDIDATE ||
                            k == PLAN_WHY_NET_WORSE)
                                continue;
                        snprintf(text, sizeof(text), "node %s: %s", coord_node_name(cfg, i),
                                 plan_why_str((plan_why_t)k));
                        json_array_append_new(nodes, json_string(text));
                }
        ans = json_pack("{s:b, s:s, s:s, s:b, s:b, s:i, s:f, s:o, s:i, s:i, s:o}", "ok", 1, "EVENT",
                        event, "NODE", coord_node_name(cfg, node), "QUORUM", res->quorate,
                        "SETTLED", res->settled, "ROUNDS", res->rounds, "PLANNER_WAIT",
                        (double)res->elapsed / USEC_PER_SEC, "GROUPS", groups, "MORE", more,
                        "UNCHANGED", stay, "NODES", nodes);
        if (group >= 0)
                json_object_set_new(ans, "GROUP", json_string(cfg->rgs[group].name));
        return ans;
}

json_t *coord_simulate_json(const plan_input_t *snap, const plan_output_t *last,
                            const hamr_config_t *cfg, json_t *req, char *err, size_t errlen,
                            int *rc)
{
        const char *event = json_string_value(json_object_get(req, "event"));
        const char *nname = json_string_value(json_object_get(req, "node"));
        const char *gname = json_string_value(json_object_get(req, "group"));
        plan_sim_event_t ev = plan_sim_event_by_name(event);
        plan_input_t *from, *in;
        plan_output_t *out;
        plan_sim_result_t *res;
        int n, g = -1, node;
        json_t *ans = NULL;

        if (!cfg || !last->ctl.ngroups || snap->cfg != cfg)
                return fail(err, errlen, rc, CLMGR_RC_ERROR,
                            "the coordinator has not planned with the active configuration yet: "
                            "try again in a moment");
        if (ev == PLAN_SIM_COUNT) {
                snprintf(err, errlen,
                         "simulate: event \"%s\" is not supported (allowed: node_down, node_up, "
                         "network_down, rg_move)",
                         event ? event : "");
                *rc = CLMGR_RC_INVALID;
                return NULL;
        }
        n = nname ? hamr_config_node_by_name(cfg, nname) : -1;
        if (n < 0) {
                snprintf(err, errlen, "simulate %s: node \"%s\" does not exist", event,
                         nname ? nname : "");
                *rc = nname ? CLMGR_RC_NOT_FOUND : CLMGR_RC_MISSING;
                return NULL;
        }
        node = (int)cfg->nodes[n].id;
        if (ev == PLAN_SIM_RG_MOVE) {
                g = gname ? hamr_config_rg_by_name(cfg, gname) : -1;
                if (g < 0) {
                        snprintf(err, errlen,
                                 "simulate rg_move: resource group \"%s\" does not exist",
                                 gname ? gname : "");
                        *rc = gname ? CLMGR_RC_NOT_FOUND : CLMGR_RC_MISSING;
                        return NULL;
                }
        }
        from = malloc(sizeof(*from));
        in = malloc(sizeof(*in));
        out = malloc(sizeof(*out));
        res = malloc(sizeof(*res));
        if (!from || !in || !out || !res) {
                fail(err, errlen, rc, CLMGR_RC_ERROR, "out of memory");
                goto done;
        }
        memcpy(from, snap, sizeof(*from));
        memcpy(&from->ctl, &last->ctl, sizeof(from->ctl));
        memcpy(&from->mem, &last->mem, sizeof(from->mem));
        if (plan_simulate(from, ev, node, g, in, out, res) < 0) {
                snprintf(err, errlen,
                         "simulate %s: does not apply to node \"%s\" now (node_down and "
                         "network_down: a member of the view; node_up: a node whose cluster "
                         "services are not active; rg_move: a member with active services in "
                         "the group's NODES)",
                         event, nname);
                *rc = CLMGR_RC_INVALID;
                goto done;
        }
        ans = answer(cfg, res, event, node, g);
done:
        free(from);
        free(in);
        free(out);
        free(res);
        return ans;
}
