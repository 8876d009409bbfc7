/* cli_schema: clmgr's view of the configuration schema (src/conf), its one
 * source for class names and aliases, attribute names, allowed values,
 * defaults and help; plus the runbook words of `clmgr modify failover|fallback
 * -m WORD`, each bound to a schema enum value. Pure. */
#pragma once
#include <stdbool.h>
#include <stdio.h>

#include "conf/conf.h"

/* A set of schema classes: bit (1u << conf_class_t). */
#define CLI_CLASS_BIT(c) (1u << (c))
#define CLI_CLASSES_ALL  ((1u << CONF_CLASS_COUNT) - 1)
/* Classes with runtime actions (online, offline; move: resource_group only). */
#define CLI_CLASSES_RUNTIME                                                                        \
        (CLI_CLASS_BIT(CONF_CLASS_CLUSTER) | CLI_CLASS_BIT(CONF_CLASS_NODE) |                      \
         CLI_CLASS_BIT(CONF_CLASS_RESOURCE_GROUP))

/* Case-insensitive exact class name or alias, else unambiguous prefix of a
 * name or alias, among the classes of mask. Returns 0 and *ret_cls, -ENOENT
 * (no match) or -EAGAIN (ambiguous). */
int cli_class_lookup(const char *s, unsigned mask, conf_class_t *ret_cls);
/* "cluster, node, resource_group (rg)": the classes of mask with their
 * aliases. Always NUL-terminates buf. */
void cli_class_list(unsigned mask, char *buf, size_t len);

/* A runbook word for an enum attribute of resource_group. */
struct cli_policy_word {
        const char *attr; /* "FALLOVER" or "FALLBACK" */
        int value;        /* the schema enum value (rg_fallover_t, rg_fallback_t) */
        const char *word; /* "next" */
};
/* The word table (static storage), *ret_n entries. */
const struct cli_policy_word *cli_policy_words(size_t *ret_n);
/* The schema text (e.g. "FNPN") for -m m of attr: a runbook word or the
 * schema value itself, case-insensitive. NULL if the schema does not allow it. */
const char *cli_policy_code(const char *attr, const char *m);
/* What -m accepts for attr, from the schema and the words:
 * "never (NFB), higher or home (FBHPN)". Always NUL-terminates buf. */
void cli_policy_allowed(const char *attr, char *buf, size_t len);

/* Prints the attributes of cls, one block each: name, "required",
 * default, allowed values and help, wrapped. settable_only leaves out the
 * attributes clmgr cannot set (read-only and runtime ones). */
void cli_print_attrs(FILE *f, conf_class_t cls, bool settable_only);
