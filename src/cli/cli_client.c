/* cli_client: the socket and file I/O of clmgr: one request per connection
 * to hamrd (docs/control-protocol.md) and the clutils.log line. */
#include "cli/cli_client.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli_log.h"
#include "common/hamr_alloc.h"

#define MAX_REPLY (64u * 1024 * 1024)

const char *cli_client_socket_path(void)
{
        const char *p = getenv("HAMR_SOCKET");
        return p && *p ? p : CLI_DEFAULT_SOCKET;
}

/* Waits for fd to become ready for events before deadline. 0, -ETIMEDOUT or -errno. */
static int wait_fd(int fd, short events, usec_t deadline)
{
        for (;;) {
                usec_t now = now_usec();
                struct pollfd p = {.fd = fd, .events = events};
                int ms, r;

                if (now >= deadline)
                        return -ETIMEDOUT;
                ms = (int)((deadline - now + USEC_PER_MSEC - 1) / USEC_PER_MSEC);
                r = poll(&p, 1, ms);
                if (r > 0)
                        return 0;
                if (r < 0 && errno != EINTR)
                        return -errno;
        }
}

static int connect_unix(const char *path, int *ret_fd)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        int fd;

        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        memcpy(sa.sun_path, path, strlen(path) + 1);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        *ret_fd = fd;
        return 0;
}

static int send_all(int fd, const char *buf, size_t len, usec_t deadline)
{
        while (len > 0) {
                ssize_t n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);

                if (n < 0) {
                        int r;
                        if (errno == EINTR)
                                continue;
                        if (errno != EAGAIN && errno != EWOULDBLOCK)
                                return -errno;
                        r = wait_fd(fd, POLLOUT, deadline);
                        if (r < 0)
                                return r;
                        continue;
                }
                buf += n;
                len -= (size_t)n;
        }
        return 0;
}

/* Reads up to the first newline or EOF. *ret_buf is malloc'd, NUL-terminated. */
static int recv_line(int fd, usec_t deadline, char **ret_buf)
{
        size_t cap = 4096, len = 0;
        char *buf = zalloc(cap);
        int r;

        for (;;) {
                ssize_t n;

                r = wait_fd(fd, POLLIN, deadline);
                if (r < 0)
                        goto fail;
                n = recv(fd, buf + len, cap - len - 1, MSG_DONTWAIT);
                if (n < 0) {
                        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
                                continue;
                        r = -errno;
                        goto fail;
                }
                if (n == 0)
                        break;
                len += (size_t)n;
                buf[len] = '\0';
                if (memchr(buf + len - (size_t)n, '\n', (size_t)n))
                        break;
                if (len + 1 == cap) {
                        if (cap >= MAX_REPLY) {
                                r = -EMSGSIZE;
                                goto fail;
                        }
                        cap *= 2;
                        buf = zrealloc(buf, cap);
                }
        }
        buf[len] = '\0';
        *ret_buf = buf;
        return 0;
fail:
        free(buf);
        return r;
}

int cli_client_reply_parse(const char *line, const char *path, json_t **ret_reply, char *err,
                           size_t errlen)
{
        json_error_t jerr;
        json_t *reply = json_loads(line, JSON_DISABLE_EOF_CHECK, &jerr);

        if (!json_is_object(reply)) {
                json_decref(reply);
                snprintf(err, errlen, "malformed reply from hamrd at %s: %s", path,
                         *line ? jerr.text : "connection closed without a reply");
                return -EPROTO;
        }
        *ret_reply = reply;
        return 0;
}

int cli_client_call(const char *path, json_t *req, usec_t timeout_usec, json_t **ret_reply,
                    char *err, size_t errlen)
{
        usec_t deadline = now_usec() + timeout_usec;
        char *out = NULL, *in = NULL;
        int fd = -1, r;

        r = connect_unix(path, &fd);
        if (r < 0) {
                /* Point at what exists: the shipped unit
                 * (contrib/systemd/hamrd.service), hamrd itself, and the
                 * socket clmgr looked at (README "Using it"). */
                snprintf(err, errlen, "cannot reach hamrd at %s: %s%s", path, strerror(-r),
                         r == -EACCES || r == -EPERM
                             ? " (clmgr must run as root)"
                             : " (is hamrd running on this node? start it with 'systemctl "
                               "start hamrd' (unit contrib/systemd/hamrd.service, options "
                               "in /etc/default/hamrd) or 'hamrd --repository PATH' (see "
                               "hamrd --help); a hamrd started with --socket P: set "
                               "HAMR_SOCKET=P)");
                return r;
        }
        out = json_dumps(req, JSON_COMPACT);
        if (!out) {
                r = -ENOMEM;
                snprintf(err, errlen, "cannot encode the request");
                goto out;
        }
        r = send_all(fd, out, strlen(out), deadline);
        if (r >= 0)
                r = send_all(fd, "\n", 1, deadline);
        if (r < 0) {
                snprintf(err, errlen, "sending to hamrd at %s: %s", path, strerror(-r));
                goto out;
        }
        r = recv_line(fd, deadline, &in);
        if (r < 0) {
                snprintf(err, errlen, "%s hamrd at %s: %s",
                         r == -ETIMEDOUT ? "no answer from" : "reading from", path, strerror(-r));
                goto out;
        }
        r = cli_client_reply_parse(in, path, ret_reply, err, errlen);
out:
        free(out);
        free(in);
        if (fd >= 0)
                close(fd);
        return r;
}

static void mkdir_parents(const char *path)
{
        char *copy = zstrdup(path);

        for (char *p = copy + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                (void)mkdir(copy, 0755);
                *p = '/';
        }
        free(copy);
}

static const char *log_path(void)
{
        const char *path = getenv("HAMR_CLUTILS_LOG");
        return path && *path ? path : CLI_DEFAULT_LOG_PATH;
}

/* One write per line: lines of concurrent clmgrs do not mix (O_APPEND). */
static void log_append(const char *line)
{
        const char *path = log_path();
        int fd;

        if (!line)
                return;
        mkdir_parents(path);
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
        if (fd >= 0) {
                (void)!write(fd, line, strlen(line));
                close(fd);
        }
}

static struct timespec log_started;
static char *log_tid;

void cli_client_log_start(int argc, char *const argv[], const char *trans_id)
{
        char *line;

        clock_gettime(CLOCK_REALTIME, &log_started);
        free(log_tid);
        log_tid = trans_id ? zstrdup(trans_id) : NULL;
        line = cli_log_start_line(&log_started, getuid(), getpid(), log_tid, argc, argv);
        log_append(line);
        free(line);
}

void cli_client_log_end(int rc, const char *error)
{
        struct timespec now;
        char *line;

        clock_gettime(CLOCK_REALTIME, &now);
        line = cli_log_end_line(&now, getuid(), getpid(), log_tid, rc, &log_started, error);
        log_append(line);
        free(line);
        free(log_tid);
        log_tid = NULL;
}
