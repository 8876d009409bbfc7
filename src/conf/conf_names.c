/* conf_names: names from the schema table: object names and labels,
 * list items (tokens), class and attribute lookup by name, alias or
 * unambiguous prefix, enum texts, and the error formatting they share. */
#include <stdarg.h>
#include <stdio.h>
#include <ctype.h>
#include <string.h>

#include "common/hamr_error.h"
#include "conf/conf_internal.h"

/* ---- small helpers ---- */

void conf_errf(char *err, size_t errlen, const char *fmt, ...)
{
        va_list ap;

        if (!err || errlen == 0)
                return;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
}

void conf_label(char *buf, size_t len, conf_class_t cls, const char *name)
{
        if (name)
                snprintf(buf, len, "%s \"%s\"", conf_class_def(cls)->name, name);
        else
                snprintf(buf, len, "%s", conf_class_def(cls)->name);
}

bool conf_name_valid(const char *name)
{
        size_t n;

        if (!name || !name[0] || isdigit((unsigned char)name[0]))
                return false;
        for (n = 0; name[n]; n++)
                if (n >= CONF_MAX_NAME || !(isalnum((unsigned char)name[n]) || name[n] == '_'))
                        return false;
        return true;
}

static bool is_sep(char c)
{
        return c == ' ' || c == '\t' || c == ',';
}

const char *conf_next_token(const char *p, char *tok, size_t toklen)
{
        size_t n = 0;

        while (*p && is_sep(*p))
                p++;
        if (!*p)
                return NULL;
        for (; *p && !is_sep(*p); p++)
                if (n + 1 < toklen)
                        tok[n++] = *p;
        tok[n] = '\0';
        return p;
}

size_t conf_count_tokens(const char *p)
{
        char tok[CONF_MAX_TOKEN];
        size_t n = 0;

        while (p && (p = conf_next_token(p, tok, sizeof(tok))))
                n++;
        return n;
}

/* ---- lookups ---- */

static bool has_prefix_ci(const char *full, const char *prefix)
{
        return strncasecmp(full, prefix, strlen(prefix)) == 0;
}

int conf_class_lookup(const char *s, conf_class_t *ret_cls)
{
        int found = -1;

        if (!s || !*s)
                return -HAMR_E_BAD_CLASS;
        for (int c = 0; c < CONF_CLASS_COUNT; c++) {
                if (strcasecmp(conf_class_def(c)->name, s) == 0)
                        goto found_exact;
                for (const char *const *a = conf_class_def(c)->aliases; *a; a++)
                        if (strcasecmp(*a, s) == 0)
                                goto found_exact;
                continue;
        found_exact:
                *ret_cls = (conf_class_t)c;
                return 0;
        }
        for (int c = 0; c < CONF_CLASS_COUNT; c++) {
                bool match = has_prefix_ci(conf_class_def(c)->name, s);

                for (const char *const *a = conf_class_def(c)->aliases; *a && !match; a++)
                        match = has_prefix_ci(*a, s);
                if (!match)
                        continue;
                if (found >= 0)
                        return -HAMR_E_BAD_CLASS; /* ambiguous */
                found = c;
        }
        if (found < 0)
                return -HAMR_E_BAD_CLASS;
        *ret_cls = (conf_class_t)found;
        return 0;
}

int conf_attr_lookup(conf_class_t cls, const char *s)
{
        const conf_class_def_t *cd = conf_class_def(cls);
        int found = -1;

        if (!cd || !s || !*s)
                return -HAMR_E_BAD_ATTR;
        for (size_t i = 0; i < cd->nattrs; i++)
                if (strcasecmp(cd->attrs[i].name, s) == 0)
                        return (int)i;
        for (size_t i = 0; i < cd->nattrs; i++) {
                if (!has_prefix_ci(cd->attrs[i].name, s))
                        continue;
                if (found >= 0)
                        return -HAMR_E_BAD_ATTR;
                found = (int)i;
        }
        return found >= 0 ? found : -HAMR_E_BAD_ATTR;
}

int conf_attr_lookup_err(conf_class_t cls, const char *objname, const char *s, char *err,
                         size_t errlen)
{
        const conf_class_def_t *cd = conf_class_def(cls);
        char label[CONF_MAX_NAME + 64], list[1024] = "";
        bool ambiguous = false;
        int a = conf_attr_lookup(cls, s);

        if (a >= 0)
                return a;
        /* ambiguous prefix: list the candidates; unknown: list them all */
        for (size_t i = 0; s && *s && i < cd->nattrs; i++)
                if (has_prefix_ci(cd->attrs[i].name, s))
                        ambiguous = true;
        for (size_t i = 0; i < cd->nattrs; i++) {
                if (ambiguous && !has_prefix_ci(cd->attrs[i].name, s))
                        continue;
                size_t used = strlen(list);
                snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "",
                         cd->attrs[i].name);
        }
        conf_label(label, sizeof(label), cls, objname);
        if (ambiguous)
                conf_errf(err, errlen,
                          "%s: attribute \"%s\" is ambiguous for class %s; matches: %s", label, s,
                          cd->name, list);
        else
                conf_errf(err, errlen, "%s: attribute \"%s\" is unknown for class %s; known: %s",
                          label, s ? s : "", cd->name, list);
        return -HAMR_E_BAD_ATTR;
}

int conf_attr_index(conf_class_t cls, const char *name)
{
        const conf_class_def_t *cd = conf_class_def(cls);

        for (size_t i = 0; cd && name && i < cd->nattrs; i++)
                if (strcmp(cd->attrs[i].name, name) == 0)
                        return (int)i;
        return -1;
}

static const conf_attr_def_t *enum_attr(conf_class_t cls, int attr)
{
        const conf_class_def_t *cd = conf_class_def(cls);

        if (!cd || attr < 0 || (size_t)attr >= cd->nattrs || cd->attrs[attr].type != CONF_T_ENUM)
                return NULL;
        return &cd->attrs[attr];
}

int conf_enum_value(conf_class_t cls, int attr, const char *text)
{
        const conf_attr_def_t *ad = enum_attr(cls, attr);

        if (!ad)
                return -HAMR_E_BAD_ATTR;
        for (size_t e = 0; text && e < ad->enum_count; e++)
                if (strcasecmp(ad->enum_values[e], text) == 0)
                        return (int)e;
        return -HAMR_E_BAD_VALUE;
}

const char *conf_enum_name(conf_class_t cls, int attr, int v)
{
        const conf_attr_def_t *ad = enum_attr(cls, attr);

        if (!ad || v < 0 || (size_t)v >= ad->enum_count)
                return NULL;
        return ad->enum_values[v];
}

void conf_class_names(char *buf, size_t len)
{
        size_t used = 0;

        if (!buf || len == 0)
                return;
        buf[0] = '\0';
        for (int c = 0; c < CONF_CLASS_COUNT && used + 1 < len; c++) {
                snprintf(buf + used, len - used, "%s%s", c ? ", " : "", conf_class_def(c)->name);
                used = strlen(buf);
                for (const char *const *a = conf_class_def(c)->aliases; *a && used + 1 < len; a++) {
                        snprintf(buf + used, len - used, "%s%s%s",
                                 a == conf_class_def(c)->aliases ? " (" : ", ", *a,
                                 a[1] ? "" : ")");
                        used = strlen(buf);
                }
        }
}
