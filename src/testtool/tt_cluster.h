/* tt_cluster: what the tool knows of the cluster: the configuration
 * (clmgr query, read once) and the runtime status (clmgr -j status, read at
 * every poll), both over the local hamrd's control socket, and lookups on
 * them. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
        const char *socket; /* control socket path (borrowed) */
        json_t *status;     /* the last status reply, owned */
        json_t *nodes;      /* configuration objects (arrays of objects), owned */
        json_t *networks;
        json_t *sips;
        json_t *apps;
        json_t *monitors;
        json_t *groups;
        json_t *cluster; /* the cluster object, or NULL */
} tt_cluster_t;

/* Reads the configuration (every class the tests use). 0, or -errno and a
 * message in err. */
int tt_cluster_read_config(tt_cluster_t *c, char *err, size_t errlen);
/* Reads the status (replaces c->status). 0, or -errno and err. */
int tt_cluster_read_status(tt_cluster_t *c, char *err, size_t errlen);
void tt_cluster_free(tt_cluster_t *c);

/* Configuration lookups (borrowed results; NULL when absent). */
json_t *tt_cfg_find(json_t *arr, const char *name);
const char *tt_cfg_attr(json_t *obj, const char *attr);
/* word (in) is one of the blank-separated words of list (in). */
bool tt_word_in(const char *list, const char *word);
/* node's address on network (from INTERFACES "n1=a n2=b"), into buf. */
bool tt_network_addr(tt_cluster_t *c, const char *network, const char *node, char *buf, size_t len);
/* The network whose INTERFACES holds addr (in), and that node, into bufs. */
bool tt_interface_of(tt_cluster_t *c, const char *addr, char *net, size_t netlen, char *node,
                     size_t nodelen);
/* The application controller app's group (its APPLICATIONS holds app). */
json_t *tt_group_of_app(tt_cluster_t *c, const char *app);
bool tt_app_monitored(tt_cluster_t *c, const char *app);

/* Status lookups. */
const char *tt_local_node(tt_cluster_t *c);
json_t *tt_st_node(tt_cluster_t *c, const char *name);
json_t *tt_st_group(tt_cluster_t *c, const char *name);
const char *tt_st_str(json_t *obj, const char *key); /* "" when absent */
/* Node services ONLINE and a member of the view. */
bool tt_node_active(tt_cluster_t *c, const char *name);
/* Node's hamrd answers (a member of the view). */
bool tt_node_member(tt_cluster_t *c, const char *name);
/* Node's NETWORK state is UP. */
bool tt_node_net_up(tt_cluster_t *c, const char *name);
/* The node where the group is ONLINE, or NULL. */
const char *tt_group_owner(tt_cluster_t *c, const char *rg);
/* The group's state on node ("" when unknown). */
const char *tt_group_state_on(tt_cluster_t *c, const char *rg, const char *node);
/* Cluster STATE STABLE and no group ACQUIRING or RELEASING. */
bool tt_cluster_stable(tt_cluster_t *c);
/* The group's NODES in priority order (status order), into out (borrowed
 * strings valid until the next status read); returns the count. */
size_t tt_group_nodes(tt_cluster_t *c, const char *rg, const char **out, size_t max);
