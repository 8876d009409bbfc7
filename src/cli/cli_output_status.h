/* cli_output_status: the status view (clmgr status, clRGinfo), in
 * cli_output_status.c. */
#pragma once
#include <jansson.h>
#include <stdio.h>

#include "cli/cli_parse.h"

/* Prints a status reply (borrowed); group_filter (borrowed, may be NULL)
 * restricts the groups shown. Returns 0 or -EPROTO. */
int cli_output_status(FILE *f, const struct cli_opts *o, json_t *status, json_t *group_filter);

/* Adds the pending timers of a "timers" reply (operation answered by the
 * coordinator) to a status reply: "TIMER" text per group waiting ("fallback
 * to n1 at 2026-12-05 02:00", "settling until ..."); with error (the
 * coordinator did not answer), "TIMERS_ERROR" instead. */
void cli_status_add_timers(json_t *status, json_t *timers, const char *error);
