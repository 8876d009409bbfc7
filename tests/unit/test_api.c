/* test_api: the control socket's request framing over a real unix socket
 * and libuv loop: one reply per connection, also for a request that is too
 * large (the server used to keep reading after refusing it and answered
 * once per further read, up to 32 times, each reply freeing the buffer of
 * the one before while it could still be in flight), malformed
 * requests, and a request handed to the daemon and answered. The pure
 * framing and JSON steps are fuzzed by tests/fuzz/fuzz_api.c. Needs root
 * (the socket admits root only). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"

#define MAX_ROUNDS 20000 /* loop iterations per exchange, 0.1 ms apart */

typedef struct {
        uv_loop_t loop;
        api_t *api;
        char dir[64];
        char path[128];
        int requests; /* requests handed to the daemon callback */
} fx_t;

static void on_request(void *ud, uint32_t conn, json_t *req)
{
        fx_t *f = ud;
        const char *op = json_string_value(json_object_get(req, "op"));

        f->requests++;
        api_reply(f->api, conn, json_pack("{s:b, s:s}", "ok", 1, "op", op ? op : ""));
}

static int setup(void **state)
{
        fx_t *f = calloc(1, sizeof(*f));

        if (geteuid() != 0) {
                free(f);
                return 0; /* tests skip */
        }
        assert_non_null(f);
        snprintf(f->dir, sizeof(f->dir), "/tmp/hamr-test-api-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        snprintf(f->path, sizeof(f->path), "%s/sock", f->dir);
        assert_int_equal(uv_loop_init(&f->loop), 0);
        assert_int_equal(api_start(&f->loop, f->path, on_request, f, &f->api), 0);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        fx_t *f = *state;

        if (!f)
                return 0;
        api_stop(f->api);
        for (int i = 0; i < 100 && uv_run(&f->loop, UV_RUN_NOWAIT); i++)
                ;
        uv_loop_close(&f->loop);
        free(f->api); /* api_stop leaves the handle to the caller's loop */
        unlink(f->path);
        rmdir(f->dir);
        free(f);
        return 0;
}

static void pause_round(fx_t *f)
{
        struct timespec ts = {0, 100000};

        uv_run(&f->loop, UV_RUN_NOWAIT);
        nanosleep(&ts, NULL);
}

/* Sends len bytes of req (repeating it) on a new connection while running
 * the loop, then reads until the server closes. Returns what was read
 * (static storage). */
static const char *exchange(fx_t *f, const char *req, size_t len)
{
        static char in[4096];
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        size_t sent = 0, got = 0, rlen = strlen(req);
        int fd, rounds;
        bool eof = false;

        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        assert_true(fd >= 0);
        /* A large send buffer keeps the server reading several times per
         * loop iteration, past the point where it refuses the request. */
        (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &(int){4 << 20}, sizeof(int));
        assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        for (rounds = 0; rounds < MAX_ROUNDS && !eof; rounds++) {
                while (sent < len) {
                        size_t off = sent % rlen, n = rlen - off;
                        ssize_t k;

                        if (n > len - sent)
                                n = len - sent;
                        k = send(fd, req + off, n, MSG_NOSIGNAL);
                        if (k <= 0) {
                                if (k < 0 && errno != EAGAIN)
                                        sent = len; /* the server closed: stop sending */
                                break;
                        }
                        sent += (size_t)k;
                }
                pause_round(f);
                for (;;) {
                        ssize_t k = recv(fd, in + got, sizeof(in) - 1 - got, 0);

                        if (k > 0) {
                                got += (size_t)k;
                                continue;
                        }
                        if (k == 0 || (errno != EAGAIN && errno != EINTR))
                                eof = true;
                        break;
                }
        }
        assert_true(eof);
        close(fd);
        in[got] = '\0';
        return in;
}

static int count_lines(const char *s)
{
        int n = 0;

        for (; *s; s++)
                n += *s == '\n';
        return n;
}

static void test_request_answered(void **state)
{
        fx_t *f = *state;
        const char *r;

        if (!f)
                skip();
        r = exchange(f, "{\"op\":\"status\"}\n", 16);
        assert_string_equal(r, "{\"ok\":true,\"op\":\"status\"}\n");
        assert_int_equal(f->requests, 1);
        /* bytes after the first line are not a second request */
        r = exchange(f, "{\"op\":\"a\"}\n{\"op\":\"b\"}\n", 22);
        assert_string_equal(r, "{\"ok\":true,\"op\":\"a\"}\n");
        assert_int_equal(f->requests, 2);
}

static void test_malformed(void **state)
{
        fx_t *f = *state;
        const char *r;

        if (!f)
                skip();
        r = exchange(f, "[1,2]\n", 6);
        assert_int_equal(count_lines(r), 1);
        assert_non_null(strstr(r, "malformed request"));
        assert_non_null(strstr(r, "\"rc\":4"));
        r = exchange(f, "{\"op\":\n", 7);
        assert_non_null(strstr(r, "malformed request"));
        assert_int_equal(f->requests, 0);
}

static void test_too_large_answered_once(void **state)
{
        fx_t *f = *state;
        const char *r;

        if (!f)
                skip();
        /* far more than the limit, no newline: one refusal, then closed */
        r = exchange(f, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                     4 * API_MAX_REQUEST);
        assert_int_equal(count_lines(r), 1);
        assert_non_null(strstr(r, "request too large"));
        assert_int_equal(f->requests, 0);
        /* the server still answers the next client */
        r = exchange(f, "{\"op\":\"status\"}\n", 16);
        assert_string_equal(r, "{\"ok\":true,\"op\":\"status\"}\n");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_request_answered, setup, teardown),
            cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
            cmocka_unit_test_setup_teardown(test_too_large_answered_once, setup, teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
