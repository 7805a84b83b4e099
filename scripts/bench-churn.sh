#!/usr/bin/env bash
# Churn benchmark (not part of the test suite): containers are created, started and
# removed continuously (a CI runner: one client, scripts/churn_load.py) while the
# release binary shows the list, behind the request-counting proxy. Reports how many
# containers the daemon really started, wharf's CPU (% of one core), its resident
# memory at the start and the end, API requests and container list requests per
# second, and how long a key takes to show on screen (a key a second, timed through a
# tmux control client: scripts/key_probe.py), median and 95th percentile. Needs a
# Docker engine and the test images.
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

# The container the user is looking at: selected from the start, it stays selected while
# the churn's rows come and go around it.
docker run -d --label "$label" --name "wharf-churn-$$-kept" wharf-test/busybox sleep 100000 >/dev/null
python3 scripts/count_proxy.py "$work/proxy.sock" /var/run/docker.sock "$work/count" &
proxy_pid=$!
until [[ -S $work/proxy.sock ]]; do sleep 0.05; done
tmux -L "$sock" -f /dev/null new-session -d -s wharf -x 200 -y 50 \
    "XDG_STATE_HOME=$work/state DOCKER_HOST=unix://$work/proxy.sock $bin"
until tmux -L "$sock" capture-pane -p | grep -q "Containers ([0-9]"; do sleep 0.01; done
pid=$(pgrep -n -f "^$bin")
sleep 2

# The churn: `rate` containers a second are created and started over the API by one
# client process (scripts/churn_load.py), each running `true` with auto-remove: create,
# start, die and destroy events for each.
python3 scripts/churn_load.py /var/run/docker.sock wharf-test/busybox "$label" "$rate" "$work/churn" &
churn_pid=$!
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
hz=$(getconf CLK_TCK)
until [[ -s $work/churn ]]; do sleep 0.1; done
sleep 3 # the churn under way
t0=$(ticks); r0=$(cat "$work/count"); l0=$(cat "$work/count.lists"); rss0=$(rss)
read -r _ started0 _ <"$work/churn"
w0=$(date +%s%N)
# One key a second, timed through a tmux control client (scripts/key_probe.py).
python3 scripts/key_probe.py "$sock" wharf "$seconds" 1 >"$work/keys"
t1=$(ticks); r1=$(cat "$work/count"); l1=$(cat "$work/count.lists"); rss1=$(rss)
read -r _ started1 failed1 <"$work/churn"
w1=$(date +%s%N)
window=$(echo "scale=2; ($w1 - $w0) / 1000000000" | bc)
kill "$churn_pid" 2>/dev/null || true
churn_pid=
made=$((started1 - started0))
sort -n "$work/keys" >"$work/sorted"
count=$(wc -l <"$work/sorted")
p50=$(sed -n "$(((count + 1) / 2))p" "$work/sorted")
p95=$(sed -n "$(((count * 95 + 99) / 100))p" "$work/sorted")
echo "summary: ${window} s at $rate containers/s asked: $made started ($(echo "scale=1; $made / $window" | bc)/s, $failed1 failed in all); wharf cpu $(echo "scale=1; ($t1 - $t0) * 100 / $hz / $window" | bc)% of a core; rss $rss0 -> $rss1 KiB; requests $(echo "scale=1; ($r1 - $r0) / $window" | bc)/s, of which container lists $(echo "scale=1; ($l1 - $l0) / $window" | bc)/s; key p50 ${p50} ms, p95 ${p95} ms (n=$count)"
echo "requests by kind, the whole run (scripts/count_proxy.py):"
sed 's/^/  /' "$work/count.kinds" | head -10
