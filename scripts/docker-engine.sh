#!/usr/bin/env bash
# Make sure a Docker engine answers, starting (and if need be installing) one
# when this machine lets us: wharf's live tests and test images need it.
#
# - DOCKER_HOST set: the user picked an engine; we only check it, never
#   install or start anything.
# - Otherwise, root on Debian: install docker.io if dockerd is missing, start
#   dockerd in the background, wait until it answers.
# - Anywhere else: explain what is missing and exit non-zero.
#
# A second run with an engine up is a fast no-op, so every test run can call it.
set -euo pipefail

LOG=${WHARF_DOCKERD_LOG:-/tmp/wharf-dockerd.log}
PIDFILE=/var/run/docker.pid
# dockerd runs its own containerd when the system has none, and keeps that
# one's pid here.
CONTAINERD_PIDFILE=/var/run/docker/containerd/containerd.pid
SOCK=/var/run/docker.sock
WAIT_SECS=${WHARF_DOCKERD_WAIT:-60}

# is_alive, is_running_as
# shellcheck source=lib/processes.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/processes.sh"

say() { printf 'docker-engine: %s\n' "$*"; }
die() { printf 'docker-engine: error: %s\n' "$*" >&2; exit 1; }

# A wedged daemon or a socket that accepts but never answers must not hang
# the whole test run, hence the timeout.
engine_answers() {
    command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1
}

report_engine() {
    local v
    v=$(timeout 10 docker version --format 'engine {{.Server.Version}} (API {{.Server.APIVersion}}), client {{.Client.Version}}' 2>/dev/null) || v="engine answers"
    say "Docker engine is up: $v${DOCKER_HOST:+ at DOCKER_HOST=$DOCKER_HOST}"
}

# dockerd lives in /usr/sbin, which a non-root user's PATH often lacks.
dockerd_path() {
    command -v dockerd 2>/dev/null && return 0
    local p
    for p in /usr/sbin/dockerd /usr/bin/dockerd /usr/local/bin/dockerd; do
        [[ -x $p ]] && { echo "$p"; return 0; }
    done
    return 1
}

is_root_debian() { [[ $(id -u) -eq 0 && -f /etc/debian_version ]]; }

is_dockerd_pid() { is_running_as "$1" dockerd; }

# Remove pid file $1 unless it names a live process called $2.
drop_stale_pidfile() {
    local pid
    [[ -e $1 ]] || return 0
    # (No read here: dockerd writes pids without a trailing newline.)
    pid=$(cat "$1" 2>/dev/null || true)
    if ! is_running_as "$pid" "$2"; then
        say "removing stale $1 (pid ${pid:-?} is not a running $2)"
        rm -f "$1"
    fi
}

# Pids of every running dockerd, scanned from /proc so we need no procps.
# Only the system daemon counts: a dockerd started with its own -H (e.g. by
# scripts/soak.sh) serves another socket and is none of this script's business.
dockerd_pids() {
    local d pid
    for d in /proc/[0-9]*; do
        pid=${d#/proc/}
        is_dockerd_pid "$pid" || continue
        tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -qE '(^| )(-H|--host)( |=)' && continue
        echo "$pid"
    done
    return 0
}

# Does anything listen on the socket? Without ss we can only go by whether a
# dockerd runs, which the caller has already established is not the case.
socket_has_listener() {
    command -v ss >/dev/null 2>&1 || return 1
    ss -xlnH 2>/dev/null | awk -v a="$SOCK" -v b="${SOCK#/var}" '{ for (i = 1; i <= NF; i++) if ($i == a || $i == b) found = 1 } END { exit !found }'
}

wait_for_engine() {
    local pid=${1:-} deadline=$((SECONDS + WAIT_SECS))
    while ((SECONDS < deadline)); do
        engine_answers && return 0
        # Stop waiting early when the daemon we started has already died.
        if [[ -n $pid ]] && ! is_alive "$pid"; then
            say "dockerd (pid $pid) exited"
            break
        fi
        sleep 1
    done
    say "no answer from dockerd; last lines of $LOG:"
    tail -n 40 "$LOG" >&2 2>/dev/null || true
    return 1
}

apt_install() {
    say "installing Debian package(s): $*"
    # Wait for a concurrent apt/dpkg rather than failing on its lock; never
    # ask questions (CI has no stdin).
    export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
    apt-get -o DPkg::Lock::Timeout=600 update -q
    apt-get -o DPkg::Lock::Timeout=600 install -y -q "$@"
}

# A local engine whose bridge docker0 is gone cannot start containers on the default
# network (another dockerd started with --bridge=none deletes docker0). Restarting it
# makes the bridge again.
if [[ -z ${DOCKER_HOST:-} ]] && is_root_debian && command -v ip >/dev/null 2>&1 &&
    ! ip link show docker0 >/dev/null 2>&1 && [[ -s $PIDFILE ]] && engine_answers; then
    old=$(cat "$PIDFILE")
    say "the bridge docker0 is missing; restarting dockerd (pid $old) so it makes it again"
    kill "$old" 2>/dev/null || true
    for _ in $(seq 1 30); do is_alive "$old" || break; sleep 1; done
fi

# --- fast path: an engine already answers ---------------------------------
if engine_answers; then
    report_engine
    exit 0
fi

if [[ -n ${DOCKER_HOST:-} ]]; then
    command -v docker >/dev/null 2>&1 ||
        die "the docker command-line client is not installed (needed to check DOCKER_HOST=$DOCKER_HOST); install it, e.g. Debian's docker.io package"
    die "DOCKER_HOST=$DOCKER_HOST is set but no Docker engine answers there ('docker info' failed or timed out). Start that engine, or unset DOCKER_HOST to use (and let this script start) the local one."
fi

if ! is_root_debian; then
    missing=()
    command -v docker >/dev/null 2>&1 || missing+=("the docker client")
    dockerd_path >/dev/null || missing+=("the Docker engine (dockerd)")
    if ((${#missing[@]})); then
        die "not installed: ${missing[*]}. Install Docker (on Debian: 'sudo apt-get install docker.io'), start it, and re-run. This script installs and starts Docker by itself only when run as root on Debian."
    fi
    die "no Docker engine answers at unix://$SOCK. Start it (e.g. 'sudo systemctl start docker', or 'sudo dockerd &'), make sure you may use it (the 'docker' group), or point DOCKER_HOST at a running engine. This script starts dockerd by itself only when run as root on Debian."
fi

# --- root on Debian: install and start a local dockerd ---------------------
if ! dockerd_path >/dev/null || ! command -v docker >/dev/null 2>&1; then
    apt_install docker.io
fi
dockerd=$(dockerd_path) || die "installed docker.io but dockerd is still not found (PATH=$PATH)"

# A dockerd that runs but does not answer yet is probably still starting:
# wait for it instead of starting a second one that would fight it for the
# pid file and socket.
mapfile -t running < <(dockerd_pids)
if ((${#running[@]})); then
    say "dockerd already running (pid ${running[*]}) but not answering yet; waiting up to ${WAIT_SECS}s"
    wait_for_engine "${running[0]}" || die "dockerd (pid ${running[*]}) runs but never answered; see $LOG, or stop it and re-run"
    report_engine
    exit 0
fi

# An earlier dockerd that was killed (e.g. SIGKILL at the end of a session)
# leaves its pid file and socket behind, and its containerd (which dies with
# it) leaves one too. dockerd refuses to start while its pid file names an
# existing process, and it "reuses" a containerd whose pid still exists, then
# times out dialling it: both happen when the dead ones linger as unreaped
# zombies. So drop each pid file whose process is gone, a zombie, or
# something else; and drop the socket when nobody listens on it.
drop_stale_pidfile "$PIDFILE" dockerd
drop_stale_pidfile "$CONTAINERD_PIDFILE" containerd
if [[ -S $SOCK ]]; then
    if socket_has_listener; then
        die "something other than dockerd listens on $SOCK and does not answer as a Docker engine; stop it or point DOCKER_HOST at a working engine"
    fi
    say "removing stale socket $SOCK (nobody listens on it)"
    rm -f "$SOCK"
fi

say "starting dockerd in the background (log: $LOG)"
# setsid + redirected fds: the daemon must outlive this script and must not
# hold the caller's terminal or pipes open (a CI runner would wait on them).
setsid "$dockerd" >"$LOG" 2>&1 </dev/null &
dockerd_pid=$!

wait_for_engine "$dockerd_pid" || die "dockerd did not answer within ${WAIT_SECS}s; full log: $LOG"
report_engine
