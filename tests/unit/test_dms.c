/* test_dms: the deadman switch's pet rule and its FIFO watchdog protocol
 * (the one the lab's emulator serves), with time passed in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dms/dms.h"

#define MS (USEC_PER_MSEC)

static void test_may_pet(void **state)
{
        usec_t now = 1000 * USEC_PER_SEC, w = 100 * MS, m = 50 * MS;

        (void)state;
        assert_true(dms_may_pet(0, now, 0, w, m));             /* holds nothing */
        assert_true(dms_may_pet(2, now, USEC_INFINITY, w, m)); /* nobody can take over */
        assert_true(dms_may_pet(1, now, now + w + m, w, m));   /* fires just in time */
        assert_false(dms_may_pet(1, now, now + w + m - 1, w, m));
        assert_false(dms_may_pet(1, now, now - 1, w, m));
}

static char fifo_path[64];

static int open_fifo(void)
{
        int fd;
        snprintf(fifo_path, sizeof(fifo_path), "/tmp/hamr-test-dms-%d", (int)getpid());
        unlink(fifo_path);
        assert_int_equal(mkfifo(fifo_path, 0600), 0);
        fd = open(fifo_path, O_RDWR | O_NONBLOCK);
        assert_true(fd >= 0);
        return fd;
}

static const char *drain(int fd)
{
        static char buf[256];
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        buf[n > 0 ? n : 0] = '\0';
        return buf;
}

static void test_fifo_protocol(void **state)
{
        usec_t t = 1000 * USEC_PER_SEC;
        int fd = open_fifo();
        dms_t *d;

        (void)state;
        d = dms_new(fifo_path);
        assert_string_equal(drain(fd), ""); /* not armed before a configuration */
        dms_configure(d, DMS_MODE_ASSERT, 250 * MS, t);
        assert_string_equal(drain(fd), "T250\n");
        dms_step(d, true, NULL, t + 10 * MS);
        dms_step(d, true, NULL, t + 20 * MS);
        assert_string_equal(drain(fd), "kk");
        dms_step(d, false, "holding", t + 30 * MS); /* unsafe: no pet */
        assert_string_equal(drain(fd), "");
        assert_int_equal(dms_events(d), 0);
        /* mode e: disarmed (magic close), and a lapse raises one event */
        dms_configure(d, DMS_MODE_EVENT, 250 * MS, t + 40 * MS);
        assert_string_equal(drain(fd), "V");
        dms_step(d, false, "holding", t + 300 * MS);
        dms_step(d, false, "holding", t + 400 * MS);
        assert_int_equal(dms_events(d), 1);
        dms_step(d, true, NULL, t + 410 * MS);
        assert_string_equal(drain(fd), ""); /* nothing written in mode e */
        /* a stalled loop (no step at all for longer than the timeout) */
        dms_step(d, true, NULL, t + 900 * MS);
        assert_int_equal(dms_events(d), 2);
        json_t *j = dms_status_json(d, t + 900 * MS);
        assert_string_equal(json_string_value(json_object_get(j, "MODE")), "e");
        assert_int_equal(json_integer_value(json_object_get(j, "EVENTS")), 2);
        assert_true(json_real_value(json_object_get(j, "MAX_GAP")) >= 0.49);
        json_decref(j);
        /* back to a: armed again */
        dms_configure(d, DMS_MODE_ASSERT, 250 * MS, t + 910 * MS);
        assert_string_equal(drain(fd), "T250\n");
        dms_free(d);
        assert_string_equal(drain(fd), "V");
        close(fd);
        unlink(fifo_path);
}

static void test_no_device(void **state)
{
        usec_t t = 1000 * USEC_PER_SEC;
        dms_t *d = dms_new(NULL);

        (void)state;
        dms_configure(d, DMS_MODE_ASSERT, 100 * MS, t);
        dms_step(d, true, NULL, t + 50 * MS);
        dms_step(d, false, "x", t + 200 * MS);
        assert_int_equal(dms_events(d), 1); /* events only */
        json_t *j = dms_status_json(d, t + 200 * MS);
        assert_false(json_is_true(json_object_get(j, "ARMED")));
        json_decref(j);
        dms_free(d);
        /* a device that does not exist is reported, not fatal */
        d = dms_new("/nonexistent/watchdog");
        dms_configure(d, DMS_MODE_ASSERT, 100 * MS, t);
        j = dms_status_json(d, t);
        assert_non_null(strstr(json_string_value(json_object_get(j, "ERROR")), "/nonexistent"));
        json_decref(j);
        dms_free(d);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_may_pet),
                cmocka_unit_test(test_fifo_protocol),
                cmocka_unit_test(test_no_device),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
