//! The daemon's event stream: what happened to which object.

use bollard::models::{EventMessage, EventMessageTypeEnum};

use crate::model::{DaemonEvent, EventKind};
use crate::text::sanitize;

pub fn daemon_event(event: &EventMessage) -> DaemonEvent {
    let kind = match event.typ {
        Some(EventMessageTypeEnum::CONTAINER) => EventKind::Container,
        Some(EventMessageTypeEnum::IMAGE) => EventKind::Image,
        Some(EventMessageTypeEnum::VOLUME) => EventKind::Volume,
        Some(EventMessageTypeEnum::NETWORK) => EventKind::Network,
        Some(EventMessageTypeEnum::SERVICE) => EventKind::Service,
        Some(EventMessageTypeEnum::NODE) => EventKind::Node,
        _ => EventKind::Other,
    };
    let attribute = |key: &str| event.actor.as_ref().and_then(|a| a.attributes.as_ref()).and_then(|a| a.get(key));
    DaemonEvent {
        kind,
        action: sanitize(event.action.as_deref().unwrap_or_default()),
        id: sanitize(event.actor.as_ref().and_then(|a| a.id.as_deref()).unwrap_or_default()),
        name: sanitize(attribute("name").map(String::as_str).unwrap_or_default()),
        time: event.time.unwrap_or_default(),
        exit_code: attribute("exitCode").and_then(|c| c.parse().ok()),
        container: attribute("container").map(|c| sanitize(c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_container_death_carries_its_name_and_exit_code() {
        let event: EventMessage = serde_json::from_str(
            r#"{"Type": "container", "Action": "die", "time": 1700000000,
                "Actor": {"ID": "abc", "Attributes": {"name": "web\u001b[2J", "exitCode": "137"}}}"#,
        )
        .unwrap();
        let event = daemon_event(&event);
        assert_eq!((event.kind, event.action.as_str(), event.id.as_str()), (EventKind::Container, "die", "abc"));
        assert_eq!((event.name.as_str(), event.exit_code, event.time), ("web", Some(137), 1_700_000_000));
        let network: EventMessage = serde_json::from_str(
            r#"{"Type": "network", "Action": "connect", "Actor": {"ID": "n1", "Attributes": {"container": "abc"}}}"#,
        )
        .unwrap();
        let network = daemon_event(&network);
        assert_eq!((network.kind, network.container.as_deref()), (EventKind::Network, Some("abc")));
    }
}
