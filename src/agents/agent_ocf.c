/* agent_ocf: owns running OCF resource agents: their path under
 * AGENT_OCF_ROOT, the environment Pacemaker's executor gives them
 * (OCF_ROOT, OCF_RESOURCE_*, OCF_RESKEY_CRM_meta_*), the mapping of their
 * exit codes, and synchronous runs on a private loop for worker threads.
 * The processes themselves are agent_app's (timeouts, process groups,
 * output into hamr.out). */
#include "agents/agent_ocf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* ---- synchronous runs (worker threads) ----
 * posix_spawn (clone with CLONE_VM|CLONE_VFORK: the address space is not
 * copied) rather than libuv's fork: a fork from a worker thread holds the
 * daemon's memory map while it copies it, and a loaded host may then stall
 * the loop thread (and its watchdog) behind it. As agent_fs runs fsck. */

extern char **environ;

static size_t key_len(const char *kv)
{
        const char *eq = strchr(kv, '=');

        return eq ? (size_t)(eq - kv) : strlen(kv);
}

/* environ, then extra (a later entry replaces an earlier one of the same
 * name); the strings are borrowed. */
static char **merge_env(const char *const *extra)
{
        size_t n_env = 0, n_extra = 0, n = 0;
        char **env;

        for (char **e = environ; e && *e; e++)
                n_env++;
        for (const char *const *e = extra; e && *e; e++)
                n_extra++;
        env = zcalloc(n_env + n_extra + 1, sizeof(char *));
        for (size_t i = 0; i < n_env + n_extra; i++) {
                char *kv = i < n_env ? environ[i] : (char *)extra[i - n_env];
                size_t kl = key_len(kv), j;

                for (j = 0; j < n; j++)
                        if (key_len(env[j]) == kl && strncmp(env[j], kv, kl) == 0)
                                break;
                env[j] = kv;
                if (j == n)
                        n++;
        }
        return env;
}

/* Waits for pid until deadline (then SIGTERM to its group, SIGKILL after
 * AGENT_APP_KILL_GRACE_USEC); reads its output from fd meanwhile into
 * out (at most max bytes kept). Returns the wait status, or -1 if it
 * would not die. */
static int wait_child(pid_t pid, int fd, usec_t deadline, char *out, size_t max, size_t *len,
                      bool *timed_out)
{
        int status = 0, phase = 0;
        bool eof = false;
        char buf[4096];

        for (;;) {
                usec_t now = now_usec();
                pid_t w = waitpid(pid, &status, WNOHANG);
                struct pollfd p = {.fd = fd, .events = POLLIN};

                if (w == pid)
                        break;
                if (w < 0 && errno != EINTR)
                        return -1;
                if (now >= deadline) {
                        *timed_out = true;
                        if (phase == 2)
                                return -1; /* will not die */
                        (void)kill(-pid, phase == 0 ? SIGTERM : SIGKILL);
                        deadline = now + AGENT_APP_KILL_GRACE_USEC;
                        phase++;
                }
                if (eof || poll(&p, 1, 20) <= 0) {
                        if (eof)
                                (void)poll(NULL, 0, 20);
                        continue;
                }
                ssize_t n = read(fd, buf, sizeof(buf));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0) {
                        eof = true;
                        continue;
                }
                if (*len < max) {
                        size_t k = (size_t)n < max - *len ? (size_t)n : max - *len;
                        memcpy(out + *len, buf, k);
                        *len += k;
                }
        }
        /* what it wrote just before exiting (a child it left behind may
         * hold the pipe: read only what is there) */
        for (int i = 0; i < 64 && !eof; i++) {
                struct pollfd p = {.fd = fd, .events = POLLIN};
                ssize_t n;

                if (poll(&p, 1, 0) <= 0 || (n = read(fd, buf, sizeof(buf))) <= 0)
                        break;
                if (*len < max) {
                        size_t k = (size_t)n < max - *len ? (size_t)n : max - *len;
                        memcpy(out + *len, buf, k);
                        *len += k;
                }
        }
        return status;
}

int agent_ocf_run_sync(const agent_ocf_spec_t *spec, const char *action, usec_t timeout_usec,
                       int *ret_exit, char **ret_output, char *reason, size_t rlen)
{
        char path[PATH_MAX], *argv[3];
        _cleanup_free_ char **envp = NULL;
        posix_spawn_file_actions_t fa;
        posix_spawnattr_t at;
        sigset_t none, all;
        size_t len = 0;
        bool timed_out = false;
        int pfd[2], r, status;
        char *out;
        ocf_env_t *e;
        pid_t pid;

        if (reason && rlen)
                reason[0] = '\0';
        *ret_exit = -1;
        r = agent_ocf_path(spec, path, sizeof(path));
        if (r < 0)
                return r;
        if (pipe2(pfd, O_CLOEXEC) < 0)
                return -errno;
        e = zalloc(sizeof(*e));
        build_env(e, spec, action, timeout_usec);
        envp = merge_env(e->envp);
        argv[0] = path;
        argv[1] = (char *)action;
        argv[2] = NULL;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
        posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
        posix_spawnattr_init(&at);
        sigemptyset(&none);
        sigfillset(&all);
        posix_spawnattr_setsigmask(&at, &none);
        posix_spawnattr_setsigdefault(&at, &all);
        posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
                                          POSIX_SPAWN_SETSIGDEF);
        r = posix_spawn(&pid, path, &fa, &at, argv, envp);
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&at);
        free(e);
        close(pfd[1]);
        if (r != 0) {
                close(pfd[0]);
                if (reason && rlen)
                        snprintf(reason, rlen, "%s %s cannot run: %s", path, action, strerror(r));
                return -r;
        }
        out = zalloc(AGENT_OCF_META_MAX + 1);
        status = wait_child(pid, pfd[0], now_usec() + timeout_usec, out,
                            ret_output ? AGENT_OCF_META_MAX : 0, &len, &timed_out);
        close(pfd[0]);
        out[len] = '\0';
        if (ret_output)
                *ret_output = out;
        else
                free(out);
        if (status < 0) {
                if (reason && rlen)
                        snprintf(reason, rlen,
                                 "%s %s timed out after %.1f s and pid %d will not die", path,
                                 action, (double)timeout_usec / USEC_PER_SEC, (int)pid);
                return -ETIMEDOUT;
        }
        if (timed_out) {
                if (reason && rlen)
                        snprintf(reason, rlen,
                                 "%s %s timed out after %.1f s (process group killed)", path,
                                 action, (double)timeout_usec / USEC_PER_SEC);
                return -ETIMEDOUT;
        }
        if (!WIFEXITED(status)) {
                if (reason && rlen)
                        snprintf(reason, rlen, "%s %s killed by signal %d", path, action,
                                 WTERMSIG(status));
                return -ECHILD;
        }
        *ret_exit = WEXITSTATUS(status);
        return 0;
}
