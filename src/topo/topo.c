/* topo: UDP heartbeat socket on the loop and the disk heartbeat worker thread
 * (slot write, slot reads, config generation, tie-breaker lease rounds). */
#include "topo/topo.h"

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/hamr_alloc.h"
#include "common/hamr_log.h"

static_assert(LEASE_OWNER_NONE == REPO_LEASE_NONE, "one 'free' owner id on disk and in lease");

struct topo {
        uv_loop_t *loop;
        uv_udp_t udp;
        bool udp_open;
        topo_packet_cb pcb;
        topo_disk_cb dcb;
        void *ud;

        /* shared with the worker, under lock */
        pthread_mutex_t lock;
        pthread_cond_t cond;
        repo_t *repo;
        uint16_t self_id;
        uint64_t read_mask;
        usec_t interval_usec;
        uint64_t incarnation;
        uint8_t body[REPO_SLOT_MAX_BODY];
        size_t body_len;
        bool stop;
        /* results of the last round, handed to the loop */
        repo_slot_t *slots; /* [REPO_MAX_SLOTS] */
        uint64_t present;
        uint64_t config_generation;
        char *config_text; /* not yet handed to the loop, or NULL */
        int io_error;
        bool result_ready;
        /* lease parameters (loop -> worker) */
        bool lease_want;
        bool lease_observe; /* read the lease every round even when not wanted */
        uint16_t lease_self;
        uint64_t lease_inc;
        lease_timing_t lease_timing;
        /* lease state published by the worker (worker -> loop) */
        usec_t lease_until; /* 0 = not held */
        uint16_t lease_owner_seen;

        pthread_t thread;
        bool thread_started;
        /* A worker stuck in I/O on a hung disk is replaced when the
         * repository changes (ARR): the current worker is the one whose
         * generation matches; an older one exits once its I/O returns and
         * publishes nothing. */
        unsigned worker_gen;
        bool in_io;         /* the current worker is inside a disk round */
        uv_async_t async;
};

static __thread unsigned my_gen; /* generation of the worker running on this thread */

static void on_recv(uv_udp_t *h, ssize_t n, const uv_buf_t *buf, const struct sockaddr *addr,
                    unsigned flags)
{
        topo_t *t = h->data;

        if (n > 0 && addr && addr->sa_family == AF_INET && !(flags & UV_UDP_PARTIAL))
                t->pcb(t->ud, (const uint8_t *)buf->base, (size_t)n,
                       (const struct sockaddr_in *)addr);
        free(buf->base);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
        (void)h;
        (void)suggested;
        buf->base = zalloc(65536);
        buf->len = 65536;
}

int topo_bind(topo_t *t, uint16_t port)
{
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
        int r;

        if (t->udp_open)
                return 0;
        r = uv_udp_init(t->loop, &t->udp);
        if (r < 0)
                return r;
        t->udp.data = t;
        r = uv_udp_bind(&t->udp, (const struct sockaddr *)&a, UV_UDP_REUSEADDR);
        if (r == 0)
                r = uv_udp_recv_start(&t->udp, on_alloc, on_recv);
        if (r < 0) {
                uv_close((uv_handle_t *)&t->udp, NULL);
                return r;
        }
        t->udp_open = true;
        return 0;
}

int topo_send(topo_t *t, const struct sockaddr_in *to, const void *pkt, size_t len)
{
        uv_buf_t b = uv_buf_init((char *)pkt, (unsigned)len);
        int r;

        if (!t->udp_open)
                return -ENOTCONN;
        r = uv_udp_try_send(&t->udp, &b, 1, (const struct sockaddr *)to);
        return r < 0 ? r : 0;
}

/* Copy the present slots, each only as far as its body goes (slots are
 * 32 KiB; most bodies a few hundred bytes). */
static void copy_slots(repo_slot_t *dst, const repo_slot_t *src, uint64_t present)
{
        for (int i = 0; i < REPO_MAX_SLOTS; i++)
                if (present & (1ULL << i))
                        memcpy(&dst[i], &src[i], offsetof(repo_slot_t, body) + src[i].body_len);
}

static void on_async(uv_async_t *a)
{
        topo_t *t = a->data;
        static repo_slot_t slots[REPO_MAX_SLOTS];
        uint64_t present, gen;
        char *text;
        int err;

        pthread_mutex_lock(&t->lock);
        if (!t->result_ready) {
                pthread_mutex_unlock(&t->lock);
                return;
        }
        present = t->present;
        copy_slots(slots, t->slots, present);
        gen = t->config_generation;
        text = t->config_text;
        t->config_text = NULL;
        err = t->io_error;
        t->result_ready = false;
        pthread_mutex_unlock(&t->lock);
        t->dcb(t->ud, slots, present, gen, text, err);
        free(text);
}

/* Round period: half the heartbeat interval, at least 5 ms. */
static usec_t round_period(usec_t interval)
{
        usec_t p = (interval ? interval : 200 * USEC_PER_MSEC) / 2;

        return p < 5 * USEC_PER_MSEC ? 5 * USEC_PER_MSEC : p;
}

/* Worker: hands the lease state to the loop (under the lock, no I/O). Only
 * while the loop still wants the lease for the same identity. */
static void lease_publish(topo_t *t, const lease_t *ls)
{
        usec_t until = 0;
        bool held = lease_held(ls, now_usec(), &until);

        pthread_mutex_lock(&t->lock);
        if (my_gen != t->worker_gen) { /* replaced: publish nothing */
                pthread_mutex_unlock(&t->lock);
                return;
        }
        if (held && t->lease_want && t->lease_self == ls->self && t->lease_inc == ls->incarnation)
                t->lease_until = until;
        else
                t->lease_until = 0;
        t->lease_owner_seen = lease_owner_seen(ls);
        pthread_mutex_unlock(&t->lock);
}

static lease_read_result_t lease_result(int r)
{
        switch (r) {
        case 0:
                return LEASE_READ_OK;
        case -ENOENT:
                return LEASE_READ_EMPTY;
        case -EBADMSG:
                return LEASE_READ_INVALID;
        default:
                return LEASE_READ_FAILED;
        }
}

/* Worker: one lease round on repo: read (if wanted), state machine, and the
 * write it asks for, at once. The state is published before the write too,
 * so that a release or a loss is visible before the block changes. */
static void lease_step(topo_t *t, repo_t *repo, lease_t *ls, bool want, bool observe,
                       const lease_timing_t *tm)
{
        lease_read_t rd = {.result = LEASE_READ_FAILED};
        repo_lease_rec_t rec;
        lease_rec_t w;
        lease_state_t before = ls->state;
        bool was_held = lease_held(ls, now_usec(), NULL), write;

        lease_set_observe(ls, observe);
        if (want || observe) {
                int r;
                rd.start = now_usec();
                r = repo_lease_read(repo, &rec);
                rd.result = lease_result(r);
                if (r == 0)
                        rd.rec = (lease_rec_t){rec.owner, rec.incarnation, rec.counter};
        }
        write = lease_round(ls, want, want || observe ? &rd : NULL, now_usec(), tm, &w);
        lease_publish(t, ls);
        if (write) {
                repo_lease_rec_t out = {w.owner, w.incarnation, w.counter};
                usec_t start = now_usec(), end;
                int r = repo_lease_write(repo, &out);
                end = now_usec();
                lease_write_done(ls, r == 0, start, end);
                lease_publish(t, ls);
        }
        if (ls->state != before) {
                usec_t now = now_usec(), until = 0;
                bool held = lease_held(ls, now, &until);
                if (held && !was_held)
                        log_info("topo", "tie-breaker lease acquired valid_ms=%llu",
                                 (unsigned long long)((until - now) / USEC_PER_MSEC));
                else if (!held && was_held)
                        log_info("topo", "tie-breaker lease %s owner_seen=%u",
                                 !want                              ? "released"
                                 : lease_owner_seen(ls) == ls->self ? "expired"
                                                                    : "lost",
                                 lease_owner_seen(ls));
                log_debug("topo", "lease %s -> %s", lease_state_str(before),
                          lease_state_str(ls->state));
        }
}

typedef struct worker_arg {
        topo_t *t;
        unsigned gen;
} worker_arg_t;

static void *worker(void *arg)
{
        worker_arg_t *wa = arg;
        topo_t *t = wa->t;
        /* per worker, on the heap (64 slots of 32 KiB: as thread-local
         * storage it would be given to every thread of the process) */
        repo_slot_t *slots = zcalloc(REPO_MAX_SLOTS, sizeof(repo_slot_t));
        uint8_t body[REPO_SLOT_MAX_BODY];
        uint64_t seq = 0;
        usec_t last_cfg_check = 0;
        uint64_t gen = 0;
        char *gen_text = NULL;   /* read this round, not handed over yet */
        repo_t *gen_repo = NULL; /* the repository gen was read from */
        lease_t ls;
        repo_t *lease_repo = NULL; /* the repository ls refers to */
        bool timing_bad = false;

        lease_init(&ls, 0, 0);
        my_gen = wa->gen;
        free(wa);

        pthread_mutex_lock(&t->lock);
        while (!t->stop && my_gen == t->worker_gen) {
                repo_t *repo = t->repo;
                uint16_t self = t->self_id;
                uint64_t mask = t->read_mask, inc = t->incarnation, present = 0;
                size_t len = t->body_len;
                usec_t interval = t->interval_usec, start;
                usec_t period = round_period(interval);
                bool lease_want = t->lease_want, lease_observe = t->lease_observe;
                uint16_t lease_self = t->lease_self;
                uint64_t lease_inc = t->lease_inc;
                lease_timing_t tm = t->lease_timing;
                int err = 0;

                memcpy(body, t->body, len);
                t->in_io = repo != NULL;
                pthread_mutex_unlock(&t->lock);

                start = now_usec();
                if (repo) {
                        if (len > 0 && repo_slot_write(repo, self, inc, ++seq, body, len) < 0)
                                err = -EIO;
                        for (int i = 0; i < REPO_MAX_SLOTS; i++) {
                                if (!(mask & (1ULL << i)) || i == self)
                                        continue;
                                int r = repo_slot_read(repo, (uint16_t)i, &slots[i]);
                                if (r == 0)
                                        present |= 1ULL << i;
                                else if (r != -ENOENT)
                                        err = r;
                        }
                        if (start - last_cfg_check >= 250 * USEC_PER_MSEC || repo != gen_repo) {
                                char *text = NULL;
                                uint64_t g = 0;
                                if (repo_config_read(repo, &g, &text) == 0) {
                                        if (g != gen || repo != gen_repo) {
                                                /* the loop gets the text with the round */
                                                free(gen_text);
                                                gen_text = text;
                                                text = NULL;
                                        }
                                        gen = g;
                                }
                                gen_repo = repo;
                                free(text);
                                last_cfg_check = start;
                        }
                }
                if (repo != lease_repo || lease_self != ls.self || lease_inc != ls.incarnation) {
                        /* another disk or identity: what we held there is
                         * dropped (it expires by itself), start afresh */
                        lease_init(&ls, lease_self, lease_inc);
                        lease_repo = repo;
                        lease_publish(t, &ls);
                }
                if (lease_want && lease_timing_check(&tm, period) < 0) {
                        if (!timing_bad)
                                log_err("topo",
                                        "tie-breaker lease not claimed: timing does not "
                                        "fit expire_ms=%llu settle_ms=%llu round_ms=%llu "
                                        "(need 10*(2*round+3*settle) <= 9*expire)",
                                        (unsigned long long)(tm.expire / USEC_PER_MSEC),
                                        (unsigned long long)(tm.settle / USEC_PER_MSEC),
                                        (unsigned long long)(period / USEC_PER_MSEC));
                        timing_bad = true;
                        lease_want = false;
                } else if (lease_want) {
                        timing_bad = false;
                }
                if (repo && (lease_want || lease_observe || lease_busy(&ls)))
                        lease_step(t, repo, &ls, lease_want, lease_observe, &tm);

                pthread_mutex_lock(&t->lock);
                if (my_gen != t->worker_gen)
                        break; /* replaced while in I/O: the new worker owns the results */
                t->in_io = false;
                if (repo && !t->stop) {
                        copy_slots(t->slots, slots, present);
                        t->present = present;
                        t->config_generation = gen;
                        if (gen_text) {
                                free(t->config_text);
                                t->config_text = gen_text;
                                gen_text = NULL;
                        }
                        t->io_error = err;
                        t->result_ready = true;
                        uv_async_send(&t->async);
                }
                /* sleep until the next round (or a config change/stop wakes us) */
                usec_t deadline = start + period;
                struct timespec ts;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                usec_t now = (usec_t)ts.tv_sec * USEC_PER_SEC + (usec_t)ts.tv_nsec / 1000;
                if (deadline > now && !t->stop) {
                        usec_t wait = deadline - now;
                        ts.tv_sec += (time_t)(wait / USEC_PER_SEC);
                        ts.tv_nsec += (long)((wait % USEC_PER_SEC) * 1000);
                        if (ts.tv_nsec >= 1000000000L) {
                                ts.tv_sec++;
                                ts.tv_nsec -= 1000000000L;
                        }
                        pthread_cond_timedwait(&t->cond, &t->lock, &ts);
                }
        }
        pthread_mutex_unlock(&t->lock);
        free(gen_text);
        free(slots);
        return NULL;
}

/* Under t->lock (or before the first worker exists). */
static void start_worker(topo_t *t)
{
        worker_arg_t *wa = zalloc(sizeof(*wa));

        wa->t = t;
        wa->gen = ++t->worker_gen;
        if (t->thread_started)
                pthread_detach(t->thread); /* the old worker exits by itself */
        t->in_io = false;
        if (pthread_create(&t->thread, NULL, worker, wa) == 0) {
                t->thread_started = true;
        } else {
                free(wa);
                t->thread_started = false;
                log_err("topo", "cannot start the disk heartbeat thread");
        }
}

topo_t *topo_new(uv_loop_t *loop, topo_packet_cb pcb, topo_disk_cb dcb, void *ud)
{
        topo_t *t = zalloc(sizeof(*t));
        pthread_condattr_t ca;

        t->loop = loop;
        t->pcb = pcb;
        t->dcb = dcb;
        t->ud = ud;
        t->slots = zcalloc(REPO_MAX_SLOTS, sizeof(repo_slot_t));
        t->lease_owner_seen = LEASE_OWNER_UNKNOWN;
        pthread_mutex_init(&t->lock, NULL);
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&t->cond, &ca);
        pthread_condattr_destroy(&ca);
        uv_async_init(loop, &t->async, on_async);
        t->async.data = t;
        start_worker(t);
        return t;
}

void topo_disk_config(topo_t *t, repo_t *repo, uint16_t self_id, uint64_t read_mask,
                      usec_t interval_usec)
{
        pthread_mutex_lock(&t->lock);
        if (repo != t->repo && t->repo && t->in_io && t->thread_started) {
                /* the worker is inside I/O on the old repository (perhaps
                 * a hung disk): a new worker serves the new one */
                log_warn("topo", "disk worker busy on the previous repository: starting a new one");
                t->repo = repo;
                start_worker(t);
        }
        t->repo = repo;
        t->self_id = self_id;
        t->read_mask = read_mask;
        t->interval_usec = interval_usec;
        pthread_cond_signal(&t->cond);
        pthread_mutex_unlock(&t->lock);
}

void topo_disk_set_body(topo_t *t, uint64_t incarnation, const void *body, size_t len)
{
        if (len > REPO_SLOT_MAX_BODY)
                len = 0;
        pthread_mutex_lock(&t->lock);
        t->incarnation = incarnation;
        memcpy(t->body, body, len);
        t->body_len = len;
        pthread_mutex_unlock(&t->lock);
}

void topo_disk_lease(topo_t *t, bool want, uint16_t self_id, uint64_t incarnation, usec_t expire,
                     usec_t settle)
{
        pthread_mutex_lock(&t->lock);
        if (want != t->lease_want || self_id != t->lease_self || incarnation != t->lease_inc)
                pthread_cond_signal(&t->cond); /* release or claim without waiting a round */
        if (!want || self_id != t->lease_self || incarnation != t->lease_inc)
                t->lease_until = 0; /* not held for the caller from now on */
        t->lease_want = want;
        t->lease_self = self_id;
        t->lease_inc = incarnation;
        t->lease_timing = (lease_timing_t){.expire = expire, .settle = settle};
        pthread_mutex_unlock(&t->lock);
}

void topo_disk_lease_observe(topo_t *t, bool observe)
{
        pthread_mutex_lock(&t->lock);
        t->lease_observe = observe;
        pthread_mutex_unlock(&t->lock);
}

bool topo_lease_held(topo_t *t, usec_t now, usec_t *ret_until, uint16_t *ret_owner_seen)
{
        usec_t until;
        uint16_t owner;

        pthread_mutex_lock(&t->lock);
        until = t->lease_until;
        owner = t->lease_owner_seen;
        pthread_mutex_unlock(&t->lock);
        if (ret_owner_seen)
                *ret_owner_seen = owner;
        if (until == 0 || now >= until)
                return false;
        if (ret_until)
                *ret_until = until;
        return true;
}

void topo_free(topo_t *t)
{
        if (!t)
                return;
        pthread_mutex_lock(&t->lock);
        t->stop = true;
        pthread_cond_signal(&t->cond);
        pthread_mutex_unlock(&t->lock);
        if (t->thread_started)
                pthread_join(t->thread, NULL);
        uv_close((uv_handle_t *)&t->async, NULL);
        if (t->udp_open)
                uv_close((uv_handle_t *)&t->udp, NULL);
        /* handles are closed on the next loop turn; t itself is leaked on
         * purpose when the loop is not run again (daemon exit). */
}
