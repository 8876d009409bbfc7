/* tt_state: filling one test's state (its actions and the groups it may
 * change) and the check, shared by the tests, that a group moved off a
 * node. */
#include "testtool/tt_state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hamr_alloc.h"

void tt_act_add(tt_state_t *st, tt_act_kind_t kind, const char *node, const char *fmt, ...)
{
        tt_act_t *a;
        char text[2048];
        va_list ap;

        if (st->nacts >= TT_MAX_ACTS)
                return;
        va_start(ap, fmt);
        vsnprintf(text, sizeof(text), fmt, ap);
        va_end(ap);
        a = &st->acts[st->nacts++];
        a->kind = kind;
        snprintf(a->node, sizeof(a->node), "%s", node ? node : "");
        a->text = zstrdup(text);
}

void tt_affect(tt_state_t *st, const char *rg)
{
        for (size_t i = 0; i < st->naffected; i++)
                if (strcmp(st->affected[i], rg) == 0)
                        return;
        if (st->naffected < TT_MAX_LIST)
                snprintf(st->affected[st->naffected++], TT_NAME, "%s", rg);
}

size_t tt_affect_on_node(tt_ctx_t *ctx, tt_state_t *st, const char *node)
{
        json_t *groups = json_object_get(ctx->cl.status, "groups");
        size_t i, n = 0;
        json_t *g;

        json_array_foreach(groups, i, g)
        {
                const char *owner = tt_group_owner(&ctx->cl, tt_st_str(g, "NAME"));
                const char *on = tt_group_state_on(&ctx->cl, tt_st_str(g, "NAME"), node);
                if ((owner && strcmp(owner, node) == 0) || strcmp(on, "UNMANAGED") == 0) {
                        tt_affect(st, tt_st_str(g, "NAME"));
                        n++;
                }
        }
        return n;
}

size_t tt_random(tt_ctx_t *ctx, size_t n)
{
        return n ? (size_t)rand_r(&ctx->seed) % n : 0;
}

bool tt_check_moved_off(tt_ctx_t *ctx, const char *rg, const char *from, bool need_net, char *why,
                        size_t len)
{
        const char *nodes[TT_MAX_LIST];
        size_t n = tt_group_nodes(&ctx->cl, rg, nodes, TT_MAX_LIST);
        const char *owner = tt_group_owner(&ctx->cl, rg);
        bool candidate = false;

        for (size_t i = 0; i < n; i++)
                if (strcmp(nodes[i], from) != 0 && tt_node_active(&ctx->cl, nodes[i]) &&
                    (!need_net || tt_node_net_up(&ctx->cl, nodes[i])))
                        candidate = true;
        if (owner && strcmp(owner, from) == 0) {
                snprintf(why, len, "resource group %s is still ONLINE on %s", rg, from);
                return false;
        }
        if (candidate && !owner) {
                snprintf(why, len,
                         "resource group %s is %s, expected ONLINE on another of its nodes "
                         "(per its fallover policy)",
                         rg, tt_st_str(tt_st_group(&ctx->cl, rg), "STATE"));
                return false;
        }
        return true;
}

int tt_fail(char *why, size_t len, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(why, len, fmt, ap);
        va_end(ap);
        return -1;
}
