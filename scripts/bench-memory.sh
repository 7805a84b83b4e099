#!/usr/bin/env bash
# Memory benchmark (not part of the test suite): where wharf's resident memory goes.
# For each N, N labelled idle containers, the release binary in a 200x50 tmux window;
# after the first screen and a few seconds of settling, prints VmRSS, the rollup
# (file-backed against anonymous), the threads, and the resident size of each kind of
# mapping (the binary's code and data, each shared library, heap, anonymous: thread
# stacks and malloc arenas).
# Needs a Docker engine and the test images (scripts/docker-engine.sh, scripts/test-images.sh).
#
#   scripts/bench-memory.sh [N ...]          (default: 0 200)
#   WHARF_BIN=path/to/wharf scripts/bench-memory.sh ...   (default: the release build;
#   several paths separated by spaces are measured one after the other, same containers)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
counts=("${@:-0 200}")
# shellcheck disable=SC2206
counts=(${counts[@]})
label=wharf.bench=memory-$$
work=$(mktemp -d)
sock=wharf-bench-mem-$$
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    ids=$(docker ps -aq --filter "label=$label")
    [[ -n $ids ]] && docker rm -f $ids >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
if [[ -z ${WHARF_BIN:-} ]]; then
    cargo build --release --quiet
    WHARF_BIN=${CARGO_TARGET_DIR:-target}/release/wharf
fi

# Resident KiB by mapping (file name and permissions; [anon] holds thread stacks, malloc
# arenas and large allocations).
cat >"$work/by_mapping.py" <<'PY'
import re, sys
pid = sys.argv[1]
total = {}
current = None
for line in open(f"/proc/{pid}/smaps"):
    m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$", line)
    if m:
        name = (m.group(4) or "[anon]").split("/")[-1]
        current = f"{name} {m.group(3)}"
        total.setdefault(current, [0, 0])
        total[current][0] += 1
    elif line.startswith("Rss:") and current:
        total[current][1] += int(line.split()[1])
for key, (count, rss) in sorted(total.items(), key=lambda kv: -kv[1][1]):
    if rss > 0:
        print(f"  {rss:6d} KiB  {key}" + (f"  ({count} mappings)" if count > 1 else ""))
PY

for n in "${counts[@]}"; do
    have=$(docker ps -q --filter "label=$label" | wc -l)
    for ((i = have; i < n; i++)); do
        docker run -d --label "$label" --name "wharf-bench-mem-$$-$i" wharf-test/busybox sleep 100000 >/dev/null
    done
    for bin in $WHARF_BIN; do
        bin=$(realpath "$bin")
        # The code order only helps while its names are the binary's (build.rs).
        if command -v nm >/dev/null && [[ -f build/code-order.txt ]]; then
            found=$(nm "$bin" | awk '{print $3}' | sort -u | comm -12 - <(sort -u build/code-order.txt) | wc -l)
            echo "code order: $found of $(sort -u build/code-order.txt | wc -l) listed functions are in" \
                "$(basename "$bin") (far fewer: run scripts/code-order.sh)"
        fi
        tmux -L "$sock" kill-server 2>/dev/null || true
        tmux -L "$sock" -f /dev/null new-session -d -x 200 -y 50 "XDG_STATE_HOME=$work/state $bin"
        want=$([[ $n -gt 0 ]] && echo "wharf-bench-mem-" || echo "Containers ([0-9]")
        until tmux -L "$sock" capture-pane -p | grep -q -- "$want"; do sleep 0.01; done
        sleep 5
        pid=$(pgrep -n -f "^$bin")
        echo "== $(basename "$bin") N=$n: VmRSS $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") KiB"
        grep -E '^(Rss|Pss_Anon|Pss_File|Anonymous):' "/proc/$pid/smaps_rollup" | tr -s ' ' | paste -sd' '
        echo "threads: $(cat /proc/"$pid"/task/*/comm | sort | uniq -c | awk '{printf "%s x%s  ", $2, $1}')"
        python3 "$work/by_mapping.py" "$pid"
    done
done
