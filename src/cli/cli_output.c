/* cli_output: formats daemon replies for people (PowerHA ATTR="value"
 * records, clRGinfo tables) and scripts (-c/-d delimited, -j JSON), and prints
 * usage and help (classes, attributes, allowed values and defaults from the
 * schema). Writes only to the FILE* it is given. */
#include "cli/cli_output.h"
#include "cli/cli_logview.h"
#include "cli/cli_parse_build.h"
#include "cli/cli_rginfo.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli_schema.h"
#include "common/hamr_alloc.h"

#define DUMP_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)
#define RULE       "-----------------------------------------------------------------------------"

static void print_json(FILE *f, json_t *v)
{
        char *s = json_dumps(v, DUMP_FLAGS | JSON_ENCODE_ANY);

        if (s) {
                fprintf(f, "%s\n", s);
                free(s);
        }
}

/* A value as clmgr shows it: strings as is, lists space separated. malloc'd. */
static char *value_text(json_t *v)
{
        char *out = NULL;
        size_t len = 0, i;
        json_t *e;
        FILE *f;

        switch (json_typeof(v)) {
        case JSON_STRING:
                return zstrdup(json_string_value(v));
        case JSON_INTEGER: {
                char buf[32];
                snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
                return zstrdup(buf);
        }
        case JSON_REAL: {
                char buf[64];
                snprintf(buf, sizeof(buf), "%g", json_real_value(v));
                return zstrdup(buf);
        }
        case JSON_TRUE:
                return zstrdup("true");
        case JSON_FALSE:
                return zstrdup("false");
        case JSON_NULL:
                return zstrdup("");
        case JSON_ARRAY:
                f = open_memstream(&out, &len);
                if (!f)
                        abort();
                json_array_foreach(v, i, e)
                {
                        char *t = value_text(e);
                        fprintf(f, "%s%s", i ? " " : "", t);
                        free(t);
                }
                fclose(f);
                return out;
        default: {
                char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
                return s ? s : zstrdup("");
        }
        }
}

static bool attr_wanted(const struct cli_opts *o, const char *key)
{
        if (!o->attrs)
                return true;
        for (char **a = o->attrs; *a; a++)
                if (fnmatch(*a, key, FNM_CASEFOLD) == 0)
                        return true;
        return false;
}

/* The objects of a query reply with only the wanted attributes, in reply order. */
static json_t *filtered_objects(const struct cli_opts *o, json_t *objects)
{
        json_t *out = json_array();
        size_t i;
        json_t *obj;

        json_array_foreach(objects, i, obj)
        {
                json_t *copy = json_object();
                const char *key;
                json_t *v;

                json_object_foreach(obj, key, v) if (attr_wanted(o, key))
                    json_object_set(copy, key, v);
                json_array_append_new(out, copy);
        }
        return out;
}

int cli_output_query(FILE *f, const struct cli_opts *o, json_t *reply)
{
        json_t *objects = json_object_get(reply, "objects");
        json_t *objs, *obj, *header;
        const char *key;
        json_t *v;
        size_t i, k;

        if (!json_is_array(objects))
                return -EPROTO;
        objs = filtered_objects(o, objects);
        switch (o->format) {
        case CLI_FMT_JSON:
                print_json(f, objs);
                break;
        case CLI_FMT_DELIM:
                /* Header: every attribute in order of first appearance. */
                header = json_array();
                json_array_foreach(objs, i, obj)
                {
                        json_object_foreach(obj, key, v)
                        {
                                bool seen = false;
                                json_t *h;

                                json_array_foreach(header, k, h) seen =
                                    seen || strcmp(json_string_value(h), key) == 0;
                                if (!seen)
                                        json_array_append_new(header, json_string(key));
                        }
                }
                if (!o->no_header && json_array_size(objs) > 0) {
                        json_t *h;

                        fputc('#', f);
                        json_array_foreach(header, k, h)
                            fprintf(f, "%s%s", k ? o->delim : "", json_string_value(h));
                        fputc('\n', f);
                }
                json_array_foreach(objs, i, obj)
                {
                        json_t *h;

                        json_array_foreach(header, k, h)
                        {
                                json_t *val = json_object_get(obj, json_string_value(h));
                                char *t = val ? value_text(val) : zstrdup("");

                                fprintf(f, "%s%s", k ? o->delim : "", t);
                                free(t);
                        }
                        fputc('\n', f);
                }
                json_decref(header);
                break;
        case CLI_FMT_TEXT:
        default:
                json_array_foreach(objs, i, obj)
                {
                        if (i)
                                fputc('\n', f);
                        json_object_foreach(obj, key, v)
                        {
                                char *t = value_text(v);
                                fprintf(f, "%s=\"%s\"\n", key, t);
                                free(t);
                        }
                }
                break;
        }
        json_decref(objs);
        return 0;
}

static bool group_shown(json_t *filter, const char *name)
{
        size_t i;
        json_t *v;

        if (!filter)
                return true;
        json_array_foreach(filter, i, v) if (strcmp(json_string_value(v), name) == 0) return true;
        return false;
}

static const char *str_or(json_t *obj, const char *key, const char *dflt)
{
        const char *s = json_string_value(json_object_get(obj, key));
        return s && *s ? s : dflt;
}

static void print_cluster_line(FILE *f, json_t *cluster)
{
        json_t *view = json_object_get(cluster, "VIEW");
        json_t *quorum = json_object_get(cluster, "QUORUM");
        json_t *members = json_object_get(cluster, "MEMBERS");
        char *m = members ? value_text(members) : zstrdup("");

        fprintf(f, "Cluster: %s  State: %s  Coordinator: %s  View: ", str_or(cluster, "NAME", "-"),
                str_or(cluster, "STATE", "-"), str_or(cluster, "COORDINATOR", "-"));
        if (json_is_integer(view))
                fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(view));
        else
                fputc('-', f);
        fprintf(f, "  Members: %s  Quorum: %s\n", *m ? m : "-",
                json_is_boolean(quorum) ? (json_is_true(quorum) ? "yes" : "no") : "-");
        free(m);
        json_t *repo = json_object_get(cluster, "REPOSITORY");
        if (json_is_object(repo))
                fprintf(f, "Repository: %s (%s, %s)\n", str_or(repo, "ACTIVE", "-"),
                        json_integer_value(json_object_get(repo, "INDEX")) ? "backup" : "primary",
                        str_or(repo, "STATE", "-"));
        json_t *dm = json_object_get(cluster, "DEADMAN");
        if (json_is_object(dm))
                fprintf(f,
                        "Deadman switch: mode %s%s, watchdog %s, %s, events %" JSON_INTEGER_FORMAT
                        "%s%s\n",
                        str_or(dm, "MODE", "-"),
                        !strcmp(str_or(dm, "MODE", "-"), "e")
                            ? " (events only: nodes run UNFENCED, nothing resets a node whose "
                              "daemon dies)"
                            : "",
                        str_or(dm, "WATCHDOG", "-"),
                        json_is_true(json_object_get(dm, "ARMED")) ? "armed" : "not armed",
                        json_integer_value(json_object_get(dm, "EVENTS")),
                        str_or(dm, "LAST_EVENT", NULL) ? ", last: " : "",
                        str_or(dm, "LAST_EVENT", ""));
}

static void print_status_text(FILE *f, json_t *status, json_t *filter, bool pol, bool timers)
{
        json_t *nodes = json_object_get(status, "nodes");
        json_t *groups = json_object_get(status, "groups");
        int width = 8;
        size_t i;
        json_t *n, *g;

        print_cluster_line(f, json_object_get(status, "cluster"));
        json_array_foreach(nodes, i, n)
        {
                int len = (int)strlen(str_or(n, "NAME", "-"));
                if (len > width)
                        width = len;
        }
        fprintf(f, "%-*s %-10s %-7s %-22s %-9s %-20s %-10s %s\n", width, "Node", "State", "Daemon",
                "Watchdog", "Paths", "Network", "Targets", "Repository");
        bool stopped = false;
        json_array_foreach(nodes, i, n)
        {
                const char *state = str_or(n, "STATE", "-");
                bool up = json_object_get(n, "DAEMON") ? !strcmp(str_or(n, "DAEMON", "-"), "UP")
                                                       : strcmp(state, "DOWN") != 0;
                char st[24];

                snprintf(st, sizeof(st), "%s%s", state,
                         json_is_true(json_object_get(n, "START_ON_RESTART")) ? "*" : "");
                if (up && !strcmp(state, "OFFLINE"))
                        stopped = true;
                /* NETMON_TARGETS: reached, UNREACHED, or - (none configured) */
                const char *tg = str_or(n, "NETMON", "-");
                fprintf(f, "%-*s %-10s %-7s %-22s %-9s %-20s %-10s %s\n", width,
                        str_or(n, "NAME", "-"), st, up ? "up" : "down", str_or(n, "WATCHDOG", "-"),
                        str_or(n, "PATHS", "-"), str_or(n, "NETWORK", "-"),
                        !strcmp(tg, "REACHED")     ? "reached"
                        : !strcmp(tg, "UNREACHED") ? "UNREACHED"
                                                   : "-",
                        str_or(n, "REPOSITORY", "-"));
        }
        if (stopped)
                fprintf(f, "OFFLINE with the daemon up: cluster services stopped (clmgr start node "
                           "<node>)\n");
        json_array_foreach(nodes, i, n) if (json_is_true(json_object_get(n, "START_ON_RESTART")))
        {
                fprintf(f, "*: starts cluster services whenever hamrd starts (WHEN=restart)\n");
                break;
        }
        fprintf(f, "%s\n%-30s %-28s %s\n%s\n", RULE, "Group Name", "Group State", "Node", RULE);
        json_array_foreach(groups, i, g)
        {
                const char *name = str_or(g, "NAME", "-");
                json_t *per_node = json_object_get(g, "NODES");
                const char *err = str_or(g, "ERROR", NULL);

                if (!group_shown(filter, name))
                        continue;
                if (json_object_size(per_node) > 0) {
                        const char *node;
                        json_t *state;
                        bool first = true;

                        json_object_foreach(per_node, node, state)
                        {
                                char *t = value_text(state);
                                fprintf(f, "%-30s %-28s %s\n", first ? name : "", t, node);
                                free(t);
                                first = false;
                        }
                } else {
                        fprintf(f, "%-30s %-28s %s\n", name, str_or(g, "STATE", "-"),
                                str_or(g, "CURRENT_NODE", ""));
                }
                if (json_object_size(json_object_get(g, "ERRORS")) > 1) {
                        const char *node;
                        json_t *reason;
                        json_object_foreach(json_object_get(g, "ERRORS"), node, reason)
                            fprintf(f, "  error on %s: %s\n", node, json_string_value(reason));
                } else if (err) {
                        fprintf(f, "  error: %s\n", err);
                }
                if (*str_or(g, "REASON", ""))
                        fprintf(f, "  reason: %s\n", str_or(g, "REASON", ""));
                if (*str_or(g, "MONITOR_FAILURE", ""))
                        fprintf(
                            f, "  monitor: restarts %lld; last failure: %s\n",
                            (long long)json_integer_value(json_object_get(g, "MONITOR_RESTARTS")),
                            str_or(g, "MONITOR_FAILURE", ""));
                json_t *susp = json_object_get(g, "MONITOR_SUSPENDED");
                if (json_array_size(susp) > 0) {
                        size_t k;
                        json_t *a;
                        fprintf(f, "  monitoring suspended:");
                        json_array_foreach(susp, k, a) fprintf(f, " %s", json_string_value(a));
                        fprintf(f, "\n");
                }
                if (pol) {
                        const char *p = str_or(g, "PRIORITY_OVERRIDE", "");
                        fprintf(f, "  Priority Override Information: Primary Instance POL: %s\n",
                                *p ? p : "none");
                }
                if (str_or(g, "TIMER", NULL))
                        fprintf(f, "  Timer: %s\n", str_or(g, "TIMER", ""));
                else if (timers)
                        fprintf(f, "  Timer: none\n");
        }
        if (timers && str_or(status, "TIMERS_ERROR", NULL))
                fprintf(f, "Timers unknown: %s\n", str_or(status, "TIMERS_ERROR", ""));
}

/* The state of application a of group g as clRGinfo -m shows it: the
 * group's state, and when ONLINE whether it is monitored. */
static void app_state(json_t *g, json_t *a, char *buf, size_t len)
{
        const char *gs = str_or(g, "STATE", "-");

        if (strcmp(gs, "ONLINE") != 0)
                snprintf(buf, len, "%s", gs);
        else if (json_is_true(json_object_get(a, "SUSPENDED")))
                snprintf(buf, len, "ONLINE MONITOR SUSPENDED");
        else if (json_array_size(json_object_get(a, "MONITORS")) > 0)
                snprintf(buf, len, "ONLINE MONITORED");
        else
                snprintf(buf, len, "ONLINE NOT MONITORED");
}

/* clRGinfo -m: per group its state and node, then one line per application
 * with its state (monitored, not monitored, monitor suspended) and monitors. */
static void print_monitors_text(FILE *f, json_t *status, json_t *filter)
{
        size_t i, k;
        json_t *g, *a;

        fprintf(f, "%s\n%-24s %-14s %-26s %s\n%s\n", RULE, "Group Name", "Group State",
                "Application state", "Node", RULE);
        json_array_foreach(json_object_get(status, "groups"), i, g)
        {
                const char *name = str_or(g, "NAME", "-");
                char st[64];

                if (!group_shown(filter, name))
                        continue;
                fprintf(f, "%-24s %-14s %-26s %s", name, str_or(g, "STATE", "-"), "",
                        str_or(g, "CURRENT_NODE", ""));
                if (!*str_or(g, "CURRENT_NODE", ""))
                        fprintf(f, "(no node)");
                fputc('\n', f);
                json_array_foreach(json_object_get(g, "APPLICATIONS"), k, a)
                {
                        json_t *mons = json_object_get(a, "MONITORS");
                        size_t q;
                        json_t *mn;

                        app_state(g, a, st, sizeof(st));
                        fprintf(f, " %-23s %-14s %-*s", str_or(a, "NAME", "-"), "",
                                json_array_size(mons) ? 26 : 0, st);
                        json_array_foreach(mons, q, mn)
                            fprintf(f, "%s%s", q ? "," : " monitors: ", json_string_value(mn));
                        fputc('\n', f);
                }
                if (json_integer_value(json_object_get(g, "MONITOR_RESTARTS")) > 0 ||
                    *str_or(g, "MONITOR_FAILURE", ""))
                        fprintf(
                            f, "  monitor: restarts %lld; last failure: %s\n",
                            (long long)json_integer_value(json_object_get(g, "MONITOR_RESTARTS")),
                            *str_or(g, "MONITOR_FAILURE", "") ? str_or(g, "MONITOR_FAILURE", "")
                                                              : "none");
        }
}

/* clRGinfo -m -s: group:application:application state:node, one line each. */
static void print_monitors_delim(FILE *f, const char *d, json_t *status, json_t *filter)
{
        size_t i, k;
        json_t *g, *a;

        json_array_foreach(json_object_get(status, "groups"), i, g)
        {
                char st[64];

                if (!group_shown(filter, str_or(g, "NAME", "")))
                        continue;
                json_array_foreach(json_object_get(g, "APPLICATIONS"), k, a)
                {
                        app_state(g, a, st, sizeof(st));
                        fprintf(f, "%s%s%s%s%s%s%s\n", str_or(g, "NAME", ""), d,
                                str_or(a, "NAME", ""), d, st, d, str_or(g, "CURRENT_NODE", ""));
                }
        }
}

static void print_status_delim(FILE *f, const char *d, json_t *status, json_t *filter, bool pol)
{
        size_t i;
        json_t *g;

        json_array_foreach(json_object_get(status, "groups"), i, g)
        {
                const char *name = str_or(g, "NAME", "");
                json_t *per_node = json_object_get(g, "NODES");
                const char *node;
                json_t *state;

                if (!group_shown(filter, name))
                        continue;
                if (json_object_size(per_node) == 0) {
                        fprintf(f, "%s%s%s%s%s", name, d, str_or(g, "STATE", ""), d,
                                str_or(g, "CURRENT_NODE", ""));
                        if (pol)
                                fprintf(f, "%s%s", d, str_or(g, "PRIORITY_OVERRIDE", ""));
                        fputc('\n', f);
                        continue;
                }
                json_object_foreach(per_node, node, state)
                {
                        char *t = value_text(state);
                        fprintf(f, "%s%s%s%s%s", name, d, t, d, node);
                        if (pol) /* -p: the group's POL as a fourth field */
                                fprintf(f, "%s%s", d, str_or(g, "PRIORITY_OVERRIDE", ""));
                        fputc('\n', f);
                        free(t);
                }
        }
}

void cli_status_add_timers(json_t *status, json_t *timers, const char *error)
{
        size_t i, k;
        json_t *t, *g;

        if (error) {
                json_object_set_new(status, "TIMERS_ERROR", json_string(error));
                return;
        }
        json_array_foreach(json_object_get(timers, "timers"), i, t)
        {
                const char *kind = str_or(t, "KIND", ""), *node = str_or(t, "NODE", "?"),
                           *at = str_or(t, "AT", "");
                char text[256];

                if (!strcmp(kind, "SETTLING"))
                        snprintf(text, sizeof(text), "settling until %s (waiting for home node %s)",
                                 at, node);
                else if (*at)
                        snprintf(text, sizeof(text), "fallback to %s at %s", node, at);
                else
                        snprintf(text, sizeof(text),
                                 "fallback to %s waits for its FALLBACK_AT timer, which has no "
                                 "future occurrence",
                                 node);
                json_array_foreach(json_object_get(status, "groups"), k, g)
                {
                        if (!strcmp(str_or(g, "NAME", ""), str_or(t, "GROUP", "")))
                                json_object_set_new(g, "TIMER", json_string(text));
                }
        }
}

int cli_output_status(FILE *f, const struct cli_opts *o, json_t *status, json_t *group_filter)
{
        if (!json_is_object(status))
                return -EPROTO;
        switch (o->format) {
        case CLI_FMT_JSON:
                if (group_filter) {
                        json_t *copy = json_deep_copy(status), *groups = json_array();
                        size_t i;
                        json_t *g;

                        json_array_foreach(json_object_get(status, "groups"), i,
                                           g) if (group_shown(group_filter, str_or(g, "NAME", "")))
                            json_array_append(groups, g);
                        json_object_set_new(copy, "groups", groups);
                        print_json(f, copy);
                        json_decref(copy);
                } else {
                        print_json(f, status);
                }
                break;
        case CLI_FMT_DELIM:
                if (o->show_location)
                        cli_rginfo_location(f, o, status, group_filter);
                else if (o->show_policies)
                        cli_rginfo_verbose(f, o, status, group_filter);
                else if (o->show_monitors)
                        print_monitors_delim(f, o->delim ? o->delim : ":", status, group_filter);
                else
                        print_status_delim(f, o->delim ? o->delim : ":", status, group_filter,
                                           o->show_pol);
                break;
        case CLI_FMT_TEXT:
        default:
                if (o->show_location)
                        cli_rginfo_location(f, o, status, group_filter);
                else if (o->show_policies)
                        cli_rginfo_verbose(f, o, status, group_filter);
                else if (o->show_monitors)
                        print_monitors_text(f, status, group_filter);
                else
                        print_status_text(f, status, group_filter, o->show_pol, o->show_timers);
                break;
        }
        return 0;
}

static void print_warnings(FILE *f, json_t *reply)
{
        size_t i;
        json_t *w;

        json_array_foreach(json_object_get(reply, "warnings"), i, w) if (json_is_string(w))
            fprintf(f, "WARNING: %s\n", json_string_value(w));
}

/* clmgr why resource_group: the planner's reason and the causes recorded. */
static int print_why(FILE *f, const struct cli_opts *o, json_t *reply)
{
        const char *target = str_or(reply, "TARGET", "");
        size_t i;
        json_t *e;

        if (o->format == CLI_FMT_JSON) {
                print_json(f, reply);
                return 0;
        }
        fprintf(f, "Resource group %s: %s%s\n", str_or(reply, "GROUP", "?"),
                *target ? "target node " : "no target node (offline)", target);
        fprintf(f, "Why: %s\n", str_or(reply, "REASON", "?"));
        if (json_array_size(json_object_get(reply, "HISTORY")) == 0) {
                fprintf(f, "No cause recorded since %s (the coordinator's history).\n",
                        str_or(reply, "SINCE", "?"));
                return 0;
        }
        fprintf(f, "Causes recorded by the coordinator since %s (local time):\n",
                str_or(reply, "SINCE", "?"));
        json_array_foreach(json_object_get(reply, "HISTORY"), i, e)
            fprintf(f, "  %s  %s\n", str_or(e, "TIME", "?"), str_or(e, "EVENT", "?"));
        return 0;
}

/* clmgr simulate: what the planner would do, group by group. */
static int print_simulate(FILE *f, const struct cli_opts *o, json_t *reply)
{
        size_t i;
        json_t *e;

        if (o->format == CLI_FMT_JSON) {
                print_json(f, reply);
                return 0;
        }
        fprintf(f, "Simulated %s %s%s%s (nothing is changed):\n", str_or(reply, "EVENT", "?"),
                json_object_get(reply, "GROUP") ? str_or(reply, "GROUP", "") : "",
                json_object_get(reply, "GROUP") ? " " : "", str_or(reply, "NODE", "?"));
        if (!json_is_true(json_object_get(reply, "QUORUM"))) {
                fprintf(f, "  the view would have no quorum: no group would move (those on the "
                           "remaining nodes stay, the others wait)\n");
                return 0;
        }
        json_array_foreach(json_object_get(reply, "GROUPS"), i, e)
        {
                const char *b = str_or(e, "BEFORE", ""), *a = str_or(e, "AFTER", "");
                fprintf(f, "  %s: %s -> %s (%s)\n", str_or(e, "GROUP", "?"), *b ? b : "offline",
                        *a ? a : "offline", str_or(e, "REASON", "?"));
        }
        if (json_integer_value(json_object_get(reply, "MORE")) > 0)
                fprintf(f, "  ... and %" JSON_INTEGER_FORMAT " more groups would move\n",
                        json_integer_value(json_object_get(reply, "MORE")));
        if (json_integer_value(json_object_get(reply, "UNCHANGED")) > 0)
                fprintf(f, "  %" JSON_INTEGER_FORMAT " group(s) would stay where they are\n",
                        json_integer_value(json_object_get(reply, "UNCHANGED")));
        json_array_foreach(json_object_get(reply, "NODES"), i, e) if (json_is_string(e))
            fprintf(f, "  %s\n", json_string_value(e));
        fprintf(f, "%s\n",
                json_is_true(json_object_get(reply, "SETTLED"))
                    ? "The cluster would be STABLE again."
                    : "The planner would still be waiting (a timer, or a node "
                      "that cannot settle).");
        return 0;
}

void cli_output_node_checks(FILE *f, const struct cli_opts *o, json_t *reply)
{
        json_t *nodes = json_object_get(reply, "nodes"), *n, *e;
        size_t i, k;

        if (o->format == CLI_FMT_JSON || !json_array_size(nodes))
                return;
        fprintf(f, "Verification on the nodes:\n");
        json_array_foreach(nodes, i, n)
        {
                const char *name = str_or(n, "NODE", "?");
                size_t ne = json_array_size(json_object_get(n, "ERRORS"));
                size_t nw = json_array_size(json_object_get(n, "WARNINGS"));

                if (!ne && !nw)
                        fprintf(f, "  %s: ok\n", name);
                json_array_foreach(json_object_get(n, "ERRORS"), k, e)
                    fprintf(f, "  %s: ERROR: %s\n", name, json_string_value(e));
                json_array_foreach(json_object_get(n, "WARNINGS"), k, e)
                    fprintf(f, "  %s: WARNING: %s\n", name, json_string_value(e));
        }
}

int cli_output_reply(FILE *f, const struct cli_cmd *cmd, json_t *reply)
{
        switch (cmd->show) {
        case CLI_SHOW_SIMULATE:
                return print_simulate(f, &cmd->opts, reply);
        case CLI_SHOW_WHY:
                return print_why(f, &cmd->opts, reply);
        case CLI_SHOW_QUERY:
                return cli_output_query(f, &cmd->opts, reply);
        case CLI_SHOW_STATUS:
                return cli_output_status(f, &cmd->opts, reply, cmd->group_filter);
        case CLI_SHOW_SYNC:
        case CLI_SHOW_VERIFY:
                if (cmd->opts.format == CLI_FMT_JSON) {
                        print_json(f, reply);
                        return 0;
                }
                print_warnings(f, reply);
                {
                        const char *node;
                        json_t *w;
                        json_object_foreach(json_object_get(reply, "watchdogs"), node, w)
                            fprintf(f, "Watchdog of node %s: %s\n", node, json_string_value(w));
                }
                cli_output_node_checks(f, &cmd->opts, reply);
                if (cmd->show == CLI_SHOW_VERIFY &&
                    json_integer_value(json_object_get(reply, "node_errors"))) {
                        fprintf(f,
                                "Verification failed on the nodes (%" JSON_INTEGER_FORMAT
                                " error(s)).\n",
                                json_integer_value(json_object_get(reply, "node_errors")));
                } else if (cmd->show == CLI_SHOW_VERIFY) {
                        fprintf(f, "Verification passed.\n");
                } else {
                        json_t *gen = json_object_get(reply, "generation");

                        if (json_is_integer(gen))
                                fprintf(f,
                                        "Synchronization complete: configuration generation "
                                        "%" JSON_INTEGER_FORMAT " is active.\n",
                                        json_integer_value(gen));
                        else
                                fprintf(f, "Synchronization complete.\n");
                }
                return 0;
        case CLI_SHOW_NONE:
        default:
                if (cmd->opts.format == CLI_FMT_JSON && cmd->wait.kind == CLI_WAIT_NONE)
                        print_json(f, reply);
                return 0;
        }
}

static const struct cli_action_def *find_action(const char *name)
{
        size_t n;
        const struct cli_action_def *acts = cli_actions(&n);

        for (size_t i = 0; name && i < n; i++)
                if (strcmp(acts[i].name, name) == 0)
                        return &acts[i];
        return NULL;
}

static void print_main_usage(FILE *f)
{
        size_t n;
        const struct cli_action_def *acts = cli_actions(&n);

        fprintf(f, "usage: clmgr [-c|-d DELIM] [-S] [-j] [-v] [-a ATTR,...] [-T ID] <ACTION> "
                   "<CLASS> [<NAME>] [ATTR=VALUE ...]\n"
                   "       clmgr <ACTION>                list the CLASSes of an ACTION\n"
                   "       clmgr <ACTION> <CLASS> -h     help for an ACTION and CLASS\n"
                   "       clRGinfo [-s] [-p] [-t] [-m] [-v] [-a] [-j] [<resource_group> ...]   "
                   "same as clmgr status "
                   "(-p: priority override locations, -t: settling and fallback timers, -m: "
                   "application monitoring, -v: policies, -a: current location and expected "
                   "destination)\n\n"
                   "ACTIONs (case-insensitive; aliases and unambiguous prefixes accepted):\n");
        for (size_t i = 0; i < n; i++) {
                char al[80] = "";
                size_t len = 0;

                for (const char *const *a = acts[i].aliases; *a; a++)
                        len += (size_t)snprintf(al + len, sizeof(al) - len, "%s%s", len ? ", " : "",
                                                *a);
                fprintf(f, "  %-8s %-28s %s\n", acts[i].name, al, acts[i].help);
        }
        fprintf(f,
                "\nFlags: -c colon-separated, -d DELIM delimited, -S no header, -j JSON,\n"
                "       -a ATTR,... only these attributes, -T ID transaction id for clutils.log.\n"
                "Return codes: 0 ok, 1 error, 2 not found, 3 missing input, 4 invalid input, 5 "
                "dependency.\n");
}

static void print_classes(FILE *f, const struct cli_action_def *a)
{
        if (strcmp(a->name, "simulate") == 0) { /* events, not classes */
                fprintf(
                    f,
                    "usage: clmgr simulate node_down|node_up|network_down <NODE>\n"
                    "       clmgr simulate rg_move <RG> <NODE>\n\n"
                    "Runs the planner on the live cluster state (asked of the coordinator) with\n"
                    "the event applied and prints where every group would end up, and why.\n"
                    "Changes nothing. It assumes every start and stop succeeds, a surviving\n"
                    "half of an even cluster wins the tie-breaker lease, and a downed node\n"
                    "stays down.\n");
                return;
        }
        fprintf(f, "usage: clmgr %s <CLASS> ...\n\nCLASSes for \"%s\":\n", a->name, a->name);
        for (int c = 0; c < CONF_CLASS_COUNT; c++) {
                const conf_class_def_t *cd = conf_class_def((conf_class_t)c);
                char names[128];

                if (!(a->classes & CLI_CLASS_BIT(c)))
                        continue;
                cli_class_list(CLI_CLASS_BIT(c), names, sizeof(names));
                fprintf(f, "  %-36s %s\n", names, cd->help);
        }
        for (const char *const *e = a->extra; *e; e++)
                fprintf(f, "  %s\n", *e);
}

/* The runbook short form of modify for FALLOVER or FALLBACK. */
static void print_policy_help(FILE *f, const char *cls, const char *attr)
{
        int a = conf_attr_index(CONF_CLASS_RESOURCE_GROUP, attr);
        char allowed[256];

        cli_policy_allowed(attr, allowed, sizeof(allowed));
        fprintf(f,
                "usage: clmgr modify %s -g <RG>[,<RG>...] -m <policy>\n"
                "  Sets %s of the groups and synchronizes.\n"
                "  -m: %s\n",
                cls, attr, allowed);
        if (a >= 0)
                fprintf(f, "  %s\n", conf_class_def(CONF_CLASS_RESOURCE_GROUP)->attrs[a].help);
}

static void print_help(FILE *f, const struct cli_cmd *cmd)
{
        const struct cli_action_def *a = find_action(cmd->action);
        const char *cls = cmd->class_name;
        enum cli_rt_class rt = cls ? cli_runtime_class(cls) : CLI_RT_NONE;
        const char *t = "  TIMEOUT=<seconds> bounds the wait for the result (default 120).\n";
        bool crud = a && (strcmp(a->name, "add") == 0 || strcmp(a->name, "modify") == 0 ||
                          strcmp(a->name, "delete") == 0 || strcmp(a->name, "query") == 0);
        conf_class_t cc = CONF_CLASS_CLUSTER;
        bool known = cls && cli_class_lookup(cls, CLI_CLASSES_ALL, &cc) == 0;
        const char *cname = known ? conf_class_def(cc)->name : cls;
        bool singleton = known && conf_class_def(cc)->singleton;
        char names[512];

        cli_class_list(CLI_CLASSES_ALL, names, sizeof(names));

        if (!a) {
                print_main_usage(f);
                return;
        }
        if (strcmp(a->name, "status") == 0) {
                fprintf(f,
                        "usage: clmgr [-c|-d DELIM] [-j] status [<resource_group> ...]\n"
                        "       clmgr view status\n"
                        "       clRGinfo [-s|-c] [-p] [-t] [-m] [-v] [-a] [-j] [<resource_group> "
                        "...]\n"
                        "Shows the cluster, the state of cluster services on each node and where\n"
                        "each resource group is; -c/-s prints group:state:node lines.\n"
                        "  -p priority override location, -t settling and fallback timers,\n"
                        "  -m application monitoring, -v verbose: each group's startup, fallover\n"
                        "  and fallback policies and its nodes in priority order, -a current\n"
                        "  location and expected destination (\"n1 -> n2\" while it moves).\n");
                return;
        }
        if (strcmp(a->name, "view") == 0 && cls && cli_has_prefix_ci("log", cls)) {
                cli_logview_help(f);
                return;
        }
        if (!cls) {
                fprintf(f, "%s: %s\n", a->name, a->help);
                print_classes(f, a);
                return;
        }
        if (strcmp(a->name, "manage") == 0 && known && cc == CONF_CLASS_APPLICATION_CONTROLLER) {
                fprintf(f,
                        "usage: clmgr manage application_controller {suspend|resume} "
                        "<AC>[,<AC>...]|ALL [TIMEOUT=<seconds>]\n"
                        "  suspend: the application monitors of these controllers stop checking\n"
                        "  and take no action (cluster-wide, wherever the group is online) until\n"
                        "  resume, which monitors again after STABILIZATION.\n%s",
                        t);
                return;
        }
        if (strcmp(a->name, "online") == 0 && rt == CLI_RT_RG)
                fprintf(f,
                        "usage: clmgr online resource_group <RG>[,<RG>...] [NODE=<node>] "
                        "[TIMEOUT=<s>]\n"
                        "  Brings the groups online (on NODE, else where policy puts them) and "
                        "waits.\n%s",
                        t);
        else if (strcmp(a->name, "offline") == 0 && rt == CLI_RT_RG)
                fprintf(f,
                        "usage: clmgr offline resource_group <RG>[,<RG>...] [TIMEOUT=<s>]\n"
                        "  Takes the groups offline and waits.\n%s",
                        t);
        else if (strcmp(a->name, "move") == 0)
                fprintf(
                    f,
                    "usage: clmgr move resource_group <RG>[,<RG>...] NODE=<node> [TIMEOUT=<s>]\n"
                    "  Moves the groups to NODE and waits until they are ONLINE there.\n%s",
                    t);
        else if (strcmp(a->name, "online") == 0 && (rt == CLI_RT_CLUSTER || rt == CLI_RT_NODE))
                fprintf(f,
                        "usage: clmgr online %s [WHEN=now|restart|both] [MANAGE=auto] "
                        "[TIMEOUT=<s>] [-o home]\n"
                        "  Starts cluster services and waits until the nodes are ONLINE and the\n"
                        "  cluster is STABLE. -o home: groups are acquired on their home node "
                        "only.\n"
                        "  Starting hamrd does not start cluster services. WHEN=restart: the "
                        "node starts\n"
                        "  them whenever its hamrd starts (boot); both: now and at restart.\n%s",
                        rt == CLI_RT_CLUSTER ? "cluster" : "node <node>[,<node>...]", t);
        else if (strcmp(a->name, "offline") == 0 && (rt == CLI_RT_CLUSTER || rt == CLI_RT_NODE))
                fprintf(f,
                        "usage: clmgr offline %s [WHEN=now|restart|both] "
                        "[MANAGE=offline|move|unmanage] [-m "
                        "graceful|takeover|forced] [TIMEOUT=<s>]\n"
                        "  WHEN=restart: no longer start cluster services when hamrd starts "
                        "(both: and stop now).\n"
                        "  offline/graceful: groups go offline; move/takeover: other nodes acquire "
                        "them;\n"
                        "  unmanage/forced: resources keep running, groups become UNMANAGED.\n%s",
                        rt == CLI_RT_CLUSTER ? "cluster" : "node <node>[,<node>...]", t);
        else if (strcmp(a->name, "sync") == 0 || strcmp(a->name, "verify") == 0)
                fprintf(f, "usage: clmgr %s cluster\n  %s\n", a->name, a->help);
        else if (strcmp(a->name, "modify") == 0 &&
                 (strcasecmp(cls, "failover") == 0 || strcasecmp(cls, "fallover") == 0))
                print_policy_help(f, "failover", "FALLOVER");
        else if (strcmp(a->name, "modify") == 0 && strcasecmp(cls, "fallback") == 0)
                print_policy_help(f, "fallback", "FALLBACK");
        else if (!crud)
                print_classes(f, a);
        else if (!known)
                fprintf(f, "clmgr %s: class '%s' is unknown; known: %s\n", a->name, cls, names);
        else if (strcmp(a->name, "add") == 0)
                fprintf(f, "usage: clmgr add %s %s ATTR=VALUE ...\n", cname,
                        strcmp(cname, "dependency") == 0 ? "[<NAME>]" : "<NAME>");
        else if (strcmp(a->name, "modify") == 0)
                fprintf(f,
                        "usage: clmgr modify %s %sATTR=VALUE ...\n"
                        "  Changes are staged; they take effect at 'clmgr sync cluster'.\n",
                        cname, singleton ? "" : "<NAME> ");
        else if (strcmp(a->name, "delete") == 0)
                fprintf(f, "usage: clmgr delete %s%s\n", cname, singleton ? "" : " <NAME>");
        else
                fprintf(f, "usage: clmgr [-c|-d DELIM] [-S] [-j] [-a ATTR,...] query %s [<NAME>]\n",
                        cname);
        if (crud && known && strcmp(a->name, "delete") != 0) {
                const conf_class_def_t *cd = conf_class_def(cc);

                fprintf(f, "  %s\n", cd->help);
                cli_print_attrs(f, cc, strcmp(a->name, "query") != 0);
        }
}

void cli_output_usage(FILE *f, const struct cli_cmd *cmd)
{
        switch (cmd->kind) {
        case CLI_KIND_LIST_CLASSES: {
                const struct cli_action_def *a = find_action(cmd->action);
                if (a)
                        print_classes(f, a);
                else
                        print_main_usage(f);
                break;
        }
        case CLI_KIND_HELP:
                print_help(f, cmd);
                break;
        case CLI_KIND_LIST_ACTIONS:
        case CLI_KIND_RUN:
        default:
                print_main_usage(f);
                break;
        }
}
