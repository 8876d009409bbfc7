/* exec_dare: live changes (PowerHA's DARE) on this node. When a new
 * configuration generation is applied, each group ONLINE here releases the
 * resources it holds that the new generation no longer gives it and
 * acquires the ones it adds (src/conf/conf_delta.c: applications, service
 * IPs, filesystems released in that order, then filesystems, service IPs,
 * applications acquired), and nothing else: an application that stays is
 * not restarted. A step that fails stops the change: the group stays
 * ONLINE with what it holds, and the failure is reported apart (the
 * report's dare_fail: the generation, the group, the reason) for the sync
 * that waits for it, which rolls back; a newer generation tries again from
 * what is held. Private to src/exec: exec.c calls it from exec_set_config
 * and exec_reconcile. */
#pragma once
#include "exec/exec_rt.h"

/* Before the switch to next (x->cfg is still the old configuration): note
 * what each group ONLINE here holds. */
void exec_dare_prepare(exec_t *x, const hamr_config_t *next);
/* After the switch (x->cfg is the new configuration): plan the changes;
 * their steps start at the next exec_reconcile (exec_dare_run_pending). */
void exec_dare_start(exec_t *x);
void exec_dare_run_pending(exec_t *x);
/* A live change is running for group ID id here. */
bool exec_dare_running(const exec_t *x, uint32_t id);
void exec_dare_free(exec_t *x);
