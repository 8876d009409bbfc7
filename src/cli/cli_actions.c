/* cli_actions: clmgr's actions (names, PowerHA aliases, the schema classes
 * each takes, help) and the argument helpers every part of the parser uses:
 * errors, names lists, quotes, flag and class checks. The bottom of the
 * parser: cli_parse.c and cli_parse_build.c use it; it uses neither. */
#include "cli/cli_actions.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli_schema.h"
#include "common/hamr_alloc.h"
#include "common/hamr_error.h"

static const char *const add_aliases[] = {"a", "create", "make", "mk", NULL};
static const char *const query_aliases[] = {"q", "ls", "get", "list", "show", NULL};
static const char *const modify_aliases[] = {"mod", "ch", "set", "change", NULL};
static const char *const delete_aliases[] = {"de", "rm", "remove", "erase", "rem", NULL};
static const char *const online_aliases[] = {"on", "start", NULL};
static const char *const offline_aliases[] = {"off", "stop", NULL};
static const char *const move_aliases[] = {"mv", "mo", NULL};
static const char *const sync_aliases[] = {"sy", NULL};
static const char *const verify_aliases[] = {"ve", NULL};
static const char *const view_aliases[] = {"vi", NULL};
static const char *const no_names[] = {NULL};
static const char *const compare_aliases[] = {"diff", NULL};

/* clmgr's own classes: the runbook short forms, the status view and
 * snapshots (kept in the repository, not in the configuration schema). */
static const char *const modify_extra[] = {"failover", "fallback", "snapshot", NULL};
static const char *const view_extra[] = {"status", "log", "snapshot", NULL};
static const char *const snapshot_extra[] = {"snapshot", NULL};

#define RG_ONLY      CLI_CLASS_BIT(CONF_CLASS_RESOURCE_GROUP)
#define CLUSTER_ONLY CLI_CLASS_BIT(CONF_CLASS_CLUSTER)

/* Classes come from the schema (bit sets of conf_class_t). */
static const struct cli_action_def action_table[CLI_ACT_COUNT] = {
    [CLI_ACT_ADD] = {.name = "add",
                     .aliases = add_aliases,
                     .classes = CLI_CLASSES_ALL,
                     .extra = snapshot_extra,
                     .help = "create an object"},
    [CLI_ACT_QUERY] = {.name = "query",
                       .aliases = query_aliases,
                       .classes = CLI_CLASSES_ALL,
                       .extra = snapshot_extra,
                       .help = "show objects and their attributes"},
    [CLI_ACT_MODIFY] = {.name = "modify",
                        .aliases = modify_aliases,
                        .classes = CLI_CLASSES_ALL,
                        .extra = modify_extra,
                        .help = "change attributes (staged; takes effect at sync)"},
    [CLI_ACT_DELETE] = {.name = "delete",
                        .aliases = delete_aliases,
                        .classes = CLI_CLASSES_ALL,
                        .extra = snapshot_extra,
                        .help = "remove an object"},
    [CLI_ACT_ONLINE] = {.name = "online",
                        .aliases = online_aliases,
                        .classes = CLI_CLASSES_RUNTIME,
                        .extra = no_names,
                        .help = "start cluster services, or bring resource groups online"},
    [CLI_ACT_OFFLINE] = {.name = "offline",
                         .aliases = offline_aliases,
                         .classes = CLI_CLASSES_RUNTIME,
                         .extra = no_names,
                         .help = "stop cluster services, or take resource groups offline"},
    [CLI_ACT_MOVE] = {.name = "move",
                      .aliases = move_aliases,
                      .classes = RG_ONLY,
                      .extra = no_names,
                      .help = "move resource groups to a node"},
    [CLI_ACT_SYNC] = {.name = "sync",
                      .aliases = sync_aliases,
                      .classes = CLUSTER_ONLY,
                      .extra = no_names,
                      .help = "verify and propagate the staged configuration"},
    [CLI_ACT_VERIFY] = {.name = "verify",
                        .aliases = verify_aliases,
                        .classes = CLUSTER_ONLY,
                        .extra = no_names,
                        .help = "verify the staged configuration"},
    [CLI_ACT_STATUS] = {.name = "status",
                        .aliases = no_names,
                        .classes = 0,
                        .extra = no_names,
                        .help = "show cluster, node and resource group state (like clRGinfo)"},
    [CLI_ACT_VIEW] =
        {.name = "view",
         .aliases = view_aliases,
         .classes = 0,
         .extra = view_extra,
         .help = "view status, a log (clutils.log, hamrd, hamr.out), or a snapshot's text"},
    [CLI_ACT_MANAGE] = {.name = "manage",
                        .aliases = no_names,
                        .classes = CLI_CLASS_BIT(CONF_CLASS_APPLICATION_CONTROLLER),
                        .extra = snapshot_extra,
                        .help = "manage snapshot restore NAME: stage a snapshot (then sync); "
                                "manage application_controller suspend|resume AC: its monitoring"},
    [CLI_ACT_COMPARE] = {.name = "compare",
                         .aliases = compare_aliases,
                         .classes = 0,
                         .extra = snapshot_extra,
                         .help = "differences between a snapshot and the active configuration "
                                 "(hamr extension)"},
    [CLI_ACT_WHY] = {.name = "why",
                     .aliases = no_names,
                     .classes = RG_ONLY,
                     .extra = no_names,
                     .help = "why a resource group is where it is, with the causes recorded "
                             "(hamr extension)"},
    [CLI_ACT_SIMULATE] = {.name = "simulate",
                          .aliases = no_names,
                          .classes = 0,
                          .extra = no_names,
                          .help = "what would happen after node_down, node_up, network_down NODE "
                                  "or rg_move RG NODE; changes nothing (hamr extension)"},
};

const struct cli_action_def *cli_actions(size_t *ret_n)
{
        *ret_n = CLI_ACT_COUNT;
        return action_table;
}

const struct cli_action_def *cli_action_def(enum cli_action act)
{
        return &action_table[act];
}

int cli_fail(struct cli_cmd *cmd, int rc, const char *fmt, ...)
{
        va_list ap;
        char *msg = NULL;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = zstrdup("out of memory");
        va_end(ap);
        free(cmd->error);
        cmd->error = msg;
        cmd->rc = rc;
        return -EINVAL;
}

bool cli_has_prefix_ci(const char *word, const char *prefix)
{
        size_t n = strlen(prefix);
        return n > 0 && strncasecmp(word, prefix, n) == 0;
}

enum cli_rt_class cli_runtime_class(const char *s)
{
        conf_class_t cls;

        if (cli_class_lookup(s, CLI_CLASSES_RUNTIME, &cls) < 0)
                return CLI_RT_NONE;
        switch (cls) {
        case CONF_CLASS_CLUSTER:
                return CLI_RT_CLUSTER;
        case CONF_CLASS_NODE:
                return CLI_RT_NODE;
        case CONF_CLASS_RESOURCE_GROUP:
                return CLI_RT_RG;
        default:
                return CLI_RT_NONE;
        }
}

int cli_check_class(struct cli_cmd *cmd, enum cli_action act)
{
        const struct cli_action_def *a = &action_table[act];
        char list[512];
        conf_class_t cls;
        int r = cli_class_lookup(cmd->class_name, a->classes, &cls);

        if (r == 0)
                return 0;
        cli_class_list(a->classes, list, sizeof(list));
        for (const char *const *e = a->extra; *e; e++) {
                size_t used = strlen(list);
                snprintf(list + used, sizeof(list) - used, ", %s", *e);
        }
        return cli_fail(cmd, CLMGR_RC_INVALID, "%s: class '%s' is %s (allowed: %s)", a->name,
                        cmd->class_name, r == -EAGAIN ? "ambiguous" : "not supported", list);
}

char *cli_unquote(const char *v)
{
        size_t n = strlen(v);

        if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0])
                return zstrndup(v + 1, n - 2);
        return zstrdup(v);
}

json_t *cli_split_names(const char *s)
{
        json_t *arr = json_array();
        char *copy = cli_unquote(s);
        char *save = NULL;

        for (char *tok = strtok_r(copy, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save))
                json_array_append_new(arr, json_string(tok));
        free(copy);
        return arr;
}

int cli_reject_flags(struct cli_cmd *cmd, const struct cli_flags *fl, const char *allowed,
                     const char *what)
{
        if (fl->o && !strchr(allowed, 'o'))
                return cli_fail(cmd, CLMGR_RC_INVALID, "%s: option -o is not valid here", what);
        if (fl->m && !strchr(allowed, 'm'))
                return cli_fail(cmd, CLMGR_RC_INVALID, "%s: option -m is not valid here", what);
        if (fl->g && !strchr(allowed, 'g'))
                return cli_fail(cmd, CLMGR_RC_INVALID, "%s: option -g is not valid here", what);
        return 0;
}
