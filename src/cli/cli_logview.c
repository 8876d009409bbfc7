/* cli_logview: the clmgr view log command: which logs exist (clutils.log,
 * hamrd, hamr.out), its attributes (NODE, GROUP, SINCE, TAIL, FILTER,
 * EVENT) checked with clear errors, and the line filter over a FILE*
 * (whole events of hamr.out for GROUP and EVENT). Pure; no file opened. */
#include "cli/cli_logview.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli_actions.h"
#include "common/hamr_alloc.h"
#include "common/hamr_error.h"

static const struct {
        const char *name, *aliases[3], *content;
} logs[] = {
    [CLI_LOG_CLUTILS] = {"clutils.log",
                         {"clutils", NULL},
                         "clmgr commands and their results (start, end, rc, error)"},
    [CLI_LOG_HAMRD] = {"hamrd",
                       {"hamrd.log", "clstrmgr.debug", NULL},
                       "the cluster manager hamrd: events, decisions, script failures"},
    [CLI_LOG_EVENTS] = {"hamr.out",
                        {"hacmp.out", NULL},
                        "the event log: each event's start, the scripts' whole output, its "
                        "completion"},
};
/* The events hamrd writes in hamr.out (EVENT= names one). */
static const char *const event_names[] = {
    "node_up",
    "node_up_complete",
    "node_down",
    "node_down_complete",
    "network_down",
    "network_down_complete",
    "network_up",
    "network_up_complete",
    "rg_move_acquire",
    "rg_move_release",
    "rg_move_complete",
    "get_disk_vg_fs",
    "release_vg_fs",
    "acquire_service_addr",
    "release_service_addr",
    "start_server",
    "stop_server",
    "server_down",
    "server_restart",
    "event_error",
    "config_too_long",
    "notify",
};
#define NLOGS (sizeof(logs) / sizeof(logs[0]))
#define ATTRS "NODE, GROUP, SINCE, TAIL, FILTER, EVENT (hamr.out)"

static int lookup_log(const char *s)
{
        for (size_t i = 0; i < NLOGS; i++) {
                if (strcasecmp(s, logs[i].name) == 0)
                        return (int)i;
                for (size_t k = 0; logs[i].aliases[k]; k++)
                        if (strcasecmp(s, logs[i].aliases[k]) == 0)
                                return (int)i;
        }
        return -1;
}

void cli_logq_free(struct cli_logq *q)
{
        if (!q)
                return;
        free(q->node);
        free(q->group);
        free(q->filter);
        free(q->event);
        free(q);
}

int cli_logview_parse_since(const char *s, time_t *ret)
{
        static const char *const fmts[] = {"%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
                                           "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"};

        for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
                struct tm tm = {0};
                const char *end = strptime(s, fmts[i], &tm);
                time_t t;

                if (!end || *end)
                        continue;
                tm.tm_isdst = -1;
                t = mktime(&tm);
                if (t == (time_t)-1)
                        return -EINVAL;
                *ret = t;
                return 0;
        }
        return -EINVAL;
}

long long cli_logview_line_time(const char *line)
{
        const char *p = line;
        struct tm tm = {0};
        const char *end;

        while (isdigit((unsigned char)*p))
                p++;
        if (p - line >= 9 && p - line <= 12 && *p == '.') /* hamrd: SECONDS.USEC */
                return strtoll(line, NULL, 10);
        end = strptime(line, "%Y-%m-%dT%H:%M:%S", &tm); /* clutils.log, UTC */
        if (!end || (*end != '.' && *end != 'Z' && *end != ' '))
                return -1;
        return (long long)timegm(&tm);
}

static int set_attr(struct cli_cmd *cmd, struct cli_logq *q, const char *key, const char *val)
{
        char *end;

        if (!*val)
                return cli_fail(cmd, CLMGR_RC_INVALID, "view log: %s is empty", key);
        if (cli_has_prefix_ci("NODE", key)) {
                free(q->node);
                q->node = zstrdup(val);
        } else if (cli_has_prefix_ci("GROUP", key)) {
                free(q->group);
                q->group = zstrdup(val);
        } else if (cli_has_prefix_ci("FILTER", key)) {
                free(q->filter);
                q->filter = zstrdup(val);
        } else if (cli_has_prefix_ci("EVENT", key)) {
                size_t k, n = sizeof(event_names) / sizeof(event_names[0]);

                for (k = 0; k < n && strcmp(val, event_names[k]) != 0; k++)
                        ;
                if (k == n)
                        return cli_fail(cmd, CLMGR_RC_INVALID,
                                        "view log: EVENT='%s' is not an event of hamr.out "
                                        "(allowed: node_up, node_down, rg_move_acquire, "
                                        "rg_move_release, rg_move_complete, get_disk_vg_fs, "
                                        "release_vg_fs, acquire_service_addr, "
                                        "release_service_addr, start_server, stop_server, "
                                        "server_down, server_restart, event_error, "
                                        "node_up_complete, node_down_complete, notify; a "
                                        "custom event shows with the event it runs in)",
                                        val);
                free(q->event);
                q->event = zstrdup(val);
        } else if (cli_has_prefix_ci("SINCE", key)) {
                if (cli_logview_parse_since(val, &q->since) < 0)
                        return cli_fail(cmd, CLMGR_RC_INVALID,
                                        "view log: SINCE='%s' is not a time (allowed: "
                                        "\"YYYY-MM-DD HH:MM\", \"YYYY-MM-DD HH:MM:SS\" or "
                                        "YYYY-MM-DD, local time)",
                                        val);
                q->have_since = true;
        } else if (cli_has_prefix_ci("TAIL", key)) {
                errno = 0;
                q->tail = strtol(val, &end, 10);
                if (errno || *end || q->tail < 1 || q->tail > CLI_LOG_TAIL_MAX)
                        return cli_fail(cmd, CLMGR_RC_INVALID,
                                        "view log: TAIL='%s' is not a number of lines (allowed: "
                                        "1 to %d)",
                                        val, CLI_LOG_TAIL_MAX);
        } else {
                return cli_fail(cmd, CLMGR_RC_INVALID,
                                "view log: unknown attribute '%s' (allowed: " ATTRS ")", key);
        }
        return 0;
}

int cli_build_view_log(struct cli_cmd *cmd, char *const pos[], int npos)
{
        struct cli_logq *q = zcalloc(1, sizeof(*q));
        int i = 0, r = 0;

        q->log = CLI_LOG_LIST;
        cmd->logq = q;
        cmd->show = CLI_SHOW_LOG;
        if (npos > 0 && !strchr(pos[0], '=')) {
                int id = lookup_log(pos[0]);
                if (id < 0)
                        return cli_fail(cmd, CLMGR_RC_INVALID,
                                        "view log: unknown log '%s' (allowed: clutils.log, "
                                        "hamrd, hamr.out (hacmp.out); 'clmgr view log' lists "
                                        "them)",
                                        pos[0]);
                q->log = (enum cli_log_id)id;
                i = 1;
        }
        for (; i < npos && r == 0; i++) {
                const char *eq = strchr(pos[i], '=');
                char *key, *val;

                if (!eq || eq == pos[i])
                        return cli_fail(cmd, CLMGR_RC_INVALID,
                                        "view log: invalid argument '%s': expected ATTR=VALUE "
                                        "(" ATTRS ")",
                                        pos[i]);
                key = zstrndup(pos[i], (size_t)(eq - pos[i]));
                val = cli_unquote(eq + 1);
                r = set_attr(cmd, q, key, val);
                free(key);
                free(val);
        }
        if (r == 0 && q->log == CLI_LOG_LIST &&
            (q->group || q->filter || q->have_since || q->tail || q->event))
                return cli_fail(cmd, CLMGR_RC_MISSING,
                                "view log: GROUP, SINCE, TAIL, FILTER and EVENT need a log name "
                                "(clutils.log, hamrd or hamr.out)");
        if (r == 0 && q->event && q->log != CLI_LOG_EVENTS)
                return cli_fail(cmd, CLMGR_RC_INVALID,
                                "view log %s: EVENT= is an attribute of hamr.out (hacmp.out) only",
                                logs[q->log].name);
        return r;
}

int cli_logview_check(const struct cli_logq *q, json_t *status, const char *status_err, char *err,
                      size_t errlen)
{
        json_t *cl = json_object_get(status, "cluster"), *g;
        const char *local = json_string_value(json_object_get(cl, "LOCAL_NODE"));
        size_t i;

        if ((q->node || q->group || q->log == CLI_LOG_HAMRD || q->log == CLI_LOG_EVENTS) &&
            !status) {
                snprintf(err, errlen, "view log: %s needs the local hamrd: %s",
                         q->node                   ? "NODE="
                         : q->group                ? "GROUP="
                         : q->log == CLI_LOG_HAMRD ? "finding hamrd's log"
                                                   : "finding the event log",
                         status_err ? status_err : "no answer");
                return CLMGR_RC_ERROR;
        }
        if (q->node && (!local || strcmp(q->node, local) != 0)) {
                snprintf(err, errlen,
                         "view log: NODE=%s: only this node's logs can be shown (this node is "
                         "%s; run clmgr view log on %s)",
                         q->node, local ? local : "?", q->node);
                return CLMGR_RC_INVALID;
        }
        if (q->group) {
                json_array_foreach(json_object_get(status, "groups"), i, g)
                {
                        const char *name = json_string_value(json_object_get(g, "NAME"));
                        if (name && !strcmp(name, q->group))
                                return 0;
                }
                snprintf(err, errlen,
                         "view log: GROUP=%s: no such resource group in the active "
                         "configuration",
                         q->group);
                return CLMGR_RC_NOT_FOUND;
        }
        return 0;
}

static bool is_word(char c)
{
        return isalnum((unsigned char)c) || c == '_';
}

/* word appears in line with no word character on either side */
static bool names(const char *line, const char *word)
{
        size_t n = strlen(word);

        for (const char *p = strstr(line, word); p; p = strstr(p + 1, word))
                if ((p == line || !is_word(p[-1])) && !is_word(p[n]))
                        return true;
        return false;
}

/* hamr.out: the events GROUP=/EVENT= selected whose lines are still to
 * come (an event's SUMMARY line is its last). */
struct evsel {
        uint64_t *ids;
        size_t n, cap;
};

static bool evsel_has(const struct evsel *s, uint64_t id)
{
        for (size_t i = 0; i < s->n; i++)
                if (s->ids[i] == id)
                        return true;
        return false;
}

static void evsel_set(struct evsel *s, uint64_t id, bool on)
{
        for (size_t i = 0; i < s->n; i++)
                if (s->ids[i] == id) {
                        if (!on)
                                s->ids[i] = s->ids[--s->n];
                        return;
                }
        if (!on)
                return;
        if (s->n == s->cap) {
                s->cap = s->cap ? 2 * s->cap : 16;
                s->ids = zrealloc(s->ids, s->cap * sizeof(*s->ids));
        }
        s->ids[s->n++] = id;
}

/* A hamr.out line "TIME #ID TEXT": the ID and where TEXT begins, or 0. */
static uint64_t event_id(const char *line, const char **text)
{
        const char *p = strchr(line, ' ');
        char *end;
        uint64_t id;

        if (!p || p[1] != '#' || !isdigit((unsigned char)p[2]))
                return 0;
        id = strtoull(p + 2, &end, 10);
        if (*end != ' ')
                return 0;
        *text = end + 1;
        return id;
}

/* Does line pass GROUP=/EVENT= (hamr.out: by the event it belongs to)? */
static bool event_pass(const struct cli_logq *q, struct evsel *sel, const char *line)
{
        static const char start[] = "EVENT START: ";
        const char *text, *in;
        uint64_t id = event_id(line, &text);

        if (!id) /* not an event's line */
                return !q->event && (!q->group || names(line, q->group));
        if (!strncmp(text, start, sizeof(start) - 1)) {
                const char *name = text + sizeof(start) - 1;
                size_t nl = strcspn(name, " \n");
                bool on;

                in = strstr(name, " (in #");
                on = in && evsel_has(sel, strtoull(in + 6, NULL, 10));
                if (!on)
                        on = (!q->event ||
                              (strlen(q->event) == nl && !strncmp(name, q->event, nl))) &&
                             (!q->group || names(name, q->group));
                evsel_set(sel, id, on);
                return on;
        }
        if (!evsel_has(sel, id))
                return false;
        if (!strncmp(text, "EVENT SUMMARY: ", 15))
                evsel_set(sel, id, false);
        return true;
}

int cli_logview_filter(const struct cli_logq *q, FILE *in, FILE *out)
{
        struct evsel sel = {0};
        bool by_event = q->log == CLI_LOG_EVENTS && (q->event || q->group);
        char **ring = q->tail ? zcalloc((size_t)q->tail, sizeof(char *)) : NULL;
        size_t cap = 0, head = 0, count = 0;
        char *line = NULL;
        bool after = !q->have_since; /* the last timed line was at or after SINCE */
        ssize_t n;

        while (!ferror(out) && (n = getline(&line, &cap, in)) >= 0) {
                long long t = cli_logview_line_time(line);

                if (t >= 0 && q->have_since)
                        after = t >= (long long)q->since;
                if (by_event ? !event_pass(q, &sel, line) : q->group && !names(line, q->group))
                        continue;
                if (!after || (q->filter && !strstr(line, q->filter)))
                        continue;
                if (!ring) {
                        fputs(line, out);
                        if (n > 0 && line[n - 1] != '\n')
                                fputc('\n', out);
                        continue;
                }
                free(ring[head]);
                ring[head] = zstrdup(line);
                head = (head + 1) % (size_t)q->tail;
                if (count < (size_t)q->tail)
                        count++;
        }
        free(line);
        free(sel.ids);
        if (ring) {
                size_t start = (head + (size_t)q->tail - count) % (size_t)q->tail;
                for (size_t k = 0; k < count && !ferror(out); k++) {
                        const char *l = ring[(start + k) % (size_t)q->tail];
                        fputs(l, out);
                        if (*l && l[strlen(l) - 1] != '\n')
                                fputc('\n', out);
                }
                for (long k = 0; k < q->tail; k++)
                        free(ring[k]);
                free(ring);
        }
        if (fflush(out) != 0 || ferror(out))
                return errno == EPIPE ? -EPIPE : -EIO;
        return ferror(in) ? -ENODATA : 0;
}

const char *cli_logview_hamrd_log(json_t *status)
{
        const char *s =
            json_string_value(json_object_get(json_object_get(status, "cluster"), "LOG"));
        return s ? s : "";
}

const char *cli_logview_event_log(json_t *status)
{
        const char *s =
            json_string_value(json_object_get(json_object_get(status, "cluster"), "EVENT_LOG"));
        return s ? s : "";
}

void cli_logview_list(FILE *f, const char *clutils_path, json_t *status)
{
        const char *h = cli_logview_hamrd_log(status), *ev = cli_logview_event_log(status);
        char where[512];

        if (!status)
                snprintf(where, sizeof(where),
                         "unknown: hamrd is not reachable (under systemd: journalctl -u hamrd)");
        else if (!strcmp(h, "journal"))
                snprintf(where, sizeof(where), "the journal (journalctl -u hamrd)");
        else if (*h)
                snprintf(where, sizeof(where), "%s", h);
        else
                snprintf(where, sizeof(where),
                         "not kept: hamrd's stderr is a terminal or pipe (run it under systemd or "
                         "with its stderr to a file)");
        fprintf(f, "%-12s %s\n", "Log", "Location and content");
        fprintf(f, "%-12s %s\n%-12s   %s\n", logs[CLI_LOG_CLUTILS].name, clutils_path, "",
                logs[CLI_LOG_CLUTILS].content);
        fprintf(f, "%-12s %s\n%-12s   %s\n", logs[CLI_LOG_HAMRD].name, where, "",
                logs[CLI_LOG_HAMRD].content);
        fprintf(f, "%-12s %s\n%-12s   %s\n", logs[CLI_LOG_EVENTS].name,
                !status ? "unknown: hamrd is not reachable"
                : *ev   ? ev
                        : "not kept: hamrd could not open it (see its log)",
                "", logs[CLI_LOG_EVENTS].content);
        fprintf(f, "\nclmgr view log NAME [NODE=<this node>] [GROUP=<rg>] [SINCE=\"YYYY-MM-DD "
                   "HH:MM\"] [TAIL=<n>] [FILTER=<text>] [EVENT=<event> (hamr.out)]\n");
}

void cli_logview_help(FILE *f)
{
        fprintf(f, "usage: clmgr view log [clutils.log|hamrd|hamr.out] [NODE=<this node>]\n"
                   "                      [GROUP=<rg>] [SINCE=\"YYYY-MM-DD HH:MM\"] [TAIL=<n>]\n"
                   "                      [FILTER=<text>] [EVENT=<event>]\n"
                   "  Without a name: the logs and where they are. clutils.log: clmgr's commands\n"
                   "  and their results; hamrd (also hamrd.log, clstrmgr.debug): the cluster\n"
                   "  manager's log, from its file or the journal. GROUP: lines naming the group;\n"
                   "  SINCE: lines from then on (local time); TAIL: the last n lines; FILTER:\n"
                   "  lines containing the text. NODE: only this node's logs are shown.\n"
                   "  hamr.out (also hacmp.out): the event log; there GROUP and EVENT (an\n"
                   "  event's name, e.g. start_server) show whole events: their start, lines,\n"
                   "  completion and the events inside them.\n");
}
