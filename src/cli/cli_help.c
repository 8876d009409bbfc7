/* cli_help: clmgr's usage and help: the actions, the classes an action
 * takes, and a class's attributes with their allowed values, defaults and
 * help, from the schema. */
#include "cli/cli_help.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli_actions.h"
#include "cli/cli_logview.h"
#include "cli/cli_report.h"
#include "cli/cli_schema.h"
#include "cli/cli_text.h"
#include "common/hamr_alloc.h"

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
        if (strcmp(a->name, "view") == 0 && cls && cli_has_prefix_ci("report", cls)) {
                cli_report_help(f);
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
        else if (strcmp(a->name, "sync") == 0)
                fprintf(f,
                        "usage: clmgr sync cluster [PREVIEW=yes]\n  %s\n"
                        "  Running groups are changed live (only the resources added or "
                        "removed);\n"
                        "  PREVIEW=yes prints what the sync would do to them and commits "
                        "nothing.\n",
                        a->help);
        else if (strcmp(a->name, "verify") == 0)
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
                        "  Changes are staged; they take effect at 'clmgr sync cluster'.\n%s",
                        cname, singleton ? "" : "<NAME> ",
                        strcmp(cname, "resource_group") == 0
                            ? "  NAME=<new name> renames the group (its ID is kept).\n"
                            : "");
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
