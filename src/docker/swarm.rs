//! Changes to a swarm: services scaled, updated, rolled back, removed and created;
//! nodes drained. An update must name the version of the spec it changes, so each one
//! reads the current spec first (the daemon refuses a stale version, never applies it).

use bollard::Docker;
use bollard::errors::Error;
use bollard::models::{
    EndpointPortConfig, EndpointPortConfigProtocolEnum, EndpointSpec, NodeSpecAvailabilityEnum, ServiceSpec,
    ServiceSpecMode, ServiceSpecModeReplicated, TaskSpec, TaskSpecContainerSpec,
};
use bollard::query_parameters::{UpdateNodeOptionsBuilder, UpdateServiceOptions};

use crate::model::{HostPort, Protocol, ServiceLaunch, SwarmChange};

pub async fn apply(client: &Docker, change: &SwarmChange) -> Result<(), Error> {
    match change {
        SwarmChange::Scale { service, replicas } => {
            update(client, service, None, |spec| {
                spec.mode = Some(ServiceSpecMode {
                    replicated: Some(ServiceSpecModeReplicated { replicas: Some(*replicas as i64) }),
                    ..Default::default()
                });
            })
            .await
        }
        SwarmChange::ForceUpdate { service } => {
            update(client, service, None, |spec| {
                if let Some(task) = spec.task_template.as_mut() {
                    task.force_update = Some(task.force_update.unwrap_or(0) + 1);
                }
            })
            .await
        }
        SwarmChange::Rollback { service } => update(client, service, Some("previous"), |_| {}).await,
        SwarmChange::RemoveService { service } => client.delete_service(service).await,
        SwarmChange::Create(launch) => client.create_service(service_spec(launch), None).await.map(|_| ()),
        SwarmChange::NodeAvailability { node, availability } => {
            let current = client.inspect_node(node).await?;
            let version = current.version.and_then(|v| v.index).unwrap_or(0) as i64;
            let mut spec = current.spec.unwrap_or_default();
            spec.availability = Some(match availability.as_str() {
                "drain" => NodeSpecAvailabilityEnum::DRAIN,
                "pause" => NodeSpecAvailabilityEnum::PAUSE,
                _ => NodeSpecAvailabilityEnum::ACTIVE,
            });
            client.update_node(node, spec, UpdateNodeOptionsBuilder::new().version(version).build()).await
        }
    }
}

/// Reads the service's spec and version, changes the spec, sends it back.
async fn update(
    client: &Docker,
    service: &str,
    rollback: Option<&str>,
    change: impl FnOnce(&mut ServiceSpec),
) -> Result<(), Error> {
    let current = client.inspect_service(service, None).await?;
    let version = current.version.and_then(|v| v.index).unwrap_or(0);
    let mut spec = current.spec.unwrap_or_default();
    change(&mut spec);
    let options = UpdateServiceOptions {
        version: i32::try_from(version).unwrap_or(i32::MAX),
        registry_auth_from: "spec".into(),
        rollback: rollback.map(str::to_string),
    };
    client.update_service(service, spec, options, None).await.map(|_| ())
}

/// The service the launch form describes: its image, name, env, command (as the
/// image's arguments, as `docker service create IMAGE CMD...` does), labels, replicas,
/// and its ports published through the routing mesh (`published:target`; a random
/// host port lets the swarm pick one). Host addresses do not apply to a swarm.
pub fn service_spec(launch: &ServiceLaunch) -> ServiceSpec {
    let spec = &launch.spec;
    let ports = spec
        .ports
        .iter()
        .map(|p| EndpointPortConfig {
            protocol: Some(match p.protocol {
                Protocol::Tcp => EndpointPortConfigProtocolEnum::TCP,
                Protocol::Udp => EndpointPortConfigProtocolEnum::UDP,
                Protocol::Sctp => EndpointPortConfigProtocolEnum::SCTP,
            }),
            target_port: Some(i64::from(p.container_port)),
            published_port: match p.host_port {
                HostPort::Port(port) => Some(i64::from(port)),
                HostPort::Range(low, _) => Some(i64::from(low)),
                HostPort::Random => None,
            },
            ..Default::default()
        })
        .collect();
    let labels = (!spec.labels.is_empty()).then(|| spec.labels.clone().into_iter().collect());
    ServiceSpec {
        name: spec.name.clone(),
        labels: labels.clone(),
        task_template: Some(TaskSpec {
            container_spec: Some(TaskSpecContainerSpec {
                image: Some(spec.image.clone()),
                env: (!spec.env.is_empty()).then(|| spec.env.clone()),
                args: spec.command.clone(),
                tty: Some(spec.interactive_tty),
                labels,
                ..Default::default()
            }),
            ..Default::default()
        }),
        mode: Some(ServiceSpecMode {
            replicated: Some(ServiceSpecModeReplicated { replicas: Some(launch.replicas as i64) }),
            ..Default::default()
        }),
        endpoint_spec: Some(EndpointSpec { ports: Some(ports), ..Default::default() }),
        ..Default::default()
    }
}
