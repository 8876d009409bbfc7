/* exec_app: runs one action of an application controller for the
 * executor, whatever its TYPE: the STARTSCRIPT or STOPSCRIPT (agent_app),
 * or the start, stop or monitor action of its OCF agent (agent_ocf) with
 * its PARAMETERS as OCF_RESKEY_<name>. Both kinds get HAMR_NODE, HAMR_RG,
 * HAMR_STATE_DIR and the caller's extra variables. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "agents/agent_ocf.h"
#include "common/hamr_alloc.h"
#include "exec/exec_rt.h"

#define APP_MAX_ENV 80

int exec_app_run(exec_t *x, const conf_rg_t *rg, const conf_appctl_t *a, const char *action,
                 usec_t timeout_usec, usec_t interval_usec, const char *extra_env,
                 agent_app_done_cb cb, void *userdata, agent_app_job_t **ret_job)
{
        char envbuf[4][4200], prov[128], type[128], name[128], value[4096];
        const char *env[APP_MAX_ENV + 1] = {envbuf[0], envbuf[1], envbuf[2]};
        _cleanup_free_ char *params = NULL;
        size_t n = 3, used = 0, cap;
        int r;

        exec_app_env(x, rg, envbuf);
        if (extra_env)
                env[n++] = extra_env;
        if (a->type != CONF_APP_OCF) {
                bool start = !strcmp(action, "start");

                if (!start && strcmp(action, "stop") != 0)
                        return -EINVAL; /* a script controller has no such action */
                return agent_app_run(x->loop, start ? "STARTSCRIPT" : "STOPSCRIPT",
                                     start ? a->startscript : a->stopscript, env, timeout_usec, cb,
                                     userdata, ret_job);
        }
        if (conf_ocf_agent_split(a->agent, prov, sizeof(prov), type, sizeof(type)) < 0)
                return -EINVAL; /* refused by the configuration's rules */
        /* OCF_RESKEY_<name>=<value> strings, one after the other */
        cap = 2 * sizeof(a->parameters) + 64;
        params = zalloc(cap);
        for (const char *p = a->parameters;
             (p = conf_ocf_param_next(p, name, sizeof(name), value, sizeof(value))) &&
             n < APP_MAX_ENV;) {
                int k = snprintf(params + used, cap - used, "OCF_RESKEY_%s=%s", name, value);
                if (k < 0 || (size_t)k + 1 >= cap - used)
                        break;
                env[n++] = params + used;
                used += (size_t)k + 1;
        }
        env[n] = NULL;
        r = agent_ocf_run(x->loop,
                          &(agent_ocf_spec_t){.agent = a->agent,
                                              .provider = prov,
                                              .type = type,
                                              .instance = a->name,
                                              .node = exec_self_name(x),
                                              .interval_usec = interval_usec,
                                              .env = env},
                          action, timeout_usec, cb, userdata, ret_job);
        return r;
}
