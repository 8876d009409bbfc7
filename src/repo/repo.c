/* repo: opening and formatting the repository disk, the superblock, the
 * config lock, and the aligned I/O helpers. Config areas are in
 * repo_config.c, node slots in repo_slot.c; layout in repo_layout.h. */
#include "repo/repo_layout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/hamr_alloc.h"
#include "common/hamr_buf.h"

void *repo_alloc_aligned(size_t len)
{
        void *p = NULL;

        assert(len > 0 && len % REPO_BLOCK == 0);
        if (posix_memalign(&p, REPO_BLOCK, len) != 0)
                abort(); /* out of memory, as zalloc does */
        memset(p, 0, len);
        return p;
}

int repo_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
        ssize_t n;

        do
                n = pread(fd, buf, len, (off_t)off);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        return (size_t)n == len ? 0 : -EIO;
}

int repo_pwrite_full(int fd, const void *buf, size_t len, uint64_t off)
{
        ssize_t n;

        do
                n = pwrite(fd, buf, len, (off_t)off);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        return (size_t)n == len ? 0 : -EIO;
}

void repo_checksum(uint8_t out[REPO_CKSUM_LEN], const void *a, size_t alen, const void *b,
                   size_t blen)
{
        crypto_generichash_state st;

        static_assert(REPO_CKSUM_LEN >= crypto_generichash_BYTES_MIN, "BLAKE2b output size");
        crypto_generichash_init(&st, NULL, 0, REPO_CKSUM_LEN);
        crypto_generichash_update(&st, a, alen);
        if (blen > 0)
                crypto_generichash_update(&st, b, blen);
        crypto_generichash_final(&st, out, REPO_CKSUM_LEN);
}

/* Opens path O_RDWR, adding O_DIRECT for block devices. create: make a
 * missing regular file (*ret_created tells). Returns fd or -errno. */
static int open_disk(const char *path, bool create, bool *ret_direct, bool *ret_created)
{
        struct stat st;
        int fd, fl;

        *ret_created = false;
        fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT && create) {
                fd = open(path, O_RDWR | O_CLOEXEC | O_CREAT | O_EXCL, 0600);
                if (fd >= 0)
                        *ret_created = true;
                else if (errno == EEXIST) /* lost a race with another creator */
                        fd = open(path, O_RDWR | O_CLOEXEC);
        }
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                goto fail;
        if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
                close(fd);
                return -ENOTBLK;
        }
        *ret_direct = S_ISBLK(st.st_mode);
        if (*ret_direct) {
                fl = fcntl(fd, F_GETFL);
                if (fl < 0 || fcntl(fd, F_SETFL, fl | O_DIRECT) < 0)
                        goto fail;
        }
        return fd;
fail:
        fl = -errno;
        close(fd);
        return fl;
}

static int disk_size(int fd, uint64_t *ret_size)
{
        off_t end = lseek(fd, 0, SEEK_END);

        if (end < 0)
                return -errno;
        *ret_size = (uint64_t)end;
        return 0;
}

static void sb_encode(uint8_t *blk, uint64_t size)
{
        bufw_t w;

        memset(blk, 0, REPO_BLOCK);
        bufw_init(&w, blk, REPO_SB_OFF_CKSUM);
        bufw_bytes(&w, REPO_SB_MAGIC, 8);
        bufw_u32(&w, REPO_SB_VERSION);
        bufw_u64(&w, size);
        assert(!w.overflow && w.len == REPO_SB_OFF_CKSUM);
        repo_checksum(blk + REPO_SB_OFF_CKSUM, blk, REPO_SB_OFF_CKSUM, NULL, 0);
        repo_ident_new(blk);
}

/* Reads and checks the superblock: 0, -ENODATA (none or corrupt), -errno. */
static int sb_read(int fd, uint64_t *ret_size)
{
        _cleanup_free_ uint8_t *blk = repo_alloc_aligned(REPO_BLOCK);
        uint8_t sum[REPO_CKSUM_LEN];
        bufr_t r;
        uint64_t size;
        int k;

        k = repo_pread_full(fd, blk, REPO_BLOCK, REPO_OFF_SUPER);
        if (k == -EIO) /* shorter than one block */
                return -ENODATA;
        if (k < 0)
                return k;
        repo_checksum(sum, blk, REPO_SB_OFF_CKSUM, NULL, 0);
        if (sodium_memcmp(sum, blk + REPO_SB_OFF_CKSUM, REPO_CKSUM_LEN) != 0)
                return -ENODATA;
        if (memcmp(blk, REPO_SB_MAGIC, 8) != 0)
                return -ENODATA;
        bufr_init(&r, blk + REPO_SB_OFF_VERSION, REPO_SB_OFF_CKSUM - REPO_SB_OFF_VERSION);
        if (bufr_u32(&r) != REPO_SB_VERSION)
                return -ENODATA;
        size = bufr_u64(&r);
        if (size < REPO_MIN_SIZE)
                return -ENODATA;
        *ret_size = size;
        return 0;
}

/* A superblock formatted before disks had an identity gets one (the
 * first 36 bytes are written back unchanged, in the same sector). */
static int ident_add(int fd)
{
        _cleanup_free_ uint8_t *blk = repo_alloc_aligned(REPO_BLOCK);
        repo_ident_t id;
        int r;

        r = repo_pread_full(fd, blk, REPO_BLOCK, REPO_OFF_SUPER);
        if (r < 0)
                return r;
        repo_ident_decode(blk, REPO_MIN_SIZE, &id);
        if (id.kind != REPO_DISK_OLD)
                return 0;
        repo_ident_new(blk);
        r = repo_pwrite_full(fd, blk, REPO_BLOCK, REPO_OFF_SUPER);
        if (r == 0 && fdatasync(fd) < 0)
                r = -errno;
        return r;
}

/* Zeroes the layout after the superblock so that stale data from an earlier
 * use of the disk can never pass for a config or a slot. */
static int wipe_layout(int fd)
{
        _cleanup_free_ uint8_t *zero = repo_alloc_aligned(REPO_CONFIG_AREA);
        uint64_t off;
        int r;

        for (off = REPO_BLOCK; off < REPO_OFF_END; off += REPO_CONFIG_AREA) {
                size_t n =
                    REPO_OFF_END - off < REPO_CONFIG_AREA ? REPO_OFF_END - off : REPO_CONFIG_AREA;
                r = repo_pwrite_full(fd, zero, n, off);
                if (r < 0)
                        return r;
        }
        return 0;
}

int repo_format(const char *path)
{
        _cleanup_free_ uint8_t *blk = NULL;
        bool direct, created;
        uint64_t size = 0, sb_size = 0;
        int fd, r;

        if (sodium_init() < 0)
                return -EIO;
        fd = open_disk(path, true, &direct, &created);
        if (fd < 0)
                return fd;
        if (created && ftruncate(fd, REPO_MIN_SIZE) < 0) {
                r = -errno;
                close(fd);
                unlink(path);
                return r;
        }
        r = disk_size(fd, &size);
        if (r < 0)
                goto out;
        if (size < REPO_MIN_SIZE) {
                r = -ENOSPC;
                goto out;
        }
        r = sb_read(fd, &sb_size);
        if (r == 0)
                r = ident_add(fd);
        if (r != -ENODATA)
                goto out; /* already formatted (0), or an I/O error */

        /* Wipe first, superblock last: a crash in between leaves the disk
         * unformatted rather than formatted over stale contents. */
        if (!created) {
                r = wipe_layout(fd);
                if (r < 0)
                        goto out;
                if (fdatasync(fd) < 0) {
                        r = -errno;
                        goto out;
                }
        }
        blk = repo_alloc_aligned(REPO_BLOCK);
        sb_encode(blk, size);
        r = repo_pwrite_full(fd, blk, REPO_BLOCK, REPO_OFF_SUPER);
        if (r == 0 && fdatasync(fd) < 0)
                r = -errno;
out:
        if (close(fd) < 0 && r == 0)
                r = -errno;
        return r;
}

int repo_open(const char *path, repo_t **ret_repo)
{
        repo_t *repo;
        bool direct, created;
        uint64_t size = 0, sb_size = 0;
        int fd, r;

        if (sodium_init() < 0)
                return -EIO;
        fd = open_disk(path, false, &direct, &created);
        if (fd < 0)
                return fd;
        r = sb_read(fd, &sb_size);
        if (r == 0)
                r = disk_size(fd, &size);
        if (r == 0 && size < REPO_MIN_SIZE)
                r = -ENODATA; /* truncated since it was formatted */
        if (r < 0) {
                close(fd);
                return r;
        }
        repo = zalloc(sizeof(*repo));
        repo->fd = fd;
        repo->direct = direct;
        repo->size = size;
        repo->path = zstrdup(path);
        *ret_repo = repo;
        return 0;
}

void repo_close(repo_t *repo)
{
        if (!repo)
                return;
        /* Closing the last descriptor of the open file description drops
         * its OFD lock, if any. */
        close(repo->fd);
        free(repo->path);
        free(repo);
}

const char *repo_path(const repo_t *repo)
{
        return repo->path;
}

static int config_lock_op(repo_t *repo, int cmd, short type)
{
        struct flock fl = {
            .l_type = type,
            .l_whence = SEEK_SET,
            .l_start = REPO_LOCK_START,
            .l_len = REPO_LOCK_LEN,
            .l_pid = 0, /* required for OFD locks */
        };
        int r;

        do
                r = fcntl(repo->fd, cmd, &fl);
        while (r < 0 && errno == EINTR);
        return r < 0 ? -errno : 0;
}

int repo_config_lock(repo_t *repo)
{
        int r = config_lock_op(repo, F_OFD_SETLKW, F_WRLCK);

        if (r == 0)
                repo->locked = true;
        return r;
}

void repo_config_unlock(repo_t *repo)
{
        if (!repo->locked)
                return;
        /* Unlocking a range we hold cannot fail on a valid fd. */
        (void)config_lock_op(repo, F_OFD_SETLK, F_UNLCK);
        repo->locked = false;
}

/* The superblock's disk identity (see repo_ident.c for reading a disk). */
void repo_ident_new(uint8_t *blk)
{
        randombytes_buf(blk + REPO_SB_OFF_IDENT, REPO_IDENT_LEN);
        repo_checksum(blk + REPO_SB_OFF_IDENT_CKSUM, blk + REPO_SB_OFF_IDENT, REPO_IDENT_LEN, NULL,
                      0);
}

static bool all_zero(const uint8_t *p, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (p[i])
                        return false;
        return true;
}

void repo_ident_decode(const uint8_t *blk, uint64_t size, repo_ident_t *ret)
{
        uint8_t sum[REPO_CKSUM_LEN], sz[8];
        repo_ident_t id = {.size = size};

        for (int i = 0; i < 8; i++)
                sz[i] = (uint8_t)(size >> (56 - 8 * i));
        repo_checksum(sum, blk, REPO_SB_OFF_CKSUM, NULL, 0);
        if (!memcmp(blk, REPO_SB_MAGIC, 8) &&
            sodium_memcmp(sum, blk + REPO_SB_OFF_CKSUM, REPO_CKSUM_LEN) == 0) {
                repo_checksum(sum, blk + REPO_SB_OFF_IDENT, REPO_IDENT_LEN, NULL, 0);
                if (!all_zero(blk + REPO_SB_OFF_IDENT, REPO_IDENT_LEN) &&
                    sodium_memcmp(sum, blk + REPO_SB_OFF_IDENT_CKSUM, REPO_CKSUM_LEN) == 0) {
                        id.kind = REPO_DISK_REPOSITORY;
                        memcpy(id.id, blk + REPO_SB_OFF_IDENT, REPO_IDENT_LEN);
                        *ret = id;
                        return;
                }
                id.kind = REPO_DISK_OLD;
        } else {
                id.kind = all_zero(blk, REPO_BLOCK) ? REPO_DISK_BLANK : REPO_DISK_FOREIGN;
        }
        repo_checksum(id.id, blk, REPO_BLOCK, sz, sizeof(sz));
        *ret = id;
}
