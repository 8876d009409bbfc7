/* cli_wait: decides, from one status reply, whether a runtime operation
 * (start, stop, rg_online, rg_offline, rg_move, app_suspend, app_resume) has
 * taken effect, failed, or
 * is still pending, and says so in words. Pure: the polling loop is in clmgr.c. */
#include "cli/cli_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hamr_alloc.h"

/* Growing text of lines separated by '\n'. */
struct lines {
        char *buf;
        size_t len;
        FILE *f;
        unsigned n;
};

static void lines_open(struct lines *l)
{
        memset(l, 0, sizeof(*l));
        l->f = open_memstream(&l->buf, &l->len);
        if (!l->f)
                abort(); /* out of memory */
}

static void lines_add(struct lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lines_add(struct lines *l, const char *fmt, ...)
{
        va_list ap;

        if (l->n++)
                fputc('\n', l->f);
        va_start(ap, fmt);
        vfprintf(l->f, fmt, ap);
        va_end(ap);
}

/* Closes l and returns its text (malloc'd). */
static char *lines_take(struct lines *l)
{
        fclose(l->f);
        return l->buf;
}

static void lines_drop(struct lines *l)
{
        fclose(l->f);
        free(l->buf);
}

static const char *str_of(json_t *obj, const char *key)
{
        const char *s = json_string_value(json_object_get(obj, key));
        return s ? s : "";
}

static json_t *find_named(json_t *arr, const char *name)
{
        size_t i;
        json_t *o;

        json_array_foreach(arr, i, o) if (strcmp(str_of(o, "NAME"), name) == 0) return o;
        return NULL;
}

static bool is_stopped(const char *state)
{
        return strcmp(state, "OFFLINE") == 0 || strcmp(state, "UNMANAGED") == 0 ||
               strcmp(state, "DOWN") == 0;
}

static bool node_ok(bool start, const char *state)
{
        return start ? strcmp(state, "ONLINE") == 0 : is_stopped(state);
}

static enum cli_wait_result check_nodes(const struct cli_wait *w, json_t *status, char **ret_text)
{
        bool start = w->kind == CLI_WAIT_START;
        json_t *cluster = json_object_get(status, "cluster");
        json_t *nodes = json_object_get(status, "nodes");
        const char *cstate = str_of(cluster, "STATE"), *cname = str_of(cluster, "NAME");
        bool cluster_ok = start ? strcmp(cstate, "STABLE") == 0
                                : strcmp(cstate, "STABLE") == 0 || strcmp(cstate, "OFFLINE") == 0;
        struct lines pending, done, skipped;
        bool all_ok = cluster_ok;
        size_t i, count;

        lines_open(&pending);
        lines_open(&done);
        lines_open(&skipped);
        count = w->names ? json_array_size(w->names) : json_array_size(nodes);
        for (i = 0; i < count; i++) {
                const char *name, *state;
                json_t *node;

                if (w->names) {
                        name = json_string_value(json_array_get(w->names, i));
                        node = find_named(nodes, name);
                } else {
                        node = json_array_get(nodes, i);
                        name = str_of(node, "NAME");
                }
                state = node ? str_of(node, "STATE") : "";
                if (!node) {
                        lines_add(&pending, "node %s is not in the status", name);
                        all_ok = false;
                } else if (start && !w->names && strcmp(state, "DOWN") == 0) {
                        lines_add(&skipped, "%s", name); /* nobody can start an unreachable node */
                } else if (!node_ok(start, state)) {
                        lines_add(&pending, "node %s is %s (want %s)", name,
                                  *state ? state : "unknown",
                                  start ? "ONLINE" : "OFFLINE, UNMANAGED or DOWN");
                        all_ok = false;
                } else {
                        lines_add(&done, start ? "%s" : "%s (%s)", name, state);
                }
        }
        if (done.n == 0 && !w->names)
                all_ok = false; /* no node at all: not configured yet, or no answer */
        if (!cluster_ok)
                lines_add(&pending, "cluster \"%s\" is %s (want %s)", cname,
                          *cstate ? cstate : "unknown", start ? "STABLE" : "STABLE or OFFLINE");
        if (!all_ok) {
                lines_drop(&done);
                lines_drop(&skipped);
                *ret_text = lines_take(&pending);
                return CLI_WAIT_PENDING;
        }
        lines_drop(&pending);
        {
                char *names = lines_take(&done), *down = lines_take(&skipped);
                struct lines out;

                for (char *p = names; *p; p++)
                        if (*p == '\n')
                                *p = ' ';
                for (char *p = down; *p; p++)
                        if (*p == '\n')
                                *p = ' ';
                lines_open(&out);
                lines_add(&out, "cluster services are %s on %s; cluster \"%s\" is %s%s%s",
                          start ? "ONLINE" : "stopped", names, cname, cstate,
                          *down ? "; DOWN, not started: " : "", down);
                free(names);
                free(down);
                *ret_text = lines_take(&out);
        }
        return CLI_WAIT_DONE;
}

/* WHEN=restart only: every named node whose daemon is up reports start
 * at restart set (or cleared); down nodes get it when they are back. */
static enum cli_wait_result check_boot(const struct cli_wait *w, json_t *status, char **ret_text)
{
        bool on = w->kind == CLI_WAIT_BOOT_ON;
        json_t *nodes = json_object_get(status, "nodes");
        struct lines pending, done;
        size_t count = w->names ? json_array_size(w->names) : json_array_size(nodes);

        lines_open(&pending);
        lines_open(&done);
        for (size_t i = 0; i < count; i++) {
                json_t *node =
                    w->names ? find_named(nodes, json_string_value(json_array_get(w->names, i)))
                             : json_array_get(nodes, i);
                const char *name = w->names ? json_string_value(json_array_get(w->names, i))
                                            : str_of(node, "NAME");
                if (!node || strcmp(str_of(node, "DAEMON"), "UP") != 0)
                        lines_add(&done, "%s (down: when it is back)", name);
                else if (json_is_true(json_object_get(node, "START_ON_RESTART")) != on)
                        lines_add(&pending, "node %s has not recorded it yet", name);
                else
                        lines_add(&done, "%s", name);
        }
        if (pending.n) {
                lines_drop(&done);
                *ret_text = lines_take(&pending);
                return CLI_WAIT_PENDING;
        }
        lines_drop(&pending);
        {
                char *names = lines_take(&done);
                struct lines out;
                for (char *p = names; *p; p++)
                        if (*p == '\n')
                                *p = ' ';
                lines_open(&out);
                lines_add(&out, "start of cluster services at restart %s on %s",
                          on ? "set" : "cleared", names);
                free(names);
                *ret_text = lines_take(&out);
        }
        return CLI_WAIT_DONE;
}

/* The node a group's ERROR is reported on. */
static const char *error_node(const struct cli_wait *w, json_t *group)
{
        const char *key;
        json_t *v;

        json_object_foreach(json_object_get(group, "NODES"), key,
                            v) if (json_is_string(v) &&
                                   strncmp(json_string_value(v), "ERROR", 5) == 0) return key;
        if (*str_of(group, "CURRENT_NODE"))
                return str_of(group, "CURRENT_NODE");
        if (*str_of(group, "TARGET"))
                return str_of(group, "TARGET");
        return w->node ? w->node : "unknown node";
}

/* A concurrent group (STATUS CONCURRENT): online/offline on the node asked
 * for, or, without one, ONLINE on every node that should hold an instance
 * (TARGET) or held nowhere. */
static void check_concurrent(const struct cli_wait *w, json_t *g, const char *name,
                             struct lines *pending, struct lines *done, struct lines *failed)
{
        bool want_online = w->kind != CLI_WAIT_RG_OFFLINE;
        json_t *per = json_object_get(g, "NODES");
        const char *node, *cur = str_of(g, "CURRENT_NODE");
        json_t *st;
        bool all = true, any = false;
        char tgt[4096], *tok, *save = NULL;

        if (w->node) {
                const char *on = str_of(per, w->node);
                char key[160];
                snprintf(key, sizeof(key), "%s@%s", name, w->node);
                if (want_online && !strcmp(on, "ONLINE"))
                        lines_add(done, "resource_group \"%s\" is ONLINE on %s", name, w->node);
                else if (want_online && !strcmp(on, "ERROR") && !json_object_get(w->stale, key))
                        lines_add(failed, "resource_group %s: ERROR on %s: %s", name, w->node,
                                  *str_of(json_object_get(g, "ERRORS"), w->node)
                                      ? str_of(json_object_get(g, "ERRORS"), w->node)
                                      : "(no reason given)");
                else if (!want_online && strcmp(on, "ONLINE") && strcmp(on, "ACQUIRING") &&
                         strcmp(on, "RELEASING"))
                        lines_add(done, "resource_group \"%s\" is %s on %s", name, on, w->node);
                else
                        lines_add(pending, "resource_group \"%s\" is %s on %s (want %s there)",
                                  name, *on ? on : "unknown", w->node,
                                  want_online ? "ONLINE" : "OFFLINE");
                return;
        }
        json_object_foreach(per, node, st)
        {
                const char *s = json_is_string(st) ? json_string_value(st) : "";
                any = any || !strcmp(s, "ONLINE") || !strcmp(s, "ACQUIRING") ||
                      !strcmp(s, "RELEASING");
        }
        snprintf(tgt, sizeof(tgt), "%s", str_of(g, "TARGET"));
        for (tok = strtok_r(tgt, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
                all = all && !strcmp(str_of(per, tok), "ONLINE");
        if (want_online && all && *str_of(g, "TARGET"))
                lines_add(done, "resource_group \"%s\" is ONLINE on %s", name, cur);
        else if (!want_online && !any)
                lines_add(done, "resource_group \"%s\" is OFFLINE", name);
        else
                lines_add(pending, "resource_group \"%s\" is %s%s%s (want %s)", name,
                          str_of(g, "STATE"), *cur ? " on " : "", cur,
                          want_online ? "ONLINE on every available node" : "OFFLINE");
}

static enum cli_wait_result check_groups(struct cli_wait *w, json_t *status, char **ret_text)
{
        json_t *groups = json_object_get(status, "groups");
        bool want_online = w->kind != CLI_WAIT_RG_OFFLINE;
        struct lines pending, done, failed;
        size_t i;
        json_t *gname;

        lines_open(&pending);
        lines_open(&done);
        lines_open(&failed);
        json_array_foreach(w->names, i, gname)
        {
                const char *name = json_string_value(gname);
                json_t *g = find_named(groups, name);
                const char *state, *cur;
                bool stale;

                if (!g) {
                        lines_add(&pending, "resource_group \"%s\" is not in the status", name);
                        continue;
                }
                if (json_is_true(json_object_get(g, "CONCURRENT"))) {
                        check_concurrent(w, g, name, &pending, &done, &failed);
                        continue;
                }
                state = str_of(g, "STATE");
                cur = str_of(g, "CURRENT_NODE");
                stale = json_object_get(w->stale, name) != NULL;
                if (stale && strcmp(state, "ERROR") != 0) {
                        json_object_del(w->stale, name);
                        stale = false;
                }
                const char *on_node = w->node ? str_of(json_object_get(g, "NODES"), w->node) : "";
                char key[160]; /* "group@node": two names of at most 64 */
                bool node_stale;

                /* an ERROR on the node asked for that was there before the
                 * request (its failure mark) is not the answer: it is gone
                 * once the request cleared it */
                snprintf(key, sizeof(key), "%s@%s", name, w->node ? w->node : "");
                node_stale = json_object_get(w->stale, key) != NULL;
                if (node_stale && strcmp(on_node, "ERROR") != 0) {
                        json_object_del(w->stale, key);
                        node_stale = false;
                }
                if (want_online && w->node && strcmp(on_node, "ERROR") == 0 && !node_stale &&
                    strcmp(state, "ERROR") != 0) {
                        /* it failed on the node asked for and moved on */
                        const char *why = str_of(json_object_get(g, "ERRORS"), w->node);
                        lines_add(&failed,
                                  "resource_group %s: ERROR on %s: %s (the group moved on: %s%s%s)",
                                  name, w->node, *why ? why : "(no reason given)",
                                  *state ? state : "unknown", *cur ? " on " : "", cur);
                } else if (strcmp(state, "ERROR") == 0 && !stale) {
                        lines_add(&failed, "resource_group %s: ERROR on %s: %s", name,
                                  error_node(w, g),
                                  *str_of(g, "ERROR") ? str_of(g, "ERROR") : "(no reason given)");
                } else if (want_online && strcmp(state, "ONLINE") == 0 &&
                           (!w->node || strcmp(cur, w->node) == 0)) {
                        lines_add(&done, "resource_group \"%s\" is ONLINE on %s", name, cur);
                } else if (!want_online && strcmp(state, "OFFLINE") == 0) {
                        lines_add(&done, "resource_group \"%s\" is OFFLINE", name);
                } else {
                        lines_add(&pending, "resource_group \"%s\" is %s%s%s%s (want %s%s%s)", name,
                                  *state ? state : "unknown", *cur ? " on " : "", cur,
                                  stale ? ", from before the request" : "",
                                  want_online ? "ONLINE" : "OFFLINE", w->node ? " on " : "",
                                  w->node ? w->node : "");
                }
        }
        if (failed.n) {
                lines_drop(&pending);
                lines_drop(&done);
                *ret_text = lines_take(&failed);
                return CLI_WAIT_FAILED;
        }
        lines_drop(&failed);
        if (pending.n) {
                lines_drop(&done);
                *ret_text = lines_take(&pending);
                return CLI_WAIT_PENDING;
        }
        lines_drop(&pending);
        *ret_text = lines_take(&done);
        return CLI_WAIT_DONE;
}

void cli_wait_prime(struct cli_wait *w, json_t *status)
{
        json_t *groups = json_object_get(status, "groups");
        size_t i;
        json_t *gname;

        if (w->kind != CLI_WAIT_RG_ONLINE && w->kind != CLI_WAIT_RG_OFFLINE &&
            w->kind != CLI_WAIT_RG_MOVE)
                return;
        json_array_foreach(w->names, i, gname)
        {
                json_t *g = find_named(groups, json_string_value(gname));

                if (g && w->node &&
                    strcmp(str_of(json_object_get(g, "NODES"), w->node), "ERROR") == 0) {
                        char key[160]; /* "group@node": two names of at most 64 */
                        snprintf(key, sizeof(key), "%s@%s", json_string_value(gname), w->node);
                        if (!w->stale)
                                w->stale = json_object();
                        json_object_set_new(w->stale, key, json_true());
                }
                if (g && strcmp(str_of(g, "STATE"), "ERROR") == 0) {
                        if (!w->stale)
                                w->stale = json_object();
                        json_object_set_new(w->stale, json_string_value(gname), json_true());
                }
        }
}

/* Suspend/resume: the named controllers (all: every suspended one is gone,
 * or, for suspend ALL, anything at all) are in (or out of) the cluster's
 * MONITOR_SUSPENDED list as the answering node follows it. */
static enum cli_wait_result check_suspend(const struct cli_wait *w, json_t *status, char **ret_text)
{
        bool on = w->kind == CLI_WAIT_SUSPEND;
        json_t *list = json_object_get(json_object_get(status, "cluster"), "MONITOR_SUSPENDED");
        struct lines pending, done;
        size_t i;
        json_t *v;

        lines_open(&pending);
        lines_open(&done);
        if (!w->names && !on && json_array_size(list) > 0)
                lines_add(&pending, "monitoring of %zu application controllers still suspended",
                          json_array_size(list));
        json_array_foreach(w->names, i, v)
        {
                const char *name = json_string_value(v);
                bool in = false;
                size_t k;
                json_t *s;
                json_array_foreach(list, k, s) in |= !strcmp(json_string_value(s), name);
                if (in != on)
                        lines_add(&pending, "application_controller %s: monitoring not %s yet",
                                  name, on ? "suspended" : "resumed");
                else
                        lines_add(&done, "application_controller %s: monitoring %s", name,
                                  on ? "suspended" : "resumed");
        }
        if (!w->names && !pending.n)
                lines_add(&done, "monitoring %s", on ? "suspended" : "resumed");
        if (pending.n) {
                lines_drop(&done);
                *ret_text = lines_take(&pending);
                return CLI_WAIT_PENDING;
        }
        lines_drop(&pending);
        *ret_text = lines_take(&done);
        return CLI_WAIT_DONE;
}

enum cli_wait_result cli_wait_check(struct cli_wait *w, json_t *status, char **ret_text)
{
        switch (w->kind) {
        case CLI_WAIT_START:
        case CLI_WAIT_STOP:
                return check_nodes(w, status, ret_text);
        case CLI_WAIT_BOOT_ON:
        case CLI_WAIT_BOOT_OFF:
                return check_boot(w, status, ret_text);
        case CLI_WAIT_RG_ONLINE:
        case CLI_WAIT_RG_OFFLINE:
        case CLI_WAIT_RG_MOVE:
                return check_groups(w, status, ret_text);
        case CLI_WAIT_SUSPEND:
        case CLI_WAIT_RESUME:
                return check_suspend(w, status, ret_text);
        case CLI_WAIT_NONE:
        default:
                *ret_text = zstrdup("");
                return CLI_WAIT_DONE;
        }
}

char *cli_wait_goal(const struct cli_wait *w)
{
        struct lines out;
        char *names = NULL;
        size_t len = 0, i;
        json_t *v;
        FILE *f = open_memstream(&names, &len);

        if (!f)
                abort();
        json_array_foreach(w->names, i, v) fprintf(f, "%s%s", i ? "," : "", json_string_value(v));
        fclose(f);
        lines_open(&out);
        switch (w->kind) {
        case CLI_WAIT_START:
        case CLI_WAIT_STOP:
                lines_add(&out, "cluster services to %s on %s%s and the cluster to be %s",
                          w->kind == CLI_WAIT_START ? "be ONLINE" : "stop",
                          w->names ? "node " : "all nodes", w->names ? names : "",
                          w->kind == CLI_WAIT_START ? "STABLE" : "STABLE or OFFLINE");
                break;
        case CLI_WAIT_RG_ONLINE:
        case CLI_WAIT_RG_MOVE:
                lines_add(&out, "resource_group %s to be ONLINE%s%s", names, w->node ? " on " : "",
                          w->node ? w->node : "");
                break;
        case CLI_WAIT_RG_OFFLINE:
                lines_add(&out, "resource_group %s to be OFFLINE", names);
                break;
        case CLI_WAIT_BOOT_ON:
        case CLI_WAIT_BOOT_OFF:
                lines_add(&out, "start at restart to be %s on %s%s",
                          w->kind == CLI_WAIT_BOOT_ON ? "set" : "cleared",
                          w->names ? "node " : "all nodes", w->names ? names : "");
                break;
        case CLI_WAIT_SUSPEND:
        case CLI_WAIT_RESUME:
                lines_add(&out, "monitoring of application_controller %s to be %s",
                          w->names ? names : "ALL",
                          w->kind == CLI_WAIT_SUSPEND ? "suspended" : "resumed");
                break;
        default:
                lines_add(&out, "nothing");
                break;
        }
        free(names);
        return lines_take(&out);
}
