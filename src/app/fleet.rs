//! Watches one of the config's hosts for the hosts overview: connects, lists its
//! containers, lists again when its events say something changed, and reconnects with
//! backoff when it goes away. Each host has its own watcher, so one that is down
//! changes nothing for the others.

use std::future::Future;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::connection::{Backoff, lost_connection, sleep_unless_cancelled};
use super::msg::Msg;
use crate::docker::DockerApi;
use crate::model::{DaemonError, DaemonErrorKind, EventKind, FleetReport};

/// Events within this long of each other cost one list.
const SETTLE: Duration = Duration::from_millis(300);

pub async fn watch<D, C, Fut>(
    host: usize,
    connect: C,
    request_timeout: Duration,
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
                let Some(error) = follow(host, &client, request_timeout, &tx, &cancel).await else { return };
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

/// Lists and follows events until the daemon goes away (the error) or wharf stops
/// (`None`).
async fn follow<D: DockerApi>(
    host: usize,
    client: &D,
    request_timeout: Duration,
    tx: &mpsc::Sender<Msg>,
    cancel: &CancellationToken,
) -> Option<DaemonError> {
    let mut events = client.events();
    let mut dirty = true;
    loop {
        if dirty {
            dirty = false;
            let listed = match tokio::time::timeout(request_timeout, client.list_containers()).await {
                Ok(result) => result,
                Err(_) => Err(DaemonError::new(DaemonErrorKind::Timeout, "the daemon did not answer in time")),
            };
            let report = match listed {
                Ok(containers) => FleetReport::Up { info: client.info(), containers },
                Err(error) => return Some(error),
            };
            if tx.send(Msg::Fleet { host, report }).await.is_err() {
                return None;
            }
        }
        tokio::select! {
            _ = cancel.cancelled() => return None,
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
                                _ = cancel.cancelled() => return None,
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
