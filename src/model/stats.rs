//! Resource figures of a container, computed the way `docker stats` computes them.

/// One reading of a container's counters, as the daemon reports them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StatsSample {
    /// When wharf received it (Unix milliseconds): the clock for rates.
    pub at_ms: i64,
    /// Container CPU time (ns) and host CPU time (ns, all CPUs).
    pub cpu_total: u64,
    pub system_total: u64,
    /// The previous reading's pair, when the daemon sent one (a streamed sample does; a
    /// one-shot sample does not, so two one-shot samples make the delta).
    pub pre: Option<(u64, u64)>,
    pub online_cpus: u32,
    /// Memory used, without the page cache (`docker stats` subtracts inactive file pages).
    pub mem_used: u64,
    pub mem_limit: u64,
    pub net_rx: u64,
    pub net_tx: u64,
    pub blk_read: u64,
    pub blk_write: u64,
}

/// What the dashboard shows for a running container.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StatsFigures {
    /// Percent of one CPU (200% = two CPUs busy), `None` until two readings exist.
    pub cpu_percent: Option<f64>,
    pub mem_used: u64,
    pub mem_limit: u64,
    /// Bytes per second since the previous reading.
    pub net_rx_rate: Option<f64>,
    pub net_tx_rate: Option<f64>,
    pub blk_read: u64,
    pub blk_write: u64,
}

impl StatsFigures {
    pub fn mem_percent(&self) -> Option<f64> {
        (self.mem_limit > 0).then(|| self.mem_used as f64 / self.mem_limit as f64 * 100.0)
    }
}

/// `docker stats`' CPU formula: the container's share of the host's CPU time between
/// two readings, times the number of CPUs.
fn cpu_percent(cpu_delta: u64, system_delta: u64, cpus: u32) -> Option<f64> {
    (system_delta > 0).then(|| cpu_delta as f64 / system_delta as f64 * f64::from(cpus.max(1)) * 100.0)
}

/// The figures for `current`, using the reading before it (`previous`) for deltas the
/// sample does not carry itself.
pub fn figures(previous: Option<&StatsSample>, current: &StatsSample) -> StatsFigures {
    let pre = current.pre.filter(|(cpu, system)| *cpu > 0 || *system > 0);
    let cpu = match (pre, previous) {
        (Some((pre_cpu, pre_system)), _) => cpu_percent(
            current.cpu_total.saturating_sub(pre_cpu),
            current.system_total.saturating_sub(pre_system),
            current.online_cpus,
        ),
        (None, Some(p)) => cpu_percent(
            current.cpu_total.saturating_sub(p.cpu_total),
            current.system_total.saturating_sub(p.system_total),
            current.online_cpus,
        ),
        (None, None) => None,
    };
    let rate = |now: u64, before: u64| {
        let p = previous?;
        let seconds = (current.at_ms - p.at_ms) as f64 / 1000.0;
        (seconds > 0.0).then(|| now.saturating_sub(before) as f64 / seconds)
    };
    StatsFigures {
        cpu_percent: cpu,
        mem_used: current.mem_used,
        mem_limit: current.mem_limit,
        net_rx_rate: previous.and_then(|p| rate(current.net_rx, p.net_rx)),
        net_tx_rate: previous.and_then(|p| rate(current.net_tx, p.net_tx)),
        blk_read: current.blk_read,
        blk_write: current.blk_write,
    }
}

/// The daemon's disk usage (`docker system df`), in bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DiskUsage {
    pub images: i64,
    pub images_reclaimable: i64,
    pub containers: i64,
    pub volumes: i64,
    pub build_cache: i64,
    /// Each volume's size, by name (the volume list does not say).
    pub volume_sizes: Vec<(String, i64)>,
}

impl DiskUsage {
    /// Everything on disk. Saturating: the figures are the daemon's, and a hostile or
    /// broken one may send any number.
    pub fn total(&self) -> i64 {
        self.images.saturating_add(self.containers).saturating_add(self.volumes).saturating_add(self.build_cache)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_from_the_streamed_pair_and_from_two_one_shot_samples() {
        let streamed = StatsSample {
            cpu_total: 4_061_326_572,
            system_total: 8_788_200_000_000,
            pre: Some((3_059_605_985, 8_786_210_000_000)),
            online_cpus: 2,
            ..Default::default()
        };
        let f = figures(None, &streamed);
        assert!((f.cpu_percent.unwrap() - 100.67).abs() < 0.01, "{f:?}");

        let first =
            StatsSample { at_ms: 0, cpu_total: 1_000, system_total: 10_000, online_cpus: 4, ..Default::default() };
        assert_eq!(figures(None, &first).cpu_percent, None, "one reading is not a rate");
        let second = StatsSample {
            at_ms: 2_000,
            cpu_total: 3_000,
            system_total: 20_000,
            online_cpus: 4,
            net_rx: 4_096,
            ..Default::default()
        };
        let f = figures(Some(&first), &second);
        assert!((f.cpu_percent.unwrap() - 80.0).abs() < 1e-9);
        assert_eq!(f.net_rx_rate, Some(2_048.0));
    }

    #[test]
    fn no_time_or_no_host_delta_gives_no_figure() {
        let a = StatsSample { at_ms: 5, cpu_total: 10, system_total: 100, ..Default::default() };
        let f = figures(Some(&a), &a);
        assert_eq!((f.cpu_percent, f.net_rx_rate), (None, None));
    }
}
