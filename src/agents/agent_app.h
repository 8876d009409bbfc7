/* agent_app: runs application controller scripts as child processes on the
 * libuv loop: own session/process group, O_CLOEXEC everywhere, a timeout
 * after which the whole process group gets SIGTERM, then SIGKILL after
 * AGENT_APP_KILL_GRACE_USEC, then a "will not die" failure. The last line the
 * script wrote on stderr/stdout is kept for the failure reason. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "agents/agent_evlog.h"
#include "common/hamr_time.h"

#define AGENT_APP_KILL_GRACE_USEC (2 * USEC_PER_SEC)
#define AGENT_APP_REASON_LEN      256

typedef struct agent_app_job agent_app_job_t;

/* status: 0 = script exited 0. Otherwise negative: -ETIMEDOUT, -ENOENT (not
 * runnable), -ECHILD (exit code != 0 or killed by a signal). reason is a
 * human sentence e.g. "STARTSCRIPT /x exited with status 3: last output line",
 * "STARTSCRIPT /x timed out after 5.0 s (process group killed)". */
typedef void (*agent_app_done_cb)(void *userdata, int status, const char *reason);

/* what: "STARTSCRIPT" or "STOPSCRIPT" (used in reasons). env: NULL-terminated
 * "K=V" strings added to the daemon's environment. The callback runs exactly
 * once, later, on the loop (never from inside agent_app_run). Returns 0 or
 * -errno if nothing could be started (callback then not called). */
int agent_app_run(uv_loop_t *loop, const char *what, const char *script, const char *const *env,
                  usec_t timeout_usec, agent_app_done_cb cb, void *userdata,
                  agent_app_job_t **ret_job);
/* The whole result of a run (agent_app_run_opts). */
typedef struct agent_app_result {
        int status;         /* as agent_app_done_cb's */
        int exit_code;      /* the exit status if the program exited by itself, else -1 */
        const char *reason; /* as agent_app_done_cb's */
        const char *last;   /* the last non-empty output line ("" none) */
} agent_app_result_t;
typedef void (*agent_app_result_cb)(void *userdata, const agent_app_result_t *res);

typedef struct agent_app_opts {
        const char *what;       /* as agent_app_run's */
        const char *program;    /* absolute path, run directly */
        const char *arg;        /* its one argument (argv[1]), or NULL for none */
        const char *const *env; /* as agent_app_run's */
        usec_t timeout_usec;    /* as agent_app_run's */
} agent_app_opts_t;

/* agent_app_run with an argument, and the exit status given to cb
 * (exactly once, later, on the loop; the result and its strings live
 * during the call only). */
int agent_app_run_opts(uv_loop_t *loop, const agent_app_opts_t *opts, agent_app_result_cb cb,
                       void *userdata, agent_app_job_t **ret_job);
/* Signal sent to the process group first when the timeout expires
 * (default SIGTERM; an application monitor's HUNG_MONITOR_SIGNAL). */
void agent_app_set_timeout_signal(agent_app_job_t *job, int sig);
/* Every line of the job's output (stdout and stderr, the first
 * EVLOG_OUTPUT_MAX bytes) goes into the event log under ev (copied; set
 * right after agent_app_run, before the loop runs again). */
void agent_app_log_output(agent_app_job_t *job, const evlog_event_t *ev);
/* Inside the job's done callback only: the script's exit code when it
 * exited by itself (0..255), -1 when it did not (timeout, signal, not
 * started, cancelled). */
int agent_app_exit_code(const agent_app_job_t *job);
/* Kill a running job's process group now (SIGKILL); its callback still runs once. */
void agent_app_cancel(agent_app_job_t *job);
