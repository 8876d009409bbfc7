/* conf_internal: helpers shared by the conf_*.c files; not part of the public API. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "conf/conf.h"

#define CONF_MAX_PATH 4095 /* longest PATH value; compiled buffers are 4096 */
/* An absolute path without blanks, quotes or ';' of at most CONF_MAX_PATH. */
bool conf_path_valid(const char *s);
#define CONF_MAX_TOKEN 128 /* longest list item ("name" or "name=ipv4") */

/* Formats into err (if err and errlen are non-zero); always NUL-terminates. */
void conf_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes "class \"name\"" (or just "class" when name is NULL) into buf. */
void conf_label(char *buf, size_t len, conf_class_t cls, const char *name);

/* True if name follows the object naming rule (1-64 of [A-Za-z0-9_], not
 * starting with a digit). */
bool conf_name_valid(const char *name);
extern const char conf_name_rule[]; /* the rule in words, for messages */

/* Like conf_value_check, but the message names the object (objname may be NULL). */
int conf_value_check_obj(conf_class_t cls, const char *objname, int attr, const char *value,
                         char **ret_canon, char *err, size_t errlen);

/* Like conf_attr_lookup, with a message naming the object, the attribute and
 * the known attributes (or the ambiguous matches). */
int conf_attr_lookup_err(conf_class_t cls, const char *objname, const char *s, char *err,
                         size_t errlen);

/* Splits list values: skips separators (space, tab, comma), copies the next
 * item into tok. Returns the position after it, or NULL at the end of the
 * list. An item longer than toklen-1 is truncated (callers validate length
 * first; canonical values never have such items). */
const char *conf_next_token(const char *p, char *tok, size_t toklen);

/* Number of items of a list value. */
size_t conf_count_tokens(const char *p);

/* Builds the values array for one object from kv (attr names checked, values
 * checked and canonicalised, "" unsets; READONLY attributes accepted only if
 * allow_readonly; RUNTIME never). values must hold nattrs entries, already
 * initialised (NULL or owned strings); on error it may be partly updated and
 * the caller frees it. */
int conf_values_apply(conf_class_t cls, const char *objname, char **values, const conf_kv_t *kv,
                      size_t nkv, bool allow_readonly, bool is_add, char *err, size_t errlen);

/* Inserts a new object (name checked, duplicates and singleton refused,
 * required attributes checked, node ids unique, class limits) without
 * checking references or assigning ids. Takes ownership of values on success
 * only. */
int conf_db_insert(conf_db_t *db, conf_class_t cls, const char *name, char **values, char *err,
                   size_t errlen);

/* Gives every node without ID the lowest unused id and the cluster a random
 * nonzero ID if it has none. */
void conf_db_assign_ids(conf_db_t *db);

/* Checks that every reference of obj names an existing object in db. */
int conf_object_check_refs(const conf_db_t *db, const conf_object_t *obj, char *err, size_t errlen);

/* Frees the values of one object (not the object itself). */
void conf_values_free(conf_class_t cls, char **values);

/* Relations inside one object, checked at add and modify (nothing
 * inconsistent is staged) and at verify (conf_rules.c): a group's
 * FALLBACK_AT only with FALLBACK=FBHPN; a fallback timer's fields are
 * those its REPEATS uses, and name a date that exists. */
int conf_object_check_rules(const conf_object_t *obj, char *err, size_t errlen);

/* fallback_timer add without REPEATS: the recurrence the fields given
 * imply (YEAR: once, MONTH: yearly, DAY_OF_MONTH: monthly, DAY_OF_WEEK:
 * weekly, none: daily), as PowerHA's clmgr add fallback_timer infers it.
 * values as in conf_values_apply; sets REPEATS if unset. */
void conf_timer_infer_repeats(char **values);

/* dependency (conf_deps.c). Add without TYPE: PARENT given implies
 * PARENT_CHILD (as PowerHA's clmgr add dependency). values as in
 * conf_values_apply; sets TYPE if unset. */
void conf_dep_infer_type(char **values);
/* The name of a dependency added without one: "depN", lowest N free. */
void conf_dep_default_name(const conf_db_t *db, char *buf, size_t len);
/* Whether query output shows attribute attr of dependency o: TYPE, the
 * attributes its TYPE uses, and any other that is set. */
bool conf_dep_attr_shown(const conf_object_t *o, const char *attr);
/* One dependency object (lb: its label): the attributes its TYPE needs,
 * CHILD without the parent. */
int conf_dep_check_object(const conf_object_t *obj, const char *lb, char *err, size_t errlen);
/* Every dependency of db together: parent/child chains without cycles, at
 * most CONF_MAX_DEP_LEVELS groups deep. The message names dependency
 * `name` (the one being added or modified) or, if NULL, one holding the
 * offending chain. */
int conf_deps_check(const conf_db_t *db, const char *name, char *err, size_t errlen);
/* The compiled dependencies (cfg->deps, cfg->ndeps), group references as
 * indexes into the groups in insertion order (-1: none). */
void conf_deps_build(const conf_db_t *db, hamr_config_t *cfg);
/* conf_serial.c: the cluster's SERIAL_ACQUISITION_ORDER and
 * SERIAL_RELEASE_ORDER into conf_rg_t.serial_acquire/serial_release
 * (after the groups are built). */
void conf_serial_build(const conf_db_t *db, hamr_config_t *cfg);

/* file_system (conf_fs.c). One object (lb: its label): DEVICE is an
 * absolute path, LABEL=.. or UUID=..; MOUNT_POINT is not /; MOUNT_OPTIONS
 * are comma separated without blanks. */
int conf_fs_check_object(const conf_object_t *obj, const char *lb, char *err, size_t errlen);
/* obj (being added or modified, or in db at verify) against the other
 * objects of db: a group's FILESYSTEM names no file_system of another
 * group; a file_system shares its DEVICE and MOUNT_POINT with no other. */
int conf_fs_check_owner(const conf_db_t *db, const conf_object_t *obj, char *err, size_t errlen);
/* The compiled filesystems (cfg->filesystems) and, for each group of
 * cfg->rgs (built already, insertion order), its FILESYSTEM indexes,
 * FSCHECK_TOOL and RECOVERY_METHOD. */
void conf_fs_build(const conf_db_t *db, hamr_config_t *cfg);
/* conf_rto.c: the groups' RTO (cfg->rgs filled, in database order). */
void conf_rto_build(const conf_db_t *db, hamr_config_t *cfg);
/* conf_events.c: an event object's rules (custom: FILE; a predefined
 * event: PREEVENT, POSTEVENT, NOTIFYMETHOD), whether modify creates one
 * (a customisable event not yet customised), and the compiled hooks. */
int conf_event_check_object(const conf_object_t *obj, const char *lb, char *err, size_t errlen);
bool conf_event_implicit(conf_class_t cls, const char *name);
void conf_events_build(const conf_db_t *db, hamr_config_t *cfg);
/* conf_ocf.c: an application controller's TYPE and what it needs
 * (script: STARTSCRIPT and STOPSCRIPT; ocf: AGENT, PARAMETERS well formed,
 * no scripts). */
int conf_appctl_check_object(const conf_object_t *obj, const char *lb, char *err, size_t errlen);
/* conf_concurrent.c: a concurrent group (STARTUP=OAAN) only with
 * FALLOVER=BO and FALLBACK=NFB, without SERVICE_LABEL or FILESYSTEM
 * (obj: any object; only resource groups are checked); and no dependency
 * (`name`, or every one if NULL) names an OAAN group. */
int conf_concurrent_check_object(const conf_object_t *obj, const char *lb, char *err,
                                 size_t errlen);
int conf_concurrent_check_deps(const conf_db_t *db, const char *name, char *err, size_t errlen);
