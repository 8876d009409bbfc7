#!/usr/bin/python3
"""pgclient: the database client of the lab (run in the client namespace).

Inserts one row at a time into hamr_acks over the service IP, each INSERT
its own transaction (autocommit, synchronous_commit=on: the server answers
after the commit's WAL is flushed), and records every commit the server
acknowledged. Every operation has a deadline (psycopg2 asynchronous
connections + select), so a dead or frozen server costs at most that long
before the client reconnects. Output, one line each, flushed at once
(CLOCK_MONOTONIC times, comparable with the lab's):

  C <t> <node>        connected; node = the server's hostname (lab node)
  A <id> <t> <node>   row <id> acknowledged (committed) by <node>
  E <t> <message>     an error (consecutive identical ones counted: x<N>)

An INSERT whose answer never came (timeout, connection lost) is ambiguous:
not recorded, and the next row gets a new id. SIGTERM ends it.

  pgclient.py --host 198.18.0.51 --out acks.log [--interval 0.005]
  pgclient.py --host 198.18.0.51 --dump        # prints every id in the table
"""
import argparse
import select
import signal
import sys
import time

import psycopg2
import psycopg2.extensions as ext

stop = False


def on_term(*_):
    global stop
    stop = True


def wait(conn, deadline):
    """Drive an asynchronous operation of conn until done, or TimeoutError."""
    while True:
        state = conn.poll()
        if state == ext.POLL_OK:
            return
        left = deadline - time.monotonic()
        if left <= 0 or stop:
            raise TimeoutError("no answer within the deadline")
        if state == ext.POLL_READ:
            select.select([conn.fileno()], [], [], left)
        elif state == ext.POLL_WRITE:
            select.select([], [conn.fileno()], [], left)
        else:
            raise psycopg2.OperationalError("bad poll state %r" % state)


def connect(args):
    conn = psycopg2.connect(host=args.host, port=args.port, user="postgres", dbname="postgres",
                            connect_timeout=max(1, int(args.connect_timeout + 0.999)),
                            async_=True)
    try:
        wait(conn, time.monotonic() + args.connect_timeout)
        cur = conn.cursor()
        for sql in ("SET synchronous_commit TO on",
                    "CREATE TABLE IF NOT EXISTS hamr_acks (id bigint PRIMARY KEY, "
                    "node text, t double precision)",
                    "SELECT trim(pg_read_file('/proc/sys/kernel/hostname'))"):
            cur.execute(sql)
            wait(conn, time.monotonic() + args.op_timeout)
        node = cur.fetchone()[0]
        return conn, cur, node
    except BaseException:
        conn.close()
        raise


def run(args):
    out = open(args.out, "a", buffering=1)
    conn = cur = node = None
    next_id = args.first_id
    last_err, repeats = None, 0

    def err(msg):
        nonlocal last_err, repeats
        if msg == last_err:
            repeats += 1
            return
        if repeats:
            out.write("E %.6f x%d\n" % (time.monotonic(), repeats))
        out.write("E %.6f %s\n" % (time.monotonic(), msg))
        last_err, repeats = msg, 0

    end = time.monotonic() + args.duration
    while not stop and time.monotonic() < end:
        if conn is None:
            try:
                conn, cur, node = connect(args)
                out.write("C %.6f %s\n" % (time.monotonic(), node))
                last_err, repeats = None, 0
            except (psycopg2.Error, TimeoutError, OSError) as e:
                err("connect: " + " ".join(str(e).split())[:200])
                time.sleep(0.01)
                continue
        k = next_id
        next_id += 1
        try:
            cur.execute("INSERT INTO hamr_acks VALUES (%s, %s, %s)", (k, node, time.time()))
            wait(conn, time.monotonic() + args.op_timeout)
            out.write("A %d %.6f %s\n" % (k, time.monotonic(), node))
        except (psycopg2.Error, TimeoutError, OSError) as e:
            err("insert %d: %s" % (k, " ".join(str(e).split())[:200]))
            try:
                conn.close()
            except psycopg2.Error:
                pass
            conn = None
            continue
        if args.interval:
            time.sleep(args.interval)
    if conn is not None:
        conn.close()
    out.close()


def dump(args):
    conn = psycopg2.connect(host=args.host, port=args.port, user="postgres", dbname="postgres",
                            connect_timeout=10)
    with conn.cursor() as cur:
        cur.execute("SELECT id FROM hamr_acks ORDER BY id")
        for (k,) in cur:
            print(k)
    conn.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, default=5432)
    ap.add_argument("--out")
    ap.add_argument("--interval", type=float, default=0.005, help="pause between inserts (s)")
    ap.add_argument("--op-timeout", type=float, default=0.5, help="deadline per statement (s)")
    ap.add_argument("--connect-timeout", type=float, default=0.25)
    ap.add_argument("--duration", type=float, default=600)
    ap.add_argument("--first-id", type=int, default=1)
    ap.add_argument("--dump", action="store_true")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, on_term)
    if args.dump:
        dump(args)
    elif args.out:
        run(args)
    else:
        ap.error("--out or --dump")


if __name__ == "__main__":
    sys.exit(main())
