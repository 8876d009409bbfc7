/* api: unix socket server for clmgr; connection table keyed by id. */
#include "api/api.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/hamr_alloc.h"
#include "common/hamr_log.h"

#define API_MAX_CONNS 64

typedef struct api_conn {
        uv_pipe_t pipe;
        api_t *api;
        uint32_t id;
        char *buf;
        size_t len;
        bool dispatched;
} api_conn_t;

struct api {
        uv_loop_t *loop;
        uv_pipe_t server;
        api_request_cb cb;
        void *ud;
        uint32_t next_id;
        api_conn_t *conns[API_MAX_CONNS];
};

static void conn_closed(uv_handle_t *h)
{
        api_conn_t *c = h->data;
        free(c->buf);
        free(c);
}

static void conn_close(api_conn_t *c)
{
        for (int i = 0; i < API_MAX_CONNS; i++)
                if (c->api->conns[i] == c)
                        c->api->conns[i] = NULL;
        if (!uv_is_closing((uv_handle_t *)&c->pipe))
                uv_close((uv_handle_t *)&c->pipe, conn_closed);
}

static api_conn_t *conn_by_id(api_t *api, uint32_t id)
{
        for (int i = 0; i < API_MAX_CONNS; i++)
                if (api->conns[i] && api->conns[i]->id == id)
                        return api->conns[i];
        return NULL;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
        (void)h;
        (void)suggested;
        buf->base = zalloc(4096);
        buf->len = 4096;
}

int api_frame_feed(char **buf, size_t *len, const void *data, size_t n)
{
        char *nl;

        if (*len > API_MAX_REQUEST || n > API_MAX_REQUEST - *len)
                return -EMSGSIZE;
        if (n == 0 && *buf)
                return 0;
        *buf = zrealloc(*buf, *len + n + 1);
        if (n > 0)
                memcpy(*buf + *len, data, n);
        *len += n;
        (*buf)[*len] = '\0';
        nl = memchr(*buf, '\n', *len);
        if (!nl)
                return 0;
        *nl = '\0';
        return 1;
}

int api_request_parse(const char *line, json_t **ret_req)
{
        json_error_t jerr;
        json_t *req = json_loads(line, 0, &jerr);

        if (!req || !json_is_object(req)) {
                json_decref(req);
                return -EBADMSG;
        }
        *ret_req = req;
        return 0;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
        api_conn_t *c = s->data;
        json_t *req = NULL;
        int r;

        if (n < 0) {
                free(buf->base);
                conn_close(c);
                return;
        }
        if (c->dispatched || n == 0) {
                free(buf->base);
                return;
        }
        r = api_frame_feed(&c->buf, &c->len, buf->base, (size_t)n);
        free(buf->base);
        if (r == 0)
                return;
        /* One answer per connection: stop reading before replying, so that
         * further bytes can neither answer twice nor touch c->buf while the
         * reply (which lives there) is being written. */
        c->dispatched = true;
        uv_read_stop(s);
        if (r < 0) {
                api_reply_error(c->api, c->id, 4, "request too large");
                return;
        }
        if (api_request_parse(c->buf, &req) < 0) {
                api_reply_error(c->api, c->id, 4, "malformed request (not a JSON object)");
                return;
        }
        c->api->cb(c->api->ud, c->id, req);
        json_decref(req);
}

static void on_connection(uv_stream_t *server, int status)
{
        api_t *api = server->data;
        api_conn_t *c;
        struct ucred cred;
        socklen_t clen = sizeof(cred);
        uv_os_fd_t fd;
        int slot = -1;

        if (status < 0)
                return;
        c = zalloc(sizeof(*c));
        c->api = api;
        uv_pipe_init(api->loop, &c->pipe, 0);
        c->pipe.data = c;
        if (uv_accept(server, (uv_stream_t *)&c->pipe) < 0) {
                uv_close((uv_handle_t *)&c->pipe, conn_closed);
                return;
        }
        for (int i = 0; i < API_MAX_CONNS; i++)
                if (!api->conns[i]) {
                        slot = i;
                        break;
                }
        if (uv_fileno((uv_handle_t *)&c->pipe, &fd) < 0 ||
            getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 || cred.uid != 0 ||
            slot < 0) {
                log_warn("api", "refused control connection (not root or too many)");
                uv_close((uv_handle_t *)&c->pipe, conn_closed);
                return;
        }
        c->id = ++api->next_id;
        api->conns[slot] = c;
        uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
}

int api_start(uv_loop_t *loop, const char *path, api_request_cb cb, void *ud, api_t **ret_api)
{
        api_t *api = zalloc(sizeof(*api));
        int r;

        api->loop = loop;
        api->cb = cb;
        api->ud = ud;
        unlink(path);
        r = uv_pipe_init(loop, &api->server, 0);
        if (r == 0)
                r = uv_pipe_bind(&api->server, path);
        if (r == 0)
                chmod(path, 0600);
        api->server.data = api;
        if (r == 0)
                r = uv_listen((uv_stream_t *)&api->server, 16, on_connection);
        if (r < 0) {
                uv_close((uv_handle_t *)&api->server, NULL);
                return r; /* api leaked on purpose: the server handle may still reference it */
        }
        *ret_api = api;
        return 0;
}

void api_stop(api_t *api)
{
        if (!api)
                return;
        for (int i = 0; i < API_MAX_CONNS; i++)
                if (api->conns[i])
                        conn_close(api->conns[i]);
        uv_close((uv_handle_t *)&api->server, NULL);
}

static void on_written(uv_write_t *w, int status)
{
        api_conn_t *c = w->data;
        (void)status;
        free(w);
        conn_close(c);
}

void api_reply(api_t *api, uint32_t conn_id, json_t *reply)
{
        api_conn_t *c = conn_by_id(api, conn_id);
        char *text;
        size_t n;

        if (!c) {
                json_decref(reply);
                return;
        }
        text = json_dumps(reply, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(reply);
        if (!text) {
                conn_close(c);
                return;
        }
        n = strlen(text);
        free(c->buf);
        c->buf = zalloc(n + 2);
        memcpy(c->buf, text, n);
        c->buf[n] = '\n';
        free(text);

        uv_write_t *w = zalloc(sizeof(*w));
        uv_buf_t b = uv_buf_init(c->buf, (unsigned)(n + 1));
        w->data = c;
        if (uv_write(w, (uv_stream_t *)&c->pipe, &b, 1, on_written) < 0) {
                free(w);
                conn_close(c);
        }
}

void api_reply_error(api_t *api, uint32_t conn_id, int rc, const char *msg)
{
        api_reply(api, conn_id, json_pack("{s:b, s:s, s:i}", "ok", 0, "error", msg, "rc", rc));
}
