/* agent_ocf: owns running OCF resource agents: their path under
 * AGENT_OCF_ROOT, the environment Pacemaker's executor gives them
 * (OCF_ROOT, OCF_RESOURCE_*, OCF_RESKEY_CRM_meta_*), the mapping of their
 * exit codes, and synchronous runs on a private loop for worker threads.
 * The processes themselves are agent_app's (timeouts, process groups,
 * output into hamr.out). */
#include "agents/agent_ocf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hamr_alloc.h"

#define OCF_MAX_ENV 96

agent_ocf_verdict_t agent_ocf_map(const char *action, int exit_code)
{
        bool stop = action && !strcmp(action, "stop");
        bool monitor = action && !strcmp(action, "monitor");

        switch (exit_code) {
        case AGENT_OCF_SUCCESS:
                return AGENT_OCF_OK;
        case AGENT_OCF_NOT_RUNNING:
                /* stop: already stopped is stopped (Pacemaker); monitor:
                 * cleanly stopped; start and others: a failure */
                if (stop)
                        return AGENT_OCF_OK;
                return monitor ? AGENT_OCF_STOPPED : AGENT_OCF_FAILED;
        case AGENT_OCF_RUNNING_PROMOTED:
                /* running (as promoted): hamr does not promote */
                return monitor ? AGENT_OCF_OK : AGENT_OCF_FAILED;
        case AGENT_OCF_ERR_ARGS:
        case AGENT_OCF_ERR_UNIMPLEMENTED:
        case AGENT_OCF_ERR_PERM:
        case AGENT_OCF_ERR_INSTALLED:
        case AGENT_OCF_ERR_CONFIGURED:
                return AGENT_OCF_HARD;
        default: /* 1, 9, others, killed, timed out */
                return AGENT_OCF_FAILED;
        }
}

const char *agent_ocf_rc_text(int exit_code, char *buf, size_t len)
{
        static const char *const names[] = {
            "OCF_SUCCESS (success)",
            "OCF_ERR_GENERIC (generic error)",
            "OCF_ERR_ARGS (invalid parameters)",
            "OCF_ERR_UNIMPLEMENTED (action not implemented)",
            "OCF_ERR_PERM (insufficient privileges)",
            "OCF_ERR_INSTALLED (not installed on this node)",
            "OCF_ERR_CONFIGURED (not configured)",
            "OCF_NOT_RUNNING (not running)",
            "OCF_RUNNING_PROMOTED (running, promoted)",
            "OCF_FAILED_PROMOTED (failed, promoted)",
        };

        if (exit_code >= 0 && exit_code <= 9)
                snprintf(buf, len, "%d, %s", exit_code, names[exit_code]);
        else
                snprintf(buf, len, "%d", exit_code);
        return buf;
}

int agent_ocf_path(const agent_ocf_spec_t *spec, char *buf, size_t len)
{
        int n =
            snprintf(buf, len, "%s/resource.d/%s/%s", AGENT_OCF_ROOT, spec->provider, spec->type);

        return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The environment of one run: Pacemaker's variables, then spec->env. The
 * strings live in buf (OCF_MAX_ENV entries). */
typedef struct ocf_env {
        char fixed[10][512];
        const char *envp[OCF_MAX_ENV + 1];
} ocf_env_t;

static void build_env(ocf_env_t *e, const agent_ocf_spec_t *spec, const char *action,
                      usec_t timeout_usec)
{
        unsigned n = 0, k = 0;

        snprintf(e->fixed[k++], 512, "OCF_ROOT=%s", AGENT_OCF_ROOT);
        snprintf(e->fixed[k++], 512, "OCF_RA_VERSION_MAJOR=1");
        snprintf(e->fixed[k++], 512, "OCF_RA_VERSION_MINOR=1");
        snprintf(e->fixed[k++], 512, "OCF_RESOURCE_INSTANCE=%s", spec->instance);
        snprintf(e->fixed[k++], 512, "OCF_RESOURCE_TYPE=%s", spec->type);
        snprintf(e->fixed[k++], 512, "OCF_RESOURCE_PROVIDER=%s", spec->provider);
        snprintf(e->fixed[k++], 512, "OCF_RESKEY_CRM_meta_timeout=%llu",
                 (unsigned long long)(timeout_usec / USEC_PER_MSEC));
        snprintf(e->fixed[k++], 512, "OCF_RESKEY_CRM_meta_interval=%llu",
                 !strcmp(action, "monitor")
                     ? (unsigned long long)(spec->interval_usec / USEC_PER_MSEC)
                     : 0ULL);
        if (spec->node)
                snprintf(e->fixed[k++], 512, "OCF_RESKEY_CRM_meta_on_node=%s", spec->node);
        for (unsigned i = 0; i < k; i++)
                e->envp[n++] = e->fixed[i];
        for (const char *const *p = spec->env; p && *p && n < OCF_MAX_ENV; p++)
                e->envp[n++] = *p;
        e->envp[n] = NULL;
}

typedef struct ocf_job {
        agent_app_done_cb cb;
        void *userdata;
        char agent[256], instance[128], action[32];
} ocf_job_t;

static void run_done(void *ud, const agent_app_result_t *res)
{
        ocf_job_t *oj = ud;
        char reason[AGENT_APP_REASON_LEN], rc[96];
        agent_ocf_verdict_t v;
        int status = 0;

        if (res->exit_code < 0) {
                /* killed, timed out, cancelled: agent_app's reason names
                 * the program; say which agent and action it was */
                status = res->status ? res->status : -ECHILD;
                snprintf(reason, sizeof(reason), "%s %s (%s): %s", oj->agent, oj->action,
                         oj->instance, res->reason);
        } else if ((v = agent_ocf_map(oj->action, res->exit_code)) != AGENT_OCF_OK) {
                status = v == AGENT_OCF_HARD ? AGENT_OCF_STATUS_HARD : -ECHILD;
                snprintf(reason, sizeof(reason), "%s %s (%s) returned %s%s%s%s", oj->agent,
                         oj->action, oj->instance,
                         agent_ocf_rc_text(res->exit_code, rc, sizeof(rc)),
                         v == AGENT_OCF_HARD ? " (a hard error on this node)" : "",
                         res->last[0] ? ": " : "", res->last);
        } else {
                reason[0] = '\0';
        }
        oj->cb(oj->userdata, status, reason);
        free(oj);
}

int agent_ocf_run(uv_loop_t *loop, const agent_ocf_spec_t *spec, const char *action,
                  usec_t timeout_usec, agent_app_done_cb cb, void *userdata,
                  agent_app_job_t **ret_job)
{
        char path[PATH_MAX], what[64];
        ocf_env_t *e;
        ocf_job_t *oj;
        int r;

        if (!spec || !action || !cb)
                return -EINVAL;
        r = agent_ocf_path(spec, path, sizeof(path));
        if (r < 0)
                return r;
        e = zalloc(sizeof(*e));
        build_env(e, spec, action, timeout_usec);
        oj = zalloc(sizeof(*oj));
        oj->cb = cb;
        oj->userdata = userdata;
        snprintf(oj->agent, sizeof(oj->agent), "%s", spec->agent);
        snprintf(oj->instance, sizeof(oj->instance), "%s", spec->instance);
        snprintf(oj->action, sizeof(oj->action), "%s", action);
        snprintf(what, sizeof(what), "agent %s", action);
        r = agent_app_run_opts(loop,
                               &(agent_app_opts_t){.what = what,
                                                   .program = path,
                                                   .arg = action,
                                                   .env = e->envp,
                                                   .timeout_usec = timeout_usec},
                               run_done, oj, ret_job);
        free(e); /* copied into the child's environment by uv_spawn */
        if (r < 0)
                free(oj);
        return r;
}

/* ---- synchronous runs (worker threads) ---- */

typedef struct sync_run {
        bool done;
        int exit_code;
        int status;
        char *output;
        char reason[AGENT_APP_REASON_LEN];
} sync_run_t;

static void sync_done(void *ud, const agent_app_result_t *res)
{
        sync_run_t *s = ud;

        s->done = true;
        s->exit_code = res->exit_code;
        s->status = res->status;
        snprintf(s->reason, sizeof(s->reason), "%s", res->reason);
        if (res->output) {
                s->output = zalloc(res->output_len + 1);
                memcpy(s->output, res->output, res->output_len);
        }
}

int agent_ocf_run_sync(const agent_ocf_spec_t *spec, const char *action, usec_t timeout_usec,
                       int *ret_exit, char **ret_output, char *reason, size_t rlen)
{
        char path[PATH_MAX], what[64];
        sync_run_t s = {0};
        uv_loop_t loop;
        ocf_env_t *e;
        int r;

        if (reason && rlen)
                reason[0] = '\0';
        r = agent_ocf_path(spec, path, sizeof(path));
        if (r < 0)
                return r;
        r = uv_loop_init(&loop);
        if (r < 0)
                return r;
        e = zalloc(sizeof(*e));
        build_env(e, spec, action, timeout_usec);
        snprintf(what, sizeof(what), "agent %s", action);
        r = agent_app_run_opts(
            &loop,
            &(agent_app_opts_t){.what = what,
                                .program = path,
                                .arg = action,
                                .env = e->envp,
                                .timeout_usec = timeout_usec,
                                .capture_max = ret_output ? AGENT_OCF_META_MAX : 0},
            sync_done, &s, NULL);
        free(e);
        /* the job's handles close before its callback: the loop ends with it */
        uv_run(&loop, UV_RUN_DEFAULT);
        (void)uv_loop_close(&loop);
        if (r < 0)
                return r;
        if (reason && rlen)
                snprintf(reason, rlen, "%s", s.reason);
        *ret_exit = s.exit_code;
        if (ret_output)
                *ret_output = s.output;
        else
                free(s.output);
        if (s.exit_code < 0)
                return s.status < 0 ? s.status : -ECHILD;
        return 0;
}
