/* agent_ocf_meta: owns reading an OCF agent's meta-data (the
 * resource-agent XML of the OCF standard, parsed with libxml2 without
 * network access or entity expansion) and checking the parameters an
 * application controller gives against it. Pure: no processes, no I/O. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "agents/agent_ocf.h"
#include "common/hamr_alloc.h"

static char *prop(xmlNode *n, const char *name)
{
        xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
        char *s = v ? zstrdup((const char *)v) : NULL;

        xmlFree(v);
        return s;
}

static bool prop_true(xmlNode *n, const char *name)
{
        _cleanup_free_ char *v = prop(n, name);

        return v && (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes"));
}

static xmlNode *child(xmlNode *n, const char *name)
{
        for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
                        return c;
        return NULL;
}

void agent_ocf_meta_free(agent_ocf_meta_t *m)
{
        if (!m)
                return;
        for (size_t i = 0; i < m->nparams; i++) {
                free(m->params[i].name);
                free(m->params[i].content_type);
                free(m->params[i].def);
        }
        for (size_t i = 0; i < m->nactions; i++)
                free(m->actions[i]);
        free(m->params);
        free(m->actions);
        free(m->name);
        free(m);
}

/* libxml2's global state, once, before threads parse (the configuration
 * worker and libuv's threads may parse at the same time) */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
        xmlInitParser();
}

int agent_ocf_meta_parse(const char *xml, size_t len, agent_ocf_meta_t **ret_meta, char *err,
                         size_t errlen)
{
        xmlDoc *doc;
        xmlNode *root, *params, *actions;
        agent_ocf_meta_t *m;
        size_t n = 0;

        (void)pthread_once(&xml_once, xml_init);
        if (!xml || len == 0 || len > (size_t)AGENT_OCF_META_MAX * 4) {
                snprintf(err, errlen, "its meta-data is empty");
                return -EINVAL;
        }
        doc = xmlReadMemory(xml, (int)len, "meta-data", NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        if (!doc) {
                const xmlError *e = xmlGetLastError();
                snprintf(err, errlen, "its meta-data is not well-formed XML%s%s",
                         e && e->message ? ": " : "", e && e->message ? e->message : "");
                for (char *p = err; *p; p++)
                        if (*p == '\n')
                                *p = ' ';
                return -EINVAL;
        }
        root = xmlDocGetRootElement(doc);
        if (!root || strcmp((const char *)root->name, "resource-agent") != 0) {
                snprintf(err, errlen,
                         "its meta-data is not an OCF resource-agent document (root element "
                         "\"%s\")",
                         root ? (const char *)root->name : "none");
                xmlFreeDoc(doc);
                return -EINVAL;
        }
        m = zalloc(sizeof(*m));
        m->name = prop(root, "name");
        params = child(root, "parameters");
        for (xmlNode *c = params ? params->children : NULL; c; c = c->next)
                n += c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "parameter");
        m->params = zcalloc(n ? n : 1, sizeof(*m->params));
        for (xmlNode *c = params ? params->children : NULL; c; c = c->next) {
                agent_ocf_param_t *p;
                xmlNode *content;
                char *name;

                if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "parameter"))
                        continue;
                name = prop(c, "name");
                if (!name || !*name) {
                        free(name);
                        continue;
                }
                p = &m->params[m->nparams++];
                p->name = name;
                p->required = prop_true(c, "required");
                p->unique = prop_true(c, "unique");
                content = child(c, "content");
                p->content_type = content ? prop(content, "type") : NULL;
                if (!p->content_type)
                        p->content_type = zstrdup("");
                p->def = content ? prop(content, "default") : NULL;
        }
        actions = child(root, "actions");
        n = 0;
        for (xmlNode *c = actions ? actions->children : NULL; c; c = c->next)
                n += c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "action");
        m->actions = zcalloc(n ? n : 1, sizeof(char *));
        for (xmlNode *c = actions ? actions->children : NULL; c; c = c->next) {
                char *name;

                if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "action"))
                        continue;
                name = prop(c, "name");
                if (name)
                        m->actions[m->nactions++] = name;
        }
        xmlFreeDoc(doc);
        *ret_meta = m;
        return 0;
}

bool agent_ocf_meta_has_action(const agent_ocf_meta_t *m, const char *action)
{
        for (size_t i = 0; m && i < m->nactions; i++)
                if (!strcmp(m->actions[i], action))
                        return true;
        return false;
}

static const agent_ocf_param_t *find_param(const agent_ocf_meta_t *m, const char *name)
{
        for (size_t i = 0; i < m->nparams; i++)
                if (!strcmp(m->params[i].name, name))
                        return &m->params[i];
        return NULL;
}

/* "a, b, c" of the parameters (required ones only if only_required). */
static void list_params(const agent_ocf_meta_t *m, bool only_required, char *buf, size_t len)
{
        size_t used = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < m->nparams && used + 1 < len; i++) {
                if (only_required && !m->params[i].required)
                        continue;
                snprintf(buf + used, len - used, "%s%s", used ? ", " : "", m->params[i].name);
                used = strlen(buf);
        }
        if (!used)
                snprintf(buf, len, "none");
}

static bool integer_ok(const char *v)
{
        char *end;

        if (!*v)
                return false;
        errno = 0;
        (void)strtoll(v, &end, 10);
        return !*end && errno == 0;
}

static bool boolean_ok(const char *v)
{
        static const char *const ok[] = {"true", "false", "yes", "no", "on",
                                         "off",  "1",     "0",   "y",  "n"};

        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
                if (!strcasecmp(v, ok[i]))
                        return true;
        return false;
}

int agent_ocf_params_check(const agent_ocf_meta_t *m, const char *agent, const char *label,
                           const char *const *names, const char *const *values, size_t n, char *err,
                           size_t errlen)
{
        char list[1024];

        for (size_t i = 0; i < n; i++) {
                const agent_ocf_param_t *p = find_param(m, names[i]);

                if (!p) {
                        list_params(m, false, list, sizeof(list));
                        snprintf(err, errlen,
                                 "%s: PARAMETERS: %s has no parameter \"%s\"; allowed: its "
                                 "parameters %s",
                                 label, agent, names[i], list);
                        return -EINVAL;
                }
                if (!strcmp(p->content_type, "integer") && !integer_ok(values[i])) {
                        snprintf(err, errlen,
                                 "%s: PARAMETERS: %s=\"%s\" is not allowed; allowed: an "
                                 "integer (%s's parameter %s is of type integer)",
                                 label, names[i], values[i], agent, p->name);
                        return -EINVAL;
                }
                if (!strcmp(p->content_type, "boolean") && !boolean_ok(values[i])) {
                        snprintf(err, errlen,
                                 "%s: PARAMETERS: %s=\"%s\" is not allowed; allowed: true or "
                                 "false (%s's parameter %s is of type boolean)",
                                 label, names[i], values[i], agent, p->name);
                        return -EINVAL;
                }
        }
        for (size_t k = 0; k < m->nparams; k++) {
                bool given = false;

                if (!m->params[k].required)
                        continue;
                for (size_t i = 0; i < n && !given; i++)
                        given = !strcmp(names[i], m->params[k].name);
                if (!given) {
                        list_params(m, true, list, sizeof(list));
                        snprintf(err, errlen,
                                 "%s: PARAMETERS: %s requires parameter \"%s\"; allowed: "
                                 "PARAMETERS with each of its required parameters (%s)",
                                 label, agent, m->params[k].name, list);
                        return -EINVAL;
                }
        }
        return 0;
}
