/* cli_clstat: clstat's options and one screen of it (title, then the
 * status in clmgr status's text form). No I/O but the FILE* given. */
#include "cli/cli_clstat.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cli_output.h"
#include "common/hamr_error.h"

bool cli_clstat_wanted(int argc, char *const argv[])
{
        const char *b = argc > 0 && argv[0] ? strrchr(argv[0], '/') : NULL;

        if (argc <= 0 || !argv[0])
                return false;
        return strcmp(b ? b + 1 : argv[0], CLI_PROGRAM_CLSTAT) == 0;
}

void cli_clstat_usage(FILE *f)
{
        fprintf(f,
                "usage: clstat [-a] [-o] [-r SECONDS]\n"
                "  Live view of the cluster: its state, the nodes and the resource groups,\n"
                "  redrawn every SECONDS (default %d, 1 to %d) until Ctrl-C.\n"
                "  -o  one screen, then exit\n"
                "  -a  ASCII display (the only one; accepted for PowerHA's syntax)\n",
                CLI_CLSTAT_REFRESH_DEF, CLI_CLSTAT_REFRESH_MAX);
}

int cli_clstat_parse(int argc, char *const argv[], struct cli_clstat *o, char *err, size_t errlen)
{
        memset(o, 0, sizeof(*o));
        o->refresh = CLI_CLSTAT_REFRESH_DEF;
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];

                if (a[0] != '-' || !a[1]) {
                        snprintf(err, errlen,
                                 "clstat: unexpected argument '%s' (options: -a, -o, -r SECONDS, "
                                 "-h)",
                                 a);
                        return CLMGR_RC_INVALID;
                }
                for (const char *p = a + 1; *p; p++) {
                        const char *v;
                        char *end;
                        long n;

                        switch (*p) {
                        case 'a':
                                break;
                        case 'o':
                                o->once = true;
                                break;
                        case 'h':
                        case '?':
                                o->help = true;
                                break;
                        case 'r':
                                v = p[1] ? p + 1 : i + 1 < argc ? argv[++i] : NULL;
                                if (!v) {
                                        snprintf(err, errlen,
                                                 "clstat: option -r requires a number of seconds");
                                        return CLMGR_RC_MISSING;
                                }
                                n = strtol(v, &end, 10);
                                if (!*v || *end || n < 1 || n > CLI_CLSTAT_REFRESH_MAX) {
                                        snprintf(err, errlen,
                                                 "clstat: -r '%s' is not a refresh time (allowed: "
                                                 "1 to %d seconds)",
                                                 v, CLI_CLSTAT_REFRESH_MAX);
                                        return CLMGR_RC_INVALID;
                                }
                                o->refresh = (unsigned)n;
                                p += strlen(p) - 1; /* the value was the rest of the token */
                                break;
                        default:
                                snprintf(err, errlen,
                                         "clstat: unknown option -%c (options: -a, -o, -r "
                                         "SECONDS, -h)",
                                         *p);
                                return CLMGR_RC_INVALID;
                        }
                }
        }
        return 0;
}

void cli_clstat_screen(FILE *f, const struct cli_clstat *o, json_t *status, const char *error,
                       time_t now)
{
        struct cli_opts text = {0};
        char stamp[32];
        struct tm tm;

        localtime_r(&now, &tm);
        strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
        if (o->once)
                fprintf(f, "clstat - hamr cluster status at %s\n\n", stamp);
        else
                fprintf(f, "clstat - hamr cluster status at %s (every %u s; Ctrl-C quits)\n\n",
                        stamp, o->refresh);
        if (!status || cli_output_status(f, &text, status, NULL) < 0)
                fprintf(f, "status unknown: %s\n", error ? error : "unexpected reply from hamrd");
}
