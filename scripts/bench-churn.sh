#!/usr/bin/env bash
# Churn benchmark (not part of the test suite): containers are created and removed
# continuously (a CI runner) while the release binary shows the list, behind the
# request-counting proxy. Reports wharf's CPU (% of one core), its resident memory at
# the start and the end, API requests and container list requests per second, and how
# long a key takes to show on screen (through tmux's polling), median and 95th
# percentile. Needs a Docker engine and the test images.
#
#   scripts/bench-churn.sh [seconds] [containers per second]   (default: 60 s, 20/s)
#   WHARF_BIN=path/to/wharf scripts/bench-churn.sh ...           (default: the release build)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-60}
rate=${2:-20}
if [[ -z ${WHARF_BIN:-} ]]; then
    cargo build --release --quiet
    WHARF_BIN=${CARGO_TARGET_DIR:-target}/release/wharf
fi
bin=$(realpath "$WHARF_BIN")
label=wharf.bench=churn-$$
work=$(mktemp -d)
sock=wharf-bench-churn-$$
cleanup() {
    [[ -n ${churn_pid:-} ]] && kill "$churn_pid" 2>/dev/null || true
    tmux -L "$sock" kill-server 2>/dev/null || true
    [[ -n ${proxy_pid:-} ]] && kill "$proxy_pid" 2>/dev/null || true
    ids=$(docker ps -aq --filter "label=$label")
    [[ -n $ids ]] && docker rm -f $ids >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

python3 scripts/count_proxy.py "$work/proxy.sock" /var/run/docker.sock "$work/count" &
proxy_pid=$!
until [[ -S $work/proxy.sock ]]; do sleep 0.05; done
tmux -L "$sock" -f /dev/null new-session -d -x 200 -y 50 \
    "XDG_STATE_HOME=$work/state DOCKER_HOST=unix://$work/proxy.sock $bin"
until tmux -L "$sock" capture-pane -p | grep -q "Containers ([0-9]"; do sleep 0.01; done
pid=$(pgrep -n -f "^$bin")
sleep 2

# The churn: every 1/rate s a container is started that exits at once and is removed
# (`--rm`): create, start, die, destroy events for each.
(
    i=0
    while :; do
        docker run -d --rm --label "$label" --name "wharf-churn-$$-$i" wharf-test/busybox true >/dev/null 2>&1 &
        i=$((i + 1))
        sleep "$(echo "scale=3; 1 / $rate" | bc)"
    done
) &
churn_pid=$!

key_latency() {
    local start end
    start=$(date +%s%N)
    tmux -L "$sock" send-keys '?'
    until tmux -L "$sock" capture-pane -p | grep -q ' Keys '; do sleep 0.002; done
    end=$(date +%s%N)
    tmux -L "$sock" send-keys q
    until ! tmux -L "$sock" capture-pane -p | grep -q ' Keys '; do sleep 0.002; done
    echo $(((end - start) / 1000000))
}
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
hz=$(getconf CLK_TCK)
sleep 3 # the churn under way
t0=$(ticks); r0=$(cat "$work/count"); l0=$(cat "$work/count.lists"); rss0=$(rss)
next=$(($(date +%s%N) + 1000000000))
for ((s = 1; s <= seconds; s++)); do
    key_latency >>"$work/keys"
    while (($(date +%s%N) < next)); do sleep 0.01; done
    next=$((next + 1000000000))
done
t1=$(ticks); r1=$(cat "$work/count"); l1=$(cat "$work/count.lists"); rss1=$(rss)
kill "$churn_pid" 2>/dev/null || true
churn_pid=
made=$(docker events --since "${seconds}s" --until 0s --filter "label=$label" --filter event=create 2>/dev/null | wc -l || echo '?')
sort -n "$work/keys" >"$work/sorted"
count=$(wc -l <"$work/sorted")
p50=$(sed -n "$(((count + 1) / 2))p" "$work/sorted")
p95=$(sed -n "$(((count * 95 + 99) / 100))p" "$work/sorted")
echo "summary: $seconds s at $rate containers/s (~$made created in the window); wharf cpu $(echo "scale=1; ($t1 - $t0) * 100 / $hz / $seconds" | bc)% of a core; rss $rss0 -> $rss1 KiB; requests $(echo "scale=1; ($r1 - $r0) / $seconds" | bc)/s, of which container lists $(echo "scale=1; ($l1 - $l0) / $seconds" | bc)/s; key p50 ${p50} ms, p95 ${p95} ms (n=$count)"
