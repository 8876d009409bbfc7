/* test_coord_autoverify: the daily automatic verification's schedule with
 * simulated time: a week of ticks every 10 s runs it once a day at the
 * hour, a coordinator that takes over after the hour waits for the next
 * day, a changed hour re-arms, clock jumps (forward: once; back: re-armed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "coord/coord_autoverify.h"

#define DAY            (24 * 3600)
#define T0             ((int64_t)20000 * DAY) /* a midnight, local wall seconds */
#define AT(d, h, m, s) (T0 + (int64_t)(d)*DAY + (h)*3600 + (m)*60 + (s))

static void test_next(void **state)
{
        (void)state;
        assert_true(coord_autoverify_next(AT(0, 0, 0, 0), 0) == AT(1, 0, 0, 0));
        assert_true(coord_autoverify_next(AT(0, 1, 59, 59), 2) == AT(0, 2, 0, 0));
        assert_true(coord_autoverify_next(AT(0, 2, 0, 0), 2) == AT(1, 2, 0, 0));
        assert_true(coord_autoverify_next(AT(0, 23, 30, 0), 23) == AT(1, 23, 0, 0));
}

static void test_a_week_of_ticks(void **state)
{
        coord_autoverify_t s = {0};
        int64_t runs[16];
        int n = 0;

        (void)state;
        /* the coordinator starts at 00:30 on day 0, VERIFICATION_HOUR=3 */
        for (int64_t t = AT(0, 0, 30, 0); t < AT(7, 0, 0, 0); t += 10)
                if (coord_autoverify_due(&s, t, 3)) {
                        assert_true(n < 16);
                        runs[n++] = t;
                }
        assert_int_equal(n, 7);
        for (int i = 0; i < n; i++)
                assert_true(runs[i] == AT(i, 3, 0, 0)); /* at 03:00:00 every day */
}

static void test_takeover_after_the_hour_waits(void **state)
{
        coord_autoverify_t s = {0};

        (void)state;
        /* a node that becomes coordinator at 00:00:05 does not run today */
        assert_false(coord_autoverify_due(&s, AT(0, 0, 0, 5), 0));
        assert_false(coord_autoverify_due(&s, AT(0, 12, 0, 0), 0));
        assert_true(coord_autoverify_due(&s, AT(1, 0, 0, 1), 0));
        assert_false(coord_autoverify_due(&s, AT(1, 0, 0, 11), 0));
        /* it stops coordinating, and takes over again at 23:00: next midnight */
        coord_autoverify_reset(&s);
        assert_false(coord_autoverify_due(&s, AT(1, 23, 0, 0), 0));
        assert_true(coord_autoverify_due(&s, AT(2, 0, 0, 0), 0));
}

static void test_hour_change_and_clock_jumps(void **state)
{
        coord_autoverify_t s = {0};

        (void)state;
        assert_false(coord_autoverify_due(&s, AT(0, 1, 0, 0), 0)); /* armed for day 1 00:00 */
        /* VERIFICATION_HOUR=5 synced at 01:00: today 05:00 */
        assert_false(coord_autoverify_due(&s, AT(0, 1, 0, 10), 5));
        assert_true(coord_autoverify_due(&s, AT(0, 5, 0, 0), 5));
        /* the clock jumps three days ahead: one run, then the day after */
        assert_true(coord_autoverify_due(&s, AT(3, 12, 0, 0), 5));
        assert_false(coord_autoverify_due(&s, AT(3, 12, 0, 10), 5));
        assert_true(coord_autoverify_due(&s, AT(4, 5, 0, 0), 5));
        /* the clock goes back two days: re-armed, no run at once */
        assert_false(coord_autoverify_due(&s, AT(2, 6, 0, 0), 5));
        assert_true(coord_autoverify_due(&s, AT(3, 5, 0, 0), 5));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_next),
            cmocka_unit_test(test_a_week_of_ticks),
            cmocka_unit_test(test_takeover_after_the_hour_waits),
            cmocka_unit_test(test_hour_change_and_clock_jumps),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
