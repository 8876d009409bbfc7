/* cli_output: clmgr's output layer: query records (ATTR="value", -c/-d,
 * -j, -a), sync/verify results, why and simulate; the status view is in
 * cli_output_status.h and usage and help in cli_help.h (included here).
 * Everything writes to a FILE* so tests can use open_memstream. */
#pragma once
#include <jansson.h>
#include <stdio.h>

#include "cli/cli_help.h"
#include "cli/cli_output_status.h"
#include "cli/cli_parse.h"

/* Prints a query reply {"objects":[...]} (borrowed) per o.
 * Returns 0, or -EPROTO if the reply has no objects array. */
int cli_output_query(FILE *f, const struct cli_opts *o, json_t *reply);
/* Prints the last reply of cmd according to cmd->show. Returns 0 or -EPROTO. */
int cli_output_reply(FILE *f, const struct cli_cmd *cmd, json_t *reply);

/* verify and sync: the nodes' answers ("nodes": [{NODE, ERRORS, WARNINGS}])
 * node by node (text only; -j prints them in the reply). */
void cli_output_node_checks(FILE *f, const struct cli_opts *o, json_t *reply);
