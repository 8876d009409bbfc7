/* test_cli: clmgr's pure parts: argv -> request JSON and wait condition,
 * wait evaluation over canned status replies, and the output formatter. */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/api_ops.h"
#include "cli/cli_output.h"
#include "cli/cli_snapshot.h"
#include "cli/cli_parse.h"
#include "cli/cli_schema.h"
#include "common/hamr_error.h"

#define PARSE(cmd, ...) parse_args((cmd), (const char *[]){"clmgr", __VA_ARGS__, NULL})

static int parse_args(struct cli_cmd *cmd, const char **args)
{
        int argc = 0;

        while (args[argc])
                argc++;
        return cli_parse(argc, (char *const *)args, cmd);
}

static void expect_json(json_t *got, const char *want_text)
{
        json_error_t err;
        json_t *want = json_loads(want_text, JSON_DECODE_ANY, &err);

        if (!want)
                fail_msg("bad expected JSON '%s': %s", want_text, err.text);
        if (!json_equal(want, got)) {
                char *g = json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY);
                fail_msg("JSON mismatch\n  want %s\n  got  %s", want_text, g ? g : "(null)");
        }
        json_decref(want);
}

/* Parses args (must succeed) and compares the requests. */
#define EXPECT_REQ(want, ...)                                                                      \
        do {                                                                                       \
                struct cli_cmd c_;                                                                 \
                int r_ = PARSE(&c_, __VA_ARGS__);                                                  \
                if (r_ < 0)                                                                        \
                        fail_msg("parse failed: %s", c_.error);                                    \
                assert_int_equal(c_.kind, CLI_KIND_RUN);                                           \
                expect_json(c_.requests, want);                                                    \
                cli_cmd_clear(&c_);                                                                \
        } while (0)

/* Parses args (must fail) with rc and a message containing needle. */
#define EXPECT_ERR(want_rc, needle, ...)                                                           \
        do {                                                                                       \
                struct cli_cmd c_;                                                                 \
                assert_int_equal(PARSE(&c_, __VA_ARGS__), -EINVAL);                                \
                assert_int_equal(c_.rc, (want_rc));                                                \
                assert_non_null(c_.error);                                                         \
                if (!strstr(c_.error, (needle)))                                                   \
                        fail_msg("error '%s' lacks '%s'", c_.error, (needle));                     \
                cli_cmd_clear(&c_);                                                                \
        } while (0)

static void test_listing_and_help(void **state)
{
        struct cli_cmd c;

        (void)state;
        assert_int_equal(PARSE(&c, NULL), 0);
        assert_int_equal(c.kind, CLI_KIND_LIST_ACTIONS);
        cli_cmd_clear(&c);
        assert_int_equal(PARSE(&c, "help"), 0);
        assert_int_equal(c.kind, CLI_KIND_LIST_ACTIONS);
        cli_cmd_clear(&c);
        assert_int_equal(PARSE(&c, "online"), 0);
        assert_int_equal(c.kind, CLI_KIND_LIST_CLASSES);
        assert_string_equal(c.action, "online");
        cli_cmd_clear(&c);
        assert_int_equal(PARSE(&c, "online", "cluster", "-h"), 0);
        assert_int_equal(c.kind, CLI_KIND_HELP);
        assert_int_equal(json_array_size(c.requests), 0);
        cli_cmd_clear(&c);
        assert_int_equal(PARSE(&c, "mv", "rg", "-h"), 0);
        assert_int_equal(c.kind, CLI_KIND_HELP);
        assert_string_equal(c.action, "move");
        assert_string_equal(c.class_name, "rg");
        cli_cmd_clear(&c);
}

static void test_query(void **state)
{
        struct cli_cmd c;

        (void)state;
        EXPECT_REQ("[{\"op\":\"query\",\"class\":\"cLUsteR\",\"name\":null}]", "QueRY", "cLUsteR");
        EXPECT_REQ("[{\"op\":\"query\",\"class\":\"rg\",\"name\":null}]", "q", "rg");
        EXPECT_REQ("[{\"op\":\"query\",\"class\":\"node\",\"name\":\"n1\"}]", "ls", "node", "n1");
        EXPECT_REQ("[{\"op\":\"query\",\"class\":\"node\",\"name\":null}]", "get", "node");
        EXPECT_REQ("[{\"op\":\"query\",\"class\":\"node\",\"name\":null}]", "list", "node");
        EXPECT_REQ("[{\"op\":\"query\",\"class\":\"node\",\"name\":null}]", "SHOW", "node");
        EXPECT_REQ("[{\"op\":\"query\",\"class\":\"node\",\"name\":null}]", "que", "node");
        assert_int_equal(PARSE(&c, "query", "rg", "web_rg"), 0);
        assert_int_equal(c.show, CLI_SHOW_QUERY);
        assert_int_equal(c.wait.kind, CLI_WAIT_NONE);
        cli_cmd_clear(&c);
        EXPECT_ERR(4, "STATE", "query", "rg", "web_rg", "STATE=ONLINE");
}

static void test_add_modify_delete(void **state)
{
        (void)state;
        EXPECT_REQ("[{\"op\":\"add\",\"class\":\"resource_group\",\"name\":\"web_rg\","
                   "\"attrs\":{\"NODES\":\"n1 n2\",\"STARTUP\":\"OHN\",\"FALLBACK\":\"NFB\"}}]",
                   "add", "resource_group", "web_rg", "NODES=\"n1 n2\"", "STARTUP=OHN",
                   "FALLBACK=NFB");
        EXPECT_REQ("[{\"op\":\"add\",\"class\":\"cluster\",\"name\":\"demo\",\"attrs\":{\"NODES\":"
                   "\"n1,n2\"}}]",
                   "mk", "cluster", "demo", "NODES=n1,n2");
        EXPECT_REQ("[{\"op\":\"add\",\"class\":\"application_controller\",\"name\":\"app\","
                   "\"attrs\":{\"STARTSCRIPT\":\"/opt/app start\",\"x\":\"\"}}]",
                   "create", "application_controller", "app", "STARTSCRIPT='/opt/app start'", "x=");
        EXPECT_REQ("[{\"op\":\"add\",\"class\":\"node\",\"name\":\"n3\",\"attrs\":{}}]", "make",
                   "node", "n3");
        EXPECT_REQ("[{\"op\":\"add\",\"class\":\"node\",\"name\":\"n3\",\"attrs\":{}}]", "a",
                   "node", "n3");
        EXPECT_ERR(3, "name is required", "add", "cluster", "NODES=n1");
        /* PowerHA's clmgr add dependency takes no name: the daemon gives one */
        EXPECT_REQ("[{\"op\":\"add\",\"class\":\"dependency\",\"name\":null,\"attrs\":{"
                   "\"PARENT\":\"db_rg\",\"CHILD\":\"app_rg\"}}]",
                   "add", "dependency", "PARENT=db_rg", "CHILD=app_rg");
        EXPECT_REQ("[{\"op\":\"add\",\"class\":\"dep\",\"name\":\"d1\",\"attrs\":{"
                   "\"PARENT\":\"db_rg\",\"CHILD\":\"a,b\"}}]",
                   "add", "dep", "d1", "PARENT=db_rg", "CHILD=a,b");
        EXPECT_ERR(3, "name is required", "add", "rg", "NODES=n1");
        /* Singleton cluster: modify without a name; a plain staged modify. */
        EXPECT_REQ("[{\"op\":\"modify\",\"class\":\"cluster\",\"name\":null,\"attrs\":"
                   "{\"HEARTBEAT_FREQUENCY\":\"10\",\"GRACE_PERIOD\":\"5\",\"NETWORK_FAILURE_"
                   "DETECTION_TIME\":\"7.5\"}}]",
                   "modify", "cluster", "HEARTBEAT_FREQUENCY=10", "GRACE_PERIOD=5",
                   "NETWORK_FAILURE_DETECTION_TIME=7.5");
        EXPECT_REQ("[{\"op\":\"modify\",\"class\":\"rg\",\"name\":\"web_rg\",\"attrs\":{"
                   "\"fallback\":\"NFB\"}}]",
                   "ch", "rg", "web_rg", "fallback=NFB");
        EXPECT_REQ("[{\"op\":\"modify\",\"class\":\"node\",\"name\":\"n1\",\"attrs\":{\"COMMPATH\":"
                   "\"10.0.0.1\"}}]",
                   "set", "node", "n1", "COMMPATH=10.0.0.1");
        EXPECT_REQ(
            "[{\"op\":\"modify\",\"class\":\"node\",\"name\":\"n1\",\"attrs\":{\"A\":\"b=c\"}}]",
            "change", "node", "n1", "A=b=c");
        EXPECT_REQ(
            "[{\"op\":\"modify\",\"class\":\"node\",\"name\":\"n1\",\"attrs\":{\"A\":\"1\"}}]",
            "mod", "node", "n1", "A=1");
        EXPECT_REQ("[{\"op\":\"delete\",\"class\":\"rg\",\"name\":\"web_rg\"}]", "rm", "rg",
                   "web_rg");
        EXPECT_REQ("[{\"op\":\"delete\",\"class\":\"rg\",\"name\":\"web_rg\"}]", "delete", "rg",
                   "web_rg");
        EXPECT_REQ("[{\"op\":\"delete\",\"class\":\"rg\",\"name\":\"web_rg\"}]", "de", "rg",
                   "web_rg");
        EXPECT_REQ("[{\"op\":\"delete\",\"class\":\"rg\",\"name\":\"web_rg\"}]", "erase", "rg",
                   "web_rg");
        EXPECT_REQ("[{\"op\":\"delete\",\"class\":\"rg\",\"name\":\"web_rg\"}]", "remove", "rg",
                   "web_rg");
        EXPECT_REQ("[{\"op\":\"delete\",\"class\":\"rg\",\"name\":\"web_rg\"}]", "REM", "rg",
                   "web_rg");
        EXPECT_REQ("[{\"op\":\"delete\",\"class\":\"cluster\",\"name\":null}]", "delete",
                   "cluster");
        EXPECT_ERR(4, "NODES", "delete", "cluster", "NODES=ALL");
}

static void test_sync_verify(void **state)
{
        struct cli_cmd c;

        (void)state;
        EXPECT_REQ("[{\"op\":\"sync\"}]", "sync", "cluster");
        EXPECT_REQ("[{\"op\":\"sync\"}]", "sy", "CL");
        EXPECT_REQ("[{\"op\":\"verify\"}]", "ve", "cluster");
        EXPECT_REQ("[{\"op\":\"verify\"}]", "verify", "cluster");
        assert_int_equal(PARSE(&c, "sync", "cluster"), 0);
        assert_int_equal(c.show, CLI_SHOW_SYNC);
        cli_cmd_clear(&c);
        EXPECT_ERR(4, "FIX", "sync", "cluster", "FIX=yes");
        EXPECT_ERR(4, "node", "sync", "node");
}

static void test_start(void **state)
{
        struct cli_cmd c;

        (void)state;
        assert_int_equal(PARSE(&c, "online", "cluster"), 0);
        expect_json(c.requests,
                    "[{\"op\":\"start\",\"nodes\":null,\"home_only\":false,\"when\":\"now\"}]");
        assert_int_equal(c.wait.kind, CLI_WAIT_START);
        assert_null(c.wait.names);
        assert_int_equal(c.wait.timeout_usec, CLI_DEFAULT_TIMEOUT_USEC);
        assert_int_equal(c.show, CLI_SHOW_NONE);
        cli_cmd_clear(&c);
        EXPECT_REQ("[{\"op\":\"start\",\"nodes\":null,\"home_only\":true,\"when\":\"now\"}]",
                   "start", "cluster", "-o", "home");
        EXPECT_REQ("[{\"op\":\"start\",\"nodes\":null,\"home_only\":true,\"when\":\"now\"}]",
                   "start", "-o", "home", "cluster");
        EXPECT_REQ("[{\"op\":\"start\",\"nodes\":null,\"home_only\":true,\"when\":\"now\"}]", "-o",
                   "HOME", "start", "cluster");
        EXPECT_REQ("[{\"op\":\"start\",\"nodes\":null,\"home_only\":false,\"when\":\"now\"}]",
                   "online", "cluster", "WHEN=now", "MANAGE=auto");
        EXPECT_REQ("[{\"op\":\"start\",\"nodes\":null,\"home_only\":false,\"when\":\"now\"}]", "on",
                   "c", "when=NOW", "man=auto");
        assert_int_equal(PARSE(&c, "start", "node", "n1,n2", "TIMEOUT=30"), 0);
        expect_json(
            c.requests,
            "[{\"op\":\"start\",\"nodes\":[\"n1\",\"n2\"],\"home_only\":false,\"when\":\"now\"}]");
        expect_json(c.wait.names, "[\"n1\",\"n2\"]");
        assert_int_equal(c.wait.timeout_usec, 30 * USEC_PER_SEC);
        cli_cmd_clear(&c);
        assert_int_equal(PARSE(&c, "start", "cluster", "timeout=0.5"), 0);
        assert_int_equal(c.wait.timeout_usec, USEC_PER_SEC / 2);
        cli_cmd_clear(&c);
        EXPECT_ERR(3, "node name is required", "online", "node");
        EXPECT_ERR(4, "MANAGE=manual", "online", "cluster", "MANAGE=manual");
        EXPECT_ERR(4, "WHEN=reboot", "online", "cluster", "WHEN=reboot");
        /* WHEN=restart: recorded on the nodes, waits for that only */
        assert_int_equal(PARSE(&c, "start", "node", "n2", "WHEN=restart"), 0);
        expect_json(
            c.requests,
            "[{\"op\":\"start\",\"nodes\":[\"n2\"],\"home_only\":false,\"when\":\"restart\"}]");
        assert_int_equal(c.wait.kind, CLI_WAIT_BOOT_ON);
        cli_cmd_clear(&c);
        assert_int_equal(PARSE(&c, "start", "cluster", "when=Both"), 0);
        expect_json(c.requests,
                    "[{\"op\":\"start\",\"nodes\":null,\"home_only\":false,\"when\":\"both\"}]");
        assert_int_equal(c.wait.kind, CLI_WAIT_START);
        cli_cmd_clear(&c);
        assert_int_equal(PARSE(&c, "stop", "node", "n1", "WHEN=restart"), 0);
        assert_int_equal(c.wait.kind, CLI_WAIT_BOOT_OFF);
        cli_cmd_clear(&c);
        EXPECT_ERR(4, "-o away", "start", "cluster", "-o", "away");
        EXPECT_ERR(4, "TIMEOUT=abc", "start", "cluster", "TIMEOUT=abc");
        EXPECT_ERR(4, "FORCE", "start", "cluster", "FORCE=true");
        EXPECT_ERR(4, "demo", "start", "cluster", "demo");
        EXPECT_ERR(4, "-m", "start", "cluster", "-m", "graceful");
        EXPECT_ERR(4, "site", "online", "site", "s1");
}

static void test_stop(void **state)
{
        struct cli_cmd c;

        (void)state;
        assert_int_equal(PARSE(&c, "offline", "cluster"), 0);
        expect_json(c.requests,
                    "[{\"op\":\"stop\",\"nodes\":null,\"manage\":\"offline\",\"when\":\"now\"}]");
        assert_int_equal(c.wait.kind, CLI_WAIT_STOP);
        cli_cmd_clear(&c);
        EXPECT_REQ("[{\"op\":\"stop\",\"nodes\":null,\"manage\":\"offline\",\"when\":\"now\"}]",
                   "stop", "cluster", "-m", "graceful");
        EXPECT_REQ("[{\"op\":\"stop\",\"nodes\":null,\"manage\":\"move\",\"when\":\"now\"}]",
                   "stop", "cluster", "-m", "takeover");
        EXPECT_REQ("[{\"op\":\"stop\",\"nodes\":null,\"manage\":\"unmanage\",\"when\":\"now\"}]",
                   "stop", "cluster", "-mforced");
        EXPECT_REQ("[{\"op\":\"stop\",\"nodes\":null,\"manage\":\"move\",\"when\":\"now\"}]",
                   "offline", "cluster", "MANAGE=move");
        EXPECT_REQ("[{\"op\":\"stop\",\"nodes\":null,\"manage\":\"move\",\"when\":\"now\"}]", "off",
                   "cluster", "MANAGE=move", "-m", "takeover");
        EXPECT_REQ(
            "[{\"op\":\"stop\",\"nodes\":[\"n2\"],\"manage\":\"unmanage\",\"when\":\"now\"}]",
            "off", "node", "n2", "MANAGE=unmanage");
        assert_int_equal(PARSE(&c, "stop", "node", "n1,n3", "-m", "offline"), 0);
        expect_json(c.requests, "[{\"op\":\"stop\",\"nodes\":[\"n1\",\"n3\"],\"manage\":"
                                "\"offline\",\"when\":\"now\"}]");
        expect_json(c.wait.names, "[\"n1\",\"n3\"]");
        cli_cmd_clear(&c);
        EXPECT_ERR(4, "bogus", "stop", "cluster", "-m", "bogus");
        EXPECT_ERR(4, "conflicts", "stop", "cluster", "MANAGE=move", "-m", "forced");
        EXPECT_ERR(4, "-o", "stop", "cluster", "-o", "home");
        EXPECT_ERR(3, "-m requires a value", "stop", "cluster", "-m");
}

static void test_rg_runtime(void **state)
{
        struct cli_cmd c;

        (void)state;
        assert_int_equal(PARSE(&c, "online", "rg", "web_rg"), 0);
        expect_json(c.requests, "[{\"op\":\"rg_online\",\"groups\":[\"web_rg\"],\"node\":null}]");
        assert_int_equal(c.wait.kind, CLI_WAIT_RG_ONLINE);
        assert_null(c.wait.node);
        cli_cmd_clear(&c);
        assert_int_equal(PARSE(&c, "online", "resource_group", "web_rg,db_rg", "NODE=n2"), 0);
        expect_json(c.requests,
                    "[{\"op\":\"rg_online\",\"groups\":[\"web_rg\",\"db_rg\"],\"node\":\"n2\"}]");
        expect_json(c.wait.names, "[\"web_rg\",\"db_rg\"]");
        assert_string_equal(c.wait.node, "n2");
        cli_cmd_clear(&c);
        EXPECT_REQ("[{\"op\":\"rg_online\",\"groups\":[\"web\"],\"node\":\"n3\"}]", "on",
                   "RESOURCE", "web", "NODES=n3");
        EXPECT_REQ("[{\"op\":\"rg_online\",\"groups\":[\"web\"],\"node\":null}]", "start", "res",
                   "web", "NODES=ALL");
        EXPECT_ERR(4, "only one node", "online", "rg", "web", "NODES=n1,n2");
        EXPECT_ERR(3, "resource group name is required", "online", "rg");
        assert_int_equal(PARSE(&c, "offline", "rg", "web_rg"), 0);
        expect_json(c.requests, "[{\"op\":\"rg_offline\",\"groups\":[\"web_rg\"]}]");
        assert_int_equal(c.wait.kind, CLI_WAIT_RG_OFFLINE);
        cli_cmd_clear(&c);
        EXPECT_REQ("[{\"op\":\"rg_offline\",\"groups\":[\"a\",\"b\"]}]", "stop", "rg", "a,b",
                   "NODES=all");
        /* offline on one node: a concurrent group's instance (the
         * coordinator refuses it for the others) */
        EXPECT_REQ("[{\"op\":\"rg_offline\",\"groups\":[\"web\"],\"node\":\"n1\"}]", "offline",
                   "rg", "web", "NODE=n1");

        assert_int_equal(PARSE(&c, "mv", "rg", "web_rg", "NODE=n2"), 0);
        expect_json(c.requests, "[{\"op\":\"rg_move\",\"groups\":[\"web_rg\"],\"node\":\"n2\"}]");
        assert_int_equal(c.wait.kind, CLI_WAIT_RG_MOVE);
        assert_string_equal(c.wait.node, "n2");
        cli_cmd_clear(&c);
        EXPECT_REQ("[{\"op\":\"rg_move\",\"groups\":[\"web_rg\"],\"node\":\"n2\"}]", "MoVe",
                   "RESource_GroUp", "web_rg", "nODe=n2");
        EXPECT_REQ("[{\"op\":\"rg_move\",\"groups\":[\"w\"],\"node\":\"n1\"}]", "mo", "rg", "w",
                   "NOD=n1", "TIMEOUT=5");
        assert_int_equal(PARSE(&c, "move", "rg", "web_rg"), -EINVAL);
        assert_int_equal(c.rc, 3);
        assert_string_equal(c.error, "move resource_group: NODE=<node> is required");
        assert_int_equal(json_array_size(c.requests), 0);
        cli_cmd_clear(&c);
        EXPECT_ERR(4, "node", "move", "node", "n1", "NODE=n2");
        EXPECT_ERR(4, "SITE", "move", "rg", "web", "SITE=s2");
}

static void test_runbook_short_forms(void **state)
{
        struct cli_cmd c;

        (void)state;
        assert_int_equal(PARSE(&c, "set", "failover", "-g", "web_rg", "-m", "next"), 0);
        expect_json(c.requests,
                    "[{\"op\":\"modify\",\"class\":\"resource_group\",\"name\":\"web_rg\","
                    "\"attrs\":{\"FALLOVER\":\"FNPN\"}},{\"op\":\"sync\"}]");
        assert_int_equal(c.show, CLI_SHOW_SYNC);
        assert_int_equal(c.wait.kind, CLI_WAIT_NONE);
        cli_cmd_clear(&c);
        EXPECT_REQ("[{\"op\":\"modify\",\"class\":\"resource_group\",\"name\":\"web_rg\","
                   "\"attrs\":{\"FALLBACK\":\"NFB\"}},{\"op\":\"sync\"}]",
                   "set", "fallback", "-g", "web_rg", "-m", "never");
        EXPECT_REQ("[{\"op\":\"modify\",\"class\":\"resource_group\",\"name\":\"web_rg\","
                   "\"attrs\":{\"FALLBACK\":\"FBHPN\"}},{\"op\":\"sync\"}]",
                   "set", "fallback", "-g", "web_rg", "-m", "higher");
        EXPECT_REQ("[{\"op\":\"modify\",\"class\":\"resource_group\",\"name\":\"web_rg\","
                   "\"attrs\":{\"FALLBACK\":\"FBHPN\"}},{\"op\":\"sync\"}]",
                   "modify", "FallBack", "-m", "home", "-g", "web_rg");
        /* several groups: one request, staged all-or-nothing by the daemon */
        EXPECT_REQ("[{\"op\":\"modify\",\"class\":\"resource_group\",\"names\":[\"a\",\"b\"],"
                   "\"attrs\":{\"FALLOVER\":\"FNPN\"}},"
                   "{\"op\":\"sync\"}]",
                   "set", "failover", "-g", "a,b", "-m", "next");
        EXPECT_REQ("[{\"op\":\"modify\",\"class\":\"resource_group\",\"names\":[\"a\",\"b\",\"c\"],"
                   "\"attrs\":{\"FALLBACK\":\"NFB\"}},"
                   "{\"op\":\"sync\"}]",
                   "modify", "fallback", "-g", "a,b,c", "-m", "never");
        /* The other runbook forms. */
        EXPECT_REQ("[{\"op\":\"stop\",\"nodes\":null,\"manage\":\"offline\",\"when\":\"now\"}]",
                   "stop", "cluster", "-m", "graceful");
        EXPECT_REQ("[{\"op\":\"start\",\"nodes\":null,\"home_only\":true,\"when\":\"now\"}]",
                   "start", "cluster", "-o", "home");
        EXPECT_ERR(3, "-g", "set", "failover", "-m", "next");
        EXPECT_ERR(3, "-m", "set", "fallback", "-g", "web_rg");
        EXPECT_ERR(4, "sideways", "set", "fallback", "-g", "web_rg", "-m", "sideways");
        EXPECT_ERR(4, "-m", "modify", "rg", "web_rg", "-m", "next");
}

static void test_errors(void **state)
{
        struct cli_cmd c;

        (void)state;
        assert_int_equal(PARSE(&c, "frobnicate", "cluster"), -EINVAL);
        assert_int_equal(c.rc, 4);
        assert_non_null(strstr(c.error, "frobnicate"));
        assert_int_equal(json_array_size(c.requests), 0);
        cli_cmd_clear(&c);
        EXPECT_ERR(4, "'NODES'", "add", "rg", "web_rg", "NODES");
        EXPECT_ERR(4, "'=n1'", "add", "rg", "web_rg", "=n1");
        EXPECT_ERR(4, "'extra'", "query", "rg", "web_rg", "extra");
        EXPECT_ERR(4, "ambiguous action 'st'", "st", "cluster");
        EXPECT_ERR(4, "-x", "-x", "query", "rg");
        EXPECT_ERR(4, "-q", "-q", "query", "rg");
        EXPECT_ERR(3, "-d", "query", "rg", "-d");
        EXPECT_ERR(4, "log", "view", "log", "hacmp.log");
}

static void test_flags(void **state)
{
        struct cli_cmd c;

        (void)state;
        assert_int_equal(PARSE(&c, "-c", "query", "node"), 0);
        assert_int_equal(c.opts.format, CLI_FMT_DELIM);
        assert_string_equal(c.opts.delim, ":");
        assert_false(c.opts.no_header);
        cli_cmd_clear(&c);
        assert_int_equal(PARSE(&c, "-d", "|", "-S", "query", "node"), 0);
        assert_string_equal(c.opts.delim, "|");
        assert_true(c.opts.no_header);
        cli_cmd_clear(&c);
        assert_int_equal(PARSE(&c, "-cS", "-d,", "q", "node"), 0);
        assert_string_equal(c.opts.delim, ",");
        assert_true(c.opts.no_header);
        cli_cmd_clear(&c);
        assert_int_equal(PARSE(&c, "-j", "-v", "-T", "42", "-a", "NAME,state", "q", "rg", "web"),
                         0);
        assert_int_equal(c.opts.format, CLI_FMT_JSON);
        assert_true(c.opts.verbose);
        assert_string_equal(c.opts.trans_id, "42");
        assert_string_equal(c.opts.attrs[0], "NAME");
        assert_string_equal(c.opts.attrs[1], "state");
        assert_null(c.opts.attrs[2]);
        cli_cmd_clear(&c);
        /* Output flags after the class are accepted too. */
        assert_int_equal(PARSE(&c, "query", "rg", "-j"), 0);
        assert_int_equal(c.opts.format, CLI_FMT_JSON);
        cli_cmd_clear(&c);
        /* "--" ends the flags. */
        EXPECT_REQ("[{\"op\":\"query\",\"class\":\"node\",\"name\":\"-odd\"}]", "query", "node",
                   "--", "-odd");
}

static void test_status_forms(void **state)
{
        struct cli_cmd c;
        const char *rginfo[] = {"/usr/sbin/clRGinfo", "-s", "web_rg", NULL};

        (void)state;
        assert_int_equal(PARSE(&c, "status"), 0);
        expect_json(c.requests, "[{\"op\":\"status\"}]");
        assert_int_equal(c.show, CLI_SHOW_STATUS);
        assert_null(c.group_filter);
        cli_cmd_clear(&c);
        EXPECT_REQ("[{\"op\":\"status\"}]", "view", "status");
        EXPECT_REQ("[{\"op\":\"status\"}]", "VI", "stat");
        EXPECT_REQ("[{\"op\":\"status\"}]", "stat");
        assert_int_equal(parse_args(&c, rginfo), 0);
        assert_int_equal(c.kind, CLI_KIND_RUN);
        expect_json(c.requests, "[{\"op\":\"status\"}]");
        assert_int_equal(c.opts.format, CLI_FMT_DELIM);
        expect_json(c.group_filter, "[\"web_rg\"]");
        assert_false(c.opts.show_pol);
        cli_cmd_clear(&c);
        {
                const char *pol[] = {"clRGinfo", "-p", NULL};
                const char *tm[] = {"clRGinfo", "-t", NULL};
                const char *mon[] = {"clRGinfo", "-m", "-s", "web_rg", NULL};
                const char *cm[] = {"clmgr", "-m", "status", NULL};
                assert_int_equal(parse_args(&c, mon), 0);
                assert_true(c.opts.show_monitors);
                assert_int_equal(c.opts.format, CLI_FMT_DELIM);
                expect_json(c.group_filter, "[\"web_rg\"]");
                cli_cmd_clear(&c);
                /* clmgr's -m takes a value (runbook policies), not -m alone */
                assert_int_equal(parse_args(&c, cm), 0);
                assert_false(c.opts.show_monitors);
                cli_cmd_clear(&c);
                assert_int_equal(parse_args(&c, pol), 0);
                assert_true(c.opts.show_pol);
                assert_false(c.opts.show_timers);
                cli_cmd_clear(&c);
                assert_int_equal(parse_args(&c, tm), 0);
                assert_true(c.opts.show_timers);
                expect_json(c.requests, "[{\"op\":\"status\"}]");
                cli_cmd_clear(&c);
        }
        rginfo[1] = "-h";
        assert_int_equal(parse_args(&c, rginfo), 0);
        assert_int_equal(c.kind, CLI_KIND_HELP);
        cli_cmd_clear(&c);
}

/* ---- wait conditions ---- */

static json_t *load(const char *text)
{
        json_error_t err;
        json_t *j = json_loads(text, 0, &err);

        if (!j)
                fail_msg("bad JSON: %s", err.text);
        return j;
}

static enum cli_wait_result check(struct cli_wait *w, const char *status, char **ret_text)
{
        json_t *st = load(status);
        enum cli_wait_result r = cli_wait_check(w, st, ret_text);

        json_decref(st);
        return r;
}

#define CL(state) "\"cluster\":{\"NAME\":\"demo\",\"STATE\":\"" state "\"}"

static void test_wait_start_stop(void **state)
{
        struct cli_cmd c;
        char *t;

        (void)state;
        assert_int_equal(PARSE(&c, "start", "cluster"), 0);
        assert_int_equal(
            check(&c.wait,
                  "{" CL("STABLE") ",\"nodes\":[{\"NAME\":\"n1\",\"STATE\":\"ONLINE\"},"
                                   "{\"NAME\":\"n2\",\"STATE\":\"ONLINE\"}],\"groups\":[]}",
                  &t),
            CLI_WAIT_DONE);
        assert_string_equal(t, "cluster services are ONLINE on n1 n2; cluster \"demo\" is STABLE");
        free(t);
        assert_int_equal(
            check(&c.wait,
                  "{" CL("UNSTABLE") ",\"nodes\":[{\"NAME\":\"n1\",\"STATE\":\"ONLINE\"},"
                                     "{\"NAME\":\"n2\",\"STATE\":\"OFFLINE\"}]}",
                  &t),
            CLI_WAIT_PENDING);
        assert_non_null(strstr(t, "node n2 is OFFLINE"));
        assert_non_null(strstr(t, "cluster \"demo\" is UNSTABLE"));
        free(t);
        /* All nodes: an unreachable node cannot be started and is reported, not waited for. */
        assert_int_equal(
            check(&c.wait,
                  "{" CL("STABLE") ",\"nodes\":[{\"NAME\":\"n1\",\"STATE\":\"ONLINE\"},"
                                   "{\"NAME\":\"n3\",\"STATE\":\"DOWN\"}]}",
                  &t),
            CLI_WAIT_DONE);
        assert_non_null(strstr(t, "DOWN, not started: n3"));
        free(t);
        cli_cmd_clear(&c);

        assert_int_equal(PARSE(&c, "start", "node", "n2"), 0);
        assert_int_equal(
            check(&c.wait,
                  "{" CL("STABLE") ",\"nodes\":[{\"NAME\":\"n1\",\"STATE\":\"ONLINE\"},"
                                   "{\"NAME\":\"n2\",\"STATE\":\"DOWN\"}]}",
                  &t),
            CLI_WAIT_PENDING);
        free(t);
        cli_cmd_clear(&c);

        assert_int_equal(PARSE(&c, "stop", "cluster"), 0);
        assert_int_equal(
            check(&c.wait,
                  "{" CL("OFFLINE") ",\"nodes\":[{\"NAME\":\"n1\",\"STATE\":\"OFFLINE\"},"
                                    "{\"NAME\":\"n2\",\"STATE\":\"UNMANAGED\"},{\"NAME\":\"n3\","
                                    "\"STATE\":\"DOWN\"}]}",
                  &t),
            CLI_WAIT_DONE);
        assert_string_equal(
            t, "cluster services are stopped on n1 (OFFLINE) n2 (UNMANAGED) n3 (DOWN); "
               "cluster \"demo\" is OFFLINE");
        free(t);
        assert_int_equal(
            check(&c.wait,
                  "{" CL("UNSTABLE") ",\"nodes\":[{\"NAME\":\"n1\",\"STATE\":\"STOPPING\"}]}", &t),
            CLI_WAIT_PENDING);
        assert_non_null(strstr(t, "node n1 is STOPPING"));
        free(t);
        t = cli_wait_goal(&c.wait);
        assert_non_null(strstr(t, "all nodes"));
        free(t);
        cli_cmd_clear(&c);
}

/* manage application_controller suspend|resume: the request, the wait on
 * the cluster's MONITOR_SUSPENDED list, and bad input. */
static void test_app_manage(void **state)
{
        struct cli_cmd c;
        char *t;

        (void)state;
        assert_int_equal(PARSE(&c, "manage", "application_controller", "suspend", "web"), 0);
        expect_json(c.requests, "[{\"op\":\"app_suspend\",\"applications\":[\"web\"]}]");
        assert_int_equal(c.wait.kind, CLI_WAIT_SUSPEND);
        expect_json(c.wait.names, "[\"web\"]");
        assert_int_equal(check(&c.wait, "{\"cluster\":{\"MONITOR_SUSPENDED\":[]}}", &t),
                         CLI_WAIT_PENDING);
        assert_string_equal(t, "application_controller web: monitoring not suspended yet");
        free(t);
        assert_int_equal(
            check(&c.wait, "{\"cluster\":{\"MONITOR_SUSPENDED\":[\"db\",\"web\"]}}", &t),
            CLI_WAIT_DONE);
        assert_string_equal(t, "application_controller web: monitoring suspended");
        free(t);
        cli_cmd_clear(&c);
        EXPECT_REQ("[{\"op\":\"app_resume\",\"applications\":[\"web\",\"db\"]}]", "manage", "ac",
                   "RESUME", "web,db", "TIMEOUT=5");
        assert_int_equal(PARSE(&c, "manage", "app", "resume", "web"), 0);
        assert_int_equal(c.wait.kind, CLI_WAIT_RESUME);
        assert_int_equal(check(&c.wait, "{\"cluster\":{\"MONITOR_SUSPENDED\":[\"web\"]}}", &t),
                         CLI_WAIT_PENDING);
        free(t);
        assert_int_equal(check(&c.wait, "{\"cluster\":{\"MONITOR_SUSPENDED\":[]}}", &t),
                         CLI_WAIT_DONE);
        free(t);
        cli_cmd_clear(&c);
        /* ALL: every monitored controller; resume waits for an empty list */
        assert_int_equal(PARSE(&c, "manage", "application_controller", "resume", "ALL"), 0);
        expect_json(c.requests, "[{\"op\":\"app_resume\",\"applications\":[\"ALL\"]}]");
        assert_null(c.wait.names);
        assert_int_equal(check(&c.wait, "{\"cluster\":{\"MONITOR_SUSPENDED\":[\"x\"]}}", &t),
                         CLI_WAIT_PENDING);
        free(t);
        cli_cmd_clear(&c);
        assert_int_equal(PARSE(&c, "manage", "ac", "-h"), 0);
        assert_int_equal(c.kind, CLI_KIND_HELP);
        {
                char *text = NULL;
                size_t len;
                FILE *f = open_memstream(&text, &len);
                cli_output_usage(f, &c);
                fclose(f);
                assert_non_null(strstr(text, "usage: clmgr manage application_controller "
                                             "{suspend|resume} <AC>[,<AC>...]|ALL"));
                free(text);
        }
        cli_cmd_clear(&c);
        EXPECT_ERR(4, "expected 'suspend' or 'resume', got stop", "manage", "ac", "stop", "web");
        EXPECT_ERR(3, "an application controller name (or ALL) is required", "manage",
                   "application_controller", "suspend");
        EXPECT_ERR(4, "attribute 'NODE' is not supported (allowed: TIMEOUT)", "manage", "ac",
                   "suspend", "web", "NODE=n1");
        EXPECT_ERR(4, "TIMEOUT=x: expected a number of seconds", "manage", "ac", "suspend", "web",
                   "TIMEOUT=x");
        EXPECT_ERR(4,
                   "manage: class 'rg' is not supported (allowed: application_controller, "
                   "snapshot)",
                   "manage", "rg", "suspend", "web");
}

#define GROUP(state, cur, nodes, err)                                                              \
        "{" CL("STABLE") ",\"nodes\":[],\"groups\":[{\"NAME\":\"web_rg\",\"STATE\":\"" state "\"," \
                         "\"CURRENT_NODE\":\"" cur "\",\"TARGET\":\"\",\"NODES\":{" nodes          \
                         "},\"ERROR\":\"" err "\"}]}"

#define CGROUP(state, cur, target, nodes)                                                          \
        "{" CL("STABLE") ",\"nodes\":[],\"groups\":[{\"NAME\":\"c\",\"CONCURRENT\":true,"          \
                         "\"STATE\":\"" state "\",\"CURRENT_NODE\":\"" cur                         \
                         "\",\"TARGET\":\"" target "\",\"NODES\":{" nodes                          \
                         "},\"ERRORS\":{\"n2\":\"exit 1\"}}]}"

/* A concurrent group: waits per instance. */
static void test_wait_concurrent(void **state)
{
        struct cli_cmd c;
        char *t;

        (void)state;
        assert_int_equal(PARSE(&c, "online", "rg", "c"), 0);
        assert_int_equal(
            check(&c.wait,
                  CGROUP("ONLINE", "n1", "n1 n2", "\"n1\":\"ONLINE\",\"n2\":\"ACQUIRING\""), &t),
            CLI_WAIT_PENDING);
        free(t);
        assert_int_equal(
            check(&c.wait,
                  CGROUP("ONLINE", "n1 n2", "n1 n2", "\"n1\":\"ONLINE\",\"n2\":\"ONLINE\""), &t),
            CLI_WAIT_DONE);
        assert_string_equal(t, "resource_group \"c\" is ONLINE on n1 n2");
        free(t);
        cli_cmd_clear(&c);
        assert_int_equal(PARSE(&c, "online", "rg", "c", "NODE=n2"), 0);
        assert_int_equal(
            check(&c.wait, CGROUP("ONLINE", "n1", "n1", "\"n1\":\"ONLINE\",\"n2\":\"ERROR\""), &t),
            CLI_WAIT_FAILED);
        assert_string_equal(t, "resource_group c: ERROR on n2: exit 1");
        free(t);
        cli_cmd_clear(&c);
        assert_int_equal(PARSE(&c, "offline", "rg", "c", "NODE=n1"), 0);
        assert_int_equal(
            check(&c.wait,
                  CGROUP("ONLINE", "n1 n2", "n2", "\"n1\":\"RELEASING\",\"n2\":\"ONLINE\""), &t),
            CLI_WAIT_PENDING);
        free(t);
        assert_int_equal(check(&c.wait,
                               CGROUP("ONLINE", "n2", "n2", "\"n1\":\"OFFLINE\",\"n2\":\"ONLINE\""),
                               &t),
                         CLI_WAIT_DONE);
        free(t);
        cli_cmd_clear(&c);
}

static void test_wait_groups(void **state)
{
        struct cli_cmd c;
        char *t;

        (void)state;
        assert_int_equal(PARSE(&c, "online", "rg", "web_rg"), 0);
        assert_int_equal(
            check(&c.wait, GROUP("ONLINE", "n1", "\"n1\":\"ONLINE\",\"n2\":\"OFFLINE\"", ""), &t),
            CLI_WAIT_DONE);
        assert_string_equal(t, "resource_group \"web_rg\" is ONLINE on n1");
        free(t);
        assert_int_equal(check(&c.wait, GROUP("ACQUIRING", "n1", "\"n1\":\"ACQUIRING\"", ""), &t),
                         CLI_WAIT_PENDING);
        assert_non_null(strstr(t, "ACQUIRING on n1"));
        free(t);
        assert_int_equal(check(&c.wait,
                               GROUP("ERROR", "", "\"n1\":\"ERROR\",\"n2\":\"OFFLINE\"",
                                     "start script exited 1"),
                               &t),
                         CLI_WAIT_FAILED);
        assert_string_equal(t, "resource_group web_rg: ERROR on n1: start script exited 1");
        free(t);
        cli_cmd_clear(&c);

        /* An ERROR seen before the request is not the answer until the group changed. */
        assert_int_equal(PARSE(&c, "online", "rg", "web_rg", "NODE=n2"), 0);
        {
                json_t *before = load(GROUP("ERROR", "", "\"n1\":\"ERROR\"", "old"));
                cli_wait_prime(&c.wait, before);
                json_decref(before);
        }
        assert_int_equal(check(&c.wait, GROUP("ERROR", "", "\"n1\":\"ERROR\"", "old"), &t),
                         CLI_WAIT_PENDING);
        free(t);
        assert_int_equal(check(&c.wait, GROUP("ONLINE", "n1", "\"n1\":\"ONLINE\"", ""), &t),
                         CLI_WAIT_PENDING);
        assert_non_null(strstr(t, "want ONLINE on n2"));
        free(t);
        assert_int_equal(check(&c.wait, GROUP("ERROR", "", "\"n2\":\"ERROR\"", "new"), &t),
                         CLI_WAIT_FAILED);
        assert_string_equal(t, "resource_group web_rg: ERROR on n2: new");
        free(t);
        cli_cmd_clear(&c);

        assert_int_equal(PARSE(&c, "move", "rg", "web_rg", "NODE=n2"), 0);
        assert_int_equal(check(&c.wait, GROUP("ONLINE", "n1", "\"n1\":\"ONLINE\"", ""), &t),
                         CLI_WAIT_PENDING);
        free(t);
        assert_int_equal(
            check(&c.wait, GROUP("ONLINE", "n2", "\"n1\":\"OFFLINE\",\"n2\":\"ONLINE\"", ""), &t),
            CLI_WAIT_DONE);
        assert_string_equal(t, "resource_group \"web_rg\" is ONLINE on n2");
        free(t);
        t = cli_wait_goal(&c.wait);
        assert_string_equal(t, "resource_group web_rg to be ONLINE on n2");
        free(t);
        cli_cmd_clear(&c);

        assert_int_equal(PARSE(&c, "offline", "rg", "web_rg"), 0);
        assert_int_equal(check(&c.wait, GROUP("RELEASING", "n1", "\"n1\":\"RELEASING\"", ""), &t),
                         CLI_WAIT_PENDING);
        free(t);
        assert_int_equal(check(&c.wait, GROUP("OFFLINE", "", "\"n1\":\"OFFLINE\"", ""), &t),
                         CLI_WAIT_DONE);
        assert_string_equal(t, "resource_group \"web_rg\" is OFFLINE");
        free(t);
        cli_cmd_clear(&c);
}

/* ---- output ---- */

static const char *const status_json =
    "{\"ok\":true,\"cluster\":{\"NAME\":\"demo\",\"STATE\":\"STABLE\",\"GENERATION\":3,"
    "\"COORDINATOR\":\"n1\",\"VIEW\":7,\"MEMBERS\":[\"n1\",\"n2\",\"n3\"],\"QUORUM\":true,\"LOCAL_"
    "NODE\":\"n2\"},"
    "\"nodes\":[{\"NAME\":\"n1\",\"STATE\":\"OFFLINE\",\"REACHABLE\":true,\"PATHS\":\"net,disk\","
    "\"NETWORK\":\"UP\",\"REPOSITORY\":\"UP\",\"DAEMON\":\"UP\",\"WATCHDOG\":\"softdog "
    "(armed)\",\"NETMON\":\"REACHED\"},"
    "{\"NAME\":\"n2\",\"STATE\":\"ONLINE\",\"REACHABLE\":true,\"PATHS\":\"disk\","
    "\"DAEMON\":\"UP\",\"WATCHDOG\":\"hardware (armed)\",\"START_ON_RESTART\":true,"
    "\"NETMON\":\"UNREACHED\","
    "\"NETWORK\":\"DOWN (no carrier)\",\"REPOSITORY\":\"UP\"},"
    "{\"NAME\":\"n3\",\"STATE\":\"DOWN\",\"REACHABLE\":false,\"PATHS\":\"\"}],"
    "\"groups\":[{\"NAME\":\"web_rg\",\"STATE\":\"ONLINE\",\"CURRENT_NODE\":\"n1\",\"TARGET\":"
    "\"n1\","
    "\"NODES\":{\"n1\":\"ONLINE\",\"n2\":\"OFFLINE\",\"n3\":\"OFFLINE\"},\"ERROR\":\"\"},"
    "{\"NAME\":\"db_rg\",\"STATE\":\"ERROR\",\"CURRENT_NODE\":\"\",\"TARGET\":\"n2\","
    "\"NODES\":{\"n2\":\"ERROR\",\"n1\":\"OFFLINE\"},\"ERROR\":\"start script exited 1\"}]}";

/* Runs fn on a memstream and returns the text (malloc'd). */
#define CAPTURE(text, call)                                                                        \
        do {                                                                                       \
                size_t len_;                                                                       \
                FILE *f = open_memstream(&(text), &len_);                                          \
                assert_non_null(f);                                                                \
                assert_int_equal((call), 0);                                                       \
                fclose(f);                                                                         \
        } while (0)

static void test_output_status(void **state)
{
        struct cli_opts o = {0};
        json_t *st = load(status_json), *back;
        char *text = NULL;

        (void)state;
        CAPTURE(text, cli_output_status(f, &o, st, NULL));
        assert_string_equal(
            text,
            "Cluster: demo  State: STABLE  Coordinator: n1  View: 7  Members: n1 n2 n3  "
            "Quorum: yes\n"
            "Node     State      Daemon  Watchdog               Paths     Network              "
            "Targets    Repository\n"
            "n1       OFFLINE    up      softdog (armed)        net,disk  UP                   "
            "reached    UP\n"
            "n2       ONLINE*    up      hardware (armed)       disk      DOWN (no carrier)    "
            "UNREACHED  UP\n"
            "n3       DOWN       down    -                      -         -                    "
            "-          -\n"
            "OFFLINE with the daemon up: cluster services stopped (clmgr start node <node>)\n"
            "*: starts cluster services whenever hamrd starts (WHEN=restart)\n"
            "-----------------------------------------------------------------------------\n"
            "Group Name                     Group State                  Node\n"
            "-----------------------------------------------------------------------------\n"
            "web_rg                         ONLINE                       n1\n"
            "                               OFFLINE                      n2\n"
            "                               OFFLINE                      n3\n"
            "db_rg                          ERROR                        n2\n"
            "                               OFFLINE                      n1\n"
            "  error: start script exited 1\n");
        free(text);

        o.format = CLI_FMT_DELIM;
        o.delim = ":";
        CAPTURE(text, cli_output_status(f, &o, st, NULL));
        assert_string_equal(text, "web_rg:ONLINE:n1\nweb_rg:OFFLINE:n2\nweb_rg:OFFLINE:n3\n"
                                  "db_rg:ERROR:n2\ndb_rg:OFFLINE:n1\n");
        free(text);

        /* Group filter (clRGinfo web_rg). */
        {
                json_t *filter = load("[\"db_rg\"]");
                CAPTURE(text, cli_output_status(f, &o, st, filter));
                assert_string_equal(text, "db_rg:ERROR:n2\ndb_rg:OFFLINE:n1\n");
                free(text);
                /* clRGinfo -p: the priority override location as a 4th field */
                json_object_set_new(json_array_get(json_object_get(st, "groups"), 1),
                                    "PRIORITY_OVERRIDE", json_string("n1"));
                o.show_pol = true;
                CAPTURE(text, cli_output_status(f, &o, st, filter));
                assert_string_equal(text, "db_rg:ERROR:n2:n1\ndb_rg:OFFLINE:n1:n1\n");
                free(text);
                o.format = CLI_FMT_TEXT;
                CAPTURE(text, cli_output_status(f, &o, st, filter));
                assert_non_null(
                    strstr(text, "Priority Override Information: Primary Instance POL: n1"));
                free(text);
                o.format = CLI_FMT_DELIM;
                o.show_pol = false;
                json_object_del(json_array_get(json_object_get(st, "groups"), 1),
                                "PRIORITY_OVERRIDE");
                json_decref(filter);
        }

        /* a group a dependency holds offline: the reason under it */
        {
                json_t *copy = json_deep_copy(st);
                json_object_set_new(json_array_get(json_object_get(copy, "groups"), 0), "REASON",
                                    json_string("waiting for parent db_rg"));
                o.format = CLI_FMT_TEXT;
                CAPTURE(text, cli_output_status(f, &o, copy, NULL));
                assert_non_null(strstr(text, "                               OFFLINE               "
                                             "       n3\n  reason: waiting for parent db_rg\n"
                                             "db_rg "));
                free(text);
                CAPTURE(text, cli_output_status(f, &o, st, NULL));
                assert_null(strstr(text, "reason:"));
                free(text);
                o.format = CLI_FMT_DELIM;
                json_decref(copy);
        }

        /* clRGinfo -t: the coordinator's timers, one line per group */
        {
                json_t *filter = load("[\"web_rg\", \"db_rg\"]"), *copy = json_deep_copy(st);
                json_t *tm = load("{\"ok\":true,\"timers\":[{\"GROUP\":\"web_rg\","
                                  "\"KIND\":\"FALLBACK\",\"NODE\":\"n2\",\"AT\":"
                                  "\"2026-12-05 02:00\"},{\"GROUP\":\"db_rg\",\"KIND\":"
                                  "\"SETTLING\",\"NODE\":\"n1\",\"AT\":\"2026-12-04 12:02\"}]}");

                o.format = CLI_FMT_TEXT;
                o.show_timers = true;
                cli_status_add_timers(copy, tm, NULL);
                CAPTURE(text, cli_output_status(f, &o, copy, filter));
                assert_non_null(strstr(text, "  Timer: fallback to n2 at 2026-12-05 02:00\n"));
                assert_non_null(strstr(
                    text, "  Timer: settling until 2026-12-04 12:02 (waiting for home node n1)\n"));
                free(text);
                CAPTURE(text, cli_output_status(f, &o, st, filter));
                assert_non_null(strstr(text, "  Timer: none\n"));
                free(text);
                cli_status_add_timers(st, NULL, "the coordinator did not answer");
                CAPTURE(text, cli_output_status(f, &o, st, filter));
                assert_non_null(strstr(text, "Timers unknown: the coordinator did not answer\n"));
                free(text);
                json_object_del(st, "TIMERS_ERROR");
                o.show_timers = false;
                json_decref(tm);
                json_decref(copy);
                json_decref(filter);
        }

        /* clRGinfo -m: each application's state under its group */
        {
                json_t *copy = json_deep_copy(st);
                json_t *web = json_array_get(json_object_get(copy, "groups"), 0);
                json_t *db = json_array_get(json_object_get(copy, "groups"), 1);

                json_object_set_new(
                    web, "APPLICATIONS",
                    load("[{\"NAME\":\"webapp\",\"MONITORS\":[\"webmon\",\"procmon\"],"
                         "\"SUSPENDED\":false},{\"NAME\":\"cache\",\"MONITORS\":[],"
                         "\"SUSPENDED\":false},{\"NAME\":\"batch\",\"MONITORS\":[\"bmon\"],"
                         "\"SUSPENDED\":true}]"));
                json_object_set_new(web, "MONITOR_RESTARTS", json_integer(1));
                json_object_set_new(web, "MONITOR_FAILURE",
                                    json_string("application_monitor webmon: not running"));
                json_object_set_new(db, "APPLICATIONS",
                                    load("[{\"NAME\":\"db\",\"MONITORS\":[\"dbmon\"],"
                                         "\"SUSPENDED\":false}]"));
                o.format = CLI_FMT_TEXT;
                o.show_monitors = true;
                CAPTURE(text, cli_output_status(f, &o, copy, NULL));
                assert_string_equal(
                    text,
                    "-----------------------------------------------------------------------------"
                    "\n"
                    "Group Name               Group State    Application state          Node\n"
                    "-----------------------------------------------------------------------------"
                    "\n"
                    "web_rg                   ONLINE                                    n1\n"
                    " webapp                                 ONLINE MONITORED           monitors: "
                    "webmon,procmon\n"
                    " cache                                  ONLINE NOT MONITORED\n"
                    " batch                                  ONLINE MONITOR SUSPENDED   monitors: "
                    "bmon\n"
                    "  monitor: restarts 1; last failure: application_monitor webmon: not "
                    "running\n"
                    "db_rg                    ERROR                                     (no node)\n"
                    " db                                     ERROR                      monitors: "
                    "dbmon\n");
                free(text);
                o.format = CLI_FMT_DELIM;
                CAPTURE(text, cli_output_status(f, &o, copy, NULL));
                assert_string_equal(text, "web_rg:webapp:ONLINE MONITORED:n1\n"
                                          "web_rg:cache:ONLINE NOT MONITORED:n1\n"
                                          "web_rg:batch:ONLINE MONITOR SUSPENDED:n1\n"
                                          "db_rg:db:ERROR:\n");
                free(text);
                o.show_monitors = false;
                json_decref(copy);
        }

        o.format = CLI_FMT_JSON;
        CAPTURE(text, cli_output_status(f, &o, st, NULL));
        back = load(text);
        assert_true(json_equal(back, st));
        assert_non_null(strstr(text, "\n  \"cluster\": {")); /* pretty, two-space indent */
        json_decref(back);
        free(text);

        o.format = CLI_FMT_TEXT;
        {
                json_t *empty = load("{\"ok\":true,\"cluster\":{\"STATE\":\"NOT_CONFIGURED\"},"
                                     "\"nodes\":[],\"groups\":[]}");
                CAPTURE(text, cli_output_status(f, &o, empty, NULL));
                assert_non_null(
                    strstr(text, "Cluster: -  State: NOT_CONFIGURED  Coordinator: -  View: -  "
                                 "Members: -  Quorum: -\n"));
                free(text);
                json_decref(empty);
        }
        {
                json_t *bad = json_array();
                FILE *f = fopen("/dev/null", "w");
                assert_int_equal(cli_output_status(f, &o, bad, NULL), -EPROTO);
                fclose(f);
                json_decref(bad);
        }
        json_decref(st);
}

static const char *const query_json =
    "{\"ok\":true,\"objects\":["
    "{\"NAME\":\"web_rg\",\"NODES\":\"n1 "
    "n2\",\"STARTUP\":\"OHN\",\"ZED\":[\"a\",\"b\"],\"STATE\":\"ONLINE\",\"VIEW\":3},"
    "{\"NAME\":\"db_rg\",\"NODES\":\"n2 "
    "n1\",\"STARTUP\":\"OFAN\",\"ZED\":[],\"STATE\":\"OFFLINE\",\"VIEW\":4}]}";

static void test_output_query(void **state)
{
        struct cli_opts o = {0};
        json_t *q = load(query_json), *back;
        char *text = NULL;
        char *attrs[] = {"name", "State", NULL};

        (void)state;
        CAPTURE(text, cli_output_query(f, &o, q));
        assert_string_equal(text,
                            "NAME=\"web_rg\"\nNODES=\"n1 n2\"\nSTARTUP=\"OHN\"\nZED=\"a "
                            "b\"\nSTATE=\"ONLINE\"\nVIEW=\"3\"\n"
                            "\n"
                            "NAME=\"db_rg\"\nNODES=\"n2 "
                            "n1\"\nSTARTUP=\"OFAN\"\nZED=\"\"\nSTATE=\"OFFLINE\"\nVIEW=\"4\"\n");
        free(text);

        o.format = CLI_FMT_DELIM;
        o.delim = ":";
        CAPTURE(text, cli_output_query(f, &o, q));
        assert_string_equal(text, "#NAME:NODES:STARTUP:ZED:STATE:VIEW\n"
                                  "web_rg:n1 n2:OHN:a b:ONLINE:3\n"
                                  "db_rg:n2 n1:OFAN::OFFLINE:4\n");
        free(text);

        o.delim = "|";
        o.no_header = true;
        o.attrs = attrs;
        CAPTURE(text, cli_output_query(f, &o, q));
        assert_string_equal(text, "web_rg|ONLINE\ndb_rg|OFFLINE\n");
        free(text);

        o.format = CLI_FMT_TEXT;
        CAPTURE(text, cli_output_query(f, &o, q));
        assert_string_equal(
            text, "NAME=\"web_rg\"\nSTATE=\"ONLINE\"\n\nNAME=\"db_rg\"\nSTATE=\"OFFLINE\"\n");
        free(text);

        o.format = CLI_FMT_JSON;
        CAPTURE(text, cli_output_query(f, &o, q));
        back = load(text);
        expect_json(back, "[{\"NAME\":\"web_rg\",\"STATE\":\"ONLINE\"},{\"NAME\":\"db_rg\","
                          "\"STATE\":\"OFFLINE\"}]");
        json_decref(back);
        free(text);

        o.attrs = NULL;
        CAPTURE(text, cli_output_query(f, &o, q));
        back = load(text);
        assert_true(json_equal(back, json_object_get(q, "objects")));
        /* reply order is kept */
        assert_true(strstr(text, "\"STARTUP\"") < strstr(text, "\"ZED\""));
        assert_true(strstr(text, "\"ZED\"") < strstr(text, "\"STATE\""));
        json_decref(back);
        free(text);

        {
                json_t *bad = load("{\"ok\":true}");
                FILE *f = fopen("/dev/null", "w");
                assert_int_equal(cli_output_query(f, &o, bad), -EPROTO);
                fclose(f);
                json_decref(bad);
        }
        json_decref(q);
}

static void test_output_reply_and_usage(void **state)
{
        struct cli_cmd c;
        json_t *r = load("{\"ok\":true,\"generation\":5}");
        char *text = NULL;

        (void)state;
        assert_int_equal(PARSE(&c, "set", "failover", "-g", "web_rg", "-m", "next"), 0);
        CAPTURE(text, cli_output_reply(f, &c, r));
        assert_non_null(strstr(text, "generation 5"));
        free(text);
        cli_cmd_clear(&c);
        json_decref(r);

        assert_int_equal(PARSE(&c, NULL), 0);
        {
                size_t len;
                FILE *f = open_memstream(&text, &len);
                cli_output_usage(f, &c);
                fclose(f);
        }
        assert_non_null(strstr(text, "usage: clmgr"));
        assert_non_null(strstr(text, "mv, mo"));
        free(text);
        cli_cmd_clear(&c);

        assert_int_equal(PARSE(&c, "move"), 0);
        {
                size_t len;
                FILE *f = open_memstream(&text, &len);
                cli_output_usage(f, &c);
                fclose(f);
        }
        assert_non_null(strstr(text, "resource_group"));
        free(text);
        cli_cmd_clear(&c);

        assert_int_equal(PARSE(&c, "stop", "cluster", "-h"), 0);
        {
                size_t len;
                FILE *f = open_memstream(&text, &len);
                cli_output_usage(f, &c);
                fclose(f);
        }
        assert_non_null(strstr(text, "graceful"));
        free(text);
        cli_cmd_clear(&c);
}

/* Help output of argv (must parse as a help or listing request), malloc'd. */
static char *usage_text(const char **args)
{
        struct cli_cmd c;
        char *text = NULL;
        size_t len;
        FILE *f;

        assert_int_equal(parse_args(&c, args), 0);
        assert_int_not_equal(c.kind, CLI_KIND_RUN);
        f = open_memstream(&text, &len);
        assert_non_null(f);
        cli_output_usage(f, &c);
        fclose(f);
        cli_cmd_clear(&c);
        return text;
}
#define USAGE(...) usage_text((const char *[]){"clmgr", __VA_ARGS__, NULL})

static void expect_in(const char *text, const char *needle)
{
        if (!text || !strstr(text, needle))
                fail_msg("'%s' not in:\n%s", needle, text ? text : "(nothing)");
}

/* Every schema class, by name and by each alias, in any case, is taken by
 * the configuration actions; the runtime actions take the runtime classes;
 * an unknown class is refused with the schema's list. */
static void test_schema_classes(void **state)
{
        static const char *const actions[] = {"add", "query", "modify", "delete"};
        char want[256], upper[64];
        struct cli_cmd c;

        (void)state;
        for (int k = 0; k < CONF_CLASS_COUNT; k++) {
                const conf_class_def_t *cd = conf_class_def((conf_class_t)k);
                const char *names[8] = {cd->name};
                size_t n = 1;

                for (const char *const *a = cd->aliases; *a && n < 7; a++)
                        names[n++] = *a;
                for (size_t i = 0; i < n; i++) {
                        size_t j;

                        for (j = 0; names[i][j] && j + 1 < sizeof(upper); j++)
                                upper[j] = (char)toupper((unsigned char)names[i][j]);
                        upper[j] = '\0';
                        for (size_t a = 0; a < 4; a++) {
                                const char *cls = a % 2 ? upper : names[i];

                                if (PARSE(&c, actions[a], cls, "x") < 0)
                                        fail_msg("%s %s: %s", actions[a], cls, c.error);
                                snprintf(want, sizeof(want), "[{\"op\":\"%s\",\"class\":\"%s\"",
                                         actions[a], cls);
                                char *got = json_dumps(c.requests, JSON_COMPACT);
                                if (strncmp(got, want, strlen(want)) != 0)
                                        fail_msg("got %s, want %s...", got, want);
                                free(got);
                                cli_cmd_clear(&c);
                        }
                        /* online/offline: exactly the runtime classes */
                        bool rt = k == CONF_CLASS_CLUSTER || k == CONF_CLASS_NODE ||
                                  k == CONF_CLASS_RESOURCE_GROUP;
                        int r = PARSE(&c, "online", names[i], k == CONF_CLASS_CLUSTER ? NULL : "x");
                        if (rt != (r == 0))
                                fail_msg("online %s: %d %s", names[i], r, c.error ? c.error : "");
                        if (!rt)
                                expect_in(c.error, "allowed: cluster, node, resource_group (rg)");
                        cli_cmd_clear(&c);
                }
        }
        assert_int_equal(PARSE(&c, "add", "resourcegroupx", "x"), -EINVAL);
        assert_int_equal(c.rc, 4);
        for (int k = 0; k < CONF_CLASS_COUNT; k++)
                expect_in(c.error, conf_class_def((conf_class_t)k)->name);
        expect_in(c.error, "resource_group (rg)");
        assert_int_equal(json_array_size(c.requests), 0);
        cli_cmd_clear(&c);
        EXPECT_ERR(4, "'n' is ambiguous", "query", "n"); /* node, network */
        EXPECT_REQ("[{\"op\":\"rg_offline\",\"groups\":[\"a\"]}]", "offline", "r", "a");
        EXPECT_REQ("[{\"op\":\"stop\",\"nodes\":[\"n1\"],\"manage\":\"offline\",\"when\":\"now\"}]",
                   "stop", "n", "n1"); /* among the runtime classes "n" is node */
        EXPECT_ERR(4, "allowed: resource_group (rg)", "move", "cluster", "NODE=n1");
        EXPECT_ERR(4, "allowed: cluster)", "verify", "rg");
        EXPECT_ERR(4, "failover, fallback", "modify", "site", "s1", "X=1");
}

/* -m takes exactly what the schema allows for FALLOVER/FALLBACK, by runbook
 * word or by value; words the schema has no value for are refused. */
static void test_policy_words_follow_schema(void **state)
{
        static const char *const attrs[] = {"FALLOVER", "FALLBACK"};
        const conf_class_t RG = CONF_CLASS_RESOURCE_GROUP;
        size_t n;
        const struct cli_policy_word *w = cli_policy_words(&n);
        struct cli_cmd c;
        char allowed[256], *text;

        (void)state;
        assert_true(n > 0);
        for (size_t i = 0; i < n; i++) {
                int a = conf_attr_index(RG, w[i].attr);
                const char *code = cli_policy_code(w[i].attr, w[i].word);
                char *canon = NULL, err[CONF_ERR_LEN];

                assert_true(a >= 0);
                assert_non_null(code);
                assert_string_equal(code, conf_enum_name(RG, a, w[i].value));
                assert_int_equal(conf_value_check(RG, a, code, &canon, err, sizeof(err)), 0);
                free(canon);
        }
        for (size_t k = 0; k < 2; k++) {
                int a = conf_attr_index(RG, attrs[k]);
                const char *what = k ? "fallback" : "failover";

                cli_policy_allowed(attrs[k], allowed, sizeof(allowed));
                for (int v = 0; conf_enum_name(RG, a, v); v++) {
                        const char *code = conf_enum_name(RG, a, v);
                        char want[256];

                        expect_in(allowed, code);
                        snprintf(want, sizeof(want),
                                 "[{\"op\":\"modify\",\"class\":\"resource_group\",\"name\":\"g\","
                                 "\"attrs\":{\"%s\":\"%s\"}},{\"op\":\"sync\"}]",
                                 attrs[k], code);
                        assert_int_equal(PARSE(&c, "set", what, "-g", "g", "-m", code), 0);
                        expect_json(c.requests, want);
                        cli_cmd_clear(&c);
                }
        }
        EXPECT_REQ("[{\"op\":\"modify\",\"class\":\"resource_group\",\"name\":\"g\","
                   "\"attrs\":{\"FALLOVER\":\"FNPN\"}},{\"op\":\"sync\"}]",
                   "modify", "failover", "-g", "g", "-m", "fnpn");
        EXPECT_REQ("[{\"op\":\"modify\",\"class\":\"resource_group\",\"name\":\"g\","
                   "\"attrs\":{\"FALLOVER\":\"FUDNP\"}},{\"op\":\"sync\"}]",
                   "set", "failover", "-g", "g", "-m", "dynamic");
        EXPECT_REQ("[{\"op\":\"modify\",\"class\":\"resource_group\",\"name\":\"g\","
                   "\"attrs\":{\"FALLOVER\":\"BO\"}},{\"op\":\"sync\"}]",
                   "modify", "failover", "-g", "g", "-m", "offline");
        /* a word that is no policy */
        assert_int_equal(PARSE(&c, "set", "failover", "-g", "g", "-m", "sideways"), -EINVAL);
        assert_int_equal(c.rc, 4);
        assert_string_equal(c.error, "modify failover: unknown policy -m sideways (allowed: next "
                                     "(FNPN), dynamic (FUDNP), offline (BO))");
        assert_int_equal(json_array_size(c.requests), 0);
        cli_cmd_clear(&c);
        EXPECT_ERR(4, "allowed: never (NFB), higher or home (FBHPN)", "set", "fallback", "-g", "g",
                   "-m", "next");
        EXPECT_ERR(3,
                   "-m <policy> is required (allowed: next (FNPN), dynamic (FUDNP), offline (BO))",
                   "set", "failover", "-g", "g");
        /* the help offers the same */
        text = USAGE("modify", "failover", "-h");
        expect_in(text, "-m: next (FNPN), dynamic (FUDNP), offline (BO)");
        free(text);
        text = USAGE("set", "fallback", "-h");
        expect_in(text, "-m: never (NFB), higher or home (FBHPN)");
        free(text);
}

/* Help for a class lists its attributes with allowed values and defaults,
 * all from the schema. */
static void test_help_from_schema(void **state)
{
        const conf_class_t RG = CONF_CLASS_RESOURCE_GROUP;
        const conf_class_def_t *cd = conf_class_def(RG);
        char *text, allowed[512], line[600];

        (void)state;
        text = USAGE("add", "rg", "-h");
        expect_in(text, "usage: clmgr add resource_group <NAME>");
        expect_in(text, cd->help);
        for (size_t i = 0; i < cd->nattrs; i++) {
                const conf_attr_def_t *ad = &cd->attrs[i];

                snprintf(line, sizeof(line), "\n  %s", ad->name);
                if (ad->flags & (CONF_F_READONLY | CONF_F_RUNTIME)) {
                        if (strstr(text, line))
                                fail_msg("add help offers %s", ad->name);
                        continue;
                }
                expect_in(text, line);
                if (ad->def && ad->def[0]) {
                        snprintf(line, sizeof(line), "default: %s\n", ad->def);
                        expect_in(text, line);
                }
                if (ad->type == CONF_T_ENUM) {
                        conf_attr_describe(RG, (int)i, allowed, sizeof(allowed));
                        snprintf(line, sizeof(line), "allowed: %s\n", allowed);
                        if (strlen(line) < 70) {
                                expect_in(text, line);
                        } else { /* wrapped: every value is offered */
                                for (int v = 0; conf_enum_name(RG, (int)i, v); v++)
                                        expect_in(text, conf_enum_name(RG, (int)i, v));
                        }
                }
        }
        expect_in(text, "  NODES (required at add)\n");
        expect_in(text, "allowed: OHN, OFAN, OUDP, OAAN\n      default: OHN\n");
        free(text);
        /* query shows every attribute, read-only and runtime ones marked */
        text = USAGE("query", "resource_group", "-h");
        expect_in(text, "\n  ID (set by hamr)\n");
        expect_in(text, "\n  STATE (query only)\n");
        free(text);
        text = USAGE("modify", "cluster", "-h");
        expect_in(text, "usage: clmgr modify cluster ATTR=VALUE");
        expect_in(text, "HEARTBEAT_FREQUENCY\n      allowed: seconds");
        expect_in(text, "default: 1.5\n");
        free(text);
        text = USAGE("add", "frob", "-h");
        expect_in(text, "class 'frob' is unknown; known: cluster, node, network (net)");
        free(text);
        text = USAGE("add");
        for (int k = 0; k < CONF_CLASS_COUNT; k++) {
                snprintf(line, sizeof(line), "\n  %s", conf_class_def((conf_class_t)k)->name);
                expect_in(text, line);
                expect_in(text, conf_class_def((conf_class_t)k)->help);
        }
        free(text);
        text = USAGE("modify");
        expect_in(text, "\n  failover\n");
        free(text);
}

/* The operation table shared with hamrd: exact lookup, a clear refusal of
 * unknown ops, consistent flags, and the checks the flags imply. */
static void test_op_table(void **state)
{
        const api_op_facts_t all = {
            .configured = true, .member = true, .coordinator = true, .quorate = true};
        char err[CONF_ERR_LEN];
        api_op_t op;
        json_t *req;

        (void)state;
        for (int i = 0; i < API_OP_COUNT; i++) {
                const api_op_def_t *def = api_op_def((api_op_t)i);

                assert_non_null(def);
                assert_int_equal(api_op_lookup(def->name, &op, err, sizeof(err)), 0);
                assert_int_equal(op, i);
                assert_string_equal(api_op_name(op), def->name);
                assert_non_null(def->help);
                /* read-only ops neither edit the configuration nor need quorum; only
                 * "timers" and "why" (the planner's timers and history) go to the
                 * coordinator */
                if (def->flags & API_OP_F_READ_ONLY)
                        assert_int_equal(
                            def->flags &
                                (API_OP_F_MODIFIES_CONFIG | API_OP_F_NEEDS_QUORUM |
                                 (i == API_OP_TIMERS || i == API_OP_WHY || i == API_OP_SIMULATE
                                      ? 0
                                      : API_OP_F_COORD_ONLY)),
                            0);
                else
                        assert_int_not_equal(
                            def->flags & (API_OP_F_MODIFIES_CONFIG | API_OP_F_COORD_ONLY), 0);
        }
        assert_null(api_op_def(API_OP_COUNT));
        assert_int_equal(api_op_lookup("frobnicate", &op, err, sizeof(err)), -HAMR_E_BAD_VALUE);
        assert_string_equal(err,
                            "unknown operation \"frobnicate\"; known: add, modify, delete, "
                            "query, sync, verify, start, stop, rg_online, rg_offline, "
                            "rg_move, app_suspend, app_resume, status, timers, why, simulate, "
                            "facts, node_facts, avail, node_avail, snapshot_add, snapshot_modify, "
                            "snapshot_delete, snapshot_query, snapshot_restore, "
                            "snapshot_compare");
        assert_int_equal(api_op_lookup("ADD", &op, err, sizeof(err)), -HAMR_E_BAD_VALUE);
        expect_in(err, "unknown operation \"ADD\"");
        assert_int_equal(api_op_lookup(NULL, &op, err, sizeof(err)), -HAMR_E_BAD_VALUE);
        expect_in(err, "request has no \"op\"; known: add,");

        /* NEEDS_CLASS */
        req = json_pack("{s:s}", "op", "add");
        assert_int_equal(api_op_check(API_OP_ADD, req, &all, err, sizeof(err)), -HAMR_E_MISSING);
        expect_in(err, "add: \"class\" is required; known: cluster, node");
        json_object_set_new(req, "class", json_string("site"));
        assert_int_equal(api_op_check(API_OP_ADD, req, &all, err, sizeof(err)), -HAMR_E_BAD_CLASS);
        expect_in(err, "add: class \"site\" is unknown; known: cluster, node, network (net)");
        json_object_set_new(req, "class", json_string("RG"));
        assert_int_equal(api_op_check(API_OP_ADD, req, &all, err, sizeof(err)), 0);
        assert_int_equal(api_op_check(API_OP_SYNC, req, &(api_op_facts_t){0}, err, sizeof(err)), 0);
        json_decref(req);

        /* COORD_ONLY and NEEDS_QUORUM */
        req = json_pack("{s:s, s:[s]}", "op", "rg_move", "groups", "g");
        assert_int_equal(api_op_check(API_OP_RG_MOVE, req, &(api_op_facts_t){0}, err, sizeof(err)),
                         -HAMR_E_NOT_CONFIGURED);
        expect_in(err, "rg_move: cluster is not configured on this node");
        assert_int_equal(api_op_check(API_OP_RG_MOVE, req, &(api_op_facts_t){.configured = true},
                                      err, sizeof(err)),
                         -HAMR_E_NOT_CONFIGURED);
        assert_int_equal(
            api_op_check(API_OP_RG_MOVE, req,
                         &(api_op_facts_t){.configured = true, .member = true, .coordinator = true},
                         err, sizeof(err)),
            -HAMR_E_NO_QUORUM);
        expect_in(err, "rg_move: no quorum");
        /* another node coordinates: it decides about quorum */
        assert_int_equal(api_op_check(API_OP_RG_MOVE, req,
                                      &(api_op_facts_t){.configured = true, .member = true}, err,
                                      sizeof(err)),
                         0);
        assert_int_equal(api_op_check(API_OP_RG_MOVE, req, &all, err, sizeof(err)), 0);
        assert_int_equal(api_op_check(API_OP_STATUS, req, &(api_op_facts_t){0}, err, sizeof(err)),
                         0);
        json_decref(req);
}

/* Every request clmgr builds names an op of the table and passes the
 * table's checks on a configured, quorate coordinator. */
static void test_requests_match_op_table(void **state)
{
        static const char *const cmds[][8] = {
            {"add", "rg", "g", "NODES=n1"},
            {"q", "Resource_G"},
            {"mod", "sip", "s", "ADDRESS=198.18.0.51"},
            {"rm", "app", "a"},
            {"sync", "cluster"},
            {"verify", "cluster"},
            {"online", "cluster"},
            {"stop", "node", "n1", "-m", "takeover"},
            {"online", "rg", "g", "NODE=n2"},
            {"offline", "rg", "g"},
            {"move", "rg", "g", "NODE=n2"},
            {"status"},
            {"set", "failover", "-g", "a,b", "-m", "next"},
            {"set", "fallback", "-g", "a", "-m", "home"},
        };
        const api_op_facts_t all = {
            .configured = true, .member = true, .coordinator = true, .quorate = true};
        char err[CONF_ERR_LEN];

        (void)state;
        for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
                const char *args[10] = {"clmgr"};
                struct cli_cmd c;
                size_t i, n = 1;
                json_t *req;

                for (i = 0; cmds[k][i]; i++)
                        args[n++] = cmds[k][i];
                if (parse_args(&c, args) < 0)
                        fail_msg("%s: %s", cmds[k][0], c.error);
                assert_true(json_array_size(c.requests) > 0);
                json_array_foreach(c.requests, i, req)
                {
                        api_op_t op;

                        if (api_op_lookup(json_string_value(json_object_get(req, "op")), &op, err,
                                          sizeof(err)) < 0 ||
                            api_op_check(op, req, &all, err, sizeof(err)) < 0)
                                fail_msg("%s ...: %s", cmds[k][0], err);
                }
                cli_cmd_clear(&c);
        }
}

/* The snapshot class: requests, FILE= kept for clmgr.c, errors, output. */
static void test_why(void **state)
{
        struct cli_cmd c;
        json_t *rep;
        char *out = NULL;
        size_t len = 0;
        FILE *f;

        (void)state;
        EXPECT_REQ("[{\"op\":\"why\",\"group\":\"web_rg\"}]", "why", "resource_group", "web_rg");
        EXPECT_REQ("[{\"op\":\"why\",\"group\":\"web_rg\"}]", "why", "rg", "web_rg");
        EXPECT_ERR(CLMGR_RC_MISSING, "one resource group name is required", "why",
                   "resource_group");
        EXPECT_ERR(CLMGR_RC_MISSING, "one resource group name is required", "why", "resource_group",
                   "a,b");
        EXPECT_ERR(CLMGR_RC_INVALID, "attribute 'NODE' is not allowed (allowed: none)", "why",
                   "resource_group", "a", "NODE=n1");
        EXPECT_ERR(CLMGR_RC_INVALID, "why: class 'node' is not supported (allowed: resource_group",
                   "why", "node", "n1");

        assert_int_equal(PARSE(&c, "why", "resource_group", "web_rg"), 0);
        rep =
            json_pack("{s:b, s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s}]}", "ok", 1, "GROUP", "web_rg",
                      "TARGET", "n2", "CODE", "STAY", "REASON", "online on current node", "SINCE",
                      "2026-12-05 07:00:00.000", "HISTORY", "TIME", "2026-12-05 07:01:00.250",
                      "EVENT", "web_rg: target n1 -> n2 (fallover to next priority node)");
        f = open_memstream(&out, &len);
        assert_int_equal(cli_output_reply(f, &c, rep), 0);
        fclose(f);
        assert_string_equal(out, "Resource group web_rg: target node n2\n"
                                 "Why: online on current node\n"
                                 "Causes recorded by the coordinator since 2026-12-05 "
                                 "07:00:00.000 (local time):\n"
                                 "  2026-12-05 07:01:00.250  web_rg: target n1 -> n2 (fallover to "
                                 "next priority node)\n");
        free(out);
        json_decref(rep);
        cli_cmd_clear(&c);
}

static void test_verify_nodes_output(void **state)
{
        struct cli_cmd c;
        json_t *rep;
        char *out = NULL;
        size_t len = 0;
        FILE *f;

        (void)state;
        assert_int_equal(PARSE(&c, "verify", "cluster"), 0);
        rep = json_pack("{s:b, s:[{s:s, s:[], s:[]}, {s:s, s:[s], s:[s]}], s:i}", "ok", 1, "nodes",
                        "NODE", "n1", "ERRORS", "WARNINGS", "NODE", "n2", "ERRORS",
                        "STARTSCRIPT of application_controller a: /x: No such file or directory",
                        "WARNINGS", "clock 3.0 s ahead of node n1's", "node_errors", 1);
        f = open_memstream(&out, &len);
        assert_int_equal(cli_output_reply(f, &c, rep), 0);
        fclose(f);
        assert_string_equal(out, "Verification on the nodes:\n"
                                 "  n1: ok\n"
                                 "  n2: ERROR: STARTSCRIPT of application_controller a: /x: No "
                                 "such file or directory\n"
                                 "  n2: WARNING: clock 3.0 s ahead of node n1's\n"
                                 "Verification failed on the nodes (1 error(s)).\n");
        free(out);
        json_decref(rep);
        cli_cmd_clear(&c);
}

static void test_simulate(void **state)
{
        struct cli_cmd c;
        json_t *rep;
        char *out = NULL;
        size_t len = 0;
        FILE *f;

        (void)state;
        EXPECT_REQ("[{\"op\":\"simulate\",\"event\":\"node_down\",\"node\":\"n2\"}]", "simulate",
                   "node_down", "n2");
        EXPECT_REQ("[{\"op\":\"simulate\",\"event\":\"network_down\",\"node\":\"n1\"}]", "simulate",
                   "NETWORK_DOWN", "n1");
        EXPECT_REQ("[{\"op\":\"simulate\",\"event\":\"rg_move\",\"node\":\"n3\","
                   "\"group\":\"web_rg\"}]",
                   "simulate", "rg_move", "web_rg", "NODE=n3");
        EXPECT_REQ("[{\"op\":\"simulate\",\"event\":\"rg_move\",\"node\":\"n3\","
                   "\"group\":\"web_rg\"}]",
                   "simulate", "rg_move", "web_rg", "n3");
        EXPECT_ERR(CLMGR_RC_MISSING, "simulate: an event is required", "simulate");
        EXPECT_ERR(CLMGR_RC_INVALID, "event 'site_down' is not supported (allowed: node_down NODE",
                   "simulate", "site_down", "s1");
        EXPECT_ERR(CLMGR_RC_MISSING, "simulate node_up: expected a node name", "simulate",
                   "node_up");
        EXPECT_ERR(CLMGR_RC_MISSING, "simulate rg_move: expected rg_move RG NODE", "simulate",
                   "rg_move", "web_rg");
        EXPECT_ERR(CLMGR_RC_INVALID, "simulate node_down: unexpected argument 'n3'", "simulate",
                   "node_down", "n2", "n3");

        assert_int_equal(PARSE(&c, "simulate", "node_down", "n1"), 0);
        rep = json_pack("{s:b, s:s, s:s, s:b, s:b, s:[{s:s, s:s, s:s, s:s}], s:i, s:i, s:[s]}",
                        "ok", 1, "EVENT", "node_down", "NODE", "n1", "QUORUM", 1, "SETTLED", 1,
                        "GROUPS", "GROUP", "web_rg", "BEFORE", "n1", "AFTER", "n2", "REASON",
                        "fallover to next priority node", "MORE", 0, "UNCHANGED", 2, "NODES",
                        "node n1: cluster services stopped");
        f = open_memstream(&out, &len);
        assert_int_equal(cli_output_reply(f, &c, rep), 0);
        fclose(f);
        assert_string_equal(out, "Simulated node_down n1 (nothing is changed):\n"
                                 "  web_rg: n1 -> n2 (fallover to next priority node)\n"
                                 "  2 group(s) would stay where they are\n"
                                 "  node n1: cluster services stopped\n"
                                 "The cluster would be STABLE again.\n");
        free(out);
        json_decref(rep);
        cli_cmd_clear(&c);
}

static void test_snapshot(void **state)
{
        struct cli_cmd c;
        json_t *rep;
        char *out = NULL;
        size_t len = 0;
        FILE *f;

        (void)state;
        EXPECT_REQ("[{\"op\":\"snapshot_add\",\"name\":\"base\","
                   "\"attrs\":{\"DESCRIPTION\":\"before upgrade\"}}]",
                   "add", "snapshot", "base", "DESCRIPTION=\"before upgrade\"");
        EXPECT_REQ("[{\"op\":\"snapshot_query\"}]", "query", "snapshot");
        EXPECT_REQ("[{\"op\":\"snapshot_query\",\"name\":\"base\"}]", "ls", "sn", "base");
        EXPECT_REQ("[{\"op\":\"snapshot_query\",\"name\":\"base\"}]", "view", "snapshot", "base");
        EXPECT_REQ(
            "[{\"op\":\"snapshot_modify\",\"name\":\"base\",\"attrs\":{\"DESCRIPTION\":\"x\"}}]",
            "modify", "snapshot", "base", "description=x");
        EXPECT_REQ("[{\"op\":\"snapshot_delete\",\"name\":\"base\"}]", "rm", "snapshot", "base");
        EXPECT_REQ("[{\"op\":\"snapshot_restore\",\"name\":\"base\"}]", "manage", "snapshot",
                   "restore", "base");
        EXPECT_REQ("[{\"op\":\"snapshot_compare\",\"name\":\"a\"}]", "compare", "snapshot", "a");
        EXPECT_REQ("[{\"op\":\"snapshot_compare\",\"name\":\"a\",\"name2\":\"b\"}]", "diff",
                   "snapshot", "a", "b");

        /* FILE=: recorded for clmgr.c (import on add, export on query), not sent */
        assert_int_equal(PARSE(&c, "add", "snapshot", "imp", "FILE=/tmp/s.txt"), 0);
        assert_string_equal(c.file, "/tmp/s.txt");
        assert_int_equal(c.show, CLI_SHOW_SNAP_ADD);
        expect_json(c.requests, "[{\"op\":\"snapshot_add\",\"name\":\"imp\"}]");
        cli_cmd_clear(&c);
        assert_int_equal(PARSE(&c, "query", "snapshot", "base", "FILE=/tmp/s.txt"), 0);
        assert_string_equal(c.file, "/tmp/s.txt");
        cli_cmd_clear(&c);

        EXPECT_ERR(CLMGR_RC_MISSING, "add snapshot: a snapshot name is required", "add", "snapshot",
                   "DESCRIPTION=x");
        EXPECT_ERR(CLMGR_RC_INVALID,
                   "attribute 'COLOR' is not allowed (allowed: DESCRIPTION, FILE)", "add",
                   "snapshot", "s", "COLOR=red");
        EXPECT_ERR(CLMGR_RC_INVALID, "attribute 'FILE' is not allowed (allowed: DESCRIPTION)",
                   "modify", "snapshot", "s", "FILE=/x");
        EXPECT_ERR(CLMGR_RC_MISSING, "nothing to change (allowed: DESCRIPTION)", "modify",
                   "snapshot", "s");
        EXPECT_ERR(CLMGR_RC_MISSING, "FILE= needs a snapshot name", "query", "snapshot", "FILE=/x");
        EXPECT_ERR(CLMGR_RC_INVALID, "expected 'restore NAME'", "manage", "snapshot", "apply", "s");
        EXPECT_ERR(CLMGR_RC_INVALID, "compare: class 'node' is not supported (allowed: snapshot)",
                   "compare", "node", "n1");
        EXPECT_ERR(CLMGR_RC_INVALID, "option -m is not valid here", "delete", "snapshot", "s", "-m",
                   "x");

        /* help */
        assert_int_equal(PARSE(&c, "add", "snapshot", "-h"), 0);
        assert_int_equal(c.kind, CLI_KIND_HELP);
        assert_true(cli_snapshot_help_wanted(&c));
        f = open_memstream(&out, &len);
        cli_snapshot_help(f);
        fclose(f);
        assert_non_null(strstr(out, "clmgr manage snapshot restore <NAME>"));
        free(out);
        cli_cmd_clear(&c);

        /* output: compare and restore print the diff */
        assert_int_equal(PARSE(&c, "compare", "snapshot", "a"), 0);
        rep = json_pack("{s:b, s:s, s:i}", "ok", 1, "diff", "--- a\n+++ b\n", "changes", 0);
        f = open_memstream(&out, &len);
        assert_true(cli_snapshot_shows(&c));
        assert_int_equal(cli_output_snapshot(f, &c, rep), 0);
        fclose(f);
        assert_string_equal(out, "--- a\n+++ b\nNo differences.\n");
        free(out);
        json_decref(rep);
        cli_cmd_clear(&c);
        /* query NAME in text: the snapshot's text as is (an export) */
        assert_int_equal(PARSE(&c, "query", "snapshot", "base"), 0);
        rep = json_pack("{s:b, s:[{s:s, s:s}]}", "ok", 1, "objects", "NAME", "base", "TEXT",
                        "# hamr snapshot\n# NAME=base\n[cluster c]\n");
        f = open_memstream(&out, &len);
        assert_true(cli_snapshot_shows(&c));
        assert_int_equal(cli_output_snapshot(f, &c, rep), 0);
        fclose(f);
        assert_string_equal(out, "# hamr snapshot\n# NAME=base\n[cluster c]\n");
        free(out);
        cli_cmd_clear(&c);
        /* -c: the attributes without the text */
        assert_int_equal(PARSE(&c, "-c", "query", "snapshot", "base"), 0);
        f = open_memstream(&out, &len);
        assert_true(cli_snapshot_shows(&c));
        assert_int_equal(cli_output_snapshot(f, &c, rep), 0);
        fclose(f);
        assert_null(strstr(out, "hamr snapshot"));
        assert_non_null(strstr(out, "base"));
        free(out);
        json_decref(rep);
        cli_cmd_clear(&c);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_listing_and_help),
            cmocka_unit_test(test_query),
            cmocka_unit_test(test_add_modify_delete),
            cmocka_unit_test(test_sync_verify),
            cmocka_unit_test(test_start),
            cmocka_unit_test(test_stop),
            cmocka_unit_test(test_rg_runtime),
            cmocka_unit_test(test_runbook_short_forms),
            cmocka_unit_test(test_errors),
            cmocka_unit_test(test_flags),
            cmocka_unit_test(test_status_forms),
            cmocka_unit_test(test_wait_start_stop),
            cmocka_unit_test(test_app_manage),
            cmocka_unit_test(test_wait_groups),
            cmocka_unit_test(test_wait_concurrent),
            cmocka_unit_test(test_output_status),
            cmocka_unit_test(test_output_query),
            cmocka_unit_test(test_output_reply_and_usage),
            cmocka_unit_test(test_schema_classes),
            cmocka_unit_test(test_policy_words_follow_schema),
            cmocka_unit_test(test_help_from_schema),
            cmocka_unit_test(test_op_table),
            cmocka_unit_test(test_snapshot),
            cmocka_unit_test(test_why),
            cmocka_unit_test(test_simulate),
            cmocka_unit_test(test_verify_nodes_output),
            cmocka_unit_test(test_requests_match_op_table),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
