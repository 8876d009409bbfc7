/* tt_validate: "Validating Test Plan": every name a plan's test gives
 * (node, resource group, network, application controller, IP label) must
 * exist in the configuration, before any test runs. */
#include <netdb.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "testtool/tt_validate.h"

bool tt_resolve_label(tt_ctx_t *ctx, const char *label, char *addr, char *net, char *node,
                      bool *ret_service)
{
        json_t *sip = tt_cfg_find(ctx->cl.sips, label);
        struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
        struct addrinfo *res = NULL;
        bool ok;

        node[0] = '\0';
        if (sip) {
                snprintf(addr, TT_NAME, "%s", tt_cfg_attr(sip, "ADDRESS"));
                snprintf(net, TT_NAME, "%s", tt_cfg_attr(sip, "NETWORK"));
                *ret_service = true;
                return true;
        }
        *ret_service = false;
        if (tt_interface_of(&ctx->cl, label, net, TT_NAME, node, TT_NAME)) {
                snprintf(addr, TT_NAME, "%s", label);
                return true;
        }
        /* a host name: PowerHA's IP labels are names */
        if (getaddrinfo(label, NULL, &hints, &res) != 0 || !res)
                return false;
        inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, addr, TT_NAME);
        freeaddrinfo(res);
        ok = tt_interface_of(&ctx->cl, addr, net, TT_NAME, node, TT_NAME);
        return ok;
}

typedef struct {
        char *buf;
        size_t len;
        int n;
} errs_t;

static void __attribute__((format(printf, 3, 4)))
err_add(errs_t *e, const tt_test_t *t, const char *fmt, ...)
{
        size_t off = strlen(e->buf);
        va_list ap;

        e->n++;
        if (off + 2 >= e->len)
                return;
        off += (size_t)snprintf(e->buf + off, e->len - off, "%s%s:%d: %s: ", off ? "\n" : "",
                                t->file, t->line, tt_catalog_def(t->kind)->name);
        if (off >= e->len)
                return;
        va_start(ap, fmt);
        vsnprintf(e->buf + off, e->len - off, fmt, ap);
        va_end(ap);
}

static void names_of(json_t *arr, char *buf, size_t len)
{
        size_t i, off = 0;
        json_t *o;

        buf[0] = '\0';
        json_array_foreach(arr, i, o)
        {
                int n =
                    snprintf(buf + off, len - off, "%s%s", off ? ", " : "", tt_st_str(o, "NAME"));
                if (n < 0 || (size_t)n >= len - off)
                        break;
                off += (size_t)n;
        }
        if (!off)
                snprintf(buf, len, "none defined");
}

static bool is_keyword(const char *s)
{
        return strcmp(s, "ALL") == 0 || strcmp(s, "ANY") == 0 || strcmp(s, "RESTORE") == 0;
}

static void need(errs_t *e, const tt_test_t *t, json_t *arr, const char *cls, const char *name)
{
        char names[1024];

        if (is_keyword(name) || tt_cfg_find(arr, name))
                return;
        names_of(arr, names, sizeof(names));
        err_add(e, t, "%s '%s' does not exist (allowed: %s)", cls, name, names);
}

int tt_run_validate(tt_ctx_t *ctx, const tt_plan_t *plan, char *err, size_t errlen)
{
        errs_t e = {err, errlen, 0};
        tt_cluster_t *c = &ctx->cl;

        err[0] = '\0';
        for (size_t i = 0; i < plan->n; i++) {
                const tt_test_t *t = &plan->t[i];
                char *const *p = t->params;

                if (tt_catalog_def(t->kind)->not_applicable || t->owner_of || t->prev_down)
                        continue;
                switch (t->kind) {
                case TT_NODE_UP:
                case TT_NODE_DOWN_GRACEFUL:
                case TT_NODE_DOWN_TAKEOVER:
                case TT_NODE_DOWN_FORCED:
                case TT_CLSTRMGR_KILL:
                        need(&e, t, c->nodes, "node", p[0]);
                        break;
                case TT_NETWORK_UP_GLOBAL:
                case TT_NETWORK_DOWN_GLOBAL:
                        need(&e, t, c->networks, "network", p[0]);
                        break;
                case TT_NETWORK_UP_LOCAL:
                case TT_NETWORK_DOWN_LOCAL: {
                        char addr[TT_NAME];
                        need(&e, t, c->nodes, "node", p[0]);
                        need(&e, t, c->networks, "network", p[1]);
                        if (tt_cfg_find(c->nodes, p[0]) && tt_cfg_find(c->networks, p[1]) &&
                            !tt_network_addr(c, p[1], p[0], addr, sizeof(addr)))
                                err_add(&e, t,
                                        "node %s has no interface on network %s (INTERFACES: %s)",
                                        p[0], p[1],
                                        tt_cfg_attr(tt_cfg_find(c->networks, p[1]), "INTERFACES"));
                        break;
                }
                case TT_JOIN_LABEL:
                case TT_FAIL_LABEL: {
                        char addr[TT_NAME], net[TT_NAME], node[TT_NAME], names[1024];
                        bool svc;
                        if (!tt_resolve_label(ctx, p[0], addr, net, node, &svc)) {
                                names_of(c->sips, names, sizeof(names));
                                err_add(&e, t,
                                        "IP label '%s' is not a service_ip nor an address of a "
                                        "network's INTERFACES (service_ip: %s)",
                                        p[0], names);
                        }
                        break;
                }
                case TT_RG_ONLINE:
                case TT_RG_OFFLINE:
                case TT_RG_MOVE:
                        need(&e, t, c->groups, "resource_group", p[0]);
                        need(&e, t, c->nodes, "node", p[1]);
                        break;
                case TT_SERVER_DOWN:
                        need(&e, t, c->nodes, "node", p[0]);
                        need(&e, t, c->apps, "application_controller", p[1]);
                        break;
                default:
                        break;
                }
        }
        return e.n ? -1 : 0;
}
