/* cli_output_status: the status view of clmgr status and clRGinfo: the
 * clRGinfo table (text), -c/-d delimited, -j, the monitors (-m), the
 * priority override locations (-p) and the pending timers (-t). */
#include "cli/cli_output_status.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_rginfo.h"
#include "cli/cli_text.h"
#include "common/hamr_alloc.h"

#define RULE CLI_RULE

static bool group_shown(json_t *filter, const char *name)
{
        size_t i;
        json_t *v;

        if (!filter)
                return true;
        json_array_foreach(filter, i, v) if (strcmp(json_string_value(v), name) == 0) return true;
        return false;
}

static void print_cluster_line(FILE *f, json_t *cluster)
{
        json_t *view = json_object_get(cluster, "VIEW");
        json_t *quorum = json_object_get(cluster, "QUORUM");
        json_t *members = json_object_get(cluster, "MEMBERS");
        char *m = members ? cli_value_text(members) : zstrdup("");

        fprintf(f,
                "Cluster: %s  State: %s  Coordinator: %s  View: ", cli_str_or(cluster, "NAME", "-"),
                cli_str_or(cluster, "STATE", "-"), cli_str_or(cluster, "COORDINATOR", "-"));
        if (json_is_integer(view))
                fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(view));
        else
                fputc('-', f);
        fprintf(f, "  Members: %s  Quorum: %s\n", *m ? m : "-",
                json_is_boolean(quorum) ? (json_is_true(quorum) ? "yes" : "no") : "-");
        free(m);
        json_t *repo = json_object_get(cluster, "REPOSITORY");
        if (json_is_object(repo))
                fprintf(f, "Repository: %s (%s, %s)\n", cli_str_or(repo, "ACTIVE", "-"),
                        json_integer_value(json_object_get(repo, "INDEX")) ? "backup" : "primary",
                        cli_str_or(repo, "STATE", "-"));
        json_t *dm = json_object_get(cluster, "DEADMAN");
        if (json_is_object(dm))
                fprintf(f,
                        "Deadman switch: mode %s%s, watchdog %s, %s, events %" JSON_INTEGER_FORMAT
                        "%s%s\n",
                        cli_str_or(dm, "MODE", "-"),
                        !strcmp(cli_str_or(dm, "MODE", "-"), "e")
                            ? " (events only: nodes run UNFENCED, nothing resets a node whose "
                              "daemon dies)"
                            : "",
                        cli_str_or(dm, "WATCHDOG", "-"),
                        json_is_true(json_object_get(dm, "ARMED")) ? "armed" : "not armed",
                        json_integer_value(json_object_get(dm, "EVENTS")),
                        cli_str_or(dm, "LAST_EVENT", NULL) ? ", last: " : "",
                        cli_str_or(dm, "LAST_EVENT", ""));
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
                int len = (int)strlen(cli_str_or(n, "NAME", "-"));
                if (len > width)
                        width = len;
        }
        fprintf(f, "%-*s %-10s %-7s %-22s %-9s %-20s %-10s %s\n", width, "Node", "State", "Daemon",
                "Watchdog", "Paths", "Network", "Targets", "Repository");
        bool stopped = false;
        json_array_foreach(nodes, i, n)
        {
                const char *state = cli_str_or(n, "STATE", "-");
                bool up = json_object_get(n, "DAEMON") ? !strcmp(cli_str_or(n, "DAEMON", "-"), "UP")
                                                       : strcmp(state, "DOWN") != 0;
                char st[24];

                snprintf(st, sizeof(st), "%s%s", state,
                         json_is_true(json_object_get(n, "START_ON_RESTART")) ? "*" : "");
                if (up && !strcmp(state, "OFFLINE"))
                        stopped = true;
                /* NETMON_TARGETS: reached, UNREACHED, or - (none configured) */
                const char *tg = cli_str_or(n, "NETMON", "-");
                fprintf(f, "%-*s %-10s %-7s %-22s %-9s %-20s %-10s %s\n", width,
                        cli_str_or(n, "NAME", "-"), st, up ? "up" : "down",
                        cli_str_or(n, "WATCHDOG", "-"), cli_str_or(n, "PATHS", "-"),
                        cli_str_or(n, "NETWORK", "-"),
                        !strcmp(tg, "REACHED")     ? "reached"
                        : !strcmp(tg, "UNREACHED") ? "UNREACHED"
                                                   : "-",
                        cli_str_or(n, "REPOSITORY", "-"));
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
                const char *name = cli_str_or(g, "NAME", "-");
                json_t *per_node = json_object_get(g, "NODES");
                const char *err = cli_str_or(g, "ERROR", NULL);

                if (!group_shown(filter, name))
                        continue;
                if (json_object_size(per_node) > 0) {
                        const char *node;
                        json_t *state;
                        bool first = true;

                        json_object_foreach(per_node, node, state)
                        {
                                char *t = cli_value_text(state);
                                fprintf(f, "%-30s %-28s %s\n", first ? name : "", t, node);
                                free(t);
                                first = false;
                        }
                } else {
                        fprintf(f, "%-30s %-28s %s\n", name, cli_str_or(g, "STATE", "-"),
                                cli_str_or(g, "CURRENT_NODE", ""));
                }
                if (json_object_size(json_object_get(g, "ERRORS")) > 1) {
                        const char *node;
                        json_t *reason;
                        json_object_foreach(json_object_get(g, "ERRORS"), node, reason)
                            fprintf(f, "  error on %s: %s\n", node, json_string_value(reason));
                } else if (err) {
                        fprintf(f, "  error: %s\n", err);
                }
                if (*cli_str_or(g, "REASON", ""))
                        fprintf(f, "  reason: %s\n", cli_str_or(g, "REASON", ""));
                if (*cli_str_or(g, "MONITOR_FAILURE", ""))
                        fprintf(
                            f, "  monitor: restarts %lld; last failure: %s\n",
                            (long long)json_integer_value(json_object_get(g, "MONITOR_RESTARTS")),
                            cli_str_or(g, "MONITOR_FAILURE", ""));
                json_t *susp = json_object_get(g, "MONITOR_SUSPENDED");
                if (json_array_size(susp) > 0) {
                        size_t k;
                        json_t *a;
                        fprintf(f, "  monitoring suspended:");
                        json_array_foreach(susp, k, a) fprintf(f, " %s", json_string_value(a));
                        fprintf(f, "\n");
                }
                if (pol) {
                        const char *p = cli_str_or(g, "PRIORITY_OVERRIDE", "");
                        fprintf(f, "  Priority Override Information: Primary Instance POL: %s\n",
                                *p ? p : "none");
                }
                if (cli_str_or(g, "TIMER", NULL))
                        fprintf(f, "  Timer: %s\n", cli_str_or(g, "TIMER", ""));
                else if (timers)
                        fprintf(f, "  Timer: none\n");
        }
        if (timers && cli_str_or(status, "TIMERS_ERROR", NULL))
                fprintf(f, "Timers unknown: %s\n", cli_str_or(status, "TIMERS_ERROR", ""));
}

/* The state of application a of group g as clRGinfo -m shows it: the
 * group's state, and when ONLINE whether it is monitored. */
static void app_state(json_t *g, json_t *a, char *buf, size_t len)
{
        const char *gs = cli_str_or(g, "STATE", "-");

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
                const char *name = cli_str_or(g, "NAME", "-");
                char st[64];

                if (!group_shown(filter, name))
                        continue;
                fprintf(f, "%-24s %-14s %-26s %s", name, cli_str_or(g, "STATE", "-"), "",
                        cli_str_or(g, "CURRENT_NODE", ""));
                if (!*cli_str_or(g, "CURRENT_NODE", ""))
                        fprintf(f, "(no node)");
                fputc('\n', f);
                json_array_foreach(json_object_get(g, "APPLICATIONS"), k, a)
                {
                        json_t *mons = json_object_get(a, "MONITORS");
                        size_t q;
                        json_t *mn;

                        app_state(g, a, st, sizeof(st));
                        fprintf(f, " %-23s %-14s %-*s", cli_str_or(a, "NAME", "-"), "",
                                json_array_size(mons) ? 26 : 0, st);
                        json_array_foreach(mons, q, mn)
                            fprintf(f, "%s%s", q ? "," : " monitors: ", json_string_value(mn));
                        fputc('\n', f);
                }
                if (json_integer_value(json_object_get(g, "MONITOR_RESTARTS")) > 0 ||
                    *cli_str_or(g, "MONITOR_FAILURE", ""))
                        fprintf(
                            f, "  monitor: restarts %lld; last failure: %s\n",
                            (long long)json_integer_value(json_object_get(g, "MONITOR_RESTARTS")),
                            *cli_str_or(g, "MONITOR_FAILURE", "")
                                ? cli_str_or(g, "MONITOR_FAILURE", "")
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

                if (!group_shown(filter, cli_str_or(g, "NAME", "")))
                        continue;
                json_array_foreach(json_object_get(g, "APPLICATIONS"), k, a)
                {
                        app_state(g, a, st, sizeof(st));
                        fprintf(f, "%s%s%s%s%s%s%s\n", cli_str_or(g, "NAME", ""), d,
                                cli_str_or(a, "NAME", ""), d, st, d,
                                cli_str_or(g, "CURRENT_NODE", ""));
                }
        }
}

static void print_status_delim(FILE *f, const char *d, json_t *status, json_t *filter, bool pol)
{
        size_t i;
        json_t *g;

        json_array_foreach(json_object_get(status, "groups"), i, g)
        {
                const char *name = cli_str_or(g, "NAME", "");
                json_t *per_node = json_object_get(g, "NODES");
                const char *node;
                json_t *state;

                if (!group_shown(filter, name))
                        continue;
                if (json_object_size(per_node) == 0) {
                        fprintf(f, "%s%s%s%s%s", name, d, cli_str_or(g, "STATE", ""), d,
                                cli_str_or(g, "CURRENT_NODE", ""));
                        if (pol)
                                fprintf(f, "%s%s", d, cli_str_or(g, "PRIORITY_OVERRIDE", ""));
                        fputc('\n', f);
                        continue;
                }
                json_object_foreach(per_node, node, state)
                {
                        char *t = cli_value_text(state);
                        fprintf(f, "%s%s%s%s%s", name, d, t, d, node);
                        if (pol) /* -p: the group's POL as a fourth field */
                                fprintf(f, "%s%s", d, cli_str_or(g, "PRIORITY_OVERRIDE", ""));
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
                const char *kind = cli_str_or(t, "KIND", ""), *node = cli_str_or(t, "NODE", "?"),
                           *at = cli_str_or(t, "AT", "");
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
                        if (!strcmp(cli_str_or(g, "NAME", ""), cli_str_or(t, "GROUP", "")))
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

                        json_array_foreach(
                            json_object_get(status, "groups"), i,
                            g) if (group_shown(group_filter, cli_str_or(g, "NAME", "")))
                            json_array_append(groups, g);
                        json_object_set_new(copy, "groups", groups);
                        cli_print_json(f, copy);
                        json_decref(copy);
                } else {
                        cli_print_json(f, status);
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
