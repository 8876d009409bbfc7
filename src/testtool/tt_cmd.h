/* tt_cmd: the tool's commands: runs a program with a time bound and its
 * output captured, and builds remote-shell command lines from a template
 * (PowerHA's clrsh: "ssh -o BatchMode=yes root@%n"). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

typedef struct {
        int rc;         /* exit status; 128+N after signal N; -1 not run */
        bool timed_out; /* killed after the time bound */
        char *out;      /* stdout and stderr (first 64 KiB), owned; never NULL */
} tt_cmd_result_t;

/* Runs argv (in; argv[0] a path or a name searched in PATH) in its own
 * process group with stdin from /dev/null; after timeout_s seconds SIGTERM
 * to the group, 2 s later SIGKILL. 0 with *ret filled (free with
 * tt_cmd_result_free), or -errno when it could not start (ret->out says why). */
int tt_cmd_run(char *const argv[], double timeout_s, tt_cmd_result_t *ret);
void tt_cmd_result_free(tt_cmd_result_t *r);

/* Runs the n commands argvs (in) at the same time, each as above, all
 * bounded by the one timeout_s; rets (out, n of them) as above. 0, or the
 * first -errno of a command that could not start (its ret says -1). */
int tt_cmd_run_all(char **const argvs[], size_t n, double timeout_s, tt_cmd_result_t *rets);

/* argv of template tmpl (in: words split at blanks, "%n" replaced by node,
 * "%%" by "%") followed by cmd (in, one argument: a shell command line, as
 * ssh takes it) when cmd is not NULL. NULL-terminated, owned
 * (tt_cmd_argv_free). NULL if tmpl has no word. */
char **tt_cmd_template(const char *tmpl, const char *node, const char *cmd);
void tt_cmd_argv_free(char **argv);

/* s (in) quoted for a POSIX shell ('...'), owned. */
char *tt_cmd_quote(const char *s);

/* The argv joined with blanks (for the log), owned. */
char *tt_cmd_join(char *const argv[]);
