/* test_conf_fs: the file_system class and a group's FILESYSTEM,
 * FSCHECK_TOOL and RECOVERY_METHOD (src/conf/conf_fs.c and the schema):
 * defaults, the DEVICE forms, MOUNT_POINT absolute and not /, FS_TYPE and
 * MOUNT_OPTIONS refused with the allowed values, a filesystem in two
 * groups and two file_systems on one device or mount point refused at
 * add, modify and verify with nothing staged, deleting a filesystem in
 * use refused, and the compiled view. */
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
#define ADD(db, cls, name, ...) conf_db_add(db, cls, name, KV(__VA_ARGS__), err, sizeof(err))
#define MOD(db, cls, name, ...) conf_db_modify(db, cls, name, KV(__VA_ARGS__), err, sizeof(err))
#define FS                      CONF_CLASS_FILE_SYSTEM
#define RG                      CONF_CLASS_RESOURCE_GROUP

static char err[CONF_ERR_LEN];

static void add_ok(conf_db_t *db, conf_class_t cls, const char *name, const conf_kv_t *kv, size_t n)
{
        if (conf_db_add(db, cls, name, kv, n, err, sizeof(err)) != 0)
                fail_msg("add %s failed: %s", name, err);
}

/* The call fails with rc want, err holds needle, db unchanged. */
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
        add_ok(db, CONF_CLASS_NODE, "n2", KV({"COMMPATH", "198.18.0.12"}));
        add_ok(db, FS, "fs1", KV({"DEVICE", "/dev/loop7"}, {"MOUNT_POINT", "/srv/data"}));
        add_ok(db, FS, "fs2",
               KV({"DEVICE", "LABEL=hamrdata"}, {"MOUNT_POINT", "/srv/logs"}, {"FS_TYPE", "XFS"},
                  {"MOUNT_OPTIONS", "noatime,nodev"}));
        add_ok(db, RG, "rg1", KV({"NODES", "n1 n2"}, {"FILESYSTEM", "fs2,fs1"}));
        add_ok(db, RG, "rg2", KV({"NODES", "n2 n1"}));
        *state = db;
        return 0;
}

static int teardown(void **state)
{
        conf_db_free(*state);
        return 0;
}

static void test_defaults_and_compile(void **state)
{
        conf_db_t *db = *state;
        hamr_config_t *cfg = NULL;

        assert_string_equal(conf_object_get(conf_db_find(db, FS, "fs1"), "FS_TYPE"), "ext4");
        assert_string_equal(conf_object_get(conf_db_find(db, FS, "fs2"), "FS_TYPE"), "xfs");
        assert_string_equal(conf_object_get(conf_db_find(db, RG, "rg1"), "FSCHECK_TOOL"), "fsck");
        assert_string_equal(conf_object_get(conf_db_find(db, RG, "rg1"), "RECOVERY_METHOD"),
                            "sequential");
        assert_int_equal(conf_class_lookup("fs", &(conf_class_t){0}), 0);
        assert_int_equal(MOD(db, RG, "rg2", {"RECOVERY_METHOD", "parallel"}), 0);
        assert_int_equal(conf_compile(db, &cfg, err, sizeof(err)), 0);
        assert_int_equal(cfg->nfilesystems, 2);
        assert_string_equal(cfg->filesystems[0].device, "/dev/loop7");
        assert_string_equal(cfg->filesystems[0].mount_point, "/srv/data");
        assert_int_equal(cfg->filesystems[0].fs_type, CONF_FS_EXT4);
        assert_string_equal(cfg->filesystems[0].options, "");
        assert_string_equal(cfg->filesystems[1].device, "LABEL=hamrdata");
        assert_int_equal(cfg->filesystems[1].fs_type, CONF_FS_XFS);
        assert_string_equal(cfg->filesystems[1].options, "noatime,nodev");
        /* mount order: as FILESYSTEM lists them */
        assert_int_equal(cfg->rgs[0].nfss, 2);
        assert_int_equal(cfg->rgs[0].fss[0], 1);
        assert_int_equal(cfg->rgs[0].fss[1], 0);
        assert_int_equal(cfg->rgs[0].fsck_tool, CONF_FSCK_FSCK);
        assert_int_equal(cfg->rgs[0].recovery_method, CONF_RECOVERY_SEQUENTIAL);
        assert_int_equal(cfg->rgs[1].nfss, 0);
        assert_int_equal(cfg->rgs[1].recovery_method, CONF_RECOVERY_PARALLEL);
        hamr_config_free(cfg);
        /* the text form round-trips */
        char *text = conf_db_format(db);
        conf_db_t *back = NULL;
        assert_int_equal(conf_db_parse(text, &back, err, sizeof(err)), 0);
        char *text2 = conf_db_format(back);
        assert_string_equal(text, text2);
        free(text);
        free(text2);
        conf_db_free(back);
}

static void test_bad_values(void **state)
{
        conf_db_t *db = *state;

        EXPECT_FAIL(db, -HAMR_E_MISSING, "DEVICE", ADD(db, FS, "f3", {"MOUNT_POINT", "/srv/x"}));
        EXPECT_FAIL(db, -HAMR_E_MISSING, "MOUNT_POINT", ADD(db, FS, "f3", {"DEVICE", "/dev/sdz"}));
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, "MOUNT_POINT=\"srv/x\"",
                    ADD(db, FS, "f3", {"DEVICE", "/dev/sdz"}, {"MOUNT_POINT", "srv/x"}));
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, "allowed: an absolute directory other than /",
                    ADD(db, FS, "f3", {"DEVICE", "/dev/sdz"}, {"MOUNT_POINT", "/"}));
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    "file_system \"f3\": DEVICE=\"sdz\" is not allowed; allowed: an absolute "
                    "block device path (/dev/sdb1), LABEL=<label> or UUID=<uuid>",
                    ADD(db, FS, "f3", {"DEVICE", "sdz"}, {"MOUNT_POINT", "/srv/x"}));
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, "DEVICE=\"LABEL=\"",
                    ADD(db, FS, "f3", {"DEVICE", "LABEL="}, {"MOUNT_POINT", "/srv/x"}));
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, "ext4, ext3, ext2, xfs, btrfs",
                    ADD(db, FS, "f3", {"DEVICE", "/dev/sdz"}, {"MOUNT_POINT", "/srv/x"},
                        {"FS_TYPE", "ntfs"}));
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, "MOUNT_OPTIONS=\"noatime,,ro\"",
                    ADD(db, FS, "f3", {"DEVICE", "/dev/sdz"}, {"MOUNT_POINT", "/srv/x"},
                        {"MOUNT_OPTIONS", "noatime,,ro"}));
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, "FSCHECK_TOOL",
                    MOD(db, RG, "rg2", {"FSCHECK_TOOL", "logredo"}));
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, "sequential, parallel",
                    MOD(db, RG, "rg2", {"RECOVERY_METHOD", "fast"}));
        EXPECT_FAIL(db, -HAMR_E_REFERENCE, "file_system \"nope\", which does not exist",
                    MOD(db, RG, "rg2", {"FILESYSTEM", "nope"}));
        add_ok(db, FS, "f3", KV({"DEVICE", "UUID=0b6c-11"}, {"MOUNT_POINT", "/srv/x"}));
}

static void test_one_owner(void **state)
{
        conf_db_t *db = *state;

        /* a filesystem in two groups: refused at modify and add, nothing staged */
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    "resource_group \"rg2\": FILESYSTEM=\"fs1\" is not allowed: file_system "
                    "\"fs1\" already belongs to resource_group \"rg1\"; allowed: at most one "
                    "resource group per file_system",
                    MOD(db, RG, "rg2", {"FILESYSTEM", "fs1"}));
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, "already belongs to resource_group \"rg1\"",
                    ADD(db, RG, "rg3", {"NODES", "n1"}, {"FILESYSTEM", "fs2"}));
        /* the group itself may list it again (modify of its own list) */
        assert_int_equal(MOD(db, RG, "rg1", {"FILESYSTEM", "fs1"}), 0);
        assert_int_equal(MOD(db, RG, "rg2", {"FILESYSTEM", "fs2"}), 0);
        /* one device, one mount point per file_system */
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    "file_system \"f3\": DEVICE=\"/dev/loop7\" is not allowed: file_system "
                    "\"fs1\" is on it",
                    ADD(db, FS, "f3", {"DEVICE", "/dev/loop7"}, {"MOUNT_POINT", "/srv/x"}));
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE, "file_system \"fs2\" is on it",
                    MOD(db, FS, "fs1", {"DEVICE", "label=hamrdata"}));
        EXPECT_FAIL(db, -HAMR_E_BAD_VALUE,
                    "MOUNT_POINT=\"/srv/logs\" is not allowed: file_system \"fs2\" is mounted "
                    "there",
                    MOD(db, FS, "fs1", {"MOUNT_POINT", "/srv/logs"}));
        /* deleting a filesystem a group lists: refused */
        EXPECT_FAIL(db, -HAMR_E_REFERENCE, "fs1", conf_db_delete(db, FS, "fs1", err, sizeof(err)));
        assert_int_equal(conf_db_verify(db, err, sizeof(err)), 0);
}

/* A hand-written configuration (text file) with a filesystem in two
 * groups: verify finds it. */
static void test_verify(void **state)
{
        (void)state;
        conf_db_t *db = NULL;
        const char *text = "[cluster demo]\nREPOSITORY = /dev/r\n[node n1]\nCOMMPATH = "
                           "198.18.0.11\n[file_system f]\nDEVICE = /dev/sdq\nMOUNT_POINT = "
                           "/d\n[resource_group a]\nNODES = n1\nFILESYSTEM = f\nID = 1\n"
                           "[resource_group b]\nNODES = n1\nFILESYSTEM = f\nID = 2\n";

        assert_int_equal(conf_db_parse(text, &db, err, sizeof(err)), 0);
        assert_int_not_equal(conf_db_verify(db, err, sizeof(err)), 0);
        if (!strstr(err, "file_system \"f\" already belongs to resource_group"))
                fail_msg("verify: %s", err);
        conf_db_free(db);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_defaults_and_compile, setup, teardown),
            cmocka_unit_test_setup_teardown(test_bad_values, setup, teardown),
            cmocka_unit_test_setup_teardown(test_one_owner, setup, teardown),
            cmocka_unit_test(test_verify),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
