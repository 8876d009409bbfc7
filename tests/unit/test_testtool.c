/* Unit tests of the Cluster Test Tool's plan and variables parser
 * (tt_plan, tt_catalog) and its command runner (tt_cmd): PowerHA plans
 * parse unchanged, variables substitute, and every kind of bad input gets
 * an error naming the file, the line and what is allowed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testtool/tt_cmd.h"
#include "testtool/tt_plan.h"

static char err[8192];

static void vars_ok(void **state)
{
        tt_vars_t v;
        const char *text = "# nodes\n"
                           "node1=n1\n"
                           "\n"
                           "  rg_owner = n2  \n"
                           "svc_net=\"net_ether_01\"\n"
                           "_x1='a b'\n";

        (void)state;
        assert_int_equal(tt_vars_parse("vars.txt", text, &v, err, sizeof(err)), 0);
        assert_int_equal(v.n, 4);
        assert_string_equal(tt_vars_get(&v, "node1"), "n1");
        assert_string_equal(tt_vars_get(&v, "rg_owner"), "n2");
        assert_string_equal(tt_vars_get(&v, "svc_net"), "net_ether_01");
        assert_string_equal(tt_vars_get(&v, "_x1"), "a b");
        assert_int_equal(v.v[1].line, 4);
        assert_null(tt_vars_get(&v, "nope"));
        tt_vars_free(&v);
}

static void vars_errors(void **state)
{
        tt_vars_t v = {0};
        const char *text = "node1=n1\n"
                           "just a line\n"
                           "1abc=x\n"
                           "node1=n3\n"
                           "empty=\n"
                           "list=a,b\n";

        (void)state;
        assert_int_equal(tt_vars_parse("vars.txt", text, &v, err, sizeof(err)), -EINVAL);
        assert_null(v.v);
        assert_non_null(strstr(err, "vars.txt:2: 'just a line' is not a variable definition "
                                    "(allowed: name=value"));
        assert_non_null(strstr(err, "vars.txt:3: variable name '1abc' is not allowed (allowed: "
                                    "a letter or _"));
        assert_non_null(
            strstr(err, "vars.txt:4: variable node1 is defined twice (first at line 1)"));
        assert_non_null(strstr(err, "vars.txt:5: variable empty has an empty value"));
        assert_non_null(strstr(err, "vars.txt:6: value of variable list holds a comma"));
}

static void plan_powerha_lines(void **state)
{
        tt_vars_t v;
        tt_plan_t p;
        const char *plan = "# PowerHA example plan\n"
                           "NODE_UP, ALL, Start cluster services on all available nodes\n"
                           "RG_MOVE, rg_1, ANY, Move rg_1 to any available node.\n"
                           "NETWORK_DOWN_LOCAL, rg_owner, svc1_net, Selective fallover on local "
                           "network down\n"
                           "SERVER_DOWN, ANY, app1, /app/stop/script, Recover from application "
                           "failure, with commas, in it\n"
                           "  rg_online , $grp , restore\n"
                           "WAIT, 2.5\n"
                           "VG_DOWN, vg1, ANY, no volume groups in hamr\n";

        (void)state;
        assert_int_equal(tt_vars_parse("v", "rg_owner=n2\nsvc1_net=net_ether_01\ngrp=web_rg\n", &v,
                                       err, sizeof(err)),
                         0);
        assert_int_equal(tt_plan_parse("plan.txt", plan, &v, false, &p, err, sizeof(err)), 0);
        assert_int_equal(p.n, 7);
        assert_int_equal(p.t[0].kind, TT_NODE_UP);
        assert_string_equal(p.t[0].params[0], "ALL");
        assert_string_equal(p.t[0].comment, "Start cluster services on all available nodes");
        assert_int_equal(p.t[0].line, 2);
        assert_int_equal(p.t[1].kind, TT_RG_MOVE);
        assert_string_equal(p.t[1].params[0], "rg_1");
        assert_string_equal(p.t[1].params[1], "ANY");
        /* a bare parameter naming a variable is replaced (PowerHA's way) */
        assert_string_equal(p.t[2].params[0], "n2");
        assert_string_equal(p.t[2].params[1], "net_ether_01");
        assert_string_equal(p.t[3].params[2], "/app/stop/script");
        assert_string_equal(p.t[3].comment, "Recover from application failure, with commas, in it");
        /* case-insensitive names and keywords, $variables */
        assert_int_equal(p.t[4].kind, TT_RG_ONLINE);
        assert_string_equal(p.t[4].params[0], "web_rg");
        assert_string_equal(p.t[4].params[1], "RESTORE");
        assert_string_equal(p.t[4].comment, "");
        assert_int_equal(p.t[5].kind, TT_WAIT);
        assert_string_equal(p.t[5].params[0], "2.5");
        assert_int_equal(p.t[6].kind, TT_VG_DOWN);
        assert_non_null(tt_catalog_def(TT_VG_DOWN)->not_applicable);
        assert_null(tt_catalog_def(TT_RG_MOVE)->not_applicable);
        {
                char line[256];
                tt_test_format(&p.t[1], line, sizeof(line));
                assert_string_equal(line, "RG_MOVE, rg_1, ANY");
        }
        tt_plan_free(&p);
        tt_vars_free(&v);
}

static void plan_env_variables(void **state)
{
        tt_plan_t p;

        (void)state;
        setenv("TT_UNIT_NODE", "n3", 1);
        assert_int_equal(
            tt_plan_parse("p", "NODE_UP, $TT_UNIT_NODE\n", NULL, true, &p, err, sizeof(err)), 0);
        assert_string_equal(p.t[0].params[0], "n3");
        tt_plan_free(&p);
        /* without the environment the same line is an error */
        assert_int_equal(
            tt_plan_parse("p", "NODE_UP, $TT_UNIT_NODE\n", NULL, false, &p, err, sizeof(err)),
            -EINVAL);
        assert_non_null(strstr(err, "p:1: variable TT_UNIT_NODE is not defined"));
        unsetenv("TT_UNIT_NODE");
}

static void plan_errors(void **state)
{
        tt_plan_t p = {0};
        const char *plan = "NODE_UP, n1\n"
                           "NODE_JUMP, n1\n"
                           "RG_MOVE, web_rg\n"
                           "RG_MOVE, web_rg, ALL, no such target\n"
                           "RG_OFFLINE, web_rg, RESTORE\n"
                           "WAIT, soon\n"
                           "NODE_DOWN_TAKEOVER, , empty node\n"
                           "NODE_UP, $missing\n"
                           "NODE_UP, $1bad\n";

        (void)state;
        assert_int_equal(tt_plan_parse("plan.txt", plan, NULL, false, &p, err, sizeof(err)),
                         -EINVAL);
        assert_null(p.t);
        assert_non_null(strstr(err, "plan.txt:2: unknown test 'NODE_JUMP' (allowed: NODE_UP, "
                                    "NODE_DOWN_GRACEFUL"));
        assert_non_null(strstr(err, "plan.txt:3: RG_MOVE takes 2 parameters (rg, node | ANY | "
                                    "RESTORE) before the comment; the line has 1"));
        assert_non_null(strstr(err, "plan.txt:4: RG_MOVE: ALL is not allowed as node | ANY | "
                                    "RESTORE"));
        assert_non_null(strstr(err, "plan.txt:5: RG_OFFLINE: RESTORE is not allowed as node | "
                                    "ALL | ANY"));
        assert_non_null(strstr(err, "plan.txt:6: WAIT: seconds 'soon' is not allowed (allowed: a "
                                    "number of seconds from 0 to 86400)"));
        assert_non_null(strstr(err, "plan.txt:7: NODE_DOWN_TAKEOVER: node is empty"));
        assert_non_null(strstr(err, "plan.txt:8: variable missing is not defined"));
        assert_non_null(strstr(err, "plan.txt:9: '$1bad' is not a variable reference"));
        /* the valid first line is not reported */
        assert_null(strstr(err, "plan.txt:1:"));
}

static void plan_empty(void **state)
{
        tt_plan_t p = {0};

        (void)state;
        assert_int_equal(
            tt_plan_parse("empty.txt", "# only a comment\n\n", NULL, false, &p, err, sizeof(err)),
            -EINVAL);
        assert_non_null(strstr(err, "empty.txt:3: the test plan holds no test"));
        assert_int_equal(tt_plan_load("/nonexistent/plan", NULL, false, &p, err, sizeof(err)),
                         -ENOENT);
        assert_non_null(strstr(err, "/nonexistent/plan: cannot read"));
}

static void catalog(void **state)
{
        char names[1024];

        (void)state;
        assert_int_equal(tt_catalog_lookup("clstrmgr_kill"), TT_CLSTRMGR_KILL);
        assert_int_equal(tt_catalog_lookup("NOPE"), -1);
        assert_int_equal(tt_catalog_def(TT_SERVER_DOWN)->nparams, 3);
        assert_non_null(tt_catalog_def(TT_RG_MOVE_SITE)->not_applicable);
        assert_non_null(tt_catalog_def(TT_NETWORK_DOWN_NONIP)->not_applicable);
        assert_null(tt_catalog_def(TT_KIND_COUNT));
        tt_catalog_names(names, sizeof(names));
        assert_non_null(strstr(names, "JOIN_LABEL, FAIL_LABEL, RG_ONLINE"));
}

static void cmd_template(void **state)
{
        char **argv = tt_cmd_template("ssh -o BatchMode=yes root@%n", "n2", "ip link show");
        char *q, *j;

        (void)state;
        assert_string_equal(argv[0], "ssh");
        assert_string_equal(argv[3], "root@n2");
        assert_string_equal(argv[4], "ip link show");
        assert_null(argv[5]);
        j = tt_cmd_join(argv);
        assert_string_equal(j, "ssh -o BatchMode=yes root@n2 'ip link show'");
        free(j);
        tt_cmd_argv_free(argv);
        argv = tt_cmd_template("  hamr-lab exec hm0001 %n%% ", "n3", NULL);
        assert_string_equal(argv[3], "n3%");
        assert_null(argv[4]);
        tt_cmd_argv_free(argv);
        assert_null(tt_cmd_template("   ", "n1", "x"));
        q = tt_cmd_quote("it's");
        assert_string_equal(q, "'it'\\''s'");
        free(q);
}

static void cmd_run(void **state)
{
        char *ok[] = {"/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL};
        char *slow[] = {"/bin/sh", "-c", "sleep 30", NULL};
        tt_cmd_result_t r;

        (void)state;
        assert_int_equal(tt_cmd_run(ok, 10, &r), 0);
        assert_int_equal(r.rc, 3);
        assert_false(r.timed_out);
        assert_non_null(strstr(r.out, "out\n"));
        assert_non_null(strstr(r.out, "err\n"));
        tt_cmd_result_free(&r);
        assert_int_equal(tt_cmd_run(slow, 0.3, &r), 0);
        assert_true(r.timed_out);
        assert_int_not_equal(r.rc, 0);
        tt_cmd_result_free(&r);
}

static void cmd_run_together(void **state)
{
        char dir[] = "/tmp/tt-unit-XXXXXX";
        char waiter[512], maker[512];
        tt_cmd_result_t r[2];

        (void)state;
        assert_non_null(mkdtemp(dir));
        /* the first waits for the file the second makes: run one after the
         * other, the first would fail */
        snprintf(waiter, sizeof(waiter),
                 "i=0; while [ $i -lt 100 ]; do [ -e %s/f ] && echo seen && exit 0; "
                 "sleep 0.1; i=$((i+1)); done; exit 1",
                 dir);
        snprintf(maker, sizeof(maker), "touch %s/f; echo made", dir);
        {
                char *a[] = {"/bin/sh", "-c", waiter, NULL};
                char *b[] = {"/bin/sh", "-c", maker, NULL};
                char **const argvs[] = {a, b};
                assert_int_equal(tt_cmd_run_all(argvs, 2, 30, r), 0);
        }
        assert_int_equal(r[0].rc, 0);
        assert_string_equal(r[0].out, "seen\n");
        assert_int_equal(r[1].rc, 0);
        assert_string_equal(r[1].out, "made\n");
        tt_cmd_result_free(&r[0]);
        tt_cmd_result_free(&r[1]);
        snprintf(maker, sizeof(maker), "%s/f", dir);
        unlink(maker);
        rmdir(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(vars_ok),
            cmocka_unit_test(vars_errors),
            cmocka_unit_test(plan_powerha_lines),
            cmocka_unit_test(plan_env_variables),
            cmocka_unit_test(plan_errors),
            cmocka_unit_test(plan_empty),
            cmocka_unit_test(catalog),
            cmocka_unit_test(cmd_template),
            cmocka_unit_test(cmd_run),
            cmocka_unit_test(cmd_run_together),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
