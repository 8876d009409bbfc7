/* coord_why: the coordinator's decision history and `clmgr why` (a hamr
 * extension). After every planner call the coordinator records what changed
 * (a group's target, a node leaving or joining the view, a node-level
 * decision such as selective fallover or a poison pill, a node failing a
 * group by its application monitor) with the local wall-clock time; the
 * answer to "why is this group where it is" is the planner's current reason
 * for the group and the chain of recorded causes that concern it, in plain
 * words. Pure: the time comes in as an argument. The history is this
 * coordinator's memory: a new coordinator starts it afresh. */
#pragma once
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "plan/plan_types.h"

#define COORD_HISTORY    256 /* events kept (a ring: the oldest are dropped) */
#define COORD_WHY_EVENTS 16  /* causes a why answer shows at most */

typedef enum {
        COORD_EV_TARGET = 1, /* a group's target changed: node <- prev, code why */
        COORD_EV_LEFT,       /* node left the view */
        COORD_EV_JOINED,     /* node joined the view */
        COORD_EV_NODE,       /* node-level planner decision (code) */
        COORD_EV_FAILED,     /* node failed the group (application monitor) */
        COORD_EV_ABSENT,     /* configured node not in the view when this history began */
} coord_event_kind_t;

typedef struct coord_event {
        int64_t wall_ms; /* local wall clock, milliseconds since 1970-01-01 00:00 local */
        uint32_t gid;    /* group ID (TARGET, FAILED), 0 otherwise */
        int16_t node;    /* node id, or PLAN_NONE */
        int16_t prev;    /* TARGET: the previous target, or PLAN_NONE */
        uint8_t kind;    /* coord_event_kind_t */
        uint8_t code;    /* plan_why_t (TARGET, NODE) */
        int64_t value;   /* TARGET with a FUDNP reason: the chosen node's value */
} coord_event_t;

typedef struct coord_history {
        coord_event_t ev[COORD_HISTORY];
        unsigned head, count; /* next slot, events held */
        int64_t since_ms;     /* first record (0: none yet) */
        uint64_t members;     /* view members at the last record */
        uint8_t node_code[CONF_MAX_NODES];
        uint64_t failed[CONF_MAX_RGS]; /* failed_here per group index at the last record */
        uint32_t failed_gid[CONF_MAX_RGS];
} coord_history_t;

void coord_history_init(coord_history_t *h);

/* Records what changed in one planner call (in, out) at wall_ms. */
void coord_history_record(coord_history_t *h, const plan_input_t *in, const plan_output_t *out,
                          int64_t wall_ms);

/* The answer to operation "why" for group `group` (docs/control-protocol.md):
 * {"ok": true, "GROUP", "TARGET" (node name or ""), "CODE", "REASON",
 * "SINCE" (when this history starts), "HISTORY": [{"TIME", "EVENT"}]}, or
 * NULL with err filled for an unknown group. */
json_t *coord_why_json(const coord_history_t *h, const plan_output_t *out, const hamr_config_t *cfg,
                       const char *group, char *err, size_t errlen);

/* A node's name by id ("none" for PLAN_NONE, "(a removed node)" if unknown). */
const char *coord_node_name(const hamr_config_t *cfg, int id);

/* "YYYY-MM-DD HH:MM:SS.mmm" of a local wall-clock time in milliseconds. */
void coord_wall_ms_format(int64_t wall_ms, char *buf, size_t len);
