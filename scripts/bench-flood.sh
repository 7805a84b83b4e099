#!/usr/bin/env bash
# Flood benchmark (not part of the test suite): a container prints lines, as fast as it
# can or at a set rate, while the release binary follows its logs in tmux. Reports,
# each second, wharf's resident memory and CPU ticks; a key a second is timed until it
# shows (through a tmux control client: scripts/key_probe.py); then a summary: the rate
# the container printed at, wharf's CPU in % of one core, its memory at the start and
# the end, and the keys' median and 95th percentile.
# Needs a Docker engine and the test images (scripts/docker-engine.sh, scripts/test-images.sh).
#
#   scripts/bench-flood.sh [seconds] [lines per second]     (default: 30 s, as fast as it can)
#   WHARF_BIN=path/to/wharf scripts/bench-flood.sh ...       (default: the release build)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-30}
rate=${2:-max}
if [[ -z ${WHARF_BIN:-} ]]; then
    cargo build --release --quiet
    WHARF_BIN=${CARGO_TARGET_DIR:-target}/release/wharf
fi
bin=$(realpath "$WHARF_BIN")
name=wharf-flood-$$
sock=wharf-flood-$$
work=$(mktemp -d)
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    docker rm -f "$name" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

if [[ $rate == max ]]; then
    script='while :; do seq 1 100000; done'
else
    # A tenth of the rate every 100 ms (less the time seq takes: the measured rate is
    # what the summary reports).
    script="while :; do seq 1 $((rate / 10)); usleep 95000; done"
fi
docker run -d --name "$name" --label wharf.test=flood wharf-test/busybox sh -c "$script" >/dev/null
# How fast the container prints, measured by the daemon's own log file growth.
sleep 2
logfile=$(docker inspect -f '{{.LogPath}}' "$name")
lines_before=$(wc -l <"$logfile")
sleep 2
lines_after=$(wc -l <"$logfile")
printed=$(((lines_after - lines_before) / 2))
echo "container prints ~$printed lines/s"

tmux -L "$sock" -f /dev/null new-session -d -s wharf -x 160 -y 45 "XDG_STATE_HOME=$work/state $bin"
until tmux -L "$sock" capture-pane -p | grep -q "$name"; do sleep 0.01; done
# Select the flooding container (filter the list by its name: other containers may be
# newer) and zoom its logs; wait until they are followed.
tmux -L "$sock" send-keys /
tmux -L "$sock" send-keys -l "$name"
tmux -L "$sock" send-keys Enter z
until tmux -L "$sock" capture-pane -p | grep -q "$name.*following"; do sleep 0.01; done
pid=$(pgrep -n -f "^$bin")
sleep 2

ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }

# Lines that reached wharf: the pane says how many older lines it dropped.
dropped() { tmux -L "$sock" capture-pane -p | grep -o '[0-9]* older lines dropped' | grep -o '^[0-9]*' || echo 0; }

hz=$(getconf CLK_TCK)
rss0=$(rss)
t0=$(ticks)
d0=$(dropped)
# A key a second, timed through a tmux control client (scripts/key_probe.py: `?` opens
# the help, the time until wharf has written it), beside the sampling below.
python3 scripts/key_probe.py "$sock" wharf "$seconds" 1 >"$work/keys" &
probe_pid=$!
echo "second  rss_kib  cpu_ticks"
next=$(($(date +%s%N) + 1000000000))
for ((s = 1; s <= seconds; s++)); do
    while (($(date +%s%N) < next)); do sleep 0.01; done
    next=$((next + 1000000000))
    echo "$s  $(rss)  $(ticks)"
done
t1=$(ticks)
d1=$(dropped)
rss1=$(rss)
wait "$probe_pid"
cpu=$(echo "scale=1; ($t1 - $t0) * 100 / $hz / $seconds" | bc)
sort -n "$work/keys" >"$work/sorted"
count=$(wc -l <"$work/sorted")
p50=$(sed -n "$(((count + 1) / 2))p" "$work/sorted")
p95=$(sed -n "$(((count * 95 + 99) / 100))p" "$work/sorted")
echo "summary: printed ~$printed lines/s; wharf took ~$(((d1 - d0) / seconds)) lines/s; wharf cpu $cpu% of a core; rss $rss0 -> $rss1 KiB; key p50 ${p50} ms, p95 ${p95} ms (n=$count)"
