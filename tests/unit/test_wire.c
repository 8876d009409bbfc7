/* test_wire: unit tests for src/wire (sealing, every rejection reason with
 * its counter, replay window, key files). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "wire/wire.h"

#define CLUSTER 0xc1u
#define RX_ID   0
#define TX_ID   1

static const uint8_t key_a[WIRE_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
static const uint8_t key_b[WIRE_KEY_LEN] = {9, 9, 9};

typedef struct {
        wire_ctx_t *rx; /* node 0, accepts nodes 1 and 2 */
        wire_ctx_t *tx; /* node 1, incarnation 5 */
        uint8_t pkt[WIRE_MAX_PACKET + 64];
        size_t len;
        uint8_t body[WIRE_MAX_BODY];
        wire_msg_t msg;
        uint64_t before[WIRE_R_COUNT];
        uint64_t before_acc;
} fx_t;

static int setup(void **state)
{
        fx_t *f = calloc(1, sizeof(*f));

        assert_non_null(f);
        f->rx = wire_ctx_new(key_a, CLUSTER, RX_ID, 1);
        f->tx = wire_ctx_new(key_a, CLUSTER, TX_ID, 5);
        assert_non_null(f->rx);
        assert_non_null(f->tx);
        wire_ctx_set_senders(f->rx, (1u << 1) | (1u << 2) | (1u << RX_ID));
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        fx_t *f = *state;

        wire_ctx_free(f->rx);
        wire_ctx_free(f->tx);
        free(f);
        return 0;
}

static void seal(fx_t *f, wire_ctx_t *tx, const char *text)
{
        assert_int_equal(
            wire_seal(tx, WIRE_T_HEARTBEAT, text, strlen(text), f->pkt, sizeof(f->pkt), &f->len),
            0);
        assert_int_equal(f->len, WIRE_OVERHEAD + strlen(text));
}

static void snapshot(fx_t *f)
{
        for (int i = 0; i < WIRE_R_COUNT; i++)
                f->before[i] = wire_ctx_rejects(f->rx, (wire_reject_t)i);
        f->before_acc = wire_ctx_accepted(f->rx);
}

/* Open pkt[0..len) and check that exactly one counter moved: reason's, or
 * the accepted counter when reason is WIRE_R_COUNT. */
static void open_expect(fx_t *f, const uint8_t *pkt, size_t len, wire_reject_t reason)
{
        wire_reject_t got = WIRE_R_COUNT;
        int r;

        snapshot(f);
        r = wire_open(f->rx, pkt, len, f->body, &f->msg, &got);
        if (reason == WIRE_R_COUNT) {
                assert_int_equal(r, 0);
                assert_int_equal(wire_ctx_accepted(f->rx), f->before_acc + 1);
        } else {
                assert_int_equal(r, -EBADMSG);
                if (got != reason)
                        fail_msg("rejected as %s, wanted %s", wire_reject_str(got),
                                 wire_reject_str(reason));
                assert_int_equal(wire_ctx_accepted(f->rx), f->before_acc);
        }
        for (int i = 0; i < WIRE_R_COUNT; i++) {
                uint64_t want = f->before[i] + (i == (int)reason ? 1 : 0);
                if (wire_ctx_rejects(f->rx, (wire_reject_t)i) != want)
                        fail_msg("counter %s moved unexpectedly", wire_reject_str(i));
        }
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
        for (int i = 0; i < n; i++)
                p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static void test_good(void **state)
{
        fx_t *f = *state;

        seal(f, f->tx, "hello");
        open_expect(f, f->pkt, f->len, WIRE_R_COUNT);
        assert_int_equal(f->msg.type, WIRE_T_HEARTBEAT);
        assert_int_equal(f->msg.sender, TX_ID);
        assert_int_equal(f->msg.cluster_id, CLUSTER);
        assert_int_equal(f->msg.incarnation, 5);
        assert_int_equal(f->msg.seq, 1);
        assert_int_equal(f->msg.body_len, 5);
        assert_ptr_equal(f->msg.body, f->body);
        assert_memory_equal(f->msg.body, "hello", 5);

        assert_int_equal(wire_seal(f->tx, WIRE_T_REPLY, NULL, 0, f->pkt, sizeof(f->pkt), &f->len),
                         0);
        assert_int_equal(f->len, WIRE_OVERHEAD);
        open_expect(f, f->pkt, f->len, WIRE_R_COUNT);
        assert_int_equal(f->msg.type, WIRE_T_REPLY);
        assert_int_equal(f->msg.seq, 2);
        assert_int_equal(f->msg.body_len, 0);
}

static void test_max_body(void **state)
{
        fx_t *f = *state;
        static uint8_t big[WIRE_MAX_BODY];

        memset(big, 0xab, sizeof(big));
        assert_int_equal(
            wire_seal(f->tx, WIRE_T_VIEW, big, sizeof(big), f->pkt, sizeof(f->pkt), &f->len), 0);
        assert_int_equal(f->len, WIRE_MAX_PACKET);
        open_expect(f, f->pkt, f->len, WIRE_R_COUNT);
        assert_memory_equal(f->msg.body, big, sizeof(big));
}

static void test_seal_errors(void **state)
{
        fx_t *f = *state;
        static uint8_t big[WIRE_MAX_BODY + 1];

        assert_int_equal(
            wire_seal(f->tx, WIRE_T_VIEW, big, sizeof(big), f->pkt, sizeof(f->pkt), &f->len),
            -EMSGSIZE);
        assert_int_equal(
            wire_seal(f->tx, WIRE_T_VIEW, "abc", 3, f->pkt, WIRE_OVERHEAD + 2, &f->len), -EMSGSIZE);
        assert_int_equal(
            wire_seal(f->tx, (wire_type_t)0, "abc", 3, f->pkt, sizeof(f->pkt), &f->len), -EINVAL);
        /* Failed seals do not use up sequence numbers. */
        seal(f, f->tx, "x");
        open_expect(f, f->pkt, f->len, WIRE_R_COUNT);
        assert_int_equal(f->msg.seq, 1);
}

static void test_wrong_key(void **state)
{
        fx_t *f = *state;
        wire_ctx_t *other = wire_ctx_new(key_b, CLUSTER, TX_ID, 5);

        seal(f, other, "hello");
        open_expect(f, f->pkt, f->len, WIRE_R_AUTH);
        wire_ctx_free(other);
}

static void test_wrong_cluster(void **state)
{
        fx_t *f = *state;

        wire_ctx_set_cluster_id(f->tx, CLUSTER + 1);
        seal(f, f->tx, "hello");
        open_expect(f, f->pkt, f->len, WIRE_R_CLUSTER);
        wire_ctx_set_cluster_id(f->rx, CLUSTER + 1);
        open_expect(f, f->pkt, f->len, WIRE_R_COUNT);
}

static void test_short_truncated(void **state)
{
        fx_t *f = *state;

        seal(f, f->tx, "hello");
        open_expect(f, f->pkt, f->len - 1, WIRE_R_TRUNCATED);
        open_expect(f, f->pkt, WIRE_OVERHEAD - 1, WIRE_R_SHORT);
        open_expect(f, f->pkt, 0, WIRE_R_SHORT);
        /* Longer than body_len says, too. */
        open_expect(f, f->pkt, f->len + 1, WIRE_R_TRUNCATED);
        /* The untouched packet is still good: rejections kept no state. */
        open_expect(f, f->pkt, f->len, WIRE_R_COUNT);
}

static void test_oversize(void **state)
{
        fx_t *f = *state;

        seal(f, f->tx, "hello");
        put_be(f->pkt + 28, WIRE_MAX_BODY + 1, 4);
        open_expect(f, f->pkt, f->len, WIRE_R_OVERSIZE);
        put_be(f->pkt + 28, UINT32_MAX, 4);
        open_expect(f, f->pkt, f->len, WIRE_R_OVERSIZE);
        /* A packet longer than the maximum is refused before its header is read. */
        memset(f->pkt, 0, sizeof(f->pkt));
        open_expect(f, f->pkt, WIRE_MAX_PACKET + 1, WIRE_R_OVERSIZE);
}

static void test_replay(void **state)
{
        fx_t *f = *state;

        seal(f, f->tx, "hello");
        open_expect(f, f->pkt, f->len, WIRE_R_COUNT);
        open_expect(f, f->pkt, f->len, WIRE_R_REPLAY);
        open_expect(f, f->pkt, f->len, WIRE_R_REPLAY);
}

static void test_incarnations(void **state)
{
        fx_t *f = *state;
        wire_ctx_t *old = wire_ctx_new(key_a, CLUSTER, TX_ID, 4);
        wire_ctx_t *newer = wire_ctx_new(key_a, CLUSTER, TX_ID, 6);
        uint8_t old_pkt[WIRE_MAX_PACKET];
        size_t old_len;

        /* Packet from incarnation 4 sealed before, delivered after 5. */
        seal(f, old, "old");
        memcpy(old_pkt, f->pkt, f->len);
        old_len = f->len;

        seal(f, f->tx, "five");
        open_expect(f, f->pkt, f->len, WIRE_R_COUNT);
        open_expect(f, old_pkt, old_len, WIRE_R_STALE);

        /* Restart: incarnation 6 begins again at seq 1 and is accepted. */
        seal(f, newer, "six");
        open_expect(f, f->pkt, f->len, WIRE_R_COUNT);
        assert_int_equal(f->msg.incarnation, 6);
        assert_int_equal(f->msg.seq, 1);
        /* Now incarnation 5 is stale, even with a new sequence number. */
        seal(f, f->tx, "five again");
        open_expect(f, f->pkt, f->len, WIRE_R_STALE);
        seal(f, newer, "six again");
        open_expect(f, f->pkt, f->len, WIRE_R_COUNT);
        assert_int_equal(f->msg.seq, 2);

        wire_ctx_free(old);
        wire_ctx_free(newer);
}

static void test_incarnation_resets_window(void **state)
{
        fx_t *f = *state;
        wire_ctx_t *newer = wire_ctx_new(key_a, CLUSTER, TX_ID, 6);
        uint8_t p[4][WIRE_OVERHEAD + 8];
        size_t lens[4];

        /* Incarnation 5 uses seqs 1..3. */
        for (int i = 1; i <= 3; i++) {
                seal(f, f->tx, "old");
                open_expect(f, f->pkt, f->len, WIRE_R_COUNT);
        }
        /* Incarnation 6: seqs 1..3 arrive as 3, 1, 2; none is a replay. */
        for (int i = 1; i <= 3; i++) {
                seal(f, newer, "new");
                memcpy(p[i], f->pkt, f->len);
                lens[i] = f->len;
        }
        open_expect(f, p[3], lens[3], WIRE_R_COUNT);
        open_expect(f, p[1], lens[1], WIRE_R_COUNT);
        open_expect(f, p[2], lens[2], WIRE_R_COUNT);
        open_expect(f, p[2], lens[2], WIRE_R_REPLAY);
        wire_ctx_free(newer);
}

static void test_window(void **state)
{
        fx_t *f = *state;
        enum { N = 150 };
        static uint8_t pkts[N + 1][WIRE_OVERHEAD + 8];
        size_t lens[N + 1];

        for (int i = 1; i <= N; i++) {
                char text[8];
                snprintf(text, sizeof(text), "%d", i);
                seal(f, f->tx, text);
                memcpy(pkts[i], f->pkt, f->len);
                lens[i] = f->len;
        }
        /* seq 5 first, then 3 and 1 out of order: accepted once each. */
        open_expect(f, pkts[5], lens[5], WIRE_R_COUNT);
        open_expect(f, pkts[3], lens[3], WIRE_R_COUNT);
        open_expect(f, pkts[3], lens[3], WIRE_R_REPLAY);
        open_expect(f, pkts[1], lens[1], WIRE_R_COUNT);
        open_expect(f, pkts[5], lens[5], WIRE_R_REPLAY);
        open_expect(f, pkts[4], lens[4], WIRE_R_COUNT);

        /* Highest 68: seq 5 is 63 behind (the window's edge), 4 is 64 behind. */
        open_expect(f, pkts[68], lens[68], WIRE_R_COUNT);
        open_expect(f, pkts[2], lens[2], WIRE_R_REPLAY);
        open_expect(f, pkts[4], lens[4], WIRE_R_REPLAY);
        open_expect(f, pkts[6], lens[6], WIRE_R_COUNT);
        open_expect(f, pkts[6], lens[6], WIRE_R_REPLAY);
        open_expect(f, pkts[5], lens[5], WIRE_R_REPLAY);
        open_expect(f, pkts[67], lens[67], WIRE_R_COUNT);

        /* A jump larger than the window forgets everything behind it. */
        open_expect(f, pkts[140], lens[140], WIRE_R_COUNT);
        open_expect(f, pkts[77], lens[77], WIRE_R_COUNT);
        open_expect(f, pkts[76], lens[76], WIRE_R_REPLAY);
        open_expect(f, pkts[139], lens[139], WIRE_R_COUNT);
        open_expect(f, pkts[68], lens[68], WIRE_R_REPLAY);
        open_expect(f, pkts[150], lens[150], WIRE_R_COUNT);
        open_expect(f, pkts[140], lens[140], WIRE_R_REPLAY);
        open_expect(f, pkts[141], lens[141], WIRE_R_COUNT);
}

static void test_sender(void **state)
{
        fx_t *f = *state;
        wire_ctx_t *stranger = wire_ctx_new(key_a, CLUSTER, 7, 1);
        wire_ctx_t *self = wire_ctx_new(key_a, CLUSTER, RX_ID, 1);
        wire_ctx_t *node2 = wire_ctx_new(key_a, CLUSTER, 2, 1);

        seal(f, stranger, "who");
        open_expect(f, f->pkt, f->len, WIRE_R_SENDER);
        /* Self is in the mask here, and is still refused. */
        seal(f, self, "me");
        open_expect(f, f->pkt, f->len, WIRE_R_SENDER);
        seal(f, node2, "two");
        open_expect(f, f->pkt, f->len, WIRE_R_COUNT);
        /* Ids beyond the mask width. */
        put_be(f->pkt + 6, WIRE_MAX_SENDERS, 2);
        open_expect(f, f->pkt, f->len, WIRE_R_SENDER);
        put_be(f->pkt + 6, UINT16_MAX, 2);
        open_expect(f, f->pkt, f->len, WIRE_R_SENDER);
        /* Default mask: nobody. */
        wire_ctx_set_senders(f->rx, 0);
        seal(f, node2, "two");
        open_expect(f, f->pkt, f->len, WIRE_R_SENDER);

        wire_ctx_free(stranger);
        wire_ctx_free(self);
        wire_ctx_free(node2);
}

static void test_header_fields(void **state)
{
        fx_t *f = *state;
        uint8_t good[WIRE_MAX_PACKET];
        size_t len;

        seal(f, f->tx, "hello");
        memcpy(good, f->pkt, f->len);
        len = f->len;

        f->pkt[0] ^= 0x01;
        open_expect(f, f->pkt, len, WIRE_R_MAGIC);
        memcpy(f->pkt, good, len);
        f->pkt[4] = WIRE_VERSION + 1;
        open_expect(f, f->pkt, len, WIRE_R_VERSION);
        memcpy(f->pkt, good, len);
        f->pkt[5] = 0;
        open_expect(f, f->pkt, len, WIRE_R_TYPE);
        f->pkt[5] = WIRE_T_MAX;
        open_expect(f, f->pkt, len, WIRE_R_TYPE);
        f->pkt[5] = 0xff;
        open_expect(f, f->pkt, len, WIRE_R_TYPE);
        /* Another valid type is still caught: the header is authenticated. */
        f->pkt[5] = WIRE_T_COMMAND;
        open_expect(f, f->pkt, len, WIRE_R_AUTH);
        /* Magic is checked before version, version before type. */
        memcpy(f->pkt, good, len);
        f->pkt[0] = 0;
        f->pkt[4] = 0;
        f->pkt[5] = 0;
        open_expect(f, f->pkt, len, WIRE_R_MAGIC);

        open_expect(f, good, len, WIRE_R_COUNT);
}

static void test_tamper(void **state)
{
        fx_t *f = *state;
        uint8_t good[WIRE_MAX_PACKET];
        size_t len;

        seal(f, f->tx, "hello world");
        memcpy(good, f->pkt, f->len);
        len = f->len;

        /* Every single-bit flip after the checked header fields is caught. */
        for (size_t i = 12; i < len; i++) {
                if (i >= 28 && i < 32)
                        continue; /* body_len: caught as truncated */
                memcpy(f->pkt, good, len);
                f->pkt[i] ^= 0x10;
                open_expect(f, f->pkt, len, WIRE_R_AUTH);
        }
        memcpy(f->pkt, good, len);
        f->pkt[30] ^= 0x01;
        open_expect(f, f->pkt, len, WIRE_R_TRUNCATED);
        open_expect(f, good, len, WIRE_R_COUNT);
}

static void test_replay_state_after_auth(void **state)
{
        fx_t *f = *state;
        uint8_t forged[WIRE_MAX_PACKET];

        /* A forged packet claiming seq 1000 / incarnation 99 must not move
         * the window: the genuine seq 1 / incarnation 5 still gets in. */
        seal(f, f->tx, "genuine");
        memcpy(forged, f->pkt, f->len);
        put_be(forged + 20, 1000, 8);
        open_expect(f, forged, f->len, WIRE_R_AUTH);
        put_be(forged + 20, 1, 8);
        put_be(forged + 12, 99, 8);
        open_expect(f, forged, f->len, WIRE_R_AUTH);
        open_expect(f, f->pkt, f->len, WIRE_R_COUNT);
        assert_int_equal(f->msg.seq, 1);
}

static void test_reject_str(void **state)
{
        static const char *const want[WIRE_R_COUNT] = {
            "short",    "magic",     "version", "type",   "cluster", "sender",
            "oversize", "truncated", "auth",    "replay", "stale",
        };

        (void)state;
        for (int i = 0; i < WIRE_R_COUNT; i++)
                assert_string_equal(wire_reject_str((wire_reject_t)i), want[i]);
        assert_string_equal(wire_reject_str(WIRE_R_COUNT), "unknown");
        assert_string_equal(wire_reject_str((wire_reject_t)-1), "unknown");
}

static void test_ctx_free_null(void **state)
{
        (void)state;
        wire_ctx_free(NULL);
}

/* Key files */

static void write_file(const char *path, const void *data, size_t n, mode_t mode)
{
        int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, mode);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, data, n), (ssize_t)n);
        assert_int_equal(fchmod(fd, mode), 0);
        close(fd);
}

static void test_key_files(void **state)
{
        char dir[] = "/tmp/hamr-test-wire-XXXXXX";
        char path[256], path2[256], tmp[256];
        uint8_t k1[WIRE_KEY_LEN], k2[WIRE_KEY_LEN], zero[WIRE_KEY_LEN] = {0};
        struct stat st;

        (void)state;
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/key", dir);
        snprintf(path2, sizeof(path2), "%s/key2", dir);
        snprintf(tmp, sizeof(tmp), "%s/key.tmp", dir);

        assert_int_equal(wire_key_load(path, k1), -ENOENT);
        assert_int_equal(wire_key_generate(path), 0);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        assert_int_equal(st.st_size, WIRE_KEY_LEN);
        assert_int_equal(access(tmp, F_OK), -1);

        memset(k1, 0, sizeof(k1));
        assert_int_equal(wire_key_load(path, k1), 0);
        assert_memory_not_equal(k1, zero, WIRE_KEY_LEN);

        /* Existing key is never replaced. */
        assert_int_equal(wire_key_generate(path), -EEXIST);
        assert_int_equal(wire_key_load(path, k2), 0);
        assert_memory_equal(k1, k2, WIRE_KEY_LEN);

        /* A second key differs. */
        assert_int_equal(wire_key_generate(path2), 0);
        assert_int_equal(wire_key_load(path2, k2), 0);
        assert_memory_not_equal(k1, k2, WIRE_KEY_LEN);

        /* Group- or other-accessible keys are refused, output untouched. */
        memset(k2, 0x5a, sizeof(k2));
        assert_int_equal(chmod(path, 0640), 0);
        assert_int_equal(wire_key_load(path, k2), -EPERM);
        assert_int_equal(chmod(path, 0604), 0);
        assert_int_equal(wire_key_load(path, k2), -EPERM);
        assert_int_equal(chmod(path, 0610), 0);
        assert_int_equal(wire_key_load(path, k2), -EPERM);
        assert_int_equal(chmod(path, 0400), 0);
        assert_int_equal(wire_key_load(path, k2), 0);
        assert_memory_equal(k1, k2, WIRE_KEY_LEN);

        /* Wrong sizes. */
        write_file(path2, k1, WIRE_KEY_LEN - 1, 0600);
        assert_int_equal(wire_key_load(path2, k2), -EINVAL);
        write_file(path2, k1, 0, 0600);
        assert_int_equal(wire_key_load(path2, k2), -EINVAL);
        {
                uint8_t longer[WIRE_KEY_LEN + 1] = {0};
                write_file(path2, longer, sizeof(longer), 0600);
                assert_int_equal(wire_key_load(path2, k2), -EINVAL);
        }
        /* Not a regular file. */
        assert_int_equal(chmod(dir, 0700), 0);
        assert_int_equal(wire_key_load(dir, k2), -EINVAL);

        /* A leftover temp file blocks generation rather than being reused. */
        write_file(tmp, zero, 1, 0600);
        unlink(path);
        assert_int_equal(wire_key_generate(path), -EEXIST);
        assert_int_equal(access(path, F_OK), -1);
        unlink(tmp);
        assert_int_equal(wire_key_generate(path), 0);

        /* A key from the file works for sealing and opening. */
        {
                uint8_t k[WIRE_KEY_LEN], pkt[WIRE_OVERHEAD + 4], body[WIRE_MAX_BODY];
                wire_ctx_t *a, *b;
                wire_msg_t m;
                size_t len;

                assert_int_equal(wire_key_load(path, k), 0);
                a = wire_ctx_new(k, 1, 1, 1);
                b = wire_ctx_new(k, 1, 2, 1);
                wire_ctx_set_senders(b, 1u << 1);
                assert_int_equal(wire_seal(a, WIRE_T_COMMAND, "ping", 4, pkt, sizeof(pkt), &len),
                                 0);
                assert_int_equal(wire_open(b, pkt, len, body, &m, NULL), 0);
                assert_memory_equal(m.body, "ping", 4);
                wire_ctx_free(a);
                wire_ctx_free(b);
        }

        unlink(path);
        unlink(path2);
        assert_int_equal(rmdir(dir), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
        const struct CMUnitTest tests[] = {
            T(test_good),
            T(test_max_body),
            T(test_seal_errors),
            T(test_wrong_key),
            T(test_wrong_cluster),
            T(test_short_truncated),
            T(test_oversize),
            T(test_replay),
            T(test_incarnations),
            T(test_incarnation_resets_window),
            T(test_window),
            T(test_sender),
            T(test_header_fields),
            T(test_tamper),
            T(test_replay_state_after_auth),
            cmocka_unit_test(test_reject_str),
            cmocka_unit_test(test_ctx_free_null),
            cmocka_unit_test(test_key_files),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
