#!/usr/bin/env bash
# Two private image registries on loopback for wharf's build, tag, push, pull
# and login tests (Debian's docker-registry: Distribution 2.8):
#
#   open  127.0.0.1:25000   no authentication
#   auth  127.0.0.1:25001   htpasswd basic auth (bcrypt), one user
#
# The engine treats registries on 127.0.0.0/8 as insecure-allowed, so plain
# HTTP works for `docker push 127.0.0.1:25000/...` without daemon settings.
# Everything lives under /tmp/wharf-registries/ (configs, storage, logs, pid
# files); at the end /tmp/wharf-registries/env holds sourceable lines:
#
#   WHARF_REGISTRY_OPEN=127.0.0.1:25000
#   WHARF_REGISTRY_AUTH=127.0.0.1:25001
#   WHARF_REGISTRY_USER=...  WHARF_REGISTRY_PASSWORD=...   (test-only account)
#
# Root on Debian only (it installs docker-registry and apache2-utils). A
# second run with both registries answering is a fast no-op; a dead or
# wedged one is restarted. `scripts/registries.sh stop` stops both.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# is_alive, is_running_as, start_daemon
# shellcheck source=lib/processes.sh
source "$here/lib/processes.sh"

DIR=/tmp/wharf-registries
OPEN_PORT=25000
AUTH_PORT=25001
USER_NAME=wharf-test
# A test-only account on a loopback registry: the password protects nothing
# but these tests, and the tests must know it.
PASSWORD=wharf-test-secret-7f3a
REGISTRY_COMM=docker-registry

say() { printf 'registries: %s\n' "$*"; }
die() { printf 'registries: error: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 && -f /etc/debian_version ]] ||
    die "run this as root on Debian: it installs docker-registry and apache2-utils and runs two registries"

our_pid() {
    local pid
    pid=$(cat "$1" 2>/dev/null || true)
    is_running_as "$pid" "$REGISTRY_COMM" && echo "$pid"
}

stop_ours() {
    local pidfile=$1 pid i
    if pid=$(our_pid "$pidfile"); then
        say "stopping our registry (pid $pid)"
        kill "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            is_alive "$pid" || break
            sleep 0.1
        done
        is_alive "$pid" && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

if [[ ${1:-} == stop ]]; then
    stop_ours "$DIR/open.pid"
    stop_ours "$DIR/auth.pid"
    rm -f "$DIR/env"
    exit 0
fi

# HTTP status of GET /v2/ on port $1 (curl's extra args after it).
v2_status() {
    local port=$1
    shift
    curl -s -o /dev/null -m 5 -w '%{http_code}' "$@" "http://127.0.0.1:$port/v2/" 2>/dev/null || true
}
open_answers() { [[ $(v2_status "$OPEN_PORT") == 200 ]]; }
# The auth registry must refuse a stranger and let the test user in.
auth_answers() {
    [[ $(v2_status "$AUTH_PORT") == 401 ]] && [[ $(v2_status "$AUTH_PORT" -u "$USER_NAME:$PASSWORD") == 200 ]]
}

mkdir -p "$DIR"
exec 9>"$DIR/lock"
flock -w 300 9 || die "another registries.sh has held $DIR/lock for 5 minutes"

if open_answers && auth_answers && [[ -f $DIR/env ]]; then
    say "both registries answer (open 127.0.0.1:$OPEN_PORT, auth 127.0.0.1:$AUTH_PORT)"
    exit 0
fi
rm -f "$DIR/env"

missing=()
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if ((${#missing[@]})); then
    say "installing Debian package(s): ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
    apt-get -o DPkg::Lock::Timeout=600 update -q
    apt-get -o DPkg::Lock::Timeout=600 install -y -q "${missing[@]}"
fi

# config NAME PORT [auth]: a registry config of its own storage and port.
write_config() {
    local name=$1 port=$2 auth=${3:-}
    mkdir -p "$DIR/$name-storage"
    {
        printf '%s\n' "version: 0.1" "log:" "  level: warn" "storage:" "  filesystem:" \
            "    rootdirectory: $DIR/$name-storage" "  delete:" "    enabled: true" \
            "http:" "  addr: 127.0.0.1:$port" "  secret: wharf-test-$name"
        if [[ -n $auth ]]; then
            printf '%s\n' "auth:" "  htpasswd:" "    realm: wharf-test" "    path: $DIR/htpasswd"
        fi
    } >"$DIR/$name.yml"
}

ensure() {
    local name=$1 port=$2 check=$3 pidfile=$DIR/$1.pid log=$DIR/$1.log pid line deadline
    "$check" && return 0
    stop_ours "$pidfile"
    line=$(ss -ltnpH "sport = :$port" 2>/dev/null | head -n1 || true)
    [[ -z $line ]] || die "port $port is taken by something this script did not start ($line)"
    say "starting the $name registry on 127.0.0.1:$port (log: $log)"
    start_daemon "$pidfile" "$log" docker-registry serve "$DIR/$name.yml"
    pid=$(cat "$pidfile")
    deadline=$((SECONDS + 20))
    until "$check"; do
        if ! is_alive "$pid" || ((SECONDS >= deadline)); then
            tail -n 20 "$log" >&2 || true
            die "the $name registry does not answer on 127.0.0.1:$port"
        fi
        sleep 0.1
    done
}

# bcrypt, as Distribution requires for htpasswd.
htpasswd -Bbn "$USER_NAME" "$PASSWORD" >"$DIR/htpasswd.new"
mv "$DIR/htpasswd.new" "$DIR/htpasswd"
write_config open "$OPEN_PORT"
write_config auth "$AUTH_PORT" auth
ensure open "$OPEN_PORT" open_answers
ensure auth "$AUTH_PORT" auth_answers

{
    echo "WHARF_REGISTRY_OPEN=127.0.0.1:$OPEN_PORT"
    echo "WHARF_REGISTRY_AUTH=127.0.0.1:$AUTH_PORT"
    echo "WHARF_REGISTRY_USER=$USER_NAME"
    echo "WHARF_REGISTRY_PASSWORD=$PASSWORD"
} >"$DIR/env.new"
mv "$DIR/env.new" "$DIR/env"
say "both registries answer; addresses in $DIR/env"
