/* test_cli_report: clmgr view report availability: the command, the
 * hamr.out lines it reads, and the report of a crafted three-node log
 * (a monitor failure restarted in place, a node failure with a fallover,
 * a planned release), with and without BEGIN_TIME. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "cli/cli_parse.h"
#include "cli/cli_report.h"
#include "common/hamr_error.h"

#define PARSE(cmd, ...) parse_args((cmd), (const char *[]){__VA_ARGS__, NULL})

static int parse_args(struct cli_cmd *cmd, const char **args)
{
        int argc = 0;

        while (args[argc])
                argc++;
        return cli_parse(argc, (char *const *)args, cmd);
}

static void test_parse(void **state)
{
        struct cli_cmd cmd;
        long long ms;

        (void)state;
        assert_int_equal(PARSE(&cmd, "clmgr", "view", "report"), 0);
        assert_int_equal(cmd.show, CLI_SHOW_REPORT);
        assert_false(cmd.reportq->have_begin);
        cli_cmd_clear(&cmd);

        assert_int_equal(PARSE(&cmd, "clmgr", "view", "report", "availability",
                               "BEGIN_TIME=2026:12:01", "END_TIME=2026-12-02 10:30"),
                         0);
        assert_true(cmd.reportq->have_begin && cmd.reportq->have_end);
        assert_int_equal(cli_report_parse_time("2026:12:01", false, &ms), 0);
        assert_true(cmd.reportq->begin_ms == ms);
        assert_int_equal(cli_report_parse_time("2026-12-02 10:30", true, &ms), 0);
        assert_true(cmd.reportq->end_ms == ms);
        cli_cmd_clear(&cmd);

        /* a date alone as END_TIME: the whole day */
        {
                long long a, b;
                assert_int_equal(cli_report_parse_time("2026:12:01", false, &a), 0);
                assert_int_equal(cli_report_parse_time("2026:12:01", true, &b), 0);
                assert_true(b - a == 86400LL * 1000);
        }

        assert_int_equal(PARSE(&cmd, "clmgr", "view", "report", "uptime"), -EINVAL);
        assert_int_equal(cmd.rc, CLMGR_RC_INVALID);
        assert_non_null(strstr(cmd.error, "unknown report 'uptime' (allowed: availability)"));
        cli_cmd_clear(&cmd);
        assert_int_equal(PARSE(&cmd, "clmgr", "view", "report", "BEGIN_TIME=yesterday"), -EINVAL);
        assert_non_null(strstr(cmd.error, "BEGIN_TIME=\"yesterday\" is not a time"));
        cli_cmd_clear(&cmd);
        assert_int_equal(PARSE(&cmd, "clmgr", "view", "report", "GROUP=rg1"), -EINVAL);
        assert_non_null(strstr(cmd.error, "unknown attribute 'GROUP'"));
        cli_cmd_clear(&cmd);
        assert_int_equal(
            PARSE(&cmd, "clmgr", "view", "report", "BEGIN_TIME=2026:12:02", "END_TIME=2026:12:01"),
            -EINVAL);
        assert_non_null(strstr(cmd.error, "END_TIME must be after BEGIN_TIME"));
        cli_cmd_clear(&cmd);
}

static void test_lines(void **state)
{
        struct cli_avail_rec r;

        (void)state;
        assert_int_equal(cli_report_parse_line("2026-12-05T08:00:00.400Z #1 EVENT COMPLETED: "
                                               "rg_move_acquire n1 rg1 0 (0.400 s)",
                                               &r),
                         0);
        assert_int_equal(r.kind, CLI_AV_ACQ_DONE);
        assert_string_equal(r.a, "n1");
        assert_string_equal(r.b, "rg1");
        assert_int_equal(r.status, 0);
        assert_true(r.t_ms % 1000 == 400);
        assert_int_equal(cli_report_parse_line("2026-12-05T08:00:00.100Z #2 EVENT START: "
                                               "start_server app1 rg1 (in #1)",
                                               &r),
                         0);
        assert_int_equal(r.kind, CLI_AV_APP_START);
        assert_string_equal(r.b, "rg1");
        assert_int_equal(
            cli_report_parse_line("2026-12-05T10:00:00.000Z #5 EVENT START: node_down n1", &r), 0);
        assert_int_equal(r.kind, CLI_AV_NODE_DOWN);
        assert_string_equal(r.a, "n1");
        /* not an event the report uses, or not an event line */
        assert_int_equal(
            cli_report_parse_line("2026-12-05T10:00:00.000Z #5 EVENT START: node_up n1", &r), -1);
        assert_int_equal(cli_report_parse_line("2026-12-05T10:00:00.000Z #5 EVENT SUMMARY: "
                                               "rg_move_acquire n1 rg1: start ...",
                                               &r),
                         -1);
        assert_int_equal(cli_report_parse_line("start_server: Starting web", &r), -1);
        assert_int_equal(cli_report_parse_line("2026-12-05T10:00:00Z #5 EVENT START: node_down "
                                               "n1",
                                               &r),
                         -1);
}

static const char *const n1_log[] = {
    "2026-12-05T08:00:00.000Z #1 EVENT START: rg_move_acquire n1 rg1",
    "2026-12-05T08:00:00.100Z #2 EVENT START: start_server app1 rg1 (in #1)",
    "2026-12-05T08:00:00.300Z #2 EVENT COMPLETED: start_server app1 rg1 0 (0.200 s)",
    "2026-12-05T08:00:00.400Z #1 EVENT COMPLETED: rg_move_acquire n1 rg1 0 (0.400 s)",
    "2026-12-05T09:00:00.000Z #3 EVENT START: server_down app1 rg1",
    "2026-12-05T09:00:00.000Z #4 EVENT START: server_restart app1 rg1",
    "2026-12-05T09:00:01.000Z #4 EVENT COMPLETED: server_restart app1 rg1 0 (1.000 s)",
    NULL,
};
static const char *const n2_log[] = {
    "2026-12-05T10:00:00.000Z #5 EVENT START: node_down n1",
    "2026-12-05T10:00:01.000Z #6 EVENT START: rg_move_acquire n2 rg1",
    "2026-12-05T10:00:01.100Z #7 EVENT START: start_server app1 rg1 (in #6)",
    "2026-12-05T10:00:01.500Z #7 EVENT COMPLETED: start_server app1 rg1 0 (0.400 s)",
    "2026-12-05T10:00:02.000Z #6 EVENT COMPLETED: rg_move_acquire n2 rg1 0 (1.000 s)",
    "2026-12-05T11:00:00.000Z #8 EVENT START: rg_move_release n2 rg1",
    "2026-12-05T11:00:00.100Z #9 EVENT START: stop_server app1 rg1 (in #8)",
    NULL,
};
static const char *const n3_log[] = {
    "2026-12-05T10:00:00.050Z #5 EVENT START: node_down n1", /* seen by both survivors */
    NULL,
};

static json_t *node_json(const char *name, const char *const *lines)
{
        json_t *l = json_array();

        for (; *lines; lines++)
                json_array_append_new(l, json_string(*lines));
        return json_pack("{s:s, s:o}", "NODE", name, "LINES", l);
}

static long long utc_ms(int h, int m, int s)
{
        struct tm tm = {
            .tm_year = 126, .tm_mon = 11, .tm_mday = 5, .tm_hour = h, .tm_min = m, .tm_sec = s};
        return (long long)timegm(&tm) * 1000;
}

static json_t *item(json_t *rep, const char *list, const char *name)
{
        json_t *it;
        size_t i;

        json_array_foreach(
            json_object_get(rep, list), i,
            it) if (!strcmp(json_string_value(json_object_get(it, "NAME")), name)) return it;
        fail_msg("%s not in %s", name, list);
        return NULL;
}

#define NEAR(o, key, v)                                                                            \
        do {                                                                                       \
                double d_ = json_number_value(json_object_get((o), (key))) - (v);                  \
                assert_true(d_<1e-6 && d_> - 1e-6);                                                \
        } while (0)

static void test_report(void **state)
{
        json_t *g = json_pack("{s:[o,o,o]}", "nodes", node_json("n2", n2_log),
                              node_json("n1", n1_log), node_json("n3", n3_log));
        struct cli_reportq q = {.have_end = true, .end_ms = utc_ms(12, 0, 0)};
        json_t *rep, *rg, *app;
        char *text = NULL;
        size_t len;
        FILE *f;

        (void)state;
        rep = cli_report_compute(&q, g, 0);
        assert_string_equal(json_string_value(json_object_get(rep, "BEGIN")),
                            "2026-12-05T08:00:00.000Z");
        rg = item(rep, "RESOURCE_GROUPS", "rg1");
        NEAR(rg, "ANALYZED", 14400.0);
        /* 0.4 s first acquisition, 1 s monitor restart, 2 s fallover, 3600 s released */
        NEAR(rg, "DOWNTIME", 3603.4);
        NEAR(rg, "UPTIME", 14400.0 - 3603.4);
        assert_int_equal(json_integer_value(json_object_get(rg, "FAILURES")), 2);
        assert_int_equal(json_integer_value(json_object_get(rg, "OUTAGES")), 3);
        NEAR(rg, "MTTR", 1.5);
        NEAR(rg, "LONGEST_OUTAGE", 3600.0);
        NEAR(rg, "LONGEST_UPTIME", 3599.6);
        NEAR(rg, "AVAILABILITY", 100.0 * (14400.0 - 3603.4) / 14400.0);
        assert_string_equal(json_string_value(json_object_get(rg, "STATE")), "down");
        assert_string_equal(json_string_value(json_object_get(rg, "NODE")), "n2");
        app = item(rep, "APPLICATION_CONTROLLERS", "app1");
        NEAR(app, "ANALYZED", 14399.9);
        NEAR(app, "DOWNTIME", 0.2 + 1.0 + 1.5 + 3599.9);
        assert_int_equal(json_integer_value(json_object_get(app, "FAILURES")), 2);
        NEAR(app, "MTTR", 1.25);

        f = open_memstream(&text, &len);
        cli_report_print(f, rep);
        fclose(f);
        assert_non_null(strstr(text, "Resource group analyzed: rg1\n"));
        assert_non_null(strstr(text, "Application analyzed:    app1\n"));
        assert_non_null(strstr(text, "Failures:                2 (outages: 3)\n"));
        assert_non_null(strstr(text, "Mean time to recovery:   1.500 seconds\n"));
        assert_non_null(strstr(text, "    Longest period:      0 days, 1 hours, 0 minutes, "
                                     "0.000 seconds\n"));
        assert_non_null(strstr(text, "At the end:              down (last up on n2)\n"));
        free(text);
        json_decref(rep);

        /* from 09:30: only the fallover (2 s) and the release (3600 s) */
        q.have_begin = true;
        q.begin_ms = utc_ms(9, 30, 0);
        rep = cli_report_compute(&q, g, 0);
        rg = item(rep, "RESOURCE_GROUPS", "rg1");
        NEAR(rg, "ANALYZED", 9000.0);
        NEAR(rg, "DOWNTIME", 3602.0);
        assert_int_equal(json_integer_value(json_object_get(rg, "FAILURES")), 1);
        NEAR(rg, "MTTR", 2.0);
        json_decref(rep);

        /* until 10:00:01 (no END_TIME: now): the node failure not recovered yet */
        q.have_begin = q.have_end = false;
        rep = cli_report_compute(&q, g, utc_ms(10, 0, 1));
        rg = item(rep, "RESOURCE_GROUPS", "rg1");
        assert_int_equal(json_integer_value(json_object_get(rg, "FAILURES")), 2);
        NEAR(rg, "MTTR", 1.0); /* only the restart in place recovered */
        NEAR(rg, "LONGEST_OUTAGE", 1.0);
        assert_string_equal(json_string_value(json_object_get(rg, "STATE")), "down");
        json_decref(rep);
        json_decref(g);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_parse),
            cmocka_unit_test(test_lines),
            cmocka_unit_test(test_report),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
