/* test_cstate: the cluster-state messages (REPORT, CONTROL) and the store
 * (reports mapped onto the configuration by group ID, control acceptance). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cstate/cstate.h"

static void test_report_roundtrip(void **state)
{
        cstate_report_t a = {0}, b = {0};
        uint8_t buf[4096];
        int n;

        (void)state;
        a.report_seq = 42;
        a.services = SVC_ACTIVE;
        a.net = NET_OK;
        a.net_heard = 0x6;
        a.reach = CSTATE_REACH_TARGETS | CSTATE_REACH_OK;
        a.disk_ok = true;
        a.repo_index = 1;
        a.ctl_view = 9;
        a.ctl_seq = 3;
        a.ngroups = 2;
        a.groups = calloc(2, sizeof(*a.groups));
        a.groups[0] = (cstate_grp_t){.id = 256, .state = RG_S_ONLINE};
        a.groups[1] = (cstate_grp_t){.id = 300, .state = RG_S_ERROR, .clear_seen = 5};
        cstate_report_set_reason(&a, 1, "STARTSCRIPT /x exited with status 3");
        n = cstate_report_encode(&a, CSTATE_REASON_LEN, buf, sizeof(buf));
        assert_true(n > 0);
        assert_int_equal(cstate_report_decode(buf, (size_t)n, &b), 0);
        assert_int_equal(b.report_seq, 42);
        assert_int_equal(b.services, SVC_ACTIVE);
        assert_int_equal(b.reach, CSTATE_REACH_TARGETS | CSTATE_REACH_OK);
        assert_true(b.disk_ok);
        assert_int_equal(b.ctl_view, 9);
        assert_int_equal(b.ctl_seq, 3);
        assert_int_equal(b.groups[1].id, 300);
        assert_int_equal(b.groups[1].clear_seen, 5);
        assert_string_equal(b.groups[1].reason, "STARTSCRIPT /x exited with status 3");
        assert_null(b.groups[0].reason);
        cstate_report_clear(&b);
        /* every truncation and a trailing byte are rejected, except the
         * report without its (empty) monitor block: an older sender's */
        for (int len = 0; len < n - 4; len++)
                assert_int_equal(cstate_report_decode(buf, (size_t)len, &b), -EBADMSG);
        for (int len = n - 3; len < n; len++)
                assert_int_equal(cstate_report_decode(buf, (size_t)len, &b), -EBADMSG);
        assert_int_equal(cstate_report_decode(buf, (size_t)n - 4, &b), 0);
        cstate_report_clear(&b);
        buf[n] = 0;
        assert_int_equal(cstate_report_decode(buf, (size_t)n + 1, &b), -EBADMSG);
        /* the monitor block: failed here, restarts, last failure */
        a.groups[0].failed_here = true;
        a.groups[0].mon_restarts = 3;
        a.groups[0].mon_failure = strdup("application_monitor am1: MONITORMETHOD /c exited");
        n = cstate_report_encode(&a, CSTATE_REASON_LEN, buf, sizeof(buf));
        assert_int_equal(cstate_report_decode(buf, (size_t)n, &b), 0);
        assert_true(b.groups[0].failed_here);
        assert_false(b.groups[1].failed_here);
        assert_int_equal(b.groups[0].mon_restarts, 3);
        assert_string_equal(b.groups[0].mon_failure,
                            "application_monitor am1: MONITORMETHOD /c exited");
        assert_null(b.groups[1].mon_failure);
        cstate_report_clear(&b);
        for (int len = 0; len < n; len++) {
                /* only the prefix without the block decodes */
                assert_int_equal(cstate_report_decode(buf, (size_t)len, &b) == 0,
                                 len == n - 12 - (int)strlen(a.groups[0].mon_failure));
                cstate_report_clear(&b);
        }
        /* the generation whose live changes are over, after the monitor
         * and DNP blocks, tagged: optional (an older sender's report has none) */
        a.cfg_done = 7;
        n = cstate_report_encode(&a, CSTATE_REASON_LEN, buf, sizeof(buf));
        assert_int_equal(cstate_report_decode(buf, (size_t)n, &b), 0);
        assert_int_equal(b.cfg_done, 7);
        cstate_report_clear(&b);
        assert_int_equal(cstate_report_decode(buf, (size_t)n - 9, &b), 0); /* tag + u64 */
        assert_int_equal(b.cfg_done, 0);
        cstate_report_clear(&b);
        for (int len = n - 8; len < n; len++)
                assert_int_equal(cstate_report_decode(buf, (size_t)len, &b), -EBADMSG);
        /* and the last live change that failed there */
        a.dare_fail_gen = 7;
        a.dare_fail_rg = 300;
        a.dare_fail = strdup("application_controller app2: STARTSCRIPT /x exited with status 3");
        n = cstate_report_encode(&a, CSTATE_REASON_LEN, buf, sizeof(buf));
        assert_int_equal(cstate_report_decode(buf, (size_t)n, &b), 0);
        assert_int_equal(b.dare_fail_gen, 7);
        assert_int_equal(b.dare_fail_rg, 300);
        assert_string_equal(b.dare_fail, a.dare_fail);
        cstate_report_clear(&b);
        for (int len = n - 8 - 4 - 2 - (int)strlen(a.dare_fail) + 1; len < n; len++)
                assert_int_equal(cstate_report_decode(buf, (size_t)len, &b), -EBADMSG);
        free(a.dare_fail);
        a.dare_fail = NULL;
        a.dare_fail_gen = 0;
        a.dare_fail_rg = 0;
        a.cfg_done = 0;
        free(a.groups[0].mon_failure);
        a.groups[0].mon_failure = NULL;
        a.groups[0].failed_here = false;
        a.groups[0].mon_restarts = 0;
        /* the DNP block: node values and a group's script value */
        a.dnp = (cstate_dnp_t){
            .have = CSTATE_DNP_MEM | CSTATE_DNP_DISK, .mem_free_mb = 2048, .disk_busy_pm = 125};
        a.groups[1].dnp_have = true;
        a.groups[1].dnp_rc = 7;
        n = cstate_report_encode(&a, CSTATE_REASON_LEN, buf, sizeof(buf));
        assert_int_equal(cstate_report_decode(buf, (size_t)n, &b), 0);
        assert_int_equal(b.dnp.have, CSTATE_DNP_MEM | CSTATE_DNP_DISK);
        assert_int_equal(b.dnp.mem_free_mb, 2048);
        assert_int_equal(b.dnp.cpu_idle_pm, 0);
        assert_int_equal(b.dnp.disk_busy_pm, 125);
        assert_false(b.groups[0].dnp_have);
        assert_true(b.groups[1].dnp_have);
        assert_int_equal(b.groups[1].dnp_rc, 7);
        cstate_report_clear(&b);
        for (int len = 0; len < n; len++) {
                /* only the prefix without the block (1+1+4+2+2+4+4+1 bytes) decodes,
                 * and the one without the (empty) monitor block either */
                assert_int_equal(cstate_report_decode(buf, (size_t)len, &b) == 0,
                                 len == n - 19 || len == n - 23);
                cstate_report_clear(&b);
        }
        /* canonical: a value only with its bit, per mille up to 1000 */
        a.dnp.cpu_idle_pm = 10;
        n = cstate_report_encode(&a, CSTATE_REASON_LEN, buf, sizeof(buf));
        assert_int_equal(cstate_report_decode(buf, (size_t)n, &b), -EBADMSG);
        a.dnp.have |= CSTATE_DNP_CPU;
        a.dnp.cpu_idle_pm = 1001;
        n = cstate_report_encode(&a, CSTATE_REASON_LEN, buf, sizeof(buf));
        assert_int_equal(cstate_report_decode(buf, (size_t)n, &b), -EBADMSG);
        /* both optional blocks: DNP then the live-change one */
        a.dnp.cpu_idle_pm = 500;
        a.cfg_done = 11;
        n = cstate_report_encode(&a, CSTATE_REASON_LEN, buf, sizeof(buf));
        assert_int_equal(cstate_report_decode(buf, (size_t)n, &b), 0);
        assert_int_equal(b.cfg_done, 11);
        assert_int_equal(b.dnp.cpu_idle_pm, 500);
        assert_int_equal(b.groups[1].dnp_rc, 7);
        cstate_report_clear(&b);
        a.cfg_done = 0;
        a.dnp = (cstate_dnp_t){0};
        a.groups[1].dnp_have = false;
        /* shortened reasons still decode */
        n = cstate_report_encode(&a, 8, buf, sizeof(buf));
        assert_int_equal(cstate_report_decode(buf, (size_t)n, &b), 0);
        assert_string_equal(b.groups[1].reason, "STARTSCR");
        cstate_report_clear(&b);
        /* canonical form: ascending ids, a reason only in ERROR, enums in range */
        a.groups[1].id = 256;
        n = cstate_report_encode(&a, CSTATE_REASON_LEN, buf, sizeof(buf));
        assert_int_equal(cstate_report_decode(buf, (size_t)n, &b), -EBADMSG);
        a.groups[1].id = 300;
        a.groups[1].state = RG_S_ONLINE;
        n = cstate_report_encode(&a, CSTATE_REASON_LEN, buf, sizeof(buf));
        assert_int_equal(cstate_report_decode(buf, (size_t)n, &b), 0); /* reason not sent */
        cstate_report_clear(&b);
        /* reachability: known bits only, reached only with targets */
        a.reach = CSTATE_REACH_OK;
        n = cstate_report_encode(&a, CSTATE_REASON_LEN, buf, sizeof(buf));
        assert_int_equal(cstate_report_decode(buf, (size_t)n, &b), -EBADMSG);
        a.reach = 0x4 | CSTATE_REACH_TARGETS;
        n = cstate_report_encode(&a, CSTATE_REASON_LEN, buf, sizeof(buf));
        assert_int_equal(cstate_report_decode(buf, (size_t)n, &b), -EBADMSG);
        a.reach = CSTATE_REACH_TARGETS;
        n = cstate_report_encode(&a, CSTATE_REASON_LEN, buf, sizeof(buf));
        assert_int_equal(cstate_report_decode(buf, (size_t)n, &b), 0);
        assert_int_equal(b.reach, CSTATE_REACH_TARGETS);
        cstate_report_clear(&b);
        a.services = SVC_COUNT;
        n = cstate_report_encode(&a, CSTATE_REASON_LEN, buf, sizeof(buf));
        assert_int_equal(cstate_report_decode(buf, (size_t)n, &b), -EBADMSG);
        assert_int_equal(cstate_report_encode(&a, CSTATE_REASON_LEN, buf, 10), -EMSGSIZE);
        cstate_report_clear(&a);
}

static void test_ctl_roundtrip(void **state)
{
        static cstate_ctl_t a, b;
        uint8_t buf[16384];
        int n;

        (void)state;
        memset(&a, 0, sizeof(a));
        a.view_id = 3;
        a.ctl_seq = 11;
        a.coord = 1;
        a.generation = 4;
        a.targets_valid = true;
        a.stable = true;
        a.want[1] = WANT_ACTIVE;
        a.report_ack[1] = 7;
        a.report_ack[2] = 9;
        a.ngroups = 2;
        a.gid[0] = 256;
        a.gid[1] = 257;
        a.target[0] = 2;
        a.target[1] = RGM_NO_NODE;
        a.ctl[0] =
            (rgm_ctl_t){.pol_node = 2, .move_node = RGM_NO_NODE, .last_node = 2, .started = true};
        a.ctl[1] = (rgm_ctl_t){.admin = RGM_ADMIN_OFFLINE,
                               .pol_node = RGM_NO_NODE,
                               .move_node = 0,
                               .last_node = RGM_NO_NODE};
        a.clear_seq[1] = 9;
        n = cstate_ctl_encode(&a, buf, sizeof(buf));
        assert_true(n > 0);
        assert_int_equal(cstate_ctl_decode(buf, (size_t)n, &b), 0);
        assert_memory_equal(&a, &b, sizeof(a));
        for (int len = 0; len < n; len++)
                assert_int_equal(cstate_ctl_decode(buf, (size_t)len, &b), -EBADMSG);
        a.want[3] = WANT_COUNT;
        n = cstate_ctl_encode(&a, buf, sizeof(buf));
        assert_int_equal(cstate_ctl_decode(buf, (size_t)n, &b), -EBADMSG);
}

/* Suspended application controllers: kept sorted and unique, encoded only
 * when there are some (a control without them is unchanged), canonical. */
static void test_ctl_suspended(void **state)
{
        static cstate_ctl_t a, b;
        uint8_t buf[16384];
        int n0, n;

        (void)state;
        memset(&a, 0, sizeof(a));
        a.coord = 1;
        a.ngroups = 1;
        a.gid[0] = 256;
        a.target[0] = RGM_NO_NODE;
        a.ctl[0] = (rgm_ctl_t){
            .pol_node = RGM_NO_NODE, .move_node = RGM_NO_NODE, .last_node = RGM_NO_NODE};
        n0 = cstate_ctl_encode(&a, buf, sizeof(buf));
        assert_true(n0 > 0);
        assert_int_equal(cstate_ctl_set_suspended(&a, "web", true), 0);
        assert_int_equal(cstate_ctl_set_suspended(&a, "db", true), 0);
        assert_int_equal(cstate_ctl_set_suspended(&a, "web", true), 0); /* again: no-op */
        assert_int_equal(a.nsuspended, 2);
        assert_string_equal(a.suspended[0], "db");
        assert_string_equal(a.suspended[1], "web");
        assert_true(cstate_ctl_suspended(&a, "web"));
        assert_false(cstate_ctl_suspended(&a, "we"));
        n = cstate_ctl_encode(&a, buf, sizeof(buf));
        assert_int_equal(n, n0 + 1 + 3 + 4);
        assert_int_equal(cstate_ctl_decode(buf, (size_t)n, &b), 0);
        assert_memory_equal(&a, &b, sizeof(a));
        for (int len = n0 + 1; len < n; len++)
                assert_int_equal(cstate_ctl_decode(buf, (size_t)len, &b), -EBADMSG);
        /* not canonical: names out of order, an empty name */
        buf[n0 + 1 + 1] = 'x'; /* "db" -> "xb" > "web" */
        assert_int_equal(cstate_ctl_decode(buf, (size_t)n, &b), -EBADMSG);
        buf[n0 + 1 + 1] = 'd';
        buf[n0] = 0; /* count 0 with a block */
        assert_int_equal(cstate_ctl_decode(buf, (size_t)n, &b), -EBADMSG);
        /* resume removes and zeroes: equal to a control that never had it */
        assert_int_equal(cstate_ctl_set_suspended(&a, "db", false), 0);
        assert_int_equal(cstate_ctl_set_suspended(&a, "nothere", false), 0);
        assert_int_equal(cstate_ctl_set_suspended(&a, "web", false), 0);
        assert_int_equal(a.nsuspended, 0);
        assert_int_equal(cstate_ctl_encode(&a, buf, sizeof(buf)), n0);
        memset(&b, 0, sizeof(b));
        b.coord = 1;
        b.ngroups = 1;
        b.gid[0] = 256;
        b.target[0] = RGM_NO_NODE;
        b.ctl[0] = a.ctl[0];
        assert_memory_equal(&a, &b, sizeof(a));
        /* full */
        for (int k = 0; k < CSTATE_MAX_SUSPENDED; k++) {
                char name[16];
                snprintf(name, sizeof(name), "app%02d", k);
                assert_int_equal(cstate_ctl_set_suspended(&a, name, true), 0);
        }
        assert_int_equal(cstate_ctl_set_suspended(&a, "zz", true), -ENOSPC);
        n = cstate_ctl_encode(&a, buf, sizeof(buf));
        assert_int_equal(cstate_ctl_decode(buf, (size_t)n, &b), 0);
        assert_memory_equal(&a, &b, sizeof(a));
}

/* Concurrent groups' masks: their own block, only when some is set, after
 * the suspended controllers; round trip, truncation and canonical form. */
static void test_ctl_concurrent(void **state)
{
        static cstate_ctl_t a, b;
        uint8_t buf[16384];
        int n0, n;

        (void)state;
        memset(&a, 0, sizeof(a));
        a.coord = 1;
        a.ngroups = 3;
        for (int g = 0; g < 3; g++) {
                a.gid[g] = 256 + (uint32_t)g;
                a.target[g] = RGM_NO_NODE;
                a.ctl[g] = (rgm_ctl_t){
                    .pol_node = RGM_NO_NODE, .move_node = RGM_NO_NODE, .last_node = RGM_NO_NODE};
        }
        n0 = cstate_ctl_encode(&a, buf, sizeof(buf));
        assert_true(n0 > 0);
        a.cnodes[0] = 0x7;
        a.cnodes[2] = 0x1;
        a.coffline[2] = UINT64_C(1) << 63;
        n = cstate_ctl_encode(&a, buf, sizeof(buf));
        assert_int_equal(n, n0 + 1 + 2 + 2 * 18);
        assert_int_equal(cstate_ctl_decode(buf, (size_t)n, &b), 0);
        assert_memory_equal(&a, &b, sizeof(a));
        for (int len = n0 + 1; len < n; len++)
                assert_int_equal(cstate_ctl_decode(buf, (size_t)len, &b), -EBADMSG);
        /* with suspended controllers before it */
        assert_int_equal(cstate_ctl_set_suspended(&a, "web", true), 0);
        n = cstate_ctl_encode(&a, buf, sizeof(buf));
        assert_int_equal(cstate_ctl_decode(buf, (size_t)n, &b), 0);
        assert_memory_equal(&a, &b, sizeof(a));
        assert_int_equal(cstate_ctl_set_suspended(&a, "web", false), 0);
        /* not canonical: an index beyond ngroups, out of order, empty masks */
        n = cstate_ctl_encode(&a, buf, sizeof(buf));
        buf[n0 + 3 + 18 + 1] = 3; /* second entry's index 2 -> 3 */
        assert_int_equal(cstate_ctl_decode(buf, (size_t)n, &b), -EBADMSG);
        buf[n0 + 3 + 18 + 1] = 0; /* 0 after 0 */
        assert_int_equal(cstate_ctl_decode(buf, (size_t)n, &b), -EBADMSG);
        a.cnodes[2] = a.coffline[2] = 0;
        n = cstate_ctl_encode(&a, buf, sizeof(buf));
        memset(buf + n0 + 3 + 2, 0, 8); /* group 0's cnodes emptied */
        assert_int_equal(cstate_ctl_decode(buf, (size_t)n, &b), -EBADMSG);
        /* nothing set: the message is what it was without concurrent groups */
        a.cnodes[0] = 0;
        assert_int_equal(cstate_ctl_encode(&a, buf, sizeof(buf)), n0);
}

static void report(cstate_t *cs, uint16_t id, uint64_t inc, uint64_t seq, uint32_t gid,
                   rg_state_t s, bool accepted)
{
        cstate_report_t r = {0};

        r.report_seq = seq;
        r.ngroups = 1;
        r.groups = calloc(1, sizeof(*r.groups));
        r.groups[0] = (cstate_grp_t){.id = gid, .state = (uint8_t)s};
        assert_int_equal(cstate_on_report(cs, id, inc, &r), accepted);
        assert_null(r.groups); /* taken or freed */
}

/* Reports follow groups by ID, whatever the configuration's order; older
 * reports and older lives are ignored; a new life replaces everything. */
static void test_store_maps_by_id(void **state)
{
        static conf_node_t nodes[2] = {{.name = "n1", .id = 0}, {.name = "n2", .id = 1}};
        static conf_rg_t rgs[2] = {{.name = "a", .id = 256}, {.name = "b", .id = 257}};
        hamr_config_t cfg = {.nodes = nodes, .nnodes = 2, .rgs = rgs, .nrgs = 2, .generation = 1};
        cstate_t *cs = cstate_new();

        (void)state;
        cstate_set_config(cs, &cfg, 0);
        report(cs, 1, 5, 1, 257, RG_S_ONLINE, true);
        assert_int_equal(cstate_group_state(cs, 1, 1), RG_S_ONLINE);
        assert_int_equal(cstate_group_state(cs, 1, 0), RG_S_UNKNOWN); /* not reported */
        assert_int_equal(cstate_held_count(cs, 1), 1);
        report(cs, 1, 5, 1, 257, RG_S_OFFLINE, false); /* same seq: ignored */
        report(cs, 1, 4, 9, 257, RG_S_OFFLINE, false); /* older life */
        assert_int_equal(cstate_group_state(cs, 1, 1), RG_S_ONLINE);
        /* a new configuration order: b first */
        conf_rg_t swapped[2] = {rgs[1], rgs[0]};
        cfg.rgs = swapped;
        cstate_set_config(cs, &cfg, 0);
        assert_int_equal(cstate_group_state(cs, 1, 0), RG_S_ONLINE);
        report(cs, 1, 6, 1, 257, RG_S_OFFLINE, true); /* a new life, seq from 1 */
        assert_int_equal(cstate_group_state(cs, 1, 0), RG_S_OFFLINE);
        /* a message of a new life drops the old report at once (found in
         * the lab: a restarted node's old report of an ONLINE group made
         * its peer give up the tie-breaker lease and release) */
        cstate_note_incarnation(cs, 1, 7);
        assert_null(cstate_report_of(cs, 1));
        assert_int_equal(cstate_group_state(cs, 1, 0), RG_S_UNKNOWN);
        assert_int_equal(cstate_held_count(cs, 1), 0);
        report(cs, 1, 6, 2, 257, RG_S_ONLINE, false);                 /* the old life again */
        assert_int_equal(cstate_group_state(cs, 7, 0), RG_S_UNKNOWN); /* not configured */
        report(cs, 7, 1, 1, 257, RG_S_ONLINE, false);
        cstate_free(cs);
}

/* A concurrent group's status: ONLINE while an instance is, the nodes it
 * is online on, the nodes that should hold one; nodes out of reach count
 * as holding nothing. */
static void test_concurrent_status(void **state)
{
        static conf_node_t nodes[3] = {
            {.name = "n1", .id = 0}, {.name = "n2", .id = 1}, {.name = "n3", .id = 2}};
        static uint32_t list[3] = {2, 0, 1};
        static conf_rg_t rgs[1] = {{.name = "c", .id = 256, .nnodes = 3}};
        static cstate_ctl_t ctl;
        hamr_config_t cfg = {.nodes = nodes, .nnodes = 3, .rgs = rgs, .nrgs = 1, .generation = 1};
        cstate_t *cs = cstate_new();
        char cur[200], tgt[200];

        (void)state;
        memcpy(rgs[0].nodes, list, sizeof(list));
        rgs[0].startup = RG_STARTUP_OAAN;
        cstate_set_config(cs, &cfg, 0);
        assert_string_equal(cstate_concurrent_status(cs, 0, NULL, 7, cur, tgt, sizeof(cur)),
                            "OFFLINE");
        report(cs, 0, 1, 1, 256, RG_S_ONLINE, true);
        report(cs, 1, 1, 1, 256, RG_S_ERROR, true);
        report(cs, 2, 1, 1, 256, RG_S_ACQUIRING, true);
        ctl.targets_valid = true;
        ctl.cnodes[0] = 0x5; /* n1 n3 */
        assert_string_equal(cstate_concurrent_status(cs, 0, &ctl, 7, cur, tgt, sizeof(cur)),
                            "ONLINE");
        assert_string_equal(cur, "n1");
        assert_string_equal(tgt, "n3 n1"); /* priority order */
        /* n1 out of reach: its instance does not count */
        assert_string_equal(cstate_concurrent_status(cs, 0, &ctl, 6, cur, tgt, sizeof(cur)),
                            "ACQUIRING");
        assert_string_equal(cur, "");
        assert_string_equal(cstate_concurrent_status(cs, 0, &ctl, 2, cur, tgt, sizeof(cur)),
                            "ERROR");
        cstate_free(cs);
}

/* Control state is taken only from the coordinator of our view, newest
 * publication first. */
static void test_ctl_acceptance(void **state)
{
        static cstate_ctl_t c;
        cstate_t *cs = cstate_new();

        (void)state;
        memset(&c, 0, sizeof(c));
        c.view_id = 4;
        c.coord = 1;
        c.ctl_seq = 2;
        assert_false(cstate_on_ctl(cs, 2, &c, 4, 1)); /* not its sender */
        assert_false(cstate_on_ctl(cs, 1, &c, 5, 1)); /* another view */
        assert_false(cstate_on_ctl(cs, 1, &c, 4, 2)); /* not our coordinator */
        assert_true(cstate_on_ctl(cs, 1, &c, 4, 1));
        c.ctl_seq = 1;
        assert_false(cstate_on_ctl(cs, 1, &c, 4, 1)); /* older */
        c.ctl_seq = 3;
        assert_true(cstate_on_ctl(cs, 1, &c, 4, 1));
        assert_int_equal(cs->ctl.ctl_seq, 3);
        /* the same view id formed by another coordinator (two partitions)
         * is another view: its control state is not ours (model finding 12) */
        assert_true(cstate_ctl_of_view(cs, 4, 1));
        assert_false(cstate_ctl_of_view(cs, 4, 2));
        assert_false(cstate_ctl_of_view(cs, 5, 1));
        cstate_free(cs);
}

/* The services state machine, every transition and what stays put. */
static void test_services_next(void **state)
{
        (void)state;
        assert_int_equal(cstate_services_next(SVC_INACTIVE, WANT_ACTIVE, 0), SVC_ACTIVE);
        assert_int_equal(cstate_services_next(SVC_INACTIVE, WANT_UNMANAGE, 0), SVC_INACTIVE);
        assert_int_equal(cstate_services_next(SVC_ACTIVE, WANT_STOP_MOVE, 2), SVC_STOPPING);
        assert_int_equal(cstate_services_next(SVC_ACTIVE, WANT_STOP_OFFLINE, 0), SVC_STOPPING);
        assert_int_equal(cstate_services_next(SVC_ACTIVE, WANT_INACTIVE, 0), SVC_STOPPING);
        assert_int_equal(cstate_services_next(SVC_ACTIVE, WANT_UNMANAGE, 1), SVC_UNMANAGED);
        assert_int_equal(cstate_services_next(SVC_ACTIVE, WANT_ACTIVE, 1), SVC_ACTIVE);
        assert_int_equal(cstate_services_next(SVC_ACTIVE, WANT_FENCE, 1), SVC_ACTIVE);
        assert_int_equal(cstate_services_next(SVC_STOPPING, WANT_STOP_MOVE, 1), SVC_STOPPING);
        assert_int_equal(cstate_services_next(SVC_STOPPING, WANT_ACTIVE, 0), SVC_INACTIVE);
        assert_int_equal(cstate_services_next(SVC_UNMANAGED, WANT_ACTIVE, 1), SVC_ACTIVE);
        assert_int_equal(cstate_services_next(SVC_UNMANAGED, WANT_STOP_OFFLINE, 1), SVC_UNMANAGED);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_report_roundtrip), cmocka_unit_test(test_ctl_roundtrip),
            cmocka_unit_test(test_store_maps_by_id), cmocka_unit_test(test_ctl_acceptance),
            cmocka_unit_test(test_services_next),    cmocka_unit_test(test_ctl_suspended),
            cmocka_unit_test(test_ctl_concurrent),   cmocka_unit_test(test_concurrent_status),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
