/* daemon_dare_wait: a sync with live changes waits for their owners, and
 * rolls the cluster back when one fails (daemon_dare_wait.c). */
#pragma once
#include <jansson.h>
#include <stdint.h>

struct hamrd;

/* After generation gen was committed: answer conn with `answer` (stolen)
 * once the owners (node names, borrowed) applied their live changes, or
 * roll back to prev_text (borrowed) and fail naming why. No owner: answer
 * now. */
void hamrd_dare_wait_start(struct hamrd *d, uint32_t conn, uint64_t gen, const char *prev_text,
                           const char *text, json_t *owners, json_t *answer);
/* The loop, after each step: answers the waits that are over. */
void hamrd_dare_wait_tick(struct hamrd *d);
