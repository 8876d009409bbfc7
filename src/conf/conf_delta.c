/* conf_delta: the resources a group's owner releases and acquires in a
 * live change, and what else changed for a group between two generations.
 * See conf_delta.h. */
#include "conf/conf_delta.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hamr_alloc.h"

static const char *const kind_names[CONF_RES_KIND_COUNT] = {
    [CONF_RES_FS] = "file_system",
    [CONF_RES_SIP] = "service_ip",
    [CONF_RES_APP] = "application_controller",
};

const char *conf_res_kind_name(conf_res_kind_t k)
{
        return k < CONF_RES_KIND_COUNT ? kind_names[k] : "?";
}

void conf_res_clear(conf_res_t *r)
{
        if (!r)
                return;
        free(r->device);
        free(r->mount_point);
        free(r->options);
        free(r->startscript);
        free(r->stopscript);
        memset(r, 0, sizeof(*r));
}

static char *dup_or_null(const char *s)
{
        return s ? zstrdup(s) : NULL;
}

void conf_res_copy(conf_res_t *dst, const conf_res_t *src)
{
        *dst = *src;
        dst->device = dup_or_null(src->device);
        dst->mount_point = dup_or_null(src->mount_point);
        dst->options = dup_or_null(src->options);
        dst->startscript = dup_or_null(src->startscript);
        dst->stopscript = dup_or_null(src->stopscript);
}

static bool str_eq(const char *a, const char *b)
{
        return !strcmp(a ? a : "", b ? b : "");
}

bool conf_res_same(const conf_res_t *a, const conf_res_t *b)
{
        if (a->kind != b->kind || strcmp(a->name, b->name))
                return false;
        switch (a->kind) {
        case CONF_RES_SIP:
                return a->addr.s_addr == b->addr.s_addr && a->prefix == b->prefix &&
                       !strcmp(a->network, b->network);
        case CONF_RES_FS:
                return str_eq(a->device, b->device) && str_eq(a->mount_point, b->mount_point) &&
                       a->fs_type == b->fs_type && str_eq(a->options, b->options);
        default:
                return true;
        }
}

unsigned conf_res_list(const hamr_config_t *cfg, const conf_rg_t *rg, uint32_t node_id,
                       conf_res_t *out)
{
        unsigned n = 0;

        for (unsigned k = 0; k < rg->nfss; k++) {
                const conf_filesystem_t *f = &cfg->filesystems[rg->fss[k]];
                conf_res_t *r = &out[n++];

                memset(r, 0, sizeof(*r));
                r->kind = CONF_RES_FS;
                snprintf(r->name, sizeof(r->name), "%s", f->name);
                r->device = zstrdup(f->device);
                r->mount_point = zstrdup(f->mount_point);
                r->options = zstrdup(f->options);
                r->fs_type = (uint8_t)f->fs_type;
                r->fsck = rg->fsck_tool == CONF_FSCK_FSCK;
        }
        for (unsigned k = 0; k < rg->nsips; k++) {
                const conf_service_ip_t *s = &cfg->service_ips[rg->sips[k]];
                const conf_network_t *net = &cfg->networks[s->network];
                conf_res_t *r = &out[n++];

                memset(r, 0, sizeof(*r));
                r->kind = CONF_RES_SIP;
                snprintf(r->name, sizeof(r->name), "%s", s->name);
                r->addr = s->addr;
                r->prefix = s->prefix;
                snprintf(r->network, sizeof(r->network), "%s", net->name);
                if (node_id < CONF_MAX_NODES)
                        r->local = net->addr[node_id];
        }
        for (unsigned k = 0; k < rg->napps; k++) {
                const conf_appctl_t *a = &cfg->appctls[rg->apps[k]];
                conf_res_t *r = &out[n++];

                memset(r, 0, sizeof(*r));
                r->kind = CONF_RES_APP;
                snprintf(r->name, sizeof(r->name), "%s", a->name);
                r->startscript = zstrdup(a->startscript);
                r->stopscript = zstrdup(a->stopscript);
                r->start_timeout_usec = a->start_timeout_usec;
                r->stop_timeout_usec = a->stop_timeout_usec;
        }
        return n;
}

static bool in_list(const conf_res_t *r, const conf_res_t *list, unsigned n)
{
        for (unsigned i = 0; i < n; i++)
                if (conf_res_same(r, &list[i]))
                        return true;
        return false;
}

unsigned conf_delta_steps(const conf_res_t *held, unsigned nheld, const conf_res_t *want,
                          unsigned nwant, conf_delta_step_t *steps)
{
        unsigned n = 0;

        /* releases: applications first, each kind in reverse order */
        for (int kind = CONF_RES_KIND_COUNT - 1; kind >= 0; kind--)
                for (unsigned i = nheld; i-- > 0;)
                        if (held[i].kind == kind && !in_list(&held[i], want, nwant) &&
                            n < CONF_DELTA_MAX_STEPS)
                                steps[n++] = (conf_delta_step_t){.acquire = false, .index = i};
        /* acquisitions: filesystems first, in order */
        for (int kind = 0; kind < CONF_RES_KIND_COUNT; kind++)
                for (unsigned i = 0; i < nwant; i++)
                        if (want[i].kind == kind && !in_list(&want[i], held, nheld) &&
                            n < CONF_DELTA_MAX_STEPS)
                                steps[n++] = (conf_delta_step_t){.acquire = true, .index = i};
        return n;
}

static bool same_nodes(const hamr_config_t *cur, const conf_rg_t *a, const hamr_config_t *next,
                       const conf_rg_t *b)
{
        if (a->nnodes != b->nnodes)
                return false;
        for (unsigned k = 0; k < a->nnodes; k++) {
                int x = hamr_config_node_by_id(cur, a->nodes[k]);
                int y = hamr_config_node_by_id(next, b->nodes[k]);
                if (x < 0 || y < 0 || strcmp(cur->nodes[x].name, next->nodes[y].name))
                        return false;
        }
        return true;
}

static const char *timer_name(const hamr_config_t *cfg, const conf_rg_t *rg)
{
        return rg->fallback_at ? cfg->timers[rg->fallback_at - 1].name : "";
}

unsigned conf_delta_group(const hamr_config_t *cur, const conf_rg_t *a, const hamr_config_t *next,
                          const conf_rg_t *b)
{
        conf_res_t *held = zcalloc(CONF_RES_MAX, sizeof(*held));
        conf_res_t *want = zcalloc(CONF_RES_MAX, sizeof(*want));
        conf_delta_step_t steps[CONF_DELTA_MAX_STEPS];
        unsigned nh = conf_res_list(cur, a, CONF_MAX_NODES, held);
        unsigned nw = conf_res_list(next, b, CONF_MAX_NODES, want);
        unsigned changes = 0;

        if (strcmp(a->name, b->name))
                changes |= CONF_DELTA_RENAMED;
        if (!same_nodes(cur, a, next, b))
                changes |= CONF_DELTA_NODES;
        if (a->startup != b->startup || a->fallover != b->fallover || a->fallback != b->fallback ||
            strcmp(timer_name(cur, a), timer_name(next, b)))
                changes |= CONF_DELTA_POLICY;
        if (conf_delta_steps(held, nh, want, nw, steps) > 0)
                changes |= CONF_DELTA_RESOURCES;
        for (unsigned i = 0; i < nh; i++)
                conf_res_clear(&held[i]);
        for (unsigned i = 0; i < nw; i++)
                conf_res_clear(&want[i]);
        free(held);
        free(want);
        return changes;
}

void conf_delta_step_str(const conf_delta_step_t *s, const conf_res_t *held, const conf_res_t *want,
                         char *buf, size_t len)
{
        const conf_res_t *r = s->acquire ? &want[s->index] : &held[s->index];
        char what[4200] = "";

        if (r->kind == CONF_RES_SIP) {
                char a[INET_ADDRSTRLEN];
                inet_ntop(AF_INET, &r->addr, a, sizeof(a));
                snprintf(what, sizeof(what), " (%s/%u)", a, r->prefix);
        } else if (r->kind == CONF_RES_FS) {
                snprintf(what, sizeof(what), " (%s)", r->mount_point ? r->mount_point : "");
        }
        snprintf(buf, len, "%s %s %s%s", s->acquire ? "acquire" : "release",
                 conf_res_kind_name(r->kind), r->name, what);
}
