/* repo_slot: the per-node disk heartbeat slots, one checksummed block each.
 * Called from the disk heartbeat thread; every call uses its own buffer. */
#include "repo/repo_layout.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/hamr_alloc.h"
#include "common/hamr_buf.h"
#include "common/hamr_time.h"

/* Bytes of a slot a body of body_len uses, whole blocks. */
static size_t used_len(size_t body_len)
{
        size_t n = REPO_SLOT_OFF_BODY + body_len;

        return (n + REPO_BLOCK - 1) / REPO_BLOCK * REPO_BLOCK;
}

static uint64_t slot_off(uint16_t node_id)
{
        return REPO_OFF_SLOTS + (uint64_t)node_id * REPO_SLOT_SIZE;
}

int repo_slot_encode(uint8_t *blk, size_t len, uint16_t node_id, uint64_t incarnation, uint64_t seq,
                     uint64_t write_realtime_usec, const void *body, size_t body_len)
{
        bufw_t w;

        if (len < REPO_SLOT_SIZE || node_id >= REPO_MAX_SLOTS)
                return -EINVAL;
        if (body_len > REPO_SLOT_MAX_BODY)
                return -EMSGSIZE;
        if (body_len > 0 && !body)
                return -EINVAL;

        memset(blk, 0, REPO_SLOT_SIZE);
        bufw_init(&w, blk, REPO_SLOT_OFF_CKSUM);
        bufw_u32(&w, REPO_SLOT_MAGIC);
        bufw_u16(&w, node_id);
        bufw_u16(&w, 0);
        bufw_u64(&w, incarnation);
        bufw_u64(&w, seq);
        bufw_u64(&w, write_realtime_usec);
        bufw_u32(&w, (uint32_t)body_len);
        assert(!w.overflow && w.len == REPO_SLOT_OFF_CKSUM);
        if (body_len > 0)
                memcpy(blk + REPO_SLOT_OFF_BODY, body, body_len);
        repo_checksum(blk + REPO_SLOT_OFF_CKSUM, blk, REPO_SLOT_OFF_CKSUM, blk + REPO_SLOT_OFF_BODY,
                      body_len);
        return 0;
}

/* body (in, body_len bytes) goes to node_id's slot with the current wall
 * clock time; no fdatasync (the slot is rewritten every interval). */
int repo_slot_write(repo_t *repo, uint16_t node_id, uint64_t incarnation, uint64_t seq,
                    const void *body, size_t body_len)
{
        _cleanup_free_ uint8_t *blk = NULL;
        int r;

        if (node_id >= REPO_MAX_SLOTS)
                return -EINVAL;
        if (body_len > REPO_SLOT_MAX_BODY)
                return -EMSGSIZE;
        if (body_len > 0 && !body)
                return -EINVAL;

        blk = repo_alloc_aligned(REPO_SLOT_SIZE);
        r = repo_slot_encode(blk, REPO_SLOT_SIZE, node_id, incarnation, seq, realtime_usec(), body,
                             body_len);
        if (r < 0)
                return r;
        /* only the blocks the header and body use */
        return repo_pwrite_full(repo->fd, blk, used_len(body_len), slot_off(node_id));
}

int repo_slot_decode(const uint8_t *blk, size_t len, uint16_t node_id, repo_slot_t *ret_slot)
{
        uint8_t sum[REPO_CKSUM_LEN];
        uint32_t magic, body_len;
        uint16_t id;
        uint64_t inc, seq, when;
        bufr_t r;

        if (len < REPO_SLOT_OFF_BODY)
                return -ENOENT; /* too short for a header: not a slot */
        bufr_init(&r, blk, REPO_SLOT_OFF_CKSUM);
        magic = bufr_u32(&r);
        id = bufr_u16(&r);
        (void)bufr_u16(&r); /* reserved */
        inc = bufr_u64(&r);
        seq = bufr_u64(&r);
        when = bufr_u64(&r);
        body_len = bufr_u32(&r);
        assert(!r.error);
        if (magic != REPO_SLOT_MAGIC || id != node_id || body_len > REPO_SLOT_MAX_BODY ||
            body_len > len - REPO_SLOT_OFF_BODY)
                return -ENOENT;
        repo_checksum(sum, blk, REPO_SLOT_OFF_CKSUM, blk + REPO_SLOT_OFF_BODY, body_len);
        if (sodium_memcmp(sum, blk + REPO_SLOT_OFF_CKSUM, REPO_CKSUM_LEN) != 0)
                return -ENOENT;

        ret_slot->node_id = id;
        ret_slot->incarnation = inc;
        ret_slot->seq = seq;
        ret_slot->write_realtime_usec = when;
        ret_slot->body_len = body_len;
        memcpy(ret_slot->body, blk + REPO_SLOT_OFF_BODY, body_len);
        memset(ret_slot->body + body_len, 0, REPO_SLOT_MAX_BODY - body_len);
        return 0;
}

/* Reads node_id's slot into ret_slot (out, written only on success).
 * -ENOENT if never written or corrupt. */
int repo_slot_read(repo_t *repo, uint16_t node_id, repo_slot_t *ret_slot)
{
        _cleanup_free_ uint8_t *blk = NULL;
        int k;

        if (node_id >= REPO_MAX_SLOTS)
                return -EINVAL;
        blk = repo_alloc_aligned(REPO_SLOT_SIZE);
        k = repo_pread_full(repo->fd, blk, REPO_BLOCK, slot_off(node_id));
        if (k < 0)
                return k;
        /* the rest only if the body needs it */
        uint32_t body_len = (uint32_t)blk[REPO_SLOT_OFF_BODYLEN] << 24 |
                            (uint32_t)blk[REPO_SLOT_OFF_BODYLEN + 1] << 16 |
                            (uint32_t)blk[REPO_SLOT_OFF_BODYLEN + 2] << 8 |
                            blk[REPO_SLOT_OFF_BODYLEN + 3];
        if (body_len <= REPO_SLOT_MAX_BODY && used_len(body_len) > REPO_BLOCK) {
                k = repo_pread_full(repo->fd, blk + REPO_BLOCK, used_len(body_len) - REPO_BLOCK,
                                    slot_off(node_id) + REPO_BLOCK);
                if (k < 0)
                        return k;
        }
        return repo_slot_decode(blk, REPO_SLOT_SIZE, node_id, ret_slot);
}

int repo_slot_parts(const uint8_t *body, size_t len, const uint8_t *ret_part[REPO_SLOT_PARTS],
                    size_t ret_len[REPO_SLOT_PARTS])
{
        const uint8_t *part[REPO_SLOT_PARTS];
        size_t plen[REPO_SLOT_PARTS];
        bufr_t r;

        bufr_init(&r, body, len);
        for (int k = 0; k < REPO_SLOT_PARTS; k++) {
                uint16_t n = bufr_u16(&r);
                if (r.error || n > len - r.pos)
                        return -EBADMSG;
                part[k] = body + r.pos;
                plen[k] = n;
                r.pos += n;
        }
        if (r.pos != len)
                return -EBADMSG;
        memcpy(ret_part, part, sizeof(part));
        memcpy(ret_len, plen, sizeof(plen));
        return 0;
}
