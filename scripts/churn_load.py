#!/usr/bin/env python3
"""Container churn for scripts/bench-churn.sh: RATE containers a second are created and
started over the Docker API (one process, a few threads, keep-alive connections), each
running `true` with AutoRemove, so each brings a create, start, die and destroy event.

A CI runner is one client driving the daemon; starting a `docker` client process for
each container (as the first version of the bench did) spent a core on the clients
themselves on a 2-core machine, which is load no user's wharf competes with.

    churn_load.py DAEMON_SOCKET IMAGE LABEL RATE REPORT_FILE

Runs until killed; writes "asked started failed" to REPORT_FILE once a second.
"""
import http.client
import json
import os
import socket
import sys
import threading
import time

SOCKET, IMAGE, LABEL, RATE, REPORT = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
WORKERS = 6


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=30)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


counts = {"asked": 0, "started": 0, "failed": 0}
lock = threading.Lock()
tickets = threading.Semaphore(0)


def call(conn, method, path, body=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, data


def worker():
    conn = UnixConnection(SOCKET)
    while True:
        tickets.acquire()
        try:
            status, data = call(conn, "POST", "/containers/create", {
                "Image": IMAGE,
                "Cmd": ["true"],
                "Labels": {LABEL.split("=")[0]: LABEL.split("=", 1)[1]},
                "HostConfig": {"AutoRemove": True},
            })
            ok = status == 201
            if ok:
                cid = json.loads(data)["Id"]
                status, _ = call(conn, "POST", f"/containers/{cid}/start")
                ok = status == 204
        except (OSError, http.client.HTTPException, ValueError, KeyError):
            ok = False
            conn.close()
            conn = UnixConnection(SOCKET)
        with lock:
            counts["started" if ok else "failed"] += 1


for _ in range(WORKERS):
    threading.Thread(target=worker, daemon=True).start()

# Tickets at the asked rate; a worker takes one when it is free. Tickets the daemon
# cannot keep up with pile up no further than a second's worth (the rate is what is
# asked of the daemon, not a queue that grows without end).
interval = 1.0 / RATE
next_ticket = time.monotonic()
next_report = next_ticket + 1
while True:
    now = time.monotonic()
    if now >= next_ticket:
        with lock:
            backlog = counts["asked"] - counts["started"] - counts["failed"]
            if backlog < RATE:
                counts["asked"] += 1
                tickets.release()
        next_ticket += interval
    if now >= next_report:
        with lock:
            line = f'{counts["asked"]} {counts["started"]} {counts["failed"]}\n'
        with open(REPORT + ".tmp", "w") as out:
            out.write(line)
        os.replace(REPORT + ".tmp", REPORT)
        next_report += 1
    time.sleep(max(0.0, min(next_ticket, next_report) - time.monotonic()))
