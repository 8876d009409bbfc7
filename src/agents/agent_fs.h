/* agent_fs: filesystems on shared block devices (the file_system class).
 * Mount: resolve the device (path, LABEL=, UUID= through libblkid), run
 * fsck -p on it, create the mount point, mount(2); a filesystem already
 * mounted there from the same device counts as mounted. Unmount: umount;
 * if busy, kill the processes of this mount namespace that hold it (cwd,
 * root, exe, open files, mapped files on it: SIGTERM, then SIGKILL) and
 * retry; a lazy unmount (MNT_DETACH) only as the last resort; then the
 * device must be free (an exclusive open succeeds) or the release fails.
 * Everything that may block on a device runs in libuv's thread pool, never
 * on the loop: a hung device stalls only its own job. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "common/hamr_time.h"

#define AGENT_FS_REASON_LEN 256
/* fsck may run this long before it is killed and counted as failed */
#define AGENT_FS_FSCK_TIMEOUT_USEC (3600 * USEC_PER_SEC)

typedef struct agent_fs_spec {
        const char *name;        /* file_system object, for reasons */
        const char *device;      /* /dev/..., LABEL=.. or UUID=.. */
        const char *mount_point; /* absolute */
        const char *fs_type;     /* "ext4" */
        const char *options;     /* MOUNT_OPTIONS, "" none */
        bool fsck;               /* run fsck -p before mounting */
} agent_fs_spec_t;

/* status 0, or a negative errno with reason a sentence naming the
 * file_system, e.g. "file_system fs1: fsck -p /dev/loop3 exited with
 * status 4: ...". Runs once, on the loop, after the work is done. */
typedef void (*agent_fs_done_cb)(void *ud, int status, const char *reason);

/* Mount (acquire) or unmount (release) fs off the loop; fs's strings are
 * copied. Returns 0 (cb runs later) or -errno (nothing queued, cb not
 * called). */
int agent_fs_start(uv_loop_t *loop, const agent_fs_spec_t *fs, bool mount, agent_fs_done_cb cb,
                   void *ud);

/* MOUNT_OPTIONS -> mount(2) flags and the data string of the options the
 * kernel's filesystem takes itself (caller's buffer, always terminated).
 * Pure; 0 or -EINVAL for an empty option. */
int agent_fs_parse_options(const char *opts, unsigned long *ret_flags, char *data, size_t len);

/* Blocking (call off the loop). Whether mount_point is a mount point in
 * this mount namespace (/proc/self/mountinfo): 1 with its device number
 * in *ret_dev (may be NULL), 0 if not, -errno. */
int agent_fs_mounted(const char *mount_point, unsigned long *ret_dev);
