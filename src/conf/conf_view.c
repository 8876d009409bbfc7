/* conf_view: reading the compiled configuration (hamr_config_t): the
 * detection time and fence margin it implies, its warnings, lookups of
 * nodes and groups by name or id, and freeing it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf_internal.h"

usec_t hamr_config_detection(const hamr_config_t *cfg)
{
        return cfg->hb_freq_usec + cfg->grace_usec;
}

usec_t hamr_config_fence_margin(const hamr_config_t *cfg)
{
        usec_t m = hamr_config_detection(cfg) / 10;
        return m < 50 * USEC_PER_MSEC ? 50 * USEC_PER_MSEC : m;
}

unsigned hamr_config_warnings(const hamr_config_t *cfg, char *buf, size_t len)
{
        unsigned n = 0;
        bool targets = false;

        if (buf && len)
                buf[0] = '\0';
        if (!cfg)
                return 0;
        for (unsigned w = 0; w < cfg->nnetworks; w++)
                targets |= cfg->networks[w].ntargets > 0;
        if (cfg->nnodes == 2 && !targets) {
                n++;
                if (buf && len)
                        snprintf(buf, len,
                                 "cluster \"%s\": a two-node cluster cannot tell a dead LAN from "
                                 "a dead peer (each node then hears no peer, and nothing moves "
                                 "even when only the owner's LAN died); set NETMON_TARGETS on "
                                 "network \"%s\" to addresses outside the cluster that clients "
                                 "use (gateway, client subnets), e.g. clmgr modify network %s "
                                 "NETMON_TARGETS=GATEWAY_IP\n",
                                 cfg->cluster_name,
                                 cfg->nnetworks ? cfg->networks[0].name : "NETWORK",
                                 cfg->nnetworks ? cfg->networks[0].name : "NETWORK");
        }
        return n;
}

void hamr_config_free(hamr_config_t *cfg)
{
        if (!cfg)
                return;
        free(cfg->nodes);
        free(cfg->networks);
        free(cfg->service_ips);
        free(cfg->appctls);
        free(cfg->rgs);
        free(cfg->timers);
        free(cfg->appmons);
        free(cfg->deps);
        free(cfg->filesystems);
        free(cfg->events);
        free(cfg);
}

int hamr_config_node_by_name(const hamr_config_t *cfg, const char *name)
{
        for (unsigned k = 0; cfg && name && k < cfg->nnodes; k++)
                if (strcmp(cfg->nodes[k].name, name) == 0)
                        return (int)k;
        return -1;
}

int hamr_config_node_by_id(const hamr_config_t *cfg, uint32_t id)
{
        for (unsigned k = 0; cfg && k < cfg->nnodes; k++)
                if (cfg->nodes[k].id == id)
                        return (int)k;
        return -1;
}

int hamr_config_rg_by_name(const hamr_config_t *cfg, const char *name)
{
        for (unsigned k = 0; cfg && name && k < cfg->nrgs; k++)
                if (strcmp(cfg->rgs[k].name, name) == 0)
                        return (int)k;
        return -1;
}

int hamr_config_rg_by_id(const hamr_config_t *cfg, uint32_t id)
{
        for (unsigned i = 0; cfg && i < cfg->nrgs; i++)
                if (cfg->rgs[i].id == id)
                        return (int)i;
        return -1;
}
