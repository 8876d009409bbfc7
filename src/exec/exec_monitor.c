/* exec_monitor: owns the restart/escalation decisions of an application
 * monitor (pure; see exec_monitor.h). */
#include "exec/exec_monitor.h"

#include <string.h>

const char *exec_mon_phase_str(exec_mon_phase_t p)
{
        static const char *const names[EXEC_MON_COUNT] = {
            [EXEC_MON_IDLE] = "idle",
            [EXEC_MON_STABILIZING] = "stabilizing",
            [EXEC_MON_MONITORING] = "monitoring",
            [EXEC_MON_RESTARTING] = "restarting",
            [EXEC_MON_FAILED] = "failed",
            [EXEC_MON_STARTUP] = "startup",
        };
        return p < EXEC_MON_COUNT ? names[p] : "?";
}

void exec_mon_init(exec_mon_t *m, usec_t interval_usec, usec_t stabilization_usec,
                   usec_t restart_interval_usec, unsigned restart_count, bool fallover)
{
        memset(m, 0, sizeof(*m));
        m->interval_usec = interval_usec;
        m->stabilization_usec = stabilization_usec;
        m->restart_interval_usec = restart_interval_usec;
        m->restart_count = restart_count;
        m->fallover = fallover;
        m->longrunning = true;
}

void exec_mon_set_mode(exec_mon_t *m, bool startup, bool longrunning)
{
        m->startup = startup;
        m->longrunning = longrunning;
}

exec_mon_act_t exec_mon_startup(exec_mon_t *m, usec_t now)
{
        if (!m->startup)
                return EXEC_MON_ACT_STARTED;
        m->phase = EXEC_MON_STARTUP;
        m->due = now;
        m->deadline = now + m->stabilization_usec;
        m->healthy_since = 0;
        return EXEC_MON_ACT_NONE;
}

void exec_mon_started(exec_mon_t *m, usec_t now)
{
        if (!m->longrunning) {
                m->phase = EXEC_MON_IDLE;
                return;
        }
        m->phase = EXEC_MON_STABILIZING;
        m->due = now + m->stabilization_usec;
        m->healthy_since = 0;
}

exec_mon_act_t exec_mon_tick(exec_mon_t *m, usec_t now)
{
        if (m->phase == EXEC_MON_STARTUP) {
                if (now < m->due)
                        return EXEC_MON_ACT_NONE;
                m->due = USEC_INFINITY; /* running; set again by the result */
                return EXEC_MON_ACT_CHECK;
        }
        if ((m->phase != EXEC_MON_STABILIZING && m->phase != EXEC_MON_MONITORING) || now < m->due ||
            m->suspended)
                return EXEC_MON_ACT_NONE;
        m->phase = EXEC_MON_MONITORING;
        m->due = USEC_INFINITY; /* running; set again by the result */
        return EXEC_MON_ACT_CHECK;
}

static exec_mon_act_t failed(exec_mon_t *m, usec_t now)
{
        m->failures++;
        m->healthy_since = 0;
        if (m->restarts < m->restart_count) {
                m->restarts++;
                m->phase = EXEC_MON_RESTARTING;
                return EXEC_MON_ACT_RESTART;
        }
        if (m->fallover) {
                m->phase = EXEC_MON_FAILED;
                return EXEC_MON_ACT_FALLOVER;
        }
        /* notify: once per failure, keep checking (it may come back) */
        m->phase = EXEC_MON_MONITORING;
        m->due = now + m->interval_usec;
        if (m->notified)
                return EXEC_MON_ACT_NONE;
        m->notified = true;
        return EXEC_MON_ACT_NOTIFY;
}

exec_mon_act_t exec_mon_result(exec_mon_t *m, usec_t now, bool healthy)
{
        if (m->phase == EXEC_MON_STARTUP) {
                if (healthy || now >= m->deadline) {
                        m->phase = EXEC_MON_IDLE;
                        if (!healthy)
                                m->failures++;
                        return healthy ? EXEC_MON_ACT_STARTED : EXEC_MON_ACT_START_FAILED;
                }
                m->due =
                    now + m->interval_usec < m->deadline ? now + m->interval_usec : m->deadline;
                return EXEC_MON_ACT_NONE;
        }
        if (m->phase != EXEC_MON_MONITORING || m->suspended)
                return EXEC_MON_ACT_NONE; /* stale: stopped or suspended meanwhile */
        if (!healthy)
                return failed(m, now);
        m->notified = false;
        if (!m->healthy_since)
                m->healthy_since = now;
        if (m->restarts && now - m->healthy_since >= m->restart_interval_usec)
                m->restarts = 0;
        m->due = now + m->interval_usec;
        return EXEC_MON_ACT_NONE;
}

exec_mon_act_t exec_mon_hard_failure(exec_mon_t *m, usec_t now)
{
        if (m->phase == EXEC_MON_MONITORING && !m->suspended)
                m->restarts = m->restart_count;
        return exec_mon_result(m, now, false);
}

exec_mon_act_t exec_mon_restarted(exec_mon_t *m, usec_t now, bool ok)
{
        if (m->phase != EXEC_MON_RESTARTING)
                return EXEC_MON_ACT_NONE;
        if (ok || m->suspended) {
                /* suspended meanwhile: a failed restart is not acted on */
                exec_mon_started(m, now);
                return EXEC_MON_ACT_NONE;
        }
        m->phase = EXEC_MON_MONITORING; /* a failed restart is a failure */
        return failed(m, now);
}

void exec_mon_suspend(exec_mon_t *m)
{
        m->suspended = true;
}

void exec_mon_resume(exec_mon_t *m, usec_t now)
{
        if (!m->suspended)
                return;
        m->suspended = false;
        if (m->phase == EXEC_MON_STABILIZING || m->phase == EXEC_MON_MONITORING)
                exec_mon_started(m, now);
}

void exec_mon_stop(exec_mon_t *m)
{
        if (m->phase == EXEC_MON_FAILED)
                return;
        m->phase = EXEC_MON_IDLE;
        m->restarts = 0;
        m->notified = false;
        m->healthy_since = 0;
}
