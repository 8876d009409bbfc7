/* dms: the deadman switch. hamrd pets a watchdog only while its event loop
 * runs and it is safe to hold what it holds (docs/safety.md): a node that
 * hangs, or that holds groups past its hold deadline without being able to
 * release them, is reset by the watchdog before the survivors can take its
 * groups over.
 *
 * The device (hamrd --watchdog) is either a Linux watchdog character
 * device (/dev/watchdog: softdog or hardware; WDIOC_SETTIMEOUT, any byte
 * pets, 'V' then close disarms) or a FIFO served by the lab's watchdog
 * emulator ("T<ms>\n" arms with a timeout, "k" pets, "V" disarms). Without a
 * device the switch only raises events, and in DEADMAN_MODE a the node does
 * not start cluster services (the planner and clmgr start refuse it).
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

/* What kind of watchdog the device is. */
typedef enum {
        DMS_KIND_NONE = 0, /* no device */
        DMS_KIND_HARDWARE, /* a watchdog character device other than softdog */
        DMS_KIND_SOFTDOG,  /* the kernel's software watchdog */
        DMS_KIND_EMULATOR  /* a FIFO (the lab's watchdog emulator) */
} dms_kind_t;

#define DMS_DEFAULT_DEVICE "/dev/watchdog"

/* spec (hamrd --watchdog): "auto" (NULL or "" too) uses /dev/watchdog if
 * it exists; "softdog" loads the softdog module first if /dev/watchdog
 * does not exist; "none" uses no device; anything else is a device or
 * FIFO path. Never fails: an unusable device is reported in the status and
 * the log. */
dms_t *dms_new(const char *spec);
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

/* The kind of device, and whether it is armed now (the node is fenced:
 * the watchdog resets it if hamrd dies or hangs). */
dms_kind_t dms_kind(const dms_t *d);
bool dms_armed(const dms_t *d);
/* "softdog /dev/watchdog", "lab emulator /run/.../watchdog", "none". */
const char *dms_describe(const dms_t *d);

/* Status for `clmgr -j status` (cluster.DEADMAN). */
json_t *dms_status_json(const dms_t *d, usec_t now);
/* Events raised so far (mode e, or no device). */
uint64_t dms_events(const dms_t *d);
