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

#include "cli/cli_log.h"
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

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_clutils_lines),
            cmocka_unit_test(test_rginfo_parse),
            cmocka_unit_test(test_rginfo_verbose),
            cmocka_unit_test(test_rginfo_location),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
