/* daemon_facts_more.c: repositories, cluster key, node addresses and the
 * RTO budget in verification (daemon_facts_more.h). The readings (each
 * repository's first block, the key file, the new lines of hamr.out) are
 * taken on libuv's thread pool: a hung disk ties up one pool thread, never
 * the loop, and no second read of it starts while one is pending. */
#include "daemon/daemon_facts_more.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agents/agent_arp.h"
#include "agents/agent_evlog.h"
#include "common/hamr_alloc.h"
#include "common/hamr_log.h"
#include "daemon/daemon.h"
#include "repo/repo.h"
#include "wire/wire.h"

#define MAX_PATHS        (2 * (1 + CONF_MAX_BACKUP_REPOS))
#define HUNG_USEC        (3 * USEC_PER_SEC) /* a read pending this long is reported */
#define MAX_STARTS       256                /* groups whose last start is kept */
#define MAX_PROBES       16                 /* service addresses probed on the network */
#define PROBE_MS         300                /* an ARP probe waits this long for an answer */
#define PROBE_FRESH_USEC (30 * USEC_PER_SEC)

/* ---- the readings (loop thread only) ---- */

typedef struct reading {
        char path[4096];
        bool have;
        int err;
        repo_ident_t id;
} reading_t;

typedef struct probe {
        struct in_addr addr;
        char ifname[IFNAMSIZ];
        bool have;
        int result; /* 1 answered, 0 no answer, -errno */
        uint8_t mac[6];
        usec_t at;    /* probed */
        usec_t asked; /* last wanted by a verification */
} probe_t;

typedef struct start_time {
        char group[CONF_MAX_NAME + 1];
        double s; /* the last successful rg_move_acquire here */
} start_time_t;

static struct {
        reading_t repos[MAX_PATHS];
        unsigned nrepos;
        char wanted[MAX_PATHS][4096]; /* paths a verification asked about */
        unsigned nwanted;
        bool key_have;
        int key_err;
        uint8_t key_digest[WIRE_KEY_DIGEST_LEN];
        start_time_t starts[MAX_STARTS];
        unsigned nstarts;
        probe_t probes[MAX_PROBES]; /* service addresses of groups held nowhere */
        unsigned nprobes;
        char evlog[4096];
        uint64_t evlog_off;
        bool busy;
        usec_t busy_since, last;
        char busy_paths[MAX_PATHS][4096];
        unsigned nbusy;
} rd;

typedef struct read_job {
        uv_work_t req;
        hamrd_t *d;
        char self[CONF_MAX_NAME + 1];
        char paths[MAX_PATHS][4096];
        unsigned npaths;
        reading_t out[MAX_PATHS];
        char key_path[4096];
        int key_err;
        uint8_t key_digest[WIRE_KEY_DIGEST_LEN];
        char evlog[4096];
        uint64_t off;
        start_time_t starts[MAX_STARTS];
        unsigned nstarts;
        probe_t probes[MAX_PROBES];
        unsigned nprobes;
} read_job_t;

static void hex(const uint8_t *p, size_t n, char *out)
{
        for (size_t i = 0; i < n; i++)
                snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static void job_start(read_job_t *j, const char *group, double s)
{
        for (unsigned i = 0; i < j->nstarts; i++)
                if (!strcmp(j->starts[i].group, group)) {
                        j->starts[i].s = s;
                        return;
                }
        if (j->nstarts < MAX_STARTS) {
                snprintf(j->starts[j->nstarts].group, sizeof(j->starts[0].group), "%s", group);
                j->starts[j->nstarts++].s = s;
        }
}

/* The new lines of hamr.out since off: "EVENT COMPLETED: rg_move_acquire
 * SELF RG 0 (S s)" is a start time measured here. */
static void scan_evlog(read_job_t *j)
{
        FILE *f = j->evlog[0] ? fopen(j->evlog, "re") : NULL;
        struct stat st;
        char line[8192], pfx[CONF_MAX_NAME + 64];

        if (!f)
                return;
        if (fstat(fileno(f), &st) == 0 && (uint64_t)st.st_size < j->off)
                j->off = 0; /* a new file */
        if (fseeko(f, (off_t)j->off, SEEK_SET) < 0) {
                fclose(f);
                return;
        }
        snprintf(pfx, sizeof(pfx), "EVENT COMPLETED: rg_move_acquire %s ", j->self);
        while (fgets(line, sizeof(line), f)) {
                size_t len = strlen(line);
                char group[CONF_MAX_NAME + 1];
                const char *p;
                double s;
                int status;

                if (!len || line[len - 1] != '\n')
                        break; /* a line being written: read it next time */
                j->off += len;
                p = strstr(line, pfx);
                if (p && sscanf(p + strlen(pfx), "%64s %d (%lf s)", group, &status, &s) == 3 &&
                    status == 0)
                        job_start(j, group, s);
        }
        fclose(f);
}

static void read_work(uv_work_t *req)
{
        read_job_t *j = req->data;
        uint8_t key[WIRE_KEY_LEN];

        for (unsigned i = 0; i < j->npaths; i++) {
                memcpy(j->out[i].path, j->paths[i], sizeof(j->out[i].path)); /* same size */
                j->out[i].err = repo_ident_read(j->paths[i], &j->out[i].id);
                j->out[i].have = true;
        }
        j->key_err = wire_key_load(j->key_path, key);
        if (j->key_err == 0)
                wire_key_digest(key, j->key_digest);
        memset(key, 0, sizeof(key));
        scan_evlog(j);
        for (unsigned i = 0; i < j->nprobes; i++) {
                j->probes[i].result = agent_arp_probe(j->probes[i].ifname, j->probes[i].addr,
                                                      PROBE_MS, j->probes[i].mac);
                j->probes[i].have = true;
        }
}

static void read_done(uv_work_t *req, int status)
{
        read_job_t *j = req->data;

        rd.busy = false;
        rd.nbusy = 0;
        if (status == 0) {
                for (unsigned i = 0; i < j->npaths; i++) {
                        reading_t *r = NULL;
                        for (unsigned k = 0; k < rd.nrepos && !r; k++)
                                if (!strcmp(rd.repos[k].path, j->out[i].path))
                                        r = &rd.repos[k];
                        if (!r && rd.nrepos < MAX_PATHS)
                                r = &rd.repos[rd.nrepos++];
                        if (r)
                                *r = j->out[i];
                }
                for (unsigned i = 0; i < j->nprobes; i++)
                        for (unsigned k = 0; k < rd.nprobes; k++)
                                if (rd.probes[k].addr.s_addr == j->probes[i].addr.s_addr) {
                                        usec_t asked = rd.probes[k].asked;
                                        rd.probes[k] = j->probes[i];
                                        rd.probes[k].at = now_usec();
                                        rd.probes[k].asked = asked;
                                }
                rd.key_have = true;
                rd.key_err = j->key_err;
                memcpy(rd.key_digest, j->key_digest, sizeof(rd.key_digest));
                if (!strcmp(rd.evlog, j->evlog)) {
                        rd.evlog_off = j->off;
                        for (unsigned i = 0; i < j->nstarts; i++) {
                                unsigned k;
                                for (k = 0; k < rd.nstarts; k++)
                                        if (!strcmp(rd.starts[k].group, j->starts[i].group))
                                                break;
                                if (k == rd.nstarts && rd.nstarts < MAX_STARTS)
                                        rd.nstarts++;
                                if (k < MAX_STARTS)
                                        rd.starts[k] = j->starts[i];
                        }
                }
        }
        free(j);
}

static void add_path(read_job_t *j, const char *p)
{
        for (unsigned i = 0; i < j->npaths; i++)
                if (!strcmp(j->paths[i], p))
                        return;
        if (*p && j->npaths < MAX_PATHS)
                snprintf(j->paths[j->npaths++], sizeof(j->paths[0]), "%s", p);
}

/* Takes the readings off the loop, unless a read is pending. */
static void read_now(hamrd_t *d)
{
        read_job_t *j;

        if (rd.busy || !d->cfg)
                return;
        j = zalloc(sizeof(*j));
        j->d = d;
        j->req.data = j;
        snprintf(j->self, sizeof(j->self), "%s", d->node_name);
        for (unsigned i = 0; i <= d->cfg->nbackups; i++)
                add_path(j, hamrd_repo_path(d, i));
        for (unsigned i = 0; i < rd.nwanted; i++)
                add_path(j, rd.wanted[i]);
        snprintf(j->key_path, sizeof(j->key_path), "%s", d->key_path);
        if (strcmp(rd.evlog, evlog_path())) { /* another event log: from its start */
                snprintf(rd.evlog, sizeof(rd.evlog), "%s", evlog_path());
                rd.evlog_off = 0;
                rd.nstarts = 0;
        }
        snprintf(j->evlog, sizeof(j->evlog), "%s", rd.evlog);
        j->off = rd.evlog_off;
        /* addresses no verification asked about for a while are not probed */
        for (unsigned k = 0; k < rd.nprobes;)
                if (now_usec() - rd.probes[k].asked > 2 * PROBE_FRESH_USEC)
                        rd.probes[k] = rd.probes[--rd.nprobes];
                else
                        k++;
        j->nprobes = rd.nprobes;
        memcpy(j->probes, rd.probes, sizeof(j->probes));
        rd.nbusy = j->npaths;
        for (unsigned i = 0; i < j->npaths; i++)
                snprintf(rd.busy_paths[i], sizeof(rd.busy_paths[0]), "%s", j->paths[i]);
        if (uv_queue_work(d->loop, &j->req, read_work, read_done) < 0) {
                free(j);
                rd.nbusy = 0;
                return;
        }
        rd.busy = true;
        rd.busy_since = rd.last = now_usec();
}

void hamrd_facts_more_tick(hamrd_t *d)
{
        if (d->cfg && d->member && !rd.last)
                read_now(d);
}

/* ---- the checks (pure) ---- */

void hamrd_facts_more_checks(const hamr_config_t *cfg, json_t *checks)
{
        json_t *all = json_array(), *paths = json_array();
        char addr[INET_ADDRSTRLEN], key[16];
        usec_t det, round;

        if (!cfg)
                goto out;
        for (unsigned n = 0; n < cfg->nnodes; n++)
                json_array_append_new(all, json_integer(cfg->nodes[n].id));
        json_array_append_new(paths, json_string(cfg->repository));
        for (unsigned k = 0; k < cfg->nbackups; k++)
                json_array_append_new(paths, json_string(cfg->backups[k]));
        json_array_append_new(
            checks, json_pack("{s:s, s:O, s:O}", "KIND", "REPOS", "PATHS", paths, "NODES", all));
        for (unsigned w = 0; w < cfg->nnetworks; w++) {
                const conf_network_t *nw = &cfg->networks[w];
                json_t *addrs = json_object(), *nodes = json_array();
                for (unsigned n = 0; n < cfg->nnodes; n++) {
                        uint32_t id = cfg->nodes[n].id;
                        if (!nw->addr[id].s_addr)
                                continue;
                        inet_ntop(AF_INET, &nw->addr[id], addr, sizeof(addr));
                        snprintf(key, sizeof(key), "%u", id);
                        json_object_set_new(addrs, key, json_string(addr));
                        json_array_append_new(nodes, json_integer(id));
                }
                json_array_append_new(checks,
                                      json_pack("{s:s, s:s, s:i, s:o, s:o}", "KIND", "NETWORK",
                                                "NAME", nw->name, "PREFIX", (int)nw->prefix,
                                                "ADDRS", addrs, "NODES", nodes));
        }
        /* worst-case failover: detection; the fence wait (with an even
         * number of nodes the survivors may be half and must take the
         * tie-breaker lease: its settle time and a disk round; an odd
         * cluster's fence lies inside detection, docs/safety.md) */
        det = hamr_config_detection(cfg);
        round = cfg->hb_interval_usec / 2 > 10 * USEC_PER_MSEC ? cfg->hb_interval_usec / 2
                                                               : 10 * USEC_PER_MSEC;
        for (unsigned g = 0; g < cfg->nrgs; g++) {
                const conf_rg_t *rg = &cfg->rgs[g];
                json_t *nodes = json_array();
                for (unsigned k = 0; k < rg->nnodes; k++)
                        json_array_append_new(nodes, json_integer(rg->nodes[k]));
                json_array_append_new(
                    checks,
                    json_pack("{s:s, s:s, s:I, s:I, s:I, s:o}", "KIND", "RTO", "GROUP", rg->name,
                              "RTO_MS", (json_int_t)(rg->rto_usec / USEC_PER_MSEC), "DETECT_MS",
                              (json_int_t)(det / USEC_PER_MSEC), "FENCE_MS",
                              (json_int_t)(cfg->nnodes % 2 == 0 ? 2 * round / USEC_PER_MSEC : 0),
                              "NODES", nodes));
        }
out:
        json_decref(all);
        json_decref(paths);
}

/* ---- this node's part ---- */

static bool listed(json_t *nodes, uint16_t id)
{
        size_t i;
        json_t *v;

        json_array_foreach(nodes, i, v) if (json_integer_value(v) == id) return true;
        return false;
}

static void add(json_t *arr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(json_t *arr, const char *fmt, ...)
{
        char line[4600];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        json_array_append_new(arr, json_string(line));
}

static unsigned prefix_of(struct in_addr mask)
{
        return (unsigned)__builtin_popcount(mask.s_addr);
}

static bool same_subnet(struct in_addr a, struct in_addr b, unsigned prefix)
{
        uint32_t m = prefix == 0 ? 0 : htonl(~0U << (32 - prefix));
        return (a.s_addr & m) == (b.s_addr & m);
}

static void check_network(hamrd_t *d, json_t *c, json_t *errors, json_t *warn)
{
        const char *name = json_string_value(json_object_get(c, "NAME"));
        unsigned prefix = (unsigned)json_integer_value(json_object_get(c, "PREFIX"));
        json_t *addrs = json_object_get(c, "ADDRS"), *v;
        char key[16], net[INET_ADDRSTRLEN];
        struct in_addr mine, other;
        struct ifaddrs *ifa = NULL, *p, *found = NULL;
        const char *k;

        snprintf(key, sizeof(key), "%u", d->self_id);
        if (!name ||
            inet_pton(AF_INET, json_string_value(json_object_get(addrs, key)) ?: "", &mine) != 1)
                return;
        if (getifaddrs(&ifa) < 0)
                return;
        for (p = ifa; p && !found; p = p->ifa_next)
                if (p->ifa_addr && p->ifa_addr->sa_family == AF_INET &&
                    ((struct sockaddr_in *)p->ifa_addr)->sin_addr.s_addr == mine.s_addr)
                        found = p;
        if (!found) {
                add(errors,
                    "network %s: this node's address %s is not on any of its interfaces (give "
                    "the interface that address, or correct INTERFACES of network %s)",
                    name, json_string_value(json_object_get(addrs, key)), name);
        } else if (found->ifa_netmask &&
                   prefix_of(((struct sockaddr_in *)found->ifa_netmask)->sin_addr) != prefix) {
                add(warn, "network %s: %s/%u on %s, but the network's PREFIX is %u", name,
                    json_string_value(json_object_get(addrs, key)),
                    prefix_of(((struct sockaddr_in *)found->ifa_netmask)->sin_addr),
                    found->ifa_name, prefix);
        }
        freeifaddrs(ifa);
        json_object_foreach(addrs, k, v)
        {
                int n = hamr_config_node_by_id(d->cfg, (uint32_t)atoi(k));
                struct in_addr base = mine;
                if (!strcmp(k, key) ||
                    inet_pton(AF_INET, json_string_value(v) ?: "", &other) != 1 ||
                    same_subnet(mine, other, prefix))
                        continue;
                base.s_addr &= prefix ? htonl(~0U << (32 - prefix)) : 0;
                inet_ntop(AF_INET, &base, net, sizeof(net));
                add(errors,
                    "network %s: node %s's address %s is not on this node's subnet %s/%u "
                    "(every node's address on a network shares its subnet)",
                    name, n >= 0 ? d->cfg->nodes[n].name : k, json_string_value(v), net, prefix);
        }
}

/* The service address of a group held on no node, probed on the network
 * (ARP, from the interface on its subnet) by the readings: an answer means
 * another host uses it. The result shown is the latest probe (at most
 * PROBE_FRESH_USEC old); the first verification after a change asks for
 * it. */
static void check_probe(hamrd_t *d, json_t *c, json_t *errors)
{
        const char *text = json_string_value(json_object_get(c, "ADDR"));
        const char *group = json_string_value(json_object_get(c, "GROUP"));
        const char *what = json_string_value(json_object_get(c, "WHAT")) ?: "service_ip";
        int g = group && d->cfg ? hamr_config_rg_by_name(d->cfg, group) : -1;
        struct ifaddrs *ifa = NULL, *p;
        struct in_addr addr;
        char ifname[IFNAMSIZ] = "";
        probe_t *pr = NULL;

        if (!text || inet_pton(AF_INET, text, &addr) != 1)
                return;
        for (unsigned n = 0; g >= 0 && n < d->cfg->nnodes; n++) {
                rg_state_t st =
                    cstate_group_state(d->cs, (uint16_t)d->cfg->nodes[n].id, (unsigned)g);
                if (st != RG_S_OFFLINE && st != RG_S_UNKNOWN)
                        return; /* its owner answers for it */
        }
        /* Any group of the applied configuration holding this address (the
         * group may be renamed or the address moved by the change being
         * verified): its owner answers for it. */
        for (unsigned r = 0; d->cfg && r < d->cfg->nrgs; r++)
                for (unsigned k = 0; k < d->cfg->rgs[r].nsips; k++) {
                        int si = d->cfg->rgs[r].sips[k];

                        if (si < 0 || (unsigned)si >= d->cfg->nservice_ips ||
                            d->cfg->service_ips[si].addr.s_addr != addr.s_addr)
                                continue;
                        for (unsigned n = 0; n < d->cfg->nnodes; n++) {
                                rg_state_t st = cstate_group_state(
                                    d->cs, (uint16_t)d->cfg->nodes[n].id, r);
                                if (st != RG_S_OFFLINE && st != RG_S_UNKNOWN)
                                        return;
                        }
                }
        if (getifaddrs(&ifa) < 0)
                return;
        for (p = ifa; p; p = p->ifa_next) {
                struct in_addr a, m;
                if (!p->ifa_addr || p->ifa_addr->sa_family != AF_INET || !p->ifa_netmask ||
                    (p->ifa_flags & IFF_LOOPBACK))
                        continue;
                a = ((struct sockaddr_in *)p->ifa_addr)->sin_addr;
                m = ((struct sockaddr_in *)p->ifa_netmask)->sin_addr;
                if (a.s_addr == addr.s_addr) {
                        ifname[0] = '\0'; /* on this node: daemon_facts reports it */
                        break;
                }
                if (!ifname[0] && (a.s_addr & m.s_addr) == (addr.s_addr & m.s_addr))
                        snprintf(ifname, sizeof(ifname), "%s", p->ifa_name);
        }
        freeifaddrs(ifa);
        if (!ifname[0])
                return;
        for (unsigned k = 0; k < rd.nprobes && !pr; k++)
                if (rd.probes[k].addr.s_addr == addr.s_addr)
                        pr = &rd.probes[k];
        if (!pr && rd.nprobes < MAX_PROBES) {
                pr = &rd.probes[rd.nprobes++];
                memset(pr, 0, sizeof(*pr));
                pr->addr = addr;
        }
        if (!pr)
                return;
        snprintf(pr->ifname, sizeof(pr->ifname), "%s", ifname);
        pr->asked = now_usec();
        if (pr->have && pr->result == 1 && now_usec() - pr->at <= PROBE_FRESH_USEC)
                add(errors,
                    "%s: address %s answers on the network (%s, hardware address "
                    "%02x:%02x:%02x:%02x:%02x:%02x) while resource group %s is offline on "
                    "every node: another host uses it",
                    what, text, ifname, pr->mac[0], pr->mac[1], pr->mac[2], pr->mac[3], pr->mac[4],
                    pr->mac[5], group);
}

static reading_t *reading_of(const char *path)
{
        for (unsigned k = 0; k < rd.nrepos; k++)
                if (!strcmp(rd.repos[k].path, path))
                        return &rd.repos[k];
        return NULL;
}

static bool pending(const char *path)
{
        for (unsigned k = 0; rd.busy && k < rd.nbusy; k++)
                if (!strcmp(rd.busy_paths[k], path))
                        return true;
        return false;
}

static void check_repos(hamrd_t *d, json_t *c, json_t *errors, json_t *warn, json_t *ans)
{
        json_t *paths = json_object_get(c, "PATHS"), *v, *out = json_array();
        const char *active = d->repo ? hamrd_repo_path(d, d->repo_index) : "";
        usec_t now = now_usec(), det = memb_timeout(d->memb);
        bool want_read = false;
        size_t i;

        json_array_foreach(paths, i, v)
        {
                const char *path = json_string_value(v);
                const char *attr = i == 0 ? "REPOSITORY" : "BACKUP_REPOSITORIES";
                reading_t *r;
                char id[2 * REPO_IDENT_LEN + 1];

                if (!path || !*path)
                        continue;
                r = reading_of(path);
                if (!r) {
                        bool known = false;
                        for (unsigned k = 0; k < rd.nwanted; k++)
                                known |= !strcmp(rd.wanted[k], path);
                        if (!known && rd.nwanted < MAX_PATHS)
                                snprintf(rd.wanted[rd.nwanted++], sizeof(rd.wanted[0]), "%s", path);
                        want_read = true;
                }
                if (!strcmp(path, active)) {
                        /* the disk heartbeat reads it every round: that says
                         * whether it is reachable now */
                        if (!d->disk_ok_usec || now - d->disk_ok_usec > det)
                                add(errors,
                                    "%s %s (the active repository): no disk heartbeat round has "
                                    "succeeded on this node for %.1f s (unreachable, failing or "
                                    "hung)",
                                    attr, path,
                                    d->disk_ok_usec ? (double)(now - d->disk_ok_usec) / 1e6
                                                    : (double)(now - d->start_usec) / 1e6);
                } else if (pending(path) && now - rd.busy_since > HUNG_USEC) {
                        add(warn,
                            "%s %s: a read of it has not answered on this node for %.1f s "
                            "(hung?): ARR could not switch to it",
                            attr, path, (double)(now - rd.busy_since) / 1e6);
                } else if (r && r->err) {
                        add(warn,
                            "%s %s cannot be read on this node: %s (ARR could not switch "
                            "to it)",
                            attr, path, strerror(-r->err));
                }
                if (!r || r->err)
                        continue;
                if (i > 0 && r->id.kind == REPO_DISK_FOREIGN)
                        add(errors,
                            "BACKUP_REPOSITORIES %s holds data that is not a hamr repository on "
                            "this node: ARR would format it when it switches to it (give a free "
                            "disk)",
                            path);
                if (i == 0 && r->id.kind != REPO_DISK_REPOSITORY && r->id.kind != REPO_DISK_OLD)
                        add(errors,
                            "REPOSITORY %s is %s on this node: this node reaches another disk "
                            "under that path",
                            path, repo_disk_kind_str(r->id.kind));
                hex(r->id.id, REPO_IDENT_LEN, id);
                json_array_append_new(out, json_pack("{s:s, s:I, s:s, s:s}", "PATH", path, "INDEX",
                                                     (json_int_t)i, "KIND",
                                                     repo_disk_kind_str(r->id.kind), "ID", id));
        }
        json_object_set_new(ans, "REPOS", out);
        if (want_read)
                read_now(d);
}

void hamrd_facts_more_local(hamrd_t *d, json_t *req, json_t *errors, json_t *ans)
{
        json_t *warn = json_array(), *c, *starts = json_object();
        char digest[2 * WIRE_KEY_DIGEST_LEN + 1];
        uint8_t raw[WIRE_KEY_DIGEST_LEN];
        size_t i;

        json_array_foreach(json_object_get(req, "checks"), i, c)
        {
                const char *kind = json_string_value(json_object_get(c, "KIND"));
                if (!kind || !listed(json_object_get(c, "NODES"), d->self_id))
                        continue;
                if (!strcmp(kind, "REPOS"))
                        check_repos(d, c, errors, warn, ans);
                else if (!strcmp(kind, "NETWORK"))
                        check_network(d, c, errors, warn);
                else if (!strcmp(kind, "ADDRESS"))
                        check_probe(d, c, errors);
                else if (!strcmp(kind, "RTO")) {
                        const char *g = json_string_value(json_object_get(c, "GROUP"));
                        for (unsigned k = 0; g && k < rd.nstarts; k++)
                                if (!strcmp(rd.starts[k].group, g))
                                        json_object_set_new(starts, g, json_real(rd.starts[k].s));
                }
        }
        json_object_set_new(ans, "STARTS", starts);
        json_object_set_new(ans, "KEY_PATH", json_string(d->key_path));
        if (d->wire) {
                wire_ctx_key_digest(d->wire, raw);
                hex(raw, sizeof(raw), digest);
                json_object_set_new(ans, "KEY_USE", json_string(digest));
        }
        if (rd.key_have && rd.key_err == 0) {
                hex(rd.key_digest, sizeof(rd.key_digest), digest);
                json_object_set_new(ans, "KEY_FILE", json_string(digest));
        } else if (rd.key_have) {
                json_object_set_new(ans, "KEY_FILE_ERROR", json_string(strerror(-rd.key_err)));
        }
        json_object_set_new(ans, "WARNINGS", warn);
        if (!rd.busy && now_usec() - rd.last >= USEC_PER_SEC)
                read_now(d); /* the next verification sees fresh readings */
}

/* ---- the gathering node: comparisons and the RTO budget ---- */

static const char *name_of(hamrd_t *d, const char *id_text)
{
        int n = hamr_config_node_by_id(d->cfg, (uint32_t)atoi(id_text));
        return n >= 0 ? d->cfg->nodes[n].name : id_text;
}

static json_t *entry_of(json_t *rep, const char *node)
{
        json_t *n;
        size_t i;

        json_array_foreach(
            json_object_get(rep, "nodes"), i,
            n) if (!strcmp(json_string_value(json_object_get(n, "NODE")) ?: "", node)) return n;
        return NULL;
}

static void node_add(json_t *rep, const char *node, const char *list, const char *text)
{
        json_t *e = entry_of(rep, node), *arr;

        if (!e)
                return;
        arr = json_object_get(e, list);
        if (!json_is_array(arr)) {
                arr = json_array();
                json_object_set_new(e, list, arr);
        }
        json_array_append_new(arr, json_string(text));
}

/* The value most answers give for key (ties: the gathering node's, then
 * the first); NULL if none. Borrowed from answers. */
static const char *reference(json_t *vals, const char *self)
{
        const char *k, *best = NULL, *k2;
        json_t *v, *v2;
        int best_n = 0;

        json_object_foreach(vals, k, v)
        {
                int n = 0;
                json_object_foreach(vals, k2, v2) n += json_equal(v, v2);
                if (n > best_n || (n == best_n && !strcmp(k, self))) {
                        best_n = n;
                        best = json_string_value(v);
                }
        }
        return best;
}

static void compare_repos(hamrd_t *d, json_t *rep, json_t *answers, const char *self)
{
        for (unsigned idx = 0; idx <= CONF_MAX_BACKUP_REPOS; idx++) {
                json_t *vals = json_object(), *ans, *r;
                const char *k, *path = NULL, *ref, *refnode = NULL;
                size_t i;
                char line[4600];

                json_object_foreach(answers, k, ans) json_array_foreach(
                    json_object_get(ans, "REPOS"), i,
                    r) if (json_integer_value(json_object_get(r, "INDEX")) == idx)
                {
                        json_object_set(vals, k, json_object_get(r, "ID"));
                        path = json_string_value(json_object_get(r, "PATH"));
                }
                ref = reference(vals, self);
                json_object_foreach(vals, k, r) if (!strcmp(json_string_value(r) ?: "", ref ?: ""))
                {
                        refnode = name_of(d, k);
                        break;
                }
                json_object_foreach(vals, k, r)
                {
                        if (!ref || !strcmp(json_string_value(r) ?: "", ref))
                                continue;
                        snprintf(line, sizeof(line),
                                 "%s %s is not the same disk here as on node %s (identity "
                                 "%.12s here, %.12s there): every node must reach the one shared "
                                 "disk under that path",
                                 idx ? "BACKUP_REPOSITORIES" : "REPOSITORY", path ? path : "?",
                                 refnode ? refnode : "?", json_string_value(r), ref);
                        node_add(rep, name_of(d, k), "ERRORS", line);
                }
                json_decref(vals);
        }
}

static void compare_keys(hamrd_t *d, json_t *rep, json_t *answers, const char *self)
{
        json_t *use = json_object(), *ans;
        const char *k, *ref;
        char line[4600];

        json_object_foreach(answers, k, ans) if (json_object_get(ans, "KEY_USE"))
            json_object_set(use, k, json_object_get(ans, "KEY_USE"));
        ref = reference(use, self);
        json_object_foreach(answers, k, ans)
        {
                const char *mine = json_string_value(json_object_get(ans, "KEY_USE"));
                const char *file = json_string_value(json_object_get(ans, "KEY_FILE"));
                const char *ferr = json_string_value(json_object_get(ans, "KEY_FILE_ERROR"));
                const char *path = json_string_value(json_object_get(ans, "KEY_PATH")) ?: "?";

                if (!ref)
                        break;
                if (mine && strcmp(mine, ref)) {
                        snprintf(line, sizeof(line),
                                 "the cluster key in use differs from the other nodes' (digest "
                                 "%.12s here, %.12s there)",
                                 mine, ref);
                        node_add(rep, name_of(d, k), "ERRORS", line);
                }
                if (ferr) {
                        snprintf(line, sizeof(line),
                                 "cluster key file %s cannot be read: %s (at its next start this "
                                 "node will not join: copy the key file from another node, mode "
                                 "0600)",
                                 path, ferr);
                        node_add(rep, name_of(d, k), "ERRORS", line);
                } else if (file && strcmp(file, ref)) {
                        snprintf(line, sizeof(line),
                                 "cluster key file %s is not the key the cluster uses (digest "
                                 "%.12s here, %.12s in use): at its next start this node will "
                                 "not join (copy the key file from another node)",
                                 path, file, ref);
                        node_add(rep, name_of(d, k), "ERRORS", line);
                }
        }
        json_decref(use);
}

static void rto_budget(hamrd_t *d, json_t *rep, json_t *answers, json_t *req)
{
        json_t *out = json_array(), *c, *ans, *warn = json_object_get(rep, "warnings");
        size_t i;
        char text[1024], line[1200];

        json_array_foreach(json_object_get(req, "checks"), i, c)
        {
                const char *kind = json_string_value(json_object_get(c, "KIND"));
                const char *g = json_string_value(json_object_get(c, "GROUP"));
                double det = (double)json_integer_value(json_object_get(c, "DETECT_MS")) / 1e3;
                double fence = (double)json_integer_value(json_object_get(c, "FENCE_MS")) / 1e3;
                double rto = (double)json_integer_value(json_object_get(c, "RTO_MS")) / 1e3;
                double start = -1, worst;
                const char *k, *on = NULL;
                json_t *o;
                int n;

                if (!kind || strcmp(kind, "RTO") || !g)
                        continue;
                json_object_foreach(answers, k, ans)
                {
                        json_t *s = json_object_get(json_object_get(ans, "STARTS"), g);
                        if (json_is_number(s) && json_number_value(s) > start) {
                                start = json_number_value(s);
                                on = name_of(d, k);
                        }
                }
                worst = det + fence + (start > 0 ? start : 0);
                if (start >= 0)
                        n = snprintf(text, sizeof(text),
                                     "%s: worst-case failover %.2f s (detection %.2f s, fence "
                                     "%.2f s, start %.2f s measured on %s)",
                                     g, worst, det, fence, start, on);
                else
                        n = snprintf(text, sizeof(text),
                                     "%s: worst-case failover at least %.2f s (detection %.2f s, "
                                     "fence %.2f s; no start time measured yet: the group was "
                                     "never acquired in the event logs of the nodes that "
                                     "answered)",
                                     g, worst, det, fence);
                if (rto > 0 && n > 0 && (size_t)n < sizeof(text))
                        snprintf(text + n, sizeof(text) - (size_t)n, " %s RTO %g s",
                                 worst <= rto ? "within" : "above", rto);
                o = json_pack("{s:s, s:f, s:f, s:f, s:s}", "GROUP", g, "WORST", worst, "DETECTION",
                              det, "FENCE", fence, "TEXT", text);
                json_object_set_new(o, "START", start >= 0 ? json_real(start) : json_null());
                json_object_set_new(o, "START_NODE", on ? json_string(on) : json_null());
                json_object_set_new(o, "RTO", rto > 0 ? json_real(rto) : json_null());
                json_object_set_new(o, "WITHIN_RTO",
                                    rto > 0 ? json_boolean(worst <= rto) : json_null());
                json_array_append_new(out, o);
                if (rto > 0 && worst > rto) {
                        snprintf(line, sizeof(line),
                                 "resource_group %s: worst-case failover %.2f s is above its RTO "
                                 "%g s (detection %.2f s + fence %.2f s + start %.2f s%s%s)",
                                 g, worst, rto, det, fence, start > 0 ? start : 0, on ? " on " : "",
                                 on ? on : "");
                        if (!json_is_array(warn)) {
                                warn = json_array();
                                json_object_set_new(rep, "warnings", warn);
                        }
                        json_array_append_new(warn, json_string(line));
                }
        }
        json_object_set_new(rep, "rto", out);
}

void hamrd_facts_more_finish(hamrd_t *d, json_t *rep, json_t *answers, const char *req_text)
{
        json_t *req = req_text ? json_loads(req_text, 0, NULL) : NULL, *ans, *w;
        const char *k;
        char self[16];
        size_t i;

        if (!d->cfg)
                goto out;
        snprintf(self, sizeof(self), "%u", d->self_id);
        json_object_foreach(answers, k, ans)
        {
                json_t *e = entry_of(rep, name_of(d, k));
                json_array_foreach(json_object_get(ans, "WARNINGS"), i, w)
                    node_add(rep, name_of(d, k), "WARNINGS", json_string_value(w) ?: "?");
                if (e && json_object_get(ans, "REPOS")) /* -j: what each node read */
                        json_object_set(e, "REPOSITORIES", json_object_get(ans, "REPOS"));
        }
        compare_repos(d, rep, answers, self);
        compare_keys(d, rep, answers, self);
        if (req)
                rto_budget(d, rep, answers, req);
out:
        json_decref(req);
}
