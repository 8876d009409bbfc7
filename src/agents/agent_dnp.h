/* agent_dnp: reads this node's dynamic node priority values (FUDNP) from
 * the kernel's text files: free memory (/proc/meminfo MemAvailable), idle
 * CPU (/proc/stat deltas) and disk busy (/proc/diskstats io_ticks deltas).
 * The parsers take the files' text (pure, unit-tested); agent_dnp_read
 * reads the files (small procfs reads that never wait for a disk, a few
 * microseconds: fit for the loop, like agent_proc's /proc scan). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "common/hamr_time.h"

#define AGENT_DNP_DISKS 16

/* One reading: cumulative counters, compared with the previous reading. */
typedef struct agent_dnp_sample {
        usec_t at; /* monotonic time of the reading */
        bool have_mem, have_cpu, have_disk;
        uint64_t mem_avail_kb; /* MemAvailable */
        uint64_t cpu_idle;     /* idle + iowait jiffies (the "cpu" line) */
        uint64_t cpu_total;    /* all jiffies of the "cpu" line */
        /* io_ticks (ms busy) per disk, up to AGENT_DNP_DISKS disks */
        unsigned ndisks;
        char disk[AGENT_DNP_DISKS][32];
        uint64_t io_ticks[AGENT_DNP_DISKS];
} agent_dnp_sample_t;

/* Parsers of the three files' text into s (the fields they own). Return
 * 0, or -EINVAL when the text has no such value. */
int agent_dnp_parse_meminfo(const char *text, agent_dnp_sample_t *s);
int agent_dnp_parse_stat(const char *text, agent_dnp_sample_t *s);
/* Whole disks and partitions alike, but not loop, ram or zram devices. */
int agent_dnp_parse_diskstats(const char *text, agent_dnp_sample_t *s);

/* Reads the three files into s (at = now). Missing files leave their
 * have_* false. */
void agent_dnp_read(agent_dnp_sample_t *s, usec_t now);

/* Idle CPU over [prev, cur] in per mille; false without both readings or
 * a delta. */
bool agent_dnp_cpu_idle_pm(const agent_dnp_sample_t *prev, const agent_dnp_sample_t *cur,
                           uint16_t *ret_pm);
/* The busiest disk's busy time over [prev, cur] in per mille (0..1000);
 * false without both readings or a time delta. No disk: 0. */
bool agent_dnp_disk_busy_pm(const agent_dnp_sample_t *prev, const agent_dnp_sample_t *cur,
                            uint16_t *ret_pm);
