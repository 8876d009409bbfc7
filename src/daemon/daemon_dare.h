/* daemon_dare: what a sync does to running groups (live changes, PowerHA's
 * DARE), decided on the configuration worker from the applied and the new
 * generation and from what the loop saw of the groups when the sync was
 * typed: the refusals (what cannot change live) and the plan (clmgr sync
 * cluster PREVIEW=yes prints it and commits nothing; a sync logs it).
 * Pure: no I/O. */
#pragma once
#include <jansson.h>
#include <stddef.h>

#include "conf/conf.h"

/* A group not offline somewhere when the sync was typed. */
typedef struct hamrd_live_rg {
        char *name, *state;
        char *owner; /* node where it is held or busy ("" if none) */
} hamrd_live_rg_t;

/* The nodes whose cluster services run (names, space separated) are
 * `active`. 0, or -HAMR_E_BUSY with err naming the object and why:
 * a group not offline is deleted, a node that holds a group or whose
 * cluster services run is removed from the cluster. */
int hamrd_dare_check(const hamr_config_t *cur, const hamr_config_t *next,
                     const hamrd_live_rg_t *live, size_t nlive, const char *active, char *err,
                     size_t errlen);
/* The plan: one line per action on a running group ("web_rg on n1:
 * acquire service_ip websvc2 (198.18.0.51/24)", "db_rg: move n2 -> n3 (n2
 * removed from NODES)", "web_rg: STARTUP, FALLOVER or FALLBACK changed
 * (takes effect at the next decision)", "web_rg: renamed to www_rg (ID 3
 * kept)"), a JSON array of strings (new reference); empty when the sync
 * changes nothing that runs. */
json_t *hamrd_dare_plan(const hamr_config_t *cur, const hamr_config_t *next,
                        const hamrd_live_rg_t *live, size_t nlive, const char *active);

/* The nodes that run a live change of a resource (acquire or release) in
 * this sync: owners of a group whose resources change and that stay in its
 * NODES (names, JSON array, new reference). */
json_t *hamrd_dare_owners(const hamr_config_t *cur, const hamr_config_t *next,
                          const hamrd_live_rg_t *live, size_t nlive);
