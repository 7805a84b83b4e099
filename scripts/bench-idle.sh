#!/usr/bin/env bash
# Idle-cost benchmark (not part of the test suite): for N labelled idle containers, the
# release binary in a 200x50 tmux window behind a request-counting proxy. Reports:
#   - time to the first screen with container names,
#   - wharf's CPU (% of a core) and resident memory over an idle window,
#   - API requests per second while idle (counted by scripts/count_proxy.py),
#   - the daemon's own CPU (dockerd, containerd and shims, from /proc) while wharf idles,
#   - the delay between `docker run -d` and the new row on screen.
# Needs a Docker engine and the test images (scripts/docker-engine.sh, scripts/test-images.sh).
#
#   scripts/bench-idle.sh [idle seconds] [N ...]      (default: 30 s; 0 50 200)
#   WHARF_BIN=path/to/wharf scripts/bench-idle.sh ...  (default: the release build)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
idle=${1:-30}
shift || true
counts=("${@:-0 50 200}")
# shellcheck disable=SC2206
counts=(${counts[@]})
label=wharf.bench=idle
work=$(mktemp -d)
sock=wharf-bench-$$
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    [[ -n ${proxy_pid:-} ]] && kill "$proxy_pid" 2>/dev/null || true
    ids=$(docker ps -aq --filter "label=$label")
    [[ -n $ids ]] && docker rm -f $ids >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
if [[ -z ${WHARF_BIN:-} ]]; then
    cargo build --release --quiet
    WHARF_BIN=${CARGO_TARGET_DIR:-target}/release/wharf
fi
bin=$(realpath "$WHARF_BIN")

ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
daemon_ticks() {
    local total=0 pid
    for pid in $(pgrep -f '^(/usr/s?bin/)?(dockerd|containerd)( |$)|containerd-shim'); do
        total=$((total + $(ticks "$pid")))
    done
    echo "$total"
}
hz=$(getconf CLK_TCK)

python3 scripts/count_proxy.py "$work/proxy.sock" /var/run/docker.sock "$work/count" &
proxy_pid=$!
sleep 0.5

printf '%-5s %-9s %-9s %-8s %-9s %-7s %-10s %-10s %-11s %-7s %-7s\n' \
    N first_ms list_ms cpu_% rss_kib req/s daemon_% base_% caused_% run_ms row_ms
for n in "${counts[@]}"; do
    have=$(docker ps -q --filter "label=$label" | wc -l)
    for ((i = have; i < n; i++)); do
        docker run -d --label "$label" --name "wharf-bench-$i" wharf-test/busybox sleep 100000 >/dev/null
    done
    tmux -L "$sock" kill-server 2>/dev/null || true
    # What the daemon costs with these containers and no wharf: the baseline.
    sleep 2
    b0=$(daemon_ticks)
    sleep "$idle"
    b1=$(daemon_ticks)
    base=$(echo "scale=2; ($b1 - $b0) * 100 / $hz / $idle" | bc)
    # How long the daemon itself takes to list them (what a first screen waits for).
    list_ms=$(curl -s -o /dev/null -w '%{time_total}' --unix-socket /var/run/docker.sock \
        'http://localhost/containers/json?all=1' | awk '{printf "%d", $1 * 1000}')
    start=$(date +%s%N)
    tmux -L "$sock" -f /dev/null new-session -d -x 200 -y 50 \
        "XDG_STATE_HOME=$work/state DOCKER_HOST=unix://$work/proxy.sock $bin"
    # First screen with names (or with the empty list when there are none).
    # (Other containers on the daemon may be listed: at N=0, wait for the list itself.)
    want=$([[ $n -gt 0 ]] && echo "wharf-bench-" || echo "Containers ([0-9]")
    until tmux -L "$sock" capture-pane -p | grep -q "$want"; do sleep 0.005; done
    first_ms=$((($(date +%s%N) - start) / 1000000))
    pid=$(pgrep -n -f "^$bin")
    sleep 3 # let the first stats rounds settle
    t0=$(ticks "$pid"); d0=$(daemon_ticks); r0=$(cat "$work/count")
    sleep "$idle"
    t1=$(ticks "$pid"); d1=$(daemon_ticks); r1=$(cat "$work/count")
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    cpu=$(echo "scale=2; ($t1 - $t0) * 100 / $hz / $idle" | bc)
    dcpu=$(echo "scale=2; ($d1 - $d0) * 100 / $hz / $idle" | bc)
    reqs=$(echo "scale=2; ($r1 - $r0) / $idle" | bc)
    # A new container: when `docker run -d` returns, and when its row shows, measured
    # side by side (the row can show before the command returns).
    name="wharf-bench-new-$n"
    start=$(date +%s%N)
    (docker run -d --label "$label" --name "$name" wharf-test/busybox sleep 100000 >/dev/null
        date +%s%N >"$work/run_done") &
    run_pid=$!
    until tmux -L "$sock" capture-pane -p | grep -q "$name"; do sleep 0.002; done
    row_ms=$((($(date +%s%N) - start) / 1000000))
    wait "$run_pid"
    run_ms=$((($(cat "$work/run_done") - start) / 1000000))
    docker rm -f "$name" >/dev/null
    caused=$(echo "scale=2; $dcpu - $base" | bc)
    printf '%-5s %-9s %-9s %-8s %-9s %-7s %-10s %-10s %-11s %-7s %-7s\n' \
        "$n" "$first_ms" "$list_ms" "$cpu" "$rss" "$reqs" "$dcpu" "$base" "$caused" "$run_ms" "$row_ms"
done
