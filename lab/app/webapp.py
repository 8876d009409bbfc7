#!/usr/bin/python3
"""hamr demo web app: a small real HTTP server.

GET /        -> "hamr demo app on node <HAMR_NODE> pid <pid> up since <iso time>\n"
GET /health  -> "ok"
Listens on 0.0.0.0:<port> (default 8080, or $HAMR_WEBAPP_PORT, or --port).
Exits cleanly on SIGTERM.
"""
import argparse
import datetime
import http.server
import os
import signal
import sys
import threading

NODE = os.environ.get('HAMR_NODE', 'unknown')
SINCE = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = 'hamr-webapp/1'

    def do_GET(self):
        if self.path == '/':
            body = 'hamr demo app on node %s pid %d up since %s\n' % (NODE, os.getpid(), SINCE)
            code = 200
        elif self.path == '/health':
            body, code = 'ok', 200
        else:
            body, code = 'not found\n', 404
        data = body.encode()
        self.send_response(code)
        self.send_header('Content-Type', 'text/plain; charset=utf-8')
        self.send_header('Content-Length', str(len(data)))
        self.send_header('Connection', 'close')
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):  # keep the log quiet
        pass


class Server(http.server.ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 128


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, default=int(os.environ.get('HAMR_WEBAPP_PORT', '8080')))
    ap.add_argument('--bind', default='0.0.0.0')
    a = ap.parse_args()
    srv = Server((a.bind, a.port), Handler)

    def stop(_sig, _frm):
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    print('webapp: node %s pid %d listening on %s:%d' % (NODE, os.getpid(), a.bind, a.port),
          file=sys.stderr, flush=True)
    try:
        srv.serve_forever(poll_interval=0.2)
    finally:
        srv.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
