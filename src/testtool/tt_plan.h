/* tt_plan: PowerHA test plan and variables files: parsing, variable
 * substitution, and the plan as a list of tests (pure: text in, data out). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "testtool/tt_catalog.h"

typedef struct {
        char *name;
        char *value;
        int line;
} tt_var_t;

typedef struct {
        char *file; /* where the variables came from ("" for none) */
        tt_var_t *v;
        size_t n;
} tt_vars_t;

typedef struct {
        tt_kind_t kind;
        int nparams;
        char *params[TT_MAX_PARAMS]; /* after substitution; keywords upper case */
        char *comment;               /* "" when none */
        char *file;                  /* the plan file, or "automated" */
        int line;                    /* 0 for generated tests */
        /* automated procedure: parameter 1 is chosen when the test runs */
        char *owner_of; /* the node where this group is online */
        bool prev_down; /* the node of the last NETWORK_DOWN_LOCAL */
} tt_test_t;

typedef struct {
        tt_test_t *t;
        size_t n, cap;
} tt_plan_t;

/* Parses a variables file's text (in; file names it in errors): `name=value`
 * lines, `#` comments, blank lines. Names: a letter or _, then letters,
 * digits, _; values trimmed, one pair of surrounding quotes removed. On
 * success 0 and *ret (owned by the caller, tt_vars_free). Else -EINVAL,
 * nothing in *ret, and err holds one line per error ("FILE:LINE: ..."). */
int tt_vars_parse(const char *file, const char *text, tt_vars_t *ret, char *err, size_t errlen);

/* Reads path and parses it as above (-errno and a message if unreadable). */
int tt_vars_load(const char *path, tt_vars_t *ret, char *err, size_t errlen);

/* The value of name (borrowed from vars), or NULL. */
const char *tt_vars_get(const tt_vars_t *vars, const char *name);
void tt_vars_free(tt_vars_t *vars);

/* Parses a test plan (in): one test per line `TEST_NAME, p1, ..., comment`
 * in file order, `#` comment lines, blank lines. A parameter `$name` is the
 * variable name from vars (in, may be NULL), else from the environment when
 * use_env, else an error; a bare parameter equal to a variable's name is
 * replaced by its value too (PowerHA's way). Each test's parameter count and
 * keywords are checked against the catalogue. On success 0 and *ret (owned,
 * tt_plan_free); else -EINVAL, nothing in *ret, one line per error in err. */
int tt_plan_parse(const char *file, const char *text, const tt_vars_t *vars, bool use_env,
                  tt_plan_t *ret, char *err, size_t errlen);
int tt_plan_load(const char *path, const tt_vars_t *vars, bool use_env, tt_plan_t *ret, char *err,
                 size_t errlen);

/* Appends a generated test (automated procedure); params (in, copied) may
 * be NULL past the kind's count. Returns the new test (owned by plan). */
tt_test_t *tt_plan_add(tt_plan_t *plan, tt_kind_t kind, const char *p1, const char *p2,
                       const char *p3, const char *comment);

/* "RG_MOVE, web_rg, ANY" (the test's parameters, no comment) into buf. */
void tt_test_format(const tt_test_t *t, char *buf, size_t len);

void tt_plan_free(tt_plan_t *plan);
