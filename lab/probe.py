#!/usr/bin/python3
"""Availability probe, run in the lab's client namespace.

  ip netns exec <prefix>-cl /usr/bin/python3 probe.py \
      --url http://198.18.0.50:8080/ --interval 0.01 --timeout 0.1 --duration 30

Prints one JSON line per change of (ok, node):
  {"t": <time.monotonic()>, "ok": true|false, "node": "<node>"|null}
and at the end one summary line:
  {"summary": true, "t_start", "t_end", "samples", "ok_samples", "fail_samples",
   "outages": [{"start", "end", "duration"}], "max_outage", "total_outage",
   "nodes": [nodes seen in order], "switches": [{"t", "from", "to"}]}
An outage runs from the first failed request to the first good one after it
(an outage still open at the end has "end": null).  CLOCK_MONOTONIC is shared
by all namespaces, so "t" compares with the lab's fault times.
Standard library only; no import of hamrlab (fast start).
"""
import argparse
import json
import signal
import re
import socket
import sys
import time

NODE_RE = re.compile(r'on node (\S+)')


def http_get(host, port, path, timeout):
    deadline = time.monotonic() + timeout

    def left():
        t = deadline - time.monotonic()
        if t <= 0:
            raise socket.timeout('timed out')
        return t

    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.settimeout(left())
        s.connect((host, port))
        s.settimeout(left())
        s.sendall(('GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n'
                   % (path, host)).encode())
        chunks = []
        while True:
            s.settimeout(left())
            b = s.recv(65536)
            if not b:
                break
            chunks.append(b)
    finally:
        s.close()
    data = b''.join(chunks)
    head, _, body = data.partition(b'\r\n\r\n')
    m = re.match(rb'HTTP/\d\.\d (\d+)', head)
    if not m:
        raise OSError('bad response')
    return int(m.group(1)), body.decode('utf-8', 'replace')


def parse_url(url):
    m = re.match(r'^http://([^/:]+)(?::(\d+))?(/.*)?$', url)
    if not m:
        raise SystemExit('probe: unsupported url %r' % url)
    return m.group(1), int(m.group(2) or 80), m.group(3) or '/'


def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--url', default='http://198.18.0.50:8080/')
    ap.add_argument('--interval', type=float, default=0.01)
    ap.add_argument('--timeout', type=float, default=0.1)
    ap.add_argument('--duration', type=float, default=30.0)
    a = ap.parse_args(argv)

    def on_term(_sig, _frm):  # SIGTERM: stop early, still print the summary
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    host, port, path = parse_url(a.url)

    t_start = time.monotonic()
    t_end = t_start + a.duration
    prev = None
    samples = ok_n = 0
    outages = []
    nodes = []
    switches = []
    last_node = None
    k = 0
    try:
        while True:
            now = time.monotonic()
            if now >= t_end:
                break
            t = now
            node = None
            try:
                st, body = http_get(host, port, path, min(a.timeout, max(0.001, t_end - now)))
                ok = st == 200
                m = NODE_RE.search(body)
                node = m.group(1) if m else None
            except OSError:
                ok = False
            samples += 1
            if ok:
                ok_n += 1
                if outages and outages[-1]['end'] is None:
                    outages[-1]['end'] = t
                    outages[-1]['duration'] = t - outages[-1]['start']
                if node and node != last_node:
                    if last_node is not None:
                        switches.append({'t': t, 'from': last_node, 'to': node})
                    last_node = node
                    if node not in nodes:
                        nodes.append(node)
            elif not outages or outages[-1]['end'] is not None:
                outages.append({'start': t, 'end': None, 'duration': None})
            cur = (ok, node)
            if cur != prev:
                emit({'t': t, 'ok': ok, 'node': node})
                prev = cur
            k += 1
            nxt = t_start + k * a.interval
            now = time.monotonic()
            if nxt > now:
                time.sleep(max(0.0, min(nxt, t_end) - now))
            elif a.interval > 0:
                k = int((now - t_start) / a.interval)  # late: go now, skip missed ticks
    except KeyboardInterrupt:
        pass
    done = [o['duration'] for o in outages if o['duration'] is not None]
    emit({'summary': True, 't_start': t_start, 't_end': time.monotonic(), 'samples': samples,
          'ok_samples': ok_n, 'fail_samples': samples - ok_n, 'outages': outages,
          'max_outage': max(done) if done else 0.0, 'total_outage': sum(done),
          'nodes': nodes, 'switches': switches})
    return 0


if __name__ == '__main__':
    sys.exit(main())
