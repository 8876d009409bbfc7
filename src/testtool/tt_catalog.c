/* tt_catalog: the test catalogue table (data) and its lookups. */
#include "testtool/tt_catalog.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define NO_SITES "hamr has no sites"
#define NO_NONIP                                                                                   \
        "hamr has no non-IP networks (the repository disk is its path that does not use IP, "      \
        "always in use)"

static const tt_test_def_t defs[TT_KIND_COUNT] = {
    [TT_NODE_UP] = {"NODE_UP", 1, "node | ALL", NULL},
    [TT_NODE_DOWN_GRACEFUL] = {"NODE_DOWN_GRACEFUL", 1, "node | ALL", NULL},
    [TT_NODE_DOWN_TAKEOVER] = {"NODE_DOWN_TAKEOVER", 1, "node", NULL},
    [TT_NODE_DOWN_FORCED] = {"NODE_DOWN_FORCED", 1, "node", NULL},
    [TT_CLSTRMGR_KILL] = {"CLSTRMGR_KILL", 1, "node", NULL},
    [TT_NETWORK_UP_GLOBAL] = {"NETWORK_UP_GLOBAL", 1, "network", NULL},
    [TT_NETWORK_DOWN_GLOBAL] = {"NETWORK_DOWN_GLOBAL", 1, "network", NULL},
    [TT_NETWORK_UP_LOCAL] = {"NETWORK_UP_LOCAL", 2, "node, network", NULL},
    [TT_NETWORK_DOWN_LOCAL] = {"NETWORK_DOWN_LOCAL", 2, "node, network", NULL},
    [TT_NETWORK_UP_NONIP] = {"NETWORK_UP_NONIP", 2, "node, network", NO_NONIP},
    [TT_NETWORK_DOWN_NONIP] = {"NETWORK_DOWN_NONIP", 2, "node, network", NO_NONIP},
    [TT_JOIN_LABEL] = {"JOIN_LABEL", 1, "iplabel", NULL},
    [TT_FAIL_LABEL] = {"FAIL_LABEL", 1, "iplabel", NULL},
    [TT_RG_ONLINE] = {"RG_ONLINE", 2, "rg, node | ALL | ANY | RESTORE", NULL},
    [TT_RG_OFFLINE] = {"RG_OFFLINE", 2, "rg, node | ALL | ANY", NULL},
    [TT_RG_MOVE] = {"RG_MOVE", 2, "rg, node | ANY | RESTORE", NULL},
    [TT_RG_MOVE_SITE] = {"RG_MOVE_SITE", 2, "rg, site | OTHER", NO_SITES},
    [TT_SERVER_DOWN] = {"SERVER_DOWN", 3, "node | ANY, appserv, command", NULL},
    [TT_VG_DOWN] = {"VG_DOWN", 2, "vg, node | ALL | ANY",
                    "hamr has no volume groups (a file_system's DEVICE is a block device "
                    "mounted directly, without LVM)"},
    [TT_WAIT] = {"WAIT", 1, "seconds", NULL},
    [TT_SITE_UP] = {"SITE_UP", 1, "site", NO_SITES},
    [TT_SITE_DOWN_GRACEFUL] = {"SITE_DOWN_GRACEFUL", 1, "site", NO_SITES},
    [TT_SITE_DOWN_TAKEOVER] = {"SITE_DOWN_TAKEOVER", 1, "site", NO_SITES},
    [TT_SITE_ISOLATION] = {"SITE_ISOLATION", 1, "network", NO_SITES},
    [TT_SITE_MERGE] = {"SITE_MERGE", 1, "network", NO_SITES},
};

const tt_test_def_t *tt_catalog_def(tt_kind_t kind)
{
        if ((unsigned)kind >= TT_KIND_COUNT)
                return NULL;
        return &defs[kind];
}

int tt_catalog_lookup(const char *name)
{
        for (int k = 0; k < TT_KIND_COUNT; k++)
                if (strcasecmp(defs[k].name, name) == 0)
                        return k;
        return -1;
}

void tt_catalog_names(char *buf, size_t len)
{
        size_t off = 0;

        if (len == 0)
                return;
        buf[0] = '\0';
        for (int k = 0; k < TT_KIND_COUNT && off < len; k++) {
                int n = snprintf(buf + off, len - off, "%s%s", k ? ", " : "", defs[k].name);
                if (n < 0)
                        break;
                off += (size_t)n;
        }
}
