/* tt_catalog: the Cluster Test Tool's test catalogue (PowerHA's names):
 * each test's parameters, and whether it applies to hamr (and why not). */
#pragma once
#include <stddef.h>

typedef enum {
        TT_NODE_UP,
        TT_NODE_DOWN_GRACEFUL,
        TT_NODE_DOWN_TAKEOVER,
        TT_NODE_DOWN_FORCED,
        TT_CLSTRMGR_KILL,
        TT_NETWORK_UP_GLOBAL,
        TT_NETWORK_DOWN_GLOBAL,
        TT_NETWORK_UP_LOCAL,
        TT_NETWORK_DOWN_LOCAL,
        TT_NETWORK_UP_NONIP,
        TT_NETWORK_DOWN_NONIP,
        TT_JOIN_LABEL,
        TT_FAIL_LABEL,
        TT_RG_ONLINE,
        TT_RG_OFFLINE,
        TT_RG_MOVE,
        TT_RG_MOVE_SITE,
        TT_SERVER_DOWN,
        TT_VG_DOWN,
        TT_WAIT,
        /* older releases' site tests: accepted so that their plans parse */
        TT_SITE_UP,
        TT_SITE_DOWN_GRACEFUL,
        TT_SITE_DOWN_TAKEOVER,
        TT_SITE_ISOLATION,
        TT_SITE_MERGE,
        TT_KIND_COUNT
} tt_kind_t;

#define TT_MAX_PARAMS 3

typedef struct {
        const char *name;   /* PowerHA's name, upper case */
        int nparams;        /* parameters before the comment */
        const char *syntax; /* "rg, node | ANY | RESTORE" (the parameters) */
        /* NULL: hamr runs it; else why it does not apply ("not applicable: ...") */
        const char *not_applicable;
} tt_test_def_t;

/* The definition of kind (in); NULL for an out-of-range kind. Static storage. */
const tt_test_def_t *tt_catalog_def(tt_kind_t kind);

/* The kind named name (in, case-insensitive), or -1. */
int tt_catalog_lookup(const char *name);

/* Every test name, comma-separated, into buf (out, len bytes): for errors. */
void tt_catalog_names(char *buf, size_t len);
