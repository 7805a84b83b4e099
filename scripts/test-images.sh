#!/usr/bin/env bash
# Build the images wharf's live tests use, without any registry (none is
# reachable where the tests run, so every pull fails): each one is assembled
# from binaries that Debian's packages put on this machine.
#
#   wharf-test/busybox:latest  static busybox, applets as symlinks, CMD sh
#   wharf-test/redis:latest    Debian's redis-server and its shared libraries
#   wharf-test/mysql:5.7       a busybox that idles, exposing 3306
#
# All carry the label wharf.test=1 so tests and humans can find and clean
# them up. An image is skipped when present and built from the same recipe
# (recorded in the label wharf.test.recipe), so a second run is quick and an
# edited Dockerfile still gets rebuilt. WHARF_REBUILD_IMAGES=1 forces a build.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dockerfiles=$repo/tests/images

# There is no buildx plugin here and BuildKit gains us nothing offline: the
# classic builder handles FROM scratch and puts images straight into the
# engine's store. (It prints a deprecation notice; harmless.)
export DOCKER_BUILDKIT=0

say() { printf 'test-images: %s\n' "$*"; }
die() { printf 'test-images: error: %s\n' "$*" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/wharf-test-images.XXXXXX")
trap 'rm -rf "$work"' EXIT

timeout 10 docker info >/dev/null 2>&1 ||
    die "no Docker engine answers; run scripts/docker-engine.sh first"

apt_updated=
# Install a Debian package we copy binaries from, but only where that is ours
# to do; elsewhere say exactly what to install.
need_package() {
    local pkg=$1 why=$2
    if [[ $(id -u) -ne 0 || ! -f /etc/debian_version ]]; then
        die "$why; install Debian's '$pkg' package (or an equivalent) and re-run. This script installs it by itself only when run as root on Debian."
    fi
    say "$why; installing Debian package $pkg"
    export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
    if [[ -z $apt_updated ]]; then
        apt-get -o DPkg::Lock::Timeout=600 update -q
        apt_updated=1
    fi
    apt-get -o DPkg::Lock::Timeout=600 install -y -q "$pkg"
}

# A recipe fingerprint: the Dockerfile plus whatever else the image is made of.
recipe_of() { cat "$@" | sha256sum | cut -c1-16; }

up_to_date() {
    local image=$1 recipe=$2 have
    [[ ${WHARF_REBUILD_IMAGES:-0} == 1 ]] && return 1
    have=$(docker image inspect --format '{{index .Config.Labels "wharf.test.recipe"}}' "$image" 2>/dev/null) || return 1
    [[ $have == "$recipe" ]]
}

# build IMAGE CONTEXT RECIPE: the context dir already holds the Dockerfile.
build() {
    local image=$1 ctx=$2 recipe=$3
    say "building $image"
    docker build --quiet --label wharf.test=1 --label "wharf.test.recipe=$recipe" \
        -t "$image" "$ctx" >/dev/null
    say "built $image ($(docker image inspect --format '{{.Size}}' "$image") bytes)"
}

# --- wharf-test/busybox:latest ---------------------------------------------
busybox_image() {
    local image=wharf-test/busybox:latest bb=/bin/busybox ctx=$work/busybox recipe applet
    # A dynamic busybox (Debian's 'busybox' package) would not run in an
    # empty image: we need the static one.
    if [[ ! -x $bb ]] || ldd "$bb" >/dev/null 2>&1; then
        need_package busybox-static "a static $bb is needed for $image"
        [[ -x $bb ]] && ! ldd "$bb" >/dev/null 2>&1 || die "$bb is still missing or not static"
    fi
    recipe=$(recipe_of "$dockerfiles/busybox/Dockerfile" "$bb")
    if up_to_date "$image" "$recipe"; then
        say "$image is present, skipping"
        return
    fi
    mkdir -p "$ctx/rootfs/bin" "$ctx/rootfs/tmp" "$ctx/rootfs/etc"
    cp "$bb" "$ctx/rootfs/bin/busybox"
    # Symlinks in the context survive COPY, so every applet (sh, sleep, stty,
    # top, vi, nc, ...) is callable by name without a RUN step.
    for applet in $("$bb" --list); do
        [[ $applet == busybox ]] || ln -s busybox "$ctx/rootfs/bin/$applet"
    done
    chmod 1777 "$ctx/rootfs/tmp"
    # Name uid/gid 0 so ls, ps, top and id show "root" rather than numbers.
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$ctx/rootfs/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$ctx/rootfs/etc/group"
    cp "$dockerfiles/busybox/Dockerfile" "$ctx/"
    build "$image" "$ctx" "$recipe"
}

# --- wharf-test/redis:latest -----------------------------------------------
redis_image() {
    local image=wharf-test/redis:latest ctx=$work/redis bin recipe lib
    bin=$(command -v redis-server || true)
    if [[ -z $bin ]]; then
        need_package redis-server "redis-server is needed for wharf-test/redis"
        bin=$(command -v redis-server) || die "redis-server is still not on PATH"
    fi
    bin=$(readlink -f "$bin")
    # Every library the binary loads, and the loader itself (the line with
    # no "=>"); linux-vdso has no file and is skipped.
    mapfile -t libs < <(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
    ((${#libs[@]})) || die "ldd found no libraries for $bin; is it a dynamic executable?"
    recipe=$(recipe_of "$dockerfiles/redis/Dockerfile" "$bin" "${libs[@]}")
    if up_to_date "$image" "$recipe"; then
        say "$image is present, skipping"
        return
    fi
    mkdir -p "$ctx/rootfs/usr/local/bin"
    # redis-server is a symlink to redis-check-rdb on Debian; the binary picks
    # its role from argv[0], which will say redis-server in the image.
    cp -L "$bin" "$ctx/rootfs/usr/local/bin/redis-server"
    for lib in "${libs[@]}"; do
        mkdir -p "$ctx/rootfs$(dirname "$lib")"
        # -L: the host paths are mostly symlinks to versioned files.
        cp -L "$lib" "$ctx/rootfs$lib"
    done
    cp "$dockerfiles/redis/Dockerfile" "$ctx/"
    build "$image" "$ctx" "$recipe"
}

# --- wharf-test/mysql:5.7 --------------------------------------------------
mysql_image() {
    local image=wharf-test/mysql:5.7 ctx=$work/mysql base recipe
    # Built on top of busybox, so a rebuilt busybox means a rebuilt mysql.
    base=$(docker image inspect --format '{{.Id}}' wharf-test/busybox:latest)
    recipe=$(recipe_of "$dockerfiles/mysql/Dockerfile" <(echo "$base"))
    if up_to_date "$image" "$recipe"; then
        say "$image is present, skipping"
        return
    fi
    mkdir -p "$ctx"
    cp "$dockerfiles/mysql/Dockerfile" "$ctx/"
    build "$image" "$ctx" "$recipe"
}

busybox_image
redis_image
mysql_image
say "done: $(docker image ls --filter label=wharf.test=1 --format '{{.Repository}}:{{.Tag}}' | sort | tr '\n' ' ')"
