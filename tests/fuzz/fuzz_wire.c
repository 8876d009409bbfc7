/* fuzz_wire: libFuzzer target for the wire decoder. Each input is used three
 * ways: as a raw packet for wire_open; as a body sealed and opened again
 * (accept path, replay, bit flips, truncation); and as a script of seal and
 * deliver operations whose outcomes are checked against a simple model of
 * the replay rules. Any disagreement aborts.
 *
 * Seeds in tests/fuzz/corpus/wire/ include packets sealed with FUZZ_KEY
 * below (sender 1, cluster FUZZ_CLUSTER) so the raw path reaches the accept
 * branch too.
 *
 * Nonces come from a seeded PRNG reset per input (libsodium's randombytes
 * is replaced before sodium_init), so runs are reproducible and do not
 * spend their time in getrandom(). */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz_check.h"
#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_KEY     "hamr-fuzz-key-0123456789abcdef!" /* 31 chars + NUL = 32 bytes */
#define FUZZ_CLUSTER 0x48414d52u
#define SELF_ID      0
#define RAW_SENDERS  0x0fu /* 1..3 allowed, and self (refused anyway) */
#define ECHO_SENDER  4
#define OPS_SENDER   5
#define OPS_TX       3 /* incarnations 1..3 of OPS_SENDER */
#define OPS_MAX      512
#define SEALS_MAX    2048 /* per input, to keep executions fast */
#define POOL_MAX     512
#define POOL_PKT     (WIRE_OVERHEAD + 2)


static_assert(sizeof(FUZZ_KEY) == WIRE_KEY_LEN, "fuzz key is 32 bytes");

static uint64_t prng_state;

static uint64_t splitmix64(void)
{
        uint64_t z = (prng_state += UINT64_C(0x9e3779b97f4a7c15));

        z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
        return z ^ (z >> 31);
}

static const char *prng_name(void)
{
        return "fuzz-splitmix64";
}

static uint32_t prng_random(void)
{
        return (uint32_t)splitmix64();
}

static void prng_buf(void *buf, size_t size)
{
        uint8_t *p = buf;

        for (size_t i = 0; i < size; i++)
                p[i] = (uint8_t)splitmix64();
}

static struct randombytes_implementation prng_impl = {
    .implementation_name = prng_name,
    .random = prng_random,
    .buf = prng_buf,
};

static uint8_t bodybuf[WIRE_MAX_BODY];
/* Senders live across inputs (creating contexts costs system calls); the
 * outcome of an input does not depend on where their seq counters start. */
static wire_ctx_t *echo_tx;
static uint64_t echo_next_seq = 1;
static wire_ctx_t *ops_tx[OPS_TX];
static uint64_t ops_next_seq[OPS_TX];
static uint8_t pkt[WIRE_MAX_PACKET];

static wire_ctx_t *new_ctx(uint16_t self, uint64_t incarnation, uint64_t senders)
{
        wire_ctx_t *ctx = wire_ctx_new((const uint8_t *)FUZZ_KEY, FUZZ_CLUSTER, self, incarnation);

        CHECK(ctx);
        wire_ctx_set_senders(ctx, senders);
        return ctx;
}

static uint64_t total_events(const wire_ctx_t *ctx)
{
        uint64_t n = wire_ctx_accepted(ctx);

        for (int i = 0; i < WIRE_R_COUNT; i++)
                n += wire_ctx_rejects(ctx, (wire_reject_t)i);
        return n;
}

/* Opens p and checks the bookkeeping every call must keep: exactly one
 * counter moves, the returned reason matches it, accepted bodies are sane. */
static int open_checked(wire_ctx_t *rx, const uint8_t *p, size_t len, wire_msg_t *msg,
                        wire_reject_t *why)
{
        uint64_t before = total_events(rx);
        uint64_t acc = wire_ctx_accepted(rx);
        uint64_t rej;
        int r;

        *why = WIRE_R_COUNT;
        r = wire_open(rx, p, len, bodybuf, msg, why);
        CHECK(total_events(rx) == before + 1);
        if (r == 0) {
                CHECK(wire_ctx_accepted(rx) == acc + 1);
                CHECK(*why == WIRE_R_COUNT);
                CHECK(msg->body == bodybuf);
                CHECK(msg->body_len + WIRE_OVERHEAD == len);
                CHECK(msg->type >= 1 && msg->type < WIRE_T_MAX);
                CHECK(msg->sender != SELF_ID);
                CHECK(msg->cluster_id == FUZZ_CLUSTER);
        } else {
                CHECK(r == -EBADMSG);
                CHECK(*why < WIRE_R_COUNT);
                rej = wire_ctx_rejects(rx, *why);
                CHECK(rej >= 1);
                CHECK(wire_reject_str(*why) != NULL);
        }
        return r;
}

/* Part 2: seal the input as a body, open it, replay it, damage it. */
static void echo(wire_ctx_t *rx, const uint8_t *data, size_t size)
{
        size_t body_len = size < WIRE_MAX_BODY ? size : WIRE_MAX_BODY;
        wire_type_t type = (wire_type_t)(1 + (size ? data[0] : 0) % (WIRE_T_MAX - 1));
        wire_reject_t why;
        wire_msg_t msg;
        size_t len = 0, pos;

        CHECK(wire_seal(echo_tx, type, data, body_len, pkt, sizeof(pkt), &len) == 0);
        CHECK(len == WIRE_OVERHEAD + body_len);
        CHECK(open_checked(rx, pkt, len, &msg, &why) == 0);
        CHECK(msg.type == type && msg.sender == ECHO_SENDER && msg.incarnation == 7);
        CHECK(msg.seq == echo_next_seq++ && msg.body_len == body_len);
        CHECK(body_len == 0 || memcmp(msg.body, data, body_len) == 0);

        CHECK(open_checked(rx, pkt, len, &msg, &why) < 0 && why == WIRE_R_REPLAY);

        if (size >= 2) {
                pos = ((size_t)data[0] << 8 | data[1]) % len;
                pkt[pos] ^= (uint8_t)(1u << (data[size - 1] % 8));
                CHECK(open_checked(rx, pkt, len, &msg, &why) < 0);
                pkt[pos] ^= (uint8_t)(1u << (data[size - 1] % 8));
                CHECK(open_checked(rx, pkt, pos, &msg, &why) < 0);
        }
}

/* Part 3: the input as a script. Ops (one byte each):
 *   00xxxxxx  seal one packet from incarnation 1 + b % 3 into the pool
 *   01xxxxxx  seal 1 + (b & 63) packets from incarnation 1 + b % 3, pool
 *             only the last (leaves gaps, some wider than the window)
 *   1xxxxxxx  deliver the pool entry (b & 127) places from the newest */
typedef struct {
        uint64_t incarnation;
        uint64_t seq;
        bool accepted;
        uint8_t pkt[POOL_PKT];
} entry_t;

static entry_t pool[POOL_MAX];

typedef struct {
        bool seen;
        uint64_t incarnation;
        uint64_t highest;
} model_t;

/* The replay rules of wire.h, stated directly over the pool's flags. */
static wire_reject_t model_decide(model_t *m, const entry_t *e)
{
        if (m->seen && e->incarnation < m->incarnation)
                return WIRE_R_STALE;
        if (!m->seen || e->incarnation > m->incarnation) {
                *m = (model_t){.seen = true, .incarnation = e->incarnation, .highest = e->seq};
                return WIRE_R_COUNT;
        }
        if (e->seq > m->highest) {
                m->highest = e->seq;
                return WIRE_R_COUNT;
        }
        if (m->highest - e->seq >= WIRE_REPLAY_WINDOW || e->accepted)
                return WIRE_R_REPLAY;
        return WIRE_R_COUNT;
}

static void script(wire_ctx_t *rx, const uint8_t *data, size_t size)
{
        model_t model = {.seen = false};
        size_t n = 0, seals = 0;

        if (size > OPS_MAX)
                size = OPS_MAX;
        for (size_t i = 0; i < size; i++) {
                uint8_t b = data[i];

                if (b & 0x80) {
                        entry_t *e;
                        wire_reject_t want, got;
                        wire_msg_t msg;
                        int r;

                        if (n == 0)
                                continue;
                        e = &pool[n - 1 - (b & 127) % n];
                        want = model_decide(&model, e);
                        r = open_checked(rx, e->pkt, POOL_PKT, &msg, &got);
                        if (want == WIRE_R_COUNT) {
                                CHECK(r == 0);
                                CHECK(msg.incarnation == e->incarnation && msg.seq == e->seq);
                                CHECK(msg.body_len == 2);
                                CHECK(((size_t)msg.body[0] << 8 | msg.body[1]) ==
                                      (size_t)(e - pool));
                                e->accepted = true;
                        } else {
                                CHECK(r < 0 && got == want);
                        }
                } else {
                        int t = b % OPS_TX;
                        int count = (b & 0x40) ? 1 + (b & 63) : 1;
                        uint8_t body[2] = {(uint8_t)(n >> 8), (uint8_t)n};
                        size_t len = 0;

                        if (n == POOL_MAX || seals + (size_t)count > SEALS_MAX)
                                continue;
                        seals += (size_t)count;
                        for (int k = 0; k < count; k++) {
                                CHECK(wire_seal(ops_tx[t], WIRE_T_HEARTBEAT, body, sizeof(body),
                                                pool[n].pkt, POOL_PKT, &len) == 0);
                                CHECK(len == POOL_PKT);
                                ops_next_seq[t]++;
                        }
                        pool[n].incarnation = (uint64_t)t + 1;
                        pool[n].seq = ops_next_seq[t] - 1;
                        pool[n].accepted = false;
                        n++;
                }
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static bool initialised;
        wire_ctx_t *rx;
        wire_reject_t why;
        wire_msg_t msg;

        if (!initialised) {
                CHECK(randombytes_set_implementation(&prng_impl) == 0);
                echo_tx = new_ctx(ECHO_SENDER, 7, 0);
                for (int i = 0; i < OPS_TX; i++) {
                        ops_tx[i] = new_ctx(OPS_SENDER, (uint64_t)i + 1, 0);
                        ops_next_seq[i] = 1;
                }
                initialised = true;
        }
        prng_state = 0;
        /* One receiver per input: raw packets may only come from senders
         * 1..3 (the seeds' senders), echo and script use their own ids, so
         * the three parts never share replay state. */
        rx = new_ctx(SELF_ID, 1, RAW_SENDERS | 1u << ECHO_SENDER | 1u << OPS_SENDER);

        /* Part 1: the raw bytes, twice (the second time is a replay if the
         * first was accepted). */
        if (open_checked(rx, data, size, &msg, &why) == 0) {
                CHECK(msg.sender >= 1 && msg.sender <= 3);
                CHECK(open_checked(rx, data, size, &msg, &why) < 0 && why == WIRE_R_REPLAY);
        }
        echo(rx, data, size);
        script(rx, data, size);
        wire_ctx_free(rx);
        return 0;
}
