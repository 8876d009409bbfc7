/* conf_rules: relations inside one object, checked when it is added or
 * modified and again at verify: a group's FALLBACK_AT only with
 * FALLBACK=FBHPN, its NODE_PRIORITY_POLICY (and _SCRIPT) only with
 * FALLOVER=FUDNP (and the udscript policies), a fallback timer's fields are those of its REPEATS
 * and name a date that exists; and the recurrence clmgr add infers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/hamr_alloc.h"
#include "common/hamr_error.h"
#include "conf/conf_internal.h"

#define LABEL_LEN (CONF_MAX_NAME + 64)

static const char *value_of(const conf_object_t *o, const char *attr)
{
        int a = conf_attr_index(o->cls, attr);

        return a >= 0 ? o->values[a] : NULL;
}

/* The value, or the schema's default when unset. */
static const char *value_or_default(const conf_object_t *o, const char *attr)
{
        int a = conf_attr_index(o->cls, attr);

        if (a < 0)
                return NULL;
        return o->values[a] ? o->values[a] : conf_class_def(o->cls)->attrs[a].def;
}

/* The date fields, in order, and which REPEATS values use each. */
static const struct {
        const char *attr;
        unsigned used; /* bit per conf_repeats_t */
} FIELDS[] = {
    {"YEAR", 1u << CONF_REPEATS_ONCE},
    {"MONTH", 1u << CONF_REPEATS_ONCE | 1u << CONF_REPEATS_YEARLY},
    {"DAY_OF_MONTH",
     1u << CONF_REPEATS_ONCE | 1u << CONF_REPEATS_YEARLY | 1u << CONF_REPEATS_MONTHLY},
    {"DAY_OF_WEEK", 1u << CONF_REPEATS_WEEKLY},
};

static const char REPEATS_RULE[] =
    "REPEATS=once with YEAR, MONTH and DAY_OF_MONTH; yearly with MONTH and DAY_OF_MONTH; "
    "monthly with DAY_OF_MONTH; weekly with DAY_OF_WEEK; daily with none of them (HOUR and "
    "MINUTE always)";

static int days_in_month(long year, long month)
{
        static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

        return month == 2 && leap ? 29 : days[(month - 1) % 12];
}

void conf_timer_infer_repeats(char **values)
{
        conf_class_t T = CONF_CLASS_FALLBACK_TIMER;
        int rep = conf_attr_index(T, "REPEATS");
        conf_repeats_t r = CONF_REPEATS_DAILY;

        if (values[rep])
                return;
        if (values[conf_attr_index(T, "YEAR")])
                r = CONF_REPEATS_ONCE;
        else if (values[conf_attr_index(T, "MONTH")])
                r = CONF_REPEATS_YEARLY;
        else if (values[conf_attr_index(T, "DAY_OF_MONTH")])
                r = CONF_REPEATS_MONTHLY;
        else if (values[conf_attr_index(T, "DAY_OF_WEEK")])
                r = CONF_REPEATS_WEEKLY;
        values[rep] = zstrdup(conf_enum_name(T, rep, (int)r));
}

static int check_timer(const conf_object_t *o, const char *lb, char *err, size_t errlen)
{
        const char *rs = value_or_default(o, "REPEATS");
        int r = conf_enum_value(o->cls, conf_attr_index(o->cls, "REPEATS"), rs ? rs : "");
        const char *y = value_of(o, "YEAR"), *m = value_of(o, "MONTH"),
                   *d = value_of(o, "DAY_OF_MONTH");

        if (r < 0)
                return 0; /* reported by the value check */
        for (size_t k = 0; k < sizeof(FIELDS) / sizeof(FIELDS[0]); k++) {
                bool used = FIELDS[k].used & (1u << r), set = value_of(o, FIELDS[k].attr);

                if (used && !set) {
                        conf_errf(err, errlen, "%s: REPEATS=\"%s\" needs %s; allowed: %s", lb, rs,
                                  FIELDS[k].attr, REPEATS_RULE);
                        return -HAMR_E_MISSING;
                }
                if (!used && set) {
                        conf_errf(err, errlen,
                                  "%s: %s=\"%s\" is not used with REPEATS=\"%s\"; allowed: %s "
                                  "(unset it with %s=\"\")",
                                  lb, FIELDS[k].attr, value_of(o, FIELDS[k].attr), rs, REPEATS_RULE,
                                  FIELDS[k].attr);
                        return -HAMR_E_BAD_VALUE;
                }
        }
        if (m && d) {
                long year = y ? strtol(y, NULL, 10) : 2000; /* yearly: any leap year */
                long month = strtol(m, NULL, 10), day = strtol(d, NULL, 10);

                if (month >= 1 && month <= 12 && day > days_in_month(year, month)) {
                        if (y)
                                conf_errf(
                                    err, errlen,
                                    "%s: DAY_OF_MONTH=\"%ld\" does not exist in MONTH=\"%ld\" "
                                    "of YEAR=\"%ld\"; allowed: 1 to %d",
                                    lb, day, month, year, days_in_month(year, month));
                        else
                                conf_errf(
                                    err, errlen,
                                    "%s: DAY_OF_MONTH=\"%ld\" does not exist in MONTH=\"%ld\"; "
                                    "allowed: 1 to %d (29 February: leap years only)",
                                    lb, day, month, days_in_month(year, month));
                        return -HAMR_E_BAD_VALUE;
                }
        }
        return 0;
}

static const char DNP_RULE[] =
    "NODE_PRIORITY_POLICY only with FALLOVER=FUDNP, which requires it; "
    "NODE_PRIORITY_POLICY_SCRIPT only with NODE_PRIORITY_POLICY cl_highest_udscript_rc or "
    "cl_lowest_nonzero_udscript_rc, which require it (unset an attribute with ATTR=\"\")";

/* Dynamic node priority (FUDNP): the policy goes with the fallover, the
 * script with the script policies (PowerHA's rules). */
static int check_dnp(const conf_object_t *o, const char *lb, char *err, size_t errlen)
{
        const char *fo = value_or_default(o, "FALLOVER"),
                   *pol = value_of(o, "NODE_PRIORITY_POLICY");
        const char *script = value_of(o, "NODE_PRIORITY_POLICY_SCRIPT");
        bool fudnp = fo && strcasecmp(fo, "FUDNP") == 0;
        bool scripted = pol && strstr(pol, "udscript") != NULL;

        if (fudnp && !pol) {
                conf_errf(err, errlen,
                          "%s: FALLOVER=\"FUDNP\" needs NODE_PRIORITY_POLICY; allowed: %s", lb,
                          DNP_RULE);
                return -HAMR_E_BAD_VALUE;
        }
        if (!fudnp && pol) {
                conf_errf(err, errlen,
                          "%s: NODE_PRIORITY_POLICY=\"%s\" is not allowed with FALLOVER=\"%s\"; "
                          "allowed: %s",
                          lb, pol, fo ? fo : "", DNP_RULE);
                return -HAMR_E_BAD_VALUE;
        }
        if (scripted && !script) {
                conf_errf(err, errlen,
                          "%s: NODE_PRIORITY_POLICY=\"%s\" needs NODE_PRIORITY_POLICY_SCRIPT; "
                          "allowed: %s",
                          lb, pol, DNP_RULE);
                return -HAMR_E_BAD_VALUE;
        }
        if (!scripted && script) {
                conf_errf(err, errlen,
                          "%s: NODE_PRIORITY_POLICY_SCRIPT=\"%s\" is not allowed with "
                          "NODE_PRIORITY_POLICY=\"%s\"; allowed: %s",
                          lb, script, pol ? pol : "", DNP_RULE);
                return -HAMR_E_BAD_VALUE;
        }
        return 0;
}

int conf_object_check_rules(const conf_object_t *obj, char *err, size_t errlen)
{
        char lb[LABEL_LEN];

        conf_label(lb, sizeof(lb), obj->cls, obj->name);
        if (obj->cls == CONF_CLASS_FALLBACK_TIMER)
                return check_timer(obj, lb, err, errlen);
        if (obj->cls == CONF_CLASS_DEPENDENCY)
                return conf_dep_check_object(obj, lb, err, errlen);
        if (obj->cls == CONF_CLASS_FILE_SYSTEM)
                return conf_fs_check_object(obj, lb, err, errlen);
        if (obj->cls == CONF_CLASS_EVENT)
                return conf_event_check_object(obj, lb, err, errlen);
        if (obj->cls == CONF_CLASS_APPLICATION_CONTROLLER)
                return conf_appctl_check_object(obj, lb, err, errlen);
        if (obj->cls == CONF_CLASS_RESOURCE_GROUP &&
            (conf_concurrent_check_object(obj, lb, err, errlen) < 0 ||
             check_dnp(obj, lb, err, errlen) < 0))
                return -HAMR_E_BAD_VALUE;
        if (obj->cls == CONF_CLASS_RESOURCE_GROUP && value_of(obj, "FALLBACK_AT")) {
                const char *fb = value_or_default(obj, "FALLBACK");

                if (fb && strcasecmp(fb, "FBHPN") != 0) {
                        conf_errf(err, errlen,
                                  "%s: FALLBACK_AT=\"%s\" is not allowed with FALLBACK=\"%s\"; "
                                  "allowed: a delayed fallback timer only with FALLBACK=FBHPN "
                                  "(unset it with FALLBACK_AT=\"\")",
                                  lb, value_of(obj, "FALLBACK_AT"), fb);
                        return -HAMR_E_BAD_VALUE;
                }
        }
        return 0;
}
