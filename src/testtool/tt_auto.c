/* tt_auto: the automated test procedure: the plan PowerHA's tool builds
 * from the configuration (general topology tests, then each non-concurrent
 * group with a monitored application, concurrent groups, each network,
 * volume groups, and the catastrophic failure last), nodes picked at random
 * from the seed. */
#include <stdio.h>
#include <string.h>

#include "common/hamr_alloc.h"
#include "testtool/tt_log.h"
#include "testtool/tt_run.h"

/* A random node, preferring one not picked yet (so that every node is
 * covered) and avoiding skip (may be NULL). */
static const char *pick_node(tt_ctx_t *ctx, bool *used, const char *skip)
{
        size_t n = json_array_size(ctx->cl.nodes), k = 0, idx[TT_MAX_LIST];

        for (int pass = 0; pass < 2 && k == 0; pass++)
                for (size_t i = 0; i < n && i < TT_MAX_LIST; i++) {
                        const char *name = tt_st_str(json_array_get(ctx->cl.nodes, i), "NAME");
                        if ((pass == 0 && used[i]) || (skip && strcmp(name, skip) == 0))
                                continue;
                        idx[k++] = i;
                }
        if (k == 0)
                return NULL;
        k = idx[tt_random(ctx, k)];
        used[k] = true;
        return tt_st_str(json_array_get(ctx->cl.nodes, k), "NAME");
}

static const char *monitored_app(tt_ctx_t *ctx, json_t *g)
{
        size_t i;
        json_t *a;

        json_array_foreach(ctx->cl.apps, i, a)
        {
                const char *name = tt_st_str(a, "NAME");
                if (tt_word_in(tt_cfg_attr(g, "APPLICATIONS"), name) &&
                    tt_app_monitored(&ctx->cl, name))
                        return name;
        }
        return NULL;
}

static void general(tt_ctx_t *ctx, tt_plan_t *plan)
{
        bool used[TT_MAX_LIST] = {0};
        const char *n;

        tt_plan_add(plan, TT_NODE_UP, "ALL", NULL, NULL, "Start cluster services on all nodes");
        n = pick_node(ctx, used, NULL);
        tt_plan_add(plan, TT_NODE_DOWN_GRACEFUL, n, NULL, NULL, "Stop cluster services gracefully");
        tt_plan_add(plan, TT_NODE_UP, n, NULL, NULL, "Restart cluster services");
        n = pick_node(ctx, used, NULL);
        tt_plan_add(plan, TT_NODE_DOWN_TAKEOVER, n, NULL, NULL,
                    "Stop cluster services with takeover");
        tt_plan_add(plan, TT_NODE_UP, n, NULL, NULL, "Restart cluster services");
        n = pick_node(ctx, used, NULL);
        tt_plan_add(plan, TT_NODE_DOWN_FORCED, n, NULL, NULL,
                    "Stop cluster services forced (groups unmanaged)");
        tt_plan_add(plan, TT_NODE_UP, n, NULL, NULL, "Restart cluster services");
}

static void group_tests(tt_ctx_t *ctx, tt_plan_t *plan, json_t *g)
{
        const char *rg = tt_st_str(g, "NAME");
        const char *app = monitored_app(ctx, g);
        json_t *sip = tt_cfg_find(ctx->cl.sips, tt_st_str(g, "SERVICE_LABEL"));
        char comment[256], owner[TT_NAME + 16];
        tt_test_t *t;

        tt_plan_add(plan, TT_RG_OFFLINE, rg, "ANY", NULL, "Bring the resource group offline");
        tt_plan_add(plan, TT_RG_ONLINE, rg, "ANY", NULL, "Bring the resource group online");
        if (sip) {
                const char *net = tt_st_str(sip, "NETWORK");
                snprintf(comment, sizeof(comment), "Selective fallover on local network down");
                snprintf(owner, sizeof(owner), "(owner of %s)", rg);
                t = tt_plan_add(plan, TT_NETWORK_DOWN_LOCAL, owner, net, NULL, comment);
                t->owner_of = zstrdup(rg);
                t = tt_plan_add(plan, TT_NETWORK_UP_LOCAL, "(previous owner)", net, NULL,
                                "Recover the network");
                t->prev_down = true;
        } else {
                tt_log("%s has no service_ip: no local network tests for it", rg);
        }
        tt_plan_add(plan, TT_RG_MOVE, rg, "ANY", NULL, "Move the resource group to another node");
        tt_plan_add(plan, TT_SERVER_DOWN, "ANY", app,
                    tt_cfg_attr(tt_cfg_find(ctx->cl.apps, app), "STOPSCRIPT"),
                    "Recover from application failure");
}

static void network_tests(tt_ctx_t *ctx, tt_plan_t *plan, json_t *net)
{
        const char *name = tt_st_str(net, "NAME");
        const char *label = NULL;
        char addr[TT_NAME];
        size_t i;
        json_t *s;

        tt_plan_add(plan, TT_NETWORK_DOWN_GLOBAL, name, NULL, NULL, "Network down on every node");
        tt_plan_add(plan, TT_NETWORK_UP_GLOBAL, name, NULL, NULL, "Network up on every node");
        json_array_foreach(ctx->cl.sips, i, s)
        {
                const char *sn = tt_st_str(s, "NAME");
                json_t *g;
                size_t k;
                if (strcmp(tt_st_str(s, "NETWORK"), name) != 0)
                        continue;
                json_array_foreach(ctx->cl.groups, k, g)
                {
                        if (!label && strcmp(tt_st_str(g, "SERVICE_LABEL"), sn) == 0)
                                label = sn;
                }
        }
        if (!label) {
                /* no service label: a random node's interface */
                size_t n = json_array_size(ctx->cl.nodes);
                const char *node =
                    tt_st_str(json_array_get(ctx->cl.nodes, tt_random(ctx, n)), "NAME");
                if (!tt_network_addr(&ctx->cl, name, node, addr, sizeof(addr)))
                        return;
                label = addr;
        }
        tt_plan_add(plan, TT_FAIL_LABEL, label, NULL, NULL, "Fail the interface of the label");
        tt_plan_add(plan, TT_JOIN_LABEL, label, NULL, NULL, "Bring the interface back");
}

void tt_auto_plan(tt_ctx_t *ctx, tt_plan_t *plan)
{
        bool used[TT_MAX_LIST] = {0};
        const char *victim;
        size_t i, tested = 0;
        json_t *o;

        general(ctx, plan);
        json_array_foreach(ctx->cl.groups, i, o)
        {
                const char *rg = tt_st_str(o, "NAME");
                if (strcmp(tt_st_str(o, "STARTUP"), "OAAN") == 0) {
                        tt_log("%s is concurrent (STARTUP=OAAN): its tests are not run yet", rg);
                        continue;
                }
                if (!monitored_app(ctx, o)) {
                        tt_log("%s has no monitored application controller: not tested (as "
                               "PowerHA)",
                               rg);
                        continue;
                }
                group_tests(ctx, plan, o);
                tested++;
        }
        if (tested == 0)
                tt_log("no resource group with a monitored application controller: no resource "
                       "group tests");
        json_array_foreach(ctx->cl.networks, i, o) network_tests(ctx, plan, o);
        tt_log("volume group tests: none (hamr has no volume groups)");
        /* the catastrophic failure, last; then the node back, so that the
         * cluster ends as it began (hamr's addition) */
        {
                const char *local = tt_local_node(&ctx->cl);
                victim = pick_node(ctx, used, local);
        }
        if (victim) {
                tt_plan_add(plan, TT_CLSTRMGR_KILL, victim, NULL, NULL,
                            "Kill the cluster manager: the node halts, the others take over");
                tt_plan_add(plan, TT_NODE_UP, victim, NULL, NULL, "Start the halted node again");
        }
}
