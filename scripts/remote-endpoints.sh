#!/usr/bin/env bash
# Make the local Docker engine reachable the ways a remote one would be, all
# on loopback, so wharf's live tests can connect to each:
#
#   tcp     tcp://127.0.0.1:23750   plain TCP (socat -> /var/run/docker.sock)
#   tls     tcp://127.0.0.1:23760   TLS with client certificates, like a
#                                   daemon started with --tlsverify (scripts/tls_forward.py)
#   tls-sys tcp://127.0.0.1:23761   the same, but its server certificate is signed
#                                   by another CA, one this machine's trust store
#                                   holds (and the client's ca.pem does not): a
#                                   client must refuse it, as the docker CLI does
#   ssh     ssh://wharf-test-ssh    a private sshd on 127.0.0.1:2222; the
#                                   remote side runs `docker system dial-stdio`
#           ssh://wharf-test-ssh-strict
#                                   the same sshd, through an alias whose ssh
#                                   config says StrictHostKeyChecking yes and
#                                   whose known_hosts lacks its key
#   podman  unix:///tmp/wharf-endpoints/podman.sock
#                                   podman's Docker-compatible API (optional:
#                                   a warning, not a failure, when it is
#                                   missing and cannot be installed)
#
# Everything lives under /tmp/wharf-endpoints/ (pid files, logs, keys,
# certificates); at the end /tmp/wharf-endpoints/env holds sourceable
# WHARF_*_HOST=... lines for the tests. Root on Debian only: it installs
# packages, runs daemons, adds one Include line to root's ~/.ssh/config and
# one test CA to the system's trust store (/usr/local/share/ca-certificates/
# wharf-test-system-ca.crt; name-constrained to localhost and 127.0.0.1, so
# it can vouch for nothing else; its key stays in /tmp/wharf-endpoints).
#
# A second run with everything up is a fast no-op: each endpoint is probed
# through the real client, and only a dead or wedged one is restarted. The
# slower checks (exec through the TCP forwards, ssh the way wharf does it,
# a podman container) run once per daemon started; WHARF_ENDPOINTS_CHECK_ALL=1
# runs them anyway.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# is_alive, is_running_as, start_daemon
# shellcheck source=lib/processes.sh
source "$here/lib/processes.sh"
# shellcheck source=lib/certs.sh
source "$here/lib/certs.sh"

DIR=/tmp/wharf-endpoints
DOCKER_SOCK=/var/run/docker.sock
TCP_PORT=23750
TLS_PORT=23760
TLS_SYSTEM_PORT=23761
SSH_PORT=2222
SSH_ALIAS=wharf-test-ssh
SSH_STRICT_ALIAS=wharf-test-ssh-strict
TLS_DIR=$DIR/tls
CLIENT_CERTS=$TLS_DIR/client
SYSTEM_CA_DIR=$DIR/tls-system
SYSTEM_CA_FILE=/usr/local/share/ca-certificates/wharf-test-system-ca.crt
SYSTEM_BUNDLE=/etc/ssl/certs/ca-certificates.crt
SSH_DIR=$DIR/ssh
SSH_STRICT_KNOWN_HOSTS=$SSH_DIR/known_hosts_strict
PODMAN_SOCK=$DIR/podman.sock
TEST_IMAGE=wharf-test/busybox:latest
PODMAN_IMAGE=localhost/wharf-test/busybox:latest
PROBE_NAME=wharf-endpoints-probe
CHECK_ALL=${WHARF_ENDPOINTS_CHECK_ALL:-}

# These endpoints all front the local engine at $DOCKER_SOCK. A DOCKER_HOST,
# context or TLS setting inherited from the caller would point our own
# `docker` probes (and docker-engine.sh) somewhere else, so drop them.
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH

say() { printf 'remote-endpoints: %s\n' "$*"; }
warn() { printf 'remote-endpoints: warning: %s\n' "$*" >&2; }
die() { printf 'remote-endpoints: error: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 && -f /etc/debian_version ]] ||
    die "run this as root on Debian: it installs packages (socat, openssh-server, podman), runs daemons and edits root's ~/.ssh/config"

# --- helpers -----------------------------------------------------------------

# Print the pid in pid file $1 if it names a live process called $2.
our_pid() {
    local pid
    pid=$(cat "$1" 2>/dev/null || true)
    is_running_as "$pid" "$2" && echo "$pid"
}

# Stop the process recorded in pid file $1 (if it is still the $2 we
# started), politely and then not, and forget it.
stop_ours() {
    local pidfile=$1 comm=$2 pid i
    if pid=$(our_pid "$pidfile" "$comm"); then
        say "stopping our $comm (pid $pid) to start it afresh"
        kill "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            is_alive "$pid" || break
            sleep 0.1
        done
        is_alive "$pid" && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

# Retry "$@" for up to $1 seconds while process $2 lives. Polling the real
# client is the only reliable readiness signal: a listening socket can still
# be a daemon that fails every request.
wait_until() {
    local deadline=$((SECONDS + $1)) pid=$2
    shift 2
    while :; do
        "$@" && return 0
        is_alive "$pid" || return 1
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

# Fail with a clear message when something that is not ours holds TCP port
# $1 on loopback; our own dead daemon's port is free again once it died.
require_free_port() {
    local line
    line=$(ss -ltnpH "sport = :$1" 2>/dev/null | head -n1 || true)
    [[ -z $line ]] || die "port $1 is taken by something this script did not start ($line); stop it and re-run"
}

# The slower checks run once per set of daemons: $DIR/checked-<what> records
# the pids they passed against, so a restart, or a run cut short before a
# check finished, makes the next run check again. Key of pid files $@ (each
# paired with its process name): empty when one is not a daemon of ours.
checks_key() {
    local key= pid
    while (($#)); do
        pid=$(our_pid "$1" "$2") || return 0
        key+="$pid "
        shift 2
    done
    echo "$key"
}
checked() { [[ -z $CHECK_ALL && -n $2 && -f $DIR/checked-$1 && $(cat "$DIR/checked-$1") == "$2" ]]; }
mark_checked() { [[ -z $2 ]] || echo "$2" >"$DIR/checked-$1"; }

# Show the end of log $1 and fail with message $2.
die_with_log() {
    say "last lines of $1:"
    tail -n 20 "$1" >&2 2>/dev/null || true
    die "$2"
}

apt_updated=
# Install Debian packages, refreshing the package lists once per run and only
# when something is actually missing (so a no-op run never touches apt). Wait
# for a concurrent apt/dpkg rather than failing on its lock; never ask
# questions (CI has no stdin).
apt_install() {
    say "installing Debian package(s): $*"
    export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
    if [[ -z $apt_updated ]]; then
        apt-get -o DPkg::Lock::Timeout=600 update -q || return 1
        apt_updated=1
    fi
    apt-get -o DPkg::Lock::Timeout=600 install -y -q "$@"
}

# --- engine, lock, required packages -------------------------------------------

"$here/docker-engine.sh"

mkdir -p "$DIR"
# Two test binaries may call this at once; let the second wait for the first
# instead of both starting daemons on the same ports.
exec 9>"$DIR/lock"
flock -w 300 9 || die "another remote-endpoints.sh has held $DIR/lock for 5 minutes"

# A half-finished run must not leave an env file that promises endpoints
# which are down; it is written again at the very end.
rm -f "$DIR/env"

missing=()
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v update-ca-certificates >/dev/null 2>&1 || missing+=(ca-certificates)
[[ -x /usr/sbin/sshd ]] || missing+=(openssh-server)
command -v ssh >/dev/null 2>&1 || missing+=(openssh-client)
if ((${#missing[@]})); then
    apt_install "${missing[@]}" || die "could not install ${missing[*]}"
fi

# The exec probe and podman's copy need the test image; build it if absent.
if ! docker image inspect "$TEST_IMAGE" >/dev/null 2>&1; then
    say "$TEST_IMAGE is missing; building the test images"
    "$here/test-images.sh"
fi

# --- 1. plain TCP ---------------------------------------------------------------

tcp_answers() {
    timeout 10 docker -H "tcp://127.0.0.1:$TCP_PORT" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# socat's default -t 0.5 closes a connection half a second after either side
# sends EOF. `docker exec -i` / attach half-close their side when stdin ends
# and then read output until the process exits, which that would cut short;
# a long -t lets the daemon finish. Connections still end as soon as both
# sides have closed.
SOCAT_OPTS=(-t 3600)

ensure_tcp() {
    local pidfile=$DIR/socat-tcp.pid log=$DIR/socat-tcp.log pid
    tcp_answers && return 0
    stop_ours "$pidfile" socat
    require_free_port "$TCP_PORT"
    say "starting the plain TCP forward on 127.0.0.1:$TCP_PORT (log: $log)"
    start_daemon "$pidfile" "$log" socat "${SOCAT_OPTS[@]}" \
        "TCP-LISTEN:$TCP_PORT,bind=127.0.0.1,reuseaddr,fork" "UNIX-CONNECT:$DOCKER_SOCK"
    pid=$(cat "$pidfile")
    wait_until 10 "$pid" tcp_answers ||
        die_with_log "$log" "the engine does not answer through tcp://127.0.0.1:$TCP_PORT"
}
ensure_tcp

# --- 2. TCP + TLS, client certificates verified ----------------------------------

tls_client_args() {
    printf '%s\n' --tlsverify --tlscacert "$CLIENT_CERTS/ca.pem" \
        --tlscert "$CLIENT_CERTS/cert.pem" --tlskey "$CLIENT_CERTS/key.pem"
}

tls_answers() {
    local args
    mapfile -t args < <(tls_client_args)
    timeout 10 docker "${args[@]}" -H "tcp://127.0.0.1:$TLS_PORT" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

ensure_tls() {
    local pidfile=$DIR/tls-forward.pid log=$DIR/tls-forward.log pid fresh_certs=
    if ! test_certs_ok "$TLS_DIR"; then
        say "creating a CA, server and client certificates in $TLS_DIR"
        make_test_certs "$TLS_DIR" "wharf test" localhost "IP:127.0.0.1,DNS:localhost" "$DIR/openssl.log" ||
            die_with_log "$DIR/openssl.log" "could not create the TLS certificates"
        fresh_certs=1
    fi
    # The forward loads the certificates when it starts: new ones need a new one.
    [[ -z $fresh_certs ]] && tls_answers && return 0
    stop_ours "$pidfile" python3
    require_free_port "$TLS_PORT"
    say "starting the TLS forward on 127.0.0.1:$TLS_PORT (log: $log)"
    # A client without a certificate from our CA is refused during the handshake,
    # as by dockerd --tlsverify. Python, not socat: see tls_forward.py.
    start_daemon "$pidfile" "$log" python3 "$here/tls_forward.py" 127.0.0.1 "$TLS_PORT" \
        "$TLS_DIR/server.pem" "$TLS_DIR/server-key.pem" "$TLS_DIR/ca.pem" "$DOCKER_SOCK"
    pid=$(cat "$pidfile")
    wait_until 10 "$pid" tls_answers ||
        die_with_log "$log" "the engine does not answer through TLS at tcp://127.0.0.1:$TLS_PORT"
}
ensure_tls

# --- 2b. TLS whose server certificate the system trusts, the configured CA not ---
#
# A second front of the same kind, on its own port. Its server certificate is
# signed by a CA installed in the system's trust store; client certificates
# are still checked against the first CA, so the client files of $CLIENT_CERTS
# get in. A client that trusted the system's roots besides ca.pem would connect;
# one that trusts exactly ca.pem (as `docker --tlsverify` does) must refuse.

system_certs_ok() {
    local f
    for f in ca.pem ca-key.pem server.pem server-key.pem; do
        [[ -s $SYSTEM_CA_DIR/$f ]] || return 1
    done
    openssl x509 -checkend 86400 -noout -in "$SYSTEM_CA_DIR/server.pem" >/dev/null 2>&1
}

# The CA carries name constraints: trusted system-wide, it can still vouch for
# no name but localhost and 127.0.0.1.
make_system_certs() {
    local tmp=$DIR/tls-system.new
    rm -rf "$tmp"
    mkdir -p -m 700 "$tmp"
    (
        cd "$tmp"
        umask 077
        key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
        key ca-key.pem
        openssl req -x509 -new -key ca-key.pem -sha256 -days 3650 -subj "/CN=wharf test system-trusted CA" \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign" \
            -addext "nameConstraints=critical,permitted;DNS:localhost,permitted;IP:127.0.0.1/255.255.255.255" \
            -out ca.pem
        key server-key.pem
        openssl req -new -key server-key.pem -subj "/CN=localhost" -out server.csr
        printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
            "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >server.ext
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
            -sha256 -days 3650 -extfile server.ext -out server.pem
        rm -f ./*.csr ./*.ext ./*.srl
        chmod 644 ca.pem server.pem
        chmod 755 .
    ) >"$DIR/openssl-system.log" 2>&1 ||
        die_with_log "$DIR/openssl-system.log" "could not create the system-trusted TLS certificates"
    rm -rf "$SYSTEM_CA_DIR"
    mv "$tmp" "$SYSTEM_CA_DIR"
}

# Does the system's bundle (what rustls-native-certs, curl and Go read) vouch
# for our server certificate?
system_trusts_it() {
    openssl verify -CAfile "$SYSTEM_BUNDLE" "$SYSTEM_CA_DIR/server.pem" >/dev/null 2>&1
}

ensure_system_ca() {
    if ! system_certs_ok; then
        say "creating a system-trusted test CA and a server certificate in $SYSTEM_CA_DIR"
        make_system_certs
    fi
    if ! cmp -s "$SYSTEM_CA_DIR/ca.pem" "$SYSTEM_CA_FILE" || ! system_trusts_it; then
        install -m 644 "$SYSTEM_CA_DIR/ca.pem" "$SYSTEM_CA_FILE"
        say "adding $SYSTEM_CA_FILE to the system's trust store"
        update-ca-certificates >"$DIR/update-ca-certificates.log" 2>&1 ||
            die_with_log "$DIR/update-ca-certificates.log" "update-ca-certificates failed"
        system_trusts_it || die "$SYSTEM_BUNDLE does not vouch for $SYSTEM_CA_DIR/server.pem after update-ca-certificates"
    fi
}

# Answers a client that trusts the system's store (and shows our client certificate).
tls_system_answers() {
    timeout 10 docker --tlsverify --tlscacert "$SYSTEM_BUNDLE" --tlscert "$CLIENT_CERTS/cert.pem" \
        --tlskey "$CLIENT_CERTS/key.pem" -H "tcp://127.0.0.1:$TLS_SYSTEM_PORT" version --format '{{.Server.Version}}' \
        >/dev/null 2>&1
}

ensure_tls_system() {
    local pidfile=$DIR/tls-system-forward.pid log=$DIR/tls-system-forward.log pid server_hash
    ensure_system_ca
    # The forward loads its certificates when it starts: a new set needs a new one.
    server_hash=$(sha256sum "$SYSTEM_CA_DIR/server.pem" "$TLS_DIR/ca.pem" | sha256sum | cut -c1-16)
    if [[ $(cat "$DIR/tls-system-forward.certs" 2>/dev/null) == "$server_hash" ]] && tls_system_answers; then
        return 0
    fi
    stop_ours "$pidfile" python3
    require_free_port "$TLS_SYSTEM_PORT"
    say "starting the system-trusted TLS forward on 127.0.0.1:$TLS_SYSTEM_PORT (log: $log)"
    start_daemon "$pidfile" "$log" python3 "$here/tls_forward.py" 127.0.0.1 "$TLS_SYSTEM_PORT" \
        "$SYSTEM_CA_DIR/server.pem" "$SYSTEM_CA_DIR/server-key.pem" "$TLS_DIR/ca.pem" "$DOCKER_SOCK"
    pid=$(cat "$pidfile")
    wait_until 10 "$pid" tls_system_answers ||
        die_with_log "$log" "the engine does not answer through TLS at tcp://127.0.0.1:$TLS_SYSTEM_PORT to a client trusting the system's CAs"
    echo "$server_hash" >"$DIR/tls-system-forward.certs"
}
ensure_tls_system

# Once per pair of forwards: HTTP upgrades (exec, attach) hijack the
# connection after the response headers; make sure they pass both forwards,
# stdin half-close included. And the other half of --tlsverify: a client
# without a certificate gets nothing.
check_forwards() {
    local hosts=("tcp://127.0.0.1:$TCP_PORT" "tcp://127.0.0.1:$TLS_PORT") h out args
    if timeout 10 docker --tlsverify --tlscacert "$CLIENT_CERTS/ca.pem" -H "tcp://127.0.0.1:$TLS_PORT" version >/dev/null 2>&1; then
        die "tcp://127.0.0.1:$TLS_PORT answered a client without a certificate; client verification is not on"
    fi
    mapfile -t args < <(tls_client_args)
    docker rm -f "$PROBE_NAME" >/dev/null 2>&1 || true
    trap 'docker rm -f "$PROBE_NAME" >/dev/null 2>&1 || true' EXIT
    # --network none: this machine's engine may have no usable bridge, and
    # exec needs no network.
    docker run -d --rm --name "$PROBE_NAME" --label wharf-test=1 --label wharf.test=remote-endpoints \
        --network none "$TEST_IMAGE" sleep 60 >/dev/null ||
        die "could not start the probe container from $TEST_IMAGE"
    for h in "${hosts[@]}"; do
        local tls=()
        [[ $h == *:$TLS_PORT ]] && tls=("${args[@]}")
        out=$(timeout 20 docker "${tls[@]}" -H "$h" exec "$PROBE_NAME" echo hi 2>&1) || true
        [[ $out == hi ]] || die "docker exec through $h failed: $out"
        # Output that comes after stdin's EOF must still arrive.
        out=$(echo ping | timeout 20 docker "${tls[@]}" -H "$h" exec -i "$PROBE_NAME" sh -c 'cat; sleep 1; echo pong' 2>&1) || true
        [[ $out == $'ping\npong' ]] || die "docker exec -i through $h lost data after stdin closed: $out"
    done
    docker rm -f "$PROBE_NAME" >/dev/null 2>&1 || true
    trap - EXIT
    say "checked: docker exec (with and without stdin) works through both TCP forwards; TLS refuses clients without a certificate"
}
key=$(checks_key "$DIR/socat-tcp.pid" socat "$DIR/tls-forward.pid" python3)
if ! checked forwards "$key"; then
    check_forwards
    mark_checked forwards "$key"
fi

# --- 3. SSH -----------------------------------------------------------------------

root_home=$(getent passwd root | cut -d: -f6)
root_home=${root_home:-/root}
mkdir -p -m 700 "$SSH_DIR"

# Write $1 from stdin only when the content differs; succeed iff it changed.
# (A rewrite of an identical config must not count as a reason to restart.)
write_if_changed() {
    local new
    new=$(cat)
    if [[ -f $1 ]] && [[ $(cat "$1") == "$new" ]]; then
        return 1
    fi
    printf '%s\n' "$new" >"$1"
}

[[ -s $SSH_DIR/ssh_host_ed25519_key ]] ||
    ssh-keygen -q -t ed25519 -N '' -C wharf-test-sshd -f "$SSH_DIR/ssh_host_ed25519_key"
[[ -s $SSH_DIR/id_ed25519 && -s $SSH_DIR/id_ed25519.pub ]] || {
    rm -f "$SSH_DIR/id_ed25519" "$SSH_DIR/id_ed25519.pub"
    ssh-keygen -q -t ed25519 -N '' -C wharf-test-client -f "$SSH_DIR/id_ed25519"
}
# sshd reads authorized_keys at each login, so a new key needs no restart.
write_if_changed "$SSH_DIR/authorized_keys" <"$SSH_DIR/id_ed25519.pub" || true

# Our own sshd, apart from the system's (which we leave alone; Debian does
# not even start it here). Loopback only, root only, key only. StrictModes
# no because /tmp is world-writable, which sshd would otherwise reject for
# AuthorizedKeysFile. UsePAM no: PAM's session modules (pam_loginuid,
# pam_systemd) tend to fail in containers and VMs without systemd, and we
# need none of them. (Without PAM, sshd refuses a root whose password field
# in /etc/shadow starts with "!"; Debian images have "*", which is fine.) SetEnv fixes PATH so the remote `docker` (in /usr/bin or
# /usr/local/bin) is found whatever the login shell's startup files do not
# set; DOCKER_HOST stays unset, so it talks to the default local socket.
# MaxSessions/MaxStartups: wharf opens one ssh connection per HTTP connection
# it keeps, and parallel tests open many at once.
sshd_config_changed=
write_if_changed "$SSH_DIR/sshd_config" <<EOF && sshd_config_changed=1 || true
# Generated by wharf's scripts/remote-endpoints.sh, which overwrites edits.
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $SSH_DIR/ssh_host_ed25519_key
PidFile none
AuthorizedKeysFile $SSH_DIR/authorized_keys
StrictModes no
PermitRootLogin prohibit-password
AllowUsers root
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PrintMotd no
X11Forwarding no
SetEnv PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
MaxSessions 100
MaxStartups 100
LogLevel INFO
EOF

# The client side. BatchMode: never prompt (tests have no terminal).
# IdentitiesOnly: offer only our key, so keys in an agent cannot use up
# sshd's MaxAuthTries first. Known-hosts checks off, global file included,
# for this alias only: the host key is throwaway, and a stale entry for
# 127.0.0.1 elsewhere would fail every run. (wharf applies whatever the
# config says; the strict alias below is the one whose policy is tested.)
write_if_changed "$SSH_DIR/config" <<EOF || true
# Generated by wharf's scripts/remote-endpoints.sh, which overwrites edits.
Host $SSH_ALIAS
    HostName 127.0.0.1
    Port $SSH_PORT
    User root
    IdentityFile $SSH_DIR/id_ed25519
    IdentitiesOnly yes
    StrictHostKeyChecking no
    UserKnownHostsFile /dev/null
    GlobalKnownHostsFile /dev/null
    LogLevel ERROR
    BatchMode yes

# The same sshd under a second name whose config insists on known host keys,
# with a known_hosts file of its own that never holds this host's key (the
# test rewrites it before each use): a client must be refused, and must not
# write the key there. Default LogLevel, so ssh says why it refuses.
Host $SSH_STRICT_ALIAS
    HostName 127.0.0.1
    Port $SSH_PORT
    User root
    IdentityFile $SSH_DIR/id_ed25519
    IdentitiesOnly yes
    StrictHostKeyChecking yes
    UserKnownHostsFile $SSH_STRICT_KNOWN_HOSTS
    GlobalKnownHostsFile /dev/null
    BatchMode yes
EOF
chmod 600 "$SSH_DIR/config"
[[ -e $SSH_STRICT_KNOWN_HOSTS ]] || : >"$SSH_STRICT_KNOWN_HOSTS"

# wharf (like the docker CLI) runs the system `ssh` with no -F, so it reads
# root's own ~/.ssh/config (ssh takes it from the passwd
# entry, not $HOME). Include ours there, at the top: ssh keeps the first value
# it finds for each option, so a `Host *` further down cannot override ours.
ensure_ssh_include() {
    local f=$root_home/.ssh/config line="Include $SSH_DIR/config" rest
    if [[ -f $f ]] && grep -Fxq "$line" "$f"; then
        return 0
    fi
    mkdir -p -m 700 "$root_home/.ssh"
    if [[ -e $f ]]; then
        rest=$(cat "$f")
        # Rewrite in place (not mv) to keep the file's mode, owner and any
        # symlink pointing at it.
        printf '%s\n%s\n' "$line" "$rest" >"$f"
    else
        (umask 077 && printf '%s\n' "$line" >"$f")
    fi
    say "added '$line' at the top of $f"
}
ensure_ssh_include

ssh_answers() {
    local v
    v=$(timeout 15 ssh -F "$SSH_DIR/config" "$SSH_ALIAS" "docker version --format '{{.Server.Version}}'" </dev/null 2>/dev/null) &&
        [[ -n $v ]]
}

ensure_ssh() {
    local pidfile=$DIR/sshd.pid log=$SSH_DIR/sshd.log pid
    if [[ -z $sshd_config_changed ]] && ssh_answers; then
        return 0
    fi
    stop_ours "$pidfile" sshd
    require_free_port "$SSH_PORT"
    # sshd insists on its privilege separation directory, which lives on a
    # /run that does not survive reboots.
    mkdir -p -m 755 /run/sshd
    /usr/sbin/sshd -t -f "$SSH_DIR/sshd_config" >"$log" 2>&1 ||
        die_with_log "$log" "sshd rejects $SSH_DIR/sshd_config"
    say "starting sshd on 127.0.0.1:$SSH_PORT (log: $log)"
    # -D: stay in the foreground so the pid is the daemon's; -E: log to a file.
    # sshd re-executes itself, hence the absolute path.
    start_daemon "$pidfile" "$log" /usr/sbin/sshd -D -E "$log" -f "$SSH_DIR/sshd_config"
    pid=$(cat "$pidfile")
    wait_until 15 "$pid" ssh_answers ||
        die_with_log "$log" "docker does not answer over ssh to $SSH_ALIAS (127.0.0.1:$SSH_PORT)"
}
ensure_ssh

# Once per sshd: the ways a client other than `ssh -F` gets in.
check_ssh() {
    local out
    # The alias must work from root's own config, as wharf will use it.
    out=$(timeout 15 ssh "$SSH_ALIAS" true </dev/null 2>&1) ||
        die "'ssh $SSH_ALIAS true' fails (is the Include in $root_home/.ssh/config?): $out"
    # The docker CLI's own ssh transport: system ssh + remote dial-stdio.
    out=$(timeout 20 docker -H "ssh://$SSH_ALIAS" version --format '{{.Server.Version}}' 2>&1) ||
        die "'docker -H ssh://$SSH_ALIAS version' fails: $out"
    # And the way wharf does it: `ssh -o BatchMode=yes ALIAS docker system
    # dial-stdio`, carrying an HTTP request.
    out=$(printf 'GET /_ping HTTP/1.0\r\n\r\n' |
        timeout 15 ssh -o BatchMode=yes -- "$SSH_ALIAS" docker system dial-stdio 2>&1) || true
    [[ $out == *$'\r\n\r\nOK'* ]] ||
        die "'docker system dial-stdio' over ssh did not answer /_ping: $out"
    say "checked: ssh alias from $root_home/.ssh/config, docker CLI ssh:// transport and wharf's dial-stdio all work"
}
key=$(checks_key "$DIR/sshd.pid" sshd)
if ! checked ssh "$key"; then
    check_ssh
    mark_checked ssh "$key"
fi

# --- 4. podman ----------------------------------------------------------------------

podman_answers() {
    timeout 10 docker -H "unix://$PODMAN_SOCK" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# Rootful podman raises each container's RLIMIT_NOFILE (and NPROC) to
# 1048576, above this machine's hard limit, and the runtime then fails every
# start ("error setting rlimit type 7: operation not permitted"). Modest
# defaults make containers start. Only added when no default_ulimits is set;
# everything else in the file is kept.
# Sets containers_conf_changed when it wrote the file.
containers_conf_changed=
ensure_containers_conf() {
    local f=/etc/containers/containers.conf
    local line='default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]'
    local note='# Added by wharf scripts/remote-endpoints.sh: container rlimits must stay low here.'
    local rest
    if [[ -f $f ]] && grep -Eq '^[[:space:]]*default_ulimits[[:space:]]*=' "$f"; then
        return 0
    fi
    mkdir -p /etc/containers
    if [[ -f $f ]] && grep -Eq '^[[:space:]]*\[containers\][[:space:]]*(#.*)?$' "$f"; then
        # TOML allows a table only once: put the key inside the existing one.
        rest=$(awk -v note="$note" -v line="$line" '
            { print }
            !done && /^[[:space:]]*\[containers\][[:space:]]*(#.*)?$/ { print note; print line; done = 1 }
        ' "$f")
        printf '%s\n' "$rest" >"$f"
    else
        {
            [[ -s $f ]] && printf '\n'
            printf '%s\n' '[containers]' "$note" "$line"
        } >>"$f"
    fi
    say "set default_ulimits in $f"
    containers_conf_changed=1
}

# Everything podman; on failure it warns and returns non-zero, and the other
# endpoints stay usable.
ensure_podman() {
    local pidfile=$DIR/podman.pid log=$DIR/podman.log pid out
    if ! command -v podman >/dev/null 2>&1; then
        apt_install podman || {
            warn "podman is not installed and 'apt-get install -y podman' failed; no podman endpoint"
            return 1
        }
        command -v podman >/dev/null 2>&1 || { warn "podman still not found after installing it; no podman endpoint"; return 1; }
    fi
    ensure_containers_conf

    # Copy the test image over once; podman names it localhost/wharf-test/...
    if ! podman image exists "$PODMAN_IMAGE" 2>/dev/null; then
        say "loading $TEST_IMAGE into podman as $PODMAN_IMAGE"
        out=$(docker save "$TEST_IMAGE" | podman load 2>&1) || {
            warn "could not load $TEST_IMAGE into podman: $out"
            return 1
        }
        if ! podman image exists "$PODMAN_IMAGE" 2>/dev/null; then
            # Older or newer podman may keep a docker.io/ prefix instead.
            podman tag "$(podman images -q --filter reference='*wharf-test/busybox:latest' | head -n1)" "$PODMAN_IMAGE" ||
                { warn "loaded $TEST_IMAGE into podman but cannot find it as $PODMAN_IMAGE"; return 1; }
        fi
    fi

    # The service reads containers.conf when it starts.
    if [[ -z $containers_conf_changed ]] && podman_answers; then
        return 0
    fi
    stop_ours "$pidfile" podman
    # A killed service leaves its socket file behind, and podman will not
    # listen where a file exists. Nobody serves it (we just checked), so
    # drop it.
    if [[ -e $PODMAN_SOCK ]]; then
        if ss -xlnH 2>/dev/null | awk -v s="$PODMAN_SOCK" '{ for (i = 1; i <= NF; i++) if ($i == s) f = 1 } END { exit !f }'; then
            warn "something this script did not start listens on $PODMAN_SOCK and does not answer; no podman endpoint"
            return 1
        fi
        rm -f "$PODMAN_SOCK"
    fi
    say "starting podman's API service on $PODMAN_SOCK (log: $log)"
    # --time=0: never exit when idle (the default quits after 5 s).
    start_daemon "$pidfile" "$log" podman system service --time=0 "unix://$PODMAN_SOCK"
    pid=$(cat "$pidfile")
    wait_until 20 "$pid" podman_answers || {
        say "last lines of $log:"
        tail -n 20 "$log" >&2 2>/dev/null || true
        warn "podman's service does not answer on $PODMAN_SOCK; no podman endpoint"
        stop_ours "$pidfile" podman
        return 1
    }
}

# Once per service: a container must actually run under podman (the
# rlimit settings above), and the Docker API there must list it.
probe_podman() {
    local id out err=$DIR/podman-run.log
    # The container's conmon outlives `podman run` and inherits its
    # descriptors: hand it none of ours beyond stdin/stdout/stderr.
    id=$(close_extra_fds && exec timeout 60 podman run -d --rm --label wharf-test=1 --label wharf.test=remote-endpoints \
        --network none "$PODMAN_IMAGE" sleep 5 2>"$err") || {
        warn "podman cannot run a container: $(cat "$err")"
        return 1
    }
    out=$(DOCKER_HOST=unix://$PODMAN_SOCK timeout 10 docker ps -a --no-trunc --format '{{.ID}}' 2>&1) || {
        warn "'docker ps -a' against $PODMAN_SOCK fails: $out"
        return 1
    }
    [[ $out == *"${id:0:12}"* ]] || {
        warn "the podman container $id is missing from 'docker ps -a' on $PODMAN_SOCK: $out"
        return 1
    }
    say "checked: podman runs containers and its Docker API lists them"
}

podman_host=
if ensure_podman; then
    key=$(checks_key "$DIR/podman.pid" podman)
    if checked podman "$key"; then
        podman_host=unix://$PODMAN_SOCK
    elif probe_podman; then
        mark_checked podman "$key"
        podman_host=unix://$PODMAN_SOCK
    fi
fi
[[ -n $podman_host ]] || warn "WHARF_PODMAN_HOST is left empty; podman tests should skip"

# --- 5. the env file and a summary ---------------------------------------------------

cat >"$DIR/env.new" <<EOF
WHARF_TCP_HOST=tcp://127.0.0.1:$TCP_PORT
WHARF_TLS_HOST=tcp://127.0.0.1:$TLS_PORT
WHARF_TLS_CERT_PATH=$CLIENT_CERTS
WHARF_TLS_SYSTEM_CA_HOST=tcp://127.0.0.1:$TLS_SYSTEM_PORT
WHARF_SSH_HOST=ssh://$SSH_ALIAS
WHARF_SSH_KEY=$SSH_DIR/id_ed25519
WHARF_SSH_STRICT_HOST=ssh://$SSH_STRICT_ALIAS
WHARF_SSH_STRICT_KNOWN_HOSTS=$SSH_STRICT_KNOWN_HOSTS
WHARF_PODMAN_HOST=$podman_host
EOF
mv "$DIR/env.new" "$DIR/env"

pid_note() {
    local pid
    pid=$(our_pid "$1" "$2") && echo "pid $pid" || echo "not started by this script"
}
summary() { printf 'remote-endpoints: %-7s %-42s %s\n' "$@"; }
engine=$(timeout 10 docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')
summary tcp "tcp://127.0.0.1:$TCP_PORT" "socat ($(pid_note "$DIR/socat-tcp.pid" socat)) -> $DOCKER_SOCK, engine $engine"
summary tls "tcp://127.0.0.1:$TLS_PORT" "tls_forward.py ($(pid_note "$DIR/tls-forward.pid" python3)); client ca.pem cert.pem key.pem in $CLIENT_CERTS"
summary tls-sys "tcp://127.0.0.1:$TLS_SYSTEM_PORT" "tls_forward.py ($(pid_note "$DIR/tls-system-forward.pid" python3)); server certificate from the system-trusted CA in $SYSTEM_CA_DIR"
summary ssh "ssh://$SSH_ALIAS" "sshd ($(pid_note "$DIR/sshd.pid" sshd)) on 127.0.0.1:$SSH_PORT; only the alias has the key: plain 'ssh -p $SSH_PORT root@127.0.0.1' needs -i $SSH_DIR/id_ed25519"
if [[ -n $podman_host ]]; then
    summary podman "$podman_host" "podman $(podman version --format '{{.Server.Version}}' 2>/dev/null || echo '?') ($(pid_note "$DIR/podman.pid" podman))"
else
    summary podman "(none)" "see the warnings above"
fi
summary env "$DIR/env" "KEY=VALUE lines, sourceable"
