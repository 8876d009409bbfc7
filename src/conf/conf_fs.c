/* conf_fs: the compiled filesystems and the groups' FILESYSTEM lists
 * (conf_fs_build, called by conf_compile); the rules are in conf_fs_rules.c. */
#include <string.h>

#include "common/hamr_alloc.h"
#include "conf/conf_internal.h"

static int index_of(const conf_db_t *db, conf_class_t cls, const char *name)
{
        int k = 0;

        for (size_t i = 0; i < db->nobjs; i++) {
                if (db->objs[i].cls != cls)
                        continue;
                if (strcmp(db->objs[i].name, name) == 0)
                        return k;
                k++;
        }
        return -1;
}

void conf_fs_build(const conf_db_t *db, hamr_config_t *cfg)
{
        char tok[CONF_MAX_TOKEN];
        size_t n = 0;
        unsigned g = 0;

        for (size_t i = 0; i < db->nobjs; i++)
                n += db->objs[i].cls == CONF_CLASS_FILE_SYSTEM;
        cfg->filesystems = zcalloc(n ? n : 1, sizeof(conf_filesystem_t));
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];
                conf_filesystem_t *f;
                const char *v;

                if (o->cls != CONF_CLASS_FILE_SYSTEM)
                        continue;
                f = &cfg->filesystems[cfg->nfilesystems++];
                snprintf(f->name, sizeof(f->name), "%s", o->name);
                v = conf_object_get(o, "DEVICE");
                snprintf(f->device, sizeof(f->device), "%s", v ? v : "");
                v = conf_object_get(o, "MOUNT_POINT");
                snprintf(f->mount_point, sizeof(f->mount_point), "%s", v ? v : "");
                v = conf_object_get(o, "FS_TYPE");
                f->fs_type =
                    (conf_fs_type_t)(v ? conf_enum_value(
                                             CONF_CLASS_FILE_SYSTEM,
                                             conf_attr_index(CONF_CLASS_FILE_SYSTEM, "FS_TYPE"), v)
                                       : 0);
                if ((int)f->fs_type < 0)
                        f->fs_type = CONF_FS_EXT4;
                v = conf_object_get(o, "MOUNT_OPTIONS");
                snprintf(f->options, sizeof(f->options), "%s", v ? v : "");
        }
        for (size_t i = 0; i < db->nobjs && g < cfg->nrgs; i++) {
                const conf_object_t *o = &db->objs[i];
                conf_rg_t *r;
                const char *v;
                int e;

                if (o->cls != CONF_CLASS_RESOURCE_GROUP)
                        continue;
                r = &cfg->rgs[g++];
                r->nfss = 0;
                for (const char *q = conf_object_get(o, "FILESYSTEM");
                     q && (q = conf_next_token(q, tok, sizeof(tok)));) {
                        int k = index_of(db, CONF_CLASS_FILE_SYSTEM, tok);

                        if (k >= 0 && r->nfss < CONF_MAX_RG_RES)
                                r->fss[r->nfss++] = k;
                }
                v = conf_object_get(o, "FSCHECK_TOOL");
                e = v ? conf_enum_value(CONF_CLASS_RESOURCE_GROUP,
                                        conf_attr_index(CONF_CLASS_RESOURCE_GROUP, "FSCHECK_TOOL"),
                                        v)
                      : 0;
                r->fsck_tool = e > 0 ? (conf_fsck_tool_t)e : CONF_FSCK_FSCK;
                v = conf_object_get(o, "RECOVERY_METHOD");
                e = v ? conf_enum_value(
                            CONF_CLASS_RESOURCE_GROUP,
                            conf_attr_index(CONF_CLASS_RESOURCE_GROUP, "RECOVERY_METHOD"), v)
                      : 0;
                r->recovery_method = e > 0 ? (conf_recovery_t)e : CONF_RECOVERY_SEQUENTIAL;
        }
}
