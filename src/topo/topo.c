/* topo: UDP heartbeat socket on the loop and the disk heartbeat worker thread. */
#include "topo/topo.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/hamr_alloc.h"
#include "common/hamr_log.h"

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
        int io_error;
        bool result_ready;

        pthread_t thread;
        bool thread_started;
        uv_async_t async;
};

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

static void on_async(uv_async_t *a)
{
        topo_t *t = a->data;
        static repo_slot_t slots[REPO_MAX_SLOTS];
        uint64_t present, gen;
        int err;

        pthread_mutex_lock(&t->lock);
        if (!t->result_ready) {
                pthread_mutex_unlock(&t->lock);
                return;
        }
        memcpy(slots, t->slots, sizeof(slots));
        present = t->present;
        gen = t->config_generation;
        err = t->io_error;
        t->result_ready = false;
        pthread_mutex_unlock(&t->lock);
        t->dcb(t->ud, slots, present, gen, err);
}

static void *worker(void *arg)
{
        topo_t *t = arg;
        static __thread repo_slot_t slots[REPO_MAX_SLOTS];
        uint8_t body[REPO_SLOT_MAX_BODY];
        uint64_t seq = 0;
        usec_t last_cfg_check = 0;
        uint64_t gen = 0;

        pthread_mutex_lock(&t->lock);
        while (!t->stop) {
                repo_t *repo = t->repo;
                uint16_t self = t->self_id;
                uint64_t mask = t->read_mask, inc = t->incarnation, present = 0;
                size_t len = t->body_len;
                usec_t interval = t->interval_usec, start;
                int err = 0;

                memcpy(body, t->body, len);
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
                        if (start - last_cfg_check >= 250 * USEC_PER_MSEC) {
                                char *text = NULL;
                                uint64_t g = 0;
                                if (repo_config_read(repo, &g, &text) == 0)
                                        gen = g;
                                free(text);
                                last_cfg_check = start;
                        }
                }

                pthread_mutex_lock(&t->lock);
                if (repo && !t->stop) {
                        memcpy(t->slots, slots, sizeof(slots));
                        t->present = present;
                        t->config_generation = gen;
                        t->io_error = err;
                        t->result_ready = true;
                        uv_async_send(&t->async);
                }
                /* sleep until the next round (or a config change/stop wakes us) */
                usec_t deadline = start + (interval ? interval : 200 * USEC_PER_MSEC);
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
        return NULL;
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
        pthread_mutex_init(&t->lock, NULL);
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&t->cond, &ca);
        pthread_condattr_destroy(&ca);
        uv_async_init(loop, &t->async, on_async);
        t->async.data = t;
        if (pthread_create(&t->thread, NULL, worker, t) == 0)
                t->thread_started = true;
        else
                log_err("topo", "cannot start the disk heartbeat thread");
        return t;
}

void topo_disk_config(topo_t *t, repo_t *repo, uint16_t self_id, uint64_t read_mask,
                      usec_t interval_usec)
{
        pthread_mutex_lock(&t->lock);
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
