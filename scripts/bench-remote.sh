#!/usr/bin/env bash
# Many containers and a remote daemon (not part of the test suite): wharf, the release
# binary in a 200x50 tmux window, against the test bed's tb1 engine over plain TCP
# (tcp://10.231.0.11:2375: no cgroup shortcut, every stats reading is a request), with
# N labelled busybox containers on it. Per N it reports:
#   - time to the first screen with container names,
#   - wharf's CPU (% of a core) and resident memory over an idle window,
#   - tb1's own CPU (its dockerd, containerd and shims, from /proc) with no client
#     (base) and while wharf idles on it, and the difference wharf causes,
#   - one-shot stats readings a second (wharf reaches tb1 through scripts/count_proxy.py,
#     TCP to TCP): with stats every 5 s, the running rows on screen divided by 5.
#
#   scripts/bench-remote.sh [idle seconds] [N ...]        (default: 20 s; 200)
#   MODE=run     (default) the containers run `sleep`: stats are read for the rows on
#                screen, over TCP
#   MODE=create  the containers are created, not started: thousands cost the machine
#                no processes (a shim per running container is ~13 MiB here), and the
#                list is as long; nothing to read stats of
#   WHARF_BIN=path/to/wharf                            (default: the release build)
#
# It takes the test bed's lock (/tmp/wharf-testbed/lock) for the whole run, so no fleet
# test cuts tb1 meanwhile; the containers it made are removed on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
idle=${1:-20}
shift || true
counts=("${@:-200}")
# shellcheck disable=SC2206
counts=(${counts[@]})
mode=${MODE:-run}
label=wharf.bench=remote
work=$(mktemp -d)
sock=wharf-bench-remote-$$

scripts/testbed.sh start >/dev/null
# shellcheck disable=SC1091
source /tmp/wharf-testbed/env
exec {bed_lock}>/tmp/wharf-testbed/lock
flock "$bed_lock"
tb1() { docker -H "$WHARF_TB1_SOCK" "$@"; }
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    [[ -n ${proxy_pid:-} ]] && kill "$proxy_pid" 2>/dev/null || true
    tb1 ps -aq --filter "label=$label" | xargs -r -n 100 docker -H "$WHARF_TB1_SOCK" rm -f >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
if [[ -z ${WHARF_BIN:-} ]]; then
    cargo build --release --quiet
    WHARF_BIN=${CARGO_TARGET_DIR:-target}/release/wharf
fi
# Our own copy: a build in a shared target directory must not swap it mid-run.
cp "$WHARF_BIN" "$work/wharf"
bin=$work/wharf

ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# tb1's engine: its dockerd, its containerd, and the shims that name its socket.
daemon_ticks() {
    local total=0 pid
    for pid in $(cat /run/wharf-testbed/h1/dockerd.pid /run/wharf-testbed/h1/containerd/containerd.pid 2>/dev/null) \
        $(pgrep -f 'containerd-shim.*/run/wharf-testbed/h1/' || true); do
        total=$((total + $(ticks "$pid")))
    done
    echo "$total"
}
hz=$(getconf CLK_TCK)

# wharf reaches tb1 through the counting proxy (TCP in, TCP out: still no cgroup
# shortcut), which tells how many one-shot stats readings it makes: with stats every
# 5 s, one per running row on screen (the selected one is streamed instead) each 5 s.
port=$((20000 + $$ % 10000))
python3 scripts/count_proxy.py "tcp://127.0.0.1:$port" "$WHARF_TB1_HOST" "$work/count" &
proxy_pid=$!
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.05; done

echo "# $(date -u +%FT%TZ) mode=$mode idle=${idle}s load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-9s %-9s %-8s %-9s %-10s %-10s %-9s %-8s\n' N first_ms list_ms cpu_% rss_kib daemon_% base_% caused_% stats/s
for n in "${counts[@]}"; do
    have=$(tb1 ps -aq --filter "label=$label" | wc -l)
    if ((have < n)); then
        verb=$([[ $mode == run ]] && echo "run -d" || echo create)
        # Four at a time: the engine makes them faster than one by one.
        seq "$have" $((n - 1)) | xargs -P 4 -I{} docker -H "$WHARF_TB1_SOCK" $verb --network none \
            --label "$label" --name "wharf-bench-{}" wharf-test/busybox sleep 100000 >/dev/null
    fi
    tmux -L "$sock" kill-server 2>/dev/null || true
    sleep 2
    b0=$(daemon_ticks)
    sleep "$idle"
    b1=$(daemon_ticks)
    base=$(echo "scale=2; ($b1 - $b0) * 100 / $hz / $idle" | bc)
    list_ms=$(curl -s -o /dev/null -w '%{time_total}' "http://${WHARF_TB1_HOST#tcp://}/containers/json?all=1" |
        awk '{printf "%d", $1 * 1000}')
    start=$(date +%s%N)
    tmux -L "$sock" -f /dev/null new-session -d -x 200 -y 50 \
        "XDG_STATE_HOME=$work/state DOCKER_HOST=tcp://127.0.0.1:$port exec $bin" {bed_lock}>&-
    # (Created containers are listed too: `show_all` is on by default.)
    until tmux -L "$sock" capture-pane -p | grep -q "wharf-bench-"; do sleep 0.005; done
    first_ms=$((($(date +%s%N) - start) / 1000000))
    pid=$(pgrep -n -f "^$bin")
    sleep 3 # the first stats rounds settle
    t0=$(ticks "$pid")
    d0=$(daemon_ticks)
    s0=$(cat "$work/count.stats")
    sleep "$idle"
    t1=$(ticks "$pid")
    d1=$(daemon_ticks)
    s1=$(cat "$work/count.stats")
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    cpu=$(echo "scale=2; ($t1 - $t0) * 100 / $hz / $idle" | bc)
    dcpu=$(echo "scale=2; ($d1 - $d0) * 100 / $hz / $idle" | bc)
    caused=$(echo "scale=2; $dcpu - $base" | bc)
    stats=$(echo "scale=2; ($s1 - $s0) / $idle" | bc)
    printf '%-6s %-9s %-9s %-8s %-9s %-10s %-10s %-9s %-8s\n' "$n" "$first_ms" "$list_ms" "$cpu" "$rss" "$dcpu" "$base" "$caused" "$stats"
done
