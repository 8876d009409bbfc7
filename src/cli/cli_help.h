/* cli_help: clmgr's usage and help (cli_help.c). */
#pragma once
#include <stdio.h>

#include "cli/cli_parse.h"

/* Prints the action list, the class list or the help for cmd->kind. */
void cli_output_usage(FILE *f, const struct cli_cmd *cmd);
