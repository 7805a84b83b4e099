//! Watches one of the config's hosts for the hosts overview: connects, lists its
//! containers, lists again when its events say something changed, pings it as the main
//! connection does (a host cut off or hung keeps its connections open, so only asking
//! notices), samples its running containers' stats while the overview is on screen,
//! and reconnects with backoff when it goes away. Each host has its own watcher, so one
//! that is down or hung changes nothing for the others.

use std::future::Future;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::connection::{Backoff, heartbeat, lost_connection, sleep_unless_cancelled};
use super::msg::Msg;
use crate::docker::DockerApi;
use crate::model::{ContainerState, DaemonError, DaemonErrorKind, EventKind, FleetReport, StatsSample};

/// Events within this long of each other cost one list.
const SETTLE: Duration = Duration::from_millis(300);

/// How often each host's running containers are sampled while the overview is shown:
/// one cheap reading per container (see MACHINE-NOTES: what stats cost the daemon).
pub const STATS_EVERY: Duration = Duration::from_secs(5);

/// Containers sampled per host and round at most: a host running hundreds is summed
/// from its first ones rather than asked hundreds of questions every few seconds.
pub const STATS_MAX_CONTAINERS: usize = 50;

/// Watches host number `host`. `stats_wanted` says whether the overview is on screen
/// (only then are stats read).
pub async fn watch<D, C, Fut>(
    host: usize,
    connect: C,
    request_timeout: Duration,
    stats_wanted: watch::Receiver<bool>,
    tx: mpsc::Sender<Msg>,
    cancel: CancellationToken,
) where
    D: DockerApi,
    C: Fn() -> Fut,
    Fut: Future<Output = Result<D, DaemonError>>,
{
    let mut backoff = Backoff::default();
    loop {
        let attempt = tokio::select! {
            _ = cancel.cancelled() => return,
            attempt = connect() => attempt,
        };
        let error = match attempt {
            Ok(client) => {
                backoff.reset();
                let watcher = Watcher { host, client: &client, request_timeout, tx: &tx, cancel: &cancel };
                let Some(error) = watcher.follow(stats_wanted.clone()).await else { return };
                error
            }
            Err(error) => error,
        };
        if tx.send(Msg::Fleet { host, report: FleetReport::Down { error } }).await.is_err() {
            return;
        }
        if !sleep_unless_cancelled(backoff.next_wait(), &cancel).await {
            return;
        }
    }
}

struct Watcher<'a, D> {
    host: usize,
    client: &'a D,
    request_timeout: Duration,
    tx: &'a mpsc::Sender<Msg>,
    cancel: &'a CancellationToken,
}

impl<D: DockerApi> Watcher<'_, D> {
    async fn report(&self, report: FleetReport) -> bool {
        self.tx.send(Msg::Fleet { host: self.host, report }).await.is_ok()
    }

    /// Lists and follows events until the daemon goes away or stops answering (the
    /// error) or wharf stops (`None`).
    async fn follow(&self, mut stats_wanted: watch::Receiver<bool>) -> Option<DaemonError> {
        let client = self.client;
        let mut events = client.events();
        let beating = heartbeat(client);
        tokio::pin!(beating);
        let mut dirty = true;
        let mut running: Vec<String> = Vec::new();
        let mut next_sample = Instant::now();
        // The overview's switch is gone (wharf is stopping, or a test without one).
        let mut no_switch = false;
        loop {
            if dirty {
                dirty = false;
                let listed = match tokio::time::timeout(self.request_timeout, client.list_containers()).await {
                    Ok(result) => result,
                    Err(_) => Err(DaemonError::new(DaemonErrorKind::Timeout, "the daemon did not answer in time")),
                };
                let containers = match listed {
                    Ok(containers) => containers,
                    Err(error) => return Some(error),
                };
                running = containers
                    .iter()
                    .filter(|c| c.state == ContainerState::Running)
                    .take(STATS_MAX_CONTAINERS)
                    .map(|c| c.id.clone())
                    .collect();
                if !self.report(FleetReport::Up { info: client.info(), containers }).await {
                    return None;
                }
            }
            let sampling = *stats_wanted.borrow() && !running.is_empty();
            tokio::select! {
                _ = self.cancel.cancelled() => return None,
                error = &mut beating => return Some(error),
                changed = stats_wanted.changed(), if !no_switch => match changed {
                    // Shown again: a reading at once, not in five seconds.
                    Ok(()) => next_sample = Instant::now(),
                    Err(_) => no_switch = true,
                },
                _ = tokio::time::sleep_until(next_sample), if sampling => {
                    let samples = tokio::select! {
                        _ = self.cancel.cancelled() => return None,
                        error = &mut beating => return Some(error),
                        samples = self.sample(&running) => samples,
                    };
                    next_sample = Instant::now() + STATS_EVERY;
                    if !self.report(FleetReport::Stats { samples }).await {
                        return None;
                    }
                }
                item = events.next() => match item {
                    Some(Ok(event)) => {
                        // Execs (healthchecks every few seconds) and reads (top, resize)
                        // change no list.
                        if event.kind == EventKind::Container && !crate::app::update::changes_nothing(&event) {
                            // Let a burst settle, then list once.
                            dirty = true;
                            let settle = tokio::time::sleep(SETTLE);
                            tokio::pin!(settle);
                            loop {
                                tokio::select! {
                                    _ = self.cancel.cancelled() => return None,
                                    error = &mut beating => return Some(error),
                                    _ = &mut settle => break,
                                    more = events.next() => match more {
                                        Some(Ok(_)) => {}
                                        Some(Err(error)) => return Some(error),
                                        None => return Some(lost_connection(&client.info().host)),
                                    },
                                }
                            }
                        }
                    }
                    Some(Err(error)) => return Some(error),
                    None => return Some(lost_connection(&client.info().host)),
                },
            }
        }
    }

    /// One reading of each of `ids`, all at once, each bounded by the request timeout;
    /// one that fails (stopped meanwhile) is left out.
    async fn sample(&self, ids: &[String]) -> Vec<(String, StatsSample)> {
        let readings = ids.iter().map(|id| async move {
            let reading = tokio::time::timeout(self.request_timeout, self.client.stats_once(id)).await;
            match reading {
                Ok(Ok(sample)) => Some((id.clone(), sample)),
                _ => None,
            }
        });
        futures::future::join_all(readings).await.into_iter().flatten().collect()
    }
}
