#!/usr/bin/env python3
"""A proxy in front of the Docker daemon that counts HTTP requests.

Used by the benchmarks (scripts/bench-idle.sh, bench-churn.sh, bench-remote.sh) to see
how many API requests wharf makes. Every request line (client to daemon) is counted;
the count is written to a file once a second (the container list requests alone to
COUNT_FILE.lists, the one-shot stats readings to COUNT_FILE.stats, and the count of
each kind of request, ids left out, to COUNT_FILE.kinds).

    count_proxy.py LISTEN DAEMON COUNT_FILE

LISTEN and DAEMON are unix socket paths, or tcp://HOST:PORT.
"""
import asyncio
import os
import re
import sys

LISTEN, DAEMON, COUNT_FILE = sys.argv[1], sys.argv[2], sys.argv[3]
REQUEST = re.compile(rb"(GET|POST|PUT|DELETE|HEAD) (/[^ ]*) HTTP/1\.[01]\r\n")
# A request's kind: its path without the API version, ids and query.
KIND = re.compile(rb"^(/v[0-9.]+)?(?P<path>[^?]*)")
ID = re.compile(rb"/[0-9a-f]{12,64}(?=/|$)")
LIST = re.compile(rb"GET /(v[0-9.]+/)?containers/json[? ]")
STATS_ONCE = re.compile(rb"GET /(v[0-9.]+/)?containers/[^/ ]+/stats\?[^ ]*stream=(false|0)")
count = 0
lists = 0
stats_once = 0
kinds = {}


async def pipe(reader, writer, counting):
    global count, lists, stats_once
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if counting:
                for method, path in REQUEST.findall(data):
                    count += 1
                    kind = method + b" " + ID.sub(b"/ID", KIND.match(path).group("path"))
                    kinds[kind] = kinds.get(kind, 0) + 1
                lists += len(LIST.findall(data))
                stats_once += len(STATS_ONCE.findall(data))
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


def tcp(address):
    """(host, port) of a tcp://HOST:PORT address, or None for a socket path."""
    if not address.startswith("tcp://"):
        return None
    host, port = address[len("tcp://"):].rsplit(":", 1)
    return host, int(port)


async def handle(client_reader, client_writer):
    if tcp(DAEMON):
        daemon_reader, daemon_writer = await asyncio.open_connection(*tcp(DAEMON))
    else:
        daemon_reader, daemon_writer = await asyncio.open_unix_connection(DAEMON)
    await asyncio.gather(
        pipe(client_reader, daemon_writer, True),
        pipe(daemon_reader, client_writer, False),
    )


async def report():
    while True:
        with open(COUNT_FILE, "w") as f:
            f.write(str(count))
        # Container list requests alone, beside it (scripts/bench-churn.sh).
        with open(COUNT_FILE + ".lists", "w") as f:
            f.write(str(lists))
        with open(COUNT_FILE + ".stats", "w") as f:
            f.write(str(stats_once))
        # Every kind of request and how many, most first (what a benchmark's requests were).
        with open(COUNT_FILE + ".kinds", "w") as f:
            for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
                f.write(f"{n} {kind.decode(errors='replace')}\n")
        await asyncio.sleep(1)


async def main():
    if tcp(LISTEN):
        server = await asyncio.start_server(handle, *tcp(LISTEN))
    else:
        if os.path.exists(LISTEN):
            os.unlink(LISTEN)
        server = await asyncio.start_unix_server(handle, LISTEN)
    asyncio.create_task(report())
    async with server:
        await server.serve_forever()


asyncio.run(main())
