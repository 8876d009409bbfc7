/* cli_rginfo: the clRGinfo views beyond the default table: -v (each
 * group's policies and its nodes in priority order) and -a (where each
 * group is and where the cluster is taking it). */
#pragma once
#include <jansson.h>
#include <stdio.h>

#include "cli/cli_parse.h"

/* clRGinfo -v over a status reply (borrowed); filter (borrowed, may be
 * NULL) restricts the groups. Text, or with -c/-s one line per group and
 * node: group:state:node:startup:fallover:fallback. */
void cli_rginfo_verbose(FILE *f, const struct cli_opts *o, json_t *status, json_t *filter);
/* clRGinfo -a: group, state and "CURRENT -> TARGET" (just the node when it
 * stays; -c/-s: group:state:current:target). */
void cli_rginfo_location(FILE *f, const struct cli_opts *o, json_t *status, json_t *filter);
/* The PowerHA wording of a policy code ("OHN" -> "Online On Home Node
 * Only"); unknown codes as given. Static storage or code itself. */
const char *cli_rginfo_policy_name(const char *code);
