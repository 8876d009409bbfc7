/* conf_json: one configuration object as a JSON object for `clmgr query`
 * output (NAME first, then the class's non-runtime attributes in schema
 * order with their effective values; a dependency: those of its TYPE). */
#include "conf/conf_internal.h"

json_t *conf_object_to_json(const conf_object_t *obj)
{
        const conf_class_def_t *cd;
        json_t *j;

        if (!obj || !(cd = conf_class_def(obj->cls)))
                return NULL;
        j = json_object();
        if (!j)
                return NULL;
        json_object_set_new(j, "NAME", json_string(obj->name));
        for (size_t a = 0; a < cd->nattrs; a++) {
                const conf_attr_def_t *ad = &cd->attrs[a];
                const char *v = obj->values[a] ? obj->values[a] : ad->def;

                if ((ad->flags & CONF_F_RUNTIME) ||
                    (obj->cls == CONF_CLASS_DEPENDENCY && !conf_dep_attr_shown(obj, ad->name)))
                        continue;
                json_object_set_new(j, ad->name, json_string(v ? v : ""));
        }
        return j;
}
