/* daemon_dare: the refusals and the plan of a live change. See
 * daemon_dare.h; what each owner does is src/exec/exec_dare.c. */
#include "daemon/daemon_dare.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hamr_alloc.h"
#include "common/hamr_error.h"
#include "conf/conf_delta.h"

static bool word_in(const char *list, const char *word)
{
        size_t n = strlen(word);

        for (const char *p = list; p && (p = strstr(p, word)); p += n)
                if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
                        return true;
        return false;
}

/* One resource as S1 sees it: a service address, a device or mount
 * point, an application by name. */
static bool same_thing(const conf_res_t *a, const conf_res_t *b)
{
        if (a->kind != b->kind)
                return false;
        if (a->kind == CONF_RES_SIP)
                return a->addr.s_addr == b->addr.s_addr;
        if (a->kind == CONF_RES_FS)
                return !strcmp(a->device, b->device) || !strcmp(a->mount_point, b->mount_point);
        return !strcmp(a->name, b->name);
}

/* S1 across groups: a resource that a running group gives up and another
 * group takes in the same sync could be acquired on one node while it is
 * still being released on another. */
static int check_handover(const hamr_config_t *cur, const hamr_config_t *next,
                          const hamrd_live_rg_t *live, size_t nlive, char *err, size_t errlen)
{
        conf_res_t *was = zcalloc(CONF_RES_MAX, sizeof(*was));
        conf_res_t *will = zcalloc(CONF_RES_MAX, sizeof(*will));
        int r = 0;

        for (size_t i = 0; i < nlive && r == 0; i++) {
                int old = hamr_config_rg_by_name(cur, live[i].name);
                int neu = old >= 0 ? hamr_config_rg_by_id(next, cur->rgs[old].id) : -1;
                unsigned nwas;

                if (old < 0 ||
                    (neu >= 0 && !(conf_delta_group(cur, &cur->rgs[old], next, &next->rgs[neu]) &
                                   CONF_DELTA_RESOURCES)))
                        continue; /* gives nothing up */
                nwas = conf_res_list(cur, &cur->rgs[old], CONF_MAX_NODES, was);
                for (unsigned g = 0; g < next->nrgs && r == 0; g++) {
                        const conf_rg_t *to = &next->rgs[g];
                        unsigned nwill;
                        if (to->id == cur->rgs[old].id)
                                continue;
                        nwill = conf_res_list(next, to, CONF_MAX_NODES, will);
                        for (unsigned a = 0; a < nwas && r == 0; a++)
                                for (unsigned b = 0; b < nwill && r == 0; b++) {
                                        if (!same_thing(&was[a], &will[b]))
                                                continue;
                                        snprintf(err, errlen,
                                                 "%s %s goes from resource_group \"%s\" (%s%s%s) "
                                                 "to resource_group \"%s\" in one sync: it could "
                                                 "be acquired for %s on another node while %s "
                                                 "still releases it (rule S1: one owner per "
                                                 "resource). Remove it from %s and sync, then "
                                                 "add it to %s and sync",
                                                 conf_res_kind_name(will[b].kind), will[b].name,
                                                 live[i].name, live[i].state,
                                                 live[i].owner[0] ? " on " : "", live[i].owner,
                                                 to->name, to->name,
                                                 live[i].owner[0] ? live[i].owner : "its owner",
                                                 live[i].name, to->name);
                                        r = -HAMR_E_BUSY;
                                }
                        for (unsigned b = 0; b < nwill; b++)
                                conf_res_clear(&will[b]);
                }
                for (unsigned a = 0; a < nwas; a++)
                        conf_res_clear(&was[a]);
        }
        free(was);
        free(will);
        return r;
}

int hamrd_dare_check(const hamr_config_t *cur, const hamr_config_t *next,
                     const hamrd_live_rg_t *live, size_t nlive, const char *active, char *err,
                     size_t errlen)
{
        if (!cur)
                return 0;
        if (check_handover(cur, next, live, nlive, err, errlen) < 0)
                return -HAMR_E_BUSY;
        for (size_t i = 0; i < nlive; i++) {
                int old = hamr_config_rg_by_name(cur, live[i].name);
                if (old < 0 || hamr_config_rg_by_id(next, cur->rgs[old].id) >= 0)
                        continue;
                snprintf(err, errlen,
                         "resource_group \"%s\" is %s%s%s: take it offline before deleting it "
                         "(clmgr offline resource_group %s)",
                         live[i].name, live[i].state, live[i].owner[0] ? " on " : "", live[i].owner,
                         live[i].name);
                return -HAMR_E_BUSY;
        }
        for (unsigned n = 0; n < cur->nnodes; n++) {
                const char *name = cur->nodes[n].name;
                if (hamr_config_node_by_name(next, name) >= 0)
                        continue;
                for (size_t i = 0; i < nlive; i++)
                        if (!strcmp(live[i].owner, name)) {
                                snprintf(err, errlen,
                                         "node \"%s\" holds resource_group \"%s\" (%s): move "
                                         "or stop it before removing the node",
                                         name, live[i].name, live[i].state);
                                return -HAMR_E_BUSY;
                        }
                if (word_in(active, name)) {
                        snprintf(err, errlen,
                                 "node \"%s\" runs cluster services: stop them before removing "
                                 "the node (clmgr stop node %s)",
                                 name, name);
                        return -HAMR_E_BUSY;
                }
        }
        return 0;
}

static void addf(json_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(json_t *a, const char *fmt, ...)
{
        char line[1024];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        json_array_append_new(a, json_string(line));
}

/* Where a group whose owner left its NODES goes: the first node of the
 * new list whose cluster services run ("" if none). */
static const char *first_active(const hamr_config_t *next, const conf_rg_t *b, const char *active)
{
        for (unsigned k = 0; k < b->nnodes; k++) {
                int n = hamr_config_node_by_id(next, b->nodes[k]);
                if (n >= 0 && word_in(active, next->nodes[n].name))
                        return next->nodes[n].name;
        }
        return "";
}

static bool owner_in(const hamr_config_t *next, const conf_rg_t *b, const char *owner)
{
        for (unsigned k = 0; k < b->nnodes; k++) {
                int n = hamr_config_node_by_id(next, b->nodes[k]);
                if (n >= 0 && !strcmp(next->nodes[n].name, owner))
                        return true;
        }
        return false;
}

static void resource_lines(json_t *a, const hamr_config_t *cur, const conf_rg_t *ga,
                           const hamr_config_t *next, const conf_rg_t *gb, const char *owner)
{
        conf_res_t *held = zcalloc(CONF_RES_MAX, sizeof(*held));
        conf_res_t *want = zcalloc(CONF_RES_MAX, sizeof(*want));
        conf_delta_step_t steps[CONF_DELTA_MAX_STEPS];
        unsigned nh = conf_res_list(cur, ga, CONF_MAX_NODES, held);
        unsigned nw = conf_res_list(next, gb, CONF_MAX_NODES, want);
        unsigned ns = conf_delta_steps(held, nh, want, nw, steps);
        char line[512];

        for (unsigned s = 0; s < ns; s++) {
                conf_delta_step_str(&steps[s], held, want, line, sizeof(line));
                addf(a, "%s on %s: %s", gb->name, owner, line);
        }
        for (unsigned i = 0; i < nh; i++)
                conf_res_clear(&held[i]);
        for (unsigned i = 0; i < nw; i++)
                conf_res_clear(&want[i]);
        free(held);
        free(want);
}

json_t *hamrd_dare_plan(const hamr_config_t *cur, const hamr_config_t *next,
                        const hamrd_live_rg_t *live, size_t nlive, const char *active)
{
        json_t *a = json_array();

        if (!cur)
                return a;
        for (size_t i = 0; i < nlive; i++) {
                int old = hamr_config_rg_by_name(cur, live[i].name);
                int neu = old >= 0 ? hamr_config_rg_by_id(next, cur->rgs[old].id) : -1;
                const char *owner = live[i].owner;
                if (neu < 0)
                        continue; /* deleting it is refused */
                const conf_rg_t *ga = &cur->rgs[old], *gb = &next->rgs[neu];
                unsigned ch = conf_delta_group(cur, ga, next, gb);

                if (ch & CONF_DELTA_RENAMED)
                        addf(a, "%s: renamed to %s (ID %u kept, it stays %s)", ga->name, gb->name,
                             gb->id, live[i].state);
                if ((ch & CONF_DELTA_NODES) && owner[0] && !owner_in(next, gb, owner)) {
                        const char *to = first_active(next, gb, active);
                        if (to[0])
                                addf(a, "%s: move %s -> %s (%s removed from NODES)", gb->name,
                                     owner, to, owner);
                        else
                                addf(a,
                                     "%s: offline on %s (%s removed from NODES, no node of the "
                                     "new list runs cluster services)",
                                     gb->name, owner, owner);
                } else if (ch & CONF_DELTA_NODES) {
                        addf(a, "%s: NODES changed (stays%s%s; takes effect at the next decision)",
                             gb->name, owner[0] ? " on " : "", owner);
                }
                if (ch & CONF_DELTA_POLICY)
                        addf(a,
                             "%s: STARTUP, FALLOVER, FALLBACK or FALLBACK_AT changed (takes "
                             "effect at the next decision)",
                             gb->name);
                if ((ch & CONF_DELTA_RESOURCES) && owner[0] && owner_in(next, gb, owner))
                        resource_lines(a, cur, ga, next, gb, owner);
        }
        return a;
}

json_t *hamrd_dare_owners(const hamr_config_t *cur, const hamr_config_t *next,
                          const hamrd_live_rg_t *live, size_t nlive)
{
        json_t *a = json_array();

        for (size_t i = 0; cur && i < nlive; i++) {
                int old = hamr_config_rg_by_name(cur, live[i].name);
                int neu = old >= 0 ? hamr_config_rg_by_id(next, cur->rgs[old].id) : -1;
                const char *owner = live[i].owner;
                if (neu < 0 || !owner[0] || !owner_in(next, &next->rgs[neu], owner) ||
                    !(conf_delta_group(cur, &cur->rgs[old], next, &next->rgs[neu]) &
                      CONF_DELTA_RESOURCES))
                        continue;
                bool dup = false;
                for (size_t k = 0; k < json_array_size(a); k++)
                        dup |= !strcmp(json_string_value(json_array_get(a, k)), owner);
                if (!dup)
                        json_array_append_new(a, json_string(owner));
        }
        return a;
}
