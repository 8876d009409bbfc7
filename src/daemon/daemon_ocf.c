/* daemon_ocf.c: the OCF checks of clmgr add/modify and of verify
 * (daemon_ocf.h). The runs themselves are agent_ocf's (a private loop per
 * run, in the configuration worker or in libuv's thread pool); the
 * verify's results wait in a small table until the gathering asks again.
 * hamrd is one daemon per process: the table is this file's. */
#include "daemon/daemon_ocf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agents/agent_ocf.h"
#include "common/hamr_alloc.h"
#include "common/hamr_error.h"
#include "common/hamr_log.h"
#include "daemon/daemon.h"
#include "daemon/daemon_facts.h"

#define OCF_MAX_PARAMS  64
#define OCF_RUNS        32                  /* verify checks kept at once */
#define OCF_RESULT_KEEP (60 * USEC_PER_SEC) /* a finished check's answer */
#define OCF_ERR_LEN     1024

/* The PARAMETERS as names, values and OCF_RESKEY_ strings. */
typedef struct ocf_params {
        char names[OCF_MAX_PARAMS][65];
        char *values[OCF_MAX_PARAMS];
        char *env[OCF_MAX_PARAMS + 1];
        const char *namep[OCF_MAX_PARAMS];
        size_t n;
} ocf_params_t;

static void params_free(ocf_params_t *p)
{
        for (size_t i = 0; i < p->n; i++) {
                free(p->values[i]);
                free(p->env[i]);
        }
        p->n = 0;
}

static void params_parse(const char *text, ocf_params_t *p)
{
        char value[4096];

        p->n = 0;
        for (const char *q = text; p->n < OCF_MAX_PARAMS &&
                                   (q = conf_ocf_param_next(q, p->names[p->n], sizeof(p->names[0]),
                                                            value, sizeof(value)));) {
                size_t len = strlen(p->names[p->n]) + strlen(value) + 16;

                p->values[p->n] = zstrdup(value);
                p->env[p->n] = zalloc(len);
                snprintf(p->env[p->n], len, "OCF_RESKEY_%s=%s", p->names[p->n], value);
                p->namep[p->n] = p->names[p->n];
                p->n++;
        }
        p->env[p->n] = NULL;
}

/* The last non-empty line of out, into buf. */
static void last_line(const char *out, char *buf, size_t len)
{
        const char *end = out ? out + strlen(out) : NULL, *start;

        buf[0] = '\0';
        while (end && end > out && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\r'))
                end--;
        if (!end || end == out)
                return;
        for (start = end; start > out && start[-1] != '\n';)
                start--;
        snprintf(buf, len, "%.*s", (int)(end - start), start);
        for (char *c = buf; *c; c++)
                if ((unsigned char)*c < 0x20)
                        *c = ' ';
}

int hamrd_ocf_check_agent(const char *label, const char *instance, const char *agent,
                          const char *params, const char *node, bool validate, char *err,
                          size_t errlen)
{
        char prov[128], type[128], path[PATH_MAX], reason[AGENT_APP_REASON_LEN], rc[96], why[512];
        _cleanup_free_ char *out = NULL;
        agent_ocf_meta_t *meta = NULL;
        ocf_params_t p = {0};
        struct stat st;
        agent_ocf_spec_t spec = {.agent = agent, .instance = instance, .node = node};
        int r, code = -1;

        if (conf_ocf_agent_split(agent, prov, sizeof(prov), type, sizeof(type)) < 0) {
                snprintf(err, errlen, "%s: AGENT=\"%s\" is not allowed; allowed: ocf:PROVIDER:TYPE",
                         label, agent);
                return -HAMR_E_BAD_VALUE;
        }
        spec.provider = prov;
        spec.type = type;
        if (agent_ocf_path(&spec, path, sizeof(path)) < 0 || stat(path, &st) < 0) {
                snprintf(err, errlen,
                         "%s: AGENT=\"%s\" is not an agent of node %s (%s: %s); allowed: an OCF "
                         "agent installed under %s/resource.d (Debian: resource-agents), on "
                         "every node of the group",
                         label, agent, node, path, strerror(errno), AGENT_OCF_ROOT);
                return -HAMR_E_BAD_VALUE;
        }
        if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0) {
                snprintf(err, errlen,
                         "%s: AGENT=\"%s\": %s on node %s is not an executable file; allowed: an "
                         "executable OCF agent",
                         label, agent, path, node);
                return -HAMR_E_BAD_VALUE;
        }
        r = agent_ocf_run_sync(&spec, "meta-data", AGENT_OCF_META_TIMEOUT_USEC, &code, &out, reason,
                               sizeof(reason));
        if (r < 0 || code != 0) {
                last_line(out, why, sizeof(why));
                snprintf(err, errlen,
                         "%s: AGENT=\"%s\": its meta-data action failed on node %s: %s%s%s", label,
                         agent, node,
                         r < 0 && !reason[0] ? strerror(-r)
                         : r < 0             ? reason
                                             : agent_ocf_rc_text(code, rc, sizeof(rc)),
                         r == 0 && why[0] ? ": " : "", r == 0 ? why : "");
                return -HAMR_E_BAD_VALUE;
        }
        r = agent_ocf_meta_parse(out, strlen(out), &meta, why, sizeof(why));
        if (r < 0) {
                snprintf(err, errlen, "%s: AGENT=\"%s\" on node %s: %s", label, agent, node, why);
                return -HAMR_E_BAD_VALUE;
        }
        params_parse(params ? params : "", &p);
        r = agent_ocf_params_check(meta, agent, label, p.namep, (const char *const *)p.values, p.n,
                                   err, errlen);
        if (r < 0) {
                r = -HAMR_E_BAD_VALUE;
                goto out;
        }
        if (validate && agent_ocf_meta_has_action(meta, "validate-all")) {
                free(out);
                out = NULL;
                spec.env = (const char *const *)p.env;
                r = agent_ocf_run_sync(&spec, "validate-all", AGENT_OCF_VALIDATE_TIMEOUT_USEC,
                                       &code, &out, reason, sizeof(reason));
                last_line(out, why, sizeof(why));
                if (r < 0)
                        snprintf(err, errlen, "%s: %s validate-all did not finish: %s", label,
                                 agent, reason[0] ? reason : strerror(-r));
                else if (code != 0)
                        snprintf(err, errlen, "%s: %s validate-all returned %s%s%s", label, agent,
                                 agent_ocf_rc_text(code, rc, sizeof(rc)), why[0] ? ": " : "", why);
                r = r < 0 || code != 0 ? -HAMR_E_BAD_VALUE : 0;
        }
out:
        params_free(&p);
        agent_ocf_meta_free(meta);
        return r < 0 ? r : 0;
}

int hamrd_ocf_check_edit(const conf_db_t *db, conf_class_t cls, char *const *names, size_t n,
                         const char *node, char *err, size_t errlen)
{
        if (cls != CONF_CLASS_APPLICATION_CONTROLLER)
                return 0;
        for (size_t i = 0; i < n; i++) {
                const conf_object_t *o = names[i] ? conf_db_find(db, cls, names[i]) : NULL;
                const char *type = o ? conf_object_get(o, "TYPE") : NULL;
                const char *agent = o ? conf_object_get(o, "AGENT") : NULL;
                char label[CONF_MAX_NAME + 64];
                int r;

                if (!o || !type || strcmp(type, "ocf") != 0 || !agent)
                        continue;
                snprintf(label, sizeof(label), "application_controller \"%s\"", o->name);
                r = hamrd_ocf_check_agent(label, o->name, agent, conf_object_get(o, "PARAMETERS"),
                                          node, false, err, errlen);
                if (r < 0)
                        return r;
        }
        return 0;
}

char *hamrd_ocf_edit_key(const conf_db_t *db, conf_class_t cls, char *const *names, size_t n)
{
        size_t len = 1, used = 0;
        char *key;

        for (size_t pass = 0; pass < 2; pass++) {
                if (pass == 1)
                        key = zalloc(len);
                for (size_t i = 0; i < n; i++) {
                        const conf_object_t *o = names[i] ? conf_db_find(db, cls, names[i]) : NULL;
                        const char *t = o ? conf_object_get(o, "TYPE") : NULL;
                        const char *a = o ? conf_object_get(o, "AGENT") : NULL;
                        const char *p = o ? conf_object_get(o, "PARAMETERS") : NULL;
                        int k;

                        if (pass == 0) {
                                len += strlen(names[i] ? names[i] : "") + strlen(t ? t : "") +
                                       strlen(a ? a : "") + strlen(p ? p : "") + 8;
                                continue;
                        }
                        k = snprintf(key + used, len - used, "%s|%s|%s|%s\n",
                                     names[i] ? names[i] : "", t ? t : "", a ? a : "", p ? p : "");
                        used += k > 0 ? (size_t)k : 0;
                }
        }
        return key;
}

/* ---- verify ---- */

void hamrd_ocf_facts_checks(const hamr_config_t *cfg, json_t *checks)
{
        char what[CONF_MAX_NAME + 64];

        for (unsigned g = 0; cfg && g < cfg->nrgs; g++) {
                const conf_rg_t *rg = &cfg->rgs[g];

                for (unsigned k = 0; k < rg->napps; k++) {
                        const conf_appctl_t *a = &cfg->appctls[rg->apps[k]];
                        json_t *nodes;

                        if (a->type != CONF_APP_OCF)
                                continue;
                        if (json_array_size(checks) >= HAMRD_FACTS_MAX_CHECKS)
                                return;
                        nodes = json_array();
                        for (unsigned j = 0; j < rg->nnodes; j++)
                                json_array_append_new(nodes, json_integer(rg->nodes[j]));
                        snprintf(what, sizeof(what), "application_controller \"%s\"", a->name);
                        json_array_append_new(
                            checks, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "KIND", "OCF",
                                              "NAME", a->name, "AGENT", a->agent, "PARAMS",
                                              a->parameters, "WHAT", what, "NODES", nodes));
                }
        }
}

typedef enum { RUN_FREE = 0, RUN_RUNNING, RUN_DONE } run_state_t;

typedef struct ocf_run {
        uv_work_t w;
        run_state_t state;
        char key[256]; /* the verification and the check */
        usec_t done_at;
        char *label, *instance, *agent, *params, *node;
        int r;
        char err[OCF_ERR_LEN];
} ocf_run_t;

static ocf_run_t runs[OCF_RUNS];

static void run_work(uv_work_t *w)
{
        ocf_run_t *o = w->data;

        o->r = hamrd_ocf_check_agent(o->label, o->instance, o->agent, o->params, o->node, true,
                                     o->err, sizeof(o->err));
}

static void run_after(uv_work_t *w, int status)
{
        ocf_run_t *o = w->data;

        if (status < 0 && o->r == 0) {
                o->r = status;
                snprintf(o->err, sizeof(o->err), "%s: %s: not checked: %s", o->label, o->agent,
                         uv_strerror(status));
        }
        o->state = RUN_DONE;
        o->done_at = now_usec();
        free(o->label);
        free(o->instance);
        free(o->agent);
        free(o->params);
        free(o->node);
        o->label = o->instance = o->agent = o->params = o->node = NULL;
}

static bool is_ocf(json_t *c)
{
        const char *kind = json_string_value(json_object_get(c, "KIND"));

        return json_is_object(c) && kind && !strcmp(kind, "OCF");
}

bool hamrd_ocf_facts_any(json_t *req)
{
        size_t i;
        json_t *c;

        json_array_foreach(json_object_get(req, "checks"), i, c) if (is_ocf(c)) return true;
        return false;
}

static bool listed(json_t *nodes, uint16_t id)
{
        size_t i;
        json_t *v;

        json_array_foreach(nodes, i, v) if (json_integer_value(v) == id) return true;
        return false;
}

bool hamrd_ocf_facts_local(hamrd_t *d, json_t *req, json_t *errors)
{
        const char *verify = json_string_value(json_object_get(req, "VERIFY"));
        usec_t now = now_usec();
        bool all = true;
        size_t i;
        json_t *c;

        for (int k = 0; k < OCF_RUNS; k++)
                if (runs[k].state == RUN_DONE && now - runs[k].done_at > OCF_RESULT_KEEP)
                        runs[k].state = RUN_FREE;
        json_array_foreach(json_object_get(req, "checks"), i, c)
        {
                const char *name = json_string_value(json_object_get(c, "NAME"));
                const char *agent = json_string_value(json_object_get(c, "AGENT"));
                const char *params = json_string_value(json_object_get(c, "PARAMS"));
                const char *what = json_string_value(json_object_get(c, "WHAT"));
                ocf_run_t *o = NULL, *free_slot = NULL;
                char key[256];

                if (!is_ocf(c) || !listed(json_object_get(c, "NODES"), d->self_id) || !name ||
                    !agent)
                        continue;
                snprintf(key, sizeof(key), "%s/%zu/%s/%s", verify ? verify : "-", i, name, agent);
                for (int k = 0; k < OCF_RUNS && !o; k++) {
                        if (runs[k].state != RUN_FREE && !strcmp(runs[k].key, key))
                                o = &runs[k];
                        else if (runs[k].state == RUN_FREE && !free_slot)
                                free_slot = &runs[k];
                }
                if (o && o->state == RUN_DONE) {
                        if (o->r < 0)
                                json_array_append_new(errors, json_string(o->err));
                        continue;
                }
                all = false;
                if (o || !free_slot)
                        continue; /* running, or no room yet: asked again later */
                o = free_slot;
                memset(o, 0, sizeof(*o));
                snprintf(o->key, sizeof(o->key), "%s", key);
                o->label = zstrdup(what ? what : name);
                o->instance = zstrdup(name);
                o->agent = zstrdup(agent);
                o->params = zstrdup(params ? params : "");
                o->node = zstrdup(d->node_name);
                o->w.data = o;
                o->state = RUN_RUNNING;
                if (uv_queue_work(d->loop, &o->w, run_work, run_after) < 0) {
                        o->r = -EAGAIN;
                        snprintf(o->err, sizeof(o->err), "%s: %s: not checked (no worker thread)",
                                 o->label, agent);
                        run_after(&o->w, 0);
                }
        }
        return all;
}
