/* cstate_msg: encoders and decoders for REPORT and CONTROL bodies. */
#include "cstate/cstate_msg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hamr_alloc.h"
#include "common/hamr_buf.h"

const char *svc_state_str(svc_state_t s)
{
        static const char *const names[SVC_COUNT] = {
            [SVC_INACTIVE] = "OFFLINE",
            [SVC_ACTIVE] = "ONLINE",
            [SVC_STOPPING] = "STOPPING",
            [SVC_UNMANAGED] = "UNMANAGED",
        };
        return s < SVC_COUNT ? names[s] : "UNKNOWN";
}

const char *cstate_wd_str(cstate_wd_t w)
{
        static const char *const names[CSTATE_WD_COUNT] = {
            [CSTATE_WD_NONE] = "none",
            [CSTATE_WD_HARDWARE] = "hardware",
            [CSTATE_WD_SOFTDOG] = "softdog",
            [CSTATE_WD_EMULATOR] = "emulator",
        };
        return w < CSTATE_WD_COUNT ? names[w] : "unknown";
}

void cstate_report_clear(cstate_report_t *r)
{
        if (!r)
                return;
        for (uint32_t k = 0; r->groups && k < r->ngroups; k++) {
                free(r->groups[k].reason);
                free(r->groups[k].mon_failure);
        }
        free(r->groups);
        free(r->dare_fail);
        memset(r, 0, sizeof(*r));
}

void cstate_report_copy(cstate_report_t *dst, const cstate_report_t *src)
{
        cstate_report_t t = *src;

        t.groups = src->ngroups ? zcalloc(src->ngroups, sizeof(*t.groups)) : NULL;
        for (uint32_t k = 0; k < src->ngroups; k++) {
                t.groups[k] = src->groups[k];
                t.groups[k].reason = src->groups[k].reason ? zstrdup(src->groups[k].reason) : NULL;
                t.groups[k].mon_failure =
                    src->groups[k].mon_failure ? zstrdup(src->groups[k].mon_failure) : NULL;
        }
        t.dare_fail = src->dare_fail ? zstrdup(src->dare_fail) : NULL;
        cstate_report_clear(dst);
        *dst = t;
}

void cstate_report_set_reason(cstate_report_t *r, uint32_t k, const char *reason)
{
        free(r->groups[k].reason);
        r->groups[k].reason = reason && *reason ? zstrdup(reason) : NULL;
}

/* ----- the monitor block (application monitors), after the groups:
 * u32 count, then per group with a monitor fact: u32 index into the
 * groups (ascending), u8 flags (1 = failed here), u8 restarts, str last
 * failure. Optional on decode: a report without it has no monitor facts. */

static bool has_mon(const cstate_grp_t *g)
{
        return g->failed_here || g->mon_restarts || (g->mon_failure && g->mon_failure[0]);
}

static void encode_monitors(bufw_t *w, const cstate_report_t *r, size_t reason_cap)
{
        char text[CSTATE_REASON_LEN];
        uint32_t n = 0;

        for (uint32_t k = 0; k < r->ngroups; k++)
                n += has_mon(&r->groups[k]);
        bufw_u32(w, n);
        for (uint32_t k = 0; k < r->ngroups; k++) {
                const cstate_grp_t *g = &r->groups[k];
                size_t len = g->mon_failure ? strnlen(g->mon_failure, reason_cap) : 0;

                if (!has_mon(g))
                        continue;
                memcpy(text, g->mon_failure ? g->mon_failure : "", len);
                text[len] = '\0';
                bufw_u32(w, k);
                bufw_u8(w, g->failed_here);
                bufw_u8(w, g->mon_restarts);
                bufw_str(w, text);
        }
}

static int decode_monitors(bufr_t *b, cstate_report_t *r)
{
        char text[CSTATE_REASON_LEN];
        uint32_t n = bufr_u32(b);
        int64_t prev = -1;

        if (b->error || n > r->ngroups)
                return -EBADMSG;
        for (uint32_t i = 0; i < n; i++) {
                uint32_t k = bufr_u32(b);
                uint8_t flags = bufr_u8(b), restarts = bufr_u8(b);
                cstate_grp_t *g;

                bufr_str(b, text, sizeof(text));
                if (b->error || k >= r->ngroups || (int64_t)k <= prev || flags > 1)
                        return -EBADMSG;
                prev = k;
                g = &r->groups[k];
                g->failed_here = flags & 1;
                g->mon_restarts = restarts;
                g->mon_failure = text[0] ? zstrdup(text) : NULL;
                if (!has_mon(g))
                        return -EBADMSG; /* canonical: only groups with a fact */
        }
        return 0;
}

/* ----- the DNP block (dynamic node priority), after the monitor block,
 * only when some value is set: u8 tag, u8 have, u32 free memory MiB, u16
 * idle CPU per mille, u16 disk busy per mille, u32 count, then per group
 * with a script value: u32 index into the groups (ascending), u8 exit
 * code. A report without it has no values. */
#define DNP_TAG 0xd7
/* The live-change block after it (cfg_done, the last failure), tagged too:
 * either block may be left out. */
#define DARE_TAG 0xda

static void encode_dnp(bufw_t *w, const cstate_report_t *r)
{
        uint32_t n = 0;

        for (uint32_t k = 0; k < r->ngroups; k++)
                n += r->groups[k].dnp_have;
        if (!n && !r->dnp.have)
                return;
        bufw_u8(w, DNP_TAG);
        bufw_u8(w, r->dnp.have);
        bufw_u32(w, r->dnp.mem_free_mb);
        bufw_u16(w, r->dnp.cpu_idle_pm);
        bufw_u16(w, r->dnp.disk_busy_pm);
        bufw_u32(w, n);
        for (uint32_t k = 0; k < r->ngroups; k++)
                if (r->groups[k].dnp_have) {
                        bufw_u32(w, k);
                        bufw_u8(w, r->groups[k].dnp_rc);
                }
}

/* Canonical: known bits, per mille up to 1000, a value only where its bit
 * is set, ascending indexes, not empty. */
static int decode_dnp(bufr_t *b, cstate_report_t *r)
{
        uint32_t n;
        int64_t prev = -1;

        if (bufr_u8(b) != DNP_TAG)
                return -EBADMSG;
        r->dnp.have = bufr_u8(b);
        r->dnp.mem_free_mb = bufr_u32(b);
        r->dnp.cpu_idle_pm = bufr_u16(b);
        r->dnp.disk_busy_pm = bufr_u16(b);
        n = bufr_u32(b);
        if (b->error || r->dnp.have & ~(CSTATE_DNP_MEM | CSTATE_DNP_CPU | CSTATE_DNP_DISK) ||
            r->dnp.cpu_idle_pm > 1000 || r->dnp.disk_busy_pm > 1000 ||
            (!(r->dnp.have & CSTATE_DNP_MEM) && r->dnp.mem_free_mb) ||
            (!(r->dnp.have & CSTATE_DNP_CPU) && r->dnp.cpu_idle_pm) ||
            (!(r->dnp.have & CSTATE_DNP_DISK) && r->dnp.disk_busy_pm) || n > r->ngroups ||
            (!n && !r->dnp.have))
                return -EBADMSG;
        for (uint32_t i = 0; i < n; i++) {
                uint32_t k = bufr_u32(b);
                uint8_t rc = bufr_u8(b);

                if (b->error || k >= r->ngroups || (int64_t)k <= prev)
                        return -EBADMSG;
                prev = k;
                r->groups[k].dnp_have = true;
                r->groups[k].dnp_rc = rc;
        }
        return 0;
}

int cstate_report_encode(const cstate_report_t *r, size_t reason_cap, void *buf, size_t cap)
{
        char reason[CSTATE_REASON_LEN];
        bufw_t w;

        if (reason_cap >= sizeof(reason))
                reason_cap = sizeof(reason) - 1;
        bufw_init(&w, buf, cap);
        bufw_u8(&w, CSTATE_MSG_VERSION);
        bufw_u64(&w, r->report_seq);
        bufw_u8(&w, r->services);
        bufw_u8(&w, r->net);
        bufw_u64(&w, r->net_heard);
        /* reachability targets (NETMON_TARGETS) */
        bufw_u8(&w, r->reach);
        bufw_u8(&w, r->disk_ok);
        bufw_u8(&w, r->repo_index);
        bufw_u8(&w, r->watchdog);
        bufw_u8(&w, (uint8_t)(r->fenced | (r->autostart << 1)));
        bufw_u64(&w, r->ctl_view);
        bufw_u64(&w, r->ctl_seq);
        bufw_u32(&w, r->ngroups);
        for (uint32_t k = 0; k < r->ngroups; k++) {
                const cstate_grp_t *g = &r->groups[k];
                bufw_u32(&w, g->id);
                bufw_u8(&w, g->state);
                bufw_u32(&w, g->clear_seen);
                reason[0] = '\0';
                if (g->state == RG_S_ERROR && g->reason) {
                        size_t n = strnlen(g->reason, reason_cap);
                        memcpy(reason, g->reason, n);
                        reason[n] = '\0';
                }
                bufw_str(&w, reason);
        }
        encode_monitors(&w, r, reason_cap);
        encode_dnp(&w, r);
        if (r->cfg_done) { /* live changes: after the DNP block, only when known */
                bufw_u8(&w, DARE_TAG);
                bufw_u64(&w, r->cfg_done);
                if (r->dare_fail) { /* then the last one that failed, if any */
                        size_t n = strnlen(r->dare_fail, reason_cap);
                        memcpy(reason, r->dare_fail, n);
                        reason[n] = '\0';
                        bufw_u64(&w, r->dare_fail_gen);
                        bufw_u32(&w, r->dare_fail_rg);
                        bufw_str(&w, reason);
                }
        }
        return w.overflow ? -EMSGSIZE : (int)w.len;
}

int cstate_report_decode(const void *buf, size_t len, cstate_report_t *ret)
{
        cstate_report_t r = {0};
        char reason[CSTATE_REASON_LEN];
        uint8_t flags;
        bufr_t b;

        bufr_init(&b, buf, len);
        if (bufr_u8(&b) != CSTATE_MSG_VERSION)
                return -EBADMSG;
        r.report_seq = bufr_u64(&b);
        r.services = bufr_u8(&b);
        r.net = bufr_u8(&b);
        r.net_heard = bufr_u64(&b);
        /* reachability targets: known bits only, OK only with TARGETS */
        r.reach = bufr_u8(&b);
        if (r.reach & ~(CSTATE_REACH_TARGETS | CSTATE_REACH_OK) ||
            (r.reach & CSTATE_REACH_OK && !(r.reach & CSTATE_REACH_TARGETS)))
                return -EBADMSG;
        r.disk_ok = bufr_u8(&b) != 0;
        r.repo_index = bufr_u8(&b);
        r.watchdog = bufr_u8(&b);
        flags = bufr_u8(&b);
        r.fenced = flags & 1;
        r.autostart = (flags >> 1) & 1;
        r.ctl_view = bufr_u64(&b);
        r.ctl_seq = bufr_u64(&b);
        r.ngroups = bufr_u32(&b);
        /* each group takes at least 11 bytes: bounds the allocation */
        if (b.error || r.services >= SVC_COUNT || r.net >= NET_COUNT ||
            r.watchdog >= CSTATE_WD_COUNT || flags >> 2 || r.repo_index > CONF_MAX_BACKUP_REPOS ||
            r.ngroups > CONF_MAX_RGS || r.ngroups > (len - b.pos) / 11)
                return -EBADMSG;
        r.groups = r.ngroups ? zcalloc(r.ngroups, sizeof(*r.groups)) : NULL;
        for (uint32_t k = 0; k < r.ngroups; k++) {
                cstate_grp_t *g = &r.groups[k];
                g->id = bufr_u32(&b);
                g->state = bufr_u8(&b);
                g->clear_seen = bufr_u32(&b);
                bufr_str(&b, reason, sizeof(reason));
                /* canonical: ids strictly ascending, a reason only in ERROR */
                if (b.error || g->state >= RG_S_COUNT || (k > 0 && g->id <= r.groups[k - 1].id) ||
                    (g->state != RG_S_ERROR && reason[0] != '\0'))
                        goto bad;
                g->reason = reason[0] ? zstrdup(reason) : NULL;
        }
        if (!b.error && b.pos < len && decode_monitors(&b, &r) < 0)
                goto bad;
        if (!b.error && b.pos < len && b.data[b.pos] == DNP_TAG && decode_dnp(&b, &r) < 0)
                goto bad;
        if (!b.error && b.pos < len) {
                if (bufr_u8(&b) != DARE_TAG || (r.cfg_done = bufr_u64(&b)) == 0)
                        goto bad; /* canonical: 0 is left out */
        }
        if (!b.error && b.pos < len) {
                r.dare_fail_gen = bufr_u64(&b);
                r.dare_fail_rg = bufr_u32(&b);
                bufr_str(&b, reason, sizeof(reason));
                if (b.error || !r.dare_fail_gen || !reason[0])
                        goto bad;
                r.dare_fail = zstrdup(reason);
        }
        if (b.error || b.pos != len)
                goto bad;
        *ret = r;
        return 0;
bad:
        cstate_report_clear(&r);
        return -EBADMSG;
}

/* A node id in one byte (ids are below CONF_MAX_NODES), 0xff for none:
 * the control state of the largest cluster must fit a repository slot. */
#define NODE_BYTE_NONE 0xff
static uint8_t node_byte(uint16_t n)
{
        return n < CONF_MAX_NODES ? (uint8_t)n : NODE_BYTE_NONE;
}

static bool node_of_byte(uint8_t b, uint16_t *ret)
{
        *ret = b == NODE_BYTE_NONE ? RGM_NO_NODE : b;
        return b == NODE_BYTE_NONE || b < CONF_MAX_NODES;
}

static bool want_set(const cstate_ctl_t *c, int i)
{
        return c->want[i] != WANT_INACTIVE || c->boot[i] != BOOT_KEEP || c->want_inc[i] != 0;
}

bool cstate_ctl_suspended(const cstate_ctl_t *c, const char *name)
{
        for (unsigned k = 0; k < c->nsuspended && k < CSTATE_MAX_SUSPENDED; k++)
                if (strcmp(c->suspended[k], name) == 0)
                        return true;
        return false;
}

int cstate_ctl_set_suspended(cstate_ctl_t *c, const char *name, bool on)
{
        unsigned n = c->nsuspended, k = 0;

        while (k < n && strcmp(c->suspended[k], name) < 0)
                k++;
        if (k < n && strcmp(c->suspended[k], name) == 0) {
                if (!on) {
                        memmove(c->suspended[k], c->suspended[k + 1],
                                (n - k - 1) * sizeof(c->suspended[0]));
                        memset(c->suspended[n - 1], 0, sizeof(c->suspended[0]));
                        c->nsuspended--;
                }
                return 0;
        }
        if (!on)
                return 0;
        if (n >= CSTATE_MAX_SUSPENDED)
                return -ENOSPC;
        memmove(c->suspended[k + 1], c->suspended[k], (n - k) * sizeof(c->suspended[0]));
        memset(c->suspended[k], 0, sizeof(c->suspended[0]));
        snprintf(c->suspended[k], sizeof(c->suspended[k]), "%s", name);
        c->nsuspended++;
        return 0;
}

/* The concurrent groups' block (tag, count, then per group with a mask
 * set: index, cnodes, coffline), only when some mask is set; it follows
 * the suspended controllers (whose count is never CONCURRENT_TAG). */
#define CONCURRENT_TAG 0xc0
static void concurrent_encode(const cstate_ctl_t *c, bufw_t *w)
{
        uint16_t n = 0;

        for (uint32_t g = 0; g < c->ngroups && g < CONF_MAX_RGS; g++)
                n += c->cnodes[g] || c->coffline[g];
        if (!n)
                return;
        bufw_u8(w, CONCURRENT_TAG);
        bufw_u16(w, n);
        for (uint32_t g = 0; g < c->ngroups && g < CONF_MAX_RGS; g++)
                if (c->cnodes[g] || c->coffline[g]) {
                        bufw_u16(w, (uint16_t)g);
                        bufw_u64(w, c->cnodes[g]);
                        bufw_u64(w, c->coffline[g]);
                }
}

/* Canonical: ascending indexes below ngroups, masks of configurable node
 * ids, not both empty. */
static int concurrent_decode(bufr_t *r, cstate_ctl_t *c)
{
        uint16_t n;
        int prev = -1;

        if (bufr_u8(r) != CONCURRENT_TAG)
                return -EBADMSG;
        n = bufr_u16(r);
        if (r->error || n == 0 || n > c->ngroups)
                return -EBADMSG;
        for (unsigned k = 0; k < n; k++) {
                uint16_t g = bufr_u16(r);
                uint64_t on = bufr_u64(r), off = bufr_u64(r);
                if (r->error || (int)g <= prev || g >= c->ngroups || !(on | off))
                        return -EBADMSG;
                prev = g;
                c->cnodes[g] = on;
                c->coffline[g] = off;
        }
        return 0;
}

int cstate_ctl_encode(const cstate_ctl_t *c, void *buf, size_t cap)
{
        bufw_t w;
        uint8_t nack = 0, nwant = 0;

        bufw_init(&w, buf, cap);
        bufw_u8(&w, CSTATE_MSG_VERSION);
        bufw_u64(&w, c->view_id);
        bufw_u64(&w, c->ctl_seq);
        bufw_u16(&w, c->coord);
        bufw_u64(&w, c->generation);
        bufw_u8(&w, (uint8_t)(c->targets_valid | (c->home_only << 1) | (c->stable << 2)));
        /* wanted services: (node id, want, boot, want_inc) for every node
         * with any of them set */
        for (int i = 0; i < CONF_MAX_NODES; i++)
                nwant += want_set(c, i);
        bufw_u8(&w, nwant);
        for (int i = 0; i < CONF_MAX_NODES; i++)
                if (want_set(c, i)) {
                        bufw_u8(&w, (uint8_t)i);
                        bufw_u8(&w, c->want[i]);
                        bufw_u8(&w, c->boot[i]);
                        bufw_u64(&w, c->want_inc[i]);
                }
        bufw_u8(&w, c->repo_index);
        for (int i = 0; i < CONF_MAX_NODES; i++)
                nack += c->report_ack[i] != 0;
        bufw_u8(&w, nack);
        for (int i = 0; i < CONF_MAX_NODES; i++)
                if (c->report_ack[i]) {
                        bufw_u8(&w, (uint8_t)i);
                        bufw_u64(&w, c->report_ack[i]);
                }
        bufw_u32(&w, c->ngroups);
        for (uint32_t g = 0; g < c->ngroups && g < CONF_MAX_RGS; g++) {
                bufw_u32(&w, c->gid[g]);
                bufw_u8(&w, node_byte(c->target[g]));
                bufw_u8(&w, c->ctl[g].admin);
                bufw_u8(&w, node_byte(c->ctl[g].pol_node));
                bufw_u8(&w, node_byte(c->ctl[g].move_node));
                bufw_u8(&w, node_byte(c->ctl[g].last_node));
                bufw_u8(&w, c->ctl[g].started);
                bufw_u32(&w, c->clear_seq[g]);
        }
        /* suspended controllers: (count, then length-prefixed names), only
         * when there are some (a message without is what version 2 always
         * was) */
        if (c->nsuspended) {
                bufw_u8(&w, c->nsuspended);
                for (unsigned k = 0; k < c->nsuspended && k < CSTATE_MAX_SUSPENDED; k++) {
                        size_t n = strnlen(c->suspended[k], CONF_MAX_NAME);
                        bufw_u8(&w, (uint8_t)n);
                        bufw_bytes(&w, c->suspended[k], n);
                }
        }
        concurrent_encode(c, &w);
        return w.overflow ? -EMSGSIZE : (int)w.len;
}

int cstate_ctl_decode(const void *buf, size_t len, cstate_ctl_t *ret)
{
        static cstate_ctl_t c; /* decoded single-threaded on the loop */
        uint8_t flags, nack, nwant;
        int prev = -1;
        bufr_t r;

        memset(&c, 0, sizeof(c));
        bufr_init(&r, buf, len);
        if (bufr_u8(&r) != CSTATE_MSG_VERSION)
                return -EBADMSG;
        c.view_id = bufr_u64(&r);
        c.ctl_seq = bufr_u64(&r);
        c.coord = bufr_u16(&r);
        c.generation = bufr_u64(&r);
        flags = bufr_u8(&r);
        c.targets_valid = flags & 1;
        c.home_only = (flags >> 1) & 1;
        c.stable = (flags >> 2) & 1;
        nwant = bufr_u8(&r);
        if (r.error || nwant > CONF_MAX_NODES)
                return -EBADMSG;
        for (unsigned k = 0; k < nwant; k++) {
                uint8_t id = bufr_u8(&r), want = bufr_u8(&r), boot = bufr_u8(&r);
                uint64_t inc = bufr_u64(&r);
                /* canonical: ascending ids, only entries with something set */
                if (r.error || id >= CONF_MAX_NODES || (int)id <= prev || want >= WANT_COUNT ||
                    boot > BOOT_MANUAL || (want == WANT_INACTIVE && boot == BOOT_KEEP && inc == 0))
                        return -EBADMSG;
                prev = id;
                c.want[id] = want;
                c.boot[id] = boot;
                c.want_inc[id] = inc;
        }
        prev = -1;
        c.repo_index = bufr_u8(&r);
        nack = bufr_u8(&r);
        if (r.error || flags >> 3 || c.coord >= CONF_MAX_NODES ||
            c.repo_index > CONF_MAX_BACKUP_REPOS || nack > CONF_MAX_NODES)
                return -EBADMSG;
        for (unsigned k = 0; k < nack; k++) {
                uint8_t id = bufr_u8(&r);
                if (r.error || id >= CONF_MAX_NODES || (int)id <= prev)
                        return -EBADMSG;
                prev = id;
                c.report_ack[id] = bufr_u64(&r);
                if (!r.error && c.report_ack[id] == 0)
                        return -EBADMSG;
        }
        c.ngroups = bufr_u32(&r);
        if (r.error || c.ngroups > CONF_MAX_RGS)
                return -EBADMSG;
        for (uint32_t g = 0; g < c.ngroups; g++) {
                bool ok;
                c.gid[g] = bufr_u32(&r);
                ok = node_of_byte(bufr_u8(&r), &c.target[g]);
                c.ctl[g].admin = bufr_u8(&r);
                ok = node_of_byte(bufr_u8(&r), &c.ctl[g].pol_node) && ok;
                ok = node_of_byte(bufr_u8(&r), &c.ctl[g].move_node) && ok;
                ok = node_of_byte(bufr_u8(&r), &c.ctl[g].last_node) && ok;
                c.ctl[g].started = bufr_u8(&r) != 0;
                c.clear_seq[g] = bufr_u32(&r);
                if (!ok || c.ctl[g].admin > RGM_ADMIN_OFFLINE)
                        return -EBADMSG;
        }
        if (!r.error && r.pos < len && r.data[r.pos] != CONCURRENT_TAG) {
                /* canonical: 1..CSTATE_MAX_SUSPENDED names, strictly ascending */
                c.nsuspended = bufr_u8(&r);
                if (r.error || c.nsuspended == 0 || c.nsuspended > CSTATE_MAX_SUSPENDED)
                        return -EBADMSG;
                for (unsigned k = 0; k < c.nsuspended; k++) {
                        uint8_t n = bufr_u8(&r);
                        if (r.error || n == 0 || n > CONF_MAX_NAME)
                                return -EBADMSG;
                        bufr_bytes(&r, c.suspended[k], n);
                        if (r.error || memchr(c.suspended[k], '\0', n) ||
                            (k > 0 && strcmp(c.suspended[k - 1], c.suspended[k]) >= 0))
                                return -EBADMSG;
                }
        }
        if (!r.error && r.pos < len && concurrent_decode(&r, &c) < 0)
                return -EBADMSG;
        if (r.error || r.pos != len)
                return -EBADMSG;
        *ret = c;
        return 0;
}
