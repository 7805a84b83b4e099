#!/usr/bin/env bash
# Flood benchmark (not part of the test suite): a container prints as fast as it can
# while the release binary follows its logs in tmux. Reports wharf's resident memory
# over time and how long keys take to show on screen. Needs a Docker engine and the
# test images (scripts/docker-engine.sh, scripts/test-images.sh).
#
#   scripts/bench-flood.sh [seconds]     (default 30)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-30}
cargo build --release --quiet
name=wharf-flood-$$
sock=wharf-flood-$$
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    docker rm -f "$name" >/dev/null 2>&1 || true
}
trap cleanup EXIT

docker run -d --name "$name" --label wharf.test=flood wharf-test/busybox \
    sh -c 'i=0; while :; do seq 1 100000; done' >/dev/null
# How fast the container prints, measured by the daemon's own log file growth.
sleep 2
logfile=$(docker inspect -f '{{.LogPath}}' "$name")
lines_before=$(wc -l <"$logfile")
sleep 1
lines_after=$(wc -l <"$logfile")
echo "container prints ~$((lines_after - lines_before)) lines/s"

tmux -L "$sock" -f /dev/null new-session -d -x 160 -y 45 "./target/release/wharf"
sleep 1
# Select the flooding container (it is the newest, so first) and zoom its logs.
tmux -L "$sock" send-keys g z
pid=$(pgrep -f "^./target/release/wharf" | head -n1)

key_latency() {
    # Time from sending `?` (help) until the help overlay is on screen, then close it.
    local start end
    start=$(date +%s%N)
    tmux -L "$sock" send-keys '?'
    until tmux -L "$sock" capture-pane -p | grep -q ' Keys '; do sleep 0.005; done
    end=$(date +%s%N)
    tmux -L "$sock" send-keys q
    until ! tmux -L "$sock" capture-pane -p | grep -q ' Keys '; do sleep 0.005; done
    echo $(((end - start) / 1000000))
}

echo "second  rss_kib  key_ms  cpu_ticks"
for ((s = 1; s <= seconds; s++)); do
    sleep 1
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    if ((s % 5 == 0)); then ms=$(key_latency); else ms=-; fi
    echo "$s  $rss  $ms  $ticks"
done
