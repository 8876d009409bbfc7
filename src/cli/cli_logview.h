/* cli_logview: clmgr view log [NAME] [NODE=] [GROUP=] [SINCE=] [TAIL=]
 * [FILTER=]: the logs clmgr knows, the parse of the command and the line
 * filters. Pure: the files are read by clmgr.c through FILE*s. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "cli/cli_parse.h"

enum cli_log_id {
        CLI_LOG_LIST = -1,   /* no name: list the logs */
        CLI_LOG_CLUTILS = 0, /* clutils.log: clmgr's commands and results */
        CLI_LOG_HAMRD,       /* hamrd's log (the cluster manager's) */
        CLI_LOG_EVENTS,      /* hamr.out (hacmp.out): the event log */
};

struct cli_logq {
        enum cli_log_id log;
        char *node;   /* NODE=: must be the local node, or NULL; owned */
        char *group;  /* GROUP=: only lines naming it (as a word), or NULL; owned */
        char *filter; /* FILTER=: only lines containing it, or NULL; owned */
        char *event;  /* EVENT= (hamr.out): only that event's lines, or NULL; owned */
        bool have_since;
        time_t since; /* SINCE= (local time): lines from then on */
        long tail;    /* TAIL=: only the last N lines that pass, 0 = all */
};

#define CLI_LOG_TAIL_MAX 1000000

/* clmgr view log: pos = [NAME] [ATTR=VALUE ...] after "view log". Sets
 * cmd->logq and cmd->show (CLI_SHOW_LOG). 0, or -EINVAL with cmd->rc and
 * cmd->error naming the log or attribute and what is allowed. */
int cli_build_view_log(struct cli_cmd *cmd, char *const pos[], int npos);
void cli_logq_free(struct cli_logq *q);

/* "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DD" (also with a T), local time.
 * 0 and *ret, or -EINVAL. */
int cli_logview_parse_since(const char *s, time_t *ret);
/* A log line's time: hamrd's "SECONDS.USEC ..." or clutils.log's
 * "YYYY-MM-DDTHH:MM:SS.mmmZ ..."; -1 if the line does not start with one. */
long long cli_logview_line_time(const char *line);

/* Checks q against a status reply of the local hamrd (borrowed; NULL if it
 * could not be asked, status_err then says why): NODE= must be the local
 * node, GROUP= a configured group. 0, or CLMGR_RC_* with a message in err. */
int cli_logview_check(const struct cli_logq *q, json_t *status, const char *status_err, char *err,
                      size_t errlen);

/* Copies the lines of in that pass q's filters to out (with TAIL the last
 * N of them). Lines without a time of their own (script output,
 * continuations) follow the previous line for SINCE. In hamr.out, GROUP=
 * and EVENT= select whole events (the lines of "#ID"): an event whose
 * START line is EVENT (and names GROUP), and the events inside it. Stops at the first
 * write error. 0; -EPIPE when out's reader went away; -EIO another write
 * error; -ENODATA a read error. */
int cli_logview_filter(const struct cli_logq *q, FILE *in, FILE *out);

/* The table of logs: name, where it is on this node, content. status
 * (borrowed, may be NULL) tells where hamrd logs. */
void cli_logview_list(FILE *f, const char *clutils_path, json_t *status);
/* Where the event log is from a status reply: a path or "" (status
 * NULL or an older hamrd). Borrowed. */
const char *cli_logview_event_log(json_t *status);
/* Where hamrd logs from a status reply: a path, "journal", or "" (not
 * kept, or status NULL). Borrowed from status or static. */
const char *cli_logview_hamrd_log(json_t *status);
/* clmgr view log -h. */
void cli_logview_help(FILE *f);
