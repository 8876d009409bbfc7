/* test_exec_serial.c: the executor's customised processing order
 * (SERIAL_ACQUISITION_ORDER, SERIAL_RELEASE_ORDER) with real start and stop
 * scripts on the libuv loop: listed groups one after another in list
 * order, the others in parallel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "conf/conf.h"
#include "exec/exec.h"

static bool changed;
static void on_change(void *ud)
{
        (void)ud;
        changed = true;
}

static char *slurp(const char *path)
{
        FILE *f = fopen(path, "r");
        static char buf[4096];
        size_t n;

        if (!f)
                return strcpy(buf, "");
        n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = '\0';
        fclose(f);
        return buf;
}

/* Runs the loop, reconciling on every change, until every group is in
 * state `want` (bounded: 30 s). */
static void run_until(uv_loop_t *loop, exec_t *x, const exec_input_t *in, const char *want)
{
        cstate_report_t r = {0};

        for (int i = 0; i < 3000; i++) {
                bool all = true;

                exec_reconcile(x, in);
                exec_fill_report(x, &r);
                for (uint32_t k = 0; k < r.ngroups; k++)
                        all = all && strcmp(rg_state_str((rg_state_t)r.groups[k].state), want) == 0;
                cstate_report_clear(&r);
                if (all)
                        return;
                changed = false;
                uv_run(loop, UV_RUN_NOWAIT);
                if (!changed)
                        usleep(10000);
        }
        fail_msg("groups not all %s within 30 s", want);
}

/* The position of the first line starting with `line` in text (fails if none). */
static long at(const char *text, const char *line)
{
        char key[64];
        const char *p;

        snprintf(key, sizeof(key), "%s\n", line);
        p = strstr(text, key);
        if (!p)
                fail_msg("'%s' not in:\n%s", line, text);
        return p - text;
}

static void test_serial_order(void **state)
{
        char dir[] = "/tmp/hamr-serial-XXXXXX", path[256], log[256], text[2048], err[CONF_ERR_LEN];
        conf_db_t *db = NULL;
        hamr_config_t *cfg = NULL;
        uv_loop_t loop;
        exec_t *x;
        uint16_t target[3];
        uint32_t clear[3] = {0};
        FILE *f;
        char *out;

        (void)state;
        assert_non_null(mkdtemp(dir));
        snprintf(log, sizeof(log), "%s/order.log", dir);
        /* each script logs its group when it begins and ends */
        snprintf(path, sizeof(path), "%s/start.sh", dir);
        f = fopen(path, "w");
        fprintf(f,
                "#!/bin/sh\necho \"start $HAMR_RG\" >> %s\nsleep 0.3\necho \"started $HAMR_RG\" "
                ">> %s\n",
                log, log);
        fclose(f);
        chmod(path, 0755);
        snprintf(path, sizeof(path), "%s/stop.sh", dir);
        f = fopen(path, "w");
        fprintf(f,
                "#!/bin/sh\necho \"stop $HAMR_RG\" >> %s\nsleep 0.3\necho \"stopped $HAMR_RG\" "
                ">> %s\n",
                log, log);
        fclose(f);
        chmod(path, 0755);
        snprintf(
            text, sizeof(text),
            "[cluster c]\nREPOSITORY = /dev/null\n"
            "SERIAL_ACQUISITION_ORDER = c a\nSERIAL_RELEASE_ORDER = a c\n"
            "[node n1]\nCOMMPATH = 198.18.0.11\n"
            "[application_controller app_a]\nSTARTSCRIPT = %s/start.sh\nSTOPSCRIPT = %s/stop.sh\n"
            "[application_controller app_b]\nSTARTSCRIPT = %s/start.sh\nSTOPSCRIPT = %s/stop.sh\n"
            "[application_controller app_c]\nSTARTSCRIPT = %s/start.sh\nSTOPSCRIPT = %s/stop.sh\n"
            "[resource_group a]\nNODES = n1\nAPPLICATIONS = app_a\n"
            "[resource_group b]\nNODES = n1\nAPPLICATIONS = app_b\n"
            "[resource_group c]\nNODES = n1\nAPPLICATIONS = app_c\n",
            dir, dir, dir, dir, dir, dir);
        if (conf_db_parse(text, &db, err, sizeof(err)) < 0 ||
            conf_compile(db, &cfg, err, sizeof(err)) < 0)
                fail_msg("%s", err);
        assert_int_equal(cfg->rgs[2].serial_acquire, 1); /* c */
        assert_int_equal(cfg->rgs[0].serial_acquire, 2); /* a */
        assert_int_equal(cfg->rgs[1].serial_acquire, 0); /* b: not listed */
        assert_int_equal(cfg->rgs[0].serial_release, 1);
        uv_loop_init(&loop);
        x = exec_new(&loop, dir, on_change, NULL);
        exec_set_config(x, cfg, (uint16_t)cfg->nodes[0].id);
        for (int g = 0; g < 3; g++)
                target[g] = (uint16_t)cfg->nodes[0].id;
        exec_input_t in = {.may_hold = true,
                           .targets_valid = true,
                           .services = SVC_ACTIVE,
                           .target = target,
                           .clear_seq = clear};
        run_until(&loop, x, &in, "ONLINE");
        out = slurp(log);
        /* c, then a once c is online; b alongside c */
        assert_true(at(out, "started c") < at(out, "start a"));
        assert_true(at(out, "start b") < at(out, "started c"));
        for (int g = 0; g < 3; g++)
                target[g] = RGM_NO_NODE;
        truncate(log, 0);
        run_until(&loop, x, &in, "OFFLINE");
        out = slurp(log);
        /* a, then c once a is released; b alongside a */
        assert_true(at(out, "stopped a") < at(out, "stop c"));
        assert_true(at(out, "stop b") < at(out, "stopped a"));
        exec_free(x);
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
        hamr_config_free(cfg);
        conf_db_free(db);
        unlink(log);
        snprintf(path, sizeof(path), "%s/start.sh", dir);
        unlink(path);
        snprintf(path, sizeof(path), "%s/stop.sh", dir);
        unlink(path);
        rmdir(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {cmocka_unit_test(test_serial_order)};
        return cmocka_run_group_tests(tests, NULL, NULL);
}
