//! Stats readings, as `docker stats` reads them.

use crate::model::StatsSample;

/// A stats reading, as `docker stats` reads it (memory without inactive file pages,
/// block I/O summed over devices, network summed over interfaces).
pub fn stats_sample(stats: &bollard::models::ContainerStatsResponse, at_ms: i64) -> StatsSample {
    let cpu = stats.cpu_stats.as_ref();
    let total = |c: Option<&bollard::models::ContainerCpuStats>| {
        c.and_then(|c| c.cpu_usage.as_ref()).and_then(|u| u.total_usage).unwrap_or(0)
    };
    let pre = stats.precpu_stats.as_ref().map(|p| (total(Some(p)), p.system_cpu_usage.unwrap_or(0)));
    let online_cpus = cpu.and_then(|c| c.online_cpus).filter(|n| *n > 0).unwrap_or_else(|| {
        cpu.and_then(|c| c.cpu_usage.as_ref())
            .and_then(|u| u.percpu_usage.as_ref())
            .map_or(1, |p| p.len().max(1) as u32)
    });
    let mem = stats.memory_stats.as_ref();
    let usage = mem.and_then(|m| m.usage).unwrap_or(0);
    let stat = |key: &str| mem.and_then(|m| m.stats.as_ref()).and_then(|s| s.get(key)).copied();
    let inactive = stat("total_inactive_file").or_else(|| stat("inactive_file")).filter(|v| *v < usage).unwrap_or(0);
    let (mut net_rx, mut net_tx) = (0u64, 0u64);
    for net in stats.networks.iter().flat_map(|n| n.values()) {
        net_rx = net_rx.saturating_add(net.rx_bytes.unwrap_or(0));
        net_tx = net_tx.saturating_add(net.tx_bytes.unwrap_or(0));
    }
    let (mut blk_read, mut blk_write) = (0u64, 0u64);
    let entries = stats.blkio_stats.as_ref().and_then(|b| b.io_service_bytes_recursive.as_ref());
    for entry in entries.into_iter().flatten() {
        match entry.op.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("read") => blk_read = blk_read.saturating_add(entry.value.unwrap_or(0)),
            Some("write") => blk_write = blk_write.saturating_add(entry.value.unwrap_or(0)),
            _ => {}
        }
    }
    StatsSample {
        at_ms,
        cpu_total: total(cpu),
        system_total: cpu.and_then(|c| c.system_cpu_usage).unwrap_or(0),
        pre,
        online_cpus,
        mem_used: usage - inactive,
        mem_limit: mem.and_then(|m| m.limit).unwrap_or(0),
        net_rx,
        net_tx,
        blk_read,
        blk_write,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_from_captured_json_match_docker_stats() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/stats-stream.json")).unwrap();
        let stats: bollard::models::ContainerStatsResponse = serde_json::from_str(&text).unwrap();
        let sample = stats_sample(&stats, 1_000);
        let f = crate::model::figures(None, &sample);
        // A busy loop on one of two CPUs: about 100%.
        assert!((f.cpu_percent.unwrap() - 100.67).abs() < 0.1, "{f:?}");
        // usage 581632 minus total_inactive_file (0 here) = 581632 bytes.
        assert_eq!(f.mem_used, 581_632);
        assert_eq!(f.mem_limit, 25_276_502_016);
        assert_eq!(sample.net_rx, 736);
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/stats-oneshot.json")).unwrap();
        let one_shot: bollard::models::ContainerStatsResponse = serde_json::from_str(&text).unwrap();
        assert_eq!(
            crate::model::figures(None, &stats_sample(&one_shot, 0)).cpu_percent,
            None,
            "a one-shot reading has no pair"
        );
    }
}
