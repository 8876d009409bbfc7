/* lease: the tie-breaker lease protocol (a delta lease on one repository
 * block) as a pure state machine: no I/O, time passed in. The caller (the
 * disk worker in src/topo) reads the block once per round, hands the result
 * to lease_round, performs the write it asks for at once, and reports it
 * with lease_write_done. Rules, timing assumptions and the safety argument
 * are at the top of lease.c.
 *
 * Timing: T = expire, S = settle, P = the caller's round period.
 * The caller must respect (lease_timing_check checks the first):
 *   - S > 0, 10 * (2P + 3S) <= 9T: a claim is confirmed and renewed, and a
 *     renewal repeated, in time even with one round missed;
 *   - every write lands on the disk, if at all, less than S after the `now`
 *     of the round that asked for it (so S exceeds the longest write);
 *   - a read plus the write that follows it normally take well under S/2
 *     (slower ones count as failed);
 *   - all nodes use the same T and S (a node with a shorter T could take
 *     over early); clock rates differ by less than 10 %. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "common/hamr_time.h"

#define LEASE_OWNER_NONE    0xffffu /* free: released, or never written */
#define LEASE_OWNER_UNKNOWN 0xfffeu /* owner_seen: the block holds no valid record */

typedef struct lease_rec {
        uint16_t owner; /* node id, or LEASE_OWNER_NONE */
        uint64_t incarnation;
        uint64_t counter; /* incremented by every write */
} lease_rec_t;

typedef enum {
        LEASE_READ_OK = 0,  /* rec is the record on the disk */
        LEASE_READ_EMPTY,   /* never written: free, counter 0 */
        LEASE_READ_INVALID, /* no valid record (foreign data, torn): owned by someone unknown */
        LEASE_READ_FAILED,  /* I/O error: nothing is known */
} lease_read_result_t;

/* What one round's read returned. */
typedef struct lease_read {
        lease_read_result_t result;
        lease_rec_t rec; /* valid when result == LEASE_READ_OK */
        usec_t start;    /* monotonic time taken just before the read was issued */
} lease_read_t;

typedef struct lease_timing {
        usec_t expire; /* T: a record unchanged this long may be taken over */
        usec_t settle; /* S: claim write start to the confirming re-read */
} lease_timing_t;

typedef enum {
        LEASE_IDLE = 0,  /* not wanted; writes nothing */
        LEASE_WATCH,     /* wanted, not held: observing the record */
        LEASE_CLAIMING,  /* claim write outstanding */
        LEASE_SETTLING,  /* claim written; re-read once S has passed */
        LEASE_HELD,      /* held while now < held_until */
        LEASE_RENEWING,  /* renewal write outstanding (still held) */
        LEASE_RELEASING, /* release write outstanding (no longer held) */
        LEASE_STATE_MAX
} lease_state_t;

/* Plain data, owned by the caller; one thread at a time. */
typedef struct lease {
        lease_state_t state;
        uint16_t self;
        uint64_t incarnation;
        lease_timing_t timing; /* as of the last round */
        /* WATCH: the value observed since seen_since (read end) */
        bool observing;
        lease_read_result_t seen_result;
        lease_rec_t seen;
        usec_t seen_since;
        /* our records: the last one written (claim, renewal, release:
         * counters never repeat), and the counter of the claim confirmed
         * for this holding (records from hold_base to mine are ours) */
        lease_rec_t mine;
        uint64_t hold_base;
        lease_rec_t pending; /* the write asked for by the last round */
        usec_t pending_read; /* start of the read that decided it */
        usec_t claim_start;  /* SETTLING: start of the claim write */
        usec_t held_until;   /* 0 = not held */
        uint16_t owner_seen; /* owner in the last good read */
        bool observe;        /* not wanted: keep observing (never claim), so
                              * that a later claim of a dead holder's record
                              * need not wait T from then */
} lease_t;

/* Observe the record while not wanting the lease (reads only, no writes). */
void lease_set_observe(lease_t *l, bool observe);
/* Start IDLE, not held, for this node id and incarnation. */
void lease_init(lease_t *l, uint16_t self, uint64_t incarnation);
/* 0 if T, S and the round period P fit the rules above, else -EINVAL. */
int lease_timing_check(const lease_timing_t *tm, usec_t period);
/* One round. want: the caller wants the lease. rd (in, may be NULL when
 * !want: not read this round): this round's read. now: monotonic time
 * after the read returned. tm (in): timing. Returns true when ret_write
 * (out) must be written now, followed by lease_write_done before the next
 * round. */
bool lease_round(lease_t *l, bool want, const lease_read_t *rd, usec_t now,
                 const lease_timing_t *tm, lease_rec_t *ret_write);
/* The write asked for finished: ok, and monotonic times taken just before
 * it was issued and after it returned. */
void lease_write_done(lease_t *l, bool ok, usec_t start, usec_t end);
/* True while held at `now` (now < held_until); *ret_until (out, may be
 * NULL) gets held_until, only when held. */
bool lease_held(const lease_t *l, usec_t now, usec_t *ret_until);
/* Owner in the last good read: a node id, LEASE_OWNER_NONE or
 * LEASE_OWNER_UNKNOWN (also before the first read). */
uint16_t lease_owner_seen(const lease_t *l);
/* Not IDLE: rounds are needed even while not wanted (to release). */
bool lease_busy(const lease_t *l);
const char *lease_state_str(lease_state_t s);
