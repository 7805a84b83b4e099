//! `DockerApi` on top of bollard.

use std::collections::HashMap;

use bollard::Docker;
use bollard::query_parameters::{
    EventsOptionsBuilder, InspectContainerOptions, ListContainersOptionsBuilder, ListImagesOptionsBuilder,
};
use futures::StreamExt;
use futures::stream::BoxStream;

use super::DockerApi;
use super::convert;
use super::error::describe;
use crate::model::{ContainerDetails, ContainerRow, DaemonError, DaemonEvent, DaemonInfo, ImageRow};

#[derive(Clone)]
pub struct BollardDocker {
    client: Docker,
    info: DaemonInfo,
}

impl BollardDocker {
    pub(super) fn new(client: Docker, info: DaemonInfo) -> Self {
        Self { client, info }
    }

    fn err(&self, e: bollard::errors::Error) -> DaemonError {
        describe(&e, &self.info.host)
    }
}

impl DockerApi for BollardDocker {
    fn info(&self) -> DaemonInfo {
        self.info.clone()
    }

    async fn list_containers(&self) -> Result<Vec<ContainerRow>, DaemonError> {
        let options = ListContainersOptionsBuilder::new().all(true).build();
        let summaries = self.client.list_containers(Some(options)).await.map_err(|e| self.err(e))?;
        Ok(summaries.iter().map(convert::container_row).collect())
    }

    async fn list_images(&self) -> Result<Vec<ImageRow>, DaemonError> {
        let options = ListImagesOptionsBuilder::new().all(false).build();
        let summaries = self.client.list_images(Some(options)).await.map_err(|e| self.err(e))?;
        Ok(summaries.iter().map(convert::image_row).collect())
    }

    async fn inspect_container(&self, id: &str) -> Result<ContainerDetails, DaemonError> {
        let inspect =
            self.client.inspect_container(id, None::<InspectContainerOptions>).await.map_err(|e| self.err(e))?;
        Ok(convert::container_details(&inspect))
    }

    fn events(&self) -> BoxStream<'static, Result<DaemonEvent, DaemonError>> {
        let filters: HashMap<&str, Vec<&str>> = HashMap::from([("type", vec!["container", "image"])]);
        let options = EventsOptionsBuilder::new().filters(&filters).build();
        let host = self.info.host.clone();
        self.client
            .events(Some(options))
            .map(move |item| item.map(|e| convert::daemon_event(&e)).map_err(|e| describe(&e, &host)))
            .boxed()
    }
}
