/* agent_proc: counts running processes by name and owner for application
 * monitors of TYPE=Process (a scan of /proc, a few milliseconds). */
#pragma once

/* Processes whose /proc/PID/comm or argv[0]'s base name is `name` and,
 * with uid >= 0, whose owner (of /proc/PID) is uid. Returns the count, or
 * a negative errno if /proc cannot be read. */
int agent_proc_count(const char *name, long uid);
