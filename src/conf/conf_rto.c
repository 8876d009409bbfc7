/* conf_rto: a resource group's RTO (hamr extension: the recovery time
 * objective verification compares its worst-case failover time with). */
#include "conf/conf_internal.h"

void conf_rto_build(const conf_db_t *db, hamr_config_t *cfg)
{
        unsigned g = 0;

        for (size_t i = 0; i < db->nobjs && g < cfg->nrgs; i++) {
                const conf_object_t *o = &db->objs[i];
                const char *v;
                usec_t u = 0;

                if (o->cls != CONF_CLASS_RESOURCE_GROUP)
                        continue;
                v = conf_object_get(o, "RTO");
                cfg->rgs[g++].rto_usec = v && parse_seconds(v, &u) == 0 ? u : 0;
        }
}
