/* dms: the deadman switch. hamrd pets a watchdog only while its event loop
 * runs and it is safe to hold what it holds (docs/safety.md): a node that
 * hangs, or that holds groups past its hold deadline without being able to
 * release them, is reset by the watchdog before the survivors can take its
 * groups over.
 *
 * The device (hamrd --watchdog PATH) is either a Linux watchdog character
 * device (/dev/watchdog: softdog or hardware; WDIOC_SETTIMEOUT, any byte
 * pets, 'V' then close disarms) or a FIFO served by the lab's watchdog
 * emulator ("T<ms>\n" arms with a timeout, "k" pets, "V" disarms). Without a
 * device the switch only raises events.
 *
 * DEADMAN_MODE a (assert) arms the device; e (event) leaves it disarmed and
 * raises an event (log + status) whenever the watchdog would have fired. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/hamr_time.h"
#include "conf/conf.h"

typedef struct dms dms_t;

/* path NULL or "": no device. Never fails: an unusable device is reported
 * in the status and the log. */
dms_t *dms_new(const char *path);
/* Disarms (magic close) and frees. */
void dms_free(dms_t *d);

/* Mode and timeout of the current configuration. Arms the device in mode a,
 * disarms it in mode e. */
void dms_configure(dms_t *d, dms_mode_t mode, usec_t timeout, usec_t now);

/* Whether this node may pet: it holds nothing, or it can still be sure
 * that nobody takes its groups before the watchdog would have fired:
 * now + timeout + margin <= hold_deadline. Pure. */
bool dms_may_pet(unsigned busy, usec_t now, usec_t hold_deadline, usec_t timeout, usec_t margin);

/* Called on every tick of the event loop (so a stalled loop does not pet).
 * pet: dms_may_pet(...) now; why: short reason when !pet (for the event).
 * In mode e (or without a device) raises an event once per lapse when no
 * pet happened for the timeout. */
void dms_step(dms_t *d, bool pet, const char *why, usec_t now);

/* Status for `clmgr -j status` (cluster.DEADMAN). */
json_t *dms_status_json(const dms_t *d, usec_t now);
/* Events raised so far (mode e, or no device). */
uint64_t dms_events(const dms_t *d);
