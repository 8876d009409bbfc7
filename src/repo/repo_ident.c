/* repo_ident: a disk's identity as one node reads it (clmgr verify compares
 * them between the nodes): a repository's random identity from its
 * superblock, else a digest of the first block and the size. Reading the
 * disk is here; making and decoding an identity block are repo.c's (the
 * superblock's writer). */
#include "repo/repo_layout.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/hamr_alloc.h"

const char *repo_disk_kind_str(repo_disk_kind_t k)
{
        switch (k) {
        case REPO_DISK_REPOSITORY:
                return "repository";
        case REPO_DISK_OLD:
                return "repository without an identity";
        case REPO_DISK_BLANK:
                return "blank (no repository yet)";
        case REPO_DISK_FOREIGN:
                return "not a repository (other data)";
        }
        return "?";
}

int repo_ident_read(const char *path, repo_ident_t *ret)
{
        _cleanup_free_ uint8_t *blk = NULL;
        struct stat st;
        off_t end;
        int fd, fl, r;

        if (sodium_init() < 0)
                return -EIO;
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0) {
                r = -errno;
                goto out;
        }
        if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
                r = -ENOTBLK;
                goto out;
        }
        if (S_ISBLK(st.st_mode)) { /* another host's writes are seen */
                fl = fcntl(fd, F_GETFL);
                if (fl < 0 || fcntl(fd, F_SETFL, fl | O_DIRECT) < 0) {
                        r = -errno;
                        goto out;
                }
        }
        end = lseek(fd, 0, SEEK_END);
        if (end < 0) {
                r = -errno;
                goto out;
        }
        blk = repo_alloc_aligned(REPO_BLOCK);
        r = end >= (off_t)REPO_BLOCK ? repo_pread_full(fd, blk, REPO_BLOCK, REPO_OFF_SUPER) : 0;
        if (r == 0)
                repo_ident_decode(blk, (uint64_t)end, ret);
out:
        close(fd);
        return r;
}
