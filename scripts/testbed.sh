#!/usr/bin/env bash
# Three real Docker engines on this machine, each in a network namespace of its own,
# for wharf's fleet and multi-node swarm tests.
#
#   tb1  tcp://10.231.0.11:2375   plain TCP
#   tb2  tcp://10.231.0.12:2376   TCP with TLS client certificates (dockerd --tlsverify)
#   tb3  ssh://wharf-tb3          sshd inside the namespace, `docker system dial-stdio`
#                                 (also tcp://10.231.0.13:2375 for the docker CLI)
#
# Each engine is Debian's dockerd with its own --data-root (/var/lib/wharf-testbed/hN),
# --exec-root, pid file and unix socket (/run/wharf-testbed/hN/docker.sock: a file, so
# the tests can reach each engine through it even while its network is cut), its own
# containerd, and its own hostname (a UTS namespace), so the swarm's nodes are told
# apart.
#
# The network: namespaces wtb-h1..3 each hold an `eth0` with 10.231.0.1N/24, wired by
# veth pairs to a bridge; the root namespace reaches it through one more veth with
# 10.231.0.1/24. The bridge sits in a namespace of its own (wtb-net), not in the root
# one: the main engine sets the root namespace's FORWARD policy to DROP and
# bridge-nf-call-iptables is on here, so frames bridged in the root namespace between
# two hosts would be dropped, and letting them through would mean editing the main
# engine's rules. No namespace has a default route: 10.231.0.0/24 goes nowhere else.
#
# Usage:
#   testbed.sh start            bring everything up (idempotent; ~1 s when up), write
#                               /tmp/wharf-testbed/env
#   testbed.sh stop             stop the engines and sshd, remove the namespaces
#                               (add --purge to delete the engines' data too)
#   testbed.sh status           one line per host
#   testbed.sh cut N | heal N   take host N's link down / up (a network partition)
#   testbed.sh stop-engine N [--kill] | start-engine N   (--kill: as a crash)
#   testbed.sh pause N | resume N     SIGSTOP / SIGCONT host N's dockerd (a hung daemon)
#   testbed.sh swarm            a three-manager swarm across tb1..3 (idempotent)
#   testbed.sh swarm-leave      every engine leaves its swarm
#
# Root on Debian only. Nothing here touches the main engine (/var/run/docker.sock)
# beyond reading the test images from it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# is_alive, is_running_as, start_detached
# shellcheck source=lib/processes.sh
source "$here/lib/processes.sh"
# shellcheck source=lib/certs.sh
source "$here/lib/certs.sh"

DIR=/tmp/wharf-testbed
RUN=/run/wharf-testbed
DATA=/var/lib/wharf-testbed
NET=10.231.0
NET_NS=wtb-net
BRIDGE=wtb-br
ROOT_VETH=wtb-root
HOSTS=(1 2 3)
IMAGES=(wharf-test/busybox:latest wharf-test/redis:latest wharf-test/mysql:5.7)
TLS_DIR=$DIR/tls
SSH_DIR=$DIR/ssh
SSH_ALIAS=wharf-tb3
WAIT_SECS=${WHARF_TESTBED_WAIT:-60}

unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH

say() { printf 'testbed: %s\n' "$*"; }
die() { printf 'testbed: error: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 && -f /etc/debian_version ]] ||
    die "run this as root on Debian: it makes network namespaces and runs dockerd"

host_ns() { echo "wtb-h$1"; }
host_addr() { echo "$NET.1$1"; }
host_name() { echo "wharf-tb$1"; }
host_sock() { echo "$RUN/h$1/docker.sock"; }
host_port() { [[ $1 == 2 ]] && echo 2376 || echo 2375; }
# The port on the bridge that host N's veth plugs into.
switch_port() { echo "wtb-p$1"; }

# The docker CLI against host N through its unix socket (works while it is cut off).
dk() {
    local n=$1
    shift
    timeout 20 docker -H "unix://$(host_sock "$n")" "$@"
}

check_host_arg() {
    [[ ${1:-} =~ ^[123]$ ]] || die "which host? give 1, 2 or 3"
}

# --- processes -----------------------------------------------------------------

pid_of() {
    local pid
    pid=$(cat "$1" 2>/dev/null || true)
    is_running_as "$pid" "$2" && echo "$pid"
}

dockerd_pid() { pid_of "$RUN/h$1/dockerd.pid" dockerd; }

# Stop the process in pid file $1 (if it is the $2 we started), politely then not.
stop_pidfile() {
    local pidfile=$1 comm=$2 pid i
    if pid=$(pid_of "$pidfile" "$comm"); then
        # A paused daemon ignores SIGTERM until it runs again.
        kill -CONT "$pid" 2>/dev/null || true
        kill "$pid" 2>/dev/null || true
        for ((i = 0; i < 150; i++)); do
            is_alive "$pid" || break
            sleep 0.1
        done
        is_alive "$pid" && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

# --- the network -----------------------------------------------------------------

ns_exists() { ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$1"; }

ensure_switch() {
    ns_exists "$NET_NS" || ip netns add "$NET_NS"
    ip -n "$NET_NS" link set lo up
    if ! ip -n "$NET_NS" link show "$BRIDGE" >/dev/null 2>&1; then
        ip -n "$NET_NS" link add "$BRIDGE" type bridge
    fi
    ip -n "$NET_NS" link set "$BRIDGE" up
    # The root namespace's door: wtb-root here, wtb-up there.
    if ! ip link show "$ROOT_VETH" >/dev/null 2>&1; then
        ip -n "$NET_NS" link del wtb-up 2>/dev/null || true
        ip link add "$ROOT_VETH" type veth peer name wtb-up netns "$NET_NS"
    fi
    ip -n "$NET_NS" link set wtb-up master "$BRIDGE" up
    ip addr replace "$NET.1/24" dev "$ROOT_VETH"
    ip link set "$ROOT_VETH" up
}

ensure_host_net() {
    local n=$1 ns port
    ns=$(host_ns "$n")
    port=$(switch_port "$n")
    ns_exists "$ns" || ip netns add "$ns"
    ip -n "$ns" link set lo up
    if ! ip -n "$ns" link show eth0 >/dev/null 2>&1; then
        ip -n "$NET_NS" link del "$port" 2>/dev/null || true
        ip -n "$ns" link add eth0 type veth peer name "$port" netns "$NET_NS"
    fi
    ip -n "$ns" addr replace "$(host_addr "$n")/24" dev eth0
    ip -n "$ns" link set eth0 up
    # `start` heals: a host left cut off by an interrupted test is wired again.
    ip -n "$NET_NS" link set "$port" master "$BRIDGE" up
}

# --- TLS for tb2 ------------------------------------------------------------------

# The same recipe as remote-endpoints.sh (scripts/lib/certs.sh), for tb2's address.
ensure_certs() {
    test_certs_ok "$TLS_DIR" && return 0
    make_test_certs "$TLS_DIR" "wharf test bed" "$(host_name 2)" "IP:$(host_addr 2),DNS:$(host_name 2)" \
        "$DIR/openssl.log" || { tail -n 20 "$DIR/openssl.log" >&2; die "could not create the TLS certificates"; }
}

# --- the engines ------------------------------------------------------------------

engine_answers() { dk "$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# Over the network, the way wharf reaches it.
tcp_answers() {
    local n=$1 addr
    addr=$(host_addr "$n")
    if [[ $n == 2 ]]; then
        timeout 10 docker --tlsverify --tlscacert "$TLS_DIR/client/ca.pem" --tlscert "$TLS_DIR/client/cert.pem" \
            --tlskey "$TLS_DIR/client/key.pem" -H "tcp://$addr:2376" version --format '{{.Server.Version}}' >/dev/null 2>&1
    else
        timeout 10 docker -H "tcp://$addr:2375" version --format '{{.Server.Version}}' >/dev/null 2>&1
    fi
}

# The pid in host N's pid file when it names a dockerd that is alive but stopped
# (paused by `pause`): `start` resumes it rather than calling the engine wedged.
resume_if_paused() {
    local pid state
    pid=$(dockerd_pid "$1") || return 0
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
    if [[ $state == T ]]; then
        say "tb$1: dockerd (pid $pid) was paused; resuming it"
        kill -CONT "$pid"
    fi
}

start_engine() {
    local n=$1 dir=$RUN/h$1 log=$DIR/dockerd-h$1.log args deadline pid
    resume_if_paused "$n"
    if engine_answers "$n"; then
        return 0
    fi
    stop_pidfile "$dir/dockerd.pid" dockerd
    mkdir -p "$dir" "$DATA/h$n"
    # A killed engine leaves its socket and its containerd's pid file behind.
    rm -f "$(host_sock "$n")"
    if [[ -f $dir/containerd/containerd.pid ]] && ! pid_of "$dir/containerd/containerd.pid" containerd >/dev/null; then
        rm -f "$dir/containerd/containerd.pid"
    fi
    args=(
        --data-root "$DATA/h$n" --exec-root "$dir" --pidfile "$dir/dockerd.pid"
        -H "unix://$(host_sock "$n")" --log-level warn
        # Light: no docker-proxy per published port; no log files growing.
        --userland-proxy=false --log-driver local
        # Its own containers' cgroups, apart from the main engine's.
        --cgroup-parent "wharf-tb$n"
        # Addresses of its own, in its own namespace: only for clarity in `ip` output.
        --bip "172.31.$n.1/24"
    )
    if [[ $n == 2 ]]; then
        args+=(-H "tcp://$(host_addr "$n"):2376" --tlsverify --tlscacert "$TLS_DIR/ca.pem"
            --tlscert "$TLS_DIR/server.pem" --tlskey "$TLS_DIR/server-key.pem")
    else
        # --tls=false says plain TCP is meant: without it dockerd 20.10 sleeps 15 s at
        # start to warn about it.
        args+=(-H "tcp://$(host_addr "$n"):2375" --tls=false)
    fi
    say "tb$n: starting dockerd in $(host_ns "$n") (log: $log)"
    # nsenter enters the network namespace only (`ip netns exec` would also mount a
    # fresh /sys, hiding the cgroup hierarchy dockerd needs); unshare --uts gives the
    # engine a hostname of its own, which the swarm's nodes are named by.
    start_detached "$log" nsenter "--net=/run/netns/$(host_ns "$n")" unshare --uts \
        sh -c 'hostname "$1"; shift; exec "$@"' sh "$(host_name "$n")" /usr/sbin/dockerd "${args[@]}"
    deadline=$((SECONDS + WAIT_SECS))
    until engine_answers "$n"; do
        if ((SECONDS > deadline)); then
            tail -n 30 "$log" >&2 || true
            die "tb$n: dockerd did not answer within ${WAIT_SECS}s"
        fi
        sleep 0.2
    done
    pid=$(dockerd_pid "$n") || die "tb$n: dockerd answers but its pid file names no dockerd"
    say "tb$n: dockerd up (pid $pid)"
}

# Stop host N's engine; with --kill, as a crash would (SIGKILL, no clean-up).
stop_engine() {
    local n=$1 pid
    if [[ ${2:-} == --kill ]]; then
        pid=$(dockerd_pid "$n") && kill -9 "$pid" 2>/dev/null || true
        pid=$(pid_of "$RUN/h$n/containerd/containerd.pid" containerd) && kill -9 "$pid" 2>/dev/null || true
    fi
    stop_pidfile "$RUN/h$n/dockerd.pid" dockerd
    # Its containerd ends with it; a stray one (dockerd killed hard) is ours too.
    stop_pidfile "$RUN/h$n/containerd/containerd.pid" containerd
    rm -f "$(host_sock "$n")"
}

load_images() {
    local n=$1 missing=() image
    for image in "${IMAGES[@]}"; do
        dk "$n" image inspect "$image" >/dev/null 2>&1 || missing+=("$image")
    done
    ((${#missing[@]})) || return 0
    for image in "${missing[@]}"; do
        docker image inspect "$image" >/dev/null 2>&1 || "$here/test-images.sh"
    done
    say "tb$n: loading ${missing[*]}"
    docker save "${missing[@]}" | dk "$n" load -q >/dev/null
}

# --- ssh to tb3 ----------------------------------------------------------------------

ensure_ssh() {
    local n=3 ns addr pidfile=$DIR/sshd-tb3.pid log=$DIR/sshd-tb3.log line f pid
    ns=$(host_ns "$n")
    addr=$(host_addr "$n")
    mkdir -p -m 700 "$SSH_DIR"
    [[ -s $SSH_DIR/host_key ]] || ssh-keygen -q -t ed25519 -N '' -C wharf-testbed-sshd -f "$SSH_DIR/host_key"
    [[ -s $SSH_DIR/id_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C wharf-testbed-client -f "$SSH_DIR/id_ed25519"
    cp "$SSH_DIR/id_ed25519.pub" "$SSH_DIR/authorized_keys"
    # The remote `docker` talks to tb3's engine: DOCKER_HOST names its socket.
    cat >"$SSH_DIR/sshd_config" <<EOF
# Generated by wharf's scripts/testbed.sh, which overwrites edits.
Port 22
ListenAddress $addr
HostKey $SSH_DIR/host_key
PidFile none
AuthorizedKeysFile $SSH_DIR/authorized_keys
StrictModes no
PermitRootLogin prohibit-password
AllowUsers root
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PrintMotd no
X11Forwarding no
SetEnv PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin DOCKER_HOST=unix://$(host_sock "$n")
MaxSessions 100
MaxStartups 100
ClientAliveInterval 2
ClientAliveCountMax 3
EOF
    # ServerAlive: a cut link ends wharf's ssh connections within seconds, as it would
    # with most users' settings for a remote host.
    cat >"$SSH_DIR/config" <<EOF
# Generated by wharf's scripts/testbed.sh, which overwrites edits.
Host $SSH_ALIAS
    HostName $addr
    Port 22
    User root
    IdentityFile $SSH_DIR/id_ed25519
    IdentitiesOnly yes
    StrictHostKeyChecking no
    UserKnownHostsFile /dev/null
    GlobalKnownHostsFile /dev/null
    LogLevel ERROR
    BatchMode yes
    ConnectTimeout 5
    ServerAliveInterval 2
    ServerAliveCountMax 3
EOF
    chmod 600 "$SSH_DIR/config"
    # wharf runs the system ssh, which reads root's ~/.ssh/config: include ours at the top.
    f=$(getent passwd root | cut -d: -f6)/.ssh/config
    line="Include $SSH_DIR/config"
    if ! { [[ -f $f ]] && grep -Fxq "$line" "$f"; }; then
        mkdir -p -m 700 "$(dirname "$f")"
        if [[ -e $f ]]; then
            printf '%s\n%s\n' "$line" "$(cat "$f")" >"$f"
        else
            (umask 077 && printf '%s\n' "$line" >"$f")
        fi
        say "added '$line' at the top of $f"
    fi
    if pid_of "$pidfile" sshd >/dev/null && ssh_answers; then
        return 0
    fi
    stop_pidfile "$pidfile" sshd
    mkdir -p -m 755 /run/sshd
    /usr/sbin/sshd -t -f "$SSH_DIR/sshd_config" >"$log" 2>&1 || { cat "$log" >&2; die "sshd rejects $SSH_DIR/sshd_config"; }
    say "tb3: starting sshd on $addr:22 (log: $log)"
    start_detached "$log" nsenter "--net=/run/netns/$ns" /usr/sbin/sshd -D -E "$log" -f "$SSH_DIR/sshd_config"
    # setsid runs in place: the job's pid is nsenter's, which exec'd sshd.
    echo $! >"$pidfile"
    for _ in $(seq 1 75); do
        ssh_answers && return 0
        sleep 0.2
    done
    tail -n 20 "$log" >&2 || true
    die "docker does not answer over ssh to $SSH_ALIAS"
}

ssh_answers() {
    local v
    v=$(timeout 10 ssh -F "$SSH_DIR/config" "$SSH_ALIAS" "docker version --format '{{.Server.Version}}'" </dev/null 2>/dev/null) &&
        [[ -n $v ]]
}

# --- commands -------------------------------------------------------------------------

write_env() {
    cat >"$DIR/env.new" <<EOF
WHARF_TB1_HOST=tcp://$(host_addr 1):2375
WHARF_TB2_HOST=tcp://$(host_addr 2):2376
WHARF_TB2_CERT_PATH=$TLS_DIR/client
WHARF_TB3_HOST=ssh://$SSH_ALIAS
WHARF_TB3_TCP_HOST=tcp://$(host_addr 3):2375
WHARF_TB1_SOCK=unix://$(host_sock 1)
WHARF_TB2_SOCK=unix://$(host_sock 2)
WHARF_TB3_SOCK=unix://$(host_sock 3)
WHARF_TB1_ADDR=$(host_addr 1)
WHARF_TB2_ADDR=$(host_addr 2)
WHARF_TB3_ADDR=$(host_addr 3)
WHARF_TESTBED=$here/testbed.sh
EOF
    mv "$DIR/env.new" "$DIR/env"
}

cmd_start() {
    local n
    "$here/docker-engine.sh" >/dev/null
    command -v nsenter >/dev/null && command -v unshare >/dev/null || die "nsenter/unshare missing (util-linux)"
    [[ -x /usr/sbin/dockerd ]] || die "/usr/sbin/dockerd missing: apt-get install docker.io"
    [[ -x /usr/sbin/sshd ]] || {
        apt-get -o DPkg::Lock::Timeout=300 install -y -q openssh-server >/dev/null ||
            die "could not install openssh-server"
    }
    mkdir -p "$DIR" "$RUN" "$DATA"
    exec 9>"$DIR/lock"
    flock -w 300 9 || die "another testbed.sh has held $DIR/lock for 5 minutes"
    rm -f "$DIR/env"
    ensure_certs
    ensure_switch
    for n in "${HOSTS[@]}"; do ensure_host_net "$n"; done
    # The engines start in parallel (each takes a second or two).
    local pids=()
    for n in "${HOSTS[@]}"; do
        start_engine "$n" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || die "an engine did not start"; done
    for n in "${HOSTS[@]}"; do
        tcp_answers "$n" || die "tb$n answers on its socket but not over the network at $(host_addr "$n")"
        load_images "$n"
    done
    ensure_ssh
    write_env
    cmd_status
}

cmd_stop() {
    local n
    for n in "${HOSTS[@]}"; do stop_engine "$n"; done
    stop_pidfile "$DIR/sshd-tb3.pid" sshd
    for n in "${HOSTS[@]}"; do ip netns del "$(host_ns "$n")" 2>/dev/null || true; done
    ip link del "$ROOT_VETH" 2>/dev/null || true
    ip netns del "$NET_NS" 2>/dev/null || true
    rm -f "$DIR/env"
    if [[ ${1:-} == --purge ]]; then
        rm -rf "$DATA" "$RUN"
        say "stopped; data removed"
    else
        say "stopped (data kept in $DATA; --purge removes it)"
    fi
}

cmd_status() {
    local n pid link state swarm
    for n in "${HOSTS[@]}"; do
        pid=$(dockerd_pid "$n" || echo -)
        link=$(ip -n "$NET_NS" -br link show "$(switch_port "$n")" 2>/dev/null | awk '{print $2}' || true)
        state=down
        if [[ $pid != - ]] && [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == T ]]; then
            state=paused
        elif engine_answers "$n"; then
            state=up
        fi
        swarm=$( [[ $state == up ]] && dk "$n" info --format '{{.Swarm.LocalNodeState}}{{if .Swarm.ControlAvailable}} manager{{end}}' 2>/dev/null || echo -)
        printf 'testbed: tb%s %-15s link %-5s dockerd %-6s pid %-7s swarm %s\n' \
            "$n" "$(host_addr "$n")" "${link:-none}" "$state" "$pid" "$swarm"
    done
    [[ -f $DIR/env ]] && say "env: $DIR/env"
    return 0
}

cmd_swarm() {
    local n state token addr
    for n in "${HOSTS[@]}"; do engine_answers "$n" || die "tb$n does not answer: run '$0 start' first"; done
    state=$(dk 1 info --format '{{.Swarm.LocalNodeState}}')
    if [[ $state != active ]]; then
        say "tb1: swarm init on $(host_addr 1)"
        dk 1 swarm init --advertise-addr "$(host_addr 1)" --listen-addr "$(host_addr 1):2377" >/dev/null
    fi
    token=$(dk 1 swarm join-token -q manager)
    for n in 2 3; do
        state=$(dk "$n" info --format '{{.Swarm.LocalNodeState}}')
        [[ $state == active ]] && continue
        [[ $state == inactive ]] || dk "$n" swarm leave --force >/dev/null 2>&1 || true
        addr=$(host_addr "$n")
        say "tb$n: joining as a manager on $addr"
        dk "$n" swarm join --token "$token" --advertise-addr "$addr" --listen-addr "$addr:2377" "$(host_addr 1):2377" >/dev/null
    done
    # All three ready (a node that was cut off may still count as down for a while).
    local deadline=$((SECONDS + WAIT_SECS)) ready
    while :; do
        ready=$(dk 1 node ls --format '{{.Status}}' 2>/dev/null | grep -c '^Ready$' || true)
        [[ $ready == 3 ]] && break
        ((SECONDS < deadline)) || die "the swarm has $ready of 3 nodes ready"
        sleep 0.5
    done
    say "swarm: 3 managers ready"
}

cmd_swarm_leave() {
    local n
    for n in "${HOSTS[@]}"; do
        engine_answers "$n" || continue
        dk "$n" swarm leave --force >/dev/null 2>&1 || true
    done
    say "every engine left its swarm"
}

cmd=${1:-}
shift || true
case $cmd in
start) cmd_start ;;
stop) cmd_stop "$@" ;;
status) cmd_status ;;
cut)
    check_host_arg "${1:-}"
    ip -n "$NET_NS" link set "$(switch_port "$1")" down
    ;;
heal)
    check_host_arg "${1:-}"
    ip -n "$NET_NS" link set "$(switch_port "$1")" up
    ;;
stop-engine)
    check_host_arg "${1:-}"
    stop_engine "$1" "${2:-}"
    ;;
start-engine)
    check_host_arg "${1:-}"
    start_engine "$1"
    ;;
pause)
    check_host_arg "${1:-}"
    pid=$(dockerd_pid "$1") || die "tb$1: no dockerd runs"
    kill -STOP "$pid"
    ;;
resume)
    check_host_arg "${1:-}"
    pid=$(dockerd_pid "$1") || die "tb$1: no dockerd runs"
    kill -CONT "$pid"
    ;;
swarm) cmd_swarm ;;
swarm-leave) cmd_swarm_leave ;;
*)
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
