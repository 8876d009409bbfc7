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

int tt_cmd_run(char *const argv[], double timeout_s, tt_cmd_result_t *ret)
{
        usec_t deadline = now_usec() + (usec_t)(timeout_s * 1e6);
        usec_t kill_at = 0;
        int pfd[2], status = 0;
        size_t len = 0;
        bool eof = false;
        pid_t pid;

        *ret = (tt_cmd_result_t){.rc = -1, .out = zstrdup("")};
        if (pipe2(pfd, O_CLOEXEC) < 0)
                return -errno;
        fflush(NULL);
        pid = fork();
        if (pid < 0) {
                int r = -errno;
                close(pfd[0]);
                close(pfd[1]);
                return r;
        }
        if (pid == 0) {
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
        setpgid(pid, pid);
        close(pfd[1]);
        for (;;) {
                usec_t now = now_usec();
                usec_t until = kill_at ? kill_at : deadline;
                int ms = now >= until ? 0 : (int)((until - now) / 1000 + 1);
                struct pollfd p = {.fd = pfd[0], .events = POLLIN};
                pid_t w;

                if (!eof) {
                        int n = poll(&p, 1, ms > 100 ? 100 : ms);
                        if (n > 0) {
                                char buf[4096];
                                ssize_t k = read(pfd[0], buf, sizeof(buf));
                                if (k > 0)
                                        append(ret, &len, buf, (size_t)k);
                                else if (k == 0 || (errno != EINTR && errno != EAGAIN))
                                        eof = true;
                        }
                } else {
                        usleep(20000);
                }
                w = waitpid(pid, &status, WNOHANG);
                if (w == pid && eof)
                        break;
                if (w == pid) {
                        /* drain what is left, then stop (a grandchild may hold the pipe) */
                        char buf[4096];
                        ssize_t k;
                        fcntl(pfd[0], F_SETFL, O_NONBLOCK);
                        while ((k = read(pfd[0], buf, sizeof(buf))) > 0)
                                append(ret, &len, buf, (size_t)k);
                        break;
                }
                now = now_usec();
                if (!kill_at && now >= deadline) {
                        ret->timed_out = true;
                        kill(-pid, SIGTERM);
                        kill_at = now + 2 * USEC_PER_SEC;
                } else if (kill_at && now >= kill_at) {
                        kill(-pid, SIGKILL);
                        waitpid(pid, &status, 0);
                        break;
                }
        }
        close(pfd[0]);
        if (WIFEXITED(status))
                ret->rc = WEXITSTATUS(status);
        else if (WIFSIGNALED(status))
                ret->rc = 128 + WTERMSIG(status);
        return 0;
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
