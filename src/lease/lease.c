/* lease: the tie-breaker lease state machine (pure; see lease.h for the API).
 *
 * A delta lease (sanlock's delta leases; Chockler & Malkhi, "Light-weight
 * leases for storage-centric coordination") on one block of a plain shared
 * disk: only whole-record reads and writes, no locking support. The record is
 * (owner, incarnation, counter); every write increments the counter.
 * T = expire, S = settle; all times are CLOCK_MONOTONIC usec of this node.
 *
 * Rules, one read per round and at most one write right after it:
 *  WATCH (wanted, not held): remember the value read (owner, incarnation,
 *    counter, or "empty"/"invalid") and the end of the first read that
 *    returned it (seen_since). A failed read forgets it. A free record
 *    (owner NONE, or never written) is claimed at once; any other (someone
 *    else's, an earlier incarnation of ours, our own current one, an invalid
 *    block) only by a read that started at least T after seen_since and
 *    still returned the same value.
 *  CLAIM: write (self, incarnation, counter = max(seen, any we wrote) + 1).
 *    The claim counts only if the write succeeded and ended within S/2 of the
 *    start of the read that decided it (so the value it replaced was fresh);
 *    else back to WATCH. Then, on a later round whose read starts at least S
 *    after the claim write started: if the record is still exactly our claim,
 *    HELD with held_until = claim write start + 9T/10 (the 10 % covers clock
 *    rate differences), renewing in the same round; otherwise WATCH.
 *  HELD: if the record read is ours (one we wrote since the confirmed claim:
 *    a failed write may have landed or not) and now + S < held_until, write
 *    counter + 1; if that write succeeds within S/2 of the start of its
 *    read, held_until = its start + 9T/10, else held_until stays and expires
 *    by itself. A record that is not ours: lost (held_until = 0, WATCH). Our
 *    record but now + S >= held_until: lapsed, WATCH (a renewal issued now
 *    might land after a contender's last observation; see 1.). A failed
 *    read: no renewal this round (lapsed as well once now + S >= held_until).
 *  Not wanted while HELD: held_until = 0 first, then, if now + S < the old
 *    held_until, write (NONE, 0, counter + 1) so that the others may claim at
 *    once; IDLE. Not wanted otherwise: IDLE, no write (a claim in progress
 *    is left on the disk; the others wait T for it).
 *  Held is reported only while now < held_until.
 *  No (owner, incarnation) pair writes the same counter twice, so "the same
 *  value" on two reads means no write landed in between.
 *
 * Timing assumptions: a write lands on the disk, if ever, less than S after
 * the `now` of the round that asked for it (S exceeds the longest write and
 * the caller writes at once); read plus write normally take well under S/2;
 * all nodes use the same T and S; clock rates differ by less than 10 %.
 *
 * Safety (no two nodes hold at the same real time):
 *  1. Takeover. B claims over A's record v only after reading v at a first
 *     read that ended at f and again at a read that started at p >= f + T.
 *     v had landed before f, so its write started at w <= f, and A's
 *     held_until from v is w + 9T/10 < p. Any later write by A (renewal,
 *     release) is issued only while now + S < held_until, so it lands before
 *     held_until < p, and then the block could not show v again at p. So A
 *     never extended past v and stopped holding before p, before B wrote.
 *  2. Racing claims. Say A's claim landed first (at l_A <= a_A + S/2) and both
 *     A and B became held. A's re-read, started at or after a_A + S, still
 *     saw A's claim, so B's claim landed after a_A + S; it succeeded, so B's
 *     deciding read started after a_A + S/2 >= l_A: B decided on A's claim
 *     record or something written after it, never on the value A claimed
 *     over. Deciding on A's record is case 1; on a later write, that write is
 *     A's renewal (case 1), a release (case 3), or another claim racing A's
 *     (this case again, one step later).
 *  3. Release. A free record is written only by a holder that has already
 *     dropped held_until to 0, and it lands before its old held_until; by 1.
 *     nobody took the lease over before that, so a claim at once on it
 *     overlaps nobody.
 *  Writes that fail or are slow may still land (within S): the block then
 *  shows a record nobody holds by; it is not free, so everyone (its writer
 *  included) waits T for it, and a holder that reads it stops renewing.
 * tests/unit/test_lease.c enumerates two claimers' interleavings and runs a
 * randomized simulation (2-3 nodes, random delays, slow and late-landing
 * writes, failed reads, crashes, clock rates +-2 %) checking exclusion. */
#include "lease/lease.h"

#include <assert.h>
#include <errno.h>
#include <stddef.h>

/* One round's inputs. */
typedef struct round_in {
        bool want;
        const lease_read_t *rd; /* NULL: not read (only when !want) */
        usec_t now;
} round_in_t;

typedef lease_state_t (*round_fn)(lease_t *l, const round_in_t *in);
typedef lease_state_t (*done_fn)(lease_t *l, bool ok, usec_t start, usec_t end);

#define BIT(s) (1u << (s))
/* States in which a write is outstanding: lease_round returns true when it
 * enters one, lease_write_done leaves it. */
#define WRITING (BIT(LEASE_CLAIMING) | BIT(LEASE_RENEWING) | BIT(LEASE_RELEASING))

static usec_t held_span(const lease_t *l)
{
        return l->timing.expire / 10 * 9 + l->timing.expire % 10 * 9 / 10;
}

static bool rec_eq(const lease_rec_t *a, const lease_rec_t *b)
{
        return a->owner == b->owner && a->incarnation == b->incarnation && a->counter == b->counter;
}

static bool read_free(const lease_read_t *rd)
{
        return rd->result == LEASE_READ_EMPTY ||
               (rd->result == LEASE_READ_OK && rd->rec.owner == LEASE_OWNER_NONE);
}

/* One of the records we wrote since our confirmed claim (a write that
 * failed may or may not have landed). */
static bool read_ours(const lease_t *l, const lease_read_t *rd)
{
        return rd->result == LEASE_READ_OK && rd->rec.owner == l->self &&
               rd->rec.incarnation == l->incarnation && rd->rec.counter >= l->hold_base &&
               rd->rec.counter <= l->mine.counter;
}

static void note_owner(lease_t *l, const lease_read_t *rd)
{
        if (rd->result == LEASE_READ_OK)
                l->owner_seen = rd->rec.owner;
        else if (rd->result == LEASE_READ_EMPTY)
                l->owner_seen = LEASE_OWNER_NONE;
        else if (rd->result == LEASE_READ_INVALID)
                l->owner_seen = LEASE_OWNER_UNKNOWN;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
        return a > b ? a : b;
}

/* Asks for a write of rec decided by the read that started at read_start. */
static void ask_write(lease_t *l, lease_rec_t rec, usec_t read_start)
{
        l->pending = rec;
        l->pending_read = read_start;
}

/* A conditional write (claim, renewal) counts only if it succeeded within
 * S/2 of the start of the read that decided it. */
static bool write_fresh(const lease_t *l, bool ok, usec_t end)
{
        return ok && end >= l->pending_read && end - l->pending_read <= l->timing.settle / 2;
}

/* WATCH: observe, then claim a free record at once or an unchanged one
 * after T. */
static lease_state_t watch_round(lease_t *l, const round_in_t *in)
{
        const lease_read_t *rd = in->rd;
        lease_rec_t claim;
        uint64_t base;

        if (!in->want && !(l->observe && rd)) {
                l->observing = false;
                return LEASE_IDLE;
        }
        if (!rd || rd->result == LEASE_READ_FAILED) {
                l->observing = false;
                return in->want ? LEASE_WATCH : LEASE_IDLE;
        }
        if (!l->observing || l->seen_result != rd->result ||
            (rd->result == LEASE_READ_OK && !rec_eq(&l->seen, &rd->rec))) {
                l->observing = true;
                l->seen_result = rd->result;
                l->seen =
                    rd->result == LEASE_READ_OK ? rd->rec : (lease_rec_t){LEASE_OWNER_NONE, 0, 0};
                l->seen_since = in->now;
        }
        if (!in->want)
                return LEASE_IDLE; /* observing only: the observation is kept */
        if (!read_free(rd) &&
            (rd->start < l->seen_since || rd->start - l->seen_since < l->timing.expire))
                return LEASE_WATCH;

        base = max_u64(l->seen.counter, l->mine.counter);
        claim = (lease_rec_t){l->self, l->incarnation, base + 1};
        l->mine = claim;
        l->observing = false;
        ask_write(l, claim, rd->start);
        return LEASE_CLAIMING;
}

static lease_state_t idle_round(lease_t *l, const round_in_t *in)
{
        if (!in->want && !l->observe)
                return LEASE_IDLE;
        return watch_round(l, in);
}

void lease_set_observe(lease_t *l, bool observe)
{
        l->observe = observe;
        if (!observe && l->state == LEASE_IDLE)
                l->observing = false;
}

static lease_state_t held_round(lease_t *l, const round_in_t *in);

/* SETTLING: confirm the claim once S has passed since its write started. */
static lease_state_t settle_round(lease_t *l, const round_in_t *in)
{
        const lease_read_t *rd = in->rd;

        if (!in->want)
                return LEASE_IDLE;
        if (!rd || rd->result == LEASE_READ_FAILED)
                return LEASE_SETTLING;
        if (!(rd->result == LEASE_READ_OK && rec_eq(&rd->rec, &l->mine)))
                return watch_round(l, in); /* someone else's write came later */
        if (rd->start < l->claim_start || rd->start - l->claim_start < l->timing.settle)
                return LEASE_SETTLING;
        l->held_until = l->claim_start + held_span(l);
        l->hold_base = l->mine.counter;
        return held_round(l, in);
}

/* Writes the release if our last write is still surely effective. */
static lease_state_t release(lease_t *l, usec_t now)
{
        usec_t until = l->held_until;
        lease_rec_t rel = {LEASE_OWNER_NONE, 0, l->mine.counter + 1};

        l->held_until = 0;
        if (now + l->timing.settle >= until)
                return LEASE_IDLE;
        l->mine.counter = rel.counter; /* counters never repeat */
        ask_write(l, rel, now);
        return LEASE_RELEASING;
}

/* HELD: renew while our record is on the disk and a renewal lands in time. */
static lease_state_t held_round(lease_t *l, const round_in_t *in)
{
        const lease_read_t *rd = in->rd;
        lease_rec_t renew;

        if (!in->want)
                return release(l, in->now);
        if (!rd || rd->result == LEASE_READ_FAILED) {
                if (in->now + l->timing.settle < l->held_until)
                        return LEASE_HELD;
                l->held_until = 0; /* can no longer renew in time */
                return watch_round(l, in);
        }
        if (!read_ours(l, rd) || in->now + l->timing.settle >= l->held_until) {
                l->held_until = 0; /* lost, or lapsed */
                return watch_round(l, in);
        }
        renew = (lease_rec_t){l->self, l->incarnation, l->mine.counter + 1};
        l->mine = renew;
        ask_write(l, renew, rd->start);
        return LEASE_RENEWING;
}

static lease_state_t claim_done(lease_t *l, bool ok, usec_t start, usec_t end)
{
        if (!write_fresh(l, ok, end))
                return LEASE_WATCH; /* our claim may still land: we then wait T for it too */
        l->claim_start = start;
        return LEASE_SETTLING;
}

static lease_state_t renew_done(lease_t *l, bool ok, usec_t start, usec_t end)
{
        usec_t until = start + held_span(l);

        if (write_fresh(l, ok, end) && until > l->held_until)
                l->held_until = until;
        return LEASE_HELD;
}

static lease_state_t release_done(lease_t *l, bool ok, usec_t start, usec_t end)
{
        return LEASE_IDLE;
}

/* (state, round handler, write-done handler, allowed next states). */
static const struct fsm_row {
        lease_state_t state;
        round_fn on_round; /* NULL: a write is outstanding */
        done_fn on_done;   /* NULL: no write outstanding */
        unsigned next;
} fsm[LEASE_STATE_MAX] = {
    {LEASE_IDLE, idle_round, NULL, BIT(LEASE_IDLE) | BIT(LEASE_WATCH) | BIT(LEASE_CLAIMING)},
    {LEASE_WATCH, watch_round, NULL, BIT(LEASE_IDLE) | BIT(LEASE_WATCH) | BIT(LEASE_CLAIMING)},
    {LEASE_CLAIMING, NULL, claim_done, BIT(LEASE_WATCH) | BIT(LEASE_SETTLING)},
    {LEASE_SETTLING, settle_round, NULL,
     BIT(LEASE_IDLE) | BIT(LEASE_WATCH) | BIT(LEASE_CLAIMING) | BIT(LEASE_SETTLING) |
         BIT(LEASE_HELD) | BIT(LEASE_RENEWING)},
    {LEASE_HELD, held_round, NULL,
     BIT(LEASE_IDLE) | BIT(LEASE_WATCH) | BIT(LEASE_CLAIMING) | BIT(LEASE_HELD) |
         BIT(LEASE_RENEWING) | BIT(LEASE_RELEASING)},
    {LEASE_RENEWING, NULL, renew_done, BIT(LEASE_HELD)},
    {LEASE_RELEASING, NULL, release_done, BIT(LEASE_IDLE)},
};

static const char *const state_names[LEASE_STATE_MAX] = {
    [LEASE_IDLE] = "IDLE",           [LEASE_WATCH] = "WATCH", [LEASE_CLAIMING] = "CLAIMING",
    [LEASE_SETTLING] = "SETTLING",   [LEASE_HELD] = "HELD",   [LEASE_RENEWING] = "RENEWING",
    [LEASE_RELEASING] = "RELEASING",
};

const char *lease_state_str(lease_state_t s)
{
        return (unsigned)s < LEASE_STATE_MAX ? state_names[s] : "?";
}

static void set_state(lease_t *l, lease_state_t next)
{
        assert(fsm[l->state].state == l->state);
        assert(fsm[l->state].next & BIT(next));
        l->state = next;
        if (next != LEASE_HELD && next != LEASE_RENEWING)
                l->held_until = 0;
}

void lease_init(lease_t *l, uint16_t self, uint64_t incarnation)
{
        *l = (lease_t){
            .state = LEASE_IDLE,
            .self = self,
            .incarnation = incarnation,
            .owner_seen = LEASE_OWNER_UNKNOWN,
        };
}

int lease_timing_check(const lease_timing_t *tm, usec_t period)
{
        if (!tm || tm->settle == 0 || tm->expire == 0 || period == 0)
                return -EINVAL;
        if (tm->expire > USEC_INFINITY / 16 || period > tm->expire || tm->settle > tm->expire)
                return -EINVAL;
        return 10 * (2 * period + 3 * tm->settle) <= 9 * tm->expire ? 0 : -EINVAL;
}

bool lease_round(lease_t *l, bool want, const lease_read_t *rd, usec_t now,
                 const lease_timing_t *tm, lease_rec_t *ret_write)
{
        round_in_t in = {.want = want, .rd = rd, .now = now};
        lease_state_t next;

        if (fsm[l->state].on_done) /* caller skipped lease_write_done: count it as failed */
                lease_write_done(l, false, now, now);
        l->timing = *tm;
        if (rd && rd->result != LEASE_READ_FAILED)
                note_owner(l, rd);
        next = fsm[l->state].on_round(l, &in);
        set_state(l, next);
        if (!(BIT(next) & WRITING))
                return false;
        *ret_write = l->pending;
        return true;
}

void lease_write_done(lease_t *l, bool ok, usec_t start, usec_t end)
{
        done_fn fn = fsm[l->state].on_done;

        if (!fn) /* nothing outstanding: ignore */
                return;
        set_state(l, fn(l, ok, start, end));
}

bool lease_held(const lease_t *l, usec_t now, usec_t *ret_until)
{
        if ((l->state != LEASE_HELD && l->state != LEASE_RENEWING) || now >= l->held_until)
                return false;
        if (ret_until)
                *ret_until = l->held_until;
        return true;
}

uint16_t lease_owner_seen(const lease_t *l)
{
        return l->owner_seen;
}

bool lease_busy(const lease_t *l)
{
        return l->state != LEASE_IDLE;
}
