/* conf_rename: PowerHA's clmgr modify resource_group RG NAME=NEW: the
 * group gets a new name, every reference to it (dependencies) follows, and
 * its ID stays, so the runtime state kept by ID (administrator OFFLINE,
 * priority override location, where it runs) is kept: a live change that
 * moves nothing. Only resource groups are renamed (a renamed resource
 * would be released and acquired again by its owner). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/hamr_alloc.h"
#include "common/hamr_error.h"
#include "conf/conf.h"
#include "conf/conf_internal.h"

/* list with every token equal to from replaced by to (canonical: space
 * separated), malloc'd. */
static char *replace_token(const char *list, const char *from, const char *to)
{
        size_t cap = strlen(list) + conf_count_tokens(list) * (strlen(to) + 1) + 1;
        char *out = zalloc(cap), tok[CONF_MAX_NAME * 4];

        for (const char *p = list; (p = conf_next_token(p, tok, sizeof(tok)));) {
                if (out[0])
                        strcat(out, " ");
                strcat(out, strcmp(tok, from) ? tok : to);
        }
        return out;
}

int conf_db_rename(conf_db_t *db, conf_class_t cls, const char *name, const char *new_name,
                   char *err, size_t errlen)
{
        const conf_class_def_t *cd = conf_class_def(cls);
        conf_object_t *o = conf_db_find(db, cls, name);

        if (cls != CONF_CLASS_RESOURCE_GROUP) {
                conf_errf(err, errlen,
                          "%s \"%s\": NAME=\"%s\" is not allowed: only a resource_group is "
                          "renamed (delete and add the object under its new name)",
                          cd ? cd->name : "?", name ? name : "", new_name);
                return -HAMR_E_BAD_VALUE;
        }
        if (!o) {
                conf_errf(err, errlen, "resource_group \"%s\" does not exist", name ? name : "");
                return -HAMR_E_NOT_FOUND;
        }
        if (!conf_name_valid(new_name)) {
                conf_errf(err, errlen,
                          "resource_group \"%s\": NAME=\"%s\" is not allowed: a name is 1 to %d "
                          "letters, digits or '_', not starting with a digit",
                          name, new_name, CONF_MAX_NAME);
                return -HAMR_E_BAD_VALUE;
        }
        if (!strcmp(name, new_name))
                return 0;
        if (conf_db_find(db, cls, new_name)) {
                conf_errf(err, errlen,
                          "resource_group \"%s\": NAME=\"%s\" is not allowed: resource_group "
                          "\"%s\" exists already",
                          name, new_name, new_name);
                return -HAMR_E_EXISTS;
        }
        for (size_t i = 0; i < db->nobjs; i++) {
                conf_object_t *x = &db->objs[i];
                const conf_class_def_t *xd = conf_class_def(x->cls);
                for (size_t a = 0; a < xd->nattrs; a++) {
                        const conf_attr_def_t *ad = &xd->attrs[a];
                        if ((ad->type != CONF_T_REF && ad->type != CONF_T_REF_LIST) ||
                            ad->ref_class != cls || !x->values[a])
                                continue;
                        char *v = replace_token(x->values[a], name, new_name);
                        free(x->values[a]);
                        x->values[a] = v;
                }
        }
        snprintf(o->name, sizeof(o->name), "%s", new_name);
        return 0;
}
