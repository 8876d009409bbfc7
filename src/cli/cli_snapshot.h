/* cli_snapshot: the output and help of clmgr's snapshot class (its request
 * builder, cli_build_snapshot, is declared in cli_parse_build.h). clmgr.c
 * routes snapshot replies and help here; queries print through cli_output. */
#pragma once
#include <jansson.h>
#include <stdio.h>

#include "cli/cli_parse.h"

/* Prints a snapshot reply (cmd->show CLI_SHOW_SNAP_*).
 * Returns 0 or -EPROTO. */
int cli_output_snapshot(FILE *f, const struct cli_cmd *cmd, json_t *reply);
/* Whether cmd's reply is printed by cli_output_snapshot. */
bool cli_snapshot_shows(const struct cli_cmd *cmd);
/* The help of the snapshot class (every action that takes it). */
void cli_snapshot_help(FILE *f);
/* Whether a help request is for the snapshot class (not a schema class). */
bool cli_snapshot_help_wanted(const struct cli_cmd *cmd);
