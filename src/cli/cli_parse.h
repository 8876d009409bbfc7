/* cli_parse: clmgr's pure argument parser (argv -> requests, output options
 * and wait condition), the action table, and the wait-condition evaluator
 * over a status reply. No I/O here. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/hamr_time.h"

#define CLI_DEFAULT_TIMEOUT_USEC (120 * USEC_PER_SEC)
#define CLI_PROGRAM_CLRGINFO     "clRGinfo"

enum cli_format {
        CLI_FMT_TEXT = 0, /* ATTR="value" lines / clRGinfo tables */
        CLI_FMT_DELIM,    /* -c or -d DELIM */
        CLI_FMT_JSON,     /* -j */
};

struct cli_opts {
        enum cli_format format;
        char *delim;        /* CLI_FMT_DELIM: ":" for -c, else -d's value; owned */
        bool no_header;     /* -S */
        bool verbose;       /* -v */
        bool show_pol;      /* clRGinfo -p: priority override locations */
        bool show_timers;   /* clRGinfo -t: pending settling and fallback timers (every group) */
        bool show_monitors; /* clRGinfo -m: application state and monitoring per group */
        bool show_policies; /* clRGinfo -v: policies and node list per group (verbose) */
        bool show_location; /* clRGinfo -a: current location and expected destination */
        char **attrs;   /* -a: NULL-terminated patterns (case-insensitive), or NULL = all; owned */
        char *trans_id; /* -T, or NULL; owned */
};

enum cli_kind {
        CLI_KIND_RUN = 0,      /* send cmd->requests in order, show, then wait */
        CLI_KIND_LIST_ACTIONS, /* no action given: print the actions */
        CLI_KIND_LIST_CLASSES, /* action without class: print its classes */
        CLI_KIND_HELP,         /* -h: print help for action (and class) */
};

enum cli_show {
        CLI_SHOW_NONE = 0, /* add, modify, delete, runtime ops: print nothing for the reply */
        CLI_SHOW_QUERY,    /* reply {"objects":[...]} */
        CLI_SHOW_STATUS,   /* reply is a status */
        CLI_SHOW_SYNC,     /* reply {"generation":G} */
        CLI_SHOW_VERIFY,
        CLI_SHOW_SNAP_ADD,     /* reply {"name","generation"} */
        CLI_SHOW_SNAP_QUERY,   /* reply {"objects":[...]}, one with TEXT when named */
        CLI_SHOW_SNAP_COMPARE, /* reply {"diff","changes"} */
        CLI_SHOW_SNAP_RESTORE, /* reply {"name","generation","diff","changes"} */
        CLI_SHOW_WHY,          /* reply {"GROUP","TARGET","REASON","HISTORY",...} */
        CLI_SHOW_SIMULATE,     /* reply {"EVENT","NODE","GROUPS","NODES",...} */
        CLI_SHOW_LOG,          /* clmgr view log: no request; cmd->logq (cli_logview.h) */
        CLI_SHOW_REPORT,       /* clmgr view report: cmd->reportq (cli_report.h) */
};

enum cli_wait_kind {
        CLI_WAIT_NONE = 0,
        CLI_WAIT_START,      /* nodes ONLINE, cluster STABLE */
        CLI_WAIT_STOP,       /* nodes OFFLINE/UNMANAGED/DOWN, cluster STABLE/OFFLINE */
        CLI_WAIT_RG_ONLINE,  /* groups ONLINE (on node if given); ERROR fails */
        CLI_WAIT_RG_OFFLINE, /* groups OFFLINE */
        CLI_WAIT_RG_MOVE,    /* groups ONLINE on node; ERROR fails */
        CLI_WAIT_BOOT_ON,    /* WHEN=restart: nodes up record start at restart */
        CLI_WAIT_BOOT_OFF,   /* ... and clear it */
        CLI_WAIT_SUSPEND,    /* application controllers in cluster.MONITOR_SUSPENDED */
        CLI_WAIT_RESUME,     /* ... and out of it */
};

struct cli_wait {
        enum cli_wait_kind kind;
        json_t *names;       /* array of node names (start/stop; NULL = all), group names or
                              * application controller names (suspend/resume; NULL = all); owned */
        char *node;          /* rg_online / rg_move target node, or NULL; owned */
        usec_t timeout_usec; /* 0 = do not wait */
        json_t
            *stale; /* groups found in ERROR before the request ({name:true}); see cli_wait_prime */
};

struct cli_cmd {
        enum cli_kind kind;
        struct cli_opts opts;
        const char *action;   /* canonical action name (static), or NULL */
        char *class_name;     /* class as typed, or NULL; owned */
        json_t *requests;     /* array of request objects sent in order; owned */
        enum cli_show show;   /* how to print the last reply */
        bool preview;         /* sync PREVIEW=yes: the plan only, nothing committed */
        json_t *group_filter; /* status: array of group names to show, or NULL = all; owned */
        struct cli_wait wait;
        char *file;            /* snapshot FILE=path: add imports it, query writes it; owned */
        struct cli_logq *logq; /* view log: the log and its filters; owned */
        struct cli_reportq *reportq; /* view report: its period; owned */
        int rc;                      /* after a failed parse: clmgr exit code (3 or 4) */
        char *error;                 /* after a failed parse: message without "ERROR: "; owned */
};

/* Classes clmgr itself understands (for the runtime actions). */
enum cli_rt_class { CLI_RT_NONE = -1, CLI_RT_CLUSTER = 0, CLI_RT_NODE, CLI_RT_RG };

struct cli_action_def {
        const char *name;
        const char *const *aliases; /* NULL-terminated */
        unsigned classes;           /* schema classes it takes (CLI_CLASS_BIT, cli_schema.h) */
        const char *const *extra;   /* clmgr's own classes ("failover"), NULL-terminated */
        const char *help;
};

/* The action table (static storage), *ret_n entries. */
const struct cli_action_def *cli_actions(size_t *ret_n);

/* Case-insensitive exact name or alias, or unambiguous prefix, of the
 * schema classes with runtime actions: cluster, node, resource_group (rg). */
enum cli_rt_class cli_runtime_class(const char *s);

/* Parses argv (argv[0] = program name; basename "clRGinfo" means "status").
 * cmd is out: always initialised (cli_cmd_clear() it afterwards, also on
 * failure). Returns 0, or -EINVAL with cmd->rc and cmd->error set.
 * argv is not retained. */
int cli_parse(int argc, char *const argv[], struct cli_cmd *cmd);
/* Frees what cmd owns and zeroes it. Accepts NULL. */
void cli_cmd_clear(struct cli_cmd *cmd);

enum cli_wait_result {
        CLI_WAIT_PENDING = 0,
        CLI_WAIT_DONE,
        CLI_WAIT_FAILED,
};

/* Remembers which of w's groups are in ERROR in status (a reply taken before
 * the request) so that check ignores those stale errors until the group has
 * been seen in another state. status is borrowed; NULL is allowed. */
void cli_wait_prime(struct cli_wait *w, json_t *status);
/* Evaluates w (in-out: stale errors are forgotten once outgrown) against a
 * status reply (borrowed). *ret_text (malloc'd, caller frees) is the
 * confirmation (DONE), the error lines (FAILED) or what was observed and
 * is still missing (PENDING). */
enum cli_wait_result cli_wait_check(struct cli_wait *w, json_t *status, char **ret_text);
/* One line saying what w waits for, malloc'd. */
char *cli_wait_goal(const struct cli_wait *w);
