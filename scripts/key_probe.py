#!/usr/bin/env python3
"""How long a key takes to show on screen, for the benchmarks: wharf runs in a tmux
session; this attaches to it as a control client (`tmux -C`), which hears every byte
wharf writes the moment tmux reads it, and sends keys over the same client. No process
is started per key or per poll (polling `tmux capture-pane` started two processes every
few milliseconds, which on a busy 2-core machine was most of what it measured).

A probe: `?` opens the help, whose title is "Keys"; the time from sending the key to
the first output holding that word is the latency. `q` closes the help again, and the
next probe waits (untimed) until a capture of the pane no longer shows it.

    key_probe.py TMUX_SOCKET SESSION COUNT INTERVAL_SECONDS

Prints one latency in milliseconds per line.
"""
import re
import subprocess
import sys
import threading
import time

SOCKET, SESSION, COUNT, INTERVAL = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
OCTAL = re.compile(rb"\\([0-7]{3})")
ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78NOM])")

client = subprocess.Popen(
    ["tmux", "-L", SOCKET, "-C", "attach-session", "-t", SESSION],
    stdin=subprocess.PIPE,
    stdout=subprocess.PIPE,
    bufsize=0,
)
seen = threading.Condition()
text = ""  # what wharf wrote since the last mark, escape sequences taken out
blocks = []  # answers to commands (capture-pane)


def read():
    global text
    block = None
    for line in client.stdout:
        line = line.rstrip(b"\n")
        if line.startswith(b"%output "):
            payload = line.split(b" ", 2)[2] if line.count(b" ") >= 2 else b""
            raw = OCTAL.sub(lambda m: bytes([int(m.group(1), 8)]), payload)
            with seen:
                text += ESCAPES.sub("", raw.decode("utf-8", "replace"))
                seen.notify_all()
        elif line.startswith(b"%begin"):
            block = []
        elif line.startswith(b"%end") or line.startswith(b"%error"):
            with seen:
                blocks.append(b"\n".join(block or []).decode("utf-8", "replace"))
                seen.notify_all()
            block = None
        elif block is not None:
            block.append(line)


threading.Thread(target=read, daemon=True).start()


def command(cmd):
    client.stdin.write(cmd.encode() + b"\n")


def capture():
    with seen:
        blocks.clear()
    command(f"capture-pane -p -t {SESSION}")
    with seen:
        # The attach itself answers with an empty block first: wait for a capture (a
        # pane's capture is never empty).
        while not any(b.strip() for b in blocks):
            if not seen.wait(10):
                sys.exit("key_probe: no answer from tmux")
        return blocks[-1]


def wait_for(word, deadline):
    with seen:
        while word not in text:
            left = deadline - time.monotonic()
            if left <= 0 or not seen.wait(left):
                return False
        return True


for _ in range(COUNT):
    started_round = time.monotonic()
    while " Keys " in capture():
        time.sleep(0.01)
    with seen:
        text = ""
    start = time.monotonic()
    command(f"send-keys -t {SESSION} ?")
    if not wait_for("Keys", start + 10):
        sys.exit("key_probe: the help did not show within 10 s")
    print(round((time.monotonic() - start) * 1000), flush=True)
    command(f"send-keys -t {SESSION} q")
    time.sleep(max(0.0, INTERVAL - (time.monotonic() - started_round)))
client.terminate()
