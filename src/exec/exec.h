/* exec: the executor. Holds this node's state of every resource group and
 * runs acquire (filesystems, then service IPs, then applications in order)
 * and release (the reverse) as a sequence of agent steps on the loop (a
 * filesystem step runs in libuv's thread pool, agent_fs). A failed step puts the
 * group in ERROR with a reason; after a failed acquire the steps already done
 * are undone first. Level-triggered: exec_reconcile() is called on every
 * change and starts whatever job the inputs call for. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "conf/conf.h"
#include "cstate/cstate_msg.h"
#include "rgm/rgm.h"

typedef struct rgm_exec exec_t;

/* changed: called (on the loop) whenever a group's state changed. */
exec_t *exec_new(uv_loop_t *loop, const char *state_dir, void (*changed)(void *ud), void *ud);
void exec_free(exec_t *x);
/* New configuration (cfg borrowed until the next call); group states are
 * carried over by name. self_id: this node's id in cfg. */
void exec_set_config(exec_t *x, const hamr_config_t *cfg, uint16_t self_id);

typedef struct exec_input {
        bool may_hold;      /* quorate view and services ACTIVE or STOPPING */
        bool targets_valid; /* view targets are for our generation and valid */
        svc_state_t services;
        const uint16_t *target;    /* [nrgs] from the view */
        const uint32_t *clear_seq; /* [nrgs] from the view */
        /* [nrgs] from the view: concurrent groups (OAAN), the nodes that
         * should hold an instance (bit per node id); NULL: none */
        const uint64_t *cnodes;
        /* application controllers whose monitoring is suspended (from
         * the control state followed, of any view); ignored, the last
         * list kept, without have_suspended */
        bool have_suspended;
        unsigned nsuspended;
        const char (*suspended)[CONF_MAX_NAME + 1];
} exec_input_t;

void exec_reconcile(exec_t *x, const exec_input_t *in);
/* Groups held or in progress (not OFFLINE/ERROR-after-acquire). */
unsigned exec_busy_count(const exec_t *x);
/* config_too_long (exec_toolong.c): warns, in the log and the event log,
 * about each group acquisition or release running longer than
 * MAX_EVENT_TIME + MAX_RG_PROCESSING_TIME, again each time its running
 * time doubles; never stops it. The loop's tick calls it. */
void exec_check_too_long(exec_t *x, usec_t now);
/* Fill the per-group part of this node's report (groups by ascending ID;
 * r's old groups are freed). */
void exec_fill_report(const exec_t *x, cstate_report_t *r);
/* Services became UNMANAGED (true) or managed again (false). */
void exec_set_unmanaged(exec_t *x, bool unmanaged);
