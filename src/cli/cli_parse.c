/* cli_parse: clmgr's argument parser. Turns argv into the JSON request(s) of
 * docs/control-protocol.md, the output options and the wait condition.
 * Pure: no I/O, no global state. Class names are checked against the schema
 * (cli_schema.c); the daemon validates attribute names and values. */
#include "cli/cli_parse_build.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api_ops.h"
#include "cli/cli_logview.h"
#include "cli/cli_report.h"
#include "cli/cli_schema.h"
#include "common/hamr_alloc.h"
#include "common/hamr_error.h"

/* Exact name or alias first, then unambiguous prefix of names and aliases.
 * Returns the action, -ENOENT if none matches, -EAGAIN if ambiguous. */
static int lookup_action(const char *s)
{
        size_t n;
        const struct cli_action_def *action_table = cli_actions(&n);
        int found = -ENOENT;

        for (int a = 0; a < CLI_ACT_COUNT; a++) {
                if (strcasecmp(s, action_table[a].name) == 0)
                        return a;
                for (const char *const *al = action_table[a].aliases; *al; al++)
                        if (strcasecmp(s, *al) == 0)
                                return a;
        }
        for (int a = 0; a < CLI_ACT_COUNT; a++) {
                bool hit = cli_has_prefix_ci(action_table[a].name, s);
                for (const char *const *al = action_table[a].aliases; *al && !hit; al++)
                        hit = cli_has_prefix_ci(*al, s);
                if (!hit)
                        continue;
                if (found >= 0)
                        return -EAGAIN;
                found = a;
        }
        return found;
}

static char *ambiguous_actions(const char *s)
{
        size_t n;
        const struct cli_action_def *action_table = cli_actions(&n);
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        const char *sep = "";

        if (!f)
                return zstrdup("?");
        for (int a = 0; a < CLI_ACT_COUNT; a++) {
                const char *hit =
                    cli_has_prefix_ci(action_table[a].name, s) ? action_table[a].name : NULL;
                for (const char *const *al = action_table[a].aliases; *al && !hit; al++)
                        if (cli_has_prefix_ci(*al, s))
                                hit = *al;
                if (hit && strcmp(hit, action_table[a].name) == 0) {
                        fprintf(f, "%s%s", sep, hit);
                        sep = ", ";
                } else if (hit) {
                        fprintf(f, "%s%s (%s)", sep, hit, action_table[a].name);
                        sep = ", ";
                }
        }
        fclose(f);
        return out;
}

static void set_delim(struct cli_opts *o, const char *delim)
{
        o->format = CLI_FMT_DELIM;
        free(o->delim);
        o->delim = zstrdup(delim);
}

/* Parses one flag token (argv[*i] starts with '-'). May consume argv[*i+1]. */
static int parse_flag(struct cli_cmd *cmd, struct cli_flags *fl, bool clrginfo, int argc,
                      char *const argv[], int *i)
{
        const char *tok = argv[*i];

        if (strcmp(tok, "--help") == 0) {
                fl->help = true;
                return 0;
        }
        if (strcmp(tok, "--json") == 0) {
                cmd->opts.format = CLI_FMT_JSON;
                return 0;
        }
        for (const char *p = tok + 1; *p; p++) {
                char c = *p;
                const char *arg = NULL;

                if (c == 'm' && clrginfo) { /* clRGinfo -m: application monitors */
                        cmd->opts.show_monitors = true;
                        continue;
                }
                if (c == 'v' && clrginfo) { /* clRGinfo -v: verbose (policies) */
                        cmd->opts.show_policies = true;
                        continue;
                }
                if (c == 'a' && clrginfo) { /* clRGinfo -a: location and destination */
                        cmd->opts.show_location = true;
                        continue;
                }
                if (strchr("daTlomg", c)) {
                        if (p[1])
                                arg = p + 1;
                        else if (*i + 1 < argc)
                                arg = argv[++*i];
                        else
                                return cli_fail(cmd, CLMGR_RC_MISSING,
                                                "option -%c requires a value", c);
                }
                switch (c) {
                case 's': /* clRGinfo -s: colon-separated output */
                        if (!clrginfo)
                                goto unknown;
                        set_delim(&cmd->opts, ":");
                        break;
                case 'c':
                        set_delim(&cmd->opts, ":");
                        break;
                case 'p': /* clRGinfo -p: priority override locations */
                        if (!clrginfo)
                                goto unknown;
                        cmd->opts.show_pol = true;
                        break;
                case 't': /* clRGinfo -t, clmgr -t status: settling and fallback timers */
                        cmd->opts.show_timers = true;
                        break;
                case 'd':
                        if (!*arg)
                                return cli_fail(cmd, CLMGR_RC_INVALID,
                                                "option -d: empty delimiter");
                        set_delim(&cmd->opts, arg);
                        break;
                case 'S':
                        cmd->opts.no_header = true;
                        break;
                case 'j':
                        cmd->opts.format = CLI_FMT_JSON;
                        break;
                case 'v':
                        cmd->opts.verbose = true;
                        break;
                case 'h':
                case '?':
                        fl->help = true;
                        break;
                case 'f':
                case 'D':
                        break; /* PowerHA force / no-prerequisites: nothing to do in hamr */
                case 'l':
                        break; /* PowerHA trace level: clmgr has one level */
                case 'a': {
                        json_t *names = cli_split_names(arg);
                        size_t n = json_array_size(names);

                        if (cmd->opts.attrs) {
                                for (char **a = cmd->opts.attrs; *a; a++)
                                        free(*a);
                                free(cmd->opts.attrs);
                        }
                        cmd->opts.attrs = zcalloc(n + 1, sizeof(char *));
                        for (size_t k = 0; k < n; k++)
                                cmd->opts.attrs[k] =
                                    zstrdup(json_string_value(json_array_get(names, k)));
                        json_decref(names);
                        if (n == 0)
                                return cli_fail(cmd, CLMGR_RC_INVALID,
                                                "option -a: no attribute names");
                        break;
                }
                case 'T':
                        free(cmd->opts.trans_id);
                        cmd->opts.trans_id = zstrdup(arg);
                        break;
                case 'o':
                        fl->o = arg;
                        break;
                case 'm':
                        fl->m = arg;
                        break;
                case 'g':
                        fl->g = arg;
                        break;
                case 'x':
                        return cli_fail(cmd, CLMGR_RC_INVALID,
                                        "option -x (XML output) is not supported; use -j for JSON");
                default:
                unknown:
                        return cli_fail(cmd, CLMGR_RC_INVALID, "unknown option -%c in '%s'", c,
                                        tok);
                }
                if (arg)
                        break; /* the rest of the token was the value */
        }
        return 0;
}

static int build_status(struct cli_cmd *cmd, char *const pos[], int npos)
{
        for (int i = 0; i < npos; i++) {
                if (strchr(pos[i], '='))
                        return cli_fail(
                            cmd, CLMGR_RC_INVALID,
                            "status: unexpected argument '%s' (give resource group names)", pos[i]);
                if (!cmd->group_filter)
                        cmd->group_filter = json_array();
                json_t *names = cli_split_names(pos[i]);
                json_array_extend(cmd->group_filter, names);
                json_decref(names);
        }
        cli_add_request(cmd, cli_new_request(api_op_name(API_OP_STATUS)));
        cmd->show = CLI_SHOW_STATUS;
        return 0;
}

/* pos[0] = NAME or first ATTR=VALUE. Fills *ret_name (borrowed from pos) and attrs. */
static int parse_name_attrs(struct cli_cmd *cmd, char *const pos[], int npos, const char **ret_name,
                            json_t *attrs)
{
        const char *name = NULL;
        int i = 0;

        if (npos > 0 && !strchr(pos[0], '=')) {
                name = pos[0];
                i = 1;
        }
        for (; i < npos; i++) {
                const char *eq = strchr(pos[i], '=');
                char *key, *val;

                if (!eq)
                        return cli_fail(cmd, CLMGR_RC_INVALID,
                                        "invalid argument '%s': expected ATTR=VALUE", pos[i]);
                if (eq == pos[i])
                        return cli_fail(cmd, CLMGR_RC_INVALID,
                                        "invalid argument '%s': empty attribute name", pos[i]);
                key = zstrndup(pos[i], (size_t)(eq - pos[i]));
                val = cli_unquote(eq + 1);
                json_object_set_new(attrs, key, json_string(val));
                free(key);
                free(val);
        }
        *ret_name = name;
        return 0;
}

static int dispatch(struct cli_cmd *cmd, enum cli_action act, const struct cli_flags *fl,
                    char *const pos[], int npos)
{
        json_t *attrs = json_object();
        const char *name = NULL;
        enum cli_rt_class rt;
        int r;

        r = parse_name_attrs(cmd, pos, npos, &name, attrs);
        if (r < 0)
                goto out;
        switch (act) {
        case CLI_ACT_ADD:
        case CLI_ACT_QUERY:
        case CLI_ACT_MODIFY:
        case CLI_ACT_DELETE:
                r = cli_build_crud(cmd, act, fl, name, attrs);
                break;
        case CLI_ACT_ONLINE:
        case CLI_ACT_OFFLINE:
                rt = cli_runtime_class(cmd->class_name);
                if (rt == CLI_RT_NONE)
                        r = cli_check_class(cmd, act);
                else if (rt == CLI_RT_RG)
                        r = cli_build_rg(cmd, act, fl, name, attrs);
                else
                        r = cli_build_start_stop(cmd, act, rt, fl, name, attrs);
                break;
        case CLI_ACT_MOVE:
                r = cli_check_class(cmd, act);
                if (r == 0)
                        r = cli_build_rg(cmd, act, fl, name, attrs);
                break;
        case CLI_ACT_WHY:
                r = cli_check_class(cmd, act);
                if (r == 0)
                        r = cli_build_why(cmd, fl, name, attrs);
                break;
        default:
                r = cli_build_sync_verify(cmd, act, fl, name, attrs);
                break;
        }
out:
        json_decref(attrs);
        return r;
}

static const char *base_name(const char *path)
{
        const char *s = path ? strrchr(path, '/') : NULL;
        return s ? s + 1 : path ? path : "";
}

int cli_parse(int argc, char *const argv[], struct cli_cmd *cmd)
{
        bool clrginfo = argc > 0 && strcmp(base_name(argv[0]), CLI_PROGRAM_CLRGINFO) == 0;
        struct cli_flags fl = {0};
        char **pos = zcalloc((size_t)argc + 1, sizeof(char *));
        int npos = 0, act, r = 0;
        bool dashdash = false;

        memset(cmd, 0, sizeof(*cmd));
        cmd->requests = json_array();
        for (int i = 1; i < argc; i++) {
                if (!dashdash && strcmp(argv[i], "--") == 0) {
                        dashdash = true;
                } else if (!dashdash && argv[i][0] == '-' && argv[i][1]) {
                        r = parse_flag(cmd, &fl, clrginfo, argc, argv, &i);
                        if (r < 0)
                                goto out;
                } else {
                        pos[npos++] = argv[i];
                }
        }
        if (clrginfo) {
                cmd->action = cli_action_def(CLI_ACT_STATUS)->name;
                if (fl.help)
                        cmd->kind = CLI_KIND_HELP;
                else
                        r = build_status(cmd, pos, npos);
                goto out;
        }
        if (npos == 0 || (npos == 1 && strcasecmp(pos[0], "help") == 0)) {
                cmd->kind = CLI_KIND_LIST_ACTIONS;
                goto out;
        }
        act = lookup_action(pos[0]);
        if (act == -EAGAIN) {
                char *cands = ambiguous_actions(pos[0]);
                r = cli_fail(cmd, CLMGR_RC_INVALID, "ambiguous action '%s': could be %s", pos[0],
                             cands);
                free(cands);
                goto out;
        }
        if (act < 0) {
                r = cli_fail(
                    cmd, CLMGR_RC_INVALID,
                    "unknown action '%s' (run clmgr without arguments for the list of actions)",
                    pos[0]);
                goto out;
        }
        cmd->action = cli_action_def(act)->name;
        if (act == CLI_ACT_STATUS) {
                if (fl.help)
                        cmd->kind = CLI_KIND_HELP;
                else
                        r = build_status(cmd, pos + 1, npos - 1);
                goto out;
        }
        if (act == CLI_ACT_SIMULATE) {
                if (fl.help)
                        cmd->kind = CLI_KIND_HELP;
                else
                        r = cli_build_simulate(cmd, &fl, pos + 1, npos - 1);
                goto out;
        }
        if (npos < 2) {
                cmd->kind = fl.help ? CLI_KIND_HELP : CLI_KIND_LIST_CLASSES;
                goto out;
        }
        cmd->class_name = zstrdup(pos[1]);
        if (fl.help) {
                cmd->kind = CLI_KIND_HELP;
                goto out;
        }
        if (cli_is_snapshot_class(pos[1]) &&
            (act == CLI_ACT_ADD || act == CLI_ACT_QUERY || act == CLI_ACT_MODIFY ||
             act == CLI_ACT_DELETE || act == CLI_ACT_VIEW || act == CLI_ACT_MANAGE ||
             act == CLI_ACT_COMPARE)) {
                r = cli_build_snapshot(cmd, act, &fl, pos + 2, npos - 2);
                goto out;
        }
        if (act == CLI_ACT_MANAGE) {
                conf_class_t cls;
                if (cli_class_lookup(pos[1], CLI_CLASS_BIT(CONF_CLASS_APPLICATION_CONTROLLER),
                                     &cls) == 0) {
                        r = cli_build_app_manage(cmd, &fl, pos + 2, npos - 2);
                        goto out;
                }
                r = cli_fail(cmd, CLMGR_RC_INVALID,
                             "manage: class '%s' is not supported (allowed: "
                             "application_controller, snapshot)",
                             pos[1]);
                goto out;
        }
        if (act == CLI_ACT_COMPARE) {
                r = cli_fail(cmd, CLMGR_RC_INVALID,
                             "%s: class '%s' is not supported (allowed: snapshot)",
                             cli_action_def(act)->name, pos[1]);
                goto out;
        }
        if (act == CLI_ACT_VIEW && cli_has_prefix_ci("log", pos[1])) {
                r = cli_build_view_log(cmd, pos + 2, npos - 2);
                goto out;
        }
        if (act == CLI_ACT_VIEW && cli_has_prefix_ci("report", pos[1])) {
                r = cli_build_view_report(cmd, pos + 2, npos - 2);
                goto out;
        }
        if (act == CLI_ACT_VIEW) {
                if (!cli_has_prefix_ci("status", pos[1])) {
                        r = cli_fail(cmd, CLMGR_RC_INVALID,
                                     "view: class '%s' is not supported (allowed: status, log, "
                                     "report, snapshot)",
                                     pos[1]);
                        goto out;
                }
                cmd->action = cli_action_def(CLI_ACT_STATUS)->name;
                r = build_status(cmd, pos + 2, npos - 2);
                goto out;
        }
        r = dispatch(cmd, act, &fl, pos + 2, npos - 2);
out:
        free(pos);
        return r;
}

void cli_cmd_clear(struct cli_cmd *cmd)
{
        if (!cmd)
                return;
        free(cmd->opts.delim);
        if (cmd->opts.attrs)
                for (char **a = cmd->opts.attrs; *a; a++)
                        free(*a);
        free(cmd->opts.attrs);
        free(cmd->opts.trans_id);
        free(cmd->class_name);
        free(cmd->file);
        cli_logq_free(cmd->logq);
        free(cmd->reportq);
        json_decref(cmd->requests);
        json_decref(cmd->group_filter);
        json_decref(cmd->wait.names);
        json_decref(cmd->wait.stale);
        free(cmd->wait.node);
        free(cmd->error);
        memset(cmd, 0, sizeof(*cmd));
}
