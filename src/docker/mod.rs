//! The only module that knows bollard. Everything it hands out is wharf's own types
//! (`crate::model`), already sanitised.
//!
//! `DockerApi` is the seam: the effect runner is generic over it, the bollard
//! implementation is tested against a real daemon, and fixtures can stand in for it.

mod client;
mod connect;
pub mod convert;
mod error;

use std::future::Future;

use futures::stream::BoxStream;

use crate::model::{ContainerDetails, ContainerRow, DaemonError, DaemonEvent, DaemonInfo, ImageRow};

pub use client::BollardDocker;
pub use connect::connect;
pub use error::describe;

/// What wharf asks of a daemon. Futures are `Send` so the runner can spawn them.
pub trait DockerApi: Send + Sync + 'static {
    fn info(&self) -> DaemonInfo;
    /// Every container, running or not.
    fn list_containers(&self) -> impl Future<Output = Result<Vec<ContainerRow>, DaemonError>> + Send;
    fn list_images(&self) -> impl Future<Output = Result<Vec<ImageRow>, DaemonError>> + Send;
    fn inspect_container(&self, id: &str) -> impl Future<Output = Result<ContainerDetails, DaemonError>> + Send;
    /// The daemon's container and image events, from now on. Ends when the daemon goes.
    fn events(&self) -> BoxStream<'static, Result<DaemonEvent, DaemonError>>;
}
