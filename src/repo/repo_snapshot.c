/* repo_snapshot: the snapshot region of the repository (REPO_SNAP_MAX
 * checksummed text areas after the configuration lock, repo_layout.h) and
 * the pure helpers for a snapshot text's "# KEY=value" header lines. */
#include "repo/repo_layout.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/hamr_alloc.h"
#include "common/hamr_buf.h"

#define HEADER_FIRST "# hamr snapshot\n"

static size_t round_block(size_t n)
{
        return (n + REPO_BLOCK - 1) / REPO_BLOCK * REPO_BLOCK;
}

int repo_snap_encode(uint8_t *area, size_t len, const char *text, size_t tlen)
{
        bufw_t w;

        if (len < REPO_SNAP_AREA || (tlen > 0 && !text))
                return -EINVAL;
        if (tlen > REPO_SNAP_TEXT_MAX)
                return -EFBIG;
        memset(area, 0, REPO_SNAP_AREA);
        bufw_init(&w, area, REPO_SNAP_OFF_CKSUM);
        bufw_u32(&w, REPO_SNAP_MAGIC);
        bufw_u32(&w, REPO_SNAP_VERSION);
        bufw_u32(&w, (uint32_t)tlen);
        assert(!w.overflow && w.len == REPO_SNAP_OFF_CKSUM);
        if (tlen > 0)
                memcpy(area + REPO_SNAP_OFF_TEXT, text, tlen);
        repo_checksum(area + REPO_SNAP_OFF_CKSUM, area + REPO_SNAP_OFF_LENGTH, 4,
                      area + REPO_SNAP_OFF_TEXT, tlen);
        return 0;
}

int repo_snap_decode(const uint8_t *area, size_t len, char **ret_text)
{
        uint8_t sum[REPO_CKSUM_LEN];
        uint32_t magic, version, tlen;
        bufr_t r;
        bool zero = true;

        for (size_t i = 0; i < REPO_SNAP_HDR_LEN && i < len; i++)
                zero = zero && area[i] == 0;
        if (zero)
                return -ENOENT;
        if (len < REPO_SNAP_OFF_TEXT)
                return -EBADMSG;
        bufr_init(&r, area, REPO_SNAP_OFF_CKSUM);
        magic = bufr_u32(&r);
        version = bufr_u32(&r);
        tlen = bufr_u32(&r);
        if (r.error || magic != REPO_SNAP_MAGIC || version != REPO_SNAP_VERSION ||
            tlen > REPO_SNAP_TEXT_MAX || REPO_SNAP_OFF_TEXT + (size_t)tlen > len)
                return -EBADMSG;
        repo_checksum(sum, area + REPO_SNAP_OFF_LENGTH, 4, area + REPO_SNAP_OFF_TEXT, tlen);
        if (sodium_memcmp(sum, area + REPO_SNAP_OFF_CKSUM, REPO_CKSUM_LEN) != 0)
                return -EBADMSG;
        if (memchr(area + REPO_SNAP_OFF_TEXT, 0, tlen))
                return -EBADMSG;
        *ret_text = zstrndup((const char *)area + REPO_SNAP_OFF_TEXT, tlen);
        return 0;
}

int repo_snap_read_all(repo_t *repo, char *ret_texts[REPO_SNAP_MAX])
{
        size_t total = (size_t)REPO_SNAP_MAX * REPO_SNAP_AREA;
        _cleanup_free_ uint8_t *buf = NULL;
        int r;

        if (repo->size < REPO_OFF_END)
                return -ENOSPC;
        buf = repo_alloc_aligned(total);
        r = repo_pread_full(repo->fd, buf, total, REPO_OFF_SNAP);
        if (r < 0)
                return r;
        for (unsigned i = 0; i < REPO_SNAP_MAX; i++) {
                ret_texts[i] = NULL;
                /* a torn or foreign area reads as free: nothing refers to it */
                (void)repo_snap_decode(buf + (size_t)i * REPO_SNAP_AREA, REPO_SNAP_AREA,
                                       &ret_texts[i]);
        }
        return 0;
}

/* One pwrite of the header block and the text's blocks, then fdatasync. */
static int area_put(repo_t *repo, unsigned idx, const uint8_t *area, size_t tlen)
{
        size_t n = REPO_SNAP_OFF_TEXT + round_block(tlen);
        int r;

        if (idx >= REPO_SNAP_MAX)
                return -EINVAL;
        r = repo_pwrite_full(repo->fd, area, n, REPO_OFF_SNAP + (uint64_t)idx * REPO_SNAP_AREA);
        if (r < 0)
                return r;
        if (fdatasync(repo->fd) < 0)
                return -errno;
        return 0;
}

int repo_snap_write(repo_t *repo, unsigned idx, const char *text, size_t len)
{
        _cleanup_free_ uint8_t *area = repo_alloc_aligned(REPO_SNAP_AREA);
        int r = repo_snap_encode(area, REPO_SNAP_AREA, text, len);

        if (r < 0)
                return r;
        return area_put(repo, idx, area, len);
}

int repo_snap_clear(repo_t *repo, unsigned idx)
{
        _cleanup_free_ uint8_t *area = repo_alloc_aligned(REPO_BLOCK);

        return area_put(repo, idx, area, 0);
}

/* ------------------------------------------------------------ text header */

int repo_snap_name_check(const char *name, char *err, size_t errlen)
{
        size_t n = name ? strlen(name) : 0;
        bool ok = n > 0 && n <= REPO_SNAP_NAME_MAX && isalnum((unsigned char)name[0]);

        for (size_t i = 0; ok && i < n; i++)
                ok = isalnum((unsigned char)name[i]) || name[i] == '_' || name[i] == '.' ||
                     name[i] == '-';
        if (ok)
                return 0;
        if (err)
                snprintf(err, errlen,
                         "snapshot: name \"%.80s\" is not allowed; allowed: 1 to %d letters, "
                         "digits, '_', '.' or '-', starting with a letter or digit",
                         name ? name : "", REPO_SNAP_NAME_MAX);
        return -EINVAL;
}

int repo_snap_desc_check(const char *desc, char *err, size_t errlen)
{
        size_t n = strlen(desc);
        bool ok = n <= REPO_SNAP_DESC_MAX;

        for (size_t i = 0; ok && i < n; i++)
                ok = (unsigned char)desc[i] >= 0x20 && desc[i] != 0x7f;
        if (ok)
                return 0;
        if (err)
                snprintf(err, errlen,
                         "snapshot: DESCRIPTION is not allowed; allowed: at most %d characters "
                         "on one line (no newline or control characters)",
                         REPO_SNAP_DESC_MAX);
        return -EINVAL;
}

static void copy_field(char *dst, size_t cap, const char *v, size_t n)
{
        if (n >= cap)
                n = cap - 1;
        memcpy(dst, v, n);
        dst[n] = '\0';
}

size_t repo_snap_info_parse(const char *text, repo_snap_info_t *ret)
{
        const char *p = text;

        memset(ret, 0, sizeof(*ret));
        if (strncmp(p, HEADER_FIRST, sizeof(HEADER_FIRST) - 1) != 0)
                return 0;
        p += sizeof(HEADER_FIRST) - 1;
        /* "# KEY=value" lines up to the first line that is not one */
        for (;;) {
                const char *eol = strchr(p, '\n'), *eq, *v;
                size_t klen, vlen;

                if (strncmp(p, "# ", 2) != 0 || !eol)
                        break;
                eq = memchr(p + 2, '=', (size_t)(eol - p - 2));
                if (!eq)
                        break;
                klen = (size_t)(eq - p - 2);
                for (size_t i = 0; i < klen; i++)
                        if (!isupper((unsigned char)p[2 + i]))
                                return (size_t)(p - text);
                v = eq + 1;
                vlen = (size_t)(eol - v);
                if (klen == 4 && !strncmp(p + 2, "NAME", 4))
                        copy_field(ret->name, sizeof(ret->name), v, vlen);
                else if (klen == 11 && !strncmp(p + 2, "DESCRIPTION", 11))
                        copy_field(ret->description, sizeof(ret->description), v, vlen);
                else if (klen == 4 && !strncmp(p + 2, "TIME", 4))
                        copy_field(ret->time, sizeof(ret->time), v, vlen);
                else if (klen == 4 && !strncmp(p + 2, "NODE", 4))
                        copy_field(ret->node, sizeof(ret->node), v, vlen);
                else if (klen == 10 && !strncmp(p + 2, "GENERATION", 10))
                        ret->generation = strtoull(v, NULL, 10);
                p = eol + 1;
        }
        return (size_t)(p - text);
}

char *repo_snap_text_make(const repo_snap_info_t *info, const char *config)
{
        char *out = NULL;

        if (asprintf(&out,
                     HEADER_FIRST "# NAME=%s\n# DESCRIPTION=%s\n# TIME=%s\n# GENERATION=%" PRIu64
                                  "\n# NODE=%s\n%s",
                     info->name, info->description, info->time, info->generation, info->node,
                     config) < 0)
                abort(); /* out of memory, as zalloc does */
        return out;
}
