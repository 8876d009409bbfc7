/* daemon_facts.c: verification on the nodes: the checks of a configuration
 * (built on the configuration worker), this node's own checks (stat and
 * access of files, getifaddrs for service addresses, stat of filesystem
 * devices and the mount table for their mount points: local and quick, run
 * on the loop), and the gathering of every member's answers. */
#include "daemon/daemon_facts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agents/agent_fs.h"
#include "common/hamr_alloc.h"
#include "common/hamr_buf.h"
#include "common/hamr_error.h"
#include "common/hamr_log.h"
#include "daemon/daemon.h"
#include "daemon/daemon_facts_more.h"
#include "daemon/daemon_ocf.h"

#define FACTS_TIMEOUT_USEC (3 * USEC_PER_SEC)
/* The checks travel in one message (a verify forwarded to the coordinator
 * is answered in one REPLY; facts sends them in one COMMAND): they stop
 * at this many bytes of text, well inside a message body. */
#define FACTS_CHECKS_BUDGET (24 * 1024)
#define FACTS_RESEND_USEC   (300 * USEC_PER_MSEC)

static int64_t wall_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the checks of a configuration (pure) ---- */

/* Bytes the checks take so far, roughly as JSON text. */
static size_t checks_size(json_t *checks)
{
        size_t n = 0, i;
        json_t *c;

        json_array_foreach(checks, i, c)
        {
                const char *p = json_string_value(json_object_get(c, "PATH"));
                const char *w = json_string_value(json_object_get(c, "WHAT"));
                n += 64 + (p ? strlen(p) : 16) + (w ? strlen(w) : 0) +
                     4 * json_array_size(json_object_get(c, "NODES"));
        }
        return n;
}

static bool room_for(json_t *checks, const char *path, const char *what)
{
        return json_array_size(checks) < HAMRD_FACTS_MAX_CHECKS &&
               checks_size(checks) + 64 + strlen(path) + strlen(what) + 4 * CONF_MAX_NODES <=
                   FACTS_CHECKS_BUDGET;
}

static json_t *group_nodes(const conf_rg_t *rg, json_t *into)
{
        for (unsigned k = 0; k < rg->nnodes; k++) {
                size_t i;
                json_t *v;
                bool have = false;
                json_array_foreach(into, i, v) have =
                    have || json_integer_value(v) == (json_int_t)rg->nodes[k];
                if (!have)
                        json_array_append_new(into, json_integer(rg->nodes[k]));
        }
        return into;
}

/* The check of file `path` (what: which attribute of which object), on the
 * nodes of group g; one check per path, its node lists merged. */
static void add_file(json_t *checks, const char *path, const char *what, const conf_rg_t *rg)
{
        size_t i;
        json_t *c;

        if (!path || !*path)
                return;
        json_array_foreach(checks, i, c)
        {
                const char *p = json_string_value(json_object_get(c, "PATH"));
                if (p && strcmp(p, path) == 0) {
                        group_nodes(rg, json_object_get(c, "NODES"));
                        return;
                }
        }
        if (!room_for(checks, path, what))
                return;
        json_array_append_new(checks,
                              json_pack("{s:s, s:s, s:s, s:o}", "KIND", "FILE", "PATH", path,
                                        "WHAT", what, "NODES", group_nodes(rg, json_array())));
}

json_t *hamrd_facts_checks(const hamr_config_t *cfg)
{
        json_t *checks = json_array();
        char what[CONF_MAX_NAME * 2 + 64], addr[INET_ADDRSTRLEN];

        for (unsigned g = 0; cfg && g < cfg->nrgs; g++) {
                const conf_rg_t *rg = &cfg->rgs[g];
                for (unsigned k = 0; k < rg->napps; k++) {
                        const conf_appctl_t *a = &cfg->appctls[rg->apps[k]];
                        snprintf(what, sizeof(what), "STARTSCRIPT of application_controller %s",
                                 a->name);
                        add_file(checks, a->startscript, what, rg);
                        snprintf(what, sizeof(what), "STOPSCRIPT of application_controller %s",
                                 a->name);
                        add_file(checks, a->stopscript, what, rg);
                }
                if (rg->fallover == RG_FALLOVER_FUDNP && CONF_DNP_SCRIPTED(rg->dnp_policy)) {
                        snprintf(what, sizeof(what),
                                 "NODE_PRIORITY_POLICY_SCRIPT of resource_group %s", rg->name);
                        add_file(checks, rg->dnp_script, what, rg);
                }
                for (unsigned k = 0; k < rg->nfss; k++) {
                        const conf_filesystem_t *f = &cfg->filesystems[rg->fss[k]];
                        if (json_array_size(checks) + 2 > HAMRD_FACTS_MAX_CHECKS)
                                break;
                        snprintf(what, sizeof(what), "file_system %s", f->name);
                        /* LABEL=/UUID= are resolved at mount time only
                         * (a probe of every device is no quick check) */
                        if (f->device[0] == '/')
                                json_array_append_new(
                                    checks, json_pack("{s:s, s:s, s:s, s:o}", "KIND", "DEVICE",
                                                      "PATH", f->device, "WHAT", what, "NODES",
                                                      group_nodes(rg, json_array())));
                        json_array_append_new(
                            checks, json_pack("{s:s, s:s, s:s, s:s, s:o, s:I}", "KIND", "MOUNT",
                                              "PATH", f->mount_point, "WHAT", what, "GROUP",
                                              rg->name, "NODES", group_nodes(rg, json_array()),
                                              "GROUP_ID", (json_int_t)rg->id));
                }
                for (unsigned k = 0; k < rg->nsips; k++) {
                        const conf_service_ip_t *sip = &cfg->service_ips[rg->sips[k]];
                        inet_ntop(AF_INET, &sip->addr, addr, sizeof(addr));
                        snprintf(what, sizeof(what), "service_ip %s", sip->name);
                        if (!room_for(checks, addr, what))
                                break;
                        json_array_append_new(
                            checks, json_pack("{s:s, s:s, s:s, s:s, s:o, s:I}", "KIND", "ADDRESS",
                                              "ADDR", addr, "WHAT", what, "GROUP", rg->name,
                                              "NODES", group_nodes(rg, json_array()), "GROUP_ID",
                                              (json_int_t)rg->id));
                }
        }
        for (unsigned m = 0; cfg && m < cfg->nappmons; m++) {
                const conf_appmon_t *am = &cfg->appmons[m];
                static const char *const names[] = {"MONITORMETHOD", "NOTIFYMETHOD",
                                                    "CLEANUPMETHOD", "RESTARTMETHOD"};
                const char *paths[] = {am->monitor, am->notify, am->cleanup, am->restart};
                if (am->rg < 0)
                        continue;
                for (unsigned k = 0; k < 4; k++) {
                        snprintf(what, sizeof(what), "%s of application_monitor %s", names[k],
                                 am->name);
                        add_file(checks, paths[k], what, &cfg->rgs[am->rg]);
                }
        }
        if (cfg && (cfg->nevents || cfg->nnodes)) {
                /* event commands run on every node that sees the event */
                conf_rg_t *all = zalloc(sizeof(*all));

                for (unsigned k = 0; k < cfg->nnodes && k < CONF_MAX_NODES; k++)
                        all->nodes[all->nnodes++] = cfg->nodes[k].id;
                for (unsigned e = 0; e < cfg->nevents; e++) {
                        snprintf(what, sizeof(what), "FILE of event %s", cfg->events[e].name);
                        add_file(checks, cfg->events[e].file, what, all);
                }
                for (int e = 0; e < CONF_EV_COUNT; e++) {
                        snprintf(what, sizeof(what), "NOTIFYMETHOD of event %s",
                                 conf_ev_name((conf_ev_t)e));
                        add_file(checks, cfg->ev_hooks[e].notify, what, all);
                }
                free(all);
        }
        hamrd_facts_more_checks(cfg, checks);
        hamrd_ocf_facts_checks(cfg, checks); /* OCF controllers: daemon_ocf.c */
        return checks;
}

/* ---- this node's checks ---- */

static bool listed(json_t *nodes, uint16_t id)
{
        size_t i;
        json_t *v;

        json_array_foreach(nodes, i, v) if (json_integer_value(v) == id) return true;
        return false;
}

static bool address_present(const char *text)
{
        struct ifaddrs *ifa = NULL, *p;
        struct in_addr want;
        bool found = false;

        if (inet_pton(AF_INET, text, &want) != 1 || getifaddrs(&ifa) < 0)
                return false;
        for (p = ifa; p && !found; p = p->ifa_next)
                found = p->ifa_addr && p->ifa_addr->sa_family == AF_INET &&
                        ((struct sockaddr_in *)p->ifa_addr)->sin_addr.s_addr == want.s_addr;
        freeifaddrs(ifa);
        return found;
}

/* The group of check c (by its ID: a group renamed by the sync being
 * verified keeps it; by name from a node that did not send the ID). */
static bool holds_group(hamrd_t *d, const char *name, json_t *c)
{
        json_t *id = json_object_get(c, "GROUP_ID");
        int g = -1;
        rg_state_t s;

        if (d->cfg && json_is_integer(id))
                g = hamr_config_rg_by_id(d->cfg, (uint32_t)json_integer_value(id));
        else if (d->cfg && name)
                g = hamr_config_rg_by_name(d->cfg, name);

        if (g < 0)
                return false;
        s = cstate_group_state(d->cs, d->self_id, (unsigned)g);
        return s != RG_S_OFFLINE && s != RG_S_UNKNOWN;
}

static void check_one(hamrd_t *d, json_t *c, json_t *errors)
{
        const char *kind = json_string_value(json_object_get(c, "KIND"));
        const char *what = json_string_value(json_object_get(c, "WHAT"));
        char line[4400];

        what = what ? what : "?";
        if (kind && !strcmp(kind, "FILE")) {
                const char *path = json_string_value(json_object_get(c, "PATH"));
                struct stat st;
                if (!path)
                        return;
                if (stat(path, &st) < 0)
                        snprintf(line, sizeof(line), "%s: %s: %s", what, path, strerror(errno));
                else if (!S_ISREG(st.st_mode))
                        snprintf(line, sizeof(line), "%s: %s is not a regular file", what, path);
                else if (access(path, X_OK) < 0)
                        snprintf(line, sizeof(line), "%s: %s is not executable", what, path);
                else
                        return;
                json_array_append_new(errors, json_string(line));
        } else if (kind && !strcmp(kind, "DEVICE")) {
                const char *path = json_string_value(json_object_get(c, "PATH"));
                struct stat st;
                if (!path)
                        return;
                if (stat(path, &st) < 0)
                        snprintf(line, sizeof(line), "%s: DEVICE %s: %s", what, path,
                                 strerror(errno));
                else if (!S_ISBLK(st.st_mode))
                        snprintf(line, sizeof(line), "%s: DEVICE %s is not a block device", what,
                                 path);
                else
                        return;
                json_array_append_new(errors, json_string(line));
        } else if (kind && !strcmp(kind, "MOUNT")) {
                const char *mp = json_string_value(json_object_get(c, "PATH"));
                const char *group = json_string_value(json_object_get(c, "GROUP"));
                if (!mp || agent_fs_mounted(mp, NULL) != 1 || holds_group(d, group, c))
                        return;
                snprintf(line, sizeof(line),
                         "%s: MOUNT_POINT %s is already mounted on this node, which does not "
                         "hold resource group %s (a leftover: unmount it before the group comes "
                         "online)",
                         what, mp, group ? group : "?");
                json_array_append_new(errors, json_string(line));
        } else if (kind && !strcmp(kind, "ADDRESS")) {
                const char *addr = json_string_value(json_object_get(c, "ADDR"));
                const char *group = json_string_value(json_object_get(c, "GROUP"));
                if (!addr || !address_present(addr) || holds_group(d, group, c))
                        return;
                snprintf(line, sizeof(line),
                         "%s: address %s is already on an interface of this node, which does "
                         "not hold resource group %s (a leftover or another host's address: "
                         "remove it before the group comes online)",
                         what, addr, group ? group : "?");
                json_array_append_new(errors, json_string(line));
        }
}

json_t *hamrd_facts_local(hamrd_t *d, json_t *req)
{
        json_t *errors = json_array(), *c, *ans;
        size_t i;

        json_array_foreach(json_object_get(req, "checks"), i, c)
        {
                if (json_is_object(c) && listed(json_object_get(c, "NODES"), d->self_id))
                        check_one(d, c, errors);
        }
        if (!hamrd_ocf_facts_local(d, req, errors)) {
                json_decref(errors); /* the agents' checks still run: asked again */
                return NULL;
        }
        ans = json_pack("{s:b, s:s, s:i, s:O, s:I}", "ok", 1, "NODE", d->node_name, "NODE_ID",
                        (int)d->self_id, "ERRORS", errors, "WALL_MS", (json_int_t)wall_ms());
        hamrd_facts_more_local(d, req, errors, ans); /* daemon_facts_more.c */
        json_decref(errors);
        return ans;
}

void hamrd_op_node_facts(hamrd_t *d, uint32_t conn, json_t *req)
{
        json_t *ans = hamrd_facts_local(d, req);

        if (ans)
                api_reply(d->api, conn, ans);
        else
                api_reply_error(d->api, conn, CLMGR_RC_ERROR,
                                "the OCF agents' checks are running: ask again");
}

/* ---- gathering ---- */

static void send_to(hamrd_t *d, hamrd_facts_gather_t *g, uint16_t id)
{
        uint8_t buf[WIRE_MAX_BODY];
        bufw_t w;

        bufw_init(&w, buf, sizeof(buf));
        bufw_u32(&w, g->req_id);
        bufw_str(&w, g->text);
        if (!w.overflow)
                hamrd_send_to(d, id, WIRE_T_COMMAND, buf, w.len);
}

static void finish(hamrd_t *d, hamrd_facts_gather_t *g)
{
        json_t *nodes = json_array(), *rep;
        uint64_t members = d->member ? d->memb->view.members : 0;
        char key[16], line[256];

        for (unsigned n = 0; d->cfg && n < d->cfg->nnodes; n++) {
                const conf_node_t *cn = &d->cfg->nodes[n];
                json_t *warn = json_array(), *errs, *ans;

                snprintf(key, sizeof(key), "%u", cn->id);
                ans = json_object_get(g->answers, key);
                if (ans) {
                        int64_t their = json_integer_value(json_object_get(ans, "WALL_MS"));
                        int64_t recv = json_integer_value(json_object_get(ans, "RECV_MS"));
                        int64_t skew = cn->id == d->self_id ? 0 : their - (g->sent_ms + recv) / 2;
                        if (skew > HAMRD_FACTS_SKEW_MS || skew < -HAMRD_FACTS_SKEW_MS) {
                                snprintf(line, sizeof(line),
                                         "clock %.1f s %s node %s's (more than %d s apart: "
                                         "event times and fallback timers will disagree; use "
                                         "NTP)",
                                         (double)(skew < 0 ? -skew : skew) / 1000.0,
                                         skew > 0 ? "ahead of" : "behind", d->node_name,
                                         HAMRD_FACTS_SKEW_MS / 1000);
                                json_array_append_new(warn, json_string(line));
                        }
                        errs = json_incref(json_object_get(ans, "ERRORS"));
                } else {
                        errs = json_array();
                        json_array_append_new(
                            warn, json_string((members >> cn->id) & 1
                                                  ? "did not answer in time: not checked"
                                                  : "not a member of the cluster view (down, cut "
                                                    "off, services not running, or a different "
                                                    "cluster key): not checked"));
                }
                json_array_append_new(nodes,
                                      json_pack("{s:s, s:o, s:o}", "NODE", cn->name, "ERRORS",
                                                errs ? errs : json_array(), "WARNINGS", warn));
        }
        rep = json_pack("{s:b, s:o}", "ok", 1, "nodes", nodes);
        hamrd_facts_more_finish(d, rep, g->answers, g->text); /* daemon_facts_more.c */
        if (g->done)
                g->done(d, rep);
        else
                api_reply(d->api, g->conn, rep);
        json_decref(g->answers);
        free(g->text);
        memset(g, 0, sizeof(*g));
}

void hamrd_op_facts(hamrd_t *d, uint32_t conn, json_t *req)
{
        hamrd_facts_gather(d, conn, req, NULL);
}

void hamrd_facts_gather(hamrd_t *d, uint32_t conn, json_t *req,
                        void (*done)(struct hamrd *d, json_t *rep))
{
        json_t *checks = json_object_get(req, "checks"), *ask, *mine;
        hamrd_facts_gather_t *g = NULL;
        char key[16];

        if (!json_is_array(checks)) {
                api_reply_error(d->api, conn, CLMGR_RC_MISSING,
                                "facts: \"checks\" (an array) is required");
                return;
        }
        if (!d->cfg || !d->member) {
                api_reply(d->api, conn,
                          json_pack("{s:b, s:[], s:[s]}", "ok", 1, "nodes", "warnings",
                                    "cluster services are not configured on this node yet: the "
                                    "nodes' facts are checked by the next verify"));
                return;
        }
        for (int i = 0; i < HAMRD_MAX_FACTS && !g; i++)
                if (!d->facts[i].used)
                        g = &d->facts[i];
        if (!g) {
                api_reply_error(d->api, conn, CLMGR_RC_ERROR,
                                "too many verifications in progress: retry");
                return;
        }
        ask = json_pack("{s:s, s:O}", "op", "node_facts", "checks", checks);
        g->used = true;
        g->conn = conn;
        g->done = done;
        g->req_id = ++d->next_req_id;
        {
                char verify[CONF_MAX_NAME + 48];

                snprintf(verify, sizeof(verify), "%s:%llu:%u", d->node_name,
                         (unsigned long long)d->incarnation, g->req_id);
                json_object_set_new(ask, "VERIFY", json_string(verify));
        }
        g->text = json_dumps(ask, JSON_COMPACT);
        g->answers = json_object();
        g->sent_ms = wall_ms();
        g->deadline = now_usec() + FACTS_TIMEOUT_USEC +
                      (hamrd_ocf_facts_any(req) ? HAMRD_OCF_FACTS_EXTRA_USEC : 0);
        g->last_send = now_usec();
        mine = hamrd_facts_local(d, ask);
        json_decref(ask);
        snprintf(key, sizeof(key), "%u", d->self_id);
        g->waiting = d->memb->view.members & ~(UINT64_C(1) << d->self_id);
        if (mine)
                json_object_set_new(g->answers, key, mine);
        else
                g->waiting |= UINT64_C(1) << d->self_id; /* OCF checks: hamrd_facts_tick */
        for (uint16_t id = 0; id < CONF_MAX_NODES; id++)
                if ((g->waiting >> id & 1) && id != d->self_id)
                        send_to(d, g, id);
        if (!g->waiting || !g->text)
                finish(d, g);
}

/* This node's own answer, while its OCF checks ran (gathering g). */
static void self_answer(hamrd_t *d, hamrd_facts_gather_t *g)
{
        json_t *ask = g->text ? json_loads(g->text, 0, NULL) : NULL, *mine;
        char key[16];

        mine = ask ? hamrd_facts_local(d, ask) : NULL;
        json_decref(ask);
        if (!mine)
                return;
        snprintf(key, sizeof(key), "%u", d->self_id);
        json_object_set_new(g->answers, key, mine);
        g->waiting &= ~(UINT64_C(1) << d->self_id);
}

bool hamrd_facts_on_reply(hamrd_t *d, uint32_t req_id, const char *text)
{
        for (int i = 0; i < HAMRD_MAX_FACTS; i++) {
                hamrd_facts_gather_t *g = &d->facts[i];
                json_t *ans;
                json_int_t id;
                char key[16];

                if (!g->used || g->req_id != req_id)
                        continue;
                ans = json_loads(text, 0, NULL);
                id = ans ? json_integer_value(json_object_get(ans, "NODE_ID")) : -1;
                if (ans && id >= 0 && id < CONF_MAX_NODES && (g->waiting >> id & 1)) {
                        json_object_set_new(ans, "RECV_MS", json_integer((json_int_t)wall_ms()));
                        snprintf(key, sizeof(key), "%d", (int)id);
                        json_object_set(g->answers, key, ans);
                        g->waiting &= ~(UINT64_C(1) << id);
                }
                json_decref(ans);
                if (!g->waiting)
                        finish(d, g);
                return true;
        }
        return false;
}

void hamrd_facts_tick(hamrd_t *d)
{
        usec_t now = now_usec();

        for (int i = 0; i < HAMRD_MAX_FACTS; i++) {
                hamrd_facts_gather_t *g = &d->facts[i];
                if (!g->used)
                        continue;
                if (g->waiting >> d->self_id & 1) {
                        self_answer(d, g);
                        if (!g->waiting) {
                                finish(d, g);
                                continue;
                        }
                }
                if (now >= g->deadline) {
                        finish(d, g);
                } else if (now - g->last_send >= FACTS_RESEND_USEC) {
                        g->last_send = now;
                        for (uint16_t id = 0; id < CONF_MAX_NODES; id++)
                                if ((g->waiting >> id & 1) && id != d->self_id)
                                        send_to(d, g, id);
                }
        }
}
