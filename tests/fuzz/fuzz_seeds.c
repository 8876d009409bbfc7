/* fuzz_seeds: writes the seed corpora of the fuzz targets added for the
 * repository, the lease, the configuration text, control requests and
 * clmgr replies, from the real encoders (repo_slot_encode, repo_lease_encode,
 * memb_*_encode, conf_db_format), with truncated and corrupted variants.
 * Usage: fuzz_seeds CORPUS_DIR tests/unit/conf/handwritten.conf (the
 * directories slot, repo, lease, conf, api
 * and reply must exist). Inputs found by fuzzing are added by hand. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/hamr_buf.h"
#include "conf/conf.h"
#include "cstate/cstate_msg.h"
#include "memb/memb_msg.h"
#include "repo/repo.h"

#define CHECK(c)                                                                                   \
        do {                                                                                       \
                if (!(c)) {                                                                        \
                        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);      \
                        exit(1);                                                                   \
                }                                                                                  \
        } while (0)

static const char *dir;

static void seed(const char *target, const char *name, const void *data, size_t len)
{
        char path[4096];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
        f = fopen(path, "wbe");
        CHECK(f);
        CHECK(len == 0 || fwrite(data, 1, len, f) == len);
        CHECK(fclose(f) == 0);
}

static void seed_str(const char *target, const char *name, const char *s)
{
        seed(target, name, s, strlen(s));
}

/* ---- slot: [node id byte] + raw block or body ---- */

static memb_status_t st;
static memb_view_t view;

static cstate_ctl_t ctl;

/* A report of 2 groups (one in ERROR) and the control state of view 9. */
static int report_bytes(uint8_t *buf, size_t cap)
{
        cstate_report_t r = {0};
        int n;

        r.report_seq = 5;
        r.services = SVC_ACTIVE;
        r.net = NET_OK;
        r.net_heard = 0x5;
        r.disk_ok = true;
        r.ctl_view = 9;
        r.ctl_seq = 4;
        r.ngroups = 2;
        r.groups = calloc(2, sizeof(*r.groups));
        CHECK(r.groups);
        r.groups[0] = (cstate_grp_t){.id = 256, .state = 2};
        r.groups[1] = (cstate_grp_t){.id = 257, .state = 4, .clear_seen = 2};
        cstate_report_set_reason(&r, 1, "STARTSCRIPT /x exited with status 3");
        n = cstate_report_encode(&r, CSTATE_REASON_LEN, buf, cap);
        cstate_report_clear(&r);
        CHECK(n > 0);
        return n;
}

static int control_bytes(uint8_t *buf, size_t cap)
{
        int n;

        memset(&ctl, 0, sizeof(ctl));
        ctl.view_id = 9;
        ctl.ctl_seq = 4;
        ctl.coord = 0;
        ctl.generation = 3;
        ctl.targets_valid = true;
        ctl.want[0] = ctl.want[1] = ctl.want[2] = WANT_ACTIVE;
        ctl.report_ack[1] = 5;
        ctl.ngroups = 2;
        ctl.gid[0] = 256;
        ctl.gid[1] = 257;
        ctl.target[0] = 1;
        ctl.target[1] = 0xffff;
        ctl.ctl[0] = (rgm_ctl_t){.pol_node = 0xffff, .move_node = 0xffff, .last_node = 1,
                                 .started = true};
        ctl.ctl[1] = (rgm_ctl_t){.admin = 1, .pol_node = 2, .move_node = 0xffff,
                                 .last_node = 0xffff};
        n = cstate_ctl_encode(&ctl, buf, cap);
        CHECK(n > 0);
        return n;
}

static size_t slot_body(uint8_t *body, size_t cap, bool with_view)
{
        static uint8_t sbuf[8192], vbuf[8192], rbuf[8192], cbuf[8192];
        int sn, vn, rn, cn;
        bufw_t w;

        memset(&st, 0, sizeof(st));
        st.status_seq = 17;
        st.generation = 3;
        st.reach = 0x7;
        st.view_id = 9;
        st.view_pub_seq = 4;
        st.view_epoch = 9;
        st.view_coord = 0;
        st.view_members = 0x7;
        st.quorate = true;
        st.ctl_view = 9;
        st.ctl_epoch = 9;
        st.echo_inc[0] = 11;
        st.echo_seq[0] = 40;
        sn = memb_status_encode(&st, sbuf, sizeof(sbuf));
        CHECK(sn > 0);

        memset(&view, 0, sizeof(view));
        view.view_id = 9;
        view.pub_seq = 4;
        view.ctl_epoch = 9;
        view.coord = 0;
        view.members = 0x7;
        view.incarnations[0] = 11;
        view.incarnations[1] = 12;
        view.incarnations[2] = 13;
        vn = memb_view_encode(&view, vbuf, sizeof(vbuf));
        CHECK(vn > 0);
        rn = report_bytes(rbuf, sizeof(rbuf));
        cn = control_bytes(cbuf, sizeof(cbuf));

        bufw_init(&w, body, cap);
        bufw_u16(&w, (uint16_t)sn);
        bufw_bytes(&w, sbuf, (size_t)sn);
        bufw_u16(&w, with_view ? (uint16_t)vn : 0);
        if (with_view)
                bufw_bytes(&w, vbuf, (size_t)vn);
        bufw_u16(&w, (uint16_t)rn);
        bufw_bytes(&w, rbuf, (size_t)rn);
        bufw_u16(&w, with_view ? (uint16_t)cn : 0);
        if (with_view)
                bufw_bytes(&w, cbuf, (size_t)cn);
        CHECK(!w.overflow);
        return w.len;
}

/* ---- cstate: [0] report, [1] control, then the body ---- */

static void cstate_seeds(void)
{
        static uint8_t in[1 + 8192];
        int n;

        in[0] = 0;
        n = report_bytes(in + 1, sizeof(in) - 1);
        seed("cstate", "report-two-groups", in, 1 + (size_t)n);
        seed("cstate", "report-truncated", in, 1 + (size_t)n / 2);
        in[0] = 1;
        n = control_bytes(in + 1, sizeof(in) - 1);
        seed("cstate", "control-two-groups", in, 1 + (size_t)n);
        seed("cstate", "control-truncated", in, 1 + (size_t)n - 3);
        in[1 + 40] ^= 0xff;
        seed("cstate", "control-corrupt", in, 1 + (size_t)n);
}

static void slot_seeds(void)
{
        static uint8_t body[REPO_SLOT_MAX_BODY], in[1 + REPO_SLOT_SIZE];
        size_t n;

        n = slot_body(body, sizeof(body), true);
        in[0] = 2;
        memcpy(in + 1, body, n);
        seed("slot", "body-status-view", in, 1 + n);
        CHECK(repo_slot_encode(in + 1, REPO_SLOT_SIZE, 2, 5, 77, 1700000000000000ull, body, n) ==
              0);
        seed("slot", "block-status-view", in, sizeof(in));
        seed("slot", "block-truncated-body", in, 1 + 52 + n / 2);
        seed("slot", "block-header-only", in, 1 + 40);
        in[0] = 3;
        seed("slot", "block-other-node", in, sizeof(in));
        in[0] = 2;
        in[1 + 52 + 10] ^= 0x20;
        seed("slot", "block-bad-checksum", in, sizeof(in));

        n = slot_body(body, sizeof(body), false);
        in[0] = 5;
        memcpy(in + 1, body, n);
        seed("slot", "body-status-no-view", in, 1 + n);
        CHECK(repo_slot_encode(in + 1, REPO_SLOT_SIZE, 5, 1, 1, 0, body, n) == 0);
        seed("slot", "block-status-no-view", in, sizeof(in));

        /* status length past the end of the body; view length past it */
        n = slot_body(body, sizeof(body), true);
        in[0] = 1;
        memcpy(in + 1, body, n);
        in[1] = 0xff;
        seed("slot", "body-status-len-too-long", in, 1 + n);
        memcpy(in + 1, body, n);
        seed("slot", "body-view-cut", in, 1 + n - 7);
        in[1] = 0;
        in[2] = 0;
        seed("slot", "body-empty-status", in, 1 + n);
        seed("slot", "body-one-byte", in, 2);
        seed("slot", "empty", in, 1);

        /* a block whose body_len says more than a slot holds */
        CHECK(repo_slot_encode(in + 1, REPO_SLOT_SIZE, 1, 1, 1, 0, NULL, 0) == 0);
        in[1 + 32] = 0x0f;
        in[1 + 33] = 0x81;
        seed("slot", "block-body-len-too-big", in, sizeof(in));
}

/* ---- repo: flags byte, then patches (u8 area, u24 offset, u16 len) ---- */

static size_t patch(uint8_t *p, uint8_t area, uint32_t off, const void *bytes, uint16_t len)
{
        p[0] = area;
        p[1] = (uint8_t)(off >> 16);
        p[2] = (uint8_t)(off >> 8);
        p[3] = (uint8_t)off;
        p[4] = (uint8_t)(len >> 8);
        p[5] = (uint8_t)len;
        memcpy(p + 6, bytes, len);
        return 6u + len;
}

static void repo_seeds(void)
{
        static const char text[] = "# hamr configuration generation 9\n[cluster x]\n";
        uint8_t in[512];
        size_t n;

        seed("repo", "zero-image", "\x00", 1);
        seed("repo", "valid-image", "\x01", 1);
        seed("repo", "valid-image-resealed", "\x03", 1);
        seed("repo", "short-image", "\x05\x00\x00\x30\x00", 5);
        seed("repo", "short-image-one-block", "\x05\x00\x00\x10\x00", 5);
        seed("repo", "short-image-no-block", "\x05\x00\x00\x0f\xff", 5);

        in[0] = 3;
        n = 1 + patch(in + 1, 0, 8, "\x00\x00\x00\x02", 4);
        seed("repo", "super-version-2", in, n);
        n = 1 + patch(in + 1, 0, 12, "\x00\x00\x00\x00\x00\x10\x00\x00", 8);
        seed("repo", "super-size-too-small", in, n);
        in[0] = 1;
        n = 1 + patch(in + 1, 0, 0, "HAMRREPX", 8);
        seed("repo", "super-bad-magic-unsealed", in, n);

        in[0] = 3;
        n = 1 + patch(in + 1, 1, 16, "\x00\x10\x00\x00", 4);
        seed("repo", "config-a-len-too-big", in, n);
        n = 1 + patch(in + 1, 2, 16, "\x00\x0f\xf0\x00", 4);
        seed("repo", "config-b-len-max", in, n);
        n = 1 + patch(in + 1, 2, 8, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
        seed("repo", "config-b-generation-max", in, n);
        n = 1 + patch(in + 1, 1, 4096, text, sizeof(text) - 1);
        n += patch(in + n, 1, 16, "\x00\x00\x00\x2e", 4);
        seed("repo", "config-a-new-text", in, n);
        n = 1 + patch(in + 1, 1, 4096 + 5, "\x00", 1);
        seed("repo", "config-a-embedded-nul", in, n);
        in[0] = 1;
        n = 1 + patch(in + 1, 2, 4096 + 3, "X", 1);
        seed("repo", "config-b-torn", in, n);
        in[0] = 3;
        n = 1 + patch(in + 1, 3, 16, "\x00\x00\x00\x00", 4);
        seed("repo", "staged-empty", in, n);
        n = 1 + patch(in + 1, 3, 0, "\x00\x00\x00\x00", 4);
        seed("repo", "staged-cleared", in, n);

        n = 1 + patch(in + 1, 4, 4096 + 32, "\x00\x00\x0f\x80", 4);
        seed("repo", "slot-1-body-len-max", in, n);
        n = 1 + patch(in + 1, 4, 2 * 4096 + 4, "\x00\x05", 2);
        seed("repo", "slot-2-wrong-id", in, n);
        n = 1 + patch(in + 1, 4, 63 * 4096, "HSLT\x00\x3f", 6);
        seed("repo", "slot-63-unsealed", in, n);

        n = 1 + patch(in + 1, 5, 6, "\x00\x40", 2);
        seed("repo", "lease-owner-invalid", in, n);
        n = 1 + patch(in + 1, 5, 6, "\xff\xff", 2);
        seed("repo", "lease-free", in, n);
        n = 1 + patch(in + 1, 5, 4, "\x00\x02", 2);
        seed("repo", "lease-version-2", in, n);
        in[0] = 1;
        n = 1 + patch(in + 1, 5, 20, "\x01", 1);
        seed("repo", "lease-torn", in, n);
}

/* ---- lease: raw block, and the same bytes as a script ---- */

static void lease_seeds(void)
{
        repo_lease_rec_t rec = {.owner = 1, .incarnation = 7, .counter = 3};
        uint8_t blk[REPO_SLOT_SIZE], s[256];
        size_t n = 0;

        CHECK(repo_lease_encode(blk, sizeof(blk), &rec) == 0);
        seed("lease", "record-owner-1", blk, 64);
        seed("lease", "record-truncated", blk, 30);
        blk[9] ^= 1;
        seed("lease", "record-bad-checksum", blk, 64);
        rec.owner = REPO_LEASE_NONE;
        CHECK(repo_lease_encode(blk, sizeof(blk), &rec) == 0);
        seed("lease", "record-free", blk, 64);
        memset(blk, 0, sizeof(blk));
        seed("lease", "record-empty", blk, 64);
        seed("lease", "record-empty-short", blk, 12);

        /* script: claim the empty block, settle, hold and renew, release */
#define OP(want, rd, wr, scale, step)                                                              \
        (s[n++] = (uint8_t)((want) | (rd) << 2 | (wr) << 4 | (scale) << 6), s[n++] = (step))
        for (int i = 0; i < 12; i++)
                OP(1, 0, 0, 2, 4); /* 200 ms steps */
        OP(0, 0, 0, 2, 4);
        OP(0, 0, 0, 2, 4);
        seed("lease", "script-claim-hold-release", s, n);

        /* another node's record: wait T, claim, then it writes again */
        n = 0;
        s[n++] = 1 | 3 << 2;
        s[n++] = 0;
        s[n++] = 0; /* owner selector 2: node 2 */
        s[n++] = 2;
        s[n++] = 9;
        memcpy(s + n, "\x00\x00\x00\x00\x00\x00\x00\x07", 8);
        n += 8;
        for (int i = 0; i < 10; i++)
                OP(1, 0, 0, 3, 1); /* 500 ms steps */
        s[n++] = 1 | 3 << 2;
        s[n++] = 0;
        s[n++] = 0;
        s[n++] = 2;
        s[n++] = 9;
        memcpy(s + n, "\x00\x00\x00\x00\x00\x00\x00\x20", 8);
        n += 8;
        OP(1, 0, 0, 2, 4);
        seed("lease", "script-takeover-then-lost", s, n);

        /* failures: failed reads, failed and late writes, flipped bits */
        n = 0;
        OP(1, 1, 0, 1, 5);
        OP(1, 0, 1, 1, 5);
        OP(1, 0, 2, 1, 5);
        OP(1, 0, 3, 1, 5);
        for (int i = 0; i < 6; i++)
                OP(1, 0, 0, 2, 4);
        OP(1, 2, 0, 2, 4);
        OP(1, 1, 0, 2, 4);
        OP(1, 0, 3, 2, 4);
        OP(3, 0, 0, 2, 4);
        OP(2, 0, 0, 2, 4);
        seed("lease", "script-failures", s, n);

        /* a record whose counter is the largest there is */
        n = 0;
        s[n++] = 1 | 3 << 2;
        s[n++] = 0;
        s[n++] = 0;
        s[n++] = 2;
        s[n++] = 9;
        memcpy(s + n, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
        n += 8;
        for (int i = 0; i < 10; i++)
                OP(1, 0, 0, 3, 1);
        seed("lease", "script-counter-max", s, n);
#undef OP
}

/* ---- conf: configuration text ---- */

static char *slurp(const char *path)
{
        FILE *f = fopen(path, "rbe");
        static char buf[65536];
        size_t n;

        CHECK(f);
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        return buf;
}

static void conf_seeds(const char *handwritten)
{
        char err[CONF_ERR_LEN], *text = slurp(handwritten), *out, line[5000];
        conf_db_t *db = NULL;

        seed_str("conf", "handwritten", text);
        CHECK(conf_db_parse(text, &db, err, sizeof(err)) == 0);
        out = conf_db_format(db);
        CHECK(out);
        seed_str("conf", "formatted", out);
        seed("conf", "formatted-truncated", out, strlen(out) / 2);
        conf_db_free(db);
        free(out);

        seed_str("conf", "empty", "");
        seed_str("conf", "generation-only",
                 "# hamr configuration generation 18446744073709551615\n");
        seed_str("conf", "bom-and-crlf", "\xEF\xBB\xBF[cluster c]\r\nREPOSITORY = /r\r\n");
        seed_str("conf", "section-unclosed", "[cluster c\nREPOSITORY = /r\n");
        seed_str("conf", "section-three-words", "[cluster c d]\n");
        seed_str("conf", "key-outside-section", "REPOSITORY = /r\n");
        seed_str("conf", "duplicate", "[node a]\nCOMMPATH = 198.18.0.1\n[node a]\n");
        seed_str("conf", "dangling-ref",
                 "[cluster c]\nREPOSITORY = /r\n[node a]\nCOMMPATH = 198.18.0.1\n"
                 "[rg g]\nNODES = a b\n");
        seed_str("conf", "no-equals", "[cluster c]\njust words\n");
        snprintf(line, sizeof(line), "[cluster c]\nREPOSITORY = /%04095d\n", 0);
        seed_str("conf", "long-path", line);
        memset(line, 'x', 4800);
        memcpy(line, "[cluster c]\n", 12);
        line[4800] = '\0';
        seed_str("conf", "long-line-no-equals", line);
        snprintf(line, sizeof(line), "[%0300d]\n", 0);
        seed_str("conf", "long-section", line);
}

/* ---- api: chunk byte + request bytes ---- */

static void api_seed(const char *name, uint8_t chunk, const char *req)
{
        char buf[4096];

        buf[0] = (char)chunk;
        snprintf(buf + 1, sizeof(buf) - 1, "%s", req);
        seed("api", name, buf, 1 + strlen(buf + 1));
}

static void api_seeds(void)
{
        api_seed("add-node", 0,
                 "{\"op\":\"add\",\"class\":\"node\",\"name\":\"n3\","
                 "\"attrs\":{\"COMMPATH\":\"198.18.0.13\"}}\n");
        api_seed("add-node-chunked", 6,
                 "{\"op\":\"add\",\"class\":\"node\",\"name\":\"n3\","
                 "\"attrs\":{\"COMMPATH\":\"198.18.0.13\"}}\nextra bytes\n");
        api_seed("add-rg", 0,
                 "{\"op\":\"add\",\"class\":\"rg\",\"name\":\"g2\",\"attrs\":"
                 "{\"NODES\":\"n2 n1\",\"STARTUP\":\"OFAN\",\"APPLICATIONS\":\"app1\"}}\n");
        api_seed("modify-cluster", 1,
                 "{\"op\":\"modify\",\"class\":\"cluster\",\"name\":null,\"attrs\":"
                 "{\"HEARTBEAT_FREQUENCY\":\"3\",\"HEARTBEAT_INTERVAL\":\"0.5\"}}\n");
        api_seed("modify-sip-bad-value", 0,
                 "{\"op\":\"modify\",\"class\":\"service_ip\",\"name\":\"svc1\",\"attrs\":"
                 "{\"ADDRESS\":\"300.1.1.1\"}}\n");
        api_seed("modify-readonly-id", 0,
                 "{\"op\":\"modify\",\"class\":\"rg\",\"name\":\"app_rg\",\"attrs\":"
                 "{\"ID\":\"7\"}}\n");
        api_seed("delete-referenced", 0,
                 "{\"op\":\"delete\",\"class\":\"node\",\"name\":\"n1\"}\n");
        api_seed("delete-rg", 0, "{\"op\":\"delete\",\"class\":\"rg\",\"name\":\"app_rg\"}\n");
        api_seed("query", 0, "{\"op\":\"query\",\"class\":\"app\",\"name\":\"app1\"}\n");
        api_seed("status", 3, "{\"op\":\"status\"}\n");
        api_seed("attrs-not-strings", 0,
                 "{\"op\":\"add\",\"class\":\"node\",\"name\":\"n4\",\"attrs\":{\"ID\":5}}\n");
        api_seed("value-with-newline-escape", 0,
                 "{\"op\":\"add\",\"class\":\"app\",\"name\":\"a2\",\"attrs\":{\"STARTSCRIPT\":"
                 "\"/x\\ny\",\"STOPSCRIPT\":\"/z\"}}\n");
        api_seed("not-an-object", 0, "[1,2,3]\n");
        api_seed("malformed", 0, "{\"op\":\n");
        api_seed("no-newline", 0, "{\"op\":\"status\"}");
        api_seed("flood", 255, "{\"op\":\"status\",\"pad\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"");
        seed("api", "embedded-nul", "\x00{\"op\":\"status\"}\x00garbage\n", 28);
}

/* ---- reply: one reply line ---- */

static void reply_seeds(void)
{
        seed_str("reply", "status",
                 "{\"ok\":true,\"cluster\":{\"NAME\":\"demo\",\"STATE\":\"STABLE\","
                 "\"GENERATION\":3,\"COORDINATOR\":\"n1\",\"VIEW\":7,\"MEMBERS\":[\"n1\",\"n2\"],"
                 "\"QUORUM\":true,\"LOCAL_NODE\":\"n2\"},\"nodes\":[{\"NAME\":\"n1\",\"STATE\":"
                 "\"ONLINE\",\"REACHABLE\":true,\"PATHS\":\"net,disk\"},{\"NAME\":\"n2\","
                 "\"STATE\":\"OFFLINE\",\"REACHABLE\":true,\"PATHS\":\"net\"}],\"groups\":[{"
                 "\"NAME\":\"app_rg\",\"STATE\":\"ERROR\",\"CURRENT_NODE\":\"\",\"TARGET\":\"n2\","
                 "\"NODES\":{\"n1\":\"OFFLINE\",\"n2\":\"ERROR\"},\"ERROR\":\"start failed\"}]}\n");
        seed_str("reply", "status-odd-types",
                 "{\"ok\":true,\"cluster\":[],\"nodes\":{\"NAME\":1},\"groups\":[{\"NAME\":null,"
                 "\"NODES\":[\"n1\"],\"STATE\":7},3]}\n");
        seed_str("reply", "query",
                 "{\"ok\":true,\"objects\":[{\"NAME\":\"app_rg\",\"NODES\":\"n1 n2\","
                 "\"STARTUP\":\"OHN\",\"STATE\":\"ONLINE\"},{\"NAME\":\"db_rg\"}]}\n");
        seed_str("reply", "query-odd-types",
                 "{\"ok\":true,\"objects\":[{\"NAME\":5,\"X\":{\"a\":1}},\"str\",null]}\n");
        seed_str("reply", "sync", "{\"ok\":true,\"generation\":4}\n");
        seed_str("reply", "verify-errors",
                 "{\"ok\":false,\"rc\":4,\"error\":\"node n1: COMMPATH missing\\nrg g: NODES\"}\n");
        seed_str("reply", "error-odd-rc", "{\"ok\":false,\"rc\":1000,\"error\":7}\n");
        seed_str("reply", "empty-object", "{}\n");
        seed_str("reply", "empty", "");
        seed_str("reply", "not-an-object", "[\"ok\"]\n");
        seed_str("reply", "truncated", "{\"ok\":true,\"objects\":[{\"NAME\":\"a");
        seed_str("reply", "trailing-garbage", "{\"ok\":true} trailing {\n");
}

int main(int argc, char **argv)
{
        if (argc != 3) {
                fprintf(stderr, "usage: %s CORPUS_DIR HANDWRITTEN_CONF\n", argv[0]);
                return 2;
        }
        CHECK(sodium_init() >= 0);
        dir = argv[1];
        slot_seeds();
        cstate_seeds();
        repo_seeds();
        lease_seeds();
        conf_seeds(argv[2]);
        api_seeds();
        reply_seeds();
        return 0;
}
