/* conf_compile: whole-configuration verification (`clmgr verify/sync`) and
 * the compiled, typed view (hamr_config_t) the daemon runs on. One builder
 * does both: it fills a hamr_config_t and records every problem it meets. */
#include <arpa/inet.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hamr_alloc.h"
#include "common/hamr_error.h"
#include "conf/conf_internal.h"

#define LABEL_LEN (CONF_MAX_NAME + 64)

typedef struct problems {
        char *err;
        size_t errlen;
        size_t used;
        unsigned n;
        int rc; /* code of the first problem */
} problems_t;

static void problem(problems_t *p, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(problems_t *p, int rc, const char *fmt, ...)
{
        va_list ap;

        if (p->n++ == 0)
                p->rc = rc;
        if (!p->err || p->errlen == 0 || p->used + 1 >= p->errlen)
                return;
        if (p->used > 0)
                p->err[p->used++] = '\n';
        va_start(ap, fmt);
        vsnprintf(p->err + p->used, p->errlen - p->used, fmt, ap);
        va_end(ap);
        p->used += strlen(p->err + p->used);
}

static const char *label(char *buf, const conf_object_t *o)
{
        conf_label(buf, LABEL_LEN, o->cls, o->name);
        return buf;
}

static const char *get(const conf_object_t *o, const char *attr)
{
        return conf_object_get(o, attr);
}

/* Index of the named object among the objects of its class (insertion order), or -1. */
static int class_index(const conf_db_t *db, conf_class_t cls, const char *name)
{
        int k = 0;

        for (size_t i = 0; i < db->nobjs; i++) {
                if (db->objs[i].cls != cls)
                        continue;
                if (strcmp(db->objs[i].name, name) == 0)
                        return k;
                k++;
        }
        return -1;
}

static size_t count_or_one(const conf_db_t *db, conf_class_t cls)
{
        size_t n = 0;

        for (size_t i = 0; i < db->nobjs; i++)
                n += db->objs[i].cls == cls;
        return n ? n : 1;
}

static usec_t seconds(const conf_object_t *o, const char *attr)
{
        usec_t u = 0;

        (void)parse_seconds(get(o, attr), &u);
        return u;
}

static unsigned long uint_of(const conf_object_t *o, const char *attr)
{
        const char *v = get(o, attr);

        return v ? strtoul(v, NULL, 10) : 0;
}

static struct in_addr ipv4_of(const char *s)
{
        struct in_addr a = {0};

        if (s)
                (void)inet_pton(AF_INET, s, &a);
        return a;
}

static const char *fmt_usec(char *buf, size_t len, usec_t u)
{
        snprintf(buf, len, "%g", (double)u / 1e6);
        return buf;
}

static bool same_subnet(struct in_addr a, struct in_addr b, unsigned prefix)
{
        uint32_t mask = prefix == 0 ? 0 : htonl(~0U << (32 - prefix));

        return (a.s_addr & mask) == (b.s_addr & mask);
}

/* The C enum value of an enum attribute (the schema binds each text to its value). */
static int enum_index(const conf_object_t *o, const char *attr)
{
        int v = conf_enum_value(o->cls, conf_attr_lookup(o->cls, attr), get(o, attr));

        return v < 0 ? 0 : v;
}

/* Generic checks every object gets: name, duplicates, values, required, references. */
static void check_objects(const conf_db_t *db, problems_t *p)
{
        char lb[LABEL_LEN], msg[CONF_ERR_LEN];

        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];
                const conf_class_def_t *cd = conf_class_def(o->cls);

                if (!conf_name_valid(o->name))
                        problem(p, -HAMR_E_BAD_VALUE, "%s: NAME=\"%s\" is not allowed; allowed: %s",
                                cd->name, o->name, conf_name_rule);
                for (size_t j = 0; j < i; j++)
                        if (db->objs[j].cls == o->cls && strcmp(db->objs[j].name, o->name) == 0)
                                problem(p, -HAMR_E_EXISTS, "%s is defined twice", label(lb, o));
                for (size_t a = 0; a < cd->nattrs; a++) {
                        const conf_attr_def_t *ad = &cd->attrs[a];
                        _cleanup_free_ char *canon = NULL;

                        if (!o->values[a]) {
                                if (ad->flags & (CONF_F_REQUIRED | CONF_F_READONLY))
                                        problem(p, -HAMR_E_MISSING, "%s: %s is missing",
                                                label(lb, o), ad->name);
                                continue;
                        }
                        if (ad->flags & CONF_F_RUNTIME)
                                problem(p, -HAMR_E_BAD_VALUE,
                                        "%s: %s is runtime state and must not be stored",
                                        label(lb, o), ad->name);
                        else if (conf_value_check_obj(o->cls, o->name, (int)a, o->values[a], &canon,
                                                      msg, sizeof(msg)) < 0)
                                problem(p, -HAMR_E_BAD_VALUE, "%s", msg);
                }
                if (conf_object_check_refs(db, o, msg, sizeof(msg)) < 0)
                        problem(p, -HAMR_E_REFERENCE, "%s", msg);
                else if (conf_object_check_rules(o, msg, sizeof(msg)) < 0)
                        problem(p, -HAMR_E_BAD_VALUE, "%s", msg);
                else if (conf_fs_check_owner(db, o, msg, sizeof(msg)) < 0)
                        problem(p, -HAMR_E_BAD_VALUE, "%s", msg);
        }
        if (conf_deps_check(db, NULL, msg, sizeof(msg)) < 0)
                problem(p, -HAMR_E_BAD_VALUE, "%s", msg);
}

/* BACKUP_REPOSITORIES: absolute paths, at most CONF_MAX_BACKUP_REPOS, none
 * repeated or equal to REPOSITORY. */
static void build_backups(const conf_object_t *c, hamr_config_t *cfg, problems_t *p)
{
        const char *v = get(c, "BACKUP_REPOSITORIES");
        char lb[LABEL_LEN];
        _cleanup_free_ char *copy = zstrdup(v ? v : "");
        char *save = NULL;

        for (char *tok = strtok_r(copy, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
                bool dup = !strcmp(tok, cfg->repository);
                for (unsigned k = 0; k < cfg->nbackups; k++)
                        dup |= !strcmp(tok, cfg->backups[k]);
                if (!conf_path_valid(tok) || dup || cfg->nbackups == CONF_MAX_BACKUP_REPOS) {
                        problem(
                            p, -HAMR_E_BAD_VALUE,
                            "%s: BACKUP_REPOSITORIES=\"%s\" is not allowed: \"%s\" %s; allowed: "
                            "up to %d absolute paths separated by spaces, each different from "
                            "REPOSITORY and from each other",
                            label(lb, c), v, tok,
                            dup ? "is listed twice (or is REPOSITORY)"
                            : cfg->nbackups == CONF_MAX_BACKUP_REPOS ? "is one too many"
                                                                     : "is not an absolute path",
                            CONF_MAX_BACKUP_REPOS);
                        return;
                }
                snprintf(cfg->backups[cfg->nbackups++], sizeof(cfg->backups[0]), "%s", tok);
        }
}

static void build_cluster(const conf_db_t *db, hamr_config_t *cfg, problems_t *p)
{
        const conf_object_t *c = conf_db_find(db, CONF_CLASS_CLUSTER, NULL);
        char lb[LABEL_LEN], b1[32], b2[32], b3[32];

        if (!c) {
                problem(p, -HAMR_E_NOT_CONFIGURED,
                        "cluster is not configured; add it with REPOSITORY set");
                return;
        }
        snprintf(cfg->cluster_name, sizeof(cfg->cluster_name), "%s", c->name);
        cfg->cluster_id = (uint32_t)uint_of(c, "ID");
        snprintf(cfg->repository, sizeof(cfg->repository), "%s",
                 get(c, "REPOSITORY") ? get(c, "REPOSITORY") : "");
        build_backups(c, cfg, p);
        cfg->hb_freq_usec = seconds(c, "HEARTBEAT_FREQUENCY");
        cfg->grace_usec = seconds(c, "GRACE_PERIOD");
        cfg->hb_interval_usec = seconds(c, "HEARTBEAT_INTERVAL");
        cfg->net_fdt_usec = seconds(c, "NETWORK_FAILURE_DETECTION_TIME");
        cfg->port = (uint16_t)uint_of(c, "HEARTBEAT_PORT");
        cfg->deadman_mode = (dms_mode_t)enum_index(c, "DEADMAN_MODE");
        cfg->watchdog_usec = seconds(c, "WATCHDOG_TIMEOUT");
        cfg->settling_usec = (usec_t)uint_of(c, "RG_SETTLING_TIME") * USEC_PER_SEC;
        cfg->max_event_usec = (usec_t)uint_of(c, "MAX_EVENT_TIME") * USEC_PER_SEC;
        cfg->max_rg_usec = (usec_t)uint_of(c, "MAX_RG_PROCESSING_TIME") * USEC_PER_SEC;
        cfg->daily_verify = enum_index(c, "DAILY_VERIFICATION") == 1;
        cfg->verify_hour = (unsigned)uint_of(c, "VERIFICATION_HOUR");
        if (cfg->hb_interval_usec * 3 > cfg->hb_freq_usec)
                problem(p, -HAMR_E_BAD_VALUE,
                        "%s: HEARTBEAT_INTERVAL=\"%s\" is too long for HEARTBEAT_FREQUENCY=\"%s\"; "
                        "allowed: HEARTBEAT_INTERVAL * 3 <= HEARTBEAT_FREQUENCY (at most %s)",
                        label(lb, c), fmt_usec(b1, sizeof(b1), cfg->hb_interval_usec),
                        fmt_usec(b2, sizeof(b2), cfg->hb_freq_usec),
                        fmt_usec(b3, sizeof(b3), cfg->hb_freq_usec / 3));
        if (cfg->net_fdt_usec >= cfg->hb_freq_usec + cfg->grace_usec)
                problem(p, -HAMR_E_BAD_VALUE,
                        "%s: NETWORK_FAILURE_DETECTION_TIME=\"%s\" is too long for "
                        "HEARTBEAT_FREQUENCY=\"%s\" and GRACE_PERIOD=\"%s\"; allowed: less than "
                        "HEARTBEAT_FREQUENCY + GRACE_PERIOD",
                        label(lb, c), fmt_usec(b1, sizeof(b1), cfg->net_fdt_usec),
                        fmt_usec(b2, sizeof(b2), cfg->hb_freq_usec),
                        fmt_usec(b3, sizeof(b3), cfg->grace_usec));
        if (cfg->watchdog_usec + hamr_config_fence_margin(cfg) + 3 * cfg->hb_interval_usec >
            hamr_config_detection(cfg)) {
                usec_t d = hamr_config_detection(cfg);
                usec_t rest = hamr_config_fence_margin(cfg) + 3 * cfg->hb_interval_usec;
                char b4[32], b5[32];
                /* Takeover waits for certainty: a node that stops hearing a
                 * quorum must be reset by its watchdog before the others can
                 * declare it down (docs/safety.md). */
                problem(
                    p, -HAMR_E_BAD_VALUE,
                    "%s: WATCHDOG_TIMEOUT=\"%s\" is too long for HEARTBEAT_FREQUENCY=\"%s\" and "
                    "GRACE_PERIOD=\"%s\"; allowed: WATCHDOG_TIMEOUT + fence margin (%s) + "
                    "3 * HEARTBEAT_INTERVAL <= HEARTBEAT_FREQUENCY + GRACE_PERIOD, "
                    "so WATCHDOG_TIMEOUT at most %s (or raise HEARTBEAT_FREQUENCY)",
                    label(lb, c), fmt_usec(b1, sizeof(b1), cfg->watchdog_usec),
                    fmt_usec(b2, sizeof(b2), cfg->hb_freq_usec),
                    fmt_usec(b3, sizeof(b3), cfg->grace_usec),
                    fmt_usec(b4, sizeof(b4), hamr_config_fence_margin(cfg)),
                    fmt_usec(b5, sizeof(b5), d > rest ? d - rest : 0));
        }
}

static void build_nodes(const conf_db_t *db, hamr_config_t *cfg, problems_t *p)
{
        const conf_object_t *owner[CONF_MAX_NODES] = {NULL};
        char lb[LABEL_LEN];

        cfg->nodes = zcalloc(CONF_MAX_NODES, sizeof(conf_node_t));
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];
                conf_node_t *n;
                unsigned long id;

                if (o->cls != CONF_CLASS_NODE)
                        continue;
                id = uint_of(o, "ID");
                if (!get(o, "ID") || id >= CONF_MAX_NODES)
                        continue; /* reported by check_objects */
                if (owner[id]) {
                        problem(p, -HAMR_E_BAD_VALUE,
                                "%s: ID=\"%lu\" is not allowed: node \"%s\" already has it; "
                                "allowed: a node id not used by another node",
                                label(lb, o), id, owner[id]->name);
                        continue;
                }
                owner[id] = o;
                n = &cfg->nodes[cfg->nnodes++];
                snprintf(n->name, sizeof(n->name), "%s", o->name);
                n->id = (uint32_t)id;
                n->commpath = ipv4_of(get(o, "COMMPATH"));
        }
        if (cfg->nnodes == 0)
                problem(p, -HAMR_E_MISSING, "no node is configured; add at least one node");
}

/* True if a is the COMMPATH or a network address of cfg->nodes[k]. */
static bool node_has_addr(const hamr_config_t *cfg, unsigned k, struct in_addr a)
{
        if (cfg->nodes[k].commpath.s_addr == a.s_addr)
                return true;
        for (unsigned w = 0; w < cfg->nnetworks; w++)
                if (cfg->networks[w].addr[cfg->nodes[k].id].s_addr == a.s_addr)
                        return true;
        return false;
}

static const char *node_name(const hamr_config_t *cfg, uint32_t id)
{
        int k = hamr_config_node_by_id(cfg, id);

        return k >= 0 ? cfg->nodes[k].name : "?";
}

static void build_networks(const conf_db_t *db, hamr_config_t *cfg, problems_t *p)
{
        bool listed[CONF_MAX_NODES] = {false};
        char tok[CONF_MAX_TOKEN], abuf[INET_ADDRSTRLEN];

        cfg->networks = zcalloc(count_or_one(db, CONF_CLASS_NETWORK), sizeof(conf_network_t));
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];
                conf_network_t *nw;

                if (o->cls != CONF_CLASS_NETWORK)
                        continue;
                nw = &cfg->networks[cfg->nnetworks++];
                snprintf(nw->name, sizeof(nw->name), "%s", o->name);
                nw->prefix = (unsigned)uint_of(o, "PREFIX");
                for (const char *q = get(o, "INTERFACES");
                     q && (q = conf_next_token(q, tok, sizeof(tok)));) {
                        char *eq = strchr(tok, '=');
                        int k;

                        if (!eq)
                                continue;
                        *eq = '\0';
                        k = hamr_config_node_by_name(cfg, tok);
                        if (k < 0)
                                continue; /* dangling reference, reported already */
                        nw->addr[cfg->nodes[k].id] = ipv4_of(eq + 1);
                        listed[cfg->nodes[k].id] = true;
                }
                /* checked (unicast, once, at most 8) when it was set */
                for (const char *q = get(o, "NETMON_TARGETS");
                     q && nw->ntargets < CONF_MAX_NETMON_TARGETS &&
                     (q = conf_next_token(q, tok, sizeof(tok)));)
                        nw->targets[nw->ntargets++] = ipv4_of(tok);
        }
        for (unsigned k = 0; k < cfg->nnodes && cfg->nnetworks > 0; k++)
                if (!listed[cfg->nodes[k].id])
                        cfg->networks[0].addr[cfg->nodes[k].id] = cfg->nodes[k].commpath;
        /* an address belongs to one node: compare commpaths and network addresses */
        for (unsigned k = 0; k < cfg->nnodes; k++) {
                for (unsigned m = k + 1; m < cfg->nnodes; m++) {
                        struct in_addr a = cfg->nodes[m].commpath;
                        bool clash = node_has_addr(cfg, k, a);

                        for (unsigned w = 0; w < cfg->nnetworks && !clash; w++) {
                                a = cfg->networks[w].addr[cfg->nodes[m].id];
                                clash = a.s_addr && node_has_addr(cfg, k, a);
                        }
                        if (!clash)
                                continue;
                        inet_ntop(AF_INET, &a, abuf, sizeof(abuf));
                        problem(p, -HAMR_E_BAD_VALUE,
                                "node \"%s\": address %s is also used by node \"%s\"; allowed: "
                                "an address used by one node only",
                                cfg->nodes[m].name, abuf, cfg->nodes[k].name);
                }
        }
}

static bool is_node_addr(const hamr_config_t *cfg, struct in_addr a, const char **ret_node)
{
        for (unsigned k = 0; k < cfg->nnodes; k++) {
                if (node_has_addr(cfg, k, a)) {
                        *ret_node = cfg->nodes[k].name;
                        return true;
                }
        }
        return false;
}

/* A reachability target stands for the clients: an address of a node or
 * of a service IP would answer from inside the cluster and prove nothing. */
static void check_targets(hamr_config_t *cfg, problems_t *p)
{
        char abuf[INET_ADDRSTRLEN];
        const char *nodename;

        for (unsigned w = 0; w < cfg->nnetworks; w++) {
                const conf_network_t *nw = &cfg->networks[w];

                for (unsigned t = 0; t < nw->ntargets; t++) {
                        inet_ntop(AF_INET, &nw->targets[t], abuf, sizeof(abuf));
                        if (is_node_addr(cfg, nw->targets[t], &nodename))
                                problem(p, -HAMR_E_BAD_VALUE,
                                        "network \"%s\": NETMON_TARGETS address %s is an address "
                                        "of node \"%s\"; allowed: addresses outside the cluster "
                                        "(gateway, clients)",
                                        nw->name, abuf, nodename);
                        for (unsigned k = 0; k < cfg->nservice_ips; k++)
                                if (cfg->service_ips[k].addr.s_addr == nw->targets[t].s_addr)
                                        problem(p, -HAMR_E_BAD_VALUE,
                                                "network \"%s\": NETMON_TARGETS address %s is "
                                                "service_ip \"%s\"; allowed: addresses outside "
                                                "the cluster (gateway, clients)",
                                                nw->name, abuf, cfg->service_ips[k].name);
                }
        }
}

static void build_service_ips(const conf_db_t *db, hamr_config_t *cfg, problems_t *p)
{
        char lb[LABEL_LEN];

        cfg->service_ips =
            zcalloc(count_or_one(db, CONF_CLASS_SERVICE_IP), sizeof(conf_service_ip_t));
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];
                const conf_network_t *nw;
                conf_service_ip_t *s;
                const char *nodename;
                bool inside = false, any = false;

                if (o->cls != CONF_CLASS_SERVICE_IP)
                        continue;
                s = &cfg->service_ips[cfg->nservice_ips++];
                snprintf(s->name, sizeof(s->name), "%s", o->name);
                s->addr = ipv4_of(get(o, "ADDRESS"));
                s->network =
                    get(o, "NETWORK") ? class_index(db, CONF_CLASS_NETWORK, get(o, "NETWORK")) : -1;
                if (s->network < 0)
                        continue; /* reported by check_objects */
                nw = &cfg->networks[s->network];
                s->prefix = get(o, "PREFIX") ? (unsigned)uint_of(o, "PREFIX") : nw->prefix;
                for (unsigned k = 0; k < cfg->nnodes; k++) {
                        struct in_addr na = nw->addr[cfg->nodes[k].id];

                        any |= na.s_addr != 0;
                        inside |= na.s_addr != 0 && same_subnet(na, s->addr, nw->prefix);
                }
                if (!any)
                        problem(p, -HAMR_E_BAD_VALUE,
                                "%s: NETWORK=\"%s\" has no node addresses; allowed: a network "
                                "with nodes on it (INTERFACES, or the first network)",
                                label(lb, o), nw->name);
                else if (!inside)
                        problem(p, -HAMR_E_BAD_VALUE,
                                "%s: ADDRESS=\"%s\" is outside network \"%s\" (PREFIX %u) of "
                                "every node address on it; allowed: an address in the /%u "
                                "subnet of a node address on network \"%s\"",
                                label(lb, o), get(o, "ADDRESS"), nw->name, nw->prefix, nw->prefix,
                                nw->name);
                if (s->addr.s_addr && is_node_addr(cfg, s->addr, &nodename))
                        problem(p, -HAMR_E_BAD_VALUE,
                                "%s: ADDRESS=\"%s\" is an address of node \"%s\"; allowed: an "
                                "address no node uses",
                                label(lb, o), get(o, "ADDRESS"), nodename);
                for (unsigned j = 0; j + 1 < cfg->nservice_ips; j++)
                        if (cfg->service_ips[j].addr.s_addr == s->addr.s_addr)
                                problem(p, -HAMR_E_BAD_VALUE,
                                        "%s: ADDRESS=\"%s\" is also the address of service_ip "
                                        "\"%s\"; allowed: an address used by one service_ip only",
                                        label(lb, o), get(o, "ADDRESS"), cfg->service_ips[j].name);
        }
}

static void build_appctls(const conf_db_t *db, hamr_config_t *cfg)
{
        cfg->appctls =
            zcalloc(count_or_one(db, CONF_CLASS_APPLICATION_CONTROLLER), sizeof(conf_appctl_t));
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];
                conf_appctl_t *a;

                if (o->cls != CONF_CLASS_APPLICATION_CONTROLLER)
                        continue;
                a = &cfg->appctls[cfg->nappctls++];
                snprintf(a->name, sizeof(a->name), "%s", o->name);
                snprintf(a->startscript, sizeof(a->startscript), "%s",
                         get(o, "STARTSCRIPT") ? get(o, "STARTSCRIPT") : "");
                snprintf(a->stopscript, sizeof(a->stopscript), "%s",
                         get(o, "STOPSCRIPT") ? get(o, "STOPSCRIPT") : "");
                a->start_timeout_usec = seconds(o, "START_TIMEOUT");
                a->stop_timeout_usec = seconds(o, "STOP_TIMEOUT");
                a->type = (conf_app_type_t)enum_index(o, "TYPE");
                snprintf(a->agent, sizeof(a->agent), "%s", get(o, "AGENT") ? get(o, "AGENT") : "");
                snprintf(a->parameters, sizeof(a->parameters), "%s",
                         get(o, "PARAMETERS") ? get(o, "PARAMETERS") : "");
        }
}

/* Allowed policy combinations, by startup policy (bit masks of enum values). */
static const struct {
        unsigned fallover, fallback;
} policy_ok[] = {
    [RG_STARTUP_OHN] = {1u << RG_FALLOVER_FNPN | 1u << RG_FALLOVER_FUDNP | 1u << RG_FALLOVER_BO,
                        1u << RG_FALLBACK_NFB | 1u << RG_FALLBACK_FBHPN},
    [RG_STARTUP_OFAN] = {1u << RG_FALLOVER_FNPN | 1u << RG_FALLOVER_FUDNP | 1u << RG_FALLOVER_BO,
                         1u << RG_FALLBACK_NFB | 1u << RG_FALLBACK_FBHPN},
    [RG_STARTUP_OUDP] = {1u << RG_FALLOVER_FNPN | 1u << RG_FALLOVER_BO, 1u << RG_FALLBACK_NFB},
    [RG_STARTUP_OAAN] = {1u << RG_FALLOVER_BO, 1u << RG_FALLBACK_NFB},
};

/* Resolves the names of a REF_LIST attribute of class cls into indexes;
 * each object may belong to one group only (owner[] holds group indexes+1). */
static unsigned resolve_members(const conf_db_t *db, const hamr_config_t *cfg,
                                const conf_object_t *o, const char *attr, conf_class_t cls,
                                int *out, unsigned *owner, problems_t *p)
{
        char tok[CONF_MAX_TOKEN], lb[LABEL_LEN];
        unsigned n = 0;

        for (const char *q = get(o, attr); q && (q = conf_next_token(q, tok, sizeof(tok)));) {
                int idx = class_index(db, cls, tok);

                if (idx < 0 || n >= CONF_MAX_RG_RES)
                        continue; /* reported by check_objects */
                if (owner[idx] && owner[idx] != cfg->nrgs)
                        problem(p, -HAMR_E_BAD_VALUE,
                                "%s: %s=\"%s\" is not allowed: %s \"%s\" already belongs to "
                                "resource_group \"%s\"; allowed: at most one resource group per %s",
                                label(lb, o), attr, get(o, attr), conf_class_def(cls)->name, tok,
                                cfg->rgs[owner[idx] - 1].name, conf_class_def(cls)->name);
                else
                        owner[idx] = cfg->nrgs;
                out[n++] = idx;
        }
        return n;
}

static int field_or_none(const conf_object_t *o, const char *attr)
{
        const char *v = conf_object_get(o, attr);

        return v && *v ? (int)strtol(v, NULL, 10) : -1;
}

/* Fallback timers (their fields were checked by conf_object_check_rules). */
static void build_timers(const conf_db_t *db, hamr_config_t *cfg)
{
        cfg->timers =
            zcalloc(count_or_one(db, CONF_CLASS_FALLBACK_TIMER), sizeof(conf_fallback_timer_t));
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];
                conf_fallback_timer_t *t;

                if (o->cls != CONF_CLASS_FALLBACK_TIMER)
                        continue;
                t = &cfg->timers[cfg->ntimers++];
                snprintf(t->name, sizeof(t->name), "%s", o->name);
                t->repeats = (conf_repeats_t)enum_index(o, "REPEATS");
                t->year = field_or_none(o, "YEAR");
                t->month = field_or_none(o, "MONTH");
                t->day_of_month = field_or_none(o, "DAY_OF_MONTH");
                t->day_of_week = field_or_none(o, "DAY_OF_WEEK");
                t->hour = field_or_none(o, "HOUR");
                t->minute = field_or_none(o, "MINUTE");
        }
}

static void build_rgs(const conf_db_t *db, hamr_config_t *cfg, problems_t *p)
{
        _cleanup_free_ unsigned *sip_owner = zcalloc(cfg->nservice_ips + 1, sizeof(unsigned));
        _cleanup_free_ unsigned *app_owner = zcalloc(cfg->nappctls + 1, sizeof(unsigned));
        char tok[CONF_MAX_TOKEN], lb[LABEL_LEN];

        cfg->rgs = zcalloc(count_or_one(db, CONF_CLASS_RESOURCE_GROUP), sizeof(conf_rg_t));
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];
                conf_rg_t *r;

                if (o->cls != CONF_CLASS_RESOURCE_GROUP)
                        continue;
                r = &cfg->rgs[cfg->nrgs++];
                snprintf(r->name, sizeof(r->name), "%s", o->name);
                r->id = (uint32_t)uint_of(o, "ID");
                for (unsigned j = 0; j + 1 < cfg->nrgs; j++)
                        if (cfg->rgs[j].id == r->id)
                                problem(p, -HAMR_E_BAD_VALUE,
                                        "%s: ID=\"%u\" is not allowed: resource_group \"%s\" "
                                        "already has it; allowed: an id not used by another group",
                                        label(lb, o), r->id, cfg->rgs[j].name);
                for (const char *q = get(o, "NODES");
                     q && (q = conf_next_token(q, tok, sizeof(tok)));) {
                        int k = hamr_config_node_by_name(cfg, tok);
                        bool dup = false;

                        for (unsigned j = 0; k >= 0 && j < r->nnodes; j++)
                                dup |= r->nodes[j] == cfg->nodes[k].id;
                        if (k < 0 || dup || r->nnodes >= CONF_MAX_NODES)
                                continue; /* reported by check_objects */
                        r->nodes[r->nnodes++] = cfg->nodes[k].id;
                }
                if (r->nnodes == 0 && get(o, "NODES"))
                        problem(p, -HAMR_E_MISSING,
                                "%s: NODES=\"%s\" names no configured node; allowed: at least "
                                "one node",
                                label(lb, o), get(o, "NODES"));
                r->startup = (rg_startup_t)enum_index(o, "STARTUP");
                r->fallover = (rg_fallover_t)enum_index(o, "FALLOVER");
                r->fallback = (rg_fallback_t)enum_index(o, "FALLBACK");
                if (get(o, "NODE_PRIORITY_POLICY"))
                        r->dnp_policy = (conf_dnp_t)enum_index(o, "NODE_PRIORITY_POLICY");
                snprintf(r->dnp_script, sizeof(r->dnp_script), "%s",
                         get(o, "NODE_PRIORITY_POLICY_SCRIPT")
                             ? get(o, "NODE_PRIORITY_POLICY_SCRIPT")
                             : "");
                r->dnp_timeout_usec =
                    (usec_t)uint_of(o, "NODE_PRIORITY_POLICY_TIMEOUT") * USEC_PER_SEC;
                if (!(policy_ok[r->startup].fallover & (1u << r->fallover)) ||
                    !(policy_ok[r->startup].fallback & (1u << r->fallback)))
                        problem(p, -HAMR_E_BAD_VALUE,
                                "%s: STARTUP=\"%s\" FALLOVER=\"%s\" FALLBACK=\"%s\" is not an "
                                "allowed combination; allowed: STARTUP OHN or OFAN with FALLOVER "
                                "FNPN, FUDNP or BO and FALLBACK NFB or FBHPN, STARTUP OUDP with "
                                "FALLOVER FNPN or BO and FALLBACK NFB (PowerHA: a distributed "
                                "group never falls back), STARTUP OAAN with FALLOVER BO and "
                                "FALLBACK NFB (a concurrent group neither moves nor falls back)",
                                label(lb, o), get(o, "STARTUP"), get(o, "FALLOVER"),
                                get(o, "FALLBACK"));
                r->nsips = resolve_members(db, cfg, o, "SERVICE_LABEL", CONF_CLASS_SERVICE_IP,
                                           r->sips, sip_owner, p);
                r->napps =
                    resolve_members(db, cfg, o, "APPLICATIONS", CONF_CLASS_APPLICATION_CONTROLLER,
                                    r->apps, app_owner, p);
                if (get(o, "FALLBACK_AT")) {
                        int t = class_index(db, CONF_CLASS_FALLBACK_TIMER, get(o, "FALLBACK_AT"));

                        r->fallback_at = t >= 0 ? (unsigned)t + 1 : 0;
                }
                for (unsigned s = 0; s < r->nsips; s++) {
                        const conf_service_ip_t *sip = &cfg->service_ips[r->sips[s]];

                        if (sip->network < 0)
                                continue;
                        for (unsigned k = 0; k < r->nnodes; k++)
                                if (!cfg->networks[sip->network].addr[r->nodes[k]].s_addr)
                                        problem(p, -HAMR_E_BAD_VALUE,
                                                "%s: NODES=\"%s\" is not allowed: node \"%s\" has "
                                                "no address on network \"%s\" of SERVICE_LABEL "
                                                "\"%s\"; allowed: nodes listed in that network's "
                                                "INTERFACES",
                                                label(lb, o), get(o, "NODES"),
                                                node_name(cfg, r->nodes[k]),
                                                cfg->networks[sip->network].name, sip->name);
                }
        }
}

/* Application monitors: each one's controllers must be in one group; the
 * restart interval defaults to PowerHA's rule (10 % above RESTARTCOUNT x
 * (STABILIZATION + MONITORINTERVAL)) and may not be shorter than that
 * product (the counter would reset before escalation). */
static void build_appmons(const conf_db_t *db, hamr_config_t *cfg, problems_t *p)
{
        char tok[CONF_MAX_TOKEN], lb[LABEL_LEN], b1[32], b2[32];

        cfg->appmons =
            zcalloc(count_or_one(db, CONF_CLASS_APPLICATION_MONITOR), sizeof(conf_appmon_t));
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];
                conf_appmon_t *m;
                usec_t cycle;
                bool all_ocf = true;
                unsigned napps_named = 0;

                if (o->cls != CONF_CLASS_APPLICATION_MONITOR)
                        continue;
                m = &cfg->appmons[cfg->nappmons++];
                snprintf(m->name, sizeof(m->name), "%s", o->name);
                m->rg = -1;
                for (const char *q = get(o, "APPLICATIONS");
                     q && (q = conf_next_token(q, tok, sizeof(tok)));) {
                        int idx = class_index(db, CONF_CLASS_APPLICATION_CONTROLLER, tok);
                        int rg = -1;

                        if (idx < 0)
                                continue; /* reported by check_objects */
                        napps_named++;
                        all_ocf &= cfg->appctls[idx].type == CONF_APP_OCF;
                        for (unsigned g = 0; g < cfg->nrgs && rg < 0; g++)
                                for (unsigned k = 0; k < cfg->rgs[g].napps; k++)
                                        if (cfg->rgs[g].apps[k] == idx)
                                                rg = (int)g;
                        if (rg >= 0 && m->rg >= 0 && rg != m->rg)
                                problem(p, -HAMR_E_BAD_VALUE,
                                        "%s: APPLICATIONS=\"%s\" is not allowed: "
                                        "application_controller \"%s\" is in resource_group "
                                        "\"%s\", another in \"%s\"; allowed: controllers of one "
                                        "resource group",
                                        label(lb, o), get(o, "APPLICATIONS"), tok,
                                        cfg->rgs[rg].name, cfg->rgs[m->rg].name);
                        if (rg >= 0)
                                m->rg = rg;
                }
                /* the group's start order */
                for (unsigned k = 0; m->rg >= 0 && k < cfg->rgs[m->rg].napps; k++) {
                        int idx = cfg->rgs[m->rg].apps[k];
                        const char *name = cfg->appctls[idx].name;

                        for (const char *q = get(o, "APPLICATIONS");
                             q && (q = conf_next_token(q, tok, sizeof(tok)));)
                                if (strcmp(tok, name) == 0) {
                                        m->apps[m->napps++] = idx;
                                        break;
                                }
                }
                snprintf(m->monitor, sizeof(m->monitor), "%s",
                         get(o, "MONITORMETHOD") ? get(o, "MONITORMETHOD") : "");
                m->type = (conf_am_type_t)enum_index(o, "TYPE");
                m->mode = (conf_am_mode_t)enum_index(o, "MODE");
                snprintf(m->processes, sizeof(m->processes), "%s",
                         get(o, "PROCESSES") ? get(o, "PROCESSES") : "");
                m->instance_count = (unsigned)uint_of(o, "INSTANCECOUNT");
                if (conf_count_tokens(m->processes) > 1)
                        m->instance_count = 1;
                m->owner_uid = -1;
                if (get(o, "OWNER")) {
                        const char *ow = get(o, "OWNER");
                        struct passwd *pw = getpwnam(ow);
                        char *end;
                        long uid = strtol(ow, &end, 10);
                        if (pw)
                                m->owner_uid = (long)pw->pw_uid;
                        else if (*ow && !*end && uid >= 0)
                                m->owner_uid = uid;
                        else
                                problem(p, -HAMR_E_BAD_VALUE,
                                        "%s: OWNER=\"%s\" is not a user of this node; allowed: a "
                                        "user name or a numeric uid",
                                        label(lb, o), ow);
                }
                /* an OCF controller's monitor action is the check when
                 * MONITORMETHOD is not given (conf_appmon_ocf) */
                if (m->type == CONF_AM_CUSTOM && !m->monitor[0] && !(all_ocf && napps_named))
                        problem(p, -HAMR_E_MISSING,
                                "%s: MONITORMETHOD is missing; allowed: TYPE=Custom needs an "
                                "absolute path of the monitor script (it may be omitted when "
                                "every controller of APPLICATIONS is of TYPE ocf: their "
                                "agents' monitor action is the check)",
                                label(lb, o));
                if (m->type == CONF_AM_PROCESS && conf_count_tokens(m->processes) == 0)
                        problem(p, -HAMR_E_MISSING,
                                "%s: PROCESSES is missing; allowed: TYPE=Process needs process "
                                "names",
                                label(lb, o));
                snprintf(m->notify, sizeof(m->notify), "%s",
                         get(o, "NOTIFYMETHOD") ? get(o, "NOTIFYMETHOD") : "");
                snprintf(m->cleanup, sizeof(m->cleanup), "%s",
                         get(o, "CLEANUPMETHOD") ? get(o, "CLEANUPMETHOD") : "");
                snprintf(m->restart, sizeof(m->restart), "%s",
                         get(o, "RESTARTMETHOD") ? get(o, "RESTARTMETHOD") : "");
                m->interval_usec = seconds(o, "MONITORINTERVAL");
                m->stabilization_usec = seconds(o, "STABILIZATION");
                m->restart_count = (unsigned)uint_of(o, "RESTARTCOUNT");
                m->hung_signal = (int)uint_of(o, "HUNG_MONITOR_SIGNAL");
                m->action = (conf_am_action_t)enum_index(o, "FAILUREACTION");
                cycle = (usec_t)m->restart_count * (m->stabilization_usec + m->interval_usec);
                if (get(o, "RESTARTINTERVAL")) {
                        m->restart_interval_usec = seconds(o, "RESTARTINTERVAL");
                        if (m->restart_interval_usec < cycle)
                                problem(p, -HAMR_E_BAD_VALUE,
                                        "%s: RESTARTINTERVAL=\"%s\" is too short: the counter "
                                        "would reset before RESTARTCOUNT restarts; allowed: at "
                                        "least RESTARTCOUNT x (STABILIZATION + MONITORINTERVAL) "
                                        "= %s s (or unset: %s s)",
                                        label(lb, o), get(o, "RESTARTINTERVAL"),
                                        fmt_usec(b1, sizeof(b1), cycle),
                                        fmt_usec(b2, sizeof(b2), cycle + cycle / 10));
                } else {
                        m->restart_interval_usec = cycle + cycle / 10;
                }
        }
}

static hamr_config_t *build(const conf_db_t *db, problems_t *p)
{
        hamr_config_t *cfg = zalloc(sizeof(hamr_config_t));

        cfg->generation = db->generation;
        check_objects(db, p);
        build_cluster(db, cfg, p);
        build_nodes(db, cfg, p);
        build_networks(db, cfg, p);
        build_service_ips(db, cfg, p);
        check_targets(cfg, p);
        build_appctls(db, cfg);
        build_timers(db, cfg);
        build_rgs(db, cfg, p);
        conf_serial_build(db, cfg);
        build_appmons(db, cfg, p);
        conf_deps_build(db, cfg);
        conf_fs_build(db, cfg);
        conf_events_build(db, cfg);
        conf_rto_build(db, cfg);
        return cfg;
}

int conf_db_verify(const conf_db_t *db, char *err, size_t errlen)
{
        problems_t p = {.err = err, .errlen = errlen};

        if (err && errlen)
                err[0] = '\0';
        if (!db) {
                conf_errf(err, errlen, "no configuration");
                return -EINVAL;
        }
        hamr_config_free(build(db, &p));
        return p.n ? p.rc : 0;
}

int conf_db_check_cluster(const conf_db_t *db, char *err, size_t errlen)
{
        problems_t p = {.err = err, .errlen = errlen};
        hamr_config_t cfg = {0};

        if (err && errlen)
                err[0] = '\0';
        if (!db || !conf_db_find(db, CONF_CLASS_CLUSTER, NULL))
                return 0;
        build_cluster(db, &cfg, &p);
        return p.n ? p.rc : 0;
}

int conf_compile(const conf_db_t *db, hamr_config_t **ret_cfg, char *err, size_t errlen)
{
        problems_t p = {.err = err, .errlen = errlen};
        hamr_config_t *cfg;

        if (err && errlen)
                err[0] = '\0';
        if (!db || !ret_cfg) {
                conf_errf(err, errlen, "no configuration");
                return -EINVAL;
        }
        cfg = build(db, &p);
        if (p.n) {
                hamr_config_free(cfg);
                return p.rc;
        }
        *ret_cfg = cfg;
        return 0;
}
