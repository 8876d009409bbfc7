/* conf_db: the generic object store (objects of schema classes with
 * canonical attribute strings) and its atomic add/modify/delete, including
 * reference checks and id assignment. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/hamr_alloc.h"
#include "common/hamr_error.h"
#include "conf/conf_internal.h"

#define LABEL_LEN (CONF_MAX_NAME + 64)

static size_t nattrs(conf_class_t cls)
{
        return conf_class_def(cls)->nattrs;
}

static char **values_new(conf_class_t cls)
{
        return zcalloc(nattrs(cls), sizeof(char *));
}

void conf_values_free(conf_class_t cls, char **values)
{
        if (!values)
                return;
        for (size_t i = 0; i < nattrs(cls); i++)
                free(values[i]);
        free(values);
}

static char **values_dup(conf_class_t cls, char *const *values)
{
        char **v = values_new(cls);

        for (size_t i = 0; i < nattrs(cls); i++)
                v[i] = values[i] ? zstrdup(values[i]) : NULL;
        return v;
}

conf_db_t *conf_db_new(void)
{
        return zalloc(sizeof(conf_db_t));
}

void conf_db_free(conf_db_t *db)
{
        if (!db)
                return;
        for (size_t i = 0; i < db->nobjs; i++)
                conf_values_free(db->objs[i].cls, db->objs[i].values);
        free(db->objs);
        free(db);
}

conf_db_t *conf_db_dup(const conf_db_t *db)
{
        conf_db_t *d = conf_db_new();

        d->generation = db->generation;
        d->nobjs = db->nobjs;
        d->objs = zcalloc(db->nobjs, sizeof(conf_object_t));
        for (size_t i = 0; i < db->nobjs; i++) {
                d->objs[i] = db->objs[i];
                d->objs[i].values = values_dup(db->objs[i].cls, db->objs[i].values);
        }
        return d;
}

conf_object_t *conf_db_find(const conf_db_t *db, conf_class_t cls, const char *name)
{
        const conf_class_def_t *cd = conf_class_def(cls);

        if (!db || !cd)
                return NULL;
        for (size_t i = 0; i < db->nobjs; i++) {
                if (db->objs[i].cls != cls)
                        continue;
                if (name ? strcmp(db->objs[i].name, name) == 0 : cd->singleton)
                        return &db->objs[i];
        }
        return NULL;
}

const char *conf_object_get(const conf_object_t *obj, const char *attr_name)
{
        int a;

        if (!obj)
                return NULL;
        a = conf_attr_lookup(obj->cls, attr_name);
        if (a < 0)
                return NULL;
        return obj->values[a] ? obj->values[a] : conf_class_def(obj->cls)->attrs[a].def;
}

static size_t count_class(const conf_db_t *db, conf_class_t cls)
{
        size_t n = 0;

        for (size_t i = 0; i < db->nobjs; i++)
                n += db->objs[i].cls == cls;
        return n;
}

static bool blank(const char *s)
{
        for (; s && *s; s++)
                if (*s != ' ' && *s != '\t')
                        return false;
        return true;
}

int conf_values_apply(conf_class_t cls, const char *objname, char **values, const conf_kv_t *kv,
                      size_t nkv, bool allow_readonly, bool is_add, char *err, size_t errlen)
{
        const conf_class_def_t *cd = conf_class_def(cls);
        char label[LABEL_LEN];

        conf_label(label, sizeof(label), cls, objname);
        for (size_t i = 0; i < nkv; i++) {
                int a = conf_attr_lookup_err(cls, objname, kv[i].key, err, errlen);
                const conf_attr_def_t *ad;
                char *canon = NULL;
                int r;

                if (a < 0)
                        return a;
                ad = &cd->attrs[a];
                if ((ad->flags & CONF_F_RUNTIME) ||
                    ((ad->flags & CONF_F_READONLY) && !allow_readonly)) {
                        conf_errf(err, errlen,
                                  "%s: %s is read-only (%s); it cannot be set to \"%s\"", label,
                                  ad->name,
                                  ad->flags & CONF_F_RUNTIME ? "runtime state, query only"
                                                             : "assigned by hamr",
                                  kv[i].value ? kv[i].value : "");
                        return -HAMR_E_BAD_ATTR;
                }
                if (blank(kv[i].value)) {
                        /* "" unsets; a required attribute cannot be unset by modify
                         * (at add it is reported as missing afterwards) */
                        if ((ad->flags & CONF_F_REQUIRED) && !is_add) {
                                conf_errf(err, errlen,
                                          "%s: %s is required and cannot be unset; allowed: a "
                                          "non-empty value",
                                          label, ad->name);
                                return -HAMR_E_MISSING;
                        }
                        free(values[a]);
                        values[a] = NULL;
                        continue;
                }
                r = conf_value_check_obj(cls, objname, a, kv[i].value, &canon, err, errlen);
                if (r < 0)
                        return r;
                free(values[a]);
                values[a] = canon;
        }
        return 0;
}

static int check_required(conf_class_t cls, const char *name, char *const *values, char *err,
                          size_t errlen)
{
        const conf_class_def_t *cd = conf_class_def(cls);
        char label[LABEL_LEN], list[512] = "";
        size_t used = 0;

        for (size_t i = 0; i < cd->nattrs; i++) {
                if (!(cd->attrs[i].flags & CONF_F_REQUIRED) || values[i])
                        continue;
                snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "",
                         cd->attrs[i].name);
                used = strlen(list);
        }
        if (!used)
                return 0;
        conf_label(label, sizeof(label), cls, name);
        conf_errf(err, errlen, "%s: required attribute%s missing: %s", label,
                  strchr(list, ',') ? "s" : "", list);
        return -HAMR_E_MISSING;
}

static int id_attr(conf_class_t cls)
{
        return cls == CONF_CLASS_NODE || cls == CONF_CLASS_CLUSTER ||
                       cls == CONF_CLASS_RESOURCE_GROUP
                   ? conf_attr_lookup(cls, "ID")
                   : -1;
}

/* Checks that an object cls/name may be added to db: name, duplicates,
 * singleton, class limits. */
static int check_new(const conf_db_t *db, conf_class_t cls, const char *name, char *err,
                     size_t errlen)
{
        const conf_class_def_t *cd = conf_class_def(cls);
        char label[LABEL_LEN];
        const conf_object_t *other;

        if (!name) {
                conf_errf(err, errlen, "%s: a name is required; allowed: %s", cd->name,
                          conf_name_rule);
                return -HAMR_E_MISSING;
        }
        if (!conf_name_valid(name)) {
                conf_errf(err, errlen, "%s: NAME=\"%s\" is not allowed; allowed: %s", cd->name,
                          name, conf_name_rule);
                return -HAMR_E_BAD_VALUE;
        }
        conf_label(label, sizeof(label), cls, name);
        if (conf_db_find(db, cls, name)) {
                conf_errf(err, errlen, "%s already exists", label);
                return -HAMR_E_EXISTS;
        }
        if (cd->singleton && (other = conf_db_find(db, cls, NULL))) {
                conf_errf(err, errlen, "%s cannot be added: %s \"%s\" already exists (only one %s)",
                          label, cd->name, other->name, cd->name);
                return -HAMR_E_EXISTS;
        }
        if (cls == CONF_CLASS_NODE && count_class(db, cls) >= CONF_MAX_NODES) {
                conf_errf(err, errlen,
                          "%s cannot be added: %d nodes already configured (maximum %d)", label,
                          CONF_MAX_NODES, CONF_MAX_NODES);
                return -HAMR_E_BAD_VALUE;
        }
        if (cls == CONF_CLASS_RESOURCE_GROUP && count_class(db, cls) >= CONF_MAX_RGS) {
                conf_errf(err, errlen,
                          "%s cannot be added: %d resource groups already configured (maximum %d)",
                          label, CONF_MAX_RGS, CONF_MAX_RGS);
                return -HAMR_E_BAD_VALUE;
        }
        return 0;
}

int conf_db_insert(conf_db_t *db, conf_class_t cls, const char *name, char **values, char *err,
                   size_t errlen)
{
        char label[LABEL_LEN];
        conf_object_t *other;
        int r, ida = id_attr(cls);

        r = check_new(db, cls, name, err, errlen);
        if (r < 0)
                return r;
        conf_label(label, sizeof(label), cls, name);
        r = check_required(cls, name, values, err, errlen);
        if (r < 0)
                return r;
        if (cls == CONF_CLASS_NODE && values[ida]) {
                for (size_t i = 0; i < db->nobjs; i++) {
                        const conf_object_t *o = &db->objs[i];

                        if (o->cls == cls && o->values[ida] &&
                            strcmp(o->values[ida], values[ida]) == 0) {
                                conf_errf(err, errlen,
                                          "%s: ID=\"%s\" is not allowed: node \"%s\" already has "
                                          "it; allowed: a node id not used by another node",
                                          label, values[ida], o->name);
                                return -HAMR_E_BAD_VALUE;
                        }
                }
        }
        db->objs = zrealloc(db->objs, (db->nobjs + 1) * sizeof(conf_object_t));
        other = &db->objs[db->nobjs++];
        memset(other, 0, sizeof(*other));
        other->cls = cls;
        strcpy(other->name, name); /* length checked by conf_name_valid */
        other->values = values;
        return 0;
}

static uint32_t random_cluster_id(void)
{
        uint32_t id = 0;

        while (id == 0) {
                if (getrandom(&id, sizeof(id), 0) != (ssize_t)sizeof(id))
                        id = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
        }
        return id;
}

#define RG_ID_MAX 4294967295ul /* the schema's range for a group ID: 1..2^32-1 */

/* The smallest group ID no group of db holds (db holds at most CONF_MAX_RGS). */
static unsigned long lowest_free_rg_id(const conf_db_t *db, int rga)
{
        char buf[24];
        bool taken;

        for (unsigned long id = 1;; id++) {
                snprintf(buf, sizeof(buf), "%lu", id);
                taken = false;
                for (size_t i = 0; i < db->nobjs && !taken; i++)
                        taken = db->objs[i].cls == CONF_CLASS_RESOURCE_GROUP &&
                                db->objs[i].values[rga] && !strcmp(db->objs[i].values[rga], buf);
                if (!taken)
                        return id;
        }
}

void conf_db_assign_ids(conf_db_t *db)
{
        bool used[CONF_MAX_NODES] = {false};
        int ida = id_attr(CONF_CLASS_NODE), rga = id_attr(CONF_CLASS_RESOURCE_GROUP);
        unsigned long max_rg_id = 0;

        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];

                if (o->cls == CONF_CLASS_NODE && o->values[ida]) {
                        unsigned long id = strtoul(o->values[ida], NULL, 10);

                        if (id < CONF_MAX_NODES)
                                used[id] = true;
                }
                if (o->cls == CONF_CLASS_RESOURCE_GROUP && o->values[rga]) {
                        unsigned long id = strtoul(o->values[rga], NULL, 10);

                        if (id > max_rg_id)
                                max_rg_id = id;
                }
        }
        /* Ids given while editing on top of generation G start at (G + 1) *
         * CONF_MAX_RGS: above every id of every earlier generation, so an id
         * is never reused, even after the group that had it was deleted (a
         * deleted group's runtime state is never taken for a new group's).
         * Ids stay within the schema's range (found by fuzz_conf: a large
         * generation gave ids the text parser refuses): past generation
         * 2^24 they continue from the highest, then reuse the lowest free. */
        if (db->generation < RG_ID_MAX / CONF_MAX_RGS &&
            max_rg_id < (db->generation + 1) * CONF_MAX_RGS - 1)
                max_rg_id = (db->generation + 1) * CONF_MAX_RGS - 1;
        for (size_t i = 0; i < db->nobjs; i++) {
                conf_object_t *o = &db->objs[i];
                char buf[24];

                if (o->cls == CONF_CLASS_CLUSTER && !o->values[id_attr(o->cls)]) {
                        snprintf(buf, sizeof(buf), "%u", random_cluster_id());
                        o->values[id_attr(o->cls)] = zstrdup(buf);
                }
                if (o->cls == CONF_CLASS_RESOURCE_GROUP && !o->values[rga]) {
                        snprintf(buf, sizeof(buf), "%lu",
                                 max_rg_id < RG_ID_MAX ? ++max_rg_id : lowest_free_rg_id(db, rga));
                        o->values[rga] = zstrdup(buf);
                }
                if (o->cls != CONF_CLASS_NODE || o->values[ida])
                        continue;
                for (unsigned id = 0; id < CONF_MAX_NODES; id++) {
                        if (used[id])
                                continue;
                        used[id] = true;
                        snprintf(buf, sizeof(buf), "%u", id);
                        o->values[ida] = zstrdup(buf);
                        break;
                }
        }
}

/* True if a reference value (REF, REF_LIST or ADDR_MAP) names name. */
static bool value_refers_to(const conf_attr_def_t *ad, const char *value, const char *name)
{
        char tok[CONF_MAX_TOKEN];

        for (const char *p = value; (p = conf_next_token(p, tok, sizeof(tok)));) {
                char *eq = ad->type == CONF_T_ADDR_MAP ? strchr(tok, '=') : NULL;

                if (eq)
                        *eq = '\0';
                if (strcmp(tok, name) == 0)
                        return true;
        }
        return false;
}

static bool is_ref_type(const conf_attr_def_t *ad)
{
        return ad->type == CONF_T_REF || ad->type == CONF_T_REF_LIST || ad->type == CONF_T_ADDR_MAP;
}

int conf_object_check_refs(const conf_db_t *db, const conf_object_t *obj, char *err, size_t errlen)
{
        const conf_class_def_t *cd = conf_class_def(obj->cls);
        char label[LABEL_LEN], tok[CONF_MAX_TOKEN];

        for (size_t a = 0; a < cd->nattrs; a++) {
                const conf_attr_def_t *ad = &cd->attrs[a];

                if (!is_ref_type(ad) || !obj->values[a])
                        continue;
                for (const char *p = obj->values[a]; (p = conf_next_token(p, tok, sizeof(tok)));) {
                        char *eq = ad->type == CONF_T_ADDR_MAP ? strchr(tok, '=') : NULL;

                        if (eq)
                                *eq = '\0';
                        if (conf_db_find(db, ad->ref_class, tok))
                                continue;
                        conf_label(label, sizeof(label), obj->cls, obj->name);
                        conf_errf(err, errlen, "%s: %s refers to %s \"%s\", which does not exist",
                                  label, ad->name, conf_class_def(ad->ref_class)->name, tok);
                        return -HAMR_E_REFERENCE;
                }
        }
        return 0;
}

int conf_db_add(conf_db_t *db, conf_class_t cls, const char *name, const conf_kv_t *kv, size_t nkv,
                char *err, size_t errlen)
{
        const conf_class_def_t *cd = conf_class_def(cls);
        char **values;
        conf_object_t tmp = {.cls = cls};
        char auto_name[CONF_MAX_NAME + 1];
        int r;

        if (!db || !cd) {
                conf_errf(err, errlen, "class %d is unknown", (int)cls);
                return -HAMR_E_BAD_CLASS;
        }
        if (cls == CONF_CLASS_DEPENDENCY && !name) {
                conf_dep_default_name(db, auto_name, sizeof(auto_name));
                name = auto_name;
        }
        r = check_new(db, cls, name, err, errlen);
        if (r < 0)
                return r;
        values = values_new(cls);
        r = conf_values_apply(cls, name, values, kv, nkv, false, true, err, errlen);
        if (r < 0)
                goto fail;
        r = check_required(cls, name, values, err, errlen);
        if (r < 0)
                goto fail;
        if (cls == CONF_CLASS_FALLBACK_TIMER)
                conf_timer_infer_repeats(values);
        if (cls == CONF_CLASS_DEPENDENCY)
                conf_dep_infer_type(values);
        strcpy(tmp.name, name); /* length checked by check_new */
        tmp.values = values;
        r = conf_object_check_refs(db, &tmp, err, errlen);
        if (r == 0)
                r = conf_object_check_rules(&tmp, err, errlen);
        if (r == 0)
                r = conf_fs_check_owner(db, &tmp, err, errlen);
        if (r < 0)
                goto fail;
        r = conf_db_insert(db, cls, name, values, err, errlen);
        if (r < 0)
                goto fail;
        if (cls == CONF_CLASS_DEPENDENCY && (r = conf_deps_check(db, name, err, errlen)) < 0) {
                db->nobjs--; /* the object just appended */
                goto fail;
        }
        conf_db_assign_ids(db);
        return 0;
fail:
        conf_values_free(cls, values);
        return r;
}

static conf_object_t *find_or_err(const conf_db_t *db, conf_class_t cls, const char *name,
                                  char *err, size_t errlen)
{
        const conf_class_def_t *cd = conf_class_def(cls);
        conf_object_t *o;
        char label[LABEL_LEN];

        if (!name && !cd->singleton) {
                conf_errf(err, errlen, "%s: a name is required; allowed: %s", cd->name,
                          conf_name_rule);
                return NULL;
        }
        o = conf_db_find(db, cls, name);
        if (!o) {
                conf_label(label, sizeof(label), cls, name);
                if (cd->singleton && !name)
                        conf_errf(err, errlen, "%s is not configured", label);
                else
                        conf_errf(err, errlen, "%s does not exist", label);
        }
        return o;
}

int conf_db_modify(conf_db_t *db, conf_class_t cls, const char *name, const conf_kv_t *kv,
                   size_t nkv, char *err, size_t errlen)
{
        conf_object_t *o, tmp;
        char **values;
        int r;

        if (!db || !conf_class_def(cls)) {
                conf_errf(err, errlen, "class %d is unknown", (int)cls);
                return -HAMR_E_BAD_CLASS;
        }
        if (!conf_db_find(db, cls, name) && conf_event_implicit(cls, name))
                /* PowerHA's modify event <predefined>: its first
                 * customisation creates the object */
                return conf_db_add(db, cls, name, kv, nkv, err, errlen);
        o = find_or_err(db, cls, name, err, errlen);
        if (!o)
                return name || conf_class_def(cls)->singleton ? -HAMR_E_NOT_FOUND : -HAMR_E_MISSING;
        values = values_dup(cls, o->values);
        /* messages use the name the caller gave (none for "modify cluster") */
        r = conf_values_apply(cls, name, values, kv, nkv, false, false, err, errlen);
        if (r < 0)
                goto fail;
        tmp = *o;
        tmp.values = values;
        r = conf_object_check_refs(db, &tmp, err, errlen);
        if (r == 0)
                r = conf_object_check_rules(&tmp, err, errlen);
        if (r == 0)
                r = conf_fs_check_owner(db, &tmp, err, errlen);
        if (r < 0)
                goto fail;
        if (cls == CONF_CLASS_DEPENDENCY) {
                char **old = o->values;

                o->values = values;
                r = conf_deps_check(db, o->name, err, errlen);
                o->values = old;
                if (r < 0)
                        goto fail;
        }
        conf_values_free(cls, o->values);
        o->values = values;
        return 0;
fail:
        conf_values_free(cls, values);
        return r;
}

int conf_db_delete(conf_db_t *db, conf_class_t cls, const char *name, char *err, size_t errlen)
{
        conf_object_t *o;
        char label[LABEL_LEN], olabel[LABEL_LEN];
        size_t idx;

        if (!db || !conf_class_def(cls)) {
                conf_errf(err, errlen, "class %d is unknown", (int)cls);
                return -HAMR_E_BAD_CLASS;
        }
        o = find_or_err(db, cls, name, err, errlen);
        if (!o)
                return name || conf_class_def(cls)->singleton ? -HAMR_E_NOT_FOUND : -HAMR_E_MISSING;
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *u = &db->objs[i];
                const conf_class_def_t *ud = conf_class_def(u->cls);

                for (size_t a = 0; a < ud->nattrs; a++) {
                        const conf_attr_def_t *ad = &ud->attrs[a];

                        if (!is_ref_type(ad) || ad->ref_class != cls || !u->values[a] ||
                            !value_refers_to(ad, u->values[a], o->name))
                                continue;
                        conf_label(label, sizeof(label), cls, o->name);
                        conf_label(olabel, sizeof(olabel), u->cls, u->name);
                        conf_errf(err, errlen, "%s cannot be deleted: %s %s refers to it", label,
                                  olabel, ad->name);
                        return -HAMR_E_REFERENCE;
                }
        }
        idx = (size_t)(o - db->objs);
        conf_values_free(cls, o->values);
        memmove(&db->objs[idx], &db->objs[idx + 1], (db->nobjs - idx - 1) * sizeof(conf_object_t));
        db->nobjs--;
        return 0;
}
