/* fuzz_slot: a repository node slot (header, checksum, body) and the body
 * framing hamrd reads from it (repo_slot_parts: status, view, report,
 * control, each with a u16 length; see on_disk in src/daemon/daemon_loop.c),
 * each part decoded the same way.
 *
 * data[0] picks the node id the slot is read for (data[0] % REPO_MAX_SLOTS)
 * and the bit to flip in part 2; the rest is used two ways:
 *  1. as a raw slot block: repo_slot_decode must refuse it or return a slot
 *     that encodes and decodes to itself; its body is then framed;
 *  2. as a body: sealed by repo_slot_encode, it must decode to the same
 *     fields, fail once any covered bit is flipped, and is then framed.
 * Whatever the memb and cstate decoders accept must re-encode and decode to
 * the same value. Any disagreement aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz_check.h"
#include "common/hamr_buf.h"
#include "cstate/cstate_msg.h"
#include "memb/memb_msg.h"
#include "repo/repo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SLOT_OFF_BODY 52u /* header length (repo_layout.h, private to src/repo) */


static memb_status_t st, st2;
static memb_view_t view, view2;
static uint8_t enc[65536];

/* Copies len bytes at p into an exact-size heap buffer so that ASan sees any
 * read past the part the framing handed over. */
static uint8_t *exact(const uint8_t *p, size_t len)
{
        uint8_t *q = malloc(len ? len : 1);

        CHECK(q);
        if (len)
                memcpy(q, p, len);
        return q;
}

static void status_part(const uint8_t *p, size_t len)
{
        uint8_t *q = exact(p, len);
        int n;

        if (memb_status_decode(q, len, &st) == 0) {
                n = memb_status_encode(&st, enc, sizeof(enc));
                CHECK(n > 0);
                CHECK(memb_status_decode(enc, (size_t)n, &st2) == 0);
                CHECK(memcmp(&st, &st2, sizeof(st)) == 0);
        }
        free(q);
}

static void view_part(const uint8_t *p, size_t len)
{
        uint8_t *q = exact(p, len);
        int n;

        if (memb_view_decode(q, len, &view) == 0) {
                n = memb_view_encode(&view, enc, sizeof(enc));
                CHECK(n > 0);
                CHECK(memb_view_decode(enc, (size_t)n, &view2) == 0);
                CHECK(memcmp(&view, &view2, sizeof(view)) == 0);
        }
        free(q);
}

static void report_part(const uint8_t *p, size_t len)
{
        uint8_t *q = exact(p, len);
        static uint8_t enc2[65536];
        cstate_report_t a = {0}, b = {0};
        int n, n2;

        if (cstate_report_decode(q, len, &a) == 0) {
                /* what decodes re-encodes, decodes again and encodes the same */
                n = cstate_report_encode(&a, CSTATE_REASON_LEN, enc, sizeof(enc));
                CHECK(n > 0);
                CHECK(cstate_report_decode(enc, (size_t)n, &b) == 0);
                n2 = cstate_report_encode(&b, CSTATE_REASON_LEN, enc2, sizeof(enc2));
                CHECK(n2 == n && memcmp(enc, enc2, (size_t)n) == 0);
                CHECK(b.report_seq == a.report_seq && b.ngroups == a.ngroups);
                cstate_report_clear(&a);
                cstate_report_clear(&b);
        }
        free(q);
}

static void control_part(const uint8_t *p, size_t len)
{
        static cstate_ctl_t a, b;
        uint8_t *q = exact(p, len);
        int n;

        if (cstate_ctl_decode(q, len, &a) == 0) {
                n = cstate_ctl_encode(&a, enc, sizeof(enc));
                CHECK(n > 0);
                CHECK(cstate_ctl_decode(enc, (size_t)n, &b) == 0);
                CHECK(memcmp(&a, &b, sizeof(a)) == 0);
        }
        free(q);
}

/* The framing of on_disk, step for step. */
static void frame(const repo_slot_t *s)
{
        const uint8_t *part[REPO_SLOT_PARTS];
        size_t plen[REPO_SLOT_PARTS];

        CHECK(s->body_len <= REPO_SLOT_MAX_BODY);
        if (repo_slot_parts(s->body, s->body_len, part, plen) < 0)
                return;
        for (int k = 0; k < REPO_SLOT_PARTS; k++)
                CHECK(part[k] >= s->body && part[k] + plen[k] <= s->body + s->body_len);
        if (plen[0])
                status_part(part[0], plen[0]);
        if (plen[1])
                view_part(part[1], plen[1]);
        if (plen[2])
                report_part(part[2], plen[2]);
        if (plen[3])
                control_part(part[3], plen[3]);
}

static bool slot_eq(const repo_slot_t *a, const repo_slot_t *b)
{
        return a->node_id == b->node_id && a->incarnation == b->incarnation && a->seq == b->seq &&
               a->write_realtime_usec == b->write_realtime_usec && a->body_len == b->body_len &&
               memcmp(a->body, b->body, sizeof(a->body)) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static repo_slot_t s, s2;
        static uint8_t blk[REPO_SLOT_SIZE];
        uint16_t id;
        size_t body_len, bit;
        uint8_t *raw;

        if (size < 1)
                return 0;
        if (sodium_init() < 0)
                abort();
        id = (uint16_t)(data[0] % REPO_MAX_SLOTS);

        /* Part 1: the raw block, exactly as long as the input. */
        raw = exact(data + 1, size - 1);
        if (repo_slot_decode(raw, size - 1, id, &s) == 0) {
                CHECK(s.node_id == id);
                CHECK(s.body_len <= REPO_SLOT_MAX_BODY && s.body_len + SLOT_OFF_BODY <= size - 1);
                CHECK(repo_slot_encode(blk, sizeof(blk), id, s.incarnation, s.seq,
                                       s.write_realtime_usec, s.body, s.body_len) == 0);
                CHECK(repo_slot_decode(blk, sizeof(blk), id, &s2) == 0 && slot_eq(&s, &s2));
                frame(&s);
        }
        free(raw);

        /* Part 2: the input as a body, sealed the way repo_slot_write does. */
        body_len = size - 1 < REPO_SLOT_MAX_BODY ? size - 1 : REPO_SLOT_MAX_BODY;
        CHECK(repo_slot_encode(blk, sizeof(blk), id, size, ~(uint64_t)size, 42, data + 1,
                               body_len) == 0);
        CHECK(repo_slot_decode(blk, sizeof(blk), id, &s) == 0);
        CHECK(s.node_id == id && s.incarnation == size && s.seq == ~(uint64_t)size);
        CHECK(s.write_realtime_usec == 42 && s.body_len == body_len);
        CHECK(body_len == 0 || memcmp(s.body, data + 1, body_len) == 0);
        CHECK(repo_slot_decode(blk, sizeof(blk), (uint16_t)((id + 1) % REPO_MAX_SLOTS), &s2) < 0);
        CHECK(repo_slot_decode(blk, SLOT_OFF_BODY + body_len - (body_len > 0), id, &s2) < 0 ||
              body_len == 0);
        frame(&s);

        /* Every bit of the header and the body is covered by the checksum. */
        bit = (size * 131 + data[0]) % ((SLOT_OFF_BODY + body_len) * 8);
        blk[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        CHECK(repo_slot_decode(blk, sizeof(blk), id, &s2) < 0);
        return 0;
}
