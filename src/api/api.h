/* api: the local control socket (unix stream, JSON lines, root only via
 * SO_PEERCRED). One request per connection; see docs/control-protocol.md.
 * Requests are handed to the daemon with a connection id; the daemon answers
 * later (possibly after a round trip to the coordinator) with api_reply(). */
#pragma once
#include <jansson.h>
#include <stdint.h>
#include <uv.h>

typedef struct api api_t;
/* req is borrowed for the duration of the call. */
typedef void (*api_request_cb)(void *ud, uint32_t conn_id, json_t *req);

/* Listen on path (an existing socket file is replaced). */
int api_start(uv_loop_t *loop, const char *path, api_request_cb cb, void *ud, api_t **ret_api);
void api_stop(api_t *api);
/* Send reply (steals the reference) and close. Unknown/closed conn: dropped. */
void api_reply(api_t *api, uint32_t conn_id, json_t *reply);
/* Convenience: {"ok":false,"error":msg,"rc":rc} */
void api_reply_error(api_t *api, uint32_t conn_id, int rc, const char *msg);

/* The pure request decoding of a connection (no I/O; what the fuzz targets
 * call). Requests longer than API_MAX_REQUEST bytes are refused. */
#define API_MAX_REQUEST (256 * 1024)
/* Appends data (in, n bytes) to the request buffer *buf (in-out, malloc'd or
 * NULL, kept NUL-terminated) of *len bytes. Returns 1 when the buffer holds
 * a whole line (its newline replaced by NUL; the line is the C string at
 * *buf), 0 when more bytes are needed, -EMSGSIZE when the request would
 * exceed API_MAX_REQUEST (the buffer is left as it was). */
int api_frame_feed(char **buf, size_t *len, const void *data, size_t n);
/* Parses one request line (in, NUL-terminated): 0 and *ret_req (owned by
 * the caller) if it is a JSON object, else -EBADMSG. */
int api_request_parse(const char *line, json_t **ret_req);
