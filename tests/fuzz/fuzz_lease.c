/* fuzz_lease: the tie-breaker lease block decoder (repo_lease_decode) and
 * the lease state machine (src/lease) fed with what it decodes.
 *
 * Part 1: the input as a raw lease block: refused, or a record that encodes
 * and decodes to itself.
 * Part 2: the input as a script of rounds on a simulated lease block (one
 * node, id SELF; other writers are the script). Each round is one op byte
 *   bit 0     want the lease          bit 1  observe when not wanted
 *   bits 2-3  what the round reads:   0 the block, 1 a failed read,
 *             2 the block with one bit flipped, 3 first overwrite the block
 *             with a record from the next 11 bytes (u16 owner selector,
 *             u8 incarnation, u64 counter) as another writer would
 *   bits 4-5  the write, if asked:    0 lands and succeeds, 1 fails and
 *             does not land, 2 lands but reports failure, 3 lands late
 *             (slower than S/2)
 *   bits 6-7  time step scale; the next byte is the step
 * Checked after every round: writes carry our id and incarnation or are
 * releases; a release only when not wanted; our counters never repeat;
 * held never reaches more than T past now; a round whose read shows a record
 * not ours (or an invalid one) ends with the lease not held. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz_check.h"
#include "common/hamr_buf.h"
#include "lease/lease.h"
#include "repo/repo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


#define SELF     3
#define SELF_INC 5
#define T_USEC   1000000
#define S_USEC   100000
#define MAX_OPS  512

static void raw(const uint8_t *data, size_t size)
{
        uint8_t *blk = malloc(size ? size : 1), enc[REPO_SLOT_SIZE];
        repo_lease_rec_t rec, rec2;
        int r;

        CHECK(blk);
        if (size)
                memcpy(blk, data, size);
        r = repo_lease_decode(blk, size, &rec);
        if (r == 0) {
                CHECK(rec.owner < REPO_MAX_SLOTS || rec.owner == REPO_LEASE_NONE);
                CHECK(rec.counter < REPO_LEASE_COUNTER_LIMIT);
                CHECK(repo_lease_encode(enc, sizeof(enc), &rec) == 0);
                CHECK(repo_lease_decode(enc, sizeof(enc), &rec2) == 0);
                CHECK(rec2.owner == rec.owner && rec2.incarnation == rec.incarnation &&
                      rec2.counter == rec.counter);
        } else {
                CHECK(r == -ENOENT || r == -EBADMSG);
        }
        free(blk);
}

static lease_read_result_t decode(const uint8_t *blk, lease_rec_t *ret)
{
        repo_lease_rec_t rec;
        int r = repo_lease_decode(blk, REPO_SLOT_SIZE, &rec);

        if (r == -ENOENT)
                return LEASE_READ_EMPTY;
        if (r < 0)
                return LEASE_READ_INVALID;
        *ret = (lease_rec_t){rec.owner, rec.incarnation, rec.counter};
        return LEASE_READ_OK;
}

static void script(const uint8_t *data, size_t size)
{
        static uint8_t disk[REPO_SLOT_SIZE], flipped[REPO_SLOT_SIZE];
        static uint64_t written[MAX_OPS];
        const lease_timing_t tm = {.expire = T_USEC, .settle = S_USEC};
        size_t nwritten = 0, nops = 0;
        usec_t now = 1000000;
        lease_t l;
        bufr_t r;

        memset(disk, 0, sizeof(disk));
        lease_init(&l, SELF, SELF_INC);
        bufr_init(&r, data, size);
        while (!r.error && r.pos < r.len && nops++ < MAX_OPS) {
                uint8_t op = bufr_u8(&r);
                bool want = op & 1, observe = op & 2, write;
                unsigned rd_kind = (op >> 2) & 3, wr_kind = (op >> 4) & 3;
                lease_read_t rd = {.result = LEASE_READ_FAILED, .start = now};
                lease_rec_t w;
                usec_t step = (usec_t)bufr_u8(&r) * (usec_t[]){1000, 10000, 50000, 500000}[op >> 6];

                if (rd_kind == 3) {
                        uint16_t sel = bufr_u16(&r);
                        repo_lease_rec_t rec = {
                            .owner = sel % 4 == 0   ? SELF
                                     : sel % 4 == 1 ? REPO_LEASE_NONE
                                                    : (uint16_t)(sel % REPO_MAX_SLOTS),
                            .incarnation = bufr_u8(&r),
                            .counter = bufr_u64(&r),
                        };
                        if (sel & 0x8000)
                                rec.incarnation = SELF_INC;
                        CHECK(repo_lease_encode(disk, sizeof(disk), &rec) == 0);
                }
                if (r.error)
                        break;
                lease_set_observe(&l, observe);
                if (rd_kind == 0 || rd_kind == 3) {
                        rd.result = decode(disk, &rd.rec);
                        CHECK(rd.result != LEASE_READ_OK ||
                              rd.rec.counter < REPO_LEASE_COUNTER_LIMIT);
                } else if (rd_kind == 2) {
                        size_t bit = (size_t)(step + r.pos) % (40 * 8);

                        memcpy(flipped, disk, sizeof(flipped));
                        flipped[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                        rd.result = decode(flipped, &rd.rec);
                        CHECK(rd.result != LEASE_READ_OK);
                }
                now += 1000; /* the read takes 1 ms */
                write = lease_round(&l, want, want || observe ? &rd : NULL, now, &tm, &w);
                if (rd.result == LEASE_READ_INVALID ||
                    (rd.result == LEASE_READ_OK &&
                     (rd.rec.owner != SELF || rd.rec.incarnation != SELF_INC)))
                        CHECK(!lease_held(&l, now, NULL) || !want || rd_kind == 1);
                if (write) {
                        repo_lease_rec_t out = {w.owner, w.incarnation, w.counter};
                        usec_t start = now, end = now + (wr_kind == 3 ? S_USEC : 1000);

                        CHECK((w.owner == SELF && w.incarnation == SELF_INC && want) ||
                              (w.owner == LEASE_OWNER_NONE && !want));
                        for (size_t i = 0; i < nwritten; i++)
                                CHECK(written[i] != w.counter);
                        written[nwritten++] = w.counter;
                        if (wr_kind != 1)
                                CHECK(repo_lease_encode(disk, sizeof(disk), &out) == 0);
                        now = end;
                        lease_write_done(&l, wr_kind == 0 || wr_kind == 3, start, end);
                }
                {
                        usec_t until = 0;
                        if (lease_held(&l, now, &until))
                                CHECK(until > now && until - now <= T_USEC);
                }
                now += step;
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (sodium_init() < 0)
                abort();
        raw(data, size);
        script(data, size);
        return 0;
}
