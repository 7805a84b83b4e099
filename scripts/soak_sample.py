#!/usr/bin/env python3
"""Helper for scripts/soak.sh (not part of the test suite).

    soak_sample.py sample PID CSV [--interval S] [--t0 EPOCH] [--phase-file FILE]
        Every S seconds (default 10) appends one row to CSV about process PID, read from
        /proc: resident memory (VmRSS), peak resident memory (VmHWM), open file
        descriptors (all, and how many are sockets), threads, and CPU seconds used
        (user + system). Elapsed seconds count from --t0 (default: now). The row also
        carries the soak's phase, read from --phase-file. Stops when PID is gone or on
        SIGTERM.

    soak_sample.py report RUN_DIR [--every S] [--warmup S]
        Reads RUN_DIR/samples.csv, RUN_DIR/events.log, RUN_DIR/screen-errors.log and
        RUN_DIR/meta.txt and prints a Markdown report: a table of samples every S
        seconds (default 60), first / last / min / max, the growth over the run after a
        warm-up of S seconds (default 120), the daemon restart and what the screen said.

Tokio tasks are not visible from outside the process; threads and descriptors are what
/proc shows (a leaked task usually holds a descriptor, a socket or memory).
"""
import argparse
import csv
import os
import signal
import sys
import time
from collections import OrderedDict

FIELDS = ["elapsed_s", "time", "rss_kib", "hwm_kib", "fds", "sockets", "threads", "cpu_s", "phase"]


def read_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            out[key] = value.strip()
    return out


def kib(value):
    return int(value.split()[0]) if value else 0


def fd_counts(pid):
    total = sockets = 0
    for name in os.listdir(f"/proc/{pid}/fd"):
        total += 1
        try:
            if os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:"):
                sockets += 1
        except OSError:
            pass  # closed between listdir and readlink
    return total, sockets


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    # Fields after the ")" that closes the command name; utime and stime are 14 and 15.
    rest = stat[stat.rindex(")") + 2 :].split()
    ticks = int(rest[11]) + int(rest[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def sample(args):
    stop = False

    def on_term(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    t0 = args.t0 if args.t0 is not None else time.time()
    new = not os.path.exists(args.csv) or os.path.getsize(args.csv) == 0
    with open(args.csv, "a", newline="") as out:
        writer = csv.writer(out)
        if new:
            writer.writerow(FIELDS)
            out.flush()
        next_at = time.time()
        while not stop and alive(args.pid):
            try:
                status = read_status(args.pid)
                fds, sockets = fd_counts(args.pid)
                cpu = cpu_seconds(args.pid)
            except (OSError, ValueError):
                break  # the process went away mid-read
            phase = ""
            if args.phase_file:
                try:
                    with open(args.phase_file) as f:
                        phase = f.read().strip()
                except OSError:
                    pass
            now = time.time()
            writer.writerow(
                [
                    f"{now - t0:.0f}",
                    time.strftime("%H:%M:%S", time.localtime(now)),
                    kib(status.get("VmRSS")),
                    kib(status.get("VmHWM")),
                    fds,
                    sockets,
                    status.get("Threads", "0"),
                    f"{cpu:.2f}",
                    phase,
                ]
            )
            out.flush()
            next_at += args.interval
            while not stop and time.time() < next_at:
                time.sleep(min(0.5, max(0.0, next_at - time.time())))
    return 0


def load_samples(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k in ("elapsed_s", "rss_kib", "hwm_kib", "fds", "sockets", "threads"):
            r[k] = int(r[k])
        r["cpu_s"] = float(r["cpu_s"])
    return rows


def mib(k):
    return f"{k / 1024:.1f}"


def mmss(s):
    return f"{int(s) // 60:02d}:{int(s) % 60:02d}"


def slope_per_10min(rows, key):
    """Least-squares slope of `key` against elapsed time, per 10 minutes."""
    if len(rows) < 2:
        return 0.0
    xs = [r["elapsed_s"] for r in rows]
    ys = [r[key] for r in rows]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    if den == 0:
        return 0.0
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den * 600


def read_meta(path):
    meta = OrderedDict()
    try:
        with open(path) as f:
            for line in f:
                key, sep, value = line.rstrip("\n").partition("=")
                if sep:
                    meta[key] = value
    except OSError:
        pass
    return meta


def report(args):
    run = args.run_dir
    rows = load_samples(os.path.join(run, "samples.csv"))
    meta = read_meta(os.path.join(run, "meta.txt"))
    out = []
    p = out.append
    if not rows:
        print("no samples")
        return 1

    p("### Samples\n")
    p(f"One row every {args.every} s (the sampler reads /proc every {meta.get('sample_every', '?')} s; "
      "all rows are in `samples.csv`). Elapsed time counts from wharf's start.\n")
    p("| elapsed | RSS MiB | peak RSS MiB | fds | of which sockets | threads | CPU s | phase |")
    p("|---:|---:|---:|---:|---:|---:|---:|---|")
    shown = []
    next_at = 0
    for i, r in enumerate(rows):
        if r["elapsed_s"] >= next_at or i == len(rows) - 1:
            shown.append(r)
            next_at = (r["elapsed_s"] // args.every + 1) * args.every
    # Every sample taken while the daemon was down or coming back is shown too.
    for r in rows:
        if r["phase"] not in ("run", "warmup", "") and r not in shown:
            shown.append(r)
    shown.sort(key=lambda r: r["elapsed_s"])
    for r in shown:
        p(f"| {mmss(r['elapsed_s'])} | {mib(r['rss_kib'])} | {mib(r['hwm_kib'])} | {r['fds']} | {r['sockets']} "
          f"| {r['threads']} | {r['cpu_s']:.1f} | {r['phase']} |")

    p("\n### Summary\n")
    p("| | first | last | min | max |")
    p("|---|---:|---:|---:|---:|")
    for key, label, fmt in (
        ("rss_kib", "RSS MiB", mib),
        ("fds", "open fds", str),
        ("sockets", "sockets", str),
        ("threads", "threads", str),
    ):
        vals = [r[key] for r in rows]
        p(f"| {label} | {fmt(vals[0])} | {fmt(vals[-1])} | {fmt(min(vals))} | {fmt(max(vals))} |")
    p(f"\n{len(rows)} samples over {mmss(rows[-1]['elapsed_s'])}; CPU used by wharf: "
      f"{rows[-1]['cpu_s']:.1f} s ({rows[-1]['cpu_s'] / max(1, rows[-1]['elapsed_s']) * 100:.2f}% of one core on average).")

    steady = [r for r in rows if r["elapsed_s"] >= args.warmup]
    if len(steady) >= 2:
        p(f"\nAfter the first {args.warmup} s (warm-up), least-squares trend per 10 minutes: "
          f"RSS {slope_per_10min(steady, 'rss_kib'):+.0f} KiB, "
          f"fds {slope_per_10min(steady, 'fds'):+.2f}, threads {slope_per_10min(steady, 'threads'):+.2f}.")
        restart = meta.get("restart_at")
        if restart:
            t = float(restart)
            before = [r for r in steady if r["elapsed_s"] < t]
            after = [r for r in steady if r["elapsed_s"] >= float(meta.get("recovered_at", t)) + 60]
            for name, part in (("before the restart", before), ("from a minute after recovery to the end", after)):
                if len(part) >= 2:
                    rss = [r["rss_kib"] for r in part]
                    fds = [r["fds"] for r in part]
                    p(f"- {name}: RSS {mib(min(rss))}–{mib(max(rss))} MiB "
                      f"(trend {slope_per_10min(part, 'rss_kib'):+.0f} KiB / 10 min), "
                      f"fds {min(fds)}–{max(fds)}, threads "
                      f"{min(r['threads'] for r in part)}–{max(r['threads'] for r in part)}.")

    # Actions
    counts = OrderedDict()
    fails = []
    try:
        with open(os.path.join(run, "events.log")) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 4 and parts[1] == "action":
                    action, result = parts[2], parts[3]
                    ok, bad = counts.get(action, (0, 0))
                    if result == "ok":
                        counts[action] = (ok + 1, bad)
                    else:
                        counts[action] = (ok, bad + 1)
                        fails.append(line.rstrip("\n"))
    except OSError:
        pass
    if counts:
        p("\n### Actions\n")
        p("| action | ok | failed |")
        p("|---|---:|---:|")
        for action, (ok, bad) in counts.items():
            p(f"| {action} | {ok} | {bad} |")
        if fails:
            p("\nFailed actions (elapsed s, action, reason):\n")
            p("```")
            for f in fails[:40]:
                p(f)
            if len(fails) > 40:
                p(f"... {len(fails) - 40} more in events.log")
            p("```")

    # What the screen said
    seen = OrderedDict()
    try:
        with open(os.path.join(run, "screen-errors.log")) as f:
            for line in f:
                t, _, text = line.rstrip("\n").partition("\t")
                first, last, n = seen.get(text, (t, t, 0))
                seen[text] = (first, t, n + 1)
    except OSError:
        pass
    p("\n### Messages and errors seen on screen\n")
    if seen:
        p("Distinct texts (status-line messages and error-looking lines in any pane), with the first and "
          "last elapsed second and how many screen captures showed them:\n")
        p("| first s | last s | captures | text |")
        p("|---:|---:|---:|---|")
        for text, (first, last, n) in seen.items():
            safe = text.replace("|", "\\|")
            p(f"| {first} | {last} | {n} | {safe} |")
    else:
        p("None.")
    print("\n".join(out))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("pid", type=int)
    s.add_argument("csv")
    s.add_argument("--interval", type=float, default=10)
    s.add_argument("--t0", type=float)
    s.add_argument("--phase-file")
    r = sub.add_parser("report")
    r.add_argument("run_dir")
    r.add_argument("--every", type=int, default=60)
    r.add_argument("--warmup", type=int, default=120)
    args = parser.parse_args()
    return sample(args) if args.cmd == "sample" else report(args)


if __name__ == "__main__":
    sys.exit(main())
