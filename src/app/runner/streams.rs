//! Long-lived streams: logs, consoles, stats, and the launches and pulls that can be
//! cancelled.

use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use super::{EffectRunner, not_connected};
use crate::app::effect::Stream;
use crate::app::files_task;
use crate::app::log_task::{self, LogJob, SaveJob};
use crate::app::msg::Msg;
use crate::app::msg::Streamed;
use crate::docker::{DockerApi, LogRequest};

/// Stats readings of one sampling round in flight at once.
const STATS_AT_ONCE: usize = 4;

impl<D: DockerApi> EffectRunner<D> {
    pub(super) fn stream(&mut self, op: Stream) {
        let client = self.client.borrow().clone();
        let timeout = self.request_timeout;
        match op {
            Stream::FollowLogs { stream, container_id, source, tty, tail, since, timestamps, service, keep } => {
                let cancel = CancellationToken::new();
                self.streams.insert(stream, cancel.clone());
                let tx = self.tx.clone();
                let request = LogRequest { tail: Some(tail), since, timestamps, follow: true, service };
                let job = LogJob { stream, container_id, source, tty, request, keep };
                tokio::spawn(async move {
                    match client {
                        Some(d) => log_task::follow(d.as_ref(), job, tx, cancel).await,
                        None => {
                            let _ =
                                tx.send(Msg::Stream(Streamed::LogEnded { stream, error: Some(not_connected()) })).await;
                        }
                    }
                });
            }
            Stream::FleetStats { on } => {
                if let Some(switch) = &self.fleet_stats {
                    switch.send_replace(on);
                }
            }
            Stream::StopLogs { stream } => {
                if let Some(token) = self.streams.remove(&stream) {
                    token.cancel();
                }
            }
            Stream::SaveFullLog { save, container_id, name, tty, limit } => {
                // Kept with the log streams: a daemon switch ends it too.
                let cancel = CancellationToken::new();
                self.streams.insert(save, cancel.clone());
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let result = match (client, crate::paths::saved_logs_dir()) {
                        (Some(d), Ok(dir)) => {
                            let stamp = crate::paths::stamp_now();
                            let job = SaveJob { save, container_id, name, tty, limit, dir, stamp };
                            log_task::save_full(d.as_ref(), job, &tx, &cancel).await
                        }
                        (None, _) => Err(not_connected().message),
                        (_, Err(e)) => Err(e),
                    };
                    cancel.cancel();
                    let _ = tx.send(Msg::Stream(Streamed::FullLogSaved { save, result })).await;
                });
            }
            Stream::CopyOut { copy, container_id, path, target, total, confirmed } => {
                // Kept with the streams: a daemon switch ends it too.
                let cancel = CancellationToken::new();
                self.streams.insert(copy, cancel.clone());
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let job = files_task::CopyOutJob { copy, container_id, path, target, total, confirmed };
                    match client {
                        Some(d) => files_task::copy_out(d.as_ref(), job, &tx, &cancel).await,
                        None => {
                            let result = Err(not_connected().message);
                            let _ = tx.send(Msg::Stream(Streamed::CopyEnded { copy, result })).await;
                        }
                    }
                    cancel.cancel();
                });
            }
            Stream::CancelCopy { copy } => {
                if let Some(token) = self.streams.remove(&copy) {
                    token.cancel();
                }
            }
            Stream::CancelSave { save } => {
                if let Some(token) = self.streams.remove(&save) {
                    token.cancel();
                }
            }
            Stream::ConsoleInput { session, bytes } => {
                // Typing faster than the container reads waits (see `send_waiting_input`);
                // nothing typed is dropped.
                if let Some(handle) = self.consoles.get_mut(&session) {
                    handle.type_in(bytes);
                }
            }
            Stream::ConsoleResize { session, cols, rows } => {
                if let Some(handle) = self.consoles.get(&session) {
                    handle.resize.send_replace((cols, rows));
                }
            }
            Stream::CloseConsole { session } => {
                if let Some(handle) = self.consoles.remove(&session) {
                    handle.cancel.cancel();
                    // Quitting right after still waits for its hang-up.
                    self.closing.retain(|task| !task.is_finished());
                    self.closing.push(handle.task);
                }
            }
            Stream::Stats { id } => {
                self.stop_stats();
                let Some(d) = client else { return };
                let cancel = CancellationToken::new();
                self.stats_stream = Some(cancel.clone());
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let mut stream = d.stats_stream(&id);
                    loop {
                        tokio::select! {
                            _ = cancel.cancelled() => return,
                            item = stream.next() => match item {
                                Some(Ok(sample)) => {
                                    if tx.send(Msg::Stream(Streamed::Stats { id: id.clone(), sample })).await.is_err() {
                                        return;
                                    }
                                }
                                // Stopped, removed, or the daemon went away: the next
                                // selection or start event asks again.
                                Some(Err(_)) | None => return,
                            },
                        }
                    }
                });
            }
            Stream::StopStats => self.stop_stats(),
            Stream::StatsRound { ids } => {
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    if let Some(d) = client {
                        // A few at a time, each bounded: one slow container does not hold
                        // the round, and a round asks the daemon for at most
                        // STATS_AT_ONCE readings at once (each is a connection while it
                        // runs; a local daemon's are read from cgroups instead).
                        let readings = ids.into_iter().map(|id| {
                            let d = d.clone();
                            async move { (tokio::time::timeout(timeout, d.stats_once(&id)).await, id) }
                        });
                        let mut readings = futures::stream::iter(readings).buffer_unordered(STATS_AT_ONCE);
                        while let Some((reading, id)) = readings.next().await {
                            if let Ok(Ok(sample)) = reading {
                                let _ = tx.send(Msg::Stream(Streamed::Stats { id, sample })).await;
                            }
                        }
                    }
                    let _ = tx.send(Msg::Stream(Streamed::StatsRoundDone)).await;
                });
            }
            Stream::Cancel { request } => {
                if let Some(token) = self.running.remove(&request) {
                    token.cancel();
                }
            }
        }
    }

    /// Some console input waits for room: `send_waiting_input` has work.
    pub fn input_waiting(&self) -> bool {
        self.consoles.values().any(|h| !h.waiting.is_empty())
    }

    /// So much console input waits that the terminal should not be read until a
    /// container takes some: the reader slows down instead of anything being dropped.
    pub fn input_full(&self) -> bool {
        self.consoles.values().any(|h| h.waiting.is_full())
    }

    /// Waits until a console with waiting input has room, then moves what fits. Never
    /// ready when no input waits. Cancel-safe: a room reserved and not used is given back.
    pub async fn send_waiting_input(&mut self) {
        let rooms: Vec<_> = self
            .consoles
            .iter()
            .filter(|(_, h)| !h.waiting.is_empty())
            .map(|(session, h)| {
                let (session, input) = (*session, h.input.clone());
                Box::pin(async move { (session, input.reserve_owned().await.ok()) })
            })
            .collect();
        if rooms.is_empty() {
            return futures::future::pending().await;
        }
        let ((session, permit), _, _) = futures::future::select_all(rooms).await;
        if let Some(handle) = self.consoles.get_mut(&session) {
            handle.send_waiting(permit);
        }
    }

    fn stop_stats(&mut self) {
        if let Some(old) = self.stats_stream.take() {
            old.cancel();
        }
    }

    /// Nothing of the old daemon's may outlive a switch: streams, consoles, launches
    /// and the stats stream all end here.
    pub(super) fn end_everything(&mut self) {
        for token in self.running.drain().map(|(_, t)| t).chain(self.streams.drain().map(|(_, t)| t)) {
            token.cancel();
        }
        for (_, console) in self.consoles.drain() {
            console.cancel.cancel();
            self.closing.push(console.task);
        }
        self.stop_stats();
    }
}
