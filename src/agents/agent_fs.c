/* agent_fs: owns mounting and unmounting a file_system on this node (see
 * agent_fs.h): device resolution (libblkid), fsck, mount(2), the forced
 * unmount (holders killed, lazy unmount last) and the check that the
 * device is free afterwards. The blocking part runs in a uv work request;
 * the caller's callback runs on the loop. */
#include "agents/agent_fs.h"

#include <blkid.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/hamr_alloc.h"
#include "common/hamr_log.h"

#define KILL_ROUNDS 4 /* SIGTERM twice, then SIGKILL twice, an umount after each */

typedef struct fs_job {
        uv_work_t req;
        bool mount;
        char name[128], device[4096], mount_point[4096], fs_type[32], options[1024];
        bool fsck;
        agent_fs_done_cb cb;
        void *ud;
        int status;
        char reason[AGENT_FS_REASON_LEN];
} fs_job_t;

static int fail(fs_job_t *j, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(fs_job_t *j, int r, const char *fmt, ...)
{
        va_list ap;
        int n = snprintf(j->reason, sizeof(j->reason), "file_system %s: ", j->name);

        va_start(ap, fmt);
        if (n > 0 && (size_t)n < sizeof(j->reason))
                vsnprintf(j->reason + n, sizeof(j->reason) - (size_t)n, fmt, ap);
        va_end(ap);
        return r;
}

/* ---- options ---- */

static const struct {
        const char *name;
        unsigned long set, clear;
} mount_flags[] = {
    {"ro", MS_RDONLY, 0},         {"rw", 0, MS_RDONLY},
    {"nosuid", MS_NOSUID, 0},     {"suid", 0, MS_NOSUID},
    {"nodev", MS_NODEV, 0},       {"dev", 0, MS_NODEV},
    {"noexec", MS_NOEXEC, 0},     {"exec", 0, MS_NOEXEC},
    {"sync", MS_SYNCHRONOUS, 0},  {"async", 0, MS_SYNCHRONOUS},
    {"dirsync", MS_DIRSYNC, 0},   {"noatime", MS_NOATIME, 0},
    {"atime", 0, MS_NOATIME},     {"nodiratime", MS_NODIRATIME, 0},
    {"relatime", MS_RELATIME, 0}, {"strictatime", MS_STRICTATIME, 0},
    {"lazytime", MS_LAZYTIME, 0}, {"defaults", 0, 0},
};

int agent_fs_parse_options(const char *opts, unsigned long *ret_flags, char *data, size_t len)
{
        unsigned long flags = 0;
        size_t used = 0;
        const char *p = opts ? opts : "";

        if (len)
                data[0] = '\0';
        while (*p) {
                const char *e = strchr(p, ',');
                size_t n = e ? (size_t)(e - p) : strlen(p);
                bool known = false;

                if (n == 0)
                        return -EINVAL;
                for (size_t i = 0; i < sizeof(mount_flags) / sizeof(mount_flags[0]); i++)
                        if (strlen(mount_flags[i].name) == n &&
                            !strncmp(mount_flags[i].name, p, n)) {
                                flags = (flags & ~mount_flags[i].clear) | mount_flags[i].set;
                                known = true;
                        }
                if (!known && len) {
                        int w =
                            snprintf(data + used, len - used, "%s%.*s", used ? "," : "", (int)n, p);
                        if (w > 0)
                                used = used + (size_t)w < len ? used + (size_t)w : len - 1;
                }
                p += n;
                if (*p == ',')
                        p++;
        }
        *ret_flags = flags;
        return 0;
}

/* ---- mountinfo ---- */

static void unescape(char *s)
{
        char *w = s;

        for (char *r = s; *r; r++) {
                if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
                    r[3] >= '0' && r[3] <= '7') {
                        *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
                        r += 3;
                } else {
                        *w++ = *r;
                }
        }
        *w = '\0';
}

/* The top mount on mount_point in this mount namespace: 1 with its device
 * number and mount id, 0 if none, -errno. */
static int mount_entry(const char *mount_point, unsigned long *ret_dev, int *ret_id)
{
        FILE *f = fopen("/proc/self/mountinfo", "re");
        char line[8192];
        int found = 0;

        if (!f)
                return -errno;
        while (fgets(line, sizeof(line), f)) {
                unsigned maj, min;
                int id;
                char mp[4096];

                if (sscanf(line, "%d %*u %u:%u %*s %4095s", &id, &maj, &min, mp) != 4)
                        continue;
                unescape(mp);
                if (strcmp(mp, mount_point) != 0)
                        continue;
                found = 1; /* the last entry is the one on top */
                if (ret_dev)
                        *ret_dev = (unsigned long)makedev(maj, min);
                if (ret_id)
                        *ret_id = id;
        }
        fclose(f);
        return found;
}

int agent_fs_mounted(const char *mount_point, unsigned long *ret_dev)
{
        return mount_entry(mount_point, ret_dev, NULL);
}

/* ---- device ---- */

/* spec -> device path in out; 0 with its device number, or -errno. */
static int resolve(fs_job_t *j, char *out, size_t len, dev_t *ret_rdev)
{
        struct stat st;

        if (j->device[0] == '/') {
                snprintf(out, len, "%s", j->device);
        } else {
                char tag[4200];
                char *eq = strchr(j->device, '=');
                char *dev;

                snprintf(tag, sizeof(tag), "%s", j->device);
                for (char *c = tag; eq && c < tag + (eq - j->device); c++)
                        *c = (char)toupper((unsigned char)*c);
                dev = blkid_evaluate_tag(tag, NULL, NULL);
                if (!dev)
                        return fail(j, -ENODEV, "DEVICE %s: no block device has it", j->device);
                snprintf(out, len, "%s", dev);
                free(dev);
        }
        if (stat(out, &st) < 0)
                return fail(j, -errno, "DEVICE %s: %s", out, strerror(errno));
        if (!S_ISBLK(st.st_mode))
                return fail(j, -ENOTBLK, "DEVICE %s is not a block device", out);
        *ret_rdev = st.st_rdev;
        return 0;
}

static usec_t mono_usec(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (usec_t)ts.tv_sec * USEC_PER_SEC + (usec_t)ts.tv_nsec / 1000;
}

/* fsck -p on dev: its exit status 0 or 1 (clean, or errors corrected) is
 * success; anything else fails with fsck's last output line. */
static int run_fsck(fs_job_t *j, const char *dev)
{
        char *const argv[] = {"fsck", "-p", "-T", "-t", j->fs_type, (char *)dev, NULL};
        char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};
        posix_spawn_file_actions_t fa;
        posix_spawnattr_t at;
        int pfd[2], status = 0, r;
        pid_t pid;
        char buf[1024], last[200] = "", cur[200] = "";
        size_t cl = 0;
        usec_t deadline = mono_usec() + AGENT_FS_FSCK_TIMEOUT_USEC;
        bool timed_out = false;

        if (pipe2(pfd, O_CLOEXEC) < 0)
                return fail(j, -errno, "fsck cannot run: %s", strerror(errno));
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
        posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawnattr_init(&at);
        posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID);
        r = posix_spawnp(&pid, "/usr/sbin/fsck", &fa, &at, argv, envp);
        if (r == ENOENT)
                r = posix_spawnp(&pid, "fsck", &fa, &at, argv, envp);
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&at);
        close(pfd[1]);
        if (r != 0) {
                close(pfd[0]);
                return fail(j, -r, "fsck cannot run: %s", strerror(r));
        }
        for (;;) {
                struct pollfd p = {.fd = pfd[0], .events = POLLIN};
                usec_t now = mono_usec();
                ssize_t n;

                if (now >= deadline) {
                        timed_out = true;
                        kill(-pid, SIGKILL);
                        break;
                }
                if (poll(&p, 1, (int)((deadline - now) / 1000 + 1)) <= 0)
                        continue;
                n = read(pfd[0], buf, sizeof(buf));
                if (n <= 0)
                        break;
                for (ssize_t i = 0; i < n; i++) {
                        if (buf[i] == '\n' || buf[i] == '\r') {
                                if (cl) {
                                        cur[cl] = '\0';
                                        memcpy(last, cur, cl + 1);
                                }
                                cl = 0;
                        } else if (cl + 1 < sizeof(cur) &&
                                   (cl || (buf[i] != ' ' && buf[i] != '\t'))) {
                                cur[cl++] = buf[i]; /* without leading blanks */
                        }
                }
        }
        if (cl) {
                cur[cl] = '\0';
                memcpy(last, cur, cl + 1);
        }
        close(pfd[0]);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (timed_out)
                return fail(j, -ETIMEDOUT, "fsck -p %s timed out (killed)", dev);
        if (WIFEXITED(status) && WEXITSTATUS(status) <= 1)
                return 0;
        if (WIFEXITED(status))
                return fail(j, -EIO, "fsck -p %s exited with status %d%s%s", dev,
                            WEXITSTATUS(status), last[0] ? ": " : "", last);
        return fail(j, -EIO, "fsck -p %s killed by signal %d", dev, WTERMSIG(status));
}

static int mkdir_p(const char *path)
{
        char p[4096];

        snprintf(p, sizeof(p), "%s", path);
        for (char *c = p + 1; *c; c++) {
                if (*c != '/')
                        continue;
                *c = '\0';
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return -errno;
                *c = '/';
        }
        if (mkdir(p, 0755) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

static int do_mount(fs_job_t *j)
{
        char dev[4096], data[1024];
        unsigned long flags, mdev;
        dev_t rdev;
        int r;

        r = resolve(j, dev, sizeof(dev), &rdev);
        if (r < 0)
                return r;
        r = agent_fs_mounted(j->mount_point, &mdev);
        if (r < 0)
                return fail(j, r, "/proc/self/mountinfo: %s", strerror(-r));
        if (r == 1 && mdev == (unsigned long)rdev)
                return 0; /* mounted here already: nothing to do */
        if (r == 1)
                return fail(j, -EBUSY, "MOUNT_POINT %s already has another filesystem (%u:%u)",
                            j->mount_point, major(mdev), minor(mdev));
        if (j->fsck && (r = run_fsck(j, dev)) < 0)
                return r;
        if ((r = mkdir_p(j->mount_point)) < 0)
                return fail(j, r, "MOUNT_POINT %s cannot be created: %s", j->mount_point,
                            strerror(-r));
        if (agent_fs_parse_options(j->options, &flags, data, sizeof(data)) < 0)
                return fail(j, -EINVAL, "MOUNT_OPTIONS \"%s\" are not valid", j->options);
        if (mount(dev, j->mount_point, j->fs_type, flags, data[0] ? data : NULL) < 0)
                return fail(j, -errno, "mount %s on %s (%s) failed: %s", dev, j->mount_point,
                            j->fs_type, strerror(errno));
        log_info("rgm", "file_system %s: %s mounted on %s", j->name, dev, j->mount_point);
        return 0;
}

/* ---- forced unmount ---- */

/* What a holder holds: the mount (its id), its filesystem's device, the
 * mount point. */
typedef struct target {
        int mnt_id;
        dev_t dev;
        const char *mp;
} target_t;

/* Link (cwd, root, exe) of a process naming a path at or under the mount
 * point. readlink only: nothing here waits on a filesystem (a stat could
 * hang on a dead NFS or FUSE file another process has open). */
static bool link_under(const char *path, const char *mp)
{
        char t[4096];
        ssize_t n = readlink(path, t, sizeof(t) - 1);
        size_t l = strlen(mp);

        if (n <= 0)
                return false;
        t[n] = '\0';
        return strncmp(t, mp, l) == 0 && (t[l] == '\0' || t[l] == '/' || t[l] == ' ');
}

/* An open file of the process on the mount (/proc/PID/fdinfo/N mnt_id). */
static bool fd_on_mount(const char *pid, const char *fd, int mnt_id)
{
        char p[300], line[256];
        FILE *f;
        bool yes = false;

        snprintf(p, sizeof(p), "/proc/%s/fdinfo/%s", pid, fd);
        f = fopen(p, "re");
        while (f && fgets(line, sizeof(line), f)) {
                int id;

                if (sscanf(line, "mnt_id: %d", &id) == 1) {
                        yes = id == mnt_id;
                        break;
                }
        }
        if (f)
                fclose(f);
        return yes;
}

/* Whether process pid (of this mount namespace) uses the mount: cwd, root,
 * executable, an open file or a mapped file on it. */
static bool holds(const char *pid, const target_t *t, const char *self_ns)
{
        char p[300], ns[128];
        ssize_t n;
        bool yes = false;

        snprintf(p, sizeof(p), "/proc/%s/ns/mnt", pid);
        n = readlink(p, ns, sizeof(ns) - 1);
        if (n <= 0)
                return false;
        ns[n] = '\0';
        if (strcmp(ns, self_ns) != 0)
                return false; /* another mount namespace: not this node's mount */
        static const char *const links[] = {"cwd", "root", "exe"};
        for (size_t i = 0; i < 3 && !yes; i++) {
                snprintf(p, sizeof(p), "/proc/%s/%s", pid, links[i]);
                yes = link_under(p, t->mp);
        }
        snprintf(p, sizeof(p), "/proc/%s/fd", pid);
        DIR *d = yes ? NULL : opendir(p);
        for (struct dirent *e; d && !yes && (e = readdir(d));)
                yes = e->d_name[0] != '.' && fd_on_mount(pid, e->d_name, t->mnt_id);
        if (d)
                closedir(d);
        snprintf(p, sizeof(p), "/proc/%s/maps", pid);
        FILE *f = yes ? NULL : fopen(p, "re");
        char line[4600];
        while (f && !yes && fgets(line, sizeof(line), f)) {
                unsigned maj, min;
                unsigned long ino;

                if (sscanf(line, "%*s %*s %*s %x:%x %lu", &maj, &min, &ino) == 3 && ino &&
                    makedev(maj, min) == t->dev)
                        yes = true;
        }
        if (f)
                fclose(f);
        return yes;
}

/* Signals every process of this mount namespace holding the mount; returns how many. */
static unsigned kill_holders(fs_job_t *j, const target_t *t, int sig)
{
        char self_ns[128];
        ssize_t n = readlink("/proc/self/ns/mnt", self_ns, sizeof(self_ns) - 1);
        DIR *d = opendir("/proc");
        unsigned count = 0;
        pid_t self = getpid();

        if (n <= 0 || !d) {
                if (d)
                        closedir(d);
                return 0;
        }
        self_ns[n] = '\0';
        for (struct dirent *e; (e = readdir(d));) {
                char *end;
                long pid = strtol(e->d_name, &end, 10);

                if (*end || pid <= 1 || pid == self || !holds(e->d_name, t, self_ns))
                        continue;
                log_info("rgm", "file_system %s: %s process %ld holding %s", j->name,
                         sig == SIGKILL ? "killing" : "terminating", pid, j->mount_point);
                if (kill((pid_t)pid, sig) == 0)
                        count++;
        }
        closedir(d);
        return count;
}

static int do_umount(fs_job_t *j)
{
        char dev[4096];
        unsigned long mdev;
        dev_t rdev = 0, fsdev;
        bool have_dev, lazy = false;
        int r, fd, mnt_id = -1;
        target_t t;

        have_dev = resolve(j, dev, sizeof(dev), &rdev) == 0;
        j->reason[0] = '\0';
        r = mount_entry(j->mount_point, &mdev, &mnt_id);
        if (r < 0)
                return fail(j, r, "/proc/self/mountinfo: %s", strerror(-r));
        if (r == 0)
                goto check; /* not mounted here */
        if (have_dev && mdev != (unsigned long)rdev) {
                log_warn("rgm", "file_system %s: %s holds another filesystem: left alone", j->name,
                         j->mount_point);
                return 0;
        }
        fsdev = (dev_t)mdev;
        t = (target_t){.mnt_id = mnt_id, .dev = fsdev, .mp = j->mount_point};
        for (int round = 0;; round++) {
                if (umount2(j->mount_point, UMOUNT_NOFOLLOW) == 0 || errno == EINVAL)
                        break;
                if (errno != EBUSY)
                        return fail(j, -errno, "umount %s failed: %s", j->mount_point,
                                    strerror(errno));
                if (round == KILL_ROUNDS) {
                        /* last resort: detach it; the check below says
                         * whether anything still holds the device */
                        log_warn("rgm", "file_system %s: %s still busy: lazy unmount", j->name,
                                 j->mount_point);
                        if (umount2(j->mount_point, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 &&
                            errno != EINVAL)
                                return fail(j, -errno, "lazy umount %s failed: %s", j->mount_point,
                                            strerror(errno));
                        lazy = true;
                        break;
                }
                kill_holders(j, &t, round < KILL_ROUNDS / 2 ? SIGTERM : SIGKILL);
                usleep(round < KILL_ROUNDS / 2 ? 500000 : 200000);
        }
        if (agent_fs_mounted(j->mount_point, &mdev) == 1 && mdev == (unsigned long)fsdev)
                return fail(j, -EBUSY, "%s is still mounted", j->mount_point);
        log_info("rgm", "file_system %s: %s unmounted%s", j->name, j->mount_point,
                 lazy ? " (lazily)" : "");
check:
        /* the device must be free: a filesystem still alive on it (a lazy
         * unmount with holders left, or a mount elsewhere on this host)
         * keeps it held */
        if (!have_dev)
                return 0;
        for (int i = 0; i < 10; i++) {
                fd = open(dev, O_RDONLY | O_EXCL | O_CLOEXEC);
                if (fd >= 0) {
                        close(fd);
                        return 0;
                }
                if (errno != EBUSY)
                        return 0; /* cannot tell: the unmount itself succeeded */
                usleep(100000);
        }
        return fail(j, -EBUSY, "%s is still in use after %s", dev,
                    lazy ? "a lazy unmount" : "the unmount");
}

static void work(uv_work_t *req)
{
        fs_job_t *j = req->data;

        j->status = j->mount ? do_mount(j) : do_umount(j);
}

static void after(uv_work_t *req, int status)
{
        fs_job_t *j = req->data;

        if (status == UV_ECANCELED)
                j->status = fail(j, -ECANCELED, "cancelled");
        j->cb(j->ud, j->status, j->reason);
        free(j);
}

int agent_fs_start(uv_loop_t *loop, const agent_fs_spec_t *fs, bool mount, agent_fs_done_cb cb,
                   void *ud)
{
        fs_job_t *j = zalloc(sizeof(*j));
        int r;

        j->mount = mount;
        snprintf(j->name, sizeof(j->name), "%s", fs->name);
        snprintf(j->device, sizeof(j->device), "%s", fs->device);
        snprintf(j->mount_point, sizeof(j->mount_point), "%s", fs->mount_point);
        snprintf(j->fs_type, sizeof(j->fs_type), "%s", fs->fs_type);
        snprintf(j->options, sizeof(j->options), "%s", fs->options ? fs->options : "");
        j->fsck = fs->fsck;
        j->cb = cb;
        j->ud = ud;
        j->req.data = j;
        r = uv_queue_work(loop, &j->req, work, after);
        if (r < 0) {
                free(j);
                return r;
        }
        return 0;
}
