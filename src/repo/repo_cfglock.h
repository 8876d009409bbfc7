/* repo_cfglock: the cluster-wide configuration lock on the repository: the
 * lease protocol of src/lease (a delta lease: claim a free block at once, a
 * held one only after it stayed unchanged for T; write, wait S, read back)
 * on the configuration lock block (REPO_OFF_CFGLOCK), driven with real I/O
 * and sleeps by the one thread that edits (hamrd's configuration worker).
 * Unlike an OFD lock it excludes across hosts sharing a LUN. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "common/hamr_time.h"
#include "lease/lease.h"
#include "repo/repo.h"

typedef struct repo_cfglock_timing {
        usec_t expire; /* T: a holder's record unchanged this long is taken over */
        usec_t settle; /* S: claim write to the confirming read */
        usec_t period; /* P: between two rounds while waiting */
        usec_t wait;   /* give up acquiring after this long */
} repo_cfglock_timing_t;

/* hamrd: T 2 s, S 250 ms, P 50 ms (10 * (2P + 3S) <= 9T), wait 3 s (inside
 * the configuration worker's 5 s I/O timeout; a dead holder's lock is
 * taken over after T + S). */
#define REPO_CFGLOCK_TIMING_DEFAULT                                                                \
        ((repo_cfglock_timing_t){.expire = 2 * USEC_PER_SEC,                                       \
                                 .settle = 250 * USEC_PER_MSEC,                                    \
                                 .period = 50 * USEC_PER_MSEC,                                     \
                                 .wait = 3 * USEC_PER_SEC})

/* One per editing thread, zeroed before first use; kept between locks (so
 * that a thread that just released yields to a waiting host before it
 * claims again). */
typedef struct repo_cfglock {
        lease_t lease;
        repo_cfglock_timing_t tm;
        usec_t released; /* monotonic time of the last release (0: none) */
        uint16_t holder; /* after -EBUSY: the owner seen (a node id,
                          * REPO_CFGLOCK_ANON, LEASE_OWNER_UNKNOWN) */
} repo_cfglock_t;

/* Acquire for (self, incarnation): self is a node id, or REPO_CFGLOCK_ANON
 * for a node without one. A lock still held by lk for the same owner is
 * renewed (no new claim). Blocks up to tm->wait. 0 held; -EBUSY another
 * holder (lk->holder); -EINVAL bad timing. */
int repo_cfglock_acquire(repo_cfglock_t *lk, repo_t *repo, uint16_t self, uint64_t incarnation,
                         const repo_cfglock_timing_t *tm);
/* Renew while held (one round): 0 if still held for at least S from now
 * (a write issued now lands while held), else -ENOLCK (lost or lapsed:
 * write nothing under it). */
int repo_cfglock_keep(repo_cfglock_t *lk, repo_t *repo);
/* Release (writes a free record while still held); never fails. */
void repo_cfglock_release(repo_cfglock_t *lk, repo_t *repo);
