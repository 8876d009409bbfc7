/* exec_rt: the executor's runtime data shared by exec.c (group jobs) and
 * exec_monrun.c (application monitors running on the loop), and two
 * helpers over it. exec_monrun.c never calls into exec.c: a monitor that
 * gives up a group marks it (failed_here) and reports a change;
 * exec_reconcile then releases it. Private to src/exec. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <uv.h>

#include "agents/agent_app.h"
#include "agents/agent_evlog.h"
#include "conf/conf.h"
#include "cstate/cstate_msg.h"
#include "exec/exec.h"
#include "exec/exec_monitor.h"
#include "rgm/rgm.h"

/* Startup monitoring of an acquisition (group_rt_t.startup). */
typedef enum {
        EXEC_STARTUP_NONE = 0, /* not waiting on startup monitors */
        EXEC_STARTUP_WAIT,     /* start scripts done, startup monitors checking */
        EXEC_STARTUP_OK,       /* every startup monitor saw its application run */
        EXEC_STARTUP_FAILED,   /* one did not within STABILIZATION: startup_reason */
} exec_startup_t;

typedef struct group_rt {
        uint32_t id; /* conf_rg_t.id: state follows the group across renames */
        char name[CONF_MAX_NAME + 1];
        rg_state_t state;
        bool job;       /* a job is running */
        bool acquiring; /* job kind */
        bool failed;    /* current job had a failure */
        bool undoing;   /* acquire failed: undoing done steps */
        bool error_from_release;
        int step;            /* next step index */
        int done_steps;      /* acquire steps completed */
        uint32_t clear_seen; /* clear_seq at the time of the error */
        uint32_t clear_last; /* newest clear_seq seen */
        char reason[CSTATE_REASON_LEN];
        uint64_t token; /* identifies the running step for async callbacks */
        /* application monitors */
        bool failed_here;     /* restarts used up (fallover): released, ERROR here */
        uint32_t failed_seen; /* clear_seq when it failed: an admin action clears it */
        bool undo_failed;     /* a step of an acquisition's undo failed: still held */
        unsigned mon_restarts;
        char mon_failure[CSTATE_REASON_LEN];
        /* startup monitors (MODE startup|both) after the start scripts */
        bool startup_begun; /* this acquisition's startup monitoring started */
        uint8_t startup;    /* exec_startup_t */
        char startup_reason[CSTATE_REASON_LEN];
        /* filesystems of this acquisition: bit k = FILESYSTEM entry k
         * mounted (an undo unmounts only those); mounts still running
         * (RECOVERY_METHOD parallel) */
        uint32_t fs_mounted;
        unsigned fs_pending;
        /* the event log's rg_move_acquire/rg_move_release of the job */
        evlog_event_t ev;
        /* the event's pre-event commands (exec_hooks): running, done (the
         * job's steps go on at the next exec_reconcile) */
        bool hooks_wait, hooks_ready;
        /* config_too_long: the job's running time at which to warn next */
        usec_t too_long_at;
} group_rt_t;

/* One application monitor running for its group on this node. Heap
 * allocated (it holds a uv timer); async callbacks find it by id. */
typedef struct mon_rt {
        exec_t *x;
        uint64_t id;
        unsigned mi;    /* index into cfg->appmons */
        uint32_t group; /* conf_rg_t.id */
        exec_mon_t sm;
        uv_timer_t timer;
        agent_app_job_t *job; /* running check or restart step, or NULL */
        bool restarting;
        bool startup_wait; /* startup monitoring for the group's acquisition not decided yet */
        char last_failure[CSTATE_REASON_LEN]; /* of the last failed check */
        unsigned step;                        /* restart: cleanup steps, then restart steps */
        unsigned check_app;  /* an OCF check: the controller (of am->apps) being checked */
        uint64_t step_token; /* of the job: a cancelled job's late callback is ignored */
        evlog_event_t ev;    /* server_restart while restarting: its scripts' output */
} mon_rt_t;

struct rgm_exec {
        uv_loop_t *loop;
        char state_dir[4096];
        void (*changed)(void *ud);
        void *ud;
        const hamr_config_t *cfg;
        uint16_t self_id;
        group_rt_t *g; /* [cfg->nrgs] */
        unsigned ng;
        uint64_t next_token;
        bool unmanaged;
        bool may_hold; /* the last exec_reconcile's: a release without it waits for nothing */
        mon_rt_t **mons;
        unsigned nmons;
        uint64_t next_mon;
        /* application controllers whose monitoring is suspended (the
         * control state's list, last given to exec_reconcile) */
        char susp[CSTATE_MAX_SUSPENDED][CONF_MAX_NAME + 1];
        unsigned nsusp;
        /* live changes (exec_dare.c): one record per group with a change
         * running or failed here */
        struct exec_dare_rg **dare;
        unsigned ndare;
        uint64_t dare_done_gen; /* newest generation whose live changes ended here */
        /* the last live change that failed here (0: none, or healed) */
        uint64_t dare_fail_gen;
        uint32_t dare_fail_rg; /* group ID */
        char dare_fail[CSTATE_REASON_LEN];
};

/* Index of the group with ID id in x->g, or -1. */
int exec_group_index(const exec_t *x, uint32_t id);
/* This node's name in the configuration. */
const char *exec_self_name(const exec_t *x);
/* The environment of group rg's scripts: HAMR_NODE, HAMR_RG, HAMR_STATE_DIR. */
void exec_app_env(const exec_t *x, const conf_rg_t *rg, char env[4][4200]);

/* exec_serial.c: group gi's release here waits for a group it depends on
 * (a child of it, or the AFTER group of a STOP_AFTER it is a source of)
 * that this node holds or is busy with; a group in ERROR holds nothing
 * back. */
bool exec_release_waits_deps(const exec_t *x, unsigned gi);
/* The cluster's serial processing order: the index of a group before gi
 * in SERIAL_ACQUISITION_ORDER (SERIAL_RELEASE_ORDER) still to be acquired
 * (released) here, which gi's acquisition (release) waits for; -1 if none
 * (or gi is not listed). */
int exec_serial_acquire_waits(const exec_t *x, const exec_input_t *in, unsigned gi);
int exec_serial_release_waits(const exec_t *x, const exec_input_t *in, unsigned gi);
/* exec_app.c: runs `action` ("start", "stop", or for TYPE ocf also
 * "monitor") of controller a of group rg: its script or its OCF agent
 * (interval_usec: a monitor's MONITORINTERVAL), with the group's
 * environment plus extra_env ("K=V" or NULL). As agent_app_run. */
int exec_app_run(exec_t *x, const conf_rg_t *rg, const conf_appctl_t *a, const char *action,
                 usec_t timeout_usec, usec_t interval_usec, const char *extra_env,
                 agent_app_done_cb cb, void *userdata, agent_app_job_t **ret_job);
