/* test_coord_why: the coordinator's decision history (coord_history_record)
 * and the answer of `clmgr why` (coord_why_json): what is recorded from a
 * planner call, what concerns a group, the order and words of the causes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "coord/coord_why.h"
#include "plan/plan_why.h"
#include "rgm/rgm.h"

#define T0 ((int64_t)1764920000 * 1000) /* a local wall-clock time, ms */

static hamr_config_t *cfg;
static conf_node_t cfg_nodes[3];
static conf_rg_t cfg_rgs[2];
static plan_input_t *in;
static plan_output_t *out;
static coord_history_t *h;

static int setup(void **state)
{
        static const char *names[3] = {"n1", "n2", "n3"};

        (void)state;
        cfg = calloc(1, sizeof(*cfg));
        in = calloc(1, sizeof(*in));
        out = calloc(1, sizeof(*out));
        h = calloc(1, sizeof(*h));
        memset(cfg_nodes, 0, sizeof(cfg_nodes));
        memset(cfg_rgs, 0, sizeof(cfg_rgs));
        cfg->nodes = cfg_nodes;
        cfg->rgs = cfg_rgs;
        cfg->nnodes = 3;
        for (unsigned i = 0; i < 3; i++) {
                strcpy(cfg->nodes[i].name, names[i]);
                cfg->nodes[i].id = i;
        }
        cfg->nrgs = 2;
        strcpy(cfg->rgs[0].name, "db_rg");
        cfg->rgs[0].id = 512;
        cfg->rgs[0].nnodes = 2; /* n1, n2 */
        cfg->rgs[0].nodes[0] = 0;
        cfg->rgs[0].nodes[1] = 1;
        strcpy(cfg->rgs[1].name, "web_rg");
        cfg->rgs[1].id = 513;
        cfg->rgs[1].nnodes = 1; /* n3 only */
        cfg->rgs[1].nodes[0] = 2;
        in->cfg = cfg;
        out->ctl.ngroups = 2;
        out->ctl.gid[0] = 512;
        out->ctl.gid[1] = 513;
        out->ctl.target[0] = 0;
        out->ctl.target[1] = 2;
        coord_history_init(h);
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        free(cfg);
        free(in);
        free(out);
        free(h);
        return 0;
}

static void log_entry(int group, int node, plan_why_t code, bool changed, uint16_t prev)
{
        out->log[out->nlog++] = (plan_entry_t){.group = (int16_t)group,
                                               .node = (int16_t)node,
                                               .code = (uint8_t)code,
                                               .changed = changed,
                                               .prev = prev,
                                               .why = plan_why_str(code)};
}

static const char *event(json_t *ans, size_t i)
{
        return json_string_value(
            json_object_get(json_array_get(json_object_get(ans, "HISTORY"), i), "EVENT"));
}

static void test_chain_of_causes(void **state)
{
        char err[128] = "";
        json_t *ans;

        (void)state;
        /* the coordinator begins with n1 and n2: n3 absent; db_rg starts on n1 */
        in->members = 0x3;
        log_entry(0, 0, PLAN_WHY_STARTUP_HOME, true, RGM_NO_NODE);
        log_entry(1, PLAN_NONE, PLAN_WHY_NO_NODE, false, RGM_NO_NODE);
        coord_history_record(h, in, out, T0);
        assert_int_equal(h->count, 2); /* n3 absent, db_rg target */
        /* a call that changes nothing records nothing */
        out->nlog = 0;
        log_entry(0, 0, PLAN_WHY_STAY, false, 0);
        coord_history_record(h, in, out, T0 + 500);
        assert_int_equal(h->count, 2);
        /* n1's application monitor gives up, then n1 leaves; db_rg falls over to n2 */
        in->failed_here[0] = 0x1;
        coord_history_record(h, in, out, T0 + 1000);
        in->members = 0x2;
        out->nlog = 0;
        log_entry(0, 1, PLAN_WHY_FALLOVER, true, 0);
        log_entry(PLAN_NONE, 0, PLAN_WHY_STOP_DONE, false, 0);
        out->ctl.target[0] = 1;
        coord_history_record(h, in, out, T0 + 2250);
        /* the same node-level reason again is not a new cause */
        out->nlog = 0;
        log_entry(0, 1, PLAN_WHY_STAY, false, 1);
        log_entry(PLAN_NONE, 0, PLAN_WHY_STOP_DONE, false, 0);
        coord_history_record(h, in, out, T0 + 2500);
        /* n3 joins: not db_rg's node */
        in->members = 0x6;
        out->nlog = 0;
        log_entry(0, 1, PLAN_WHY_STAY, false, 1);
        coord_history_record(h, in, out, T0 + 3000);

        ans = coord_why_json(h, out, cfg, "db_rg", err, sizeof(err));
        assert_non_null(ans);
        assert_string_equal(json_string_value(json_object_get(ans, "TARGET")), "n2");
        assert_string_equal(json_string_value(json_object_get(ans, "CODE")), "STAY");
        assert_string_equal(json_string_value(json_object_get(ans, "REASON")),
                            "online on current node");
        assert_int_equal(json_array_size(json_object_get(ans, "HISTORY")), 5);
        assert_string_equal(event(ans, 0), "db_rg: target none -> n1 (startup on home node)");
        assert_non_null(strstr(event(ans, 1), "node n1 failed db_rg (its acquisition failed"));
        assert_non_null(strstr(event(ans, 2), "node n1 left the cluster view"));
        assert_string_equal(event(ans, 3),
                            "db_rg: target n1 -> n2 (fallover to next priority node)");
        assert_string_equal(event(ans, 4), "node n1: cluster services stopped");
        assert_string_equal(json_string_value(json_object_get(
                                json_array_get(json_object_get(ans, "HISTORY"), 2), "TIME")),
                            "2025-12-05 07:33:22.250");
        json_decref(ans);

        /* web_rg (n3 only): n3's absence and return, nothing of db_rg */
        ans = coord_why_json(h, out, cfg, "web_rg", err, sizeof(err));
        assert_non_null(ans);
        assert_int_equal(json_array_size(json_object_get(ans, "HISTORY")), 2);
        assert_non_null(strstr(event(ans, 0), "node n3 was not in the cluster view"));
        assert_string_equal(event(ans, 1), "node n3 joined the cluster view");
        assert_string_equal(json_string_value(json_object_get(ans, "CODE")), "NONE");
        json_decref(ans);

        assert_null(coord_why_json(h, out, cfg, "nope_rg", err, sizeof(err)));
        assert_string_equal(err, "resource group \"nope_rg\" does not exist");
}

/* FUDNP: the node chosen, the policy in words and its value, in the
 * history and as the current reason. */
static void test_dnp_reason(void **state)
{
        char err[128] = "";
        json_t *ans;

        (void)state;
        in->members = 0x3;
        log_entry(0, 1, PLAN_WHY_DNP_FREE_MEM, true, 0);
        out->log[0].value = 2048;
        out->ctl.target[0] = 1;
        coord_history_record(h, in, out, T0);
        ans = coord_why_json(h, out, cfg, "db_rg", err, sizeof(err));
        assert_non_null(ans);
        assert_string_equal(json_string_value(json_object_get(ans, "CODE")), "DNP_FREE_MEM");
        assert_string_equal(json_string_value(json_object_get(ans, "REASON")),
                            "fallover to n2: highest free memory (2048 MiB free)");
        assert_int_equal(json_array_size(json_object_get(ans, "HISTORY")), 1);
        assert_string_equal(event(ans, 0),
                            "db_rg: target n1 -> n2 (fallover to n2: highest free memory "
                            "(2048 MiB free))");
        json_decref(ans);
        out->nlog = 0;
        log_entry(0, 1, PLAN_WHY_DNP_NO_VALUE, false, 1);
        ans = coord_why_json(h, out, cfg, "db_rg", err, sizeof(err));
        assert_string_equal(json_string_value(json_object_get(ans, "REASON")),
                            "fallover to n2: next priority node (no eligible node has a dynamic "
                            "node priority value)");
        json_decref(ans);
        out->nlog = 0;
        log_entry(0, 1, PLAN_WHY_DNP_IDLE_CPU, false, 1);
        out->log[0].value = 875;
        ans = coord_why_json(h, out, cfg, "db_rg", err, sizeof(err));
        assert_string_equal(json_string_value(json_object_get(ans, "REASON")),
                            "fallover to n2: highest idle CPU (87.5% idle CPU)");
        json_decref(ans);
}

static void test_ring_keeps_the_newest(void **state)
{
        char err[128] = "";
        json_t *ans;

        (void)state;
        in->members = 0x7;
        for (int k = 0; k < COORD_HISTORY + 40; k++) {
                out->nlog = 0;
                log_entry(0, k % 2, PLAN_WHY_MOVE, true, (uint16_t)((k + 1) % 2));
                coord_history_record(h, in, out, T0 + k);
        }
        assert_int_equal(h->count, COORD_HISTORY);
        ans = coord_why_json(h, out, cfg, "db_rg", err, sizeof(err));
        assert_int_equal(json_array_size(json_object_get(ans, "HISTORY")), COORD_WHY_EVENTS);
        /* the last one shown is the newest move: k = COORD_HISTORY + 39, to n2 */
        assert_string_equal(event(ans, COORD_WHY_EVENTS - 1),
                            "db_rg: target n1 -> n2 (moved by the administrator)");
        json_decref(ans);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_chain_of_causes, setup, teardown),
            cmocka_unit_test_setup_teardown(test_ring_keeps_the_newest, setup, teardown),
            cmocka_unit_test_setup_teardown(test_dnp_reason, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
