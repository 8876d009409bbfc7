/* hamr-repofs: the lab's repository disk, seen by every node through its
 * own path, with per-node fault injection.
 *
 *   hamr-repofs [--host-locks] MOUNTPOINT NAME=BACKINGFILE [NAME=BACKINGFILE ...]
 *
 * A libfuse3 passthrough filesystem (high-level API) with one flat
 * directory: MOUNTPOINT/NAME for each NAME (several names may map to the
 * same backing file) and MOUNTPOINT/.control.  Every open of a NAME opens its
 * own backing descriptor and is served with direct_io, so no node ever reads
 * another node's write from a stale page cache.  OFD and POSIX locks taken on
 * MOUNTPOINT/NAME become OFD locks on that open's backing descriptor, so locks
 * taken through different names exclude each other (which a LUN shared by
 * several hosts does not give).  With --host-locks each name is a host of
 * its own: locks exclude each other only when taken through the same name
 * (each name's locks live in a byte range of their own, NAME_LOCK_SPAN
 * times its index further on), as on a real shared LUN.
 *
 * Faults, per name, written to .control as lines "NAME ok|error|hang" ("all"
 * names every NAME); reading .control lists each name's mode:
 *   ok     pass through;
 *   error  open, read, write, fsync, truncate and lock fail with EIO at once;
 *   hang   read, write, fsync, truncate and lock block until the mode
 *          changes, then proceed (ok) or fail (error).  Like a process in
 *          uninterruptible disk sleep, a blocked caller ignores signals
 *          except SIGKILL: a killed caller is answered EINTR so that it can
 *          die (the lab's crash kills nodes whose disk hangs);
 *   delay  read, write, fsync, truncate and lock each wait DELAY_MS first
 *          (a slow disk: widens the window between a read and the write
 *          that depends on it).
 * Unlocking and closing always proceed.  Mode changes are logged to stderr.
 *
 * Runs in the foreground, multithreaded (up to MAX_THREADS requests in
 * flight, so blocked requests never starve the others).  SIGTERM, SIGINT and
 * SIGHUP release every blocked request (EIO), leave the loop and unmount.
 */
#define FUSE_USE_VERSION 312 /* fuse_loop_cfg_set_max_threads() needs 3.12 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <fuse.h>

#define MAX_NAMES    64
#define NAME_LEN     64
#define MAX_THREADS  64
#define IDLE_THREADS 8
#define POLL_MS      20 /* re-check interval of blocked requests */
#define DELAY_MS     10 /* delay mode: delay of every request */
#define LOCK_POLL_MS 5  /* F_SETLKW retry interval */
/* --host-locks: each name's locks are moved (index + 1) spans further on */
#define NAME_LOCK_SPAN ((off_t)1 << 40)
#define CONTROL        ".control"
#define CONTROL_BUF    (MAX_NAMES * (NAME_LEN + 8))
#define SIGKILL_MASK   (1ULL << (SIGKILL - 1))

enum mode { MODE_OK, MODE_ERROR, MODE_HANG, MODE_DELAY };

static const char *const mode_names[] = {
    [MODE_OK] = "ok",
    [MODE_ERROR] = "error",
    [MODE_HANG] = "hang",
    [MODE_DELAY] = "delay",
};

struct rname {
        char name[NAME_LEN];
        char *backing; /* owned, absolute */
        enum mode mode;
};

/* One open of MOUNTPOINT/NAME (fd >= 0) or of .control (fd == -1); on the
 * open list until released (what is left is freed at exit). */
struct handle {
        int fd;
        int idx; /* index into names[], -1 for .control */
        struct handle *prev, *next;
};

static struct rname names[MAX_NAMES];
static int n_names;
static struct handle open_list = {.fd = -1, .idx = -1, .prev = &open_list, .next = &open_list};
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t mode_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t mode_cond;
static bool exiting; /* under mode_lock */
static struct fuse *fuse_handle;
static pthread_t main_thread;
static volatile sig_atomic_t main_done;

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void logmsg(const char *fmt, ...)
{
        struct timespec ts;
        va_list ap;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        flockfile(stderr);
        fprintf(stderr, "hamr-repofs %ld.%03ld: ", (long)ts.tv_sec, ts.tv_nsec / 1000000);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        funlockfile(stderr);
}

static int find_name(const char *path)
{
        if (path[0] == '/')
                path++;
        for (int i = 0; i < n_names; i++)
                if (!strcmp(names[i].name, path))
                        return i;
        return -1;
}

static bool is_control(const char *path)
{
        return !strcmp(path, "/" CONTROL);
}

static struct handle *handle_of(const struct fuse_file_info *fi)
{
        return (struct handle *)(uintptr_t)fi->fh;
}

/* True if thread tid has SIGKILL pending (it is being killed) or is gone. */
static bool caller_killed(pid_t tid)
{
        char path[64], line[256];
        bool killed = false;
        FILE *f;

        if (tid <= 0)
                return false;
        snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
        f = fopen(path, "re");
        if (!f)
                return errno == ENOENT || errno == ESRCH;
        while (fgets(line, sizeof(line), f)) {
                unsigned long long mask;

                if ((sscanf(line, "SigPnd: %llx", &mask) == 1 ||
                     sscanf(line, "ShdPnd: %llx", &mask) == 1) &&
                    (mask & SIGKILL_MASK)) {
                        killed = true;
                        break;
                }
        }
        fclose(f);
        return killed;
}

static void deadline_after(struct timespec *ts, long ms)
{
        clock_gettime(CLOCK_MONOTONIC, ts);
        ts->tv_sec += ms / 1000;
        ts->tv_nsec += (ms % 1000) * 1000000L;
        if (ts->tv_nsec >= 1000000000L) {
                ts->tv_sec++;
                ts->tv_nsec -= 1000000000L;
        }
}

/* Applies name idx's mode to one request: returns 0 to proceed, -EIO in
 * error mode (or when shutting down), -EINTR when the caller is killed while
 * blocked in hang mode.  Blocks while the mode is hang. */
static int gate(int idx)
{
        pid_t tid = fuse_get_context()->pid;
        bool logged = false;
        int r = 0;

        pthread_mutex_lock(&mode_lock);
        while (names[idx].mode == MODE_HANG && !exiting) {
                struct timespec ts;
                bool check;

                if (!logged) {
                        logmsg("%s: request of tid %d blocked (hang)", names[idx].name, (int)tid);
                        logged = true;
                }
                deadline_after(&ts, POLL_MS);
                pthread_cond_timedwait(&mode_cond, &mode_lock, &ts);
                if (names[idx].mode != MODE_HANG || exiting)
                        break;
                /* the kernel sends an interrupt for any signal; only a
                 * SIGKILL ends the wait, as for a process in disk sleep */
                check = fuse_interrupted();
                pthread_mutex_unlock(&mode_lock);
                if (check && caller_killed(tid)) {
                        logmsg("%s: blocked request of tid %d: caller killed", names[idx].name,
                               (int)tid);
                        return -EINTR;
                }
                pthread_mutex_lock(&mode_lock);
        }
        if (exiting || names[idx].mode == MODE_ERROR)
                r = -EIO;
        bool delay = names[idx].mode == MODE_DELAY;
        pthread_mutex_unlock(&mode_lock);
        if (delay && r == 0) {
                struct timespec ts = {0, DELAY_MS * 1000000L};
                nanosleep(&ts, NULL);
        }
        return r;
}

static enum mode mode_of(int idx)
{
        enum mode m;

        pthread_mutex_lock(&mode_lock);
        m = names[idx].mode;
        pthread_mutex_unlock(&mode_lock);
        return m;
}

/* ------------------------------------------------------------------ ops */

static void *rfs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
        (void)conn;
        cfg->direct_io = 1;
        cfg->entry_timeout = 0;
        cfg->attr_timeout = 0;
        cfg->negative_timeout = 0;
        cfg->use_ino = 0;
        return NULL;
}

static int rfs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
        int idx;

        (void)fi;
        memset(st, 0, sizeof(*st));
        if (!strcmp(path, "/")) {
                st->st_mode = S_IFDIR | 0755;
                st->st_nlink = 2;
                return 0;
        }
        if (is_control(path)) {
                st->st_mode = S_IFREG | 0600;
                st->st_nlink = 1;
                return 0;
        }
        idx = find_name(path);
        if (idx < 0)
                return -ENOENT;
        if (stat(names[idx].backing, st) < 0)
                return -errno;
        st->st_mode = S_IFREG | 0600;
        st->st_nlink = 1;
        st->st_ino = 0;
        return 0;
}

static int rfs_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
                       struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
        (void)off;
        (void)fi;
        (void)flags;
        if (strcmp(path, "/"))
                return -ENOTDIR;
        fill(buf, ".", NULL, 0, 0);
        fill(buf, "..", NULL, 0, 0);
        fill(buf, CONTROL, NULL, 0, 0);
        for (int i = 0; i < n_names; i++)
                fill(buf, names[i].name, NULL, 0, 0);
        return 0;
}

static int rfs_open(const char *path, struct fuse_file_info *fi)
{
        struct handle *h;
        int idx, fd;

        if (is_control(path)) {
                idx = -1;
                fd = -1;
        } else {
                idx = find_name(path);
                if (idx < 0)
                        return -ENOENT;
                if (mode_of(idx) == MODE_ERROR)
                        return -EIO;
                fd = open(names[idx].backing, O_RDWR | O_CLOEXEC);
                if (fd < 0)
                        return -errno;
        }
        h = calloc(1, sizeof(*h));
        if (!h) {
                if (fd >= 0)
                        close(fd);
                return -ENOMEM;
        }
        h->fd = fd;
        h->idx = idx;
        pthread_mutex_lock(&open_lock);
        h->next = &open_list;
        h->prev = open_list.prev;
        open_list.prev->next = h;
        open_list.prev = h;
        pthread_mutex_unlock(&open_lock);
        fi->fh = (uint64_t)(uintptr_t)h;
        fi->direct_io = 1;
        fi->keep_cache = 0;
        fi->nonseekable = 0;
        return 0;
}

static int rfs_release(const char *path, struct fuse_file_info *fi)
{
        struct handle *h = handle_of(fi);

        (void)path;
        pthread_mutex_lock(&open_lock);
        h->prev->next = h->next;
        h->next->prev = h->prev;
        pthread_mutex_unlock(&open_lock);
        /* closing drops this open's OFD locks on the backing file */
        if (h->fd >= 0)
                close(h->fd);
        free(h);
        fi->fh = 0;
        return 0;
}

/* At exit: files the kernel never released (connection gone). */
static void free_open_files(void)
{
        pthread_mutex_lock(&open_lock);
        while (open_list.next != &open_list) {
                struct handle *h = open_list.next;

                open_list.next = h->next;
                if (h->fd >= 0)
                        close(h->fd);
                free(h);
        }
        open_list.prev = &open_list;
        pthread_mutex_unlock(&open_lock);
}

static int control_text(char *buf, size_t len)
{
        size_t n = 0;

        pthread_mutex_lock(&mode_lock);
        for (int i = 0; i < n_names && n < len; i++) {
                int w =
                    snprintf(buf + n, len - n, "%s %s\n", names[i].name, mode_names[names[i].mode]);
                if (w < 0)
                        break;
                n += (size_t)w;
        }
        pthread_mutex_unlock(&mode_lock);
        return (int)(n < len ? n : len);
}

static int rfs_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
        struct handle *h = handle_of(fi);
        ssize_t n;
        int r;

        (void)path;
        if (h->idx < 0) {
                char text[CONTROL_BUF];
                int len = control_text(text, sizeof(text));

                if (off >= len)
                        return 0;
                if (size > (size_t)(len - off))
                        size = (size_t)(len - off);
                memcpy(buf, text + off, size);
                return (int)size;
        }
        r = gate(h->idx);
        if (r < 0)
                return r;
        n = pread(h->fd, buf, size, off);
        return n < 0 ? -errno : (int)n;
}

static int parse_mode(const char *s, enum mode *ret)
{
        for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
                if (!strcmp(s, mode_names[i])) {
                        *ret = (enum mode)i;
                        return 0;
                }
        return -EINVAL;
}

/* Applies "NAME MODE" lines (all or nothing).  Returns 0 or -EINVAL. */
static int control_write(const char *data, size_t size)
{
        enum mode want[MAX_NAMES];
        bool set[MAX_NAMES] = {false};
        char *copy, *line, *save = NULL;
        int r = 0;

        if (size > CONTROL_BUF)
                return -EINVAL;
        copy = strndup(data, size);
        if (!copy)
                return -ENOMEM;
        for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char name[NAME_LEN + 1], mode[16], extra;
                enum mode m;
                int k, idx;

                k = sscanf(line, "%64s %15s %c", name, mode, &extra);
                if (k <= 0)
                        continue; /* blank line */
                if (k != 2 || parse_mode(mode, &m) < 0) {
                        r = -EINVAL;
                        break;
                }
                idx = find_name(name);
                if (idx >= 0) {
                        want[idx] = m;
                        set[idx] = true;
                } else if (!strcmp(name, "all")) {
                        for (int i = 0; i < n_names; i++) {
                                want[i] = m;
                                set[i] = true;
                        }
                } else {
                        r = -EINVAL;
                        break;
                }
        }
        free(copy);
        if (r < 0)
                return r;
        pthread_mutex_lock(&mode_lock);
        for (int i = 0; i < n_names; i++) {
                if (!set[i] || names[i].mode == want[i])
                        continue;
                logmsg("%s: %s -> %s", names[i].name, mode_names[names[i].mode],
                       mode_names[want[i]]);
                names[i].mode = want[i];
        }
        pthread_cond_broadcast(&mode_cond);
        pthread_mutex_unlock(&mode_lock);
        return 0;
}

static int rfs_write(const char *path, const char *buf, size_t size, off_t off,
                     struct fuse_file_info *fi)
{
        struct handle *h = handle_of(fi);
        ssize_t n;
        int r;

        (void)path;
        if (h->idx < 0) {
                r = control_write(buf, size);
                return r < 0 ? r : (int)size;
        }
        r = gate(h->idx);
        if (r < 0)
                return r;
        n = pwrite(h->fd, buf, size, off);
        return n < 0 ? -errno : (int)n;
}

static int rfs_flush(const char *path, struct fuse_file_info *fi)
{
        (void)path;
        (void)fi;
        return 0;
}

static int rfs_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
        struct handle *h = handle_of(fi);
        int r;

        (void)path;
        if (h->idx < 0)
                return 0;
        r = gate(h->idx);
        if (r < 0)
                return r;
        r = datasync ? fdatasync(h->fd) : fsync(h->fd);
        return r < 0 ? -errno : 0;
}

static int rfs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
        int idx, r;

        if (is_control(path))
                return 0; /* "echo ... > .control" truncates first */
        idx = fi ? handle_of(fi)->idx : find_name(path);
        if (idx < 0)
                return -ENOENT;
        r = gate(idx);
        if (r < 0)
                return r;
        if (fi)
                r = ftruncate(handle_of(fi)->fd, size);
        else
                r = truncate(names[idx].backing, size);
        return r < 0 ? -errno : 0;
}

/* Every lock (OFD or classic POSIX on the FUSE file) becomes an OFD lock on
 * this open's backing descriptor.  The high-level library also calls this
 * with F_UNLCK on every close() (fi->flush set) for POSIX semantics; an OFD
 * lock lives until the open file is released, so that call is ignored. */
static int rfs_lock(const char *path, struct fuse_file_info *fi, int cmd, struct flock *fl)
{
        struct handle *h = handle_of(fi);
        pid_t tid = fuse_get_context()->pid;
        int r;

        (void)path;
        if (h->idx < 0)
                return -EINVAL;
        if (fi->flush)
                return 0;
        fl->l_pid = 0; /* required for OFD locks */
        if (cmd == F_GETLK) {
                r = fcntl(h->fd, F_OFD_GETLK, fl);
                return r < 0 ? -errno : 0;
        }
        if (cmd != F_SETLK && cmd != F_SETLKW)
                return -EINVAL;
        if (fl->l_type != F_UNLCK) {
                r = gate(h->idx);
                if (r < 0)
                        return r;
        }
        for (;;) {
                struct timespec ts = {0, LOCK_POLL_MS * 1000000L};
                bool stop;

                r = fcntl(h->fd, F_OFD_SETLK, fl);
                if (r == 0)
                        return 0;
                if (cmd == F_SETLK || (errno != EAGAIN && errno != EACCES))
                        return -errno;
                /* F_SETLKW: poll, so that a killed waiter can be answered */
                if (fuse_interrupted() && caller_killed(tid))
                        return -EINTR;
                pthread_mutex_lock(&mode_lock);
                stop = exiting || names[h->idx].mode == MODE_ERROR;
                pthread_mutex_unlock(&mode_lock);
                if (stop)
                        return -EIO;
                nanosleep(&ts, NULL);
        }
}

static bool host_locks; /* --host-locks */

/* --host-locks: move fl (absolute, as FUSE hands it) into idx's own span;
 * "to the end" (l_len 0) ends at the span's end. -EINVAL past the span. */
static int to_host_range(int idx, struct flock *fl)
{
        if (fl->l_whence != SEEK_SET || fl->l_start < 0 || fl->l_len < 0 ||
            fl->l_start >= NAME_LOCK_SPAN || fl->l_len > NAME_LOCK_SPAN - fl->l_start)
                return -EINVAL;
        if (fl->l_len == 0)
                fl->l_len = NAME_LOCK_SPAN - fl->l_start;
        fl->l_start += NAME_LOCK_SPAN * (idx + 1);
        return 0;
}

static void from_host_range(int idx, struct flock *fl, bool to_end)
{
        if (fl->l_type == F_UNLCK)
                return;
        fl->l_start -= NAME_LOCK_SPAN * (idx + 1);
        if (to_end && fl->l_start + fl->l_len == NAME_LOCK_SPAN)
                fl->l_len = 0;
}

static int rfs_lock_host(struct handle *h, struct fuse_file_info *fi, int cmd, struct flock *fl)
{
        bool to_end = fl->l_len == 0;
        int r = to_host_range(h->idx, fl);

        if (r < 0)
                return r;
        r = rfs_lock(NULL, fi, cmd, fl);
        if (cmd == F_GETLK && r == 0)
                from_host_range(h->idx, fl, to_end);
        return r;
}

static int rfs_lock_op(const char *path, struct fuse_file_info *fi, int cmd, struct flock *fl)
{
        struct handle *h = handle_of(fi);

        if (!host_locks || h->idx < 0 || fi->flush)
                return rfs_lock(path, fi, cmd, fl);
        return rfs_lock_host(h, fi, cmd, fl);
}

static const struct fuse_operations rfs_ops = {
    .init = rfs_init,
    .getattr = rfs_getattr,
    .readdir = rfs_readdir,
    .open = rfs_open,
    .release = rfs_release,
    .read = rfs_read,
    .write = rfs_write,
    .flush = rfs_flush,
    .fsync = rfs_fsync,
    .truncate = rfs_truncate,
    .lock = rfs_lock_op,
};

/* -------------------------------------------------------------- process */

static void on_wake(int sig)
{
        (void)sig; /* only interrupts the main thread's sem_wait */
}

/* Waits for SIGTERM/SIGINT/SIGHUP (blocked in every other thread), then
 * releases every blocked request and makes the loop return. */
static void *signal_thread(void *arg)
{
        sigset_t *set = arg;
        struct timespec ts = {0, 20 * 1000000L};
        int sig = 0;

        if (sigwait(set, &sig) != 0)
                return NULL;
        /* from here on main's pthread_cancel() must not cut us short (we
         * may hold stderr's lock); main_done ends the loop below */
        pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
        logmsg("signal %d: releasing blocked requests and exiting", sig);
        pthread_mutex_lock(&mode_lock);
        exiting = true;
        pthread_cond_broadcast(&mode_cond);
        pthread_mutex_unlock(&mode_lock);
        fuse_exit(fuse_handle);
        /* the loop waits in sem_wait(); a signal to the main thread makes
         * it look at the exit flag.  Repeated in case the first one comes
         * before the wait (bounded: 10 s). */
        for (int i = 0; i < 500 && !main_done; i++) {
                pthread_kill(main_thread, SIGUSR1);
                nanosleep(&ts, NULL);
        }
        return NULL;
}

static int add_name(const char *arg)
{
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : 0;
        struct stat st;
        char *path;
        int fd;

        if (!eq || len == 0 || len >= NAME_LEN || arg[0] == '.') {
                fprintf(stderr, "hamr-repofs: bad NAME=BACKINGFILE argument '%s'\n", arg);
                return -1;
        }
        for (size_t i = 0; i < len; i++)
                if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-",
                            arg[i])) {
                        fprintf(stderr, "hamr-repofs: bad character in name '%.*s'\n", (int)len,
                                arg);
                        return -1;
                }
        if (n_names >= MAX_NAMES) {
                fprintf(stderr, "hamr-repofs: at most %d names\n", MAX_NAMES);
                return -1;
        }
        memcpy(names[n_names].name, arg, len);
        names[n_names].name[len] = '\0';
        if (find_name(names[n_names].name) >= 0) {
                fprintf(stderr, "hamr-repofs: name '%s' given twice\n", names[n_names].name);
                return -1;
        }
        path = realpath(eq + 1, NULL);
        if (!path) {
                fprintf(stderr, "hamr-repofs: %s: %s\n", eq + 1, strerror(errno));
                return -1;
        }
        fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
                fprintf(stderr, "hamr-repofs: %s: %s\n", path,
                        fd < 0 ? strerror(errno) : "not a regular file or block device");
                if (fd >= 0)
                        close(fd);
                free(path);
                return -1;
        }
        close(fd);
        names[n_names].backing = path;
        names[n_names].mode = MODE_OK;
        n_names++;
        return 0;
}

static void free_names(void)
{
        for (int i = 0; i < n_names; i++)
                free(names[i].backing);
        n_names = 0;
}

int main(int argc, char **argv)
{
        struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
        struct fuse_loop_config *cfg = NULL;
        struct sigaction sa = {.sa_handler = on_wake};
        pthread_condattr_t ca;
        pthread_t sigthr;
        bool mounted = false, sigthr_started = false;
        sigset_t set;
        int r = 1;

        if (argc > 1 && !strcmp(argv[1], "--host-locks")) {
                host_locks = true;
                argv[1] = argv[0];
                argv++;
                argc--;
        }
        if (argc < 3 || argv[1][0] == '-') {
                fprintf(stderr, "usage: hamr-repofs [--host-locks] MOUNTPOINT NAME=BACKINGFILE "
                                "[NAME=BACKINGFILE ...]\n");
                return 2;
        }
        for (int i = 2; i < argc; i++)
                if (add_name(argv[i]) < 0)
                        goto out;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&mode_cond, &ca);
        pthread_condattr_destroy(&ca);

        /* signals: TERM/INT/HUP go to the signal thread only; USR1 wakes main */
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGHUP);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        sigemptyset(&sa.sa_mask);
        sigaction(SIGUSR1, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);
        main_thread = pthread_self();

        if (fuse_opt_add_arg(&args, argv[0]) < 0 || fuse_opt_add_arg(&args, "-o") < 0 ||
            fuse_opt_add_arg(&args, "fsname=hamr-repofs,subtype=hamr-repofs") < 0)
                goto out;
        fuse_handle = fuse_new(&args, &rfs_ops, sizeof(rfs_ops), NULL);
        if (!fuse_handle)
                goto out;
        if (fuse_mount(fuse_handle, argv[1]) < 0)
                goto out;
        mounted = true;
        if (pthread_create(&sigthr, NULL, signal_thread, &set) != 0)
                goto out;
        sigthr_started = true;
        cfg = fuse_loop_cfg_create();
        if (!cfg)
                goto out;
        fuse_loop_cfg_set_max_threads(cfg, MAX_THREADS);
        fuse_loop_cfg_set_idle_threads(cfg, IDLE_THREADS);
        fuse_loop_cfg_set_clone_fd(cfg, 0);
        logmsg("serving %d name(s) at %s%s", n_names, argv[1],
               host_locks ? " (locks per name, as separate hosts)" : "");
        r = fuse_loop_mt(fuse_handle, cfg) < 0 ? 1 : 0;
        main_done = 1;
        logmsg("loop ended, unmounting");
out:
        main_done = 1;
        if (sigthr_started) {
                pthread_cancel(sigthr); /* sigwait() is a cancellation point */
                pthread_join(sigthr, NULL);
        }
        if (cfg)
                fuse_loop_cfg_destroy(cfg);
        if (mounted)
                fuse_unmount(fuse_handle);
        if (fuse_handle)
                fuse_destroy(fuse_handle);
        fuse_opt_free_args(&args);
        free_open_files();
        free_names();
        return r;
}
