/* daemon_dnp: samples this node's dynamic node priority values (FUDNP):
 * free memory, idle CPU and disk busy (src/agents/agent_dnp: three small
 * procfs reads, which never wait for a disk, on the loop like agent_proc's
 * /proc scan; a libuv work item would start libuv's thread pool, and that
 * start waits on the loop for its threads), and the exit code of each
 * udscript group's NODE_PRIORITY_POLICY_SCRIPT (agent_app, with its
 * timeout). The values go into this node's report, from which the
 * coordinator's planner takes them (plan_dnp.c). Nothing is sampled while
 * no group is FUDNP. */
#include "daemon/daemon_dnp.h"

#include <stdio.h>
#include <string.h>

#include "agents/agent_app.h"
#include "agents/agent_dnp.h"
#include "common/hamr_log.h"
#include "conf/conf.h"

/* A udscript group's script: by group ID. */
typedef struct script_slot {
        uint32_t id;  /* 0: free */
        bool running; /* a run is in progress (at most one) */
        bool have;    /* its last run gave an exit code */
        bool failing; /* its last run gave none (logged once until it gives one) */
        uint8_t rc;
        agent_app_job_t *job;
} script_slot_t;

static struct {
        agent_dnp_sample_t prev, cur;
        bool have_prev;
        usec_t next; /* next sample due */
        cstate_dnp_t values;
        script_slot_t slot[CONF_MAX_RGS];
} dnp;

static void sample(usec_t now)
{
        cstate_dnp_t v = {0};
        uint16_t pm;

        dnp.prev = dnp.cur;
        agent_dnp_read(&dnp.cur, now);
        if (dnp.cur.have_mem) {
                v.have |= CSTATE_DNP_MEM;
                v.mem_free_mb = (uint32_t)(dnp.cur.mem_avail_kb / 1024);
        }
        if (dnp.have_prev && agent_dnp_cpu_idle_pm(&dnp.prev, &dnp.cur, &pm)) {
                v.have |= CSTATE_DNP_CPU;
                v.cpu_idle_pm = pm;
        }
        if (dnp.have_prev && agent_dnp_disk_busy_pm(&dnp.prev, &dnp.cur, &pm)) {
                v.have |= CSTATE_DNP_DISK;
                v.disk_busy_pm = pm;
        }
        dnp.have_prev = true;
        dnp.values = v;
}

static script_slot_t *slot_of(uint32_t id, bool make)
{
        script_slot_t *free_slot = NULL;

        for (unsigned k = 0; k < CONF_MAX_RGS; k++) {
                if (dnp.slot[k].id == id)
                        return &dnp.slot[k];
                if (!dnp.slot[k].id && !dnp.slot[k].running && !free_slot)
                        free_slot = &dnp.slot[k];
        }
        if (make && free_slot)
                *free_slot = (script_slot_t){.id = id};
        return make ? free_slot : NULL;
}

static void script_done(void *userdata, int status, const char *reason)
{
        script_slot_t *s = userdata; /* slots are static: never freed */
        int rc = agent_app_exit_code(s->job);

        s->running = false;
        s->job = NULL;
        s->have = rc >= 0;
        s->rc = (uint8_t)(rc >= 0 ? rc : 0);
        if (rc < 0 && !s->failing) /* once, not every run */
                log_warn("dnp", "NODE_PRIORITY_POLICY_SCRIPT gave no value (ranks last): %s",
                         reason);
        s->failing = rc < 0;
        (void)status;
}

static bool in_group(const conf_rg_t *rg, uint32_t self)
{
        for (unsigned k = 0; k < rg->nnodes; k++)
                if (rg->nodes[k] == self)
                        return true;
        return false;
}

static void run_script(hamrd_t *d, const conf_rg_t *rg)
{
        script_slot_t *s = slot_of(rg->id, true);
        char env_rg[CONF_MAX_NAME + 16], env_node[CONF_MAX_NAME + 16];
        const char *env[] = {env_rg, env_node, NULL};

        if (!s || s->running)
                return;
        snprintf(env_rg, sizeof(env_rg), "HAMR_RG=%s", rg->name);
        snprintf(env_node, sizeof(env_node), "HAMR_NODE=%s", d->node_name);
        if (agent_app_run(d->loop, "NODE_PRIORITY_POLICY_SCRIPT", rg->dnp_script, env,
                          rg->dnp_timeout_usec, script_done, s, &s->job) < 0) {
                s->have = false; /* not runnable: no value */
                return;
        }
        s->running = true;
}

void hamrd_dnp_fill(hamrd_t *d, cstate_report_t *r, usec_t now)
{
        const hamr_config_t *cfg = d->cfg;
        bool any = false;

        for (unsigned g = 0; cfg && g < cfg->nrgs; g++)
                any |= cfg->rgs[g].fallover == RG_FALLOVER_FUDNP;
        if (!any) {
                r->dnp = (cstate_dnp_t){0};
                return;
        }
        if (now >= dnp.next) {
                dnp.next = now + HAMRD_DNP_INTERVAL_USEC;
                /* forget the groups that are gone or no longer udscript */
                for (unsigned k = 0; k < CONF_MAX_RGS; k++) {
                        int g = dnp.slot[k].id ? hamr_config_rg_by_id(cfg, dnp.slot[k].id) : -1;
                        if (dnp.slot[k].id && !dnp.slot[k].running &&
                            (g < 0 || cfg->rgs[g].fallover != RG_FALLOVER_FUDNP ||
                             !CONF_DNP_SCRIPTED(cfg->rgs[g].dnp_policy)))
                                dnp.slot[k] = (script_slot_t){0};
                }
                sample(now);
                for (unsigned g = 0; g < cfg->nrgs; g++) {
                        const conf_rg_t *rg = &cfg->rgs[g];
                        if (rg->fallover == RG_FALLOVER_FUDNP &&
                            CONF_DNP_SCRIPTED(rg->dnp_policy) && in_group(rg, d->self_id))
                                run_script(d, rg);
                }
        }
        r->dnp = dnp.values;
        for (uint32_t k = 0; k < r->ngroups; k++) {
                int g = -1;
                const script_slot_t *s;

                for (unsigned j = 0; cfg && j < cfg->nrgs; j++)
                        if (cfg->rgs[j].id == r->groups[k].id)
                                g = (int)j;
                if (g < 0 || cfg->rgs[g].fallover != RG_FALLOVER_FUDNP ||
                    !CONF_DNP_SCRIPTED(cfg->rgs[g].dnp_policy))
                        continue;
                s = slot_of(r->groups[k].id, false);
                r->groups[k].dnp_have = s && s->have;
                r->groups[k].dnp_rc = s && s->have ? s->rc : 0;
        }
}

void hamrd_dnp_node_json(json_t *o, const cstate_report_t *st)
{
        json_t *v;

        if (!st || !st->dnp.have)
                return;
        v = json_object();
        if (st->dnp.have & CSTATE_DNP_MEM)
                json_object_set_new(v, "FREE_MEM_MB", json_integer(st->dnp.mem_free_mb));
        if (st->dnp.have & CSTATE_DNP_CPU)
                json_object_set_new(v, "IDLE_CPU_PERCENT", json_real(st->dnp.cpu_idle_pm / 10.0));
        if (st->dnp.have & CSTATE_DNP_DISK)
                json_object_set_new(v, "DISK_BUSY_PERCENT", json_real(st->dnp.disk_busy_pm / 10.0));
        json_object_set_new(o, "DNP", v);
}

/* The value of group g's policy in report st, in words. */
static void value_text(const hamr_config_t *cfg, unsigned g, const cstate_report_t *st, char *buf,
                       size_t len)
{
        const conf_rg_t *rg = &cfg->rgs[g];

        snprintf(buf, len, "no value");
        if (!st)
                return;
        switch (rg->dnp_policy) {
        case CONF_DNP_FREE_MEM:
                if (st->dnp.have & CSTATE_DNP_MEM)
                        snprintf(buf, len, "%u MiB free", (unsigned)st->dnp.mem_free_mb);
                break;
        case CONF_DNP_IDLE_CPU:
                if (st->dnp.have & CSTATE_DNP_CPU)
                        snprintf(buf, len, "%.1f%% idle CPU", st->dnp.cpu_idle_pm / 10.0);
                break;
        case CONF_DNP_DISK_BUSY:
                if (st->dnp.have & CSTATE_DNP_DISK)
                        snprintf(buf, len, "%.1f%% disk busy", st->dnp.disk_busy_pm / 10.0);
                break;
        default:
                for (uint32_t k = 0; k < st->ngroups; k++)
                        if (st->groups[k].id == rg->id && st->groups[k].dnp_have)
                                snprintf(buf, len, "exit code %u", (unsigned)st->groups[k].dnp_rc);
                break;
        }
}

void hamrd_dnp_group_json(hamrd_t *d, json_t *o, unsigned g, uint64_t reach)
{
        const conf_rg_t *rg = &d->cfg->rgs[g];
        json_t *v;
        char text[64];
        int a = conf_attr_index(CONF_CLASS_RESOURCE_GROUP, "NODE_PRIORITY_POLICY");

        if (rg->fallover != RG_FALLOVER_FUDNP)
                return;
        json_object_set_new(
            o, "NODE_PRIORITY_POLICY",
            json_string(conf_enum_name(CONF_CLASS_RESOURCE_GROUP, a, (int)rg->dnp_policy)));
        v = json_object();
        for (unsigned k = 0; k < rg->nnodes; k++) {
                int ni = hamr_config_node_by_id(d->cfg, rg->nodes[k]);
                const cstate_report_t *st = (reach & (UINT64_C(1) << rg->nodes[k]))
                                                ? cstate_report_of(d->cs, (uint16_t)rg->nodes[k])
                                                : NULL;
                if (ni < 0)
                        continue;
                value_text(d->cfg, g, st, text, sizeof(text));
                json_object_set_new(v, d->cfg->nodes[ni].name, json_string(text));
        }
        json_object_set_new(o, "DNP_VALUES", v);
}
