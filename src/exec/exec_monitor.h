/* exec_monitor: the restart/escalation state machine of one application
 * monitor on one group (PowerHA's algorithm, docs/scripts.md). Pure: no
 * I/O, no clock; the executor feeds it events with the time and carries
 * out the action it returns. */
#pragma once
#include <stdbool.h>

#include "common/hamr_time.h"

typedef enum {
        EXEC_MON_IDLE = 0,    /* application not started here */
        EXEC_MON_STABILIZING, /* waiting STABILIZATION before the first check */
        EXEC_MON_MONITORING,  /* a check is due at `due` or running */
        EXEC_MON_RESTARTING,  /* cleanup + restart running */
        EXEC_MON_FAILED,      /* restarts used up, FAILUREACTION=fallover: released */
        EXEC_MON_STARTUP,     /* MODE startup|both: checks until healthy or `deadline` */
        EXEC_MON_COUNT
} exec_mon_phase_t;

typedef enum {
        EXEC_MON_ACT_NONE = 0,
        EXEC_MON_ACT_CHECK,    /* run the monitor method now */
        EXEC_MON_ACT_RESTART,  /* run cleanup then restart (and NOTIFYMETHOD) */
        EXEC_MON_ACT_NOTIFY,   /* restarts used up, notify: run NOTIFYMETHOD, keep the group */
        EXEC_MON_ACT_FALLOVER, /* restarts used up, fallover: release, mark failed here */
        EXEC_MON_ACT_STARTED,  /* startup monitoring: the application runs (or no startup mode) */
        EXEC_MON_ACT_START_FAILED, /* startup monitoring: not running within STABILIZATION */
} exec_mon_act_t;

typedef struct exec_mon {
        /* parameters (from conf_appmon_t) */
        usec_t interval_usec, stabilization_usec, restart_interval_usec;
        unsigned restart_count;
        bool fallover;    /* FAILUREACTION */
        bool startup;     /* MODE startup or both: checks that the start worked */
        bool longrunning; /* MODE longrunning or both: checks from STABILIZATION on */
        /* state */
        exec_mon_phase_t phase;
        unsigned restarts;    /* in the current restart interval */
        usec_t due;           /* STABILIZING/MONITORING/STARTUP: when the next check runs */
        usec_t deadline;      /* STARTUP: end of STABILIZATION after the start */
        usec_t healthy_since; /* first healthy check since the last restart (0: none) */
        bool notified;        /* notify done for the current failure */
        unsigned failures;    /* total failures seen (for status) */
        /* monitoring suspended (clmgr manage application_controller
         * suspend): no check is due and no result or failed restart acts */
        bool suspended;
} exec_mon_t;

const char *exec_mon_phase_str(exec_mon_phase_t p);
/* Parameters set (MODE longrunning: exec_mon_set_mode for another), state
 * IDLE. */
void exec_mon_init(exec_mon_t *m, usec_t interval_usec, usec_t stabilization_usec,
                   usec_t restart_interval_usec, unsigned restart_count, bool fallover);
/* MODE: startup checks (startup, both), longrunning checks (longrunning,
 * both). */
void exec_mon_set_mode(exec_mon_t *m, bool startup, bool longrunning);
/* The start scripts of the group's acquisition ended at now. With a
 * startup mode: STARTUP (a check at once, then every MONITORINTERVAL until
 * one is healthy, the last at the end of STABILIZATION) and NONE; without:
 * STARTED at once. Startup checks are part of the acquisition: they run
 * even while monitoring is suspended. */
exec_mon_act_t exec_mon_startup(exec_mon_t *m, usec_t now);
/* The application (re)started successfully at now (the group is online):
 * STABILIZING, then longrunning checks; a startup-only monitor stays IDLE. */
void exec_mon_started(exec_mon_t *m, usec_t now);
/* Time passed: CHECK when a check is due (phase becomes MONITORING). */
exec_mon_act_t exec_mon_tick(exec_mon_t *m, usec_t now);
/* A check ended at now (healthy: exit 0). On failure: RESTART, NOTIFY or
 * FALLOVER; on health the counter resets after RESTARTINTERVAL. In
 * STARTUP: healthy -> STARTED (IDLE until the group is online); failed ->
 * START_FAILED once STABILIZATION is over, else another check. */
exec_mon_act_t exec_mon_result(exec_mon_t *m, usec_t now, bool healthy);
/* A check failed so that a restart cannot help (an OCF agent's hard error:
 * not installed, not configured, invalid parameters, on this node): the
 * failure action at once, as if the restarts were used up (Pacemaker bans
 * such a node). Otherwise as exec_mon_result(m, now, false). */
exec_mon_act_t exec_mon_hard_failure(exec_mon_t *m, usec_t now);
/* Cleanup + restart ended: ok -> STABILIZING; failed -> as a failed check. */
exec_mon_act_t exec_mon_restarted(exec_mon_t *m, usec_t now, bool ok);
/* Suspend monitoring: from now on tick asks for no check and a result
 * (or a restart) still running acts on nothing. Kept across started/stop;
 * exec_mon_init clears it. */
void exec_mon_suspend(exec_mon_t *m);
/* Resume monitoring at now: a started application (STABILIZING or
 * MONITORING) waits STABILIZATION again before its next check; a restart
 * still running stabilizes when it ends; IDLE and FAILED stay. */
void exec_mon_resume(exec_mon_t *m, usec_t now);
/* The group is released or the application stopped: IDLE (counter kept
 * only while FAILED; a new start on this node starts from zero). */
void exec_mon_stop(exec_mon_t *m);
