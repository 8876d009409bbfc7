/* tt_cmd: bounded child processes and remote-shell templates. */
#include "testtool/tt_cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/hamr_alloc.h"
#include "common/hamr_time.h"

#define MAX_OUT (64 * 1024)

void tt_cmd_result_free(tt_cmd_result_t *r)
{
        if (!r)
                return;
        free(r->out);
        r->out = NULL;
}

static void append(tt_cmd_result_t *r, size_t *len, const char *buf, size_t n)
{
        if (*len + n > MAX_OUT)
                n = MAX_OUT - *len;
        if (n == 0)
                return;
        r->out = zrealloc(r->out, *len + n + 1);
        memcpy(r->out + *len, buf, n);
        *len += n;
        r->out[*len] = '\0';
}

typedef struct {
        pid_t pid;
        int fd; /* read end of the output pipe, -1 at EOF */
        size_t len;
        int status;
        bool done;
        usec_t kill_at; /* SIGKILL time after a SIGTERM, 0 before */
} child_t;

static int spawn(char *const argv[], child_t *c)
{
        int pfd[2];

        if (pipe2(pfd, O_CLOEXEC) < 0)
                return -errno;
        fflush(NULL);
        c->pid = fork();
        if (c->pid < 0) {
                int r = -errno;
                close(pfd[0]);
                close(pfd[1]);
                return r;
        }
        if (c->pid == 0) {
                int null = open("/dev/null", O_RDONLY);
                setpgid(0, 0);
                signal(SIGPIPE, SIG_DFL);
                if (null >= 0)
                        dup2(null, 0);
                dup2(pfd[1], 1);
                dup2(pfd[1], 2);
                execvp(argv[0], argv);
                dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
                _exit(127);
        }
        setpgid(c->pid, c->pid);
        close(pfd[1]);
        c->fd = pfd[0];
        return 0;
}

static void drain(child_t *c, tt_cmd_result_t *r, bool all)
{
        char buf[4096];
        ssize_t k;

        if (c->fd < 0)
                return;
        if (all)
                fcntl(c->fd, F_SETFL, O_NONBLOCK);
        do {
                k = read(c->fd, buf, sizeof(buf));
                if (k > 0)
                        append(r, &c->len, buf, (size_t)k);
        } while (all && k > 0);
        if (k == 0 || all || (k < 0 && errno != EINTR && errno != EAGAIN)) {
                close(c->fd);
                c->fd = -1;
        }
}

int tt_cmd_run_all(char **const argvs[], size_t n, double timeout_s, tt_cmd_result_t *rets)
{
        usec_t deadline = now_usec() + (usec_t)(timeout_s * 1e6);
        child_t *c = zcalloc(n, sizeof(*c));
        size_t left = 0;
        int first_err = 0;

        for (size_t i = 0; i < n; i++) {
                int r;
                rets[i] = (tt_cmd_result_t){.rc = -1, .out = zstrdup("")};
                c[i].fd = -1;
                r = spawn(argvs[i], &c[i]);
                if (r < 0) {
                        c[i].done = true;
                        first_err = first_err ? first_err : r;
                        continue;
                }
                left++;
        }
        while (left > 0) {
                struct pollfd p[64];
                size_t map[64], np = 0;
                usec_t now;

                for (size_t i = 0; i < n && np < 64; i++)
                        if (!c[i].done && c[i].fd >= 0) {
                                p[np] = (struct pollfd){.fd = c[i].fd, .events = POLLIN};
                                map[np++] = i;
                        }
                if (np > 0 && poll(p, np, 50) > 0) {
                        for (size_t k = 0; k < np; k++)
                                if (p[k].revents)
                                        drain(&c[map[k]], &rets[map[k]], false);
                } else if (np == 0) {
                        usleep(20000);
                }
                now = now_usec();
                for (size_t i = 0; i < n; i++) {
                        if (c[i].done)
                                continue;
                        if (waitpid(c[i].pid, &c[i].status, WNOHANG) == c[i].pid) {
                                /* what is left; a grandchild may hold the pipe open */
                                drain(&c[i], &rets[i], true);
                                c[i].done = true;
                        } else if (!c[i].kill_at && now >= deadline) {
                                rets[i].timed_out = true;
                                kill(-c[i].pid, SIGTERM);
                                c[i].kill_at = now + 2 * USEC_PER_SEC;
                        } else if (c[i].kill_at && now >= c[i].kill_at) {
                                kill(-c[i].pid, SIGKILL);
                                waitpid(c[i].pid, &c[i].status, 0);
                                drain(&c[i], &rets[i], true);
                                c[i].done = true;
                        }
                        if (c[i].done) {
                                left--;
                                if (WIFEXITED(c[i].status))
                                        rets[i].rc = WEXITSTATUS(c[i].status);
                                else if (WIFSIGNALED(c[i].status))
                                        rets[i].rc = 128 + WTERMSIG(c[i].status);
                        }
                }
        }
        free(c);
        return first_err;
}

int tt_cmd_run(char *const argv[], double timeout_s, tt_cmd_result_t *ret)
{
        char **const argvs[1] = {(char **)argv};

        return tt_cmd_run_all(argvs, 1, timeout_s, ret);
}

char **tt_cmd_template(const char *tmpl, const char *node, const char *cmd)
{
        _cleanup_free_ char *copy = zstrdup(tmpl);
        char **argv = NULL;
        size_t n = 0;
        char *tok, *save = NULL;

        for (tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
                size_t cap = strlen(tok) + 1;
                char *word;
                size_t wl = 0;

                for (const char *s = tok; *s; s++)
                        if (s[0] == '%' && s[1] == 'n')
                                cap += strlen(node ? node : "");
                word = zalloc(cap);
                for (const char *s = tok; *s; s++) {
                        if (s[0] == '%' && s[1] == 'n') {
                                memcpy(word + wl, node ? node : "", strlen(node ? node : ""));
                                wl += strlen(node ? node : "");
                                s++;
                        } else if (s[0] == '%' && s[1] == '%') {
                                word[wl++] = '%';
                                s++;
                        } else {
                                word[wl++] = *s;
                        }
                }
                argv = zrealloc(argv, (n + 3) * sizeof(*argv));
                argv[n++] = word;
        }
        if (n == 0)
                return NULL;
        if (cmd)
                argv[n++] = zstrdup(cmd);
        argv[n] = NULL;
        return argv;
}

void tt_cmd_argv_free(char **argv)
{
        if (!argv)
                return;
        for (char **a = argv; *a; a++)
                free(*a);
        free(argv);
}

char *tt_cmd_quote(const char *s)
{
        size_t n = 3;
        char *out, *o;

        for (const char *p = s; *p; p++)
                n += *p == '\'' ? 4 : 1;
        out = o = zalloc(n);
        *o++ = '\'';
        for (const char *p = s; *p; p++) {
                if (*p == '\'') {
                        memcpy(o, "'\\''", 4);
                        o += 4;
                } else {
                        *o++ = *p;
                }
        }
        *o++ = '\'';
        *o = '\0';
        return out;
}

char *tt_cmd_join(char *const argv[])
{
        char *out = zstrdup("");

        for (char *const *a = argv; *a; a++) {
                _cleanup_free_ char *x = strpbrk(*a, " \t'\"$;|&") ? tt_cmd_quote(*a) : zstrdup(*a);
                size_t l = strlen(out);

                out = zrealloc(out, l + strlen(x) + 2);
                if (a != argv)
                        out[l++] = ' ';
                strcpy(out + l, x);
        }
        return out;
}
