/* test_cli_views: clmgr's logs and views: the clutils.log lines, clRGinfo
 * -v and -a, and clmgr view log (parse, filters, listing). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/cli_log.h"
#include "cli/cli_output.h"
#include "cli/cli_parse.h"
#include "common/hamr_error.h"

static void test_clutils_lines(void **state)
{
        /* 2026-12-05 08:01:02.345 UTC */
        struct timespec start = {.tv_sec = 1796457662, .tv_nsec = 345000000};
        struct timespec end = {.tv_sec = 1796457663, .tv_nsec = 1000000};
        char *args[] = {"clmgr", "add", "rg", "web rg", "DESC=it's", NULL};
        char *line;

        (void)state;
        line = cli_log_start_line(&start, 0, 42, NULL, 5, args);
        assert_string_equal(line, "2026-12-05T08:01:02.345Z uid=0 pid=42 cmd: clmgr add rg "
                                  "'web rg' 'DESC=it'\\''s'\n");
        free(line);
        line = cli_log_start_line(&start, 7, 42, "tx 1", 1, args);
        assert_string_equal(line, "2026-12-05T08:01:02.345Z uid=7 pid=42 tid='tx 1' cmd: clmgr\n");
        free(line);
        /* success: rc and elapsed time, no error */
        line = cli_log_end_line(&end, 0, 42, NULL, 0, &start, NULL);
        assert_string_equal(line, "2026-12-05T08:01:03.001Z uid=0 pid=42 end: rc=0 "
                                  "elapsed=0.656s\n");
        free(line);
        line = cli_log_end_line(&end, 0, 42, NULL, 0, &start, "");
        assert_null(strstr(line, "error"));
        free(line);
        /* failure: the message on one line */
        line =
            cli_log_end_line(&end, 0, 42, "t", 4, &start, "timed out waiting:\n  web_rg OFFLINE\n");
        assert_string_equal(line, "2026-12-05T08:01:03.001Z uid=0 pid=42 tid=t end: rc=4 "
                                  "elapsed=0.656s error: timed out waiting: /   web_rg "
                                  "OFFLINE\n");
        free(line);
        /* a clock that went back shows 0, a long message is cut */
        {
                char big[CLI_LOG_ERROR_MAX * 2];
                memset(big, 'x', sizeof(big) - 1);
                big[sizeof(big) - 1] = '\0';
                line = cli_log_end_line(&start, 0, 1, NULL, 1, &end, big);
                assert_non_null(strstr(line, " elapsed=0.000s "));
                assert_true(strlen(line) < CLI_LOG_ERROR_MAX + 100);
                assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1); /* one line */
                free(line);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_clutils_lines),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
