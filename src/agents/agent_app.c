/* agent_app: owns the running of application controller scripts on the libuv
 * loop: spawn in a new session (process group == pid), collect the last
 * output line, enforce the timeout (SIGTERM to the group, SIGKILL after the
 * grace period, then "will not die"), and report exactly once through the
 * caller's callback after every uv handle of the job is closed. */
#include "agents/agent_app.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agents/agent_evlog.h"
#include "common/hamr_alloc.h"
#include "common/hamr_log.h"

/* After SIGKILL, how long the process may take before it "will not die". */
#define KILL_WAIT_USEC (2 * USEC_PER_SEC)
/* At exit, read at most this much output still queued in the pipe. */
#define DRAIN_MAX_BYTES 65536

extern char **environ;

enum phase {
        PHASE_RUNNING,   /* timer = the job's timeout */
        PHASE_TERM_SENT, /* timer = the SIGTERM grace period */
        PHASE_KILL_SENT, /* timer = the wait for death after SIGKILL */
        PHASE_DONE,      /* result decided, handles closing */
};

struct agent_app_job {
        uv_process_t proc;
        uv_pipe_t out;
        uv_timer_t timer;
        unsigned open_handles; /* the job is freed when this drops to 0 */

        char *what;
        char *script;
        char *arg; /* argv[1], or NULL */
        usec_t timeout_usec;
        agent_app_done_cb cb; /* NULL: spawn failed, nobody to tell */
        agent_app_result_cb rcb;
        void *userdata;

        enum phase phase;
        bool timed_out;
        bool cancelled;
        int timeout_signal; /* first signal on timeout */
        int status;
        int exit_code; /* -1 unless the script exited by itself */
        char reason[AGENT_APP_REASON_LEN];

        /* The line being read and the last complete non-empty one. */
        char cur[AGENT_APP_REASON_LEN];
        size_t cur_len;
        char last[AGENT_APP_REASON_LEN];
        char rbuf[4096];

        /* The event the whole output goes under (agent_app_log_output),
         * its line being read and how much was logged (EVLOG_OUTPUT_MAX). */
        evlog_event_t ev;
        char lcur[EVLOG_LINE_MAX];
        size_t lcur_len, logged;
        bool log_cut;
};

static void kill_group(agent_app_job_t *job, int sig)
{
        /* pgid == pid: UV_PROCESS_DETACHED made the child a session leader.
         * ESRCH (the group is empty) is fine. */
        if (job->proc.pid > 0)
                (void)kill(-job->proc.pid, sig);
}

/* ----- output: every line to the event log, the last non-empty one kept ----- */

static void log_line(agent_app_job_t *job, bool at_exit)
{
        size_t n = job->lcur_len;

        job->lcur_len = 0;
        if (!job->ev.id || (at_exit && n == 0))
                return;
        if (job->logged >= EVLOG_OUTPUT_MAX) {
                if (!job->log_cut)
                        evlog_line(&job->ev, "(output cut: only its first 65536 bytes are kept)");
                job->log_cut = true;
                return;
        }
        job->lcur[n] = '\0';
        job->logged += n + 1;
        evlog_line(&job->ev, job->lcur);
}

static void end_line(agent_app_job_t *job)
{
        size_t n = job->cur_len;

        while (n > 0 && job->cur[n - 1] == ' ')
                n--;
        if (n > 0) {
                memcpy(job->last, job->cur, n);
                job->last[n] = '\0';
        }
        job->cur_len = 0;
}

static void feed_output(agent_app_job_t *job, const char *data, size_t len)
{
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)data[i];

                if (c == '\n') {
                        end_line(job);
                        log_line(job, false);
                        continue;
                }
                if (job->lcur_len < sizeof(job->lcur) - 1)
                        job->lcur[job->lcur_len++] = (char)c; /* evlog_line cleans it */
                if (job->cur_len >= sizeof(job->cur) - 1)
                        continue; /* overlong line: keep its beginning */
                /* Reasons end up in logs and JSON: no control characters. */
                if (c < 0x20 || c == 0x7f)
                        c = ' ';
                job->cur[job->cur_len++] = (char)c;
        }
}

/* Drop a UTF-8 sequence cut short at the end of s (after truncation). */
static void trim_partial_utf8(char *s)
{
        size_t n = strlen(s), i = n, need;
        unsigned char lead;

        while (i > 0 && n - i < 4 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
                i--;
        if (i == 0 || ((unsigned char)s[i - 1] & 0x80) == 0)
                return;
        lead = (unsigned char)s[--i];
        if ((lead & 0xe0) == 0xc0)
                need = 2;
        else if ((lead & 0xf0) == 0xe0)
                need = 3;
        else
                need = 4;
        if (n - i < need)
                s[i] = '\0';
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
        agent_app_job_t *job = h->data;

        *buf = uv_buf_init(job->rbuf, sizeof(job->rbuf));
}

static void read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
        agent_app_job_t *job = s->data;

        if (nread > 0)
                feed_output(job, buf->base, (size_t)nread);
        else if (nread < 0)
                uv_read_stop(s); /* EOF or error: closed when the job ends */
}

/* Take what the script wrote just before exiting but the loop has not read
 * yet (the exit and the readable event come in the same iteration). */
static void drain_output(agent_app_job_t *job)
{
        size_t total = 0;
        uv_os_fd_t fd;

        if (uv_is_closing((uv_handle_t *)&job->out) || uv_fileno((uv_handle_t *)&job->out, &fd) < 0)
                return;
        while (total < DRAIN_MAX_BYTES) {
                ssize_t n = read(fd, job->rbuf, sizeof(job->rbuf));

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break; /* EOF, EAGAIN (a background child holds it) */
                feed_output(job, job->rbuf, (size_t)n);
                total += (size_t)n;
        }
}

/* ----- completion ----- */

static void close_cb(uv_handle_t *h)
{
        agent_app_job_t *job = h->data;

        if (--job->open_handles > 0)
                return;
        if (job->rcb) {
                agent_app_result_t res = {
                    .status = job->status,
                    .exit_code = job->exit_code,
                    .reason = job->reason,
                    .last = job->last,
                };
                job->rcb(job->userdata, &res);
        } else if (job->cb) {
                job->cb(job->userdata, job->status, job->reason);
        }
        free(job->what);
        free(job->script);
        free(job->arg);
        free(job);
}

int agent_app_exit_code(const agent_app_job_t *job)
{
        return job ? job->exit_code : -1;
}

static void close_all(agent_app_job_t *job)
{
        uv_handle_t *handles[] = {(uv_handle_t *)&job->proc, (uv_handle_t *)&job->out,
                                  (uv_handle_t *)&job->timer};

        job->phase = PHASE_DONE;
        for (size_t i = 0; i < sizeof(handles) / sizeof(handles[0]); i++)
                if (!uv_is_closing(handles[i]))
                        uv_close(handles[i], close_cb);
}

static void finish(agent_app_job_t *job, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void finish(agent_app_job_t *job, int status, const char *fmt, ...)
{
        va_list ap;

        job->status = status;
        va_start(ap, fmt);
        vsnprintf(job->reason, sizeof(job->reason), fmt, ap);
        va_end(ap);
        trim_partial_utf8(job->reason);
        close_all(job);
}

static double timeout_sec(const agent_app_job_t *job)
{
        return (double)job->timeout_usec / (double)USEC_PER_SEC;
}

static void exit_cb(uv_process_t *proc, int64_t exit_status, int term_signal)
{
        agent_app_job_t *job = proc->data;

        if (job->phase == PHASE_DONE)
                return;
        if (term_signal == 0 && !job->timed_out && !job->cancelled)
                job->exit_code = (int)exit_status;
        drain_output(job);
        end_line(job);
        log_line(job, true);

        if (job->cancelled) {
                kill_group(job, SIGKILL); /* background children too */
                finish(job, -ECANCELED, "%s %s cancelled", job->what, job->script);
        } else if (job->timed_out) {
                /* The leader died; make sure the rest of its group did too. */
                kill_group(job, SIGKILL);
                finish(job, -ETIMEDOUT, "%s %s timed out after %.1f s (process group killed)",
                       job->what, job->script, timeout_sec(job));
        } else if (term_signal != 0) {
                finish(job, -ECHILD, "%s %s killed by signal %d%s%s", job->what, job->script,
                       term_signal, job->last[0] ? ": " : "", job->last);
        } else if (exit_status != 0) {
                job->exit_code = (int)(exit_status & 0xff);
                finish(job, -ECHILD, "%s %s exited with status %lld%s%s", job->what, job->script,
                       (long long)exit_status, job->last[0] ? ": " : "", job->last);
        } else {
                job->exit_code = 0;
                finish(job, 0, "%s", "");
        }
}

static uint64_t usec_to_msec(usec_t us)
{
        return us / USEC_PER_MSEC + (us % USEC_PER_MSEC != 0); /* rounded up */
}

static void timer_cb(uv_timer_t *t)
{
        agent_app_job_t *job = t->data;

        switch (job->phase) {
        case PHASE_RUNNING:
                job->timed_out = true;
                job->phase = PHASE_TERM_SENT;
                kill_group(job, job->timeout_signal);
                uv_timer_start(&job->timer, timer_cb, usec_to_msec(AGENT_APP_KILL_GRACE_USEC), 0);
                break;
        case PHASE_TERM_SENT:
                job->phase = PHASE_KILL_SENT;
                kill_group(job, SIGKILL);
                uv_timer_start(&job->timer, timer_cb, usec_to_msec(KILL_WAIT_USEC), 0);
                break;
        case PHASE_KILL_SENT:
                /* Stuck in the kernel (D state). Give up on it: closing the
                 * process handle leaves it unreaped, which is the lesser evil. */
                drain_output(job);
                end_line(job);
                log_line(job, true);
                if (job->cancelled)
                        finish(job, -ECANCELED, "%s %s cancelled, but pid %d will not die",
                               job->what, job->script, job->proc.pid);
                else
                        finish(job, -ETIMEDOUT,
                               "%s %s timed out after %.1f s and pid %d will not die", job->what,
                               job->script, timeout_sec(job), job->proc.pid);
                break;
        case PHASE_DONE:
                break;
        }
}

/* ----- environment ----- */

static size_t key_len(const char *kv)
{
        const char *eq = strchr(kv, '=');

        return eq ? (size_t)(eq - kv) : strlen(kv);
}

/* environ followed by extra; a later entry replaces an earlier one with the
 * same key in place. The strings are borrowed; only the array is allocated. */
static int build_env(const char *const *extra, char ***ret_env)
{
        size_t n_env = 0, n_extra = 0, n = 0;
        char **env;

        for (char **e = environ; e && *e; e++)
                n_env++;
        for (const char *const *e = extra; e && *e; e++) {
                if (!strchr(*e, '=') || **e == '=')
                        return -EINVAL;
                n_extra++;
        }
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
        *ret_env = env;
        return 0;
}

/* ----- public ----- */

/* timeout_usec 0 or USEC_INFINITY: no timeout. One of cb and rcb. */
static int run_common(uv_loop_t *loop, const char *what, const char *script, const char *arg,
                      const char *const *env, usec_t timeout_usec, agent_app_done_cb cb,
                      agent_app_result_cb rcb, void *userdata, agent_app_job_t **ret_job)
{
        _cleanup_free_ char **envp = NULL;
        uv_process_options_t opts = {0};
        uv_stdio_container_t stdio[3];
        agent_app_job_t *job;
        char *args[3];
        uv_file fds[2];
        int r;

        if (!loop || !what || !script || !script[0] || (!cb && !rcb))
                return -EINVAL;
        r = build_env(env, &envp);
        if (r < 0)
                return r;
        /* Both ends O_CLOEXEC; the child gets the write end as fd 1 and 2. */
        r = uv_pipe(fds, UV_NONBLOCK_PIPE, 0);
        if (r < 0)
                return r;

        job = zalloc(sizeof(*job));
        job->what = zstrdup(what);
        job->script = zstrdup(script);
        job->timeout_usec = timeout_usec;
        job->timeout_signal = SIGTERM;
        job->userdata = userdata;
        job->exit_code = -1;
        job->arg = arg ? zstrdup(arg) : NULL;
        job->proc.data = job->out.data = job->timer.data = job;
        uv_timer_init(loop, &job->timer);
        uv_pipe_init(loop, &job->out, 0);
        job->open_handles = 2;
        r = uv_pipe_open(&job->out, fds[0]);
        if (r < 0) {
                close(fds[0]);
                close(fds[1]);
                /* The process handle was never initialised; cb is not set,
                 * the last close frees the job. */
                job->phase = PHASE_DONE;
                uv_close((uv_handle_t *)&job->out, close_cb);
                uv_close((uv_handle_t *)&job->timer, close_cb);
                return r;
        }

        args[0] = job->script;
        args[1] = job->arg;
        args[2] = NULL;
        stdio[0].flags = UV_IGNORE; /* /dev/null */
        stdio[1].flags = UV_INHERIT_FD;
        stdio[1].data.fd = fds[1];
        stdio[2] = stdio[1];
        opts.exit_cb = exit_cb;
        opts.file = job->script;
        opts.args = args;
        opts.env = envp;
        opts.flags = UV_PROCESS_DETACHED;
        opts.stdio_count = 3;
        opts.stdio = stdio;

        /* uv_spawn initialises the process handle even when it fails. */
        r = uv_spawn(loop, &job->proc, &opts);
        job->open_handles = 3;
        close(fds[1]);
        if (r < 0) {
                close_all(job);
                return r;
        }
        job->cb = cb;
        job->rcb = rcb;

        r = uv_read_start((uv_stream_t *)&job->out, alloc_cb, read_cb);
        if (r < 0) /* no output for the reason, the job itself is fine */
                log_warn("agents", "%s %s: cannot read its output: %s", what, script,
                         uv_strerror(r));
        if (timeout_usec != 0 && timeout_usec != USEC_INFINITY)
                uv_timer_start(&job->timer, timer_cb, usec_to_msec(timeout_usec), 0);

        if (ret_job)
                *ret_job = job;
        return 0;
}

int agent_app_run(uv_loop_t *loop, const char *what, const char *script, const char *const *env,
                  usec_t timeout_usec, agent_app_done_cb cb, void *userdata,
                  agent_app_job_t **ret_job)
{
        if (!cb)
                return -EINVAL;
        return run_common(loop, what, script, NULL, env, timeout_usec, cb, NULL, userdata, ret_job);
}

int agent_app_run_opts(uv_loop_t *loop, const agent_app_opts_t *opts, agent_app_result_cb cb,
                       void *userdata, agent_app_job_t **ret_job)
{
        if (!opts || !cb)
                return -EINVAL;
        return run_common(loop, opts->what, opts->program, opts->arg, opts->env, opts->timeout_usec,
                          NULL, cb, userdata, ret_job);
}

void agent_app_set_timeout_signal(agent_app_job_t *job, int sig)
{
        if (job && sig > 0)
                job->timeout_signal = sig;
}

void agent_app_log_output(agent_app_job_t *job, const evlog_event_t *ev)
{
        if (job && ev)
                job->ev = *ev;
}

void agent_app_cancel(agent_app_job_t *job)
{
        if (!job || job->phase == PHASE_DONE || job->cancelled)
                return;
        job->cancelled = true;
        job->phase = PHASE_KILL_SENT;
        kill_group(job, SIGKILL);
        uv_timer_start(&job->timer, timer_cb, usec_to_msec(KILL_WAIT_USEC), 0);
}
