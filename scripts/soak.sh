#!/usr/bin/env bash
# Soak test (not part of the test suite, not in CI): the release binary in a 160x45 tmux
# window against a Docker daemon of its own with 20 labelled busybox containers, most of
# them logging. Every few seconds the script moves the selection (each move makes wharf
# inspect the new container for the ports and env panes), focuses the ports / env panes,
# opens or scrolls the logs, or opens a console, runs `echo soak N` in it and closes (or
# detaches, re-opens and closes) it. Half-way it restarts the daemon and waits for wharf
# to show the containers again. Every 10 s it samples wharf's resident memory, open file
# descriptors and threads from /proc (scripts/soak_sample.py).
#
#   scripts/soak.sh [seconds]          (default 1800; e.g. 120 for a try)
#
# Environment (all optional):
#   WHARF_BIN          binary to test (default target/release/wharf); copied into the run
#                      directory first, so a rebuild during the soak does not swap it
#   SOAK_BASE          where run directories go (default /tmp/wharf-soak)
#   SOAK_STEP          seconds between actions (default 3)
#   SOAK_SAMPLE_EVERY  seconds between samples (default 10)
#   SOAK_CONTAINERS    number of containers (default 20)
#   SOAK_OUTAGE        seconds the daemon stays down during the restart (default 5)
#
# The daemon wharf uses is NOT the system one: the script starts a second dockerd (own
# data root, exec root, socket, pid file, containerd namespace and cgroup parent, own
# bridge interface wharfsoak0, no iptables; it runs its own containerd under its exec
# root) and loads wharf-test/busybox into it from the system daemon (`docker save |
# docker load`, no registry). The system daemon is only read from. (Not --bridge=none:
# a dockerd started with it deletes docker0, the system daemon's bridge.) Everything the
# script starts (tmux server, sampler, containers, the second dockerd and its
# containerd, their directories, the bridge) is removed on exit, whatever the exit.
#
# Output, in the run directory (also linked as $SOAK_BASE/latest):
#   samples.csv        elapsed_s,time,rss_kib,hwm_kib,fds,sockets,threads,cpu_s,phase
#   events.log         every action with its result, the restart's milestones
#   screen-errors.log  status-line messages and error-looking lines seen on screen
#   screens/           the screen at milestones and at every failed action
#   report.md          the tables for SOAK.md (scripts/soak_sample.py report)
#   progress           one line, rewritten as the soak goes (for polling)
#   dockerd.log, wharf-logs/ (wharf's own log file), meta.txt
#
# Needs root (a second dockerd), dockerd 20.10+, tmux, python3, and the system daemon
# holding wharf-test/busybox:latest (scripts/test-images.sh).
set -euo pipefail
# UTF-8 throughout: tmux draws the box characters only for a UTF-8 client, and the
# patterns below match them.
export LC_ALL=C.UTF-8
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD

duration=${1:-1800}
step=${SOAK_STEP:-3}
sample_every=${SOAK_SAMPLE_EVERY:-10}
count=${SOAK_CONTAINERS:-20}
outage=${SOAK_OUTAGE:-5}
bin_src=${WHARF_BIN:-$repo/target/release/wharf}
base=${SOAK_BASE:-/tmp/wharf-soak}
image=wharf-test/busybox:latest
system_host=unix:///var/run/docker.sock

# The soak daemon. Nothing here is shared with the system daemon.
dname=wharf-soak-docker
data_root=/var/lib/$dname
exec_root=/var/run/$dname
pidfile=/var/run/$dname.pid
sock=/var/run/$dname.sock
host=unix://$sock
tsock=wharf-soak # tmux -L
session=soak

die() { printf 'soak: error: %s\n' "$*" >&2; exit 1; }
[[ $duration =~ ^[0-9]+$ && $duration -ge 60 ]] || die "duration must be a number of seconds, at least 60"
[[ $(id -u) -eq 0 ]] || die "needs root (it starts a second dockerd)"
for tool in dockerd docker tmux python3; do
    command -v "$tool" >/dev/null || die "$tool not found"
done
[[ -x $bin_src ]] || die "no binary at $bin_src (build it, or set WHARF_BIN)"
if tmux -L "$tsock" has-session 2>/dev/null; then
    die "a tmux server -L $tsock is running: another soak? (tmux -L $tsock kill-server to end it)"
fi
if [[ -S $sock ]] && timeout 5 docker -H "$host" version >/dev/null 2>&1; then
    die "a daemon already answers at $sock: another soak? (see $pidfile)"
fi
# Other test runs may be restarting the system daemon: give it a minute.
for ((i = 0; i < 60; i++)); do
    timeout 5 docker -H "$system_host" version >/dev/null 2>&1 && break
    sleep 1
done
docker -H "$system_host" image inspect "$image" >/dev/null 2>&1 ||
    die "the system daemon has no $image (scripts/test-images.sh builds it)"

run=${SOAK_RUN_DIR:-$base/run-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$run/screens" "$run/xdg/config" "$run/xdg/state" "$run/xdg/data" "$run/xdg/home"
ln -sfn "$run" "$base/latest"
cp "$bin_src" "$run/wharf"
echo '{}' >"$run/daemon.json" # no /etc/docker/daemon.json for the soak daemon
events=$run/events.log
: >"$events"
: >"$run/screen-errors.log"

# The soak daemon's own bridge (created here, deleted on exit).
soak_bridge=wharfsoak0
if ! ip link show "$soak_bridge" >/dev/null 2>&1; then
    ip link add "$soak_bridge" type bridge
    ip addr add 172.31.254.1/24 dev "$soak_bridge"
    ip link set "$soak_bridge" up
fi

dockerd_args=(
    --config-file "$run/daemon.json"
    --data-root "$data_root" --exec-root "$exec_root"
    --pidfile "$pidfile" -H "$host"
    # NOT --bridge=none: a dockerd started with it deletes the interface docker0,
    # which belongs to the system daemon. The soak daemon gets a bridge of its own.
    --bridge="$soak_bridge" --iptables=false --ip6tables=false --ip-masq=false
    --containerd-namespace wharf-soak --containerd-plugins-namespace wharf-soak-plugins
    --cgroup-parent wharf-soak
)

sd() { docker -H "$host" "$@"; }
T() { tmux -L "$tsock" "$@"; }
screen() { T capture-pane -p -t "$session" 2>/dev/null || true; }

t0=$(date +%s.%N)
elapsed() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
elapsed_int() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%d", b - a }'; }
log() { printf '%s\t%s\n' "$(elapsed)" "$*" >>"$events"; }
phase() { echo "$1" >"$run/phase"; log "phase	$1"; }
meta() { echo "$1=$2" >>"$run/meta.txt"; }

# Is $1 a live (not zombie) process whose command line mentions the soak daemon?
# Nothing else is ever signalled.
is_ours() {
    local stat
    [[ ${1:-} =~ ^[0-9]+$ ]] || return 1
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]] || return 1
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q "$dname"
}

# Waits up to $2 seconds for process $1 to be gone; 0 if it is.
wait_gone() {
    local i
    for ((i = 0; i < $2 * 5; i++)); do
        is_ours "$1" || return 0
        sleep 0.2
    done
    return 1
}

start_daemon() {
    setsid dockerd "${dockerd_args[@]}" >>"$run/dockerd.log" 2>&1 </dev/null &
    local i
    for ((i = 0; i < 120; i++)); do
        timeout 5 docker -H "$host" version >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    die "the soak daemon did not answer within 60 s (see $run/dockerd.log)"
}

# SIGTERM to the soak dockerd, SIGKILL after 60 s; its containerd follows it.
stop_daemon() {
    local pid cpid
    pid=$(cat "$pidfile" 2>/dev/null || true)
    cpid=$(cat "$exec_root/containerd/containerd.pid" 2>/dev/null || true)
    if is_ours "$pid"; then
        kill -TERM "$pid"
        if ! wait_gone "$pid" 60; then
            log "note	dockerd $pid still up after 60 s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            wait_gone "$pid" 10 || true
        fi
    fi
    if is_ours "$cpid" && ! wait_gone "$cpid" 20; then
        log "note	containerd $cpid outlived dockerd: SIGTERM"
        kill -TERM "$cpid" 2>/dev/null || true
        wait_gone "$cpid" 10 || kill -KILL "$cpid" 2>/dev/null || true
    fi
}

sampler_pid=
cleanup() {
    set +e
    trap - EXIT INT TERM
    [[ -n $sampler_pid ]] && kill "$sampler_pid" 2>/dev/null
    T kill-server 2>/dev/null
    if timeout 5 docker -H "$host" version >/dev/null 2>&1; then
        ids=$(sd ps -aq --filter label=wharf-soak=1)
        [[ -n $ids ]] && sd rm -f $ids >/dev/null 2>&1
    fi
    stop_daemon
    # Shims left behind if containerd died first (they name our containerd's socket).
    for pid in $(pgrep -f "containerd-shim.*$dname" 2>/dev/null); do
        is_ours "$pid" && kill -KILL "$pid" 2>/dev/null
    done
    awk -v a="$data_root" -v b="$exec_root" -v c="/run/$dname" \
        'index($2, a) == 1 || index($2, b) == 1 || index($2, c) == 1 { print $2 }' /proc/mounts |
        sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf --one-file-system "$data_root" "$exec_root" "$pidfile" "$sock"
    ip link del "${soak_bridge:-wharfsoak0}" 2>/dev/null
    [[ -d $run/xdg/state/wharf && ! -e $run/wharf-logs ]] && cp -r "$run/xdg/state/wharf" "$run/wharf-logs" 2>/dev/null
    echo "cleaned up" >>"$run/progress"
}
trap cleanup EXIT
trap 'log "note	interrupted"; exit 130' INT TERM

{
    echo "started=$(date -Is)"
    echo "duration_s=$duration"
    echo "step_s=$step"
    echo "sample_every=$sample_every"
    echo "containers=$count"
    echo "binary=$bin_src"
    echo "binary_mtime=$(date -Is -r "$bin_src")"
    echo "binary_sha256=$(sha256sum "$run/wharf" | cut -d' ' -f1)"
    echo "binary_version=$("$run/wharf" --version 2>/dev/null)"
    echo "repo_head=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null)"
    echo "kernel=$(uname -r)"
    echo "cpu=$(nproc) x $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
    echo "memory=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "os=$(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "dockerd=$(dockerd --version)"
    echo "tmux=$(tmux -V)"
} >"$run/meta.txt"

progress() {
    printf '%s/%ss phase=%s actions ok=%s failed=%s last: %s\n' "$(elapsed_int)" "$duration" \
        "$(cat "$run/phase" 2>/dev/null)" "$ok_total" "$fail_total" "$(tail -n 1 "$run/samples.csv" 2>/dev/null)" \
        >"$run/progress"
}
ok_total=0
fail_total=0
echo "setting up" >"$run/progress"
phase setup

# --- the daemon, the image, the containers -------------------------------------------
start_daemon
log "daemon	up: $(sd version --format '{{.Server.Version}} API {{.Server.APIVersion}}')"
docker -H "$system_host" save "$image" | sd load >/dev/null
# Most containers log (5 lines a second or 1 a second), every fourth is idle. All of them
# come back by themselves after the daemon restart (--restart always).
declare -A idle=()
for ((i = 1; i <= count; i++)); do
    name=$(printf 'soak-%02d' "$i")
    case $((i % 4)) in
        0) cmd='sleep 1000000'; idle[$name]=1 ;;
        2) cmd='i=0; while true; do i=$((i+1)); echo line $i; sleep 1; done' ;;
        *) cmd='i=0; while true; do i=$((i+1)); echo line $i; sleep 0.2; done' ;;
    esac
    sd run -d --name "$name" --label wharf-soak=1 --network none --restart always \
        --log-opt max-size=5m --log-opt max-file=2 -e "SOAK_NAME=$name" \
        "$image" sh -c "$cmd" >/dev/null
done
log "containers	$count started (${#idle[@]} idle)"

# --- wharf in tmux ----------------------------------------------------------------------
# remain-on-exit keeps the pane (and its exit status) if wharf dies.
printf 'set -g remain-on-exit on\nset -g status off\n' >"$run/tmux.conf"
T -f "$run/tmux.conf" new-session -d -s "$session" -x 160 -y 45 \
    -e "XDG_CONFIG_HOME=$run/xdg/config" -e "XDG_STATE_HOME=$run/xdg/state" \
    -e "XDG_DATA_HOME=$run/xdg/data" -e "HOME=$run/xdg/home" \
    "$run/wharf --host $host"
t0=$(date +%s.%N)
wharf_pid=$(T display -p -t "$session" '#{pane_pid}')
[[ $(cat "/proc/$wharf_pid/comm" 2>/dev/null) == wharf ]] || die "pane pid $wharf_pid is not wharf"
meta wharf_pid "$wharf_pid"
log "wharf	pid $wharf_pid"
phase warmup
python3 "$repo/scripts/soak_sample.py" sample "$wharf_pid" "$run/samples.csv" \
    --interval "$sample_every" --t0 "$t0" --phase-file "$run/phase" &
sampler_pid=$!

# --- looking at the screen ----------------------------------------------------------------
# wait_for SECONDS ERE: 0 once the screen matches.
wait_for() {
    local deadline
    deadline=$(($(date +%s%N) + $1 * 1000000000))
    while (($(date +%s%N) < deadline)); do
        screen | grep -qE -- "$2" && return 0
        sleep 0.1
    done
    return 1
}
# wait_for_all SECONDS ERE...: 0 once one screen matches every pattern.
wait_for_all() {
    local deadline s p all
    deadline=$(($(date +%s%N) + $1 * 1000000000))
    shift
    while (($(date +%s%N) < deadline)); do
        s=$(screen)
        all=1
        for p in "$@"; do
            grep -qE -- "$p" <<<"$s" || { all=0; break; }
        done
        ((all)) && return 0
        sleep 0.1
    done
    return 1
}
# wait_until_not SECONDS ERE: 0 once the screen no longer matches.
wait_until_not() {
    local deadline
    deadline=$(($(date +%s%N) + $1 * 1000000000))
    while (($(date +%s%N) < deadline)); do
        screen | grep -qE -- "$2" || return 0
        sleep 0.1
    done
    return 1
}
selected() { screen | grep -oE '[┃│]▶soak-[0-9]+' | head -n 1 | sed -E 's/^.▶//'; }
# The SOAK_NAME value in the env pane: filled from the inspect of the selected container.
env_name() { screen | grep -oE 'SOAK_NAME +soak-[0-9]+' | head -n 1 | awk '{ print $2 }'; }
console_shown() { screen | grep -q '\[5\] Console'; }
wharf_alive() { [[ $(T display -p -t "$session" '#{pane_dead}' 2>/dev/null) == 0 ]]; }
save_screen() { screen >"$run/screens/$1.txt"; }

# Status-line message (left of the daemon indicator) and error-looking lines anywhere.
note_screen() {
    local s t msg
    s=$(screen)
    t=$(elapsed_int)
    msg=$(tail -n 1 <<<"$s" | sed -E 's/[●○✗] unix:\/\/.*$//; s/^ +//; s/ +$//')
    [[ -n $msg ]] && printf '%s\tstatus line: %s\n' "$t" "$msg" >>"$run/screen-errors.log"
    head -n -1 <<<"$s" | grep -iE 'error|cannot|failed|unreachable|refused|timed out|denied|no such|panic|lost' |
        sed -E 's/[┃│┏┓┗┛┌┐└┘━─]+/ /g; s/^ +//; s/ +$//; s/  +/  /g' |
        while read -r line; do printf '%s\tpane: %s\n' "$t" "$line"; done >>"$run/screen-errors.log" || true
}

# --- actions ------------------------------------------------------------------------------
fail_reason=
fail() { fail_reason=$1; return 1; }

# Back to the containers pane: close what a failed action may have left open.
to_containers() {
    if console_shown && screen | grep -q '┏ \[5\] Console'; then
        T send-keys -t "$session" C-] x
        wait_until_not 5 '\[5\] Console' || true
    fi
    T send-keys -t "$session" Escape
    T send-keys -t "$session" 1
    wait_for 3 '┏ \[1\] Containers'
}

# Wharf inspects the selected container for the ports and env panes: the env pane's
# SOAK_NAME and the logs title must follow the selection.
check_selection() {
    local s sel env deadline
    deadline=$(($(date +%s%N) + 8000000000))
    while (($(date +%s%N) < deadline)); do
        # One capture for all three, so they are compared on the same frame.
        s=$(screen)
        sel=$(grep -oE '[┃│]▶soak-[0-9]+' <<<"$s" | head -n 1 | sed -E 's/^.▶//' || true)
        env=$(grep -oE 'SOAK_NAME +soak-[0-9]+' <<<"$s" | head -n 1 | awk '{ print $2 }' || true)
        if [[ -n $sel && $env == "$sel" ]] && grep -qE "\[5\] (Logs|Console) $sel " <<<"$s"; then
            cur_detail=$sel
            return 0
        fi
        sleep 0.1
    done
    fail "after 8 s the selected row is '${sel:-none}', the env pane (inspect) shows '${env:-nothing}'"
}

act_select() {
    to_containers || fail "containers pane did not take focus" || return 1
    local before key n r
    before=$(selected)
    r=$((RANDOM % 8))
    if ((r == 0)); then
        T send-keys -t "$session" g
    elif ((r == 1)); then
        T send-keys -t "$session" G
    else
        key=$([[ $((RANDOM % 2)) == 0 ]] && echo j || echo k)
        # Away from the ends, so the walk covers the whole list.
        [[ $before == "$last_row" ]] && key=k
        [[ $before == "$first_row" ]] && key=j
        n=$((RANDOM % 4 + 1))
        for ((i = 0; i < n; i++)); do T send-keys -t "$session" "$key"; done
    fi
    sleep 0.4 # the keys reach wharf before the frame is read
    check_selection || return 1
    cur_detail="$before -> $cur_detail"
}

# Ports and env panes: focus them, move in them, back.
act_inspect_panes() {
    to_containers || fail "containers pane did not take focus" || return 1
    T send-keys -t "$session" j
    sleep 0.4
    check_selection || return 1
    T send-keys -t "$session" 3
    wait_for 3 '┏ \[3\] Ports' || fail "ports pane did not take focus" || return 1
    T send-keys -t "$session" 4
    wait_for 3 '┏ \[4\] Env' || fail "env pane did not take focus" || return 1
    T send-keys -t "$session" j k
    T send-keys -t "$session" 1
    wait_for 3 '┏ \[1\] Containers' || fail "containers pane did not take focus back" || return 1
}

# Selection onto a logging container (the idle ones have empty logs).
to_chatty() {
    local sel i
    for ((i = 0; i < 6; i++)); do
        sel=$(selected)
        [[ -n $sel && -z ${idle[$sel]:-} ]] && return 0
        T send-keys -t "$session" "$([[ $sel == "$last_row" ]] && echo k || echo j)"
        sleep 0.4
    done
    return 1
}
# Sorted by age, newest first: the oldest container is the last row.
last_row=$(printf 'soak-%02d' 1)
first_row=$(printf 'soak-%02d' "$count")

act_logs() {
    to_containers || fail "containers pane did not take focus" || return 1
    to_chatty || fail "could not select a logging container" || return 1
    check_selection || return 1
    local sel=$cur_detail
    T send-keys -t "$session" 5
    wait_for 3 "┏ \[5\] Logs $sel " || fail "logs pane did not take focus" || return 1
    wait_for 8 "Logs $sel ● following" || fail "logs of $sel not following" || return 1
    wait_for 8 '[│┃]  line [0-9]+' || fail "no log lines of $sel" || return 1
    # Zoom in and out every other time.
    if ((RANDOM % 2 == 0)); then
        T send-keys -t "$session" z
        wait_until_not 3 '\[1\] Containers' || fail "zoom did not hide the list" || return 1
        sleep 1
        T send-keys -t "$session" z
        wait_for 3 '\[1\] Containers' || fail "unzoom did not bring the list back" || return 1
    fi
    T send-keys -t "$session" 1
    wait_for 3 '┏ \[1\] Containers' || fail "containers pane did not take focus back" || return 1
}

act_scroll() {
    to_containers || fail "containers pane did not take focus" || return 1
    to_chatty || fail "could not select a logging container" || return 1
    check_selection || return 1
    local sel=$cur_detail n i
    T send-keys -t "$session" 5
    wait_for 3 "┏ \[5\] Logs $sel " || fail "logs pane did not take focus" || return 1
    wait_for 8 '[│┃]  line [0-9]+' || fail "no log lines of $sel" || return 1
    n=$((RANDOM % 3 + 1))
    for ((i = 0; i < n; i++)); do T send-keys -t "$session" PageUp; done
    ((RANDOM % 3 == 0)) && T send-keys -t "$session" Home
    wait_for 3 "Logs $sel ⏸ paused" || fail "scrolling up did not pause the logs" || return 1
    sleep 0.5
    T send-keys -t "$session" PageDown End
    wait_for 3 "Logs $sel ● following" || fail "End did not follow again" || return 1
    T send-keys -t "$session" 1
    wait_for 3 '┏ \[1\] Containers' || fail "containers pane did not take focus back" || return 1
}

console_n=0
act_console() {
    to_containers || fail "containers pane did not take focus" || return 1
    T send-keys -t "$session" "$([[ $((RANDOM % 2)) == 0 ]] && echo j || echo k)"
    sleep 0.4
    check_selection || return 1
    local sel=$cur_detail
    console_n=$((console_n + 1))
    T send-keys -t "$session" e
    wait_for 10 "┏ \[5\] Console $sel " || fail "console on $sel did not open" || return 1
    wait_for 10 '┃/ # ' || fail "no shell prompt in $sel" || return 1
    # Only typed once the console has focus: in the list, these letters are actions.
    T send-keys -t "$session" -l "echo soak $console_n"
    T send-keys -t "$session" Enter
    wait_for 8 "┃soak $console_n +┃" || fail "no 'soak $console_n' from $sel" || return 1
    if ((console_n % 3 == 0)); then
        # Detach, come back to the same shell (its output is still there), then close.
        T send-keys -t "$session" C-] d
        wait_until_not 5 '\[5\] Console' || fail "detach did not hide the console" || return 1
        T send-keys -t "$session" e
        wait_for 5 "┃soak $console_n +┃" || fail "re-opening did not return to the same shell" || return 1
        cur_detail="$sel (detached, re-opened)"
    else
        cur_detail=$sel
    fi
    T send-keys -t "$session" C-] x
    wait_until_not 5 '\[5\] Console' || fail "closing did not hide the console" || return 1
    wait_for 3 '┏ \[1\] Containers' || fail "containers pane did not take focus back" || return 1
}

run_action() {
    local name=$1 start took
    fail_reason=
    cur_detail=
    start=$(date +%s%N)
    if "act_$name"; then
        took=$((($(date +%s%N) - start) / 1000000))
        ok_total=$((ok_total + 1))
        log "action	$name	ok	${took}ms ${cur_detail}"
    else
        fail_total=$((fail_total + 1))
        log "action	$name	FAILED	${fail_reason:-?}"
        save_screen "fail-$(elapsed_int)-$name"
        to_containers || true
    fi
    note_screen
}

# --- the daemon restart -------------------------------------------------------------------
restart_daemon() {
    local at gone up back pid
    phase daemon-stopping
    save_screen before-restart
    at=$(elapsed)
    meta restart_at "$at"
    pid=$(cat "$pidfile")
    log "restart	SIGTERM to dockerd $pid"
    stop_daemon
    gone=$(elapsed)
    meta daemon_gone_at "$gone"
    log "restart	dockerd and its containerd gone"
    phase daemon-down
    if wait_for 15 'cannot reach Docker|unreachable'; then
        log "restart	wharf shows the daemon unreachable"
    else
        log "restart	wharf did NOT show the daemon unreachable within 15 s"
    fi
    save_screen daemon-down
    note_screen
    sleep "$outage"
    phase daemon-starting
    start_daemon
    up=$(elapsed)
    meta daemon_up_at "$up"
    log "restart	dockerd answers again"
    local i n=0
    for ((i = 0; i < 120; i++)); do
        n=$(sd ps -q --filter label=wharf-soak=1 | wc -l)
        ((n == count)) && break
        sleep 0.5
    done
    log "restart	$n of $count containers running again"
    # The header keeps the last counts while the daemon is away: the rows and the
    # connected indicator are what say wharf is back.
    if wait_for_all 70 "● $count running" '[┃│]▶soak-[0-9]+' '● unix://'; then
        back=$(elapsed)
        meta recovered_at "$back"
        log "restart	wharf shows the list again ($count running), $(awk -v a="$up" -v b="$back" 'BEGIN { printf "%.1f", b - a }') s after the daemon answered"
        meta recovered yes
    else
        meta recovered no
        log "restart	wharf did NOT show the $count running containers within 70 s"
    fi
    save_screen after-restart
    note_screen
    phase run
}

# --- the soak -------------------------------------------------------------------------------
if wait_for_all 40 "● $count running" '[┃│]▶soak-[0-9]+' '● unix://'; then
    log "wharf	first screen with the list after $(elapsed) s"
else
    save_screen no-first-screen
    die "wharf did not show the $count containers within 40 s"
fi
save_screen start
RANDOM=42 # the same sequence of actions every run
actions=(select select inspect_panes logs scroll console select logs console)
restart_done=0
half=$((duration / 2))
next_action=$(date +%s)
while (($(elapsed_int) < duration)); do
    wharf_alive || { log "wharf	EXITED: $(T display -p -t "$session" '#{pane_dead_status}')"; save_screen wharf-exited; break; }
    (($(elapsed_int) >= 120)) && [[ $(cat "$run/phase") == warmup ]] && phase run
    if ((!restart_done && $(elapsed_int) >= half)); then
        restart_daemon
        restart_done=1
        next_action=$(date +%s)
    fi
    now=$(date +%s)
    if ((now < next_action)); then
        progress
        sleep $((next_action - now))
        continue
    fi
    next_action=$((now + step))
    run_action "${actions[RANDOM % ${#actions[@]}]}"
    progress
done

phase end
save_screen end
note_screen
if wharf_alive; then
    T send-keys -t "$session" q
    for ((i = 0; i < 50; i++)); do
        wharf_alive || break
        sleep 0.1
    done
fi
status=$(T display -p -t "$session" '#{pane_dead_status}' 2>/dev/null || true)
log "wharf	quit, exit status ${status:-?}"
meta wharf_exit "${status:-?}"
kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=
meta finished "$(date -Is)"
[[ -d $run/xdg/state/wharf ]] && cp -r "$run/xdg/state/wharf" "$run/wharf-logs"
python3 "$repo/scripts/soak_sample.py" report "$run" >"$run/report.md"
progress
echo "done: $run/report.md" >>"$run/progress"
echo "soak: done; report in $run/report.md"
