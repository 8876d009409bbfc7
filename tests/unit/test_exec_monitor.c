/* Unit tests of exec_monitor: PowerHA's restart/escalation algorithm. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "exec/exec_monitor.h"

#define S USEC_PER_SEC

/* interval 1 s, stabilization 2 s, restart interval 10 s, 3 restarts */
static void setup_mon(exec_mon_t *m, bool fallover)
{
        exec_mon_init(m, 1 * S, 2 * S, 10 * S, 3, fallover);
        exec_mon_started(m, 100 * S);
}

/* No check during stabilization, then one every interval. */
static void test_stabilization(void **state)
{
        exec_mon_t m;

        (void)state;
        setup_mon(&m, true);
        assert_int_equal(m.phase, EXEC_MON_STABILIZING);
        assert_int_equal(exec_mon_tick(&m, 101 * S), EXEC_MON_ACT_NONE);
        assert_int_equal(exec_mon_tick(&m, 102 * S), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_tick(&m, 102 * S + 1), EXEC_MON_ACT_NONE); /* running */
        assert_int_equal(exec_mon_result(&m, 102 * S, true), EXEC_MON_ACT_NONE);
        assert_int_equal(exec_mon_tick(&m, 102 * S + S / 2), EXEC_MON_ACT_NONE);
        assert_int_equal(exec_mon_tick(&m, 103 * S), EXEC_MON_ACT_CHECK);
}

/* RESTARTCOUNT restarts, each followed by stabilization, then fallover. */
static void test_restarts_then_fallover(void **state)
{
        exec_mon_t m;
        usec_t t = 102 * S;

        (void)state;
        setup_mon(&m, true);
        for (unsigned k = 1; k <= 3; k++) {
                assert_int_equal(exec_mon_tick(&m, t), EXEC_MON_ACT_CHECK);
                assert_int_equal(exec_mon_result(&m, t, false), EXEC_MON_ACT_RESTART);
                assert_int_equal(m.restarts, k);
                assert_int_equal(exec_mon_tick(&m, t + 5 * S), EXEC_MON_ACT_NONE);
                assert_int_equal(exec_mon_restarted(&m, t + S, true), EXEC_MON_ACT_NONE);
                assert_int_equal(m.phase, EXEC_MON_STABILIZING);
                assert_int_equal(exec_mon_tick(&m, t + 2 * S), EXEC_MON_ACT_NONE);
                t += 3 * S;
        }
        assert_int_equal(exec_mon_tick(&m, t), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_result(&m, t, false), EXEC_MON_ACT_FALLOVER);
        assert_int_equal(m.phase, EXEC_MON_FAILED);
        assert_int_equal(exec_mon_tick(&m, t + 100 * S), EXEC_MON_ACT_NONE);
        exec_mon_stop(&m); /* the release does not forget the failure */
        assert_int_equal(m.phase, EXEC_MON_FAILED);
        assert_int_equal(m.failures, 4);
}

/* The counter resets after RESTARTINTERVAL of health, not before. */
static void test_counter_reset(void **state)
{
        exec_mon_t m;

        (void)state;
        setup_mon(&m, true);
        assert_int_equal(exec_mon_tick(&m, 102 * S), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_result(&m, 102 * S, false), EXEC_MON_ACT_RESTART);
        assert_int_equal(exec_mon_restarted(&m, 103 * S, true), EXEC_MON_ACT_NONE);
        for (usec_t t = 105 * S; t <= 114 * S; t += S) {
                assert_int_equal(exec_mon_tick(&m, t), EXEC_MON_ACT_CHECK);
                assert_int_equal(exec_mon_result(&m, t, true), EXEC_MON_ACT_NONE);
                assert_int_equal(m.restarts, 1); /* healthy since 105: 9 s */
        }
        assert_int_equal(exec_mon_tick(&m, 115 * S), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_result(&m, 115 * S, true), EXEC_MON_ACT_NONE);
        assert_int_equal(m.restarts, 0);
}

/* notify: NOTIFY once, the group stays, checks go on; health re-arms it. */
static void test_notify(void **state)
{
        exec_mon_t m;

        (void)state;
        exec_mon_init(&m, 1 * S, 2 * S, 10 * S, 0, false);
        exec_mon_started(&m, 0);
        assert_int_equal(exec_mon_tick(&m, 2 * S), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_result(&m, 2 * S, false), EXEC_MON_ACT_NOTIFY);
        assert_int_equal(exec_mon_tick(&m, 3 * S), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_result(&m, 3 * S, false), EXEC_MON_ACT_NONE);
        assert_int_equal(exec_mon_tick(&m, 4 * S), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_result(&m, 4 * S, true), EXEC_MON_ACT_NONE);
        assert_int_equal(exec_mon_tick(&m, 5 * S), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_result(&m, 5 * S, false), EXEC_MON_ACT_NOTIFY);
}

/* A failed restart counts as a failure; a stale result is ignored. */
static void test_failed_restart_and_stale(void **state)
{
        exec_mon_t m;

        (void)state;
        exec_mon_init(&m, 1 * S, 2 * S, 10 * S, 1, true);
        exec_mon_started(&m, 0);
        assert_int_equal(exec_mon_tick(&m, 2 * S), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_result(&m, 2 * S, false), EXEC_MON_ACT_RESTART);
        assert_int_equal(exec_mon_result(&m, 2 * S, true), EXEC_MON_ACT_NONE); /* stale */
        assert_int_equal(exec_mon_restarted(&m, 3 * S, false), EXEC_MON_ACT_FALLOVER);
        exec_mon_init(&m, 1 * S, 2 * S, 10 * S, 1, true);
        exec_mon_started(&m, 0);
        assert_int_equal(exec_mon_tick(&m, 2 * S), EXEC_MON_ACT_CHECK);
        exec_mon_stop(&m);
        assert_int_equal(exec_mon_result(&m, 2 * S, false), EXEC_MON_ACT_NONE);
        assert_int_equal(m.phase, EXEC_MON_IDLE);
}

/* Suspended: no check is due, a result or a failed restart still running
 * acts on nothing; resume waits STABILIZATION again before checking. */
static void test_suspend_resume(void **state)
{
        exec_mon_t m;

        (void)state;
        exec_mon_init(&m, 1 * S, 2 * S, 10 * S, 1, true);
        exec_mon_started(&m, 0);
        assert_int_equal(exec_mon_tick(&m, 2 * S), EXEC_MON_ACT_CHECK);
        exec_mon_suspend(&m);
        /* the check that was running fails: ignored */
        assert_int_equal(exec_mon_result(&m, 2 * S, false), EXEC_MON_ACT_NONE);
        assert_int_equal(m.restarts, 0);
        assert_int_equal(m.failures, 0);
        for (usec_t t = 3 * S; t < 60 * S; t += S)
                assert_int_equal(exec_mon_tick(&m, t), EXEC_MON_ACT_NONE);
        /* a new start while suspended (group moved here) checks nothing */
        exec_mon_stop(&m);
        exec_mon_started(&m, 60 * S);
        assert_true(m.suspended);
        assert_int_equal(exec_mon_tick(&m, 70 * S), EXEC_MON_ACT_NONE);
        /* resume: STABILIZATION (2 s) first */
        exec_mon_resume(&m, 100 * S);
        assert_false(m.suspended);
        assert_int_equal(m.phase, EXEC_MON_STABILIZING);
        assert_int_equal(exec_mon_tick(&m, 101 * S), EXEC_MON_ACT_NONE);
        assert_int_equal(exec_mon_tick(&m, 102 * S), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_result(&m, 102 * S, false), EXEC_MON_ACT_RESTART);
        /* suspended during the restart, which then fails: no fallover */
        exec_mon_suspend(&m);
        assert_int_equal(exec_mon_restarted(&m, 103 * S, false), EXEC_MON_ACT_NONE);
        assert_int_equal(m.phase, EXEC_MON_STABILIZING);
        assert_int_equal(exec_mon_tick(&m, 110 * S), EXEC_MON_ACT_NONE);
        /* resume of an idle monitor leaves it idle; a second resume is a no-op */
        exec_mon_stop(&m);
        exec_mon_resume(&m, 120 * S);
        assert_int_equal(m.phase, EXEC_MON_IDLE);
        exec_mon_resume(&m, 121 * S);
        assert_int_equal(exec_mon_tick(&m, 130 * S), EXEC_MON_ACT_NONE);
}

/* MODE=startup: checks at once after the start scripts, then every
 * interval, the last one at the end of STABILIZATION; healthy -> STARTED
 * and nothing more (no longrunning checks); never healthy -> START_FAILED. */
static void test_startup_mode(void **state)
{
        exec_mon_t m;

        (void)state;
        exec_mon_init(&m, 1 * S, 3 * S, 10 * S, 1, true);
        exec_mon_set_mode(&m, true, false);
        assert_int_equal(exec_mon_startup(&m, 10 * S), EXEC_MON_ACT_NONE);
        assert_int_equal(m.phase, EXEC_MON_STARTUP);
        assert_int_equal(exec_mon_tick(&m, 10 * S), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_tick(&m, 10 * S), EXEC_MON_ACT_NONE); /* running */
        assert_int_equal(exec_mon_result(&m, 10 * S, false), EXEC_MON_ACT_NONE);
        assert_int_equal(exec_mon_tick(&m, 10 * S + S / 2), EXEC_MON_ACT_NONE);
        assert_int_equal(exec_mon_tick(&m, 11 * S), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_result(&m, 11 * S, true), EXEC_MON_ACT_STARTED);
        assert_int_equal(m.phase, EXEC_MON_IDLE);
        /* startup only: the group online, no longrunning checks */
        exec_mon_started(&m, 12 * S);
        assert_int_equal(m.phase, EXEC_MON_IDLE);
        assert_int_equal(exec_mon_tick(&m, 100 * S), EXEC_MON_ACT_NONE);

        /* never healthy: a check at 20, 21, 22 and the last at 23 (the end
         * of STABILIZATION, not 24) fails the start */
        assert_int_equal(exec_mon_startup(&m, 20 * S), EXEC_MON_ACT_NONE);
        for (usec_t t = 20 * S; t < 23 * S; t += S) {
                assert_int_equal(exec_mon_tick(&m, t), EXEC_MON_ACT_CHECK);
                assert_int_equal(exec_mon_result(&m, t, false), EXEC_MON_ACT_NONE);
        }
        assert_int_equal(exec_mon_tick(&m, 23 * S), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_result(&m, 23 * S, false), EXEC_MON_ACT_START_FAILED);
        assert_int_equal(m.phase, EXEC_MON_IDLE);
        /* a check that returns late (hung past the end) fails it too */
        assert_int_equal(exec_mon_startup(&m, 30 * S), EXEC_MON_ACT_NONE);
        assert_int_equal(exec_mon_tick(&m, 30 * S), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_result(&m, 34 * S, false), EXEC_MON_ACT_START_FAILED);
        /* suspended: startup checks still run (they are the acquisition's) */
        exec_mon_suspend(&m);
        assert_int_equal(exec_mon_startup(&m, 40 * S), EXEC_MON_ACT_NONE);
        assert_int_equal(exec_mon_tick(&m, 40 * S), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_result(&m, 40 * S, true), EXEC_MON_ACT_STARTED);
}

/* MODE=both: startup, then longrunning from STABILIZATION after the group
 * is online; MODE=longrunning: no startup checks (STARTED at once). */
static void test_both_and_longrunning_modes(void **state)
{
        exec_mon_t m;

        (void)state;
        exec_mon_init(&m, 1 * S, 2 * S, 10 * S, 1, true);
        exec_mon_set_mode(&m, true, true);
        assert_int_equal(exec_mon_startup(&m, 0), EXEC_MON_ACT_NONE);
        assert_int_equal(exec_mon_tick(&m, 0), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_result(&m, 0, true), EXEC_MON_ACT_STARTED);
        exec_mon_started(&m, 1 * S);
        assert_int_equal(m.phase, EXEC_MON_STABILIZING);
        assert_int_equal(exec_mon_tick(&m, 2 * S), EXEC_MON_ACT_NONE);
        assert_int_equal(exec_mon_tick(&m, 3 * S), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_result(&m, 3 * S, false), EXEC_MON_ACT_RESTART);

        exec_mon_init(&m, 1 * S, 2 * S, 10 * S, 1, true);
        assert_int_equal(exec_mon_startup(&m, 0), EXEC_MON_ACT_STARTED);
        assert_int_equal(m.phase, EXEC_MON_IDLE);
        assert_int_equal(exec_mon_tick(&m, 5 * S), EXEC_MON_ACT_NONE);
}

/* An OCF agent's hard error: no restart, the failure action at once;
 * suspended or stale: nothing. */
static void test_hard_failure(void **state)
{
        exec_mon_t m;

        (void)state;
        setup_mon(&m, true);
        assert_int_equal(exec_mon_tick(&m, 102 * S), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_hard_failure(&m, 102 * S), EXEC_MON_ACT_FALLOVER);
        assert_int_equal(m.phase, EXEC_MON_FAILED);
        setup_mon(&m, false);
        assert_int_equal(exec_mon_tick(&m, 102 * S), EXEC_MON_ACT_CHECK);
        assert_int_equal(exec_mon_hard_failure(&m, 102 * S), EXEC_MON_ACT_NOTIFY);
        setup_mon(&m, true);
        assert_int_equal(exec_mon_tick(&m, 102 * S), EXEC_MON_ACT_CHECK);
        exec_mon_suspend(&m);
        assert_int_equal(exec_mon_hard_failure(&m, 102 * S), EXEC_MON_ACT_NONE);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_stabilization),
            cmocka_unit_test(test_restarts_then_fallover),
            cmocka_unit_test(test_counter_reset),
            cmocka_unit_test(test_notify),
            cmocka_unit_test(test_failed_restart_and_stale),
            cmocka_unit_test(test_suspend_resume),
            cmocka_unit_test(test_startup_mode),
            cmocka_unit_test(test_both_and_longrunning_modes),
            cmocka_unit_test(test_hard_failure),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
