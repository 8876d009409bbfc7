/* coord_autoverify: when the coordinator runs the daily automatic
 * verification (PowerHA's DAILY_VERIFICATION at VERIFICATION_HOUR): at
 * HH:00:00 of its local wall clock, once a day. Pure: the time is an
 * argument (seconds of local wall time: time + UTC offset, as
 * coord_wall_local gives). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

typedef struct coord_autoverify {
        int64_t next;  /* the next run (local wall seconds); 0: not armed */
        unsigned hour; /* the hour it was armed for */
} coord_autoverify_t;

/* The first HH:00:00 strictly after wall (local seconds). */
int64_t coord_autoverify_next(int64_t wall, unsigned hour);

/* Called on every tick while this node coordinates with DAILY_VERIFICATION
 * on: arms on the first call (a node that becomes coordinator at 00:30
 * runs tomorrow at 00:00, as cron would), re-arms when hour changed or the
 * clock went back more than a day, and returns true once when the armed
 * time is reached (a clock that jumps forward past several runs runs once).
 * coord_autoverify_reset when it stops coordinating or the feature is off. */
bool coord_autoverify_due(coord_autoverify_t *s, int64_t wall, unsigned hour);
void coord_autoverify_reset(coord_autoverify_t *s);
