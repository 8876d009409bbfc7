/* cli_output: formats daemon replies for people (PowerHA ATTR="value"
 * records) and scripts (-c/-d delimited, -j JSON): queries, sync and verify,
 * why and simulate, and routes status replies to cli_output_status. Writes
 * only to the FILE* it is given. */
#include "cli/cli_output.h"
#include "cli/cli_parse_build.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_output_status.h"
#include "cli/cli_text.h"
#include "common/hamr_alloc.h"

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
                cli_print_json(f, objs);
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
                                char *t = val ? cli_value_text(val) : zstrdup("");

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
                                char *t = cli_value_text(v);
                                fprintf(f, "%s=\"%s\"\n", key, t);
                                free(t);
                        }
                }
                break;
        }
        json_decref(objs);
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
        const char *target = cli_str_or(reply, "TARGET", "");
        size_t i;
        json_t *e;

        if (o->format == CLI_FMT_JSON) {
                cli_print_json(f, reply);
                return 0;
        }
        fprintf(f, "Resource group %s: %s%s\n", cli_str_or(reply, "GROUP", "?"),
                *target ? "target node " : "no target node (offline)", target);
        fprintf(f, "Why: %s\n", cli_str_or(reply, "REASON", "?"));
        if (json_array_size(json_object_get(reply, "HISTORY")) == 0) {
                fprintf(f, "No cause recorded since %s (the coordinator's history).\n",
                        cli_str_or(reply, "SINCE", "?"));
                return 0;
        }
        fprintf(f, "Causes recorded by the coordinator since %s (local time):\n",
                cli_str_or(reply, "SINCE", "?"));
        json_array_foreach(json_object_get(reply, "HISTORY"), i, e)
            fprintf(f, "  %s  %s\n", cli_str_or(e, "TIME", "?"), cli_str_or(e, "EVENT", "?"));
        return 0;
}

/* clmgr simulate: what the planner would do, group by group. */
static int print_simulate(FILE *f, const struct cli_opts *o, json_t *reply)
{
        size_t i;
        json_t *e;

        if (o->format == CLI_FMT_JSON) {
                cli_print_json(f, reply);
                return 0;
        }
        fprintf(f, "Simulated %s %s%s%s (nothing is changed):\n", cli_str_or(reply, "EVENT", "?"),
                json_object_get(reply, "GROUP") ? cli_str_or(reply, "GROUP", "") : "",
                json_object_get(reply, "GROUP") ? " " : "", cli_str_or(reply, "NODE", "?"));
        if (!json_is_true(json_object_get(reply, "QUORUM"))) {
                fprintf(f, "  the view would have no quorum: no group would move (those on the "
                           "remaining nodes stay, the others wait)\n");
                return 0;
        }
        json_array_foreach(json_object_get(reply, "GROUPS"), i, e)
        {
                const char *b = cli_str_or(e, "BEFORE", ""), *a = cli_str_or(e, "AFTER", "");
                fprintf(f, "  %s: %s -> %s (%s)\n", cli_str_or(e, "GROUP", "?"), *b ? b : "offline",
                        *a ? a : "offline", cli_str_or(e, "REASON", "?"));
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
                const char *name = cli_str_or(n, "NODE", "?");
                size_t ne = json_array_size(json_object_get(n, "ERRORS"));
                size_t nw = json_array_size(json_object_get(n, "WARNINGS"));

                if (!ne && !nw)
                        fprintf(f, "  %s: ok\n", name);
                json_array_foreach(json_object_get(n, "ERRORS"), k, e)
                    fprintf(f, "  %s: ERROR: %s\n", name, json_string_value(e));
                json_array_foreach(json_object_get(n, "WARNINGS"), k, e)
                    fprintf(f, "  %s: WARNING: %s\n", name, json_string_value(e));
        }
        if (json_array_size(json_object_get(reply, "rto")))
                fprintf(f, "Failover time budget (hamr extension):\n");
        json_array_foreach(json_object_get(reply, "rto"), i, n)
            fprintf(f, "  %s\n", cli_str_or(n, "TEXT", "?"));
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
                        cli_print_json(f, reply);
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
                } else if (cmd->preview) {
                        json_t *l;
                        size_t k;
                        json_t *plan = json_object_get(reply, "preview");
                        fprintf(f, "Verification passed. The sync would do, to running groups:\n");
                        json_array_foreach(plan, k, l) fprintf(f, "  %s\n", json_string_value(l));
                        if (!json_array_size(plan))
                                fprintf(f, "  nothing\n");
                        fprintf(f, "Preview only: nothing was committed.\n");
                } else {
                        json_t *l;
                        size_t k;
                        json_array_foreach(json_object_get(reply, "live_changes"), k, l)
                            fprintf(f, "Live change: %s\n", json_string_value(l));
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
                        cli_print_json(f, reply);
                return 0;
        }
}
