/* test_cli_views: clmgr's logs and views: the clutils.log lines, clRGinfo
 * -v and -a, and clmgr view log (parse, filters, listing). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/cli_clstat.h"
#include "cli/cli_log.h"
#include "cli/cli_logview.h"
#include "cli/cli_output.h"
#include "cli/cli_parse.h"
#include "cli/cli_rginfo.h"
#include "common/hamr_error.h"

#define PARSE(cmd, ...) parse_args((cmd), (const char *[]){__VA_ARGS__, NULL})

static int parse_args(struct cli_cmd *cmd, const char **args)
{
        int argc = 0;

        while (args[argc])
                argc++;
        return cli_parse(argc, (char *const *)args, cmd);
}

#define CAPTURE(text, call)                                                                        \
        do {                                                                                       \
                size_t len_;                                                                       \
                FILE *f = open_memstream(&(text), &len_);                                          \
                assert_non_null(f);                                                                \
                assert_int_equal((call), 0);                                                       \
                fclose(f);                                                                         \
        } while (0)

static json_t *load(const char *text)
{
        json_error_t err;
        json_t *v = json_loads(text, 0, &err);

        if (!v)
                fail_msg("bad test JSON: %s", err.text);
        return v;
}

static void test_clutils_lines(void **state)
{
        /* 2026-12-05 08:01:02.345 UTC */
        struct timespec start = {.tv_sec = 1796457662, .tv_nsec = 345000000};
        struct timespec end = {.tv_sec = 1796457663, .tv_nsec = 1000000};
        char *args[] = {"clmgr", "add", "rg", "web rg", "DESC=it's", NULL};
        char *line;

        (void)state;
        line = cli_log_start_line(&start, 0, 42, NULL, 5, args);
        assert_string_equal(line, "2026-12-05T08:01:02.345Z uid=0 pid=42 cmd: clmgr add rg "
                                  "'web rg' 'DESC=it'\\''s'\n");
        free(line);
        line = cli_log_start_line(&start, 7, 42, "tx 1", 1, args);
        assert_string_equal(line, "2026-12-05T08:01:02.345Z uid=7 pid=42 tid='tx 1' cmd: clmgr\n");
        free(line);
        /* success: rc and elapsed time, no error */
        line = cli_log_end_line(&end, 0, 42, NULL, 0, &start, NULL);
        assert_string_equal(line, "2026-12-05T08:01:03.001Z uid=0 pid=42 end: rc=0 "
                                  "elapsed=0.656s\n");
        free(line);
        line = cli_log_end_line(&end, 0, 42, NULL, 0, &start, "");
        assert_null(strstr(line, "error"));
        free(line);
        /* failure: the message on one line */
        line =
            cli_log_end_line(&end, 0, 42, "t", 4, &start, "timed out waiting:\n  web_rg OFFLINE\n");
        assert_string_equal(line, "2026-12-05T08:01:03.001Z uid=0 pid=42 tid=t end: rc=4 "
                                  "elapsed=0.656s error: timed out waiting: /   web_rg "
                                  "OFFLINE\n");
        free(line);
        /* a clock that went back shows 0, a long message is cut */
        {
                char big[CLI_LOG_ERROR_MAX * 2];
                memset(big, 'x', sizeof(big) - 1);
                big[sizeof(big) - 1] = '\0';
                line = cli_log_end_line(&start, 0, 1, NULL, 1, &end, big);
                assert_non_null(strstr(line, " elapsed=0.000s "));
                assert_true(strlen(line) < CLI_LOG_ERROR_MAX + 100);
                assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1); /* one line */
                free(line);
        }
}

static const char *const status_json =
    "{\"ok\":true,\"cluster\":{\"NAME\":\"demo\",\"STATE\":\"UNSTABLE\"},\"nodes\":[],"
    "\"groups\":["
    "{\"NAME\":\"web_rg\",\"STATE\":\"RELEASING\",\"CURRENT_NODE\":\"n1\",\"TARGET\":\"n2\","
    "\"TARGET_KNOWN\":true,\"NODES\":{\"n1\":\"RELEASING\",\"n2\":\"OFFLINE\"},"
    "\"STARTUP\":\"OHN\",\"FALLOVER\":\"FNPN\",\"FALLBACK\":\"FBHPN\","
    "\"PRIORITY_OVERRIDE\":\"n2\",\"ERROR\":\"\",\"REASON\":\"\"},"
    "{\"NAME\":\"db_rg\",\"STATE\":\"OFFLINE\",\"CURRENT_NODE\":\"\",\"TARGET\":\"\","
    "\"TARGET_KNOWN\":true,\"NODES\":{\"n2\":\"OFFLINE\",\"n1\":\"OFFLINE\"},"
    "\"STARTUP\":\"OFAN\",\"FALLOVER\":\"FNPN\",\"FALLBACK\":\"NFB\",\"ERROR\":\"\","
    "\"REASON\":\"parent web_rg is not online\"},"
    "{\"NAME\":\"app_rg\",\"STATE\":\"ONLINE\",\"CURRENT_NODE\":\"n2\",\"TARGET\":\"n2\","
    "\"TARGET_KNOWN\":true,\"NODES\":{\"n2\":\"ONLINE\"},\"STARTUP\":\"OHN\","
    "\"FALLOVER\":\"FNPN\",\"FALLBACK\":\"NFB\"},"
    "{\"NAME\":\"new_rg\",\"STATE\":\"OFFLINE\",\"CURRENT_NODE\":\"\",\"TARGET\":\"n1\","
    "\"TARGET_KNOWN\":true,\"NODES\":{\"n1\":\"OFFLINE\"},\"STARTUP\":\"OHN\","
    "\"FALLOVER\":\"FNPN\",\"FALLBACK\":\"NFB\"}]}";

static void test_rginfo_parse(void **state)
{
        struct cli_cmd c;

        (void)state;
        assert_int_equal(PARSE(&c, "clRGinfo", "-v", "web_rg"), 0);
        assert_true(c.opts.show_policies);
        assert_false(c.opts.verbose); /* not clmgr's -v (request tracing) */
        assert_false(c.opts.show_location);
        assert_int_equal(json_array_size(c.group_filter), 1);
        cli_cmd_clear(&c);
        /* -a takes no value in clRGinfo: the group name stays a group */
        assert_int_equal(PARSE(&c, "/usr/sbin/clRGinfo", "-a", "web_rg"), 0);
        assert_true(c.opts.show_location);
        assert_null(c.opts.attrs);
        assert_string_equal(json_string_value(json_array_get(c.group_filter, 0)), "web_rg");
        cli_cmd_clear(&c);
        assert_int_equal(PARSE(&c, "clRGinfo", "-vas"), 0);
        assert_true(c.opts.show_policies && c.opts.show_location);
        assert_int_equal(c.opts.format, CLI_FMT_DELIM);
        cli_cmd_clear(&c);
        /* clmgr keeps its own -v and -a ATTR */
        assert_int_equal(PARSE(&c, "clmgr", "-v", "-a", "NAME", "query", "rg"), 0);
        assert_true(c.opts.verbose);
        assert_false(c.opts.show_policies || c.opts.show_location);
        assert_string_equal(c.opts.attrs[0], "NAME");
        cli_cmd_clear(&c);
        /* help names the new flags */
        {
                char *text = NULL;
                size_t len;
                FILE *f = open_memstream(&text, &len);
                assert_int_equal(PARSE(&c, "clRGinfo", "-h"), 0);
                assert_int_equal(c.kind, CLI_KIND_HELP);
                cli_output_usage(f, &c);
                fclose(f);
                assert_non_null(strstr(text, "[-v] [-a]"));
                assert_non_null(strstr(text, "-v verbose"));
                assert_non_null(strstr(text, "expected destination"));
                free(text);
                cli_cmd_clear(&c);
        }
}

static void test_rginfo_verbose(void **state)
{
        struct cli_opts o = {0};
        json_t *st = load(status_json), *filter = load("[\"web_rg\",\"db_rg\"]");
        char *text = NULL;

        (void)state;
        o.show_policies = true;
        CAPTURE(text, cli_output_status(f, &o, st, filter));
        assert_string_equal(
            text, "Cluster Name: demo\n"
                  "\n"
                  "Resource Group Name: web_rg\n"
                  "Startup Policy: Online On Home Node Only\n"
                  "Fallover Policy: Fallover To Next Priority Node In The List\n"
                  "Fallback Policy: Fallback To Higher Priority Node In The List\n"
                  "Site Policy: ignore\n"
                  "Node                                                             Group State\n"
                  "---------------------------------------------------------------- "
                  "---------------\n"
                  "n1                                                               RELEASING\n"
                  "n2                                                               OFFLINE\n"
                  "Priority Override Information: Primary Instance POL: n2\n"
                  "\n"
                  "Resource Group Name: db_rg\n"
                  "Startup Policy: Online On First Available Node\n"
                  "Fallover Policy: Fallover To Next Priority Node In The List\n"
                  "Fallback Policy: Never Fallback\n"
                  "Site Policy: ignore\n"
                  "Node                                                             Group State\n"
                  "---------------------------------------------------------------- "
                  "---------------\n"
                  "n2                                                               OFFLINE\n"
                  "n1                                                               OFFLINE\n"
                  "Reason: parent web_rg is not online\n");
        free(text);
        o.format = CLI_FMT_DELIM;
        o.delim = ":";
        CAPTURE(text, cli_output_status(f, &o, st, filter));
        assert_string_equal(text, "web_rg:RELEASING:n1:OHN:FNPN:FBHPN\n"
                                  "web_rg:OFFLINE:n2:OHN:FNPN:FBHPN\n"
                                  "db_rg:OFFLINE:n2:OFAN:FNPN:NFB\n"
                                  "db_rg:OFFLINE:n1:OFAN:FNPN:NFB\n");
        free(text);
        assert_string_equal(cli_rginfo_policy_name("XYZ"), "XYZ");
        /* FUDNP: the policy and each node's value (PowerHA's DNP values) */
        {
                struct cli_opts o2 = {.show_policies = true};
                json_t *dst =
                    load("{\"cluster\":{\"NAME\":\"demo\"},\"groups\":[{\"NAME\":\"d_rg\","
                         "\"STARTUP\":\"OHN\",\"FALLOVER\":\"FUDNP\",\"FALLBACK\":\"NFB\","
                         "\"NODES\":{\"n1\":\"ONLINE\",\"n2\":\"OFFLINE\"},"
                         "\"NODE_PRIORITY_POLICY\":\"cl_highest_free_mem\","
                         "\"DNP_VALUES\":{\"n1\":\"2048 MiB free\",\"n2\":\"no value\"}}]}");

                CAPTURE(text, cli_output_status(f, &o2, dst, NULL));
                assert_non_null(
                    strstr(text, "Fallover Policy: Fallover Using Dynamic Node Priority\n"));
                assert_non_null(strstr(text, "Dynamic Node Priority Policy: cl_highest_free_mem\n"
                                             "DNP values: n1 2048 MiB free; n2 no value;\n"));
                free(text);
                json_decref(dst);
        }
        json_decref(filter);
        json_decref(st);
}

static void test_rginfo_location(void **state)
{
        struct cli_opts o = {.show_location = true};
        json_t *st = load(status_json);
        char *text = NULL;

        (void)state;
        CAPTURE(text, cli_output_status(f, &o, st, NULL));
        assert_string_equal(
            text, "-----------------------------------------------------------------------------\n"
                  "Group Name                     Group State      Location (current -> expected)\n"
                  "-----------------------------------------------------------------------------\n"
                  "web_rg                         RELEASING        n1 -> n2\n"
                  "db_rg                          OFFLINE          -\n"
                  "app_rg                         ONLINE           n2\n"
                  "new_rg                         OFFLINE          -> n1\n");
        free(text);
        /* going offline; and no decision of the coordinator known */
        json_t *app = json_array_get(json_object_get(st, "groups"), 2);
        json_object_set_new(app, "TARGET", json_string(""));
        json_t *filter = load("[\"app_rg\"]");
        CAPTURE(text, cli_output_status(f, &o, st, filter));
        assert_non_null(strstr(text, "app_rg                         ONLINE           n2 -> "
                                     "(offline)\n"));
        free(text);
        json_object_set_new(app, "TARGET_KNOWN", json_false());
        CAPTURE(text, cli_output_status(f, &o, st, filter));
        assert_non_null(strstr(text, "n2 (destination unknown: no coordinator decision)\n"));
        free(text);
        o.format = CLI_FMT_DELIM;
        o.delim = ":";
        CAPTURE(text, cli_output_status(f, &o, st, NULL));
        assert_string_equal(text, "web_rg:RELEASING:n1:n2\ndb_rg:OFFLINE::\napp_rg:ONLINE:n2:\n"
                                  "new_rg:OFFLINE::n1\n");
        free(text);
        json_decref(filter);
        json_decref(st);
}

/* Parses args (must fail) with rc and a message containing needle. */
#define EXPECT_ERR(want_rc, needle, ...)                                                           \
        do {                                                                                       \
                struct cli_cmd c_;                                                                 \
                assert_int_equal(PARSE(&c_, "clmgr", __VA_ARGS__), -EINVAL);                       \
                assert_int_equal(c_.rc, (want_rc));                                                \
                if (!strstr(c_.error, (needle)))                                                   \
                        fail_msg("error '%s' lacks '%s'", c_.error, (needle));                     \
                cli_cmd_clear(&c_);                                                                \
        } while (0)

static void test_view_log_parse(void **state)
{
        struct cli_cmd c;
        time_t t;

        (void)state;
        setenv("TZ", "UTC", 1);
        tzset();
        assert_int_equal(PARSE(&c, "clmgr", "view", "log"), 0);
        assert_int_equal(c.show, CLI_SHOW_LOG);
        assert_int_equal(c.logq->log, CLI_LOG_LIST);
        assert_int_equal(json_array_size(c.requests), 0);
        cli_cmd_clear(&c);
        assert_int_equal(PARSE(&c, "clmgr", "vi", "lo", "CLUTILS.LOG", "TAIL=5", "GROUP=web_rg",
                               "SINCE=2026-12-05 08:01", "node=n1", "FILTER=rc=1"),
                         0);
        assert_int_equal(c.logq->log, CLI_LOG_CLUTILS);
        assert_int_equal(c.logq->tail, 5);
        assert_string_equal(c.logq->group, "web_rg");
        assert_string_equal(c.logq->node, "n1");
        assert_string_equal(c.logq->filter, "rc=1");
        assert_true(c.logq->have_since);
        assert_int_equal((long long)c.logq->since, 1796457660LL);
        cli_cmd_clear(&c);
        /* hamrd and PowerHA's name of the cluster manager's log */
        assert_int_equal(PARSE(&c, "clmgr", "view", "log", "clstrmgr.debug"), 0);
        assert_int_equal(c.logq->log, CLI_LOG_HAMRD);
        cli_cmd_clear(&c);
        assert_int_equal(cli_logview_parse_since("2026-12-05", &t), 0);
        assert_int_equal((long long)t, 1796428800LL);
        assert_int_equal(cli_logview_parse_since("2026-12-05T08:01:02", &t), 0);
        assert_int_equal((long long)t, 1796457662LL);

        /* the event log, by both names; EVENT= only there, only known events */
        assert_int_equal(PARSE(&c, "clmgr", "view", "log", "hacmp.out", "EVENT=start_server"), 0);
        assert_int_equal(c.logq->log, CLI_LOG_EVENTS);
        assert_string_equal(c.logq->event, "start_server");
        cli_cmd_clear(&c);
        assert_int_equal(PARSE(&c, "clmgr", "view", "log", "hamr.out", "GROUP=rg1"), 0);
        assert_int_equal(c.logq->log, CLI_LOG_EVENTS);
        cli_cmd_clear(&c);
        EXPECT_ERR(CLMGR_RC_INVALID,
                   "unknown log 'hamr.log' (allowed: clutils.log, hamrd, hamr.out (hacmp.out)",
                   "view", "log", "hamr.log");
        EXPECT_ERR(CLMGR_RC_INVALID,
                   "EVENT='start' is not an event of hamr.out (allowed: node_up, node_down,",
                   "view", "log", "hamr.out", "EVENT=start");
        EXPECT_ERR(CLMGR_RC_INVALID, "view log hamrd: EVENT= is an attribute of hamr.out", "view",
                   "log", "hamrd", "EVENT=node_up");
        EXPECT_ERR(CLMGR_RC_MISSING, "need a log name", "view", "log", "EVENT=node_up");
        EXPECT_ERR(CLMGR_RC_INVALID, "unknown attribute 'LINES' (allowed: NODE, GROUP, SINCE",
                   "view", "log", "hamrd", "LINES=3");
        EXPECT_ERR(CLMGR_RC_INVALID, "SINCE='yesterday' is not a time", "view", "log", "hamrd",
                   "SINCE=yesterday");
        EXPECT_ERR(CLMGR_RC_INVALID, "SINCE='2026-12-05 8h' is not a time", "view", "log", "hamrd",
                   "SINCE=2026-12-05 8h");
        EXPECT_ERR(CLMGR_RC_INVALID, "TAIL='-1' is not a number of lines (allowed: 1 to", "view",
                   "log", "hamrd", "TAIL=-1");
        EXPECT_ERR(CLMGR_RC_INVALID, "TAIL='5x'", "view", "log", "hamrd", "TAIL=5x");
        EXPECT_ERR(CLMGR_RC_INVALID, "GROUP is empty", "view", "log", "hamrd", "GROUP=");
        EXPECT_ERR(CLMGR_RC_INVALID, "expected ATTR=VALUE", "view", "log", "hamrd", "extra");
        EXPECT_ERR(CLMGR_RC_MISSING, "need a log name", "view", "log", "TAIL=3");
        EXPECT_ERR(CLMGR_RC_INVALID, "allowed: status, log, report, snapshot", "view", "nothing");
}

static char *filtered(struct cli_logq *q, const char *text)
{
        FILE *in = fmemopen((void *)text, strlen(text), "r");
        char *out = NULL;
        size_t len;
        FILE *f = open_memstream(&out, &len);

        assert_non_null(in);
        assert_non_null(f);
        assert_int_equal(cli_logview_filter(q, in, f), 0);
        fclose(in);
        fclose(f);
        return out;
}

/* hamr.out: GROUP= and EVENT= select whole events (interleaved, nested) */
static void test_view_log_events(void **state)
{
        static const char log[] =
            "2026-12-05T08:00:00.000Z #5 EVENT START: node_up n2\n"
            "2026-12-05T08:00:00.001Z #5 EVENT COMPLETED: node_up n2 0 (0.001 s)\n"
            "2026-12-05T08:00:00.001Z #5 EVENT SUMMARY: node_up n2: start ...\n"
            "2026-12-05T08:00:01.000Z #6 EVENT START: rg_move_acquire n1 rg1\n"
            "2026-12-05T08:00:01.000Z #7 EVENT START: rg_move_acquire n1 rg2\n"
            "2026-12-05T08:00:01.100Z #8 EVENT START: start_server app1 rg1 (in #6)\n"
            "2026-12-05T08:00:01.100Z #9 EVENT START: start_server app2 rg2 (in #7)\n"
            "2026-12-05T08:00:01.200Z #8 start_server: line one\n"
            "2026-12-05T08:00:01.200Z #9 start_server: other\n"
            "2026-12-05T08:00:01.300Z #8 EVENT COMPLETED: start_server app1 rg1 0 (0.2 s)\n"
            "2026-12-05T08:00:01.300Z #8 EVENT SUMMARY: start_server app1 rg1: start ...\n"
            "2026-12-05T08:00:01.300Z #9 EVENT COMPLETED: start_server app2 rg2 0 (0.2 s)\n"
            "2026-12-05T08:00:01.300Z #9 EVENT SUMMARY: start_server app2 rg2: start ...\n"
            "2026-12-05T08:00:01.400Z #6 EVENT COMPLETED: rg_move_acquire n1 rg1 0 (0.4 s)\n"
            "2026-12-05T08:00:01.400Z #6 EVENT SUMMARY: rg_move_acquire n1 rg1: start ...\n"
            "2026-12-05T08:00:01.400Z #7 EVENT COMPLETED: rg_move_acquire n1 rg2 0 (0.4 s)\n"
            "2026-12-05T08:00:01.400Z #7 EVENT SUMMARY: rg_move_acquire n1 rg2: start ...\n"
            /* an id used again after a restart: a new event */
            "2026-12-05T09:00:00.000Z #8 EVENT START: node_down n2\n"
            "2026-12-05T09:00:00.000Z #8 node_down: left\n";
        struct cli_logq q = {.log = CLI_LOG_EVENTS};
        char *out;

        (void)state;
        q.event = "start_server";
        out = filtered(&q, log);
        assert_string_equal(out,
                            "2026-12-05T08:00:01.100Z #8 EVENT START: start_server app1 rg1 (in "
                            "#6)\n"
                            "2026-12-05T08:00:01.100Z #9 EVENT START: start_server app2 rg2 (in "
                            "#7)\n"
                            "2026-12-05T08:00:01.200Z #8 start_server: line one\n"
                            "2026-12-05T08:00:01.200Z #9 start_server: other\n"
                            "2026-12-05T08:00:01.300Z #8 EVENT COMPLETED: start_server app1 "
                            "rg1 0 (0.2 s)\n"
                            "2026-12-05T08:00:01.300Z #8 EVENT SUMMARY: start_server app1 rg1: "
                            "start ...\n"
                            "2026-12-05T08:00:01.300Z #9 EVENT COMPLETED: start_server app2 "
                            "rg2 0 (0.2 s)\n"
                            "2026-12-05T08:00:01.300Z #9 EVENT SUMMARY: start_server app2 rg2: "
                            "start ...\n");
        free(out);
        /* GROUP: the group's events and the events inside them */
        q.event = NULL;
        q.group = "rg1";
        out = filtered(&q, log);
        assert_non_null(strstr(out, "#6 EVENT START: rg_move_acquire n1 rg1\n"));
        assert_non_null(strstr(out, "#8 start_server: line one\n"));
        assert_non_null(strstr(out, "#6 EVENT SUMMARY"));
        assert_null(strstr(out, "#7 "));
        assert_null(strstr(out, "#9 "));
        assert_null(strstr(out, "node_"));
        free(out);
        /* EVENT and GROUP together; an enclosing event brings its inner ones */
        q.event = "rg_move_acquire";
        q.group = "rg2";
        out = filtered(&q, log);
        assert_non_null(strstr(out, "#9 start_server: other\n"));
        assert_null(strstr(out, "#8 "));
        assert_null(strstr(out, "#6 "));
        free(out);
        /* the reused id belongs to its new event */
        q.event = "node_down";
        q.group = NULL;
        out = filtered(&q, log);
        assert_string_equal(out, "2026-12-05T09:00:00.000Z #8 EVENT START: node_down n2\n"
                                 "2026-12-05T09:00:00.000Z #8 node_down: left\n");
        free(out);
        /* FILTER, SINCE and TAIL on top */
        q.event = "start_server";
        q.filter = "COMPLETED";
        q.tail = 1;
        out = filtered(&q, log);
        assert_string_equal(out, "2026-12-05T08:00:01.300Z #9 EVENT COMPLETED: start_server app2 "
                                 "rg2 0 (0.2 s)\n");
        free(out);
        q.event = NULL;
        q.filter = NULL;
        q.tail = 0;
        setenv("TZ", "UTC", 1); /* SINCE is local time */
        tzset();
        assert_int_equal(cli_logview_parse_since("2026-12-05T08:30:00", &q.since), 0);
        q.have_since = true;
        out = filtered(&q, log);
        assert_non_null(strstr(out, "node_down"));
        assert_null(strstr(out, "node_up"));
        free(out);
}

static void test_view_log_filter(void **state)
{
        /* hamrd lines (epoch seconds), a script's output line without a
         * time, clutils.log lines (UTC) */
        static const char hamrd[] = "1796457600.000001 n1 INFO exec: web_rg ONLINE\n"
                                    "1796457660.5 n1 INFO exec: web_rg2 ACQUIRING\n"
                                    "  start script output for web_rg\n"
                                    "1796457720.000000 n1 ERR exec: db_rg start failed\n"
                                    "no newline at the end web_rg";
        static const char clutils[] =
            "2026-12-05T08:00:59.999Z uid=0 pid=1 cmd: clmgr online rg web_rg\n"
            "2026-12-05T08:01:00.000Z uid=0 pid=1 end: rc=1 elapsed=0.1s error: x\n";
        struct cli_logq q = {.log = CLI_LOG_HAMRD};
        char *out;

        (void)state;
        assert_int_equal(cli_logview_line_time(hamrd), 1796457600LL);
        assert_int_equal(cli_logview_line_time("2026-12-05T08:01:00.000Z uid=0"), 1796457660LL);
        assert_int_equal(cli_logview_line_time("  start script output"), -1);
        assert_int_equal(cli_logview_line_time("--- 12.5 lab: start hamrd"), -1);
        assert_int_equal(cli_logview_line_time("12345 short number"), -1);

        out = filtered(&q, hamrd); /* no filter: everything, a last newline added */
        assert_int_equal(strlen(out), strlen(hamrd) + 1);
        free(out);
        /* GROUP: the name as a word (not web_rg2) */
        q.group = "web_rg";
        out = filtered(&q, hamrd);
        assert_string_equal(out, "1796457600.000001 n1 INFO exec: web_rg ONLINE\n"
                                 "  start script output for web_rg\n"
                                 "no newline at the end web_rg\n");
        free(out);
        /* SINCE: untimed lines follow the line before them */
        q.group = NULL;
        q.have_since = true;
        q.since = 1796457700;
        out = filtered(&q, hamrd);
        assert_string_equal(out, "1796457720.000000 n1 ERR exec: db_rg start failed\n"
                                 "no newline at the end web_rg\n");
        free(out);
        q.since = 1796457660;
        out = filtered(&q, hamrd);
        assert_non_null(strstr(out, "  start script output for web_rg\n"));
        assert_null(strstr(out, "web_rg ONLINE"));
        free(out);
        /* TAIL: the last lines that pass, in order */
        q.have_since = false;
        q.tail = 2;
        out = filtered(&q, hamrd);
        assert_string_equal(out, "1796457720.000000 n1 ERR exec: db_rg start failed\n"
                                 "no newline at the end web_rg\n");
        free(out);
        q.tail = 100;
        out = filtered(&q, hamrd);
        assert_int_equal(strlen(out), strlen(hamrd) + 1);
        free(out);
        /* FILTER and SINCE on clutils.log (UTC stamps) */
        q.tail = 0;
        q.filter = "rc=1";
        out = filtered(&q, clutils);
        assert_string_equal(out, clutils + strlen(clutils) - strlen(strchr(clutils, '\n') + 1));
        free(out);
        q.filter = NULL;
        q.have_since = true;
        q.since = 1796457660;
        out = filtered(&q, clutils);
        assert_string_equal(out, strchr(clutils, '\n') + 1);
        free(out);
        /* a write error stops it (-EIO; -EPIPE when a pipe's reader left) */
        {
                char small[16];
                FILE *in = fmemopen((void *)hamrd, strlen(hamrd), "r");
                FILE *o = fmemopen(small, sizeof(small), "w");

                setvbuf(o, NULL, _IONBF, 0);
                q.have_since = false;
                assert_int_equal(cli_logview_filter(&q, in, o), -EIO);
                fclose(in);
                fclose(o);
        }
}

static void test_view_log_check_and_list(void **state)
{
        json_t *st = load("{\"ok\":true,\"cluster\":{\"NAME\":\"demo\",\"LOCAL_NODE\":\"n1\","
                          "\"LOG\":\"/var/lib/hamr/hamrd.log\",\"EVENT_LOG\":\"/var/lib/hamr/"
                          "hamr.out\"},\"groups\":[{\"NAME\":\"web_rg\"}]}");
        struct cli_logq q = {.log = CLI_LOG_HAMRD};
        char err[512], *text = NULL;

        (void)state;
        assert_int_equal(cli_logview_check(&q, st, NULL, err, sizeof(err)), 0);
        q.node = "n1";
        q.group = "web_rg";
        assert_int_equal(cli_logview_check(&q, st, NULL, err, sizeof(err)), 0);
        q.node = "n2";
        assert_int_equal(cli_logview_check(&q, st, NULL, err, sizeof(err)), CLMGR_RC_INVALID);
        assert_non_null(strstr(err, "NODE=n2: only this node's logs can be shown (this node is "
                                    "n1; run clmgr view log on n2)"));
        q.node = NULL;
        q.group = "nope_rg";
        assert_int_equal(cli_logview_check(&q, st, NULL, err, sizeof(err)), CLMGR_RC_NOT_FOUND);
        assert_non_null(strstr(err, "GROUP=nope_rg: no such resource group"));
        /* without hamrd: clutils.log alone works, hamrd's log and NODE do not */
        q.group = NULL;
        assert_int_equal(cli_logview_check(&q, NULL, "cannot reach hamrd", err, sizeof(err)),
                         CLMGR_RC_ERROR);
        assert_non_null(strstr(err, "needs the local hamrd: cannot reach hamrd"));
        q.log = CLI_LOG_EVENTS;
        assert_int_equal(cli_logview_check(&q, NULL, "cannot reach hamrd", err, sizeof(err)),
                         CLMGR_RC_ERROR);
        assert_non_null(strstr(err, "finding the event log needs the local hamrd"));
        q.log = CLI_LOG_CLUTILS;
        assert_int_equal(cli_logview_check(&q, NULL, "x", err, sizeof(err)), 0);

        assert_string_equal(cli_logview_hamrd_log(st), "/var/lib/hamr/hamrd.log");
        assert_string_equal(cli_logview_hamrd_log(NULL), "");
        CAPTURE(text, (cli_logview_list(f, "/var/log/hamr/clutils.log", st), 0));
        assert_non_null(strstr(text, "clutils.log  /var/log/hamr/clutils.log\n"));
        assert_non_null(strstr(text, "hamrd        /var/lib/hamr/hamrd.log\n"));
        assert_non_null(strstr(text, "hamr.out     /var/lib/hamr/hamr.out\n"));
        assert_string_equal(cli_logview_event_log(st), "/var/lib/hamr/hamr.out");
        assert_string_equal(cli_logview_event_log(NULL), "");
        free(text);
        json_object_set_new(json_object_get(st, "cluster"), "LOG", json_string("journal"));
        CAPTURE(text, (cli_logview_list(f, "/x", st), 0));
        assert_non_null(strstr(text, "hamrd        the journal (journalctl -u hamrd)\n"));
        free(text);
        CAPTURE(text, (cli_logview_list(f, "/x", NULL), 0));
        assert_non_null(strstr(text, "hamrd        unknown: hamrd is not reachable"));
        free(text);
        json_decref(st);
}

#define CLSTAT(o, err, ...)                                                                        \
        cli_clstat_parse((int)(sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)),                  \
                         (char *[]){__VA_ARGS__}, (o), (err), sizeof(err))

static void test_clstat(void **state)
{
        struct cli_clstat o;
        char err[256], *text = NULL;
        json_t *st = load(status_json);

        (void)state;
        setenv("TZ", "UTC", 1);
        tzset();
        assert_true(cli_clstat_wanted(1, (char *[]){"/usr/local/bin/clstat"}));
        assert_false(cli_clstat_wanted(1, (char *[]){"clmgr"}));
        assert_int_equal(CLSTAT(&o, err, "clstat"), 0);
        assert_false(o.once);
        assert_int_equal(o.refresh, CLI_CLSTAT_REFRESH_DEF);
        assert_int_equal(CLSTAT(&o, err, "clstat", "-a", "-o", "-r", "2"), 0);
        assert_true(o.once);
        assert_int_equal(o.refresh, 2);
        assert_int_equal(CLSTAT(&o, err, "clstat", "-r7"), 0);
        assert_int_equal(o.refresh, 7);
        assert_int_equal(CLSTAT(&o, err, "clstat", "-ao"), 0);
        assert_true(o.once);
        assert_int_equal(CLSTAT(&o, err, "clstat", "-h"), 0);
        assert_true(o.help);
        assert_int_equal(CLSTAT(&o, err, "clstat", "-r", "0"), CLMGR_RC_INVALID);
        assert_non_null(strstr(err, "-r '0' is not a refresh time (allowed: 1 to 3600 seconds)"));
        assert_int_equal(CLSTAT(&o, err, "clstat", "-r", "5s"), CLMGR_RC_INVALID);
        assert_int_equal(CLSTAT(&o, err, "clstat", "-r"), CLMGR_RC_MISSING);
        assert_int_equal(CLSTAT(&o, err, "clstat", "-x"), CLMGR_RC_INVALID);
        assert_non_null(strstr(err, "unknown option -x (options: -a, -o, -r SECONDS, -h)"));
        assert_int_equal(CLSTAT(&o, err, "clstat", "web_rg"), CLMGR_RC_INVALID);
        assert_non_null(strstr(err, "unexpected argument 'web_rg'"));

        /* a screen: title, then clmgr status's text */
        o = (struct cli_clstat){.refresh = 3};
        CAPTURE(text, (cli_clstat_screen(f, &o, st, NULL, 1796457662), 0));
        assert_true(strncmp(text,
                            "clstat - hamr cluster status at 2026-12-05 08:01:02 (every 3 s; "
                            "Ctrl-C quits)\n\nCluster: demo  State: UNSTABLE",
                            strlen("clstat - hamr cluster status at 2026-12-05 08:01:02 (every 3 "
                                   "s; Ctrl-C quits)\n\nCluster: demo  State: UNSTABLE")) == 0);
        assert_non_null(strstr(text, "\nweb_rg                         RELEASING"));
        free(text);
        o.once = true;
        CAPTURE(text, (cli_clstat_screen(f, &o, NULL, "cannot reach hamrd", 1796457662), 0));
        assert_string_equal(text, "clstat - hamr cluster status at 2026-12-05 08:01:02\n\n"
                                  "status unknown: cannot reach hamrd\n");
        free(text);
        json_decref(st);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_clutils_lines),           cmocka_unit_test(test_rginfo_parse),
            cmocka_unit_test(test_rginfo_verbose),          cmocka_unit_test(test_rginfo_location),
            cmocka_unit_test(test_view_log_parse),          cmocka_unit_test(test_view_log_filter),
            cmocka_unit_test(test_view_log_check_and_list), cmocka_unit_test(test_clstat),
            cmocka_unit_test(test_view_log_events),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
