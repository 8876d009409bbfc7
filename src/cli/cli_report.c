/* cli_report: the availability report (clmgr view report availability,
 * PowerHA's application availability analysis): the command's attributes,
 * the hamr.out lines that matter, the replay of every node's records in
 * time order into up and down periods per resource group and per
 * application controller, and the output. Pure; no file opened.
 *
 * A group is up from the end of a successful rg_move_acquire on a node
 * until a rg_move_release starts there, the node goes down (node_down in
 * any node's log), or a monitor finds one of its applications failed
 * there (server_down; up again when the restart in place succeeds). An
 * application controller is up from its start script's success until its
 * stop script starts, a monitor finds it failed, or its node goes down.
 * An outage that a node_down or a server_down began is a failure; a
 * release or a stop script is a planned outage (it counts as downtime, as
 * in PowerHA's report, but not as a failure). */
#include "cli/cli_report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli/cli_actions.h"
#include "common/hamr_alloc.h"
#include "common/hamr_error.h"

#define ATTRS "BEGIN_TIME, END_TIME"

int cli_report_parse_time(const char *s, bool end_of_day, long long *ret_ms)
{
        static const char *const fmts[] = {"%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
                                           "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"};
        struct tm tm = {0};
        const char *end;
        time_t t;

        for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
                memset(&tm, 0, sizeof(tm));
                end = strptime(s, fmts[i], &tm);
                if (end && !*end) {
                        tm.tm_isdst = -1;
                        t = mktime(&tm);
                        if (t == (time_t)-1)
                                return -EINVAL;
                        *ret_ms = (long long)t * 1000;
                        return 0;
                }
        }
        memset(&tm, 0, sizeof(tm));
        end = strptime(s, "%Y:%m:%d", &tm); /* PowerHA's YYYY:MM:DD */
        if (!end || *end) {
                memset(&tm, 0, sizeof(tm));
                end = strptime(s, "%Y-%m-%d", &tm);
        }
        if (!end || *end)
                return -EINVAL;
        if (end_of_day)
                tm.tm_mday++; /* mktime normalises */
        tm.tm_isdst = -1;
        t = mktime(&tm);
        if (t == (time_t)-1)
                return -EINVAL;
        *ret_ms = (long long)t * 1000;
        return 0;
}

int cli_build_view_report(struct cli_cmd *cmd, char *const pos[], int npos)
{
        struct cli_reportq *q = zcalloc(1, sizeof(*q));
        int i = 0;

        cmd->reportq = q;
        cmd->show = CLI_SHOW_REPORT;
        if (npos > 0 && !strchr(pos[0], '=')) {
                if (strcasecmp(pos[0], "availability") != 0)
                        return cli_fail(cmd, CLMGR_RC_INVALID,
                                        "view report: unknown report '%s' (allowed: "
                                        "availability)",
                                        pos[0]);
                i = 1;
        }
        for (; i < npos; i++) {
                const char *eq = strchr(pos[i], '=');
                char *key, *val;
                bool begin;
                int r;

                if (!eq || eq == pos[i])
                        return cli_fail(cmd, CLMGR_RC_INVALID,
                                        "view report: invalid argument '%s': expected "
                                        "ATTR=VALUE (" ATTRS ")",
                                        pos[i]);
                key = zstrndup(pos[i], (size_t)(eq - pos[i]));
                val = cli_unquote(eq + 1);
                begin = strcasecmp(key, "BEGIN_TIME") == 0;
                if (!begin && strcasecmp(key, "END_TIME") != 0) {
                        r = cli_fail(cmd, CLMGR_RC_INVALID,
                                     "view report: unknown attribute '%s' (allowed: " ATTRS ")",
                                     key);
                } else if (cli_report_parse_time(val, !begin, begin ? &q->begin_ms : &q->end_ms) <
                           0) {
                        r = cli_fail(cmd, CLMGR_RC_INVALID,
                                     "view report: %s=\"%s\" is not a time (allowed: "
                                     "YYYY:MM:DD, YYYY-MM-DD or \"YYYY-MM-DD HH:MM[:SS]\", local "
                                     "time)",
                                     begin ? "BEGIN_TIME" : "END_TIME", val);
                } else {
                        r = 0;
                        if (begin)
                                q->have_begin = true;
                        else
                                q->have_end = true;
                }
                free(key);
                free(val);
                if (r < 0)
                        return r;
        }
        if (q->have_begin && q->have_end && q->end_ms <= q->begin_ms)
                return cli_fail(cmd, CLMGR_RC_INVALID,
                                "view report: END_TIME must be after BEGIN_TIME");
        return 0;
}

/* ---- the lines ---- */

static long long line_ms(const char *line, const char **ret_rest)
{
        struct tm tm = {0};
        const char *p = strptime(line, "%Y-%m-%dT%H:%M:%S", &tm);
        long long ms = 0;

        if (!p || p[0] != '.' || p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9' ||
            p[3] < '0' || p[3] > '9' || p[4] != 'Z' || p[5] != ' ')
                return -1;
        ms = (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
        *ret_rest = p + 6;
        return (long long)timegm(&tm) * 1000 + ms;
}

int cli_report_parse_line(const char *line, struct cli_avail_rec *ret)
{
        static const struct {
                const char *name;
                int start_kind, done_kind;
        } evs[] = {
            {"rg_move_acquire", CLI_AV_ACQ_START, CLI_AV_ACQ_DONE},
            {"rg_move_release", CLI_AV_REL_START, -1},
            {"node_down", CLI_AV_NODE_DOWN, -1},
            {"server_down", CLI_AV_SRV_DOWN, -1},
            {"server_restart", -1, CLI_AV_RESTART_DONE},
            {"start_server", CLI_AV_APP_START, CLI_AV_APP_STARTED},
            {"stop_server", CLI_AV_APP_STOP, -1},
        };
        struct cli_avail_rec r = {0};
        const char *p;
        char name[64];
        bool start;
        int n;

        r.t_ms = line_ms(line, &p);
        if (r.t_ms < 0 || *p != '#')
                return -1;
        p = strchr(p, ' ');
        if (!p)
                return -1;
        p++;
        if (!strncmp(p, "EVENT START: ", 13)) {
                start = true;
                p += 13;
        } else if (!strncmp(p, "EVENT COMPLETED: ", 17)) {
                start = false;
                p += 17;
        } else {
                return -1;
        }
        n = sscanf(p, "%63s %64s %64s %d", name, r.a, r.b, &r.status);
        for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
                int kind = start ? evs[i].start_kind : evs[i].done_kind;
                if (kind < 0 || strcmp(name, evs[i].name) != 0)
                        continue;
                if (kind == CLI_AV_NODE_DOWN ? n < 2 : start ? n < 3 : n < 4)
                        return -1;
                if (kind == CLI_AV_NODE_DOWN)
                        r.b[0] = '\0';
                r.kind = (enum cli_avail_kind)kind;
                *ret = r;
                return 0;
        }
        return -1;
}

/* ---- the replay ---- */

typedef struct rec {
        struct cli_avail_rec r;
        size_t seq; /* order of arrival: ties keep it */
} rec_t;

typedef struct item {
        char name[65];
        bool app;
        bool up;
        char node[65];      /* where it is (was) up */
        bool srv_down;      /* down since a monitor found it failed on node */
        long long since_ms; /* the current period began */
        bool out_failure;   /* the current outage is a failure */
        long long up_ms, down_ms, longest_up, longest_down, first_ms;
        long long mttr_sum;
        unsigned failures, recovered, outages;
} item_t;

typedef struct replay {
        item_t *items;
        size_t n, cap;
        long long begin, end;
} replay_t;

static int rec_cmp(const void *a, const void *b)
{
        const rec_t *x = a, *y = b;

        if (x->r.t_ms != y->r.t_ms)
                return x->r.t_ms < y->r.t_ms ? -1 : 1;
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static item_t *find(replay_t *rp, const char *name, bool app, long long t, bool create)
{
        for (size_t i = 0; i < rp->n; i++)
                if (rp->items[i].app == app && !strcmp(rp->items[i].name, name))
                        return &rp->items[i];
        if (!create)
                return NULL;
        if (rp->n == rp->cap) {
                rp->cap = rp->cap ? rp->cap * 2 : 16;
                rp->items = zrealloc(rp->items, rp->cap * sizeof(*rp->items));
        }
        item_t *it = &rp->items[rp->n++];
        memset(it, 0, sizeof(*it));
        snprintf(it->name, sizeof(it->name), "%s", name);
        it->app = app;
        it->since_ms = it->first_ms = t;
        return it;
}

/* The period [from, to) clipped to the report's. */
static long long clip(const replay_t *rp, long long from, long long to)
{
        if (from < rp->begin)
                from = rp->begin;
        if (to > rp->end)
                to = rp->end;
        return to > from ? to - from : 0;
}

static void account(const replay_t *rp, item_t *it, long long to)
{
        long long d = clip(rp, it->since_ms, to);

        if (it->up) {
                it->up_ms += d;
                if (d > it->longest_up)
                        it->longest_up = d;
        } else {
                it->down_ms += d;
                if (d > it->longest_down)
                        it->longest_down = d;
        }
}

static void set_up(replay_t *rp, item_t *it, long long t, const char *node)
{
        if (it->up) {
                snprintf(it->node, sizeof(it->node), "%s", node);
                return;
        }
        account(rp, it, t);
        if (it->out_failure && t >= rp->begin && t <= rp->end) {
                it->recovered++;
                it->mttr_sum += t - it->since_ms;
        }
        it->up = true;
        it->srv_down = false;
        it->out_failure = false;
        it->since_ms = t;
        snprintf(it->node, sizeof(it->node), "%s", node);
}

static void set_down(replay_t *rp, item_t *it, long long t, bool failure)
{
        if (!it->up)
                return;
        account(rp, it, t);
        it->up = false;
        it->out_failure = failure;
        it->since_ms = t;
        if (t >= rp->begin && t < rp->end) {
                it->outages++;
                if (failure)
                        it->failures++;
        }
}

static void apply(replay_t *rp, const struct cli_avail_rec *r, const char *node)
{
        item_t *g, *a;

        switch (r->kind) {
        case CLI_AV_ACQ_START:
                find(rp, r->b, false, r->t_ms, true);
                break;
        case CLI_AV_ACQ_DONE:
                g = find(rp, r->b, false, r->t_ms, true);
                if (r->status == 0)
                        set_up(rp, g, r->t_ms, r->a);
                break;
        case CLI_AV_REL_START:
                g = find(rp, r->b, false, r->t_ms, false);
                if (g && g->up && !strcmp(g->node, r->a))
                        set_down(rp, g, r->t_ms, false);
                break;
        case CLI_AV_NODE_DOWN:
                for (size_t i = 0; i < rp->n; i++)
                        if (rp->items[i].up && !strcmp(rp->items[i].node, r->a))
                                set_down(rp, &rp->items[i], r->t_ms, true);
                break;
        case CLI_AV_SRV_DOWN:
                a = find(rp, r->a, true, r->t_ms, false);
                if (a && a->up && !strcmp(a->node, node))
                        set_down(rp, a, r->t_ms, true);
                g = find(rp, r->b, false, r->t_ms, false);
                if (g && g->up && !strcmp(g->node, node)) {
                        set_down(rp, g, r->t_ms, true);
                        g->srv_down = true;
                }
                break;
        case CLI_AV_RESTART_DONE:
                if (r->status != 0)
                        break;
                a = find(rp, r->a, true, r->t_ms, false);
                if (a && !a->up && !strcmp(a->node, node))
                        set_up(rp, a, r->t_ms, node);
                g = find(rp, r->b, false, r->t_ms, false);
                if (g && !g->up && g->srv_down && !strcmp(g->node, node))
                        set_up(rp, g, r->t_ms, node);
                break;
        case CLI_AV_APP_START:
                find(rp, r->a, true, r->t_ms, true);
                break;
        case CLI_AV_APP_STARTED:
                a = find(rp, r->a, true, r->t_ms, true);
                if (r->status == 0)
                        set_up(rp, a, r->t_ms, node);
                break;
        case CLI_AV_APP_STOP:
                a = find(rp, r->a, true, r->t_ms, false);
                if (a && a->up && !strcmp(a->node, node))
                        set_down(rp, a, r->t_ms, false);
                break;
        }
}

static json_t *iso(long long ms)
{
        time_t s = (time_t)(ms / 1000);
        struct tm tm;
        char buf[40];

        gmtime_r(&s, &tm);
        snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
        return json_string(buf);
}

static json_t *item_json(const replay_t *rp, const item_t *it)
{
        long long from = it->first_ms > rp->begin ? it->first_ms : rp->begin;
        long long total = rp->end > from ? rp->end - from : 0;
        json_t *o = json_object();

        json_object_set_new(o, "NAME", json_string(it->name));
        json_object_set_new(o, "ANALYZED", json_real((double)total / 1000.0));
        json_object_set_new(o, "UPTIME", json_real((double)it->up_ms / 1000.0));
        json_object_set_new(o, "DOWNTIME", json_real((double)it->down_ms / 1000.0));
        json_object_set_new(o, "AVAILABILITY",
                            json_real(total ? 100.0 * (double)it->up_ms / (double)total : 0.0));
        json_object_set_new(o, "FAILURES", json_integer(it->failures));
        json_object_set_new(o, "OUTAGES", json_integer(it->outages));
        json_object_set_new(o, "MTTR",
                            it->recovered
                                ? json_real((double)it->mttr_sum / (double)it->recovered / 1000.0)
                                : json_null());
        json_object_set_new(o, "LONGEST_OUTAGE", json_real((double)it->longest_down / 1000.0));
        json_object_set_new(o, "LONGEST_UPTIME", json_real((double)it->longest_up / 1000.0));
        json_object_set_new(o, "STATE", json_string(it->up ? "up" : "down"));
        json_object_set_new(o, "NODE", json_string(it->node));
        return o;
}

typedef struct nrec {
        rec_t rec;        /* first: rec_cmp sorts these */
        const char *node; /* whose log it is (borrowed from the answer) */
} nrec_t;

json_t *cli_report_compute(const struct cli_reportq *q, json_t *gathered, long long now_ms)
{
        replay_t rp = {.begin = q->have_begin ? q->begin_ms : 0,
                       .end = q->have_end ? q->end_ms : now_ms};
        json_t *out = json_object(), *groups = json_array(), *apps = json_array();
        json_t *warn = json_array(), *n, *l, *w;
        nrec_t *all = NULL;
        size_t nrec = 0, cap = 0, i, k;
        long long first = -1;
        char line[600];

        json_array_foreach(json_object_get(gathered, "warnings"), i, w) json_array_append(warn, w);
        json_array_foreach(json_object_get(gathered, "nodes"), i, n)
        {
                const char *node = json_string_value(json_object_get(n, "NODE"));
                if (!node)
                        continue;
                json_array_foreach(json_object_get(n, "WARNINGS"), k, w)
                {
                        snprintf(line, sizeof(line), "node %s: %s", node,
                                 json_string_value(w) ? json_string_value(w) : "?");
                        json_array_append_new(warn, json_string(line));
                }
                json_array_foreach(json_object_get(n, "LINES"), k, l)
                {
                        struct cli_avail_rec r;
                        const char *text = json_string_value(l);
                        if (!text || cli_report_parse_line(text, &r) < 0 || r.t_ms > rp.end)
                                continue;
                        if (nrec == cap) {
                                cap = cap ? cap * 2 : 256;
                                all = zrealloc(all, cap * sizeof(*all));
                        }
                        all[nrec].rec.r = r;
                        all[nrec].rec.seq = nrec;
                        all[nrec].node = node;
                        nrec++;
                }
                if (json_is_true(json_object_get(n, "TRUNCATED"))) {
                        snprintf(line, sizeof(line),
                                 "node %s: only its newest events were sent (the older ones "
                                 "do not fit one message): the periods before them are not "
                                 "analyzed",
                                 node);
                        json_array_append_new(warn, json_string(line));
                }
        }
        if (nrec)
                qsort(all, nrec, sizeof(*all), rec_cmp);
        for (i = 0; i < nrec; i++) {
                if (first < 0)
                        first = all[i].rec.r.t_ms;
                apply(&rp, &all[i].rec.r, all[i].node);
        }
        for (i = 0; i < rp.n; i++) {
                item_t *it = &rp.items[i];
                account(&rp, it, rp.end);
                json_array_append_new(it->app ? apps : groups, item_json(&rp, it));
        }
        json_object_set_new(out, "BEGIN",
                            q->have_begin ? iso(q->begin_ms)
                            : first >= 0  ? iso(first)
                                          : json_null());
        json_object_set_new(out, "END", iso(rp.end));
        json_object_set_new(out, "RESOURCE_GROUPS", groups);
        json_object_set_new(out, "APPLICATION_CONTROLLERS", apps);
        json_object_set_new(out, "WARNINGS", warn);
        free(all);
        free(rp.items);
        return out;
}

/* ---- output ---- */

static void amount(FILE *f, double s)
{
        long long whole = (long long)s;
        double frac = s - (double)whole;

        fprintf(f, "%lld days, %lld hours, %lld minutes, %.3f seconds\n", whole / 86400,
                whole / 3600 % 24, whole / 60 % 60, (double)(whole % 60) + frac);
}

static double num(json_t *o, const char *key)
{
        return json_number_value(json_object_get(o, key));
}

static void print_item(FILE *f, json_t *it, bool app)
{
        double total = num(it, "ANALYZED");
        json_t *mttr = json_object_get(it, "MTTR");
        const char *node = json_string_value(json_object_get(it, "NODE"));
        bool up = !strcmp(json_string_value(json_object_get(it, "STATE")) ?: "", "up");

        fprintf(f, "\n%-25s%s\n", app ? "Application analyzed:" : "Resource group analyzed:",
                json_string_value(json_object_get(it, "NAME")));
        fprintf(f, "%-25s", "Total time:");
        amount(f, total);
        fprintf(f, "Uptime:\n    %-21s", "Amount:");
        amount(f, num(it, "UPTIME"));
        fprintf(f, "    %-21s%.3f %%\n", "Percentage:", num(it, "AVAILABILITY"));
        fprintf(f, "    %-21s", "Longest period:");
        amount(f, num(it, "LONGEST_UPTIME"));
        fprintf(f, "Downtime:\n    %-21s", "Amount:");
        amount(f, num(it, "DOWNTIME"));
        fprintf(f, "    %-21s%.3f %%\n",
                "Percentage:", total > 0 ? 100.0 * num(it, "DOWNTIME") / total : 0.0);
        fprintf(f, "    %-21s", "Longest period:");
        amount(f, num(it, "LONGEST_OUTAGE"));
        fprintf(f, "%-25s%lld (outages: %lld)\n",
                "Failures:", (long long)json_integer_value(json_object_get(it, "FAILURES")),
                (long long)json_integer_value(json_object_get(it, "OUTAGES")));
        if (json_is_number(mttr))
                fprintf(f, "%-25s%.3f seconds\n",
                        "Mean time to recovery:", json_number_value(mttr));
        else
                fprintf(f, "%-25s%s\n", "Mean time to recovery:", "none (no failure recovered)");
        if (!node || !*node)
                fprintf(f, "%-25s%s\n", "At the end:", up ? "up" : "down");
        else
                fprintf(f, "%-25s%s %s%s%s\n", "At the end:", up ? "up" : "down",
                        up ? "on " : "(last up on ", node, up ? "" : ")");
}

void cli_report_print(FILE *f, json_t *report)
{
        json_t *it, *w;
        size_t i;
        const char *b = json_string_value(json_object_get(report, "BEGIN"));

        fprintf(f, "Application availability analysis (hamr.out of every node)\n");
        fprintf(f, "%-25s%s\n", "Analysis begins:", b ? b : "(no events in the logs)");
        fprintf(f, "%-25s%s\n",
                "Analysis ends:", json_string_value(json_object_get(report, "END")) ?: "?");
        json_array_foreach(json_object_get(report, "RESOURCE_GROUPS"), i, it)
            print_item(f, it, false);
        json_array_foreach(json_object_get(report, "APPLICATION_CONTROLLERS"), i, it)
            print_item(f, it, true);
        if (!json_array_size(json_object_get(report, "RESOURCE_GROUPS")) &&
            !json_array_size(json_object_get(report, "APPLICATION_CONTROLLERS")))
                fprintf(f, "\nNo resource group or application was acquired in the period.\n");
        json_array_foreach(json_object_get(report, "WARNINGS"), i, w)
            fprintf(f, "WARNING: %s\n", json_string_value(w) ?: "?");
}

void cli_report_help(FILE *f)
{
        fputs("clmgr view report [availability] [BEGIN_TIME=TIME] [END_TIME=TIME]\n"
              "  PowerHA's application availability analysis from the event log (hamr.out)\n"
              "  of every node in the cluster view: per resource group and application\n"
              "  controller, uptime, downtime, percentage available, failures (outages\n"
              "  begun by a node failure or a monitor), mean time to recovery and the\n"
              "  longest outage. TIME: YYYY:MM:DD, YYYY-MM-DD or \"YYYY-MM-DD HH:MM[:SS]\"\n"
              "  (local time; an END_TIME date counts to the end of that day). Default: from\n"
              "  the first event in the logs until now. -j prints JSON.\n",
              f);
}
