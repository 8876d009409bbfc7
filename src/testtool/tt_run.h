/* tt_run: running tests: one test's life (the bounded wait for a stable
 * cluster, entrance criteria, actions, success indicators) and the run of
 * a whole plan with its summary. */
#pragma once
#include "testtool/tt_state.h"
#include "testtool/tt_tests.h"

/* Runs every test of plan in order with its log lines and the summary.
 * Returns the exit code: 0 every test passed (or not applicable), 1 some
 * failed. */
int tt_run_plan(tt_ctx_t *ctx, tt_plan_t *plan);

/* tt_auto.c: the automated test procedure's plan for the configuration
 * in ctx->cl (into plan, out), its choices logged. */
void tt_auto_plan(tt_ctx_t *ctx, tt_plan_t *plan);
