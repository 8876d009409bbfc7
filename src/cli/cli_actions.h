/* cli_actions: clmgr's action table and the argument helpers shared by
 * cli_parse.c (argv walking) and cli_parse_build.c (request builders). Not
 * for clmgr.c or tests. */
#pragma once
#include <jansson.h>
#include <stdbool.h>

#include "cli/cli_parse.h"

enum cli_action {
        CLI_ACT_ADD = 0,
        CLI_ACT_QUERY,
        CLI_ACT_MODIFY,
        CLI_ACT_DELETE,
        CLI_ACT_ONLINE,
        CLI_ACT_OFFLINE,
        CLI_ACT_MOVE,
        CLI_ACT_SYNC,
        CLI_ACT_VERIFY,
        CLI_ACT_STATUS,
        CLI_ACT_VIEW,
        CLI_ACT_MANAGE,   /* manage snapshot restore NAME */
        CLI_ACT_COMPARE,  /* compare snapshot NAME [NAME2] (hamr extension) */
        CLI_ACT_WHY,      /* why resource_group NAME (hamr extension) */
        CLI_ACT_SIMULATE, /* simulate EVENT NODE | simulate rg_move RG NODE (hamr extension) */
        CLI_ACT_COUNT
};

/* Action-specific flags, valid anywhere on the command line. Borrowed from argv. */
struct cli_flags {
        const char *o; /* -o home */
        const char *m; /* -m graceful|takeover|forced|... or a policy */
        const char *g; /* -g RG[,RG] */
        bool help;     /* -h, -?, --help */
};

/* The action's definition (name, aliases, classes, help). */
const struct cli_action_def *cli_action_def(enum cli_action act);
/* Sets cmd->rc and cmd->error (formatted); returns -EINVAL. */
int cli_fail(struct cli_cmd *cmd, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Checks cmd->class_name against the schema classes act takes; on failure
 * the message lists them (with aliases and clmgr's own classes). 0 or -EINVAL. */
int cli_check_class(struct cli_cmd *cmd, enum cli_action act);
/* Case-insensitive: prefix is a non-empty prefix of word. */
bool cli_has_prefix_ci(const char *word, const char *prefix);
/* Strips one level of matching surrounding quotes. Returns a malloc'd copy. */
char *cli_unquote(const char *v);
/* "a,b c" -> new array ["a","b","c"] (quotes stripped, empty items skipped). */
json_t *cli_split_names(const char *s);
/* Rejects the action flags not listed in allowed (a subset of "omg"). 0 or -EINVAL. */
int cli_reject_flags(struct cli_cmd *cmd, const struct cli_flags *fl, const char *allowed,
                     const char *what);
