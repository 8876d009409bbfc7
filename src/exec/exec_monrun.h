/* exec_monrun: application monitors running on the loop (exec_monrun.c),
 * the entry points exec.c calls. Private to src/exec. */
#pragma once
#include "exec/exec_rt.h"

/* The group at index gi came online here: its monitors stabilize, then check. */
void exec_mons_started(exec_t *x, unsigned gi);
/* The group is released (or no longer monitored): stop its monitors; the
 * restart counter starts again at the next acquisition. */
void exec_mons_stop(exec_t *x, unsigned gi);
/* A new configuration: monitors are recreated (a running check or restart
 * is cancelled; an ONLINE group's monitors start with STABILIZATION). */
void exec_mons_rebuild(exec_t *x);
/* The start scripts of group gi's acquisition ended: its startup monitors
 * (MODE startup|both) start checking; returns how many (0: nothing to wait
 * for). Their verdict is left in x->g[gi].startup (OK or FAILED, with
 * startup_reason) and reported through x->changed. */
unsigned exec_mons_startup(exec_t *x, unsigned gi);
void exec_mons_free(exec_t *x);
/* The suspended application controllers (names borrowed for the call):
 * monitors of a suspended controller stop checking; resumed ones wait
 * STABILIZATION, then check again. */
void exec_mons_suspend(exec_t *x, const char (*names)[CONF_MAX_NAME + 1], unsigned n);
