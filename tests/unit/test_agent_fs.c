/* test_agent_fs: src/agents/agent_fs.c. MOUNT_OPTIONS to mount(2) flags
 * and data; mountinfo lookups; and, as root with a loop device, the real
 * thing: fsck and mount of an ext4 image, mounting twice is fine, a
 * process holding the mount (cwd) killed at unmount, unmounting twice is
 * fine, LABEL= resolved by libblkid, an fsck failure (superblock zeroed)
 * refuses the mount. Skipped without root or losetup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "agents/agent_fs.h"

static void test_options(void **state)
{
        unsigned long fl;
        char data[64];

        (void)state;
        assert_int_equal(agent_fs_parse_options("", &fl, data, sizeof(data)), 0);
        assert_int_equal(fl, 0);
        assert_string_equal(data, "");
        assert_int_equal(
            agent_fs_parse_options("noatime,nodev,errors=remount-ro,ro,rw,data=ordered", &fl, data,
                                   sizeof(data)),
            0);
        assert_int_equal(fl, MS_NOATIME | MS_NODEV);
        assert_string_equal(data, "errors=remount-ro,data=ordered");
        assert_int_equal(agent_fs_parse_options("ro,,nodev", &fl, data, sizeof(data)), -22);
}

static void test_mounted(void **state)
{
        unsigned long dev = 0;

        (void)state;
        assert_int_equal(agent_fs_mounted("/", &dev), 1);
        assert_int_equal(agent_fs_mounted("/no/such/mount/point", &dev), 0);
}

static int last_status;
static char last_reason[AGENT_FS_REASON_LEN];

static void done(void *ud, int status, const char *reason)
{
        *(int *)ud = 1;
        last_status = status;
        snprintf(last_reason, sizeof(last_reason), "%s", reason);
}

static int run(const agent_fs_spec_t *fs, bool mount)
{
        uv_loop_t loop;
        int fin = 0;

        uv_loop_init(&loop);
        assert_int_equal(agent_fs_start(&loop, fs, mount, done, &fin), 0);
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
        assert_int_equal(fin, 1);
        return last_status;
}

static int sh(const char *cmd, char *out, size_t len)
{
        FILE *p = popen(cmd, "r");
        int rc;

        if (!p)
                return -1;
        if (out && len) {
                out[0] = '\0';
                if (fgets(out, (int)len, p))
                        out[strcspn(out, "\n")] = '\0';
        }
        rc = pclose(p);
        return rc;
}

/* what test_loop_device made, undone by its teardown even when it fails */
static char made_dev[128], made_dir[64];

static int loop_teardown(void **state)
{
        char cmd[300];

        (void)state;
        if (made_dir[0]) {
                snprintf(cmd, sizeof(cmd), "umount -l %s/mnt/data 2>/dev/null", made_dir);
                sh(cmd, NULL, 0);
        }
        if (made_dev[0]) {
                snprintf(cmd, sizeof(cmd), "losetup -d %s", made_dev);
                sh(cmd, NULL, 0);
        }
        if (made_dir[0]) {
                snprintf(cmd, sizeof(cmd), "rm -rf %s", made_dir);
                sh(cmd, NULL, 0);
        }
        return 0;
}

static void test_loop_device(void **state)
{
        char dir[] = "/tmp/hamr_agent_fs.XXXXXX", img[256], dev[128], cmd[1024], mp[300];
        (void)state;

        if (geteuid() != 0 || sh("command -v losetup mkfs.ext4 >/dev/null 2>&1", NULL, 0) != 0)
                skip();
        assert_non_null(mkdtemp(dir));
        snprintf(img, sizeof(img), "%s/img", dir);
        snprintf(mp, sizeof(mp), "%s/mnt/data", dir);
        snprintf(cmd, sizeof(cmd), "truncate -s 16M %s && losetup -f --show %s", img, img);
        snprintf(made_dir, sizeof(made_dir), "%s", dir);
        if (sh(cmd, dev, sizeof(dev)) != 0 || dev[0] != '/')
                skip(); /* no loop devices here */
        snprintf(made_dev, sizeof(made_dev), "%s", dev);
        snprintf(cmd, sizeof(cmd), "mkfs.ext4 -q -F -L hamrut%d %s", (int)getpid(), dev);
        assert_int_equal(sh(cmd, NULL, 0), 0);

        agent_fs_spec_t fs = {.name = "fs1",
                              .device = dev,
                              .mount_point = mp,
                              .fs_type = "ext4",
                              .options = "noatime",
                              .fsck = true};
        assert_int_equal(run(&fs, true), 0);
        assert_int_equal(agent_fs_mounted(mp, NULL), 1);
        assert_int_equal(run(&fs, true), 0); /* already mounted here: fine */

        /* processes holding the mount (a cwd, an open file, a mapped
         * file) are killed at unmount */
        char file[400];
        snprintf(file, sizeof(file), "%s/f", mp);
        FILE *ff = fopen(file, "w");
        assert_non_null(ff);
        fputs("data\n", ff);
        fclose(ff);
        pid_t pids[3];
        for (int k = 0; k < 3; k++) {
                pids[k] = fork();
                if (pids[k] == 0) {
                        int fd = open(file, O_RDONLY);
                        if (chdir(k == 0 ? mp : "/") < 0 || fd < 0)
                                _exit(1);
                        if (k == 2) {
                                void *m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
                                close(fd);
                                if (m == MAP_FAILED)
                                        _exit(1);
                        }
                        pause();
                        _exit(1);
                }
        }
        usleep(200000);
        assert_int_equal(run(&fs, false), 0);
        assert_int_equal(agent_fs_mounted(mp, NULL), 0);
        int st;
        for (int k = 0; k < 3; k++) {
                assert_int_equal(waitpid(pids[k], &st, 0), pids[k]);
                assert_true(WIFSIGNALED(st));
        }
        assert_int_equal(run(&fs, false), 0); /* not mounted: fine */

        /* LABEL= through libblkid */
        char label[64];
        snprintf(label, sizeof(label), "LABEL=hamrut%d", (int)getpid());
        fs.device = label;
        assert_int_equal(run(&fs, true), 0);
        assert_int_equal(run(&fs, false), 0);
        fs.device = "LABEL=no_such_label_hamr";
        assert_int_not_equal(run(&fs, true), 0);
        assert_non_null(strstr(last_reason, "no block device has it"));

        /* fsck fails on a zeroed superblock: no mount */
        fs.device = dev;
        snprintf(cmd, sizeof(cmd),
                 "dd if=/dev/zero of=%s bs=1024 seek=1 count=1 conv=notrunc "
                 "status=none",
                 dev);
        assert_int_equal(sh(cmd, NULL, 0), 0);
        assert_int_not_equal(run(&fs, true), 0);
        assert_non_null(strstr(last_reason, "file_system fs1: fsck -p"));
        assert_int_equal(agent_fs_mounted(mp, NULL), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_options),
            cmocka_unit_test(test_mounted),
            cmocka_unit_test_teardown(test_loop_device, loop_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
