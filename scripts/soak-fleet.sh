#!/usr/bin/env bash
# Fleet soak (not part of the test suite, not in CI): wharf in a 160x45 tmux window
# watching the three engines of scripts/testbed.sh side by side (H H: stats on), while
# the script cuts one host off after another (10 s cut, 10 s healed, round robin) for
# the whole run. Every 10 s, and once more at the end of each cut, it samples wharf's
# resident memory, threads, open file descriptors, its TCP connections to the test bed
# (ss), the ssh processes it runs for tb3, and what the screen says of each host. The
# summary judges whether a cut host was marked only from samples taken after it had been
# cut for MARK_GRACE seconds (default 8: wharf's heartbeat every 2 s with 4 s to answer
# says 6): a sample taken the moment a host is cut rightly still shows it up.
#
#   scripts/soak-fleet.sh [seconds]     (default 600)
#
# Environment: WHARF_BIN (default target/release/wharf, else $CARGO_TARGET_DIR's
# debug build), SOAK_BASE (default /tmp/wharf-soak-fleet), MARK_GRACE (default 8).
#
# Output in $SOAK_BASE: samples.csv (elapsed_s,rss_kib,threads,fds,tcp_conns,ssh_procs,
# tb1,tb2,tb3,cut,cut_s: the host cut, 0 for none, and for how many seconds it had been
# cut), events.log, summary.txt. The test bed is left whole (healed) on exit, whatever
# the exit. It takes the test bed's lock (/tmp/wharf-testbed/lock, as tests/testbed
# does), so it waits for a fleet test in progress and none starts under it.
set -euo pipefail
export LC_ALL=C.UTF-8
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD

duration=${1:-600}
base=${SOAK_BASE:-/tmp/wharf-soak-fleet}
bin=${WHARF_BIN:-$repo/target/release/wharf}
[[ -x $bin ]] || bin=${CARGO_TARGET_DIR:-$repo/target}/debug/wharf
[[ -x $bin ]] || { echo "soak-fleet: no wharf binary (build one, or set WHARF_BIN)" >&2; exit 1; }
sock=wharf-soak-fleet

scripts/testbed.sh start >/dev/null
exec {bed_lock}>/tmp/wharf-testbed/lock
flock "$bed_lock"
mark_grace=${MARK_GRACE:-8}
# shellcheck disable=SC1091
source /tmp/wharf-testbed/env
rm -rf "$base"
mkdir -p "$base"
# Our own copy: a build in a shared target directory must not swap it mid-run.
cp "$bin" "$base/wharf"
bin=$base/wharf
cat >"$base/config.toml" <<EOF
[[hosts]]
name = "tb1"
host = "$WHARF_TB1_HOST"

[[hosts]]
name = "tb2"
host = "$WHARF_TB2_HOST"
tls_cert_path = "$WHARF_TB2_CERT_PATH"

[[hosts]]
name = "tb3"
host = "$WHARF_TB3_HOST"
EOF

cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    for n in 1 2 3; do scripts/testbed.sh heal "$n" || true; done
    for n in 1 2 3; do
        ids=$(docker -H "unix:///run/wharf-testbed/h$n/docker.sock" ps -aq --filter label=wharf.test=soak-fleet || true)
        [[ -z $ids ]] || docker -H "unix:///run/wharf-testbed/h$n/docker.sock" rm -f $ids >/dev/null || true
    done
}
trap cleanup EXIT

# Something to watch on each host: two sleepers and a busy one.
for n in 1 2 3; do
    for name in a b; do
        docker -H "unix:///run/wharf-testbed/h$n/docker.sock" run -d --label wharf.test=soak-fleet \
            --name "soak-$name-$n" wharf-test/busybox sleep 100000 >/dev/null
    done
done

tmux -L "$sock" -f /dev/null new-session -d -x 160 -y 45 \
    "exec $bin --config $base/config.toml -H $WHARF_TB1_HOST 2>>$base/stderr.log" {bed_lock}>&-
# H until the hosts are side by side (keys sent before wharf reads them are lost).
for _ in $(seq 1 40); do
    screen=$(tmux -L "$sock" capture-pane -p -t '=0:' 2>/dev/null || true)
    [[ $screen == *"Hosts side by side"* ]] && break
    [[ $screen == *" wharf "* ]] && tmux -L "$sock" send-keys -t '=0:' H
    sleep 0.5
done
pid=$(tmux -L "$sock" list-panes -t '=0:' -F '#{pane_pid}')
echo "elapsed_s,rss_kib,threads,fds,tcp_conns,ssh_procs,tb1,tb2,tb3,cut,cut_s" >"$base/samples.csv"

# What the screen says of host N: up, down, not-answering, connecting.
host_state() {
    local line
    line=$(tmux -L "$sock" capture-pane -p -t '=0:' | grep -o "tb$1 [●◌✖…] [a-z ]*" | head -n1 || true)
    line=${line#tb"$1" ? }
    line=${line% for*}
    line=${line% }
    echo "${line// /-}"
}

# sample ELAPSED CUT CUT_SECONDS
sample() {
    local elapsed=$1 cut=$2 cut_s=$3 rss threads fds conns sshs
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    threads=$(awk '/^Threads/ {print $2}' "/proc/$pid/status")
    fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    conns=$(ss -tnpH 2>/dev/null | grep -c "pid=$pid," || true)
    sshs=$(pgrep -P "$pid" -c ssh || true)
    echo "$elapsed,$rss,$threads,$fds,$conns,$sshs,$(host_state 1),$(host_state 2),$(host_state 3),$cut,$cut_s" >>"$base/samples.csv"
}

start=$SECONDS
host=1
cut=0
cut_at=0
next_sample=0
phase_end=$((SECONDS + 10))
while ((SECONDS - start < duration)); do
    if ((SECONDS >= phase_end)); then
        if ((cut == 0)); then
            scripts/testbed.sh cut "$host"
            cut=$host
            cut_at=$SECONDS
            echo "$((SECONDS - start)) cut tb$host" >>"$base/events.log"
        else
            # The end of the cut: what the screen says of the cut host now is what
            # the summary judges (the regular samples may all fall at cut moments).
            sample "$((SECONDS - start))" "$cut" "$((SECONDS - cut_at))"
            scripts/testbed.sh heal "$host"
            echo "$((SECONDS - start)) heal tb$host" >>"$base/events.log"
            cut=0
            host=$((host % 3 + 1))
        fi
        phase_end=$((SECONDS + 10))
    fi
    if ((SECONDS - start >= next_sample)); then
        kill -0 "$pid" 2>/dev/null || { echo "soak-fleet: wharf exited" >&2; exit 1; }
        sample "$((SECONDS - start))" "$cut" "$(((cut == 0) ? 0 : SECONDS - cut_at))"
        next_sample=$((next_sample + 10))
    fi
    sleep 0.5
done
for n in 1 2 3; do scripts/testbed.sh heal "$n"; done
sleep 15
sample "$((SECONDS - start))" 0 0

python3 - "$base/samples.csv" "$mark_grace" >"$base/summary.txt" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def col(k): return [int(r[k]) for r in rows]
first, last = rows[1] if len(rows) > 1 else rows[0], rows[-1]
print(f"samples: {len(rows)} over {last['elapsed_s']} s")
for k in ["rss_kib", "threads", "fds", "tcp_conns", "ssh_procs"]:
    v = col(k)
    print(f"{k}: first {first[k]}, last {last[k]}, min {min(v)}, max {max(v)}")
grace = int(sys.argv[2])
cut = [r for r in rows if r["cut"] != "0"]
# Judged only once the host has been cut long enough for wharf to notice.
judged = [r for r in cut if int(r["cut_s"]) >= grace]
marked = sum(1 for r in judged if r["tb" + r["cut"]] in ("not-answering", "down"))
print(f"samples with a host cut: {len(cut)}; cut for {grace} s or more: {len(judged)}, "
      f"of them the cut host shown down/not answering: {marked}")
print(f"final states: tb1 {last['tb1']}, tb2 {last['tb2']}, tb3 {last['tb3']}")
EOF
cat "$base/summary.txt"
