/* test_conf: unit tests for src/conf (schema lookups, value checks, the
 * object store and its atomicity, the text file, JSON, verify and compile). */
#include <arpa/inet.h>
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
#include "conf/conf_diff.h"

#define KV(...)                                                                                    \
        ((const conf_kv_t[]){__VA_ARGS__}),                                                        \
            (sizeof((const conf_kv_t[]){__VA_ARGS__}) / sizeof(conf_kv_t))

static char err[CONF_ERR_LEN];

static void add_ok(conf_db_t *db, conf_class_t cls, const char *name, const conf_kv_t *kv, size_t n)
{
        int r = conf_db_add(db, cls, name, kv, n, err, sizeof(err));

        if (r != 0)
                fail_msg("add %s failed: %d %s", name, r, err);
}

/* cluster, 3 nodes, network, service_ip, application_controller, rg */
static conf_db_t *build_db(void)
{
        conf_db_t *db = conf_db_new();

        add_ok(db, CONF_CLASS_CLUSTER, "demo", KV({"REPOSITORY", "/dev/hamr_repo"}));
        add_ok(db, CONF_CLASS_NODE, "n1", KV({"COMMPATH", "198.18.0.11"}));
        add_ok(db, CONF_CLASS_NODE, "n2", KV({"COMMPATH", "198.18.0.12"}));
        add_ok(db, CONF_CLASS_NODE, "n3", KV({"COMMPATH", "198.18.0.13"}));
        add_ok(db, CONF_CLASS_NETWORK, "net1",
               KV({"INTERFACES", "n1=198.18.0.11 n2=198.18.0.12,n3=198.18.0.13"}));
        add_ok(db, CONF_CLASS_SERVICE_IP, "svc1",
               KV({"ADDRESS", "198.18.0.100"}, {"NETWORK", "net1"}));
        add_ok(db, CONF_CLASS_APPLICATION_CONTROLLER, "app1",
               KV({"STARTSCRIPT", "/opt/app/start"}, {"STOPSCRIPT", "/opt/app/stop"},
                  {"START_TIMEOUT", "30.0"}));
        add_ok(db, CONF_CLASS_RESOURCE_GROUP, "app_rg",
               KV({"NODES", "n1,n2  n3"}, {"STARTUP", "ofan"}, {"SERVICE_LABEL", "svc1"},
                  {"APPLICATIONS", "app1"}));
        return db;
}

static int setup(void **state)
{
        *state = build_db();
        return 0;
}

static int teardown(void **state)
{
        conf_db_free(*state);
        return 0;
}

static const char *val(const conf_db_t *db, conf_class_t cls, const char *name, const char *attr)
{
        return conf_object_get(conf_db_find(db, cls, name), attr);
}

/* Runs an operation expected to fail: checks rc, that err contains every
 * needle, and that the db is unchanged. */
#define EXPECT_FAIL(db, want, call, ...)                                                           \
        do {                                                                                       \
                char *before_ = conf_db_format(db);                                                \
                const char *needles_[] = {__VA_ARGS__, NULL};                                      \
                err[0] = '\0';                                                                     \
                int r_ = (call);                                                                   \
                char *after_ = conf_db_format(db);                                                 \
                if (r_ != (want))                                                                  \
                        fail_msg("%s: rc %d, want %d (%s)", #call, r_, (want), err);               \
                for (const char **n_ = needles_; *n_; n_++)                                        \
                        if (!strstr(err, *n_))                                                     \
                                fail_msg("%s: \"%s\" not in \"%s\"", #call, *n_, err);             \
                assert_string_equal(before_, after_);                                              \
                free(before_);                                                                     \
                free(after_);                                                                      \
        } while (0)

#define ADD(db, cls, name, ...) conf_db_add(db, cls, name, KV(__VA_ARGS__), err, sizeof(err))
#define MOD(db, cls, name, ...) conf_db_modify(db, cls, name, KV(__VA_ARGS__), err, sizeof(err))

/* ---- schema ---- */

static void test_class_lookup(void **state)
{
        static const struct {
                const char *s;
                conf_class_t cls;
        } ok[] = {
            {"rg", CONF_CLASS_RESOURCE_GROUP},
            {"RESOURCE_GROUP", CONF_CLASS_RESOURCE_GROUP},
            {"Resource_Gr", CONF_CLASS_RESOURCE_GROUP},
            {"r", CONF_CLASS_RESOURCE_GROUP},
            {"sip", CONF_CLASS_SERVICE_IP},
            {"serviceip", CONF_CLASS_SERVICE_IP},
            {"SERVICE", CONF_CLASS_SERVICE_IP},
            {"ac", CONF_CLASS_APPLICATION_CONTROLLER},
            {"app", CONF_CLASS_APPLICATION_CONTROLLER},
            {"net", CONF_CLASS_NETWORK},
            {"Network", CONF_CLASS_NETWORK},
            {"no", CONF_CLASS_NODE},
            {"node", CONF_CLASS_NODE},
            {"CL", CONF_CLASS_CLUSTER},
        };
        conf_class_t cls;

        (void)state;
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
                cls = CONF_CLASS_COUNT;
                if (conf_class_lookup(ok[i].s, &cls) != 0 || cls != ok[i].cls)
                        fail_msg("class lookup \"%s\"", ok[i].s);
        }
        assert_int_equal(conf_class_lookup("foo", &cls), -HAMR_E_BAD_CLASS);
        assert_int_equal(conf_class_lookup("n", &cls), -HAMR_E_BAD_CLASS); /* node/network */
        assert_int_equal(conf_class_lookup("", &cls), -HAMR_E_BAD_CLASS);
        assert_string_equal(conf_class_def(CONF_CLASS_SERVICE_IP)->name, "service_ip");
        assert_null(conf_class_def(CONF_CLASS_COUNT));
}

static void test_attr_lookup(void **state)
{
        const conf_class_def_t *rg = conf_class_def(CONF_CLASS_RESOURCE_GROUP);

        (void)state;
        assert_string_equal(rg->attrs[conf_attr_lookup(CONF_CLASS_RESOURCE_GROUP, "startup")].name,
                            "STARTUP");
        /* FALLBACK is exact; FALLBACK_AT makes "Fallb" ambiguous */
        assert_string_equal(rg->attrs[conf_attr_lookup(CONF_CLASS_RESOURCE_GROUP, "Fallback")].name,
                            "FALLBACK");
        assert_string_equal(
            rg->attrs[conf_attr_lookup(CONF_CLASS_RESOURCE_GROUP, "fallback_a")].name,
            "FALLBACK_AT");
        assert_int_equal(conf_attr_lookup(CONF_CLASS_RESOURCE_GROUP, "Fallb"), -HAMR_E_BAD_ATTR);
        assert_string_equal(rg->attrs[conf_attr_lookup(CONF_CLASS_RESOURCE_GROUP, "SERV")].name,
                            "SERVICE_LABEL");
        assert_int_equal(conf_attr_lookup(CONF_CLASS_RESOURCE_GROUP, "S"), -HAMR_E_BAD_ATTR);
        assert_int_equal(conf_attr_lookup(CONF_CLASS_RESOURCE_GROUP, "FALL"), -HAMR_E_BAD_ATTR);
        assert_int_equal(conf_attr_lookup(CONF_CLASS_RESOURCE_GROUP, "FOO"), -HAMR_E_BAD_ATTR);
        assert_int_equal(conf_attr_lookup(CONF_CLASS_RESOURCE_GROUP, ""), -HAMR_E_BAD_ATTR);
        /* exact match beats prefix: ID is also a prefix of nothing else, STATE exact */
        assert_int_equal(conf_attr_lookup(CONF_CLASS_NODE, "id"), 1);
        assert_int_equal(conf_attr_lookup(CONF_CLASS_CLUSTER, "HEARTBEAT"), -HAMR_E_BAD_ATTR);
        assert_string_equal(rg->attrs[conf_attr_lookup(CONF_CLASS_RESOURCE_GROUP, "FALLBACK")].def,
                            "FBHPN");
}

/* Every default in the schema is a valid, canonical value of its own
 * attribute ("" means "none" and is allowed only for free text), and the
 * flags of each row are consistent. */
static void test_schema_defaults_and_flags(void **state)
{
        (void)state;
        for (int c = 0; c < CONF_CLASS_COUNT; c++) {
                const conf_class_def_t *cd = conf_class_def((conf_class_t)c);

                assert_non_null(cd->help);
                for (size_t i = 0; i < cd->nattrs; i++) {
                        const conf_attr_def_t *ad = &cd->attrs[i];
                        char *canon = NULL;

                        assert_non_null(ad->help);
                        if ((ad->flags & CONF_F_REQUIRED) &&
                            (ad->def || (ad->flags & (CONF_F_READONLY | CONF_F_RUNTIME))))
                                fail_msg("%s %s: required with a default or not settable", cd->name,
                                         ad->name);
                        /* an enum meaningful only with another attribute's value
                         * (NODE_PRIORITY_POLICY, with FALLOVER=FUDNP) has none:
                         * unset is a value of its own */
                        if (ad->type == CONF_T_ENUM && !ad->def &&
                            strcmp(ad->name, "NODE_PRIORITY_POLICY") != 0)
                                fail_msg("%s %s: enum without a default", cd->name, ad->name);
                        if (!ad->def)
                                continue;
                        if (!ad->def[0]) {
                                if (ad->type != CONF_T_STRING)
                                        fail_msg("%s %s: empty default", cd->name, ad->name);
                                continue;
                        }
                        if (conf_value_check((conf_class_t)c, (int)i, ad->def, &canon, err,
                                             sizeof(err)) != 0)
                                fail_msg("%s %s: default \"%s\" is refused: %s", cd->name, ad->name,
                                         ad->def, err);
                        if (strcmp(canon, ad->def) != 0)
                                fail_msg("%s %s: default \"%s\" is not canonical (\"%s\")",
                                         cd->name, ad->name, ad->def, canon);
                        free(canon);
                }
        }
}

/* Enum texts are bound to the C enum values, cover them without gaps and
 * translate both ways. */
static void test_schema_enums(void **state)
{
        const conf_class_t RG = CONF_CLASS_RESOURCE_GROUP, C = CONF_CLASS_CLUSTER;
        const int startup = conf_attr_index(RG, "STARTUP"),
                  fallover = conf_attr_index(RG, "FALLOVER");
        const int fallback = conf_attr_index(RG, "FALLBACK"),
                  dm = conf_attr_index(C, "DEADMAN_MODE");
        const int type = conf_attr_index(CONF_CLASS_NETWORK, "TYPE");
        char buf[256];
        int nenums = 0;

        (void)state;
        for (int c = 0; c < CONF_CLASS_COUNT; c++) {
                const conf_class_def_t *cd = conf_class_def((conf_class_t)c);

                for (size_t i = 0; i < cd->nattrs; i++) {
                        const conf_attr_def_t *ad = &cd->attrs[i];

                        if (ad->type != CONF_T_ENUM) {
                                assert_int_equal(conf_enum_value((conf_class_t)c, (int)i, "x"),
                                                 -HAMR_E_BAD_ATTR);
                                continue;
                        }
                        nenums++;
                        assert_true(ad->enum_count > 0);
                        for (size_t e = 0; e < ad->enum_count; e++) {
                                if (!ad->enum_values[e])
                                        fail_msg("%s %s: no text for enum value %zu", cd->name,
                                                 ad->name, e);
                                assert_int_equal(
                                    conf_enum_value((conf_class_t)c, (int)i, ad->enum_values[e]),
                                    (int)e);
                                assert_string_equal(conf_enum_name((conf_class_t)c, (int)i, (int)e),
                                                    ad->enum_values[e]);
                        }
                        assert_null(conf_enum_name((conf_class_t)c, (int)i, (int)ad->enum_count));
                        assert_null(conf_enum_name((conf_class_t)c, (int)i, -1));
                }
        }
        /* + NODE_PRIORITY_POLICY, DAILY_VERIFICATION, application_controller TYPE */
        assert_int_equal(nenums, 18);
        assert_int_equal(conf_class_def(RG)->attrs[startup].enum_count, RG_STARTUP_COUNT);
        assert_int_equal(conf_class_def(RG)->attrs[fallover].enum_count, RG_FALLOVER_COUNT);
        assert_int_equal(conf_class_def(RG)->attrs[fallback].enum_count, RG_FALLBACK_COUNT);
        assert_int_equal(conf_class_def(C)->attrs[dm].enum_count, DMS_MODE_COUNT);
        assert_int_equal(conf_enum_value(RG, startup, "ohn"), RG_STARTUP_OHN);
        assert_int_equal(conf_enum_value(RG, startup, "OFAN"), RG_STARTUP_OFAN);
        assert_int_equal(conf_enum_value(RG, fallover, "FNPN"), RG_FALLOVER_FNPN);
        assert_int_equal(conf_enum_value(RG, fallback, "NFB"), RG_FALLBACK_NFB);
        assert_int_equal(conf_enum_value(RG, fallback, "fbhpn"), RG_FALLBACK_FBHPN);
        assert_int_equal(conf_enum_value(C, dm, "a"), DMS_MODE_ASSERT);
        assert_int_equal(conf_enum_value(C, dm, "E"), DMS_MODE_EVENT);
        assert_int_equal(conf_enum_value(CONF_CLASS_NETWORK, type, "ether"), CONF_NET_ETHER);
        assert_int_equal(conf_enum_value(RG, fallover, "fudnp"), RG_FALLOVER_FUDNP);
        assert_int_equal(conf_enum_value(RG, fallover, "bo"), RG_FALLOVER_BO);
        assert_int_equal(conf_enum_value(RG, startup, "OAAN"), RG_STARTUP_OAAN);
        /* not in the schema: refused */
        assert_int_equal(conf_enum_value(RG, fallover, "sideways"), -HAMR_E_BAD_VALUE);
        assert_int_equal(conf_enum_value(RG, fallover, NULL), -HAMR_E_BAD_VALUE);
        assert_int_equal(conf_enum_value(RG, -1, "OHN"), -HAMR_E_BAD_ATTR);
        assert_int_equal(conf_attr_index(RG, "startup"), -1); /* exact canonical name only */
        conf_attr_describe(RG, fallback, buf, sizeof(buf));
        assert_string_equal(buf, "NFB, FBHPN");
        conf_attr_describe(RG, -1, buf, sizeof(buf));
        assert_string_equal(buf, "");
        conf_class_names(buf, sizeof(buf));
        assert_string_equal(buf, "cluster, node, network (net), service_ip (sip, serviceip), "
                                 "application_controller (ac, app), resource_group (rg), "
                                 "fallback_timer, application_monitor (am), dependency (dep), "
                                 "file_system (fs, filesystem), event");
}

static void check_canon(conf_class_t cls, const char *attr, const char *in, const char *want)
{
        char *canon = NULL;
        int r = conf_value_check(cls, conf_attr_lookup(cls, attr), in, &canon, err, sizeof(err));

        if (r != 0)
                fail_msg("%s=\"%s\": %d %s", attr, in, r, err);
        assert_string_equal(canon, want);
        free(canon);
}

static void check_bad(conf_class_t cls, const char *attr, const char *in, const char *needle)
{
        char *canon = NULL;
        int r = conf_value_check(cls, conf_attr_lookup(cls, attr), in, &canon, err, sizeof(err));

        if (r != -HAMR_E_BAD_VALUE)
                fail_msg("%s=\"%s\" accepted (%d)", attr, in, r);
        assert_null(canon);
        if (!strstr(err, attr) || !strstr(err, needle))
                fail_msg("message \"%s\" lacks %s or %s", err, attr, needle);
}

static void test_value_check(void **state)
{
        const conf_class_t C = CONF_CLASS_CLUSTER, RG = CONF_CLASS_RESOURCE_GROUP;

        (void)state;
        check_canon(C, "HEARTBEAT_FREQUENCY", "1.50", "1.5");
        check_canon(C, "HEARTBEAT_FREQUENCY", "2", "2");
        check_canon(C, "HEARTBEAT_FREQUENCY", "2.000", "2");
        check_canon(C, "HEARTBEAT_FREQUENCY", " .25 ", "0.25");
        check_canon(C, "HEARTBEAT_FREQUENCY", "007", "7");
        check_canon(C, "GRACE_PERIOD", "0.000001", "0.000001");
        check_canon(C, "GRACE_PERIOD", "0", "0");
        check_canon(C, "HEARTBEAT_PORT", "06190", "6190");
        check_canon(RG, "STARTUP", "ofan", "OFAN");
        check_canon(RG, "FALLBACK", "Nfb", "NFB");
        check_canon(RG, "NODES", " n1, n2,,n3 ", "n1 n2 n3");
        check_canon(CONF_CLASS_NETWORK, "TYPE", "ETHER", "ether");
        check_canon(CONF_CLASS_NETWORK, "INTERFACES", "a=10.0.0.1,b=10.0.0.2",
                    "a=10.0.0.1 b=10.0.0.2");
        check_canon(CONF_CLASS_NODE, "COMMPATH", "10.1.2.3", "10.1.2.3");

        check_bad(RG, "STARTUP", "XYZ", "allowed: OHN, OFAN, OUDP, OAAN");
        assert_string_equal(
            err, "resource_group: STARTUP=\"XYZ\" is not allowed; allowed: OHN, OFAN, OUDP, OAAN");
        check_bad(C, "HEARTBEAT_FREQUENCY", "abc", "seconds");
        check_bad(C, "HEARTBEAT_FREQUENCY", "1e3", "seconds");
        check_bad(C, "HEARTBEAT_FREQUENCY", "-1", "seconds");
        check_bad(C, "HEARTBEAT_FREQUENCY", "1.2345678", "at most 6 decimals");
        check_bad(C, "HEARTBEAT_FREQUENCY", "", "seconds");
        check_bad(C, "HEARTBEAT_FREQUENCY", "0.01", "out of range; allowed: 0.1 to 600 seconds");
        check_bad(C, "HEARTBEAT_FREQUENCY", "601", "out of range");
        check_bad(C, "HEARTBEAT_PORT", "80", "out of range; allowed: 1024 to 65535");
        check_bad(C, "HEARTBEAT_PORT", "12a", "an integer");
        check_bad(C, "HEARTBEAT_PORT", "99999999999", "an integer");
        check_bad(CONF_CLASS_NETWORK, "PREFIX", "33", "1 to 32");
        check_bad(CONF_CLASS_NODE, "COMMPATH", "1.2.3", "IPv4");
        check_bad(CONF_CLASS_NODE, "COMMPATH", "256.1.1.1", "IPv4");
        check_bad(CONF_CLASS_NODE, "COMMPATH", "01.2.3.4", "IPv4");
        check_bad(CONF_CLASS_NODE, "COMMPATH", "0.0.0.0", "IPv4");
        check_bad(CONF_CLASS_NODE, "COMMPATH", "host1", "IPv4");
        check_bad(CONF_CLASS_APPLICATION_CONTROLLER, "STARTSCRIPT", "bin/start", "absolute path");
        check_bad(CONF_CLASS_APPLICATION_CONTROLLER, "STARTSCRIPT", "/a b", "absolute path");
        check_bad(CONF_CLASS_APPLICATION_CONTROLLER, "STARTSCRIPT", "/a;b", "absolute path");
        check_bad(CONF_CLASS_APPLICATION_CONTROLLER, "STARTSCRIPT", "/a\nb", "absolute path");
        check_bad(RG, "NODES", "n1 9x", "\"9x\" is not a valid node name");
        check_bad(RG, "NODES", "n1 n2 n1", "node \"n1\" is listed twice");
        check_bad(RG, "NODES", " , ", "empty");
        check_bad(RG, "SERVICE_LABEL", "s1 s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 s12 s13 s14 s15 s16 s17",
                  "more than 16");
        check_bad(CONF_CLASS_SERVICE_IP, "NETWORK", "a-b", "the name of a network");
        check_bad(CONF_CLASS_NETWORK, "INTERFACES", "n1:10.0.0.1", "is not node=IPV4");
        check_bad(CONF_CLASS_NETWORK, "INTERFACES", "n1=10.0.0", "is not an IPv4 address");
        check_bad(CONF_CLASS_NETWORK, "INTERFACES", "n1=10.0.0.1 n1=10.0.0.2", "listed twice");
        check_bad(CONF_CLASS_NETWORK, "INTERFACES", "n1=10.0.0.1 n2=10.0.0.1",
                  "address 10.0.0.1 is listed twice");
}

/* ---- object store ---- */

static void test_build_and_ids(void **state)
{
        conf_db_t *db = *state;
        const conf_object_t *c = conf_db_find(db, CONF_CLASS_CLUSTER, NULL);

        assert_int_equal(db->nobjs, 8);
        assert_non_null(c);
        assert_string_equal(c->name, "demo");
        assert_true(strtoul(conf_object_get(c, "ID"), NULL, 10) > 0);
        assert_string_equal(val(db, CONF_CLASS_NODE, "n1", "ID"), "0");
        assert_string_equal(val(db, CONF_CLASS_NODE, "n2", "ID"), "1");
        assert_string_equal(val(db, CONF_CLASS_NODE, "n3", "ID"), "2");
        assert_string_equal(val(db, CONF_CLASS_RESOURCE_GROUP, "app_rg", "NODES"), "n1 n2 n3");
        assert_string_equal(val(db, CONF_CLASS_RESOURCE_GROUP, "app_rg", "STARTUP"), "OFAN");
        assert_string_equal(val(db, CONF_CLASS_RESOURCE_GROUP, "app_rg", "FALLBACK"), "FBHPN");
        assert_string_equal(val(db, CONF_CLASS_APPLICATION_CONTROLLER, "app1", "START_TIMEOUT"),
                            "30");
        assert_null(val(db, CONF_CLASS_SERVICE_IP, "svc1", "PREFIX"));
        assert_null(val(db, CONF_CLASS_RESOURCE_GROUP, "app_rg", "STATE"));
        assert_int_equal(conf_db_verify(db, err, sizeof(err)), 0);
        assert_string_equal(err, "");
}

static void test_node_ids_reuse_and_limit(void **state)
{
        conf_db_t *db = conf_db_new();
        char name[16], ip[32];

        (void)state;
        add_ok(db, CONF_CLASS_NODE, "a", KV({"COMMPATH", "10.0.0.1"}));
        add_ok(db, CONF_CLASS_NODE, "b", KV({"COMMPATH", "10.0.0.2"}));
        add_ok(db, CONF_CLASS_NODE, "c", KV({"COMMPATH", "10.0.0.3"}));
        assert_int_equal(conf_db_delete(db, CONF_CLASS_NODE, "b", err, sizeof(err)), 0);
        add_ok(db, CONF_CLASS_NODE, "d", KV({"COMMPATH", "10.0.0.4"}));
        assert_string_equal(val(db, CONF_CLASS_NODE, "d", "ID"), "1");
        for (int i = 3; i < CONF_MAX_NODES; i++) {
                snprintf(name, sizeof(name), "x%d", i);
                snprintf(ip, sizeof(ip), "10.0.1.%d", i);
                add_ok(db, CONF_CLASS_NODE, name, KV({"COMMPATH", ip}));
        }
        assert_string_equal(val(db, CONF_CLASS_NODE, "x63", "ID"), "63");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    ADD(db, CONF_CLASS_NODE, "x64", {"COMMPATH", "10.0.2.1"}),
                    "node \"x64\" cannot be added", "64 nodes");
        conf_db_free(db);
}

static void test_add_errors(void **state)
{
        conf_db_t *db = *state;
        const conf_class_t RG = CONF_CLASS_RESOURCE_GROUP, N = CONF_CLASS_NODE;
        char longname[80];

        EXPECT_FAIL(db, -HAMR_E_BAD_ATTR, ADD(db, RG, "rg2", {"NODES", "n1"}, {"FOO", "1"}),
                    "resource_group \"rg2\": attribute \"FOO\" is unknown for class "
                    "resource_group; known: NODES, STARTUP, FALLOVER, FALLBACK, SERVICE_LABEL");
        EXPECT_FAIL(db, -HAMR_E_BAD_ATTR, ADD(db, RG, "rg2", {"NODES", "n1"}, {"S", "OHN"}),
                    "resource_group \"rg2\": attribute \"S\" is ambiguous",
                    "STARTUP, SERVICE_LABEL");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, ADD(db, RG, "rg2", {"NODES", "n1"}, {"STARTUP", "XYZ"}),
                    "resource_group \"rg2\": STARTUP=\"XYZ\" is not allowed; allowed: OHN, OFAN");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, ADD(db, N, "n4", {"COMMPATH", "198.18.0"}),
                    "node \"n4\": COMMPATH=\"198.18.0\" is not allowed; allowed: an IPv4 address");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    ADD(db, CONF_CLASS_APPLICATION_CONTROLLER, "app2", {"STARTSCRIPT", "start.sh"},
                        {"STOPSCRIPT", "/bin/stop"}),
                    "application_controller \"app2\": STARTSCRIPT=\"start.sh\" is not allowed",
                    "absolute path");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    ADD(db, CONF_CLASS_APPLICATION_CONTROLLER, "app2", {"STARTSCRIPT", "/a"},
                        {"STOPSCRIPT", "/b"}, {"STOP_TIMEOUT", "soon"}),
                    "application_controller \"app2\": STOP_TIMEOUT=\"soon\" is not allowed");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    ADD(db, CONF_CLASS_APPLICATION_CONTROLLER, "app2", {"STARTSCRIPT", "/a"},
                        {"STOPSCRIPT", "/b"}, {"STOP_TIMEOUT", "4000"}),
                    "STOP_TIMEOUT=\"4000\" is out of range; allowed: 0.1 to 3600 seconds");
        /* names */
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, ADD(db, N, "9n", {"COMMPATH", "198.18.0.14"}),
                    "node: NAME=\"9n\" is not allowed; allowed: 1 to 64 characters");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, ADD(db, N, "a-b", {"COMMPATH", "198.18.0.14"}),
                    "NAME=\"a-b\"");
        memset(longname, 'x', 65);
        longname[65] = '\0';
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, ADD(db, N, longname, {"COMMPATH", "198.18.0.14"}),
                    "NAME=\"xxxx");
        longname[64] = '\0';
        add_ok(db, N, longname, KV({"COMMPATH", "198.18.0.14"}));
        EXPECT_FAIL(db, -HAMR_E_MISSING, ADD(db, N, NULL, {"COMMPATH", "198.18.0.15"}),
                    "node: a name is required");
        /* required, duplicates */
        EXPECT_FAIL(db, -HAMR_E_BAD_ATTR, ADD(db, N, "n5", {"ID", ""}), "node \"n5\"", "read-only");
        EXPECT_FAIL(db, -HAMR_E_MISSING, conf_db_add(db, N, "n5", NULL, 0, err, sizeof(err)),
                    "node \"n5\": required attribute missing: COMMPATH");
        EXPECT_FAIL(db, -HAMR_E_MISSING,
                    conf_db_add(db, CONF_CLASS_SERVICE_IP, "s9", NULL, 0, err, sizeof(err)),
                    "required attributes missing: ADDRESS, NETWORK");
        EXPECT_FAIL(db, -HAMR_E_MISSING, ADD(db, RG, "rg2", {"NODES", " "}), "NODES");
        EXPECT_FAIL(db, -HAMR_E_EXISTS, ADD(db, N, "n1", {"COMMPATH", "198.18.0.19"}),
                    "node \"n1\" already exists");
        EXPECT_FAIL(db, -HAMR_E_EXISTS,
                    ADD(db, CONF_CLASS_CLUSTER, "other", {"REPOSITORY", "/dev/x"}),
                    "cluster \"other\" cannot be added: cluster \"demo\" already exists");
        /* references */
        EXPECT_FAIL(db, -HAMR_E_REFERENCE, ADD(db, RG, "rg2", {"NODES", "n1 n9"}),
                    "resource_group \"rg2\": NODES refers to node \"n9\", which does not exist");
        EXPECT_FAIL(
            db, -HAMR_E_REFERENCE,
            ADD(db, CONF_CLASS_SERVICE_IP, "svc2", {"ADDRESS", "198.18.0.101"},
                {"NETWORK", "nonet"}),
            "service_ip \"svc2\": NETWORK refers to network \"nonet\", which does not exist");
        EXPECT_FAIL(db, -HAMR_E_REFERENCE,
                    ADD(db, CONF_CLASS_NETWORK, "net2", {"INTERFACES", "n1=10.0.0.1 n7=10.0.0.7"}),
                    "network \"net2\": INTERFACES refers to node \"n7\", which does not exist");
        EXPECT_FAIL(db, -HAMR_E_REFERENCE,
                    ADD(db, RG, "rg2", {"NODES", "n1"}, {"APPLICATIONS", "app1 app9"}),
                    "APPLICATIONS refers to application_controller \"app9\"");
        /* read-only and runtime */
        EXPECT_FAIL(db, -HAMR_E_BAD_ATTR,
                    ADD(db, N, "n5", {"COMMPATH", "198.18.0.15"}, {"ID", "7"}),
                    "node \"n5\": ID is read-only");
        EXPECT_FAIL(db, -HAMR_E_BAD_ATTR, ADD(db, RG, "rg2", {"NODES", "n1"}, {"state", "ONLINE"}),
                    "resource_group \"rg2\": STATE is read-only");
        /* an unknown class number */
        EXPECT_FAIL(db, -HAMR_E_BAD_CLASS,
                    conf_db_add(db, CONF_CLASS_COUNT, "x", NULL, 0, err, sizeof(err)), "unknown");
        /* last duplicate wins */
        add_ok(db, RG, "rg2", KV({"NODES", "n1"}, {"fallback", "NFB"}, {"FALLBACK", "fbhpn"}));
        assert_string_equal(val(db, RG, "rg2", "FALLBACK"), "FBHPN");
}

static void test_modify(void **state)
{
        conf_db_t *db = *state;
        const conf_class_t RG = CONF_CLASS_RESOURCE_GROUP;

        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    MOD(db, CONF_CLASS_CLUSTER, NULL, {"HEARTBEAT_FREQUENCY", "0.01"}),
                    "cluster: HEARTBEAT_FREQUENCY=\"0.01\" is out of range; allowed: 0.1 to 600 "
                    "seconds");
        EXPECT_FAIL(
            db, -HAMR_E_BAD_VALUE, MOD(db, RG, "app_rg", {"STARTUP", "XYZ"}),
            "resource_group \"app_rg\": STARTUP=\"XYZ\" is not allowed; allowed: OHN, OFAN");
        /* atomic: the first attribute is not applied when the second fails */
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    MOD(db, RG, "app_rg", {"FALLBACK", "NFB"}, {"STARTUP", "XYZ"}), "XYZ");
        EXPECT_FAIL(db, -HAMR_E_REFERENCE,
                    MOD(db, RG, "app_rg", {"FALLBACK", "NFB"}, {"NODES", "n1 n9"}),
                    "resource_group \"app_rg\": NODES refers to node \"n9\", which does not exist");
        EXPECT_FAIL(db, -HAMR_E_MISSING, MOD(db, RG, "app_rg", {"NODES", ""}),
                    "resource_group \"app_rg\": NODES is required and cannot be unset");
        EXPECT_FAIL(db, -HAMR_E_BAD_ATTR, MOD(db, CONF_CLASS_NODE, "n1", {"ID", "5"}),
                    "node \"n1\": ID is read-only", "\"5\"");
        EXPECT_FAIL(db, -HAMR_E_BAD_ATTR, MOD(db, CONF_CLASS_CLUSTER, NULL, {"ID", "5"}),
                    "cluster: ID is read-only");
        EXPECT_FAIL(db, -HAMR_E_BAD_ATTR, MOD(db, RG, "app_rg", {"CURRENT_NODE", "n1"}),
                    "CURRENT_NODE is read-only");
        EXPECT_FAIL(db, -HAMR_E_BAD_ATTR, MOD(db, RG, "app_rg", {"BOGUS", "1"}),
                    "attribute \"BOGUS\" is unknown for class resource_group; known: NODES");
        EXPECT_FAIL(db, -HAMR_E_NOT_FOUND, MOD(db, RG, "nope", {"STARTUP", "OHN"}),
                    "resource_group \"nope\" does not exist");
        EXPECT_FAIL(db, -HAMR_E_NOT_FOUND,
                    MOD(db, CONF_CLASS_CLUSTER, "other", {"GRACE_PERIOD", "1"}),
                    "cluster \"other\" does not exist");
        EXPECT_FAIL(db, -HAMR_E_MISSING, MOD(db, RG, NULL, {"STARTUP", "OHN"}), "name is required");

        assert_int_equal(MOD(db, CONF_CLASS_CLUSTER, NULL, {"heartbeat_freq", "3.00"}), 0);
        assert_string_equal(val(db, CONF_CLASS_CLUSTER, NULL, "HEARTBEAT_FREQUENCY"), "3");
        assert_int_equal(MOD(db, CONF_CLASS_CLUSTER, "demo", {"GRACE_PERIOD", "1.25"}), 0);
        assert_string_equal(val(db, CONF_CLASS_CLUSTER, NULL, "GRACE_PERIOD"), "1.25");
        assert_int_equal(MOD(db, RG, "app_rg", {"FALLBACK", "nfb"}, {"NODES", "n3 n1"}), 0);
        assert_string_equal(val(db, RG, "app_rg", "FALLBACK"), "NFB");
        assert_string_equal(val(db, RG, "app_rg", "NODES"), "n3 n1");
        /* "" unsets back to the default */
        assert_int_equal(MOD(db, RG, "app_rg", {"FALLBACK", ""}, {"SERVICE_LABEL", ""}), 0);
        assert_string_equal(val(db, RG, "app_rg", "FALLBACK"), "FBHPN");
        assert_null(conf_db_find(db, RG, "app_rg")->values[conf_attr_lookup(RG, "FALLBACK")]);
        assert_null(val(db, RG, "app_rg", "SERVICE_LABEL"));
        /* svc1 is free now and can be deleted */
        assert_int_equal(conf_db_delete(db, CONF_CLASS_SERVICE_IP, "svc1", err, sizeof(err)), 0);
}

static void test_delete(void **state)
{
        conf_db_t *db = *state;

        EXPECT_FAIL(db, -HAMR_E_REFERENCE,
                    conf_db_delete(db, CONF_CLASS_SERVICE_IP, "svc1", err, sizeof(err)),
                    "service_ip \"svc1\" cannot be deleted: resource_group \"app_rg\" "
                    "SERVICE_LABEL refers to it");
        EXPECT_FAIL(db, -HAMR_E_REFERENCE,
                    conf_db_delete(db, CONF_CLASS_NODE, "n1", err, sizeof(err)),
                    "node \"n1\" cannot be deleted: network \"net1\" INTERFACES refers to it");
        EXPECT_FAIL(db, -HAMR_E_REFERENCE,
                    conf_db_delete(db, CONF_CLASS_NETWORK, "net1", err, sizeof(err)),
                    "network \"net1\" cannot be deleted: service_ip \"svc1\" NETWORK refers to it");
        EXPECT_FAIL(db, -HAMR_E_REFERENCE,
                    conf_db_delete(db, CONF_CLASS_APPLICATION_CONTROLLER, "app1", err, sizeof(err)),
                    "resource_group \"app_rg\" APPLICATIONS refers to it");
        EXPECT_FAIL(db, -HAMR_E_NOT_FOUND,
                    conf_db_delete(db, CONF_CLASS_NODE, "n9", err, sizeof(err)),
                    "node \"n9\" does not exist");
        assert_int_equal(conf_db_delete(db, CONF_CLASS_RESOURCE_GROUP, "app_rg", err, sizeof(err)),
                         0);
        assert_int_equal(conf_db_delete(db, CONF_CLASS_SERVICE_IP, "svc1", err, sizeof(err)), 0);
        assert_int_equal(conf_db_delete(db, CONF_CLASS_CLUSTER, NULL, err, sizeof(err)), 0);
        assert_null(conf_db_find(db, CONF_CLASS_CLUSTER, NULL));
        EXPECT_FAIL(db, -HAMR_E_NOT_FOUND,
                    conf_db_delete(db, CONF_CLASS_CLUSTER, NULL, err, sizeof(err)),
                    "cluster is not configured");
        assert_int_equal(db->nobjs, 5);
        assert_string_equal(db->objs[0].name, "n1"); /* insertion order kept */
}

static void test_dup(void **state)
{
        conf_db_t *db = *state, *d;
        char *a, *b;

        db->generation = 7;
        d = conf_db_dup(db);
        a = conf_db_format(db);
        b = conf_db_format(d);
        assert_string_equal(a, b);
        assert_int_equal(MOD(d, CONF_CLASS_RESOURCE_GROUP, "app_rg", {"STARTUP", "OHN"}), 0);
        assert_string_equal(val(db, CONF_CLASS_RESOURCE_GROUP, "app_rg", "STARTUP"), "OFAN");
        free(a);
        free(b);
        conf_db_free(d);
        conf_db_free(NULL);
}

/* ---- text file ---- */

static char *read_fixture(const char *name)
{
        char path[512];
        FILE *f;
        char *text;
        long n;

        snprintf(path, sizeof(path), "conf/%s", name);
        f = fopen(path, "r");
        if (!f)
                fail_msg("cannot open %s (the test runs in tests/unit)", path);
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        fseek(f, 0, SEEK_SET);
        text = calloc(1, (size_t)n + 1);
        assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
        fclose(f);
        return text;
}

static void assert_roundtrip(const conf_db_t *db)
{
        char *text = conf_db_format(db), *text2;
        conf_db_t *db2 = NULL;

        if (conf_db_parse(text, &db2, err, sizeof(err)) != 0)
                fail_msg("parse of formatted db failed: %s\n%s", err, text);
        text2 = conf_db_format(db2);
        assert_string_equal(text, text2);
        assert_int_equal(db2->generation, db->generation);
        assert_int_equal(db2->nobjs, db->nobjs);
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_class_def_t *cd = conf_class_def(db->objs[i].cls);

                assert_int_equal(db2->objs[i].cls, db->objs[i].cls);
                assert_string_equal(db2->objs[i].name, db->objs[i].name);
                for (size_t a = 0; a < cd->nattrs; a++) {
                        if (!db->objs[i].values[a])
                                assert_null(db2->objs[i].values[a]);
                        else
                                assert_string_equal(db2->objs[i].values[a], db->objs[i].values[a]);
                }
        }
        free(text);
        free(text2);
        conf_db_free(db2);
}

static void test_format_and_roundtrip(void **state)
{
        conf_db_t *db = *state;
        char *text;

        db->generation = 42;
        text = conf_db_format(db);
        assert_non_null(strstr(text, "# hamr configuration generation 42\n\n[cluster demo]\n"
                                     "REPOSITORY = /dev/hamr_repo\nID = "));
        assert_non_null(strstr(text, "\n\n[node n2]\nCOMMPATH = 198.18.0.12\nID = 1\n\n"));
        assert_non_null(strstr(text, "[resource_group app_rg]\nNODES = n1 n2 n3\nSTARTUP = OFAN\n"
                                     "SERVICE_LABEL = svc1\nAPPLICATIONS = app1\n"));
        assert_null(strstr(text, "FALLBACK")); /* only attributes that are set */
        free(text);
        assert_roundtrip(db);
        conf_db_t *empty = conf_db_new();
        assert_roundtrip(empty);
        conf_db_free(empty);
}

static void test_parse_handwritten(void **state)
{
        char *text = read_fixture("handwritten.conf");
        conf_db_t *db = NULL;
        hamr_config_t *cfg = NULL;

        (void)state;
        if (conf_db_parse(text, &db, err, sizeof(err)) != 0)
                fail_msg("%s", err);
        assert_int_equal(db->generation, 12);
        assert_int_equal(db->nobjs, 11);
        assert_string_equal(val(db, CONF_CLASS_CLUSTER, NULL, "REPOSITORY"), "/var/lib/hamr/repo");
        assert_string_equal(val(db, CONF_CLASS_CLUSTER, NULL, "HEARTBEAT_FREQUENCY"), "2.5");
        assert_string_equal(val(db, CONF_CLASS_CLUSTER, NULL, "HEARTBEAT_INTERVAL"), "0.5");
        assert_non_null(val(db, CONF_CLASS_CLUSTER, NULL, "ID"));
        assert_string_equal(val(db, CONF_CLASS_NODE, "n3", "ID"), "2");
        assert_string_equal(val(db, CONF_CLASS_NETWORK, "lan", "INTERFACES"),
                            "n1=198.18.0.11 n2=198.18.0.12");
        assert_string_equal(val(db, CONF_CLASS_RESOURCE_GROUP, "app_rg", "NODES"), "n2 n1");
        assert_string_equal(val(db, CONF_CLASS_RESOURCE_GROUP, "app_rg", "STARTUP"), "OHN");
        assert_string_equal(val(db, CONF_CLASS_APPLICATION_CONTROLLER, "app1", "STOP_TIMEOUT"),
                            "5");
        assert_non_null(conf_db_find(db, CONF_CLASS_RESOURCE_GROUP, "db_rg"));
        assert_roundtrip(db);
        if (conf_compile(db, &cfg, err, sizeof(err)) != 0)
                fail_msg("%s", err);
        assert_int_equal(cfg->generation, 12);
        assert_int_equal(cfg->nnetworks, 2);
        /* n3 is listed on backbone, so it has no address on lan (the first network) */
        assert_int_equal(cfg->networks[0].addr[2].s_addr, 0);
        assert_int_equal(cfg->networks[1].addr[2].s_addr, htonl(0x0a010003));
        assert_int_equal(cfg->service_ips[1].prefix, 24);
        assert_int_equal(cfg->service_ips[1].network, 1);
        assert_int_equal(cfg->service_ips[0].prefix, 24); /* from the network */
        assert_int_equal(cfg->rgs[0].nodes[0], 1);
        assert_int_equal(cfg->rgs[0].fallback, RG_FALLBACK_NFB);
        assert_int_equal(cfg->appctls[0].stop_timeout_usec, 5 * USEC_PER_SEC);
        assert_int_equal(cfg->appctls[0].start_timeout_usec, 60 * USEC_PER_SEC);
        hamr_config_free(cfg);
        conf_db_free(db);
        free(text);
}

static void parse_fails(const char *text, int want, const char *needle)
{
        conf_db_t *db = (conf_db_t *)0x1;
        int r;

        err[0] = '\0';
        r = conf_db_parse(text, &db, err, sizeof(err));
        if (r != want || !strstr(err, needle))
                fail_msg("parse: rc %d (want %d), \"%s\" lacks \"%s\"", r, want, err, needle);
        assert_ptr_equal(db, (conf_db_t *)0x1); /* not written on failure */
}

static void test_parse_errors(void **state)
{
        (void)state;
        parse_fails("[cluster c]\nREPOSITORY=/r\n[widget w]\n", -HAMR_E_BAD_CLASS,
                    "line 3: class \"widget\" is unknown; known: cluster, node");
        parse_fails("[node n1]\nCOMMPATH=10.0.0.1\nCOLOR=red\n", -HAMR_E_BAD_ATTR,
                    "line 3: node \"n1\": attribute \"COLOR\" is unknown for class node; known: "
                    "COMMPATH, ID, STATE");
        parse_fails("\n\n[rg r]\nS = OHN\n", -HAMR_E_BAD_ATTR,
                    "line 4: resource_group \"r\": "
                    "attribute \"S\" is ambiguous");
        parse_fails(
            "[node n1]\nCOMMPATH = 10.0.0.256\n", -HAMR_E_BAD_VALUE,
            "line 2: node \"n1\": COMMPATH=\"10.0.0.256\" is not allowed; allowed: an IPv4");
        parse_fails(
            "[cluster c]\nREPOSITORY=/r\nGRACE_PERIOD=700\n", -HAMR_E_BAD_VALUE,
            "line 3: cluster \"c\": GRACE_PERIOD=\"700\" is out of range; allowed: 0 to 600 "
            "seconds");
        parse_fails("[node n1]\nSTATE = UP\nCOMMPATH=10.0.0.1\n", -HAMR_E_BAD_ATTR,
                    "line 2: node \"n1\": STATE is read-only");
        parse_fails("[node n1]\n\n[node n2]\nCOMMPATH=10.0.0.2\n", -HAMR_E_MISSING,
                    "line 1: node \"n1\": required attribute missing: COMMPATH");
        parse_fails("[node n1]\nCOMMPATH=10.0.0.1\n[node n1]\n", -HAMR_E_EXISTS,
                    "line 3: node \"n1\" is defined twice (first at line 1)");
        parse_fails("[cluster a]\nREPOSITORY=/r\n[cluster b]\nREPOSITORY=/r\n", -HAMR_E_EXISTS,
                    "line 3: cluster \"b\" cannot be added: cluster \"a\" already exists");
        parse_fails("[node n1]\nCOMMPATH=10.0.0.1\nID=3\n[node n2]\nCOMMPATH=10.0.0.2\nID=3\n",
                    -HAMR_E_BAD_VALUE, "line 4: node \"n2\": ID=\"3\" is not allowed: node \"n1\"");
        parse_fails("[node n1]\nCOMMPATH=10.0.0.1\nID=64\n", -HAMR_E_BAD_VALUE,
                    "line 3: node \"n1\": ID=\"64\" is out of range; allowed: 0 to 63");
        parse_fails(
            "[rg r]\nNODES = n1 n2\n\n[node n1]\nCOMMPATH=10.0.0.1\n", -HAMR_E_REFERENCE,
            "line 1: resource_group \"r\": NODES refers to node \"n2\", which does not exist");
        parse_fails("COMMPATH = 10.0.0.1\n", -HAMR_E_BAD_VALUE,
                    "line 1: \"COMMPATH\" is outside a section");
        parse_fails("[node n1]\nCOMMPATH 10.0.0.1\n", -HAMR_E_BAD_VALUE,
                    "line 2: expected \"KEY = value\"");
        parse_fails("[node n1\n", -HAMR_E_BAD_VALUE,
                    "line 1: section header [node n1 has no closing ]");
        parse_fails("[node]\n", -HAMR_E_BAD_VALUE, "line 1: section [node] is not allowed");
        parse_fails("[node a b]\n", -HAMR_E_BAD_VALUE, "section [node a b] is not allowed");
        parse_fails("[node 1a]\n", -HAMR_E_BAD_VALUE, "line 1: node: NAME=\"1a\" is not allowed");
        parse_fails("[node n1] x\n", -HAMR_E_BAD_VALUE,
                    "line 1: text \"x\" after the section header");
}

/* Longer than inih's line and section buffers: names of 64, a long path,
 * a 64-node list. */
static void test_long_lines(void **state)
{
        conf_db_t *db = conf_db_new();
        char name[CONF_MAX_NAME + 1], path[3001], nodes[CONF_MAX_NODES * (CONF_MAX_NAME + 1)] = "";
        char ip[32],
            text[] = "[node n1]\nCOMMPATH = 10.0.0.1\nCOLOR = "
                     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n";

        (void)state;
        memset(name, 'a', CONF_MAX_NAME);
        name[CONF_MAX_NAME] = '\0';
        path[0] = '/';
        memset(path + 1, 'p', sizeof(path) - 2);
        path[sizeof(path) - 1] = '\0';
        add_ok(db, CONF_CLASS_APPLICATION_CONTROLLER, name,
               KV({"STARTSCRIPT", path}, {"STOPSCRIPT", "/bin/true"}));
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                snprintf(name, sizeof(name), "node_with_a_long_name_%02d_%s", i,
                         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
                snprintf(ip, sizeof(ip), "10.0.%d.1", i);
                add_ok(db, CONF_CLASS_NODE, name, KV({"COMMPATH", ip}));
                strcat(nodes, name);
                strcat(nodes, " ");
        }
        add_ok(db, CONF_CLASS_RESOURCE_GROUP, "big", KV({"NODES", nodes}));
        assert_roundtrip(db);
        conf_db_free(db);
        /* a long line keeps its line number and checks */
        parse_fails(text, -HAMR_E_BAD_ATTR, "line 3: node \"n1\": attribute \"COLOR\" is unknown");
        parse_fails(
            "[node n1]\nCOMMPATH = 10.0.0.1\n"
            "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
            "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
            "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n",
            -HAMR_E_BAD_VALUE, "line 3: expected");
}

/* ---- JSON ---- */

static void test_json(void **state)
{
        conf_db_t *db = *state;
        json_t *j = conf_object_to_json(conf_db_find(db, CONF_CLASS_RESOURCE_GROUP, "app_rg"));
        char *s = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT);

        assert_string_equal(s, "{\"NAME\":\"app_rg\",\"NODES\":\"n1 n2 n3\",\"STARTUP\":\"OFAN\","
                               "\"FALLOVER\":\"FNPN\",\"FALLBACK\":\"FBHPN\",\"SERVICE_LABEL\":"
                               "\"svc1\",\"APPLICATIONS\":\"app1\",\"FILESYSTEM\":\"\","
                               "\"FSCHECK_TOOL\":\"fsck\",\"RTO\":\"\","
                               "\"RECOVERY_METHOD\":\"sequential\",\"ID\":\"1024\","
                               "\"FALLBACK_AT\":\"\",\"NODE_PRIORITY_POLICY\":\"\","
                               "\"NODE_PRIORITY_POLICY_SCRIPT\":\"\","
                               "\"NODE_PRIORITY_POLICY_TIMEOUT\":\"10\"}");
        free(s);
        json_decref(j);
        j = conf_object_to_json(conf_db_find(db, CONF_CLASS_SERVICE_IP, "svc1"));
        s = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT);
        assert_string_equal(s, "{\"NAME\":\"svc1\",\"ADDRESS\":\"198.18.0.100\",\"PREFIX\":\"\","
                               "\"NETWORK\":\"net1\"}");
        free(s);
        json_decref(j);
        j = conf_object_to_json(conf_db_find(db, CONF_CLASS_CLUSTER, NULL));
        assert_string_equal(json_string_value(json_object_get(j, "HEARTBEAT_FREQUENCY")), "1.5");
        assert_string_equal(json_string_value(json_object_get(j, "HEARTBEAT_PORT")), "6190");
        assert_null(json_object_get(j, "STATE"));
        assert_string_equal(json_string_value(json_object_get(j, "DEADMAN_MODE")), "a");
        assert_string_equal(json_string_value(json_object_get(j, "WATCHDOG_TIMEOUT")), "1");
        assert_string_equal(json_string_value(json_object_get(j, "RG_SETTLING_TIME")), "0");
        assert_string_equal(json_string_value(json_object_get(j, "MAX_EVENT_TIME")), "180");
        assert_string_equal(json_string_value(json_object_get(j, "MAX_RG_PROCESSING_TIME")), "180");
        assert_string_equal(json_string_value(json_object_get(j, "SERIAL_ACQUISITION_ORDER")), "");
        assert_string_equal(json_string_value(json_object_get(j, "DAILY_VERIFICATION")), "Enabled");
        assert_string_equal(json_string_value(json_object_get(j, "VERIFICATION_HOUR")), "0");
        assert_int_equal(json_object_size(j), 18);
        json_decref(j);
        assert_null(conf_object_to_json(NULL));
}

/* ---- verify and compile ---- */

static void test_compile(void **state)
{
        conf_db_t *db = *state;
        hamr_config_t *cfg = NULL;

        db->generation = 9;
        assert_int_equal(MOD(db, CONF_CLASS_CLUSTER, NULL, {"HEARTBEAT_PORT", "7000"}), 0);
        if (conf_compile(db, &cfg, err, sizeof(err)) != 0)
                fail_msg("%s", err);
        assert_int_equal(cfg->generation, 9);
        assert_string_equal(cfg->cluster_name, "demo");
        assert_int_equal(cfg->cluster_id,
                         strtoul(val(db, CONF_CLASS_CLUSTER, NULL, "ID"), NULL, 10));
        assert_string_equal(cfg->repository, "/dev/hamr_repo");
        assert_int_equal(cfg->hb_freq_usec, 1500000);
        assert_int_equal(cfg->grace_usec, 500000);
        assert_int_equal(cfg->hb_interval_usec, 200000);
        assert_int_equal(cfg->net_fdt_usec, 1000000);
        assert_int_equal(cfg->port, 7000);
        assert_int_equal(cfg->nnodes, 3);
        assert_string_equal(cfg->nodes[2].name, "n3");
        assert_int_equal(cfg->nodes[2].id, 2);
        assert_int_equal(cfg->nodes[1].commpath.s_addr, htonl(0xc612000c));
        assert_int_equal(cfg->nnetworks, 1);
        assert_int_equal(cfg->networks[0].prefix, 24);
        assert_int_equal(cfg->networks[0].addr[1].s_addr, htonl(0xc612000c));
        assert_int_equal(cfg->networks[0].addr[3].s_addr, 0);
        assert_int_equal(cfg->nservice_ips, 1);
        assert_int_equal(cfg->service_ips[0].addr.s_addr, htonl(0xc6120064));
        assert_int_equal(cfg->service_ips[0].prefix, 24);
        assert_int_equal(cfg->service_ips[0].network, 0);
        assert_int_equal(cfg->nappctls, 1);
        assert_string_equal(cfg->appctls[0].startscript, "/opt/app/start");
        assert_int_equal(cfg->appctls[0].start_timeout_usec, 30 * USEC_PER_SEC);
        assert_int_equal(cfg->nrgs, 1);
        assert_int_equal(cfg->rgs[0].nnodes, 3);
        assert_int_equal(cfg->rgs[0].nodes[0], 0);
        assert_int_equal(cfg->rgs[0].nodes[2], 2);
        assert_int_equal(cfg->rgs[0].startup, RG_STARTUP_OFAN);
        assert_int_equal(cfg->rgs[0].fallover, RG_FALLOVER_FNPN);
        assert_int_equal(cfg->rgs[0].fallback, RG_FALLBACK_FBHPN);
        assert_int_equal(cfg->rgs[0].nsips, 1);
        assert_int_equal(cfg->rgs[0].sips[0], 0);
        assert_int_equal(cfg->rgs[0].napps, 1);
        assert_int_equal(cfg->rgs[0].apps[0], 0);
        assert_int_equal(hamr_config_node_by_name(cfg, "n2"), 1);
        assert_int_equal(hamr_config_node_by_name(cfg, "nx"), -1);
        assert_int_equal(hamr_config_node_by_id(cfg, 2), 2);
        assert_int_equal(hamr_config_node_by_id(cfg, 9), -1);
        assert_int_equal(hamr_config_rg_by_name(cfg, "app_rg"), 0);
        assert_int_equal(hamr_config_rg_by_name(cfg, "x"), -1);
        hamr_config_free(cfg);
        hamr_config_free(NULL);
}

/* NETMON_TARGETS: checked when set (IPv4 unicast, each once, at most 8),
 * canonical, compiled per network, outside the cluster at verify; a
 * two-node cluster without targets gets a warning, not an error. */
static void test_netmon_targets(void **state)
{
        conf_db_t *db = *state;
        hamr_config_t *cfg = NULL;
        char warn[1024];

        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    MOD(db, CONF_CLASS_NETWORK, "net1", {"NETMON_TARGETS", "198.18.0.1 nope"}),
                    "network \"net1\"", "NETMON_TARGETS=\"198.18.0.1 nope\"",
                    "\"nope\" is not an IPv4 address", "up to 8 IPv4 addresses");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    MOD(db, CONF_CLASS_NETWORK, "net1", {"NETMON_TARGETS", "224.0.0.1"}),
                    "not a unicast address");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    MOD(db, CONF_CLASS_NETWORK, "net1", {"NETMON_TARGETS", "127.0.0.1"}),
                    "not a unicast address");
        EXPECT_FAIL(
            db, -HAMR_E_BAD_VALUE,
            MOD(db, CONF_CLASS_NETWORK, "net1", {"NETMON_TARGETS", "198.18.0.1,198.18.0.1"}),
            "198.18.0.1 is listed twice");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    MOD(db, CONF_CLASS_NETWORK, "net1",
                        {"NETMON_TARGETS", "198.18.1.1 198.18.1.2 198.18.1.3 198.18.1.4 "
                                           "198.18.1.5 198.18.1.6 198.18.1.7 198.18.1.8 "
                                           "198.18.1.9"}),
                    "more than 8 addresses");
        assert_int_equal(
            MOD(db, CONF_CLASS_NETWORK, "net1", {"NETMON_TARGETS", " 198.18.0.1, 198.18.0.200 "}),
            0);
        assert_string_equal(val(db, CONF_CLASS_NETWORK, "net1", "NETMON_TARGETS"),
                            "198.18.0.1 198.18.0.200");
        if (conf_compile(db, &cfg, err, sizeof(err)) != 0)
                fail_msg("%s", err);
        assert_int_equal(cfg->networks[0].ntargets, 2);
        assert_int_equal(cfg->networks[0].targets[1].s_addr, htonl(0xc61200c8));
        assert_int_equal(hamr_config_warnings(cfg, warn, sizeof(warn)), 0); /* 3 nodes */
        assert_string_equal(warn, "");
        hamr_config_free(cfg);
        /* a node's address or a service IP proves nothing: refused at verify */
        assert_int_equal(
            MOD(db, CONF_CLASS_NETWORK, "net1", {"NETMON_TARGETS", "198.18.0.12 198.18.0.100"}), 0);
        assert_int_equal(conf_db_verify(db, err, sizeof(err)), -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "network \"net1\": NETMON_TARGETS address 198.18.0.12 is an "
                                    "address of node \"n2\""));
        assert_non_null(strstr(err, "198.18.0.100 is service_ip \"svc1\""));
        /* two nodes: a warning without targets, none with them */
        assert_int_equal(MOD(db, CONF_CLASS_NETWORK, "net1", {"NETMON_TARGETS", ""}), 0);
        assert_int_equal(MOD(db, CONF_CLASS_RESOURCE_GROUP, "app_rg", {"NODES", "n1 n2"}), 0);
        assert_int_equal(
            MOD(db, CONF_CLASS_NETWORK, "net1", {"INTERFACES", "n1=198.18.0.11 n2=198.18.0.12"}),
            0);
        assert_int_equal(conf_db_delete(db, CONF_CLASS_NODE, "n3", err, sizeof(err)), 0);
        if (conf_compile(db, &cfg, err, sizeof(err)) != 0)
                fail_msg("%s", err);
        assert_int_equal(cfg->networks[0].ntargets, 0);
        assert_int_equal(hamr_config_warnings(cfg, warn, sizeof(warn)), 1);
        assert_non_null(strstr(warn, "two-node cluster cannot tell a dead LAN from a dead peer"));
        assert_non_null(strstr(warn, "NETMON_TARGETS on network \"net1\""));
        hamr_config_free(cfg);
        assert_int_equal(MOD(db, CONF_CLASS_NETWORK, "net1", {"NETMON_TARGETS", "198.18.0.1"}), 0);
        if (conf_compile(db, &cfg, err, sizeof(err)) != 0)
                fail_msg("%s", err);
        assert_int_equal(hamr_config_warnings(cfg, warn, sizeof(warn)), 0);
        hamr_config_free(cfg);
}

/* Nodes on no network's INTERFACES use their COMMPATH on the first network. */
static void test_compile_commpath_default(void **state)
{
        conf_db_t *db = conf_db_new();
        hamr_config_t *cfg = NULL;

        (void)state;
        add_ok(db, CONF_CLASS_CLUSTER, "c", KV({"REPOSITORY", "/r"}));
        add_ok(db, CONF_CLASS_NODE, "a", KV({"COMMPATH", "10.0.0.1"}));
        add_ok(db, CONF_CLASS_NODE, "b", KV({"COMMPATH", "10.0.0.2"}));
        add_ok(db, CONF_CLASS_NETWORK, "first", KV({"PREFIX", "8"}));
        add_ok(db, CONF_CLASS_NETWORK, "second", KV({"INTERFACES", "b=192.168.5.2"}));
        add_ok(db, CONF_CLASS_SERVICE_IP, "s", KV({"ADDRESS", "10.9.9.9"}, {"NETWORK", "first"}));
        add_ok(db, CONF_CLASS_RESOURCE_GROUP, "g", KV({"NODES", "a"}, {"SERVICE_LABEL", "s"}));
        if (conf_compile(db, &cfg, err, sizeof(err)) != 0)
                fail_msg("%s", err);
        assert_int_equal(cfg->networks[0].addr[0].s_addr, htonl(0x0a000001));
        assert_int_equal(cfg->networks[0].addr[1].s_addr, 0);
        assert_int_equal(cfg->networks[1].addr[1].s_addr, htonl(0xc0a80502));
        assert_int_equal(cfg->service_ips[0].prefix, 8);
        hamr_config_free(cfg);
        /* b has no address on "first", so it cannot join g */
        assert_int_equal(MOD(db, CONF_CLASS_RESOURCE_GROUP, "g", {"NODES", "a b"}), 0);
        assert_int_equal(conf_db_verify(db, err, sizeof(err)), -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err,
                               "resource_group \"g\": NODES=\"a b\" is not allowed: node \"b\" "
                               "has no address on network \"first\" of SERVICE_LABEL \"s\""));
        conf_db_free(db);
}

static void verify_fails(conf_db_t *db, const char *needle)
{
        hamr_config_t *cfg = (hamr_config_t *)0x1;

        if (conf_db_verify(db, err, sizeof(err)) == 0 || !strstr(err, needle))
                fail_msg("verify: \"%s\" lacks \"%s\"", err, needle);
        assert_int_not_equal(conf_compile(db, &cfg, err, sizeof(err)), 0);
        assert_ptr_equal(cfg, (hamr_config_t *)0x1);
}

/* OUDP: only with FALLOVER FNPN and FALLBACK NFB (PowerHA's table), the
 * refusal naming the rule; compiled. */
static void test_oudp_combinations(void **state)
{
        conf_db_t *db = *state;
        const conf_class_t RG = CONF_CLASS_RESOURCE_GROUP;
        hamr_config_t *cfg = NULL;

        (void)state;
        assert_int_equal(MOD(db, RG, "app_rg", {"STARTUP", "oudp"}, {"FALLBACK", "FBHPN"}), 0);
        verify_fails(db, "resource_group \"app_rg\": STARTUP=\"OUDP\" FALLOVER=\"FNPN\" "
                         "FALLBACK=\"FBHPN\" is not an allowed combination; allowed: STARTUP OHN "
                         "or OFAN with FALLOVER FNPN, FUDNP or BO and FALLBACK NFB or FBHPN, "
                         "STARTUP OUDP with FALLOVER FNPN or BO and FALLBACK NFB");
        assert_int_equal(MOD(db, RG, "app_rg", {"FALLBACK", "NFB"}), 0);
        assert_int_equal(conf_compile(db, &cfg, err, sizeof(err)), 0);
        assert_int_equal(cfg->rgs[hamr_config_rg_by_name(cfg, "app_rg")].startup, RG_STARTUP_OUDP);
        hamr_config_free(cfg);
}

/* OAAN (a concurrent group): only with FALLOVER BO and FALLBACK NFB,
 * without SERVICE_LABEL or FILESYSTEM, in no dependency (refused at add
 * and modify, naming the rule, nothing changed); BO also with OHN, OFAN
 * and OUDP; compiled. */
static void test_oaan_combinations(void **state)
{
        conf_db_t *db = *state;
        const conf_class_t RG = CONF_CLASS_RESOURCE_GROUP;
        hamr_config_t *cfg = NULL;

        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    ADD(db, RG, "conc", {"NODES", "n1 n2 n3"}, {"STARTUP", "OAAN"}),
                    "resource_group \"conc\": STARTUP=\"OAAN\" FALLOVER=\"FNPN\" "
                    "FALLBACK=\"FBHPN\" is not an allowed combination; allowed: STARTUP OAAN "
                    "only with FALLOVER BO and FALLBACK NFB");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    ADD(db, RG, "conc", {"NODES", "n1 n2 n3"}, {"STARTUP", "OAAN"},
                        {"FALLOVER", "BO"}, {"FALLBACK", "FBHPN"}),
                    "FALLBACK=\"FBHPN\" is not an allowed combination");
        EXPECT_FAIL(
            db, -HAMR_E_BAD_VALUE,
            MOD(db, RG, "app_rg", {"STARTUP", "OAAN"}, {"FALLOVER", "BO"}, {"FALLBACK", "NFB"}),
            "resource_group \"app_rg\": SERVICE_LABEL=\"svc1\" is not allowed with "
            "STARTUP=\"OAAN\"; allowed: no SERVICE_LABEL in a concurrent group");
        assert_int_equal(ADD(db, RG, "conc", {"NODES", "n1 n2 n3"}, {"STARTUP", "oaan"},
                             {"FALLOVER", "bo"}, {"FALLBACK", "nfb"}),
                         0);
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, MOD(db, RG, "conc", {"FALLOVER", "FNPN"}),
                    "allowed: STARTUP OAAN only with FALLOVER BO and FALLBACK NFB");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    ADD(db, CONF_CLASS_DEPENDENCY, "d1", {"PARENT", "conc"}, {"CHILD", "app_rg"}),
                    "dependency \"d1\": PARENT=\"conc\" names resource_group \"conc\", a "
                    "concurrent group (STARTUP=OAAN); allowed: dependencies between "
                    "non-concurrent groups only");
        /* BO with the other startup policies */
        assert_int_equal(MOD(db, RG, "app_rg", {"FALLOVER", "BO"}), 0);
        assert_int_equal(conf_compile(db, &cfg, err, sizeof(err)), 0);
        assert_int_equal(cfg->rgs[hamr_config_rg_by_name(cfg, "conc")].startup, RG_STARTUP_OAAN);
        assert_int_equal(cfg->rgs[hamr_config_rg_by_name(cfg, "conc")].fallover, RG_FALLOVER_BO);
        assert_true(CONF_RG_CONCURRENT(&cfg->rgs[hamr_config_rg_by_name(cfg, "conc")]));
        assert_false(CONF_RG_CONCURRENT(&cfg->rgs[hamr_config_rg_by_name(cfg, "app_rg")]));
        assert_int_equal(cfg->rgs[hamr_config_rg_by_name(cfg, "app_rg")].fallover, RG_FALLOVER_BO);
        hamr_config_free(cfg);
}

/* FUDNP: NODE_PRIORITY_POLICY goes with FALLOVER=FUDNP, the script with the
 * udscript policies (at add, modify and verify, the refusal naming the
 * rule, nothing changed); not with OUDP; compiled. */
static void test_fudnp_rules(void **state)
{
        conf_db_t *db = *state;
        const conf_class_t RG = CONF_CLASS_RESOURCE_GROUP;
        hamr_config_t *cfg = NULL;
        const conf_rg_t *r;

        assert_int_equal(MOD(db, RG, "app_rg", {"FALLOVER", "FUDNP"}), -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "resource_group \"app_rg\": FALLOVER=\"FUDNP\" needs "
                                    "NODE_PRIORITY_POLICY; allowed: NODE_PRIORITY_POLICY only with "
                                    "FALLOVER=FUDNP"));
        assert_string_equal(conf_object_get(conf_db_find(db, RG, "app_rg"), "FALLOVER"), "FNPN");
        assert_int_equal(MOD(db, RG, "app_rg", {"NODE_PRIORITY_POLICY", "cl_highest_free_mem"}),
                         -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "NODE_PRIORITY_POLICY=\"cl_highest_free_mem\" is not "
                                    "allowed with FALLOVER=\"FNPN\""));
        assert_int_equal(MOD(db, RG, "app_rg", {"FALLOVER", "FUDNP"},
                             {"NODE_PRIORITY_POLICY", "cl_highest_udscript_rc"}),
                         -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "needs NODE_PRIORITY_POLICY_SCRIPT"));
        assert_int_equal(MOD(db, RG, "app_rg", {"FALLOVER", "FUDNP"},
                             {"NODE_PRIORITY_POLICY", "cl_lowest_disk_busy"},
                             {"NODE_PRIORITY_POLICY_SCRIPT", "/bin/true"}),
                         -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "NODE_PRIORITY_POLICY_SCRIPT=\"/bin/true\" is not allowed "
                                    "with NODE_PRIORITY_POLICY=\"cl_lowest_disk_busy\""));
        assert_int_equal(
            MOD(db, RG, "app_rg", {"FALLOVER", "FUDNP"}, {"NODE_PRIORITY_POLICY", "bogus"}),
            -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "cl_highest_free_mem, cl_highest_idle_cpu, "
                                    "cl_lowest_disk_busy, cl_highest_udscript_rc, "
                                    "cl_lowest_nonzero_udscript_rc"));
        assert_int_equal(MOD(db, RG, "app_rg", {"FALLOVER", "FUDNP"},
                             {"NODE_PRIORITY_POLICY", "cl_lowest_nonzero_udscript_rc"},
                             {"NODE_PRIORITY_POLICY_SCRIPT", "/bin/true"},
                             {"NODE_PRIORITY_POLICY_TIMEOUT", "5"}),
                         0);
        assert_int_equal(conf_compile(db, &cfg, err, sizeof(err)), 0);
        r = &cfg->rgs[hamr_config_rg_by_name(cfg, "app_rg")];
        assert_int_equal(r->fallover, RG_FALLOVER_FUDNP);
        assert_int_equal(r->dnp_policy, CONF_DNP_SCRIPT_LOW);
        assert_string_equal(r->dnp_script, "/bin/true");
        assert_int_equal(r->dnp_timeout_usec, 5 * USEC_PER_SEC);
        hamr_config_free(cfg);
        /* PowerHA: no dynamic node priority with the distribution policy */
        assert_int_equal(MOD(db, RG, "app_rg", {"STARTUP", "OUDP"}, {"FALLBACK", "NFB"}), 0);
        verify_fails(db, "STARTUP=\"OUDP\" FALLOVER=\"FUDNP\" FALLBACK=\"NFB\" is not an "
                         "allowed combination");
}

/* The customised processing order: cluster lists of existing groups, each
 * at most once; compiled into each group's position. */
static void test_serial_order(void **state)
{
        conf_db_t *db = *state;
        const conf_class_t C = CONF_CLASS_CLUSTER;
        hamr_config_t *cfg = NULL;

        assert_int_equal(MOD(db, C, NULL, {"SERIAL_ACQUISITION_ORDER", "app_rg app_rg"}),
                         -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "SERIAL_ACQUISITION_ORDER=\"app_rg app_rg\" is not allowed "
                                    "(resource_group \"app_rg\" is listed twice)"));
        assert_int_not_equal(MOD(db, C, NULL, {"SERIAL_RELEASE_ORDER", "no_such_rg"}), 0);
        assert_non_null(strstr(err, "no_such_rg"));
        assert_int_equal(MOD(db, C, NULL, {"SERIAL_ACQUISITION_ORDER", "app_rg"},
                             {"SERIAL_RELEASE_ORDER", "app_rg"}),
                         0);
        assert_int_equal(conf_compile(db, &cfg, err, sizeof(err)), 0);
        assert_int_equal(cfg->rgs[hamr_config_rg_by_name(cfg, "app_rg")].serial_acquire, 1);
        assert_int_equal(cfg->rgs[hamr_config_rg_by_name(cfg, "app_rg")].serial_release, 1);
        hamr_config_free(cfg);
        /* a listed group is not deleted; the lists are emptied with "" */
        assert_int_not_equal(
            conf_db_delete(db, CONF_CLASS_RESOURCE_GROUP, "app_rg", err, sizeof(err)), 0);
        assert_non_null(strstr(err, "SERIAL_ACQUISITION_ORDER"));
        assert_int_equal(
            MOD(db, C, NULL, {"SERIAL_ACQUISITION_ORDER", ""}, {"SERIAL_RELEASE_ORDER", ""}), 0);
        assert_int_equal(conf_db_delete(db, CONF_CLASS_RESOURCE_GROUP, "app_rg", err, sizeof(err)),
                         0);
}

/* RG_SETTLING_TIME, fallback_timer and FALLBACK_AT: the fields REPEATS
 * uses (inferred at add when omitted), dates that exist, FALLBACK_AT only
 * with FBHPN (at add, modify and verify), deletion of a timer in use,
 * and the compiled view. */
static void test_fallback_timers(void **state)
{
        conf_db_t *db = *state;
        const conf_class_t T = CONF_CLASS_FALLBACK_TIMER, RG = CONF_CLASS_RESOURCE_GROUP;
        hamr_config_t *cfg = NULL;

        /* REPEATS inferred from the fields given, as PowerHA's add */
        add_ok(db, T, "nightly", KV({"HOUR", "2"}, {"MINUTE", "0"}));
        add_ok(db, T, "sunday", KV({"DAY_OF_WEEK", "0"}, {"HOUR", "3"}, {"MINUTE", "30"}));
        add_ok(db, T, "first", KV({"DAY_OF_MONTH", "1"}, {"HOUR", "0"}, {"MINUTE", "5"}));
        add_ok(db, T, "xmas",
               KV({"MONTH", "12"}, {"DAY_OF_MONTH", "25"}, {"HOUR", "1"}, {"MINUTE", "0"}));
        add_ok(db, T, "leap",
               KV({"YEAR", "2028"}, {"MONTH", "2"}, {"DAY_OF_MONTH", "29"}, {"HOUR", "1"},
                  {"MINUTE", "0"}));
        assert_string_equal(conf_object_get(conf_db_find(db, T, "nightly"), "REPEATS"), "daily");
        assert_string_equal(conf_object_get(conf_db_find(db, T, "sunday"), "REPEATS"), "weekly");
        assert_string_equal(conf_object_get(conf_db_find(db, T, "first"), "REPEATS"), "monthly");
        assert_string_equal(conf_object_get(conf_db_find(db, T, "xmas"), "REPEATS"), "yearly");
        assert_string_equal(conf_object_get(conf_db_find(db, T, "leap"), "REPEATS"), "once");

        EXPECT_FAIL(db, -HAMR_E_MISSING,
                    ADD(db, T, "t1", {"REPEATS", "weekly"}, {"HOUR", "1"}, {"MINUTE", "0"}),
                    "fallback_timer \"t1\": REPEATS=\"weekly\" needs DAY_OF_WEEK; allowed: "
                    "REPEATS=once with YEAR, MONTH and DAY_OF_MONTH");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    ADD(db, T, "t1", {"REPEATS", "daily"}, {"DAY_OF_WEEK", "3"}, {"HOUR", "1"},
                        {"MINUTE", "0"}),
                    "fallback_timer \"t1\": DAY_OF_WEEK=\"3\" is not used with "
                    "REPEATS=\"daily\"");
        EXPECT_FAIL(db, -HAMR_E_MISSING, ADD(db, T, "t1", {"DAY_OF_WEEK", "3"}),
                    "fallback_timer \"t1\": required attributes missing: HOUR, MINUTE");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    ADD(db, T, "t1", {"DAY_OF_WEEK", "7"}, {"HOUR", "1"}, {"MINUTE", "0"}),
                    "fallback_timer \"t1\": DAY_OF_WEEK=\"7\" is out of range; allowed: 0 to 6");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    ADD(db, T, "t1", {"YEAR", "2027"}, {"MONTH", "2"}, {"DAY_OF_MONTH", "29"},
                        {"HOUR", "1"}, {"MINUTE", "0"}),
                    "fallback_timer \"t1\": DAY_OF_MONTH=\"29\" does not exist in MONTH=\"2\" "
                    "of YEAR=\"2027\"; allowed: 1 to 28");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    ADD(db, T, "t1", {"MONTH", "4"}, {"DAY_OF_MONTH", "31"}, {"HOUR", "1"},
                        {"MINUTE", "0"}),
                    "DAY_OF_MONTH=\"31\" does not exist in MONTH=\"4\"; allowed: 1 to 30");
        EXPECT_FAIL(db, -HAMR_E_MISSING, MOD(db, T, "sunday", {"REPEATS", "monthly"}),
                    "fallback_timer \"sunday\": REPEATS=\"monthly\" needs DAY_OF_MONTH");
        assert_int_equal(MOD(db, T, "sunday", {"REPEATS", "monthly"}, {"DAY_OF_WEEK", ""},
                             {"DAY_OF_MONTH", "31"}),
                         0);

        /* FALLBACK_AT: an existing timer, only with FBHPN */
        EXPECT_FAIL(db, -HAMR_E_REFERENCE, MOD(db, RG, "app_rg", {"FALLBACK_AT", "nope"}),
                    "resource_group \"app_rg\": FALLBACK_AT refers to fallback_timer \"nope\", "
                    "which does not exist");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    MOD(db, RG, "app_rg", {"FALLBACK", "NFB"}, {"FALLBACK_AT", "nightly"}),
                    "resource_group \"app_rg\": FALLBACK_AT=\"nightly\" is not allowed with "
                    "FALLBACK=\"NFB\"; allowed: a delayed fallback timer only with "
                    "FALLBACK=FBHPN");
        EXPECT_FAIL(
            db, -HAMR_E_BAD_VALUE,
            ADD(db, RG, "rg2", {"NODES", "n1"}, {"FALLBACK", "NFB"}, {"FALLBACK_AT", "nightly"}),
            "FALLBACK_AT=\"nightly\" is not allowed with FALLBACK=\"NFB\"");
        assert_int_equal(MOD(db, RG, "app_rg", {"FALLBACK_AT", "nightly"}), 0);
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, MOD(db, RG, "app_rg", {"FALLBACK", "NFB"}),
                    "FALLBACK_AT=\"nightly\" is not allowed with FALLBACK=\"NFB\"");
        EXPECT_FAIL(db, -HAMR_E_REFERENCE, conf_db_delete(db, T, "nightly", err, sizeof(err)),
                    "fallback_timer \"nightly\" cannot be deleted: resource_group \"app_rg\" "
                    "FALLBACK_AT refers to it");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    MOD(db, CONF_CLASS_CLUSTER, NULL, {"RG_SETTLING_TIME", "3601"}),
                    "cluster: RG_SETTLING_TIME=\"3601\" is out of range; allowed: 0 to 3600");
        assert_int_equal(MOD(db, CONF_CLASS_CLUSTER, NULL, {"RG_SETTLING_TIME", "30"}), 0);
        /* the daily verification and a group's RTO (hamr extension) */
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    MOD(db, CONF_CLASS_CLUSTER, NULL, {"VERIFICATION_HOUR", "24"}),
                    "cluster: VERIFICATION_HOUR=\"24\" is out of range; allowed: 0 to 23");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, MOD(db, RG, "app_rg", {"RTO", "0"}), "RTO=\"0\"");
        assert_int_equal(MOD(db, CONF_CLASS_CLUSTER, NULL, {"VERIFICATION_HOUR", "3"},
                             {"DAILY_VERIFICATION", "Disabled"}),
                         0);
        assert_int_equal(MOD(db, RG, "app_rg", {"RTO", "2.5"}), 0);

        assert_int_equal(conf_compile(db, &cfg, err, sizeof(err)), 0);
        assert_int_equal(cfg->verify_hour, 3);
        assert_false(cfg->daily_verify);
        assert_int_equal(cfg->rgs[0].rto_usec, 2500 * USEC_PER_MSEC);
        assert_int_equal(cfg->settling_usec, 30 * USEC_PER_SEC);
        assert_int_equal(cfg->ntimers, 5);
        assert_int_equal(cfg->rgs[0].fallback_at, 1);
        assert_string_equal(cfg->timers[0].name, "nightly");
        assert_int_equal(cfg->timers[0].repeats, CONF_REPEATS_DAILY);
        assert_int_equal(cfg->timers[0].hour, 2);
        assert_int_equal(cfg->timers[0].day_of_week, -1);
        assert_int_equal(cfg->timers[1].repeats, CONF_REPEATS_MONTHLY);
        assert_int_equal(cfg->timers[1].day_of_month, 31);
        assert_int_equal(cfg->timers[4].year, 2028);
        hamr_config_free(cfg);

        /* a stored file with a broken rule fails verify, naming the rule */
        conf_object_t *o = conf_db_find(db, RG, "app_rg");
        int fb = conf_attr_index(RG, "FALLBACK");
        free(o->values[fb]);
        o->values[fb] = strdup("NFB");
        verify_fails(db, "resource_group \"app_rg\": FALLBACK_AT=\"nightly\" is not allowed "
                         "with FALLBACK=\"NFB\"");
}

static void test_verify_errors(void **state)
{
        conf_db_t *db = *state, *empty = conf_db_new();
        const conf_class_t C = CONF_CLASS_CLUSTER, S = CONF_CLASS_SERVICE_IP;

        assert_int_equal(conf_db_verify(empty, err, sizeof(err)), -HAMR_E_NOT_CONFIGURED);
        assert_non_null(strstr(
            err, "cluster is not configured; add it with REPOSITORY set\nno node is configured"));
        conf_db_free(empty);

        assert_int_equal(MOD(db, S, "svc1", {"ADDRESS", "10.0.0.5"}), 0);
        verify_fails(db, "service_ip \"svc1\": ADDRESS=\"10.0.0.5\" is outside network \"net1\" "
                         "(PREFIX 24) of every node address on it");
        assert_int_equal(MOD(db, S, "svc1", {"ADDRESS", "198.18.0.12"}), 0);
        verify_fails(db,
                     "service_ip \"svc1\": ADDRESS=\"198.18.0.12\" is an address of node \"n2\"");
        assert_int_equal(MOD(db, S, "svc1", {"ADDRESS", "198.18.0.100"}), 0);
        add_ok(db, S, "svc2", KV({"ADDRESS", "198.18.0.100"}, {"NETWORK", "net1"}));
        verify_fails(db, "service_ip \"svc2\": ADDRESS=\"198.18.0.100\" is also the address of "
                         "service_ip \"svc1\"");
        assert_int_equal(MOD(db, S, "svc2", {"ADDRESS", "198.18.0.101"}), 0);
        add_ok(db, CONF_CLASS_RESOURCE_GROUP, "rg2",
               KV({"NODES", "n1"}, {"SERVICE_LABEL", "svc1 svc2"}));
        verify_fails(db, "resource_group \"rg2\": SERVICE_LABEL=\"svc1 svc2\" is not allowed: "
                         "service_ip \"svc1\" already belongs to resource_group \"app_rg\"");
        assert_int_equal(conf_db_delete(db, CONF_CLASS_RESOURCE_GROUP, "rg2", err, sizeof(err)), 0);
        assert_int_equal(conf_db_verify(db, err, sizeof(err)), 0);

        /* timers: both relations broken, both reported, one per line */
        assert_int_equal(MOD(db, C, NULL, {"HEARTBEAT_INTERVAL", "0.6"},
                             {"NETWORK_FAILURE_DETECTION_TIME", "2"}),
                         0);
        assert_int_equal(conf_db_verify(db, err, sizeof(err)), -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "cluster \"demo\": HEARTBEAT_INTERVAL=\"0.6\" is too long for "
                                    "HEARTBEAT_FREQUENCY=\"1.5\"; allowed: HEARTBEAT_INTERVAL * 3 "
                                    "<= HEARTBEAT_FREQUENCY (at most 0.5)\n"));
        assert_non_null(strstr(err,
                               "\ncluster \"demo\": NETWORK_FAILURE_DETECTION_TIME=\"2\" is too "
                               "long for HEARTBEAT_FREQUENCY=\"1.5\" and GRACE_PERIOD=\"0.5\""));
        assert_int_equal(MOD(db, C, NULL, {"HEARTBEAT_INTERVAL", "0.25"},
                             {"NETWORK_FAILURE_DETECTION_TIME", "1.999"}),
                         0);
        assert_int_equal(conf_db_verify(db, err, sizeof(err)), 0);

        /* takeover waits for certainty: the watchdog must fire before the
         * others can declare the node down (fence margin 0.2 s at 2 s) */
        assert_int_equal(
            MOD(db, C, NULL, {"HEARTBEAT_INTERVAL", "0.2"}, {"WATCHDOG_TIMEOUT", "1.7"}), 0);
        assert_int_equal(conf_db_verify(db, err, sizeof(err)), -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err,
                               "cluster \"demo\": WATCHDOG_TIMEOUT=\"1.7\" is too long for "
                               "HEARTBEAT_FREQUENCY=\"1.5\" and GRACE_PERIOD=\"0.5\"; allowed: "
                               "WATCHDOG_TIMEOUT + fence margin (0.2) + 3 * HEARTBEAT_INTERVAL "
                               "<= HEARTBEAT_FREQUENCY + GRACE_PERIOD, so WATCHDOG_TIMEOUT at "
                               "most 1.2"));
        assert_int_equal(MOD(db, C, NULL, {"WATCHDOG_TIMEOUT", "1.2"}), 0);
        assert_int_equal(conf_db_verify(db, err, sizeof(err)), 0);
        assert_int_not_equal(MOD(db, C, NULL, {"DEADMAN_MODE", "x"}), 0);
        assert_int_equal(MOD(db, C, NULL, {"DEADMAN_MODE", "E"}), 0);
        assert_string_equal(conf_object_get(conf_db_find(db, C, NULL), "DEADMAN_MODE"), "e");

        /* backup repositories (ARR) */
        assert_int_equal(MOD(db, C, NULL, {"BACKUP_REPOSITORIES", "/dev/b1 /dev/b2"}), 0);
        assert_int_equal(conf_db_check_cluster(db, err, sizeof(err)), 0);
        assert_int_equal(MOD(db, C, NULL, {"BACKUP_REPOSITORIES", "/dev/b1 relative"}), 0);
        assert_int_equal(conf_db_check_cluster(db, err, sizeof(err)), -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "BACKUP_REPOSITORIES=\"/dev/b1 relative\" is not allowed: "
                                    "\"relative\" is not an absolute path"));
        assert_int_equal(MOD(db, C, NULL, {"BACKUP_REPOSITORIES", "/dev/b1 /dev/b1"}), 0);
        assert_int_equal(conf_db_check_cluster(db, err, sizeof(err)), -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "is listed twice"));
        assert_int_equal(MOD(db, C, NULL, {"BACKUP_REPOSITORIES", "/a /b /c /d /e /f /g"}), 0);
        assert_int_equal(conf_db_check_cluster(db, err, sizeof(err)), -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "\"/g\" is one too many"));
        assert_int_equal(MOD(db, C, NULL, {"BACKUP_REPOSITORIES", ""}), 0);
        assert_int_equal(conf_db_verify(db, err, sizeof(err)), 0);

        /* a node on the rg's list without an address on the service label's network */
        add_ok(db, CONF_CLASS_NODE, "n4", KV({"COMMPATH", "198.18.0.14"}));
        assert_int_equal(conf_db_verify(db, err, sizeof(err)), 0);
        assert_int_equal(
            MOD(db, CONF_CLASS_NETWORK, "net1", {"INTERFACES", "n1=198.18.0.11 n2=198.18.0.12"}),
            0);
        add_ok(db, CONF_CLASS_NETWORK, "net2", KV({"INTERFACES", "n3=10.3.0.3 n4=10.3.0.4"}));
        verify_fails(db,
                     "resource_group \"app_rg\": NODES=\"n1 n2 n3\" is not allowed: node \"n3\" "
                     "has no address on network \"net1\" of SERVICE_LABEL \"svc1\"");
        /* the same address on two nodes */
        assert_int_equal(
            MOD(db, CONF_CLASS_NETWORK, "net2", {"INTERFACES", "n3=10.3.0.3 n4=198.18.0.11"}), 0);
        verify_fails(db, "node \"n4\": address 198.18.0.11 is also used by node \"n1\"");
}

/* A db built by hand (not through conf_db_add) gets the generic checks too. */
/* application_monitor: PowerHA's command line as typed, its defaults, the
 * refused values (Process, startup), RESTARTINTERVAL's default rule and
 * lower bound, controllers of one group only. */
static void test_application_monitor(void **state)
{
        const conf_class_t AM = CONF_CLASS_APPLICATION_MONITOR;
        conf_db_t *db = *state;
        hamr_config_t *cfg = NULL;
        conf_class_t cls;

        assert_int_equal(conf_class_lookup("am", &cls), 0);
        assert_int_equal(cls, AM);
        add_ok(db, AM, "am1",
               KV({"TYPE", "Custom"}, {"APPLICATIONS", "app1"}, {"MODE", "longrunning"},
                  {"MONITORMETHOD", "/usr/local/bin/check"}, {"MONITORINTERVAL", "30"},
                  {"STABILIZATION", "60"}, {"RESTARTCOUNT", "3"}, {"FAILUREACTION", "fallover"}));
        assert_string_equal(val(db, AM, "am1", "HUNG_MONITOR_SIGNAL"), "9");
        assert_int_equal(conf_compile(db, &cfg, err, sizeof(err)), 0);
        assert_int_equal(cfg->nappmons, 1);
        assert_int_equal(cfg->appmons[0].rg, 0);
        assert_int_equal(cfg->appmons[0].napps, 1);
        assert_int_equal(cfg->appmons[0].restart_count, 3);
        assert_int_equal(cfg->appmons[0].hung_signal, 9);
        assert_int_equal(cfg->appmons[0].action, CONF_AM_FALLOVER);
        assert_int_equal(cfg->appmons[0].mode, CONF_AM_LONGRUNNING);
        /* 10 % above 3 x (60 + 30) s */
        assert_int_equal(cfg->appmons[0].restart_interval_usec, 297 * USEC_PER_SEC);
        hamr_config_free(cfg);

        check_bad(AM, "TYPE", "Script", "allowed: Custom, Process");
        check_bad(AM, "MODE", "Long", "allowed: longrunning, startup, both");
        check_canon(AM, "MODE", "BOTH", "both");
        check_bad(AM, "FAILUREACTION", "reboot", "allowed: fallover, notify");
        check_bad(AM, "RESTARTCOUNT", "101", "100");
        check_bad(AM, "HUNG_MONITOR_SIGNAL", "64", "63");
        check_bad(AM, "MONITORINTERVAL", "0.01", "0.1");
        check_canon(AM, "MONITORINTERVAL", "0.5", "0.5");
        /* TYPE=Process: names, owner, INSTANCECOUNT forced to 1 with several */
        add_ok(db, AM, "am2",
               KV({"TYPE", "Process"}, {"APPLICATIONS", "app1"}, {"PROCESSES", "httpd,rotatelogs"},
                  {"OWNER", "root"}, {"INSTANCECOUNT", "4"}, {"MODE", "startup"}));
        assert_int_equal(conf_compile(db, &cfg, err, sizeof(err)), 0);
        assert_int_equal(cfg->appmons[1].mode, CONF_AM_STARTUP);
        assert_int_equal(cfg->appmons[1].type, CONF_AM_PROCESS);
        assert_int_equal(cfg->appmons[1].owner_uid, 0);
        assert_int_equal(cfg->appmons[1].instance_count, 1);
        hamr_config_free(cfg);
        /* each type's own attribute is required, at sync */
        assert_int_equal(conf_db_modify(db, AM, "am2", KV({"PROCESSES", ""}), err, sizeof(err)), 0);
        assert_int_equal(conf_compile(db, &cfg, err, sizeof(err)), -HAMR_E_MISSING);
        assert_non_null(strstr(err, "application_monitor \"am2\": PROCESSES is missing"));
        assert_int_equal(conf_db_modify(db, AM, "am2", KV({"TYPE", "Custom"}), err, sizeof(err)),
                         0);
        assert_int_equal(conf_compile(db, &cfg, err, sizeof(err)), -HAMR_E_MISSING);
        assert_non_null(strstr(err, "application_monitor \"am2\": MONITORMETHOD is missing"));
        assert_int_equal(conf_db_delete(db, AM, "am2", err, sizeof(err)), 0);

        /* too short a restart interval: named with the bound */
        add_ok(db, AM, "am3",
               KV({"APPLICATIONS", "app1"}, {"MONITORMETHOD", "/c"}, {"MONITORINTERVAL", "1"},
                  {"STABILIZATION", "1"}, {"RESTARTCOUNT", "3"}, {"RESTARTINTERVAL", "5"}));
        assert_int_equal(conf_compile(db, &cfg, err, sizeof(err)), -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "application_monitor \"am3\": RESTARTINTERVAL=\"5\""));
        assert_non_null(strstr(err, "= 6 s"));
}

static void test_verify_handbuilt(void **state)
{
        conf_db_t *db = *state;
        conf_object_t *n2 = conf_db_find(db, CONF_CLASS_NODE, "n2");
        int ida = conf_attr_lookup(CONF_CLASS_NODE, "ID");

        free(n2->values[ida]);
        n2->values[ida] = strdup("0");
        verify_fails(db, "node \"n2\": ID=\"0\" is not allowed: node \"n1\" already has it");
        free(n2->values[ida]);
        n2->values[ida] = strdup("99");
        verify_fails(db, "node \"n2\": ID=\"99\" is out of range");
        free(n2->values[ida]);
        n2->values[ida] = NULL;
        verify_fails(db, "node \"n2\": ID is missing");
        n2->values[ida] = strdup("1");
        strcpy(n2->name, "n9");
        verify_fails(db, "NODES refers to node \"n2\", which does not exist");
}

/* conf_diff: objects added and removed, attributes changed, and nothing
 * for the same configuration. */
static void test_diff(void **state)
{
        static const char a_text[] =
            "[cluster c]\nID = 7\nREPOSITORY = /r\nHEARTBEAT_FREQUENCY = 2\n"
            "[node n1]\nID = 1\nCOMMPATH = 198.18.0.1\n"
            "[resource_group old_rg]\nNODES = n1\n"
            "[resource_group web_rg]\nID = 5\nNODES = n1\nFALLBACK = NFB\n";
        static const char b_text[] =
            "[cluster c]\nID = 7\nREPOSITORY = /r\nHEARTBEAT_FREQUENCY = 2\n"
            "[node n1]\nID = 1\nCOMMPATH = 198.18.0.1\n"
            "[resource_group web_rg]\nID = 5\nNODES = n1\nFALLBACK = FBHPN\n"
            "[resource_group new_rg]\nNODES = n1\n";
        conf_db_t *a = NULL, *b = NULL;
        char perr[CONF_ERR_LEN];
        size_t changes = 99;
        char *d;

        (void)state;
        if (conf_db_parse(a_text, &a, perr, sizeof(perr)) != 0 ||
            conf_db_parse(b_text, &b, perr, sizeof(perr)) != 0)
                fail_msg("parse: %s", perr);
        d = conf_diff(a, b, "A", "B", &changes);
        assert_int_equal(changes, 3);
        assert_non_null(strstr(d, "--- A\n+++ B\n"));
        assert_non_null(strstr(d, "-[resource_group old_rg]\n-  NODES = n1\n"));
        assert_non_null(
            strstr(d, " [resource_group web_rg]\n-  FALLBACK = NFB\n+  FALLBACK = FBHPN\n"));
        assert_non_null(strstr(d, "+[resource_group new_rg]\n+  NODES = n1\n"));
        assert_null(strstr(d, "[cluster c]"));
        assert_null(strstr(d, "[node n1]"));
        /* old_rg (only in A) before new_rg (only in B) */
        assert_true(strstr(d, "old_rg") < strstr(d, "new_rg"));
        free(d);
        d = conf_diff(a, a, "A", "A", &changes);
        assert_int_equal(changes, 0);
        assert_string_equal(d, "--- A\n+++ A\n");
        free(d);
        conf_db_free(a);
        conf_db_free(b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_class_lookup),
            cmocka_unit_test(test_diff),
            cmocka_unit_test(test_attr_lookup),
            cmocka_unit_test(test_schema_defaults_and_flags),
            cmocka_unit_test(test_schema_enums),
            cmocka_unit_test(test_value_check),
            cmocka_unit_test_setup_teardown(test_build_and_ids, setup, teardown),
            cmocka_unit_test(test_node_ids_reuse_and_limit),
            cmocka_unit_test_setup_teardown(test_add_errors, setup, teardown),
            cmocka_unit_test_setup_teardown(test_modify, setup, teardown),
            cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
            cmocka_unit_test_setup_teardown(test_dup, setup, teardown),
            cmocka_unit_test_setup_teardown(test_format_and_roundtrip, setup, teardown),
            cmocka_unit_test(test_parse_handwritten),
            cmocka_unit_test(test_parse_errors),
            cmocka_unit_test(test_long_lines),
            cmocka_unit_test_setup_teardown(test_json, setup, teardown),
            cmocka_unit_test_setup_teardown(test_compile, setup, teardown),
            cmocka_unit_test(test_compile_commpath_default),
            cmocka_unit_test_setup_teardown(test_netmon_targets, setup, teardown),
            cmocka_unit_test_setup_teardown(test_verify_errors, setup, teardown),
            cmocka_unit_test_setup_teardown(test_fallback_timers, setup, teardown),
            cmocka_unit_test_setup_teardown(test_fudnp_rules, setup, teardown),
            cmocka_unit_test_setup_teardown(test_serial_order, setup, teardown),
            cmocka_unit_test_setup_teardown(test_oudp_combinations, setup, teardown),
            cmocka_unit_test_setup_teardown(test_oaan_combinations, setup, teardown),
            cmocka_unit_test_setup_teardown(test_verify_handbuilt, setup, teardown),
            cmocka_unit_test_setup_teardown(test_application_monitor, setup, teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
