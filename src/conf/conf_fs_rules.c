/* conf_fs_rules: the file_system class's rules beyond its schema entry:
 * the DEVICE and MOUNT_OPTIONS forms (conf_fs_check_object) and the
 * relations between objects (a filesystem in one group only; no two
 * file_system objects on one device or mount point: conf_fs_check_owner).
 * Reads objects directly (it calls nothing in conf_db.c, which calls it). */
#include <string.h>

#include "common/hamr_error.h"
#include "conf/conf_internal.h"

#define LABEL_LEN (CONF_MAX_NAME + 64)

static const char *value_of(const conf_object_t *o, const char *attr)
{
        int a = conf_attr_index(o->cls, attr);

        return a >= 0 ? o->values[a] : NULL;
}

static bool device_valid(const char *d)
{
        if (!d || !*d)
                return false;
        for (const char *c = d; *c; c++)
                if (*c == ' ' || *c == '\t' || *c == '"' || *c == '\'' || *c == ';' || *c == '\\')
                        return false;
        if (d[0] == '/')
                return conf_path_valid(d) && strlen(d) > 1;
        if (strncasecmp(d, "LABEL=", 6) == 0)
                return d[6] != '\0' && strlen(d + 6) <= 255;
        if (strncasecmp(d, "UUID=", 5) == 0)
                return d[5] != '\0' && strlen(d + 5) <= 64;
        return false;
}

static bool options_valid(const char *o)
{
        if (strlen(o) >= 1024)
                return false;
        for (const char *c = o; *c; c++)
                if (*c == ' ' || *c == '\t' || *c == '"' || *c == '\'' || *c == ';' || *c == '\\' ||
                    (*c == ',' && (c == o || c[1] == ',' || c[1] == '\0')))
                        return false;
        return true;
}

int conf_fs_check_object(const conf_object_t *obj, const char *lb, char *err, size_t errlen)
{
        const char *d = value_of(obj, "DEVICE"), *m = value_of(obj, "MOUNT_POINT");
        const char *o = value_of(obj, "MOUNT_OPTIONS");

        if (d && !device_valid(d)) {
                conf_errf(err, errlen,
                          "%s: DEVICE=\"%s\" is not allowed; allowed: an absolute block device "
                          "path (/dev/sdb1), LABEL=<label> or UUID=<uuid>, without blanks or "
                          "quotes",
                          lb, d);
                return -HAMR_E_BAD_VALUE;
        }
        if (m && strcmp(m, "/") == 0) {
                conf_errf(err, errlen,
                          "%s: MOUNT_POINT=\"%s\" is not allowed; allowed: an absolute directory "
                          "other than /",
                          lb, m);
                return -HAMR_E_BAD_VALUE;
        }
        if (o && !options_valid(o)) {
                conf_errf(err, errlen,
                          "%s: MOUNT_OPTIONS=\"%s\" is not allowed; allowed: options separated by "
                          "single commas, without blanks or quotes (noatime,nodev)",
                          lb, o);
                return -HAMR_E_BAD_VALUE;
        }
        return 0;
}

static bool in_list(const char *list, const char *name)
{
        char tok[CONF_MAX_TOKEN];

        for (const char *q = list; q && (q = conf_next_token(q, tok, sizeof(tok)));)
                if (strcmp(tok, name) == 0)
                        return true;
        return false;
}

/* Device paths and labels compare as written; LABEL=/UUID= case-insensitively
 * in the keyword only. */
static bool same_device(const char *a, const char *b)
{
        size_t ka = strchr(a, '=') && a[0] != '/' ? (size_t)(strchr(a, '=') - a) : 0;
        size_t kb = strchr(b, '=') && b[0] != '/' ? (size_t)(strchr(b, '=') - b) : 0;

        if (ka != kb || strncasecmp(a, b, ka) != 0)
                return false;
        return strcmp(a + ka, b + kb) == 0;
}

int conf_fs_check_owner(const conf_db_t *db, const conf_object_t *obj, char *err, size_t errlen)
{
        char lb[LABEL_LEN], tok[CONF_MAX_TOKEN];

        conf_label(lb, sizeof(lb), obj->cls, obj->name);
        if (obj->cls == CONF_CLASS_RESOURCE_GROUP) {
                const char *fss = value_of(obj, "FILESYSTEM");

                for (const char *q = fss; q && (q = conf_next_token(q, tok, sizeof(tok)));) {
                        for (size_t i = 0; i < db->nobjs; i++) {
                                const conf_object_t *o = &db->objs[i];

                                if (o->cls != CONF_CLASS_RESOURCE_GROUP ||
                                    strcmp(o->name, obj->name) == 0 ||
                                    !in_list(value_of(o, "FILESYSTEM"), tok))
                                        continue;
                                conf_errf(err, errlen,
                                          "%s: FILESYSTEM=\"%s\" is not allowed: file_system "
                                          "\"%s\" already belongs to resource_group \"%s\"; "
                                          "allowed: at most one resource group per file_system",
                                          lb, fss, tok, o->name);
                                return -HAMR_E_BAD_VALUE;
                        }
                }
                return 0;
        }
        if (obj->cls != CONF_CLASS_FILE_SYSTEM)
                return 0;
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];
                const char *d = value_of(obj, "DEVICE"), *m = value_of(obj, "MOUNT_POINT");

                if (o->cls != CONF_CLASS_FILE_SYSTEM || strcmp(o->name, obj->name) == 0)
                        continue;
                if (d && value_of(o, "DEVICE") && same_device(d, value_of(o, "DEVICE"))) {
                        conf_errf(err, errlen,
                                  "%s: DEVICE=\"%s\" is not allowed: file_system \"%s\" is on it; "
                                  "allowed: a device used by one file_system only",
                                  lb, d, o->name);
                        return -HAMR_E_BAD_VALUE;
                }
                if (m && value_of(o, "MOUNT_POINT") && strcmp(m, value_of(o, "MOUNT_POINT")) == 0) {
                        conf_errf(err, errlen,
                                  "%s: MOUNT_POINT=\"%s\" is not allowed: file_system \"%s\" is "
                                  "mounted there; allowed: a mount point used by one file_system "
                                  "only",
                                  lb, m, o->name);
                        return -HAMR_E_BAD_VALUE;
                }
        }
        return 0;
}
