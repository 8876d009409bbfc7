/* test_repo: unit tests for src/repo on a temporary file (format/open, config
 * generations and torn writes, staged area, node slots, the lease block,
 * locking, threads) and the repository worker (FIFO, hung jobs). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "repo/repo.h"
#include "repo/repo_cfglock.h"
#include "repo/repo_work.h"

#define MIB        (1u << 20)
#define OFF_A      (1 * MIB)
#define OFF_B      (2 * MIB)
#define OFF_STAGED (3 * MIB)
#define OFF_SLOTS  (4 * MIB)
#define OFF_LEASE  (6 * MIB)
#define SLOT       (32 * 1024) /* node slot size (layout version 3) */

typedef struct {
        char path[64];
        repo_t *repo;
} fx_t;

/* Fresh formatted repository, opened. */
static int setup(void **state)
{
        fx_t *f = calloc(1, sizeof(*f));
        int fd;

        assert_non_null(f);
        strcpy(f->path, "/tmp/hamr-test-repo-XXXXXX");
        fd = mkstemp(f->path);
        assert_true(fd >= 0);
        close(fd);
        unlink(f->path); /* repo_format creates it */
        assert_int_equal(repo_format(f->path), 0);
        assert_int_equal(repo_open(f->path, &f->repo), 0);
        *state = f;
        return 0;
}

/* Only a path that does not exist yet. */
static int setup_path(void **state)
{
        fx_t *f = calloc(1, sizeof(*f));
        int fd;

        assert_non_null(f);
        strcpy(f->path, "/tmp/hamr-test-repo-XXXXXX");
        fd = mkstemp(f->path);
        assert_true(fd >= 0);
        close(fd);
        unlink(f->path);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        fx_t *f = *state;

        repo_close(f->repo);
        unlink(f->path);
        free(f);
        return 0;
}

static void raw_read(const char *path, uint64_t off, void *buf, size_t n)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);

        assert_true(fd >= 0);
        assert_int_equal(pread(fd, buf, n, (off_t)off), (ssize_t)n);
        close(fd);
}

static void raw_write(const char *path, uint64_t off, const void *buf, size_t n)
{
        int fd = open(path, O_WRONLY | O_CLOEXEC);

        assert_true(fd >= 0);
        assert_int_equal(pwrite(fd, buf, n, (off_t)off), (ssize_t)n);
        close(fd);
}

static void raw_flip(const char *path, uint64_t off)
{
        uint8_t b;

        raw_read(path, off, &b, 1);
        b ^= 0x40;
        raw_write(path, off, &b, 1);
}

static uint64_t raw_be64(const char *path, uint64_t off)
{
        uint8_t b[8];
        uint64_t v = 0;

        raw_read(path, off, b, 8);
        for (int i = 0; i < 8; i++)
                v = (v << 8) | b[i];
        return v;
}

static void make_file(const char *path, size_t size, int fill)
{
        int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
        uint8_t *buf = malloc(size ? size : 1);

        assert_true(fd >= 0);
        memset(buf, fill, size);
        assert_int_equal(write(fd, buf, size), (ssize_t)size);
        free(buf);
        close(fd);
}

static void expect_config(repo_t *repo, uint64_t want_gen, const char *want_text)
{
        uint64_t gen = 0;
        char *text = NULL;

        assert_int_equal(repo_config_read(repo, &gen, &text), 0);
        assert_int_equal(gen, want_gen);
        assert_string_equal(text, want_text);
        free(text);
}

static void write_config(repo_t *repo, uint64_t gen, const char *text)
{
        assert_int_equal(repo_config_write(repo, gen, text, strlen(text)), 0);
}

static void test_format_open(void **state)
{
        fx_t *f = *state;
        struct stat st;
        char magic[9] = {0};

        assert_int_equal(repo_open(f->path, &f->repo), -ENOENT);
        assert_int_equal(repo_format(f->path), 0);
        assert_int_equal(stat(f->path, &st), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_size, REPO_MIN_SIZE);
        raw_read(f->path, 0, magic, 8);
        assert_string_equal(magic, "HAMRREPO");
        assert_int_equal(raw_be64(f->path, 12), REPO_MIN_SIZE);

        assert_int_equal(repo_open(f->path, &f->repo), 0);
        assert_string_equal(repo_path(f->repo), f->path);
        write_config(f->repo, 1, "cluster one");
        assert_int_equal(repo_slot_write(f->repo, 2, 1, 1, "hb", 2), 0);

        /* Formatting again keeps everything. */
        assert_int_equal(repo_format(f->path), 0);
        expect_config(f->repo, 1, "cluster one");
        repo_close(f->repo);
        assert_int_equal(repo_open(f->path, &f->repo), 0);
        expect_config(f->repo, 1, "cluster one");
        {
                repo_slot_t s;
                assert_int_equal(repo_slot_read(f->repo, 2, &s), 0);
                assert_int_equal(s.seq, 1);
        }
        repo_close(NULL);
}

static void test_bigger_file(void **state)
{
        fx_t *f = *state;

        make_file(f->path, REPO_MIN_SIZE + 3 * 4096, 0);
        assert_int_equal(repo_format(f->path), 0);
        assert_int_equal(raw_be64(f->path, 12), REPO_MIN_SIZE + 3 * 4096);
        assert_int_equal(repo_open(f->path, &f->repo), 0);
        write_config(f->repo, 1, "x");
        expect_config(f->repo, 1, "x");
}

static void test_unformatted(void **state)
{
        fx_t *f = *state;

        make_file(f->path, 0, 0);
        assert_int_equal(repo_open(f->path, &f->repo), -ENODATA);
        make_file(f->path, 100, 0);
        assert_int_equal(repo_open(f->path, &f->repo), -ENODATA);
        make_file(f->path, REPO_MIN_SIZE, 0);
        assert_int_equal(repo_open(f->path, &f->repo), -ENODATA);

        /* Valid superblock, then one bit flipped in it. */
        assert_int_equal(repo_format(f->path), 0);
        for (uint64_t off = 0; off < 36; off += 7) {
                raw_flip(f->path, off);
                assert_int_equal(repo_open(f->path, &f->repo), -ENODATA);
                raw_flip(f->path, off);
                assert_int_equal(repo_open(f->path, &f->repo), 0);
                repo_close(f->repo);
                f->repo = NULL;
        }
        /* Formatted, then truncated below the minimum size. */
        assert_int_equal(truncate(f->path, REPO_MIN_SIZE / 2), 0);
        assert_int_equal(repo_open(f->path, &f->repo), -ENODATA);
        assert_null(f->repo);
}

static void test_small_refused(void **state)
{
        fx_t *f = *state;
        struct stat st;

        make_file(f->path, REPO_MIN_SIZE - 4096, 0);
        assert_int_equal(repo_format(f->path), -ENOSPC);
        assert_int_equal(stat(f->path, &st), 0);
        assert_int_equal(st.st_size, REPO_MIN_SIZE - 4096);
        assert_int_equal(repo_open(f->path, &f->repo), -ENODATA);
        make_file(f->path, 0, 0);
        assert_int_equal(repo_format(f->path), -ENOSPC);
}

static void test_format_wipes_stale(void **state)
{
        fx_t *f = *state;
        repo_t *old;
        uint64_t gen;
        char *text;
        repo_slot_t s;

        /* A disk that held a repository whose superblock was lost: its
         * config and slots must not resurface after formatting. */
        assert_int_equal(repo_format(f->path), 0);
        assert_int_equal(repo_open(f->path, &old), 0);
        write_config(old, 9, "stale");
        assert_int_equal(repo_staged_write(old, 9, "stale edit", 10), 0);
        assert_int_equal(repo_slot_write(old, 1, 1, 1, "old", 3), 0);
        assert_int_equal(repo_lease_write(old, &(repo_lease_rec_t){1, 1, 5}), 0);
        repo_close(old);
        raw_flip(f->path, 0);

        assert_int_equal(repo_format(f->path), 0);
        assert_int_equal(repo_open(f->path, &f->repo), 0);
        assert_int_equal(repo_config_read(f->repo, &gen, &text), -ENOENT);
        assert_int_equal(repo_staged_read(f->repo, &gen, &text), -ENOENT);
        assert_int_equal(repo_slot_read(f->repo, 1, &s), -ENOENT);
        {
                repo_lease_rec_t l;
                assert_int_equal(repo_lease_read(f->repo, &l), -ENOENT);
        }
}

static void test_config_alternates(void **state)
{
        fx_t *f = *state;
        uint64_t gen = 77;
        char *text = NULL;

        assert_int_equal(repo_config_read(f->repo, &gen, &text), -ENOENT);
        assert_int_equal(gen, 77);
        assert_null(text);

        write_config(f->repo, 1, "gen one");
        assert_int_equal(raw_be64(f->path, OFF_A + 8), 1);
        expect_config(f->repo, 1, "gen one");

        write_config(f->repo, 2, "gen two");
        assert_int_equal(raw_be64(f->path, OFF_A + 8), 1);
        assert_int_equal(raw_be64(f->path, OFF_B + 8), 2);
        expect_config(f->repo, 2, "gen two");

        write_config(f->repo, 3, "gen three");
        assert_int_equal(raw_be64(f->path, OFF_A + 8), 3);
        assert_int_equal(raw_be64(f->path, OFF_B + 8), 2);
        expect_config(f->repo, 3, "gen three");

        /* Generations may skip. */
        write_config(f->repo, 10, "gen ten");
        assert_int_equal(raw_be64(f->path, OFF_B + 8), 10);
        expect_config(f->repo, 10, "gen ten");
        {
                char hdr[4];
                raw_read(f->path, OFF_A, hdr, 4);
                assert_memory_equal(hdr, "HCFG", 4);
        }
}

static void test_config_stale(void **state)
{
        fx_t *f = *state;

        write_config(f->repo, 5, "five");
        assert_int_equal(repo_config_write(f->repo, 5, "again", 5), -ESTALE);
        assert_int_equal(repo_config_write(f->repo, 4, "older", 5), -ESTALE);
        assert_int_equal(repo_config_write(f->repo, 0, "zero", 4), -ESTALE);
        expect_config(f->repo, 5, "five");
        write_config(f->repo, 6, "six");
        assert_int_equal(repo_config_write(f->repo, 5, "five", 4), -ESTALE);
        expect_config(f->repo, 6, "six");
}

static void test_config_sizes(void **state)
{
        fx_t *f = *state;
        char *big = malloc(REPO_CONFIG_MAX + 1);
        uint64_t gen;
        char *text;

        assert_non_null(big);
        for (size_t i = 0; i < REPO_CONFIG_MAX; i++)
                big[i] = (char)('a' + i % 26);
        big[REPO_CONFIG_MAX] = '\0';

        assert_int_equal(repo_config_write(f->repo, 1, big, REPO_CONFIG_MAX), 0);
        assert_int_equal(repo_config_read(f->repo, &gen, &text), 0);
        assert_int_equal(gen, 1);
        assert_int_equal(strlen(text), REPO_CONFIG_MAX);
        assert_memory_equal(text, big, REPO_CONFIG_MAX);
        free(text);

        assert_int_equal(repo_config_write(f->repo, 2, big, REPO_CONFIG_MAX + 1), -EFBIG);
        assert_int_equal(repo_config_write(f->repo, 2, NULL, 1), -EINVAL);

        /* Empty text is a valid generation. */
        assert_int_equal(repo_config_write(f->repo, 2, NULL, 0), 0);
        expect_config(f->repo, 2, "");
        /* Odd sizes around the block boundary. */
        assert_int_equal(repo_config_write(f->repo, 3, big, 4096), 0);
        assert_int_equal(repo_config_write(f->repo, 4, big, 4097), 0);
        assert_int_equal(repo_config_read(f->repo, &gen, &text), 0);
        assert_int_equal(gen, 4);
        assert_int_equal(strlen(text), 4097);
        free(text);
        free(big);
}

static void test_config_torn(void **state)
{
        fx_t *f = *state;

        write_config(f->repo, 1, "first generation");
        write_config(f->repo, 2, "second generation");
        /* Torn text in the newer slot (B). */
        raw_flip(f->path, OFF_B + 4096 + 3);
        expect_config(f->repo, 1, "first generation");

        /* Next write goes to the torn slot, keeping generation 1 safe;
         * generation 2 may be reused since it was never valid. */
        write_config(f->repo, 2, "second, again");
        assert_int_equal(raw_be64(f->path, OFF_A + 8), 1);
        expect_config(f->repo, 2, "second, again");

        /* Torn header fields: generation, length, checksum. */
        raw_flip(f->path, OFF_B + 15);
        expect_config(f->repo, 1, "first generation");
        raw_flip(f->path, OFF_B + 15);
        raw_flip(f->path, OFF_B + 19);
        expect_config(f->repo, 1, "first generation");
        raw_flip(f->path, OFF_B + 19);
        raw_flip(f->path, OFF_B + 30);
        expect_config(f->repo, 1, "first generation");
        raw_flip(f->path, OFF_B + 30);
        expect_config(f->repo, 2, "second, again");

        /* Half-written: text of the new generation never reached the disk. */
        write_config(f->repo, 3, "third generation");
        raw_write(f->path, OFF_A + 4096, "second, again\0\0\0", 16);
        expect_config(f->repo, 2, "second, again");
}

static void test_config_both_corrupt(void **state)
{
        fx_t *f = *state;
        uint64_t gen;
        char *text = NULL;

        write_config(f->repo, 1, "one");
        write_config(f->repo, 2, "two");
        raw_flip(f->path, OFF_A + 4096);
        raw_flip(f->path, OFF_B + 4096);
        assert_int_equal(repo_config_read(f->repo, &gen, &text), -ENOENT);
        assert_null(text);
        /* With nothing valid, any generation may be written (to slot A). */
        write_config(f->repo, 1, "fresh");
        assert_int_equal(raw_be64(f->path, OFF_A + 8), 1);
        expect_config(f->repo, 1, "fresh");
}

static void test_staged(void **state)
{
        fx_t *f = *state;
        uint64_t base = 99;
        char *text = NULL;

        assert_int_equal(repo_staged_read(f->repo, &base, &text), -ENOENT);
        assert_int_equal(base, 99);
        write_config(f->repo, 3, "committed");

        assert_int_equal(repo_staged_write(f->repo, 3, "edit one", 8), 0);
        assert_int_equal(repo_staged_read(f->repo, &base, &text), 0);
        assert_int_equal(base, 3);
        assert_string_equal(text, "edit one");
        free(text);
        assert_int_equal(repo_staged_write(f->repo, 3, "edit two", 8), 0);
        assert_int_equal(repo_staged_read(f->repo, &base, &text), 0);
        assert_string_equal(text, "edit two");
        free(text);
        expect_config(f->repo, 3, "committed");

        assert_int_equal(repo_staged_clear(f->repo), 0);
        text = NULL;
        assert_int_equal(repo_staged_read(f->repo, &base, &text), -ENOENT);
        assert_null(text);
        {
                uint8_t hdr[4];
                raw_read(f->path, OFF_STAGED, hdr, 4);
                assert_memory_equal(hdr, "\0\0\0\0", 4);
        }
        expect_config(f->repo, 3, "committed");

        /* Corrupt staged text reads as none. */
        assert_int_equal(repo_staged_write(f->repo, 3, "edit three", 10), 0);
        raw_flip(f->path, OFF_STAGED + 4096 + 1);
        assert_int_equal(repo_staged_read(f->repo, &base, &text), -ENOENT);
        assert_int_equal(repo_staged_write(f->repo, 3, NULL, REPO_CONFIG_MAX + 1), -EFBIG);
}

static void test_slot_roundtrip(void **state)
{
        fx_t *f = *state;
        repo_slot_t s;
        uint8_t body[REPO_SLOT_MAX_BODY];
        struct timespec ts;
        uint64_t before, after;

        clock_gettime(CLOCK_REALTIME, &ts);
        before = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
        assert_int_equal(repo_slot_write(f->repo, 3, 7, 9, "abc", 3), 0);
        clock_gettime(CLOCK_REALTIME, &ts);
        after = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;

        memset(&s, 0xee, sizeof(s));
        assert_int_equal(repo_slot_read(f->repo, 3, &s), 0);
        assert_int_equal(s.node_id, 3);
        assert_int_equal(s.incarnation, 7);
        assert_int_equal(s.seq, 9);
        assert_int_equal(s.body_len, 3);
        assert_memory_equal(s.body, "abc", 3);
        assert_int_equal(s.body[3], 0);
        assert_true(s.write_realtime_usec >= before && s.write_realtime_usec <= after + 1);

        for (size_t i = 0; i < sizeof(body); i++)
                body[i] = (uint8_t)(i * 7);
        assert_int_equal(repo_slot_write(f->repo, 63, 1, 2, body, sizeof(body)), 0);
        assert_int_equal(repo_slot_read(f->repo, 63, &s), 0);
        assert_int_equal(s.body_len, REPO_SLOT_MAX_BODY);
        assert_memory_equal(s.body, body, sizeof(body));
        assert_int_equal(repo_slot_write(f->repo, 0, 1, 1, NULL, 0), 0);
        assert_int_equal(repo_slot_read(f->repo, 0, &s), 0);
        assert_int_equal(s.body_len, 0);

        /* Rewrites replace; neighbours untouched. */
        assert_int_equal(repo_slot_write(f->repo, 3, 7, 10, "de", 2), 0);
        assert_int_equal(repo_slot_read(f->repo, 3, &s), 0);
        assert_int_equal(s.seq, 10);
        assert_int_equal(s.body_len, 2);
        assert_memory_equal(s.body, "de", 2);
        assert_int_equal(s.body[2], 0);
        assert_int_equal(repo_slot_read(f->repo, 63, &s), 0);
        assert_int_equal(s.seq, 2);

        assert_int_equal(repo_slot_write(f->repo, 64, 1, 1, "x", 1), -EINVAL);
        assert_int_equal(repo_slot_write(f->repo, UINT16_MAX, 1, 1, "x", 1), -EINVAL);
        assert_int_equal(repo_slot_read(f->repo, REPO_MAX_SLOTS, &s), -EINVAL);
        assert_int_equal(repo_slot_write(f->repo, 1, 1, 1, body, sizeof(body) + 1), -EMSGSIZE);
        /* Config untouched by slot traffic. */
        {
                uint64_t gen;
                char *text;
                assert_int_equal(repo_config_read(f->repo, &gen, &text), -ENOENT);
        }
}

static void test_slot_corrupt(void **state)
{
        fx_t *f = *state;
        repo_slot_t s;

        for (uint16_t i = 0; i < REPO_MAX_SLOTS; i++)
                assert_int_equal(repo_slot_read(f->repo, i, &s), -ENOENT);

        assert_int_equal(repo_slot_write(f->repo, 5, 1, 1, "body!", 5), 0);
        /* Every byte of header and body is covered. */
        for (uint64_t off = 0; off < 52 + 5; off++) {
                raw_flip(f->path, OFF_SLOTS + 5 * SLOT + off);
                assert_int_equal(repo_slot_read(f->repo, 5, &s), -ENOENT);
                raw_flip(f->path, OFF_SLOTS + 5 * SLOT + off);
                assert_int_equal(repo_slot_read(f->repo, 5, &s), 0);
        }
        /* Bytes past the body are not. */
        raw_flip(f->path, OFF_SLOTS + 5 * SLOT + 52 + 5);
        assert_int_equal(repo_slot_read(f->repo, 5, &s), 0);

        /* A valid slot copied into another node's position is refused. */
        {
                uint8_t blk[4096];
                raw_read(f->path, OFF_SLOTS + 5 * SLOT, blk, sizeof(blk));
                raw_write(f->path, OFF_SLOTS + 6 * SLOT, blk, sizeof(blk));
                assert_int_equal(repo_slot_read(f->repo, 6, &s), -ENOENT);
        }
}

static void test_two_handles(void **state)
{
        fx_t *f = *state;
        repo_t *other;
        repo_slot_t s;
        uint64_t gen;
        char *text;

        assert_int_equal(repo_open(f->path, &other), 0);
        write_config(f->repo, 1, "from one");
        expect_config(other, 1, "from one");
        write_config(other, 2, "from two");
        expect_config(f->repo, 2, "from two");
        assert_int_equal(repo_config_write(f->repo, 2, "late", 4), -ESTALE);

        assert_int_equal(repo_staged_write(other, 2, "staged", 6), 0);
        assert_int_equal(repo_staged_read(f->repo, &gen, &text), 0);
        assert_string_equal(text, "staged");
        free(text);

        assert_int_equal(repo_slot_write(f->repo, 1, 3, 4, "n1", 2), 0);
        assert_int_equal(repo_slot_write(other, 2, 5, 6, "n2", 2), 0);
        assert_int_equal(repo_slot_read(other, 1, &s), 0);
        assert_int_equal(s.seq, 4);
        assert_int_equal(repo_slot_read(f->repo, 2, &s), 0);
        assert_int_equal(s.seq, 6);
        repo_close(other);
}

static void expect_lease(repo_t *repo, uint16_t owner, uint64_t inc, uint64_t counter)
{
        repo_lease_rec_t l;

        memset(&l, 0xee, sizeof(l));
        assert_int_equal(repo_lease_read(repo, &l), 0);
        assert_int_equal(l.owner, owner);
        assert_int_equal(l.incarnation, inc);
        assert_int_equal(l.counter, counter);
}

static void test_lease_roundtrip(void **state)
{
        fx_t *f = *state;
        repo_lease_rec_t l = {.owner = 77, .incarnation = 88, .counter = 99};
        uint8_t blk[4096], zero[4096] = {0};

        /* formatted: never written, and ret untouched */
        assert_int_equal(repo_lease_read(f->repo, &l), -ENOENT);
        assert_int_equal(l.owner, 77);
        assert_int_equal(l.counter, 99);

        assert_int_equal(
            repo_lease_write(f->repo, &(repo_lease_rec_t){3, 0x0102030405060708ULL, 1}), 0);
        expect_lease(f->repo, 3, 0x0102030405060708ULL, 1);
        /* pinned layout: magic, version, owner, incarnation, counter, big-endian */
        raw_read(f->path, OFF_LEASE, blk, sizeof(blk));
        assert_memory_equal(blk, "HLSE", 4);
        assert_int_equal(blk[4], 0);
        assert_int_equal(blk[5], 1);
        assert_int_equal(blk[6], 0);
        assert_int_equal(blk[7], 3);
        assert_int_equal(raw_be64(f->path, OFF_LEASE + 8), 0x0102030405060708ULL);
        assert_int_equal(raw_be64(f->path, OFF_LEASE + 16), 1);
        assert_memory_equal(blk + 40, zero, sizeof(blk) - 40); /* one sector holds it all */

        /* rewrites replace; free (NONE) and the highest slot id are valid owners */
        assert_int_equal(repo_lease_write(f->repo, &(repo_lease_rec_t){REPO_LEASE_NONE, 0, 2}), 0);
        expect_lease(f->repo, REPO_LEASE_NONE, 0, 2);
        assert_int_equal(
            repo_lease_write(f->repo, &(repo_lease_rec_t){63, 9, REPO_LEASE_COUNTER_LIMIT - 1}), 0);
        expect_lease(f->repo, 63, 9, REPO_LEASE_COUNTER_LIMIT - 1);
        /* counters that no writer reaches are refused (claims over them would wrap) */
        assert_int_equal(
            repo_lease_write(f->repo, &(repo_lease_rec_t){63, 9, REPO_LEASE_COUNTER_LIMIT}),
            -EINVAL);
        assert_int_equal(repo_lease_write(f->repo, &(repo_lease_rec_t){REPO_MAX_SLOTS, 1, 1}),
                         -EINVAL);
        assert_int_equal(repo_lease_write(f->repo, &(repo_lease_rec_t){0xfffe, 1, 1}), -EINVAL);
        assert_int_equal(repo_lease_write(f->repo, NULL), -EINVAL);
        expect_lease(f->repo, 63, 9, REPO_LEASE_COUNTER_LIMIT - 1);

        /* neighbours: the last node slot and the lease do not overlap */
        assert_int_equal(repo_slot_write(f->repo, 63, 1, 5, "last", 4), 0);
        expect_lease(f->repo, 63, 9, REPO_LEASE_COUNTER_LIMIT - 1);
        assert_int_equal(repo_lease_write(f->repo, &(repo_lease_rec_t){1, 1, 1}), 0);
        {
                repo_slot_t s;
                assert_int_equal(repo_slot_read(f->repo, 63, &s), 0);
                assert_int_equal(s.seq, 5);
        }
        /* a second handle sees it (what another node reads) */
        {
                repo_t *other;
                assert_int_equal(repo_open(f->path, &other), 0);
                expect_lease(other, 1, 1, 1);
                assert_int_equal(repo_lease_write(other, &(repo_lease_rec_t){2, 4, 2}), 0);
                repo_close(other);
        }
        expect_lease(f->repo, 2, 4, 2);
}

static void test_lease_corrupt(void **state)
{
        fx_t *f = *state;
        repo_lease_rec_t l;
        uint8_t blk[4096], zero[4096] = {0};

        assert_int_equal(repo_lease_write(f->repo, &(repo_lease_rec_t){5, 6, 7}), 0);
        /* every byte of the record is covered: invalid, never "free" */
        for (uint64_t off = 0; off < 40; off++) {
                raw_flip(f->path, OFF_LEASE + off);
                assert_int_equal(repo_lease_read(f->repo, &l), -EBADMSG);
                raw_flip(f->path, OFF_LEASE + off);
                expect_lease(f->repo, 5, 6, 7);
        }
        /* bytes past the record are not */
        raw_flip(f->path, OFF_LEASE + 40);
        raw_flip(f->path, OFF_LEASE + 4095);
        expect_lease(f->repo, 5, 6, 7);
        /* an owner id that is neither a node nor NONE, with a valid checksum,
         * is refused too (record written by hand) */
        raw_read(f->path, OFF_LEASE, blk, sizeof(blk));
        blk[6] = 0xff;
        blk[7] = 0xfe;
        assert_int_equal(crypto_generichash(blk + 24, 16, blk, 24, NULL, 0), 0);
        raw_write(f->path, OFF_LEASE, blk, sizeof(blk));
        assert_int_equal(repo_lease_read(f->repo, &l), -EBADMSG);
        blk[7] = 0xff; /* the same by hand with NONE reads fine: the checksum is right */
        assert_int_equal(crypto_generichash(blk + 24, 16, blk, 24, NULL, 0), 0);
        raw_write(f->path, OFF_LEASE, blk, sizeof(blk));
        expect_lease(f->repo, REPO_LEASE_NONE, 6, 7);
        /* a counter of 2^63 or more with a valid checksum (found by fuzz_lease:
         * claiming over UINT64_MAX wrapped to 0 and repeated counters) */
        blk[16] = 0x80;
        assert_int_equal(crypto_generichash(blk + 24, 16, blk, 24, NULL, 0), 0);
        raw_write(f->path, OFF_LEASE, blk, sizeof(blk));
        assert_int_equal(repo_lease_read(f->repo, &l), -EBADMSG);
        blk[16] = 0x7f;
        assert_int_equal(crypto_generichash(blk + 24, 16, blk, 24, NULL, 0), 0);
        raw_write(f->path, OFF_LEASE, blk, sizeof(blk));
        expect_lease(f->repo, REPO_LEASE_NONE, 6, 0x7f00000000000007ULL);
        /* a node slot copied into the lease block */
        assert_int_equal(repo_slot_write(f->repo, 5, 6, 7, "x", 1), 0);
        raw_read(f->path, OFF_SLOTS + 5 * SLOT, blk, sizeof(blk));
        raw_write(f->path, OFF_LEASE, blk, sizeof(blk));
        assert_int_equal(repo_lease_read(f->repo, &l), -EBADMSG);
        /* zeroed again (as formatted): never written */
        raw_write(f->path, OFF_LEASE, zero, sizeof(zero));
        assert_int_equal(repo_lease_read(f->repo, &l), -ENOENT);
        /* only an all-zero record counts as never written */
        raw_flip(f->path, OFF_LEASE + 2);
        assert_int_equal(repo_lease_read(f->repo, &l), -EBADMSG);
}

/* Lock state of the config area as another open file description sees it. */
static short probe_lock(const char *path)
{
        struct flock fl = {
            .l_type = F_WRLCK,
            .l_whence = SEEK_SET,
            .l_start = MIB,
            .l_len = 3 * MIB,
        };
        int fd = open(path, O_RDWR | O_CLOEXEC);

        assert_true(fd >= 0);
        assert_int_equal(fcntl(fd, F_OFD_GETLK, &fl), 0);
        close(fd);
        return fl.l_type;
}

typedef struct {
        repo_t *repo;
        atomic_int got;
} lock_arg_t;

static void *lock_thread(void *p)
{
        lock_arg_t *a = p;

        if (repo_config_lock(a->repo) == 0)
                atomic_store(&a->got, 1);
        return NULL;
}

static void test_lock(void **state)
{
        fx_t *f = *state;
        lock_arg_t a = {.got = 0};
        pthread_t t;
        struct timespec ms100 = {0, 100 * 1000 * 1000};

        assert_int_equal(probe_lock(f->path), F_UNLCK);
        assert_int_equal(repo_config_lock(f->repo), 0);
        assert_int_equal(probe_lock(f->path), F_WRLCK);
        repo_config_unlock(f->repo);
        assert_int_equal(probe_lock(f->path), F_UNLCK);
        repo_config_unlock(f->repo); /* unlocking twice is harmless */

        /* A second handle blocks until the first unlocks. */
        assert_int_equal(repo_open(f->path, &a.repo), 0);
        assert_int_equal(repo_config_lock(f->repo), 0);
        assert_int_equal(pthread_create(&t, NULL, lock_thread, &a), 0);
        nanosleep(&ms100, NULL);
        assert_int_equal(atomic_load(&a.got), 0);
        repo_config_unlock(f->repo);
        assert_int_equal(pthread_join(t, NULL), 0);
        assert_int_equal(atomic_load(&a.got), 1);
        assert_int_equal(probe_lock(f->path), F_WRLCK);
        /* Closing a handle drops its lock. */
        repo_close(a.repo);
        assert_int_equal(probe_lock(f->path), F_UNLCK);
}

typedef struct {
        repo_t *repo;
        atomic_int failures;
        atomic_int stop;
} hb_arg_t;

static void *heartbeat_thread(void *p)
{
        hb_arg_t *a = p;
        repo_slot_t s;
        char body[64];

        for (uint64_t seq = 1; !atomic_load(&a->stop) && seq < 100000; seq++) {
                int n = snprintf(body, sizeof(body), "heartbeat %llu", (unsigned long long)seq);
                if (repo_slot_write(a->repo, 4, 1, seq, body, (size_t)n) != 0 ||
                    repo_slot_read(a->repo, 4, &s) != 0 || s.seq != seq ||
                    memcmp(s.body, body, (size_t)n) != 0)
                        atomic_fetch_add(&a->failures, 1);
        }
        return NULL;
}

static void test_threads(void **state)
{
        fx_t *f = *state;
        hb_arg_t a = {.repo = f->repo};
        pthread_t t;
        char text[64];

        /* Slot I/O on one thread, config I/O on another, one repo_t. */
        assert_int_equal(pthread_create(&t, NULL, heartbeat_thread, &a), 0);
        for (uint64_t gen = 1; gen <= 100; gen++) {
                snprintf(text, sizeof(text), "config generation %llu", (unsigned long long)gen);
                write_config(f->repo, gen, text);
                expect_config(f->repo, gen, text);
        }
        atomic_store(&a.stop, 1);
        assert_int_equal(pthread_join(t, NULL), 0);
        assert_int_equal(atomic_load(&a.failures), 0);
}

/* ---- repo_work: the FIFO worker, hung jobs ---- */

typedef struct wjob {
        repo_job_t job; /* first */
        int id;
        sem_t *block; /* run waits on it: a hung I/O */
        usec_t slow;  /* run takes this long: slow I/O that answers */
        bool expired_running, expire_called;
} wjob_t;

static struct {
        uv_loop_t loop;
        repo_work_t *w;      /* never freed: its threads may still be blocked */
        int ran[16], nran;   /* worker order */
        int done[16], ndone; /* loop order */
        bool done_ran[16], done_expired[16];
        pthread_mutex_t lock;
        sem_t block;
} W = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void wjob_run(repo_job_t *j, repo_work_ctx_t *ctx)
{
        wjob_t *wj = (wjob_t *)j;

        (void)ctx;
        if (wj->block)
                sem_wait(wj->block);
        if (wj->slow)
                usleep(wj->slow);
        pthread_mutex_lock(&W.lock);
        W.ran[W.nran++] = wj->id;
        pthread_mutex_unlock(&W.lock);
}

static void wjob_done(void *ud, repo_job_t *j)
{
        wjob_t *wj = (wjob_t *)j;

        assert_ptr_equal(ud, &W);
        W.done_ran[wj->id] = j->ran;
        W.done_expired[wj->id] = j->expired;
        W.done[W.ndone++] = wj->id;
        free(wj);
}

static void wjob_expire(void *ud, repo_job_t *j, bool running)
{
        wjob_t *wj = (wjob_t *)j;

        assert_ptr_equal(ud, &W);
        assert_false(wj->expire_called);
        wj->expire_called = true;
        wj->expired_running = running;
}

static wjob_t *wjob(int id, const char *path, usec_t timeout, sem_t *block)
{
        wjob_t *wj = calloc(1, sizeof(*wj));

        wj->id = id;
        wj->block = block;
        snprintf(wj->job.path, sizeof(wj->job.path), "%s", path);
        wj->job.timeout_usec = timeout;
        wj->job.run = wjob_run;
        wj->job.done = wjob_done;
        wj->job.expire = wjob_expire;
        return wj;
}

/* Runs the loop until pred() or 5 s. */
static bool run_until(bool (*pred)(void))
{
        usec_t end = now_usec() + 5 * USEC_PER_SEC;

        while (!pred() && now_usec() < end)
                uv_run(&W.loop, UV_RUN_NOWAIT), usleep(1000);
        return pred();
}

static int want_done;
static bool enough_done(void)
{
        return W.ndone >= want_done;
}

static void test_work_fifo(void **state)
{
        (void)state;
        assert_int_equal(uv_loop_init(&W.loop), 0);
        sem_init(&W.block, 0, 0);
        W.w = repo_work_new(&W.loop, &W);
        for (int i = 1; i <= 5; i++)
                assert_int_equal(
                    repo_work_submit(W.w, &wjob(i, "/r", USEC_PER_SEC * 5, NULL)->job, NULL), 0);
        want_done = 5;
        assert_true(run_until(enough_done));
        for (int i = 0; i < 5; i++) {
                assert_int_equal(W.ran[i], i + 1);  /* one at a time, in order */
                assert_int_equal(W.done[i], i + 1); /* handed back in order */
                assert_true(W.done_ran[i + 1]);
                assert_false(W.done_expired[i + 1]);
        }
        assert_int_equal(repo_work_pending(W.w), 0);
}

/* Jobs queued behind others that make progress are not timed out by
 * their wait: each one's timeout counts from its start (a batch of edits
 * from several nodes, each I/O well within its timeout, none refused). */
static void test_work_slow_queue(void **state)
{
        (void)state;
        W.nran = W.ndone = 0;
        memset(W.done_ran, 0, sizeof(W.done_ran));
        memset(W.done_expired, 0, sizeof(W.done_expired));
        for (int i = 1; i <= 4; i++) {
                wjob_t *wj = wjob(i, "/r", 250 * USEC_PER_MSEC, NULL);
                wj->slow = 150 * USEC_PER_MSEC; /* the 4th waits 450 ms */
                assert_int_equal(repo_work_submit(W.w, &wj->job, NULL), 0);
        }
        want_done = 4;
        assert_true(run_until(enough_done));
        for (int i = 1; i <= 4; i++) {
                assert_true(W.done_ran[i]);
                assert_false(W.done_expired[i]);
        }
        assert_int_equal(repo_work_pending(W.w), 0);
}

static wjob_t *hung, *queued;
static bool hung_expired(void)
{
        return hung->expire_called && queued->expire_called;
}

static void test_work_hung(void **state)
{
        usec_t stuck = 0;
        wjob_t *refused, *other;

        (void)state;
        W.nran = W.ndone = 0;
        /* job 6 hangs in its I/O, job 7 waits behind it */
        hung = wjob(6, "/r", 50 * USEC_PER_MSEC, &W.block);
        queued = wjob(7, "/r", 50 * USEC_PER_MSEC, NULL);
        assert_int_equal(repo_work_submit(W.w, &hung->job, NULL), 0);
        assert_int_equal(repo_work_submit(W.w, &queued->job, NULL), 0);
        assert_true(run_until(hung_expired)); /* both answered after their timeout */
        assert_true(hung->expired_running);
        assert_false(queued->expired_running);
        assert_int_equal(W.ndone, 0);
        /* the worker is stuck: the same repository is refused at once */
        refused = wjob(8, "/r", 50 * USEC_PER_MSEC, NULL);
        assert_int_equal(repo_work_submit(W.w, &refused->job, &stuck), -ETIMEDOUT);
        assert_true(stuck >= 50 * USEC_PER_MSEC);
        free(refused);
        /* another repository (ARR): a fresh worker; the expired job 7 is skipped */
        other = wjob(9, "/backup", USEC_PER_SEC * 5, NULL);
        assert_int_equal(repo_work_submit(W.w, &other->job, NULL), 0);
        want_done = 2;
        assert_true(run_until(enough_done));
        assert_int_equal(W.done[0], 7);
        assert_false(W.done_ran[7]);
        assert_true(W.done_expired[7]);
        assert_int_equal(W.done[1], 9);
        assert_true(W.done_ran[9]);
        assert_int_equal(W.nran, 1); /* only 9 ran; 6 is still inside its I/O */
        /* the hung I/O returns: its job comes back, marked expired */
        sem_post(&W.block);
        want_done = 3;
        assert_true(run_until(enough_done));
        assert_int_equal(W.done[2], 6);
        assert_true(W.done_ran[6] && W.done_expired[6]);
        assert_int_equal(repo_work_pending(W.w), 0);
        /* the new worker serves the hung repository again */
        assert_int_equal(repo_work_submit(W.w, &wjob(10, "/r", USEC_PER_SEC * 5, NULL)->job, NULL),
                         0);
        want_done = 4;
        assert_true(run_until(enough_done));
        assert_true(W.done_ran[10]);
}

/* ------------------------------------------------------------ snapshots */

#define OFF_SNAP  (6 * MIB + 128 * 1024)
#define SNAP_AREA (64 * 1024)

static void test_snap_roundtrip(void **state)
{
        fx_t *f = *state;
        char *texts[REPO_SNAP_MAX];
        char *big = malloc(REPO_SNAP_TEXT_MAX + 2);

        /* a fresh (and a version-3, never written) region has no snapshots */
        assert_int_equal(repo_snap_read_all(f->repo, texts), 0);
        for (unsigned i = 0; i < REPO_SNAP_MAX; i++)
                assert_null(texts[i]);
        assert_int_equal(repo_snap_write(f->repo, 0, "first\n", 6), 0);
        assert_int_equal(repo_snap_write(f->repo, REPO_SNAP_MAX - 1, "last\n", 5), 0);
        memset(big, 'x', REPO_SNAP_TEXT_MAX + 1);
        big[REPO_SNAP_TEXT_MAX + 1] = '\0';
        assert_int_equal(repo_snap_write(f->repo, 1, big, REPO_SNAP_TEXT_MAX), 0);
        /* too big and out of range: refused, nothing written */
        assert_int_equal(repo_snap_write(f->repo, 2, big, REPO_SNAP_TEXT_MAX + 1), -EFBIG);
        assert_int_equal(repo_snap_write(f->repo, REPO_SNAP_MAX, "x", 1), -EINVAL);
        assert_int_equal(repo_snap_read_all(f->repo, texts), 0);
        assert_string_equal(texts[0], "first\n");
        assert_string_equal(texts[REPO_SNAP_MAX - 1], "last\n");
        assert_int_equal(strlen(texts[1]), REPO_SNAP_TEXT_MAX);
        assert_null(texts[2]);
        for (unsigned i = 0; i < REPO_SNAP_MAX; i++)
                free(texts[i]);
        /* the config areas, slots and lease are untouched */
        {
                uint64_t gen;
                char *t;
                assert_int_equal(repo_config_read(f->repo, &gen, &t), -ENOENT);
        }
        assert_int_equal(repo_snap_clear(f->repo, 0), 0);
        assert_int_equal(repo_snap_read_all(f->repo, texts), 0);
        assert_null(texts[0]);
        assert_string_equal(texts[REPO_SNAP_MAX - 1], "last\n");
        for (unsigned i = 0; i < REPO_SNAP_MAX; i++)
                free(texts[i]);
        free(big);
}

static void test_snap_corrupt(void **state)
{
        fx_t *f = *state;
        char *texts[REPO_SNAP_MAX], *t = NULL;
        uint8_t *area = calloc(1, SNAP_AREA), b;
        int fd;

        assert_int_equal(repo_snap_write(f->repo, 3, "keep\n", 5), 0);
        assert_int_equal(repo_snap_write(f->repo, 4, "torn\n", 5), 0);
        /* a flipped text byte in area 4: it reads as free, area 3 stays */
        fd = open(f->path, O_RDWR);
        assert_true(fd >= 0);
        assert_int_equal(pread(fd, &b, 1, OFF_SNAP + 4 * SNAP_AREA + 4096), 1);
        b ^= 1;
        assert_int_equal(pwrite(fd, &b, 1, OFF_SNAP + 4 * SNAP_AREA + 4096), 1);
        close(fd);
        assert_int_equal(repo_snap_read_all(f->repo, texts), 0);
        assert_string_equal(texts[3], "keep\n");
        assert_null(texts[4]);
        for (unsigned i = 0; i < REPO_SNAP_MAX; i++)
                free(texts[i]);

        /* the pure decoder: free, bad magic, bad length, NUL in the text */
        assert_int_equal(repo_snap_decode(area, SNAP_AREA, &t), -ENOENT);
        assert_int_equal(repo_snap_encode(area, SNAP_AREA, "abc", 3), 0);
        assert_int_equal(repo_snap_decode(area, SNAP_AREA, &t), 0);
        assert_string_equal(t, "abc");
        free(t);
        t = NULL;
        assert_int_equal(repo_snap_decode(area, 100, &t), -EBADMSG);
        area[0] ^= 0xff;
        assert_int_equal(repo_snap_decode(area, SNAP_AREA, &t), -EBADMSG);
        area[0] ^= 0xff;
        area[11] = 4; /* length 3 -> 4 */
        assert_int_equal(repo_snap_decode(area, SNAP_AREA, &t), -EBADMSG);
        assert_int_equal(repo_snap_encode(area, SNAP_AREA, "a\0b", 3), 0);
        assert_int_equal(repo_snap_decode(area, SNAP_AREA, &t), -EBADMSG);
        assert_null(t);
        assert_int_equal(repo_snap_encode(area, SNAP_AREA - 1, "a", 1), -EINVAL);
        free(area);
}

static void test_snap_text(void **state)
{
        repo_snap_info_t in = {.generation = 42}, out;
        char err[256];
        char *text;
        size_t off;

        (void)state;
        strcpy(in.name, "before-upgrade_1.0");
        strcpy(in.description, "a = b, with spaces");
        strcpy(in.time, "2026-12-04T19:00:00Z");
        strcpy(in.node, "n1");
        text = repo_snap_text_make(&in, "# hamr configuration generation 42\n[cluster c]\n");
        off = repo_snap_info_parse(text, &out);
        assert_string_equal(text + off, "# hamr configuration generation 42\n[cluster c]\n");
        assert_string_equal(out.name, in.name);
        assert_string_equal(out.description, in.description);
        assert_string_equal(out.time, in.time);
        assert_string_equal(out.node, "n1");
        assert_int_equal(out.generation, 42);
        free(text);
        /* a plain configuration has no header */
        assert_int_equal(repo_snap_info_parse("[cluster c]\n", &out), 0);
        assert_string_equal(out.name, "");
        /* the header ends at the first line that is not "# KEY=value" */
        off = repo_snap_info_parse("# hamr snapshot\n# NAME=a\n# note: x=y\n[c]\n", &out);
        assert_int_equal(off, strlen("# hamr snapshot\n# NAME=a\n"));
        assert_string_equal(out.name, "a");

        assert_int_equal(repo_snap_name_check("base", err, sizeof(err)), 0);
        assert_int_equal(repo_snap_name_check("v1.2-rc_3", err, sizeof(err)), 0);
        assert_int_equal(repo_snap_name_check("bad/name", err, sizeof(err)), -EINVAL);
        assert_non_null(
            strstr(err, "snapshot: name \"bad/name\" is not allowed; allowed: 1 to 64"));
        assert_int_equal(repo_snap_name_check("-x", NULL, 0), -EINVAL);
        assert_int_equal(repo_snap_name_check("", NULL, 0), -EINVAL);
        memset(err, 'a', 65);
        err[65] = '\0';
        assert_int_equal(repo_snap_name_check(err, NULL, 0), -EINVAL);
        err[64] = '\0';
        assert_int_equal(repo_snap_name_check(err, NULL, 0), 0);
        assert_int_equal(repo_snap_desc_check("fine", err, sizeof(err)), 0);
        assert_int_equal(repo_snap_desc_check("two\nlines", err, sizeof(err)), -EINVAL);
        assert_non_null(strstr(err, "DESCRIPTION is not allowed; allowed: at most 256"));
}

#define T(fn)  cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define TP(fn) cmocka_unit_test_setup_teardown(fn, setup_path, teardown)

/* ------------------------------------------------ the configuration lock */

/* Short timing for the tests: 10 * (2P + 3S) <= 9T. */
static const repo_cfglock_timing_t cl_tm = {.expire = 400 * USEC_PER_MSEC,
                                            .settle = 30 * USEC_PER_MSEC,
                                            .period = 5 * USEC_PER_MSEC,
                                            .wait = 200 * USEC_PER_MSEC};

static void expect_cfglock(repo_t *repo, uint16_t owner, uint64_t inc)
{
        repo_lease_rec_t rec;

        assert_int_equal(repo_cfglock_read(repo, &rec), 0);
        assert_int_equal(rec.owner, owner);
        if (owner != REPO_LEASE_NONE)
                assert_int_equal(rec.incarnation, inc);
}

/* Two handles on one file stand for two hosts (no OFD lock taken): the
 * second cannot have the lock while the first holds it, gets it at once
 * after a release, and the tie-breaker lease block is never touched. */
static void test_cfglock_exclusion(void **state)
{
        fx_t *f = *state;
        repo_t *other;
        repo_cfglock_t a = {0}, b = {0};
        repo_lease_rec_t rec;
        usec_t t0;

        assert_int_equal(repo_open(f->path, &other), 0);
        assert_int_equal(repo_cfglock_read(f->repo, &rec), -ENOENT);
        assert_int_equal(repo_cfglock_acquire(&a, f->repo, 1, 10, &cl_tm), 0);
        expect_cfglock(other, 1, 10);
        assert_int_equal(repo_cfglock_acquire(&b, other, 2, 20, &cl_tm), -EBUSY);
        assert_int_equal(b.holder, 1);
        assert_int_equal(repo_cfglock_keep(&a, f->repo), 0); /* still ours */
        expect_cfglock(other, 1, 10);
        repo_cfglock_release(&a, f->repo);
        expect_cfglock(other, REPO_LEASE_NONE, 0);
        assert_int_equal(repo_cfglock_keep(&a, f->repo), -ENOLCK);
        t0 = now_usec();
        assert_int_equal(repo_cfglock_acquire(&b, other, 2, 20, &cl_tm), 0);
        assert_true(now_usec() - t0 < cl_tm.expire); /* free: claimed at once */
        expect_cfglock(f->repo, 2, 20);
        /* a node without an id yet competes under the anonymous owner */
        assert_int_equal(repo_cfglock_acquire(&a, f->repo, REPO_CFGLOCK_ANON, 11, &cl_tm), -EBUSY);
        assert_int_equal(a.holder, 2);
        repo_cfglock_release(&b, other);
        assert_int_equal(repo_cfglock_acquire(&a, f->repo, REPO_CFGLOCK_ANON, 11, &cl_tm), 0);
        expect_cfglock(other, REPO_CFGLOCK_ANON, 11);
        repo_cfglock_release(&a, f->repo);
        /* the tie-breaker lease refuses the anonymous owner and was not written */
        rec = (repo_lease_rec_t){.owner = REPO_CFGLOCK_ANON, .incarnation = 1, .counter = 1};
        assert_int_equal(repo_lease_write(f->repo, &rec), -EINVAL);
        assert_int_equal(repo_lease_read(f->repo, &rec), -ENOENT);
        /* bad timing is refused */
        repo_cfglock_timing_t bad = cl_tm;
        bad.expire = bad.settle;
        assert_int_equal(repo_cfglock_acquire(&a, f->repo, 1, 10, &bad), -EINVAL);
        repo_close(other);
}

/* A holder that died (never released) loses the lock after T unchanged;
 * when it comes back it finds the lock lost and must not write. */
static void test_cfglock_expiry(void **state)
{
        fx_t *f = *state;
        repo_t *other;
        repo_cfglock_t a = {0}, b = {0};
        repo_cfglock_timing_t tm = cl_tm;
        usec_t t0;

        assert_int_equal(repo_open(f->path, &other), 0);
        assert_int_equal(repo_cfglock_acquire(&a, f->repo, 1, 10, &cl_tm), 0);
        t0 = now_usec();
        tm.wait = 3 * cl_tm.expire;
        assert_int_equal(repo_cfglock_acquire(&b, other, 2, 20, &tm), 0);
        assert_true(now_usec() - t0 >= cl_tm.expire);
        expect_cfglock(f->repo, 2, 20);
        assert_int_equal(repo_cfglock_keep(&a, f->repo), -ENOLCK);
        expect_cfglock(f->repo, 2, 20); /* the old holder wrote nothing */
        assert_int_equal(repo_cfglock_keep(&b, other), 0);
        repo_cfglock_release(&b, other);
        repo_close(other);
}

/* Two "hosts" (threads with their own handles, no OFD lock) each add 1 to
 * a counter kept in the staged area, read-modify-write under the lock:
 * no increment is lost. */
typedef struct cl_worker {
        const char *path;
        uint16_t self;
        int n, failed;
} cl_worker_t;

static void *cl_thread(void *p)
{
        cl_worker_t *w = p;
        repo_cfglock_timing_t tm = cl_tm;
        repo_cfglock_t lk = {0};
        repo_t *repo;

        tm.wait = 10 * USEC_PER_SEC;
        if (repo_open(w->path, &repo) < 0) {
                w->failed = w->n;
                return NULL;
        }
        for (int i = 0; i < w->n; i++) {
                uint64_t gen = 0;
                char *text = NULL, buf[32];
                if (repo_cfglock_acquire(&lk, repo, w->self, 100 + w->self, &tm) < 0) {
                        w->failed++;
                        continue;
                }
                long v = repo_staged_read(repo, &gen, &text) == 0 ? atol(text) : 0;
                free(text);
                usleep(2000); /* widen the window a lost update would need */
                snprintf(buf, sizeof(buf), "%ld", v + 1);
                if (repo_cfglock_keep(&lk, repo) < 0 ||
                    repo_staged_write(repo, 1, buf, strlen(buf)) < 0)
                        w->failed++;
                repo_cfglock_release(&lk, repo);
        }
        repo_close(repo);
        return NULL;
}

static void test_cfglock_no_lost_update(void **state)
{
        fx_t *f = *state;
        cl_worker_t w[2] = {{f->path, 1, 12, 0}, {f->path, 2, 12, 0}};
        pthread_t th[2];
        uint64_t gen;
        char *text;

        for (int i = 0; i < 2; i++)
                assert_int_equal(pthread_create(&th[i], NULL, cl_thread, &w[i]), 0);
        for (int i = 0; i < 2; i++)
                pthread_join(th[i], NULL);
        assert_int_equal(w[0].failed + w[1].failed, 0);
        assert_int_equal(repo_staged_read(f->repo, &gen, &text), 0);
        assert_int_equal(atol(text), 24);
        free(text);
}

/* The identity clmgr verify compares between nodes: random per format,
 * kept by a second format, added to a superblock that had none; blank
 * and foreign disks get a digest. */
static void test_ident(void **state)
{
        fx_t *f = *state;
        repo_ident_t a, b, c;
        uint8_t zero[32] = {0};
        char other[64];

        assert_int_equal(repo_ident_read(f->path, &a), -ENOENT);
        make_file(f->path, REPO_MIN_SIZE, 0);
        assert_int_equal(repo_ident_read(f->path, &a), 0);
        assert_int_equal(a.kind, REPO_DISK_BLANK);
        assert_int_equal(a.size, REPO_MIN_SIZE);
        assert_int_equal(repo_format(f->path), 0);
        assert_int_equal(repo_ident_read(f->path, &a), 0);
        assert_int_equal(a.kind, REPO_DISK_REPOSITORY);
        assert_int_equal(repo_format(f->path), 0); /* kept */
        assert_int_equal(repo_ident_read(f->path, &b), 0);
        assert_memory_equal(a.id, b.id, REPO_IDENT_LEN);
        /* another disk: another identity */
        snprintf(other, sizeof(other), "%s.b", f->path);
        unlink(other);
        assert_int_equal(repo_format(other), 0);
        assert_int_equal(repo_ident_read(other, &c), 0);
        assert_int_equal(c.kind, REPO_DISK_REPOSITORY);
        assert_memory_not_equal(a.id, c.id, REPO_IDENT_LEN);
        unlink(other);
        /* formatted before identities: a digest, until repo_format adds one */
        raw_write(f->path, 36, zero, sizeof(zero));
        assert_int_equal(repo_ident_read(f->path, &b), 0);
        assert_int_equal(b.kind, REPO_DISK_OLD);
        assert_int_equal(repo_open(f->path, &f->repo), 0);
        write_config(f->repo, 1, "kept");
        assert_int_equal(repo_format(f->path), 0);
        assert_int_equal(repo_ident_read(f->path, &b), 0);
        assert_int_equal(b.kind, REPO_DISK_REPOSITORY);
        assert_memory_not_equal(a.id, b.id, REPO_IDENT_LEN);
        expect_config(f->repo, 1, "kept");
        /* other data */
        raw_write(f->path, 0, "XFSB", 4);
        assert_int_equal(repo_ident_read(f->path, &b), 0);
        assert_int_equal(b.kind, REPO_DISK_FOREIGN);
        assert_string_equal(repo_disk_kind_str(b.kind), "not a repository (other data)");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            TP(test_format_open),
            TP(test_ident),
            TP(test_bigger_file),
            TP(test_unformatted),
            TP(test_small_refused),
            TP(test_format_wipes_stale),
            T(test_config_alternates),
            T(test_config_stale),
            T(test_config_sizes),
            T(test_config_torn),
            T(test_config_both_corrupt),
            T(test_staged),
            T(test_slot_roundtrip),
            T(test_slot_corrupt),
            T(test_two_handles),
            T(test_lease_roundtrip),
            T(test_lease_corrupt),
            T(test_lock),
            T(test_threads),
            T(test_cfglock_exclusion),
            T(test_cfglock_expiry),
            T(test_cfglock_no_lost_update),
            T(test_snap_roundtrip),
            T(test_snap_corrupt),
            cmocka_unit_test(test_snap_text),
            cmocka_unit_test(test_work_fifo),
            cmocka_unit_test(test_work_slow_queue),
            cmocka_unit_test(test_work_hung),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
