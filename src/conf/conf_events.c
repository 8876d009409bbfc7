/* conf_events: the event class. A custom event is a named command (clmgr
 * add event NAME FILE=/path); an event object named like a customisable
 * predefined event (node_up, node_down, rg_move_acquire, rg_move_release)
 * holds the commands around it (PREEVENT, POSTEVENT: custom events;
 * NOTIFYMETHOD: a command), created by its first clmgr modify event. The
 * other events of hamr.out are not customisable and not names of custom
 * events. Rules of one object (no database needed) and the compiled hooks. */
#include <stdio.h>
#include <string.h>

#include "common/hamr_alloc.h"
#include "common/hamr_error.h"
#include "conf/conf_internal.h"

static const char *const custom_ok[CONF_EV_COUNT] = {
    [CONF_EV_NODE_UP] = "node_up",
    [CONF_EV_NODE_DOWN] = "node_down",
    [CONF_EV_RG_MOVE_ACQUIRE] = "rg_move_acquire",
    [CONF_EV_RG_MOVE_RELEASE] = "rg_move_release",
};
#define CUSTOMISABLE "node_up, node_down, rg_move_acquire, rg_move_release"

/* hamr.out's other event names (reserved). */
static const char *const reserved[] = {
    "node_up_complete",     "node_down_complete",   "rg_move",      "rg_move_complete",
    "get_disk_vg_fs",       "release_vg_fs",        "start_server", "stop_server",
    "acquire_service_addr", "release_service_addr", "server_down",  "server_restart",
    "event_error",          "config_too_long",
};

const char *conf_ev_name(conf_ev_t e)
{
        return (unsigned)e < CONF_EV_COUNT ? custom_ok[e] : NULL;
}

static int predefined(const char *name)
{
        for (int i = 0; i < CONF_EV_COUNT; i++)
                if (!strcmp(name, custom_ok[i]))
                        return i;
        return -1;
}

static bool is_reserved(const char *name)
{
        for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
                if (!strcmp(name, reserved[i]))
                        return true;
        return false;
}

bool conf_event_implicit(conf_class_t cls, const char *name)
{
        return cls == CONF_CLASS_EVENT && name && predefined(name) >= 0;
}

/* attr's value when set and not empty (none of these has a default). */
static const char *set(const conf_object_t *o, const char *attr)
{
        int a = conf_attr_index(o->cls, attr);
        const char *v = a >= 0 ? o->values[a] : NULL;

        return v && *v ? v : NULL;
}

int conf_event_check_object(const conf_object_t *obj, const char *lb, char *err, size_t errlen)
{
        static const char *const hooks[] = {"PREEVENT", "POSTEVENT", "NOTIFYMETHOD"};
        char tok[CONF_MAX_TOKEN];

        if (is_reserved(obj->name)) {
                conf_errf(err, errlen,
                          "%s: %s is an event hamr runs itself and cannot be customised or "
                          "used as a custom event's name; allowed: PREEVENT, POSTEVENT and "
                          "NOTIFYMETHOD of " CUSTOMISABLE ", other names for custom events",
                          lb, obj->name);
                return -HAMR_E_BAD_VALUE;
        }
        if (predefined(obj->name) >= 0) {
                if (set(obj, "FILE")) {
                        conf_errf(err, errlen,
                                  "%s: FILE is not allowed on the predefined event %s; allowed: "
                                  "PREEVENT, POSTEVENT (custom events) and NOTIFYMETHOD (a "
                                  "command); a custom event has another name (clmgr add event "
                                  "NAME FILE=/path)",
                                  lb, obj->name);
                        return -HAMR_E_BAD_VALUE;
                }
                for (int k = 0; k < 2; k++)
                        for (const char *q = set(obj, hooks[k]);
                             q && (q = conf_next_token(q, tok, sizeof(tok)));) {
                                if (predefined(tok) < 0)
                                        continue;
                                conf_errf(err, errlen,
                                          "%s: %s=\"%s\" names the predefined event %s; "
                                          "allowed: custom events (clmgr add event NAME "
                                          "FILE=/path)",
                                          lb, hooks[k], tok, tok);
                                return -HAMR_E_BAD_VALUE;
                        }
                return 0;
        }
        for (int k = 0; k < 3; k++)
                if (set(obj, hooks[k])) {
                        conf_errf(err, errlen,
                                  "%s: %s is not allowed on a custom event; allowed: FILE and "
                                  "DESCRIPTION (%s belongs to the predefined events " CUSTOMISABLE
                                  ")",
                                  lb, hooks[k], hooks[k]);
                        return -HAMR_E_BAD_VALUE;
                }
        if (!set(obj, "FILE")) {
                conf_errf(err, errlen,
                          "%s: FILE is required for a custom event; allowed: an absolute path of "
                          "an executable (or customise a predefined event: " CUSTOMISABLE ")",
                          lb);
                return -HAMR_E_MISSING;
        }
        return 0;
}

void conf_events_build(const conf_db_t *db, hamr_config_t *cfg)
{
        char tok[CONF_MAX_TOKEN];
        size_t n = 0;

        for (size_t i = 0; i < db->nobjs; i++)
                n += db->objs[i].cls == CONF_CLASS_EVENT;
        cfg->events = zcalloc(n ? n : 1, sizeof(conf_custom_event_t));
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];

                if (o->cls != CONF_CLASS_EVENT || predefined(o->name) >= 0 || !set(o, "FILE"))
                        continue;
                conf_custom_event_t *e = &cfg->events[cfg->nevents++];
                snprintf(e->name, sizeof(e->name), "%s", o->name);
                snprintf(e->file, sizeof(e->file), "%s", set(o, "FILE"));
        }
        memset(cfg->ev_hooks, 0, sizeof(cfg->ev_hooks));
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];
                int ev = o->cls == CONF_CLASS_EVENT ? predefined(o->name) : -1;
                conf_ev_hook_t *h;

                if (ev < 0)
                        continue;
                h = &cfg->ev_hooks[ev];
                for (int post = 0; post < 2; post++)
                        for (const char *q = set(o, post ? "POSTEVENT" : "PREEVENT");
                             q && (q = conf_next_token(q, tok, sizeof(tok)));) {
                                unsigned *cnt = post ? &h->npost : &h->npre;
                                int *list = post ? h->post : h->pre;

                                for (unsigned k = 0; k < cfg->nevents; k++)
                                        if (!strcmp(cfg->events[k].name, tok) &&
                                            *cnt < CONF_MAX_EV_CMDS)
                                                list[(*cnt)++] = (int)k;
                        }
                snprintf(h->notify, sizeof(h->notify), "%s",
                         set(o, "NOTIFYMETHOD") ? set(o, "NOTIFYMETHOD") : "");
        }
}
