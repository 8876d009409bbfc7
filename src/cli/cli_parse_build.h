/* cli_parse_build: the request builders cli_parse.c calls once it knows the
 * action, the class, the name and the attributes. Not for clmgr.c or tests. */
#pragma once
#include <jansson.h>

#include "cli/cli_actions.h"

/* Request builders: append to cmd->requests and set show and wait. name and
 * attrs (ATTR=VALUE pairs as typed, values unquoted) are borrowed. 0 or -EINVAL. */
int cli_build_crud(struct cli_cmd *cmd, enum cli_action act, const struct cli_flags *fl,
                   const char *name, json_t *attrs);
int cli_build_start_stop(struct cli_cmd *cmd, enum cli_action act, enum cli_rt_class rt,
                         const struct cli_flags *fl, const char *name, json_t *attrs);
int cli_build_rg(struct cli_cmd *cmd, enum cli_action act, const struct cli_flags *fl,
                 const char *name, json_t *attrs);
/* why resource_group NAME (hamr extension): one group, no attributes. */
int cli_build_why(struct cli_cmd *cmd, const struct cli_flags *fl, const char *name, json_t *attrs);
/* simulate EVENT NODE, simulate rg_move RG NODE|NODE=n (hamr extension);
 * pos are the arguments after the action. */
int cli_build_simulate(struct cli_cmd *cmd, const struct cli_flags *fl, char *const pos[],
                       int npos);
int cli_build_sync_verify(struct cli_cmd *cmd, enum cli_action act, const struct cli_flags *fl,
                          const char *name, json_t *attrs);

/* manage application_controller {suspend|resume} AC[,AC..]|ALL [TIMEOUT=s]:
 * suspends or resumes the monitoring of application controllers (request
 * app_suspend/app_resume, then waits for the status to show it). pos are
 * the arguments after the class (borrowed). 0 or -EINVAL. */
int cli_build_app_manage(struct cli_cmd *cmd, const struct cli_flags *fl, char *const pos[],
                         int npos);

/* Snapshot class ("snapshot", or a prefix of it from "sn"; not a schema
 * class): add/query/modify/delete/view/manage restore/compare. pos are the
 * arguments after the class (borrowed). 0 or -EINVAL. */
bool cli_is_snapshot_class(const char *s);
int cli_build_snapshot(struct cli_cmd *cmd, enum cli_action act, const struct cli_flags *fl,
                       char *const pos[], int npos);

/* A request object {"op": op} (new reference); append one to cmd's list. */
json_t *cli_new_request(const char *op);
void cli_add_request(struct cli_cmd *cmd, json_t *req);
