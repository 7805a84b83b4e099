//! Stats without asking the daemon: for a daemon on this machine, a container's
//! counters sit in its cgroup (`/sys/fs/cgroup/...`) and the host's CPU time in
//! `/proc/stat`. Reading them costs the daemon nothing, where every stats request costs
//! it real CPU (see ARCHITECTURE.md and the stats budget in BENCHMARKS.md). Used for
//! the sampling rounds of the visible rows; when the files are not there (a remote
//! daemon, rootless Docker, Podman), wharf asks the daemon as usual.
//!
//! The figures are the ones `docker stats` computes from the same files: CPU time in
//! ns, memory without inactive file pages, block I/O summed, network from the
//! container's own network namespace.

use std::path::{Path, PathBuf};

use crate::model::StatsSample;

/// Where the kernel keeps things; tests point this at a fake tree.
#[derive(Debug, Clone)]
pub struct Roots {
    pub cgroup: PathBuf,
    pub proc: PathBuf,
}

impl Default for Roots {
    fn default() -> Self {
        Self { cgroup: PathBuf::from("/sys/fs/cgroup"), proc: PathBuf::from("/proc") }
    }
}

/// Docker's clock ticks per second for `/proc/stat` (USER_HZ; the daemon assumes 100).
const CLOCK_TICKS: u64 = 100;

/// A reading of container `id` from its cgroup, if this machine has it.
pub fn read(roots: &Roots, id: &str, at_ms: i64) -> Option<StatsSample> {
    let (cpu_total, mem_usage, mem_limit, inactive, blk, procs) = if let Some(v1) = v1_dirs(roots, id) {
        let cpu_total = number(&v1.cpuacct.join("cpuacct.usage"))?;
        let mem_usage = number(&v1.memory.join("memory.usage_in_bytes"))?;
        let mem_limit = number(&v1.memory.join("memory.limit_in_bytes")).unwrap_or(u64::MAX);
        let inactive = stat_value(&v1.memory.join("memory.stat"), "total_inactive_file").unwrap_or(0);
        let blk = blkio_v1(&v1.blkio.join("blkio.throttle.io_service_bytes"));
        (cpu_total, mem_usage, mem_limit, inactive, blk, v1.cpuacct.join("cgroup.procs"))
    } else {
        let dir = roots.cgroup.join("system.slice").join(format!("docker-{id}.scope"));
        let usage_usec = stat_value(&dir.join("cpu.stat"), "usage_usec")?;
        let mem_usage = number(&dir.join("memory.current"))?;
        let mem_limit = number(&dir.join("memory.max")).unwrap_or(u64::MAX);
        let inactive = stat_value(&dir.join("memory.stat"), "inactive_file").unwrap_or(0);
        let blk = io_v2(&dir.join("io.stat"));
        (usage_usec.saturating_mul(1000), mem_usage, mem_limit, inactive, blk, dir.join("cgroup.procs"))
    };
    let (system_total, online_cpus) = host_cpu(&roots.proc)?;
    // No limit: like the daemon, report the host's memory.
    let host_memory = host_memory(&roots.proc).unwrap_or(u64::MAX);
    let (net_rx, net_tx) = first_pid(&procs).map_or((0, 0), |pid| network(&roots.proc, pid));
    Some(StatsSample {
        at_ms,
        cpu_total,
        system_total,
        pre: None,
        online_cpus,
        mem_used: if inactive < mem_usage { mem_usage - inactive } else { mem_usage },
        mem_limit: mem_limit.min(host_memory),
        net_rx,
        net_tx,
        blk_read: blk.0,
        blk_write: blk.1,
    })
}

struct V1 {
    cpuacct: PathBuf,
    memory: PathBuf,
    blkio: PathBuf,
}

fn v1_dirs(roots: &Roots, id: &str) -> Option<V1> {
    let dir = |controller: &str| roots.cgroup.join(controller).join("docker").join(id);
    let v1 = V1 { cpuacct: dir("cpuacct"), memory: dir("memory"), blkio: dir("blkio") };
    v1.cpuacct.is_dir().then_some(v1)
}

fn number(path: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    let text = text.trim();
    if text == "max" { Some(u64::MAX) } else { text.parse().ok() }
}

/// `key value` lines (`memory.stat`, `cpu.stat`).
fn stat_value(path: &Path, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().find_map(|l| l.strip_prefix(key)?.strip_prefix(' ')?.trim().parse().ok())
}

/// `8:0 Read 4096` lines; (read, write) summed over devices.
fn blkio_v1(path: &Path) -> (u64, u64) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines().fold((0, 0), |(r, w), line| {
        let mut parts = line.split_whitespace();
        match (parts.next(), parts.next(), parts.next().and_then(|v| v.parse::<u64>().ok())) {
            (Some(_), Some("Read"), Some(v)) => (r.saturating_add(v), w),
            (Some(_), Some("Write"), Some(v)) => (r, w.saturating_add(v)),
            _ => (r, w),
        }
    })
}

/// `8:0 rbytes=4096 wbytes=0 ...` lines.
fn io_v2(path: &Path) -> (u64, u64) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let field = |line: &str, key: &str| {
        line.split_whitespace().find_map(|f| f.strip_prefix(key)?.parse::<u64>().ok()).unwrap_or(0)
    };
    text.lines()
        .fold((0, 0), |(r, w), l| (r.saturating_add(field(l, "rbytes=")), w.saturating_add(field(l, "wbytes="))))
}

/// The host's CPU time in ns (the first `cpu` line of `/proc/stat`, as the daemon
/// counts it) and the number of CPUs.
fn host_cpu(proc: &Path) -> Option<(u64, u32)> {
    let text = std::fs::read_to_string(proc.join("stat")).ok()?;
    let mut lines = text.lines();
    let first = lines.next()?.strip_prefix("cpu ")?;
    let ticks: u64 = first.split_whitespace().take(8).filter_map(|v| v.parse::<u64>().ok()).sum();
    let cpus = lines.filter(|l| l.starts_with("cpu")).count() as u32;
    Some((ticks.saturating_mul(1_000_000_000 / CLOCK_TICKS), cpus.max(1)))
}

fn host_memory(proc: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(proc.join("meminfo")).ok()?;
    let kib: u64 =
        text.lines().find_map(|l| l.strip_prefix("MemTotal:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

fn first_pid(procs: &Path) -> Option<u32> {
    std::fs::read_to_string(procs).ok()?.lines().next()?.trim().parse().ok()
}

/// Bytes received and sent on the container's interfaces (its network namespace, seen
/// through one of its processes), loopback left out as `docker stats` does.
fn network(proc: &Path, pid: u32) -> (u64, u64) {
    let text = std::fs::read_to_string(proc.join(pid.to_string()).join("net").join("dev")).unwrap_or_default();
    text.lines().skip(2).fold((0, 0), |(rx, tx), line| {
        let Some((name, values)) = line.split_once(':') else { return (rx, tx) };
        if name.trim() == "lo" {
            return (rx, tx);
        }
        let v: Vec<u64> = values.split_whitespace().filter_map(|x| x.parse().ok()).collect();
        (rx.saturating_add(v.first().copied().unwrap_or(0)), tx.saturating_add(v.get(8).copied().unwrap_or(0)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn a_v1_cgroup_reads_like_docker_stats() {
        let dir = tempfile::tempdir().unwrap();
        let roots = Roots { cgroup: dir.path().join("cg"), proc: dir.path().join("proc") };
        let id = "abc";
        let cg = |c: &str, f: &str| roots.cgroup.join(c).join("docker").join(id).join(f);
        write(&cg("cpuacct", "cpuacct.usage"), "2000000000\n");
        write(&cg("cpuacct", "cgroup.procs"), "4242\n4243\n");
        write(&cg("memory", "memory.usage_in_bytes"), "1000000\n");
        write(&cg("memory", "memory.limit_in_bytes"), "9223372036854771712\n");
        write(&cg("memory", "memory.stat"), "cache 1\ntotal_inactive_file 200000\n");
        write(
            &cg("blkio", "blkio.throttle.io_service_bytes"),
            "8:0 Read 4096\n8:0 Write 100\n8:16 Read 4\nTotal 4200\n",
        );
        write(
            &roots.proc.join("stat"),
            "cpu  100 0 50 850 0 0 0 0 0 0\ncpu0 50 0 25 425 0 0 0 0 0 0\ncpu1 50 0 25 425 0 0 0 0 0 0\nintr 1\n",
        );
        write(&roots.proc.join("meminfo"), "MemTotal:       24000000 kB\n");
        write(
            &roots.proc.join("4242/net/dev"),
            "Inter-|   Receive\n face |bytes packets\n    lo: 999 1 0 0 0 0 0 0 999 1 0 0 0 0 0 0\n  eth0: 1500 10 0 0 0 0 0 0 700 5 0 0 0 0 0 0\n",
        );
        let s = read(&roots, id, 7).unwrap();
        assert_eq!((s.cpu_total, s.system_total, s.online_cpus), (2_000_000_000, 10_000_000_000, 2));
        assert_eq!(s.mem_used, 800_000);
        assert_eq!(s.mem_limit, 24_000_000 * 1024, "no limit: the host's memory");
        assert_eq!((s.blk_read, s.blk_write), (4100, 100));
        assert_eq!((s.net_rx, s.net_tx), (1500, 700));
        assert!(read(&roots, "other", 7).is_none(), "no cgroup: ask the daemon");
    }

    #[test]
    fn a_v2_cgroup_reads_too() {
        let dir = tempfile::tempdir().unwrap();
        let roots = Roots { cgroup: dir.path().join("cg"), proc: dir.path().join("proc") };
        let scope = roots.cgroup.join("system.slice/docker-xyz.scope");
        write(&scope.join("cpu.stat"), "usage_usec 1500\nuser_usec 1000\n");
        write(&scope.join("memory.current"), "5000\n");
        write(&scope.join("memory.max"), "max\n");
        write(&scope.join("memory.stat"), "anon 1\ninactive_file 1000\n");
        write(&scope.join("io.stat"), "8:0 rbytes=10 wbytes=20 rios=1 wios=2\n");
        write(&roots.proc.join("stat"), "cpu  1 1 1 1 0 0 0 0 0 0\ncpu0 1 1 1 1 0 0 0 0 0 0\n");
        let s = read(&roots, "xyz", 1).unwrap();
        assert_eq!((s.cpu_total, s.mem_used, s.blk_read, s.blk_write), (1_500_000, 4000, 10, 20));
    }
}
