/* tt_tests_net: the network tests (NETWORK_UP/DOWN_LOCAL and _GLOBAL), the
 * IP label tests (JOIN_LABEL, FAIL_LABEL) and SERVER_DOWN: entrance
 * criteria, actions (through the remote shell) and success indicators. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/hamr_alloc.h"
#include "testtool/tt_cmd.h"
#include "testtool/tt_log.h"
#include "testtool/tt_tests_internal.h"
#include "testtool/tt_validate.h"

/* The interface holding ADDR on the node, set up or down (PowerHA's
 * ifconfig up/down of the interface). */
#define IF_CMD                                                                                     \
        "dev=$(ip -o addr show to %s | { read -r _ d _ && echo \"${d%%%%@*}\"; }); "               \
        "[ -n \"$dev\" ] || { echo \"no interface holds %s\" >&2; exit 1; }; "                     \
        "%sip link set dev \"$dev\" %s && echo \"$dev %s\""

/* Before the change: sleep until the wall-clock instant %lld ns (every node
 * at once, within the nodes' clock agreement, whatever the remote shell's
 * start-up time on each). */
#define AT_CMD                                                                                     \
        "ms=$(( (%lld - $(date +%%s%%N)) / 1000000 )); "                                           \
        "[ \"$ms\" -gt 0 ] && sleep \"$((ms / 1000)).$(printf %%03d $((ms %% 1000)))\"; "

/* at_ns: 0 = now, else the wall-clock instant (ns) of the change */
static void act_if(tt_state_t *st, const char *node, const char *addr, bool up, long long at_ns)
{
        const char *w = up ? "up" : "down";
        char at[256] = "";

        if (at_ns)
                snprintf(at, sizeof(at), AT_CMD, at_ns);
        tt_act_add(st, TT_ACT_RSH, node, IF_CMD, addr, addr, at, w, w);
}

/* Groups whose service label is on network net, ONLINE on node, become affected. */
static void affect_net_groups(tt_ctx_t *ctx, tt_state_t *st, const char *node, const char *net)
{
        size_t i;
        json_t *g;

        json_array_foreach(ctx->cl.groups, i, g)
        {
                const char *name = tt_st_str(g, "NAME");
                const char *owner = tt_group_owner(&ctx->cl, name);
                json_t *sip = tt_cfg_find(ctx->cl.sips, tt_st_str(g, "SERVICE_LABEL"));
                if (owner && strcmp(owner, node) == 0 && sip &&
                    strcmp(tt_st_str(sip, "NETWORK"), net) == 0)
                        tt_affect(st, name);
        }
}

static int prepare_local(tt_ctx_t *ctx, tt_state_t *st, bool up, char *why, size_t len)
{
        const char *node = st->t->params[0], *net = st->t->params[1];

        snprintf(st->node, sizeof(st->node), "%s", node);
        snprintf(st->net, sizeof(st->net), "%s", net);
        if (!tt_network_addr(&ctx->cl, net, node, st->addr, sizeof(st->addr)))
                return tt_fail(why, len, "node %s has no interface on network %s", node, net);
        if (!tt_node_member(&ctx->cl, node))
                return tt_fail(why, len, "node %s is not a member of the cluster", node);
        if (up) {
                if (tt_node_net_up(&ctx->cl, node))
                        return tt_fail(why, len, "network %s is already up on %s", net, node);
                st->any_changes = true; /* groups may come back per policy */
                act_if(st, node, st->addr, true, 0);
                return 0;
        }
        if (!tt_node_net_up(&ctx->cl, node))
                return tt_fail(why, len, "network %s is not up on %s (NETWORK %s)", net, node,
                               tt_st_str(tt_st_node(&ctx->cl, node), "NETWORK"));
        if (strcmp(tt_st_str(tt_st_node(&ctx->cl, node), "REPOSITORY"), "UP") != 0 &&
            json_array_size(ctx->cl.networks) < 2)
                return tt_fail(why, len,
                               "node %s would have no path to the cluster without %s (its "
                               "repository path is %s and there is no other network)",
                               node, net, tt_st_str(tt_st_node(&ctx->cl, node), "REPOSITORY"));
        if (json_array_size(ctx->cl.networks) < 2)
                tt_log("WARNING: %s is the only IP network: the remote shell must reach %s "
                       "another way to bring it back (PowerHA asks for two IP networks here)",
                       net, node);
        affect_net_groups(ctx, st, node, net);
        snprintf(ctx->last_down_node, sizeof(ctx->last_down_node), "%s", node);
        act_if(st, node, st->addr, false, 0);
        return 0;
}

static int prepare_global(tt_ctx_t *ctx, tt_state_t *st, bool up, char *why, size_t len)
{
        const char *net = st->t->params[0];
        size_t i, changing = 0;
        struct timespec now;
        long long at_ns;
        json_t *o;

        /* every node changes at the same instant, 2 s from now (the remote
         * shells start meanwhile) */
        clock_gettime(CLOCK_REALTIME, &now);
        at_ns = ((long long)now.tv_sec + 2) * 1000000000LL + now.tv_nsec;
        snprintf(st->net, sizeof(st->net), "%s", net);
        st->any_changes = true; /* every group with a service label on it may move */
        json_array_foreach(ctx->cl.nodes, i, o)
        {
                const char *node = tt_st_str(o, "NAME");
                char addr[TT_NAME];
                if (!tt_network_addr(&ctx->cl, net, node, addr, sizeof(addr)) ||
                    !tt_node_member(&ctx->cl, node) || st->nlist >= TT_MAX_LIST)
                        continue;
                snprintf(st->list[st->nlist++], TT_NAME, "%s", node);
                if (tt_node_net_up(&ctx->cl, node) != up) {
                        changing++;
                        act_if(st, node, addr, up, at_ns);
                        /* on every node at once, as a switch failure would */
                        st->acts[st->nacts - 1].together = true;
                }
        }
        if (st->nlist == 0)
                return tt_fail(why, len, "no member of the cluster has an interface on network %s",
                               net);
        if (changing == 0)
                return tt_fail(why, len, "network %s is already %s on every node", net,
                               up ? "up" : "down");
        if (!up)
                tt_log("WARNING: network %s goes down on every node: the remote shell must "
                       "reach them another way to bring it back",
                       net);
        return 0;
}

static int prepare_label(tt_ctx_t *ctx, tt_state_t *st, bool join, char *why, size_t len)
{
        const char *label = st->t->params[0];
        char node[TT_NAME];
        bool svc;

        if (!tt_resolve_label(ctx, label, st->addr, st->net, node, &svc))
                return tt_fail(why, len, "IP label %s is not a service_ip nor an interface address",
                               label);
        st->svc_label = svc;
        if (svc) {
                /* the label's group; the interface is its node's one on the network */
                size_t i;
                json_t *g;
                json_array_foreach(ctx->cl.groups, i, g)
                {
                        if (strcmp(tt_st_str(g, "SERVICE_LABEL"), label) == 0)
                                snprintf(st->rg, sizeof(st->rg), "%s", tt_st_str(g, "NAME"));
                }
                if (!st->rg[0])
                        return tt_fail(why, len, "service_ip %s is in no resource group", label);
                if (!join) {
                        const char *owner = tt_group_owner(&ctx->cl, st->rg);
                        if (!owner)
                                return tt_fail(why, len, "resource group %s of %s is not ONLINE",
                                               st->rg, label);
                        snprintf(node, sizeof(node), "%s", owner);
                } else {
                        const char *nodes[TT_MAX_LIST];
                        size_t n = tt_group_nodes(&ctx->cl, st->rg, nodes, TT_MAX_LIST);
                        node[0] = '\0';
                        for (size_t k = 0; k < n && !node[0]; k++)
                                if (tt_node_member(&ctx->cl, nodes[k]) &&
                                    !tt_node_net_up(&ctx->cl, nodes[k]))
                                        snprintf(node, sizeof(node), "%s", nodes[k]);
                        if (!node[0])
                                return tt_fail(why, len,
                                               "no node of %s has its interface on %s down", st->rg,
                                               st->net);
                }
                if (!tt_network_addr(&ctx->cl, st->net, node, st->addr, sizeof(st->addr)))
                        return tt_fail(why, len, "node %s has no interface on network %s", node,
                                       st->net);
        }
        snprintf(st->node, sizeof(st->node), "%s", node);
        if (!tt_node_member(&ctx->cl, node))
                return tt_fail(why, len, "node %s is not a member of the cluster", node);
        if (join) {
                if (tt_node_net_up(&ctx->cl, node))
                        return tt_fail(why, len, "the interface of %s on %s (%s) is already up",
                                       label, node, st->addr);
                st->any_changes = true;
        } else {
                if (!tt_node_net_up(&ctx->cl, node))
                        return tt_fail(why, len, "the interface of %s on %s (%s) is not up", label,
                                       node, st->addr);
                if (svc)
                        tt_affect(st, st->rg);
                else
                        affect_net_groups(ctx, st, node, st->net);
        }
        act_if(st, node, st->addr, join, 0);
        return 0;
}

static int prepare_server(tt_ctx_t *ctx, tt_state_t *st, char *why, size_t len)
{
        const char *node = st->t->params[0], *app = st->t->params[1], *cmd = st->t->params[2];
        json_t *g = tt_group_of_app(&ctx->cl, app);
        const char *owner;
        json_t *sg, *susp;
        size_t i;
        json_t *v;
        _cleanup_free_ char *q_node = NULL, *q_rg = NULL;

        snprintf(st->app, sizeof(st->app), "%s", app);
        if (!g)
                return tt_fail(why, len, "application_controller %s is in no resource group", app);
        snprintf(st->rg, sizeof(st->rg), "%s", tt_st_str(g, "NAME"));
        if (!tt_app_monitored(&ctx->cl, app))
                return tt_fail(why, len,
                               "no application_monitor watches %s (without one nothing detects "
                               "the failure)",
                               app);
        owner = tt_group_owner(&ctx->cl, st->rg);
        if (!owner)
                return tt_fail(why, len, "resource group %s of %s is not ONLINE", st->rg, app);
        if (strcmp(node, "ANY") != 0 && strcmp(node, owner) != 0)
                return tt_fail(why, len, "resource group %s of %s is ONLINE on %s, not on %s",
                               st->rg, app, owner, node);
        sg = tt_st_group(&ctx->cl, st->rg);
        susp = json_object_get(sg, "MONITOR_SUSPENDED");
        json_array_foreach(susp, i, v)
        {
                if (strcmp(json_string_value(v) ? json_string_value(v) : "", app) == 0)
                        return tt_fail(why, len, "the monitoring of %s is suspended", app);
        }
        snprintf(st->node, sizeof(st->node), "%s", owner);
        snprintf(st->before_owner, sizeof(st->before_owner), "%s", owner);
        st->before_restarts = (long)json_integer_value(json_object_get(sg, "MONITOR_RESTARTS"));
        snprintf(st->before_failure, sizeof(st->before_failure), "%s",
                 tt_st_str(sg, "MONITOR_FAILURE"));
        tt_affect(st, st->rg);
        /* the command runs as the stop script would: HAMR_NODE and HAMR_RG set */
        q_node = tt_cmd_quote(owner);
        q_rg = tt_cmd_quote(st->rg);
        tt_act_add(st, TT_ACT_RSH, owner, "HAMR_NODE=%s HAMR_RG=%s %s", q_node, q_rg, cmd);
        return 0;
}

int tt_net_prepare(tt_ctx_t *ctx, tt_state_t *st, char *why, size_t len)
{
        switch (st->t->kind) {
        case TT_NETWORK_UP_LOCAL:
                return prepare_local(ctx, st, true, why, len);
        case TT_NETWORK_DOWN_LOCAL:
                return prepare_local(ctx, st, false, why, len);
        case TT_NETWORK_UP_GLOBAL:
                return prepare_global(ctx, st, true, why, len);
        case TT_NETWORK_DOWN_GLOBAL:
                return prepare_global(ctx, st, false, why, len);
        case TT_JOIN_LABEL:
                return prepare_label(ctx, st, true, why, len);
        case TT_FAIL_LABEL:
                return prepare_label(ctx, st, false, why, len);
        case TT_SERVER_DOWN:
                return prepare_server(ctx, st, why, len);
        default:
                return tt_fail(why, len, "no such test in hamr");
        }
}

static bool net_is(tt_ctx_t *ctx, const char *node, bool up, const char *net, char *why, size_t len)
{
        if (tt_node_net_up(&ctx->cl, node) == up)
                return true;
        snprintf(why, len, "network %s is %s on %s, expected %s", net,
                 tt_st_str(tt_st_node(&ctx->cl, node), "NETWORK"), node, up ? "UP" : "DOWN");
        return false;
}

bool tt_net_check(tt_ctx_t *ctx, tt_state_t *st, char *why, size_t len)
{
        json_t *g;

        switch (st->t->kind) {
        case TT_NETWORK_UP_LOCAL:
        case TT_JOIN_LABEL:
                return net_is(ctx, st->node, true, st->net, why, len);
        case TT_NETWORK_DOWN_LOCAL:
        case TT_FAIL_LABEL:
                if (!net_is(ctx, st->node, false, st->net, why, len))
                        return false;
                if (!tt_node_member(&ctx->cl, st->node)) {
                        snprintf(why, len, "node %s left the cluster", st->node);
                        return false;
                }
                for (size_t i = 0; i < st->naffected; i++)
                        if (!tt_check_moved_off(ctx, st->affected[i], st->node, true, why, len))
                                return false;
                return true;
        case TT_NETWORK_UP_GLOBAL:
        case TT_NETWORK_DOWN_GLOBAL:
                for (size_t i = 0; i < st->nlist; i++)
                        if (!net_is(ctx, st->list[i], st->t->kind == TT_NETWORK_UP_GLOBAL, st->net,
                                    why, len))
                                return false;
                return true;
        case TT_SERVER_DOWN: {
                const char *owner = tt_group_owner(&ctx->cl, st->rg);
                long restarts;
                g = tt_st_group(&ctx->cl, st->rg);
                restarts = (long)json_integer_value(json_object_get(g, "MONITOR_RESTARTS"));
                if (!owner) {
                        snprintf(why, len, "resource group %s is %s, expected ONLINE", st->rg,
                                 tt_st_str(g, "STATE"));
                        return false;
                }
                /* recovery seen: a restart more, a fallover, or a new monitor
                 * failure. The restart count also falls back to 0 once
                 * RESTARTINTERVAL passes (no recovery): a restart is a count
                 * above the lowest one seen since the action. */
                if (restarts < st->before_restarts)
                        st->before_restarts = restarts;
                if (strcmp(owner, st->before_owner) == 0 && restarts <= st->before_restarts &&
                    (!*tt_st_str(g, "MONITOR_FAILURE") ||
                     strcmp(tt_st_str(g, "MONITOR_FAILURE"), st->before_failure) == 0)) {
                        snprintf(why, len,
                                 "no recovery seen: %s still on %s, no restart and no new "
                                 "monitor failure of %s",
                                 st->rg, owner, st->app);
                        return false;
                }
                return true;
        }
        default:
                return true;
        }
}
