/* test_memb: membership messages and rules (liveness per path, coordinator
 * choice, view formation/acceptance, quorum), with time passed in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "memb/memb.h"

#define MS (USEC_PER_MSEC)

static hamr_config_t cfg3;
static conf_node_t nodes3[3];

static void setup_cfg(void)
{
        memset(&cfg3, 0, sizeof(cfg3));
        for (int i = 0; i < 3; i++) {
                memset(&nodes3[i], 0, sizeof(nodes3[i]));
                nodes3[i].id = (uint32_t)i;
                snprintf(nodes3[i].name, sizeof(nodes3[i].name), "n%d", i + 1);
        }
        cfg3.nodes = nodes3;
        cfg3.nnodes = 3;
        cfg3.hb_freq_usec = 300 * MS;
        cfg3.grace_usec = 100 * MS;
        cfg3.hb_interval_usec = 50 * MS;
        cfg3.generation = 1;
}

static memb_status_t st_with_view(uint64_t seq, uint64_t view_id)
{
        memb_status_t st;
        memset(&st, 0, sizeof(st));
        st.status_seq = seq;
        st.generation = 1;
        st.view_id = view_id;
        st.ctl_view = view_id; /* it holds that view's control state */
        return st;
}

static void test_status_roundtrip(void **state)
{
        static memb_status_t a, b;
        uint8_t buf[8192];
        int n;

        (void)state;
        memset(&a, 0, sizeof(a));
        a.status_seq = 42;
        a.generation = 7;
        a.reach = 0x7;
        a.view_id = 9;
        a.view_coord = 1;
        a.view_members = 0x6;
        a.quorate = true;
        n = memb_status_encode(&a, buf, sizeof(buf));
        assert_true(n > 0);
        assert_int_equal(memb_status_decode(buf, (size_t)n, &b), 0);
        assert_int_equal(b.status_seq, 42);
        assert_int_equal(b.generation, 7);
        assert_true(b.quorate);
        /* every truncation and a trailing byte are rejected */
        for (int len = 0; len < n; len++)
                assert_int_equal(memb_status_decode(buf, (size_t)len, &b), -EBADMSG);
        buf[n] = 0;
        assert_int_equal(memb_status_decode(buf, (size_t)n + 1, &b), -EBADMSG);
        /* an epoch newer than the view is rejected */
        a.view_epoch = a.view_id + 1;
        n = memb_status_encode(&a, buf, sizeof(buf));
        assert_int_equal(memb_status_decode(buf, (size_t)n, &b), -EBADMSG);
        assert_int_equal(memb_status_encode(&a, buf, 10), -EMSGSIZE);
}

static void test_view_roundtrip(void **state)
{
        static memb_view_t a, b;
        uint8_t buf[16384];
        int n;

        (void)state;
        memset(&a, 0, sizeof(a));
        a.view_id = 3;
        a.pub_seq = 11;
        a.coord = 1;
        a.members = 0x6;
        a.incarnations[1] = 100;
        a.incarnations[2] = 200;
        a.ctl_epoch = 2;
        n = memb_view_encode(&a, buf, sizeof(buf));
        assert_true(n > 0);
        assert_int_equal(memb_view_decode(buf, (size_t)n, &b), 0);
        assert_memory_equal(&a, &b, sizeof(a));
        for (int len = 0; len < n; len++)
                assert_int_equal(memb_view_decode(buf, (size_t)len, &b), -EBADMSG);
}

static void test_liveness_and_quorum(void **state)
{
        memb_t *m;
        memb_status_t st = st_with_view(1, 0);
        usec_t t = 1000 * MS;

        (void)state;
        setup_cfg();
        m = memb_new(0, 10);
        memb_set_config(m, &cfg3, 0);
        assert_int_equal(memb_reach(m, t), 0x1);
        assert_true(memb_coordinator_tick(m, t));
        assert_false(memb_quorate(m, t)); /* 1 of 3 */

        memb_on_status(m, 1, 11, &st, MEMB_PATH_NET, t);
        memb_on_status(m, 2, 12, &st, MEMB_PATH_NET, t);
        assert_int_equal(memb_reach(m, t), 0x7);
        assert_true(memb_is_coordinator(m, t));
        assert_true(memb_coordinator_tick(m, t));
        assert_int_equal(m->view.members, 0x7);
        assert_true(memb_quorate(m, t));
        assert_false(memb_coordinator_tick(m, t)); /* nothing changed */

        /* node 2 silent for less than HEARTBEAT_FREQUENCY + GRACE_PERIOD: still up */
        t += 350 * MS;
        st.status_seq++;
        memb_on_status(m, 1, 11, &st, MEMB_PATH_NET, t);
        assert_int_equal(memb_reach(m, t), 0x7);
        /* past it: down; 2 of 3 is still a majority */
        t += 100 * MS;
        assert_int_equal(memb_reach(m, t), 0x3);
        assert_true(memb_coordinator_tick(m, t));
        assert_true(memb_quorate(m, t));
        /* node 1 gone too: alone, no quorum */
        t += 500 * MS;
        assert_int_equal(memb_reach(m, t), 0x1);
        memb_coordinator_tick(m, t);
        assert_false(memb_quorate(m, t));
        memb_free(m);
}

static void test_disk_path_keeps_peer_alive(void **state)
{
        memb_t *m;
        usec_t t = 1000 * MS;

        (void)state;
        setup_cfg();
        m = memb_new(0, 10);
        memb_set_config(m, &cfg3, 0);
        /* a slot seen once (maybe left by a dead node) is not a heartbeat */
        memb_on_disk_seq(m, 1, 11, 5, t);
        assert_int_equal(memb_reach(m, t), 0x1);
        /* advancing slots are */
        for (int i = 0; i < 20; i++) {
                t += 50 * MS;
                memb_on_disk_seq(m, 1, 11, 6 + (uint64_t)i, t);
                assert_int_equal(memb_reach(m, t), 0x3);
        }
        /* a slot that stops advancing goes silent */
        t += 50 * MS;
        memb_on_disk_seq(m, 1, 11, 25, t);
        t += 450 * MS;
        memb_on_disk_seq(m, 1, 11, 25, t);
        assert_int_equal(memb_reach(m, t), 0x1);
        memb_free(m);
}

static void test_fresh_node_does_not_take_over(void **state)
{
        memb_t *m;
        memb_status_t st1 = st_with_view(1, 5), st2 = st_with_view(1, 5);
        static memb_view_t v;
        usec_t t = 1000 * MS;

        (void)state;
        setup_cfg();
        m = memb_new(0, 10); /* node 0 just restarted, knows no view */
        memb_set_config(m, &cfg3, 0);
        memb_on_status(m, 1, 11, &st1, MEMB_PATH_NET, t);
        memb_on_status(m, 2, 12, &st2, MEMB_PATH_NET, t);
        assert_int_equal(memb_coordinator(m, t), 1); /* newest view wins over lowest id */
        assert_false(memb_is_coordinator(m, t));

        memset(&v, 0, sizeof(v));
        v.view_id = 6;
        v.pub_seq = 1;
        v.coord = 1;
        v.members = 0x7;
        v.incarnations[0] = 10;
        v.incarnations[1] = 11;
        v.incarnations[2] = 12;
        v.ctl_epoch = 5;
        assert_true(memb_on_view(m, 1, &v, t));
        assert_true(memb_quorate(m, t));
        /* an older publication of the same view is ignored */
        v.pub_seq = 0;
        assert_false(memb_on_view(m, 1, &v, t));
        /* holding the newest view is not enough: without its control state
         * (CONTROL not received yet) it must not take over with an empty
         * one (found in the lab: a restarted node stopped its peer's
         * services) */
        assert_int_equal(memb_coordinator(m, t), 1);
        /* once it holds the view's control state, the lowest id coordinates
         * and carries it over */
        memb_note_control(m);
        assert_int_equal(memb_coordinator(m, t), 0);
        assert_true(memb_coordinator_tick(m, t));
        assert_int_equal(m->view.view_id, 7);
        assert_int_equal(m->view.ctl_epoch, 7); /* quorate when formed: a new epoch */
        memb_free(m);
}

static void test_view_from_others(void **state)
{
        memb_t *m;
        memb_status_t st = st_with_view(1, 0);
        static memb_view_t v;
        usec_t t = 1000 * MS;

        (void)state;
        setup_cfg();
        m = memb_new(2, 12);
        memb_set_config(m, &cfg3, 2);
        st.view_id = 3; /* node 0 reports the newest view */
        st.ctl_view = st.view_id;
        memb_on_status(m, 0, 10, &st, MEMB_PATH_NET, t);
        st.view_id = 0;
        st.ctl_view = st.view_id;
        memb_on_status(m, 1, 11, &st, MEMB_PATH_NET, t);
        memset(&v, 0, sizeof(v));
        v.view_id = 2;
        v.pub_seq = 1;
        v.coord = 1; /* an older competing view: node 0 coordinates */
        v.members = 0x7;
        v.incarnations[0] = 10;
        v.incarnations[1] = 11;
        v.incarnations[2] = 12;
        assert_false(memb_on_view(m, 1, &v, t));
        assert_int_equal(memb_coordinator(m, t), 0);
        v.coord = 0;
        assert_false(memb_on_view(m, 1, &v, t)); /* sender must be the coordinator */
        v.view_id = 4;
        assert_true(memb_on_view(m, 0, &v, t));
        assert_true(memb_quorate(m, t));
        /* a view for an earlier life of ours is not ours */
        v.view_id = 5;
        v.incarnations[2] = 1;
        assert_false(memb_on_view(m, 0, &v, t));
        assert_false(m->have_view);
        assert_false(memb_quorate(m, t));
        /* a view that excludes us drops ours at once */
        v.incarnations[2] = 12;
        v.view_id = 6;
        assert_true(memb_on_view(m, 0, &v, t));
        v.view_id = 7;
        v.members = 0x3;
        assert_false(memb_on_view(m, 0, &v, t));
        assert_false(memb_quorate(m, t));
        /* a coordinator that goes silent: the view expires */
        v.view_id = 8;
        v.members = 0x7;
        assert_true(memb_on_view(m, 0, &v, t));
        st.status_seq = 2;
        memb_on_status(m, 0, 10, &st, MEMB_PATH_NET, t + 300 * MS);
        memb_on_status(m, 1, 11, &st, MEMB_PATH_NET, t + 300 * MS);
        memb_expire(m, t + 450 * MS);
        assert_false(memb_quorate(m, t + 450 * MS));
        memb_free(m);
}

static void test_stale_incarnation_ignored(void **state)
{
        memb_t *m;
        memb_status_t st = st_with_view(5, 0);
        usec_t t = 1000 * MS;

        (void)state;
        setup_cfg();
        m = memb_new(0, 10);
        memb_set_config(m, &cfg3, 0);
        assert_true(memb_on_status(m, 1, 20, &st, MEMB_PATH_NET, t));
        st.status_seq = 100;
        assert_false(memb_on_status(m, 1, 19, &st, MEMB_PATH_NET, t)); /* older life */
        st.status_seq = 1;
        assert_true(memb_on_status(m, 1, 21, &st, MEMB_PATH_NET, t)); /* new life, seq restarts */
        assert_false(memb_on_status(m, 7, 21, &st, MEMB_PATH_NET, t)); /* not configured */
        memb_free(m);
}

/* Found by the spin model: two coordinators may form views with the same id.
 * Agreement needs members to report *this* coordinator's view, and a member
 * that follows a view of a coordinator we do not recognise ends our quorum. */
static void test_agreement_and_conflict(void **state)
{
        memb_t *m;
        memb_status_t st = st_with_view(1, 0);
        usec_t t = 1000 * MS;

        (void)state;
        setup_cfg();
        m = memb_new(1, 11); /* node 1 coordinates {1,2}: it does not hear node 0 */
        memb_set_config(m, &cfg3, 1);
        memb_on_status(m, 2, 12, &st, MEMB_PATH_NET, t);
        assert_true(memb_is_coordinator(m, t));
        assert_true(memb_coordinator_tick(m, t));
        assert_int_equal(m->view.view_id, 1);
        assert_int_equal(m->view.members, 0x6);
        /* node 2 reports a view 1 too, but formed by node 0: no agreement */
        st.status_seq++;
        st.view_id = 1;
        st.ctl_view = st.view_id;
        st.view_coord = 0;
        memb_on_status(m, 2, 12, &st, MEMB_PATH_NET, t);
        assert_false(memb_view_agreed(m, 1));
        /* and that is a conflict: node 1 must not count on its view */
        assert_true(memb_view_conflict(m, t));
        assert_false(memb_quorate(m, t));
        /* node 2 reports our view: agreed, quorate */
        st.status_seq++;
        st.view_coord = 1;
        memb_on_status(m, 2, 12, &st, MEMB_PATH_NET, t);
        assert_true(memb_view_agreed(m, 1));
        assert_false(memb_view_conflict(m, t));
        assert_true(memb_quorate(m, t));
        memb_free(m);
}

/* A coordinator that hands over to a lower id node (which adopted its view)
 * keeps its view until the new coordinator's view arrives, for at most the
 * detection time: no needless release. */
static void test_handover_keeps_quorum(void **state)
{
        memb_t *m;
        memb_status_t st = st_with_view(1, 0);
        usec_t t = 1000 * MS;

        (void)state;
        setup_cfg();
        m = memb_new(1, 11);
        memb_set_config(m, &cfg3, 1);
        st.view_id = 3;
        st.ctl_view = st.view_id;
        st.view_coord = 1;
        memb_on_status(m, 2, 12, &st, MEMB_PATH_NET, t);
        memb_coordinator_tick(m, t); /* view 4 {1,2} */
        /* node 0 (restarted) is heard and adopts view 4 of node 1 */
        t += 50 * MS;
        st.status_seq++;
        st.view_id = 4;
        st.ctl_view = st.view_id;
        st.view_epoch = 4; /* an adopted view carries its control-state epoch */
        st.ctl_epoch = st.view_epoch;
        memb_on_status(m, 0, 10, &st, MEMB_PATH_NET, t);
        memb_on_status(m, 2, 12, &st, MEMB_PATH_NET, t);
        assert_int_equal(memb_coordinator(m, t), 0); /* tie on view 4: lowest id */
        memb_expire(m, t);
        assert_true(memb_quorate(m, t)); /* still in its view */
        /* node 2 already follows node 0's new view 5: handover, not conflict */
        st.status_seq++;
        st.view_id = 5;
        st.ctl_view = st.view_id;
        st.view_epoch = 5;
        st.ctl_epoch = st.view_epoch;
        st.view_coord = 0;
        st.view_members = 0x7; /* node 2 holds node 0's view: credited to node 0 */
        memb_on_status(m, 2, 12, &st, MEMB_PATH_NET, t);
        assert_int_equal(memb_coordinator(m, t), 0);
        assert_false(memb_view_conflict(m, t));
        assert_true(memb_quorate(m, t));
        /* no view from node 0 within the detection time: given up */
        t += 450 * MS;
        st.status_seq++;
        memb_on_status(m, 0, 10, &st, MEMB_PATH_NET, t);
        memb_on_status(m, 2, 12, &st, MEMB_PATH_NET, t);
        memb_expire(m, t);
        assert_false(memb_quorate(m, t));
        memb_free(m);
}

/* Model finding 4: after the coordinator restarts, the others' reports of
 * its expired view must not make its new life look like the coordinator. */
static void test_no_credit_from_expired_views(void **state)
{
        memb_t *m;
        memb_status_t st = st_with_view(1, 1), fresh = st_with_view(1, 0);
        usec_t t = 1000 * MS;

        (void)state;
        setup_cfg();
        m = memb_new(1, 11);
        memb_set_config(m, &cfg3, 1);
        m->view.view_id = 1; /* node 1 held view 1 of node 0, now expired */
        m->ctl_view = 1;
        m->view.coord = 0;
        st.view_coord = 0;
        st.view_members = 0; /* node 2 no longer holds it either */
        memb_on_status(m, 0, 20, &fresh, MEMB_PATH_NET, t); /* node 0's new life... */
        memb_on_status(m, 2, 12, &st, MEMB_PATH_NET, t);     /* ...then node 2's report */
        assert_int_equal(memb_coordinator(m, t), 1);
        /* while node 2 still holds node 0's view, it counts for node 0 */
        st.status_seq++;
        st.view_members = 0x7;
        memb_on_status(m, 2, 12, &st, MEMB_PATH_NET, t);
        assert_int_equal(memb_coordinator(m, t), 0);
        memb_free(m);
}

/* Model finding 8: a restarted node is not credited with its previous
 * life's view by the others' reports: it must not coordinate. */
static void test_restarted_node_not_self_credited(void **state)
{
        memb_t *m;
        memb_status_t st = st_with_view(1, 1);
        usec_t t = 1000 * MS;

        (void)state;
        setup_cfg();
        m = memb_new(0, 20); /* node 0's new life: no view */
        memb_set_config(m, &cfg3, 0);
        st.view_coord = 0; /* nodes 1 and 2 still hold view 1 of node 0's old life */
        st.view_members = 0x7;
        memb_on_status(m, 1, 11, &st, MEMB_PATH_NET, t);
        memb_on_status(m, 2, 12, &st, MEMB_PATH_NET, t);
        assert_int_not_equal(memb_coordinator(m, t), 0);
        memb_free(m);
}

/* Model finding 7: a view is agreed only when closed: no member hears a node
 * outside it (that node may be alive and holding groups). */
static void test_agreement_needs_closed_view(void **state)
{
        memb_t *m;
        memb_status_t st = st_with_view(1, 0);
        usec_t t = 1000 * MS;

        (void)state;
        setup_cfg();
        m = memb_new(0, 10); /* node 0 hears node 2 only */
        memb_set_config(m, &cfg3, 0);
        memb_on_status(m, 2, 12, &st, MEMB_PATH_NET, t);
        memb_coordinator_tick(m, t);
        assert_int_equal(m->view.members, 0x5);
        st.status_seq++;
        st.view_id = m->view.view_id;
        st.ctl_view = st.view_id;
        st.view_coord = 0;
        st.view_members = 0x5;
        st.reach = 0x7; /* node 2 hears node 1 */
        memb_on_status(m, 2, 12, &st, MEMB_PATH_NET, t);
        assert_false(memb_view_agreed(m, 1));
        st.status_seq++;
        st.reach = 0x5;
        memb_on_status(m, 2, 12, &st, MEMB_PATH_NET, t);
        assert_true(memb_view_agreed(m, 1));
        memb_free(m);
}


/* Echoes: a peer's status names our newest status it heard; the hold
 * deadline is the time a quorate view without us could act on our groups. */
static void test_echo_roundtrip_and_hold_deadline(void **state)
{
        static memb_status_t a, b;
        uint8_t buf[8192];
        memb_t *m;
        usec_t t0 = 1000 * USEC_PER_SEC, d;
        int n;

        (void)state;
        setup_cfg();
        memset(&a, 0, sizeof(a));
        a.status_seq = 1;
        a.echo_inc[0] = 77;
        a.echo_seq[0] = 5;
        a.echo_inc[2] = 99;
        a.echo_seq[2] = 1;
        n = memb_status_encode(&a, buf, sizeof(buf));
        assert_true(n > 0);
        assert_int_equal(memb_status_decode(buf, (size_t)n, &b), 0);
        assert_int_equal(b.echo_inc[0], 77);
        assert_int_equal(b.echo_seq[0], 5);
        assert_int_equal(b.echo_seq[1], 0);
        assert_int_equal(b.echo_seq[2], 1);

        m = memb_new(0, 77);
        memb_set_config(m, &cfg3, 0);
        d = memb_timeout(m);
        /* nobody echoed yet: a majority of peers could act at once */
        assert_true(memb_hold_deadline(m) < t0);
        for (uint64_t s = 1; s <= 10; s++)
                memb_note_sent(m, s, t0 + s * 10 * MS);
        /* n2 heard our status 8 (sent at t0+80ms), n3 our status 5 */
        memb_status_t st = st_with_view(1, 0);
        st.echo_inc[0] = 77;
        st.echo_seq[0] = 8;
        assert_true(memb_on_status(m, 1, 5, &st, MEMB_PATH_NET, t0 + 100 * MS));
        /* {n2,n3} can act only once n2 also stopped hearing us */
        assert_int_equal(memb_hold_deadline(m), t0 + 80 * MS + d);
        st.status_seq = 1;
        st.echo_seq[0] = 5;
        assert_true(memb_on_status(m, 2, 6, &st, MEMB_PATH_NET, t0 + 100 * MS));
        /* both peers must stop hearing us: the later echo counts */
        assert_int_equal(memb_hold_deadline(m), t0 + 80 * MS + d);
        /* an echo of another life of ours, or a seq we no longer know, is ignored */
        st.status_seq = 2;
        st.echo_inc[0] = 76;
        st.echo_seq[0] = 10;
        assert_true(memb_on_status(m, 2, 6, &st, MEMB_PATH_NET, t0 + 110 * MS));
        assert_int_equal(memb_hold_deadline(m), t0 + 80 * MS + d);
        st.status_seq = 3;
        st.echo_inc[0] = 77;
        st.echo_seq[0] = 10 + MEMB_SENT_RING;
        assert_true(memb_on_status(m, 2, 6, &st, MEMB_PATH_NET, t0 + 120 * MS));
        assert_int_equal(memb_hold_deadline(m), t0 + 80 * MS + d);
        /* echoes never go back */
        st.status_seq = 4;
        st.echo_seq[0] = 2;
        assert_true(memb_on_status(m, 1, 5, &st, MEMB_PATH_NET, t0 + 130 * MS));
        assert_int_equal(memb_hold_deadline(m), t0 + 80 * MS + d);
        /* a peer's new life has not heard us yet */
        st.status_seq = 1;
        st.echo_seq[0] = 0;
        assert_true(memb_on_status(m, 1, 8, &st, MEMB_PATH_NET, t0 + 140 * MS));
        assert_int_equal(memb_hold_deadline(m), t0 + 50 * MS + d);
        /* fill_echo names each peer's newest status */
        static memb_status_t mine;
        memb_fill_echo(m, &mine);
        assert_int_equal(mine.echo_inc[1], 8);
        assert_int_equal(mine.echo_seq[1], 1);
        assert_int_equal(mine.echo_inc[2], 6);
        assert_int_equal(mine.echo_seq[2], 3);
        assert_int_equal(mine.echo_seq[0], 0);
        memb_free(m);
}

/* Two nodes: half without us needs the tie-breaker lease; while we hold
 * it, the other side cannot act before it ends. One node: nobody can. */
static void test_hold_deadline_two_and_one_nodes(void **state)
{
        usec_t t0 = 1000 * USEC_PER_SEC, d;
        memb_t *m;

        (void)state;
        setup_cfg();
        cfg3.nnodes = 2;
        m = memb_new(0, 1);
        memb_set_config(m, &cfg3, 0);
        d = memb_timeout(m);
        memb_note_sent(m, 1, t0);
        memb_status_t st = st_with_view(1, 0);
        st.echo_inc[0] = 1;
        st.echo_seq[0] = 1;
        memb_on_status(m, 1, 3, &st, MEMB_PATH_DISK, t0 + 5 * MS);
        assert_int_equal(memb_hold_deadline(m), t0 + d);
        memb_set_lease(m, t0 + 10 * d);
        assert_int_equal(memb_hold_deadline(m), t0 + 10 * d);
        memb_set_lease(m, 0);
        assert_int_equal(memb_hold_deadline(m), t0 + d);
        memb_free(m);

        cfg3.nnodes = 1;
        m = memb_new(0, 1);
        memb_set_config(m, &cfg3, 0);
        assert_int_equal(memb_hold_deadline(m), USEC_INFINITY);
        memb_free(m);
}

/* Merge after a partition: a node that formed views of its own without
 * quorum (higher view id, older control-state epoch) does not coordinate
 * the merged cluster; the side that kept quorum does. */
static void test_merge_prefers_the_quorate_side(void **state)
{
        memb_t *m;
        memb_status_t st = st_with_view(1, 0);
        usec_t t = 1000 * MS;

        (void)state;
        setup_cfg();
        m = memb_new(0, 10); /* node 0, the lowest id, was cut off alone */
        memb_set_config(m, &cfg3, 0);
        m->view.view_id = 2; /* its last quorate view ... */
        m->view.ctl_epoch = 2;
        m->max_view_id_seen = 2;
        m->have_view = true;
        m->view.coord = 0;
        m->view.members = 0x7;
        memb_coordinator_tick(m, t); /* alone: view 3 without quorum */
        assert_int_equal(m->view.view_id, 3);
        assert_int_equal(m->view.ctl_epoch, 2);
        memb_coordinator_tick(m, t); /* no change, no new view */
        /* heal: nodes 1 and 2 kept quorum in node 1's view 3 (epoch 3) */
        st.view_id = 3;
        st.ctl_view = st.view_id;
        st.view_epoch = 3;
        st.ctl_epoch = st.view_epoch;
        st.view_coord = 1;
        st.view_members = 0x6;
        memb_on_status(m, 1, 11, &st, MEMB_PATH_NET, t);
        memb_on_status(m, 2, 12, &st, MEMB_PATH_NET, t);
        assert_int_equal(memb_coordinator(m, t), 1);
        memb_free(m);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_status_roundtrip),
                cmocka_unit_test(test_view_roundtrip),
                cmocka_unit_test(test_liveness_and_quorum),
                cmocka_unit_test(test_disk_path_keeps_peer_alive),
                cmocka_unit_test(test_fresh_node_does_not_take_over),
                cmocka_unit_test(test_view_from_others),
                cmocka_unit_test(test_stale_incarnation_ignored),
                cmocka_unit_test(test_agreement_and_conflict),
                cmocka_unit_test(test_handover_keeps_quorum),
                cmocka_unit_test(test_no_credit_from_expired_views),
                cmocka_unit_test(test_agreement_needs_closed_view),
                cmocka_unit_test(test_restarted_node_not_self_credited),
                cmocka_unit_test(test_echo_roundtrip_and_hold_deadline),
                cmocka_unit_test(test_hold_deadline_two_and_one_nodes),
                cmocka_unit_test(test_merge_prefers_the_quorate_side),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
