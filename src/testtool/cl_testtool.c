/* cl_testtool: the Cluster Test Tool (PowerHA's cl_testtool): runs a test
 * plan, or the automated test procedure, against the running cluster from
 * this node (the control node). Options, the plan, the run, the exit code. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli_client.h"
#include "testtool/tt_log.h"
#include "testtool/tt_run.h"
#include "testtool/tt_validate.h"

#define DEFAULT_RSH "ssh -o BatchMode=yes root@%n"

static void usage(FILE *f)
{
        fprintf(
            f,
            "usage: cl_testtool [-p PLAN [-v VARIABLES]] [options]\n"
            "Runs the test plan PLAN (PowerHA's format: one test per line, TEST_NAME, "
            "parameters, comment),\n"
            "or without -p the automated test procedure, against the cluster of the local "
            "hamrd.\n"
            "  -p, --plan FILE          the test plan (custom test procedure)\n"
            "  -v, --variables FILE     the variables file (name=value; $name in the plan)\n"
            "  -e, --abort-on-error     stop at the first test that fails\n"
            "  -l, --log FILE           the log (default $HAMR_TESTTOOL_LOG or %s)\n"
            "  -c, --cycle-log          move the old log to FILE.1 first\n"
            "  -V, --verbose            the log's detail lines on stdout too\n"
            "  -n, --check              check the plan against the configuration, run nothing\n"
            "      --rsh TEMPLATE       remote shell, %%n = node (default $HAMR_TESTTOOL_RSH "
            "or \"%s\")\n"
            "      --start-hamrd TEMPLATE  command that starts hamrd on node %%n (default "
            "$HAMR_TESTTOOL_START_HAMRD,\n"
            "                           or the remote shell running \"systemctl start hamrd\")\n"
            "      --clmgr PATH         clmgr (default: next to cl_testtool, else in PATH)\n"
            "      --timeout SECONDS    bound of each wait for a stable cluster (default "
            "MAX_EVENT_TIME +\n"
            "                           MAX_RG_PROCESSING_TIME of the cluster)\n"
            "      --seed N             seed of the automated procedure's random picks\n"
            "Exit: 0 every test passed (or is not applicable), 1 a test failed, 2 bad "
            "options or plan,\n"
            "3 the cluster cannot be read.\n",
            TT_DEFAULT_LOG, DEFAULT_RSH);
}

/* clmgr next to this program (installed), else in the build tree, else PATH. */
static const char *find_clmgr(char *buf, size_t len)
{
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        char *slash;

        if (n > 0) {
                self[n] = '\0';
                slash = strrchr(self, '/');
                if (slash) {
                        *slash = '\0';
                        snprintf(buf, len, "%s/clmgr", self);
                        if (access(buf, X_OK) == 0)
                                return buf;
                        snprintf(buf, len, "%s/../cli/clmgr", self);
                        if (access(buf, X_OK) == 0)
                                return buf;
                }
        }
        return "clmgr";
}

static const char *env_or(const char *name, const char *def)
{
        const char *v = getenv(name);
        return v && *v ? v : def;
}

static bool parse_num(const char *s, double min, double max, double *ret)
{
        char *end;
        double v = strtod(s, &end);

        if (end == s || *end || !(v >= min && v <= max))
                return false;
        *ret = v;
        return true;
}

static void log_config(tt_ctx_t *ctx)
{
        size_t i;
        json_t *o;

        tt_log_banner("Reading Static Configuration Data");
        tt_log("Cluster: %s, control node: %s, members: %zu", tt_st_str(ctx->cl.cluster, "NAME"),
               tt_local_node(&ctx->cl),
               json_array_size(
                   json_object_get(json_object_get(ctx->cl.status, "cluster"), "MEMBERS")));
        json_array_foreach(ctx->cl.nodes, i, o) tt_log_detail("Node: %s", tt_st_str(o, "NAME"));
        json_array_foreach(ctx->cl.networks, i, o)
            tt_log_detail("Network: %s (%s)", tt_st_str(o, "NAME"), tt_st_str(o, "INTERFACES"));
        json_array_foreach(ctx->cl.groups, i, o)
            tt_log_detail("Resource group: %s, nodes %s, %s/%s/%s, service label '%s', "
                          "applications '%s'",
                          tt_st_str(o, "NAME"), tt_st_str(o, "NODES"), tt_st_str(o, "STARTUP"),
                          tt_st_str(o, "FALLOVER"), tt_st_str(o, "FALLBACK"),
                          tt_st_str(o, "SERVICE_LABEL"), tt_st_str(o, "APPLICATIONS"));
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
            {"plan", required_argument, NULL, 'p'},
            {"variables", required_argument, NULL, 'v'},
            {"abort-on-error", no_argument, NULL, 'e'},
            {"log", required_argument, NULL, 'l'},
            {"cycle-log", no_argument, NULL, 'c'},
            {"verbose", no_argument, NULL, 'V'},
            {"check", no_argument, NULL, 'n'},
            {"rsh", required_argument, NULL, 'R'},
            {"start-hamrd", required_argument, NULL, 'S'},
            {"clmgr", required_argument, NULL, 'C'},
            {"timeout", required_argument, NULL, 'T'},
            {"seed", required_argument, NULL, 's'},
            {"help", no_argument, NULL, 'h'},
            {0},
        };
        const char *plan_path = NULL, *vars_path = NULL, *log_path = NULL;
        bool cycle = false, verbose = false, check_only = false;
        double timeout = 0, seed = -1;
        char clmgr_buf[PATH_MAX], err[8192];
        tt_ctx_t ctx = {0};
        tt_vars_t vars = {0};
        tt_plan_t plan = {0};
        int c, r, rc;

        ctx.rsh = env_or("HAMR_TESTTOOL_RSH", DEFAULT_RSH);
        ctx.start_hamrd = env_or("HAMR_TESTTOOL_START_HAMRD", NULL);
        ctx.clmgr = env_or("HAMR_TESTTOOL_CLMGR", NULL);
        while ((c = getopt_long(argc, argv, "p:v:el:cVnh", opts, NULL)) != -1) {
                switch (c) {
                case 'p':
                        plan_path = optarg;
                        break;
                case 'v':
                        vars_path = optarg;
                        break;
                case 'e':
                        ctx.abort_on_error = true;
                        break;
                case 'l':
                        log_path = optarg;
                        break;
                case 'c':
                        cycle = true;
                        break;
                case 'V':
                        verbose = true;
                        break;
                case 'n':
                        check_only = true;
                        break;
                case 'R':
                        ctx.rsh = optarg;
                        break;
                case 'S':
                        ctx.start_hamrd = optarg;
                        break;
                case 'C':
                        ctx.clmgr = optarg;
                        break;
                case 'T':
                        if (!parse_num(optarg, 1, 86400, &timeout)) {
                                fprintf(stderr,
                                        "cl_testtool: --timeout '%s' is not allowed "
                                        "(allowed: 1 to 86400 seconds)\n",
                                        optarg);
                                return 2;
                        }
                        break;
                case 's':
                        if (!parse_num(optarg, 0, 4294967295.0, &seed)) {
                                fprintf(stderr,
                                        "cl_testtool: --seed '%s' is not allowed "
                                        "(allowed: 0 to 4294967295)\n",
                                        optarg);
                                return 2;
                        }
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "cl_testtool: unexpected argument '%s'\n", argv[optind]);
                usage(stderr);
                return 2;
        }
        if (vars_path && !plan_path) {
                fprintf(stderr, "cl_testtool: -v (variables) needs -p (a test plan)\n");
                return 2;
        }
        if (!ctx.clmgr)
                ctx.clmgr = find_clmgr(clmgr_buf, sizeof(clmgr_buf));
        ctx.seed = seed >= 0 ? (unsigned)seed : (unsigned)time(NULL) ^ (unsigned)getpid();
        r = tt_log_open(log_path, cycle, verbose);
        if (r < 0) {
                fprintf(stderr, "cl_testtool: cannot open the log %s: %s\n", tt_log_path(),
                        strerror(-r));
                return 2;
        }
        tt_log_banner("Cluster Test Tool (hamr): %s",
                      plan_path ? "custom test procedure" : "automated test procedure");
        if (vars_path) {
                tt_log_banner("Initializing Variable Table");
                tt_log("Using Variable File: %s", vars_path);
                if (tt_vars_load(vars_path, &vars, err, sizeof(err)) < 0) {
                        tt_log("ERROR: %s", err);
                        fprintf(stderr, "cl_testtool: %s\n", err);
                        rc = 2;
                        goto out;
                }
                for (size_t i = 0; i < vars.n; i++)
                        tt_log_detail("data line: %s=%s", vars.v[i].name, vars.v[i].value);
        }
        if (plan_path) {
                tt_log_banner("Reading Test Plan");
                tt_log("Using Test Plan: %s", plan_path);
                if (tt_plan_load(plan_path, &vars, true, &plan, err, sizeof(err)) < 0) {
                        tt_log("ERROR: %s", err);
                        fprintf(stderr, "cl_testtool: %s\n", err);
                        rc = 2;
                        goto out;
                }
        }
        ctx.cl.socket = cli_client_socket_path();
        if (tt_cluster_read_status(&ctx.cl, err, sizeof(err)) < 0 ||
            tt_cluster_read_config(&ctx.cl, err, sizeof(err)) < 0) {
                tt_log("ERROR: cannot read the cluster: %s", err);
                fprintf(stderr, "cl_testtool: cannot read the cluster: %s\n", err);
                rc = 3;
                goto out;
        }
        if (!ctx.cl.cluster || strcmp(tt_st_str(json_object_get(ctx.cl.status, "cluster"), "STATE"),
                                      "NOT_CONFIGURED") == 0) {
                tt_log("ERROR: the local hamrd has no cluster configuration");
                fprintf(stderr, "cl_testtool: the local hamrd has no cluster configuration\n");
                rc = 3;
                goto out;
        }
        if (timeout == 0) {
                const char *a = tt_cfg_attr(ctx.cl.cluster, "MAX_EVENT_TIME");
                const char *b = tt_cfg_attr(ctx.cl.cluster, "MAX_RG_PROCESSING_TIME");
                timeout = (a ? atof(a) : 180) + (b ? atof(b) : 180);
        }
        ctx.timeout_s = timeout;
        ctx.cmd_timeout_s = timeout + 30;
        log_config(&ctx);
        if (!plan_path) {
                tt_log_banner("Building the Automated Test Plan (seed %u)", ctx.seed);
                tt_auto_plan(&ctx, &plan);
                for (size_t i = 0; i < plan.n; i++) {
                        char line[512];
                        tt_test_format(&plan.t[i], line, sizeof(line));
                        tt_log_detail("%s, %s", line, plan.t[i].comment);
                }
        }
        tt_log_banner("Validating Test Plan");
        if (tt_run_validate(&ctx, &plan, err, sizeof(err)) < 0) {
                tt_log("ERROR: %s", err);
                fprintf(stderr, "cl_testtool: %s\n", err);
                rc = 2;
                goto out;
        }
        tt_log("Test plan is valid: %zu test%s", plan.n, plan.n == 1 ? "" : "s");
        if (check_only) {
                rc = 0;
                goto out;
        }
        tt_log("Remote shell: %s; clmgr: %s; wait for stable: at most %.0f s", ctx.rsh, ctx.clmgr,
               ctx.timeout_s);
        rc = tt_run_plan(&ctx, &plan);
out:
        tt_plan_free(&plan);
        tt_vars_free(&vars);
        tt_cluster_free(&ctx.cl);
        tt_log_close();
        return rc;
}
