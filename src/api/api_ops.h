/* api_ops: the operation table of the control protocol, generated from
 * api_ops.def: names, policy flags and help, the one lookup and the checks
 * the flags imply. Pure (no I/O, no daemon state): hamrd's dispatcher
 * (src/daemon/daemon_ops.c) binds handlers to it, clmgr takes its names. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum {
        API_OP_F_READ_ONLY = 1 << 0,       /* changes nothing */
        API_OP_F_MODIFIES_CONFIG = 1 << 1, /* edits the configuration on the repository */
        API_OP_F_NEEDS_CLASS = 1 << 2,     /* "class" names a schema class */
        API_OP_F_COORD_ONLY = 1 << 3,      /* carried out by the coordinator */
        API_OP_F_NEEDS_QUORUM = 1 << 4,    /* refused by a view without quorum */
        API_OP_F_PEER = 1 << 5,            /* a peer may ask it of this node (its own facts) */
};

typedef enum {
#define API_OP(id, name, flags, help) API_OP_##id,
#include "api/api_ops.def"
#undef API_OP
        API_OP_COUNT
} api_op_t;

typedef struct api_op_def {
        const char *name; /* as the protocol spells it: "rg_online" */
        unsigned flags;   /* API_OP_F_* */
        const char *help;
} api_op_def_t;

/* The row of op (static storage), or NULL if op is out of range. */
const api_op_def_t *api_op_def(api_op_t op);
/* The protocol name of op; aborts on an op outside the table (a bug). */
const char *api_op_name(api_op_t op);
/* Exact, case-sensitive lookup of a request's "op". Returns 0 and *ret_op,
 * or -HAMR_E_BAD_VALUE with err naming the op and listing the known ones
 * ("request has no \"op\"" when name is NULL). */
int api_op_lookup(const char *name, api_op_t *ret_op, char *err, size_t errlen);

/* What the receiving node knows when it dispatches a request. */
typedef struct api_op_facts {
        bool configured;  /* a configuration is active on this node */
        bool member;      /* this node is in it */
        bool coordinator; /* this node coordinates the current view */
        bool quorate;     /* the current view has quorum */
} api_op_facts_t;

/* Enforces op's flags on req (borrowed) and facts: NEEDS_CLASS: "class" is
 * a string naming a schema class (name, alias or unambiguous prefix);
 * COORD_ONLY: a configuration is active and this node is a member;
 * NEEDS_QUORUM: refused at once when this node coordinates a view without
 * quorum (when another node coordinates, it decides). Returns 0, or a
 * negative HAMR_E_* code with err naming the op and what is wrong. */
int api_op_check(api_op_t op, json_t *req, const api_op_facts_t *facts, char *err, size_t errlen);
