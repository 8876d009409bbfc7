/* dms: the deadman switch and its watchdog device (char device or lab FIFO). */
#include "dms/dms.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/hamr_alloc.h"
#include "common/hamr_log.h"

struct dms {
        char *path; /* NULL: no device */
        bool is_fifo;
        dms_kind_t kind;
        char describe[200];
        int fd; /* -1 while closed */
        dms_mode_t mode;
        usec_t timeout; /* 0 until configured */
        bool armed;
        char error[160]; /* last device error, "" if none */

        usec_t last_pet; /* last time the switch was (or would have been) petted */
        usec_t max_gap;  /* longest interval between two pets */
        uint64_t pets;
        bool lapsed;      /* an event was raised for the current lapse */
        char unsafe[160]; /* why the last step did not pet ("" if it did) */
        uint64_t events;
        char last_event[200];
};

/* modprobe softdog (hamrd --watchdog softdog); bounded by its own exit. */
static void load_softdog(dms_t *d)
{
        int status = 0;
        pid_t pid = fork();

        if (pid == 0) {
                execl("/sbin/modprobe", "modprobe", "softdog", (char *)NULL);
                execlp("modprobe", "modprobe", "softdog", (char *)NULL);
                _exit(127);
        }
        if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0)
                snprintf(d->error, sizeof(d->error), "modprobe softdog failed (status %d)",
                         pid < 0 ? -1 : status);
        else
                log_info("dms", "softdog loaded");
        /* udev creates the node: wait for it a little (bounded) */
        for (int i = 0; i < 50 && access(DMS_DEFAULT_DEVICE, F_OK) < 0; i++)
                usleep(20 * 1000);
}

/* The driver's identity ("Software Watchdog" for softdog), read from
 * sysfs: opening the device would start its timer. */
static dms_kind_t device_kind(const char *path)
{
        const char *base = strrchr(path, '/');
        char sys[256], id[64] = "";
        bool soft = false;
        FILE *f;

        snprintf(sys, sizeof(sys), "/sys/class/watchdog/%s/identity", base ? base + 1 : path);
        f = fopen(sys, "re");
        if (f) {
                soft = fgets(id, sizeof(id), f) && strstr(id, "Software Watchdog");
                fclose(f);
        }
        return soft ? DMS_KIND_SOFTDOG : DMS_KIND_HARDWARE;
}

dms_t *dms_new(const char *spec)
{
        dms_t *d = zalloc(sizeof(*d));
        const char *path = spec;
        struct stat st;

        d->fd = -1;
        if (!spec || !*spec || !strcmp(spec, "auto"))
                path = access(DMS_DEFAULT_DEVICE, F_OK) == 0 ? DMS_DEFAULT_DEVICE : NULL;
        else if (!strcmp(spec, "none"))
                path = NULL;
        else if (!strcmp(spec, "softdog")) {
                if (access(DMS_DEFAULT_DEVICE, F_OK) < 0)
                        load_softdog(d);
                path = DMS_DEFAULT_DEVICE;
        }
        if (path) {
                d->path = zstrdup(path);
                if (stat(path, &st) == 0) {
                        d->is_fifo = S_ISFIFO(st.st_mode);
                        d->kind = d->is_fifo ? DMS_KIND_EMULATOR : device_kind(path);
                } else {
                        d->kind = DMS_KIND_NONE;
                        snprintf(d->error, sizeof(d->error), "%s: %s", path, strerror(errno));
                }
        }
        snprintf(d->describe, sizeof(d->describe), "%s%s%s",
                 d->kind == DMS_KIND_SOFTDOG    ? "softdog "
                 : d->kind == DMS_KIND_HARDWARE ? "hardware watchdog "
                 : d->kind == DMS_KIND_EMULATOR ? "lab watchdog emulator "
                                                : "none",
                 d->kind != DMS_KIND_NONE && d->path ? d->path : "",
                 d->kind == DMS_KIND_NONE && d->path ? " (device unusable)" : "");
        return d;
}

dms_kind_t dms_kind(const dms_t *d)
{
        return d->kind;
}

bool dms_armed(const dms_t *d)
{
        return d->armed;
}

const char *dms_describe(const dms_t *d)
{
        return d->describe;
}

static void dev_error(dms_t *d, const char *what, int err)
{
        snprintf(d->error, sizeof(d->error), "%s: %s: %s", d->path, what, strerror(err));
        log_err("dms", "watchdog %s", d->error);
}

static int dev_write(dms_t *d, const char *s)
{
        size_t len = strlen(s);
        ssize_t n;

        if (d->fd < 0)
                return -EBADF;
        do
                n = write(d->fd, s, len);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        return (size_t)n == len ? 0 : -EIO;
}

static void disarm(dms_t *d)
{
        if (d->fd >= 0) {
                /* magic close: the driver (or the emulator) stops the timer */
                if (dev_write(d, "V") < 0)
                        log_err("dms", "watchdog %s: magic close failed", d->path);
                close(d->fd);
                d->fd = -1;
                log_info("dms", "watchdog %s disarmed", d->path);
        }
        d->armed = false;
}

static void arm(dms_t *d)
{
        char buf[32];
        int r;

        if (!d->path || d->kind == DMS_KIND_NONE || d->timeout == 0)
                return;
        if (d->fd < 0) {
                d->fd = open(d->path, O_WRONLY | O_CLOEXEC | (d->is_fifo ? O_NONBLOCK : 0));
                if (d->fd < 0) {
                        dev_error(d, "open", errno);
                        return;
                }
        }
        if (d->is_fifo) {
                snprintf(buf, sizeof(buf), "T%llu\n",
                         (unsigned long long)((d->timeout + USEC_PER_MSEC - 1) / USEC_PER_MSEC));
                r = dev_write(d, buf);
                if (r < 0) {
                        dev_error(d, "arm", -r);
                        return;
                }
        } else {
                /* Watchdog drivers count whole seconds: round down (firing
                 * early is safe, late is not); below one second the timing
                 * relation cannot be kept with this device. */
                int secs = (int)(d->timeout / USEC_PER_SEC);
                if (secs < 1) {
                        snprintf(d->error, sizeof(d->error),
                                 "%s: WATCHDOG_TIMEOUT below 1 s needs a device with sub-second "
                                 "timeouts; using 1 s (the fence deadline is not kept)",
                                 d->path);
                        log_err("dms", "watchdog %s", d->error);
                        secs = 1;
                }
                if (ioctl(d->fd, WDIOC_SETTIMEOUT, &secs) < 0) {
                        dev_error(d, "WDIOC_SETTIMEOUT", errno);
                        return;
                }
                if ((usec_t)secs * USEC_PER_SEC > d->timeout)
                        log_err("dms", "watchdog %s: device timeout %d s exceeds WATCHDOG_TIMEOUT",
                                d->path, secs);
                if (dev_write(d, "k") < 0) {
                        dev_error(d, "pet", errno);
                        return;
                }
        }
        if (!d->armed)
                log_info("dms", "watchdog %s armed (%llu ms)", d->path,
                         (unsigned long long)(d->timeout / USEC_PER_MSEC));
        d->armed = true;
        if (!strstr(d->error, "below 1 s"))
                d->error[0] = '\0';
}

void dms_free(dms_t *d)
{
        if (!d)
                return;
        disarm(d);
        free(d->path);
        free(d);
}

void dms_configure(dms_t *d, dms_mode_t mode, usec_t timeout, usec_t now)
{
        bool changed = d->mode != mode || d->timeout != timeout;

        if (d->timeout == 0)
                d->last_pet = now; /* first configuration: the clock starts now */
        d->mode = mode;
        d->timeout = timeout;
        if (mode == DMS_MODE_EVENT)
                disarm(d);
        else if (changed || !d->armed)
                arm(d);
}

bool dms_may_pet(unsigned busy, usec_t now, usec_t hold_deadline, usec_t timeout, usec_t margin)
{
        if (busy == 0)
                return true;
        if (hold_deadline == USEC_INFINITY)
                return true;
        return now + timeout + margin <= hold_deadline;
}

void dms_step(dms_t *d, bool pet, const char *why, usec_t now)
{
        if (d->timeout == 0)
                return;
        if (now < d->last_pet) /* `now` taken before a configuration restarted the clock */
                now = d->last_pet;
        if (now - d->last_pet > d->timeout && !d->lapsed) {
                /* The watchdog would have fired (or has: then we are not
                 * running). In mode a with a working device this line is
                 * only reached if the device failed to fire. */
                d->lapsed = true;
                d->events++;
                snprintf(d->last_event, sizeof(d->last_event),
                         "no pet for %llu ms (timeout %llu ms): %s",
                         (unsigned long long)((now - d->last_pet) / USEC_PER_MSEC),
                         (unsigned long long)(d->timeout / USEC_PER_MSEC),
                         d->unsafe[0]  ? d->unsafe
                         : !pet && why ? why
                                       : "event loop stalled");
                log_err("dms", "DEADMAN EVENT (mode %s%s): %s",
                        d->mode == DMS_MODE_ASSERT ? "a" : "e",
                        d->armed ? "" : ", no watchdog armed", d->last_event);
        }
        if (!pet) {
                snprintf(d->unsafe, sizeof(d->unsafe), "%s", why ? why : "not safe to hold");
                return;
        }
        d->unsafe[0] = '\0';
        if (d->pets > 0 && now - d->last_pet > d->max_gap)
                d->max_gap = now - d->last_pet;
        d->last_pet = now;
        d->pets++;
        d->lapsed = false;
        if (d->mode == DMS_MODE_ASSERT) {
                if (!d->armed)
                        arm(d); /* retry an unusable device */
                else if (dev_write(d, "k") < 0)
                        dev_error(d, "pet", errno);
        }
}

json_t *dms_status_json(const dms_t *d, usec_t now)
{
        return json_pack("{s:s, s:s?, s:s, s:b, s:f, s:I, s:f, s:f, s:I, s:s, s:s}", "MODE",
                         d->mode == DMS_MODE_ASSERT ? "a" : "e", "DEVICE", d->path, "WATCHDOG",
                         d->describe, "ARMED", d->armed, "TIMEOUT",
                         (double)d->timeout / USEC_PER_SEC, "PETS", (json_int_t)d->pets,
                         "SINCE_PET",
                         d->last_pet ? (double)(now - d->last_pet) / USEC_PER_SEC : 0.0, "MAX_GAP",
                         (double)d->max_gap / USEC_PER_SEC, "EVENTS", (json_int_t)d->events,
                         "LAST_EVENT", d->last_event, "ERROR", d->error);
}

uint64_t dms_events(const dms_t *d)
{
        return d->events;
}
