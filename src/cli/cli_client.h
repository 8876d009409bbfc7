/* cli_client: clmgr's I/O edge: one JSON request/reply over hamrd's unix
 * socket, and the clutils.log lines. */
#pragma once
#include <jansson.h>
#include <stddef.h>

#include "common/hamr_time.h"

#define CLI_DEFAULT_SOCKET   "/run/hamr/hamrd.sock"
#define CLI_DEFAULT_LOG_PATH "/var/log/hamr/clutils.log"

/* $HAMR_SOCKET or the default path (static or environment storage). */
const char *cli_client_socket_path(void);

/* Connects to path, writes req (borrowed) and a newline, reads one reply
 * line within timeout_usec. *ret_reply (owned by caller) is the parsed reply
 * object. On failure returns a negative errno (-EPROTO: malformed reply,
 * -ETIMEDOUT) and writes a message to err: "cannot reach hamrd at PATH: ..."
 * when the connection could not be made, other text otherwise. */
int cli_client_call(const char *path, json_t *req, usec_t timeout_usec, json_t **ret_reply,
                    char *err, size_t errlen);

/* Parses one reply line (in, NUL-terminated; text after the first JSON
 * value is ignored). 0 and *ret_reply (owned by the caller) if it is a JSON
 * object; else -EPROTO and a message naming path (in) in err. */
int cli_client_reply_parse(const char *line, const char *path, json_t **ret_reply, char *err,
                           size_t errlen);

/* clutils.log ($HAMR_CLUTILS_LOG or /var/log/hamr/clutils.log, directory
 * created): start appends the command line (time, uid, pid, transaction id,
 * argv; cli_log.h) and remembers the start time; end appends the return
 * code, the elapsed time and the error message (NULL or "" = none). Best
 * effort: failures are ignored. trans_id may be NULL. */
void cli_client_log_start(int argc, char *const argv[], const char *trans_id);
void cli_client_log_end(int rc, const char *error);
