/* repo_lease: the tie-breaker lease block (one checksummed record in the
 * first sector of the block at REPO_OFF_LEASE) and the configuration lock
 * block after it (REPO_OFF_CFGLOCK, same record). Only the encoding lives
 * here; the protocol (who may write what, and when) is src/lease.
 * Called from the disk heartbeat thread; every call uses its own buffer. */
#include "repo/repo_layout.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/hamr_alloc.h"
#include "common/hamr_buf.h"

static bool owner_valid(uint16_t owner, bool anon)
{
        return owner < REPO_MAX_SLOTS || owner == REPO_LEASE_NONE ||
               (anon && owner == REPO_CFGLOCK_ANON);
}

static int encode(uint8_t *blk, size_t len, const repo_lease_rec_t *rec, bool anon)
{
        bufw_t w;

        if (!rec || !owner_valid(rec->owner, anon) || len < REPO_LEASE_LEN)
                return -EINVAL;
        memset(blk, 0, len < REPO_BLOCK ? len : REPO_BLOCK);
        bufw_init(&w, blk, REPO_LEASE_OFF_CKSUM);
        bufw_u32(&w, REPO_LEASE_MAGIC);
        bufw_u16(&w, REPO_LEASE_VERSION);
        bufw_u16(&w, rec->owner);
        bufw_u64(&w, rec->incarnation);
        bufw_u64(&w, rec->counter);
        assert(!w.overflow && w.len == REPO_LEASE_OFF_CKSUM);
        repo_checksum(blk + REPO_LEASE_OFF_CKSUM, blk, REPO_LEASE_OFF_CKSUM, NULL, 0);
        return 0;
}

int repo_lease_encode(uint8_t *blk, size_t len, const repo_lease_rec_t *rec)
{
        return encode(blk, len, rec, false);
}

/* rec (in) goes to the block at off; the rest of the block is zeroed. */
static int write_at(repo_t *repo, const repo_lease_rec_t *rec, uint64_t off, bool anon)
{
        _cleanup_free_ uint8_t *blk = NULL;
        int r;

        if (!rec || !owner_valid(rec->owner, anon) || rec->counter >= REPO_LEASE_COUNTER_LIMIT)
                return -EINVAL;
        blk = repo_alloc_aligned(REPO_BLOCK);
        r = encode(blk, REPO_BLOCK, rec, anon);
        if (r < 0)
                return r;
        return repo_pwrite_full(repo->fd, blk, REPO_BLOCK, off);
}

int repo_lease_write(repo_t *repo, const repo_lease_rec_t *rec)
{
        return write_at(repo, rec, REPO_OFF_LEASE, false);
}

int repo_cfglock_write(repo_t *repo, const repo_lease_rec_t *rec)
{
        return write_at(repo, rec, REPO_OFF_CFGLOCK, true);
}

static bool all_zero(const uint8_t *p, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (p[i])
                        return false;
        return true;
}

static int decode(const uint8_t *blk, size_t len, repo_lease_rec_t *ret, bool anon)
{
        uint8_t sum[REPO_CKSUM_LEN];
        uint32_t magic;
        uint16_t version, owner;
        uint64_t inc, counter;
        bufr_t r;

        if (len < REPO_LEASE_LEN)
                return all_zero(blk, len) ? -ENOENT : -EBADMSG;
        if (all_zero(blk, REPO_LEASE_LEN))
                return -ENOENT; /* as repo_format left it */

        bufr_init(&r, blk, REPO_LEASE_OFF_CKSUM);
        magic = bufr_u32(&r);
        version = bufr_u16(&r);
        owner = bufr_u16(&r);
        inc = bufr_u64(&r);
        counter = bufr_u64(&r);
        assert(!r.error);
        if (magic != REPO_LEASE_MAGIC || version != REPO_LEASE_VERSION ||
            !owner_valid(owner, anon) || counter >= REPO_LEASE_COUNTER_LIMIT)
                return -EBADMSG;
        repo_checksum(sum, blk, REPO_LEASE_OFF_CKSUM, NULL, 0);
        if (sodium_memcmp(sum, blk + REPO_LEASE_OFF_CKSUM, REPO_CKSUM_LEN) != 0)
                return -EBADMSG;

        ret->owner = owner;
        ret->incarnation = inc;
        ret->counter = counter;
        return 0;
}

int repo_lease_decode(const uint8_t *blk, size_t len, repo_lease_rec_t *ret)
{
        return decode(blk, len, ret, false);
}

static int read_at(repo_t *repo, repo_lease_rec_t *ret, uint64_t off, bool anon)
{
        _cleanup_free_ uint8_t *blk = NULL;
        int k;

        blk = repo_alloc_aligned(REPO_BLOCK);
        k = repo_pread_full(repo->fd, blk, REPO_BLOCK, off);
        if (k < 0)
                return k;
        return decode(blk, REPO_BLOCK, ret, anon);
}

/* Reads the lease record into ret (out, written only on success).
 * -ENOENT never written, -EBADMSG invalid, other -errno I/O error. */
int repo_lease_read(repo_t *repo, repo_lease_rec_t *ret)
{
        return read_at(repo, ret, REPO_OFF_LEASE, false);
}

int repo_cfglock_read(repo_t *repo, repo_lease_rec_t *ret)
{
        return read_at(repo, ret, REPO_OFF_CFGLOCK, true);
}
