/* test_conf_events: the event class (src/conf/conf_events.c): a custom
 * event needs FILE and takes no hooks; clmgr modify event on a
 * customisable predefined event creates its object; PREEVENT/POSTEVENT
 * name custom events only; FILE refused on a predefined event; hamr's
 * other events refused as names; a custom event in use cannot be
 * deleted; the compiled hooks. Errors leave nothing changed. */
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
#define ADD(db, name, ...) conf_db_add(db, EV, name, KV(__VA_ARGS__), err, sizeof(err))
#define MOD(db, name, ...) conf_db_modify(db, EV, name, KV(__VA_ARGS__), err, sizeof(err))
#define EV                 CONF_CLASS_EVENT

static char err[CONF_ERR_LEN];

static void add_ok(conf_db_t *db, conf_class_t cls, const char *name, const conf_kv_t *kv, size_t n)
{
        if (conf_db_add(db, cls, name, kv, n, err, sizeof(err)) != 0)
                fail_msg("add %s failed: %s", name, err);
}

static void fails(conf_db_t *db, int r, int want, const char *before, const char *needle)
{
        char *after = conf_db_format(db);

        if (r != want || !strstr(err, needle))
                fail_msg("rc %d (want %d): \"%s\" lacks \"%s\"", r, want, err, needle);
        assert_string_equal(before, after);
        free(after);
}

#define EXPECT_FAIL(db, want, needle, call)                                                        \
        do {                                                                                       \
                char *before_ = conf_db_format(db);                                                \
                err[0] = '\0';                                                                     \
                fails(db, (call), want, before_, needle);                                          \
                free(before_);                                                                     \
        } while (0)

static int setup(void **state)
{
        conf_db_t *db = conf_db_new();

        add_ok(db, CONF_CLASS_CLUSTER, "demo", KV({"REPOSITORY", "/dev/hamr_repo"}));
        add_ok(db, CONF_CLASS_NODE, "n1", KV({"COMMPATH", "198.18.0.11"}));
        add_ok(db, EV, "warn_users", KV({"FILE", "/usr/local/bin/warn"}));
        add_ok(db, EV, "save_state",
               KV({"FILE", "/usr/local/bin/save"}, {"DESCRIPTION", "keep a copy"}));
        *state = db;
        return 0;
}

static int teardown(void **state)
{
        conf_db_free(*state);
        return 0;
}

static void test_customise_and_compile(void **state)
{
        conf_db_t *db = *state;
        hamr_config_t *cfg = NULL;
        const conf_ev_hook_t *h;

        /* the first modify of a predefined event creates it */
        assert_int_equal(MOD(db, "rg_move_acquire", {"PREEVENT", "warn_users,save_state"},
                             {"NOTIFYMETHOD", "/usr/local/bin/notify"}),
                         0);
        assert_int_equal(MOD(db, "rg_move_acquire", {"POSTEVENT", "save_state"}), 0);
        assert_int_equal(MOD(db, "node_down", {"POSTEVENT", "warn_users"}), 0);
        assert_int_equal(conf_db_verify(db, err, sizeof(err)), 0);
        assert_int_equal(conf_compile(db, &cfg, err, sizeof(err)), 0);
        assert_int_equal(cfg->nevents, 2);
        assert_string_equal(cfg->events[0].name, "warn_users");
        assert_string_equal(cfg->events[1].file, "/usr/local/bin/save");
        h = &cfg->ev_hooks[CONF_EV_RG_MOVE_ACQUIRE];
        assert_int_equal(h->npre, 2);
        assert_int_equal(h->pre[0], 0);
        assert_int_equal(h->pre[1], 1);
        assert_int_equal(h->npost, 1);
        assert_int_equal(h->post[0], 1);
        assert_string_equal(h->notify, "/usr/local/bin/notify");
        h = &cfg->ev_hooks[CONF_EV_NODE_DOWN];
        assert_int_equal(h->npre, 0);
        assert_int_equal(h->npost, 1);
        assert_string_equal(h->notify, "");
        assert_int_equal(cfg->ev_hooks[CONF_EV_NODE_UP].npost, 0);
        assert_string_equal(conf_ev_name(CONF_EV_RG_MOVE_RELEASE), "rg_move_release");
        hamr_config_free(cfg);
        /* in use: not deleted */
        EXPECT_FAIL(db, -HAMR_E_REFERENCE, "warn_users",
                    conf_db_delete(db, EV, "warn_users", err, sizeof(err)));
        /* unset, then it goes */
        assert_int_equal(MOD(db, "node_down", {"POSTEVENT", ""}), 0);
        assert_int_equal(MOD(db, "rg_move_acquire", {"PREEVENT", "save_state"}), 0);
        assert_int_equal(conf_db_delete(db, EV, "warn_users", err, sizeof(err)), 0);
}

static void test_refused(void **state)
{
        conf_db_t *db = *state;

        EXPECT_FAIL(db, -HAMR_E_MISSING, "FILE is required for a custom event",
                    ADD(db, "noop", {"DESCRIPTION", "x"}));
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, "PREEVENT is not allowed on a custom event",
                    ADD(db, "chain", {"FILE", "/bin/true"}, {"PREEVENT", "warn_users"}));
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, "FILE is not allowed on the predefined event node_up",
                    MOD(db, "node_up", {"FILE", "/bin/true"}));
        assert_int_equal(MOD(db, "node_down", {"NOTIFYMETHOD", "/bin/true"}), 0);
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    "PREEVENT=\"node_down\" names the predefined event node_down",
                    MOD(db, "node_up", {"PREEVENT", "node_down"}));
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, "start_server is an event hamr runs itself",
                    ADD(db, "start_server", {"FILE", "/bin/true"}));
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, "start_server is an event hamr runs itself",
                    ADD(db, "start_server", {"PREEVENT", "warn_users"}));
        EXPECT_FAIL(db, -HAMR_E_NOT_FOUND, "start_server",
                    MOD(db, "start_server", {"PREEVENT", "warn_users"}));
        EXPECT_FAIL(db, -HAMR_E_REFERENCE, "nope",
                    MOD(db, "rg_move_release", {"POSTEVENT", "nope"}));
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, "FILE", ADD(db, "rel", {"FILE", "relative/path"}));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_customise_and_compile, setup, teardown),
            cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
        };

        return cmocka_run_group_tests_name("conf_events", tests, NULL, NULL);
}
