/* cli_report: clmgr view report [availability] [BEGIN_TIME=] [END_TIME=]:
 * PowerHA's application availability analysis, computed from the event
 * records (hamr.out lines) every node sent: per resource group and per
 * application controller, uptime, downtime, percentage available, number
 * of failures, mean time to recovery and the longest outage over the
 * period. Pure: the lines are gathered by hamrd (operation avail) and
 * handed in as JSON. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "cli/cli_parse.h"

struct cli_reportq {
        bool have_begin, have_end;
        long long begin_ms, end_ms; /* UTC, ms since the epoch */
};

/* clmgr view report: pos = [availability] [ATTR=VALUE ...] after "view
 * report". Sets cmd->reportq and cmd->show (CLI_SHOW_REPORT). 0, or
 * -EINVAL with cmd->rc and cmd->error naming the report or attribute and
 * what is allowed. */
int cli_build_view_report(struct cli_cmd *cmd, char *const pos[], int npos);

/* A BEGIN_TIME/END_TIME value: "YYYY:MM:DD" (PowerHA's), "YYYY-MM-DD",
 * "YYYY-MM-DD HH:MM[:SS]" (also with a T), local time; a date alone is its
 * midnight, or with end_of_day the next midnight. 0 and *ret_ms, or -EINVAL. */
int cli_report_parse_time(const char *s, bool end_of_day, long long *ret_ms);

/* What a hamr.out line says about availability (kinds below), or -1: a
 * line that is not an event START/COMPLETED of rg_move_acquire,
 * rg_move_release, start_server, stop_server, server_down, server_restart
 * or node_down. ret (out) is written on success: its time (ms), a and b
 * the event's arguments (NODE RG; APP RG; NODE), status (COMPLETED). */
enum cli_avail_kind {
        CLI_AV_ACQ_START = 0, /* START rg_move_acquire NODE RG */
        CLI_AV_ACQ_DONE,      /* COMPLETED rg_move_acquire NODE RG STATUS */
        CLI_AV_REL_START,     /* START rg_move_release NODE RG */
        CLI_AV_NODE_DOWN,     /* START node_down NODE */
        CLI_AV_SRV_DOWN,      /* START server_down APP RG */
        CLI_AV_RESTART_DONE,  /* COMPLETED server_restart APP RG STATUS */
        CLI_AV_APP_START,     /* START start_server APP RG */
        CLI_AV_APP_STARTED,   /* COMPLETED start_server APP RG STATUS */
        CLI_AV_APP_STOP,      /* START stop_server APP RG */
};
struct cli_avail_rec {
        long long t_ms;
        enum cli_avail_kind kind;
        char a[65], b[65];
        int status;
};
int cli_report_parse_line(const char *line, struct cli_avail_rec *ret);

/* The report of the gathered answer (borrowed): {"nodes":[{"NODE","LINES":
 * [hamr.out lines],"TRUNCATED"?:bool}], "warnings"?:[...]} over q's period
 * (no END_TIME: now_ms). Returns a new object: {"BEGIN","END" (ISO UTC, or
 * null), "RESOURCE_GROUPS":[item], "APPLICATION_CONTROLLERS":[item],
 * "WARNINGS":[text]}; item = {"NAME","ANALYZED" (s),"UPTIME","DOWNTIME" (s),
 * "AVAILABILITY" (%), "FAILURES", "MTTR" (s or null), "LONGEST_OUTAGE",
 * "LONGEST_UPTIME" (s), "OUTAGES", "STATE" ("up" or "down"), "NODE"}. */
json_t *cli_report_compute(const struct cli_reportq *q, json_t *gathered, long long now_ms);

/* Prints a computed report as PowerHA's availability analysis (text). */
void cli_report_print(FILE *f, json_t *report);
/* clmgr view report -h. */
void cli_report_help(FILE *f);
