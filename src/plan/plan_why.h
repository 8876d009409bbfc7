/* plan_why: names and plain-word strings of the planner's reasons
 * (plan_why_t), and the mapping from the scheduler's why strings. */
#pragma once
#include "plan/plan_types.h"

/* "startup on home node", "revoking the previous target first", ... */
const char *plan_why_str(plan_why_t code);
/* Short name for scenario files and logs: "STARTUP_HOME", "REVOKE_FIRST", ...;
 * plan_why_by_name returns PLAN_WHY_COUNT for an unknown name. */
const char *plan_why_name(plan_why_t code);
plan_why_t plan_why_by_name(const char *name);
/* Code of one of rgm_schedule's why strings (PLAN_WHY_NONE if unknown). */
plan_why_t plan_why_of_rgm(const char *why);
