/* rgm_exec: the executor. Holds this node's state of every resource group and
 * runs acquire (service IPs, then applications in order) and release (the
 * reverse) as a sequence of agent steps on the loop. A failed step puts the
 * group in ERROR with a reason; after a failed acquire the steps already done
 * are undone first. Level-triggered: rgm_exec_reconcile() is called on every
 * change and starts whatever job the inputs call for. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "conf/conf.h"
#include "memb/memb_msg.h"
#include "rgm/rgm.h"

typedef struct rgm_exec rgm_exec_t;

/* changed: called (on the loop) whenever a group's state changed. */
rgm_exec_t *rgm_exec_new(uv_loop_t *loop, const char *state_dir, void (*changed)(void *ud),
                         void *ud);
void rgm_exec_free(rgm_exec_t *x);
/* New configuration (cfg borrowed until the next call); group states are
 * carried over by name. self_id: this node's id in cfg. */
void rgm_exec_set_config(rgm_exec_t *x, const hamr_config_t *cfg, uint16_t self_id);

typedef struct rgm_exec_input {
        bool may_hold;        /* quorate view and services ACTIVE or STOPPING */
        bool targets_valid;   /* view targets are for our generation and valid */
        svc_state_t services;
        const uint16_t *target;    /* [nrgs] from the view */
        const uint32_t *clear_seq; /* [nrgs] from the view */
} rgm_exec_input_t;

void rgm_exec_reconcile(rgm_exec_t *x, const rgm_exec_input_t *in);
/* Groups held or in progress (not OFFLINE/ERROR-after-acquire). */
unsigned rgm_exec_busy_count(const rgm_exec_t *x);
/* Fill the per-group part of a status message. */
void rgm_exec_fill_status(const rgm_exec_t *x, memb_status_t *st);
/* Services became UNMANAGED (true) or managed again (false). */
void rgm_exec_set_unmanaged(rgm_exec_t *x, bool unmanaged);
