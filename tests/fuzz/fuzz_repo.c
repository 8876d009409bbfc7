/* fuzz_repo: the repository headers as hamrd and clmgr read them from the
 * disk: superblock (repo_open), config slots A/B (repo_config_read), staged
 * area (repo_staged_read), node slots (repo_slot_read) and the lease block
 * (repo_lease_read), through the public API on a repository image held in a
 * memfd (opened by its /proc/self/fd path, as a regular file).
 *
 * Input: one flags byte, then patches.
 *   flags bit 0  start from a valid image made by the real writers
 *                (superblock, generations 1 and 2, staged edits, slots 0..3,
 *                a lease record); else from zeros
 *   flags bit 1  after patching, recompute every area's checksum (superblock,
 *                A, B, staged, lease, slots 0..3), so that the fuzzer gets
 *                past the checksums to what they protect
 *   flags bit 2  the image is shorter than REPO_MIN_SIZE: its size is the
 *                next u32 modulo REPO_MIN_SIZE
 *   patch        u8 area (% 6: superblock, A, B, staged, slots, lease),
 *                u24 offset (modulo the area's size), u16 length, bytes
 * Whatever reads back must be what the readers promise (NUL-terminated text,
 * slot ids, lease owners), and must survive being written back with the
 * writers and read again. Any disagreement aborts. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sodium.h>

#include "fuzz_check.h"
#include "common/hamr_buf.h"
#include "repo/repo_layout.h" /* private to src/repo: the fuzzer reseals areas */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


#define NBASE_SLOTS 4

static int mfd = -1;
static char path[64];
static const uint64_t area_off[6] = {REPO_OFF_SUPER,  REPO_OFF_CONFIG_A, REPO_OFF_CONFIG_B,
                                     REPO_OFF_STAGED, REPO_OFF_SLOTS,    REPO_OFF_LEASE};
static const uint64_t area_len[6] = {REPO_BLOCK,
                                     REPO_CONFIG_AREA,
                                     REPO_CONFIG_AREA,
                                     REPO_CONFIG_AREA,
                                     REPO_MAX_SLOTS *(uint64_t)REPO_SLOT_SIZE,
                                     REPO_BLOCK};

/* The valid image: the blocks the writers produced, kept in memory. */
typedef struct {
        uint64_t off;
        size_t len;
        uint8_t *data;
} chunk_t;
static chunk_t base[16];
static size_t nbase;

static void reset(uint64_t image_size)
{
        CHECK(ftruncate(mfd, 0) == 0);
        CHECK(ftruncate(mfd, (off_t)image_size) == 0);
}

static void keep(uint64_t off, size_t len)
{
        chunk_t *c = &base[nbase++];

        c->off = off;
        c->len = len;
        c->data = malloc(len);
        CHECK(c->data && pread(mfd, c->data, len, (off_t)off) == (ssize_t)len);
}

static void make_base(void)
{
        static const char gen1[] = "# hamr configuration generation 1\n\n[cluster c]\n";
        static const char gen2[] = "# hamr configuration generation 2\n\n[cluster c]\n"
                                   "REPOSITORY = /dev/x\n\n[node n1]\nCOMMPATH = 198.18.0.1\n";
        static const char staged[] = "[node n2]\nCOMMPATH = 198.18.0.2\n";
        repo_lease_rec_t rec = {.owner = 1, .incarnation = 7, .counter = 3};
        repo_t *repo = NULL;
        uint8_t body[64];

        reset(REPO_MIN_SIZE);
        CHECK(repo_format(path) == 0);
        CHECK(repo_open(path, &repo) == 0);
        CHECK(repo_config_write(repo, 1, gen1, strlen(gen1)) == 0);
        CHECK(repo_config_write(repo, 2, gen2, strlen(gen2)) == 0);
        CHECK(repo_staged_write(repo, 2, staged, strlen(staged)) == 0);
        for (uint16_t i = 0; i < NBASE_SLOTS; i++) {
                memset(body, 'a' + i, sizeof(body));
                CHECK(repo_slot_write(repo, i, 10 + i, 100 + i, body, i * 16u) == 0);
        }
        CHECK(repo_lease_write(repo, &rec) == 0);
        repo_close(repo);
        keep(REPO_OFF_SUPER, REPO_BLOCK);
        keep(REPO_OFF_CONFIG_A, 2 * REPO_BLOCK);
        keep(REPO_OFF_CONFIG_B, 2 * REPO_BLOCK);
        keep(REPO_OFF_STAGED, 2 * REPO_BLOCK);
        keep(REPO_OFF_SLOTS, NBASE_SLOTS * REPO_SLOT_SIZE);
        keep(REPO_OFF_LEASE, REPO_BLOCK);
}

static void init(void)
{
        CHECK(sodium_init() >= 0);
        mfd = memfd_create("fuzz-repo", MFD_CLOEXEC);
        CHECK(mfd >= 0);
        snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
        make_base();
}

/* Reads len bytes at off, short reads (past the end) padded with zeros. */
static void get(uint8_t *p, size_t len, uint64_t off)
{
        ssize_t n = pread(mfd, p, len, (off_t)off);

        CHECK(n >= 0);
        memset(p + n, 0, len - (size_t)n);
}

static void put(const uint8_t *p, size_t len, uint64_t off)
{
        CHECK(pwrite(mfd, p, len, (off_t)off) == (ssize_t)len);
}

/* Recomputes the checksums of every area from what the image now holds. */
static void reseal(void)
{
        static uint8_t text[REPO_CONFIG_MAX];
        uint8_t blk[REPO_BLOCK];
        bufr_t r;
        uint32_t len;

        get(blk, REPO_BLOCK, REPO_OFF_SUPER);
        repo_checksum(blk + REPO_SB_OFF_CKSUM, blk, REPO_SB_OFF_CKSUM, NULL, 0);
        put(blk, REPO_SB_LEN, REPO_OFF_SUPER);
        for (int a = 1; a <= 3; a++) {
                get(blk, REPO_BLOCK, area_off[a]);
                bufr_init(&r, blk + REPO_CFG_OFF_LENGTH, 4);
                len = bufr_u32(&r);
                if (len > REPO_CONFIG_MAX)
                        continue;
                get(text, len, area_off[a] + REPO_CFG_OFF_TEXT);
                repo_checksum(blk + REPO_CFG_OFF_CKSUM, blk + REPO_CFG_OFF_GEN,
                              REPO_CFG_OFF_CKSUM - REPO_CFG_OFF_GEN, text, len);
                put(blk, REPO_CFG_HDR_LEN, area_off[a]);
        }
        for (uint16_t i = 0; i < NBASE_SLOTS; i++) {
                uint64_t off = REPO_OFF_SLOTS + (uint64_t)i * REPO_SLOT_SIZE;

                get(blk, REPO_BLOCK, off);
                bufr_init(&r, blk + REPO_SLOT_OFF_BODYLEN, 4);
                len = bufr_u32(&r);
                if (len > REPO_SLOT_MAX_BODY)
                        continue;
                repo_checksum(blk + REPO_SLOT_OFF_CKSUM, blk, REPO_SLOT_OFF_CKSUM,
                              blk + REPO_SLOT_OFF_BODY, len);
                put(blk, REPO_SLOT_OFF_BODY, off);
        }
        get(blk, REPO_BLOCK, REPO_OFF_LEASE);
        repo_checksum(blk + REPO_LEASE_OFF_CKSUM, blk, REPO_LEASE_OFF_CKSUM, NULL, 0);
        put(blk, REPO_LEASE_LEN, REPO_OFF_LEASE);
}

/* Builds the image the input describes; returns its size. */
static uint64_t build(const uint8_t *data, size_t size)
{
        uint8_t flags = data[0];
        uint64_t image_size = REPO_MIN_SIZE;
        bufr_t r;

        bufr_init(&r, data + 1, size - 1);
        if (flags & 4)
                image_size = bufr_u32(&r) % REPO_MIN_SIZE;
        reset(image_size);
        if (flags & 1)
                for (size_t i = 0; i < nbase; i++)
                        if (base[i].off < image_size)
                                put(base[i].data,
                                    image_size - base[i].off < base[i].len
                                        ? (size_t)(image_size - base[i].off)
                                        : base[i].len,
                                    base[i].off);
        while (!r.error && r.pos < r.len) {
                unsigned a = bufr_u8(&r) % 6;
                uint64_t off = ((uint64_t)bufr_u8(&r) << 16 | bufr_u16(&r)) % area_len[a];
                size_t len = bufr_u16(&r);

                if (r.error)
                        break;
                if (len > r.len - r.pos)
                        len = r.len - r.pos;
                if (len > area_len[a] - off)
                        len = (size_t)(area_len[a] - off);
                put(r.data + r.pos, len, area_off[a] + off);
                r.pos += len;
        }
        if (flags & 2)
                reseal();
        if (image_size < REPO_MIN_SIZE) /* writes may have extended it */
                CHECK(ftruncate(mfd, (off_t)image_size) == 0);
        return image_size;
}

static void check_config(repo_t *repo)
{
        uint64_t gen = 0, gen2 = 0;
        char *text = NULL, *text2 = NULL;
        size_t len;
        int r;

        r = repo_config_read(repo, &gen, &text);
        if (r < 0) {
                CHECK(r == -ENOENT || r == -EIO);
                return;
        }
        len = strlen(text);
        CHECK(len <= REPO_CONFIG_MAX);
        /* A newer generation written back reads back; an equal one is stale. */
        CHECK(repo_config_write(repo, gen, text, len) == -ESTALE);
        if (gen < UINT64_MAX) {
                CHECK(repo_config_write(repo, gen + 1, text, len) == 0);
                CHECK(repo_config_read(repo, &gen2, &text2) == 0);
                CHECK(gen2 == gen + 1 && strcmp(text, text2) == 0);
        }
        free(text);
        free(text2);
}

static void check_staged(repo_t *repo)
{
        uint64_t gen = 0, gen2 = 0;
        char *text = NULL, *text2 = NULL;
        int r;

        r = repo_staged_read(repo, &gen, &text);
        if (r < 0) {
                CHECK(r == -ENOENT || r == -EIO);
                return;
        }
        CHECK(repo_staged_write(repo, gen, text, strlen(text)) == 0);
        CHECK(repo_staged_read(repo, &gen2, &text2) == 0);
        CHECK(gen2 == gen && strcmp(text, text2) == 0);
        free(text);
        free(text2);
        text2 = NULL;
        CHECK(repo_staged_clear(repo) == 0);
        CHECK(repo_staged_read(repo, &gen2, &text2) == -ENOENT);
}

static void check_slots(repo_t *repo)
{
        static repo_slot_t s, s2;

        for (uint16_t i = 0; i < REPO_MAX_SLOTS; i++) {
                int r = repo_slot_read(repo, i, &s);

                if (r < 0) {
                        CHECK(r == -ENOENT || r == -EIO);
                        continue;
                }
                CHECK(s.node_id == i && s.body_len <= REPO_SLOT_MAX_BODY);
                if (i >= NBASE_SLOTS)
                        continue; /* slots in the valid image only, to keep runs fast */
                CHECK(repo_slot_write(repo, i, s.incarnation, s.seq, s.body, s.body_len) == 0);
                CHECK(repo_slot_read(repo, i, &s2) == 0);
                CHECK(s2.incarnation == s.incarnation && s2.seq == s.seq &&
                      s2.body_len == s.body_len && memcmp(s.body, s2.body, s.body_len) == 0);
        }
}

static void check_lease(repo_t *repo)
{
        repo_lease_rec_t rec, rec2;
        int r = repo_lease_read(repo, &rec);

        if (r < 0) {
                CHECK(r == -ENOENT || r == -EBADMSG || r == -EIO);
                return;
        }
        CHECK(rec.owner < REPO_MAX_SLOTS || rec.owner == REPO_LEASE_NONE);
        CHECK(repo_lease_write(repo, &rec) == 0);
        CHECK(repo_lease_read(repo, &rec2) == 0);
        CHECK(rec2.owner == rec.owner && rec2.incarnation == rec.incarnation &&
              rec2.counter == rec.counter);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        repo_t *repo = NULL;
        int r;

        if (size < 1)
                return 0;
        if (mfd < 0)
                init();
        build(data, size);
        r = repo_open(path, &repo);
        if (r < 0) {
                CHECK(r == -ENODATA);
                return 0;
        }
        check_config(repo);
        check_staged(repo);
        check_slots(repo);
        check_lease(repo);
        repo_close(repo);
        return 0;
}
