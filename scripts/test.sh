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

banner() {
    step=$1
    printf '\n===== %s =====\n' "$step"
}

fail() {
    printf '\n***** test.sh: FAILED at step "%s" (exit %s) after %ss *****\n' "$step" "$1" "$((SECONDS - start))" >&2
    exit "$1"
}

# run CMD...: run one step, naming it in the failure message if it fails.
run() { "$@" || fail "$?"; }

banner "docker engine"
run scripts/docker-engine.sh

banner "test images"
run scripts/test-images.sh

banner "cargo fmt --all --check"
run cargo fmt --all --check

banner "cargo clippy --all-targets -- -D warnings"
run cargo clippy --all-targets -- -D warnings

# Live tests are #[ignore]d so a plain `cargo test` works without Docker;
# here they run, and WHARF_LIVE=1 tells them a daemon is promised, so they
# fail rather than skip when none answers.
banner "WHARF_LIVE=1 cargo test --all-targets -- --include-ignored"
WHARF_LIVE=1 run cargo test --all-targets -- --include-ignored

# --all-targets leaves doctests out, hence this step. Cargo refuses
# `test --doc` on a package without a library target, and a binary's
# doc comments are never run as tests anyway, so skip it then.
banner "cargo test --doc"
if [[ -f src/lib.rs ]] || grep -q '^\[lib\]' Cargo.toml; then
    run cargo test --doc
else
    echo "skipped: no library target (src/lib.rs or [lib]), so no doctests"
fi

printf '\n===== test.sh: all steps passed in %ss =====\n' "$((SECONDS - start))"
