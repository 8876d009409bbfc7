/* cli_parse_build: builds the protocol requests (docs/control-protocol.md)
 * for each action once cli_parse.c has split argv into action, class, name,
 * ATTR=VALUE pairs and flags; also chooses how to show the reply and what to
 * wait for. Pure. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api_ops.h"
#include "cli/cli_parse_build.h"
#include "cli/cli_schema.h"
#include "common/hamr_alloc.h"
#include "common/hamr_error.h"

json_t *cli_new_request(const char *op)
{
        json_t *req = json_object();
        api_op_t id;

        if (api_op_lookup(op, &id, NULL, 0) < 0)
                abort(); /* every op clmgr sends is a row of api_ops.def */
        json_object_set_new(req, "op", json_string(op));
        return req;
}

void cli_add_request(struct cli_cmd *cmd, json_t *req)
{
        json_array_append_new(cmd->requests, req);
}

static char *join_names(json_t *arr)
{
        char *out = NULL;
        size_t len = 0, i;
        json_t *v;
        FILE *f = open_memstream(&out, &len);

        if (!f)
                return zstrdup("?");
        json_array_foreach(arr, i, v) fprintf(f, "%s%s", i ? "," : "", json_string_value(v));
        fclose(f);
        return out;
}

/* modify {failover|fallback} -g RG[,RG] -m POLICY: one modify naming every
 * group ("names"; applied all-or-nothing by the daemon), then sync. */
static int build_policy_shortform(struct cli_cmd *cmd, const struct cli_flags *fl, const char *name,
                                  json_t *attrs, bool fallback)
{
        const char *what = fallback ? "modify fallback" : "modify failover";
        const char *attr = fallback ? "FALLBACK" : "FALLOVER";
        const char *code = NULL, *groups_s = fl->g ? fl->g : name;
        char allowed[256];
        json_t *groups, *req;
        int r;

        r = cli_reject_flags(cmd, fl, "mg", what);
        if (r < 0)
                return r;
        if (json_object_size(attrs) > 0)
                return cli_fail(cmd, CLMGR_RC_INVALID,
                                "%s: unexpected ATTR=VALUE (use -g <group> -m <policy>)", what);
        if (!groups_s)
                return cli_fail(cmd, CLMGR_RC_MISSING, "%s: -g <resource_group> is required", what);
        cli_policy_allowed(attr, allowed, sizeof(allowed)); /* words and values from the schema */
        if (!fl->m)
                return cli_fail(cmd, CLMGR_RC_MISSING, "%s: -m <policy> is required (allowed: %s)",
                                what, allowed);
        code = cli_policy_code(attr, fl->m);
        if (!code)
                return cli_fail(cmd, CLMGR_RC_INVALID, "%s: unknown policy -m %s (allowed: %s)",
                                what, fl->m, allowed);
        groups = cli_split_names(groups_s);
        if (json_array_size(groups) == 0) {
                json_decref(groups);
                return cli_fail(cmd, CLMGR_RC_MISSING, "%s: -g <resource_group> is required", what);
        }
        /* one request: the daemon stages every group or none */
        req = cli_new_request("modify");
        json_object_set_new(req, "class", json_string("resource_group"));
        if (json_array_size(groups) == 1)
                json_object_set(req, "name", json_array_get(groups, 0));
        else
                json_object_set(req, "names", groups);
        json_object_set_new(req, "attrs", json_pack("{ss}", attr, code));
        cli_add_request(cmd, req);
        json_decref(groups);
        cli_add_request(cmd, cli_new_request("sync"));
        cmd->show = CLI_SHOW_SYNC;
        return 0;
}

int cli_build_crud(struct cli_cmd *cmd, enum cli_action act, const struct cli_flags *fl,
                   const char *name, json_t *attrs)
{
        static const api_op_t ops[] = {[CLI_ACT_ADD] = API_OP_ADD,
                                       [CLI_ACT_QUERY] = API_OP_QUERY,
                                       [CLI_ACT_MODIFY] = API_OP_MODIFY,
                                       [CLI_ACT_DELETE] = API_OP_DELETE};
        const char *op = api_op_name(ops[act]);
        const char *cls = cmd->class_name;
        conf_class_t cc;
        json_t *req;
        int r;

        if (act == CLI_ACT_MODIFY &&
            (strcasecmp(cls, "failover") == 0 || strcasecmp(cls, "fallover") == 0))
                return build_policy_shortform(cmd, fl, name, attrs, false);
        if (act == CLI_ACT_MODIFY && strcasecmp(cls, "fallback") == 0)
                return build_policy_shortform(cmd, fl, name, attrs, true);
        r = cli_reject_flags(cmd, fl, "", op);
        if (r == 0)
                r = cli_check_class(cmd, act);
        if (r < 0)
                return r;
        /* clmgr add dependency PARENT=.. CHILD=..: PowerHA takes no name;
         * the daemon names it (dep1, dep2, ...) */
        if (act == CLI_ACT_ADD && !name &&
            (cli_class_lookup(cls, CLI_CLASSES_ALL, &cc) < 0 || cc != CONF_CLASS_DEPENDENCY))
                return cli_fail(cmd, CLMGR_RC_MISSING,
                                "add %s: a name is required (clmgr add %s <NAME> ATTR=VALUE ...)",
                                cls, cls);
        if ((act == CLI_ACT_QUERY || act == CLI_ACT_DELETE) && json_object_size(attrs) > 0)
                return cli_fail(cmd, CLMGR_RC_INVALID,
                                "%s %s: takes no ATTR=VALUE arguments (got %s=...)", op, cls,
                                json_object_iter_key(json_object_iter(attrs)));
        req = cli_new_request(op);
        json_object_set_new(req, "class", json_string(cls));
        json_object_set_new(req, "name", name ? json_string(name) : json_null());
        if (act == CLI_ACT_ADD || act == CLI_ACT_MODIFY)
                json_object_set(req, "attrs", attrs);
        cli_add_request(cmd, req);
        if (act == CLI_ACT_QUERY)
                cmd->show = CLI_SHOW_QUERY;
        return 0;
}

/* Runtime attributes (MANAGE, WHEN, TIMEOUT, NODE, NODES): case-insensitive,
 * exact or unambiguous prefix among allowed[]. NODES means the same as NODE.
 * Returns the canonical name or NULL. */
static const char *runtime_attr(const char *key, const char *const allowed[])
{
        const char *found = NULL;

        for (const char *const *a = allowed; *a; a++) {
                const char *canon = strcmp(*a, "NODES") == 0 ? "NODE" : *a;

                if (strcasecmp(key, *a) == 0)
                        return canon;
                if (!cli_has_prefix_ci(*a, key) || (found && strcmp(found, canon) == 0))
                        continue;
                if (found)
                        return NULL;
                found = canon;
        }
        return found;
}

struct rt_args {
        const char *when, *manage, *node;
        bool have_node;
};

static int parse_runtime_attrs(struct cli_cmd *cmd, json_t *attrs, const char *const allowed[],
                               const char *allowed_text, const char *what, struct rt_args *ra)
{
        const char *key;
        json_t *val;

        json_object_foreach(attrs, key, val)
        {
                const char *canon = runtime_attr(key, allowed);
                const char *v = json_string_value(val);

                if (!canon)
                        return cli_fail(cmd, CLMGR_RC_INVALID,
                                        "%s: attribute '%s' is not supported (allowed: %s)", what,
                                        key, allowed_text);
                if (strcmp(canon, "TIMEOUT") == 0) {
                        if (parse_seconds(v, &cmd->wait.timeout_usec) < 0)
                                return cli_fail(cmd, CLMGR_RC_INVALID,
                                                "%s: TIMEOUT=%s: expected a number of seconds",
                                                what, v);
                } else if (strcmp(canon, "WHEN") == 0) {
                        ra->when = v;
                } else if (strcmp(canon, "MANAGE") == 0) {
                        ra->manage = v;
                } else {
                        ra->node = v;
                        ra->have_node = true;
                }
        }
        if (ra->when && strcasecmp(ra->when, "now") != 0 && strcasecmp(ra->when, "restart") != 0 &&
            strcasecmp(ra->when, "both") != 0)
                return cli_fail(cmd, CLMGR_RC_INVALID,
                                "%s: WHEN=%s is not allowed (allowed: now, restart, both)", what,
                                ra->when);
        return 0;
}

static const char *stop_manage(const char *s)
{
        static const char *const map[][2] = {
            {"offline", "offline"},  {"move", "move"},     {"unmanage", "unmanage"},
            {"graceful", "offline"}, {"takeover", "move"}, {"forced", "unmanage"},
        };
        for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
                if (strcasecmp(s, map[i][0]) == 0)
                        return map[i][1];
        return NULL;
}

int cli_build_start_stop(struct cli_cmd *cmd, enum cli_action act, enum cli_rt_class rt,
                         const struct cli_flags *fl, const char *name, json_t *attrs)
{
        static const char *const allowed[] = {"WHEN", "MANAGE", "TIMEOUT", NULL};
        bool start = act == CLI_ACT_ONLINE;
        char what[64];
        struct rt_args ra = {0};
        json_t *nodes = NULL, *req;
        int r;

        snprintf(what, sizeof(what), "%s %s", start ? "online" : "offline",
                 rt == CLI_RT_CLUSTER ? "cluster" : "node");
        r = cli_reject_flags(cmd, fl, start ? "o" : "m", what);
        if (r < 0)
                return r;
        if (rt == CLI_RT_CLUSTER && name)
                return cli_fail(cmd, CLMGR_RC_INVALID,
                                "%s: unexpected argument '%s' (for some nodes only use: clmgr %s "
                                "node <node>[,<node>...])",
                                what, name, start ? "online" : "offline");
        if (rt == CLI_RT_NODE) {
                nodes = name ? cli_split_names(name) : json_array();
                if (json_array_size(nodes) == 0) {
                        json_decref(nodes);
                        return cli_fail(cmd, CLMGR_RC_MISSING, "%s: a node name is required", what);
                }
        }
        cmd->wait.timeout_usec = CLI_DEFAULT_TIMEOUT_USEC;
        r = parse_runtime_attrs(cmd, attrs, allowed, "WHEN, MANAGE, TIMEOUT", what, &ra);
        if (r < 0)
                goto err;
        /* WHEN: now (default), restart (the node's next hamrd starts, and
         * every one after), both */
        const char *when = ra.when ? (strcasecmp(ra.when, "restart") == 0 ? "restart"
                                      : strcasecmp(ra.when, "both") == 0  ? "both"
                                                                          : "now")
                                   : "now";
        bool restart_only = strcmp(when, "restart") == 0;
        if (start) {
                bool home = false;

                if (ra.manage && strcasecmp(ra.manage, "auto") != 0) {
                        r = cli_fail(cmd, CLMGR_RC_INVALID,
                                     "%s: MANAGE=%s is not supported (allowed: auto)", what,
                                     ra.manage);
                        goto err;
                }
                if (fl->o) {
                        if (strcasecmp(fl->o, "home") != 0) {
                                r = cli_fail(cmd, CLMGR_RC_INVALID,
                                             "%s: unknown option -o %s (allowed: home)", what,
                                             fl->o);
                                goto err;
                        }
                        home = true;
                }
                req = cli_new_request(api_op_name(API_OP_START));
                json_object_set(req, "nodes", nodes ? nodes : json_null());
                json_object_set_new(req, "home_only", json_boolean(home));
                cmd->wait.kind = restart_only ? CLI_WAIT_BOOT_ON : CLI_WAIT_START;
        } else {
                const char *manage = "offline";

                if (ra.manage && fl->m && stop_manage(ra.manage) && stop_manage(fl->m) &&
                    strcmp(stop_manage(ra.manage), stop_manage(fl->m)) != 0) {
                        r = cli_fail(cmd, CLMGR_RC_INVALID, "%s: MANAGE=%s conflicts with -m %s",
                                     what, ra.manage, fl->m);
                        goto err;
                }
                if (ra.manage || fl->m) {
                        const char *given = fl->m ? fl->m : ra.manage;

                        manage = stop_manage(given);
                        if (!manage) {
                                r = cli_fail(cmd, CLMGR_RC_INVALID,
                                             "%s: unknown stop mode '%s' (allowed: offline or "
                                             "graceful, move or takeover, unmanage or forced)",
                                             what, given);
                                goto err;
                        }
                }
                req = cli_new_request(api_op_name(API_OP_STOP));
                json_object_set(req, "nodes", nodes ? nodes : json_null());
                json_object_set_new(req, "manage", json_string(manage));
                cmd->wait.kind = restart_only ? CLI_WAIT_BOOT_OFF : CLI_WAIT_STOP;
        }
        json_object_set_new(req, "when", json_string(when));
        cli_add_request(cmd, req);
        cmd->wait.names = nodes; /* reference handed over */
        return 0;
err:
        json_decref(nodes);
        return r;
}

int cli_build_why(struct cli_cmd *cmd, const struct cli_flags *fl, const char *name, json_t *attrs)
{
        json_t *req;
        int r = cli_reject_flags(cmd, fl, "", "why resource_group");

        if (r < 0)
                return r;
        if (!name || !*name || strchr(name, ','))
                return cli_fail(cmd, CLMGR_RC_MISSING,
                                "why resource_group: one resource group name is required");
        if (json_object_size(attrs) > 0)
                return cli_fail(cmd, CLMGR_RC_INVALID,
                                "why resource_group: attribute '%s' is not allowed (allowed: none)",
                                json_object_iter_key(json_object_iter(attrs)));
        req = cli_new_request(api_op_name(API_OP_WHY));
        json_object_set_new(req, "group", json_string(name));
        cli_add_request(cmd, req);
        cmd->show = CLI_SHOW_WHY;
        return 0;
}

int cli_build_simulate(struct cli_cmd *cmd, const struct cli_flags *fl, char *const pos[], int npos)
{
        static const char *const events[] = {"node_down", "node_up", "network_down", "rg_move"};
        const char *event = NULL, *group = NULL, *node = NULL;
        json_t *req;
        int r = cli_reject_flags(cmd, fl, "", "simulate"), want;

        if (r < 0)
                return r;
        for (size_t k = 0; npos > 0 && k < sizeof(events) / sizeof(events[0]); k++)
                if (!strcasecmp(pos[0], events[k]))
                        event = events[k];
        if (!event)
                return cli_fail(cmd, npos > 0 ? CLMGR_RC_INVALID : CLMGR_RC_MISSING,
                                "simulate: %s%s%s (allowed: node_down NODE, node_up NODE, "
                                "network_down NODE, rg_move RG NODE)",
                                npos > 0 ? "event '" : "an event is required",
                                npos > 0 ? pos[0] : "", npos > 0 ? "' is not supported" : "");
        want = strcmp(event, "rg_move") == 0 ? 3 : 2;
        if (want == 3 && npos >= 2)
                group = pos[1];
        if (npos >= want)
                node =
                    strncasecmp(pos[want - 1], "NODE=", 5) == 0 ? pos[want - 1] + 5 : pos[want - 1];
        if (npos > want)
                return cli_fail(cmd, CLMGR_RC_INVALID, "simulate %s: unexpected argument '%s'",
                                event, pos[want]);
        if (!node || !*node || strchr(node, '=') || (group && strchr(group, '=')))
                return cli_fail(cmd, CLMGR_RC_MISSING, "simulate %s: expected %s", event,
                                want == 3 ? "rg_move RG NODE" : "a node name");
        req = cli_new_request(api_op_name(API_OP_SIMULATE));
        json_object_set_new(req, "event", json_string(event));
        json_object_set_new(req, "node", json_string(node));
        if (group)
                json_object_set_new(req, "group", json_string(group));
        cli_add_request(cmd, req);
        cmd->show = CLI_SHOW_SIMULATE;
        return 0;
}

int cli_build_rg(struct cli_cmd *cmd, enum cli_action act, const struct cli_flags *fl,
                 const char *name, json_t *attrs)
{
        static const char *const allowed[] = {"NODE", "NODES", "TIMEOUT", NULL};
        static const char *const names[] = {
            [CLI_ACT_ONLINE] = "online", [CLI_ACT_OFFLINE] = "offline", [CLI_ACT_MOVE] = "move"};
        char what[64];
        struct rt_args ra = {0};
        json_t *groups, *node_list = NULL, *req;
        const char *node = NULL;
        int r;

        snprintf(what, sizeof(what), "%s resource_group", names[act]);
        r = cli_reject_flags(cmd, fl, "", what);
        if (r < 0)
                return r;
        groups = name ? cli_split_names(name) : json_array();
        if (json_array_size(groups) == 0) {
                json_decref(groups);
                return cli_fail(cmd, CLMGR_RC_MISSING, "%s: a resource group name is required",
                                what);
        }
        cmd->wait.timeout_usec = CLI_DEFAULT_TIMEOUT_USEC;
        r = parse_runtime_attrs(cmd, attrs, allowed, "NODE, NODES, TIMEOUT", what, &ra);
        if (r < 0)
                goto out;
        if (ra.have_node) {
                node_list = cli_split_names(ra.node);
                if (json_array_size(node_list) == 1 &&
                    strcasecmp(json_string_value(json_array_get(node_list, 0)), "ALL") == 0) {
                        if (act == CLI_ACT_MOVE) {
                                r = cli_fail(cmd, CLMGR_RC_INVALID,
                                             "%s: NODE=ALL is not valid for move", what);
                                goto out;
                        }
                } else if (json_array_size(node_list) > 1) {
                        char *j = join_names(node_list);
                        r = cli_fail(cmd, CLMGR_RC_INVALID,
                                     "%s: only one node can be given (got %s)", what, j);
                        free(j);
                        goto out;
                } else if (json_array_size(node_list) == 1) {
                        /* offline with a node: concurrent groups only (the
                         * coordinator refuses it for the others) */
                        node = json_string_value(json_array_get(node_list, 0));
                }
        }
        if (act == CLI_ACT_MOVE && !node) {
                r = cli_fail(cmd, CLMGR_RC_MISSING, "move resource_group: NODE=<node> is required");
                goto out;
        }
        req = cli_new_request(api_op_name(act == CLI_ACT_ONLINE    ? API_OP_RG_ONLINE
                                          : act == CLI_ACT_OFFLINE ? API_OP_RG_OFFLINE
                                                                   : API_OP_RG_MOVE));
        json_object_set(req, "groups", groups);
        if (act != CLI_ACT_OFFLINE || node)
                json_object_set_new(req, "node", node ? json_string(node) : json_null());
        cli_add_request(cmd, req);
        cmd->wait.kind = act == CLI_ACT_ONLINE    ? CLI_WAIT_RG_ONLINE
                         : act == CLI_ACT_OFFLINE ? CLI_WAIT_RG_OFFLINE
                                                  : CLI_WAIT_RG_MOVE;
        cmd->wait.names = json_incref(groups);
        cmd->wait.node = node ? zstrdup(node) : NULL;
out:
        json_decref(node_list);
        json_decref(groups);
        return r;
}

int cli_build_sync_verify(struct cli_cmd *cmd, enum cli_action act, const struct cli_flags *fl,
                          const char *name, json_t *attrs)
{
        const char *op = api_op_name(act == CLI_ACT_SYNC ? API_OP_SYNC : API_OP_VERIFY);
        int r;

        r = cli_check_class(cmd, act);
        if (r < 0)
                return r;
        r = cli_reject_flags(cmd, fl, "", op);
        if (r < 0)
                return r;
        if (name)
                return cli_fail(cmd, CLMGR_RC_INVALID, "%s cluster: unexpected argument '%s'", op,
                                name);
        /* PREVIEW=yes (hamr extension): what the sync would do to running
         * groups, nothing committed */
        bool preview = false;
        const char *k;
        json_t *v;
        json_object_foreach(attrs, k, v)
        {
                const char *val = json_string_value(v);
                if (act == CLI_ACT_SYNC && !strcasecmp(k, "PREVIEW") && val &&
                    (!strcasecmp(val, "yes") || !strcasecmp(val, "no"))) {
                        preview = !strcasecmp(val, "yes");
                        continue;
                }
                if (act == CLI_ACT_SYNC && !strcasecmp(k, "PREVIEW"))
                        return cli_fail(cmd, CLMGR_RC_INVALID,
                                        "sync cluster: PREVIEW=\"%s\" is not allowed; allowed: "
                                        "yes, no",
                                        val ? val : "");
                return cli_fail(cmd, CLMGR_RC_INVALID,
                                "%s cluster: attribute '%s' is not supported%s", op, k,
                                act == CLI_ACT_SYNC ? " (allowed: PREVIEW=yes|no)" : "");
        }
        json_t *req = cli_new_request(op);
        if (preview)
                json_object_set_new(req, "preview", json_true());
        cli_add_request(cmd, req);
        cmd->preview = preview;
        cmd->show = act == CLI_ACT_SYNC ? CLI_SHOW_SYNC : CLI_SHOW_VERIFY;
        return 0;
}

int cli_build_app_manage(struct cli_cmd *cmd, const struct cli_flags *fl, char *const pos[],
                         int npos)
{
        const char *what = "manage application_controller";
        json_t *names = NULL, *req;
        bool on;
        int r;

        r = cli_reject_flags(cmd, fl, "", what);
        if (r < 0)
                return r;
        if (npos < 1 || (strcasecmp(pos[0], "suspend") && strcasecmp(pos[0], "resume")))
                return cli_fail(cmd, CLMGR_RC_INVALID,
                                "%s: expected 'suspend' or 'resume'%s%s (allowed: suspend, "
                                "resume)",
                                what, npos >= 1 ? ", got " : "", npos >= 1 ? pos[0] : "");
        on = strcasecmp(pos[0], "suspend") == 0;
        cmd->wait.timeout_usec = CLI_DEFAULT_TIMEOUT_USEC;
        for (int i = 1; i < npos; i++) {
                const char *eq = strchr(pos[i], '=');
                if (!eq) {
                        json_t *more = cli_split_names(pos[i]);
                        if (!names)
                                names = json_array();
                        json_array_extend(names, more);
                        json_decref(more);
                        continue;
                }
                if (eq == pos[i] || strncasecmp(pos[i], "TIMEOUT", (size_t)(eq - pos[i])) != 0) {
                        r = cli_fail(cmd, CLMGR_RC_INVALID,
                                     "%s %s: attribute '%.*s' is not supported (allowed: TIMEOUT)",
                                     what, pos[0], (int)(eq - pos[i]), pos[i]);
                        goto out;
                }
                if (parse_seconds(eq + 1, &cmd->wait.timeout_usec) < 0) {
                        r = cli_fail(cmd, CLMGR_RC_INVALID,
                                     "%s %s: TIMEOUT=%s: expected a number of seconds", what,
                                     pos[0], eq + 1);
                        goto out;
                }
        }
        if (json_array_size(names) == 0) {
                r = cli_fail(cmd, CLMGR_RC_MISSING,
                             "%s %s: an application controller name (or ALL) is required", what,
                             on ? "suspend" : "resume");
                goto out;
        }
        req = cli_new_request(api_op_name(on ? API_OP_APP_SUSPEND : API_OP_APP_RESUME));
        json_object_set(req, "applications", names);
        cli_add_request(cmd, req);
        cmd->wait.kind = on ? CLI_WAIT_SUSPEND : CLI_WAIT_RESUME;
        if (!(json_array_size(names) == 1 &&
              strcasecmp(json_string_value(json_array_get(names, 0)), "ALL") == 0))
                cmd->wait.names = json_incref(names);
        r = 0;
out:
        json_decref(names);
        return r;
}
