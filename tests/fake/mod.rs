//! A scripted Docker daemon for tests: `FakeDocker` implements `DockerApi`, answers each
//! call from what the test scripted, and records every call it gets (method and
//! arguments) so the test can assert on them.
//!
//! - A request (`api::ListContainers`, `api::ContainerAction`, ...) answers with the
//!   next scripted `Reply` for its method: a value, an error, a value after a delay, an
//!   answer the test gives later, or no answer at all. Without a script it answers
//!   `Ok(Default::default())` (the raw exec/attach streams: an error).
//! - A stream (`api::Events`, `api::Logs`, `api::PullImage`, `api::StatsStream`) comes
//!   from a channel the test feeds (`feed`), so the test controls its timing, or from a
//!   list of items with delays. Without a script it stays open and silent.
//! - The raw exec/attach streams are `tokio::io::duplex` halves: the test holds the
//!   container's end (`raw`).
//!
//! Clones share the script and the record: the runner holds one, the test another.
//! Method markers (in `api`) tie a method's name to its answer's type, so a script of
//! the wrong type does not compile.
#![allow(dead_code)] // each test file uses part of it

use std::any::Any;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use futures::stream::BoxStream;
use tokio::sync::{mpsc, oneshot, watch};
use wharf::docker::{DockerApi, LogRequest, RawRead, RawWrite};
use wharf::model::{
    ContainerAction, ContainerDetails, ContainerRow, DaemonError, DaemonErrorKind, DaemonEvent, DaemonInfo, DiskUsage,
    ImageRow, LaunchSpec, NetworkRow, NodeRow, ObjectKind, ProcessTable, Protocol, PruneKind, PruneReport,
    PullProgress, ServiceRow, StatsSample, SwarmChange, SwarmRole, TaskRow, VolumeRow,
};

/// How a request is answered.
pub enum Reply<T> {
    Now(Result<T, DaemonError>),
    After(Duration, Result<T, DaemonError>),
    /// When the test says so (see `FakeDocker::later`); never if it drops its end.
    Later(oneshot::Receiver<Result<T, DaemonError>>),
    /// A daemon that accepted the request and never answers.
    Never,
}

impl<T> Reply<T> {
    pub fn ok(value: T) -> Self {
        Self::Now(Ok(value))
    }

    pub fn err(error: DaemonError) -> Self {
        Self::Now(Err(error))
    }

    async fn resolve(self) -> Result<T, DaemonError> {
        match self {
            Self::Now(result) => result,
            Self::After(delay, result) => {
                tokio::time::sleep(delay).await;
                result
            }
            Self::Later(answer) => match answer.await {
                Ok(result) => result,
                Err(_) => std::future::pending().await,
            },
            Self::Never => std::future::pending().await,
        }
    }
}

/// A daemon error of `kind` saying `message`.
pub fn error(kind: DaemonErrorKind, message: &str) -> DaemonError {
    DaemonError::new(kind, message)
}

/// Names a method of `DockerApi` (for the record).
pub trait Named: 'static {
    const NAME: &'static str;
}

/// A request: its answer's type and the answer when nothing is scripted.
pub trait Method: Named {
    type Output: Send + 'static;
    fn default_reply() -> Reply<Self::Output>;
}

/// A stream: the type of its items.
pub trait StreamMethod: Named {
    type Item: Send + 'static;
}

pub type ItemStream<T> = BoxStream<'static, Result<T, DaemonError>>;

/// The method markers.
pub mod api {
    use super::*;

    macro_rules! requests {
        ($($marker:ident $name:literal -> $out:ty;)*) => {$(
            pub struct $marker;
            impl Named for $marker {
                const NAME: &'static str = $name;
            }
            impl Method for $marker {
                type Output = $out;
                fn default_reply() -> Reply<$out> {
                    Reply::ok(Default::default())
                }
            }
        )*};
    }

    macro_rules! streams {
        ($($marker:ident $name:literal -> $item:ty;)*) => {$(
            pub struct $marker;
            impl Named for $marker {
                const NAME: &'static str = $name;
            }
            impl StreamMethod for $marker {
                type Item = $item;
            }
        )*};
    }

    macro_rules! raw {
        ($($marker:ident $name:literal;)*) => {$(
            pub struct $marker;
            impl Named for $marker {
                const NAME: &'static str = $name;
            }
            impl Method for $marker {
                type Output = (RawRead, RawWrite);
                fn default_reply() -> Reply<Self::Output> {
                    Reply::err(error(DaemonErrorKind::Other, concat!("the fake has no ", $name, " stream scripted")))
                }
            }
        )*};
    }

    requests! {
        Ping "ping" -> ();
        ListContainers "list_containers" -> Vec<ContainerRow>;
        ListImages "list_images" -> Vec<ImageRow>;
        InspectContainer "inspect_container" -> ContainerDetails;
        ImageExists "image_exists" -> bool;
        CreateContainer "create_container" -> String;
        ContainerAction "container_action" -> ();
        RemoveImage "remove_image" -> ();
        CreateExec "create_exec" -> String;
        HangUp "hang_up" -> ();
        Resize "resize" -> ();
        ExecExitCode "exec_exit_code" -> Option<i64>;
        StatsOnce "stats_once" -> StatsSample;
        DiskUsage "disk_usage" -> super::DiskUsage;
        ListVolumes "list_volumes" -> Vec<VolumeRow>;
        ListNetworks "list_networks" -> Vec<NetworkRow>;
        InspectRaw "inspect_raw" -> Vec<String>;
        SwarmRole "swarm_role" -> super::SwarmRole;
        ListNodes "list_nodes" -> Vec<NodeRow>;
        ListServices "list_services" -> Vec<ServiceRow>;
        ListTasks "list_tasks" -> Vec<TaskRow>;
        SwarmChange "swarm_change" -> ();
        ImageExposedPorts "image_exposed_ports" -> Vec<(u16, Protocol)>;
        Processes "processes" -> ProcessTable;
        ImageHistory "image_history" -> Vec<(String, i64)>;
        CreateVolume "create_volume" -> ();
        RemoveVolume "remove_volume" -> ();
        CreateNetwork "create_network" -> ();
        RemoveNetwork "remove_network" -> ();
        NetworkMembership "network_membership" -> ();
        Prune "prune" -> PruneReport;
        TagImage "tag_image" -> ();
        Login "login" -> ();
        ContainerJson "container_json" -> serde_json::Value;
        ImageJson "image_json" -> Option<serde_json::Value>;
        RenameContainer "rename_container" -> ();
        PathStat "path_stat" -> wharf::model::PathStat;
        Upload "upload" -> ();
    }

    streams! {
        Events "events" -> DaemonEvent;
        PullImage "pull_image" -> PullProgress;
        PushImage "push_image" -> PullProgress;
        BuildImage "build_image" -> wharf::model::BuildEvent;
        StatsStream "stats_stream" -> StatsSample;
        Logs "logs" -> bytes::Bytes;
        Archive "archive" -> bytes::Bytes;
    }

    raw! {
        StartExec "start_exec";
        Attach "attach";
    }

    /// `wait_exit`: unscripted, the daemon cannot wait (the session then has no exit code).
    pub struct WaitExit;
    impl Named for WaitExit {
        const NAME: &'static str = "wait_exit";
    }
    impl Method for WaitExit {
        type Output = wharf::docker::ExitWait;
        fn default_reply() -> Reply<Self::Output> {
            Reply::err(error(DaemonErrorKind::Other, "the fake has no wait scripted"))
        }
    }
}

/// One call the fake got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub method: &'static str,
    /// Strings as given, everything else as `{:?}`.
    pub args: Vec<String>,
}

type Boxed = Box<dyn Any + Send>;
type Factory = Arc<dyn Fn() -> Boxed + Send + Sync>;

/// What is scripted for one method: answers for the next calls, in order, then the
/// standing answer, if any.
#[derive(Default)]
struct Script {
    next: VecDeque<Boxed>,
    always: Option<Factory>,
}

struct Shared {
    info: DaemonInfo,
    scripts: Mutex<HashMap<&'static str, Script>>,
    calls: Mutex<Vec<Call>>,
    /// The bodies `upload` was sent, whole, in order.
    uploads: Mutex<Vec<Vec<u8>>>,
    /// Bumped on every call, so a test can wait for one.
    seen: watch::Sender<usize>,
}

/// Feeds a scripted stream; dropping it ends the stream.
pub struct Feed<T> {
    tx: mpsc::UnboundedSender<Result<T, DaemonError>>,
}

impl<T> Feed<T> {
    pub fn send(&self, item: T) {
        // The stream's reader may be gone (the task ended): that is the test's to check.
        let _ = self.tx.send(Ok(item));
    }

    pub fn fail(&self, error: DaemonError) {
        let _ = self.tx.send(Err(error));
    }

    /// Whoever read the stream dropped it.
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }

    /// Waits until the reader drops the stream.
    pub async fn closed(&self) {
        self.tx.closed().await
    }
}

/// The test's end of a request answered later.
pub struct Later<T> {
    tx: oneshot::Sender<Result<T, DaemonError>>,
}

impl<T> Later<T> {
    pub fn answer(self, result: Result<T, DaemonError>) {
        let _ = self.tx.send(result);
    }
}

#[derive(Clone)]
pub struct FakeDocker {
    shared: Arc<Shared>,
}

impl FakeDocker {
    /// A daemon at `host` (what `info()` says).
    pub fn new(host: &str) -> Self {
        let info = DaemonInfo {
            host: host.to_string(),
            engine: "Fake Engine".into(),
            version: "0.0".into(),
            api_version: "1.41".into(),
            swarm: Default::default(),
        };
        Self {
            shared: Arc::new(Shared {
                info,
                scripts: Mutex::new(HashMap::new()),
                calls: Mutex::new(Vec::new()),
                uploads: Mutex::new(Vec::new()),
                seen: watch::channel(0).0,
            }),
        }
    }

    fn push(&self, name: &'static str, answer: Boxed) {
        self.shared.scripts.lock().unwrap().entry(name).or_default().next.push_back(answer);
    }

    fn set_always(&self, name: &'static str, factory: Factory) {
        self.shared.scripts.lock().unwrap().entry(name).or_default().always = Some(factory);
    }

    /// Answers the next call of `M` (after those already scripted) with `reply`.
    pub fn reply<M: Method>(&self, reply: Reply<M::Output>) -> &Self {
        self.push(M::NAME, Box::new(reply));
        self
    }

    /// Answers the next call of `M` with `value`.
    pub fn ok<M: Method>(&self, value: M::Output) -> &Self {
        self.reply::<M>(Reply::ok(value))
    }

    /// Answers the next call of `M` with `error`.
    pub fn err<M: Method>(&self, error: DaemonError) -> &Self {
        self.reply::<M>(Reply::err(error))
    }

    /// Answers the next call of `M` when the test calls `answer` on what this returns.
    pub fn later<M: Method>(&self) -> Later<M::Output> {
        let (tx, rx) = oneshot::channel();
        self.reply::<M>(Reply::Later(rx));
        Later { tx }
    }

    /// Answers every call of `M` not scripted otherwise with what `reply` makes.
    pub fn always<M: Method>(&self, reply: impl Fn() -> Reply<M::Output> + Send + Sync + 'static) -> &Self {
        self.set_always(M::NAME, Arc::new(move || Box::new(reply()) as Boxed));
        self
    }

    /// Answers every call of `M` not scripted otherwise with `value`.
    pub fn always_ok<M: Method>(&self, value: M::Output) -> &Self
    where
        M::Output: Clone + Sync,
    {
        self.always::<M>(move || Reply::ok(value.clone()))
    }

    /// The next call of stream `M` reads from a channel: the test sends through what
    /// this returns, and dropping it ends the stream.
    pub fn feed<M: StreamMethod>(&self) -> Feed<M::Item> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.stream::<M>(receiver_stream(rx));
        Feed { tx }
    }

    /// The next call of stream `M` yields these items, each after its delay, and then
    /// ends (`end`) or stays open.
    pub fn items<M: StreamMethod>(&self, items: Vec<(Duration, Result<M::Item, DaemonError>)>, end: bool) -> &Self {
        let timed = futures::stream::iter(items).then(|(delay, item)| async move {
            tokio::time::sleep(delay).await;
            item
        });
        if end {
            self.stream::<M>(timed.boxed())
        } else {
            self.stream::<M>(timed.chain(futures::stream::pending()).boxed())
        }
    }

    /// The next call of stream `M` returns `stream`.
    pub fn stream<M: StreamMethod>(&self, stream: ItemStream<M::Item>) -> &Self {
        self.push(M::NAME, Box::new(stream));
        self
    }

    /// Every call of stream `M` not scripted otherwise returns what `make` makes.
    pub fn always_stream<M: StreamMethod>(
        &self,
        make: impl Fn() -> ItemStream<M::Item> + Send + Sync + 'static,
    ) -> &Self {
        self.set_always(M::NAME, Arc::new(move || Box::new(make()) as Boxed));
        self
    }

    /// The next call of `M` (`StartExec` or `Attach`) gets a raw stream; the test gets
    /// the container's end of it (writes there are the container's output; dropping it
    /// ends the stream).
    pub fn raw<M: Method<Output = (RawRead, RawWrite)>>(&self) -> tokio::io::DuplexStream {
        let (ours, theirs) = tokio::io::duplex(64 * 1024);
        let (read, write) = tokio::io::split(ours);
        self.ok::<M>((Box::pin(read), Box::pin(write)));
        theirs
    }

    /// Every call so far, in order.
    /// The tar bodies `upload` got (read to their end before it answered).
    pub fn uploads(&self) -> Vec<Vec<u8>> {
        self.shared.uploads.lock().unwrap().clone()
    }

    pub fn calls(&self) -> Vec<Call> {
        self.shared.calls.lock().unwrap().clone()
    }

    /// The arguments of every call of `M` so far, in order.
    pub fn calls_to<M: Named>(&self) -> Vec<Vec<String>> {
        self.calls().into_iter().filter(|c| c.method == M::NAME).map(|c| c.args).collect()
    }

    /// Waits until `M` was called at least `n` times; their arguments.
    pub async fn wait_for<M: Named>(&self, n: usize) -> Vec<Vec<String>> {
        let mut seen = self.shared.seen.subscribe();
        loop {
            let calls = self.calls_to::<M>();
            if calls.len() >= n {
                return calls;
            }
            seen.changed().await.unwrap();
        }
    }

    fn record(&self, method: &'static str, args: Vec<String>) {
        self.shared.calls.lock().unwrap().push(Call { method, args });
        self.shared.seen.send_modify(|n| *n += 1);
    }

    /// Takes what is scripted for `name`: the next answer, else the standing one.
    fn scripted(&self, name: &'static str) -> Option<Boxed> {
        let mut scripts = self.shared.scripts.lock().unwrap();
        let script = scripts.get_mut(name)?;
        script.next.pop_front().or_else(|| script.always.as_ref().map(|make| make()))
    }

    /// Records a call of `M` and answers it.
    fn answer<M: Method>(
        &self,
        args: Vec<String>,
    ) -> impl Future<Output = Result<M::Output, DaemonError>> + Send + use<M> {
        self.record(M::NAME, args);
        let reply = match self.scripted(M::NAME) {
            Some(boxed) => *boxed.downcast::<Reply<M::Output>>().unwrap(),
            None => M::default_reply(),
        };
        reply.resolve()
    }

    /// Records a call of stream `M` and returns its stream.
    fn answer_stream<M: StreamMethod>(&self, args: Vec<String>) -> ItemStream<M::Item> {
        self.record(M::NAME, args);
        match self.scripted(M::NAME) {
            Some(boxed) => *boxed.downcast::<ItemStream<M::Item>>().unwrap(),
            None => futures::stream::pending().boxed(),
        }
    }
}

fn receiver_stream<T: Send + 'static>(rx: mpsc::UnboundedReceiver<Result<T, DaemonError>>) -> ItemStream<T> {
    futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) }).boxed()
}

fn debug(value: impl std::fmt::Debug) -> String {
    format!("{value:?}")
}

impl DockerApi for FakeDocker {
    fn info(&self) -> DaemonInfo {
        self.shared.info.clone()
    }

    fn ping(&self) -> impl Future<Output = Result<(), DaemonError>> + Send {
        self.answer::<api::Ping>(vec![])
    }

    fn list_containers(&self) -> impl Future<Output = Result<Vec<ContainerRow>, DaemonError>> + Send {
        self.answer::<api::ListContainers>(vec![])
    }

    fn list_images(&self) -> impl Future<Output = Result<Vec<ImageRow>, DaemonError>> + Send {
        self.answer::<api::ListImages>(vec![])
    }

    fn inspect_container(&self, id: &str) -> impl Future<Output = Result<ContainerDetails, DaemonError>> + Send {
        self.answer::<api::InspectContainer>(vec![id.into()])
    }

    fn events(&self) -> BoxStream<'static, Result<DaemonEvent, DaemonError>> {
        self.answer_stream::<api::Events>(vec![])
    }

    fn image_exists(&self, reference: &str) -> impl Future<Output = Result<bool, DaemonError>> + Send {
        self.answer::<api::ImageExists>(vec![reference.into()])
    }

    fn pull_image(
        &self,
        reference: &str,
        auth: Option<&wharf::model::RegistryAuth>,
    ) -> BoxStream<'static, Result<PullProgress, DaemonError>> {
        // Only who: the secret stays out of the fake's call log.
        let who = auth.map(|a| a.username.clone()).unwrap_or_default();
        self.answer_stream::<api::PullImage>(vec![reference.into(), who])
    }

    fn push_image(
        &self,
        reference: &str,
        auth: Option<&wharf::model::RegistryAuth>,
    ) -> BoxStream<'static, Result<PullProgress, DaemonError>> {
        let who = auth.map(|a| a.username.clone()).unwrap_or_default();
        self.answer_stream::<api::PushImage>(vec![reference.into(), who])
    }

    fn tag_image(&self, source: &str, target: &str) -> impl Future<Output = Result<(), DaemonError>> + Send {
        self.answer::<api::TagImage>(vec![source.into(), target.into()])
    }

    fn build_image(
        &self,
        spec: &wharf::model::BuildSpec,
        dockerfile: &str,
        _auths: &[wharf::model::RegistryAuth],
        _context: BoxStream<'static, std::io::Result<bytes::Bytes>>,
    ) -> BoxStream<'static, Result<wharf::model::BuildEvent, DaemonError>> {
        self.answer_stream::<api::BuildImage>(vec![spec.context.display().to_string(), dockerfile.into()])
    }

    fn login(&self, auth: &wharf::model::RegistryAuth) -> impl Future<Output = Result<(), DaemonError>> + Send {
        self.answer::<api::Login>(vec![auth.server.clone(), auth.username.clone()])
    }

    fn create_container(&self, spec: &LaunchSpec) -> impl Future<Output = Result<String, DaemonError>> + Send {
        self.answer::<api::CreateContainer>(vec![spec.image.clone(), debug(spec)])
    }

    fn container_json(&self, id: &str) -> impl Future<Output = Result<serde_json::Value, DaemonError>> + Send {
        self.answer::<api::ContainerJson>(vec![id.into()])
    }

    fn image_json(
        &self,
        reference: &str,
    ) -> impl Future<Output = Result<Option<serde_json::Value>, DaemonError>> + Send {
        self.answer::<api::ImageJson>(vec![reference.into()])
    }

    fn rename_container(&self, id: &str, name: &str) -> impl Future<Output = Result<(), DaemonError>> + Send {
        self.answer::<api::RenameContainer>(vec![id.into(), name.into()])
    }

    fn container_action(
        &self,
        id: &str,
        action: ContainerAction,
    ) -> impl Future<Output = Result<(), DaemonError>> + Send {
        self.answer::<api::ContainerAction>(vec![id.into(), debug(action)])
    }

    fn remove_image(&self, id: &str) -> impl Future<Output = Result<(), DaemonError>> + Send {
        self.answer::<api::RemoveImage>(vec![id.into()])
    }

    fn create_exec(
        &self,
        container_id: &str,
        cmd: &[String],
        marker: &str,
    ) -> impl Future<Output = Result<String, DaemonError>> + Send {
        self.answer::<api::CreateExec>(vec![container_id.into(), cmd.join(" "), marker.into()])
    }

    fn hang_up(&self, container_id: &str, marker: &str) -> impl Future<Output = Result<(), DaemonError>> + Send {
        self.answer::<api::HangUp>(vec![container_id.into(), marker.into()])
    }

    fn start_exec(&self, exec_id: &str) -> impl Future<Output = Result<(RawRead, RawWrite), DaemonError>> + Send {
        self.answer::<api::StartExec>(vec![exec_id.into()])
    }

    fn attach(&self, container_id: &str) -> impl Future<Output = Result<(RawRead, RawWrite), DaemonError>> + Send {
        self.answer::<api::Attach>(vec![container_id.into()])
    }

    fn wait_exit(
        &self,
        container_id: &str,
        removed: bool,
    ) -> impl Future<Output = Result<wharf::docker::ExitWait, DaemonError>> + Send {
        self.answer::<api::WaitExit>(vec![container_id.into(), debug(removed)])
    }

    fn resize(
        &self,
        id: &str,
        exec: bool,
        cols: u16,
        rows: u16,
    ) -> impl Future<Output = Result<(), DaemonError>> + Send {
        self.answer::<api::Resize>(vec![id.into(), debug(exec), debug(cols), debug(rows)])
    }

    fn exec_exit_code(&self, exec_id: &str) -> impl Future<Output = Result<Option<i64>, DaemonError>> + Send {
        self.answer::<api::ExecExitCode>(vec![exec_id.into()])
    }

    fn stats_stream(&self, id: &str) -> BoxStream<'static, Result<StatsSample, DaemonError>> {
        self.answer_stream::<api::StatsStream>(vec![id.into()])
    }

    fn stats_once(&self, id: &str) -> impl Future<Output = Result<StatsSample, DaemonError>> + Send {
        self.answer::<api::StatsOnce>(vec![id.into()])
    }

    fn disk_usage(&self) -> impl Future<Output = Result<DiskUsage, DaemonError>> + Send {
        self.answer::<api::DiskUsage>(vec![])
    }

    fn logs(&self, id: &str, request: &LogRequest) -> BoxStream<'static, Result<bytes::Bytes, DaemonError>> {
        self.answer_stream::<api::Logs>(vec![id.into(), debug(request)])
    }

    fn list_volumes(&self) -> impl Future<Output = Result<Vec<VolumeRow>, DaemonError>> + Send {
        self.answer::<api::ListVolumes>(vec![])
    }

    fn list_networks(&self) -> impl Future<Output = Result<Vec<NetworkRow>, DaemonError>> + Send {
        self.answer::<api::ListNetworks>(vec![])
    }

    fn inspect_raw(&self, kind: ObjectKind, id: &str) -> impl Future<Output = Result<Vec<String>, DaemonError>> + Send {
        self.answer::<api::InspectRaw>(vec![debug(kind), id.into()])
    }

    fn swarm_role(&self) -> impl Future<Output = SwarmRole> + Send {
        let answer = self.answer::<api::SwarmRole>(vec![]);
        // The real one has no error either: a daemon it cannot ask is not in a swarm.
        async move { answer.await.unwrap_or_default() }
    }

    fn list_nodes(&self) -> impl Future<Output = Result<Vec<NodeRow>, DaemonError>> + Send {
        self.answer::<api::ListNodes>(vec![])
    }

    fn list_services(&self) -> impl Future<Output = Result<Vec<ServiceRow>, DaemonError>> + Send {
        self.answer::<api::ListServices>(vec![])
    }

    fn list_tasks(&self, service: &str) -> impl Future<Output = Result<Vec<TaskRow>, DaemonError>> + Send {
        self.answer::<api::ListTasks>(vec![service.into()])
    }

    fn swarm_change(&self, change: &SwarmChange) -> impl Future<Output = Result<(), DaemonError>> + Send {
        self.answer::<api::SwarmChange>(vec![debug(change)])
    }

    fn image_exposed_ports(&self, id: &str) -> impl Future<Output = Result<Vec<(u16, Protocol)>, DaemonError>> + Send {
        self.answer::<api::ImageExposedPorts>(vec![id.into()])
    }

    fn processes(&self, id: &str) -> impl Future<Output = Result<ProcessTable, DaemonError>> + Send {
        self.answer::<api::Processes>(vec![id.into()])
    }

    fn image_history(&self, id: &str) -> impl Future<Output = Result<Vec<(String, i64)>, DaemonError>> + Send {
        self.answer::<api::ImageHistory>(vec![id.into()])
    }

    fn create_volume(&self, name: &str) -> impl Future<Output = Result<(), DaemonError>> + Send {
        self.answer::<api::CreateVolume>(vec![name.into()])
    }

    fn remove_volume(&self, name: &str) -> impl Future<Output = Result<(), DaemonError>> + Send {
        self.answer::<api::RemoveVolume>(vec![name.into()])
    }

    fn create_network(&self, name: &str) -> impl Future<Output = Result<(), DaemonError>> + Send {
        self.answer::<api::CreateNetwork>(vec![name.into()])
    }

    fn remove_network(&self, id: &str) -> impl Future<Output = Result<(), DaemonError>> + Send {
        self.answer::<api::RemoveNetwork>(vec![id.into()])
    }

    fn network_membership(
        &self,
        network: &str,
        container: &str,
        connect: bool,
    ) -> impl Future<Output = Result<(), DaemonError>> + Send {
        self.answer::<api::NetworkMembership>(vec![network.into(), container.into(), debug(connect)])
    }

    fn prune(
        &self,
        kind: PruneKind,
        label: Option<&str>,
    ) -> impl Future<Output = Result<PruneReport, DaemonError>> + Send {
        self.answer::<api::Prune>(vec![debug(kind), debug(label)])
    }

    fn path_stat(
        &self,
        container_id: &str,
        path: &str,
    ) -> impl Future<Output = Result<wharf::model::PathStat, DaemonError>> + Send {
        self.answer::<api::PathStat>(vec![container_id.into(), path.into()])
    }

    fn archive(&self, container_id: &str, path: &str) -> BoxStream<'static, Result<bytes::Bytes, DaemonError>> {
        self.answer_stream::<api::Archive>(vec![container_id.into(), path.into()])
    }

    /// Reads the body to its end (as the daemon would), keeps it, then answers.
    fn upload(
        &self,
        container_id: &str,
        dir: &str,
        mut body: BoxStream<'static, std::io::Result<bytes::Bytes>>,
    ) -> impl Future<Output = Result<(), DaemonError>> + Send {
        let answer = self.answer::<api::Upload>(vec![container_id.into(), dir.into()]);
        let shared = self.shared.clone();
        async move {
            let mut whole = Vec::new();
            while let Some(chunk) = body.next().await {
                match chunk {
                    Ok(chunk) => whole.extend_from_slice(&chunk),
                    Err(e) => return Err(error(DaemonErrorKind::Other, &e.to_string())),
                }
            }
            shared.uploads.lock().unwrap().push(whole);
            answer.await
        }
    }
}

/// A container row with what the lists show (running, created an hour before `now`).
pub fn container(id: &str, name: &str, now: i64) -> ContainerRow {
    ContainerRow {
        id: id.into(),
        name: name.into(),
        image: "alpine:3".into(),
        image_id: "sha256:0123".into(),
        state: wharf::model::ContainerState::Running,
        status: "Up 1 hour".into(),
        status_age: None,
        created: now - 3600,
        ports: Vec::new(),
        project: None,
        service: None,
        volumes: Vec::new(),
        networks: Vec::new(),
        health: None,
    }
}

/// Waits (at most `within`, in the runtime's time) for the next message.
pub async fn next_msg(rx: &mut mpsc::Receiver<wharf::app::msg::Msg>, within: Duration) -> wharf::app::msg::Msg {
    tokio::time::timeout(within, rx.recv()).await.expect("no message in time").expect("the channel closed")
}
