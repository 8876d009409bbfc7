/* api_ops: the control protocol's operation table (rows from api_ops.def),
 * its lookup and the checks its flags imply. */
#include "api/api_ops.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hamr_error.h"
#include "conf/conf.h"

static const api_op_def_t ops[] = {
#define API_OP(id, op_name, op_flags, op_help)                                                     \
        [API_OP_##id] = {.name = op_name, .flags = op_flags, .help = op_help},
#include "api/api_ops.def"
#undef API_OP
};
static_assert(sizeof(ops) / sizeof(ops[0]) == API_OP_COUNT, "ops[] must cover api_op_t");

const api_op_def_t *api_op_def(api_op_t op)
{
        if ((unsigned)op >= API_OP_COUNT)
                return NULL;
        return &ops[op];
}

const char *api_op_name(api_op_t op)
{
        const api_op_def_t *def = api_op_def(op);

        if (!def)
                abort();
        return def->name;
}

static void list_ops(char *buf, size_t len)
{
        size_t used = 0;

        buf[0] = '\0';
        for (int i = 0; i < API_OP_COUNT && used + 1 < len; i++) {
                snprintf(buf + used, len - used, "%s%s", i ? ", " : "", ops[i].name);
                used = strlen(buf);
        }
}

int api_op_lookup(const char *name, api_op_t *ret_op, char *err, size_t errlen)
{
        char known[512];

        for (int i = 0; name && i < API_OP_COUNT; i++)
                if (strcmp(ops[i].name, name) == 0) {
                        *ret_op = (api_op_t)i;
                        return 0;
                }
        list_ops(known, sizeof(known));
        if (!name)
                snprintf(err, errlen, "request has no \"op\"; known: %s", known);
        else
                snprintf(err, errlen, "unknown operation \"%s\"; known: %s", name, known);
        return -HAMR_E_BAD_VALUE;
}

int api_op_check(api_op_t op, json_t *req, const api_op_facts_t *facts, char *err, size_t errlen)
{
        const api_op_def_t *def = api_op_def(op);
        char classes[512];
        conf_class_t cls;

        if (!def) {
                snprintf(err, errlen, "operation %d is not in the table", (int)op);
                return -HAMR_E_BAD_VALUE;
        }
        if (def->flags & API_OP_F_NEEDS_CLASS) {
                json_t *c = json_object_get(req, "class");

                conf_class_names(classes, sizeof(classes));
                if (!json_is_string(c)) {
                        snprintf(err, errlen, "%s: \"class\" is required; known: %s", def->name,
                                 classes);
                        return -HAMR_E_MISSING;
                }
                if (conf_class_lookup(json_string_value(c), &cls) < 0) {
                        snprintf(err, errlen, "%s: class \"%s\" is unknown; known: %s", def->name,
                                 json_string_value(c), classes);
                        return -HAMR_E_BAD_CLASS;
                }
        }
        if ((def->flags & API_OP_F_COORD_ONLY) && (!facts->configured || !facts->member)) {
                snprintf(err, errlen,
                         "%s: cluster is not configured on this node (clmgr add cluster ..., then "
                         "clmgr sync cluster)",
                         def->name);
                return -HAMR_E_NOT_CONFIGURED;
        }
        if ((def->flags & API_OP_F_NEEDS_QUORUM) && facts->coordinator && !facts->quorate) {
                snprintf(err, errlen, "%s: no quorum: this view cannot change cluster state",
                         def->name);
                return -HAMR_E_NO_QUORUM;
        }
        return 0;
}
