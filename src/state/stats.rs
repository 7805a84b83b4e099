//! Resource stats of the containers on screen, and how they are sampled.
//!
//! Every stats stream costs the daemon about 0.3% of a core, so wharf streams only the
//! selected container (one reading a second, for its charts) and samples the other
//! running rows in view with cheap one-shot requests every few seconds, one round at a
//! time. Nothing is asked for stopped containers or rows off screen.

use std::collections::{HashMap, VecDeque};

use crate::model::{DiskUsage, StatsFigures, StatsSample, figures};

/// Readings kept per container for the charts.
pub const HISTORY: usize = 120;

#[derive(Debug, Clone, Default)]
pub struct ContainerStats {
    pub last: StatsSample,
    pub figures: StatsFigures,
    /// CPU in tenths of a percent and memory in bytes, oldest first.
    pub cpu_history: VecDeque<u64>,
    pub mem_history: VecDeque<u64>,
}

/// Sampling intervals the `i` key cycles through (0 = off).
pub const INTERVALS: [u64; 5] = [2, 5, 10, 30, 0];

#[derive(Debug, Clone)]
pub struct StatsState {
    pub by_id: HashMap<String, ContainerStats>,
    /// Seconds between sampling rounds of the visible rows; 0 turns stats off.
    pub interval_secs: u64,
    pub last_round: i64,
    pub round_in_flight: bool,
    /// The container whose stats are streamed (the selected one, if running).
    pub streaming: Option<String>,
    pub disk: Option<DiskUsage>,
    pub disk_in_flight: bool,
}

impl StatsState {
    pub fn new(interval_secs: u64) -> Self {
        Self {
            by_id: HashMap::new(),
            interval_secs,
            last_round: 0,
            round_in_flight: false,
            streaming: None,
            disk: None,
            disk_in_flight: false,
        }
    }

    pub fn enabled(&self) -> bool {
        self.interval_secs > 0
    }

    /// Takes a reading: figures from it and the one before, history bounded.
    pub fn record(&mut self, id: &str, sample: StatsSample) {
        let entry = self.by_id.entry(id.to_string()).or_default();
        let previous = (entry.last.at_ms > 0).then_some(entry.last);
        let f = figures(previous.as_ref(), &sample);
        // A reading without a CPU figure (the first one-shot) keeps the last known one.
        entry.figures = StatsFigures { cpu_percent: f.cpu_percent.or(entry.figures.cpu_percent), ..f };
        entry.last = sample;
        if let Some(cpu) = f.cpu_percent {
            push_bounded(&mut entry.cpu_history, (cpu * 10.0).round().max(0.0) as u64);
        }
        push_bounded(&mut entry.mem_history, sample.mem_used);
    }

    pub fn figures_of(&self, id: &str) -> Option<&StatsFigures> {
        self.by_id.get(id).map(|s| &s.figures)
    }

    /// The next interval in `INTERVALS`.
    pub fn next_interval(&self) -> u64 {
        let i = INTERVALS.iter().position(|i| *i == self.interval_secs).map_or(0, |i| i + 1);
        INTERVALS[i % INTERVALS.len()]
    }
}

fn push_bounded(history: &mut VecDeque<u64>, value: u64) {
    if history.len() == HISTORY {
        history.pop_front();
    }
    history.push_back(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_is_bounded_and_cpu_survives_a_reading_without_it() {
        let mut s = StatsState::new(5);
        for i in 0..(HISTORY as u64 + 30) {
            let sample = StatsSample {
                at_ms: 1_000 * (i as i64 + 1),
                cpu_total: 1_000 * i,
                system_total: 10_000 * i,
                online_cpus: 1,
                mem_used: i,
                ..Default::default()
            };
            s.record("a", sample);
        }
        let a = &s.by_id["a"];
        assert_eq!(a.mem_history.len(), HISTORY);
        assert!((a.figures.cpu_percent.unwrap() - 10.0).abs() < 1e-9);
        assert_eq!(s.next_interval(), 10);
    }
}
