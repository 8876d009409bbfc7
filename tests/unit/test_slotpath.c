/* test_slotpath: the disk path carries the largest messages of the largest
 * cluster: 64 nodes and CONF_MAX_RGS groups. Status (64 echoes), view (64
 * members), report and control (every group, every node's want and
 * acknowledgement) framed into one slot body exactly as hamrd does, written
 * into a real repository file, read back and decoded part by part. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/hamr_buf.h"
#include "cstate/cstate_msg.h"
#include "memb/memb_msg.h"
#include "repo/repo.h"

static void test_largest_cluster_fits_a_slot(void **state)
{
        static memb_status_t st, st2;
        static memb_view_t v, v2;
        static cstate_ctl_t c, c2;
        static uint8_t sbuf[16384], vbuf[16384], rbuf[65536], cbuf[65536], body[REPO_SLOT_MAX_BODY];
        static repo_slot_t slot;
        cstate_report_t r = {0}, r2 = {0};
        char path[] = "/tmp/hamr-test-slotpath-XXXXXX";
        const uint8_t *part[REPO_SLOT_PARTS];
        size_t plen[REPO_SLOT_PARTS];
        repo_t *repo = NULL;
        int sn, vn, rn, cn, fd;
        bufw_t w;

        (void)state;
        st.status_seq = 1000;
        st.generation = 7;
        st.reach = st.view_members = ~0ULL;
        st.view_id = st.ctl_view = 900;
        st.view_epoch = st.ctl_epoch = 900;
        for (int i = 0; i < CONF_MAX_NODES; i++) {
                st.echo_inc[i] = 1700000000000000ULL + (uint64_t)i;
                st.echo_seq[i] = 123456789ULL + (uint64_t)i;
                v.incarnations[i] = 1700000000000000ULL + (uint64_t)i;
                c.want[i] = WANT_ACTIVE;
                c.report_ack[i] = 99999ULL + (uint64_t)i;
        }
        v.view_id = 900;
        v.pub_seq = 17;
        v.ctl_epoch = 900;
        v.members = ~0ULL;
        c.view_id = 900;
        c.ctl_seq = 4000;
        c.generation = 7;
        c.targets_valid = c.stable = true;
        c.ngroups = CONF_MAX_RGS;
        r.report_seq = 5000;
        r.services = SVC_ACTIVE;
        r.ctl_view = 900;
        r.ctl_seq = 4000;
        r.ngroups = CONF_MAX_RGS;
        r.groups = calloc(CONF_MAX_RGS, sizeof(*r.groups));
        assert_non_null(r.groups);
        for (unsigned g = 0; g < CONF_MAX_RGS; g++) {
                c.gid[g] = 100000 + g;
                c.target[g] = (uint16_t)(g % CONF_MAX_NODES);
                c.ctl[g] = (rgm_ctl_t){.pol_node = (uint16_t)(g % 7), .move_node = 0xffff,
                                       .last_node = (uint16_t)(g % CONF_MAX_NODES), .started = true};
                c.clear_seq[g] = 70000 + g;
                r.groups[g] = (cstate_grp_t){.id = 100000 + g, .state = RG_S_ONLINE, .clear_seen = 3};
        }
        sn = memb_status_encode(&st, sbuf, sizeof(sbuf));
        vn = memb_view_encode(&v, vbuf, sizeof(vbuf));
        rn = cstate_report_encode(&r, 0, rbuf, sizeof(rbuf));
        cn = cstate_ctl_encode(&c, cbuf, sizeof(cbuf));
        assert_true(sn > 0 && vn > 0 && rn > 0 && cn > 0);
        printf("64 nodes, %d groups: status %d, view %d, report %d, control %d bytes; slot body "
               "%u bytes\n", CONF_MAX_RGS, sn, vn, rn, cn, REPO_SLOT_MAX_BODY);
        bufw_init(&w, body, sizeof(body));
        bufw_u16(&w, (uint16_t)sn);
        bufw_bytes(&w, sbuf, (size_t)sn);
        bufw_u16(&w, (uint16_t)vn);
        bufw_bytes(&w, vbuf, (size_t)vn);
        bufw_u16(&w, (uint16_t)rn);
        bufw_bytes(&w, rbuf, (size_t)rn);
        bufw_u16(&w, (uint16_t)cn);
        bufw_bytes(&w, cbuf, (size_t)cn);
        assert_false(w.overflow); /* all four parts fit one slot */

        /* through a real repository file */
        fd = mkstemp(path);
        assert_true(fd >= 0);
        close(fd);
        unlink(path);
        assert_int_equal(repo_format(path), 0);
        assert_int_equal(repo_open(path, &repo), 0);
        assert_int_equal(repo_slot_write(repo, 63, 42, 7, body, w.len), 0);
        assert_int_equal(repo_slot_read(repo, 63, &slot), 0);
        assert_int_equal(slot.body_len, w.len);
        assert_int_equal(repo_slot_parts(slot.body, slot.body_len, part, plen), 0);
        assert_int_equal(memb_status_decode(part[0], plen[0], &st2), 0);
        assert_memory_equal(&st, &st2, sizeof(st));
        assert_int_equal(memb_view_decode(part[1], plen[1], &v2), 0);
        assert_memory_equal(&v, &v2, sizeof(v));
        assert_int_equal(cstate_report_decode(part[2], plen[2], &r2), 0);
        assert_int_equal(r2.ngroups, CONF_MAX_RGS);
        assert_int_equal(r2.groups[CONF_MAX_RGS - 1].id, 100000 + CONF_MAX_RGS - 1);
        assert_int_equal(cstate_ctl_decode(part[3], plen[3], &c2), 0);
        assert_memory_equal(&c, &c2, sizeof(c));
        /* the neighbouring slot is untouched */
        assert_int_equal(repo_slot_read(repo, 62, &slot), -ENOENT);
        repo_close(repo);
        unlink(path);
        cstate_report_clear(&r);
        cstate_report_clear(&r2);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_largest_cluster_fits_a_slot),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
