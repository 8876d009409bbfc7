/* repo_config: the two alternating config slots (A/B) and the staged area.
 * Each area is a checksummed header block followed by the text; a reader
 * takes the newest generation whose checksum holds, so a torn write falls
 * back to the previous generation. */
#include "repo/repo_layout.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/hamr_alloc.h"
#include "common/hamr_buf.h"

static size_t round_block(size_t n)
{
        return (n + REPO_BLOCK - 1) / REPO_BLOCK * REPO_BLOCK;
}

/* Reads the area at off. Returns 0 and fills *ret_gen (and, if ret_text is
 * not NULL, a malloc'd NUL-terminated copy of the text and its length);
 * -ENOENT if the area holds no valid text; other -errno on I/O errors. */
static int area_read(const repo_t *repo, uint64_t off, uint64_t *ret_gen, char **ret_text,
                     size_t *ret_len)
{
        _cleanup_free_ uint8_t *hdr = repo_alloc_aligned(REPO_BLOCK);
        _cleanup_free_ uint8_t *text = NULL;
        uint8_t sum[REPO_CKSUM_LEN];
        uint32_t magic, version, len;
        uint64_t gen;
        size_t cap;
        bufr_t r;
        int k;

        k = repo_pread_full(repo->fd, hdr, REPO_BLOCK, off);
        if (k < 0)
                return k;
        bufr_init(&r, hdr, REPO_CFG_OFF_CKSUM);
        magic = bufr_u32(&r);
        version = bufr_u32(&r);
        gen = bufr_u64(&r);
        len = bufr_u32(&r);
        assert(!r.error);
        if (magic != REPO_CFG_MAGIC || version != REPO_CFG_VERSION || len > REPO_CONFIG_MAX)
                return -ENOENT;

        cap = round_block(len);
        if (cap > 0) {
                text = repo_alloc_aligned(cap);
                k = repo_pread_full(repo->fd, text, cap, off + REPO_CFG_OFF_TEXT);
                if (k < 0)
                        return k;
        }
        /* The checksum covers generation || length, which the header
         * stores back to back, then the text. */
        repo_checksum(sum, hdr + REPO_CFG_OFF_GEN, REPO_CFG_OFF_CKSUM - REPO_CFG_OFF_GEN, text,
                      len);
        if (sodium_memcmp(sum, hdr + REPO_CFG_OFF_CKSUM, REPO_CKSUM_LEN) != 0)
                return -ENOENT;

        if (ret_text) {
                char *copy = zalloc((size_t)len + 1);
                if (len > 0)
                        memcpy(copy, text, len);
                *ret_text = copy;
                *ret_len = len;
        }
        *ret_gen = gen;
        return 0;
}

/* Writes magic/generation/text (len bytes) to the area at off with one
 * pwrite, then fdatasync. */
static int area_write(repo_t *repo, uint64_t off, uint32_t magic, uint64_t gen, const char *text,
                      size_t len)
{
        size_t total = REPO_CFG_OFF_TEXT + round_block(len);
        _cleanup_free_ uint8_t *buf = repo_alloc_aligned(total);
        bufw_t w;
        int r;

        assert(len <= REPO_CONFIG_MAX);
        bufw_init(&w, buf, REPO_CFG_OFF_CKSUM);
        bufw_u32(&w, magic);
        bufw_u32(&w, REPO_CFG_VERSION);
        bufw_u64(&w, gen);
        bufw_u32(&w, (uint32_t)len);
        assert(!w.overflow && w.len == REPO_CFG_OFF_CKSUM);
        if (len > 0)
                memcpy(buf + REPO_CFG_OFF_TEXT, text, len);
        repo_checksum(buf + REPO_CFG_OFF_CKSUM, buf + REPO_CFG_OFF_GEN,
                      REPO_CFG_OFF_CKSUM - REPO_CFG_OFF_GEN, buf + REPO_CFG_OFF_TEXT, len);

        r = repo_pwrite_full(repo->fd, buf, total, off);
        if (r < 0)
                return r;
        if (fdatasync(repo->fd) < 0)
                return -errno;
        return 0;
}

static int check_text(const char *text, size_t len)
{
        if (len > REPO_CONFIG_MAX)
                return -EFBIG;
        if (len > 0 && !text)
                return -EINVAL;
        return 0;
}

/* Finds the newest valid slot. *ret_off is its offset (0 if neither is
 * valid, then -ENOENT); text/len as for area_read. */
static int newest_slot(const repo_t *repo, uint64_t *ret_off, uint64_t *ret_gen, char **ret_text,
                       size_t *ret_len)
{
        static const uint64_t offs[2] = {REPO_OFF_CONFIG_A, REPO_OFF_CONFIG_B};
        char *text[2] = {NULL, NULL};
        size_t len[2] = {0, 0};
        uint64_t gen[2] = {0, 0};
        int r[2], best = -1;

        for (int i = 0; i < 2; i++) {
                r[i] = area_read(repo, offs[i], &gen[i], ret_text ? &text[i] : NULL, &len[i]);
                if (r[i] < 0 && r[i] != -ENOENT) {
                        /* Unreadable is not the same as torn: do not risk
                         * handing out an older generation. */
                        free(text[0]);
                        return r[i];
                }
        }
        for (int i = 0; i < 2; i++)
                if (r[i] == 0 && (best < 0 || gen[i] > gen[best]))
                        best = i;
        if (best < 0)
                return -ENOENT;
        *ret_off = offs[best];
        *ret_gen = gen[best];
        if (ret_text) {
                *ret_text = text[best];
                *ret_len = len[best];
                free(text[1 - best]);
        }
        return 0;
}

int repo_config_read(repo_t *repo, uint64_t *ret_generation, char **ret_text)
{
        uint64_t off, gen;
        char *text;
        size_t len;
        int r;

        r = newest_slot(repo, &off, &gen, &text, &len);
        if (r < 0)
                return r;
        *ret_generation = gen;
        *ret_text = text;
        return 0;
}

int repo_config_write(repo_t *repo, uint64_t generation, const char *text, size_t len)
{
        uint64_t off = 0, gen = 0, target;
        int r;

        r = check_text(text, len);
        if (r < 0)
                return r;
        r = newest_slot(repo, &off, &gen, NULL, NULL);
        if (r < 0 && r != -ENOENT)
                return r;
        if (r == 0 && generation <= gen)
                return -ESTALE;
        /* Overwrite the slot NOT holding the newest valid generation. */
        target = (r == 0 && off == REPO_OFF_CONFIG_A) ? REPO_OFF_CONFIG_B : REPO_OFF_CONFIG_A;
        return area_write(repo, target, REPO_CFG_MAGIC, generation, text, len);
}

int repo_staged_read(repo_t *repo, uint64_t *ret_base_generation, char **ret_text)
{
        uint64_t gen;
        char *text;
        size_t len;
        int r;

        r = area_read(repo, REPO_OFF_STAGED, &gen, &text, &len);
        if (r < 0)
                return r;
        *ret_base_generation = gen;
        *ret_text = text;
        return 0;
}

int repo_staged_write(repo_t *repo, uint64_t base_generation, const char *text, size_t len)
{
        int r = check_text(text, len);

        if (r < 0)
                return r;
        return area_write(repo, REPO_OFF_STAGED, REPO_CFG_MAGIC, base_generation, text, len);
}

int repo_staged_clear(repo_t *repo)
{
        /* Header only: zero magic and length; readers then see -ENOENT. */
        return area_write(repo, REPO_OFF_STAGED, 0, 0, NULL, 0);
}
