/* Unit tests of the event log (agent_evlog): the line format, START /
 * COMPLETED / SUMMARY and event_error, a script's whole output under its
 * event through agent_app (every line, stdout and stderr, bounded), and
 * a chain of event commands (agent_hook). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agents/agent_app.h"
#include "agents/agent_evlog.h"
#include "agents/agent_hook.h"

static char tmpdir[] = "/tmp/hamr-evlog-XXXXXX";
static char logpath[sizeof(tmpdir) + 16];

static int setup(void **state)
{
        (void)state;
        if (!mkdtemp(tmpdir))
                return -1;
        snprintf(logpath, sizeof(logpath), "%s/hamr.out", tmpdir);
        return evlog_open(logpath);
}

static int teardown(void **state)
{
        char cmd[sizeof(tmpdir) + 16];

        (void)state;
        evlog_close();
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        return system(cmd) == 0 ? 0 : -1;
}

/* The log's whole text (caller frees); the file is emptied after. */
static char *take_log(void)
{
        FILE *f = fopen(logpath, "re");
        char *buf = calloc(1, 1 << 20);
        size_t n;

        assert_non_null(f);
        n = fread(buf, 1, (1 << 20) - 1, f);
        buf[n] = '\0';
        fclose(f);
        assert_int_equal(truncate(logpath, 0), 0);
        return buf;
}

static unsigned count(const char *text, const char *needle)
{
        unsigned n = 0;

        for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
                n++;
        return n;
}

static void test_format(void **state)
{
        char buf[EVLOG_LINE_MAX + 64], big[3000];
        size_t n;

        (void)state;
        /* 2026-12-05T08:01:02.345Z */
        n = evlog_format(buf, sizeof(buf), 1796457662345678ULL, 7, "EVENT START: x\ty\x01z");
        assert_string_equal(buf, "2026-12-05T08:01:02.345Z #7 EVENT START: x y z\n");
        assert_int_equal(n, strlen(buf));
        /* trailing blanks go, one newline */
        evlog_format(buf, sizeof(buf), 0, 1, "text  \r");
        assert_string_equal(buf, "1970-01-01T00:00:00.000Z #1 text\n");
        /* cut at EVLOG_LINE_MAX, never inside a UTF-8 sequence */
        memset(big, 'a', sizeof(big));
        for (size_t i = 0; i + 1 < sizeof(big); i += 2)
                memcpy(big + i, "\xc3\xa9", 2);
        big[sizeof(big) - 1] = '\0';
        n = evlog_format(buf, sizeof(buf), 0, 1, big);
        assert_true(n < EVLOG_LINE_MAX);
        assert_int_equal(buf[n - 1], '\n');
        assert_true(((unsigned char)buf[n - 2] & 0xc0) == 0x80); /* ends on a whole é */
        /* a small buffer */
        n = evlog_format(buf, 8, 0, 1, "abc");
        assert_int_equal(n, strlen(buf));
        assert_true(n < 8);
}

static void test_events(void **state)
{
        evlog_event_t parent, child;
        char *text;

        (void)state;
        evlog_start(&parent, NULL, "rg_move_acquire", "%s %s", "node1", "rg1");
        evlog_start(&child, &parent, "start_server", "app1 %s", "rg1");
        assert_int_equal(child.id, parent.id + 1);
        evlog_line(&child, "hello");
        evlog_error(&child, "STARTSCRIPT /x exited with status 3");
        evlog_end(&child, 1, "STARTSCRIPT /x exited with status 3");
        assert_int_equal(child.id, 0);
        evlog_end(&child, 0, NULL); /* ended: nothing */
        evlog_end(&parent, 0, NULL);
        evlog_instant(NULL, "rg_move_complete", "node1 rg1");
        text = take_log();
        /* 2 STARTs, hello, event_error (4 lines), the child's COMPLETED and SUMMARY, the
         * parent's, rg_move_complete (START, COMPLETED, SUMMARY) */
        assert_int_equal(count(text, "\n"), 14);
        assert_non_null(strstr(text, " EVENT START: rg_move_acquire node1 rg1\n"));
        assert_non_null(strstr(text, " EVENT START: start_server app1 rg1 (in #"));
        assert_non_null(strstr(text, " start_server: hello\n"));
        assert_non_null(strstr(text, " EVENT START: event_error start_server app1 rg1 (in #"));
        assert_non_null(strstr(text, " event_error: STARTSCRIPT /x exited with status 3\n"));
        assert_non_null(strstr(text, " EVENT COMPLETED: start_server app1 rg1 1 ("));
        assert_non_null(strstr(text, " s): STARTSCRIPT /x exited with status 3\n"));
        assert_non_null(strstr(text, " EVENT COMPLETED: rg_move_acquire node1 rg1 0 ("));
        assert_non_null(strstr(text, " EVENT SUMMARY: start_server app1 rg1: start "));
        assert_non_null(strstr(text, ", result 1 (failed)\n"));
        assert_non_null(strstr(text, ", result 0 (ok)\n"));
        assert_int_equal(count(text, "EVENT START: rg_move_complete node1 rg1"), 1);
        assert_int_equal(count(text, "EVENT COMPLETED: rg_move_complete node1 rg1 0"), 1);
        free(text);
}

struct result {
        int calls, status;
};

static void done_cb(void *ud, int status, const char *reason)
{
        struct result *r = ud;

        (void)reason;
        r->calls++;
        r->status = status;
}

/* Runs script body under an event; returns the log's text. */
static char *run_logged(const char *body, int *status)
{
        char path[sizeof(tmpdir) + 16];
        struct result res = {0};
        agent_app_job_t *job = NULL;
        evlog_event_t ev;
        uv_loop_t loop;
        FILE *f;
        int r;

        snprintf(path, sizeof(path), "%s/s.sh", tmpdir);
        f = fopen(path, "we");
        assert_non_null(f);
        fprintf(f, "#!/bin/sh\n%s", body);
        fclose(f);
        assert_int_equal(chmod(path, 0755), 0);
        assert_int_equal(uv_loop_init(&loop), 0);
        evlog_start(&ev, NULL, "start_server", "app1 rg1");
        r = agent_app_run(&loop, "STARTSCRIPT", path, NULL, 10 * USEC_PER_SEC, done_cb, &res, &job);
        assert_int_equal(r, 0);
        agent_app_log_output(job, &ev);
        while (res.calls == 0)
                uv_run(&loop, UV_RUN_ONCE);
        while (uv_run(&loop, UV_RUN_NOWAIT) != 0)
                ;
        assert_int_equal(uv_loop_close(&loop), 0);
        evlog_end(&ev, res.status != 0, NULL);
        *status = res.status;
        return take_log();
}

static void test_script_output(void **state)
{
        int status;
        char *text;

        (void)state;
        text = run_logged("echo one\necho two >&2\necho\nprintf 'three'\nexit 3\n", &status);
        assert_int_equal(status, -ECHILD);
        assert_non_null(strstr(text, " start_server: one\n"));
        assert_non_null(strstr(text, " start_server: two\n"));
        assert_non_null(strstr(text, " start_server: three\n")); /* no newline at the end */
        assert_non_null(strstr(text, " start_server:\n"));       /* the empty line */
        /* in order, between START and COMPLETED */
        assert_true(strstr(text, "EVENT START") < strstr(text, ": one"));
        assert_true(strstr(text, ": one") < strstr(text, ": two"));
        assert_true(strstr(text, ": two") < strstr(text, ": three"));
        assert_true(strstr(text, ": three") < strstr(text, "EVENT COMPLETED"));
        free(text);
}

static void test_script_output_bounded(void **state)
{
        int status;
        char *text;

        (void)state;
        /* 2000 lines of 99 bytes: only the first 64 KiB are kept */
        text = run_logged("i=0; while [ $i -lt 2000 ]; do printf '%098d\\n' $i; i=$((i+1)); "
                          "done\n",
                          &status);
        assert_int_equal(status, 0);
        assert_int_equal(count(text, "(output cut: only its first 65536 bytes are kept)"), 1);
        assert_true(count(text, " start_server: 0") >= 600);
        assert_true(count(text, " start_server: 0") <= 700);
        assert_non_null(strstr(text, "EVENT COMPLETED: start_server app1 rg1 0"));
        free(text);
}

static void hook_done(void *ud)
{
        (*(int *)ud)++;
}

/* agent_hook: the commands in order under their parent, a failing or
 * missing one logged (event_error) and the next one run, the stage and
 * the caller's environment given, the callback once after the last. */
static void test_hook_chain(void **state)
{
        char ok[sizeof(tmpdir) + 16], bad[sizeof(tmpdir) + 16], *text;
        const char *env[] = {"EVENT_NAME=rg_move_acquire", NULL};
        agent_hook_cmd_t cmds[] = {
            {"first", bad, "before"},
            {"second", "/nonexistent/cmd", "before"},
            {"third", ok, "after"},
        };
        evlog_event_t parent;
        uv_loop_t loop;
        int done = 0;
        FILE *f;

        (void)state;
        snprintf(ok, sizeof(ok), "%s/ok.sh", tmpdir);
        snprintf(bad, sizeof(bad), "%s/bad.sh", tmpdir);
        f = fopen(ok, "we");
        fprintf(f, "#!/bin/sh\necho \"ok $EVENT_NAME $HAMR_EVENT_STAGE\"\n");
        fclose(f);
        f = fopen(bad, "we");
        fprintf(f, "#!/bin/sh\necho \"bad $HAMR_EVENT_STAGE\"\nexit 4\n");
        fclose(f);
        assert_int_equal(chmod(ok, 0755), 0);
        assert_int_equal(chmod(bad, 0755), 0);
        assert_int_equal(uv_loop_init(&loop), 0);
        evlog_start(&parent, NULL, "rg_move_acquire", "n1 rg1");
        assert_int_equal(
            agent_hook_run(&loop, cmds, 0, env, "x", &parent, USEC_PER_SEC, hook_done, &done),
            -EINVAL);
        assert_int_equal(agent_hook_run(&loop, cmds, 3, env, "rg_move_acquire n1 rg1", &parent,
                                        10 * USEC_PER_SEC, hook_done, &done),
                         0);
        assert_int_equal(done, 0); /* never from inside */
        while (uv_run(&loop, UV_RUN_ONCE) != 0)
                ;
        assert_int_equal(uv_loop_close(&loop), 0);
        assert_int_equal(done, 1);
        evlog_end(&parent, 0, NULL);
        text = take_log();
        assert_non_null(strstr(text, " first: bad before\n"));
        assert_non_null(
            strstr(text, "EVENT START: event_error first rg_move_acquire n1 rg1 (in #"));
        assert_non_null(strstr(text, "EVENT COMPLETED: first rg_move_acquire n1 rg1 1 ("));
        assert_non_null(strstr(text, "EVENT COMPLETED: second rg_move_acquire n1 rg1 1 ("));
        assert_non_null(strstr(text, "/nonexistent/cmd cannot run"));
        assert_non_null(strstr(text, " third: ok rg_move_acquire after\n"));
        assert_true(strstr(text, "EVENT START: first") < strstr(text, "EVENT START: second"));
        assert_true(strstr(text, "EVENT START: second") < strstr(text, "EVENT START: third"));
        assert_true(strstr(text, "EVENT COMPLETED: third") <
                    strstr(text, "EVENT COMPLETED: rg_move_acquire"));
        free(text);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_format),        cmocka_unit_test(test_events),
            cmocka_unit_test(test_script_output), cmocka_unit_test(test_script_output_bounded),
            cmocka_unit_test(test_hook_chain),
        };

        return cmocka_run_group_tests_name("evlog", tests, setup, teardown);
}
