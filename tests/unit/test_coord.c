/* test_coord: the coordinator's handling of administrator requests and its
 * scheduling gate (targets only in a quorate view where every member has
 * reported the current view and generation), and the planner's decisions it
 * hands to the daemon. The planner's timing is driven by tests/scenarios/plan. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "common/hamr_error.h"
#include "coord/coord.h"
#include <stdlib.h>

#define MS (USEC_PER_MSEC)

static hamr_config_t cfg;
static conf_node_t nodes[3];
static conf_rg_t rg;
static memb_status_t self_st, peer_st; /* membership statuses (n1 = self, n2/n3 = peers) */
static cstate_t *cs;                   /* reports and the control state */
static const memb_t *cur;              /* the cluster under test */

/* What the nodes report (cluster state): n1 (self) and the two peers. */
typedef struct rep {
        uint8_t services, net;
        uint64_t net_heard;
        uint8_t gstate[CONF_MAX_RGS];
        uint64_t seq;
        bool unfenced;  /* no armed watchdog */
        bool autostart; /* start at restart recorded */
} rep_t;
static rep_t self_rep, peer_rep;

/* Node id's report from r, answering the control state held now. */
static void push_report(uint16_t id, uint64_t inc, rep_t *r)
{
        cstate_report_t out = {0};

        out.report_seq = ++r->seq + (uint64_t)id * 1000000;
        out.services = r->services;
        out.net = r->net;
        out.net_heard = r->net_heard;
        out.watchdog = r->unfenced ? CSTATE_WD_NONE : CSTATE_WD_EMULATOR;
        out.fenced = !r->unfenced;
        out.autostart = r->autostart;
        /* a control state of an older view is taken over as publication 1
         * of the current one (coord adopt_view) */
        out.ctl_view = cur->view.view_id;
        out.ctl_seq = cs->have_ctl && cs->ctl.view_id == cur->view.view_id ? cs->ctl.ctl_seq : 1;
        out.ngroups = cfg.nrgs;
        out.groups = calloc(cfg.nrgs ? cfg.nrgs : 1, sizeof(*out.groups));
        for (unsigned g = 0; g < cfg.nrgs; g++) {
                out.groups[g].id = cfg.rgs[g].id;
                out.groups[g].state = r->gstate[g];
        }
        cstate_set_config(cs, &cfg, 0);
        assert_true(cstate_on_report(cs, id, inc, &out));
}

static void push_peers(void)
{
        push_report(1, 11, &peer_rep);
        push_report(2, 12, &peer_rep);
}

/* coord_update with n1's own report current (as hamrd builds it first). */
static bool update(coord_t *c, memb_t *m, usec_t now)
{
        push_report(0, 10, &self_rep);
        return coord_update(c, m, cs, &cfg, now);
}

static memb_t *cluster_of_three(coord_t *c, usec_t now)
{
        memb_t *m;

        memset(&cfg, 0, sizeof(cfg));
        for (int i = 0; i < 3; i++) {
                memset(&nodes[i], 0, sizeof(nodes[i]));
                nodes[i].id = (uint32_t)i;
                snprintf(nodes[i].name, sizeof(nodes[i].name), "n%d", i + 1);
        }
        memset(&rg, 0, sizeof(rg));
        snprintf(rg.name, sizeof(rg.name), "web_rg");
        rg.nnodes = 3;
        rg.nodes[0] = 0;
        rg.nodes[1] = 1;
        rg.nodes[2] = 2;
        cfg.nodes = nodes;
        cfg.nnodes = 3;
        cfg.rgs = &rg;
        cfg.nrgs = 1;
        cfg.generation = 1;
        cfg.hb_freq_usec = 300 * MS;
        cfg.grace_usec = 100 * MS;
        coord_init(c);
        cstate_free(cs);
        cs = cstate_new();
        cstate_set_config(cs, &cfg, 0);
        memset(&self_rep, 0, sizeof(self_rep));
        memset(&peer_rep, 0, sizeof(peer_rep));

        m = memb_new(0, 10);
        cur = m;
        memb_set_config(m, &cfg, 0);
        memset(&peer_st, 0, sizeof(peer_st));
        peer_st.status_seq = 1;
        peer_st.generation = 1;
        memb_on_status(m, 1, 11, &peer_st, MEMB_PATH_NET, now);
        memb_on_status(m, 2, 12, &peer_st, MEMB_PATH_NET, now);
        memb_coordinator_tick(m, now);
        memset(&self_st, 0, sizeof(self_st));
        self_st.generation = 1;
        return m;
}

/* every member reports the current view with the given services/group state */
static void all_report(memb_t *m, usec_t now, uint8_t services, uint8_t gstate_n1)
{
        peer_st.status_seq++;
        peer_st.view_id = m->view.view_id;
        peer_st.view_pub_seq = m->view.pub_seq;
        peer_st.view_coord = m->view.coord;
        memb_on_status(m, 1, 11, &peer_st, MEMB_PATH_NET, now);
        memb_on_status(m, 2, 12, &peer_st, MEMB_PATH_NET, now);
        self_st.view_id = m->view.view_id;
        self_st.view_pub_seq = m->view.pub_seq;
        self_st.view_coord = m->view.coord;
        peer_rep.services = services;
        memset(peer_rep.gstate, RG_S_OFFLINE, sizeof(peer_rep.gstate));
        push_peers();
        self_rep.services = services;
        self_rep.gstate[0] = gstate_n1;
}

/* every member answers the newest publication, states unchanged */
static void ack(memb_t *m, usec_t now)
{
        peer_st.status_seq++;
        peer_st.view_pub_seq = m->view.pub_seq;
        memb_on_status(m, 1, 11, &peer_st, MEMB_PATH_NET, now);
        memb_on_status(m, 2, 12, &peer_st, MEMB_PATH_NET, now);
        self_st.view_pub_seq = m->view.pub_seq;
        push_peers();
}

static int command(coord_t *c, memb_t *m, const char *json, char *err)
{
        json_t *req = json_loads(json, 0, NULL);
        int r;
        assert_non_null(req);
        cstate_set_config(cs, &cfg, 0);
        r = coord_command(c, m, cs, &cfg, req, err, CONF_ERR_LEN);
        json_decref(req);
        return r;
}

static void test_start_then_schedule(void **state)
{
        coord_t c;
        char err[CONF_ERR_LEN];
        usec_t now = now_usec();
        memb_t *m = cluster_of_three(&c, now);

        (void)state;
        /* not every member has reported the view: no targets yet */
        assert_false(cs->ctl.targets_valid);
        assert_int_equal(command(&c, m, "{\"op\":\"start\"}", err), 0);
        for (int i = 0; i < 3; i++)
                assert_int_equal(cs->ctl.want[i], WANT_ACTIVE);
        update(&c, m, now);
        assert_false(cs->ctl.targets_valid);
        all_report(m, now, SVC_ACTIVE, RG_S_OFFLINE);
        uint64_t pub = cs->ctl.ctl_seq;
        assert_true(update(&c, m, now));
        assert_true(cs->ctl.ctl_seq > pub);
        assert_true(cs->ctl.targets_valid);
        assert_int_equal(cs->ctl.target[0], 0); /* OHN: home node n1 */
        memb_free(m);
}

/* DEADMAN_MODE a: a node without an armed watchdog may not start cluster
 * services (nothing would reset it if its daemon died holding groups);
 * DEADMAN_MODE e accepts it. A start binds the want to the daemon's
 * incarnation; WHEN=restart records start at restart only. */
static void test_start_needs_watchdog_and_binds_incarnation(void **state)
{
        coord_t c;
        char err[CONF_ERR_LEN];
        usec_t now = now_usec();
        memb_t *m = cluster_of_three(&c, now);

        (void)state;
        peer_rep.unfenced = true;
        all_report(m, now, SVC_INACTIVE, RG_S_OFFLINE);
        update(&c, m, now);
        assert_int_equal(command(&c, m, "{\"op\":\"start\"}", err), -HAMR_E_BUSY);
        assert_non_null(strstr(err, "node \"n2\": no armed watchdog"));
        assert_non_null(strstr(err, "DEADMAN_MODE=e"));
        for (int i = 0; i < 3; i++)
                assert_int_equal(cs->ctl.want[i], WANT_INACTIVE); /* nothing half-applied */
        /* the fenced node alone may start, bound to its daemon */
        assert_int_equal(command(&c, m, "{\"op\":\"start\",\"nodes\":[\"n1\"]}", err), 0);
        assert_int_equal(cs->ctl.want[0], WANT_ACTIVE);
        assert_int_equal(cs->ctl.want_inc[0], 10);
        /* WHEN=restart: recorded, services not started now */
        assert_int_equal(
            command(&c, m, "{\"op\":\"start\",\"nodes\":[\"n2\"],\"when\":\"restart\"}", err), 0);
        assert_int_equal(cs->ctl.want[1], WANT_INACTIVE);
        assert_int_equal(cs->ctl.boot[1], BOOT_START);
        assert_int_equal(command(&c, m, "{\"op\":\"start\",\"when\":\"later\"}", err),
                         -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "now, restart, both"));
        /* the node records it: the order is done */
        peer_rep.autostart = true;
        push_peers();
        update(&c, m, now);
        assert_int_equal(cs->ctl.boot[1], BOOT_KEEP);
        /* DEADMAN_MODE e: running unfenced is accepted */
        cfg.deadman_mode = DMS_MODE_EVENT;
        assert_int_equal(command(&c, m, "{\"op\":\"start\"}", err), 0);
        assert_int_equal(cs->ctl.want[1], WANT_ACTIVE);
        assert_int_equal(cs->ctl.want_inc[2], 12);
        cfg.deadman_mode = DMS_MODE_ASSERT;
        peer_rep.unfenced = peer_rep.autostart = false;
        memb_free(m);
}

static void test_bad_requests_change_nothing(void **state)
{
        coord_t c;
        char err[CONF_ERR_LEN];
        usec_t now = now_usec();
        memb_t *m = cluster_of_three(&c, now);
        static memb_view_t before;

        (void)state;
        all_report(m, now, SVC_ACTIVE, RG_S_ONLINE);
        assert_int_equal(command(&c, m, "{\"op\":\"start\"}", err), 0);
        update(&c, m, now);
        before = m->view;

        assert_int_equal(
            command(&c, m, "{\"op\":\"rg_move\",\"groups\":[\"nope\"],\"node\":\"n2\"}", err),
            -HAMR_E_NOT_FOUND);
        assert_non_null(strstr(err, "nope"));
        assert_int_equal(
            command(&c, m, "{\"op\":\"rg_move\",\"groups\":[\"web_rg\"],\"node\":\"n9\"}", err),
            -HAMR_E_NOT_FOUND);
        assert_non_null(strstr(err, "n9"));
        assert_int_equal(command(&c, m, "{\"op\":\"rg_move\",\"groups\":[\"web_rg\"]}", err),
                         -HAMR_E_MISSING);
        assert_int_equal(command(&c, m, "{\"op\":\"stop\",\"manage\":\"sideways\"}", err),
                         -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "sideways"));
        assert_int_equal(command(&c, m, "{\"op\":\"stop\",\"nodes\":[\"n7\"]}", err),
                         -HAMR_E_NOT_FOUND);
        assert_int_equal(command(&c, m, "{\"op\":\"rg_online\",\"groups\":[]}", err),
                         -HAMR_E_MISSING);
        assert_memory_equal(&before, &m->view, sizeof(before));
        memb_free(m);
}

static void test_stop_offline_and_restart_node(void **state)
{
        coord_t c;
        char err[CONF_ERR_LEN];
        usec_t now = now_usec();
        memb_t *m = cluster_of_three(&c, now);

        (void)state;
        all_report(m, now, SVC_ACTIVE, RG_S_ONLINE);
        assert_int_equal(command(&c, m, "{\"op\":\"start\"}", err), 0);
        update(&c, m, now);
        assert_int_equal(cs->ctl.target[0], 0);
        /* graceful stop of the owner: group taken offline, not moved */
        assert_int_equal(
            command(&c, m, "{\"op\":\"stop\",\"nodes\":[\"n1\"],\"manage\":\"offline\"}", err), 0);
        assert_int_equal(cs->ctl.want[0], WANT_STOP_OFFLINE);
        assert_int_equal(cs->ctl.ctl[0].admin, RGM_ADMIN_OFFLINE);
        ack(m, now);
        update(&c, m, now);
        assert_int_equal(cs->ctl.target[0], RGM_NO_NODE);
        /* starting that node again brings the group back by policy */
        self_rep.gstate[0] = RG_S_OFFLINE;
        self_rep.services = SVC_INACTIVE;
        update(&c, m, now);
        assert_int_equal(cs->ctl.want[0], WANT_INACTIVE);
        assert_int_equal(command(&c, m, "{\"op\":\"start\",\"nodes\":[\"n1\"]}", err), 0);
        assert_int_equal(cs->ctl.ctl[0].admin, RGM_ADMIN_AUTO);
        self_rep.services = SVC_ACTIVE;
        ack(m, now);
        update(&c, m, now);
        assert_int_equal(cs->ctl.target[0], 0);
        memb_free(m);
}

static void test_move_needs_active_node_and_sets_pol(void **state)
{
        coord_t c;
        char err[CONF_ERR_LEN];
        usec_t now = now_usec();
        memb_t *m = cluster_of_three(&c, now);

        (void)state;
        all_report(m, now, SVC_ACTIVE, RG_S_ONLINE);
        /* services not started anywhere: a move target must have them ONLINE */
        assert_int_equal(
            command(&c, m, "{\"op\":\"rg_move\",\"groups\":[\"web_rg\"],\"node\":\"n2\"}", err),
            -HAMR_E_BUSY);
        assert_int_equal(command(&c, m, "{\"op\":\"start\"}", err), 0);
        update(&c, m, now);
        ack(m, now);
        uint32_t clear = cs->ctl.clear_seq[0];
        assert_int_equal(
            command(&c, m, "{\"op\":\"rg_move\",\"groups\":[\"web_rg\"],\"node\":\"n2\"}", err), 0);
        assert_int_equal(cs->ctl.ctl[0].pol_node, 1);
        assert_true(cs->ctl.clear_seq[0] > clear);
        update(&c, m, now);
        assert_int_equal(cs->ctl.target[0], RGM_NO_NODE); /* n1 releases first */
        self_rep.gstate[0] = RG_S_OFFLINE;
        ack(m, now);
        update(&c, m, now);
        assert_int_equal(cs->ctl.target[0], 1);
        memb_free(m);
}

/* Parent/child dependency (PowerHA): no online of a child whose parent is
 * not ONLINE, no offline or move of a parent whose child is ONLINE, unless
 * both are in the command; exit code 5 (dependency). */
static void test_dependency_commands(void **state)
{
        coord_t c;
        char err[CONF_ERR_LEN];
        usec_t now = now_usec();
        memb_t *m = cluster_of_three(&c, now);
        static conf_rg_t two[2];
        conf_dep_t dep = {.name = "dep1",
                          .type = CONF_DEP_PARENT_CHILD,
                          .parent = 0,
                          .nchildren = 1,
                          .children = {1}};

        (void)state;
        two[0] = rg;
        two[1] = rg;
        snprintf(two[0].name, sizeof(two[0].name), "db_rg");
        snprintf(two[1].name, sizeof(two[1].name), "app_rg");
        two[0].id = 1;
        two[1].id = 2;
        cfg.rgs = two;
        cfg.nrgs = 2;
        cfg.deps = &dep;
        cfg.ndeps = 1;
        cstate_set_config(cs, &cfg, 0);
        all_report(m, now, SVC_ACTIVE, RG_S_OFFLINE);
        self_rep.gstate[1] = RG_S_OFFLINE;
        assert_int_equal(command(&c, m, "{\"op\":\"start\"}", err), 0);
        update(&c, m, now);
        ack(m, now);

        assert_int_equal(command(&c, m, "{\"op\":\"rg_online\",\"groups\":[\"app_rg\"]}", err),
                         -HAMR_E_REFERENCE);
        assert_string_equal(err, "resource_group \"app_rg\": its parent \"db_rg\" is not ONLINE "
                                 "(dependency \"dep1\"); bring the parent online first, or both "
                                 "together (clmgr online resource_group db_rg,app_rg)");
        assert_int_equal(hamr_error_to_clmgr_rc(-HAMR_E_REFERENCE), CLMGR_RC_DEPENDENCY);
        assert_int_equal(
            command(&c, m, "{\"op\":\"rg_online\",\"groups\":[\"db_rg\",\"app_rg\"]}", err), 0);

        /* both online on n1 */
        self_rep.gstate[0] = RG_S_ONLINE;
        self_rep.gstate[1] = RG_S_ONLINE;
        update(&c, m, now);
        assert_int_equal(command(&c, m, "{\"op\":\"rg_offline\",\"groups\":[\"db_rg\"]}", err),
                         -HAMR_E_REFERENCE);
        assert_string_equal(err, "resource_group \"db_rg\": its child \"app_rg\" is ONLINE on n1 "
                                 "(dependency \"dep1\"); take the child offline first, or both "
                                 "together (clmgr offline resource_group app_rg,db_rg)");
        assert_int_equal(
            command(&c, m, "{\"op\":\"rg_move\",\"groups\":[\"db_rg\"],\"node\":\"n2\"}", err),
            -HAMR_E_REFERENCE);
        assert_non_null(strstr(err, "(clmgr move resource_group app_rg,db_rg)"));
        assert_int_equal(command(&c, m, "{\"op\":\"rg_online\",\"groups\":[\"app_rg\"]}", err),
                         0); /* its parent is online */
        assert_int_equal(
            command(&c, m, "{\"op\":\"rg_offline\",\"groups\":[\"app_rg\",\"db_rg\"]}", err), 0);
        assert_int_equal(cs->ctl.ctl[0].admin, RGM_ADMIN_OFFLINE);
        assert_int_equal(cs->ctl.ctl[1].admin, RGM_ADMIN_OFFLINE);
        /* the planner releases the child first: the parent keeps n1 */
        ack(m, now);
        update(&c, m, now);
        assert_int_equal(cs->ctl.target[0], 0);
        assert_int_equal(cs->ctl.target[1], RGM_NO_NODE);

        /* START_AFTER: app_rg starts after db_rg; both offline now */
        self_rep.gstate[0] = RG_S_OFFLINE;
        self_rep.gstate[1] = RG_S_OFFLINE;
        dep.type = CONF_DEP_START_AFTER;
        dep.name[0] = 'x';
        update(&c, m, now);
        assert_int_equal(command(&c, m, "{\"op\":\"rg_online\",\"groups\":[\"app_rg\"]}", err),
                         -HAMR_E_REFERENCE);
        assert_string_equal(err, "resource_group \"app_rg\": it starts after \"db_rg\", which is "
                                 "not ONLINE (dependency \"xep1\", START_AFTER); bring \"db_rg\" "
                                 "online first, or both together (clmgr online resource_group "
                                 "db_rg,app_rg)");
        assert_int_equal(
            command(&c, m, "{\"op\":\"rg_online\",\"groups\":[\"app_rg\",\"db_rg\"]}", err), 0);
        /* its target going offline does not stop it: no refusal */
        assert_int_equal(command(&c, m, "{\"op\":\"rg_offline\",\"groups\":[\"db_rg\"]}", err), 0);
        cfg.deps = NULL;
        cfg.ndeps = 0;
        memb_free(m);
}

/* Location dependencies and the administrator's moves: groups kept on
 * one node move together; no move onto a node a group of the same or a
 * higher priority holds (exit code 5). */
static void test_location_moves(void **state)
{
        coord_t c;
        char err[CONF_ERR_LEN];
        usec_t now = now_usec();
        memb_t *m = cluster_of_three(&c, now);
        static conf_rg_t two[2];
        conf_dep_t dep = {.name = "dep1",
                          .type = CONF_DEP_SAME_NODE,
                          .parent = -1,
                          .ngroups = 2,
                          .groups = {0, 1}};

        (void)state;
        two[0] = rg;
        two[1] = rg;
        snprintf(two[0].name, sizeof(two[0].name), "a_rg");
        snprintf(two[1].name, sizeof(two[1].name), "b_rg");
        two[0].id = 1;
        two[1].id = 2;
        cfg.rgs = two;
        cfg.nrgs = 2;
        cfg.deps = &dep;
        cfg.ndeps = 1;
        cstate_set_config(cs, &cfg, 0);
        all_report(m, now, SVC_ACTIVE, RG_S_ONLINE);
        self_rep.gstate[1] = RG_S_ONLINE;
        assert_int_equal(command(&c, m, "{\"op\":\"start\"}", err), 0);
        update(&c, m, now);
        ack(m, now);
        assert_int_equal(
            command(&c, m, "{\"op\":\"rg_move\",\"groups\":[\"a_rg\"],\"node\":\"n2\"}", err),
            -HAMR_E_REFERENCE);
        assert_string_equal(err, "resource_group \"a_rg\": it is kept on the same node as \"b_rg\" "
                                 "(dependency \"dep1\", SAME_NODE); move them together (clmgr "
                                 "move resource_group a_rg,b_rg NODE=n2)");
        assert_int_equal(command(&c, m,
                                 "{\"op\":\"rg_move\",\"groups\":[\"a_rg\",\"b_rg\"],\"node\":"
                                 "\"n2\"}",
                                 err),
                         0);

        /* different nodes: a_rg HIGH, b_rg LOW, both reported on n1 here */
        dep = (conf_dep_t){.name = "dep2",
                           .type = CONF_DEP_DIFFERENT_NODES,
                           .parent = -1,
                           .ngroups = 2,
                           .groups = {0, 1},
                           .prio = {CONF_DEP_HIGH, CONF_DEP_LOW}};
        update(&c, m, now);
        assert_int_equal(
            command(&c, m, "{\"op\":\"rg_move\",\"groups\":[\"b_rg\"],\"node\":\"n1\"}", err),
            -HAMR_E_REFERENCE);
        assert_string_equal(err, "resource_group \"b_rg\": node \"n1\" holds \"a_rg\", of a higher "
                                 "priority (dependency \"dep2\", DIFFERENT_NODES); allowed: a node "
                                 "no group of the same or a higher priority holds");
        assert_int_equal(
            command(&c, m, "{\"op\":\"rg_move\",\"groups\":[\"a_rg\"],\"node\":\"n1\"}", err), 0);
        cfg.deps = NULL;
        cfg.ndeps = 0;
        memb_free(m);
}

/* Control state follows a group by its ID across a sync that deletes an
 * earlier group and renames this one (found by review: it was indexed by
 * position and reset by every new generation). */
static void test_control_state_follows_group_id_across_syncs(void **state)
{
        coord_t c;
        char err[CONF_ERR_LEN];
        usec_t now = now_usec();
        memb_t *m = cluster_of_three(&c, now);
        static conf_rg_t two[2];

        (void)state;
        two[0] = rg;
        two[1] = rg;
        two[0].id = 256;
        two[1].id = 257;
        snprintf(two[1].name, sizeof(two[1].name), "db_rg");
        cfg.rgs = two;
        cfg.nrgs = 2;
        all_report(m, now, SVC_ACTIVE, RG_S_OFFLINE);
        assert_int_equal(command(&c, m, "{\"op\":\"start\"}", err), 0);
        update(&c, m, now);
        ack(m, now);
        assert_int_equal(command(&c, m, "{\"op\":\"rg_offline\",\"groups\":[\"db_rg\"]}", err), 0);
        assert_int_equal(cs->ctl.ctl[1].admin, RGM_ADMIN_OFFLINE);
        uint32_t clear = cs->ctl.clear_seq[1];
        /* generation 2: web_rg (256) deleted, db_rg (257) renamed, now first */
        two[0] = two[1];
        snprintf(two[0].name, sizeof(two[0].name), "db2_rg");
        cfg.nrgs = 1;
        cfg.generation = 2;
        self_st.generation = 2;
        peer_st.generation = 2;
        all_report(m, now, SVC_ACTIVE, RG_S_OFFLINE);
        update(&c, m, now);
        assert_int_equal(cs->ctl.generation, 2);
        assert_int_equal(cs->ctl.ngroups, 1);
        assert_int_equal(cs->ctl.gid[0], 257);
        assert_int_equal(cs->ctl.ctl[0].admin, RGM_ADMIN_OFFLINE); /* still offline */
        assert_int_equal(cs->ctl.clear_seq[0], clear);
        assert_int_equal(cs->ctl.target[0], RGM_NO_NODE);
        /* a new group (new ID) starts with its startup policy */
        two[1] = rg;
        two[1].id = 512;
        cfg.nrgs = 2;
        cfg.generation = 3;
        self_st.generation = 3;
        peer_st.generation = 3;
        all_report(m, now, SVC_ACTIVE, RG_S_OFFLINE);
        update(&c, m, now);
        assert_int_equal(cs->ctl.ctl[0].admin, RGM_ADMIN_OFFLINE);
        assert_int_equal(cs->ctl.ctl[1].admin, RGM_ADMIN_AUTO);
        assert_int_equal(cs->ctl.target[1], 0); /* OHN: home node n1 */
        cfg.rgs = &rg;
        cfg.nrgs = 1;
        memb_free(m);
}

/* Suspended monitoring: all-or-nothing on bad names, a controller without
 * a monitor is refused, the list survives a new generation (sync) and the
 * planner's steps, names no longer configured are dropped. */
static void test_suspend_resume_monitoring(void **state)
{
        coord_t c;
        char err[CONF_ERR_LEN];
        usec_t now = now_usec();
        memb_t *m = cluster_of_three(&c, now);
        static conf_appctl_t apps[3];
        static conf_appmon_t mon;

        (void)state;
        memset(apps, 0, sizeof(apps));
        snprintf(apps[0].name, sizeof(apps[0].name), "web");
        snprintf(apps[1].name, sizeof(apps[1].name), "db");
        snprintf(apps[2].name, sizeof(apps[2].name), "batch"); /* not monitored */
        memset(&mon, 0, sizeof(mon));
        snprintf(mon.name, sizeof(mon.name), "am1");
        mon.napps = 2;
        mon.apps[0] = 0;
        mon.apps[1] = 1;
        cfg.appctls = apps;
        cfg.nappctls = 3;
        cfg.appmons = &mon;
        cfg.nappmons = 1;
        all_report(m, now, SVC_ACTIVE, RG_S_OFFLINE);
        assert_int_equal(command(&c, m, "{\"op\":\"start\"}", err), 0);
        update(&c, m, now);
        assert_int_equal(
            command(&c, m, "{\"op\":\"app_suspend\",\"applications\":[\"web\",\"nope\"]}", err),
            -HAMR_E_NOT_FOUND);
        assert_string_equal(err, "application_controller \"nope\" does not exist");
        assert_int_equal(cs->ctl.nsuspended, 0); /* nothing half-done */
        assert_int_equal(
            command(&c, m, "{\"op\":\"app_suspend\",\"applications\":[\"batch\"]}", err),
            -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "no application_monitor monitors it"));
        assert_int_equal(command(&c, m, "{\"op\":\"app_suspend\",\"applications\":[]}", err),
                         -HAMR_E_MISSING);
        uint64_t seq = cs->ctl.ctl_seq;
        assert_int_equal(command(&c, m, "{\"op\":\"app_suspend\",\"applications\":[\"web\"]}", err),
                         0);
        assert_true(cs->ctl.ctl_seq > seq); /* published */
        assert_true(cstate_ctl_suspended(&cs->ctl, "web"));
        assert_false(cstate_ctl_suspended(&cs->ctl, "db"));
        ack(m, now);
        update(&c, m, now);
        assert_true(cstate_ctl_suspended(&cs->ctl, "web")); /* the planner keeps it */
        /* a sync (generation 2) does not undo it */
        cfg.generation = 2;
        self_st.generation = 2;
        peer_st.generation = 2;
        all_report(m, now, SVC_ACTIVE, RG_S_OFFLINE);
        update(&c, m, now);
        assert_int_equal(cs->ctl.generation, 2);
        assert_true(cstate_ctl_suspended(&cs->ctl, "web"));
        /* ALL: every monitored controller (not batch) */
        assert_int_equal(command(&c, m, "{\"op\":\"app_suspend\",\"applications\":[\"all\"]}", err),
                         0);
        assert_int_equal(cs->ctl.nsuspended, 2);
        assert_false(cstate_ctl_suspended(&cs->ctl, "batch"));
        assert_int_equal(command(&c, m, "{\"op\":\"app_resume\",\"applications\":[\"web\"]}", err),
                         0);
        assert_false(cstate_ctl_suspended(&cs->ctl, "web"));
        assert_true(cstate_ctl_suspended(&cs->ctl, "db"));
        /* resume of one not suspended: nothing to do, accepted */
        assert_int_equal(
            command(&c, m, "{\"op\":\"app_resume\",\"applications\":[\"batch\"]}", err), 0);
        /* db deleted by a sync: dropped at the next request */
        cfg.nappctls = 1;
        mon.napps = 1;
        assert_int_equal(command(&c, m, "{\"op\":\"app_suspend\",\"applications\":[\"web\"]}", err),
                         0);
        assert_int_equal(cs->ctl.nsuspended, 1);
        assert_string_equal(cs->ctl.suspended[0], "web");
        assert_int_equal(command(&c, m, "{\"op\":\"app_resume\",\"applications\":[\"ALL\"]}", err),
                         0);
        assert_int_equal(cs->ctl.nsuspended, 0);
        cfg.appctls = NULL;
        cfg.nappctls = 0;
        cfg.appmons = NULL;
        cfg.nappmons = 0;
        memb_free(m);
}

/* A move to the highest-priority node is one-shot: no priority override
 * location is left behind (PowerHA clears the POL on such a move). */
static void test_move_home_clears_pol(void **state)
{
        coord_t c;
        char err[CONF_ERR_LEN];
        usec_t now = now_usec();
        memb_t *m = cluster_of_three(&c, now);

        (void)state;
        all_report(m, now, SVC_ACTIVE, RG_S_OFFLINE);
        assert_int_equal(command(&c, m, "{\"op\":\"start\"}", err), 0);
        update(&c, m, now);
        ack(m, now);
        assert_int_equal(
            command(&c, m, "{\"op\":\"rg_move\",\"groups\":[\"web_rg\"],\"node\":\"n3\"}", err), 0);
        assert_int_equal(cs->ctl.ctl[0].pol_node, 2);
        assert_int_equal(
            command(&c, m, "{\"op\":\"rg_move\",\"groups\":[\"web_rg\"],\"node\":\"n1\"}", err), 0);
        assert_int_equal(cs->ctl.ctl[0].pol_node, RGM_NO_NODE);
        assert_int_equal(cs->ctl.ctl[0].move_node, 0);
        memb_free(m);
}

/* OFAN group, n1's services not started yet, cluster started: the group is
 * granted to n2 (the highest-priority eligible node). */
static memb_t *granted_to_n2(coord_t *c, usec_t now)
{
        char err[CONF_ERR_LEN];
        memb_t *m = cluster_of_three(c, now);

        rg.startup = RG_STARTUP_OFAN;
        all_report(m, now, SVC_ACTIVE, RG_S_OFFLINE);
        self_rep.services = SVC_INACTIVE;
        assert_int_equal(command(c, m, "{\"op\":\"start\"}", err), 0);
        update(c, m, now);
        assert_int_equal(cs->ctl.target[0], 1);
        return m;
}

/* Found by the spin model: a report older than the last target change may
 * hide an acquisition in progress, so the target does not move again until
 * every member has answered that publication. */
static void test_target_waits_for_answers(void **state)
{
        coord_t c;
        usec_t now = now_usec();
        memb_t *m = granted_to_n2(&c, now);

        (void)state;
        /* n1 becomes eligible; n2's report still predates the target */
        self_rep.services = SVC_ACTIVE;
        update(&c, m, now);
        assert_int_equal(cs->ctl.target[0], 1); /* unchanged: n2 may be acquiring */
        /* n2 answers: it is acquiring; the target stays (NFB keeps the holder) */
        push_report(2, 12, &peer_rep);
        peer_rep.gstate[0] = RG_S_ACQUIRING;
        push_report(1, 11, &peer_rep);
        update(&c, m, now);
        assert_int_equal(cs->ctl.target[0], 1);
        memb_free(m);
}

/* Model findings 5-6: a target never moves from one node to another in one
 * publication: it is revoked first, and granted again only after every
 * member has answered the revoke. */
static void test_revoke_before_grant(void **state)
{
        coord_t c;
        usec_t now = now_usec();
        memb_t *m = granted_to_n2(&c, now);

        (void)state;
        ack(m, now);                    /* everyone answered; n2 not acquiring yet */
        self_rep.services = SVC_ACTIVE; /* n1 (home, higher priority) becomes eligible */
        update(&c, m, now);
        assert_int_equal(cs->ctl.target[0], RGM_NO_NODE); /* revoked, not moved */
        update(&c, m, now);
        assert_int_equal(cs->ctl.target[0], RGM_NO_NODE); /* still waiting for answers */
        ack(m, now);
        update(&c, m, now);
        assert_int_equal(cs->ctl.target[0], 0);
        memb_free(m);
}

static void test_no_quorum_refuses(void **state)
{
        coord_t c;
        char err[CONF_ERR_LEN];
        usec_t now = now_usec();
        memb_t *m = cluster_of_three(&c, now);

        (void)state;
        /* both peers silent past the detection time: alone */
        usec_t later = now + 2 * USEC_PER_SEC;
        memb_coordinator_tick(m, later);
        assert_false(memb_quorate(m, later));
        /* coord_command checks quorum at the real clock: use a view of one */
        m->view.members = 0x1;
        assert_int_equal(command(&c, m, "{\"op\":\"start\"}", err), -HAMR_E_NO_QUORUM);
        assert_non_null(strstr(err, "quorum"));
        memb_free(m);
}

/* Selective fallover and the poison pill: n1 (coordinator, holder) reports
 * no carrier while n2 and n3, heard just now, report the network up: the
 * group is revoked from n1. When n1 reports the group in ERROR (its release
 * failed), it is ordered to reset itself; once it has left the view it is
 * wanted active again. A stale report cannot outrank: not heard within
 * half the network detection time, n2's "up" does not count. */
static void test_selective_fallover_and_poison_pill(void **state)
{
        coord_t c;
        char err[CONF_ERR_LEN];
        usec_t now = now_usec();
        memb_t *m = cluster_of_three(&c, now);

        (void)state;
        rg.nsips = 1;
        cfg.net_fdt_usec = 200 * MS;
        assert_int_equal(command(&c, m, "{\"op\":\"start\"}", err), 0);
        all_report(m, now, SVC_ACTIVE, RG_S_ONLINE);
        peer_rep.net = NET_OK;
        peer_rep.net_heard = 0x7; /* n2 and n3 hear each other (and n1) */
        self_rep.net = NET_OK;
        ack(m, now);
        update(&c, m, now);
        ack(m, now);
        update(&c, m, now);
        assert_int_equal(cs->ctl.target[0], 0);
        /* members for long enough (a node that just joined does not count
         * as having the better network for the detection time) */
        for (int i = 0; i < 3; i++)
                c.mem.member_since[i] = now - USEC_PER_SEC;
        /* n1 loses carrier; n2 and n3 were heard 150 ms ago: too old */
        self_rep.net = NET_NO_CARRIER;
        update(&c, m, now + 150 * MS);
        assert_int_equal(cs->ctl.target[0], 0);
        /* fresh reports: n1 is worse, but not yet for the network
         * detection time (a peer coming back is heard before it hears) */
        ack(m, now + 160 * MS);
        update(&c, m, now + 160 * MS);
        assert_int_equal(cs->ctl.target[0], 0);
        ack(m, now + 300 * MS);
        update(&c, m, now + 300 * MS);
        assert_int_equal(cs->ctl.target[0], 0);
        /* worse for 200 ms: revoke from n1 (release first) */
        ack(m, now + 360 * MS);
        update(&c, m, now + 360 * MS);
        assert_int_equal(cs->ctl.target[0], RGM_NO_NODE);
        assert_int_equal(cs->ctl.want[0], WANT_ACTIVE);
        /* the release fails: poison pill */
        self_rep.gstate[0] = RG_S_ERROR;
        ack(m, now + 370 * MS);
        update(&c, m, now + 370 * MS);
        assert_int_equal(cs->ctl.want[0], WANT_FENCE);
        assert_int_equal(cs->ctl.want[1], WANT_ACTIVE);
        /* a node that left the view is wanted active again */
        m->view.members &= ~1ULL;
        cs->ctl.want[1] = WANT_FENCE;
        m->view.members &= ~2ULL;
        update(&c, m, now + 380 * MS);
        assert_int_equal(cs->ctl.want[1], WANT_ACTIVE);
        rg.nsips = 0;
        memb_free(m);
}

/* The coordinator hands the planner's ARR decision to the daemon: every
 * member (none has a working disk here) reports the active repository
 * failing for the detection time (400 ms); backups that failed to prepare
 * (repo_bad, set by the daemon) are skipped. The decision lasts one update
 * and is cleared when this node does not coordinate. */
static void test_arr_decision_through_coord(void **state)
{
        coord_t c;
        char err[CONF_ERR_LEN];
        usec_t now = now_usec();
        memb_t *m = cluster_of_three(&c, now);

        (void)state;
        cfg.nbackups = 2;
        assert_int_equal(command(&c, m, "{\"op\":\"start\"}", err), 0);
        all_report(m, now, SVC_ACTIVE, RG_S_OFFLINE);
        update(&c, m, now);
        assert_int_equal(c.arr_switch, PLAN_NONE);
        assert_true(c.next_wakeup <= now + 400 * MS);
        ack(m, now + 399 * MS);
        update(&c, m, now + 399 * MS);
        assert_int_equal(c.arr_switch, PLAN_NONE);
        ack(m, now + 400 * MS);
        update(&c, m, now + 400 * MS);
        assert_int_equal(c.arr_switch, 1);
        c.repo_bad = 1u << 1;
        update(&c, m, now + 400 * MS);
        assert_int_equal(c.arr_switch, 2);
        /* not the coordinator of the view any more: no decision */
        m->view.coord = 1;
        assert_false(update(&c, m, now + 400 * MS));
        assert_int_equal(c.arr_switch, PLAN_NONE);
        assert_int_equal(c.next_wakeup, USEC_INFINITY);
        cfg.nbackups = 0;
        memb_free(m);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_start_then_schedule),
            cmocka_unit_test(test_start_needs_watchdog_and_binds_incarnation),
            cmocka_unit_test(test_bad_requests_change_nothing),
            cmocka_unit_test(test_stop_offline_and_restart_node),
            cmocka_unit_test(test_move_needs_active_node_and_sets_pol),
            cmocka_unit_test(test_dependency_commands),
            cmocka_unit_test(test_location_moves),
            cmocka_unit_test(test_control_state_follows_group_id_across_syncs),
            cmocka_unit_test(test_move_home_clears_pol),
            cmocka_unit_test(test_suspend_resume_monitoring),
            cmocka_unit_test(test_target_waits_for_answers),
            cmocka_unit_test(test_revoke_before_grant),
            cmocka_unit_test(test_no_quorum_refuses),
            cmocka_unit_test(test_selective_fallover_and_poison_pill),
            cmocka_unit_test(test_arr_decision_through_coord),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
