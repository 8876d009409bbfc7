/* conf_diff: a unified-style difference between two configurations
 * (objects and attributes added, removed or changed), as clmgr compare
 * snapshot shows it. Pure. */
#pragma once
#include <stddef.h>

#include "conf/conf.h"

/* The difference from a to b (both borrowed) as malloc'd text, one line
 * each: "--- " label_a, "+++ " label_b, then per object that differs
 * "-[class name]" (only in a), "+[class name]" (only in b) or " [class name]"
 * (in both) followed by its attributes: "-  KEY = old", "+  KEY = new".
 * Objects in a's order, then those only in b; attributes in schema order;
 * values as set (an unset attribute shows as its default, "(default)" if
 * none). *ret_changes (out, may be NULL) counts the objects that differ;
 * the text holds only the two label lines when they are the same. */
char *conf_diff(const conf_db_t *a, const conf_db_t *b, const char *label_a, const char *label_b,
                size_t *ret_changes);
