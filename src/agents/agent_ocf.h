/* agent_ocf: runs OCF resource agents (Pacemaker's resource-agents,
 * /usr/lib/ocf/resource.d/PROVIDER/TYPE) through agent_app's process
 * runner with the environment Pacemaker gives them, maps their exit codes
 * as Pacemaker does, and reads their meta-data (libxml2) to check
 * parameters. */
#pragma once
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "agents/agent_app.h"
#include "common/hamr_time.h"

#define AGENT_OCF_ROOT "/usr/lib/ocf"
/* meta-data and validate-all runs (at clmgr add/modify and at verify) */
#define AGENT_OCF_META_TIMEOUT_USEC     (5 * USEC_PER_SEC)
#define AGENT_OCF_VALIDATE_TIMEOUT_USEC (5 * USEC_PER_SEC)
#define AGENT_OCF_META_MAX              (256 * 1024) /* bytes of meta-data read */

/* The OCF exit codes (Pacemaker's enum ocf_exitcode). */
enum {
        AGENT_OCF_SUCCESS = 0,
        AGENT_OCF_ERR_GENERIC = 1,
        AGENT_OCF_ERR_ARGS = 2,
        AGENT_OCF_ERR_UNIMPLEMENTED = 3,
        AGENT_OCF_ERR_PERM = 4,
        AGENT_OCF_ERR_INSTALLED = 5,
        AGENT_OCF_ERR_CONFIGURED = 6,
        AGENT_OCF_NOT_RUNNING = 7,
        AGENT_OCF_RUNNING_PROMOTED = 8,
        AGENT_OCF_FAILED_PROMOTED = 9,
};

/* What an action's result means (agent_ocf_map). */
typedef enum {
        AGENT_OCF_OK = 0,  /* done (start, stop), running (monitor) */
        AGENT_OCF_STOPPED, /* monitor: cleanly not running (7) */
        AGENT_OCF_FAILED,  /* a soft failure: another try may work */
        AGENT_OCF_HARD,    /* 2, 4, 5, 6 (and 3): it cannot work on this node as configured */
} agent_ocf_verdict_t;

/* The verdict of `action` (start, stop, monitor, validate-all, meta-data)
 * ending with exit_code (-1: killed, timed out or not runnable). Pure. */
agent_ocf_verdict_t agent_ocf_map(const char *action, int exit_code);
/* "OCF_NOT_RUNNING (not running)" for 7, ...; "exit status N" beyond 9
 * (written into buf, which is returned). */
const char *agent_ocf_rc_text(int exit_code, char *buf, size_t len);

typedef struct agent_ocf_spec {
        const char *agent;    /* "ocf:heartbeat:Dummy", for messages */
        const char *provider; /* "heartbeat" */
        const char *type;     /* "Dummy" */
        const char *instance; /* OCF_RESOURCE_INSTANCE: the controller's name */
        const char *node;     /* OCF_RESKEY_CRM_meta_on_node, or NULL */
        usec_t interval_usec; /* monitor: OCF_RESKEY_CRM_meta_interval (0: a probe) */
        /* NULL-terminated "K=V": OCF_RESKEY_<param>=value and others */
        const char *const *env;
} agent_ocf_spec_t;

/* PATH_MAX-sized path of the agent's program into buf; 0 or -ENAMETOOLONG. */
int agent_ocf_path(const agent_ocf_spec_t *spec, char *buf, size_t len);

/* Runs `action` of the agent on loop with timeout (also given to the
 * agent as OCF_RESKEY_CRM_meta_timeout). cb gets 0 when agent_ocf_map
 * says OK, AGENT_OCF_STATUS_HARD for a hard error, else -ECHILD
 * (-ETIMEDOUT on a timeout, ...), with a reason naming
 * the agent, the action, the exit code and its meaning, and the agent's
 * last output line. As agent_app_run otherwise (the job: for
 * agent_app_log_output, agent_app_set_timeout_signal, agent_app_cancel). */
#define AGENT_OCF_STATUS_HARD (-ENOTRECOVERABLE)
int agent_ocf_run(uv_loop_t *loop, const agent_ocf_spec_t *spec, const char *action,
                  usec_t timeout_usec, agent_app_done_cb cb, void *userdata,
                  agent_app_job_t **ret_job);

/* Runs `action` to its end in the calling thread (blocks: worker threads
 * only, never the daemon's loop), bounded by timeout_usec as agent_app
 * bounds a script (SIGTERM to its process group, SIGKILL after the grace
 * period); spawned with posix_spawn, in its own session, stdin /dev/null.
 * ret_exit: its exit code (-1 killed, timed out, not runnable); ret_output
 * (if not NULL): its first AGENT_OCF_META_MAX bytes of output (stdout and
 * stderr), malloc'd and NUL-terminated. reason: why it failed when it did
 * not exit by itself. Returns 0 if the program ran and exited, else
 * -errno (-ENOENT: no such agent). */
int agent_ocf_run_sync(const agent_ocf_spec_t *spec, const char *action, usec_t timeout_usec,
                       int *ret_exit, char **ret_output, char *reason, size_t rlen);

/* ---- meta-data (agent_ocf_meta.c) ---- */

typedef struct agent_ocf_param {
        char *name;
        bool required, unique;
        char *content_type; /* "string", "integer", "boolean", ... ("" unknown) */
        char *def;          /* the default, or NULL */
} agent_ocf_param_t;

typedef struct agent_ocf_meta {
        char *name; /* the resource-agent element's name */
        agent_ocf_param_t *params;
        size_t nparams;
        char **actions; /* the actions it lists */
        size_t nactions;
} agent_ocf_meta_t;

/* Parses an agent's meta-data XML (libxml2, no network, no entities).
 * 0 and *ret_meta (free with agent_ocf_meta_free), or -EINVAL with err. */
int agent_ocf_meta_parse(const char *xml, size_t len, agent_ocf_meta_t **ret_meta, char *err,
                         size_t errlen);
void agent_ocf_meta_free(agent_ocf_meta_t *m);
/* Whether the meta-data lists action (e.g. "validate-all"). */
bool agent_ocf_meta_has_action(const agent_ocf_meta_t *m, const char *action);

/* Checks the n parameters given (names[i]=values[i]) against the agent's
 * meta-data: each is one of its parameters, its required parameters are
 * given, integer and boolean values are well formed. On error fills err
 * with "<label>: PARAMETERS ...: <agent> ..." naming the agent's own
 * parameters and returns -EINVAL. */
int agent_ocf_params_check(const agent_ocf_meta_t *m, const char *agent, const char *label,
                           const char *const *names, const char *const *values, size_t n, char *err,
                           size_t errlen);
