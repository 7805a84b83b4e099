//! The connection supervisor: one task that reaches the daemon, keeps the current client
//! in a watch slot for the effect runner, follows the event stream, and when the daemon
//! goes away (the stream ends) or stops answering (a heartbeat gets no answer) says so
//! and reconnects with backoff, building the client again each time (the client library
//! fails at construction when the socket is missing).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::msg::Msg;
use crate::docker::DockerApi;
use crate::model::{DaemonAddress, DaemonError, DaemonErrorKind, EndpointChoice, ListHead};

/// Waits between attempts: quick at first (a daemon restart takes a second or two), then
/// no more than 10 s apart.
const BACKOFF_SECS: [u64; 6] = [1, 1, 2, 4, 8, 10];

/// Waits after a daemon refused wharf's API version. It will not accept it until it is
/// upgraded (or wharf is), which takes minutes, not seconds: asking every second would
/// only fill the log.
const INCOMPATIBLE_SECS: [u64; 3] = [10, 30, 60];

/// The wait before the next attempt to reach a daemon, growing with each failure.
#[derive(Debug, Default)]
pub(crate) struct Backoff {
    failures: usize,
    /// Refusals of wharf's API version in a row; a connection that works for a while
    /// does not reset this one (one that is refused right after connecting would
    /// otherwise be retried every second).
    refusals: usize,
}

impl Backoff {
    pub fn reset(&mut self) {
        self.failures = 0;
    }

    pub fn next_wait(&mut self) -> Duration {
        let wait = Duration::from_secs(BACKOFF_SECS[self.failures.min(BACKOFF_SECS.len() - 1)]);
        self.failures += 1;
        wait
    }

    /// The wait after `error`: long ones when the daemon refused wharf's API version.
    pub fn next_wait_after(&mut self, error: &DaemonError) -> Duration {
        if error.kind != DaemonErrorKind::Incompatible {
            self.refusals = 0;
            return self.next_wait();
        }
        let wait = Duration::from_secs(INCOMPATIBLE_SECS[self.refusals.min(INCOMPATIBLE_SECS.len() - 1)]);
        self.refusals += 1;
        wait
    }
}

/// How often a connected daemon is asked whether it still answers. A hung daemon keeps
/// its connections open (the event stream does not end), so only asking notices it.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(2);
/// How long it has to answer the heartbeat: a slow daemon (a second or two for each
/// request) still does; one that takes longer is as good as hung to a user.
pub const HEARTBEAT_TIMEOUT: Duration = Duration::from_secs(4);

/// What a daemon that stopped answering the heartbeat is said to be.
pub(crate) fn stopped_answering(host: &str) -> DaemonError {
    DaemonError::new(
        DaemonErrorKind::Timeout,
        format!("the daemon at {host} stopped answering (no answer within {}s)", HEARTBEAT_TIMEOUT.as_secs()),
    )
    .with_hint("it may be hung or overloaded; wharf reconnects by itself when it answers again")
}

/// Pings `client` every `HEARTBEAT_EVERY` for as long as it answers in time; the error
/// once it does not.
pub(crate) async fn heartbeat<D: DockerApi>(client: &D) -> DaemonError {
    loop {
        tokio::time::sleep(HEARTBEAT_EVERY).await;
        match tokio::time::timeout(HEARTBEAT_TIMEOUT, client.ping()).await {
            Ok(Ok(())) => {}
            // The connection itself failed: the daemon is gone.
            Ok(Err(error)) if matches!(error.kind, DaemonErrorKind::Unreachable | DaemonErrorKind::Timeout) => {
                return error;
            }
            // Any other answer (a proxy that refuses `/_ping`, say) is an answer: the
            // daemon is there.
            Ok(Err(_)) => {}
            Err(_) => return stopped_answering(&client.info().host),
        }
    }
}

/// Empties the slot if it still holds `client` (and not a newer supervisor's).
fn clear_if_ours<D>(slot: &watch::Sender<Option<Arc<D>>>, client: &Arc<D>) {
    slot.send_if_modified(|current| {
        if current.as_ref().is_some_and(|c| Arc::ptr_eq(c, client)) {
            *current = None;
            true
        } else {
            false
        }
    });
}

/// Sleeps `wait`; `false` when wharf stopped meanwhile.
pub(crate) async fn sleep_unless_cancelled(wait: Duration, cancel: &CancellationToken) -> bool {
    tokio::select! {
        _ = cancel.cancelled() => false,
        _ = tokio::time::sleep(wait) => true,
    }
}

/// What a daemon's event stream ending means.
pub(crate) fn lost_connection(host: &str) -> DaemonError {
    DaemonError::new(DaemonErrorKind::Unreachable, format!("lost the connection to {host}"))
        .with_hint("the daemon stopped or restarted")
}

/// Builds a client for an address (the real one: `docker::connect`).
pub type ConnectFn<D> =
    Arc<dyn Fn(DaemonAddress) -> futures::future::BoxFuture<'static, Result<D, DaemonError>> + Send + Sync>;

/// Reads the head of an address's container list without a connection (the real
/// one: `docker::first_containers`), asked for alongside the connection's first round
/// trip.
pub type FirstListFn =
    Arc<dyn Fn(DaemonAddress) -> futures::future::BoxFuture<'static, Result<ListHead, DaemonError>> + Send + Sync>;

/// What the endpoint picker needs from whoever runs the connection.
pub trait EndpointControl: Send + Sync {
    /// The daemons the user can switch to (reads docker contexts and sockets: call it
    /// off the event loop).
    fn choices(&self) -> Vec<EndpointChoice>;
    /// Leaves the current daemon and supervises a connection to `address` instead.
    fn switch(&self, address: DaemonAddress);
}

/// The connection supervisor of the daemon in use, replaced when the user picks
/// another one. The runner keeps reading the same slot, so nothing else changes.
pub struct Connections<D: DockerApi> {
    slot: Arc<watch::Sender<Option<Arc<D>>>>,
    tx: mpsc::Sender<Msg>,
    connect: ConnectFn<D>,
    first_list: Option<FirstListFn>,
    choices: Box<dyn Fn() -> Vec<EndpointChoice> + Send + Sync>,
    /// Cancels the running supervisor; a child of the app's token, so quitting stops it.
    current: std::sync::Mutex<CancellationToken>,
    parent: CancellationToken,
}

impl<D: DockerApi> Connections<D> {
    /// Starts supervising `address`.
    pub fn start(
        address: DaemonAddress,
        slot: watch::Sender<Option<Arc<D>>>,
        tx: mpsc::Sender<Msg>,
        connect: ConnectFn<D>,
        choices: Box<dyn Fn() -> Vec<EndpointChoice> + Send + Sync>,
        parent: CancellationToken,
    ) -> Self {
        Self::start_with_first_list(address, slot, tx, connect, None, choices, parent)
    }

    /// The same, and each new daemon's container list is asked for at once with
    /// `first_list`, in parallel with the connection's round trips: its names are on
    /// screen before the connection is made (`Answer::FirstContainers`).
    pub fn start_with_first_list(
        address: DaemonAddress,
        slot: watch::Sender<Option<Arc<D>>>,
        tx: mpsc::Sender<Msg>,
        connect: ConnectFn<D>,
        first_list: Option<FirstListFn>,
        choices: Box<dyn Fn() -> Vec<EndpointChoice> + Send + Sync>,
        parent: CancellationToken,
    ) -> Self {
        let this = Self {
            slot: Arc::new(slot),
            tx,
            connect,
            first_list,
            choices,
            current: std::sync::Mutex::new(parent.child_token()),
            parent,
        };
        this.spawn(address, this.token());
        this
    }

    fn token(&self) -> CancellationToken {
        self.current.lock().map(|t| t.clone()).unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    fn spawn(&self, address: DaemonAddress, cancel: CancellationToken) {
        if let Some(first_list) = self.first_list.clone() {
            tokio::spawn(read_first_list(first_list, address.clone(), self.tx.clone(), cancel.clone()));
        }
        let connect = self.connect.clone();
        let connect_once = move || connect(address.clone());
        tokio::spawn(supervise(connect_once, self.slot.clone(), self.tx.clone(), cancel));
    }
}

impl<D: DockerApi> EndpointControl for Connections<D> {
    fn choices(&self) -> Vec<EndpointChoice> {
        (self.choices)()
    }

    fn switch(&self, address: DaemonAddress) {
        let fresh = self.parent.child_token();
        let old = match self.current.lock() {
            Ok(mut current) => std::mem::replace(&mut *current, fresh.clone()),
            Err(poisoned) => std::mem::replace(&mut *poisoned.into_inner(), fresh.clone()),
        };
        old.cancel();
        // Requests from now on must not reach the old daemon.
        self.slot.send_replace(None);
        self.spawn(address, fresh);
    }
}

/// Reads the first list and hands it to the app, unless the user left this daemon
/// first. A failure says nothing: the connection, made meanwhile, says why.
async fn read_first_list(list: FirstListFn, address: DaemonAddress, tx: mpsc::Sender<Msg>, cancel: CancellationToken) {
    let host = address.host.clone();
    let head = tokio::select! {
        _ = cancel.cancelled() => return,
        result = list(address) => result,
    };
    match head {
        Ok(head) => {
            let _ = tx.send(Msg::Answer(super::msg::Answer::FirstContainers { host, head })).await;
        }
        Err(error) => tracing::debug!(error = %error, "no first list"),
    }
}

pub async fn supervise<D, C, Fut>(
    connect: C,
    slot: Arc<watch::Sender<Option<Arc<D>>>>,
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
                // Switched away while connecting: this client must not take the slot.
                if cancel.is_cancelled() {
                    return;
                }
                backoff.reset();
                let client = Arc::new(client);
                let mut events = client.events();
                slot.send_replace(Some(client.clone()));
                // A switch between the check above and this: leave the slot to the new
                // supervisor. (The switch cancels first, then empties the slot.)
                if cancel.is_cancelled() {
                    clear_if_ours(&slot, &client);
                    return;
                }
                if tx.send(Msg::Connected(client.info())).await.is_err() {
                    return;
                }
                // Only while connected: a daemon that is down is tried by connecting.
                let beating = heartbeat(client.as_ref());
                tokio::pin!(beating);
                let lost = loop {
                    tokio::select! {
                        _ = cancel.cancelled() => {
                            clear_if_ours(&slot, &client);
                            return;
                        }
                        error = &mut beating => break error,
                        item = events.next() => match item {
                            Some(Ok(event)) => {
                                if tx.send(Msg::DaemonEvent(event)).await.is_err() {
                                    return;
                                }
                            }
                            Some(Err(error)) => break error,
                            None => break lost_connection(&client.info().host),
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
        let wait = backoff.next_wait_after(&error);
        if cancel.is_cancelled() || tx.send(Msg::ConnectionDown { error, retry_in: wait }).await.is_err() {
            return;
        }
        if !sleep_unless_cancelled(wait, &cancel).await {
            return;
        }
    }
}
