/* conf_ocf: the rules of an application controller's TYPE (script or ocf),
 * and the syntax of an OCF controller's AGENT and PARAMETERS. What the
 * agent itself accepts (its meta-data) is checked by the daemon, which can
 * run it (src/daemon/daemon_ocf.c). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/hamr_error.h"
#include "conf/conf_internal.h"

#define OCF_NAME_MAX 64 /* a parameter's name */

static const char *value_of(const conf_object_t *o, const char *attr)
{
        int a = conf_attr_index(o->cls, attr);

        return a >= 0 ? o->values[a] : NULL;
}

static bool part_ok(const char *s, size_t n)
{
        if (n == 0 || n > 100 || s[0] == '.')
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isalnum((unsigned char)s[i]) && !strchr("_.+-", s[i]))
                        return false;
        return true;
}

int conf_ocf_agent_split(const char *agent, char *ret_provider, size_t plen, char *ret_type,
                         size_t tlen)
{
        const char *c1, *c2;

        if (!agent || strncasecmp(agent, "ocf:", 4) != 0)
                return -EINVAL;
        c1 = agent + 4;
        c2 = strchr(c1, ':');
        if (!c2 || !part_ok(c1, (size_t)(c2 - c1)) || !part_ok(c2 + 1, strlen(c2 + 1)) ||
            (size_t)(c2 - c1) >= plen || strlen(c2 + 1) >= tlen)
                return -EINVAL;
        snprintf(ret_provider, plen, "%.*s", (int)(c2 - c1), c1);
        snprintf(ret_type, tlen, "%s", c2 + 1);
        return 0;
}

const char *conf_ocf_param_next(const char *p, char *name, size_t nlen, char *value, size_t vlen)
{
        size_t n;
        const char *eq;

        while (p && (*p == ' ' || *p == '\t'))
                p++;
        if (!p || !*p)
                return NULL;
        n = strcspn(p, " \t");
        eq = memchr(p, '=', n);
        if (!eq)
                return NULL;
        snprintf(name, nlen, "%.*s", (int)(eq - p), p);
        snprintf(value, vlen, "%.*s", (int)(n - (size_t)(eq - p) - 1), eq + 1);
        return p + n;
}

static bool param_name_ok(const char *s, size_t n)
{
        if (n == 0 || n > OCF_NAME_MAX || isdigit((unsigned char)s[0]))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isalnum((unsigned char)s[i]) && s[i] != '_')
                        return false;
        return true;
}

/* PARAMETERS: name=value items, names of [A-Za-z0-9_] not starting with a
 * digit, each given once. */
static int check_params(const char *v, const char *lb, char *err, size_t errlen)
{
        const char *p = v, *seen[64];
        size_t seen_len[64], nseen = 0;

        for (;;) {
                size_t n, nl;
                const char *eq;

                while (*p == ' ' || *p == '\t')
                        p++;
                if (!*p)
                        return 0;
                n = strcspn(p, " \t");
                eq = memchr(p, '=', n);
                if (!eq || !param_name_ok(p, (size_t)(eq - p)) || nseen == 64) {
                        conf_errf(err, errlen,
                                  "%s: PARAMETERS=\"%s\": item \"%.*s\" is not allowed; allowed: "
                                  "at most 64 name=value items separated by spaces, each name "
                                  "of [A-Za-z0-9_] not starting with a digit (as the agent's "
                                  "meta-data names them), the value without spaces",
                                  lb, v, (int)n, p);
                        return -HAMR_E_BAD_VALUE;
                }
                nl = (size_t)(eq - p);
                for (size_t i = 0; i < nseen; i++)
                        if (seen_len[i] == nl && strncmp(seen[i], p, nl) == 0) {
                                conf_errf(err, errlen,
                                          "%s: PARAMETERS=\"%s\": parameter \"%.*s\" is given "
                                          "twice; allowed: each parameter once",
                                          lb, v, (int)nl, p);
                                return -HAMR_E_BAD_VALUE;
                        }
                seen[nseen] = p;
                seen_len[nseen++] = nl;
                p += n;
        }
}

int conf_appctl_check_object(const conf_object_t *obj, const char *lb, char *err, size_t errlen)
{
        int ta = conf_attr_index(obj->cls, "TYPE");
        const char *ts = value_of(obj, "TYPE");
        int type = ts ? conf_enum_value(obj->cls, ta, ts) : CONF_APP_SCRIPT;
        const char *start = value_of(obj, "STARTSCRIPT"), *stop = value_of(obj, "STOPSCRIPT");
        const char *agent = value_of(obj, "AGENT"), *params = value_of(obj, "PARAMETERS");
        char prov[128], typ[128];

        if (type < 0)
                return 0; /* reported by the value check */
        if (type == CONF_APP_SCRIPT) {
                if (!start || !stop) {
                        conf_errf(err, errlen,
                                  "%s: required attribute%s missing: %s%s%s; allowed: TYPE=script "
                                  "(the default) needs STARTSCRIPT and STOPSCRIPT, TYPE=ocf "
                                  "needs AGENT",
                                  lb, !start && !stop ? "s" : "", start ? "" : "STARTSCRIPT",
                                  !start && !stop ? ", " : "", stop ? "" : "STOPSCRIPT");
                        return -HAMR_E_MISSING;
                }
                if (agent || params) {
                        conf_errf(err, errlen,
                                  "%s: %s=\"%s\" is not used with TYPE=script; allowed: AGENT and "
                                  "PARAMETERS with TYPE=ocf only (unset it with %s=\"\")",
                                  lb, agent ? "AGENT" : "PARAMETERS", agent ? agent : params,
                                  agent ? "AGENT" : "PARAMETERS");
                        return -HAMR_E_BAD_VALUE;
                }
                return 0;
        }
        if (!agent) {
                conf_errf(err, errlen,
                          "%s: required attribute missing: AGENT; allowed: TYPE=ocf needs "
                          "AGENT=ocf:PROVIDER:TYPE, e.g. ocf:heartbeat:Dummy",
                          lb);
                return -HAMR_E_MISSING;
        }
        if (start || stop) {
                conf_errf(err, errlen,
                          "%s: %s=\"%s\" is not used with TYPE=ocf; allowed: STARTSCRIPT and "
                          "STOPSCRIPT with TYPE=script only (the agent's start and stop actions "
                          "run instead; unset it with %s=\"\")",
                          lb, start ? "STARTSCRIPT" : "STOPSCRIPT", start ? start : stop,
                          start ? "STARTSCRIPT" : "STOPSCRIPT");
                return -HAMR_E_BAD_VALUE;
        }
        if (strlen(agent) >= CONF_OCF_AGENT_LEN ||
            conf_ocf_agent_split(agent, prov, sizeof(prov), typ, sizeof(typ)) < 0) {
                conf_errf(err, errlen,
                          "%s: AGENT=\"%s\" is not allowed; allowed: ocf:PROVIDER:TYPE (the OCF "
                          "standard only; PROVIDER and TYPE of [A-Za-z0-9_.+-]), e.g. "
                          "ocf:heartbeat:Dummy",
                          lb, agent);
                return -HAMR_E_BAD_VALUE;
        }
        return params ? check_params(params, lb, err, errlen) : 0;
}

bool conf_appmon_ocf(const hamr_config_t *cfg, const conf_appmon_t *m)
{
        if (m->type != CONF_AM_CUSTOM || m->monitor[0] || m->napps == 0)
                return false;
        for (unsigned k = 0; k < m->napps; k++)
                if (cfg->appctls[m->apps[k]].type != CONF_APP_OCF)
                        return false;
        return true;
}
