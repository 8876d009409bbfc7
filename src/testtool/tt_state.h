/* tt_state: the tool's context and one test's state (resolved parameters,
 * the actions it runs, the groups it may change), with the helpers every
 * test uses to fill them and to check a group moved off a node. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "testtool/tt_cluster.h"
#include "testtool/tt_plan.h"

#define TT_NAME     64
#define TT_MAX_LIST 64
#define TT_MAX_ACTS 70

typedef struct {
        const char *rsh;         /* remote shell template (%n = node) */
        const char *start_hamrd; /* command starting hamrd on %n; NULL: rsh + systemctl */
        const char *clmgr;       /* clmgr program */
        double timeout_s;        /* bound of each wait for a stable cluster */
        double cmd_timeout_s;    /* bound of each command */
        bool abort_on_error;
        unsigned seed;
        tt_cluster_t cl;
        char last_down_node[TT_NAME]; /* node of the last NETWORK_DOWN_LOCAL */
        int passed, failed, not_applicable;
} tt_ctx_t;

typedef enum { TT_ACT_CLMGR, TT_ACT_RSH, TT_ACT_START_HAMRD } tt_act_kind_t;

typedef struct {
        tt_act_kind_t kind;
        char node[TT_NAME];
        char *text;    /* clmgr arguments (blank-separated) or the shell command; owned */
        bool together; /* runs at the same time as its neighbours marked so */
} tt_act_t;

/* One test being run: its resolved parameters, actions and expectations. */
typedef struct {
        const tt_test_t *t;
        char node[TT_NAME];   /* the node it acts on */
        char rg[TT_NAME];     /* the group */
        char net[TT_NAME];    /* the network */
        char addr[TT_NAME];   /* the interface's address on node */
        char target[TT_NAME]; /* where the group is expected */
        char app[TT_NAME];
        bool svc_label;                  /* JOIN/FAIL_LABEL of a service label */
        char list[TT_MAX_LIST][TT_NAME]; /* nodes of ALL / GLOBAL */
        size_t nlist;
        char affected[TT_MAX_LIST][TT_NAME]; /* groups allowed to change */
        size_t naffected;
        bool any_changes; /* every group may change (NODE_UP, network up) */
        tt_act_t acts[TT_MAX_ACTS];
        size_t nacts;
        json_t *before;       /* the status when the test began, owned */
        long before_restarts; /* SERVER_DOWN: the lowest restart count seen */
        char before_failure[512];
        char before_owner[TT_NAME];
} tt_state_t;

/* Helpers for the tests (tt_state.c). */
void tt_act_add(tt_state_t *st, tt_act_kind_t kind, const char *node, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void tt_affect(tt_state_t *st, const char *rg);
/* Groups ONLINE on node (status) become affected; returns how many. */
size_t tt_affect_on_node(tt_ctx_t *ctx, tt_state_t *st, const char *node);
/* Random index below n from ctx's seed. */
size_t tt_random(tt_ctx_t *ctx, size_t n);

/* A group that was on a node which gave it up: ONLINE on another node when
 * one of its nodes other than from could take it (active, with its network
 * up when need_net), else not ONLINE on from. */
bool tt_check_moved_off(tt_ctx_t *ctx, const char *rg, const char *from, bool need_net, char *why,
                        size_t len);

/* Writes the reason into why (len bytes) and returns -1: a test's
 * prepare step that cannot go on. */
int tt_fail(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
