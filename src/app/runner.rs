//! Turns `Effect`s into tasks that talk to the daemon and report back with `Msg`s.
//!
//! Every request is bounded by a timeout the UI chooses, so a stuck daemon produces a
//! timely error instead of a hung task; `update` keeps at most one request of a kind in
//! flight, so a stuck daemon cannot make requests pile up either.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use super::effect::Effect;
use super::msg::Msg;
use crate::docker::DockerApi;
use crate::model::{DaemonError, DaemonErrorKind};

/// The client the connection supervisor currently holds, if it holds one.
pub type ClientSlot<D> = watch::Receiver<Option<Arc<D>>>;

pub struct EffectRunner<D: DockerApi> {
    tx: mpsc::Sender<Msg>,
    client: ClientSlot<D>,
    request_timeout: Duration,
}

impl<D: DockerApi> EffectRunner<D> {
    pub fn new(tx: mpsc::Sender<Msg>, client: ClientSlot<D>, request_timeout: Duration) -> Self {
        Self { tx, client, request_timeout }
    }

    pub fn run(&self, effect: Effect) {
        let client = self.client.borrow().clone();
        let tx = self.tx.clone();
        let timeout = self.request_timeout;
        match effect {
            Effect::ListContainers { request } => spawn_request(
                client,
                tx,
                timeout,
                move |d| async move { Msg::ContainersListed { request, result: d.list_containers().await } },
                move |error| Msg::ContainersListed { request, result: Err(error) },
            ),
            Effect::ListImages { request } => spawn_request(
                client,
                tx,
                timeout,
                move |d| async move { Msg::ImagesListed { request, result: d.list_images().await } },
                move |error| Msg::ImagesListed { request, result: Err(error) },
            ),
            Effect::InspectContainer { request, id } => {
                let id2 = id.clone();
                spawn_request(
                    client,
                    tx,
                    timeout,
                    move |d| async move {
                        let result = d.inspect_container(&id).await;
                        Msg::ContainerInspected { request, id, result }
                    },
                    move |error| Msg::ContainerInspected { request, id: id2, result: Err(error) },
                )
            }
        }
    }
}

/// Runs one request on its own task: `call` with the current client, or `fail` with a
/// reason when there is no client or the daemon takes longer than `timeout`.
fn spawn_request<D, C, Fut, F>(client: Option<Arc<D>>, tx: mpsc::Sender<Msg>, timeout: Duration, call: C, fail: F)
where
    D: DockerApi,
    C: FnOnce(Arc<D>) -> Fut + Send + 'static,
    Fut: Future<Output = Msg> + Send,
    F: FnOnce(DaemonError) -> Msg + Send + 'static,
{
    tokio::spawn(async move {
        let msg = match client {
            None => fail(DaemonError::new(DaemonErrorKind::Unreachable, "not connected to the daemon")),
            Some(d) => match tokio::time::timeout(timeout, call(d)).await {
                Ok(msg) => msg,
                Err(_) => fail(DaemonError::new(
                    DaemonErrorKind::Timeout,
                    format!("the daemon did not answer within {}s", timeout.as_secs()),
                )),
            },
        };
        // The receiver is gone only when wharf is shutting down.
        let _ = tx.send(msg).await;
    });
}
