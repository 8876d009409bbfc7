/* test_conf_deps: the dependency class (src/conf/conf_deps.c): TYPE
 * implied at add, names given to dependencies added without one, the
 * object's own rules, cycles and chains deeper than 3 groups refused at add,
 * modify and verify with nothing staged, unknown groups, deleting a group
 * in a dependency refused, and the compiled view. */
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

#define KV(...)                                                                                    \
        ((const conf_kv_t[]){__VA_ARGS__}),                                                        \
            (sizeof((const conf_kv_t[]){__VA_ARGS__}) / sizeof(conf_kv_t))
#define ADD(db, name, ...)                                                                         \
        conf_db_add(db, CONF_CLASS_DEPENDENCY, name, KV(__VA_ARGS__), err, sizeof(err))
#define MOD(db, name, ...)                                                                         \
        conf_db_modify(db, CONF_CLASS_DEPENDENCY, name, KV(__VA_ARGS__), err, sizeof(err))

static char err[CONF_ERR_LEN];

static void add_ok(conf_db_t *db, conf_class_t cls, const char *name, const conf_kv_t *kv, size_t n)
{
        if (conf_db_add(db, cls, name, kv, n, err, sizeof(err)) != 0)
                fail_msg("add %s failed: %s", name ? name : "(no name)", err);
}

/* cluster, 2 nodes, groups a, b, c, d, e */
static int setup(void **state)
{
        conf_db_t *db = conf_db_new();

        add_ok(db, CONF_CLASS_CLUSTER, "demo", KV({"REPOSITORY", "/dev/hamr_repo"}));
        add_ok(db, CONF_CLASS_NODE, "n1", KV({"COMMPATH", "198.18.0.11"}));
        add_ok(db, CONF_CLASS_NODE, "n2", KV({"COMMPATH", "198.18.0.12"}));
        for (const char *g = "abcde"; *g; g++) {
                char name[2] = {*g, 0};
                add_ok(db, CONF_CLASS_RESOURCE_GROUP, name, KV({"NODES", "n1 n2"}));
        }
        *state = db;
        return 0;
}

static int teardown(void **state)
{
        conf_db_free(*state);
        return 0;
}

/* An operation expected to fail: rc, every needle in err, db unchanged. */
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

static const char *get(conf_db_t *db, const char *name, const char *attr)
{
        return conf_object_get(conf_db_find(db, CONF_CLASS_DEPENDENCY, name), attr);
}

static void test_add_and_names(void **state)
{
        conf_db_t *db = *state;
        hamr_config_t *cfg = NULL;

        /* PowerHA's form: no name, TYPE implied by PARENT */
        assert_int_equal(ADD(db, NULL, {"PARENT", "a"}, {"CHILD", "b,c"}), 0);
        assert_string_equal(get(db, "dep1", "TYPE"), "PARENT_CHILD");
        assert_string_equal(get(db, "dep1", "CHILD"), "b c");
        assert_int_equal(ADD(db, "mine", {"TYPE", "parent_child"}, {"PARENT", "b"}, {"CHILD", "d"}),
                         0);
        assert_string_equal(get(db, "mine", "TYPE"), "PARENT_CHILD");
        assert_int_equal(ADD(db, NULL, {"PARENT", "e"}, {"CHILD", "c"}), 0);
        assert_non_null(conf_db_find(db, CONF_CLASS_DEPENDENCY, "dep2"));
        /* the lowest free number is reused */
        assert_int_equal(conf_db_delete(db, CONF_CLASS_DEPENDENCY, "dep1", err, sizeof(err)), 0);
        assert_int_equal(ADD(db, NULL, {"PARENT", "a"}, {"CHILD", "b"}), 0);
        assert_non_null(conf_db_find(db, CONF_CLASS_DEPENDENCY, "dep1"));

        /* what clmgr query dependency shows */
        json_t *j = conf_object_to_json(conf_db_find(db, CONF_CLASS_DEPENDENCY, "dep1"));
        char *dump = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT);
        assert_string_equal(dump, "{\"NAME\":\"dep1\",\"TYPE\":\"PARENT_CHILD\",\"PARENT\":"
                                  "\"a\",\"CHILD\":\"b\"}");
        free(dump);
        json_decref(j);

        assert_int_equal(conf_compile(db, &cfg, err, sizeof(err)), 0);
        assert_int_equal(cfg->ndeps, 3);
        assert_string_equal(cfg->deps[0].name, "mine");
        assert_int_equal(cfg->deps[0].type, CONF_DEP_PARENT_CHILD);
        assert_int_equal(cfg->deps[0].parent, 1); /* b */
        assert_int_equal(cfg->deps[0].nchildren, 1);
        assert_int_equal(cfg->deps[0].children[0], 3); /* d */
        assert_string_equal(cfg->deps[2].name, "dep1");
        assert_int_equal(cfg->deps[2].parent, 0);
        hamr_config_free(cfg);
}

static void test_object_errors(void **state)
{
        conf_db_t *db = *state;

        EXPECT_FAIL(db, -HAMR_E_REFERENCE, ADD(db, NULL, {"PARENT", "a"}, {"CHILD", "nope"}),
                    "dependency \"dep1\": CHILD refers to resource_group \"nope\", which does not "
                    "exist");
        EXPECT_FAIL(db, -HAMR_E_REFERENCE, ADD(db, NULL, {"PARENT", "zz"}, {"CHILD", "a"}),
                    "dependency \"dep1\": PARENT refers to resource_group \"zz\"");
        EXPECT_FAIL(db, -HAMR_E_MISSING, ADD(db, NULL, {"PARENT", "a"}),
                    "dependency \"dep1\": TYPE=\"PARENT_CHILD\" needs CHILD");
        EXPECT_FAIL(db, -HAMR_E_MISSING, ADD(db, NULL, {"CHILD", "a"}),
                    "dependency \"dep1\": TYPE=\"PARENT_CHILD\" needs PARENT");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, ADD(db, NULL, {"PARENT", "a"}, {"CHILD", "b,a"}),
                    "dependency \"dep1\": CHILD=\"b a\" names the parent \"a\"");
        EXPECT_FAIL(
            db, -HAMR_E_BAD_VALUE, ADD(db, NULL, {"PARENT", "a"}, {"CHILD", "b b"}),
            "dependency \"dep1\": CHILD=\"b b\" is not allowed (resource_group \"b\" is listed "
            "twice)");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    ADD(db, NULL, {"TYPE", "SAME_SITE"}, {"PARENT", "a"}, {"CHILD", "b"}),
                    "TYPE=\"SAME_SITE\"", "PARENT_CHILD");
        assert_int_equal(conf_db_find(db, CONF_CLASS_DEPENDENCY, NULL), NULL);
}

static void test_chains(void **state)
{
        conf_db_t *db = *state;

        assert_int_equal(ADD(db, NULL, {"PARENT", "a"}, {"CHILD", "b"}), 0);
        assert_int_equal(ADD(db, NULL, {"PARENT", "b"}, {"CHILD", "c"}), 0);
        /* cycles, direct and through the chain */
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, ADD(db, NULL, {"PARENT", "b"}, {"CHILD", "a"}),
                    "dependency \"dep3\": the parent/child cycle a -> b -> a is not allowed; "
                    "allowed: parent/child chains without cycles, at most 3 groups deep");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, ADD(db, "loop", {"PARENT", "c"}, {"CHILD", "a"}),
                    "dependency \"loop\": the parent/child cycle a -> b -> c -> a is not "
                    "allowed");
        /* a fourth level, below or above */
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, ADD(db, NULL, {"PARENT", "c"}, {"CHILD", "d"}),
                    "dependency \"dep3\": the parent/child chain a -> b -> c -> d is 4 groups "
                    "deep; allowed: parent/child chains without cycles, at most 3 groups deep");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, ADD(db, NULL, {"PARENT", "d"}, {"CHILD", "a"}),
                    "the parent/child chain d -> a -> b -> c is 4 groups deep");
        /* modify: the same rule, the old values kept */
        assert_int_equal(ADD(db, NULL, {"PARENT", "d"}, {"CHILD", "e"}), 0);
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, MOD(db, "dep3", {"CHILD", "a"}),
                    "dependency \"dep3\": the parent/child chain d -> a -> b -> c is 4 groups");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, MOD(db, "dep3", {"PARENT", "c"}),
                    "dependency \"dep3\": the parent/child chain a -> b -> c -> e is 4 groups");
        /* two levels under two parents is fine */
        assert_int_equal(MOD(db, "dep3", {"PARENT", "b"}, {"CHILD", "e,d"}), 0);
        assert_int_equal(ADD(db, NULL, {"PARENT", "a"}, {"CHILD", "c"}), 0);
}

static void test_delete_and_verify(void **state)
{
        conf_db_t *db = *state;
        const conf_class_t RG = CONF_CLASS_RESOURCE_GROUP;
        hamr_config_t *cfg = (hamr_config_t *)0x1;

        assert_int_equal(ADD(db, NULL, {"PARENT", "a"}, {"CHILD", "b"}), 0);
        assert_int_equal(ADD(db, NULL, {"PARENT", "b"}, {"CHILD", "c"}), 0);
        /* a group in a dependency is not deleted: the dependency first */
        EXPECT_FAIL(db, -HAMR_E_REFERENCE, conf_db_delete(db, RG, "b", err, sizeof(err)),
                    "resource_group \"b\" cannot be deleted: dependency \"dep1\" CHILD refers to "
                    "it");
        EXPECT_FAIL(db, -HAMR_E_REFERENCE, conf_db_delete(db, RG, "a", err, sizeof(err)),
                    "dependency \"dep1\" PARENT refers to it");
        assert_int_equal(conf_db_verify(db, err, sizeof(err)), 0);

        /* a stored file with a cycle fails verify (sync), naming the rule */
        conf_object_t *o = conf_db_find(db, CONF_CLASS_DEPENDENCY, "dep2");
        int child = conf_attr_index(CONF_CLASS_DEPENDENCY, "CHILD");
        free(o->values[child]);
        o->values[child] = strdup("a");
        assert_int_not_equal(conf_db_verify(db, err, sizeof(err)), 0);
        if (!strstr(err, "the parent/child cycle a -> b -> a is not allowed"))
                fail_msg("verify: %s", err);
        assert_int_not_equal(conf_compile(db, &cfg, err, sizeof(err)), 0);
        assert_ptr_equal(cfg, (hamr_config_t *)0x1);

        /* the text form round-trips */
        free(o->values[child]);
        o->values[child] = strdup("c");
        char *text = conf_db_format(db);
        conf_db_t *back = NULL;
        assert_int_equal(conf_db_parse(text, &back, err, sizeof(err)), 0);
        assert_string_equal(
            conf_object_get(conf_db_find(back, CONF_CLASS_DEPENDENCY, "dep2"), "PARENT"), "b");
        assert_non_null(strstr(text, "[dependency dep1]"));
        conf_db_free(back);
        free(text);
}

/* Location dependencies: SAME=NODE GROUPS, DIFFERENT=NODES HIGH
 * INTERMEDIATE LOW; TYPE implied; the attributes of other types refused;
 * one DIFFERENT_NODES; a group in one SAME_NODE; not both together and
 * apart; the compiled view. */
static void test_locations(void **state)
{
        conf_db_t *db = *state;
        hamr_config_t *cfg = NULL;

        assert_int_equal(ADD(db, NULL, {"SAME", "node"}, {"GROUPS", "a,b"}), 0);
        assert_string_equal(get(db, "dep1", "TYPE"), "SAME_NODE");
        assert_int_equal(ADD(db, NULL, {"DIFFERENT", "NODES"}, {"HIGH", "c"}, {"LOW", "d e"}), 0);
        assert_string_equal(get(db, "dep2", "TYPE"), "DIFFERENT_NODES");
        assert_int_equal(ADD(db, NULL, {"PARENT", "a"}, {"CHILD", "c"}), 0);

        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, ADD(db, NULL, {"SAME", "SITE"}, {"GROUPS", "c,d"}),
                    "dependency \"dep4\": SAME=\"SITE\" is not allowed; allowed: NODE");
        EXPECT_FAIL(db, -HAMR_E_MISSING, ADD(db, NULL, {"GROUPS", "c"}),
                    "dependency \"dep4\": TYPE=\"SAME_NODE\" needs GROUPS with at least 2 "
                    "groups");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    ADD(db, NULL, {"TYPE", "SAME_NODE"}, {"GROUPS", "c,d"}, {"PARENT", "a"}),
                    "dependency \"dep4\": PARENT=\"a\" is not used with TYPE=\"SAME_NODE\"; "
                    "allowed: TYPE=PARENT_CHILD with PARENT and CHILD; SAME_NODE with GROUPS");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, ADD(db, NULL, {"GROUPS", "b,c"}),
                    "dependency \"dep4\": resource_group \"b\" is in SAME_NODE dependencies "
                    "\"dep1\" and \"dep4\"; allowed: one");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, ADD(db, NULL, {"HIGH", "a"}, {"LOW", "b"}),
                    "dependency \"dep4\": dependency \"dep2\" already is the DIFFERENT_NODES "
                    "dependency; allowed: one");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, MOD(db, "dep2", {"INTERMEDIATE", "b,a"}),
                    "dependency \"dep2\": resource_groups \"a\" and \"b\" are kept on the same "
                    "node (\"dep1\") and on different nodes (\"dep2\")");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, MOD(db, "dep2", {"INTERMEDIATE", "e"}),
                    "dependency \"dep2\": group \"e\" is in both INTERMEDIATE and LOW");
        EXPECT_FAIL(db, -HAMR_E_MISSING, MOD(db, "dep2", {"LOW", ""}),
                    "needs at least 2 groups in HIGH, INTERMEDIATE and LOW (1 given)");
        EXPECT_FAIL(db, -HAMR_E_REFERENCE,
                    conf_db_delete(db, CONF_CLASS_RESOURCE_GROUP, "e", err, sizeof(err)),
                    "dependency \"dep2\" LOW refers to it");

        assert_int_equal(MOD(db, "dep2", {"INTERMEDIATE", "b"}, {"LOW", "e,d"}), 0);
        json_t *j = conf_object_to_json(conf_db_find(db, CONF_CLASS_DEPENDENCY, "dep2"));
        char *dump = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT);
        assert_string_equal(dump, "{\"NAME\":\"dep2\",\"TYPE\":\"DIFFERENT_NODES\",\"DIFFERENT\":"
                                  "\"NODES\",\"HIGH\":\"c\",\"INTERMEDIATE\":\"b\",\"LOW\":"
                                  "\"e d\"}");
        free(dump);
        json_decref(j);
        assert_int_equal(conf_compile(db, &cfg, err, sizeof(err)), 0);
        assert_int_equal(cfg->ndeps, 3);
        assert_int_equal(cfg->deps[0].type, CONF_DEP_SAME_NODE);
        assert_int_equal(cfg->deps[0].parent, -1);
        assert_int_equal(cfg->deps[0].ngroups, 2);
        assert_int_equal(cfg->deps[0].groups[1], 1);
        assert_int_equal(cfg->deps[1].type, CONF_DEP_DIFFERENT_NODES);
        assert_int_equal(cfg->deps[1].ngroups, 4); /* c (HIGH), b, e, d */
        assert_int_equal(cfg->deps[1].groups[0], 2);
        assert_int_equal(cfg->deps[1].prio[0], CONF_DEP_HIGH);
        assert_int_equal(cfg->deps[1].groups[1], 1);
        assert_int_equal(cfg->deps[1].prio[1], CONF_DEP_INTERMEDIATE);
        assert_int_equal(cfg->deps[1].groups[2], 4);
        assert_int_equal(cfg->deps[1].prio[3], CONF_DEP_LOW);
        hamr_config_free(cfg);
}

/* START=.. AFTER=.. and STOP=.. AFTER=..: TYPE implied, the AFTER group
 * not among the sources, no cycles; the compiled view (parent = AFTER). */
static void test_start_stop_after(void **state)
{
        conf_db_t *db = *state;
        hamr_config_t *cfg = NULL;

        assert_int_equal(ADD(db, NULL, {"START", "b,c"}, {"AFTER", "a"}), 0);
        assert_string_equal(get(db, "dep1", "TYPE"), "START_AFTER");
        assert_int_equal(ADD(db, NULL, {"STOP", "a"}, {"AFTER", "b"}), 0);
        assert_string_equal(get(db, "dep2", "TYPE"), "STOP_AFTER");
        EXPECT_FAIL(db, -HAMR_E_MISSING, ADD(db, NULL, {"START", "d"}),
                    "dependency \"dep3\": TYPE=\"START_AFTER\" needs AFTER; allowed: "
                    "START=<rg>[,<rg>..] AFTER=<rg>");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, ADD(db, NULL, {"START", "d,e"}, {"AFTER", "e"}),
                    "START=\"d e\" names the AFTER group \"e\"");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, ADD(db, NULL, {"START", "a"}, {"AFTER", "c"}),
                    "dependency \"dep3\": the start after cycle a -> c -> a (each group after the "
                    "one before it) is not allowed");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, ADD(db, NULL, {"STOP", "b"}, {"AFTER", "a"}),
                    "the stop after cycle a -> b -> a");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    ADD(db, NULL, {"START", "d"}, {"AFTER", "a"}, {"STOP", "e"}),
                    "STOP=\"e\" is not used with TYPE=\"START_AFTER\"");
        /* orders across kinds: a parent acquired after its child (START_AFTER)
         * or a child released after its parent (STOP_AFTER) would wait for ever */
        assert_int_equal(ADD(db, "pc", {"PARENT", "d"}, {"CHILD", "e"}), 0);
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, ADD(db, NULL, {"START", "d"}, {"AFTER", "e"}),
                    "dependency \"dep3\": the acquisition order d -> e -> d (each group before "
                    "the next, by parent/child and start after dependencies) is a cycle");
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, ADD(db, NULL, {"STOP", "e"}, {"AFTER", "d"}),
                    "the release order d -> e -> d (each group before the next, by "
                    "parent/child and stop after dependencies) is a cycle");
        assert_int_equal(ADD(db, NULL, {"STOP", "d"}, {"AFTER", "e"}), 0); /* child first */
        assert_int_equal(conf_db_delete(db, CONF_CLASS_DEPENDENCY, "dep3", err, sizeof(err)), 0);
        assert_int_equal(conf_db_delete(db, CONF_CLASS_DEPENDENCY, "pc", err, sizeof(err)), 0);
        /* a start-after is no parent/child: a chain of four is fine */
        assert_int_equal(ADD(db, NULL, {"START", "d"}, {"AFTER", "c"}), 0);
        assert_int_equal(ADD(db, NULL, {"START", "e"}, {"AFTER", "d"}), 0);
        assert_int_equal(conf_compile(db, &cfg, err, sizeof(err)), 0);
        assert_int_equal(cfg->deps[0].type, CONF_DEP_START_AFTER);
        assert_int_equal(cfg->deps[0].parent, 0);
        assert_int_equal(cfg->deps[0].nchildren, 2);
        assert_int_equal(cfg->deps[0].children[1], 2);
        assert_int_equal(cfg->deps[1].type, CONF_DEP_STOP_AFTER);
        assert_int_equal(cfg->deps[1].parent, 1);
        assert_int_equal(cfg->deps[1].children[0], 0);
        hamr_config_free(cfg);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_add_and_names, setup, teardown),
            cmocka_unit_test_setup_teardown(test_object_errors, setup, teardown),
            cmocka_unit_test_setup_teardown(test_chains, setup, teardown),
            cmocka_unit_test_setup_teardown(test_delete_and_verify, setup, teardown),
            cmocka_unit_test_setup_teardown(test_locations, setup, teardown),
            cmocka_unit_test_setup_teardown(test_start_stop_after, setup, teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
