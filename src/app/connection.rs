//! The connection supervisor: one task that reaches the daemon, keeps the current client
//! in a watch slot for the effect runner, follows the event stream, and when the daemon
//! goes away (the stream ends) says so and reconnects with backoff, building the client
//! again each time (the client library fails at construction when the socket is missing).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::msg::Msg;
use crate::docker::DockerApi;
use crate::model::{DaemonError, DaemonErrorKind};

/// Waits between attempts: quick at first (a daemon restart takes a second or two), then
/// no more than 10 s apart.
const BACKOFF_SECS: [u64; 6] = [1, 1, 2, 4, 8, 10];

pub async fn supervise<D, C, Fut>(
    connect: C,
    slot: watch::Sender<Option<Arc<D>>>,
    tx: mpsc::Sender<Msg>,
    cancel: CancellationToken,
) where
    D: DockerApi,
    C: Fn() -> Fut,
    Fut: Future<Output = Result<D, DaemonError>>,
{
    let mut failures = 0usize;
    loop {
        let attempt = tokio::select! {
            _ = cancel.cancelled() => return,
            attempt = connect() => attempt,
        };
        let error = match attempt {
            Ok(client) => {
                failures = 0;
                let client = Arc::new(client);
                let mut events = client.events();
                slot.send_replace(Some(client.clone()));
                if tx.send(Msg::Connected(client.info())).await.is_err() {
                    return;
                }
                let lost = loop {
                    tokio::select! {
                        _ = cancel.cancelled() => return,
                        item = events.next() => match item {
                            Some(Ok(event)) => {
                                if tx.send(Msg::DaemonEvent(event)).await.is_err() {
                                    return;
                                }
                            }
                            Some(Err(error)) => break error,
                            None => break DaemonError::new(
                                DaemonErrorKind::Unreachable,
                                format!("lost the connection to {}", client.info().host),
                            ).with_hint("the daemon stopped or restarted"),
                        },
                    }
                };
                slot.send_replace(None);
                tracing::warn!(error = %lost, "daemon connection lost");
                lost
            }
            Err(error) => {
                tracing::debug!(error = %error, "cannot connect");
                error
            }
        };
        let wait = Duration::from_secs(BACKOFF_SECS[failures.min(BACKOFF_SECS.len() - 1)]);
        failures += 1;
        if tx.send(Msg::ConnectionDown { error, retry_in: wait }).await.is_err() {
            return;
        }
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(wait) => {}
        }
    }
}
