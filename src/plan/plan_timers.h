/* plan_timers: the planner's timers, settling time (RG_SETTLING_TIME) and
 * delayed fallback (fallback_timer, FALLBACK_AT), and the calendar they use.
 * Pure: wall-clock time comes in the planner's input as seconds since
 * 1970-01-01 00:00 in the coordinator's local time zone (time + UTC offset,
 * converted by the daemon), and is computed on here with UTC arithmetic. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "plan/plan_types.h"
#include "rgm/rgm.h"

/* The first occurrence of timer t strictly after `after` (local seconds),
 * or 0 if there is none (REPEATS=once in the past). Monthly on a day some
 * months lack (29-31) skips those months; yearly on 29 February occurs in
 * leap years only. */
int64_t plan_timer_next(const conf_fallback_timer_t *t, int64_t after);

/* "YYYY-MM-DD HH:MM" of a local time (seconds since the epoch, local). */
void plan_wall_format(int64_t local, char *buf, size_t len);

/* Applies both timers to the scheduler's decisions ro[] (one per group),
 * in plan(): an OFAN group about to start on a node other than its home
 * waits up to the settling time; an FBHPN group with FALLBACK_AT stays on
 * its current node until the timer's next occurrence. Updates out->mem,
 * out->timer and out->next_wakeup; codes[g] gets the reason that replaces
 * the scheduler's (PLAN_WHY_NONE: unchanged). */
void plan_timers_apply(const plan_input_t *in, plan_output_t *out, uint64_t eligible,
                       uint64_t net_down, rgm_output_t *ro, plan_why_t *codes);
