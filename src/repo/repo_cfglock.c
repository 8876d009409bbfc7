/* repo_cfglock: the configuration lock (see repo_cfglock.h): src/lease's
 * state machine driven with reads and writes of the configuration lock
 * block and sleeps between rounds. Every loop is bounded by the timing. */
#include "repo/repo_cfglock.h"

#include <errno.h>
#include <time.h>

static void sleep_usec(usec_t us)
{
        struct timespec ts = {.tv_sec = (time_t)(us / USEC_PER_SEC),
                              .tv_nsec = (long)(us % USEC_PER_SEC) * 1000};

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

static lease_timing_t lease_tm(const repo_cfglock_t *lk)
{
        return (lease_timing_t){.expire = lk->tm.expire, .settle = lk->tm.settle};
}

/* One round: read the block, let the state machine decide, write at once. */
static void one_round(repo_cfglock_t *lk, repo_t *repo, bool want)
{
        lease_read_t rd = {.start = now_usec()};
        lease_timing_t tm = lease_tm(lk);
        repo_lease_rec_t rec;
        lease_rec_t w;
        int k = repo_cfglock_read(repo, &rec);

        if (k == 0) {
                rd.result = LEASE_READ_OK;
                rd.rec = (lease_rec_t){rec.owner, rec.incarnation, rec.counter};
        } else {
                rd.result = k == -ENOENT    ? LEASE_READ_EMPTY
                            : k == -EBADMSG ? LEASE_READ_INVALID
                                            : LEASE_READ_FAILED;
        }
        if (lease_round(&lk->lease, want, &rd, now_usec(), &tm, &w)) {
                repo_lease_rec_t out = {
                    .owner = w.owner, .incarnation = w.incarnation, .counter = w.counter};
                usec_t start = now_usec();
                int r = repo_cfglock_write(repo, &out);
                lease_write_done(&lk->lease, r == 0, start, now_usec());
        }
}

int repo_cfglock_acquire(repo_cfglock_t *lk, repo_t *repo, uint16_t self, uint64_t incarnation,
                         const repo_cfglock_timing_t *tm)
{
        usec_t start = now_usec(), deadline;
        unsigned rounds;

        if (!tm->period || tm->period > tm->wait ||
            lease_timing_check(&(lease_timing_t){.expire = tm->expire, .settle = tm->settle},
                               tm->period) < 0)
                return -EINVAL;
        lk->holder = LEASE_OWNER_UNKNOWN;
        /* still held from the previous edit (same owner): renew it */
        if (lk->lease.self == self && lk->lease.incarnation == incarnation &&
            lk->tm.expire == tm->expire && lk->tm.settle == tm->settle &&
            repo_cfglock_keep(lk, repo) == 0)
                return 0;
        if (lease_busy(&lk->lease))
                repo_cfglock_release(lk, repo);
        lk->tm = *tm;
        /* Fairness: right after a release, leave the block free for three
         * rounds so that a host waiting for it reads it free and claims it
         * at once, rather than seeing this thread's next claim. */
        if (lk->released && start - lk->released < 3 * tm->period)
                sleep_usec(3 * tm->period - (start - lk->released));
        lease_init(&lk->lease, self, incarnation);
        deadline = now_usec() + tm->wait;
        rounds = (unsigned)(tm->wait / tm->period) + 2;
        for (unsigned i = 0; i < rounds; i++) {
                one_round(lk, repo, true);
                if (lease_held(&lk->lease, now_usec() + tm->settle, NULL))
                        return 0;
                if (now_usec() >= deadline)
                        break;
                sleep_usec(tm->period);
        }
        lk->holder = lease_owner_seen(&lk->lease);
        /* stop wanting: a claim left on the disk is waited out by the others */
        one_round(lk, repo, false);
        return -EBUSY;
}

int repo_cfglock_keep(repo_cfglock_t *lk, repo_t *repo)
{
        if (!lease_held(&lk->lease, now_usec(), NULL))
                return -ENOLCK;
        one_round(lk, repo, true);
        return lease_held(&lk->lease, now_usec() + lk->tm.settle, NULL) ? 0 : -ENOLCK;
}

void repo_cfglock_release(repo_cfglock_t *lk, repo_t *repo)
{
        for (int i = 0; i < 3 && lease_busy(&lk->lease); i++)
                one_round(lk, repo, false);
        lk->released = now_usec();
}
