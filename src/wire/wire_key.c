/* wire_key: the cluster key file (32 random bytes, mode 0600), generated via
 * a temp file + fsync + rename and loaded with a permission check. */
#include "wire/wire.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/hamr_alloc.h"

static int write_all(int fd, const uint8_t *p, size_t n)
{
        while (n > 0) {
                ssize_t k = write(fd, p, n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        return -EIO;
                p += k;
                n -= (size_t)k;
        }
        return 0;
}

/* fsync the directory holding path so the rename itself is durable. */
static int fsync_parent(const char *path)
{
        _cleanup_free_ char *dir = zstrdup(path);
        char *slash = strrchr(dir, '/');
        int fd, r = 0;

        if (!slash)
                strcpy(dir, ".");
        else if (slash == dir)
                slash[1] = '\0';
        else
                *slash = '\0';
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (fsync(fd) < 0)
                r = -errno;
        close(fd);
        return r;
}

/* Rename tmp to path unless path exists (-EEXIST). */
static int rename_noreplace(const char *tmp, const char *path)
{
        struct stat st;

        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
                return 0;
        if (errno != EINVAL && errno != ENOSYS)
                return -errno;
        /* File system without RENAME_NOREPLACE: check, then plain rename. */
        if (lstat(path, &st) == 0)
                return -EEXIST;
        if (rename(tmp, path) < 0)
                return -errno;
        return 0;
}

/* Writes a new random key to path (in). -EEXIST if path or path.tmp exists
 * (a leftover path.tmp from a crashed run must be removed by hand). */
int wire_key_generate(const char *path)
{
        uint8_t key[WIRE_KEY_LEN];
        _cleanup_free_ char *tmp = NULL;
        struct stat st;
        size_t n;
        int fd, r;

        if (sodium_init() < 0)
                return -EIO;
        if (lstat(path, &st) == 0)
                return -EEXIST;
        if (errno != ENOENT)
                return -errno;

        n = strlen(path) + sizeof(".tmp");
        tmp = zalloc(n);
        snprintf(tmp, n, "%s.tmp", path);
        fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;

        randombytes_buf(key, sizeof(key));
        r = write_all(fd, key, sizeof(key));
        sodium_memzero(key, sizeof(key));
        if (r == 0 && fchmod(fd, 0600) < 0)
                r = -errno;
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r == 0)
                r = rename_noreplace(tmp, path);
        if (r < 0) {
                unlink(tmp);
                return r;
        }
        return fsync_parent(path);
}

/* Reads the key at path (in) into key (out, written only on success).
 * -EPERM if group/other can access it, -EINVAL unless exactly 32 bytes. */
int wire_key_load(const char *path, uint8_t key[WIRE_KEY_LEN])
{
        uint8_t buf[WIRE_KEY_LEN + 1];
        struct stat st;
        size_t got = 0;
        int fd, r = 0;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0) {
                r = -errno;
                goto out;
        }
        if (!S_ISREG(st.st_mode)) {
                r = -EINVAL;
                goto out;
        }
        if (st.st_mode & 077) {
                r = -EPERM;
                goto out;
        }
        /* Read one byte more than needed to notice a longer file. */
        while (got < sizeof(buf)) {
                ssize_t k = read(fd, buf + got, sizeof(buf) - got);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        goto out;
                }
                if (k == 0)
                        break;
                got += (size_t)k;
        }
        if (got != WIRE_KEY_LEN) {
                r = -EINVAL;
                goto out;
        }
        memcpy(key, buf, WIRE_KEY_LEN);
out:
        sodium_memzero(buf, sizeof(buf));
        close(fd);
        return r;
}

void wire_key_digest(const uint8_t key[WIRE_KEY_LEN], uint8_t out[WIRE_KEY_DIGEST_LEN])
{
        static const uint8_t label[crypto_generichash_KEYBYTES_MIN] = "hamr key digest";

        crypto_generichash(out, WIRE_KEY_DIGEST_LEN, key, WIRE_KEY_LEN, label, sizeof(label));
}
