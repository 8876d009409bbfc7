/* tt_run: one test's life (wait for stable, entrance criteria, actions,
 * wait for stable with the success indicators, PASSED/FAILED), the plan's
 * run and summary, and the check of a plan against the configuration. */
#include "testtool/tt_run.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/hamr_alloc.h"
#include "common/hamr_time.h"
#include "testtool/tt_cmd.h"
#include "testtool/tt_log.h"

#define POLL_USEC   (250 * USEC_PER_MSEC)
#define STABLE_HOLD 2 /* consecutive polls that must agree */

static void state_free(tt_state_t *st)
{
        for (size_t i = 0; i < st->nacts; i++)
                free(st->acts[i].text);
        json_decref(st->before);
        *st = (tt_state_t){0};
}

static bool affected(const tt_state_t *st, const char *rg)
{
        if (st->any_changes)
                return true;
        for (size_t i = 0; i < st->naffected; i++)
                if (strcmp(st->affected[i], rg) == 0)
                        return true;
        return false;
}

/* Indicators every test shares: no group in ERROR; the groups the test
 * does not touch unchanged (state and node). */
static bool common_check(tt_ctx_t *ctx, tt_state_t *st, char *why, size_t len)
{
        json_t *groups = json_object_get(ctx->cl.status, "groups");
        size_t i;
        json_t *g;

        json_array_foreach(groups, i, g)
        {
                const char *name = tt_st_str(g, "NAME");
                json_t *b;

                if (strcmp(tt_st_str(g, "STATE"), "ERROR") == 0) {
                        snprintf(why, len, "resource group %s is in ERROR: %s", name,
                                 tt_st_str(g, "ERROR"));
                        return false;
                }
                if (affected(st, name))
                        continue;
                b = tt_cfg_find(json_object_get(st->before, "groups"), name);
                if (!b)
                        continue;
                if (strcmp(tt_st_str(b, "STATE"), tt_st_str(g, "STATE")) != 0 ||
                    strcmp(tt_st_str(b, "CURRENT_NODE"), tt_st_str(g, "CURRENT_NODE")) != 0) {
                        snprintf(why, len,
                                 "resource group %s changed: %s on %s before, %s on %s now "
                                 "(other groups must stay unchanged)",
                                 name, tt_st_str(b, "STATE"), tt_st_str(b, "CURRENT_NODE"),
                                 tt_st_str(g, "STATE"), tt_st_str(g, "CURRENT_NODE"));
                        return false;
                }
        }
        return true;
}

/* Polls the status until the cluster is stable (and, with check, the
 * success indicators hold, on STABLE_HOLD polls in a row), at most
 * ctx->timeout_s. true when reached; else false and the reason in why. */
static bool wait_stable(tt_ctx_t *ctx, tt_state_t *st, bool check, char *why, size_t len)
{
        /* before a test one stable poll is enough: the previous test's
         * wait already saw it hold */
        int hold = check ? STABLE_HOLD : 1;
        usec_t start = now_usec();
        usec_t deadline = start + (usec_t)(ctx->timeout_s * 1e6);
        int good = 0;

        why[0] = '\0';
        for (;;) {
                char err[512];
                bool ok = false;

                if (tt_cluster_read_status(&ctx->cl, err, sizeof(err)) < 0) {
                        snprintf(why, len, "no status from the local hamrd: %s", err);
                } else if (!tt_cluster_stable(&ctx->cl)) {
                        snprintf(why, len, "the cluster is not stable (STATE %s)",
                                 tt_st_str(json_object_get(ctx->cl.status, "cluster"), "STATE"));
                } else if (check) {
                        ok = common_check(ctx, st, why, len) && tt_tests_check(ctx, st, why, len);
                } else {
                        ok = true;
                }
                good = ok ? good + 1 : 0;
                if (good >= hold) {
                        tt_log_detail("cluster stable after %.1f s",
                                      (double)(now_usec() - start) / 1e6);
                        return true;
                }
                if (now_usec() >= deadline) {
                        char tmp[1024];
                        snprintf(tmp, sizeof(tmp), "%s", why);
                        snprintf(why, len, "after %.0f s: %s", ctx->timeout_s, tmp);
                        return false;
                }
                usleep(POLL_USEC);
        }
}

static char **clmgr_argv(tt_ctx_t *ctx, const char *args)
{
        _cleanup_free_ char *copy = zstrdup(args);
        char **argv = zcalloc(40, sizeof(*argv));
        char *save = NULL;
        size_t n = 0;

        argv[n++] = zstrdup(ctx->clmgr);
        for (char *w = strtok_r(copy, " ", &save); w && n < 38; w = strtok_r(NULL, " ", &save))
                argv[n++] = zstrdup(w);
        return argv;
}

static char **action_argv(tt_ctx_t *ctx, const tt_act_t *a)
{
        switch (a->kind) {
        case TT_ACT_CLMGR:
                return clmgr_argv(ctx, a->text);
        case TT_ACT_RSH:
                return tt_cmd_template(ctx->rsh, a->node, a->text);
        case TT_ACT_START_HAMRD:
                return ctx->start_hamrd ? tt_cmd_template(ctx->start_hamrd, a->node, NULL)
                                        : tt_cmd_template(ctx->rsh, a->node, a->text);
        }
        return NULL;
}

/* Runs acts[0..n) at the same time (one command when n is 1), logs each
 * command and its output; 0, or -1 with the first failure in why. */
static int run_actions(tt_ctx_t *ctx, const tt_act_t *acts, size_t n, char *why, size_t len)
{
        char **argvs[TT_MAX_ACTS] = {0};
        char *shown[TT_MAX_ACTS] = {0};
        tt_cmd_result_t res[TT_MAX_ACTS];
        int rc = 0;

        for (size_t i = 0; i < n; i++) {
                argvs[i] = action_argv(ctx, &acts[i]);
                if (!argvs[i]) {
                        snprintf(why, len, "empty command template for node %s", acts[i].node);
                        for (size_t k = 0; k < i; k++) {
                                tt_cmd_argv_free(argvs[k]);
                                free(shown[k]);
                        }
                        return -1;
                }
                shown[i] = tt_cmd_join(argvs[i]);
                tt_log("Running%s: %s", n > 1 ? " (together)" : "", shown[i]);
        }
        tt_cmd_run_all(argvs, n, ctx->cmd_timeout_s, res);
        for (size_t i = 0; i < n; i++) {
                char *out = res[i].out;
                size_t ol = strlen(out);

                for (char *line = out, *nl; line && *line; line = nl ? nl + 1 : NULL) {
                        nl = strchr(line, '\n');
                        tt_log_detail("  %.*s", nl ? (int)(nl - line) : (int)strlen(line), line);
                }
                if (rc == 0 && (res[i].timed_out || res[i].rc != 0)) {
                        const char *last;
                        while (ol > 0 && out[ol - 1] == '\n')
                                out[--ol] = '\0';
                        last = strrchr(out, '\n');
                        last = last ? last + 1 : out;
                        if (res[i].timed_out)
                                snprintf(why, len, "%s did not finish within %.0f s", shown[i],
                                         ctx->cmd_timeout_s);
                        else
                                snprintf(why, len, "%s failed (exit %d)%s%s", shown[i], res[i].rc,
                                         *last ? ": " : "", last);
                        rc = -1;
                }
                tt_cmd_result_free(&res[i]);
                tt_cmd_argv_free(argvs[i]);
                free(shown[i]);
        }
        return rc;
}

static void log_state(tt_ctx_t *ctx)
{
        json_t *groups = json_object_get(ctx->cl.status, "groups");
        json_t *nodes = json_object_get(ctx->cl.status, "nodes");
        size_t i;
        json_t *o;

        json_array_foreach(nodes, i, o)
        {
                tt_log_detail(
                    "  node %s: %s%s, network %s", tt_st_str(o, "NAME"), tt_st_str(o, "STATE"),
                    tt_node_member(&ctx->cl, tt_st_str(o, "NAME")) ? "" : " (not a member)",
                    tt_st_str(o, "NETWORK"));
        }
        json_array_foreach(groups, i, o)
        {
                tt_log_detail("  resource group %s: %s%s%s", tt_st_str(o, "NAME"),
                              tt_st_str(o, "STATE"), *tt_st_str(o, "CURRENT_NODE") ? " on " : "",
                              tt_st_str(o, "CURRENT_NODE"));
        }
}

typedef enum { RES_PASSED, RES_FAILED, RES_NA } result_t;

static result_t run_one(tt_ctx_t *ctx, const tt_test_t *t, char *why, size_t len)
{
        const tt_test_def_t *def = tt_catalog_def(t->kind);
        tt_state_t st = {.t = t};
        result_t res = RES_FAILED;

        if (def->not_applicable) {
                snprintf(why, len, "%s", def->not_applicable);
                return RES_NA;
        }
        if (t->kind == TT_WAIT) {
                double s = strtod(t->params[0], NULL);
                struct timespec ts = {.tv_sec = (time_t)s,
                                      .tv_nsec = (long)((s - (double)(time_t)s) * 1e9)};
                tt_log("Waiting %s seconds", t->params[0]);
                while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                        ;
                return RES_PASSED;
        }
        tt_log("Checking entrance criteria (waiting for a stable cluster first)");
        if (!wait_stable(ctx, &st, false, why, len)) {
                char tmp[1024];
                snprintf(tmp, sizeof(tmp), "%s", why);
                snprintf(why, len, "entrance criteria: %s", tmp);
                goto out;
        }
        st.before = json_deep_copy(ctx->cl.status);
        if (tt_tests_prepare(ctx, &st, why, len) < 0) {
                char tmp[1024];
                snprintf(tmp, sizeof(tmp), "%s", why);
                snprintf(why, len, "entrance criteria not met: %s", tmp);
                goto out;
        }
        tt_log("Entrance criteria met");
        for (size_t i = 0, n; i < st.nacts; i += n) {
                /* a run of actions marked together starts at once */
                for (n = 1; st.acts[i].together && i + n < st.nacts && st.acts[i + n].together;)
                        n++;
                if (run_actions(ctx, &st.acts[i], n, why, len) < 0)
                        goto out;
        }
        tt_log("Waiting for the cluster to become stable (at most %.0f s)", ctx->timeout_s);
        if (!wait_stable(ctx, &st, true, why, len)) {
                log_state(ctx);
                goto out;
        }
        log_state(ctx);
        res = RES_PASSED;
out:
        state_free(&st);
        return res;
}

int tt_run_plan(tt_ctx_t *ctx, tt_plan_t *plan)
{
        size_t ran = 0;

        tt_log_banner("Executing Test Plan: %zu test%s", plan->n, plan->n == 1 ? "" : "s");
        for (size_t i = 0; i < plan->n; i++) {
                tt_test_t *t = &plan->t[i];
                char line[1024], why[2048] = "";
                result_t r;

                /* the automated procedure's run-time choices */
                if (t->owner_of) {
                        const char *o = NULL;
                        char name[TT_NAME + 32];
                        if (tt_cluster_read_status(&ctx->cl, why, sizeof(why)) == 0)
                                o = tt_group_owner(&ctx->cl, t->owner_of);
                        snprintf(name, sizeof(name), "(no owner of %s)", t->owner_of);
                        free(t->params[0]);
                        t->params[0] = zstrdup(o ? o : name);
                } else if (t->prev_down) {
                        free(t->params[0]);
                        t->params[0] = zstrdup(ctx->last_down_node[0] ? ctx->last_down_node
                                                                      : "(no NETWORK_DOWN_LOCAL)");
                }
                why[0] = '\0';
                tt_test_format(t, line, sizeof(line));
                tt_log_banner("Test %zu of %zu: %s%s%s", i + 1, plan->n, line,
                              *t->comment ? ", " : "", t->comment);
                if (t->line)
                        tt_log_detail("from %s line %d", t->file, t->line);
                r = run_one(ctx, t, why, sizeof(why));
                ran++;
                switch (r) {
                case RES_PASSED:
                        ctx->passed++;
                        tt_log("| Test %zu Complete - %s: PASSED", i + 1,
                               tt_catalog_def(t->kind)->name);
                        break;
                case RES_NA:
                        ctx->not_applicable++;
                        tt_log("| Test %zu Complete - %s: NOT APPLICABLE: %s", i + 1,
                               tt_catalog_def(t->kind)->name, why);
                        break;
                case RES_FAILED:
                        ctx->failed++;
                        tt_log("| Test %zu Complete - %s: FAILED: %s", i + 1,
                               tt_catalog_def(t->kind)->name, why);
                        break;
                }
                if (r == RES_FAILED && ctx->abort_on_error) {
                        tt_log("Abort on error: stopping after test %zu", i + 1);
                        break;
                }
        }
        tt_log_banner("Cluster Test Tool Summary: %zu test%s run of %zu: %d passed, %d failed, %d "
                      "not applicable",
                      ran, ran == 1 ? "" : "s", plan->n, ctx->passed, ctx->failed,
                      ctx->not_applicable);
        tt_log("Log: %s", tt_log_path());
        return ctx->failed || ran < plan->n ? 1 : 0;
}
