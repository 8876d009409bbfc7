/* tt_cluster: configuration and status over the control socket. */
#include "testtool/tt_cluster.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli_client.h"
#include "common/hamr_time.h"

#define CALL_TIMEOUT (10 * USEC_PER_SEC)

static int call(tt_cluster_t *c, json_t *req, json_t **ret, char *err, size_t errlen)
{
        json_t *reply = NULL;
        int r = cli_client_call(c->socket, req, CALL_TIMEOUT, &reply, err, errlen);

        json_decref(req);
        if (r < 0)
                return r;
        if (!json_is_true(json_object_get(reply, "ok"))) {
                snprintf(err, errlen, "%s", tt_st_str(reply, "error"));
                json_decref(reply);
                return -EIO;
        }
        *ret = reply;
        return 0;
}

static int query(tt_cluster_t *c, const char *cls, json_t **ret, char *err, size_t errlen)
{
        json_t *reply = NULL;
        int r = call(c, json_pack("{s:s,s:s,s:n}", "op", "query", "class", cls, "name"), &reply,
                     err, errlen);

        if (r < 0)
                return r;
        *ret = json_incref(json_object_get(reply, "objects"));
        json_decref(reply);
        if (!json_is_array(*ret)) {
                json_decref(*ret);
                *ret = json_array();
        }
        return 0;
}

int tt_cluster_read_config(tt_cluster_t *c, char *err, size_t errlen)
{
        json_t **dst[] = {&c->nodes, &c->networks, &c->sips, &c->apps, &c->monitors, &c->groups};
        const char *cls[] = {"node",
                             "network",
                             "service_ip",
                             "application_controller",
                             "application_monitor",
                             "resource_group"};
        json_t *cl = NULL;
        int r;

        for (size_t i = 0; i < sizeof(cls) / sizeof(cls[0]); i++) {
                json_decref(*dst[i]);
                *dst[i] = NULL;
                r = query(c, cls[i], dst[i], err, errlen);
                if (r < 0)
                        return r;
        }
        r = query(c, "cluster", &cl, err, errlen);
        if (r < 0)
                return r;
        json_decref(c->cluster);
        c->cluster = json_incref(json_array_get(cl, 0));
        json_decref(cl);
        return 0;
}

int tt_cluster_read_status(tt_cluster_t *c, char *err, size_t errlen)
{
        json_t *reply = NULL;
        int r = call(c, json_pack("{s:s}", "op", "status"), &reply, err, errlen);

        if (r < 0)
                return r;
        json_decref(c->status);
        c->status = reply;
        return 0;
}

void tt_cluster_free(tt_cluster_t *c)
{
        json_t **all[] = {&c->status, &c->nodes,    &c->networks, &c->sips,
                          &c->apps,   &c->monitors, &c->groups,   &c->cluster};

        for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
                json_decref(*all[i]);
                *all[i] = NULL;
        }
}

const char *tt_st_str(json_t *obj, const char *key)
{
        const char *s = json_string_value(json_object_get(obj, key));
        return s ? s : "";
}

json_t *tt_cfg_find(json_t *arr, const char *name)
{
        size_t i;
        json_t *o;

        json_array_foreach(arr, i, o)
        {
                if (strcmp(tt_st_str(o, "NAME"), name) == 0)
                        return o;
        }
        return NULL;
}

const char *tt_cfg_attr(json_t *obj, const char *attr)
{
        json_t *v = json_object_get(obj, attr);
        return json_is_string(v) ? json_string_value(v) : NULL;
}

bool tt_word_in(const char *list, const char *word)
{
        size_t wl = strlen(word);

        for (const char *s = list; s && *s;) {
                size_t n;
                s += strspn(s, " ,");
                n = strcspn(s, " ,");
                if (n == wl && strncmp(s, word, n) == 0)
                        return true;
                s += n;
        }
        return false;
}

/* Walks "n1=a n2=b": calls back with node and address; stops when it returns true. */
static bool each_interface(const char *list,
                           bool (*fn)(const char *node, size_t nl, const char *addr, size_t al,
                                      void *u),
                           void *u)
{
        for (const char *s = list; s && *s;) {
                size_t n;
                const char *eq;
                s += strspn(s, " ,");
                n = strcspn(s, " ,");
                eq = memchr(s, '=', n);
                if (eq && fn(s, (size_t)(eq - s), eq + 1, n - (size_t)(eq - s) - 1, u))
                        return true;
                s += n;
        }
        return false;
}

struct find {
        const char *key;
        bool by_node;
        char *out;
        size_t len;
};

static bool match_iface(const char *node, size_t nl, const char *addr, size_t al, void *u)
{
        struct find *f = u;
        const char *k = f->by_node ? node : addr;
        size_t kl = f->by_node ? nl : al;

        if (kl != strlen(f->key) || strncmp(k, f->key, kl) != 0)
                return false;
        snprintf(f->out, f->len, "%.*s", (int)(f->by_node ? al : nl), f->by_node ? addr : node);
        return true;
}

bool tt_network_addr(tt_cluster_t *c, const char *network, const char *node, char *buf, size_t len)
{
        json_t *net = tt_cfg_find(c->networks, network);
        struct find f = {node, true, buf, len};

        return net && each_interface(tt_cfg_attr(net, "INTERFACES"), match_iface, &f);
}

bool tt_interface_of(tt_cluster_t *c, const char *addr, char *net, size_t netlen, char *node,
                     size_t nodelen)
{
        size_t i;
        json_t *o;

        json_array_foreach(c->networks, i, o)
        {
                struct find f = {addr, false, node, nodelen};
                if (each_interface(tt_cfg_attr(o, "INTERFACES"), match_iface, &f)) {
                        snprintf(net, netlen, "%s", tt_st_str(o, "NAME"));
                        return true;
                }
        }
        return false;
}

json_t *tt_group_of_app(tt_cluster_t *c, const char *app)
{
        size_t i;
        json_t *o;

        json_array_foreach(c->groups, i, o)
        {
                if (tt_word_in(tt_cfg_attr(o, "APPLICATIONS"), app))
                        return o;
        }
        return NULL;
}

bool tt_app_monitored(tt_cluster_t *c, const char *app)
{
        size_t i;
        json_t *o;

        json_array_foreach(c->monitors, i, o)
        {
                if (tt_word_in(tt_cfg_attr(o, "APPLICATIONS"), app))
                        return true;
        }
        return false;
}

const char *tt_local_node(tt_cluster_t *c)
{
        return tt_st_str(json_object_get(c->status, "cluster"), "LOCAL_NODE");
}

json_t *tt_st_node(tt_cluster_t *c, const char *name)
{
        return tt_cfg_find(json_object_get(c->status, "nodes"), name);
}

json_t *tt_st_group(tt_cluster_t *c, const char *name)
{
        return tt_cfg_find(json_object_get(c->status, "groups"), name);
}

bool tt_node_member(tt_cluster_t *c, const char *name)
{
        json_t *members = json_object_get(json_object_get(c->status, "cluster"), "MEMBERS");
        size_t i;
        json_t *m;

        json_array_foreach(members, i, m)
        {
                if (strcmp(json_string_value(m) ? json_string_value(m) : "", name) == 0)
                        return true;
        }
        return false;
}

bool tt_node_active(tt_cluster_t *c, const char *name)
{
        return tt_node_member(c, name) &&
               strcmp(tt_st_str(tt_st_node(c, name), "STATE"), "ONLINE") == 0;
}

bool tt_node_net_up(tt_cluster_t *c, const char *name)
{
        return strcmp(tt_st_str(tt_st_node(c, name), "NETWORK"), "UP") == 0;
}

const char *tt_group_owner(tt_cluster_t *c, const char *rg)
{
        json_t *g = tt_st_group(c, rg);
        const char *cur = tt_st_str(g, "CURRENT_NODE");

        if (g && strcmp(tt_st_str(g, "STATE"), "ONLINE") == 0 && *cur)
                return cur;
        return NULL;
}

const char *tt_group_state_on(tt_cluster_t *c, const char *rg, const char *node)
{
        return tt_st_str(json_object_get(tt_st_group(c, rg), "NODES"), node);
}

bool tt_cluster_stable(tt_cluster_t *c)
{
        json_t *groups = json_object_get(c->status, "groups");
        size_t i;
        json_t *g;

        if (strcmp(tt_st_str(json_object_get(c->status, "cluster"), "STATE"), "STABLE") != 0)
                return false;
        json_array_foreach(groups, i, g)
        {
                const char *s = tt_st_str(g, "STATE");
                if (strcmp(s, "ACQUIRING") == 0 || strcmp(s, "RELEASING") == 0)
                        return false;
        }
        return true;
}

size_t tt_group_nodes(tt_cluster_t *c, const char *rg, const char **out, size_t max)
{
        json_t *nodes = json_object_get(tt_st_group(c, rg), "NODES");
        const char *k;
        json_t *v;
        size_t n = 0;

        json_object_foreach(nodes, k, v)
        {
                if (n < max)
                        out[n++] = k;
        }
        return n;
}
