/* cli_rginfo: clRGinfo -v (policies and node states of each group, in
 * PowerHA's verbose shape) and -a (current location and expected
 * destination). Reads only the status reply; writes only to the FILE*. */
#include "cli/cli_rginfo.h"

#include <string.h>

#define RULE_NODE  "----------------------------------------------------------------"
#define RULE_STATE "---------------"
#define RULE       "-----------------------------------------------------------------------------"

static const char *str_or(json_t *obj, const char *key, const char *dflt)
{
        const char *s = json_string_value(json_object_get(obj, key));
        return s && *s ? s : dflt;
}

static bool shown(json_t *filter, const char *name)
{
        size_t i;
        json_t *v;

        if (!filter)
                return true;
        json_array_foreach(filter, i, v) if (strcmp(json_string_value(v), name) == 0) return true;
        return false;
}

const char *cli_rginfo_policy_name(const char *code)
{
        static const struct {
                const char *code, *name;
        } names[] = {
            {"OHN", "Online On Home Node Only"},
            {"OFAN", "Online On First Available Node"},
            {"OAAN", "Online On All Available Nodes"},
            {"BO", "Bring Offline (On Error Node Only)"},
            {"FNPN", "Fallover To Next Priority Node In The List"},
            {"FBHPN", "Fallback To Higher Priority Node In The List"},
            {"NFB", "Never Fallback"},
        };

        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (strcmp(code, names[i].code) == 0)
                        return names[i].name;
        return code;
}

void cli_rginfo_verbose(FILE *f, const struct cli_opts *o, json_t *status, json_t *filter)
{
        const char *d = o->delim ? o->delim : ":";
        bool delim = o->format == CLI_FMT_DELIM;
        size_t i;
        json_t *g;

        if (!delim)
                fprintf(f, "Cluster Name: %s\n",
                        str_or(json_object_get(status, "cluster"), "NAME", "-"));
        json_array_foreach(json_object_get(status, "groups"), i, g)
        {
                const char *name = str_or(g, "NAME", "-"), *node;
                const char *su = str_or(g, "STARTUP", "-"), *fo = str_or(g, "FALLOVER", "-"),
                           *fb = str_or(g, "FALLBACK", "-");
                json_t *st;

                if (!shown(filter, name))
                        continue;
                if (delim) {
                        json_object_foreach(json_object_get(g, "NODES"), node, st)
                            fprintf(f, "%s%s%s%s%s%s%s%s%s%s%s\n", name, d,
                                    json_string_value(st) ? json_string_value(st) : "", d, node, d,
                                    su, d, fo, d, fb);
                        continue;
                }
                fprintf(f,
                        "\nResource Group Name: %s\nStartup Policy: %s\nFallover Policy: "
                        "%s\nFallback Policy: %s\nSite Policy: ignore\n",
                        name, cli_rginfo_policy_name(su), cli_rginfo_policy_name(fo),
                        cli_rginfo_policy_name(fb));
                fprintf(f, "%-64s %s\n%s %s\n", "Node", "Group State", RULE_NODE, RULE_STATE);
                json_object_foreach(json_object_get(g, "NODES"), node, st) fprintf(
                    f, "%-64s %s\n", node, json_string_value(st) ? json_string_value(st) : "-");
                if (*str_or(g, "PRIORITY_OVERRIDE", ""))
                        fprintf(f, "Priority Override Information: Primary Instance POL: %s\n",
                                str_or(g, "PRIORITY_OVERRIDE", ""));
                if (*str_or(g, "ERROR", ""))
                        fprintf(f, "Error: %s\n", str_or(g, "ERROR", ""));
                if (*str_or(g, "REASON", ""))
                        fprintf(f, "Reason: %s\n", str_or(g, "REASON", ""));
        }
}

/* "n1", "n1 -> n2", "-> n2", "n1 -> (offline)" or "-". */
static void location(json_t *g, char *buf, size_t len)
{
        const char *cur = str_or(g, "CURRENT_NODE", ""), *target = str_or(g, "TARGET", "");
        const char *state = str_or(g, "STATE", "");

        if (json_is_false(json_object_get(g, "TARGET_KNOWN")))
                snprintf(buf, len, "%s (destination unknown: no coordinator decision)",
                         *cur ? cur : "-");
        else if (*cur && (!strcmp(cur, target) || (!*target && !strcmp(state, "ERROR"))))
                snprintf(buf, len, "%s", cur);
        else if (*cur)
                snprintf(buf, len, "%s -> %s", cur, *target ? target : "(offline)");
        else if (*target)
                snprintf(buf, len, "-> %s", target);
        else
                snprintf(buf, len, "-");
}

void cli_rginfo_location(FILE *f, const struct cli_opts *o, json_t *status, json_t *filter)
{
        const char *d = o->delim ? o->delim : ":";
        size_t i;
        json_t *g;

        if (o->format != CLI_FMT_DELIM)
                fprintf(f, "%s\n%-30s %-16s %s\n%s\n", RULE, "Group Name", "Group State",
                        "Location (current -> expected)", RULE);
        json_array_foreach(json_object_get(status, "groups"), i, g)
        {
                const char *name = str_or(g, "NAME", "-");
                char loc[160];

                if (!shown(filter, name))
                        continue;
                if (o->format == CLI_FMT_DELIM) {
                        fprintf(f, "%s%s%s%s%s%s%s\n", name, d, str_or(g, "STATE", ""), d,
                                str_or(g, "CURRENT_NODE", ""), d, str_or(g, "TARGET", ""));
                        continue;
                }
                location(g, loc, sizeof(loc));
                fprintf(f, "%-30s %-16s %s\n", name, str_or(g, "STATE", "-"), loc);
        }
}
