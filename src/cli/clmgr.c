/* clmgr: main of the hamr command-line tool (also run as clRGinfo): parse,
 * send the request(s) to the local hamrd, print the reply, and for runtime
 * operations poll status until the effect is visible or TIMEOUT passes. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli_client.h"
#include "cli/cli_clstat.h"
#include "cli/cli_logview.h"
#include "cli/cli_output.h"
#include "cli/cli_parse.h"
#include "cli/cli_report.h"
#include "cli/cli_snapshot.h"
#include "common/hamr_alloc.h"
#include "common/hamr_error.h"

#define REQUEST_TIMEOUT_USEC     (300 * USEC_PER_SEC)
#define STATUS_CALL_TIMEOUT_USEC (10 * USEC_PER_SEC)
#define TIMERS_CALL_TIMEOUT_USEC (2 * USEC_PER_SEC) /* the timers of a status: never long */
#define POLL_INTERVAL_USEC       (100 * USEC_PER_MSEC)
/* A runtime command (start, stop, online, move) refused for want of
 * quorum is tried again for this long (bounded by TIMEOUT): right after
 * the first sync the other nodes take a moment to read the configuration
 * and join, and `clmgr sync cluster; clmgr start cluster` must just work. */
#define QUORUM_WAIT_USEC (15 * USEC_PER_SEC)

/* clmgr exit code of a reply: 0 if ok, else its rc (1 if absent or odd). */
static int reply_rc(json_t *reply)
{
        json_t *rc;

        if (json_is_true(json_object_get(reply, "ok")))
                return CLMGR_RC_OK;
        rc = json_object_get(reply, "rc");
        if (json_is_integer(rc) && json_integer_value(rc) > 0 && json_integer_value(rc) < 126)
                return (int)json_integer_value(rc);
        return CLMGR_RC_ERROR;
}

static const char *reply_error(json_t *reply)
{
        const char *e = json_string_value(json_object_get(reply, "error"));
        return e && *e ? e : "hamrd refused the request without saying why";
}

/* The first error clmgr reported, for the end line of clutils.log. */
static char *first_error;

static void remember_error(const char *text)
{
        if (!first_error) {
                first_error = zstrdup(text);
                return;
        }
        /* a detail of the first error (the last status observed): keep it */
        char *both = NULL;
        if (asprintf(&both, "%s%s", first_error, text) >= 0) {
                free(first_error);
                first_error = both;
        }
}

/* Prints "ERROR: " and the message (fmt ends with a newline) to stderr and
 * remembers it for clutils.log. */
static void report_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report_error(const char *fmt, ...)
{
        char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        fprintf(stderr, "ERROR: %s", msg ? msg : "(out of memory)\n");
        if (msg && !first_error)
                first_error = zstrdup(msg);
        free(msg);
}

static void sleep_usec(usec_t us)
{
        struct timespec ts = {.tv_sec = (time_t)(us / USEC_PER_SEC),
                              .tv_nsec = (long)(us % USEC_PER_SEC) * 1000};
        while (nanosleep(&ts, &ts) < 0)
                ;
}

/* Prints text with every line indented by two spaces. */
static void print_indented(FILE *f, const char *text)
{
        fputs("  ", f);
        for (const char *p = text; *p; p++) {
                fputc(*p, f);
                if (*p == '\n')
                        fputs("  ", f);
        }
        fputc('\n', f);
}

static int wait_for(struct cli_cmd *cmd, const char *path)
{
        struct cli_wait *w = &cmd->wait;
        usec_t deadline = now_usec() + w->timeout_usec;
        json_t *req = json_pack("{ss}", "op", "status");
        char *last = NULL, err[1024];
        int rc = CLMGR_RC_ERROR;

        if (w->timeout_usec == 0) {
                printf("request accepted (TIMEOUT=0: not waiting for the result)\n");
                json_decref(req);
                return CLMGR_RC_OK;
        }
        for (;;) {
                usec_t now = now_usec(), left = deadline > now ? deadline - now : 0;
                usec_t call_timeout = left < USEC_PER_SEC               ? USEC_PER_SEC
                                      : left > STATUS_CALL_TIMEOUT_USEC ? STATUS_CALL_TIMEOUT_USEC
                                                                        : left;
                json_t *st = NULL;
                char *text = NULL;
                int r;

                r = cli_client_call(path, req, call_timeout, &st, err, sizeof(err));
                if (r == 0 && reply_rc(st) == CLMGR_RC_OK) {
                        enum cli_wait_result res = cli_wait_check(w, st, &text);

                        if (res == CLI_WAIT_DONE) {
                                printf("%s\n", text);
                                rc = CLMGR_RC_OK;
                        } else if (res == CLI_WAIT_FAILED) {
                                fprintf(stderr, "%s\n", text);
                                remember_error(text);
                                rc = CLMGR_RC_ERROR;
                        }
                        if (res != CLI_WAIT_PENDING) {
                                free(text);
                                json_decref(st);
                                break;
                        }
                } else if (r == 0) {
                        if (asprintf(&text, "status request failed: %s", reply_error(st)) < 0)
                                text = NULL;
                } else {
                        text = zstrdup(err);
                }
                json_decref(st);
                if (text) {
                        free(last);
                        last = text;
                }
                now = now_usec();
                if (now >= deadline) {
                        char *goal = cli_wait_goal(w);

                        report_error("timed out after %g s waiting for %s; last observed:\n",
                                     (double)w->timeout_usec / (double)USEC_PER_SEC, goal);
                        if (last)
                                remember_error(last);
                        print_indented(stderr, last ? last : "nothing (no status answer)");
                        free(goal);
                        rc = CLMGR_RC_ERROR;
                        break;
                }
                sleep_usec(deadline - now < POLL_INTERVAL_USEC ? deadline - now
                                                               : POLL_INTERVAL_USEC);
        }
        free(last);
        json_decref(req);
        return rc;
}

/* Snapshot FILE=: add imports the file (its text goes in the request);
 * query writes the snapshot's text to it after the reply. */
#define SNAPSHOT_FILE_MAX (1u << 20)

static int snapshot_import(struct cli_cmd *cmd)
{
        json_t *req = json_array_get(cmd->requests, 0);
        FILE *f;
        char *buf;
        size_t n;

        if (!cmd->file || cmd->show != CLI_SHOW_SNAP_ADD)
                return CLMGR_RC_OK;
        f = fopen(cmd->file, "re");
        if (!f) {
                report_error("add snapshot: FILE=%s cannot be read: %m\n", cmd->file);
                return CLMGR_RC_INVALID;
        }
        buf = zalloc(SNAPSHOT_FILE_MAX + 1);
        n = fread(buf, 1, SNAPSHOT_FILE_MAX + 1, f);
        fclose(f);
        if (n > SNAPSHOT_FILE_MAX || memchr(buf, 0, n)) {
                report_error("add snapshot: FILE=%s is not a snapshot text (binary, or over "
                             "%u bytes)\n",
                             cmd->file, SNAPSHOT_FILE_MAX);
                free(buf);
                return CLMGR_RC_INVALID;
        }
        json_object_set_new(req, "text", json_string(buf));
        free(buf);
        return CLMGR_RC_OK;
}

static int snapshot_export(const struct cli_cmd *cmd, json_t *reply)
{
        json_t *objs = json_object_get(reply, "objects");
        const char *text = json_string_value(json_object_get(json_array_get(objs, 0), "TEXT"));
        FILE *f;

        if (!cmd->file || cmd->show != CLI_SHOW_SNAP_QUERY)
                return CLMGR_RC_OK;
        if (!text) {
                report_error("unexpected reply from hamrd (no snapshot text)\n");
                return CLMGR_RC_ERROR;
        }
        f = fopen(cmd->file, "we");
        if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
                report_error("query snapshot: FILE=%s cannot be written: %m\n", cmd->file);
                return CLMGR_RC_ERROR;
        }
        return CLMGR_RC_OK;
}

#define FACTS_CALL_TIMEOUT_USEC (20 * USEC_PER_SEC) /* hamrd gathers for 15 s at most */

/* verify and sync: the checks of the verified configuration (a verify
 * reply's "checks") run on every member (operation facts); their answer
 * goes into `into` as "nodes" (or a warning when it could not be asked).
 * Returns the number of errors the nodes found. */
static int verify_on_nodes(const char *path, json_t *verify_reply, json_t *into)
{
        json_t *req, *rep = NULL, *n, *w;
        char err[1024];
        size_t i;
        int errors = 0;

        req = json_pack("{s:s, s:O}", "op", "facts", "checks",
                        json_object_get(verify_reply, "checks")
                            ? json_object_get(verify_reply, "checks")
                            : json_array());
        if (cli_client_call(path, req, FACTS_CALL_TIMEOUT_USEC, &rep, err, sizeof(err)) < 0 ||
            reply_rc(rep) != CLMGR_RC_OK) {
                char line[1200];
                snprintf(line, sizeof(line), "the nodes could not be verified: %s",
                         rep ? reply_error(rep) : err);
                if (!json_is_array(json_object_get(into, "warnings")))
                        json_object_set_new(into, "warnings", json_array());
                json_array_append_new(json_object_get(into, "warnings"), json_string(line));
                json_decref(req);
                json_decref(rep);
                return 0;
        }
        json_object_set(into, "nodes", json_object_get(rep, "nodes"));
        if (json_object_get(rep, "rto"))
                json_object_set(into, "rto", json_object_get(rep, "rto"));
        json_array_foreach(json_object_get(rep, "warnings"), i, w)
        {
                if (!json_is_array(json_object_get(into, "warnings")))
                        json_object_set_new(into, "warnings", json_array());
                json_array_append(json_object_get(into, "warnings"), w);
        }
        json_array_foreach(json_object_get(rep, "nodes"), i, n) errors +=
            (int)json_array_size(json_object_get(n, "ERRORS"));
        json_decref(req);
        json_decref(rep);
        return errors;
}

/* sync: verify first, on the nodes too; a failure stops it (nothing is
 * synchronized). Returns CLMGR_RC_OK to go on. */
static int sync_precheck(const char *path, const struct cli_cmd *cmd, json_t **ret_nodes)
{
        json_t *req = json_pack("{s:s}", "op", "verify"), *rep = NULL, *into = json_object();
        char err[1024];
        int rc;

        *ret_nodes = NULL;
        if (cli_client_call(path, req, REQUEST_TIMEOUT_USEC, &rep, err, sizeof(err)) < 0) {
                report_error("%s\n", err);
                rc = CLMGR_RC_ERROR;
                goto out;
        }
        rc = reply_rc(rep);
        if (rc != CLMGR_RC_OK) {
                report_error("%s\n", reply_error(rep));
                goto out;
        }
        if (verify_on_nodes(path, rep, into) > 0) {
                cli_output_node_checks(stdout, &cmd->opts, into);
                report_error("verification on the nodes failed: nothing was "
                             "synchronized (fix the errors above, or their nodes' files, "
                             "then sync again)\n");
                rc = CLMGR_RC_ERROR;
                goto out;
        }
        *ret_nodes = json_incref(into);
out:
        json_decref(into);
        json_decref(req);
        json_decref(rep);
        return rc;
}

static int run(struct cli_cmd *cmd)
{
        const char *path = cli_client_socket_path();
        json_t *reply = NULL, *req, *node_checks = NULL;
        char err[1024];
        size_t i;
        int rc = CLMGR_RC_OK;

        if (cmd->wait.kind >= CLI_WAIT_RG_ONLINE && cmd->wait.timeout_usec > 0) {
                /* Remember groups already in ERROR so an old error is not taken for the answer. */
                json_t *st = NULL, *status_req = json_pack("{ss}", "op", "status");

                if (cli_client_call(path, status_req, STATUS_CALL_TIMEOUT_USEC, &st, err,
                                    sizeof(err)) == 0 &&
                    reply_rc(st) == CLMGR_RC_OK)
                        cli_wait_prime(&cmd->wait, st);
                json_decref(st);
                json_decref(status_req);
        }
        rc = snapshot_import(cmd);
        if (rc != CLMGR_RC_OK)
                return rc;
        if (cmd->show == CLI_SHOW_SYNC) {
                rc = sync_precheck(path, cmd, &node_checks);
                if (rc != CLMGR_RC_OK)
                        return rc;
        }
        json_array_foreach(cmd->requests, i, req)
        {
                json_decref(reply);
                reply = NULL;
                if (cmd->opts.verbose) {
                        char *s = json_dumps(req, JSON_COMPACT);
                        fprintf(stderr, "clmgr: request %s\n", s ? s : "?");
                        free(s);
                }
                usec_t quorum_until =
                    now_usec() + (cmd->wait.timeout_usec < QUORUM_WAIT_USEC ? cmd->wait.timeout_usec
                                                                            : QUORUM_WAIT_USEC);
                for (;;) {
                        if (cli_client_call(path, req, REQUEST_TIMEOUT_USEC, &reply, err,
                                            sizeof(err)) < 0) {
                                report_error("%s\n", err);
                                return CLMGR_RC_ERROR;
                        }
                        if (cmd->wait.kind == CLI_WAIT_NONE || reply_rc(reply) == CLMGR_RC_OK ||
                            !strstr(reply_error(reply), "no quorum") || now_usec() >= quorum_until)
                                break;
                        json_decref(reply);
                        reply = NULL;
                        usleep((useconds_t)(2 * POLL_INTERVAL_USEC));
                }
                rc = reply_rc(reply);
                if (rc != CLMGR_RC_OK) {
                        report_error("%s\n", reply_error(reply));
                        goto out;
                }
        }
        if (cmd->show == CLI_SHOW_STATUS && reply &&
            (cmd->opts.show_timers || cmd->opts.format == CLI_FMT_TEXT)) {
                /* pending timers are the coordinator's: ask it (forwarded),
                 * briefly, so that status never hangs on them; the text
                 * view always, -j and -c only with -t (scripts poll them) */
                json_t *treq = json_pack("{ss}", "op", "timers"), *trep = NULL;
                bool quorum =
                    json_is_true(json_object_get(json_object_get(reply, "cluster"), "QUORUM"));
                int tr = -1;

                /* without quorum the coordinator may not be reachable: do
                 * not tie up one of hamrd's forwarding slots for nothing */
                if (!quorum)
                        snprintf(err, sizeof(err), "no quorum: the coordinator is not known");
                else
                        tr = cli_client_call(path, treq, TIMERS_CALL_TIMEOUT_USEC, &trep, err,
                                             sizeof(err));

                if (tr == 0 && reply_rc(trep) == CLMGR_RC_OK)
                        cli_status_add_timers(reply, trep, NULL);
                else if (cmd->opts.show_timers)
                        cli_status_add_timers(reply, NULL, tr < 0 ? err : reply_error(trep));
                json_decref(trep);
                json_decref(treq);
        }
        if (cmd->show == CLI_SHOW_VERIFY && reply) {
                int errors = verify_on_nodes(path, reply, reply);
                if (errors > 0)
                        json_object_set_new(reply, "node_errors", json_integer(errors));
        } else if (cmd->show == CLI_SHOW_SYNC && reply && node_checks) {
                json_t *w;
                size_t k;
                json_object_set(reply, "nodes", json_object_get(node_checks, "nodes"));
                if (json_object_get(node_checks, "rto"))
                        json_object_set(reply, "rto", json_object_get(node_checks, "rto"));
                json_array_foreach(json_object_get(node_checks, "warnings"), k, w)
                {
                        if (!json_is_array(json_object_get(reply, "warnings")))
                                json_object_set_new(reply, "warnings", json_array());
                        json_array_append(json_object_get(reply, "warnings"), w);
                }
        }
        rc = snapshot_export(cmd, reply);
        if (rc != CLMGR_RC_OK)
                goto out;
        if ((cli_snapshot_shows(cmd) ? cli_output_snapshot(stdout, cmd, reply)
                                     : cli_output_reply(stdout, cmd, reply)) < 0) {
                report_error("unexpected reply from hamrd\n");
                rc = CLMGR_RC_ERROR;
                goto out;
        }
        fflush(stdout);
        if (cmd->wait.kind != CLI_WAIT_NONE)
                rc = wait_for(cmd, path);
        if (cmd->show == CLI_SHOW_VERIFY &&
            json_integer_value(json_object_get(reply, "node_errors"))) {
                char msg[96];
                snprintf(msg, sizeof(msg),
                         "verification failed on the nodes (%" JSON_INTEGER_FORMAT " error(s))",
                         json_integer_value(json_object_get(reply, "node_errors")));
                remember_error(msg);
                rc = CLMGR_RC_ERROR;
        }
out:
        json_decref(reply);
        json_decref(node_checks);
        return rc;
}

/* Where clutils.log is ($HAMR_CLUTILS_LOG or the default). */
static const char *clutils_path(void)
{
        const char *p = getenv("HAMR_CLUTILS_LOG");
        return p && *p ? p : CLI_DEFAULT_LOG_PATH;
}

/* clmgr view log: asks the local hamrd's status (where it logs, the local
 * node, the groups), then lists the logs or prints one through the filters
 * (cli_logview.c): clutils.log and a hamrd log file are read directly, the
 * journal through journalctl -u hamrd. */
static int view_log(const struct cli_cmd *cmd)
{
        const struct cli_logq *q = cmd->logq;
        json_t *req = json_pack("{ss}", "op", "status"), *st = NULL;
        char err[1024], msg[1400];
        const char *src;
        FILE *in = NULL;
        bool journal = false;
        int rc, r;

        if (cli_client_call(cli_client_socket_path(), req, STATUS_CALL_TIMEOUT_USEC, &st, err,
                            sizeof(err)) == 0 &&
            reply_rc(st) != CLMGR_RC_OK) {
                snprintf(err, sizeof(err), "%s", reply_error(st));
                json_decref(st);
                st = NULL;
        }
        json_decref(req);
        if (q->log == CLI_LOG_LIST) {
                rc = cli_logview_check(q, st, err, msg, sizeof(msg));
                if (rc == CLMGR_RC_OK)
                        cli_logview_list(stdout, clutils_path(), st);
                goto out;
        }
        rc = cli_logview_check(q, st, err, msg, sizeof(msg));
        if (rc != CLMGR_RC_OK)
                goto out;
        src = q->log == CLI_LOG_CLUTILS  ? clutils_path()
              : q->log == CLI_LOG_EVENTS ? cli_logview_event_log(st)
                                         : cli_logview_hamrd_log(st);
        if (q->log == CLI_LOG_EVENTS && !*src) {
                snprintf(msg, sizeof(msg),
                         "view log hamr.out: the event log is not kept: hamrd could not open it "
                         "(see its log; hamrd --event-log PATH)");
                rc = CLMGR_RC_NOT_FOUND;
                goto out;
        }
        if (q->log == CLI_LOG_HAMRD && !*src) {
                snprintf(msg, sizeof(msg),
                         "view log hamrd: hamrd's log is not kept: its stderr is a terminal or "
                         "a pipe (run it under systemd, or with its stderr to a file)");
                rc = CLMGR_RC_NOT_FOUND;
                goto out;
        }
        journal = q->log == CLI_LOG_HAMRD && !strcmp(src, "journal");
        signal(SIGPIPE, SIG_IGN); /* a closed output ends the view (EPIPE) */
        in = journal ? popen("journalctl -u hamrd -o cat --no-pager", "re") : fopen(src, "re");
        if (!in) {
                int e = errno;
                snprintf(msg, sizeof(msg), "view log %s: cannot read %s: %m",
                         q->log == CLI_LOG_CLUTILS  ? "clutils.log"
                         : q->log == CLI_LOG_EVENTS ? "hamr.out"
                                                    : "hamrd",
                         journal ? "the journal (journalctl)" : src);
                rc = e == ENOENT ? CLMGR_RC_NOT_FOUND : CLMGR_RC_ERROR;
                goto out;
        }
        r = cli_logview_filter(q, in, stdout);
        if (r == -EPIPE) {
                /* the reader went away (clmgr view log hamrd | head): done;
                 * nothing more is written to the closed pipe */
                if (!freopen("/dev/null", "w", stdout)) {
                        snprintf(msg, sizeof(msg), "view log: the output was closed");
                        rc = CLMGR_RC_ERROR;
                }
        } else if (r < 0) {
                snprintf(msg, sizeof(msg), "view log: %s %s failed",
                         r == -ENODATA ? "reading" : "writing the output of",
                         journal ? "the journal" : src);
                rc = CLMGR_RC_ERROR;
        }
        if (journal) {
                int status = pclose(in);
                /* journalctl killed by the closed pipe is not a failure */
                if (rc == CLMGR_RC_OK && r != -EPIPE &&
                    (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
                        snprintf(msg, sizeof(msg),
                                 "view log hamrd: journalctl -u hamrd failed (%s %d)",
                                 WIFEXITED(status) ? "exit status" : "signal",
                                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
                        rc = CLMGR_RC_ERROR;
                }
        } else {
                fclose(in);
        }
out:
        if (rc != CLMGR_RC_OK)
                report_error("%s\n", msg);
        json_decref(st);
        return rc;
}

#define AVAIL_CALL_TIMEOUT_USEC (15 * USEC_PER_SEC) /* hamrd gathers for 5 s at most */

/* clmgr view report: every member's availability records (operation
 * avail), the report computed and printed here (cli_report.c). */
static int view_report(const struct cli_cmd *cmd)
{
        const struct cli_reportq *q = cmd->reportq;
        json_t *req = json_pack("{s:s}", "op", "avail"), *rep = NULL, *report = NULL;
        char err[1024];
        int rc = CLMGR_RC_OK;
        struct timespec ts;

        if (q->have_end)
                json_object_set_new(req, "END_MS", json_integer(q->end_ms));
        if (cli_client_call(cli_client_socket_path(), req, AVAIL_CALL_TIMEOUT_USEC, &rep, err,
                            sizeof(err)) < 0) {
                report_error("view report: %s\n", err);
                rc = CLMGR_RC_ERROR;
                goto out;
        }
        rc = reply_rc(rep);
        if (rc != CLMGR_RC_OK) {
                report_error("%s\n", reply_error(rep));
                goto out;
        }
        clock_gettime(CLOCK_REALTIME, &ts);
        report = cli_report_compute(q, rep, (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
        if (cmd->opts.format == CLI_FMT_JSON) {
                char *s = json_dumps(report, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
                printf("%s\n", s ? s : "{}");
                free(s);
        } else {
                cli_report_print(stdout, report);
        }
out:
        json_decref(report);
        json_decref(rep);
        json_decref(req);
        return rc;
}

static volatile sig_atomic_t clstat_stop;

static void clstat_on_signal(int sig)
{
        (void)sig;
        clstat_stop = 1;
}

/* clstat: asks the local hamrd's status every -r seconds and redraws it
 * (ANSI clear when stdout is a terminal); -o once. Runs until SIGINT or
 * SIGTERM (exit 0) or a write error; a hamrd that does not answer is shown
 * on the screen (exit 1 with -o). */
static int clstat(int argc, char *argv[])
{
        struct sigaction sa = {.sa_handler = clstat_on_signal}; /* no SA_RESTART */
        struct cli_clstat o;
        json_t *req = json_pack("{ss}", "op", "status");
        bool tty = isatty(STDOUT_FILENO);
        char err[1024];
        int rc = cli_clstat_parse(argc, argv, &o, err, sizeof(err));

        if (rc != CLMGR_RC_OK) {
                fprintf(stderr, "ERROR: %s\n", err);
                cli_clstat_usage(stderr);
                goto out;
        }
        if (o.help) {
                cli_clstat_usage(stdout);
                goto out;
        }
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        while (!clstat_stop) {
                json_t *st = NULL;
                usec_t until;
                int r = cli_client_call(cli_client_socket_path(), req, STATUS_CALL_TIMEOUT_USEC,
                                        &st, err, sizeof(err));

                if (r == 0 && reply_rc(st) != CLMGR_RC_OK) {
                        snprintf(err, sizeof(err), "%s", reply_error(st));
                        r = -EPROTO;
                }
                if (clstat_stop) {
                        json_decref(st);
                        break;
                }
                if (tty && !o.once)
                        fputs("\033[H\033[2J", stdout);
                else if (!o.once)
                        fputs("\n", stdout);
                cli_clstat_screen(stdout, &o, r == 0 ? st : NULL, err, time(NULL));
                json_decref(st);
                if (fflush(stdout) != 0 || ferror(stdout)) {
                        rc = CLMGR_RC_ERROR;
                        break;
                }
                if (o.once) {
                        if (r != 0)
                                rc = CLMGR_RC_ERROR;
                        break;
                }
                until = now_usec() + (usec_t)o.refresh * USEC_PER_SEC;
                for (usec_t now = now_usec(); !clstat_stop && now < until; now = now_usec())
                        sleep_usec(until - now < 100 * USEC_PER_MSEC ? until - now
                                                                     : 100 * USEC_PER_MSEC);
        }
out:
        json_decref(req);
        return rc;
}

int main(int argc, char *argv[])
{
        struct cli_cmd cmd;
        int rc;

        if (cli_clstat_wanted(argc, argv))
                return clstat(argc, argv);

        if (cli_parse(argc, argv, &cmd) < 0) {
                cli_client_log_start(argc, argv, cmd.opts.trans_id);
                report_error("%s\n", cmd.error);
                rc = cmd.rc;
                goto out;
        }
        cli_client_log_start(argc, argv, cmd.opts.trans_id);
        if (cmd.kind != CLI_KIND_RUN) {
                if (cli_snapshot_help_wanted(&cmd))
                        cli_snapshot_help(stdout);
                else
                        cli_output_usage(stdout, &cmd);
                rc = CLMGR_RC_OK;
                goto out;
        }
        rc = cmd.show == CLI_SHOW_LOG      ? view_log(&cmd)
             : cmd.show == CLI_SHOW_REPORT ? view_report(&cmd)
                                           : run(&cmd);
out:
        cli_cmd_clear(&cmd);
        if (fflush(stdout) != 0 && rc == CLMGR_RC_OK) {
                report_error("writing the output: %m\n");
                rc = CLMGR_RC_ERROR;
        }
        cli_client_log_end(rc, first_error);
        free(first_error);
        return rc;
}
