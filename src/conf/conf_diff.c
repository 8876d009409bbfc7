/* conf_diff: the difference between two configurations, object by object
 * (class and name) and attribute by attribute (schema order). See
 * conf_diff.h. */
#include "conf/conf_diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hamr_alloc.h"

/* The value an attribute has: the set one, else the default. */
static const char *value_of(const conf_object_t *o, size_t i)
{
        const conf_attr_def_t *def = &conf_class_def(o->cls)->attrs[i];

        if (o->values[i])
                return o->values[i];
        return def->def ? def->def : "(default)";
}

static void object_lines(FILE *f, char sign, const conf_object_t *o)
{
        const conf_class_def_t *cd = conf_class_def(o->cls);

        fprintf(f, "%c[%s %s]\n", sign, cd->name, o->name);
        for (size_t i = 0; i < cd->nattrs; i++)
                if (!(cd->attrs[i].flags & CONF_F_RUNTIME) && o->values[i])
                        fprintf(f, "%c  %s = %s\n", sign, cd->attrs[i].name, o->values[i]);
}

/* Both objects exist: their changed attributes, under " [class name]". */
static size_t changed_lines(FILE *f, const conf_object_t *a, const conf_object_t *b)
{
        const conf_class_def_t *cd = conf_class_def(a->cls);
        bool head = false;

        for (size_t i = 0; i < cd->nattrs; i++) {
                const char *va = value_of(a, i), *vb = value_of(b, i);
                if ((cd->attrs[i].flags & CONF_F_RUNTIME) || !strcmp(va, vb))
                        continue;
                if (!head)
                        fprintf(f, " [%s %s]\n", cd->name, a->name);
                head = true;
                fprintf(f, "-  %s = %s\n", cd->attrs[i].name, va);
                fprintf(f, "+  %s = %s\n", cd->attrs[i].name, vb);
        }
        return head ? 1 : 0;
}

char *conf_diff(const conf_db_t *a, const conf_db_t *b, const char *label_a, const char *label_b,
                size_t *ret_changes)
{
        char *out = NULL;
        size_t len = 0, changes = 0;
        FILE *f = open_memstream(&out, &len);

        if (!f)
                abort(); /* out of memory, as zalloc does */
        fprintf(f, "--- %s\n+++ %s\n", label_a, label_b);
        for (size_t i = 0; i < a->nobjs; i++) {
                const conf_object_t *o = &a->objs[i];
                const conf_object_t *other = conf_db_find(b, o->cls, o->name);
                if (!other) {
                        object_lines(f, '-', o);
                        changes++;
                } else {
                        changes += changed_lines(f, o, other);
                }
        }
        for (size_t i = 0; i < b->nobjs; i++) {
                const conf_object_t *o = &b->objs[i];
                if (!conf_db_find(a, o->cls, o->name)) {
                        object_lines(f, '+', o);
                        changes++;
                }
        }
        fclose(f);
        if (ret_changes)
                *ret_changes = changes;
        return out;
}
