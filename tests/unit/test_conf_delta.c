/* test_conf_delta: the steps of a live change (src/conf/conf_delta.c):
 * releases before acquisitions, applications then service IPs then
 * filesystems released (each in reverse), filesystems then service IPs
 * then applications acquired (in order); a service IP whose address
 * changed is released and acquired, an application whose scripts changed
 * is left alone; what else changed for a group (renamed, NODES, policies). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/hamr_error.h"
#include "conf/conf.h"
#include "conf/conf_delta.h"

#define KV(...)                                                                                    \
        ((const conf_kv_t[]){__VA_ARGS__}),                                                        \
            (sizeof((const conf_kv_t[]){__VA_ARGS__}) / sizeof(conf_kv_t))
#define ADD(db, cls, name, ...) ok(conf_db_add(db, cls, name, KV(__VA_ARGS__), err, sizeof(err)))
#define MOD(db, cls, name, ...) ok(conf_db_modify(db, cls, name, KV(__VA_ARGS__), err, sizeof(err)))
#define RG                      CONF_CLASS_RESOURCE_GROUP

static char err[CONF_ERR_LEN];

static void ok(int r)
{
        if (r != 0)
                fail_msg("%s", err);
}

static conf_db_t *base(void)
{
        conf_db_t *db = conf_db_new();

        ADD(db, CONF_CLASS_CLUSTER, "demo", {"REPOSITORY", "/dev/hamr_repo"});
        ADD(db, CONF_CLASS_NODE, "n1", {"COMMPATH", "198.18.0.11"});
        ADD(db, CONF_CLASS_NODE, "n2", {"COMMPATH", "198.18.0.12"});
        ADD(db, CONF_CLASS_NODE, "n3", {"COMMPATH", "198.18.0.13"});
        ADD(db, CONF_CLASS_NETWORK, "net1", {"PREFIX", "24"},
            {"INTERFACES", "n1=198.18.0.11 n2=198.18.0.12 n3=198.18.0.13"});
        ADD(db, CONF_CLASS_SERVICE_IP, "sip1", {"ADDRESS", "198.18.0.50"}, {"NETWORK", "net1"});
        ADD(db, CONF_CLASS_SERVICE_IP, "sip2", {"ADDRESS", "198.18.0.51"}, {"NETWORK", "net1"});
        ADD(db, CONF_CLASS_APPLICATION_CONTROLLER, "app1", {"STARTSCRIPT", "/bin/a1"},
            {"STOPSCRIPT", "/bin/s1"});
        ADD(db, CONF_CLASS_APPLICATION_CONTROLLER, "app2", {"STARTSCRIPT", "/bin/a2"},
            {"STOPSCRIPT", "/bin/s2"});
        ADD(db, CONF_CLASS_FILE_SYSTEM, "fs1", {"DEVICE", "/dev/loop7"},
            {"MOUNT_POINT", "/srv/data"});
        ADD(db, CONF_CLASS_FILE_SYSTEM, "fs2", {"DEVICE", "/dev/loop8"},
            {"MOUNT_POINT", "/srv/logs"});
        ADD(db, RG, "rg1", {"NODES", "n1 n2 n3"}, {"SERVICE_LABEL", "sip1"},
            {"APPLICATIONS", "app1"}, {"FILESYSTEM", "fs1"});
        return db;
}

static hamr_config_t *compile(conf_db_t *db)
{
        hamr_config_t *cfg = NULL;

        ok(conf_compile(db, &cfg, err, sizeof(err)));
        return cfg;
}

/* The steps from rg1 in a to rg1 in b, as "acquire|release NAME" words. */
static void steps_of(const hamr_config_t *a, const hamr_config_t *b, char *out, size_t len)
{
        conf_res_t held[CONF_RES_MAX], want[CONF_RES_MAX];
        conf_delta_step_t steps[CONF_DELTA_MAX_STEPS];
        unsigned nh = conf_res_list(a, &a->rgs[0], 0, held);
        unsigned nw = conf_res_list(b, &b->rgs[0], 0, want);
        unsigned n = conf_delta_steps(held, nh, want, nw, steps);

        out[0] = '\0';
        for (unsigned i = 0; i < n; i++) {
                const conf_res_t *r =
                    steps[i].acquire ? &want[steps[i].index] : &held[steps[i].index];
                snprintf(out + strlen(out), len - strlen(out), "%s%s %s", i ? ", " : "",
                         steps[i].acquire ? "acquire" : "release", r->name);
        }
        for (unsigned i = 0; i < nh; i++)
                conf_res_clear(&held[i]);
        for (unsigned i = 0; i < nw; i++)
                conf_res_clear(&want[i]);
}

static void test_nothing_changes(void **state)
{
        conf_db_t *db = base();
        hamr_config_t *a = compile(db), *b = compile(db);
        char s[512];

        (void)state;
        steps_of(a, b, s, sizeof(s));
        assert_string_equal(s, "");
        assert_int_equal(conf_delta_group(a, &a->rgs[0], b, &b->rgs[0]), 0);
        hamr_config_free(a);
        hamr_config_free(b);
        conf_db_free(db);
}

static void test_add_and_remove_in_group_order(void **state)
{
        conf_db_t *db = base();
        hamr_config_t *a = compile(db), *b, *c;
        char s[512];

        (void)state;
        /* everything added: filesystems, then service IPs, then applications */
        MOD(db, RG, "rg1", {"SERVICE_LABEL", "sip1 sip2"}, {"APPLICATIONS", "app1 app2"},
            {"FILESYSTEM", "fs1 fs2"});
        b = compile(db);
        steps_of(a, b, s, sizeof(s));
        assert_string_equal(s, "acquire fs2, acquire sip2, acquire app2");
        assert_int_equal(conf_delta_group(a, &a->rgs[0], b, &b->rgs[0]), CONF_DELTA_RESOURCES);
        /* and taken away again: the reverse */
        steps_of(b, a, s, sizeof(s));
        assert_string_equal(s, "release app2, release sip2, release fs2");
        /* a swap: the release first */
        MOD(db, RG, "rg1", {"SERVICE_LABEL", "sip2"}, {"APPLICATIONS", "app2 app1"},
            {"FILESYSTEM", "fs1"});
        c = compile(db);
        steps_of(a, c, s, sizeof(s));
        assert_string_equal(s, "release sip1, acquire sip2, acquire app2");
        hamr_config_free(a);
        hamr_config_free(b);
        hamr_config_free(c);
        conf_db_free(db);
}

static void test_changed_resources(void **state)
{
        conf_db_t *db = base();
        hamr_config_t *a = compile(db), *b;
        char s[512];

        (void)state;
        /* a new address is a release and an acquisition; new scripts are
         * used at the next start (the application is not restarted) */
        MOD(db, CONF_CLASS_SERVICE_IP, "sip1", {"ADDRESS", "198.18.0.52"});
        MOD(db, CONF_CLASS_APPLICATION_CONTROLLER, "app1", {"STARTSCRIPT", "/bin/other"});
        MOD(db, CONF_CLASS_FILE_SYSTEM, "fs1", {"MOUNT_OPTIONS", "noatime"});
        b = compile(db);
        steps_of(a, b, s, sizeof(s));
        assert_string_equal(s, "release sip1, release fs1, acquire fs1, acquire sip1");
        hamr_config_free(a);
        hamr_config_free(b);
        conf_db_free(db);
}

static void test_group_changes(void **state)
{
        conf_db_t *db = base();
        hamr_config_t *a = compile(db), *b, *c;
        conf_res_t held[CONF_RES_MAX], want[CONF_RES_MAX];
        conf_delta_step_t st[CONF_DELTA_MAX_STEPS];
        char s[512];

        (void)state;
        MOD(db, RG, "rg1", {"NODES", "n2 n3"}, {"STARTUP", "OFAN"});
        b = compile(db);
        assert_int_equal(conf_delta_group(a, &a->rgs[0], b, &b->rgs[0]),
                         CONF_DELTA_NODES | CONF_DELTA_POLICY);
        MOD(db, RG, "rg1", {"NODES", "n1 n2 n3"}, {"STARTUP", "OHN"},
            {"SERVICE_LABEL", "sip1 sip2"});
        c = compile(db);
        assert_int_equal(conf_delta_group(a, &a->rgs[0], c, &c->rgs[0]), CONF_DELTA_RESOURCES);
        /* a step in words; the node's own address on the network */
        unsigned nh = conf_res_list(a, &a->rgs[0], 1, held);
        unsigned nw = conf_res_list(c, &c->rgs[0], 1, want);
        assert_int_equal(conf_delta_steps(held, nh, want, nw, st), 1);
        conf_delta_step_str(&st[0], held, want, s, sizeof(s));
        assert_string_equal(s, "acquire service_ip sip2 (198.18.0.51/24)");
        assert_int_equal(want[2].local.s_addr, c->networks[0].addr[1].s_addr);
        for (unsigned i = 0; i < nh; i++)
                conf_res_clear(&held[i]);
        for (unsigned i = 0; i < nw; i++)
                conf_res_clear(&want[i]);
        hamr_config_free(a);
        hamr_config_free(b);
        hamr_config_free(c);
        conf_db_free(db);
}

/* clmgr modify resource_group rg1 NAME=web_rg: references follow, the ID
 * stays, and the owner has nothing to do */
static void test_rename_keeps_the_id(void **state)
{
        conf_db_t *db = base();
        hamr_config_t *a, *b;
        char s[512];

        (void)state;
        ADD(db, RG, "rg2", {"NODES", "n1 n2"});
        ADD(db, CONF_CLASS_DEPENDENCY, "dep1", {"PARENT", "rg1"}, {"CHILD", "rg2"});
        a = compile(db);
        ok(conf_db_rename(db, RG, "rg1", "web_rg", err, sizeof(err)));
        assert_null(conf_db_find(db, RG, "rg1"));
        assert_string_equal(
            conf_object_get(conf_db_find(db, CONF_CLASS_DEPENDENCY, "dep1"), "PARENT"), "web_rg");
        b = compile(db);
        assert_int_equal(b->rgs[0].id, a->rgs[0].id);
        assert_string_equal(b->rgs[0].name, "web_rg");
        assert_int_equal(conf_delta_group(a, &a->rgs[0], b, &b->rgs[0]), CONF_DELTA_RENAMED);
        steps_of(a, b, s, sizeof(s));
        assert_string_equal(s, "");
        /* refused, nothing changed: another class, a name taken, a bad name */
        assert_int_equal(conf_db_rename(db, CONF_CLASS_SERVICE_IP, "sip1", "x", err, sizeof(err)),
                         -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "only a resource_group is renamed"));
        assert_int_equal(conf_db_rename(db, RG, "web_rg", "rg2", err, sizeof(err)), -HAMR_E_EXISTS);
        assert_int_equal(conf_db_rename(db, RG, "web_rg", "9x", err, sizeof(err)),
                         -HAMR_E_BAD_VALUE);
        assert_int_equal(conf_db_rename(db, RG, "nope", "x", err, sizeof(err)), -HAMR_E_NOT_FOUND);
        assert_non_null(conf_db_find(db, RG, "web_rg"));
        hamr_config_free(a);
        hamr_config_free(b);
        conf_db_free(db);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_nothing_changes),
            cmocka_unit_test(test_add_and_remove_in_group_order),
            cmocka_unit_test(test_changed_resources),
            cmocka_unit_test(test_group_changes),
            cmocka_unit_test(test_rename_keeps_the_id),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
