#!/usr/bin/env bash
# Writes build/code-order.txt: the functions a short, ordinary session runs (start, the
# first screen, stats rounds, moving around the panes, a container's logs, quitting),
# which `build.rs` hands the linker so that they sit together at the front of the
# binary's code. Not part of the test suite.
#
# Why: the kernel maps a binary's code 64 KiB at a time around each page a process
# touches. Laid out as the compiler emits it, the code wharf runs at start is spread
# over the whole binary, so nearly all of it ends up resident (code wharf never runs
# included). Packed together, what is resident is what runs (BENCHMARKS.md, issue 20).
#
# The session runs in a 200x50 tmux window against the local daemon with three
# labelled containers (running with a port, running, created). First under valgrind's
# callgrind, which names every function that runs however rarely; then, because a
# native run takes a few paths valgrind's does not (timing, CPU features), natively
# under `perf record -e page-faults`, rebuilding in between: each code fault outside
# the packed functions names one more, until a run finds none (at most 5 rounds).
# Run it again when the code has changed much: names the linker no longer finds are
# skipped, so a stale list only loses some of the gain, never breaks a build.
#
#   scripts/code-order.sh
#
# Needs a Docker engine and the test images (scripts/docker-engine.sh,
# scripts/test-images.sh), valgrind, perf (linux-perf) and tmux.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for tool in valgrind perf tmux; do
    command -v $tool >/dev/null || { echo "code-order: needs $tool" >&2; exit 1; }
done
label=wharf.code-order=$$
work=$(mktemp -d)
sock=wharf-code-order-$$
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    ids=$(docker ps -aq --filter "label=$label")
    [[ -n $ids ]] && docker rm -f $ids >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT


docker run -d --label "$label" --name "code-order-redis-$$" -p 127.0.0.1::6379 wharf-test/redis >/dev/null
docker run -d --label "$label" --name "code-order-sleeper-$$" wharf-test/busybox sh -c \
    'while true; do echo "a line of log $(date)"; sleep 1; done' >/dev/null
docker create --label "$label" --name "code-order-created-$$" wharf-test/busybox true >/dev/null

screen() { tmux -L "$sock" capture-pane -p; }
# Waits (under valgrind wharf is ~50 times slower) for a text on screen.
wait_for() {
    local deadline=$((SECONDS + 120))
    until screen | grep -q -- "$1"; do
        ((SECONDS < deadline)) || { echo "code-order: '$1' never showed" >&2; screen >&2; exit 1; }
        sleep 0.2
    done
}
# The session: the first screen, stats rounds, moving, the images pane, a container's
# logs, a filter, quitting. `$1` is how long a key is given (valgrind is slow).
session() {
    local pause=$1 command=$2
    tmux -L "$sock" -f /dev/null new-session -d -x 200 -y 50 "XDG_STATE_HOME=$work/state $command"
    wait_for "code-order-sleeper-$$"
    sleep $((pause * 10)) # stats rounds, events
    for k in j j k 2 1 5; do
        tmux -L "$sock" send-keys "$k"
        sleep "$pause"
    done
    wait_for "following"
    for k in 1 / r Escape q; do
        tmux -L "$sock" send-keys "$k"
        sleep "$pause"
    done
    local deadline=$((SECONDS + 60))
    while tmux -L "$sock" has-session 2>/dev/null; do
        ((SECONDS < deadline)) || { echo "code-order: wharf did not quit" >&2; exit 1; }
        sleep 0.2
    done
}

# The release build itself: its symbols are kept (Cargo.toml), and a build with other
# settings would name its functions differently.
build() {
    cargo build --release --quiet
    bin=$(realpath "${CARGO_TARGET_DIR:-target}/release/wharf")
}

mkdir -p build
build
# Every function of wharf's own binary that ran: callgrind names each once, as
# `fn=(id) name` or `cfn=(id) name`, under the object it belongs to (`ob=`/`cob=`).
session 2 "valgrind --tool=callgrind --demangle=no --callgrind-out-file=$work/callgrind.out $bin 2>$work/valgrind.log"
python3 - "$work/callgrind.out" >"$work/order" <<'PY'
import re, sys
objects, names, seen = {}, [], set()
current_ob = called_ob = None
for line in open(sys.argv[1], errors="replace"):
    line = line.rstrip("\n")
    m = re.match(r"^(c?ob)=\((\d+)\)(?: (.*))?$", line)
    if m:
        kind, key, path = m.groups()
        if path:
            objects[key] = path
        mine = objects.get(key, "").endswith("/wharf")
        if kind == "ob":
            current_ob = mine
        else:
            called_ob = mine
        continue
    m = re.match(r"^(c?fn)=\((\d+)\) (.+)$", line)
    if m:
        kind, _, name = m.groups()
        mine = current_ob if kind == "fn" or called_ob is None else called_ob
        if kind == "cfn":
            called_ob = None  # a `cob=` names the object of the next call only
        if mine and name not in seen and not name.startswith("0x"):
            seen.add(name)
            names.append(name)
print("\n".join(names))
PY
cp "$work/order" build/code-order.txt
echo "code-order: callgrind: $(wc -l <build/code-order.txt) functions"

# Native rounds: a fault on a code page of wharf's binary names the function that
# touched it first (the fault's address is the instruction's).
for round in 1 2 3 4 5; do
    build
    session 1 "perf record -q -e page-faults -c 1 -d -o $work/faults.data -- $bin"
    perf script -i "$work/faults.data" -F addr,ip,sym,dso --no-demangle 2>/dev/null >"$work/faults.txt"
    added=$(python3 - "$work/faults.txt" "$bin" build/code-order.txt <<'PY'
import re, sys
faults, binary, order = sys.argv[1:]
listed = set(l.strip() for l in open(order))
new = []
for line in open(faults):
    m = re.match(r"^\s*([0-9a-f]+) .*?\s+([0-9a-f]+) (\S+) \((.*)\)$", line.rstrip())
    if not m:
        continue
    addr, ip, symbol, dso = m.groups()
    name = symbol.split("+")[0]
    if addr == ip and dso == binary and name not in listed and name not in new and name != "[unknown]":
        new.append(name)
with open(order, "a") as out:
    for name in new:
        out.write(name + "\n")
print(len(new))
PY
)
    echo "code-order: round $round: $added more"
    ((added > 0)) || break
done
echo "code-order: $(wc -l <build/code-order.txt) functions in build/code-order.txt"
