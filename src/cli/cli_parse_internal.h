/* cli_parse_internal: what cli_parse.c (argv walking, actions) and
 * cli_parse_build.c (request builders) share. Not for clmgr.c or tests. */
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
        CLI_ACT_COUNT
};

/* Action-specific flags, valid anywhere on the command line. Borrowed from argv. */
struct cli_flags {
        const char *o; /* -o home */
        const char *m; /* -m graceful|takeover|forced|... or a policy */
        const char *g; /* -g RG[,RG] */
        bool help;     /* -h, -?, --help */
};

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

/* Request builders: append to cmd->requests and set show and wait. name and
 * attrs (ATTR=VALUE pairs as typed, values unquoted) are borrowed. 0 or -EINVAL. */
int cli_build_crud(struct cli_cmd *cmd, enum cli_action act, const struct cli_flags *fl,
                   const char *name, json_t *attrs);
int cli_build_start_stop(struct cli_cmd *cmd, enum cli_action act, enum cli_rt_class rt,
                         const struct cli_flags *fl, const char *name, json_t *attrs);
int cli_build_rg(struct cli_cmd *cmd, enum cli_action act, const struct cli_flags *fl,
                 const char *name, json_t *attrs);
int cli_build_sync_verify(struct cli_cmd *cmd, enum cli_action act, const struct cli_flags *fl,
                          const char *name, json_t *attrs);

/* A request object {"op": op} (new reference); append one to cmd's list. */
json_t *cli_new_request(const char *op);
void cli_add_request(struct cli_cmd *cmd, json_t *req);
