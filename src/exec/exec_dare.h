/* exec_dare: live changes (PowerHA's DARE) on this node. When a new
 * configuration generation is applied, each group ONLINE here releases the
 * resources it holds that the new generation no longer gives it and
 * acquires the ones it adds (src/conf/conf_delta.c: applications, service
 * IPs, filesystems released in that order, then filesystems, service IPs,
 * applications acquired), and nothing else: an application that stays is
 * not restarted. A step that fails stops the change: the group is ERROR
 * here, still held, with the reason ("live change: ..."), until a newer
 * generation (the sync's rollback) or an administrator's action. Private
 * to src/exec: exec.c calls it from exec_set_config. */
#pragma once
#include "exec/exec_rt.h"

/* Before the switch to next (x->cfg is still the old configuration): note
 * what each group ONLINE here holds. */
void exec_dare_prepare(exec_t *x, const hamr_config_t *next);
/* After the switch: start the changes (x->cfg is the new configuration). */
void exec_dare_start(exec_t *x);
/* The administrator acted on group gi in ERROR (clear_seq): a live change
 * that failed here is tried again (true), from what the group holds to what
 * the configuration gives it; false: not such a group. */
bool exec_dare_retry(exec_t *x, unsigned gi);
/* A live change is running for group ID id here. */
bool exec_dare_running(const exec_t *x, uint32_t id);
void exec_dare_free(exec_t *x);
