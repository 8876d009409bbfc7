/* agent_dnp.c: dynamic node priority values from /proc (see agent_dnp.h). */
#include "agents/agent_dnp.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int agent_dnp_parse_meminfo(const char *text, agent_dnp_sample_t *s)
{
        const char *p = text ? strstr(text, "MemAvailable:") : NULL;
        unsigned long long kb;

        s->have_mem = false;
        if (!p || sscanf(p + strlen("MemAvailable:"), "%llu", &kb) != 1)
                return -EINVAL;
        s->mem_avail_kb = kb;
        s->have_mem = true;
        return 0;
}

int agent_dnp_parse_stat(const char *text, agent_dnp_sample_t *s)
{
        unsigned long long v[10] = {0};
        int n;

        s->have_cpu = false;
        if (!text || strncmp(text, "cpu ", 4) != 0)
                return -EINVAL;
        n = sscanf(text + 4, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
                   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
        if (n < 4)
                return -EINVAL;
        s->cpu_idle = v[3] + (n > 4 ? v[4] : 0); /* idle + iowait */
        /* user..steal: guest and guest_nice are counted in user and nice */
        s->cpu_total = 0;
        for (int k = 0; k < n && k < 8; k++)
                s->cpu_total += v[k];
        s->have_cpu = true;
        return 0;
}

int agent_dnp_parse_diskstats(const char *text, agent_dnp_sample_t *s)
{
        const char *line = text;

        s->have_disk = false;
        s->ndisks = 0;
        if (!text)
                return -EINVAL;
        while (line && *line) {
                unsigned maj, min;
                unsigned long long f[10];
                char name[32];
                int n = sscanf(line, "%u %u %31s %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
                               &maj, &min, name, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6],
                               &f[7], &f[8], &f[9]);
                const char *nl = strchr(line, '\n');

                line = nl ? nl + 1 : NULL;
                if (n < 13)
                        continue;
                s->have_disk = true;
                if (!strncmp(name, "loop", 4) || !strncmp(name, "ram", 3) ||
                    !strncmp(name, "zram", 4) || s->ndisks >= AGENT_DNP_DISKS)
                        continue;
                snprintf(s->disk[s->ndisks], sizeof(s->disk[0]), "%s", name);
                s->io_ticks[s->ndisks++] = f[9]; /* field 13: time spent doing I/Os, ms */
        }
        return s->have_disk ? 0 : -EINVAL;
}

static void read_file(const char *path, char *buf, size_t cap, bool *ok)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        size_t len = 0;
        ssize_t n;

        *ok = false;
        buf[0] = '\0';
        if (fd < 0)
                return;
        while (len + 1 < cap && (n = read(fd, buf + len, cap - 1 - len)) > 0)
                len += (size_t)n;
        buf[len] = '\0';
        close(fd);
        *ok = len > 0;
}

void agent_dnp_read(agent_dnp_sample_t *s, usec_t now)
{
        static char buf[65536]; /* the loop's thread only */
        bool ok;

        s->at = now;
        read_file("/proc/meminfo", buf, sizeof(buf), &ok);
        if (!ok || agent_dnp_parse_meminfo(buf, s) < 0)
                s->have_mem = false;
        read_file("/proc/stat", buf, sizeof(buf), &ok);
        if (!ok || agent_dnp_parse_stat(buf, s) < 0)
                s->have_cpu = false;
        read_file("/proc/diskstats", buf, sizeof(buf), &ok);
        if (!ok || agent_dnp_parse_diskstats(buf, s) < 0) {
                /* no block device at all (some containers): nothing is busy */
                s->have_disk = ok;
                s->ndisks = 0;
        }
}

bool agent_dnp_cpu_idle_pm(const agent_dnp_sample_t *prev, const agent_dnp_sample_t *cur,
                           uint16_t *ret_pm)
{
        uint64_t dt, di;

        if (!prev->have_cpu || !cur->have_cpu || cur->cpu_total <= prev->cpu_total ||
            cur->cpu_idle < prev->cpu_idle)
                return false;
        dt = cur->cpu_total - prev->cpu_total;
        di = cur->cpu_idle - prev->cpu_idle;
        *ret_pm = (uint16_t)(di >= dt ? 1000 : di * 1000 / dt);
        return true;
}

bool agent_dnp_disk_busy_pm(const agent_dnp_sample_t *prev, const agent_dnp_sample_t *cur,
                            uint16_t *ret_pm)
{
        uint64_t ms, best = 0;

        if (!prev->have_disk || !cur->have_disk || cur->at <= prev->at)
                return false;
        ms = (cur->at - prev->at) / USEC_PER_MSEC;
        if (ms == 0)
                return false;
        for (unsigned i = 0; i < cur->ndisks; i++)
                for (unsigned j = 0; j < prev->ndisks; j++)
                        if (strcmp(cur->disk[i], prev->disk[j]) == 0 &&
                            cur->io_ticks[i] >= prev->io_ticks[j] &&
                            cur->io_ticks[i] - prev->io_ticks[j] > best)
                                best = cur->io_ticks[i] - prev->io_ticks[j];
        *ret_pm = (uint16_t)(best >= ms ? 1000 : best * 1000 / ms);
        return true;
}
