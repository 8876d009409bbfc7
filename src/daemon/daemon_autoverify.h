/* daemon_autoverify: PowerHA's daily automatic verification
 * (DAILY_VERIFICATION, VERIFICATION_HOUR): the coordinator verifies the
 * active configuration on every node once a day (the node facts of
 * daemon_facts; it never synchronizes) and records the result in
 * clutils.log ($HAMR_CLUTILS_LOG of hamrd, else /var/log/hamr/clutils.log)
 * and in hamrd's log, one line per error or warning. The schedule is
 * coord_autoverify (pure). */
#pragma once
#include <jansson.h>

struct hamrd;

/* The conn id of the automatic verification's gathering (its answer goes
 * to hamrd_autoverify_done, not to a client). */
#define HAMRD_AUTOVERIFY_CONN 0x7fffffffu

void hamrd_autoverify_tick(struct hamrd *d);
/* The gathered answer (stolen). */
void hamrd_autoverify_done(struct hamrd *d, json_t *rep);
