/* cli_output: clmgr's one output layer: query records (ATTR="value", -c/-d,
 * -j, -a), clRGinfo-style status, sync/verify results, usage and help.
 * Everything writes to a FILE* so tests can use open_memstream. */
#pragma once
#include <jansson.h>
#include <stdio.h>

#include "cli/cli_parse.h"

/* Prints a query reply {"objects":[...]} (borrowed) per o.
 * Returns 0, or -EPROTO if the reply has no objects array. */
int cli_output_query(FILE *f, const struct cli_opts *o, json_t *reply);
/* Prints a status reply (borrowed); group_filter (borrowed, may be NULL)
 * restricts the groups shown. Returns 0 or -EPROTO. */
int cli_output_status(FILE *f, const struct cli_opts *o, json_t *status, json_t *group_filter);
/* Prints the last reply of cmd according to cmd->show. Returns 0 or -EPROTO. */
int cli_output_reply(FILE *f, const struct cli_cmd *cmd, json_t *reply);
/* Prints the action list, the class list or the help for cmd->kind. */
void cli_output_usage(FILE *f, const struct cli_cmd *cmd);

/* Adds the pending timers of a "timers" reply (operation answered by the
 * coordinator) to a status reply: "TIMER" text per group waiting ("fallback
 * to n1 at 2026-12-05 02:00", "settling until ..."); with error (the
 * coordinator did not answer), "TIMERS_ERROR" instead. */
void cli_status_add_timers(json_t *status, json_t *timers, const char *error);

/* verify and sync: the nodes' answers ("nodes": [{NODE, ERRORS, WARNINGS}])
 * node by node (text only; -j prints them in the reply). */
void cli_output_node_checks(FILE *f, const struct cli_opts *o, json_t *reply);
