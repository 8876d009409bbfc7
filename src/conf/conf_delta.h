/* conf_delta: a live change (PowerHA's DARE) resource group by resource
 * group: which resources the owner of a group releases and acquires when
 * the configuration goes from one generation to the next, and what else
 * changed for the group (name, NODES, policies). Resources are described by
 * value (conf_res_t), so a list taken from one generation outlives it: the
 * executor keeps the list of what it holds (src/exec/exec_dare.c) and the
 * sync's preview compares two generations (src/daemon/daemon_dare.c).
 * Pure. */
#pragma once
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"

/* A group's resource kinds in acquisition order (release: the reverse). */
typedef enum {
        CONF_RES_FS = 0, /* file_system (FILESYSTEM) */
        CONF_RES_SIP,    /* service_ip (SERVICE_LABEL) */
        CONF_RES_APP,    /* application_controller (APPLICATIONS) */
        CONF_RES_KIND_COUNT
} conf_res_kind_t;

/* The class name of a kind ("service_ip"). */
const char *conf_res_kind_name(conf_res_kind_t k);

/* One resource of a group, by value. Strings are owned (conf_res_clear). */
typedef struct conf_res {
        uint8_t kind; /* conf_res_kind_t */
        char name[CONF_MAX_NAME + 1];
        /* service_ip: address, prefix, network and the node's own address
         * on it (the interface the address goes on) */
        struct in_addr addr, local;
        unsigned prefix;
        char network[CONF_MAX_NAME + 1];
        /* file_system */
        char *device, *mount_point, *options;
        uint8_t fs_type; /* conf_fs_type_t */
        bool fsck;
        /* application_controller */
        char *startscript, *stopscript;
        usec_t start_timeout_usec, stop_timeout_usec;
} conf_res_t;

void conf_res_clear(conf_res_t *r); /* frees the strings, zeroes r; NULL accepted */
void conf_res_copy(conf_res_t *dst, const conf_res_t *src); /* dst overwritten (not freed) */
/* The same resource, as far as its owner is concerned: same kind and name
 * and, for a service_ip, the same address, prefix and network; for a
 * file_system the same device, mount point, type and options. An
 * application_controller whose scripts changed is the same (the new ones
 * are used at its next stop or start: it is not restarted). */
bool conf_res_same(const conf_res_t *a, const conf_res_t *b);

#define CONF_RES_MAX (3 * CONF_MAX_RG_RES)

/* Group rg's resources of cfg in acquisition order into out[CONF_RES_MAX]
 * (caller clears them); node_id: the node whose address on each service
 * IP's network is `local`. Returns how many. */
unsigned conf_res_list(const hamr_config_t *cfg, const conf_rg_t *rg, uint32_t node_id,
                       conf_res_t *out);

/* One step of a live change on the owner. */
typedef struct conf_delta_step {
        bool acquire; /* true: want[index]; false: release held[index] */
        unsigned index;
} conf_delta_step_t;

#define CONF_DELTA_MAX_STEPS (2 * CONF_RES_MAX)

/* The steps from the resources held (held[nheld]) to those wanted
 * (want[nwant]): first the releases of what is held and not wanted
 * (applications, then service IPs, then filesystems, each in reverse
 * order), then the acquisitions of what is wanted and not held
 * (filesystems, service IPs, applications, in order). A changed resource
 * (conf_res_same false under one name) is released, then acquired.
 * Returns the number of steps written to steps[CONF_DELTA_MAX_STEPS]. */
unsigned conf_delta_steps(const conf_res_t *held, unsigned nheld, const conf_res_t *want,
                          unsigned nwant, conf_delta_step_t *steps);

/* What changed for a group that is in both generations. */
enum {
        CONF_DELTA_RENAMED = 1 << 0,
        CONF_DELTA_NODES = 1 << 1,     /* NODES (list or order) */
        CONF_DELTA_POLICY = 1 << 2,    /* STARTUP, FALLOVER, FALLBACK, FALLBACK_AT */
        CONF_DELTA_RESOURCES = 1 << 3, /* a resource to release or acquire */
};
unsigned conf_delta_group(const hamr_config_t *cur, const conf_rg_t *a, const hamr_config_t *next,
                          const conf_rg_t *b);

/* "acquire service_ip websvc2 (198.18.0.51/24)", "release
 * application_controller app2": one step in words. */
void conf_delta_step_str(const conf_delta_step_t *s, const conf_res_t *held, const conf_res_t *want,
                         char *buf, size_t len);
