/* cli_snapshot: clmgr's snapshot class (kept in the repository, not in the
 * configuration schema): the requests for add/query/modify/delete/view,
 * manage snapshot restore and compare snapshot, and their output. Pure:
 * FILE= is only recorded here (clmgr.c reads or writes it). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api_ops.h"
#include "cli/cli_output.h"
#include "cli/cli_parse_build.h"
#include "cli/cli_schema.h"
#include "cli/cli_snapshot.h"
#include "common/hamr_alloc.h"
#include "common/hamr_error.h"

bool cli_is_snapshot_class(const char *s)
{
        return s && strlen(s) >= 2 && cli_has_prefix_ci("snapshot", s);
}

/* The attributes an action takes ("" none). */
static const char *allowed_attrs(enum cli_action act)
{
        switch (act) {
        case CLI_ACT_ADD:
                return "DESCRIPTION, FILE";
        case CLI_ACT_MODIFY:
                return "DESCRIPTION";
        case CLI_ACT_QUERY:
        case CLI_ACT_VIEW:
                return "FILE";
        default:
                return "";
        }
}

int cli_build_snapshot(struct cli_cmd *cmd, enum cli_action act, const struct cli_flags *fl,
                       char *const pos[], int npos)
{
        const char *what = cli_action_def(act)->name;
        const char *name = NULL, *name2 = NULL, *desc = NULL, *op;
        char label[64];
        json_t *req;
        int i = 0, r;

        snprintf(label, sizeof(label), "%s snapshot", what);
        r = cli_reject_flags(cmd, fl, "", label);
        if (r < 0)
                return r;
        if (act == CLI_ACT_MANAGE) {
                if (npos < 1 || strcasecmp(pos[0], "restore"))
                        return cli_fail(cmd, CLMGR_RC_INVALID,
                                        "manage snapshot: expected 'restore NAME' (allowed: "
                                        "restore)");
                i = 1;
        }
        if (i < npos && !strchr(pos[i], '='))
                name = pos[i++];
        if (act == CLI_ACT_COMPARE && i < npos && !strchr(pos[i], '='))
                name2 = pos[i++];
        for (; i < npos; i++) {
                const char *eq = strchr(pos[i], '=');
                const char *allowed = allowed_attrs(act);
                size_t klen = eq ? (size_t)(eq - pos[i]) : 0;
                char *val;

                if (!eq)
                        return cli_fail(cmd, CLMGR_RC_INVALID,
                                        "%s: invalid argument '%s': expected ATTR=VALUE", label,
                                        pos[i]);
                val = cli_unquote(eq + 1);
                if (klen == 11 && !strncasecmp(pos[i], "DESCRIPTION", 11) &&
                    strstr(allowed, "DESCRIPTION")) {
                        desc = eq + 1;
                } else if (klen == 4 && !strncasecmp(pos[i], "FILE", 4) &&
                           strstr(allowed, "FILE") && *val) {
                        free(cmd->file);
                        cmd->file = zstrdup(val);
                } else {
                        free(val);
                        return cli_fail(cmd, CLMGR_RC_INVALID,
                                        "%s: attribute '%.*s' is not allowed (allowed: %s)", label,
                                        (int)(klen ? klen : strlen(pos[i])), pos[i],
                                        *allowed ? allowed : "none");
                }
                free(val);
        }
        if (!name && act != CLI_ACT_QUERY)
                return cli_fail(cmd, CLMGR_RC_MISSING, "%s: a snapshot name is required", label);
        if (cmd->file && !name)
                return cli_fail(cmd, CLMGR_RC_MISSING,
                                "%s: FILE= needs a snapshot name (query snapshot NAME FILE=path)",
                                label);
        if (act == CLI_ACT_MODIFY && !desc)
                return cli_fail(cmd, CLMGR_RC_MISSING,
                                "%s: nothing to change (allowed: DESCRIPTION)", label);
        switch (act) {
        case CLI_ACT_ADD:
                op = api_op_name(API_OP_SNAPSHOT_ADD);
                cmd->show = CLI_SHOW_SNAP_ADD;
                break;
        case CLI_ACT_MODIFY:
                op = api_op_name(API_OP_SNAPSHOT_MODIFY);
                break;
        case CLI_ACT_DELETE:
                op = api_op_name(API_OP_SNAPSHOT_DELETE);
                break;
        case CLI_ACT_MANAGE:
                op = api_op_name(API_OP_SNAPSHOT_RESTORE);
                cmd->show = CLI_SHOW_SNAP_RESTORE;
                break;
        case CLI_ACT_COMPARE:
                op = api_op_name(API_OP_SNAPSHOT_COMPARE);
                cmd->show = CLI_SHOW_SNAP_COMPARE;
                break;
        default: /* query, view */
                op = api_op_name(API_OP_SNAPSHOT_QUERY);
                cmd->show = CLI_SHOW_SNAP_QUERY;
                break;
        }
        req = cli_new_request(op);
        if (name)
                json_object_set_new(req, "name", json_string(name));
        if (name2)
                json_object_set_new(req, "name2", json_string(name2));
        if (desc) {
                char *v = cli_unquote(desc);
                json_object_set_new(req, "attrs", json_pack("{s:s}", "DESCRIPTION", v));
                free(v);
        }
        cli_add_request(cmd, req);
        return 0;
}

static void print_json(FILE *f, json_t *v)
{
        char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

        if (s) {
                fprintf(f, "%s\n", s);
                free(s);
        }
}

static int output_query(FILE *f, const struct cli_cmd *cmd, json_t *reply)
{
        json_t *objs = json_object_get(reply, "objects"), *copy, *o;
        const char *text;
        size_t i;
        int r;

        if (!json_is_array(objs))
                return -EPROTO;
        text = json_string_value(json_object_get(json_array_get(objs, 0), "TEXT"));
        if (cmd->file) {
                /* clmgr.c wrote TEXT to the file */
                fprintf(f, "Snapshot written to %s\n", cmd->file);
                return 0;
        }
        if (text && cmd->opts.format == CLI_FMT_TEXT && !cmd->opts.attrs) {
                fputs(text, f); /* the snapshot as a file: clmgr add snapshot N FILE= takes it */
                return 0;
        }
        if (cmd->opts.format == CLI_FMT_JSON)
                return cli_output_query(f, &cmd->opts, reply);
        /* -c, -d, -a: the attributes, not the text */
        copy = json_deep_copy(reply);
        json_array_foreach(json_object_get(copy, "objects"), i, o) json_object_del(o, "TEXT");
        r = cli_output_query(f, &cmd->opts, copy);
        json_decref(copy);
        return r;
}

int cli_output_snapshot(FILE *f, const struct cli_cmd *cmd, json_t *reply)
{
        const char *name = json_string_value(json_object_get(reply, "name"));
        const char *diff = json_string_value(json_object_get(reply, "diff"));
        json_int_t gen = json_integer_value(json_object_get(reply, "generation"));
        json_int_t changes = json_integer_value(json_object_get(reply, "changes"));

        if (cmd->show == CLI_SHOW_SNAP_QUERY)
                return output_query(f, cmd, reply);
        if (cmd->opts.format == CLI_FMT_JSON) {
                print_json(f, reply);
                return 0;
        }
        switch (cmd->show) {
        case CLI_SHOW_SNAP_ADD:
                if (!name)
                        return -EPROTO;
                fprintf(f,
                        "Snapshot \"%s\" saved in the repository (configuration generation "
                        "%" JSON_INTEGER_FORMAT ").\n",
                        name, gen);
                return 0;
        case CLI_SHOW_SNAP_COMPARE:
                if (!diff)
                        return -EPROTO;
                fputs(diff, f);
                if (changes == 0)
                        fprintf(f, "No differences.\n");
                return 0;
        case CLI_SHOW_SNAP_RESTORE:
                if (!name || !diff)
                        return -EPROTO;
                fprintf(f,
                        "Snapshot \"%s\" (configuration generation %" JSON_INTEGER_FORMAT
                        ") is staged; %" JSON_INTEGER_FORMAT
                        " object(s) differ from the active configuration:\n",
                        name, gen, changes);
                fputs(diff, f);
                fprintf(f, "Run 'clmgr sync cluster' to commit it (it replaced any staged "
                           "edits; 'clmgr verify cluster' checks it first).\n");
                return 0;
        default:
                return -EPROTO;
        }
}

void cli_snapshot_help(FILE *f)
{
        fprintf(f, "usage: clmgr add snapshot <NAME> [DESCRIPTION=<text>] [FILE=<path>]\n"
                   "       clmgr query snapshot [<NAME>] [FILE=<path>]\n"
                   "       clmgr view snapshot <NAME>\n"
                   "       clmgr modify snapshot <NAME> DESCRIPTION=<text>\n"
                   "       clmgr delete snapshot <NAME>\n"
                   "       clmgr manage snapshot restore <NAME>\n"
                   "       clmgr compare snapshot <NAME> [<NAME2>]   (hamr extension)\n"
                   "Snapshots are kept in the repository (at most 30, each up to 61440 bytes).\n"
                   "add saves the active configuration; with FILE= it imports an exported\n"
                   "snapshot instead. query NAME prints the snapshot's text (FILE= writes it to\n"
                   "a file). restore stages the snapshot's configuration (group IDs kept);\n"
                   "clmgr sync cluster commits it. compare shows the objects and attributes that\n"
                   "differ from the active configuration (or from NAME2).\n"
                   "NAME: 1 to 64 letters, digits, '_', '.', '-'; DESCRIPTION: one line, at\n"
                   "most 256 characters.\n");
}

bool cli_snapshot_shows(const struct cli_cmd *cmd)
{
        return cmd->show == CLI_SHOW_SNAP_ADD || cmd->show == CLI_SHOW_SNAP_QUERY ||
               cmd->show == CLI_SHOW_SNAP_COMPARE || cmd->show == CLI_SHOW_SNAP_RESTORE;
}

bool cli_snapshot_help_wanted(const struct cli_cmd *cmd)
{
        conf_class_t cc;

        return cmd->kind == CLI_KIND_HELP && cmd->action && strcmp(cmd->action, "status") != 0 &&
               cli_is_snapshot_class(cmd->class_name) &&
               cli_class_lookup(cmd->class_name, CLI_CLASSES_ALL, &cc) != 0;
}
