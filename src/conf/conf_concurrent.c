/* conf_concurrent: the rules of concurrent groups (STARTUP=OAAN, online on
 * all available nodes). One group: OAAN only with FALLOVER=BO and
 * FALLBACK=NFB (PowerHA's table of valid combinations), and without
 * SERVICE_LABEL or FILESYSTEM (PowerHA has no service IP label in a
 * concurrent group, and hamr's file_system is a non-concurrent mount: one
 * node at a time). Dependencies: no dependency of any kind names an OAAN
 * group (what a dependency between per-node instances means is not
 * defined in hamr). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/hamr_error.h"
#include "conf/conf_internal.h"

/* The value, or the schema's default when unset. */
static const char *effective(const conf_object_t *o, const char *attr)
{
        int a = conf_attr_index(o->cls, attr);

        if (a < 0)
                return NULL;
        return o->values[a] ? o->values[a] : conf_class_def(o->cls)->attrs[a].def;
}

static bool is_oaan(const conf_object_t *o)
{
        const char *s = effective(o, "STARTUP");

        return s && strcasecmp(s, "OAAN") == 0;
}

int conf_concurrent_check_object(const conf_object_t *o, const char *lb, char *err, size_t errlen)
{
        static const char *const forbidden[] = {"SERVICE_LABEL", "FILESYSTEM"};
        const char *fo, *fb;

        if (o->cls != CONF_CLASS_RESOURCE_GROUP || !is_oaan(o))
                return 0;
        fo = effective(o, "FALLOVER");
        fb = effective(o, "FALLBACK");
        if (!fo || !fb || strcasecmp(fo, "BO") != 0 || strcasecmp(fb, "NFB") != 0) {
                conf_errf(err, errlen,
                          "%s: STARTUP=\"OAAN\" FALLOVER=\"%s\" FALLBACK=\"%s\" is not an allowed "
                          "combination; allowed: STARTUP OAAN only with FALLOVER BO and FALLBACK "
                          "NFB (a concurrent group is online on every available node: it neither "
                          "moves nor falls back)",
                          lb, fo ? fo : "", fb ? fb : "");
                return -HAMR_E_BAD_VALUE;
        }
        for (size_t k = 0; k < sizeof(forbidden) / sizeof(forbidden[0]); k++) {
                int a = conf_attr_index(o->cls, forbidden[k]);

                if (a >= 0 && o->values[a] && o->values[a][0]) {
                        conf_errf(err, errlen,
                                  "%s: %s=\"%s\" is not allowed with STARTUP=\"OAAN\"; allowed: "
                                  "no %s in a concurrent group (it is online on several nodes "
                                  "at once: %s)",
                                  lb, forbidden[k], o->values[a], forbidden[k],
                                  k == 0 ? "a service address can be up on one node only"
                                         : "a file_system is mounted on one node at a time");
                        return -HAMR_E_BAD_VALUE;
                }
        }
        return 0;
}

/* The resource group named name (read directly: the rules sit below
 * conf_db, which calls them). */
static const conf_object_t *find_rg(const conf_db_t *db, const char *name)
{
        for (size_t i = 0; i < db->nobjs; i++)
                if (db->objs[i].cls == CONF_CLASS_RESOURCE_GROUP &&
                    strcmp(db->objs[i].name, name) == 0)
                        return &db->objs[i];
        return NULL;
}

int conf_concurrent_check_deps(const conf_db_t *db, const char *name, char *err, size_t errlen)
{
        const conf_class_def_t *cd = conf_class_def(CONF_CLASS_DEPENDENCY);
        char tok[CONF_MAX_TOKEN], lb[CONF_MAX_NAME + 64];

        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *d = &db->objs[i];

                if (d->cls != CONF_CLASS_DEPENDENCY || (name && strcmp(d->name, name) != 0))
                        continue;
                for (size_t a = 0; a < cd->nattrs; a++) {
                        if (cd->attrs[a].ref_class != CONF_CLASS_RESOURCE_GROUP ||
                            (cd->attrs[a].type != CONF_T_REF &&
                             cd->attrs[a].type != CONF_T_REF_LIST))
                                continue;
                        for (const char *q = d->values[a];
                             q && (q = conf_next_token(q, tok, sizeof(tok)));) {
                                const conf_object_t *g = find_rg(db, tok);

                                if (!g || !is_oaan(g))
                                        continue;
                                conf_label(lb, sizeof(lb), d->cls, d->name);
                                conf_errf(err, errlen,
                                          "%s: %s=\"%s\" names resource_group \"%s\", a "
                                          "concurrent group (STARTUP=OAAN); allowed: "
                                          "dependencies between non-concurrent groups only",
                                          lb, cd->attrs[a].name, d->values[a], tok);
                                return -HAMR_E_BAD_VALUE;
                        }
                }
        }
        return 0;
}
