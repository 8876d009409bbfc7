/* daemon_avail.c: the availability records of every node (clmgr view
 * report): this node's hamr.out read on libuv's thread pool (a log can be
 * large; the loop never reads it), its relevant lines sent to the asking
 * node, and the gathering of every member's answer. */
#include "daemon/daemon_avail.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agents/agent_evlog.h"
#include "common/hamr_alloc.h"
#include "common/hamr_buf.h"
#include "common/hamr_error.h"
#include "common/hamr_log.h"
#include "daemon/daemon.h"

#define AVAIL_MAX_GATHER  4
#define AVAIL_TIMEOUT_MS  5000
#define AVAIL_RESEND_MS   500
#define AVAIL_LINES_BYTES (40 * 1024) /* of line text per node: one REPLY body */

/* The events the report replays (cli_report.c), as they start a hamr.out
 * line's text after "#ID ". */
static const char *const wanted[] = {
    "EVENT START: rg_move_acquire ", "EVENT COMPLETED: rg_move_acquire ",
    "EVENT START: rg_move_release ", "EVENT START: node_down ",
    "EVENT START: server_down ",     "EVENT COMPLETED: server_restart ",
    "EVENT START: start_server ",    "EVENT COMPLETED: start_server ",
    "EVENT START: stop_server ",
};

static bool wanted_line(const char *line)
{
        const char *p = strchr(line, '#');

        if (!p || !(p = strchr(p, ' ')))
                return false;
        p++;
        for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
                if (!strncmp(p, wanted[i], strlen(wanted[i])))
                        return true;
        return false;
}

/* ---- this node's lines (thread pool) ---- */

typedef struct read_job {
        uv_work_t req;
        hamrd_t *d;
        char path[4096];
        char end_iso[32]; /* lines at or before (ISO text compares as time), "" all */
        /* who asked: a local conn, a peer (from, req_id), or our own gathering */
        enum { ASK_LOCAL, ASK_PEER, ASK_SELF } ask;
        uint32_t conn;
        uint16_t from;
        uint32_t req_id;
        /* out */
        json_t *lines;
        bool truncated;
        int err;
} read_job_t;

static void read_work(uv_work_t *req)
{
        read_job_t *j = req->data;
        FILE *f = fopen(j->path, "re");
        char **keep = NULL, buf[8192];
        size_t n = 0, cap = 0, bytes = 0;
        long k;

        j->lines = json_array();
        if (!f) {
                j->err = -errno;
                return;
        }
        while (fgets(buf, sizeof(buf), f)) {
                size_t len = strlen(buf);
                if (len && buf[len - 1] == '\n')
                        buf[--len] = '\0';
                if (!wanted_line(buf))
                        continue;
                if (j->end_iso[0] && strncmp(buf, j->end_iso, strlen(j->end_iso)) > 0)
                        continue;
                if (n == cap) {
                        cap = cap ? cap * 2 : 1024;
                        keep = zrealloc(keep, cap * sizeof(*keep));
                }
                keep[n++] = zstrdup(buf);
        }
        if (ferror(f))
                j->err = -EIO;
        fclose(f);
        /* the newest lines that fit */
        for (k = (long)n - 1; k >= 0 && bytes + strlen(keep[k]) + 8 <= AVAIL_LINES_BYTES; k--)
                bytes += strlen(keep[k]) + 8;
        j->truncated = k >= 0;
        for (size_t i = (size_t)(k + 1); i < n; i++)
                json_array_append_new(j->lines, json_string(keep[i]));
        for (size_t i = 0; i < n; i++)
                free(keep[i]);
        free(keep);
}

static json_t *answer_of(hamrd_t *d, read_job_t *j)
{
        json_t *a = json_pack("{s:b, s:s, s:i, s:O, s:b}", "ok", 1, "NODE", d->node_name, "NODE_ID",
                              (int)d->self_id, "LINES", j->lines, "TRUNCATED", j->truncated);
        char line[4300];

        if (j->err) {
                snprintf(line, sizeof(line), "its event log %s cannot be read: %s",
                         j->path[0] ? j->path : "(not kept)", strerror(-j->err));
                json_object_set_new(a, "WARNINGS", json_pack("[s]", line));
        }
        return a;
}

/* Peer requests being read: a resent request is not read twice. */
static struct {
        uint16_t from;
        uint32_t req_id;
        bool used;
} reading[16];

static void gather_add(hamrd_t *d, uint32_t req_id, json_t *ans);

static void read_done(uv_work_t *req, int status)
{
        read_job_t *j = req->data;
        hamrd_t *d = j->d;
        json_t *a;

        if (status < 0 && !j->err)
                j->err = status;
        if (!j->lines)
                j->lines = json_array();
        a = answer_of(d, j);
        if (j->ask == ASK_LOCAL) {
                api_reply(d->api, j->conn, a);
        } else if (j->ask == ASK_SELF) {
                gather_add(d, j->req_id, a);
        } else {
                uint8_t out[WIRE_MAX_BODY];
                char *text = json_dumps(a, JSON_COMPACT);
                bufw_t w;

                json_decref(a);
                bufw_init(&w, out, sizeof(out));
                bufw_u32(&w, j->req_id);
                bufw_str(&w, text ? text : "{}");
                free(text);
                if (!w.overflow)
                        hamrd_send_to(d, j->from, WIRE_T_REPLY, out, w.len);
                else
                        log_warn("daemon", "availability records too large for a reply");
                for (int i = 0; i < 16; i++)
                        if (reading[i].used && reading[i].from == j->from &&
                            reading[i].req_id == j->req_id)
                                reading[i].used = false;
        }
        json_decref(j->lines);
        free(j);
}

static void start_read(hamrd_t *d, json_t *req, read_job_t *j)
{
        long long end_ms = json_integer_value(json_object_get(req, "END_MS"));

        j->d = d;
        j->req.data = j;
        snprintf(j->path, sizeof(j->path), "%s", evlog_path());
        if (end_ms > 0) {
                time_t s = (time_t)(end_ms / 1000);
                struct tm tm;
                gmtime_r(&s, &tm);
                snprintf(j->end_iso, sizeof(j->end_iso), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                         tm.tm_sec, (int)(end_ms % 1000));
        }
        if (!j->path[0]) {
                j->err = -ENOENT;
                read_done(&j->req, 0);
                return;
        }
        if (uv_queue_work(d->loop, &j->req, read_work, read_done) < 0) {
                j->err = -EAGAIN;
                read_done(&j->req, 0);
        }
}

void hamrd_op_node_avail(hamrd_t *d, uint32_t conn, json_t *req)
{
        read_job_t *j = zalloc(sizeof(*j));

        j->ask = ASK_LOCAL;
        j->conn = conn;
        start_read(d, req, j);
}

void hamrd_avail_peer(hamrd_t *d, uint16_t from, uint32_t req_id, json_t *req)
{
        read_job_t *j;
        int slot = -1;

        for (int i = 0; i < 16; i++) {
                if (reading[i].used && reading[i].from == from && reading[i].req_id == req_id)
                        return; /* already being read */
                if (!reading[i].used && slot < 0)
                        slot = i;
        }
        if (slot < 0)
                return; /* busy: the asker resends */
        reading[slot].used = true;
        reading[slot].from = from;
        reading[slot].req_id = req_id;
        j = zalloc(sizeof(*j));
        j->ask = ASK_PEER;
        j->from = from;
        j->req_id = req_id;
        start_read(d, req, j);
}

/* ---- gathering ---- */

typedef struct gather {
        bool used;
        hamrd_t *d;
        uint32_t conn, req_id;
        uint64_t waiting; /* members that have not answered */
        char *text;       /* the node_avail request */
        json_t *answers;  /* node id (decimal) -> answer */
        usec_t deadline, last_send;
        uv_timer_t timer;
        bool timer_init;
} gather_t;

static gather_t gathers[AVAIL_MAX_GATHER];

static void send_ask(hamrd_t *d, gather_t *g, uint16_t id)
{
        uint8_t buf[WIRE_MAX_BODY];
        bufw_t w;

        bufw_init(&w, buf, sizeof(buf));
        bufw_u32(&w, g->req_id);
        bufw_str(&w, g->text);
        if (!w.overflow)
                hamrd_send_to(d, id, WIRE_T_COMMAND, buf, w.len);
}

static void finish(gather_t *g)
{
        hamrd_t *d = g->d;
        json_t *nodes = json_array(), *warn = json_array();
        uint64_t members = d->member ? d->memb->view.members : 0;
        char key[16], line[300];

        for (unsigned n = 0; d->cfg && n < d->cfg->nnodes; n++) {
                const conf_node_t *cn = &d->cfg->nodes[n];
                json_t *ans;

                snprintf(key, sizeof(key), "%u", cn->id);
                ans = json_object_get(g->answers, key);
                if (ans) {
                        json_object_set_new(ans, "NODE", json_string(cn->name));
                        json_array_append(nodes, ans);
                        continue;
                }
                snprintf(line, sizeof(line),
                         "node %s %s: its event log is not in the report (the groups it ran "
                         "then are seen only through the other nodes' node_down events)",
                         cn->name,
                         (members >> cn->id) & 1 ? "did not answer in time"
                                                 : "is not a member of the cluster view");
                json_array_append_new(warn, json_string(line));
        }
        g->used = false;
        uv_timer_stop(&g->timer);
        api_reply(d->api, g->conn,
                  json_pack("{s:b, s:o, s:o}", "ok", 1, "nodes", nodes, "warnings", warn));
        json_decref(g->answers);
        g->answers = NULL;
        free(g->text);
        g->text = NULL;
}

static void gather_add(hamrd_t *d, uint32_t req_id, json_t *ans)
{
        (void)d;
        for (int i = 0; i < AVAIL_MAX_GATHER; i++) {
                gather_t *g = &gathers[i];
                json_int_t id = json_integer_value(json_object_get(ans, "NODE_ID"));
                char key[16];

                if (!g->used || g->req_id != req_id)
                        continue;
                if (id >= 0 && id < CONF_MAX_NODES && (g->waiting >> id & 1)) {
                        snprintf(key, sizeof(key), "%d", (int)id);
                        json_object_set(g->answers, key, ans);
                        g->waiting &= ~(UINT64_C(1) << id);
                }
                if (!g->waiting)
                        finish(g);
                break;
        }
        json_decref(ans);
}

bool hamrd_avail_on_reply(hamrd_t *d, uint32_t req_id, const char *text)
{
        for (int i = 0; i < AVAIL_MAX_GATHER; i++) {
                if (gathers[i].used && gathers[i].req_id == req_id) {
                        json_t *ans = json_loads(text, 0, NULL);
                        if (ans)
                                gather_add(d, req_id, ans);
                        return true;
                }
        }
        return false;
}

static void on_timer(uv_timer_t *t)
{
        gather_t *g = t->data;
        usec_t now = now_usec();

        if (!g->used)
                return;
        if (now >= g->deadline) {
                finish(g);
                return;
        }
        g->last_send = now;
        for (uint16_t id = 0; id < CONF_MAX_NODES; id++)
                if (g->waiting >> id & 1)
                        send_ask(g->d, g, id);
}

void hamrd_op_avail(hamrd_t *d, uint32_t conn, json_t *req)
{
        gather_t *g = NULL;
        json_t *ask;
        read_job_t *j;

        if (!d->cfg || !d->member) {
                api_reply_error(d->api, conn, CLMGR_RC_ERROR,
                                "view report: this node has no cluster configuration yet (no "
                                "event to analyze)");
                return;
        }
        for (int i = 0; i < AVAIL_MAX_GATHER && !g; i++)
                if (!gathers[i].used)
                        g = &gathers[i];
        if (!g) {
                api_reply_error(d->api, conn, CLMGR_RC_ERROR,
                                "too many availability reports in progress: retry");
                return;
        }
        if (!g->timer_init) {
                uv_timer_init(d->loop, &g->timer);
                g->timer.data = g;
                g->timer_init = true;
        }
        ask = json_pack("{s:s}", "op", "node_avail");
        if (json_is_integer(json_object_get(req, "END_MS")))
                json_object_set(ask, "END_MS", json_object_get(req, "END_MS"));
        g->text = json_dumps(ask, JSON_COMPACT);
        json_decref(ask);
        g->used = true;
        g->d = d;
        g->conn = conn;
        g->req_id = ++d->next_req_id;
        g->answers = json_object();
        g->deadline = now_usec() + AVAIL_TIMEOUT_MS * USEC_PER_MSEC;
        g->last_send = now_usec();
        g->waiting = d->memb->view.members | (UINT64_C(1) << d->self_id);
        for (uint16_t id = 0; id < CONF_MAX_NODES; id++)
                if ((g->waiting >> id & 1) && id != d->self_id)
                        send_ask(d, g, id);
        uv_timer_start(&g->timer, on_timer, AVAIL_RESEND_MS, AVAIL_RESEND_MS);
        j = zalloc(sizeof(*j));
        j->ask = ASK_SELF;
        j->req_id = g->req_id;
        start_read(d, req, j);
}
