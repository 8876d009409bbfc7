/* plan_timers.c: settling time and delayed fallback in the planner, and
 * the calendar of fallback timers. Pure: no I/O, no clock, no globals. */
#include "plan/plan_timers.h"

#include <stdio.h>

#include "plan/plan_why.h"

#define BIT(id)      (UINT64_C(1) << (id))
#define SEC_PER_DAY  86400
#define MAX_YEARS    9 /* 29 February: at most 8 years apart (2096, 2104) */
#define MAX_MONTHS   24
#define MAX_WEEKDAYS 8

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
        int64_t era;
        unsigned yoe, doy, doe;

        y -= m <= 2;
        era = (y >= 0 ? y : y - 399) / 400;
        yoe = (unsigned)(y - era * 400);
        doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *ry, unsigned *rm, unsigned *rd)
{
        int64_t era, y;
        unsigned doe, yoe, doy, mp;

        z += 719468;
        era = (z >= 0 ? z : z - 146096) / 146097;
        doe = (unsigned)(z - era * 146097);
        yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        y = (int64_t)yoe + era * 400;
        doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        mp = (5 * doy + 2) / 153;
        *rd = doy - (153 * mp + 2) / 5 + 1;
        *rm = mp < 10 ? mp + 3 : mp - 9;
        *ry = y + (*rm <= 2);
}

static unsigned days_in_month(int64_t y, unsigned m)
{
        static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

        return m == 2 && leap ? 29 : days[(m - 1) % 12];
}

static int64_t floor_div(int64_t a, int64_t b)
{
        return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t plan_timer_next(const conf_fallback_timer_t *t, int64_t after)
{
        int64_t day0 = floor_div(after, SEC_PER_DAY), y0, cand;
        int64_t tod = (int64_t)t->hour * 3600 + (int64_t)t->minute * 60;
        unsigned m0, d0;

        if (t->hour < 0 || t->minute < 0)
                return 0;
        civil_from_days(day0, &y0, &m0, &d0);
        switch (t->repeats) {
        case CONF_REPEATS_ONCE:
                if (t->year < 0 || t->month < 1 || t->day_of_month < 1 ||
                    (unsigned)t->day_of_month > days_in_month(t->year, (unsigned)t->month))
                        return 0;
                cand = days_from_civil(t->year, (unsigned)t->month, (unsigned)t->day_of_month) *
                           SEC_PER_DAY +
                       tod;
                return cand > after ? cand : 0;
        case CONF_REPEATS_DAILY:
                cand = day0 * SEC_PER_DAY + tod;
                return cand > after ? cand : cand + SEC_PER_DAY;
        case CONF_REPEATS_WEEKLY:
                for (int64_t d = day0; d < day0 + MAX_WEEKDAYS; d++) {
                        /* 1970-01-01 was a Thursday (4; 0 = Sunday) */
                        cand = d * SEC_PER_DAY + tod;
                        if ((((d + 4) % 7) + 7) % 7 == t->day_of_week && cand > after)
                                return cand;
                }
                return 0;
        case CONF_REPEATS_MONTHLY:
                for (unsigned k = 0; k < MAX_MONTHS; k++) {
                        unsigned m = (m0 - 1 + k) % 12 + 1;
                        int64_t y = y0 + (m0 - 1 + k) / 12;

                        if (t->day_of_month < 1 || (unsigned)t->day_of_month > days_in_month(y, m))
                                continue;
                        cand = days_from_civil(y, m, (unsigned)t->day_of_month) * SEC_PER_DAY + tod;
                        if (cand > after)
                                return cand;
                }
                return 0;
        case CONF_REPEATS_YEARLY:
                for (int64_t y = y0; y < y0 + MAX_YEARS; y++) {
                        if (t->month < 1 || t->month > 12 || t->day_of_month < 1 ||
                            (unsigned)t->day_of_month > days_in_month(y, (unsigned)t->month))
                                continue;
                        cand = days_from_civil(y, (unsigned)t->month, (unsigned)t->day_of_month) *
                                   SEC_PER_DAY +
                               tod;
                        if (cand > after)
                                return cand;
                }
                return 0;
        default:
                return 0;
        }
}

void plan_wall_format(int64_t local, char *buf, size_t len)
{
        int64_t day = floor_div(local, SEC_PER_DAY), y, sec = local - day * SEC_PER_DAY;
        unsigned m, d;

        civil_from_days(day, &y, &m, &d);
        snprintf(buf, len, "%04lld-%02u-%02u %02u:%02u", (long long)y, m, d, (unsigned)(sec / 3600),
                 (unsigned)(sec % 3600 / 60));
}

static void wake_at(plan_output_t *out, usec_t t)
{
        if (t < out->next_wakeup)
                out->next_wakeup = t;
}

/* Highest-priority node of the group's NODES in mask, or RGM_NO_NODE. */
static uint16_t first_in(const conf_rg_t *rg, uint64_t mask)
{
        for (unsigned i = 0; i < rg->nnodes && i < CONF_MAX_NODES; i++)
                if (rg->nodes[i] < CONF_MAX_NODES && (mask & BIT(rg->nodes[i])))
                        return (uint16_t)rg->nodes[i];
        return RGM_NO_NODE;
}

/* The one member holding group g (reporting ONLINE or ACQUIRING, nobody
 * else holding or unknown), or RGM_NO_NODE. */
static uint16_t lone_holder(const plan_input_t *in, unsigned g)
{
        uint16_t holder = RGM_NO_NODE;

        for (int i = 0; i < CONF_MAX_NODES; i++) {
                uint8_t s = in->state[(size_t)g * CONF_MAX_NODES + i];
                if (!(in->members & BIT(i)) || s == RG_S_OFFLINE)
                        continue;
                if ((s != RG_S_ONLINE && s != RG_S_ACQUIRING) || holder != RGM_NO_NODE)
                        return RGM_NO_NODE;
                holder = (uint16_t)i;
        }
        return holder;
}

/* Settling time: an OFAN group not started yet, whose startup would put it
 * on a node other than its home, waits from the moment one of its nodes
 * can host it, up to RG_SETTLING_TIME; the home node joining ends the
 * wait at once (the scheduler then names it). Not for fallover: a started
 * group never waits. */
static void settling(const plan_input_t *in, plan_output_t *out, unsigned g, uint64_t ok,
                     rgm_output_t *ro, plan_why_t *code)
{
        const conf_rg_t *rg = &in->cfg->rgs[g];
        usec_t *since = &out->mem.settle_since[g], deadline;

        if (rg->startup != RG_STARTUP_OFAN || !in->cfg->settling_usec || out->ctl.home_only ||
            ro->ctl.started || !ok || rg->nnodes == 0) {
                *since = 0;
                return;
        }
        if (!*since)
                *since = in->now;
        if (plan_why_of_rgm(ro->why) != PLAN_WHY_STARTUP_FIRST || ro->target == RGM_NO_NODE ||
            ro->target == rg->nodes[0])
                return;
        deadline = *since + in->cfg->settling_usec;
        if (in->now >= deadline)
                return; /* expired: the highest-priority node up */
        ro->target = RGM_NO_NODE;
        /* where policy wants it until the timer, once nobody holds it */
        ro->settled = true;
        for (int i = 0; i < CONF_MAX_NODES; i++)
                if ((in->members & BIT(i)) &&
                    in->state[(size_t)g * CONF_MAX_NODES + i] != RG_S_OFFLINE)
                        ro->settled = false;
        *code = PLAN_WHY_SETTLING;
        wake_at(out, deadline);
        out->timer[g] =
            (plan_timer_t){.kind = PLAN_TIMER_SETTLING,
                           .node = (uint16_t)rg->nodes[0],
                           .at = in->wall + (int64_t)((deadline - in->now) / USEC_PER_SEC)};
}

/* Delayed fallback: an FBHPN group with FALLBACK_AT, online on a node while
 * a higher-priority node could host it, stays until the timer's next
 * occurrence after the wait began. The due time is kept in the memory and
 * recomputed from now while it lies ahead, so a changed timer takes effect
 * and an unchanged one gives the same time; once due, the scheduler's
 * fallback goes ahead. An administrator's move or override is not delayed. */
static void delayed_fallback(const plan_input_t *in, plan_output_t *out, unsigned g, uint64_t ok,
                             rgm_output_t *ro, plan_why_t *code)
{
        const hamr_config_t *cfg = in->cfg;
        const conf_rg_t *rg = &cfg->rgs[g];
        const rgm_ctl_t *ctl = &out->ctl.ctl[g];
        int64_t *due = &out->mem.fallback_due[g];
        uint16_t holder, best;
        bool online;

        if (rg->fallback != RG_FALLBACK_FBHPN || !rg->fallback_at ||
            rg->fallback_at > cfg->ntimers || ctl->admin != RGM_ADMIN_AUTO ||
            (ctl->pol_node < CONF_MAX_NODES && (ok & BIT(ctl->pol_node))) ||
            (ctl->move_node < CONF_MAX_NODES && (ok & BIT(ctl->move_node))) ||
            (holder = lone_holder(in, g)) == RGM_NO_NODE || !(ok & BIT(holder)) ||
            (best = first_in(rg, ok)) == holder || best == RGM_NO_NODE) {
                *due = 0;
                return;
        }
        if (*due && in->wall >= *due)
                return; /* due: fall back */
        *due = plan_timer_next(&cfg->timers[rg->fallback_at - 1], in->wall);
        online = in->state[(size_t)g * CONF_MAX_NODES + holder] == RG_S_ONLINE;
        ro->target = holder;
        ro->settled = online;
        ro->ctl = *ctl;
        if (online) {
                ro->ctl.started = true;
                ro->ctl.last_node = holder;
        }
        *code = PLAN_WHY_FALLBACK_TIMER;
        if (*due)
                wake_at(out, in->now + (usec_t)(*due - in->wall) * USEC_PER_SEC);
        out->timer[g] = (plan_timer_t){.kind = PLAN_TIMER_FALLBACK, .node = best, .at = *due};
}

void plan_timers_apply(const plan_input_t *in, plan_output_t *out, uint64_t eligible,
                       uint64_t net_down, rgm_output_t *ro, plan_why_t *codes)
{
        const hamr_config_t *cfg = in->cfg;

        for (unsigned g = 0; g < cfg->nrgs && g < CONF_MAX_RGS; g++) {
                const conf_rg_t *rg = &cfg->rgs[g];
                uint64_t ok = 0;

                for (unsigned i = 0; i < rg->nnodes && i < CONF_MAX_NODES; i++)
                        if (rg->nodes[i] < CONF_MAX_NODES)
                                ok |= BIT(rg->nodes[i]);
                ok &= in->members & eligible;
                if (rg->nsips > 0)
                        ok &= ~net_down;
                codes[g] = PLAN_WHY_NONE;
                out->timer[g] = (plan_timer_t){.kind = PLAN_TIMER_NONE, .node = RGM_NO_NODE};
                settling(in, out, g, ok, &ro[g], &codes[g]);
                delayed_fallback(in, out, g, ok, &ro[g], &codes[g]);
        }
}
