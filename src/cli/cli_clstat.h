/* cli_clstat: clstat, the live status view (PowerHA's clstat in ASCII
 * mode): its options and one screen. Pure; the loop is clmgr.c's. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#define CLI_PROGRAM_CLSTAT     "clstat"
#define CLI_CLSTAT_REFRESH_DEF 5    /* seconds */
#define CLI_CLSTAT_REFRESH_MAX 3600 /* seconds */

struct cli_clstat {
        bool once;        /* -o: one screen, then exit */
        bool help;        /* -h */
        unsigned refresh; /* -r SECONDS */
};

/* True if argv[0]'s basename is clstat. */
bool cli_clstat_wanted(int argc, char *const argv[]);
/* clstat [-a] [-o] [-r SECONDS] [-h]. 0, or CLMGR_RC_INVALID/MISSING with
 * a message in err naming the option and what is allowed. */
int cli_clstat_parse(int argc, char *const argv[], struct cli_clstat *o, char *err, size_t errlen);
void cli_clstat_usage(FILE *f);
/* One screen: a title line with the time (now, local) and the refresh,
 * then the status as clmgr status prints it, or error when status is NULL. */
void cli_clstat_screen(FILE *f, const struct cli_clstat *o, json_t *status, const char *error,
                       time_t now);
