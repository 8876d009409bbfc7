/* conf_serial: the customised resource group processing order (PowerHA's
 * serial acquisition and release order): the cluster's
 * SERIAL_ACQUISITION_ORDER and SERIAL_RELEASE_ORDER lists (the schema's
 * reference list checks refuse an unknown group or one named twice),
 * compiled into each group's position. */
#include <stdio.h>
#include <string.h>

#include "conf/conf_internal.h"

static const char *const LISTS[] = {"SERIAL_ACQUISITION_ORDER", "SERIAL_RELEASE_ORDER"};

void conf_serial_build(const conf_db_t *db, hamr_config_t *cfg)
{
        const conf_object_t *c = NULL;
        char tok[CONF_MAX_TOKEN];

        for (size_t i = 0; i < db->nobjs && !c; i++)
                if (db->objs[i].cls == CONF_CLASS_CLUSTER)
                        c = &db->objs[i];
        if (!c)
                return;
        for (size_t l = 0; l < sizeof(LISTS) / sizeof(LISTS[0]); l++) {
                unsigned pos = 0;

                for (const char *q = conf_object_get(c, LISTS[l]);
                     q && (q = conf_next_token(q, tok, sizeof(tok)));) {
                        int g = hamr_config_rg_by_name(cfg, tok);

                        pos++;
                        if (g < 0)
                                continue; /* reported by the reference checks */
                        if (l == 0 && !cfg->rgs[g].serial_acquire)
                                cfg->rgs[g].serial_acquire = pos;
                        else if (l == 1 && !cfg->rgs[g].serial_release)
                                cfg->rgs[g].serial_release = pos;
                }
        }
}
