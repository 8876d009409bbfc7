/* exec_toolong: PowerHA's config_too_long: a group's acquisition or
 * release that runs longer than MAX_EVENT_TIME + MAX_RG_PROCESSING_TIME is
 * warned about (hamrd's log and the event log), again each time its
 * running time doubles. The event goes on: only the administrator stops a
 * hung script (PowerHA does the same). */
#include "exec/exec.h"

#include "agents/agent_evlog.h"
#include "common/hamr_log.h"
#include "exec/exec_rt.h"

void exec_check_too_long(exec_t *x, usec_t now)
{
        usec_t allow;

        if (!x->cfg)
                return;
        allow = x->cfg->max_event_usec + x->cfg->max_rg_usec;
        for (unsigned gi = 0; gi < x->ng; gi++) {
                group_rt_t *g = &x->g[gi];
                usec_t ran;

                if (!g->job || !g->ev.id || now < g->ev.start_mono)
                        continue;
                ran = now - g->ev.start_mono;
                if (!g->too_long_at)
                        g->too_long_at = allow;
                if (ran < g->too_long_at)
                        continue;
                log_warn("rgm",
                         "config_too_long: group %s: %s has been running for %.0f s "
                         "(MAX_EVENT_TIME + MAX_RG_PROCESSING_TIME = %.0f s); it goes on",
                         g->name, g->ev.name, (double)ran / USEC_PER_SEC,
                         (double)allow / USEC_PER_SEC);
                evlog_instant(&g->ev, "config_too_long", "%s %s %.0f", g->ev.name, g->name,
                              (double)ran / USEC_PER_SEC);
                g->too_long_at = ran * 2;
        }
}
