/* daemon_ocf: OCF application controllers checked against their agents on
 * the nodes: at clmgr add/modify (the agent's meta-data, on the node that
 * stages the edit) and at verify (on every node of the group: the agent is
 * there and executable, the PARAMETERS fit that node's meta-data, and
 * validate-all passes). Every agent run is off the loop and bounded. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "conf/conf.h"

struct hamrd;

/* Checks application controller `label` (TYPE ocf) of agent `agent`
 * with PARAMETERS `params` ("" none) on this node: the agent exists and is
 * executable, its meta-data parses, the parameters fit it; with validate,
 * its validate-all passes too. Runs the agent synchronously: worker
 * threads only. 0, or a negative code with err naming the object, the
 * agent, and what is allowed. */
int hamrd_ocf_check_agent(const char *label, const char *instance, const char *agent,
                          const char *params, const char *node, bool validate, char *err,
                          size_t errlen);

/* The edit's objects (names, class cls) in db, after add or modify: each
 * application controller of TYPE ocf is checked (hamrd_ocf_check_agent
 * without validate-all). Configuration worker only. */
int hamrd_ocf_check_edit(const conf_db_t *db, conf_class_t cls, char *const *names, size_t n,
                         const char *node, char *err, size_t errlen);

/* What hamrd_ocf_check_edit checks of the edit's objects (their TYPE,
 * AGENT and PARAMETERS), as text to compare (malloc'd). */
char *hamrd_ocf_edit_key(const conf_db_t *db, conf_class_t cls, char *const *names, size_t n);

/* Adds to checks the verification of every OCF controller of cfg's groups:
 * {"KIND":"OCF","NAME","AGENT","PARAMS","WHAT","NODES":[ids]}. */
void hamrd_ocf_facts_checks(const hamr_config_t *cfg, json_t *checks);

/* This node's OCF checks in req (those whose NODES list it), as errors
 * appended to `errors`: true when every one has its answer; false while
 * some still run (started in libuv's threads on the first call: the
 * caller asks again later with the same req, whose "VERIFY" tells one
 * verification from the next). */
bool hamrd_ocf_facts_local(struct hamrd *d, json_t *req, json_t *errors);
/* Whether req holds OCF checks (the gathering then waits longer). */
bool hamrd_ocf_facts_any(json_t *req);
/* How much longer a gathering with OCF checks waits for the answers. */
#define HAMRD_OCF_FACTS_EXTRA_USEC (12 * USEC_PER_SEC)
