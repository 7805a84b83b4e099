#!/usr/bin/env bash
# The project's one test command (also what CI runs through .ci/run): bring
# up the Docker engine and the offline test images the live tests need, then
# format check, lint, all tests including the live ones, and doctests.
# Stops at the first failing step and exits non-zero.
set -euo pipefail

# Work from the repo root wherever we are called from, so cargo finds the
# manifest and the helper scripts find each other.
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# CI's environment may lack the rustup shims on PATH.
if ! command -v cargo >/dev/null 2>&1 && [[ -x $HOME/.cargo/bin/cargo ]]; then
    PATH=$HOME/.cargo/bin:$PATH
fi

start=$SECONDS
step=

# Each banner says how long the suite has run, so a slow step shows in the log.
banner() {
    step=$1
    printf '\n===== %s (at %ss) =====\n' "$step" "$((SECONDS - start))"
}

fail() {
    printf '\n***** test.sh: FAILED at step "%s" (exit %s) after %ss *****\n' "$step" "$1" "$((SECONDS - start))" >&2
    exit "$1"
}

# run CMD...: run one step, naming it in the failure message if it fails.
run() { "$@" || fail "$?"; }

# The end-to-end tests in tmux run the binary a user gets: the release build.
# It needs no daemon, and its last minute (fat LTO) keeps one core busy, so it
# is built in the background from the start, beside the set-up steps below and
# the test build, and waited for just before the tests run.
banner "cargo build --release (in the background)"
release_log=$(mktemp)
setsid -w cargo build --release >"$release_log" 2>&1 &
release_pid=$!
# A failed step must not leave the background build running.
trap 'kill -- -"$release_pid" 2>/dev/null || true; rm -f "$release_log"' EXIT

banner "docker engine"
run scripts/docker-engine.sh

banner "terminal test tools"
# The end-to-end tests drive the real binary in tmux and a bare pty (python3).
for tool in tmux python3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        if [[ $(id -u) == 0 && -f /etc/debian_version ]]; then
            run env DEBIAN_FRONTEND=noninteractive apt-get update -q
            run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$tool"
        else
            echo "test.sh: $tool is missing; install it (the terminal tests need it)" >&2
            fail 1
        fi
    fi
done

banner "compose v1"
# tests/live_compose.rs checks that Debian's docker-compose (Compose 1.29) lists and
# removes a project wharf brought up, and the other way round.
if ! command -v docker-compose >/dev/null 2>&1; then
    if [[ $(id -u) == 0 && -f /etc/debian_version ]]; then
        run env DEBIAN_FRONTEND=noninteractive apt-get update -q
        run env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q docker-compose
    else
        echo "test.sh: docker-compose is missing; install it (tests/live_compose.rs needs it)" >&2
        fail 1
    fi
fi

banner "test images"
run scripts/test-images.sh

banner "leftovers of interrupted runs"
run scripts/clean-test-leftovers.sh

banner "remote endpoints"
# The same daemon over plain TCP, TCP with TLS, ssh, and a Podman service: the
# endpoint tests reach each of them (addresses in /tmp/wharf-endpoints/env).
run scripts/remote-endpoints.sh

banner "test registries"
# Two Distribution registries on loopback, one open, one behind htpasswd
# basic auth, for the build/tag/push/login tests (addresses in
# /tmp/wharf-registries/env).
run scripts/registries.sh
banner "fleet test bed"
# Three more engines, each in a network namespace of its own (tcp, TLS, ssh), for
# the fleet and multi-node swarm tests (addresses in /tmp/wharf-testbed/env).
run scripts/testbed.sh start

banner "cargo fmt --all --check"
run cargo fmt --all --check

banner "cargo clippy --all-targets -- -D warnings"
run cargo clippy --all-targets -- -D warnings

banner "cargo test --all-targets --no-run"
run cargo test --all-targets --no-run

banner "cargo build --release (waiting for it)"
if ! wait "$release_pid"; then
    cat "$release_log" >&2
    fail 1
fi
tail -n 1 "$release_log"
export WHARF_E2E_BIN=$(realpath "${CARGO_TARGET_DIR:-target}")/release/wharf

# Live and terminal tests are #[ignore]d, so a plain `cargo test` lists them
# as ignored instead of pretending to pass without Docker; here they run, and
# a daemon that does not answer makes them fail.
#
# The test binaries run in two streams at once: the longest live tests spend
# most of their time waiting on daemons (health checks, a swarm rescheduling),
# so they run beside all the others. Every live test labels what it makes and
# the test bed is locked across processes, so the streams share nothing.
banner "cargo test --all-targets -- --include-ignored (two streams)"
slow_tests=(live_fleet live_compose)
other_tests=()
for file in tests/*.rs; do
    name=$(basename "$file" .rs)
    [[ " ${slow_tests[*]} " == *" $name "* ]] || other_tests+=(--test "$name")
done
slow_log=$(mktemp)
cargo test $(printf -- '--test %s ' "${slow_tests[@]}") -- --include-ignored >"$slow_log" 2>&1 &
slow_pid=$!
others_status=0
cargo test --lib --bins --benches "${other_tests[@]}" -- --include-ignored || others_status=$?
slow_status=0
wait "$slow_pid" || slow_status=$?
printf '\n----- the slow stream (%s) -----\n' "${slow_tests[*]}"
cat "$slow_log"
rm -f "$slow_log"
[[ $others_status == 0 ]] || fail "$others_status"
[[ $slow_status == 0 ]] || fail "$slow_status"

# --all-targets leaves doctests out, hence this step.
banner "cargo test --doc"
run cargo test --doc

printf '\n===== test.sh: all steps passed in %ss =====\n' "$((SECONDS - start))"
