/* tt_tests: the node and resource group tests (NODE_UP, NODE_DOWN_*,
 * CLSTRMGR_KILL, RG_ONLINE, RG_OFFLINE, RG_MOVE): entrance criteria,
 * actions and success indicators; dispatch to tt_tests_net.c for the rest. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "testtool/tt_log.h"
#include "testtool/tt_tests_internal.h"

/* kill -9 of the hamrd listening on the node's control socket (its pid from
 * ss, so that only that daemon is hit) */
#define KILL_HAMRD                                                                                 \
        "sock=${HAMR_SOCKET:-/run/hamr/hamrd.sock}; "                                              \
        "pid=$(ss -Hxlp src \"$sock\" | sed -n 's/.*\"hamrd\",pid=\\([0-9]*\\).*/\\1/p' | "        \
        "head -n 1); "                                                                             \
        "[ -n \"$pid\" ] || { echo \"no hamrd listens on $sock\" >&2; exit 1; }; "                 \
        "echo \"kill -9 $pid (hamrd)\"; kill -9 \"$pid\""

static const char *node_state(tt_ctx_t *ctx, const char *node)
{
        if (!tt_node_member(&ctx->cl, node))
                return "DOWN (not a member)";
        return tt_st_str(tt_st_node(&ctx->cl, node), "STATE");
}

static int prepare_node(tt_ctx_t *ctx, tt_state_t *st, char *why, size_t len)
{
        const tt_test_t *t = st->t;
        const char *p = t->params[0];
        bool all = strcmp(p, "ALL") == 0;
        json_t *nodes = ctx->cl.nodes;
        size_t i;
        json_t *o;

        snprintf(st->node, sizeof(st->node), "%s", p);
        switch (t->kind) {
        case TT_NODE_UP:
                st->any_changes = true; /* groups may fall back or start */
                json_array_foreach(nodes, i, o)
                {
                        const char *n = tt_st_str(o, "NAME");
                        if ((all || strcmp(n, p) == 0) && !tt_node_active(&ctx->cl, n) &&
                            st->nlist < TT_MAX_LIST)
                                snprintf(st->list[st->nlist++], TT_NAME, "%s", n);
                }
                if (!all && st->nlist == 0)
                        return tt_fail(why, len, "node %s is already active (%s)", p,
                                       node_state(ctx, p));
                if (st->nlist == 0)
                        tt_log("every node is already active");
                for (i = 0; i < st->nlist; i++) {
                        /* a node whose hamrd does not answer: start it first */
                        if (!tt_node_member(&ctx->cl, st->list[i]))
                                tt_act_add(st, TT_ACT_START_HAMRD, st->list[i],
                                           "systemctl start hamrd");
                }
                for (i = 0; i < st->nlist; i++)
                        tt_act_add(st, TT_ACT_CLMGR, NULL, "start node %s", st->list[i]);
                return 0;
        case TT_NODE_DOWN_GRACEFUL:
                json_array_foreach(nodes, i, o)
                {
                        const char *n = tt_st_str(o, "NAME");
                        if ((all || strcmp(n, p) == 0) && tt_node_active(&ctx->cl, n) &&
                            st->nlist < TT_MAX_LIST)
                                snprintf(st->list[st->nlist++], TT_NAME, "%s", n);
                }
                if (st->nlist == 0)
                        return all ? tt_fail(why, len, "no node is active")
                                   : tt_fail(why, len, "node %s is not active (%s)", p,
                                             node_state(ctx, p));
                for (i = 0; i < st->nlist; i++) {
                        tt_affect_on_node(ctx, st, st->list[i]);
                        if (!all)
                                tt_act_add(st, TT_ACT_CLMGR, NULL, "stop node %s MANAGE=offline",
                                           st->list[i]);
                }
                if (all)
                        tt_act_add(st, TT_ACT_CLMGR, NULL, "stop cluster MANAGE=offline");
                return 0;
        default:
                break;
        }
        /* one node: TAKEOVER, FORCED, CLSTRMGR_KILL */
        if (!tt_node_active(&ctx->cl, p))
                return tt_fail(why, len, "node %s is not active (%s)", p, node_state(ctx, p));
        tt_affect_on_node(ctx, st, p);
        switch (t->kind) {
        case TT_NODE_DOWN_TAKEOVER:
                tt_act_add(st, TT_ACT_CLMGR, NULL, "stop node %s MANAGE=move", p);
                break;
        case TT_NODE_DOWN_FORCED:
                json_array_foreach(json_object_get(ctx->cl.status, "nodes"), i, o)
                {
                        if (strcmp(tt_st_str(o, "STATE"), "UNMANAGED") == 0)
                                return tt_fail(why, len,
                                               "node %s is already stopped with its groups "
                                               "unmanaged (one forced stop at a time)",
                                               tt_st_str(o, "NAME"));
                }
                tt_act_add(st, TT_ACT_CLMGR, NULL, "stop node %s MANAGE=unmanage", p);
                break;
        case TT_CLSTRMGR_KILL:
                if (strcmp(p, tt_local_node(&ctx->cl)) == 0)
                        return tt_fail(why, len,
                                       "%s is the control node (the tool runs here): run "
                                       "CLSTRMGR_KILL of it from another node",
                                       p);
                if (!strstr(tt_st_str(tt_st_node(&ctx->cl, p), "WATCHDOG"), "(armed)"))
                        return tt_fail(why, len,
                                       "node %s has no armed watchdog (WATCHDOG %s): without the "
                                       "deadman switch its resources would stay up while other "
                                       "nodes take them over",
                                       p, tt_st_str(tt_st_node(&ctx->cl, p), "WATCHDOG"));
                tt_act_add(st, TT_ACT_RSH, p, "%s", KILL_HAMRD);
                break;
        default:
                break;
        }
        return 0;
}

static bool check_node(tt_ctx_t *ctx, tt_state_t *st, char *why, size_t len)
{
        const tt_test_t *t = st->t;

        switch (t->kind) {
        case TT_NODE_UP:
                for (size_t i = 0; i < st->nlist; i++)
                        if (!tt_node_active(&ctx->cl, st->list[i])) {
                                snprintf(why, len, "node %s is %s, expected ONLINE", st->list[i],
                                         node_state(ctx, st->list[i]));
                                return false;
                        }
                return true;
        case TT_NODE_DOWN_GRACEFUL:
                for (size_t i = 0; i < st->nlist; i++) {
                        const char *s = tt_st_str(tt_st_node(&ctx->cl, st->list[i]), "STATE");
                        if (strcmp(s, "OFFLINE") != 0) {
                                snprintf(why, len, "node %s is %s, expected OFFLINE", st->list[i],
                                         node_state(ctx, st->list[i]));
                                return false;
                        }
                }
                for (size_t i = 0; i < st->naffected; i++) {
                        const char *o = tt_group_owner(&ctx->cl, st->affected[i]);
                        if (o) {
                                snprintf(why, len,
                                         "resource group %s is ONLINE on %s, expected OFFLINE "
                                         "(graceful stop: nothing moves)",
                                         st->affected[i], o);
                                return false;
                        }
                }
                return true;
        case TT_NODE_DOWN_TAKEOVER:
        case TT_CLSTRMGR_KILL:
                if (t->kind == TT_NODE_DOWN_TAKEOVER &&
                    strcmp(tt_st_str(tt_st_node(&ctx->cl, st->node), "STATE"), "OFFLINE") != 0) {
                        snprintf(why, len, "node %s is %s, expected OFFLINE", st->node,
                                 node_state(ctx, st->node));
                        return false;
                }
                if (t->kind == TT_CLSTRMGR_KILL && tt_node_member(&ctx->cl, st->node)) {
                        snprintf(why, len, "node %s is still a member of the cluster", st->node);
                        return false;
                }
                for (size_t i = 0; i < st->naffected; i++)
                        if (!tt_check_moved_off(ctx, st->affected[i], st->node, false, why, len))
                                return false;
                return true;
        case TT_NODE_DOWN_FORCED:
                if (strcmp(tt_st_str(tt_st_node(&ctx->cl, st->node), "STATE"), "UNMANAGED") != 0) {
                        snprintf(why, len, "node %s is %s, expected UNMANAGED", st->node,
                                 node_state(ctx, st->node));
                        return false;
                }
                for (size_t i = 0; i < st->naffected; i++) {
                        const char *s = tt_group_state_on(&ctx->cl, st->affected[i], st->node);
                        if (strcmp(s, "UNMANAGED") != 0) {
                                snprintf(why, len,
                                         "resource group %s is %s on %s, expected UNMANAGED",
                                         st->affected[i], s, st->node);
                                return false;
                        }
                }
                return true;
        default:
                return true;
        }
}

static bool concurrent(tt_ctx_t *ctx, const char *rg)
{
        return strcmp(tt_st_str(tt_st_group(&ctx->cl, rg), "STARTUP"), "OAAN") == 0;
}

/* The group's first active node (priority order), other than skip. */
static const char *restore_node(tt_ctx_t *ctx, const char *rg, const char *skip)
{
        const char *nodes[TT_MAX_LIST];
        size_t n = tt_group_nodes(&ctx->cl, rg, nodes, TT_MAX_LIST);

        for (size_t i = 0; i < n; i++)
                if (tt_node_active(&ctx->cl, nodes[i]) && (!skip || strcmp(nodes[i], skip) != 0))
                        return nodes[i];
        return NULL;
}

static const char *any_node(tt_ctx_t *ctx, const char *rg, const char *skip)
{
        const char *nodes[TT_MAX_LIST], *ok[TT_MAX_LIST];
        size_t n = tt_group_nodes(&ctx->cl, rg, nodes, TT_MAX_LIST), k = 0;

        for (size_t i = 0; i < n; i++)
                if (tt_node_active(&ctx->cl, nodes[i]) && (!skip || strcmp(nodes[i], skip) != 0))
                        ok[k++] = nodes[i];
        return k ? ok[tt_random(ctx, k)] : NULL;
}

static int prepare_rg(tt_ctx_t *ctx, tt_state_t *st, char *why, size_t len)
{
        const tt_test_t *t = st->t;
        const char *rg = t->params[0], *p = t->params[1];
        const char *owner = tt_group_owner(&ctx->cl, rg), *target = NULL;
        const char *nodes[TT_MAX_LIST];
        size_t n = tt_group_nodes(&ctx->cl, rg, nodes, TT_MAX_LIST);
        bool in_list = false;

        snprintf(st->rg, sizeof(st->rg), "%s", rg);
        tt_affect(st, rg);
        if (!tt_st_group(&ctx->cl, rg))
                return tt_fail(why, len, "resource group %s is not in the status", rg);
        for (size_t i = 0; i < n; i++)
                in_list |= strcmp(nodes[i], p) == 0;
        if (strcmp(p, "ALL") == 0 && !concurrent(ctx, rg))
                return tt_fail(why, len,
                               "ALL applies to concurrent resource groups (STARTUP=OAAN); %s is "
                               "STARTUP=%s",
                               rg, tt_st_str(tt_st_group(&ctx->cl, rg), "STARTUP"));
        if (strcmp(p, "ALL") == 0)
                return tt_fail(why, len, "concurrent resource groups are not tested yet");
        switch (t->kind) {
        case TT_RG_ONLINE:
                if (owner)
                        return tt_fail(why, len, "resource group %s is already ONLINE on %s", rg,
                                       owner);
                target = strcmp(p, "ANY") == 0       ? any_node(ctx, rg, NULL)
                         : strcmp(p, "RESTORE") == 0 ? restore_node(ctx, rg, NULL)
                                                     : p;
                if (!target)
                        return tt_fail(why, len, "no node of resource group %s is active", rg);
                break;
        case TT_RG_OFFLINE:
                if (!owner)
                        return tt_fail(why, len, "resource group %s is not ONLINE (%s)", rg,
                                       tt_st_str(tt_st_group(&ctx->cl, rg), "STATE"));
                if (strcmp(p, "ANY") != 0 && strcmp(owner, p) != 0)
                        return tt_fail(why, len, "resource group %s is ONLINE on %s, not on %s", rg,
                                       owner, p);
                tt_act_add(st, TT_ACT_CLMGR, NULL, "offline resource_group %s", rg);
                return 0;
        case TT_RG_MOVE:
                if (concurrent(ctx, rg))
                        return tt_fail(why, len,
                                       "RG_MOVE applies to non-concurrent groups; %s is "
                                       "STARTUP=OAAN",
                                       rg);
                if (!owner)
                        return tt_fail(why, len, "resource group %s is not ONLINE (%s)", rg,
                                       tt_st_str(tt_st_group(&ctx->cl, rg), "STATE"));
                target = strcmp(p, "ANY") == 0       ? any_node(ctx, rg, owner)
                         : strcmp(p, "RESTORE") == 0 ? restore_node(ctx, rg, NULL)
                                                     : p;
                if (!target)
                        return tt_fail(why, len,
                                       "no active node of resource group %s other than %s", rg,
                                       owner);
                if (strcmp(target, owner) == 0)
                        return tt_fail(
                            why, len, "resource group %s is already ONLINE on %s%s", rg, owner,
                            strcmp(p, "RESTORE") == 0 ? " (its highest-priority available node)"
                                                      : "");
                break;
        default:
                return 0;
        }
        if (strcmp(p, "ANY") && strcmp(p, "RESTORE") && !in_list)
                return tt_fail(why, len, "node %s is not one of the nodes of %s", p, rg);
        if (!tt_node_active(&ctx->cl, target))
                return tt_fail(why, len, "node %s is not active (%s)", target,
                               node_state(ctx, target));
        snprintf(st->target, sizeof(st->target), "%s", target);
        tt_act_add(st, TT_ACT_CLMGR, NULL, "%s resource_group %s NODE=%s",
                   t->kind == TT_RG_ONLINE ? "online" : "move", rg, target);
        return 0;
}

static bool check_rg(tt_ctx_t *ctx, tt_state_t *st, char *why, size_t len)
{
        const char *owner = tt_group_owner(&ctx->cl, st->rg);

        if (st->t->kind == TT_RG_OFFLINE) {
                if (owner) {
                        snprintf(why, len, "resource group %s is ONLINE on %s, expected OFFLINE",
                                 st->rg, owner);
                        return false;
                }
                return true;
        }
        if (!owner || strcmp(owner, st->target) != 0) {
                snprintf(why, len, "resource group %s is %s%s%s, expected ONLINE on %s", st->rg,
                         tt_st_str(tt_st_group(&ctx->cl, st->rg), "STATE"), owner ? " on " : "",
                         owner ? owner : "", st->target);
                return false;
        }
        return true;
}

int tt_tests_prepare(tt_ctx_t *ctx, tt_state_t *st, char *why, size_t len)
{
        switch (st->t->kind) {
        case TT_NODE_UP:
        case TT_NODE_DOWN_GRACEFUL:
        case TT_NODE_DOWN_TAKEOVER:
        case TT_NODE_DOWN_FORCED:
        case TT_CLSTRMGR_KILL:
                return prepare_node(ctx, st, why, len);
        case TT_RG_ONLINE:
        case TT_RG_OFFLINE:
        case TT_RG_MOVE:
                return prepare_rg(ctx, st, why, len);
        default:
                return tt_net_prepare(ctx, st, why, len);
        }
}

bool tt_tests_check(tt_ctx_t *ctx, tt_state_t *st, char *why, size_t len)
{
        switch (st->t->kind) {
        case TT_NODE_UP:
        case TT_NODE_DOWN_GRACEFUL:
        case TT_NODE_DOWN_TAKEOVER:
        case TT_NODE_DOWN_FORCED:
        case TT_CLSTRMGR_KILL:
                return check_node(ctx, st, why, len);
        case TT_RG_ONLINE:
        case TT_RG_OFFLINE:
        case TT_RG_MOVE:
                return check_rg(ctx, st, why, len);
        default:
                return tt_net_check(ctx, st, why, len);
        }
}
